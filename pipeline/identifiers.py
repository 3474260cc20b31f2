"""The grammar of KOOP publication identifiers, the ids of officielebekendmakingen.nl.

    kst-[<vergaderjaar>-]<dossier>-<ondernummer>  kst-36867-C (EK: letters), kst-32545-143 (TK: numbers),
                                                  kst-21501-20-123, kst-36600-VII-5, kst-20062007-30312-B
    kst-<vergaderjaar>-<dossier>                  kst-20072008-31200 (a dossier's own paper)
    kst-<roman>-<letter>                          kst-cxxiv-g (an EK internal dossier)
    kst-<n>, blg-<n>, kv-<n>                      kst-1259252 (unformatted paper), blg-1007826 (bijlage)
    h-<chamber>-<vergaderjaar>-<sitting>-<item>   h-ek-20242025-12-3, h-tk-20172018-61-10, h-ek-20092010-1_2
    ah-<chamber>-<vergaderjaar>-<n>               ah-tk-20202021-3235 (Aanhangsel: answers to questions)
    kv-<chamber>-[<vergaderjaar>-]<n>             kv-ek-215160000, kv-tk-2020Z12345 (questions not answered)
    nds-[<chamber>-]<n>                           nds-tk-2014D45599 (niet-dossierstuk)
    ag-<chamber>-<date>                           ag-ek-1995-02-08 (agenda)
    stb-<year>-<n>, stcrt-<year>-<n>              stb-2020-118 (Staatsblad), stcrt-2020-12345 (Staatscourant)

Chambers are `ek`, `tk` and `vv` (Verenigde Vergadering); a vergaderjaar is two consecutive years
written together (20202021). Most forms may end in a variant: `-h1` a reprint (herdruk), `-n1`,
`-b2` other versions or parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CHAMBER = r"(?P<chamber>ek|tk|vv)"
_YEAR = r"(?P<year>(?:19|20)\d{2}(?:19|20)\d{2})"
#: A dossier number with its budget chapter, fund letter or numbered part: 36600-VII, 36600-A, 21501-20.
_DOSSIER = r"(?P<dossier>\d{4,6}(?:-(?:[IVXL]+|[A-Z]|\d{1,3}))?)"
#: EK papers are lettered (A ... Z, AA ...), TK papers numbered (143), some old EK ones both (175a).
_ONDER = r"(?P<onder>[A-Z]{1,3}|\d+[a-z]?)"
_VARIANT = r"(?:-(?P<variant>[a-z]\d{1,2}))?"
#: An internal dossier of the Eerste Kamer as the papers and records print it: CXXIV.
ROMAN_DOSSIER = r"[IVXLCDM]+"
#: The same in an identifier, where KOOP writes it in lower case (kst-cxxiv-g).
_ROMAN = ROMAN_DOSSIER.lower()
#: A Tweede Kamer case or document number: 2020Z12345, 2014D45599.
_TK_NUMBER = r"\d{4}[A-Z]\d+"

_FORMS = tuple(re.compile(form, re.ASCII) for form in (
    rf"(?P<kind>kst)-(?:{_YEAR}-)?{_DOSSIER}-{_ONDER}{_VARIANT}",
    rf"(?P<kind>kst)-{_YEAR}-(?P<dossier>\d{{4,6}})",
    rf"(?P<kind>kst)-(?P<dossier>{_ROMAN})-(?P<onder>[a-z]{{1,3}}|\d+){_VARIANT}",
    rf"(?P<kind>kst|blg|kv)-(?P<number>\d{{6,}}){_VARIANT}",
    rf"(?P<kind>h)-{_CHAMBER}-{_YEAR}-(?P<number>\d+(?:[-_]\d+)*){_VARIANT}",
    rf"(?P<kind>ah)-{_CHAMBER}-{_YEAR}-(?P<onder>\d+){_VARIANT}",
    rf"(?P<kind>kv)-{_CHAMBER}-(?:{_YEAR}-)?(?P<number>\d+|{_TK_NUMBER}|KVR\d+)",
    rf"(?P<kind>nds)(?:-{_CHAMBER})?-(?P<number>[a-z]*\d[0-9A-Z]*){_VARIANT}",
    rf"(?P<kind>ag)-{_CHAMBER}-(?P<number>\d{{4}}-\d{{2}}-\d{{2}})",
    rf"(?P<kind>stb|stcrt)-(?P<number>\d{{4}}-\d+){_VARIANT}",
))


#: Every form above as one regular expression without groups (for checks outside Python, such as
#: the expectation suites); it cannot check that a vergaderjaar's two years follow each other.
IDENTIFIER_REGEX = "^(?:" + "|".join(re.sub(r"\(\?P<\w+>", "(?:", f.pattern) for f in _FORMS) + ")$"
#: A dossier number as the records and tables write it: 36867, 36600-VII, 21501-20, CXXIV.
DOSSIER_REGEX = rf"^(?:[0-9]{{4,6}}(?:-(?:[IVXL]+|[A-Z]|[0-9]{{1,3}}))?|{ROMAN_DOSSIER})$"


@dataclass(frozen=True)
class Identifier:
    """The parts of a publication identifier; a part the identifier does not name is ""."""

    text: str  # the identifier itself
    kind: str  # kst, blg, h, ah, kv, nds, ag, stb, stcrt
    chamber: str = ""  # ek, tk, vv
    vergaderjaar: str = ""  # "2020-2021"
    dossier: str = ""  # "36600-VII"
    ondernummer: str = ""  # a paper's letter or number ("C", "143"); an Aanhangsel's number
    number: str = ""  # any other number: a Handelingen sitting and item ("1-1"), a bijlage's ("1007826")
    variant: str = ""  # "h1" (reprint), "n1", "b2"

    @property
    def reprint(self) -> int:
        """The reprint (herdruk) number of an `-h<n>` identifier, else 0."""
        return int(self.variant[1:]) if self.variant.startswith("h") else 0

    @property
    def base(self) -> str:
        """The identifier without its variant: kst-36867-D for kst-36867-D-h1."""
        return self.text.removesuffix(f"-{self.variant}") if self.variant else self.text

    @property
    def numbered_only(self) -> bool:
        """A running number and nothing else (kst-1259252, blg-1007826): no dossier, chamber or year."""
        return self.number.isdigit() and not (self.chamber or self.vergaderjaar or self.dossier)


def parse_identifier(text: str) -> Identifier | None:
    """The parts of `text` when it is a publication identifier, else None."""
    for form in _FORMS:
        if match := form.fullmatch(text):
            parts = {k: v or "" for k, v in match.groupdict().items()}
            year = parts.pop("year", "")
            if year and int(year[4:]) != int(year[:4]) + 1:
                return None
            dossier, onder = parts.get("dossier", ""), parts.get("onder", "")
            if re.fullmatch(_ROMAN, dossier):  # kst-cxxiv-g: dossier CXXIV, paper G, as the papers print them
                dossier, onder = dossier.upper(), onder.upper()
            return Identifier(text=text, kind=parts["kind"], chamber=parts.get("chamber", ""),
                              vergaderjaar=f"{year[:4]}-{year[4:]}" if year else "",
                              dossier=dossier, ondernummer=onder,
                              number=parts.get("number", ""), variant=parts.get("variant", ""))
    return None


#: What may name files in the data directory (`parsed/<identifier>/...`): letters, digits, `-`, `_`,
#: `.` inside; no path separators, no `..`. Wider than the grammar, which a new form of KOOP may outgrow.
_SAFE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,199}", re.ASCII)


def is_safe_name(text: str) -> bool:
    """Whether `text` (an identifier from the source) can name a file or folder without leaving its folder."""
    return _SAFE_NAME.fullmatch(text) is not None


def is_publication_identifier(text: str) -> bool:
    """True when `text` is a whole publication identifier (kst-36867-C, h-ek-20202021-1-1, ...)."""
    return parse_identifier(text) is not None
