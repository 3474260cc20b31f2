"""Ruled tables in the PDF layout engine: a table run over a page break is one `table` block."""

from __future__ import annotations

import json

from tests.support import analysed
from tests.support.papergen import FIXTURES


def truth(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))


def test_a_table_over_a_page_break_is_one_block_with_its_head_row_once() -> None:
    """kst-27925-AD: 37 rows on page 1, the head row set again on page 2 above the other 13."""
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
