"""Worker processes of corpus mode: ingest workers prepare batches, scan workers decide pairs.

Each process holds one :class:`~wiretrace.corpus.Corpus`, so the engine loads
once a process, not once a pair. Workers are spawned (not forked: the parent
may hold an open SQLite connection) and stop themselves when their parent
dies, so a scan killed with SIGKILL leaves none behind. Ctrl-C is the parent's
to handle: a worker starts with it blocked (see :func:`quiet_starts`) and then
ignores it, so an interrupted ingest or scan prints one line, not a traceback
from each worker.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import time
import types
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wiretrace.adapters.store.base import PairRecord
from wiretrace.settings import Settings
from wiretrace.types import Article

if TYPE_CHECKING:
    from wiretrace.corpus import Corpus, PreparedBatch
    from wiretrace.pipeline import Engine

__all__ = ["decide_in_worker", "pair_shares", "pickled_engine", "prepare_in_worker", "quiet_starts", "worker_pool"]

# One corpus per worker process.
_WORKER: dict[str, Corpus] = {}


def worker_pool(path: str | None, settings: Settings, workers: int, engine: bytes | None = None) -> ProcessPoolExecutor:
    """``workers`` processes, each with a corpus on the SQLite store at ``path``, or on none (``None``: ingest).

    Each builds its engine from ``settings``, or unpickles ``engine`` (an engine given its own parts).
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(path, settings, engine),
    )


def pickled_engine(engine: Engine, ingest: bool) -> bytes:
    """``engine`` pickled for a worker; an ingest worker's leaves the embedder out (it never embeds).

    Raises:
        Whatever pickling raises for a part that does not pickle (a class defined in a function, a lock);
        :class:`pickle.PicklingError` for a class or function of ``__main__`` (a notebook's, or a script's
        under ``if __name__ == "__main__":``), which pickles here but which a worker cannot import.
    """
    import io

    from wiretrace.pipeline import Engine

    if ingest:
        engine = Engine(engine.settings, embedder=_NoEmbedder(), lexicon=engine.lexicon, fitted=engine.fitted)
    out = io.BytesIO()
    _NoMainPickler(out, pickle.HIGHEST_PROTOCOL).dump(engine)
    return out.getvalue()


class _NoMainPickler(pickle.Pickler):
    """Refuses what a worker process could not unpickle: a class or function defined in ``__main__``, or an
    object of such a class.

    Pickle saves a class or a function by reference, as its module and name, so one of ``__main__`` pickles
    here and fails in the worker that looks it up (a notebook's ``encode`` function held by an embedder).
    """

    def reducer_override(self, obj: Any) -> Any:
        named = obj if isinstance(obj, (type, types.FunctionType)) else type(obj)
        if getattr(named, "__module__", None) == "__main__":
            raise pickle.PicklingError(
                f"{named.__qualname__} is defined in __main__, which worker processes cannot import "
                "(define it in a module)"
            )
        return NotImplemented


@contextmanager
def quiet_starts() -> Iterator[None]:
    """Ctrl-C blocked in this thread meanwhile, so a worker process started here (a pool starts them as
    work is submitted) begins with it blocked: one pressed while the worker still imports would print its
    traceback. The process gets a Ctrl-C pressed meanwhile when the block ends (or another thread does)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _start_worker(path: str | None, settings: Settings, engine: bytes | None = None) -> None:
    from wiretrace.adapters.store.sqlite import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.pipeline import Engine

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the pool
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent = os.getppid()

    def watch() -> None:
        # A scan killed with SIGKILL cannot stop its workers; they stop themselves.
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if path is None:  # an ingest worker only prepares batches; it needs no store and no vectors
        from wiretrace.adapters.store.memory import MemoryStore

        built = pickle.loads(engine) if engine else Engine(settings, embedder=_NoEmbedder())
        _WORKER["corpus"] = Corpus(MemoryStore(), built)
    else:
        store = SQLiteStore(path, store_fingerprint(settings))
        built = pickle.loads(engine) if engine else Engine(settings)
        _WORKER["corpus"] = Corpus(store, built, cache_size=settings.scan_cache_size)


class _NoEmbedder:
    """Ingest workers never embed; this keeps them from loading the model."""

    name = "none"

    def encode(self, texts: Sequence[str]) -> Any:
        raise RuntimeError("an ingest worker does not embed")


def prepare_in_worker(batch: list[Article]) -> PreparedBatch:
    """In an ingest worker: :meth:`~wiretrace.corpus.Corpus.prepare_batch`."""
    return _WORKER["corpus"].prepare_batch(batch)


def decide_in_worker(pairs: list[tuple[int, int]]) -> list[PairRecord]:
    """In a scan worker: :meth:`~wiretrace.corpus.Corpus.decide_pairs`."""
    return _WORKER["corpus"].decide_pairs(pairs)


def pair_shares(jobs: list[list[tuple[int, int]]], workers: int) -> list[list[tuple[int, int]]]:
    """A batch's pairs cut into one share a worker, of about equal pair counts.

    Each share keeps whole, consecutive articles' pair lists: an article's
    candidates are prepared once, in the worker that takes it.

    Example:
        >>> pair_shares([[(1, 2), (1, 3)], [(2, 4)], [(3, 4)]], 2)
        [[(1, 2), (1, 3)], [(2, 4), (3, 4)]]
    """
    parts = max(1, workers)
    total = sum(len(j) for j in jobs)
    shares: list[list[tuple[int, int]]] = [[]]
    for job in jobs:
        if len(shares[-1]) * parts >= total and len(shares) < parts:
            shares.append([])
        shares[-1].extend(job)
    return [share for share in shares if share]
