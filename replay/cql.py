"""The CQL subset repository.overheid.nl answers, for the replay server.

Supported: `index rel term` clauses with ==, =, <>, >, >=, <, <=; AND, OR, NOT (left to right,
parentheses to group); a trailing `sortBy index/sort.ascending|sort.descending`. Like the real
service, an unknown index prefix is a diagnostic, and a date clause the service cannot use
(an invalid date) is ignored while the rest of the query still runs (reported as ignored text).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

Index = Mapping[str, Sequence[str]]
Predicate = Callable[[Index], bool]

PREFIXES = ("dt", "w", "c", "cd", "cql")
DATE_INDEXES = frozenset({"dt.modified", "dt.available", "dt.date", "dt.issued", "w.datumVergadering"})
_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<rel>==|<>|>=|<=|=|>|<)|(?P<q>"(?:[^"\\]|\\.)*")'
                    r'|(?P<word>[^\s()=<>"]+))')


class CqlError(ValueError):
    """A query the service refuses: `uri` and `message` become the SRU diagnostic."""

    def __init__(self, uri: str, message: str) -> None:
        super().__init__(message)
        self.uri = uri
        self.message = message


@dataclass
class Compiled:
    predicate: Predicate
    sort_index: str | None = None
    descending: bool = False
    ignored: list[str] = field(default_factory=list)  # clauses silently dropped (invalid dates)
    lower_bound: tuple[str, str] | None = None  # ("dt.identifier", value) when a top-level AND has `>`


def fold(text: str) -> list[str]:
    """Case- and accent-insensitive word tokens."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return re.findall(r"\w+", plain)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _tokens(query: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    query = query.rstrip()
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            raise CqlError("info:srw/diagnostic/1/10", f"Query syntax error at position {pos}")
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "q":
            kind, value = "term", re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, query: str, unusable: frozenset[str]) -> None:
        self.tokens = _tokens(query)
        self.unusable = unusable
        self.pos = 0
        self.ignored: list[str] = []
        self.bounds: list[tuple[str, str]] = []  # `dt.identifier>x` clauses outside any group
        self.top_level_or = False

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise CqlError("info:srw/diagnostic/1/10", "Query syntax error: unexpected end of query")
        self.pos += 1
        return token

    def keyword(self) -> str:
        token = self.peek()
        return token[1].lower() if token and token[0] == "word" else ""

    def boolean(self, top: bool) -> Predicate:
        left = self.primary(top)
        while self.keyword() in ("and", "or", "not"):
            op = self.take()[1].lower()
            self.top_level_or |= top and op == "or"
            right = self.primary(top and op == "and")
            left = _combine(op, left, right)
            top = top and op == "and"
        return left

    def primary(self, top: bool) -> Predicate:
        kind, value = self.take()
        if kind == "lp":
            inner = self.boolean(False)
            if self.take()[0] != "rp":
                raise CqlError("info:srw/diagnostic/1/10", "Query syntax error: missing )")
            return inner
        if kind != "word":
            raise CqlError("info:srw/diagnostic/1/10", f"Query syntax error near {value!r}")
        rel_kind, rel = self.take()
        if rel_kind != "rel":
            raise CqlError("info:srw/diagnostic/1/10", f"Query syntax error: no relation after {value}")
        term_kind, term = self.take()
        if term_kind not in ("word", "term"):
            raise CqlError("info:srw/diagnostic/1/10", f"Query syntax error: no term after {value}{rel}")
        if top and value == "dt.identifier" and rel == ">":
            self.bounds.append((value, term))
        return self.clause(value, rel, term)

    def clause(self, index: str, rel: str, term: str) -> Predicate:
        prefix = index.split(".", 1)[0] if "." in index else ""
        if prefix not in PREFIXES:
            raise CqlError("info:srw/diagnostic/1/10", f"unknown prefix {prefix or index}")
        if index in self.unusable or (index in DATE_INDEXES and not _is_date(term)):
            self.ignored.append(f"{index}{rel}{term}")
            return lambda idx: True
        if rel == "=":
            needle = fold(term)
            return lambda idx: any(_contains(fold(v), needle) for v in idx.get(index, ()))
        if rel == "==":
            return lambda idx: term in idx.get(index, ())
        compare = _COMPARE[rel]

        def test(idx: Index) -> bool:
            values = idx.get(index, ())
            return compare(values[0], term) if len(values) == 1 else any(compare(v, term) for v in values)
        return test

    def sort(self) -> tuple[str | None, bool]:
        if self.keyword() != "sortby":
            if self.peek() is not None:
                raise CqlError("info:srw/diagnostic/1/10", f"Query syntax error near {self.peek()[1]!r}")
            return None, False
        self.take()
        kind, spec = self.take()
        index, _, modifier = spec.partition("/")
        if modifier not in ("", "sort.ascending", "sort.descending") or self.peek() is not None:
            raise CqlError("info:srw/diagnostic/1/80", f"Sort not supported: {spec}")
        return index, modifier == "sort.descending"


def _is_date(term: str) -> bool:
    try:
        date.fromisoformat(term)
    except ValueError:
        return False
    return True


_COMPARE: dict[str, Callable[[str, str], bool]] = {
    "<>": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}


def _combine(op: str, left: Predicate, right: Predicate) -> Predicate:
    if op == "and":
        return lambda idx: left(idx) and right(idx)
    if op == "or":
        return lambda idx: left(idx) or right(idx)
    return lambda idx: left(idx) and not right(idx)


def compile_query(query: str, unusable: frozenset[str] = frozenset()) -> Compiled:
    """Compile a CQL query; raises CqlError for what the real service answers with a diagnostic.

    Clauses on `unusable` indexes are dropped and reported, as the service does with clauses it
    cannot use."""
    if not query.strip():
        raise CqlError("info:srw/diagnostic/1/7", "Mandatory parameter not supplied: query")
    parser = _Parser(query, unusable)
    predicate = parser.boolean(True)
    sort_index, descending = parser.sort()
    usable = parser.bounds if not parser.top_level_or else []
    bound = max(usable, key=lambda b: b[1]) if usable else None
    return Compiled(predicate, sort_index, descending, parser.ignored, bound)
