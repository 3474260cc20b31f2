"""`eerste_kamer_etl`: configure → discover → fetch → parse (mapped) → normalise → validate → publish.

Scheduled by EK_ETL_SCHEDULE (cron, default daily at 05:00 UTC; "none" for manual runs only),
catchup off: a scheduled run fetches its data interval; a manual run takes Params. Every task is
a thin call into `pipeline`; `summarise` writes `runs/<run_id>.json` after every run.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import DAG, CronDataIntervalTimetable
from eerstekamer_tasks import (
    DEFAULT_ARGS,
    configure,
    discover,
    fetch,
    finish_with_summary,
    parse_build_publish,
    run_params,
)

SCHEDULE = os.environ.get("EK_ETL_SCHEDULE", "0 5 * * *").strip()

with DAG(
    dag_id="eerste_kamer_etl",
    description="Fetch, parse, normalise, validate and publish new Eerste Kamer papers",
    schedule=None if SCHEDULE.lower() in ("", "none") else CronDataIntervalTimetable(SCHEDULE, timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params=run_params(),
    tags=["eerstekamer"],
    doc_md=__doc__,
) as dag:
    run = configure()
    fetched = fetch(run)
    discover(run) >> fetched
    parse_build_publish(run, after=fetched)
    finish_with_summary(dag)
