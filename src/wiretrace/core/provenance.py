"""Stories and their provenance graphs from decided pairs.

A *story* is a set of articles about one event: the connected components of
the graph whose edges are decided ``rewrite`` and ``same-event`` pairs, a large
one split into its communities where it is only loosely held together (see
:func:`cluster_stories`).
Inside a story the *provenance graph* says who was written from whom. Not
every rewrite pair is a provenance edge: two papers that both copied the same
wire story share its sentences and look like rewrites of each other, and a
paper that used the second version of a wire story also matches the first.
Each derived article therefore keeps as parent the source that accounts for
most of it (highest ``coverage_derived``, discounted by the doubt about the
pair's direction: a direction read from publication times is certain, one read
from the text is not), and a further source only when it
accounts for nearly as much (within ``keep_within``), stays nearly as close
(within ``closer_by``) and is not itself in the best parent's own ancestry or
descent. A news agency's copy the article was
written from is the parent before any other source, whether the dates or the
agency rule gave the direction: two papers that retold the same wire story
cover each other more fully than either covers one wire version, but the wire
is the origin. An article with a wire parent keeps further parents only among
wire copies (a second version of the story), not papers that share the wire's
sentences.

One exception makes chains visible: a source that is no agency's, published
before the article (dates decided the direction), and *closer* to it than the
wire copy (the mean strength of the article's sentence links, ``closeness``,
higher by ``closer_by``) is the parent: the article retold that retelling (a
content farm's re-spin of a paper's rewrite of the wire). Papers of one day
never qualify: on METER, a newspaper text's sentence links to another paper
that retold the same wire story are often as strong as to the wire itself
(median difference 0.004, a quarter of them 0.16 or more), so without dates
the wire stays the parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CLOSER_BY", "SPLIT_FROM", "Edge", "Story", "cluster_stories", "retold_closer", "trace_provenance"]

# How much closer than the wire copy an earlier retelling must be to be taken as the parent (see above).
CLOSER_BY = 0.1

# Connected components of this many articles or more are split into communities (cluster_stories), at this
# Louvain resolution (below 1: larger communities), with this seed (the same stories on every run).
SPLIT_FROM = 20
RESOLUTION = 0.3
SEED = 20251103


@dataclass(frozen=True)
class Edge:
    """A decided pair, as the graph needs it.

    Attributes:
        a: One article (any hashable id).
        b: The other.
        relation: ``rewrite`` or ``same-event``.
        confidence: Probability of the relation.
        source: The source, for a rewrite.
        derived: The derived article, for a rewrite.
        coverage: Share of the derived text accounted for by the source.
        basis: How the direction was decided (``published``, ``agency`` or ``text``).
        direction_p: Probability that the direction is right (1 for dates and agencies).
        agency: The source is a news agency's copy.
        closeness: Mean strength of the derived article's sentence links to the
            source (0 for a sentence with none), or None when not recorded.
        versions: Where the numbers come from reading several versions of a
            wire story as one (:mod:`wiretrace.wire`): those versions, the
            source among them; empty where the pair alone gave them.
    """

    a: int
    b: int
    relation: str
    confidence: float
    source: int | None = None
    derived: int | None = None
    coverage: float = 0.0
    basis: str | None = None
    direction_p: float = 1.0
    agency: bool = False
    closeness: float | None = None
    versions: tuple[int, ...] = ()

    @property
    def from_agency(self) -> bool:
        """The source is a news agency's copy (so too when the agency rule gave the direction)."""
        return self.agency or self.basis == "agency"

    @property
    def weight(self) -> float:
        """How well the source explains the derived article, discounted by doubt about the direction."""
        return self.coverage * self.direction_p


@dataclass(frozen=True)
class Story:
    """Articles about one event and who was written from whom.

    Attributes:
        articles: Members, ordered by publication time (unknown times last,
            then by id).
        edges: Provenance edges, source to derived.
        roots: Members with no parent: originals, or independent reports.
        further: The edges of ``edges`` to a derived article's second or
            later parent; the others give each derived article its one
            best source and form a forest under ``roots``.
        key: A lasting name (:func:`wiretrace.stories.story_key`); empty
            where none was given.
    """

    articles: tuple[int, ...]
    edges: tuple[Edge, ...]
    roots: tuple[int, ...]
    further: tuple[Edge, ...] = ()
    key: str = ""


