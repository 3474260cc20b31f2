"""The structure stage on the seed paper kst-27925-AA, from blocks built out of the generator's truth.

These Documents stand in for what a parser gives: page-1 header, running footers and margin as
furniture blocks, the body paragraphs with their kind, page and footnote marks, the notes; the
repeated questions of the reply carry the typographic style of the generated PDF (italic in the
standard layout, an 18 pt indent in the variant).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.model import Block, Document, Footnote, Style
from pipeline.parse.structure import enrich
from pipeline.sources.records import SruRecord

GENERATED = Path(__file__).resolve().parent / "fixtures" / "generated"

MEMBERS = [
    ("Faber-van de Klashorst", "PVV", "lid"), ("Ganzevoort", "GL", "lid"),
    ("Van Apeldoorn", "SP", "voorzitter"), ("Van Dijk", "SGP", "lid"),
    ("Jorritsma-Lebbink", "VVD", "lid"), ("Knapen", "CDA", "lid"), ("Oomen-Ruijten", "CDA", "lid"),
    ("Koole", "PvdA", "lid"), ("Teunissen", "PvdD", "lid"), ("Van Rooijen", "50PLUS", "lid"),
    ("Arbouw", "VVD", "lid"), ("Van Ballekom", "VVD", "1e ondervoorzitter"), ("Beukering", "FVD", "lid"),
    ("Bezaan", "PVV", "lid"), ("Dittrich", "D66", "lid"), ("Gerbrandy", "OSF", "lid"),
    ("Huizinga-Heringa", "CU", "2e ondervoorzitter"), ("Karimi", "GL", "lid"), ("Kluit", "GL", "lid"),
    ("Moonen", "D66", "lid"), ("Otten", "Fractie-Otten", "lid"), ("Van Pareren", "FVD", "lid"),
    ("Vos", "PvdA", "lid"), ("Van Wely", "FVD", "lid"),
]

#: Every citation of the seed: body first (in reading order), then the notes; "idem" repeats note 2.
REFERENCES = [
    ("kamerstuk", "kst-27925-662", ""), ("zaak", "2020Z05114", ""), ("zaak", "2020Z05564", ""),
    ("kamerstuk", "kst-28676-334", ""),
    ("kamerstuk", "kst-27925-694", "2"), ("kamerstuk", "kst-27925-694", "3"),
    ("kamerstuk", "kst-27925-694", "4"), ("kamerstuk", "kst-27925-Y", "5"),
    ("kamerstuk", "kst-27925-694", "6"),
]


def truth(name: str) -> dict:
    return json.loads((GENERATED / f"{name}.truth.json").read_text(encoding="utf-8"))


def document_from_truth(name: str, with_style: bool = True) -> Document:
    """The Document a parser would give for the generated paper `name`."""
    data = truth(name)
    layout = data["layout"]
    blocks = [Block(kind="header", text=line, page=1) for line in data["header"]]
    for para in data["paragraphs"]:
        style = Style(bold=para["kind"] == "heading")
        if with_style and para["role"] == "question":
            style.italic = layout["question_style"] == "italic"
            style.indent = layout["question_indent"]
        blocks.append(Block(kind=para["kind"], text=para["text"], page=para["page"], style=style,
                            footnote_refs=list(para["footnote_refs"])))
    blocks += [Block(kind="footer", text=line, page=n) for n, line in enumerate(data["footers"], start=1)]
    blocks += [Block(kind="margin", text=line, page=1) for line in data["margin"]]
    notes = [Footnote(**note) for note in data["footnotes"]]
    return Document(source="pdf", source_path=f"{name}.pdf", pages=data["pages"], blocks=blocks, footnotes=notes)


@pytest.fixture(params=["kst-27925-AA", "kst-27925-AA-variant"])
def seed(request: pytest.FixtureRequest) -> tuple[Document, dict]:
    return enrich(document_from_truth(request.param)), truth(request.param)


def test_metadata_from_furniture(seed: tuple[Document, dict]) -> None:
    meta = seed[0].metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.dossier, meta.dossiers, meta.ondernummer) == (
        "kst-27925-AA", "Eerste Kamer", "2019-2020", "27925", ["27925"], "AA")
    assert meta.document_type == "verslag van een schriftelijk overleg"
    assert meta.title == "Bestrijding internationaal terrorisme; VERSLAG VAN EEN SCHRIFTELIJK OVERLEG"
    assert meta.date == "2020-04-20"
    assert meta.dates == {"vastgesteld": "2020-04-20", "den_haag": "2020-02-11"}
    assert meta.flags == []


def test_committee_has_all_24_members_with_party_and_role(seed: tuple[Document, dict]) -> None:
    committee = seed[0].committee
    assert committee.name == "vaste commissie voor Buitenlandse Zaken, Defensie en Ontwikkelingssamenwerking"
    assert [(m.name, m.party, m.role) for m in committee.members] == MEMBERS


def test_every_question_block_paired_with_its_answer(seed: tuple[Document, dict]) -> None:
    doc, expected = seed
    got = [(q.seq, q.asked_by, q.question.split("\n\n"), q.answer.split("\n\n")) for q in doc.qa]
    text = [para["text"] for para in expected["paragraphs"]]
    want = [(q["seq"], q["asked_by"], [text[i] for i in q["question"]], [text[i] for i in q["answer"]])
            for q in expected["qa"]]
    assert got == want
    assert [q.page for q in doc.qa] == [expected["paragraphs"][q["question"][0]]["page"] for q in expected["qa"]]
    assert {q.answered_by for q in doc.qa} == {"Minister van Buitenlandse Zaken"}


def test_pairs_found_by_repetition_alone_without_styles() -> None:
    doc = enrich(document_from_truth("kst-27925-AA", with_style=False))
    assert [(q.asked_by, len(q.question.split("\n\n")), len(q.answer.split("\n\n"))) for q in doc.qa] == [
        ("SP", 4, 2), ("SP", 1, 1), ("SP", 1, 1), ("SP", 1, 1), ("SP", 1, 7), ("SP", 1, 6)]


def test_every_reference_resolved_including_idem(seed: tuple[Document, dict]) -> None:
    refs = seed[0].references
    assert [(r.kind, r.target_id, r.footnote) for r in refs] == REFERENCES
    note2 = next(r for r in refs if r.footnote == "2")
    assert (note2.chamber, note2.vergaderjaar, note2.dossier, note2.ondernummer) == ("II", "2019-2020", "27925", "694")
    assert next(r for r in refs if r.footnote == "5").chamber == "I"


def test_letters_with_sender_addressee_date_and_signatory(seed: tuple[Document, dict]) -> None:
    committee = "vaste commissie voor Buitenlandse Zaken, Defensie en Ontwikkelingssamenwerking"
    assert [(x.sender, x.addressee, x.date, x.signatory) for x in seed[0].letters] == [
        (f"griffier van de {committee}", "", "", "Van Luijk"),
        (f"voorzitter van de {committee}", "Minister van Buitenlandse Zaken", "2020-02-11", "Van Apeldoorn"),
    ]


def test_record_wins_and_disagreement_is_flagged() -> None:
    record = SruRecord(identifier="kst-27925-AA", creator="Eerste Kamer der Staten-Generaal",
                       vergaderjaar="2019-2020", dossiers=("27925",), ondernummer="AA", date="2020-04-21",
                       title="Bestrijding internationaal terrorisme; Verslag van een schriftelijk overleg")
    meta = enrich(document_from_truth("kst-27925-AA"), record).metadata
    assert meta.date == "2020-04-21"
    assert meta.flags == ["date: document says '2020-04-20', record says '2020-04-21'"]
    assert meta.ondernummer == "AA" and meta.document_type == "verslag van een schriftelijk overleg"


def test_json_output_carries_the_structure(seed: tuple[Document, dict]) -> None:
    out = seed[0].to_json()
    assert len(out["committee"]["members"]) == 24 and len(out["qa"]) == 6
    assert out["metadata"]["identifier"] == "kst-27925-AA"
    assert {r["target_id"] for r in out["references"]} >= {"kst-27925-694", "kst-27925-Y", "kst-28676-334"}


def test_question_split_over_a_page_break_stays_one_question() -> None:
    """A repeated question whose last words run onto the next page (a short block of their own)."""
    doc = document_from_truth("kst-27925-AA", with_style=False)
    body = doc.blocks
    at = next(i for i, b in enumerate(body) if b.text.startswith("Voorts vragen") and b.page == 7)
    head, tail = body[at].text.rsplit(" ", 2)[0], " ".join(body[at].text.rsplit(" ", 2)[1:])
    body[at:at + 1] = [Block("paragraph", head, 7), Block("paragraph", tail, 8)]
    pairs = enrich(doc).qa
    assert [len(q.question.split("\n\n")) for q in pairs] == [4, 1, 1, 1, 2, 1]
    assert pairs[4].question.split("\n\n")[1] == tail and pairs[4].answer.startswith("In fase 3")
