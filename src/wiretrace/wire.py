"""Wire versions read as one: a retelling of several copies of one agency story.

A news agency sends a story in versions: a first take, then updates that
repeat part of it and add to it. A newspaper writes from all it has, and no
single version accounts for enough of its text for the pair alone to read as
a rewrite; the pair is decided ``same-event``. Read together, the versions
show it: on METER's dev split, a derived newspaper text judged against all its
group's wire copies at once is decided derived for 426 of 461, where the
scan's pairs found a wire source for 323.

So after the scan has decided pairs, an article that is no agency's and is
related to two or more copies of one agency (``rewrite`` or ``same-event``)
is compared again, with those copies merged into one document (in publication
order) as the source. When that comparison says ``rewrite``, with the wire as
the source, each copy it drew sentences from is recorded as a source of the
article: the pair's record becomes a ``rewrite`` whose coverage is the share
of the article that copy accounts for within the merged reading, its summary
naming the versions read together (``versions``) and keeping the pair's own
verdict (``pair``) so that a later pass can undo it.

Shared by the corpus scan (:mod:`wiretrace.corpus`) and the Spark job
(:mod:`wiretrace.engines.spark`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from wiretrace.adapters.store.base import PairRecord
from wiretrace.core.agencies import agency_key
from wiretrace.core.decide import order_by_time
from wiretrace.core.represent import Document
from wiretrace.pipeline import Engine, merge_documents
from wiretrace.types import Article, Comparison

__all__ = ["Credit", "Reading", "own_verdict", "read_as_one", "version_sets", "versions_records"]


def own_verdict(record: PairRecord) -> PairRecord:
    """The pair's own decision: ``record`` itself, or what it was before a merged reading upgraded it."""
    before = record.summary.get("pair")
    if not isinstance(before, dict):
        return record
    return PairRecord(**{**before, "a": record.a, "b": record.b})


def version_sets(
    article: int, outlet: str | None, pairs: Sequence[PairRecord], outlets: Mapping[int, str | None]
) -> list[list[int]]:
    """The copies of one agency ``article`` is related to, per agency, where there are two or more.

    Args:
        article: A stored article (rowid).
        outlet: Its outlet: an agency's article gets none (agencies' own
            versions are not read as one another's source).
        pairs: Its related pairs (as the scan recorded them).
        outlets: Outlet of every article in ``pairs``.

    Returns:
        Sets of rowids (sorted), one per agency with at least two copies.
    """
    if agency_key(outlet) is not None:
        return []
    by_agency: dict[str, set[int]] = {}
    for record in pairs:
        if own_verdict(record).relation not in ("rewrite", "same-event"):
            continue
        other = record.b if record.a == article else record.a
        key = agency_key(outlets.get(other))
        if key is not None:
            by_agency.setdefault(key, set()).add(other)
    return [sorted(s) for _, s in sorted(by_agency.items()) if len(s) >= 2]


@dataclass(frozen=True)
class Credit:
    """What one version accounts for in a reading of several as one.

    Attributes:
        links: The merged alignment's links drawing on this version.
        kinds: Their kinds (``verbatim``, ``paraphrase``, ...), sorted.
        coverage_derived: Share of the article's words those links account for.
        coverage_source: Share of the version's words they use.
        facts: Facts carried from this version (as written in the article).
    """

    links: int
    kinds: tuple[str, ...]
    coverage_derived: float
    coverage_source: float
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """An article compared with one agency's versions of a story read as one.

    Attributes:
        comparison: The versions merged (``a``, in reading order) against the
            article (``b``): a ``rewrite`` with ``a`` as the source.
        versions: rowids of the versions, in reading order (filing time, then id).
        credits: What each version the merged alignment draws on accounts for,
            by rowid; a version it does not draw on is not there.
    """

    comparison: Comparison
    versions: tuple[int, ...]
    credits: Mapping[int, Credit]


