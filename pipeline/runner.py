"""Runs the stages in order and writes a run summary. The CLI `run` and the DAG both use it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import PipelineError, QualityGateFailed

log = logging.getLogger(__name__)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, unique enough for one data directory: `20261128T131500Z-<ms>`."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"


@dataclass
class RunSummary:
    """What a run did, written to `DIR/runs/<run_id>.json` after every run, failed or not."""

    run_id: str
    started_at: str
    finished_at: str = ""
    outcome: str = "running"  # published | nothing-new | quarantined | failed | fetched-only
    error: str = ""
    failed_stage: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stages: dict[str, Any] = field(default_factory=dict)  # each stage's report

    def write(self, runs_dir: Path) -> Path:
        runs_dir.mkdir(parents=True, exist_ok=True)
        path = runs_dir / f"{self.run_id}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str))
        tmp.replace(path)
        return path


@contextmanager
def stage(summary: RunSummary, name: str) -> Iterator[None]:
    """Time a stage; on failure record which stage failed before re-raising."""
    start = time.perf_counter()
    log.info("stage %s: start", name)
    try:
        yield
    except Exception:
        summary.failed_stage = name
        raise
    finally:
        summary.stage_seconds[name] = round(time.perf_counter() - start, 3)
        log.info("stage %s: %.1fs", name, summary.stage_seconds[name])


def run_offline_stages(settings: Settings) -> RunSummary:
    """Parse what is pending, then normalise, validate and publish: no requests to the source."""
    return run(settings, fetch=False)


def run(settings: Settings, *, fetch: bool = True, fetch_only: bool = False) -> RunSummary:
    """Fetch → parse → normalise → validate → publish. Raises on failure after writing the summary."""
    from pipeline.fetch.harvest import harvest
    from pipeline.normalise.stage import build_batch
    from pipeline.parse.stage import parse_pending
    from pipeline.publish.stage import current_release, publish_batch, quarantine_batch
    from pipeline.quality.stage import validate_batch

    layout = settings.layout.ensure()
    summary = RunSummary(run_id=new_run_id(), started_at=datetime.now(UTC).isoformat())
    try:
        if fetch:
            with stage(summary, "fetch"):
                summary.stages["fetch"] = harvest(settings).to_dict()
        if fetch_only:
            summary.outcome = "fetched-only"
            return summary
        with stage(summary, "parse"):
            parsed = parse_pending(settings)
            summary.stages["parse"] = parsed.to_dict()
        if fetch and parsed.parsed == 0 and current_release(settings) is not None:
            summary.outcome = "nothing-new"
            return summary
        with stage(summary, "normalise"):
            batch = build_batch(settings, summary.run_id)
            summary.stages["normalise"] = batch.to_dict()
        with stage(summary, "validate"):
            report = validate_batch(settings, batch)
            summary.stages["validate"] = report.to_dict()
        if not report.passed:
            where = quarantine_batch(settings, batch, report)
            summary.outcome = "quarantined"
            raise QualityGateFailed(
                f"batch {summary.run_id} failed {len(report.critical_failures)} critical "
                f"expectation(s) ({', '.join(report.critical_failures[:3])}); quarantined in {where}; "
                "the previous release stays current"
            )
        if not settings.publish:
            summary.outcome = "validated"
            return summary
        with stage(summary, "publish"):
            summary.stages["publish"] = publish_batch(settings, batch, report).to_dict()
        summary.outcome = "published"
        return summary
    except PipelineError as err:
        summary.error = str(err)
        if summary.outcome == "running":
            summary.outcome = "failed"
        raise
    except Exception as err:  # unexpected: still leave a readable summary
        summary.error = f"{type(err).__name__}: {err}"
        summary.outcome = "failed"
        raise
    finally:
        summary.finished_at = datetime.now(UTC).isoformat()
        summary.write(layout.runs)
