"""Rows of the published tables from one parsed paper version (plain dicts, schema column names)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pipeline.model import Document
from pipeline.normalise.schemas import UNKNOWN_YEAR
from pipeline.parse.agreement import AGREEMENT_WARN_BELOW
from pipeline.parse.store import PDF_SAMPLED_OUT, ParsedPaper
from pipeline.parse.textsim import word_similarity, words

Rows = dict[str, list[dict[str, Any]]]


def parse_date(value: str) -> date | None:
    """`YYYY-MM-DD` (or an ISO timestamp) to a date; None when empty or not a date."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def parse_timestamp(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def vergaderjaar_of(paper: ParsedPaper) -> str:
    """The partition of a paper: the parsed year, else the record's, else `onbekend`."""
    return paper.vergaderjaar or UNKNOWN_YEAR


def _base(paper: ParsedPaper, year: str) -> dict[str, Any]:
    return {"document_version_id": paper.key, "identifier": paper.record.identifier, "vergaderjaar": year}


def _child_key(paper: ParsedPaper, letter: str, seq: int) -> str:
    return f"{paper.key}#{letter}{seq}"


def _numbered(paper: ParsedPaper, year: str, key: str, letter: str,
              items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Child rows keyed `<document_version_id>#<letter><seq>`, seq 1-based."""
    return [
        {key: _child_key(paper, letter, seq), **_base(paper, year), "seq": seq, **item}
        for seq, item in enumerate(items, start=1)
    ]


def document_row(paper: ParsedPaper, is_current: bool) -> dict[str, Any]:
    """The `documents` row of a paper version."""
    rec, doc = paper.record, paper.document
    meta = doc.metadata if doc else None
    body = doc.body_blocks if doc else []
    dossiers = list((meta.dossiers if meta and meta.dossiers else None) or rec.dossiers)
    primary = (meta.dossier if meta else "") or (dossiers[0] if dossiers else "")
    if primary and primary not in dossiers:
        dossiers.insert(0, primary)
    pdf_pages = paper.pdf.page_info if paper.pdf else []
    return {
        **_base(paper, vergaderjaar_of(paper)),
        "version": paper.version,
        "is_current": is_current,
        "kamer": meta.kamer if meta else "",
        "publicatienaam": rec.publicatienaam,
        "document_type": (meta.document_type if meta else "") or "onbekend",
        "dossier": primary or None,
        "dossiers": dossiers,
        "dossier_title": rec.dossiertitel,
        "ondernummer": (meta.ondernummer if meta else "") or rec.ondernummer,
        "title": (meta.title if meta else "") or rec.title,
        "document_date": parse_date(meta.date if meta else "") or parse_date(rec.date),
        "dates_json": json.dumps(meta.dates if meta else {}, sort_keys=True, ensure_ascii=False),
        "modified": parse_date(rec.modified),
        "available": parse_date(rec.available),
        "changed_at": rec.changed_at,
        "fetched_at": parse_timestamp(paper.fetched_at),
        "parsed_at": parse_timestamp(paper.parsed_at),
        "source_kind": paper.chosen,
        "choice_reason": paper.choice_reason,
        "pages": paper.pdf.pages if paper.pdf else (doc.pages if doc else 0),
        "text_pages": sum(p.has_text for p in pdf_pages),
        "has_text_layer": doc.has_text_layer if doc else False,
        "no_text_reason": doc.no_text_reason if doc else "",
        "word_count": sum(len(words(b.text)) for b in body),
        "paragraph_count": len(body),
        "footnote_count": len(doc.footnotes) if doc else 0,
        "committee": doc.committee.name if doc else "",
        "hoofddocument": rec.hoofddocument,
        "is_replaced_by": rec.is_replaced_by,
        "url_pdf": rec.urls.get("pdf", ""),
        "url_xml": rec.urls.get("xml", ""),
        "parse_errors_json": json.dumps(paper.errors, sort_keys=True, ensure_ascii=False),
        "flags": list(meta.flags) if meta else [],
    }


def _similarity(agreement: dict[str, Any], pdf: Document, xml: Document) -> float:
    """The parse stage's `text_similarity`, measured here only when it did not record one."""
    if agreement.get("text_similarity") is not None:
        return float(agreement["text_similarity"])
    return word_similarity(pdf.text, xml.text)


def _agreement_rows(paper: ParsedPaper, year: str) -> list[dict[str, Any]]:
    """The cross-check of a paper with both texts, or, sampled out of a backfill's check, a row saying so."""
    xml_words = len(words(paper.xml.text)) if paper.xml else 0
    base = {"agreement_id": f"{paper.key}#agreement", **_base(paper, year), "xml_words": xml_words,
            "chosen": paper.chosen, "pdf_pass": paper.pdf_pass}
    if paper.pdf_pass == PDF_SAMPLED_OUT and paper.chosen == "xml":
        return [{**base, "text_similarity": None, "agrees": None, "pdf_words": None, "details_json": "{}"}]
    if not paper.agreement or paper.pdf is None or paper.xml is None:
        return []
    similarity = _similarity(paper.agreement, paper.pdf, paper.xml)
    return [{
        **base, "text_similarity": similarity,
        "agrees": bool(paper.agreement.get("ok", similarity >= AGREEMENT_WARN_BELOW)),
        "pdf_words": len(words(paper.pdf.text)),
        "details_json": json.dumps(paper.agreement, sort_keys=True, ensure_ascii=False, default=str),
    }]


def _child_rows(paper: ParsedPaper, doc: Document, year: str) -> Rows:
    pages = paper.pdf.page_info if paper.pdf else doc.page_info
    return {
        "pages": [
            {"page_id": f"{paper.key}#p{p.number}", **_base(paper, year), "page_number": p.number,
             "width": p.width, "height": p.height, "chars": p.chars, "words": p.words, "has_text": p.has_text}
            for p in pages
        ],
        "paragraphs": _numbered(paper, year, "paragraph_id", "b", (
            {"page": b.page, "kind": b.kind, "text": b.text, "word_count": len(words(b.text)),
             "bold": b.style.bold, "italic": b.style.italic, "footnote_refs": list(b.footnote_refs)}
            for b in doc.body_blocks)),
        "footnotes": _numbered(paper, year, "footnote_id", "n", (
            {"number": f.number, "page": f.page, "text": f.text} for f in doc.footnotes)),
        "qa_pairs": _numbered(paper, year, "qa_id", "q", (
            {"asked_by": q.asked_by, "question": q.question, "answer": q.answer,
             "answered_by": q.answered_by, "page": q.page} for q in doc.qa)),
        "committee_members": _numbered(paper, year, "member_id", "m", (
            {"committee": doc.committee.name, "name": m.name, "party": m.party or None, "role": m.role}
            for m in doc.committee.members)),
        "references": _numbered(paper, year, "reference_id", "r", (
            {"kind": r.kind, "chamber": r.chamber, "ref_vergaderjaar": r.vergaderjaar, "dossier": r.dossier,
             "ondernummer": r.ondernummer, "target_id": r.target_id, "footnote": r.footnote, "text": r.text}
            for r in doc.references)),
        "speeches": _numbered(paper, year, "speech_id", "s", (
            {"speaker": s.speaker, "party": s.party or None, "role": s.role, "text": s.text,
             "word_count": len(words(s.text)), "vote": s.vote} for s in doc.speeches)),
        "motions": _numbered(paper, year, "motion_id", "mo", (
            {"speech_id": _child_key(paper, "s", m.speech_seq), "submitted_by": list(m.submitted_by),
             "kamerstuk_id": m.identifier, "dossier": m.dossier, "ondernummer": m.number,
             "considerations": list(m.considerations), "requests": list(m.requests), "text": m.text,
             "page": m.page} for m in doc.motions)),
        "attendance": _numbered(paper, year, "attendance_id", "a", (
            {"name": a.name, "status": a.status, "role": a.role} for a in doc.attendance)),
        "letters": _numbered(paper, year, "letter_id", "l", (
            {"sender": x.sender, "addressee": x.addressee, "letter_date": parse_date(x.date),
             "signatory": x.signatory} for x in doc.letters)),
    }


def paper_rows(paper: ParsedPaper, is_current: bool) -> Rows:
    """Rows of every per-paper table; child tables only for the current version of a paper."""
    rows: Rows = {"documents": [document_row(paper, is_current)]}
    doc = paper.document
    if is_current and doc is not None:
        year = rows["documents"][0]["vergaderjaar"]
        rows.update(_child_rows(paper, doc, year))
        rows["parse_agreement"] = _agreement_rows(paper, year)
    return rows
