"""The data directory on object storage (a real S3 API: moto in server mode) and a catalog that
works wherever the data directory is: runs through the CLI against the replay server publish what
a local run publishes, a vanished cache is refilled from the store, a publisher killed anywhere
leaves the last release current, and the catalog is read from a moved directory or from S3."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.config import Settings
from pipeline.duckdb_sql import duckdb_identifier, duckdb_literal
from pipeline.flow.params import settings_from_json, settings_to_json
from pipeline.flow.run import run
from pipeline.normalise.samples import sample_corpus
from pipeline.parse.store import ParsedStore
from pipeline.publish.catalog import catalog_release, open_catalog
from pipeline.publish.stage import current_release
from pipeline.storage import Storage, default_cache
from replay.catalogue import recorded_catalogue
from replay.server import ReplayServer
from tests.conftest import fresh_database
from tests.support.releases import differences
from tests.support.s3 import S3Server
from tests.test_celery import broker, metadata_db  # noqa: F401 (fixtures of the Celery test)

ROOT = Path(__file__).resolve().parents[1]
VIEWS = "SELECT view_name FROM duckdb_views() WHERE NOT internal"
ENV = {"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with S3Server() as server:
        server.use()
        yield server


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(recorded_catalogue()) as replay:
        yield replay


def _cli(server: ReplayServer, s3: S3Server, command: str, data_dir: str | Path, cache: Path, *,
         kill_at: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    args = [command, "--data-dir", str(data_dir)]
    if command in ("run", "fetch"):
        args += ["--sru-url", server.sru_url, "--max-rps", "0", "--since", "2000-01-01"]
    prefix = ["-m", "tests.support.killpoint", kill_at, "--"] if kill_at else ["-m", "pipeline"]
    return subprocess.run([sys.executable, *prefix, *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**ENV, **s3.env, "EK_CACHE_DIR": str(cache), **(env or {})})


def _on(url: str, cache: Path) -> Settings:
    """The settings of a reader of `url` with its own cache."""
    return Settings(data_dir=url, cache_dir=cache)


def _summaries(cache: Path) -> list[str]:
    return [json.loads(p.read_text())["outcome"] for p in sorted((cache / "runs").glob("*.json"))]


@pytest.fixture(scope="module")
def local(server: ReplayServer, s3: S3Server, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The release of one run on a local data directory."""
    data_dir = tmp_path_factory.mktemp("local")
    result = _cli(server, s3, "run", data_dir, data_dir / "unused-cache")
    assert result.returncode == 0, result.stderr[-2000:]
    return current_release(Settings(data_dir=data_dir))


