"""The dashboard, end to end: a pipeline run publishes to a fresh PostgreSQL database, Superset (its own
venv, `make superset-setup`) runs on 127.0.0.1 against it as the read-only role, bi/provision.py builds
the "Eerste Kamer" dashboard, Superset's API answers every chart, and headless Chromium renders them.

The run has one paper's only file broken (HTTP 404): the health charts must show that gap. The tests
run in order on one Superset: the last one heals the file and publishes a new release, which the
charts must show with no change in Superset.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
import yaml
from PIL import Image
from psycopg import sql

from pipeline.config import Settings
from pipeline.flow.run import run
from replay.catalogue import TYPESET_EK_PAPERS, recorded_catalogue
from replay.faults import Faults
from replay.server import ReplayServer
from tests.conftest import fresh_database

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv-superset" / "bin" / "python"
SPEC_CHARTS = sum(len(section["charts"]) for section in
                  yaml.safe_load((ROOT / "bi" / "dashboard.yaml").read_text())["sections"])
BROKEN = TYPESET_EK_PAPERS[1]  # a typeset paper served with its PDF only, alone on its day


def _require_tools() -> None:
    """Fail (not skip) with what to run when the Superset venv or Chromium is missing."""
    if not VENV_PYTHON.exists():
        pytest.fail(f"no Superset venv at {VENV_PYTHON.parent.parent}: run `make superset-setup`")
    missing = [tool for tool in ("/usr/bin/chromium", "/usr/bin/chromedriver") if not Path(tool).exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make chromium` (Debian chromium, chromium-driver)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Board:
    """Superset on 127.0.0.1, logged in to its REST API as the admin."""

    def __init__(self, base: str, env: dict[str, str], warehouse: str) -> None:
        self.base, self.env, self.warehouse = base, env, warehouse
        self.http = requests.Session()

    def login(self) -> None:
        token = self.http.post(f"{self.base}/api/v1/security/login", timeout=60, json={
            "username": "admin", "password": self.env["SUPERSET_ADMIN_PASSWORD"], "provider": "db"}).json()
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"

    def provision(self) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_PYTHON), "bi/provision.py", "--superset", self.base, "--warehouse",
                               self.warehouse], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600)

    def ids(self, resource: str) -> dict[str, int]:
        """Name -> id of every chart, dataset, dashboard or database."""
        name = {"chart": "slice_name", "dataset": "table_name", "dashboard": "slug", "database": "database_name"}
        result = self.http.get(f"{self.base}/api/v1/{resource}/", params={"q": "(page_size:100)"}, timeout=60)
        rows = result.json()["result"]
        assert len({row[name[resource]] for row in rows}) == len(rows), f"duplicate {resource}s: {rows}"
        return {row[name[resource]]: row["id"] for row in rows}

    def chart_rows(self, chart: str) -> list[dict[str, Any]]:
        """The rows Superset's chart data endpoint answers for `chart` (its saved query)."""
        response = self.http.get(f"{self.base}/api/v1/chart/{self.ids('chart')[chart]}/data/", timeout=120)
        assert response.status_code == 200, (chart, response.text[:1000])
        return response.json()["result"][0]["data"]


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A published run with BROKEN's PDF failing, and a provisioned Superset reading it."""
    _require_tools()
    reader, password = f"ek_bi_{uuid.uuid4().hex[:8]}", secrets.token_hex(12)
    home = tmp_path_factory.mktemp("superset")
    with fresh_database("ek_bi") as dsn, ReplayServer(recorded_catalogue(), Faults()) as server:
        server.faults.break_file(BROKEN["identifier"], "pdf", "404")
        settings = Settings(data_dir=tmp_path_factory.mktemp("bi"), sru_url=server.sru_url, max_rps=0,
                            since=date(2000, 1, 1), retries=1, retry_base_delay=0.002, retry_max_delay=0.02,
                            timeout=5.0, postgres_dsn=dsn, dashboard_role=reader, dashboard_password=password)
        try:
            run(settings)
            yield from _served(settings, home, reader, password, server)
        finally:
            with psycopg.connect(dsn, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (reader,)).fetchone():
                    conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(reader)))
                    conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(reader)))


