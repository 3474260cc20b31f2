"""The parse stage's worker pool: papers go out largest first, and a batch parsed in worker
processes stores the same papers as one parsed in this process."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings
from pipeline.parse.stage import MIN_PAPERS_FOR_POOL, largest_first, parse_pending
from pipeline.parse.store import ParsedStore
from tests.support.archive import EMPTY_XML, archive_version
from tests.support.paths import AH_XML, KST_XML

FILES = (KST_XML, AH_XML, EMPTY_XML)
#: Real official files under their own identifiers (a file under another paper's record is held back).
PAPERS = (("kst-32545-143", KST_XML), ("ah-tk-20202021-3235", AH_XML))[:MIN_PAPERS_FOR_POOL]


def test_largest_first_orders_by_the_bytes_of_all_files_and_a_missing_file_counts_nothing(tmp_path: Path) -> None:
    small, big = sorted(FILES, key=lambda p: p.stat().st_size)[:2]
    items = {"one small": [small], "missing and small": [tmp_path / "gone.pdf", small], "both": [small, big]}
    assert largest_first(items, items.__getitem__)[0] == "both"
    assert set(largest_first(items, items.__getitem__)[1:]) == {"one small", "missing and small"}


def test_a_batch_parsed_in_two_workers_stores_what_one_process_stores(tmp_path: Path) -> None:
    results = {}
    for workers in (1, 2):
        settings = Settings(data_dir=tmp_path / str(workers), workers=workers)
        for identifier, path in PAPERS:
            archive_version(settings, identifier, {"xml": path})
        report = parse_pending(settings)
        assert report.parsed == MIN_PAPERS_FOR_POOL and report.failed == []
        store = ParsedStore(settings.layout)
        results[workers] = {identifier: store.load(identifier, 1).document.text for identifier, _ in PAPERS}
    assert results[2] == results[1]
    assert results[1]["kst-32545-143"].startswith("De Kamer,")


def test_two_workers_on_a_new_data_directory_never_trip_over_creating_the_corpus_lexicon(tmp_path: Path) -> None:
    for run in range(40):  # unguarded, this failed in about half of its runs ("database is locked")
        settings = Settings(data_dir=tmp_path / str(run), workers=2)
        for identifier, path in PAPERS:
            archive_version(settings, identifier, {"xml": path})
        assert parse_pending(settings).failed == []
