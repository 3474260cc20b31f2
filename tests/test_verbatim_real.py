"""A real two-column verbatim report: the Tweede Kamer's own report of the debate on the 2024 budget of
Landbouw, Natuur en Voedselkwaliteit (36 410-XIV), 27 pages typeset by XEP, not by KOOP, with no
identifier in the file (tests/fixtures/real/official-tk/SOURCES.md).

The expectations come from the PDF itself, read here without the parser: pdfplumber's words with
their font names, the two columns meeting at the middle of the page (a fact of this file). Each
speaker tag is a row of a column with a bold word (the name: "De **voorzitter**:", "Minister
**Adema**:", "Mevrouw **Van der Plas** (BBB):") that ends in a colon.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from pipeline.model import Document
from pipeline.parse import parse_file
from pipeline.parse.pdf.columns import column_order
from pipeline.parse.pdf.lines import Line, read_lines
from pipeline.parse.structure.parties import normalise_party

PDF = Path(__file__).parent / "fixtures" / "real" / "official-tk" / "pdf" / "tk-plenair-verslag-36410-XIV-ed7ffb05.pdf"
TAG = re.compile(r"^(?P<prefix>De heer|Mevrouw|Kamerlid|Minister|Staatssecretaris|De)\s+(?P<name>.+?)"
                 r"(?:\s*\((?P<party>[^)]+)\))?\s*:$")

Row = list[dict[str, Any]]


def _rows(words: list[dict[str, Any]]) -> list[Row]:
    """Words of one column in rows (bottoms within 2 pt), top to bottom, each left to right."""
    rows: list[Row] = []
    for word in sorted(words, key=lambda w: w["bottom"]):
        if rows and word["bottom"] - rows[-1][-1]["bottom"] <= 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _text(row: Row) -> str:
    return re.sub(r"\s+(?=[:\u0300-\u036f])|(?<=\w) (?=[ćčšž]\b)", "", " ".join(w["text"] for w in row))


@pytest.fixture(scope="module")
def columns() -> list[tuple[int, list[Row]]]:
    """(page, rows) per column, in reading order: the left column of a page, then its right one."""
    out: list[tuple[int, list[Row]]] = []
    with pdfplumber.open(PDF) as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["fontname"])
            middle = float(page.width) / 2
            for right in (False, True):
                out.append((page.page_number, _rows([w for w in words if (w["x0"] >= middle) == right])))
    return out


@pytest.fixture(scope="module")
def tags(columns: list[tuple[int, list[Row]]]) -> list[tuple[str, str, str]]:
    """(speaker, party, role) of every bold speaker tag, in reading order, by the XML path's conventions."""
    found = []
    for _, rows in columns:
        for row in rows:
            text = _text(row)
            if any("Bold" in w["fontname"] for w in row) and text.endswith(":"):
                match = TAG.match(text)
                assert match, text
                prefix, name, party = match.group("prefix", "name", "party")
                if prefix == "De":
                    found.append((name, "", name))
                elif prefix in ("Minister", "Staatssecretaris"):
                    found.append((name, "", prefix.lower()))
                else:
                    found.append((name, normalise_party(party), "lid"))
    return found


@pytest.fixture(scope="module")
def doc() -> Document:
    return parse_file(PDF)


def test_the_reader_sees_the_tags_of_the_report(tags: list[tuple[str, str, str]]) -> None:
    """215 tags, counted by eye from the bold rows too: 61 of the chair, 81 of the minister, 73 of members."""
    roles = Counter(role for _, _, role in tags)
    assert len(tags) == 215
    assert roles == {"voorzitter": 61, "minister": 81, "lid": 73}


def test_every_bold_tag_is_a_turn(doc: Document, tags: list[tuple[str, str, str]]) -> None:
    found = [(s.speaker, s.party, s.role) for s in doc.speeches]
    matched = sum(block.size for block in SequenceMatcher(a=tags, b=found, autojunk=False).get_matching_blocks())
    precision, recall = matched / len(found), matched / len(tags)
    assert 2 * precision * recall / (precision + recall) >= 0.95
    assert abs(len(found) - len(tags)) <= 5
    assert doc.metadata.document_type == "handelingen"  # no header says so: the turns do


