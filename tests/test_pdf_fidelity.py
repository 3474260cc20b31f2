"""Text fidelity of the PDF layout engine against ground truth: the official XML of real
official PDFs, and the generator's truth for realistic Eerste Kamer papers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.model import FURNITURE_KINDS, Block, Document
from pipeline.parse.textsim import word_similarity
from tests.support import analysed, xml_body_text
from tests.support.measure import generated_page_break_errors, page_break_errors, xml_paragraph_misses
from tests.support.papergen import FIXTURES
from tests.support.paths import AH_PDF, AH_XML, KST_PDF, KST_XML

GENERATED = sorted(p.name.removesuffix(".truth.json") for p in FIXTURES.glob("*.truth.json"))
FURNITURE_WORDS = ("ISSN", "’s-Gravenhage", "vergaderjaar 20")


def parse_pdf(path: Path) -> Document:
    return analysed(path).document


@pytest.mark.parametrize(("pdf", "xml"), [(KST_PDF, KST_XML), (AH_PDF, AH_XML)], ids=["kst-32545-143", "ah-tk-3235"])
def test_real_official_pdf_body_matches_its_official_xml(pdf: Path, xml: Path) -> None:
    doc = parse_pdf(pdf)
    assert doc.source == "pdf" and doc.has_text_layer and doc.pages == len(doc.page_info)
    assert word_similarity(doc.text, xml_body_text(xml)) >= 0.99
    for furniture in (*FURNITURE_WORDS, pdf.stem):
        assert furniture not in doc.text
    kinds = {b.kind for b in doc.blocks}
    assert {"header", "footer", "margin"} <= kinds
    footers = [b for b in doc.blocks if b.kind == "footer"]
    assert [b.page for b in footers] == list(range(1, doc.pages + 1))
    assert all(b.text.startswith("Tweede Kamer, vergaderjaar 2020–2021") for b in footers)


def test_real_official_header_and_margin_are_furniture_blocks() -> None:
    doc = parse_pdf(KST_PDF)
    header = [b.text for b in doc.blocks if b.kind == "header"]
    assert header == ["Tweede Kamer der Staten-Generaal", "2", "Vergaderjaar 2020–2021",
                      "32 545 Wet- en regelgeving financiële markten",
                      "Nr. 143 MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS", "Voorgesteld 6 juli 2021"]
    margin = [b.text for b in doc.blocks if b.kind == "margin"]
    assert margin == ["kst-32545-143 ISSN 0921 - 7371 ’s-Gravenhage 2021"]
    assert doc.body_blocks[-1].kind == "signature" and doc.body_blocks[-1].text == "Inge van Dijk Grinwis"
    assert all(b.style.font == "Univers" for b in doc.body_blocks if b.kind == "paragraph")


def test_real_written_questions_keep_their_labels() -> None:
    doc = parse_pdf(AH_PDF)
    labels = [b.text for b in doc.blocks if b.kind == "label"]
    assert labels == [f"{kind} {n}" for n in range(1, 10) for kind in ("Vraag", "Antwoord")]
    assert "beperktere doelgroep" in doc.text  # "beperk-" / "tere" joined across the line end


def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))


def matched(doc: Document, paragraphs: list[dict]) -> Iterator[tuple[dict, Block]]:
    """Truth paragraphs with the body block of the same text, matched in reading order (the
    letter's question, later its repetition in the reply); a paragraph not found is passed by."""
    blocks = doc.body_blocks
    start = 0
    for para in paragraphs:
        found = next((i for i in range(start, len(blocks)) if blocks[i].text == para["text"]), None)
        if found is not None:
            yield para, blocks[found]
            start = found + 1


@pytest.mark.parametrize("name", GENERATED)
def test_generated_paper_body_text_matches_the_truth(name: str) -> None:
    t = truth(name)
    doc = parse_pdf(FIXTURES / f"{name}.pdf")
    assert doc.pages == t["pages"]
    assert word_similarity(doc.text, t["body_text"]) >= 0.99
    for furniture in (*t["footers"], *t["margin"]):
        assert furniture not in doc.text
    assert [b.text for b in doc.blocks if b.kind == "header"] == t["header"]
    assert [b.text for b in doc.blocks if b.kind == "footer"] == t["footers"]
    assert [b.text for b in doc.blocks if b.kind == "margin"] == ([" ".join(t["margin"])] if t["margin"] else [])
    body = [b.text for b in doc.body_blocks]
    found = sum(p["text"] in body for p in t["paragraphs"])
    assert found >= len(t["paragraphs"]) - 3  # a wrong page break costs two, a misread hyphen one


def test_paragraphs_over_page_breaks() -> None:
    """Every page break of the generated papers decided as the truth says, but one: in
    kst-27925-AA a full line ending a sentence sits where a run-on line would, at the foot of a
    full page, and the next page starts with a capital (before the fit and room evidence: 2/35)."""
    wrong, total = generated_page_break_errors()
    print(f"page-break paragraph errors {wrong}/{total}")
    assert total >= 35 and wrong <= 1
    assert page_break_errors(analysed(FIXTURES / "kst-27925-AA-tight.pdf"), truth("kst-27925-AA-tight")) == []


@pytest.mark.parametrize(("pdf", "xml"), [(KST_PDF, KST_XML), (AH_PDF, AH_XML)], ids=["kst-32545-143", "ah-tk-3235"])
def test_real_official_pdf_has_the_paragraphs_of_its_xml(pdf: Path, xml: Path) -> None:
    """Each XML paragraph is one body block, also the two of Antwoord 9 in ah-tk-20202021-3235
    that no gap sets apart (the first ends a sentence with room left on its line)."""
    assert xml_paragraph_misses(pdf, xml)[0] == 0


@pytest.mark.parametrize("name", GENERATED)
def test_generated_paper_footnotes_and_markers(name: str) -> None:
    t = truth(name)
    doc = parse_pdf(FIXTURES / f"{name}.pdf")
    assert [(f.number, f.page, f.text) for f in doc.footnotes] == [
        (f["number"], f["page"], f["text"]) for f in t["footnotes"]]
    for para, block in matched(doc, t["paragraphs"]):
        assert block.footnote_refs == para["footnote_refs"], para["text"][:60]
    refs = [r for b in doc.body_blocks for r in b.footnote_refs]
    assert sorted(set(refs), key=int) == [f["number"] for f in t["footnotes"]]
    assert "Kamer2" not in doc.text and "Ontwikkelingssamenwerking1" not in doc.text
    assert not any(b.kind in FURNITURE_KINDS and b.footnote_refs for b in doc.blocks)


@pytest.mark.parametrize("name", [n for n in GENERATED if truth(n)["qa"]])
def test_generated_reply_sets_questions_apart_from_answers(name: str) -> None:
    """The repeated questions and the answers differ in style, which the blocks carry."""
    t = truth(name)
    doc = parse_pdf(FIXTURES / f"{name}.pdf")
    key = "italic" if t["layout"]["question_style"] == "italic" else "indent"
    values: dict[str, set] = {"question": set(), "answer": set()}
    for para, block in matched(doc, t["paragraphs"]):
        if para["role"]:
            values[para["role"]].add(getattr(block.style, key))
    questions, answers = values["question"], values["answer"]
    assert len(questions) == 1 and len(answers) == 1 and questions != answers


def test_two_typesettings_of_one_paper_give_the_same_text() -> None:
    a = parse_pdf(FIXTURES / "kst-27925-AA.pdf")
    b = parse_pdf(FIXTURES / "kst-27925-AA-variant.pdf")
    assert word_similarity(a.text, b.text) >= 0.995
    assert [f.text for f in a.footnotes] == [f.text for f in b.footnotes]
    assert [x.text for x in a.blocks if x.kind == "header"] == [x.text for x in b.blocks if x.kind == "header"]


def test_a_ruled_table_is_one_table_block_of_rows_and_cells() -> None:
    t = truth("kst-27925-AC")
    doc = parse_pdf(FIXTURES / "kst-27925-AC.pdf")
    tables = [b for b in doc.body_blocks if b.kind == "table"]
    assert [b.text for b in tables] == [p["text"] for p in t["paragraphs"] if p["kind"] == "table"]
    assert tables[0].text.splitlines()[3] == "Stabilisatie en wederopbouw | 21,0 | 18,7 | 16,3"
    assert not any("12,4" in b.text for b in doc.body_blocks if b.kind != "table")  # no row left as a paragraph
    assert [b.kind for b in doc.body_blocks] == [p["kind"] for p in t["paragraphs"]]
