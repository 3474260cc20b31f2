"""Page furniture and first-page metadata of papers in layouts other than KOOP's: the chamber's
own site (a running header with a varying part, "pagina N van M", the web address, no KOOP
header), a stenogram, a Handelingen item whose page header is the sitting's title and date, and a
roman dossier (kst-cxxiv-g); measured against the generator's truth (`tests/support/sitegen.py`),
and the same measures over every generated paper."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from pipeline.model import Block, Document
from pipeline.parse import parse_file
from pipeline.parse.structure import enrich
from pipeline.parse.structure.doctypes import classify
from pipeline.parse.structure.metadata import full_title, furniture_metadata
from pipeline.parse.structure.text import iso_date, vergaderjaar
from pipeline.parse.textsim import word_similarity
from pipeline.sources.records import SruRecord
from tests.support import sitegen
from tests.support.papergen import FIXTURES, render
from tests.support.sitegen import site_fixtures

SITE = sorted(site_fixtures())
GENERATED = sorted(p.name.removesuffix(".truth.json") for p in FIXTURES.glob("*.truth.json"))
FIELDS = ("kamer", "vergaderjaar", "dossier", "document_type", "title", "date")


@cache
def parsed(name: str) -> tuple[Document, dict]:
    truth = json.loads((FIXTURES / f"{name}.truth.json").read_text(encoding="utf-8"))
    return parse_file(FIXTURES / f"{name}.pdf"), truth


def expected(truth: dict) -> dict[str, str]:
    """The metadata the paper's first page states: as the truth gives it, else read off its header
    values the way the SRU record writes them (a Handelingen item's title is its item's, not checked)."""
    printed = truth["metadata"]
    if "expected" in printed:
        return printed["expected"]
    handelingen = printed["identifier"].startswith("h-")
    values = {"kamer": printed["kamer"], "vergaderjaar": printed["vergaderjaar"], "dossier": printed["dossier"],
              "document_type": "handelingen" if handelingen else classify(printed["doc_title"]),
              "title": full_title(printed["title"], printed["doc_title"]), "date": iso_date(printed["date_line"])}
    return {f: v for f, v in values.items() if not (handelingen and f == "title")}


def leaks(doc: Document, truth: dict) -> list[str]:
    """The furniture of the truth (page-1 header items, running headers, footers, margin) found as
    whole words in the body text more often than the body itself says them ("Aan de Voorzitter van
    de Eerste Kamer der Staten-Generaal")."""
    def count(text: str, phrase: str) -> int:
        return len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))

    furniture = {f for f in (*truth["header"], *truth["footers"], *truth["margin"]) if f}
    return sorted(f for f in furniture if count(doc.text, f) > count(truth["body_text"], f))


