"""The structure extractors one by one, on citation forms, party names, titles and texts of real papers."""

from __future__ import annotations

import pytest

from pipeline.model import Block, Document, Footnote, Style
from pipeline.parse.structure import enrich
from pipeline.parse.structure.doctypes import classify
from pipeline.parse.structure.parties import KNOWN_PARTY_CODES, normalise_party
from pipeline.parse.structure.qa import extract_qa, parse_label
from pipeline.parse.structure.references import extract_references, references_in
from pipeline.parse.structure.text import iso_date
from pipeline.sources.records import SruRecord


@pytest.mark.parametrize(("text", "targets"), [
    ("Kamerstukken II, 2019–2020, 27 925, nr. 694", [("kst-27925-694", "II", "2019-2020")]),
    ("Kamerstukken I, 2019–2020, 27 925, Y", [("kst-27925-Y", "I", "2019-2020")]),
    ("(Kamerstuk 27 925, nr. 662) is aangegeven", [("kst-27925-662", "II", "")]),
    ("te Brussel, Kamerstuk 28 676, nr. 334).", [("kst-28676-334", "II", "")]),
    ("zie de memorie van antwoord (35300-VI, letter Y herdruk)", [("kst-35300-VI-Y", "I", "")]),
    ("Kamerstukken I 2019/20, 35300, L", [("kst-35300-L", "I", "2019-2020")]),
    ("Kamerstukken I 2020/21, 36 600 VII, A", [("kst-36600-VII-A", "I", "2020-2021")]),
    ("zie kamerstuk 21 501-20, nr. 1500", [("kst-21501-20-1500", "II", "")]),
    ("Kamerstukken II 2019/20, 35 300-VI, nr. 10", [("kst-35300-VI-10", "II", "2019-2020")]),
    ("Kamerstukken II 2019/20, 27925, nrs. 694 en 695",
     [("kst-27925-694", "II", "2019-2020"), ("kst-27925-695", "II", "2019-2020")]),
    ("Handelingen I 2019/20, nr. 20, item 5", [("h-ek-20192020-20-5", "I", "2019-2020")]),
    ("Aanhangsel Handelingen II 2020/21, nr. 3235", [("ah-tk-20202021-3235", "II", "2020-2021")]),
    ("Handelingen II 2008/09, blz. 1234", [("", "II", "2008-2009")]),
    ("(referentie 2020Z05114)", [("2020Z05114", "", "")]),
    ("op 11 februari 2020, 12 uur en in 2020 (12 345, 67)", []),
])
def test_citations_normalised_to_identifiers(text: str, targets: list[tuple[str, str, str]]) -> None:
    assert [(r.target_id, r.chamber, r.vergaderjaar) for r in references_in(text)] == targets


def test_idem_resolves_to_the_note_before_and_chains() -> None:
    notes = [Footnote("1", 1, "Kamerstukken I 2019/20, 35300, L"), Footnote("2", 1, "idem"),
             Footnote("3", 2, "Ibidem."), Footnote("4", 2, "Handelingen I 2019/20, nr. 20, item 5")]
    refs = extract_references([], notes)
    assert [(r.footnote, r.target_id, r.text) for r in refs] == [
        ("1", "kst-35300-L", "Kamerstukken I 2019/20, 35300, L"), ("2", "kst-35300-L", "idem"),
        ("3", "kst-35300-L", "Ibidem."), ("4", "h-ek-20192020-20-5", "Handelingen I 2019/20, nr. 20, item 5")]


