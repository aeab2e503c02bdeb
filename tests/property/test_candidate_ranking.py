"""The candidate ranking, checked by Hypothesis against the plain sum it stands for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.core.fingerprint import idf, rank_candidates

KEYS = st.sampled_from([f"t:{w}" for w in "abcdefgh"] + ["b:0:00ff", "b:1:0a0b"])
POSTINGS = st.dictionaries(KEYS, st.lists(st.integers(1, 40), unique=True, max_size=30), max_size=10)


def plain_ranking(keys, postings, n_articles, exclude, limit, floor):
    """Key after key, each holder's score grows by the key's weight; best (score, then article) first."""
    scores: dict[int, float] = {}
    for key in keys:
        holders = postings.get(key, [])
        weight = 10.0 if key.startswith("b:") else idf(len(holders), n_articles)
        for article in holders:
            if article != exclude:
                scores[article] = scores.get(article, 0.0) + weight
    kept = [(a, s) for a, s in scores.items() if s >= floor]
    return sorted(kept, key=lambda kv: (-kv[1], kv[0]))[:limit]


@settings(max_examples=300, deadline=None)
@given(
    postings=POSTINGS,
    n_articles=st.integers(40, 200_000),
    exclude=st.none() | st.integers(1, 40),
    limit=st.integers(1, 25),
    floor=st.sampled_from([0.0, 1.0, 5.0, 12.0]),
)
def test_ranking_is_the_plain_sum_to_the_last_bit(postings, n_articles, exclude, limit, floor):
    keys = sorted(postings)
    got = rank_candidates(keys, postings, n_articles, exclude=exclude, limit=limit, floor=floor)
    assert got == plain_ranking(keys, postings, n_articles, exclude, limit, floor)
    assert all(type(a) is int and type(s) is float for a, s in got)


@settings(max_examples=300, deadline=None)
@given(
    postings=POSTINGS,
    n_articles=st.integers(40, 200_000),
    limit=st.integers(1, 25),
    floor=st.sampled_from([0.0, 1.0, 5.0]),
    names=st.permutations([f"{k:02}" for k in range(1, 41)]),
)
def test_equal_scores_are_ordered_by_the_tiebreak_not_by_number(postings, n_articles, limit, floor, names):
    """With a tiebreak (a store gives digests), the ranking is the plain sum ordered by (score, key)."""
    keys = sorted(postings)
    key_of = dict(zip(range(1, 41), names, strict=True))
    asked = []

    def tiebreak(articles):
        asked.extend(articles)
        return {a: key_of[a] for a in articles}

    got = rank_candidates(keys, postings, n_articles, limit=limit, floor=floor, tiebreak=tiebreak)
    every = plain_ranking(keys, postings, n_articles, None, 10**6, floor)
    assert got == sorted(every, key=lambda kv: (-kv[1], key_of[kv[0]]))[:limit]
    scores = [s for _, s in every]
    assert all(scores.count(s) > 1 for a, s in every if a in asked)  # only ties are looked up
