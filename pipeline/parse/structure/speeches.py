"""Handelingen: speaker turns (speaker, party or office, text), the vote outcomes the text states,
and the attendance list, which is no part of any turn."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.model import Attendee, Block, Speech
from pipeline.parse.structure.attendance import Roll
from pipeline.parse.structure.parties import normalise_party
from pipeline.parse.structure.text import squash

#: Government offices a speaker may hold, the longest first (roles are these in lower case).
_GOVERNMENT = r"(?:[Mm]inister-president|[Mm]inister|[Ss]taatssecretaris)"
#: "De heer Van Apeldoorn (SP):", "Mevrouw Karimi (GroenLinks):", "De voorzitter:", "Minister Blok:",
#: "De heer Koolmees, minister van Sociale Zaken en Werkgelegenheid:".
_TURN = re.compile(
    r"^(?P<tag>(?:De heer|Mevrouw|Kamerlid)\s+[^:()]{1,60}\([^)]{1,40}\)"
    r"|(?:De heer|Mevrouw)\s+[^:(),]{1,60},\s+" + _GOVERNMENT + r"\b[^:]{0,80}?"
    r"|De (?:voorzitter|griffier)"
    r"|(?:De\s+)?" + _GOVERNMENT + r"\b[^:]{0,80}?)"
    r"\s*:\s*(?P<text>.*)$",
    re.DOTALL,
)
_TITLE = r"(?:(?:De heer|Mevrouw|Kamerlid)\s+)"
#: "De voorzitter", "De tijdelijke voorzitter", "De ondervoorzitter", "De griffier": the chair's role is voorzitter.
_CHAIR = re.compile(
    r"^(?:de\s+)?(?P<office>(?:(?:tijdelijke|eerste|tweede|\d+e)\s+)?(?:onder)?voorzitter|griffier)$", re.IGNORECASE)
#: "De heer Van Apeldoorn (SP)", "Karimi (GroenLinks)", "Mevrouw Vos (PvdA), rapporteur".
_MEMBER = re.compile(rf"^{_TITLE}?(?P<name>[^()]+?)\s*\((?P<party>[^()]+)\)(?:\s*,.*)?$")
#: "Minister Blok", "Staatssecretaris Knops", "Minister-president Rutte", "De minister van Financiën".
_OFFICE = re.compile(rf"^(?:De\s+)?(?P<office>{_GOVERNMENT})\b\s*(?P<name>.*)$")
#: "De heer Koolmees, minister van Sociale Zaken en Werkgelegenheid", "Hoekstra, minister van Financiën".
_HOLDER = re.compile(rf"^{_TITLE}?(?P<name>[^,()]+?)\s*,\s*(?P<function>.+)$")
#: "De heer Van Haga": a member as the XML marks up one without a party.
_NAMED = re.compile(rf"^{_TITLE}(?P<name>[^,()]+)$")
#: "... zodat het is aangenomen", "De motie wordt verworpen", "wordt zonder stemming aangenomen".
_OUTCOME = re.compile(
    r"\b(?:is|wordt|worden|zijn)\s+(?:(?:zonder\s+stemming|met\s+algemene\s+stemmen)\s+)?(?P<outcome>aangenomen|verworpen)\b"
)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_CONDITION = re.compile(r"^(?:als|indien|wanneer|mocht)\b", re.IGNORECASE)


#: Block kinds that carry what is said (a signature block may still be an attendance list).
_SPOKEN_KINDS = frozenset({"paragraph", "list_item", "label"})


def vote_outcome(text: str) -> str:
    """ "aangenomen" or "verworpen" when `text` states the outcome of a vote, else "".

    A question or a condition states none ("Als de motie niet wordt aangenomen, wat is uw oordeel?")."""
    for sentence in _SENTENCE_END.split(text):
        if sentence.rstrip().endswith("?") or _CONDITION.match(sentence):
            continue
        if match := _OUTCOME.search(sentence):
            return match.group("outcome")
    return ""


def speaker(tag: str) -> tuple[str, str, str]:
    """(speaker, party, role) of a printed speaker tag, without its colon: a member ("lid", with the
    fractie code), the chair ("voorzitter"), a minister or staatssecretaris, or the office as printed."""
    tag = squash(tag).rstrip(": ")
    if match := _CHAIR.match(tag):
        office = match.group("office").lower()
        return office, "", "griffier" if office == "griffier" else "voorzitter"
    if match := _MEMBER.match(tag):
        return match.group("name"), normalise_party(match.group("party")), "lid"
    if match := _OFFICE.match(tag):
        name = re.sub(r"^(?:van|voor)\s+.*", "", match.group("name")).strip(" ,") or tag
        return name, "", match.group("office").lower()
    if match := _HOLDER.match(tag):
        office = re.search(rf"\b{_GOVERNMENT}\b", match.group("function"))
        return match.group("name"), "", (office.group(0) if office else match.group("function")).lower()
    if match := _NAMED.match(tag):
        return match.group("name"), "", "lid"
    office = tag.removeprefix("De ").lower()
    return office, "", office


@dataclass
class Sitting:
    """What a Handelingen item holds: its turns, its attendance list, and flags on that list."""

    speeches: list[Speech] = field(default_factory=list)
    attendance: list[Attendee] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _stated(turns: Sequence[Speech], listed: set[str]) -> list[Speech]:
    """Turns the source states (official XML), less the paragraphs that are an attendance list."""
    return [replace(turn, party=normalise_party(turn.party),
                    text="\n\n".join(p for p in turn.text.split("\n\n") if squash(p) not in listed))
            for turn in turns]


def extract_sitting(blocks: Sequence[Block], stated: Sequence[Speech] = ()) -> Sitting:
    """One `Speech` per turn, holding only what was said, and the attendance list of the sitting.

    Blocks without a speaker tag continue the running turn, unless they open or continue an
    attendance list; a turn with nothing said is none. Turns the source `stated` (who speaks is
    marked up in official XML) are taken as they are, less any attendance list in them.
    """
    speeches: list[Speech] = []
    listed: set[str] = set()  # what the attendance lists took
    roll = Roll()
    for block in blocks:
        text = squash(block.text)
        turn = _TURN.match(text)
        tag_alone = turn is not None and not turn.group("text")  # set on a line of its own, maybe all bold
        if block.kind not in _SPOKEN_KINDS and not (tag_alone and block.kind == "heading"):
            roll.take(text, may_continue=block.kind == "signature")  # a heading or table ends a list;
            continue  # a signature may run it on
        said = turn.group("text").strip() if turn else text
        attendance = roll.take(said, may_continue=not turn)
        if attendance:
            listed.add(said)
        if turn:
            name, party, role = speaker(turn.group("tag"))
            speeches.append(Speech(seq=0, speaker=name, party=party, role=role,
                                   text="" if attendance else said))
        elif speeches and not attendance:
            current = speeches[-1]
            current.text = f"{current.text}\n\n{text}" if current.text else text
    speeches = [s for s in (_stated(stated, listed) if stated else speeches) if s.text]
    for seq, speech in enumerate(speeches, start=1):
        speech.seq = seq
        # the chair states the outcome; a member may only mention one
        speech.vote = vote_outcome(speech.text) if speech.role == "voorzitter" else ""
    return Sitting(speeches, roll.attendance(), roll.flags)