@pytest.mark.parametrize(("name", "code"), [
    ("SP", "SP"), ("GroenLinks", "GL"), ("GL", "GL"), ("FvD", "FVD"), ("FVD", "FVD"),
    ("Forum voor Democratie", "FVD"), ("ChristenUnie", "CU"), ("50PLUS", "50PLUS"), ("PvdA", "PvdA"),
    ("Partij voor de Dieren", "PvdD"), ("Fractie-Otten", "Fractie-Otten"), ("fractie-Van Pareren", "Fractie-Van Pareren"),
    ("GroenLinks-PvdA", "GL-PvdA"), ("SP-fractie", "SP"), ("de VVD", "VVD"), ("OSF", "OSF"),
])
def test_party_names_normalised_to_one_code(name: str, code: str) -> None:
    assert normalise_party(name) == code
    assert code in KNOWN_PARTY_CODES


def test_unknown_party_comes_back_trimmed_and_is_not_known() -> None:
    assert normalise_party("  Nieuwe Partij ") == "Nieuwe Partij"
    assert "Nieuwe Partij" not in KNOWN_PARTY_CODES


@pytest.mark.parametrize(("title", "kind"), [
    ("VOORLOPIG VERSLAG VAN DE VASTE COMMISSIE VOOR FINANCIËN", "voorlopig verslag"),
    ("MEMORIE VAN ANTWOORD", "memorie van antwoord"),
    ("NADERE MEMORIE VAN ANTWOORD", "nadere memorie van antwoord"),
    ("VERSLAG VAN EEN SCHRIFTELIJK OVERLEG", "verslag van een schriftelijk overleg"),
    ("VERSLAG VAN EEN NADER SCHRIFTELIJK OVERLEG", "verslag van een nader schriftelijk overleg"),
    ("BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN", "brief"),
    ("MOTIE VAN HET LID SCHALK C.S.", "motie"),
    ("GEWIJZIGD VOORSTEL VAN WET", "gewijzigd voorstel van wet"),
    ("VOORSTEL VAN WET", "voorstel van wet"),
    ("Aanhangsel van de Handelingen", "aanhangsel"),
    ("Handeling", "handelingen"),
    ("LIJST VAN VRAGEN", "onbekend"),
    # older kamerstukken (kst-24447-6 is from 1995) and older spelling
    ("MEMORIE VAN TOELICHTING ZOALS GEWIJZIGD NAAR AANLEIDING VAN HET ADVIES VAN DE RAAD VAN STATE",
     "memorie van toelichting"),
    ("NOTA NAAR AANLEIDING VAN HET VERSLAG", "nota naar aanleiding van het verslag"),
    ("NOTA NAAR AANLEIDING VAN HET EINDVERSLAG", "nota naar aanleiding van het verslag"),
    ("NADER VOORLOPIG VERSLAG", "nader voorlopig verslag"),
    ("Voorloopig Verslag", "voorlopig verslag"),
    ("BRIEF VAN DE MINISTER VAN BINNENLANDSE ZAKEN EN KONINKRIJKSRELATIES", "brief"),
    ("BRIEF VAN DE MINISTER VAN JUSTITIE INZAKE DE MOTIE VAN HET LID DITTRICH", "brief"),
    ("MOTIE VAN HET LID VAN DER GRAAF C.S. OVER HET WETSVOORSTEL", "motie"),
    ("GEWIJZIGDE MOTIE VAN DE LEDEN KOX EN BACKER", "motie"),
    ("GEWIJZIGD AMENDEMENT VAN HET LID OMTZIGT TER VERVANGING VAN DAT GEDRUKT ONDER NR. 8", "amendement"),
    ("Ontwerp van wet", "voorstel van wet"),
    ("Gewijzigd ontwerp van wet", "gewijzigd voorstel van wet"),
    ("NOTA VAN WIJZIGING", "nota van wijziging"),
    ("ADVIES RAAD VAN STATE EN NADER RAPPORT", "advies raad van state"),
    ("LIJST VAN VRAGEN EN ANTWOORDEN", "lijst van vragen en antwoorden"),
    ("Memorie van Antwoord", "memorie van antwoord"),
])
def test_document_types(title: str, kind: str) -> None:
    assert classify(title) == kind


