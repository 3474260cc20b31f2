"""The run state in PostgreSQL (`EK_STATE_DSN`, `--state-dsn`): processes with different data
directories share one ledger and one run lock, a DAG run's lease spans processes, a stale lease
is taken over, the publish lock goes with a killed publisher, and an empty state database beside
a data directory with history stops the run (and is filled from the journal)."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_KINDS, DataLayout, Settings
from pipeline.flow import lock
from pipeline.flow.params import stored_watermark
from pipeline.ledger import LedgerUnusable, StateStore, check_ledger
from pipeline.publish.release import PublishLocked, publish_lock
from pipeline.statedb import json_files
from replay.catalogue import recorded_catalogue
from replay.server import ReplayServer
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[1]
ENV = {"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(recorded_catalogue()) as replay:
        yield replay


@pytest.fixture
def dsn() -> Iterator[str]:
    with fresh_database("ek_state") as url:
        yield url


def _cli(server: ReplayServer, command: str, data_dir: Path, dsn: str | None, kill_at: str = "",
         **env: str) -> subprocess.CompletedProcess[str]:
    args = [command, "--data-dir", str(data_dir), "--sru-url", server.sru_url, "--max-rps", "0", "--since",
            "2000-01-01", *(["--state-dsn", dsn] if dsn else [])]
    prefix = ["-m", "tests.support.killpoint", kill_at, "--"] if kill_at else ["-m", "pipeline"]
    return subprocess.run([sys.executable, *prefix, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**ENV, **env}, timeout=600)


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_two_data_directories_sharing_a_state_database_see_one_ledger(server: ReplayServer, tmp_path: Path,
                                                                      dsn: str) -> None:
    first = _cli(server, "fetch", tmp_path / "one", dsn)
    assert first.returncode == 0, first.stderr[-2000:]
    with StateStore(DataLayout(tmp_path / "one", dsn)) as one, StateStore(DataLayout(tmp_path / "two", dsn)) as two:
        assert two.counts() == one.counts() and two.counts()["versions"] == 12
        assert two.watermark(DEFAULT_KINDS) == one.watermark(DEFAULT_KINDS) == date(2026, 9, 16)
        assert [v.identifier for v in two.archived_versions()] == [v.identifier for v in one.archived_versions()]
    assert stored_watermark(Settings(data_dir=tmp_path / "two", state_dsn=dsn)) == date(2026, 9, 16)
    assert not (tmp_path / "one" / "state.sqlite").exists() and not (tmp_path / "one" / "run.lock").exists()
    assert not (tmp_path / "one" / "raw" / "ledger.jsonl").exists()  # PostgreSQL keeps no journal
    with json_files(DataLayout(tmp_path / "two", dsn)) as files:  # the run journal is shared too
        [(summary, body)] = files.items("runs")
        assert body["outcome"] == "fetched-only" and (tmp_path / "one" / "runs" / summary).exists()


def test_a_run_holding_the_state_refuses_a_run_from_another_data_directory(server: ReplayServer, tmp_path: Path,
                                                                           dsn: str) -> None:
    holder = Settings(data_dir=tmp_path / "one", state_dsn=dsn)
    run_id = lock.acquire(holder, "airflow eerste_kamer_etl manual__1", "20261204T080000000Z")
    refused = _cli(server, "fetch", tmp_path / "two", dsn, EK_RUN_LOCK_WAIT="0")
    assert refused.returncode == 1
    [line] = _errors(refused)
    assert line.startswith("error: the state database PostgreSQL 127.0.0.1:5432/")
    assert f", schema ek_state is in use by run {run_id} (airflow eerste_kamer_etl manual__1, pid {os.getpid()} on " \
        in line
    assert "delete row 'run.lock' of table json_files in the state database" in line
    lock.release(holder.layout, run_id)
    assert lock.holder(holder.layout) is None
    assert _cli(server, "fetch", tmp_path / "two", dsn, EK_RUN_LOCK_WAIT="0").returncode == 0


def test_a_stale_lease_is_taken_over(server: ReplayServer, tmp_path: Path, dsn: str) -> None:
    with json_files(DataLayout(tmp_path, dsn)) as files:
        files.put("run.lock", {"run_id": "20260101T000000000Z", "owner": "airflow eerste_kamer_etl x",
                               "host": "a-worker-that-is-gone", "pid": 7, "since": "2026-01-01T00:00:00+00:00",
                               "heartbeat": "2026-01-01T00:00:00+00:00"})
    result = _cli(server, "fetch", tmp_path, dsn, EK_RUN_LOCK_WAIT="0", EK_RUN_LOCK_STALE="3600")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "taking over the run lock of run 20260101T000000000Z" in result.stderr
    assert "its last heartbeat was" in result.stderr
    assert lock.holder(DataLayout(tmp_path, dsn)) is None


def _take(settings: Settings, run_id: str) -> None:
    lock.acquire(settings, "airflow eerste_kamer_etl manual__2", run_id)


def _renew(settings: Settings, run_id: str) -> None:
    lock.renew(settings.layout, run_id)


def _in_process(target: object, *args: object) -> int | None:
    worker = multiprocessing.get_context("spawn").Process(target=target, args=args)
    worker.start()
    worker.join(60)
    return worker.exitcode


def test_a_dag_runs_lease_spans_tasks_in_other_processes_and_data_directories(tmp_path: Path, dsn: str) -> None:
    """configure takes the lease in one process, later tasks renew it from others (other workers,
    other working directories), and every other run is refused until the teardown gives it up."""
    run_id = "20261204T090000000Z"
    assert _in_process(_take, Settings(data_dir=tmp_path / "worker-1", state_dsn=dsn), run_id) == 0
    assert _in_process(_renew, Settings(data_dir=tmp_path / "worker-2", state_dsn=dsn), run_id) == 0
    other = Settings(data_dir=tmp_path / "worker-3", state_dsn=dsn, run_lock_wait=0)
    with pytest.raises(lock.RunLocked, match=f"is in use by run {run_id}"):
        lock.acquire(other, "cli")
    with pytest.raises(lock.RunLocked, match="no longer holds"):
        lock.renew(other.layout, "20261204T100000000Z")
    lock.release(other.layout, run_id)
    assert lock.acquire(other, "cli") != run_id


def _publish_and_hang(settings: Settings, ready: object) -> None:
    with publish_lock(settings):
        ready.set()  # type: ignore[attr-defined]
        signal.pause()


def test_the_publish_lock_works_across_data_directories_and_goes_with_a_killed_publisher(tmp_path: Path,
                                                                                        dsn: str) -> None:
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = Settings(data_dir=tmp_path / "a", state_dsn=dsn)
    publisher = context.Process(target=_publish_and_hang, args=(holder, ready))
    publisher.start()
    try:
        assert ready.wait(60)
        other = Settings(data_dir=tmp_path / "b", state_dsn=dsn)
        refused = pytest.raises(PublishLocked, match="another publisher holds the publish lock of the state database")
        with refused, publish_lock(other, wait_seconds=0.5):
            pass
    finally:
        os.kill(publisher.pid, signal.SIGKILL)
        publisher.join(30)
    with publish_lock(other, wait_seconds=10):  # the killed publisher's connection took its lock along
        assert not (other.layout.published / ".publish.lock").exists()


def test_an_empty_state_database_beside_history_stops_the_run_and_is_filled_from_the_journal(
        server: ReplayServer, tmp_path: Path, dsn: str) -> None:
    embedded = _cli(server, "fetch", tmp_path, None)
    assert embedded.returncode == 0, embedded.stderr[-2000:]
    with pytest.raises(LedgerUnusable, match="is empty but .* holds archived files in raw/.*rebuild-ledger"):
        check_ledger(DataLayout(tmp_path, dsn))
    [line] = _errors(_cli(server, "fetch", tmp_path, dsn))
    assert "the ledger PostgreSQL 127.0.0.1:5432/" in line and "restore the state database from a backup" in line
    filled = subprocess.run([sys.executable, "-m", "pipeline", "rebuild-ledger", "--data-dir", str(tmp_path),
                             "--state-dsn", dsn], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert filled.returncode == 0, filled.stderr[-2000:]
    report = json.loads(filled.stdout)
    assert (report["versions"], report["requeued_files"], report["moved_aside"]) == (12, 0, "")
    with StateStore(DataLayout(tmp_path)) as sqlite, StateStore(DataLayout(tmp_path, dsn)) as postgres:
        assert postgres.counts() == sqlite.counts() and postgres.links() == sqlite.links()
        assert postgres.watermark(DEFAULT_KINDS) == sqlite.watermark(DEFAULT_KINDS)
    again = subprocess.run([sys.executable, "-m", "pipeline", "rebuild-ledger", "--data-dir", str(tmp_path),
                            "--state-dsn", dsn], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert "holds 12 version(s): nothing to rebuild" in again.stderr
    server.requests.clear()
    assert _cli(server, "fetch", tmp_path, dsn).returncode == 0
    assert server.requests.count("file") == 0


def test_a_run_on_postgresql_state_killed_before_publish_is_finished_by_the_next(server: ReplayServer,
                                                                                   tmp_path: Path, dsn: str) -> None:
    served_before = server.requests.count("file")  # the server serves the whole module
    killed = _cli(server, "run", tmp_path, dsn, kill_at="pipeline.flow.steps:publish:before")
    assert killed.returncode == -9, killed.stderr[-2000:]
    files_before = server.requests.count("file")
    rerun = _cli(server, "run", tmp_path, dsn)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert server.requests.count("file") == files_before  # every file was archived once, before the kill
    assert "no longer exists" in rerun.stderr  # the killed run's lease is taken over: its process is gone
    again = _cli(server, "run", tmp_path, dsn)
    assert again.returncode == 0 and server.requests.count("file") == files_before
    with json_files(DataLayout(tmp_path, dsn)) as files:
        outcomes = [body["outcome"] for _, body in files.items("runs")]
    assert outcomes == ["published", "nothing-new"]  # the killed run wrote no summary
    assert not [name for name in ("state.sqlite", "lexicon.sqlite", "run.lock") if (tmp_path / name).exists()]
    assert all(p.suffix == ".json" for p in (tmp_path / "runs").iterdir())  # the summaries, for people
    with StateStore(DataLayout(tmp_path, dsn)) as store:
        assert store.counts()["files_archived"] == files_before - served_before
