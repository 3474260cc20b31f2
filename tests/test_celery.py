"""A real distributed run: scheduler, dag-processor, api-server and a Celery worker as processes.

The metadata database is a fresh PostgreSQL database (dropped afterwards), the Celery broker a
dedicated Redis database number (flushed before and after, EK_TEST_REDIS_DB, default 11), the
source the replay server run as `python -m replay serve`. The run publishes to PostgreSQL
through the `eerstekamer_postgres` Airflow Connection.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import EERSTE_KAMER, Settings
from pipeline.flow.params import PARAM_DEFAULTS
from replay.catalogue import recorded_catalogue
from tests import support_airflow as af
from tests.conftest import fresh_database

pytestmark = pytest.mark.slow

REDIS_DB = int(os.environ.get("EK_TEST_REDIS_DB", "11"))
DAG_ID = "eerste_kamer_etl"
BATCH_SIZE = 3
#: What the recorded catalogue holds for the Eerste Kamer: each is published once.
EK_PAPERS = [e.identifier for e in recorded_catalogue() if e.index.get("dt.creator") == (EERSTE_KAMER,)]


@pytest.fixture
def metadata_db() -> Iterator[str]:
    """A fresh PostgreSQL database for Airflow's metadata, dropped afterwards."""
    with fresh_database("ek_airflow") as dsn:
        yield dsn


@pytest.fixture
def broker() -> Iterator[str]:
    """A dedicated Redis database for the Celery broker, empty before and after."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    client.flushdb()
    try:
        yield f"redis://127.0.0.1:6379/{REDIS_DB}"
    finally:
        client.flushdb()
        client.close()


def _query(dsn: str, sql: str, *args: object) -> list[tuple]:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute(sql, args).fetchall()


def test_etl_runs_green_on_celery_with_postgres_and_redis(
    tmp_path: Path, metadata_db: str, broker: str, pg_dsn: str, state_dsn: str | None
) -> None:
    """With `state_dsn` the run state is in PostgreSQL, through the `eerstekamer_state` Connection."""
    data_dir, api_port, replay_port = tmp_path / "data", af.free_port(), af.free_port()
    env = af.airflow_env(tmp_path / "airflow-home", sql_alchemy_conn=metadata_db.replace(
        "postgresql://", "postgresql+psycopg2://"), extra={
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_db,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(af.free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(af.free_port()),
        "AIRFLOW_CONN_EERSTEKAMER_POSTGRES": pg_dsn,
        **({"AIRFLOW_CONN_EERSTEKAMER_STATE": state_dsn} if state_dsn else {}),
        "EK_DATA_DIR": str(data_dir),
        "EK_SRU_URL": f"http://127.0.0.1:{replay_port}/sru",
        "EK_MAX_RPS": "0",
        "EK_ETL_SCHEDULE": "none",  # only the run triggered here
        "EK_TASK_RETRIES": "1",
        "EK_TASK_RETRY_DELAY": "2",
        "EK_PARSE_BATCH_SIZE": str(BATCH_SIZE),  # more mapped parse tasks than the 2 worker slots
    })
    af.airflow(env, "db", "migrate")
    with af.running(env, tmp_path / "logs") as services:
        services.start("replay", [sys.executable, "-m", "replay", "serve", "--port", str(replay_port)])
        services.start_airflow("api-server", "api-server")
        services.start_airflow("scheduler", "scheduler")
        services.start_airflow("dag-processor", "dag-processor")
        services.start_airflow("celery-worker", "celery", "worker", "--concurrency", "2")

        def parsed() -> bool | None:
            services.check_alive()
            return True if _query(metadata_db, "SELECT 1 FROM serialized_dag WHERE dag_id = %s", DAG_ID) else None

        af.wait_until(parsed, timeout=180, what=f"{DAG_ID} parsed by the dag-processor", on_timeout=services.tails)
        conf = {**PARAM_DEFAULTS, "since": "2000-01-01"}
        af.airflow(env, "dags", "trigger", DAG_ID, "--conf", json.dumps(conf))

        def finished() -> str | None:
            services.check_alive()
            rows = _query(metadata_db, "SELECT state FROM dag_run WHERE dag_id = %s", DAG_ID)
            return rows[0][0] if rows and rows[0][0] in ("success", "failed") else None

        state = af.wait_until(finished, timeout=600, what=f"{DAG_ID} run finished", interval=2,
                              on_timeout=services.tails)
        tasks = _query(metadata_db, "SELECT task_id, map_index, state, hostname FROM task_instance "
                                    "WHERE dag_id = %s ORDER BY task_id, map_index", DAG_ID)
        assert state == "success", f"{tasks}\n{services.tails()}"
        celery_done = _query(metadata_db, "SELECT count(*) FROM celery_taskmeta WHERE status = 'SUCCESS'")[0][0]
    assert services.leftovers() == [], "a service left processes behind"

    assert {state for _, _, state, _ in tasks} == {"success"}
    papers = len(EK_PAPERS)
    assert len([t for t in tasks if t[0] == "parse"]) == -(-papers // BATCH_SIZE), "parsing fanned out"
    assert celery_done > 0, "tasks went through the Celery broker and result backend"
    assert all(hostname for *_, hostname in tasks), "every task instance ran on a worker"

    from pipeline.publish.stage import current_release

    summary = json.loads(sorted((data_dir / "runs").glob("*.json"))[-1].read_text())
    assert summary["outcome"] == "published" and summary["stages"]["totals"]["new_papers"] == papers
    release = current_release(Settings(data_dir=data_dir))
    assert release is not None
    assert (data_dir / "state.sqlite").exists() == (state_dsn is None)
    held = recorded_catalogue().stand_ins  # served another publication's files
    assert sorted(summary["stages"]["totals"]["held_back_papers"]) == sorted(f"{i}@1" for i in held)
    assert _query(pg_dsn, "SELECT count(*) FROM eerstekamer.documents")[0][0] == papers - len(held)
