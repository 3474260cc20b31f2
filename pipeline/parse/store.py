"""The parsed-document store: one JSON file per publication version, written atomically.

Layout: `DIR/parsed/<identifier>/v<version>.json` holding the record, both parses (PDF and XML,
where they exist), the chosen text source, the agreement between the two, and any parse errors.
Re-parsing a version replaces its file; a new version is a new file, so history stays. On an
object-store data directory the store holds the files (`persist` on save) and the local folder
is a cache (`fetch` before a load, `mirror` before reading them all).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.files import write_json
from pipeline.model import Document
from pipeline.sources.records import SruRecord
from pipeline.storage import Storage

PDF_FULL, PDF_SAMPLED_OUT, PDF_NONE = "full", "sampled-out", "none"


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
    def __init__(self, root: Path, store: Storage | None = None) -> None:
        self.root = Path(root)
        self.store = store or Storage(self.root)

    def path(self, identifier: str, version: int) -> Path:
        return self.root / identifier / f"v{version}.json"

    def has(self, identifier: str, version: int) -> bool:
        return self.store.exists(self.path(identifier, version))

    def save(self, paper: ParsedPaper) -> Path:
        path = write_json(self.path(paper.record.identifier, paper.version), paper.to_json(), indent=None)
        return self.store.persist(path)

    def load(self, identifier: str, version: int) -> ParsedPaper:
        path = self.store.fetch(self.path(identifier, version))
        return ParsedPaper.from_json(json.loads(path.read_text("utf-8")))

    def keys(self) -> set[tuple[str, int]]:
        """(identifier, version) of every stored parse, read from the file names only."""
        return {(file.parent.name, int(file.stem[1:])) for file in self.store.files(self.root)
                if file.parent.parent == self.root and file.suffix == ".json" and file.stem[:1] == "v"
                and file.stem[1:].isdigit()}

    def iter_all(self) -> Iterator[ParsedPaper]:
        """Every stored version, ordered by identifier then version (history included)."""
        self.store.mirror(self.root)
        if not self.root.exists():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for file in sorted(folder.glob("v*.json"), key=lambda p: int(p.stem[1:])):
                yield ParsedPaper.from_json(json.loads(file.read_text("utf-8")))
