"""Long work started from a page: an ingest of an uploaded file, run on its own thread.

A :class:`Job` counts what it has done; the page polls ``GET /api/jobs/{id}``
and draws a progress bar. The work itself is :meth:`wiretrace.corpus.Corpus.ingest`
followed by :meth:`~wiretrace.corpus.Corpus.scan`, as ``wiretrace ingest`` and
``wiretrace scan`` run it.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from wiretrace.adapters.inputs import Rejected, iter_warc, parse_jsonl_line
from wiretrace.adapters.readers import is_warc, read_bytes
from wiretrace.errors import InputError, WiretraceError
from wiretrace.types import Article

if TYPE_CHECKING:
    from wiretrace.web.service import Service

__all__ = ["Job", "Jobs", "iter_upload", "safe_name"]

log = logging.getLogger(__name__)

# Jobs kept for polling after they end; the oldest finished ones go first.
_KEEP = 50
_SHOWN_REJECTIONS = 20


def safe_name(filename: str | None, default: str = "upload") -> str:
    """The last part of a client's file name, for messages and ids only (never opened).

    Example:
        >>> safe_name("../../etc/passwd")
        'passwd'
    """
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())[:120]
    return name or default


def iter_upload(data: bytes, name: str) -> Iterator[Article | Rejected]:
    """The articles of an uploaded file: JSONL one per line, a WARC file's pages, else one article (text or HTML).

    Each JSONL line is read by the same reader as ``wiretrace ingest``; a line
    without an ``id`` gets ``name:line`` and a hash of its text. A bad line is a :class:`Rejected`
    naming ``name:line``, and the rest still goes in. A WARC file's pages are read as ``ingest`` reads them.
    """
    if is_warc(data[:4096], name):
        yield from iter_warc(data, name)
        return
    is_jsonl = name.lower().endswith((".jsonl", ".ndjson")) or data.lstrip()[:1] == b"{"
    if not is_jsonl:
        try:
            article = read_bytes(data, name)
        except InputError as exc:
            yield Rejected(exc.where, exc.problem)
            return
        yield article if article.id else _with_id(article, name)
        return
    for n, line in enumerate(data.split(b"\n"), 1):
        item = parse_jsonl_line(line, f"{name}:{n}")  # as `wiretrace ingest` reads a JSONL file
        if item is not None:
            yield item


def _with_id(article: Article, default: str) -> Article:
    return dataclasses.replace(article, id=default)


@dataclass
class Job:
    """One background ingest: its phase, its progress and, at the end, its report."""

    id: str
    name: str
    state: str = "queued"  # queued, running, done, failed
    phase: str = "reading"  # reading, ingest, scan
    done: int = 0
    total: int = 0
    added: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    scanned: int = 0
    found: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    started: float = field(default_factory=time.time)
    ended: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The job as JSON-ready data (``GET /api/jobs/{id}``)."""
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "phase": self.phase,
            "done": self.done,
            "total": self.total,
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": len(self.rejected),
            "rejections": [{"where": r.where, "reason": r.reason} for r in self.rejected[:_SHOWN_REJECTIONS]],
            "scanned": self.scanned,
            "found": dict(self.found),
            "error": self.error,
            "elapsed_s": round((self.ended or time.time()) - self.started, 2),
        }


class Jobs:
    """The server's jobs, by id; safe to use from any thread.

    Args:
        most: Jobs queued or running at once; each holds its upload in memory (up to the upload limit).
    """

    def __init__(self, most: int = 2) -> None:
        self.most = most
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def check_free(self, name: str) -> None:
        """Raise :class:`~wiretrace.web.service.Busy` when ``most`` jobs are queued or running.

        The web app asks before it reads an upload's body, so a busy server does not take it in first.
        """
        from wiretrace.corpus_report import counted
        from wiretrace.web.service import Busy

        active = [j.id for j in list(self._jobs.values()) if j.state in ("queued", "running")]
        if len(active) >= self.most:
            raise Busy(
                f"{name}: the server is ingesting {counted(len(active), 'upload')} already "
                f"({'job' if len(active) == 1 else 'jobs'} {', '.join(active)}), as many as it runs at once; "
                "send it again when one is done"
            )

    def start_ingest(self, service: Service, data: bytes, name: str, scan: bool = True) -> Job:
        """Ingest an uploaded file on a new thread, then scan the new articles.

        Args:
            service: Where the engine and the store are.
            data: The file's bytes.
            name: Its name as the client gave it (reduced by :func:`safe_name`).
            scan: Also scan, so stories and the graph include the new articles.

        Returns:
            The job, already running.

        Raises:
            Busy: ``most`` jobs are queued or running already.
        """
        with self._lock:
            self.check_free(name)
            job = Job(id=str(next(self._ids)), name=name)
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
            for key in finished[: max(0, len(self._jobs) - _KEEP)]:
                del self._jobs[key]
        thread = threading.Thread(
            target=self._run, args=(job, service, data, name, scan), name=f"ingest-{job.id}", daemon=True
        )
        thread.start()
        return job

    def _run(self, job: Job, service: Service, data: bytes, name: str, scan: bool) -> None:
        from wiretrace.corpus import Corpus

        job.state = "running"
        store = None
        try:
            items = list(iter_upload(data, name))
            del data
            job.phase, job.total = "ingest", len(items)

            def step(n: int) -> None:
                job.done += n

            store = service.open_store()
            corpus = Corpus(store, service.engine)
            report = corpus.ingest(items, progress=step)
            job.added, job.duplicates, job.rejected = report.added, report.duplicates, report.rejected
            job.done = job.total
            service.changed()
            if scan:
                job.phase, job.done = "scan", 0
                with service.scan_lock:
                    job.total = len(store.unscanned())
                    found = corpus.scan(progress=step)
                job.scanned, job.found = found.scanned, found.found
            job.state = "done"
        except WiretraceError as exc:
            job.state, job.error = "failed", str(exc)
        except Exception:  # a bug: the log keeps the traceback, the page shows no article text
            log.exception("ingest job %s failed", job.id)
            job.state, job.error = "failed", "internal error (see the server log)"
        finally:
            job.ended = time.time()
            if store is not None:
                store.close()
