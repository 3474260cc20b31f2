"""`published/catalog.duckdb`: a view per table over the current release, plus dashboard views.

Built into a new file and renamed over the old one, so a reader never sees half a catalog (an open
connection keeps reading the old file until it reconnects).
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.publish.datasets import PUBLISHED_TABLES
from pipeline.publish.release import Release
from pipeline.publish.views import dashboard_views

#: Manifest fields shown in the `release_info` view.
RELEASE_INFO = ("release_id", "created_at", "schema_version", "pipeline_version", "source_watermark")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_catalog(release: Release, target: Path, party_codes: list[str]) -> Path:
    """Write a catalog for `release` to a temporary file beside `target`; returns that file."""
    import duckdb

    tmp = target.with_name(f".tmp-{release.release_id}-{target.name}")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        for table in PUBLISHED_TABLES:
            files = ", ".join(_literal(str(p.resolve())) for p in release.files(table))
            con.execute(f"CREATE VIEW {_quote(table)} AS SELECT * FROM read_parquet([{files}], hive_partitioning = false)")
        for name, sql in dashboard_views("duckdb", party_codes).items():
            con.execute(f"CREATE VIEW {_quote(name)} AS {sql}")
        columns = ", ".join(f"{_literal(str(release.manifest[key]))} AS {key}" for key in RELEASE_INFO)
        con.execute(f"CREATE VIEW release_info AS SELECT {columns}")
    return tmp


def install_catalog(tmp: Path, target: Path) -> None:
    """Atomically replace the catalog with a built one."""
    os.replace(tmp, target)
