"""End to end on other Eerste Kamer papers typeset by the generator (tests/support/papergen.py):
a memorie van antwoord in a budget chapter (questions restated in italic) and a voorlopig verslag
(questions only, fracties joining others). The PDFs are written to a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from tests.support import papergen
from tests.support.papergen import PaperSpec, Para

MINISTER = "Minister van Binnenlandse Zaken en Koninkrijksrelaties"


def memorie_van_antwoord() -> PaperSpec:
    q, a = "question", "answer"
    return PaperSpec(
        identifier="kst-35570-VII-C", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2020–2021",
        dossier="35 570 VII", ondernummer="C", doc_title="MEMORIE VAN ANTWOORD",
        dossier_title="Vaststelling van de begrotingsstaten van het Ministerie van Binnenlandse Zaken en "
                      "Koninkrijksrelaties (VII) voor het jaar 2021",
        date_line="Ontvangen 1 december 2020", place_year="’s-Gravenhage 2020",
        paras=[
            Para("Ik dank de leden van de vaste commissie voor Binnenlandse Zaken[[1]] voor hun inbreng in het "
                 "voorlopig verslag. Hieronder ga ik in op de vragen, in de volgorde van het verslag."),
            Para("De leden van de PvdA-fractie vragen hoe de regering de ondersteuning van gemeenten bij de "
                 "uitvoering van de Omgevingswet wil verbeteren.", role=q, qa=1, asked_by="PvdA"),
            Para("De regering stelt in 2021 extra middelen beschikbaar voor de implementatie van de "
                 "Omgevingswet bij gemeenten. Over de verdeling is de Kamer eerder geïnformeerd.[[2]]",
                 role=a, qa=1),
            Para("Daarnaast ondersteunt het programma Aan de slag met de Omgevingswet gemeenten met kennis "
                 "en advies.", role=a, qa=1),
            Para("De leden van de GroenLinks-fractie sluiten zich aan bij de vragen van de leden van de "
                 "PvdA-fractie en vragen daarnaast naar de gevolgen voor de lokale rekenkamers.",
                 role=q, qa=2, asked_by="GL, PvdA"),
            Para("De lokale rekenkamers krijgen geen nieuwe taken. Zie ook Kamerstukken I 2020/21, 35 570 VII, "
                 "A en het debat over de decentralisaties.[[3]]", role=a, qa=2),
            Para("De leden van de D66-fractie vragen wanneer de evaluatie van de Wet open overheid naar de "
                 "Kamer wordt gezonden.[[4]]", role=q, qa=3, asked_by="D66"),
            Para("De evaluatie wordt in het voorjaar van 2022 aan beide Kamers gezonden (2020Z21245).",
                 role=a, qa=3),
            Para(f"De {MINISTER}, | K.H. Ollongren", "signature"),
        ],
        notes={
            "1": "Samenstelling: Bikker (CU), Dittrich (D66), (voorzitter), Van Hattem (PVV), Kox (SP), "
                 "Nicolaï (PvdD), (1e ondervoorzitter), Nanninga (Fractie-Nanninga), Bezaan (PVV), "
                 "Van der Voort (D66), (2e ondervoorzitter), Karakus (PvdA) en Vendrik (GroenLinks).",
            "2": "Kamerstukken II 2019/20, 35 300 VII, nr. 12",
            "3": "Handelingen I 2020/21, nr. 10, item 3",
            "4": "idem",
        },
    )


def voorlopig_verslag() -> PaperSpec:
    committee = "vaste commissie voor Justitie en Veiligheid"
    return PaperSpec(
        identifier="kst-35483-B", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2019–2020",
        dossier="35 483", ondernummer="B", dossier_title="Wijziging van de Wet op de inlichtingen- en "
                                                          "veiligheidsdiensten 2017",
        doc_title="VOORLOPIG VERSLAG VAN DE VASTE COMMISSIE VOOR JUSTITIE EN VEILIGHEID",
        date_line="Vastgesteld 9 juni 2020", place_year="’s-Gravenhage 2020",
        paras=[
            Para(f"Het wetsvoorstel heeft de leden van de {committee}[[1]] aanleiding gegeven tot het maken "
                 "van de volgende opmerkingen en het stellen van de volgende vragen."),
            Para("1. Algemeen", "heading"),
            Para("De leden van de VVD-fractie hebben met belangstelling kennisgenomen van het wetsvoorstel. "
                 "Zij hebben nog enkele vragen over de reikwijdte van de bevoegdheden."),
            Para("Deze leden vragen de regering toe te lichten hoe het toezicht door de CTIVD is "
                 "ingericht.[[2]]"),
            Para("De leden van de CDA-fractie en de ChristenUnie-fractie sluiten zich aan bij de vragen van de "
                 "leden van de VVD-fractie."),
            Para("2. Toezicht", "heading"),
            Para("De leden van de fracties van GroenLinks en PvdA vragen of de regering bereid is de evaluatie "
                 "te vervroegen. Zij verwijzen naar de motie-Recourt (Kamerstukken II 2017/18, 34 588, "
                 "nr. 70).[[3]]"),
            Para("Het lid van de fractie-Otten vraagt naar de kosten van de uitvoering."),
            Para("De commissie ziet de beantwoording met belangstelling tegemoet."),
            Para(f"De voorzitter van de {committee}, | Dittrich", "signature"),
            Para(f"De griffier van de {committee}, | Van Dooren", "signature"),
        ],
        notes={
            "1": "Samenstelling: Baay-Timmerman (50PLUS), Dittrich (D66), (voorzitter), Van Hattem (PVV), "
                 "Recourt (PvdA), (1e ondervoorzitter), Van Pareren (Fractie-Van Pareren), Rietkerk (CDA), "
                 "Talsma (ChristenUnie), (2e ondervoorzitter) en Veldhoen (GroenLinks).",
            "2": "Kamerstukken I 2019/20, 34 588, AB",
            "3": "Handelingen II 2017/18, nr. 77, item 12",
        },
    )


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Document, dict]]:
    out: Path = tmp_path_factory.mktemp("papers")
    made = {}
    for spec, layout in ((memorie_van_antwoord(), papergen.LAYOUT_C), (voorlopig_verslag(), papergen.LAYOUT_B)):
        path = out / f"{spec.identifier}.pdf"
        truth = papergen.render(spec, layout, path)
        made[spec.identifier] = (parse_file(path), truth)
    return made


def test_memorie_van_antwoord_metadata_in_a_budget_chapter(papers: dict[str, tuple[Document, dict]]) -> None:
    meta = papers["kst-35570-VII-C"][0].metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.dossier, meta.dossiers, meta.ondernummer) == (
        "kst-35570-VII-C", "Eerste Kamer", "2020-2021", "35570-VII", ["35570-VII"], "C")
    assert (meta.document_type, meta.date, meta.dates) == (
        "memorie van antwoord", "2020-12-01", {"ontvangen": "2020-12-01"})


def test_memorie_van_antwoord_pairs_by_style(papers: dict[str, tuple[Document, dict]]) -> None:
    doc, truth = papers["kst-35570-VII-C"]
    text = [para["text"] for para in truth["paragraphs"]]
    assert [(q.seq, q.asked_by, q.question.split("\n\n"), q.answer.split("\n\n"), q.answered_by) for q in doc.qa] == [
        (t["seq"], t["asked_by"], [text[i] for i in t["question"]], [text[i] for i in t["answer"]], MINISTER)
        for t in truth["qa"]]


def test_memorie_van_antwoord_committee_references_letter(papers: dict[str, tuple[Document, dict]]) -> None:
    doc = papers["kst-35570-VII-C"][0]
    assert doc.committee.name == "vaste commissie voor Binnenlandse Zaken"
    assert [(m.name, m.party, m.role) for m in doc.committee.members] == [
        ("Bikker", "CU", "lid"), ("Dittrich", "D66", "voorzitter"), ("Van Hattem", "PVV", "lid"),
        ("Kox", "SP", "lid"), ("Nicolaï", "PvdD", "1e ondervoorzitter"), ("Nanninga", "Fractie-Nanninga", "lid"),
        ("Bezaan", "PVV", "lid"), ("Van der Voort", "D66", "2e ondervoorzitter"), ("Karakus", "PvdA", "lid"),
        ("Vendrik", "GL", "lid")]
    assert [(r.kind, r.target_id, r.footnote) for r in doc.references] == [
        ("kamerstuk", "kst-35570-VII-A", ""), ("zaak", "2020Z21245", ""),
        ("kamerstuk", "kst-35300-VII-12", "2"), ("handelingen", "h-ek-20202021-10-3", "3"),
        ("handelingen", "h-ek-20202021-10-3", "4")]
    assert [(x.sender, x.signatory) for x in doc.letters] == [(MINISTER, "K.H. Ollongren")]


def test_voorlopig_verslag_question_blocks_per_fractie(papers: dict[str, tuple[Document, dict]]) -> None:
    doc = papers["kst-35483-B"][0]
    meta = doc.metadata
    assert (meta.identifier, meta.dossier, meta.ondernummer, meta.document_type, meta.date) == (
        "kst-35483-B", "35483", "B", "voorlopig verslag", "2020-06-09")
    assert [(q.asked_by, q.question.count("\n\n") + 1, q.answer) for q in doc.qa] == [
        ("VVD", 2, ""), ("CDA, CU, VVD", 1, ""), ("GL, PvdA", 1, ""), ("Fractie-Otten", 1, "")]
    assert doc.qa[2].question.startswith("De leden van de fracties van GroenLinks en PvdA vragen")


def test_voorlopig_verslag_committee_signatories_references(papers: dict[str, tuple[Document, dict]]) -> None:
    doc = papers["kst-35483-B"][0]
    committee = "vaste commissie voor Justitie en Veiligheid"
    assert doc.committee.name == committee
    assert [(m.name, m.party, m.role) for m in doc.committee.members] == [
        ("Baay-Timmerman", "50PLUS", "lid"), ("Dittrich", "D66", "voorzitter"), ("Van Hattem", "PVV", "lid"),
        ("Recourt", "PvdA", "1e ondervoorzitter"), ("Van Pareren", "Fractie-Van Pareren", "lid"),
        ("Rietkerk", "CDA", "lid"), ("Talsma", "CU", "2e ondervoorzitter"), ("Veldhoen", "GL", "lid")]
    assert [(x.sender, x.signatory) for x in doc.letters] == [
        (f"voorzitter van de {committee}", "Dittrich"), (f"griffier van de {committee}", "Van Dooren")]
    assert [(r.target_id, r.footnote) for r in doc.references] == [
        ("kst-34588-70", ""), ("kst-34588-AB", "2"), ("h-tk-20172018-77-12", "3")]
