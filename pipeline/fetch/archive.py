"""The raw archive: downloaded files stored by their sha256, written atomically.

Layout: `raw/<aa>/<sha256>.<ext>` where `aa` is the first two hex digits. The extension is kept
so that a parser can tell a PDF from an XML file by name. A file is written to a temporary name
in the same directory and renamed into place, so a crash of the process never leaves a partial
file under a final name (files are not fsynced one by one: a file whose size does not match
the manifest after a power loss counts as missing and is fetched again). The same content is
stored once. On an object-store data directory every stored file is also uploaded (`persist`):
its name is its content, so an upload repeated after a crash writes the same object again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pipeline.ledger import StoredFile
from pipeline.storage import Storage


class RawArchive:
    def __init__(self, root: Path, store: Storage | None = None) -> None:
        self.root = Path(root)
        self.store = store or Storage(self.root)

    def path_for(self, sha256: str, ext: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{ext}"

    def put(self, content: bytes, ext: str) -> StoredFile:
        """Store `content` (a no-op when the same bytes are already archived)."""
        sha256 = hashlib.sha256(content).hexdigest()
        path = self.path_for(sha256, ext)
        if not (path.exists() and path.stat().st_size == len(content)):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=f".{ext}")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(content)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        self.store.persist(path)
        return StoredFile(sha256, len(content), path)

    def has(self, sha256: str, ext: str, size: int) -> bool:
        path = self.path_for(sha256, ext)
        return path.exists() and path.stat().st_size == size
