"""The Airflow tasks both Eerste Kamer DAGs share: each a thin call into `pipeline`.

Not a DAG file (listed in `.airflowignore`). Importing it is cheap: stage modules are imported
inside the tasks, never at DAG-parse time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
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

from pipeline.config import DEFAULT_KINDS, Settings
from pipeline.flow import backfill as bf
from pipeline.flow import params, steps
from pipeline.flow.journal import RunJournal, describe_summary
from pipeline.flow.params import RunContext
from pipeline.publish.datasets import ASSET_URIS, asset_extras

log = logging.getLogger(__name__)
T = TypeVar("T")

#: One Asset per published table: the publish task's outlets.
ASSETS = {table: Asset(name=f"eerstekamer_{table}", uri=uri) for table, uri in ASSET_URIS.items()}
PUBLISHED_ASSETS = list(ASSETS.values())

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
    return params.run_id_for(get_current_context()["dag_run"].run_after)


def _connection_dsn(conn_id: str) -> str | None:
    """The Connection `conn_id` (or AIRFLOW_CONN_<CONN_ID>) as a DSN, if set."""
    try:
        return Connection.get(conn_id).get_uri()
    except AirflowNotFoundException:
        return None


def _postgres_dsn() -> str | None:
    """The publish target: the `eerstekamer_postgres` Connection, if set."""
    return _connection_dsn(params.POSTGRES_CONN_ID)


def _state_dsn() -> str | None:
    """The database of the run state: the `eerstekamer_state` Connection, if set (else EK_STATE_DSN)."""
    return _connection_dsn(params.STATE_CONN_ID)


def _base_settings() -> Settings:
    """Settings: the Airflow Variables and the state Connection that are set > `EK_*` > defaults."""
    return params.base_settings({name: Variable.get(name, default=None) for name in params.VARIABLES},
                                state_dsn=_state_dsn())


def _run(run_json: dict[str, Any]) -> RunContext:
    """The run's context in this task (its secrets from this worker's environment and Connections)."""
    return RunContext.from_json(run_json, state_dsn=_state_dsn())


def _task_key(stage: str) -> str:
    """The journal name of this task instance: `parse-3` for mapped instance 3."""
    index = getattr(get_current_context()["ti"], "map_index", -1)
    return stage if index is None or index < 0 else f"{stage}-{index}"


def _step(call: Callable[[], T]) -> T:
    """Run one step; an error no retry can fix fails the task at once."""
    try:
        return call()
    except steps.PERMANENT_ERRORS as err:
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
    interval = params.fetch_interval(getattr(dag_run.run_type, "value", str(dag_run.run_type)),
                                     context.get("data_interval_start"), context.get("data_interval_end"))

    def build() -> dict[str, Any]:
        windows: list[dict[str, str]] = []
        if backfill:
            settings, windows = bf.backfill_from_params(context["params"], base)
        else:
            settings = params.settings_from_params(context["params"], base, interval=interval,
                                                   watermark=params.stored_watermark(base))
        settings.layout.ensure()
        run = RunContext(run_id=_run_id(), settings=settings, airflow_run_id=dag_run.run_id)
        steps.begin(run, owner=f"airflow {dag_run.dag_id} {dag_run.run_id}")
        return {**run.to_json(), "windows": windows}

    run_json = _step(lambda: RunJournal(base.layout, _run_id()).run("configure", build))
    log.info("run %s: %s", run_json["run_id"], run_json)
    return run_json


@task(max_active_tis_per_dag=1)
def discover(run_json: dict[str, Any]) -> None:
    """Ask the source what is new or changed; record the versions."""
    _step(lambda: steps.discover(_run(run_json)))


@task(max_active_tis_per_dag=1)
def fetch(run_json: dict[str, Any]) -> None:
    """Download every file not archived yet (resumes a crashed download)."""
    _step(lambda: steps.fetch(_run(run_json)))


@task
def plan_backfill(run_json: dict[str, Any]) -> list[dict[str, str]]:
    """The vergaderjaren still to harvest: one mapped harvest task each."""
    windows = run_json["windows"]
    log.info("vergaderjaren to harvest: %s", [w["vergaderjaar"] for w in windows] or "none")
    return windows


@task(max_active_tis_per_dag=1, max_active_tis_per_dagrun=1)
def harvest_vergaderjaar(run_json: dict[str, Any], window: dict[str, str]) -> None:
    """Discover and download the papers of one vergaderjaar; record it as done when nothing failed."""
    _step(lambda: steps.harvest(_run(run_json), window))


@task(trigger_rule=TriggerRule.NONE_FAILED)
def plan_parse(run_json: dict[str, Any]) -> list[list[str]]:
    """The pending papers in batches: one mapped parse task each (also when nothing was harvested)."""
    planned = steps.plan_parse(_run(run_json))
    log.info("%d paper(s) to parse in %d batch(es)", sum(map(len, planned)), len(planned))
    return planned


@task
def parse(run_json: dict[str, Any], keys: list[str]) -> None:
    """Parse one batch of papers (a mapped task: Celery workers share the batches)."""
    planned = sum(map(len, get_current_context()["ti"].xcom_pull(task_ids="plan_parse") or [keys]))
    _step(lambda: steps.parse(_run(run_json), keys, task=_task_key("parse"), planned=planned))


@task(trigger_rule=TriggerRule.NONE_FAILED)
def normalise(run_json: dict[str, Any], planned: list[list[str]]) -> dict[str, Any]:
    """Build the run's tables from the parsed papers; skip the rest when nothing was new."""
    batch = _step(lambda: steps.normalise(_run(run_json), sum(map(len, planned)),
                                          postgres_dsn=_postgres_dsn()))
    if batch is None:
        raise AirflowSkipException("nothing new to parse and a release exists: nothing to build")
    return batch


