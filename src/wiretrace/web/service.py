"""What the web app does, without the web: one engine, a store per thread, jobs, timeouts.

The routes in :mod:`wiretrace.web.app` and :mod:`wiretrace.web.pages` only parse
requests and render; everything they ask for goes through a :class:`Service`,
which calls the same library functions as the CLI (:class:`~wiretrace.pipeline.Engine`,
:class:`~wiretrace.corpus.Corpus`).

Threads: the engine (model, lexicon, fitted coefficients) is loaded once and
shared; it keeps no per-call state. An SQLite connection may only be used by
the thread that opened it, so each server thread opens its own store, once,
and keeps it. A forget or an ingest bumps a generation number, and threads
then drop their cache of prepared documents (a rowid freed by a forget can be
given to a new article).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from wiretrace.adapters.store.base import StoredArticle
from wiretrace.adapters.store.sqlite import ChangeWatch, SQLiteStore
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.errors import InputError, WiretraceError
from wiretrace.pipeline import Engine
from wiretrace.settings import Settings
from wiretrace.types import Article, Comparison
from wiretrace.web.views import StoryIndex, story_index

__all__ = ["Busy", "ComputeTimeout", "NotFound", "Service", "WebConfig"]

T = TypeVar("T")


class ComputeTimeout(WiretraceError):
    """A compare ran past the server's time limit."""


class Busy(WiretraceError):
    """As many upload ingests as the server runs at once are under way (answered 429)."""


@dataclass(frozen=True)
class WebConfig:
    """How the server runs.

    Attributes:
        db: The SQLite store (created if missing).
        token: Required on write requests (ingest, forget) when set.
        max_body_bytes: Largest request body, except uploads to ingest.
        max_upload_bytes: Largest upload to ingest (a JSONL file of many articles).
        compare_timeout_s: A compare taking longer is answered 504.
        compare_threads: Compares running at once; more wait their turn.
        ingest_jobs: Upload ingests running or waiting at once; one more is answered 429.
        allowed_hosts: Names the Host header may carry (lowercase, no port); None takes any.
            ``wiretrace serve`` on a loopback address allows this machine's own names only.
        settings: Engine settings.
    """

    db: str
    token: str | None = None
    max_body_bytes: int = 4 * 1024 * 1024
    max_upload_bytes: int = 64 * 1024 * 1024
    compare_timeout_s: float = 30.0
    compare_threads: int = 4
    ingest_jobs: int = 2
    allowed_hosts: frozenset[str] | None = None
    settings: Settings = field(default_factory=Settings)


class Service:
    """The engine, the store and the background jobs behind the web app.

    Args:
        config: Where the store is and the server's limits.
        engine: A ready engine (tests share one); built from ``config.settings`` when None.

    Raises:
        StoreError: The store cannot be opened or was made with other index settings.
    """

    def __init__(self, config: WebConfig, engine: Engine | None = None) -> None:
        from wiretrace.web.jobs import Jobs

        if Path(config.db).is_dir():
            raise InputError(config.db, "is a directory, not a store file")
        self.config = config
        self.engine = engine or Engine(config.settings)
        self.model = self.engine.embedder.name
        self.jobs = Jobs(config.ingest_jobs)
        self._local = threading.local()
        self._generation = 0
        self._compare_pool = ThreadPoolExecutor(max_workers=config.compare_threads, thread_name_prefix="compare")
        # One scan at a time: two would both take the articles not yet scanned, comparing each twice and each
        # counting the other's pairs as its own.
        self.scan_lock = threading.Lock()
        # Open once here: a bad or mismatched store fails at start, not at the first request.
        self.open_store().close()
        # The stories are read from every decided pair: built again only when the store has changed since
        # (seconds on a store of 100,000 articles, and most pages show some).
        self._watch = ChangeWatch(config.db)
        self._stories_lock = threading.Lock()
        self._stories: tuple[int, StoryIndex] | None = None

    def open_store(self) -> SQLiteStore:
        """A new connection to the store (the caller closes it)."""
        return SQLiteStore(self.config.db, store_fingerprint(self.engine.settings))

    def corpus(self) -> Corpus:
        """This thread's corpus on the store, opened on first use."""
        local = self._local
        if getattr(local, "corpus", None) is None:
            local.corpus = Corpus(self.open_store(), self.engine)
            local.generation = self._generation
        elif local.generation != self._generation:
            local.corpus = Corpus(local.corpus.store, self.engine)
            local.generation = self._generation
        corpus: Corpus = local.corpus
        return corpus

    def stories(self) -> StoryIndex:
        """Every story of the store, built again only when it has changed (by this server or another process)."""
        with self._stories_lock:
            version = self._watch.version()  # read first: a change while building makes the next ask build again
            if self._stories is None or self._stories[0] != version:
                self._stories = (version, story_index(self.corpus()))
            return self._stories[1]

    def changed(self) -> None:
        """The store's articles changed: every thread drops its cached documents."""
        self._generation += 1

    def within_timeout(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the compare pool; :class:`ComputeTimeout` past the limit.

        Python cannot stop a thread, so work past its time finishes in the
        background; the pool's size bounds how many such runs there can be.
        """
        future = self._compare_pool.submit(work)
        try:
            return future.result(timeout=self.config.compare_timeout_s)
        except FutureTimeout:
            raise ComputeTimeout(
                f"the comparison took longer than {self.config.compare_timeout_s:g} s "
                "(the server's --compare-timeout); try shorter articles"
            ) from None

    def compare(self, a: Article, b: Article) -> Comparison:
        """Compare two articles, within the time limit."""
        return self.within_timeout(lambda: self.engine.compare(a, b))

    def compare_stored(self, a_id: str, b_id: str) -> Comparison:
        """Compare two stored articles by id, within the time limit."""
        a, b = self.stored(a_id).article, self.stored(b_id).article
        return self.compare(a, b)

    def stored(self, article_id: str) -> StoredArticle:
        """The stored article ``article_id``; :class:`NotFound` when there is none."""
        if not article_id:
            raise no_id()
        item = self.corpus().store.get(article_id)
        if item is None:
            raise NotFound(article_id, "no article with this id in the store (wiretrace ingest it first)")
        return item

    def close(self) -> None:
        """Stop the compare pool (running jobs finish on their own threads)."""
        self._compare_pool.shutdown(wait=False, cancel_futures=True)
        self._watch.close()


class NotFound(InputError):
    """A stored article, story or job that does not exist (answered 404)."""


def no_id() -> NotFound:
    """An address that ends where the article id belongs ("/api/articles/"): the error had named nothing."""
    return NotFound("article id", "none given (the address ends where the id belongs)")
