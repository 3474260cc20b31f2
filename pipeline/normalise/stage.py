"""The normalise stage: parsed paper versions to Parquet tables in `DIR/staging/<run_id>/`.

The per-paper tables are partitioned by vergaderjaar, and a run builds only the partitions whose
papers changed since the current release (the base): the parsed-store index in the ledger gives
each partition's papers, and a fingerprint of them (version, parse time, whether current) is kept
in the release manifest (`inputs`). The other partitions are carried over by reference: the new
release's manifest names the file of the release that wrote it (`Batch.carried`), nothing is
copied or read again. Without a base, or when the schema or pipeline version changed, every
partition is built (a full build). A partition is built from its papers in (identifier, version)
order into row groups of `ROW_GROUP_ROWS`, so its file depends only on its papers: an
incremental build and a full build of the same store give byte-identical files.

`documents` keeps every version, `is_current` marks the newest; child tables hold the current
versions. The unpartitioned tables are rebuilt by every build, each the cheap way that is correct:
`dossiers` and `source_status` by DuckDB from a few columns of `documents` (every partition,
carried ones included: a dossier spans years), `fetch_errors`, `links` and `source_status`'s
download state from the ledger.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import pipeline
from pipeline.config import Settings
from pipeline.ledger import ParsedEntry
from pipeline.normalise.schemas import (
    NORMALISED_TABLES,
    PARTITION_COLUMN,
    SCHEMA_VERSION,
    TABLES,
    UNKNOWN_YEAR,
)
from pipeline.normalise.tables import paper_rows, parse_date, parse_timestamp
from pipeline.parse.store import ParsedStore

log = logging.getLogger(__name__)

#: Rows per row group of a partition file (the last group holds the rest).
ROW_GROUP_ROWS = 10_000
PART_FILE = "part-0.parquet"
#: The partition of a file of an unpartitioned table (and of an empty table's placeholder).
WHOLE = "*"
PARTITIONED = tuple(name for name in NORMALISED_TABLES if TABLES[name].partitioned)


@dataclass
class Batch:
    """The tables of one run, before validation: Parquet files per table (one per partition).

    `tables` lists every file of the release-to-be: this run's under `path`, and those carried
    over from the `base` release (paths into the releases of the same data directory; their
    manifest entries in `carried`). `to_dict` names them relative to `path`, so that another
    host finds them in its own cache."""

    run_id: str
    path: Path
    tables: dict[str, list[Path]]
    row_counts: dict[str, int]
    base: str | None = None
    carried: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Partition (vergaderjaar) -> fingerprint of its parsed papers, for every partition of the batch.
    inputs: dict[str, str] = field(default_factory=dict)
    #: Partitions this run built (every partition in a full build).
    rebuilt: list[str] = field(default_factory=list)
    reason: str = ""

    def own(self, table: str) -> list[Path]:
        """The files of `table` this run wrote (not carried over)."""
        return [p for p in self.tables[table] if p.is_relative_to(self.path)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "path": str(self.path), "row_counts": dict(self.row_counts),
            "tables": {name: [os.path.relpath(p, self.path) for p in paths] for name, paths in self.tables.items()},
            "base": self.base, "carried": self.carried, "inputs": self.inputs, "rebuilt": self.rebuilt,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], root: Path | None = None) -> Batch:
        """Inverse of `to_dict` (a task result or a file), with absolute table paths again: below
        `root` when given (where this host keeps the batch), else below the path in `data`."""
        root = Path(data["path"]) if root is None else root
        return cls(run_id=data["run_id"], path=root, row_counts=dict(data["row_counts"]),
                   tables={name: [Path(os.path.normpath(root / p)) for p in paths]
                           for name, paths in data["tables"].items()},
                   base=data.get("base"), carried=dict(data.get("carried", {})), inputs=dict(data.get("inputs", {})),
                   rebuilt=list(data.get("rebuilt", [])), reason=data.get("reason", ""))


def partition_dir(table: str, year: str) -> str:
    """`documents/vergaderjaar=2025-2026`: the directory of a partition's file."""
    return f"{table}/{PARTITION_COLUMN}={year}"


def partition_of(path: Path | str) -> str:
    """`vergaderjaar=2025-2026` for a partition file, `WHOLE` for an unpartitioned one."""
    name = Path(path).parent.name
    return name if name.startswith(f"{PARTITION_COLUMN}=") else WHOLE


def year_of(partition: str) -> str:
    """`2025-2026` of `vergaderjaar=2025-2026`."""
    return partition.removeprefix(f"{PARTITION_COLUMN}=")


def entry_file(releases: Path, entry: Mapping[str, Any]) -> Path:
    """The file a manifest entry names: `path` inside the release that wrote it."""
    return releases / entry["release"] / entry["path"]