def test_the_first_text_that_names_a_type_decides() -> None:
    assert classify("", "Vergaderjaar 2019–2020 27 925 Bestrijding", "VERSLAG VAN EEN SCHRIFTELIJK OVERLEG") == (
        "verslag van een schriftelijk overleg")
    assert classify("Staten-Generaal", "Vergaderjaar 1995-1996") == "onbekend"


def _doc(header: list[str], body: list[tuple[str, str]], notes: list[Footnote] | None = None,
         margin: str = "") -> Document:
    blocks = [Block("header", line, 1) for line in header]
    blocks += [Block(kind, text, 1) for kind, text in body]
    if margin:
        blocks.append(Block("margin", margin, 1))
    return Document(source="pdf", source_path="x.pdf", pages=1, blocks=blocks, footnotes=notes or [])


def test_budget_chapter_and_two_dossiers_from_the_header() -> None:
    doc = enrich(_doc(
        ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2020–2021",
         "35 570 VII Vaststelling van de begrotingsstaten van het Ministerie van Binnenlandse Zaken",
         "35 570 B Vaststelling van de begrotingsstaten van het Gemeentefonds",
         "C MEMORIE VAN ANTWOORD", "Ontvangen 2 december 2020"],
        [("paragraph", "De regering dankt de leden voor hun inbreng.")]))
    meta = doc.metadata
    assert (meta.dossiers, meta.dossier, meta.ondernummer, meta.date, meta.document_type) == (
        ["35570-VII", "35570-B"], "35570-VII", "C", "2020-12-02", "memorie van antwoord")


def test_a_numbered_dossier_part_from_the_header_footer_and_identifier() -> None:
    header = ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020", "21 501-20 Europese Raad",
              "CY BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN"]
    footer = [("footer", "Eerste Kamer, vergaderjaar 2019–2020, 21 501-20, CY 2")]
    for doc in (enrich(_doc(header, [("paragraph", "Hierbij bied ik u de geannoteerde agenda aan.")])),
                enrich(_doc([], footer)), enrich(_doc([], [], margin="kst-21501-20-CY ISSN 0921 - 7371"))):
        assert (doc.metadata.dossiers, doc.metadata.ondernummer) == (["21501-20"], "CY")


def test_unknown_type_still_gives_metadata_and_text() -> None:
    doc = enrich(_doc(["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2021–2022"],
                      [("paragraph", "Een stuk zonder herkenbare titel.")]))
    assert doc.metadata.document_type == "onbekend"
    assert (doc.metadata.kamer, doc.metadata.vergaderjaar) == ("Eerste Kamer", "2021-2022")
    assert doc.text == "Een stuk zonder herkenbare titel."


def test_voorlopig_verslag_questions_per_fractie_including_those_who_join() -> None:
    doc = enrich(_doc(
        ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020", "35 300 Regels over de zorg",
         "B VOORLOPIG VERSLAG VAN DE VASTE COMMISSIE VOOR VOLKSGEZONDHEID, WELZIJN EN SPORT",
         "Vastgesteld 3 maart 2020"],
        [("paragraph", "De leden van de VVD-fractie hebben met belangstelling kennisgenomen van het wetsvoorstel."
                       " Zij vragen de regering naar de kosten."),
         ("paragraph", "Deze leden vragen voorts of de regering een evaluatie voorziet."),
         ("paragraph", "De leden van de GroenLinks-fractie sluiten zich aan bij de vragen van de leden van de "
                       "VVD-fractie."),
         ("paragraph", "De leden van de fracties van PvdA en SP vragen hoe de toezichthouder wordt toegerust."),
         ("signature", "De griffier van de vaste commissie voor Volksgezondheid, Welzijn en Sport,\nBaaijens")]))
    assert doc.metadata.document_type == "voorlopig verslag"
    assert [(q.asked_by, q.question.count("\n\n") + 1, q.answer) for q in doc.qa] == [
        ("VVD", 2, ""), ("GL, VVD", 1, ""), ("PvdA, SP", 1, "")]
    assert doc.letters[0].signatory == "Baaijens"


