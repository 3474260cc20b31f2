"""Ruled tables: found by pdfplumber's table finder, only on pages that draw rules or boxes;
open tables, ruled only across, where horizontal rules bound lines whose words stand in columns.

A table becomes one `table` block: its rows on lines, its cells joined by " | ". The text lines
inside the table's box are taken out of the page's lines, so they are no paragraphs. A table that
ends a page and one that heads the next with the same columns are one table run over the break
(`continues`, `join`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.parse.pdf.blocks import Draft
from pipeline.parse.pdf.lines import Line

MIN_ROWS = 2
MIN_COLUMNS = 2
MIN_RULES = 3  # an open table: a rule above it, one under its head row, one below it
SAME_EDGE = 0.02  # column edges this close (share of the table's width) are the same column


@dataclass
class TableDraft(Draft):
    """A table's draft with its rows of cells and the x of its column edges (left to right)."""

    rows: list[list[str]] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)


def _cell(text: str | None) -> str:
    return " ".join((text or "").split())


def _text(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(row) for row in rows)


def take_tables(page: Any, lines: list[Line]) -> tuple[list[Line], list[Draft]]:
    """The page's lines outside its ruled tables, and a `table` draft per table (holding the
    lines inside it): tables boxed by rules, then open tables (`_open_tables`)."""
    if not lines or not (page.objects.get("line") or page.objects.get("rect")):
        return lines, []
    drafts: list[Draft] = []
    for table in page.find_tables():
        lines = _take(table, lines, drafts)
    for table in _open_tables(page, lines):
        lines = _take(table, lines, drafts, open_table=True)
    return lines, drafts


def _inside(bbox: tuple[float, float, float, float], lines: list[Line]) -> list[Line]:
    x0, top, x1, bottom = bbox
    return [ln for ln in lines if x0 - 1 <= ln.x0 and ln.x1 <= x1 + 1 and top - 1 <= ln.top and ln.bottom <= bottom + 1]


def _take(table: Any, lines: list[Line], drafts: list[Draft], open_table: bool = False) -> list[Line]:
    """Add `table` to `drafts` if it has rows and columns enough (an open table: and cells that
    no word straddles); return the lines left outside it."""
    rows = [[_cell(c) for c in row] for row in table.extract()]
    inside = _inside(table.bbox, lines)
    edges = [c.bbox[0] for c in table.columns] + [table.bbox[2]]
    if len(rows) < MIN_ROWS or max(len(r) for r in rows) < MIN_COLUMNS or not inside:
        return lines
    if open_table and not _clean_columns(inside, edges[1:-1], rows):
        return lines
    drafts.append(TableDraft("table", inside, _text(rows), rows, edges))
    return [ln for ln in lines if all(ln is not i for i in inside)]


def _clean_columns(lines: list[Line], edges: list[float], rows: list[list[str]]) -> bool:
    """Whether columns found in text alone are a table's: no word runs over a column edge, and
    most rows fill two cells or more."""
    crossed = any(w.x0 < x - 1 and w.x1 > x + 1 for ln in lines for w in ln.words for x in edges)
    return not crossed and 2 * sum(sum(bool(c) for c in row) >= MIN_COLUMNS for row in rows) > len(rows)


def _rules(page: Any) -> list[tuple[float, float, float]]:
    """The page's horizontal rules as (x0, x1, y): lines and hairline boxes, at least an inch long."""
    found = [(o["x0"], o["x1"], (o["top"] + o["bottom"]) / 2) for o in (*page.lines, *page.rects)
             if o["bottom"] - o["top"] < 1.5 and o["x1"] - o["x0"] >= 72]
    return sorted(found, key=lambda r: r[2])


def _open_tables(page: Any, lines: list[Line]) -> list[Any]:
    """Tables ruled only across, found where three or more horizontal rules of one extent bound a
    region of `lines` (its first rule to its last), rows and columns read from the text's
    alignment (by rules, the rows between the head rule and the last would be one)."""
    groups: dict[tuple[int, int], list[float]] = {}
    for x0, x1, y in _rules(page):
        groups.setdefault((round(x0), round(x1)), []).append(y)
    tables = []
    for (x0, x1), ys in groups.items():
        bbox = (max(x0 - 1.0, 0.0), ys[0], min(x1 + 1.0, float(page.width)), ys[-1])
        if len(ys) < MIN_RULES or len(_inside(bbox, lines)) < MIN_ROWS:
            continue
        settings = {"vertical_strategy": "text", "horizontal_strategy": "text"}
        tables += page.crop(bbox).find_tables(settings)
    return tables


def continues(prev: Draft, nxt: Draft) -> bool:
    """Whether table `nxt`, heading its page, is the rest of table `prev`, which ends the page
    before: the same number of columns, their edges where they were."""
    if not (isinstance(prev, TableDraft) and isinstance(nxt, TableDraft)) or len(prev.edges) != len(nxt.edges):
        return False
    width = prev.edges[-1] - prev.edges[0]
    return all(abs(a - b) <= SAME_EDGE * width for a, b in zip(prev.edges, nxt.edges, strict=True))


def join(prev: TableDraft, nxt: TableDraft) -> None:
    """Add the rows of `nxt` to `prev`, less the head row the typesetter set again above them."""
    rows = nxt.rows[1:] if nxt.rows[0] == prev.rows[0] else nxt.rows
    prev.rows += rows
    prev.lines += nxt.lines
    prev.text = _text(prev.rows)
