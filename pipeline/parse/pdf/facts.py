"""The facts of a PDF the tables need, read without laying it out: pages, their size, text layer.

Reading a page's characters costs most of a layout pass (pdfminer interprets every content
stream); the page tree and resources cost a few milliseconds a paper. A page counts as having
a text layer when it (or a form it draws) has fonts: a scan has only images. Characters and
words per page are not counted (None), as they would need the content streams.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import ParseFailed
from pipeline.model import Document, PageInfo

#: How deep to follow forms drawn inside forms looking for fonts.
FORM_DEPTH = 2


def _has_fonts(resources: Any, depth: int = 0) -> bool:
    from pdfminer.pdftypes import resolve1

    resources = resolve1(resources) or {}
    if resolve1(resources.get("Font")):
        return True
    if depth >= FORM_DEPTH:
        return False
    for xobject in (resolve1(resources.get("XObject")) or {}).values():
        attrs = getattr(resolve1(xobject), "attrs", {})
        subtype = attrs.get("Subtype")
        if getattr(subtype, "name", "") == "Form" and _has_fonts(attrs.get("Resources"), depth + 1):
            return True
    return False


def pdf_facts(path: Path | str) -> Document:
    """A PDF `Document` with its pages (`page_info`) and text-layer verdict, but no text."""
    import pdfplumber

    from pipeline.parse.pdf import broken_reason, no_text_reason

    path = Path(path)
    try:
        with pdfplumber.open(path) as pdf:
            info = [PageInfo(page.page_number, float(page.width), float(page.height), None, None,
                             _has_fonts(page.page_obj.resources)) for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many unrelated types for broken input
        raise ParseFailed(str(path), broken_reason(exc)) from exc
    if not info:
        raise ParseFailed(str(path), "the PDF has no pages (truncated or corrupt)")
    doc = Document(source="pdf", source_path=str(path), pages=len(info), page_info=info)
    without_text = [p for p in info if not p.has_text]
    if without_text:
        doc.no_text_reason = no_text_reason(without_text, len(info))
    doc.has_text_layer = len(without_text) < len(info)
    return doc
