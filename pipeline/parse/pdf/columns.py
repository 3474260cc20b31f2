"""Reading order for pages set in two columns of running text.

A gutter is a vertical strip, in the middle half of the text, that no line of body text crosses
while both sides are filled with lines that run up to it (text columns, not a column of short
labels beside their values, as in a decision list, which keeps its row order). Lines are then
read column by column, section by section: a line crossing the gutter (a title, a footer)
closes a section. The columns start on the first baseline with text on both sides of the
gutter: what stands above it (the page-1 header, with the big chamber number at the right)
keeps its order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import accumulate
from statistics import median

from pipeline.parse.pdf.lines import Line

MIN_LINES = 12  # fewer body lines than this on a page: nothing to decide
SIDE_SHARE = 0.05  # each column holds at least this share of the page's body lines (a short last column)
FILLED = 0.15  # half the lines of a column end within this share of its width from its edge
CROSSING = 2  # lines that may cross a gutter (a title, a footer) besides 2 % of the body lines
EDGE_SHARE = 0.1  # the text's edges: where all but this share of the lines start and end


def column_order(lines: list[Line]) -> list[Line]:
    """`lines` (sorted by baseline) in reading order: unchanged on a one-column page."""
    gutter = _gutter(lines)
    if gutter is None:
        return lines
    start, end = gutter
    first = _columns_start(lines, start, end, _body_size(lines))
    ordered: list[Line] = lines[:first]
    left: list[Line] = []
    right: list[Line] = []
    for line in lines[first:]:
        parts = _split(line, start, end)
        if parts is None:  # crosses the gutter: the section above ends here
            ordered += left + right + [line]
            left, right = [], []
            continue
        head, tail = parts
        left += [head] if head.words else []
        right += [tail] if tail.words else []
    return ordered + left + right


def _split(line: Line, start: float, end: float) -> tuple[Line, Line] | None:
    if any(w.x0 < end and w.x1 > start for w in line.words):
        return None
    return (Line(line.page, line.baseline, [w for w in line.words if w.x1 <= start]),
            Line(line.page, line.baseline, [w for w in line.words if w.x0 >= end]))


def _columns_start(lines: list[Line], start: float, end: float, size: float) -> int:
    """Index of the first line in a column: the first baseline with text left and right of the gutter
    and none across, or a line of body text right above it on one side (a column set higher than
    the other, beside a title or the big chamber number)."""
    for index, line in enumerate(lines):
        words = [w for ln in lines if abs(ln.baseline - line.baseline) <= 0.5 for w in ln.words]
        if (any(w.x1 <= start for w in words) and any(w.x0 >= end for w in words)
                and not any(w.x0 < end and w.x1 > start for w in words)):
            while index and abs(lines[index - 1].size - size) <= 0.1 * size and _split(lines[index - 1], start, end):
                index -= 1
            return index
    return len(lines)


def _body_size(lines: list[Line]) -> float:
    return Counter(ln.size for ln in lines).most_common(1)[0][0]


def _gutter(lines: list[Line]) -> tuple[float, float] | None:
    if not lines:
        return None
    size = _body_size(lines)
    body = [ln for ln in lines if abs(ln.size - size) <= 0.1 * size]
    if len(body) < MIN_LINES:
        return None
    low, high = _edges(body)
    strip = _empty_strip(body, low, high, size)
    if strip is None or not _both_sides_filled(body, low, high, *strip):
        return None
    return strip


def _edges(body: list[Line]) -> tuple[float, float]:
    """Left and right edge of the text, robust to a few lines that stick out (a footer set wider)."""
    starts, ends = sorted(ln.x0 for ln in body), sorted(ln.x1 for ln in body)
    cut = int(EDGE_SHARE * len(body))
    return starts[cut], ends[len(ends) - 1 - cut]


def _empty_strip(body: list[Line], low: float, high: float, size: float) -> tuple[float, float] | None:
    """The widest strip in the middle half of the text that (almost) no body line crosses: at most
    a few lines (a title, a footer) may, and then only the part that the fewest lines cross
    counts, so a ragged column edge is no part of it."""
    origin = int(min(w.x0 for line in body for w in line.words))
    delta = [0] * (int(max(w.x1 for line in body for w in line.words)) - origin + 2)
    for line in body:
        for word in line.words:
            delta[int(word.x0) - origin] += 1
            delta[int(word.x1) - origin + 1] -= 1
    levels = list(accumulate(delta))
    quarter = (high - low) / 4
    middle = range(max(0, int(low + quarter) - origin), min(len(levels), int(high - quarter) - origin + 1))
    run = _widest_run(middle, lambda x: levels[x] <= CROSSING + 0.02 * len(body))
    if run is None:
        return None
    floor = min(levels[x] for x in range(run[0], run[1] + 1))
    best = _widest_run(range(run[0], run[1] + 1), lambda x: levels[x] == floor)
    if best is None or best[1] - best[0] < 0.6 * size:
        return None
    return float(origin + best[0]), float(origin + best[1] + 1)


def _widest_run(xs: range, keep: Callable[[int], bool]) -> tuple[int, int] | None:
    """First and last x of the longest run of consecutive `xs` that `keep` accepts."""
    best: tuple[int, int] | None = None
    run_start = None
    for x in xs:
        if keep(x):
            run_start = x if run_start is None else run_start
            if best is None or x - run_start > best[1] - best[0]:
                best = (run_start, x)
        else:
            run_start = None
    return best


def _both_sides_filled(body: list[Line], low: float, high: float, start: float, end: float) -> bool:
    lefts = [max(w.x1 for w in ln.words if w.x1 <= start) for ln in body if any(w.x1 <= start for w in ln.words)]
    rights = [max(w.x1 for w in ln.words if w.x0 >= end) for ln in body if any(w.x0 >= end for w in ln.words)]
    if min(len(lefts), len(rights)) < SIDE_SHARE * len(body):
        return False
    return (median(start - x for x in lefts) <= FILLED * (start - low)
            and median(high - x for x in rights) <= FILLED * (high - end))
