"""Fault injection for the replay server: what the real service does on a bad day.

Transient faults hit a share (`rate`) of responses at random (seeded, so runs repeat):
`503` (with an HTML body, like nginx), `429`, `reset` (the connection is reset),
`truncate` (the body stops half-way while Content-Length promised all of it) and `slow`
(the answer comes after `slow_seconds`). Lasting faults break one file until removed:
`404`, `html` (an HTML page where a PDF or XML was promised), `garbage` (random bytes),
`cut` (a body cut in half, with a matching Content-Length: malformed, not a network error).
`bad_records` serves those records in an unexpected shape (no tpmeta); clauses on
`unusable_indexes` are silently dropped from queries, with a SEARCH-IGNOREDQTEXT diagnostic.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

TRANSIENT = ("503", "429", "reset", "truncate", "slow")
LASTING = ("404", "html", "garbage", "cut")


@dataclass
class Faults:
    rate: float = 0.0
    kinds: tuple[str, ...] = ("503", "reset", "truncate", "slow")
    slow_seconds: float = 1.0
    seed: int = 0
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (identifier, manifestation) -> LASTING
    bad_records: set[str] = field(default_factory=set)
    unusable_indexes: frozenset[str] = frozenset()
    sru: bool = True  # transient faults also hit SRU responses

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(TRANSIENT) | set(self.files.values()) - set(LASTING)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {sorted(unknown)}")
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def transient(self, is_sru: bool) -> str | None:
        """The transient fault for this response, if any."""
        if not self.rate or (is_sru and not self.sru):
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(self.kinds)

    def lasting(self, identifier: str, manifestation: str) -> str | None:
        return self.files.get((identifier, manifestation))

    def break_file(self, identifier: str, manifestation: str, kind: str) -> None:
        if kind not in LASTING:
            raise ValueError(f"unknown lasting fault {kind!r}; one of {LASTING}")
        self.files[(identifier, manifestation)] = kind

    def heal(self) -> None:
        """Remove every lasting fault (the next run should then succeed)."""
        self.files.clear()
        self.bad_records.clear()
        self.unusable_indexes = frozenset()