def write_table(path: Path, table: pa.Table) -> Path:
    """Write one Parquet file (zstd), creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return path


@dataclass
class PartitionWriter:
    """Streams the rows of one partition into a file per table, in row groups of `ROW_GROUP_ROWS`."""

    root: Path
    year: str
    buffers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    writers: dict[str, pq.ParquetWriter] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        buffer = self.buffers.setdefault(table, [])
        buffer += rows
        while len(buffer) >= ROW_GROUP_ROWS:
            self._write(table, buffer[:ROW_GROUP_ROWS])
            del buffer[:ROW_GROUP_ROWS]

    def _write(self, table: str, rows: list[dict[str, Any]]) -> None:
        schema = TABLES[table].schema
        writer = self.writers.get(table)
        if writer is None:
            path = self.path(table)
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = self.writers[table] = pq.ParquetWriter(path, schema, compression="zstd")
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def path(self, table: str) -> Path:
        return self.root / partition_dir(table, self.year) / PART_FILE

    def close(self) -> dict[str, int]:
        """Write what is buffered; returns the rows per table that got a file."""
        for table, rows in self.buffers.items():
            if rows:
                self._write(table, rows)
        for writer in self.writers.values():
            writer.close()
        return dict(self.counts)


@dataclass
class Plan:
    """What a build does: the partitions it builds and those it carries over from the base."""

    groups: dict[str, list[ParsedEntry]]  # vergaderjaar -> its papers, by identifier then version
    newest: dict[str, int]  # identifier -> its newest version
    inputs: dict[str, str]  # vergaderjaar -> fingerprint of its papers
    build: list[str]
    carry: list[str]
    dropped: list[str]  # partitions of the base no paper is in any more
    full_reason: str  # why every partition is built ("" when incremental)

    @property
    def changes(self) -> bool:
        return bool(self.full_reason or self.build or self.dropped)

    def describe(self) -> str:
        if self.full_reason:
            return f"full build ({self.full_reason})"
        return (f"incremental build: {len(self.build)} partition(s) rebuilt {self.build}, "
                f"{len(self.carry)} carried over, {len(self.dropped)} dropped")


def _fingerprint(entries: Iterable[ParsedEntry], newest: Mapping[str, int]) -> str:
    lines = (f"{e.identifier}@{e.version} {e.parsed_at} {int(newest[e.identifier] == e.version)}\n" for e in entries)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def full_build_reason(base: Mapping[str, Any] | None) -> str:
    """Why a build on `base` (a release manifest) must build every partition ("" when it need not)."""
    if base is None:
        return "no current release"
    if "inputs" not in base:
        return f"release {base['release_id']} predates incremental builds"
    for key, now in (("schema_version", SCHEMA_VERSION), ("pipeline_version", pipeline.__version__)):
        if base.get(key) != now:
            return f"{key.replace('_', ' ')} {base.get(key)} -> {now}"
    return ""


def plan_build(settings: Settings, base: Mapping[str, Any] | None) -> Plan:
    """Compare the parsed-store index with the base release's `inputs`: what changed. Versions held
    back (`StateStore.held_back`) are in no partition: the release goes on without them."""
    from pipeline.ledger import StateStore

    with StateStore(settings.layout) as state:
        held = state.held_back()
    entries = [e for e in ParsedStore(settings.layout).entries() if (e.identifier, e.version) not in held]
    newest: dict[str, int] = {}
    groups: dict[str, list[ParsedEntry]] = {}
    for e in entries:
        newest[e.identifier] = max(e.version, newest.get(e.identifier, 0))
        groups.setdefault(e.vergaderjaar or UNKNOWN_YEAR, []).append(e)
    inputs = {year: _fingerprint(group, newest) for year, group in sorted(groups.items())}
    reason = full_build_reason(base)
    old: Mapping[str, str] = {} if reason or base is None else base["inputs"]
    build = [year for year in inputs if old.get(year) != inputs[year]]
    return Plan(groups=groups, newest=newest, inputs=inputs, build=build,
                carry=[year for year in inputs if year not in build],
                dropped=sorted(set(old) - set(inputs)), full_reason=reason)


def build_partition(settings: Settings, root: Path, year: str, plan: Plan) -> dict[str, int]:
    """Every partitioned table's file of partition `year`, from its parsed papers."""
    store = ParsedStore(settings.layout)
    writer = PartitionWriter(root, year)
    for entry in plan.groups[year]:
        paper = store.load(entry.identifier, entry.version)
        for table, rows in paper_rows(paper, plan.newest[entry.identifier] == entry.version).items():
            writer.add(table, rows)
    return writer.close()


def _carried_entries(base: Mapping[str, Any], table: str, carry: set[str]) -> list[dict[str, Any]]:
    return [dict(e) for e in base["tables"][table]["files"] if year_of(partition_of(e["path"])) in carry]