@task(retries=0)
def validate(run_json: dict[str, Any], batch: dict[str, Any]) -> dict[str, Any]:
    """Run the expectations; a critical failure quarantines the batch and fails the run."""
    return _step(lambda: steps.validate(_run(run_json), batch))


@task(outlets=PUBLISHED_ASSETS, max_active_tis_per_dag=1)
def publish(run_json: dict[str, Any], validated: dict[str, Any]) -> None:
    """Publish the validated batch as the new release (one publisher at a time, across DAGs); each
    table's asset event carries the release id, row counts and source watermark (`asset_extras`)."""
    release = _step(lambda: steps.publish(_run(run_json), validated, postgres_dsn=_postgres_dsn()))
    if release is None:
        raise AirflowSkipException("publish is off for this run: the batch stays in staging")
    outlet_events = get_current_context()["outlet_events"]
    for table, extra in asset_extras(release).items():
        outlet_events[ASSETS[table]].extra = extra


@task
def summarise() -> dict[str, Any]:
    """Write the run summary (new, changed and failed papers, rows, expectations, seconds) and log it.

    A teardown: it runs whatever happened upstream, and its own state does not decide the run's.
    """
    context = get_current_context()
    run_json = context["ti"].xcom_pull(task_ids="configure")
    run = _run(run_json) if run_json else RunContext(_run_id(), _base_settings())
    run = RunContext(run.run_id, run.settings, context["dag_run"].run_id)
    summary = steps.finish(run, started_at=str(context["dag_run"].start_date or ""), release_lock=True)
    (log.error if summary.outcome in ("failed", "quarantined") else log.info)("%s", describe_summary(summary))
    return {"run_id": summary.run_id, "outcome": summary.outcome,
            "path": str(run.settings.layout.runs / f"{summary.run_id}.json")}


# --- Params and wiring shared by the DAGs ----------------------------------------------------------------


def run_params() -> dict[str, Param]:
    """The Params of a manual run (validated by Airflow on trigger, then by `pipeline.flow.params`)."""
    defaults = params.PARAM_DEFAULTS
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
