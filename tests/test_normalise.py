"""The normalise stage on realistic parsed papers: schemas, partitions, keys, versions, idempotency."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.ledger import StateStore
from pipeline.model import Block
from pipeline.normalise.samples import sample_paper
from pipeline.normalise.schemas import NORMALISED_TABLES, TABLES
from pipeline.normalise.stage import Batch, build_batch
from pipeline.parse import parse_file
from pipeline.parse.store import ParsedStore
from pipeline.publish.datasets import ASSET_URIS, PUBLISHED_TABLES
from pipeline.publish.dictionary import DICTIONARY_PATH, render
from pipeline.publish.views import VIEW_DESCRIPTIONS, dashboard_views
from pipeline.quality.suites import SUITES_DIR, load_suite
from pipeline.quality.suites import render as render_suite
from tests.support.paths import REALDATA

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def save(settings: Settings, *papers) -> None:
    store = ParsedStore(settings.layout.parsed)
    for paper in papers:
        store.save(paper)


def read(batch, table: str) -> list[dict]:
    return [row for path in batch.tables[table] for row in pq.read_table(path).to_pylist()]


def test_tables_are_partitioned_by_vergaderjaar_with_the_declared_schema_and_zstd(settings: Settings) -> None:
    save(settings, sample_paper("kst-36867-C"),
         sample_paper("kst-36600-VII-5", vergaderjaar="2024-2025", dossier="36600-VII", day=date(2024, 12, 3)))
    batch = build_batch(settings, "20261128T100000000Z")

    assert batch.path == settings.layout.staging / "20261128T100000000Z"
    assert [p.relative_to(batch.path).as_posix() for p in batch.tables["documents"]] == [
        "documents/vergaderjaar=2024-2025/part-0.parquet", "documents/vergaderjaar=2025-2026/part-0.parquet"]
    assert [p.relative_to(batch.path).as_posix() for p in batch.tables["dossiers"]] == ["dossiers/part-0.parquet"]
    for table in NORMALISED_TABLES:
        for path in batch.tables[table]:
            assert pq.read_schema(path).equals(TABLES[table].schema, check_metadata=True), path
            meta = pq.ParquetFile(path).metadata
            if meta.num_row_groups:
                assert meta.row_group(0).column(0).compression == "ZSTD"
    assert batch.row_counts["documents"] == 2
    assert batch.row_counts["committee_members"] == len(read(batch, "committee_members")) > 0
    assert json.loads(json.dumps(batch.to_dict()))["tables"]["pages"][0].startswith("pages/vergaderjaar=")


def test_document_row_carries_the_paper_and_its_record(settings: Settings) -> None:
    save(settings, sample_paper("kst-36867-C"))
    doc = read(build_batch(settings, "r1"), "documents")[0]

    assert doc["document_version_id"] == "kst-36867-C@1"
    assert (doc["identifier"], doc["vergaderjaar"], doc["dossier"], doc["ondernummer"]) == (
        "kst-36867-C", "2025-2026", "36867", "C")
    assert doc["document_type"] == "memorie van antwoord"
    assert doc["document_date"] == date(2025, 11, 4)
    assert doc["is_current"] and doc["has_text_layer"] and doc["source_kind"] == "xml"
    assert doc["pages"] == doc["text_pages"] == 3
    assert doc["word_count"] > 100 and doc["paragraph_count"] == 7
    assert doc["url_pdf"].endswith("/kst-36867-C/1/pdf/kst-36867-C.pdf")


def test_child_keys_are_deterministic_and_reference_the_document(settings: Settings) -> None:
    save(settings, sample_paper("kst-36867-C"))
    first, second = build_batch(settings, "r1"), build_batch(settings, "r2")

    members = read(first, "committee_members")
    assert [m["member_id"] for m in members][:2] == ["kst-36867-C@1#m1", "kst-36867-C@1#m2"]
    assert (members[0]["name"], members[0]["party"], members[0]["role"]) == ("Van Apeldoorn", "SP", "voorzitter")
    for table in NORMALISED_TABLES:
        assert read(first, table) == read(second, table), table
    pages = read(first, "pages")
    assert {p["document_version_id"] for p in pages} == {"kst-36867-C@1"}
    assert [p["page_id"] for p in pages] == ["kst-36867-C@1#p1", "kst-36867-C@1#p2", "kst-36867-C@1#p3"]


def test_proceedings_give_speech_turns_with_votes_and_attendance(settings: Settings) -> None:
    save(settings, sample_paper("h-ek-20252026-12-3", doc_type="handelingen", dossier="36867"))
    batch = build_batch(settings, "r1")

    attendance = read(batch, "attendance")
    assert [a["attendance_id"] for a in attendance][:2] == ["h-ek-20252026-12-3@1#a1", "h-ek-20252026-12-3@1#a2"]
    assert [(a["name"], a["status"], a["role"]) for a in attendance][-3:] == [
        ("Kroon", "aanwezig", ""), ("Van Ark", "aanwezig", "minister voor Medische Zorg en Sport"),
        ("Nicolaï", "afwezig", "")]
    assert attendance[0]["role"] == "voorzitter"
    speeches = read(batch, "speeches")
    assert len(speeches) == 5 and {s["vote"] for s in speeches} == {""}


def test_motions_of_a_real_sitting_are_rows_keyed_by_paper_and_seq_linked_to_their_turn(settings: Settings) -> None:
    """h-tk-20172018-61-10: six `motie` elements, motions 199 to 204 in dossier 31311."""
    paper = sample_paper("h-tk-20172018-61-10", vergaderjaar="2017-2018", dossier="31311", doc_type="handelingen")
    paper.xml = parse_file(REALDATA / "official-tk" / "xml" / "h-tk-20172018-61-10.xml")
    save(settings, paper)
    batch = build_batch(settings, "r1")

    [path] = batch.tables["motions"]
    assert path.relative_to(batch.path).as_posix() == "motions/vergaderjaar=2017-2018/part-0.parquet"
    assert pq.read_schema(path).equals(TABLES["motions"].schema, check_metadata=True)
    motions = read(batch, "motions")
    keys = [m["motion_id"] for m in motions]
    assert keys == [f"h-tk-20172018-61-10@1#mo{n}" for n in range(1, 7)] and len(set(keys)) == 6
    assert [m["kamerstuk_id"] for m in motions] == [f"kst-31311-{n}" for n in range(199, 205)]
    assert (motions[3]["submitted_by"], motions[3]["dossier"], motions[3]["ondernummer"]) == (["Graus"], "31311", "202")
    speeches = {s["speech_id"]: s for s in read(batch, "speeches")}
    assert [speeches[m["speech_id"]]["speaker"] for m in motions] == [
        "Wörsdörfer", "Paternotte", "Van der Lee", "Graus", "Graus", "Graus"]
    assert all(m["text"].endswith("en gaat over tot de orde van de dag.") for m in motions)


def test_new_version_supersedes_the_old_one_and_history_stays(settings: Settings) -> None:
    save(settings, sample_paper("kst-36867-C", version=1), sample_paper("kst-36867-C", version=2))
    batch = build_batch(settings, "r1")

    docs = {d["document_version_id"]: d["is_current"] for d in read(batch, "documents")}
    assert docs == {"kst-36867-C@1": False, "kst-36867-C@2": True}
    for table in ("pages", "paragraphs", "footnotes", "qa_pairs", "committee_members", "references",
                  "parse_agreement"):
        assert {r["document_version_id"] for r in read(batch, table)} == {"kst-36867-C@2"}, table
    assert read(batch, "dossiers")[0]["document_count"] == 1


def test_processing_a_paper_again_replaces_its_rows(settings: Settings) -> None:
    paper = sample_paper("kst-36867-C")
    save(settings, paper)
    before = read(build_batch(settings, "r1"), "paragraphs")
    paper.xml.blocks = [*paper.xml.blocks[:2], Block("paragraph", "Een nieuwe alinea na herparsen.", 2)]
    save(settings, paper)
    after = read(build_batch(settings, "r2"), "paragraphs")

    assert len(before) == 7 and len(after) == 3
    assert after[-1]["paragraph_id"] == "kst-36867-C@1#b3"
    assert after[-1]["text"] == "Een nieuwe alinea na herparsen."


def test_a_batch_survives_its_dict_form(settings: Settings) -> None:
    save(settings, sample_paper())
    batch = build_batch(settings, "r1")
    data = json.loads(json.dumps(batch.to_dict()))  # as a task result travels
    assert Batch.from_dict(data) == batch
    assert all(p.is_absolute() and p.exists() for paths in Batch.from_dict(data).tables.values() for p in paths)


def test_a_scan_without_text_layer_has_pages_but_no_text(settings: Settings) -> None:
    save(settings, sample_paper("blg-1007826", dossier="36867", text_layer=False))
    batch = build_batch(settings, "r1")

    doc = read(batch, "documents")[0]
    assert (doc["has_text_layer"], doc["text_pages"], doc["word_count"], doc["source_kind"]) == (False, 0, 0, "pdf")
    assert len(read(batch, "pages")) == 3 and read(batch, "paragraphs") == []
    assert read(batch, "parse_agreement") == []


def test_empty_store_gives_empty_tables_with_their_schema(settings: Settings) -> None:
    batch = build_batch(settings, "r1")

    assert all(count == 0 for count in batch.row_counts.values())
    for table in NORMALISED_TABLES:
        [path] = batch.tables[table]
        assert pq.read_schema(path).names == TABLES[table].schema.names


def test_fetch_errors_and_links_come_from_the_fetch_state(settings: Settings) -> None:
    with StateStore(settings.layout) as state:
        state.record_error("kst-36867-C", 1, "pdf", "https://repository.overheid.nl/x.pdf", "http-5xx", "HTTP 503")
        state.record_error("kst-36867-C", 1, "pdf", "https://repository.overheid.nl/x.pdf", "http-5xx", "HTTP 503")
    save(settings, sample_paper("kst-36867-C"))
    batch = build_batch(settings, "r1")

    [error] = read(batch, "fetch_errors")
    assert error["fetch_error_id"] == "kst-36867-C@1/pdf"
    assert (error["attempts"], error["resolved"], error["error_kind"]) == (2, False, "http-5xx")
    assert error["first_failed_at"] is not None and error["first_failed_at"] <= error["last_failed_at"]


def test_data_dictionary_matches_the_schemas() -> None:
    assert DICTIONARY_PATH.read_text("utf-8") == render(), "run python -m pipeline.publish.dictionary"
    text = render()
    for spec in TABLES.values():
        for field in spec.schema:
            assert spec.description_of(field.name), f"{spec.name}.{field.name} has no description"
            assert f"| `{field.name}` |" in text


def test_every_dashboard_view_is_described() -> None:
    assert set(VIEW_DESCRIPTIONS) == {*dashboard_views("duckdb", ["SP"]), "release_info"}


def test_committed_suites_match_their_rules_and_cover_keys_and_parents() -> None:
    for table in NORMALISED_TABLES:
        committed = (SUITES_DIR / f"{table}.json").read_text("utf-8")
        assert committed == render_suite(table), f"run python -m pipeline.quality.suites ({table})"
        suite = load_suite(table)
        assert {e["severity"] for e in suite["expectations"]} <= {"critical", "warning"}
        unique = [e["kwargs"]["column"] for e in suite["expectations"] if e["type"] == "expect_column_values_to_be_unique"]
        assert unique == [TABLES[table].key]
        for column, (parent, parent_column) in TABLES[table].parents.items():
            assert any(e["kwargs"].get("column") == column and e["kwargs"].get("value_set") == {
                "$PARAMETER": f"{parent}__{parent_column}"} for e in suite["expectations"])
        for expectation in suite["expectations"]:
            assert expectation["kwargs"]["column"] in TABLES[table].schema.names


def test_published_table_constants_match_the_schemas_and_import_nothing_heavy() -> None:
    assert tuple(TABLES) == PUBLISHED_TABLES
    assert ASSET_URIS["documents"] == "eerstekamer://published/documents"
    code = ("import sys, pipeline.publish.datasets; "
            "heavy = {'pyarrow', 'pandas', 'duckdb', 'great_expectations'} & set(sys.modules); "
            "print(', '.join(sorted(heavy)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

