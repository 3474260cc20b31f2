"""`published/catalog.duckdb`: a view per table over the current release, plus dashboard views.

Built into a new file and renamed over the old one (on object storage: then uploaded), so a reader
never sees half a catalog (an open connection keeps reading the old file until it reconnects).

No absolute path is baked in: the views name the release's Parquet files relative to the
`published` directory, prefixed with the DuckDB variable `ek_published` when it is set. So the
catalog keeps working wherever the data directory is moved or mounted, and over object storage.
`open_catalog` (Python) sets it up; any other DuckDB client sets one of

    SET VARIABLE ek_published = '/mnt/data/published';   -- or 's3://bucket/prefix/published'
    SET file_search_path = '/mnt/data/published';         -- a local directory only

(or simply runs in the `published` directory). Rebuilding the catalog of the current release,
e.g. after it was damaged: `python -m pipeline.publish.catalog --data-dir DIR`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings, data_location
from pipeline.duckdb_sql import PUBLISHED_VARIABLE, duckdb_identifier, duckdb_literal, published_file
from pipeline.errors import PipelineError
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.datasets import PUBLISHED_TABLES
from pipeline.publish.release import Release, publish_lock, read_current
from pipeline.publish.views import dashboard_views
from pipeline.storage import Storage

if TYPE_CHECKING:
    import duckdb

#: Manifest fields shown in the `release_info` view.
RELEASE_INFO = ("release_id", "created_at", "schema_version", "pipeline_version", "source_watermark")


def build_catalog(release: Release, target: Path, party_codes: list[str]) -> Path:
    """Write a catalog for `release` to a temporary file beside `target`; returns that file."""
    import duckdb

    tmp = target.with_name(f".tmp-{release.release_id}-{target.name}")
    tmp.unlink(missing_ok=True)
    published = target.parent.resolve()
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"SET file_search_path = {duckdb_literal(str(published))}")  # to check the views
            for table in PUBLISHED_TABLES:
                files = ", ".join(published_file(os.path.relpath(p.resolve(), published)) for p in release.files(table))
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


def catalog_release(catalog: Path, store: Storage | None = None) -> str | None:
    """The release id the catalog serves, None when there is no readable catalog (`store`: the
    data directory's, to read the stored catalog)."""
    import duckdb

    if not (store.refresh(catalog) if store else catalog.exists()):
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
    catalog = settings.layout.catalog
    install_catalog(build_catalog(release, catalog, known_party_codes()), catalog)
    settings.layout.store.persist(catalog)


def open_catalog(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the published catalog, set up for where the data directory
    is now: a local path (wherever it was moved or mounted) or an object store URL (the catalog is
    downloaded into the cache, the Parquet files are read from the store)."""
    import duckdb

    layout = settings.layout
    if not layout.store.refresh(layout.catalog):
        raise PipelineError(f"no catalog in {layout.store.location(layout.published)}: nothing published yet")
    con = duckdb.connect(str(layout.catalog), read_only=True)
    if layout.store.remote:
        con.register_filesystem(layout.store.fs)
        published = layout.store.key(layout.published)
    else:
        published = str(layout.published.resolve())
    con.execute(f"SET VARIABLE {PUBLISHED_VARIABLE} = {duckdb_literal(published)}")
    return con


def rebuild_catalog(settings: Settings) -> Release:
    """Rebuild `published/catalog.duckdb` for the current release where the data directory is now."""
    with publish_lock(settings):
        release = read_current(settings)
        if release is None:
            raise PipelineError(f"no current release in {settings.layout.location}: nothing to catalog")
        install_catalog_for(settings, release)
    return release


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.publish.catalog",
                                     description="Rebuild the DuckDB catalog of the current release, e.g. after it was damaged.")
    parser.add_argument("--data-dir", type=data_location, required=True,
                        help="the data directory (a path or an object store URL)")
    args = parser.parse_args(argv)
    settings = Settings.load({"data_dir": args.data_dir})
    try:
        release = rebuild_catalog(settings)
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{settings.layout.store.location(settings.layout.catalog)}: release {release.release_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
