"""Index keys of an article, for finding its candidate sources and copies.

Two channels, because rewrites come in two kinds:

* **Near copies** keep runs of words: a MinHash signature of the article's
  word 5-grams, cut into bands (locality-sensitive hashing). Two articles
  whose 5-gram Jaccard similarity is high share a band key with high
  probability. Measured on the seed pair, the 5-gram Jaccard of a paraphrased
  rewrite is 0.022: this channel is blind to it, and fast for the rest.
* **Paraphrases** keep the facts: the names, numbers and rare words
  ("28,500", "Ahn Gyu-back", "Panmunjom") that a rewrite cannot change without
  changing the story. The article's ``max_terms`` rarest content words
  (weighted by rarity in general English) and its numbers become *term* keys;
  candidates are ranked by the summed corpus rarity (IDF) of the keys they
  share, a BM25-like score restricted to distinctive terms, so the index stays
  small (tens of keys per article).
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "FingerprintSettings",
    "Terms",
    "band_keys",
    "fingerprint",
    "idf",
    "max_df",
    "rank_candidates",
    "select_candidates",
    "term_keys",
]

# The most articles a key may be held by and still count (see :func:`max_df`).
MAX_DF_CAP = 500

# Fewest articles IDF is worked out over (see :func:`select_candidates`).
IDF_MIN_ARTICLES = 1000


@dataclass(frozen=True)
class FingerprintSettings:
    """Knobs of the index keys.

    Attributes:
        max_terms: Distinctive terms kept per article.
        shingle: Words per shingle for the near-copy channel.
        bands: MinHash bands; ``bands * rows`` permutations in all.
        rows: Rows per band. Two articles of 5-gram Jaccard ``j`` share a
            band with probability ``1 - (1 - j**rows) ** bands``: with 16 x 4,
            0.5 for j = 0.21 and 0.99 for j = 0.5.
        seed: MinHash seed (changing it invalidates stored band keys).
        part_sentences: An article longer than two parts of this many sentences
            may hold several (a page reprinting them, a digest): each part of
            about this many sentences adds its own distinctive terms, since the
            whole's speak for the articles that dominate it.
        part_terms: Distinctive terms kept per part.
        most_parts: Parts at most (a longer article has longer parts).
    """

    max_terms: int = 32
    shingle: int = 5
    bands: int = 16
    rows: int = 4
    seed: int = 1103
    part_sentences: int = 20
    part_terms: int = 8
    most_parts: int = 16


class Terms(Protocol):
    """A sentence's words as the keys need them: :class:`~wiretrace.core.represent.IndexTerms` or
    :class:`~wiretrace.core.represent.SentenceFeatures`."""

    @property
    def norms(self) -> tuple[str, ...]:
        """Word and number tokens, folded, in order."""
        ...

    @property
    def content(self) -> dict[str, float]:
        """Content stems and their weights."""
        ...

    @property
    def numbers(self) -> frozenset[str]:
        """Numbers of two or more digits."""
        ...


def term_keys(features: Sequence[Terms], max_terms: int) -> list[str]:
    """The article's distinctive terms: its rarest content stems, and its numbers.

    Args:
        features: The article's sentences (``doc.features`` of a prepared document).
        max_terms: How many terms to keep.

    Example:
        >>> from wiretrace.pipeline import Engine
        >>> from wiretrace.types import Article
        >>> doc = Engine().prepare(Article("Seoul has 450,000 troops near Panmunjom."))
        >>> term_keys(doc.features, 3)
        ['t:450000', 't:panmunjom', 't:seoul']
    """
    weights: dict[str, float] = {}
    for f in features:
        for stem, weight in f.content.items():
            weights[stem] = max(weights.get(stem, 0.0), weight)
        for number in f.numbers:
            weights[number] = max(weights.get(number, 0.0), 100.0)  # numbers first: facts
    ranked = sorted(weights, key=lambda s: (-weights[s], s))[:max_terms]
    return sorted(f"t:{s}" for s in ranked)


def _shingles(features: Sequence[Terms], n: int) -> list[str]:
    words = [w for f in features for w in f.norms]
    if len(words) < n:
        return [" ".join(words)] if words else []
    return [" ".join(words[k : k + n]) for k in range(len(words) - n + 1)]


def band_keys(features: Sequence[Terms], settings: FingerprintSettings) -> list[str]:
    """LSH band keys of the article's word-shingle MinHash signature (empty for an empty text)."""
    from rensa import RMinHash

    shingles = _shingles(features, settings.shingle)
    if not shingles:
        return []
    mh = RMinHash(num_perm=settings.bands * settings.rows, seed=settings.seed)
    mh.update(shingles)
    digest = mh.digest()
    keys = []
    for b in range(settings.bands):
        chunk = digest[b * settings.rows : (b + 1) * settings.rows]
        h = zlib.crc32(",".join(map(str, chunk)).encode())
        keys.append(f"b:{b}:{h:08x}")
    return keys


