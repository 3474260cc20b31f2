"""Each step of a run, written once: what it reads, what it writes, what it hands on.

The command line's `run` calls these one after the other; each Airflow task calls one of them.
A step records its report or its failure in the run journal and returns a small JSON value for
the next step (an XCom between tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pipeline.config import Settings
from pipeline.errors import InvalidParameter, PipelineError, QualityGateFailed
from pipeline.flow import lock
from pipeline.flow.backfill import mark_backfilled, window_settings
from pipeline.flow.journal import NOTHING_NEW, RunJournal, RunSummary, summarise
from pipeline.flow.lock import RunLocked
from pipeline.flow.params import RunContext
from pipeline.ledger import LedgerUnusable, check_ledger

if TYPE_CHECKING:
    from pipeline.normalise.stage import Batch
    from pipeline.quality.stage import QualityReport

log = logging.getLogger(__name__)

#: Errors a retry cannot fix: an Airflow task fails at once.
PERMANENT_ERRORS: tuple[type[PipelineError], ...] = (InvalidParameter, QualityGateFailed, RunLocked, LedgerUnusable)


def journal_of(run: RunContext) -> RunJournal:
    """The run's journal, after renewing the run's hold on the data directory (RunLocked when lost)."""
    lock.renew(run.settings.layout, run.run_id)
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

    lock.renew(run.settings.layout, run.run_id)
    return batches(pending_keys(run.settings), run.settings.parse_batch_size)


def parse(run: RunContext, keys: list[str], *, task: str = "parse", in_processes: bool = False,
          planned: int | None = None) -> dict[str, Any]:
    """Parse these papers, in worker processes when `in_processes` (one process otherwise: the
    DAG fans out over batches instead, and says how many papers the whole run parses, `planned`,
    which tells a backfill)."""
    from pipeline.parse.stage import parse_batch, parse_papers

    def call() -> Any:
        return parse_papers(run.settings, keys) if in_processes else parse_batch(run.settings, keys, planned)

    return journal_of(run).run("parse", call, task=task, papers=keys).to_dict()


def publication_needed(run: RunContext, planned: int) -> str:
    """Why this run must build a release; '' when the current release already holds every parsed
    paper (an interrupted publish is finished by the next run, whatever it died in)."""
    if planned:
        return f"{planned} paper(s) to parse"
    if run.settings.reparse:
        return "a re-parse was asked for"
    from pipeline.publish.stage import current_release, unpublished

    current = current_release(run.settings)
    if current is None:
        return "no release yet"
    if missing := unpublished(run.settings, current):
        return f"the parsed store differs from release {current.release_id}: {missing}"
    return ""


def normalise(run: RunContext, planned: int, *, rebuild: bool = False,
              postgres_dsn: str | None = None) -> dict[str, Any] | None:
    """Build the run's tables from the parsed papers, or None when there is nothing new
    (`rebuild`: build even then, every partition; otherwise only the partitions that changed since
    the current release). With nothing new the publish targets are checked instead: a
    catalog or PostgreSQL left on another release is brought to the current one."""
    from pipeline.normalise.stage import build_batch
    from pipeline.publish.stage import current_release, reconcile_targets

    journal = journal_of(run)
    reason = "a rebuild was asked for" if rebuild else publication_needed(run, planned)
    if not reason:
        settings = _with_dsn(run, postgres_dsn)
        journal.run("reconcile", lambda: reconcile_targets(settings))
        journal.run("normalise", lambda: {NOTHING_NEW: True})
        return None
    log.info("building a release: %s", reason)
    base = None if rebuild or run.settings.reparse else current_release(run.settings)  # None: a full build
    manifest = base.manifest if base is not None else None
    return journal.run("normalise", lambda: build_batch(run.settings, run.run_id, manifest)).to_dict()


def _with_dsn(run: RunContext, postgres_dsn: str | None) -> Settings:
    """The run's settings with the publish target an Airflow Connection names, if any."""
    return replace(run.settings, postgres_dsn=postgres_dsn or run.settings.postgres_dsn)