def test_the_first_turns_in_order(doc: Document) -> None:
    """Page 1 left, page 1 right, page 2 right, page 3 left and right, page 4 left (read from the pages)."""
    chair, minister = ("voorzitter", "", "voorzitter"), ("Adema", "", "minister")
    plas, bromet = ("Van der Plas", "BBB", "lid"), ("Bromet", "GL-PvdA", "lid")
    assert [(s.speaker, s.party, s.role) for s in doc.speeches[:16]] == [
        chair, chair, plas, chair, chair, minister, chair, minister,
        bromet, minister, bromet, minister, chair, plas, chair, plas]
    assert [s.seq for s in doc.speeches] == list(range(1, len(doc.speeches) + 1))
    kostic = [s for s in doc.speeches if s.speaker == "Kostić"]
    assert [(s.party, s.role) for s in kostic] == [("PvdD", "lid")] * 3  # "Kamerlid Kostić (PvdD):"


def test_turns_run_on_across_columns_and_pages(doc: Document) -> None:
    said = {s.seq: s.text for s in doc.speeches}
    minister = next(s for s in doc.speeches if s.role == "minister")
    chair = next(text for text in said.values() if "Gisteren hebben Kamerleden" in text)
    # page 1: left column foot -> right column, which starts higher than the left one (beside the title)
    assert "inleidingen gewoon te kunnen houden. Daarna gaan ze waarschijnlijk bloksgewijs antwoorden" in chair
    # page 2: left column foot -> right column head; page 1 right column -> page 2 left column
    for sentence in ("Ik denk aan de nieuwe genomische technieken, die grote kansen bieden voor de sector.",
                     "Onze boeren, tuinders en akkerbouwers mogen dat ook best van ons horen."):
        assert sentence in minister.text
    # interruptions are turns of their own: the chair cuts in on the minister's introduction
    assert said[minister.seq + 1].startswith("Een ogenblik.")


def test_no_turn_mixes_the_two_columns(doc: Document, columns: list[tuple[int, list[Row]]]) -> None:
    """Lines set side by side on one baseline stay apart: page 2's left column, every line of which
    has a line of the right column beside it, reads on in its turn; and over the whole report the
    words on either side of a line break within a column's paragraph follow each other in the turns."""
    text = " ".join(" ".join(s.text.split()) for s in doc.speeches)
    assert ("Daarbij zijn boeren niet het probleem, maar ook de oplossing. Onze boeren zijn in staat om ons "
            "natuur en een versterking van de biodiversiteit te leveren en wíllen ook verduurzamen.") in text
    assert ("Tegelijkertijd zorgt Europese regelgeving ervoor dat we af en toe klem zitten, "
            "dat onze boeren klem zitten.") in text
    pairs = found = 0
    for _, rows in columns:
        body = rows[:-2]  # the two footer rows under each column
        for upper, lower in zip(body, body[1:], strict=False):
            step = lower[0]["bottom"] - upper[-1]["bottom"]
            head, tail = _text(upper).split(), _text(lower).split()
            if not 8 <= step <= 10.5 or len(head) < 3 or len(tail) < 3 or head[-1].endswith(("-", ":")):
                continue
            if any("Bold" in w["fontname"] for w in upper + lower):
                continue
            pairs += 1
            found += " ".join([*head[-2:], *tail[:2]]) in text
    assert pairs > 2000 and found / pairs >= 0.99


def test_no_running_footer_in_the_turns(doc: Document, columns: list[tuple[int, list[Row]]]) -> None:
    """The footer (two rows under each column: title, chamber, date, "TK 37", page mark) stays out."""
    footer = {_text(row) for _, rows in columns for row in rows[-2:]}
    marks = {t for t in footer if re.fullmatch(r"TK3737-4-\d+", t.replace(" ", ""))}
    assert len(marks) == 27  # one page mark a page: these rows are the footer
    text = "\n".join(s.text for s in doc.speeches)
    for line in footer:
        assert line not in text, line
    footers = [b.text for b in doc.blocks if b.kind == "footer"]
    assert len(footers) == 27 and all("1 februari 2024" in t and "Tweede Kamer" in t for t in footers)


def test_a_short_right_column_is_still_a_column() -> None:
    """Page 2 with its right column cut to its first twelve lines (as on a report's last page): the
    gutter is still found, and no line reads across it."""
    with pdfplumber.open(PDF) as pdf:
        lines, _ = read_lines(pdf.pages[1], 2)
    middle = 297.6
    cut = sorted({ln.baseline for ln in lines if ln.x1 > middle})[11]
    short = [Line(ln.page, ln.baseline, [w for w in ln.words if w.x1 < middle or ln.baseline <= cut])
             for ln in lines]
    ordered = column_order([ln for ln in short if ln.words])
    sides = [ln.x0 > middle for ln in ordered]
    assert all(ln.x1 < middle or ln.x0 > middle for ln in ordered)
    assert sides == sorted(sides) and sides.count(True) == 12  # the left column, then the right one
