"""The corpus scan: every candidate pair of the articles not yet scanned, decided once.

:meth:`wiretrace.corpus.Corpus.scan` runs :func:`scan`: the store's unscanned
articles in publication order, in batches of ``scan_batch``; each article's
index candidates (:meth:`~wiretrace.corpus.Corpus.candidates_of`) not yet
paired are decided by the engine, in this process or in worker processes
(:mod:`wiretrace.corpus_workers`), and each batch is committed with its
articles marked scanned. With the ``wire_versions`` setting, the articles a
batch can have changed are then read against their wire versions as one
(:func:`read_versions`).
"""

from __future__ import annotations

import dataclasses
import time
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wiretrace.adapters.store.base import PairRecord, Store
from wiretrace.core.agencies import agency_key
from wiretrace.corpus_workers import decide_in_worker, pair_shares, quiet_starts
from wiretrace.wire import own_verdict, version_sets, versions_records

if TYPE_CHECKING:
    from wiretrace.corpus import Corpus
    from wiretrace.settings import Settings

__all__ = ["SCAN_IN_FLIGHT", "ScanPostings", "ScanReport", "deciding_settings", "read_versions", "scan"]

# How far down a new article's candidates an incremental scan asks older articles whether they would
# choose it (see _chosen_by_earlier): 5 x 10 candidates, about 16 ms more for each new article.
REASK = 5

# Settings that change how fast a scan runs, not what it decides.
_OPERATIONAL = {"batch_size", "scan_batch", "workers", "cache_size", "scan_cache_size"}


def deciding_settings(settings: Settings) -> dict[str, Any]:
    """The settings a scan's decisions depend on (all but how many processes, batches and caches)."""
    return {k: v for k, v in dataclasses.asdict(settings).items() if k not in _OPERATIONAL}


# Batches a scan with workers keeps in their hands at once. On the 10k bench store
# (2 workers): 1 batch 39.3 s, 2 batches 36.7 s, 3 batches 36.5 s.
SCAN_IN_FLIGHT = 2

