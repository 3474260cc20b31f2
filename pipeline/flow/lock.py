"""One run at a time per data directory (per state database, when the layout names one): the
run lock, taken by the CLI and the DAGs alike.

The lock is the JSON value `run.lock`: a file in the data directory, or a lease row of the state
database's `json_files` table (`pipeline.statedb.json_files`), so that a DAG run's tasks on
different hosts hold it one after the other. It names its holder (run id, who, host, pid,
since) and carries a heartbeat that every step renews. A second run waits a bounded time
(`EK_RUN_LOCK_WAIT` seconds), then stops with one line naming the holder. A lock is taken over
when its holder is gone: a process on this host that no longer exists, or a heartbeat older
than `EK_RUN_LOCK_STALE` seconds (a DAG run killed before its teardown). Reading and changing
the lock is one exclusive step (an `flock`, or a transaction holding an advisory lock), so two
runs never both take it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pipeline.config import DataLayout, Settings
from pipeline.errors import PipelineError
from pipeline.flow.journal import unique_run_id
from pipeline.statedb import JsonFiles, json_files

log = logging.getLogger(__name__)

#: The name of the lock among the run's JSON files.
LOCK = "run.lock"


class RunLocked(PipelineError):
    """Another run holds the data directory (or the state database)."""


@contextmanager
def _guarded(layout: DataLayout) -> Iterator[JsonFiles]:
    """The run's JSON files, with reading and changing the lock one exclusive step."""
    with json_files(layout) as files, files.exclusive(LOCK):
        yield files


def _holder(files: JsonFiles) -> dict[str, Any] | None:
    try:
        return files.get(LOCK)
    except ValueError:  # a torn or damaged lock holds nothing
        return {}


def holder(layout: DataLayout) -> dict[str, Any] | None:
    """Who holds the lock, or None."""
    with json_files(layout) as files:
        return _holder(files)


def describe(held: dict[str, Any]) -> str:
    return (f"run {held.get('run_id', '?')} ({held.get('owner', '?')}, pid {held.get('pid', '?')} on "
            f"{held.get('host', '?')}, since {held.get('since', '?')})")


def _gone(held: dict[str, Any], stale: float) -> str:
    """Why the holder counts as gone, or '' while it is alive."""
    if not held:
        return "the lock is damaged"
    if held.get("host") == socket.gethostname() and held.get("owner") == "cli":
        try:
            os.kill(int(held["pid"]), 0)
        except ProcessLookupError:
            return f"process {held['pid']} no longer exists"
        except (PermissionError, ValueError, KeyError):
            pass
    beat = datetime.fromisoformat(held.get("heartbeat", held.get("since", "1970-01-01T00:00:00+00:00")))
    age = (datetime.now(UTC) - beat).total_seconds()
    return f"its last heartbeat was {age:.0f} s ago" if age > stale else ""


def acquire(settings: Settings, owner: str, run_id: str | None = None) -> str:
    """Take the lock for `run_id` (again, for a retried task of the same DAG run), or for a new
    run id made unique under the lock when None; returns the run id. Waits at most
    `Settings.run_lock_wait` seconds for another run to finish."""
    layout, wait = settings.layout, settings.run_lock_wait
    deadline = time.monotonic() + wait
    while True:
        with _guarded(layout) as files:
            held = _holder(files)
            ours = run_id is not None and (held or {}).get("run_id") == run_id and held.get("owner") == owner
            if held is None or ours or (reason := _gone(held, settings.run_lock_stale)):
                if held and not ours:
                    log.warning("taking over the run lock of %s: %s", describe(held), reason)
                now = datetime.now(UTC).isoformat()
                run_id = run_id or unique_run_id(files)
                files.put(LOCK, {"run_id": run_id, "owner": owner, "host": socket.gethostname(),
                                 "pid": os.getpid(), "since": now, "heartbeat": now})
                return run_id
            home, where = files.home, files.where(LOCK)
        if time.monotonic() >= deadline:
            raise RunLocked(f"{home} is in use by {describe(held)}; wait for it to finish "
                            f"(EK_RUN_LOCK_WAIT={wait:g} s was not enough), or, if it died, delete {where}")
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def renew(layout: DataLayout, run_id: str) -> None:
    """Renew the heartbeat of the lock `run_id` holds; RunLocked when another run took it."""
    with _guarded(layout) as files:
        held = _holder(files)
        if not held or held.get("run_id") != run_id:
            raise RunLocked(f"run {run_id} no longer holds {files.home}: "
                            f"{'nobody' if not held else describe(held)} does; stopping so that two runs never mix")
        files.put(LOCK, {**held, "heartbeat": datetime.now(UTC).isoformat()})


def release(layout: DataLayout, run_id: str) -> None:
    """Give the lock up (nothing happens when `run_id` does not hold it)."""
    with _guarded(layout) as files:
        held = _holder(files)
        if held is not None and held.get("run_id") == run_id:
            files.delete(LOCK)


@contextmanager
def holding(settings: Settings, owner: str = "cli") -> Iterator[str]:
    """The lock for a new run for the length of a `with` block; yields the run id."""
    run_id = acquire(settings, owner)
    try:
        yield run_id
    finally:
        release(settings.layout, run_id)
