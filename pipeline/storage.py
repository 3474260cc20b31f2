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
import errno
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

    def check(self) -> None:
        """Raise StorageError unless the store's bucket (its first path part) can be reached."""
        if self.remote:
            bucket = str(self.url).split("://", 1)[1].split("/", 1)[0]
            if not self._call(self.fs.exists, bucket):
                raise StorageError(f"data directory {self.url}: the bucket {bucket!r} does not exist "
                                   "(or these credentials cannot see it); create it first")

    def persist(self, path: Path) -> Path:
        """Upload the file or every finished file of the tree at `path` (local data dir: nothing)."""
        if self.remote:
            files = [path] if path.is_file() else _finished(path)
            if files:
                self._call(self.fs.put, [str(f) for f in files], [self.key(f) for f in files])
        return path

    def fetch(self, path: Path) -> Path:
        """`path`, downloaded first when the cache lacks it (for files never changed once written)."""
        if self.remote and not path.exists():
            try:
                self._download({path: None})
            except FileNotFoundError:
                raise FileNotFoundError(errno.ENOENT, "not in the object store", self.key(path)) from None
        return path

    def refresh(self, path: Path) -> bool:
        """Download afresh a small file that changes in place (a pointer, the catalog); False,
        and no local copy, when the store has none."""
        if not self.remote:
            return path.exists()
        try:
            self._download({path: None})
        except FileNotFoundError:
            path.unlink(missing_ok=True)
            return False
        return True

    def mirror(self, path: Path, *, prune: bool = True) -> Path:
        """Make the cached tree at `path` hold what the store holds there, and (`prune`) nothing else."""
        if not self.remote:
            return path
        stored = self._stored(path)
        self._download({local: info for local, info in stored.items() if _stale(local, info)})
        for extra in _finished(path) if prune else ():
            if extra not in stored:
                extra.unlink()
        return path

    def files(self, path: Path) -> list[Path]:
        """Every finished file below `path`, as its path in the cache (there or not)."""
        return sorted(self._stored(path)) if self.remote else _finished(path)

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

    def _stored(self, path: Path) -> dict[Path, dict[str, Any]]:
        """The files the store holds below `path`: their cache path -> their listing entry."""
        try:
            found = self._call(self.fs.find, self.key(path), detail=True)
        except FileNotFoundError:
            return {}
        prefix = self.fs._strip_protocol(self.key(path)).rstrip("/") + "/"
        return {path / name.removeprefix(prefix): info for name, info in found.items()
                if info.get("type") != "directory" and name.startswith(prefix)}

    def _download(self, wanted: dict[Path, dict[str, Any] | None]) -> None:
        """Copy these files from the store (concurrently) through temporary files, so that a
        reader never sees half a file; each gets the stored file's time when `wanted` has it."""
        temporaries = {}
        try:
            for path in wanted:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, temporaries[path] = tempfile.mkstemp(dir=path.parent, prefix=UNFINISHED)
                os.close(fd)
            if wanted:
                self._call(self.fs.get, [self.key(p) for p in wanted], list(temporaries.values()))
            for path, info in wanted.items():
                if info is not None and (stamp := _mtime(info)) is not None:
                    os.utime(temporaries[path], (stamp, stamp))
                os.replace(temporaries.pop(path), path)
        finally:
            for tmp in temporaries.values():
                Path(tmp).unlink(missing_ok=True)

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """A filesystem call; a failure other than a missing file is one StorageError line."""
        try:
            return method(*args, **kwargs)
        except FileNotFoundError:
            raise
        except Exception as err:
            raise StorageError(f"object store {self.url}: {type(err).__name__}: {err}") from None


def _finished(path: Path) -> list[Path]:
    """The files below local `path` that no writer is still writing."""
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(UNFINISHED)) if path.exists() else []


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