def cluster_stories(articles: Iterable[int], edges: Iterable[Edge]) -> list[list[int]]:
    """Stories: connected components (union-find) over the edges, the large ones split; every article in one.

    Same-event links chain: reports of two events on one subject (two matches of one club, two days of
    one party's news) each link to a third, and a component grows by single links into dozens of
    articles about many events. A story's articles link densely to each other instead. A component of
    :data:`SPLIT_FROM` articles or more is therefore split into its communities (Louvain modularity, in
    networkx, at resolution :data:`RESOLUTION` with a fixed seed; a rewrite link weighs 1, a same-event
    link its confidence), articles joined by rewrite links kept together. Measured on the scan of METER
    dev, BBC and the seed pair (``wiretrace eval scan``; README, stop 23): the largest BBC components, 47
    and 38 articles held by few links, became stories of at most 22 and 18; story B-cubed F1 against
    METER groups stays 0.8935 (its multi-day court cases are joined by rewrite links). Splitting across
    rewrite links too gave 0.9016, but showed derived articles as originals of stories of their own.

    Example:
        >>> cluster_stories([1, 2, 3, 4], [Edge(1, 2, "rewrite", 0.9), Edge(3, 2, "same-event", 0.7)])
        [[1, 2, 3], [4]]
    """
    edges = list(edges)
    root_of = _components([*articles, *(a for e in edges for a in (e.a, e.b))], [(e.a, e.b) for e in edges])
    groups: dict[int, list[int]] = {}
    for a, root in root_of.items():
        groups.setdefault(root, []).append(a)
    large: dict[int, list[Edge]] = {root: [] for root, group in groups.items() if len(group) >= SPLIT_FROM}
    for e in edges:
        if (root := root_of[e.a]) in large:
            large[root].append(e)
    stories: list[list[int]] = []
    for root, group in groups.items():
        stories += _communities(group, large[root]) if root in large else [sorted(group)]
    return sorted(stories, key=lambda g: g[0])


def _components(nodes: Iterable[int], links: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each node's component, named by its smallest node (union-find)."""
    parent = {a: a for a in nodes}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {a: find(a) for a in parent}


def _communities(group: list[int], edges: list[Edge]) -> list[list[int]]:
    """The Louvain communities of one connected component (see :func:`cluster_stories`).

    Articles joined by rewrite links stay together: a rewrite shares its source's text, so the two tell
    one story whatever links the rest. Such articles are one node of the graph Louvain splits (their
    links among themselves a loop on it, as Louvain's own second pass makes of a community).
    """
    import networkx as nx

    atom = _components(group, [(e.a, e.b) for e in edges if e.relation == "rewrite"])
    pairs: dict[tuple[int, int], float] = {}
    for e in edges:  # one weight a pair, the strongest (a pair decided twice, or a rewrite and a reading)
        key = (min(e.a, e.b), max(e.a, e.b))
        pairs[key] = max(pairs.get(key, 0.0), 1.0 if e.relation == "rewrite" else e.confidence)
    weights: dict[tuple[int, int], float] = {}
    for (a, b), w in pairs.items():
        key = (min(atom[a], atom[b]), max(atom[a], atom[b]))
        weights[key] = weights.get(key, 0.0) + w
    members: dict[int, list[int]] = {}
    for a in sorted(group):
        members.setdefault(atom[a], []).append(a)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(members))  # in one order, so the seed gives the same split whatever the input order
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    found = nx.community.louvain_communities(graph, weight="weight", resolution=RESOLUTION, seed=SEED)
    return [sorted(a for node in c for a in members[node]) for c in found]


def _reachable(start: int, nxt: dict[int, list[int]]) -> set[int]:
    seen: set[int] = set()
    todo = [start]
    while todo:
        x = todo.pop()
        for y in nxt.get(x, ()):
            if y not in seen:
                seen.add(y)
                todo.append(y)
    return seen


def retold_closer(closeness: float | None, basis: str | None, wire: float, closer_by: float = CLOSER_BY) -> bool:
    """Whether a source that is no agency's, at ``closeness``, is taken before a wire copy at ``wire``.

    It must be published before the article (dates decided the pair) and closer by ``closer_by``: the
    article retold that retelling. The graph's parent and ``sources``' first match both follow it.
    """
    return basis == "published" and closeness is not None and closeness >= wire + closer_by


def _closer_than_wire(edges: list[Edge], closer_by: float) -> list[Edge]:
    """``edges`` (ranked, agency copies first) with a dated non-agency source closer than the wire copy first."""
    top = edges[0]
    if not top.from_agency or top.closeness is None:
        return edges
    wire = top.closeness
    closer = [e for e in edges if not e.from_agency and retold_closer(e.closeness, e.basis, wire, closer_by)]
    if not closer:
        return edges
    first = max(closer, key=lambda e: (e.closeness or 0.0, e.confidence))
    return [first, *(e for e in edges if e is not first)]


def _nearly_as_close(e: Edge, top: Edge, closer_by: float) -> bool:
    return e.closeness is None or top.closeness is None or e.closeness >= top.closeness - closer_by


def _prefer_common_sources(
    best: dict[int, Edge],
    by_derived: dict[int, list[Edge]],
    children: dict[int, list[int]],
    parents_of: dict[int, list[int]],
    margin: float,
    pinned: set[int],
    closer_by: float,
) -> None:
    """Re-parent siblings: if the best parent's own source explains the article nearly as well, take it.

    Nearly as well: it accounts for as much (within ``margin``) and stays as close (within ``closer_by``,
    where both closenesses are known); a farther ancestor is not a sibling's source but the parent's.
    """
    for _ in range(len(best)):
        changed = False
        for d, top in list(best.items()):
            if d in pinned:  # its parent is closer than the wire copy above it: a chain, not siblings
                continue
            parent = int(top.source)  # type: ignore[arg-type]  # rewrite edges have a source
            by_source = {int(e.source): e for e in by_derived[d]}  # type: ignore[arg-type]  # idem
            choice = top
            node = parent
            while node in best:  # walk up the best-parent chain
                node = int(best[node].source)  # type: ignore[arg-type]  # idem
                if node == d:
                    break
                e = by_source.get(node)
                if e is not None and e.weight >= top.weight - margin and _nearly_as_close(e, top, closer_by):
                    choice = e
            if choice is not top:
                new = int(choice.source)  # type: ignore[arg-type]  # idem
                children[parent].remove(d)
                parents_of[d] = [new]
                children.setdefault(new, []).append(d)
                best[d] = choice
                changed = True
        if not changed:
            return


