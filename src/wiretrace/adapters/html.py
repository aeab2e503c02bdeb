"""Main text and metadata of an HTML page, by trafilatura.

trafilatura finds the article body and drops navigation, comments and other
page furniture; its metadata pass finds the title, publication date, site name
and canonical URL. The text keeps one paragraph per line, which the sentence
splitter relies on.

The extraction options were chosen by measurement (``wiretrace eval
extraction``, on the Zyte article benchmark and trafilatura's own evaluation
pages); the figures are in the README. Bytes are decoded here too, because a
page says its own encoding in ``<meta charset>``, which a plain-text file
cannot.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Callable
from typing import Any

from wiretrace.errors import InputError
from wiretrace.types import Article

__all__ = ["decode_html", "extract_article", "has_article_text"]

# The HTML standard's prescan looks at the first 1024 bytes; pages in the wild
# put the tag later (after long comments or inline scripts), so look further.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Labels whose bytes browsers decode with another codec (WHATWG Encoding
# standard): pages labelled Latin-1 routinely hold cp1252 quotes and dashes.
_WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}
# A page that is UTF-8 but holds a few stray bytes (a pasted Latin-1 word) is
# still UTF-8: replace those bytes rather than read the whole page as cp1250.
# Measured on the trafilatura evaluation pages that fail strict UTF-8: in the
# real UTF-8 ones at most 4% of the non-ASCII characters are bad, in the
# Latin-1 / cp1252 / GB ones at least 78%.
_MAX_BAD_SHARE = 0.25

# A page "has article text" when at least one paragraph reads as prose: eight
# words or more (numbers are not words). Menus, cookie notices, link lists and
# calendars come out of extraction as short lines; the shortest article bodies
# of the Zyte benchmark (66 words) have far longer paragraphs. Scripts written without
# spaces (Chinese, Japanese, Thai) give long letter runs instead of words.
_MIN_PROSE_WORDS = 8
_MIN_UNSPACED_RUN = 20
_LETTERS = re.compile(r"[^\W\d_]+")

# trafilatura.bare_extraction options, measured with `wiretrace eval extraction`
# (figures in the README): precision first, since furniture left in the text
# matches other articles by accident; tables carry article facts (results,
# figures) and raised recall on both sets; comments are other people's text.
# Deduplication stays off: its cache spans documents, and would drop the very
# paragraphs a rewrite shares with its source.
_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": True,
    "deduplicate": False,
    "with_metadata": True,
    # Dates from the page's markup (meta tags, structured data, a time element, the URL). The extensive
    # search also reads dates in the text, and guesses 1 January from a bare year ("plans for 2026"):
    # see _date_in_text.
    "date_extraction_params": {"extensive_search": False, "original_date": True},
}
# Precision mode sometimes keeps only a fragment of the article, or a table
# and no prose; such a text, or one this short, is extracted again in
# trafilatura's balanced mode. F1 on the Zyte benchmark (tokens) / on the
# trafilatura pages (snippets), measured side by side while choosing: 0.9724 /
# 0.9223 with this retry, 0.9694 / 0.9216 without it, 0.9645 / 0.9252 for
# balanced mode alone, 0.9572 / 0.9214 for trafilatura's defaults; thresholds
# from 250 to 2,000 characters moved either figure by under 0.004.
_RETRY_BELOW_CHARS = 500

# Longest page read: the largest of the 1,171 evaluation pages has 1.6 M characters; parsing and extracting
# a 10 MB page takes about 20 s and a 40 MB one over 200 s and 3 GB.
_MAX_HTML_CHARS = 10_000_000

# libxml2's nesting limit, unless a tree is read as huge (then _HUGE_DEPTH_LIMIT).
_DEPTH_LIMIT = 256
_HUGE_DEPTH_LIMIT = 2_048


def decode_html(data: bytes) -> str | None:
    """Decode a page by the charset it declares, or None when that fails.

    UTF-8 is tried first. A page that declares UTF-8, or nothing, and is
    UTF-8 but for a few stray bytes has them replaced; a page that declares
    another charset is decoded with it when every byte fits. Otherwise the
    caller falls back to charset detection.

    Args:
        data: The page's bytes.

    Returns:
        The page as text, or None when neither UTF-8 nor the declared charset fits.

    Example:
        >>> decode_html('<meta charset="iso-8859-1"><p>Zürich</p>'.encode("latin-1"))
        '<meta charset="iso-8859-1"><p>Zürich</p>'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    label = match.group(1).decode("ascii").lower() if match else "utf-8"
    try:
        codec = codecs.lookup(_WHATWG.get(label, label)).name
    except LookupError:
        return None
    if codec == "utf-8":
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        non_ascii = sum(1 for ch in text if ord(ch) > 127)
        return text if bad <= _MAX_BAD_SHARE * non_ascii else None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def has_article_text(text: str) -> bool:
    """True when some line of extracted text reads as prose, not as a menu, notice or calendar.

    Example:
        >>> has_article_text("Home\\nNews\\nWe use cookies.")
        False
        >>> has_article_text("Seoul will take wartime control of its forces from the U.S. army.")
        True
    """
    # Table rows count: old pages lay their article out in table cells.
    for line in text.split("\n"):
        words = _LETTERS.findall(line)
        if len(words) >= _MIN_PROSE_WORDS or max(map(len, words), default=0) >= _MIN_UNSPACED_RUN:
            return True
    return False


