"""Inline text of official-XML elements: whitespace collapsed, footnotes lifted out, emphasis noted.

Both dialects share this. A modern footnote (`noot`) stands inline where it is marked and is
moved to `Notes`; a legacy one (`voetnoot`) stands elsewhere and is marked by `voetref`/`nootref`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pipeline.model import Footnote

_SPACE = re.compile(r"\s+")

#: Footnote markers: a reference to a note defined elsewhere (legacy `voetnoot`, a repeated `noot`).
MARKER_TAGS = frozenset({"voetref", "nootref"})
#: Elements that are never text: layout hints and pictures.
SILENT_TAGS = frozenset({"witreg", "plaatje", "illustratie", "afbeelding"})
#: Elements inside inline text that still keep the text on either side apart.
_SPACED_TAGS = frozenset({"al", "al-groep", "lijst", "li", "noot.al", "entry", "regel", "tekstregel"})


#: The ligatures "ĳ"/"Ĳ" some typeset XML has ("bĳ deze wet") read as the two letters they are.
_LIGATURES = str.maketrans({"\u0133": "ij", "\u0132": "IJ"})


def collapse(text: str) -> str:
    """Whitespace runs (newlines and no-break spaces included) as one space, trimmed; "ĳ" as "ij"."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ").translate(_LIGATURES)).strip()


def local(tag: object) -> str:
    """The tag name without a namespace; '' for comments and processing instructions."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass
class Notes:
    """The footnotes of one document, in document order, with the lookups for references to them."""

    footnotes: list[Footnote] = field(default_factory=list)
    numbers_by_id: dict[str, str] = field(default_factory=dict)
    _read: dict[int, str] = field(default_factory=dict)  # id() of each `noot` read -> its number

    def add(self, number: str, text: str, note_id: str = "") -> str:
        if note_id:
            self.numbers_by_id[note_id] = number
        if text:
            self.footnotes.append(Footnote(number=number, page=0, text=text))
        return number

    def add_noot(self, element: ET.Element) -> str:
        """A modern `noot` (`noot.nr` + `noot.al`...): store it once, return its number."""
        if id(element) in self._read:
            return self._read[id(element)]
        number = ""
        body: list[str] = []
        for child in element:
            if local(child.tag) == "noot.nr":
                number = inline(child, self).text
            else:
                body.append(inline(child, self).text)
        number = number or element.get("nr", "") or str(len(self.footnotes) + 1)
        self._read[id(element)] = number
        return self.add(number, collapse(" ".join(body)), element.get("id", ""))

    def number_for(self, marker: ET.Element) -> str:
        """The number a `voetref`/`nootref` points at: its own `nr`, else the note with its `refid`."""
        return marker.get("nr") or self.numbers_by_id.get(marker.get("refid", ""), "")


@dataclass
class Inline:
    """The text of one element as it reads, the footnotes marked in it, and its emphasis."""

    text: str
    refs: list[str] = field(default_factory=list)
    bold: bool = False
    italic: bool = False


class _Collector:
    def __init__(self, notes: Notes, skip: frozenset[str]) -> None:
        self.notes = notes
        self.skip = skip
        self.parts: list[str] = []
        self.refs: list[str] = []
        self.chars = 0
        self.bold_chars = 0
        self.italic_chars = 0

    def text(self, value: str | None, bold: bool, italic: bool) -> None:
        if not value:
            return
        self.parts.append(value)
        visible = sum(1 for ch in value if not ch.isspace())
        self.chars += visible
        self.bold_chars += visible if bold else 0
        self.italic_chars += visible if italic else 0

    def element(self, element: ET.Element, bold: bool, italic: bool) -> None:
        name = local(element.tag)
        if name == "nadruk":
            kind = element.get("type", "")
            bold, italic = bold or "vet" in kind, italic or "cur" in kind
        spaced = name in _SPACED_TAGS
        if spaced:
            self.parts.append(" ")
        self.text(element.text, bold, italic)
        for child in element:
            child_name = local(child.tag)
            if child_name == "noot":
                self.refs.append(self.notes.add_noot(child))
            elif child_name in MARKER_TAGS:
                number = self.notes.number_for(child)
                if number:
                    self.refs.append(number)
            elif child_name and child_name not in self.skip and child_name not in SILENT_TAGS:
                self.element(child, bold, italic)
            self.text(child.tail, bold, italic)
        if spaced:
            self.parts.append(" ")


def inline(element: ET.Element, notes: Notes, skip: frozenset[str] = frozenset()) -> Inline:
    """The collapsed text of `element` (without the elements named in `skip`), notes moved to `notes`.

    The block counts as bold (italic) when every visible character in it is emphasised so.
    """
    collector = _Collector(notes, skip)
    collector.element(element, False, False)
    total = collector.chars
    return Inline(
        text=collapse("".join(collector.parts)),
        refs=collector.refs,
        bold=total > 0 and collector.bold_chars == total,
        italic=total > 0 and collector.italic_chars == total,
    )
