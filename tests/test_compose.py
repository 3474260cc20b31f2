"""The production stack as files: docker-compose.yml, Dockerfile, .env.example, .dockerignore.

Docker does not run here, so the compose file is parsed and checked like `docker compose config`
would see it: services, images, environment, volumes and dependencies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.config import Settings

ROOT = Path(__file__).resolve().parents[1]
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
#: `${NAME:?message}`: compose refuses to start without NAME (`$${NAME}` is the container's own variable).
REQUIRED = re.compile(r"(?<!\$)\$\{(\w+):\?[^}]*\}")
ANY_VARIABLE = re.compile(r"(?<!\$)\$\{(\w+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service["environment"]
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_the_stack_has_the_services_of_the_official_airflow_compose(services: dict[str, Any]) -> None:
    assert set(services) >= {"postgres", "redis", "warehouse", "airflow-init", *AIRFLOW_SERVICES}
    for name, command in AIRFLOW_SERVICES.items():
        assert services[name]["command"] == command, name
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["warehouse"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "flower" in services["flower"]["profiles"]  # optional, like the official file


def test_every_airflow_service_runs_the_project_image(services: dict[str, Any]) -> None:
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        service = services[name]
        assert service["build"] == ".", name
        assert service["image"] == "${EK_IMAGE:-eerstekamer-airflow:latest}", name


def test_airflow_services_share_one_configuration(services: dict[str, Any]) -> None:
    envs = {name: _env(services[name]) for name in [*AIRFLOW_SERVICES, "airflow-init"]}
    shared = ("AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__BROKER_URL",
              "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
              "EK_DATA_DIR", "EK_CACHE_DIR", "EK_STATE_DSN", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AIRFLOW_CONN_EERSTEKAMER_POSTGRES")
    for key in shared:
        values = {name: env.get(key) for name, env in envs.items()}
        assert len(set(values.values())) == 1 and None not in values.values(), (key, values)
    env = envs["airflow-scheduler"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "@postgres/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://") and "@redis:6379" in env["AIRFLOW__CELERY__BROKER_URL"]
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert "@warehouse:5432/eerstekamer" in env["AIRFLOW_CONN_EERSTEKAMER_POSTGRES"]
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"


def test_no_secret_is_written_in_the_compose_file(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for key, value in _env(service).items() if "environment" in service else ():
            if re.search(r"PASSWORD|SECRET|FERNET", key) and not key.endswith("_FILE"):
                assert REQUIRED.fullmatch(str(value)) or value.startswith("$${"), (name, key, value)
            for secret in ("AIRFLOW_DB_PASSWORD", "EK_WAREHOUSE_PASSWORD"):
                if secret in str(value):
                    assert f"${{{secret}:?" in str(value), (name, key)


def test_data_lives_in_the_object_store_and_logs_in_volumes(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        mounts = dict(v.split(":", 1) for v in services[name]["volumes"])
        assert mounts.get("airflow-logs") == "/opt/airflow/logs", name
        assert set(mounts) <= declared and set(mounts) <= {"airflow-logs", "airflow-config"}, name  # no shared data
        env = _env(services[name])
        assert env["EK_DATA_DIR"] == "s3://${EK_S3_BUCKET:-eerstekamer}/ek", name
        assert not any(env["EK_CACHE_DIR"].startswith(target) for target in mounts.values()), name
    for name in ("postgres", "warehouse", "minio"):
        volume = services[name]["volumes"][0].split(":", 1)[0]
        assert volume in declared, name


def test_the_object_store_and_its_bucket_come_before_airflow(services: dict[str, Any]) -> None:
    store, init = services["minio"], services["minio-init"]
    assert re.fullmatch(r"minio/minio:RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z", store["image"])  # pinned, not latest
    assert re.fullmatch(r"minio/mc:RELEASE\.\d{4}-\d\d-\d\dT[\d-]+Z", init["image"])
    assert store["command"][:2] == ["server", "/data"] and "healthcheck" in store
    assert init["depends_on"]["minio"]["condition"] == "service_healthy"
    script = init["command"][-1]
    assert "mc alias set store http://minio:9000" in script and 'mc mb --ignore-existing "store/$${EK_S3_BUCKET}"' in script
    airflow = _env(services["airflow-worker"])
    assert airflow["AWS_ENDPOINT_URL"] == "http://minio:9000"
    assert "@warehouse:5432/eerstekamer" in airflow["EK_STATE_DSN"]  # the run state every worker shares
    assert _env(init)["EK_S3_BUCKET"] in airflow["EK_DATA_DIR"]
    assert _env(store)["MINIO_ROOT_USER"] == airflow["AWS_ACCESS_KEY_ID"]
    assert _env(store)["MINIO_ROOT_PASSWORD"] == airflow["AWS_SECRET_ACCESS_KEY"]
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        assert services[name]["depends_on"]["minio-init"]["condition"] == "service_completed_successfully", name
    assert "deploy" not in services["airflow-worker"] and "container_name" not in services["airflow-worker"]


def test_services_start_in_order(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert "healthcheck" in services[name], name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"
    init = services["airflow-init"]
    assert _env(init)["_AIRFLOW_DB_MIGRATE"] == "true" and init["user"] == "0:0"
    assert "exec /entrypoint airflow version" in init["command"][-1]
    assert services["airflow-apiserver"]["ports"] == ["8080:8080"]


def test_env_example_lists_every_variable_the_stack_needs() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    required = set(REQUIRED.findall(text))
    assert required == {"AIRFLOW_DB_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "EK_WAREHOUSE_PASSWORD",
                        "EK_ADMIN_PASSWORD", "EK_S3_SECRET_KEY", "EK_DASHBOARD_PASSWORD", "SUPERSET_SECRET_KEY",
                        "SUPERSET_ADMIN_PASSWORD"}
    assert set(ANY_VARIABLE.findall(text)) <= set(example)
    assert all(example[name] == "" for name in required), "secrets are never given in the example"
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


def test_pipeline_defaults_in_the_stack_match_the_settings(services: dict[str, Any]) -> None:
    env = _env(services["airflow-scheduler"])
    defaults = Settings()
    assert env["EK_SRU_URL"] == f"${{EK_SRU_URL:-{defaults.sru_url}}}"
    assert env["EK_MAX_RPS"] == "${EK_MAX_RPS:-1}" and defaults.max_rps == 1.0


def test_dockerfile_extends_the_official_image_with_the_project() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0] == "FROM apache/airflow:3.3.2-python3.11"
    text = "\n".join(lines)
    assert re.search(r'pip install --no-cache-dir "apache-airflow==3\.3\.2" -r \S*requirements\.txt', text)
    for source in ("requirements.txt", "pipeline", "expectations", "dags"):
        assert re.search(rf"^COPY .*\b{source} ", text, re.M), source
    assert "PYTHONPATH=/opt/eerstekamer" in text and "EK_PROJECT_DIR=/opt/eerstekamer" in text
    assert "USER root" not in text


def test_dockerignore_keeps_the_build_context_small() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "data", "tests"} <= ignored
    assert not ignored & {"pipeline", "dags", "expectations", "requirements.txt", "pyproject.toml"}


SUPERSET_SERVICES = ("superset-init", "superset", "superset-provision")


def test_the_bi_profile_runs_the_official_superset_image_of_the_pinned_version(services: dict[str, Any]) -> None:
    lines = [line.strip() for line in (ROOT / "bi" / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    pinned = re.search(r"^apache_superset==(\S+)$", (ROOT / "bi" / "requirements-superset.txt").read_text(), re.M)
    assert pinned and lines[0] == f"FROM apache/superset:{pinned[1]}"
    assert lines[-1] == "USER superset"
    for name in SUPERSET_SERVICES:
        service = services[name]
        assert service["profiles"] == ["bi"], name
        assert service["build"] == "bi" and service["image"].endswith(f":{pinned[1]}}}"), name
        assert "./bi:/app/eerstekamer:ro" in service["volumes"], name
        assert _env(service)["SUPERSET_CONFIG_PATH"] == "/app/eerstekamer/superset_config.py", name
    assert not any("bi" in service.get("profiles", []) for name, service in services.items()
                   if name not in SUPERSET_SERVICES)


def test_superset_starts_after_its_init_and_is_provisioned_once_healthy(services: dict[str, Any]) -> None:
    assert "superset.sh init" in services["superset-init"]["command"][-1]
    server = services["superset"]
    assert server["depends_on"]["superset-init"]["condition"] == "service_completed_successfully"
    assert server["ports"] == ["127.0.0.1:${EK_SUPERSET_PORT:-8088}:8088"]
    assert "/health" in " ".join(server["healthcheck"]["test"])
    provision = services["superset-provision"]
    assert provision["depends_on"]["superset"]["condition"] == "service_healthy"
    assert provision["depends_on"]["warehouse"]["condition"] == "service_healthy"
    assert provision["restart"] == "on-failure"  # until the first release has created the dashboard role
    command = provision["command"][-1]
    assert "provision.py --superset http://superset:8088" in command
    assert '"postgresql://$${EK_DASHBOARD_ROLE}@warehouse:5432/eerstekamer"' in command


def test_the_dashboard_password_reaches_the_publish_side_and_superset(services: dict[str, Any]) -> None:
    password = "${EK_DASHBOARD_PASSWORD:?set EK_DASHBOARD_PASSWORD in .env}"
    role = "${EK_DASHBOARD_ROLE:-eerstekamer_reader}"
    for name in [*AIRFLOW_SERVICES, "airflow-init", "superset-provision"]:
        env = _env(services[name])
        assert (env["EK_DASHBOARD_PASSWORD"], env["EK_DASHBOARD_ROLE"]) == (password, role), name
    assert Settings().dashboard_role == "eerstekamer_reader"
