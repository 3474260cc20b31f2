"""The offline demo: the whole pipeline against the bundled recorded data, served on 127.0.0.1."""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

from pipeline.config import Settings

log = logging.getLogger(__name__)

#: The recorded data goes back to 2020; start well before it.
DEMO_SINCE = date(2000, 1, 1)


def run_demo(data_dir: Path) -> int:
    """Serve the recorded catalogue, run every stage into `data_dir`, print what was published."""
    from pipeline.runner import run
    from replay.catalogue import recorded_catalogue
    from replay.server import ReplayServer

    with ReplayServer(recorded_catalogue()) as server:
        log.info("replaying recorded data at %s", server.sru_url)
        settings = Settings(data_dir=data_dir, sru_url=server.sru_url, max_rps=0, since=DEMO_SINCE)
        summary = run(settings)
    print(f"demo run {summary.run_id}: {summary.outcome}", file=sys.stderr)
    print_catalog(settings.layout.catalog)
    return 0


def print_catalog(catalog: Path) -> None:
    """Row count per table of the current release, read back through the DuckDB catalog."""
    import duckdb

    if not catalog.exists():
        print(f"no catalog at {catalog}")
        return
    with duckdb.connect(str(catalog), read_only=True) as con:
        views = [r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name").fetchall()]
        print(f"published catalog {catalog}:")
        for view in views:
            count = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]
            print(f"  {view:<32} {count:>8} rows")
