"""Small text helpers shared by the extractors: spacing, Dutch dates, vergaderjaren, dossier numbers."""

from __future__ import annotations

import re

from pipeline.sources.vergaderjaar import name as vergaderjaar_name

_MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")
#: Month names and their abbreviations ("mrt.", "sept.", "okt.") to their number.
MONTHS = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{abbr: number for number, abbrs in enumerate(
        (("jan",), ("feb",), ("mrt", "maa"), ("apr",), (), ("jun",), ("jul",), ("aug",), ("sep", "sept"),
         ("okt",), ("nov",), ("dec",)), start=1) for abbr in abbrs},
}
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

#: A Dutch date with the month in words: "11 februari 2020", "4 okt. 2022" (day numbers are plain).
DATE = re.compile(r"\b(\d{1,2})\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})\b",
                  re.IGNORECASE)

#: A dossier number as printed: "27 925", "27925", "36.600" (thin or plain space, or a dot).
DOSSIER_NUMBER = r"\d{2}[\s\u2009\u202f.]?\d{3}"

#: A roman dossier number of the chamber's own (CXXIV, CXLVIII): two numerals at least.
ROMAN = r"(?=[MDCLXVI]{2})M*(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"

#: A budget chapter after a dossier number: "VII", "XVI", or a fund letter ("A", "B", "J").
CHAPTER = r"(?:[IVXL]+|[A-Z])"

#: A dossier with a budget chapter ("36 600 VII", "36 410-XIV") or a numbered part ("21 501-20");
#: `dossier_of` reads a match of it.
DOSSIER = rf"(?P<number>{DOSSIER_NUMBER})(?:\s*-\s*(?P<part>\d{{1,3}})|\s*[-\s]\s*(?P<chapter>{CHAPTER}))?\b"

#: The dash between two years: a hyphen, an en or em dash, or another of the Unicode dashes
#: (a figure dash in "Vergaderjaar 2026‒2027").
DASH = "[-\u2010-\u2015]"
#: A vergaderjaar as printed: "2019–2020", "2019/20", "1999/00"; `vergaderjaar` reads it.
YEARS = rf"\d{{4}}\s*(?:{DASH}|/)\s*(?:\d{{4}}|\d{{2}})(?!\d)"
_VERGADERJAAR = re.compile(rf"(\d{{4}})\s*(?:{DASH}|/)\s*(\d{{4}}|\d{{2}})(?!\d)")
#: The line of a paper's head naming its year: "Vergaderjaar 2019–2020", "Zitting 1994-1995",
#: "Parlementair jaar 2014/2015".
YEAR_LINE = re.compile(rf"^(?:Vergaderjaar|Zitting|Parlementair jaar)\s+(?P<years>{YEARS})", re.IGNORECASE)

#: A chamber's full name, as it heads its papers: "Eerste Kamer der Staten-Generaal".
CHAMBER_NAME = r"(?:Eerste|Tweede) Kamer der Staten-Generaal|Verenigde Vergadering(?: der Staten-Generaal)?"
_WEEKDAY = "|".join(WEEKDAYS)
#: Space between the parts of a running line, perhaps with a separator: " ", " | ", " · ", " – ".
SEPARATED = r"(?:\s*[|·•–—,]\s*|\s+)"
#: A dated line: "Vastgesteld 20 april 2020", "Ontvangen op 3 mei 1995", "Den Haag, 3 februari 2020".
DATED = re.compile(
    r"(?<!\w)(?P<kind>vastgesteld|ontvangen|voorgesteld|ingezonden|verzonden|gewijzigd|den haag|[’'‘]s-gravenhage),?"
    rf"\s+(?:op\s+|d\.d\.\s+)?(?:(?:{_WEEKDAY})\s+)?(?P<date>{DATE.pattern})", re.IGNORECASE)
#: The day of the sitting a paper is of: "1 Dinsdag 22 september 2020 13.30 uur" (a Handelingen
#: item's head), "Dinsdag 19 mei 2020", "Stenogram van de vergadering van dinsdag 19 mei 2020".
SITTING_DAY = re.compile(
    rf"(?:^(?:\d+\s+)?(?:{_WEEKDAY})\s+|\b(?:vergadering van|gehouden op)\s+(?:(?:{_WEEKDAY})\s+)?)(?P<date>{DATE.pattern})",
    re.IGNORECASE)
#: A Handelingen running header or footer: chamber, item title, the sitting's date, "EK <sitting>"
#: and perhaps the page ("Eerste Kamer Stemming motie … 19 mei 2020 EK 34", "… TK 37 37-4-5"); a
#: title that wraps may be read partly before the chamber's name.
SITTING_LINE = re.compile(rf"^(?P<before>.*?)\b(?P<kamer>Eerste|Tweede) Kamer\b(?P<title>.*?)(?P<date>{DATE.pattern})"
                          rf"{SEPARATED}(?:EK|TK|VV)\s+\d+(?:{SEPARATED}\d+(?:-\d+)+)?$", re.IGNORECASE)
_CHAMBER = re.compile(r"\b(Eerste|Tweede) Kamer\b|\b(Verenigde Vergadering)\b")


def capitals(text: str) -> bool:
    """Whether `text` is set in capitals ("MEMORIE VAN ANTWOORD"): six letters at least, most upper case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


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
    """ "2019–2020", "2019/20", "1999/00", "2019-2020" -> "2019-2020"; "" when there is none."""
    match = _VERGADERJAAR.search(text)
    if not match:
        return ""
    first, second = int(match.group(1)), match.group(2)
    following = (first + 1) % 100 if len(second) == 2 else first + 1
    return vergaderjaar_name(first) if int(second) == following else ""


def chamber(text: str) -> str:
    """The chamber `text` names first: "Eerste Kamer", "Tweede Kamer", "Verenigde Vergadering", or ""."""
    match = _CHAMBER.search(text)
    if not match:
        return ""
    return match.group(2) or f"{match.group(1)} Kamer"


def dossier_id(number: str, chapter: str = "") -> str:
    """ "27 925" -> "27925"; with a chapter "36 600", "VII" -> "36600-VII"; a roman one "cxxiv" -> "CXXIV"."""
    digits = re.sub(r"\D", "", number) or number.strip().upper()
    return f"{digits}-{chapter.upper()}" if chapter else digits


def dossier_of(match: re.Match[str]) -> str:
    """The dossier a match of `DOSSIER` names: "36 410-XIV" -> "36410-XIV", "21 501-20" -> "21501-20"."""
    return dossier_id(match.group("number"), match.group("chapter") or match.group("part") or "")
