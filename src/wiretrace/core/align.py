"""Many-to-many sentence alignment of a derived text onto its source.

For every derived sentence the aligner asks: which source sentence (or which
two or three, merged) was it written from, and is the evidence strong enough
to say so? The evidence for one pair of sentences is a small vector of
features (:data:`PAIR_FEATURES`):

* ``cos``: cosine of the two sentence vectors (meaning, synonyms);
* ``cover``: share of the derived sentence's content-word weight found in the
  source sentence (rare words and names weigh most; see ``Lexicon``);
* ``cover_src``: the same, the other way round;
* ``bigram``: share of the derived sentence's content-word pairs found in it
  (kept word order: near-copies);
* ``facts``: share of the derived sentence's numbers and names found in it;
* ``fact_clash``: 1 when both carry numbers and none are shared (a different
  event reported in the same words: "7 years" against "10 years");
* ``margin``: how far this source sentence stands above the derived
  sentence's runner-up (the best source sentence that is not a near-duplicate
  of this one), on the mean of ``cos`` and ``cover``: a rewrite's sentence has
  one clear origin, a sentence that merely shares the topic has many equals;
* ``zscore``: the same pair's ``cos`` in standard deviations above the derived
  sentence's mean ``cos`` against every source sentence.

A logistic model (:class:`LinkModel`, coefficients fitted on METER's
token-annotated newspaper texts by ``tools/fit_models.py``) turns the vector
into the probability that the derived sentence was written from the source
sentence. No single threshold on cosine or overlap works on its own: measured
on the seed pair, an unrelated headline about Taiwan has a higher MiniLM
cosine (0.71) than the weakest true paraphrase (0.55), while its content-word
cover is near zero. The model weighs the two.

The best source sentence of each derived sentence is kept when its
probability reaches ``link_threshold``. A second (and third) source sentence
is merged in when it covers content of the derived sentence that the ones
merged so far do not (``merge_gain``): "The SCM serves as the highest-level
defense dialogue ... focusing on joint readiness against North Korea" takes its
first half from one source sentence and its second from the next.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from wiretrace.core.represent import Document, SentenceFeatures
from wiretrace.types import Link

__all__ = [
    "PAIR_FEATURES",
    "AlignSettings",
    "Alignment",
    "LinkModel",
    "PairMatrix",
    "align",
    "pair_matrices",
    "pair_matrix",
]

PAIR_FEATURES = ("cos", "cover", "cover_src", "bigram", "facts", "fact_clash", "margin", "zscore")


@dataclass(frozen=True)
class LinkModel:
    """Logistic model: pair features -> probability that one sentence was written from the other.

    Attributes:
        intercept: The bias term.
        coef: One weight per name in :data:`PAIR_FEATURES`.
    """

    intercept: float
    coef: tuple[float, ...]

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probability for feature array ``x`` of shape ``(..., len(PAIR_FEATURES))``."""
        z = self.intercept + x @ np.asarray(self.coef)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class AlignSettings:
    """Knobs of the aligner.

    Attributes:
        link_threshold: Least probability for a derived sentence to be linked
            on its own evidence (an *anchor*).
        gap_threshold: Least probability for a derived sentence between two
            anchors to be linked when its source lies between theirs (it keeps
            the order the anchors set). 1 turns gap filling off.
        gap_ratio: Such a weaker link must also beat the sentence's runner-up
            by this factor: one clear origin, not one of many equals.
        merge_gain: How much of the derived sentence's content weight a further
            source sentence must add to what the sentences merged so far cover,
            each word's weight divided by the number of source sentences that
            hold it (a word every source sentence has is no evidence of which
            two were merged).
        merge_min: Least link probability of a further source sentence on its
            own, so a single shared rare word does not make a merge.
        max_merge: Most source sentences merged into one derived sentence.
        merge_candidates: How many next-best source sentences are tried.
        near_verbatim: Least word-sequence similarity for ``near-verbatim``.
    """

    link_threshold: float = 0.5
    gap_threshold: float = 0.2
    gap_ratio: float = 1.3
    merge_gain: float = 0.08
    merge_min: float = 0.15
    max_merge: int = 3
    merge_candidates: int = 4
    near_verbatim: float = 0.8


@dataclass(frozen=True)
class PairMatrix:
    """Pair features of every (derived, source) sentence pair.

    Attributes:
        x: Array of shape ``(n_derived, n_source, len(PAIR_FEATURES))``.
        prob: Link probability of every pair, shape ``(n_derived, n_source)``.
    """

    x: np.ndarray
    prob: np.ndarray


