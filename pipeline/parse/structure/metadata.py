"""Metadata from the page furniture (page-1 header, running footer, margin), reconciled with SRU."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as Date

from pipeline.identifiers import is_publication_identifier, parse_identifier
from pipeline.model import FURNITURE_KINDS, Block, Metadata
from pipeline.parse.structure.doctypes import UNKNOWN, classify, opens_with_type, type_of_identifier
from pipeline.parse.structure.text import (
    CHAMBER_NAME,
    CHAPTER,
    DATED,
    DOSSIER_NUMBER,
    ROMAN,
    SITTING_DAY,
    SITTING_LINE,
    YEAR_LINE,
    capitals,
    chamber,
    dossier_id,
    iso_date,
    squash,
    vergaderjaar,
)
from pipeline.sources import vergaderjaar as years
from pipeline.sources.records import SruRecord

_CHAMBER_NAME = re.compile(CHAMBER_NAME)
#: The publication a header names, no title of the paper: "Handelingen", "Aanhangsel van de Handelingen".
_PUBLICATION = re.compile(r"^(?:Aanhangsel van de )?Handelingen\b")
#: "27 925 Bestrijding ...", "36 600 VII Vaststelling ...", "21 501-20 Europese Raad", "CXXIV Verslag ...".
_DOSSIER_LINE = re.compile(
    rf"^(?P<number>{DOSSIER_NUMBER}|{ROMAN})(?:-(?P<part>\d{{1,3}})|\s+(?P<chapter>{CHAPTER}))?(?:\s+(?P<title>\S.*))?$")
_STUK_LINE = re.compile(r"^(?:N[or]\.\s*(?P<nr>\d+[a-z]?)|(?P<letters>[A-Z]{1,3}))\s+(?P<title>[A-Z].*)$")
#: The sentence that states what written questions are about, opening an Aanhangsel:
#: "Vragen van het lid X (Partij) aan de Minister van Y over Z (ingezonden 16 januari 2024)."
_QUESTIONS = re.compile(r"^Vragen? (?:van|gesteld door) .+?\((?:ingezonden|gesteld)\s[^)]*\)\.?")
_QUESTIONS_OPEN = re.compile(r"^Vragen? (?:van|gesteld door) ")
_FOOTER = re.compile(
    r"^(?P<kamer>Eerste|Tweede) Kamer, vergaderjaar (?P<year>\S+), (?P<rest>.+?)\s+(?P<page>\d+)$"
)
#: Dates in the order they stand for the document date.
_DATE_PRIORITY = ("vergadering", "vastgesteld", "ontvangen", "voorgesteld", "gewijzigd", "ingezonden", "verzonden",
                  "den_haag")


def _lines(blocks: Iterable[Block], kind: str) -> list[str]:
    """The texts of the `kind` blocks, each on one line (a header item may wrap over several)."""
    return [squash(b.text) for b in blocks if b.kind == kind and b.text.strip()]


def _from_header(lines: list[str], found: Metadata) -> str:
    """Fill `found` from the page-1 header; returns the printed document title ("VERSLAG VAN ...")."""
    dossier_title = stuk_title = ""
    for line in lines:
        if not found.kamer and _CHAMBER_NAME.search(line):
            found.kamer = chamber(line)
        if (match := YEAR_LINE.match(line)) and not found.vergaderjaar:
            found.vergaderjaar = vergaderjaar(match.group("years"))
        if match := _DOSSIER_LINE.match(line):
            found.dossiers.append(dossier_id(*_number_and_chapter(match)))
            dossier_title = dossier_title or (match.group("title") or "")
        if (match := _stuk(line)) and not found.ondernummer:
            found.ondernummer = match.group("nr") or match.group("letters")
            stuk_title = match.group("title").strip()
        elif not (stuk_title or _DOSSIER_LINE.match(line) or _PUBLICATION.match(line)) and opens_with_type(line):
            stuk_title = line  # a title without a number: "Verslag van een deskundigenbijeenkomst ..."
        _add_dates(line, found)
        if (match := SITTING_DAY.search(line)) and (day := iso_date(match.group("date"))):
            found.dates.setdefault("vergadering", day)
    found.title = full_title(dossier_title, stuk_title)
    return stuk_title


def _stuk(line: str) -> re.Match[str] | None:
    """The document line "Nr. 5 MEMORIE VAN ANTWOORD", "AA Verslag van een schriftelijk overleg":
    its title in capitals or naming the document's kind."""
    match = _STUK_LINE.match(line)
    title = match.group("title") if match else ""
    return match if match and (title.isupper() or opens_with_type(title)) else None


