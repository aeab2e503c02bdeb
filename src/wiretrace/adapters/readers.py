"""Read articles from plain text, HTML pages and JSONL; every error names the file.

* **Plain text** (``.txt`` and anything not recognised as HTML or JSONL): the
  whole file is the article. Leading metadata lines of the form
  `` key value`` (keys ``date``, ``published``, ``title``, ``source``,
  ``outlet``, ``url``, ``id``) are read and kept out of the comparison; a
  ``date`` key may share its line with the first sentence, as in
  `` date 2025-11-03 U.S. Defense Secretary ...``.
* **HTML** (``.html``, ``.htm``, ``.xhtml``, or text starting with ``<`` that
  names ``<html``, ``<!doctype html`` or ``<body`` early): main text, title,
  date, site and URL by trafilatura (:mod:`wiretrace.adapters.html`), one
  paragraph per line; a page with no prose is refused.
* **JSONL** (``.jsonl``, ``.ndjson``): one article per line, ``text`` required,
  ``id``, ``title``, ``published``, ``source`` (or ``outlet``), ``url`` optional.
  :func:`read_article` takes the first line (and checks the others);
  :func:`read_jsonl` reads all of them.
* **WARC** (``.warc``, ``.warc.gz``, or bytes starting ``WARC/1.``): read for
  its one article page, as ``ingest`` reads each
  (:func:`wiretrace.adapters.inputs.read_warc_article`); a crawl of many pages
  is refused (``wiretrace ingest`` reads them all).

Bytes must be UTF-8 (UTF-16 with a byte-order mark is read too); other
text is read as cp1252 (Western European, a superset of the Latin-1 of old
wire copy) when its bytes above 0x7F come alone or in pairs, else accepted
when charset detection is confident, and refused otherwise. A page's
``<meta charset>`` is honoured first. Empty, whitespace-only, binary and
gzip-compressed input is refused with a reason. ``-`` reads stdin, named
``<stdin>`` in messages.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import math
import os
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from wiretrace.core.agencies import agency_key
from wiretrace.core.normalize import clean_text
from wiretrace.errors import InputError
from wiretrace.types import Article, iso_published

__all__ = [
    "agency_credit",
    "article_from_record",
    "article_from_text",
    "clean_text",
    "file_name",
    "is_warc",
    "json_record",
    "looks_html",
    "parse_published",
    "read_article",
    "read_bytes",
    "read_jsonl",
    "unicode_text",
]

_META_KEYS = {
    "date": "published",
    "published": "published",
    "title": "title",
    "source": "outlet",
    "outlet": "outlet",
    "url": "url",
    "id": "id",
}
# Matched at a position (``pattern.match(text, pos)``), so no ``^``.
_DATE_PREFIX = re.compile(
    r"\s*(?:date|published):?\s+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)\s+"
)
# A metadata line starts indented (" title ...") or names its field with a colon ("Title: ..."), as a bare one
# does: an article whose first words are "Title holders ...", "ID theft ..." or "Date rape ..." had lost that
# line to the title (BBC business/079) or been refused for an unreadable date.
_META_LINE = re.compile(
    r"^(?=\s|(?:date|published|title|source|outlet|url|id):)\s*(date|published|title|source|outlet|url|id):?[ \t]+"
    r"(\S[^\n]*)$",
    re.IGNORECASE,
)
# A metadata line left without its value (" source", "title:"): no fact, and no sentence of the article.
_META_BARE = re.compile(
    r"^(?:[ \t]+(?:date|published|title|source|outlet|url|id):?|[ \t]*(?:date|published|title|source|outlet|url|id):)"
    r"[ \t]*$",
    re.IGNORECASE,
)
_MAX_BYTES = 50_000_000
_MAX_META_LINES = 32
_GZIP_MAGIC = b"\x1f\x8b"
# charset_normalizer's "chaos" (share of implausible characters) above which
# its best guess is refused. Measured: the METER wire and newspaper files that
# are not UTF-8 score at most 0.056; random bytes get no guess at all.
_MAX_CHAOS = 0.2
# Three bytes above 0x7F in a row: not Western European text in a single-byte code page.
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3}")


def parse_published(value: Any, where: str) -> str | None:
    """A publication time as ISO 8601 text, or None when absent (:func:`~wiretrace.types.iso_published`).

    Raises:
        InputError: The value is not an ISO 8601 date or date-time.

    A date in year 1 or 9999 is a feed's placeholder for none (.NET's and Go's zero time, a database's end
    of time), not a publication date: it would make the article the first or the last of everything.

    Example:
        >>> parse_published("2025-11-03", "a.txt"), parse_published("0001-01-01T00:00:00", "a.txt")
        ('2025-11-03', None)
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | datetime | date):
        # a JSON true, list or object, named as JSON writes it
        raise InputError(where, f"published {json.dumps(value)} is not an ISO 8601 date (e.g. 2025-11-03)")
    try:
        return iso_published(value if isinstance(value, str | datetime | date) else str(value))
    except ValueError as exc:
        raise InputError(where, str(exc)) from None


