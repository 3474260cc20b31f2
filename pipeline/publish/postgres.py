"""Publish a release to PostgreSQL schema `eerstekamer`, switched in one transaction.

Within one transaction the release is loaded into a loading schema (tables, keys, column comments,
dashboard views, a `release_info` table), the old schema is renamed to `eerstekamer_previous` and
the loading schema to `eerstekamer`: a dashboard sees either the whole previous release or the
whole new one. The previous schema is dropped only at the next publish, so queries still running
on it finish undisturbed.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.normalise.schemas import TABLES
from pipeline.publish.datasets import POSTGRES_SCHEMA, PUBLISHED_TABLES
from pipeline.publish.release import Release
from pipeline.publish.views import dashboard_views

log = logging.getLogger(__name__)

LOADING_SCHEMA = f"{POSTGRES_SCHEMA}_loading"
PREVIOUS_SCHEMA = f"{POSTGRES_SCHEMA}_previous"
#: Serialises publishers that share one database (any data directory).
ADVISORY_LOCK_KEY = 0x45_4B_50_55  # "EKPU"


def pg_type(type_: pa.DataType) -> str:
    """The PostgreSQL column type for an Arrow type used in the schemas."""
    if pa.types.is_list(type_):
        return pg_type(type_.value_type) + "[]"
    for check, name in ((pa.types.is_string, "text"), (pa.types.is_boolean, "boolean"),
                        (pa.types.is_int32, "integer"), (pa.types.is_int64, "bigint"),
                        (pa.types.is_floating, "double precision"), (pa.types.is_date, "date"),
                        (pa.types.is_timestamp, "timestamptz")):
        if check(type_):
            return name
    raise TypeError(f"no PostgreSQL type for Arrow type {type_}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_ddl(schema: str, table: str) -> list[str]:
    spec = TABLES[table]
    target = f"{_ident(schema)}.{_ident(table)}"
    columns = ", ".join(f"{_ident(f.name)} {pg_type(f.type)}{'' if f.nullable else ' NOT NULL'}" for f in spec.schema)
    statements = [f"CREATE TABLE {target} ({columns}, PRIMARY KEY ({_ident(spec.key)}))",
                  f"COMMENT ON TABLE {target} IS {_literal(spec.description)}"]
    statements += [f"COMMENT ON COLUMN {target}.{_ident(f.name)} IS {_literal(spec.description_of(f.name))}"
                   for f in spec.schema]
    return statements


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _copy_table(cur: Any, schema: str, table: str, release: Release) -> int:
    names = TABLES[table].schema.names
    rows = 0
    sql = f"COPY {_ident(schema)}.{_ident(table)} ({', '.join(map(_ident, names))}) FROM STDIN"
    with cur.copy(sql) as copy:
        for path in release.files(table):
            for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000, columns=names):
                columns = [batch.column(name).to_pylist() for name in names]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
                rows += batch.num_rows
    return rows


def _load(cur: Any, release: Release, party_codes: list[str]) -> dict[str, int]:
    cur.execute(f"DROP SCHEMA IF EXISTS {_ident(LOADING_SCHEMA)} CASCADE")
    cur.execute(f"CREATE SCHEMA {_ident(LOADING_SCHEMA)}")
    cur.execute(f"SET LOCAL search_path TO {_ident(LOADING_SCHEMA)}")
    counts = {}
    for table in PUBLISHED_TABLES:
        for statement in _table_ddl(LOADING_SCHEMA, table):
            cur.execute(statement)
        counts[table] = _copy_table(cur, LOADING_SCHEMA, table, release)
    for name, sql in dashboard_views("postgres", party_codes).items():
        cur.execute(f"CREATE VIEW {_ident(name)} AS {sql}")
    cur.execute("CREATE TABLE release_info (release_id text PRIMARY KEY, created_at timestamptz, "
                "schema_version text, pipeline_version text, source_watermark text, manifest jsonb)")
    m = release.manifest
    cur.execute("INSERT INTO release_info VALUES (%s, %s, %s, %s, %s, %s)",
                (m["release_id"], m["created_at"], m["schema_version"], m["pipeline_version"],
                 m["source_watermark"], json.dumps(m)))
    return counts


def publish_postgres(dsn: str, release: Release, party_codes: list[str]) -> dict[str, int]:
    """Load `release` and make it the content of schema `eerstekamer` in one transaction."""
    import psycopg

    with psycopg.connect(dsn) as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        counts = _load(cur, release, party_codes)
        cur.execute(f"DROP SCHEMA IF EXISTS {_ident(PREVIOUS_SCHEMA)} CASCADE")
        if _schema_exists(cur, POSTGRES_SCHEMA):
            cur.execute(f"ALTER SCHEMA {_ident(POSTGRES_SCHEMA)} RENAME TO {_ident(PREVIOUS_SCHEMA)}")
        cur.execute(f"ALTER SCHEMA {_ident(LOADING_SCHEMA)} RENAME TO {_ident(POSTGRES_SCHEMA)}")
    log.info("published release %s to PostgreSQL schema %s", release.release_id, POSTGRES_SCHEMA)
    return counts


def restore_postgres(dsn: str) -> None:
    """Undo `publish_postgres`: drop the release it switched in and serve `eerstekamer_previous` again
    (nothing at all when there was no previous release), in one transaction."""
    import psycopg

    with psycopg.connect(dsn) as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        cur.execute(f"DROP SCHEMA IF EXISTS {_ident(POSTGRES_SCHEMA)} CASCADE")
        if _schema_exists(cur, PREVIOUS_SCHEMA):
            cur.execute(f"ALTER SCHEMA {_ident(PREVIOUS_SCHEMA)} RENAME TO {_ident(POSTGRES_SCHEMA)}")
    log.warning("PostgreSQL schema %s rolled back to the previous release", POSTGRES_SCHEMA)


def _schema_exists(cur: Any, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,))
    return cur.fetchone() is not None


def current_postgres_release(dsn: str) -> str | None:
    """Release id published in schema `eerstekamer`, None when nothing is published there."""
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        if not _schema_exists(cur, POSTGRES_SCHEMA):
            return None
        cur.execute(f"SELECT release_id FROM {_ident(POSTGRES_SCHEMA)}.release_info")
        row = cur.fetchone()
        return row[0] if row else None
