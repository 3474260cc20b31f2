"""KOOP's SRU 2.0 service: CQL query building, response and record parsing, diagnostics, paging.

The service (repository.overheid.nl/sru) answers every search with HTTP 200, also when it
refuses or silently narrows a query: such answers carry `diagnostic` elements and are raised
here as `SruDiagnostic`. Paging past record 10,000 is impossible (HTTP 504), so `SruClient`
pages by keyset on `dt.identifier` with `startRecord=1` each time.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pipeline.config import EERSTE_KAMER
from pipeline.errors import InvalidParameter, MalformedResponse, SruDiagnostic
from pipeline.identifiers import is_safe_name
from pipeline.sources.records import SruRecord

log = logging.getLogger(__name__)

NS = {
    "sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "diag": "http://docs.oasis-open.org/ns/search-ws/diagnostic",
    "gzd": "http://standaarden.overheid.nl/sru",
    "ow": "http://standaarden.overheid.nl/wetgeving/",
    "dcterms": "http://purl.org/dc/terms/",
    "c": "http://standaarden.overheid.nl/collectie/",
    "cd": "http://standaarden.overheid.nl/cup/data",
}
SORT_BY_IDENTIFIER = "sortBy dt.identifier/sort.ascending"
_DIAGNOSTIC_TAG = f"{{{NS['diag']}}}diagnostic"


# --- CQL --------------------------------------------------------------------------------------

def cql_term(value: str) -> str:
    """A CQL search term: bare when it is one safe word, else double-quoted with escapes."""
    if re.fullmatch(r"[\w.\-]+", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any_of(index: str, values: Sequence[str]) -> str:
    clauses = [f"{index}=={cql_term(v)}" for v in values]
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


@dataclass(frozen=True)
class HarvestQuery:
    """What to ask for: Eerste Kamer publications of some kinds, modified in a window."""

    kinds: tuple[str, ...]
    modified_from: date | None = None
    modified_until: date | None = None
    dossier: str | None = None
    vergaderjaar: str | None = None  # "2019-2020": the papers' own parliamentary year
    identifiers: tuple[str, ...] = ()
    creator: str | None = EERSTE_KAMER  # None: any creator (bijlagen asked for by identifier)

    def cql(self, after: str | None = None) -> str:
        """The CQL, optionally only identifiers after `after` (keyset paging), sorted by identifier."""
        if not self.kinds:
            raise ValueError("a harvest query needs at least one publication kind")
        clauses = ["c.product-area==officielepublicaties"]
        if self.creator:
            clauses.append(f"dt.creator=={cql_term(self.creator)}")
        clauses.append(_any_of("w.publicatienaam", self.kinds))
        if self.modified_from:
            clauses.append(f"dt.modified>={self.modified_from.isoformat()}")
        if self.modified_until:
            clauses.append(f"dt.modified<={self.modified_until.isoformat()}")
        if self.dossier:
            clauses.append(f"w.dossiernummer=={cql_term(self.dossier)}")
        if self.vergaderjaar:
            clauses.append(f"w.vergaderjaar=={cql_term(self.vergaderjaar)}")
        if self.identifiers:
            clauses.append(_any_of("dt.identifier", self.identifiers))
        if after is not None:
            clauses.append(f'dt.identifier>"{after}"')
        return " AND ".join(clauses) + " " + SORT_BY_IDENTIFIER


# --- response parsing -------------------------------------------------------------------------

@dataclass(frozen=True)
class Diagnostic:
    uri: str
    message: str
    details: str = ""

    def __str__(self) -> str:
        extra = f" ({self.details})" if self.details else ""
        return f"{self.uri}: {self.message}{extra}"


@dataclass(frozen=True)
class BadRecord:
    """A record in a page that could not be read; `identifier` is empty when even that is missing."""

    position: int
    identifier: str
    reason: str


@dataclass
class SruPage:
    records: list[SruRecord] = field(default_factory=list)
    bad_records: list[BadRecord] = field(default_factory=list)
    number_of_records: int | None = None  # an estimate, never to be trusted
    next_position: int | None = None

    @property
    def size(self) -> int:
        return len(self.records) + len(self.bad_records)


def _text(el: ET.Element | None, path: str) -> str:
    found = el.find(path, NS) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


def _texts(el: ET.Element | None, path: str) -> list[str]:
    return [(f.text or "").strip() for f in el.findall(path, NS)] if el is not None else []


def _int(el: ET.Element, path: str) -> int | None:
    value = _text(el, path)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise MalformedResponse(f"SRU response has a non-numeric {path}: {value!r}") from None


def normalise_dossier(value: str) -> str:
    """`35925 VII` -> `35925-VII` (the form `w.dossiernummer` queries and ids use)."""
    return re.sub(r"[\s\-]+", "-", value.strip())


def parse_record(gzd: ET.Element) -> SruRecord:
    """One `gzd:gzd` element -> SruRecord; MalformedResponse when it lacks what every record has."""
    meta = gzd.find("gzd:originalData/ow:meta", NS)
    if meta is None:
        raise MalformedResponse("record has no gzd:originalData/overheidwetgeving:meta")
    kern, mantel, tp = (meta.find(f"ow:{part}", NS) for part in ("owmskern", "owmsmantel", "tpmeta"))
    identifier = _text(kern, "dcterms:identifier")
    if not identifier:
        raise MalformedResponse("record has no dcterms:identifier")
    if not is_safe_name(identifier):  # it names files: parsed/<identifier>/v<version>.json
        raise MalformedResponse(f"record identifier {identifier!r} cannot name a file (letters, digits, '-', "
                                "'_' and single '.' only)")
    if tp is None:
        raise MalformedResponse(f"record {identifier} has no overheidwetgeving:tpmeta")
    enriched = gzd.find("gzd:enrichedData", NS)
    urls = {u.get("manifestation", ""): (u.text or "").strip()
            for u in (enriched.findall("gzd:itemUrl", NS) if enriched is not None else [])}
    urls.pop("", None)
    changed_at = _text(tp, "cd:datumTijdstipWijzigingExpression") or _text(enriched, "gzd:timestamp")
    return SruRecord(
        identifier=identifier,
        title=_text(kern, "dcterms:title"),
        type=_text(kern, "dcterms:type"),
        creator=_text(kern, "dcterms:creator"),
        modified=_text(kern, "dcterms:modified"),
        available=_text(mantel, "dcterms:available"),
        date=_text(mantel, "dcterms:date"),
        issued=_text(mantel, "dcterms:issued"),
        changed_at=changed_at,
        content_area=_text(tp, "c:content-area"),
        publicatienaam=_text(tp, "ow:publicatienaam"),
        documentstatus=_text(tp, "ow:documentstatus"),
        vergaderjaar=_text(tp, "ow:vergaderjaar"),
        dossiers=tuple(normalise_dossier(d) for d in _texts(tp, "ow:dossiernummer") if d),
        ondernummer=_text(tp, "ow:ondernummer"),
        subrubriek=_text(tp, "ow:subrubriek"),
        documenttitel=_text(tp, "ow:documenttitel"),
        dossiertitel=_text(tp, "ow:dossiertitel"),
        hoofddocument=_text(tp, "ow:hoofddocument"),
        bijlagen=tuple(b for b in _texts(tp, "ow:bijlage") if b),
        is_replaced_by=_text(mantel, "dcterms:isReplacedBy") or _text(kern, "dcterms:isReplacedBy"),
        urls=urls,
        preferred_url=_text(enriched, "gzd:preferredUrl"),
    )


def diagnostics_of(root: ET.Element) -> list[Diagnostic]:
    return [Diagnostic(_text(d, "diag:uri"), _text(d, "diag:message"), _text(d, "diag:details"))
            for d in root.iter(_DIAGNOSTIC_TAG)]


def parse_response(content: bytes, query: str = "") -> SruPage:
    """Parse a searchRetrieveResponse. Any diagnostic, also next to results, raises SruDiagnostic."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as err:
        raise MalformedResponse(f"SRU response is not well-formed XML ({err}); "
                                f"first bytes: {content[:80]!r}") from None
    if root.tag != f"{{{NS['sru']}}}searchRetrieveResponse":
        raise MalformedResponse(f"SRU response has root <{root.tag}>, not sru:searchRetrieveResponse")
    diagnostics = diagnostics_of(root)
    if diagnostics:
        what = "; ".join(map(str, diagnostics))
        raise SruDiagnostic(f"the SRU service answered query {query!r} with diagnostic {what}")
    page = SruPage(number_of_records=_int(root, "sru:numberOfRecords"),
                   next_position=_int(root, "sru:nextRecordPosition"))
    for n, rec in enumerate(root.findall("sru:records/sru:record", NS), start=1):
        position = _int(rec, "sru:recordPosition") or n
        gzd = rec.find("sru:recordData/gzd:gzd", NS)
        try:
            if gzd is None:
                raise MalformedResponse("record has no sru:recordData/gzd:gzd")
            page.records.append(parse_record(gzd))
        except MalformedResponse as err:
            ident = _text(gzd, "gzd:originalData/ow:meta/ow:owmskern/dcterms:identifier")
            page.bad_records.append(BadRecord(position, ident, str(err)))
    return page


