"""The publish stage: a validated batch becomes the current release; a failed one is quarantined.

Publishing, under the data directory's publish lock: move the batch into an immutable release
directory, build the DuckDB catalog beside the current one, switch PostgreSQL (when
`Settings.postgres_dsn` is set) in one transaction, then rename the catalog into place and point
`published/current` at the release; finally prune old releases. If any step fails before the
switch, the new release is removed and the previous one stays current everywhere.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.normalise.stage import Batch
from pipeline.publish.catalog import build_catalog, install_catalog
from pipeline.publish.release import (
    Release,
    create_release,
    prune_releases,
    publish_lock,
    read_current,
    switch_current,
    write_json,
)

if TYPE_CHECKING:
    from pipeline.quality.stage import QualityReport

__all__ = ["Release", "current_release", "publish_batch", "quarantine_batch"]

log = logging.getLogger(__name__)


def _quality_summary(report: QualityReport) -> dict[str, object]:
    return {"passed": report.passed, "critical_failures": len(report.critical_failures),
            "warnings": len(report.warnings), "data_docs": report.data_docs}


def _party_codes() -> list[str]:
    from pipeline.parse.structure.parties import KNOWN_PARTY_CODES

    return sorted(KNOWN_PARTY_CODES)


def publish_batch(settings: Settings, batch: Batch, report: QualityReport) -> Release:
    """Make `batch` the current release (DuckDB catalog, PostgreSQL, `published/current`)."""
    if not report.passed:
        raise ValueError(f"batch {batch.run_id} failed its critical expectations; quarantine it instead")
    layout = settings.layout
    with publish_lock(settings):
        release = create_release(settings, batch.run_id, batch.tables, batch.path, _quality_summary(report))
        catalog_tmp = None
        try:
            catalog_tmp = build_catalog(release, layout.catalog, _party_codes())
            if settings.postgres_dsn:
                from pipeline.publish.postgres import publish_postgres

                publish_postgres(settings.postgres_dsn, release, _party_codes())
        except BaseException:
            shutil.rmtree(release.path, ignore_errors=True)
            if catalog_tmp is not None:
                catalog_tmp.unlink(missing_ok=True)
            raise
        install_catalog(catalog_tmp, layout.catalog)
        switch_current(settings, release)
        pruned = prune_releases(settings, settings.keep_releases)
    shutil.rmtree(batch.path, ignore_errors=True)
    log.info("published release %s (pruned %d old release(s))", release.release_id, len(pruned))
    return release


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
    log.warning("quarantined batch %s in %s: %s", batch.run_id, target, json.dumps(report.critical_failures[:3]))
    return target


def current_release(settings: Settings) -> Release | None:
    """The release `published/current` points at, None before the first publish."""
    return read_current(settings)
