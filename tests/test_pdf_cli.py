"""`python -m pipeline parse FILE.pdf --json` fills pages, has_text_layer, text and footnotes."""

from __future__ import annotations

import json

import pytest

from pipeline.cli import main
from pipeline.parse.textsim import word_similarity
from tests.support.papergen import FIXTURES
from tests.support.paths import SCAN_PDF


def test_parse_json_of_a_generated_paper(capsys: pytest.CaptureFixture[str]) -> None:
    truth = json.loads((FIXTURES / "kst-27925-AB.truth.json").read_text(encoding="utf-8"))
    assert main(["parse", str(FIXTURES / "kst-27925-AB.pdf"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source_kind"] == "pdf" and out["pages"] == truth["pages"] and out["has_text_layer"]
    assert word_similarity(out["text"], truth["body_text"]) >= 0.99
    assert [(f["number"], f["text"]) for f in out["footnotes"]] == [
        (f["number"], f["text"]) for f in truth["footnotes"]]


def test_parse_json_of_a_scan_says_there_is_no_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SCAN_PDF), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["has_text_layer"] is False and "no text layer" in out["no_text_reason"]
    assert out["pages"] == 2 and out["text"] == ""