@pytest.fixture(scope="module")
def on_s3(server: ReplayServer, s3: S3Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`fetch` then `run` on `s3://<bucket>/ek` with one cache, then a rerun."""
    url, cache = s3.bucket(), tmp_path_factory.mktemp("cache")
    files_before = server.requests.count("file")
    fetched = _cli(server, s3, "fetch", url, cache)
    assert fetched.returncode == 0, fetched.stderr[-2000:]
    downloaded = server.requests.count("file") - files_before
    published = _cli(server, s3, "run", url, cache)
    assert published.returncode == 0, published.stderr[-2000:]
    keys_after_run = s3.keys(url)
    rerun = _cli(server, s3, "run", url, cache)
    return {"url": url, "cache": cache, "downloaded": downloaded, "rerun": rerun, "keys_after_run": keys_after_run,
            "files_after_rerun": server.requests.count("file") - files_before}


def test_a_release_on_object_storage_holds_what_a_local_run_publishes(
        on_s3: dict, local: object, s3: S3Server, tmp_path: Path) -> None:
    release = current_release(_on(on_s3["url"], tmp_path / "reader"))  # read by another "host"
    assert release is not None
    assert differences(local, release) == []
    keys = on_s3["keys_after_run"]
    assert f"published/releases/{release.release_id}/manifest.json" in keys
    assert {"published/current.json", "published/catalog.duckdb", "published/switched.json"} <= set(keys)
    with sqlite3.connect(on_s3["cache"] / "state.sqlite") as ledger:
        [(files, contents)] = ledger.execute("SELECT count(*), count(DISTINCT sha256) FROM manifest").fetchall()
    assert files == on_s3["downloaded"] and sum(k.startswith("raw/") for k in keys) == contents > 0  # stored once
    held = len(recorded_catalogue().stand_ins)  # parsed, but held back: served another paper's files
    assert sum(k.startswith("parsed/") for k in keys) == release.manifest["tables"]["documents"]["rows"] + held
    assert not any(k.startswith("staging/") for k in keys)  # the batch went into the release


def test_a_rerun_on_object_storage_downloads_and_publishes_nothing(on_s3: dict, s3: S3Server) -> None:
    assert on_s3["rerun"].returncode == 0, on_s3["rerun"].stderr[-2000:]
    assert on_s3["files_after_rerun"] == on_s3["downloaded"]
    assert _summaries(on_s3["cache"])[-2:] == ["published", "nothing-new"]
    assert len(_releases(s3, on_s3["url"])) == 1


def test_a_new_cache_without_shared_state_refuses_to_start_over(
        on_s3: dict, server: ReplayServer, s3: S3Server, tmp_path: Path) -> None:
    requests_before = server.requests.count()
    result = _cli(server, s3, "run", on_s3["url"], tmp_path / "another-host")  # no EK_STATE_DSN, no ledger here
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert f"{on_s3['url']} holds archived files in raw/ and releases in published/" in line
    assert "is missing" in line and "EK_STATE_DSN" in line
    assert server.requests.count() == requests_before


def test_the_catalog_on_object_storage_is_read_through_a_fresh_cache(on_s3: dict, tmp_path: Path) -> None:
    settings = _on(on_s3["url"], tmp_path / "bi")
    release = current_release(settings)
    with open_catalog(settings) as con:
        views = [name for (name,) in con.execute(VIEWS).fetchall()]
        counts = {name: con.execute(f"SELECT count(*) FROM {duckdb_identifier(name)}").fetchone()[0]
                  for name in views}
        assert con.execute("SELECT release_id FROM release_info").fetchone() == (release.release_id,)
    assert {table: counts[table] for table in release.manifest["tables"]} == {
        table: entry["rows"] for table, entry in release.manifest["tables"].items()}
    assert not list((tmp_path / "bi").rglob("*.parquet"))  # DuckDB reads the Parquet files from the store


def test_a_vanished_cache_is_refilled_from_the_store_and_nothing_is_downloaded_again(
        server: ReplayServer, s3: S3Server, local: object, tmp_path: Path) -> None:
    url, cache = s3.bucket(), tmp_path / "cache"
    assert _cli(server, s3, "fetch", url, cache).returncode == 0
    for entry in cache.iterdir():  # a new worker: only the ledger (state) is left
        if not entry.name.startswith("state.sqlite"):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    files_before = server.requests.count("file")
    result = _cli(server, s3, "run", url, cache)
    assert result.returncode == 0, result.stderr[-2000:]
    assert server.requests.count("file") == files_before
    assert differences(local, current_release(_on(url, tmp_path / "reader"))) == []


#: Where a publisher on object storage dies: after uploading its release, before and after the
#: pointer write (the catalog upload comes after it).
PUBLISH_KILL_POINTS = ["pipeline.publish.release:upload_release:after",
                       "pipeline.publish.stage:switch_current:before",
                       "pipeline.publish.stage:switch_current:after"]


@pytest.mark.parametrize("kill_at", PUBLISH_KILL_POINTS)
def test_a_publisher_killed_on_object_storage_leaves_the_last_release_current(
        server: ReplayServer, s3: S3Server, tmp_path: Path, kill_at: str) -> None:
    url, cache = s3.bucket(), tmp_path / "cache"
    assert _cli(server, s3, "run", url, cache).returncode == 0
    first = current_release(_on(url, tmp_path / "before")).release_id
    killed = _cli(server, s3, "publish", url, cache, kill_at=kill_at)
    assert killed.returncode == -9, killed.stderr[-2000:]
    [killed_id] = _releases(s3, url) - {first}  # the killed publisher's release was uploaded
    during = killed_id if kill_at.endswith("switch_current:after") else first
    assert current_release(_on(url, tmp_path / "during")).release_id == during
    with open_catalog(_on(url, tmp_path / "bi")) as con:  # the catalog serves a complete release
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] > 0

    rerun = _cli(server, s3, "publish", url, cache)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    after = _on(url, tmp_path / "after")
    current = current_release(after).release_id
    assert current not in (first, killed_id)
    assert catalog_release(after.layout.catalog, after.layout.store) == current
    if "upload_release" in kill_at:  # uploaded but never made current: removed by the next publish
        assert _releases(s3, url) == {first, current}


def _releases(s3: S3Server, url: str) -> set[str]:
    return {key.split("/")[2] for key in s3.keys(url) if key.startswith("published/releases/")}


@pytest.fixture
def pg_state_dsn() -> Iterator[str]:
    """A fresh PostgreSQL database for the pipeline's state (`EK_STATE_DSN`)."""
    with fresh_database("ek_state") as dsn:
        yield dsn


def test_fetch_on_one_host_then_run_on_another_publishes_every_document_once(
        server: ReplayServer, s3: S3Server, local: object, pg_state_dsn: str, tmp_path: Path) -> None:
    url, env = s3.bucket(), {"EK_STATE_DSN": pg_state_dsn}
    files_before = server.requests.count("file")
    fetched = _cli(server, s3, "fetch", url, tmp_path / "host-a", env=env)
    assert fetched.returncode == 0, fetched.stderr[-2000:]
    downloaded = server.requests.count("file") - files_before
    ran = _cli(server, s3, "run", url, tmp_path / "host-b", env=env)  # shares nothing local with host a
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert server.requests.count("file") - files_before == downloaded
    release = current_release(_on(url, tmp_path / "reader"))
    assert differences(local, release) == []
    again = _cli(server, s3, "run", url, tmp_path / "host-c", env=env)
    assert again.returncode == 0, again.stderr[-2000:]
    assert current_release(_on(url, tmp_path / "reader")).release_id == release.release_id
    assert server.requests.count("file") - files_before == downloaded


def test_the_catalog_works_after_the_data_directory_is_moved(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "here")
    settings.layout.ensure()
    store = ParsedStore(settings.layout)
    for paper in sample_corpus(6, years=2):
        store.save(paper)
    run(settings, fetch=False, rebuild=True)
    release = current_release(settings)
    moved = tmp_path / "mounted" / "elsewhere"
    moved.parent.mkdir()
    shutil.move(settings.layout.root, moved)
    expected = {table: entry["rows"] for table, entry in release.manifest["tables"].items()}

    with open_catalog(Settings(data_dir=moved)) as con:  # the documented way, from Python
        views = [name for (name,) in con.execute(VIEWS).fetchall()]
        counts = {v: con.execute(f"SELECT count(*) FROM {duckdb_identifier(v)}").fetchone()[0] for v in views}
    assert {table: counts[table] for table in expected} == expected
    assert counts["documents"] > 0 and counts["documents_per_month"] > 0
    published = moved / "published"
    for setting in (f"SET VARIABLE ek_published = {duckdb_literal(str(published))}",
                    f"SET file_search_path = {duckdb_literal(str(published))}"):  # any other DuckDB client
        with duckdb.connect(str(published / "catalog.duckdb"), read_only=True) as con:
            con.execute(setting)
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == expected["documents"]


def test_an_object_store_data_directory_is_a_url_with_a_cache_of_this_host(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.load(environ={"EK_DATA_DIR": "s3://bucket/ek/"})
    assert settings.layout.url == "s3://bucket/ek"
    assert settings.layout.root == default_cache("s3://bucket/ek") != default_cache("s3://bucket/other")
    own = Settings.load(environ={"EK_DATA_DIR": "s3://bucket/ek", "EK_CACHE_DIR": str(tmp_path)})
    assert own.layout.root == tmp_path and own.layout.store.key(own.layout.raw / "ab" / "x.pdf") == "s3://bucket/ek/raw/ab/x.pdf"
    assert Settings.load(environ={"EK_DATA_DIR": str(tmp_path)}).layout.url is None
    passed = settings_to_json(own)  # an XCom: the URL travels, the cache is the receiving host's own
    assert passed["data_dir"] == "s3://bucket/ek" and "cache_dir" not in passed
    monkeypatch.delenv("EK_CACHE_DIR", raising=False)
    assert settings_from_json(passed).layout == settings.layout


@pytest.mark.slow
def test_two_celery_workers_that_share_no_disk_complete_the_etl(
        s3: S3Server, tmp_path: Path, pg_dsn: str, pg_state_dsn: str, request: pytest.FixtureRequest) -> None:
    from pipeline.flow.params import PARAM_DEFAULTS
    from tests import support_airflow as af
    from tests.test_celery import DAG_ID, EK_PAPERS, _query

    database, redis_url = request.getfixturevalue("metadata_db"), request.getfixturevalue("broker")
    url, api_port, replay_port = s3.bucket(), af.free_port(), af.free_port()
    env = af.airflow_env(tmp_path / "airflow-home", sql_alchemy_conn=database.replace(
        "postgresql://", "postgresql+psycopg2://"), extra={
        **s3.env,
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + database,
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(af.free_port()),
        "AIRFLOW_CONN_EERSTEKAMER_POSTGRES": pg_dsn,
        "EK_DATA_DIR": url,
        "EK_STATE_DSN": pg_state_dsn,
        "EK_CACHE_DIR": str(tmp_path / "scheduler-cache"),
        "EK_SRU_URL": f"http://127.0.0.1:{replay_port}/sru",
        "EK_MAX_RPS": "0",
        "EK_ETL_SCHEDULE": "none",
        "EK_TASK_RETRIES": "0",
        "EK_PARSE_BATCH_SIZE": "2",  # mapped parse tasks for both workers
    })
    af.airflow(env, "db", "migrate")
    caches = [tmp_path / f"worker-{n}" for n in (1, 2)]
    with af.running(env, tmp_path / "logs") as services:
        services.start("replay", [sys.executable, "-m", "replay", "serve", "--port", str(replay_port)])
        services.start_airflow("api-server", "api-server")
        services.start_airflow("scheduler", "scheduler")
        services.start_airflow("dag-processor", "dag-processor")
        for n, cache in enumerate(caches, 1):  # two "hosts": each its own working directory and cache
            home = tmp_path / f"host-{n}"
            home.mkdir()
            services.start_airflow(f"worker-{n}", "celery", "worker", "--concurrency", "1",
                                   "--celery-hostname", f"worker{n}@%h", cwd=home,
                                   env={"EK_CACHE_DIR": str(cache), "TMPDIR": str(home),
                                        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(af.free_port())})

        def parsed() -> bool | None:
            services.check_alive()
            return True if _query(database, "SELECT 1 FROM serialized_dag WHERE dag_id = %s", DAG_ID) else None

        af.wait_until(parsed, timeout=180, what=f"{DAG_ID} parsed", on_timeout=services.tails)
        af.airflow(env, "dags", "trigger", DAG_ID, "--conf", json.dumps({**PARAM_DEFAULTS, "since": "2000-01-01"}))

        def finished() -> str | None:
            services.check_alive()
            rows = _query(database, "SELECT state FROM dag_run WHERE dag_id = %s", DAG_ID)
            return rows[0][0] if rows and rows[0][0] in ("success", "failed") else None

        state = af.wait_until(finished, timeout=600, what=f"{DAG_ID} finished", interval=2, on_timeout=services.tails)
        tasks = _query(database, "SELECT task_id, map_index, state FROM task_instance WHERE dag_id = %s", DAG_ID)
        assert state == "success", f"{tasks}\n{services.tails()}"
    assert all(any(p.is_file() for p in cache.rglob("*")) for cache in caches), "both workers ran tasks"
    release = current_release(_on(url, tmp_path / "reader"))
    published = len(EK_PAPERS) - len(recorded_catalogue().stand_ins)  # the others are held back
    assert release.manifest["tables"]["documents"]["rows"] == published
    assert _query(pg_dsn, "SELECT count(*) FROM eerstekamer.documents")[0][0] == published


def test_a_missing_bucket_stops_the_run_before_it_asks_the_source_anything(
        server: ReplayServer, s3: S3Server, tmp_path: Path) -> None:
    requests_before = server.requests.count()
    result = _cli(server, s3, "run", "s3://no-such-bucket/ek", tmp_path / "cache")
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "s3://no-such-bucket/ek" in line and "'no-such-bucket' does not exist" in line
    assert server.requests.count() == requests_before


def test_a_cache_mirrors_the_store_and_unfinished_files_stay_local(s3: S3Server, tmp_path: Path) -> None:
    url = s3.bucket()
    writer = Storage(tmp_path / "writer", url)
    tree = tmp_path / "writer" / "parsed" / "kst-1"
    tree.mkdir(parents=True)
    (tree / "v1.json").write_text("{}")
    (tree / ".tmp-v2.json").write_text("{")  # a writer still at work
    writer.persist(tree.parent)
    assert s3.keys(url) == ["parsed/kst-1/v1.json"]
    reader = Storage(tmp_path / "reader", url)
    stale = tmp_path / "reader" / "parsed" / "kst-9" / "v1.json"  # in the cache, gone from the store
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    reader.mirror(tmp_path / "reader" / "parsed")
    assert [p.relative_to(tmp_path / "reader").as_posix() for p in reader.files(tmp_path / "reader" / "parsed")] == [
        "parsed/kst-1/v1.json"]
    assert not stale.exists() and (tmp_path / "reader" / "parsed" / "kst-1" / "v1.json").read_text() == "{}"
    with pytest.raises(FileNotFoundError, match="not in the object store"):
        reader.fetch(tmp_path / "reader" / "raw" / "ab" / "gone.pdf")
