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
_NUMBER = re.compile(r"^\d{1,3}$")


@dataclass
class RawNote:
    number: str
    page: int
    lines: list[Line] = field(default_factory=list)
    text_x: float = 0.0  # where the note's text starts (right of its number)


def _number_of(line: Line) -> str:
    """The note number a line starts with: a number word ("2 Kamerstukken") or a superscript
    number set against the first word ("²Kamerstukken")."""
    first = line.words[0]
    if _NUMBER.match(first.text) and len(line.words) > 1:
        return first.text
    if first.markers and first.raw.startswith(first.markers[0]):
        return first.markers[0]
    return ""


def split_notes(lines: list[Line], body_size: float, open_note: RawNote | None) -> tuple[list[Line], list[RawNote]]:
    """Separate the page's foot-of-page notes from its body lines.

    `open_note` is the last note of the previous page: leading unnumbered note lines continue it.
    Returns the body lines and the notes started (or continued) on this page."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < SMALL * body_size:
        start -= 1
    zone = lines[start:]
    numbered = [i for i, ln in enumerate(zone) if _number_of(ln)]
    if not zone or not (numbered or open_note):
        return lines, []
    if numbered and not open_note:
        zone = zone[numbered[0]:]  # small print above the first note is body (a table, a quote)
        start = len(lines) - len(zone)
    notes: list[RawNote] = []
    current = open_note
    for index, line in enumerate(zone):
        number = _number_of(line)
        if number and (index == 0 or _starts_note(number, line, current)):
            current = RawNote(number, line.page, [line], line.words[1 if line.words[0].text == number else 0].x0)
            notes.append(current)
        elif current is not None:
            current.lines.append(line)
            if current not in notes:
                notes.append(current)
    return lines[:start], notes


def _starts_note(number: str, line: Line, current: RawNote | None) -> bool:
    """A numbered line starts a note when it is the next number, or when notes hang (their
    continuation lines start under the text) and this number stands in the number column."""
    if current is None or int(number) == int(current.number) + 1:
        return True
    hanging = any(abs(ln.x0 - current.text_x) <= 1.0 for ln in current.lines[1:])
    return hanging and abs(line.x0 - current.lines[0].x0) <= 1.0
