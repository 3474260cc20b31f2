"""The parse stage over a data directory: every archived publication version not parsed yet.

Work is cut into batches of version keys (`identifier@version`) so that the DAG can fan out
over them; `parse_pending` runs them all here, in worker processes when there are enough.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from pipeline.config import Settings
from pipeline.errors import ParseFailed
from pipeline.fetch.progress import Progress
from pipeline.identifiers import parse_identifier
from pipeline.model import Document
from pipeline.parse.store import (
    PDF_FULL,
    PDF_NONE,
    PDF_SAMPLED_OUT,
    ParsedPaper,
    ParsedStore,
    split_key,
    version_key,
)
from pipeline.parse.structure.text import chamber

if TYPE_CHECKING:
    from pipeline.ledger import ArchivedVersion
    from pipeline.parse.pdf.hyphenation import WordCounts
    from pipeline.sources.records import SruRecord

T = TypeVar("T")

log = logging.getLogger(__name__)

#: A file that disagrees with its record on these is another publication, not a variant of it.
IDENTITY_FIELDS = ("identifier", "kamer")
#: A disagreement `reconcile` flags: "<field>: document says '<ours>', record says '<theirs>'".
_RECORD_FLAG = re.compile(r"^(?P<field>\w+): document says '(?P<ours>[^']*)', record says ")

#: Below this many papers a process pool has nothing to share out (a fork costs ~10 ms, a paper ~1 s).
MIN_PAPERS_FOR_POOL = 2


@dataclass
class ParseReport:
    parsed: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)  # identifier, version, source, reason
    without_text: list[str] = field(default_factory=list)
    by_source: dict[str, int] = field(default_factory=dict)
    #: Papers by what was done with their PDF (`ParsedPaper.pdf_pass`): laid out, sampled out, none.
    by_pdf_pass: dict[str, int] = field(default_factory=dict)
    cross_checked: int = 0  # papers whose PDF and XML text were compared
    disagreeing: list[str] = field(default_factory=list)  # keys of those whose texts did not agree

    def add(self, paper: ParsedPaper) -> None:
        self.parsed += 1
        _count(self.by_source, paper.chosen or "none")
        _count(self.by_pdf_pass, paper.pdf_pass)
        if paper.agreement is not None:
            self.cross_checked += 1
            if not paper.agreement.get("ok", True):
                self.disagreeing.append(paper.key)
        for source, reason in paper.errors.items():
            self.failed.append({"identifier": paper.record.identifier, "version": str(paper.version),
                                "source": source, "reason": reason})
        doc = paper.document
        if doc is not None and not doc.has_text_layer:
            self.without_text.append(paper.key)

    def merge(self, other: ParseReport) -> ParseReport:
        self.parsed += other.parsed
        self.failed += other.failed
        self.without_text += other.without_text
        self.cross_checked += other.cross_checked
        self.disagreeing += other.disagreeing
        for k, v in other.by_source.items():
            _count(self.by_source, k, v)
        for k, v in other.by_pdf_pass.items():
            _count(self.by_pdf_pass, k, v)
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(counts: dict[str, int], key: str, n: int = 1) -> None:
    counts[key] = counts.get(key, 0) + n


def pending_keys(settings: Settings) -> list[str]:
    """Keys of archived versions without a stored parse (all of them with `settings.reparse`),
    largest PDF first: the PDF's layout analysis is most of a paper's parse time."""
    return [version_key(v.identifier, v.version) for v in largest_first(_pending_versions(settings), _pdf_of)]


def _pending_versions(settings: Settings) -> list[ArchivedVersion]:
    from pipeline.ledger import StateStore

    parsed = ParsedStore(settings.layout).keys()  # from the index, not a listing of the store
    with StateStore(settings.layout) as state:
        archived = state.archived_versions(identifiers=settings.identifiers, dossier=settings.dossier)
    return [version for version in archived if settings.reparse or (version.identifier, version.version) not in parsed]


def batches(keys: Sequence[str], size: int) -> list[list[str]]:
    return [list(keys[i : i + size]) for i in range(0, len(keys), size)]


def _parse_source(path: str, kind: str, errors: dict[str, str], record: Any,
                  lexicon: WordCounts | None = None) -> Document | None:
    from pipeline.parse import parse_file

    return _source(lambda: parse_file(path, record, lexicon), path, kind, errors)


def _source(read: Callable[[], Document], path: str, kind: str, errors: dict[str, str]) -> Document | None:
    """`read()`, or None with the reason in `errors[kind]` when it fails."""
    try:
        return read()
    except ParseFailed as err:
        errors[kind] = err.reason
    except Exception as err:  # one bad file never stops the batch
        log.exception("unexpected error parsing %s", path)
        errors[kind] = f"unexpected {type(err).__name__}: {err}"
    return None


def is_backfill(settings: Settings, papers: int) -> bool:
    """A backfill lays out only a sample of the PDFs that have usable XML: a run narrowed to one
    `vergaderjaar`, or one parsing more than `full_check_max` papers. Every other run lays out
    every PDF, so that the agreement with the XML stays a quality signal of the daily runs."""
    return settings.vergaderjaar is not None or papers > settings.full_check_max


def in_sample(identifier: str, fraction: float) -> bool:
    """Whether `identifier` is in the agreement sample: a stable hash, the same papers every run."""
    digest = hashlib.sha256(identifier.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < fraction * 2**64


def parse_version(settings: Settings, key: str, *, backfill: bool = False) -> ParsedPaper:
    """Parse the official XML and the PDF of one archived version, choose the text, store it.

    The XML's words go into the data directory's corpus lexicon first; the PDF is laid out with
    that lexicon as evidence for undoing line-end hyphenation, unless this is a `backfill`, the
    XML holds body text and the paper is not in the agreement sample: then only the PDF's facts
    (pages, text layer) are read."""
    from pipeline.ledger import StateStore
    from pipeline.parse.agreement import agreement_for, choose_source, has_body_text
    from pipeline.parse.pdf.facts import pdf_facts
    from pipeline.parse.pdf.lexicon import CorpusLexicon

    identifier, number = split_key(key)
    with StateStore(settings.layout) as state:
        version = state.get_version(identifier, number)
    for path in version.files.values():  # archived by another task, maybe on another host
        settings.layout.store.fetch(path)
    errors: dict[str, str] = {}
    pdf = xml = None
    if "xml" in version.files:
        xml = _parse_source(str(version.files["xml"]), "xml", errors, version.record)
    usable_xml = xml is not None and has_body_text(xml)
    pdf_pass = PDF_NONE
    if "pdf" in version.files:
        path = str(version.files["pdf"])
        pdf_pass = PDF_SAMPLED_OUT if backfill and usable_xml and not in_sample(
            identifier, settings.agreement_sample) else PDF_FULL
    with CorpusLexicon(settings.layout) as lexicon:
        if xml is not None:
            lexicon.learn(key, xml.text)
        if pdf_pass == PDF_FULL:
            pdf = _parse_source(path, "pdf", errors, version.record, lexicon)
    if pdf_pass == PDF_SAMPLED_OUT:
        pdf = _source(lambda: pdf_facts(path), path, "pdf", errors)
    chosen, reason = choose_source(pdf, xml)
    paper = ParsedPaper(
        record=version.record, version=number, fetched_at=version.fetched_at,
        parsed_at=datetime.now(UTC).isoformat(), chosen=chosen, choice_reason=reason, pdf=pdf, xml=xml,
        agreement=agreement_for(pdf, xml), errors=errors, pdf_pass=pdf_pass,
    )
    _hold_if_another_paper(settings, paper)  # before the save: a stored parse is published unless held
    ParsedStore(settings.layout).save(paper)
    return paper


def contradictions(paper: ParsedPaper) -> dict[str, dict[str, str]]:
    """What the paper's files say they are where that contradicts their record ({} when nothing): per
    file kind, the identifier and chamber it names (`reconcile` flags them)."""
    found: dict[str, dict[str, str]] = {}
    for kind, doc in (("xml", paper.xml), ("pdf", paper.pdf)):
        for flag in doc.metadata.flags if doc is not None else ():
            match = _RECORD_FLAG.match(flag)
            if match and match["field"] in IDENTITY_FIELDS and not _same_paper(paper.record, match["ours"]):
                found.setdefault(kind, {})[match["field"]] = match["ours"]
    return found


def _same_paper(record: SruRecord, said: str) -> bool:
    """Whether an identifier a file names is still the record's paper: a reprint names its original
    (kst-36867-D for kst-36867-D-h1), an unformatted paper (kst-1259252) its formatted one in the
    record's dossier. Anything else, a chamber included, is another paper."""
    ours, theirs = parse_identifier(record.identifier), parse_identifier(said)
    if ours is None or theirs is None:
        return False
    if ours.numbered_only:
        return theirs.dossier in {d.replace(" ", "-") for d in record.dossiers}
    return ours.base == theirs.base


