"""From a page's characters (read once) to words and lines with font, size, style and position.

Lines are grouped on the glyph baseline (the text matrix), so a superscript footnote marker,
set smaller on a raised baseline, is recognised as such and attached to the word it follows
instead of becoming a line of its own. A line is split where a wide horizontal gap separates
two runs of text (margin column beside body column, the identifier block beside the footer).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC = re.compile(r"italic|oblique|slanted|kursiv", re.IGNORECASE)
WORD_GAP = 0.15  # a gap wider than this many em separates two words
SEGMENT_GAP = 3.0  # a gap wider than this many em separates two runs of text on one baseline
SUP_RATIO = 0.85  # a superscript is at most this fraction of its line's size
FORCE_BOLD = 1 << 18  # the ForceBold flag of a font descriptor
HEAVY = 600  # a font descriptor's FontWeight from which the font is bold


def base_font(fontname: str) -> str:
    """The font name without its subset prefix: "FCIBLC+Univers" -> "Univers"."""
    return fontname.split("+", 1)[1] if "+" in fontname[:7] else fontname


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    markers: tuple[str, ...] = ()  # superscript digits set against this word
    raw: str = ""  # the text with the superscript digits left in place ("Kamer2,")
    raised: bool = False  # the whole word is a superscript (a marker or note label set apart)
    heavy: bool = False  # the font's descriptor says bold, whatever its name

    @property
    def bold(self) -> bool:
        return self.heavy or bool(_BOLD.search(self.font))

    @property
    def italic(self) -> bool:
        return bool(_ITALIC.search(self.font))


@dataclass(slots=True)
class Line:
    page: int
    baseline: float  # distance of the baseline from the top of the page
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        """The size most of the line is set in (a raised label or marker set apart does not count)."""
        words = [w for w in self.words if not w.raised] or self.words
        return Counter(round(w.size, 1) for w in words).most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if w.text.strip(".,;:"))

    @property
    def italic(self) -> bool:
        return sum(len(w.text) for w in self.words if w.italic) * 2 > len(self.text)


def _char_text(char: dict[str, Any]) -> str:
    text = char["text"]
    if text == "\u00ad":
        return "-"
    if len(text) > 1 or "\ufb00" <= text <= "\ufb4f":
        return unicodedata.normalize("NFKC", text)
    return text


def read_lines(page: Any, number: int) -> tuple[list[Line], int]:
    """All text lines of a pdfplumber page in reading order (top to bottom, left to right),
    and the number of characters seen. The page's characters are read exactly once; glyphs
    without a text mapping ("(cid:12)") and rotated text are left out."""
    seen = page.chars
    chars = [c for c in seen if c.get("upright", True) and not c["text"].startswith("(cid:")]
    if not chars:
        return [], len(seen)
    height = float(page.height) + float(page.bbox[1])
    rows = _baseline_rows(chars, height)
    rows = _attach_superscripts(rows)
    heavy = _heavy_fonts(page)
    lines: list[Line] = []
    for baseline, row in rows:
        lines += _split_words(number, baseline, row, heavy)
    lines.sort(key=lambda ln: (round(ln.baseline, 0), ln.x0))
    return lines, len(seen)


Row = tuple[float, list[tuple[dict[str, Any], bool]]]  # (baseline, [(char, is_superscript)])


def _baseline_rows(chars: list[dict[str, Any]], height: float) -> list[Row]:
    keyed = sorted(((height - c["matrix"][5], c["x0"], i) for i, c in enumerate(chars)))
    rows: list[Row] = []
    for baseline, _, i in keyed:
        char = chars[i]
        tolerance = max(1.0, 0.15 * char["size"])
        if rows and baseline - rows[-1][0] <= tolerance:
            rows[-1][1].append((char, False))
        else:
            rows.append((baseline, [(char, False)]))
    for _, row in rows:  # baselines within the tolerance may differ a little: order by x
        row.sort(key=lambda item: item[0]["x0"])
    return rows


def _row_size(row: Row) -> float:
    sizes = Counter(round(c["size"], 1) for c, _ in row[1] if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _attach_superscripts(rows: list[Row]) -> list[Row]:
    """Merge a short row of small characters set just above the next row into that row."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        baseline, row = rows[i]
        if i + 1 < len(rows) and _is_superscript_of((baseline, row), rows[i + 1]):
            below_base, below = rows[i + 1]
            merged = below + [(c, True) for c, _ in row]
            merged.sort(key=lambda item: item[0]["x0"])
            rows[i + 1] = (below_base, merged)
        else:
            out.append((baseline, row))
        i += 1
    return out


def _is_superscript_of(sup: Row, line: Row) -> bool:
    size, line_size = _row_size(sup), _row_size(line)
    if not size or size > SUP_RATIO * line_size:
        return False
    rise = line[0] - sup[0]
    if not 0.15 * line_size < rise <= 0.65 * line_size:
        return False
    if not all(c["text"].strip() == "" or c["text"].isalnum() or c["text"] in ",*" for c, _ in sup[1]):
        return False
    x0, x1 = line[1][0][0]["x0"], line[1][-1][0]["x1"]
    return all(x0 - line_size <= end and start <= x1 + 2 * line_size for start, end in _runs(sup[1], size))


