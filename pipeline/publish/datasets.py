"""The published tables and their Airflow Asset URIs: plain constants, safe to import at DAG-parse time."""

from __future__ import annotations

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
