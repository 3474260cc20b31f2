"""The body of an official XML as blocks of the document model, shared by both dialects.

`BlockWriter` walks body elements in document order and emits the block kinds the PDF engine
uses: `heading`, `paragraph`, `list_item`, `label`, `signature`, `table` (and `header` for the
page-1 head, which the dialect modules add). XML has no pages: blocks and notes carry page 0.
In Handelingen it also keeps the speaker turns the XML states (`pipeline.parse.xml.turns`): the
printed speaker line opens the turn's first block, and what is said in the turn is its text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from pipeline.model import Block, Document, Metadata, Speech, Style
from pipeline.parse.textsim import words
from pipeline.parse.xml import turns
from pipeline.parse.xml.inline import MARKER_TAGS, SILENT_TAGS, Inline, Notes, collapse, inline, local
from pipeline.parse.xml.meta import from_identifier

#: Flat headings: modern `tussenkop`, legacy `tuskop`, a Handelingen item title, a question number.
HEADING_TAGS = frozenset({"tussenkop", "tuskop", "item-titel", "kamervraagnummer"})
#: Signatures: modern `ondertekening`, legacy `ondtek`.
SIGNATURE_TAGS = frozenset({"ondertekening", "ondtek"})
#: Parents whose `nr` is a label of its own ("Vraag 1", "Antwoord 1").
LABELLED_TAGS = frozenset({"vraag", "antwoord"})
#: Text that marks an XML manifestation without the paper's text (agendas, some old papers).
NOT_IN_XML = "niet beschikbaar in html-formaat"
#: A body this short that carries the notice is the notice; a longer one is a paper that mentions
#: a part (a table, a bijlage) missing from the XML, and keeps its text.
NOTICE_MAX_WORDS = 50
#: Block kinds that carry what a speaker says (as `pipeline.parse.structure.speeches` reads them).
SPOKEN_KINDS = frozenset({"paragraph", "list_item", "label"})
#: Children of a Handelingen item that keep the running turn: the next turn, and loose text after
#: a turn, which whoever spoke last says ("Gaat u verder.", "De beraadslaging wordt gesloten.").
TURN_PARTS = frozenset({"spreekbeurt", "tekst"})


def _has_own_text(element: ET.Element) -> bool:
    """Mixed content: text directly in the element (not only in its children)."""
    return bool((element.text or "").strip()) or any((c.tail or "").strip() for c in element)


def _heading_style(element: ET.Element, text: Inline) -> Style:
    """`kopopmaak`/`letat` say how a flat heading is set; headings are bold unless they say otherwise."""
    look = element.get("kopopmaak") or element.get("letat") or ""
    if look:
        return Style(bold="vet" in look, italic="cur" in look)
    if text.italic and not text.bold:
        return Style(italic=True)
    return Style(bold=True, italic=text.italic)


class BlockWriter:
    """Collects the blocks of one document; `skip` names elements that are no body (legacy notes)."""

    def __init__(self, notes: Notes, skip: frozenset[str] = frozenset()) -> None:
        self.notes = notes
        self.skip = skip
        self.blocks: list[Block] = []
        self._prefix = ""  # a list number or speaker that opens the next block
        self._groups: set[int] = set()  # indexes of blocks made from an `al-groep`
        self.turns: list[Speech] = []
        self._turn: Speech | None = None  # the running turn, if any
        self._last: Speech | None = None  # the turn that was said something in last
        self._resume: Speech | None = None  # whose turn goes on, as a new turn, after an interjection

    # -- emitting -------------------------------------------------------------------------------

    def text(self, element: ET.Element, skip: frozenset[str] = frozenset()) -> Inline:
        return inline(element, self.notes, self.skip | skip)

    def add(self, kind: str, text: Inline, style: Style | None = None) -> Block | None:
        """Append a block (taking any pending prefix); an empty one only hands on its notes."""
        body = collapse(f"{self._prefix} {text.text}") if self._prefix and text.text else text.text
        if text.text:
            self._prefix = ""
        if not body:
            self._attach(text.refs)
            return None
        block = Block(
            kind=kind, text=body, page=0,
            style=style or Style(bold=text.bold, italic=text.italic), footnote_refs=list(text.refs),
        )
        self.blocks.append(block)
        if kind in SPOKEN_KINDS:
            self._say(text.text)
        return block

    def _say(self, text: str) -> None:
        """`text` (without the speaker line) is a paragraph of the running turn, if any."""
        if self._turn is None and self._resume is not None:
            self._turn, self._resume = replace(self._resume, text=""), None
            self.turns.append(self._turn)
        if self._turn is not None:
            said = " ".join(text.split())
            self._turn.text = f"{self._turn.text}\n\n{said}" if self._turn.text else said
            self._last = self._turn

    def header(self, *elements: ET.Element) -> None:
        """One page-1 header block from the text of `elements` read as one line."""
        parts = [self.text(e) for e in elements]
        self.add("header", Inline(collapse(" ".join(p.text for p in parts)), [r for p in parts for r in p.refs]))

    def _attach(self, refs: list[str]) -> None:
        if refs and self.blocks:
            self.blocks[-1].footnote_refs.extend(refs)

    # -- walking --------------------------------------------------------------------------------

    def walk(self, element: ET.Element, item_kind: str = "paragraph") -> None:
        """The children of `element`, and the turns they are part of.

        In a Handelingen item, anything but a turn or loose text ends the running turn; loose text
        after a turn is the last speaker's. A `spreker` inside a turn (the chair in the `motie-info`
        under a motion) interjects: whatever the turn's own speaker says after it (a next motion) is a
        new turn of theirs."""
        name = local(element.tag)
        kinds = [local(child.tag) for child in element]
        outer = self._turn or self._resume if name != "spreekbeurt" and "spreker" in kinds else None
        for child, kind in zip(element, kinds, strict=True):
            if "spreekbeurt" in kinds and kind not in TURN_PARTS:
                self._end_turn()
            self.element(child, item_kind, parent=name)
        if "spreekbeurt" in kinds:
            self._end_turn()
        elif name == "spreekbeurt":
            self._turn, self._resume = self._last, None
        elif outer is not None:
            self._turn, self._resume = None, outer

    def element(self, element: ET.Element, item_kind: str = "paragraph", parent: str = "") -> None:
        name = local(element.tag)
        if not name or name in SILENT_TAGS or name in self.skip:
            return
        if name == "noot":  # a note between blocks belongs to the block before it
            self._attach([self.notes.add_noot(element)])
        elif name in MARKER_TAGS:
            self._attach([n for n in [self.notes.number_for(element)] if n])
        elif name in HEADING_TAGS:
            text = self.text(element)
            self.add("heading", text, _heading_style(element, text))
        elif name == "kop":
            self._kop(element)
        elif name == "nr" and parent in LABELLED_TAGS:
            label = self.text(element)
            if label.text.isdigit():  # a bare "1" is printed "Vraag 1"
                label.text = f"{parent.capitalize()} {label.text}"
            self.add("label", label)
        elif name in SIGNATURE_TAGS:
            self._lines("signature", element)
        elif name == "al-groep":
            if self._lines(item_kind, element):
                self._groups.add(len(self.blocks) - 1)
        elif name == "lijst":
            for item in element:
                if local(item.tag) == "li":
                    self._numbered(item, "li.nr", "list_item")
        elif name == "lid":
            self._numbered(element, "lidnr", item_kind)
        elif name == "table":
            self._table(element)
        elif name == "spreker":
            self._open_turn(element)
        elif name == "spreekbeurt":  # loose text in it is the speaker line's colon (`</spreker>:`)
            self.walk(element, item_kind)
        elif name == "al" or len(element) == 0 or _has_own_text(element):
            self.add(item_kind, self.text(element))
        else:
            self.walk(element, item_kind)

    def _kop(self, kop: ET.Element) -> None:
        """A section heading: `label`, `nr` and `titel` read as one line ("Artikel 1 Begrippen")."""
        if _has_own_text(kop):
            text = self.text(kop)
        else:
            parts = [self.text(child) for child in kop]
            text = Inline(collapse(" ".join(p.text for p in parts)), [r for p in parts for r in p.refs],
                          bold=any(p.bold for p in parts), italic=all(p.italic for p in parts if p.text))
        self.add("heading", text, Style(bold=not text.italic or text.bold, italic=text.italic))

    def _lines(self, kind: str, element: ET.Element) -> Block | None:
        """One block of short lines: the names of a signature, an `al-groep`."""
        if _has_own_text(element) or len(element) == 0:
            return self.add(kind, self.text(element))
        parts = [self.text(child) for child in element if local(child.tag) not in self.skip]
        lines = [p.text for p in parts if p.text]
        return self.add(kind, Inline("\n".join(lines), [r for p in parts for r in p.refs],
                                     bold=bool(parts) and all(p.bold for p in parts if p.text),
                                     italic=bool(parts) and all(p.italic for p in parts if p.text)))

    def _numbered(self, element: ET.Element, number_tag: str, kind: str) -> None:
        """A list item or a wettekst `lid`: its number opens its first block."""
        number = next((self.text(c).text for c in element if local(c.tag) == number_tag), "")
        self._prefix = number
        if _has_own_text(element):
            self.add(kind, self.text(element, frozenset({number_tag, "lijst"})))
            for nested in (c for c in element if local(c.tag) == "lijst"):
                self.element(nested, kind)
        else:
            for child in element:
                if local(child.tag) != number_tag:
                    self.element(child, kind, parent=local(element.tag))
        self._prefix = ""

    def _table(self, table: ET.Element) -> None:
        """A CALS table as one block: the title, then one line per row with tab-separated cells."""
        lines: list[str] = []
        refs: list[str] = []
        for node in table.iter():
            name = local(node.tag)
            if name == "title":
                cells = [self.text(node)]
            elif name == "row":
                cells = [self.text(entry) for entry in node if local(entry.tag) == "entry"]
            else:
                continue
            refs += [r for c in cells for r in c.refs]
            if any(c.text for c in cells):
                lines.append("\t".join(c.text for c in cells))
        self.add("table", Inline("\n".join(lines), refs))

    def _open_turn(self, spreker: ET.Element) -> None:
        """A `spreker` opens a turn; the printed line ("De heer Van Dijk (SGP):") opens its first block."""
        def text(element: ET.Element) -> str:
            return self.text(element).text

        self._turn, self._resume = turns.speech(spreker, text), None
        self.turns.append(self._turn)
        self._prefix = turns.speaker_line(spreker, text)

    def _end_turn(self) -> None:
        self._turn = self._last = self._resume = None
        self._prefix = ""

    # -- the document ---------------------------------------------------------------------------

    def finish(self, signed: bool = True) -> list[Block]:
        """The blocks; in a `signed` paper, a closing `al-groep` (the names under a motion) is the
        signature (in Handelingen it is what was said, or the attendance list)."""
        body = [i for i, b in enumerate(self.blocks) if b.kind != "header"]
        if signed and body and body[-1] in self._groups:
            self.blocks[body[-1]].kind = "signature"
        for seq, turn in enumerate(self.turns, start=1):
            turn.seq = seq
        return self.blocks


def empty_reason(doc: Document) -> str:
    """Why an XML manifestation holds no usable body text ('' when it does)."""
    text = doc.text
    if not text.strip():
        return "official XML holds no body text"
    if NOT_IN_XML in text.casefold() and len(words(text)) < NOTICE_MAX_WORDS:
        return "official XML holds no body text: it says 'niet beschikbaar in HTML-formaat'"
    return ""


def build_document(path: Path, writer: BlockWriter, metadata: Metadata) -> Document:
    """The finished `Document` (source 'xml'); an XML without body text says so in `no_text_reason`."""
    from_identifier(metadata)
    blocks = writer.finish(signed=metadata.document_type != "handelingen")
    doc = Document(
        source="xml", source_path=str(path), pages=0, metadata=metadata,
        blocks=blocks, footnotes=writer.notes.footnotes, speeches=writer.turns,
    )
    doc.no_text_reason = empty_reason(doc)
    doc.has_text_layer = not doc.no_text_reason
    return doc
