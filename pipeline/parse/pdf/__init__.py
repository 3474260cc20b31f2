"""The PDF layout engine: from a PDF to clean text blocks with their layout (pdfplumber).

`parse_pdf(path)` reads every page's characters once, groups them into lines and words with
font, size and position (`lines`), takes out ruled tables (`tables`, only on pages with
rules), puts two-column pages in reading order (`columns`), sets
aside the page furniture (`furniture`) and the notes at
the foot of the page (`footnotes`), rebuilds paragraphs and blocks (`blocks`) and undoes
line-end hyphenation on evidence (`hyphenation`). Official papers and any other PDF go through
the same steps; a paper without the official header simply has no header blocks.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ParseFailed
from pipeline.model import Block, Document, Footnote, PageInfo
from pipeline.parse.pdf.blocks import (
    Draft,
    Geometry,
    TextJoiner,
    bbox_of,
    group_lines,
    kind_of,
    run_on,
    style_of,
)
from pipeline.parse.pdf.columns import column_order
from pipeline.parse.pdf.footnotes import RawNote, split_notes
from pipeline.parse.pdf.furniture import margin_lines, page_one_header, running_lines
from pipeline.parse.pdf.hyphenation import Decision, Evidence, Lexicon, WordCounts
from pipeline.parse.pdf.lines import Line, read_lines
from pipeline.parse.pdf.tables import TableDraft, continues, join, take_tables

__all__ = ["Analysis", "analyse", "parse_pdf"]


@dataclass
class Analysis:
    """A parsed PDF plus what the engine decided on the way (for tests and diagnostics)."""

    document: Document
    hyphenations: list[Decision] = field(default_factory=list)
    page_breaks: dict[int, bool] = field(default_factory=dict)  # page -> its first block runs on


def parse_pdf(path: Path, lexicon: WordCounts | None = None) -> Document:
    """Parse a PDF into the document model (`source="pdf"`); metadata is left to the structure stage.
    `lexicon` adds word evidence from other papers for undoing line-end hyphenation."""
    return analyse(path, lexicon).document


def analyse(path: Path, corpus: WordCounts | None = None) -> Analysis:
    """Parse `path`, keeping the engine's decisions; `corpus` adds word evidence from other papers."""
    path = Path(path)
    pages, tables, info = _read_pages(path)
    doc = Document(source="pdf", source_path=str(path), pages=len(info), page_info=info)
    without_text = [p for p in info if not p.has_text]
    if without_text:
        doc.no_text_reason = no_text_reason(without_text, len(info))
    if len(without_text) == len(info):
        doc.has_text_layer = False
        return Analysis(doc)
    return _layout(doc, pages, tables, corpus)


def _read_pages(path: Path) -> tuple[list[list[Line]], list[list[Draft]], list[PageInfo]]:
    import pdfplumber

    if not path.is_file():
        raise ParseFailed(str(path), "no such file")
    if path.stat().st_size == 0:
        raise ParseFailed(str(path), "empty file (0 bytes)")
    pages: list[list[Line]] = []
    tables: list[list[Draft]] = []
    info: list[PageInfo] = []
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                lines, chars = read_lines(page, number)
                words = sum(len(ln.words) for ln in lines)
                lines, page_tables = take_tables(page, lines)
                lines = column_order(lines)
                info.append(PageInfo(number, float(page.width), float(page.height), chars, words, words > 0))
                pages.append(lines)
                tables.append(page_tables)
                page.close()
    except ParseFailed:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken input
        raise ParseFailed(str(path), broken_reason(exc)) from exc
    if not info:
        raise ParseFailed(str(path), "the PDF has no pages (truncated or corrupt)")
    return pages, tables, info


def broken_reason(exc: BaseException) -> str:
    while exc.args and isinstance(exc.args[0], BaseException):  # pdfplumber wraps pdfminer's errors
        exc = exc.args[0]
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return f"encrypted PDF, cannot be read without its password ({name})"
    return f"unreadable PDF, corrupt or truncated ({name}: {exc})"


