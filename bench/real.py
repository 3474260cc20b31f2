"""One line per real official file: what the pipeline makes of it, and how long it takes.

Every PDF and XML under tests/fixtures/real/official-tk and the PLOOI pairs (the official PDF and
XML of kst-32545-143 and ah-tk-20202021-3235) goes through `parse_file` (layout and structure).
Columns: file, pages, speeches, qa pairs, footnotes, furniture leaks, seconds.

Furniture leaks (PDF only) is a measure independent of the layout engine: the lines at the head or
foot of a page in pdfplumber's bare `extract_text` (first and last two) that recur on at least half
of the pages (two or more, digits masked: the running footer or header) and still stand in the
document's body text. A file that cannot be parsed gets its error on its line.

Usage: python bench/real.py
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.errors import ParseFailed  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.parse import parse_file  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
PLOOI = REAL / "woo-besluit-broncode-PLOOI" / "repository.overheid.nl" / "frbr" / "officielepublicaties"
PLOOI_PAIRS = ("kst/32545/kst-32545-143/1", "ah-tk/20202021/ah-tk-20202021-3235/1")


def files() -> list[Path]:
    official = sorted((REAL / "official-tk").glob("*/*.pdf")) + sorted((REAL / "official-tk").glob("*/*.xml"))
    pairs = [path for pair in PLOOI_PAIRS for path in sorted((PLOOI / pair).glob("*/*")) if path.parent.name in
             ("pdf", "xml")]
    return official + pairs


def _masked(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _edges(lines: list[str]) -> list[str]:
    return lines[:2] + lines[2:][-2:]


def furniture_leaks(path: Path, doc: Document) -> int:
    """Running lines (on half the pages or more, at least two) whose text survives in the body."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = [_edges([" ".join(ln.split()) for ln in (page.extract_text() or "").splitlines() if ln.strip()])
                 for page in pdf.pages]
    repeats = Counter(m for lines in pages for m in {_masked(ln) for ln in lines})
    needed = max(2, (len(pages) + 1) // 2)
    text = " ".join(doc.text.split())
    return sum(1 for lines in pages for ln in lines if repeats[_masked(ln)] >= needed and ln in text)


def main() -> None:
    print(f"{'file':44} {'pages':>5} {'speeches':>8} {'qa':>4} {'notes':>5} {'leaks':>5} {'seconds':>7}")
    for path in files():
        start = time.perf_counter()
        try:
            doc = parse_file(path)
        except ParseFailed as err:
            print(f"{path.name:44} error: {err}")
            continue
        seconds = time.perf_counter() - start
        leaks = str(furniture_leaks(path, doc)) if path.suffix == ".pdf" else "-"
        print(f"{path.name:44} {doc.pages:>5} {len(doc.speeches):>8} {len(doc.qa):>4} {len(doc.footnotes):>5} "
              f"{leaks:>5} {seconds:>7.2f}")


if __name__ == "__main__":
    main()
