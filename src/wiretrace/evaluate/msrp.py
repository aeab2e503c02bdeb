"""``wiretrace eval msrp``: sentence-level paraphrase judgement on MSRP pairs.

The Microsoft Research Paraphrase Corpus pairs news sentences, each labelled
paraphrase (1) or not (0) by two or three annotators. The file is MSRP's own
TSV (``Quality``, ``#1 ID``, ``#2 ID``, ``#1 String``, ``#2 String``, with a
byte-order mark). Figures, all accuracy and F1 of the paraphrase class:

* ``link``: the engine's own judgement: the link probability of the pair
  (:func:`~wiretrace.evaluate.paraphrase.link_probability`, mean of both
  directions) at the engine's ``link_threshold``. The link model is fitted on
  METER, so nothing here is fitted on MSRP.
* ``link_cv``: the same probability with its threshold chosen by stratified
  k-fold cross-validation on this file: each pair is judged with a threshold
  chosen on the other folds, so the figure is held out.
* ``paraphrase_cv``: the :class:`~wiretrace.evaluate.paraphrase.ParaphraseModel`
  features with a logistic model refitted in each fold (held out).
* ``paraphrase_shipped``: the scorer shipped in ``data/paraphrase.json``. When
  this file is the one it was fitted on (same sha256) the figure is in-sample
  and says so; on another split (MSRP's test pairs, say) it is held out.
* ``baseline``: the majority class, and the embedder's cosine and the stems'
  Jaccard overlap, each with a cross-validated threshold.

Published anchor for MSRP accuracy: 75.6 (on MSRP's test split).
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from wiretrace.errors import InputError, ModelError
from wiretrace.evaluate.metrics import GroupBootstrap, accuracy, binary_f1
from wiretrace.evaluate.paraphrase import (
    PARAPHRASE_FEATURES,
    fit_logistic,
    link_probability,
    load_paraphrase_model,
    pair_features,
    sentence_documents,
)
from wiretrace.evaluate.thresholds import cv_threshold, stratified_folds
from wiretrace.pipeline import Engine

__all__ = ["MsrpPair", "PairScores", "cv_folds", "evaluate_msrp", "figures", "load_msrp", "score_pairs", "sha256_file"]

SEED = 20251103
FOLDS = 10
L2 = 1.0
_COLUMNS = ("Quality", "#1 String", "#2 String")


@dataclass(frozen=True)
class MsrpPair:
    """One MSRP sentence pair and its label."""

    a: str
    b: str
    is_paraphrase: bool


def load_msrp(path: str | Path, limit: int | None = None) -> tuple[MsrpPair, ...]:
    """Read an MSRP TSV file.

    Args:
        path: ``msr_paraphrase_train.txt`` or ``msr_paraphrase_test.txt``.
        limit: Read only the first ``limit`` pairs.

    Returns:
        The pairs, in file order.

    Raises:
        InputError: The file is missing, lacks a column or has a bad label.

    Example:
        >>> load_msrp("../shared/data/msrp/msr_paraphrase_train.txt", limit=1)[0].is_paraphrase  # doctest: +SKIP
        True
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "MSRP file not found (msr_paraphrase_train.txt or msr_paraphrase_test.txt)")
    pairs: list[MsrpPair] = []
    # MSRP strings hold bare double quotes: read them as text, not as CSV quoting.
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}", "undecodable bytes (not UTF-8 text, as MSRP is)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(str(path), f"not an MSRP file (missing columns {', '.join(missing)})")
    for n, row in enumerate(reader, 2):
        if limit is not None and len(pairs) >= limit:
            break
        label = row["Quality"]
        if None in row or any(v is None for v in row.values()):
            fields = len(reader.fieldnames or ())
            raise InputError(f"{path}:{n}", f"bad row (each row needs {fields} tab-separated fields, as the header)")
        if label not in ("0", "1"):
            raise InputError(f"{path}:{n}", f"bad row (Quality {label!r}, not 0 or 1)")
        if not row["#1 String"].strip() or not row["#2 String"].strip():
            raise InputError(f"{path}:{n}", "bad row (an empty sentence)")
        pairs.append(MsrpPair(row["#1 String"], row["#2 String"], label == "1"))
    if not pairs:
        raise InputError(str(path), "no sentence pairs in the file")
    return tuple(pairs)


