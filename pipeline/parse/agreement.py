"""Which parse of a paper gives its published text, and how well the PDF and XML parses agree.

The official XML is the more faithful text, so it is chosen whenever it holds body text; the PDF
is the fallback (unformatted papers, bijlagen, old papers, and XML without text). Where both
exist, their agreement measures how well the PDF layout engine reads the typeset page: word-level
similarity of the body text, the footnotes, and the question/answer pairs of the structure stage,
plus the longest run of words only one of the two has (a footer left in, a lost paragraph).
Long papers are compared in chunks cut at shared anchors, so a budget paper costs seconds.
"""

from __future__ import annotations

from typing import Any

from pipeline.model import Document, Footnote, QAPair
from pipeline.parse.textsim import word_similarity, words

#: Below this similarity (body text, a footnote text, a question or answer) the two parses disagree.
AGREEMENT_WARN_BELOW = 0.98
#: More consecutive words than this in one text only (a running footer left in, a lost paragraph)
#: fail the agreement however long the paper is; a similarity ratio alone misses them in long papers.
AGREEMENT_MAX_UNMATCHED_RUN = 5
#: Words per shingle: a word is matched when a run of this many words around it is in the other text.
SHINGLE = 3
#: Above this many words (both texts together) the body texts are compared in aligned chunks:
#: `word_similarity` aligns word by word, which grows with the square of the length (9 s for
#: 18,000 words, minutes for a 100,000-word budget paper).
CHUNKED_ABOVE = 12_000
#: Words of the first text per chunk, and the run of words that anchors a cut in both texts.
CHUNK_WORDS = 1_500
ANCHOR = 6


def has_body_text(doc: Document) -> bool:
    return doc.has_text_layer and bool(doc.text.strip())


def choose_source(pdf: Document | None, xml: Document | None) -> tuple[str, str]:
    """('xml' | 'pdf' | '', reason): XML when it holds body text, else the PDF, else whatever exists."""
    if xml is not None and has_body_text(xml):
        return "xml", "official XML with body text"
    if pdf is not None:
        why_not_xml = "no official XML" if xml is None else (xml.no_text_reason or "official XML holds no body text")
        if not pdf.has_text_layer:
            return "pdf", f"{why_not_xml}; the PDF has no text either ({pdf.no_text_reason or 'no text layer'})"
        return "pdf", why_not_xml
    if xml is not None:
        return "xml", f"only source, although {xml.no_text_reason or 'it holds no body text'}"
    return "", "neither a PDF nor an official XML could be parsed"


def _footnote_text(notes: list[Footnote]) -> str:
    return "\n".join(n.text for n in notes)


def _uncovered_run(a: list[str], b: list[str]) -> int:
    """The longest run of words of `a` that stand in no `SHINGLE`-word sequence that `b` also has."""
    size = min(SHINGLE, len(a))
    if size == 0:
        return 0
    known = {tuple(b[i : i + size]) for i in range(len(b) - size + 1)}
    covered = [False] * len(a)
    for i in range(len(a) - size + 1):
        if tuple(a[i : i + size]) in known:
            covered[i : i + size] = [True] * size
    longest = current = 0
    for is_covered in covered:
        current = 0 if is_covered else current + 1
        longest = max(longest, current)
    return longest


def longest_unmatched_run(a: str, b: str) -> int:
    """The longest run of consecutive words that one text has and the other lacks or reads otherwise.

    Linear in the length of the texts (word shingles, no alignment), so it stays cheap on papers
    of a hundred thousand words where a word-by-word alignment does not.
    """
    wa, wb = words(a), words(b)
    return max(_uncovered_run(wa, wb), _uncovered_run(wb, wa))


def _unique_runs(seq: list[str]) -> dict[tuple[str, ...], int]:
    """Each run of `ANCHOR` words that occurs once in `seq`, with its position."""
    first: dict[tuple[str, ...], int] = {}
    repeated: set[tuple[str, ...]] = set()
    for i in range(len(seq) - ANCHOR + 1):
        run = tuple(seq[i : i + ANCHOR])
        if run in first:
            repeated.add(run)
        else:
            first[run] = i
    return {run: i for run, i in first.items() if run not in repeated}


def chunk_cuts(a: list[str], b: list[str], chunk_words: int) -> list[tuple[int, int]]:
    """Places (i, j) that cut both texts at the same text: a run found once in each, about every
    `chunk_words` words, in order in both and at a plausible distance from the previous cut."""
    in_b = _unique_runs(b)
    cuts = [(0, 0)]
    for run, i in sorted(_unique_runs(a).items(), key=lambda item: item[1]):
        j = in_b.get(run)
        last_i, last_j = cuts[-1]
        if j is not None and i - last_i >= chunk_words and 0.5 <= (j - last_j) / (i - last_i) <= 2:
            cuts.append((i, j))
    return _bounded([*cuts, (len(a), len(b))], chunk_words)


