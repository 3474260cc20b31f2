"""The data dictionary (`docs/data-dictionary.md`), generated from the schemas.

Run `python -m pipeline.publish.dictionary` after changing `schemas.py`, the views or the dashboard
(`bi/dashboard.yaml`, for which Superset chart reads which view); a test fails when the committed
file differs from what this generates.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from pipeline.normalise.schemas import PARTITION_COLUMN, SCHEMA_VERSION, TABLES, TableSpec
from pipeline.publish.views import VIEW_DESCRIPTIONS

DICTIONARY_PATH = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
DASHBOARD_SPEC = Path(__file__).resolve().parents[2] / "bi" / "dashboard.yaml"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", r"\|")


def _table_section(spec: TableSpec) -> list[str]:
    lines = [f"## `{spec.name}`", "", spec.description, "",
             f"- Key: `{spec.key}`",
             f"- Partitioned by: `{PARTITION_COLUMN}`" if spec.partitioned else "- Not partitioned"]
    lines += [f"- `{column}` references `{parent}.{parent_column}`"
              for column, (parent, parent_column) in spec.parents.items()]
    lines += ["", "| column | type | nullable | description |", "|---|---|---|---|"]
    lines += [f"| `{f.name}` | {f.type} | {'yes' if f.nullable else 'no'} | {_cell(spec.description_of(f.name))} |"
              for f in spec.schema]
    return [*lines, ""]


def charts_by_view() -> dict[str, list[str]]:
    """View -> the Superset charts of the dashboard (`bi/dashboard.yaml`) that read it."""
    spec = yaml.safe_load(DASHBOARD_SPEC.read_text(encoding="utf-8"))
    charts: dict[str, list[str]] = {}
    for section in spec["sections"]:
        for chart in section["charts"]:
            charts.setdefault(chart["view"], []).append(chart["name"])
    undocumented = sorted(set(charts) - set(VIEW_DESCRIPTIONS))
    if undocumented:
        raise ValueError(f"{DASHBOARD_SPEC}: charts read views not in VIEW_DESCRIPTIONS: {undocumented}")
    return charts


def render() -> str:
    lines = [
        "# Data dictionary", "",
        "Generated from `pipeline/normalise/schemas.py` by `python -m pipeline.publish.dictionary`; "
        "do not edit by hand.", "",
        f"Schema version {SCHEMA_VERSION}. Every release (`published/releases/<id>/`) holds one directory "
        f"per table with zstd Parquet files, partitioned as `{PARTITION_COLUMN}=<YYYY-YYYY>/` where noted, "
        "and a `manifest.json`. The same tables are views in `published/catalog.duckdb` and tables in the "
        "PostgreSQL schema `eerstekamer`, where every key is a primary key and every \"references\" line below "
        "a foreign key with an index. `references` is a reserved word in SQL: quote it "
        "(`SELECT * FROM \"references\"`).", "",
    ]
    for spec in TABLES.values():
        lines += _table_section(spec)
    lines += ["## Dashboard views", "",
              "Views in `published/catalog.duckdb` and in PostgreSQL schema `eerstekamer` besides the tables "
              "(`release_info` is a table in PostgreSQL). The last column names the charts of the Superset "
              "dashboard \"Eerste Kamer\" (`bi/dashboard.yaml`, README \"Dashboards\") that read the view.", "",
              "| view | what it answers | dashboard charts |", "|---|---|---|"]
    charts = charts_by_view()
    lines += [f"| `{name}` | {_cell(text)} | {_cell('; '.join(charts.get(name, [])))} |"
              for name, text in VIEW_DESCRIPTIONS.items()]
    return "\n".join([*lines, ""])


def main() -> int:
    DICTIONARY_PATH.write_text(render(), encoding="utf-8")
    print(f"wrote {DICTIONARY_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
