"""The legacy dialect (1995-2009): flat `tuskop` headings, `voetnoot` notes, `ondtek`.

Its roots: `kamerwrk` (Kamerstukken), and for the Handelingen and the Aanhangsel of that time
`handeling` and `vraagdoc`, which parse into the same model (no file of those two was at hand:
they are read with the same parts, and anything else is walked as body text).

Layout: `kamerwrk[@kamer]/(metadata, kop/(titel, subtitel*), frontm/(vergjaar, onderw/(nummer, naam)),
body/stuk/(ltrlabel, nummer, titel, tuskop | al | lijst | ondtek | ...))`. A note is a `voetnoot`
(anywhere, usually beside its paragraph) referred to by a `voetref`/`nootref` marker in the text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.model import Document, Metadata
from pipeline.parse.xml import meta
from pipeline.parse.xml.blocks import BlockWriter, build_document
from pipeline.parse.xml.inline import Notes, inline, local

ROOT = "kamerwrk"
#: Each legacy root and the document type it settles ('' when the paper says it).
ROOTS = {ROOT: "", "handeling": "handelingen", "vraagdoc": "aanhangsel"}
_NOTE_NUMBER_TAGS = frozenset({"nr", "voetnr", "noot.nr"})
_SKIP = frozenset({"voetnoot"})
_STUK_HEAD = ("ltrlabel", "nummer", "titel")


def parse(root: ET.Element, path: Path) -> Document:
    writer = BlockWriter(_legacy_notes(root), skip=_SKIP)
    metadata = Metadata(identifier=meta.record_identifier(root), kamer=meta.chamber(root.get("kamer", "")),
                        document_type=ROOTS.get(local(root.tag), ""))
    for part in root:
        name = local(part.tag)
        if name == "kop":
            _kop(part, writer, metadata)
        elif name == "frontm":
            _frontm(part, writer, metadata)
        elif name == "body":
            for child in part:
                if local(child.tag) == "stuk":
                    _stuk(child, writer, metadata)
                else:
                    writer.element(child, parent="body")
        elif name not in ("metadata", "voetnoot"):
            writer.element(part, parent=local(root.tag))
    return build_document(path, writer, metadata)


def _legacy_notes(root: ET.Element) -> Notes:
    """Every `voetnoot` up front, in document order: markers may come before their note."""
    notes = Notes()
    for index, note in enumerate((n for n in root.iter() if local(n.tag) == "voetnoot"), start=1):
        number = note.get("nr", "") or next(
            (inline(c, notes).text for c in note if local(c.tag) in _NOTE_NUMBER_TAGS), ""
        )
        text = inline(note, notes, skip=_NOTE_NUMBER_TAGS).text
        notes.add(number or str(index), text, note.get("id", ""))
    return notes


def _kop(kop: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`kop`: the chamber name, its number and the vergaderjaar, one header block each."""
    for line in kop:
        text = writer.text(line).text
        if local(line.tag) == "titel":
            metadata.kamer = metadata.kamer or meta.chamber(text)
        if text.casefold().startswith("vergaderjaar"):
            metadata.vergaderjaar = metadata.vergaderjaar or meta.vergaderjaar(text)
        writer.header(line)


def _frontm(frontm: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`frontm`: `vergjaar` and the dossier line `onderw` ('25 823 Wijziging van de Woningwet')."""
    for child in frontm:
        name = local(child.tag)
        if name == "vergjaar":
            metadata.vergaderjaar = metadata.vergaderjaar or meta.vergaderjaar(writer.text(child).text)
        elif name == "onderw":
            for number in (c for c in child if local(c.tag) == "nummer"):
                meta.take_dossier(writer.text(number).text, metadata)
            writer.header(child)


def _stuk(stuk: ET.Element, writer: BlockWriter, metadata: Metadata) -> None:
    """`stuk`: 'Nr. 3 MEMORIE VAN TOELICHTING' is header, the rest body."""
    head = [c for c in stuk if local(c.tag) in _STUK_HEAD]
    if head:
        writer.header(*head)
    for child in stuk:
        name = local(child.tag)
        if name == "nummer":
            metadata.ondernummer = metadata.ondernummer or meta.ondernummer(writer.text(child).text)
        elif name == "titel":
            metadata.title = metadata.title or writer.text(child).text
        elif name == "datumtekst":
            writer.header(child)
            meta.take_dates(child, metadata)
        elif name != "ltrlabel":
            writer.element(child, parent="stuk")
