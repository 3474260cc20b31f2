"""Who speaks in a text: the fracties of "De leden van de SP-fractie ...", members with their party."""

from __future__ import annotations

import re

from pipeline.parse.structure.parties import normalise_party
from pipeline.parse.structure.text import squash

#: The subject of a question: "leden van de", "lid van de" (what follows names the fractie).
_SUBJECT = re.compile(r"\b(?:leden|lid)\s+van\s+de\s+", re.IGNORECASE)
_FILLER = frozenset({"fractie", "fracties", "van", "de", "het"})
_SEPARATOR = re.compile(r",\s*|\s+en\s+")
_BRACKETS = re.compile(r"\(([^()]*)\)")


def _fractie_phrase(text: str) -> str:
    """The words naming the fractie(s) at the start of `text`: "SP-fractie", "fracties van GL en PvdA"."""
    words: list[str] = []
    for token in text.split():
        word = token.rstrip(",.;:?!)")
        folded = word.casefold()
        if not (folded in _FILLER or "fractie" in folded or word[:1].isupper() or word[:1].isdigit()
                or (folded == "en" and words)):
            break
        words.append(word)
        if token != word and not token.endswith(","):
            break
    while words and words[-1].casefold() in ("en", "van", "de", "het"):
        words.pop()
    return " ".join(words) if any("fractie" in w.casefold() for w in words) else ""


def _codes(phrase: str) -> list[str]:
    phrase = re.sub(r"^fracties?\s+van\s+(?:de\s+)?", "", phrase, flags=re.IGNORECASE)
    codes = []
    for part in _SEPARATOR.split(phrase):
        part = re.sub(r"^(?:de|het)\s+", "", part.strip())
        part = re.sub(r"-?\s*fracties?$", "", part, flags=re.IGNORECASE).rstrip("-")
        if part and part.casefold() not in _FILLER:
            codes.append(normalise_party(part))
    return codes


def askers(text: str) -> list[str]:
    """Fractie codes that are the subject of "(de) leden van de X-fractie" in `text`, in order, once each."""
    found: list[str] = []
    for match in _SUBJECT.finditer(squash(text)):
        for code in _codes(_fractie_phrase(match.string[match.end():])):
            if code not in found:
                found.append(code)
    return found


def members_with_party(text: str) -> list[tuple[str, str]]:
    """ "Van Weyenberg, Romke de Jong en Kat (allen D66)" -> [(name, "D66"), ...]; also "A (PVV) en B (SP)"."""
    people: list[tuple[str, str]] = []
    position = 0
    for match in _BRACKETS.finditer(text):
        names = [n.strip() for n in _SEPARATOR.split(text[position : match.start()]) if n.strip()]
        party = normalise_party(re.sub(r"^(?:allen|beiden|beide)\s+", "", match.group(1).strip()))
        people += [(squash(name), party) for name in names]
        position = match.end()
    return people
