"""Official XML as served, on real files (tests/fixtures/real/official-tk/xml, see its SOURCES.md).

Expectations are read from the XML itself: the `spreker` elements of a Handelingen item, the
`noot` elements of a letter, the lists and headings as the files have them. Variants of the real
bytes (without the byte order mark, other line ends, other encodings, an old DOCTYPE with named
entities, a processing instruction inside a word, a legacy root) must give the same document.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from pipeline.parse.structure.parties import normalise_party

REAL = Path(__file__).resolve().parent / "fixtures" / "real" / "official-tk" / "xml"
ITEM = REAL / "h-tk-20172018-61-10.xml"
OPENING = REAL / "h-tk-20172018-50-1.xml"
LETTER = REAL / "kst-28844-269.xml"
LEGACY = REAL / "kst-24447-6.xml"
MOTIE = REAL / "kst-35786-7.xml"
BILL = REAL / "kst-37020-X-1.xml"

#: The role each `voorvoegsels` of the item stands for (the chair's `achternaam` is "voorzitter").
ROLES = {"De": "voorzitter", "De heer": "lid", "Mevrouw": "lid", "Staatssecretaris": "staatssecretaris"}


def _squash(text: str) -> str:
    return " ".join(text.split())


def _root(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes().removeprefix(codecs.BOM_UTF8))


def _same(doc: Document) -> dict[str, Any]:
    """A document as JSON, without the path it was read from."""
    data = doc.to_json()
    del data["source"]
    return data


@pytest.fixture(scope="module")
def item() -> Document:
    return parse_file(ITEM)


# -- the files as served ---------------------------------------------------------------------


def test_the_real_files_are_served_with_a_byte_order_mark_and_crlf() -> None:
    for path in (ITEM, OPENING):
        data = path.read_bytes()
        assert data.startswith(codecs.BOM_UTF8) and b"\r\n" in data


@pytest.mark.parametrize("path", sorted(REAL.glob("*.xml")), ids=lambda p: p.stem)
def test_every_real_file_parses_with_its_text_and_no_markup_left(path: Path) -> None:
    doc = parse_file(path)
    assert doc.source == "xml" and doc.has_text_layer and doc.metadata.identifier == path.stem
    text = "\n".join([doc.text, *(n.text for n in doc.footnotes), *(b.text for b in doc.blocks)])
    assert "<" not in text and "xpp" not in text and "\r" not in text and "\ufeff" not in text
    assert re.findall(r"\b(\w+)\s+\1\b", text, re.IGNORECASE) == []  # no word doubled
    assert "ĳ" not in text  # the ligature of kst-37020-X-1 ("bĳ deze wet") reads "bij"


def test_the_bom_the_line_ends_and_the_declared_encoding_change_nothing(item: Document, tmp_path: Path) -> None:
    served = ITEM.read_bytes()
    plain = served.removeprefix(codecs.BOM_UTF8)
    text = plain.decode("utf-8")
    latin = text.replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    windows = text.replace('encoding="utf-8"', 'encoding="windows-1252"')
    variants = {
        "no-bom": plain,
        "no-bom-lf": plain.replace(b"\r\n", b"\n"),
        "iso-8859-1": latin.encode("latin-1", errors="xmlcharrefreplace"),  # the dash as &#8212;
        "windows-1252": windows.encode("cp1252"),
        "utf-16": text.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16"),
        "bom-read-once-as-cp1252": codecs.BOM_UTF8.decode("cp1252").encode("utf-8") + b"\r\n" + plain,
    }
    assert "Wörsdörfer" in latin and "—" in text
    for name, data in variants.items():
        path = tmp_path / f"{name}.xml"
        path.write_bytes(data)
        assert _same(parse_file(path)) == _same(item), name


def test_an_old_doctype_with_named_entities_gives_the_same_document(tmp_path: Path) -> None:
    text = LEGACY.read_text(encoding="utf-8")
    assert "geïntroduceerd" in text and "«" in text
    old = text.replace('?>\n<kamerwrk', '?>\n<!DOCTYPE kamerwrk SYSTEM "kamerwrk.dtd">\n<kamerwrk', 1)
    old = old.replace("ï", "&iuml;").replace("«", "&laquo;").replace("»", "&raquo;")
    path = tmp_path / LEGACY.name
    path.write_text(old, encoding="utf-8")
    assert "<!DOCTYPE" in old and "&iuml;" in old
    assert _same(parse_file(path)) == _same(parse_file(LEGACY))


def test_a_hyphenation_hint_inside_a_word_joins_the_word(tmp_path: Path) -> None:
    text = LETTER.read_text(encoding="utf-8")
    assert text.count("<?xpp afbreek?>") == 1  # as served: before "(https://...)"
    hinted = text.replace("lobbyregister", "lobby<?xpp afbreek?>register")
    path = tmp_path / LETTER.name
    path.write_text(hinted, encoding="utf-8")
    assert _same(parse_file(path)) == _same(parse_file(LETTER))


@pytest.mark.parametrize("root", ["handeling", "vraagdoc"])
def test_the_other_legacy_roots_parse_into_the_same_model(root: str, tmp_path: Path) -> None:
    text = LEGACY.read_text(encoding="utf-8").replace("kamerwrk", root)
    path = tmp_path / LEGACY.name
    path.write_text(text, encoding="utf-8")
    doc, legacy = parse_file(path), parse_file(LEGACY)
    assert doc.text == legacy.text and doc.metadata.identifier == "kst-24447-6"
    assert doc.metadata.document_type == {"handeling": "handelingen", "vraagdoc": "aanhangsel"}[root]


# -- Handelingen: turns ----------------------------------------------------------------------


def test_one_turn_per_spreker_in_order_with_party_and_role(item: Document) -> None:
    """41 `spreekbeurt` and 6 `motie-info` in which the chair speaks inside a member's turn."""
    root = _root(ITEM)
    assert sum(1 for _ in root.iter("spreekbeurt")) == 41
    expected = []
    for spreker in root.iter("spreker"):
        name = _squash("".join(spreker.find("naam").itertext()))
        party = spreker.find("politiek")
        role = ROLES[_squash(spreker.find("voorvoegsels").text)]
        expected.append((name, normalise_party(party.text) if party is not None else "", role))
    assert len(expected) == 47
    assert [(s.speaker, s.party, s.role) for s in item.speeches] == expected
    assert [s.seq for s in item.speeches] == list(range(1, 48))