def test_memorie_van_antwoord_questions_in_italic_paired_by_style() -> None:
    italic = Style(italic=True)
    blocks = [Block("header", "A MEMORIE VAN ANTWOORD", 1),
              Block("paragraph", "De regering dankt de leden van de fracties voor hun vragen.", 1),
              Block("paragraph", "De leden van de CDA-fractie vragen naar de uitvoerbaarheid van het voorstel.", 1, style=italic),
              Block("paragraph", "De uitvoerbaarheid is door de uitvoeringsorganisaties getoetst.", 1),
              Block("paragraph", "De leden van de D66-fractie vragen of er een horizonbepaling komt.", 2, style=italic),
              Block("paragraph", "Deze leden vragen ook naar de evaluatie.", 2, style=italic),
              Block("paragraph", "Een horizonbepaling is niet voorzien.", 2),
              Block("paragraph", "De evaluatie volgt na drie jaar.", 2)]
    doc = enrich(Document(source="pdf", source_path="mva.pdf", blocks=blocks))
    assert [(q.asked_by, q.question.count("\n\n") + 1, q.answer) for q in doc.qa] == [
        ("CDA", 1, "De uitvoerbaarheid is door de uitvoeringsorganisaties getoetst."),
        ("D66", 2, "Een horizonbepaling is niet voorzien.\n\nDe evaluatie volgt na drie jaar.")]


def test_memorie_van_antwoord_restating_the_questions() -> None:
    doc = enrich(_doc(
        ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2003–2004", "C MEMORIE VAN ANTWOORD"],
        [("heading", "1. Inleiding"),
         ("paragraph", "Met belangstelling heb ik kennisgenomen van het voorlopig verslag."),
         ("paragraph", "De leden van de CDA-fractie vroegen naar de voortgang van het grotestedenbeleid. "
                       "De voortgang is als volgt:"),
         ("list_item", "1. de convenanten zijn getekend;"),
         ("heading", "2. Financiën"),
         ("paragraph", "De leden van de PvdA-fractie vragen of de middelen toereikend zijn? Dat zijn ze."),
         ("signature", "De Minister van Binnenlandse Zaken en Koninkrijksrelaties,\nJ. W. Remkes")]))
    assert [(q.asked_by, q.question, q.answer, q.answered_by) for q in doc.qa] == [
        ("CDA", "De leden van de CDA-fractie vroegen naar de voortgang van het grotestedenbeleid.",
         "De voortgang is als volgt:\n\n1. de convenanten zijn getekend;",
         "Minister van Binnenlandse Zaken en Koninkrijksrelaties"),
        ("PvdA", "De leden van de PvdA-fractie vragen of de middelen toereikend zijn?", "Dat zijn ze.",
         "Minister van Binnenlandse Zaken en Koninkrijksrelaties")]


def test_handelingen_speaker_turns_and_vote_outcome() -> None:
    doc = enrich(_doc(
        ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020"],
        [("paragraph", "De voorzitter: Aan de orde is de stemming over het wetsvoorstel Wet verhoging "
                       "aantal eilandsraadsleden (35300)."),
         ("paragraph", "De heer Van Apeldoorn (SP): Voorzitter. De SP-fractie zal tegen dit wetsvoorstel stemmen."),
         ("paragraph", "Wij hebben daar de volgende redenen voor. Ons amendement is eerder verworpen."),
         ("paragraph", "Mevrouw Karimi (GroenLinks): Voorzitter. Wij stemmen voor."),
         ("paragraph", "Minister Blok: Ik dank de leden voor hun bijdragen."),
         ("paragraph", "De voorzitter: Ik constateer dat de leden van de fracties van GroenLinks en de VVD voor "
                       "het wetsvoorstel hebben gestemd en de leden van de SP-fractie ertegen, zodat het is aangenomen.")],
        margin="h-ek-20192020-20-5"))
    assert doc.metadata.document_type == "handelingen"
    assert [(s.seq, s.speaker, s.party, s.role, s.vote) for s in doc.speeches] == [
        (1, "voorzitter", "", "voorzitter", ""), (2, "Van Apeldoorn", "SP", "lid", ""),
        (3, "Karimi", "GL", "lid", ""), (4, "Blok", "", "minister", ""),
        (5, "voorzitter", "", "voorzitter", "aangenomen")]
    assert doc.speeches[1].text.endswith("Ons amendement is eerder verworpen.")
    assert doc.qa == []


