"""The publish stage: a validated batch becomes the current release; a failed one is quarantined.

Publishing, under the data directory's publish lock: move the batch into an immutable release
directory (on object storage: upload it), build the DuckDB catalog beside the current one, switch
PostgreSQL (when `Settings.postgres_dsn` is set) in one transaction, then point
`published/current.json` at the release and rename the catalog into place; finally prune old releases and stale staging directories. If
any step fails, the new release is removed and the previous one stays (or again becomes) current
everywhere: a failure after the PostgreSQL switch publishes the previous release there again.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import Settings
from pipeline.files import write_json
from pipeline.normalise.schemas import TABLES
from pipeline.normalise.stage import PART_FILE, Batch, write_table
from pipeline.parse.structure.parties import known_party_codes
from pipeline.publish.catalog import build_catalog, catalog_release, install_catalog, install_catalog_for
from pipeline.publish.release import (
    Release,
    create_release,
    prune_releases,
    prune_staging,
    prune_temporaries,
    publish_lock,
    read_current,
    record_switch,
    release_ids,
    restore_current,
    switch_current,
)

if TYPE_CHECKING:
    from pipeline.quality.stage import QualityReport

__all__ = ["Release", "current_release", "publish_batch", "quarantine_batch"]

log = logging.getLogger(__name__)


def _quality_summary(report: QualityReport) -> dict[str, object]:
    return {"passed": report.passed, "critical_failures": len(report.critical_failures),
            "warnings": len(report.warnings), "data_docs": report.data_docs}


def publish_batch(settings: Settings, batch: Batch, report: QualityReport) -> Release:
    """Make `batch` the current release (DuckDB catalog, PostgreSQL, `published/current`)."""
    if not report.passed:
        raise ValueError(f"batch {batch.run_id} failed its critical expectations; quarantine it instead")
    with publish_lock(settings):
        prune_temporaries(settings)
        previous = read_current(settings)
        _add_quality_history(settings, batch, previous)
        release = create_release(settings, batch.run_id, batch.tables, batch.path, _quality_summary(report))
        catalog_tmp = None
        try:
            catalog_tmp = build_catalog(release, settings.layout.catalog, known_party_codes())
            _switch(settings, release, previous, catalog_tmp)
        except BaseException:
            settings.layout.store.remove(release.path)
            if catalog_tmp is not None:
                catalog_tmp.unlink(missing_ok=True)
            raise
        pruned = prune_releases(settings, settings.keep_releases)
        stale = prune_staging(settings, release.release_id)
    settings.layout.store.remove(batch.path)
    log.info("published release %s (pruned %d old release(s), %d stale staging dir(s))",
             release.release_id, len(pruned), len(stale))
    return release


def _add_quality_history(settings: Settings, batch: Batch, previous: Release | None) -> None:
    """Put the `quality_results` of the releases that stay after this one is published (it
    counts as one of `Settings.keep_releases`) before the batch's own."""
    schema = TABLES["quality_results"].schema
    keep = release_ids(settings)[-(settings.keep_releases - 1):] if settings.keep_releases > 1 else []
    history = [pq.read_table(p, schema=schema, filters=[("run_id", "in", keep)])
               for p in (previous.files("quality_results") if previous is not None and keep else [])]
    own = [pq.read_table(p, schema=schema) for p in batch.tables.get("quality_results", [])]
    table = pa.concat_tables([*history, *own, schema.empty_table()])
    batch.tables["quality_results"] = [write_table(batch.path / "quality_results" / PART_FILE, table)]
    batch.row_counts["quality_results"] = table.num_rows


def _reader(settings: Settings) -> dict[str, str | None]:
    """The dashboard role `publish_postgres` grants read access to."""
    return {"reader": settings.dashboard_role, "reader_password": settings.dashboard_password}


