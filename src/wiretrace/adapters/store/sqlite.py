"""The embedded default store: one SQLite file.

WAL journal, so readers never block the writer; one transaction per batch
(``BEGIN IMMEDIATE``), so a killed process leaves every committed batch and
nothing of the one in flight; a busy timeout, so two processes ingesting at
once take turns instead of failing. Values always go in as ``?`` parameters.

Index keys live in one ``WITHOUT ROWID`` table keyed by ``(key, article)``: the
inverted index for candidate search, on disk, opened without rebuilding.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from wiretrace.adapters.store.base import (
    HEADLINE_CHARS,
    AddResult,
    PairRecord,
    StoredArticle,
    article_digest,
    drop_forgotten,
    replacing_first,
)
from wiretrace.errors import ReadOnlyStore, StoreError
from wiretrace.types import Article, iso_published

__all__ = ["SCHEMA_VERSION", "ChangeWatch", "SQLiteStore", "is_busy"]

# 2: an article's digest covers its outlet too (another outlet's verbatim copy is an article of its own),
# and a new store never gives a forgotten article's rowid to another (a scan running meanwhile, or a
# cache, would take one for the other; a store made at schema 1 keeps its table as it was).
SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    header INTEGER NOT NULL DEFAULT 0,
    title TEXT, published TEXT, outlet TEXT, url TEXT, path TEXT,
    n_sentences INTEGER NOT NULL,
    scanned INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT NOT NULL,
    article INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_by_article ON keys(article);
CREATE TABLE IF NOT EXISTS pairs (
    a INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
    b INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
    relation TEXT NOT NULL,
    confidence REAL NOT NULL,
    source INTEGER, derived INTEGER, direction_basis TEXT,
    coverage_derived REAL NOT NULL, coverage_source REAL NOT NULL,
    summary TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX IF NOT EXISTS pairs_by_b ON pairs(b);
CREATE INDEX IF NOT EXISTS articles_unscanned ON articles(scanned) WHERE scanned = 0;
"""

_COLUMNS = "rowid, id, digest, text, header, title, published, outlet, url, path, n_sentences"
_PAIR_COLUMNS = (
    "a, b, relation, confidence, source, derived, direction_basis, coverage_derived, coverage_source, summary"
)


def is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite gave up waiting for another process's lock."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def is_read_only(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite was refused a write (or the journal files a read needs) by the file system."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly database" in str(exc)


def busy_error(path: str) -> StoreError:
    """A write that waited past the busy timeout for another process's lock, as one line (nothing is damaged)."""
    return StoreError(f"{path}: the store is busy (another process kept it locked too long); try again when it is done")


def read_only_error(path: str) -> ReadOnlyStore:
    """What is read-only about the store ``path``, as one line."""
    file, folder = Path(path), Path(path).parent
    if not file.exists():
        why = f"cannot create the store: folder {folder} is not writable"
    elif not os.access(file, os.W_OK):
        why = "the store file is read-only: ingest, scan and forget need to write it"
    else:
        why = (
            f"folder {folder} is not writable (SQLite keeps its journal beside the store): "
            "ingest, scan and forget need to write there"
        )
    return ReadOnlyStore(f"{path}: {why}")


