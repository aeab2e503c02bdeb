"""Plain data for the routes: stored articles, matches, store counts, story graphs laid out.

Both renderers use these: the JSON routes return them as they are, the pages
hand them to Jinja (autoescaped). Verdicts come from
:func:`wiretrace.report.comparison_to_dict` and stories from
:func:`wiretrace.corpus_report.story_dict`, so the JSON is the CLI's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from wiretrace.adapters.store.base import StoredArticle
from wiretrace.core.provenance import Story
from wiretrace.corpus import Corpus, Match
from wiretrace.corpus_report import edge_reading, first_line, reading_dict
from wiretrace.errors import InputError
from wiretrace.report import comparison_to_dict, edge_undecided, shown_date
from wiretrace.types import BASIS_PHRASE

__all__ = [
    "ORIGINALS_SHOWN",
    "SEARCH_CHARS",
    "GraphLayout",
    "StoryIndex",
    "article_dict",
    "article_url",
    "articles_of",
    "clip",
    "compare_url",
    "find_story",
    "headline",
    "layout_story",
    "match_dict",
    "parse_day",
    "store_stats",
    "story_index",
    "story_summary",
]


# The longest search field taken (q, title, outlet). SQLite refuses a LIKE pattern over 50,000 bytes
# ("pattern too complex", a 500); a field of 1,000 characters makes at most 8,000 even escaped, in UTF-8.
SEARCH_CHARS = 1000
# The furthest a search may page on (SQLite's integers end at 2**63); no store holds that many articles.
SEARCH_OFFSET = 1_000_000_000


def article_url(article_id: str) -> str:
    """The page of a stored article (its id may hold slashes, so every character is quoted)."""
    return "/articles/" + quote(article_id, safe="")


def compare_url(source_id: str, derived_id: str) -> str:
    """The compare view of two stored articles."""
    return "/compare?" + urlencode({"a": source_id, "b": derived_id})


def headline(item: StoredArticle, width: int = 90) -> str:
    """The title, or else the first line of the body that has three words, clipped to ``width`` characters.

    Page furniture and wire rules (a PA text starts with a line of dashes) are
    skipped, as the CLI's story summary skips them.
    """
    a = item.article
    return clip(a.title or first_line(a) or a.text[a.header :], width)


def clip(text: str, width: int) -> str:
    """``text`` on one line (control characters as spaces), clipped to ``width`` characters with "…".

    The cut falls between words unless that would lose more than half the width.

    Example:
        >>> clip("Hegseth visits  South Korea\\nfor talks", 24)
        'Hegseth visits South…'
    """
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(text) <= width:
        return text
    cut = text[:width]
    space = cut.rfind(" ")
    return (cut[:space] if space > width // 2 else cut[: width - 1]).rstrip() + "…"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown_text(text: str) -> str:
    """An article's text for reading: control characters (PA's ``\\x19`` before each paragraph) left out.

    Example:
        >>> shown_text("\\x19 The court heard")
        ' The court heard'
    """
    return _CONTROL.sub("", text)


def article_dict(item: StoredArticle, with_text: bool = False) -> dict[str, Any]:
    """A stored article's metadata (and text) as JSON-ready data."""
    a = item.article
    out: dict[str, Any] = {
        "id": a.id,
        "title": a.title,
        "headline": headline(item),
        "published": a.published,
        "outlet": a.outlet,
        "url": a.url,
        "sentences": item.n_sentences,
    }
    if with_text:
        out["text"] = a.text[a.header :]
    return out


def match_dict(match: Match, role: str, articles: dict[int, StoredArticle], model: str | None = None) -> dict[str, Any]:
    """One source or copy, as ``wiretrace sources --json`` prints it.

    Args:
        match: The source or copy.
        role: ``source`` or ``copy``.
        articles: Stored articles by rowid, holding those of any wire versions read as one.
        model: The embedding model's name, for the comparison.
    """
    return {
        "id": match.article.article.id,
        "role": role,
        "comparison": comparison_to_dict(match.comparison, model),
        "versions": reading_dict(match, articles),
    }


def parse_day(value: str | None, name: str) -> str | None:
    """An ISO day from a query parameter, or None; InputError names the parameter.

    Example:
        >>> parse_day("2025-11-03", "since")
        '2025-11-03'
    """
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(name, f"{value!r} is not a date (use YYYY-MM-DD)") from None


