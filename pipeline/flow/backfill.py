"""A backfill: the history one vergaderjaar at a time, resumable through the marks in
`backfill.json` (a file in the data directory, or a row of the state database's `json_files`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pipeline.config import DEFAULT_KINDS, DataLayout, Settings
from pipeline.errors import InvalidParameter
from pipeline.flow.params import bool_param, kinds_param
from pipeline.sources import vergaderjaar
from pipeline.statedb import json_files

#: The Params of a backfill run and their defaults.
BACKFILL_PARAM_DEFAULTS: dict[str, Any] = {
    "first_vergaderjaar": "2015-2016",
    "last_vergaderjaar": None,  # None: the current one
    "kinds": list(DEFAULT_KINDS),
    "redo": False,
    "publish": True,
}

#: How backfill.json marks a vergaderjaar harvested by its papers' own vergaderjaar (earlier
#: backfills harvested dt.modified windows, which do not hold a vergaderjaar's papers: those count as not done).
BACKFILLED_BY = "w.vergaderjaar"


def vergaderjaar_windows(first: int, last: int, today: date | None = None) -> list[dict[str, str]]:
    """One window per vergaderjaar from `first` to `last` (start years) that has begun.

    `since`..`until` is its span (Prinsjesdag to the day before the next, capped at today): not a
    filter, but what tells a complete vergaderjaar from the current one, which grows.
    """
    if first > last:
        raise InvalidParameter(f"first vergaderjaar {vergaderjaar.name(first)} is after the last, "
                               f"{vergaderjaar.name(last)}")
    today = today or datetime.now(UTC).date()
    windows = []
    for year in range(first, last + 1):
        start, end = vergaderjaar.prinsjesdag(year), vergaderjaar.prinsjesdag(year + 1) - timedelta(days=1)
        if start > today:
            break
        windows.append({"vergaderjaar": vergaderjaar.name(year), "since": start.isoformat(),
                        "until": min(end, today).isoformat()})
    return windows


def backfill_from_params(params: Mapping[str, Any], base: Settings, today: date | None = None
                         ) -> tuple[Settings, list[dict[str, str]]]:
    """A backfill's settings and its vergaderjaar windows (those harvested already left out)."""
    unknown = sorted(set(params) - set(BACKFILL_PARAM_DEFAULTS))
    if unknown:
        raise InvalidParameter(f"unknown param(s) {unknown}; the DAG takes {sorted(BACKFILL_PARAM_DEFAULTS)}")
    p = {**BACKFILL_PARAM_DEFAULTS, **params}
    today = today or datetime.now(UTC).date()
    first = vergaderjaar.parse(p["first_vergaderjaar"], "param 'first_vergaderjaar'")
    last = vergaderjaar.parse(p["last_vergaderjaar"], "param 'last_vergaderjaar'") if p["last_vergaderjaar"] \
        else vergaderjaar.start_year_of(today)
    settings = replace(base, kinds=kinds_param(p["kinds"]), publish=bool_param("publish", p["publish"]))
    windows = vergaderjaar_windows(first, last, today)
    return settings, windows_to_harvest(settings.layout, windows, bool_param("redo", p["redo"]))


def window_settings(settings: Settings, window: Mapping[str, str]) -> Settings:
    """The settings to harvest one vergaderjaar: its papers (`w.vergaderjaar`), whenever modified."""
    return replace(settings, vergaderjaar=window["vergaderjaar"], since=None, until=None)


#: The name of the backfill marks among the run's JSON files.
MARKS = "backfill.json"


def backfilled(layout: DataLayout) -> dict[str, dict[str, Any]]:
    """Vergaderjaren whose harvest completed: vergaderjaar -> {since, until, by, finished_at}."""
    with json_files(layout) as files:
        return files.get(MARKS) or {}


def mark_backfilled(layout: DataLayout, window: Mapping[str, str]) -> None:
    """Record a vergaderjaar window as harvested; a later, longer window of it is harvested again."""
    with json_files(layout) as files, files.exclusive(MARKS):
        done = files.get(MARKS) or {}
        done[window["vergaderjaar"]] = {**window, "by": BACKFILLED_BY, "finished_at": datetime.now(UTC).isoformat()}
        files.put(MARKS, dict(sorted(done.items())))


def windows_to_harvest(layout: DataLayout, windows: Sequence[Mapping[str, str]], redo: bool) -> list[dict[str, str]]:
    """The windows not harvested completely yet (all with `redo`): what makes a backfill resumable."""
    done = {} if redo else backfilled(layout)

    def complete(window: Mapping[str, str]) -> bool:
        entry = done.get(window["vergaderjaar"], {})
        return entry.get("by") == BACKFILLED_BY and entry.get("until") == window["until"]

    return [dict(w) for w in windows if not complete(w)]