def _another_paper(record: SruRecord, found: dict[str, dict[str, str]]) -> str:
    """'the xml and pdf files are ah-tk-20202021-3235 (Tweede Kamer), not h-ek-20202021-1-1 (Eerste Kamer)'."""
    theirs = {field: value for said in found.values() for field, value in said.items()}
    ours = theirs.get("identifier", record.identifier)
    said_chamber = f" ({theirs['kamer']})" if "kamer" in theirs else ""
    files = " and ".join(found)
    return (f"the {files} file{'s are' if len(found) > 1 else ' is'} {ours}{said_chamber}, not {record.identifier} "
            f"({chamber(record.creator) or record.creator})")


def _hold_if_another_paper(settings: Settings, paper: ParsedPaper) -> None:
    """A version whose file is another paper is held back (never published under this record),
    with the reason in `fetch_errors`; a re-parse, or a new version with a new file, tries again."""
    from pipeline.ledger import HELD_CONTRADICTS_RECORD, StateStore

    found = contradictions(paper)
    with StateStore(settings.layout) as state:
        state.clear_hold(paper.record.identifier, paper.version)
        if found:
            reason = _another_paper(paper.record, found)
            url = next((u for kind in found if (u := paper.record.urls.get(kind))), "")
            state.hold_back(paper.record.identifier, paper.version, HELD_CONTRADICTS_RECORD, reason, url)
            paper.errors["record"] = reason
            log.warning("held back %s: %s", paper.key, reason)


