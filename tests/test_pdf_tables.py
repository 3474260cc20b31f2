"""Ruled tables in the PDF layout engine: a table run over a page break is one `table` block."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.parse.pdf import analyse
from tests.support import analysed
from tests.support.papergen import FIXTURES, LAYOUT_A, Para, brief_met_tabel, render
from tests.support.paths import AH_PDF, KST_PDF, REALDATA


def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))


def test_a_table_over_a_page_break_is_one_block_with_its_head_row_once() -> None:
    """kst-27925-AD: 36 rows on page 1 (the head row first), the head row set again on page 2
    above the other 13."""
    t = truth("kst-27925-AD")
    analysis = analysed(FIXTURES / "kst-27925-AD.pdf")
    doc = analysis.document
    assert t["pages"] == 2 and t["page_breaks"] == [{"page": 2, "continues": True}]
    assert analysis.page_breaks == {2: True}
    tables = [b for b in doc.body_blocks if b.kind == "table"]
    assert len(tables) == 1 and tables[0].page == 1
    rows = tables[0].text.split("\n")
    assert rows == t["paragraphs"][3]["text"].split("\n")
    assert len(rows) == 49 and rows.count("Maand | Training | NAVO | Stabilisatie") == 1
    assert rows[35:38] == ["november 2019 | 1,3 | 0,5 | 1,8", "december 2019 | 1,0 | 0,4 | 1,6",
                           "januari 2020 | 1,2 | 0,3 | 2,1"]  # the last row of page 1, the first two of page 2
    assert rows[-1] == "december 2020 | 1,4 | 0,4 | 2,0"
    # The text around the table is as it was set: each paragraph one block, in order, on its page.
    blocks = [(b.kind, b.page, b.text) for b in doc.body_blocks]
    assert blocks == [(p["kind"], p["page"], p["text"]) for p in t["paragraphs"]]
    assert [f.text for f in doc.footnotes] == ["Kamerstukken I, 2019–2020, 27 925, AB"]
    assert [b.text for b in doc.blocks if b.kind == "footer"] == t["footers"]


def test_a_table_ruled_only_across_is_found_as_its_boxed_twin() -> None:
    """kst-27925-AE sets the table of kst-27925-AC open: rules above, under the head row and
    below, no vertical rules. The columns are read from the text: the same block, the same rows."""
    t = truth("kst-27925-AE")
    doc = analysed(FIXTURES / "kst-27925-AE.pdf").document
    boxed = analysed(FIXTURES / "kst-27925-AC.pdf").document
    assert [(b.kind, b.page, b.text) for b in doc.body_blocks] == [
        (p["kind"], p["page"], p["text"]) for p in t["paragraphs"]]
    assert [b.text for b in doc.body_blocks] == [b.text for b in boxed.body_blocks]
    table = next(b for b in doc.body_blocks if b.kind == "table")
    assert table.text.split("\n")[3] == "Stabilisatie en wederopbouw | 21,0 | 18,7 | 16,3"


@pytest.mark.parametrize("path", [KST_PDF, AH_PDF, *sorted((REALDATA / "openkamer").glob("besluitenlijst_*.pdf"))],
                         ids=lambda p: p.stem)
def test_rules_around_text_that_is_no_table_make_no_table(path: Path) -> None:
    """Real papers with full-width rules: round the Kamerstuk header, between the items of a
    besluitenlijst (a label column beside running text), under a heading. None is a table."""
    doc = analysed(path).document
    assert [b.text[:40] for b in doc.blocks if b.kind == "table"] == []


def test_a_table_heading_the_next_page_with_other_columns_is_another_table(tmp_path: Path) -> None:
    """The boxed table ends page 1 and a table of three columns opens page 2: two tables."""
    base = brief_met_tabel()
    other = Para("Locatie | 2019 | 2020\nErbil | 150 | 75\nBagdad | 30 | 15", "table", new_page=True)
    spec = replace(base, paras=[*base.paras[:4], other, *base.paras[4:]])
    t = render(spec, LAYOUT_A, tmp_path / "two-tables.pdf")
    analysis = analyse(tmp_path / "two-tables.pdf")
    assert t["page_breaks"] == [{"page": 2, "continues": False}] and analysis.page_breaks == {2: False}
    assert [(b.kind, b.page, b.text) for b in analysis.document.body_blocks] == [
        (p["kind"], p["page"], p["text"]) for p in t["paragraphs"]]
