"""Corpus mode: ingest articles into a store, find sources and copies, scan for stories.

Built from the engine's stages, unchanged: every pair is decided by
:meth:`wiretrace.pipeline.Engine.compare_documents`. What corpus mode adds is
*which* pairs to decide: never all pairs, only candidates from the store's
inverted index (distinctive terms for paraphrases, MinHash bands for near
copies; see :mod:`wiretrace.core.fingerprint`), within a publication-time
window when dates are known.
"""

from __future__ import annotations

import os
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from wiretrace.adapters.inputs import Rejected
from wiretrace.adapters.store.base import PairRecord, Store, StoredArticle, article_digest
from wiretrace.core.agencies import agency_key, order_by_agency
from wiretrace.core.fingerprint import FingerprintSettings, fingerprint, max_df, parts, select_candidates
from wiretrace.core.normalize import clean_text
from wiretrace.core.provenance import Story, retold_closer
from wiretrace.core.represent import Document
from wiretrace.corpus_scan import ScanPostings, ScanReport, read_versions, scan
from wiretrace.corpus_workers import pickled_engine, prepare_in_worker, quiet_starts, worker_pool
from wiretrace.errors import ConfigError, InputError, StoreError, user_stacklevel
from wiretrace.pipeline import Engine
from wiretrace.report import direction_undecided
from wiretrace.settings import Settings
from wiretrace.stories import closeness, compared_first, pair_record, stories_from_pairs
from wiretrace.types import Article, Comparison
from wiretrace.wire import Credit, Reading, own_verdict, read_as_one

__all__ = [
    "Corpus",
    "IngestReport",
    "Match",
    "PreparedBatch",
    "ScanPostings",
    "ScanReport",
    "content_digest",
    "fingerprint_settings",
    "publication_day",
    "store_fingerprint",
]

Progress = Callable[[int], None]


def content_digest(article: Article) -> str:
    """:func:`~wiretrace.adapters.store.base.article_digest` of the article: the same text from the same
    outlet ingests once, another outlet's verbatim copy is an article of its own."""
    return article_digest(article.text, article.outlet)


def fingerprint_settings(settings: Settings) -> FingerprintSettings:
    """The index-key settings within ``settings``."""
    return FingerprintSettings(settings.max_terms, settings.shingle, settings.bands, settings.rows)


def store_fingerprint(settings: Settings) -> str:
    """A name for the index-key settings, recorded in the store so mismatched keys are refused."""
    f = fingerprint_settings(settings)
    # A long article's part keys (FingerprintSettings.part_*) are added terms of the same kind: a store
    # made before them reads on, its long articles holding their whole's terms alone.
    return f"terms{f.max_terms}-shingle{f.shingle}-lsh{f.bands}x{f.rows}-seed{f.seed}"


