"""Line-end hyphenation undone like a Dutch reader would, measured on the generated papers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.config import DataLayout
from pipeline.parse.pdf import analyse
from pipeline.parse.pdf.hyphenation import Evidence, Lexicon, breaks_word, join_broken, keeps_hyphen
from pipeline.parse.pdf.lexicon import CorpusLexicon
from pipeline.parse.textsim import words
from tests.support import analysed, xml_body_text
from tests.support.papergen import FIXTURES
from tests.support.paths import AH_PDF, AH_XML

GENERATED = sorted(p.name.removesuffix(".truth.json") for p in FIXTURES.glob("*.truth.json"))


def _bare(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", word)


@pytest.mark.parametrize(("head", "tail", "word"), [
    ("Ontwikkelings-", "samenwerking", "Ontwikkelingssamenwerking"),
    ("beperk-", "tere", "beperktere"),
    ("Huizinga-", "Heringa", "Huizinga-Heringa"),
    ("NAVO-", "missie", "NAVO-missie"),
    ("SP-", "fractie", "SP-fractie"),
    ("anti-", "ISIS", "anti-ISIS"),
    ("Coalitie-", "inzet", "Coalitie-inzet"),
    ("artikel 100-", "brief", "artikel 100-brief"),
    ("ONTWIKKELINGSSAMEN-", "WERKING", "ONTWIKKELINGSSAMENWERKING"),
    ("Faber-", "van de Klashorst", "Faber-van"),
    ("Jansen-", "ter Horst", "Jansen-ter"),
    ("Zui-", "den van Nederland", "Zuiden"),
    ("Noor-", "den van het land", "Noorden"),
    ("Ver-", "der Van Dijk", "Verder"),
])
def test_rules_without_evidence(head: str, tail: str, word: str) -> None:
    tail, *after = tail.split()
    assert join_broken(head, tail, Lexicon(), after) == word


@pytest.mark.parametrize(("head", "tail", "word"), [
    ("https://www.ncsc.nl/documenten/publicaties/2023/september/18/maak-je-organisatie-", "quantumveilig",
     "https://www.ncsc.nl/documenten/publicaties/2023/september/18/maak-je-organisatie-quantumveilig"),
    ("(https://nos.nl/artikel/2526363-tuchtrecht-banken-wil-opheldering-van-bunq-over-", "gluren-naar-rekeningen)",
     "(https://nos.nl/artikel/2526363-tuchtrecht-banken-wil-opheldering-van-bunq-over-gluren-naar-rekeningen)"),
    ("www.rijksoverheid.nl/documenten/kamer-", "stukken", "www.rijksoverheid.nl/documenten/kamer-stukken"),
    ("jan.de-", "vries@minbzk.nl", "jan.de-vries@minbzk.nl"),
    ("https://", "www.movisie.nl/sites/movisie.nl/files", "https://www.movisie.nl/sites/movisie.nl/files"),
    ("www.internetconsultatie.nl/huisvesting_", "evacuees/b1", "www.internetconsultatie.nl/huisvesting_evacuees/b1"),
    ("movisie.nl/files/2022-03/220315_%20Regenboogbeleid%20provincies", "%202022.pdf",
     "movisie.nl/files/2022-03/220315_%20Regenboogbeleid%20provincies%202022.pdf"),
])
def test_an_address_is_joined_as_it_was_broken(head: str, tail: str, word: str) -> None:
    assert breaks_word(head, tail) and join_broken(head, tail, Lexicon()) == word


@pytest.mark.parametrize(("head", "tail"), [
    ("https://www.tuchtrechtbanken.nl/uitspraken-zoeken", "met"),  # the address ends, the sentence goes on
    ("www.rijksoverheid.nl.", "Daarin"),
    ("https://www.rijksoverheid.nl/contact", "e-mail"),
    ("Kamerstuk", "29"),
])
def test_a_line_ending_in_a_finished_word_or_address_breaks_nothing(head: str, tail: str) -> None:
    assert not breaks_word(head, tail)


def test_the_documents_own_words_outweigh_the_rules() -> None:
    lexicon = Lexicon(["generaal-majoor", "de", "Iraanse", "generaal-majoor"])
    assert keeps_hyphen("generaal-", "majoor", lexicon)  # lowercase both sides, yet a real hyphen
    lexicon = Lexicon(["SPfractie"])  # an odd spelling seen in the document wins over the acronym rule
    assert not keeps_hyphen("SP-", "fractie", lexicon)


def test_hyphenation_accuracy_on_the_generated_papers() -> None:
    """Every line-end break the generator made, both kinds, resolved as the truth says."""
    right = total = 0
    kinds = set()
    for name in GENERATED:
        truth = json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))
        decided = {(d.page, d.head, d.tail): d.joined for d in analysed(FIXTURES / f"{name}.pdf").hyphenations}
        for case in truth["hyphenations"]:
            total += 1
            kinds.add(case["kind"])
            joined = decided.get((case["page"], case["prefix"], case["suffix"]))
            right += joined is not None and _bare(joined) == _bare(case["joined"])
    accuracy = right / total
    print(f"hyphenation accuracy {right}/{total} = {accuracy:.3f}")
    assert kinds == {"soft", "hard"} and total >= 100
    assert accuracy >= 0.95


def test_an_elliptical_hyphen_before_a_conjunction_stays_apart() -> None:
    assert join_broken("Wet-", "en", Lexicon()) == "Wet- en"


def test_a_corpus_adds_evidence_the_paper_lacks(tmp_path: Path) -> None:
    path = tmp_path / "generaal.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 700, "de liquidatie van de Iraanse generaal-")
    canvas.drawString(72, 688, "majoor Soleimani en de gevolgen daarvan")
    canvas.showPage()
    canvas.save()
    assert "Iraanse generaalmajoor Soleimani" in analyse(path).document.text  # no evidence: joined
    corpus = Lexicon(["generaal-majoor"])  # seen in other papers
    assert "Iraanse generaal-majoor Soleimani" in analyse(path, corpus).document.text


def test_line_end_breaks_in_a_real_official_pdf_give_the_xml_words() -> None:
    """ah-tk-20202021-3235: every word the engine rebuilt over a line end is a word of the XML."""
    xml_words = set(words(xml_body_text(AH_XML)))
    decisions = analysed(AH_PDF).hyphenations
    assert len(decisions) >= 5
    for decision in decisions:
        assert set(words(decision.joined)) <= xml_words, decision


OFFICIAL_TEXT = ("Via sector-ontwikkelingsprogramma’s, zoals Orange Corners, ondersteunt Nederland banen; "
                 "de generaal-majoor sprak met de sector.")


def test_the_corpus_lexicon_keeps_a_hyphen_the_paper_cannot_prove(tmp_path: Path) -> None:
    """"sector-" / "ontwikkelingsprogramma’s": a hyphen between two lowercase words, seen once in
    the paper, at the line end; the official XML texts show it is a real one."""
    assert join_broken("sector-", "ontwikkelingsprogramma’s,", Lexicon()) == "sectorontwikkelingsprogramma’s,"
    with CorpusLexicon(DataLayout(tmp_path)) as corpus:
        assert corpus.learn("kst-x@1", OFFICIAL_TEXT)
        evidence = Evidence(Lexicon(), corpus)
        assert join_broken("sector-", "ontwikkelingsprogramma’s,", evidence) == "sector-ontwikkelingsprogramma’s,"
        assert join_broken("generaal-", "majoor", evidence) == "generaal-majoor"
        text = analyse(FIXTURES / "kst-27925-AA.pdf", corpus).document.text
    assert "Met private sector-ontwikkelingsprogramma’s, zoals Orange Corners" in text


def test_the_corpus_lexicon_store_is_bounded_and_learns_each_text_once(tmp_path: Path, state_dsn: str | None) -> None:
    path = DataLayout(tmp_path / "data", state_dsn)
    with CorpusLexicon(path, limit=4) as corpus:
        assert corpus.learn("a@1", "de de de Kamer, de Kamer en het")
        assert not corpus.learn("a@1", "de de de Kamer")  # a reparse adds nothing
        assert corpus.learn("b@1", "de motie")
        assert len(corpus) == 4 and corpus["de"] == 5 and corpus["kamer"] == 2 and corpus["Kamer"] == 2
    with CorpusLexicon(path, limit=4) as reopened:  # stored (SQLite or PostgreSQL), one row a form
        assert reopened["de"] == 5 and len(reopened) == 4
    with pytest.raises(ValueError, match="limit"):
        CorpusLexicon(path, limit=0)


def test_hyphenation_accuracy_with_a_corpus_of_the_truth_texts(tmp_path: Path) -> None:
    """With the generated papers' own texts as the official corpus, every line-end break resolves."""
    truths = {name: json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8")) for name in GENERATED}
    right = total = 0
    with CorpusLexicon(DataLayout(tmp_path)) as corpus:
        for name, truth in truths.items():
            corpus.learn(name, " ".join([truth["body_text"], *(f["text"] for f in truth["footnotes"])]))
        for name, truth in truths.items():
            decided = {(d.page, d.head, d.tail): d.joined for d in analyse(FIXTURES / f"{name}.pdf", corpus).hyphenations}
            for case in truth["hyphenations"]:
                total += 1
                joined = decided.get((case["page"], case["prefix"], case["suffix"]))
                right += joined is not None and _bare(joined) == _bare(case["joined"])
    print(f"hyphenation accuracy with the corpus lexicon {right}/{total}")
    assert right == total >= 300
