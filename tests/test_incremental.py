"""Incremental releases on recorded data: a second run that brings new papers into one vergaderjaar
and a new version of an old paper rebuilds those partitions only, carries the rest over by
reference, and publishes what a full rebuild of the same data publishes (tables, PostgreSQL)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pytest
from psycopg import sql

import pipeline
from pipeline.config import Settings
from pipeline.files import write_json
from pipeline.normalise.samples import sample_paper
from pipeline.normalise.schemas import SCHEMA_VERSION, TABLES
from pipeline.normalise.stage import build_batch, full_build_reason, plan_build
from pipeline.parse.store import ParsedStore
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.catalog import open_catalog
from pipeline.publish.datasets import POSTGRES_SCHEMA, PUBLISHED_TABLES
from pipeline.publish.postgres import current_postgres_release, delta, publish_postgres
from pipeline.publish.release import MANIFEST, Release, prune_releases, release_ids
from pipeline.publish.stage import current_release
from replay.catalogue import TYPESET_EK_PAPERS, recorded_catalogue
from replay.server import ReplayServer
from tests.conftest import fresh_database
from tests.support.paths import GENERATED
from tests.support.releases import differences

ROOT = Path(__file__).resolve().parents[1]
ENV = {"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
#: Where the killed run dies: its release written (carrying files of the first), not yet current.
BETWEEN_WRITING_AND_SWITCHING = "pipeline.publish.stage:_switch:before"
NEW_YEAR, CHANGED_YEAR = "2019-2020", "2022-2023"


def _cli(server: ReplayServer, data_dir: Path, dsn: str, *args: str, kill_at: str = "") -> None:
    command = [*args, "--data-dir", str(data_dir)]
    if args[0] == "run":
        command += ["--sru-url", server.sru_url, "--max-rps", "0", "--since", "2000-01-01"]
    prefix = ["-m", "tests.support.killpoint", kill_at, "--"] if kill_at else ["-m", "pipeline"]
    result = subprocess.run([sys.executable, *prefix, *command], cwd=ROOT, capture_output=True, text=True,
                            env={**ENV, "EK_POSTGRES_DSN": dsn}, timeout=600)
    assert result.returncode == (-9 if kill_at else 0), result.stderr[-3000:]


def _new_papers(server: ReplayServer) -> None:
    """Two new papers of dossier 27925 (vergaderjaar 2019-2020), and a new version of kst-36112-C (2022-2023)."""
    [seed] = [p for p in TYPESET_EK_PAPERS if p["identifier"] == "kst-27925-AA"]
    for letter in ("AC", "AD"):
        server.catalogue.add({**seed, "identifier": f"kst-27925-{letter}", "ondernummer": letter,
                              "modified": "2026-12-01", "changed_at": "2026-12-01T09:00:00.0000000+01:00"},
                             files={"pdf": GENERATED / f"kst-27925-{letter}.pdf"})
    server.catalogue.change("kst-36112-C", "2026-12-01", "2026-12-01T10:00:00.0000000+01:00")


def _row_versions(dsn: str) -> dict[str, tuple[str, str]]:
    """document_version_id -> (vergaderjaar, the transaction that wrote the row) in PostgreSQL."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT document_version_id, vergaderjaar, xmin::text FROM eerstekamer.documents")
        return {key: (year, xmin) for key, year, xmin in rows}


