"""Comparing two published releases table by table."""

from __future__ import annotations

from typing import Any

import pyarrow.parquet as pq

#: Columns that say when a step ran, not what it found: they differ between any two runs.
RUN_TIME_COLUMNS = {"documents": ("fetched_at", "parsed_at"), "fetch_errors": ("first_failed_at", "last_failed_at"),
                    "quality_results": ("result_id", "run_id", "validated_at")}


def release_rows(release: Any, table: str) -> list[list[dict[str, Any]]]:
    """The rows of `table` per file, without the run-time columns."""
    drop = list(RUN_TIME_COLUMNS.get(table, ()))
    return [pq.read_table(p).drop_columns(drop).to_pylist() for p in release.files(table)]


def differences(expected: Any, actual: Any) -> list[str]:
    """Tables whose rows or contents differ: row counts, file checksums, or (for the tables with
    run-time columns) the rows without those columns."""
    want, got = expected.manifest["tables"], actual.manifest["tables"]
    out = [f"{t}: {got.get(t, {}).get('rows')} rows, not {v['rows']}" for t, v in want.items()
           if got.get(t, {}).get("rows") != v["rows"]]
    for table, entry in want.items():
        if table == "quality_results":  # holds the results of every retained release
            continue
        if table in RUN_TIME_COLUMNS:
            if release_rows(actual, table) != release_rows(expected, table):
                out.append(f"{table}: rows differ")
        elif [f["sha256"] for f in got[table]["files"]] != [f["sha256"] for f in entry["files"]]:
            out.append(f"{table}: checksums differ")
    return out
