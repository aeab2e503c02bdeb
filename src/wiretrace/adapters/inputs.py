"""Walk the paths given to ``wiretrace ingest``: folders, JSONL, WARC, single files.

Every article found is yielded as an :class:`~wiretrace.types.Article` with an
``id``; everything that cannot be read is yielded as a :class:`Rejected` naming
the file (and line or record) and the problem, so one bad line never stops a
batch.

* A folder: its ``.txt``, ``.html``, ``.htm``, ``.jsonl``, ``.ndjson``,
  ``.warc`` and ``.warc.gz`` files, recursively, in name order.
* JSONL: one article per line (``text`` required; ``id``, ``title``,
  ``published``, ``source``, ``url`` optional). An article without ``id`` gets
  ``file:line``.
* WARC (warcio): each HTML ``response`` record, read by the same HTML reader as
  ``compare``; the id is the record's target URI.
* Any other file: one article (plain text or HTML), id = the path as given.
* ``-``: stdin, JSONL when its first line is a JSON object (lines named
  ``<stdin>:N``), else one article, id ``stdin:`` and a digest of its bytes.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import itertools
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wiretrace.adapters.readers import article_from_record, json_record, read_article, read_bytes
from wiretrace.errors import InputError
from wiretrace.types import Article

__all__ = ["Rejected", "iter_articles", "located_id", "parse_jsonl_line"]

_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".ndjson", ".warc", ".warc.gz")
_MAX_LINE = 20_000_000


@dataclass(frozen=True)
class Rejected:
    """Something that could not be read as an article: where, and why."""

    where: str
    reason: str


def _with_id(article: Article, default: str) -> Article:
    return article if article.id else dataclasses.replace(article, id=default)


def located_id(article: Article, where: str) -> Article:
    """``article``, named where it was read and a hash of its text when it has no id of its own.

    A place alone (``feed.jsonl:3``) is no name: a feed file rewritten in
    place, or a second feed piped in, puts other articles there. With the
    hash (``feed.jsonl:3#5f2c09a1b7e4``) they go in as articles of their own,
    and the same row read again is still the same article.
    """
    if article.id:
        return article
    return dataclasses.replace(article, id=f"{where}#{hashlib.sha256(article.text.encode('utf-8')).hexdigest()[:12]}")


def _jsonl(path: Path) -> Iterator[Article | Rejected]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Rejected(str(path), f"cannot read ({exc.strerror})")
        return
    with fh:
        for n, line in enumerate(fh, 1):
            item = parse_jsonl_line(line, f"{path}:{n}")
            if item is not None:
                yield item


def parse_jsonl_line(line: bytes, where: str) -> Article | Rejected | None:
    """One JSONL line as an article (:func:`located_id` when it has no id), a rejection, or None when blank.

    Args:
        line: The raw line, newline included or not.
        where: ``file:line``, for messages and as the default id.
    """
    if not line.strip():
        return None
    if len(line) > _MAX_LINE:
        return Rejected(where, f"line longer than {_MAX_LINE // 1_000_000} MB")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected(where, f"undecodable bytes at offset {exc.start} (not UTF-8 text)")
    try:
        return located_id(article_from_record(json_record(text, where), where), where)
    except InputError as exc:
        return Rejected(exc.where, exc.problem)


def _warc_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a WARC file, from its first bytes; None when it can.

    warcio would read any text as old ARC records (warning on stderr) and an
    empty file as no records: neither is the WARC file a user meant.
    """
    with path.open("rb") as fh:
        head = fh.read(64)
    if not head:
        return "empty file"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                head = gz.read(8)
        except (OSError, EOFError) as exc:
            return f"not a readable WARC file (gzip: {exc})"
    if not head.startswith(b"WARC/"):
        return "not a WARC file (it does not start with a WARC/1.x record header)"
    return None


def _warc(path: Path, on_passed: Callable[[str, str], None] | None = None) -> Iterator[Article | Rejected]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Rejected(str(path), "WARC needs warcio (pip install warcio)")
        return
    try:
        problem = _warc_problem(path)
        if problem:
            yield Rejected(str(path), problem)
            return
        passed = on_passed or (lambda _where, _why: None)
        with path.open("rb") as fh:
            for n, record in enumerate(ArchiveIterator(fh), 1):
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or f"{path}#{n}"
                ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if "html" not in ctype.lower():
                    continue
                where = f"{path}#{n} ({uri})"
                status = record.http_headers.get_statuscode() if record.http_headers else "200"
                # A redirect, an error page, an empty answer or a page without article text (an index, a
                # consent wall) is no article page: passed over, said to ``on_passed``. A crawl holds many;
                # a rejection each would fail every crawl's ingest.
                if not str(status).startswith("2"):
                    passed(where, f"HTTP status {status}")
                    continue
                body = record.content_stream().read()
                if getattr(record.raw_stream, "limit", 0):  # bytes the record declares, and the file lacks
                    yield Rejected(where, f"truncated record ({record.raw_stream.limit} bytes of it missing)")
                    continue
                if not body.strip():
                    passed(where, "empty answer")
                    continue
                try:
                    article = read_bytes(body, where, kind="html")
                    yield dataclasses.replace(article, id=uri, url=article.url or uri)
                except InputError as exc:
                    if exc.problem.startswith("no article text"):
                        passed(where, exc.problem)
                    else:
                        yield Rejected(exc.where, exc.problem)
    except Exception as exc:  # warcio fails in many ways on a damaged file (AttributeError too)
        # warcio explains at length, over many lines: one line of it, as every rejection is one line
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        first = "".join(c if c.isprintable() else "?" for c in first[:120])
        yield Rejected(str(path), f"not a readable WARC file ({first})")


def _stdin(stream: BinaryIO) -> Iterator[Article | Rejected]:
    """Articles from stdin: JSONL when its first line is a JSON object (every line read), else one article.

    A lone article without an id of its own gets ``stdin:`` and the start of
    its bytes' SHA-256, so two texts piped in one after the other are two
    articles, and the same text piped twice is one.
    """
    head: list[bytes] = []  # the lines up to the first that is not blank: it tells JSONL from one article
    for line in stream:
        head.append(line)
        if line.strip():
            break
    first = head[-1].strip() if head else b""
    if first.startswith(b"{") and first.endswith(b"}"):
        # Line by line, as a file's lines are read (a lone \r stays in its line), never the whole stream at once.
        for n, line in enumerate(itertools.chain(head, stream), 1):
            item = parse_jsonl_line(line, f"<stdin>:{n}")
            if item is not None:
                yield item
        return
    data = b"".join(head) + stream.read()
    try:
        article = read_bytes(data, "<stdin>")
    except InputError as exc:
        yield Rejected(exc.where, exc.problem)
        return
    yield _with_id(article, f"stdin:{hashlib.sha256(data).hexdigest()[:16]}")


def _file(path: Path, on_passed: Callable[[str, str], None] | None = None) -> Iterator[Article | Rejected]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        yield from _jsonl(path)
    elif name.endswith((".warc", ".warc.gz")):
        yield from _warc(path, on_passed)
    else:
        try:
            yield _with_id(read_article(path), str(path))
        except InputError as exc:
            yield Rejected(exc.where, exc.problem)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def iter_articles(
    paths: Iterable[str | Path],
    on_other: Callable[[Path], None] | None = None,
    on_passed: Callable[[str, str], None] | None = None,
) -> Iterator[Article | Rejected]:
    """Articles (or rejections) from files and folders, in a stable order.

    Args:
        paths: Files and folders; ``-`` reads stdin: JSONL (every line) when
            its first line is a JSON object, else one article.
        on_other: Called with each file a folder holds that is not read: one
            whose name ends otherwise than an article file's (hidden files and
            folders aside). Named on its own, such a file is read as an article.
        on_passed: Called with ``(where, why)`` for each WARC record of an HTML
            page that holds no article: a redirect or error status, an empty
            answer, a page without article text (an index page, say).

    Yields:
        :class:`Article` (with ``id`` set) or :class:`Rejected`.
    """
    for raw in paths:
        if str(raw) == "-":
            yield from _stdin(sys.stdin.buffer)
            continue
        if not str(raw).strip():  # Path("") is the working folder: never what was meant
            yield Rejected(repr(str(raw)), "empty path")
            continue
        path = Path(raw)
        if path.is_dir():
            found = []
            for p in sorted(path.rglob("*")):
                if p.name.lower().endswith(_SUFFIXES):
                    found.append(p)
                elif on_other is not None and p.is_file() and not _hidden(p.relative_to(path)):
                    on_other(p)
            files = [p for p in found if p.is_file()]
            for p in found:
                if p.is_symlink() and not p.exists():
                    yield Rejected(str(p), "broken link (it points at nothing)")
                elif p.exists() and not p.is_file() and not p.is_dir():  # a FIFO, say: reading may never end
                    yield Rejected(str(p), "not a regular file")
            if not files and not found:
                yield Rejected(str(path), f"no article files here ({', '.join(_SUFFIXES)})")
            for f in files:
                yield from _file(f, on_passed)
        elif path.is_file():
            yield from _file(path, on_passed)
        elif path.exists():  # a FIFO, a socket, a device: reading one may never end
            yield Rejected(str(path), "not a regular file")
        elif path.is_symlink():
            yield Rejected(str(path), "broken link (it points at nothing)")
        else:
            yield Rejected(str(path), "no such file or directory")
