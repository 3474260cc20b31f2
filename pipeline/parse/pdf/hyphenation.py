"""Undo line-end hyphenation the way a Dutch reader does, on evidence rather than a word list.

A word broken at a line end ("beperk-" / "tere") is joined ("beperktere") unless the hyphen is a
real one: "Huizinga-" / "Heringa", "NAVO-" / "missie", "anti-" / "ISIS", "Coalitie-" / "inzet".
Evidence, strongest first:

1. the document itself: how often the joined and the hyphenated form occur elsewhere in it;
2. a capital after the hyphen (a name or acronym: "Huizinga-Heringa", "anti-ISIS", "Midden-Oosten"),
   or a name before it and a name particle after it (a double surname: "Faber-" / "van de Klashorst");
3. a digit on either side ("100-brief", "COVID-19");
4. an acronym before the hyphen ("NAVO-missie", "SP-fractie"), unless the whole word is in capitals;
5. two vowels meeting at the break ("Coalitie-inzet", "zee-egel"): Dutch writes that hyphen.

Otherwise the break is a soft hyphen and the parts are joined. The word counts of a corpus
(other papers' official texts, see `lexicon`) may be added to the document's own evidence.

A web or e-mail address is never dehyphenated: broken at a hyphen it keeps it
(".../maak-je-organisatie-" / "quantumveilig"), and broken after a character that cannot end it
("https://" / "www.movisie.nl/...", ".../huisvesting_" / "evacuees/b1") it runs on without a space.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import dropwhile
from typing import Protocol

VOWELS = frozenset("aeiouyáéíóúäëïöüèàâêîôû")
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")
_BREAKABLE = re.compile(r"\w-$")
#: A web address (scheme, "www." or a domain with a path) or an e-mail address in a word.
_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.\w|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/|[\w.+-]@[\w-]+\.\w",
                      re.IGNORECASE)
_ADDRESS_OPEN = re.compile(r"(//|[_%=&~])$")  # an address cannot end here
_ADDRESS_PART = re.compile(r"^www\.|[/%=&?#]\w")  # the rest of an address: "www.x.nl/...", "%202022.pdf"
_CONJUNCTIONS = frozenset({"en", "of"})  # "land- en tuinbouw", "in- of uitvoer"
#: Particles that open the second name of a double surname ("Faber-van de Klashorst", "Jansen-ter
#: Horst", "Huizinga-de Wit"), and those that only follow "van" ("van der", "van den").
_NAME_PARTICLES = frozenset({"van", "de", "ter", "ten"})
_AFTER_VAN = frozenset({"de", "der", "den", "het", "'t"})


def core(word: str) -> str:
    """The word without leading or trailing punctuation, case-folded."""
    return _EDGE.sub("", word).casefold()


class WordCounts(Protocol):
    """How often a word form (see `core`) was seen."""

    def __getitem__(self, form: str) -> int: ...


class Lexicon:
    """Word forms seen in a document (or a corpus), the evidence for joining or keeping."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self.counts: Counter[str] = Counter()
        self.add(words)

    def add(self, words: Iterable[str]) -> None:
        self.counts.update(c for c in map(core, words) if c)

    def __getitem__(self, form: str) -> int:
        return self.counts[form.casefold()]


@dataclass(frozen=True)
class Evidence:
    """The document's own word counts plus, when given, a corpus's."""

    document: Lexicon
    corpus: WordCounts | None = None

    def __getitem__(self, form: str) -> int:
        return self.document[form] + (self.corpus[form] if self.corpus is not None else 0)


@dataclass(frozen=True)
class Decision:
    page: int
    head: str  # the line-end fragment, with its hyphen ("beperk-")
    tail: str  # the first word of the next line ("tere")
    joined: str  # the word as read ("beperktere" or "Huizinga-Heringa")


def is_line_end_break(word: str) -> bool:
    """A word ending in a hyphen that follows a letter or digit ("beperk-", "NAVO-"; not "–")."""
    return bool(_BREAKABLE.search(word)) and len(word) > 1


def in_address(head: str, tail: str) -> bool:
    """Whether a line break between `head` and `tail` falls inside a web or e-mail address."""
    return bool(_ADDRESS.search(head) or ("@" in tail and _ADDRESS.search(tail)))


def breaks_word(head: str, tail: str) -> bool:
    """Whether a line ending in `head` broke a word that `tail` ends: at a hyphen, or inside an
    address that the line end leaves unfinished."""
    if is_line_end_break(head):
        return True
    return bool(_ADDRESS.search(head)) and bool(_ADDRESS_OPEN.search(head) or _ADDRESS_PART.search(tail))


def keeps_hyphen(head: str, tail: str, lexicon: WordCounts, after: Sequence[str] = ()) -> bool:
    """Whether `head` (ending in "-") and `tail` form a really hyphenated word; `after` are the
    words that follow `tail`."""
    left = _EDGE.sub("", head[:-1])
    right = _EDGE.sub("", tail)
    if not left or not right:
        return True
    joined, hyphenated = lexicon[left + right], lexicon[f"{left}-{right}"]
    if joined != hyphenated:
        return hyphenated > joined
    last = re.split(r"[-/]", left)[-1] or left
    if right[0].isdigit() or last[-1].isdigit():
        return True
    if right[0].isupper() and not last.isupper():
        return True
    if _double_surname(last, right, after):
        return True
    if len(last) >= 2 and last.isupper() and not right.isupper():
        return True
    return last[-1].casefold() in VOWELS and right[0].casefold() in VOWELS


def _double_surname(last: str, right: str, after: Sequence[str]) -> bool:
    """A name, then a particle and a capitalised name: "Faber-" / "van de Klashorst", "Jansen-" /
    "ter Horst" (not "Ver-" / "der Van Dijk" or "Zui-" / "den van Nederland")."""
    if not (last[:1].isupper() and right in _NAME_PARTICLES):
        return False
    rest = list(dropwhile(_AFTER_VAN.__contains__, after)) if right == "van" else list(after)
    return bool(rest) and rest[0][:1].isupper()


def join_broken(head: str, tail: str, lexicon: WordCounts, after: Sequence[str] = ()) -> str:
    """The word a reader sees in `head` + line break + `tail` (followed by the words `after`); an
    elliptical hyphen before a conjunction ("Wet-" / "en regelgeving") stays a word of its own, an
    address is joined as it was broken."""
    if in_address(head, tail):
        return head + tail
    if core(tail) in _CONJUNCTIONS:
        return f"{head} {tail}"
    return head + tail if keeps_hyphen(head, tail, lexicon, after) else head[:-1] + tail
