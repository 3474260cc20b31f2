"""What a DAG run is asked to do, as `Settings`: Variables, Params and the data interval.

DAG Params and the run's data interval become `Settings` (validated, `InvalidParameter` naming
the parameter and the reason); settings travel between tasks as plain JSON (`RunContext`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Any

from pipeline.config import DEFAULT_KINDS, ENVIRONMENT, Settings, data_location
from pipeline.errors import InvalidParameter
from pipeline.flow.journal import new_run_id
from pipeline.identifiers import DOSSIER_REGEX, is_publication_identifier

#: The Params of a manual run and their defaults (a scheduled run uses these defaults).
PARAM_DEFAULTS: dict[str, Any] = {
    "since": None,
    "until": None,
    "identifiers": [],
    "dossier": None,
    "kinds": list(DEFAULT_KINDS),
    "reparse": False,
    "publish": True,
}

#: Airflow Variables (or `AIRFLOW_VAR_<NAME>` environment variables) that override the environment.
VARIABLES: dict[str, str] = {"ek_data_dir": "data_dir", "ek_sru_url": "sru_url", "ek_max_rps": "max_rps"}

#: The Airflow Connection to the database the dashboards read (publish target).
POSTGRES_CONN_ID = "eerstekamer_postgres"
#: The Airflow Connection to the database that keeps the run state (`Settings.state_dsn`); it
#: wins over `EK_STATE_DSN` when defined.
STATE_CONN_ID = "eerstekamer_state"

_DOSSIER = re.compile(DOSSIER_REGEX)


def base_settings(variables: Mapping[str, str | None], environ: Mapping[str, str] | None = None,
                  state_dsn: str | None = None) -> Settings:
    """Settings from the Airflow Variables that are set (and the state database of its Connection,
    `state_dsn`), then the environment (`EK_*`), then defaults."""
    given: dict[str, Any] = {"state_dsn": state_dsn}
    for variable, name in VARIABLES.items():
        value = (variables.get(variable) or "").strip()
        if value:
            try:
                given[name] = ENVIRONMENT[name][1](value)
            except ValueError as err:
                raise InvalidParameter(f"Airflow Variable {variable!r}: {value!r} is {err}") from None
    return Settings.load(given, environ)


# --- Params -> Settings --------------------------------------------------------------------------


def _date_param(name: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameter(f"param {name!r}: {value!r} is not a date in the form YYYY-MM-DD") from None


def bool_param(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameter(f"param {name!r}: {value!r} is not true or false")
    return value


def _list_param(name: str, value: Any) -> list[str]:
    """A list of strings, or one string of items separated by commas or spaces."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [item for item in re.split(r"[\s,]+", value) if item]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise InvalidParameter(f"param {name!r}: {value!r} is not a list of strings")


def _identifiers(value: Any) -> tuple[str, ...]:
    identifiers = _list_param("identifiers", value)
    for identifier in identifiers:
        if not is_publication_identifier(identifier):
            raise InvalidParameter(f"param 'identifiers': {identifier!r} is not a publication identifier "
                                   "such as kst-36867-C or h-ek-20242025-12")
    return tuple(identifiers)


def _dossier(value: Any) -> str | None:
    if value in (None, ""):
        return None
    dossier = str(value).strip()
    if not _DOSSIER.match(dossier):
        raise InvalidParameter(f"param 'dossier': {value!r} is not a dossier number such as 36867, 36600-VII or CXXIV")
    return dossier


def kinds_param(value: Any) -> tuple[str, ...]:
    kinds = _list_param("kinds", value) if not isinstance(value, str) else [value]
    unknown = [kind for kind in kinds if kind not in DEFAULT_KINDS]
    if unknown or not kinds:
        raise InvalidParameter(f"param 'kinds': {unknown or kinds!r} is not a subset of {list(DEFAULT_KINDS)}")
    return tuple(kinds)


