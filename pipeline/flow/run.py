"""The command line's run: the steps of `flow.steps` one after the other, in one process."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import Settings
from pipeline.flow import steps
from pipeline.flow.journal import RunSummary, new_run_id
from pipeline.flow.params import RunContext


def run(settings: Settings, *, fetch: bool = True, fetch_only: bool = False, rebuild: bool = False) -> RunSummary:
    """Harvest → parse → normalise → validate → publish; the summary is written whatever happens.

    `fetch=False` asks nothing of the source; `fetch_only` stops after the harvest; `rebuild`
    builds and validates the tables even when nothing is new. A failing step's error is raised
    after the summary is written."""
    settings.layout.ensure()
    run = RunContext(run_id=new_run_id(), settings=settings)
    started_at = datetime.now(UTC).isoformat()
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
