"""Is one sentence a paraphrase of another? The engine's judgement, and a fitted scorer.

The engine judges sentence pairs inside :func:`wiretrace.core.align.align`: a
logistic :class:`~wiretrace.core.align.LinkModel` reads pair features and
gives the probability that one sentence was written from the other. That
model is fitted on METER, where "written from" mostly means "copied with small
changes", and part of its evidence (``margin``, ``zscore``) compares a
sentence with the other sentences of its document, which a lone pair does not
have. :func:`link_probability` measures it as it is, on pairs of one-sentence
documents.

:class:`ParaphraseModel` is a separate, clearly labelled scorer for lone
sentence pairs, fitted on MSRP's training pairs by ``tools/fit_paraphrase.py``
(coefficients in ``wiretrace/data/paraphrase.json``). It reads the link
model's own pair features, made symmetric (an MSRP pair has no direction), plus
word-order and surface features that the link model lacks
(:data:`PARAPHRASE_FEATURES`). Measured by stratified 10-fold cross-validation
on MSRP's 4,076 training pairs with the bundled embedder: the engine's link
probability with a tuned threshold 0.698 accuracy; a logistic model refitted on
the 8 symmetric link features 0.735; on the 17 surface features alone 0.757;
on all 25, 0.772. Leaving out one group costs 0.008 (word order), 0.010
(n-gram precision), 0.006 (overlap), 0.001 (length) or 0.009 (numbers). It
does not change what the aligner does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path

import numpy as np

from wiretrace.core.align import PAIR_FEATURES, pair_matrix
from wiretrace.core.represent import Document, SentenceFeatures, represent
from wiretrace.errors import ModelError
from wiretrace.pipeline import Engine
from wiretrace.types import Article, ArticleView, Sentence

__all__ = [
    "PARAPHRASE_FEATURES",
    "ParaphraseModel",
    "fit_logistic",
    "link_probability",
    "load_paraphrase_model",
    "pair_features",
    "sentence_documents",
]

PARAPHRASE_FEATURES = (
    # The link model's pair features, each read both ways round (min and max).
    "cos",
    "cover_min",
    "cover_max",
    "bigram_min",
    "bigram_max",
    "facts_min",
    "facts_max",
    "fact_clash",
    # Word order: longest matching blocks of the two stem sequences.
    "seq_ratio",
    "seq_shorter",
    # Stem n-gram precision (BLEU's ingredients), both ways round.
    "p1_min",
    "p1_max",
    "p2_min",
    "p2_max",
    "p3_min",
    "p3_max",
    "p4_min",
    "p4_max",
    # Surface overlap.
    "jaccard",
    "weighted_jaccard",
    "char4_jaccard",
    # Length and numbers: a paraphrase keeps both.
    "len_log_ratio",
    "len_diff",
    "numbers_unshared",
    "numbers_differ",
)

_LINK = {name: k for k, name in enumerate(PAIR_FEATURES)}


def sentence_documents(engine: Engine, texts: Sequence[str]) -> list[Document]:
    """One single-sentence :class:`Document` per text, embedded in one batch.

    The text is not split: a judgement on a sentence pair should see each
    sentence whole, even where the splitter would cut it (after ``U.S.``, say).

    Args:
        engine: Supplies the embedder and the lexicon.
        texts: The sentences.

    Returns:
        The documents, in order.

    Example:
        >>> from wiretrace.adapters.models import HashingEmbedder
        >>> docs = sentence_documents(Engine(embedder=HashingEmbedder()), ["Seoul has 450,000 troops."])
        >>> len(docs[0].sentences), sorted(docs[0].features[0].numbers)
        (1, ['450000'])
    """
    vectors = engine.embedder.encode(list(texts)) if texts else np.zeros((0, 1), dtype=np.float32)
    docs = []
    for k, text in enumerate(texts):
        view = ArticleView(Article(text, id=str(k)), (), (Sentence(0, 0, len(text), text),))
        docs.append(represent(view, engine.lexicon, _Row(vectors[k : k + 1])))
    return docs


class _Row:
    """An ``encode`` that hands back one sentence's vector, already computed in a batch."""

    def __init__(self, row: np.ndarray) -> None:
        self._row = row

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self._row


