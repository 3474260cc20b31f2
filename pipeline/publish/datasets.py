"""The published tables and their Airflow Asset URIs: plain constants, safe to import at DAG-parse time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Every table of a release.
PUBLISHED_TABLES: tuple[str, ...] = (
    "documents", "pages", "paragraphs", "footnotes", "qa_pairs", "committee_members", "references",
    "speeches", "motions", "attendance", "letters", "parse_agreement", "dossiers", "fetch_errors", "links",
    "source_status", "quality_results",
)

#: PostgreSQL schema the release is published to.
POSTGRES_SCHEMA = "eerstekamer"

ASSET_URI_PREFIX = "eerstekamer://published/"

#: Table name -> Airflow Asset URI, updated by the publish task of every release.
ASSET_URIS: dict[str, str] = {table: ASSET_URI_PREFIX + table for table in PUBLISHED_TABLES}


def asset_extras(release: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Table -> the `extra` of its asset event for a release (`Release.to_dict()`): what a consumer
    needs to read it: the release id, the table's rows, every table's rows and the source watermark."""
    manifest = release["manifest"]
    rows = {table: manifest["tables"][table]["rows"] for table in PUBLISHED_TABLES}
    common = {"release_id": release["release_id"], "created_at": manifest["created_at"],
              "schema_version": manifest["schema_version"], "source_watermark": manifest["source_watermark"],
              "rows_per_table": rows}
    return {table: {**common, "table": table, "rows": rows[table]} for table in PUBLISHED_TABLES}
