"""Handelingen turns as the official XML states them: who speaks, in which role, for which party.

A `spreker` opens a turn, in a `spreekbeurt` and in the `motie-info` under a motion, where the chair
speaks inside a member's turn. Its parts: `voorvoegsels` ("De heer", "Mevrouw", "Minister", "De"),
`naam` (`voorletters`, `tussenvoegsel`, `achternaam`; the chair's `achternaam` is "voorzitter"),
`functie`, and `politiek` (the party), with loose text between them. The Tweede Kamer marks the
party up (`(<politiek>VVD</politiek>):`); the Eerste Kamer prints it as loose text after the name
(`<naam>…</naam> (SP):`), and a function too (`</naam>, minister van Financiën:`). Both read as the
printed line, which the speaker-tag grammar of `pipeline.parse.structure.speeches` takes apart.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from pipeline.model import Speech
from pipeline.parse.structure.speeches import speaker
from pipeline.parse.xml.inline import collapse, local

Text = Callable[[ET.Element], str]


def _name(naam: ET.Element, text: Text) -> str:
    """'J. van Dijk' from `voorletters`, `tussenvoegsel`, `achternaam` (or the text of `naam` itself)."""
    parts = [text(part) for part in naam]
    return collapse(" ".join(parts)) if any(parts) else text(naam)


def speaker_line(spreker: ET.Element, text: Text) -> str:
    """The speaker as printed: 'De heer Wörsdörfer (VVD):', 'Mevrouw Gerkens (SP):', 'De voorzitter:'.

    A marked-up party is set in brackets (the loose ones around it dropped); a colon may stand in
    any part or after them: the line gets one, at its end."""
    parts = [spreker.text or ""]
    for child in spreker:
        name = local(child.tag)
        value = _name(child, text) if name == "naam" else text(child)
        tail = child.tail or ""
        if name == "politiek" and value:
            parts[-1] = parts[-1].rstrip().removesuffix("(")
            value, tail = f"({value.strip('() ')})", tail.lstrip().removeprefix(")")
        parts += [value, tail]
    line = collapse(" ".join(parts).replace(":", " "))
    line = re.sub(r"\(\s+", "(", re.sub(r"\s+(?=[,.;)])", "", line)).strip(" ,")
    return f"{line}:" if line else ""


def speech(spreker: ET.Element, text: Text) -> Speech:
    """The turn a `spreker` opens, without text yet: speaker, fractie code and role of its printed line."""
    name, party, role = speaker(speaker_line(spreker, text))
    return Speech(seq=0, speaker=name, party=party, role=role)
