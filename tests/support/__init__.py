"""Test support: the realistic Eerste Kamer paper generator (`papergen`), a per-session cache
of parsed PDFs (each fixture parsed once however many tests look at it) and the body text of
an official XML by the shared body-text convention."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from pipeline.parse.pdf import Analysis, analyse


@cache
def analysed(path: Path) -> Analysis:
    """`pipeline.parse.pdf.analyse(path)`, once per test session (treat the result as read-only)."""
    return analyse(path)


def xml_body_text(path: Path) -> str:
    """Body text by the shared convention: `stuk` minus stuknr/titel/datumtekst/noot; for
    kamervragen everything after `kamervraagkop`."""
    root = ET.parse(path).getroot()
    stuk = root.find(".//stuk")
    if stuk is not None:
        parts = [c for c in stuk if c.tag not in ("stuknr", "titel", "datumtekst", "noot")]
    else:
        kamervragen = root.find(".//kamervragen")
        assert kamervragen is not None
        parts = [c for c in kamervragen if c.tag != "kamervraagkop"]
    for part in parts:
        for parent in part.iter():
            for note in parent.findall("noot"):
                parent.remove(note)
    return "\n\n".join(" ".join(" ".join(p.itertext()).split()) for p in parts)
