"""A corpus lexicon: word forms counted over official XML texts, evidence for line-end hyphens.

Official XML is never hyphenated at line ends, so its words show whether a compound is written
with a hyphen ("sector-ontwikkelingsprogramma’s", "generaal-majoor") or as one word. The
counts live in a small SQLite file in the data directory (`DIR/lexicon.sqlite`), or in the state
database when the layout names one (`pipeline.statedb`), shared by every host: each text is
learned once (by its key, e.g. `identifier@version`) in one transaction, so a crash or a
concurrent worker never leaves it half-written, and the store keeps at most `limit` forms,
dropping the rarest when it grows past that.

`parse_file(path, record, lexicon)` and `parse_pdf(path, lexicon)` take it as evidence.
"""

from __future__ import annotations

from collections import Counter

from pipeline.config import DataLayout
from pipeline.parse.pdf.hyphenation import core
from pipeline.statedb import StateDB

LIMIT = 250_000  # word forms kept; at about 40 bytes a form the file stays near 10 MB
_SCHEMA = """
CREATE TABLE IF NOT EXISTS words (form TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS words_by_count ON words (n);
CREATE TABLE IF NOT EXISTS learned (key TEXT PRIMARY KEY) WITHOUT ROWID;
"""


class CorpusLexicon:
    """Word counts learned from official texts, kept for the data directory `layout`, at most `limit` forms."""

    def __init__(self, layout: DataLayout, limit: int = LIMIT) -> None:
        if limit < 1:
            raise ValueError(f"lexicon limit must be at least 1, not {limit}")
        self.limit = limit
        self._db = StateDB.open(layout, "lexicon", _SCHEMA, layout.lexicon)

    def learn(self, key: str, text: str) -> bool:
        """Count the words of `text` unless `key` was learned before; True when it was new."""
        counts = Counter(form for form in map(core, text.split()) if form)
        with self._db.transaction() as db:
            if db.row("SELECT 1 FROM learned WHERE key = ?", (key,)):
                return False
            db.execute("INSERT INTO learned (key) VALUES (?)", (key,))
            db.executemany("INSERT INTO words (form, n) VALUES (?, ?) ON CONFLICT (form) DO UPDATE SET "
                           "n = words.n + excluded.n", sorted(counts.items()))
            excess = db.value("SELECT count(*) FROM words") - self.limit
            if excess > 0:
                db.execute("DELETE FROM words WHERE form IN (SELECT form FROM words ORDER BY n, form LIMIT ?)", (excess,))
        return True

    def __getitem__(self, form: str) -> int:
        return self._db.value("SELECT n FROM words WHERE form = ?", (form.casefold(),)) or 0

    def __len__(self) -> int:
        return self._db.value("SELECT count(*) FROM words")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CorpusLexicon:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
