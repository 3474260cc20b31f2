"""The official-XML parser: real KOOP files and hand-made fixtures of the other dialects and kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ParseFailed
from pipeline.parse.textsim import words
from pipeline.parse.xml import parse_official_xml
from pipeline.parse.xml.meta import dossier, ondernummer, vergaderjaar
from tests.support.paths import AH_XML, KST_XML

FIXTURES = Path(__file__).parent / "fixtures" / "xml"


def _body(doc, kind: str) -> list[str]:
    return [b.text for b in doc.body_blocks if b.kind == kind]


# -- real files ------------------------------------------------------------------------------


def test_real_kamerstuk_header_body_and_metadata() -> None:
    doc = parse_official_xml(KST_XML)
    headers = [b.text for b in doc.blocks if b.kind == "header"]
    assert "32 545 Wet- en regelgeving financiële markten" in headers
    assert "Nr. 143 MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS" in headers
    assert "Voorgesteld 6 juli 2021" in headers
    assert doc.source == "xml" and doc.has_text_layer and doc.footnotes == []
    assert doc.text.startswith("De Kamer,\n\ngehoord de beraadslaging,\n\nconstaterende dat diverse")
    assert doc.body_blocks[-1].kind == "signature"
    assert doc.body_blocks[-1].text == "Inge van Dijk\nGrinwis"
    assert "Voorgesteld" not in doc.text and "MOTIE" not in doc.text
    assert len(words(doc.text)) == 136
    meta = doc.metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar) == ("kst-32545-143", "Tweede Kamer", "2020-2021")
    assert (meta.dossier, meta.dossiers, meta.ondernummer) == ("32545", ["32545"], "143")
    assert meta.title == "MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS"
    assert (meta.date, meta.dates) == ("2021-07-06", {"voorgesteld": "2021-07-06"})


def test_real_aanhangsel_labels_questions_and_answers() -> None:
    doc = parse_official_xml(AH_XML)
    body = doc.body_blocks
    assert [b.kind for b in body[:3]] == ["heading", "paragraph", "paragraph"]
    assert body[0].text == "3235"
    assert body[1].text.startswith("Vragen van de leden Van Weyenberg, Romke de Jong en Kat (allen D66)")
    labels = _body(doc, "label")
    expected = [f"{kind} {n}" for n in range(1, 10) for kind in ("Vraag", "Antwoord")]
    assert labels == expected
    # every label is followed by its own text, never glued to it
    for index, block in enumerate(body):
        if block.kind == "label":
            assert body[index + 1].kind == "paragraph"
    assert "Vragen gesteld door de leden der Kamer" not in doc.text  # kamervraagkop is header
    assert "Staatsblad 2020, 118" in doc.text  # extref text stays in the sentence
    meta = doc.metadata
    assert (meta.identifier, meta.ondernummer, meta.vergaderjaar) == ("ah-tk-20202021-3235", "3235", "2020-2021")
    assert meta.dates == {"ingezonden": "2021-06-03", "ontvangen": "2021-06-21"}
    assert meta.date == "2021-06-21"  # the answer's date


# -- hand-made fixtures ----------------------------------------------------------------------


def test_eerste_kamer_kamerstuk_footnotes_and_letter_ondernummer() -> None:
    doc = parse_official_xml(FIXTURES / "kst-27925-AA-ek.xml")
    meta = doc.metadata
    assert (meta.kamer, meta.dossier, meta.ondernummer) == ("Eerste Kamer", "27925", "AA")
    assert meta.title == "VERSLAG VAN EEN SCHRIFTELIJK OVERLEG" and meta.date == "2020-04-20"
    assert "AA VERSLAG VAN EEN SCHRIFTELIJK OVERLEG" in [b.text for b in doc.blocks if b.kind == "header"]

    assert [(n.number, n.text) for n in doc.footnotes][1:] == [
        ("2", "Kamerstukken II, 2019–2020, 27 925, nr. 694"),
        ("3", "idem"),
        ("4", "Kamerstukken I, 2019–2020, 27 925, Y"),
    ]
    assert doc.footnotes[0].text.startswith("Samenstelling: Faber-van de Klashorst (PVV)")
    # the note text is out of the body; the marker sits on the block the note stands in
    assert "Samenstelling" not in doc.text and "nr. 694" not in doc.text
    first = doc.body_blocks[0]
    assert first.footnote_refs == ["1"]
    assert "Ontwikkelingssamenwerking hebben kennisgenomen" in first.text
    refs = {b.text.split(",")[0]: b.footnote_refs for b in doc.body_blocks if b.footnote_refs}
    assert refs["U heeft eerder"] == ["2", "3"]
    assert refs["Zie ook de eerdere brief."] == ["2"]  # a nootref to an earlier note


def test_block_kinds_and_styles_of_the_fixture() -> None:
    doc = parse_official_xml(FIXTURES / "kst-27925-AA-ek.xml")
    body = doc.body_blocks
    signatures = _body(doc, "signature")
    assert signatures[0].endswith("Ontwikkelingssamenwerking,\nVan Luijk")
    assert signatures[-1].endswith("\nVan Apeldoorn")
    headings = {b.text: b.style for b in body if b.kind == "heading"}
    assert headings["Fase 3 en de missie"].italic and not headings["Fase 3 en de missie"].bold
    assert next(s for t, s in headings.items() if t.startswith("BRIEF VAN DE VOORZITTER")).bold
    assert _body(doc, "list_item") == [
        "a. Kunt u stabilisatie nader definiëren?",
        "b. Wanneer verwacht u dat fase 3 afgerond zal zijn?",
        "– en wat wordt verstaan onder normalisatie?",
    ]
    assert _body(doc, "table") == ["Tabel 1 Bijdrage per jaar\nJaar\tMilitairen\n2020\t150\n2021\t75"]
    emphasised = next(b for b in body if b.text.startswith("De leden van de SP-fractie vragen of"))
    assert emphasised.style.italic and not emphasised.style.bold
    # a paragraph with one emphasised word is not an emphasised block
    assert not any(b.style.italic for b in body if b.kind == "paragraph" and b is not emphasised)
    assert all(b.page == 0 for b in doc.blocks) and all(n.page == 0 for n in doc.footnotes)


def test_kamerwrk_legacy_dialect_body_and_footnotes() -> None:
    doc = parse_official_xml(FIXTURES / "kst-28600-VII-A-kamerwrk.xml")
    meta = doc.metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar) == ("kst-28600-VII-A", "Eerste Kamer", "2003-2004")
    assert (meta.dossier, meta.ondernummer, meta.title) == ("28600-VII", "A", "MEMORIE VAN ANTWOORD")
    assert [(n.number, n.text) for n in doc.footnotes] == [
        ("1", "Samenstelling: Jurgens (PvdA), Dölle (CDA), (voorzitter) en Witteveen (PvdA)."),
        ("2", "Kamerstukken II 2003/04, 28 600 VII, nr. 2."),
    ]
    assert "Samenstelling" not in doc.text and "Kamerstukken II" not in doc.text
    by_start = {b.text[:20]: b for b in doc.body_blocks}
    assert by_start["Met belangstelling h"].footnote_refs == ["1"]
    assert by_start["De leden van de CDA-"].footnote_refs == ["2"]  # voetref with only a refid
    assert "van de vaste commissie voor Binnenlandse Zaken." in by_start["Met belangstelling h"].text
    assert [b.kind for b in doc.body_blocks] == [
        "heading", "paragraph", "heading", "paragraph", "list_item", "list_item", "paragraph", "signature",
    ]
    assert by_start["1.1. Het grotestedenb"[:20]].style.italic
    assert doc.body_blocks[-1].text == "De Minister van Binnenlandse Zaken en Koninkrijksrelaties,\nJ. W. Remkes"


def test_handelingen_speakers_and_presence_list() -> None:
    doc = parse_official_xml(FIXTURES / "h-ek-20212022-2-1.xml")
    meta = doc.metadata
    assert (meta.kamer, meta.vergaderjaar, meta.date) == ("Eerste Kamer", "2021-2022", "2021-09-14")
    assert [b.kind for b in doc.blocks][:2] == ["header", "heading"]
    assert _body(doc, "heading") == ["Opening"]
    paragraphs = _body(doc, "paragraph")
    assert paragraphs[0] == "De voorzitter: Ik open de vergadering."
    assert "De heer Van Dijk (SGP): Voorzitter. Ik dank de minister voor de beantwoording." in paragraphs
    # an al-groep in the middle (the presence list) is a paragraph, not a signature
    assert "Aanwezig zijn 68 leden der Kamer, te weten:\nArbouw, Backer, Van Ballekom, Beukering" in paragraphs
    assert _body(doc, "signature") == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ag-ek-niet-beschikbaar.xml", "niet beschikbaar in HTML-formaat"),
        ("metadata-only.xml", "holds no body text"),
    ],
)
def test_xml_without_body_text_is_flagged(name: str, reason: str) -> None:
    doc = parse_official_xml(FIXTURES / name)
    assert not doc.has_text_layer
    assert reason in doc.no_text_reason
    assert doc.metadata.identifier  # the metadata is still read


def test_budget_chapter_dossier_in_the_modern_dialect(tmp_path: Path) -> None:
    path = tmp_path / "kst.xml"
    path.write_text(
        "<officiele-publicatie><kamerstuk><dossier><dossiernummer><dossiernr>36 600</dossiernr>"
        "<begrotingshoofdstuk>VII</begrotingshoofdstuk></dossiernummer><titel>Begroting</titel></dossier>"
        "<dossier><dossiernummer><dossiernr>36 410</dossiernr></dossiernummer></dossier>"
        "<stuk><stuknr>Nr. <ondernummer>12</ondernummer></stuknr><titel>BRIEF</titel>"
        "<algemeen><al>Tekst.</al></algemeen></stuk></kamerstuk></officiele-publicatie>",
        encoding="utf-8",
    )
    meta = parse_official_xml(path).metadata
    assert (meta.dossier, meta.dossiers, meta.ondernummer) == ("36600-VII", ["36600-VII", "36410"], "12")


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<officiele-publicatie><kamerstuk>", "malformed XML"),
        ("<html><body>Fout 404</body></html>", "unknown root element <html>"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><kamerwrk>&a;</kamerwrk>', "entities"),
    ],
)
def test_bad_xml_raises_parse_failed_naming_file_and_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseFailed) as info:
        parse_official_xml(path)
    assert info.value.path == str(path)
    assert reason in info.value.reason


def test_missing_file_raises_parse_failed(tmp_path: Path) -> None:
    with pytest.raises(ParseFailed, match="cannot read"):
        parse_official_xml(tmp_path / "absent.xml")


@pytest.mark.parametrize(
    ("func", "text", "expected"),
    [
        (dossier, "32 545", "32545"),
        (dossier, "36 600 VII", "36600-VII"),
        (dossier, "35 925 - VII", "35925-VII"),
        (dossier, "Geen nummer", ""),
        (dossier, "21 501-02", "21501-02"),
        (dossier, "35 300 (R2188)", "35300"),
        (dossier, "36.600 A", "36600-A"),
        (vergaderjaar, "Vergaderjaar 2020–2021", "2020-2021"),
        (vergaderjaar, "1997/98", "1997-1998"),
        (vergaderjaar, "1999/00", "1999-2000"),
        (ondernummer, "Nr. 143", "143"),
        (ondernummer, "AA", "AA"),
    ],
)
def test_metadata_normal_forms(func, text: str, expected: str) -> None:
    assert func(text) == expected


def test_voorstel_van_wet_articles_leden_and_closing() -> None:
    doc = parse_official_xml(FIXTURES / "kst-36867-A-voorstel.xml")
    assert (doc.metadata.ondernummer, doc.metadata.date) == ("A", "2026-03-10")
    assert _body(doc, "heading") == ["Hoofdstuk 1 Algemene bepalingen", "Artikel 1 Begrippen"]
    paragraphs = _body(doc, "paragraph")
    assert paragraphs[0].startswith("Wij Willem-Alexander, bij de gratie Gods")
    assert "1 In deze wet wordt verstaan onder regel: een voorschrift." in paragraphs
    assert "2 Onze Minister stelt nadere regels." in paragraphs
    assert _body(doc, "list_item") == ["a. over de vorm;", "b. over de inhoud."]
    assert doc.body_blocks[-1].kind == "signature"


def test_a_long_paper_that_mentions_the_notice_keeps_its_text(tmp_path: Path) -> None:
    sentence = "De leden van de fractie vragen de regering om een nadere toelichting op dit voorstel. "
    path = tmp_path / "kst.xml"
    path.write_text(
        f"<officiele-publicatie><kamerstuk><stuk><algemeen><al>{sentence * 8}</al>"
        "<al>De bijlage is niet beschikbaar in HTML-formaat.</al></algemeen></stuk></kamerstuk>"
        "</officiele-publicatie>",
        encoding="utf-8",
    )
    doc = parse_official_xml(path)
    assert doc.has_text_layer and doc.no_text_reason == ""


def test_a_bare_question_number_becomes_the_printed_label(tmp_path: Path) -> None:
    path = tmp_path / "ah.xml"
    path.write_text(
        "<officiele-publicatie><kamervragen><kamervraagnummer>12</kamervraagnummer>"
        "<vraag><nr>1</nr><al>Waarom?</al></vraag><antwoord><nr>1</nr><al>Daarom.</al></antwoord>"
        "</kamervragen></officiele-publicatie>",
        encoding="utf-8",
    )
    doc = parse_official_xml(path)
    assert _body(doc, "label") == ["Vraag 1", "Antwoord 1"]
    assert doc.metadata.document_type == "aanhangsel"


def test_a_speaker_with_loose_text_and_a_bracketed_party(tmp_path: Path) -> None:
    path = tmp_path / "h.xml"
    path.write_text(
        "<officiele-publicatie><handelingen><agendapunt><spreekbeurt><spreker>Mevrouw "
        "<naam><achternaam>Karimi</achternaam></naam> <politiek>(GroenLinks)</politiek>:</spreker>"
        "<tekst><al>Voorzitter. Dank u wel.</al></tekst></spreekbeurt>"
        "<spreekbeurt><spreker><functie>Minister</functie> <naam><achternaam>Blok</achternaam></naam>"
        "</spreker><tekst><al>Dank.</al></tekst></spreekbeurt></agendapunt></handelingen>"
        "</officiele-publicatie>",
        encoding="utf-8",
    )
    assert _body(parse_official_xml(path), "paragraph") == [
        "Mevrouw Karimi (GroenLinks): Voorzitter. Dank u wel.",
        "Minister Blok: Dank.",
    ]


def test_the_structure_stage_reads_speeches_from_xml_handelingen() -> None:
    from pipeline.parse import parse_file

    doc = parse_file(FIXTURES / "h-ek-20212022-2-1.xml")
    assert doc.metadata.document_type == "handelingen"
    assert [(s.speaker, s.party, s.role) for s in doc.speeches] == [
        ("voorzitter", "", "voorzitter"), ("Van Dijk", "SGP", "lid"),
    ]
    assert doc.speeches[1].text.endswith("Mijn fractie zal het voorstel steunen.")


@pytest.mark.parametrize(
    ("spreker", "line", "turn"),
    [
        ("<voorvoegsels>De</voorvoegsels> <naam><achternaam>Voorzitter</achternaam></naam>:",
         "De Voorzitter:", ("voorzitter", "", "voorzitter")),
        ("<voorvoegsels>Mevrouw</voorvoegsels> <naam><voorletters>C.</voorletters><tussenvoegsel>van der"
         "</tussenvoegsel><achternaam>Graaf</achternaam></naam> (<politiek>ChristenUnie</politiek>):",
         "Mevrouw C. van der Graaf (ChristenUnie):", ("C. van der Graaf", "CU", "lid")),
        ("<voorvoegsels>De heer</voorvoegsels> <naam><achternaam>Rutte</achternaam></naam>, "
         "<functie>minister-president</functie>:", "De heer Rutte, minister-president:",
         ("Rutte", "", "minister-president")),
        ("<voorvoegsels>De heer</voorvoegsels> <naam><achternaam>Van Haga</achternaam></naam>:",
         "De heer Van Haga:", ("Van Haga", "", "lid")),
        ("<naam><achternaam>Hoekstra</achternaam></naam>, <functie>minister van Financiën</functie>:",
         "Hoekstra, minister van Financiën:", ("Hoekstra", "", "minister")),
        ("<functie>Minister-president</functie> <naam><achternaam>Rutte</achternaam></naam>:",
         "Minister-president Rutte:", ("Rutte", "", "minister-president")),
        ("<voorvoegsels>De</voorvoegsels> <naam><achternaam>griffier</achternaam></naam>:",
         "De griffier:", ("griffier", "", "griffier")),
    ],
)
def test_speaker_markup_gives_the_printed_line_and_the_turn(tmp_path: Path, spreker: str, line: str,
                                                             turn: tuple[str, str, str]) -> None:
    path = tmp_path / "h.xml"
    path.write_text(
        f"<officiele-publicatie><handelingen><agendapunt><spreekbeurt><spreker>{spreker}</spreker>"
        "<tekst><al>Dank u wel.</al></tekst></spreekbeurt></agendapunt></handelingen></officiele-publicatie>",
        encoding="utf-8",
    )
    from pipeline.parse import parse_file

    doc = parse_file(path)
    assert _body(doc, "paragraph") == [f"{line} Dank u wel."]
    assert [(s.speaker, s.party, s.role, s.text) for s in doc.speeches] == [(*turn, "Dank u wel.")]


def test_speaker_turns_in_a_kamerstuk_are_speeches_too(tmp_path: Path) -> None:
    """A committee debate report is a kamerstuk whose XML marks up turns as Handelingen do."""
    path = tmp_path / "kst.xml"
    path.write_text(
        "<officiele-publicatie><kamerstuk><stuk><stuknr>Nr. <ondernummer>5</ondernummer></stuknr>"
        "<titel>VERSLAG VAN EEN COMMISSIEDEBAT</titel><algemeen><spreekbeurt><spreker><voorvoegsels>Mevrouw"
        "</voorvoegsels><naam><achternaam>Kröger</achternaam></naam> (<politiek>GroenLinks</politiek>):</spreker>"
        "<tekst><al>Dank u wel.</al></tekst></spreekbeurt></algemeen></stuk></kamerstuk></officiele-publicatie>",
        encoding="utf-8",
    )
    from pipeline.parse import parse_file

    doc = parse_file(path)
    assert [(s.seq, s.speaker, s.party, s.role, s.text) for s in doc.speeches] == [
        (1, "Kröger", "GL", "lid", "Dank u wel.")]
