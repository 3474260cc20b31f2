"""What the DAG tasks do beyond one call into a stage.

DAG Params and the run's data interval become `Settings` (validated, `InvalidParameter` naming
the parameter and the reason); settings and stage results travel between tasks as plain JSON
dicts; a failing stage leaves a note (stage, papers, reason) in the data directory; after every
run the notes and results become one `RunSummary`. Nothing here imports Airflow.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.config import DEFAULT_KINDS, DataLayout, Settings
from pipeline.errors import InvalidParameter, PipelineError, QualityGateFailed
from pipeline.runner import RunSummary, new_run_id
from pipeline.sources import vergaderjaar

if TYPE_CHECKING:
    from pipeline.normalise.stage import Batch
    from pipeline.quality.stage import QualityReport

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The Params of a manual run and their defaults (a scheduled run uses these defaults).
PARAM_DEFAULTS: dict[str, Any] = {
    "since": None,
    "until": None,
    "identifiers": [],
    "dossier": None,
    "kinds": list(DEFAULT_KINDS),
    "reparse": False,
    "publish": True,
}

#: Errors a retry cannot fix: the task fails at once.
PERMANENT_ERRORS: tuple[type[PipelineError], ...] = (InvalidParameter, QualityGateFailed)

#: Airflow Variables (or `AIRFLOW_VAR_<NAME>` environment variables) that override Settings.
VARIABLES: dict[str, str] = {"ek_data_dir": "data_dir", "ek_sru_url": "sru_url", "ek_max_rps": "max_rps"}

#: The Airflow Connection to the database the dashboards read (publish target).
POSTGRES_CONN_ID = "eerstekamer_postgres"

_IDENTIFIER = re.compile(r"^(?=.*\d)[a-z]+(?:-[a-z]+)*-[0-9A-Za-z][0-9A-Za-z-]*$")
_DOSSIER = re.compile(r"^\d{4,6}(?:-[0-9A-Z]+)*$")


# --- Params -> Settings --------------------------------------------------------------------------


def _date_param(name: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameter(f"param {name!r}: {value!r} is not a date in the form YYYY-MM-DD") from None


def _bool_param(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameter(f"param {name!r}: {value!r} is not true or false")
    return value


def _list_param(name: str, value: Any) -> list[str]:
    """A list of strings, or one string of items separated by commas or spaces."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [item for item in re.split(r"[\s,]+", value) if item]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise InvalidParameter(f"param {name!r}: {value!r} is not a list of strings")


def _identifiers(value: Any) -> tuple[str, ...]:
    identifiers = _list_param("identifiers", value)
    for identifier in identifiers:
        if not _IDENTIFIER.match(identifier):
            raise InvalidParameter(f"param 'identifiers': {identifier!r} is not a publication identifier "
                                   "such as kst-36867-C or h-ek-20242025-12")
    return tuple(identifiers)


def _dossier(value: Any) -> str | None:
    if value in (None, ""):
        return None
    dossier = str(value).strip()
    if not _DOSSIER.match(dossier):
        raise InvalidParameter(f"param 'dossier': {value!r} is not a dossier number such as 36867 or 36600-VII")
    return dossier


def _kinds(value: Any) -> tuple[str, ...]:
    kinds = _list_param("kinds", value) if not isinstance(value, str) else [value]
    unknown = [kind for kind in kinds if kind not in DEFAULT_KINDS]
    if unknown or not kinds:
        raise InvalidParameter(f"param 'kinds': {unknown or kinds!r} is not a subset of {list(DEFAULT_KINDS)}")
    return tuple(kinds)


def settings_from_params(
    params: Mapping[str, Any],
    base: Settings,
    *,
    interval: tuple[datetime | None, datetime | None] = (None, None),
    watermark: date | None = None,
) -> Settings:
    """The Settings of one run: `base` (environment, Variables) with the Params applied.

    Dates in Params win. Otherwise a scheduled run fetches its data interval: from the interval
    start (or the stored `watermark` when that is earlier, so a failed run leaves no gap) to its
    end. A manual run without dates starts from the watermark, like the CLI.
    """
    unknown = sorted(set(params) - set(PARAM_DEFAULTS))
    if unknown:
        raise InvalidParameter(f"unknown param(s) {unknown}; the DAG takes {sorted(PARAM_DEFAULTS)}")
    p = {**PARAM_DEFAULTS, **params}
    since, until = _date_param("since", p["since"]), _date_param("until", p["until"])
    start, end = interval
    if since is None and until is None and start is not None and end is not None:
        since = min(start.date(), watermark) if watermark else start.date()
        until = end.date()
    if since and until and since > until:
        raise InvalidParameter(f"param 'since' ({since}) is after param 'until' ({until})")
    return replace(
        base, since=since, until=until, identifiers=_identifiers(p["identifiers"]), dossier=_dossier(p["dossier"]),
        kinds=_kinds(p["kinds"]), reparse=_bool_param("reparse", p["reparse"]),
        publish=_bool_param("publish", p["publish"]),
    )


