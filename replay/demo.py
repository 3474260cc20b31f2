"""The offline demo: the pipeline's own `run` command against the recorded data, served on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from pipeline import cli
from pipeline.config import Settings
from replay.catalogue import recorded_catalogue
from replay.server import ReplayServer

#: The recorded data goes back to 2020; start well before it.
DEMO_SINCE = "2000-01-01"


def run_demo(data_dir: Path) -> int:
    """Serve the recorded catalogue, run every stage into `data_dir`, print what was published."""
    with ReplayServer(recorded_catalogue()) as server:
        code = cli.main(["run", "--data-dir", str(data_dir), "--sru-url", server.sru_url,
                         "--max-rps", "0", "--since", DEMO_SINCE])
    if code == 0:
        print_catalog(Settings(data_dir=data_dir))
    return code


def print_catalog(settings: Settings) -> None:
    """Row count per table of the current release, read back through the DuckDB catalog (opened
    the documented way: `open_catalog`)."""
    from pipeline.publish.catalog import open_catalog

    catalog = settings.layout.catalog
    if not catalog.exists():
        print(f"no catalog at {catalog}")
        return
    with open_catalog(settings) as con:
        views = [r[0] for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name").fetchall()]
        print(f"published catalog {catalog}:")
        for view in views:
            count = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]
            print(f"  {view:<32} {count:>8} rows")
