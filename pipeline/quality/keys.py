"""Table-wide expectations (key uniqueness, foreign keys, corpus-level statistics marked
`meta.scope == "table"`) evaluated by DuckDB over the Parquet files of the release-to-be.

They need the whole table (and its parent), carried-over partitions included, which GX on pandas
could only check with every row in memory; DuckDB streams the files. The expectations stay
declared in the suites; the outcomes have the same shape as GX's, with partition `*`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.duckdb_sql import duckdb_identifier
from pipeline.normalise.stage import WHOLE
from pipeline.quality.gx_runner import ExpectationOutcome
from pipeline.quality.suites import WHOLE_TABLE

UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
MEDIAN = "expect_column_median_to_be_between"
#: Unexpected values shown per failed expectation.
EXAMPLES = 3


def parent_of(expectation: dict[str, Any]) -> tuple[str, str] | None:
    """(parent table, column) of a foreign-key expectation (value set `{"$PARAMETER": "<table>__<column>"}`)."""
    value_set = expectation["kwargs"].get("value_set")
    if expectation["type"] != IN_SET or not isinstance(value_set, dict) or "__" not in value_set["$PARAMETER"]:
        return None
    parent, column = value_set["$PARAMETER"].split("__")
    return parent, column


def is_table_wide_statistic(expectation: dict[str, Any]) -> bool:
    return expectation["type"] == MEDIAN and (expectation.get("meta") or {}).get("scope") == WHOLE_TABLE


def is_cross_table(expectation: dict[str, Any]) -> bool:
    """Whether DuckDB checks `expectation` on the whole table (GX checks the others per partition)."""
    return expectation["type"] == UNIQUE or parent_of(expectation) is not None or is_table_wide_statistic(expectation)


def _files(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths]


def _unexpected(expectation: dict[str, Any], table: str, tables: dict[str, list[Path]]
                ) -> tuple[str, dict[str, list[str]]]:
    """SQL giving the unexpected non-null values of the column, one row per offending row, and its
    parameters: the Parquet files of the table (`$files`) and of its parent (`$parent_files`)."""
    column = duckdb_identifier(expectation["kwargs"]["column"])
    files = {"files": _files(tables[table])}
    parent = parent_of(expectation)
    if parent is None:
        return (f"SELECT {column} AS value FROM read_parquet($files) WHERE {column} IN (SELECT {column} FROM "
                f"read_parquet($files) WHERE {column} IS NOT NULL GROUP BY 1 HAVING count(*) > 1)", files)
    parent_table, parent_column = parent
    return (f"SELECT c.{column} AS value FROM read_parquet($files) c WHERE c.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM read_parquet($parent_files) p "
            f"WHERE p.{duckdb_identifier(parent_column)} = c.{column})",
            files | {"parent_files": _files(tables[parent_table])})


def _median(con: Any, table: str, expectation: dict[str, Any], tables: dict[str, list[Path]]) -> ExpectationOutcome:
    """The median of the column's non-null values between `min_value` and `max_value` (as GX: no values pass)."""
    kwargs = expectation["kwargs"]
    column = duckdb_identifier(kwargs["column"])
    elements, median = con.execute(f"SELECT count({column}), median({column}) FROM read_parquet(?)",
                                   [_files(tables[table])]).fetchone()
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    success = median is None or ((low is None or median >= low) and (high is None or median <= high))
    return ExpectationOutcome(
        table=table, partition=WHOLE, type=expectation["type"], column=kwargs["column"],
        severity=expectation["severity"], success=success, element_count=elements, unexpected_count=None,
        observed_value=json.dumps(median), kwargs=dict(kwargs), why=(expectation.get("meta") or {}).get("why", ""))


def check(con: Any, table: str, expectation: dict[str, Any], tables: dict[str, list[Path]]) -> ExpectationOutcome:
    """Evaluate one table-wide expectation on the whole of `table` with DuckDB connection `con`."""
    if is_table_wide_statistic(expectation):
        return _median(con, table, expectation, tables)
    unexpected_sql, params = _unexpected(expectation, table, tables)
    [elements] = con.execute("SELECT count(*) FROM read_parquet(?)", [params["files"]]).fetchone()
    [unexpected] = con.execute(f"SELECT count(*) FROM ({unexpected_sql})", params).fetchone()
    examples = [v for (v,) in con.execute(
        f"SELECT DISTINCT value FROM ({unexpected_sql}) ORDER BY value LIMIT {EXAMPLES}", params).fetchall()]
    kwargs = expectation["kwargs"]
    return ExpectationOutcome(
        table=table, partition=WHOLE, type=expectation["type"], column=kwargs["column"],
        severity=expectation["severity"], success=unexpected == 0, element_count=elements,
        unexpected_count=unexpected, observed_value="", kwargs=dict(kwargs),
        why=(expectation.get("meta") or {}).get("why", ""), examples=[repr(v) for v in examples])
