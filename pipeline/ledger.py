"""The ledger of every run: watermarks, publication versions, the file manifest, errors, links.

A publication version is one (identifier, change stamp) pair: version 1 is the first stamp seen,
and every new stamp adds a version (status "changed"); old versions and their files stay.
Each version lists the files (manifestations) it needs in the manifest, which records url,
sha256, size, archived path, fetched_at and status (pending | archived | failed). Download
progress is committed file by file, so a crashed harvest resumes where it stopped.

The ledger is `state.sqlite` in the data directory, or the tables of the state database when
the layout names one (`EK_STATE_DSN`, see `pipeline.statedb`): the same statements on both.
A SQLite ledger appends every committed version, file and watermark to `raw/ledger.jsonl`
beside the archive, so that a lost or damaged `state.sqlite` can be rebuilt (`rebuild_ledger`);
a PostgreSQL ledger is as durable as its database (its backups restore it) and keeps no
journal, but `rebuild_ledger` fills an empty one from a data directory's journal (moving an
embedded installation to PostgreSQL). A ledger that is missing, empty or unreadable beside
archived or published data stops a run (`check_ledger`) instead of starting over.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipeline.config import DataLayout
from pipeline.errors import PipelineError
from pipeline.files import sha256_of
from pipeline.identifiers import parse_identifier
from pipeline.sources.records import SruRecord
from pipeline.statedb import StateDB

#: The manifestations archived per publication, when the record lists them.
MANIFESTATIONS = ("pdf", "xml", "metadata")
#: Errors about a record itself (not one of its files) use this manifestation name.
RECORD = "record"
#: A version held back from publication (its file contradicts its record, or its rows fail a critical
#: expectation) is an open error with this manifestation name, until a re-parse of it clears it.
PAPER = "paper"
HELD_CONTRADICTS_RECORD, HELD_QUALITY = "contradicts_record", "quality"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watermarks (
    kind TEXT PRIMARY KEY, modified TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    identifier TEXT NOT NULL, version INTEGER NOT NULL, changed_at TEXT NOT NULL,
    modified TEXT NOT NULL, available TEXT NOT NULL, publicatienaam TEXT NOT NULL,
    documentstatus TEXT NOT NULL, ondernummer TEXT NOT NULL, dossiers TEXT NOT NULL,
    status TEXT NOT NULL, record TEXT NOT NULL, discovered_at TEXT NOT NULL,
    PRIMARY KEY (identifier, version), UNIQUE (identifier, changed_at));
CREATE TABLE IF NOT EXISTS manifest (
    identifier TEXT NOT NULL, version INTEGER NOT NULL, manifestation TEXT NOT NULL,
    url TEXT NOT NULL, sha256 TEXT, size INTEGER, path TEXT, fetched_at TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    PRIMARY KEY (identifier, version, manifestation));
CREATE INDEX IF NOT EXISTS manifest_status ON manifest (status);
CREATE TABLE IF NOT EXISTS fetch_errors (
    identifier TEXT NOT NULL, version INTEGER NOT NULL, manifestation TEXT NOT NULL,
    url TEXT NOT NULL, error_kind TEXT NOT NULL, message TEXT NOT NULL, attempts INTEGER NOT NULL,
    first_failed_at TEXT NOT NULL, last_failed_at TEXT NOT NULL, resolved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (identifier, version, manifestation));
CREATE TABLE IF NOT EXISTS links (
    from_id TEXT NOT NULL, to_id TEXT NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, kind));
"""

#: The tables the journal beside the archive keeps, with their keys.
JOURNALED = {"versions": ("identifier", "version"), "manifest": ("identifier", "version", "manifestation"),
             "watermarks": ("kind",), "fetch_errors": ("identifier", "version", "manifestation")}


class LedgerUnusable(PipelineError):
    """The ledger is missing, empty or unreadable where the data directory holds history."""


@dataclass(frozen=True)
class StoredFile:
    """A file in the raw archive: its sha256, size and path."""

    sha256: str
    size: int
    path: Path


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ArchivedVersion:
    identifier: str
    version: int  # 1-based; +1 each time the record's change stamp changes
    record: SruRecord
    files: dict[str, Path]  # manifestation ("pdf", "xml", "metadata") -> archived file
    fetched_at: str
    status: str  # "new" | "changed"


