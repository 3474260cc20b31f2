"""Papers as the Eerste Kamer's own site and other non-KOOP typesetters set them (reportlab).

A layout of its own, unlike `papergen`'s: no KOOP page-1 block and no margin block; a running
header at the top of every page in two parts (the chamber's name at the left, a part that varies
at the right: the page number, the sitting's date); a footer of the web address and/or "pagina N
van M"; the page-1 title block in the wording of a site verslag or stenogram ("Zitting 2019–2020",
"Vergaderjaar 2009/10", "Verslag van een mondeling overleg", "Stenogram van de vergadering van
dinsdag 4 oktober 2022"); and a Handelingen item whose page header is the sitting's title and
date ("Eerste Kamer  Stemming motie …  19 mei 2020  EK 34"). The bodies are real texts
(tests/fixtures/texts, sources in tests/fixtures/SOURCES.md). The truth adds `expected`: the
metadata a reader takes from the first page (kamer, vergaderjaar, dossier, document_type, title,
date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from tests.support.papergen import (
    Layout,
    Page,
    PaperSpec,
    Para,
    Typesetter,
    kst_27925_aa,
)
from tests.support.paths import FIXTURES

TEXTS = FIXTURES / "texts"
_HEAD = ("De voorzitter:", "De heer ", "Mevrouw ", "Minister ")


@dataclass(frozen=True)
class SiteLayout(Layout):
    """Where the site's furniture and title block stand."""

    header_baseline: float = 48.0
    furniture_size: float = 8.0
    title_size: float = 13.0


@dataclass
class SitePaper(PaperSpec):
    """A paper without KOOP's header: its title block lines and its two-part running furniture
    (format strings with {page} and {pages}); `expected` is the metadata the first page states."""

    year_line: str = ""
    header: tuple[str, str] = ("", "")
    footer_parts: tuple[str, str] = ("", "")

    def typesetter(self, layout: Layout) -> Typesetter:
        return SiteTypesetter(self, layout)


class SiteTypesetter(Typesetter):
    """`Typesetter` with the site's page-1 title block and running furniture."""

    spec: SitePaper
    layout: SiteLayout

    def _title_rows(self, canvas: Canvas, baseline: float, text: str, style: str, size: float) -> float:
        for row in self.breaker.lines(text, style, size, self.layout.body_right - self.layout.margin_x):
            self._draw_words(canvas, self.layout.margin_x, baseline, row, size)
            baseline += size * 1.25
        return baseline

    def _header(self, canvas: Canvas) -> tuple[float, list[str]]:
        """The title block at the body's left edge: year line, dossier line, document title
        (larger, bold, wrapped), date line; each a header item of the truth."""
        lay, spec = self.layout, self.spec
        baseline, lines = lay.top + lay.title_size, []
        items = [(spec.year_line, "regular", lay.body_size),
                 (f"{spec.dossier} {spec.dossier_title}".strip(), "bold", lay.body_size + 1),
                 (f"{spec.ondernummer} {spec.doc_title}".strip(), "bold", lay.title_size),
                 (spec.date_line, "italic", lay.body_size)]
        for text, style, size in items:
            if text:
                baseline = self._title_rows(canvas, baseline, text, style, size) + 0.6 * lay.leading
                lines.append(text)
        return baseline + (lay.leading if lines else 0.0), lines

    def paginate(self, body_top_page1: float) -> list[Page]:
        pages = super().paginate(body_top_page1)
        self.total = len(pages)
        return pages

    def _parts(self, parts: tuple[str, str], page: int) -> list[str]:
        return [p.format(page=page, pages=self.total) for p in parts if p]

    def _furniture(self, canvas: Canvas, page: Page) -> None:
        lay = self.layout
        for parts, baseline in ((self.spec.header, lay.header_baseline), (self.spec.footer_parts, lay.footer_baseline)):
            left, right = (p.format(page=page.number, pages=self.total) for p in parts)
            self._text(canvas, lay.margin_x, baseline, left, "regular", lay.furniture_size)
            width = pdfmetrics.stringWidth(right, self.face.font("regular"), lay.furniture_size)
            self._text(canvas, lay.body_right - width, baseline, right, "regular", lay.furniture_size)

    def _truth(self, pages: list[Page], header_lines: list[str]) -> dict[str, Any]:
        truth = super()._truth(pages, header_lines)
        numbers = [p.number for p in pages]
        truth["header"] = header_lines + [" ".join(self._parts(self.spec.header, n)) for n in numbers
                                          if self._parts(self.spec.header, n)]
        truth["footers"] = [" ".join(self._parts(self.spec.footer_parts, n)) for n in numbers]
        truth["margin"] = []
        return truth