@dataclass(frozen=True)
class StoryIndex:
    """Every story of a store as the pages read them, built once for each state of the store.

    Attributes:
        stories: Largest first, numbered from 1 in this order.
        latest: Each story's latest publication time (None where no member is dated).
        numbers: The story number of each member article, by rowid.
    """

    stories: list[Story]
    latest: list[str | None]
    numbers: dict[int, int]

    def find(self, ref: str) -> int | None:
        """The number (from 1) of the story ``ref`` names: its lasting key or, as old links have it, its number."""
        return find_story(self.stories, ref)


def story_index(corpus: Corpus) -> StoryIndex:
    """The stories of ``corpus``'s store, with their latest dates (read without the articles' text)."""
    stories = corpus.stories()
    meta = corpus.store.dates_and_outlets(sorted({r for s in stories for r in s.articles}))
    latest = [max((d for r in s.articles if (d := meta.get(r, (None, None))[0])), default=None) for s in stories]
    numbers = {r: n for n, s in enumerate(stories, 1) for r in s.articles}
    return StoryIndex(stories, latest, numbers)


# Originals named for a story in lists; past them, "and N more" (a story of a whole feed can have thousands).
ORIGINALS_SHOWN = 3


def articles_of(corpus: Corpus, stories: Iterable[Story], roots_only: bool = False) -> dict[int, StoredArticle]:
    """The stored articles of ``stories`` (with ``roots_only``, the originals a list names), by rowid."""
    rowids = sorted({r for s in stories for r in (s.roots[:ORIGINALS_SHOWN] if roots_only else s.articles)})
    return {item.rowid: item for item in corpus.store.get_many(rowids)}


def find_story(stories: list[Story], ref: str) -> int | None:
    """The number (from 1) of the story ``ref`` names: its lasting key or, as old links have it, its number."""
    for n, story in enumerate(stories, 1):
        if story.key == ref:
            return n
    if ref.isascii() and ref.isdigit() and len(ref) < 12 and 1 <= int(ref) <= len(stories):
        return int(ref)
    return None


def store_stats(corpus: Corpus, index: StoryIndex) -> dict[str, Any]:
    """Counts for the overview: articles, decided pairs by relation, stories."""
    return {
        "articles": corpus.store.count(),
        "unscanned": len(corpus.store.unscanned()),
        "pairs": corpus.store.relation_counts(),
        "stories": len(index.stories),
    }


def story_summary(n: int, index: StoryIndex, articles: dict[int, StoredArticle]) -> dict[str, Any]:
    """Story ``n`` of ``index`` for lists: its number, key, size, originals and latest date.

    ``articles`` holds at least the story's originals (:func:`articles_of` with ``roots_only``).
    """
    story, latest = index.stories[n - 1], index.latest[n - 1]
    return {
        "id": n,
        "key": story.key,
        "articles": len(story.articles),
        "rewrites": len(story.edges),
        "originals": [headline(articles[r], 70) for r in story.roots[:ORIGINALS_SHOWN] if r in articles],
        "more_originals": max(0, len(story.roots) - ORIGINALS_SHOWN),
        "latest": latest,
        "latest_label": shown_date(latest),
        "url": f"/stories/{story.key or n}",
    }


@dataclass(frozen=True)
class GraphNode:
    id: str
    x: float
    y: float
    title: str
    when: str
    outlet: str
    is_root: bool
    url: str


@dataclass(frozen=True)
class GraphEdge:
    path: str
    label_x: float
    label_y: float
    label: str
    title: str
    url: str


@dataclass(frozen=True)
class GraphLayout:
    """A story's provenance graph placed on a canvas: time runs left to right."""

    width: float
    height: float
    node_width: float
    node_height: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    axis: tuple[tuple[float, str], ...]


_NODE_W, _NODE_H, _COL_GAP, _ROW_GAP, _MARGIN, _AXIS_H = 210.0, 58.0, 90.0, 26.0, 20.0, 34.0


