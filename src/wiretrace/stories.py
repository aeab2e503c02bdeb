"""Decided pairs as a scan records them, and the stories built from them.

Shared by the corpus scan (:mod:`wiretrace.corpus`) and the Spark job
(:mod:`wiretrace.engines.spark`): one corpus gives the same pair records and
the same stories either way.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from wiretrace.adapters.store.base import PairRecord
from wiretrace.core.agencies import agency_key
from wiretrace.core.provenance import Edge, Story, cluster_stories, trace_provenance
from wiretrace.types import Comparison

__all__ = ["closeness", "compared_first", "instant", "pair_record", "stories_from_pairs", "story_key"]


def story_key(first_stored: str) -> str:
    """A story's lasting name: 12 hex digits of a hash of the id of its earliest-stored article.

    A store numbers articles in the order it takes them in and never reuses a
    number, so an article stored later that joins a story does not change its
    key; where two stories join, the one whose first article was stored first
    keeps its key. An article stored earlier that joins (one related to
    nothing until a later article tied them) renames the story, as forgetting
    its first article does.

    Example:
        >>> story_key("reuters-2025-11-03-lng")
        'f5745343a210'
    """
    return hashlib.blake2b(first_stored.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def compared_first(a: int, id_a: str | None, b: int, id_b: str | None) -> tuple[int, int]:
    """Stored articles ``a`` and ``b`` in the order a scan compares them: by id, then by rowid.

    A comparison's evidence of a pair that is no rewrite (which text's coverage it gives), and the side a
    direction the text cannot tell lands on, follow the order the two are compared in; by id, they do not
    depend on the order the corpus was ingested in.
    """
    return (a, b) if (id_a or "", a) <= (id_b or "", b) else (b, a)


def pair_record(first: int, second: int, result: Comparison) -> PairRecord:
    """The comparison of stored articles ``first`` and ``second`` (in that order) as the scan records it.

    ``a`` is the lower rowid. For a pair that is no rewrite, ``coverage_derived`` is the share of ``b``
    and ``coverage_source`` that of ``a``.
    """
    side = {"a": first, "b": second}
    shares = (result.coverage["derived"], result.coverage["source"])
    if result.source is None and first > second:
        shares = shares[::-1]
    return PairRecord(
        a=min(first, second),
        b=max(first, second),
        relation=result.relation,
        confidence=result.confidence,
        source=side[result.source] if result.source else None,
        derived=side[result.derived] if result.derived else None,
        direction_basis=result.direction_basis,
        coverage_derived=shares[0],
        coverage_source=shares[1],
        summary={
            "extent": result.extent,
            "direction_p": result.probabilities.get("direction", 1.0),
            "links": len(result.alignment),
            "kinds": sorted({link.kind for link in result.alignment}),
            "facts": [f.text for f in result.carried_facts[:12]],
            "changed": [f"{f.was} → {f.now}" for f in result.changed_facts if f.kind != "quote"][:12],
            "closeness": closeness(result),
        },
    )


def closeness(result: Comparison) -> float | None:
    """How close a rewrite stays to its source: the mean strength of the derived text's sentence links.

    The evidence's ``best_mean`` for the derived side (a sentence with no
    link counts 0), or None for a pair that is no rewrite. The provenance
    graph uses it to tell a retelling of a retelling from two retellings of
    one wire story (:func:`~wiretrace.core.provenance.trace_provenance`).
    """
    if not result.source:
        return None
    value = result.features.get(f"{result.derived}_from_{result.source}", {}).get("best_mean")
    return None if value is None else float(value)


def instant(published: str | None) -> datetime | None:
    """An ISO 8601 publication time as a naive UTC time to sort by (a naive one taken as UTC), or None.

    Example:
        >>> instant("2025-11-04T01:00+09:00") < instant("2025-11-03T20:00")
        True
    """
    if not published:
        return None
    try:
        when = datetime.fromisoformat(published)
        return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    except (ValueError, OverflowError):  # a time with no UTC equivalent (stored before readers refused them)
        return None


def stories_from_pairs(
    pairs: Sequence[PairRecord],
    published: Mapping[int, str | None],
    outlets: Mapping[int, str | None] | None = None,
    names: Mapping[int, str] | None = None,
) -> list[Story]:
    """Stories with their provenance graphs from decided pairs, largest first.

    Args:
        pairs: Related pairs (``rewrite`` and ``same-event``), as a scan records them.
        published: Publication time of each article in a pair (missing or None: unknown).
        outlets: The outlet of each article in a pair, which says whose are a
            news agency's copies (missing or None: none are).
        names: Each article's id, to order articles of one time (and break
            ties of evidence) by, so the stories do not depend on the order
            the articles were stored in; missing: by number alone.

    Returns:
        The stories (:func:`~wiretrace.core.provenance.cluster_stories`), each
        with its graph (:func:`~wiretrace.core.provenance.trace_provenance`)
        and its :func:`story_key` (from the lowest number: the store's numbers
        follow the order it took articles in); articles are ordered by
        publication time, unknown times last, then by id.
    """
    edges = [
        Edge(
            p.a,
            p.b,
            p.relation,
            p.confidence,
            p.source,
            p.derived,
            p.coverage_derived,
            p.direction_basis,
            float(p.summary.get("direction_p", 1.0)),
            p.source is not None and agency_key((outlets or {}).get(p.source)) is not None,
            None if p.summary.get("closeness") is None else float(p.summary["closeness"]),
            tuple(int(r) for r in p.summary.get("versions") or ()),
        )
        for p in pairs
    ]
    members = sorted({e.a for e in edges} | {e.b for e in edges})

    named = names or {}

    def time_key(rowid: int) -> tuple[object, ...]:
        when = instant(published.get(rowid))
        return (0, when, named.get(rowid, ""), rowid) if when else (1, datetime.min, named.get(rowid, ""), rowid)

    by_member: dict[int, list[Edge]] = {}
    for e in edges:
        by_member.setdefault(e.a, []).append(e)
    stories = []
    for group in cluster_stories(members, edges):
        inside = set(group)
        story_edges = [e for m in group for e in by_member.get(m, []) if e.b in inside]
        first = min(group)
        key = story_key(named.get(first, str(first)))
        stories.append(dataclasses.replace(trace_provenance(group, story_edges, time_key), key=key))
    return sorted(stories, key=lambda s: (-len(s.articles), time_key(s.articles[0])))