@dataclass(frozen=True)
class PairScores:
    """Per-pair scores of a set of pairs.

    Attributes:
        link: The engine's link probability (mean of both directions).
        cosine: Cosine of the two sentence vectors.
        jaccard: Jaccard overlap of the two sentences' word stems.
        features: :data:`~wiretrace.evaluate.paraphrase.PARAPHRASE_FEATURES` rows.
    """

    link: np.ndarray
    cosine: np.ndarray
    jaccard: np.ndarray
    features: np.ndarray


def score_pairs(
    engine: Engine, pairs: tuple[MsrpPair, ...], progress: Callable[[str], None] = lambda _msg: None
) -> PairScores:
    """Every score the eval thresholds, for each pair.

    Args:
        engine: The engine to measure.
        pairs: The pairs (:func:`load_msrp`).
        progress: Called with a short message at each step.

    Returns:
        The :class:`PairScores`.

    Example:
        >>> pairs = (MsrpPair("Ten people died.", "Ten people were killed.", True),)
        >>> score_pairs(Engine(), pairs).link.shape
        (1,)
    """
    progress(f"embedding {2 * len(pairs)} sentences")
    docs = sentence_documents(engine, [s for p in pairs for s in (p.a, p.b)])
    progress(f"scoring {len(pairs)} pairs")
    link = np.empty(len(pairs))
    cosine = np.empty(len(pairs))
    jaccard = np.empty(len(pairs))
    features = np.empty((len(pairs), len(PARAPHRASE_FEATURES)))
    for k in range(len(pairs)):
        a, b = docs[2 * k], docs[2 * k + 1]
        link[k], x_ab, x_ba = link_probability(engine, a, b)
        cosine[k] = float(a.vectors[0] @ b.vectors[0])
        sa = set(a.features[0].stems)
        sb = set(b.features[0].stems)
        jaccard[k] = len(sa & sb) / max(1, len(sa | sb))
        features[k] = pair_features(x_ab, x_ba, a, b)
    return PairScores(link, cosine, jaccard, features)


