"""Citations of parliamentary papers, normalised to identifiers (kst-27925-694, h-ek-..., 2020Z05114)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pipeline.identifiers import parse_identifier
from pipeline.model import Block, Footnote, Reference
from pipeline.parse.structure.text import DOSSIER, dossier_of, squash, vergaderjaar

_YEAR = r"(?:\d{4}\s*[-–—/]\s*\d{2,4})"
_NUMBERS = r"(?:nrs?\.|nummers?|letters?|stukken)"
_ONDER = r"(?:\d+[a-z]?|[A-Z]{1,3})"
_ONDER_LIST = rf"{_ONDER}(?:(?:\s*,\s*|\s+(?:en|t/m|tot en met)\s+){_ONDER})*"

#: "Kamerstukken II, 2019–2020, 27 925, nr. 694", "Kamerstukken I 2019/20, 35300, L",
#: "Kamerstuk 28 676, nr. 334", "Kamerstukken I, 2019–2020, 27 925, Y", "(35300-VI, letter Y herdruk)",
#: "kamerstuk 21 501-20, nr. 1500".
KAMERSTUK = re.compile(
    rf"(?:[Kk]amerstukk?e?n?(?:\s+(?P<chamber>I{{1,2}}))?(?:[\s,]+(?P<year>{_YEAR}))?[\s,]+)?"
    rf"{DOSSIER}\s*,\s*(?P<kind>{_NUMBERS}\s*)?(?P<onder>{_ONDER_LIST})(?P<herdruk>\s+herdruk)?\b"
)
#: "Handelingen I 2019/20, nr. 20, item 5", "Handelingen II, 2019–2020, 45, item 7".
HANDELINGEN = re.compile(
    rf"(?P<aanhangsel>Aanhangsel\s+(?:van\s+de\s+)?)?Handelingen\s+(?P<chamber>I{{1,2}})[\s,]+(?P<year>{_YEAR})"
    rf"(?:\s*,\s*(?:nr\.\s*)?(?P<nr>\d+)(?:\s*,\s*item\s+(?P<item>\d+))?)?"
)
#: Tweede Kamer zaak numbers: "2020Z05114".
ZAAK = re.compile(r"\b((?:19|20)\d{2}Z\d{5})\b")
#: A note that only refers to the one before it.
IDEM = re.compile(r"^\s*(?:idem|ibidem|ibid\.?|id\.)\s*\.?\s*$", re.IGNORECASE)

_ONDER_SPLIT = re.compile(r"\s*,\s*|\s+(?:en|t/m|tot en met)\s+")


def _is_citation(match: re.Match[str]) -> bool:
    """A bare "27 925, Y" is only a citation with "Kamerstuk(ken)" before it or in brackets."""
    if match.group(0)[1:].startswith("amerstuk"):
        return True
    before = match.string[: match.start()].rstrip()
    return before.endswith("(") and bool(match.group("kind") or match.group("herdruk") or match.group("chapter"))


def chamber_of(ondernummer: str) -> str:
    """The chamber a paper's ondernummer says: "I" for the Eerste Kamer's letters (H, AA), else "II"."""
    return "II" if ondernummer[:1].isdigit() else "I"


def _kamerstukken(text: str, footnote: str) -> Iterator[Reference]:
    for match in KAMERSTUK.finditer(text):
        if not _is_citation(match):
            continue
        dossier = dossier_of(match)
        numbers = [n for n in _ONDER_SPLIT.split(match.group("onder")) if n]
        for onder in numbers:
            chamber = match.group("chamber") or chamber_of(onder)
            yield Reference(
                text=squash(match.group(0)), kind="kamerstuk", chamber=chamber,
                vergaderjaar=vergaderjaar(match.group("year") or ""), dossier=dossier, ondernummer=onder,
                target_id=f"kst-{dossier}-{onder}", footnote=footnote,
            )


def _handelingen(text: str, footnote: str) -> Iterator[Reference]:
    for match in HANDELINGEN.finditer(text):
        chamber = match.group("chamber")
        year = vergaderjaar(match.group("year"))
        house = "ek" if chamber == "I" else "tk"
        target = ""
        if match.group("aanhangsel") and match.group("nr"):
            target = f"ah-{house}-{year.replace('-', '')}-{match.group('nr')}"
        elif match.group("nr") and match.group("item"):
            target = f"h-{house}-{year.replace('-', '')}-{match.group('nr')}-{match.group('item')}"
        yield Reference(
            text=squash(match.group(0)), kind="handelingen", chamber=chamber, vergaderjaar=year,
            ondernummer=match.group("nr") or "", target_id=target, footnote=footnote,
        )


def _zaken(text: str, footnote: str) -> Iterator[Reference]:
    for match in ZAAK.finditer(text):
        yield Reference(text=match.group(1), kind="zaak", target_id=match.group(1), footnote=footnote)


def references_in(text: str, footnote: str = "") -> list[Reference]:
    """Every citation in `text`, in order of appearance."""
    text = squash(text)
    found = [*_kamerstukken(text, footnote), *_handelingen(text, footnote), *_zaken(text, footnote)]
    return sorted(found, key=lambda ref: text.find(ref.text))


def _footnote_references(footnotes: Iterable[Footnote]) -> Iterator[Reference]:
    """References of the notes; an "idem" note repeats those of the note before it."""
    previous: list[Reference] = []
    for note in footnotes:
        if IDEM.match(note.text):
            refs = [Reference(**{**ref.__dict__, "text": squash(note.text), "footnote": note.number})
                    for ref in previous]
        else:
            refs = references_in(note.text, note.number)
        yield from refs
        previous = refs or previous


def extract_references(blocks: Iterable[Block], footnotes: Iterable[Footnote]) -> list[Reference]:
    """Citations in the body blocks, then in the footnotes."""
    refs = [ref for block in blocks for ref in references_in(block.text)]
    return refs + list(_footnote_references(footnotes))


def stated_reference(identifier: str, text: str = "") -> Reference | None:
    """The citation of a paper or Handelingen item the source names by its identifier (an official
    XML's `extref`): "kst-35824-H", "kst-36600-VII-5", "kst-cxxiv-g", "h-ek-20192020-24-1"; else None."""
    parsed = parse_identifier(identifier)
    if parsed is None or parsed.kind not in ("kst", "h", "ah") or (parsed.kind == "kst" and not parsed.ondernummer):
        return None
    text = squash(text) or identifier
    if parsed.kind != "kst":
        chamber = {"ek": "I", "tk": "II"}.get(parsed.chamber, "")
        return Reference(text=text, kind="handelingen", chamber=chamber, vergaderjaar=parsed.vergaderjaar,
                         ondernummer=parsed.ondernummer, target_id=identifier)
    return Reference(text=text, kind="kamerstuk", chamber=chamber_of(parsed.ondernummer),
                     vergaderjaar=parsed.vergaderjaar, dossier=parsed.dossier, ondernummer=parsed.ondernummer,
                     target_id=identifier)


def with_stated(found: list[Reference], stated: Iterable[Reference]) -> list[Reference]:
    """The citations found in the text, then those the source states (markup) that the text does not show."""
    targets = {ref.target_id for ref in found}
    return found + [ref for ref in stated if ref.target_id not in targets]