@dataclass(frozen=True)
class PendingFile:
    identifier: str
    version: int
    manifestation: str
    url: str


@dataclass(frozen=True)
class Recorded:
    """The outcome of recording one discovered record."""

    record: SruRecord
    version: int
    status: str  # new | changed | unchanged


class StateStore:
    """The ledger of the data directory `layout.root`, created on demand; safe to open from
    several processes (and hosts, in PostgreSQL)."""

    def __init__(self, layout: DataLayout) -> None:
        """Open the layout's ledger; a SQLite one journals to `raw/ledger.jsonl` beside it."""
        self.root = layout.root
        self.journal = None if layout.state_dsn else layout.raw / "ledger.jsonl"
        try:
            self._db = StateDB.open(layout, "ledger", _SCHEMA + PARSED_INDEX_SCHEMA, layout.state_db)
        except sqlite3.DatabaseError as err:
            raise LedgerUnusable(f"{layout.state_db} is not a readable ledger ({err}): restore it from a backup, "
                                 f"or move it aside and run `python -m pipeline rebuild-ledger --data-dir "
                                 f"{layout.root}`") from None
        self.where = self._db.where

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- watermarks ---------------------------------------------------------------------------

    def watermark(self, kinds: Sequence[str]) -> date | None:
        """The oldest watermark of `kinds`; None when any of them was never harvested."""
        rows = {row[0]: row[1] for row in self._db.rows("SELECT kind, modified FROM watermarks")}
        if not kinds or any(k not in rows for k in kinds):
            return None
        return min(date.fromisoformat(rows[k]) for k in kinds)

    def advance_watermark(self, kinds: Sequence[str], modified: date) -> None:
        """Set each kind's watermark to `modified` unless it is already later."""
        with self._db.transaction():
            self._db.executemany(
                "INSERT INTO watermarks VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET modified = "
                f"{self._db.greatest('watermarks.modified', 'excluded.modified')}, updated_at = excluded.updated_at",
                [(k, modified.isoformat(), now()) for k in kinds])
        self._journal_rows("watermarks", [(k,) for k in kinds])

    # --- versions -----------------------------------------------------------------------------

    def record_versions(self, records: Iterable[SruRecord]) -> list[Recorded]:
        """Store each record as a version unless its change stamp is known; one transaction."""
        out = []
        with self._db.transaction():
            for record in records:
                out.append(self._record_version(record))
                self._resolve(record.identifier, 0, RECORD)
        added = [(r.record.identifier, r.version) for r in out if r.status != "unchanged"]
        self._journal_rows("versions", added)
        self._journal_rows("manifest", added)
        return out

    def _record_version(self, record: SruRecord) -> Recorded:
        stamp = record.changed_at or record.modified
        known = self._db.value("SELECT version FROM versions WHERE identifier = ? AND changed_at = ?",
                               (record.identifier, stamp))
        if known is not None:
            return Recorded(record, known, "unchanged")
        latest = self._db.value("SELECT max(version) FROM versions WHERE identifier = ?", (record.identifier,))
        version, status = (1, "new") if latest is None else (latest + 1, "changed")
        self._db.execute(
            "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.identifier, version, stamp, record.modified, record.available, record.publicatienaam,
             record.documentstatus, record.ondernummer, json.dumps(list(record.dossiers)), status,
             json.dumps(record.to_dict(), ensure_ascii=False), now()))
        self._db.executemany(
            "INSERT INTO manifest (identifier, version, manifestation, url) VALUES (?, ?, ?, ?)",
            [(record.identifier, version, m, record.urls[m]) for m in MANIFESTATIONS if record.urls.get(m)])
        return Recorded(record, version, status)

    def get_version(self, identifier: str, version: int) -> ArchivedVersion:
        row = self._db.row("SELECT * FROM versions WHERE identifier = ? AND version = ?", (identifier, version))
        if row is None:
            raise KeyError(f"no version {version} of {identifier} in {self.where}")
        return self._archived(row)

    def archived_versions(self, identifiers: Sequence[str] = (), dossier: str | None = None
                          ) -> list[ArchivedVersion]:
        """Versions whose files are all archived, by identifier, version."""
        rows = self._db.rows(
            "SELECT v.* FROM versions v WHERE EXISTS (SELECT 1 FROM manifest m WHERE "
            "m.identifier = v.identifier AND m.version = v.version) AND NOT EXISTS (SELECT 1 FROM "
            "manifest m WHERE m.identifier = v.identifier AND m.version = v.version AND "
            "m.status != 'archived') ORDER BY v.identifier, v.version")
        wanted = set(identifiers)
        return [self._archived(row) for row in rows
                if (not wanted or row["identifier"] in wanted)
                and (dossier is None or dossier in json.loads(row["dossiers"]))]

    def _archived(self, row: Any) -> ArchivedVersion:
        files = self._db.rows(
            "SELECT manifestation, path, fetched_at FROM manifest WHERE identifier = ? AND version = ? "
            "AND status = 'archived'", (row["identifier"], row["version"]))
        return ArchivedVersion(
            identifier=row["identifier"], version=row["version"],
            record=SruRecord.from_dict(json.loads(row["record"])),
            files={f["manifestation"]: self.root / f["path"] for f in files},
            fetched_at=max((f["fetched_at"] for f in files), default=""), status=row["status"])

    def known(self, identifier: str) -> bool:
        return self._db.row("SELECT 1 FROM versions WHERE identifier = ?", (identifier,)) is not None

    def identifiers(self) -> list[str]:
        """Every publication with at least one recorded version, archived or not."""
        return [r[0] for r in self._db.rows("SELECT DISTINCT identifier FROM versions ORDER BY identifier")]

    def archived_files(self, identifier: str, version: int) -> int:
        return self._db.value("SELECT count(*) FROM manifest WHERE identifier = ? AND version = ? AND "
                              "status = 'archived'", (identifier, version))

    def counts(self) -> dict[str, int]:
        """Publications, versions and files by status: for reports and the bench."""
        out = {"publications": self._db.value("SELECT count(DISTINCT identifier) FROM versions"),
               "versions": self._db.value("SELECT count(*) FROM versions")}
        for status, n in self._db.rows("SELECT status, count(*) FROM manifest GROUP BY status"):
            out[f"files_{status}"] = n
        return out

    def version_status(self) -> list[dict[str, Any]]:
        """Every recorded version with its kind, modified day, files listed and archived, and open errors."""
        rows = self._db.rows(
            "SELECT v.identifier, v.version, v.publicatienaam, v.modified, "
            "(SELECT count(*) FROM manifest m WHERE m.identifier = v.identifier AND m.version = v.version) "
            "AS files_expected, (SELECT count(*) FROM manifest m WHERE m.identifier = v.identifier AND "
            "m.version = v.version AND m.status = 'archived') AS files_archived, "
            "(SELECT count(*) FROM fetch_errors e WHERE e.identifier = v.identifier AND e.version = v.version "
            "AND e.resolved = 0) AS open_errors FROM versions v ORDER BY v.identifier, v.version")
        return [dict(row) for row in rows]

    # --- manifest -----------------------------------------------------------------------------

    def pending_files(self) -> list[PendingFile]:
        """Files not archived yet (never tried, or failed before), oldest version first."""
        rows = self._db.rows("SELECT identifier, version, manifestation, url FROM manifest "
                                "WHERE status != 'archived' ORDER BY identifier, version, manifestation")
        return [PendingFile(*row) for row in rows]

    def mark_archived(self, item: PendingFile, stored: StoredFile) -> None:
        with self._db.transaction():
            self._db.execute(
                "UPDATE manifest SET sha256 = ?, size = ?, path = ?, fetched_at = ?, status = 'archived' "
                "WHERE identifier = ? AND version = ? AND manifestation = ?",
                (stored.sha256, stored.size, str(stored.path.relative_to(self.root)), now(),
                 item.identifier, item.version, item.manifestation))
            self._resolve(item.identifier, item.version, item.manifestation)
        self._journal_rows("manifest", [(item.identifier, item.version, item.manifestation)])

    def mark_failed(self, item: PendingFile, kind: str, message: str) -> None:
        with self._db.transaction():
            self._db.execute("UPDATE manifest SET status = 'failed' WHERE identifier = ? AND version = ? "
                             "AND manifestation = ?", (item.identifier, item.version, item.manifestation))
            self._upsert_error(item.identifier, item.version, item.manifestation, item.url, kind, message)

    def requeue_missing(self, checksums: bool = False) -> list[dict[str, Any]]:
        """Archived files that are gone or changed (size, or sha256 with `checksums`) are marked
        pending again, so that the next download fetches them; returns what was requeued."""
        requeued = []
        for row in self._db.rows("SELECT identifier, version, manifestation, path, size, sha256 FROM manifest "
                                 "WHERE status = 'archived'"):
            path = self.root / row["path"]
            problem = ("missing" if not path.exists() else "size differs" if path.stat().st_size != row["size"]
                       else "sha256 differs" if checksums and sha256_of(path) != row["sha256"] else "")
            if problem:
                requeued.append({**{k: row[k] for k in ("identifier", "version", "manifestation", "path")},
                                 "problem": problem})
        with self._db.transaction():
            self._db.executemany("UPDATE manifest SET status = 'pending' WHERE identifier = ? AND version = ? AND "
                                 "manifestation = ?", [(r["identifier"], r["version"], r["manifestation"])
                                                       for r in requeued])
        return requeued

    # --- the journal beside the archive -------------------------------------------------------

    def _journal_rows(self, table: str, keys: Sequence[tuple[Any, ...]]) -> None:
        """Append the committed rows of `table` with these keys (prefixes of the key) to the journal."""
        if not keys or self.journal is None:
            return
        columns = JOURNALED[table][: len(keys[0])]
        where = " AND ".join(f"{c} = ?" for c in columns)
        lines = [json.dumps({"table": table, "row": dict(row)}, ensure_ascii=False) + "\n"
                 for key in keys for row in self._db.rows(f"SELECT * FROM {table} WHERE {where}", key)]
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        with self.journal.open("a", encoding="utf-8") as out:
            out.write("".join(lines))

    def replay(self, lines: Iterable[str]) -> int:
        """Write journaled rows back (the last one of a key wins); returns how many were read."""
        columns = {t: self._db.columns(t) for t in JOURNALED}
        count = 0
        with self._db.transaction():
            for line in lines:
                try:
                    entry = json.loads(line)
                    table, row = entry["table"], entry["row"]
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a crash
                if table in columns and set(row) == set(columns[table]):
                    self._db.execute(_upsert(table, columns[table]), [row[c] for c in columns[table]])
                    count += 1
        return count

    # --- errors -------------------------------------------------------------------------------

    def record_error(self, identifier: str, version: int, manifestation: str, url: str,
                     kind: str, message: str) -> None:
        """Add or update an error (attempts + 1); it stays until a later success resolves it.

        Errors about a record itself use version 0 and manifestation `RECORD`."""
        with self._db.transaction():
            self._upsert_error(identifier, version, manifestation, url, kind, message)

    def _upsert_error(self, identifier: str, version: int, manifestation: str, url: str,
                      kind: str, message: str) -> None:
        stamp = now()
        self._db.execute(
            "INSERT INTO fetch_errors VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 0) "
            "ON CONFLICT (identifier, version, manifestation) DO UPDATE SET url = excluded.url, "
            "error_kind = excluded.error_kind, message = excluded.message, attempts = fetch_errors.attempts + 1, "
            "last_failed_at = excluded.last_failed_at, resolved = 0",
            (identifier, version, manifestation, url, kind, message, stamp, stamp))

    def _resolve(self, identifier: str, version: int, manifestation: str) -> None:
        self._db.execute("UPDATE fetch_errors SET resolved = 1 WHERE identifier = ? AND version = ? "
                         "AND manifestation = ? AND resolved = 0", (identifier, version, manifestation))

    # --- versions held back from publication --------------------------------------------------

    def hold_back(self, identifier: str, version: int, kind: str, reason: str, url: str = "") -> None:
        """Keep this version out of every release until a re-parse clears it (`kind`: why, one of
        `HELD_CONTRADICTS_RECORD`, `HELD_QUALITY`); shown as an open error of manifestation `PAPER`."""
        with self._db.transaction():
            self._upsert_error(identifier, version, PAPER, url, kind, reason)
        self._journal_rows("fetch_errors", [(identifier, version, PAPER)])

    def clear_hold(self, identifier: str, version: int) -> None:
        """A re-parse of this version starts without a hold (it is held again if it still fails)."""
        if self._db.value("SELECT count(*) FROM fetch_errors WHERE identifier = ? AND version = ? AND "
                          "manifestation = ? AND resolved = 0", (identifier, version, PAPER)):
            with self._db.transaction():
                self._resolve(identifier, version, PAPER)
            self._journal_rows("fetch_errors", [(identifier, version, PAPER)])

    def held_back(self) -> dict[tuple[str, int], str]:
        """(identifier, version) -> why, for every version held back."""
        rows = self._db.rows("SELECT identifier, version, error_kind, message FROM fetch_errors "
                             "WHERE manifestation = ? AND resolved = 0", (PAPER,))
        return {(r["identifier"], r["version"]): f"{r['error_kind']}: {r['message']}" for r in rows}

    def fetch_errors(self) -> list[dict[str, Any]]:
        rows = self._db.rows("SELECT * FROM fetch_errors ORDER BY identifier, version, manifestation")
        return [dict(row) | {"resolved": bool(row["resolved"])} for row in rows]

    def open_errors(self) -> int:
        return self._db.value("SELECT count(*) FROM fetch_errors WHERE resolved = 0")

    # --- links --------------------------------------------------------------------------------

    def refresh_links(self) -> int:
        """Derive links from the latest version of every publication; returns how many exist."""
        latest = self._db.rows(
            "SELECT v.identifier, v.documentstatus, v.ondernummer, v.dossiers, v.record FROM versions v "
            "WHERE v.version = (SELECT max(version) FROM versions w WHERE w.identifier = v.identifier) "
            "ORDER BY v.identifier")
        with self._db.transaction():
            self._db.executemany("INSERT INTO links VALUES (?, ?, ?) ON CONFLICT DO NOTHING", _derive_links(latest))
        return self._db.value("SELECT count(*) FROM links")

    def links(self) -> list[dict[str, str]]:
        return [dict(r) for r in self._db.rows("SELECT * FROM links ORDER BY from_id, to_id, kind")]

    # --- the parsed-store index (see PARSED_INDEX_SCHEMA) --------------------------------------

    def index_parsed(self, entries: Iterable[ParsedEntry]) -> None:
        """Add or replace these entries of the parsed-store index, in one transaction."""
        with self._db.transaction():
            self._db.executemany(
                "INSERT INTO parsed VALUES (?, ?, ?, ?, ?) ON CONFLICT (identifier, version) DO UPDATE SET "
                "vergaderjaar = excluded.vergaderjaar, path = excluded.path, parsed_at = excluded.parsed_at",
                [(e.identifier, e.version, e.vergaderjaar, e.path, e.parsed_at) for e in entries])

    def parsed_count(self) -> int:
        """How many parses the index holds (0 for a store older than the index, or a rebuilt ledger)."""
        return self._db.value("SELECT count(*) FROM parsed")

    def parsed_entries(self) -> list[ParsedEntry]:
        """Every indexed parse, by identifier then version."""
        rows = self._db.rows("SELECT identifier, version, vergaderjaar, path, parsed_at FROM parsed "
                             "ORDER BY identifier, version")
        return [ParsedEntry(*row) for row in rows]


