"""A polite HTTP client: one connection, a rate limit, timeouts, retries with back-off and jitter.

Transient failures (429, 5xx, connection resets, timeouts, truncated bodies, and bodies that
fail the caller's check) are retried with exponential back-off plus jitter. A host that cannot
be reached at all raises `SourceUnavailable`; anything else that keeps failing raises
`FetchFailed` naming the URL and the last reason.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from pipeline.config import Settings
from pipeline.errors import FetchFailed, MalformedResponse, SourceUnavailable

log = logging.getLogger(__name__)

USER_AGENT = ("eerstekamer-pipeline/0.1 (batch harvester of Eerste Kamer publications for research; "
              "one connection at a time, rate-limited, backs off on errors)")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: A host that refuses connections or does not resolve is retried at most this often.
CONNECT_RETRIES = 2
T = TypeVar("T")


@dataclass
class Failure:
    """Why one attempt failed: `kind` is a short machine name (http_503, reset, timeout, ...)."""

    kind: str
    message: str
    retryable: bool
    retry_after: float | None = None


class HttpError(FetchFailed):
    """A download failed for good; `kind` says why (http_404, malformed, reset, ...)."""

    def __init__(self, url: str, failure: Failure, attempts: int) -> None:
        super().__init__(f"GET {url} failed after {attempts} attempt(s): {failure.message}")
        self.url = url
        self.kind = failure.kind
        self.attempts = attempts


@dataclass
class _Success:
    value: Any


class RateLimiter:
    """At most `rps` request starts per second (0 = no limit)."""

    def __init__(self, rps: float) -> None:
        self._interval = 1.0 / rps if rps > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            time.sleep(delay)


def _failure(err: httpx.HTTPError) -> Failure:
    if isinstance(err, httpx.TimeoutException):
        return Failure("timeout", f"timed out ({type(err).__name__})", True)
    if isinstance(err, httpx.ConnectError):
        return Failure("connect", f"cannot connect ({err})", True)
    if isinstance(err, httpx.RemoteProtocolError):
        return Failure("truncated", f"connection broke mid-response ({err})", True)
    if isinstance(err, httpx.NetworkError):
        return Failure("reset", f"connection reset ({err})", True)
    return Failure("http", f"{type(err).__name__}: {err}", False)


def _status_failure(response: httpx.Response) -> Failure:
    retry_after = response.headers.get("Retry-After", "")
    return Failure(f"http_{response.status_code}",
                   f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                   response.status_code in RETRY_STATUS,
                   float(retry_after) if retry_after.isdigit() else None)


class PoliteClient:
    """GET with politeness. Counts requests, retries and bytes received."""

    def __init__(self, settings: Settings) -> None:
        self._retries = max(0, settings.retries)
        self._base_delay = settings.retry_base_delay
        self._max_delay = settings.retry_max_delay
        self._limiter = RateLimiter(settings.max_rps)
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )
        self._random = random.Random()
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is too much
        self.requests = 0
        self.retries = 0
        self.bytes = 0

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, check: Callable[[bytes], T], params: dict[str, Any] | None = None) -> T:
        """GET `url` until `check(body)` accepts it; `check` raises MalformedResponse to reject."""
        failure = Failure("none", "no attempt made", False)
        connect_failures = 0
        for attempt in range(1, self._retries + 2):
            if attempt > 1:
                self._back_off(attempt - 1, failure, url)
            outcome = self._attempt(url, params, check)
            if isinstance(outcome, _Success):
                return outcome.value
            failure = outcome
            connect_failures += failure.kind == "connect"
            if not failure.retryable or connect_failures > CONNECT_RETRIES:
                break
        if failure.kind == "connect":
            host = urlsplit(url).netloc
            raise SourceUnavailable(f"cannot reach {host} ({failure.message}); "
                                    "check the network or --sru-url and try again")
        raise HttpError(url, failure, attempt)

    def _attempt(self, url: str, params: dict[str, Any] | None, check: Callable[[bytes], T]) -> _Success | Failure:
        self._limiter.wait()
        self.requests += 1
        try:
            response = self._client.get(url, params=params)
        except httpx.HTTPError as err:
            return _failure(err)
        self.bytes += len(response.content)
        if response.status_code != 200:
            return _status_failure(response)
        try:
            return _Success(check(response.content))
        except MalformedResponse as err:
            return Failure("malformed", str(err), True)

    def _back_off(self, retry: int, failure: Failure, url: str) -> None:
        delay = min(self._max_delay, self._base_delay * 2 ** (retry - 1))
        delay = delay / 2 + self._random.uniform(0, delay / 2)  # jitter
        if failure.retry_after is not None:
            delay = max(delay, min(failure.retry_after, self._max_delay))
        log.debug("retry %d of %s in %.2fs: %s", retry, url, delay, failure.message)
        self.retries += 1
        time.sleep(delay)
