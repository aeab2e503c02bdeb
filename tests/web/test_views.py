"""The plain data behind the pages: headlines, the story graph's layout, store search (both stores)."""

from __future__ import annotations

import itertools

import pytest

from wiretrace.adapters.store import MemoryStore, SQLiteStore
from wiretrace.adapters.store.base import StoredArticle
from wiretrace.core.provenance import Edge, Story
from wiretrace.types import Article
from wiretrace.web.views import headline, layout_story


def stored(rowid: int, text: str, published: str | None = None, title: str | None = None) -> StoredArticle:
    return StoredArticle(Article(text, f"id-{rowid}", title, published), f"digest-{rowid}", (), 1, rowid)


def test_headline_skips_wire_rules_and_control_characters():
    pa = stored(1, "-------------------------------\n\x1cGUSCOTT ARRIVES TO FACE ROAD RAGE TRIAL<\nBy Court Staff\n")
    assert headline(pa) == "GUSCOTT ARRIVES TO FACE ROAD RAGE TRIAL"  # the wire's paragraph mark "<" dropped
    assert headline(stored(2, "Body text here.", title="A <b>title</b>")) == "A <b>title</b>"
    assert headline(stored(3, "word " * 40), width=20) == "word word word word…"


def test_story_layout_puts_time_on_the_x_axis():
    articles = {
        1: stored(1, "The wire story about the port strike.", "2024-03-12T09:00:00"),
        2: stored(2, "A later wire version about the port strike.", "2024-03-12T15:30:00"),
        3: stored(3, "A paper's rewrite of the port strike story.", None),
        4: stored(4, "Another paper's copy of the later version.", None),
    }
    story = Story(
        articles=(1, 2, 3, 4),
        edges=(
            Edge(1, 3, "rewrite", 0.9, source=1, derived=3, coverage=0.8, basis="text"),
            Edge(2, 4, "rewrite", 0.8, source=2, derived=4, coverage=0.7, basis="text"),
            Edge(1, 2, "rewrite", 0.7, source=2, derived=1, coverage=0.6, basis="text"),  # the text said so
        ),
        roots=(2,),
    )
    graph = layout_story(story, articles)
    x = {n.id: n.x for n in graph.nodes}
    y = {n.id: n.y for n in graph.nodes}
    assert x["id-1"] < x["id-2"] < x["id-3"] == x["id-4"]
    assert y["id-3"] < y["id-4"]  # undated ones follow their sources' order
    assert [label for _, label in graph.axis] == ["2024-03-12 09:00", "2024-03-12 15:30", "undated"]
    assert [n.is_root for n in graph.nodes] == [False, True, False, False]
    urls = [e.url for e in graph.edges]
    assert urls[0] == "/compare?a=id-1&b=id-3" and urls[2] == "/compare?a=id-2&b=id-1"
    # A backward edge (derived earlier than its source) leaves the source's left side.
    assert graph.edges[2].path.startswith(f"M{x['id-2']:.0f},")
    assert all(
        0 <= n.x + graph.node_width <= graph.width and n.y + graph.node_height <= graph.height for n in graph.nodes
    )


def _segments(path: str) -> list[tuple[float, float, float, float]]:
    """The straight segments of an edge path "M x,y H x V y H x"."""
    parts = path.split()
    x, y = (float(v) for v in parts[0][1:].split(","))
    out = []
    for part in parts[1:]:
        nx, ny = (float(part[1:]), y) if part[0] == "H" else (x, float(part[1:]))
        out.append((x, y, nx, ny))
        x, y = nx, ny
    return out


def test_no_arrow_passes_behind_a_box_that_is_not_its_end():
    """METER's Oasis story as the web app drew it: every dated paper in its own column on one row, so the wire
    copy's arrow to the last paper ran behind the papers between and seemed to leave one of them."""
    times = ["2000-01-27T16:27:00", "2000-01-28T05:00:00", "2000-01-28T06:00:00", "2000-01-28T06:30:00"]
    articles = {r: stored(r, f"Article {r} on the birth.", times[min(r, 3)] if r < 6 else None) for r in range(8)}
    edges = [(0, 3), (0, 1), (1, 2), (0, 5), (4, 6), (0, 7), (2, 4)]
    story = Story(
        articles=tuple(range(8)),
        edges=tuple(Edge(a, b, "rewrite", 0.9, source=a, derived=b, coverage=0.5, basis="published") for a, b in edges),
        roots=(0,),
    )
    graph = layout_story(story, articles)
    box = {n.id: (n.x, n.y, n.x + graph.node_width, n.y + graph.node_height) for n in graph.nodes}
    for (a, b), edge in zip(edges, graph.edges, strict=True):
        for x1, y1, x2, y2 in _segments(edge.path):
            for name, (left, top, right, bottom) in box.items():
                if name in (f"id-{a}", f"id-{b}"):
                    continue
                across = min(x1, x2) < right and max(x1, x2) > left and min(y1, y2) < bottom and max(y1, y2) > top
                assert not across, f"{a}->{b} crosses {name}"
        assert edge.path.startswith(f"M{box[f'id-{a}'][0]:.0f},")  # from its source's side
    ys = sorted(box.values(), key=lambda b: b[1])
    assert all(upper[3] <= lower[1] for upper, lower in itertools.pairwise(ys))  # one article a row


@pytest.fixture(params=["sqlite", "memory"])
def store(request, tmp_path):
    s = SQLiteStore(tmp_path / "s.db", "test") if request.param == "sqlite" else MemoryStore()
    items = [
        (Article("Seoul plans a record budget.", "a", "Budget 100% up", "2025-11-03", "Reuters"), "d1"),
        (Article("Hegseth visits the DMZ.", "b", None, "2025-11-04T08:00:00", "Yonhap"), "d2"),
        (Article("Port Malvern strike_vote called; a strike vote.", "c", "Strike", None, "Coastal Wire"), "d3"),
    ]
    s.add([StoredArticle(a, d, ("t:x",), 1) for a, d in items])
    yield s
    s.close()


@pytest.mark.parametrize(
    ("kwargs", "ids"),
    [
        ({}, ["b", "a", "c"]),
        ({"text": "budget"}, ["a"]),
        ({"text": "HEGSETH"}, ["b"]),
        ({"text": "100%"}, ["a"]),
        ({"text": "%"}, ["a"]),
        ({"text": "strike_vote"}, ["c"]),
        ({"text": "a_strike"}, []),  # "_" is no wildcard here, or "a strike" would match
        ({"outlet": "wire"}, ["c"]),
        ({"title": "strike"}, ["c"]),
        ({"since": "2025-11-04"}, ["b"]),
        ({"until": "2025-11-03"}, ["a"]),
        ({"since": "2025-11-03", "until": "2025-11-04", "limit": 1}, ["b"]),
    ],
)
def test_search_is_the_same_in_both_stores(store, kwargs, ids):
    assert [s.article.id for s in store.search(**kwargs)] == ids
