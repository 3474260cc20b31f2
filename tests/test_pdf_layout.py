"""Blocks with kind, page, bounding box and style; superscript markers in and out of words."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from pipeline.parse.pdf import parse_pdf
from tests.support import analysed
from tests.support.papergen import FIXTURES


def test_memorie_van_antwoord_blocks() -> None:
    doc = analysed(FIXTURES / "kst-36112-C.pdf").document
    body = doc.body_blocks
    assert [b.text for b in body if b.kind == "heading"] == ["1. Inleiding", "2. Vragen van de fracties"]
    items = [b for b in body if b.kind == "list_item"]
    assert len(items) == 3 and all(b.text.startswith("– ") for b in items)
    assert items[-1].footnote_refs == ["3"]
    assert body[-1].kind == "signature" and body[-1].text.endswith("E.J. Kuipers")
    questions = [b for b in body if b.text.startswith("De leden van de")]
    assert len(questions) == 3 and all(b.style.italic for b in questions)
    assert not any(b.style.italic for b in body if b.kind == "paragraph" and b not in questions)
    for block in doc.blocks:
        x0, top, x1, bottom = block.bbox
        page = doc.page_info[block.page - 1]
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height
        assert "+" not in block.style.font and block.style.font.startswith("DejaVuSans")
    assert all(b.style.bold for b in body if b.kind == "heading")
    assert all(abs(b.style.indent) < 1 for b in body if b.kind == "paragraph")


def test_a_superscript_without_a_note_stays_in_the_word(tmp_path: Path) -> None:
    path = tmp_path / "m2.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 700, "Een kantoor van 20 m")
    x = 72 + canvas.stringWidth("Een kantoor van 20 m", "Helvetica", 10)
    canvas.setFont("Helvetica", 6)
    canvas.drawString(x, 704, "2")
    canvas.setFont("Helvetica", 10)
    canvas.drawString(x + canvas.stringWidth("2", "Helvetica", 6), 700, " is klein.")
    canvas.showPage()
    canvas.save()
    doc = parse_pdf(path)
    assert doc.text == "Een kantoor van 20 m2 is klein." and doc.footnotes == []
    assert doc.body_blocks[0].footnote_refs == []


def test_markers_come_out_of_words_and_point_at_their_notes() -> None:
    doc = analysed(FIXTURES / "kst-27925-AB.pdf").document
    first = doc.body_blocks[2]
    assert "anti-ISIS coalitie heb ik toegezegd" in first.text and first.footnote_refs == ["1"]
    assert {f.number: f.text for f in doc.footnotes} == {
        "1": "Kamerstukken I, 2019–2020, 27 925, AA", "2": "Kamerstukken II, 2019–2020, 27 925, nr. 662"}
    assert [b.text for b in doc.blocks if b.kind == "header"] == [
        "Eerste Kamer der Staten-Generaal", "1",  # set on one baseline in this typesetting
        "Vergaderjaar 2019–2020", "27 925 Bestrijding internationaal terrorisme",
        "AB BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN", "Ontvangen 12 mei 2020"]


def test_a_note_numbered_in_superscript_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    canvas = Canvas(str(path))

    def text(x: float, y: float, words: str, size: float) -> float:
        canvas.setFont("Helvetica", size)
        canvas.drawString(x, y, words)
        return x + canvas.stringWidth(words, "Helvetica", size)

    for i in range(6):
        text(72, 700 - 12 * i, "Een regel lopende tekst van de brief aan de Kamer zonder verwijzing.", 10)
    x = text(72, 628, "Zoals eerder gemeld aan de Tweede Kamer", 10)
    x = text(x, 632, "1", 6)
    text(x, 628, ", is de inzet ongewijzigd.", 10)
    x = text(72, 120, "1", 5)
    text(x, 117, "Kamerstukken II, 2019–2020, 27 925, nr. 694", 8)
    canvas.showPage()
    canvas.save()
    doc = parse_pdf(path)
    assert [(f.number, f.text) for f in doc.footnotes] == [("1", "Kamerstukken II, 2019–2020, 27 925, nr. 694")]
    assert doc.body_blocks[-1].footnote_refs == ["1"]
    assert doc.text.endswith("aan de Tweede Kamer, is de inzet ongewijzigd.")


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    rows: list[str] = []
    for word in text.split():
        if rows and stringWidth(f"{rows[-1]} {word}", font, size) <= width:
            rows[-1] += f" {word}"
        else:
            rows.append(word)
    return rows


def test_two_column_pages_are_read_column_by_column(tmp_path: Path) -> None:
    """A Handelingen-like page: a title across, then two columns of running text."""
    from pipeline.parse.textsim import word_similarity
    from tests.support.papergen import clean, kst_27925_aa

    paragraphs = [clean(p.text) for p in kst_27925_aa().paras if p.role == "answer"][:9]
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Times-Bold", 13)
    canvas.drawString(50, 790, "Bijdrage aan de anti-ISIS coalitie en de brede veiligheidsinzet in Irak")
    columns, y, x = [], 760.0, 50.0
    for text in paragraphs:
        for row in [*_wrap(text, 235, "Times-Roman", 9), ""]:
            if y < 80:
                y, x = 760.0, 310.0
            canvas.setFont("Times-Roman", 9)
            canvas.drawString(x, y, row)
            columns.append(row)
            y -= 11
    canvas.setFont("Times-Roman", 9)
    canvas.drawString(295, 50, "1")
    canvas.showPage()
    canvas.save()
    doc = parse_pdf(path)
    assert x == 310.0  # the text did run into the second column
    expected = "Bijdrage aan de anti-ISIS coalitie en de brede veiligheidsinzet in Irak " + " ".join(columns)
    assert word_similarity(doc.text, expected) >= 0.99
    assert [b.text for b in doc.blocks if b.kind == "footer"] == ["1"]


def test_a_note_running_on_at_the_foot_of_the_next_page(tmp_path: Path) -> None:
    path = tmp_path / "runon.pdf"
    canvas = Canvas(str(path))
    body = "De leden van de commissie hebben kennisgenomen van de brief en stellen enkele vragen."
    for page in (1, 2):
        canvas.setFont("Helvetica", 10)
        for i in range(8):
            canvas.drawString(72, 720 - 12 * i, body)
        if page == 1:
            canvas.drawString(72, 624, "Zie het verslag van het overleg")
            canvas.setFont("Helvetica", 6)
            canvas.drawString(72 + canvas.stringWidth("Zie het verslag van het overleg", "Helvetica", 10), 628, "1")
            canvas.setFont("Helvetica", 8)
            canvas.drawString(72, 110, "1")
            canvas.drawString(82, 110, "Kamerstukken II, 2019–2020, 27 925, nr. 694; zie ook het verslag van het")
            canvas.drawString(82, 100, "schriftelijk overleg over de artikel 100-brief en de brief van de Minister")
        else:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(82, 110, "van Buitenlandse Zaken van 30 maart 2020.")
        canvas.setFont("Helvetica", 10)
        canvas.drawString(72, 60, f"Eerste Kamer, vergaderjaar 2019–2020, 27 925, AA {page}")
        canvas.showPage()
    canvas.save()
    doc = parse_pdf(path)
    assert [(f.number, f.page) for f in doc.footnotes] == [("1", 1)]
    assert doc.footnotes[0].text.endswith("van de Minister van Buitenlandse Zaken van 30 maart 2020.")
    assert "Buitenlandse Zaken van 30 maart" not in doc.text
