"""Golden tests on real official PDFs: six Aanhangsels van de Handelingen (2023–2024) and a motie.

Every expectation was read from the file itself (`pdftotext -layout`), never from the parser:
the notes (each label, where its text starts, the page), the question/answer pairs (numbers as
the labels give them, first words), the superscript markers the plain text glues to their word,
the web addresses the notes break over lines, and the running footer and margin block that must
stay out of the text.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from tests.support.paths import REALDATA

PDF = REALDATA / "official-tk" / "pdf"
AANHANGSEL_FOOTER = "Tweede Kamer, vergaderjaar 2023–2024, Aanhangsel"

#: file -> [(label, page, start of the note's text)], every note of the paper.
NOTES: dict[str, list[tuple[str, int, str]]] = {
    "ah-tk-20232024-1178": [
        ("1", 2, "Antwoorden op Kamervragen over gevolgen quantumtechnologie voor encryptie | Kamerstuk"),
        ("2", 2, "Forbes, Januari 25, 2023. What The quantum Computing Cybersecurity Preparedness Act"),
        ("3", 2, "Text – H.R.7535 – 117th Congress (2021–2022): Quantum Computing Cybersecurity"),
        ("4", 2, "Richtlijn betreffende maatregelen voor een hoog gemeenschappelijk niveau van"),
        ("5", 2, "NIS directive 2; onder andere art 21 (2)."),
        ("6", 3, "Zie met name ISO 27001 en ISO 27002; ISO staat voor Internationale Organisatie"),
        ("7", 3, "Antwoorden op Kamervragen over gevolgen quantumtechnologie voor encryptie"),
        ("8", 3, "https://www.aivd.nl/documenten/publicaties/2023/04/04/pqc-migratie-handboek"),
        ("9", 4, "Post-Quantum Cryptography | CSRC (nist.gov)"),
        ("10", 4, "CWI involved in two primary Post-Quantum Cryptography standards"),
        ("11", 4, "10 miljoen euro toegekend voor het oplossen van vraagstukken over cybersecurity | NWO"),
        ("12", 4, "Post-Quantum Cryptography Conference – November 7 and 8, 2023 – Amsterdam (NL) | PKI Consortium"),
        ("13", 5, "Nederlandse Cybersecuritystrategie 2022–2028 | Nationaal Coördinator Terrorismebestrijding"),
        ("14", 5, "https://www.aivd.nl/documenten/publicaties/2023/04/04/pqc-migratie-handboek"),
        ("15", 5, "https://www.ncsc.nl/documenten/publicaties/2023/september/18/maak-je-organisatie-quantumveilig"),
    ],
    "ah-tk-20232024-1292": [
        ("1", 1, "Overheid.nl, «Huisvesting Nederlandse evacués», www.internetconsultatie.nl/huisvesting_evacuees/b1"),
    ],
    "ah-tk-20232024-1314": [
        ("1", 1, "NOS, d.d. 1 maart 2024, «Kritiek op besluit provincie Friesland tegen actief regenboogbeleid», "
                 "https://nos.nl/artikel/2510977-kritiek-op-besluit-provincie-friesland-tegen-actief-regenboogbeleid"),
        ("2", 2, "Movisie, d.d. maart 2022, Inventarisatie Regenboogbeleid Regenboogprovincies, https://www.movisie.nl"
                 "/sites/movisie.nl/files/2022-03/220315_%20Regenboogbeleid%20provincies%202022.pdf"),
    ],
    "ah-tk-20232024-1984": [
        ("1", 2, "Gezonde lunch onder oude wetgeving (tot en met 2021) vrijgesteld (belastingdienst.nl)"),
        ("2", 2, "Paragraaf 23, achtste lid onderdeel b, twaalfde lid, en dertiende lid, Besluit Fiscaal Bestuursrecht."),
        ("3", 4, "1,92% van de totale loonsom van de werkgever tot € 400.000 en daarboven 1,18%."),
    ],
    "ah-tk-20232024-2367": [
        ("1", 1, "NRC.nl, 26 juni 2024, «Bunq-werknemers keken stiekem in klantrekeningen: «Het was te verleidelijk»» "
                 "(https://www.nrc.nl/nieuws/2024/06/26/bunq-werknemers-keken-stiekem-in-klantrekeningen-het-was-te-"
                 "verleidelijk-a4857800)."),
        ("2", 2, "https://www.tuchtrechtbanken.nl/actueel/tuchtrecht-banken-vraagt-bunq-om-opheldering-over-"
                 "rekeninggluren/"),
        ("3", 3, "NOS.nl, 27 juni 2024, «Tuchtrecht Banken wil opheldering van Bunq over gluren naar rekeningen» "
                 "(https://nos.nl/artikel/2526363-tuchtrecht-banken-wil-opheldering-van-bunq-over-gluren-naar-rekeningen)"),
        ("4", 3, "Te raadplegen via: https://www.tuchtrechtbanken.nl/uitspraken-zoeken met zoekopdracht «raadplegen "
                 "rekeninggegevens zonder zakelijke aanleiding»."),
    ],
    "ah-tk-20232024-878": [
        ("1", 1, "Trouw, 12 december 2023, Digitale toegang overheid niet goed geregeld voor wettelijk vertegenwoordigers, "
                 "https://www.nationaleombudsman.nl/nieuws/artikel/2023/digitale-toegang-overheid-niet-goed-geregeld-"
                 "voor-wettelijk-vertegenwoordigers."),
        ("2", 4, "Kamerbrief over Voortgangsrapportage vertegenwoordigen 2023 | Kamerstuk | Rijksoverheid.nl"),
    ],
    "kst-21501-02-3121": [],
}

#: Notes whose whole text is given above (the note ends there).
WHOLE = {("ah-tk-20232024-1292", "1"), ("ah-tk-20232024-1314", "1"), ("ah-tk-20232024-1314", "2"),
         ("ah-tk-20232024-2367", "1"), ("ah-tk-20232024-2367", "2"), ("ah-tk-20232024-2367", "3"),
         ("ah-tk-20232024-2367", "4"), ("ah-tk-20232024-878", "1"), ("ah-tk-20232024-878", "2"),
         ("ah-tk-20232024-1178", "15"), ("ah-tk-20232024-1984", "2")}

#: file -> [(as plain text glues it, as it reads with the marker out, the marker)].
MARKERS: dict[str, list[tuple[str, str, str]]] = {
    "ah-tk-20232024-1178": [
        ("november 20231 heb", "november 2023 heb", "1"), ("quantum-proof zijn?2", "quantum-proof zijn?", "2"),
        ("wetgeving3.", "wetgeving.", "3"), ("NIS24 (Network", "NIS2 (Network", "4"),
        ("encryptie».5", "encryptie».", "5"), ("ISO-standaarden6 dat", "ISO-standaarden dat", "6"),
        ("november geïnformeerd7", "november geïnformeerd", "7"), ("automatisering8.", "automatisering.", "8"),
        ("Post quantum cryptografie9.", "Post quantum cryptografie.", "9"),
        ("(CRYSTALS-KYBER)10 om", "(CRYSTALS-KYBER) om", "10"), ("domein11.", "domein.", "11"),
        ("TNO)12.", "TNO).", "12"), ("Cybersecuritystrategie 2022–202813.", "Cybersecuritystrategie 2022–2028.", "13"),
        ("migratie naar quantumveilige cryptografie14.", "migratie naar quantumveilige cryptografie.", "14"),
        ("migratieplanning15.", "migratieplanning.", "15"),
    ],
    "ah-tk-20232024-1292": [("vervolgprocedure?1", "vervolgprocedure?", "1")],
    "ah-tk-20232024-1314": [("regenboogbeleid»?1", "regenboogbeleid»?", "1"),
                            ("Regenboogprovincies?2 Zo ja", "Regenboogprovincies? Zo ja", "2")],
    "ah-tk-20232024-1984": [("actueel bericht1 van", "actueel bericht van", "1"), ("jurisprudentie2.", "jurisprudentie.", "2"),
                            ("vrije ruimte3 naar", "vrije ruimte naar", "3")],
    "ah-tk-20232024-2367": [("verleidelijk»»1?", "verleidelijk»»?", "1"), ("gevraagd.2", "gevraagd.", "2"),
                            ("datalek.3", "datalek.", "3"), ("beroepsverbod.4", "beroepsverbod.", "4")],
    "ah-tk-20232024-878": [("ombudsman?1", "ombudsman?", "1"), ("jl.2 heb", "jl. heb", "2")],
}

#: Words of the body that end in a digit as printed (not a marker): "NIS2".
PRINTED_DIGITS = {"ah-tk-20232024-1178": {"NIS2"}}

#: file -> (question numbers in order, asked_by, {n: (question starts, answer starts)}).
QA: dict[str, tuple[list[int], str, dict[int, tuple[str, str]]]] = {
    "ah-tk-20232024-1178": (list(range(1, 10)), "Sneller (D66)", {
        1: ("Bent u bekend met het risico dat quantumcomputing encryptie zal doorbreken",
            "Ja, het is mij bekend dat krachtige quantumcomputers bepaalde versleuteling"),
        9: ("Welke maatregelen neemt de Staatssecretaris op korte termijn ter voorbereiding",
            "Onder regie van de Staatssecretaris van Binnenlandse Zaken en Koninkrijksrelaties"),
    }),
    "ah-tk-20232024-1292": (list(range(1, 11)), "Keijzer (BBB)", {
        1: ("Tot wanneer loopt deze internetconsultatie en wat is de vervolgprocedure?",
            "De internetconsultatie loopt tot 20 maart 2024."),
        9: ("Kunt u alle bovenstaande vragen stuk voor stuk beantwoorden?", "Ja"),
        10: ("Wilt u deze vragen uiterlijk 19 maart 2024 beantwoorden?",
             "De vragen zijn beantwoord binnen het daarvoor geldende termijn van drie weken."),
    }),
    "ah-tk-20232024-1314": ([1, 2, 3, 4, 5, 6], "Mutluer (GL-PvdA), Kostić (PvdD)", {
        1: ("Heeft u kennisgenomen van het artikel «Kritiek op besluit provincie Friesland", "Ja."),
        3: ("Deelt u de mening dat als een provincie het predicaat regenboogprovincie heeft",
            "Het is van groot belang dat iedereen in Nederland, dus ook lhbtiq+ personen"),
        5: ("Deelt u de mening dat als een provincie het predicaat regenboogprovincie heeft",
            "Het is van groot belang dat iedereen in Nederland, dus ook lhbtiq+ personen"),
        6: ("Kunt u inzichtelijk maken hoeveel meldingen de afgelopen drie jaar",
            "Bijgaande cijfers zijn aangeleverd door Discriminatie.nl/Fryslân/Tumba:"),
    }),
    "ah-tk-20232024-1984": (list(range(1, 12)), "Van Eijk (VVD), Aartsen (VVD)", {
        1: ("Bent u bekend met het arrest van de Hoge Raad van 24 mei 2024", "Ja."),
        9: ("Is een aanpassing van de Wet op de loonbelasting nodig om voorzieningen",
            "Per 2022 is de arbovrijstelling in de Wet op de loonbelasting 1964 verduidelijkt"),
        10: ("Is een aanpassing van de Wet op de loonbelasting nodig om voorzieningen",
             "Per 2022 is de arbovrijstelling in de Wet op de loonbelasting 1964 verduidelijkt"),
        11: ("Welke budgettaire consequenties heeft een wijziging van de Wet op de loonbelasting",
             "De budgettaire gevolgen van een dergelijke wijziging zijn afhankelijk"),
    }),
    "ah-tk-20232024-2367": (list(range(1, 13)), "Van der Lee (GL-PvdA)", {
        1: ("Bent u bekend met het NRC-artikel «Bunq-werknemers keken stiekem", "Ja, daar ben ik mee bekend."),
        3: ("Herkent u het beeld dat Bunq-bank verzaakt?", "Ik kan niet ingaan op de exacte omstandigheden"),
        6: ("Herkent u het beeld dat Bunq-bank verzaakt?", "Ik kan niet ingaan op de exacte omstandigheden"),
        7: ("Wat gaat u, samen met de toezichthouders (DNB en de Autoriteit Persoonsgegevens)",
            "DNB is wettelijk verplicht tot geheimhouding"),
        11: ("Wat gaat u, samen met de toezichthouders (DNB en de Autoriteit Persoonsgegevens)",
             "DNB is wettelijk verplicht tot geheimhouding"),
        12: ("Zijn er andere banken met dezelfde problematiek?",
             "Uit de openbaar te raadplegen uitspraken van de STB blijkt"),
    }),
    "ah-tk-20232024-878": (list(range(1, 8)), "(CDA)", {
        1: ("Hebt u kennisgenomen van het bericht «Ombudsman: Overheid dwingt burgers tot fraude»", "Ja."),
        7: ("Bent u bereid gehoor te geven aan de oproep van de Nationale ombudsman",
            "Met mijn Kamerbrief van 28 oktober jl. heb ik uw Kamer geïnformeerd"),
    }),
    "kst-21501-02-3121": ([], "", {}),
}

#: file -> (running footer, margin identifier block lines): none of it belongs in the text.
FURNITURE = {
    **{name: (AANHANGSEL_FOOTER, [name, "ISSN 0921 - 7398", "’s-Gravenhage 2024"]) for name in QA if name.startswith("ah")},
    "kst-21501-02-3121": ("Tweede Kamer, vergaderjaar 2024–2025, 21 501-02, nr. 3121",
                          ["kst-21501-02-3121", "ISSN 0921 - 7371", "’s-Gravenhage 2025"]),
}


@cache
def parsed(name: str) -> Document:
    return parse_file(PDF / f"{name}.pdf")


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", NOTES)
def test_every_note_found_with_its_label_page_and_text(name: str) -> None:
    doc = parsed(name)
    assert [(n.number, n.page) for n in doc.footnotes] == [(label, page) for label, page, _ in NOTES[name]]
    for note, (label, _, start) in zip(doc.footnotes, NOTES[name], strict=True):
        if (name, label) in WHOLE:
            assert note.text == start, label
        else:
            assert note.text.startswith(start), label


@pytest.mark.parametrize("name", MARKERS)
def test_markers_are_taken_out_of_their_words_and_linked(name: str) -> None:
    doc = parsed(name)
    text = squash(doc.text)
    for glued, clean, marker in MARKERS[name]:
        assert glued not in text, glued
        assert clean in text, clean
        block = next(b for b in doc.body_blocks if clean in squash(b.text))
        assert marker in block.footnote_refs, (clean, block.footnote_refs)
    assert sorted({r for b in doc.body_blocks for r in b.footnote_refs}, key=int) == [n.number for n in doc.footnotes]
    leftovers = set(re.findall(r"[^\W\d_]{2,}[.,;:?!)»]*\d{1,2}\b", text)) - PRINTED_DIGITS.get(name, set())
    assert not leftovers


@pytest.mark.parametrize("name", QA)
def test_questions_paired_with_their_answers(name: str) -> None:
    doc = parsed(name)
    numbers, asked_by, starts = QA[name]
    assert [q.seq for q in doc.qa] == numbers
    assert all(q.asked_by.endswith(asked_by) and q.question and q.answer for q in doc.qa)
    pairs = {q.seq: q for q in doc.qa}
    for n, (question, answer) in starts.items():
        assert pairs[n].question.startswith(question), n
        assert pairs[n].answer.startswith(answer), n
    for pair in doc.qa:  # a grouped label ("Vraag 7, 8, 9 10 en 11") is consumed whole
        assert not re.match(r"\W*\d", pair.question) and not re.match(r"\W*\d", pair.answer), pair.seq


def test_a_grouped_question_holds_its_text_over_the_page_break() -> None:
    pairs = {q.seq: q for q in parsed("ah-tk-20232024-1314").qa}
    assert pairs[3].question == pairs[4].question == pairs[5].question
    assert squash(pairs[3].question).endswith("nog beter waar gaan maken? Zo nee, waarom niet?")
    answers = {q.seq: q.answer for q in parsed("ah-tk-20232024-1984").qa}
    assert answers[9] == answers[10] and squash(answers[9]).endswith("verse soep met brood.")


@pytest.mark.parametrize("name", FURNITURE)
def test_no_running_footer_or_margin_block_in_the_text(name: str) -> None:
    doc = parsed(name)
    footer, margin = FURNITURE[name]
    texts = [squash(doc.text), *(squash(q.question + " " + q.answer) for q in doc.qa),
             *(n.text for n in doc.footnotes)]
    for line in [footer, *margin]:
        assert not any(line in text for text in texts), line


@pytest.mark.parametrize(("name", "words"), [
    ("kst-21501-02-3121", ["staakt-het-vuren;", "duurzaam staakt-het-vuren;", "leidende EU-rol"]),
    ("ah-tk-20232024-1178", ["Het PKI-consortium heeft", "quantumveilige cryptografie", "Cybersecuritystrategie"]),
    ("ah-tk-20232024-1292", ["Midden-Oosten", "Nederlandse paspoort- en verblijfsstatushouders"]),
])
def test_real_hyphens_kept_soft_ones_joined(name: str, words: list[str]) -> None:
    text = squash(parsed(name).text)
    assert all(word in text for word in words)


def test_notes_are_not_in_the_body_and_the_body_not_in_the_notes() -> None:
    doc = parsed("ah-tk-20232024-1314")
    assert "Seksuele gerichtheid" in doc.text  # the table above note 2, in small print, is body
    assert "regenboogbeleid» https://nos.nl" not in doc.text
    doc = parsed("ah-tk-20232024-1178")
    assert "pqc-migratie-handboek" not in doc.text and "10 miljoen euro" not in doc.text


@pytest.mark.parametrize(("name", "answered_by"), [
    ("ah-tk-20232024-1178", "Staatssecretaris Van Huffelen (Binnenlandse Zaken en Koninkrijksrelaties)"),
    ("ah-tk-20232024-1292", "Minister De Jonge (Binnenlandse Zaken en Koninkrijksrelaties)"),
    ("ah-tk-20232024-1314", "Minister Dijkgraaf (Onderwijs, Cultuur en Wetenschap)"),
    ("ah-tk-20232024-1984", "Staatssecretaris Van Rij (Financiën – Fiscaliteit en Belastingdienst)"),  # ", mede namens"
    ("ah-tk-20232024-2367", "Minister Heinen (Financiën)"),
])
def test_who_answered(name: str, answered_by: str) -> None:
    assert {q.answered_by for q in parsed(name).qa} == {answered_by}
