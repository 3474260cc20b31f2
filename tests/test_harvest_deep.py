"""Deep paging past the 10,000-record wall, and `python -m pipeline fetch` with faults and crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from pipeline.config import EERSTE_KAMER, DataLayout, Settings
from pipeline.fetch.harvest import discover
from pipeline.ledger import StateStore
from replay.catalogue import Catalogue, generated_catalogue
from replay.faults import Faults
from replay.server import DEEP_PAGING_WALL, ReplayServer
from tests.support.paths import PROJECT_ROOT

#: Environment for CLI runs: a tiny back-off so that injected faults cost milliseconds.
FAST_ENV = {"EK_HTTP_RETRY_BASE_DELAY": "0.005", "EK_HTTP_RETRY_MAX_DELAY": "0.05", "EK_HTTP_TIMEOUT": "5",
            "EK_HTTP_RETRIES": "10"}


@pytest.fixture(scope="module")
def big() -> Catalogue:
    return generated_catalogue(ek=12_000, tk=3_000, seed=5)


def ek_ids(catalogue: Catalogue) -> set[str]:
    return {e.identifier for e in catalogue if e.index["dt.creator"] == (EERSTE_KAMER,)}


def ek_paths(catalogue: Catalogue) -> set[str]:
    return {p for e in catalogue if e.index["dt.creator"] == (EERSTE_KAMER,) for p in e.files.values()}


def test_discovery_pages_past_the_wall_and_keeps_only_the_eerste_kamer(big: Catalogue, tmp_path: Path) -> None:
    faults = Faults(rate=0.2, kinds=("503", "reset", "truncate"), seed=11)
    with ReplayServer(big, faults) as server:
        settings = Settings(data_dir=tmp_path, sru_url=server.sru_url, max_rps=0, first_run_days=0, page_size=100,
                            retry_base_delay=0.002, retry_max_delay=0.02, retries=10)
        report = discover(settings)
        queries = [parse_qs(q) for kind, q, status in server.requests.entries if kind == "sru"]
        failed = server.requests.count("sru") - server.requests.count("sru", 200)
    assert report.discovered == 12_000 > DEEP_PAGING_WALL and report.filtered_out == 0
    assert set(StateStore(settings.layout).identifiers()) == ek_ids(big)
    assert len(ek_ids(big)) == 12_000
    assert all(q["startRecord"] == ["1"] for q in queries)  # keyset paging: never an offset
    assert report.pages == 121 and report.pages_add_up and report.estimated_records != 12_000
    assert failed > 0 and report.requests == len(queries)


def test_kinds_and_tk_never_leak(big: Catalogue, tmp_path: Path) -> None:
    with ReplayServer(big) as server:
        settings = Settings(data_dir=tmp_path, sru_url=server.sru_url, max_rps=0, first_run_days=0,
                            kinds=("Handelingen",), page_size=500)
        report = discover(settings)
    expected = {e.identifier for e in big if e.index["dt.creator"] == (EERSTE_KAMER,)
                and e.index["w.publicatienaam"] == ("Handelingen",)}
    assert report.discovered == len(expected) > 1000 and set(report.new_ids) <= expected


def fetch_cli(server: ReplayServer, data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "fetch", "--sru-url", server.sru_url, "--data-dir", str(data_dir),
         "--since", "2000-01-01", *extra],
        cwd=PROJECT_ROOT, env=os.environ | FAST_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def archived_files(layout: DataLayout) -> int:
    with StateStore(layout) as store:
        return store.counts().get("files_archived", 0)


@pytest.fixture(scope="module")
def medium() -> Catalogue:
    return generated_catalogue(ek=600, tk=200, seed=9)


@pytest.fixture
def medium_server(medium: Catalogue) -> Iterator[ReplayServer]:
    faults = Faults(rate=0.2, kinds=("503", "429", "reset", "truncate", "slow"), slow_seconds=0.05, seed=2)
    with ReplayServer(medium, faults) as server:
        yield server


def test_cli_fetch_with_20_percent_failures_archives_each_ek_file_once(medium: Catalogue,
                                                                      medium_server: ReplayServer,
                                                                      tmp_path: Path) -> None:
    run = fetch_cli(medium_server, tmp_path, "--max-rps", "0")
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err[-2000:]
    served = medium_server.requests.served("file")
    assert set(served) == ek_paths(medium) and set(served.values()) == {1}  # every EK file once, no TK file
    assert medium_server.requests.count() > medium_server.requests.count(status=200)  # faults happened
    store = StateStore(DataLayout(tmp_path))
    assert {v.identifier for v in store.archived_versions()} == ek_ids(medium)
    assert f'"files_downloaded": {len(served)}' in out
    medium_server.requests.clear()
    rerun = fetch_cli(medium_server, tmp_path, "--max-rps", "0")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err[-2000:]
    assert medium_server.requests.count("file") == 0 and '"files_downloaded": 0' in out


@pytest.mark.slow  # about 5 minutes on 2 cores; run in CI: it is the fetch stage's done criterion
def test_cli_fetch_of_12000_ek_records_with_20_percent_failures(big: Catalogue, tmp_path: Path) -> None:
    """The stage's done criterion, in full: every EK file exactly once, no TK file, a rerun fetches nothing."""
    faults = Faults(rate=0.2, kinds=("503", "429", "reset", "truncate", "slow"), slow_seconds=0.05, seed=4)
    with ReplayServer(big, faults) as server:
        run = fetch_cli(server, tmp_path, "--max-rps", "0")
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err[-2000:]
        served = server.requests.served("file")
        assert set(served) == ek_paths(big) and set(served.values()) == {1}
        server.requests.clear()
        rerun = fetch_cli(server, tmp_path, "--max-rps", "0")
        rerun.communicate(timeout=300)
        assert rerun.returncode == 0 and server.requests.count("file") == 0


