"""Handelingen: speaker turns (speaker, party or office, text) and the vote outcomes the text states."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.model import Block, Speech
from pipeline.parse.structure.parties import normalise_party
from pipeline.parse.structure.text import squash

#: "De heer Van Apeldoorn (SP):", "Mevrouw Karimi (GroenLinks):", "De voorzitter:", "Minister Blok:".
_TURN = re.compile(
    r"^(?P<tag>(?:De heer|Mevrouw)\s+[^:()]{1,60}\([^)]{1,40}\)"
    r"|De (?:voorzitter|griffier)"
    r"|(?:De\s+)?(?:[Mm]inister(?:-president)?|[Ss]taatssecretaris)\b[^:]{0,80}?)"
    r"\s*:\s*(?P<text>.*)$",
    re.DOTALL,
)
_MEMBER = re.compile(r"^(?:De heer|Mevrouw)\s+(?P<name>[^()]+?)\s*\((?P<party>[^)]+)\)$")
_OFFICE = re.compile(r"^(?:De\s+)?(?P<office>[Mm]inister(?:-president)?|[Ss]taatssecretaris)\s*(?P<name>.*)$")
#: "... zodat het is aangenomen", "De motie wordt verworpen", "wordt zonder stemming aangenomen".
_OUTCOME = re.compile(
    r"\b(?:is|wordt|worden|zijn)\s+(?:(?:zonder\s+stemming|met\s+algemene\s+stemmen)\s+)?(?P<outcome>aangenomen|verworpen)\b"
)


def vote_outcome(text: str) -> str:
    """ "aangenomen" or "verworpen" when `text` states the outcome of a vote, else ""."""
    match = _OUTCOME.search(text)
    return match.group("outcome") if match else ""


def _speaker(tag: str) -> tuple[str, str, str]:
    """(speaker, party, role) of a turn tag."""
    tag = squash(tag)
    if match := _MEMBER.match(tag):
        return match.group("name"), normalise_party(match.group("party")), "lid"
    if match := _OFFICE.match(tag):
        office = match.group("office").lower()
        name = re.sub(r"^van\s+.*", "", match.group("name")).strip() or tag
        return name, "", office
    office = tag.removeprefix("De ").lower()
    return office, "", office


def extract_speeches(blocks: Sequence[Block]) -> list[Speech]:
    """One `Speech` per turn; blocks without a speaker tag continue the running turn."""
    speeches: list[Speech] = []
    for block in blocks:
        if block.kind not in ("paragraph", "list_item", "label"):
            continue
        text = squash(block.text)
        if turn := _TURN.match(text):
            speaker, party, role = _speaker(turn.group("tag"))
            speeches.append(Speech(seq=len(speeches) + 1, speaker=speaker, party=party, role=role,
                                   text=turn.group("text").strip()))
        elif speeches:
            current = speeches[-1]
            current.text = f"{current.text}\n\n{text}" if current.text else text
    for speech in speeches:  # the chair states the outcome; a member may only mention one
        speech.vote = vote_outcome(speech.text) if speech.role == "voorzitter" else ""
    return speeches