def layout_story(story: Story, articles: dict[int, StoredArticle]) -> GraphLayout:
    """Time as the x axis: one column per publication time, oldest left; undated articles in a last column.

    One row per article, each under the article it was written from (its best
    source), roots and siblings in time order. An edge leaves its source's
    left side into the gap before the source's column, runs down (or up) that
    gap to the derived article's row and along the row to it: gaps and a row
    of its own hold no other box, so no arrow passes behind an article that
    is not its end.

    Args:
        story: The story (articles in time order, provenance edges).
        articles: Its stored articles by rowid.

    Returns:
        Node boxes, edge paths (source to derived) and the time axis, in SVG units.
    """
    members = [r for r in story.articles if r in articles]
    when = {r: articles[r].article.published or "" for r in members}
    times = sorted({w for w in when.values() if w})
    column = {r: times.index(w) if w else len(times) for r, w in when.items()}
    further = set(story.further)
    children: dict[int, list[int]] = {}
    has_parent: set[int] = set()
    for e in story.edges:
        if e not in further and e.source in column and e.derived in column and e.derived not in has_parent:
            children.setdefault(e.source, []).append(e.derived)
            has_parent.add(e.derived)
    rank = {r: k for k, r in enumerate(members)}  # siblings in time order
    order: list[int] = []
    seen: set[int] = set()
    for top in [r for r in members if r not in has_parent] + members:  # members again: a cycle, were one made
        stack = [top]
        while stack:
            r = stack.pop()
            if r in seen:
                continue
            seen.add(r)
            order.append(r)
            stack.extend(sorted(children.get(r, []), key=rank.__getitem__, reverse=True))
    left = _MARGIN + _COL_GAP  # a gap before the first column, for its edges
    step_x, step_y = _NODE_W + _COL_GAP, _NODE_H + _ROW_GAP
    pos = {r: (left + column[r] * step_x, _MARGIN + row * step_y) for row, r in enumerate(order)}
    n_cols = max(column.values(), default=0) + 1
    width = left + n_cols * _NODE_W + (n_cols - 1) * _COL_GAP + _MARGIN
    height = 2 * _MARGIN + max(len(order), 1) * (_NODE_H + _ROW_GAP) - _ROW_GAP + _AXIS_H
    roots = set(story.roots)
    nodes = []
    for r in members:
        a = articles[r].article
        x, y = pos[r]
        nodes.append(
            GraphNode(
                str(a.id),
                x,
                y,
                headline(articles[r], 30),
                shown_date(a.published),
                a.outlet or "",
                r in roots,
                article_url(str(a.id)),
            )
        )
    # The sources of one column share its gap, each down a lane of its own.
    sources = sorted({e.source for e in story.edges if e.source in pos}, key=lambda r: pos[r][1])
    lanes: dict[int, list[int]] = {}
    for r in sources:
        lanes.setdefault(column[r], []).append(r)
    lane_x = {
        r: pos[r][0] - _COL_GAP * (0.15 + 0.7 * (k + 1) / (len(in_col) + 1))
        for in_col in lanes.values()
        for k, r in enumerate(in_col)
    }
    edges = []
    for e in story.edges:
        if e.source not in pos or e.derived not in pos:
            continue
        (sx, sy), (dx, dy) = pos[e.source], pos[e.derived]
        y1, y2, lane = sy + _NODE_H / 2, dy + _NODE_H / 2, lane_x[e.source]
        x2 = dx if dx > lane else dx + _NODE_W  # the derived box's near side
        path = f"M{sx:.0f},{y1:.0f} H{lane:.0f} V{y2:.0f} H{x2:.0f}"
        label = ((lane + x2) / 2, y2 - 6)
        s_id, d_id = str(articles[e.source].article.id), str(articles[e.derived].article.id)
        if edge_undecided(e.basis, e.direction_p):
            how = "neither: undecided, the text alone cannot tell"
        else:
            how = BASIS_PHRASE.get(e.basis or "", "textual evidence")
        numbers = f"{e.confidence:.0%} · {e.coverage:.0%}"
        title = (
            f"{d_id} rewritten from {s_id}: confidence {e.confidence:.0%}; {e.coverage:.0%} of the derived "
            f"text from its source; direction by {how}"
        )
        if e.versions:
            # The pair alone is no rewrite: a compare of the two would contradict the arrow. The derived
            # article's page lists the source with the reading and the pair's own verdict.
            extra = len(e.versions) - 1
            edges.append(
                GraphEdge(
                    path,
                    label[0],
                    label[1],
                    f"{numbers} · +{extra} version{'s' if extra != 1 else ''}",
                    f"{title}; {edge_reading(e)} (the pair on its own says less: see the derived article)",
                    article_url(d_id) + "#sources",
                )
            )
            continue
        edges.append(GraphEdge(path, label[0], label[1], numbers, title, compare_url(s_id, d_id)))
    axis = tuple(
        (left + c * (_NODE_W + _COL_GAP) + _NODE_W / 2, shown_date(times[c]) if c < len(times) else "undated")
        for c in range(n_cols)
        if c in set(column.values())
    )
    return GraphLayout(width, height, _NODE_W, _NODE_H, tuple(nodes), tuple(edges), axis)
