"""Line-end hyphenation undone like a Dutch reader would, measured on the generated papers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.parse.pdf import analyse
from pipeline.parse.pdf.hyphenation import Lexicon, join_broken, keeps_hyphen
from pipeline.parse.textsim import words
from tests.conftest import AH_PDF, AH_XML
from tests.support import analysed, xml_body_text
from tests.support.papergen import FIXTURES

GENERATED = sorted(p.name.removesuffix(".truth.json") for p in FIXTURES.glob("*.truth.json"))


def _bare(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", word)


@pytest.mark.parametrize(("head", "tail", "word"), [
    ("Ontwikkelings-", "samenwerking", "Ontwikkelingssamenwerking"),
    ("beperk-", "tere", "beperktere"),
    ("Huizinga-", "Heringa", "Huizinga-Heringa"),
    ("NAVO-", "missie", "NAVO-missie"),
    ("SP-", "fractie", "SP-fractie"),
    ("anti-", "ISIS", "anti-ISIS"),
    ("Coalitie-", "inzet", "Coalitie-inzet"),
    ("artikel 100-", "brief", "artikel 100-brief"),
    ("ONTWIKKELINGSSAMEN-", "WERKING", "ONTWIKKELINGSSAMENWERKING"),
])
def test_rules_without_evidence(head: str, tail: str, word: str) -> None:
    assert join_broken(head, tail, Lexicon()) == word


def test_the_documents_own_words_outweigh_the_rules() -> None:
    lexicon = Lexicon(["generaal-majoor", "de", "Iraanse", "generaal-majoor"])
    assert keeps_hyphen("generaal-", "majoor", lexicon)  # lowercase both sides, yet a real hyphen
    lexicon = Lexicon(["SPfractie"])  # an odd spelling seen in the document wins over the acronym rule
    assert not keeps_hyphen("SP-", "fractie", lexicon)


def test_hyphenation_accuracy_on_the_generated_papers() -> None:
    """Every line-end break the generator made, both kinds, resolved as the truth says."""
    right = total = 0
    kinds = set()
    for name in GENERATED:
        truth = json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))
        decided = {(d.page, d.head, d.tail): d.joined for d in analysed(FIXTURES / f"{name}.pdf").hyphenations}
        for case in truth["hyphenations"]:
            total += 1
            kinds.add(case["kind"])
            joined = decided.get((case["page"], case["prefix"], case["suffix"]))
            right += joined is not None and _bare(joined) == _bare(case["joined"])
    accuracy = right / total
    print(f"hyphenation accuracy {right}/{total} = {accuracy:.3f}")
    assert kinds == {"soft", "hard"} and total >= 100
    assert accuracy >= 0.95


def test_an_elliptical_hyphen_before_a_conjunction_stays_apart() -> None:
    assert join_broken("Wet-", "en", Lexicon()) == "Wet- en"


def test_a_corpus_adds_evidence_the_paper_lacks(tmp_path: Path) -> None:
    path = tmp_path / "generaal.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 700, "de liquidatie van de Iraanse generaal-")
    canvas.drawString(72, 688, "majoor Soleimani en de gevolgen daarvan")
    canvas.showPage()
    canvas.save()
    assert "Iraanse generaalmajoor Soleimani" in analyse(path).document.text  # no evidence: joined
    corpus = Lexicon(["generaal-majoor"])  # seen in other papers
    assert "Iraanse generaal-majoor Soleimani" in analyse(path, corpus).document.text


def test_line_end_breaks_in_a_real_official_pdf_give_the_xml_words() -> None:
    """ah-tk-20202021-3235: every word the engine rebuilt over a line end is a word of the XML."""
    xml_words = set(words(xml_body_text(AH_XML)))
    decisions = analysed(AH_PDF).hyphenations
    assert len(decisions) >= 5
    for decision in decisions:
        assert set(words(decision.joined)) <= xml_words, decision