def test_committee_roles_written_without_brackets_and_broken_names() -> None:
    note = Footnote("1", 1, "Samenstelling: Kox (SP), voorzitter, Huizinga- Heringa (ChristenUnie), "
                            "(2e ondervoorzitter), Van de Ven (VVD) en Nanninga (Fractie-Nanninga).")
    doc = enrich(_doc([], [("paragraph", "De leden van de vaste commissie voor Financiën1 hebben ...")], [note]))
    doc.blocks[0].footnote_refs = ["1"]
    assert doc.committee.name == "vaste commissie voor Financiën"
    assert [(m.name, m.party, m.role) for m in doc.committee.members] == [
        ("Kox", "SP", "voorzitter"), ("Huizinga-Heringa", "CU", "2e ondervoorzitter"),
        ("Van de Ven", "VVD", "lid"), ("Nanninga", "Fractie-Nanninga", "lid")]


def test_nader_schriftelijk_overleg_two_rounds_each_reply_pairs_its_own_questions() -> None:
    q1 = "De leden van de PVV-fractie vragen waarom de regering de termijn van twee jaar heeft gekozen."
    q2 = "De leden van de PVV-fractie vragen voorts hoe deze termijn zich verhoudt tot de evaluatie in 2024."
    body = [
        ("heading", "BRIEF VAN DE VOORZITTER VAN DE VASTE COMMISSIE VOOR FINANCIËN"),
        ("paragraph", "Aan de Minister van Financiën"), ("paragraph", "Den Haag, 3 maart 2021"),
        ("paragraph", q1),
        ("signature", "De voorzitter van de vaste commissie voor Financiën,\nEssers"),
        ("heading", "BRIEF VAN DE MINISTER VAN FINANCIËN"),
        ("paragraph", q1), ("paragraph", "De termijn van twee jaar sluit aan bij de begrotingscyclus."),
        ("signature", "De Minister van Financiën,\nW.B. Hoekstra"),
        ("heading", "BRIEF VAN DE VOORZITTER VAN DE VASTE COMMISSIE VOOR FINANCIËN"),
        ("paragraph", "Aan de Minister van Financiën"), ("paragraph", "Den Haag, 6 april 2021"),
        ("paragraph", q2),
        ("signature", "De voorzitter van de vaste commissie voor Financiën,\nEssers"),
        ("heading", "BRIEF VAN DE MINISTER VAN FINANCIËN"),
        ("paragraph", q2), ("paragraph", "De evaluatie in 2024 betrekt de ervaringen met de termijn."),
        ("signature", "De Minister van Financiën,\nW.B. Hoekstra"),
    ]
    doc = enrich(_doc(["B VERSLAG VAN EEN NADER SCHRIFTELIJK OVERLEG"], body))
    assert doc.metadata.document_type == "verslag van een nader schriftelijk overleg"
    assert [(q.asked_by, q.question, q.answer, q.answered_by) for q in doc.qa] == [
        ("PVV", q1, "De termijn van twee jaar sluit aan bij de begrotingscyclus.", "Minister van Financiën"),
        ("PVV", q2, "De evaluatie in 2024 betrekt de ervaringen met de termijn.", "Minister van Financiën")]
    assert [(x.sender, x.addressee, x.date, x.signatory) for x in doc.letters] == [
        ("voorzitter van de vaste commissie voor Financiën", "Minister van Financiën", "2021-03-03", "Essers"),
        ("Minister van Financiën", "", "", "W.B. Hoekstra"),
        ("voorzitter van de vaste commissie voor Financiën", "Minister van Financiën", "2021-04-06", "Essers"),
        ("Minister van Financiën", "", "", "W.B. Hoekstra")]