def trace_provenance(
    members: Sequence[int],
    edges: Iterable[Edge],
    time_key: Callable[[int], tuple[object, ...]],
    keep_within: float = 0.02,
    sibling_margin: float = 0.1,
    closer_by: float = CLOSER_BY,
) -> Story:
    """The provenance graph of one story.

    Args:
        members: The story's articles.
        edges: Decided pairs among them (same-event ones are ignored here).
        time_key: Sort key of an article by publication time.
        keep_within: A second parent is kept only when it accounts for
            nearly as much of the derived article as the best one.
        sibling_margin: When an ancestor of the best parent accounts for
            the derived article within this margin of the best parent, the
            ancestor is the parent: the two are siblings copying one source.
        closer_by: How much closer than the wire copy a dated earlier source
            that is no agency's must be to be the parent instead.

    Returns:
        The :class:`Story`.

    Example:
        >>> wire, paper1, paper2 = 1, 2, 3
        >>> edges = [Edge(1, 2, "rewrite", 0.9, 1, 2, 0.9), Edge(1, 3, "rewrite", 0.9, 1, 3, 0.8),
        ...          Edge(2, 3, "rewrite", 0.6, 2, 3, 0.5)]
        >>> [(e.source, e.derived) for e in trace_provenance([1, 2, 3], edges, lambda a: (a,)).edges]
        [(1, 2), (1, 3)]
    """
    rewrites = [e for e in edges if e.relation == "rewrite" and e.source is not None and e.derived is not None]
    by_derived: dict[int, list[Edge]] = {}
    for e in rewrites:
        by_derived.setdefault(int(e.derived), []).append(e)  # type: ignore[arg-type]  # not None, checked above
    children: dict[int, list[int]] = {}
    parents_of: dict[int, list[int]] = {}
    best: dict[int, Edge] = {}

    # Strongest evidence first, a news agency's copy before any other source (the wire is credited, not a
    # sibling that retold it) unless an earlier retelling is closer; a parent that would close a cycle is
    # passed over for the next best.
    # Equal evidence (one paper matching two identical wire copies) goes to the earlier source, then by
    # ``time_key``'s own order, not by the order the pairs came in.
    def order(e: Edge) -> tuple[object, ...]:
        return (not e.from_agency, -e.weight, -e.confidence, time_key(int(e.source)))  # type: ignore[arg-type]

    ranked = sorted(
        ((d, _closer_than_wire(sorted(es, key=order), closer_by)) for d, es in by_derived.items()),
        key=lambda item: (-item[1][0].weight, time_key(item[0])),
    )
    for d, es in ranked:
        for e in es:
            src = int(e.source)  # type: ignore[arg-type]  # not None, checked above
            if src == d or src in _reachable(d, children):
                continue
            best[d] = e
            children.setdefault(src, []).append(d)
            parents_of.setdefault(d, []).append(src)
            break
    # A parent chosen over the wire copy for being closer (ranked first without being an agency's) stays.
    pinned = {
        d for d, es in ranked if best.get(d) is es[0] and not es[0].from_agency and any(e.from_agency for e in es)
    }
    _prefer_common_sources(best, by_derived, children, parents_of, sibling_margin, pinned, closer_by)
    kept = list(best.values())
    further = []
    for d, es in by_derived.items():
        top = best.get(d)
        if top is None:
            continue
        top_src = int(top.source)  # type: ignore[arg-type]  # not None, checked above
        related = _reachable(top_src, children) | _reachable(top_src, parents_of)
        for e in es:
            src = int(e.source)  # type: ignore[arg-type]  # not None, checked above
            if e is top or e.weight < top.weight - keep_within or src in related:
                continue
            if not _nearly_as_close(e, top, closer_by):
                continue  # it accounts for as much, but from further away: what it shares likely came another way
            if top.from_agency and not e.from_agency:
                continue  # a wire copy is the origin: what a paper shares with another came from it
            if src in _reachable(d, children):
                continue
            kept.append(e)
            further.append(e)
    by_time = lambda e: (time_key(e.source or 0), time_key(e.derived or 0))  # noqa: E731
    kept.sort(key=by_time)
    has_parent = {e.derived for e in kept}
    ordered = tuple(sorted(members, key=time_key))
    roots = tuple(a for a in ordered if a not in has_parent)
    return Story(ordered, tuple(kept), roots, tuple(sorted(further, key=by_time)))