def test_first_middle_and_last_turns_as_the_item_has_them(item: Document) -> None:
    turns = [(s.speaker, s.party, s.role) for s in item.speeches]
    chair = ("voorzitter", "", "voorzitter")
    assert turns[:10] == [
        chair, ("Wörsdörfer", "VVD", "lid"), chair, ("Wörsdörfer", "VVD", "lid"), chair,
        ("Paternotte", "D66", "lid"), chair, ("Van der Lee", "GL", "lid"), chair, ("Graus", "PVV", "lid"),
    ]
    assert turns[17:20] == [chair, ("Keijzer", "", "staatssecretaris"), chair]
    assert turns[-4:] == [chair, ("Graus", "PVV", "lid"), chair, chair]
    speeches = item.speeches
    assert speeches[0].text == (
        "Aan de orde is het VAO Ondernemen en bedrijfsfinanciering. Daarvoor hebben we vijf sprekers van de "
        "zijde van de Kamer en nog een aantal deelnemers die niets zullen zeggen. De eerste spreker van de "
        "zijde van de Kamer is de heer Wörsdörfer, van de fractie van de VVD. Het woord is aan hem.")
    # the member reads the motion; the chair's motie-info, and the loose text after it, are the chair's
    assert speeches[1].text.startswith("Dank u wel, voorzitter. Veel mkb-ondernemers hebben grote moeite")
    assert speeches[1].text.endswith("De Kamer,\n\ngehoord de beraadslaging,\n\noverwegende dat het krijgen van "
                                     "financiering een van de in de Staat van het MKB gesignaleerde knelpunten is "
                                     "voor verdere groei van het mkb;\n\nconstaterende dat Nederland in het "
                                     "Wereldbankrapport Doing Business 2018 op toegankelijkheid tot krediet op plek "
                                     "105 staat;\n\noverwegende dat deze ranking en de criteria die daarbij zijn "
                                     "gebruikt, inzichten bieden in de werking van de mkb-financieringsmarkt;\n\n"
                                     "verzoekt de regering in het voor de zomer beloofde mkb-actieplan in te gaan op "
                                     "hoe de werking van de mkb-financieringsmarkt verbeterd kan worden en genoemde "
                                     "criteria daarbij te betrekken,\n\nen gaat over tot de orde van de dag.")
    assert speeches[2].text == ("Deze motie is voorgesteld door de leden Wörsdörfer, Bruins en Amhaouch. Naar mij "
                                "blijkt, wordt de indiening ervan voldoende ondersteund.\n\nZij krijgt nr. 199 "
                                "(31311).\n\nGaat u verder.")
    assert speeches[3].text.startswith("We spraken ook over financieringsfondsen")
    assert speeches[16].text.endswith("De vergadering wordt enkele ogenblikken geschorst.")
    assert speeches[19].text == "En dus?"
    assert speeches[-2].text.endswith("Dank aan de staatssecretaris.\n\nDe beraadslaging wordt gesloten.")
    assert speeches[-1].text == ("Wij stemmen dinsdag over de moties. We gaan meteen door met het volgende debat. "
                                 "Dat is het VAO Toerisme.")


