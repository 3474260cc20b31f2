"""One bad paper never stops the rest: papers held back per paper, the batch published without them.

A run against the recorded catalogue plus two papers of our own: the real kst-cxxiv-g (a roman EK
dossier, written in lower case as KOOP writes it) and a paper whose record gives it a date before
the first Eerste Kamer (its `documents` row fails a critical row-level expectation). The recorded
catalogue serves some Eerste Kamer records another paper's files (a Tweede Kamer Aanhangsel under a
Handelingen record): those contradict their records.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from pipeline.config import EERSTE_KAMER, Settings
from pipeline.flow.run import run
from pipeline.ledger import StateStore, rebuild_ledger
from pipeline.model import Document, Metadata
from pipeline.parse.stage import contradictions
from pipeline.parse.store import ParsedPaper
from pipeline.publish.catalog import open_catalog
from pipeline.quality.gx_runner import ExpectationOutcome
from pipeline.quality.stage import MAX_HELD_BACK, gate
from pipeline.sources.records import SruRecord
from replay.catalogue import OWN_FILES, TYPESET_EK_PAPERS, Catalogue, recorded_catalogue, tiny_files
from replay.server import ReplayServer
from tests.support.paths import GENERATED, OFFICIAL_XML

CXXIV = {"identifier": "kst-cxxiv-g", "title": "Verslag van de Tijdelijke Commissie Werkwijze Eerste Kamer; "
         "Brief van de Voorzitter van de Eerste Kamer der Staten-Generaal",
         "modified": "2017-12-06", "available": "2017-12-06", "date": "2017-12-05",
         "changed_at": "2017-12-06T10:00:00.0000000+01:00", "content_area": "officielepublicaties/kst/cxxiv",
         "vergaderjaar": "2017-2018", "dossiers": ("CXXIV",), "ondernummer": "G", "subrubriek": "Brief",
         "documenttitel": "Brief van de Voorzitter van de Eerste Kamer der Staten-Generaal",
         "dossiertitel": "Verslag van de Tijdelijke Commissie Werkwijze Eerste Kamer"}
#: A typeset paper whose record dates it in 1700: its `documents` row fails "dates lie between 1815 and next year".
MISDATED = {**TYPESET_EK_PAPERS[0], "identifier": "kst-27925-AC", "ondernummer": "AC", "date": "1700-06-03",
            "modified": "2020-06-04", "available": "2020-06-04", "changed_at": "2020-06-04T10:00:00.0000000+02:00",
            "subrubriek": "Brief", "documenttitel": "Brief van de minister van Buitenlandse Zaken",
            "title": "Bestrijding internationaal terrorisme; Brief van de minister van Buitenlandse Zaken"}
#: Recorded Eerste Kamer records served a stand-in (another publication's files).
CONTRADICTING = tuple(sorted(recorded_catalogue().stand_ins))


def _catalogue() -> Catalogue:
    catalogue = recorded_catalogue()
    catalogue.add(CXXIV, files={"xml": OFFICIAL_XML / "kst-cxxiv-g.xml"})
    catalogue.add(MISDATED, files={"pdf": GENERATED / "kst-27925-AC.pdf"})
    return catalogue


def _ek(catalogue: Catalogue) -> set[str]:
    return {e.identifier for e in catalogue if e.index.get("dt.creator") == (EERSTE_KAMER,)}


def _rows(settings: Settings, query: str) -> list[tuple]:
    with open_catalog(settings) as con:
        return con.execute(query).fetchall()


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    catalogue = _catalogue()
    with ReplayServer(catalogue) as server:
        settings = Settings(data_dir=tmp_path_factory.mktemp("held"), sru_url=server.sru_url, max_rps=0,
                            since=date(2000, 1, 1))
        first = run(settings)
        rerun = run(settings)
        parses_after_rerun = sorted(p.name for p in settings.layout.parsed.rglob("*.json"))
        # KOOP serves kst-36867-B anew, now with its own file: a new version, parsed and published.
        entry = catalogue.entries["kst-36867-B"]
        catalogue.change("kst-36867-B", "2026-11-01", "2026-11-01T09:00:00.0000000+01:00")
        own = tiny_files("kst-36867-B", "Brief van de staatssecretaris van BZK")
        for manifestation, path in entry.files.items():
            if manifestation in own:
                catalogue.files[path] = ("kst-36867-B", manifestation, own[manifestation])
        fixed = run(replace(settings, since=date(2026, 10, 1)))
    return {"settings": settings, "first": first, "rerun": rerun, "fixed": fixed, "ek": _ek(catalogue),
            "parses_after_rerun": parses_after_rerun}


def test_the_batch_is_published_without_the_held_back_papers(held: dict) -> None:
    assert held["first"].outcome == "published", held["first"].error
    published = {i for (i,) in _rows(held["settings"], "SELECT identifier FROM documents WHERE version = 1")}
    assert published == held["ek"] - {*CONTRADICTING, MISDATED["identifier"]}
    assert sorted(held["first"].stages["totals"]["held_back_papers"]) == sorted(
        f"{i}@1" for i in (*CONTRADICTING, MISDATED["identifier"]))


def test_a_roman_dossier_paper_is_published_as_itself(held: dict) -> None:
    [row] = _rows(held["settings"], "SELECT identifier, dossier, dossiers, kamer, document_type, document_date "
                                    "FROM documents WHERE identifier = 'kst-cxxiv-g'")
    assert row == ("kst-cxxiv-g", "CXXIV", ["CXXIV"], "Eerste Kamer", "brief", date(2017, 12, 5))
    assert _rows(held["settings"], "SELECT document_count FROM dossiers WHERE dossier = 'CXXIV'") == [(1,)]


def test_a_paper_failing_a_row_level_critical_expectation_is_held_back_with_its_reason(held: dict) -> None:
    [(kind, message, resolved)] = _rows(held["settings"], "SELECT error_kind, message, resolved FROM fetch_errors "
                                                          "WHERE identifier = 'kst-27925-AC' AND manifestation = 'paper'")
    assert (kind, resolved) == ("quality", False)
    assert "documents[vergaderjaar=2019-2020] expect_column_values_to_be_between(document_date)" in message
    assert "1815" in message
    report = held["first"].stages["validate"]
    assert report["passed"] and not report["critical_failures"]
    assert list(report["held_back"]) == ["kst-27925-AC@1"]


def test_a_file_that_is_another_paper_is_held_back_naming_both_identifiers(held: dict) -> None:
    rows = dict(_rows(held["settings"], "SELECT identifier, reason FROM held_back_papers "
                                        "WHERE why = 'contradicts_record' AND version = 1"))
    assert set(rows) == set(CONTRADICTING)
    assert rows["h-ek-20212022-2-7"] == ("contradicts_record: the xml and pdf files are ah-tk-20202021-3235 "
                                         "(Tweede Kamer), not h-ek-20212022-2-7 (Eerste Kamer)")
    assert "kst-32545-143" in rows["kst-1259252"] and "kst-1259252" in rows["kst-1259252"]
    assert not _rows(held["settings"], "SELECT 1 FROM qa_pairs WHERE document_version_id = 'h-ek-20212022-2-7@1'")


def test_the_health_charts_show_every_held_back_paper(held: dict) -> None:
    status = dict(_rows(held["settings"], "SELECT document_version_id, held_back FROM source_status "
                                          "WHERE held_back <> '' AND NOT published"))
    assert set(status) == {f"{i}@1" for i in (*CONTRADICTING, MISDATED["identifier"])}
    days = _rows(held["settings"], "SELECT modified, held_back, is_complete FROM data_completeness "
                                   "WHERE publicatienaam = 'Handelingen' AND held_back > 0")
    assert days == [(date(2021, 10, 13), 1, False)]


def test_a_rerun_publishes_nothing_and_parses_nothing_again(held: dict) -> None:
    assert held["rerun"].outcome == "nothing-new", held["rerun"].error
    assert "parse" not in held["rerun"].stages or held["rerun"].stages["parse"]["parsed"] == 0


def test_a_new_file_from_the_service_is_a_new_version_that_is_published(held: dict) -> None:
    assert held["fixed"].outcome == "published", held["fixed"].error
    rows = _rows(held["settings"], "SELECT version, is_current FROM documents WHERE identifier = 'kst-36867-B'")
    assert rows == [(2, True)]
    [(reason,)] = _rows(held["settings"], "SELECT held_back FROM source_status WHERE document_version_id = 'kst-36867-B@1'")
    assert reason.startswith("contradicts_record: ")  # the first version stays held: its file was another paper


def test_the_own_files_of_the_recorded_records_are_theirs() -> None:
    """The demo's Eerste Kamer records that get files of this repository get files of that paper."""
    for identifier, files in OWN_FILES.items():
        for path in files.values():
            assert identifier in path.read_text("utf-8", errors="ignore") or path.suffix == ".pdf", path


