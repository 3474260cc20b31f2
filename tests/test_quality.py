"""The quality gate with GX on realistic batches: a good one passes with warnings, a broken one fails."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.model import Member
from pipeline.normalise.samples import sample_corpus, sample_paper
from pipeline.normalise.schemas import NORMALISED_TABLES
from pipeline.normalise.stage import build_batch
from pipeline.parse.store import ParsedStore
from pipeline.publish.stage import current_release, publish_batch
from pipeline.quality.stage import QualityReport, split_suite, suite_columns, validate_batch
from pipeline.quality.suites import load_suite


def _store(settings: Settings, papers) -> None:
    store = ParsedStore(settings.layout)
    for paper in papers:
        store.save(paper)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, object, QualityReport]:
    """A corpus over two years with two warnings: an unknown party and one paper whose PDF disagrees."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("good"))
    odd = sample_paper("kst-36867-C", similarity=0.97)
    odd.xml.committee.members.append(Member("Nieuwkomer", "Partij X"))
    _store(settings, [*sample_corpus(12, years=2), odd])
    batch = build_batch(settings, "20261128T100000000Z")
    return settings, batch, validate_batch(settings, batch)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> QualityReport:
    """PDF and XML disagree across the corpus, a paper lost its text, and a page row has no paper."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("broken"))
    papers = [sample_paper(f"kst-36867-{letter}", similarity=0.9) for letter in "ABCD"]
    papers[0].xml.blocks = []  # the PDF has a text layer, but no body text came out
    _store(settings, papers)
    batch = build_batch(settings, "20261128T110000000Z")
    [pages] = batch.tables["pages"]
    rows = pq.read_table(pages).to_pylist()
    rows.append({**rows[0], "page_id": "kst-99999-Z@1#p1", "document_version_id": "kst-99999-Z@1"})
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(pages)), pages, compression="zstd")
    [paragraphs] = batch.tables["paragraphs"]
    rows = pq.read_table(paragraphs).to_pylist()
    pq.write_table(pa.Table.from_pylist([*rows, rows[0]], schema=pq.read_schema(paragraphs)), paragraphs)
    return validate_batch(settings, batch)


def test_good_batch_passes_with_its_warnings_reported(good) -> None:
    _, _, report = good
    assert report.passed, report.critical_failures
    assert report.critical_failures == []
    assert any(w.startswith("committee_members[vergaderjaar=2025-2026] expect_column_values_to_be_in_set(party): 1 of")
               for w in report.warnings), report.warnings
    assert any(w.startswith("parse_agreement[vergaderjaar=2025-2026] expect_column_values_to_be_between(text_similarity): 1 of")
               for w in report.warnings), report.warnings


def test_every_table_is_validated_and_every_result_has_a_severity(good) -> None:
    _, _, report = good
    validated = {r["table"] for r in report.results}
    assert validated == {t for t in NORMALISED_TABLES if t not in ("letters", "fetch_errors", "links", "source_status")}
    assert {r["severity"] for r in report.results} == {"critical", "warning"}
    partitions = {t: len({r["partition"] for r in report.results if r["table"] == t} - {"*"}) or 1 for t in validated}
    assert partitions["documents"] == 2 and partitions["parse_agreement"] == 2 and partitions["dossiers"] == 1
    local = {t: split_suite(load_suite(t)) for t in validated}
    expected = sum(len(cross) + len(suite["expectations"]) * partitions[t] for t, (suite, cross) in local.items())
    assert len(report.results) == expected
    keys = {(r["table"], r["type"], r["column"]) for r in report.results if r["partition"] == "*"}
    assert {("pages", "expect_column_values_to_be_unique", "page_id"),
            ("pages", "expect_column_values_to_be_in_set", "document_version_id")} <= keys


def test_results_land_in_quality_results_and_data_docs_in_the_data_dir(good) -> None:
    settings, batch, report = good
    [path] = batch.tables["quality_results"]
    rows = pq.read_table(path).to_pylist()
    assert len(rows) == len(report.results) == batch.row_counts["quality_results"]
    assert rows[0]["result_id"] == "20261128T100000000Z/documents/*/1"
    assert {r["severity"] for r in rows if not r["success"]} == {"warning"}
    assert report.data_docs == str(settings.layout.data_docs / "index.html")
    assert Path(report.data_docs).exists()
    assert list((settings.layout.data_docs / "validations").rglob("*.html"))


def test_broken_batch_fails_critical_expectations_naming_table_and_reason(broken: QualityReport) -> None:
    assert not broken.passed
    failures = "\n".join(broken.critical_failures)
    # the paper that lost its text fails on its own rows: it is to be held back, not the batch's failure
    [(paper, [reason])] = broken.held_back.items()
    assert paper == "kst-36867-A@1"
    assert reason.startswith("documents[vergaderjaar=2025-2026] expect_column_values_to_be_between(word_count): 1 of")
    assert "word_count" not in failures
    assert "parse_agreement[*] expect_column_median_to_be_between(text_similarity): observed 0.9" in failures
    assert ("pages[*] expect_column_values_to_be_in_set(document_version_id): 1 of 13 row(s) unexpected "
            "(e.g. 'kst-99999-Z@1')") in failures
    assert "every document_version_id is present in documents" in failures
    assert "paragraphs[*] expect_column_values_to_be_unique(paragraph_id): 2 of" in failures


def test_only_the_columns_a_suite_uses_are_read() -> None:
    assert "text" not in suite_columns(load_suite("documents"))
    assert suite_columns(load_suite("paragraphs")) == [
        "paragraph_id", "document_version_id", "identifier", "vergaderjaar", "kind", "text"]
    assert "text_pages" in suite_columns(load_suite("documents"))  # used in a row condition


def test_dates_out_of_range_are_critical(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    paper = sample_paper(day=date(1700, 1, 1))
    _store(settings, [paper, replace(paper, version=2)])
    report = validate_batch(settings, build_batch(settings, "r1"))
    assert not report.passed and not report.held_back  # every paper fails: the batch, not a paper
    assert any("expect_column_values_to_be_between(document_date): 2 of 2" in f for f in report.critical_failures)


def test_a_batch_holds_its_own_results_and_a_release_those_of_the_retained_releases(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, keep_releases=2)
    _store(settings, [sample_paper()])
    for run_id in ("20261128T010000000Z", "20261128T020000000Z", "20261128T030000000Z"):
        batch = build_batch(settings, run_id)
        validate_batch(settings, batch)
        [own] = batch.tables["quality_results"]
        assert set(pq.read_table(own, columns=["run_id"]).column("run_id").to_pylist()) == {run_id}
        publish_batch(settings, batch, validate_batch(settings, batch))

    release = current_release(settings)
    runs = [r for p in release.files("quality_results")
            for r in pq.read_table(p, columns=["run_id"]).column("run_id").to_pylist()]
    assert sorted(set(runs)) == ["20261128T020000000Z", "20261128T030000000Z"]  # the oldest went with its release
    assert len(runs) == release.manifest["tables"]["quality_results"]["rows"] == 2 * runs.count("20261128T030000000Z")
