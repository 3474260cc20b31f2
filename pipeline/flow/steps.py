"""Each step of a run, written once: what it reads, what it writes, what it hands on.

The command line's `run` calls these one after the other; each Airflow task calls one of them.
A step records its report or its failure in the run journal and returns a small JSON value for
the next step (an XCom between tasks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pipeline.errors import InvalidParameter, PipelineError, QualityGateFailed
from pipeline.flow.backfill import mark_backfilled, window_settings
from pipeline.flow.journal import NOTHING_NEW, RunJournal, RunSummary, summarise
from pipeline.flow.params import RunContext

#: Errors a retry cannot fix: an Airflow task fails at once.
PERMANENT_ERRORS: tuple[type[PipelineError], ...] = (InvalidParameter, QualityGateFailed)


def journal_of(run: RunContext) -> RunJournal:
    return RunJournal(run.settings.layout, run.run_id)


def discover(run: RunContext) -> dict[str, Any]:
    """Ask the source what is new or changed; record the versions in the ledger."""
    from pipeline.fetch.harvest import discover as discover_new

    return journal_of(run).run("discover", lambda: discover_new(run.settings)).to_dict()


def fetch(run: RunContext) -> dict[str, Any]:
    """Download every file not archived yet (resumes a crashed download)."""
    from pipeline.fetch.harvest import download_pending

    return journal_of(run).run("fetch", lambda: download_pending(run.settings)).to_dict()


def harvest(run: RunContext, window: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Discover and download with one client; with a backfill `window`, the papers of that
    vergaderjaar, recorded as done when nothing failed."""
    from pipeline.fetch.harvest import harvest as harvest_all

    settings = window_settings(run.settings, window) if window else run.settings
    task = f"harvest-{window['vergaderjaar']}" if window else "harvest"
    report = journal_of(run).run("harvest", lambda: harvest_all(settings), task=task)
    if window and report.errors == 0:
        mark_backfilled(settings.layout, window)
    return report.to_dict()


def plan_parse(run: RunContext) -> list[list[str]]:
    """The papers to parse (largest first), in batches of `parse_batch_size`."""
    from pipeline.parse.stage import batches, pending_keys

    return batches(pending_keys(run.settings), run.settings.parse_batch_size)


def parse(run: RunContext, keys: list[str], *, task: str = "parse", in_processes: bool = False) -> dict[str, Any]:
    """Parse these papers, in worker processes when `in_processes` (one process otherwise:
    the DAG fans out over batches instead)."""
    from pipeline.parse.stage import parse_batch, parse_papers

    call = parse_papers if in_processes else parse_batch
    return journal_of(run).run("parse", lambda: call(run.settings, keys), task=task, papers=keys).to_dict()


def nothing_new(run: RunContext, planned: int) -> bool:
    """True when no paper was to be parsed, no re-parse was asked and a release exists."""
    if planned or run.settings.reparse:
        return False
    from pipeline.publish.stage import current_release

    return current_release(run.settings) is not None


def normalise(run: RunContext, planned: int, *, rebuild: bool = False) -> dict[str, Any] | None:
    """Build the run's tables from the parsed papers, or None when there is nothing new
    (`rebuild`: build even then)."""
    from pipeline.normalise.stage import build_batch

    journal = journal_of(run)
    if not rebuild and nothing_new(run, planned):
        journal.run("normalise", lambda: {NOTHING_NEW: True})
        return None
    return journal.run("normalise", lambda: build_batch(run.settings, run.run_id)).to_dict()


def validate(run: RunContext, batch: Mapping[str, Any]) -> dict[str, Any]:
    """Run the expectations; a batch that fails a critical one is quarantined (QualityGateFailed).

    Returns what publish needs: the batch (now with `quality_results`) and the report without
    its per-expectation results (those are in `quality_results`)."""
    from pipeline.normalise.stage import Batch
    from pipeline.quality.stage import validate_batch

    journal, tables = journal_of(run), Batch.from_dict(batch)
    report = journal.run("validate", lambda: validate_batch(run.settings, tables))
    if not report.passed:
        journal.run("quarantine", lambda: _quarantine(run, tables, report))
    return {"batch": tables.to_dict(), "quality": {**report.to_dict(), "results": []}}


def _quarantine(run: RunContext, batch: Any, report: Any) -> None:
    from pipeline.publish.stage import quarantine_batch

    where = quarantine_batch(run.settings, batch, report)
    raise QualityGateFailed(
        f"batch {batch.run_id} failed {len(report.critical_failures)} critical expectation(s) "
        f"({'; '.join(report.critical_failures[:3])}); quarantined in {where}; the previous release stays current")


def publish(run: RunContext, validated: Mapping[str, Any], *, postgres_dsn: str | None = None) -> dict[str, Any] | None:
    """Make the validated batch the current release (under the publish lock); None when the
    run was asked not to publish. `postgres_dsn` overrides the settings' target."""
    if not run.settings.publish:
        return None
    from pipeline.normalise.stage import Batch
    from pipeline.publish.stage import publish_batch
    from pipeline.quality.stage import QualityReport

    settings = replace(run.settings, postgres_dsn=postgres_dsn or run.settings.postgres_dsn)
    batch, report = Batch.from_dict(validated["batch"]), QualityReport(**validated["quality"])
    return journal_of(run).run("publish", lambda: publish_batch(settings, batch, report)).to_dict()


def finish(run: RunContext, *, started_at: str) -> RunSummary:
    """The run summary from the journal, written to `runs/<run_id>.json`."""
    return summarise(journal_of(run), started_at=started_at, airflow_run_id=run.airflow_run_id,
                     publish=run.settings.publish)