@dataclass(frozen=True)
class Alignment:
    """The links of a derived text onto a source, with per-sentence evidence.

    Attributes:
        links: One :class:`Link` per linked derived sentence, in derived order.
        best: For each derived sentence, its best link probability (linked or not).
        pairs: The pair features and probabilities behind the links.
    """

    links: tuple[Link, ...]
    best: np.ndarray
    pairs: PairMatrix

    @property
    def linked(self) -> set[int]:
        """Derived sentence indices that have a source."""
        return {i for link in self.links for i in link.derived}

    @property
    def used(self) -> set[int]:
        """Source sentence indices used by some link."""
        return {j for link in self.links for j in link.source}


def _weight_matrix(feats: Sequence[SentenceFeatures], vocab: dict[Any, int]) -> np.ndarray:
    w = np.zeros((len(feats), len(vocab)), dtype=np.float64)
    rows = [i for i, f in enumerate(feats) for _ in f.content]
    cols = [vocab[stem] for f in feats for stem in f.content]
    w[rows, cols] = [weight for f in feats for weight in f.content.values()]
    return w


def _set_matrix(sets: Sequence[frozenset[object]], vocab: dict[object, int]) -> np.ndarray:
    m = np.zeros((len(sets), len(vocab)), dtype=np.float64)
    rows = [i for i, s in enumerate(sets) for _ in s]
    m[rows, [vocab[item] for s in sets for item in s]] = 1.0
    return m


def _vocab(*groups: Sequence[Iterable[object]]) -> dict[object, int]:
    """Column of every item, in the order first met (the order sums run in: kept for exact results)."""
    chain = itertools.chain.from_iterable
    return {item: k for k, item in enumerate(dict.fromkeys(chain(chain(groups))))}


def _facts(f: SentenceFeatures) -> frozenset[str]:
    return f.numbers | f.names


def pair_matrix(derived: Document, source: Document, model: LinkModel) -> PairMatrix:
    """Features and link probability of every (derived, source) sentence pair.

    Args:
        derived: The text that may have been written from ``source``.
        source: The candidate original.
        model: Turns pair features into a probability.

    Returns:
        The :class:`PairMatrix`; empty arrays when either text has no sentences.
    """
    return pair_matrices(derived, source, model)[0]


def pair_matrices(a: Document, b: Document, model: LinkModel) -> tuple[PairMatrix, PairMatrix]:
    """:func:`pair_matrix` both ways, ``(a onto b, b onto a)``, sharing the work.

    The overlaps of every sentence pair are counted once; the two directions
    differ only in what each overlap is divided by, and in each sentence's
    runner-up.
    """
    fa, fb = a.features, b.features
    n, m = len(fa), len(fb)
    x = np.zeros((n, m, len(PAIR_FEATURES)), dtype=np.float64)
    y = np.zeros((m, n, len(PAIR_FEATURES)), dtype=np.float64)
    if n == 0 or m == 0:
        return PairMatrix(x, np.zeros((n, m))), PairMatrix(y, np.zeros((m, n)))
    vocab = _vocab([f.content for f in fa], [f.content for f in fb])
    wa, wb = _weight_matrix(fa, vocab), _weight_matrix(fb, vocab)
    ba, bb = (wa > 0).astype(np.float64), (wb > 0).astype(np.float64)
    total_a = np.maximum(wa.sum(1), 1e-9)[:, None]
    total_b = np.maximum(wb.sum(1), 1e-9)[None, :]
    cos = np.clip(a.vectors @ b.vectors.T, 0.0, 1.0)
    cover_a = (wa @ bb.T) / total_a  # share of a's sentence found in b's
    cover_b = (ba @ wb.T) / total_b  # share of b's sentence found in a's
    x[..., 0], y[..., 0] = cos, cos.T
    x[..., 1], y[..., 2] = cover_a, cover_a.T
    x[..., 2], y[..., 1] = cover_b, cover_b.T
    for k, sets in ((3, lambda f: f.bigrams), (4, _facts)):
        sa, sb = [sets(f) for f in fa], [sets(f) for f in fb]
        set_vocab = _vocab(sa, sb)
        ga, gb = _set_matrix(sa, set_vocab), _set_matrix(sb, set_vocab)
        shared = ga @ gb.T
        x[..., k] = shared / np.maximum(ga.sum(1), 1.0)[:, None]
        y[..., k] = shared.T / np.maximum(gb.sum(1), 1.0)[:, None]
    sa, sb = [f.numbers for f in fa], [f.numbers for f in fb]
    num_vocab = _vocab(sa, sb)
    na, nb = _set_matrix(sa, num_vocab), _set_matrix(sb, num_vocab)
    both = (na.sum(1)[:, None] > 0) & (nb.sum(1)[None, :] > 0)
    clash = (both & ((na @ nb.T) == 0)).astype(np.float64)
    x[..., 5], y[..., 5] = clash, clash.T
    _context(x, b.vectors)
    _context(y, a.vectors)
    return PairMatrix(x, model.probability(x)), PairMatrix(y, model.probability(y))