def _decode(data: bytes, where: str, is_html: bool = False) -> str:
    """Text of a file's bytes; refuses empty, binary and undecodable input with a reason."""
    if not data:
        raise InputError(where, "file is empty")
    if not data.strip():
        raise InputError(where, "file holds only whitespace, no text")
    if data.startswith(_GZIP_MAGIC):
        raise InputError(where, "gzip-compressed data, not text (decompress it first, e.g. with gunzip)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 text is full of NUL bytes, so its byte-order mark is checked first.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(where, f"undecodable bytes at offset {exc.start} (not UTF-16 text)") from None
    if b"\x00" in (head := data[:8192]):
        # Every other byte NUL, the rest not: text of a Latin alphabet in UTF-16 saved without its byte-order mark.
        nuls = sorted((head[0::2].count(0), head[1::2].count(0)))
        if nuls[0] == 0 and nuls[1] >= 0.8 * (len(head) // 2):
            raise InputError(
                where, "binary data, not text (NUL bytes found: UTF-16 without a byte-order mark? save it as UTF-8)"
            )
        raise InputError(where, "binary data, not text (NUL bytes found)")
    if is_html:
        from wiretrace.adapters.html import decode_html

        text = decode_html(data)
        if text is not None:
            return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_bytes

        # English text with a few high bytes (a pound sign, an accent) fits many code pages equally well:
        # detection read most of METER's Latin-1 files as cp1250 or cp932, its "£" as "Ł" or "｣". In
        # Western European text the high bytes stand alone or in pairs ("Grüße"); Cyrillic, Greek and East
        # Asian text has runs of them (every word, every character). No run of three: read as cp1252.
        if _HIGH_RUN.search(data) is None:
            try:
                return data.decode("cp1252")
            except UnicodeDecodeError:
                pass  # one of the five bytes cp1252 leaves undefined: let detection judge
        best = from_bytes(data).best()
        if best is None or best.chaos > _MAX_CHAOS:
            raise InputError(
                where, f"undecodable bytes at offset {exc.start} (not UTF-8, and no other encoding fits)"
            ) from None
        return str(best)


# A wire-copy slug: "14:58 27/01/00: Page 1 (HHH) SHOWBIZ Oasis" (time, then day/month/year).
_SLUG_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")


def _slug_time(text: str, max_lines: int = 8) -> str | None:
    r"""The filing time of wire copy, from a slug line near the top (day/month order, as UK wires write it).

    Example:
        >>> _slug_time("  ---\n   14:58 27/01/00: Page 1 (HHH) SHOWBIZ Oasis\n")
        '2000-01-27T14:58:00'
    """
    for line in text.split("\n", max_lines)[:max_lines]:
        m = _SLUG_TIME.match(line)
        if not m:
            continue
        hour, minute, day, month, year = (int(g) for g in m.groups())
        if year < 100:
            year += 2000 if year < 70 else 1900
        try:
            return datetime(year, month, day, hour, minute).isoformat()
        except ValueError:
            return None
    return None


# A wire byline or dateline credits an agency: "By Lisa Salmon, PA News", "SEOUL, Nov 3 (Reuters) -".
_BYLINE = re.compile(r"^\W*By\s{1,3}(?P<rest>\S[^\n]{1,119}?)\W*$")
_DATELINE = re.compile(r"^[A-Z][\w .,'/-]{1,60}\((?P<org>[A-Z][\w .&-]{0,30})\)\s*[-\u2013\u2014]")
_REPORTER = re.compile(r"\s+(?:Staff\s+)?(?:Reporters?|Correspondents?)$", re.IGNORECASE)
_ORG_SUFFIX = re.compile(r"\s+(?:News Agency|News|Agency|Media)$")


def agency_credit(text: str, max_lines: int = 12) -> str | None:
    r"""The news agency a byline or dateline near the top credits, as written, or None.

    Text files carry no outlet, but wire copy signs itself: 252 of METER's 474 PA texts are read as PA's
    by a "By ..., PA News" byline, none of its 601 newspaper texts. Only an agency counts (an outlet
    named this way decides a direction by the agency rule); a paper's byline is left alone.

    Example:
        >>> agency_credit("\x19By Lisa Salmon, PA News<\nA sergeant major was cleared.")
        'PA'
        >>> agency_credit("SEOUL, Nov 3 (Reuters) - Hegseth visits."), agency_credit("By Ann Lee, Daily Mail")
        ('Reuters', None)
    """
    lines = [line for line in text.split("\n", 4 * max_lines)[: 4 * max_lines] if line.strip()][:max_lines]
    for line in lines:
        clean = "".join(c for c in line if c.isprintable()).strip()
        if len(clean) > 200:  # a byline or dateline line is short; a long one is body text
            continue
        found = []
        if m := _BYLINE.match(clean):
            # "By X, Showbusiness Correspondent, PA News": the last part; "By PA News Reporter": the whole.
            parts = m["rest"].split(",")
            org = parts[-1].strip() if len(parts) > 1 else _REPORTER.sub("", parts[0].strip())
            found += [org, _ORG_SUFFIX.sub("", org)]
        if m := _DATELINE.match(clean):
            found.append(m["org"].strip())
        for org in found:
            if agency_key(org) is not None:
                return org
    return None


def article_from_text(text: str, where: str) -> Article:
    """An article from plain text: leading metadata lines and a wire slug's time are read.

    Raises:
        InputError: No article text, or a bad ``date`` line.

    Example:
        >>> article_from_text(" date 2025-11-03 Seoul plans a record budget.", "a.txt").published
        '2025-11-03'
    """
    return _plain(text, where)


def _plain(text: str, where: str) -> Article:
    text = clean_text(text)
    meta: dict[str, str] = {}
    header = 0
    # Read by position, a line at a time, and only so many: a file of a million " id x" lines is one
    # long body for the size limit to refuse, not a million copies of the rest of the text.
    for _ in range(_MAX_META_LINES):
        end = text.find("\n", header)
        line = text[header : end if end >= 0 else len(text)]
        m = _META_LINE.match(line)
        d = _DATE_PREFIX.match(text, header)
        if m and not (d and len(m.group(2).split()) > 1):
            meta.setdefault(_META_KEYS[m.group(1).lower()], m.group(2).strip())
            header += len(line) + 1
        elif _META_BARE.match(line):
            header += len(line) + 1
        elif d:
            meta.setdefault("published", d.group(1))
            header = d.end()
            break
        else:
            break
    header = min(header, len(text))
    if not text[header:].strip():
        raise InputError(where, "no article text (empty, or only metadata lines)")
    if "published" not in meta and (slug := _slug_time(text[header:])):
        meta["published"] = slug
    if "outlet" not in meta and (credit := agency_credit(text[header:])):
        meta["outlet"] = credit
    return Article(
        text=text,
        id=_nameable_id(meta.get("id"), where),
        title=meta.get("title"),
        published=parse_published(meta.get("published"), where),
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        path=where,
        header=header,
    )


_OPTIONAL = '"id", "title", "published", "source", "url"'


def unicode_text(value: str, where: str, field: str) -> str:
    """``value``, when it can be written as UTF-8; JSON can carry a lone surrogate (``"\\ud800"``), which cannot.

    Raises:
        InputError: Naming ``where``, the field and the character.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            where, f'field "{field}" holds a lone surrogate ({value[exc.start]!a} at character {exc.start}), not text'
        ) from None
    return value


_JSON_TYPES = {int: "number", float: "number", bool: "boolean", list: "list", dict: "object"}


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def article_from_record(record: Any, where: str) -> Article:
    """An article from one decoded JSONL record; ``where`` names its file and line.

    Raises:
        InputError: Not an object, no ``text``, or a bad ``published``.
    """
    if not isinstance(record, dict):
        raise InputError(where, 'each line must be a JSON object with "text"')
    text = record.get("text")
    if text is None:
        raise InputError(where, f'missing field "text" (each line needs "text"; {_OPTIONAL} optional)')
    if not isinstance(text, str):
        raise InputError(where, f'field "text" is a {_JSON_TYPES.get(type(text), "value")}, not a string')
    if not text.strip():
        raise InputError(where, 'field "text" is empty')
    for key, value in record.items():
        if isinstance(value, str):
            unicode_text(value, where, key)

    def opt(*keys: str) -> str | None:
        for key in keys:
            value = record.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            # A number is a fine id; a list, an object, NaN or infinity is no name (stored as Python's repr).
            if isinstance(value, bool) or not isinstance(value, str | int | float) or not _finite(value):
                kind = "non-finite number" if not _finite(value) else _JSON_TYPES.get(type(value), "value")
                raise InputError(where, f'field "{key}" is a {kind}, not a string')
            return str(value)
        return None

    return Article(
        text=clean_text(text),
        id=_nameable_id(opt("id"), where),
        title=opt("title"),
        published=parse_published(record.get("published") or record.get("date"), where),
        outlet=opt("source", "outlet"),
        url=opt("url"),
        path=where,
    )


def _nameable_id(article_id: str | None, where: str) -> str | None:
    """``article_id``, unless it is "." or "..": a web address resolves such a segment away (``/articles/..``
    is ``/``), so the article could be stored but never shown."""
    if article_id in (".", ".."):
        raise InputError(where, f'field "id" is "{article_id}", which no web address can name; give another id')
    return article_id


def json_record(line: str, where: str) -> Any:
    r"""One JSONL line parsed (a UTF-8 byte order mark before it ignored).

    Raises:
        InputError: Not JSON, a number too long to read, or nested too deep; names ``where``.

    Example:
        >>> json_record('\ufeff{"text": "x"}', "f.jsonl:1")
        {'text': 'x'}
    """
    try:
        # The line's own end cut first: json counts it, and put a cut-off line's fault at line 2, column 1.
        return json.loads(line.removeprefix("\ufeff").rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        # json's messages end in "at" when they point at the column ("Unterminated string starting at").
        what = exc.msg.removesuffix(" starting at").removesuffix(" at")
        raise InputError(where, f"malformed JSON at column {exc.colno}: {what[:1].lower()}{what[1:]}") from None
    except RecursionError:
        raise InputError(where, "malformed JSON: nested too deeply") from None
    except ValueError as exc:  # an integer of over 4,300 digits
        raise InputError(where, f"malformed JSON: {str(exc).split(';')[0].lower()}") from None


def _jsonl_lines(text: str, where: str) -> Iterator[Article]:
    found = False
    for n, line in enumerate(text.split("\n"), 1):  # JSONL ends lines with \n alone (U+2028 may sit in a string)
        if not line.strip():
            continue
        record = json_record(line, f"{where}:{n}")
        found = True
        yield article_from_record(record, f"{where}:{n}")
    if not found:
        raise InputError(where, "no JSON lines found")


def read_jsonl(path: str | Path) -> Iterator[Article]:
    """Every article of a JSONL file, one per non-empty line.

    Args:
        path: A JSONL file, or ``-`` for stdin.

    Yields:
        One :class:`Article` per line, its ``path`` set to ``file:line``.

    Raises:
        InputError: The file is unreadable, or a line is not JSON or lacks
            ``text``; names ``file:line``.

    Example:
        >>> [a.id for a in read_jsonl("tests/data/feed.jsonl")]  # doctest: +SKIP
        ['ledger-001', 'wire-002']
    """
    where = _where(path)
    yield from _jsonl_lines(_decode(_read(path), where), where)


_SUFFIX_KINDS = {".html": "html", ".htm": "html", ".xhtml": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_KINDS = ("txt", "html", "jsonl")


def _looks_html(head: str) -> bool:
    # Pages may open with a BOM, an XML prolog or a comment before <!doctype>.
    head = head.lstrip("\ufeff \t\r\n")[:1000].lower()
    return head.startswith("<") and ("<html" in head or "<!doctype html" in head or "<body" in head)


def looks_html(data: bytes) -> bool:
    """Whether bytes read as an HTML page (``read_bytes`` guesses so where no suffix tells)."""
    return _looks_html(data[:2000].removeprefix(codecs.BOM_UTF8).decode("latin-1"))


def _looks_jsonl(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].rstrip()
    return first.startswith("{") and first.endswith("}")


def is_warc(head: bytes, where: str) -> bool:
    """Whether a file is a WARC file: named ``.warc`` or ``.warc.gz``, or starting with a WARC record header,
    gzipped or not (``head``: its first bytes, a few kilobytes are enough)."""
    if where.lower().endswith((".warc", ".warc.gz")) or head.startswith(b"WARC/1."):
        return True
    if not head.startswith(_GZIP_MAGIC):
        return False
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(head)) as gz:
            return gz.read(7) == b"WARC/1."
    except (OSError, EOFError):
        return False


def read_bytes(data: bytes, where: str, kind: str | None = None) -> Article:
    """An article from raw bytes.

    Args:
        data: The file's bytes.
        where: Where they came from (a path, or ``<stdin>``), for messages and
            for guessing the kind from the suffix.
        kind: ``txt``, ``html`` or ``jsonl``; guessed when None, from the
            suffix, then from the text (a page starts with ``<`` and names
            ``<html``; a JSONL line is an object). A WARC file (``.warc``,
            ``.warc.gz``, or bytes starting ``WARC/1.``) is read for its one
            article page.

    Returns:
        The :class:`Article` (the first one, for JSONL).

    Raises:
        InputError: The bytes are empty, binary, undecodable or hold no article text, or a WARC file holds
            no article page or more than one.

    Example:
        >>> read_bytes(b"Seoul will take control of its forces.", "a.txt").text
        'Seoul will take control of its forces.'
    """
    if kind is not None and kind not in _KINDS:
        raise InputError(where, f"unknown kind {kind!r} (one of {', '.join(_KINDS)})")
    if kind is None and is_warc(data[:4096], where):
        from wiretrace.adapters.inputs import read_warc_article

        return read_warc_article(data, where)
    kind = kind or _SUFFIX_KINDS.get(Path(where).suffix.lower())
    # Latin-1 maps every byte, so the markup test works before the charset is known.
    is_html = kind == "html" or (kind is None and looks_html(data))
    text = _decode(data, where, is_html)
    if kind is None:
        kind = "html" if is_html else "jsonl" if _looks_jsonl(text) else "txt"
    if kind == "html":
        from wiretrace.adapters.html import extract_article

        return extract_article(text, where)
    if kind == "jsonl":
        # Every line is checked, so a truncated file is refused, not half read.
        first, *_rest = _jsonl_lines(text, where)
        return first
    return _plain(text, where)


def file_name(path: str | os.PathLike[str]) -> str:
    r"""``path`` as text an article, a store and a page can hold: bytes of a name that are not UTF-8 as ``\xNN``.

    Python gives such bytes (a Latin-1 ``café.txt`` on Linux) as lone surrogates, which no UTF-8 text can
    hold: an article's path or id made of one is refused (:class:`~wiretrace.types.Article`).

    Example:
        >>> file_name(os.fsdecode(b"d/caf\xe9.txt")), file_name("d/café.txt")
        ('d/caf\\xe9.txt', 'd/café.txt')
    """
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no file system byte gives (a name made in Python)
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def _where(path: str | Path) -> str:
    return "<stdin>" if str(path) == "-" else file_name(path)


def _read(path: str | Path) -> bytes:
    where = _where(path)
    if not str(path):
        raise InputError("''", "empty file name (give a path, or - for stdin)")
    if str(path) == "-":
        stream: BinaryIO = sys.stdin.buffer
        data = stream.read(_MAX_BYTES + 1)
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(where, "is a directory, not an article file")
        try:
            with p.open("rb") as fh:
                data = fh.read(_MAX_BYTES + 1)
        except FileNotFoundError:
            raise InputError(where, "no such file") from None
        except PermissionError:
            raise InputError(where, "permission denied") from None
        except OSError as exc:
            raise InputError(where, f"cannot read ({exc.strerror})") from None
    if len(data) > _MAX_BYTES:
        raise InputError(where, f"file is larger than {_MAX_BYTES // 1_000_000} MB")
    return data


def read_article(path: str | Path, kind: str | None = None) -> Article:
    """Read one article from a file (``-`` for stdin).

    Args:
        path: A ``.txt``, ``.html`` or ``.jsonl`` file, or ``-``.
        kind: Force ``txt``, ``html`` or ``jsonl`` instead of guessing.

    Returns:
        The :class:`Article`, with ``path`` set for messages (``<stdin>`` for ``-``). Of a JSONL file, the
        first line's: :func:`read_jsonl` (or :func:`~wiretrace.adapters.inputs.iter_articles`) reads them all.

    Raises:
        InputError: Missing, unreadable, binary, empty, undecodable or malformed input.

    Example:
        >>> read_article("../shared/seeds/000_3c120438f9401b4a.txt").published  # doctest: +SKIP
        '2025-11-03'
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"read_article() takes a path (str or pathlib.Path), not {type(path).__name__}")
    return read_bytes(_read(path), _where(path), kind)
