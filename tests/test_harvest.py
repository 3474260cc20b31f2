"""The fetch stage end to end against the replay server: discovery, versions, archive, errors, links."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import DEFAULT_KINDS, Settings
from pipeline.errors import SruDiagnostic
from pipeline.fetch.harvest import discover, download_pending, harvest
from pipeline.ledger import StateStore
from replay.catalogue import Catalogue, recorded_catalogue
from replay.faults import Faults
from replay.server import ReplayServer
from tests.support.paths import KST_PDF

EK_RECORDED = {"h-ek-20202021-1-1", "h-ek-20212022-2-1", "h-ek-20212022-2-7", "kst-1259252",
               "kst-36867-A", "kst-36867-B", "kst-36867-C"}
EK_TYPESET = {"kst-27925-AA", "kst-27925-AB", "kst-36112-C"}  # typeset papers, their PDF only
EK_HAND_MADE = {"kst-35961-C", "kst-35961-D"}  # hand-made official XML only
EK_ALL = EK_RECORDED | EK_TYPESET | EK_HAND_MADE
#: Files the recorded catalogue serves its Eerste Kamer records: the recorded ones (stand-ins three
#: each, kst-1259252 two, those with files of their own only those) and one per typeset or hand-made paper.
EK_FILES = 15 + len(EK_TYPESET) + len(EK_HAND_MADE)


def fast_settings(server: ReplayServer, data_dir: Path, **kw: Any) -> Settings:
    """Settings for tests: no rate limit, tiny back-off, a short timeout."""
    defaults: dict[str, Any] = dict(data_dir=data_dir, sru_url=server.sru_url, max_rps=0, since=date(2000, 1, 1),
                                    retry_base_delay=0.002, retry_max_delay=0.02, timeout=2.0, retries=5)
    return Settings(**(defaults | kw))


@pytest.fixture
def catalogue() -> Catalogue:
    return recorded_catalogue()


@pytest.fixture
def server(catalogue: Catalogue) -> Iterator[ReplayServer]:
    with ReplayServer(catalogue, Faults()) as srv:
        yield srv


def state(settings: Settings) -> StateStore:
    return StateStore(settings.layout)


def test_archives_every_ek_publication_once_and_no_tk(server: ReplayServer, tmp_path: Path,
                                                      state_dsn: str | None) -> None:
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    report = harvest(settings)
    assert (report.discovered, report.new, report.changed, report.errors) == (12, 12, 0, 0)
    versions = state(settings).archived_versions()
    assert {v.identifier for v in versions} == EK_ALL
    assert all(v.version == 1 and v.status == "new" for v in versions)
    onopgemaakt = state(settings).get_version("kst-1259252", 1)
    assert set(onopgemaakt.files) == {"pdf", "metadata"}
    kst_c = state(settings).get_version("kst-36867-C", 1)
    assert set(kst_c.files) == {"pdf", "xml", "metadata"}
    assert kst_c.files["pdf"].read_bytes() == KST_PDF.read_bytes()
    assert kst_c.files["pdf"].name == hashlib.sha256(KST_PDF.read_bytes()).hexdigest() + ".pdf"
    assert kst_c.record.available == "2026-06-30"
    served = server.requests.served("file")
    assert report.files_downloaded == EK_FILES == sum(served.values()) and set(served.values()) == {1}
    assert not [p for p in served if "32545" in p.split("/")[4] or "-tk-" in p or "blg-1007826" in p]
    # kst-36867-B lists bijlage blg-1253259, which the recorded data lacks: asked for once, reported
    assert report.discovery["bijlagen_missing"] == ["blg-1253259"] and server.requests.count("sru") == 2
    # no partial files left behind
    assert not list(settings.layout.raw.rglob(".tmp-*"))


def test_rerun_downloads_nothing_and_polls_from_the_watermark(server: ReplayServer, tmp_path: Path,
                                                              state_dsn: str | None) -> None:
    first = harvest(fast_settings(server, tmp_path, state_dsn=state_dsn))
    assert first.watermark_after == "2026-09-16"  # the latest dt.modified seen
    server.requests.clear()
    again = harvest(fast_settings(server, tmp_path, state_dsn=state_dsn, since=None))
    assert again.files_downloaded == 0 and server.requests.count("file") == 0
    assert again.requests == server.requests.count("sru") == 1
    assert "dt.modified>=2026-09-15" in again.discovery["query"]  # a day of overlap
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)  # kst-36867-C, modified 2026-09-16
    assert again.files_already_archived == 3


def test_a_changed_record_becomes_a_new_version_and_keeps_the_old(catalogue: Catalogue, server: ReplayServer,
                                                                   tmp_path: Path, state_dsn: str | None) -> None:
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    harvest(settings)
    catalogue.change("kst-36867-B", modified="2026-10-02", changed_at="2026-10-02T09:00:00.1+02:00")
    report = harvest(replace(settings, since=None))
    assert (report.new, report.changed, report.files_downloaded) == (0, 1, 3)
    assert report.discovery["changed_ids"] == ["kst-36867-B"]
    store = state(settings)
    old, new = store.get_version("kst-36867-B", 1), store.get_version("kst-36867-B", 2)
    assert (old.status, new.status) == ("new", "changed")
    assert old.record.modified == "2026-08-19" and new.record.modified == "2026-10-02"
    assert old.files["pdf"].exists() and new.files["pdf"].exists()
    assert [v.version for v in store.archived_versions(identifiers=["kst-36867-B"])] == [1, 2]


def test_unformatted_paper_is_linked_to_its_formatted_id(catalogue: Catalogue, server: ReplayServer,
                                                           tmp_path: Path, state_dsn: str | None) -> None:
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    harvest(settings)
    assert state(settings).links() == []
    catalogue.add({"identifier": "kst-36867-D", "dossiers": ("36867",), "ondernummer": "D", "modified": "2026-10-05",
                   "available": "2026-10-05", "changed_at": "2026-10-05T10:00:00+02:00",
                   "documentstatus": "Opgemaakt na onopgemaakt", "content_area": "officielepublicaties/kst/36867"},
                  files={"pdf": KST_PDF, "xml": b"<officiele-publicatie/>", "metadata": b"<metadata_gegevens/>"})
    catalogue.add({"identifier": "kst-36867-D-h1", "dossiers": ("36867",), "ondernummer": "D",
                   "modified": "2026-10-06", "content_area": "officielepublicaties/kst/36867",
                   "manifestations": ("pdf",)}, files={"pdf": KST_PDF})
    catalogue.add({"identifier": "kst-36867-E", "dossiers": ("36867",), "ondernummer": "E", "modified": "2026-10-06",
                   "is_replaced_by": "kst-36867-E-h1", "content_area": "officielepublicaties/kst/36867",
                   "manifestations": ("pdf",)}, files={"pdf": KST_PDF})
    report = harvest(replace(settings, since=None))
    assert report.new == 3
    assert state(settings).links() == [
        {"from_id": "kst-1259252", "to_id": "kst-36867-D", "kind": "formatted"},
        {"from_id": "kst-36867-D", "to_id": "kst-36867-D-h1", "kind": "reprint"},
        {"from_id": "kst-36867-E", "to_id": "kst-36867-E-h1", "kind": "replaced_by"},
    ]


def test_bijlagen_listed_by_a_paper_are_fetched_whoever_is_their_creator(catalogue: Catalogue,
                                                                          server: ReplayServer,
                                                                          tmp_path: Path, state_dsn: str | None) -> None:
    catalogue.add({"identifier": "blg-1253259", "type": "Bijlage", "creator": "overige", "modified": "2026-06-11",
                   "hoofddocument": "kst-36867-B", "documentstatus": "Onopgemaakt",
                   "content_area": "officielepublicaties/blg/onopgemaakt", "manifestations": ("pdf",)},
                  files={"pdf": KST_PDF})
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    report = harvest(settings)
    assert report.discovery["bijlagen_followed"] == 1 and report.discovery["bijlagen_missing"] == []
    assert "blg-1253259" in {v.identifier for v in state(settings).archived_versions()}
    [follow_up] = [q for kind, q, _ in server.requests.entries if kind == "sru" and "blg-1253259" in q]
    assert "dt.creator" not in follow_up


@pytest.mark.parametrize("fault, kind", [("404", "http_404"), ("html", "malformed"), ("garbage", "malformed"),
                                         ("cut", "malformed")])
def test_a_bad_file_is_recorded_and_retried_next_run(server: ReplayServer, tmp_path: Path,
                                                     state_dsn: str | None, fault: str,
                                                    kind: str) -> None:
    manifestation = "xml" if fault == "cut" else "pdf"
    server.faults.break_file("kst-36867-B", manifestation, fault)
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn, retries=1)
    report = harvest(settings)
    assert report.errors == 1 and report.files_downloaded == EK_FILES - 1
    assert {v.identifier for v in state(settings).archived_versions()} == EK_ALL - {"kst-36867-B"}
    [error] = state(settings).fetch_errors()
    assert (error["identifier"], error["version"], error["manifestation"]) == ("kst-36867-B", 1, manifestation)
    assert error["error_kind"] == kind and error["attempts"] == 1 and not error["resolved"]
    assert error["url"].endswith(f"kst-36867-B.{manifestation}") and "kst-36867-B" in error["message"]
    server.faults.heal()
    again = harvest(replace(settings, since=None))
    assert again.files_downloaded == 1 and again.open_errors == 0
    assert {v.identifier for v in state(settings).archived_versions()} == EK_ALL
    assert state(settings).fetch_errors()[0]["resolved"] is True


def test_a_record_of_unexpected_shape_is_recorded_and_the_run_goes_on(server: ReplayServer, tmp_path: Path,
                                                                      state_dsn: str | None) -> None:
    server.faults.bad_records.add("kst-36867-B")
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    report = harvest(settings)
    assert report.discovered == len(EK_ALL) - 1 and report.errors == 1
    [error] = state(settings).fetch_errors()
    assert error["identifier"] == "kst-36867-B" and error["error_kind"] == "bad_record"
    assert "tpmeta" in error["message"]
    assert report.watermark_after == "2000-01-01"  # no further than the window's start: the next run sees it again
    server.faults.heal()
    again = harvest(replace(settings, since=None))
    assert again.new == 1 and again.open_errors == 0 and again.watermark_after == "2026-09-16"


def test_a_silently_ignored_clause_fails_the_run_and_keeps_the_watermark(server: ReplayServer,
                                                                         tmp_path: Path, state_dsn: str | None) -> None:
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn)
    harvest(settings)
    server.faults.unusable_indexes = frozenset({"dt.modified"})
    with pytest.raises(SruDiagnostic, match="SEARCH-IGNOREDQTEXT.*dt.modified>=2026-09-15"):
        harvest(replace(settings, since=None))
    assert state(settings).watermark(DEFAULT_KINDS) == date(2026, 9, 16)
    assert server.requests.count("sru", 200) == 3  # answered with results, refused by the client


def test_transient_faults_are_retried_and_nothing_is_fetched_twice(catalogue: Catalogue, tmp_path: Path,
                                                                   state_dsn: str | None) -> None:
    faults = Faults(rate=0.4, kinds=("503", "429", "reset", "truncate", "slow"), slow_seconds=0.5, seed=7)
    with ReplayServer(catalogue, faults) as server:
        settings = fast_settings(server, tmp_path, state_dsn=state_dsn, timeout=0.3, retries=10)
        report = harvest(settings)
        assert report.errors == 0 and report.discovered == len(EK_ALL)
        assert {v.identifier for v in state(settings).archived_versions()} == EK_ALL
        assert set(server.requests.served("file").values()) == {1}
        failed = server.requests.count() - server.requests.count(status=200)
        assert failed > 0 and report.requests > report.files_downloaded + 1 and report.retries > 0


def test_narrowed_runs_do_not_move_the_watermark(server: ReplayServer, tmp_path: Path,
                                                 state_dsn: str | None) -> None:
    settings = fast_settings(server, tmp_path, state_dsn=state_dsn, dossier="36867", since=None)
    report = discover(settings)
    assert "w.dossiernummer==36867" in report.query and "dt.modified" not in report.query
    assert report.discovered == 4 and report.watermark_after is None
    only = discover(replace(settings, dossier=None, identifiers=("h-ek-20202021-1-1",)))
    assert only.discovered == 1 and only.watermark_after is None
    assert download_pending(settings).files_downloaded == 9 + 2  # 36867: A its XML, B and C 3, kst-1259252 2


def test_kinds_narrow_the_query(server: ReplayServer, tmp_path: Path, state_dsn: str | None) -> None:
    report = discover(fast_settings(server, tmp_path, state_dsn=state_dsn, kinds=("Handelingen",)))
    assert report.discovered == 3 and report.new_ids == ["h-ek-20202021-1-1", "h-ek-20212022-2-1",
                                                         "h-ek-20212022-2-7"]
