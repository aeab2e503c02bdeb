"""What a store keeps and the one interface every store implements."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from wiretrace.types import Article

__all__ = [
    "HEADLINE_CHARS",
    "AddResult",
    "PairRecord",
    "Store",
    "StoredArticle",
    "article_digest",
    "drop_forgotten",
    "replacing_first",
]

# A search by title reads an untitled article's opening characters instead, where its headline stands.
HEADLINE_CHARS = 200


def article_digest(text: str, outlet: str | None) -> str:
    """What makes two articles one: sha256 of the outlet and the text, whitespace runs as one space.

    The same text from the same outlet (or from no named outlet) ingests once;
    another outlet's verbatim copy is an article of its own (republication is
    what a content farm does most), which the scan pairs with the original.

    Example:
        >>> text = "Seoul has 450,000 troops."
        >>> article_digest("Seoul  has 450,000   troops.", None) == article_digest(text, None)
        True
        >>> article_digest(text, "Reuters") == article_digest(text, "ViralNewsHub")
        False
    """
    flat = " ".join(text.split())
    who = " ".join((outlet or "").split()).casefold()
    return hashlib.sha256((f"{who}\x00{flat}" if who else flat).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: the article, its content hash and its index keys.

    Attributes:
        article: The article (``id`` is always set).
        digest: :func:`article_digest` of its text and outlet, so re-ingesting
            the same article is a no-op.
        keys: Index keys (``t:`` distinctive terms, ``b:`` LSH bands).
        n_sentences: Sentences found in it.
        rowid: The store's own number for it (0 before it is stored).
    """

    article: Article
    digest: str
    keys: tuple[str, ...]
    n_sentences: int
    rowid: int = 0


@dataclass(frozen=True)
class AddResult:
    """What became of a batch: stored, already there (same text and outlet), or refused (id taken by another).

    ``replaced``: of the stored, those whose id another text had held (``add(..., replace=True)``).
    """

    added: list[StoredArticle]
    duplicates: list[StoredArticle]
    conflicts: list[StoredArticle]
    replaced: list[StoredArticle] = field(default_factory=list)


@dataclass(frozen=True)
class PairRecord:
    """A decided pair of stored articles (a scan's finding).

    Attributes:
        a: rowid of the first article (the lower rowid).
        b: rowid of the second.
        relation: ``rewrite``, ``same-event`` or ``unrelated``.
        confidence: Probability of ``relation``.
        source: rowid of the source, for a rewrite.
        derived: rowid of the derived article, for a rewrite.
        direction_basis: ``published``, ``agency`` or ``text``, for a rewrite.
        coverage_derived: Share of the derived text accounted for.
        coverage_source: Share of the source used.
        summary: The evidence in brief (JSON-ready).
    """

    a: int
    b: int
    relation: str
    confidence: float
    source: int | None
    derived: int | None
    direction_basis: str | None
    coverage_derived: float
    coverage_source: float
    summary: dict[str, Any]


def replacing_first(items: Sequence[StoredArticle], replaces: Callable[[StoredArticle], bool]) -> list[StoredArticle]:
    """``items`` with those that ``replaces`` says take a stored article's place first, each in its order.

    An ``add(..., replace=True)`` takes them so: a copy of an old version in the same batch is then
    stored as an article of its own, not skipped as a copy of a text about to go.
    """
    first = [replaces(item) for item in items]
    return [item for item, f in zip(items, first, strict=True) if f] + [
        item for item, f in zip(items, first, strict=True) if not f
    ]


