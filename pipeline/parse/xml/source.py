"""An official XML file as served, read into an element tree.

Files come with a UTF-8 byte order mark or without, in any encoding their declaration names
(UTF-8, ISO-8859-1, windows-1252, UTF-16), with CRLF line ends, with the DOCTYPE of an old DTD
whose named entities (`&eacute;`) the file uses without defining, and with processing
instructions such as the typesetter's hyphenation hint `<?xpp afbreek?>`, which the tree leaves
out so that the text on both sides joins as it was written.
"""

from __future__ import annotations

import codecs
import html.entities
import xml.etree.ElementTree as ET

#: The UTF-8 byte order mark, and the same mark once read as windows-1252 and saved as UTF-8 ("ï»¿").
_UTF8_MARKS = (codecs.BOM_UTF8, codecs.BOM_UTF8.decode("cp1252").encode("utf-8"))
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def markup(data: bytes) -> bytes:
    """`data` from its first `<` on, when only byte order marks and blank space stand before it.

    Expat reads a UTF-8 or UTF-16 mark itself, but refuses blank lines before the XML declaration,
    and a mark that was mis-decoded once. UTF-16 data is left as it is."""
    if data.startswith(_UTF16_MARKS):
        return data
    start = data.find(b"<")
    if start <= 0:
        return data
    prefix = data[:start]
    for mark in _UTF8_MARKS:
        prefix = prefix.replace(mark, b"")
    return data[start:] if not prefix.strip() else data


def looks_like_xml(head: bytes) -> bool:
    """Whether the first bytes of a file are markup (in UTF-16 too)."""
    if head.startswith(_UTF16_MARKS):
        return head.decode("utf-16", errors="ignore").lstrip().startswith("<")
    return markup(head).lstrip().startswith(b"<")


def read_tree(data: bytes) -> ET.Element:
    """The root element of `data`; `ET.ParseError` when it is no well-formed XML.

    Named entities an old DTD declares (the DTD itself is never fetched) read as their characters."""
    parser = ET.XMLParser()
    parser.entity.update(html.entities.entitydefs)
    parser.feed(markup(data))
    return parser.close()
