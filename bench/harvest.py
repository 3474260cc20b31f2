"""Harvest benchmark against the local replay server: discovery rate, requests per publication, rerun cost.

    .venv/bin/python bench/harvest.py                       # 2,000 EK + 500 TK records, no faults
    .venv/bin/python bench/harvest.py --ek 12000 --tk 3000 --fail-rate 0.2 --cli   # the stage's "done" check

With `--cli` the harvest runs as `python -m pipeline fetch --sru-url URL --data-dir DIR --since DATE
--max-rps 0` in a subprocess (the server stays in this process) and the archive is checked: every
Eerste Kamer file served exactly once, no Tweede Kamer file, and a rerun that downloads nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import EERSTE_KAMER, Settings  # noqa: E402
from pipeline.fetch.harvest import discover, download_pending  # noqa: E402
from replay.catalogue import Catalogue, generated_catalogue  # noqa: E402
from replay.faults import Faults  # noqa: E402
from replay.server import ReplayServer  # noqa: E402

SINCE = date(2000, 1, 1)
FAST_RETRY_ENV = {"EK_HTTP_RETRY_BASE_DELAY": "0.005", "EK_HTTP_RETRY_MAX_DELAY": "0.05", "EK_HTTP_RETRIES": "10"}


def in_process(server: ReplayServer, data_dir: Path, since: date | None) -> dict[str, float]:
    settings = Settings(data_dir=data_dir, sru_url=server.sru_url, max_rps=0, since=since,
                        retry_base_delay=0.005, retry_max_delay=0.05, retries=10)
    found = discover(settings)
    fetched = download_pending(settings)
    return {"discovered": found.discovered, "new": found.new, "discovery_s": found.seconds,
            "discovery_requests": found.requests, "files": fetched.files_downloaded,
            "download_s": fetched.seconds, "requests": found.requests + fetched.requests}


def via_cli(server: ReplayServer, data_dir: Path, since: date | None) -> dict[str, float]:
    command = [sys.executable, "-m", "pipeline", "fetch", "--sru-url", server.sru_url, "--data-dir", str(data_dir),
               "--max-rps", "0"] + (["--since", since.isoformat()] if since else [])
    started = time.perf_counter()
    run = subprocess.run(command, cwd=ROOT, env=os.environ | FAST_RETRY_ENV, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"fetch failed: {run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    return {"discovered": report["discovered"], "new": report["new"], "discovery_s": report["discovery"]["seconds"],
            "discovery_requests": report["discovery"]["requests"], "files": report["files_downloaded"],
            "download_s": report["download"]["seconds"], "requests": report["requests"],
            "wall_s": round(time.perf_counter() - started, 1)}


def check_archive(catalogue: Catalogue, server: ReplayServer) -> str:
    ek = {p for e in catalogue if e.index["dt.creator"] == (EERSTE_KAMER,) for p in e.files.values()}
    served = server.requests.served("file")
    twice = sum(1 for n in served.values() if n > 1)
    foreign = len(set(served) - ek)
    missing = len(ek - set(served))
    ok = not (twice or foreign or missing)
    return (f"archive check: {'OK' if ok else 'FAILED'} — {len(ek)} EK files, {missing} missing, "
            f"{twice} served twice, {foreign} non-EK files fetched")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ek", type=int, default=2000)
    parser.add_argument("--tk", type=int, default=500)
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of responses failing (503, 429, "
                        "reset, truncated, slow)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cli", action="store_true", help="run `python -m pipeline fetch` in a subprocess")
    args = parser.parse_args()

    started = time.perf_counter()
    catalogue = generated_catalogue(args.ek, args.tk, args.seed)
    print(f"catalogue: {args.ek} EK + {args.tk} TK records, {len(catalogue.files)} files "
          f"({time.perf_counter() - started:.1f}s to build)")
    faults = Faults(rate=args.fail_rate, kinds=("503", "429", "reset", "truncate", "slow"), slow_seconds=0.05,
                    seed=args.seed)
    run = via_cli if args.cli else in_process
    with ReplayServer(catalogue, faults) as server, tempfile.TemporaryDirectory() as tmp:
        first = run(server, Path(tmp), SINCE)
        failed = server.requests.count() - server.requests.count(status=200)
        print(f"first harvest: {first}")
        print(f"  records discovered per second: {first['discovered'] / max(first['discovery_s'], 1e-9):.0f}")
        print(f"  files downloaded per second:   {first['files'] / max(first['download_s'], 1e-9):.0f}")
        print(f"  requests per new publication:  {first['requests'] / max(first['new'], 1):.2f} "
              f"({failed} of {server.requests.count()} responses were injected failures)")
        if args.cli:
            print("  " + check_archive(catalogue, server))
        server.requests.clear()
        faults.rate = 0.0
        again = run(server, Path(tmp), None)
        print(f"rerun with nothing new: {server.requests.count('sru')} discovery request(s), "
              f"{server.requests.count('file')} file download(s), {again['discovery_s']:.2f}s")


if __name__ == "__main__":
    main()
