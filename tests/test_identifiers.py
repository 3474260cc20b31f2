"""The identifier grammar on the identifiers of the real records and files, and on wrong ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.identifiers import (
    DOSSIER_REGEX,
    IDENTIFIER_REGEX,
    Identifier,
    is_publication_identifier,
    parse_identifier,
)
from pipeline.sources.sru import parse_response

REAL = Path(__file__).parent / "fixtures" / "real"
#: Elements of the real SRU records and OWMS metadata that hold a publication identifier.
_ID_ELEMENT = re.compile(r"<(?:dcterms:identifier|overheidwetgeving:(?:hoofddocument|bijlage))>([^<]+)<")
_CHAMBERS = {"Eerste Kamer der Staten-Generaal": "ek", "Tweede Kamer der Staten-Generaal": "tk"}


def _real_identifiers() -> set[str]:
    found = {m for path in REAL.rglob("*.xml") for m in _ID_ELEMENT.findall(path.read_text("utf-8"))}
    frbr = REAL / "woo-besluit-broncode-PLOOI" / "repository.overheid.nl" / "frbr" / "officielepublicaties"
    found |= {path.name for path in frbr.glob("*/*/*") if path.is_dir()}  # <type>/<group>/<id>/
    found |= {path.stem for path in (REAL / "official-tk").glob("*/*.*")  # files named by their id
              if path.suffix in (".pdf", ".xml") and not path.name.startswith("tk-plenair-verslag-")}
    return found


def _real_records() -> list:
    pages = [p for p in REAL.rglob("*.xml") if b"<sru:records>" in p.read_bytes()]
    return [record for page in pages for record in parse_response(page.read_bytes()).records]


def test_every_real_identifier_is_one() -> None:
    identifiers = _real_identifiers()
    assert len(identifiers) >= 40, identifiers
    assert {i for i in identifiers if not is_publication_identifier(i)} == set()
    assert {"kst-36867-C", "kst-21501-02-3121", "h-tk-20172018-61-10", "ah-ek-20192020-10", "kv-2989900822",
            "blg-1007826", "kst-35300-X-63", "ah-tk-20232024-878"} <= identifiers


def test_the_parts_agree_with_the_records_own_fields() -> None:
    """Dossier, vergaderjaar and chamber read from the id are those the SRU record states."""
    records = _real_records()
    assert len(records) >= 20
    for record in records:
        parsed = parse_identifier(record.identifier)
        assert parsed is not None, record.identifier
        if parsed.dossier:
            assert parsed.dossier in [d.replace(" ", "-") for d in record.dossiers], record.identifier
        if parsed.vergaderjaar:
            assert parsed.vergaderjaar == record.vergaderjaar, record.identifier
        if parsed.chamber:
            assert parsed.chamber == _CHAMBERS[record.creator], record.identifier


@pytest.mark.parametrize(("text", "parts"), [
    ("kst-36867-C", dict(kind="kst", dossier="36867", ondernummer="C")),
    ("kst-32545-143", dict(kind="kst", dossier="32545", ondernummer="143")),
    ("kst-21501-20-123", dict(kind="kst", dossier="21501-20", ondernummer="123")),
    ("kst-21501-02-3121", dict(kind="kst", dossier="21501-02", ondernummer="3121")),
    ("kst-36600-VII-5", dict(kind="kst", dossier="36600-VII", ondernummer="5")),
    ("kst-28600-VII-A", dict(kind="kst", dossier="28600-VII", ondernummer="A")),
    ("kst-35300-X-63", dict(kind="kst", dossier="35300-X", ondernummer="63")),
    ("kst-33506-AB", dict(kind="kst", dossier="33506", ondernummer="AB")),
    ("kst-20062007-30312-B", dict(kind="kst", vergaderjaar="2006-2007", dossier="30312", ondernummer="B")),
    ("kst-20002001-26976-175a",
     dict(kind="kst", vergaderjaar="2000-2001", dossier="26976", ondernummer="175a")),
    ("kst-20072008-31200", dict(kind="kst", vergaderjaar="2007-2008", dossier="31200")),
    ("kst-1259252", dict(kind="kst", number="1259252")),
    ("kst-cxxiv-g", dict(kind="kst", dossier="CXXIV", ondernummer="G")),
    ("kst-cxxiv-ab-h1", dict(kind="kst", dossier="CXXIV", ondernummer="AB", variant="h1")),
    ("kst-xcix-3", dict(kind="kst", dossier="XCIX", ondernummer="3")),
    ("kst-26643-144-h1", dict(kind="kst", dossier="26643", ondernummer="144", variant="h1")),
    ("kst-32168-3-b2", dict(kind="kst", dossier="32168", ondernummer="3", variant="b2")),
    ("h-ek-20242025-12-3", dict(kind="h", chamber="ek", vergaderjaar="2024-2025", number="12-3")),
    ("h-tk-20172018-61-10", dict(kind="h", chamber="tk", vergaderjaar="2017-2018", number="61-10")),
    ("h-vv-19961997-2191-2192", dict(kind="h", chamber="vv", vergaderjaar="1996-1997", number="2191-2192")),
    ("ah-tk-20202021-3235", dict(kind="ah", chamber="tk", vergaderjaar="2020-2021", ondernummer="3235")),
    ("ah-ek-20192020-10", dict(kind="ah", chamber="ek", vergaderjaar="2019-2020", ondernummer="10")),
    ("ah-ek-20082009-14-n1",
     dict(kind="ah", chamber="ek", vergaderjaar="2008-2009", ondernummer="14", variant="n1")),
    ("kv-tk-2020Z12345", dict(kind="kv", chamber="tk", number="2020Z12345")),
    ("kv-ek-215160000", dict(kind="kv", chamber="ek", number="215160000")),
    ("kv-2989900822", dict(kind="kv", number="2989900822")),
    ("blg-1007826", dict(kind="blg", number="1007826")),
    ("nds-tk-2014D45599", dict(kind="nds", chamber="tk", number="2014D45599")),
    ("ag-ek-1995-02-08", dict(kind="ag", chamber="ek", number="1995-02-08")),
    ("stb-2020-118", dict(kind="stb", number="2020-118")),
    ("stcrt-2020-12345", dict(kind="stcrt", number="2020-12345")),
])
def test_parts(text: str, parts: dict[str, str]) -> None:
    assert parse_identifier(text) == Identifier(text=text, **parts)


@pytest.mark.parametrize("text", [
    "", "kst", "kst-", "kst-36867", "kst-36867-", "kst--C", "kst-36867-c", "kst-36867-ABCD", "KST-36867-C",
    " kst-36867-C", "kst-36867-C\n", "kst-36867-C.pdf", "kst 36867 C", "kst-36867-C-h", "kst-١٢٣٤٥-C",
    "h-ek-20202021", "h-ek-20202022-1-1", "h-xx-20202021-1-1", "h-20202021-1-1", "ah-ek-20192020",
    "ah-20192020-10", "blg-", "blg-12", "tk-plenair-verslag-36410-XIV-ed7ffb05", "ISSN", "36867-C",
    "kamerstuk-36867-C", "ag-ek-1995", "stb-118", "kst-cxxiv", "kst-cxxiv-", "kst-CXXIV-G", "kst-abc-g",
    "kst-../cxxiv-g", "h-ek-20202021-1-1/../x",
])
def test_wrong_identifiers(text: str) -> None:
    assert parse_identifier(text) is None and not is_publication_identifier(text)


def test_reprints_and_bare_numbers() -> None:
    reprint = parse_identifier("kst-36867-D-h1")
    assert reprint is not None and reprint.reprint == 1 and reprint.base == "kst-36867-D"
    plain = parse_identifier("kst-36867-D")
    assert plain is not None and plain.reprint == 0 and plain.base == "kst-36867-D"
    variant = parse_identifier("kst-32168-3-b2")
    assert variant is not None and variant.reprint == 0 and variant.base == "kst-32168-3"
    numbered = {t: parse_identifier(t).numbered_only  # type: ignore[union-attr]
                for t in ("kst-1259252", "blg-1007826", "kv-2989900822", "kv-ek-215160000", "kst-36867-C")}
    assert numbered == {"kst-1259252": True, "blg-1007826": True, "kv-2989900822": True,
                        "kv-ek-215160000": False, "kst-36867-C": False}


def test_the_one_regex_accepts_what_the_grammar_accepts() -> None:
    """The expectation suites check identifiers with IDENTIFIER_REGEX: the same forms as the grammar."""
    accepted = _real_identifiers() | {"kst-cxxiv-g", "kst-36600-VII-5", "h-ek-20092010-1_2", "kst-26643-144-h1"}
    assert {i for i in accepted if not re.match(IDENTIFIER_REGEX, i)} == set()
    refused = ["kst-36867-c", "kst-CXXIV-G", "../kst-36867-C", "kst-36867-C/x", "36867-C", "kst-36867"]
    assert [i for i in refused if re.match(IDENTIFIER_REGEX, i)] == []


def test_every_dossier_the_grammar_reads_is_a_dossier() -> None:
    identifiers = _real_identifiers() | {"kst-cxxiv-g", "kst-36600-VII-5", "kst-21501-20-123"}
    dossiers = {p.dossier for p in map(parse_identifier, identifiers) if p is not None and p.dossier}
    assert {"CXXIV", "36600-VII", "21501-20"} <= dossiers
    assert {d for d in dossiers if not re.match(DOSSIER_REGEX, d)} == set()
