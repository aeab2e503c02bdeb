"""Thresholds chosen on held-in data and scored on held-out data.

A figure measured with a threshold tuned on the very items it is scored on is
optimistic, the more so the smaller the set. Every threshold an eval picks
goes through one of these helpers, so the figure it reports is held out:
:func:`cv_threshold` (k-fold, for thousands of items such as MSRP) and
:func:`loo_choice` (leave-one-out over any grid of rules, for a hundred items
such as Clough & Stevenson's answers). Plain numpy: the base install runs
every eval.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["ThresholdCV", "best_threshold", "cv_threshold", "loo_choice", "stratified_folds"]


def stratified_folds(gold: Sequence[Hashable], k: int, seed: int) -> np.ndarray:
    """Fold number (0 to ``k - 1``) of each item, each label spread evenly over the folds.

    Args:
        gold: One label per item.
        k: Number of folds, at least 2.
        seed: Seed of the shuffle, so a run can be repeated.

    Returns:
        An int array as long as ``gold``.

    Raises:
        ValueError: ``k`` is below 2 or above the number of items.

    Example:
        >>> stratified_folds([1, 1, 0, 0], 2, seed=0).tolist().count(0)
        2
    """
    if not 2 <= k <= len(gold):
        raise ValueError(f"k={k} folds is out of range (2 to {len(gold)}, the number of items)")
    rng = np.random.default_rng(seed)
    fold = np.empty(len(gold), dtype=np.int64)
    start = 0
    for label in sorted(set(gold), key=repr):
        idx = np.flatnonzero(np.array([g == label for g in gold]))
        rng.shuffle(idx)
        # Continue the round-robin where the previous label stopped, so fold sizes stay within one.
        fold[idx] = (np.arange(len(idx)) + start) % k
        start = (start + len(idx)) % k
    return fold


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The threshold ``t`` for which ``scores >= t`` best predicts ``gold`` (most items right).

    Candidates are the midpoints between consecutive distinct scores, plus one
    below the lowest and one above the highest; ties go to the lowest.

    Args:
        scores: One score per item.
        gold: One boolean per item.

    Returns:
        The threshold.

    Example:
        >>> best_threshold(np.array([0.1, 0.4, 0.6, 0.9]), np.array([False, False, True, True]))
        0.5
    """
    scores = np.asarray(scores, dtype=np.float64)
    gold = np.asarray(gold, dtype=bool)
    values = np.unique(scores)
    cands = np.concatenate([[values[0] - 1e-9], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-9]])
    order = np.sort(scores[gold])
    neg = np.sort(scores[~gold])
    # Items right at threshold t: positives at or above t plus negatives below it.
    right = (len(order) - np.searchsorted(order, cands, side="left")) + np.searchsorted(neg, cands, side="left")
    return float(cands[int(np.argmax(right))])


@dataclass(frozen=True)
class ThresholdCV:
    """Held-out predictions of a k-fold threshold search.

    Attributes:
        pred: Each item's prediction, made with the threshold chosen on the
            other folds.
        thresholds: The threshold chosen in each fold.
    """

    pred: np.ndarray
    thresholds: tuple[float, ...]


def cv_threshold(scores: np.ndarray, gold: np.ndarray, folds: np.ndarray) -> ThresholdCV:
    """Choose a threshold on all folds but one, predict that one; for every fold.

    Args:
        scores: One score per item.
        gold: One boolean per item.
        folds: Fold number of each item (:func:`stratified_folds`).

    Returns:
        The :class:`ThresholdCV`.

    Example:
        >>> s = np.array([0.1, 0.2, 0.8, 0.9])
        >>> cv_threshold(s, s > 0.5, np.array([0, 1, 0, 1])).pred.tolist()
        [False, False, True, True]
    """
    scores = np.asarray(scores, dtype=np.float64)
    gold = np.asarray(gold, dtype=bool)
    pred = np.zeros(len(scores), dtype=bool)
    chosen = []
    for k in np.unique(folds):
        test = folds == k
        t = best_threshold(scores[~test], gold[~test])
        pred[test] = scores[test] >= t
        chosen.append(round(t, 4))
    return ThresholdCV(pred, tuple(chosen))


def loo_choice(preds: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out choice among candidate rules, each given by its predictions.

    For each item, the rule with the most right answers on the other items
    (ties to the first) predicts it. Rules are any parametrised mapping the
    caller enumerates, such as every pair of thresholds on a grid.

    Args:
        preds: Shape ``(n_rules, n_items)``: what each rule predicts for each item.
        gold: Shape ``(n_items,)``: the right answers.

    Returns:
        ``(held_out_pred, rule_index)``: each item's held-out prediction and
        the rule chosen for it.

    Example:
        >>> rules = np.array([[0, 0, 0], [0, 1, 1]])
        >>> loo_choice(rules, np.array([0, 1, 1]))[0].tolist()
        [0, 1, 1]
    """
    right = preds == np.asarray(gold)[None, :]
    total = right.sum(1)
    held = np.empty(preds.shape[1], dtype=preds.dtype)
    rule = np.empty(preds.shape[1], dtype=np.int64)
    for i in range(preds.shape[1]):
        r = int(np.argmax(total - right[:, i]))
        held[i] = preds[r, i]
        rule[i] = r
    return held, rule
