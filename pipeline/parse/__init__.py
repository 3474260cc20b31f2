"""Parse stage: PDF (pdfplumber layout engine) or official XML into one `Document` model.

`parse_file` is the single entry point for one file; `stage.parse_pending` runs the stage over
a data directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import ParseFailed
from pipeline.model import Document
from pipeline.parse.xml.source import looks_like_xml
from pipeline.sources.records import SruRecord

if TYPE_CHECKING:
    from pipeline.parse.pdf.hyphenation import WordCounts


def parse_file(path: Path | str, record: SruRecord | None = None, lexicon: WordCounts | None = None) -> Document:
    """Parse a PDF or an official XML file, then extract its structure (metadata, Q&A, ...).

    `lexicon` (word counts of other papers) is evidence for undoing hyphenation in a PDF."""
    path = Path(path)
    if not path.is_file():
        raise ParseFailed(str(path), "no such file")
    if path.stat().st_size == 0:
        raise ParseFailed(str(path), "empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024).lstrip()
    if head.startswith(b"%PDF"):
        from pipeline.parse.pdf import parse_pdf

        doc = parse_pdf(path, lexicon)
    elif looks_like_xml(head):
        from pipeline.parse.xml import parse_official_xml

        doc = parse_official_xml(path)
    else:
        raise ParseFailed(str(path), "neither a PDF (no %PDF header) nor an XML file")
    from pipeline.parse.structure import enrich

    return enrich(doc, record)
