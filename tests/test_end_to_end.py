"""The whole pipeline through its CLI against the replay server, read back through DuckDB."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import EERSTE_KAMER, Settings
from pipeline.publish.catalog import open_catalog
from replay.catalogue import recorded_catalogue
from replay.server import ReplayServer

ROOT = Path(__file__).resolve().parents[1]


ENV = {"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin"}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**ENV, **(env or {})})


def _run_args(server: ReplayServer, data_dir: Path) -> tuple[str, ...]:
    return ("run", "--sru-url", server.sru_url, "--data-dir", str(data_dir), "--since", "2000-01-01",
            "--max-rps", "0")


def _ek_identifiers(catalogue) -> set[str]:
    return {e.identifier for e in catalogue if e.index.get("dt.creator") == (EERSTE_KAMER,)}


def _held_back(con) -> set[str]:
    return {i for (i,) in con.execute("SELECT identifier FROM held_back_papers").fetchall()}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """One `run` configured by the environment and one rerun configured by flags, against the
    recorded catalogue."""
    catalogue = recorded_catalogue()
    data_dir = tmp_path_factory.mktemp("data")
    with ReplayServer(catalogue) as server:
        first = _cli("run", "--since", "2000-01-01",
                     env={"EK_DATA_DIR": str(data_dir), "EK_SRU_URL": server.sru_url, "EK_MAX_RPS": "0"})
        files_after_first = server.requests.count("file")
        rerun = _cli(*_run_args(server, data_dir))
        files_by_rerun = server.requests.count("file") - files_after_first
    return data_dir, first, rerun, files_by_rerun, _ek_identifiers(catalogue), catalogue.stand_ins


def test_run_publishes_one_document_row_per_eerste_kamer_publication(published) -> None:
    data_dir, first, _, _, ek, stand_ins = published
    assert first.returncode == 0, first.stderr[-2000:]
    with open_catalog(Settings(data_dir=data_dir)) as con:
        rows = con.execute("SELECT identifier, kamer FROM documents WHERE is_current").fetchall()
        pages = con.execute("SELECT count(*) FROM pages").fetchone()[0]
        held = _held_back(con)
    assert held == stand_ins  # served another publication's files
    assert sorted(identifier for identifier, _ in rows) == sorted(ek - held)
    assert len(ek - held) >= 5
    assert pages >= len(ek)


def test_a_rerun_with_nothing_new_downloads_nothing_and_publishes_nothing(published) -> None:
    data_dir, _, rerun, files_by_rerun, _, _ = published
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert files_by_rerun == 0
    summaries = sorted((data_dir / "runs").glob("*.json"))
    assert [json.loads(p.read_text())["outcome"] for p in summaries] == ["published", "nothing-new"]
    assert len(list((data_dir / "published" / "releases").iterdir())) == 1


def test_a_run_killed_while_parsing_is_finished_by_the_next_run_exactly_once(tmp_path: Path) -> None:
    catalogue = recorded_catalogue()
    with ReplayServer(catalogue) as server:
        killed = subprocess.Popen([sys.executable, "-m", "pipeline", *_run_args(server, tmp_path)], cwd=ROOT,
                                  env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("parsed/*/v*.json")) and time.monotonic() < deadline and killed.poll() is None:
            time.sleep(0.005)
        assert killed.poll() is None, "the run ended before it could be killed while parsing"
        os.killpg(killed.pid, signal.SIGKILL)  # the run and its parse workers, mid-way
        killed.wait()
        assert not (tmp_path / "published" / "current.json").exists()
        files_before = server.requests.count("file")
        rerun = _cli(*_run_args(server, tmp_path))
        files_by_rerun = server.requests.count("file") - files_before
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert files_by_rerun == 0  # every file was archived before parsing began
    ek = _ek_identifiers(catalogue)
    with open_catalog(Settings(data_dir=tmp_path)) as con:
        rows = con.execute("SELECT identifier, version, is_current FROM documents").fetchall()
        paragraphs = con.execute("SELECT count(*), count(DISTINCT paragraph_id) FROM paragraphs").fetchone()
        held = _held_back(con)
    assert held == catalogue.stand_ins
    assert sorted(rows) == sorted((identifier, 1, True) for identifier in ek - held)
    assert paragraphs[0] == paragraphs[1] > 0
    assert sorted(p.parent.name for p in tmp_path.glob("parsed/*/v*.json")) == sorted(ek)
    assert len(list((tmp_path / "published" / "releases").iterdir())) == 1
