"""An in-memory store with the same behaviour as the SQLite one, for tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from wiretrace.adapters.store.base import (
    HEADLINE_CHARS,
    AddResult,
    PairRecord,
    StoredArticle,
    drop_forgotten,
    replacing_first,
)
from wiretrace.errors import StoreError

__all__ = ["MemoryStore"]


class MemoryStore:
    """Articles, keys and pairs in dictionaries; nothing survives the process."""

    _closed = False

    def __init__(self) -> None:
        self._articles: dict[int, StoredArticle] = {}
        self._by_id: dict[str, int] = {}
        self._by_digest: dict[str, int] = {}
        self._keys: dict[str, set[int]] = {}
        self._scanned: set[int] = set()
        self._scan_settings: dict[str, Any] | None = None
        self._pairs: dict[tuple[int, int], PairRecord] = {}
        self._next = 1

    def add(self, items: Sequence[StoredArticle], replace: bool = False) -> AddResult:
        """Add a batch: stored, duplicate (same text) or conflict (id taken; with ``replace``, put in its place)."""
        result = AddResult([], [], [])
        if replace:
            items = replacing_first(items, lambda it: it.digest not in self._by_digest and it.article.id in self._by_id)
        for item in items:
            if item.digest in self._by_digest:
                result.duplicates.append(item)
            elif item.article.id in self._by_id and not replace:
                result.conflicts.append(item)
            else:
                if item.article.id in self._by_id:
                    taken = self._by_id[str(item.article.id)]
                    self.forget(str(item.article.id))
                    if any(x.rowid == taken for x in result.added):  # given twice in this batch: the last stays
                        result.added[:] = [x for x in result.added if x.rowid != taken]
                    else:
                        result.replaced.append(item)
                stored = StoredArticle(item.article, item.digest, item.keys, item.n_sentences, self._next)
                self._next += 1
                self._articles[stored.rowid] = stored
                self._by_id[str(item.article.id)] = stored.rowid
                self._by_digest[item.digest] = stored.rowid
                for key in item.keys:
                    self._keys.setdefault(key, set()).add(stored.rowid)
                result.added.append(stored)
        return result

    def get(self, id_or_rowid: str | int) -> StoredArticle | None:
        """The stored article with that id (str) or rowid (int), or None."""
        rowid = id_or_rowid if isinstance(id_or_rowid, int) else self._by_id.get(id_or_rowid)
        return self._articles.get(rowid) if rowid is not None else None

    def get_many(self, rowids: Sequence[int]) -> list[StoredArticle]:
        """Several stored articles by rowid, in the order asked."""
        return [self._articles[r] for r in rowids if r in self._articles]

    def dates_and_outlets(self, rowids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        """``(published, outlet)`` of stored articles by rowid (missing ones left out)."""
        return {
            r: (self._articles[r].article.published, self._articles[r].article.outlet)
            for r in rowids
            if r in self._articles
        }

    def ids_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Ids of stored articles by rowid (missing ones left out)."""
        return {r: str(self._articles[r].article.id) for r in rowids if r in self._articles}

    def digests_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Content digests of stored articles by rowid (missing ones left out)."""
        return {r: self._articles[r].digest for r in rowids if r in self._articles}

    def keys_of(self, rowid: int) -> list[str]:
        """The index keys of one stored article."""
        return sorted(self._articles[rowid].keys)

    def find_digest(self, digest: str) -> int | None:
        """The rowid of the article with this content digest, or None."""
        return self._by_digest.get(digest)

    def forget(self, article_id: str) -> bool:
        """Remove one article, its keys and its pairs."""
        rowid = self._by_id.pop(article_id, None)
        if rowid is None:
            return False
        item = self._articles.pop(rowid)
        del self._by_digest[item.digest]
        for key in item.keys:
            self._keys[key].discard(rowid)
        self._scanned.discard(rowid)
        others = {r for k in self._pairs if rowid in k for r in k if r != rowid}
        self._pairs = {k: v for k, v in self._pairs.items() if rowid not in k}
        self._scanned.difference_update(others)  # searched again at the next scan (see Store.forget)
        return True

    def count(self) -> int:
        """Articles stored."""
        return len(self._articles)

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
        """Articles matching every filter given, newest first (as the SQLite store)."""

        def has(value: str | None, wanted: str | None) -> bool:
            return not wanted or (value is not None and wanted.lower() in value.lower())

        found = []
        for item in self._articles.values():
            a = item.article
            day = (a.published or "")[:10]
            heading = a.title or a.text[a.header : a.header + HEADLINE_CHARS]  # an empty title is none
            if not (has(a.text, text) or has(a.title, text)) or not has(heading, title) or not has(a.outlet, outlet):
                continue
            if (since and (not day or day < since)) or (until and (not day or day > until)):
                continue
            found.append(item)
        found.sort(key=lambda s: (s.article.published is None, s.article.published or "", s.rowid), reverse=True)
        undated_last = [s for s in found if s.article.published] + [s for s in found if not s.article.published]
        return undated_last[offset : offset + limit]

    def postings(self, keys: Iterable[str], max_df: int) -> dict[str, list[int]]:
        """For each key held by at most ``max_df`` articles, the rowids holding it."""
        out = {}
        for key in keys:
            holders = self._keys.get(key, set())
            if 0 < len(holders) <= max_df:
                out[key] = sorted(holders)
        return out

    def unscanned(self) -> list[int]:
        """rowids not yet scanned, by publication time (undated last), then rowid."""
        published = {r: self._articles[r].article.published for r in set(self._articles) - self._scanned}
        return sorted(published, key=lambda r: (published[r] is None, published[r] or "", r))

    def iter_rowids(self) -> list[int]:
        """Every rowid."""
        return sorted(self._articles)

    def record_scan(self, rowids: Sequence[int], pairs: Sequence[PairRecord]) -> None:
        """Store pairs and mark rowids scanned, as :meth:`SQLiteStore.record_scan` does."""
        rowids, pairs = drop_forgotten(rowids, pairs, lambda ids: {r for r in ids if r in self._articles})
        for p in pairs:
            self._pairs[(p.a, p.b)] = p
        self._scanned.update(rowids)

    def pairs(self) -> list[PairRecord]:
        """Every decided pair."""
        return [self._pairs[k] for k in sorted(self._pairs)]

    def pairs_of(self, rowids: Sequence[int]) -> list[PairRecord]:
        """The decided pairs with at least one of ``rowids`` in them, by ``(a, b)``."""
        wanted = set(rowids)
        return [self._pairs[k] for k in sorted(self._pairs) if k[0] in wanted or k[1] in wanted]

    def relation_counts(self) -> dict[str, int]:
        """How many decided pairs there are of each relation."""
        return dict(Counter(p.relation for p in self._pairs.values()))

    def scan_settings(self, settings: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The settings the stored pairs were decided with (None if never recorded); records ``settings`` when given."""
        if settings is not None:
            self._scan_settings = dict(settings)
        return self._scan_settings

    def restart_scan(self) -> None:
        """Drop every decided pair and mark every article not scanned."""
        self._pairs.clear()
        self._scanned.clear()
        self._scan_settings = None

    def close(self) -> None:
        """Release the store; using it afterwards raises :class:`StoreError`, as an :class:`SQLiteStore` does."""
        self._closed = True

    def __getattribute__(self, name: str) -> Any:
        # Every public method of a closed store is one clear error; closing twice is none.
        if not name.startswith("_") and name != "close" and object.__getattribute__(self, "_closed"):
            raise StoreError("(memory store): the store is closed")
        return object.__getattribute__(self, name)

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
