"""SQLite files that several processes open at once (the ledger, the corpus lexicon; see `pipeline.statedb`)."""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

#: How long a connection waits for another process's lock (and for its first WAL switch).
BUSY_SECONDS = 60


def open_wal(path: Path, schema: str, isolation_level: str | None = "") -> sqlite3.Connection:
    """Connect to `path` (created with its directory on demand) in WAL mode with `schema` in place.

    Switching a new file to WAL can fail at once with "database is locked", without waiting,
    while another process (a parallel parse task) does the same: that switch is tried again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=isolation_level)
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(schema)
            return db
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(random.uniform(0.01, 0.05))