def _pg_content(dsn: str) -> dict[str, tuple[int, str]]:
    """Per table: rows and an md5 of every row in key order."""
    out = {}
    with psycopg.connect(dsn) as conn:
        for table in PUBLISHED_TABLES:
            name = sql.Identifier(POSTGRES_SCHEMA, table)
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{}), '')) FROM {} t")
            out[table] = conn.execute(query.format(sql.Identifier(TABLES[table].key), name)).fetchone()
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A first run; the new papers arrive; a run killed between writing its release and switching;
    the next plain run (incremental); then `publish` (a full rebuild of the same data)."""
    data_dir = tmp_path_factory.mktemp("incremental")
    settings = Settings(data_dir=data_dir)
    with ReplayServer(recorded_catalogue()) as server, fresh_database("ek_incr") as dsn:
        _cli(server, data_dir, dsn, "run")
        first = current_release(settings)
        _new_papers(server)
        _cli(server, data_dir, dsn, "run", kill_at=BETWEEN_WRITING_AND_SWITCHING)
        orphans = [r for r in release_ids(settings) if r != first.release_id]
        written_before = _row_versions(dsn)
        _cli(server, data_dir, dsn, "run")
        incremental = current_release(settings)
        state = {"settings": settings, "dsn": dsn, "first": first, "orphans": orphans, "incremental": incremental,
                 "served": current_postgres_release(dsn), "pg_incremental": _pg_content(dsn),
                 "written": (written_before, _row_versions(dsn))}
        with fresh_database("ek_incr_full") as full_dsn:
            publish_postgres(full_dsn, incremental, known_party_codes())
            state["pg_full_load"] = _pg_content(full_dsn)
        _cli(server, data_dir, dsn, "publish")
        state["full"] = current_release(settings)
        yield state


def test_the_second_run_rebuilds_only_the_partitions_with_new_or_changed_papers(runs: dict) -> None:
    first, incremental = runs["first"], runs["incremental"]
    manifest = incremental.manifest
    assert manifest["base"] == first.release_id
    assert manifest["rebuilt"] == [NEW_YEAR, CHANGED_YEAR]
    assert set(manifest["inputs"]) == set(first.manifest["inputs"])
    for entry in incremental.entries("documents"):
        year = entry["path"].split("=")[1].split("/")[0]
        assert entry["release"] == (incremental.release_id if year in manifest["rebuilt"] else first.release_id)
    carried = [e for e in incremental.entries("paragraphs") if e["release"] == first.release_id]
    assert carried and not any((incremental.path / e["path"]).exists() for e in carried)  # referenced, not copied
    with open_catalog(runs["settings"]) as con:
        versions = con.execute("SELECT identifier, version, is_current FROM documents "
                               "WHERE identifier IN ('kst-36112-C', 'kst-27925-AC', 'kst-27925-AD') ORDER BY 1, 2")
        assert versions.fetchall() == [("kst-27925-AC", 1, True), ("kst-27925-AD", 1, True),
                                       ("kst-36112-C", 1, False), ("kst-36112-C", 2, True)]


def test_an_incremental_release_equals_a_full_rebuild_of_the_same_data(runs: dict) -> None:
    assert runs["full"].manifest["base"] is None
    assert runs["full"].manifest["rebuilt"] == sorted(runs["full"].manifest["inputs"])
    # quality_results is the history of validations, not data: the incremental run validated less
    assert [d for d in differences(runs["full"], runs["incremental"]) if not d.startswith("quality_results")] == []
    assert differences(runs["full"], runs["first"])  # the comparison can tell releases apart


def test_the_quality_report_names_the_partitions_it_validated(runs: dict) -> None:
    validated = runs["incremental"].manifest["quality"]["validated"]
    assert validated["documents"] == ["*", f"vergaderjaar={NEW_YEAR}", f"vergaderjaar={CHANGED_YEAR}"]
    assert validated["dossiers"] == ["*"]
    assert len(runs["full"].manifest["quality"]["validated"]["documents"]) == 1 + len(runs["full"].manifest["inputs"])


def test_postgres_gets_the_changed_partitions_and_then_holds_what_a_full_load_holds(runs: dict) -> None:
    assert runs["served"] == runs["incremental"].release_id
    before, after = runs["written"]
    rewritten = {year for key, (year, xmin) in after.items() if before.get(key) != (year, xmin)}
    assert rewritten == {NEW_YEAR, CHANGED_YEAR}  # the rows of the other years stayed as they were
    assert delta(runs["first"].manifest, runs["incremental"])["documents"] == [NEW_YEAR, CHANGED_YEAR]
    assert delta(runs["first"].manifest, runs["incremental"])["dossiers"] is None
    assert all(years == [] for years in delta(runs["incremental"].manifest, runs["incremental"]).values())
    assert runs["pg_incremental"] == runs["pg_full_load"]
    assert runs["pg_incremental"]["documents"][0] == runs["incremental"].manifest["tables"]["documents"]["rows"]


def test_a_run_killed_between_writing_and_switching_is_finished_by_the_next(runs: dict) -> None:
    assert len(runs["orphans"]) == 1  # the killed run's release, carrying files of the first
    assert runs["orphans"][0] not in release_ids(runs["settings"])
    assert all(p.exists() for table in TABLES for p in runs["incremental"].files(table))


def test_retention_keeps_every_file_a_kept_release_references(runs: dict) -> None:
    settings, first, incremental = runs["settings"], runs["first"], runs["incremental"]
    assert prune_releases(settings, 2) == [first.release_id]
    assert release_ids(settings) == [incremental.release_id, runs["full"].release_id]
    assert not (first.path / MANIFEST).exists()
    referenced = {p for table in TABLES for p in incremental.files(table)}
    assert all(p.exists() for p in referenced)
    assert [p for p in first.path.rglob("*.parquet") if p not in referenced] == []
    assert any(p.is_relative_to(first.path) for p in referenced)
    still = Release(incremental.release_id, incremental.path, incremental.manifest)
    with duckdb.connect() as con:
        files = [str(p) for p in still.files("paragraphs")]
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0] == \
            incremental.manifest["tables"]["paragraphs"]["rows"]
    assert prune_releases(settings, 1) == [incremental.release_id]
    assert not first.path.exists() and not incremental.path.exists()  # the full rebuild references neither


def test_a_store_written_before_the_index_is_indexed_once_and_then_read_by_the_index(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(data_dir=tmp_path)
    papers = [sample_paper("kst-36867-C"), sample_paper("kst-36600-VII-5", vergaderjaar="2024-2025")]
    for paper in papers:  # as the parse stage wrote them before the index existed
        write_json(ParsedStore(settings.layout).path(paper.record.identifier, 1), paper.to_json())
    with caplog.at_level(logging.INFO, logger="pipeline.parse.store"):
        batch = build_batch(settings, "r1")
    assert "indexing 2 stored parse(s)" in caplog.text
    assert batch.rebuilt == ["2024-2025", "2025-2026"] and batch.row_counts["documents"] == 2
    shutil.rmtree(settings.layout.parsed / "kst-36867-C")  # the index, not a listing, says what is stored
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipeline.parse.store"):
        assert ParsedStore(settings.layout).keys() == {("kst-36867-C", 1), ("kst-36600-VII-5", 1)}
    assert "indexing" not in caplog.text


def test_a_release_of_another_schema_or_pipeline_version_or_none_means_a_full_build(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    ParsedStore(settings.layout).save_all([sample_paper("kst-36867-C")])
    full = build_batch(settings, "r1")
    base = {"release_id": "r1", "schema_version": SCHEMA_VERSION, "pipeline_version": pipeline.__version__,
            "inputs": full.inputs, "tables": {}}
    assert full_build_reason(None) == "no current release"
    assert full_build_reason(base) == ""
    assert full_build_reason({**base, "schema_version": "1.2.0"}) == f"schema version 1.2.0 -> {SCHEMA_VERSION}"
    assert "predates incremental builds" in full_build_reason({k: v for k, v in base.items() if k != "inputs"})
    assert not plan_build(settings, base).changes
    ParsedStore(settings.layout).save(sample_paper("kst-36867-C", version=2))
    assert plan_build(settings, base).build == ["2025-2026"]