def _runs(row: list[tuple[dict[str, Any], bool]], size: float) -> list[tuple[float, float]]:
    """The x extents of the runs of characters in `row` (split on spaces and word gaps): a note's
    label of any length ends at most an em before its text starts."""
    runs: list[tuple[float, float]] = []
    for char, _ in row:
        if not char["text"].strip():
            continue
        if runs and char["x0"] - runs[-1][1] <= WORD_GAP * size:
            runs[-1] = (runs[-1][0], char["x1"])
        else:
            runs.append((char["x0"], char["x1"]))
    return runs


def _heavy_fonts(page: Any) -> set[str]:
    """Names of the page's fonts that are bold by their descriptor (the ForceBold flag, or a weight
    of 600 or more), for bold fonts whose names do not say so ("F2", "Univers-65")."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    heavy: set[str] = set()
    fonts = resolve1((page.page_obj.resources or {}).get("Font")) or {}
    for ref in fonts.values() if isinstance(fonts, dict) else ():
        font = resolve1(ref)
        if not isinstance(font, dict):
            continue
        descendants = resolve1(font.get("DescendantFonts")) or [font]
        descriptor = resolve1(resolve1(descendants[0]).get("FontDescriptor")) if descendants else None
        if isinstance(descriptor, dict) and "BaseFont" in font and (
                int(resolve1(descriptor.get("Flags")) or 0) & FORCE_BOLD
                or float(resolve1(descriptor.get("FontWeight")) or 0) >= HEAVY):
            heavy.add(base_font(literal_name(font["BaseFont"])))
    return heavy


def _split_words(number: int, baseline: float, row: list[tuple[dict[str, Any], bool]],
                 heavy: set[str]) -> list[Line]:
    """Cut a baseline row into words (on spaces and gaps) and lines (on very wide gaps)."""
    lines = [Line(number, baseline)]
    size = max((c["size"] for c, sup in row if not sup), default=row[0][0]["size"])
    word: list[tuple[dict[str, Any], bool]] = []
    last_x1 = None
    for char, sup in row:
        text = char["text"]
        gap = char["x0"] - last_x1 if last_x1 is not None else 0.0
        if word and (text.isspace() or gap > WORD_GAP * size):
            lines[-1].words.append(_make_word(word, heavy))
            word = []
        if lines[-1].words and gap > SEGMENT_GAP * size:
            lines.append(Line(number, baseline))
        if not text.isspace():
            word.append((char, sup))
        last_x1 = max(char["x1"], last_x1 or 0.0) if not text.isspace() else char["x1"]
    if word:
        lines[-1].words.append(_make_word(word, heavy))
    return [ln for ln in lines if ln.words]


#: Spacing accents a typesetter may set over a letter as a glyph of their own ("c" + "´" for "ć").
_ACCENTS = dict(zip("´`¨ˆ˜¸ˇ˘˚˝˛¯˙", "\u0301\u0300\u0308\u0302\u0303\u0327\u030c\u0306\u030a\u030b\u0328\u0304\u0307",
                    strict=True))


def _composed(chars: list[tuple[dict[str, Any], bool]]) -> list[tuple[dict[str, Any], bool]]:
    """The word's characters with each spacing accent set over a neighbouring letter put on it."""
    out = list(chars)
    for i in range(len(out) - 1, -1, -1):
        accent = out[i][0]
        middle = (accent["x0"] + accent["x1"]) / 2
        if accent["text"] not in _ACCENTS:
            continue
        for j in (i - 1, i + 1):
            base = out[j][0] if 0 <= j < len(out) else None
            if base is not None and base["text"].isalpha() and base["x0"] <= middle <= base["x1"]:
                letter = unicodedata.normalize("NFC", base["text"] + _ACCENTS[accent["text"]])
                out[j] = ({**base, "text": letter}, out[j][1])
                del out[i]
                break
    return out


def _make_word(chars: list[tuple[dict[str, Any], bool]], heavy: set[str]) -> Word:
    chars = _composed(chars)
    main = [c for c, sup in chars if not sup] or [c for c, _ in chars]
    has_main = any(not sup for _, sup in chars)
    raw = "".join(_char_text(c) for c, _ in chars)
    if has_main:
        text = "".join(_char_text(c) for c, sup in chars if not (sup and c["text"].isdigit()))
    else:
        text = raw
    first = main[0]
    font = base_font(first["fontname"])
    return Word(
        text=text, x0=chars[0][0]["x0"], x1=chars[-1][0]["x1"],
        top=min(c["top"] for c in main), bottom=max(c["bottom"] for c in main),
        size=first["size"], font=font,
        markers=_markers(chars), raw=raw, raised=not has_main, heavy=font in heavy,
    )


def _markers(chars: list[tuple[dict[str, Any], bool]]) -> tuple[str, ...]:
    """Superscript runs in a word ("Kamer²,", "a¹²"): each maximal run of digits is one marker."""
    runs: list[str] = []
    previous_sup = False
    for char, sup in chars:
        if sup and char["text"].isdigit():
            if previous_sup and runs:
                runs[-1] += char["text"]
            else:
                runs.append(char["text"])
        previous_sup = sup
    return tuple(runs)
