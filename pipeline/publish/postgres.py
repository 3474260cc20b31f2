"""Publish a release to PostgreSQL schema `eerstekamer`, switched in one transaction.

A dashboard must see either the whole previous release or the whole new one, in every statement.
PostgreSQL resolves table names outside MVCC (a statement that names several tables while another
transaction renames schemas can mix old and new tables), so the usual publish never touches the
catalog: within one transaction it replaces rows. Only what differs from the release the schema
holds (its manifest is in `release_info`) is replaced: per partitioned table the rows of the
vergaderjaren whose file differs (deleted, then copied from the new file), an unpartitioned table
whole when its file differs. Without a readable manifest there, every table is replaced. Each
reader's snapshot then holds one release, readers are never blocked, and queries running on the
old rows finish undisturbed.

Only when the structure changes (first publish, new columns, tables or views; recorded as a
fingerprint in the schema's comment) is the schema rebuilt: loaded into a loading schema; then,
holding every old table and view at once, the old schema is dropped and the new one renamed into
place. A reader that opened an old table finishes first; a reader that arrives later waits for the
commit and then sees the new tables.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

from pipeline.errors import PipelineError
from pipeline.normalise.schemas import PARTITION_COLUMN, TABLES
from pipeline.normalise.stage import WHOLE, partition_of, year_of
from pipeline.publish.datasets import POSTGRES_SCHEMA, PUBLISHED_TABLES
from pipeline.publish.release import Release
from pipeline.publish.views import dashboard_views

log = logging.getLogger(__name__)

LOADING_SCHEMA = f"{POSTGRES_SCHEMA}_loading"
#: Serialises publishers that share one database (any data directory).
ADVISORY_LOCK_KEY = 0x45_4B_50_55  # "EKPU"
#: How long a rebuild waits for readers to let go of the old tables before it gives up.
TAKE_TIMEOUT_SECONDS = 60
_SCHEMA_COMMENT = "Eerste Kamer der Staten-Generaal open data, published by the eerstekamer pipeline; structure {}"
_FINGERPRINT = re.compile(r"structure ([0-9a-f]{64})$")
_RELEASE_INFO_DDL = sql.SQL(
    "CREATE TABLE release_info (release_id text PRIMARY KEY, created_at timestamptz, "
    "schema_version text, pipeline_version text, source_watermark text, manifest jsonb)")


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


def _table_ddl(table: str) -> list[sql.Composable]:
    spec = TABLES[table]
    target = sql.Identifier(table)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}{}").format(sql.Identifier(f.name), sql.SQL(pg_type(f.type)),
                                  sql.SQL("" if f.nullable else " NOT NULL")) for f in spec.schema)
    key = sql.Identifier(spec.key)
    statements = [sql.SQL("CREATE TABLE {} ({}, PRIMARY KEY ({}))").format(target, columns, key),
                  sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(spec.description))]
    statements += [sql.SQL("COMMENT ON COLUMN {} IS {}").format(sql.Identifier(table, f.name),
                                                                 sql.Literal(spec.description_of(f.name)))
                   for f in spec.schema]
    return statements


def _foreign_keys(table: str) -> list[sql.Composable]:
    """A foreign key per parent (BI tools read joins from them), checked at commit so tables load in
    any order, and an index on it for the join and the check."""
    statements = []
    for column, (parent, parent_column) in TABLES[table].parents.items():
        names = {"table": sql.Identifier(table), "column": sql.Identifier(column),
                 "parent": sql.Identifier(parent), "parent_column": sql.Identifier(parent_column)}
        statements += [sql.SQL("ALTER TABLE {table} ADD FOREIGN KEY ({column}) REFERENCES {parent} "
                               "({parent_column}) DEFERRABLE INITIALLY DEFERRED").format(**names),
                       sql.SQL("CREATE INDEX ON {table} ({column})").format(**names)]
    return statements


def _copy_table(cur: Any, table: str, files: list[Path]) -> int:
    names = TABLES[table].schema.names
    rows = 0
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names)))
    with cur.copy(statement) as copy:
        for path in files:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000, columns=names):
                columns = [batch.column(name).to_pylist() for name in names]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
                rows += batch.num_rows
    return rows


def _structure(conn: Any, party_codes: list[str]) -> list[str]:
    """The statements that create every published table with its keys, `release_info` and the dashboard views,
    unqualified (they run with `search_path` set to the schema being built), as text quoted for `conn`."""
    statements = [s for table in PUBLISHED_TABLES for s in _table_ddl(table)] + [_RELEASE_INFO_DDL]
    statements += [s for table in PUBLISHED_TABLES for s in _foreign_keys(table)]
    statements += [sql.SQL("CREATE INDEX ON {} ({})").format(sql.Identifier(table), sql.Identifier(PARTITION_COLUMN))
                   for table in PUBLISHED_TABLES if TABLES[table].partitioned]  # a partition's rows are replaced
    statements += [sql.SQL("CREATE VIEW {} AS {}").format(sql.Identifier(name), sql.SQL(view))
                   for name, view in dashboard_views("postgres", party_codes).items()]
    return [s.as_string(conn) for s in statements]


def _fingerprint(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def _in_schema(template: str, schema: str = POSTGRES_SCHEMA) -> sql.Composed:
    """`template` ("DROP SCHEMA IF EXISTS {} CASCADE") naming `schema`."""
    return sql.SQL(template).format(sql.Identifier(schema))


def _published_fingerprint(cur: Any) -> str | None:
    cur.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                (POSTGRES_SCHEMA,))
    row = cur.fetchone()
    match = _FINGERPRINT.search(row[0] or "") if row else None
    return match.group(1) if match else None


#: Per table, the partitions (vergaderjaren) whose rows to replace; None: every row.
Delta = dict[str, list[str] | None]


def _by_partition(manifest: Mapping[str, Any], table: str) -> dict[str, tuple[str, str]]:
    """Partition -> (release that wrote it, path) of each file of `table` in `manifest`."""
    return {partition_of(e["path"]): (e.get("release", manifest["release_id"]), e["path"])
            for e in manifest["tables"].get(table, {}).get("files", [])}


def delta(served: Mapping[str, Any] | None, release: Release) -> Delta:
    """What to replace to go from the release `served` (its manifest; None: unknown) to `release`:
    nothing for a table whose files are the same, the changed partitions of a partitioned table,
    else (None) every row."""
    out: Delta = {}
    for table in PUBLISHED_TABLES:
        new = _by_partition(release.manifest, table)
        old = _by_partition(served, table) if served is not None else None
        if old is None or not TABLES[table].partitioned or WHOLE in old or WHOLE in new:
            out[table] = [] if old == new else None
        else:
            out[table] = sorted(year_of(p) for p in old.keys() | new.keys() if old.get(p) != new.get(p))
    return out


def _copy_rows(cur: Any, release: Release, changes: Delta | None = None) -> dict[str, int]:
    """Copy the tables of `release` (only the `changes` partitions, when given), and its
    `release_info` row, into the schema on `search_path`."""
    counts = {}
    for table in PUBLISHED_TABLES:
        years = None if changes is None else changes[table]
        entries = release.entries(table)
        if years is not None:
            entries = [e for e in entries if year_of(partition_of(e["path"])) in years]
        counts[table] = _copy_table(cur, table, release.local_files(entries))
    m = release.manifest
    cur.execute("INSERT INTO release_info VALUES (%s, %s, %s, %s, %s, %s)",
                (m["release_id"], m["created_at"], m["schema_version"], m["pipeline_version"],
                 m["source_watermark"], json.dumps(m)))
    return counts


def _served_manifest(cur: Any) -> dict[str, Any] | None:
    cur.execute("SELECT manifest FROM release_info")
    row = cur.fetchone()
    return row[0] if row and isinstance(row[0], dict) and "tables" in row[0] else None


def _replace_rows(cur: Any, release: Release) -> tuple[dict[str, int], Delta]:
    """The usual publish: same tables, the rows that differ from the served release replaced
    (MVCC: readers see old or new); returns the rows copied and what was replaced."""
    cur.execute(_in_schema("SET LOCAL search_path TO {}"))
    changes = delta(_served_manifest(cur), release)
    for table, years in changes.items():
        if years is None:
            cur.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        elif years:
            cur.execute(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                sql.Identifier(table), sql.Identifier(PARTITION_COLUMN)), (years,))
    cur.execute("DELETE FROM release_info")
    return _copy_rows(cur, release, changes), changes


def _rebuild(conn: Any, cur: Any, release: Release, structure: list[str]) -> dict[str, int]:
    """Build the release in the loading schema, then put it in place of the old schema."""
    cur.execute(_in_schema("DROP SCHEMA IF EXISTS {} CASCADE", LOADING_SCHEMA))
    cur.execute(_in_schema("CREATE SCHEMA {}", LOADING_SCHEMA))
    cur.execute(_in_schema("SET LOCAL search_path TO {}", LOADING_SCHEMA))
    for statement in structure:
        cur.execute(statement)
    counts = _copy_rows(cur, release)
    cur.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
        sql.Identifier(LOADING_SCHEMA), sql.Literal(_SCHEMA_COMMENT.format(_fingerprint(structure)))))
    _switch_schema(conn, cur)
    return counts


def _switch_schema(conn: Any, cur: Any) -> None:
    """Drop the old schema and rename the loading one into its place, holding every old table and
    view first (see `_take_from_readers`)."""
    _take_from_readers(conn, cur)
    cur.execute(_in_schema("DROP SCHEMA IF EXISTS {} CASCADE"))
    cur.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
        sql.Identifier(LOADING_SCHEMA), sql.Identifier(POSTGRES_SCHEMA)))


def _take_from_readers(conn: Any, cur: Any) -> None:
    """Lock every relation of the old schema, all at once or none (NOWAIT inside a savepoint, tried
    again until readers let go). Never waiting while holding a lock, the publisher cannot deadlock
    with a reader; holding them all, it makes later readers wait for the new schema."""
    cur.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'v')", (POSTGRES_SCHEMA,))
    relations = [sql.Identifier(schema, name) for schema, name in cur.fetchall()]
    if not relations:
        return
    deadline = time.monotonic() + TAKE_TIMEOUT_SECONDS
    while True:
        try:
            with conn.transaction():
                cur.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE NOWAIT").format(
                    sql.SQL(", ").join(relations)))
            return
        except psycopg.errors.LockNotAvailable:
            if time.monotonic() > deadline:
                raise PipelineError(f"PostgreSQL schema {POSTGRES_SCHEMA}: readers held its tables for "
                                    f"{TAKE_TIMEOUT_SECONDS} s; the previous release stays, try again") from None
            time.sleep(random.uniform(0.005, 0.05))


class PostgresUnavailable(PipelineError):
    """The publish target cannot be reached or refuses the connection."""


def connect(dsn: str) -> psycopg.Connection:
    """A connection to the publish target; PostgresUnavailable names it (without its password)."""
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    try:
        return psycopg.connect(dsn, **({} if "connect_timeout" in info else {"connect_timeout": 10}))
    except psycopg.OperationalError as err:
        where = f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PostgresUnavailable(f"PostgreSQL {where} cannot be reached: {reason}") from None


def _grant_reader(conn: Any, cur: Any, role: str, password: str | None) -> None:
    """Create or update the read-only dashboard `role` (LOGIN with `password`, else NOLOGIN) and grant it
    USAGE on the schema and SELECT on every table and view in it (again after every rebuild)."""
    name, schema = sql.Identifier(role), sql.Identifier(POSTGRES_SCHEMA)
    login = sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("NOLOGIN")
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    if cur.fetchone() is None:
        try:
            with conn.transaction():
                cur.execute(sql.SQL("CREATE ROLE {} {}").format(name, login))
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass  # roles are shared by every database: a publisher of another one created it meanwhile
    cur.execute(sql.SQL("ALTER ROLE {} {}").format(name, login))
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name))
    cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, name))


def publish_postgres(dsn: str, release: Release, party_codes: list[str], *, reader: str | None = None,
                     reader_password: str | None = None) -> dict[str, int]:
    """Make `release` the content of schema `eerstekamer`, in one transaction; with `reader`, that
    role may read (only read) every table and view of it."""
    with connect(dsn) as conn:
        structure = _structure(conn, party_codes)
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            if _published_fingerprint(cur) == _fingerprint(structure):
                counts, changes = _replace_rows(cur, release)
            else:
                counts, changes = _rebuild(conn, cur, release, structure), dict.fromkeys(PUBLISHED_TABLES)
            if reader:
                _grant_reader(conn, cur, reader, reader_password)
        _vacuum(conn, [table for table, years in changes.items() if years != []])
    log.info("published release %s to PostgreSQL schema %s: %s", release.release_id, POSTGRES_SCHEMA,
             ", ".join(f"{t} {'all' if y is None else y}" for t, y in changes.items() if y != []) or "no table changed")
    return counts


def _vacuum(conn: Any, tables: list[str]) -> None:
    """Reclaim the replaced rows of `tables` and refresh the planner's statistics (outside the
    transaction). Housekeeping only: the release is committed, so a failure here is logged, not raised."""
    conn.autocommit = True
    try:
        for table in [*tables, "release_info"]:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(POSTGRES_SCHEMA, table)))
    except psycopg.Error as error:
        log.warning("VACUUM of PostgreSQL schema %s failed (autovacuum will do it): %s", POSTGRES_SCHEMA, error)


def restore_postgres(dsn: str, previous: Release | None, party_codes: list[str], **reader: str | None) -> None:
    """Undo `publish_postgres`: publish `previous` again (`reader` as there), or nothing at all when there was none."""
    if previous is not None:
        publish_postgres(dsn, previous, party_codes, **reader)
    else:
        with connect(dsn) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            conn.execute(_in_schema("DROP SCHEMA IF EXISTS {} CASCADE"))
    log.warning("PostgreSQL schema %s rolled back to release %s", POSTGRES_SCHEMA,
                previous.release_id if previous else "(none)")


def _schema_exists(cur: Any, name: str) -> bool:
    cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,))
    return cur.fetchone() is not None


def current_postgres_release(dsn: str) -> str | None:
    """Release id published in schema `eerstekamer`, None when nothing is published there."""
    with connect(dsn) as conn, conn.cursor() as cur:
        if not _schema_exists(cur, POSTGRES_SCHEMA):
            return None
        cur.execute(sql.SQL("SELECT release_id FROM {}").format(
            sql.Identifier(POSTGRES_SCHEMA, "release_info")))
        row = cur.fetchone()
        return row[0] if row else None
