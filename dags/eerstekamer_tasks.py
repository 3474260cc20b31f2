"""The Airflow tasks both Eerste Kamer DAGs share: each a thin call into `pipeline`.

Not a DAG file (listed in `.airflowignore`). Importing it is cheap: stage modules are imported
inside the tasks, never at DAG-parse time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from airflow.sdk import (
    DAG,
    Asset,
    Connection,
    Param,
    TriggerRule,
    Variable,
    XComArg,
    get_current_context,
    task,
)
from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException, AirflowSkipException

from pipeline import orchestration as orch
from pipeline.config import DEFAULT_KINDS, Settings
from pipeline.publish.datasets import ASSET_URIS

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Papers per mapped parse task (EK_PARSE_BATCH_SIZE).
PARSE_BATCH_SIZE = int(os.environ.get("EK_PARSE_BATCH_SIZE", "20"))

#: One Asset per published table: the publish task's outlets.
PUBLISHED_ASSETS = [Asset(name=f"eerstekamer_{table}", uri=uri) for table, uri in ASSET_URIS.items()]

#: Retries with exponential back-off for every task (EK_TASK_RETRIES, EK_TASK_RETRY_DELAY seconds).
DEFAULT_ARGS: dict[str, Any] = {
    "owner": "eerstekamer",
    "retries": int(os.environ.get("EK_TASK_RETRIES", "2")),
    "retry_delay": timedelta(seconds=float(os.environ.get("EK_TASK_RETRY_DELAY", "60"))),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=30),
}


# --- Helpers -------------------------------------------------------------------------------------------


def _run_id() -> str:
    return orch.run_id_for(get_current_context()["dag_run"].run_after)


def _postgres_dsn() -> str | None:
    """The `eerstekamer_postgres` Connection (or AIRFLOW_CONN_EERSTEKAMER_POSTGRES) as a DSN, if set."""
    try:
        return Connection.get(orch.POSTGRES_CONN_ID).get_uri()
    except AirflowNotFoundException:
        return None


def _base_settings() -> Settings:
    """Settings from `EK_*`, overridden by the Airflow Variables that are set."""
    return orch.base_settings({name: Variable.get(name, default=None) for name in orch.VARIABLES})


def _journal(run: orch.RunContext) -> orch.RunJournal:
    return orch.RunJournal(run.settings.layout, run.run_id)


def _task_key(stage: str) -> str:
    """The journal name of this task instance: `parse-3` for mapped instance 3."""
    index = getattr(get_current_context()["ti"], "map_index", -1)
    return stage if index is None or index < 0 else f"{stage}-{index}"


def _stage(journal: orch.RunJournal, stage: str, call: Callable[[], T], **kwargs: Any) -> T:
    """Journal one stage call; an error no retry can fix fails the task at once."""
    try:
        return journal.run(stage, call, **kwargs)
    except orch.PERMANENT_ERRORS as err:
        raise AirflowFailException(str(err)) from err


# --- Tasks ---------------------------------------------------------------------------------------------


@task(retries=0)
def configure(backfill: bool = False) -> dict[str, Any]:
    """Params, data interval, Variables and Connections -> the run's settings (InvalidParameter if wrong).

    A backfill run's settings also carry its vergaderjaar windows (`windows`).
    """
    context = get_current_context()
    dag_run = context["dag_run"]
    base = _base_settings()
    interval = orch.fetch_interval(getattr(dag_run.run_type, "value", str(dag_run.run_type)),
                                   context.get("data_interval_start"), context.get("data_interval_end"))

    def build() -> dict[str, Any]:
        windows: list[dict[str, str]] = []
        if backfill:
            settings, windows = orch.backfill_from_params(context["params"], base)
        else:
            settings = orch.settings_from_params(context["params"], base, interval=interval,
                                                 watermark=orch.stored_watermark(base))
        settings.layout.ensure()
        run = orch.RunContext(run_id=_run_id(), settings=settings, airflow_run_id=dag_run.run_id)
        return {**run.to_json(), "windows": windows}

    run_json = _stage(orch.RunJournal(base.layout, _run_id()), "configure", build)
    log.info("run %s: %s", run_json["run_id"], run_json)
    return run_json


@task(max_active_tis_per_dag=1)
def discover(run_json: dict[str, Any]) -> None:
    """Ask the source what is new or changed; record the versions."""
    from pipeline.fetch.harvest import discover as discover_new

    run = orch.RunContext.from_json(run_json)
    _stage(_journal(run), "discover", lambda: discover_new(run.settings))


@task(max_active_tis_per_dag=1)
def fetch(run_json: dict[str, Any]) -> None:
    """Download every file not archived yet (resumes a crashed download)."""
    from pipeline.fetch.harvest import download_pending

    run = orch.RunContext.from_json(run_json)
    _stage(_journal(run), "fetch", lambda: download_pending(run.settings))


@task
def plan_backfill(run_json: dict[str, Any]) -> list[dict[str, str]]:
    """The vergaderjaren still to harvest: one mapped harvest task each."""
    windows = run_json["windows"]
    log.info("vergaderjaren to harvest: %s", [w["vergaderjaar"] for w in windows] or "none")
    return windows


@task(max_active_tis_per_dag=1, max_active_tis_per_dagrun=1)
def harvest_vergaderjaar(run_json: dict[str, Any], window: dict[str, str]) -> None:
    """Discover and download the papers of one vergaderjaar; record it as done when nothing failed."""
    from pipeline.fetch.harvest import harvest

    run = orch.RunContext.from_json(run_json)
    settings = orch.window_settings(run.settings, window)
    report = _stage(_journal(run), "harvest", lambda: harvest(settings), task=f"harvest-{window['vergaderjaar']}")
    if report.errors == 0:
        orch.mark_backfilled(settings.layout, window)


@task(trigger_rule=TriggerRule.NONE_FAILED)
def plan_parse(run_json: dict[str, Any]) -> list[list[str]]:
    """The pending papers in batches: one mapped parse task each (also when nothing was harvested)."""
    run = orch.RunContext.from_json(run_json)
    planned = orch.parse_batches(run.settings, PARSE_BATCH_SIZE)
    log.info("%d paper(s) to parse in %d batch(es)", sum(map(len, planned)), len(planned))
    return planned


@task
def parse(run_json: dict[str, Any], keys: list[str]) -> None:
    """Parse one batch of papers (a mapped task: Celery workers share the batches)."""
    from pipeline.parse.stage import parse_batch

    run = orch.RunContext.from_json(run_json)
    _stage(_journal(run), "parse", lambda: parse_batch(run.settings, keys), task=_task_key("parse"), papers=keys)


@task(trigger_rule=TriggerRule.NONE_FAILED)
def normalise(run_json: dict[str, Any], planned: list[list[str]]) -> dict[str, Any]:
    """Build the run's tables from the parsed papers; skip the rest when nothing was new."""
    from pipeline.normalise.stage import build_batch

    run = orch.RunContext.from_json(run_json)
    journal = _journal(run)
    if orch.nothing_new(run.settings, sum(map(len, planned))):
        journal.run("normalise", lambda: {orch.NOTHING_NEW: True})
        raise AirflowSkipException("nothing new to parse and a release exists: nothing to build")
    return _stage(journal, "normalise", lambda: build_batch(run.settings, run.run_id)).to_dict()


