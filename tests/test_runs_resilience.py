"""Runs that cannot be fooled: killed at any point, started twice, or given a damaged ledger, the
next plain `run` publishes what a clean run publishes, and every failure is one line of reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.publish.catalog import catalog_release
from pipeline.publish.postgres import current_postgres_release
from pipeline.publish.stage import current_release
from replay.catalogue import recorded_catalogue
from replay.server import ReplayServer
from tests.conftest import fresh_database
from tests.support.releases import differences

ROOT = Path(__file__).resolve().parents[1]
ENV = {"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(recorded_catalogue()) as replay:
        yield replay


def _run(server: ReplayServer, data_dir: Path, *, kill_at: str = "", env: dict[str, str] | None = None,
         command: str = "run") -> subprocess.CompletedProcess[str]:
    args = [command, "--data-dir", str(data_dir), "--sru-url", server.sru_url, "--max-rps", "0",
            "--since", "2000-01-01"]
    prefix = ["-m", "tests.support.killpoint", kill_at, "--"] if kill_at else ["-m", "pipeline"]
    return subprocess.run([sys.executable, *prefix, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**ENV, **(env or {})}, timeout=600)


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _outcomes(data_dir: Path) -> list[str]:
    return [json.loads(p.read_text())["outcome"] for p in sorted((data_dir / "runs").glob("*.json"))]


@pytest.fixture(scope="module")
def clean(server: ReplayServer, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The release of one uninterrupted run: what every interrupted one must end with."""
    data_dir = tmp_path_factory.mktemp("clean")
    result = _run(server, data_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    return current_release(Settings(data_dir=data_dir))


#: Where a run dies: at each boundary between steps, and inside publish around the PostgreSQL
#: commit and the switch of `published/current`.
KILL_POINTS = [
    "pipeline.flow.steps:parse:before",
    "pipeline.flow.steps:normalise:before",
    "pipeline.flow.steps:validate:before",
    "pipeline.flow.steps:publish:before",
    "pipeline.publish.postgres:publish_postgres:before",
    "pipeline.publish.postgres:publish_postgres:after",
    "pipeline.publish.stage:switch_current:after",
]


@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_a_run_killed_anywhere_is_finished_by_the_next_plain_run(
        server: ReplayServer, clean: object, tmp_path: Path, kill_at: str) -> None:
    with fresh_database("ek_kill") as dsn:
        env = {"EK_POSTGRES_DSN": dsn}
        killed = _run(server, tmp_path, kill_at=kill_at, env=env)
        assert killed.returncode == -9, killed.stderr[-2000:]
        files_before = server.requests.count("file")
        rerun = _run(server, tmp_path, env=env)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert server.requests.count("file") == files_before  # everything was archived before the kill
        settings = Settings(data_dir=tmp_path)
        release = current_release(settings)
        assert differences(clean, release) == []
        assert catalog_release(settings.layout.catalog) == release.release_id
        assert current_postgres_release(dsn) == release.release_id
        assert [p.name for p in settings.layout.releases.iterdir()] == [release.release_id]  # no orphan stays
        assert not (tmp_path / "run.lock").exists()


def test_a_failed_publish_is_not_forgotten_by_the_next_run(server: ReplayServer, clean: object,
                                                         tmp_path: Path) -> None:
    failed = _run(server, tmp_path, env={"EK_POSTGRES_DSN": "postgresql://postgres@127.0.0.1:1/ek"})
    assert failed.returncode == 1
    assert _errors(failed) == [_errors(failed)[-1]] and "PostgreSQL 127.0.0.1:1/ek cannot be reached" in failed.stderr
    assert current_release(Settings(data_dir=tmp_path)) is None
    rerun = _run(server, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _outcomes(tmp_path)[-1] == "published"
    assert differences(clean, current_release(Settings(data_dir=tmp_path))) == []


def test_two_runs_started_together_publish_once_and_download_each_file_once(
        server: ReplayServer, tmp_path: Path) -> None:
    files_before = server.requests.count("file")
    args = ["run", "--data-dir", str(tmp_path), "--sru-url", server.sru_url, "--max-rps", "0", "--since", "2000-01-01"]
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env={**ENV, "EK_RUN_LOCK_WAIT": "600"},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert sorted(_outcomes(tmp_path)) == ["nothing-new", "published"]
    assert len(list((tmp_path / "published" / "releases").iterdir())) == 1
    with __import__("sqlite3").connect(tmp_path / "state.sqlite") as db:
        archived = db.execute("SELECT count(*) FROM manifest WHERE status = 'archived'").fetchone()[0]
    assert server.requests.count("file") - files_before == archived


def test_a_second_run_that_may_not_wait_names_the_one_holding_the_data_directory(
        server: ReplayServer, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--data-dir", str(tmp_path), "--sru-url",
                               server.sru_url, "--max-rps", "0", "--since", "2000-01-01"], cwd=ROOT, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not (tmp_path / "run.lock").exists() and holder.poll() is None:
            pass
        second = _run(server, tmp_path, env={"EK_RUN_LOCK_WAIT": "0"})
    finally:
        holder.wait(timeout=600)
    assert second.returncode == 1
    [line] = _errors(second)
    assert f"{tmp_path} is in use by run " in line and f"pid {holder.pid}" in line


def test_an_empty_or_damaged_ledger_stops_the_run_and_can_be_rebuilt(server: ReplayServer, tmp_path: Path) -> None:
    first = _run(server, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    state = tmp_path / "state.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    state.write_bytes(b"")  # an empty file: SQLite would take it for a new ledger
    refused = _run(server, tmp_path)
    assert refused.returncode == 1
    [line] = _errors(refused)
    assert "state.sqlite is empty" in line and "rebuild-ledger" in line
    state.write_bytes(b"this is not a database, it was overwritten")
    [line] = _errors(_run(server, tmp_path))
    assert "is not a readable ledger" in line

    rebuilt = subprocess.run([sys.executable, "-m", "pipeline", "rebuild-ledger", "--data-dir", str(tmp_path)],
                             cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert json.loads(rebuilt.stdout)["requeued_files"] == 0
    files_before = server.requests.count("file")
    rerun = _run(server, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert server.requests.count("file") == files_before
    assert _outcomes(tmp_path)[-1] == "nothing-new"


def test_a_deleted_raw_file_is_found_and_fetched_again(server: ReplayServer, tmp_path: Path) -> None:
    assert _run(server, tmp_path).returncode == 0
    victim = next((tmp_path / "raw").rglob("*.pdf"))
    victim.unlink()
    verify = subprocess.run([sys.executable, "-m", "pipeline", "verify", "--data-dir", str(tmp_path)], cwd=ROOT,
                            env=ENV, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 1
    [missing] = json.loads(verify.stdout)["requeued"]
    assert missing["problem"] == "missing" and missing["path"].endswith(victim.name)
    files_before = server.requests.count("file")
    assert _run(server, tmp_path).returncode == 0
    assert server.requests.count("file") - files_before == 1
    assert victim.exists()


def test_a_data_directory_that_cannot_be_written_is_one_line(server: ReplayServer, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _run(server, blocker / "data")
    assert result.returncode == 1
    [line] = _errors(result)
    assert str(blocker) in line and "Not a directory" in line
    assert "Traceback" not in result.stderr


def test_the_lock_of_a_run_that_died_is_taken_over(server: ReplayServer, tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "run.lock").write_text(json.dumps({"run_id": "20260101T000000000Z", "owner": "cli",
                                                   "host": os.uname().nodename, "pid": dead.pid,
                                                   "since": "2026-01-01T00:00:00+00:00",
                                                   "heartbeat": "2026-01-01T00:00:00+00:00"}))
    result = _run(server, tmp_path, env={"EK_RUN_LOCK_WAIT": "0", "EK_RUN_LOCK_STALE": "999999999"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"process {dead.pid} no longer exists" in result.stderr


def test_a_damaged_catalog_is_rebuilt_by_the_next_run(server: ReplayServer, tmp_path: Path) -> None:
    assert _run(server, tmp_path).returncode == 0
    settings = Settings(data_dir=tmp_path)
    settings.layout.catalog.write_bytes(b"not a duckdb file")  # a torn copy, a disk error
    rerun = _run(server, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert _outcomes(tmp_path)[-1] == "nothing-new"
    assert catalog_release(settings.layout.catalog) == current_release(settings).release_id
    assert "catalog served another release than the current one: repaired (None -> " in rerun.stderr
