"""Where a run keeps its state: SQLite in the data directory (the embedded default), or one
PostgreSQL database (`EK_STATE_DSN`) that every host shares, in a schema of its own (`ek_state`).

`StateDB` is one connection to either. Statements use `?` placeholders and the SQL both dialects
understand (`ON CONFLICT ... DO UPDATE / DO NOTHING`); `greatest()` names the scalar maximum,
the one difference the stores need. Reads autocommit; writes happen in `transaction()`, one
writer at a time per store on either backend (SQLite's `BEGIN IMMEDIATE`, a transaction-level
advisory lock in PostgreSQL), so read-then-write steps are safe across processes and hosts.
A store's tables are created on demand (in PostgreSQL with its schema, under the same lock).

`JsonFiles` keeps the small JSON files of a run (the run journal and summaries, backfill marks,
the run lock) by their path below the data directory: as files there, or as rows of the state
database's `json_files` table.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from pipeline.config import DataLayout
from pipeline.errors import PipelineError
from pipeline.files import write_json
from pipeline.sqlite_wal import open_wal


class StateUnavailable(PipelineError):
    """The state database cannot be reached."""


def describe_dsn(dsn: str) -> str:
    """A DSN without its password: `host:port/dbname`."""
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(dsn)
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def lock_key(schema: str, name: str) -> int:
    """The PostgreSQL advisory lock key of `name` in the state schema `schema` (a signed 64-bit int)."""
    return int.from_bytes(hashlib.sha256(f"{schema}/{name}".encode()).digest()[:8], "big", signed=True)


class Row(tuple):  # type: ignore[type-arg]
    """A PostgreSQL result row by position or by column name, like `sqlite3.Row`."""

    names: tuple[str, ...]

    def __new__(cls, names: tuple[str, ...], values: Sequence[Any]) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self.names.index(key) if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self.names)


def _rows(cursor: Any) -> Any:
    names = tuple(column.name for column in cursor.description or ())
    return lambda values: Row(names, values)


def _existing(conn: Any, schema: str, names: Sequence[str]) -> int:
    """How many of the tables and indexes `names` exist in `schema` (creating them again would
    take locks that wait for writers)."""
    return conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = %s AND c.relname = ANY(%s)", (schema, list(names))).fetchone()[0]


class StateDB:
    """One connection to a store of the run state: a SQLite file, or a schema in PostgreSQL."""

    def __init__(self, connection: Any, *, postgres: bool, where: str, schema: str = "", name: str = "") -> None:
        self._db, self.postgres, self.where = connection, postgres, where
        self._schema, self._name = schema, name

    @classmethod
    def open(cls, layout: DataLayout, name: str, tables: str, sqlite_file: Path) -> StateDB:
        """The store `name` with its `tables` (DDL): in the layout's state database when it names
        one, else in `sqlite_file` (WAL)."""
        if layout.state_dsn:
            return cls.postgres_schema(layout.state_dsn, layout.state_schema, name, tables)
        db = open_wal(sqlite_file, tables, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt, durable at checkpoints
        return cls(db, postgres=False, where=str(sqlite_file))

    @classmethod
    def postgres_schema(cls, dsn: str, schema: str, name: str, tables: str) -> StateDB:
        import psycopg
        from psycopg import sql

        where = f"PostgreSQL {describe_dsn(dsn)}, schema {schema}"
        info = psycopg.conninfo.conninfo_to_dict(dsn)
        try:
            conn = psycopg.connect(dsn, autocommit=True, row_factory=_rows,
                                   **({} if "connect_timeout" in info else {"connect_timeout": 10}))
        except psycopg.OperationalError as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise StateUnavailable(f"the state database {where} cannot be reached: {reason}") from None
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        ddl = tables.replace(" WITHOUT ROWID", "").strip()
        names = re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", ddl)
        if not names or _existing(conn, schema, names) < len(names):
            with conn.transaction():  # two processes creating the same tables at once would collide
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(schema, "ddl"),))
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                if ddl:
                    conn.execute(ddl.encode())  # bytes: several statements in one go, no placeholders
        return cls(conn, postgres=True, where=where, schema=schema, name=name)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, statement: str) -> str:
        return statement.replace("%", "%%").replace("?", "%s") if self.postgres else statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement (`?` placeholders); returns the cursor."""
        return self._db.execute(self._sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            (self._db.cursor() if self.postgres else self._db).executemany(self._sql(statement), rows)

    def rows(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.execute(statement, params).fetchall())

    def row(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self.execute(statement, params).fetchone()

    def value(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row (None when there is none)."""
        row = self.row(statement, params)
        return None if row is None else row[0]

    def columns(self, table: str) -> list[str]:
        return [c[0] for c in self.execute(f"SELECT * FROM {table} LIMIT 0").description]

    def greatest(self, a: str, b: str) -> str:
        """SQL for the larger of two values."""
        return f"greatest({a}, {b})" if self.postgres else f"max({a}, {b})"

    @contextmanager
    def transaction(self, lock: str = "") -> Iterator[StateDB]:
        """A write transaction, one writer at a time (of this store, or of those that name the
        same `lock`): committed at the end, rolled back on an error."""
        if self.postgres:
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(self._schema, lock or self._name),))
                yield self
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


# --- The small JSON files of a run ----------------------------------------------------------------------


class JsonFiles(Protocol):
    """Small JSON values by their path below the data directory (`runs/<run_id>/<task>.json`)."""

    #: What holds them, for messages: the data directory, or the state database.
    home: str

    def where(self, key: str) -> str:
        """Where the value of `key` is kept, for messages."""

    def get(self, key: str) -> Any:
        """The value, or None when there is none; ValueError when it is damaged."""

    def put(self, key: str, value: Any) -> None:
        """Write the value at once (readers see the old or the new one)."""

    def delete(self, key: str) -> None: ...

    def items(self, folder: str) -> list[tuple[str, Any]]:
        """(name, value) of the values directly in `folder`, oldest written first."""

    def names(self, folder: str) -> set[str]:
        """The names directly in `folder` (values without `.json`, and sub-folders)."""

    def exclusive(self, name: str) -> Any:
        """A context in which only this process reads and changes `name` (on any host)."""

    def close(self) -> None: ...


class DirectoryJsonFiles:
    """JSON files below the data directory; `exclusive` is an `flock` on a guard file there."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = str(root)

    def where(self, key: str) -> str:
        return str(self.root / key)

    def get(self, key: str) -> Any:
        try:
            return json.loads((self.root / key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def put(self, key: str, value: Any) -> None:
        write_json(self.root / key, value)

    def delete(self, key: str) -> None:
        (self.root / key).unlink(missing_ok=True)

    def items(self, folder: str) -> list[tuple[str, Any]]:
        paths = sorted((self.root / folder).glob("*.json"), key=lambda p: p.stat().st_mtime) \
            if (self.root / folder).is_dir() else []
        return [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in paths]

    def names(self, folder: str) -> set[str]:
        path = self.root / folder
        return {p.name.removesuffix(".json") for p in path.iterdir()} if path.is_dir() else set()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / f".{name}.guard").open("a") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)

    def close(self) -> None:
        pass


_JSON_FILES = """
CREATE TABLE IF NOT EXISTS json_files (
    path TEXT PRIMARY KEY, body JSONB NOT NULL,
    written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp());
"""


class TableJsonFiles:
    """JSON values as rows of the state database's `json_files` table (path, body, written_at);
    `exclusive` is a transaction holding an advisory lock on the name."""

    def __init__(self, dsn: str, schema: str) -> None:
        self._db = StateDB.postgres_schema(dsn, schema, "json_files", _JSON_FILES)
        self.home = f"the state database {self._db.where}"

    def where(self, key: str) -> str:
        return f"row {key!r} of table json_files in {self.home}"

    def get(self, key: str) -> Any:
        return self._db.value("SELECT body FROM json_files WHERE path = ?", (key,))

    def put(self, key: str, value: Any) -> None:
        from psycopg.types.json import Jsonb

        self._db.execute("INSERT INTO json_files (path, body) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET "
                         "body = excluded.body, written_at = clock_timestamp()",
                         (key, Jsonb(value, dumps=lambda v: json.dumps(v, ensure_ascii=False, default=str))))

    def delete(self, key: str) -> None:
        self._db.execute("DELETE FROM json_files WHERE path = ?", (key,))

    def items(self, folder: str) -> list[tuple[str, Any]]:
        start, prefix = _folder(folder)
        return [(row[0], row[1]) for row in self._db.rows(
            "SELECT substr(path, ?), body FROM json_files WHERE starts_with(path, ?) "
            "AND strpos(substr(path, ?), '/') = 0 ORDER BY written_at, path", (start, prefix, start))]

    def names(self, folder: str) -> set[str]:
        start, prefix = _folder(folder)
        return {row[0].removesuffix(".json") for row in self._db.rows(
            "SELECT DISTINCT split_part(substr(path, ?), '/', 1) FROM json_files WHERE starts_with(path, ?)",
            (start, prefix))}

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        with self._db.transaction(lock=name):
            yield

    def close(self) -> None:
        self._db.close()


def _folder(folder: str) -> tuple[int, str]:
    """Where the names in `folder` start in a path (1-based), and the paths' prefix."""
    prefix = f"{folder.rstrip('/')}/"
    return len(prefix) + 1, prefix


@contextmanager
def json_files(layout: DataLayout) -> Iterator[JsonFiles]:
    """The run's JSON files: in the state database when the layout names one, else in the data directory."""
    files: JsonFiles = (TableJsonFiles(layout.state_dsn, layout.state_schema) if layout.state_dsn
                        else DirectoryJsonFiles(layout.root))
    try:
        yield files
    finally:
        files.close()


@contextmanager
def session_lock(dsn: str, schema: str, name: str, wait_seconds: float, refusal: Exception) -> Iterator[None]:
    """Hold the advisory lock `name` of the state database on a connection of its own for the
    length of a `with` block (it goes with the connection when the process dies); waits at most
    `wait_seconds`, then raises `refusal`."""
    import time

    with StateDB.postgres_schema(dsn, schema, name, "") as db:
        key, deadline = lock_key(schema, name), time.monotonic() + wait_seconds
        while not db.value("SELECT pg_try_advisory_lock(?)", (key,)):
            if time.monotonic() > deadline:
                raise refusal
            time.sleep(0.2)
        try:
            yield
        finally:
            db.execute("SELECT pg_advisory_unlock(?)", (key,))
