"""Realistic Eerste Kamer papers as PDF, with their ground truth (reportlab).

The generator typesets a `PaperSpec` (header values, paragraphs with a role, footnotes marked
inline as ``[[n]]``) the way the official typesetting does (see docs/pdf-layout.md):
page-1 header, running footer, margin identifier block on page 1, notes at the foot of the page
with superscript markers, ragged-right body text hyphenated at line ends (soft breaks inside
words and breaks after real hyphens). A `Layout` varies typeface, sizes and positions; a `ColumnLayout` sets the body in columns
(Handelingen: two columns, the last page balanced), with bold speaker tags run in
(`Para.lead`). `handelingen_item` typesets a Handelingen item from its official XML. A spec may
carry a running header (wrapped to the column), and `site_paper` sets a paper as the chamber's own
site does: the chamber's name at the top of every page, the web address and page number at the
foot, no official header block or margin block.

`render(spec, layout, path)` writes the PDF and returns the truth: metadata, furniture, body
paragraphs (with role and Q&A pairing), footnotes and every line-end hyphenation with its
correct joined form, and for each page whether its first body line runs on a paragraph of the
page before. `python -m tests.support.papergen [DIR]` rebuilds the committed fixtures.
"""

from __future__ import annotations

import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.support.paths import GENERATED as FIXTURES
from tests.support.paths import OFFICIAL_XML, SEED_TEXT

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

MARKER = re.compile(r"\[\[(\d+)\]\]")
VOWELS = set("aeiouyáéíóúäëïöüèàâêîôû")
LETTERS = re.compile(r"^[^\W\d_]+$")
EDGE_PUNCT = "()«»,.;:?!’'\""


# --------------------------------------------------------------------------- typefaces


@dataclass(frozen=True)
class Typeface:
    regular: str
    bold: str
    italic: str

    def font(self, style: str) -> str:
        return {"regular": self.regular, "bold": self.bold, "italic": self.italic}[style]


def typeface(name: str) -> Typeface:
    """A typeface by short name: helvetica, times, dejavu-sans, dejavu-serif (TTF, embedded)."""
    builtin = {
        "helvetica": Typeface("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"),
        "times": Typeface("Times-Roman", "Times-Bold", "Times-Italic"),
    }
    if name in builtin:
        return builtin[name]
    files = {
        "dejavu-sans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"),
        "dejavu-serif": ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"),
    }[name]
    for font in files:
        if font not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(font, str(DEJAVU / f"{font}.ttf")))
    return Typeface(*files)


# --------------------------------------------------------------------------- layout and spec


@dataclass(frozen=True)
class Layout:
    """Everything that may differ between two typesettings of the same paper."""

    face: str = "helvetica"
    page_width: float = 595.0
    page_height: float = 842.0
    margin_x: float = 55.3
    body_x: float = 221.1
    body_right: float = 540.0
    top: float = 64.0
    body_size: float = 9.1
    leading: float = 10.7
    note_size: float = 7.2
    note_leading: float = 8.6
    note_hanging: float = 9.0  # note text offset from its number; 0 = continuation under the number
    note_rule: bool = False
    footer_baseline: float = 773.0
    margin_size: float = 5.9
    chamber_number_drop: float = 44.0  # baseline of the big chamber number below the page top margin
    question_style: str = "italic"  # "italic" or "indent": how the reply sets repeated questions
    question_indent: float = 0.0
    answer_indent: float = 0.0
    hyphen_min_gap: float = 22.0  # only hyphenate when at least this much room is left on the line
    space_glyphs: bool = True  # draw the spaces between words (else only leave the gap)
    word_space: float = 0.0  # extra gap between words (pt)

    @property
    def column_width(self) -> float:
        return self.body_right - self.body_x

    def column_lefts(self) -> list[float]:
        """Where each body column starts: one column at `body_x`."""
        return [self.body_x]

    def footer_left(self) -> float:
        return self.body_x


@dataclass(frozen=True)
class ColumnLayout(Layout):
    """The body frame (`body_x` to `body_right`) cut into `columns` columns with `gutter` between;
    the footer starts at the last column, clear of the margin block."""

    columns: int = 2
    gutter: float = 14.0

    @property
    def column_width(self) -> float:
        return (self.body_right - self.body_x - (self.columns - 1) * self.gutter) / self.columns

    def column_lefts(self) -> list[float]:
        return [self.body_x + i * (self.column_width + self.gutter) for i in range(self.columns)]

    def footer_left(self) -> float:
        return self.column_lefts()[-1]


