"""Real papers (PDF and official XML from the KOOP repository) through normalise and the quality gate."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.normalise.stage import build_batch
from pipeline.parse import parse_file
from pipeline.parse.agreement import agreement_for, choose_source
from pipeline.parse.store import ParsedPaper, ParsedStore
from pipeline.quality.stage import validate_batch
from pipeline.sources.records import SruRecord
from tests.support.paths import AH_PDF, AH_XML, KST_PDF, KST_XML, SCAN_PDF

pytestmark = pytest.mark.skipif(not KST_PDF.exists(), reason="real data beside the project is missing")


def parsed(identifier: str, vergaderjaar: str, pdf_path: Path, xml_path: Path | None) -> ParsedPaper:
    record = SruRecord(identifier=identifier, vergaderjaar=vergaderjaar, publicatienaam="Kamerstuk",
                       changed_at="2021-01-01T00:00:00")
    pdf = parse_file(pdf_path, record)
    xml = parse_file(xml_path, record) if xml_path else None
    chosen, reason = choose_source(pdf, xml)
    return ParsedPaper(record=record, version=1, fetched_at="2021-01-01T00:00:00+00:00",
                       parsed_at="2021-01-01T00:01:00+00:00", chosen=chosen, choice_reason=reason,
                       pdf=pdf, xml=xml, agreement=agreement_for(pdf, xml))


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("real"))
    store = ParsedStore(settings.layout)
    store.save(parsed("kst-32545-143", "2021-2022", KST_PDF, KST_XML))
    store.save(parsed("ah-tk-20202021-3235", "2020-2021", AH_PDF, AH_XML))
    store.save(parsed("blg-1007826", "", SCAN_PDF, None))
    batch = build_batch(settings, "20261128T120000000Z")
    return batch, validate_batch(settings, batch)


def _rows(batch, table: str) -> list[dict]:
    return [row for path in batch.tables[table] for row in pq.read_table(path).to_pylist()]


def test_real_papers_pass_the_critical_expectations(real) -> None:
    _, report = real
    assert report.passed, report.critical_failures


def test_real_papers_become_rows(real) -> None:
    batch, _ = real
    docs = {d["identifier"]: d for d in _rows(batch, "documents")}
    assert set(docs) == {"kst-32545-143", "ah-tk-20202021-3235", "blg-1007826"}
    assert docs["kst-32545-143"]["source_kind"] == "xml" and docs["kst-32545-143"]["word_count"] > 100
    assert docs["blg-1007826"]["has_text_layer"] is False and docs["blg-1007826"]["text_pages"] == 0
    agreement = {a["identifier"]: a["text_similarity"] for a in _rows(batch, "parse_agreement")}
    assert set(agreement) == {"kst-32545-143", "ah-tk-20202021-3235"}
    assert all(0.9 < s <= 1.0 for s in agreement.values()), agreement
    pages = [p for p in _rows(batch, "pages") if p["identifier"] == "kst-32545-143"]
    assert len(pages) == docs["kst-32545-143"]["pages"] and all(p["words"] > 0 for p in pages)