def read_text(name: str) -> list[Para]:
    """A real text of tests/fixtures/texts, one paragraph a line: "a | b" a signature, a speaker's
    turn opening with their tag in bold ("De heer Nicolaï (PvdD):"), a short line without a final
    stop a heading."""
    paras = []
    for line in (TEXTS / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        tag = line.partition(": ")[0] + ":" if line.startswith(_HEAD) else ""
        if " | " in line:
            paras.append(Para(line, "signature"))
        elif tag:
            paras.append(Para(line, lead=tag))
        elif len(line) < 100 and not line.endswith((".", ",", ":", ")")):
            paras.append(Para(line, "heading"))
        else:
            paras.append(Para(line))
    return paras


def _site(identifier: str, **fields: Any) -> SitePaper:
    base = {"kamer": "Eerste Kamer", "chamber_number": "", "vergaderjaar": "", "dossier": "", "dossier_title": "",
            "ondernummer": "", "doc_title": "", "date_line": "", "place_year": "", "official": False,
            "header": ("Eerste Kamer der Staten-Generaal", "{page}"),
            "footer_parts": ("www.eerstekamer.nl", "pagina {page} van {pages}")}
    return SitePaper(identifier=identifier, **{**base, **fields})


def site_verslag() -> SitePaper:
    """The seed paper (27 925, AA) as the site sets a committee's verslag: "Zitting 2019–2020",
    the dossier line, the letter and title in mixed case, the chamber's name and the page number
    at the head of every page, the address and "pagina N van M" at its foot."""
    seed = kst_27925_aa()
    return _site(
        "kst-27925-AA", paras=seed.paras, notes=seed.notes, year_line="Zitting 2019–2020", vergaderjaar="2019-2020",
        dossier="27 925", dossier_title="Bestrijding internationaal terrorisme", ondernummer="AA",
        doc_title="Verslag van een schriftelijk overleg", date_line="Vastgesteld 20 april 2020",
        expected={"kamer": "Eerste Kamer", "vergaderjaar": "2019-2020", "dossier": "27925",
                  "document_type": "verslag van een schriftelijk overleg",
                  "title": "Bestrijding internationaal terrorisme; Verslag van een schriftelijk overleg",
                  "date": "2020-04-20"},
    )


def site_mondeling_overleg() -> SitePaper:
    """A one-page verslag (32 123 VI, P): "Vergaderjaar 2009/10", no page number at the head."""
    return _site(
        "kst-32123-VI-P", paras=read_text("kst-32123-VI-P"), year_line="Vergaderjaar 2009/10",
        vergaderjaar="2009-2010", dossier="32 123 VI",
        dossier_title="Vaststelling van de begrotingsstaten van het Ministerie van Justitie (VI) voor het jaar 2010",
        ondernummer="P", doc_title="Verslag van een mondeling overleg", date_line="Vastgesteld 24 juni 2010",
        header=("Eerste Kamer der Staten-Generaal", ""),
        expected={"kamer": "Eerste Kamer", "vergaderjaar": "2009-2010", "dossier": "32123-VI",
                  "document_type": "verslag", "date": "2010-06-24",
                  "title": "Vaststelling van de begrotingsstaten van het Ministerie van Justitie (VI) voor het jaar "
                           "2010; Verslag van een mondeling overleg"},
    )


def site_stenogram() -> SitePaper:
    """A stenogram of a sitting: the title names the day, the head of every page the sitting's
    date beside the chamber's name, the foot "pagina N van M" alone."""
    return _site(
        "stenogram-ek-20221004", paras=read_text("stenogram-20221004"), year_line="Zitting 2022–2023",
        doc_title="Stenogram van de vergadering van dinsdag 4 oktober 2022",
        header=("Eerste Kamer der Staten-Generaal", "Stenogram 4 oktober 2022"),
        footer_parts=("", "pagina {page} van {pages}"),
        expected={"kamer": "Eerste Kamer", "vergaderjaar": "2022-2023", "dossier": "", "document_type": "handelingen",
                  "title": "Stenogram van de vergadering van dinsdag 4 oktober 2022", "date": "2022-10-04"},
    )


def handelingen_page() -> SitePaper:
    """A Handelingen item with no page-1 block: the head of every page the chamber, the item's
    title, the sitting's date and "EK <sitting>", the foot the page number."""
    return _site(
        "h-ek-20192020-34-10", paras=read_text("h-ek-20192020-34-10"),
        header=("Eerste Kamer Stemming motie Staat van de rechtsstaat", "19 mei 2020 EK 34"),
        footer_parts=("", "34-10-{page}"),
        expected={"kamer": "Eerste Kamer", "vergaderjaar": "2019-2020", "dossier": "", "document_type": "handelingen",
                  "title": "Stemming motie Staat van de rechtsstaat", "date": "2020-05-19"},
    )


def brief_cxxiv() -> PaperSpec:
    """A letter of the Senate's President in the chamber's own dossier CXXIV (kst-cxxiv-g), typeset
    the KOOP way in another face and measure: a roman dossier number, a letter as its ondernummer."""
    return PaperSpec(
        identifier="kst-cxxiv-g", kamer="Eerste Kamer", chamber_number="1", vergaderjaar="2017–2018",
        dossier="CXXIV", dossier_title="Verslag van de Tijdelijke Commissie Werkwijze Eerste Kamer", ondernummer="G",
        doc_title="BRIEF VAN DE VOORZITTER VAN DE EERSTE KAMER DER STATEN-GENERAAL", date_line="",
        place_year="’s-Gravenhage 2017", paras=read_text("kst-cxxiv-g"),
        expected={"kamer": "Eerste Kamer", "vergaderjaar": "2017-2018", "dossier": "CXXIV", "document_type": "brief",
                  "title": "Verslag van de Tijdelijke Commissie Werkwijze Eerste Kamer; BRIEF VAN DE VOORZITTER VAN DE "
                           "EERSTE KAMER DER STATEN-GENERAAL", "date": "2017-12-05"},
    )


#: The site's layout: a serif face, a wide body from the left margin, small furniture.
LAYOUT_EK_SITE = SiteLayout(
    face="times", margin_x=72.0, body_x=72.0, body_right=523.0, top=84.0, body_size=10.5, leading=13.0,
    note_size=8.0, note_leading=9.6, note_hanging=10.0, footer_baseline=800.0, question_style="indent",
    question_indent=20.0, hyphen_min_gap=20.0,
)
#: A stenogram set large in a narrow sans column.
LAYOUT_EK_STENOGRAM = replace(LAYOUT_EK_SITE, face="dejavu-sans", margin_x=90.0, body_x=90.0, body_right=420.0,
                              body_size=11.0, leading=14.5, title_size=12.0, footer_baseline=780.0)
#: The KOOP layout of kst-cxxiv-g in another face and measure.
LAYOUT_CXXIV = Layout(
    face="dejavu-serif", margin_x=50.0, body_x=200.0, body_right=545.0, top=60.0, body_size=9.4, leading=11.6,
    footer_baseline=785.0, hyphen_min_gap=24.0,
)


def site_fixtures() -> dict[str, tuple[PaperSpec, Layout]]:
    """The committed papers of these layouts, by file name."""
    return {
        "kst-27925-AA-eksite": (site_verslag(), LAYOUT_EK_SITE),
        "kst-32123-VI-P-eksite": (site_mondeling_overleg(), LAYOUT_EK_SITE),
        "stenogram-ek-20221004": (site_stenogram(), LAYOUT_EK_STENOGRAM),
        "h-ek-20192020-34-10": (handelingen_page(), LAYOUT_EK_STENOGRAM),
        "kst-cxxiv-g": (brief_cxxiv(), LAYOUT_CXXIV),
    }
