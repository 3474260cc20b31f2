"""Foot-of-page notes as the official typesetting sets them (measured on ah-tk-20232024-1178 and
-1314): a raised label of one or more digits, text in a smaller size, a note that runs on at the
foot of the next page, and small print above the notes (a table) that is body text."""

from __future__ import annotations

from pipeline.parse.pdf.footnotes import split_notes
from pipeline.parse.pdf.lines import Line, Word

BODY, NOTE, LABEL = 8.5, 6.9, 4.5


def _line(page: int, baseline: float, text: str, size: float = BODY, x0: float = 221.0, label: str = "") -> Line:
    words, x = [], x0
    if label:
        words.append(Word(label, x, x + 3.0 * len(label), baseline - 7, baseline - 2.7, LABEL, "Univers",
                          markers=(label,), raw=label, raised=True))
        x += 3.0 * len(label) + 3.4
    for token in text.split():
        words.append(Word(token, x, x + 4.0 * len(token), baseline - size, baseline, size, "Univers", raw=token))
        x += 4.0 * len(token) + 2.0
    return Line(page, baseline, words)


def test_a_note_runs_on_over_the_page_break_and_two_digit_labels_start_notes() -> None:
    page_1 = [_line(1, 600.0, "lopen 2 onderzoeken op het vlak van cryptografie"),
              _line(1, 684.7, "https://www.ncsc.nl/documenten/publicaties/2023/september/18/maak-je-", NOTE, label="9"),
              _line(1, 693.7, "organisatie-", NOTE, x0=227.3)]
    body_1, notes_1 = split_notes(page_1, BODY, None)
    assert body_1 == page_1[:1] and [(n.number, len(n.lines)) for n in notes_1] == [("9", 2)]

    page_2 = [_line(2, 80.0, "van de Nederlandse Cybersecuritystrategie"),
              _line(2, 457.8, "TOTAAL 12 17 40", NOTE),  # a table in small print, far above the notes
              _line(2, 666.6, "quantumveilig", NOTE, x0=227.3),
              _line(2, 675.7, "CWI involved in two primary Post-Quantum Cryptography standards", NOTE, label="10"),
              _line(2, 684.7, "11 miljoen euro toegekend", NOTE, x0=227.3)]  # a number word in a note's text
    body_2, notes_2 = split_notes(page_2, BODY, notes_1[-1])
    assert body_2 == page_2[:2]
    assert [(n.number, n.page, [ln.text for ln in n.lines]) for n in notes_2] == [
        ("9", 1, [page_1[1].text, "organisatie-", "quantumveilig"]),
        ("10", 2, [page_2[3].text, "11 miljoen euro toegekend"]),
    ]
