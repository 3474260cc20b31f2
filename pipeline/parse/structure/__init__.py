"""The structure stage: from a parsed document's blocks and footnotes to what the paper says, as data.

`enrich(doc, record)` fills `metadata`, `committee`, `letters`, `qa`, `references` and
`speeches`, whatever the source of the blocks (PDF layout engine or official XML).
"""

from __future__ import annotations

from pipeline.model import Document, Letter
from pipeline.parse.structure.committee import extract_committee
from pipeline.parse.structure.letters import extract_letters
from pipeline.parse.structure.metadata import fill_missing, furniture_metadata, reconcile
from pipeline.parse.structure.qa import extract_qa
from pipeline.parse.structure.references import extract_references
from pipeline.parse.structure.speeches import extract_speeches
from pipeline.sources.records import SruRecord

__all__ = ["enrich"]

_GOVERNMENT = ("minister", "staatssecretaris", "regering", "kabinet")


def _answerer(letters: list[Letter]) -> str:
    """Who answers: the government sender of a letter, else the addressee of the first letter."""
    for letter in letters:
        if any(word in letter.sender.casefold() for word in _GOVERNMENT):
            return letter.sender
    return next((letter.addressee for letter in letters if letter.addressee), "")


def enrich(doc: Document, record: SruRecord | None = None) -> Document:
    """Fill the structure of `doc` in place (metadata only where empty, then the record wins)."""
    fill_missing(doc.metadata, furniture_metadata(doc.blocks))
    reconcile(doc.metadata, record)
    body = doc.body_blocks
    doc.committee = extract_committee(body, doc.footnotes)
    doc.letters = extract_letters(body)
    doc.qa = extract_qa(body, doc.metadata.document_type, _answerer(doc.letters))
    doc.references = extract_references(body, doc.footnotes)
    doc.speeches = extract_speeches(body) if doc.metadata.document_type == "handelingen" else []
    return doc
