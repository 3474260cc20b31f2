"""The command line's run: the steps of `flow.steps` one after the other, in one process."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import Settings
from pipeline.flow import lock, steps
from pipeline.flow.journal import RunSummary
from pipeline.flow.params import RunContext
from pipeline.ledger import check_ledger


def run(settings: Settings, *, fetch: bool = True, fetch_only: bool = False, rebuild: bool = False) -> RunSummary:
    """Harvest → parse → normalise → validate → publish; the summary is written whatever happens.

    `fetch=False` asks nothing of the source; `fetch_only` stops after the harvest; `rebuild`
    builds and validates the tables even when nothing is new. A failing step's error is raised
    after the summary is written."""
    started_at = datetime.now(UTC).isoformat()
    settings.layout.ensure()
    with lock.holding(settings) as run_id:
        if fetch:  # a harvest on a lost ledger would start over and skip the history
            check_ledger(settings.layout)
        return _steps(RunContext(run_id, settings), started_at, fetch=fetch, fetch_only=fetch_only, rebuild=rebuild)


def _steps(run: RunContext, started_at: str, *, fetch: bool, fetch_only: bool, rebuild: bool) -> RunSummary:
    try:
        if fetch:
            steps.harvest(run)
        if fetch_only:
            return steps.finish(run, started_at=started_at)
        keys = [key for batch in steps.plan_parse(run) for key in batch]
        if keys:
            steps.parse(run, keys, in_processes=True)
        batch = steps.normalise(run, len(keys), rebuild=rebuild)
        if batch is not None:
            steps.publish(run, steps.validate(run, batch))
    except BaseException:
        steps.finish(run, started_at=started_at)
        raise
    return steps.finish(run, started_at=started_at)