def full_title(dossier_title: str, document_title: str) -> str:
    """The title as the SRU record writes it: "<dossier title>; <document title>" (printed casing)."""
    return "; ".join(part for part in (squash(dossier_title), squash(document_title)) if part)


def _add_dates(text: str, found: Metadata) -> None:
    for match in DATED.finditer(text):
        key = "den_haag" if match.group("kind").lower().endswith("gravenhage") else match.group("kind").lower().replace(" ", "_")
        date = iso_date(match.group("date"))
        if date and key not in found.dates:
            found.dates[key] = date


def _from_sitting_line(lines: list[str], found: Metadata) -> bool:
    """Chamber, sitting date and item title from a Handelingen running header or footer; whether
    there was one."""
    for line in lines:
        if match := SITTING_LINE.match(line):
            found.kamer = found.kamer or f"{match.group('kamer')} Kamer"
            if date := iso_date(match.group("date")):
                found.dates.setdefault("vergadering", date)
            found.title = found.title or squash(f"{match.group('before')} {match.group('title')}").strip(" |·•–—,")
            return True
    return False


def _questions_title(blocks: list[Block]) -> str:
    """The sentence opening written questions (Aanhangsel): who asks whom about what, and when
    it was sent in ("(ingezonden 16 januari 2024)."); it may run over several blocks of page 1."""
    body = _page_one_body(blocks)
    start = next((i for i, b in enumerate(body) if _QUESTIONS_OPEN.match(b.text)), len(body))
    text = ""
    for block in body[start:start + 4]:
        text = squash(f"{text} {block.text}")
        if match := _QUESTIONS.match(text):
            return match.group(0)
        if text.endswith("."):
            return text
    return ""


def _year_of(day: str) -> str:
    """The parliamentary year a date (YYYY-MM-DD) falls in: it opens on the third Tuesday of September."""
    return years.name(years.start_year_of(Date.fromisoformat(day)))


def _from_footer(lines: list[str], found: Metadata) -> None:
    for line in lines:
        match = _FOOTER.match(line)
        if not match:
            continue
        found.kamer = found.kamer or f"{match.group('kamer')} Kamer"
        found.vergaderjaar = found.vergaderjaar or vergaderjaar(match.group("year"))
        *dossiers, onder = [part.strip() for part in match.group("rest").split(",")]
        onder = onder.removeprefix("nr.").strip()
        if dossiers and not found.dossiers:
            found.dossiers = [dossier_id(*_split_chapter(d)) for d in dossiers]
        if not found.ondernummer and not onder.startswith("Aanhangsel"):
            found.ondernummer = onder
        return


def _number_and_chapter(match: re.Match[str]) -> tuple[str, str]:
    return match.group("number"), match.group("chapter") or match.group("part") or ""


def _split_chapter(text: str) -> tuple[str, str]:
    """ "36 600 VII" -> ("36 600", "VII"), "21 501-20" -> ("21 501", "20")."""
    match = _DOSSIER_LINE.match(text)
    return _number_and_chapter(match) if match else (text, "")


def _from_identifier(identifier: str, found: Metadata) -> None:
    parsed = parse_identifier(identifier)
    if parsed is None:
        return
    if parsed.dossier and not found.dossiers:
        found.dossiers = [parsed.dossier]
    found.ondernummer = found.ondernummer or parsed.ondernummer


