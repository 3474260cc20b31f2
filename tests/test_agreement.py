"""Source choice and the PDF/XML agreement measures, on documents parsed from real official XML."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import AH_XML, KST_XML

from pipeline.model import Block, Document, Footnote, QAPair
from pipeline.parse.agreement import (
    AGREEMENT_MAX_UNMATCHED_RUN,
    AGREEMENT_WARN_BELOW,
    agreement_for,
    choose_source,
    chunk_cuts,
    chunked_similarity,
    longest_unmatched_run,
    measure_agreement,
    text_similarity,
)
from pipeline.parse.textsim import word_similarity, words
from pipeline.parse.xml import parse_official_xml

FIXTURES = Path(__file__).parent / "fixtures" / "xml"
AH_FOOTER = "Tweede Kamer, vergaderjaar 2020–2021, Aanhangsel {page}"


def _as_pdf(xml: Document) -> Document:
    """A stand-in for a perfect PDF parse of the same paper: the XML's blocks and notes, source 'pdf'."""
    pdf = copy.deepcopy(xml)
    pdf.source = "pdf"
    return pdf


def _with_footer_left_in(doc: Document, footer: str, pages: int) -> Document:
    """The damage a layout engine does when it misses the running footer: its text in the body."""
    damaged = copy.deepcopy(doc)
    body = damaged.body_blocks
    for page in range(1, pages + 1):
        block = body[page * len(body) // pages - 1]  # the last block of each of `pages` stretches
        block.text += " " + footer.format(page=page)
    return damaged


def test_threshold_is_exported() -> None:
    assert AGREEMENT_WARN_BELOW == 0.98


def test_xml_with_body_text_is_chosen() -> None:
    xml = parse_official_xml(KST_XML)
    assert choose_source(_as_pdf(xml), xml) == ("xml", "official XML with body text")
    assert choose_source(None, xml)[0] == "xml"


def test_pdf_is_chosen_when_the_xml_holds_no_text() -> None:
    empty = parse_official_xml(FIXTURES / "ag-ek-niet-beschikbaar.xml")
    pdf = _as_pdf(parse_official_xml(KST_XML))
    chosen, reason = choose_source(pdf, empty)
    assert chosen == "pdf"
    assert "niet beschikbaar in HTML-formaat" in reason


def test_pdf_is_chosen_without_xml_and_says_when_it_has_no_text() -> None:
    pdf = _as_pdf(parse_official_xml(KST_XML))
    assert choose_source(pdf, None) == ("pdf", "no official XML")
    scan = Document(source="pdf", source_path="blg.pdf", pages=3, has_text_layer=False,
                    no_text_reason="3 of 3 pages have no text layer (scanned images)")
    chosen, reason = choose_source(scan, None)
    assert chosen == "pdf" and "scanned images" in reason


def test_an_empty_xml_alone_is_still_the_source_and_nothing_is_nothing() -> None:
    empty = parse_official_xml(FIXTURES / "metadata-only.xml")
    chosen, reason = choose_source(None, empty)
    assert chosen == "xml" and "no body text" in reason
    assert choose_source(None, None) == ("", "neither a PDF nor an official XML could be parsed")


@pytest.mark.parametrize("path", [KST_XML, AH_XML, FIXTURES / "kst-27925-AA-ek.xml"])
def test_identical_parses_agree_fully(path: Path) -> None:
    xml = parse_official_xml(path)
    result = measure_agreement(_as_pdf(xml), xml)
    assert result["text_similarity"] == 1.0 and result["longest_unmatched_run"] == 0
    assert result["footnotes_pdf"] == result["footnotes_xml"] == len(xml.footnotes)
    assert result["footnote_text_similarity"] == 1.0
    assert result["ok"] is True


def test_a_footer_left_in_fails_a_short_paper_on_similarity() -> None:
    xml = parse_official_xml(KST_XML)
    damaged = _with_footer_left_in(_as_pdf(xml), "Tweede Kamer, vergaderjaar 2020–2021, 32 545, nr. 143", 1)
    result = measure_agreement(damaged, xml)
    assert result["text_similarity"] < AGREEMENT_WARN_BELOW
    assert result["text_similarity"] == word_similarity(damaged.text, xml.text)
    assert result["ok"] is False


def test_a_footer_left_in_fails_a_long_paper_on_the_unmatched_run() -> None:
    """Three footers in 900 words keep the similarity above 0.98; the run of footer words does not."""
    xml = parse_official_xml(AH_XML)
    damaged = _with_footer_left_in(_as_pdf(xml), AH_FOOTER, 3)
    result = measure_agreement(damaged, xml)
    assert result["text_similarity"] >= AGREEMENT_WARN_BELOW  # why the run measure exists
    assert result["longest_unmatched_run"] > AGREEMENT_MAX_UNMATCHED_RUN
    assert result["ok"] is False


def test_small_reading_slips_stay_within_agreement() -> None:
    """A hyphen left in a word and a footnote marker glued to one are not a disagreement."""
    xml = parse_official_xml(AH_XML)
    pdf = _as_pdf(xml)
    for block in pdf.body_blocks:
        block.text = block.text.replace("marktconforme", "markt- conforme").replace("Tozo", "Tozo1", 1)
    result = measure_agreement(pdf, xml)
    assert AGREEMENT_WARN_BELOW <= result["text_similarity"] < 1.0
    assert result["longest_unmatched_run"] <= 2
    assert result["ok"] is True


def test_missing_or_changed_footnotes_fail() -> None:
    xml = parse_official_xml(FIXTURES / "kst-27925-AA-ek.xml")
    lost = _as_pdf(xml)
    lost.footnotes = lost.footnotes[:-1]
    result = measure_agreement(lost, xml)
    assert (result["footnotes_pdf"], result["footnotes_xml"]) == (3, 4)
    assert result["ok"] is False

    garbled = _as_pdf(xml)
    garbled.footnotes[1] = Footnote("2", 1, "Kamerstukken II, 2019–2020, 27 925, nr. 694 Eerste Kamer, vergaderjaar")
    result = measure_agreement(garbled, xml)
    assert result["footnote_text_similarity"] < AGREEMENT_WARN_BELOW
    assert result["ok"] is False


def test_question_answer_pairs_are_matched_by_number_and_text() -> None:
    xml = parse_official_xml(AH_XML)
    xml.qa = [QAPair(n, "D66", f"Vraag {n} over de rente van de Tozo?", f"Antwoord {n}: zie de brief.")
              for n in range(1, 4)]
    same = _as_pdf(xml)
    assert measure_agreement(same, xml)["qa_matched"] == 3

    shifted = _as_pdf(xml)
    shifted.qa[2].answer = shifted.qa[2].answer + " Vraag 4 Kunt u toelichten waarom het zo is?"
    shifted.qa.append(QAPair(4, "D66", "Een vraag die de XML niet heeft?", "Geen antwoord."))
    result = measure_agreement(shifted, xml)
    assert (result["qa_pdf"], result["qa_xml"], result["qa_matched"]) == (4, 3, 2)
    assert result["ok"] is False


def test_longest_unmatched_run_counts_words_in_one_text_only() -> None:
    base = "de leden van de fractie vragen de minister om een reactie op de brief"
    assert longest_unmatched_run(base, base) == 0
    assert longest_unmatched_run(base + " Eerste Kamer, vergaderjaar 2019–2020, 27 925, AA 7", base) == 9
    split = "de leden van de frac- tie vragen de minister om een reactie"
    assert longest_unmatched_run(split, "de leden van de fractie vragen de minister om een reactie") == 2
    assert longest_unmatched_run("", base) == len(base.split()) and longest_unmatched_run("", "") == 0


def test_agreement_is_plain_json() -> None:
    xml = parse_official_xml(KST_XML)
    xml.blocks.append(Block(kind="paragraph", text="Extra.", page=0))
    result = measure_agreement(_as_pdf(xml), parse_official_xml(KST_XML))
    assert set(result) == {
        "text_similarity", "longest_unmatched_run", "footnotes_pdf", "footnotes_xml",
        "footnote_text_similarity", "qa_pdf", "qa_xml", "qa_matched", "ok",
    }
    assert all(isinstance(v, bool | int | float) for v in result.values())


def test_agreement_is_only_measured_between_two_texts() -> None:
    xml = parse_official_xml(KST_XML)
    assert agreement_for(_as_pdf(xml), xml) == measure_agreement(_as_pdf(xml), xml)
    empty = parse_official_xml(FIXTURES / "ag-ek-niet-beschikbaar.xml")
    assert measure_agreement(_as_pdf(xml), empty)["text_similarity"] < 0.1  # what a blind measure says
    assert agreement_for(_as_pdf(xml), empty) is None
    scan = Document(source="pdf", source_path="scan.pdf", pages=1, has_text_layer=False)
    assert agreement_for(scan, xml) is None
    assert agreement_for(None, xml) is None and agreement_for(_as_pdf(xml), None) is None


SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "kst-27925-AA.txt"


def _damaged_words(text: str) -> list[str]:
    """The words of `text` with a running footer every 400 words and a split word in every 'fractie'."""
    out: list[str] = []
    for i, word in enumerate(words(text)):
        if i and i % 400 == 0:
            out += words("Eerste Kamer, vergaderjaar 2019–2020, 27 925, AA")
        out += ["frac", "tie"] if word == "fractie" else [word]
    return out


def test_long_texts_are_compared_in_anchored_chunks_with_the_same_result() -> None:
    seed = SEED.read_text("utf-8")
    damaged = _damaged_words(seed)
    full = word_similarity(seed, " ".join(damaged))
    assert full < 0.995
    chunked = chunked_similarity(words(seed), damaged, chunk_words=400)
    assert len(chunk_cuts(words(seed), damaged, 400)) > 5  # really cut into chunks
    assert chunked == pytest.approx(full, abs=1e-9)
    assert text_similarity(seed, " ".join(damaged)) == full  # short enough for one alignment


def test_text_without_anchors_is_still_cut_into_bounded_chunks() -> None:
    block = words(SEED.read_text("utf-8"))[:1000]
    repeated = block * 4  # no run of words occurs once: no anchors
    cuts = chunk_cuts(repeated, repeated, 400)
    assert all(i1 - i0 <= 800 and j1 - j0 <= 800 for (i0, j0), (i1, j1) in zip(cuts, cuts[1:], strict=False))
    assert chunked_similarity(repeated, repeated, 400) == 1.0
