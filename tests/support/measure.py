"""Paragraph-boundary fidelity figures shared by the tests and `bench/parse.py`: page breaks
decided wrongly on the generated papers, and official XML paragraphs the PDF engine misses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.parse.pdf import Analysis
from pipeline.parse.textsim import words
from tests.support import analysed
from tests.support.papergen import FIXTURES


def page_break_errors(analysis: Analysis, truth: dict) -> list[int]:
    """Pages whose first body line the engine joined to (or split from) the page before,
    against the generator's truth."""
    return [b["page"] for b in truth["page_breaks"] if analysis.page_breaks.get(b["page"]) != b["continues"]]


def generated_page_break_errors(fixtures: Path = FIXTURES) -> tuple[int, int]:
    """(wrong page breaks, page breaks) over every committed generated paper."""
    wrong = total = 0
    for path in sorted(fixtures.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        wrong += len(page_break_errors(analysed(fixtures / path.name.replace(".truth.json", ".pdf")), truth))
        total += len(truth["page_breaks"])
    return wrong, total


def xml_paragraphs(path: Path) -> list[str]:
    """The paragraphs of an official XML: each `al`, and each `al-groep` (a signature) as one."""
    root = ET.parse(path).getroot()
    grouped = {id(al) for group in root.iter("al-groep") for al in group.iter("al")}
    paragraphs = []
    for element in root.iter():
        if element.tag == "al-groep" or (element.tag == "al" and id(element) not in grouped):
            paragraphs.append(" ".join(" ".join(element.itertext()).split()))
    return paragraphs


def xml_paragraph_misses(pdf: Path, xml: Path) -> tuple[int, int]:
    """(XML paragraphs with no PDF body block of the same words, XML paragraphs)."""
    blocks = {tuple(words(b.text)) for b in analysed(pdf).document.body_blocks}
    paragraphs = xml_paragraphs(xml)
    return sum(tuple(words(p)) not in blocks for p in paragraphs), len(paragraphs)
