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


def _band(lines: list[Line], lowest: bool) -> list[Line]:
    """The lines on the page's lowest (or highest) baseline, within half a line."""
    edge = max(lines, key=lambda ln: ln.baseline) if lowest else min(lines, key=lambda ln: ln.baseline)
    reach = 0.5 * edge.size
    return [ln for ln in lines if abs(ln.baseline - edge.baseline) <= reach]


def _inner_band(lines: list[Line], band: list[Line], lowest: bool) -> list[Line]:
    """The band stacked right inside `band` (the line above a footer, below a header), or none."""
    taken = {id(ln) for ln in band}
    rest = [ln for ln in lines if id(ln) not in taken]
    if not rest:
        return []
    inner = _band(rest, lowest)
    return inner if abs(inner[0].baseline - band[0].baseline) <= 2 * band[0].size else []


def running_lines(pages: list[list[Line]], body_size: float) -> dict[int, str]:
    """id(line) -> "footer"/"header" for running footers and headers (pattern or repetition);
    a running line stacked right inside one (a footer of two lines) is one when it repeats too.
    A page number is set no larger than the text (the big chamber number on page 1 is none)."""
    kinds: dict[int, str] = {}
    with_text = [p for p in pages if p]
    needed = max(3, (len(with_text) + 1) // 2)
    for lowest, kind in ((True, "footer"), (False, "header")):
        bands = [_band(p, lowest) for p in with_text]
        repeats = Counter(m for band in bands for m in {_masked(ln) for ln in band})
        for band in bands:
            for line in band:
                text = line.text
                official = lowest and bool(_FOOTER.match(text))
                page_number = bool(_PAGE_NUMBER.match(text)) and line.size <= 1.2 * body_size
                if official or page_number or repeats[_masked(line)] >= needed:
                    kinds[id(line)] = kind
        inner = [_inner_band(p, band, lowest) if any(id(ln) in kinds for ln in band) else []
                 for p, band in zip(with_text, bands, strict=True)]
        repeats = Counter(m for band in inner for m in {_masked(ln) for ln in band})
        kinds.update((id(ln), kind) for band in inner for ln in band if repeats[_masked(ln)] >= needed)
    return kinds


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
    ("year", _matches(r"^Vergaderjaar \d{4}\s*[–-]\s*\d{4}")),
    ("handelingen", _matches(r"^(Aanhangsel van de Handelingen|Handelingen)\b")),
    ("vragen", _matches(r"^Vragen gesteld door de leden der Kamer")),
    ("dossier", lambda row, body: _bold(row) and bool(re.match(r"^\d{2}\s?\d{3}(-\w+)*\b", _text(row)))),
    ("document", lambda row, body: _bold(row)
        and bool(re.match(r"^(Nr\.\s*\d+|[A-Z]{1,3})\s+[A-Z]{2,}", _text(row)))),
    ("date", _matches(r"^(Vastgesteld|Ontvangen|Voorgesteld|Ingezonden|Verzonden|Gewijzigd)\s+\d{1,2}\s+\w+\s+\d{4}")),
    ("sitting", _matches(r"^\d+\s+(Maandag|Dinsdag|Woensdag|Donderdag|Vrijdag|Zaterdag|Zondag)\s+\d{1,2}\s+\w+\s+\d{4}")),
]
_LAST = {"date", "sitting"}  # the header ends with the date line (Handelingen: the sitting, "1 Dinsdag 22 ...")
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
    open with a chamber name: then the paper is not an official publication."""
    items: list[tuple[str, list[Line]]] = []
    for row in _split_rows(_rows(lines), body_size):
        name = _rule_name(row, body_size)
        if not items and name not in ("chamber", "number"):
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