@dataclass
class Para:
    """One paragraph; `kind` is the block kind, `role` its part in a Q&A reply."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | signature | label | list_item | table
    role: str = ""  # "" | question | answer
    qa: int = 0  # Q&A pair number (1-based) for questions and answers
    asked_by: str = ""
    new_page: bool = False
    lead: str = ""  # a run-in head set in bold at the start of `text` (a speaker tag, "De voorzitter:")
    repeat_head: bool = False  # a table: its first row set again at the top of each page it runs on to
    rules: str = "boxed"  # a table: "boxed" (every cell) or "open" (rules above and under the head row, below the last)


@dataclass
class PaperSpec:
    identifier: str
    kamer: str  # "Eerste Kamer"
    chamber_number: str
    vergaderjaar: str  # "2019–2020"
    dossier: str  # "27 925"
    dossier_title: str
    ondernummer: str  # "AA"
    doc_title: str  # "VERSLAG VAN EEN SCHRIFTELIJK OVERLEG"
    date_line: str  # "Vastgesteld 20 april 2020"
    place_year: str  # "’s-Gravenhage 2020"
    paras: list[Para]
    notes: dict[str, str] = field(default_factory=dict)
    issn: str = "ISSN 0921 - 7371"
    footer_format: str = ""  # the running footer with {page}; "" = the Kamerstukken footer
    running_header: str = ""  # set at the top of every page the official header leaves free
    official: bool = True  # KOOP's page-1 header and margin block; else the chamber's own site typesetting
    expected: dict[str, str] = field(default_factory=dict)  # the metadata a reader takes from it, where stated

    def typesetter(self, layout: Layout) -> Typesetter:
        """The typesetter that sets this kind of paper."""
        return Typesetter(self, layout)

    @property
    def footer(self) -> str:
        return self.footer_format or (
            f"{self.kamer}, vergaderjaar {self.vergaderjaar}, {self.dossier}, {self.ondernummer} {{page}}")


# --------------------------------------------------------------------------- words and breaking


@dataclass
class Piece:
    text: str
    sup: bool = False


@dataclass
class Word:
    pieces: list[Piece]
    style: str
    hyphen: dict[str, str] | None = None  # set on a line-end fragment

    @property
    def plain(self) -> str:
        return "".join(p.text for p in self.pieces if not p.sup)

    @property
    def markers(self) -> list[str]:
        return [p.text for p in self.pieces if p.sup]


@dataclass
class Line:
    words: list[Word]
    indent: float
    para: int  # index in spec.paras, -1 for note lines
    size: float
    first_of_para: bool = False
    note: str = ""  # note number on a note's first line
    cells: list[str] = field(default_factory=list)  # a table row: its cells, in ruled columns


def _parse_token(token: str, style: str) -> Word:
    pieces: list[Piece] = []
    pos = 0
    for m in MARKER.finditer(token):
        if m.start() > pos:
            pieces.append(Piece(token[pos:m.start()]))
        pieces.append(Piece(m.group(1), sup=True))
        pos = m.end()
    if pos < len(token):
        pieces.append(Piece(token[pos:]))
    return Word(pieces, style)


ONSETS = frozenset({
    "bl", "br", "dr", "fl", "fr", "gl", "gr", "kl", "kn", "kr", "pl", "pr", "sch", "schr", "sl", "sm",
    "sn", "sp", "spr", "st", "str", "sw", "tr", "tw", "vl", "vr", "wr", "zw",
})


def _units(low: str) -> list[tuple[int, bool]]:
    """(start, is_vowel) of each letter unit; "ij" counts as a vowel, "ch" as one consonant."""
    units: list[tuple[int, bool]] = []
    i = 0
    while i < len(low):
        pair = low[i:i + 2]
        units.append((i, low[i] in VOWELS))
        i += 2 if pair in ("ij", "ch") else 1
    return units


def soft_breaks(part: str) -> list[int]:
    """Dutch-like syllable break points inside one alphabetic part: before the longest onset of
    each consonant run between vowels (V-CV, C-C, "aan-slag"), never between two vowels."""
    if not LETTERS.match(part) or len(part) < 7:
        return []
    low = part.lower()
    units = _units(low)
    points = []
    for k in range(1, len(units) - 1):
        if not units[k - 1][1] or units[k][1]:
            continue  # a consonant run starts after a vowel at unit k
        end = k
        while end < len(units) and not units[end][1]:
            end += 1
        if end == len(units):
            break
        stop = units[end][0]
        split = next(units[j][0] for j in range(k, end)
                     if j == end - 1 or low[units[j][0]:stop] in ONSETS)
        if 3 <= split <= len(low) - 3:
            points.append(split)
    return points


def break_points(token: str) -> list[tuple[int, str]]:
    """(index, kind) where `token` may be broken at a line end: "hard" after a real hyphen, else "soft"."""
    lead = len(token) - len(token.lstrip(EDGE_PUNCT))
    core_end = len(token.rstrip(EDGE_PUNCT))
    points: list[tuple[int, str]] = []
    pos = lead
    for part in token[lead:core_end].split("-"):
        points += [(pos + i, "soft") for i in soft_breaks(part)]
        pos += len(part) + 1
        if pos < core_end and pos - 1 > lead + 1 and token[pos - 2].isalnum() and token[pos].isalnum():
            points.append((pos, "hard"))
    return sorted(points)


class Breaker:
    """Greedy ragged-right line breaking with hyphenation, recording every line-end break."""

    def __init__(self, face: Typeface, layout: Layout) -> None:
        self.face, self.layout = face, layout

    def width(self, word: Word, size: float) -> float:
        font = self.face.font(word.style)
        return sum(
            pdfmetrics.stringWidth(p.text, font, size * (0.62 if p.sup else 1.0)) for p in word.pieces
        ) + (pdfmetrics.stringWidth("-", font, size) if word.hyphen and word.hyphen["kind"] == "soft" else 0)

    def space(self, style: str, size: float) -> float:
        return pdfmetrics.stringWidth(" ", self.face.font(style), size) + self.layout.word_space

    def lines(self, text: str, style: str, size: float, width: float, bold_lead: int = 0) -> list[list[Word]]:
        """`text` broken into lines of at most `width`; its first `bold_lead` words set in bold."""
        words = [_parse_token(t, style) for t in text.split(" ") if t]
        for word in words[:bold_lead]:
            word.style = "bold"
        out: list[list[Word]] = []
        line: list[Word] = []
        used = 0.0
        space = self.space(style, size)
        for word in words:
            while True:
                w = self.width(word, size)
                gap = space if line else 0.0
                if used + gap + w <= width:
                    line.append(word)
                    used += gap + w
                    break
                head_tail = self._split(word, size, width - used - gap)
                if head_tail:
                    line.append(head_tail[0])
                    word = head_tail[1]
                out.append(line)
                line, used = [], 0.0
        if line:
            out.append(line)
        return out

    def _split(self, word: Word, size: float, room: float) -> tuple[Word, Word] | None:
        if word.markers or len(word.pieces) != 1 or room < self.layout.hyphen_min_gap:
            return None
        token = word.pieces[0].text
        points = break_points(token)
        hard_first = [p for p in points if p[1] == "hard"][::-1] + [p for p in points if p[1] == "soft"][::-1]
        for index, kind in hard_first:
            head = Word([Piece(token[:index])], word.style,
                        {"kind": kind, "prefix": token[:index] + ("-" if kind == "soft" else ""),
                         "suffix": token[index:], "joined": token.strip(EDGE_PUNCT)})
            if self.width(head, size) <= room:
                return head, Word([Piece(token[index:])], word.style)
        return None


# --------------------------------------------------------------------------- pagination and drawing


@dataclass
class Page:
    number: int
    top: float  # the first body baseline
    body: list[tuple[float, float, Line]] = field(default_factory=list)  # (column left, baseline, line)
    notes: list[str] = field(default_factory=list)


class Typesetter:
    """Lays a spec out on pages and draws it; collects the truth as it goes."""

    def __init__(self, spec: PaperSpec, layout: Layout) -> None:
        self.spec, self.layout = spec, layout
        self.face = typeface(layout.face)
        self.breaker = Breaker(self.face, layout)
        self.note_lines = {n: self._note_lines(n, t) for n, t in spec.notes.items()}

    # -- styles and lines

    def _para_style(self, para: Para) -> tuple[str, float]:
        lay = self.layout
        if para.kind == "heading":
            return "bold", 0.0
        if para.role == "question":
            return ("italic", lay.question_indent) if lay.question_style == "italic" else ("regular", lay.question_indent)
        if para.role == "answer":
            return "regular", lay.answer_indent
        return "regular", 0.0

    def _para_lines(self, index: int, para: Para) -> list[Line]:
        style, indent = self._para_style(para)
        width = self.layout.column_width - indent
        size = self.layout.body_size
        if para.kind == "table":  # one line a row ("\n"), cells split on " | "
            lines = [Line([], indent, index, size, cells=row.split(" | ")) for row in para.text.split("\n")]
            lines[0].first_of_para = True
            return lines
        if para.kind == "signature":  # function wrapped, the name on a line of its own
            function, _, name = para.text.rpartition(" | ")
            rows = self.breaker.lines(function, style, size, width) + [
                [_parse_token(t, style) for t in name.split(" ")]]
        elif para.kind == "list_item":  # hanging indent under the text, not the bullet
            hang = pdfmetrics.stringWidth(para.text.split(" ")[0] + " ", self.face.font(style), size)
            rows = self.breaker.lines(para.text, style, size, width - hang)
            lines = [Line(r, indent + (hang if i else 0.0), index, size) for i, r in enumerate(rows)]
            lines[0].first_of_para = True
            return lines
        else:
            rows = self.breaker.lines(para.text, style, size, width, len(para.lead.split()))
        lines = [Line(r, indent, index, size) for r in rows]
        lines[0].first_of_para = True
        return lines

    def _note_lines(self, number: str, text: str) -> list[Line]:
        lay = self.layout
        size = lay.note_size
        width = lay.body_right - lay.body_x - lay.note_hanging
        if not lay.note_hanging:  # the number is the note's first word, continuation under it
            text = f"{number} {text}"
        rows = self.breaker.lines(text, "regular", size, width)
        lines = [Line(r, lay.note_hanging, -1, size) for r in rows]
        lines[0].note = number
        return lines

    def _notes_height(self, notes: list[str]) -> float:
        if not notes:
            return 0.0
        return sum(len(self.note_lines[n]) for n in notes) * self.layout.note_leading + self.layout.leading

    # -- pagination

    def paginate(self, body_top_page1: float) -> list[Page]:
        """Fill the columns of each page in turn; the last page's columns are balanced."""
        lay = self.layout
        lefts = lay.column_lefts()
        pages = [Page(1, body_top_page1)]
        baseline, column = body_top_page1, 0
        for index, para in enumerate(self.spec.paras):
            lines = self._para_lines(index, para)
            if para.new_page and pages[-1].body:
                pages.append(Page(len(pages) + 1, lay.top + lay.body_size))
                baseline, column = pages[-1].top, 0
            elif pages[-1].body:
                baseline += lay.leading  # blank line between paragraphs
            keep = 3 if para.kind == "heading" else 1
            for n, line in enumerate(lines):
                page = pages[-1]
                markers = [m for w in line.words for m in w.markers if m in self.spec.notes]
                need = [*page.notes, *markers]
                reserve = (keep - 1) * lay.leading if n == 0 else 0.0
                limit = lay.footer_baseline - 2 * lay.leading - self._notes_height(need)
                if baseline + reserve > limit and page.body:
                    if column + 1 < len(lefts):
                        column, baseline = column + 1, page.top
                    else:
                        pages.append(Page(len(pages) + 1, lay.top + lay.body_size))
                        page = pages[-1]
                        baseline, column = page.top, 0
                    if n and para.repeat_head:
                        page.body.append((lefts[column], baseline, replace(lines[0], first_of_para=False)))
                        baseline += lay.leading
                page.body.append((lefts[column], baseline, line))
                page.notes += [m for m in markers if m not in page.notes]
                baseline += lay.leading
        if len(lefts) > 1:
            self._balance(pages[-1])
        return pages

    def _balance(self, page: Page) -> None:
        """Share the lines of `page` out over its columns so that they end at about the same
        height, a blank line between paragraphs except at the head of a column."""
        lay = self.layout
        lefts = lay.column_lefts()
        lines = [line for _, _, line in page.body]
        rows = len(lines) + sum(1 for line in lines[1:] if line.first_of_para)
        per_column = math.ceil(rows / len(lefts))
        page.body = []
        column, baseline, used = 0, page.top, 0
        for i, line in enumerate(lines):
            gap = int(i > 0 and line.first_of_para)
            heading_above = i > 0 and self.spec.paras[lines[i - 1].para].kind == "heading"
            if used + gap + 1 > per_column and column + 1 < len(lefts) and not heading_above:
                column, baseline, used, gap = column + 1, page.top, 0, 0
            baseline += gap * lay.leading
            page.body.append((lefts[column], baseline, line))
            baseline += lay.leading
            used += gap + 1

    # -- drawing

    def _draw_words(self, canvas: Canvas, x: float, baseline: float, words: list[Word], size: float) -> None:
        height = self.layout.page_height
        space = self.breaker.space("regular", size)
        for word in words:
            font = self.face.font(word.style)
            for piece in word.pieces:
                psize = size * (0.62 if piece.sup else 1.0)
                rise = size * 0.38 if piece.sup else 0.0
                canvas.setFont(font, psize)
                canvas.drawString(x, height - baseline + rise, piece.text)
                x += pdfmetrics.stringWidth(piece.text, font, psize)
            if word.hyphen and word.hyphen["kind"] == "soft":
                canvas.setFont(font, size)
                canvas.drawString(x, height - baseline, "-")
            elif self.layout.space_glyphs and word is not words[-1]:
                canvas.setFont(font, size)
                canvas.drawString(x, height - baseline, " ")
            x += space

    def _draw_row(self, canvas: Canvas, baseline: float, line: Line) -> None:
        """A table row: each cell in its column (the first, of labels, wider), boxed by rules
        shared with the rows around it; an open table has only horizontal rules, above and under
        its head row and under its last row."""
        lay = self.layout
        para = self.spec.paras[line.para]
        total = lay.body_right - lay.body_x
        widths = [0.4 * total] + [0.6 * total / (len(line.cells) - 1)] * (len(line.cells) - 1)
        top, bottom = lay.page_height - baseline + 0.75 * lay.leading, lay.page_height - baseline - 0.25 * lay.leading
        canvas.setLineWidth(0.5)
        if para.rules == "open":
            rows, row = para.text.split("\n"), " | ".join(line.cells)
            for y in [top] * (row == rows[0]) + [bottom] * (row in (rows[0], rows[-1])):
                canvas.line(lay.body_x, y, lay.body_right, y)
        x = lay.body_x
        for width, cell in zip(widths, line.cells, strict=True):
            if para.rules == "boxed":
                canvas.rect(x, bottom, width, top - bottom)
            self._text(canvas, x + 3, baseline, cell, "regular", line.size)
            x += width

    def _text(self, canvas: Canvas, x: float, baseline: float, text: str, style: str, size: float) -> None:
        canvas.setFont(self.face.font(style), size)
        canvas.drawString(x, self.layout.page_height - baseline, text)

    def _header(self, canvas: Canvas) -> tuple[float, list[str]]:
        """Draw the page-1 header; return the first body baseline and the header lines. A paper
        from the chamber's own site has no chamber block: its year line follows the running header."""
        lay, spec = self.layout, self.spec
        title_width = lay.body_right - lay.body_x
        if spec.official:
            self._text(canvas, lay.margin_x, lay.top + 18.1 * 0.85, f"{spec.kamer} der Staten-Generaal", "bold", 18.1)
            self._text(canvas, lay.page_width - lay.margin_x - 34, lay.top + lay.chamber_number_drop,
                       spec.chamber_number, "bold", 51.2)
            lines = [f"{spec.kamer} der Staten-Generaal", spec.chamber_number]
            baseline = lay.top + 72
        else:
            lines, baseline = [], lay.top + 4 * lay.leading
        if spec.vergaderjaar:  # a site paper may leave the year to its date
            self._text(canvas, lay.margin_x, baseline, f"Vergaderjaar {spec.vergaderjaar}", "regular", 9.6)
            lines.append(f"Vergaderjaar {spec.vergaderjaar}")
            baseline += 50 if spec.official else 3 * lay.leading
        for label, text, size in ((spec.dossier, spec.dossier_title, 12.3),
                                  (spec.ondernummer, spec.doc_title, lay.body_size)):
            if not text:
                continue
            self._text(canvas, lay.margin_x, baseline, label, "bold", size)
            title_x = lay.body_x
            if not spec.official:  # the site sets the number on a line of its own, the title under it
                baseline, title_x = baseline + size * 1.2, lay.margin_x
            rows = self.breaker.lines(text, "bold", size, title_width)
            for row in rows:
                self._draw_words(canvas, title_x, baseline, row, size)
                baseline += size * 1.2
            lines.append(f"{label} {text}".strip())
            baseline += 3 * lay.leading if size > lay.body_size else 0
        if spec.date_line:  # a letter may carry its date in the body only
            self._text(canvas, lay.body_x, baseline, spec.date_line, "regular", lay.body_size)
            lines.append(spec.date_line)
        return baseline + 2 * lay.leading, lines

    def _running_header(self, page: int) -> list[list[Word]]:
        """The running header's lines on `page` (wrapped to the column), none where the official
        page-1 header stands."""
        if not self.spec.running_header or (page == 1 and self.spec.official):
            return []
        text = self.spec.running_header.format(page=page)
        return self.breaker.lines(text, "regular", self.layout.body_size, self.layout.column_width)

    def _furniture(self, canvas: Canvas, page: Page) -> None:
        lay = self.layout
        for i, row in enumerate(self._running_header(page.number)):
            self._draw_words(canvas, lay.body_x, lay.top - 2 * lay.leading + i * lay.leading, row, lay.body_size)
        footer = self.spec.footer.format(page=page.number)
        self._text(canvas, lay.footer_left(), lay.footer_baseline, footer, "regular", lay.body_size)
        if page.number == 1 and self.spec.official:
            size = lay.margin_size
            for i, text in enumerate((self.spec.identifier, self.spec.issn, self.spec.place_year)):
                self._text(canvas, lay.margin_x, lay.footer_baseline - 2 * size * 1.1 + i * size * 1.1,
                           text, "regular", size)

    def _notes(self, canvas: Canvas, page: Page) -> None:
        lay = self.layout
        count = sum(len(self.note_lines[n]) for n in page.notes)
        baseline = lay.footer_baseline - 2 * lay.leading - (count - 1) * lay.note_leading
        if lay.note_rule and page.notes:
            y = lay.page_height - baseline + lay.note_leading + 2
            canvas.setLineWidth(0.4)
            canvas.line(lay.body_x, y, lay.body_x + 60, y)
        for number in page.notes:
            for line in self.note_lines[number]:
                if line.note and lay.note_hanging:
                    self._text(canvas, lay.body_x, baseline, line.note, "regular", lay.note_size)
                self._draw_words(canvas, lay.body_x + line.indent, baseline, line.words, lay.note_size)
                baseline += lay.note_leading

    def render(self, path: Path) -> dict[str, Any]:
        lay = self.layout
        canvas = Canvas(str(path), pagesize=(lay.page_width, lay.page_height), invariant=1)
        canvas.setTitle(self.spec.identifier)
        canvas.setCreator("tests.support.papergen")
        probe = Canvas("/dev/null", pagesize=(lay.page_width, lay.page_height))
        body_top, header_lines = self._header(probe)
        pages = self.paginate(body_top)
        for page in pages:
            if page.number == 1:
                self._header(canvas)
            for left, baseline, line in page.body:
                if line.cells:
                    self._draw_row(canvas, baseline, line)
                self._draw_words(canvas, left + line.indent, baseline, line.words, line.size)
            self._notes(canvas, page)
            self._furniture(canvas, page)
            canvas.showPage()
        canvas.save()
        return self._truth(pages, header_lines)

    # -- truth

    def _truth(self, pages: list[Page], header_lines: list[str]) -> dict[str, Any]:
        spec = self.spec
        first_page: dict[int, int] = {}
        hyphenations: list[dict[str, Any]] = []
        note_page: dict[str, int] = {}
        for page in pages:
            for _, _, line in page.body:
                first_page.setdefault(line.para, page.number)
                hyphenations += [{**w.hyphen, "page": page.number, "where": "body"}
                                 for w in line.words if w.hyphen]
            for number in page.notes:
                note_page[number] = page.number
                hyphenations += [{**w.hyphen, "page": page.number, "where": "footnote"}
                                 for line in self.note_lines[number] for w in line.words if w.hyphen]
        paragraphs = []
        for index, para in enumerate(spec.paras):
            refs = [m for m in MARKER.findall(para.text) if m in spec.notes]
            paragraphs.append({
                "text": para.text if para.kind == "table" else clean(para.text), "kind": para.kind, "role": para.role, "qa": para.qa,
                "page": first_page[index], "footnote_refs": refs,
                **({"lead": para.lead} if para.lead else {}),
            })
        return {
            "identifier": spec.identifier,
            "metadata": {
                "identifier": spec.identifier, "kamer": spec.kamer,
                "vergaderjaar": spec.vergaderjaar.replace("–", "-"),
                "dossier": spec.dossier.replace(" ", ""), "ondernummer": spec.ondernummer,
                "title": spec.dossier_title, "doc_title": spec.doc_title, "date_line": spec.date_line,
                **({"expected": spec.expected} if spec.expected else {}),
            },
            "pages": len(pages),
            "header": header_lines + [" ".join(w.plain for row in rows for w in row)
                                      for p in pages if (rows := self._running_header(p.number))],
            "footers": [spec.footer.format(page=p.number) for p in pages],
            "margin": [spec.identifier, spec.issn, spec.place_year] if spec.official else [],
            "paragraphs": paragraphs,
            "body_text": "\n\n".join(p["text"] for p in paragraphs),
            "footnotes": [{"number": n, "page": note_page[n], "text": spec.notes[n]}
                          for n in sorted(note_page, key=int)],
            "hyphenations": hyphenations,
            "page_breaks": [{"page": p.number, "continues": not p.body[0][2].first_of_para}
                            for p in pages[1:] if p.body],
            "qa": _qa_pairs(spec.paras),
            "layout": asdict(self.layout),
        }


