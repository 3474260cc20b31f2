"""Handelingen: the motions (moties) moved in a sitting, read from its turns whatever their source.

A motion is spoken text of a fixed form: "De Kamer, / gehoord de beraadslaging, / overwegende dat
...; / verzoekt de regering ..., / en gaat over tot de orde van de dag." The chair names who moved it
and the number its paper gets, after it in the Tweede Kamer ("Deze motie is voorgesteld door de
leden A, B en C. ... Zij krijgt nr. 199 (31311).") and before it in the Eerste Kamer ("Door de leden
A en B wordt de volgende motie voorgesteld: ... Zij krijgt letter G (35 300)."). The motion's text
stays in the turn it was read in (it is what was said there, and keeps PDF and XML turns alike).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.identifiers import parse_identifier
from pipeline.model import Block, Motion, Speech
from pipeline.parse.structure.text import DOSSIER, dossier_of, join_name_breaks, squash

_OPENING = re.compile(r"\bDe\s+Kamer,\s+gehoord\s+de\s+beraadslaging,?\s*")
_CLOSING = re.compile(r"\s*en\s+gaat\s+over\s+tot\s+de\s+orde\s+van\s+de\s+dag\b\.?")
_MEMBERS = r"(?:de\s+leden|het\s+lid)\s+(?P<names>[^.:;()]+?)"
#: The chair after the motion: "Deze motie is voorgesteld door de leden A, B en C."
_MOVED_BY = re.compile(rf"\b(?:voorgesteld|ingediend)\s+door\s+{_MEMBERS}\s*[.:]")
#: The chair before it: "Door de leden A en B wordt de volgende motie voorgesteld:".
_MOVED_BY_BEFORE = re.compile(
    rf"\bDoor\s+{_MEMBERS}\s+(?:wordt|is)\s+(?:de\s+volgende|een)\s+motie\s+(?:voorgesteld|ingediend)\b"
)
_ONDER = r"(?:nr\.|nummer|letter)\s*(?P<onder>\d+[a-z]?|[A-Z]{1,3})"
#: "Zij krijgt nr. 199 (31311).", "Zij krijgt nr. 12 (36 410-XIV).", "Zij krijgt letter G (35 300).",
#: and a motion altered: "Zij krijgt nr. 210, was nr. 202 (31311)."
_NUMBERED = re.compile(
    rf"\bZij\s+krijgt\s+{_ONDER}(?:\s*,\s*was\s+(?:nr\.|nummer|letter)\s*\w+)?\s*\(\s*{DOSSIER}\s*\)"
)
_NAME_SPLIT = re.compile(r"\s*,\s*|\s+en\s+")
_CLAUSE_SPLIT = re.compile(r"\n\s*\n|(?<=;)\s+(?=[a-z])")
#: Words ending in "t" that open a consideration, not what the chamber decides ("gelet op ...").
_NOT_OPERATIVE = frozenset({"gelet", "met", "niet", "dat"})
#: How far (characters) before or after a motion the chair's words about it are looked for.
_REACH = 1000


@dataclass(frozen=True)
class _Turns:
    """The turns' text as one string, and where each turn starts in it."""

    text: str
    starts: list[int]
    speeches: Sequence[Speech]

    @classmethod
    def of(cls, speeches: Sequence[Speech]) -> _Turns:
        starts, offset = [], 0
        for speech in speeches:
            starts.append(offset)
            offset += len(speech.text) + 2
        return cls("\n\n".join(s.text for s in speeches), starts, speeches)

    def speech_at(self, offset: int) -> Speech:
        index = max(i for i, start in enumerate(self.starts) if start <= offset)
        return self.speeches[index]


def _names(match: re.Match[str] | None) -> list[str]:
    names = squash(join_name_breaks(match.group("names"))) if match else ""
    return [name for name in _NAME_SPLIT.split(names) if name]


def _clauses(body: str) -> tuple[list[str], list[str]]:
    """(considerations, requests): the clauses before what the chamber decides, and those from it on.

    Considerations open with a participle ("overwegende", "constaterende") or a phrase ("van
    mening dat"); the first clause opening with a finite verb ("verzoekt", "roept ... op", "spreekt
    uit", "besluit") starts the requests."""
    clauses = [squash(c) for c in _CLAUSE_SPLIT.split(body) if c.strip()]
    for index, clause in enumerate(clauses):
        first = clause.split(maxsplit=1)[0].casefold()
        if first.endswith("t") and first not in _NOT_OPERATIVE:
            return clauses[:index], clauses[index:]
    return clauses, []


def _page(blocks: Sequence[Block], clause: str, start: int) -> tuple[int, int]:
    """(page, index) of the first block from `start` on holding the start of `clause`; (0, start) if none."""
    probe = clause[:60]
    for index in range(start, len(blocks)):
        if probe and probe in squash(blocks[index].text):
            return blocks[index].page, index + 1
    return 0, start


def extract_motions(speeches: Sequence[Speech], blocks: Sequence[Block] = ()) -> list[Motion]:
    """Every motion read out in `speeches`, in order; `blocks` (the body) give the page it starts on."""
    turns = _Turns.of(speeches)
    openings = list(_OPENING.finditer(turns.text))
    motions: list[Motion] = []
    previous_end, cursor = 0, 0
    for index, opening in enumerate(openings):
        following = openings[index + 1].start() if index + 1 < len(openings) else len(turns.text)
        closing = _CLOSING.search(turns.text, opening.end(), following)
        if closing is None:
            continue
        before = turns.text[max(previous_end, opening.start() - _REACH):opening.start()]
        after = turns.text[closing.end():min(following, closing.end() + _REACH)]
        previous_end = closing.end()
        moved_by = _MOVED_BY.search(after) or next(reversed(list(_MOVED_BY_BEFORE.finditer(before))), None)
        numbered = _NUMBERED.search(after)
        dossier, number = (dossier_of(numbered), numbered.group("onder")) if numbered else ("", "")
        identifier = parse_identifier(f"kst-{dossier}-{number}") if numbered else None
        considerations, requests = _clauses(turns.text[opening.end():closing.start()])
        page, cursor = _page(blocks, (considerations or requests or [""])[0], cursor)
        motions.append(Motion(
            seq=len(motions) + 1, speech_seq=turns.speech_at(opening.start()).seq,
            submitted_by=_names(moved_by), identifier=identifier.text if identifier else "",
            dossier=dossier, number=number, considerations=considerations, requests=requests,
            text=squash(turns.text[opening.start():closing.end()]), page=page,
        ))
    return motions
