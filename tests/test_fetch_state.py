"""State store and raw archive on their own: versions, manifest, watermarks, errors; sha256 files."""

from __future__ import annotations

import hashlib
import io
import logging
import multiprocessing
import multiprocessing.synchronize
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import DataLayout
from pipeline.fetch.archive import RawArchive
from pipeline.fetch.progress import Progress
from pipeline.ledger import RECORD, PendingFile, StateStore
from pipeline.sources.sru import parse_response
from tests.support.paths import KST_PDF, KST_XML, REALDATA

EK_PAGE = REALDATA / "lawgraph" / "sru_eerstekamer_kamerstukken_page.xml"


@pytest.fixture
def records():
    return parse_response(EK_PAGE.read_bytes()).records


def test_archive_is_content_addressed_and_atomic(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    content = KST_PDF.read_bytes()
    stored = archive.put(content, "pdf")
    sha = hashlib.sha256(content).hexdigest()
    assert stored.sha256 == sha and stored.size == len(content)
    assert stored.path == tmp_path / "raw" / sha[:2] / f"{sha}.pdf" and stored.path.read_bytes() == content
    assert archive.put(content, "pdf") == stored and archive.has(sha, "pdf", len(content))
    assert [p.name for p in (tmp_path / "raw").rglob("*")] == [sha[:2], f"{sha}.pdf"]  # no temp files


def test_versions_by_change_stamp(tmp_path: Path, state_dsn: str | None, records) -> None:
    store = StateStore(DataLayout(tmp_path, state_dsn))
    first = store.record_versions(records)
    assert [(r.record.identifier, r.version, r.status) for r in first] == [
        ("kst-1259252", 1, "new"), ("kst-36867-A", 1, "new"), ("kst-36867-B", 1, "new"), ("kst-36867-C", 1, "new")]
    assert [r.status for r in store.record_versions(records)] == ["unchanged"] * 4
    changed = replace(records[3], changed_at="2026-10-01T10:00:00+02:00", modified="2026-10-01")
    [again] = store.record_versions([changed])
    assert (again.version, again.status) == (2, "changed")
    pending = store.pending_files()
    assert len(pending) == 2 + 3 * 3 + 3 and {p.manifestation for p in pending} == {"pdf", "xml", "metadata"}
    assert store.archived_versions() == []  # nothing downloaded yet


def test_archived_versions_need_every_file_and_survive_reopening(tmp_path: Path, state_dsn: str | None,
                                                                 records) -> None:
    store = StateStore(DataLayout(tmp_path, state_dsn))
    store.record_versions(records)
    archive = RawArchive(tmp_path / "raw")
    for item in store.pending_files():
        if item.identifier != "kst-36867-A" or item.manifestation != "xml":
            store.mark_archived(item, archive.put(KST_XML.read_bytes() if "xml" in item.url else KST_PDF.read_bytes(),
                                                  "xml" if "xml" in item.url else "pdf"))
    store.close()
    reopened = StateStore(DataLayout(tmp_path, state_dsn))
    assert [v.identifier for v in reopened.archived_versions()] == ["kst-1259252", "kst-36867-B", "kst-36867-C"]
    assert [v.identifier for v in reopened.archived_versions(dossier="36867")] == [
        "kst-1259252", "kst-36867-B", "kst-36867-C"]
    assert [v.identifier for v in reopened.archived_versions(identifiers=["kst-36867-C"])] == ["kst-36867-C"]
    version = reopened.get_version("kst-36867-C", 1)
    assert version.files["pdf"].read_bytes() == KST_PDF.read_bytes() and version.fetched_at
    assert version.record.documenttitel == "Verslag"
    with pytest.raises(KeyError, match="no version 9 of kst-36867-C"):
        reopened.get_version("kst-36867-C", 9)


def test_errors_count_attempts_and_resolve(tmp_path: Path, state_dsn: str | None, records) -> None:
    store = StateStore(DataLayout(tmp_path, state_dsn))
    store.record_versions(records[:1])
    [pdf] = [p for p in store.pending_files() if p.manifestation == "pdf"]
    store.mark_failed(pdf, "http_404", "GET ... failed: HTTP 404")
    store.mark_failed(pdf, "malformed", "an HTML page was served where a PDF was promised")
    [error] = store.fetch_errors()
    assert error["attempts"] == 2 and error["error_kind"] == "malformed" and error["resolved"] is False
    assert error["first_failed_at"] <= error["last_failed_at"]
    assert pdf in store.pending_files()  # failed files are tried again
    store.mark_archived(PendingFile(pdf.identifier, 1, "pdf", pdf.url),
                        RawArchive(tmp_path / "raw").put(KST_PDF.read_bytes(), "pdf"))
    assert store.fetch_errors()[0]["resolved"] is True and store.open_errors() == 0
    store.record_error("kst-9", 0, RECORD, "http://x/sru", "bad_record", "no tpmeta")
    assert store.open_errors() == 1


def test_watermark_is_the_oldest_of_the_kinds(tmp_path: Path, state_dsn: str | None) -> None:
    store = StateStore(DataLayout(tmp_path, state_dsn))
    assert store.watermark(["Kamerstuk"]) is None
    store.advance_watermark(["Kamerstuk", "Handelingen"], date(2026, 9, 16))
    store.advance_watermark(["Kamerstuk"], date(2026, 10, 1))
    store.advance_watermark(["Kamerstuk"], date(2026, 1, 1))  # never moves back
    assert store.watermark(["Kamerstuk"]) == date(2026, 10, 1)
    assert store.watermark(["Kamerstuk", "Handelingen"]) == date(2026, 9, 16)
    assert store.watermark(["Kamerstuk", "Agenda"]) is None


def test_progress_reports_counts_and_rates(caplog: pytest.LogCaptureFixture) -> None:
    progress = Progress("download", interval=0.0, stream=io.StringIO())
    with caplog.at_level(logging.INFO, logger="pipeline.fetch"):
        progress.add(records=120)
        progress.add(files=3, nbytes=2_500_000, errors=1)
        progress.done()
    lines = [r.getMessage() for r in caplog.records]
    assert lines and lines[-1].startswith("download: 120 records discovered (")
    assert "3 files fetched (" in lines[-1] and "2.5 MB" in lines[-1] and "1 errors" in lines[-1]


def _open_and_advance(layout: DataLayout, kind: str, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait()
    with StateStore(layout) as state:
        state.advance_watermark([kind], date(2026, 11, 1))


def test_processes_creating_a_new_state_database_at_the_same_moment_all_get_it(tmp_path: Path,
                                                                              state_dsn: str | None) -> None:
    """Parallel tasks on a new data directory all open the state database first; switching a new
    SQLite file to WAL fails at once ("database is locked") while another process does the same,
    and two processes creating the PostgreSQL schema and tables at once would collide."""
    context = multiprocessing.get_context("fork")
    kinds = [f"kind-{n}" for n in range(6)]
    for attempt in range(15 if state_dsn is None else 3):
        layout = DataLayout(tmp_path / f"data-{attempt}", state_dsn, f"ek_state_{attempt}")
        start = context.Barrier(len(kinds))
        workers = [context.Process(target=_open_and_advance, args=(layout, kind, start)) for kind in kinds]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0] * len(kinds)
        with StateStore(layout) as state:
            assert state.watermark(kinds) == date(2026, 11, 1)
