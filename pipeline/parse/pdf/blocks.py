"""Rebuild body lines into blocks (paragraphs, headings, list items, signatures, labels) with
their text, page, bounding box and style, joining paragraphs that run on over a page break."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.model import Style
from pipeline.parse.pdf.hyphenation import Decision, WordCounts, breaks_word, is_line_end_break, join_broken
from pipeline.parse.pdf.lines import Line

#: A question or answer label on its own line: "Vraag 1", "Vraag 3, 4 en 5", "Antwoord op vraag 7 t/m 9".
LABEL = re.compile(r"^(Vraag|Antwoord|Vragen|Antwoorden)(\s+op\s+(de\s+)?vra(ag|gen))?\s+\d+[a-z]?"
                   r"((\s*(,|&|en|t/m|tot en met|[-–])\s*|\s+)\d+[a-z]?)*[.:]?$")
BULLET = re.compile(r"^([•·▪◦–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])$")
_ENDS_SENTENCE = re.compile(r"[.?!:;]['’”»)]?$")
_ENDS_ITEM = re.compile(r"[.?!:;,]['’”»)]?$")
PARAGRAPH_GAP = 1.45  # a baseline step above this many line pitches starts a new block
_HEAD_WORDS = 10  # a run-in speaker head ends with a colon within this many words
_PARTY = re.compile(r"^\([^()]*\):$")


@dataclass
class Geometry:
    """Measured once per document: the body text's size, line pitch and column."""

    body_size: float
    pitch: float
    left: float
    right: float

    @property
    def width(self) -> float:
        return max(self.right - self.left, 1.0)


@dataclass
class TextJoiner:
    """Joins lines into running text: markers out, notes linked, line-end hyphens resolved."""

    lexicon: WordCounts
    note_numbers: set[str]
    decisions: list[Decision] = field(default_factory=list)

    def _words(self, line: Line) -> tuple[list[str], list[str]]:
        texts, refs = [], []
        for word in line.words:
            linked = [m for m in word.markers if m in self.note_numbers]
            refs += linked
            if len(linked) < len(word.markers):
                texts.append(word.raw)
            elif not (word.raised and linked):  # a marker set apart from its word is no word
                texts.append(word.text)
        return [t for t in texts if t], refs

    def join(self, lines: list[Line]) -> tuple[str, list[str]]:
        out: list[str] = []
        refs: list[str] = []
        page = lines[0].page if lines else 0
        for line in lines:
            words, line_refs = self._words(line)
            refs += [r for r in line_refs if r not in refs]
            if out and words and breaks_word(out[-1], words[0]):
                head, tail = out.pop(), words[0]
                words[0] = join_broken(head, tail, self.lexicon, words[1:4])
                self.decisions.append(Decision(page, head, tail, words[0]))
            out += words
            page = line.page
        return " ".join(out), refs