def test_turns_hold_no_speaker_tag_and_the_printed_line_is_intact(item: Document) -> None:
    for speech in item.speeches:
        assert not re.match(r"(?:De heer|Mevrouw) [^:]{1,40} \(\w+\):|De voorzitter:|Staatssecretaris \w+:", speech.text)
        assert "):" not in speech.text and speech.vote == ""  # the votes are on Tuesday
    assert not any("Aan de orde is het VAO Ondernemen en Bedrijfsfinanciering (AO" in s.text for s in item.speeches)
    assert "De heer Wörsdörfer (VVD): Dank u wel, voorzitter." in item.text
    assert "Staatssecretaris Keijzer: Dank u wel, voorzitter." in item.text
    assert "( (" not in item.text


def test_handelingen_item_metadata(item: Document) -> None:
    meta = item.metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.document_type, meta.title) == (
        "h-tk-20172018-61-10", "Tweede Kamer", "2017-2018", "handelingen", "Ondernemen en Bedrijfsfinanciering")


def test_a_speaker_goes_on_after_the_chair_numbered_the_motion(tmp_path: Path) -> None:
    """Two motions read in one turn (as in h-tk-20172018-70-9): the chair's motie-info under the
    first does not take the second; loose text after the turn is the chair's, who spoke last."""
    info = ("<motie-info><spreker><voorvoegsels>De</voorvoegsels><naam><achternaam>voorzitter</achternaam>"
            "</naam>:</spreker><al>Zij krijgt nr. {n}.</al></motie-info>")
    motion = "<motie><kop><titel>Motie</titel></kop><al>De Kamer, verzoekt {n},</al>" + info + "</motie>"
    path = tmp_path / "h.xml"
    path.write_text(
        "<officiele-publicatie><handelingen><agendapunt><item-titel>VAO</item-titel><spreekbeurt><spreker>"
        "<voorvoegsels>Mevrouw</voorvoegsels><naam><achternaam>Dik-Faber</achternaam></naam> (<politiek>"
        "ChristenUnie</politiek>):</spreker><tekst><al-groep><al>Twee moties.</al></al-groep>"
        + motion.format(n=1) + motion.format(n=2) + "</tekst></spreekbeurt><tekst><al>Dank u wel.</al></tekst>"
        "</agendapunt></handelingen></officiele-publicatie>", encoding="utf-8")
    doc = parse_file(path)
    assert [(s.speaker, s.party, s.text) for s in doc.speeches] == [
        ("Dik-Faber", "CU", "Twee moties.\n\nDe Kamer, verzoekt 1,"),
        ("voorzitter", "", "Zij krijgt nr. 1."),
        ("Dik-Faber", "CU", "De Kamer, verzoekt 2,"),
        ("voorzitter", "", "Zij krijgt nr. 2.\n\nDank u wel."),
    ]


