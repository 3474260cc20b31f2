"""The one document model for a parsed paper, whatever it was parsed from (PDF or official XML).

Later stages (normalise, quality, publish) only ever see these types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SourceKind = Literal["pdf", "xml"]

#: Block kinds that are page furniture: kept for metadata extraction, never part of the body text.
FURNITURE_KINDS = frozenset({"header", "footer", "margin"})

#: Every block kind the parsers may emit.
BLOCK_KINDS = frozenset(
    {"heading", "paragraph", "list_item", "signature", "label", "table", *FURNITURE_KINDS}
)


@dataclass
class Style:
    """Typographic style of a block, as the structure stage needs it."""

    bold: bool = False
    italic: bool = False
    indent: float = 0.0  # left offset (pt) from the body column's left edge
    font_size: float = 0.0
    font: str = ""  # font name without subset prefix ("Univers-Black")


@dataclass
class Block:
    """One run of text with a kind: a paragraph, heading, list item, label, ... or furniture."""

    kind: str
    text: str
    page: int  # 1-based
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, top, x1, bottom (pt)
    style: Style = field(default_factory=Style)
    footnote_refs: list[str] = field(default_factory=list)  # numbers of the notes marked in it


@dataclass
class Footnote:
    number: str
    page: int
    text: str


@dataclass
class Metadata:
    identifier: str = ""  # "kst-27925-AA" when known
    kamer: str = ""  # "Eerste Kamer" | "Tweede Kamer" | "Verenigde Vergadering" | ""
    vergaderjaar: str = ""  # "2019-2020" (ASCII hyphen)
    dossier: str = ""  # primary dossier: "27925", "36600-VII"
    dossiers: list[str] = field(default_factory=list)
    ondernummer: str = ""  # "AA" (EK letters) or "694" (TK numbers)
    document_type: str = ""  # normalised type, "onbekend" when not recognised
    title: str = ""
    date: str = ""  # YYYY-MM-DD, the document date
    dates: dict[str, str] = field(default_factory=dict)  # {"vastgesteld": "2020-04-20", ...}
    flags: list[str] = field(default_factory=list)  # disagreements with the SRU record


@dataclass
class Member:
    name: str
    party: str
    role: str = "lid"  # lid | voorzitter | 1e ondervoorzitter | 2e ondervoorzitter


@dataclass
class Committee:
    name: str = ""
    members: list[Member] = field(default_factory=list)


@dataclass
class QAPair:
    seq: int
    asked_by: str  # fractie code ("SP") or the asking member(s)
    question: str
    answer: str
    answered_by: str = ""
    page: int = 0


@dataclass
class Reference:
    text: str
    kind: str = "kamerstuk"  # kamerstuk | handelingen | zaak
    chamber: str = ""  # "I" | "II"
    vergaderjaar: str = ""
    dossier: str = ""
    ondernummer: str = ""
    target_id: str = ""  # "kst-27925-694"
    footnote: str = ""  # note number it was cited in, if any


@dataclass
class Letter:
    sender: str = ""
    addressee: str = ""
    date: str = ""
    signatory: str = ""


@dataclass
class Speech:
    seq: int
    speaker: str
    party: str = ""
    role: str = ""
    text: str = ""
    vote: str = ""  # "aangenomen" | "verworpen" when this turn states the outcome of a vote


@dataclass
class Motion:
    """A motion (motie) moved in a sitting: its text, who moved it and the number its paper got."""

    seq: int
    speech_seq: int  # the turn whose text holds the motion
    submitted_by: list[str] = field(default_factory=list)  # members as the chair names them
    identifier: str = ""  # the motion's paper, "kst-31311-199", when its number and dossier are stated
    dossier: str = ""  # "31311", "36410-XIV"
    number: str = ""  # "199" (TK numbers), "G" (EK letters)
    considerations: list[str] = field(default_factory=list)  # "overwegende dat ...;", "constaterende dat ...;"
    requests: list[str] = field(default_factory=list)  # what the chamber asks or states: "verzoekt de regering ..."
    text: str = ""  # the whole motion, "De Kamer, ... en gaat over tot de orde van de dag."
    page: int = 0  # page the motion starts on (0 when unknown)


@dataclass
class Attendee:
    """One name on the attendance list of a sitting (Handelingen)."""

    name: str
    status: str  # "aanwezig" | "afwezig"
    role: str = ""  # empty for members; "voorzitter", or the office of a government member


@dataclass
class PageInfo:
    number: int
    width: float
    height: float
    chars: int | None  # None: the page was not read, only its facts (see pipeline.parse.pdf.facts)
    words: int | None
    has_text: bool


@dataclass
class Document:
    """A parsed paper. `source` names the input kind; everything else is source-independent."""

    source: SourceKind
    source_path: str
    pages: int = 0
    has_text_layer: bool = True
    no_text_reason: str = ""
    metadata: Metadata = field(default_factory=Metadata)
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    committee: Committee = field(default_factory=Committee)
    qa: list[QAPair] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    speeches: list[Speech] = field(default_factory=list)
    attendance: list[Attendee] = field(default_factory=list)
    motions: list[Motion] = field(default_factory=list)
    page_info: list[PageInfo] = field(default_factory=list)

    @property
    def body_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind not in FURNITURE_KINDS]

    @property
    def text(self) -> str:
        """Body text only: paragraphs joined by a blank line."""
        return "\n\n".join(b.text for b in self.body_blocks if b.text)

    def to_json(self) -> dict[str, Any]:
        """The `parse --json` shape (a stable public contract), plus the full blocks."""
        meta = asdict(self.metadata)
        return {
            "source": self.source_path,
            "source_kind": self.source,
            "pages": self.pages,
            "has_text_layer": self.has_text_layer,
            "no_text_reason": self.no_text_reason,
            "metadata": meta,
            "text": self.text,
            "footnotes": [asdict(f) for f in self.footnotes],
            "committee": asdict(self.committee),
            "qa": [asdict(q) for q in self.qa],
            "references": [asdict(r) for r in self.references],
            "letters": [asdict(x) for x in self.letters],
            "speeches": [asdict(s) for s in self.speeches],
            "attendance": [asdict(a) for a in self.attendance],
            "motions": [asdict(m) for m in self.motions],
            "blocks": [asdict(b) for b in self.blocks],
            "page_info": [asdict(p) for p in self.page_info],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        """Inverse of `to_json` (used by the parsed-document store)."""
        blocks = [
            Block(
                kind=b["kind"], text=b["text"], page=b["page"], bbox=tuple(b["bbox"]),
                style=Style(**b["style"]), footnote_refs=list(b.get("footnote_refs", [])),
            )
            for b in data.get("blocks", [])
        ]
        committee = data.get("committee") or {}
        return cls(
            source=data["source_kind"],
            source_path=data["source"],
            pages=data["pages"],
            has_text_layer=data["has_text_layer"],
            no_text_reason=data.get("no_text_reason", ""),
            metadata=Metadata(**data["metadata"]),
            blocks=blocks,
            footnotes=[Footnote(**f) for f in data.get("footnotes", [])],
            committee=Committee(
                name=committee.get("name", ""),
                members=[Member(**m) for m in committee.get("members", [])],
            ),
            qa=[QAPair(**q) for q in data.get("qa", [])],
            references=[Reference(**r) for r in data.get("references", [])],
            letters=[Letter(**x) for x in data.get("letters", [])],
            speeches=[Speech(**s) for s in data.get("speeches", [])],
            attendance=[Attendee(**a) for a in data.get("attendance", [])],
            motions=[Motion(**m) for m in data.get("motions", [])],
            page_info=[PageInfo(**p) for p in data.get("page_info", [])],
        )
