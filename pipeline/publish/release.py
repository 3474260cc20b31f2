"""Immutable release directories, the atomic `current.json` pointer, retention, and the publish lock.

A release is `published/releases/<release_id>/` with one directory per table and a
`manifest.json`; it is assembled under a temporary name and renamed into place (on object
storage: uploaded, manifest last), never changed afterwards. `published/current.json` names the
current release and its manifest; it is replaced in one atomic write (a rename locally, one PUT
in an object store), so a publisher killed before that write leaves the previous release current.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

import pipeline
from pipeline.config import Settings
from pipeline.errors import PipelineError
from pipeline.files import sha256_of, write_json
from pipeline.normalise.schemas import SCHEMA_VERSION, TABLES
from pipeline.normalise.stage import PART_FILE, write_table
from pipeline.storage import Storage

MANIFEST = "manifest.json"
#: The pointer to the current release: `{"release_id": ..., "manifest": "releases/<id>/manifest.json"}`.
CURRENT = "current.json"
#: The symlink that pointed at the current release before the pointer (read when there is no pointer).
LEGACY_LINK = "current"
log = logging.getLogger(__name__)

LOCK_FILE = ".publish.lock"


@dataclass
class Release:
    release_id: str
    path: Path
    manifest: dict[str, Any]
    store: Storage | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"release_id": self.release_id, "path": str(self.path), "manifest": self.manifest}

    def files(self, table: str) -> list[Path]:
        """Absolute paths of the Parquet files of `table` (downloaded into the cache first when
        the data directory is an object store)."""
        paths = [self.path / f["path"] for f in self.manifest["tables"][table]["files"]]
        return [self.store.fetch(p) for p in paths] if self.store else paths


class PublishLocked(PipelineError):
    """Another process is publishing into the same data directory."""


@contextmanager
def publish_lock(settings: Settings, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold `published/.publish.lock` (flock) around publishing: never two publishers at once.
    With a state database the lock is its advisory lock `publish` instead, held by a connection
    of its own: it works across hosts and goes with a killed publisher's connection."""
    if settings.state_dsn:
        from pipeline.statedb import session_lock

        refusal = PublishLocked(f"another publisher holds the publish lock of the state database "
                                f"(schema {settings.state_schema}); try again when it has finished")
        with session_lock(settings.state_dsn, settings.state_schema, "publish", wait_seconds, refusal):
            yield
        return
    path = settings.layout.published / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise PublishLocked(f"another publisher holds {path}; try again when it has finished") from err
                time.sleep(0.2)
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def source_watermark(document_files: list[Path]) -> str:
    """The newest SRU change stamp among the published papers ("" when there are none)."""
    stamps = [pc.max(pq.read_table(p, columns=["changed_at"]).column("changed_at")).as_py() for p in document_files]
    return max((s for s in stamps if s), default="")


def build_manifest(release_id: str, root: Path, quality: dict[str, Any]) -> dict[str, Any]:
    tables = {}
    for table in TABLES:
        files = sorted((root / table).rglob("*.parquet"))
        entries = [{"path": str(p.relative_to(root)), "rows": pq.ParquetFile(p).metadata.num_rows,
                    "bytes": p.stat().st_size, "sha256": sha256_of(p)} for p in files]
        tables[table] = {"rows": sum(e["rows"] for e in entries), "files": entries}
    return {
        "release_id": release_id, "created_at": datetime.now(UTC).isoformat(),
        "schema_version": SCHEMA_VERSION, "pipeline_version": pipeline.__version__,
        "source_watermark": source_watermark(sorted((root / "documents").rglob("*.parquet"))),
        "quality": quality, "tables": tables,
    }


