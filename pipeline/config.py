"""Settings (from arguments and environment) and the layout of the data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

LIVE_SRU_URL = "https://repository.overheid.nl/sru"
EERSTE_KAMER = "Eerste Kamer der Staten-Generaal"

#: Publication kinds harvested by default (SRU `w.publicatienaam` values).
DEFAULT_KINDS = (
    "Kamerstuk",
    "Handelingen",
    "Kamervragen (Aanhangsel)",
    "Kamervragen zonder antwoord",
    "Agenda",
)

#: Polite default for the live service: at most one request per second.
DEFAULT_MAX_RPS = 1.0


def _env(name: str, default: str) -> str:
    return os.environ.get(f"EK_{name}", default)


@dataclass(frozen=True)
class DataLayout:
    """Where each stage keeps its files below the data directory."""

    root: Path

    @property
    def state_db(self) -> Path:
        """SQLite: watermark, publications and versions, file manifest, fetch errors, runs."""
        return self.root / "state.sqlite"

    @property
    def raw(self) -> Path:
        """Content-addressed archive of downloaded files (sha256)."""
        return self.root / "raw"

    @property
    def lexicon(self) -> Path:
        """Word counts learned from official XML texts: evidence for undoing PDF hyphenation."""
        return self.root / "lexicon.sqlite"

    @property
    def parsed(self) -> Path:
        """Parsed documents as JSON, one per publication version and source kind."""
        return self.root / "parsed"

    @property
    def staging(self) -> Path:
        """Tables of a run before validation, one directory per run."""
        return self.root / "staging"

    @property
    def published(self) -> Path:
        return self.root / "published"

    @property
    def releases(self) -> Path:
        return self.published / "releases"

    @property
    def catalog(self) -> Path:
        return self.published / "catalog.duckdb"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def runs(self) -> Path:
        """Run summaries (JSON), one per run."""
        return self.root / "runs"

    @property
    def data_docs(self) -> Path:
        return self.root / "data_docs"

    def ensure(self) -> DataLayout:
        for path in (self.raw, self.parsed, self.staging, self.releases, self.quarantine, self.runs):
            path.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True)
class Settings:
    """Everything a run needs. Built by the CLI or the DAG; every field has a sensible default."""

    data_dir: Path = field(default_factory=lambda: Path(_env("DATA_DIR", "data")))
    sru_url: str = field(default_factory=lambda: _env("SRU_URL", LIVE_SRU_URL))
    max_rps: float = field(default_factory=lambda: float(_env("MAX_RPS", str(DEFAULT_MAX_RPS))))
    since: date | None = None  # overrides the watermark
    until: date | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS
    dossier: str | None = None
    identifiers: tuple[str, ...] = ()
    reparse: bool = False
    publish: bool = True
    timeout: float = field(default_factory=lambda: float(_env("HTTP_TIMEOUT", "30")))
    retries: int = field(default_factory=lambda: int(_env("HTTP_RETRIES", "5")))
    retry_base_delay: float = field(default_factory=lambda: float(_env("HTTP_RETRY_BASE_DELAY", "1")))  # s
    retry_max_delay: float = field(default_factory=lambda: float(_env("HTTP_RETRY_MAX_DELAY", "60")))  # s
    page_size: int = field(default_factory=lambda: int(_env("SRU_PAGE_SIZE", "100")))
    keep_releases: int = field(default_factory=lambda: int(_env("KEEP_RELEASES", "5")))
    postgres_dsn: str | None = field(default_factory=lambda: os.environ.get("EK_POSTGRES_DSN"))
    workers: int = field(default_factory=lambda: int(_env("PARSE_WORKERS", "0")))  # 0 = cores
    #: With no watermark and no `since`: harvest the records modified in the last this many days (0 = all).
    first_run_days: int = field(default_factory=lambda: int(_env("FIRST_RUN_DAYS", "30")))
    vergaderjaar: str | None = None  # only papers of this vergaderjaar ("2019-2020"); never moves the watermark

    @property
    def layout(self) -> DataLayout:
        return DataLayout(Path(self.data_dir))
