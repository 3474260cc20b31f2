"""Test support: the realistic Eerste Kamer paper generator (`papergen`) and a per-session
cache of parsed PDFs, so each fixture is parsed once however many tests look at it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline.parse.pdf import Analysis, analyse


@cache
def analysed(path: Path) -> Analysis:
    """`pipeline.parse.pdf.analyse(path)`, once per test session (treat the result as read-only)."""
    return analyse(path)
