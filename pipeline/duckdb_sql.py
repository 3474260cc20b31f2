"""Quoting for the DuckDB SQL that cannot take prepared parameters: names, and the values inside a view
definition (`CREATE VIEW` cannot be prepared). Everywhere else values go in as parameters."""

from __future__ import annotations

from pathlib import Path


def duckdb_literal(text: str) -> str:
    """`text` as a DuckDB string literal: it's -> 'it''s'."""
    return "'" + text.replace("'", "''") + "'"


def duckdb_identifier(name: str) -> str:
    """`name` as a quoted DuckDB identifier: references -> "references" (a reserved word)."""
    return '"' + name.replace('"', '""') + '"'


#: The DuckDB variable a reader sets to the `published` directory (a path or URL) the catalog's
#: views read from; unset, their relative paths resolve through `file_search_path` or the
#: working directory.
PUBLISHED_VARIABLE = "ek_published"


def published_file(relative: str) -> str:
    """A DuckDB expression for the file at `relative` (a path below `published/`): prefixed with
    the `ek_published` variable when it is set, so a catalog names no absolute path."""
    return (f"coalesce(getvariable({duckdb_literal(PUBLISHED_VARIABLE)}) || '/', '') || "
            f"{duckdb_literal(Path(relative).as_posix())}")