def fetch_interval(run_type: str, start: datetime | None, end: datetime | None
                   ) -> tuple[datetime | None, datetime | None]:
    """The data interval a run fetches: a scheduled (or backfill) run's own; none for a manual run."""
    return (start, end) if run_type in ("scheduled", "backfill") else (None, None)


def base_settings(variables: Mapping[str, str | None]) -> Settings:
    """Settings from the environment (`EK_*`), overridden by the Airflow Variables that are set."""
    settings = Settings()
    changes: dict[str, Any] = {}
    for variable, attr in VARIABLES.items():
        value = variables.get(variable)
        if value in (None, ""):
            continue
        if attr == "max_rps":
            try:
                changes[attr] = float(value)  # type: ignore[arg-type]
            except ValueError:
                raise InvalidParameter(f"Airflow Variable {variable!r}: {value!r} is not a number") from None
        else:
            changes[attr] = Path(value) if attr == "data_dir" else value  # type: ignore[arg-type]
    return replace(settings, **changes)


def stored_watermark(settings: Settings) -> date | None:
    """The fetch stage's watermark for the run's kinds, or None before the first harvest."""
    if not settings.layout.state_db.exists():
        return None
    from pipeline.ledger import StateStore

    with StateStore(settings.layout.state_db) as store:
        return store.watermark(settings.kinds)


# --- Settings and results as JSON ------------------------------------------------------------------


#: Settings that never leave the process: XComs, the journal and logs are readable by many.
SECRET_SETTINGS = ("postgres_dsn",)


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Settings as a JSON-able dict (an XCom value) without secrets, read back by `settings_from_json`."""
    data = {k: v for k, v in asdict(settings).items() if k not in SECRET_SETTINGS}
    data["data_dir"] = str(settings.data_dir)
    for name in ("since", "until"):
        data[name] = data[name].isoformat() if data[name] else None
    data["kinds"], data["identifiers"] = list(settings.kinds), list(settings.identifiers)
    return data


def settings_from_json(data: Mapping[str, Any]) -> Settings:
    """The Settings of `settings_to_json`; secrets come from this process's environment again."""
    known = {f.name for f in fields(Settings)} - set(SECRET_SETTINGS)
    values = {k: v for k, v in data.items() if k in known}
    values["data_dir"] = Path(values["data_dir"])
    for name in ("since", "until"):
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    values["kinds"], values["identifiers"] = tuple(values["kinds"]), tuple(values["identifiers"])
    return Settings(**values)


@dataclass(frozen=True)
class RunContext:
    """What every task of one DAG run shares: the pipeline run id and the settings."""

    run_id: str
    settings: Settings
    airflow_run_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "airflow_run_id": self.airflow_run_id,
                "settings": settings_to_json(self.settings)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunContext:
        return cls(run_id=data["run_id"], airflow_run_id=data.get("airflow_run_id", ""),
                   settings=settings_from_json(data["settings"]))


def run_id_for(run_after: datetime | None) -> str:
    """The pipeline run id of a DAG run: the same for every task and every retry of that run."""
    return new_run_id(run_after.astimezone(UTC) if run_after else None)


# --- The run journal: one file per task result or failure --------------------------------------------


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
    """`runs/<run_id>/`: `<task>.json` per finished task, `<task>.failed.json` per failed one.

    Tasks may run on different Celery workers; the journal in the shared data directory is what
    the run summary is built from, whatever the executor.
    """

    layout: DataLayout
    run_id: str

    @property
    def folder(self) -> Path:
        return self.layout.runs / self.run_id

    def run(self, stage: str, call: Callable[[], T], *, task: str | None = None, papers: Sequence[str] = ()) -> T:
        """Run one stage call and journal its report (`to_dict()`) and time.

        On failure log a readable note and journal it before re-raising; on success drop the
        note an earlier try of the same task left.
        """
        task = task or stage
        failed = self.folder / f"{task}.failed.json"
        start = time.perf_counter()
        try:
            report = call()
        except Exception as err:
            reason = str(err) if isinstance(err, PipelineError) else f"{type(err).__name__}: {err}"
            failure = StageFailure(stage=stage, task=task, error=reason, papers=list(papers))
            log.error("%s (run %s; note in %s)", failure.describe(), self.run_id, failed)
            _write_json(failed, asdict(failure))
            raise
        seconds = round(time.perf_counter() - start, 3)
        _write_json(self.folder / f"{task}.json", {"stage": stage, "task": task, "seconds": seconds,
                                                    "report": _report_dict(report)})
        failed.unlink(missing_ok=True)
        log.info("stage %s (%s): %.1fs", stage, task, seconds)
        return report

    def results(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text()) for p in self._files("*.json") if not p.name.endswith(".failed.json")]

    def failures(self) -> list[StageFailure]:
        return [StageFailure(**json.loads(p.read_text())) for p in self._files("*.failed.json")]

    def _files(self, pattern: str) -> list[Path]:
        return sorted(self.folder.glob(pattern), key=lambda p: p.stat().st_mtime) if self.folder.exists() else []


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    tmp.replace(path)