@task(retries=0)
def validate(run_json: dict[str, Any], batch: dict[str, Any]) -> dict[str, Any]:
    """Run the expectations; a critical failure quarantines the batch and fails the run."""
    from pipeline.normalise.stage import Batch
    from pipeline.quality.stage import validate_batch

    run = orch.RunContext.from_json(run_json)
    journal, tables = _journal(run), Batch.from_dict(batch)
    report = _stage(journal, "validate", lambda: validate_batch(run.settings, tables))
    if not report.passed:
        _stage(journal, "quarantine", lambda: orch.quarantine(run.settings, tables, report))
    return orch.validated_result(tables, report)


@task(outlets=PUBLISHED_ASSETS, max_active_tis_per_dag=1)
def publish(run_json: dict[str, Any], validated: dict[str, Any]) -> None:
    """Publish the validated batch as the new release (one publisher at a time, across DAGs)."""
    run = orch.RunContext.from_json(run_json)
    if not run.settings.publish:
        raise AirflowSkipException("publish is off for this run: the batch stays in staging")
    settings = replace(run.settings, postgres_dsn=_postgres_dsn() or run.settings.postgres_dsn)
    _stage(_journal(run), "publish", lambda: orch.publish(settings, validated))


@task
def summarise() -> dict[str, Any]:
    """Write the run summary (new, changed and failed papers, rows, expectations, seconds) and log it.

    A teardown: it runs whatever happened upstream, and its own state does not decide the run's.
    """
    context = get_current_context()
    run_json = context["ti"].xcom_pull(task_ids="configure")
    run = orch.RunContext.from_json(run_json) if run_json else None
    layout = run.settings.layout if run else _base_settings().layout
    summary = orch.summarise(
        orch.RunJournal(layout, _run_id()), started_at=str(context["dag_run"].start_date or ""),
        airflow_run_id=context["dag_run"].run_id, publish=run.settings.publish if run else True,
    )
    text = orch.describe_summary(summary)
    (log.error if summary.outcome in ("failed", "quarantined") else log.info)("%s", text)
    return {"run_id": summary.run_id, "outcome": summary.outcome, "path": str(layout.runs / f"{summary.run_id}.json")}


