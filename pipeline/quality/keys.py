"""Cross-table expectations (key uniqueness, foreign keys) evaluated by DuckDB over the Parquet files.

They need the whole table (and its parent), which GX on pandas could only check with every row in
memory; DuckDB streams the files. The expectations stay declared in the suites; the outcomes have
the same shape as GX's, with partition `*`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.duckdb_sql import duckdb_identifier
from pipeline.quality.gx_runner import ExpectationOutcome

UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
WHOLE = "*"
#: Unexpected values shown per failed expectation.
EXAMPLES = 3


def parent_of(expectation: dict[str, Any]) -> tuple[str, str] | None:
    """(parent table, column) of a foreign-key expectation (value set `{"$PARAMETER": "<table>__<column>"}`)."""
    value_set = expectation["kwargs"].get("value_set")
    if expectation["type"] != IN_SET or not isinstance(value_set, dict) or "__" not in value_set["$PARAMETER"]:
        return None
    parent, column = value_set["$PARAMETER"].split("__")
    return parent, column


def is_cross_table(expectation: dict[str, Any]) -> bool:
    return expectation["type"] == UNIQUE or parent_of(expectation) is not None


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


def check(con: Any, table: str, expectation: dict[str, Any], tables: dict[str, list[Path]]) -> ExpectationOutcome:
    """Evaluate one cross-table expectation on the whole of `table` with DuckDB connection `con`."""
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
