"""The settings of a run (flag > environment > default) and the layout of the data directory."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.errors import InvalidParameter
from pipeline.storage import Storage, default_cache, is_url

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


@dataclass(frozen=True)
class DataLayout:
    """Where each stage keeps its files below the data directory, and the run state: SQLite files
    there, or the PostgreSQL database `state_dsn` (schema `state_schema`) when it is set.

    For an object-store data directory (`url`) `root` is the local cache and `store` the durable
    home of the same layout (see `pipeline.storage`)."""

    root: Path
    state_dsn: str | None = field(default=None, repr=False)
    state_schema: str = "ek_state"
    url: str | None = None

    @property
    def store(self) -> Storage:
        return Storage(self.root, self.url)

    @property
    def location(self) -> str:
        """The data directory as the user named it: its URL, or the local path."""
        return self.url or str(self.root)

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
        """Create the local directories (and check that the object store, if any, is there)."""
        for path in (self.raw, self.parsed, self.staging, self.releases, self.quarantine, self.runs):
            path.mkdir(parents=True, exist_ok=True)
        self.store.check()
        return self


@dataclass(frozen=True)
class Settings:
    """Everything a run needs, one object for the CLI and the DAGs.

    `Settings()` holds the defaults; `Settings.load()` layers them: a given value (a command-line
    flag, an Airflow Variable or Param) > the `EK_*` environment variable > the default."""

    data_dir: Path | str = Path("data")  # a local path, or an object store URL (`s3://bucket/prefix`)
    cache_dir: Path | None = None  # the local cache of an object-store data directory (default: per URL)
    sru_url: str = LIVE_SRU_URL
    max_rps: float = DEFAULT_MAX_RPS
    since: date | None = None  # overrides the watermark
    until: date | None = None
    kinds: tuple[str, ...] = DEFAULT_KINDS
    dossier: str | None = None
    identifiers: tuple[str, ...] = ()
    reparse: bool = False
    publish: bool = True
    timeout: float = 30.0  # s, per HTTP request
    retries: int = 5
    retry_base_delay: float = 1.0  # s
    retry_max_delay: float = 60.0  # s
    page_size: int = 100
    keep_releases: int = 5
    postgres_dsn: str | None = None
    dashboard_role: str = "eerstekamer_reader"  # read-only PostgreSQL role granted the published schema
    dashboard_password: str | None = None  # with it the role can log in (LOGIN), else NOLOGIN
    workers: int = 0  # parse worker processes; 0 = cores
    parse_batch_size: int = 20  # papers per mapped parse task in the DAGs
    #: With no watermark and no `since`: harvest the records modified in the last this many days (0 = all).
    first_run_days: int = 30
    run_lock_wait: float = 30.0  # s a run waits for another run of the same data directory
    run_lock_stale: float = 6 * 3600.0  # s without a heartbeat after which a run lock counts as abandoned
    vergaderjaar: str | None = None  # only papers of this vergaderjaar ("2019-2020"); never moves the watermark
    #: In a backfill, the fraction of papers with usable official XML whose PDF is still laid out
    #: and checked against it (a stable hash of the identifier picks the same papers every run).
    agreement_sample: float = 0.05
    #: A parse of more papers than this counts as a backfill (so does one narrowed by `vergaderjaar`).
    full_check_max: int = 200
    #: The run state (ledger, run journal, locks, lexicon) in this PostgreSQL database instead of
    #: SQLite files in the data directory: what lets tasks on different hosts share a run.
    state_dsn: str | None = None
    state_schema: str = "ek_state"  # the schema of the run state in `state_dsn`

    @property
    def layout(self) -> DataLayout:
        if is_url(self.data_dir):
            url = str(self.data_dir).rstrip("/")
            return DataLayout(Path(self.cache_dir or default_cache(url)), self.state_dsn, self.state_schema, url=url)
        return DataLayout(Path(self.data_dir), self.state_dsn, self.state_schema)

    @classmethod
    def load(cls, given: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `given` values (None means not given), then `EK_*` variables, then defaults.

        A malformed variable raises InvalidParameter naming it and the reason."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (variable, convert) in ENVIRONMENT.items():
            raw = environ.get(variable, "").strip()
            if raw:
                values[name] = _converted(variable, raw, convert)
        values.update({name: value for name, value in (given or {}).items() if value is not None})
        return cls(**values)


def _converted(variable: str, raw: str, convert: Callable[[str], Any]) -> Any:
    try:
        return convert(raw)
    except ValueError as err:
        raise InvalidParameter(f"environment variable {variable}: {raw!r} is {err}") from None


def at_least(minimum: int, kind: type[float] | type[int] = float) -> Callable[[str], Any]:
    """A parser of numbers of `kind` (float or int) >= `minimum`; its ValueError says what was expected."""
    expected = f"not {'a number' if kind is float else 'a whole number'} >= {minimum}"

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(expected) from None
        if not value >= minimum:
            raise ValueError(expected)
        return value

    return parse


def data_location(text: str) -> Path | str:
    """A data directory: an object store URL as given, else a local path."""
    return text.rstrip("/") if is_url(text) else Path(text)


def fraction(text: str) -> float:
    """A number from 0 to 1; its ValueError says what was expected."""
    value = at_least(0)(text)
    if value > 1:
        raise ValueError("not a fraction from 0 to 1")
    return value


#: The settings an `EK_*` environment variable sets, and how its text is read.
ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "data_dir": ("EK_DATA_DIR", data_location),
    "cache_dir": ("EK_CACHE_DIR", Path),
    "sru_url": ("EK_SRU_URL", str),
    "max_rps": ("EK_MAX_RPS", at_least(0)),
    "timeout": ("EK_HTTP_TIMEOUT", at_least(0)),
    "retries": ("EK_HTTP_RETRIES", at_least(0, int)),
    "retry_base_delay": ("EK_HTTP_RETRY_BASE_DELAY", at_least(0)),
    "retry_max_delay": ("EK_HTTP_RETRY_MAX_DELAY", at_least(0)),
    "page_size": ("EK_SRU_PAGE_SIZE", at_least(1, int)),
    "keep_releases": ("EK_KEEP_RELEASES", at_least(1, int)),
    "postgres_dsn": ("EK_POSTGRES_DSN", str),
    "dashboard_role": ("EK_DASHBOARD_ROLE", str),
    "dashboard_password": ("EK_DASHBOARD_PASSWORD", str),
    "workers": ("EK_PARSE_WORKERS", at_least(0, int)),
    "parse_batch_size": ("EK_PARSE_BATCH_SIZE", at_least(1, int)),
    "first_run_days": ("EK_FIRST_RUN_DAYS", at_least(0, int)),
    "run_lock_wait": ("EK_RUN_LOCK_WAIT", at_least(0)),
    "run_lock_stale": ("EK_RUN_LOCK_STALE", at_least(60)),
    "agreement_sample": ("EK_AGREEMENT_SAMPLE", fraction),
    "full_check_max": ("EK_FULL_CHECK_MAX", at_least(0, int)),
    "state_dsn": ("EK_STATE_DSN", str),
    "state_schema": ("EK_STATE_SCHEMA", str),
}
