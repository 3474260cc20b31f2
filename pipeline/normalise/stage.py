"""The normalise stage: every parsed paper version to Parquet tables in `DIR/staging/<run_id>/`.

Each run rebuilds the tables from the parsed store, so processing a paper again replaces its rows
and a new version supersedes the old one (`documents` keeps every version, `is_current` marks the
newest; child tables hold the current versions). Papers are streamed: rows are buffered per table
and partition and flushed as row groups, so memory stays bounded whatever the corpus size.
"""

from __future__ import annotations

import itertools
import logging
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.normalise.schemas import NORMALISED_TABLES, PARTITION_COLUMN, TABLES
from pipeline.normalise.tables import paper_rows, parse_date, parse_timestamp
from pipeline.parse.store import ParsedPaper, ParsedStore

log = logging.getLogger(__name__)

#: Rows buffered (all tables and partitions together) before the buffers are written as row groups.
MAX_BUFFERED_ROWS = 50_000
PART_FILE = "part-0.parquet"


@dataclass
class Batch:
    """The tables of one run, before validation: Parquet files per table (one per partition)."""

    run_id: str
    path: Path
    tables: dict[str, list[Path]]
    row_counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "path": str(self.path), "row_counts": dict(self.row_counts),
            "tables": {name: [str(p.relative_to(self.path)) for p in paths] for name, paths in self.tables.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], root: Path | None = None) -> Batch:
        """Inverse of `to_dict` (a task result or a file), with absolute table paths again: below
        `root` when given (where this host keeps the batch), else below the path in `data`."""
        root = Path(data["path"]) if root is None else root
        return cls(run_id=data["run_id"], path=root, row_counts=dict(data["row_counts"]),
                   tables={name: [root / p for p in paths] for name, paths in data["tables"].items()})


def partition_dir(table: str, value: str | None) -> str:
    """`documents/vergaderjaar=2025-2026`, or just `dossiers` for an unpartitioned table."""
    return table if value is None else f"{table}/{PARTITION_COLUMN}={value}"


