"""`python -m pipeline validate`: a report on stdout, quiet stderr, and no batch left in staging."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.normalise.samples import sample_corpus
from pipeline.parse.store import ParsedStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_validate_command_reports_quietly_and_leaves_no_staging(tmp_path: Path) -> None:
    store = ParsedStore(tmp_path / "parsed")
    for paper in sample_corpus(6, years=2):
        store.save(paper)
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "EK_POSTGRES_DSN": ""}
    result = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--data-dir", str(tmp_path)],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["passed"] is True and report["results"]
    assert "Calculating Metrics" not in result.stderr  # no tqdm progress bars
    assert "Warning" not in result.stderr and "great_expectations" not in result.stderr, result.stderr[-2000:]
    assert list((tmp_path / "staging").iterdir()) == []
    assert not (tmp_path / "published" / "current.json").exists()
