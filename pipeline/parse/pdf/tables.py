"""Ruled tables: found by pdfplumber's table finder, only on pages that draw rules or boxes.

A table becomes one `table` block: its rows on lines, its cells joined by " | ". The text lines
inside the table's box are taken out of the page's lines, so they are no paragraphs.
"""

from __future__ import annotations

from typing import Any

from pipeline.parse.pdf.blocks import Draft
from pipeline.parse.pdf.lines import Line

MIN_ROWS = 2
MIN_COLUMNS = 2


def _cell(text: str | None) -> str:
    return " ".join((text or "").split())


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
            drafts.append(Draft("table", inside, "\n".join(" | ".join(row) for row in rows)))
    return lines, drafts
