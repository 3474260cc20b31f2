"""The structure stage: from a parsed document's blocks and footnotes to what the paper says, as data.

`enrich(doc, record)` fills `metadata`, `committee`, `letters`, `qa`, `references` (with those the source
states), and for Handelingen (and any paper whose XML marks up speaker turns) `speeches`, `attendance` and
`motions`, whatever the source of the blocks (PDF layout engine or official XML).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from pipeline.model import Committee, Document, Letter
from pipeline.parse.structure.committee import extract_committee
from pipeline.parse.structure.doctypes import UNKNOWN
from pipeline.parse.structure.letters import extract_letters
from pipeline.parse.structure.metadata import fill_missing, furniture_metadata, reconcile
from pipeline.parse.structure.motions import extract_motions
from pipeline.parse.structure.qa import extract_qa
from pipeline.parse.structure.references import extract_references, with_stated
from pipeline.parse.structure.speeches import Sitting, extract_sitting
from pipeline.sources.records import SruRecord

__all__ = ["enrich"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_GOVERNMENT = ("minister", "staatssecretaris", "regering", "kabinet")


def _answerer(letters: list[Letter]) -> str:
    """Who answers: the government sender of a letter, else the addressee of the first letter."""
    for letter in letters:
        if any(word in letter.sender.casefold() for word in _GOVERNMENT):
            return letter.sender
    return next((letter.addressee for letter in letters if letter.addressee), "")


def _safely(doc: Document, part: str, extract: Callable[[], T], empty: T) -> T:
    """One part of the structure; a failure costs that part only, is logged and flagged."""
    try:
        return extract()
    except Exception as err:  # one odd paper never stops the batch nor loses its text
        log.exception("%s: extracting %s failed", doc.source_path, part)
        doc.metadata.flags.append(f"structure: {part} not extracted ({type(err).__name__}: {err})")
        return empty


def enrich(doc: Document, record: SruRecord | None = None) -> Document:
    """Fill the structure of `doc` in place (metadata only where empty, then the record wins)."""
    fill_missing(doc.metadata, furniture_metadata(doc.blocks))
    reconcile(doc.metadata, record)
    body = doc.body_blocks
    kind = doc.metadata.document_type
    doc.committee = _safely(doc, "committee", lambda: extract_committee(body, doc.footnotes), Committee())
    doc.letters = _safely(doc, "letters", lambda: extract_letters(body), [])
    doc.qa = _safely(doc, "qa", lambda: extract_qa(body, kind, _answerer(doc.letters)), [])
    stated = doc.references  # the official XML names the papers it cites (extref)
    doc.references = _safely(doc, "references", lambda: with_stated(extract_references(body, doc.footnotes), stated),
                             stated)
    if kind in ("handelingen", UNKNOWN) or doc.speeches:  # turns the source states (a committee debate report too)
        sitting = _safely(doc, "speeches", lambda: extract_sitting(body, doc.speeches), Sitting())
        verbatim = kind == UNKNOWN and _is_verbatim(sitting)
        if kind == "handelingen" or doc.speeches or verbatim:
            if verbatim:
                doc.metadata.document_type = "handelingen"
            doc.speeches, doc.attendance = sitting.speeches, sitting.attendance
            doc.metadata.flags += sitting.flags
            doc.motions = _safely(doc, "motions", lambda: extract_motions(doc.speeches, body), [])
    return doc


def _is_verbatim(sitting: Sitting) -> bool:
    """Whether a paper of unknown type is a verbatim report (a Handelingen item without its header,
    as the Tweede Kamer's own reports): its turns are those of several speakers, the chair among them."""
    speakers = {(s.speaker, s.role) for s in sitting.speeches}
    return len(speakers) >= 3 and any(role == "voorzitter" for _, role in speakers)
