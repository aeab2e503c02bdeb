"""Walk the paths given to ``wiretrace ingest``: folders, JSONL, WARC, single files.

Every article found is yielded as an :class:`~wiretrace.types.Article` with an
``id``; everything that cannot be read is yielded as a :class:`Rejected` naming
the file (and line or record) and the problem, so one bad line never stops a
batch.

* A folder: its ``.txt``, ``.html``, ``.htm``, ``.jsonl``, ``.ndjson``,
  ``.warc`` and ``.warc.gz`` files, recursively, in name order; hidden files
  and folders (a name starting with ``.``, as macOS's ``._name`` files) are left
  aside. A hidden file named on its own is read.
* JSONL: one article per line (``text`` required; ``id``, ``title``,
  ``published``, ``source``, ``url`` optional). An article without ``id`` gets
  ``file:line#`` and a hash of its text (:func:`located_id`).
* WARC (warcio): each HTML ``response`` record, read by the same HTML reader as
  ``compare``; the id is the record's target URI. A file named otherwise whose
  bytes start as a WARC file's is read as one too.
* Any other file: one article (plain text or HTML), id = the path as given.
* ``-``: stdin, a WARC file when it starts as one, JSONL when its first line
  is a JSON object (lines named ``<stdin>:N``), else one article, id
  ``stdin:`` and a digest of its bytes.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import hashlib
import io
import itertools
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from wiretrace.adapters.readers import (
    article_from_record,
    file_name,
    is_warc,
    json_record,
    looks_html,
    read_article,
    read_bytes,
)
from wiretrace.errors import InputError
from wiretrace.types import Article

__all__ = ["Rejected", "iter_articles", "iter_warc", "located_id", "parse_jsonl_line", "read_warc_article"]

# Bytes of an untyped WARC answer read to tell a page from anything else.
_SNIFF = 4096
_CUT_GZIP = "truncated file (its gzip data ends early); the pages before the cut were read"
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


def _opened(path: Path, read: Callable[[BinaryIO], Iterator[Article | Rejected]]) -> Iterator[Article | Rejected]:
    """``read`` over the open file ``path``, or one rejection saying why it cannot be opened."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield Rejected(str(path), f"cannot read ({exc.strerror})")
        return
    with fh:
        yield from read(fh)


def _jsonl(path: Path) -> Iterator[Article | Rejected]:
    def lines(fh: BinaryIO) -> Iterator[Article | Rejected]:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # every line would be "undecodable"
            yield Rejected(str(path), "UTF-16 text: JSONL must be UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)")
            return
        fh.seek(0)
        for n, line in enumerate(fh, 1):
            item = parse_jsonl_line(line, f"{file_name(path)}:{n}")
            if item is not None:
                yield item

    return _opened(path, lines)


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


def _warc_problem(fh: BinaryIO) -> str | None:
    """Why the file open as ``fh`` cannot be a WARC file, from its first bytes; None when it can.

    warcio would read any text as old ARC records (warning on stderr) and an
    empty file as no records: neither is the WARC file a user meant. ``fh`` is
    left at its start.
    """
    head = fh.read(64)
    fh.seek(0)
    if not head:
        return "empty file"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=fh) as gz:
                head = gz.read(8)
        except (OSError, EOFError) as exc:
            return f"not a readable WARC file (gzip: {exc})"
        finally:
            fh.seek(0)
    if not head.startswith(b"WARC/"):
        return "not a WARC file (it does not start with a WARC/1.x record header)"
    return None


@dataclass(frozen=True)
class _Page:
    """An HTML page a WARC response record holds: where (file, record number and URI), its URI and its body."""

    where: str
    uri: str
    body: bytes
    captured: str = ""


