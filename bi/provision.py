"""Provision Superset from bi/dashboard.yaml through its REST API: the warehouse connection (read-only
role), a dataset per view and the "Eerste Kamer" dashboard with its charts.

Idempotent: every object is found by its name (database, schema + view, chart, dashboard slug) and
updated in place, created only when missing, so ids stay and nothing is duplicated.
Run with the Superset venv's python (it has `requests` and `yaml`):

    .venv-superset/bin/python bi/provision.py --superset http://127.0.0.1:8088 \
        --warehouse postgresql://eerstekamer_reader@127.0.0.1:5432/eerstekamer

Environment: SUPERSET_ADMIN_USER (default admin), SUPERSET_ADMIN_PASSWORD, EK_DASHBOARD_PASSWORD
(the read-only role's password, put into the warehouse URL). Prints the dashboard URL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests
import yaml

SPEC = Path(__file__).with_name("dashboard.yaml")
#: Dashboard grid units: a row is 12 columns; a chart's default height in grid rows (8 px each).
CHART_HEIGHT = 50


class ProvisionError(Exception):
    """Superset refused a request or the spec is wrong; the message says which."""


class Superset:
    """A logged-in REST session (JWT bearer plus the CSRF token and its session cookie)."""

    def __init__(self, base: str, user: str, password: str) -> None:
        self.base = base.rstrip("/")
        self.http = requests.Session()
        token = self._call("POST", "/api/v1/security/login",
                           json={"username": user, "password": password, "provider": "db", "refresh": False})
        self.http.headers["Authorization"] = f"Bearer {token['access_token']}"
        csrf = self._call("GET", "/api/v1/security/csrf_token/")["result"]
        self.http.headers.update({"X-CSRFToken": csrf, "Referer": self.base})

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.http.request(method, self.base + path, timeout=120, **kwargs)
        if response.status_code >= 400:
            raise ProvisionError(f"Superset {method} {path}: HTTP {response.status_code}: {response.text[:500]}")
        return response.json()

    def get(self, path: str, **params: str) -> dict[str, Any]:
        return self._call("GET", path, params=params)

    def listing(self, resource: str) -> list[dict[str, Any]]:
        """Every object of `resource` (chart, dataset, ...), page by page."""
        found: list[dict[str, Any]] = []
        page = 0
        while True:
            result = self.get(f"/api/v1/{resource}/", q=f"(page:{page},page_size:100)")["result"]
            found += result
            if len(result) < 100:
                return found
            page += 1

    def put(self, path: str, body: dict[str, Any] | None = None) -> None:
        """PUT to `/api/v1/<path>` (an update, or an action such as `dataset/<id>/refresh`)."""
        self._call("PUT", f"/api/v1/{path}", json=body)

    def upsert(self, resource: str, existing: dict[str, Any] | None, body: dict[str, Any]) -> int:
        """Update `existing` with `body` (less its `uuid`, fixed at creation), or create it; its id."""
        if existing is not None:
            self.put(f"{resource}/{existing['id']}", {k: v for k, v in body.items() if k != "uuid"})
            return int(existing["id"])
        return int(self._call("POST", f"/api/v1/{resource}/", json=body)["id"])


def with_password(url: str, password: str | None) -> str:
    """`url` (postgresql://role@host:port/db) with `password` put in, for SQLAlchemy."""
    if not password:
        return url
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    if not user:
        raise ProvisionError(f"warehouse URL {url!r} names no user (postgresql://role@host:port/db)")
    return urlunsplit(parts._replace(netloc=f"{user.split(':')[0]}:{quote(password, safe='')}@{host}"))


def _metrics(chart: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"expressionType": "SQL", "sqlExpression": sql, "label": label}
            for label, sql in chart.get("metrics", {}).items()]


def _order_by(chart: dict[str, Any]) -> list[tuple[str, bool]]:
    """`order_by` entries (`-column` for descending) as (column, ascending)."""
    return [(name.lstrip("-"), not name.startswith("-")) for name in chart.get("order_by", [])]