def _switch(settings: Settings, release: Release, previous: Release | None, catalog_tmp: Path) -> None:
    """Make `release` current in PostgreSQL, `published/current` and the catalog, or in none of them:
    a failure after the PostgreSQL switch switches PostgreSQL and `current` back to `previous`."""
    dsn = settings.postgres_dsn
    if dsn:
        from pipeline.publish.postgres import publish_postgres

        publish_postgres(dsn, release, known_party_codes(), **_reader(settings))
    try:
        record_switch(settings, release)
        switch_current(settings, release)
        install_catalog(catalog_tmp, settings.layout.catalog)
        settings.layout.store.persist(settings.layout.catalog)  # last: nothing can fail after it
    except BaseException:
        record_switch(settings, release, undo=True)
        restore_current(settings, previous)
        if dsn:
            from pipeline.publish.postgres import restore_postgres

            restore_postgres(dsn, previous, known_party_codes(), **_reader(settings))
        raise


def _report_markdown(batch: Batch, report: QualityReport, previous: Release | None) -> str:
    lines = [
        f"# Quarantined batch {batch.run_id}", "",
        "This batch failed critical expectations and was not published. "
        f"The current release stays {previous.release_id if previous else '(none yet)'}; "
        "the next run tries again.", "",
        f"Data Docs: {report.data_docs}", "",
        f"## Critical failures ({len(report.critical_failures)})", "",
        *[f"- {line}" for line in report.critical_failures], "",
        f"## Warnings ({len(report.warnings)})", "",
        *([f"- {line}" for line in report.warnings] or ["- none"]), "",
        "## Rows", "", "| table | rows |", "|---|---|",
        *[f"| {table} | {rows} |" for table, rows in batch.row_counts.items()], "",
    ]
    return "\n".join(lines)


def quarantine_batch(settings: Settings, batch: Batch, report: QualityReport) -> Path:
    """Move the batch's data to `quarantine/<run_id>/data` with `report.json` and `report.md`."""
    target = settings.layout.quarantine / batch.run_id
    target.mkdir(parents=True, exist_ok=True)
    data = target / "data"
    shutil.rmtree(data, ignore_errors=True)
    if batch.path.exists():
        batch.path.rename(data)
    previous = current_release(settings)
    write_json(target / "report.json", {
        "run_id": batch.run_id, "current_release": previous.release_id if previous else None,
        "batch": {**batch.to_dict(), "path": str(data)}, "quality": report.to_dict()})
    (target / "report.md").write_text(_report_markdown(batch, report, previous), encoding="utf-8")
    settings.layout.store.persist(target)
    log.warning("quarantined batch %s in %s: %s", batch.run_id, target, json.dumps(report.critical_failures[:3]))
    return target


def unpublished(settings: Settings, release: Release) -> list[str]:
    """Parsed paper versions (`identifier@version`) that `release` does not hold."""
    from pipeline.parse.store import ParsedStore, version_key

    published = {(row["identifier"], row["version"]) for path in release.files("documents")
                 for row in pq.read_table(path, columns=["identifier", "version"]).to_pylist()}
    return sorted(version_key(*key) for key in ParsedStore(settings.layout.parsed, settings.layout.store).keys() - published)


def reconcile_targets(settings: Settings) -> dict[str, object]:
    """Bring the DuckDB catalog and PostgreSQL to the current release where a publisher killed
    between its PostgreSQL commit and its switch left them apart; returns what was repaired."""
    repaired: dict[str, str] = {}
    with publish_lock(settings):
        prune_temporaries(settings)
        current = read_current(settings)
        if current is None:
            return {"release_id": None, "repaired": repaired}
        catalog = catalog_release(settings.layout.catalog, settings.layout.store)
        if catalog != current.release_id:
            install_catalog_for(settings, current)
            repaired["catalog"] = f"{catalog} -> {current.release_id}"
        if settings.postgres_dsn:
            from pipeline.publish.postgres import current_postgres_release, publish_postgres

            served = current_postgres_release(settings.postgres_dsn)
            if served != current.release_id:
                publish_postgres(settings.postgres_dsn, current, known_party_codes(), **_reader(settings))
                repaired["postgres"] = f"{served} -> {current.release_id}"
    for target, change in repaired.items():
        log.warning("%s served another release than the current one: repaired (%s)", target, change)
    return {"release_id": current.release_id, "repaired": repaired}


def current_release(settings: Settings) -> Release | None:
    """The release `published/current` points at, None before the first publish."""
    return read_current(settings)