class _Gunzip(io.RawIOBase):
    """The bytes a gzip file holds, one member after another, up to where the file ends; ``cut`` once it
    ended inside a member (or its header). Unlike ``gzip.GzipFile``, what was decompressed before a cut
    is given out, not dropped with an error."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._member = zlib.decompressobj(wbits=31)
        self._fed = False  # the current member has had bytes
        self._out = b""
        self._at = 0  # of _out, given out so far
        self._ended = False
        self.cut = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._at == len(self._out):
            self._out, self._at = b"", 0
        while not self._out and not self._ended:
            data = self._fh.read(1 << 16)
            if not data:
                self._ended = True
                self.cut = self._fed and not self._member.eof
                break
            while data:
                self._fed = True
                try:
                    self._out += self._member.decompress(data)
                except zlib.error:  # not gzip where a member should start: the file is damaged there
                    self._ended = self.cut = True
                    break
                data = self._member.unused_data if self._member.eof else b""
                if self._member.eof:
                    self._member, self._fed = zlib.decompressobj(wbits=31), False
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at : self._at + n]  # no copy of what is left at every read
        self._at += n
        return n


def _warc_pages(fh: BinaryIO, name: str, passed: Callable[[str, str], None]) -> Iterator[_Page | Rejected]:
    """The HTML pages of the WARC file open as ``fh`` (named ``name``), not yet read as articles.

    A redirect, an error page or an empty answer is no article page: passed
    over, said to ``passed``. A crawl holds many; a rejection each would fail
    every crawl's ingest.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        yield Rejected(name, "WARC needs warcio (pip install warcio)")
        return
    try:
        problem = _warc_problem(fh)
        if problem:
            yield Rejected(name, problem)
            return
        # Decompressed here, not by warcio: it reads a gzip member a record, and a WARC gzipped whole
        # (`gzip crawl.warc`) had ended after its first page ("non-chunked gzip file detected").
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        gunzip = _Gunzip(fh) if gzipped else None
        records = ArchiveIterator(io.BufferedReader(gunzip) if gunzip else fh)
        n = 0
        for n, record in enumerate(records, 1):
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"{name}#{n}"
            where = f"{name}#{n}" + (f" ({uri})" if uri != f"{name}#{n}" else "")
            # A page is a response's HTML body, or a resource record of HTML (as warcit and Webrecorder store
            # pages: no HTTP status); a response without a Content-Type is read when its body is HTML.
            if record.rec_type == "response":
                ctype = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                status = record.http_headers.get_statuscode() if record.http_headers else "200"
            elif record.rec_type == "resource":
                ctype, status = record.rec_headers.get_header("Content-Type") or "", "200"
            else:
                ctype, status = "", ""
            page = "html" in ctype.lower() or (record.rec_type == "response" and not ctype)
            body = b""
            if page and str(status).startswith("2"):
                stream = record.content_stream()
                body = stream.read(_SNIFF)
                if ctype or looks_html(body):  # an untyped answer is read on only when it starts as a page
                    body += stream.read()
            while record.raw_stream.read(1 << 16):  # to its end: a record cut short shows, whatever it holds
                pass
            if getattr(record.raw_stream, "limit", 0):  # bytes the record declares, and the file lacks
                yield Rejected(where, f"truncated record ({record.raw_stream.limit} bytes of it missing)")
                return  # nothing after it is in the file
            if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():  # header cut short
                yield Rejected(where, "record without a Content-Length (its header cut short, or not WARC)")
                return  # warcio read the rest of the file as its body
            if not page or (not ctype and not looks_html(body)):
                continue
            if not str(status).startswith("2"):
                passed(where, f"HTTP status {status}")
                continue
            if not body.strip():
                passed(where, "empty answer")
                continue
            yield _Page(where, uri, body, record.rec_headers.get_header("WARC-Date") or "")
        if gunzip is not None and gunzip.cut:
            yield Rejected(name, _CUT_GZIP)
        elif records.offset < records.fh.tell():
            # warcio ends quietly where the file ends inside a record's header or just after it (its HTTP
            # header not begun): the bytes from where the next record starts to the end are that record, cut.
            left = records.fh.tell() - records.offset
            yield Rejected(f"{name}#{n + 1}", f"truncated record (the file ends {left:,} bytes into it)")
    except Exception as exc:  # warcio fails in many ways on a damaged file (AttributeError too)
        if gunzip is not None and gunzip.cut:  # what failed is a record the cut left half
            yield Rejected(name, _CUT_GZIP)
            return
        # warcio tripping over what it read ("'NoneType' object has no attribute ..."): no reason to pass on.
        # Its own errors (ArchiveLoadFailed: "Invalid WARC record, first line: ...") say what it found.
        if isinstance(exc, AttributeError | TypeError | KeyError | IndexError):
            yield Rejected(name, "not a readable WARC file (a record's header is damaged or cut short)")
            return
        # warcio explains at length, over many lines: one line of it, as every rejection is one line
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        first = "".join(c if c.isprintable() else "?" for c in first[:120])
        yield Rejected(name, f"not a readable WARC file ({first})")


def _page_article(page: _Page, passed: Callable[[str, str], None]) -> Article | Rejected | None:
    """The article of a WARC page; None for a page without article text (an index, a consent wall), passed over."""
    try:
        article = read_bytes(page.body, page.where, kind="html")
    except InputError as exc:
        if exc.problem.startswith("no article text"):
            passed(page.where, exc.problem)
            return None
        return Rejected(exc.where, exc.problem)
    return dataclasses.replace(article, id=page.uri, url=article.url or page.uri)


def _warc(path: Path, on_passed: Callable[[str, str], None] | None = None) -> Iterator[Article | Rejected]:
    return _opened(path, lambda fh: _warc_articles(fh, file_name(path), on_passed))


def _warc_articles(
    fh: BinaryIO, name: str, on_passed: Callable[[str, str], None] | None = None
) -> Iterator[Article | Rejected]:
    passed = on_passed or (lambda _where, _why: None)
    seen: set[str] = set()
    for page in _warc_pages(fh, name, passed):
        item = page if isinstance(page, Rejected) else _page_article(page, passed)
        if isinstance(item, Article) and isinstance(page, _Page):
            if item.id in seen and page.captured:
                # The same address captured again, its page changed (or not: then a copy, skipped as one):
                # named by its capture time too, so the crawl's later version is kept beside the first.
                item = dataclasses.replace(item, id=f"{page.uri} ({page.captured})")
            seen.add(page.uri)
        if item is not None:
            yield item


