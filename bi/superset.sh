#!/usr/bin/env bash
# Superset for the dashboards, from the Superset venv (.venv-superset, `make superset-setup`).
#   bi/superset.sh init         create or upgrade Superset's metadata database and its admin (idempotent)
#   bi/superset.sh serve PORT   serve on 127.0.0.1:PORT in the foreground
# Environment: SUPERSET_HOME (state: SQLite metadata database), SUPERSET_SECRET_KEY,
# SUPERSET_ADMIN_USER (default admin), SUPERSET_ADMIN_PASSWORD.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${SUPERSET_VENV:-$here/../.venv-superset}
export SUPERSET_CONFIG_PATH=$here/superset_config.py FLASK_APP=superset
: "${SUPERSET_HOME:?set SUPERSET_HOME}" "${SUPERSET_SECRET_KEY:?set SUPERSET_SECRET_KEY}"
if [ ! -x "$venv/bin/superset" ]; then
  echo "error: no Superset venv at $venv: run \`make superset-setup\` first" >&2
  exit 1
fi
mkdir -p "$SUPERSET_HOME"

case "${1:-}" in
  init)
    : "${SUPERSET_ADMIN_PASSWORD:?set SUPERSET_ADMIN_PASSWORD}"
    user=${SUPERSET_ADMIN_USER:-admin}
    "$venv/bin/superset" db upgrade
    if ! "$venv/bin/superset" fab list-users 2>/dev/null | grep -q "username:$user "; then
      "$venv/bin/superset" fab create-admin --username "$user" --firstname Eerste --lastname Kamer \
        --email "$user@localhost" --password "$SUPERSET_ADMIN_PASSWORD"
    else
      "$venv/bin/superset" fab reset-password --username "$user" --password "$SUPERSET_ADMIN_PASSWORD"
    fi
    "$venv/bin/superset" init
    ;;
  serve)
    exec "$venv/bin/gunicorn" --bind "127.0.0.1:${2:?serve needs a port}" --workers 1 --threads 8 \
      --worker-class gthread --timeout 120 --log-level warning "superset.app:create_app()"
    ;;
  *)
    echo "usage: bi/superset.sh init | serve PORT" >&2
    exit 2
    ;;
esac