def fingerprint(features: Sequence[Terms], settings: FingerprintSettings) -> list[str]:
    """All index keys of an article (given its sentences' terms or features): distinctive terms, LSH
    bands, and a long article's parts' own distinctive terms (:func:`parts`)."""
    keys = term_keys(features, settings.max_terms) + band_keys(features, settings)
    seen = set(keys)
    for start, end in parts(len(features), settings):
        for key in term_keys(features[start:end], settings.part_terms):
            if key not in seen:
                seen.add(key)
                keys.append(key)
    return keys


def parts(n_sentences: int, settings: FingerprintSettings) -> list[tuple[int, int]]:
    """``(start, end)`` of a long article's parts: none up to two parts' worth of sentences, else parts of
    about ``part_sentences`` (a short remainder joins the last), ``most_parts`` at most.

    Example:
        >>> parts(41, FingerprintSettings()), parts(40, FingerprintSettings())
        ([(0, 20), (20, 41)], [])
    """
    if n_sentences <= 2 * settings.part_sentences:
        return []
    count = min(settings.most_parts, n_sentences // settings.part_sentences)
    bounds = [k * n_sentences // count for k in range(count + 1)]
    return list(itertools.pairwise(bounds))


def idf(df: int, n_articles: int) -> float:
    """BM25's inverse document frequency: positive even for a key every article holds.

    Example:
        >>> round(idf(1, 10), 2), round(idf(10, 10), 2)
        (1.99, 0.05)
    """
    return math.log(1.0 + (n_articles - df + 0.5) / (df + 0.5))


def rank_candidates(
    keys: Iterable[str],
    postings: Mapping[str, Sequence[int]],
    n_articles: int,
    exclude: int | None = None,
    limit: int = 20,
    floor: float = 0.0,
    tiebreak: Callable[[list[int]], Mapping[int, str]] | None = None,
) -> list[tuple[int, float]]:
    """Articles sharing keys with a query, best first.

    Args:
        keys: The query article's keys.
        postings: For each key, the articles holding it (keys too common to
            be evidence may be left out by the caller).
        n_articles: Articles in the corpus, for IDF.
        exclude: An article to leave out (the query itself).
        limit: How many to return.
        floor: Least score returned.
        tiebreak: For some articles, a key that does not depend on when they
            were stored (a store gives their content digests): equal scores
            are ordered by it, so which of them make the cut does not depend
            on the order the corpus was ingested in. Without it, by article.

    Returns:
        ``(article, score)`` pairs: the score sums :func:`idf` over shared
        term keys; a shared band key (a near copy) adds a large constant so
        near copies always rank first.

    Example:
        >>> [(a, round(s, 2)) for a, s in rank_candidates(["t:a", "t:b"], {"t:a": [1, 2], "t:b": [2]}, 10)]
        [(2, 3.47), (1, 1.48)]
    """
    # At 100k articles an article's keys have about 2,800 holders in all: summed in numpy, not a dict
    # (0.27 -> 0.15 ms an article). np.bincount adds each article's weights in the order given, so the
    # sums are those of adding key after key, to the last bit, and the order is (-score, article) as before.
    holders_of: list[np.ndarray] = []
    weights: list[float] = []
    for key in keys:
        holders = postings.get(key, ())
        if len(holders):
            holders_of.append(np.asarray(holders, dtype=np.int64))
            weights.append(10.0 if key.startswith("b:") else idf(len(holders), n_articles))
    if not holders_of:
        return []
    ids = np.concatenate(holders_of)
    w = np.repeat(weights, [len(h) for h in holders_of])
    if exclude is not None:
        mine = ids != exclude
        ids, w = ids[mine], w[mine]
    articles, where = np.unique(ids, return_inverse=True)
    scores = np.bincount(where, weights=w, minlength=len(articles))
    if floor > 0.0:
        kept = scores >= floor
        articles, scores = articles[kept], scores[kept]
    order = np.lexsort((articles, -scores))
    if tiebreak is None or len(order) < 2:
        return [(int(articles[k]), float(scores[k])) for k in order[:limit]]
    # Scores are sums of a few IDF values, so equal ones are common (METER's Hamilton story: five papers
    # at 18.77 across the 10th place). Keep every article tied with the last one kept, order the tied by
    # their keys, then cut.
    end = min(limit, len(order))
    if end < len(order):
        end += int(np.count_nonzero(scores[order[end:]] == scores[order[end - 1]]))
    top = order[:end]
    values, counts = np.unique(scores[top], return_counts=True)
    shared = np.isin(scores[top], values[counts > 1])
    if not shared.any():
        return [(int(articles[k]), float(scores[k])) for k in top[:limit]]
    named = tiebreak([int(articles[k]) for k in top[shared]])
    ranked = sorted(top, key=lambda k: (-scores[k], named.get(int(articles[k]), ""), int(articles[k])))
    return [(int(articles[k]), float(scores[k])) for k in ranked[:limit]]


def max_df(n_articles: int) -> int:
    """Keys held by more articles than this are too common to be evidence.

    1% of the corpus above a floor of 200, up to a fixed cap: without the cap
    every article's search read more postings as the corpus grew (at 100k
    articles, about 5,000 scored an article). Capped at 500, a search at 100k
    takes 0.64 times as long and finds the same planted rewrites but one
    METER pair in 400 (``bench/candidates.py``; README, "Scale benchmark").

    Example:
        >>> max_df(5_000), max_df(20_000), max_df(50_000), max_df(10_000_000)
        (250, 400, 500, 500)
    """
    return min(200 + n_articles // 100, MAX_DF_CAP)


def select_candidates(
    keys: Sequence[str],
    postings: Mapping[str, Sequence[int]],
    n_articles: int,
    *,
    limit: int,
    min_score: float,
    window_days: int,
    day: int | None,
    days_of: Callable[[list[int]], Mapping[int, int | None]],
    exclude: int | None = None,
    tiebreak: Callable[[list[int]], Mapping[int, str]] | None = None,
) -> list[tuple[int, float]]:
    """The candidates of one article: the corpus scan's selection rule, whatever holds the index.

    :func:`rank_candidates` keeps the ``2 * limit`` best; those scoring under
    ``min_score`` rarest-possible keys are dropped; when the article's
    publication day is known and ``window_days`` is set, so are those
    published further apart (an unknown date is kept); the ``limit`` best
    remain.

    Args:
        keys: The article's keys, sorted (the score sums in this order).
        postings: For each key, the articles holding it (keys held by more
            than :func:`max_df` articles left out).
        n_articles: Articles in the corpus, for IDF.
        limit: Most candidates kept.
        min_score: Least score, in units of ``idf(1, n_articles)``. IDF is
            worked out as if the store held at least ``IDF_MIN_ARTICLES``.
        window_days: Widest publication gap in days; 0 turns the window off.
        day: The article's publication day (an ordinal), or None.
        days_of: Publication days of some articles (asked only when the
            window applies); an article missing from the answer is dropped.
        exclude: The article itself.
        tiebreak: Orders equal scores (see :func:`rank_candidates`).

    Returns:
        ``(article, score)`` pairs, best first.

    Example:
        >>> found = select_candidates(["t:a", "t:b"], {"t:a": [1, 2], "t:b": [2]}, 5000, limit=5, min_score=1.5,
        ...                           window_days=0, day=None, days_of=dict)
        >>> [(a, round(s, 2)) for a, s in found]  # article 1 shares one key, under 1.5 rarest-possible ones
        [(2, 15.71)]
    """
    # Rarity needs a corpus to be measured against: in a store of a few dozen articles on one event every
    # key looks common, and a wire copy sharing its names and numbers fell under the floor (METER's Oasis
    # story alone, 18 articles: the Mirror's source was not among its candidates). Below IDF_MIN_ARTICLES
    # the store counts as that many articles, the others holding none of its keys.
    n_idf = max(n_articles, IDF_MIN_ARTICLES)
    floor = min_score * idf(1, n_idf)
    ranked = rank_candidates(keys, postings, n_idf, exclude=exclude, limit=2 * limit, floor=floor, tiebreak=tiebreak)
    if day is not None and window_days and ranked:
        days = days_of([r for r, _ in ranked])
        ranked = [(r, s) for r, s in ranked if r in days and ((d := days[r]) is None or abs(d - day) <= window_days)]
    return ranked[:limit]
