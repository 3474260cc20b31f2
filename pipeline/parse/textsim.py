"""Word-level text similarity, the measure of text fidelity (PDF vs official XML, parse vs truth)."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Words of `text`, NFKC-normalised and case-folded; punctuation and spacing do not count."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def word_similarity(a: str, b: str) -> float:
    """2·matches / (len(a)+len(b)) over word sequences (difflib, no autojunk): 1.0 is identical."""
    wa, wb = words(a), words(b)
    if not wa and not wb:
        return 1.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    return 2.0 * sum(m.size for m in matcher.get_matching_blocks()) / (len(wa) + len(wb))