def iter_warc(
    data: bytes, name: str, on_passed: Callable[[str, str], None] | None = None
) -> Iterator[Article | Rejected]:
    """Every article page of a WARC file's bytes (an upload), as ``ingest`` reads a WARC file."""
    return _warc_articles(io.BytesIO(data), name, on_passed)


def read_warc_article(data: bytes, where: str) -> Article:
    """The one article page of a WARC file, as ``compare`` reads one article.

    Pages past the second article found are counted, not read.

    Raises:
        InputError: The file is no readable WARC file, holds no article page,
            or holds more than one (``wiretrace ingest`` reads them all).

    Example:
        >>> read_warc_article(open("one-page.warc", "rb").read(), "one-page.warc").url  # doctest: +SKIP
        'https://news.example/story'
    """
    passed: list[str] = []
    found: list[Article | Rejected] = []
    pages = 0
    for page in _warc_pages(io.BytesIO(data), where, lambda _where, why: passed.append(why)):
        if isinstance(page, Rejected):  # the whole file, or a record cut short (no page count to give)
            raise InputError(page.where, page.reason)
        pages += 1
        if len(found) < 2:
            item = page if isinstance(page, Rejected) else _page_article(page, lambda _where, why: passed.append(why))
            if item is not None:
                found.append(item)
    if len(found) > 1:
        raise InputError(
            where,
            f"a WARC file holds {pages:,} pages; use wiretrace ingest (compare, sources and copies read one article)",
        )
    if not found:
        why = f" ({len(passed):,} passed over: {', '.join(sorted(set(passed)))})" if passed else ""
        raise InputError(where, f"no article page in this WARC file{why}")
    if isinstance(found[0], Rejected):
        raise InputError(found[0].where, found[0].reason)
    return found[0]


def _stdin(stream: BinaryIO) -> Iterator[Article | Rejected]:
    """Articles from stdin: JSONL when its first line is a JSON object (every line read), else one article.

    A lone article without an id of its own gets ``stdin:`` and the start of
    its bytes' SHA-256, so two texts piped in one after the other are two
    articles, and the same text piped twice is one.
    """
    start = stream.read(4096)
    if is_warc(start, "<stdin>"):
        yield from _warc_articles(io.BytesIO(start + stream.read()), "<stdin>")
        return
    head = list(io.BytesIO(start + stream.readline()))  # whole lines: up to the first that is not blank
    while not any(line.strip() for line in head) and (more := stream.readline()):
        head.append(more)
    first = next((line.strip() for line in head if line.strip()), b"")
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


def _starts_as_warc(path: Path) -> bool:
    """A file named otherwise whose bytes are a WARC file's (read whole, a crawl would be one article refused)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False  # read_article says why
    return is_warc(head, "")


def _file(path: Path, on_passed: Callable[[str, str], None] | None = None) -> Iterator[Article | Rejected]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".ndjson")):
        yield from _jsonl(path)
    elif name.endswith((".warc", ".warc.gz")) or _starts_as_warc(path):
        yield from _warc(path, on_passed)
    else:
        try:
            yield _with_id(read_article(path), file_name(path))
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
            its first line is a JSON object, else one article (a second ``-``
            is rejected: stdin is read once).
        on_other: Called with each file a folder holds that is not read: one
            whose name ends otherwise than an article file's. Hidden files and
            folders are left aside, not read nor named. Named on its own, such a
            file is read as an article.
        on_passed: Called with ``(where, why)`` for each WARC record of an HTML
            page that holds no article: a redirect or error status, an empty
            answer, a page without article text (an index page, say).

    Yields:
        :class:`Article` (with ``id`` set) or :class:`Rejected`.

    Raises:
        TypeError: ``paths`` is one path, not a list of them (a str would be read letter by letter).
    """
    if isinstance(paths, str | bytes | os.PathLike):
        raise TypeError(f"iter_articles() takes a list of paths, not one ({paths!r:.80}): give [{paths!r:.80}]")
    return _iter_articles(paths, on_other, on_passed)


def _iter_articles(
    paths: Iterable[str | Path],
    on_other: Callable[[Path], None] | None,
    on_passed: Callable[[str, str], None] | None,
) -> Iterator[Article | Rejected]:
    stdin_read = False
    for raw in paths:
        if str(raw) == "-":
            if stdin_read:  # read to its end already: a second read would find it empty
                yield Rejected("<stdin>", "'-' given twice (standard input is read once)")
            else:
                stdin_read = True
                yield from _stdin(sys.stdin.buffer)
            continue
        if not str(raw).strip():  # Path("") is the working folder: never what was meant
            yield Rejected(repr(str(raw)), "empty path")
            continue
        path = Path(raw)
        if path.is_dir():
            found = []
            for p in sorted(path.rglob("*")):
                if _hidden(p.relative_to(path)):  # .git/, .cache/, a Mac's ._name companions: not the user's articles
                    continue
                if p.name.lower().endswith(_SUFFIXES):
                    found.append(p)
                elif on_other is not None and p.is_file():
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
