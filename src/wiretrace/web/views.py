"""Plain data for the routes: stored articles, matches, store counts, story graphs laid out.

Both renderers use these: the JSON routes return them as they are, the pages
hand them to Jinja (autoescaped). Verdicts come from
:func:`wiretrace.report.comparison_to_dict` and stories from
:func:`wiretrace.corpus_report.story_dict`, so the JSON is the CLI's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from wiretrace.adapters.store.base import StoredArticle
from wiretrace.core.provenance import Story
from wiretrace.corpus import Corpus, Match
from wiretrace.corpus_report import story_dict
from wiretrace.errors import InputError
from wiretrace.report import comparison_to_dict

__all__ = [
    "GraphLayout",
    "article_dict",
    "article_url",
    "compare_url",
    "headline",
    "layout_story",
    "match_dict",
    "parse_day",
    "store_stats",
    "stories_with_articles",
]


def article_url(article_id: str) -> str:
    """The page of a stored article (its id may hold slashes, so every character is quoted)."""
    return "/articles/" + quote(article_id, safe="")


def compare_url(source_id: str, derived_id: str) -> str:
    """The compare view of two stored articles."""
    return "/compare?" + urlencode({"a": source_id, "b": derived_id})


def headline(item: StoredArticle, width: int = 90) -> str:
    """The title, or else the article's first line, clipped to ``width`` characters."""
    a = item.article
    text = a.title or next((line.strip() for line in a.text[a.header :].splitlines() if line.strip()), "")
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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


def match_dict(match: Match, role: str, model: str | None = None) -> dict[str, Any]:
    """One source or copy, as ``wiretrace sources --json`` prints it."""
    return {"id": match.article.article.id, "role": role, "comparison": comparison_to_dict(match.comparison, model)}


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


def stories_with_articles(corpus: Corpus) -> tuple[list[Story], dict[int, StoredArticle]]:
    """Every story (largest first, numbered from 1 in this order) and its stored articles by rowid."""
    stories = corpus.stories()
    rowids = sorted({r for s in stories for r in s.articles})
    return stories, {s.rowid: s for s in corpus.store.get_many(rowids)}


def store_stats(corpus: Corpus, stories: list[Story]) -> dict[str, Any]:
    """Counts for the overview: articles, decided pairs by relation, stories."""
    pairs = corpus.store.pairs()
    return {
        "articles": corpus.store.count(),
        "unscanned": len(corpus.store.unscanned()),
        "pairs": dict(Counter(p.relation for p in pairs)),
        "stories": len(stories),
    }


def story_summary(n: int, story: Story, articles: dict[int, StoredArticle]) -> dict[str, Any]:
    """A story for lists: its number, size, originals and latest date."""
    data = story_dict(n, story, articles)
    dates = [a["published"] for a in data["articles"] if a["published"]]
    return {
        "id": n,
        "articles": len(story.articles),
        "rewrites": len(story.edges),
        "originals": [headline(articles[r], 70) for r in story.roots if r in articles],
        "latest": max(dates) if dates else None,
        "url": f"/stories/{n}",
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
    """Columns by publication day, originals first; an undated article one column right of its source.

    Args:
        story: The story (articles in time order, provenance edges).
        articles: Its stored articles by rowid.

    Returns:
        Node boxes, edge paths (source to derived) and the time axis, in SVG units.
    """
    day = {r: (articles[r].article.published or "")[:10] for r in story.articles if r in articles}
    days = sorted({d for d in day.values() if d})
    column = {r: days.index(d) for r, d in day.items() if d}
    parents: dict[int, list[int]] = {}
    for e in story.edges:
        if e.source is not None and e.derived is not None:
            parents.setdefault(e.derived, []).append(e.source)
    first_undated = len(days)
    for _ in story.articles:  # undated articles follow their sources, in as many passes as needed
        for r in story.articles:
            if r in column and day.get(r):
                continue
            placed = [column[p] for p in parents.get(r, []) if p in column]
            want = max([*placed, first_undated - 1]) + 1 if placed else first_undated
            if r not in column or column[r] < want:
                column[r] = want
    rows: Counter[int] = Counter()
    pos: dict[int, tuple[float, float]] = {}
    for r in story.articles:
        c = column.get(r, first_undated)
        pos[r] = (_MARGIN + c * (_NODE_W + _COL_GAP), _MARGIN + rows[c] * (_NODE_H + _ROW_GAP))
        rows[c] += 1
    n_cols = max(column.values(), default=0) + 1
    width = 2 * _MARGIN + n_cols * _NODE_W + (n_cols - 1) * _COL_GAP
    height = 2 * _MARGIN + max(rows.values(), default=1) * (_NODE_H + _ROW_GAP) - _ROW_GAP + _AXIS_H
    roots = set(story.roots)
    nodes = []
    for r in story.articles:
        if r not in articles:
            continue
        a = articles[r].article
        x, y = pos[r]
        nodes.append(
            GraphNode(
                str(a.id),
                x,
                y,
                headline(articles[r], 30),
                a.published or "undated",
                a.outlet or "",
                r in roots,
                article_url(str(a.id)),
            )
        )
    edges = []
    for e in story.edges:
        if e.source not in pos or e.derived not in pos or e.source not in articles or e.derived not in articles:
            continue
        (sx, sy), (dx, dy) = pos[e.source], pos[e.derived]
        x1, y1 = sx + _NODE_W, sy + _NODE_H / 2
        if dx > sx:
            x2, y2 = dx, dy + _NODE_H / 2
            bend = (x2 - x1) / 2
            path = f"M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} {x2 - bend:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        else:  # same day: loop round the right-hand side into the lower box
            x2, y2 = dx + _NODE_W, dy + _NODE_H / 2
            reach = max(x1, x2) + _COL_GAP * 0.6
            path = f"M{x1:.0f},{y1:.0f} C{reach:.0f},{y1:.0f} {reach:.0f},{y2:.0f} {x2 + 6:.0f},{y2:.0f}"
        s_id, d_id = str(articles[e.source].article.id), str(articles[e.derived].article.id)
        how = "publication dates" if e.basis == "published" else "textual evidence"
        edges.append(
            GraphEdge(
                path,
                (x1 + x2) / 2 if dx > sx else max(x1, x2) + _COL_GAP * 0.35,
                (y1 + y2) / 2 - 6,
                f"{e.confidence:.0%} · {e.coverage:.0%}",
                f"rewrite, confidence {e.confidence:.0%}; {e.coverage:.0%} of the derived text from its source; "
                f"direction by {how}",
                compare_url(s_id, d_id),
            )
        )
    axis = tuple(
        (_MARGIN + c * (_NODE_W + _COL_GAP) + _NODE_W / 2, days[c] if c < len(days) else "undated")
        for c in range(n_cols)
    )
    return GraphLayout(width, height, _NODE_W, _NODE_H, tuple(nodes), tuple(edges), axis)