def test_votes_the_chair_states_and_a_question_that_states_none(tmp_path: Path) -> None:
    """The votes of a stemmingen item (as in h-tk-20172018-70-6): the chair's turn states the outcome,
    loose text announces the next vote; a question about an outcome (70-9) is none."""
    def turn(speaker: str, said: str) -> str:
        name, _, party = speaker.partition(" ")
        title = "De" if name == "voorzitter" else "Mevrouw"
        politiek = f" (<politiek>{party}</politiek>)" if party else ""
        return (f"<spreekbeurt><spreker><voorvoegsels>{title}</voorvoegsels><naam><achternaam>{name}</achternaam>"
                f"</naam>{politiek}:</spreker><tekst><al>{said}</al></tekst></spreekbeurt>")

    path = tmp_path / "h.xml"
    path.write_text(
        "<officiele-publicatie><handelingen><agendapunt><item-titel>Stemmingen</item-titel>"
        "<tekst><al>In stemming komt de motie-Wassenberg (21501-08, nr. 721).</al></tekst>"
        + turn("voorzitter", "Ik constateer dat de leden van de fracties van de SP en de PvdA voor deze motie "
                             "hebben gestemd en de leden van de overige fracties ertegen, zodat zij is verworpen.")
        + "<tekst><al>In stemming komt de motie-Kröger (21501-08, nr. 724).</al></tekst>"
        + turn("voorzitter", "Ik constateer dat de motie met algemene stemmen is aangenomen.")
        + turn("Dik-Faber ChristenUnie", "Als de motie wordt aangenomen, komt er een plan.")
        + turn("voorzitter", "Als de motie niet wordt aangenomen, wat is uw oordeel dan?")
        + "</agendapunt></handelingen></officiele-publicatie>", encoding="utf-8")
    doc = parse_file(path)
    assert [(s.speaker, s.vote) for s in doc.speeches] == [
        ("voorzitter", "verworpen"), ("voorzitter", "aangenomen"), ("Dik-Faber", ""), ("voorzitter", "")]
    assert doc.speeches[0].text.endswith("zodat zij is verworpen.\n\nIn stemming komt de motie-Kröger "
                                         "(21501-08, nr. 724).")


# -- Handelingen: attendance -----------------------------------------------------------------


def test_opening_of_a_sitting_attendance_and_no_turns() -> None:
    doc = parse_file(OPENING)
    assert (doc.metadata.identifier, doc.metadata.vergaderjaar, doc.metadata.date) == (
        "h-tk-20172018-50-1", "2017-2018", "2018-02-08")  # "Donderdag 8 februari 2018"
    assert doc.speeches == [] and doc.metadata.flags == []  # the list names the 142 members it counts
    members = [a for a in doc.attendance if not a.role or a.role == "voorzitter"]
    assert len(members) == 142 and {a.status for a in doc.attendance} == {"aanwezig"}
    assert [a.name for a in members[:3]] == ["Van Aalst", "Agema", "Alkaya"]
    assert [a.name for a in members[-3:]] == ["Van 't Wout", "Yeşilgöz-Zegerius", "Ziengs"]
    assert [(a.name, a.role) for a in doc.attendance if a.role] == [
        ("Arib", "voorzitter"),
        ("Van Ark", "staatssecretaris van Sociale Zaken en Werkgelegenheid"),
        ("Grapperhaus", "minister van Justitie en Veiligheid"),
        ("Hoekstra", "minister van Financiën"),
        ("Van Nieuwenhuizen-Wijbenga", "minister van Infrastructuur en Waterstaat"),
    ]
    assert "signature" not in [b.kind for b in doc.blocks]  # the list's last part is no signature


# -- Kamerstukken ----------------------------------------------------------------------------


