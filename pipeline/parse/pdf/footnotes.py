"""Notes at the foot of the page: smaller print below the body, each starting with its number.

A note runs on over several lines (hanging under its text or flush under its number) and may
continue at the foot of the next page. The superscript markers in the running text are taken
out of their words by `lines.read_lines`; here they are linked to the notes found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.parse.pdf.lines import Line

SMALL = 0.92  # notes are set smaller than this fraction of the body size
CLOSE = 2.0  # lines of one note follow each other within this many times their size
_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class RawNote:
    number: str
    page: int
    lines: list[Line] = field(default_factory=list)
    text_x: float = 0.0  # where the note's text starts (right of its number)


def _label(line: Line) -> tuple[str, bool]:
    """The note label a line starts with, and whether it is raised: a superscript label of any
    length set apart ("¹³ Nederlandse") or against the first word ("²Kamerstukken"), or a number
    word at the size of the note ("2 Kamerstukken")."""
    first = line.words[0]
    if first.markers and first.raw.startswith(first.markers[0]):
        return first.markers[0], True
    if _NUMBER.match(first.text) and len(line.words) > 1:
        return first.text, False
    return "", False


def split_notes(lines: list[Line], body_size: float, open_note: RawNote | None) -> tuple[list[Line], list[RawNote]]:
    """Separate the page's foot-of-page notes from its body lines.

    `open_note` is the last note of the previous page: leading unnumbered note lines continue it.
    Returns the body lines and the notes started (or continued) on this page."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < SMALL * body_size:
        start -= 1
    zone = lines[start:]
    labels = [_label(ln) for ln in zone]
    raised = any(up for _, up in labels)  # then a number word is text ("10 miljoen euro")
    labels = [(number if up or not raised else "") for number, up in labels]
    numbered = [i for i, number in enumerate(labels) if number]
    if not zone or not (numbered or open_note):
        return lines, []
    # small print above the notes is body (a table, a quote); the rest of the open note is set
    # close above the first note (or at the foot of the page)
    first = numbered[0] if numbered else len(zone)
    top = _run_above(zone, first) if open_note else first
    zone, labels = zone[top:], labels[top:]
    start = len(lines) - len(zone)
    notes: list[RawNote] = []
    current = open_note
    for index, (line, number) in enumerate(zip(zone, labels, strict=True)):
        if number and (index == 0 or raised or _starts_note(number, line, current)):
            current = RawNote(number, line.page, [line], line.words[1 if line.words[0].text == number else 0].x0)
            notes.append(current)
        elif current is not None:
            current.lines.append(line)
            if current not in notes:
                notes.append(current)
    return lines[:start], notes


def _run_above(zone: list[Line], end: int) -> int:
    """Where the run of closely set lines that ends just above `zone[end]` (or at the foot of the
    page, when `end` is past the zone) begins."""
    top = min(end, len(zone) - 1)
    while top > 0 and zone[top].baseline - zone[top - 1].baseline <= CLOSE * zone[top].size:
        top -= 1
    return top


def _starts_note(number: str, line: Line, current: RawNote | None) -> bool:
    """A numbered line starts a note when it is the next number, or when notes hang (their
    continuation lines start under the text) and this number stands in the number column."""
    if current is None or int(number) == int(current.number) + 1:
        return True
    hanging = any(abs(ln.x0 - current.text_x) <= 1.0 for ln in current.lines[1:])
    return hanging and abs(line.x0 - current.lines[0].x0) <= 1.0