def no_text_reason(pages: list[PageInfo], total: int) -> str:
    numbers = [p.number for p in pages]
    where = (f"any of the {total} page(s)" if len(pages) == total else
             "page(s) " + ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "") + f" of {total}")
    if any(p.chars for p in pages):
        return f"no text layer on {where}: glyphs without a text mapping, text needs OCR"
    return f"no text layer on {where}: scanned images, text needs OCR"


def _geometry(pages: list[list[Line]]) -> Geometry:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    body = [ln for lines in pages for ln in lines if abs(ln.size - body_size) < 0.3]
    steps = Counter(
        round(b.baseline - a.baseline, 1)
        for lines in pages for a, b in zip(lines, lines[1:], strict=False)
        if abs(a.size - body_size) < 0.3 and abs(b.size - body_size) < 0.3
        and 0.8 * body_size <= b.baseline - a.baseline <= 2.0 * body_size
    )
    pitch = steps.most_common(1)[0][0] if steps else 1.2 * body_size
    left = Counter(round(ln.x0) for ln in body).most_common(1)[0][0]
    rights = sorted(ln.x1 for ln in body)
    return Geometry(body_size, pitch, float(left), rights[int(0.95 * (len(rights) - 1))])


def _layout(doc: Document, pages: list[list[Line]], tables: list[list[Draft]], corpus: WordCounts | None) -> Analysis:
    geo = _geometry(pages)
    furniture = _furniture(pages, geo)
    evidence = Evidence(Lexicon(w.text for lines in pages for ln in lines for w in ln.words), corpus)
    notes: list[RawNote] = []
    page_drafts: list[list[Draft]] = []
    for lines, page_tables in zip(pages, tables, strict=True):
        body, page_notes = split_notes([ln for ln in lines if id(ln) not in furniture], geo.body_size,
                                       notes[-1] if notes else None)
        notes += [n for n in page_notes if not notes or n is not notes[-1]]
        drafts = [Draft(kind_of(g, geo), g) for g in group_lines(body, geo)]
        page_drafts.append(_with_tables(drafts, page_tables))
    joiner = TextJoiner(evidence, {n.number for n in notes})
    page_breaks = _page_breaks(pages, page_drafts, furniture, geo)
    drafts = _in_reading_order(pages, page_drafts, furniture, page_breaks)
    doc.blocks = [_block(draft, joiner, geo) for draft in drafts]
    doc.footnotes = [Footnote(n.number, n.page, _note_text(n, joiner)) for n in notes]
    return Analysis(doc, joiner.decisions, page_breaks)


def _with_tables(drafts: list[Draft], tables: list[Draft]) -> list[Draft]:
    """The page's blocks (in reading order) with each table before the first block below it."""
    for table in tables:
        below = next((i for i, d in enumerate(drafts) if d.lines[0].baseline > table.lines[0].baseline), len(drafts))
        drafts.insert(below, table)
    return drafts


def _furniture(pages: list[list[Line]], geo: Geometry) -> dict[int, str]:
    """id(line) -> furniture kind, for the running lines, margin block and page-1 header."""
    margin = margin_lines(pages, geo.body_size)
    kinds = running_lines([[ln for ln in lines if id(ln) not in margin] for lines in pages], geo.body_size)
    kinds.update((key, "margin") for key in margin)
    header = page_one_header([ln for ln in pages[0] if id(ln) not in kinds], geo.body_size)
    for number, item in enumerate(header):
        kinds.update((id(ln), f"header:{number}") for ln in item)
    return kinds