def _report_dict(report: Any) -> Any:
    return report.to_dict() if hasattr(report, "to_dict") else report


# --- Parse fan-out and the nothing-new rule -----------------------------------------------------------


def parse_batches(settings: Settings, size: int) -> list[list[str]]:
    """The pending papers cut into batches, one mapped parse task each."""
    from pipeline.parse.stage import batches, pending_keys

    return batches(pending_keys(settings), size)


def nothing_new(settings: Settings, pending: int) -> bool:
    """True when no paper was pending and a release exists: there is no new batch to build."""
    if pending or settings.reparse:
        return False
    from pipeline.publish.stage import current_release

    return current_release(settings) is not None


# --- Validate and publish: the batch and its quality report between tasks ---------------------------------


def validated_result(batch: Batch, report: QualityReport) -> dict[str, Any]:
    """What the validate task hands to publish: the batch (now with `quality_results`) and the report.

    The report without its per-expectation results: those are in the batch's `quality_results`.
    """
    return {"batch": batch.to_dict(), "quality": {**report.to_dict(), "results": []}}


def quarantine(settings: Settings, batch: Batch, report: QualityReport) -> None:
    """Quarantine a batch that failed a critical expectation, then raise QualityGateFailed."""
    from pipeline.publish.stage import quarantine_batch

    where = quarantine_batch(settings, batch, report)
    raise QualityGateFailed(
        f"batch {batch.run_id} failed {len(report.critical_failures)} critical expectation(s) "
        f"({'; '.join(report.critical_failures[:3])}); quarantined in {where}; the previous release stays current")


def publish(settings: Settings, validated: Mapping[str, Any]) -> Any:
    """Publish the validated batch (the publish stage holds the data directory's publish lock)."""
    from pipeline.normalise.stage import Batch
    from pipeline.publish.stage import publish_batch
    from pipeline.quality.stage import QualityReport

    return publish_batch(settings, Batch.from_dict(validated["batch"]), QualityReport(**validated["quality"]))


# --- Vergaderjaren (backfill) -----------------------------------------------------------------------------


def vergaderjaar_windows(first: int, last: int, today: date | None = None) -> list[dict[str, str]]:
    """One window per vergaderjaar from `first` to `last` (start years) that has begun.

    `since`..`until` is its span (Prinsjesdag to the day before the next, capped at today): not a
    filter, but what tells a complete vergaderjaar from the current one, which grows.
    """
    if first > last:
        raise InvalidParameter(f"first vergaderjaar {vergaderjaar.name(first)} is after the last, "
                               f"{vergaderjaar.name(last)}")
    today = today or datetime.now(UTC).date()
    windows = []
    for year in range(first, last + 1):
        start, end = vergaderjaar.prinsjesdag(year), vergaderjaar.prinsjesdag(year + 1) - timedelta(days=1)
        if start > today:
            break
        windows.append({"vergaderjaar": vergaderjaar.name(year), "since": start.isoformat(),
                        "until": min(end, today).isoformat()})
    return windows


#: The Params of a backfill run and their defaults.
BACKFILL_PARAM_DEFAULTS: dict[str, Any] = {
    "first_vergaderjaar": "2015-2016",
    "last_vergaderjaar": None,  # None: the current one
    "kinds": list(DEFAULT_KINDS),
    "redo": False,
    "publish": True,
}


def backfill_from_params(params: Mapping[str, Any], base: Settings, today: date | None = None
                         ) -> tuple[Settings, list[dict[str, str]]]:
    """A backfill's settings and its vergaderjaar windows (those harvested already left out)."""
    unknown = sorted(set(params) - set(BACKFILL_PARAM_DEFAULTS))
    if unknown:
        raise InvalidParameter(f"unknown param(s) {unknown}; the DAG takes {sorted(BACKFILL_PARAM_DEFAULTS)}")
    p = {**BACKFILL_PARAM_DEFAULTS, **params}
    today = today or datetime.now(UTC).date()
    first = vergaderjaar.parse(p["first_vergaderjaar"], "param 'first_vergaderjaar'")
    last = vergaderjaar.parse(p["last_vergaderjaar"], "param 'last_vergaderjaar'") if p["last_vergaderjaar"] \
        else vergaderjaar.start_year_of(today)
    settings = replace(base, kinds=_kinds(p["kinds"]), publish=_bool_param("publish", p["publish"]))
    windows = vergaderjaar_windows(first, last, today)
    return settings, windows_to_harvest(settings.layout, windows, _bool_param("redo", p["redo"]))


