"""The quality stage: validate every table of a batch against its suite; critical failures block.

Only the columns a suite refers to are read. A table is validated as a whole when its suite needs
that (`meta.scope == "table"`: corpus-level statistics) or when it is small (every GX run costs
about a second, whatever its size); a large partitioned table is validated a partition at a time,
which keeps memory bounded. Results go to the batch as the `quality_results` table (with the history of
the current release) and into the report the runner puts in the run summary.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.normalise.schemas import NORMALISED_TABLES, PARTITION_COLUMN, TABLES
from pipeline.normalise.stage import PART_FILE, Batch, write_table
from pipeline.quality.suites import CRITICAL, WHOLE_TABLE, load_suite

log = logging.getLogger(__name__)

WHOLE = "*"
#: Tables up to this many rows are validated in one go.
WHOLE_TABLE_ROWS = 250_000
_CONDITION_COLUMN = re.compile(r'col\("([^"]+)"\)')


@dataclass
class QualityReport:
    passed: bool
    critical_failures: list[str]
    warnings: list[str]
    results: list[dict]
    data_docs: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def suite_columns(suite: dict[str, Any]) -> list[str]:
    """Columns a suite refers to (expectation columns and row-condition columns), in table order."""
    used = set()
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        used.add(kwargs.get("column"))
        used.update(_CONDITION_COLUMN.findall(str(kwargs.get("row_condition", ""))))
    table = TABLES[suite["name"]]
    return [name for name in table.schema.names if name in used]


def partition_of(path: Path) -> str:
    """`vergaderjaar=2025-2026` for a partition file, `*` for an unpartitioned one."""
    return path.parent.name if path.parent.name.startswith(f"{PARTITION_COLUMN}=") else WHOLE


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas for GX (dates stay `datetime.date`, which GX compares with its date bounds)."""
    return table.to_pandas()


def table_frames(batch: Batch, table: str, suite: dict[str, Any]) -> Iterator[tuple[str, pd.DataFrame]]:
    """(partition, frame) pairs to validate: each partition, or the whole table for a whole-table suite."""
    columns = suite_columns(suite)
    paths = batch.tables[table]
    if suite["meta"]["scope"] == WHOLE_TABLE or batch.row_counts[table] <= WHOLE_TABLE_ROWS:
        yield WHOLE, to_frame(pa.concat_tables(pq.read_table(p, columns=columns) for p in paths))
        return
    for path in paths:
        yield partition_of(path), to_frame(pq.read_table(path, columns=columns))


def parent_keys(batch: Batch, parent: str, column: str, partition: str) -> list[str]:
    """Keys of a parent table: its same partition when partitioned and validated per partition."""
    paths = batch.tables[parent]
    if partition != WHOLE and TABLES[parent].partitioned:
        paths = [p for p in paths if partition_of(p) == partition]
    values = set()
    for path in paths:
        values.update(v for v in pq.read_table(path, columns=[column]).column(column).to_pylist() if v is not None)
    return sorted(values)


def known_party_codes() -> list[str]:
    from pipeline.parse.structure.parties import KNOWN_PARTY_CODES

    return sorted(KNOWN_PARTY_CODES)


def suite_parameters(batch: Batch, suite: dict[str, Any], partition: str) -> dict[str, Any]:
    """Values for the `$PARAMETER`s a suite uses."""
    names = {kw["value_set"]["$PARAMETER"] for kw in (e["kwargs"] for e in suite["expectations"])
             if isinstance(kw.get("value_set"), dict)}
    params: dict[str, Any] = {"max_date": date.today() + timedelta(days=366)}
    for name in names:
        if name == "known_party_codes":
            params[name] = known_party_codes()
        else:
            parent, column = name.split("__")
            params[name] = parent_keys(batch, parent, column, partition)
    return params


def quality_rows(run_id: str, outcomes: list[Any], at: datetime) -> list[dict[str, Any]]:
    return [
        {"result_id": f"{run_id}/{o.table}/{o.partition}/{n}", "run_id": run_id, "table_name": o.table,
         "partition": o.partition, "expectation_type": o.type, "column": o.column, "severity": o.severity,
         "success": o.success, "element_count": o.element_count, "unexpected_count": o.unexpected_count,
         "observed_value": o.observed_value, "kwargs_json": json.dumps(o.kwargs, default=str, sort_keys=True),
         "validated_at": at}
        for n, o in enumerate(outcomes, start=1)
    ]


def write_quality_results(settings: Settings, batch: Batch, rows: list[dict[str, Any]]) -> None:
    """This run's results after those of the current release, as the batch's `quality_results`."""
    from pipeline.publish.stage import current_release

    schema = TABLES["quality_results"].schema
    tables = []
    release = current_release(settings)
    if release is not None and (release.path / "quality_results").exists():
        tables += [pq.read_table(p, schema=schema) for p in sorted((release.path / "quality_results").rglob("*.parquet"))]
    tables.append(pa.Table.from_pylist(rows, schema=schema))
    path = write_table(batch.path / "quality_results" / PART_FILE, pa.concat_tables(tables))
    batch.tables["quality_results"] = [path]
    batch.row_counts["quality_results"] = sum(t.num_rows for t in tables)


def validate_batch(settings: Settings, batch: Batch) -> QualityReport:
    """Run every suite on the batch; `passed` is False when any critical expectation failed."""
    from pipeline.quality.gx_runner import GxRunner

    runner = GxRunner(settings, batch.run_id)
    outcomes = []
    for table in NORMALISED_TABLES:
        suite = load_suite(table)
        for partition, frame in table_frames(batch, table, suite):
            if frame.empty:
                continue
            outcomes += runner.validate(table, partition, frame, suite, suite_parameters(batch, suite, partition))
    failed = [o for o in outcomes if not o.success]
    critical = [o.describe() for o in failed if o.severity == CRITICAL]
    warnings = [o.describe() for o in failed if o.severity != CRITICAL]
    write_quality_results(settings, batch, quality_rows(batch.run_id, outcomes, datetime.now(UTC)))
    log.info("validated %d expectation result(s): %d critical failure(s), %d warning(s)",
             len(outcomes), len(critical), len(warnings))
    return QualityReport(passed=not critical, critical_failures=critical, warnings=warnings,
                         results=[asdict(o) for o in outcomes], data_docs=runner.build_data_docs())