def figures(gold: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    """Accuracy and F1 of the positive class, rounded to 4 places, and the accuracy's 95% interval.

    The interval resamples the pairs (1,000 resamples, fixed seed): MSRP's
    pairs are independent draws, so it says how far two accuracies must be
    apart to differ.

    Example:
        >>> figures(np.array([True, False]), np.array([True, True]))
        {'accuracy': 0.5, 'f1': 0.6667, 'accuracy_ci95': (0.0, 1.0)}
    """
    g, p = np.asarray(gold, dtype=bool).tolist(), np.asarray(pred, dtype=bool).tolist()
    boot = GroupBootstrap(range(len(g)))
    right = [float(a == b) for a, b in zip(g, p, strict=True)]
    return {
        "accuracy": round(accuracy(g, p), 4),
        "f1": round(binary_f1(g, p), 4),
        "accuracy_ci95": boot.interval(boot.ratio(right, [1.0] * len(g))),
    }


def _threshold_cv(scores: np.ndarray, gold: np.ndarray, folds: np.ndarray) -> dict[str, Any]:
    result = cv_threshold(scores, gold, folds)
    out: dict[str, Any] = figures(gold, result.pred)
    out["thresholds"] = {"min": min(result.thresholds), "max": max(result.thresholds)}
    return out


def _paraphrase_cv(x: np.ndarray, gold: np.ndarray, folds: np.ndarray) -> dict[str, Any]:
    pred = np.zeros(len(gold), dtype=bool)
    for k in np.unique(folds):
        test = folds == k
        model = fit_logistic(x[~test], gold[~test], l2=L2)
        pred[test] = model.probability(x[test]) >= 0.5
    return figures(gold, pred)


def _shipped(engine: Engine, x: np.ndarray, gold: np.ndarray, path: Path) -> dict[str, Any]:
    try:
        model = load_paraphrase_model()
    except ModelError as exc:
        return {"skipped": str(exc)}
    if model.embedding_model != engine.embedder.name:
        return {
            "skipped": f"fitted on {model.embedding_model} cosines, this run embeds with {engine.embedder.name}; "
            "see paraphrase_cv for this embedder"
        }
    out: dict[str, Any] = figures(gold, model.probability(x) >= 0.5)
    out["fitted_on"] = model.fitted_on
    out["in_sample"] = model.data_sha256 == sha256_file(path)
    return out


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes.

    Example:
        >>> len(sha256_file(__file__))
        64
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cv_folds(gold: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """The eval's fold of each pair: stratified, seeded, so every run splits alike."""
    return stratified_folds(list(gold), min(folds, len(gold)), SEED)


def evaluate_msrp(
    path: str,
    engine: Engine,
    progress: Callable[[str], None] = lambda _msg: None,
    limit: int | None = None,
) -> dict[str, Any]:
    """All MSRP figures for the pairs in ``path``.

    Args:
        path: An MSRP TSV file.
        engine: The engine to measure.
        progress: Called with a short message at each step.
        limit: Use only the first ``limit`` pairs (a quick run).

    Returns:
        ``{"link": ..., "link_cv": ..., "paraphrase_cv": ..., "paraphrase_shipped": ...,
        "baseline": ..., "pairs": ..., ...}``; see the module docstring.

    Raises:
        InputError: The file cannot be read as MSRP.

    Example:
        >>> evaluate_msrp("../shared/data/msrp/msr_paraphrase_train.txt", Engine())["link_cv"]  # doctest: +SKIP
        {'accuracy': 0.69..., 'f1': 0.80..., 'accuracy_ci95': (...), 'thresholds': {...}}
    """
    started = time.perf_counter()
    pairs = load_msrp(path, limit)
    gold = np.array([p.is_paraphrase for p in pairs])
    if gold.all() or not gold.any():
        raise InputError(str(path), "all pairs carry one label; thresholds cannot be chosen (use more pairs)")
    scores = score_pairs(engine, pairs, progress)
    folds = cv_folds(gold)
    progress(f"cross-validating ({int(folds.max()) + 1} folds)")
    threshold = engine.settings.link_threshold
    link = figures(gold, scores.link >= threshold)
    link["threshold"] = threshold
    majority = bool(gold.mean() >= 0.5)
    k = int(folds.max()) + 1  # FOLDS, or fewer on a file of fewer pairs
    return {
        "data": str(path),
        "model": engine.embedder.name,
        "pairs": len(pairs),
        "paraphrase_share": round(float(gold.mean()), 4),
        "link": link,
        "link_cv": _threshold_cv(scores.link, gold, folds),
        "paraphrase_cv": _paraphrase_cv(scores.features, gold, folds),
        "paraphrase_shipped": _shipped(engine, scores.features, gold, Path(path)),
        "baseline": {
            "majority": figures(gold, np.full(len(gold), majority)),
            "cosine_cv": _threshold_cv(scores.cosine, gold, folds),
            "stem_jaccard_cv": _threshold_cv(scores.jaccard, gold, folds),
        },
        "folds": k,
        "note": (
            "link: METER-fitted link model at the engine's threshold (nothing fitted on MSRP); *_cv: thresholds or "
            f"coefficients chosen on the other folds ({k}-fold, stratified, seed {SEED}), so held out; "
            "paraphrase_shipped is in-sample when in_sample is true. Published anchor: 75.6 accuracy (test split)."
        ),
        "wall_s": round(time.perf_counter() - started, 1),
    }
