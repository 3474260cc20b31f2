"""Document types: the printed title (or the identifier, or the SRU record) to one normalised name."""

from __future__ import annotations

import re

UNKNOWN = "onbekend"

#: (pattern on the case-folded title, type), most specific first.
_TYPES: tuple[tuple[str, str], ...] = (
    (r"\bnader voorlopig verslag\b", "nader voorlopig verslag"),
    (r"\bvoorlopig verslag\b", "voorlopig verslag"),
    (r"\bnadere memorie van antwoord\b", "nadere memorie van antwoord"),
    (r"\bmemorie van antwoord\b", "memorie van antwoord"),
    (r"\bmemorie van toelichting\b", "memorie van toelichting"),
    (r"\bverslag van een nader schriftelijk overleg\b", "verslag van een nader schriftelijk overleg"),
    (r"\bverslag van een schriftelijk overleg\b", "verslag van een schriftelijk overleg"),
    (r"\bnota naar aanleiding van het (?:nader )?verslag\b", "nota naar aanleiding van het verslag"),
    (r"\beindverslag\b", "eindverslag"),
    (r"\bgewijzigd voorstel van wet\b", "gewijzigd voorstel van wet"),
    (r"\bvoorstel van (?:rijks)?wet\b|\bwetsvoorstel\b", "voorstel van wet"),
    (r"\bmotie\b", "motie"),
    (r"\bamendement\b", "amendement"),
    (r"\bkoninklijke boodschap\b", "koninklijke boodschap"),
    (r"\baanhangsel\b|\bkamervragen\b", "aanhangsel"),
    (r"\bhandeling(?:en)?\b", "handelingen"),
    (r"\bbrief\b", "brief"),
    (r"\bverslag\b", "verslag"),
)
_COMPILED = tuple((re.compile(pattern), name) for pattern, name in _TYPES)

#: Identifier prefixes that settle the type by themselves.
_PREFIXES = (("ah-", "aanhangsel"), ("h-", "handelingen"), ("kv-", "aanhangsel"))


def classify(*texts: str) -> str:
    """The type named by the first of `texts` that names one (a title, a record field), else "onbekend"."""
    for text in texts:
        folded = " ".join(text.casefold().split())
        for pattern, name in _COMPILED:
            if folded and pattern.search(folded):
                return name
    return UNKNOWN


def type_of_identifier(identifier: str) -> str:
    """ "ah-tk-20202021-3235" -> "aanhangsel", "h-ek-20192020-20-5" -> "handelingen", else "onbekend"."""
    for prefix, name in _PREFIXES:
        if identifier.startswith(prefix):
            return name
    return UNKNOWN