#: Rounds of holding papers back and building the batch again before the batch fails as a whole.
HOLD_BACK_ROUNDS = 3


def validate(run: RunContext, batch: Mapping[str, Any]) -> dict[str, Any]:
    """Run the expectations. Papers whose rows fail a critical one are held back and the batch is
    built again without them; a batch that fails as a whole is quarantined (QualityGateFailed).

    Returns what publish needs: the batch (now with `quality_results`) and the report without
    its per-expectation results (those are in `quality_results`)."""
    journal = journal_of(run)
    gated = journal.run("validate", lambda: _validate_holding_back(run, _staged(run, batch)))
    tables, report = gated.batch, gated.report
    run.settings.layout.store.persist(tables.path / "quality_results")  # publish may run elsewhere
    if not report.passed:
        journal.run("quarantine", lambda: _quarantine(run, tables, report))
    return {"batch": tables.to_dict(), "quality": {**report.to_dict(), "results": []}}


@dataclass
class _Gated:
    """The batch that passed the gate (built again without the papers held back) and its report."""

    batch: Batch
    report: QualityReport

    def to_dict(self) -> dict[str, Any]:  # journaled as the report
        return self.report.to_dict()


def _validate_holding_back(run: RunContext, batch: Batch) -> _Gated:
    """Validate; while only some papers fail, hold them back and validate the batch built without them."""
    from pipeline.ledger import HELD_QUALITY, StateStore
    from pipeline.normalise.stage import build_batch
    from pipeline.publish.stage import current_release
    from pipeline.quality.stage import validate_batch

    held: dict[str, list[str]] = {}
    for round_ in range(HOLD_BACK_ROUNDS + 1):
        report = validate_batch(run.settings, batch)
        if report.critical_failures or not report.held_back:
            break
        if round_ == HOLD_BACK_ROUNDS:
            report.critical_failures.append(f"papers still fail after {HOLD_BACK_ROUNDS} rounds of holding back")
            break
        with StateStore(run.settings.layout) as state:
            for key, reasons in report.held_back.items():
                identifier, _, version = key.rpartition("@")
                state.hold_back(identifier, int(version), HELD_QUALITY, "; ".join(reasons))
                log.warning("held back %s: %s", key, "; ".join(reasons))
        held |= report.held_back
        base = current_release(run.settings)
        batch = build_batch(run.settings, run.run_id, base.manifest if base is not None else None)
    report.held_back = held | report.held_back
    report.passed = not report.critical_failures
    return _Gated(batch, report)


def _staged(run: RunContext, batch: Mapping[str, Any]) -> Batch:
    """The run's batch as `normalise` built it, in this host's staging directory (downloaded from
    an object store first: the task that built it may have run on another host)."""
    from pipeline.normalise.stage import Batch

    layout = run.settings.layout
    staged = Batch.from_dict(batch, layout.store.mirror(layout.staging / batch["run_id"]))
    layout.store.fetch_all([p for paths in staged.tables.values() for p in paths if not p.is_relative_to(staged.path)])
    return staged


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
    from pipeline.publish.stage import publish_batch
    from pipeline.quality.stage import QualityReport

    settings = _with_dsn(run, postgres_dsn)
    batch, report = _staged(run, validated["batch"]), QualityReport(**validated["quality"])
    return journal_of(run).run("publish", lambda: publish_batch(settings, batch, report)).to_dict()


def begin(run: RunContext, owner: str) -> None:
    """Take the data directory for this run (a DAG's configure task) and refuse to start over
    on a missing or damaged ledger."""
    lock.acquire(run.settings, owner, run.run_id)
    check_ledger(run.settings.layout)


def finish(run: RunContext, *, started_at: str, release_lock: bool = False) -> RunSummary:
    """The run summary from the journal, written to `runs/<run_id>.json`."""
    summary = summarise(RunJournal(run.settings.layout, run.run_id), started_at=started_at,
                        airflow_run_id=run.airflow_run_id, publish=run.settings.publish)
    if release_lock:
        lock.release(run.settings.layout, run.run_id)
    return summary
