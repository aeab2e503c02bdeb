"""Stories partition the articles; provenance keeps who was written from whom."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from wiretrace.core.provenance import SPLIT_FROM, Edge, cluster_stories, trace_provenance


def by_id(a: int) -> tuple[int]:
    return (a,)


@given(
    n=st.integers(min_value=1, max_value=30),
    links=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=40),
)
def test_clusters_partition_the_articles(n, links):
    edges = [Edge(a, b, "rewrite", 0.9) for a, b in links if a < n and b < n and a != b]
    clusters = cluster_stories(range(n), edges)
    flat = [a for c in clusters for a in c]
    assert sorted(flat) == list(range(n))
    # Below SPLIT_FROM articles a story is a connected component: every edge inside one.
    components = cluster_stories(range(n), [])
    for e in edges:
        components = _joined(components, e.a, e.b)
    small = {a for c in components if len(c) < SPLIT_FROM for a in c}
    where = {a: k for k, c in enumerate(clusters) for a in c}
    assert all(where[e.a] == where[e.b] for e in edges if e.a in small)
    assert sorted(map(sorted, clusters)) == sorted(clusters)


def _joined(groups: list[list[int]], a: int, b: int) -> list[list[int]]:
    ga = next(g for g in groups if a in g)
    gb = next(g for g in groups if b in g)
    return groups if ga is gb else [g for g in groups if g is not ga and g is not gb] + [sorted(ga + gb)]


def test_a_chain_of_same_event_links_is_split_and_a_dense_story_is_not():
    """Reports of many events on one subject chain by single same-event links into one component (the BBC
    set's politics articles made one of 47); a story's articles link densely. The chain is split into
    stories; 25 articles each linked to its 8 neighbours (a METER court case of many papers) stay one."""
    chain = [Edge(k, k + 1, "same-event", 0.6) for k in range(39)]
    stories = cluster_stories(range(40), chain)
    assert len(stories) > 1 and max(map(len, stories)) < 20
    assert sorted(a for s in stories for a in s) == list(range(40))
    dense = [Edge(k, (k + d) % 25, "same-event", 0.6) for k in range(25) for d in range(1, 5)]
    assert cluster_stories(range(25), dense) == [list(range(25))]
    # A rewrite and its source stay in one story, whatever links the rest: two dense groups of 12 joined
    # by one rewrite link had been cut apart there, the derived article shown as an original of its own.
    groups = [Edge(g + k, g + (k + d) % 12, "same-event", 0.6) for g in (0, 12) for k in range(12) for d in (1, 2, 3)]
    split = cluster_stories(range(24), [*groups, Edge(0, 12, "rewrite", 0.99)])
    assert len(split) == 2 and any({0, 12} <= set(s) for s in split)
    # The same stories whatever order the pairs come in (a local scan and Spark list them differently).
    flipped = [Edge(e.b, e.a, e.relation, e.confidence) for e in reversed(chain)]
    assert cluster_stories(reversed(range(40)), flipped) == stories


def test_two_papers_copying_one_wire_are_siblings_not_parent_and_child():
    wire, sun, mirror = 1, 2, 3
    edges = [
        Edge(1, 2, "rewrite", 0.95, wire, sun, 0.90),
        Edge(1, 3, "rewrite", 0.90, wire, mirror, 0.78),
        # The Mirror also looks written from the Sun: they share the wire's sentences.
        Edge(2, 3, "rewrite", 0.80, sun, mirror, 0.85),
    ]
    story = trace_provenance([1, 2, 3], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, sun), (wire, mirror)}
    assert story.roots == (wire,)


def test_a_rewrite_of_a_rewrite_keeps_its_chain():
    wire, site, farm = 1, 2, 3
    edges = [
        Edge(1, 2, "rewrite", 0.9, wire, site, 0.9),
        Edge(2, 3, "rewrite", 0.9, site, farm, 0.95),
        Edge(1, 3, "rewrite", 0.7, wire, farm, 0.5),  # the farm copied the site's added sentences too
    ]
    story = trace_provenance([1, 2, 3], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, site), (site, farm)}


def test_a_cycle_of_decisions_still_leaves_a_root():
    edges = [
        Edge(1, 2, "rewrite", 0.9, 1, 2, 0.9),
        Edge(2, 3, "rewrite", 0.9, 2, 3, 0.8),
        Edge(1, 3, "rewrite", 0.9, 3, 1, 0.7),
    ]
    story = trace_provenance([1, 2, 3], edges, by_id)
    assert story.roots
    assert len(story.edges) == 2


def test_same_event_pairs_join_a_story_but_are_no_provenance():
    edges = [Edge(1, 2, "same-event", 0.8), Edge(2, 3, "rewrite", 0.9, 2, 3, 0.9)]
    assert cluster_stories([1, 2, 3], edges) == [[1, 2, 3]]
    story = trace_provenance([1, 2, 3], edges, by_id)
    assert [(e.source, e.derived) for e in story.edges] == [(2, 3)]
    assert story.roots == (1, 2)


def test_a_wire_copy_is_the_parent_even_when_a_sibling_covers_more():
    wire, times, mirror = 1, 2, 3
    edges = [
        Edge(wire, times, "rewrite", 0.8, source=wire, derived=times, coverage=0.7, basis="agency"),
        Edge(wire, mirror, "rewrite", 0.8, source=wire, derived=mirror, coverage=0.8, basis="agency"),
        # The two papers reused the same wire sentences: each covers the other more than the wire does.
        Edge(times, mirror, "rewrite", 0.9, source=mirror, derived=times, coverage=1.0, basis="text"),
    ]
    story = trace_provenance([wire, times, mirror], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, times), (wire, mirror)}
    assert story.roots == (wire,)
    # Without the agency basis, coverage decides.
    plain = [Edge(e.a, e.b, e.relation, e.confidence, e.source, e.derived, e.coverage, "text") for e in edges]
    assert (mirror, times) in {(e.source, e.derived) for e in trace_provenance([1, 2, 3], plain, by_id).edges}


def test_a_paper_with_a_wire_parent_gets_no_second_parent_from_another_paper():
    # As in METER's Oasis story: the Sun's text (not matched to the wire) covers all of the Mirror's,
    # which retold the wire; both papers printed the same morning, so the wire is the Mirror's origin.
    wire, mirror, sun, wire2 = 1, 2, 3, 4
    edges = [
        Edge(wire, mirror, "rewrite", 0.9, source=wire, derived=mirror, coverage=0.74, basis="agency"),
        Edge(sun, mirror, "rewrite", 0.7, source=sun, derived=mirror, coverage=1.0, basis="text"),
        Edge(wire2, mirror, "rewrite", 0.8, source=wire2, derived=mirror, coverage=0.73, basis="agency"),
    ]
    story = trace_provenance([wire, mirror, sun, wire2], edges, by_id)
    # A second wire version accounting for nearly as much stays a parent; the other paper does not.
    assert {(e.source, e.derived) for e in story.edges} == {(wire, mirror), (wire2, mirror)}
    assert story.roots == (wire, sun, wire2)


def test_a_dated_wire_copy_comes_first_as_an_undated_one_does():
    # With dates, the wire's edges are decided by them (basis "published"), not by the agency rule: the wire
    # copy is still the parent of two papers of one day that cover each other more than it covers either.
    wire, times, mirror = 1, 2, 3
    edges = [
        Edge(wire, times, "rewrite", 0.8, wire, times, 0.7, "published", agency=True, closeness=0.80),
        Edge(wire, mirror, "rewrite", 0.8, wire, mirror, 0.8, "published", agency=True, closeness=0.75),
        Edge(times, mirror, "rewrite", 0.9, mirror, times, 1.0, "text", closeness=0.95),
    ]
    story = trace_provenance([wire, times, mirror], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, times), (wire, mirror)}


def test_an_earlier_retelling_closer_than_the_wire_is_the_parent():
    wire, site, farm = 1, 2, 3
    edges = [
        Edge(wire, site, "rewrite", 0.94, wire, site, 1.0, "published", agency=True, closeness=0.61),
        Edge(wire, farm, "rewrite", 0.94, wire, farm, 1.0, "published", agency=True, closeness=0.67),
        Edge(site, farm, "rewrite", 0.99, site, farm, 1.0, "published", closeness=0.93),
    ]
    story = trace_provenance([wire, site, farm], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, site), (site, farm)}
    assert story.roots == (wire,)
    # Not much closer: two retellings of the wire, siblings.
    near = [dataclasses.replace(e, closeness=0.70) if e.source == site else e for e in edges]
    assert {(e.source, e.derived) for e in trace_provenance([1, 2, 3], near, by_id).edges} == {(1, 2), (1, 3)}
    # No dates between the two retellings (the text decided): the wire stays the parent.
    undated = [dataclasses.replace(e, basis="text") if e.source == site else e for e in edges]
    assert {(e.source, e.derived) for e in trace_provenance([1, 2, 3], undated, by_id).edges} == {(1, 2), (1, 3)}


def test_a_further_source_must_be_nearly_as_close_as_the_best():
    # METER's soldier story: a paper that only shares the wire's facts covers as much of a farm's re-spin of
    # another paper, from much further away; it is not a second source.
    wire, tel, mirror, farm = 1, 2, 3, 4
    edges = [
        Edge(wire, tel, "rewrite", 0.98, wire, tel, 1.0, "published", agency=True, closeness=0.90),
        Edge(tel, farm, "rewrite", 0.94, tel, farm, 0.91, "published", closeness=0.85),
        Edge(wire, farm, "rewrite", 0.68, wire, farm, 0.91, "published", agency=True, closeness=0.71),
        Edge(mirror, farm, "rewrite", 0.64, mirror, farm, 0.91, "published", closeness=0.58),
    ]
    story = trace_provenance([wire, tel, mirror, farm], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(wire, tel), (tel, farm)}
    assert story.further == ()


def test_a_chain_without_a_news_agency_keeps_its_links_when_the_ancestor_is_farther():
    # A site's story re-spun by a farm, re-spun again by another: each covers all of the next, so coverage
    # cannot tell a chain from siblings; how close each stays can (METER's Owen story too: a paper's
    # near-verbatim wire version sat under a shorter version of the story that was its parent).
    site, farm1, farm13 = 1, 2, 3
    edges = [
        Edge(site, farm1, "rewrite", 0.95, site, farm1, 1.0, "published", closeness=0.90),
        Edge(farm1, farm13, "rewrite", 0.97, farm1, farm13, 1.0, "published", closeness=0.95),
        Edge(site, farm13, "rewrite", 0.93, site, farm13, 1.0, "published", closeness=0.70),
    ]
    story = trace_provenance([site, farm1, farm13], edges, by_id)
    assert {(e.source, e.derived) for e in story.edges} == {(site, farm1), (farm1, farm13)}
    # As close to the ancestor as to the parent: siblings of one source.
    even = [dataclasses.replace(e, closeness=0.93) if e.source == site and e.derived == farm13 else e for e in edges]
    assert {(e.source, e.derived) for e in trace_provenance([1, 2, 3], even, by_id).edges} == {(1, 2), (1, 3)}


def test_a_split_story_keeps_its_key_on_the_part_holding_its_earliest_article():
    """Past SPLIT_FROM articles a story is split, and a later article can move articles between its parts: the
    part holding the earliest-stored article keeps the key (README, docs/corpus-output.md), each other part is
    named by its own earliest-stored article."""
    from wiretrace.adapters.store.base import PairRecord
    from wiretrace.stories import stories_from_pairs, story_key

    def pairs(n: int) -> list[PairRecord]:
        return [PairRecord(k, k + 1, "same-event", 0.6, None, None, None, 0.3, 0.3, {}) for k in range(n - 1)]

    names = {k: f"art{k}" for k in range(60)}
    before = stories_from_pairs(pairs(SPLIT_FROM - 1), {}, None, names)
    assert [s.key for s in before] == [story_key("art0")]
    after = stories_from_pairs(pairs(60), {}, None, names)
    assert len(after) > 1
    assert {s.key for s in after} == {story_key(names[min(s.articles)]) for s in after}
    assert next(s for s in after if 0 in s.articles).key == story_key("art0")
