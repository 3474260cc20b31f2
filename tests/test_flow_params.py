"""What a run is asked to do and what it did (pipeline/flow: params, backfill, journal), without Airflow."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_KINDS, Settings
from pipeline.errors import InvalidParameter, PipelineError
from pipeline.flow import backfill
from pipeline.flow import journal as run_journal
from pipeline.flow import params as run_params
from pipeline.sources import vergaderjaar
from pipeline.statedb import json_files


@pytest.fixture
def base(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", sru_url="http://127.0.0.1:9/sru", max_rps=0)


@pytest.fixture
def state(base: Settings, state_dsn: str | None) -> Settings:
    """The base settings with the run state in the data directory, or in PostgreSQL."""
    return dataclasses.replace(base, state_dsn=state_dsn)


# --- Params -> Settings ---------------------------------------------------------------------------------


def test_defaults_give_the_base_settings(base: Settings) -> None:
    settings = run_params.settings_from_params({}, base)
    assert settings == base


def test_params_become_settings(base: Settings) -> None:
    settings = run_params.settings_from_params(
        {"since": "2026-01-05", "until": "2026-02-01", "identifiers": "kst-36867-C, h-ek-20242025-12",
         "dossier": "36600-VII", "kinds": ["Kamerstuk"], "reparse": True, "publish": False}, base)
    assert settings.since == date(2026, 1, 5) and settings.until == date(2026, 2, 1)
    assert settings.identifiers == ("kst-36867-C", "h-ek-20242025-12")
    assert settings.dossier == "36600-VII" and settings.kinds == ("Kamerstuk",)
    assert settings.reparse is True and settings.publish is False
    assert settings.data_dir == base.data_dir and settings.sru_url == base.sru_url


@pytest.mark.parametrize("dossier", ["36867", "36600-VII", "21501-20", "36200-A", "CXXIV"])
def test_every_dossier_the_grammar_reads_is_a_dossier_param(base: Settings, dossier: str) -> None:
    assert run_params.settings_from_params({"dossier": dossier}, base).dossier == dossier


@pytest.mark.parametrize(("params", "message"), [
    ({"since": "2026-13-01"}, "param 'since': '2026-13-01' is not a date in the form YYYY-MM-DD"),
    ({"until": "yesterday"}, "param 'until': 'yesterday' is not a date"),
    ({"since": "2026-03-01", "until": "2026-02-01"}, "param 'since' (2026-03-01) is after param 'until' (2026-02-01)"),
    ({"identifiers": ["kst 36867 C"]}, "param 'identifiers': 'kst 36867 C' is not a publication identifier"),
    ({"identifiers": ["36867"]}, "param 'identifiers': '36867' is not a publication identifier"),
    ({"identifiers": [1, 2]}, "param 'identifiers': [1, 2] is not a list of strings"),
    ({"dossier": "36867; drop table"}, "param 'dossier': '36867; drop table' is not a dossier number"),
    ({"dossier": "cxxiv"}, "param 'dossier': 'cxxiv' is not a dossier number"),
    ({"kinds": ["Staatsblad"]}, "param 'kinds': ['Staatsblad'] is not a subset of"),
    ({"kinds": []}, "param 'kinds': [] is not a subset of"),
    ({"reparse": "yes"}, "param 'reparse': 'yes' is not true or false"),
    ({"publish": 1}, "param 'publish': 1 is not true or false"),
    ({"sinse": "2026-01-01"}, "unknown param(s) ['sinse']"),
])
def test_a_wrong_param_is_named_with_the_reason(base: Settings, params: dict, message: str) -> None:
    with pytest.raises(InvalidParameter) as err:
        run_params.settings_from_params(params, base)
    assert message in str(err.value)


def test_a_scheduled_run_fetches_its_data_interval(base: Settings) -> None:
    interval = (datetime(2026, 11, 27, 5, tzinfo=UTC), datetime(2026, 11, 28, 5, tzinfo=UTC))
    settings = run_params.settings_from_params({}, base, interval=interval, watermark=date(2026, 11, 28))
    assert (settings.since, settings.until) == (date(2026, 11, 27), date(2026, 11, 28))


def test_a_scheduled_run_after_a_failed_one_starts_at_the_older_watermark(base: Settings) -> None:
    interval = (datetime(2026, 11, 27, 5, tzinfo=UTC), datetime(2026, 11, 28, 5, tzinfo=UTC))
    settings = run_params.settings_from_params({}, base, interval=interval, watermark=date(2026, 11, 20))
    assert (settings.since, settings.until) == (date(2026, 11, 20), date(2026, 11, 28))


def test_only_scheduled_runs_fetch_their_data_interval() -> None:
    start, end = datetime(2026, 11, 27, 5, tzinfo=UTC), datetime(2026, 11, 28, 5, tzinfo=UTC)
    assert run_params.fetch_interval("scheduled", start, end) == (start, end)
    assert run_params.fetch_interval("backfill", start, end) == (start, end)
    assert run_params.fetch_interval("manual", start, end) == (None, None)


def test_params_win_over_the_data_interval(base: Settings) -> None:
    interval = (datetime(2026, 11, 27, 5, tzinfo=UTC), datetime(2026, 11, 28, 5, tzinfo=UTC))
    settings = run_params.settings_from_params({"since": "2025-01-01"}, base, interval=interval)
    assert (settings.since, settings.until) == (date(2025, 1, 1), None)


def test_airflow_variables_override_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EK_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("EK_MAX_RPS", "3")
    settings = run_params.base_settings({"ek_data_dir": str(tmp_path / "from-variable"), "ek_sru_url": None})
    assert settings.data_dir == tmp_path / "from-variable"
    assert settings.max_rps == 3.0 and settings.sru_url == Settings().sru_url
    with pytest.raises(InvalidParameter, match="Airflow Variable 'ek_max_rps': 'fast' is not a number"):
        run_params.base_settings({"ek_max_rps": "fast"})


def test_settings_survive_a_round_trip_through_json(base: Settings) -> None:
    settings = run_params.settings_from_params({"since": "2026-01-05", "identifiers": ["kst-36867-C"]}, base)
    run = run_params.RunContext(run_id="20261128T131500000Z", settings=settings, airflow_run_id="manual__x")
    assert run_params.RunContext.from_json(json.loads(json.dumps(run.to_json()))) == run


def test_the_database_password_never_travels_between_tasks(base: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    secret = dataclasses.replace(base, postgres_dsn="postgresql://u:s3cret@db/ek",
                                 state_dsn="postgresql://u:s3cret@db/st")
    assert "s3cret" not in json.dumps(run_params.settings_to_json(secret))
    monkeypatch.setenv("EK_POSTGRES_DSN", "postgresql://worker@db/ek")
    monkeypatch.setenv("EK_STATE_DSN", "postgresql://worker@db/st")
    back = run_params.settings_from_json(run_params.settings_to_json(secret))
    assert (back.postgres_dsn, back.state_dsn) == ("postgresql://worker@db/ek", "postgresql://worker@db/st")
    connection = run_params.settings_from_json(run_params.settings_to_json(secret), "postgresql://conn@db/st")
    assert connection.state_dsn == "postgresql://conn@db/st"  # the Airflow Connection wins
    assert "postgresql://conn@db/st" not in repr(connection.layout)


def test_every_task_of_a_run_gets_the_same_run_id() -> None:
    run_after = datetime(2026, 11, 28, 13, 15, 0, 123456, tzinfo=UTC)
    assert run_params.run_id_for(run_after) == run_params.run_id_for(run_after) == "20261128T131500123Z"


# --- The journal and the run summary --------------------------------------------------------------------


def test_a_failed_stage_leaves_a_readable_note_and_the_summary_says_what_failed(state: Settings) -> None:
    journal = run_journal.RunJournal(state.layout, "20261128T131500000Z")
    journal.run("discover", lambda: {"new": 3, "changed": 1})
    with pytest.raises(PipelineError):
        journal.run("parse", _fail, task="parse-1", papers=["kst-36867-A@1", "kst-36867-B@1"])
    with json_files(state.layout) as files:
        note = files.get(f"{journal.folder}/parse-1.failed.json")
    assert note["stage"] == "parse" and note["papers"] == ["kst-36867-A@1", "kst-36867-B@1"]
    assert note["error"] == "state.sqlite is locked"

    summary = run_journal.summarise(journal, started_at="2026-11-28T13:15:00+00:00", airflow_run_id="manual__x")
    written = json.loads((state.layout.runs / "20261128T131500000Z.json").read_text())
    assert written["outcome"] == summary.outcome == "failed"
    assert written["failed_stage"] == "parse"
    assert written["error"] == "stage parse failed on 2 paper(s) (kst-36867-A@1, kst-36867-B@1): state.sqlite is locked"
    assert written["stages"]["totals"]["new_papers"] == 3 and written["stages"]["totals"]["changed_papers"] == 1
    assert "discover" in written["stage_seconds"]
    assert "failed in stage parse" in run_journal.describe_summary(summary)


def test_a_retry_that_succeeds_clears_the_failure_note(state: Settings) -> None:
    journal = run_journal.RunJournal(state.layout, "20261128T131500000Z")
    with pytest.raises(PipelineError):
        journal.run("fetch", _fail)
    journal.run("fetch", lambda: {"files_downloaded": 2, "errors": 0})
    assert journal.failures() == []
    assert [r["task"] for r in journal.results()] == ["fetch"]


def test_summary_merges_the_mapped_parse_batches_and_counts_expectations(state: Settings) -> None:
    journal = run_journal.RunJournal(state.layout, "r1")
    journal.run("parse", lambda: _parse_report(2, failed="kst-1-A"), task="parse-0")
    journal.run("parse", lambda: _parse_report(3), task="parse-1")
    journal.run("normalise", lambda: {"row_counts": {"documents": 5, "pages": 12}})
    journal.run("validate", lambda: {"passed": True, "critical_failures": [], "results": [
        {"success": True}, {"success": True}, {"success": False}]})
    journal.run("publish", lambda: {"release_id": "r1"})
    summary = run_journal.summarise(journal, started_at="t0")
    assert summary.outcome == "published"
    assert summary.stages["parse"]["parsed"] == 5
    totals = summary.stages["totals"]
    assert totals["failed_papers"] == ["kst-1-A"]
    assert totals["rows"] == {"documents": 5, "pages": 12}
    assert (totals["expectations_passed"], totals["expectations_failed"]) == (2, 1)
    assert "results" not in summary.stages["validate"]


@pytest.mark.parametrize(("results", "publish", "outcome"), [
    ({"normalise": {run_journal.NOTHING_NEW: True}}, True, "nothing-new"),
    ({"validate": {"passed": False, "results": []}}, True, "quarantined"),
    ({"validate": {"passed": True, "results": []}}, False, "validated"),
])
def test_summary_outcomes(base: Settings, results: dict, publish: bool, outcome: str) -> None:
    journal = run_journal.RunJournal(base.layout, "r2")
    for stage, report in results.items():
        journal.run(stage, lambda report=report: report)
    assert run_journal.summarise(journal, started_at="t0", publish=publish).outcome == outcome


def _fail() -> None:
    raise PipelineError("state.sqlite is locked")


def _parse_report(parsed: int, failed: str = "") -> dict:
    from pipeline.parse.stage import ParseReport

    report = ParseReport(parsed=parsed)
    if failed:
        report.failed.append({"identifier": failed, "version": "1", "source": "pdf", "reason": "broken"})
    return report.to_dict()


# --- Vergaderjaren (backfill) -----------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "day"), [(2024, date(2024, 9, 17)), (2025, date(2025, 9, 16)),
                                           (2026, date(2026, 9, 15)), (2020, date(2020, 9, 15))])
def test_prinsjesdag_is_the_third_tuesday_of_september(year: int, day: date) -> None:
    assert vergaderjaar.prinsjesdag(year) == day


def test_vergaderjaar_windows_run_from_prinsjesdag_to_the_day_before_the_next() -> None:
    windows = backfill.vergaderjaar_windows(2024, 2026, today=date(2026, 11, 28))
    assert windows == [
        {"vergaderjaar": "2024-2025", "since": "2024-09-17", "until": "2025-09-15"},
        {"vergaderjaar": "2025-2026", "since": "2025-09-16", "until": "2026-09-14"},
        {"vergaderjaar": "2026-2027", "since": "2026-09-15", "until": "2026-11-28"},
    ]
    assert vergaderjaar.start_year_of(date(2026, 9, 14)) == 2025 and vergaderjaar.start_year_of(date(2026, 9, 15)) == 2026


def test_a_vergaderjaar_is_harvested_by_its_papers_not_by_a_modified_window(base: Settings) -> None:
    settings, [window] = backfill.backfill_from_params({"first_vergaderjaar": "2019-2020",
                                                    "last_vergaderjaar": "2019-2020"}, base)
    narrowed = backfill.window_settings(dataclasses.replace(settings, since=date(2026, 1, 1)), window)
    assert (narrowed.vergaderjaar, narrowed.since, narrowed.until) == ("2019-2020", None, None)
    assert run_params.settings_from_json(run_params.settings_to_json(narrowed)).vergaderjaar == "2019-2020"  # an XCom trip


def test_a_vergaderjaar_backfilled_by_a_modified_window_is_harvested_again(base: Settings) -> None:
    today = date(2026, 11, 28)
    settings, windows = backfill.backfill_from_params({"first_vergaderjaar": "2024-2025"}, base, today=today)
    base.layout.root.mkdir(parents=True)
    old = {w["vergaderjaar"]: {**w, "finished_at": "2026-01-01T00:00:00+00:00"} for w in windows}  # no "by"
    (settings.layout.root / backfill.MARKS).write_text(json.dumps(old))
    _, todo = backfill.backfill_from_params({"first_vergaderjaar": "2024-2025"}, base, today=today)
    assert todo == windows


def test_a_backfill_resumes_with_the_vergaderjaren_not_done(state: Settings) -> None:
    today = date(2026, 11, 28)
    settings, windows = backfill.backfill_from_params({"first_vergaderjaar": "2023-2024"}, state, today=today)
    assert [w["vergaderjaar"] for w in windows] == ["2023-2024", "2024-2025", "2025-2026", "2026-2027"]
    backfill.mark_backfilled(settings.layout, windows[0])
    backfill.mark_backfilled(settings.layout, windows[3])
    _, todo = backfill.backfill_from_params({"first_vergaderjaar": "2023-2024"}, state, today=today)
    assert [w["vergaderjaar"] for w in todo] == ["2024-2025", "2025-2026"]
    _, later = backfill.backfill_from_params({"first_vergaderjaar": "2023-2024"}, state, today=date(2026, 12, 5))
    assert [w["vergaderjaar"] for w in later] == ["2024-2025", "2025-2026", "2026-2027"]  # the current one grew
    _, redo = backfill.backfill_from_params({"first_vergaderjaar": "2023-2024", "redo": True}, state, today=today)
    assert len(redo) == 4


@pytest.mark.parametrize(("params", "message"), [
    ({"first_vergaderjaar": "2024"}, "param 'first_vergaderjaar': '2024' is not a vergaderjaar such as 2024-2025"),
    ({"first_vergaderjaar": "2024-2026"}, "is not a vergaderjaar"),
    ({"first_vergaderjaar": "2025-2026", "last_vergaderjaar": "2020-2021"}, "is after the last"),
    ({"first_vergaderjaar": "2025-2026", "kinds": ["Staatsblad"]}, "param 'kinds'"),
    ({"first_vergaderjaar": "2025-2026", "until": "2026-01-01"}, "unknown param(s) ['until']"),
])
def test_wrong_backfill_params_are_named(base: Settings, params: dict, message: str) -> None:
    with pytest.raises(InvalidParameter) as err:
        backfill.backfill_from_params(params, base, today=date(2026, 11, 28))
    assert message in str(err.value)


def test_default_kinds_are_every_harvested_kind() -> None:
    assert run_params.PARAM_DEFAULTS["kinds"] == list(DEFAULT_KINDS)
