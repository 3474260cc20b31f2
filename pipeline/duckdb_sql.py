"""Quoting for the DuckDB SQL that cannot take prepared parameters: names, and the values inside a view
definition (`CREATE VIEW` cannot be prepared). Everywhere else values go in as parameters."""

from __future__ import annotations


def duckdb_literal(text: str) -> str:
    """`text` as a DuckDB string literal: it's -> 'it''s'."""
    return "'" + text.replace("'", "''") + "'"


def duckdb_identifier(name: str) -> str:
    """`name` as a quoted DuckDB identifier: references -> "references" (a reserved word)."""
    return '"' + name.replace('"', '""') + '"'