def furniture_metadata(blocks: list[Block]) -> Metadata:
    """Everything the page furniture (and dated lines of the body) says about the paper."""
    found = Metadata()
    stuk_title = _from_header(_lines(blocks, "header"), found)
    _from_footer(_lines(blocks, "footer"), found)
    margin_words = (word for line in _lines(blocks, "margin") for word in line.split())
    found.identifier = next((word for word in margin_words if is_publication_identifier(word)), "")
    _from_identifier(found.identifier, found)
    running = _lines(blocks, "footer") + _lines(blocks, "header")
    sitting = _from_sitting_line(running, found)
    found.kamer = found.kamer or next((name for line in running if (name := chamber(line))), "")
    header = " ".join(_lines(blocks, "header") + _lines(blocks, "footer"))
    # the identifier settles it, then a sitting's running line: the item's title may name a bill or a motion
    found.document_type = type_of_identifier(found.identifier)
    if found.document_type == UNKNOWN:
        found.document_type = "handelingen" if sitting else classify(stuk_title, header, *_page_one_headings(blocks))
    if found.document_type == "aanhangsel" and not found.title:
        found.title = _questions_title(blocks)
    for block in blocks:
        if block.kind not in ("header", "footer", "margin"):
            _add_dates(block.text, found)
    if found.title:
        _add_dates(found.title, found)  # "(ingezonden 6 maart 2024)" may span two blocks
    found.dossier = found.dossiers[0] if found.dossiers else ""
    found.date = next((found.dates[k] for k in _DATE_PRIORITY if k in found.dates), "")
    found.vergaderjaar = found.vergaderjaar or (_year_of(found.date) if found.date else "")
    return found


def _page_one_body(blocks: list[Block]) -> list[Block]:
    """The body blocks of page 1 (an XML source has no pages: its blocks are on page 0)."""
    return [b for b in blocks if b.page <= 1 and b.kind not in FURNITURE_KINDS]


def _page_one_headings(blocks: list[Block]) -> list[str]:
    """The headings that open page 1's body: a paper without the official header (or an older
    one set without bold) states its kind there, "MEMORIE VAN ANTWOORD", "Nr. 6 BRIEF VAN ..."."""
    return [b.text for b in _page_one_body(blocks)[:3] if b.kind == "heading" or capitals(b.text)]


def fill_missing(target: Metadata, source: Metadata) -> None:
    """Copy into `target` every field of `source` that `target` leaves empty."""
    for name, value in vars(source).items():
        current = getattr(target, name)
        if name == "dates":
            target.dates = {**value, **current}
        elif name != "flags" and value and (not current or (name == "title" and value.endswith(f"; {current}"))):
            setattr(target, name, value)  # a document title alone gets its dossier title in front
    if not target.dossier and target.dossiers:
        target.dossier = target.dossiers[0]


def _record_values(record: SruRecord) -> dict[str, object]:
    return {
        "identifier": record.identifier,
        "kamer": chamber(record.creator),
        "vergaderjaar": vergaderjaar(record.vergaderjaar),
        "dossiers": [d.replace(" ", "-") for d in record.dossiers],
        "ondernummer": record.ondernummer,
        "date": record.date[:10],
        "title": squash(record.title),
    }


def _same_title(ours: str, theirs: str) -> bool:
    """Titles agree part by part ("<dossier title>; <document title>"), where one part may hold the
    other: "Verslag" in the record for "VOORLOPIG VERSLAG VAN DE ..." in the paper is no conflict."""
    ours_parts, theirs_parts = (squash(t).casefold().rsplit("; ", 1) for t in (ours, theirs))
    if len(ours_parts) != len(theirs_parts):
        ours_parts, theirs_parts = [" ".join(ours_parts)], [" ".join(theirs_parts)]
    return all(a in b or b in a for a, b in zip(ours_parts, theirs_parts, strict=True))


def _same(name: str, ours: object, theirs: object) -> bool:
    if name == "title":
        return _same_title(str(ours), str(theirs))
    if name == "dossiers":
        return sorted(ours) == sorted(theirs)  # type: ignore[type-var]
    return ours == theirs


def reconcile(meta: Metadata, record: SruRecord | None) -> None:
    """The record wins: copy its values over, flag every field where the paper said otherwise."""
    if record is not None:
        for name, theirs in _record_values(record).items():
            if not theirs:
                continue
            ours = getattr(meta, name)
            if ours and not _same(name, ours, theirs):
                meta.flags.append(f"{name}: document says {ours!r}, record says {theirs!r}")
            setattr(meta, name, theirs)
        if meta.dossiers:
            meta.dossier = meta.dossiers[0]
        if (by_identifier := type_of_identifier(record.identifier)) != UNKNOWN:
            meta.document_type = by_identifier  # an h-… paper is Handelingen whatever its text looks like
        elif meta.document_type in ("", UNKNOWN):
            meta.document_type = classify(record.subrubriek, record.documenttitel, record.title,
                                          record.type, record.publicatienaam)
    if not meta.document_type:
        meta.document_type = UNKNOWN
