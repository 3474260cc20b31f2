"""End to end: `parse_file` on PDFs (the generated EK papers and the real Aanhangsel), then the structure.

The generated papers are the seed kst-27925-AA typeset by tests/support/papergen.py in two layouts
(questions in italic; questions indented); their truth JSON gives the exact pairs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from pipeline.parse.textsim import word_similarity, words
from tests.support.papergen import LAYOUT_A, LAYOUT_B, kst_27925_aa, render
from tests.support.paths import AH_PDF, AH_XML
from tests.test_structure_seed import MEMBERS, REFERENCES, truth

GENERATED = Path(__file__).resolve().parent / "fixtures" / "generated"


@pytest.fixture(scope="module", params=["kst-27925-AA", "kst-27925-AA-variant"])
def generated(request: pytest.FixtureRequest) -> tuple[Document, dict]:
    return parse_file(GENERATED / f"{request.param}.pdf"), truth(request.param)


def test_generated_pdf_metadata(generated: tuple[Document, dict]) -> None:
    meta, expected = generated[0].metadata, generated[1]["metadata"]
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.dossier, meta.ondernummer) == (
        expected["identifier"], expected["kamer"], expected["vergaderjaar"], expected["dossier"], expected["ondernummer"])
    assert meta.title == f"{expected['title']}; {expected['doc_title']}"
    assert (meta.document_type, meta.date, meta.flags) == ("verslag van een schriftelijk overleg", "2020-04-20", [])


def test_generated_pdf_committee_24_members(generated: tuple[Document, dict]) -> None:
    committee = generated[0].committee
    assert committee.name == "vaste commissie voor Buitenlandse Zaken, Defensie en Ontwikkelingssamenwerking"
    assert [(m.name, m.party, m.role) for m in committee.members] == MEMBERS


def _same_pair_bounds(got: str, want: list[str]) -> None:
    """`got` holds exactly the paragraphs `want`: same first and last words, and the same words in
    between up to a slip of the layout engine (a paragraph it merges, a hyphen it mends wrongly)."""
    got_words, want_words = words(got), words(" ".join(want))
    assert got_words[:8] == want_words[:8] and got_words[-8:] == want_words[-8:]
    assert word_similarity(got, " ".join(want)) >= 0.99


def test_generated_pdf_every_question_block_paired_with_its_answer(generated: tuple[Document, dict]) -> None:
    doc, expected = generated
    text = [para["text"] for para in expected["paragraphs"]]
    assert [(q.seq, q.asked_by) for q in doc.qa] == [(q["seq"], q["asked_by"]) for q in expected["qa"]]
    for pair, want in zip(doc.qa, expected["qa"], strict=True):
        assert pair.question.split("\n\n") == [text[i] for i in want["question"]]
        _same_pair_bounds(pair.answer, [text[i] for i in want["answer"]])


def test_generated_pdf_references_resolved(generated: tuple[Document, dict]) -> None:
    assert [(r.kind, r.target_id, r.footnote) for r in generated[0].references] == REFERENCES


def test_real_aanhangsel_pdf_pairs_equal_the_official_xml() -> None:
    root = ET.parse(AH_XML).getroot()

    def paragraphs(element: ET.Element) -> list[str]:
        return [" ".join("".join(al.itertext()).split()) for al in element.iter("al")]

    want = [(paragraphs(v), paragraphs(a)) for v, a in zip(root.iter("vraag"), root.iter("antwoord"), strict=True)]
    doc = parse_file(AH_PDF)
    # the PDF cannot show the paragraph break inside answer 9 (no gap), so compare the words
    assert [(words(q.question), words(q.answer)) for q in doc.qa] == [
        (words(" ".join(v)), words(" ".join(a))) for v, a in want]
    assert [q.page for q in doc.qa] == [1, 1, 1, 2, 2, 2, 2, 3, 3]
    assert {(q.asked_by, q.answered_by) for q in doc.qa} == {
        ("Van Weyenberg (D66), Romke de Jong (D66), Kat (D66)", "Minister Koolmees (Sociale Zaken en Werkgelegenheid)")}
    meta = doc.metadata
    assert (meta.identifier, meta.ondernummer, meta.document_type, meta.date) == (
        "ah-tk-20202021-3235", "3235", "aanhangsel", "2021-06-21")


@pytest.mark.parametrize(("base", "face", "size"), [
    ("A", "times", 8.6), ("A", "dejavu-sans", 10.4), ("A", "dejavu-serif", 9.6),
    ("B", "helvetica", 10.4), ("B", "dejavu-sans", 8.6), ("B", "dejavu-serif", 10.4),
])
def test_the_seed_typeset_otherwise_gives_the_same_structure(base: str, face: str, size: float,
                                                              tmp_path: Path) -> None:
    """Typeface, size and layout move every line, page and footnote break (7 to 12 pages)."""
    layout = replace(LAYOUT_A if base == "A" else LAYOUT_B, face=face, body_size=size, leading=round(size * 1.18, 1))
    expected = render(kst_27925_aa(), layout, tmp_path / "kst-27925-AA.pdf")
    doc = parse_file(tmp_path / "kst-27925-AA.pdf")
    assert [(m.name, m.party, m.role) for m in doc.committee.members] == MEMBERS
    assert [(q.seq, q.asked_by) for q in doc.qa] == [(q["seq"], q["asked_by"]) for q in expected["qa"]]
    assert all(q.answer for q in doc.qa)
    assert [(r.kind, r.target_id, r.footnote) for r in doc.references] == REFERENCES
    assert word_similarity(doc.text, expected["body_text"]) >= 0.99
    assert doc.metadata.flags == []
