"""The quality stage: validate the tables of a batch against their suites; critical failures block.

What the run built is validated, what it carried over was validated when it was built: row-local
expectations run in GX on each partition (vergaderjaar) the run rebuilt, a partition at a time, on
only the columns the suite refers to, and on the whole of each unpartitioned table (rebuilt by
every run). Table-wide expectations (key uniqueness, foreign keys, corpus-level statistics) run in
DuckDB over every Parquet file of the release-to-be, carried-over partitions included, without
loading them (`pipeline.quality.keys`). The report names the partitions validated per table.
Results go to the batch as the `quality_results` table (with the results of the releases still
retained) and into the report the runner puts in the run summary.

The gate is per paper as well as per batch: a critical row-level expectation that fails only on
rows of some papers (GX lists the `document_version_id` of every unexpected row) names those
papers in `QualityReport.held_back`; the run holds them back and builds the batch again without
them. Anything else critical (keys across the release, corpus statistics, an unpartitioned table,
or more papers failing than `max_held_back` allows: a fault of the batch, not of a paper) fails
the batch as a whole.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.normalise.schemas import NORMALISED_TABLES, TABLES
from pipeline.normalise.stage import PART_FILE, Batch, partition_of, write_table
from pipeline.parse.structure.parties import known_party_codes
from pipeline.quality.keys import WHOLE, check, is_cross_table
from pipeline.quality.suites import CRITICAL, WHOLE_TABLE, load_suite

log = logging.getLogger(__name__)

#: The column that names the paper version of a row in every per-paper table.
PAPER_COLUMN = "document_version_id"
#: More papers than this failing critical expectations in one batch, or this share of its papers,
#: is a fault of the batch (a parser or schema change), not of some papers: the batch is quarantined.
MAX_HELD_BACK, MAX_HELD_BACK_SHARE = 3, 0.1

_CONDITION_COLUMN = re.compile(r'col\("([^"]+)"\)')


@dataclass
class QualityReport:
    passed: bool
    critical_failures: list[str]
    warnings: list[str]
    results: list[dict]
    data_docs: str
    #: Table -> the partitions validated (`vergaderjaar=...`; `*`: the whole table, by DuckDB or GX).
    validated: dict[str, list[str]] = field(default_factory=dict)
    #: Paper version (`identifier@version`) -> the critical failures of its rows: held back from
    #: the release (the rest of the batch is published).
    held_back: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def paper_column(table: str) -> str | None:
    """The column naming each row's paper, for the per-paper (partitioned) tables; else None."""
    spec = TABLES[table]
    return PAPER_COLUMN if spec.partitioned and PAPER_COLUMN in spec.schema.names else None


def suite_columns(suite: dict[str, Any]) -> list[str]:
    """Columns a suite refers to (expectation columns and row-condition columns, and the column
    naming each row's paper), in table order."""
    used = {paper_column(suite["name"])}
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        used.add(kwargs.get("column"))
        used.update(_CONDITION_COLUMN.findall(str(kwargs.get("row_condition", ""))))
    table = TABLES[suite["name"]]
    return [name for name in table.schema.names if name in used]


def to_frame(table: pa.Table) -> pd.DataFrame:
    """Arrow to pandas for GX (dates stay `datetime.date`, which GX compares with its date bounds)."""
    return table.to_pandas()


def table_frames(batch: Batch, table: str, suite: dict[str, Any]) -> Iterator[tuple[str, pd.DataFrame]]:
    """(partition, frame) pairs to validate: each partition the run built, or the whole table for a
    whole-table suite (of a table the run built)."""
    columns = suite_columns(suite)
    paths = batch.own(table)
    if not paths:
        return
    if suite["meta"]["scope"] == WHOLE_TABLE:
        yield WHOLE, to_frame(pa.concat_tables(pq.read_table(p, columns=columns) for p in paths))
        return
    for path in paths:
        yield partition_of(path), to_frame(pq.read_table(path, columns=columns))


def suite_parameters() -> dict[str, Any]:
    """Values for the `$PARAMETER`s of the row-local expectations."""
    return {"max_date": date.today() + timedelta(days=366), "known_party_codes": known_party_codes()}


