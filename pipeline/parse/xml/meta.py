"""Metadata that the official XML states outright: chamber, vergaderjaar, dossier, ondernummer, dates,
and the papers it links to (`extref`).

Values come out in the model's normal form ("Eerste Kamer", "2020-2021", "36600-VII"), so that
the structure stage, which fills only empty fields, agrees with what the PDF path extracts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from pipeline.identifiers import ROMAN_DOSSIER, parse_identifier
from pipeline.model import Metadata, Reference
from pipeline.parse.structure.references import stated_reference
from pipeline.parse.structure.text import iso_date
from pipeline.parse.xml.inline import collapse, local

_CHAMBERS = (
    ("eerste kamer", "Eerste Kamer"),
    ("tweede kamer", "Tweede Kamer"),
    ("verenigde vergadering", "Verenigde Vergadering"),
)
_CHAMBER_NUMBERS = {"1": "Eerste Kamer", "2": "Tweede Kamer"}
#: Two years joined by any dash (the figure dash "2026‒2027" too) or a slash.
_YEARS = re.compile(r"(\d{4})\s*[-\u2010-\u2015\u2212/]\s*(\d{2}|\d{4})\b")
_DOSSIER = re.compile(r"^(?P<number>\d[\d .]*\d|\d)(?:\s*[-–]\s*(?P<part>\d{1,3})\b)?(?:\s*[-–]?\s*(?P<chapter>[A-Z]{1,6})\b)?")
_RECORD_ID = re.compile(r"/([a-z][a-z-]*-[^/]+)/metadata\.xml$", re.IGNORECASE)
_NR_PREFIX = re.compile(r"^\s*nr\.?\s*", re.IGNORECASE)
_ID_CHAMBERS = {"ek": "Eerste Kamer", "tk": "Tweede Kamer", "vv": "Verenigde Vergadering"}
#: What an `extref` links to, as its `doc` names it (maybe as a URL): a dossier ("dossier/36600-VII") or a
#: publication ("kst-35824-H", "kst-35824-H.html").
_EXTREF = re.compile(r"(?:^|/)(?:(?P<dossier>dossier/[^/?#]+?)|(?P<id>[a-z]+-[^/?#]+?))(?:\.(?:html|xml|pdf))?/?$",
                     re.IGNORECASE)

Text = Callable[[ET.Element], str]


def chamber(text: str) -> str:
    """'Eerste Kamer der Staten-Generaal' or a chamber number '1' -> 'Eerste Kamer'."""
    folded = text.casefold()
    for needle, name in _CHAMBERS:
        if needle in folded:
            return name
    return _CHAMBER_NUMBERS.get(text.strip(), "")


def vergaderjaar(text: str) -> str:
    """'Vergaderjaar 2020–2021', '1997/98' -> '2020-2021', '1997-1998' (ASCII hyphen)."""
    match = _YEARS.search(text)
    if not match:
        return ""
    first, second = match.group(1), match.group(2)
    if len(second) == 2:
        second = first[:2] + second if second > first[2:] else str(int(first[:2]) + 1) + second
    return f"{first}-{second}"


def dossier(text: str) -> str:
    """'32 545' -> '32545'; '36 600 VII' -> '36600-VII'; '21 501-02' -> '21501-02'; 'CXXIV'; '' when there is none."""
    text = collapse(text)
    if re.fullmatch(ROMAN_DOSSIER, text):  # an Eerste Kamer internal dossier: CXXIV
        return text
    match = _DOSSIER.match(text)
    if not match:
        return ""
    return "-".join(p for p in (re.sub(r"[ .]", "", match["number"]), match["part"], match["chapter"]) if p)


def ondernummer(text: str) -> str:
    """'Nr. 143' -> '143'; 'AA' stays 'AA'."""
    return _NR_PREFIX.sub("", collapse(text))


def record_identifier(root: ET.Element) -> str:
    """The publication id from `meta[@name='OVERHEIDop.externMetadataRecord']` ('kst-32545-143')."""
    for meta in root.iter():
        if local(meta.tag) == "meta" and meta.get("name") == "OVERHEIDop.externMetadataRecord":
            match = _RECORD_ID.search(meta.get("content", "").strip())
            if match:
                return match.group(1)
    return ""


def dates(element: ET.Element) -> dict[str, str]:
    """`datum[@isodatum]` inside `element`, keyed by the word before it ('voorgesteld', 'ingezonden')."""
    found: dict[str, str] = {}
    before: list[str] = []

    def visit(node: ET.Element) -> None:
        before.append(node.text or "")
        for child in node:
            iso = child.get("isodatum", "") if local(child.tag) == "datum" else ""
            if iso:
                words = re.findall(r"[^\W\d_]+", "".join(before))
                found.setdefault(words[-1].casefold() if words else "datum", iso[:10])
                before.clear()
            else:
                visit(child)
            before.append(child.tail or "")

    visit(element)
    return found


def take_dates(element: ET.Element, metadata: Metadata, prefer: str = "") -> None:
    """Record the dates in `element`; the document date is the `prefer`red one, else the first seen."""
    found = dates(element)
    for key, value in found.items():
        metadata.dates.setdefault(key, value)
    if found and (not metadata.date or prefer in found):
        metadata.date = found.get(prefer) or next(iter(found.values()))


def take_dossier(text: str, metadata: Metadata) -> None:
    """Add the dossier number in `text` to `dossiers`; the first one is the primary `dossier`."""
    value = dossier(text)
    if value and value not in metadata.dossiers:
        metadata.dossiers.append(value)
    metadata.dossier = metadata.dossier or value


def from_identifier(metadata: Metadata) -> None:
    """Chamber, vergaderjaar and dossier that an id such as 'h-ek-20212022-2-1' or 'kst-cxxiv-g' names,
    where still empty."""
    parsed = parse_identifier(metadata.identifier)
    if parsed is None:
        return
    metadata.kamer = metadata.kamer or _ID_CHAMBERS.get(parsed.chamber, "")
    metadata.vergaderjaar = metadata.vergaderjaar or parsed.vergaderjaar
    if parsed.dossier and not metadata.dossiers:
        take_dossier(parsed.dossier, metadata)


def sitting_date(element: ET.Element, text: Text) -> str:
    """The date of the sitting a Handelingen part names anywhere: the `isodatum` of a `vergadering` or
    `vergaderdatum`, else the date a `vergaderdatum` prints ("Dinsdag 8 februari 2018"); '' if none."""
    for node in element.iter():
        name = local(node.tag)
        if name in ("vergadering", "vergaderdatum"):
            day = node.get("isodatum", "")[:10] or (iso_date(text(node)) if name == "vergaderdatum" else "")
            if day:
                return day
    return ""


def _extrefs(element: ET.Element) -> Iterator[tuple[re.Match[str], ET.Element]]:
    for node in element.iter():
        if local(node.tag) == "extref" and (match := _EXTREF.search(node.get("doc", "").strip())):
            yield match, node


def _linked_dossier(match: re.Match[str]) -> str:
    """The dossier an extref links to: 'dossier/36600-VII', or the dossier of a paper 'kst-35824-H'."""
    if match["dossier"]:
        value = match["dossier"].split("/", 1)[1]
        return dossier(value.upper())
    parsed = parse_identifier(match["id"])
    if parsed is None or parsed.kind != "kst":
        return ""
    return parsed.dossier


def take_linked_dossiers(element: ET.Element, metadata: Metadata) -> None:
    """Add the dossiers the extrefs in `element` link to (a Handelingen item's subject) to `dossiers`."""
    for match, _ in _extrefs(element):
        if (value := _linked_dossier(match)) and value not in metadata.dossiers:
            metadata.dossiers.append(value)
    metadata.dossier = metadata.dossier or next(iter(metadata.dossiers), "")


def linked_references(element: ET.Element, text: Text) -> list[Reference]:
    """One citation per paper or Handelingen item the extrefs in `element` link to, in document order."""
    found: dict[str, Reference] = {}
    for match, node in _extrefs(element):
        target = match["id"] or ""
        if target not in found and (ref := stated_reference(target, text(node))):
            found[target] = ref
    return list(found.values())
