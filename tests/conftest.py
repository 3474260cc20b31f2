"""Shared fixtures: a PostgreSQL database per test run. Fixture files: tests/support/paths.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

PG_ADMIN_DSN = os.environ.get("EK_TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Create a uniquely named PostgreSQL database, yield its DSN, drop it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    with fresh_database("ek_test") as dsn:
        yield dsn


@pytest.fixture(params=["sqlite", "postgres"])
def state_dsn(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """Where the run state is kept: SQLite in the data directory (None), or a fresh PostgreSQL
    database (`EK_STATE_DSN`); a test that takes this fixture runs on both."""
    if request.param == "sqlite":
        yield None
    else:
        with fresh_database("ek_state") as dsn:
            yield dsn
