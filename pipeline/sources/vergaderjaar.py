"""Vergaderjaren: the parliamentary year, Prinsjesdag to the day before the next (`2024-2025`).

The form every source record carries in `overheidwetgeving:vergaderjaar` (CQL `w.vergaderjaar`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pipeline.errors import InvalidParameter

_FORM = re.compile(r"^(\d{4})-(\d{4})$")


def prinsjesdag(year: int) -> date:
    """The third Tuesday of September: the first day of the vergaderjaar `year`-`year+1`."""
    first = date(year, 9, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 14)


def start_year_of(day: date) -> int:
    """The first calendar year of the vergaderjaar `day` falls in."""
    return day.year if day >= prinsjesdag(day.year) else day.year - 1


def name(start_year: int) -> str:
    """2024 -> "2024-2025"."""
    return f"{start_year}-{start_year + 1}"


def parse(value: object, what: str = "") -> int:
    """`"2024-2025"` -> 2024; InvalidParameter (naming `what`) for anything but two consecutive years."""
    match = _FORM.match(str(value or "").strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise InvalidParameter(f"{what + ': ' if what else ''}{value!r} is not a vergaderjaar such as 2024-2025 "
                               "(two consecutive years joined by a hyphen)")
    return int(match.group(1))