@pytest.mark.parametrize(("record_title", "flagged"), [
    ("Regels over de zorg; Verslag", False),  # the record's short document title
    ("Regels over de zorg; Voorlopig verslag", False),
    ("Regels over de zorg; Memorie van antwoord", True),
    ("Andere regels; Voorlopig verslag", True),
])
def test_title_disagreement_flagged_part_by_part(record_title: str, flagged: bool) -> None:
    header = ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020", "35 300 Regels over de zorg",
              "B VOORLOPIG VERSLAG VAN DE VASTE COMMISSIE VOOR VOLKSGEZONDHEID, WELZIJN EN SPORT"]
    record = SruRecord(identifier="kst-35300-B", title=record_title)
    meta = enrich(_doc(header, [("paragraph", "Tekst.")]), record).metadata
    assert meta.title == record_title
    assert [f.split(":")[0] for f in meta.flags] == (["title"] if flagged else [])


@pytest.mark.parametrize(("text", "kind", "numbers", "rest"), [
    ("Vraag 1", "Vraag", (1,), ""),
    ("Vraag 3, 4 en 5", "Vraag", (3, 4, 5), ""),
    ("Vraag 7, 8, 9 10 en 11 Wat gaat u doen?", "Vraag", (7, 8, 9, 10, 11), "Wat gaat u doen?"),  # as printed
    ("Vragen 3 tot en met 5", "Vraag", (3, 4, 5), ""),
    ("Vragen 3 t/m 5: Hoe", "Vraag", (3, 4, 5), "Hoe"),
    ("Antwoord 9 en 10", "Antwoord", (9, 10), ""),
    ("Antwoord op vraag 2 en 3", "Antwoord", (2, 3), ""),
    ("Antwoorden op de vragen 4-6.", "Antwoord", (4, 5, 6), ""),
    ("Vraag 2 15 procent van de aanvragen?", "Vraag", (2,), "15 procent van de aanvragen?"),
])
def test_question_labels_are_consumed_whole(text: str, kind: str, numbers: tuple[int, ...], rest: str) -> None:
    label = parse_label(text)
    assert label is not None and (label.kind, label.numbers, text[label.end:]) == (kind, numbers, rest)
    assert parse_label("Vraagt u zich af") is None and parse_label("De vraag 3") is None
    assert parse_label("Antwoord 3 en 4 gaan hier verder op in.") is None  # a sentence, no label


def test_grouped_labels_pair_each_question_with_its_answer() -> None:
    def block(text: str, kind: str = "paragraph") -> Block:
        return Block(kind, text, 1, (0, 0, 0, 0), Style())

    blocks = [block("Vragen 1 tot en met 3", "label"), block("Waarom?"), block("Vraag 4", "label"), block("Hoe?"),
              block("Antwoord op vraag 1 t/m 3", "label"), block("Daarom."), block("Antwoord 4", "label"),
              block("Zo.")]
    assert [(q.seq, q.question, q.answer) for q in extract_qa(blocks, "aanhangsel")] == [
        (1, "Waarom?", "Daarom."), (2, "Waarom?", "Daarom."), (3, "Waarom?", "Daarom."), (4, "Hoe?", "Zo.")]