def test_cli_fetch_killed_halfway_resumes_where_it_stopped(medium: Catalogue, medium_server: ReplayServer,
                                                           tmp_path: Path, state_dsn: str | None) -> None:
    """Killed halfway (SIGKILL), the next fetch resumes: every file downloaded once (but the one in
    flight), with the state in SQLite or in PostgreSQL (`--state-dsn`)."""
    medium_server.faults.rate = 0.0
    layout, state = DataLayout(tmp_path, state_dsn), ("--state-dsn", state_dsn) if state_dsn else ()
    run = fetch_cli(medium_server, tmp_path, "--max-rps", "200", *state)
    deadline = time.monotonic() + 120
    while archived_files(layout) < 150 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    run.kill()
    run.communicate()
    before = archived_files(layout)
    assert 150 <= before < len(ek_paths(medium))
    resumed = fetch_cli(medium_server, tmp_path, "--max-rps", "0", *state)
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-2000:]
    served = medium_server.requests.served("file")
    assert set(served) == ek_paths(medium)
    assert sum(served.values()) <= len(served) + 1  # at most the one file in flight when killed
    assert archived_files(layout) == len(served)
    if state_dsn:  # the data directory holds data and the summaries for people, no state
        assert {p.name for p in tmp_path.iterdir()} == {"raw", "parsed", "staging", "published", "quarantine", "runs"}
        assert all(p.suffix == ".json" for p in (tmp_path / "runs").iterdir())


def test_cli_without_network_prints_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    run = subprocess.run(
        [sys.executable, "-m", "pipeline", "fetch", "--sru-url", f"http://127.0.0.1:{port}/sru",
         "--data-dir", str(tmp_path)], cwd=PROJECT_ROOT, env=os.environ | FAST_ENV, capture_output=True, text=True,
        timeout=60)
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: cannot reach 127.0.0.1:{port} (cannot connect ([Errno 111] Connection refused)); "
                      "check the network or --sru-url and try again"]
    assert "Traceback" not in run.stderr