def clean(text: str) -> str:
    """Paragraph text as a reader sees it: markers removed, signature separator as a space."""
    return MARKER.sub("", text).replace(" | ", " ")


def _qa_pairs(paras: list[Para]) -> list[dict[str, Any]]:
    pairs: dict[int, dict[str, Any]] = {}
    for index, para in enumerate(paras):
        if para.role in ("question", "answer"):
            pair = pairs.setdefault(para.qa, {"seq": para.qa, "asked_by": para.asked_by,
                                              "question": [], "answer": []})
            pair[para.role].append(index)
    return [pairs[k] for k in sorted(pairs)]


def render(spec: PaperSpec, layout: Layout, path: Path) -> dict[str, Any]:
    """Write `spec` typeset with `layout` to `path`; return the ground truth."""
    return spec.typesetter(layout).render(path)


# --------------------------------------------------------------------------- the seed paper


_SEED_JOINS_KEEP = ("Coalitie",)  # line-end hyphens in the seed that are real (besides Capital-after)
_NOTE_START = re.compile(r"^(\d+) (Samenstelling|Kamerstukken|idem)")
_FOOTER = re.compile(r"^Eerste Kamer, vergaderjaar \d{4}–\d{4}, [\d ]+, [A-Z]+ \d+$")


def _seed_join(lines: list[str]) -> str:
    """Join seed lines into one paragraph, undoing the seed's own line-end hyphenation."""
    text = ""
    for line in lines:
        line = line.strip()
        if text.endswith("-"):
            head = text.rsplit(" ", 1)[-1][:-1]
            keep = line[:1].isupper() and not head.isupper() or head.endswith(_SEED_JOINS_KEEP)
            text = text if keep else text[:-1]
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def read_seed(path: Path = SEED_TEXT) -> tuple[list[list[str]], dict[str, str]]:
    """The seed text as paragraphs (lists of lines, markers as [[n]]) and its notes.

    The seed is a plain extraction: page starts are lines with a leading space, notes and the
    running footer sit between pages, and a blank line after a superscript marker is no break.
    """
    paragraphs: list[list[str]] = []
    notes: dict[str, list[str]] = {}
    current: list[str] = []
    in_note = ""
    pending_break = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        start = _NOTE_START.match(line)
        if start:
            in_note = start.group(1)
            notes[in_note] = [line.partition(" ")[2]]
            pending_break = False
            continue
        if in_note and line and not raw.startswith(" "):
            notes[in_note].append(line)
            continue
        in_note = ""
        if not line or _FOOTER.match(line):
            pending_break = pending_break or bool(line == "" and current)
            continue
        line = re.sub(r"(?<=[a-z.])(\d)(?=[ ,]|$)", r"[[\1]]", line)
        ends_sentence = bool(current) and current[-1].rstrip().endswith((".", "?", "Luijk", "Apeldoorn"))
        if raw.startswith(" "):
            brk = ends_sentence and not line[0].islower()
        else:
            brk = pending_break and not line[0].islower() and not current[-1].rstrip().endswith("]]")
        if brk and current:
            paragraphs.append(current)
            current = []
        pending_break = False
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs, {n: _seed_join(lines) for n, lines in notes.items()}