def _upsert(table: str, columns: Sequence[str]) -> str:
    """INSERT of a whole row of a journaled table that replaces the row with its key."""
    key = JOURNALED[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key))


def _derive_links(rows: Sequence[Any]) -> list[tuple[str, str, str]]:
    """Unformatted paper -> formatted one (same dossier and ondernummer), reprints, isReplacedBy."""
    formatted: dict[tuple[str, str], str] = {}
    for row in rows:
        if row["documentstatus"] != "Onopgemaakt" and row["ondernummer"]:
            for dossier in json.loads(row["dossiers"]):
                formatted.setdefault((dossier, row["ondernummer"]), row["identifier"])
    links = []
    for row in rows:
        ident = row["identifier"]
        parsed = parse_identifier(ident)
        if row["documentstatus"] == "Onopgemaakt" and parsed and parsed.numbered_only:
            links += [(ident, formatted[(d, row["ondernummer"])], "formatted")
                      for d in json.loads(row["dossiers"]) if (d, row["ondernummer"]) in formatted]
        if parsed and parsed.reprint:
            links.append((parsed.base, ident, "reprint"))
        if replaced_by := json.loads(row["record"]).get("is_replaced_by"):
            links.append((ident, replaced_by, "replaced_by"))
    return links


def _history(layout: DataLayout) -> str:
    """What the data directory holds besides the ledger ("" when nothing); on object storage
    what the store holds (one listing each), since a host's cache may be new."""
    held = []
    if layout.store.remote:
        archived = any(name != "ledger.jsonl" for name in layout.store.names(layout.raw))
        released = bool(layout.store.names(layout.releases))
    else:
        archived = layout.raw.exists() and any(p.is_file() and p.name != "ledger.jsonl" for p in layout.raw.rglob("*"))
        released = layout.releases.exists() and any(layout.releases.iterdir())
    if archived:
        held.append("archived files in raw/")
    if released:
        held.append("releases in published/")
    return " and ".join(held)