def drop_forgotten(
    rowids: Sequence[int], pairs: Sequence[PairRecord], exists: Callable[[set[int]], set[int]]
) -> tuple[list[int], list[PairRecord]]:
    """A scan's results less what an article forgotten meanwhile makes wrong (``record_scan`` of both stores).

    A pair with a forgotten article, or read with a forgotten wire version, is left out, and the
    article on its other side stays unscanned: the next scan searches it again, as ``forget`` would
    have had it do had the forget come after the scan.

    Args:
        rowids: The articles the scan examined.
        pairs: The pairs it found.
        exists: Those of the given rowids still stored.

    Returns:
        ``(rowids to mark scanned, pairs to keep)``.
    """
    cited = {r for p in pairs for r in (p.a, p.b, *(int(v) for v in p.summary.get("versions", ())))}
    gone = cited - exists(cited)
    if not gone:
        return list(rowids), list(pairs)
    reopen: set[int] = set()
    kept = []
    for p in pairs:
        touched = gone & {p.a, p.b, *(int(v) for v in p.summary.get("versions", ()))}
        if touched:
            reopen |= {p.a, p.b} - gone
        else:
            kept.append(p)
    return [r for r in rowids if r not in reopen and r not in gone], kept


class Store(Protocol):
    """Where articles, their index keys and scan results live."""

    def add(self, items: Sequence[StoredArticle], replace: bool = False) -> AddResult:
        """Add a batch in one transaction: all of it is stored, or none of it.

        With ``replace``, an item whose id another text holds takes its place: the old article is
        forgotten (as :meth:`forget` does) in the same transaction; else the item is a conflict.
        """
        ...

    def get(self, id_or_rowid: str | int) -> StoredArticle | None:
        """The stored article with that id (str) or rowid (int), or None."""
        ...

    def get_many(self, rowids: Sequence[int]) -> list[StoredArticle]:
        """Several stored articles by rowid, in the order asked (missing ones left out)."""
        ...

    def keys_of(self, rowid: int) -> list[str]:
        """The index keys of one stored article."""
        ...

    def dates_and_outlets(self, rowids: Sequence[int]) -> dict[int, tuple[str | None, str | None]]:
        """``(published, outlet)`` of stored articles by rowid (missing ones left out), without their text."""
        ...

    def find_digest(self, digest: str) -> int | None:
        """The rowid of the article with this content digest, or None."""
        ...

    def ids_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Ids of stored articles by rowid (missing ones left out)."""
        ...

    def digests_of(self, rowids: Sequence[int]) -> dict[int, str]:
        """Content digests of stored articles by rowid (missing ones left out)."""
        ...

    def forget(self, article_id: str) -> bool:
        """Remove one article, its keys and its pairs; False if there was none.

        Every article it was paired with is marked not scanned: its candidates
        lost one, so the next scan searches them again (one ranked just below
        may now be among them), and one read with the forgotten article among
        its wire versions is read again without it.
        """
        ...

    def count(self) -> int:
        """Articles stored."""
        ...

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
        """Articles matching every filter given (substrings; ISO days inclusive), newest first.

        ``title`` is found in the title, or in an untitled article's first :data:`HEADLINE_CHARS` characters
        of text (its headline, as the pages show it). ``offset`` matches are passed over first.
        """
        ...

    def postings(self, keys: Iterable[str], max_df: int) -> dict[str, list[int]]:
        """For each key held by at most ``max_df`` articles, the rowids holding it."""
        ...

    def unscanned(self) -> list[int]:
        """rowids of articles not yet scanned, by publication time (undated last), then rowid.

        A scan takes them in this order: an article's candidates lie within the
        time window around it, so they are met again while still prepared.
        """
        ...

    def record_scan(self, rowids: Sequence[int], pairs: Sequence[PairRecord]) -> None:
        """Store the pairs found for ``rowids`` and mark them scanned, in one transaction."""
        ...

    def pairs(self) -> list[PairRecord]:
        """Every decided pair."""
        ...

    def pairs_of(self, rowids: Sequence[int]) -> list[PairRecord]:
        """The decided pairs with at least one of ``rowids`` in them, by ``(a, b)``."""
        ...

    def relation_counts(self) -> dict[str, int]:
        """How many decided pairs there are of each relation (none left out as zero)."""
        ...

    def iter_rowids(self) -> list[int]:
        """Every rowid, in order."""
        ...

    def scan_settings(self, settings: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The settings the stored pairs were decided with (None if never recorded); records ``settings`` when given."""
        ...

    def restart_scan(self) -> None:
        """Drop every decided pair and mark every article not scanned, in one transaction."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...