# --- Params and wiring shared by the DAGs ----------------------------------------------------------------


def run_params() -> dict[str, Param]:
    """The Params of a manual run (validated by Airflow on trigger, then by `orchestration`)."""
    defaults = orch.PARAM_DEFAULTS
    return {
        "since": Param(defaults["since"], type=["null", "string"], format="date", title="Since",
                       description="Fetch records modified on or after this date (YYYY-MM-DD). "
                                   "Empty: the data interval, or the stored watermark."),
        "until": Param(defaults["until"], type=["null", "string"], format="date", title="Until",
                       description="Fetch records modified up to this date (YYYY-MM-DD)."),
        "identifiers": Param(defaults["identifiers"], type="array", items={"type": "string"},
                             title="Identifiers", description="Only these publications, e.g. kst-36867-C."),
        "dossier": Param(defaults["dossier"], type=["null", "string"], title="Dossier",
                         description="Only this dossier, e.g. 36867 or 36600-VII."),
        "kinds": Param(defaults["kinds"], type="array", items={"type": "string", "enum": list(DEFAULT_KINDS)},
                       title="Publication kinds", description="The SRU w.publicatienaam values to fetch."),
        "reparse": Param(defaults["reparse"], type="boolean", title="Re-parse",
                         description="Parse every archived paper again (e.g. after a parser fix)."),
        "publish": Param(defaults["publish"], type="boolean", title="Publish",
                         description="Publish a release; off: stop after validation."),
    }


def parse_build_publish(run: XComArg, after: Any) -> None:
    """plan_parse → parse (mapped over batches) → normalise → validate → publish, after `after`."""
    planned = plan_parse(run)
    after >> planned
    parsed = parse.partial(run_json=run).expand(keys=planned)
    batch = normalise(run, planned)
    parsed >> batch
    publish(run, validate(run, batch))


def finish_with_summary(dag: DAG) -> None:
    """Add `summarise` as a teardown after every other task: it runs, whatever failed."""
    others = list(dag.tasks)
    summary = summarise().as_teardown()
    others >> summary