Progress = Callable[[int], None]


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
        settings_changed: The settings that decide pairs whose values differ
            from those the store's earlier pairs were decided with (``name:
            (then, now)``, or ``{"?": (None, None)}`` for pairs decided before
            stores recorded them): the earlier pairs stay as they were decided;
            :meth:`~wiretrace.adapters.store.base.Store.restart_scan` and a scan
            decide them all again (``wiretrace scan --rescan``).
        wall_s: Seconds.
    """

    scanned: int = 0
    compared: int = 0
    settings_changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
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


def scan(corpus: Corpus, progress: Progress | None = None, workers: int = 1) -> ScanReport:
    """Decide every candidate pair of the articles not yet scanned.

    Incremental: articles scanned before are not scanned again, but a new
    article is compared with old ones, so its pairs with them are found.
    After each batch, the articles it can have changed are read against
    their wire versions as one (:func:`read_versions`). Each batch of
    results is committed with its articles marked scanned, so a killed
    scan resumes where it stopped.

    Args:
        corpus: The corpus whose store is scanned (its engine decides the pairs).
        progress: Called with the number of articles done after each batch.
        workers: Processes deciding pairs; more than 1 needs a store on disk
            (each worker opens it read-only) and an engine that pickles (one
            given its own parts is handed to the workers; else they build theirs
            from the settings).
    """
    started = time.perf_counter()
    report = ScanReport()
    todo = corpus.store.unscanned()
    now = deciding_settings(corpus.settings)
    then = corpus.store.scan_settings()
    if len(todo) == corpus.store.count():  # nothing decided yet
        corpus.store.scan_settings(now)
    elif then is None:  # decided before stores kept their settings: which, nobody knows
        report.settings_changed = {"?": (None, None)}
    elif then != now:
        changed = sorted(k for k in now.keys() | then.keys() if then.get(k) != now.get(k))
        report.settings_changed = {k: (then.get(k), now.get(k)) for k in changed}
    batch = corpus.settings.scan_batch
    done: set[tuple[int, int]] = set()
    pool = corpus._pool(workers)
    kept_size = corpus._cache_size
    if pool is None:  # this process decides the pairs: it keeps a scan's worth of documents meanwhile
        corpus._cache_size = max(kept_size, corpus.settings.scan_cache_size)

    readings: dict[int, tuple[int, int]] = {}  # article -> (version sets read, pairs made rewrites), latest
    later = set(todo)  # to be scanned by this scan: read when their own batch is done, not before
    in_scan = frozenset(todo)

    def finish(chunk: list[int], records: list[PairRecord]) -> None:
        for record in records:
            report.found[record.relation] = report.found.get(record.relation, 0) + 1
        if not corpus.settings.wire_versions:
            corpus.store.record_scan(chunk, records)
        else:
            # The batch counts as scanned once its articles' readings are written too: a scan killed
            # between the two writes decides the batch again.
            corpus.store.record_scan([], records)
            later.difference_update(chunk)
            read, upgrades = read_versions(corpus, chunk, skip=later)
            corpus.store.record_scan(chunk, [r for found in upgrades.values() for r in found])
            for article in read.keys() | upgrades.keys():
                made = sum("versions" in r.summary for r in upgrades.get(article, []))
                readings[article] = (read.get(article, 0), made)
        report.scanned += len(chunk)
        if progress:
            progress(len(chunk))

    def finish_first() -> None:
        # Left at the head until committed: a stop while waiting for it keeps none of the batches after it.
        chunk, futures = pending[0]
        finish(chunk, [r for f in futures for r in f.result()])
        pending.popleft()

    # With workers, later batches' candidates are searched here while the workers decide earlier ones' pairs;
    # batches are committed in order.
    pending: deque[tuple[list[int], list[Future[list[PairRecord]]]]] = deque()
    known = ScanPostings()
    counted = -1
    try:
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            n_articles = corpus.store.count()
            if n_articles != counted:  # another process added or forgot articles
                known, counted = ScanPostings(), n_articles
            jobs: list[list[tuple[int, int]]] = []
            for rowid in chunk:
                pairs = []
                found = [r for r, _ in corpus.candidates_of(rowid, n_articles, known)]
                if len(in_scan) < n_articles:  # the store holds articles scanned before
                    found += _chosen_by_earlier(corpus, rowid, in_scan, n_articles, known)
                for r in found:
                    key = (min(r, rowid), max(r, rowid))
                    if key not in done:
                        done.add(key)
                        pairs.append(key)
                if pairs:
                    jobs.append(pairs)
            report.compared += sum(len(j) for j in jobs)
            if pool is None:
                finish(chunk, corpus.decide_pairs([p for job in jobs for p in job]))
                continue
            while len(pending) >= SCAN_IN_FLIGHT:
                finish_first()
            with quiet_starts():
                pending.append((chunk, [pool.submit(decide_in_worker, share) for share in pair_shares(jobs, workers)]))
        while pending:
            finish_first()
    except (KeyboardInterrupt, BrokenProcessPool):
        # Stopped (Ctrl-C, a worker killed): the batches the workers have wholly decided are kept, in order.
        while pending and all(f.done() and not f.cancelled() and f.exception() is None for f in pending[0][1]):
            finish_first()
        if pool is not None:
            # Not waited for: the one line saying what the store keeps comes at once. The workers (Ctrl-C is
            # blocked in them) end with the share they are deciding: terminated, their queues' semaphores leak.
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        corpus._cache_size = kept_size
        corpus._trim_cache()
    report.read_as_versions = sum(n for n, _ in readings.values())
    report.from_versions = sum(n for _, n in readings.values())
    report.wall_s = time.perf_counter() - started
    return report


def _chosen_by_earlier(
    corpus: Corpus, rowid: int, in_scan: Collection[int], n_articles: int, known: ScanPostings
) -> list[int]:
    """Articles scanned before this scan that would take ``rowid`` among their candidates now.

    A candidate list is an article's own top ``candidates``: a new article
    need not rank an old one among its best for the old one to rank it among
    its own (a wire copy ingested after the papers that retold it, say). A
    full scan decides a pair when either side chose the other, so the old
    articles in the new one's list of ``REASK * candidates`` beyond its own
    are asked again, with the new article in the store. (Articles of this
    scan search for themselves, with every article of it in the store.) An
    old article further down the new one's list is not asked: a new wire
    copy retold by more than 50 papers can miss one that a scan of
    everything would pair with it.
    """
    limit = corpus.settings.candidates
    wide = corpus.candidates_of(rowid, n_articles, known, limit=REASK * limit)
    return [
        r
        for r, _ in wide[limit:]
        if r not in in_scan and rowid in (c for c, _ in corpus.candidates_of(r, n_articles, known))
    ]


def read_versions(
    corpus: Corpus, scanned: Sequence[int], skip: Collection[int] = ()
) -> tuple[dict[int, int], dict[int, list[PairRecord]]]:
    """Read wire versions as one for the articles that scanning ``scanned`` can have changed.

    Those are the scanned articles that are no agency's, and the articles
    that are no agency's related to a scanned agency copy (a new version
    of a story they retold). Each is read again from its pairs' own
    verdicts, as the store holds them: upgrades from an earlier reading
    are undone, and replaced by the new reading's. Nothing is written.

    Args:
        corpus: The corpus whose store holds the pairs.
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
    pairs = corpus.store.pairs_of(chunk)
    by_article: dict[int, list[PairRecord]] = {}
    for p in pairs:
        by_article.setdefault(p.a, []).append(p)
        by_article.setdefault(p.b, []).append(p)
    ends = sorted(set(by_article) | set(chunk))
    outlets = {r: outlet for r, (_, outlet) in corpus.store.dates_and_outlets(ends).items()}
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
        for p in corpus.store.pairs_of(more):
            for r in (p.a, p.b):
                if r in wanted:
                    by_article[r].append(p)
        ends = sorted({r for x in more for p in by_article.get(x, []) for r in (p.a, p.b)} - set(outlets))
        outlets.update({r: outlet for r, (_, outlet) in corpus.store.dates_and_outlets(ends).items()})
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
            docs = corpus.documents([x, *versions], keep=False)
            if any(r not in docs for r in (x, *versions)):  # forgotten while the scan ran
                continue
            found += versions_records(corpus.engine, x, docs[x], [(r, docs[r]) for r in versions], by_other)
        if sets:
            read[x] = len(sets)
        if sets or undone:
            records[x] = undone + found
    return read, records
