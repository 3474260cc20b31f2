"""One run at a time per data directory: `DIR/run.lock`, taken by the CLI and the DAGs alike.

The lock names its holder (run id, who, host, pid, since) and carries a heartbeat that every
step renews. A second run waits a bounded time (`EK_RUN_LOCK_WAIT` seconds), then stops with one
line naming the holder. A lock is taken over when its holder is gone: a process on this host that
no longer exists, or a heartbeat older than `EK_RUN_LOCK_STALE` seconds (a DAG run killed before
its teardown). Reading and changing the lock happens under a short `flock`, so two runs never
both take it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import DataLayout, Settings
from pipeline.errors import PipelineError
from pipeline.files import write_json
from pipeline.flow.journal import unique_run_id

log = logging.getLogger(__name__)


class RunLocked(PipelineError):
    """Another run holds the data directory."""


def _path(layout: DataLayout) -> Path:
    return layout.root / "run.lock"


@contextmanager
def _guarded(layout: DataLayout) -> Iterator[None]:
    """Hold the guard that makes reading and changing the lock one step."""
    layout.root.mkdir(parents=True, exist_ok=True)
    with (layout.root / ".run.lock.guard").open("a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(guard, fcntl.LOCK_UN)


def holder(layout: DataLayout) -> dict[str, Any] | None:
    """Who holds the lock, or None."""
    try:
        return json.loads(_path(layout).read_text())
    except FileNotFoundError:
        return None
    except ValueError:  # a torn or damaged lock holds nothing
        return {}


def describe(held: dict[str, Any]) -> str:
    return (f"run {held.get('run_id', '?')} ({held.get('owner', '?')}, pid {held.get('pid', '?')} on "
            f"{held.get('host', '?')}, since {held.get('since', '?')})")


def _gone(held: dict[str, Any], stale: float) -> str:
    """Why the holder counts as gone, or '' while it is alive."""
    if not held:
        return "the lock file is damaged"
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
        with _guarded(layout):
            held = holder(layout)
            ours = run_id is not None and (held or {}).get("run_id") == run_id and held.get("owner") == owner
            if held is None or ours or (reason := _gone(held, settings.run_lock_stale)):
                if held and not ours:
                    log.warning("taking over the run lock of %s: %s", describe(held), reason)
                now = datetime.now(UTC).isoformat()
                run_id = run_id or unique_run_id(layout)
                write_json(_path(layout), {"run_id": run_id, "owner": owner, "host": socket.gethostname(),
                                           "pid": os.getpid(), "since": now, "heartbeat": now})
                return run_id
        if time.monotonic() >= deadline:
            raise RunLocked(f"{layout.root} is in use by {describe(held)}; wait for it to finish "
                            f"(EK_RUN_LOCK_WAIT={wait:g} s was not enough), or, if it died, delete {_path(layout)}")
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def renew(layout: DataLayout, run_id: str) -> None:
    """Renew the heartbeat of the lock `run_id` holds; RunLocked when another run took it."""
    with _guarded(layout):
        held = holder(layout)
        if not held or held.get("run_id") != run_id:
            raise RunLocked(f"run {run_id} no longer holds {layout.root}: "
                            f"{'nobody' if not held else describe(held)} does; stopping so that two runs never mix")
        write_json(_path(layout), {**held, "heartbeat": datetime.now(UTC).isoformat()})


def release(layout: DataLayout, run_id: str) -> None:
    """Give the lock up (nothing happens when `run_id` does not hold it)."""
    with _guarded(layout):
        held = holder(layout)
        if held is not None and held.get("run_id") == run_id:
            _path(layout).unlink(missing_ok=True)


@contextmanager
def holding(settings: Settings, owner: str = "cli") -> Iterator[str]:
    """The lock for a new run for the length of a `with` block; yields the run id."""
    run_id = acquire(settings, owner)
    try:
        yield run_id
    finally:
        release(settings.layout, run_id)
