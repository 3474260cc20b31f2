"""A local stand-in for repository.overheid.nl: SRU 2.0 searchRetrieve and the FRBR files.

Answers like the real service: gzd records in the real layout, `numberOfRecords` as an estimate
(a little off), `nextRecordPosition` while more remain, diagnostics inside HTTP 200, and an nginx
504 for any `startRecord` of 10,000 or more. `Faults` adds the real service's bad days.
"""

from __future__ import annotations

import logging
import re
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from replay.catalogue import BASE, ENVELOPE_NS, Catalogue, Entry, recorded_catalogue
from replay.cql import Compiled, CqlError, Index, compile_query
from replay.faults import Faults

log = logging.getLogger(__name__)

#: The real service answers 504 from this startRecord on (the deep-paging wall).
DEEP_PAGING_WALL = 10_000
MAX_RECORDS = 1000
#: Counting a large result samples every this many records.
SAMPLE_STEP = 10
NGINX_504 = (b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 "
             b"Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
NGINX_503 = (b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
             b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
             b"</body>\r\n</html>\r\n")
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>Pagina niet gevonden</title></head><body><h1>Er is iets "
              b"misgegaan</h1><p>Deze pagina bestaat niet (meer).</p></body></html>")
_POSITION = re.compile(r"<sru:recordPosition>\d+</sru:recordPosition>")
_TPMETA = re.compile(r"<overheidwetgeving:tpmeta>.*?</overheidwetgeving:tpmeta>", re.S)