def link_probability(engine: Engine, a: Document, b: Document) -> tuple[float, np.ndarray, np.ndarray]:
    """The engine's link probability for two one-sentence documents, both ways round.

    Args:
        engine: Its fitted link model is used.
        a: A one-sentence document (:func:`sentence_documents`).
        b: Another.

    Returns:
        ``(probability, x_ab, x_ba)``: the mean of the two directions' link
        probabilities (a sentence pair has no direction) and the two pair
        feature vectors (:data:`~wiretrace.core.align.PAIR_FEATURES`).

    Example:
        >>> from wiretrace.adapters.models import HashingEmbedder
        >>> eng = Engine(embedder=HashingEmbedder())
        >>> a, b = sentence_documents(eng, ["Seoul has 450,000 troops.", "Seoul has 450,000 troops."])
        >>> link_probability(eng, a, b)[0] > 0.9
        True
    """
    ab = pair_matrix(a, b, engine.fitted.link)
    ba = pair_matrix(b, a, engine.fitted.link)
    return 0.5 * float(ab.prob[0, 0] + ba.prob[0, 0]), ab.x[0, 0], ba.x[0, 0]


def _ngrams(seq: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]


def _precision(a: Sequence[str], b: Sequence[str], n: int) -> float:
    grams = _ngrams(a, n)
    other = set(_ngrams(b, n))
    # A sentence too short for any n-gram neither supports nor contradicts the pair.
    return sum(g in other for g in grams) / len(grams) if grams else 1.0


def _char_grams(text: str, n: int = 4) -> set[str]:
    low = " ".join(text.lower().split())
    return {low[i : i + n] for i in range(len(low) - n + 1)}


def _surface(fa: SentenceFeatures, fb: SentenceFeatures, text_a: str, text_b: str) -> list[float]:
    ta, tb = list(fa.stems), list(fb.stems)
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    out = [matcher.ratio(), matched / max(1, min(len(ta), len(tb)))]
    for n in (1, 2, 3, 4):
        pa, pb = _precision(ta, tb, n), _precision(tb, ta, n)
        out += [min(pa, pb), max(pa, pb)]
    sa, sb = set(ta), set(tb)
    out.append(len(sa & sb) / max(1, len(sa | sb)))
    shared = fa.content.keys() & fb.content.keys()
    union = sum(fa.content.values()) + sum(w for s, w in fb.content.items() if s not in shared)
    out.append(sum(fa.content[s] for s in shared) / max(union, 1e-9))
    ca, cb = _char_grams(text_a), _char_grams(text_b)
    out.append(len(ca & cb) / max(1, len(ca | cb)))
    out.append(abs(math.log((len(ta) + 1) / (len(tb) + 1))))
    out.append(float(abs(len(ta) - len(tb))))
    unshared = fa.numbers ^ fb.numbers
    out += [float(len(unshared)), float(bool(unshared))]
    return out


def pair_features(x_ab: np.ndarray, x_ba: np.ndarray, a: Document, b: Document) -> np.ndarray:
    """:data:`PARAPHRASE_FEATURES` of a sentence pair.

    Args:
        x_ab: Link pair features of ``a`` read as derived from ``b`` (from :func:`link_probability`).
        x_ba: The same, the other way round.
        a: A one-sentence document.
        b: Another.

    Returns:
        A float array of ``len(PARAPHRASE_FEATURES)``; swapping ``a`` and ``b``
        gives the same array (up to rounding).

    Example:
        >>> from wiretrace.adapters.models import HashingEmbedder
        >>> eng = Engine(embedder=HashingEmbedder())
        >>> a, b = sentence_documents(eng, ["Ten people died.", "Ten died, officials said."])
        >>> _, x_ab, x_ba = link_probability(eng, a, b)
        >>> bool(np.allclose(pair_features(x_ab, x_ba, a, b), pair_features(x_ba, x_ab, b, a)))
        True
    """

    def both(name: str) -> list[float]:
        u, v = float(x_ab[_LINK[name]]), float(x_ba[_LINK[name]])
        return [min(u, v), max(u, v)]

    link = [float(x_ab[_LINK["cos"]]), *both("cover"), *both("bigram"), *both("facts")]
    link.append(float(x_ab[_LINK["fact_clash"]]))
    surface = _surface(a.features[0], b.features[0], a.sentences[0].text, b.sentences[0].text)
    return np.array(link + surface, dtype=np.float64)


