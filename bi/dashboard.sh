#!/usr/bin/env bash
# The dashboard on the demo data, on this machine (`make dashboard`, `make dashboard-stop`).
#   bi/dashboard.sh start        publish the offline demo to the local PostgreSQL, start Superset on
#                                127.0.0.1:$SUPERSET_PORT, provision it, print the URL and the login
#   bi/dashboard.sh stop         stop that Superset
#   bi/dashboard.sh screenshot F the running dashboard as a PNG (headless Chromium)
# State (Superset's SQLite database, generated passwords, log, pid) is in .superset/ (git-ignored).
# Environment: SUPERSET_PORT (8088), DASHBOARD_DB (eerstekamer_demo), DASHBOARD_ROLE (the read-only
# role Superset logs in as, eerstekamer_demo_reader), EK_TEST_PG_ADMIN_DSN
# (postgresql://postgres@127.0.0.1:5432/postgres: who may create that database).
set -euo pipefail
cd "$(dirname "$0")/.."
state=$PWD/.superset
port=${SUPERSET_PORT:-8088}
url=http://127.0.0.1:$port
admin_dsn=${EK_TEST_PG_ADMIN_DSN:-postgresql://postgres@127.0.0.1:5432/postgres}
database=${DASHBOARD_DB:-eerstekamer_demo}
warehouse=${admin_dsn%/*}/$database
reader=${DASHBOARD_ROLE:-eerstekamer_demo_reader}  # its own role: PostgreSQL roles are shared by every database

mkdir -p "$state"
if [ ! -f "$state/secrets.env" ]; then  # made once, kept: the admin login stays the same
  umask 077
  {
    echo "SUPERSET_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    echo "SUPERSET_ADMIN_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
    echo "EK_DASHBOARD_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  } > "$state/secrets.env"
fi
set -a
# shellcheck source=/dev/null
. "$state/secrets.env"
set +a
export SUPERSET_HOME=$state

stop() {
  if [ -f "$state/superset.pid" ]; then
    kill "$(cat "$state/superset.pid")" 2>/dev/null || true
    rm -f "$state/superset.pid"
  fi
}

case "${1:-}" in
  start)
    psql "$admin_dsn" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 ||
      psql "$admin_dsn" -qc "CREATE DATABASE \"$database\""
    rm -rf "$state/demo-data"  # a fresh run always publishes (and sets the role's password)
    EK_POSTGRES_DSN=$warehouse EK_DASHBOARD_ROLE=$reader .venv/bin/python -m replay demo --data-dir "$state/demo-data"
    bi/superset.sh init > "$state/init.log" 2>&1 || { tail -20 "$state/init.log"; exit 1; }
    stop
    nohup bi/superset.sh serve "$port" > "$state/superset.log" 2>&1 &
    echo $! > "$state/superset.pid"
    warehouse_url=$(python3 -c "import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); \
print(p._replace(netloc=sys.argv[2] + '@' + p.netloc.rpartition('@')[2]).geturl())" "$warehouse" "$reader")
    .venv-superset/bin/python bi/provision.py --superset "$url" --warehouse "$warehouse_url" > /dev/null
    echo
    echo "Dashboard: $url/superset/dashboard/eerste-kamer/"
    echo "Login:     admin / $SUPERSET_ADMIN_PASSWORD   (stop with: make dashboard-stop)"
    ;;
  stop)
    stop
    ;;
  screenshot)
    .venv-superset/bin/python bi/screenshot.py --superset "$url" --out "${2:?screenshot needs a file}"
    ;;
  *)
    echo "usage: bi/dashboard.sh start | stop | screenshot FILE" >&2
    exit 2
    ;;
esac
