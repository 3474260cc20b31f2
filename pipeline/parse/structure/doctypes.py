"""Document types: the printed title (or the identifier, or the SRU record) to one normalised name."""

from __future__ import annotations

import re

UNKNOWN = "onbekend"

#: (pattern on the case-folded title, type), most specific first. Older papers spell some
#: differently: "voorloopig verslag", "ontwerp van wet"/"wetsontwerp" for the bill, "den" for "de".
_TYPES: tuple[tuple[str, str], ...] = (
    (r"\bnader voorlo{1,2}pig verslag\b", "nader voorlopig verslag"),
    (r"\bvoorlo{1,2}pig verslag\b", "voorlopig verslag"),
    (r"\bnadere memorie van antwoord\b", "nadere memorie van antwoord"),
    (r"\bmemorie van antwoord\b", "memorie van antwoord"),
    (r"\bmemorie van toelichting\b", "memorie van toelichting"),
    (r"\bverslag van een nader schriftelijk overleg\b", "verslag van een nader schriftelijk overleg"),
    (r"\bverslag van een schriftelijk overleg\b", "verslag van een schriftelijk overleg"),
    (r"\bnota naar aanleiding van het (?:nader |eind|(?:nader )?voorlo{1,2}pig )?verslag\b",
     "nota naar aanleiding van het verslag"),
    (r"\bnota van wijziging(?:en)?\b", "nota van wijziging"),
    (r"\bnota van verbetering\b", "nota van verbetering"),
    (r"\badvies (?:van de )?raad van state\b|\bnader rapport\b", "advies raad van state"),
    (r"\b(?:verslag houdende een )?lijst van vragen en antwoorden\b", "lijst van vragen en antwoorden"),
    (r"\beindverslag\b", "eindverslag"),
    (r"\bgewijzigd (?:voorstel|ontwerp) van (?:rijks)?wet\b", "gewijzigd voorstel van wet"),
    (r"\b(?:voorstel|ontwerp) van (?:rijks)?wet\b|\bwets(?:voorstel|ontwerp)\b", "voorstel van wet"),
    (r"\bmoties?\b", "motie"),
    (r"\bamendement(?:en)?\b", "amendement"),
    (r"\bkoninklijke boodschap\b", "koninklijke boodschap"),
    (r"\baanhangsel\b|\bkamervragen\b", "aanhangsel"),
    (r"\bhandeling(?:en)?\b|\bstenogram\b", "handelingen"),  # a stenogram: the sitting's verbatim report
    (r"\bbrief\b", "brief"),
    (r"\bverslag\b", "verslag"),
)
_COMPILED = tuple((re.compile(pattern), name) for pattern, name in _TYPES)

#: Identifier prefixes that settle the type by themselves.
_PREFIXES = (("ah-", "aanhangsel"), ("h-", "handelingen"), ("kv-", "aanhangsel"))


def classify(*texts: str) -> str:
    """The type named by the first of `texts` that names one (a title, a record field), else "onbekend".
    Within a text the name that comes first counts ("BRIEF ... INZAKE DE MOTIE ..." is a letter),
    at one place the most specific."""
    for text in texts:
        folded = " ".join(text.casefold().split())
        found = [(match.start(), rank, name) for rank, (pattern, name) in enumerate(_COMPILED)
                 if (match := pattern.search(folded))]
        if found:
            return min(found)[2]
    return UNKNOWN


def opens_with_type(text: str) -> bool:
    """Whether `text` opens with the name of a document type ("Verslag van een ...", "Stenogram ...")."""
    folded = " ".join(text.casefold().split())
    return any(match.start() == 0 for pattern, _ in _COMPILED if (match := pattern.search(folded)))


def type_of_identifier(identifier: str) -> str:
    """ "ah-tk-20202021-3235" -> "aanhangsel", "h-ek-20192020-20-5" -> "handelingen", else "onbekend"."""
    for prefix, name in _PREFIXES:
        if identifier.startswith(prefix):
            return name
    return UNKNOWN