def _page_breaks(pages: list[list[Line]], page_drafts: list[list[Draft]], furniture: dict[int, str],
                 geo: Geometry) -> dict[int, bool]:
    """Page number -> whether its first block runs on the previous page's last block.

    Where the lines cannot tell (a full line ending a sentence), the room left at the foot of
    the previous page decides: a page whose text stops a line or more higher than on the pages
    that certainly run on (measured to the notes, or to the footer), or than the page's other
    column, ended its paragraph. A table runs on where the next page starts with its rest
    (`tables.continues`); its foot is no measure of the room."""
    verdicts: dict[int, bool | None] = {}
    slack: dict[int, tuple[str, float]] = {}
    short_column: set[int] = set()
    previous: Draft | None = None
    for drafts in page_drafts:
        if previous and drafts:
            page = drafts[0].lines[0].page
            body = [ln for ln in pages[page - 2] if id(ln) not in furniture
                    and abs(ln.size - geo.body_size) <= 0.1 * geo.body_size]
            table = previous.kind == "table"
            verdicts[page] = continues(previous, drafts[0]) if table else run_on(previous, drafts[0], geo, body)
            last = previous.lines[-1]
            if last.page == page - 1 and not table:
                slack[page] = _room_below(pages[page - 2], last, furniture)
                if body and max(ln.baseline for ln in body) - last.baseline >= geo.pitch - 0.1:
                    short_column.add(page)  # the other column of the page runs a line lower
        previous = drafts[-1] if drafts else previous
    tightest: dict[str, float] = {}
    for page, verdict in verdicts.items():
        if verdict and page in slack:
            below, room = slack[page]
            tightest[below] = min(room, tightest.get(below, room))

    def left_room(page: int) -> bool:
        below, room = slack.get(page, ("", 0.0))
        return page in short_column or (below in tightest and room >= tightest[below] + geo.pitch - 0.1)

    return {page: verdict if verdict is not None else not left_room(page) for page, verdict in verdicts.items()}


def _room_below(lines: list[Line], last: Line, furniture: dict[int, str]) -> tuple[str, float]:
    """What follows the last body line `last` on its page ("note" or "footer") and how far below."""
    below = [ln for ln in lines if ln.baseline > last.baseline + 0.5 and furniture.get(id(ln), "footer") == "footer"]
    if not below:
        return "", 0.0
    first = min(below, key=lambda ln: ln.baseline)
    return ("footer" if id(first) in furniture else "note"), first.baseline - last.baseline


def _in_reading_order(pages: list[list[Line]], page_drafts: list[list[Draft]], furniture: dict[int, str],
                      page_breaks: dict[int, bool]) -> list[Draft]:
    """Page-1 header items, then per page its body blocks and one block per furniture kind;
    a paragraph or table running on over a page break (`page_breaks`) becomes one block."""
    items: dict[str, list[Line]] = {}
    for line in pages[0]:
        if furniture.get(id(line), "").startswith("header:"):
            items.setdefault(furniture[id(line)], []).append(line)
    entries = [Draft("header", lines) for lines in items.values()]
    previous: Draft | None = None
    for lines, drafts in zip(pages, page_drafts, strict=True):
        if previous and drafts and page_breaks[drafts[0].lines[0].page]:
            _run_on(previous, drafts.pop(0))
        entries += drafts
        for kind in ("header", "margin", "footer"):
            found = [ln for ln in lines if furniture.get(id(ln)) == kind]
            entries += [Draft(kind, found)] if found else []
        previous = drafts[-1] if drafts else previous
    return entries


def _run_on(previous: Draft, nxt: Draft) -> None:
    """Make `nxt`, heading its page, part of `previous`, the block it runs on."""
    if isinstance(previous, TableDraft) and isinstance(nxt, TableDraft):
        join(previous, nxt)
    else:
        previous.lines += nxt.lines


def _block(draft: Draft, joiner: TextJoiner, geo: Geometry) -> Block:
    page = draft.lines[0].page
    text, refs = (draft.text, []) if draft.text is not None else joiner.join(draft.lines)
    return Block(draft.kind, text, page, bbox_of([ln for ln in draft.lines if ln.page == page]),
                 style_of(draft.lines, geo), refs)


def _note_text(note: RawNote, joiner: TextJoiner) -> str:
    first, *rest = note.lines
    words = first.words[1:] if first.words[0].text == note.number else first.words
    text, _ = joiner.join([Line(first.page, first.baseline, words), *rest])
    return text
