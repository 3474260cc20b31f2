"""The SRU record of one publication, as the rest of the pipeline sees it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SruRecord:
    """One `gzd` record: the fields of owmskern, owmsmantel, tpmeta and enrichedData we use."""

    identifier: str  # dcterms:identifier, e.g. "kst-36867-C"
    title: str = ""  # dcterms:title
    type: str = ""  # dcterms:type (OVERHEIDop.Parlementair): Kamerstuk, Bijlage, Handeling, ...
    creator: str = ""  # dcterms:creator
    modified: str = ""  # dcterms:modified, YYYY-MM-DD (day resolution)
    available: str = ""  # dcterms:available: publication date
    date: str = ""  # dcterms:date: document date
    issued: str = ""
    changed_at: str = ""  # cd:datumTijdstipWijzigingExpression (or gzd:timestamp): change stamp
    content_area: str = ""
    publicatienaam: str = ""  # Kamerstuk, Handelingen, "Kamervragen (Aanhangsel)", ...
    documentstatus: str = ""  # Opgemaakt | Onopgemaakt | "Opgemaakt na onopgemaakt"
    vergaderjaar: str = ""  # "2025-2026"
    dossiers: tuple[str, ...] = ()  # normalised: "36867", "36600-VII"
    ondernummer: str = ""
    subrubriek: str = ""
    documenttitel: str = ""
    dossiertitel: str = ""
    hoofddocument: str = ""  # for bijlagen: the parent paper
    bijlagen: tuple[str, ...] = ()
    is_replaced_by: str = ""
    urls: dict[str, str] = field(default_factory=dict)  # manifestation -> URL (pdf, xml, metadata, ...)
    preferred_url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["dossiers"] = list(self.dossiers)
        data["bijlagen"] = list(self.bijlagen)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SruRecord:
        data = dict(data)
        data["dossiers"] = tuple(data.get("dossiers", ()))
        data["bijlagen"] = tuple(data.get("bijlagen", ()))
        return cls(**data)
