"""The DAGs: they load, have the expected shape, validate Params, and run green with `dag.test()`.

Airflow runs in this process on SQLite (one `airflow db migrate` for the module) against the
replay server on 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import DEFAULT_KINDS, Settings
from pipeline.flow import backfill
from pipeline.flow.params import PARAM_DEFAULTS
from pipeline.ledger import StateStore
from pipeline.publish.datasets import ASSET_URI_PREFIX, ASSET_URIS
from replay.catalogue import recorded_catalogue
from tests import support_airflow
from tests.support.releases import differences

pytestmark = pytest.mark.slow

#: Eerste Kamer papers in the recorded catalogue (seven real records, three typeset papers, two hand-made).
EK_PAPERS = 12
#: Of those, the real records the recorded data serves another publication's files: held back.
HELD_BACK = len(recorded_catalogue().stand_ins)

ETL_EDGES = {
    "configure": {"discover", "fetch", "plan_parse", "parse", "normalise", "validate", "publish", "summarise"},
    "discover": {"fetch", "summarise"},
    "fetch": {"plan_parse", "summarise"},
    "plan_parse": {"parse", "normalise", "summarise"},
    "parse": {"normalise", "summarise"},
    "normalise": {"validate", "summarise"},
    "validate": {"publish", "summarise"},
    "publish": {"summarise"},
    "summarise": set(),
}
BACKFILL_EDGES = {
    "configure": {"plan_backfill", "harvest_vergaderjaar", "plan_parse", "parse", "normalise", "validate",
                  "publish", "summarise"},
    "plan_backfill": {"harvest_vergaderjaar", "summarise"},
    "harvest_vergaderjaar": {"plan_parse", "summarise"},
    **{k: v for k, v in ETL_EDGES.items() if k not in ("configure", "discover", "fetch")},
}
#: Modules parsing the DAG files must not import (heavy, or talking to the network) beyond Airflow's own.
HEAVY = ("great_expectations", "pandas", "pyarrow", "pdfplumber", "duckdb", "httpx", "psycopg",
         "pipeline.fetch.harvest", "pipeline.parse.stage", "pipeline.normalise.stage", "pipeline.quality.stage",
         "pipeline.publish.stage")


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An AIRFLOW_HOME with a migrated SQLite database, configured for this process."""
    home = tmp_path_factory.mktemp("airflow-home")
    env = support_airflow.airflow_env(home, extra={"EK_TASK_RETRIES": "0"})
    if "airflow" in sys.modules and os.environ.get("AIRFLOW_HOME") != str(home):
        pytest.fail("airflow was imported before its AIRFLOW_HOME was set: run these tests in their own process")
    support_airflow.airflow(env, "db", "migrate")
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    sys.path.insert(0, str(support_airflow.DAGS_FOLDER))
    yield home
    sys.path.remove(str(support_airflow.DAGS_FOLDER))
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def dagbag(airflow_home: Path) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(support_airflow.DAGS_FOLDER))


