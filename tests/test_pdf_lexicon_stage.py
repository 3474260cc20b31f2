"""The parse stage learns each official XML's words into the data directory's corpus lexicon
before it parses the PDF of the same version with that lexicon."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
from dataclasses import replace
from pathlib import Path

from pipeline.config import DataLayout, Settings
from pipeline.parse.pdf.lexicon import CorpusLexicon
from pipeline.parse.stage import parse_pending
from pipeline.parse.store import ParsedStore
from tests.support.archive import archive_version
from tests.support.paths import AH_PDF, AH_XML


def test_the_parse_stage_fills_the_corpus_lexicon_once_per_version(tmp_path: Path, state_dsn: str | None) -> None:
    settings = Settings(data_dir=tmp_path, workers=1, state_dsn=state_dsn)
    archive_version(settings, "ah-tk-20202021-3235", {"pdf": AH_PDF, "xml": AH_XML})
    assert parse_pending(settings).failed == []
    with CorpusLexicon(settings.layout) as lexicon:
        counts = lexicon["bbz-krediet"], lexicon["beperktere"], lexicon["rentepercentage"]
    assert all(counts)
    paper = ParsedStore(settings.layout.parsed).load("ah-tk-20202021-3235", 1)
    assert paper.pdf is not None and "beperktere doelgroep" in paper.pdf.text
    assert parse_pending(replace(settings, reparse=True)).parsed == 1
    with CorpusLexicon(settings.layout) as lexicon:  # a reparse learns nothing twice
        assert (lexicon["bbz-krediet"], lexicon["beperktere"], lexicon["rentepercentage"]) == counts


def _open_and_learn(path: DataLayout, key: str, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait()
    with CorpusLexicon(path) as lexicon:
        lexicon.learn(key, "beperktere doelgroep")


def test_processes_creating_a_new_lexicon_at_the_same_moment_all_get_it(tmp_path: Path) -> None:
    """Switching a new SQLite file to WAL fails at once ("database is locked") while another
    process does the same; parallel parse tasks on a new data directory must not trip over it."""
    context = multiprocessing.get_context("fork")
    for attempt in range(15):
        path = DataLayout(tmp_path / f"data-{attempt}")
        start = context.Barrier(6)
        workers = [context.Process(target=_open_and_learn, args=(path, f"paper-{n}", start)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0] * 6
        with CorpusLexicon(path) as lexicon:
            assert lexicon["beperktere"] == 6
