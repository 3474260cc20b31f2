"""Page furniture: the page-1 header, the running footer and the margin identifier block.

Found by position relative to the page's own text (the lowest lines, the leading lines of page 1,
a small-print cluster), repetition across pages and pattern, never by fixed coordinates or font
names, so the same paper typeset a little differently gives the same result.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from pipeline.identifiers import is_publication_identifier
from pipeline.parse.pdf.lines import Line
from pipeline.parse.structure.doctypes import opens_with_type
from pipeline.parse.structure.text import (
    CHAMBER_NAME,
    DATE,
    DATED,
    DOSSIER_NUMBER,
    ROMAN,
    SITTING_DAY,
    SITTING_LINE,
    YEAR_LINE,
    capitals,
)

_FOOTER = re.compile(r"^((Eerste|Tweede) Kamer|Verenigde Vergadering|Handelingen (I|II|Eerste|Tweede))\b.*"
                     r"vergaderjaar \d{4}\s*[–-]\s*\d{4}", re.IGNORECASE)
#: A page number as running lines print it: "3", "- 3 -", "pagina 3 van 7", "blz. 3", "3/7", "34-10-3".
_PAGE = r"(?:(?:pagina|page|blz\.?|p\.)\s*)?(?:[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:van|of|/)\s*\d{1,3})?|\d{1,3}(?:-\d{1,3}){2})"
_PAGE_NUMBER = re.compile(rf"^{_PAGE}$", re.IGNORECASE)
#: A site's address alone: "www.eerstekamer.nl", "https://www.eerstekamer.nl/".
_SITE = r"(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:nl|eu|org|com)/?"
_SITE_ONLY = re.compile(rf"^{_SITE}$", re.IGNORECASE)
_PAGE_OR_SITE = re.compile(rf"(?<!\S)(?:{_SITE}|{_PAGE})(?!\S)", re.IGNORECASE)
_DATE_OR_MARK = re.compile(rf"{DATE.pattern}|[|·•–—]", re.IGNORECASE)
_CHAMBER_NAME = re.compile(CHAMBER_NAME)
_CHAMBER_ONLY = re.compile(rf"^(?:{CHAMBER_NAME}|(?:Eerste|Tweede) Kamer)$")
_MARGIN = re.compile(r"^(ISSN\b.*|[’'‘]s-Gravenhage \d{4})$")
_DIGITS = re.compile(r"\d+")


def _masked(line: Line) -> str:
    """The line's text with what varies from page to page in a running line (a date, numbers) masked."""
    return _DIGITS.sub("#", DATE.sub("<date>", line.text))