def _same_words(a: str, b: str) -> bool:
    norm = [re.sub(r"\W+", " ", clean(x)).split() for x in (a, b)]
    return norm[0] == norm[1]


def kst_27925_aa(seed: Path = SEED_TEXT) -> PaperSpec:
    """The seed paper (27 925, AA): report, committee letter, and the reply repeating each question."""
    raw, notes = read_seed(seed)
    texts = [_seed_join(p) for p in raw]
    paras: list[Para] = []
    letter: list[str] = []
    section = "intro"
    qa = 0
    for text in texts:
        if text.startswith("BRIEF VAN DE VOORZITTER"):
            section = "letter"
            paras.append(Para(text, "heading", new_page=True))
            continue
        if text.startswith("Het kabinet dankt"):
            section = "reply"
            paras.append(Para(text, new_page=True))
            continue
        if section == "letter":
            letter.append(text)
        signature = re.match(r"^(De (griffier|voorzitter) .*,) (Van \w+)$", text)
        if signature:
            paras.append(Para(f"{signature.group(1)} | {signature.group(3)}", "signature"))
        elif section == "reply" and any(_same_words(text, q) for q in letter):
            if paras[-1].role != "question":
                qa += 1
            paras.append(Para(text, role="question", qa=qa, asked_by="SP"))
        elif section == "reply":
            paras.append(Para(text, role="answer", qa=qa, asked_by="SP"))
        else:
            paras.append(Para(text))
    # The reply's repeated question carries a note of its own (numbering continues).
    for para in paras:
        if para.role == "question" and "Kamer[[1]]," in para.text:
            para.text = para.text.replace("Kamer[[1]],", "Kamer[[6]],")
    notes["6"] = notes["2"]
    return PaperSpec(
        identifier="kst-27925-AA", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2019–2020",
        dossier="27 925", dossier_title="Bestrijding internationaal terrorisme", ondernummer="AA",
        doc_title="VERSLAG VAN EEN SCHRIFTELIJK OVERLEG", date_line="Vastgesteld 20 april 2020",
        place_year="’s-Gravenhage 2020", paras=paras, notes=notes,
    )


