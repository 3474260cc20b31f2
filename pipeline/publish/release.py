"""Immutable release directories, the atomic `current` pointer, retention, and the publish lock.

A release is `published/releases/<release_id>/` with one directory per table and a
`manifest.json`; it is assembled under a temporary name and renamed into place, never changed
afterwards. `published/current` is a symlink to the current release, replaced atomically.

A manifest entry names its file by the release that wrote it (`release`) and the path inside that
release (`path`): an incremental build carries unchanged partitions over by reference, so a release
can list files of older releases. Retention therefore retires a release in two steps: its manifest
goes (it is no release any more), then each of its files no kept release references; the rest of
its directory stays until no release refers to it.
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
from dataclasses import dataclass
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
from pipeline.normalise.stage import PART_FILE, Batch, entry_file, write_table

MANIFEST = "manifest.json"
CURRENT = "current"
log = logging.getLogger(__name__)

LOCK_FILE = ".publish.lock"


@dataclass
class Release:
    release_id: str
    path: Path
    manifest: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"release_id": self.release_id, "path": str(self.path), "manifest": self.manifest}

    def entries(self, table: str) -> list[dict[str, Any]]:
        """The manifest entries of `table`'s files, each naming the release that wrote it (`release`)."""
        return [{"release": self.release_id, **f} for f in self.manifest["tables"][table]["files"]]

    def files(self, table: str) -> list[Path]:
        """Absolute paths of the Parquet files of `table` (some may lie in older releases)."""
        return [entry_file(self.path.parent, e) for e in self.entries(table)]


class PublishLocked(PipelineError):
    """Another process is publishing into the same data directory."""


