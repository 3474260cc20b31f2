"""`published/catalog.duckdb`: a view per table over the current release, plus dashboard views.

Built into a new file and renamed over the old one, so a reader never sees half a catalog (an open
connection keeps reading the old file until it reconnects).

The views name the release's Parquet files by absolute path: DuckDB resolves a relative path
against the reader's working directory (not the catalog file's), which a BI tool does not control.
After moving or copying the data directory, rebuild the catalog for its new place:

    python -m pipeline.publish.catalog --data-dir DIR
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import Settings
from pipeline.duckdb_sql import duckdb_identifier, duckdb_literal
from pipeline.errors import PipelineError
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.datasets import PUBLISHED_TABLES
from pipeline.publish.release import Release, publish_lock, read_current
from pipeline.publish.views import dashboard_views

#: Manifest fields shown in the `release_info` view.
RELEASE_INFO = ("release_id", "created_at", "schema_version", "pipeline_version", "source_watermark")


def build_catalog(release: Release, target: Path, party_codes: list[str]) -> Path:
    """Write a catalog for `release` to a temporary file beside `target`; returns that file."""
    import duckdb

    tmp = target.with_name(f".tmp-{release.release_id}-{target.name}")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            for table in PUBLISHED_TABLES:
                files = ", ".join(duckdb_literal(str(p.resolve())) for p in release.files(table))
                con.execute(f"CREATE VIEW {duckdb_identifier(table)} AS "
                            f"SELECT * FROM read_parquet([{files}], hive_partitioning = false)")
            for name, sql in dashboard_views("duckdb", party_codes).items():
                con.execute(f"CREATE VIEW {duckdb_identifier(name)} AS {sql}")
            columns = ", ".join(f"{duckdb_literal(str(release.manifest[key]))} AS {duckdb_identifier(key)}"
                                for key in RELEASE_INFO)
            con.execute(f"CREATE VIEW release_info AS SELECT {columns}")
    except duckdb.Error as err:
        tmp.unlink(missing_ok=True)
        raise PipelineError(f"cannot write the DuckDB catalog {tmp}: {str(err).splitlines()[0]}") from None
    return tmp


def catalog_release(catalog: Path) -> str | None:
    """The release id the catalog serves, None when there is no readable catalog."""
    import duckdb

    if not catalog.exists():
        return None
    try:
        with duckdb.connect(str(catalog), read_only=True) as con:
            return con.execute("SELECT release_id FROM release_info").fetchone()[0]
    except duckdb.Error:
        return None


def install_catalog(tmp: Path, target: Path) -> None:
    """Atomically replace the catalog with a built one."""
    os.replace(tmp, target)


def install_catalog_for(settings: Settings, release: Release) -> None:
    """Build the catalog of `release` and put it in place (hold the publish lock)."""
    install_catalog(build_catalog(release, settings.layout.catalog, known_party_codes()), settings.layout.catalog)


def rebuild_catalog(settings: Settings) -> Release:
    """Rebuild `published/catalog.duckdb` for the current release where the data directory is now."""
    with publish_lock(settings):
        release = read_current(settings)
        if release is None:
            raise PipelineError(f"no current release in {settings.layout.published}: nothing to catalog")
        install_catalog_for(settings, release)
    return release


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.publish.catalog",
                                     description="Rebuild the DuckDB catalog, e.g. after moving the data directory.")
    parser.add_argument("--data-dir", type=Path, required=True, help="the data directory (as it is now)")
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir)
    try:
        release = rebuild_catalog(settings)
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{settings.layout.catalog}: release {release.release_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