LAYOUT_A = Layout()
LAYOUT_B = Layout(
    face="times", margin_x=48.0, body_x=205.0, body_right=548.0, top=58.0, body_size=10.0,
    leading=12.0, note_size=7.8, note_leading=9.2, note_hanging=0.0, note_rule=True,
    footer_baseline=790.0, margin_size=6.2, question_style="indent", question_indent=18.0,
    hyphen_min_gap=16.0, space_glyphs=False, word_space=1.0,
)
LAYOUT_C = Layout(
    face="dejavu-sans", margin_x=60.0, body_x=230.0, body_right=535.0, top=70.0, body_size=8.6,
    leading=10.2, note_size=6.8, note_leading=8.0, note_hanging=8.0, footer_baseline=768.0,
    question_style="italic", answer_indent=0.0, hyphen_min_gap=26.0,
)


LAYOUT_D = Layout(
    face="times", margin_x=52.0, body_x=212.0, body_right=545.0, top=62.0, body_size=9.6,
    leading=11.4, note_size=7.4, note_leading=8.8, note_hanging=10.0, footer_baseline=780.0,
    margin_size=6.0, hyphen_min_gap=20.0, chamber_number_drop=18.1 * 0.85,  # on the chamber name's baseline
)


LAYOUT_NARROW = Layout(
    face="dejavu-serif", margin_x=40.0, body_x=250.0, body_right=500.0, top=54.0, body_size=8.8,
    leading=11.0, note_size=7.0, note_leading=8.4, note_hanging=7.0, footer_baseline=800.0,
    margin_size=5.6, question_style="indent", question_indent=12.0, hyphen_min_gap=8.0,
)


