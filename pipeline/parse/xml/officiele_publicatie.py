"""The `officiele-publicatie` dialect (2010 on): `kamerstuk`, `kamervragen`, `handelingen`, and others.

Header (kind `header`, never body): `kamerstukkop`/`kamervraagkop` lines, `dossier`, `stuknr` with the
stuk `titel`, `datumtekst`, and the `vergadering` line of Handelingen. Everything else is body.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from pipeline.model import Document, Metadata
from pipeline.parse.xml import meta
from pipeline.parse.xml.blocks import BlockWriter, build_document
from pipeline.parse.xml.inline import Notes, local

ROOT = "officiele-publicatie"
#: Roots as served: the publication, or a Handelingen item served as a bare `handelingen`.
ROOTS = (ROOT, "handelingen")
#: Parts whose kind settles the document type (names as `pipeline.parse.structure.doctypes` has them).
_DOCUMENT_TYPES = {"kamervragen": "aanhangsel", "handelingen": "handelingen"}


def parse(root: ET.Element, path: Path) -> Document:
    writer = BlockWriter(Notes())
    metadata = Metadata(identifier=meta.record_identifier(root))
    for part in root if local(root.tag) == ROOT else [root]:
        name = local(part.tag)
        if name and name != "metadata":
            metadata.document_type = metadata.document_type or _DOCUMENT_TYPES.get(name, "")
            _PARTS.get(name, _other)(part, writer, metadata)
    doc = build_document(path, writer, metadata)
    doc.references = meta.linked_references(root, lambda e: writer.text(e).text)
    return doc


def _head_lines(kop: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`kamerstukkop`/`kamervraagkop`: one header block per `tekstregel`, read for chamber and year."""
    for line in kop:
        text = writer.text(line).text
        role = line.get("inhoud", "")
        if role == "vergaderjaar":
            metadata.vergaderjaar = metadata.vergaderjaar or meta.vergaderjaar(text)
        elif role in ("kameraanduiding", "kamernummer"):
            metadata.kamer = metadata.kamer or meta.chamber(text)
        writer.header(line)


def _dossier(element: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`dossier`: '32 545 Wet- en regelgeving financiële markten' as the PDF prints it."""
    for number in (c for c in element if local(c.tag) == "dossiernummer"):
        meta.take_dossier(writer.text(number).text, metadata)
    writer.header(*[c for c in element if local(c.tag) in ("dossiernummer", "titel")])


def _stuk(stuk: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`stuk`: 'Nr. 143 MOTIE ...' and the date line are header; the rest is body."""
    head = [c for c in stuk if local(c.tag) in ("stuknr", "titel")]
    if head:
        writer.header(*head)
    for child in stuk:
        name = local(child.tag)
        if name == "stuknr":
            number = next((c for c in child if local(c.tag) == "ondernummer"), child)
            metadata.ondernummer = metadata.ondernummer or meta.ondernummer(writer.text(number).text)
        elif name == "titel":
            metadata.title = metadata.title or writer.text(child).text
        elif name == "datumtekst":
            writer.header(child)
            meta.take_dates(child, metadata)
        else:
            writer.element(child, parent="stuk")


def _kamerstuk(part: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    for child in part:
        name = local(child.tag)
        if name == "kamerstukkop":
            _head_lines(child, writer, metadata)
        elif name == "dossier":
            _dossier(child, writer, metadata)
        elif name == "stuk":
            _stuk(child, writer, metadata)
        else:
            writer.element(child, parent="kamerstuk")


def _kamervragen(part: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """Aanhangsel / Kamervragen: all after `kamervraagkop` is body; the question number is the
    ondernummer ("3235", as in the id ah-tk-20202021-3235) and the answer date the date."""
    for child in part:
        name = local(child.tag)
        if name == "kamervraagkop":
            _head_lines(child, writer, metadata)
            continue
        if name == "kamervraagnummer":
            metadata.ondernummer = metadata.ondernummer or meta.ondernummer(writer.text(child).text)
        elif name == "kamervraagomschrijving":
            meta.take_dates(child, metadata, prefer="ontvangen")
        writer.element(child, parent="kamervragen")


def _handelingen(part: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """Handelingen: the `vergadering` line is header; agenda items and speeches are body. The date is
    the sitting's, wherever the part names it (an item may not: then the record has it); the title of
    the (first) item is the title, the dossiers its subject (`item-titel`, `onderwerp`) links to are
    the item's dossiers."""
    for child in part:
        if local(child.tag) == "vergadering":
            writer.header(child)
        else:
            writer.element(child, parent="handelingen")
    if day := meta.sitting_date(part, lambda e: writer.text(e).text):
        metadata.date = metadata.date or day
        metadata.dates.setdefault("vergadering", day)
    for subject in (n for n in part.iter() if local(n.tag) in ("item-titel", "onderwerp")):
        meta.take_linked_dossiers(subject, metadata)
    title = next((node for node in part.iter() if local(node.tag) == "item-titel"), None)
    if title is not None:
        metadata.title = metadata.title or writer.text(title).text


def _other(part: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """Any other publication kind (agenda, niet-dossierstuk, ...): its text as body."""
    writer.walk(part)


_PARTS: dict[str, Callable[[ET.Element, BlockWriter, Metadata], None]] = {
    "kamerstuk": _kamerstuk,
    "kamervragen": _kamervragen,
    "handelingen": _handelingen,
}