class ParseProgress(Progress):
    """Papers parsed of the run's total, their rate and the time left (`Progress` reports it)."""

    def __init__(self, total: int, interval: float = 5.0, stream: TextIO | None = None) -> None:
        super().__init__("parse", interval, stream)
        self.total = total

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (now or time.monotonic()) - self._start)
        rate = self.records / elapsed
        left = f"{(self.total - self.records) / rate:.0f}s left" if rate else "time left unknown"
        return (f"{self.what}: {self.records}/{self.total} papers ({rate:.2f}/s), {self.errors} with errors, "
                f"{elapsed:.0f}s, {left}")


def _parse_keys(settings: Settings, keys: Sequence[str], backfill: bool,
                progress: ParseProgress | None = None) -> ParseReport:
    report = ParseReport()
    for key in keys:
        paper = parse_version(settings, key, backfill=backfill)
        report.add(paper)
        if progress is not None:
            progress.add(records=1, errors=bool(paper.errors))
    return report


def parse_batch(settings: Settings, keys: Sequence[str], planned: int | None = None) -> ParseReport:
    """Parse one batch in this process (a DAG's mapped task calls this), with progress in the log;
    `planned`, the papers of the whole run (default: this batch's), tells a backfill (`is_backfill`)."""
    backfill = is_backfill(settings, len(keys) if planned is None else planned)
    progress = ParseProgress(len(keys))
    report = _parse_keys(settings, keys, backfill, progress)
    progress.done()
    return report


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """The worker processes that parse a batch; `bench/parse.py` measures this same pool."""
    return ProcessPoolExecutor(max_workers=workers)


def largest_first(items: Iterable[T], files: Callable[[T], Iterable[Path]]) -> list[T]:
    """`items` by the bytes of their files, largest first.

    Handed to the workers in this order, the small items come last and fill in, so the workers
    finish close together: papers of the same page count can take 1.5x as long as each other,
    and in arrival order one worker can be left with all the slow ones."""
    return sorted(items, key=lambda item: sum(map(_bytes, files(item))), reverse=True)


def _bytes(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _pdf_of(version: ArchivedVersion) -> list[Path]:
    return [path for kind, path in version.files.items() if kind == "pdf"]


def parse_papers(settings: Settings, keys: Sequence[str]) -> ParseReport:
    """Parse these papers, in worker processes when there are enough; hand them out in the
    order given (`pending_keys` puts the largest first, so the workers finish close together)."""
    workers = settings.workers or os.cpu_count() or 1
    if len(keys) < MIN_PAPERS_FOR_POOL or workers == 1:
        return parse_batch(settings, keys)
    backfill = is_backfill(settings, len(keys))
    report = ParseReport()
    progress = ParseProgress(len(keys))
    chunk = max(1, min(25, len(keys) // (workers * 4) or 1))
    parts = batches(keys, chunk)
    with parse_pool(workers) as pool:
        for part in pool.map(_parse_keys, [settings] * len(parts), parts, [backfill] * len(parts)):
            report.merge(part)
            progress.add(records=part.parsed, errors=len({(f["identifier"], f["version"]) for f in part.failed}))
    progress.done()
    log.info("parsed %d paper(s), %d failure(s), PDF passes %s", report.parsed, len(report.failed),
             report.by_pdf_pass)
    return report


def parse_pending(settings: Settings) -> ParseReport:
    """Parse every pending version."""
    return parse_papers(settings, pending_keys(settings))
