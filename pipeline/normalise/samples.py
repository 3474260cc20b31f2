"""Realistic parsed papers for tests and the publishing benchmark (no parser needed).

`sample_paper` builds one Senate paper shaped like the real ones (kst-36867-C: a memorie van
antwoord with committee, questions and answers, footnotes and references); `sample_corpus`
varies identifiers, years, types and versions deterministically to make a corpus of any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from pipeline.model import (
    Attendee,
    Block,
    Committee,
    Document,
    Footnote,
    Member,
    Metadata,
    Motion,
    PageInfo,
    QAPair,
    Reference,
    Speech,
    Style,
)
from pipeline.parse.store import ParsedPaper
from pipeline.sources.records import SruRecord

MEMBERS = (
    Member("Van Apeldoorn", "SP", "voorzitter"), Member("Dittrich", "D66"), Member("Talsma", "CU"),
    Member("Bezaan", "PVV"), Member("Van Bijsterveld", "CDA"), Member("Kroon", "BBB"),
    Member("Nicolaï", "PvdD"), Member("Karimi", "GL-PvdA"), Member("Van de Sanden", "VVD"),
)
SENTENCE = ("De regering heeft met belangstelling kennisgenomen van de vragen die de leden van de "
            "fracties hebben gesteld over het voorstel van wet en beantwoordt deze hieronder graag. ")
MOTION = ("De Kamer, gehoord de beraadslaging, overwegende dat het voorstel van wet de rechtsbescherming raakt; "
          "verzoekt de regering de wet binnen twee jaar te evalueren, en gaat over tot de orde van de dag.")
TYPES = ("memorie van antwoord", "voorlopig verslag", "handelingen", "aanhangsel", "brief")


def sample_document(identifier: str, vergaderjaar: str, dossier: str, doc_type: str, day: date,
                    source: str = "xml", pages: int = 3, text_layer: bool = True) -> Document:
    """A parsed paper with pages, body blocks, footnotes, committee, Q&A, references, and for
    Handelingen speeches, a motion and attendance."""
    blocks = [
        Block("heading", doc_type.upper(), 1, (72.0, 120.0, 400.0, 134.0), Style(bold=True, font_size=11)),
        *(Block("paragraph", SENTENCE * (1 + n % 3), 1 + n % pages, (72.0, 150.0 + 40 * n, 520.0, 180.0 + 40 * n),
                Style(font_size=10), ["1"] if n == 0 else []) for n in range(6)),
    ] if text_layer else []
    blocks.append(Block("footer", f"Eerste Kamer, vergaderjaar {vergaderjaar}, {identifier}", 1))
    is_handelingen = doc_type == "handelingen"
    return Document(
        source=source, source_path=f"/data/raw/{identifier}.{source}", pages=pages, has_text_layer=text_layer,
        no_text_reason="" if text_layer else "scan without text layer",
        metadata=Metadata(
            identifier=identifier, kamer="Eerste Kamer", vergaderjaar=vergaderjaar, dossier=dossier,
            dossiers=[dossier], ondernummer=identifier.rsplit("-", 1)[-1], document_type=doc_type,
            title=f"Regels over de {doc_type} bij dossier {dossier}", date=day.isoformat(),
            dates={"ingezonden": (day - timedelta(days=21)).isoformat(), "ontvangen": day.isoformat()}
            if doc_type == "aanhangsel" else {"vastgesteld": day.isoformat()},
        ),
        blocks=blocks,
        footnotes=[Footnote("1", 1, f"Kamerstukken I {vergaderjaar}, {dossier}, B.")] if text_layer else [],
        committee=Committee("Vaste commissie voor Justitie en Veiligheid", list(MEMBERS[: 3 + len(dossier) % 6]))
        if not is_handelingen else Committee(),
        qa=[QAPair(n, m.party, f"De leden van de {m.party}-fractie vragen de regering {SENTENCE}",
                   f"De regering antwoordt dat {SENTENCE}", "minister van Justitie en Veiligheid", 2)
            for n, m in enumerate(MEMBERS[:4], start=1)] if doc_type in ("memorie van antwoord", "aanhangsel") else [],
        references=[Reference(f"Kamerstukken I {vergaderjaar}, {dossier}, B", "kamerstuk", "I", vergaderjaar,
                              dossier, "B", f"kst-{dossier}-B", "1")],
        speeches=[Speech(n, m.name, m.party, "", SENTENCE * 2) for n, m in enumerate(MEMBERS[:5], start=1)]
        if is_handelingen else [],
        motions=[Motion(1, 2, [m.name for m in MEMBERS[1:3]], f"kst-{dossier}-G", dossier, "G",
                        ["overwegende dat het voorstel van wet de rechtsbescherming raakt;"],
                        ["verzoekt de regering de wet binnen twee jaar te evalueren,"], MOTION, 2)]
        if is_handelingen else [],
        attendance=[Attendee(m.name, "aanwezig", "voorzitter" if m.role == "voorzitter" else "") for m in MEMBERS[:6]]
        + [Attendee("Van Ark", "aanwezig", "minister voor Medische Zorg en Sport"), Attendee(MEMBERS[6].name, "afwezig")]
        if is_handelingen else [],
        page_info=[PageInfo(n, 595.0, 842.0, 2400 if text_layer else 0, 380 if text_layer else 0, text_layer)
                   for n in range(1, pages + 1)],
    )


def sample_paper(identifier: str = "kst-36867-C", version: int = 1, vergaderjaar: str = "2025-2026",
                 dossier: str = "36867", doc_type: str = "memorie van antwoord",
                 day: date = date(2025, 11, 4), text_layer: bool = True, similarity: float = 0.995) -> ParsedPaper:
    """A stored-parse shaped paper with both sources (PDF and XML) and their agreement."""
    record = SruRecord(
        identifier=identifier, title=f"Memorie van antwoord bij {dossier}", type="Kamerstuk",
        creator="Eerste Kamer der Staten-Generaal", modified=day.isoformat(), available=day.isoformat(),
        date=day.isoformat(), changed_at=f"{day.isoformat()}T10:00:00", publicatienaam="Kamerstuk",
        documentstatus="Opgemaakt", vergaderjaar=vergaderjaar, dossiers=(dossier,),
        ondernummer=identifier.rsplit("-", 1)[-1], dossiertitel=f"Wijziging van de wet ({dossier})",
        urls={"pdf": f"https://repository.overheid.nl/frbr/officielepublicaties/kst/{dossier}/{identifier}/{version}/pdf/{identifier}.pdf",
              "xml": f"https://repository.overheid.nl/frbr/officielepublicaties/kst/{dossier}/{identifier}/{version}/xml/{identifier}.xml"},
    )
    pdf = sample_document(identifier, vergaderjaar, dossier, doc_type, day, "pdf", text_layer=text_layer)
    xml = sample_document(identifier, vergaderjaar, dossier, doc_type, day, "xml") if text_layer else None
    return ParsedPaper(
        record=record, version=version, fetched_at=f"{day.isoformat()}T12:00:00+00:00",
        parsed_at=f"{day.isoformat()}T12:05:00+00:00", chosen="xml" if xml else "pdf",
        choice_reason="official XML present" if xml else "no XML", pdf=pdf, xml=xml,
        agreement={"text_similarity": similarity, "longest_unmatched_run": 0, "ok": similarity >= 0.98}
        if xml else None,
    )


def sample_corpus(count: int, years: int = 10) -> Iterator[ParsedPaper]:
    """`count` papers over `years` parliamentary years (ending 2025-2026); every 10th has a second version."""
    for n in range(count):
        start = 2025 - n % years
        dossier = str(30000 + n // 4)
        letter = "ABCDEFGH"[n % 4]
        day = date(start, 9, 15) + timedelta(days=(n * 7) % 300)
        paper_kwargs = dict(identifier=f"kst-{dossier}-{letter}", vergaderjaar=f"{start}-{start + 1}",
                            dossier=dossier, doc_type=TYPES[n % len(TYPES)], day=day,
                            similarity=0.999 - (n % 7) * 0.003)
        yield sample_paper(version=1, **paper_kwargs)
        if n % 10 == 0:
            yield sample_paper(version=2, **paper_kwargs)
