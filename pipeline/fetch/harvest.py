"""The fetch stage: discover Eerste Kamer publications through SRU, then archive their files.

`discover` pages the query completely (keyset on dt.identifier), records every record version
in the state DB and advances the watermark; a first run (no watermark) asks for the last
`first_run_days` days, a narrowed run (dossier, identifiers, vergaderjaar) for all it names.
`download_pending` fetches every file not archived yet (new work, and whatever failed before).
`harvest` does both. Nothing is downloaded twice: a version's files are fetched once, and only a
new change stamp makes a new version.
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.config import DEFAULT_KINDS, EERSTE_KAMER, Settings
from pipeline.errors import InvalidParameter, MalformedResponse
from pipeline.fetch.archive import RawArchive
from pipeline.fetch.http import HttpError, PoliteClient
from pipeline.fetch.progress import Progress
from pipeline.ledger import RECORD, Recorded, StateStore
from pipeline.sources import vergaderjaar
from pipeline.sources.records import SruRecord
from pipeline.sources.sru import HarvestQuery, PagingTally, SruClient, SruPage

log = logging.getLogger(__name__)

#: dt.modified has day resolution: poll again from one day before the watermark.
OVERLAP = timedelta(days=1)
#: At most this many identifiers per list in a report's dict form.
REPORT_IDS = 100
#: Bijlagen listed by a new paper but not found by the main query are asked for this many at a time.
BIJLAGEN_PER_QUERY = 50
EXTENSIONS = {"pdf": "pdf", "xml": "xml", "metadata": "xml"}


@dataclass
class DiscoveryReport:
    query: str = ""
    #: since, until, vergaderjaar, and `reason`: since | watermark | narrowed | until | first_run | full_history
    window: dict[str, Any] = field(default_factory=dict)
    discovered: int = 0  # records of the requested kinds by the Eerste Kamer
    new: int = 0  # identifiers never seen before
    changed: int = 0  # a known identifier with a new change stamp: a new version
    unchanged: int = 0
    published_in_window: int = 0  # new ones with dt.available inside the polled window
    filtered_out: int = 0  # records the service returned that are not EK or not a requested kind
    bad_records: int = 0
    pages: int = 0
    estimated_records: int | None = None  # the service's first numberOfRecords (an estimate)
    pages_add_up: bool = True
    links: int = 0
    bijlagen_followed: int = 0  # listed by a new or changed paper, found by asking for them by id
    bijlagen_missing: list[str] = field(default_factory=list)  # listed, but the service has no record
    requests: int = 0
    seconds: float = 0.0
    watermark_before: str | None = None
    watermark_after: str | None = None
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    files_already_archived: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["new_ids"] = self.new_ids[:REPORT_IDS]
        data["changed_ids"] = self.changed_ids[:REPORT_IDS]
        data["bijlagen_missing"] = self.bijlagen_missing[:REPORT_IDS]
        return data


@dataclass
class DownloadReport:
    files_downloaded: int = 0
    bytes: int = 0
    errors: int = 0  # files that failed in this run (recorded in fetch_errors, retried next run)
    requests: int = 0
    seconds: float = 0.0
    error_samples: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class HarvestReport:
    discovered: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    files_downloaded: int = 0
    files_already_archived: int = 0
    bytes: int = 0
    errors: int = 0  # bad records + failed files in this run
    open_errors: int = 0  # unresolved fetch_errors after the run
    requests: int = 0
    retries: int = 0  # requests that were repeats after a transient failure
    seconds: float = 0.0
    watermark_before: str | None = None
    watermark_after: str | None = None
    window: dict[str, Any] = field(default_factory=dict)  # what discovery asked for and why
    discovery: dict[str, Any] = field(default_factory=dict)
    download: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- discovery --------------------------------------------------------------------------------

def _narrowed(settings: Settings) -> bool:
    """A run for some papers only (a dossier, identifiers, a vergaderjaar): it never moves the watermark."""
    return bool(settings.dossier or settings.identifiers or settings.vergaderjaar)


def _start(settings: Settings, watermark: date | None) -> tuple[date | None, str]:
    """The first dt.modified day to ask for, and why.

    An explicit `since` wins; a narrowed run asks for everything it names; otherwise poll from
    the watermark. A first run (no watermark, no `since`, no `until`) takes the last
    `first_run_days` days (0: the whole history): the backfill DAG or `--since` fetch older papers.
    """
    if settings.since:
        return settings.since, "since"
    if _narrowed(settings):
        return None, "narrowed"
    if watermark:
        return watermark - OVERLAP, "watermark"
    if settings.until:
        return None, "until"
    if settings.first_run_days < 0:
        raise InvalidParameter(f"first_run_days (EK_FIRST_RUN_DAYS) is {settings.first_run_days}; "
                               "it must be a number of days >= 0 (0 = the whole history)")
    if settings.first_run_days == 0:
        log.info("first run: harvesting the whole history (EK_FIRST_RUN_DAYS=0)")
        return None, "full_history"
    since = datetime.now(UTC).date() - timedelta(days=settings.first_run_days)
    log.info("first run (no watermark, no --since): harvesting records modified since %s, the last %d days "
             "(EK_FIRST_RUN_DAYS); for older papers use --since YYYY-MM-DD or the eerste_kamer_backfill DAG",
             since, settings.first_run_days)
    return since, "first_run"


def _query(settings: Settings, kinds: tuple[str, ...], watermark: date | None) -> tuple[HarvestQuery, str]:
    """The discovery query of a run, and why its dt.modified window starts where it does."""
    if settings.vergaderjaar:
        vergaderjaar.parse(settings.vergaderjaar, "vergaderjaar")
    since, reason = _start(settings, watermark)
    query = HarvestQuery(kinds=kinds, modified_from=since, modified_until=settings.until, dossier=settings.dossier,
                         vergaderjaar=settings.vergaderjaar, identifiers=tuple(settings.identifiers))
    return query, reason


def _wanted(record: SruRecord, kinds: tuple[str, ...]) -> bool:
    return record.creator == EERSTE_KAMER and record.publicatienaam in kinds


def _day(value: str) -> date | None:
    """dcterms:modified as a date; None (and a warning) when it is not one."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        log.warning("ignoring dcterms:modified %r: not a date", value)
        return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _chunks(items: list[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


class _Discovery:
    """One discovery run: pages in, versions recorded, counts kept."""

    def __init__(self, settings: Settings, store: StateStore, query: HarvestQuery, reason: str) -> None:
        self.settings = settings
        self.store = store
        self.query = query
        window = {"since": _iso(query.modified_from), "until": _iso(query.modified_until),
                  "vergaderjaar": query.vergaderjaar, "reason": reason}
        self.report = DiscoveryReport(query=query.cql(), window=window)
        self.max_modified: date | None = None
        self.progress = Progress("discovery")
        self.seen: set[str] = set()
        self.listed_bijlagen: set[str] = set()  # listed by new or changed papers

    def take(self, page: SruPage, after: str | None, asked_for: frozenset[str] = frozenset()) -> None:
        """Record the wanted records of a page (EK, requested kinds, or asked for by identifier)."""
        wanted = [r for r in page.records if r.identifier in asked_for or _wanted(r, self.query.kinds)]
        self.report.filtered_out += len(page.records) - len(wanted)
        for bad in page.bad_records:
            ident = bad.identifier or f"unidentified record after {after or 'the start'}"
            log.warning("unreadable SRU record %s: %s", ident, bad.reason)
            self.store.record_error(ident, 0, RECORD, self.settings.sru_url, "bad_record", bad.reason)
        self.report.bad_records += len(page.bad_records)
        for recorded in self.store.record_versions(wanted):
            self._count(recorded)
        self.progress.add(records=len(wanted), errors=len(page.bad_records))

    def _count(self, recorded: Recorded) -> None:
        record, report = recorded.record, self.report
        report.discovered += 1
        self.seen.add(record.identifier)
        modified = _day(record.modified)
        if modified:
            self.max_modified = max(self.max_modified or modified, modified)
        if recorded.status == "unchanged":
            report.unchanged += 1
            report.files_already_archived += self.store.archived_files(record.identifier, recorded.version)
            return
        self.listed_bijlagen.update(record.bijlagen)
        if recorded.status == "changed":
            report.changed += 1
            report.changed_ids.append(record.identifier)
        else:
            report.new += 1
            report.new_ids.append(record.identifier)
            start = self.query.modified_from
            if start is None or record.available[:10] >= start.isoformat():
                report.published_in_window += 1

    def new_watermark(self) -> date | None:
        """How far this run covered the source, or None when it must not move the watermark.

        With unreadable records, no further than the start of the window: the next run asks again.
        """
        if _narrowed(self.settings):
            return None
        if self.report.bad_records:
            return self.query.modified_from
        return self.max_modified or self.query.modified_from


def _follow_bijlagen(run: _Discovery, sru: SruClient) -> None:
    """Ask by identifier for bijlagen that new papers list but the main query did not return."""
    missing = sorted(b for b in run.listed_bijlagen - run.seen if not run.store.known(b))
    for batch in _chunks(missing, BIJLAGEN_PER_QUERY):
        query = HarvestQuery(kinds=("Kamerstuk",), identifiers=batch, creator=None)
        before = run.report.discovered
        for page in sru.pages(query):
            run.take(page, None, asked_for=frozenset(batch))
        run.report.bijlagen_followed += run.report.discovered - before
    run.report.bijlagen_missing = sorted(set(missing) - run.seen)
    if run.report.bijlagen_missing:
        log.info("%d listed bijlage(n) not in the service: %s", len(run.report.bijlagen_missing),
                 ", ".join(run.report.bijlagen_missing[:10]))


def discover(settings: Settings, http: PoliteClient | None = None) -> DiscoveryReport:
    """Query SRU completely and record every record version in the state DB (no file downloads)."""
    started = time.perf_counter()
    kinds = tuple(settings.kinds) or DEFAULT_KINDS
    with StateStore(settings.layout) as store, _client(settings, http) as client:
        before = store.watermark(kinds)
        query, reason = _query(settings, kinds, before)
        run = _Discovery(settings, store, query, reason)
        log.info("discovering (%s): %s", reason, query.cql())
        requests_before = client.requests
        sru = SruClient(lambda params, check: client.get(settings.sru_url, check, params), settings.page_size)
        tally = PagingTally()
        for page in sru.pages(query, tally):
            run.take(page, tally.last_identifier)
        if "Kamerstuk" in kinds:
            _follow_bijlagen(run, sru)
        report = run.report
        report.pages, report.estimated_records, report.pages_add_up = tally.pages, tally.first_estimate, tally.adds_up
        after = run.new_watermark()
        if after is not None:
            store.advance_watermark(kinds, after)
        report.watermark_before, report.watermark_after = _iso(before), _iso(store.watermark(kinds))
        report.links = store.refresh_links()
        report.requests = client.requests - requests_before
    run.progress.done()
    report.seconds = round(time.perf_counter() - started, 3)
    log.info("discovered %d record(s): %d new, %d changed, %d unchanged, %d filtered out, %d unreadable",
             report.discovered, report.new, report.changed, report.unchanged, report.filtered_out,
             report.bad_records)
    return report


# --- downloads --------------------------------------------------------------------------------

def _looks_like_html(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def check_pdf(content: bytes) -> bytes:
    if _looks_like_html(content):
        raise MalformedResponse("an HTML page was served where a PDF was promised")
    if b"%PDF-" not in content[:1024]:
        raise MalformedResponse(f"not a PDF (starts with {content[:16]!r})")
    if b"%%EOF" not in content[-2048:]:
        raise MalformedResponse("the PDF is truncated (no %%EOF at its end)")
    return content


def check_xml(content: bytes) -> bytes:
    if _looks_like_html(content):
        raise MalformedResponse("an HTML page was served where XML was promised")
    try:
        root = ET.fromstring(content)
    except ET.ParseError as err:
        raise MalformedResponse(f"malformed or truncated XML ({err})") from None
    if root.tag.rsplit("}", 1)[-1].lower() == "html":
        raise MalformedResponse("an HTML page was served where XML was promised")
    return content


CHECKS: dict[str, Callable[[bytes], bytes]] = {"pdf": check_pdf, "xml": check_xml, "metadata": check_xml}


def download_pending(settings: Settings, http: PoliteClient | None = None) -> DownloadReport:
    """Fetch every file not archived yet; a failure is recorded and retried by the next run."""
    started = time.perf_counter()
    report = DownloadReport()
    archive = RawArchive(settings.layout.raw, settings.layout.store)
    progress = Progress("download")
    with StateStore(settings.layout) as store, _client(settings, http) as client:
        requests_before = client.requests
        # On object storage the local cache may lack any file: the store keeps them (`verify` checks it).
        for gone in store.requeue_missing() if not archive.store.remote else ():
            log.warning("%s %s: archived file %s is %s: fetching it again", gone["identifier"],
                        gone["manifestation"], gone["path"], gone["problem"])
        pending = store.pending_files()
        log.info("%d file(s) to download", len(pending))
        for item in pending:
            try:
                content = client.get(item.url, CHECKS[item.manifestation])
            except HttpError as err:
                store.mark_failed(item, err.kind, str(err))
                report.errors += 1
                if len(report.error_samples) < REPORT_IDS:
                    report.error_samples.append({"identifier": item.identifier, "manifestation": item.manifestation,
                                                 "error_kind": err.kind, "message": str(err)})
                log.warning("%s %s: %s", item.identifier, item.manifestation, err)
                progress.add(errors=1)
                continue
            store.mark_archived(item, archive.put(content, EXTENSIONS[item.manifestation]))
            report.files_downloaded += 1
            report.bytes += len(content)
            progress.add(files=1, nbytes=len(content))
        report.requests = client.requests - requests_before
    progress.done()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


# --- both -------------------------------------------------------------------------------------

def harvest(settings: Settings) -> HarvestReport:
    """Discover, then download everything pending; one polite client for both."""
    started = time.perf_counter()
    with PoliteClient(settings) as client:
        found = discover(settings, client)
        fetched = download_pending(settings, client)
    with StateStore(settings.layout) as store:
        open_errors = store.open_errors()
    return HarvestReport(
        discovered=found.discovered, new=found.new, changed=found.changed, unchanged=found.unchanged,
        files_downloaded=fetched.files_downloaded, files_already_archived=found.files_already_archived,
        bytes=fetched.bytes, errors=found.bad_records + fetched.errors, open_errors=open_errors,
        requests=found.requests + fetched.requests, retries=client.retries,
        seconds=round(time.perf_counter() - started, 3),
        watermark_before=found.watermark_before, watermark_after=found.watermark_after,
        window=found.window, discovery=found.to_dict(), download=fetched.to_dict(),
    )


def _client(settings: Settings, http: PoliteClient | None) -> AbstractContextManager[PoliteClient]:
    """The caller's client (left open), or a new one closed after use."""
    return nullcontext(http) if http is not None else PoliteClient(settings)
