"""The parsed-document store: one JSON file per publication version, written atomically.

Layout: `DIR/parsed/<identifier>/v<version>.json` holding the record, both parses (PDF and XML,
where they exist), the chosen text source, the agreement between the two, and any parse errors.
Re-parsing a version replaces its file; a new version is a new file, so history stays. On an
object-store data directory the store holds the files (`persist` on save) and the local folder
is a cache (`fetch` before a load).

Every stored parse is also entered in the ledger's index (`StateStore.parsed_entries`) with its
partition (vergaderjaar), so that a run finds the papers of a partition, and what changed, without
listing the store. A store written before the index existed (or beside a ledger rebuilt from its
journal) is indexed once, on first use.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import DataLayout
from pipeline.files import write_json
from pipeline.ledger import ParsedEntry, StateStore
from pipeline.model import Document
from pipeline.sources.records import SruRecord

PDF_FULL, PDF_SAMPLED_OUT, PDF_NONE = "full", "sampled-out", "none"

log = logging.getLogger(__name__)


@dataclass
class ParsedPaper:
    """Everything the parse stage learned about one publication version."""

    record: SruRecord
    version: int
    fetched_at: str
    parsed_at: str
    chosen: str = ""  # "xml" | "pdf" | "" when neither could be parsed
    choice_reason: str = ""
    pdf: Document | None = None
    xml: Document | None = None
    agreement: dict[str, Any] | None = None  # see pipeline.parse.agreement
    errors: dict[str, str] = field(default_factory=dict)  # source kind -> reason
    #: What was done with the PDF: `PDF_FULL` (laid out), `PDF_SAMPLED_OUT` (only its facts: pages,
    #: text layer; the XML is the text), `PDF_NONE` (no PDF).
    pdf_pass: str = ""

    @property
    def key(self) -> str:
        return version_key(self.record.identifier, self.version)

    @property
    def document(self) -> Document | None:
        """The document whose text is published (the chosen source)."""
        return {"xml": self.xml, "pdf": self.pdf}.get(self.chosen)

    @property
    def vergaderjaar(self) -> str:
        """The parliamentary year of the paper: the parsed one, else the record's ("" when unknown)."""
        doc = self.document
        return (doc.metadata.vergaderjaar if doc else "") or self.record.vergaderjaar

    def to_json(self) -> dict[str, Any]:
        return {
            "record": self.record.to_dict(), "version": self.version, "fetched_at": self.fetched_at,
            "parsed_at": self.parsed_at, "chosen": self.chosen, "choice_reason": self.choice_reason,
            "pdf": self.pdf.to_json() if self.pdf else None,
            "xml": self.xml.to_json() if self.xml else None,
            "agreement": self.agreement, "errors": self.errors, "pdf_pass": self.pdf_pass,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedPaper:
        return cls(
            record=SruRecord.from_dict(data["record"]), version=data["version"],
            fetched_at=data["fetched_at"], parsed_at=data["parsed_at"], chosen=data["chosen"],
            choice_reason=data.get("choice_reason", ""),
            pdf=Document.from_json(data["pdf"]) if data.get("pdf") else None,
            xml=Document.from_json(data["xml"]) if data.get("xml") else None,
            agreement=data.get("agreement"), errors=data.get("errors", {}),
            pdf_pass=data.get("pdf_pass") or (PDF_FULL if data.get("pdf") or "pdf" in data.get("errors", {})
                                              else PDF_NONE),  # parses from before every PDF was laid out
        )


def version_key(identifier: str, version: int) -> str:
    return f"{identifier}@{version}"


def split_key(key: str) -> tuple[str, int]:
    identifier, _, version = key.rpartition("@")
    return identifier, int(version)


class ParsedStore:
    """The parsed papers of a data directory (`layout.parsed`), indexed in its ledger."""

    def __init__(self, layout: DataLayout) -> None:
        self.layout = layout
        self.root = layout.parsed
        self.store = layout.store

    def path(self, identifier: str, version: int) -> Path:
        return self.root / identifier / f"v{version}.json"

    def has(self, identifier: str, version: int) -> bool:
        return self.store.exists(self.path(identifier, version))

    def save(self, paper: ParsedPaper) -> Path:
        """Write (and store) the paper's file, then its index entry (a parse whose entry is
        missing is parsed again)."""
        with StateStore(self.layout) as ledger:
            self._ensure_index(ledger)
            path = self.store.persist(self._write(paper))
            ledger.index_parsed([self._entry(paper)])
        return path

    def save_all(self, papers: Iterable[ParsedPaper]) -> int:
        """`save` many papers, their index entries in one transaction at the end; returns how many."""
        with StateStore(self.layout) as ledger:
            self._ensure_index(ledger)
            written, entries = [], []
            for paper in papers:
                written.append(self._write(paper))
                entries.append(self._entry(paper))
            self.store.persist_files(written)
            ledger.index_parsed(entries)
        return len(entries)

    def load(self, identifier: str, version: int) -> ParsedPaper:
        path = self.store.fetch(self.path(identifier, version))
        return ParsedPaper.from_json(json.loads(path.read_text("utf-8")))

    def entries(self) -> list[ParsedEntry]:
        """Every stored parse from the index, by identifier then version."""
        with StateStore(self.layout) as ledger:
            self._ensure_index(ledger)
            return ledger.parsed_entries()

    def keys(self) -> set[tuple[str, int]]:
        """(identifier, version) of every stored parse."""
        return {(e.identifier, e.version) for e in self.entries()}

    def _write(self, paper: ParsedPaper) -> Path:
        return write_json(self.path(paper.record.identifier, paper.version), paper.to_json(), indent=None)

    def _ensure_index(self, ledger: StateStore) -> None:
        """Index the store when the index is empty but the store is not: a store older than the
        index, or a ledger rebuilt from its journal (which does not hold the index)."""
        if ledger.parsed_count():
            return
        files = [f for f in self.store.files(self.root)
                 if f.parent.parent == self.root and f.suffix == ".json" and f.stem[:1] == "v"]
        if not files:
            return
        log.info("indexing %d stored parse(s) of %s: the ledger's index of the store was empty", len(files),
                 self.store.location(self.root))
        ledger.index_parsed(self._entry(ParsedPaper.from_json(json.loads(self.store.fetch(f).read_text("utf-8"))))
                            for f in files)

    def _entry(self, paper: ParsedPaper) -> ParsedEntry:
        path = self.path(paper.record.identifier, paper.version).relative_to(self.root)
        return ParsedEntry(paper.record.identifier, paper.version, paper.vergaderjaar, path.as_posix(),
                           paper.parsed_at)