def settings_from_params(
    params: Mapping[str, Any],
    base: Settings,
    *,
    interval: tuple[datetime | None, datetime | None] = (None, None),
    watermark: date | None = None,
) -> Settings:
    """The Settings of one run: `base` (Variables, environment) with the Params applied.

    Dates in Params win. Otherwise a scheduled run fetches its data interval: from the interval
    start (or the stored `watermark` when that is earlier, so a failed run leaves no gap) to its
    end. A manual run without dates starts from the watermark, like the CLI.
    """
    unknown = sorted(set(params) - set(PARAM_DEFAULTS))
    if unknown:
        raise InvalidParameter(f"unknown param(s) {unknown}; the DAG takes {sorted(PARAM_DEFAULTS)}")
    p = {**PARAM_DEFAULTS, **params}
    since, until = _date_param("since", p["since"]), _date_param("until", p["until"])
    start, end = interval
    if since is None and until is None and start is not None and end is not None:
        since = min(start.date(), watermark) if watermark else start.date()
        until = end.date()
    if since and until and since > until:
        raise InvalidParameter(f"param 'since' ({since}) is after param 'until' ({until})")
    return replace(
        base, since=since, until=until, identifiers=_identifiers(p["identifiers"]), dossier=_dossier(p["dossier"]),
        kinds=kinds_param(p["kinds"]), reparse=bool_param("reparse", p["reparse"]),
        publish=bool_param("publish", p["publish"]),
    )


def fetch_interval(run_type: str, start: datetime | None, end: datetime | None
                   ) -> tuple[datetime | None, datetime | None]:
    """The data interval a run fetches: a scheduled (or backfill) run's own; none for a manual run."""
    return (start, end) if run_type in ("scheduled", "backfill") else (None, None)


def stored_watermark(settings: Settings) -> date | None:
    """The fetch stage's watermark for the run's kinds, or None before the first harvest."""
    from pipeline.ledger import StateStore, has_ledger

    if not has_ledger(settings.layout):
        return None

    with StateStore(settings.layout) as store:
        return store.watermark(settings.kinds)


# --- Settings between tasks -------------------------------------------------------------------------


#: Settings that never leave the process: secrets (XComs, the journal and logs are readable by
#: many) and the host's own cache directory (a task on another host has its own).
SECRET_SETTINGS = ("postgres_dsn", "dashboard_password", "state_dsn", "cache_dir")


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Settings as a JSON-able dict (an XCom value) without secrets, read back by `settings_from_json`."""
    data = {k: v for k, v in asdict(settings).items() if k not in SECRET_SETTINGS}
    data["data_dir"] = str(settings.data_dir)
    for name in ("since", "until"):
        data[name] = data[name].isoformat() if data[name] else None
    data["kinds"], data["identifiers"] = list(settings.kinds), list(settings.identifiers)
    return data


def settings_from_json(data: Mapping[str, Any], state_dsn: str | None = None) -> Settings:
    """The Settings of `settings_to_json`; secrets come from this process's environment again
    (the state database from `state_dsn`, an Airflow Connection, when given)."""
    known = {f.name for f in fields(Settings)} - set(SECRET_SETTINGS)
    values = {k: v for k, v in data.items() if k in known}
    values["data_dir"] = data_location(values["data_dir"])
    for name in ("since", "until"):
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    values["kinds"], values["identifiers"] = tuple(values["kinds"]), tuple(values["identifiers"])
    secrets = Settings.load({"state_dsn": state_dsn})
    return Settings(**values, **{name: getattr(secrets, name) for name in SECRET_SETTINGS})


@dataclass(frozen=True)
class RunContext:
    """What every step of one run shares: the pipeline run id and the settings."""

    run_id: str
    settings: Settings
    airflow_run_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "airflow_run_id": self.airflow_run_id,
                "settings": settings_to_json(self.settings)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], state_dsn: str | None = None) -> RunContext:
        """The context `to_json` wrote; `state_dsn` (an Airflow Connection) names the state database."""
        return cls(run_id=data["run_id"], airflow_run_id=data.get("airflow_run_id", ""),
                   settings=settings_from_json(data["settings"], state_dsn))


def run_id_for(run_after: datetime | None) -> str:
    """The pipeline run id of a DAG run: the same for every task and every retry of that run."""
    return new_run_id(run_after.astimezone(UTC) if run_after else None)
