"""`python -m pipeline publish` on a broken batch: exit 1, the reason on stderr, nothing published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.config import DataLayout
from pipeline.normalise.samples import sample_paper
from pipeline.parse.store import ParsedStore

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_publish_command_exits_non_zero_with_the_reason_when_quarantined(tmp_path: Path) -> None:
    broken = sample_paper("kst-36867-C")
    broken.xml.blocks = []
    ParsedStore(DataLayout(tmp_path)).save(broken)
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "EK_POSTGRES_DSN": ""}
    result = subprocess.run([sys.executable, "-m", "pipeline", "publish", "--data-dir", str(tmp_path)],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)

    assert result.returncode == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: batch ") and "failed 2 critical expectation(s)" in error
    assert "1 of 1 paper(s) fail critical expectations (at most 0 are held back)" in error  # nothing would be left
    assert "documents[vergaderjaar=2025-2026] expect_column_values_to_be_between(word_count)" in error
    assert "the previous release stays current" in error
    [quarantined] = (tmp_path / "quarantine").iterdir()
    assert (quarantined / "report.md").exists() and not (tmp_path / "published" / "current.json").exists()