def read_as_one(engine: Engine, doc: Document, versions: Sequence[tuple[int, Document]]) -> Reading | None:
    """Compare ``doc`` with ``versions`` merged into one document, in filing order.

    Args:
        engine: Decides the comparison.
        doc: The article (no agency's).
        versions: ``(rowid, document)`` of one agency's copies.

    Returns:
        The :class:`Reading`, or None when the merged comparison is not a
        rewrite with the versions as the source.
    """
    # A version filed after the article cannot be its source: its date would have made the reading, dated
    # by its first version, the source of what came before it.
    when = doc.view.article.published
    versions = [v for v in versions if order_by_time(v[1].view.article.published, when) <= 0]
    if not versions:
        return None
    # Versions filed at one time are read in order of their ids, not of when they were stored: the
    # merged text, and so the reading, must not depend on the order the corpus was ingested in.
    ordered = sorted(
        versions, key=lambda v: (v[1].view.article.published or "\uffff", v[1].view.article.id or "", v[0])
    )
    first = ordered[0][1].view.article
    dated = [d.view.article.published for _, d in ordered if d.view.article.published]
    reading = Article("", id="versions", published=min(dated) if dated else None, outlet=first.outlet)
    merged = merge_documents([d for _, d in ordered], reading)
    result = engine.compare_documents(merged, doc, reprints=False)
    if result.relation != "rewrite" or result.source != "a":
        return None
    words_d = [f.n_words for f in doc.features]
    total_d = max(sum(words_d), 1)
    credits = {}
    lo = 0
    for rowid, d in ordered:
        hi = lo + len(d.sentences)
        links = [link for link in result.alignment if any(lo <= j < hi for j in link.source)]
        if links:
            linked = {i for link in links for i in link.derived}
            used = {j - lo for link in links for j in link.source if lo <= j < hi}
            words_s = [f.n_words for f in d.features]
            credits[rowid] = Credit(
                links=len(links),
                kinds=tuple(sorted({link.kind for link in links})),
                coverage_derived=round(sum(words_d[i] for i in linked) / total_d, 4),
                coverage_source=round(sum(words_s[j] for j in used) / max(sum(words_s), 1), 4),
                facts=tuple(f.text for f in result.carried_facts if lo <= f.source < hi),
            )
        lo = hi
    return Reading(result, tuple(r for r, _ in ordered), credits)


def versions_records(
    engine: Engine,
    article: int,
    doc: Document,
    versions: Sequence[tuple[int, Document]],
    pairs: Mapping[int, PairRecord],
) -> list[PairRecord]:
    """Compare ``doc`` with wire ``versions`` read as one; the pair records it changes.

    Args:
        engine: Decides the merged comparison.
        article: rowid of ``doc``.
        doc: The article (no agency's).
        versions: ``(rowid, document)`` of one agency's copies it is related to.
        pairs: Its current record with each version, by the version's rowid.

    Returns:
        For each version the merged reading credits with a sentence of
        ``doc``, where the pair's own verdict is not already ``rewrite`` with
        the version as the source, the upgraded record. Nothing when the
        merged comparison is not a rewrite of the wire.
    """
    reading = read_as_one(engine, doc, versions)
    if reading is None:
        return []
    result = reading.comparison
    out = []
    for rowid, credit in reading.credits.items():
        own = own_verdict(pairs[rowid])
        if own.relation == "rewrite" and own.source == rowid:
            continue
        before = asdict(own)
        del before["a"], before["b"]
        out.append(
            PairRecord(
                a=min(rowid, article),
                b=max(rowid, article),
                relation="rewrite",
                confidence=result.confidence,
                source=rowid,
                derived=article,
                direction_basis=result.direction_basis,
                coverage_derived=credit.coverage_derived,
                coverage_source=credit.coverage_source,
                summary={
                    "extent": result.extent,
                    "direction_p": result.probabilities.get("direction", 1.0),
                    "links": credit.links,
                    "kinds": list(credit.kinds),
                    "facts": list(credit.facts[:12]),
                    "versions": list(reading.versions),
                    "pair": before,
                },
            )
        )
    return out