def has_ledger(layout: DataLayout) -> bool:
    """Whether the layout's ledger exists: the SQLite file, or a state database (whose tables are
    created on demand; empty, they answer like no ledger)."""
    return bool(layout.state_dsn) or layout.state_db.exists()


def check_ledger(layout: DataLayout) -> None:
    """Stop a run that would start over: the ledger missing, empty or unreadable beside history."""
    history = _history(layout)
    if not history:
        return
    if not layout.state_dsn and not layout.state_db.exists():
        state, where = "missing", str(layout.state_db)
    else:
        with StateStore(layout) as store:
            state, where = "" if store.counts()["versions"] else "empty", store.where
    if state:
        restore = ("restore the state database from a backup, or fill it from the data directory's journal with "
                   if layout.state_dsn else "hosts that share an object store share their state through "
                   "EK_STATE_DSN (PostgreSQL); or restore state.sqlite from a backup, or rebuild it with "
                   if layout.store.remote else "restore state.sqlite from a backup, or rebuild it with ")
        raise LedgerUnusable(
            f"the ledger {where} is {state} but {layout.location} holds {history}: starting over would "
            f"skip that history; {restore}`python -m pipeline rebuild-ledger --data-dir {layout.location}`")


def rebuild_ledger(layout: DataLayout) -> dict[str, Any]:
    """A new ledger from `raw/ledger.jsonl`: versions, files and watermarks as they were committed;
    archived files that are gone are marked pending. A damaged SQLite ledger is moved aside first;
    an empty one in the state database is filled."""
    journal = layout.raw / "ledger.jsonl"
    if not journal.exists():
        raise LedgerUnusable(f"no journal {journal} to rebuild the ledger from")
    moved = ""
    if layout.state_dsn or layout.state_db.exists():
        try:
            with StateStore(layout) as store:
                versions, where = store.counts()["versions"], store.where
        except LedgerUnusable:
            versions, where = 0, str(layout.state_db)
        if versions:
            raise LedgerUnusable(f"the ledger {where} holds {versions} version(s): nothing to rebuild")
    if not layout.state_dsn and layout.state_db.exists():
        moved = str(layout.state_db.with_name(f"state.sqlite.broken-{now().replace(':', '')}"))
        for suffix in ("", "-wal", "-shm"):
            old = Path(f"{layout.state_db}{suffix}")
            if old.exists():
                old.rename(f"{moved}{suffix}")
    with StateStore(layout) as store:
        with journal.open(encoding="utf-8") as lines:
            read = store.replay(lines)
        requeued = store.requeue_missing()
        links = store.refresh_links()
        counts = store.counts()
    return {"rows_read": read, "moved_aside": moved, "requeued_files": len(requeued), "links": links, **counts}


# --- the parsed-store index ---------------------------------------------------------------------
# Which parsed paper versions the store holds and the partition (vergaderjaar) each belongs to, so
# that a run reads the papers of the partitions it rebuilds instead of listing the whole store.
# Written by `ParsedStore.save`; rebuilt from the store when empty beside a store that holds parses
# (a store older than the index, or a ledger rebuilt from its journal, which does not hold it).

PARSED_INDEX_SCHEMA = """
CREATE TABLE IF NOT EXISTS parsed (
    identifier TEXT NOT NULL, version INTEGER NOT NULL, vergaderjaar TEXT NOT NULL,
    path TEXT NOT NULL, parsed_at TEXT NOT NULL,
    PRIMARY KEY (identifier, version));
"""


@dataclass(frozen=True)
class ParsedEntry:
    """One stored parse: its version, partition (`""` when the year is unknown), store path and time."""

    identifier: str
    version: int
    vergaderjaar: str
    path: str  # relative to the parsed store
    parsed_at: str