@dataclass(frozen=True)
class ParaphraseModel:
    """Logistic model: :data:`PARAPHRASE_FEATURES` -> probability that two sentences are paraphrases.

    Attributes:
        features: Feature names, in coefficient order.
        mean: Feature means used to standardise.
        scale: Feature standard deviations used to standardise.
        intercept: The bias term.
        coef: One weight per feature (standardised units).
        embedding_model: Name of the embedder whose cosines it was fitted on;
            its ``cos`` weight means little with another embedder.
        fitted_on: What it was fitted on (file, pairs, sha256).
        data_sha256: sha256 of the file it was fitted on, so an eval on that
            same file can say its figure is in-sample.
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    intercept: float
    coef: tuple[float, ...]
    embedding_model: str = ""
    fitted_on: str = ""
    data_sha256: str = ""

    def probability(self, x: np.ndarray) -> np.ndarray:
        """Probability for feature rows ``x`` of shape ``(..., len(features))``."""
        z = self.intercept + ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iterations: int = 50) -> ParaphraseModel:
    """L2-regularised logistic regression by Newton's method, on standardised features.

    Minimises the summed log loss plus ``l2 / 2`` times the squared weights
    (the intercept is not penalised): scikit-learn's ``LogisticRegression`` with
    ``C = 1 / l2``. Plain numpy, so the eval can refit it per fold without
    the ``fit`` extra.

    Args:
        x: Feature rows, shape ``(n, len(PARAPHRASE_FEATURES))``.
        y: One boolean per row.
        l2: Strength of the penalty, > 0.
        iterations: Most Newton steps (it converges in about ten).

    Returns:
        The fitted :class:`ParaphraseModel` (no provenance filled in).

    Raises:
        ValueError: ``l2`` is not positive or ``x`` and ``y`` disagree in length.

    Example:
        >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> m = fit_logistic(x, np.array([False, False, True, True]))
        >>> bool(m.probability(np.array([[3.0]]))[0] > 0.5 > m.probability(np.array([[0.0]]))[0])
        True
    """
    if l2 <= 0:
        raise ValueError(f"l2={l2} must be > 0")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}")
    mean = x.mean(0)
    scale = np.where(x.std(0) < 1e-9, 1.0, x.std(0))
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    t = np.asarray(y, dtype=np.float64)
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -30, 30)))
        grad = z.T @ (p - t) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return ParaphraseModel(
        features=PARAPHRASE_FEATURES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        intercept=float(w[0]),
        coef=tuple(float(v) for v in w[1:]),
    )


def load_paraphrase_model(path: str | Path | None = None) -> ParaphraseModel:
    """The fitted paraphrase scorer (the bundled ``data/paraphrase.json`` by default).

    Raises:
        ModelError: The file is missing, malformed or made for other features.

    Example:
        >>> load_paraphrase_model().features == PARAPHRASE_FEATURES
        True
    """
    where = Path(path) if path else Path(str(resources.files("wiretrace") / "data" / "paraphrase.json"))
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
        if tuple(raw["features"]) != PARAPHRASE_FEATURES:
            raise ModelError(f"{where}: features {raw['features']} do not match this version's; refit it")
        return ParaphraseModel(
            features=PARAPHRASE_FEATURES,
            mean=tuple(float(v) for v in raw["mean"]),
            scale=tuple(float(v) for v in raw["scale"]),
            intercept=float(raw["intercept"]),
            coef=tuple(float(v) for v in raw["coef"]),
            embedding_model=str(raw["embedding_model"]),
            fitted_on=str(raw["fitted_on"]),
            data_sha256=str(raw["data_sha256"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"{where}: cannot read the paraphrase scorer ({exc}); run tools/fit_paraphrase.py or reinstall"
        ) from exc
