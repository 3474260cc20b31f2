"""The polite HTTP client against the replay server: retries, timeouts, rate limit, no network."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from pipeline.config import Settings
from pipeline.errors import MalformedResponse, SourceUnavailable
from pipeline.fetch.harvest import check_pdf
from pipeline.fetch.http import USER_AGENT, HttpError, PoliteClient
from replay.catalogue import recorded_catalogue
from replay.faults import Faults
from replay.server import ReplayServer
from tests.support.paths import KST_PDF

PDF_PATH = "/frbr/officielepublicaties/kst/32545/kst-32545-143/1/pdf/kst-32545-143.pdf"


def settings(**kw: object) -> Settings:
    return Settings(**({"max_rps": 0, "retry_base_delay": 0.002, "retry_max_delay": 0.02, "timeout": 2.0,
                        "retries": 4} | kw))  # type: ignore[arg-type]


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def server(faults: Faults) -> Iterator[ReplayServer]:
    with ReplayServer(recorded_catalogue(), faults) as srv:
        yield srv


def test_transient_failures_are_retried_until_the_file_arrives(server: ReplayServer, faults: Faults) -> None:
    faults.rate, faults.kinds = 0.5, ("503", "429", "reset", "truncate")
    with PoliteClient(settings(retries=12)) as client:
        bodies = [client.get(server.url + PDF_PATH, check_pdf) for _ in range(10)]
    assert all(body == KST_PDF.read_bytes() for body in bodies)
    assert client.requests == server.requests.count() > 10
    assert server.requests.count(status=200) == 10
    assert server.requests.user_agents == {USER_AGENT: client.requests}


def test_a_404_is_not_retried(server: ReplayServer) -> None:
    with PoliteClient(settings()) as client, pytest.raises(HttpError) as caught:
        client.get(server.url + "/frbr/officielepublicaties/kst/1/none.pdf", check_pdf)
    assert caught.value.kind == "http_404" and caught.value.attempts == 1 and client.requests == 1
    assert "none.pdf" in str(caught.value) and "HTTP 404" in str(caught.value)


def test_slow_answers_time_out_and_count_as_failures(server: ReplayServer, faults: Faults) -> None:
    faults.rate, faults.kinds, faults.slow_seconds = 1.0, ("slow",), 0.4
    with PoliteClient(settings(timeout=0.1, retries=2)) as client, pytest.raises(HttpError) as caught:
        client.get(server.url + PDF_PATH, check_pdf)
    assert caught.value.kind == "timeout" and caught.value.attempts == 3


def test_a_body_the_check_rejects_is_retried_then_reported(server: ReplayServer, faults: Faults) -> None:
    faults.break_file("kst-32545-143", "pdf", "html")
    with PoliteClient(settings(retries=2)) as client, pytest.raises(HttpError) as caught:
        client.get(server.url + PDF_PATH, check_pdf)
    assert caught.value.kind == "malformed" and client.requests == 3
    assert "HTML page was served where a PDF was promised" in str(caught.value)


def test_rate_limit_spaces_requests(server: ReplayServer) -> None:
    with PoliteClient(settings(max_rps=20)) as client:
        start = time.monotonic()
        for _ in range(11):
            client.get(server.url + PDF_PATH, check_pdf)
        assert time.monotonic() - start >= 0.49  # 10 intervals of 50 ms


def test_unreachable_host_is_source_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with PoliteClient(settings()) as client, pytest.raises(SourceUnavailable) as caught:
        client.get(f"http://127.0.0.1:{port}/sru", lambda body: body)
    assert str(caught.value).startswith(f"cannot reach 127.0.0.1:{port}")
    assert "\n" not in str(caught.value)


def test_pdf_check() -> None:
    assert check_pdf(KST_PDF.read_bytes())
    with pytest.raises(MalformedResponse, match="truncated"):
        check_pdf(KST_PDF.read_bytes()[:20000])
    with pytest.raises(MalformedResponse, match="not a PDF"):
        check_pdf(b"\x00\x01garbage" * 100)
