"""The parse stage lays out each PDF only where it is needed.

The official XML is the text where it holds body text. A normal run still lays out every PDF
(the agreement check is a quality signal); a backfill lays out only a stable sample of the papers
with usable XML and reads just the page facts of the others, and the tables say which was which.
Page counts and text layers below are those `pdfinfo` and `pdffonts` report for the real files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.normalise.tables import paper_rows
from pipeline.parse.pdf.facts import pdf_facts
from pipeline.parse.stage import ParseProgress, in_sample, is_backfill, parse_batch, parse_pending
from pipeline.parse.store import PDF_FULL, PDF_SAMPLED_OUT, ParsedStore
from tests.support.archive import EMPTY_XML, archive_version
from tests.support.paths import AH_PDF, AH_XML, KST_PDF, KST_XML, SCAN_PDF

PAIRS = {"kst-32545-143": (KST_PDF, KST_XML, 1), "ah-tk-20202021-3235": (AH_PDF, AH_XML, 3)}


def _archive_pairs(settings: Settings) -> None:
    for identifier, (pdf, xml, _) in PAIRS.items():
        archive_version(settings, identifier, {"pdf": pdf, "xml": xml})


def test_a_backfill_reads_only_the_page_facts_of_papers_with_xml_outside_the_sample(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, vergaderjaar="2020-2021", agreement_sample=0.0)
    _archive_pairs(settings)
    report = parse_pending(settings)
    assert report.failed == [] and report.by_pdf_pass == {PDF_SAMPLED_OUT: 2} and report.cross_checked == 0
    store = ParsedStore(settings.layout)
    for identifier, (_, _, pages) in PAIRS.items():
        paper = store.load(identifier, 1)
        assert (paper.pdf_pass, paper.chosen, paper.agreement) == (PDF_SAMPLED_OUT, "xml", None)
        assert paper.pdf is not None and paper.pdf.text == "" and paper.pdf.pages == pages
        assert [p.has_text for p in paper.pdf.page_info] == [True] * pages
        rows = paper_rows(paper, is_current=True)
        assert rows["documents"][0]["pages"] == pages and rows["documents"][0]["text_pages"] == pages
        assert [(r["page_number"], r["chars"], r["has_text"]) for r in rows["pages"]] == \
            [(n, None, True) for n in range(1, pages + 1)]
        [agreement] = rows["parse_agreement"]
        assert agreement["pdf_pass"] == PDF_SAMPLED_OUT and agreement["text_similarity"] is None
        assert agreement["agrees"] is None and agreement["xml_words"] > 0


def test_a_normal_run_lays_out_every_pdf_and_cross_checks_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, agreement_sample=0.0)
    _archive_pairs(settings)
    report = parse_pending(settings)
    assert report.by_pdf_pass == {PDF_FULL: 2} and report.cross_checked == 2 and report.disagreeing == []
    paper = ParsedStore(settings.layout).load("ah-tk-20202021-3235", 1)
    assert paper.pdf_pass == PDF_FULL and paper.agreement is not None and paper.agreement["ok"]
    [agreement] = paper_rows(paper, is_current=True)["parse_agreement"]
    assert agreement["pdf_pass"] == PDF_FULL and agreement["agrees"] is True
    assert agreement["text_similarity"] >= 0.98 and agreement["pdf_words"] > 0


def test_many_papers_make_a_backfill_and_the_sample_is_laid_out(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, full_check_max=1, agreement_sample=1.0)
    _archive_pairs(settings)
    assert is_backfill(settings, 2) and not is_backfill(settings, 1)
    report = parse_batch(settings, ["kst-32545-143@1", "ah-tk-20202021-3235@1"])
    assert report.by_pdf_pass == {PDF_FULL: 2} and report.cross_checked == 2


def test_a_batch_of_a_backfill_samples_by_the_run_s_planned_total(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, agreement_sample=0.0)
    _archive_pairs(settings)
    report = parse_batch(settings, ["ah-tk-20202021-3235@1"], planned=settings.full_check_max + 1)
    assert report.by_pdf_pass == {PDF_SAMPLED_OUT: 1}
    assert parse_batch(settings, ["kst-32545-143@1"]).by_pdf_pass == {PDF_FULL: 1}


@pytest.mark.parametrize("truncated", [False, True], ids=["xml-without-text", "xml-truncated"])
def test_a_paper_whose_xml_fails_gets_the_full_pdf_pass_in_a_backfill(tmp_path: Path, truncated: bool) -> None:
    xml = EMPTY_XML
    if truncated:  # the real XML cut off mid-document: it does not parse
        xml = tmp_path / "truncated.xml"
        xml.write_bytes(AH_XML.read_bytes()[:2000])
    settings = Settings(data_dir=tmp_path / "data", workers=1, vergaderjaar="2020-2021", agreement_sample=0.0)
    archive_version(settings, "ah-tk-20202021-3235", {"pdf": AH_PDF, "xml": xml})
    parse_pending(settings)
    paper = ParsedStore(settings.layout).load("ah-tk-20202021-3235", 1)
    assert ("xml" in paper.errors) is truncated
    assert paper.pdf_pass == PDF_FULL and paper.chosen == "pdf" and paper.pdf is not None
    assert "Antwoord" in paper.pdf.text and all(p.chars for p in paper.pdf.page_info)


def test_a_paper_without_xml_gets_the_full_pdf_pass_in_a_backfill(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, vergaderjaar="2020-2021", agreement_sample=0.0)
    archive_version(settings, "kst-32545-143", {"pdf": KST_PDF})
    report = parse_pending(settings)
    assert report.by_pdf_pass == {PDF_FULL: 1} and report.by_source == {"pdf": 1}


def test_the_sample_is_stable_and_about_the_fraction_asked() -> None:
    identifiers = [f"kst-{36000 + i // 50}-{i % 50 + 1}" for i in range(20_000)]
    for fraction in (0.05, 0.2):
        chosen = [i for i in identifiers if in_sample(i, fraction)]
        assert abs(len(chosen) / len(identifiers) - fraction) < 0.01
        assert chosen == [i for i in identifiers if in_sample(i, fraction)]
    assert not any(in_sample(i, 0.0) for i in identifiers) and all(in_sample(i, 1.0) for i in identifiers)
    # a larger sample holds the smaller one: raising the fraction only adds papers
    assert {i for i in identifiers if in_sample(i, 0.05)} <= {i for i in identifiers if in_sample(i, 0.2)}


def test_the_facts_of_a_scan_say_it_has_no_text_layer() -> None:
    doc = pdf_facts(SCAN_PDF)
    assert doc.pages == 2 and not doc.has_text_layer and "scanned" in doc.no_text_reason
    assert [(p.number, p.has_text, p.chars) for p in doc.page_info] == [(1, False, None), (2, False, None)]


def test_progress_says_papers_done_of_total_rate_and_time_left() -> None:
    progress = ParseProgress(total=40)
    progress.add(records=10, errors=1)
    line = progress.line(now=progress._start + 5.0)
    assert line == "parse: 10/40 papers (2.00/s), 1 with errors, 5s, 15s left"
