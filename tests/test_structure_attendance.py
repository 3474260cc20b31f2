"""Handelingen: the attendance list of a sitting is data (`Document.attendance`), never part of a speech turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import Attendee, Block, Document
from pipeline.parse import parse_file
from pipeline.parse.structure import enrich
from pipeline.parse.structure.attendance import attendees

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "xml"

#: Eerste Kamer members (Samenstelling notes of 2020 papers) in the order of a presentielijst.
MEMBERS = [
    "Van Apeldoorn", "Atsma", "Baay-Timmerman", "Backer", "Van Ballekom", "Beukering", "Bezaan", "Bikker",
    "Bruijn", "Dessing", "Van Dijk", "Dittrich", "Faber-van de Klashorst", "Ganzevoort", "Gerbrandy",
    "Huizinga-Heringa", "Jorritsma-Lebbink", "Karimi", "Kluit", "Knapen", "Koole", "Moonen", "Nanninga",
    "Oomen-Ruijten", "Otten", "Van Pareren", "Van Rooijen", "Teunissen", "Vos", "Van Wely",
]
GOVERNMENT = [
    Attendee("Van Ark", "aanwezig", "minister voor Medische Zorg en Sport"),
    Attendee("Knops", "aanwezig", "staatssecretaris van Binnenlandse Zaken en Koninkrijksrelaties"),
    Attendee("Snel", "aanwezig", "staatssecretaris van Financiën"),
]
EXPECTED = [
    *(Attendee(name, "aanwezig", "voorzitter" if name == "Bruijn" else "") for name in MEMBERS),
    *GOVERNMENT,
    Attendee("Gerkens", "afwezig"), Attendee("Nicolaï", "afwezig"),
]
OPENING = "Ik open de vergadering."
ANNOUNCEMENT = ("Ik deel aan de Kamer mee dat de volgende stukken zijn ingekomen: een brief van de minister "
                "voor Medische Zorg en Sport over de verlenging van de Tijdelijke wet maatregelen covid-19.")


def _pdf_opening() -> Document:
    """The opening as the PDF engine gives it: wrapped lines in paragraph blocks, the list broken at a
    page end inside a hyphenated name, page furniture between."""
    names = ", ".join(MEMBERS[:-2]) + f", {MEMBERS[-2]} en {MEMBERS[-1]},"
    first, rest = names.split("Huizinga-")
    body = [
        ("heading", "Presentie en opening", 1),
        ("paragraph", "Voorzitter: Bruijn", 1),
        ("paragraph", "Tegenwoordig, 30 leden, te weten:", 1),
        ("paragraph", first.replace("Bikker, ", "Bikker,\n") + "Huizinga-", 1),
        ("footer", "Eerste Kamer Presentie en opening 22 september 2020 EK 1 1-1", 1),
        ("paragraph", rest.lstrip().replace("Otten, ", "Otten,\n"), 2),
        ("paragraph", "en mevrouw Van Ark, minister voor Medische Zorg en Sport, en de heren Knops,\n"
                      "staatssecretaris van Binnenlandse Zaken en Koninkrijksrelaties, en Snel,\n"
                      "staatssecretaris van Financiën.", 2),
        ("paragraph", f"De voorzitter: {OPENING}", 2),
        ("paragraph", "Met kennisgeving afwezig zijn de leden: Gerkens en Nicolaï.", 2),
        ("paragraph", ANNOUNCEMENT, 2),
        ("paragraph", "De heer Van Apeldoorn (SP): Voorzitter. Namens mijn fractie wens ik u een goed\n"
                      "vergaderjaar.", 2),
    ]
    blocks = [Block("header", "Eerste Kamer der Staten-Generaal", 1), Block("header", "Vergaderjaar 2020-2021", 1)]
    blocks += [Block(kind, text, page) for kind, text, page in body]
    blocks.append(Block("margin", "h-ek-20202021-1-1", 1))
    return Document(source="pdf", source_path="h-ek-20202021-1-1.pdf", pages=2, blocks=blocks)


@pytest.mark.parametrize("doc", [
    pytest.param(parse_file(FIXTURES / "h-ek-20202021-1-1.xml"), id="official-xml"),
    pytest.param(enrich(_pdf_opening()), id="pdf-blocks"),
])
def test_presentie_en_opening_attendance_is_data_and_the_chair_says_only_what_he_said(doc: Document) -> None:
    assert doc.metadata.document_type == "handelingen"
    assert doc.attendance == EXPECTED
    assert doc.metadata.flags == []  # the list names the 30 members it counts
    assert [(s.seq, s.speaker, s.role) for s in doc.speeches] == [
        (1, "voorzitter", "voorzitter"), (2, "Van Apeldoorn", "lid")]
    chair = doc.speeches[0]
    assert chair.text.startswith(OPENING)
    assert chair.text.split("\n\n") == [OPENING, ANNOUNCEMENT]
    assert doc.speeches[1].text == "Voorzitter. Namens mijn fractie wens ik u een goed vergaderjaar."
    for name in ("Atsma", "Gerkens", "Knops", "Bruijn"):
        assert all(name not in s.text for s in doc.speeches)


def test_attendance_survives_the_parsed_document_store() -> None:
    doc = parse_file(FIXTURES / "h-ek-20202021-1-1.xml")
    data = doc.to_json()
    assert data["attendance"][-1] == {"name": "Nicolaï", "status": "afwezig", "role": ""}
    assert Document.from_json(data).attendance == EXPECTED
    del data["attendance"]  # a document parsed before the field existed
    assert Document.from_json(data).attendance == []


def test_the_chair_turn_of_the_older_fixture_loses_the_presence_list() -> None:
    doc = parse_file(FIXTURES / "h-ek-20212022-2-1.xml")
    assert doc.speeches[0].text == OPENING
    assert doc.attendance == [
        *(Attendee(n, "aanwezig") for n in ("Arbouw", "Backer", "Van Ballekom", "Beukering")),
        Attendee("Bruins Slot", "aanwezig", "minister van Binnenlandse Zaken en Koninkrijksrelaties")]
    # the hand-made list is cut short: the paper says so
    assert doc.metadata.flags == ["structure: the aanwezig list counts 68 leden but names 4"]


def test_a_list_glued_to_the_speaker_tag_and_a_list_that_closes_the_item() -> None:
    """An al-groep opening the spreekbeurt gets the tag; an al-groep that ends the XML is a signature."""
    doc = enrich(Document(source="xml", source_path="h.xml", blocks=[
        Block("margin", "h-ek-20192020-20-1", 0),
        Block("paragraph", "De voorzitter: Aanwezig zijn 3 leden der Kamer, te weten:\nKox, Nanninga en Vos", 0),
        Block("paragraph", OPENING, 0),
        Block("paragraph", "De heer Kox (SP): Voorzitter. Dank u wel.", 0),
        Block("signature", "Afwezig zijn:\nKarimi, Otten", 0),
    ]))
    assert [(s.seq, s.speaker, s.text) for s in doc.speeches] == [
        (1, "voorzitter", OPENING), (2, "Kox", "Voorzitter. Dank u wel.")]
    assert [(a.name, a.status) for a in doc.attendance] == [
        ("Kox", "aanwezig"), ("Nanninga", "aanwezig"), ("Vos", "aanwezig"),
        ("Karimi", "afwezig"), ("Otten", "afwezig")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Agema, Jasper van Dijk, Van der Graaf en Zwinkels, en de heer Rutte, minister-president, minister van "
     "Algemene Zaken, en mevrouw Ollongren, minister van Binnenlandse Zaken en Koninkrijksrelaties.",
     [("Agema", ""), ("Jasper van Dijk", ""), ("Van der Graaf", ""), ("Zwinkels", ""),
      ("Rutte", "minister-president, minister van Algemene Zaken"),
      ("Ollongren", "minister van Binnenlandse Zaken en Koninkrijksrelaties")]),
    ("Backer en Huizinga- Heringa, en Grapperhaus, minister van Justitie en Veiligheid.",
     [("Backer", ""), ("Huizinga-Heringa", ""), ("Grapperhaus", "minister van Justitie en Veiligheid")]),
    ("Gerkens, wegens ziekte.", [("Gerkens", "")]),
])
def test_names_and_offices_in_one_list(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(a.name, a.role) for a in attendees(text, "aanwezig")] == expected


def test_speech_text_that_only_looks_like_a_list_stays_in_the_turn() -> None:
    doc = enrich(Document(source="pdf", source_path="x.pdf", blocks=[
        Block("margin", "h-ek-20192020-20-5", 1),
        Block("paragraph", "De voorzitter: Aanwezig zijn wij allen.", 1),
        Block("paragraph", "Voorzitter: dat ben ik.", 1),
        Block("paragraph", "Akkoord.", 1),
        Block("paragraph", "Mevrouw Karimi (GroenLinks): Afwezig was niemand.", 1),
    ]))
    assert doc.attendance == []
    assert [s.text for s in doc.speeches] == [
        "Aanwezig zijn wij allen.\n\nVoorzitter: dat ben ik.\n\nAkkoord.", "Afwezig was niemand."]