class RequestLog:
    """Requests served, by kind ("sru", "file", "other") and status; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[tuple[str, str, int]] = []  # (kind, path or query, status)
        self.user_agents: Counter[str] = Counter()

    def add(self, kind: str, what: str, status: int, user_agent: str = "") -> int:
        """Log a request; returns its index (see `unanswered`)."""
        with self._lock:
            self.entries.append((kind, what, status))
            self.user_agents[user_agent] += 1
            return len(self.entries) - 1

    def unanswered(self, index: int) -> None:
        """Mark request `index` as not answered after all (status 0): the client had gone."""
        with self._lock:
            kind, what, _ = self.entries[index]
            self.entries[index] = (kind, what, 0)

    def count(self, kind: str | None = None, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for k, _, s in self.entries if kind in (None, k) and status in (None, s))

    def served(self, kind: str = "file") -> Counter[str]:
        """How often each path (or query) was answered with 200."""
        with self._lock:
            return Counter(w for k, w, s in self.entries if k == kind and s == 200)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
            self.user_agents.clear()


def _diagnostic_response(uri: str, message: str) -> bytes:
    """Exactly the shape of the real one (tests/fixtures/real/lawgraph/sru_unknown_index_diagnostic.xml)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><searchRetrieveResponse '
            'xmlns="http://docs.oasis-open.org/ns/search-ws/sruResponse" xmlns:ns2="http://docs.oasis-open.org/ns/'
            'search-ws/xcql" xmlns:ns3="http://docs.oasis-open.org/ns/search-ws/diagnostic" xmlns:ns4="http://'
            'docs.oasis-open.org/ns/search-ws/facetedResults" xmlns:ns5="http://docs.oasis-open.org/ns/search-ws/'
            'searchResultAnalysis" xmlns:ns6="http://docs.oasis-open.org/ns/search-ws/scan"><version>2.0</version>'
            f"<diagnostics><ns3:diagnostic><ns3:uri>{escape(uri)}</ns3:uri><ns3:message>{escape(message)}"
            "</ns3:message></ns3:diagnostic></diagnostics></searchRetrieveResponse>\n").encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that hangs up (timeouts, our own resets) is normal here, not a traceback."""
        log.debug("connection from %s ended early", client_address, exc_info=True)


class ReplayServer:
    """Context manager: a threaded HTTP server on 127.0.0.1 (a free port unless `port` is given)."""

    def __init__(self, catalogue: Catalogue, faults: Faults | None = None, port: int = 0) -> None:
        self.catalogue = catalogue
        self.faults = faults or Faults()
        self.requests = RequestLog()
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.replay = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.sru_url = self.url + "/sru"
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ReplayServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="replay-server", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- SRU ----------------------------------------------------------------------------------

    def search(self, params: dict[str, str]) -> tuple[int, bytes]:
        """(HTTP status, body) of a searchRetrieve request."""
        if params.get("operation", "searchRetrieve") != "searchRetrieve":
            return 200, _diagnostic_response("info:srw/diagnostic/1/4", "Unsupported operation")
        try:
            start = int(params.get("startRecord", "1"))
            maximum = min(int(params.get("maximumRecords", "10")), MAX_RECORDS)
        except ValueError:
            return 200, _diagnostic_response("info:srw/diagnostic/1/6", "Unsupported parameter value")
        if start >= DEEP_PAGING_WALL:
            return 504, NGINX_504
        query = params.get("query", "")
        try:
            compiled = compile_query(query, self.faults.unusable_indexes)
        except CqlError as err:
            return 200, _diagnostic_response(err.uri, err.message)
        skip = max(start, 1) - 1
        page, more, count = self._matches(compiled, skip, maximum)
        return 200, self._results(query, start, maximum, count, page, skip + len(page) + 1 if more else None,
                                  compiled.ignored)

    def _matches(self, compiled: Compiled, skip: int, maximum: int) -> tuple[list[Entry], bool, int]:
        """The page after `skip` matches, whether more follow, and the (estimated) match count.

        Like the real backend, the count is estimated: the scan stops after the page, and the rest
        of a large result is sampled (every `SAMPLE_STEP`-th record) rather than counted.
        """
        entries = self.catalogue.after(compiled.lower_bound[1]) if compiled.lower_bound else self.catalogue.sorted()
        test = compiled.predicate
        if compiled.descending or (compiled.sort_index or "dt.identifier") != "dt.identifier":
            found = [e for e in entries if test(e.index)]
            if compiled.sort_index != "dt.identifier":
                found.sort(key=lambda e: e.index.get(compiled.sort_index or "", ("",))[0])
            if compiled.descending:
                found.reverse()
            return found[skip : skip + maximum], len(found) > skip + maximum, len(found)
        page: list[Entry] = []
        seen = 0
        for position, entry in enumerate(entries):
            if not test(entry.index):
                continue
            seen += 1
            if seen > skip + maximum:  # one more than the page: count the rest, from this one on
                return page, True, seen - 1 + self._count(entries[position:], test)
            if seen > skip:
                page.append(entry)
        return page, False, seen

    @staticmethod
    def _count(entries: list[Entry], test: Callable[[Index], bool]) -> int:
        if len(entries) <= SAMPLE_STEP * 100:
            return sum(1 for e in entries if test(e.index))
        return SAMPLE_STEP * sum(1 for e in entries[::SAMPLE_STEP] if test(e.index))

    def _results(self, query: str, start: int, maximum: int, estimated: int, page: list[Entry],
                 next_position: int | None, ignored: list[str]) -> bytes:
        records = "".join(_POSITION.sub(f"<sru:recordPosition>{start + n}</sru:recordPosition>", self._record(e))
                          for n, e in enumerate(page))
        diagnostics = "".join(
            # The real service names this MarkLogic code; the diagnostic URI here is our choice.
            "<diag:diagnostic><diag:uri>info:srw/diagnostic/1/48</diag:uri><diag:message>SEARCH-IGNOREDQTEXT: "
            f"Search query contains ignored query text</diag:message><diag:details>{escape(clause)}</diag:details>"
            "</diag:diagnostic>" for clause in ignored)
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><sru:searchRetrieveResponse {ENVELOPE_NS}>'
            f"<sru:version>2.0</sru:version><sru:numberOfRecords>{estimated + estimated // 33}</sru:numberOfRecords>"
            + (f"<sru:records>{records}</sru:records>" if page else "")
            + (f"<sru:nextRecordPosition>{next_position}</sru:nextRecordPosition>" if next_position else "")
            + f"<sru:echoedSearchRetrieveRequest><sru:query>{escape(query)}</sru:query><sru:startRecord>{start}"
            f"</sru:startRecord><sru:maximumRecords>{maximum}</sru:maximumRecords><sru:recordXMLEscaping>xml"
            "</sru:recordXMLEscaping><sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>"
            "</sru:echoedSearchRetrieveRequest>"
            + (f"<sru:diagnostics>{diagnostics}</sru:diagnostics>" if diagnostics else "")
            + "<sru:resultCountPrecision>info:srw/vocabulary/resultCountPrecision/1/estimate"
            "</sru:resultCountPrecision></sru:searchRetrieveResponse>"
        ).encode()

    def _record(self, entry: Entry) -> str:
        xml = entry.xml.replace(BASE, self.url)
        return _TPMETA.sub("", xml) if entry.identifier in self.faults.bad_records else xml

    # --- files --------------------------------------------------------------------------------

    def file(self, path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) of a file below /frbr/, after any lasting fault."""
        found = self.catalogue.read(path)
        if found is None:
            return 404, ERROR_PAGE, "text/html; charset=utf-8"
        identifier, manifestation, content = found
        fault = self.faults.lasting(identifier, manifestation)
        if fault == "404":
            return 404, ERROR_PAGE, "text/html; charset=utf-8"
        if fault == "html":
            return 200, ERROR_PAGE, "text/html; charset=utf-8"
        if fault == "garbage":
            return 200, bytes(range(256)) * 8, _content_type(path)
        if fault == "cut":
            return 200, content[: len(content) // 2], _content_type(path)
        return 200, content, _content_type(path)


def _content_type(path: str) -> str:
    return "application/pdf" if path.endswith(".pdf") else "application/xml" if path.endswith(".xml") else (
        "text/html; charset=utf-8" if path.endswith(".html") else "application/octet-stream")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "nginx"
    sys_version = ""
    timeout = 30

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        replay: ReplayServer = self.server.replay  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        if url.path == "/sru":
            kind, what = "sru", url.query
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, body = replay.search(params)
            ctype = "text/xml;charset=UTF-8" if status == 200 else "text/html"
        elif url.path.startswith("/frbr/"):
            kind, what = "file", url.path
            status, body, ctype = replay.file(url.path)
        else:
            kind, what, status, body, ctype = "other", url.path, 404, ERROR_PAGE, "text/html; charset=utf-8"
        fault = replay.faults.transient(kind == "sru") if kind != "other" else None
        if fault == "slow":
            time.sleep(replay.faults.slow_seconds)
        elif fault:
            status = int(fault) if fault in ("503", "429") else 0  # 0: no answer given
        # Logged before the answer goes out: a client that has its answer finds its request counted.
        index = replay.requests.add(kind, what, status, self.headers.get("User-Agent", ""))
        try:
            if fault and fault != "slow":
                self._fault(fault, body, ctype)
            else:
                self._send(status, body, ctype)
        except OSError:  # the client gave up (a slow answer past its timeout)
            replay.requests.unanswered(index)
            self.close_connection = True

    def _fault(self, fault: str, body: bytes, ctype: str) -> None:
        """Act out a transient fault other than slowness."""
        if fault in ("503", "429"):
            self._send(int(fault), NGINX_503 if fault == "503" else b"Too Many Requests", "text/html",
                       {"Retry-After": "0"} if fault == "429" else None)
            return
        self.close_connection = True
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        self.send_response(200)  # truncate: promise everything, send half
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2])

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        log.debug("%s %s", self.address_string(), format % args)


def serve_forever(port: int = 0) -> None:
    """Serve `recorded_catalogue()` until interrupted; prints the SRU URL."""
    with ReplayServer(recorded_catalogue(), port=port) as server:
        print(f"replaying {len(server.catalogue)} recorded records; SRU at {server.sru_url}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
