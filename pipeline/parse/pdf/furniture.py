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

_FOOTER = re.compile(
    r"^((Eerste|Tweede) Kamer|Verenigde Vergadering|Handelingen (I|II|Eerste|Tweede))\b.*"
    r"(vergaderjaar \d{4}\s*[–-]\s*\d{4}"
    r"|\b(EK|TK|VV) \d+\s+\d+(-\d+)+$)", re.IGNORECASE)  # Handelingen: "... 22 september 2020 EK 1 1-1"
_PAGE_NUMBER = re.compile(r"^(pagina|page|blz\.?)?\s*[-–]?\s*\d{1,3}\s*[-–]?(\s*(van|of|/)\s*\d{1,3})?$",
                          re.IGNORECASE)
_MARGIN = re.compile(r"^(ISSN\b.*|[’'‘]s-Gravenhage \d{4})$")
_DIGITS = re.compile(r"\d+")


def _masked(line: Line) -> str:
    return _DIGITS.sub("#", line.text)


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


def running_lines(pages: list[list[Line]], body_size: float) -> dict[int, str]:
    """id(line) -> "footer"/"header" for running footers and headers (pattern or repetition).

    The outermost row of each page is furniture line by line where its text (digits masked)
    comes back on the outermost row of most pages. A running header or footer of more lines (a
    sitting's title that wraps, a web address above the page number) goes on inward row by row
    while the next row sits right against it and all of it comes back at the same height on
    most pages (a label such as "Zaak:" that often opens a page does not)."""
    kinds: dict[int, str] = {}
    with_text = [p for p in pages if p]
    needed = max(3, (len(with_text) + 1) // 2)
    for lowest, kind in ((True, "footer"), (False, "header")):
        page_rows = [_bands(p, lowest) for p in with_text]
        edge = Counter(m for rows in page_rows for m in {_masked(ln) for ln in rows[0]})
        placed = Counter(k for rows in page_rows for k in {_placed(ln) for row in rows for ln in row})
        on_edge = {masked for masked, count in edge.items() if count >= needed}
        in_place = {(m, at) for m, at in placed if sum(placed[m, at + d] for d in (-1, 0, 1)) >= needed}
        for rows in page_rows:
            running = [ln for ln in rows[0] if _running(ln, lowest, body_size) or _masked(ln) in on_edge]
            kinds.update((id(ln), kind) for ln in running)
            if len(running) < len(rows[0]):
                continue
            for outer, inner in zip(rows, rows[1:], strict=False):
                if not (_adjacent(outer, inner)
                        and all(_running(ln, lowest, body_size) or _placed(ln) in in_place for ln in inner)):
                    break
                kinds.update((id(ln), kind) for ln in inner)
    return kinds


def _placed(line: Line) -> tuple[str, int]:
    return _masked(line), round(line.baseline)


def _running(line: Line, lowest: bool, body_size: float) -> bool:
    """An official running footer, or a page number (no larger than the text)."""
    official = lowest and bool(_FOOTER.match(line.text))
    return official or (bool(_PAGE_NUMBER.match(line.text)) and line.size <= 1.2 * body_size)


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


HEADER_RULES: list[tuple[str, Rule]] = [
    ("chamber", _matches(r"(Eerste|Tweede) Kamer der Staten-Generaal$|^Verenigde Vergadering")),
    ("number", lambda row, body: _text(row) in ("1", "2") and row[0].size >= 2 * body),
    ("year", _matches(r"^Vergaderjaar \d{4}\s*[-\u2010-\u2015]\s*\d{4}")),
    ("handelingen", _matches(r"^(Aanhangsel van de Handelingen|Handelingen)\b")),
    ("vragen", _matches(r"^Vragen gesteld door de leden der Kamer")),
    ("dossier", lambda row, body: _bold(row) and bool(re.match(r"^\d{2}\s?\d{3}(-\w+)*\b", _text(row)))),
    ("document", lambda row, body: _bold(row)  # the number alone when the title is set under it
        and bool(re.match(r"^(Nr\.\s*\d+|[A-Z]{1,3})(\s+[A-Z]{2,}|$)", _text(row)))),
    ("date", _matches(r"^(Vastgesteld|Ontvangen|Voorgesteld|Ingezonden|Verzonden|Gewijzigd)\s+\d{1,2}\s+\w+\s+\d{4}")),
    ("sitting", _matches(r"^\d+\s+(Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag)\s+\d{1,2}\s+\w+\s+\d{4}")),
]
_LAST = {"date", "sitting"}  # the header ends with the date line (Handelingen: the sitting, "1 Dinsdag 22 ...")
#: Items a header may open with: the chamber block, or, where the chamber's name is a running
#: header on every page (the chamber's own site), the year line or the dossier line.
_FIRST = {"chamber", "number", "year", "dossier"}
_CONTINUED = {"dossier", "document", "vragen"}


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
        if name:
            items.append((name, list(row)))
            if name in _LAST:
                break
            continue
        last_name, last = items[-1] if items else ("", [])
        if (last_name in _CONTINUED and _bold(row) == _bold(last) and abs(row[0].size - last[-1].size) < 0.3
                and row[0].baseline - last[-1].baseline <= 2.2 * row[0].size):
            last.extend(row)
            continue
        break
    return [row for _, row in items]
