"""The run journal: one JSON file per step result or failure, and the run summary made from it.

`runs/<run_id>/<task>.json` holds a finished step's report and seconds, `<task>.failed.json` a
failed one's stage, papers and reason. Steps may run in different processes (Celery workers,
retries, other hosts); the journal is what the summary is built from, for the command line and
the DAGs alike. The summary is `runs/<run_id>.json`. These are files below the data directory,
or rows of the state database's `json_files` table when the layout names one
(`pipeline.statedb.json_files`); the summary is then also written to `DIR/runs/` for people.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pipeline.config import DataLayout
from pipeline.errors import PipelineError
from pipeline.files import write_json
from pipeline.statedb import JsonFiles, json_files

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A normalise result with this key means the run found nothing new to build.
NOTHING_NEW = "nothing_new"
#: The folder of the run journals and summaries.
RUNS = "runs"


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, unique enough for one data directory: `20261128T131500123Z`."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"


def unique_run_id(files: JsonFiles) -> str:
    """A run id no earlier run of this state has (take it holding the run lock)."""
    taken = files.names(RUNS)
    now = datetime.now(UTC)
    while (run_id := new_run_id(now)) in taken:
        now += timedelta(milliseconds=1)
    return run_id


@dataclass
class RunSummary:
    """What a run did, written to `runs/<run_id>.json` after every run, failed or not."""

    run_id: str
    started_at: str
    finished_at: str = ""
    outcome: str = "running"  # published | nothing-new | quarantined | validated | fetched-only | failed
    error: str = ""
    failed_stage: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stages: dict[str, Any] = field(default_factory=dict)  # each stage's report, `totals`, `failures`


@dataclass
class StageFailure:
    """Why a stage failed, for people: which stage, which papers, the reason."""

    stage: str
    task: str
    error: str
    papers: list[str] = field(default_factory=list)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def describe(self) -> str:
        shown = ", ".join(self.papers[:10]) + (", ..." if len(self.papers) > 10 else "")
        papers = f" on {len(self.papers)} paper(s) ({shown})" if self.papers else ""
        return f"stage {self.stage} failed{papers}: {self.error}"


@dataclass(frozen=True)
class RunJournal:
    """`runs/<run_id>/`: `<task>.json` per finished step, `<task>.failed.json` per failed one."""

    layout: DataLayout
    run_id: str

    @property
    def folder(self) -> str:
        return f"{RUNS}/{self.run_id}"

    def run(self, stage: str, call: Callable[[], T], *, task: str | None = None, papers: Sequence[str] = ()) -> T:
        """Run one step and journal its report (`to_dict()` or a plain value) and time.

        On failure log a readable note and journal it before re-raising; on success drop the
        note an earlier try of the same task left."""
        task = task or stage
        failed = f"{self.folder}/{task}.failed.json"
        start = time.perf_counter()
        try:
            report = call()
        except Exception as err:
            reason = str(err) if isinstance(err, PipelineError) else f"{type(err).__name__}: {err}"
            failure = StageFailure(stage=stage, task=task, error=reason, papers=list(papers))
            with json_files(self.layout) as files:
                log.error("%s (run %s; note in %s)", failure.describe(), self.run_id, files.where(failed))
                files.put(failed, asdict(failure))
            raise
        seconds = round(time.perf_counter() - start, 3)
        with json_files(self.layout) as files:
            files.put(f"{self.folder}/{task}.json", {"stage": stage, "task": task, "seconds": seconds,
                                                     "report": _report_dict(report)})
            files.delete(failed)
        log.info("stage %s (%s): %.1fs", stage, task, seconds)
        return report

    def results(self) -> list[dict[str, Any]]:
        return [value for name, value in self._items() if not name.endswith(".failed.json")]

    def failures(self) -> list[StageFailure]:
        return [StageFailure(**value) for name, value in self._items() if name.endswith(".failed.json")]

    def _items(self) -> list[tuple[str, Any]]:
        with json_files(self.layout) as files:
            return files.items(self.folder)


def _report_dict(report: Any) -> Any:
    return report.to_dict() if hasattr(report, "to_dict") else report


# --- The run summary -------------------------------------------------------------------------------------


def summarise(journal: RunJournal, *, started_at: str, airflow_run_id: str = "", publish: bool = True) -> RunSummary:
    """The RunSummary of a run, from its journal; written to `runs/<run_id>.json` (and, when that
    is in the state database, to the data directory's `runs/` for people too)."""
    results, failures = journal.results(), journal.failures()
    summary = RunSummary(run_id=journal.run_id, started_at=started_at)
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_stage.setdefault(result["stage"], []).append(result)
    for stage, stage_results in by_stage.items():
        summary.stage_seconds[stage] = round(sum(r["seconds"] for r in stage_results), 3)
        summary.stages[stage] = _stage_report(stage, stage_results)
    summary.stages["totals"] = run_totals(by_stage)
    if airflow_run_id:
        summary.stages["airflow_run_id"] = airflow_run_id
    if failures:
        summary.failed_stage = failures[0].stage
        summary.error = "; ".join(f.describe() for f in failures)
        summary.stages["failures"] = [asdict(f) for f in failures]
    summary.outcome = _outcome(summary.stages, bool(failures), publish)
    summary.finished_at = datetime.now(UTC).isoformat()
    with json_files(journal.layout) as files:
        files.put(f"{RUNS}/{summary.run_id}.json", asdict(summary))
    if journal.layout.state_dsn:
        write_json(journal.layout.runs / f"{summary.run_id}.json", asdict(summary))
    return summary


def _stage_report(stage: str, results: Sequence[Mapping[str, Any]]) -> Any:
    if stage == "parse":
        from pipeline.parse.stage import ParseReport

        merged = ParseReport()
        for result in results:
            merged.merge(ParseReport(**result["report"]))
        return merged.to_dict()
    if stage == "validate":  # the counts are in the totals; every result is in quality_results
        return {k: v for k, v in results[-1]["report"].items() if k != "results"}
    if len(results) == 1:
        return results[0]["report"]
    return {r["task"]: r["report"] for r in results}


#: Stages that only harvest: a run that did nothing after them was a fetch.
HARVEST_STAGES = frozenset({"configure", "discover", "fetch", "harvest"})


def _outcome(stages: Mapping[str, Any], failed: bool, publish: bool) -> str:
    if (stages.get("validate") or {}).get("passed") is False:
        return "quarantined"
    if failed:
        return "failed"
    if "publish" in stages:
        return "published"
    if (stages.get("normalise") or {}).get(NOTHING_NEW):
        return "nothing-new"
    if "validate" in stages and not publish:
        return "validated"
    if "parse" not in stages and set(stages) - {"totals", "airflow_run_id"} <= HARVEST_STAGES:
        return "fetched-only"
    return "failed"


def run_totals(by_stage: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The headline figures: new, changed and failed papers, rows per table, expectations."""

    def reports(*stages: str) -> list[Mapping[str, Any]]:
        return [r["report"] for stage in stages for r in by_stage.get(stage, ())]

    found = reports("discover", "harvest")
    built = reports("normalise")
    validated = reports("validate")
    outcomes = validated[0].get("results", []) if validated else []
    return {
        "new_papers": sum(r.get("new", 0) for r in found),
        "changed_papers": sum(r.get("changed", 0) for r in found),
        "failed_papers": sorted({f["identifier"] for r in reports("parse") for f in r.get("failed", [])}),
        "failed_downloads": sum(r.get("errors", 0) for r in reports("fetch", "harvest")),
        "held_back_papers": sorted({f"{f['identifier']}@{f['version']}" for r in reports("parse")
                                    for f in r.get("failed", []) if f["source"] == "record"}
                                   | set(validated[-1].get("held_back", {}) if validated else ())),
        "rows": built[0].get("row_counts", {}) if built else {},
        "expectations_passed": sum(r["success"] for r in outcomes) if validated else None,
        "expectations_failed": sum(not r["success"] for r in outcomes) if validated else None,
    }


def describe_summary(summary: RunSummary) -> str:
    """The summary as a few readable lines for a log."""
    totals = summary.stages.get("totals", {})
    lines = [f"run {summary.run_id}: {summary.outcome}"]
    if summary.error:
        lines.append(f"  failed in stage {summary.failed_stage}: {summary.error}")
    lines.append(f"  papers: {totals.get('new_papers', 0)} new, {totals.get('changed_papers', 0)} changed, "
                 f"{len(totals.get('failed_papers', []))} failed to parse, "
                 f"{totals.get('failed_downloads', 0)} failed download(s), "
                 f"{len(totals.get('held_back_papers', []))} held back")
    if totals.get("rows"):
        lines.append("  rows: " + ", ".join(f"{t} {n}" for t, n in totals["rows"].items()))
    if totals.get("expectations_passed") is not None:
        lines.append(f"  expectations: {totals['expectations_passed']} passed, "
                     f"{totals['expectations_failed']} failed")
    lines.append("  seconds: " + ", ".join(f"{s} {t:.1f}" for s, t in summary.stage_seconds.items()))
    return "\n".join(lines)
