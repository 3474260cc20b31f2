"""The whole pipeline through its CLI against the replay server, read back through DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.config import EERSTE_KAMER
from pipeline.replay.catalogue import recorded_catalogue
from pipeline.replay.server import ReplayServer

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """One `run` and one rerun of the CLI against the recorded catalogue."""
    catalogue = recorded_catalogue()
    data_dir = tmp_path_factory.mktemp("data")
    with ReplayServer(catalogue) as server:
        args = ("run", "--sru-url", server.sru_url, "--data-dir", str(data_dir), "--since", "2000-01-01",
                "--max-rps", "0")
        first = _cli(*args)
        files_after_first = server.requests.count("file")
        rerun = _cli(*args)
        files_by_rerun = server.requests.count("file") - files_after_first
    ek = {e.identifier for e in catalogue if e.index.get("dt.creator") == (EERSTE_KAMER,)}
    return data_dir, first, rerun, files_by_rerun, ek


def test_run_publishes_one_document_row_per_eerste_kamer_publication(published) -> None:
    data_dir, first, _, _, ek = published
    assert first.returncode == 0, first.stderr[-2000:]
    with duckdb.connect(str(data_dir / "published" / "catalog.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT identifier, kamer FROM documents WHERE is_current").fetchall()
        pages = con.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert sorted(identifier for identifier, _ in rows) == sorted(ek)
    assert len(ek) >= 5
    assert pages >= len(ek)


def test_a_rerun_with_nothing_new_downloads_nothing_and_publishes_nothing(published) -> None:
    data_dir, _, rerun, files_by_rerun, _ = published
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert files_by_rerun == 0
    summaries = sorted((data_dir / "runs").glob("*.json"))
    assert [json.loads(p.read_text())["outcome"] for p in summaries] == ["published", "nothing-new"]
    assert len(list((data_dir / "published" / "releases").iterdir())) == 1
