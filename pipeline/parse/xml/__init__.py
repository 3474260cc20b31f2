"""Parser for the official XML manifestation of a paper, into the same `Document` as the PDF path.

Two dialects: `officiele-publicatie` (2010 on; `kamerstuk`, `kamervragen`, `handelingen`, ...; a
Handelingen item may come as a bare `handelingen`) and the legacy one (1995-2009; roots `kamerwrk`,
`handeling`, `vraagdoc`). Files are read as served
(`pipeline.parse.xml.source`: byte order marks, declared encodings, old DTDs). An XML that holds
no body text (agendas that say "niet beschikbaar in HTML-formaat") parses fine but comes back with
`has_text_layer=False` and the reason in `no_text_reason`, so that the parse stage falls back to
the PDF.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.errors import ParseFailed
from pipeline.model import Document
from pipeline.parse.xml import kamerwrk, officiele_publicatie
from pipeline.parse.xml.inline import local
from pipeline.parse.xml.source import read_tree

__all__ = ["parse_official_xml"]

_DIALECTS = dict.fromkeys(officiele_publicatie.ROOTS, officiele_publicatie.parse) | dict.fromkeys(
    kamerwrk.ROOTS, kamerwrk.parse)


def parse_official_xml(path: Path) -> Document:
    """Parse an official XML file; `ParseFailed(path, reason)` when it is malformed or of an unknown kind."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ParseFailed(str(path), f"cannot read the file: {err.strerror or err}") from err
    if b"<!ENTITY" in data[:4096]:
        raise ParseFailed(str(path), "XML declares entities (<!ENTITY>), which official XML never does")
    try:
        root = read_tree(data)
    except ET.ParseError as err:
        raise ParseFailed(str(path), f"malformed XML: {err}") from err
    name = local(root.tag)
    dialect = _DIALECTS.get(name)
    if dialect is None:
        expected = " or ".join(f"<{n}>" for n in _DIALECTS)
        raise ParseFailed(str(path), f"unknown root element <{name}>: expected {expected}")
    return dialect(root, path)
