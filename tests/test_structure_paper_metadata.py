"""Metadata and page furniture of papers that do not follow the official (KOOP) header, and of
the real official PDFs: golden values written by reading each file's first page and footer."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.model import Document, Metadata
from pipeline.parse import parse_file
from pipeline.parse.structure.text import iso_date
from pipeline.parse.textsim import word_similarity
from tests.support.papergen import (
    FIXTURES,
    LAYOUT_HANDELINGEN,
    LAYOUT_SITE,
    handelingen_item,
    kst_27925_aa,
    memorie_van_antwoord,
    render,
    site_paper,
)

REAL = Path(__file__).parent / "fixtures" / "real" / "official-tk" / "pdf"
FIELDS = ("kamer", "vergaderjaar", "dossier", "ondernummer", "document_type", "title", "date")
TK, YEAR = "Tweede Kamer", "2023-2024"


def _aanhangsel(number: str, title: str, answered: str) -> dict[str, str]:
    return {"kamer": TK, "vergaderjaar": YEAR, "dossier": "", "ondernummer": number,
            "document_type": "aanhangsel", "title": title, "date": answered}


#: Read off each PDF: the Aanhangsel number over the questions, the sentence stating what is
#: asked (its title), the answer's "ontvangen" date; the motie's header; the verbatim report's footer.
GOLDEN: dict[str, dict[str, str]] = {
    "ah-tk-20232024-878": _aanhangsel(
        "878", "Vragen van het lid Inge van Dijk (CDA) aan de Staatssecretaris van Binnenlandse Zaken en "
        "Koninkrijksrelaties over het bericht «Ombudsman: Overheid dwingt burgers tot fraude» "
        "(ingezonden 13 december 2023).", "2024-01-26"),
    "ah-tk-20232024-1178": _aanhangsel(
        "1178", "Vragen van het lid Sneller (D66) aan de Staatssecretaris van Binnenlandse Zaken en "
        "Koninkrijksrelaties en de Minister van Justitie en Veiligheid over quantumproof encryptie "
        "(ingezonden 16 januari 2024).", "2024-03-07"),
    "ah-tk-20232024-1292": _aanhangsel(
        "1292", "Vragen van het lid Keijzer (BBB) aan de Minister van Binnenlandse Zaken en "
        "Koninkrijksrelaties over de publicatie van de internetconsultatie Huisvesting Nederlandse evacués "
        "(ingezonden 11 maart 2024).", "2024-03-21"),
    "ah-tk-20232024-1314": _aanhangsel(
        "1314", "Vragen van de leden Mutluer (GroenLinks-PvdA) en Kostić (PvdD) aan de Minister van "
        "Onderwijs, Cultuur en Wetenschap over het bericht «Kritiek op besluit provincie Friesland tegen "
        "actief regenboogbeleid» (ingezonden 6 maart 2024).", "2024-03-25"),
    "ah-tk-20232024-1984": _aanhangsel(
        "1984", "Vragen van het lid Van Eijk en Aartsen (beiden VVD) aan de Staatssecretaris van Financiën "
        "en de Minister van Sociale Zaken en Werkgelegenheid over het bericht van de Hoge Raad: «Gratis "
        "verstrekking gezonde lunchmaaltijden aan werknemers valt voor de loonbelasting onder de gerichte "
        "vrijstelling voor Arbovoorzieningen» (ingezonden 29 mei 2024).", "2024-06-14"),
    "ah-tk-20232024-2367": _aanhangsel(
        "2367", "Vragen van het lid Van der Lee (GroenLinks-PvdA) aan de Minister van Financiën over "
        "rekeninggluren (ingezonden 28 juni 2024).", "2024-08-29"),
    "kst-21501-02-3121": {
        "kamer": TK, "vergaderjaar": "2024-2025", "dossier": "21501-02", "ondernummer": "3121",
        "document_type": "motie", "title": "Raad Algemene Zaken en Raad Buitenlandse Zaken; MOTIE VAN HET LID CEDER",
        "date": "2025-04-10"},
    "tk-plenair-verslag-36410-XIV-ed7ffb05": {  # no year printed: the sitting's date falls in 2023-2024
        "kamer": TK, "vergaderjaar": YEAR, "dossier": "", "ondernummer": "", "document_type": "handelingen",
        "title": "Begroting Landbouw, Natuur en Voedselkwaliteit 2024", "date": "2024-02-01"},
}


def _letters(text: str) -> str:
    """`text` without spacing or accents: the PDFs set "Kostić" as "c" and a spacing accent, and
    "Inge van Dijk" without a space glyph; the title is read right when its letters are."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not c.isspace() and unicodedata.category(c) not in ("Mn", "Sk"))


def _right(meta: Metadata, golden: dict[str, str]) -> list[str]:
    """The fields of `meta` that agree with `golden`."""
    return [name for name in FIELDS if (_letters if name == "title" else str)(getattr(meta, name))
            == (_letters if name == "title" else str)(golden[name])]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_real_official_pdf_metadata(name: str) -> None:
    meta = parse_file(REAL / f"{name}.pdf").metadata
    right = _right(meta, GOLDEN[name])
    assert right == list(FIELDS), {f: (getattr(meta, f), GOLDEN[name][f]) for f in FIELDS if f not in right}


