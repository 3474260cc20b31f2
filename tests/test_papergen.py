"""The paper generator: deterministic fixtures whose truth matches what is on the page."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2
import pytest

from pipeline.parse.textsim import word_similarity
from tests.support.papergen import FIXTURES, break_points, build_fixtures, soft_breaks

NAMES = sorted(p.name.removesuffix(".truth.json") for p in FIXTURES.glob("*.truth.json"))


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    build_fixtures(out)
    return out


def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_committed_fixtures_are_what_the_generator_makes(name: str, rebuilt: Path) -> None:
    assert (rebuilt / f"{name}.pdf").read_bytes() == (FIXTURES / f"{name}.pdf").read_bytes()
    assert json.loads((rebuilt / f"{name}.truth.json").read_text()) == truth(name)


@pytest.mark.parametrize("name", NAMES)
def test_truth_matches_the_printed_pages(name: str) -> None:
    t = truth(name)
    pdf = pypdfium2.PdfDocument(FIXTURES / f"{name}.pdf")  # an extractor independent of the parser
    assert len(pdf) == t["pages"]
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    for page_text, footer in zip(texts, t["footers"], strict=True):
        assert footer.replace(" ", "") in page_text.replace(" ", "")
    printed = "\n".join(texts)
    for margin in t["margin"]:
        assert margin.replace(" ", "") in printed.replace(" ", "")
    # Plain extraction still carries furniture, notes and broken words: close, never equal.
    assert 0.7 < word_similarity(t["body_text"], printed) < 0.99


def test_the_seed_paper_has_its_notes_questions_and_both_kinds_of_hyphen() -> None:
    t = truth("kst-27925-AA")
    notes = {n["number"]: n["text"] for n in t["footnotes"]}
    assert notes["1"].startswith("Samenstelling: Faber-van de Klashorst (PVV)")
    assert notes["2"] == "Kamerstukken II, 2019–2020, 27 925, nr. 694" and notes["3"] == "idem"
    assert t["header"][:3] == ["Eerste Kamer der Staten-Generaal", "1", "Vergaderjaar 2019–2020"]
    assert "AA VERSLAG VAN EEN SCHRIFTELIJK OVERLEG" in t["header"]
    paragraphs = t["paragraphs"]
    assert len(t["qa"]) == 6 and all(p["asked_by"] == "SP" for p in t["qa"])
    letter = {p["text"] for p in paragraphs if not p["role"]}
    for pair in t["qa"]:
        assert pair["question"] and pair["answer"]
        assert all(paragraphs[i]["text"] in letter for i in pair["question"])
        assert pair["question"][-1] + 1 == pair["answer"][0]
    kinds = {h["kind"] for h in t["hyphenations"]}
    assert kinds == {"soft", "hard"}
    for h in t["hyphenations"]:
        joined = h["prefix"][:-1] + h["suffix"] if h["kind"] == "soft" else h["prefix"] + h["suffix"]
        assert joined.strip("()«»,.;:?!’") == h["joined"].strip("()«»,.;:?!’")


def test_the_variant_is_typeset_differently_but_says_the_same() -> None:
    a, b = truth("kst-27925-AA"), truth("kst-27925-AA-variant")
    assert a["body_text"] == b["body_text"] and a["footnotes"][0]["text"] == b["footnotes"][0]["text"]
    assert a["layout"]["face"] != b["layout"]["face"]
    assert a["layout"]["question_style"] != b["layout"]["question_style"]
    assert [h["prefix"] for h in a["hyphenations"]] != [h["prefix"] for h in b["hyphenations"]]


def test_break_points_follow_dutch_syllables_and_real_hyphens() -> None:
    assert soft_breaks("aanslag") == [3]  # aan-slag
    assert soft_breaks("demonstraties")[:1] == [5]  # demon-straties
    assert 4 not in soft_breaks("coalitie")  # never between two vowels
    assert (3, "hard") in break_points("SP-fractie") and (5, "hard") in break_points("NAVO-missie,")