def _failure(papers: list[str], severity: str = "critical") -> ExpectationOutcome:
    return ExpectationOutcome(table="documents", partition="vergaderjaar=2019-2020", type="expect_column_values_to_"
                              "not_be_null", column="title", severity=severity, success=False, element_count=40,
                              unexpected_count=len(papers) or 1, observed_value="", kwargs={}, why="why",
                              papers=papers)


def test_the_gate_holds_back_a_few_papers_and_fails_the_batch_for_many() -> None:
    one, two = _failure(["kst-1-A@1"]), _failure(["kst-1-A@1", "kst-1-B@1"])
    assert gate([one, two], papers=40) == ([], {"kst-1-A@1": [one.describe(), two.describe()],
                                                "kst-1-B@1": [two.describe()]})
    many = [f"kst-1-{letter}@1" for letter in "ABCDEFGHIJ"[: MAX_HELD_BACK + 1]]
    of_batch, to_hold = gate([_failure(many)], papers=20)
    assert to_hold == {} and of_batch[0].startswith(f"{len(many)} of 20 paper(s) fail critical expectations")
    assert gate([_failure([])], papers=40)[0] == [_failure([]).describe()]  # rows that name no paper
    assert gate([_failure(["kst-1-A@1"], "warning")], papers=40) == ([], {})
    assert gate([_failure(["kst-1-A@1"])], papers=1)[1] == {}  # the only paper: nothing would be published
    assert gate([], papers=0) == ([], {})  # a batch that rebuilt nothing