@pytest.fixture
def replay(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The recorded catalogue on 127.0.0.1; the data directory set through an Airflow Variable."""
    from replay.server import ReplayServer

    with ReplayServer(recorded_catalogue()) as server:
        monkeypatch.setenv("EK_SRU_URL", server.sru_url)
        monkeypatch.setenv("EK_MAX_RPS", "0")
        monkeypatch.setenv("AIRFLOW_VAR_EK_DATA_DIR", str(tmp_path / "data"))
        yield tmp_path / "data"


def _edges(dag: Any) -> dict[str, set[str]]:
    return {t.task_id: set(t.downstream_task_ids) for t in dag.tasks}


def _states(run: Any) -> dict[str, list[str]]:
    states: dict[str, list[str]] = {}
    for ti in sorted(run.get_task_instances(), key=lambda ti: (ti.task_id, ti.map_index)):
        states.setdefault(ti.task_id, []).append(str(ti.state))
    return states


def _summary(data_dir: Path, run: Any) -> dict[str, Any]:
    runs = sorted((data_dir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    assert runs, f"no run summary in {data_dir / 'runs'}"
    return json.loads(runs[-1].read_text())


# --- Loading and shape --------------------------------------------------------------------------------------


def test_dagbag_loads_both_dags_without_import_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == {"eerste_kamer_etl", "eerste_kamer_backfill"}
    parsed = {Path(stat.file).name for stat in dagbag.dagbag_stats}
    assert parsed == {"eerste_kamer_etl.py", "eerste_kamer_backfill.py"}, "the shared tasks module is .airflowignored"


def test_dag_files_import_nothing_heavy(airflow_home: Path) -> None:
    code = ("import json, sys; import airflow.sdk; from airflow.dag_processing.dagbag import DagBag; "
            "before = set(sys.modules); "
            f"bag = DagBag(dag_folder={str(support_airflow.DAGS_FOLDER)!r}); "
            f"print(json.dumps([sorted(bag.dags), [m for m in {HEAVY!r} if m in set(sys.modules) - before]]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(support_airflow.PROJECT_ROOT),
                                                          str(support_airflow.DAGS_FOLDER)])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    dags, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert dags == ["eerste_kamer_backfill", "eerste_kamer_etl"]
    assert heavy == []


def test_etl_has_the_expected_shape(dagbag: Any) -> None:
    from airflow.sdk import CronDataIntervalTimetable

    dag = dagbag.dags["eerste_kamer_etl"]
    assert _edges(dag) == ETL_EDGES
    assert isinstance(dag.timetable, CronDataIntervalTimetable) and dag.timetable.expression == "0 5 * * *"
    assert dag.catchup is False and dag.max_active_runs == 1
    parse = dag.get_task("parse")
    assert parse.is_mapped, "parsing fans out over batches"
    assert dag.get_task("summarise").is_teardown, "the summary runs whatever failed and does not decide the run"
    assert {a.uri for a in dag.get_task("publish").outlets} == set(ASSET_URIS.values())
    fetch = dag.get_task("fetch")
    assert fetch.retries == 0 and fetch.retry_exponential_backoff == 2.0  # EK_TASK_RETRIES=0 here
    assert fetch.max_active_tis_per_dag == 1 and dag.get_task("publish").max_active_tis_per_dag == 1


def test_backfill_has_the_expected_shape(dagbag: Any) -> None:
    dag = dagbag.dags["eerste_kamer_backfill"]
    assert _edges(dag) == BACKFILL_EDGES
    assert dag.schedule is None
    harvest = dag.get_task("harvest_vergaderjaar")
    assert harvest.is_mapped and harvest.max_active_tis_per_dagrun == 1


@pytest.mark.parametrize(("conf", "wrong"), [
    ({"since": "28-11-2026"}, "since"),
    ({"publish": "yes"}, "publish"),
    ({"kinds": ["Staatsblad"]}, "kinds"),
    ({"identifiers": "kst-36867-C"}, "identifiers"),
])
def test_airflow_rejects_a_param_of_the_wrong_form_on_trigger(dagbag: Any, conf: dict, wrong: str) -> None:
    from airflow.sdk.exceptions import ParamValidationError

    params = copy.deepcopy(dagbag.dags["eerste_kamer_etl"].params)
    params.validate()  # the defaults are valid
    with pytest.raises(ParamValidationError) as err:
        params.update(conf)
        params.validate()
    assert f"param {wrong}" in str(err.value)


# --- Runs ---------------------------------------------------------------------------------------------------


def test_etl_runs_green_and_publishes_then_finds_nothing_new(dagbag: Any, replay: Path) -> None:
    from pipeline.publish.stage import current_release

    dag = dagbag.dags["eerste_kamer_etl"]
    run = dag.test(run_conf={**PARAM_DEFAULTS, "since": "2000-01-01"})
    states = _states(run)
    assert str(run.state) == "success", states
    assert all(s == "success" for task_states in states.values() for s in task_states), states
    summary = _summary(replay, run)
    assert summary["outcome"] == "published" and summary["error"] == ""
    assert summary["stages"]["totals"]["new_papers"] == EK_PAPERS
    assert summary["stages"]["totals"]["rows"]["documents"] == EK_PAPERS - HELD_BACK
    assert len(summary["stages"]["totals"]["held_back_papers"]) == HELD_BACK
    assert summary["stages"]["validate"]["passed"] and summary["stages"]["validate"]["critical_failures"] == []
    assert set(summary["stage_seconds"]) >= {"configure", "discover", "fetch", "parse", "normalise", "validate",
                                             "publish"}
    release = current_release(Settings(data_dir=replay))
    assert release is not None and release.release_id
    _assert_the_cli_publishes_the_same_release(release, replay.parent / "cli-data")

    again = dag.test(run_conf={**PARAM_DEFAULTS})
    assert str(again.state) == "success", _states(again)
    assert _states(again)["normalise"] == ["skipped"]
    assert _summary(replay, again)["outcome"] == "nothing-new"
    assert current_release(Settings(data_dir=replay)).release_id == release.release_id


def test_etl_keeps_its_state_in_the_database_of_the_eerstekamer_state_connection(
        dagbag: Any, replay: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import fresh_database

    with fresh_database("ek_dag_state") as dsn:
        monkeypatch.setenv("AIRFLOW_CONN_EERSTEKAMER_STATE", dsn)
        run = dagbag.dags["eerste_kamer_etl"].test(run_conf={**PARAM_DEFAULTS, "since": "2000-01-01"})
        assert str(run.state) == "success", _states(run)
        assert _summary(replay, run)["outcome"] == "published"
        with StateStore(Settings(data_dir=replay.parent / "elsewhere", state_dsn=dsn).layout) as store:
            assert store.counts()["publications"] == EK_PAPERS
        assert not [name for name in ("state.sqlite", "lexicon.sqlite", "run.lock") if (replay / name).exists()]
        assert not (replay / "runs" / _summary(replay, run)["run_id"]).exists()  # the journal is in the database


def _asset_events(run_id: str) -> dict[str, dict[str, Any]]:
    """Table -> the extra of the asset event run `run_id` emitted for it, from the metadata database."""
    from airflow.models.asset import AssetEvent
    from airflow.utils.session import create_session

    with create_session() as session:
        events = session.query(AssetEvent).filter(AssetEvent.source_run_id == run_id).all()
        return {event.asset.uri.removeprefix(ASSET_URI_PREFIX): dict(event.extra) for event in events}


def test_a_run_with_a_failed_download_publishes_the_gap_and_asset_events_with_the_release(
    dagbag: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pipeline.publish.catalog import open_catalog
    from pipeline.publish.stage import current_release
    from replay.catalogue import TYPESET_EK_PAPERS
    from replay.faults import Faults
    from replay.server import ReplayServer

    broken = TYPESET_EK_PAPERS[1]
    data_dir = tmp_path / "data"
    with ReplayServer(recorded_catalogue(), Faults(files={(broken["identifier"], "pdf"): "404"})) as server:
        for name, value in {"EK_SRU_URL": server.sru_url, "EK_MAX_RPS": "0", "EK_HTTP_RETRIES": "1",
                            "EK_HTTP_RETRY_BASE_DELAY": "0.01", "AIRFLOW_VAR_EK_DATA_DIR": str(data_dir)}.items():
            monkeypatch.setenv(name, value)
        run = dagbag.dags["eerste_kamer_etl"].test(run_conf={**PARAM_DEFAULTS, "since": "2000-01-01"})
    assert _states(run)["publish"] == ["success"], _states(run)
    release = current_release(Settings(data_dir=data_dir))
    with open_catalog(Settings(data_dir=data_dir)) as con:
        gap = con.execute("SELECT listed, published, open_errors, is_complete FROM data_completeness WHERE "
                          "publicatienaam = 'Kamerstuk' AND modified = ?", [broken["modified"]]).fetchall()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert gap == [(1, 0, 1, False)]
    assert documents == EK_PAPERS - HELD_BACK - 1

    events = _asset_events(run.run_id)
    assert set(events) == set(ASSET_URIS)
    rows = {table: entry["rows"] for table, entry in release.manifest["tables"].items()}
    for table, extra in events.items():
        assert extra["release_id"] == release.release_id and extra["table"] == table
        assert extra["rows"] == rows[table] and extra["rows_per_table"] == rows
        assert extra["source_watermark"] == release.manifest["source_watermark"] != ""
    assert events["documents"]["rows"] == EK_PAPERS - HELD_BACK - 1 and events["source_status"]["rows"] == EK_PAPERS
    assert events["fetch_errors"]["rows"] == 1 + HELD_BACK  # the 404, and the papers held back


def _assert_the_cli_publishes_the_same_release(dag_release: Any, data_dir: Path) -> None:
    """`python -m pipeline run` over the same source (EK_SRU_URL and EK_MAX_RPS from the
    environment) publishes what the DAG published: every table's rows and checksums equal,
    apart from the columns that record when a step ran."""
    from pipeline.publish.stage import current_release

    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--data-dir", str(data_dir), "--since",
                             "2000-01-01"], cwd=support_airflow.PROJECT_ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert differences(dag_release, current_release(Settings(data_dir=data_dir))) == []


def test_a_wrong_param_fails_the_run_with_a_clear_message(dagbag: Any, replay: Path) -> None:
    dag = dagbag.dags["eerste_kamer_etl"]
    run = dag.test(run_conf={**PARAM_DEFAULTS, "since": "2026-03-01", "until": "2026-02-01"})
    states = _states(run)
    assert str(run.state) == "failed"
    assert states["configure"] == ["failed"] and states["discover"] == ["upstream_failed"]
    assert states["summarise"] == ["success"]
    summary = _summary(replay, run)
    assert summary["outcome"] == "failed" and summary["failed_stage"] == "configure"
    assert summary["error"] == "stage configure failed: param 'since' (2026-03-01) is after param 'until' (2026-02-01)"


def test_backfill_runs_green_and_resumes_where_it_stopped(dagbag: Any, replay: Path) -> None:
    dag = dagbag.dags["eerste_kamer_backfill"]
    conf = {**backfill.BACKFILL_PARAM_DEFAULTS, "first_vergaderjaar": "2019-2020"}
    run = dag.test(run_conf=conf)
    states = _states(run)
    assert str(run.state) == "success", states
    done = backfill.backfilled(Settings(data_dir=replay).layout)
    assert list(done)[:2] == ["2019-2020", "2020-2021"] and len(states["harvest_vergaderjaar"]) == len(done)
    assert {entry["by"] for entry in done.values()} == {backfill.BACKFILLED_BY}
    summary = _summary(replay, run)
    assert summary["outcome"] == "published"
    assert summary["stages"]["totals"]["new_papers"] == EK_PAPERS  # every paper, by its own vergaderjaar
    harvests = summary["stages"]["harvest"]
    assert set(harvests) == {f"harvest-{year}" for year in done}
    for task, report in harvests.items():
        year = task.removeprefix("harvest-")
        assert report["window"] == {"since": None, "until": None, "vergaderjaar": year, "reason": "narrowed"}
        assert f"w.vergaderjaar=={year}" in report["discovery"]["query"]
    assert harvests["harvest-2019-2020"]["discovery"]["new_ids"] == ["kst-27925-AA", "kst-27925-AB"]
    with StateStore(Settings(data_dir=replay).layout) as store:
        assert store.watermark(DEFAULT_KINDS) is None  # narrowed harvests leave the scheduled DAG's watermark

    again = dag.test(run_conf=conf)
    states = _states(again)
    assert str(again.state) == "success", states
    assert states["harvest_vergaderjaar"] in (["skipped"], ["success"])  # at most the current vergaderjaar again
    assert _summary(replay, again)["outcome"] == "nothing-new"


def test_an_unreachable_source_fails_the_run_and_the_summary_says_where(
    dagbag: Any, replay: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EK_SRU_URL", f"http://127.0.0.1:{support_airflow.free_port()}/sru")  # nothing listens
    monkeypatch.setenv("EK_HTTP_RETRIES", "0")
    run = dagbag.dags["eerste_kamer_etl"].test(run_conf={**PARAM_DEFAULTS})
    states = _states(run)
    assert str(run.state) == "failed"
    assert states["discover"] == ["failed"] and states["fetch"] == ["upstream_failed"]
    summary = _summary(replay, run)
    assert summary["outcome"] == "failed" and summary["failed_stage"] == "discover"
    assert summary["error"].startswith("stage discover failed: ")
    note = json.loads((replay / "runs" / summary["run_id"] / "discover.failed.json").read_text())
    assert note["error"] in summary["error"]