# --------------------------------------------------------------------------- the chamber's own site

SITE = "kst-27925-AA-site"


@pytest.fixture(scope="module")
def site() -> tuple[Document, dict]:
    return parse_file(FIXTURES / f"{SITE}.pdf"), json.loads((FIXTURES / f"{SITE}.truth.json").read_text("utf-8"))


def test_site_paper_has_no_official_header_but_a_running_one(site: tuple[Document, dict]) -> None:
    truth = site[1]
    assert truth["margin"] == [] and "Eerste Kamer der Staten-Generaal" not in truth["header"][:4]
    assert truth["header"][4:] == ["Eerste Kamer der Staten-Generaal"] * truth["pages"]
    assert truth["footers"][2] == "www.eerstekamer.nl 3"


def test_site_paper_text_without_its_page_furniture(site: tuple[Document, dict]) -> None:
    doc, truth = site
    similarity = word_similarity(doc.text, truth["body_text"])
    leaks = [f for f in ("Staten-Generaal", "www.eerstekamer.nl", *truth["header"]) if f in doc.text]
    print(f"{SITE}: fidelity {similarity:.4f}, leaks {len(leaks)}")
    assert similarity >= 0.98 and leaks == []
    assert [b.text for b in doc.blocks if b.kind == "footer"] == truth["footers"]


def test_site_paper_metadata_from_its_first_page(site: tuple[Document, dict]) -> None:
    doc, truth = site
    printed = truth["metadata"]
    golden = {"kamer": "Eerste Kamer", "vergaderjaar": printed["vergaderjaar"], "dossier": printed["dossier"],
              "ondernummer": printed["ondernummer"], "document_type": "verslag van een schriftelijk overleg",
              "title": f"{printed['title']}; {printed['doc_title']}", "date": iso_date(printed["date_line"])}
    right = _right(doc.metadata, golden)
    print(f"{SITE}: metadata {len(right)}/{len(FIELDS)}")
    assert len(right) / len(FIELDS) >= 0.95


def test_site_paper_without_a_year_line_takes_the_year_from_its_date(tmp_path: Path) -> None:
    """A site paper whose first page opens with the dossier line (no "Vergaderjaar"), here a
    budget chapter "35 300 VII": the year is the parliamentary year of its date (a year opens on
    the third Tuesday of September)."""
    spec = replace(site_paper(memorie_van_antwoord()), vergaderjaar="", dossier="35 300 VII",
                   date_line="Den Haag, 12 september 2022")
    truth = render(spec, LAYOUT_SITE, tmp_path / "p.pdf")
    assert truth["header"][0].startswith("35 300 VII ")
    meta = parse_file(tmp_path / "p.pdf").metadata
    assert (meta.kamer, meta.dossier, meta.ondernummer) == ("Eerste Kamer", "35300-VII", "C")
    assert meta.document_type == "memorie van antwoord" and meta.date == "2022-09-12"
    assert meta.vergaderjaar == "2021-2022"  # the year 2022-2023 opened on 20 September


# --------------------------------------------------------------------------- Handelingen page header


def test_handelingen_page_header_with_the_items_title_is_furniture(tmp_path: Path) -> None:
    """A sitting's item set over several pages with "Eerste Kamer | <date> | <item title>" at the
    top of every page after the first, the long title wrapping to a second row: furniture, never text."""
    seed = kst_27925_aa(Path(__file__).parent / "fixtures" / "seed" / "kst-27925-AA.txt")
    title = memorie_van_antwoord().dossier_title
    spec = replace(handelingen_item(), paras=seed.paras, notes=seed.notes,
                   running_header=f"Eerste Kamer | 22 september 2020 | {title}")
    truth = render(spec, LAYOUT_HANDELINGEN, tmp_path / "h.pdf")
    running = truth["header"][5:]
    assert truth["pages"] >= 4 and len(running) == truth["pages"] - 1
    doc = parse_file(tmp_path / "h.pdf")
    assert "22 september 2020 |" not in doc.text and title not in doc.text
    assert [b.text for b in doc.blocks if b.kind == "header"][5:] == running
    assert word_similarity(doc.text, truth["body_text"]) >= 0.98


def test_a_verbatim_reports_two_row_footer_is_furniture_on_every_page() -> None:
    """tk-plenair-verslag: the footer's upper row ("Begroting Landbouw, Natuur en" beside "1 februari
    2024") sits right above "Tweede Kamer Voedselkwaliteit 2024 TK 37 37-4-n" on every page."""
    doc = parse_file(REAL / "tk-plenair-verslag-36410-XIV-ed7ffb05.pdf")
    footers = [b for b in doc.blocks if b.kind == "footer"]
    assert [b.page for b in footers] == list(range(1, doc.pages + 1))
    assert all("1 februari 2024" in b.text and "Begroting Landbouw, Natuur en" in b.text for b in footers)
    assert not any(b.text == "Begroting Landbouw, Natuur en" or b.text.startswith("1 februari 2024")
                   for b in doc.body_blocks)
