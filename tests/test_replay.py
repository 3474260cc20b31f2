"""The replay server answers like repository.overheid.nl, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from pipeline.errors import SruDiagnostic
from pipeline.sources import vergaderjaar
from pipeline.sources.sru import parse_response
from replay.catalogue import generated_catalogue, index_of, recorded_catalogue, tiny_pdf
from replay.faults import Faults
from replay.server import ReplayServer
from tests.support.paths import FRBR, KST_PDF, REALDATA

EK = 'dt.creator=="Eerste Kamer der Staten-Generaal"'
HTTP = httpx.Client(timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(recorded_catalogue()) as srv:
        yield srv


def sru(server: ReplayServer, query: str, start: int = 1, maximum: int = 100) -> httpx.Response:
    return HTTP.get(server.sru_url, params={"operation": "searchRetrieve", "version": "2.0", "recordSchema": "gzd",
                                             "query": query, "startRecord": start, "maximumRecords": maximum})


def ids(response: httpx.Response) -> list[str]:
    return [r.identifier for r in parse_response(response.content).records]


def test_recorded_catalogue_is_deterministic_and_real() -> None:
    one, two = recorded_catalogue(), recorded_catalogue()
    assert [(e.identifier, e.xml) for e in one] == [(e.identifier, e.xml) for e in two]
    assert {"kst-1259252", "kst-36867-A", "kst-36867-B", "kst-36867-C", "h-ek-20202021-1-1",
            "kst-32545-143", "ah-tk-20202021-3235", "blg-1007826"} <= set(one.entries)
    real = (REALDATA / "lawgraph" / "sru_eerstekamer_kamerstukken_page.xml").read_text(encoding="utf-8")
    title = one.entries["kst-36867-C"].index["dt.title"][0]
    assert f"<dcterms:title>{title}</dcterms:title>" in real


def test_ek_filter_and_keyset_paging(server: ReplayServer) -> None:
    everything = ids(sru(server, f"c.product-area==officielepublicaties AND {EK} sortBy dt.identifier/sort.ascending"))
    assert everything == sorted(everything)
    assert {"kst-36867-A", "h-ek-20212022-2-1"} <= set(everything)
    assert not {"kst-32545-143", "ah-tk-20202021-3235", "blg-1007826"} & set(everything)
    after = ids(sru(server, f'{EK} AND dt.identifier>"kst-36867-A" sortBy dt.identifier/sort.ascending'))
    assert after == [i for i in everything if i > "kst-36867-A"]


def test_cql_relations_and_booleans(server: ReplayServer) -> None:
    assert ids(sru(server, "w.dossiernummer==36867 AND (w.ondernummer==B OR w.ondernummer==C)")) == [
        "kst-36867-B", "kst-36867-C"]
    assert ids(sru(server, "w.dossiernummer==36867 NOT w.documentstatus==Onopgemaakt "
                           "sortBy dt.identifier/sort.descending")) == ["kst-36867-C", "kst-36867-B", "kst-36867-A"]
    assert ids(sru(server, 'dt.creator="eerste kamer" AND dt.modified>=2026-08-01 AND dt.modified<=2026-08-31')) == [
        "kst-36867-B"]


def test_unknown_prefix_is_the_real_diagnostic(server: ReplayServer) -> None:
    response = sru(server, "dcterms.modified>=2026-01-01")
    assert response.status_code == 200
    assert response.content == (REALDATA / "lawgraph" / "sru_unknown_index_diagnostic.xml").read_bytes()


def test_invalid_date_is_ignored_with_a_diagnostic_next_to_results(server: ReplayServer) -> None:
    response = sru(server, f"{EK} AND dt.date<=2026-02-29")
    assert response.status_code == 200 and b"<sru:records>" in response.content
    assert b"SEARCH-IGNOREDQTEXT" in response.content
    with pytest.raises(SruDiagnostic, match="SEARCH-IGNOREDQTEXT"):
        parse_response(response.content)


def test_deep_paging_wall_is_a_504(server: ReplayServer) -> None:
    assert sru(server, EK, start=9999).status_code == 200
    response = sru(server, EK, start=10000, maximum=1)
    assert response.status_code == 504 and b"nginx" in response.content


def test_files_are_byte_exact_and_urls_point_back(server: ReplayServer) -> None:
    page = parse_response(sru(server, "dt.identifier==kst-32545-143").content)
    record = page.records[0]
    assert record.urls["pdf"].startswith(server.url + "/frbr/officielepublicaties/kst/32545/")
    assert HTTP.get(record.urls["pdf"]).content == KST_PDF.read_bytes()
    stand_in = parse_response(sru(server, "dt.identifier==kst-36867-C").content).records[0]
    assert HTTP.get(stand_in.urls["xml"]).content == (FRBR / "kst/32545/kst-32545-143/1/xml/kst-32545-143.xml").read_bytes()
    assert HTTP.get(stand_in.urls["odt"]).status_code == 404  # listed by the real record, not bundled
    assert server.requests.served("file")[urlpath(record.urls["pdf"])] >= 1


def urlpath(url: str) -> str:
    return httpx.URL(url).path


def test_number_of_records_is_an_estimate_and_next_position_pages() -> None:
    catalogue = generated_catalogue(ek=250, tk=100, seed=3)
    with ReplayServer(catalogue) as srv:
        first = parse_response(sru(srv, EK, maximum=100).content)
        assert len(first.records) == 100 and first.next_position == 101
        assert first.number_of_records != 250 and abs(first.number_of_records - 250) < 25
        last = parse_response(sru(srv, EK, start=201, maximum=100).content)
        assert len(last.records) == 50 and last.next_position is None


def test_generated_records_render_the_real_layout() -> None:
    catalogue = generated_catalogue(ek=60, tk=40, seed=1)
    for entry in catalogue:
        assert index_of(entry.xml) == entry.index
    creators = {e.index["dt.creator"][0] for e in catalogue}
    assert creators == {"Eerste Kamer der Staten-Generaal", "Tweede Kamer der Staten-Generaal"}
    kinds = {e.index["w.publicatienaam"][0] for e in catalogue}
    assert {"Kamerstuk", "Handelingen"} <= kinds
    for entry in catalogue:  # the vergaderjaar of its publication date, which begins on Prinsjesdag
        available = date.fromisoformat(entry.index["dt.available"][0])
        assert entry.index["w.vergaderjaar"] == (vergaderjaar.name(vergaderjaar.start_year_of(available)),)
    pdf = tiny_pdf("kst-36000-A Verslag")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")


def test_a_vergaderjaar_clause_finds_exactly_the_papers_of_that_year() -> None:
    catalogue = generated_catalogue(ek=250, tk=100, seed=3)
    with ReplayServer(catalogue) as srv:
        page = parse_response(sru(srv, f"{EK} AND w.vergaderjaar==2024-2025", maximum=1000).content)
    expected = {e.identifier for e in catalogue if e.index["dt.creator"] == ("Eerste Kamer der Staten-Generaal",)
                and e.index["w.vergaderjaar"] == ("2024-2025",)}
    assert {r.identifier for r in page.records} == expected and len(expected) > 50
    assert {r.vergaderjaar for r in page.records} == {"2024-2025"}


def test_catalogue_add_fields_with_files(tmp_path) -> None:
    """How the lead adds a paper: a record (real XML or fields) plus files per manifestation."""
    catalogue = recorded_catalogue()
    pdf = tmp_path / "kst-27925-AA.pdf"
    pdf.write_bytes(tiny_pdf("kst-27925-AA"))
    catalogue.add({"identifier": "kst-27925-AA", "dossiers": ("27925",), "ondernummer": "AA",
                   "content_area": "officielepublicaties/kst/27925"},
                  files={"pdf": pdf, "metadata": b"<metadata_gegevens/>"})
    with ReplayServer(catalogue) as srv:
        record = parse_response(sru(srv, "dt.identifier==kst-27925-AA").content).records[0]
        assert set(record.urls) == {"pdf", "metadata"} and record.creator == "Eerste Kamer der Staten-Generaal"
        assert hashlib.sha256(HTTP.get(record.urls["pdf"]).content).hexdigest() == \
            hashlib.sha256(pdf.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", ["503", "reset", "truncate"])
def test_transient_faults(kind: str) -> None:
    with ReplayServer(recorded_catalogue(), Faults(rate=1.0, kinds=(kind,))) as srv:
        if kind == "503":
            response = sru(srv, EK)
            assert response.status_code == 503 and response.headers["content-type"] == "text/html"
        else:
            with pytest.raises(httpx.TransportError):
                sru(srv, EK)


def test_lasting_file_faults() -> None:
    faults = Faults()
    catalogue = recorded_catalogue()
    with ReplayServer(catalogue, faults) as srv:
        url = srv.url + catalogue.entries["kst-36867-B"].files["pdf"]
        faults.break_file("kst-36867-B", "pdf", "html")
        assert HTTP.get(url).content.startswith(b"<!DOCTYPE html>")
        faults.break_file("kst-36867-B", "pdf", "404")
        assert HTTP.get(url).status_code == 404
        faults.heal()
        assert HTTP.get(url).content == KST_PDF.read_bytes()
