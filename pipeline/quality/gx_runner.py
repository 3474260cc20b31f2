"""Great Expectations behind one small class: a file context in the data directory, one checkpoint
per table, and the Data Docs site built into `layout.data_docs`.

The site is built once per batch for that batch's validation results (an UpdateDataDocsAction on
each checkpoint would re-render the site once per table and partition: most of the time spent).

GX is imported here only, and this module only from `validate_batch`: importing GX takes seconds.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import Settings

DATA_SOURCE = "staging"
DOCS_SITE = "data_dir"


@dataclass
class ExpectationOutcome:
    """One expectation's result on one table partition, in plain types."""

    table: str
    partition: str
    type: str
    column: str
    severity: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    observed_value: str
    kwargs: dict[str, Any]
    why: str
    examples: list[str] = field(default_factory=list)  # a few unexpected values
    exception: str = ""
    #: The paper versions (`document_version_id`) of every unexpected row, when the table names them
    #: and every unexpected row was listed; [] otherwise.
    papers: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the report: what failed, where, by how much, and why it matters."""
        if self.exception:
            how = f"raised {self.exception}"
        elif self.unexpected_count is not None:
            how = f"{self.unexpected_count} of {self.element_count} row(s) unexpected"
            if self.examples:
                how += f" (e.g. {', '.join(self.examples)})"
        else:
            how = f"observed {self.observed_value}"
        column = f"({self.column})" if self.column else ""
        return f"{self.table}[{self.partition}] {self.type}{column}: {how} — {self.why}"


@dataclass
class GxRunner:
    """Validates pandas frames against the committed suites, one checkpoint per table."""

    settings: Settings
    run_id: str
    checkpoints: dict[str, Any] = field(default_factory=dict)
    result_ids: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.WARNING)  # INFO chatter from its import on
        import great_expectations as gx

        self.gx = gx
        self.context = gx.get_context(mode="file", project_root_dir=str(self.settings.layout.root))
        self._quiet()
        self._empty_config_variables()
        self._configure_docs_site()
        self.source = self.context.data_sources.add_or_update_pandas(DATA_SOURCE)

    def _quiet(self) -> None:
        """No tqdm progress bars ("Calculating Metrics") on stderr: noise in the CLI and task logs."""
        from great_expectations.data_context.types.base import ProgressBarsConfig

        off = ProgressBarsConfig(globally=False, metric_calculations=False)
        current = self.context.variables.progress_bars
        if current is None or bool(current["globally"]) or bool(current["metric_calculations"]):
            self.context.variables.progress_bars = off
            self.context.variables.save()

    def _empty_config_variables(self) -> None:
        """We use no config variables; GX re-reads this file on nearly every call, and parsing its
        commented template took a third of the validation time."""
        path = Path(self.context.root_directory) / "uncommitted" / "config_variables.yml"
        if path.exists() and path.read_text("utf-8") != "{}\n":
            path.write_text("{}\n", encoding="utf-8")

    def _configure_docs_site(self) -> None:
        site = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(self.settings.layout.data_docs.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        sites = self.context.get_config().data_docs_sites or {}
        if sites.get(DOCS_SITE) != site:
            if DOCS_SITE in sites:
                self.context.update_data_docs_site(DOCS_SITE, site)
            else:
                self.context.add_data_docs_site(DOCS_SITE, site)

    def _checkpoint(self, table: str, suite_json: dict[str, Any], paper_column: str | None) -> Any:
        if table in self.checkpoints:
            return self.checkpoints[table]
        gx = self.gx
        from great_expectations.core import ExpectationSuite

        asset = next((a for a in self.source.assets if a.name == table), None) or self.source.add_dataframe_asset(table)
        batch_def = next(iter(asset.batch_definitions), None) or asset.add_batch_definition_whole_dataframe("whole")
        suite = self.context.suites.add_or_update(ExpectationSuite(
            name=table, expectations=[dict(e) for e in suite_json["expectations"]], meta=suite_json.get("meta")))
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=table, data=batch_def, suite=suite))
        checkpoint = self.context.checkpoints.add_or_update(gx.Checkpoint(
            name=table, validation_definitions=[definition], result_format=_result_format(paper_column), actions=[]))
        self.checkpoints[table] = checkpoint
        return checkpoint

    def validate(self, table: str, partition: str, frame: pd.DataFrame, suite_json: dict[str, Any],
                 parameters: dict[str, Any], paper_column: str | None = None) -> list[ExpectationOutcome]:
        """The suite's outcomes on `frame`; with `paper_column` (a column of `frame`) each failed
        row-level expectation names the papers of its unexpected rows (`ExpectationOutcome.papers`)."""
        from great_expectations.core.run_identifier import RunIdentifier

        checkpoint = self._checkpoint(table, suite_json, paper_column)
        result = checkpoint.run(
            batch_parameters={"dataframe": frame}, expectation_parameters=parameters,
            run_id=RunIdentifier(run_name=f"{self.run_id} {table} {partition}"))
        self.result_ids += list(result.run_results)
        return [_outcome(table, partition, er, paper_column) for run in result.run_results.values()
                for er in run.results]

    def build_data_docs(self) -> str:
        """Render this batch's results into the Data Docs site; returns the path of its index page."""
        if self.result_ids:
            self.context.build_data_docs(site_names=[DOCS_SITE], resource_identifiers=self.result_ids)
        return str(self.settings.layout.data_docs / "index.html")


def _result_format(paper_column: str | None) -> str | dict[str, Any]:
    """SUMMARY, or with `paper_column` every unexpected row with that column (to hold its paper back)."""
    if paper_column is None:
        return "SUMMARY"
    return {"result_format": "COMPLETE", "unexpected_index_column_names": [paper_column],
            "partial_unexpected_count": 20, "return_unexpected_index_query": False}


def _papers(result: dict[str, Any], paper_column: str | None) -> list[str]:
    """The papers of the unexpected rows, when every one of them is listed ([] otherwise)."""
    rows = result.get("unexpected_index_list") or []
    if paper_column is None or not rows or len(rows) != result.get("unexpected_count"):
        return []
    return sorted({str(row[paper_column]) for row in rows if isinstance(row, dict) and row.get(paper_column)})


def _outcome(table: str, partition: str, er: Any, paper_column: str | None = None) -> ExpectationOutcome:
    config = er.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    if "value_set" in kwargs and len(kwargs["value_set"]) > 50:  # parent keys: too many to store
        kwargs["value_set"] = f"<{len(kwargs['value_set'])} values>"
    result = er.result or {}
    observed = result.get("observed_value")
    return ExpectationOutcome(
        table=table, partition=partition, type=config.type, column=str(kwargs.get("column", "")),
        severity=getattr(config.severity, "value", str(config.severity)), success=bool(er.success),
        element_count=result.get("element_count"), unexpected_count=result.get("unexpected_count"),
        observed_value="" if observed is None else json.dumps(observed, default=str),
        kwargs=kwargs, why=(config.meta or {}).get("why", ""),
        examples=[repr(v) for v in (result.get("partial_unexpected_list") or [])[:3]],
        exception=_exception_message(er.exception_info or {}), papers=_papers(result, paper_column),
    )


def _exception_message(info: dict[str, Any]) -> str:
    """The message of an exception GX caught while evaluating an expectation ("" when none)."""
    if "raised_exception" in info:
        return info.get("exception_message") or "" if info["raised_exception"] else ""
    return next((m for m in map(_exception_message, info.values()) if m), "") if info else ""
