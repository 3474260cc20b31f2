"""Motions (moties) in Handelingen: the same structure from the official XML, from a typeset PDF and
from paragraphs however they come, with who moved them and the number and dossier of their paper.

Golden values are read from tests/fixtures/real/official-tk/xml/h-tk-20172018-61-10.xml: six `motie`
elements, each under a member's `spreekbeurt`, the chair's `motie-info` after it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.model import Block, Document, Metadata, Motion
from pipeline.parse import parse_file
from pipeline.parse.structure import enrich
from pipeline.parse.structure.motions import extract_motions
from tests.support.papergen import LAYOUT_HANDELINGEN, Para, handelingen_item, render
from tests.support.paths import REALDATA

XML = REALDATA / "official-tk" / "xml" / "h-tk-20172018-61-10.xml"


def _words(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def xml() -> Document:
    return parse_file(XML)


@pytest.fixture(scope="module")
def moties() -> list[ET.Element]:
    return list(ET.parse(XML).getroot().iter("motie"))


def test_every_motie_element_is_a_motion_in_order(xml: Document, moties: list[ET.Element]) -> None:
    assert len(moties) == 6
    assert [m.seq for m in xml.motions] == [1, 2, 3, 4, 5, 6]
    # the paper each motion got, as the chair's `extref` names it
    assert [m.identifier for m in xml.motions] == [m.find(".//extref").get("doc") for m in moties]
    assert [m.identifier for m in xml.motions] == [f"kst-31311-{n}" for n in range(199, 205)]
    assert {(m.dossier, m.page) for m in xml.motions} == {("31311", 0)}  # XML has no pages
    assert [m.number for m in xml.motions] == [str(n) for n in range(199, 205)]


def test_the_motion_text_is_the_motie_body(xml: Document, moties: list[ET.Element]) -> None:
    bodies = [" ".join(_words(al) for al in m.findall("al")) for m in moties]
    assert [m.text for m in xml.motions] == bodies
    first = xml.motions[0]
    assert [c.split(" dat ")[0] for c in first.considerations] == ["overwegende", "constaterende", "overwegende"]
    assert first.requests == [_words(moties[0].findall("al")[5])]
    assert first.requests[0].startswith("verzoekt de regering in het voor de zomer beloofde mkb-actieplan")
    second = xml.motions[1]  # two requests: "verzoekt de regering ...;" and "verzoekt de regering voorts ..."
    assert (len(second.considerations), len(second.requests)) == (3, 2)
    assert xml.motions[3].considerations == []  # "gehoord de beraadslaging, verzoekt de regering ..."


def test_who_moved_each_motion_and_in_whose_turn(xml: Document) -> None:
    assert [m.submitted_by for m in xml.motions] == [
        ["Wörsdörfer", "Bruins", "Amhaouch"],
        ["Paternotte", "Wörsdörfer", "Van der Lee"],
        ["Van der Lee", "Paternotte", "Moorlag", "Wörsdörfer", "Amhaouch"],
        ["Graus"], ["Graus"], ["Graus", "Paternotte"],
    ]
    speakers = {s.seq: s for s in xml.speeches}
    assert [(speakers[m.speech_seq].speaker, speakers[m.speech_seq].party) for m in xml.motions] == [
        ("Wörsdörfer", "VVD"), ("Paternotte", "D66"), ("Van der Lee", "GL"), ("Graus", "PVV"), ("Graus", "PVV"),
        ("Graus", "PVV")]
    # the text stays in the turn it was read in
    assert all(m.text in " ".join(speakers[m.speech_seq].text.split()) for m in xml.motions)


def _turn_paras(spreekbeurt: ET.Element) -> list[Para]:
    """A member's turn as a verbatim PDF sets it: the tag running into the first paragraph, every al of
    the motion a paragraph, and the chair's words under it opening a turn of the chair."""
    spreker = spreekbeurt.find("spreker")
    tag = f"{_words(spreker.find('voorvoegsels'))} {_words(spreker.find('naam'))} ({_words(spreker.find('politiek'))}):"
    paras: list[Para] = []
    for part in spreekbeurt.find("tekst"):
        if part.tag == "al-groep":
            paras.append(Para(_words(part)))
        elif part.tag == "motie":
            paras += [Para(_words(al)) for al in part.findall("al")]
            said = [_words(al) for al in part.find("motie-info").findall("al")]
            paras += [Para(f"De voorzitter: {said[0]}", lead="De voorzitter:"), *map(Para, said[1:])]
    paras[0] = Para(f"{tag} {paras[0].text}", lead=tag)
    return paras


def _unhyphenated(motion: Motion) -> Motion:
    """The motion less turn and page numbers, and less hyphens: without the corpus lexicon a compound
    broken at its hyphen at a line end ("mkb-" / "financiering") is read as one word."""
    def plain(text: str) -> str:
        return text.replace("-", "")

    return replace(motion, speech_seq=0, page=0, text=plain(motion.text),
                   considerations=list(map(plain, motion.considerations)), requests=list(map(plain, motion.requests)))


