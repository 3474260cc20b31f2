"""A data directory filled the way the fetch stage leaves it: versions recorded in the state
database and their real files in the raw archive."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings
from pipeline.fetch.archive import RawArchive
from pipeline.ledger import StateStore
from pipeline.sources.records import SruRecord

#: An official XML that holds no body text ("niet beschikbaar").
EMPTY_XML = Path(__file__).resolve().parents[1] / "fixtures" / "xml" / "ag-ek-niet-beschikbaar.xml"


def archive_version(settings: Settings, identifier: str, files: dict[str, Path]) -> None:
    """Record one version of `identifier` with `files` (manifestation -> real file), all archived."""
    record = SruRecord(identifier=identifier, changed_at="2026-11-01T10:00:00",
                       urls={kind: f"https://repository.overheid.nl/{path.name}" for kind, path in files.items()})
    raw = RawArchive(settings.layout.raw)
    with StateStore(settings.layout) as state:
        state.record_versions([record])
        for item in state.pending_files():
            if item.identifier == identifier:
                state.mark_archived(item, raw.put(files[item.manifestation].read_bytes(), item.manifestation))