def metadata_score(names: list[str]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Per field (right, checked) over `names`, and the fields that were wrong."""
    score = {f: [0, 0] for f in FIELDS}
    wrong = []
    for name in names:
        doc, truth = parsed(name)
        for field, value in expected(truth).items():
            score[field][1] += 1
            if getattr(doc.metadata, field) == value:
                score[field][0] += 1
            else:
                wrong.append(f"{name}.{field}: {getattr(doc.metadata, field)!r} != {value!r}")
    return {f: (a, b) for f, (a, b) in score.items()}, wrong


def _overall(score: dict[str, tuple[int, int]]) -> float:
    return sum(a for a, _ in score.values()) / sum(b for _, b in score.values())


@pytest.mark.parametrize("name", SITE)
def test_site_layouts_keep_their_furniture_out_of_the_text(name: str) -> None:
    doc, truth = parsed(name)
    similarity = word_similarity(doc.text, truth["body_text"])
    found = leaks(doc, truth)
    print(f"{name}: fidelity {similarity:.4f}, leaks {len(found)}")
    assert found == [] and similarity >= 0.98
    assert [b.text for b in doc.blocks if b.kind == "header"] == truth["header"]
    assert [b.text for b in doc.blocks if b.kind == "footer"] == truth["footers"]


@pytest.mark.parametrize("names", [SITE, GENERATED], ids=["site-layouts", "all-generated"])
def test_metadata_from_the_first_page_per_field(names: list[str]) -> None:
    score, wrong = metadata_score(names)
    print(" ".join(f"{f} {a}/{b}" for f, (a, b) in score.items()), f"overall {_overall(score):.3f}", wrong)
    assert _overall(score) >= 0.95, wrong


def test_no_furniture_leaks_in_any_generated_paper() -> None:
    found = {name: leaks(*parsed(name)) for name in GENERATED}
    assert {name: f for name, f in found.items() if f} == {}


_BODY_SIZE_FURNITURE = replace(sitegen.LAYOUT_EK_SITE, furniture_size=sitegen.LAYOUT_EK_SITE.body_size)
#: The site's papers with their furniture worded and placed otherwise, typeset at test time.
VARIANTS = {
    "one-page-header-with-a-title": (replace(sitegen.site_mondeling_overleg(), header=(
        "Eerste Kamer der Staten-Generaal – Verslag mondeling overleg Justitie", "")), _BODY_SIZE_FURNITURE),
    "title-and-date-in-the-footer": (replace(sitegen.site_stenogram(), header=("", ""), footer_parts=(
        "Stenogram Eerste Kamer 4 oktober 2022", "Pagina {page}")), sitegen.LAYOUT_EK_STENOGRAM),
    "sitting-header-with-separators": (replace(sitegen.handelingen_page(), header=(
        "Eerste Kamer", "Stemming motie Staat van de rechtsstaat · 19 mei 2020 · EK 34"), footer_parts=("", "")),
        _BODY_SIZE_FURNITURE),
    "address-at-the-head": (replace(sitegen.site_stenogram(), header=(
        "www.eerstekamer.nl", "Eerste Kamer der Staten-Generaal"), footer_parts=("", "- {page} -")),
        replace(sitegen.LAYOUT_EK_STENOGRAM, furniture_size=11.0)),
    "swapped-head-den-haag": (replace(sitegen.site_mondeling_overleg(), header=("{page}", "Eerste Kamer der "
        "Staten-Generaal"), year_line="Zitting 2009–2010", date_line="Den Haag, 24 juni 2010"), _BODY_SIZE_FURNITURE),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_furniture_worded_and_placed_otherwise(name: str, tmp_path: Path) -> None:
    spec, layout = VARIANTS[name]
    truth = render(spec, layout, tmp_path / "p.pdf")
    doc = parse_file(tmp_path / "p.pdf")
    wrong = {f: getattr(doc.metadata, f) for f, value in spec.expected.items() if getattr(doc.metadata, f) != value}
    assert leaks(doc, truth) == [] and wrong == {}
    assert word_similarity(doc.text, truth["body_text"]) >= 0.98


def test_a_one_page_site_paper_by_position_and_wording() -> None:
    """One page, so nothing repeats: the chamber's name in small print heads it, the address and
    "pagina 1 van 1" foot it."""
    doc, truth = parsed("kst-32123-VI-P-eksite")
    assert truth["pages"] == 1
    assert [b.text for b in doc.blocks if b.kind == "footer"] == ["www.eerstekamer.nl pagina 1 van 1"]
    assert doc.metadata.ondernummer == "P" and doc.metadata.vergaderjaar == "2009-2010"


def test_handelingen_page_header_with_the_sittings_title_and_date() -> None:
    doc, _ = parsed("h-ek-20192020-34-10")
    assert [b.text for b in doc.blocks if b.kind == "header"] == [
        "Eerste Kamer Stemming motie Staat van de rechtsstaat 19 mei 2020 EK 34"]
    assert doc.body_blocks[0].text == "10 Stemming motie Staat van de rechtsstaat"
    assert (doc.metadata.document_type, doc.metadata.date) == ("handelingen", "2020-05-19")


def test_a_roman_dossier_and_its_letter() -> None:
    meta = parsed("kst-cxxiv-g")[0].metadata
    assert (meta.dossier, meta.ondernummer, meta.document_type) == ("CXXIV", "G", "brief")


def _blocks(*header: str, body: tuple[str, ...] = ()) -> list[Block]:
    return [Block("header", text, 1) for text in header] + [Block("paragraph", text, 1) for text in body]


@pytest.mark.parametrize(("header", "want"), [
    (("Eerste Kamer der Staten-Generaal", "Vergaderjaar 1999/00", "Verslag van een deskundigenbijeenkomst over "
      "de Omgevingswet", "Vastgesteld 12 maart 2000"),
     {"kamer": "Eerste Kamer", "vergaderjaar": "1999-2000", "document_type": "verslag",
      "title": "Verslag van een deskundigenbijeenkomst over de Omgevingswet", "date": "2000-03-12"}),
    (("Eerste Kamer der Staten-Generaal | pagina 1 van 3", "Zitting 2019–2020",
      "Stenogram van de vergadering van dinsdag 19 mei 2020"),
     {"kamer": "Eerste Kamer", "vergaderjaar": "2019-2020", "document_type": "handelingen", "date": "2020-05-19",
      "title": "Stenogram van de vergadering van dinsdag 19 mei 2020"}),
    (("Tweede Kamer der Staten-Generaal", "Zitting 1994–1995", "24 447 Wijziging van de Ziekenfondswet",
      "Nr. 5a NOTA NAAR AANLEIDING VAN HET VOORLOPIG VERSLAG"),
     {"kamer": "Tweede Kamer", "vergaderjaar": "1994-1995", "dossier": "24447", "ondernummer": "5a",
      "document_type": "nota naar aanleiding van het verslag"}),
    (("Eerste Kamer der Staten-Generaal", "Parlementair jaar 2019/2020", "Brief van de commissie aan de minister"),
     {"vergaderjaar": "2019-2020", "document_type": "brief", "title": "Brief van de commissie aan de minister"}),
])
def test_first_page_wordings(header: tuple[str, ...], want: dict[str, str]) -> None:
    meta = furniture_metadata(_blocks(*header, body=("Den Haag, 3 februari 2020",)))
    assert {f: getattr(meta, f) for f in want} == want


def test_a_date_in_the_body_after_den_haag() -> None:
    meta = furniture_metadata(_blocks("Eerste Kamer der Staten-Generaal", body=("Den Haag, 3 februari 2020",)))
    assert (meta.date, meta.vergaderjaar) == ("2020-02-03", "2019-2020")
    assert vergaderjaar("Vergaderjaar 1999/00") == "1999-2000" and vergaderjaar("2019/21") == ""


def test_a_handelingen_identifier_is_handelingen_whatever_the_text_says() -> None:
    """The record's identifier decides: an item whose header reads like a motion, a record whose
    title names a letter."""
    blocks = _blocks("Eerste Kamer der Staten-Generaal", "Vergaderjaar 2019–2020", "35 300 VI Vaststelling",
                     "Y MOTIE VAN HET LID NICOLAÏ C.S.", body=("De Kamer, gehoord de beraadslaging,",))
    doc = Document(source="pdf", source_path="motie.pdf", blocks=blocks)
    assert furniture_metadata(blocks).document_type == "motie"
    record = SruRecord(identifier="h-ek-20192020-34-10", title="Brief over de motie", type="Handeling")
    assert enrich(doc, record).metadata.document_type == "handelingen"
    assert not any(flag.startswith("document_type") for flag in doc.metadata.flags)
    assert furniture_metadata([Block("margin", "h-ek-20192020-34-10", 1), *blocks]).document_type == "handelingen"


def test_site_fixtures_are_in_the_committed_set() -> None:
    assert set(SITE) <= set(GENERATED)
