"""The committee: its name from the body, its members from the "Samenstelling:" note."""

from __future__ import annotations

import re

from pipeline.model import Block, Committee, Footnote, Member
from pipeline.parse.structure.parties import normalise_party
from pipeline.parse.structure.text import join_name_breaks, squash

_COMMITTEE = re.compile(r"\b((?:vaste|bijzondere|tijdelijke|gezamenlijke)\s+commissies?\s+voor)\s+(.*)", re.DOTALL)
#: Words that may stand inside a committee name besides capitalised ones.
_NAME_LINKS = frozenset({"en", "van", "de", "het", "voor", "/", "&"})
_ROLES = (
    (re.compile(r"^(?:2e|tweede)\s+(?:onder|vice)voorzitter$"), "2e ondervoorzitter"),
    (re.compile(r"^(?:1e|eerste\s+)?\s*(?:onder|vice)voorzitter$"), "1e ondervoorzitter"),
    (re.compile(r"^voorzitter$"), "voorzitter"),
)
_BRACKETS = re.compile(r"\(([^()]*)\)")


def _role(text: str) -> str:
    folded = " ".join(re.sub(r"(?<=\w)-\s+(?=\w)", "", text).casefold().split())  # "voorzit- ter"
    return next((role for pattern, role in _ROLES if pattern.match(folded)), "")


def _name_from(rest: str) -> str:
    """The capitalised run at the start of `rest`: "Buitenlandse Zaken, Defensie en X1 hebben" -> "...X"."""
    words: list[str] = []
    for token in re.split(r"(\s+|\n)", rest):
        if not token.strip():
            if "\n" in token and words and words[-1].endswith(","):
                break
            continue
        word = token.rstrip(",;.:")
        glued_note = re.match(r"^(\D+?)\d+$", word)
        if glued_note:
            words.append(glued_note.group(1))
            break
        if not (word[:1].isupper() or word in _NAME_LINKS) or token.startswith("("):
            break
        words.append(token)
        if token != word and not token.endswith(","):  # "," continues the name, "." ends it
            break
    while words and words[-1].rstrip(",") in _NAME_LINKS:
        words.pop()
    return " ".join(words).rstrip(",;.")


def committee_name(blocks: list[Block], note_number: str = "") -> str:
    """The committee named in the block that carries the composition note (else the first naming one)."""
    marked = [b for b in blocks if note_number and note_number in b.footnote_refs]
    for block in marked + blocks:
        match = _COMMITTEE.search(block.text)
        if match:
            name = _name_from(match.group(2))
            if name:
                return f"{squash(match.group(1))} {squash(name)}"
    return ""


def _members(text: str) -> list[Member]:
    """Members from "A (PVV), B (SP), (voorzitter), C (VVD) en D (FVD)."."""
    members: list[Member] = []
    position = 0
    for match in _BRACKETS.finditer(text):
        before = text[position : match.start()]
        position = match.end()
        parts = [p.strip() for p in before.split(",")]
        for part in parts[:-1]:  # roles written without brackets: "B (SP), voorzitter, C (VVD)"
            if members and _role(part):
                members[-1].role = _role(part)
        name = re.sub(r"^(?:en|and)\s+", "", parts[-1]).strip(" ;.")
        inside = match.group(1).strip()
        if not name:
            if members and _role(inside):
                members[-1].role = _role(inside)
            continue
        members.append(Member(name=squash(name), party=normalise_party(inside)))
    return members


def composition_note(footnotes: list[Footnote]) -> Footnote | None:
    return next((note for note in footnotes if "Samenstelling" in note.text), None)


def extract_committee(blocks: list[Block], footnotes: list[Footnote]) -> Committee:
    """Name and members; an empty `Committee` when the paper names none."""
    note = composition_note(footnotes)
    members: list[Member] = []
    if note is not None:
        text = join_name_breaks(squash(note.text))
        text = text.split("Samenstelling", 1)[1].lstrip(" :")
        members = _members(text)
    return Committee(name=committee_name(blocks, note.number if note else ""), members=members)