def _served(settings: Settings, home: Path, reader: str, password: str,
            server: ReplayServer) -> Iterator[dict[str, Any]]:
    """Superset initialised in `home`, serving on a free port and provisioned; stopped afterwards."""
    env = {**os.environ, "SUPERSET_HOME": str(home), "SUPERSET_SECRET_KEY": secrets.token_hex(32),
           "SUPERSET_ADMIN_PASSWORD": secrets.token_hex(8), "EK_DASHBOARD_PASSWORD": password}
    init = subprocess.run(["bi/superset.sh", "init"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert init.returncode == 0, init.stderr[-3000:]
    port = _free_port()
    database = psycopg.conninfo.conninfo_to_dict(settings.postgres_dsn)
    superset = Board(f"http://127.0.0.1:{port}", env,
                     f"postgresql://{reader}@127.0.0.1:{database.get('port', 5432)}/{database['dbname']}")
    with (home / "superset.log").open("w") as log:
        served = subprocess.Popen(["bi/superset.sh", "serve", str(port)], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            provisioned = superset.provision()
            assert provisioned.returncode == 0, provisioned.stderr[-3000:] + (home / "superset.log").read_text()[-3000:]
            superset.login()
            yield {"superset": superset, "settings": settings, "server": server, "home": home,
                   "url": provisioned.stdout.strip()}
        finally:
            served.terminate()
            served.wait(timeout=60)


def test_provisioning_prints_the_dashboard_and_uses_the_read_only_role(board: dict) -> None:
    superset = board["superset"]
    assert board["url"] == f"{superset.base}/superset/dashboard/eerste-kamer/"
    [database_id] = superset.ids("database").values()
    database = superset.http.get(f"{superset.base}/api/v1/database/{database_id}/connection", timeout=60)
    database = database.json()["result"]
    reader = board["settings"].dashboard_role
    assert database["sqlalchemy_uri"].startswith(f"postgresql://{reader}:"), database["sqlalchemy_uri"]
    assert not database["allow_dml"]
    assert len(superset.ids("chart")) == SPEC_CHARTS


def test_every_chart_query_returns_rows_through_supersets_api(board: dict) -> None:
    superset = board["superset"]
    counts = {chart: len(superset.chart_rows(chart)) for chart in superset.ids("chart")}
    assert all(counts.values()), counts
    [release] = superset.chart_rows("Release being served")
    assert release["release_id"] == _release_id(board["settings"])


def test_the_health_charts_show_the_paper_that_could_not_be_fetched(board: dict) -> None:
    superset = board["superset"]
    day = _epoch_ms(BROKEN["modified"])
    incomplete = [row for row in superset.chart_rows("Completeness per source and day") if not row["is_complete"]]
    assert [(r["modified"], r["listed"], r["archived"], r["published"], r["open_errors"])
            for r in incomplete if not r["held_back"]] == [(day, 1, 0, 0, 1)]
    [that_day] = [row for row in superset.chart_rows("Documents per day, listed to published") if row["modified"] == day]
    assert (that_day["listed"], that_day["published"]) == (1, 0)


def test_the_health_charts_show_every_held_back_paper_with_its_reason(board: dict) -> None:
    superset = board["superset"]
    held = {row["identifier"]: row for row in superset.chart_rows("Papers held back, and why")}
    assert set(held) == recorded_catalogue().stand_ins  # served another publication's files
    assert all(row["why"] == "contradicts_record" and f"not {name} (Eerste Kamer)" in row["reason"]
               for name, row in held.items())
    held_days = [row for row in superset.chart_rows("Completeness per source and day") if row["held_back"]]
    assert sum(row["held_back"] for row in held_days) == len(held) and not any(r["is_complete"] for r in held_days)


def test_the_dashboard_renders_every_chart_in_headless_chromium(board: dict) -> None:
    report = _screenshot(board, "dashboard.png")
    assert report["errors"] == []
    drawn = {name: state for name, state in report["charts"].items() if "canvas" in state or state.get("table")}
    assert set(drawn) == set(board["superset"].ids("chart")), report["charts"]
    with Image.open(report["screenshot"]) as image:
        assert image.height > 1500  # the whole dashboard, not a login or error page
        colours = image.convert("RGB").resize((400, image.height * 400 // image.width)).getcolors(1_000_000)
        assert len(colours) > 500, "the screenshot is nearly blank"


def test_provisioning_again_keeps_every_id_and_adds_nothing(board: dict) -> None:
    superset = board["superset"]
    before = {resource: superset.ids(resource) for resource in ("database", "dataset", "chart", "dashboard")}
    again = superset.provision()
    assert again.returncode == 0, again.stderr[-3000:]
    assert {resource: superset.ids(resource) for resource in before} == before


def test_a_new_release_shows_in_the_charts_without_touching_superset(board: dict) -> None:
    superset, settings = board["superset"], board["settings"]
    papers = _papers(superset)
    board["server"].faults.heal()
    run(replace(settings, since=None))  # fetches the healed file: one more paper, a new release
    assert _papers(superset) == papers + 1
    [release] = superset.chart_rows("Release being served")
    assert release["release_id"] == _release_id(settings)
    assert all(row["is_complete"] for row in superset.chart_rows("Completeness per source and day")
               if not row["held_back"])


def _papers(superset: Board) -> int:
    return sum(row["papers"] for row in superset.chart_rows("Papers per month and type"))


def _release_id(settings: Settings) -> str:
    with psycopg.connect(settings.postgres_dsn) as conn:
        return conn.execute("SELECT release_id FROM eerstekamer.release_info").fetchone()[0]


def _epoch_ms(day: str) -> float:
    """A date as Superset's JSON gives it: milliseconds since the epoch (UTC midnight)."""
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000


def _screenshot(board: dict, name: str) -> dict[str, Any]:
    out = board["home"] / name
    shot = subprocess.run([str(VENV_PYTHON), "bi/screenshot.py", "--superset", board["superset"].base,
                           "--out", str(out), "--charts", str(SPEC_CHARTS)], cwd=ROOT, env=board["superset"].env,
                          capture_output=True, text=True, timeout=300)
    assert shot.stdout, shot.stderr[-3000:]
    return json.loads(shot.stdout)