def test_letter_footnotes_labels_and_texts() -> None:
    doc = parse_file(LETTER)
    notes = [(n.find("noot.nr").text, _squash("".join(n.find("noot.al").itertext()))) for n in _root(LETTER).iter("noot")]
    assert len(notes) == 15
    assert [(n.number, n.text) for n in doc.footnotes] == notes
    assert doc.footnotes[0].text == "Kamerstuk 28 844, nr. 266."
    assert doc.footnotes[14].text.startswith("Ga naar het archief van rijksoverheid.nl via Home > Archief")
    assert not any(n.text in doc.text for n in doc.footnotes)
    by_start = {b.text[:40]: b for b in doc.body_blocks}
    assert by_start["In het debat met de vaste commissie voor"].footnote_refs == ["1"]
    assert "blijven beschikbaar via het online archief (https://www.rijksoverheid.nl/archief). Ook" in doc.text
    meta = doc.metadata
    assert (meta.identifier, meta.kamer, meta.vergaderjaar, meta.dossier, meta.ondernummer, meta.document_type) == (
        "kst-28844-269", "Tweede Kamer", "2022-2023", "28844", "269", "brief")
    assert meta.title.endswith("BRIEF VAN DE MINISTER VAN BINNENLANDSE ZAKEN EN KONINKRIJKSRELATIES")


def test_legacy_kamerwrk_paper() -> None:
    doc = parse_file(LEGACY)
    meta = doc.metadata
    assert (meta.identifier, meta.vergaderjaar, meta.dossier, meta.ondernummer, meta.document_type) == (
        "kst-24447-6", "1995-1996", "24447", "6", "memorie van toelichting")
    assert meta.title.endswith(
        "MEMORIE VAN TOELICHTING ZOALS GEWIJZIGD NAAR AANLEIDING VAN HET ADVIES VAN DE RAAD VAN STATE")
    headings = [_squash(t.text) for t in _root(LEGACY).iter("tuskop")]
    assert len(headings) == 14
    assert [b.text for b in doc.body_blocks if b.kind == "heading"] == headings
    assert sum(1 for b in doc.body_blocks if b.kind == "paragraph") == sum(1 for _ in _root(LEGACY).iter("al"))
    assert "gecreëerde ruimte hun bijdrage te leveren" in doc.text  # line breaks inside a paragraph joined


def test_motie_text_and_its_signers() -> None:
    doc = parse_file(MOTIE)
    meta = doc.metadata
    assert (meta.identifier, meta.vergaderjaar, meta.dossier, meta.ondernummer, meta.document_type, meta.date) == (
        "kst-35786-7", "2021-2022", "35786", "7", "motie", "2022-03-30")
    assert meta.title.endswith("MOTIE VAN HET LID VAN DER GRAAF C.S.")
    body = doc.body_blocks
    assert body[0].text == "De Kamer," and body[-2].text == "en gaat over tot de orde van de dag."
    assert (body[-1].kind, body[-1].text) == ("signature", "Van der Graaf\nMaatoug\nArib")


def test_bill_with_budget_tables() -> None:
    doc = parse_file(BILL)
    meta = doc.metadata
    assert (meta.identifier, meta.vergaderjaar, meta.dossier, meta.ondernummer, meta.document_type, meta.date) == (
        "kst-37020-X-1", "2026-2027", "37020-X", "1", "voorstel van wet", "2026-09-15")  # "2026‒2027"
    assert [b.text for b in doc.body_blocks if b.kind == "heading"][:4] == [f"Artikel {n}" for n in range(1, 5)]
    tables = [b.text.split("\n") for b in doc.body_blocks if b.kind == "table"]
    assert len(tables) == 2
    assert tables[0][0].startswith("Vastgestelde departementale begrotingsstaat van het ministerie van Defensie")
    assert "\tTotaal\t14.475.618\t14.792.147\t242.531" in tables[0]
    assert tables[1][1:] == ["Naam baten- lastenagentschap\tBaten\tLasten\tSaldo baten en lasten",
                             "Paresto\t111.126\t111.126\t0", "Totaal\t111.126\t111.126\t0"]
    assert "De bij deze wet behorende departementale begrotingsstaat" in doc.text
