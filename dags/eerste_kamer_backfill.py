"""`eerste_kamer_backfill`: the history, one vergaderjaar at a time, resumable.

Triggered by hand with a range of vergaderjaren (Params). Each vergaderjaar is one mapped harvest
task of the papers of that vergaderjaar (SRU `w.vergaderjaar==2019-2020`, whenever they were
modified), run one at a time to stay polite to the source; such a narrowed harvest never moves the
watermark of the scheduled DAG. A vergaderjaar harvested without errors is recorded in
`DIR/backfill.json` and skipped by the next backfill (unless `redo`; the current vergaderjaar is
harvested again while it grows), and downloads resume file by file. Then the same parse →
normalise → validate → publish tail as `eerste_kamer_etl`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Param
from eerstekamer_tasks import (
    DEFAULT_ARGS,
    configure,
    finish_with_summary,
    harvest_vergaderjaar,
    parse_build_publish,
    plan_backfill,
)

from pipeline.config import DEFAULT_KINDS
from pipeline.flow.backfill import BACKFILL_PARAM_DEFAULTS

VERGADERJAAR = r"^\d{4}-\d{4}$"

with DAG(
    dag_id="eerste_kamer_backfill",
    description="Harvest and publish the history of the Eerste Kamer papers, vergaderjaar by vergaderjaar",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    params={
        "first_vergaderjaar": Param(BACKFILL_PARAM_DEFAULTS["first_vergaderjaar"], type="string",
                                    pattern=VERGADERJAAR, title="First vergaderjaar", description="e.g. 2015-2016"),
        "last_vergaderjaar": Param(BACKFILL_PARAM_DEFAULTS["last_vergaderjaar"], type=["null", "string"],
                                   title="Last vergaderjaar", description="e.g. 2024-2025; empty: the current one"),
        "kinds": Param(BACKFILL_PARAM_DEFAULTS["kinds"], type="array",
                       items={"type": "string", "enum": list(DEFAULT_KINDS)}, title="Publication kinds"),
        "redo": Param(BACKFILL_PARAM_DEFAULTS["redo"], type="boolean", title="Redo",
                      description="Harvest the vergaderjaren recorded as done again"),
        "publish": Param(BACKFILL_PARAM_DEFAULTS["publish"], type="boolean", title="Publish"),
    },
    tags=["eerstekamer"],
    doc_md=__doc__,
) as dag:
    run = configure(backfill=True)
    harvested = harvest_vergaderjaar.partial(run_json=run).expand(window=plan_backfill(run))
    parse_build_publish(run, after=harvested)
    finish_with_summary(dag)
