"""Shared fixtures: the real data copied into tests/fixtures, and a PostgreSQL database per test run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
REALDATA = FIXTURES / "real"
FRBR = REALDATA / "woo-besluit-broncode-PLOOI" / "repository.overheid.nl" / "frbr" / "officielepublicaties"
KST_PDF = FRBR / "kst/32545/kst-32545-143/1/pdf/kst-32545-143.pdf"
KST_XML = FRBR / "kst/32545/kst-32545-143/1/xml/kst-32545-143.xml"
AH_PDF = FRBR / "ah-tk/20202021/ah-tk-20202021-3235/1/pdf/ah-tk-20202021-3235.pdf"
AH_XML = FRBR / "ah-tk/20202021/ah-tk-20202021-3235/1/xml/ah-tk-20202021-3235.xml"
SCAN_PDF = FRBR / "blg/onopgemaakt/blg-1007826/1/pdf/blg-1007826.pdf"
SEED_TEXT = FIXTURES / "seed" / "kst-27925-AA.txt"

PG_ADMIN_DSN = os.environ.get("EK_TEST_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Create a uniquely named PostgreSQL database, yield its DSN, drop it afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    with fresh_database("ek_test") as dsn:
        yield dsn
