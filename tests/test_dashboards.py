"""What dashboards get out of the box: completeness per kind and day, and a read-only PostgreSQL role.

A run against the replay server with one paper's only file broken (HTTP 404): the paper is listed
by the source but never archived, so its kind and day must read as incomplete.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pipeline.config import Settings
from pipeline.flow.params import settings_to_json
from pipeline.flow.run import run
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.catalog import open_catalog
from pipeline.publish.postgres import publish_postgres
from pipeline.publish.stage import current_release
from replay.catalogue import TYPESET_EK_PAPERS, recorded_catalogue
from replay.faults import Faults
from replay.server import ReplayServer
from tests.conftest import fresh_database

#: A typeset paper served with its PDF only, alone on its day; and one of another day.
BROKEN, WHOLE = TYPESET_EK_PAPERS[1], TYPESET_EK_PAPERS[0]
COMPLETENESS = ("SELECT publicatienaam, modified, listed, archived, parsed, published, open_errors, is_complete "
                "FROM {} ORDER BY publicatienaam, modified")


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One run with BROKEN's PDF answering 404, published to a fresh database with a dashboard role."""
    reader = f"ek_reader_{uuid.uuid4().hex[:8]}"
    with fresh_database("ek_dash") as dsn, ReplayServer(recorded_catalogue(), Faults()) as server:
        server.faults.break_file(BROKEN["identifier"], "pdf", "404")
        settings = Settings(data_dir=tmp_path_factory.mktemp("dash"), sru_url=server.sru_url, max_rps=0,
                            since=date(2000, 1, 1), retries=1, retry_base_delay=0.002, retry_max_delay=0.02,
                            timeout=5.0, postgres_dsn=dsn, dashboard_role=reader,
                            dashboard_password="dashboard-secret")
        run(settings)
        try:
            yield {"settings": settings, "dsn": dsn, "reader": reader}
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                for role in (reader, f"{reader}_nologin"):
                    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _catalog(settings: Settings, query: str) -> list[tuple]:
    with open_catalog(settings) as con:
        return con.execute(query).fetchall()


def _as_reader(dsn: str, role: str) -> psycopg.Connection:
    return psycopg.connect(dsn, user=role, password="dashboard-secret", autocommit=True)


def test_the_failed_paper_is_listed_but_not_archived_nor_published(broken_run: dict) -> None:
    [row] = _catalog(broken_run["settings"],
                     "SELECT listed, files_archived, archived, parsed, published, open_errors FROM source_status "
                     f"WHERE identifier = '{BROKEN['identifier']}'")
    assert row == (True, 0, False, False, False, 1)
    [(errors,)] = _catalog(broken_run["settings"], "SELECT count(*) FROM fetch_errors WHERE NOT resolved "
                                                   "AND manifestation <> 'paper'")  # not a held-back paper
    assert errors == 1


def test_completeness_says_incomplete_for_the_failed_papers_kind_and_day_only(broken_run: dict) -> None:
    rows = _catalog(broken_run["settings"], COMPLETENESS.format("data_completeness"))
    by_day = {(kind, day.isoformat()): rest for kind, day, *rest in rows}
    assert by_day[("Kamerstuk", BROKEN["modified"])] == [1, 0, 0, 0, 1, False]
    assert by_day[("Kamerstuk", WHOLE["modified"])] == [1, 1, 1, 1, 0, True]
    incomplete = {key for key, rest in by_day.items() if not rest[-1]}
    held = _catalog(broken_run["settings"], "SELECT publicatienaam, modified FROM held_back_papers")
    assert len(held) == len(recorded_catalogue().stand_ins)  # the records served another paper's files
    assert incomplete == {("Kamerstuk", BROKEN["modified"])} | {(kind, day.isoformat()) for kind, day in held}
    [(documents,)] = _catalog(broken_run["settings"], "SELECT count(*) FROM documents WHERE is_current")
    assert sum(rest[0] for rest in by_day.values()) == documents + 1 + len(held)


def test_postgres_serves_the_same_completeness(broken_run: dict) -> None:
    with psycopg.connect(broken_run["dsn"]) as conn:
        served = conn.execute(COMPLETENESS.format("eerstekamer.data_completeness")).fetchall()
    assert served == _catalog(broken_run["settings"], COMPLETENESS.format("data_completeness"))


def test_the_dashboard_role_reads_every_table_and_view_and_writes_nothing(broken_run: dict) -> None:
    with _as_reader(broken_run["dsn"], broken_run["reader"]) as conn:
        relations = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                 "'eerstekamer'").fetchall()
        assert {"documents", "source_status", "data_completeness", "release_info"} <= {r[0] for r in relations}
        for (name,) in relations:
            conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("eerstekamer", name)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO eerstekamer.links VALUES ('a|b|c', 'a', 'c', 'b')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE eerstekamer.mine (x int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM eerstekamer.documents")


def test_the_role_keeps_reading_after_a_schema_rebuild(broken_run: dict) -> None:
    settings, dsn, reader = broken_run["settings"], broken_run["dsn"], broken_run["reader"]
    release = current_release(settings)
    publish_postgres(dsn, release, [*known_party_codes(), "NIEUW"], reader=reader,  # new structure: rebuild
                     reader_password=settings.dashboard_password)
    with _as_reader(dsn, reader) as conn:
        assert conn.execute("SELECT release_id FROM eerstekamer.release_info").fetchone() == (release.release_id,)
        assert conn.execute("SELECT count(*) FROM eerstekamer.data_completeness").fetchone()[0] > 0


def test_without_a_password_the_role_cannot_log_in(broken_run: dict) -> None:
    dsn, role = broken_run["dsn"], f"{broken_run['reader']}_nologin"
    publish_postgres(dsn, current_release(broken_run["settings"]), known_party_codes(), reader=role)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(dsn, user=role, connect_timeout=5)


def test_the_role_comes_from_the_environment_and_its_password_stays_in_the_process() -> None:
    settings = Settings.load(environ={"EK_DASHBOARD_ROLE": "bi", "EK_DASHBOARD_PASSWORD": "pw"})
    assert (settings.dashboard_role, settings.dashboard_password) == ("bi", "pw")
    assert "pw" not in json.dumps(settings_to_json(settings))
    assert Settings().dashboard_role == "eerstekamer_reader" and Settings().dashboard_password is None
