"""Ruled tables: found by pdfplumber's table finder, only on pages that draw rules or boxes.

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
    lines inside it)."""
    if not lines or not (page.objects.get("line") or page.objects.get("rect")):
        return lines, []
    drafts: list[Draft] = []
    for table in page.find_tables():
        rows = [[_cell(c) for c in row] for row in table.extract()]
        if len(rows) < MIN_ROWS or max(len(r) for r in rows) < MIN_COLUMNS:
            continue
        x0, top, x1, bottom = table.bbox
        inside = [ln for ln in lines if x0 - 1 <= ln.x0 and ln.x1 <= x1 + 1 and top - 1 <= ln.top and ln.bottom <= bottom + 1]
        if inside:
            lines = [ln for ln in lines if all(ln is not i for i in inside)]
            edges = [c.bbox[0] for c in table.columns] + [x1]
            drafts.append(TableDraft("table", inside, _text(rows), rows, edges))
    return lines, drafts


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