def test_written_questions_without_a_sent_date_take_the_opening_sentence_as_title() -> None:
    """Questions put during a sitting say "medegedeeld" instead of "(ingezonden ...)": the title is
    the opening sentence, here split over two blocks."""
    doc = enrich(_doc(
        ["Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020 Aanhangsel van de Handelingen"],
        [("paragraph", "Vragen van het lid Van Rooijen (50PLUS) op 29 april 2020 medegedeeld aan de Minister"),
         ("paragraph", "van Sociale Zaken en Werkgelegenheid inzake de juridische houdbaarheid van het nieuwe "
                       "pensioenstelsel."),
         ("label", "Vraag 1")]))
    assert doc.metadata.document_type == "aanhangsel"
    assert doc.metadata.title == ("Vragen van het lid Van Rooijen (50PLUS) op 29 april 2020 medegedeeld aan de "
                                  "Minister van Sociale Zaken en Werkgelegenheid inzake de juridische houdbaarheid "
                                  "van het nieuwe pensioenstelsel.")


@pytest.mark.parametrize(("date", "year"), [
    ("18 september 2023", "2022-2023"),  # the day before the third Tuesday of September
    ("19 september 2023", "2023-2024"),  # Prinsjesdag 2023
    ("2 januari 2024", "2023-2024"),
])
def test_a_paper_without_a_year_line_is_of_the_year_its_date_falls_in(date: str, year: str) -> None:
    doc = enrich(_doc(["Eerste Kamer der Staten-Generaal", "36 410 Vaststelling van de begroting",
                       "A BRIEF VAN DE MINISTER VAN FINANCIËN"],
                      [("paragraph", f"Den Haag, {date}"), ("paragraph", "Hierbij bied ik u aan.")]))
    assert (doc.metadata.date, doc.metadata.vergaderjaar) == (iso_date(date), year)


def test_a_sittings_footer_makes_handelingen_whatever_its_item_title_names() -> None:
    """The running footer of a sitting ("Tweede Kamer <item> <date> TK 37 37-4-1"; a long item
    title wraps, part of it read before the chamber's name) gives chamber, date, title and type."""
    doc = _doc([], [("heading", "Wetsvoorstel bescherming klokkenluiders"), ("paragraph", "De voorzitter: ...")])
    doc.blocks.append(Block("footer", "Wijziging van de Wet Huis voor Tweede Kamer klokkenluiders (wetsvoorstel) "
                                      "1 februari 2024 TK 37 37-4-1", 1))
    meta = enrich(doc).metadata
    assert (meta.kamer, meta.document_type, meta.date) == ("Tweede Kamer", "handelingen", "2024-02-01")
    assert meta.title == "Wijziging van de Wet Huis voor klokkenluiders (wetsvoorstel)"


@pytest.mark.parametrize("printed", ["Vergaderjaar 2026‒2027", "Vergaderjaar 2026–2027", "Vergaderjaar 2026-2027",
                                     "Vergaderjaar 2026/27"])
def test_the_year_line_with_any_dash(printed: str) -> None:
    """kst-37020-X-1 prints a figure dash (U+2012) between the years."""
    doc = enrich(_doc(["Eerste Kamer der Staten-Generaal", printed], [("paragraph", "Tekst.")]))
    assert doc.metadata.vergaderjaar == "2026-2027"


def test_an_older_paper_without_bold_names_its_kind_in_capitals_in_the_body() -> None:
    """No header item but the chamber and year (the number and title were set without bold):
    the kind is read from the capitals opening the body."""
    doc = enrich(_doc(["Tweede Kamer der Staten-Generaal", "Vergaderjaar 1995–1996"],
                      [("paragraph", "Nr. 6 MEMORIE VAN TOELICHTING ZOALS GEWIJZIGD NAAR AANLEIDING VAN HET ADVIES "
                                     "VAN DE RAAD VAN STATE"), ("heading", "1. Inleiding"),
                       ("paragraph", "Het voorliggende wetsvoorstel beoogt een vereenvoudiging.")]))
    assert doc.metadata.document_type == "memorie van toelichting"