def form_data(chart: dict[str, Any], dataset_id: int) -> dict[str, Any]:
    """What the chart's explore view (and the dashboard) renders from."""
    common = {"viz_type": "echarts_timeseries_bar" if chart["kind"] == "bar" else "table",
              "datasource": f"{dataset_id}__table", "adhoc_filters": [], "row_limit": 10000}
    if chart["kind"] == "table":
        return {**common, "query_mode": "raw", "all_columns": chart["columns"],
                "order_by_cols": [json.dumps([c, asc]) for c, asc in _order_by(chart)],
                "server_pagination": False, "include_search": False, "show_cell_bars": False,
                "table_timestamp_format": "%Y-%m-%d %H:%M"}
    if chart["kind"] != "bar":
        raise ProvisionError(f"chart {chart['name']!r}: unknown kind {chart['kind']!r} (bar or table)")
    return {**common, "x_axis": chart["x"], "time_grain_sqla": chart.get("time_grain"), "metrics": _metrics(chart),
            "groupby": chart.get("groupby", []), "stack": "Stack" if chart.get("stack") else None,
            "orientation": "horizontal" if chart.get("horizontal") else "vertical",
            "show_legend": True, "legendType": "scroll", "legendOrientation": "top", "rich_tooltip": True,
            "x_axis_sort_asc": True, "truncateYAxis": False, "y_axis_format": "SMART_NUMBER",
            "color_scheme": "supersetColors", "zoomable": False, "show_value": False}


def query_context(chart: dict[str, Any], dataset_id: int, form: dict[str, Any]) -> dict[str, Any]:
    """The saved query behind `GET /api/v1/chart/<id>/data` (reports, cache warm-up, the tests)."""
    if chart["kind"] == "table":
        query = {"columns": chart["columns"], "metrics": [], "orderby": [list(o) for o in _order_by(chart)]}
    else:
        axis: str | dict[str, Any] = chart["x"]
        if chart.get("time_grain"):
            axis = {"columnType": "BASE_AXIS", "expressionType": "SQL", "sqlExpression": chart["x"],
                    "label": chart["x"], "timeGrain": chart["time_grain"]}
        metrics = _metrics(chart)
        query = {"columns": [axis, *chart.get("groupby", [])], "metrics": metrics,
                 "orderby": [[metrics[0], False]], "series_columns": chart.get("groupby", [])}
    query |= {"filters": [], "extras": {"having": "", "where": ""}, "row_limit": 10000}
    return {"datasource": {"id": dataset_id, "type": "table"}, "force": False, "queries": [query],
            "form_data": form, "result_format": "json", "result_type": "full"}


def layout(spec: dict[str, Any], chart_ids: dict[str, int]) -> dict[str, Any]:
    """The dashboard's position_json: per section a header, then rows of charts filled to 12 columns."""
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": spec["dashboard"]["title"]}},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
    }
    grid = position["GRID_ID"]["children"]

    def new_row() -> dict[str, Any]:
        row = {"type": "ROW", "id": f"ROW-{len(grid)}", "children": [], "parents": ["ROOT_ID", "GRID_ID"],
               "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        position[row["id"]] = row
        grid.append(row["id"])
        return row

    for number, section in enumerate(spec["sections"]):
        header = {"type": "HEADER", "id": f"HEADER-{number}", "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                  "meta": {"text": section["title"], "headerSize": "MEDIUM_HEADER",
                           "background": "BACKGROUND_TRANSPARENT"}}
        position[header["id"]] = header
        grid.append(header["id"])
        row, used = new_row(), 0
        for chart in section["charts"]:
            if used + chart["width"] > 12:
                row, used = new_row(), 0
            node_id = f"CHART-{chart_ids[chart['name']]}"
            position[node_id] = {"type": "CHART", "id": node_id, "children": [],
                                 "parents": ["ROOT_ID", "GRID_ID", row["id"]],
                                 "meta": {"chartId": chart_ids[chart["name"]], "width": chart["width"],
                                          "height": chart.get("height", CHART_HEIGHT), "sliceName": chart["name"], "uuid": chart["uuid"]}}
            row["children"].append(node_id)
            used += chart["width"]
    return position