def window_settings(settings: Settings, window: Mapping[str, str]) -> Settings:
    """The settings to harvest one vergaderjaar: its papers (`w.vergaderjaar`), whenever modified."""
    return replace(settings, vergaderjaar=window["vergaderjaar"], since=None, until=None)


def backfill_state_path(layout: DataLayout) -> Path:
    return layout.root / "backfill.json"


#: How backfill.json marks a vergaderjaar harvested by its papers' own vergaderjaar (earlier
#: backfills harvested dt.modified windows, which do not hold a vergaderjaar's papers: those count as not done).
BACKFILLED_BY = "w.vergaderjaar"


def backfilled(layout: DataLayout) -> dict[str, dict[str, Any]]:
    """Vergaderjaren whose harvest completed: vergaderjaar -> {since, until, by, finished_at}."""
    path = backfill_state_path(layout)
    return json.loads(path.read_text()) if path.exists() else {}


def mark_backfilled(layout: DataLayout, window: Mapping[str, str]) -> None:
    """Record a vergaderjaar window as harvested; a later, longer window of it is harvested again."""
    done = backfilled(layout)
    done[window["vergaderjaar"]] = {**window, "by": BACKFILLED_BY, "finished_at": datetime.now(UTC).isoformat()}
    _write_json(backfill_state_path(layout), dict(sorted(done.items())))


def windows_to_harvest(layout: DataLayout, windows: Sequence[Mapping[str, str]], redo: bool) -> list[dict[str, str]]:
    """The windows not harvested completely yet (all with `redo`): what makes a backfill resumable."""
    done = {} if redo else backfilled(layout)

    def complete(window: Mapping[str, str]) -> bool:
        entry = done.get(window["vergaderjaar"], {})
        return entry.get("by") == BACKFILLED_BY and entry.get("until") == window["until"]

    return [dict(w) for w in windows if not complete(w)]


# --- The run summary -------------------------------------------------------------------------------------

#: A normalise result with this key means the run found nothing new to build.
NOTHING_NEW = "nothing_new"


def summarise(journal: RunJournal, *, started_at: str, airflow_run_id: str = "", publish: bool = True) -> RunSummary:
    """The RunSummary of a DAG run, from its journal; written to `runs/<run_id>.json`."""
    results, failures = journal.results(), journal.failures()
    summary = RunSummary(run_id=journal.run_id, started_at=started_at)
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_stage.setdefault(result["stage"], []).append(result)
    for stage, stage_results in by_stage.items():
        summary.stage_seconds[stage] = round(sum(r["seconds"] for r in stage_results), 3)
        summary.stages[stage] = _stage_report(stage, stage_results)
    summary.stages["totals"] = run_totals(by_stage)
    summary.stages["airflow_run_id"] = airflow_run_id
    if failures:
        summary.failed_stage = failures[0].stage
        summary.error = "; ".join(f.describe() for f in failures)
        summary.stages["failures"] = [asdict(f) for f in failures]
    summary.outcome = _outcome(summary.stages, bool(failures), publish)
    summary.finished_at = datetime.now(UTC).isoformat()
    summary.write(journal.layout.runs)
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
        "rows": built[0].get("row_counts", {}) if built else {},
        "expectations_passed": sum(r["success"] for r in outcomes) if validated else None,
        "expectations_failed": sum(not r["success"] for r in outcomes) if validated else None,
    }


def describe_summary(summary: RunSummary) -> str:
    """The summary as a few readable lines for the task log."""
    totals = summary.stages.get("totals", {})
    lines = [f"run {summary.run_id}: {summary.outcome}"]
    if summary.error:
        lines.append(f"  failed in stage {summary.failed_stage}: {summary.error}")
    lines.append(f"  papers: {totals.get('new_papers', 0)} new, {totals.get('changed_papers', 0)} changed, "
                 f"{len(totals.get('failed_papers', []))} failed to parse, "
                 f"{totals.get('failed_downloads', 0)} failed download(s)")
    if totals.get("rows"):
        lines.append("  rows: " + ", ".join(f"{t} {n}" for t, n in totals["rows"].items()))
    if totals.get("expectations_passed") is not None:
        lines.append(f"  expectations: {totals['expectations_passed']} passed, "
                     f"{totals['expectations_failed']} failed")
    lines.append("  seconds: " + ", ".join(f"{s} {t:.1f}" for s, t in summary.stage_seconds.items()))
    return "\n".join(lines)