def _text(doc: Any) -> str:
    return (getattr(doc, "text", None) or "").strip() if doc is not None else ""


def _extract(page: Callable[[], Any]) -> Any:
    """trafilatura's reading of a page (or of a tree ``page`` makes afresh for each try), or None."""
    import trafilatura

    # trafilatura turns its own parse failures into None (no text, refused
    # later); 200 randomly broken pages raised nothing else.
    doc = trafilatura.bare_extraction(page(), **_OPTIONS)
    first = _text(doc)
    if len(first) < _RETRY_BELOW_CHARS or not has_article_text(first):
        balanced = trafilatura.bare_extraction(page(), **{**_OPTIONS, "favor_precision": False})
        second = _text(balanced)
        if has_article_text(second) and (len(second) > len(first) or not has_article_text(first)):
            doc = balanced
    return doc


def _parse(html: str, huge: bool) -> tuple[Any, Any]:
    """The page's tree (None when it has no elements) as trafilatura's own parser reads it, or ``huge`` (no depth
    limit under 2,048), and the parser, for its error log. Bytes: lxml refuses a str that declares an encoding."""
    import lxml.html

    parser = lxml.html.HTMLParser(
        encoding="utf-8",
        huge_tree=huge,
        collect_ids=False,
        default_doctype=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser), parser
    except (ValueError, lxml.etree.LxmlError):
        return None, parser


def _stopped_deep(parser: Any) -> bool:
    """Whether libxml2 stopped reading a page at its depth limit."""
    return any("Excessive depth" in e.message for e in parser.error_log)


def _too_deep(html: str) -> bool:
    """Whether libxml2 stops reading the page at its usual depth limit."""
    if html.count("<") < _DEPTH_LIMIT:  # too few tags to nest that deep
        return False
    return _stopped_deep(_parse(html, huge=False)[1])


def _huge_tree(html: str) -> tuple[Any, bool]:
    """The page's tree read as huge, and whether even so libxml2 stopped at its depth limit (2,048)."""
    tree, parser = _parse(html, huge=True)
    return tree, _stopped_deep(parser)


def _date_in_text(html: str) -> str | None:
    """A date written in the page's text (htmldate's extensive search), unless only a year was found.

    A date decides a rewrite's direction outright, so a guess is worse than none: htmldate turns a bare
    year into 1 January (an undated page mentioning 2026 came out published 2026-01-01). On 150 pages
    of the extraction sets the search found dates for 13 undated by their markup, 7 of them a 1 January.
    """
    from htmldate import find_date

    found = find_date(html, extensive_search=True, original_date=True)
    return None if not found or found.endswith("-01-01") else str(found)


def extract_article(html: str, where: str) -> Article:
    """The article in an HTML page.

    Args:
        html: The page source.
        where: The file it came from, for messages.

    Returns:
        An :class:`Article` whose text is the page's main text, one paragraph
        per line, with the page's title, date, site name and URL when found.

    Raises:
        InputError: The page holds no article text, or none above libxml2's depth limit of 2,048 elements.

    Example:
        >>> page = "<html><body><article><p>" + "Seoul will take control of its forces. " * 3
        >>> extract_article(page + "</p></article></body></html>", "a.html").text[:38]
        'Seoul will take control of its forces.'
    """
    from wiretrace.adapters.readers import clean_text, parse_published

    if len(html) > _MAX_HTML_CHARS:
        limit = _MAX_HTML_CHARS // 1_000_000
        raise InputError(where, f"page of {len(html) / 1e6:.1f} M characters; pages over {limit} M are not read")

    doc = _extract(lambda: html)
    # libxml2 reads no element nested deeper than 256 unless told the tree is huge (then 2,048): an
    # article inside 300 wrappers of <div> was "no article text". Read so only then, so the figures stand.
    cut_deep = False
    if not has_article_text(_text(doc)) and _too_deep(html):
        tree, cut_deep = _huge_tree(html)
        if tree is not None:
            doc = _extract(lambda: copy.deepcopy(tree)) or doc  # trafilatura prunes the tree it reads
    text = _text(doc)
    if not text or not has_article_text(text):
        if cut_deep:  # the text may well be there, below where libxml2 stops: say so, not "no article text"
            raise InputError(where, f"page nested deeper than {_HUGE_DEPTH_LIMIT:,} elements; not read")
        raise InputError(where, "no article text found in the HTML page")
    try:
        published = parse_published(getattr(doc, "date", None) or _date_in_text(html), where)
    except InputError:
        published = None  # a page's odd date is no reason to refuse its text
    return Article(
        text=clean_text(text),
        id=None,
        title=getattr(doc, "title", None) or None,
        published=published,
        outlet=getattr(doc, "sitename", None) or None,
        url=getattr(doc, "url", None) or None,
        path=where,
    )
