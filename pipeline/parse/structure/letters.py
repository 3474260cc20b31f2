"""Letters inside a paper: each signed section, or each "BRIEF VAN ..." section, with its particulars."""

from __future__ import annotations

import re

from pipeline.model import Block, Letter
from pipeline.parse.structure.text import iso_date, squash

_HEADING = re.compile(r"^BRIEF\s+VAN\s+(?P<sender>.+)$", re.DOTALL)
_ADDRESSEE = re.compile(r"^Aan\s+(?:de\s+|het\s+)?(?P<to>[A-Z].{2,150})$")
_PLACE_DATE = re.compile(r"^(?:Den Haag|’s-Gravenhage|'s-Gravenhage),?\s+\d{1,2}\s+\w+\s+\d{4}\.?$")
_SIGNATURE = re.compile(
    r"^(?P<function>(?:De|Het)\s+.{3,250}?),\s*"
    r"(?P<name>(?:(?:[A-Z][\w’'-]*\.?|[a-z]{1,3}|van|de|der|den|ter|te)\s?){1,6})$"
)
_FUNCTIONS = re.compile(r"\b(?:voorzitter|griffier|minister|staatssecretaris|secretaris|commissaris)", re.I)


def signature(block: Block) -> tuple[str, str] | None:
    """(function, name) of a signature block: "De griffier van ...,\\nVan Luijk" -> ("griffier van ...", "Van Luijk")."""
    text = squash(block.text)
    match = _SIGNATURE.match(text) if len(text) < 300 else None  # a signature is short
    if match and _FUNCTIONS.search(match.group("function")):
        function = re.sub(r"^(?:De|Het)\s+", "", match.group("function"))
        return function, match.group("name").strip()
    if block.kind == "signature" and text:
        return "", text
    return None


def _sender_from_heading(text: str) -> str:
    """ "BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN" -> "minister van buitenlandse zaken"."""
    sender = squash(text).casefold()
    return re.sub(r"^(?:de|het)\s+", "", sender)


def extract_letters(blocks: list[Block]) -> list[Letter]:
    """One `Letter` per signed section or "BRIEF VAN" section, in order."""
    letters: list[Letter] = []
    current = Letter()
    has_heading = False
    previous_function = ""
    for block in blocks:
        text = squash(block.text)
        if heading := _HEADING.match(text):
            if has_heading:
                letters.append(current)
            current, has_heading = Letter(sender=_sender_from_heading(heading.group("sender"))), True
        elif (to := _ADDRESSEE.match(text)) and not current.addressee:
            current.addressee = to.group("to")
        elif _PLACE_DATE.match(text) and not current.date:
            current.date = iso_date(text)
        elif signed := signature(block):
            function, name = signed
            current.sender = function or previous_function or current.sender
            current.signatory = name
            if current.sender or current.addressee or current.date:  # not the signers of a motie
                letters.append(current)
            current, has_heading = Letter(), False
        previous_function = re.sub(r"^(?:De|Het)\s+", "", text.rstrip(",")) if text.endswith(",") else ""
    if has_heading:
        letters.append(current)
    return letters