def test_the_holds_survive_a_ledger_rebuilt_from_its_journal(held: dict, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = held["settings"]
    with StateStore(settings.layout) as state:
        before = state.held_back()
    copy = replace(settings, data_dir=tmp_path_factory.mktemp("rebuilt"))
    shutil.copytree(settings.layout.raw, copy.layout.raw)
    rebuild_ledger(copy.layout)
    with StateStore(copy.layout) as state:
        assert state.held_back() == before and len(before) == len(CONTRADICTING) + 1


@pytest.mark.parametrize(("record", "said", "another"), [
    (SruRecord("h-ek-20212022-2-7"), "ah-tk-20202021-3235", True),
    (SruRecord("kst-36867-B", dossiers=("36867",)), "kst-32545-143", True),
    (SruRecord("kst-36867-B"), "Tweede Kamer", True),  # the chamber
    (SruRecord("kst-36867-D-h1"), "kst-36867-D", False),  # a reprint names its original
    (SruRecord("kst-1259252", dossiers=("36867",)), "kst-36867-D", False),  # unformatted: its formatted paper
    (SruRecord("kst-1259252", dossiers=("36867",)), "kst-32545-143", True),
])
def test_another_paper_is_another_identifier_or_chamber(record: SruRecord, said: str, another: bool) -> None:
    doc = Document(source="xml", source_path="x.xml", metadata=Metadata(flags=[f"identifier: document says {said!r}, record says "
                                                          f"{record.identifier!r}", "date: document says 'x', "
                                                          "record says 'y'"]))
    paper = ParsedPaper(record=record, version=1, fetched_at="", parsed_at="", xml=doc)
    assert bool(contradictions(paper)) is another


def test_a_reparse_tries_a_held_back_paper_again(held: dict) -> None:
    settings = replace(held["settings"], reparse=True, identifiers=(MISDATED["identifier"],))
    again = run(settings, fetch=False)  # its record still dates it 1700: held back again, the rest published
    assert again.outcome == "published", again.error
    assert list(again.stages["validate"]["held_back"]) == ["kst-27925-AC@1"]
    [(attempts, resolved)] = _rows(held["settings"], "SELECT attempts, resolved FROM fetch_errors "
                                                     "WHERE identifier = 'kst-27925-AC' AND manifestation = 'paper'")
    assert (attempts, resolved) == (2, False)
    assert _rows(held["settings"], "SELECT count(*) FROM documents WHERE identifier = 'kst-cxxiv-g'") == [(1,)]
