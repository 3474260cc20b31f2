"""Bold type and run-in speaker heads in a PDF: bold is read from the font's name or, where the name
does not say so, from its descriptor; a head is a line opening with a bold name ending in a colon."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.parse.pdf.blocks import opens_with_head
from pipeline.parse.pdf.lines import Line, Word, read_lines

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _anonymous_bold_pdf(path: Path) -> None:
    """A line set in DejaVu Sans and DejaVu Sans Bold, the bold font renamed "DejaVuSans-Xxxx" (its
    descriptor keeps the ForceBold flag): a typesetter's font name need not say "Bold"."""
    pdfmetrics.registerFont(TTFont("HeadRegular", str(DEJAVU / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("HeadBold", str(DEJAVU / "DejaVuSans-Bold.ttf")))
    canvas = Canvas(str(path), pageCompression=0)
    x = 50.0
    for text, font in (("De heer ", "HeadRegular"), ("Jansen", "HeadBold"), (" (SP):", "HeadRegular")):
        canvas.setFont(font, 10)
        canvas.drawString(x, 700, text)
        x += pdfmetrics.stringWidth(text, font, 10)
    canvas.save()
    data = path.read_bytes()
    assert data.count(b"DejaVuSans-Bold") >= 2
    path.write_bytes(data.replace(b"DejaVuSans-Bold", b"DejaVuSans-Xxxx"))


def test_bold_from_the_font_descriptor_where_the_name_does_not_say(tmp_path: Path) -> None:
    path = tmp_path / "anonymous-bold.pdf"
    _anonymous_bold_pdf(path)
    with pdfplumber.open(path) as pdf:
        [line], _ = read_lines(pdf.pages[0], 1)
    assert [(w.text, w.font, w.bold) for w in line.words] == [
        ("De", "DejaVuSans", False), ("heer", "DejaVuSans", False),
        ("Jansen", "DejaVuSans-Xxxx", True), ("(SP):", "DejaVuSans", False)]
    assert opens_with_head(line)


def _line(*words: tuple[str, bool]) -> Line:
    x = 0.0
    out = []
    for text, bold in words:
        out.append(Word(text, x, x + 5 * len(text), 0.0, 9.0, 9.0, "Univers-Bold" if bold else "Univers"))
        x += 5 * len(text) + 2
    return Line(1, 9.0, out)


def test_speaker_heads_and_what_is_none() -> None:
    heads = [
        _line(("De", False), ("voorzitter:", True)),
        _line(("De", True), ("voorzitter:", True), ("Ik", False), ("open", False), ("de", False)),
        _line(("Mevrouw", False), ("Van", True), ("der", True), ("Plas", True), ("(BBB):", False)),
        _line(("Minister", False), ("Adema:", True)),
        _line(("Kamerlid", False), ("Kostić", True), ("(PvdD):", False)),
    ]
    assert all(opens_with_head(line) for line in heads)
    none = [
        _line(("De", False), ("voorzitter:", False)),  # nothing bold
        _line(("van", True), ("de", True), ("ontwerpbegrotingen", True), ("2017:", True)),  # a title's second line
        _line(("Dit", False), ("zijn", False), ("de", False), ("belangrijkste", True), ("punten", False), ("hier:", False)),
        _line(("Mevrouw", False), ("Bromet", True), ("zei", False), ("toen:", False)),  # words after the name
    ]
    assert not any(opens_with_head(line) for line in none)