def _bounded(cuts: list[tuple[int, int]], chunk_words: int) -> list[tuple[int, int]]:
    """Split, in proportion, any stretch without anchors (text repeated wholesale) longer than two
    chunks, so that the cost stays bounded; the few words misaligned at such a cut are the price."""
    out = [cuts[0]]
    for (i0, j0), (i1, j1) in zip(cuts, cuts[1:], strict=False):
        parts = -(-max(i1 - i0, j1 - j0) // (2 * chunk_words))  # ceiling division
        out += [(i0 + (i1 - i0) * k // parts, j0 + (j1 - j0) * k // parts) for k in range(1, parts + 1)]
    return out


def chunked_similarity(a: list[str], b: list[str], chunk_words: int = CHUNK_WORDS) -> float:
    """`word_similarity` of two long word lists, summed over chunks cut at shared anchors."""
    cuts = chunk_cuts(a, b, chunk_words)
    matches = 0.0
    for (i0, j0), (i1, j1) in zip(cuts, cuts[1:], strict=False):
        size = (i1 - i0) + (j1 - j0)
        if size:
            matches += word_similarity(" ".join(a[i0:i1]), " ".join(b[j0:j1])) * size / 2
    return 2 * matches / (len(a) + len(b))


def text_similarity(a: str, b: str) -> float:
    """`word_similarity` of two body texts; for long papers computed chunk by chunk (see `CHUNKED_ABOVE`)."""
    wa, wb = words(a), words(b)
    if len(wa) + len(wb) <= CHUNKED_ABOVE:
        return word_similarity(a, b)
    return chunked_similarity(wa, wb)


def _qa_matched(pdf: list[QAPair], xml: list[QAPair]) -> int:
    """Pairs with the same number whose question and answer each agree."""
    by_seq = {q.seq: q for q in xml}
    matched = 0
    for pair in pdf:
        other = by_seq.get(pair.seq)
        if (
            other is not None
            and text_similarity(pair.question, other.question) >= AGREEMENT_WARN_BELOW
            and text_similarity(pair.answer, other.answer) >= AGREEMENT_WARN_BELOW
        ):
            matched += 1
    return matched


def measure_agreement(pdf: Document, xml: Document) -> dict[str, Any]:
    """How far the PDF parse agrees with the XML parse of the same paper.

    `ok` holds when the body texts are at least `AGREEMENT_WARN_BELOW` similar with no run of more
    than `AGREEMENT_MAX_UNMATCHED_RUN` words in one only, both have the same footnote numbers with
    similar texts, and every question/answer pair matches.
    """
    similarity = text_similarity(pdf.text, xml.text)
    unmatched_run = longest_unmatched_run(pdf.text, xml.text)
    note_similarity = text_similarity(_footnote_text(pdf.footnotes), _footnote_text(xml.footnotes))
    qa_matched = _qa_matched(pdf.qa, xml.qa)
    footnotes_agree = (
        [n.number for n in pdf.footnotes] == [n.number for n in xml.footnotes]
        and note_similarity >= AGREEMENT_WARN_BELOW
    )
    qa_agree = len(pdf.qa) == len(xml.qa) == qa_matched
    return {
        "text_similarity": similarity,
        "longest_unmatched_run": unmatched_run,
        "footnotes_pdf": len(pdf.footnotes),
        "footnotes_xml": len(xml.footnotes),
        "footnote_text_similarity": note_similarity,
        "qa_pdf": len(pdf.qa),
        "qa_xml": len(xml.qa),
        "qa_matched": qa_matched,
        "ok": (
            similarity >= AGREEMENT_WARN_BELOW and unmatched_run <= AGREEMENT_MAX_UNMATCHED_RUN
            and footnotes_agree and qa_agree
        ),
    }


def agreement_for(pdf: Document | None, xml: Document | None) -> dict[str, Any] | None:
    """`measure_agreement` where both parses hold body text to compare, else None.

    An XML that is only the 'niet beschikbaar in HTML-formaat' notice, or a scanned PDF without a
    text layer, says nothing about how well the PDF is read; measuring it would put a false
    disagreement (similarity near 0) into the corpus statistics.
    """
    if pdf is None or xml is None or not (has_body_text(pdf) and has_body_text(xml)):
        return None
    return measure_agreement(pdf, xml)