LAYOUT_TIGHT = replace(LAYOUT_A, body_right=489.0)  # a page ends a paragraph with a line of room left

#: The chamber's own site typesetting: a serif face, larger and more loosely set, a narrow margin column.
LAYOUT_SITE = Layout(
    face="dejavu-serif", margin_x=70.0, body_x=150.0, body_right=525.0, top=90.0, body_size=9.8,
    leading=12.2, note_size=7.6, note_leading=9.0, note_hanging=9.0, footer_baseline=790.0,
    question_style="indent", question_indent=14.0, hyphen_min_gap=18.0,
)


def site_paper(spec: PaperSpec) -> PaperSpec:
    """`spec` as the chamber's site publishes it: "Eerste Kamer der Staten-Generaal" at the top of
    every page, the web address and page number at the foot, no official header block or margin."""
    return replace(spec, official=False, running_header=f"{spec.kamer} der Staten-Generaal",
                   vergaderjaar=spec.vergaderjaar.replace("–", "-"), footer_format="www.eerstekamer.nl {page}")


def memorie_van_antwoord() -> PaperSpec:
    """A composed memorie van antwoord: numbered headings, questions per fractie set in the
    layout's question style with the answers after them, a list, notes and a signature."""
    q, a = "question", "answer"
    paras = [
        Para("1. Inleiding", "heading"),
        Para("De regering dankt de leden van de fracties van VVD, GroenLinks-PvdA en SP voor hun "
             "inbreng in het voorlopig verslag[[1]] over het wetsvoorstel tot wijziging van de Wet "
             "publieke gezondheid. In deze memorie van antwoord worden de vragen beantwoord in de "
             "volgorde van het verslag; waar vragen samenhangen, worden zij gezamenlijk beantwoord."),
        Para("2. Vragen van de fracties", "heading"),
        Para("De leden van de VVD-fractie vragen hoe de regering de verhouding ziet tussen de "
             "bevoegdheden van de burgemeester en die van de voorzitter van de veiligheidsregio bij "
             "de bestrijding van een epidemie van een infectieziekte behorend tot groep A. Zij vragen "
             "tevens of de beperktere reikwijdte van de noodbevoegdheden voldoende rechtszekerheid "
             "biedt aan gemeenten en inwoners.", role=q, qa=1, asked_by="VVD"),
        Para("De bevoegdheden van de burgemeester blijven ongewijzigd. Bij een epidemie van een "
             "infectieziekte behorend tot groep A draagt de voorzitter van de veiligheidsregio zorg "
             "voor de uitvoering van de maatregelen die bij ministeriële regeling worden vastgesteld. "
             "De beperktere reikwijdte van de noodbevoegdheden is een bewuste keuze: maatregelen "
             "worden vooraf in de wet genormeerd en de Kamers worden bij iedere verlenging betrokken[[2]].",
             role=a, qa=1, asked_by="VVD"),
        Para("De leden van de GroenLinks-PvdA-fractie vragen welke waarborgen de regering voorziet "
             "voor de parlementaire betrokkenheid bij de inzet van maatregelen en of de "
             "zogenoemde voorhangprocedure ook voor de Eerste Kamer geldt.", role=q, qa=2,
             asked_by="GroenLinks-PvdA"),
        Para("De wet voorziet in drie waarborgen voor de parlementaire betrokkenheid:", role=a, qa=2,
             asked_by="GroenLinks-PvdA"),
        Para("– een voorhangprocedure van een week voor iedere ministeriële regeling waarin een "
             "maatregel wordt aangewezen, tegenover beide Kamers;", "list_item", role=a, qa=2,
             asked_by="GroenLinks-PvdA"),
        Para("– een vervaltermijn van drie maanden, waarna een maatregel alleen bij wet kan worden "
             "verlengd;", "list_item", role=a, qa=2, asked_by="GroenLinks-PvdA"),
        Para("– een rapportageverplichting van de Minister van Volksgezondheid, Welzijn en Sport over "
             "de noodzaak en de proportionaliteit van de maatregelen[[3]].", "list_item", role=a, qa=2,
             asked_by="GroenLinks-PvdA"),
        Para("De leden van de SP-fractie vragen of de regering bereid is de Kamer periodiek te "
             "informeren over de uitvoering door de GGD-regio’s, mede in het licht van de "
             "NAVO-afspraken over civiele paraatheid en de anti-COVID-maatregelen van de afgelopen "
             "jaren.", role=q, qa=3, asked_by="SP"),
        Para("Ja. De regering informeert beide Kamers halfjaarlijks over de uitvoering door de "
             "GGD-regio’s, over de civiele paraatheid in NAVO-verband en over de lessen uit de "
             "bestrijding van de coronapandemie. De eerste voortgangsrapportage verschijnt in het "
             "najaar; daarin wordt ook ingegaan op de samenwerking met de veiligheidsregio’s en op "
             "de Wet publieke gezondheid als geheel.", role=a, qa=3, asked_by="SP"),
        Para("De Minister van Volksgezondheid, Welzijn en Sport, | E.J. Kuipers", "signature"),
    ]
    notes = {
        "1": "Kamerstukken I, 2022–2023, 36 112, B",
        "2": "Zie ook het advies van de Afdeling advisering van de Raad van State, Kamerstukken II, "
             "2021–2022, 36 112, nr. 4, en de nota naar aanleiding van het verslag aan de Tweede Kamer.",
        "3": "Artikel 58s van de Wet publieke gezondheid",
    }
    return PaperSpec(
        identifier="kst-36112-C", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2022–2023",
        dossier="36 112", dossier_title="Wijziging van de Wet publieke gezondheid in verband met de "
        "bestrijding van infectieziekten behorend tot groep A", ondernummer="C",
        doc_title="MEMORIE VAN ANTWOORD", date_line="Ontvangen 14 maart 2023",
        place_year="’s-Gravenhage 2023", paras=paras, notes=notes,
    )


