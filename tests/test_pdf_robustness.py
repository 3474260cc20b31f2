"""Bad and unusual PDFs: scans without text, broken files, non-official layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import ParseFailed
from pipeline.parse import parse_file
from pipeline.parse.pdf import parse_pdf
from pipeline.parse.textsim import word_similarity
from tests.support.papergen import FIXTURES
from tests.support.paths import REALDATA, SCAN_PDF

OPENKAMER = sorted((REALDATA / "openkamer").glob("*.pdf"))


def test_a_scan_has_no_text_layer_and_says_why() -> None:
    doc = parse_pdf(SCAN_PDF)
    assert doc.pages == 2 and not doc.has_text_layer
    assert "no text layer" in doc.no_text_reason and "2 page" in doc.no_text_reason
    assert doc.blocks == [] and doc.text == ""
    assert [p.has_text for p in doc.page_info] == [False, False]


def test_a_paper_with_one_scanned_page_names_that_page(tmp_path: Path) -> None:
    path = tmp_path / "mixed.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(72, 700, "Een pagina met gewone tekst en nog wat woorden.")
    canvas.showPage()
    canvas.rect(72, 300, 400, 400, fill=1)  # an image-only page: graphics, no text
    canvas.showPage()
    canvas.save()
    doc = parse_pdf(path)
    assert doc.has_text_layer and [p.has_text for p in doc.page_info] == [True, False]
    assert "page(s) 2 of 2" in doc.no_text_reason
    assert doc.text == "Een pagina met gewone tekst en nog wat woorden."


def _encrypted(path: Path) -> None:
    canvas = Canvas(str(path), encrypt=StandardEncryption("geheim", canPrint=0))
    canvas.drawString(72, 700, "Vertrouwelijk")
    canvas.showPage()
    canvas.save()


BROKEN = {
    "zero-byte": (lambda p: p.write_bytes(b""), "empty file"),
    "encrypted": (_encrypted, "encrypted PDF"),
    "truncated": (lambda p: p.write_bytes((FIXTURES / "kst-27925-AA.pdf").read_bytes()[:40_000]), "truncated"),
    "corrupt": (lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8), "corrupt"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_raise_parse_failed_naming_the_file(case: str, tmp_path: Path) -> None:
    make, reason = BROKEN[case]
    path = tmp_path / f"{case}.pdf"
    make(path)
    with pytest.raises(ParseFailed) as err:
        parse_pdf(path)
    assert err.value.path == str(path) and reason in err.value.reason
    assert str(path) in str(err.value)


@pytest.mark.parametrize("path", OPENKAMER, ids=[p.stem for p in OPENKAMER])
def test_non_official_pdfs_give_clean_reading_order_text(path: Path) -> None:
    import pypdfium2

    doc = parse_pdf(path)
    assert doc.has_text_layer and doc.body_blocks
    assert not any(b.kind == "header" and b.page == 1 for b in doc.blocks)  # no official header
    pdf = pypdfium2.PdfDocument(path)  # plain text from an independent extractor
    plain = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert word_similarity(doc.text, plain) >= 0.97  # same words, same order
    assert doc.text.startswith("Den Haag, ")
    footers = [b for b in doc.blocks if b.kind == "footer"]
    assert all(b.text.isdigit() and int(b.text) == b.page for b in footers)  # page numbers out


@pytest.mark.parametrize("path", OPENKAMER, ids=[p.stem for p in OPENKAMER])
def test_a_besluitenlijst_has_no_questions_and_answers(path: Path) -> None:
    """A paper of no known type repeats "Besluit: ..." lines: repetition alone makes no question."""
    doc = parse_file(path)
    assert doc.metadata.document_type == "onbekend"
    assert doc.qa == [] and doc.body_blocks