def group_lines(lines: list[Line], geo: Geometry) -> list[list[Line]]:
    """Cut a page's body lines into blocks on blank lines, style changes, labels and indents."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _breaks(groups[-1], line, geo):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def opens_with_head(line: Line) -> bool:
    """Whether `line` opens with a run-in speaker head ("**De voorzitter:**", "De heer **Van Campen**
    (VVD):", "Minister **Adema**:"): capitalised words up to the first one ending in a colon, with a
    bold word among the first three and nothing after the last bold word but a parenthesis (the party)."""
    words = line.words
    end = next((i for i, w in enumerate(words[:_HEAD_WORDS]) if w.text.endswith(":")), None)
    if end is None or not words[0].text[:1].isupper():
        return False
    bold = [i for i, w in enumerate(words[:end + 1]) if w.bold and w.text.strip(":")]
    if not bold or bold[0] > 2:
        return False
    tail = " ".join(w.text for w in words[bold[-1] + 1:end + 1])
    return not tail or bool(_PARTY.match(tail))


def _starts_item(line: Line) -> bool:
    return len(line.words) > 1 and bool(BULLET.match(line.words[0].text))


def column_right(lines: list[Line], geo: Geometry) -> float:
    """The right edge of the column `lines` are set in: their own widest line, or the body's
    right edge when they span the body column."""
    right = max(ln.x1 for ln in lines)
    return max(right, geo.right) if right >= geo.left + 0.8 * geo.width else right


def ended_early(lines: list[Line], nxt: Line, geo: Geometry) -> bool:
    """Whether the last of `lines` ends a sentence and leaves room for the first word of `nxt`:
    ragged-right text only breaks a running line where the next word does not fit, so such a
    line is the end of its paragraph."""
    last = lines[-1]
    if not _ENDS_SENTENCE.search(last.text) or nxt.text[:1].islower():
        return False
    space = last.words[1].x0 - last.words[0].x1 if len(last.words) > 1 else 0.25 * last.size
    return _next_word_fits(last, nxt, space, column_right(lines, geo))


def _next_word_fits(last: Line, nxt: Line, space: float, right: float) -> bool:
    """Whether the first word of `nxt`, after `space`, would have fitted on `last` before `right`."""
    first = nxt.words[0]
    return last.x1 + space + (first.x1 - first.x0) < right - 0.5


def _columns_apart(x0: float, other_x0: float, geo: Geometry) -> bool:
    """Whether lines starting at these x stand in different columns of the page."""
    return abs(x0 - other_x0) > 0.25 * geo.width


def _heads_column_paragraph(group: list[Line], line: Line, geo: Geometry) -> bool:
    """Whether `line`, at the head of the next column, starts a paragraph rather than running on
    the one `group` ends the column with: a change of style or a bold run-in head (a speaker's
    "De voorzitter:") starts one, and so does a line that left room for the next word (the columns
    being of one width, the wider of the two lines measures it); a broken word runs on, and a
    full line is taken to run on."""
    prev = group[-1]
    if prev.bold != line.bold or prev.italic != line.italic or abs(prev.size - line.size) > 0.05 * line.size:
        return True
    if line.words[0].bold and not line.bold:
        return True
    if is_line_end_break(prev.text):
        return False
    width = max(ln.x1 - ln.x0 for ln in [*group, line])
    return _next_word_fits(prev, line, 0.25 * prev.size, min(ln.x0 for ln in group) + width)


def _breaks(group: list[Line], line: Line, geo: Geometry) -> bool:
    prev = group[-1]
    leading = geo.pitch * max(1.0, line.size / geo.body_size)  # a larger type is set with a larger leading
    if opens_with_head(line) or line.baseline - prev.baseline > PARAGRAPH_GAP * leading:
        return True
    if line.baseline < prev.baseline - 0.5 * geo.pitch:  # lines in reading order: the next column
        return _heads_column_paragraph(group, line, geo)
    if ended_early(group, line, geo):
        return True
    if LABEL.match(prev.text) or LABEL.match(line.text):
        return True
    if _starts_item(line) and (_ENDS_ITEM.search(prev.text) or _starts_item(group[0])):
        return True  # a dash after an unfinished sentence is a dash, not a bullet
    if prev.bold != line.bold or prev.italic != line.italic or abs(prev.size - line.size) > 0.05 * line.size:
        return True
    shift = line.x0 - prev.x0
    if abs(shift) <= 0.6 * line.size:
        return False
    if shift > 0 and _starts_item(group[0]):
        return False  # hanging indent of a list item
    return not (len(group) == 1 and -3 * line.size <= shift < 0)  # first-line indent


def _name_like(line: Line, geo: Geometry) -> bool:
    text = line.text
    return (len(text.split()) <= 5 and text[:1].isupper() and line.x1 - line.x0 < 0.6 * geo.width
            and not re.search(r"[.,;:?!]$|\d", text))


def kind_of(lines: list[Line], geo: Geometry) -> str:
    text = " ".join(ln.text for ln in lines)
    if LABEL.match(text):
        return "label"
    if len(lines) <= 4 and (all(ln.bold for ln in lines) or lines[0].size >= 1.15 * geo.body_size):
        return "heading"
    if _starts_item(lines[0]):
        return "list_item"
    if len(lines) >= 2 and lines[-2].text.endswith(",") and _name_like(lines[-1], geo):
        return "signature"
    if len(lines) <= 4 and all(_name_like(ln, geo) and len(ln.text.split()) <= 4 for ln in lines) and (
            len(lines) >= 2 or len(text.split()) >= 2):
        return "signature"
    return "paragraph"


def style_of(lines: list[Line], geo: Geometry) -> Style:
    words = [w for ln in lines for w in ln.words]
    chars = sum(len(w.text) for w in words) or 1
    fonts: dict[str, int] = {}
    for w in words:
        fonts[w.font] = fonts.get(w.font, 0) + len(w.text)
    return Style(
        bold=sum(len(w.text) for w in words if w.bold) * 2 > chars,
        italic=sum(len(w.text) for w in words if w.italic) * 2 > chars,
        indent=round(min(ln.x0 for ln in lines) - geo.left, 1),
        font_size=round(sorted(w.size for w in words)[len(words) // 2], 1),
        font=max(fonts, key=fonts.__getitem__),
    )


def bbox_of(lines: list[Line]) -> tuple[float, float, float, float]:
    return (round(min(ln.x0 for ln in lines), 1), round(min(ln.top for ln in lines), 1),
            round(max(ln.x1 for ln in lines), 1), round(max(ln.bottom for ln in lines), 1))


@dataclass
class Draft:
    """A block before its text is joined: its kind and lines (possibly over two pages); a
    table comes with its text (rows on lines, cells joined by " | ")."""

    kind: str
    lines: list[Line]
    text: str | None = None


def _other_column(prev: Draft, nxt: Draft, geo: Geometry) -> bool:
    """Whether the two blocks stand in different columns (a right column running on into the left
    column of the next page), where their indents cannot be compared."""
    return _columns_apart(min(ln.x0 for ln in prev.lines), min(ln.x0 for ln in nxt.lines), geo)


def run_on(prev: Draft, nxt: Draft, geo: Geometry, page_lines: Sequence[Line] = ()) -> bool | None:
    """Whether the first block of a page is the run-on of the last block of the previous page;
    None when only a full line ending a sentence tells them apart (the page's room decides).
    `page_lines`, the previous page's lines, measure the column when the block has one line."""
    if opens_with_head(nxt.lines[0]):
        return False
    dash_run_on = nxt.kind == "list_item" and not _ENDS_ITEM.search(prev.lines[-1].text)
    if prev.kind not in ("paragraph", "list_item") or not (nxt.kind in ("paragraph", "signature") or dash_run_on):
        return False
    a, b = style_of(prev.lines, geo), style_of(nxt.lines, geo)
    if a.bold != b.bold or a.italic != b.italic or abs(a.font_size - b.font_size) > 0.3:
        return False
    if abs(a.indent - b.indent) > 1.0 and prev.kind != "list_item" and not _other_column(prev, nxt, geo):
        return False
    last = prev.lines[-1]
    if is_line_end_break(last.text) or not _ENDS_SENTENCE.search(last.text) or nxt.lines[0].text[:1].islower():
        return True
    column = [ln for ln in page_lines if ln is not last and not _columns_apart(ln.x0, last.x0, geo)]
    if ended_early([*column, *(ln for ln in prev.lines if ln.page == last.page)], nxt.lines[0], geo):
        return False
    return None
