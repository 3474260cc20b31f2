"""Where the data directory lives: a local directory, or an object store with a local cache.

A data directory is a local path (the default) or a URL such as `s3://bucket/prefix` (any fsspec
protocol; for S3 the endpoint and credentials come from the standard environment:
`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`). The
stages always read and write local paths below `DataLayout.root`. For a URL that root is a
scratch cache that may vanish between tasks (`EK_CACHE_DIR`), and the store is the durable home,
with the same layout under the prefix: `persist` uploads what a stage wrote, `fetch` and `mirror`
download what another task may have written. For a local data directory every method is a plain
local operation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

#: Names a writer uses for files it has not finished: never uploaded or downloaded.
UNFINISHED = ".tmp-"


class StorageError(PipelineError):
    """The object store cannot be reached or refuses a request."""


def is_url(location: str | Path) -> bool:
    """Whether a data directory is an object store URL (`s3://bucket/prefix`) rather than a path."""
    return "://" in str(location)


def default_cache(url: str) -> Path:
    """The local cache of `url` under the user's cache directory, one per URL."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eerstekamer" / hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Storage:
    """The durable home of the files below `root`: `root` itself, or the store at `url`."""

    root: Path
    url: str | None = None

    @property
    def remote(self) -> bool:
        return self.url is not None

    @property
    def fs(self) -> AbstractFileSystem:
        """The fsspec filesystem of `url` (fsspec caches instances, per process). Listings are
        never cached: other processes and hosts write to the same store."""
        import fsspec

        try:
            return fsspec.filesystem(str(self.url).split("://", 1)[0], use_listings_cache=False)
        except (ImportError, ValueError) as err:
            raise StorageError(f"data directory {self.url}: {err}") from None

    def key(self, path: Path) -> str:
        """Where the file at local `path` lives in the store."""
        relative = Path(path).relative_to(self.root).as_posix()
        return str(self.url).rstrip("/") + ("" if relative == "." else f"/{relative}")

    def location(self, path: Path) -> str:
        """`path` as a user sees it: its URL in the store, else the local path."""
        return self.key(path) if self.remote else str(path)

    def persist(self, path: Path) -> Path:
        """Upload the file or every finished file of the tree at `path` (local data dir: nothing)."""
        if self.remote:
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                if not file.name.startswith(UNFINISHED):
                    self._call(self.fs.put_file, str(file), self.key(file))
        return path

    def fetch(self, path: Path) -> Path:
        """`path`, downloaded first when the cache lacks it (for files never changed once written)."""
        if self.remote and not path.exists():
            self._download(self.key(path), path)
        return path

    def refresh(self, path: Path) -> bool:
        """Download afresh a small file that changes in place (a pointer, the catalog); False,
        and no local copy, when the store has none."""
        if not self.remote:
            return path.exists()
        try:
            self._download(self.key(path), path)
        except FileNotFoundError:
            path.unlink(missing_ok=True)
            return False
        return True

    def mirror(self, path: Path, *, prune: bool = True) -> Path:
        """Make the cached tree at `path` hold what the store holds there, and (`prune`) nothing else."""
        if not self.remote:
            return path
        try:
            found = self._call(self.fs.find, self.key(path), detail=True)
        except FileNotFoundError:
            found = {}
        prefix = self.fs._strip_protocol(self.key(path)).rstrip("/") + "/"
        wanted = {path / name.removeprefix(prefix): info for name, info in found.items()
                  if info.get("type") != "directory" and name.startswith(prefix)}
        for local, info in wanted.items():
            if _stale(local, info):
                self._download(self.key(local), local, info)
        for extra in path.rglob("*") if prune and path.exists() else ():
            if extra.is_file() and extra not in wanted and not extra.name.startswith(UNFINISHED):
                extra.unlink()
        return path

    def names(self, path: Path) -> list[str]:
        """The names of the entries directly below `path` (none when there is no such directory)."""
        if not self.remote:
            return sorted(p.name for p in path.iterdir()) if path.is_dir() else []
        try:
            return sorted(Path(p).name for p in self._call(self.fs.ls, self.key(path), detail=False))
        except FileNotFoundError:
            return []

    def exists(self, path: Path) -> bool:
        return self._call(self.fs.exists, self.key(path)) if self.remote else path.exists()

    def remove(self, path: Path) -> None:
        """Delete the file or tree at `path`, in the cache and in the store."""
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        if self.remote:
            with contextlib.suppress(FileNotFoundError):
                self._call(self.fs.rm, self.key(path), recursive=True)

    def _download(self, key: str, path: Path, info: dict[str, Any] | None = None) -> None:
        """Copy `key` to `path` through a temporary file: a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=UNFINISHED)
        os.close(fd)
        try:
            self._call(self.fs.get_file, key, tmp)
            if info is not None and (stamp := _mtime(info)) is not None:
                os.utime(tmp, (stamp, stamp))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """A filesystem call; a failure other than a missing file is one StorageError line."""
        try:
            return method(*args, **kwargs)
        except FileNotFoundError:
            raise
        except Exception as err:
            where = next((a for a in args if isinstance(a, str) and "://" in a), self.url)
            raise StorageError(f"object store {where}: {type(err).__name__}: {err}") from None


def _mtime(info: dict[str, Any]) -> float | None:
    stamp = info.get("LastModified") or info.get("mtime")
    return stamp.timestamp() if hasattr(stamp, "timestamp") else stamp


def _stale(local: Path, info: dict[str, Any]) -> bool:
    """Whether the cached `local` is missing or older than, or sized unlike, the stored file."""
    if not local.exists():
        return True
    stat = local.stat()
    stamp = _mtime(info)
    return stat.st_size != info.get("size") or (stamp is not None and stamp > stat.st_mtime)