# Above this many cells (8 bytes each: 16 MB) the runner-up is read row by row, not from one n x m x m array.
_CUBE_CELLS = 2_000_000


def _runner_up(score: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """``runner[i, j]``: the best ``score[i, k]`` over the source sentences ``k`` distinct from ``j`` (0 if none).

    A source sentence is not distinct from itself and its near-duplicates, a handful at most, so the best
    distinct one is among a row's ``1 + most near-duplicates`` best: read from those, not from an
    ``n x m x m`` array (2.9 GB for two texts of 700 sentences; 188 GiB asked for 3,000).
    """
    n, m = score.shape
    if n * m * m <= _CUBE_CELLS:
        # Articles of a usual length: one array op is quicker than the loop below (the scan's common case).
        others = np.where(distinct[None, :, :], score[:, None, :], -np.inf).max(2)
        return np.where(np.asarray(distinct.any(1))[None, :], others, 0.0)
    same = m - distinct.sum(1)  # sentences not distinct from j, j itself included
    top = min(m, int(same.max()) + 1)
    order = np.argsort(-score, axis=1, kind="stable")[:, :top]  # each row's best columns, best first
    best = np.take_along_axis(score, order, 1)
    runner = np.zeros((n, m))
    rows = np.arange(n)
    for j in np.flatnonzero(distinct.any(1)):
        ok = distinct[j][order]  # which of each row's best are distinct from j
        runner[:, j] = best[rows, ok.argmax(1)]  # the first distinct one: one exists within ``top``
    return runner


def _context(x: np.ndarray, source_vectors: np.ndarray, duplicate_cos: float = 0.9) -> None:
    """Fill ``margin`` and ``zscore``: each pair against the derived sentence's other options."""
    cos = x[..., 0]
    score = 0.5 * (cos + x[..., 1])
    m = score.shape[1]
    if m == 1:
        x[..., 6] = score
    else:
        distinct = (source_vectors @ source_vectors.T) < duplicate_cos
        np.fill_diagonal(distinct, False)
        x[..., 6] = score - _runner_up(score, distinct)
    mean = cos.mean(1, keepdims=True)
    std = cos.std(1, keepdims=True)
    x[..., 7] = np.clip((cos - mean) / (std + 0.05), -3.0, 6.0) / 6.0


def _union_features(derived: Document, source: Document, i: int, group: Sequence[int], x: np.ndarray) -> np.ndarray:
    """Pair features of derived sentence ``i`` against several source sentences read as one."""
    fd = derived.features[i]
    content: set[str] = set()
    bigrams: set[tuple[str, str]] = set()
    facts: set[str] = set()
    numbers: set[str] = set()
    for j in group:
        fs = source.features[j]
        content |= fs.content.keys()
        bigrams |= fs.bigrams
        facts |= _facts(fs)
        numbers |= fs.numbers
    vec = source.vectors[list(group)].sum(0)
    norm = float(np.linalg.norm(vec)) or 1.0
    out = np.empty(len(PAIR_FEATURES))
    out[0] = max(0.0, float(derived.vectors[i] @ vec) / norm)
    out[1] = sum(w for s, w in fd.content.items() if s in content) / max(fd.total, 1e-9)
    out[2] = float(np.mean([x[i, j, 2] for j in group]))
    out[3] = len(fd.bigrams & bigrams) / max(len(fd.bigrams), 1)
    fd_facts = _facts(fd)
    out[4] = len(fd_facts & facts) / max(len(fd_facts), 1)
    out[5] = float(bool(fd.numbers) and bool(numbers) and not fd.numbers & numbers)
    out[6] = max(x[i, j, 6] for j in group)
    out[7] = max(x[i, j, 7] for j in group)
    return out


# Words of a sentence compared word by word for its kind; news sentences have under a hundred.
_MOST_TOKENS = 1000


def _token_similarity(a: SentenceFeatures, b: SentenceFeatures, floor: float = 0.0) -> float:
    """Similarity of the two word sequences (case, punctuation and hyphens ignored), in [0, 1].

    Below ``floor`` the answer may be an upper bound (still below ``floor``):
    the exact ratio is worked out only where it can reach it. A "sentence"
    of thousands of words (a text with no full stops) is judged on its first
    ``_MOST_TOKENS``: the ratio costs the product of the two lengths.
    """
    from cydifflib import SequenceMatcher

    wa, wb = _unhyphenated(a.norms)[:_MOST_TOKENS], _unhyphenated(b.norms)[:_MOST_TOKENS]
    if not wa or not wb:
        return 0.0
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        upper = bound()
        if upper < floor:
            return upper
    return matcher.ratio()


def _unhyphenated(norms: tuple[str, ...]) -> tuple[str, ...]:
    """Words with hyphenated ones split: "strong-willed" is "strong willed" copied, no new wording."""
    if not any("-" in w for w in norms):
        return norms
    return tuple(part for w in norms for part in w.split("-") if part)


def _keep_anchored(
    draft: list[tuple[int, tuple[int, ...], float]], settings: AlignSettings, slack: int = 1
) -> list[tuple[int, tuple[int, ...], float]]:
    """Anchors, plus weaker candidates whose source sits between their neighbouring anchors'.

    A paraphrase that shares few words with its source is weak evidence alone;
    inside a run of strong links that it continues in order, it is what a
    rewrite looks like (the seed pair's "Meanwhile, North Korea continues to
    reject diplomatic engagement" after the budget sentence, say).
    """
    anchors = [d for d in draft if d[2] >= settings.link_threshold]
    if not anchors:
        return []
    kept = []
    for item in draft:
        i, group, score = item
        if score >= settings.link_threshold:
            kept.append(item)
            continue
        before = [a for a in anchors if a[0] < i]
        after = [a for a in anchors if a[0] > i]
        low_ok = not before or group[0] >= min(before[-1][1]) - slack
        high_ok = not after or group[-1] <= max(after[0][1]) + slack
        if low_ok and high_ok:
            kept.append(item)
    return kept


def align(
    derived: Document,
    source: Document,
    model: LinkModel,
    settings: AlignSettings,
    pairs: PairMatrix | None = None,
) -> Alignment:
    """Map each derived sentence to the source sentence(s) it was written from.

    Args:
        derived: The text that may have been written from ``source``.
        source: The candidate original.
        model: The pair link model.
        settings: Thresholds and limits.
        pairs: ``pair_matrix(derived, source, model)`` when already computed.

    Returns:
        The :class:`Alignment`. Each derived sentence is in at most one link;
        a source sentence may feed several derived sentences (``split``).

    Example:
        See ``wiretrace.compare``, which prepares the documents.
    """
    if pairs is None:
        pairs = pair_matrix(derived, source, model)
    n, m = pairs.prob.shape
    df = source.content_df
    best = pairs.prob.max(1) if m else np.zeros(n)
    draft: list[tuple[int, tuple[int, ...], float]] = []
    # Each row's best source sentences, best first (ties by position), and their probabilities: one
    # sort for the whole matrix; the loop reads plain lists.
    orders = np.argsort(-pairs.prob, axis=1, kind="stable")[:, : 2 + settings.merge_candidates]
    ranked = np.take_along_axis(pairs.prob, orders, 1).tolist()
    for i, (order, probs) in enumerate(zip(orders.tolist(), ranked, strict=True)):
        if not order:  # no source sentences
            break
        j1 = order[0]
        group = [j1]
        score = probs[0]
        fd = derived.features[i]
        covered = set(fd.content) & set(source.features[j1].content)
        tried = 1 + settings.merge_candidates
        for j, p in zip(order[1:tried], probs[1:tried], strict=True):
            if len(group) >= settings.max_merge or p < settings.merge_min:
                break
            new = (set(fd.content) & set(source.features[j].content)) - covered
            gain = sum(fd.content[w] / df[w] for w in new) / max(fd.total, 1e-9)
            if gain >= settings.merge_gain:
                group = sorted([*group, j])
                covered |= new
                union = _union_features(derived, source, i, group, pairs.x)
                score = max(score, float(model.probability(union)))
        best[i] = max(best[i], score)
        runner = 0.0
        if m > len(group):
            # The best source sentence outside the group: the group is drawn from the first 1 + merge_candidates
            # of the row's order, which holds one more, so the first of the order not in the group is it.
            runner = next(p for j, p in zip(order, probs, strict=True) if j not in group)
        if score >= settings.link_threshold or (
            score >= settings.gap_threshold and score >= settings.gap_ratio * runner
        ):
            draft.append((i, tuple(sorted(group)), score))
    draft = _keep_anchored(draft, settings)
    uses: dict[int, int] = {}
    for _, sources, _ in draft:
        for j in sources:
            uses[j] = uses.get(j, 0) + 1
    links = []
    for i, sources, score in draft:
        if len(sources) > 1:
            kind = "merged"
        else:
            sim = _token_similarity(derived.features[i], source.features[sources[0]], settings.near_verbatim)
            if sim >= 0.999:
                kind = "verbatim"
            elif sim >= settings.near_verbatim:
                kind = "near-verbatim"
            elif uses[sources[0]] > 1:
                kind = "split"
            else:
                kind = "paraphrase"
        links.append(Link((i,), sources, kind, round(min(1.0, max(0.0, score)), 4)))  # type: ignore[arg-type]
    return Alignment(tuple(links), best, pairs)


def initial_link_model() -> LinkModel:
    """Hand-set coefficients, used only to bootstrap fitting."""
    return LinkModel(intercept=-6.0, coef=(5.0, 4.0, 1.0, 1.0, 1.0, -1.0, 2.0, 1.0))
