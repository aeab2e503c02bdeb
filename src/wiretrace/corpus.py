"""Corpus mode: ingest articles into a store, find sources and copies, scan for stories.

Built from the engine's stages, unchanged: every pair is decided by
:meth:`wiretrace.pipeline.Engine.compare_documents`. What corpus mode adds is
*which* pairs to decide: never all pairs, only candidates from the store's
inverted index (distinctive terms for paraphrases, MinHash bands for near
copies; see :mod:`wiretrace.core.fingerprint`), within a publication-time
window when dates are known.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

from wiretrace.adapters.inputs import Rejected
from wiretrace.adapters.store.base import PairRecord, Store, StoredArticle
from wiretrace.core.agencies import agency_key, order_by_agency
from wiretrace.core.fingerprint import FingerprintSettings, fingerprint, max_df, select_candidates
from wiretrace.core.provenance import Story
from wiretrace.core.represent import Document
from wiretrace.corpus_workers import decide_in_worker, pair_shares, prepare_in_worker, worker_pool
from wiretrace.errors import InputError
from wiretrace.pipeline import Engine
from wiretrace.settings import Settings
from wiretrace.stories import pair_record, stories_from_pairs
from wiretrace.types import Article, Comparison
from wiretrace.wire import Credit, Reading, own_verdict, read_as_one, version_sets, versions_records

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

# Batches a scan with workers keeps in their hands at once. On the 10k bench store
# (2 workers): 1 batch 39.3 s, 2 batches 36.7 s, 3 batches 36.5 s.
SCAN_IN_FLIGHT = 2

Progress = Callable[[int], None]


def content_digest(article: Article) -> str:
    """sha256 of the article text with whitespace collapsed: the same text ingests once."""
    return hashlib.sha256(" ".join(article.text.split()).encode("utf-8")).hexdigest()


def fingerprint_settings(settings: Settings) -> FingerprintSettings:
    """The index-key settings within ``settings``."""
    return FingerprintSettings(settings.max_terms, settings.shingle, settings.bands, settings.rows)


def store_fingerprint(settings: Settings) -> str:
    """A name for the index-key settings, recorded in the store so mismatched keys are refused."""
    f = fingerprint_settings(settings)
    return f"terms{f.max_terms}-shingle{f.shingle}-lsh{f.bands}x{f.rows}-seed{f.seed}"


@dataclass
class IngestReport:
    """What an ingest did: counts, and every rejection with its reason."""

    added: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    wall_s: float = 0.0


@dataclass
class PreparedBatch:
    """A batch ready to write: its articles with keys, what was rejected, duplicates within it."""

    size: int
    items: list[StoredArticle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: int = 0


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


@dataclass
class ScanReport:
    """What a scan did.

    Attributes:
        scanned: Articles scanned.
        compared: Candidate pairs decided.
        found: Related pairs found, by relation (each pair's own verdict).
        read_as_versions: Readings of wire versions as one (:mod:`wiretrace.wire`):
            per article the scan affected, the agencies with two or more
            copies related to it, as of its last reading.
        from_versions: Pairs those last readings record as rewrites.
        wall_s: Seconds.
    """

    scanned: int = 0
    compared: int = 0
    found: dict[str, int] = field(default_factory=dict)
    read_as_versions: int = 0
    from_versions: int = 0
    wall_s: float = 0.0


class ScanPostings:
    """What a scan has learnt of the index while the store holds the same articles.

    A scan goes through the store in publication order, and neighbours share
    many keys: on the 100k benchmark store, 90% of the postings rows 6,000
    consecutive articles read were of keys an earlier one had read. Kept: the
    keys held by too many articles to be evidence (``common``), and the
    postings lists of keys held by at least ``min_holders`` articles, most
    recently used first, up to ``max_rows`` rowids in all (8 bytes each).

    Args:
        max_rows: Rowids kept in all.
        min_holders: Shortest list kept (a short list costs little to read again).
    """

    def __init__(self, max_rows: int = 2_000_000, min_holders: int = 32) -> None:
        self.common: set[str] = set()
        self.lists: OrderedDict[str, array[int]] = OrderedDict()
        self.rows = 0
        self.max_rows = max_rows
        self.min_holders = min_holders

    def postings(self, store: Store, keys: Sequence[str], max_df: int) -> dict[str, Sequence[int]]:
        """:meth:`Store.postings` of ``keys``, from what is kept where it can be."""
        wanted = [k for k in keys if k not in self.common]
        found: dict[str, Sequence[int]] = {}
        missing = []
        for k in wanted:
            held = self.lists.get(k)
            if held is None:
                missing.append(k)
            else:
                self.lists.move_to_end(k)
                found[k] = held
        read = store.postings(missing, max_df) if missing else {}
        for k in missing:
            holders = read.get(k)
            if holders is None:
                # Held by too many articles (or none); with no article added or forgotten it stays so.
                self.common.add(k)
            else:
                found[k] = holders
                if len(holders) >= self.min_holders:
                    self.lists[k] = array("q", holders)
                    self.rows += len(holders)
        while self.rows > self.max_rows:
            _, dropped = self.lists.popitem(last=False)
            self.rows -= len(dropped)
        return found


def publication_day(published: str | None) -> int | None:
    """The day (an ordinal) of an ISO 8601 publication time, or None when unknown or unreadable."""
    if not published:
        return None
    try:
        return datetime.fromisoformat(published).toordinal()
    except ValueError:
        return None


class Corpus:
    """A store of articles with an engine to compare them.

    Args:
        store: Where articles and index keys live.
        engine: Decides pairs; its settings also set the index keys.
        cache_size: Prepared documents kept in memory; by default the
            engine's ``cache_size`` setting.

    Example:
        >>> from wiretrace.adapters.store import MemoryStore
        >>> corpus = Corpus(MemoryStore(), Engine())
        >>> corpus.ingest([Article("Seoul has 450,000 troops.", id="x")]).added
        1
    """

    def __init__(self, store: Store, engine: Engine, cache_size: int | None = None) -> None:
        self.store = store
        self.engine = engine
        self.settings = engine.settings
        self._fp = fingerprint_settings(engine.settings)
        self._cache: OrderedDict[int, Document] = OrderedDict()
        self._cache_size = engine.settings.cache_size if cache_size is None else cache_size

    # -- ingest -------------------------------------------------------------

    def ingest(
        self, items: Iterable[Article | Rejected], progress: Progress | None = None, workers: int = 1
    ) -> IngestReport:
        """Add articles in batches, one transaction each; duplicates (same text) are skipped.

        Args:
            items: Articles (with ids) and rejections, as :func:`iter_articles` yields them.
            progress: Called with the number of items handled after each batch.
            workers: Processes preparing batches (cleaning, sentences, index
                keys); the store is written by this process alone, in order.

        Returns:
            The :class:`IngestReport`. A batch that fails to write raises
            :class:`~wiretrace.errors.StoreError` and leaves the store as it was
            before that batch.
        """
        started = time.perf_counter()
        report = IngestReport()
        pool = self._pool(workers, ingest=True)
        pending: deque[Future[PreparedBatch]] = deque()

        def write(prepared: PreparedBatch, size: int) -> None:
            self._write_batch(prepared, report)
            if progress:
                progress(size)

        def batches() -> Iterator[list[Article]]:
            batch: list[Article] = []
            for item in items:
                if isinstance(item, Rejected):
                    report.rejected.append(item)
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
        return report

    def prepare_batch(self, batch: Sequence[Article]) -> PreparedBatch:
        """Clean, split and fingerprint a batch of articles (nothing written)."""
        prepared = PreparedBatch(size=len(batch))
        views = []
        seen: set[str] = set()
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
            digest = content_digest(article)
            if digest in seen:
                prepared.duplicates += 1
                continue
            seen.add(digest)
            prepared.items.append(StoredArticle(article, digest, (), len(view.sentences)))
            views.append(view)
        # The index keys need a few words of each sentence, not vectors: the rest waits for the scan.
        prepared.items = [
            StoredArticle(r.article, r.digest, tuple(fingerprint(self.engine.index_terms(v), self._fp)), r.n_sentences)
            for r, v in zip(prepared.items, views, strict=True)
        ]
        return prepared

    def _write_batch(self, prepared: PreparedBatch, report: IngestReport) -> None:
        report.rejected.extend(prepared.rejected)
        report.duplicates += prepared.duplicates
        result = self.store.add(prepared.items)
        report.added += len(result.added)
        report.duplicates += len(result.duplicates)
        for item in result.conflicts:
            a = item.article
            report.rejected.append(
                Rejected(a.path or str(a.id), f"id {a.id!r} is already stored with another text (forget it first)")
            )

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
        """
        return self._rank(fingerprint(doc.features, self._fp), doc.view.article.published, exclude)

    def _rank(
        self,
        keys: Sequence[str],
        published: str | None,
        exclude: int | None,
        n: int | None = None,
        known: ScanPostings | None = None,
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
            limit=self.settings.candidates,
            min_score=self.settings.min_candidate_score,
            window_days=self.settings.window_days,
            day=publication_day(published),
            days_of=days_of,
            exclude=exclude,
        )

    # -- queries -------------------------------------------------------------

    def _query_document(self, query: Article | str) -> tuple[Document, int | None]:
        if isinstance(query, str):
            stored = self.store.get(query)
            if stored is None:
                if "\n" in query or len(query) > 200:
                    # Text given where an id is expected: name its start, not the whole article.
                    raise InputError(
                        f"{query[:60].splitlines()[0]}…",
                        "no article with this id in the store (a str is an id here; pass an Article to look up a text)",
                    )
                raise InputError(query, "no article with this id in the store (wiretrace ingest it first)")
            return self.documents([stored.rowid])[stored.rowid], stored.rowid
        rowid = self.store.find_digest(content_digest(query))
        if rowid is not None:
            # The text is stored: its stored self answers, with what ingest gave it (an --outlet, say), so a
            # file and its id get the same answer.
            return self.documents([rowid])[rowid], rowid
        return self.engine.prepare(query), None

    def sources(self, query: Article | str, rewrites_only: bool = False) -> list[Match]:
        """The stored articles ``query`` may have been written from, most likely first.

        Args:
            query: An article (read from a file, say) or the id of a stored one.
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
            each other, and the wire is the origin of what they share. Then
            sources before same-event matches, each by the share of the query
            it accounts for times the confidence (as the provenance graph
            picks a parent).
        """
        doc, rowid = self._query_document(query)
        matches = self._compared(doc, rowid)
        outlet = doc.view.article.outlet
        if self.settings.wire_versions and agency_key(outlet) is None:
            matches = self._read_matches(doc, matches)

        def is_source(m: Match) -> bool:
            return (m.comparison.relation == "rewrite" and m.comparison.source == "a") or m.versions is not None

        def weight(m: Match) -> float:
            if m.versions is not None and m.credit is not None:
                return m.credit.coverage_derived * m.versions.comparison.confidence
            return m.comparison.coverage["derived"] * m.comparison.confidence

        found = [m for m in matches if is_source(m) or (m.comparison.relation == "same-event" and not rewrites_only)]
        return sorted(
            found,
            key=lambda m: (
                # The agency rule's own test: only the stored side is an agency's.
                not (self.settings.agency_rule and order_by_agency(m.article.article.outlet, outlet) < 0),
                not is_source(m),
                -weight(m),
            ),
        )

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

    def copies(self, query: Article | str) -> list[Match]:
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
            return (m.comparison.relation == "rewrite" and m.comparison.source == "b") or m.versions is not None

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
        """Every index candidate of a prepared query, compared with it (the candidate as ``a``)."""
        cands = self.candidates(doc, exclude=rowid)
        docs = self.documents([r for r, _ in cands])
        stored = {s.rowid: s for s in self.store.get_many(list(docs))}
        return [Match(stored[r], self.engine.compare_documents(docs[r], doc)) for r, _ in cands]

    # -- scan ----------------------------------------------------------------

    def candidates_of(
        self, rowid: int, n_articles: int | None = None, known: ScanPostings | None = None
    ) -> list[tuple[int, float]]:
        """:meth:`candidates` of a stored article, from its stored keys (nothing to prepare).

        Args:
            rowid: The stored article.
            n_articles: Articles in the store, when the caller has counted them
                (a scan counts once per batch: it adds no articles).
            known: What earlier searches learnt of the index (:class:`ScanPostings`),
                used and added to. Valid while the store holds the same
                articles: a scan keeps one while its count stays the same.
        """
        meta = self.store.dates_and_outlets([rowid])
        if rowid not in meta:
            return []
        return self._rank(self.store.keys_of(rowid), meta[rowid][0], exclude=rowid, n=n_articles, known=known)

    def scan(self, progress: Progress | None = None, workers: int = 1) -> ScanReport:
        """Decide every candidate pair of the articles not yet scanned.

        Incremental: articles scanned before are not scanned again, but a new
        article is compared with old ones, so its pairs with them are found.
        After each batch, the articles it can have changed are read against
        their wire versions as one (:meth:`read_versions`). Each batch of
        results is committed with its articles marked scanned, so a killed
        scan resumes where it stopped.

        Args:
            progress: Called with the number of articles done after each batch.
            workers: Processes deciding pairs; more than 1 needs a store on disk
                (each worker opens it read-only) and an engine built from its
                settings.
        """
        started = time.perf_counter()
        report = ScanReport()
        todo = self.store.unscanned()
        batch = self.settings.scan_batch
        done: set[tuple[int, int]] = set()
        pool = self._pool(workers)
        kept_size = self._cache_size
        if pool is None:  # this process decides the pairs: it keeps a scan's worth of documents meanwhile
            self._cache_size = max(kept_size, self.settings.scan_cache_size)

        readings: dict[int, tuple[int, int]] = {}  # article -> (version sets read, pairs made rewrites), latest
        later = set(todo)  # to be scanned by this scan: read when their own batch is done, not before

        def finish(chunk: list[int], records: list[PairRecord]) -> None:
            for record in records:
                report.found[record.relation] = report.found.get(record.relation, 0) + 1
            if not self.settings.wire_versions:
                self.store.record_scan(chunk, records)
            else:
                # The batch counts as scanned once its articles' readings are written too: a scan killed
                # between the two writes decides the batch again.
                self.store.record_scan([], records)
                later.difference_update(chunk)
                read, upgrades = self.read_versions(chunk, skip=later)
                self.store.record_scan(chunk, [r for found in upgrades.values() for r in found])
                for article in read.keys() | upgrades.keys():
                    made = sum("versions" in r.summary for r in upgrades.get(article, []))
                    readings[article] = (read.get(article, 0), made)
            report.scanned += len(chunk)
            if progress:
                progress(len(chunk))

        def finish_pending(chunk: list[int], futures: list[Future[list[PairRecord]]]) -> None:
            finish(chunk, [r for f in futures for r in f.result()])

        # With workers, later batches' candidates are searched here while the workers decide earlier ones' pairs;
        # batches are committed in order.
        pending: deque[tuple[list[int], list[Future[list[PairRecord]]]]] = deque()
        known = ScanPostings()
        counted = -1
        try:
            for start in range(0, len(todo), batch):
                chunk = todo[start : start + batch]
                n_articles = self.store.count()
                if n_articles != counted:  # another process added or forgot articles
                    known, counted = ScanPostings(), n_articles
                jobs: list[list[tuple[int, int]]] = []
                for rowid in chunk:
                    pairs = []
                    for r, _ in self.candidates_of(rowid, n_articles, known):
                        key = (min(r, rowid), max(r, rowid))
                        if key not in done:
                            done.add(key)
                            pairs.append(key)
                    if pairs:
                        jobs.append(pairs)
                report.compared += sum(len(j) for j in jobs)
                if pool is None:
                    finish(chunk, self.decide_pairs([p for job in jobs for p in job]))
                    continue
                while len(pending) >= SCAN_IN_FLIGHT:
                    finish_pending(*pending.popleft())
                pending.append((chunk, [pool.submit(decide_in_worker, share) for share in pair_shares(jobs, workers)]))
            while pending:
                finish_pending(*pending.popleft())
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            self._cache_size = kept_size
            self._trim_cache()
        report.read_as_versions = sum(n for n, _ in readings.values())
        report.from_versions = sum(n for _, n in readings.values())
        report.wall_s = time.perf_counter() - started
        return report

    def read_versions(
        self, scanned: Sequence[int], skip: Collection[int] = ()
    ) -> tuple[dict[int, int], dict[int, list[PairRecord]]]:
        """Read wire versions as one for the articles that scanning ``scanned`` can have changed.

        Those are the scanned articles that are no agency's, and the articles
        that are no agency's related to a scanned agency copy (a new version
        of a story they retold). Each is read again from its pairs' own
        verdicts, as the store holds them: upgrades from an earlier reading
        are undone, and replaced by the new reading's. Nothing is written.

        Args:
            scanned: Articles just scanned (their pairs stored).
            skip: Articles not to read now: those a scan has yet to scan are
                read when it has (each article's last reading is what counts,
                and until it is scanned more pairs of its may be found).

        Returns:
            For each article read: the version sets read (one per agency with
            two or more related copies), and the records to write (earlier
            upgrades undone, then the new ones).
        """
        chunk = sorted(set(scanned))
        in_chunk = set(chunk)
        pairs = self.store.pairs_of(chunk)
        by_article: dict[int, list[PairRecord]] = {}
        for p in pairs:
            by_article.setdefault(p.a, []).append(p)
            by_article.setdefault(p.b, []).append(p)
        ends = sorted(set(by_article) | set(chunk))
        outlets = {r: outlet for r, (_, outlet) in self.store.dates_and_outlets(ends).items()}
        is_wire = {r: agency_key(o) is not None for r, o in outlets.items()}
        articles: set[int] = set()
        for x in chunk:
            if is_wire.get(x, True):
                # A new copy of a story: the articles retelling it are read again, with all their pairs.
                articles.update(y for p in by_article.get(x, []) for y in (p.a, p.b) if not is_wire.get(y, True))
                continue
            mine = by_article.get(x, [])
            # Its pairs are all here: read it when two copies of an agency's story might be, or to undo a reading.
            if sum(is_wire.get(p.b if p.a == x else p.a, False) for p in mine) >= 2 or any(
                "versions" in p.summary for p in mine
            ):
                articles.add(x)
        ordered = sorted(articles.difference(skip))
        more = [x for x in ordered if x not in in_chunk]
        if more:
            wanted = set(more)
            for x in more:
                by_article[x] = []  # the pairs with this batch are among all of its pairs, read now
            for p in self.store.pairs_of(more):
                for r in (p.a, p.b):
                    if r in wanted:
                        by_article[r].append(p)
            ends = sorted({r for x in more for p in by_article.get(x, []) for r in (p.a, p.b)} - set(outlets))
            outlets.update({r: outlet for r, (_, outlet) in self.store.dates_and_outlets(ends).items()})
        read: dict[int, int] = {}
        records: dict[int, list[PairRecord]] = {}
        for x in ordered:
            mine = by_article.get(x, [])
            # Undo this article's earlier readings; the new one (if any) replaces them.
            undone = [own_verdict(p) for p in mine if "versions" in p.summary and p.derived == x]
            by_other = {(p.b if p.a == x else p.a): p for p in mine}
            found: list[PairRecord] = []
            sets = version_sets(x, outlets.get(x), mine, outlets)
            for versions in sets:
                # Not kept: with workers this process decides no pairs, and a full cache here cost 70 MB.
                docs = self.documents([x, *versions], keep=False)
                found += versions_records(self.engine, x, docs[x], [(r, docs[r]) for r in versions], by_other)
            if sets:
                read[x] = len(sets)
            if sets or undone:
                records[x] = undone + found
        return read, records

    def decide_pairs(self, pairs: Sequence[tuple[int, int]]) -> list[PairRecord]:
        """Compare stored article pairs; the related ones as :class:`PairRecord`."""
        docs = self.documents(sorted({r for pair in pairs for r in pair}))
        out = []
        for a, b in pairs:
            result = self.engine.compare_documents(docs[a], docs[b])
            if result.relation != "unrelated":
                out.append(pair_record(a, b, result))
        return out

    def _pool(self, workers: int, ingest: bool = False) -> ProcessPoolExecutor | None:
        path = getattr(self.store, "path", None)
        if workers <= 1 or (not ingest and (not path or path == ":memory:")):
            return None
        return worker_pool(None if ingest else path, self.settings, workers)

    def stories(self) -> list[Story]:
        """Stories (connected related articles) with their provenance graphs, largest first.

        Articles with no related article are left out.
        """
        pairs = self.store.pairs()
        members = sorted({p.a for p in pairs} | {p.b for p in pairs})
        published = {s.rowid: s.article.published for s in self.store.get_many(members)}
        return stories_from_pairs(pairs, published)