class SQLiteStore:
    """Articles, index keys and scan results in one SQLite file.

    Args:
        path: The database file (created if missing).
        fingerprint: A string naming the index-key settings; a store made
            with other settings refuses to open (its keys would not match),
            and a :class:`~wiretrace.corpus.Corpus` whose engine has other ones
            refuses the store.
        timeout_s: How long to wait for another process's transaction.
        read_only: Open for reading alone (a store on a read-only share):
            nothing is created, switched or migrated, and where its folder
            cannot hold SQLite's journal files, the file is read as one no
            other process writes.

    Raises:
        ReadOnlyStore: The store (or its folder) may not be written and
            ``read_only`` is false.
        StoreError: The file is not a wiretrace store, or cannot be opened.

    Example:
        >>> store = SQLiteStore(":memory:", fingerprint="test")
        >>> store.count()
        0
    """

    def __init__(self, path: str | Path, fingerprint: str, timeout_s: float = 60.0, read_only: bool = False) -> None:
        # Refused before any file is made: str(None) would have made a store named "None", bytes one named "b'...'"
        name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
        if not isinstance(name, str):
            raise TypeError(f"SQLiteStore path must be a str or pathlib.Path, not {type(path).__name__} ({path!r:.60})")
        if not isinstance(fingerprint, str):
            raise TypeError(
                f"SQLiteStore fingerprint must be a str (store_fingerprint(settings)), not {type(fingerprint).__name__}"
            )
        self.path = name
        self.fingerprint = fingerprint
        if self.path != ":memory:" and Path(self.path).is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise StoreError(f"{self.path}: folder {Path(self.path).parent} does not exist")
        if read_only and not Path(self.path).is_file():
            raise StoreError(f"{self.path}: no such store")
        try:
            self._db = self._connect(timeout_s, read_only)
            tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and not self._ours(tables):  # another program's database: leave it as it is
                raise StoreError(f"{self.path}: not a wiretrace store (it holds {', '.join(sorted(tables))})")
            self._db.execute("PRAGMA foreign_keys = ON")
            if read_only:
                self._check(fingerprint)
                return
            if self.path != ":memory:":
                self._use_wal(timeout_s)
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._init(fingerprint)
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise StoreError(
                    f"{self.path}: the store is busy (another process kept it locked for {timeout_s:.0f} s); "
                    "try again when it is done"
                ) from None
            if is_read_only(exc) and self.path != ":memory:":
                raise read_only_error(self.path) from None
            raise StoreError(f"{self.path}: not a wiretrace store ({exc})") from None

    def _connect(self, timeout_s: float, read_only: bool) -> sqlite3.Connection:
        if not read_only:
            return sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
        uri = Path(self.path).resolve().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout_s, isolation_level=None)
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return db
        except sqlite3.OperationalError as exc:
            if not is_read_only(exc):
                raise
            db.close()
        # A store in WAL mode needs its -shm file beside it, which a read-only folder cannot take: read the
        # file as unchanging (no other process can write there either).
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=timeout_s, isolation_level=None)

    def _check(self, fingerprint: str) -> None:
        """A store opened for reading: ready, and made with these index settings (nothing is migrated)."""
        rows = self._meta()
        self._same_index(rows, fingerprint)
        if rows.get("schema") != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema {rows.get('schema')} is not {SCHEMA_VERSION}, "
                "and a read-only store cannot be brought up to date"
            )

    def _use_wal(self, timeout_s: float) -> None:
        # Switching to WAL answers "database is locked" at once, without waiting, while another
        # process is creating or opening the file; wait for it here as for any transaction.
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _ours(self, tables: set[str]) -> bool:
        """Whether a database holding ``tables`` is a wiretrace store (its ``meta`` names a schema)."""
        if not {"meta", "articles"} <= tables:
            return False
        try:
            return self._db.execute("SELECT 1 FROM meta WHERE key = 'schema'").fetchone() is not None
        except sqlite3.OperationalError:  # a table named meta, but not ours
            return False

    def _meta(self) -> dict[str, str]:
        try:
            return dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return {}
            raise

    def _init(self, fingerprint: str) -> None:
        rows = self._meta()
        self._same_index(rows, fingerprint)  # refused before anything is written (a migration too)
        # A store that is ready opens by reading alone: a reader waits for no writer (WAL).
        if rows.get("schema") != SCHEMA_VERSION:
            with self._transaction():
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    self._db.execute(statement)
                rows = self._meta()  # another process may have made the store meanwhile
                self._same_index(rows, fingerprint)
                if not rows:
                    self._db.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("schema", SCHEMA_VERSION), ("fingerprint", fingerprint)],
                    )
                    rows = {"schema": SCHEMA_VERSION, "fingerprint": fingerprint}
                elif rows.get("schema") == "1":
                    self._digests_with_outlets()
                    self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))
                    rows["schema"] = SCHEMA_VERSION
        if rows.get("schema") != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: store schema {rows.get('schema')} is not {SCHEMA_VERSION}; re-ingest")

    def _same_index(self, rows: dict[str, str], fingerprint: str) -> None:
        if rows and rows.get("fingerprint") != fingerprint:
            raise StoreError(
                f"{self.path}: made with index settings {rows.get('fingerprint')!r}, not {fingerprint!r}; "
                "use a new --db or the same settings"
            )

    def _digests_with_outlets(self) -> None:
        """Schema 1 to 2: the digests of articles with an outlet now cover it (inside the caller's transaction)."""
        rows = self._db.execute("SELECT rowid, text, outlet FROM articles WHERE outlet IS NOT NULL AND outlet != ''")
        updates = [(article_digest(text, outlet), rowid) for rowid, text, outlet in rows.fetchall()]
        self._db.executemany("UPDATE articles SET digest = ? WHERE rowid = ?", updates)

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _transaction(self) -> SQLiteStore._Tx:
        return SQLiteStore._Tx(self._db)

    def add(self, items: Sequence[StoredArticle], replace: bool = False) -> AddResult:
        """Add a batch in one transaction: all of it is stored, or none of it.

        With ``replace``, an item whose id another text holds takes its place: the old article is
        forgotten, as :meth:`forget` does, in the same transaction.
        """
        added: list[StoredArticle] = []
        duplicates: list[StoredArticle] = []
        conflicts: list[StoredArticle] = []
        replaced: list[StoredArticle] = []
        try:
            with self._transaction():
                for item in replacing_first(items, self._replaces) if replace else items:
                    a = item.article
                    if self._db.execute("SELECT 1 FROM articles WHERE digest = ?", (item.digest,)).fetchone():
                        duplicates.append(item)
                        continue
                    taken = self._db.execute("SELECT rowid FROM articles WHERE id = ?", (a.id,)).fetchone()
                    if taken and not replace:
                        conflicts.append(item)
                        continue
                    if taken:
                        self._forget_rowid(taken[0])
                        if any(x.rowid == taken[0] for x in added):  # given twice in this batch: the last stays
                            added = [x for x in added if x.rowid != taken[0]]
                        else:
                            replaced.append(item)
                    cur = self._db.execute(
                        "INSERT INTO articles (id, digest, text, header, title, published, outlet, url, path, "
                        "n_sentences) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            a.id,
                            item.digest,
                            a.text,
                            a.header,
                            a.title,
                            a.published,
                            a.outlet,
                            a.url,
                            a.path,
                            item.n_sentences,
                        ),
                    )
                    added.append(StoredArticle(a, item.digest, item.keys, item.n_sentences, int(cur.lastrowid or 0)))
                # In key order, the batch's keys go into the index B-tree page after page, not at random
                # (ingesting 40k articles of the scale corpus: 22.4 -> 19.4 s of writing).
                self._db.executemany(
                    "INSERT OR IGNORE INTO keys (key, article) VALUES (?, ?)",
                    sorted((k, item.rowid) for item in added for k in item.keys),
                )
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise StoreError(
                    f"{self.path}: the store is busy (another process kept it locked too long); nothing of this "
                    "batch was stored: ingest again when it is done (what is stored is skipped)"
                ) from None
            raise StoreError(f"{self.path}: cannot write ({exc}); nothing of this batch was stored") from None
        return AddResult(added, duplicates, conflicts, replaced)

    def _row(self, row: tuple[Any, ...]) -> StoredArticle:
        rowid, id_, digest, text, header, title, published, outlet, url, path, n_sentences = row
        try:
            when = iso_published(published)
        except ValueError:  # stored through the API before Article read its dates: no date, as a reader finds
            when = None
        article = Article(text, id_, title, when, outlet, url, path, header)
        return StoredArticle(article, digest, (), n_sentences, rowid)

    def get(self, id_or_rowid: str | int) -> StoredArticle | None:
        """The stored article with that id (str) or rowid (int), or None."""
        column = "rowid" if isinstance(id_or_rowid, int) else "id"
        row = self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE {column} = ?", (id_or_rowid,)).fetchone()
        return self._row(row) if row else None

    def get_many(self, rowids: Sequence[int]) -> list[StoredArticle]:
        """Several stored articles by rowid, in the order asked (missing ones left out)."""
        found: dict[int, StoredArticle] = {}
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE rowid IN ({marks})", chunk):
                item = self._row(row)
                found[item.rowid] = item
        return [found[r] for r in rowids if r in found]

    def _rows_by_rowid(self, rowids: Sequence[int], query: str) -> Iterator[tuple[Any, ...]]:
        """Rows of ``query`` (one of this class's, ``{marks}`` for the rowids' placeholders), 500 rowids a time."""
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start : start + 500])
            yield from self._db.execute(query.format(marks=",".join("?" * len(chunk))), chunk)

    def dates_and_outlets(self, rowids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        """``(published, outlet)`` of stored articles by rowid (missing ones left out), without their text."""
        query = "SELECT rowid, published, outlet FROM articles WHERE rowid IN ({marks})"
        return {rowid: (published, outlet) for rowid, published, outlet in self._rows_by_rowid(rowids, query)}

    def keys_of(self, rowid: int) -> list[str]:
        """The index keys of one stored article."""
        return [k for (k,) in self._db.execute("SELECT key FROM keys WHERE article = ? ORDER BY key", (rowid,))]

    def ids_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Ids of stored articles by rowid (missing ones left out)."""
        return dict(self._rows_by_rowid(rowids, "SELECT rowid, id FROM articles WHERE rowid IN ({marks})"))

    def digests_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Content digests of stored articles by rowid (missing ones left out)."""
        return dict(self._rows_by_rowid(rowids, "SELECT rowid, digest FROM articles WHERE rowid IN ({marks})"))

    def find_digest(self, digest: str) -> int | None:
        """The rowid of the article with this content digest, or None."""
        row = self._db.execute("SELECT rowid FROM articles WHERE digest = ?", (digest,)).fetchone()
        return int(row[0]) if row else None

    def forget(self, article_id: str) -> bool:
        """Remove one article, its keys and its pairs; False if there was none."""
        with self._transaction():
            row = self._db.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,)).fetchone()
            if not row:
                return False
            self._forget_rowid(row[0])
        return True

    def _replaces(self, item: StoredArticle) -> bool:
        """Whether ``item`` would take a stored article's place: its id is stored, its text is not."""
        if self._db.execute("SELECT 1 FROM articles WHERE digest = ?", (item.digest,)).fetchone():
            return False
        return bool(self._db.execute("SELECT 1 FROM articles WHERE id = ?", (item.article.id,)).fetchone())

    def _forget_rowid(self, rowid: int) -> None:
        """Remove the article ``rowid`` with its keys and pairs (inside the caller's transaction)."""
        sql = "SELECT b FROM pairs WHERE a = ? UNION SELECT a FROM pairs WHERE b = ?"
        others = [r for (r,) in self._db.execute(sql, (rowid, rowid))]
        self._db.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
        # Searched again at the next scan (see Store.forget).
        self._db.executemany("UPDATE articles SET scanned = 0 WHERE rowid = ?", [(r,) for r in sorted(others)])

    def count(self) -> int:
        """Articles stored."""
        return int(self._db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(
        self,
        text: str | None = None,
        title: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StoredArticle]:
        """Articles matching every filter given, newest first (undated last).

        ``text`` is found in the title or the text, ``title`` and ``outlet`` in
        their fields (substrings, ASCII case folded; an untitled article's
        title is its text's opening :data:`HEADLINE_CHARS` characters); ``since`` and ``until`` are
        ISO dates compared with the publication day, both inclusive; ``offset``
        matches are passed over first (the next page of results).
        """
        where: list[str] = []
        values: list[Any] = []
        for column, wanted in (("text", text), ("title", title), ("outlet", outlet)):
            if wanted:
                pattern = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                if column == "text":
                    where.append("(text LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')")
                    values += [pattern, pattern]
                elif column == "title":  # an untitled article by its headline: the opening of its text
                    where.append(
                        "(title LIKE ? ESCAPE '\\' OR "
                        "(coalesce(title, '') = '' AND substr(text, header + 1, ?) LIKE ? ESCAPE '\\'))"
                    )
                    values += [pattern, HEADLINE_CHARS, pattern]
                else:
                    where.append(f"{column} LIKE ? ESCAPE '\\'")
                    values.append(pattern)
        if since:
            where.append("substr(published, 1, 10) >= ?")
            values.append(since)
        if until:
            where.append("substr(published, 1, 10) <= ?")
            values.append(until)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM articles {clause} "
            "ORDER BY published IS NULL, published DESC, rowid DESC LIMIT ? OFFSET ?",
            [*values, limit, offset],
        )
        return [self._row(row) for row in rows]

    def postings(self, keys: Iterable[str], max_df: int) -> dict[str, list[int]]:
        """For each key held by at most ``max_df`` articles, the rowids holding it."""
        out: dict[str, list[int]] = {}
        for key in keys:
            rows = self._db.execute("SELECT article FROM keys WHERE key = ? LIMIT ?", (key, max_df + 1)).fetchall()
            if 0 < len(rows) <= max_df:
                out[key] = [r for (r,) in rows]
        return out

    def unscanned(self) -> list[int]:
        """rowids of articles not yet scanned, by publication time (undated last), then rowid."""
        sql = "SELECT rowid FROM articles WHERE scanned = 0 ORDER BY published IS NULL, published, rowid"
        return [r for (r,) in self._db.execute(sql)]

    def scan_settings(self, settings: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The settings the stored pairs were decided with (None if never recorded); records ``settings`` when given."""
        if settings is not None:
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('scan_settings', ?)",
                    (json.dumps(settings, sort_keys=True),),
                )
            return settings
        row = self._db.execute("SELECT value FROM meta WHERE key = 'scan_settings'").fetchone()
        return json.loads(row[0]) if row else None

    def restart_scan(self) -> None:
        """Drop every decided pair and mark every article not scanned, in one transaction."""
        with self._transaction():
            self._db.execute("DELETE FROM pairs")
            self._db.execute("UPDATE articles SET scanned = 0 WHERE scanned != 0")
            self._db.execute("DELETE FROM meta WHERE key = 'scan_settings'")

    def iter_rowids(self) -> list[int]:
        """Every rowid, in order."""
        return [r for (r,) in self._db.execute("SELECT rowid FROM articles ORDER BY rowid")]

    def record_scan(self, rowids: Sequence[int], pairs: Sequence[PairRecord]) -> None:
        """Store the pairs found for ``rowids`` and mark them scanned, in one transaction.

        What an article forgotten meanwhile (``wiretrace forget`` while a scan
        runs) makes wrong is left out (:func:`~wiretrace.adapters.store.base.drop_forgotten`).
        """
        with self._transaction():
            rowids, pairs = drop_forgotten(rowids, pairs, lambda ids: self._existing(sorted(ids)))
            self._db.executemany(
                "INSERT OR REPLACE INTO pairs (a, b, relation, confidence, source, derived, direction_basis, "
                "coverage_derived, coverage_source, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.a,
                        p.b,
                        p.relation,
                        p.confidence,
                        p.source,
                        p.derived,
                        p.direction_basis,
                        p.coverage_derived,
                        p.coverage_source,
                        json.dumps(p.summary, sort_keys=True),
                    )
                    for p in pairs
                ],
            )
            self._db.executemany("UPDATE articles SET scanned = 1 WHERE rowid = ?", [(r,) for r in rowids])

    def _existing(self, rowids: Sequence[int]) -> set[int]:
        """Those of ``rowids`` that are stored."""
        found: set[int] = set()
        for start in range(0, len(rowids), 400):
            chunk = list(rowids[start : start + 400])
            sql = f"SELECT rowid FROM articles WHERE rowid IN ({','.join('?' * len(chunk))})"
            found.update(r for (r,) in self._db.execute(sql, chunk))
        return found

    def pairs(self) -> list[PairRecord]:
        """Every decided pair."""
        return self._records(self._db.execute(f"SELECT {_PAIR_COLUMNS} FROM pairs ORDER BY a, b"))

    def pairs_of(self, rowids: Sequence[int]) -> list[PairRecord]:
        """The decided pairs with at least one of ``rowids`` in them, by ``(a, b)``."""
        found: dict[tuple[int, int], PairRecord] = {}
        for start in range(0, len(rowids), 400):
            chunk = list(rowids[start : start + 400])
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT {_PAIR_COLUMNS} FROM pairs WHERE a IN ({marks}) "
                f"UNION SELECT {_PAIR_COLUMNS} FROM pairs WHERE b IN ({marks})"
            )
            for p in self._records(self._db.execute(sql, chunk + chunk)):
                found[(p.a, p.b)] = p
        return [found[k] for k in sorted(found)]

    def relation_counts(self) -> dict[str, int]:
        """How many decided pairs there are of each relation."""
        return dict(self._db.execute("SELECT relation, count(*) FROM pairs GROUP BY relation").fetchall())

    @staticmethod
    def _records(rows: Iterable[tuple[Any, ...]]) -> list[PairRecord]:
        out = []
        for a, b, relation, confidence, source, derived, basis, cov_d, cov_s, summary in rows:
            out.append(
                PairRecord(a, b, relation, confidence, source, derived, basis, cov_d, cov_s, json.loads(summary))
            )
        return out

    def close(self) -> None:
        """Release the store; using it afterwards raises :class:`StoreError`."""
        if isinstance(self._db, sqlite3.Connection):
            self._db.close()
            self._db = cast(sqlite3.Connection, _Closed(self.path))

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Closed:
    """The connection of a closed store: any use of it is one clear error, not sqlite3's."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> Any:
        raise StoreError(f"{self._path}: the store is closed")


class ChangeWatch:
    """Says whether a store has changed: a number that moves with every commit to it, from any process.

    SQLite's ``data_version`` on a read-only connection of the watch's own: it
    changes when any other connection commits, in this process or another (a
    ``wiretrace scan`` run beside the server), and never for nothing. Safe to
    ask from any thread.

    Args:
        path: The store file (it must exist).

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "w.db")
        >>> store = SQLiteStore(path, fingerprint="test")
        >>> watch = ChangeWatch(path)
        >>> before = watch.version()
        >>> _ = store.scan_settings({"k": 1})  # a commit
        >>> watch.version() != before
        True
    """

    def __init__(self, path: str | Path) -> None:
        uri = Path(path).resolve().as_uri()
        self._db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()

    def version(self) -> int:
        """The store's version now: equal to an earlier answer only if nothing was committed since."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        """Release the watch's connection."""
        with self._lock:
            self._db.close()
