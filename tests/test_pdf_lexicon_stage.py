"""The parse stage learns each official XML's words into the data directory's corpus lexicon
before it parses the PDF of the same version with that lexicon."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import AH_PDF, AH_XML
from test_agreement_stage import _archive

from pipeline.config import Settings
from pipeline.parse.pdf.lexicon import CorpusLexicon
from pipeline.parse.stage import parse_pending
from pipeline.parse.store import ParsedStore


def test_the_parse_stage_fills_the_corpus_lexicon_once_per_version(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, workers=1)
    _archive(settings, "ah-tk-20202021-3235", {"pdf": AH_PDF, "xml": AH_XML})
    assert parse_pending(settings).failed == []
    with CorpusLexicon(tmp_path / "lexicon.sqlite") as lexicon:
        counts = lexicon["bbz-krediet"], lexicon["beperktere"], lexicon["rentepercentage"]
    assert all(counts)
    paper = ParsedStore(settings.layout.parsed).load("ah-tk-20202021-3235", 1)
    assert paper.pdf is not None and "beperktere doelgroep" in paper.pdf.text
    assert parse_pending(replace(settings, reparse=True)).parsed == 1
    with CorpusLexicon(tmp_path / "lexicon.sqlite") as lexicon:  # a reparse learns nothing twice
        assert (lexicon["bbz-krediet"], lexicon["beperktere"], lexicon["rentepercentage"]) == counts
