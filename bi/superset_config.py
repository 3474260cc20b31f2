"""Superset configuration for the Eerste Kamer dashboards (`SUPERSET_CONFIG_PATH` points here).

Everything that differs between a laptop, a test and compose comes from the environment:
`SUPERSET_SECRET_KEY` (required), `SUPERSET_METADATA_URI` (Superset's own database; default SQLite
in `SUPERSET_HOME`), `SUPERSET_TALISMAN` (security headers; off for plain http on 127.0.0.1).
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
if os.environ.get("SUPERSET_METADATA_URI"):
    SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_METADATA_URI"]

# No result cache: a new release shows at the next page load, with no change in Superset.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}

TALISMAN_ENABLED = os.environ.get("SUPERSET_TALISMAN", "false").lower() == "true"
SUPERSET_WEBSERVER_TIMEOUT = 120