def _by(items: list[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    hits = [item for item in items if all(item.get(k) == v for k, v in match.items())]
    return hits[0] if hits else None


def provision(superset: Superset, spec: dict[str, Any], warehouse: str) -> str:
    """Create or update everything in `spec`; the dashboard's path."""
    db = spec["database"]
    database_id = superset.upsert("database", _by(superset.listing("database"), database_name=db["name"]),
                                  {"database_name": db["name"], "sqlalchemy_uri": warehouse, "uuid": db["uuid"],
                                   "expose_in_sqllab": True, "allow_dml": False, "allow_run_async": False})
    datasets = superset.listing("dataset")
    dataset_ids: dict[str, int] = {}
    for view in sorted({chart["view"] for section in spec["sections"] for chart in section["charts"]}):
        found = _by(datasets, table_name=view, schema=spec["schema"])
        if found is None:
            dataset_ids[view] = superset.upsert("dataset", None, {"database": database_id, "schema": spec["schema"],
                                                                  "table_name": view})
        else:  # the view's columns may have changed with a new release structure
            dataset_ids[view] = int(found["id"])
            superset.put(f"dataset/{found['id']}/refresh")
    board = spec["dashboard"]
    dashboard_id = superset.upsert("dashboard", _by(superset.listing("dashboard"), slug=board["slug"]),
                                   {"dashboard_title": board["title"], "slug": board["slug"], "uuid": board["uuid"],
                                    "published": True})
    charts = superset.listing("chart")
    chart_ids: dict[str, int] = {}
    for section in spec["sections"]:
        for chart in section["charts"]:
            dataset_id = dataset_ids[chart["view"]]
            form = form_data(chart, dataset_id)
            body = {"slice_name": chart["name"], "viz_type": form["viz_type"], "datasource_id": dataset_id,
                    "datasource_type": "table", "params": json.dumps(form), "uuid": chart["uuid"],
                    "query_context": json.dumps(query_context(chart, dataset_id, form)),
                    "dashboards": [dashboard_id]}
            chart_ids[chart["name"]] = superset.upsert("chart", _by(charts, slice_name=chart["name"]), body)
    positions = layout(spec, chart_ids)
    superset.put(f"dashboard/{dashboard_id}", {
        "position_json": json.dumps(positions),
        "json_metadata": json.dumps({"positions": positions, "native_filter_configuration": [],
                                     "color_scheme": "supersetColors", "refresh_frequency": 0,
                                     "timed_refresh_immune_slices": [], "expanded_slices": {},
                                     "label_colors": {}, "shared_label_colors": [], "cross_filters_enabled": False})})
    return f"/superset/dashboard/{board['slug']}/"


def wait_until_up(base: str, timeout: float) -> None:
    """Wait for Superset's /health to answer OK."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(base.rstrip("/") + "/health", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise ProvisionError(f"Superset at {base} did not answer /health within {timeout:.0f} s")
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--superset", default="http://127.0.0.1:8088", help="Superset's base URL")
    parser.add_argument("--warehouse", required=True,
                        help="SQLAlchemy URL of the warehouse as the read-only role, without its password")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the dashboard spec (default bi/dashboard.yaml)")
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for Superset to come up")
    args = parser.parse_args(argv)
    try:
        password = os.environ.get("SUPERSET_ADMIN_PASSWORD")
        if not password:
            raise ProvisionError("set SUPERSET_ADMIN_PASSWORD (Superset's admin login)")
        wait_until_up(args.superset, args.wait)
        superset = Superset(args.superset, os.environ.get("SUPERSET_ADMIN_USER", "admin"), password)
        spec = yaml.safe_load(args.spec.read_text(encoding="utf-8"))
        path = provision(superset, spec, with_password(args.warehouse, os.environ.get("EK_DASHBOARD_PASSWORD")))
    except (ProvisionError, OSError, requests.RequestException) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(args.superset.rstrip("/") + path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
