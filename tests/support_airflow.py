"""Start Airflow for tests: an AIRFLOW_HOME in a temp dir, `airflow db migrate`, and services as subprocesses.

Every service runs in its own process group, so stopping it ends its children too (Celery pool
processes, task supervisors, api-server workers), also when a test fails half-way.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DAGS_FOLDER = PROJECT_ROOT / "dags"
VENV_BIN = Path(sys.executable).parent

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow_env(home: Path, *, sql_alchemy_conn: str | None = None, extra: Mapping[str, str] = ()) -> dict[str, str]:
    """Environment for Airflow commands: home, dags folder, no examples, project root importable."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]),
        "GX_ANALYTICS_ENABLED": "false",
    }
    if sql_alchemy_conn:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = sql_alchemy_conn
    env.update(extra)
    return env


def airflow(env: Mapping[str, str], *args: str, timeout: float = 180) -> str:
    """Run one `airflow` command; raise with its output when it fails."""
    done = subprocess.run([str(VENV_BIN / "airflow"), *args], env=dict(env), capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"airflow {' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
                           f"{done.stderr[-3000:]}")
    return done.stdout


def wait_until(check: Callable[[], T | None], *, timeout: float, what: str, interval: float = 1.0,
               on_timeout: Callable[[], str] = lambda: "") -> T:
    """Poll `check` until it returns something other than None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result is not None:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f}s\n{on_timeout()}")


class Services:
    """Long-running processes (airflow services, the replay server), each in its own process group."""

    def __init__(self, env: Mapping[str, str], log_dir: Path) -> None:
        self.env = dict(env)
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, argv: list[str], env: Mapping[str, str] = (),
              cwd: Path | None = None) -> subprocess.Popen[bytes]:
        """Start `argv` with the shared environment, plus this service's own `env`, in `cwd`."""
        with (self.log_dir / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(argv, env={**self.env, **dict(env)}, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True, cwd=cwd)
        self.procs[name] = proc
        return proc

    def start_airflow(self, name: str, *args: str, env: Mapping[str, str] = (),
                      cwd: Path | None = None) -> subprocess.Popen[bytes]:
        return self.start(name, [str(VENV_BIN / "airflow"), *args], env, cwd)

    def check_alive(self) -> None:
        """Raise when a service has exited: waiting any longer would only time out."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}\n{self.tail(name)}")

    def tail(self, name: str, chars: int = 4000) -> str:
        path = self.log_dir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return f"--- {name} (last {chars} chars) ---\n{text[-chars:]}"

    def tails(self) -> str:
        return "\n".join(self.tail(name) for name in self.procs)

    def stop(self, grace: float = 20) -> None:
        """SIGTERM every service, then SIGKILL whatever is left of its session after `grace` seconds.

        A session (not only the process group) holds every descendant, also a task process that
        made itself a group leader.
        """
        for proc in self.procs.values():
            session_signal(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in self.procs.values():
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            session_signal(proc.pid, signal.SIGKILL)
            proc.wait()

    def leftovers(self) -> list[int]:
        """Processes still alive in any service's session (should be none after `stop`)."""
        return [pid for proc in self.procs.values() for pid in session_members(proc.pid)]


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def session_signal(sid: int, sig: int) -> None:
    for pid in session_members(sid):
        with suppress(ProcessLookupError):
            os.kill(pid, sig)


@contextmanager
def running(env: Mapping[str, str], log_dir: Path) -> Iterator[Services]:
    services = Services(env, log_dir)
    try:
        yield services
    finally:
        services.stop()
