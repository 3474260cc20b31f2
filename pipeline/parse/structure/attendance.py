"""Handelingen: the attendance list of a sitting ("Tegenwoordig, 71 leden, te weten: ...") as data.

`Roll` takes the text of a sitting block by block: the lines that open or continue an attendance
list, and the "Voorzitter: Bruijn" line, are its own and never part of a speech turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Attendee
from pipeline.parse.structure.text import join_name_breaks

#: "71 leden, te weten:", "68 leden der Kamer, te weten:", or just the colon: a list follows.
_COUNT = r"(?:(?P<count>\d+)\s+leden(?:\s+der\s+Kamer)?,?\s*(?:te\s+weten\s*)?:|:)"
#: "Aanwezig zijn 68 leden der Kamer, te weten:", "Tegenwoordig, 71 leden, te weten:".
_PRESENT = re.compile(r"^(?:Aanwezig\s+(?:zijn|is)|Tegenwoordig(?:\s+zijn)?)\s*(?:[,:]\s*)?" + _COUNT + r"\s*(?P<rest>.*)$")
#: "Afwezig zijn: ...", "Met kennisgeving afwezig zijn de leden ...", "Afwezig met kennisgeving: ...".
_ABSENT = re.compile(
    r"^(?:Met\s+kennisgeving\s+afwezig|Afwezig(?:\s+met\s+kennisgeving)?)(?:\s+(?:zijn|is))?"
    r"(?:\s+(?:de\s+leden|het\s+lid)\s*:?|\s*(?:[,:]\s*)?" + _COUNT + r")\s*(?P<rest>.*)$"
)
#: "Voorzitter: Bruijn" — who presides, printed above the list.
_CHAIR = re.compile(r"^Voorzitter\s*:\s*(?P<name>[^,.:]{1,60}?)\.?$")
_TITLE = r"(?:de\s+heer|mevrouw|de\s+heren|de\s+dames)"
_OFFICE = r"(?:minister|staatssecretaris|vice-minister-president)\b"
#: A government member comes next: "mevrouw Van Ark, ...", "Snel, staatssecretaris ...".
_OFFICIAL_AHEAD = r"(?=" + _TITLE + r"\s|[^\W\d_][^,]*,\s*" + _OFFICE + r")"
#: Where the members end and the government begins: "..., Vos en Wever, en mevrouw Van Ark, minister ...".
_GOVERNMENT = re.compile(r"(?:,\s*|\s+)en\s+" + _OFFICIAL_AHEAD)
#: Between two government members: ", en de heer Knops, ...", ", en Snel, staatssecretaris ...",
#: or a title without "en": "..., de heer Grapperhaus, minister van Justitie en Veiligheid, ...".
_NEXT_OFFICIAL = re.compile(r",\s*(?:en\s+" + _OFFICIAL_AHEAD + r"|(?=" + _TITLE + r"\s))")
_LEADING_TITLE = re.compile(r"^(?:en\s+)?" + _TITLE + r"\s+")
_NAME_SEPARATOR = re.compile(r",\s*|\s+en\s+")
#: Lower-case words inside Dutch surnames ("Van der Linden", "Faber-van de Klashorst").
_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ten", "ter", "te", "in", "op", "'t", "d'", "la", "le"})
_MAX_NAME_WORDS = 6


def _is_name(item: str) -> bool:
    """A surname as listed: capitalised words and particles ("Van Apeldoorn", "Jasper van Dijk")."""
    words = item.split()
    return (0 < len(words) <= _MAX_NAME_WORDS and words[0][0].isupper()
            and all(w[0].isupper() or w in _PARTICLES or w.startswith("(") for w in words))


def _items(text: str) -> list[str]:
    """ "Van Apeldoorn, Atsma, ..., Vos en Wever." -> its items, without punctuation."""
    return [item for item in (i.strip(" .,;") for i in _NAME_SEPARATOR.split(text)) if item]


def _officials(text: str, status: str) -> list[Attendee]:
    """ "mevrouw Van Ark, minister voor Medische Zorg en Sport, en de heer Knops, staatssecretaris ..."."""
    officials = []
    for piece in _NEXT_OFFICIAL.split(text):
        name, _, role = _LEADING_TITLE.sub("", piece.strip()).rstrip(" .,;").partition(",")
        if _is_name(name.strip()):
            officials.append(Attendee(name=name.strip(), status=status, role=role.strip()))
    return officials


def _is_list_text(text: str) -> bool:
    """Names only: "Backer, Van Ballekom, Beukering"."""
    items = _items(text)
    return bool(items) and all(_is_name(item) for item in items)


def attendees(text: str, status: str) -> list[Attendee]:
    """The members and government members named in one list (the part after "te weten:")."""
    text = join_name_breaks(text)
    split = _GOVERNMENT.search(text)
    members, government = (text[: split.start()], text[split.end():]) if split else (text, "")
    named = [Attendee(name=item, status=status) for item in _items(members) if _is_name(item)]  # not "wegens ziekte"
    return named + _officials(government, status)


@dataclass
class Roll:
    """The attendance lists of one sitting, read from its blocks in order."""

    chair: str = ""
    listed: list[Attendee] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # lists that name fewer or more members than they count
    _status: str = ""  # status of the list being read, "" when none is open
    _count: str = ""  # the number of members the open list says it names
    _parts: list[str] = field(default_factory=list)

    def take(self, text: str, *, may_continue: bool = True) -> bool:
        """Whether `text` (one block, on one line) is attendance; when not, an open list ends."""
        if (match := _CHAIR.match(text)) and _is_name(match.group("name")):
            self.close()
            self.chair = match.group("name").strip()
            return True
        for status, opening in (("aanwezig", _PRESENT), ("afwezig", _ABSENT)):
            if match := opening.match(text):
                self.close()
                self._status, self._count, self._parts = status, match.group("count") or "", [match.group("rest")]
                return True
        if text == "Presentielijst":
            self.close()
            return True
        if self._status and may_continue and self._runs_on(text):
            self._parts.append(text)
            return True
        self.close()
        return False

    def _runs_on(self, text: str) -> bool:
        """Names run on a list not yet ended by a full stop; the government members may follow one."""
        if text.startswith("en ") and _LEADING_TITLE.match(text):
            return True
        return not self._parts[-1].endswith(".") and _is_list_text(text)

    def close(self) -> None:
        """End the open list, if any, and keep who it names."""
        if self._status:
            named = attendees(" ".join(self._parts), self._status)
            members = sum(1 for person in named if not person.role)
            if self._count and int(self._count) != members:
                self.flags.append(f"structure: the {self._status} list counts {self._count} leden but names {members}")
            self.listed += named
        self._status, self._count, self._parts = "", "", []

    def attendance(self) -> list[Attendee]:
        """Everyone listed, each name once per status; the presiding member has the role "voorzitter"."""
        self.close()
        seen: set[tuple[str, str]] = set()
        result = []
        for person in self.listed:
            if (person.name, person.status) not in seen:
                seen.add((person.name, person.status))
                result.append(person)
        if self.chair:
            present = next((p for p in result if p.name == self.chair and p.status == "aanwezig"), None)
            if present is None:
                result.insert(0, Attendee(name=self.chair, status="aanwezig", role="voorzitter"))
            elif not present.role:
                present.role = "voorzitter"
        return result
