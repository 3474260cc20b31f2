"""The structure stage on the official XML of real papers (Aanhangsel ah-tk-20202021-3235, motie kst-32545-143)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.parse import parse_file
from pipeline.sources.sru import parse_response
from tests.support.paths import AH_XML, KST_XML, REALDATA

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "xml"


def _paragraphs(element: ET.Element) -> list[str]:
    return [" ".join("".join(al.itertext()).split()) for al in element.iter("al")]


def test_aanhangsel_vraag_paired_with_antwoord_and_who_asked_and_answered() -> None:
    root = ET.parse(AH_XML).getroot()
    questions = [_paragraphs(v) for v in root.iter("vraag")]
    answers = [_paragraphs(a) for a in root.iter("antwoord")]
    doc = parse_file(AH_XML)
    assert [(q.seq, q.question.split("\n\n"), q.answer.split("\n\n")) for q in doc.qa] == [
        (n, q, a) for n, (q, a) in enumerate(zip(questions, answers, strict=True), start=1)]
    assert len(doc.qa) == 9
    assert {q.asked_by for q in doc.qa} == {"Van Weyenberg (D66), Romke de Jong (D66), Kat (D66)"}
    assert {q.answered_by for q in doc.qa} == {"Minister Koolmees (Sociale Zaken en Werkgelegenheid)"}


def test_aanhangsel_metadata() -> None:
    meta = parse_file(AH_XML).metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.ondernummer, meta.document_type) == (
        "ah-tk-20202021-3235", "Tweede Kamer", "2020-2021", "3235", "aanhangsel")
    assert meta.dates == {"ingezonden": "2021-06-03", "ontvangen": "2021-06-21"}


def test_motie_metadata_and_no_letters_or_questions() -> None:
    doc = parse_file(KST_XML)
    meta = doc.metadata
    assert (meta.identifier, meta.dossier, meta.ondernummer, meta.document_type, meta.date) == (
        "kst-32545-143", "32545", "143", "motie", "2021-07-06")
    assert meta.title == "Wet- en regelgeving financiële markten; MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS"
    assert doc.qa == [] and doc.letters == [] and doc.committee.members == []


def test_real_sru_record_wins_and_each_disagreement_is_flagged() -> None:
    page = parse_response((REALDATA / "lawgraph" / "sru_eerstekamer_kamerstukken_page.xml").read_bytes())
    record = next(r for r in page.records if r.identifier == "kst-36867-A")
    meta = parse_file(FIXTURES / "kst-36867-A-voorstel.xml", record).metadata
    assert (meta.identifier, meta.vergaderjaar, meta.dossiers, meta.ondernummer, meta.date) == (
        "kst-36867-A", "2025-2026", ["36867"], "A", "2026-06-09")
    assert meta.title == record.title and meta.document_type == "gewijzigd voorstel van wet"
    assert meta.flags == [
        "date: document says '2026-03-10', record says '2026-06-09'",
        "title: document says 'Wijziging van de Wet voorbeeldregels; GEWIJZIGD VOORSTEL VAN WET', "
        f"record says {record.title!r}",
    ]
    assert meta.dates == {"ontvangen": "2026-03-10"}  # what the paper printed stays


def test_handelingen_xml_speaker_turns() -> None:
    doc = parse_file(FIXTURES / "h-ek-20212022-2-1.xml")
    assert doc.metadata.document_type == "handelingen"
    assert [(s.seq, s.speaker, s.party, s.role) for s in doc.speeches] == [
        (1, "voorzitter", "", "voorzitter"), (2, "Van Dijk", "SGP", "lid")]
    assert doc.speeches[1].text == "Voorzitter. Ik dank de minister voor de beantwoording.\n\nMijn fractie zal het voorstel steunen."
