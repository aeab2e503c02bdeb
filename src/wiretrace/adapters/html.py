"""Main text and metadata of an HTML page, by trafilatura.

trafilatura finds the article body and drops navigation, comments and other
page furniture; its metadata pass finds the title, publication date, site name
and canonical URL. The text keeps one paragraph per line.
"""

from __future__ import annotations

from wiretrace.errors import InputError
from wiretrace.types import Article

__all__ = ["extract_article"]


def extract_article(html: str, where: str) -> Article:
    """The article in an HTML page.

    Args:
        html: The page source.
        where: The file it came from, for messages.

    Returns:
        An :class:`Article` whose text is the page's main text.

    Raises:
        InputError: No article text could be found in the page.
    """
    import trafilatura

    from wiretrace.adapters.readers import parse_published

    doc = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        favor_precision=False,
        with_metadata=True,
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise InputError(where, "no article text found in the HTML page")
    try:
        published = parse_published(getattr(doc, "date", None), where)
    except InputError:
        published = None  # a page's odd date is no reason to refuse its text
    return Article(
        text=text,
        id=None,
        title=getattr(doc, "title", None) or None,
        published=published,
        outlet=getattr(doc, "sitename", None) or None,
        url=getattr(doc, "url", None) or None,
        path=where,
    )