def fetch_state_rows(settings: Settings, published: Mapping[tuple[str, int], str]) -> dict[str, list[dict[str, Any]]]:
    """`fetch_errors`, `links` and `source_status` from the fetch state; empty when there is no state yet.

    `published` maps each version in `documents` to its text source (`source_kind`)."""
    from pipeline.ledger import StateStore, has_ledger

    if not has_ledger(settings.layout):
        return {"fetch_errors": [], "links": [], "source_status": []}

    with StateStore(settings.layout) as state:
        errors, links, versions = state.fetch_errors(), state.links(), state.version_status()
        held = state.held_back()
    error_rows = [
        {**e, "fetch_error_id": f"{e['identifier']}@{e['version']}/{e['manifestation']}",
         "first_failed_at": parse_timestamp(str(e.get("first_failed_at") or "")),
         "last_failed_at": parse_timestamp(str(e.get("last_failed_at") or "")),
         "resolved": bool(e.get("resolved"))}
        for e in errors
    ]
    link_rows = [{**link, "link_id": f"{link['from_id']}|{link['kind']}|{link['to_id']}"} for link in links]
    return {"fetch_errors": error_rows, "links": link_rows,
            "source_status": [source_status_row(v, published, held) for v in versions]}


def source_status_row(version: Mapping[str, Any], published: Mapping[tuple[str, int], str],
                      held: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    """The `source_status` row of one ledger version (`StateStore.version_status`)."""
    key = (version["identifier"], version["version"])
    return {**version, "document_version_id": f"{key[0]}@{key[1]}", "modified": parse_date(version["modified"]),
            "listed": True, "archived": 0 < version["files_archived"] == version["files_expected"],
            "parsed": bool(published.get(key)), "published": key in published, "held_back": held.get(key, "")}


#: A row per dossier any paper version names; counts, dates and years of the current versions, the
#: title of the last current paper (by identifier) whose primary dossier it is and that has one.
DOSSIERS_SQL = """
WITH d AS (SELECT unnest(dossiers) AS dossier, dossier AS primary_dossier, dossier_title, is_current,
                  document_date, vergaderjaar, identifier FROM read_parquet($files))
SELECT dossier,
       coalesce(arg_max(dossier_title, identifier) FILTER (WHERE is_current AND dossier = primary_dossier
                                                           AND dossier_title <> ''), '') AS title,
       count(*) FILTER (WHERE is_current) AS document_count,
       min(document_date) FILTER (WHERE is_current) AS first_date,
       max(document_date) FILTER (WHERE is_current) AS last_date,
       coalesce(list_sort(list_distinct(list(vergaderjaar) FILTER (WHERE is_current))), []) AS vergaderjaren
FROM d GROUP BY dossier ORDER BY dossier
"""


def document_derived_rows(settings: Settings, documents: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """The unpartitioned tables, from the whole `documents` table (by DuckDB, a few columns) and the ledger."""
    import duckdb

    files = [str(p) for p in documents]
    with duckdb.connect() as con:
        dossiers = con.execute(DOSSIERS_SQL, {"files": files})
        names = [d[0] for d in dossiers.description]
        dossier_rows = [dict(zip(names, row, strict=True)) for row in dossiers.fetchall()]
        published = {(i, v): kind for i, v, kind in con.execute(
            "SELECT identifier, version, source_kind FROM read_parquet($files)", {"files": files}).fetchall()}
    return {"dossiers": dossier_rows, **fetch_state_rows(settings, published)}


def build_batch(settings: Settings, run_id: str, base: Mapping[str, Any] | None = None) -> Batch:
    """Build the tables into `DIR/staging/<run_id>/`: the partitions that changed since `base` (the
    manifest of the current release; None: every partition), the others carried over from it."""
    root = settings.layout.staging / run_id
    shutil.rmtree(root, ignore_errors=True)
    plan = plan_build(settings, base)
    log.info("normalise: %s", plan.describe())
    built = {year: build_partition(settings, root, year, plan) for year in plan.build}
    tables: dict[str, list[Path]] = {name: [] for name in NORMALISED_TABLES}
    counts = dict.fromkeys(NORMALISED_TABLES, 0)
    carried: dict[str, list[dict[str, Any]]] = {}
    carry = set(plan.carry)
    for table in PARTITIONED:
        entries = _carried_entries(base, table, carry) if carry and base is not None else []
        if entries:
            carried[table] = entries
        files = {year_of(partition_of(e["path"])): (entry_file(settings.layout.releases, e), e["rows"])
                 for e in entries}
        settings.layout.store.fetch_all([path for path, _ in files.values()])  # read below, by DuckDB
        files |= {year: (root / partition_dir(table, year) / PART_FILE, rows[table])
                  for year, rows in built.items() if table in rows}
        for _, (path, rows) in sorted(files.items()):
            tables[table].append(path)
            counts[table] += rows
        if not tables[table]:  # every release has every table, if only empty
            tables[table].append(write_table(root / table / PART_FILE, TABLES[table].schema.empty_table()))
    for table, rows in document_derived_rows(settings, tables["documents"]).items():
        tables[table] = [write_table(root / table / PART_FILE, pa.Table.from_pylist(rows, TABLES[table].schema))]
        counts[table] = len(rows)
    settings.layout.store.persist(root)  # validate and publish may run on another host
    log.info("normalised %d paper version(s) in %d partition(s) into %s", sum(len(plan.groups[y]) for y in plan.build),
             len(plan.build), root)
    return Batch(run_id=run_id, path=root, tables=tables, row_counts=counts,
                 base=base["release_id"] if carried and base is not None else None, carried=carried,
                 inputs=plan.inputs, rebuilt=list(plan.build), reason=plan.describe())
