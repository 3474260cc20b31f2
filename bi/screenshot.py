"""Render a Superset dashboard in headless Chromium (Debian `chromium` + `chromium-driver`), wait until
every chart has drawn, save a PNG and print what rendered as JSON.

    .venv-superset/bin/python bi/screenshot.py --superset http://127.0.0.1:8088 \
        --dashboard eerste-kamer --out docs/dashboard.png

Logs in with SUPERSET_ADMIN_USER (default admin) / SUPERSET_ADMIN_PASSWORD through the login form.
The JSON: `charts` (name -> `canvas`, `table` with its row count, or `error` with its text) and
`errors` (error texts anywhere on the page). Exit status 1 when a chart did not render.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import requests
import yaml
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH = 1600
SPEC = Path(__file__).with_name("dashboard.yaml")

#: Per chart on the dashboard: its name and what it drew; plus any error shown on the page.
_STATE = """
const charts = {};
for (const holder of document.querySelectorAll('[data-test="dashboard-component-chart-holder"]')) {
  const name = (holder.querySelector('[data-test="editable-title"], .header-title') || {}).textContent || '?';
  const error = holder.querySelector('[role="alert"], .alert-danger, [data-test="error-alert"]');
  const loading = holder.querySelector('[data-test="loading-indicator"], .loading');
  let state;
  if (error) state = {error: error.textContent.trim().slice(0, 300)};
  else if (loading) state = {loading: true};
  else if (holder.querySelector('table tbody tr')) state = {table: holder.querySelectorAll('table tbody tr').length};
  else if (holder.querySelector('canvas, svg.echarts, .echarts-for-react')) state = {canvas: true};
  else state = {empty: true};
  charts[name.trim()] = state;
}
const errors = [...document.querySelectorAll('[role="alert"], .alert-danger')].map(e => e.textContent.trim());
return {charts, errors, height: document.documentElement.scrollHeight};
"""


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", f"--window-size={WIDTH},1200"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def login_cookies(base: str, user: str, password: str) -> dict[str, str]:
    """The session cookies of a login through the login form (its CSRF token is in the page)."""
    http = requests.Session()
    page = http.get(f"{base}/login/", timeout=60).text
    token = re.search(r'id="csrf_token"\s+value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"{base}/login/ has no login form")
    response = http.post(f"{base}/login/", data={"username": user, "password": password, "csrf_token": token[1]},
                         allow_redirects=False, timeout=60)
    if response.status_code != 302 or "/login" in response.headers.get("Location", "/login"):
        raise RuntimeError(f"login to {base} as {user} failed (HTTP {response.status_code})")
    return http.cookies.get_dict()


def settled(state: dict[str, Any], expected: int) -> bool:
    """Every expected chart is on the page and none is still loading."""
    charts = state["charts"].values()
    return len(state["charts"]) >= expected and not any(c.get("loading") or c.get("empty") for c in charts)


def render(base: str, dashboard: str, out: Path, expected: int, timeout: float) -> dict[str, Any]:
    """Log in, open the dashboard, wait for its charts, save `out`; what rendered."""
    driver = browser()
    try:
        cookies = login_cookies(base, os.environ.get("SUPERSET_ADMIN_USER", "admin"),
                                os.environ["SUPERSET_ADMIN_PASSWORD"])
        driver.get(f"{base}/health")  # cookies can only be set for the page's own site
        for name, value in cookies.items():
            driver.add_cookie({"name": name, "value": value, "path": "/"})
        driver.get(f"{base}/superset/dashboard/{dashboard}/?standalone=1")
        deadline = time.monotonic() + timeout
        state = driver.execute_script(_STATE)
        while not settled(state, expected) and time.monotonic() < deadline:
            time.sleep(1)
            state = driver.execute_script(_STATE)
        driver.set_window_size(WIDTH, max(1200, int(state["height"]) + 40))
        time.sleep(2)  # the charts redraw at the new size (ECharts animates)
        state = driver.execute_script(_STATE)
        out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(out))
        return {"charts": state["charts"], "errors": state["errors"], "screenshot": str(out)}
    finally:
        driver.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--superset", default="http://127.0.0.1:8088")
    parser.add_argument("--dashboard", default="eerste-kamer", help="the dashboard's slug or id")
    parser.add_argument("--out", type=Path, default=Path("dashboard.png"))
    parser.add_argument("--charts", type=int, help="how many charts to wait for (default: those in bi/dashboard.yaml)")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    if args.charts is None:
        spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
        args.charts = sum(len(section["charts"]) for section in spec["sections"])
    try:
        report = render(args.superset.rstrip("/"), args.dashboard, args.out, args.charts, args.timeout)
    except (RuntimeError, KeyError, WebDriverException, requests.RequestException) as error:
        print(f"error: {str(error).splitlines()[0] if str(error) else type(error).__name__}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=1))
    drawn = [c for c in report["charts"].values() if "canvas" in c or "table" in c]
    return 0 if len(drawn) >= args.charts and not report["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