# --- client -----------------------------------------------------------------------------------

#: fetch(params, check) -> parsed page; `check` turns the response body into an SruPage.
Fetcher = Callable[[dict[str, Any], Callable[[bytes], SruPage]], SruPage]


@dataclass
class PagingTally:
    """What keyset paging saw, to check that the pages add up."""

    pages: int = 0
    records: int = 0
    first_estimate: int | None = None
    last_identifier: str | None = None

    @property
    def adds_up(self) -> bool:
        """The estimate is an estimate: accept 10% (or 10 records) of difference."""
        if self.first_estimate is None:
            return True
        return abs(self.first_estimate - self.records) <= max(10, self.first_estimate // 10)


class SruClient:
    """searchRetrieve over a fetcher (the polite HTTP client), paging by keyset."""

    def __init__(self, fetch: Fetcher, page_size: int = 100) -> None:
        if not 1 <= page_size <= 1000:
            raise InvalidParameter(f"SRU page size {page_size} is outside 1..1000 (EK_SRU_PAGE_SIZE)")
        self._fetch = fetch
        self.page_size = page_size

    def search(self, cql: str, start: int = 1, maximum: int | None = None) -> SruPage:
        params = {"operation": "searchRetrieve", "version": "2.0", "recordSchema": "gzd",
                  "query": cql, "startRecord": start, "maximumRecords": maximum or self.page_size}
        return self._fetch(params, lambda body: parse_response(body, cql))

    def pages(self, query: HarvestQuery, tally: PagingTally | None = None) -> Iterator[SruPage]:
        """Every page of the query, by keyset on dt.identifier; checks order and completeness."""
        tally = tally if tally is not None else PagingTally()
        while True:
            page = self.search(query.cql(after=tally.last_identifier))
            tally.pages += 1
            if tally.first_estimate is None:
                tally.first_estimate = page.number_of_records
            self._check_order(page, tally.last_identifier)
            tally.records += page.size
            if page.records:
                tally.last_identifier = max(tally.last_identifier or "", page.records[-1].identifier)
            yield page
            if page.size == 0 or (page.next_position is None and page.size < self.page_size):
                break
            if not page.records:  # a full page of unreadable records: no key to continue from
                raise MalformedResponse(f"a whole SRU page of {page.size} records was unreadable; "
                                        "cannot page on past it")
        if not tally.adds_up:
            log.warning("SRU numberOfRecords said %s but paging returned %d records",
                        tally.first_estimate, tally.records)

    @staticmethod
    def _check_order(page: SruPage, after: str | None) -> None:
        ids = [r.identifier for r in page.records]
        if ids != sorted(ids) or (after is not None and ids and ids[0] <= after):
            raise MalformedResponse("SRU page is not sorted by dt.identifier after "
                                    f"{after!r} (got {ids[:3]}...): keyset paging would lose records")
