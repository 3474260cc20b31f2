"""Handelingen turns as the official XML states them: who speaks, in which role, for which party.

A `spreker` opens a turn, in a `spreekbeurt` and in the `motie-info` under a motion, where the chair
speaks inside a member's turn. Its parts: `voorvoegsels` ("De heer", "Mevrouw", "Minister", "De"),
`naam` (`voorletters`, `tussenvoegsel`, `achternaam`; the chair's `achternaam` is "voorzitter"),
`functie`, and `politiek` (the party), with loose brackets and a colon between them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from pipeline.model import Speech
from pipeline.parse.xml.inline import collapse, local

#: Offices a speaker holds, as the structure stage names roles (lower case, the longest first).
_OFFICE = re.compile(r"\b(minister-president|minister|staatssecretaris|voorzitter|griffier)\b")
#: Titles of a member of the chamber.
_MEMBER_TITLES = frozenset({"de heer", "mevrouw"})
#: Brackets and colons between the parts of a `spreker`: the printed line sets them anew.
_LOOSE_PUNCTUATION = str.maketrans("():", "   ")

Text = Callable[[ET.Element], str]


def _loose(text: str | None) -> str:
    return (text or "").translate(_LOOSE_PUNCTUATION)


def _part(spreker: ET.Element, tag: str, text: Text) -> str:
    return " ".join(text(c) for c in spreker if local(c.tag) == tag).strip()


def _name(naam: ET.Element, text: Text) -> str:
    """'J. van Dijk' from `voorletters`, `tussenvoegsel`, `achternaam` (or the text of `naam` itself)."""
    parts = [text(part) for part in naam]
    return collapse(" ".join(parts)) if any(parts) else text(naam)


def speaker_line(spreker: ET.Element, text: Text) -> str:
    """The speaker as printed: 'De heer Wörsdörfer (VVD):', 'Minister Blok:', 'De voorzitter:'."""
    parts = [_loose(spreker.text)]
    for child in spreker:
        name = local(child.tag)
        value = _name(child, text) if name == "naam" else text(child)
        if name == "politiek" and value:
            value = f"({value.strip('()')})"
        parts += [value, _loose(child.tail)]
    line = re.sub(r"\s+(?=[,.;])", "", collapse(" ".join(parts))).strip(" ,")
    return f"{line}:" if line else ""


def _role(title: str, name: str, function: str, party: str) -> str:
    """'voorzitter', 'lid', 'minister', 'staatssecretaris', ... or the printed function in lower case.

    A party makes a member; else an office in the title or function ("De heer Rutte, minister-president")."""
    if _OFFICE.fullmatch(name.casefold()):
        return name.casefold()
    if party:
        return "lid"
    if office := _OFFICE.search(f"{title} {function}".casefold()):
        return office.group(1)
    if title.casefold() in _MEMBER_TITLES:
        return "lid"
    return collapse(function or title).casefold().removeprefix("de ")


def speech(spreker: ET.Element, text: Text) -> Speech:
    """The turn a `spreker` opens, without text yet; the party as printed (the structure stage normalises it)."""
    naam = next((c for c in spreker if local(c.tag) == "naam"), None)
    name = _name(naam, text) if naam is not None else ""
    title = collapse(" ".join([_loose(spreker.text), _part(spreker, "voorvoegsels", text)]))
    function = _part(spreker, "functie", text)
    party = _part(spreker, "politiek", text).strip("() ")
    role = _role(title, name, function, party)
    speaker = name.casefold() if name.casefold() == role else name or function or role
    return Speech(seq=0, speaker=speaker, party=party, role=role)
