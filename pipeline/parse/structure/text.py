"""Small text helpers shared by the extractors: spacing, Dutch dates, vergaderjaren, dossier numbers."""

from __future__ import annotations

import re

MONTHS = {
    name: number
    for number, name in enumerate(
        ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
         "september", "oktober", "november", "december"),
        start=1,
    )
}

#: "11 februari 2020" (also "1e"? no: Dutch dates are plain day numbers).
DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)

#: A dossier number as printed: "27 925", "27925", "36.600" (thin or plain space, or a dot).
DOSSIER_NUMBER = r"\d{2}[\s\u2009\u202f.]?\d{3}"

#: A budget chapter after a dossier number: "VII", "XVI", or a fund letter ("A", "B", "J").
CHAPTER = r"(?:[IVXL]+|[A-Z])"

#: A dossier with a budget chapter ("36 600 VII", "36 410-XIV") or a numbered part ("21 501-20");
#: `dossier_of` reads a match of it.
DOSSIER = rf"(?P<number>{DOSSIER_NUMBER})(?:\s*-\s*(?P<part>\d{{1,3}})|\s*[-\s]\s*(?P<chapter>{CHAPTER}))?\b"

#: The dash between two years: a hyphen, an en or em dash, or another of the Unicode dashes
#: (a figure dash in "Vergaderjaar 2026‒2027").
DASH = "[-\u2010-\u2015]"
_VERGADERJAAR = re.compile(rf"(\d{{4}})\s*(?:{DASH}|/)\s*(\d{{4}}|\d{{2}})(?!\d)")


def squash(text: str) -> str:
    """`text` on one line with single spaces."""
    return " ".join(text.split())


def join_name_breaks(text: str) -> str:
    """Rejoin a double name broken at its hyphen: "Huizinga- Heringa" -> "Huizinga-Heringa"."""
    return re.sub(r"(\w)-\s+(?=[A-Z])", r"\1-", text)


def iso_date(text: str) -> str:
    """The first Dutch date in `text` as YYYY-MM-DD, or ""."""
    match = DATE.search(text)
    if not match:
        return ""
    day, month, year = match.groups()
    return f"{year}-{MONTHS[month.lower()]:02d}-{int(day):02d}"


def vergaderjaar(text: str) -> str:
    """ "2019–2020", "2019/20", "2019-2020" -> "2019-2020"; "" when there is none."""
    match = _VERGADERJAAR.search(text)
    if not match:
        return ""
    first, second = match.groups()
    if len(second) == 2:
        second = first[:2] + second
    return f"{first}-{second}" if int(second) == int(first) + 1 else ""


def dossier_id(number: str, chapter: str = "") -> str:
    """ "27 925" -> "27925"; with a chapter "36 600", "VII" -> "36600-VII"."""
    digits = re.sub(r"\D", "", number)
    return f"{digits}-{chapter.upper()}" if chapter else digits


def dossier_of(match: re.Match[str]) -> str:
    """The dossier a match of `DOSSIER` names: "36 410-XIV" -> "36410-XIV", "21 501-20" -> "21501-20"."""
    return dossier_id(match.group("number"), match.group("chapter") or match.group("part") or "")