def write_table(path: Path, table: pa.Table) -> Path:
    """Write one Parquet file (zstd), creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd")
    return path


@dataclass
class TableWriter:
    """Streams rows into one Parquet file per table and partition, a row group per flush."""

    root: Path
    buffers: dict[tuple[str, str | None], list[dict[str, Any]]] = field(default_factory=dict)
    writers: dict[tuple[str, str | None], pq.ParquetWriter] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    buffered: int = 0

    def add(self, table: str, rows: list[dict[str, Any]]) -> None:
        spec = TABLES[table]
        for row in rows:
            part = row[PARTITION_COLUMN] if spec.partitioned else None
            self.buffers.setdefault((table, part), []).append(row)
        self.buffered += len(rows)
        if self.buffered >= MAX_BUFFERED_ROWS:
            self.flush()

    def flush(self) -> None:
        for table, part in list(self.buffers):
            self._flush(table, part)
        self.buffered = 0

    def _flush(self, table: str, part: str | None) -> None:
        rows = self.buffers.pop((table, part), [])
        if not rows:
            return
        schema = TABLES[table].schema
        writer = self.writers.get((table, part))
        if writer is None:
            path = self.root / partition_dir(table, part) / PART_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = self.writers[(table, part)] = pq.ParquetWriter(path, schema, compression="zstd")
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def close(self) -> dict[str, list[Path]]:
        """Flush everything; every table gets at least one (possibly empty) file."""
        self.flush()
        files: dict[str, list[Path]] = {name: [] for name in NORMALISED_TABLES}
        for (table, part), writer in sorted(self.writers.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            writer.close()
            files[table].append(self.root / partition_dir(table, part) / PART_FILE)
        for table, paths in files.items():
            if not paths:
                paths.append(write_table(self.root / table / PART_FILE, TABLES[table].schema.empty_table()))
                self.counts[table] = 0
        return files


def versions_with_currency(papers: Iterable[ParsedPaper]) -> Iterator[tuple[ParsedPaper, bool]]:
    """Each paper version with whether it is the newest of its publication (input sorted by id, version)."""
    for _, group in itertools.groupby(papers, key=lambda p: p.record.identifier):
        versions = list(group)
        newest = max(p.version for p in versions)
        for paper in versions:
            yield paper, paper.version == newest


@dataclass
class DossierSummary:
    title: str = ""
    count: int = 0
    dates: list[date] = field(default_factory=list)
    years: set[str] = field(default_factory=set)

    def add(self, document: dict[str, Any], title: str) -> None:
        self.count += 1
        self.title = title or self.title
        if document["document_date"] is not None:
            self.dates.append(document["document_date"])
        self.years.add(document["vergaderjaar"])


def dossier_rows(summaries: dict[str, DossierSummary]) -> list[dict[str, Any]]:
    return [
        {"dossier": dossier, "title": s.title, "document_count": s.count,
         "first_date": min(s.dates, default=None), "last_date": max(s.dates, default=None),
         "vergaderjaren": sorted(s.years)}
        for dossier, s in sorted(summaries.items())
    ]


def fetch_state_rows(settings: Settings, published: Mapping[tuple[str, int], str]) -> dict[str, list[dict[str, Any]]]:
    """`fetch_errors`, `links` and `source_status` from the fetch state; empty when there is no state yet.

    `published` maps each version in `documents` to its text source (`source_kind`)."""
    from pipeline.ledger import StateStore, has_ledger

    if not has_ledger(settings.layout):
        return {"fetch_errors": [], "links": [], "source_status": []}

    with StateStore(settings.layout) as state:
        errors, links, versions = state.fetch_errors(), state.links(), state.version_status()
    error_rows = [
        {**e, "fetch_error_id": f"{e['identifier']}@{e['version']}/{e['manifestation']}",
         "first_failed_at": parse_timestamp(str(e.get("first_failed_at") or "")),
         "last_failed_at": parse_timestamp(str(e.get("last_failed_at") or "")),
         "resolved": bool(e.get("resolved"))}
        for e in errors
    ]
    link_rows = [{**link, "link_id": f"{link['from_id']}|{link['kind']}|{link['to_id']}"} for link in links]
    return {"fetch_errors": error_rows, "links": link_rows,
            "source_status": [source_status_row(v, published) for v in versions]}


def source_status_row(version: Mapping[str, Any], published: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    """The `source_status` row of one ledger version (`StateStore.version_status`)."""
    key = (version["identifier"], version["version"])
    return {**version, "document_version_id": f"{key[0]}@{key[1]}", "modified": parse_date(version["modified"]),
            "listed": True, "archived": 0 < version["files_archived"] == version["files_expected"],
            "parsed": bool(published.get(key)), "published": key in published}


def build_batch(settings: Settings, run_id: str) -> Batch:
    """Build every table from the parsed store into `DIR/staging/<run_id>/`."""
    root = settings.layout.staging / run_id
    shutil.rmtree(root, ignore_errors=True)
    writer = TableWriter(root)
    dossiers: dict[str, DossierSummary] = {}
    published: dict[tuple[str, int], str] = {}
    for paper, is_current in versions_with_currency(ParsedStore(settings.layout.parsed, settings.layout.store).iter_all()):
        rows = paper_rows(paper, is_current)
        for table, table_rows in rows.items():
            writer.add(table, table_rows)
        document = rows["documents"][0]
        published[(document["identifier"], document["version"])] = document["source_kind"]
        for dossier in document["dossiers"]:
            summary = dossiers.setdefault(dossier, DossierSummary())
            if is_current:
                title = paper.record.dossiertitel if dossier == document["dossier"] else ""
                summary.add(document, title)
    writer.add("dossiers", dossier_rows(dossiers))
    for table, table_rows in fetch_state_rows(settings, published).items():
        writer.add(table, table_rows)
    files = writer.close()
    settings.layout.store.persist(root)  # validate and publish may run on another host
    log.info("normalised %d paper version(s) into %s", writer.counts.get("documents", 0), root)
    return Batch(run_id=run_id, path=root, tables=files,
                 row_counts={name: writer.counts.get(name, 0) for name in NORMALISED_TABLES})
