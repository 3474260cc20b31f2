"""The parse stage records, per paper version, the chosen text source and the PDF/XML agreement.

The data directory is filled the way the fetch stage leaves it (state database plus raw archive)
with real official files, then `parse_pending` runs and the stored parses are read back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.parse.stage import parse_pending
from pipeline.parse.store import ParsedStore
from tests.support.archive import EMPTY_XML, archive_version
from tests.support.paths import AH_PDF, AH_XML, KST_XML


def test_xml_only_papers_record_their_source_and_no_agreement(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1)
    archive_version(settings, "kst-32545-143", {"xml": KST_XML})
    archive_version(settings, "ag-ek-1995-02-08", {"xml": EMPTY_XML})
    report = parse_pending(settings)
    assert report.parsed == 2 and report.failed == []
    store = ParsedStore(settings.layout)
    kst = store.load("kst-32545-143", 1)
    assert (kst.chosen, kst.choice_reason, kst.agreement) == ("xml", "official XML with body text", None)
    assert kst.document is not None and kst.document.text.startswith("De Kamer,")
    agenda = store.load("ag-ek-1995-02-08", 1)
    assert agenda.chosen == "xml" and "niet beschikbaar in HTML-formaat" in agenda.choice_reason
    assert agenda.document is not None and not agenda.document.has_text_layer


def test_a_paper_with_pdf_and_xml_records_both_parses_and_their_agreement(tmp_path: Path) -> None:
    try:
        from pipeline.parse.pdf import parse_pdf  # noqa: F401  (the layout engine of another helper)
    except ImportError as err:
        pytest.skip(f"PDF layout engine not available yet: {err}")
    settings, notice = Settings(data_dir=tmp_path / "both", workers=1), Settings(data_dir=tmp_path / "notice", workers=1)
    archive_version(settings, "ah-tk-20202021-3235", {"pdf": AH_PDF, "xml": AH_XML})
    notice_xml = tmp_path / "ah-tk-20202021-3235.xml"  # the notice of EMPTY_XML, as this paper's XML
    notice_xml.write_text(EMPTY_XML.read_text("utf-8").replace("ag-ek-1995-02-08", "ah-tk-20202021-3235"), "utf-8")
    archive_version(notice, "ah-tk-20202021-3235", {"pdf": AH_PDF, "xml": notice_xml})
    report, fallback_report = parse_pending(settings), parse_pending(notice)
    assert report.failed == fallback_report.failed == []
    assert (report.by_source, fallback_report.by_source) == ({"xml": 1}, {"pdf": 1})
    store = ParsedStore(settings.layout)
    paper = store.load("ah-tk-20202021-3235", 1)
    assert paper.chosen == "xml" and paper.pdf is not None and paper.xml is not None
    assert paper.agreement is not None and paper.agreement["ok"] is True
    assert paper.agreement["text_similarity"] >= 0.99 and paper.agreement["qa_matched"] == 9
    fallback = ParsedStore(notice.layout).load("ah-tk-20202021-3235", 1)
    assert fallback.chosen == "pdf" and "niet beschikbaar in HTML-formaat" in fallback.choice_reason
    # an XML that is only a notice is never taken as agreeing with the PDF (measured or not)
    assert fallback.agreement is None or fallback.agreement["ok"] is False