def brief() -> PaperSpec:
    """A composed letter from a minister to the Eerste Kamer."""
    paras = [
        Para("Aan de Voorzitter van de Eerste Kamer der Staten-Generaal"),
        Para("Den Haag, 12 mei 2020"),
        Para("Tijdens het schriftelijk overleg over de Nederlandse bijdrage aan de anti-ISIS coalitie[[1]] "
             "heb ik toegezegd uw Kamer te informeren over de hervatting van de trainingsactiviteiten in "
             "Irak. Met deze brief kom ik die toezegging na, mede namens de Minister van Defensie."),
        Para("In verband met de COVID-19 uitbraak zijn de trainingsactiviteiten van de anti-ISIS coalitie "
             "in de omgeving van Erbil en in Bagdad tijdelijk stilgelegd. Na het einde van de ramadan "
             "zijn de activiteiten stapsgewijs hervat, met inachtneming van de maatregelen die de "
             "Iraakse autoriteiten en de coalitie hebben getroffen ter bescherming van het personeel. "
             "De NAVO-missie in Irak heeft haar trainingsactiviteiten eveneens hervat."),
        Para("Het kabinet blijft de veiligheidssituatie nauwgezet volgen. De inschatting van de "
             "commandant van de coalitie in Bagdad is daarbij leidend. Zodra er sprake is van "
             "fundamentele wijzigingen in de inzet, worden beide Kamers nader geïnformeerd, zoals "
             "toegezegd in de artikel 100-brief van 18 oktober 2019[[2]]."),
        Para("De Minister van Buitenlandse Zaken, | S.A. Blok", "signature"),
    ]
    notes = {
        "1": "Kamerstukken I, 2019–2020, 27 925, AA",
        "2": "Kamerstukken II, 2019–2020, 27 925, nr. 662",
    }
    return PaperSpec(
        identifier="kst-27925-AB", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2019–2020",
        dossier="27 925", dossier_title="Bestrijding internationaal terrorisme", ondernummer="AB",
        doc_title="BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN", date_line="Ontvangen 12 mei 2020",
        place_year="’s-Gravenhage 2020", paras=paras, notes=notes,
    )


def brief_met_tabel() -> PaperSpec:
    """A composed letter with a ruled table of figures between its paragraphs."""
    paras = [
        Para("Aan de Voorzitter van de Eerste Kamer der Staten-Generaal"),
        Para("Den Haag, 3 juni 2020"),
        Para("Hierbij informeer ik uw Kamer over de uitgaven voor de Nederlandse bijdrage aan de "
             "anti-ISIS coalitie[[1]] in de jaren 2018 tot en met 2020. De onderstaande tabel geeft de "
             "uitgaven per onderdeel, in miljoenen euro."),
        Para("Onderdeel | 2018 | 2019 | 2020\nTrainingsmissie | 12,4 | 14,1 | 9,8\n"
             "NAVO-missie Irak | 3,2 | 4,5 | 5,0\nStabilisatie en wederopbouw | 21,0 | 18,7 | 16,3\n"
             "Totaal | 36,6 | 37,3 | 31,1", "table"),
        Para("De lagere uitgaven in 2020 zijn het gevolg van de tijdelijke stillegging van de "
             "trainingsactiviteiten in verband met de COVID-19 uitbraak. Ik zal uw Kamer bij de "
             "eerstvolgende voortgangsrapportage nader informeren."),
        Para("De Minister van Buitenlandse Zaken, | S.A. Blok", "signature"),
    ]
    return PaperSpec(
        identifier="kst-27925-AC", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2019–2020",
        dossier="27 925", dossier_title="Bestrijding internationaal terrorisme", ondernummer="AC",
        doc_title="BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN", date_line="Ontvangen 3 juni 2020",
        place_year="’s-Gravenhage 2020", paras=paras, notes={"1": "Kamerstukken I, 2019–2020, 27 925, AB"},
    )


def brief_met_open_tabel() -> PaperSpec:
    """The letter with a table, its table set open: ruled only above and under the head row and
    under the last row, as many official papers set their tables."""
    base = brief_met_tabel()
    return replace(base, identifier="kst-27925-AE", ondernummer="AE",
                   paras=[replace(p, rules="open") if p.kind == "table" else p for p in base.paras])


MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def _spending_per_month() -> str:
    """A table of the spending per month in 2017 to 2020 (millions of euro, made up but fixed), its
    head row first."""
    rows = ["Maand | Training | NAVO | Stabilisatie"]
    for i in range(48):
        figures = (1.0 + i * 7 % 5 / 10, 0.3 + i * 3 % 4 / 10, 1.6 + i * 5 % 7 / 10)
        rows.append(f"{MONTHS[i % 12]} {2017 + i // 12} | " + " | ".join(f"{f:.1f}".replace(".", ",") for f in figures))
    return "\n".join(rows)


def brief_met_lange_tabel() -> PaperSpec:
    """The letter with a table, its table now of the spending per month: too long for the page, it
    runs on to the next, where its head row is set again."""
    base = brief_met_tabel()
    intro = Para("Hierbij informeer ik uw Kamer over de uitgaven voor de Nederlandse bijdrage aan de "
                 "anti-ISIS coalitie[[1]] in de jaren 2017 tot en met 2020. De onderstaande tabel geeft de "
                 "uitgaven per maand en per onderdeel, in miljoenen euro.")
    table = Para(_spending_per_month(), "table", repeat_head=True)
    return replace(base, identifier="kst-27925-AD", ondernummer="AD", paras=[*base.paras[:2], intro, table, *base.paras[4:]])


HANDELINGEN_XML = OFFICIAL_XML / "h-ek-20202021-1-1.xml"

#: Handelingen as KOOP sets them: A4, the body in two columns across the page, the running
#: footer in the right column beside the identifier block.
LAYOUT_HANDELINGEN = ColumnLayout(
    face="helvetica", margin_x=55.3, body_x=55.3, body_right=540.0, top=64.0, body_size=9.1,
    leading=10.7, footer_baseline=773.0, gutter=14.2,
)


def _words(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _speaker_tag(spreker: ET.Element) -> str:
    """ "De heer Van Apeldoorn (SP):", "De voorzitter:" from a spreker element."""
    party = _words(spreker.find("politiek"))
    parts = [_words(spreker.find("voorvoegsels")), _words(spreker.find("naam")), f"({party})" if party else ""]
    return " ".join(p for p in parts if p) + ":"


def _tekst_paras(tekst: ET.Element, tag: str) -> list[Para]:
    """One paragraph per al, an al-groep as one paragraph; the speaker's tag runs in before the first."""
    paras = [Para(" ".join(_words(al) for al in child.iter("al")) if child.tag == "al-groep" else _words(child))
             for child in tekst if child.tag in ("al", "al-groep")]
    if tag and paras:
        paras[0] = Para(f"{tag} {paras[0].text}", lead=tag)
    return paras


def handelingen_item(path: Path = HANDELINGEN_XML) -> PaperSpec:
    """A Handelingen item typeset from its official XML, word for word: the sitting in the
    page-1 header, the item title as a heading, every al a paragraph (an al-groep one), each
    turn opening with the speaker's tag in bold, and the running footer
    "Eerste Kamer <item> <date> EK <sitting> <sitting>-<page>"."""
    root = ET.parse(path).getroot()
    sitting, item = root.find(".//vergadering"), root.find(".//agendapunt")
    assert sitting is not None and item is not None, f"{path}: no vergadering or agendapunt"
    number = _words(sitting.find("vergadering-nummer"))
    day = _words(sitting.find("vergaderdatum"))
    title = _words(item.find("item-titel"))
    paras = [Para(title, "heading")]
    for child in item:
        if child.tag == "tekst":
            paras += _tekst_paras(child, "")
        elif child.tag == "spreekbeurt" and (spreker := child.find("spreker")) is not None:
            paras += _tekst_paras(child.find("tekst") or ET.Element("tekst"), _speaker_tag(spreker))
    first, second = re.search(r"-(\d{4})(\d{4})-", path.stem).groups()  # type: ignore[union-attr]
    return PaperSpec(
        identifier=path.stem, kamer="Eerste Kamer", chamber_number="1", vergaderjaar=f"{first}–{second}",
        dossier="", dossier_title="", ondernummer="", doc_title="Handelingen",
        date_line=f"{number} {day} {_words(sitting.find('vergadertijd'))}", place_year=f"’s-Gravenhage {day[-4:]}",
        paras=paras, footer_format=f"Eerste Kamer {title} {day.partition(' ')[2]} EK {number} {number}-{{page}}",
    )


def build_fixtures(outdir: Path = FIXTURES) -> dict[str, dict[str, Any]]:
    """(Re)build every committed generated paper and its truth JSON (also those of `sitegen`)."""
    from tests.support.sitegen import site_fixtures  # sitegen builds on this module

    outdir.mkdir(parents=True, exist_ok=True)
    papers = {
        "kst-27925-AA": (kst_27925_aa(), LAYOUT_A),
        "kst-27925-AA-variant": (replace(kst_27925_aa(), identifier="kst-27925-AA"), LAYOUT_B),
        "kst-27925-AA-narrow": (kst_27925_aa(), LAYOUT_NARROW),
        "kst-27925-AA-tight": (kst_27925_aa(), LAYOUT_TIGHT),
        "kst-27925-AA-site": (site_paper(kst_27925_aa()), LAYOUT_SITE),
        "kst-36112-C": (memorie_van_antwoord(), LAYOUT_C),
        "kst-27925-AB": (brief(), LAYOUT_D),
        "kst-27925-AC": (brief_met_tabel(), LAYOUT_A),
        "kst-27925-AD": (brief_met_lange_tabel(), LAYOUT_A),
        "kst-27925-AE": (brief_met_open_tabel(), LAYOUT_A),
        "h-ek-20202021-1-1": (handelingen_item(), LAYOUT_HANDELINGEN),
        **site_fixtures(),
    }
    truths = {}
    for name, (spec, layout) in papers.items():
        truth = render(spec, layout, outdir / f"{name}.pdf")
        (outdir / f"{name}.truth.json").write_text(
            json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        truths[name] = truth
    return truths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES
    for name, truth in build_fixtures(target).items():
        print(f"{name}: {truth['pages']} pages, {len(truth['paragraphs'])} paragraphs, "
              f"{len(truth['footnotes'])} notes, {len(truth['hyphenations'])} hyphenations")