def test_a_typeset_pdf_of_the_same_turns_gives_the_same_motions(xml: Document, tmp_path: Path) -> None:
    turns = [b for b in ET.parse(XML).getroot().iter("spreekbeurt") if b.find("tekst/motie") is not None]
    spec = handelingen_item()
    path = tmp_path / "moties.pdf"
    render(replace(spec, paras=spec.paras[:1] + [p for t in turns for p in _turn_paras(t)]), LAYOUT_HANDELINGEN, path)
    pdf = parse_file(path)
    assert pdf.pages >= 2
    assert [_unhyphenated(m) for m in pdf.motions] == [_unhyphenated(m) for m in xml.motions]
    assert [pdf.speeches[m.speech_seq - 1].speaker for m in pdf.motions] == [
        "Wörsdörfer", "Paternotte", "Van der Lee", "Graus", "Graus", "Graus"]
    assert pdf.motions[0].page == 1 and pdf.motions[-1].page == pdf.pages


def _handelingen(*paragraphs: str, page: int = 3) -> Document:
    blocks = [Block("paragraph", text, page) for text in paragraphs]
    return enrich(Document("pdf", "h.pdf", metadata=Metadata(document_type="handelingen"), blocks=blocks))


def test_one_member_and_a_budget_chapter_from_plain_paragraphs() -> None:
    doc = _handelingen(
        "De voorzitter: Het woord is aan mevrouw Vedder.",
        "Mevrouw Vedder (CDA): Voorzitter. Ik heb één motie.",
        "De Kamer,\ngehoord de beraadslaging,\nconstaterende dat boeren\nonzeker zijn over hun toekomst;",
        "verzoekt de regering om duidelijkheid te bieden,",
        "en gaat over tot de orde van de dag.",
        "De voorzitter: Deze motie is voorgesteld door het lid Vedder.\nZij krijgt nr. 12 (36 410-XIV).",
        "Dan is het woord aan de heer Grinwis.",
    )
    [motion] = doc.motions
    assert motion == Motion(
        seq=1, speech_seq=2, submitted_by=["Vedder"], identifier="kst-36410-XIV-12", dossier="36410-XIV",
        number="12", considerations=["constaterende dat boeren onzeker zijn over hun toekomst;"],
        requests=["verzoekt de regering om duidelijkheid te bieden,"],
        text="De Kamer, gehoord de beraadslaging, constaterende dat boeren onzeker zijn over hun toekomst; "
             "verzoekt de regering om duidelijkheid te bieden, en gaat over tot de orde van de dag.",
        page=3)
    assert "en gaat over tot de orde van de dag." in doc.speeches[1].text  # kept in the turn


def test_the_chair_naming_the_movers_before_the_motion_and_a_letter() -> None:
    """The Eerste Kamer's way: the chair reads the motion out, the movers first, a letter for its paper."""
    doc = _handelingen(
        "De heer Van Apeldoorn (SP): Daarom dien ik de volgende motie in.",
        "De voorzitter: Door de leden Van Apeldoorn, Karimi en Faber-van\nde Klashorst wordt de volgende "
        "motie voorgesteld:",
        "De Kamer, gehoord de beraadslaging, overwegende dat de wet te laat komt; van mening dat dit "
        "onwenselijk is; roept de regering op haast te maken, en gaat over tot de orde van de dag.",
        "Zij krijgt letter G (35 300).",
        "De heer Van Apeldoorn (SP): Dank u wel.",
    )
    [motion] = doc.motions
    assert (motion.submitted_by, motion.identifier, motion.dossier, motion.number, motion.speech_seq) == (
        ["Van Apeldoorn", "Karimi", "Faber-van de Klashorst"], "kst-35300-G", "35300", "G", 2)
    assert motion.considerations == ["overwegende dat de wet te laat komt;", "van mening dat dit onwenselijk is;"]
    assert motion.requests == ["roept de regering op haast te maken,"]


def test_an_altered_motion_gets_a_new_number() -> None:
    doc = _handelingen(
        "De voorzitter: De motie-Graus (31311, nr. 202) is in die zin gewijzigd dat zij thans luidt:",
        "De Kamer, gehoord de beraadslaging, verzoekt de regering een volksbank op te richten, en gaat over tot de "
        "orde van de dag.",
        "Deze motie is voorgesteld door de leden Graus en Paternotte.",
        "Zij krijgt nr. 210, was nr. 202 (31311).",
    )
    assert [(m.submitted_by, m.identifier, m.number) for m in doc.motions] == [
        (["Graus", "Paternotte"], "kst-31311-210", "210")]


def test_a_motion_without_its_number_or_end_is_kept_or_left_as_the_text_says() -> None:
    speeches = _handelingen(
        "De heer Graus (PVV): De Kamer, gehoord de beraadslaging, verzoekt de regering X, en gaat over tot "
        "de orde van de dag.",
        "De heer Graus (PVV): De Kamer, gehoord de beraadslaging, en zo verder.",  # read out half: no motion
    ).speeches
    [motion] = extract_motions(speeches)
    assert (motion.submitted_by, motion.identifier, motion.number, motion.requests, motion.page) == (
        [], "", "", ["verzoekt de regering X,"], 0)


def test_motions_survive_the_json_round_trip_and_old_json_loads(xml: Document) -> None:
    data = xml.to_json()
    assert Document.from_json(data).motions == xml.motions
    del data["motions"]
    assert Document.from_json(data).motions == []
