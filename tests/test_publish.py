"""Publishing: releases, manifest, DuckDB catalog, PostgreSQL switch, quarantine, retention, lock."""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pipeline.config import Settings
from pipeline.duckdb_sql import duckdb_identifier
from pipeline.errors import QualityGateFailed
from pipeline.files import sha256_of
from pipeline.flow.run import run
from pipeline.normalise.samples import sample_corpus, sample_paper
from pipeline.normalise.schemas import TABLES
from pipeline.normalise.stage import build_batch
from pipeline.parse.store import ParsedStore
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.catalog import main as catalog_main
from pipeline.publish.catalog import open_catalog
from pipeline.publish.postgres import PostgresUnavailable, current_postgres_release, publish_postgres
from pipeline.publish.release import PublishLocked, publish_lock
from pipeline.publish.stage import current_release, publish_batch
from pipeline.quality.stage import QualityReport


def _store(settings: Settings, papers) -> None:
    store = ParsedStore(settings.layout)
    for paper in papers:
        store.save(paper)


def _catalog(settings: Settings, query: str) -> list[tuple]:
    with open_catalog(settings) as con:
        return con.execute(query).fetchall()


def _pg(dsn: str, query: str | sql.Composable) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchall()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, pg_dsn: str) -> dict:
    """Publish a corpus, then a broken run (quarantined), then the repaired run: the real runner."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("publish"), postgres_dsn=pg_dsn)
    papers = [*sample_corpus(12, years=2), sample_paper("kst-36867-C")]
    _store(settings, papers)
    first = run(settings, fetch=False, rebuild=True)
    state = {"settings": settings, "first": first, "first_release": current_release(settings),
             "watermark": max(p.record.changed_at for p in papers)}

    broken = [sample_paper(f"kst-36867-{letter}", similarity=0.99) for letter in "DEFG"]
    for paper in broken:
        paper.xml.blocks = []  # a text layer, but no text: a parser regression, too many papers to hold back
    _store(settings, broken)
    with pytest.raises(QualityGateFailed) as failed:
        run(settings, fetch=False, rebuild=True)
    state["gate_error"] = str(failed.value)
    state["after_broken"] = {
        "release": current_release(settings).release_id,
        "catalog": _catalog(settings, "SELECT release_id FROM release_info")[0][0],
        "postgres": current_postgres_release(pg_dsn),
        "documents": _pg(pg_dsn, "SELECT count(*) FROM eerstekamer.documents")[0][0],
    }
    _store(settings, [sample_paper(f"kst-36867-{letter}") for letter in "DEFG"])
    state["repaired"] = run(settings, fetch=False, rebuild=True)
    return state


def test_a_run_publishes_every_table_with_a_manifest(scenario: dict) -> None:
    settings, release = scenario["settings"], scenario["first_release"]
    assert scenario["first"].outcome == "published"
    manifest = json.loads((release.path / "manifest.json").read_text())
    assert manifest["release_id"] == scenario["first"].run_id == release.release_id
    assert manifest["schema_version"] == "1.4.0" and manifest["pipeline_version"] == "0.1.0"
    assert manifest["source_watermark"] == scenario["watermark"]
    assert manifest["quality"]["passed"] is True
    assert manifest["tables"]["documents"]["rows"] == 15  # 13 papers, 2 with a second version
    for table in manifest["tables"].values():
        for entry in table["files"]:
            assert sha256_of(release.path / entry["path"]) == entry["sha256"]
    assert not (settings.layout.staging / release.release_id).exists()


def test_catalog_has_a_view_per_table_and_dashboard_views(scenario: dict) -> None:
    settings = scenario["settings"]
    manifest = current_release(settings).manifest
    views = {name for (name,) in _catalog(settings, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert set(manifest["tables"]) | {"documents_per_month", "answer_times", "dossier_timelines",
                                      "most_active_fracties", "release_info"} <= views
    for table, info in manifest["tables"].items():
        count = f"SELECT count(*) FROM {duckdb_identifier(table)}"
        assert _catalog(settings, count)[0][0] == info["rows"], table
    aanhangsel = _catalog(settings, "SELECT asked_on, answered_on, days FROM answer_times "
                                    "WHERE question_id = 'kst-30000-D'")
    assert [(str(a), str(b), d) for a, b, d in aanhangsel] == [("2024-09-15", "2024-10-06", 21)]
    parties = dict(_catalog(settings, "SELECT party, speeches FROM most_active_fracties"))
    assert parties["SP"] > 0 and parties["D66"] > 0
    per_month = _catalog(settings, "SELECT sum(documents) FROM documents_per_month")[0][0]
    assert per_month == 17  # current versions only: the 13 papers of the first release, kst-36867-D to G


def test_postgres_holds_the_same_release(scenario: dict, pg_dsn: str) -> None:
    manifest = scenario["first_release"].manifest
    # the repaired run published after; compare with the current release
    current = current_release(scenario["settings"])
    assert current_postgres_release(pg_dsn) == current.release_id
    for table, info in current.manifest["tables"].items():
        count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("eerstekamer", table))
        assert _pg(pg_dsn, count)[0][0] == info["rows"], table
    assert manifest["tables"]["documents"]["rows"] < current.manifest["tables"]["documents"]["rows"]
    comment = _pg(pg_dsn, "SELECT col_description('eerstekamer.documents'::regclass, 1)")[0][0]
    assert comment.startswith("The paper version")
    assert _pg(pg_dsn, "SELECT count(*) FROM eerstekamer.answer_times")[0][0] > 0
    schemas = {s for (s,) in _pg(pg_dsn, "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'eerstekamer%'")}
    assert schemas == {"eerstekamer"}
    foreign_keys = _pg(pg_dsn, "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                               "WHERE contype = 'f' AND connamespace = 'eerstekamer'::regnamespace")
    assert ("eerstekamer.paragraphs", "eerstekamer.documents") in foreign_keys  # joins a BI tool can read
    assert ("eerstekamer.documents", "eerstekamer.dossiers") in foreign_keys
    assert len(foreign_keys) == sum(len(TABLES[t].parents) for t in current.manifest["tables"])


def test_broken_batch_is_quarantined_and_the_previous_release_stays_current(scenario: dict) -> None:
    settings, first = scenario["settings"], scenario["first_release"]
    assert ("failed 2 critical expectation(s) (4 of 19 paper(s) fail critical expectations (at most 3 are held back): a fault "
            "of the batch, not of some papers (e.g. kst-36867-D@1, kst-36867-E@1, kst-36867-F@1); "
            "documents[vergaderjaar=2025-2026] expect_column_values_to_be_between(word_count)") in scenario["gate_error"]
    assert scenario["after_broken"] == {"release": first.release_id, "catalog": first.release_id,
                                        "postgres": first.release_id, "documents": 15}
    [quarantined] = sorted(settings.layout.quarantine.iterdir())
    report = json.loads((quarantined / "report.json").read_text())
    assert report["current_release"] == first.release_id and report["quality"]["passed"] is False
    assert "word_count" in (quarantined / "report.md").read_text()
    assert list((quarantined / "data" / "documents").rglob("*.parquet"))
    assert not (settings.layout.staging / quarantined.name).exists()  # moved, not copied
    summary = json.loads((settings.layout.runs / f"{quarantined.name}.json").read_text())
    assert summary["outcome"] == "quarantined"


def test_the_next_run_tries_again_and_publishes(scenario: dict) -> None:
    settings = scenario["settings"]
    assert scenario["repaired"].outcome == "published"
    assert current_release(settings).release_id == scenario["repaired"].run_id
    rows = _catalog(settings, "SELECT count(*) FROM documents WHERE identifier = 'kst-36867-D'")
    assert rows == [(1,)]
    history = _catalog(settings, "SELECT count(DISTINCT run_id) FROM quality_results")[0][0]
    assert history == 2  # the first release's results are kept, the quarantined run is not published


def _passed() -> QualityReport:
    return QualityReport(passed=True, critical_failures=[], warnings=[], results=[], data_docs="")


def test_retention_keeps_the_last_releases_and_readers_keep_their_catalog(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, keep_releases=2)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    publish_batch(settings, build_batch(settings, "20261128T010000000Z"), _passed())
    reader = open_catalog(settings)
    for run_id in ("20261128T020000000Z", "20261128T030000000Z"):
        publish_batch(settings, build_batch(settings, run_id), _passed())

    assert sorted(p.name for p in settings.layout.releases.iterdir()) == ["20261128T020000000Z", "20261128T030000000Z"]
    assert current_release(settings).release_id == "20261128T030000000Z"
    assert reader.execute("SELECT release_id FROM release_info").fetchone() == ("20261128T010000000Z",)
    reader.close()
    assert _catalog(settings, "SELECT release_id FROM release_info") == [("20261128T030000000Z",)]


def test_a_second_publisher_is_refused_while_the_lock_is_held(tmp_path: Path, state_dsn: str | None) -> None:
    settings = Settings(data_dir=tmp_path, state_dsn=state_dsn)  # flock, or the state database's advisory lock
    with (publish_lock(settings), pytest.raises(PublishLocked, match="another publisher holds"),
          publish_lock(settings, wait_seconds=0.3)):
        pass
    with publish_lock(settings, wait_seconds=0.3):  # released again
        pass


def test_a_failed_postgres_publish_leaves_the_previous_release_current(tmp_path: Path, pg_dsn: str) -> None:
    settings = Settings(data_dir=tmp_path)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    publish_batch(settings, build_batch(settings, "20261128T010000000Z"), _passed())
    unreachable = replace(settings, postgres_dsn="postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(PostgresUnavailable, match="PostgreSQL 127.0.0.1:1/none cannot be reached"):
        publish_batch(unreachable, build_batch(settings, "20261128T020000000Z"), _passed())

    assert current_release(settings).release_id == "20261128T010000000Z"
    assert [p.name for p in settings.layout.releases.iterdir()] == ["20261128T010000000Z"]
    assert _catalog(settings, "SELECT release_id FROM release_info") == [("20261128T010000000Z",)]


def test_a_dashboard_on_postgres_never_sees_half_a_release(tmp_path: Path, pg_dsn: str) -> None:
    """A reader naming several tables in one statement, while releases are switched back and forth,
    both by replacing rows (the usual publish) and by rebuilding the schema (a structure change)."""
    settings = Settings(data_dir=tmp_path, postgres_dsn=pg_dsn)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    small = publish_batch(settings, build_batch(settings, "20261128T040000000Z"), _passed())
    _store(settings, list(sample_corpus(30)))
    large = publish_batch(settings, build_batch(settings, "20261128T050000000Z"), _passed())
    seen: set[tuple] = set()
    errors: list[Exception] = []
    done = threading.Event()

    def dashboard() -> None:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            while not done.is_set():
                try:
                    seen.add(conn.execute(
                        "SELECT (SELECT release_id FROM eerstekamer.release_info), "
                        "(SELECT count(*) FROM eerstekamer.documents), (SELECT count(*) FROM eerstekamer.pages), "
                        "(SELECT count(*) FROM eerstekamer.documents_per_month)").fetchone()[:3])
                except psycopg.Error as error:
                    errors.append(error)

    reader = threading.Thread(target=dashboard)
    reader.start()
    codes = known_party_codes()
    try:
        for release, extra in [(small, []), (large, []), (small, ["XX"]), (large, []), (small, ["YY"])]:
            publish_postgres(pg_dsn, release, codes + extra)  # a new code changes the views: a rebuild
            time.sleep(0.2)
    finally:
        done.set()
        reader.join()
    assert not errors
    assert seen == {("20261128T040000000Z", 1, 3), ("20261128T050000000Z", 34, 93)}


def test_a_usual_publish_replaces_rows_and_keeps_the_tables(tmp_path: Path, pg_dsn: str) -> None:
    settings = Settings(data_dir=tmp_path, postgres_dsn=pg_dsn)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    publish_batch(settings, build_batch(settings, "20261128T040000000Z"), _passed())
    oids = "SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
           "WHERE n.nspname = 'eerstekamer' ORDER BY 1"
    before = _pg(pg_dsn, oids)
    _store(settings, list(sample_corpus(3)))
    publish_batch(settings, build_batch(settings, "20261128T050000000Z"), _passed())
    assert _pg(pg_dsn, oids) == before
    assert current_postgres_release(pg_dsn) == "20261128T050000000Z"
    assert _pg(pg_dsn, "SELECT count(*) FROM eerstekamer.documents")[0][0] > 1


def test_a_failure_after_the_postgres_switch_switches_postgres_back(
        tmp_path: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path, postgres_dsn=pg_dsn)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    publish_batch(settings, build_batch(settings, "20261128T060000000Z"), _passed())
    _store(settings, list(sample_corpus(5)))

    def disk_full(tmp: Path, target: Path) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr("pipeline.publish.stage.install_catalog", disk_full)
    with pytest.raises(OSError, match="No space left"):
        publish_batch(settings, build_batch(settings, "20261128T070000000Z"), _passed())

    served = {"current": current_release(settings).release_id, "postgres": current_postgres_release(pg_dsn),
              "catalog": _catalog(settings, "SELECT release_id FROM release_info")[0][0]}
    assert served == dict.fromkeys(served, "20261128T060000000Z")
    assert _pg(pg_dsn, "SELECT count(*) FROM eerstekamer.documents") == [(1,)]
    assert [p.name for p in settings.layout.releases.iterdir()] == ["20261128T060000000Z"]
    assert not list(settings.layout.published.glob(".tmp-*"))


def test_a_first_publish_failing_after_the_postgres_switch_leaves_nothing_published(
        tmp_path: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path, postgres_dsn=pg_dsn)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    with psycopg.connect(pg_dsn, autocommit=True) as conn:  # another test's release may be there
        conn.execute("DROP SCHEMA IF EXISTS eerstekamer CASCADE")

    def broken_link(settings: Settings, release) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("pipeline.publish.stage.switch_current", broken_link)
    with pytest.raises(OSError, match="Read-only"):
        publish_batch(settings, build_batch(settings, "20261128T080000000Z"), _passed())
    assert current_release(settings) is None and current_postgres_release(pg_dsn) is None
    assert not settings.layout.catalog.exists()


def test_staging_holds_no_batch_after_publish_and_stale_ones_are_pruned(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    crashed = build_batch(settings, "20261128T010000000Z")  # a run that died before publishing
    publish_batch(settings, build_batch(settings, "20261128T020000000Z"), _passed())
    assert not crashed.path.exists()
    assert list(settings.layout.staging.iterdir()) == []

    later = build_batch(settings, "20261128T040000000Z")  # a newer run still in progress stays
    publish_batch(settings, build_batch(settings, "20261128T030000000Z"), _passed())
    assert [p.name for p in settings.layout.staging.iterdir()] == [later.path.name]


def test_a_publisher_killed_mid_way_leaves_temporaries_the_next_one_removes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    settings.layout.ensure()
    _store(settings, [sample_paper()])
    publish_batch(settings, build_batch(settings, "20261128T010000000Z"), _passed())
    published = settings.layout.published
    leftovers = [settings.layout.releases / ".tmp-20261128T020000000Z" / "documents",  # a half-moved release
                 published / ".tmp-20261128T020000000Z-catalog.duckdb"]               # a half-built catalog
    leftovers[0].mkdir(parents=True)
    leftovers[1].write_bytes(b"half a catalog")
    (published / ".tmp-current-20261128T020000000Z").symlink_to("releases/20261128T020000000Z")

    publish_batch(settings, build_batch(settings, "20261128T030000000Z"), _passed())
    assert not list(published.glob(".tmp-*")) and not list(settings.layout.releases.glob(".tmp-*"))
    assert current_release(settings).release_id == "20261128T030000000Z"


def test_the_catalog_works_where_the_data_directory_was_moved_to(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.layout.ensure()
    _store(settings, list(sample_corpus(3)))
    publish_batch(settings, build_batch(settings, "20261128T010000000Z"), _passed())
    counts = _catalog(settings, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM pages)")

    moved = Settings(data_dir=tmp_path / "elsewhere" / "data")
    shutil.copytree(settings.layout.root, moved.layout.root, symlinks=True)
    shutil.rmtree(settings.layout.root)
    assert catalog_main(["--data-dir", str(moved.layout.root)]) == 0

    monkeypatch.chdir(tmp_path)  # a BI tool: any working directory
    assert _catalog(moved, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM pages)") == counts
    assert _catalog(moved, "SELECT release_id FROM release_info") == [("20261128T010000000Z",)]
