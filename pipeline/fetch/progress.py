"""Progress of a long harvest: a status line on a terminal, a log line every few seconds otherwise."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

log = logging.getLogger("pipeline.fetch")


class Progress:
    """Counts records discovered, files fetched and bytes; reports at most every `interval` s."""

    def __init__(self, what: str, interval: float = 5.0, stream: TextIO | None = None) -> None:
        self.what = what
        self.records = self.files = self.bytes = self.errors = 0
        self._interval = interval
        self._stream = stream if stream is not None else sys.stderr
        self._tty = self._stream.isatty()
        self._start = self._last = time.monotonic()

    def add(self, records: int = 0, files: int = 0, nbytes: int = 0, errors: int = 0) -> None:
        self.records += records
        self.files += files
        self.bytes += nbytes
        self.errors += errors
        now = time.monotonic()
        if now - self._last >= (0.5 if self._tty else self._interval):
            self._last = now
            self._show(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max(1e-9, (now or time.monotonic()) - self._start)
        parts = []
        if self.records or not self.files:
            parts.append(f"{self.records} records discovered ({self.records / elapsed:.0f}/s)")
        if self.files:
            parts.append(f"{self.files} files fetched ({self.files / elapsed:.1f}/s, {self.bytes / 1e6:.1f} MB)")
        return f"{self.what}: {', '.join(parts)}, {self.errors} errors, {elapsed:.0f}s"

    def _show(self, now: float) -> None:
        if self._tty:
            self._stream.write("\r" + self.line(now) + "\x1b[K")
            self._stream.flush()
        else:
            log.info(self.line(now))

    def done(self) -> None:
        if self._tty:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
        log.info(self.line())
