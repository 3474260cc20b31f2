"""SRU client: CQL building and the parsing of real responses, records and diagnostics."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import DEFAULT_KINDS
from pipeline.errors import MalformedResponse, SruDiagnostic
from pipeline.sources.sru import HarvestQuery, normalise_dossier, parse_response
from tests.support.paths import REALDATA

EK_PAGE = REALDATA / "lawgraph" / "sru_eerstekamer_kamerstukken_page.xml"
DIAGNOSTIC = REALDATA / "lawgraph" / "sru_unknown_index_diagnostic.xml"
PLOOI = REALDATA / "woo-besluit-broncode-PLOOI"


def test_real_eerste_kamer_page_parses_into_records() -> None:
    page = parse_response(EK_PAGE.read_bytes())
    assert [r.identifier for r in page.records] == ["kst-1259252", "kst-36867-A", "kst-36867-B", "kst-36867-C"]
    assert page.number_of_records == 4 and page.next_position is None and not page.bad_records
    onopgemaakt, _, b, c = page.records
    assert onopgemaakt.documentstatus == "Onopgemaakt" and onopgemaakt.ondernummer == "D"
    assert onopgemaakt.dossiers == ("36867",) and set(onopgemaakt.urls) == {"metadata", "metadataowms", "pdf"}
    assert onopgemaakt.content_area == "officielepublicaties/kst/onopgemaakt"
    assert b.bijlagen == ("blg-1253259",) and b.subrubriek == "Brief"
    assert c.creator == "Eerste Kamer der Staten-Generaal" and c.publicatienaam == "Kamerstuk"
    assert (c.available, c.modified, c.date) == ("2026-06-30", "2026-09-16", "2026-06-30")
    assert c.changed_at == "2026-09-16T13:45:50.4046079+02:00"
    assert c.urls["xml"].endswith("/kst/36867/kst-36867-C/1/xml/kst-36867-C.xml")
    assert c.preferred_url == "https://zoek.officielebekendmakingen.nl/kst-36867-C.html"


def test_real_handelingen_page_with_next_record_position() -> None:
    page = parse_response((PLOOI / "dcn-oep-unit" / "sru.xml").read_bytes())
    assert page.number_of_records == 76 and page.next_position == 11
    ek = [r for r in page.records if r.creator == "Eerste Kamer der Staten-Generaal"]
    assert [r.identifier for r in ek] == ["h-ek-20212022-2-7", "h-ek-20212022-2-1"]
    assert all(r.publicatienaam == "Handelingen" and r.type == "Handeling" for r in ek)


def test_real_diagnostic_in_http_200_raises() -> None:
    with pytest.raises(SruDiagnostic, match="info:srw/diagnostic/1/10: unknown prefix dcterms"):
        parse_response(DIAGNOSTIC.read_bytes(), "dcterms.modified>=2026-01-01")


def test_ignored_clause_next_to_results_raises() -> None:
    """SEARCH-IGNOREDQTEXT: results of a silently widened query are worse than none."""
    body = EK_PAGE.read_text(encoding="utf-8").replace(
        "<sru:resultCountPrecision>",
        "<sru:diagnostics><diag:diagnostic><diag:uri>info:srw/diagnostic/1/48</diag:uri><diag:message>"
        "SEARCH-IGNOREDQTEXT</diag:message><diag:details>dt.date&lt;=2026-02-29</diag:details></diag:diagnostic>"
        "</sru:diagnostics><sru:resultCountPrecision>")
    with pytest.raises(SruDiagnostic, match="SEARCH-IGNOREDQTEXT"):
        parse_response(body.encode())


@pytest.mark.parametrize("body, reason", [
    (EK_PAGE.read_bytes()[:5000], "not well-formed"),
    (b"<html><body>503 Service Temporarily Unavailable</body></html>", "root <html>"),
    (b"", "not well-formed"),
])
def test_broken_responses_are_malformed(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedResponse, match=reason):
        parse_response(body)


def test_record_of_unexpected_shape_is_reported_not_fatal() -> None:
    text = EK_PAGE.read_text(encoding="utf-8")
    start = text.index("<overheidwetgeving:tpmeta>")
    broken = text[:start] + text[text.index("</overheidwetgeving:tpmeta>") + len("</overheidwetgeving:tpmeta>"):]
    page = parse_response(broken.encode())
    assert [r.identifier for r in page.records] == ["kst-36867-A", "kst-36867-B", "kst-36867-C"]
    assert len(page.bad_records) == 1
    bad = page.bad_records[0]
    assert bad.identifier == "kst-1259252" and bad.position == 1 and "tpmeta" in bad.reason


@pytest.mark.parametrize("identifier", ["../../escape", "kst-36867-B/../../x", "..", "kst 36867 B", ".hidden"])
def test_a_record_whose_identifier_cannot_name_a_file_is_reported_not_fatal(identifier: str) -> None:
    text = EK_PAGE.read_text(encoding="utf-8").replace(">kst-36867-B<", f">{identifier}<")
    page = parse_response(text.encode())
    assert [r.identifier for r in page.records] == ["kst-1259252", "kst-36867-A", "kst-36867-C"]
    [bad] = page.bad_records
    assert bad.identifier == identifier and "cannot name a file" in bad.reason


def test_harvest_query_cql() -> None:
    query = HarvestQuery(kinds=DEFAULT_KINDS, modified_from=date(2026, 9, 1), modified_until=date(2026, 9, 30),
                         dossier="36600-VII")
    assert query.cql() == (
        'c.product-area==officielepublicaties AND dt.creator=="Eerste Kamer der Staten-Generaal" AND '
        '(w.publicatienaam==Kamerstuk OR w.publicatienaam==Handelingen OR w.publicatienaam=="Kamervragen '
        '(Aanhangsel)" OR w.publicatienaam=="Kamervragen zonder antwoord" OR w.publicatienaam==Agenda) AND '
        "dt.modified>=2026-09-01 AND dt.modified<=2026-09-30 AND w.dossiernummer==36600-VII "
        "sortBy dt.identifier/sort.ascending")
    keyset = HarvestQuery(kinds=("Kamerstuk",), identifiers=("kst-36867-C",)).cql(after="kst-36867-B")
    assert keyset.endswith('w.publicatienaam==Kamerstuk AND dt.identifier==kst-36867-C AND '
                           'dt.identifier>"kst-36867-B" sortBy dt.identifier/sort.ascending')
    assert "dcterms." not in keyset
    one_year = HarvestQuery(kinds=("Handelingen",), vergaderjaar="2019-2020").cql()
    assert one_year == ('c.product-area==officielepublicaties AND dt.creator=="Eerste Kamer der Staten-Generaal" AND '
                        "w.publicatienaam==Handelingen AND w.vergaderjaar==2019-2020 sortBy dt.identifier/sort.ascending")


def test_dossier_numbers_are_normalised() -> None:
    assert normalise_dossier("35925 VII") == "35925-VII"
    assert normalise_dossier(" 36867 ") == "36867"