def _bands(lines: list[Line], lowest: bool, count: int = 3) -> list[list[Line]]:
    """The page's `count` outermost rows of lines (a row: baselines within half a line of its
    first line), from the lowest (or highest) inward."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: -ln.baseline if lowest else ln.baseline):
        if rows and abs(line.baseline - rows[-1][0].baseline) <= 0.5 * rows[-1][0].size:
            rows[-1].append(line)
        elif len(rows) < count:
            rows.append([line])
        else:
            break
    return rows


def _adjacent(outer: list[Line], inner: list[Line]) -> bool:
    """`inner` is set on the next line of `outer`, as the second line of one block (no gap)."""
    size = max(ln.size for ln in outer + inner)
    return abs(outer[0].baseline - inner[0].baseline) <= 1.6 * size


def _row_text(rows: list[list[Line]]) -> str:
    """The text of rows in reading order (top down, left to right)."""
    ordered = sorted((ln for row in rows for ln in row), key=lambda ln: (round(ln.baseline), ln.x0))
    return " ".join(ln.text for ln in ordered)


def _worded(rows: list[list[Line]], body_size: float) -> bool:
    """Whether these outer rows read as running furniture by their wording, wherever they stand: a
    sitting's header or footer; page numbers or site addresses with at most dates beside them; the
    chamber's name with at most those; or the chamber's name in small print. A chamber's name set
    large opens page 1 of an official paper, its own header."""
    sizes = [ln.size for row in rows for ln in row]
    if max(sizes) > 1.2 * body_size:
        return False
    text = _row_text(rows)
    if SITTING_LINE.match(text) or (max(sizes) < 0.95 * body_size and _CHAMBER_NAME.search(text)):
        return True
    bare = _DATE_OR_MARK.sub(" ", text).split()
    rest = " ".join(_PAGE_OR_SITE.sub(" ", " ".join(bare)).split())
    return (not rest and bool(bare)) or bool(_CHAMBER_ONLY.match(rest))


def _needed(pages: int) -> int:
    """On how many pages a line must come back to be a running line: half of them, at least two
    (three where it is set against the text)."""
    return max(2, (pages + 1) // 2)


def running_lines(pages: list[list[Line]], body_size: float) -> dict[int, str]:
    """id(line) -> "footer"/"header" for running footers and headers (wording or repetition).

    The outermost row of each page is furniture as a whole where its wording says so (`_worded`,
    also over two rows set close, a title that wraps), else line by line where its text (dates and
    numbers masked) comes back on the outermost row of most pages. A running header or footer of
    more lines (a sitting's title that wraps, a web address above the page number) goes on inward
    row by row while the next row sits right against it and all of it comes back at the same
    height on most pages (a label such as "Zaak:" that often opens a page does not)."""
    kinds: dict[int, str] = {}
    with_text = [p for p in pages if p]
    needed = _needed(len(with_text))
    for lowest, kind in ((True, "footer"), (False, "header")):
        page_rows = [_bands(p, lowest) for p in with_text]
        edge = Counter(m for rows in page_rows for m in {_masked(ln) for ln in rows[0]})
        placed = Counter(k for rows in page_rows for k in {_placed(ln) for row in rows for ln in row})
        on_edge = {masked for masked, count in edge.items() if count >= max(3, needed)}
        # on two pages out of four or less only what stands apart (a label "Vraag 3" opening two pages does not)
        apart = {masked for masked, count in edge.items() if count >= needed}
        in_place = {(m, at) for m, at in placed if sum(placed[m, at + d] for d in (-1, 0, 1)) >= needed}
        for rows in page_rows:
            outer = _worded_rows(rows, body_size)
            repeated = on_edge | apart if len(rows) < 2 or not _adjacent(rows[0], rows[1]) else on_edge
            running = [ln for row in outer for ln in row] or _edge_lines(rows[0], lowest, body_size, repeated)
            kinds.update((id(ln), kind) for ln in running)
            if len(running) < len(rows[0]):
                continue
            for out, inner in zip(rows[len(outer) - 1 if outer else 0:], rows[max(len(outer), 1):], strict=False):
                if not (_adjacent(out, inner)
                        and all(_running(ln, lowest, body_size) or _placed(ln) in in_place for ln in inner)):
                    break
                kinds.update((id(ln), kind) for ln in inner)
    return kinds


def _edge_lines(row: list[Line], lowest: bool, body_size: float, repeated: set[str]) -> list[Line]:
    """The running lines of a page's outermost row: those `_running` or `repeated` (their masked
    text); beside a page number or site address, every run of text in the row, no larger than the
    text (a title or date set at the other end of the page's foot)."""
    running = [ln for ln in row if _running(ln, lowest, body_size) or _masked(ln) in repeated]
    if any(_running(ln, lowest, body_size) for ln in row) and all(ln.size <= 1.2 * body_size for ln in row):
        return row
    return running


def _worded_rows(rows: list[list[Line]], body_size: float) -> list[list[Line]]:
    """The outer rows that read as furniture by their wording: the outermost, or the outermost two
    where they are set close (a sitting's title wrapping); none when their wording does not say so."""
    if _worded(rows[:1], body_size):
        return rows[:1]
    return rows[:2] if len(rows) > 1 and _adjacent(rows[0], rows[1]) and _worded(rows[:2], body_size) else []


def _placed(line: Line) -> tuple[str, int]:
    return _masked(line), round(line.baseline)


def _running(line: Line, lowest: bool, body_size: float) -> bool:
    """An official running footer, a page number (no larger than the text) or a site's address."""
    official = lowest and bool(_FOOTER.match(line.text))
    small = line.size <= 1.2 * body_size
    return official or (small and bool(_PAGE_NUMBER.match(line.text) or _SITE_ONLY.match(line.text)))


def margin_lines(pages: list[list[Line]], body_size: float) -> set[int]:
    """The identifier block: small-print lines matching kst-…/ISSN/’s-Gravenhage, with the
    small-print lines stacked with them in the same column."""
    found: set[int] = set()
    for lines in pages:
        small = [ln for ln in lines if ln.size < 0.9 * body_size]
        seeds = [ln for ln in small if is_publication_identifier(ln.text) or _MARGIN.match(ln.text)]
        stack = list(seeds)
        while stack:
            seed = stack.pop()
            if id(seed) in found:
                continue
            found.add(id(seed))
            stack += [ln for ln in small if id(ln) not in found and abs(ln.x0 - seed.x0) <= 2
                      and abs(ln.size - seed.size) < 0.3 and abs(ln.baseline - seed.baseline) <= 2.5 * seed.size]
    return found


# Page-1 header items: (name, test on the row of lines sharing a baseline).
Rule = Callable[[list[Line], float], bool]


def _text(row: list[Line]) -> str:
    return " ".join(ln.text for ln in row)


def _bold(row: list[Line]) -> bool:
    return all(ln.bold for ln in row)


def _matches(pattern: str) -> Rule:
    regex = re.compile(pattern)
    return lambda row, body: bool(regex.search(_text(row)))


def _document(row: list[Line], body: float) -> bool:
    """The paper's number or letter, alone or before its title: bold, or a title in capitals
    ("Nr. 175a MEMORIE VAN ANTWOORD", "AA Verslag van een schriftelijk overleg", "G BRIEF ...")."""
    match = _DOCUMENT.match(_text(row))
    return bool(match) and (_bold(row) or capitals(match.group("title") or ""))


def _title(row: list[Line], body: float) -> bool:
    """A document title set as one (bold or large) that opens with the document's kind:
    "Verslag van een deskundigenbijeenkomst ...", "Stenogram van de vergadering van ..."."""
    return (_bold(row) or row[0].size >= 1.15 * body) and opens_with_type(_text(row))


_DOCUMENT = re.compile(r"^(?:N[or]\.\s*\d+[a-z]?|[A-Z]{1,3})(?:\s+(?P<title>[A-Z].*)|$)")
HEADER_RULES: list[tuple[str, Rule]] = [
    ("chamber", _matches(rf"^(?:{CHAMBER_NAME})(?:$|\s+\D)|(?:{CHAMBER_NAME})$")),  # not the number beside it
    ("number", lambda row, body: _text(row) in ("1", "2") and row[0].size >= 2 * body),
    ("year", lambda row, body: bool(YEAR_LINE.match(_text(row)))),
    ("handelingen", _matches(r"^(Aanhangsel van de Handelingen|Handelingen)\b")),
    ("vragen", _matches(r"^Vragen gesteld door de leden der Kamer")),
    ("dossier", lambda row, body: _bold(row) and bool(re.match(rf"^(?:{DOSSIER_NUMBER}(-\w+)*|{ROMAN})\b", _text(row)))),
    ("document", _document),
    ("title", _title),
    ("date", lambda row, body: bool(DATED.match(_text(row)))),
    ("sitting", lambda row, body: bool(SITTING_DAY.match(_text(row)))),
]
_LAST = {"date", "sitting"}  # the header ends with the date line (Handelingen: the sitting, "1 Dinsdag 22 ...")
#: Items a header may open with: the chamber block, or, where the chamber's name is a running
#: header on every page (the chamber's own site), the year line, the dossier line or the title.
_FIRST = {"chamber", "number", "year", "dossier", "title"}
_CONTINUED = {"dossier", "document", "vragen", "title"}


def _rows(lines: list[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for line in lines:
        if rows and abs(line.baseline - rows[-1][0].baseline) <= 0.3 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _rule_name(row: list[Line], body_size: float) -> str:
    return next((name for name, rule in HEADER_RULES if rule(row, body_size)), "")


def _split_rows(rows: list[list[Line]], body_size: float) -> list[list[Line]]:
    """A row whose runs of text are header items each (the chamber name with the big chamber
    number on its baseline) becomes one row per run."""
    out: list[list[Line]] = []
    for row in rows:
        single = len(row) > 1 and not _rule_name(row, body_size)
        if single and all(_rule_name([ln], body_size) for ln in row):
            out += [[ln] for ln in row]
        else:
            out.append(row)
    return out


def page_one_header(lines: list[Line], body_size: float) -> list[list[Line]]:
    """The leading header items of page 1 (each a list of lines), empty when the page does not
    open with one (`_FIRST`): then the paper is no parliamentary paper."""
    items: list[tuple[str, list[Line]]] = []
    for row in _split_rows(_rows(lines), body_size):
        name = _rule_name(row, body_size)
        if not items and name not in _FIRST:
            return []
        last_name, last = items[-1] if items else ("", [])
        if name == "title" and last_name == "document" and not _DOCUMENT.match(_text(last)).group("title"):
            last.extend(row)  # the number alone, its title set under it
            continue
        if name:
            items.append((name, list(row)))
            if name in _LAST:
                break
            continue
        if (last_name in _CONTINUED and _bold(row) == _bold(last) and abs(row[0].size - last[-1].size) < 0.3
                and row[0].baseline - last[-1].baseline <= 2.2 * row[0].size):
            last.extend(row)
            continue
        break
    return [row for _, row in items]
