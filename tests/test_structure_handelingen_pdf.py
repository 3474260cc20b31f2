"""Handelingen as a typeset PDF: the generated h-ek-20202021-1-1 (two columns, bold speaker tags, page-1
header, running footer, identifier block; tests/support/papergen.py) is the official XML fixture of the
same item word for word, so the PDF path must give what the XML path gives."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from pipeline.parse.structure.text import squash
from pipeline.parse.textsim import word_similarity
from tests.support.papergen import (
    FIXTURES,
    HANDELINGEN_XML,
    LAYOUT_HANDELINGEN,
    Para,
    handelingen_item,
    render,
)

NAME = "h-ek-20202021-1-1"
TRUTH = json.loads((FIXTURES / f"{NAME}.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdf() -> Document:
    return parse_file(FIXTURES / f"{NAME}.pdf")


@pytest.fixture(scope="module")
def xml() -> Document:
    return parse_file(HANDELINGEN_XML)


def test_the_fixture_is_the_xml_item_set_in_two_columns() -> None:
    assert TRUTH["layout"]["columns"] == 2 and TRUTH["pages"] == 1
    assert [p["lead"] for p in TRUTH["paragraphs"] if "lead" in p] == [
        "De voorzitter:", "De heer Van Apeldoorn (SP):"]


def test_speaker_turns_are_the_xml_turns(pdf: Document, xml: Document) -> None:
    assert [(s.seq, s.speaker, s.party, s.role) for s in pdf.speeches] == [
        (1, "voorzitter", "", "voorzitter"), (2, "Van Apeldoorn", "SP", "lid")]
    assert [s.text[:36] for s in pdf.speeches] == ["Ik open de vergadering.\n\nIk deel aan",
                                                   "Voorzitter. Namens mijn fractie wens"]
    assert pdf.speeches == xml.speeches  # speaker, party, role, every word and paragraph, vote


def test_vote_outcomes_are_the_xml_ones(pdf: Document, xml: Document) -> None:
    """The item states no vote: neither path may find one (the chair's turn is checked for it)."""
    assert [s.vote for s in pdf.speeches] == [s.vote for s in xml.speeches] == ["", ""]


def test_attendance_is_the_xml_attendance(pdf: Document, xml: Document) -> None:
    assert pdf.attendance == xml.attendance
    assert len(pdf.attendance) == 35 and pdf.attendance[8].role == "voorzitter"
    assert [(a.name, a.status) for a in pdf.attendance[-2:]] == [("Gerkens", "afwezig"), ("Nicolaï", "afwezig")]
    assert pdf.metadata.flags == xml.metadata.flags == []  # the list names the 30 members it counts


def test_metadata_is_the_xml_metadata(pdf: Document, xml: Document) -> None:
    for name in ("identifier", "kamer", "vergaderjaar", "document_type", "date"):
        assert getattr(pdf.metadata, name) == getattr(xml.metadata, name), name
    assert pdf.metadata.date == "2020-09-22"


def test_body_text_is_the_xml_body(pdf: Document, xml: Document) -> None:
    assert word_similarity(pdf.text, xml.text) >= 0.99
    assert word_similarity(pdf.text, TRUTH["body_text"]) >= 0.99
    assert [squash(b.text) for b in pdf.body_blocks] == [p["text"] for p in TRUTH["paragraphs"]]


def test_no_furniture_in_the_body(pdf: Document) -> None:
    by_kind: dict[str, list[str]] = {}
    for block in pdf.blocks:
        by_kind.setdefault(block.kind, []).append(squash(block.text))
    assert by_kind["footer"] == TRUTH["footers"]
    assert by_kind["header"] == TRUTH["header"]
    assert by_kind["margin"] == [" ".join(TRUTH["margin"])]
    printed = [*TRUTH["footers"], *TRUTH["header"][2:], *TRUTH["margin"], "Staten-Generaal", "EK 1", "ISSN"]
    for furniture in printed:  # (the big chamber number "1" is in the header, and in "covid-19")
        assert all(furniture not in b.text for b in pdf.body_blocks), furniture


def test_reading_order_is_column_by_column(pdf: Document) -> None:
    """The left column is read to its foot before the right one; the paragraph broken between the
    columns (inside "staatssecre-taris") is one block."""
    middle = LAYOUT_HANDELINGEN.page_width / 2
    body = pdf.body_blocks
    sides = ["right" if b.bbox[0] > middle else "left" for b in body]
    assert sides == sorted(sides)  # every left-column block before every right-column block
    assert "right" in sides
    left_foot = max(b.bbox[3] for b, side in zip(body, sides, strict=True) if side == "left")
    assert body[sides.index("right")].bbox[1] < left_foot  # read on at the head of the right column
    broken = next(b for b in body if b.text.startswith("en mevrouw Van Ark"))
    assert broken.bbox[0] < middle < broken.bbox[2]  # from the left column into the right one
    assert squash(broken.text).endswith("en Snel, staatssecretaris van Financiën.")


STEMMING = [Para(f"{tag} {text}", lead=tag) for tag, text in [
    ("De voorzitter:", "Aan de orde is de stemming over het wetsvoorstel Wijziging van de Wet publieke gezondheid."),
    ("De heer Van Apeldoorn (SP):", "Voorzitter. Mijn fractie zal tegen dit wetsvoorstel stemmen."),
    ("De voorzitter:", "In stemming komt het wetsvoorstel. Ik constateer dat het wetsvoorstel met algemene "
                       "stemmen is aangenomen."),
]]


@pytest.mark.parametrize("size", [8.6, 9.1, 9.6, 10.2])
@pytest.mark.parametrize("face", ["helvetica", "times", "dejavu-sans", "dejavu-serif"])
def test_a_longer_sitting_typeset_otherwise_gives_the_same_turns_votes_and_attendance(
        face: str, size: float, xml: Document, tmp_path: Path) -> None:
    """The item five times over and a stemming, on two pages: typeface and size move the column
    edges, the footer's width and every line, column and page break (a paragraph runs from the
    right column of page 1 into the left column of page 2; a double surname, "Faber-" / "van de
    Klashorst", may fall at a line end). The XML fixtures state no vote: this one does."""
    spec = handelingen_item()
    path = tmp_path / f"{NAME}-{face}-{size}.pdf"
    render(replace(spec, paras=spec.paras * 5 + STEMMING),
           replace(LAYOUT_HANDELINGEN, face=face, body_size=size, leading=round(size * 1.18, 1)), path)
    pdf = parse_file(path)
    assert pdf.pages == 2
    turns = [(s.speaker, s.party, s.role, s.text, s.vote) for s in pdf.speeches]
    assert turns[:10] == [(s.speaker, s.party, s.role, s.text, s.vote) for s in xml.speeches] * 5
    assert [(speaker, party, vote) for speaker, party, _, _, vote in turns[10:]] == [
        ("voorzitter", "", ""), ("Van Apeldoorn", "SP", ""), ("voorzitter", "", "aangenomen")]
    assert pdf.attendance == xml.attendance
