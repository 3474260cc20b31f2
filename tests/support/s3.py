"""A real S3 API on 127.0.0.1 for the tests: `moto` in server mode, in its own process.

    with S3Server() as s3:
        url = s3.bucket()            # s3://<new bucket>/ek, a fresh bucket per call
        env = {**os.environ, **s3.env}   # AWS_ENDPOINT_URL and dummy credentials for a subprocess

The pipeline reaches it as it reaches any S3 store: through the standard AWS_* environment.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    """`python -m moto.server` on a free port; `env` reaches it, `bucket()` makes a fresh bucket."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                    "AWS_DEFAULT_REGION": "us-east-1"}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> S3Server:
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.endpoint, timeout=1)
                return self
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"moto server on port {self.port} did not start") from None
                time.sleep(0.1)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def use(self) -> None:
        """Point this process's S3 clients at the server (the tests' own reads)."""
        os.environ.update(self.env)

    def bucket(self, prefix: str = "ek") -> str:
        """A new, empty bucket; returns the data directory URL `s3://<bucket>/<prefix>`."""
        import s3fs

        name = f"ek-{uuid.uuid4().hex[:12]}"
        s3fs.S3FileSystem(endpoint_url=self.endpoint, key="test", secret="test", skip_instance_cache=True).mkdir(name)
        return f"s3://{name}/{prefix}"

    def keys(self, url: str) -> list[str]:
        """Every object below `url`, as paths relative to it."""
        import s3fs

        fs = s3fs.S3FileSystem(endpoint_url=self.endpoint, key="test", secret="test", skip_instance_cache=True)
        root = url.removeprefix("s3://").rstrip("/")
        try:
            return sorted(str(Path(key).relative_to(root)) for key in fs.find(root))
        except FileNotFoundError:
            return []