def split_suite(suite: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The suite's row-local part (for GX, per partition) and its cross-table expectations (for DuckDB)."""
    local = [e for e in suite["expectations"] if not is_cross_table(e)]
    return {**suite, "expectations": local}, [e for e in suite["expectations"] if is_cross_table(e)]


def validate_table(batch: Batch, table: str, runner: Any, con: Any) -> list[Any]:
    """Every expectation of `table`'s suite on the batch (nothing for an empty table): row-local
    ones on what the run built, table-wide ones on the whole table."""
    if not batch.row_counts[table]:
        return []
    local, cross = split_suite(load_suite(table))
    outcomes = [check(con, table, expectation, batch.tables) for expectation in cross]
    parameters = suite_parameters()
    for partition, frame in table_frames(batch, table, local):
        outcomes += runner.validate(table, partition, frame, local, parameters, paper_column(table))
        del frame
    return outcomes


def quality_rows(run_id: str, outcomes: list[Any], at: datetime) -> list[dict[str, Any]]:
    return [
        {"result_id": f"{run_id}/{o.table}/{o.partition}/{n}", "run_id": run_id, "table_name": o.table,
         "partition": o.partition, "expectation_type": o.type, "column": o.column, "severity": o.severity,
         "success": o.success, "element_count": o.element_count, "unexpected_count": o.unexpected_count,
         "observed_value": o.observed_value, "kwargs_json": json.dumps(o.kwargs, default=str, sort_keys=True),
         "validated_at": at}
        for n, o in enumerate(outcomes, start=1)
    ]


def write_quality_results(batch: Batch, rows: list[dict[str, Any]]) -> None:
    """This run's results as the batch's `quality_results` (publishing puts the history before them)."""
    table = pa.Table.from_pylist(rows, schema=TABLES["quality_results"].schema)
    path = write_table(batch.path / "quality_results" / PART_FILE, table)
    batch.tables["quality_results"] = [path]
    batch.row_counts["quality_results"] = table.num_rows


def validate_batch(settings: Settings, batch: Batch) -> QualityReport:
    """Run every suite on the batch; `passed` is False when any critical expectation failed."""
    import duckdb

    from pipeline.quality.gx_runner import GxRunner

    runner = GxRunner(settings, batch.run_id)
    outcomes = []
    with duckdb.connect() as con:
        for table in NORMALISED_TABLES:
            outcomes += validate_table(batch, table, runner, con)
    failed = [o for o in outcomes if not o.success]
    critical, held_back = gate(failed, papers_built(batch))
    warnings = [o.describe() for o in failed if o.severity != CRITICAL]
    write_quality_results(batch, quality_rows(batch.run_id, outcomes, datetime.now(UTC)))
    validated: dict[str, list[str]] = {}
    for o in outcomes:
        if o.partition not in validated.setdefault(o.table, []):
            validated[o.table].append(o.partition)
    log.info("validated %d expectation result(s): %d critical failure(s) of the batch, %d paper(s) to hold back, "
             "%d warning(s); partitions %s", len(outcomes), len(critical), len(held_back), len(warnings),
             sorted({p for ps in validated.values() for p in ps}))
    return QualityReport(passed=not critical and not held_back, critical_failures=critical, warnings=warnings,
                         results=[asdict(o) for o in outcomes], data_docs=runner.build_data_docs(),
                         validated={table: sorted(parts) for table, parts in validated.items()}, held_back=held_back)


def papers_built(batch: Batch) -> int:
    """The paper versions in the partitions the batch built (the rows of its own `documents` files)."""
    return sum(pq.ParquetFile(path).metadata.num_rows for path in batch.own("documents"))


def gate(failed: list[Any], papers: int) -> tuple[list[str], dict[str, list[str]]]:
    """The critical failures of the batch as a whole, and the papers to hold back with theirs.

    A failure is a paper's when every unexpected row names its paper; when more papers fail than
    `MAX_HELD_BACK` or `MAX_HELD_BACK_SHARE` of the `papers` built, or every one of them, none is
    held: the batch fails."""
    critical = [o for o in failed if o.severity == CRITICAL]
    held: dict[str, list[str]] = {}
    for outcome in critical:
        for paper in outcome.papers:
            held.setdefault(paper, []).append(outcome.describe())
    of_batch = [o.describe() for o in critical if not o.papers]
    allowed = min(max(MAX_HELD_BACK, int(MAX_HELD_BACK_SHARE * papers)), papers - 1)
    if held and len(held) > allowed:
        of_batch.append(f"{len(held)} of {papers} paper(s) fail critical expectations (at most {allowed} are held "
                        f"back): a fault of the batch, not of some papers (e.g. {', '.join(sorted(held)[:3])})")
        of_batch += [o.describe() for o in critical if o.papers]
        held = {}
    return of_batch, dict(sorted(held.items()))
