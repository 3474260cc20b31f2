"""The Eerste Kamer's own Handelingen XML (tests/fixtures/xml/ek, each written after a real item; see
tests/fixtures/SOURCES.md): the fractie as loose text after the name, items without a date of their own,
subjects and moties as extrefs.

Per item a hand-written truth of every turn (speaker, fractie code, role), the item's date, its dossiers
and the papers it cites; the truth is read off the printed speaker lines, not off the parser.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.model import Document
from pipeline.normalise.tables import paper_rows
from pipeline.parse import parse_file
from pipeline.parse.store import ParsedPaper
from pipeline.parse.structure.parties import KNOWN_PARTY_CODES
from pipeline.parse.structure.speeches import speaker
from pipeline.sources.records import SruRecord

EK = Path(__file__).resolve().parent / "fixtures" / "xml" / "ek"
STEMMINGEN_2013 = EK / "h-ek-20132014-5-5.xml"
COVID_2020 = EK / "h-ek-20202021-6-6.xml"
NOODPAKKET_2020 = EK / "ek-20200407-stemming-35412.xml"
APB_2024 = EK / "ek-20241008-algemene-politieke-beschouwingen.xml"

CHAIR = ("voorzitter", "", "voorzitter")


def lid(name: str, party: str) -> tuple[str, str, str]:
    return name, party, "lid"


def minister(name: str, role: str = "minister") -> tuple[str, str, str]:
    return name, "", role


#: Every turn of each item as its printed speaker lines say, in order.
TRUTH: dict[Path, list[tuple[str, str, str]]] = {
    STEMMINGEN_2013: [
        CHAIR, lid("Kox", "SP"), lid("Marcel de Graaff", "PVV"), lid("Barth", "PvdA"), lid("Koffeman", "PvdD"),
        lid("De Lange", "OSF"), lid("Kuiper", "CU"), lid("Nagel", "50PLUS"), CHAIR, lid("Strik", "GL"), CHAIR,
    ],
    COVID_2020: [
        CHAIR, CHAIR, lid("Van Rooijen", "50PLUS"), lid("Janssen", "SP"), lid("Van Rooijen", "50PLUS"), CHAIR,
        lid("Otten", "Fractie-Otten"), CHAIR, lid("Otten", "Fractie-Otten"), lid("Prins", "CDA"),
        lid("Otten", "Fractie-Otten"), lid("Van Hattem", "PVV"), lid("De Boer", "GL"), lid("Van Pareren", "FVD"),
        lid("De Boer", "GL"), lid("Nicolaï", "PvdD"), lid("Huizinga-Heringa", "CU"), lid("Van der Voort", "D66"),
        lid("Recourt", "PvdA"), lid("Janssen", "SP"), CHAIR, CHAIR, minister("De Jonge"),
        lid("Otten", "Fractie-Otten"), minister("De Jonge"), minister("Grapperhaus"),
        lid("Faber-van de Klashorst", "PVV"), minister("Grapperhaus"), CHAIR,
    ],
    NOODPAKKET_2020: [
        CHAIR, minister("Hoekstra"), CHAIR, lid("Knapen", "CDA"), lid("Van der Burg", "VVD"),
        lid("Van der Linden", "FVD"), lid("Rosenmöller", "GL"), lid("Backer", "D66"),
        lid("Faber-van de Klashorst", "PVV"), lid("Koole", "PvdA"), lid("Kox", "SP"), lid("Bikker", "CU"),
        lid("Koffeman", "PvdD"), lid("Van Rooijen", "50PLUS"), lid("Schalk", "SGP"), lid("Otten", "Fractie-Otten"),
        lid("Gerbrandy", "OSF"), CHAIR,
    ],
    APB_2024: [
        CHAIR, CHAIR, lid("Rosenmöller", "GL-PvdA"), lid("Van der Goot", "OPNL"), lid("Rosenmöller", "GL-PvdA"),
        lid("Dessing", "FVD"), lid("Nanninga", "JA21"), lid("Perin-Gopie", "Volt"), lid("Marquart Scholtz", "BBB"),
        lid("Talsma", "CU"), lid("Schalk", "SGP"), lid("Van Apeldoorn", "SP"), lid("Koffeman", "PvdD"),
        lid("Van Rooijen", "50PLUS"), lid("Van Toorenburg", "CDA"), lid("Geerdink", "VVD"), lid("Van Hattem", "PVV"),
        lid("Van Meenen", "D66"), CHAIR, minister("Schoof", "minister-president"), lid("Van Toorenburg", "CDA"),
        minister("Schoof", "minister-president"), CHAIR,
    ],
}
#: The sitting's date: from the vergaderdatum's Dutch text (2013), its isodatum (2020-04, 2024), or nowhere (covid).
DATES = {STEMMINGEN_2013: "2013-10-29", COVID_2020: "", NOODPAKKET_2020: "2020-04-07", APB_2024: "2024-10-08"}
DOSSIERS = {STEMMINGEN_2013: ["33750"], COVID_2020: ["35526"], NOODPAKKET_2020: ["35412"], APB_2024: ["36600"]}
ITEMS = sorted(TRUTH, key=lambda p: p.name)


@pytest.fixture(scope="module")
def docs() -> dict[Path, Document]:
    return {path: parse_file(path) for path in ITEMS}


def _f1(found: list[tuple[str, str]], truth: list[tuple[str, str]]) -> float:
    hits = sum((Counter(found) & Counter(truth)).values())
    precision, recall = hits / len(found) if found else 0.0, hits / len(truth)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


# -- turns ------------------------------------------------------------------------------------


def test_the_golden_items_hold_dozens_of_member_turns_of_every_kind() -> None:
    turns = [t for path in ITEMS for t in TRUTH[path]]
    members = [t for t in turns if t[2] == "lid"]
    assert len(turns) == 81 and len(members) == 57
    assert {role for _, _, role in turns} == {"lid", "voorzitter", "minister", "minister-president"}
    assert {party for _, party, _ in members} >= {
        "GL-PvdA", "PvdD", "50PLUS", "FVD", "Fractie-Otten", "OSF", "CU", "SGP", "JA21", "BBB", "Volt", "OPNL"}


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_every_turn_has_its_speaker_party_and_role(docs: dict[Path, Document], path: Path) -> None:
    doc, truth = docs[path], TRUTH[path]
    found = [(s.speaker, s.party, s.role) for s in doc.speeches]
    assert _f1([t[:2] for t in found], [t[:2] for t in truth]) >= 0.95
    members = [s for s in doc.speeches if s.role == "lid"]
    assert sum(1 for s in members if s.party in KNOWN_PARTY_CODES) >= 0.98 * len(members)
    assert found == truth
    assert [s.seq for s in doc.speeches] == list(range(1, len(truth) + 1))


def test_speaker_party_f1_over_all_items(docs: dict[Path, Document]) -> None:
    found = [(s.speaker, s.party) for path in ITEMS for s in docs[path].speeches]
    truth = [t[:2] for path in ITEMS for t in TRUTH[path]]
    assert _f1(found, truth) == 1.0


def test_the_printed_line_opens_the_turn_and_what_is_said_is_its_text(docs: dict[Path, Document]) -> None:
    doc = docs[STEMMINGEN_2013]
    lines = [b.text for b in doc.body_blocks if b.kind == "paragraph"]
    opening = lines.index("De voorzitter: Ik geef gelegenheid tot het afleggen van stemverklaringen vooraf.")
    assert lines[opening + 1].startswith("De heer Kox (SP): Voorzitter. Constructief")
    assert lines[opening + 2].startswith("De heer Marcel de Graaff (PVV): Voorzitter.")
    assert any(line.startswith("De heer Koffeman (PvdD): Voorzitter.") for line in lines)
    assert doc.speeches[1].text.startswith("Voorzitter. Constructief") and "(SP)" not in doc.speeches[1].text
    apb = docs[APB_2024]  # the colon inside the naam, the functie of the minister-president
    assert "De heer Van Meenen (D66): Voorzitter. D66 maakt zich zorgen over de bezuinigingen op het onderwijs." in [
        b.text for b in apb.body_blocks]
    assert any(b.text.startswith("Minister-president Schoof: Voorzitter.") for b in apb.body_blocks)


def test_the_chair_states_the_outcomes(docs: dict[Path, Document]) -> None:
    votes = [(s.seq, s.vote) for s in docs[STEMMINGEN_2013].speeches if s.vote]
    assert votes == [(9, "verworpen"), (11, "aangenomen")]
    assert docs[NOODPAKKET_2020].speeches[-1].vote == "aangenomen"


@pytest.mark.parametrize(("line", "turn"), [
    ("De voorzitter:", CHAIR),
    ("De tijdelijke voorzitter:", ("tijdelijke voorzitter", "", "voorzitter")),
    ("De heer Van Apeldoorn (SP):", lid("Van Apeldoorn", "SP")),
    ("Mevrouw Faber-van de Klashorst (PVV):", lid("Faber-van de Klashorst", "PVV")),
    ("De heer Ganzevoort (GroenLinks):", lid("Ganzevoort", "GL")),
    ("De heer Van der Linden (GL-PvdA):", lid("Van der Linden", "GL-PvdA")),
    ("De heer Otten (Fractie-Otten):", lid("Otten", "Fractie-Otten")),
    ("Mevrouw Gerkens (SP):", lid("Gerkens", "SP")),
    ("Minister Van Ark:", minister("Van Ark")),
    ("Minister De Jonge:", minister("De Jonge")),
    ("Staatssecretaris Knops:", minister("Knops", "staatssecretaris")),
    ("De heer Hoekstra, minister van Financiën:", minister("Hoekstra")),
    ("De heer Koolmees, minister van Sociale Zaken en Werkgelegenheid:", minister("Koolmees")),
    ("Mevrouw Van Ark, staatssecretaris van Sociale Zaken en Werkgelegenheid:", minister("Van Ark", "staatssecretaris")),
    ("De heer Rutte, minister-president, minister van Algemene Zaken:", minister("Rutte", "minister-president")),
])
def test_the_printed_forms_of_eerste_kamer_speakers(line: str, turn: tuple[str, str, str]) -> None:
    assert speaker(line) == turn


@pytest.mark.parametrize("spreker", [
    "<voorvoegsels>Mevrouw</voorvoegsels><naam><achternaam>Gerkens</achternaam></naam> (SP):",
    "<voorvoegsels>Mevrouw</voorvoegsels>\n  <naam>\n    <achternaam>Gerkens</achternaam>\n  </naam>\n  (SP)\n:",
    "<voorvoegsels>Mevrouw</voorvoegsels> <naam><achternaam>Gerkens (SP):</achternaam></naam>",
    "<voorvoegsels>Mevrouw</voorvoegsels> <naam><achternaam>Gerkens</achternaam></naam> (<politiek>SP</politiek>):",
    "<voorvoegsels>Mevrouw</voorvoegsels> <naam><achternaam>Gerkens</achternaam></naam> <politiek>(SP)</politiek>",
    "Mevrouw Gerkens (SP):",
])
@pytest.mark.parametrize("colon_after_spreker", [False, True])
def test_a_speaker_split_over_elements_and_whitespace_reads_the_same(tmp_path: Path, spreker: str,
                                                                     colon_after_spreker: bool) -> None:
    path = tmp_path / "h.xml"
    colon = ":" if colon_after_spreker else ""
    path.write_text(
        f"<officiele-publicatie><handelingen><agendapunt><spreekbeurt><spreker>{spreker}</spreker>{colon}"
        "<tekst><al>Voorzitter. Dank u wel.</al></tekst></spreekbeurt></agendapunt></handelingen></officiele-publicatie>",
        encoding="utf-8")
    doc = parse_file(path)
    assert [(s.speaker, s.party, s.role, s.text) for s in doc.speeches] == [
        ("Gerkens", "SP", "lid", "Voorzitter. Dank u wel.")]
    assert [b.text for b in doc.body_blocks] == ["Mevrouw Gerkens (SP): Voorzitter. Dank u wel."]


# -- the date ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_the_date_is_the_sittings_wherever_the_file_names_it(docs: dict[Path, Document], path: Path) -> None:
    meta = docs[path].metadata
    assert meta.date == DATES[path]
    assert meta.dates.get("vergadering", "") == DATES[path]


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_with_its_record_every_item_has_the_sittings_date(path: Path) -> None:
    """The record's date is the sitting's (dcterms:date, as the h-ek record in tests/fixtures/real has it)."""
    record = SruRecord(identifier=path.stem, type="Handeling", publicatienaam="Handelingen",
                       creator="Eerste Kamer der Staten-Generaal", date=DATES[path] or "2020-10-26")
    doc = parse_file(path, record)
    assert doc.metadata.date == (DATES[path] or "2020-10-26")
    assert not [f for f in doc.metadata.flags if f.startswith("date")]  # the file and the record agree
    assert doc.metadata.kamer == "Eerste Kamer"


def test_an_item_without_vergadering_takes_the_date_in_its_item(tmp_path: Path) -> None:
    """A date the item itself prints in a vergaderdatum outside any vergadering header counts too."""
    text = COVID_2020.read_text(encoding="utf-8").replace(
        "<agendapunt>", "<agendapunt><vergaderdatum>Maandag 26 oktober 2020</vergaderdatum>", 1)
    path = tmp_path / COVID_2020.name
    path.write_text(text, encoding="utf-8")
    assert parse_file(path).metadata.date == "2020-10-26"


# -- dossiers and references ------------------------------------------------------------------


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_the_items_dossiers_are_those_its_subject_links_to(docs: dict[Path, Document], path: Path) -> None:
    meta = docs[path].metadata
    assert meta.dossiers == DOSSIERS[path] and meta.dossier == DOSSIERS[path][0]


def test_the_moties_the_items_link_to_are_kamerstuk_references(docs: dict[Path, Document]) -> None:
    refs = {r.target_id: r for r in docs[STEMMINGEN_2013].references}
    assert [f"kst-33750-{letter}" for letter in "ABCDEFGH"] == [t for t in refs if t.startswith("kst-33750-")]
    assert {(r.kind, r.chamber, r.dossier, r.ondernummer) for r in refs.values()} == {
        ("kamerstuk", "I", "33750", letter) for letter in "ABCDEFGH"}
    motie = [r for r in docs[COVID_2020].references if r.target_id == "kst-35526-L"]
    assert [(r.kind, r.chamber, r.dossier, r.ondernummer) for r in motie] == [("kamerstuk", "I", "35526", "L")]
    assert [m.number for m in docs[COVID_2020].motions] == ["L"]


@pytest.mark.parametrize(("doc_attribute", "expected", "dossiers"), [
    ("kst-35824-H", ("kamerstuk", "I", "35824", "H", "kst-35824-H"), ["35824", "36600-VII"]),
    ("kst-36600-VII-5", ("kamerstuk", "II", "36600-VII", "5", "kst-36600-VII-5"), ["36600-VII"]),
    ("https://zoek.officielebekendmakingen.nl/kst-35824-H.html", ("kamerstuk", "I", "35824", "H", "kst-35824-H"),
     ["35824", "36600-VII"]),
    ("kst-cxxiv-g", ("kamerstuk", "I", "CXXIV", "G", "kst-cxxiv-g"), ["CXXIV", "36600-VII"]),
    ("h-ek-20192020-24-1", ("handelingen", "I", "", "", "h-ek-20192020-24-1"), ["36600-VII"]),
])
def test_extref_variants(tmp_path: Path, doc_attribute: str, expected: tuple[str, ...], dossiers: list[str]) -> None:
    path = tmp_path / "h.xml"
    path.write_text(
        "<officiele-publicatie><handelingen><agendapunt><item-titel>Stemmingen</item-titel><onderwerp><al>De motie "
        f'(<extref soort="document" status="actief" doc="{doc_attribute}">zie</extref>) en het wetsvoorstel '
        '(<extref soort="dossier" doc="dossier/36600-VII">36600-VII</extref>).</al></onderwerp>'
        "</agendapunt></handelingen></officiele-publicatie>", encoding="utf-8")
    doc = parse_file(path)
    assert [(r.kind, r.chamber, r.dossier, r.ondernummer, r.target_id) for r in doc.references] == [expected]
    assert doc.metadata.dossiers == dossiers and doc.metadata.dossier == dossiers[0]


# -- the tables -------------------------------------------------------------------------------


def test_the_tables_carry_party_role_and_dossiers(docs: dict[Path, Document]) -> None:
    doc = docs[APB_2024]
    paper = ParsedPaper(record=SruRecord(identifier="h-ek-20242025-3-2", publicatienaam="Handelingen"), version=1,
                        fetched_at="", parsed_at="", chosen="xml", xml=doc)
    rows = paper_rows(paper, is_current=True)
    assert rows["documents"][0]["dossiers"] == ["36600"] and rows["documents"][0]["dossier"] == "36600"
    assert [(r["speaker"], r["party"], r["role"]) for r in rows["speeches"]] == [
        (name, party or None, role) for name, party, role in TRUTH[APB_2024]]
