"""What a harvest asks for: the first-run window, and one vergaderjaar by the papers' own year."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import DEFAULT_KINDS, EERSTE_KAMER, DataLayout
from pipeline.errors import InvalidParameter
from pipeline.fetch.harvest import discover, harvest
from pipeline.ledger import StateStore
from replay.catalogue import Catalogue, generated_catalogue, recorded_catalogue
from replay.server import ReplayServer
from tests.support.paths import KST_PDF
from tests.test_harvest import EK_ALL, fast_settings

TODAY = datetime.now(UTC).date()


def _add_paper(catalogue: Catalogue, ondernummer: str, days_ago: int) -> str:
    """An Eerste Kamer Kamerstuk of dossier 36868 last modified `days_ago` days ago."""
    modified = (TODAY - timedelta(days=days_ago)).isoformat()
    identifier = f"kst-36868-{ondernummer}"
    catalogue.add({"identifier": identifier, "dossiers": ("36868",), "ondernummer": ondernummer,
                   "modified": modified, "available": modified, "changed_at": f"{modified}T10:00:00+01:00",
                   "vergaderjaar": "2026-2027", "content_area": "officielepublicaties/kst/36868"},
                  files={"pdf": KST_PDF})
    return identifier


@pytest.fixture
def recent() -> Catalogue:
    """The recorded catalogue (last modified months ago or more) plus papers of 5 and 40 days ago."""
    catalogue = recorded_catalogue()
    _add_paper(catalogue, "A", days_ago=5)
    _add_paper(catalogue, "B", days_ago=40)
    return catalogue


@pytest.fixture
def server(recent: Catalogue) -> Iterator[ReplayServer]:
    with ReplayServer(recent) as srv:
        yield srv


# --- first run ------------------------------------------------------------------------------------------

def test_a_first_run_takes_the_last_30_days_and_says_so(server: ReplayServer, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    settings = fast_settings(server, tmp_path, since=None, first_run_days=30)
    start = (TODAY - timedelta(days=30)).isoformat()
    with caplog.at_level(logging.INFO, logger="pipeline.fetch.harvest"):
        report = harvest(settings)
    assert report.window == {"since": start, "until": None, "vergaderjaar": None, "reason": "first_run"}
    assert f"dt.modified>={start}" in report.discovery["query"]
    assert (report.discovered, report.discovery["new_ids"]) == (1, ["kst-36868-A"])
    assert report.watermark_before is None and report.watermark_after == (TODAY - timedelta(days=5)).isoformat()
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("first run")]
    assert start in line and "--since" in line and "backfill" in line and "EK_FIRST_RUN_DAYS" in line

    again = harvest(settings)  # polls from the watermark now
    assert again.window["reason"] == "watermark" and (again.new, again.unchanged) == (0, 1)


def test_first_run_days_0_takes_the_whole_history(server: ReplayServer, tmp_path: Path) -> None:
    report = harvest(fast_settings(server, tmp_path, since=None, first_run_days=0))
    assert report.window == {"since": None, "until": None, "vergaderjaar": None, "reason": "full_history"}
    assert "dt.modified" not in report.discovery["query"]
    assert set(StateStore(DataLayout(tmp_path)).identifiers()) == EK_ALL | {"kst-36868-A", "kst-36868-B"}


def test_until_without_since_is_everything_up_to_it(server: ReplayServer, tmp_path: Path) -> None:
    until = TODAY - timedelta(days=20)
    report = discover(fast_settings(server, tmp_path, since=None, until=until))
    assert report.window["reason"] == "until" and "dt.modified>=" not in report.query
    assert "kst-36868-B" in report.new_ids and "kst-36868-A" not in report.new_ids


def test_a_negative_first_run_window_is_refused(server: ReplayServer, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match=r"first_run_days \(EK_FIRST_RUN_DAYS\) is -1"):
        discover(fast_settings(server, tmp_path, since=None, first_run_days=-1))
    assert server.requests.count("sru") == 0


# --- one vergaderjaar -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated() -> Catalogue:
    return generated_catalogue(ek=300, tk=100, seed=3)


def _ek_of(catalogue: Catalogue, vergaderjaar: str) -> set[str]:
    return {e.identifier for e in catalogue if e.index["dt.creator"] == (EERSTE_KAMER,)
            and e.index["w.vergaderjaar"] == (vergaderjaar,)}


def test_a_vergaderjaar_harvest_archives_only_its_papers_and_keeps_the_watermark(generated: Catalogue,
                                                                                 tmp_path: Path) -> None:
    with ReplayServer(generated) as server:
        settings = fast_settings(server, tmp_path, since=date(2026, 6, 1))
        recent = harvest(settings)  # a recent baseline: sets the watermark
        watermark = StateStore(settings.layout).watermark(DEFAULT_KINDS)
        assert watermark is not None and 0 < recent.discovered < 100
        server.requests.clear()
        report = harvest(replace(settings, since=None, vergaderjaar="2024-2025"))
        served = set(server.requests.served("file"))
    expected = _ek_of(generated, "2024-2025")
    assert report.window == {"since": None, "until": None, "vergaderjaar": "2024-2025", "reason": "narrowed"}
    assert "w.vergaderjaar==2024-2025" in report.discovery["query"] and "dt.modified" not in report.discovery["query"]
    assert report.discovered == len(expected) > 50 and report.errors == 0
    archived = {v.identifier for v in StateStore(settings.layout).archived_versions()}
    assert expected <= archived and archived - expected <= set(recent.discovery["new_ids"])
    assert served <= {p for e in generated if e.identifier in expected for p in e.files.values()}
    assert StateStore(settings.layout).watermark(DEFAULT_KINDS) == watermark
    assert report.watermark_after == watermark.isoformat()


def test_a_vergaderjaar_not_in_the_form_is_refused_before_asking(server: ReplayServer, tmp_path: Path) -> None:
    with pytest.raises(InvalidParameter, match="'2019-2021' is not a vergaderjaar such as 2024-2025"):
        discover(fast_settings(server, tmp_path, vergaderjaar="2019-2021"))
    assert server.requests.count("sru") == 0


# --- the CLI option ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2019-2021", "2019", "2019/2020", "19-20", "2020-2019"])
def test_the_cli_refuses_a_vergaderjaar_of_the_wrong_form(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fetch", "--vergaderjaar", value])
    assert exit_.value.code == 2
    assert (f"argument --vergaderjaar: {value!r} is not a vergaderjaar such as 2024-2025 "
            "(two consecutive years joined by a hyphen)") in capsys.readouterr().err


def test_cli_fetch_of_one_vergaderjaar(server: ReplayServer, tmp_path: Path) -> None:
    code = main(["fetch", "--sru-url", server.sru_url, "--data-dir", str(tmp_path), "--max-rps", "0",
                 "--vergaderjaar", "2019-2020"])
    assert code == 0
    store = StateStore(DataLayout(tmp_path))
    assert {v.identifier for v in store.archived_versions()} == {"kst-27925-AA", "kst-27925-AB"}
    assert store.watermark(DEFAULT_KINDS) is None