@dataclass
class IngestReport:
    """What an ingest did: counts, and every rejection with its reason.

    Attributes:
        same_as: Of the duplicates, those given another id than the stored text's: ``(given, stored)``,
            each pair once. The stored id names the article in ``sources``, ``copies`` and the scan.
        updated: Articles given again under a stored id with another text or outlet, stored in place
            of the old version (``ingest(update=True)``); not counted in ``added``.
    """

    added: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    wall_s: float = 0.0
    same_as: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PreparedBatch:
    """A batch ready to write: its articles with keys, and what was rejected."""

    size: int
    items: list[StoredArticle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """A stored article and the verdict of comparing it with the query.

    Attributes:
        article: The stored article.
        comparison: It (``a``) compared with the query (``b``), the pair alone.
        versions: A reading of one agency's copies of a story as one
            (:mod:`wiretrace.wire`) that shows this pair's rewrite: for
            ``sources``, the query read against copies that include the stored
            article and draw on it; for ``copies``, the stored article read
            against copies that include the query and draw on it. Else None.
        credit: What the copy of this pair (the stored article for
            ``sources``, the query for ``copies``) accounts for in that reading.
    """

    article: StoredArticle
    comparison: Comparison
    versions: Reading | None = None
    credit: Credit | None = None


# Candidates kept of each part of a long query (Corpus.candidates; parts as the index keys make them).
PART_CANDIDATES = 3


def publication_day(published: str | None) -> int | None:
    """The day (an ordinal) of an ISO 8601 publication time, or None when unknown or unreadable."""
    if not published:
        return None
    try:
        return datetime.fromisoformat(published).toordinal()
    except ValueError:
        return None


def _closer_than_wire_first(ranked: list[Match], is_source: Callable[[Match], bool]) -> list[Match]:
    """``ranked`` with an earlier retelling first when it is closer than the wire copy ranked first.

    As the provenance graph picks a parent (:func:`~wiretrace.core.provenance.retold_closer`).
    """
    if not ranked or not is_source(ranked[0]) or agency_key(ranked[0].article.article.outlet) is None:
        return ranked
    top = closeness(ranked[0].comparison)
    if top is None:
        return ranked
    closer = [
        m
        for m in ranked
        if is_source(m)
        and agency_key(m.article.article.outlet) is None
        and retold_closer(closeness(m.comparison), m.comparison.direction_basis, top)
    ]
    if not closer:
        return ranked
    first = max(closer, key=lambda m: closeness(m.comparison) or 0.0)
    return [first, *(m for m in ranked if m is not first)]


# Endings of article files: a query ending so that is no file was meant as one.
_ARTICLE_SUFFIXES = frozenset({".txt", ".html", ".htm", ".jsonl", ".ndjson", ".warc", ".gz"})


def _resolved(path: str | None) -> Path | None:
    if not path:
        return None
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return None


class Corpus:
    """A store of articles with an engine to compare them.

    Args:
        store: Where articles and index keys live.
        engine: Decides pairs; its settings also set the index keys.
        cache_size: Prepared documents kept in memory (0 or more); by default
            the engine's ``cache_size`` setting.

    Raises:
        TypeError: A store, engine or ``cache_size`` of the wrong type.
        ConfigError: A ``cache_size`` below 0.
        StoreError: A store opened for other index settings than the engine's.

    Example:
        >>> from wiretrace.adapters.store import MemoryStore
        >>> corpus = Corpus(MemoryStore(), Engine())
        >>> corpus.ingest([Article("Seoul has 450,000 troops.", id="x")]).added
        1
    """

    def __init__(self, store: Store, engine: Engine, cache_size: int | None = None) -> None:
        if not isinstance(engine, Engine):
            raise TypeError(f"Corpus(store, engine) takes an Engine, not {type(engine).__name__}")
        if not all(hasattr(store, name) for name in ("add", "get", "find_digest", "pairs")):
            raise TypeError(
                "Corpus(store, engine) takes a store (SQLiteStore(path, store_fingerprint(settings)) or "
                f"MemoryStore()), not {type(store).__name__}"
            )
        opened_for = getattr(store, "fingerprint", None)
        if opened_for is not None and opened_for != store_fingerprint(engine.settings):
            raise StoreError(
                f"{getattr(store, 'path', 'the store')}: opened for index settings {opened_for!r}, but the engine's "
                f"are {store_fingerprint(engine.settings)!r}; open it with store_fingerprint(engine.settings)"
            )
        self.store = store
        self.engine = engine
        self.settings = engine.settings
        self._fp = fingerprint_settings(engine.settings)
        self._cache: OrderedDict[int, Document] = OrderedDict()
        if cache_size is not None and (isinstance(cache_size, bool) or not isinstance(cache_size, int)):
            raise TypeError(f"Corpus cache_size must be a whole number (or None), not {type(cache_size).__name__}")
        if cache_size is not None and cache_size < 0:  # the cache would be trimmed past empty, at the first query
            raise ConfigError(f"Corpus cache_size={cache_size} is out of range: 0 or more prepared documents")
        self._cache_size = engine.settings.cache_size if cache_size is None else cache_size

    # -- ingest -------------------------------------------------------------

    def ingest(
        self,
        items: Iterable[Article | Rejected],
        progress: Progress | None = None,
        workers: int = 1,
        on_rejected: Callable[[Rejected], None] | None = None,
        update: bool = False,
    ) -> IngestReport:
        """Add articles in batches, one transaction each; duplicates (same text, same outlet) are skipped.

        Args:
            items: Articles and rejections, as :func:`iter_articles` yields them. An
                article without an id is named by its ``path`` (as ``read_article``
                gives it); one with neither is rejected.
            progress: Called with the number of items handled after each batch.
            workers: Processes preparing batches (cleaning, sentences, index
                keys); the store is written by this process alone, in order.
            on_rejected: Called with each rejection as it is known (a killed
                ingest has said what it refused so far).
            update: An article given under a stored id with another text (an
                article updated since) replaces the stored one, which is
                forgotten with its pairs (the articles paired with it are
                scanned again); without it, it is rejected.

        Returns:
            The :class:`IngestReport`. A batch that fails to write raises
            :class:`~wiretrace.errors.StoreError` and leaves the store as it was
            before that batch.
        """
        if isinstance(items, str | bytes | os.PathLike | Article):
            raise TypeError(
                f"ingest() takes an iterable of Articles, not one {type(items).__name__}: "
                "wrap one Article in a list; read files and folders with iter_articles(paths)"
            )
        started = time.perf_counter()
        report = IngestReport()

        def reject(item: Rejected) -> None:
            report.rejected.append(item)
            if on_rejected is not None:
                on_rejected(item)

        pool = self._pool(workers, ingest=True)
        pending: deque[Future[PreparedBatch]] = deque()

        def write(prepared: PreparedBatch, size: int) -> None:
            self._write_batch(prepared, report, reject, update)
            if progress:
                progress(size)

        def batches() -> Iterator[list[Article]]:
            batch: list[Article] = []
            for item in items:
                if isinstance(item, Rejected):
                    reject(item)
                    continue
                if not isinstance(item, Article):
                    raise TypeError(
                        f"ingest() takes Articles (and Rejected), not {type(item).__name__}: "
                        "read files and folders with iter_articles(paths)"
                    )
                if not item.id and item.path:  # read_article's: named by its file, as iter_articles names it
                    item = replace(item, id=item.path)
                if not item.id:
                    reject(Rejected(f"{item.text[:40]!r}…", "article has no id (give it one: id=...)"))
                    continue
                batch.append(item)
                if len(batch) >= self.settings.batch_size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        try:
            for batch in batches():
                if pool is None:
                    write(self.prepare_batch(batch), len(batch))
                    continue
                with quiet_starts():
                    pending.append(pool.submit(prepare_in_worker, batch))
                while len(pending) > 2 * workers:  # bounded: a huge input never sits in memory
                    done = pending.popleft().result()
                    write(done, done.size)
            while pending:
                done = pending.popleft().result()
                write(done, done.size)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        report.wall_s = time.perf_counter() - started
        # One text given many times under one id (a feed repeating a row) is one copy under another id.
        report.same_as = list(dict.fromkeys(report.same_as))
        return report

    def prepare_batch(self, batch: Sequence[Article]) -> PreparedBatch:
        """Clean, split and fingerprint a batch of articles (nothing written)."""
        prepared = PreparedBatch(size=len(batch))
        views = []
        for article in batch:
            where = article.path or article.id or "article"
            try:
                view = self.engine.view(article)
            except InputError as exc:
                prepared.rejected.append(Rejected(exc.where, exc.problem))
                continue
            if not view.sentences:
                prepared.rejected.append(Rejected(where, "no article text found (empty or only page furniture)"))
                continue
            # A text met twice in the batch goes to the store twice: the store keeps the first it can add.
            # Dropped here, a copy would be lost whenever that first one is refused (its id taken).
            prepared.items.append(StoredArticle(article, content_digest(article), (), len(view.sentences)))
            views.append(view)
        # The index keys need a few words of each sentence, not vectors: the rest waits for the scan.
        prepared.items = [
            StoredArticle(r.article, r.digest, tuple(fingerprint(self.engine.index_terms(v), self._fp)), r.n_sentences)
            for r, v in zip(prepared.items, views, strict=True)
        ]
        return prepared

    def _write_batch(
        self, prepared: PreparedBatch, report: IngestReport, reject: Callable[[Rejected], None], update: bool = False
    ) -> None:
        for refused in prepared.rejected:
            reject(refused)
        result = self.store.add(prepared.items, replace=update)
        report.added += len(result.added) - len(result.replaced)
        report.updated += len(result.replaced)
        report.duplicates += len(result.duplicates)
        # The ids of the texts the duplicates repeat (ids only: re-ingesting a corpus repeats every text)
        rowids = [self.store.find_digest(item.digest) for item in result.duplicates]
        kept = self.store.ids_of([r for r in rowids if r is not None])
        for item, rowid in zip(result.duplicates, rowids, strict=True):
            if rowid in kept and kept[rowid] != item.article.id:  # a syndicated or re-posted copy
                report.same_as.append((str(item.article.id), kept[rowid]))
        for item in result.conflicts:
            a = item.article
            stored = self.store.get(str(a.id))
            if stored is not None and clean_text(stored.article.text) == a.text and stored.article.outlet == a.outlet:
                # Stored before the readers cleaned text (soft hyphens, U+2028): the same article.
                report.duplicates += 1
                continue
            if stored is not None and stored.article.text.split() == a.text.split():  # the outlet differs
                why = f"id {a.id!r} is already stored with outlet {stored.article.outlet!r}, not {a.outlet!r}"
            else:
                why = f"id {a.id!r} is already stored with another text"
            # The words spark-scan uses for the same line (the CLI adds that --update replaces it)
            reject(Rejected(a.path or str(a.id), f"{why} (forget it first)"))

    # -- documents and candidates --------------------------------------------

    def _remember(self, rowid: int, doc: Document) -> None:
        self._cache[rowid] = doc
        self._cache.move_to_end(rowid)
        self._trim_cache()

    def _trim_cache(self) -> None:
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def documents(self, rowids: Sequence[int], keep: bool = True) -> dict[int, Document]:
        """Prepared documents of stored articles (cached).

        Args:
            rowids: The articles.
            keep: Add the documents prepared now to the cache (those found
                there are used either way).
        """
        out = {r: self._cache[r] for r in rowids if r in self._cache}
        missing = [r for r in rowids if r not in out]
        if missing:
            stored = self.store.get_many(missing)
            for item, doc in zip(stored, self.engine.prepare_many([s.article for s in stored]), strict=True):
                out[item.rowid] = doc
                if keep:
                    self._remember(item.rowid, doc)
        for r in out:
            if r in self._cache:
                self._cache.move_to_end(r)
        return out

    def max_df(self, n_articles: int | None = None) -> int:
        """Keys held by more articles than this are too common to be evidence.

        Args:
            n_articles: Articles in the store, when the caller has counted them.
        """
        return max_df(self.store.count() if n_articles is None else n_articles)

    def candidates(self, doc: Document, exclude: int | None = None) -> list[tuple[int, float]]:
        """Stored articles worth comparing with ``doc``: ``(rowid, index score)``, best first.

        Only candidates scoring at least ``min_candidate_score`` are kept, and,
        when both publication dates are known, only those within ``window_days``.
        A long query may hold several articles (a page reprinting them, a
        digest): the most distinctive terms of the whole speak for the one that
        dominates it, so each of its parts (:func:`~wiretrace.core.fingerprint.parts`)
        asks too, and its best :data:`PART_CANDIDATES` candidates follow the
        whole's. A scan asks by each article's stored keys, which hold its
        parts' terms.
        """
        published = doc.view.article.published
        n = self.store.count()
        ranked = self._rank(fingerprint(doc.features, self._fp), published, exclude, n)
        seen = {r for r, _ in ranked}
        for start, end in parts(len(doc.features), self._fp):
            part = doc.features[start:end]
            for r, score in self._rank(fingerprint(part, self._fp), published, exclude, n, limit=PART_CANDIDATES):
                if r not in seen:
                    seen.add(r)
                    ranked.append((r, score))
        return ranked

    def _rank(
        self,
        keys: Sequence[str],
        published: str | None,
        exclude: int | None,
        n: int | None = None,
        known: ScanPostings | None = None,
        limit: int | None = None,
    ) -> list[tuple[int, float]]:
        # Counting is a scan of an index in SQLite: at 100k articles it was half the time of a
        # candidate search. Count once here, or once per scan batch when the caller gives ``n``.
        n = self.store.count() if n is None else n
        postings: Mapping[str, Sequence[int]]
        if known is None:
            postings = self.store.postings(keys, self.max_df(n))
        else:
            postings = known.postings(self.store, keys, self.max_df(n))

        def days_of(rowids: list[int]) -> dict[int, int | None]:
            return {r: publication_day(published) for r, (published, _) in self.store.dates_and_outlets(rowids).items()}

        return select_candidates(
            keys,
            postings,
            n,
            limit=self.settings.candidates if limit is None else limit,
            min_score=self.settings.min_candidate_score,
            window_days=self.settings.window_days,
            day=publication_day(published),
            days_of=days_of,
            exclude=exclude,
            tiebreak=self.store.digests_of,
        )

    # -- queries -------------------------------------------------------------

    def _query_document(self, query: Article | str | os.PathLike[str]) -> tuple[Document, int | None]:
        if isinstance(query, os.PathLike):
            from wiretrace.adapters.readers import read_article

            query = read_article(Path(query))
        if isinstance(query, str):
            stored = self.store.get(query)
            if stored is None:
                if "\n" in query or len(query) > 200:
                    # Text given where an id is expected: name its start, not the whole article.
                    raise InputError(
                        f"{query[:60].splitlines()[0]}…",
                        "no article with this id in the store (a str is an id here; pass an Article to look up a text)",
                    )
                if Path(query).suffix.lower() in _ARTICLE_SUFFIXES or os.sep in query:
                    # A file named wrong, most likely: say that first.
                    raise InputError(query, "no such file, and no article with this id in the store")
                raise InputError(query, "no article with this id in the store (wiretrace ingest it first)")
            return self.documents([stored.rowid])[stored.rowid], stored.rowid
        if not isinstance(query, Article):
            raise TypeError(
                f"a query is a stored article's id (str), an Article or a pathlib.Path, not {type(query).__name__}"
            )
        rowid, doc = self._stored_rowid(query)
        if rowid is not None:
            # The article is stored: its stored self answers, with what ingest gave it (an --outlet, say), so a
            # file and its id get the same answer.
            return self.documents([rowid])[rowid], rowid
        return doc or self.engine.prepare(query), None

    def stored_as(self, query: Article) -> StoredArticle | None:
        """The stored article ``query`` is, whose stored self answers ``sources`` and ``copies`` of it.

        By its text and outlet, or by the id or path it was stored under with
        the same text (though read without the outlet ingest gave it), or as
        the same file under a path spelt otherwise; None when it is not stored.
        """
        rowid, _ = self._stored_rowid(query)
        return None if rowid is None else self.store.get(rowid)

    def _stored_rowid(self, query: Article) -> tuple[int | None, Document | None]:
        """:meth:`stored_as`'s rowid, and the query prepared where finding it took that."""
        rowid = self.store.find_digest(content_digest(query))
        if rowid is None:
            rowid = self._stored_by_name(query)
        if rowid is not None:
            return rowid, None
        doc = self.engine.prepare(query)
        return self._same_file(query, doc), doc

    def _stored_by_name(self, query: Article) -> int | None:
        """The rowid of the stored article a file is, though read without the outlet ingest gave it.

        The digest covers the outlet (another outlet's copy is another article), so the file a folder was
        ingested from with ``--outlet`` is found by the id ingest gave it (its path), holding the same text.
        """
        for name in dict.fromkeys(n for n in (query.id, query.path) if n):
            stored = self.store.get(name)
            if stored is not None and stored.article.text.split() == query.text.split():
                return stored.rowid
        return None

    def _same_file(self, query: Article, doc: Document) -> int | None:
        """The stored article read from the same file as ``query`` (its path spelt otherwise), same text.

        The same file: the same path once resolved, or (a relative path stored
        from another working folder) the same file name.
        """
        here = _resolved(query.path)
        if here is None:
            return None
        # The same text ranks first (it shares every key): the whole's keys, not its parts'
        for rowid, _ in self._rank(fingerprint(doc.features, self._fp), doc.view.article.published, None)[:3]:
            stored = self.store.get(rowid)
            if stored is None or stored.article.text.split() != query.text.split():
                continue
            there = _resolved(stored.article.path)
            if there == here or (there is not None and there.name == here.name):
                return rowid
        return None

    def sources(self, query: Article | str | os.PathLike[str], rewrites_only: bool = False) -> list[Match]:
        """The stored articles ``query`` may have been written from, most likely first.

        Args:
            query: An article, a file to read it from (:class:`pathlib.Path`),
                or the id of a stored one (a ``str``).
            rewrites_only: Only matches whose comparison says ``rewrite`` with
                the stored article as the source (alone, or with its versions
                read as one).

        Returns:
            Matches whose comparison says ``rewrite`` with the stored article as
            the source and, unless ``rewrites_only``, those it says report the
            same event (a possible source the comparison could not show copied;
            each match's verdict says which). With the ``wire_versions``
            setting, when the query is related to two or more copies of one
            agency's story, they are also read as one; a copy that reading
            draws on is a source (``Match.versions``). A news agency's copy comes first
            when the query is not an agency's (with the ``agency_rule``
            setting): papers that retold one wire story read as rewrites of
            each other, and the wire is the origin of what they share; but an
            earlier source no agency's whose sentence links to the query are
            clearly stronger than the wire copy's comes before it (the query
            retold that retelling; as the provenance graph picks a parent,
            :func:`~wiretrace.core.provenance.trace_provenance`). Then
            sources before same-event matches, each by the share of the query
            it accounts for times the confidence.
        """
        doc, rowid = self._query_document(query)
        matches = self._compared(doc, rowid)
        outlet = doc.view.article.outlet
        if self.settings.wire_versions and agency_key(outlet) is None:
            matches = self._read_matches(doc, matches)

        def is_source(m: Match) -> bool:
            c = m.comparison
            # A copy whose direction the text cannot tell (the same text, say) may be either: listed, so marked.
            return (c.relation == "rewrite" and (c.source == "a" or direction_undecided(c))) or m.versions is not None

        def weight(m: Match) -> float:
            if m.versions is not None and m.credit is not None:
                return m.credit.coverage_derived * m.versions.comparison.confidence
            return m.comparison.coverage["derived"] * m.comparison.confidence

        found = [m for m in matches if is_source(m) or (m.comparison.relation == "same-event" and not rewrites_only)]
        ranked = sorted(
            found,
            key=lambda m: (
                # The agency rule's own test: only the stored side is an agency's.
                not (self.settings.agency_rule and order_by_agency(m.article.article.outlet, outlet) < 0),
                not is_source(m),
                -weight(m),
            ),
        )
        return _closer_than_wire_first(ranked, is_source) if self.settings.agency_rule else ranked

    def _read_matches(self, doc: Document, matches: list[Match]) -> list[Match]:
        """Matches with the query's related copies of one agency's story read as one (per agency, two or more)."""
        by_agency: dict[str, list[Match]] = {}
        for m in matches:
            key = agency_key(m.article.article.outlet)
            if key is not None and m.comparison.relation in ("rewrite", "same-event"):
                by_agency.setdefault(key, []).append(m)
        readings: dict[int, Reading] = {}
        for group in by_agency.values():
            if len(group) < 2:
                continue
            docs = self.documents([m.article.rowid for m in group])
            reading = read_as_one(self.engine, doc, [(r, docs[r]) for r in sorted(docs)])
            if reading is not None:
                readings.update({r: reading for r in reading.credits})
        out = []
        for m in matches:
            reading = readings.get(m.article.rowid)
            if reading is not None:
                m = replace(m, versions=reading, credit=reading.credits[m.article.rowid])
            out.append(m)
        return out

    def copies(self, query: Article | str | os.PathLike[str]) -> list[Match]:
        """The stored articles written from ``query``, best first.

        Matches whose comparison says ``rewrite`` with ``query`` as the source,
        by the share of the copy it accounts for times the confidence. With the
        ``wire_versions`` setting and a query of a news agency's, an article
        the comparison relates to it is also read against it and the other
        copies of that agency the scan related to the article, as one; when
        that reading draws on the query, it is a copy (``Match.versions``).
        """
        doc, rowid = self._query_document(query)
        matches = self._compared(doc, rowid)
        key = agency_key(doc.view.article.outlet)
        if self.settings.wire_versions and key is not None:
            matches = self._read_copies(doc, rowid, key, matches)

        def written_from_query(m: Match) -> bool:
            c = m.comparison
            return (c.relation == "rewrite" and (c.source == "b" or direction_undecided(c))) or m.versions is not None

        def weight(m: Match) -> float:
            if m.versions is None:
                return m.comparison.coverage["derived"] * m.comparison.confidence
            return (m.credit.coverage_derived if m.credit else 0.0) * m.versions.comparison.confidence

        return sorted((m for m in matches if written_from_query(m)), key=lambda m: -weight(m))

    def _read_copies(self, doc: Document, rowid: int | None, agency: str, matches: list[Match]) -> list[Match]:
        """Matches of a wire copy: each related article no agency's read against it and its other versions as one.

        The other versions are the copies of the same agency the scan found
        related to that article (its stored pairs, own verdicts).
        """
        me = rowid if rowid is not None else 0
        out = []
        for m in matches:
            other = m.article.rowid
            c = m.comparison
            if (
                agency_key(m.article.article.outlet) is not None
                or c.relation not in ("rewrite", "same-event")
                or (c.relation == "rewrite" and c.source == "b")
            ):
                out.append(m)
                continue
            pairs = [own_verdict(p) for p in self.store.pairs_of([other])]
            ends = {p.a if p.b == other else p.b for p in pairs if p.relation in ("rewrite", "same-event")} - {me}
            outlets = self.store.dates_and_outlets(sorted(ends))
            versions = sorted(r for r, (_, outlet) in outlets.items() if agency_key(outlet) == agency)
            if not versions:
                out.append(m)
                continue
            docs = self.documents([other, *versions])
            reading = read_as_one(self.engine, docs[other], [(me, doc), *[(r, docs[r]) for r in versions]])
            if reading is not None and me in reading.credits:
                m = replace(m, versions=reading, credit=reading.credits[me])
            out.append(m)
        return out

    def _compared(self, doc: Document, rowid: int | None) -> list[Match]:
        """Every index candidate of a prepared query, compared with it (the candidate as ``a``).

        A stored query is compared with every article a scan found a rewrite of it or written from it as
        well: a wire story taken by 25 papers has 25 copies, not the ``candidates`` its own index search
        ranks first. (Its same-event partners, as many as a big story's articles, are left to the search.)
        """
        others = [r for r, _ in self.candidates(doc, exclude=rowid)]
        if rowid is not None:
            seen = set(others) | {rowid}
            for p in self.store.pairs_of([rowid]):
                other = p.b if p.a == rowid else p.a
                if p.relation == "rewrite" and other not in seen:
                    seen.add(other)
                    others.append(other)
        docs = self.documents(others)
        stored = {s.rowid: s for s in self.store.get_many(list(docs))}
        return [Match(stored[r], self.engine.compare_documents(docs[r], doc)) for r in others if r in docs]

    # -- scan ----------------------------------------------------------------

    def candidates_of(
        self, rowid: int, n_articles: int | None = None, known: ScanPostings | None = None, limit: int | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`candidates` of a stored article, from its stored keys (nothing to prepare).

        Args:
            rowid: The stored article.
            n_articles: Articles in the store, when the caller has counted them
                (a scan counts once per batch: it adds no articles).
            known: What earlier searches learnt of the index (:class:`ScanPostings`),
                used and added to. Valid while the store holds the same
                articles: a scan keeps one while its count stays the same.
            limit: Most candidates kept (the ``candidates`` setting by default).
        """
        meta = self.store.dates_and_outlets([rowid])
        if rowid not in meta:
            return []
        keys = self.store.keys_of(rowid)
        return self._rank(keys, meta[rowid][0], exclude=rowid, n=n_articles, known=known, limit=limit)

    def scan(self, progress: Progress | None = None, workers: int = 1) -> ScanReport:
        """Decide every candidate pair of the articles not yet scanned (:func:`wiretrace.corpus_scan.scan`).

        Incremental: articles scanned before are not scanned again, but a new
        article is compared with old ones, so its pairs with them are found.
        Each batch is committed with its articles marked scanned, so a killed
        scan resumes where it stopped.

        Args:
            progress: Called with the number of articles done after each batch.
            workers: Processes deciding pairs; more than 1 needs a store on disk
                (each worker opens it read-only) and an engine that pickles (one
                given its own parts is handed to the workers; else they build theirs
                from the settings).
        """
        return scan(self, progress, workers)

    def read_versions(
        self, scanned: Sequence[int], skip: Collection[int] = ()
    ) -> tuple[dict[int, int], dict[int, list[PairRecord]]]:
        """:func:`wiretrace.corpus_scan.read_versions` on this corpus."""
        return read_versions(self, scanned, skip)

    def decide_pairs(self, pairs: Sequence[tuple[int, int]]) -> list[PairRecord]:
        """Compare stored article pairs; the related ones as :class:`PairRecord`.

        A pair with an article no longer stored (forgotten while a scan ran) is skipped.
        """
        docs = self.documents(sorted({r for pair in pairs for r in pair}))
        out = []
        for a, b in pairs:
            if a not in docs or b not in docs:
                continue
            first, second = compared_first(a, docs[a].view.article.id, b, docs[b].view.article.id)
            result = self.engine.compare_documents(docs[first], docs[second])
            if result.relation != "unrelated":
                out.append(pair_record(first, second, result))
        return out

    def _pool(self, workers: int, ingest: bool = False) -> ProcessPoolExecutor | None:
        path = getattr(self.store, "path", None)
        if workers <= 1 or (not ingest and (not path or path == ":memory:")):
            return None
        engine = None
        if not self.engine.from_settings:
            # A worker builds its engine from the settings alone, unless it is given this one's own parts.
            try:
                engine = pickled_engine(self.engine, ingest)
            except Exception as e:  # what fails to pickle is the user's own part, of any kind
                warnings.warn(
                    f"workers={workers} ignored: this engine's own embedder, lexicon or fitted models do not "
                    f"pickle to worker processes ({type(e).__name__}: {e}); the work is done in this process",
                    stacklevel=user_stacklevel(),
                )
                return None
        return worker_pool(None if ingest else path, self.settings, workers, engine)

    def forget(self, article: str | int | Article | os.PathLike[str]) -> str | None:
        """Remove a stored article with its index keys and pairs; the articles paired with it are scanned again.

        Args:
            article: A stored article's id (a ``str``) or number in the store
                (an ``int``, as :meth:`stories` names articles), or an article
                or a file (:class:`pathlib.Path`) to find the stored one by, as
                :meth:`stored_as` finds it.

        Returns:
            The id of the article removed, or None when none is stored so.

        Raises:
            TypeError: ``article`` is none of these.
        """
        if isinstance(article, str):
            return article if self.store.forget(article) else None
        if isinstance(article, int) and not isinstance(article, bool):
            item = self.store.get(article)
            return self.forget(item.article.id) if item is not None and item.article.id else None
        if isinstance(article, os.PathLike):
            from wiretrace.adapters.readers import read_article

            article = read_article(Path(article))
        if not isinstance(article, Article):
            raise TypeError(
                "forget() takes a stored id (str), a number in the store (int), an Article or a pathlib.Path, "
                f"not {type(article).__name__}"
            )
        stored = self.stored_as(article)
        if stored is None or not stored.article.id or not self.store.forget(stored.article.id):
            return None
        return stored.article.id

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stories(self) -> list[Story]:
        """Stories (related articles: :func:`~wiretrace.core.provenance.cluster_stories`), with graphs, largest first.

        Articles with no related article are left out. Articles are named by their rowids in the store:
        ``self.store.ids_of(story.articles)`` gives their ids, as ``scan --jsonl`` shows them.
        """
        pairs = self.store.pairs()
        members = sorted({p.a for p in pairs} | {p.b for p in pairs})
        meta = self.store.dates_and_outlets(members)
        published = {r: when for r, (when, _) in meta.items()}
        # With the agency rule off, nothing of an outlet counts: the graph reads the text (and dates) alone.
        outlets = {r: outlet for r, (_, outlet) in meta.items()} if self.settings.agency_rule else None
        return stories_from_pairs(pairs, published, outlets, self.store.ids_of(members))
