"""Fractie and party names normalised to one code each."""

from __future__ import annotations

import re

#: Every code `normalise_party` can return for a known party or group.
KNOWN_PARTY_CODES: frozenset[str] = frozenset({
    "50PLUS", "BBB", "BIJ1", "CDA", "CU", "D66", "DENK", "FVD", "GL", "GL-PvdA", "JA21", "NSC",
    "OPNL", "OSF", "PVV", "PvdA", "PvdD", "SGP", "SP", "VVD", "Volt",
    "LPF", "GPV", "RPF", "AOV", "Unie 55+", "CD",
    "Fractie-Otten", "Fractie-Nanninga", "Fractie-Van Pareren", "Fractie-Frentrop", "Fractie-Dessing",
})



def known_party_codes() -> list[str]:
    """Every fractie code the parser knows, sorted (expectations and dashboard views use them)."""
    return sorted(KNOWN_PARTY_CODES)


#: Spellings (case-folded, spaces squashed) and the code they stand for.
_ALIASES = {
    "groenlinks": "GL", "gl": "GL", "groen links": "GL",
    "groenlinks-pvda": "GL-PvdA", "gl-pvda": "GL-PvdA", "groenlinks/pvda": "GL-PvdA",
    "groenlinks-partij van de arbeid": "GL-PvdA",
    "partij van de arbeid": "PvdA", "pvda": "PvdA",
    "partij voor de dieren": "PvdD", "pvdd": "PvdD",
    "christenunie": "CU", "cu": "CU", "christen unie": "CU",
    "christen-democratisch appèl": "CDA", "christen democratisch appel": "CDA", "cda": "CDA",
    "volkspartij voor vrijheid en democratie": "VVD", "vvd": "VVD",
    "democraten 66": "D66", "d66": "D66",
    "socialistische partij": "SP", "sp": "SP",
    "partij voor de vrijheid": "PVV", "pvv": "PVV",
    "staatkundig gereformeerde partij": "SGP", "sgp": "SGP",
    "forum voor democratie": "FVD", "fvd": "FVD",
    "onafhankelijke senaatsfractie": "OSF", "osf": "OSF",
    "onafhankelijke politiek nederland": "OPNL", "opnl": "OPNL",
    "50plus": "50PLUS", "50 plus": "50PLUS",
    "boerburgerbeweging": "BBB", "bbb": "BBB",
    "lijst pim fortuyn": "LPF", "lpf": "LPF", "gpv": "GPV", "rpf": "RPF", "aov": "AOV",
    "unie 55+": "Unie 55+", "centrumdemocraten": "CD", "cd": "CD",
    "ja21": "JA21", "volt": "Volt", "denk": "DENK", "bij1": "BIJ1",
    "nieuw sociaal contract": "NSC", "nsc": "NSC",
}

_FRACTIE_PREFIX = re.compile(r"^(?:de\s+)?(?:fractie[-\s]+)(?=[A-Z])", re.IGNORECASE)
_FRACTIE_SUFFIX = re.compile(r"[-\s]*fractie$", re.IGNORECASE)


def normalise_party(name: str) -> str:
    """One code per party: "GroenLinks" -> "GL", "FvD" -> "FVD", "Fractie-Otten" -> "Fractie-Otten".

    A name it does not know comes back trimmed (check it against `KNOWN_PARTY_CODES`).
    """
    text = " ".join(name.replace("\u00a0", " ").split()).strip(" ,.;:()")
    if not text:
        return ""
    key = text.casefold()
    if key.startswith("de "):
        key = key[3:]
    if key in _ALIASES:
        return _ALIASES[key]
    group = _FRACTIE_PREFIX.sub("", text)
    if group != text:  # "Fractie-Otten", "fractie Van Pareren": a one-member group
        group = group[0].upper() + group[1:]
        return f"Fractie-{group}"
    stripped = _FRACTIE_SUFFIX.sub("", text)
    if stripped != text:
        return normalise_party(stripped)
    return text