def create_release(settings: Settings, release_id: str, tables: dict[str, list[Path]], batch_root: Path,
                   quality: dict[str, Any]) -> Release:
    """Move the batch's table files into a new release directory (temp name, then rename)."""
    final = settings.layout.releases / release_id
    if final.exists():
        raise PipelineError(f"release {release_id} already exists in {settings.layout.releases}")
    tmp = settings.layout.releases / f".tmp-{release_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    for paths in tables.values():
        for path in paths:
            target = tmp / path.relative_to(batch_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    for table, spec in TABLES.items():  # every release has every table, if only empty
        if not any((tmp / table).rglob("*.parquet")):
            write_table(tmp / table / PART_FILE, spec.schema.empty_table())
    write_json(tmp / MANIFEST, build_manifest(release_id, tmp, quality))
    os.replace(tmp, final)
    return load_release(upload_release(settings, final), settings.layout.store)


def upload_release(settings: Settings, path: Path) -> Path:
    """Upload a release to an object-store data directory: its tables, then its manifest (a
    release without a manifest is unfinished, removed by the next publish as an orphan)."""
    store = settings.layout.store
    for entry in sorted(p for p in path.iterdir() if p.name != MANIFEST):
        store.persist(entry)
    return store.persist(path / MANIFEST).parent


def load_release(path: Path, store: Storage | None = None) -> Release:
    manifest = (store.fetch(path / MANIFEST) if store else path / MANIFEST).read_text("utf-8")
    return Release(release_id=path.name, path=path, manifest=json.loads(manifest), store=store)


SWITCHED = "switched.json"


def switched_ids(settings: Settings) -> list[str] | None:
    """Ids of the releases ever made current, oldest first (None in a data directory from before
    this list was kept)."""
    path = settings.layout.published / SWITCHED
    return json.loads(path.read_text("utf-8")) if settings.layout.store.refresh(path) else None


def record_switch(settings: Settings, release: Release, *, undo: bool = False) -> None:
    """Add `release` to the releases ever made current (before the switch), or take it out again
    (`undo`, when the switch failed)."""
    existing = release_ids(settings)
    ids = [r for r in (switched_ids(settings) or existing) if r != release.release_id and r in existing]
    path = write_json(settings.layout.published / SWITCHED, ids if undo else [*ids, release.release_id])
    settings.layout.store.persist(path)


def switch_current(settings: Settings, release: Release) -> None:
    """Make `release` current: one atomic write of `published/current.json`."""
    published = settings.layout.published
    pointer = {"release_id": release.release_id, "manifest": f"releases/{release.release_id}/{MANIFEST}"}
    settings.layout.store.persist(write_json(published / CURRENT, pointer))
    (published / LEGACY_LINK).unlink(missing_ok=True)


def restore_current(settings: Settings, previous: Release | None) -> None:
    """Make `previous` current again (no release at all when there was none)."""
    if previous is None:
        settings.layout.store.remove(settings.layout.published / CURRENT)
    else:
        switch_current(settings, previous)


def read_current(settings: Settings) -> Release | None:
    """The release `published/current.json` names, None before the first publish."""
    published, store = settings.layout.published, settings.layout.store
    if not store.refresh(published / CURRENT):
        link = published / LEGACY_LINK  # a data directory published before the pointer
        return load_release(published / os.readlink(link)) if link.is_symlink() and (link / MANIFEST).exists() else None
    manifest = published / json.loads((published / CURRENT).read_text("utf-8"))["manifest"]
    try:
        return load_release(manifest.parent, store)
    except FileNotFoundError:
        return None


def prune_releases(settings: Settings, keep: int) -> list[str]:
    """Delete all but the newest `keep` releases (never the current one); returns the deleted ids."""
    current = read_current(settings)
    releases = release_ids(settings)
    doomed = [r for r in releases[: max(0, len(releases) - max(keep, 1))] if current is None or r != current.release_id]
    for release_id in doomed:
        settings.layout.store.remove(settings.layout.releases / release_id)
    return doomed


def orphan_ids(settings: Settings) -> list[str]:
    """Releases written but never made current (a publisher killed before its switch)."""
    current = read_current(settings)
    switched = switched_ids(settings)
    if switched is None:  # before the list was kept: what is newer than the current release
        return [r for r in release_ids(settings) if current is None or r > current.release_id]
    return [r for r in release_ids(settings) if r not in switched and (current is None or r != current.release_id)]


def release_ids(settings: Settings) -> list[str]:
    """Ids of the releases in the data directory, oldest first."""
    return [name for name in settings.layout.store.names(settings.layout.releases) if not name.startswith(".")]


def prune_temporaries(settings: Settings) -> list[str]:
    """Delete what a publisher killed mid-way left behind: `.tmp-*` releases, links and catalogs,
    and releases that were never made current. Call it holding the publish lock; logs and returns
    the deleted names."""
    published = settings.layout.published
    doomed = [*published.glob(".tmp-*"), *settings.layout.releases.glob(".tmp-*")] if published.exists() else []
    doomed += [settings.layout.releases / r for r in orphan_ids(settings)]
    for path in doomed:
        settings.layout.store.remove(path)
    if doomed:
        log.warning("removed %d leftover(s) of an interrupted publish: %s", len(doomed), sorted(p.name for p in doomed))
    return sorted(p.name for p in doomed)


def prune_staging(settings: Settings, newest_release: str) -> list[str]:
    """Delete staging directories of runs older than `newest_release` (crashed runs, `validate`)."""
    store, root = settings.layout.store, settings.layout.staging
    doomed = [name for name in store.names(root) if not name.startswith(".") and name < newest_release]
    for name in doomed:
        store.remove(root / name)
    return doomed