@contextmanager
def publish_lock(settings: Settings, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold `published/.publish.lock` (flock) around publishing: never two publishers at once."""
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


def _entry(release_id: str, root: Path, path: Path, table: str) -> dict[str, Any]:
    """The manifest entry of a file this release writes; `documents` files carry their newest SRU change stamp."""
    entry: dict[str, Any] = {"release": release_id, "path": path.relative_to(root).as_posix(),
                             "rows": pq.ParquetFile(path).metadata.num_rows, "bytes": path.stat().st_size,
                             "sha256": sha256_of(path)}
    if table == "documents":
        stamp = pc.max(pq.read_table(path, columns=["changed_at"]).column("changed_at")).as_py()
        entry["source_watermark"] = stamp or ""
    return entry


def build_manifest(release_id: str, root: Path, quality: dict[str, Any], batch: Batch) -> dict[str, Any]:
    """The manifest of the release in `root`: its own files, and those `batch` carries over, by path."""
    tables = {}
    for table in TABLES:
        entries = [_entry(release_id, root, p, table) for p in (root / table).rglob("*.parquet")]
        entries = sorted([*entries, *batch.carried.get(table, [])], key=lambda e: e["path"])
        tables[table] = {"rows": sum(e["rows"] for e in entries), "files": entries}
    return {
        "release_id": release_id, "created_at": datetime.now(UTC).isoformat(),
        "schema_version": SCHEMA_VERSION, "pipeline_version": pipeline.__version__,
        "source_watermark": max((e.get("source_watermark", "") for e in tables["documents"]["files"]), default=""),
        "quality": quality, "base": batch.base, "rebuilt": batch.rebuilt, "inputs": batch.inputs,
        "tables": tables,
    }


def create_release(settings: Settings, batch: Batch, quality: dict[str, Any]) -> Release:
    """Move the batch's own table files into a new release directory (temp name, then rename); the
    files it carries over stay where they are, named in the manifest."""
    release_id = batch.run_id
    final = settings.layout.releases / release_id
    if final.exists():
        raise PipelineError(f"release {release_id} already exists in {settings.layout.releases}")
    missing = [str(p) for paths in batch.tables.values() for p in paths if not p.exists()]
    if missing:
        raise PipelineError(f"batch {release_id} names {len(missing)} file(s) that are gone (e.g. {missing[0]}); "
                            f"run again to build it anew")
    tmp = settings.layout.releases / f".tmp-{release_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    for table in batch.tables:
        for path in batch.own(table):
            target = tmp / path.relative_to(batch.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    for table, spec in TABLES.items():  # every release has every table, if only empty
        if not batch.carried.get(table) and not any((tmp / table).rglob("*.parquet")):
            write_table(tmp / table / PART_FILE, spec.schema.empty_table())
    write_json(tmp / MANIFEST, build_manifest(release_id, tmp, quality, batch))
    os.replace(tmp, final)
    return load_release(final)


def load_release(path: Path) -> Release:
    return Release(release_id=path.name, path=path, manifest=json.loads((path / MANIFEST).read_text("utf-8")))


SWITCHED = "switched.json"


def switched_ids(settings: Settings) -> list[str] | None:
    """Ids of the releases ever made current, oldest first (None in a data directory from before
    this list was kept)."""
    path = settings.layout.published / SWITCHED
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def record_switch(settings: Settings, release: Release, *, undo: bool = False) -> None:
    """Add `release` to the releases ever made current (before the switch), or take it out again
    (`undo`, when the switch failed)."""
    existing = release_ids(settings)
    ids = [r for r in (switched_ids(settings) or existing) if r != release.release_id and r in existing]
    write_json(settings.layout.published / SWITCHED, ids if undo else [*ids, release.release_id])


def switch_current(settings: Settings, release: Release) -> None:
    """Point `published/current` at `release` in one rename."""
    link = settings.layout.published / CURRENT
    tmp = settings.layout.published / f".tmp-{CURRENT}-{release.release_id}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path("releases") / release.release_id)
    os.replace(tmp, link)


def restore_current(settings: Settings, previous: Release | None) -> None:
    """Point `published/current` back at `previous` (remove it when there was none)."""
    if previous is None:
        (settings.layout.published / CURRENT).unlink(missing_ok=True)
    else:
        switch_current(settings, previous)


def read_current(settings: Settings) -> Release | None:
    link = settings.layout.published / CURRENT
    if not link.is_symlink() or not (link / MANIFEST).exists():
        return None
    return load_release(settings.layout.published / os.readlink(link))


def prune_releases(settings: Settings, keep: int) -> list[str]:
    """Retire all but the newest `keep` releases (never the current one), keeping every file a kept
    release references; returns the retired ids."""
    current = read_current(settings)
    releases = release_ids(settings)
    doomed = [r for r in releases[: max(0, len(releases) - max(keep, 1))] if current is None or r != current.release_id]
    kept = [load_release(settings.layout.releases / r) for r in releases if r not in doomed]
    referenced = {p for release in kept for table in release.manifest["tables"] for p in release.files(table)}
    for path in [*(settings.layout.releases / r for r in doomed), *_retired(settings)]:
        _retire(path, referenced)
    return doomed


def _retired(settings: Settings) -> list[Path]:
    """Directories of retired releases that still hold files a release referenced."""
    root = settings.layout.releases
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and not (p / MANIFEST).exists()) if root.exists() else []


def _retire(path: Path, referenced: set[Path]) -> None:
    """Take `path` out of the releases (its manifest first), then delete its files not in
    `referenced`; the directory goes when none is left."""
    (path / MANIFEST).unlink(missing_ok=True)
    kept = False
    for file in sorted(path.rglob("*"), reverse=True):  # files before their directories
        if file in referenced:
            kept = True
        elif file.is_dir():
            if not any(file.iterdir()):
                file.rmdir()
        else:
            file.unlink()
    if not kept:
        shutil.rmtree(path, ignore_errors=True)


def orphan_ids(settings: Settings) -> list[str]:
    """Releases written but never made current (a publisher killed before its switch)."""
    current = read_current(settings)
    switched = switched_ids(settings)
    if switched is None:  # before the list was kept: what is newer than the current release
        return [r for r in release_ids(settings) if current is None or r > current.release_id]
    return [r for r in release_ids(settings) if r not in switched and (current is None or r != current.release_id)]


def release_ids(settings: Settings) -> list[str]:
    """Ids of the releases in the data directory, oldest first."""
    root = settings.layout.releases
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and (p / MANIFEST).exists()) if root.exists() else []


def prune_temporaries(settings: Settings) -> list[str]:
    """Delete what a publisher killed mid-way left behind: `.tmp-*` releases, links and catalogs,
    and releases that were never made current. Call it holding the publish lock; logs and returns
    the deleted names."""
    published = settings.layout.published
    doomed = [*published.glob(".tmp-*"), *settings.layout.releases.glob(".tmp-*")] if published.exists() else []
    doomed += [settings.layout.releases / r for r in orphan_ids(settings)]
    for path in doomed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    if doomed:
        log.warning("removed %d leftover(s) of an interrupted publish: %s", len(doomed), sorted(p.name for p in doomed))
    return sorted(p.name for p in doomed)


def prune_staging(settings: Settings, newest_release: str) -> list[str]:
    """Delete staging directories of runs older than `newest_release` (crashed runs, `validate`)."""
    root = settings.layout.staging
    doomed = sorted(p for p in root.iterdir() if p.is_dir() and p.name < newest_release) if root.exists() else []
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in doomed]
