"""F1 and accuracy, without scikit-learn (the base install runs every eval), and their uncertainty.

METER's 601 labelled texts come in 176 story groups, and texts of one group
share their wire copy, so they are not independent draws: an interval is
worked out by resampling whole groups (a cluster bootstrap). Two systems
scored on the same texts are resampled together, so the interval of their
difference says whether a margin is more than the luck of the split.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

__all__ = [
    "GroupBootstrap",
    "accuracy",
    "binary_f1",
    "macro_f1",
]


def binary_f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    """F1 of the positive class.

    Example:
        >>> binary_f1([True, True, False], [True, False, False])
        0.6666666666666666
    """
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def macro_f1(gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable]) -> float:
    """Unweighted mean of the per-label F1 scores.

    Example:
        >>> macro_f1(["a", "b"], ["a", "a"], ["a", "b"])
        0.3333333333333333
    """
    scores = [binary_f1([g == label for g in gold], [p == label for p in pred]) for label in labels]
    return sum(scores) / len(scores)


def accuracy(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Share of predictions equal to the gold label."""
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold) if gold else 0.0


class GroupBootstrap:
    """Resamples of whole groups, with replacement, shared by every figure measured on one set of items.

    Args:
        groups: The group of each item (a METER story group, say).
        resamples: How many resamples.
        seed: Seed of the resampling (fixed, so a report repeats to the digit).

    Example:
        >>> boot = GroupBootstrap(["g1", "g1", "g2", "g3"], resamples=200)
        >>> lo, hi = boot.interval(boot.f1([True, True, False, True], [True, False, False, True], [True, False]))
        >>> 0.0 <= lo <= hi <= 1.0
        True
    """

    def __init__(self, groups: Sequence[Hashable], resamples: int = 1000, seed: int = 20251103) -> None:
        keys = {g: k for k, g in enumerate(dict.fromkeys(groups))}
        self._of_item = np.array([keys[g] for g in groups], dtype=np.intp)
        rng = np.random.default_rng(seed)
        n = len(keys)
        # Each resample draws n groups; its weights count how often each group was drawn.
        self._weights = (
            rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)
            if n
            else np.zeros((resamples, 0))  # no items: every figure is 0, as the plain ones are
        )

    def _confusions(self, gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable]) -> np.ndarray:
        """Each resample's confusion counts (gold by row, prediction by column), ``(resamples, k, k)``."""
        if len(gold) != len(self._of_item) or len(pred) != len(self._of_item):
            raise ValueError("gold and pred must hold one label per item the bootstrap was built on")
        index = {label: k for k, label in enumerate(labels)}
        k = len(labels)
        cells = np.array([index[g] * k + index[p] for g, p in zip(gold, pred, strict=True)], dtype=np.intp)
        per_group = np.zeros((self._weights.shape[1], k * k))
        np.add.at(per_group, (self._of_item, cells), 1.0)
        return (self._weights @ per_group).reshape(-1, k, k)

    def f1(
        self,
        gold: Sequence[Hashable],
        pred: Sequence[Hashable],
        labels: Sequence[Hashable],
        scored: Sequence[Hashable] | None = None,
    ) -> np.ndarray:
        """Each resample's mean F1 over ``scored`` (default: every label), as :func:`macro_f1` works it out.

        Args:
            gold: Each item's true label, one of ``labels``.
            pred: Each item's predicted label, one of ``labels``.
            labels: Every label.
            scored: The labels whose F1 is averaged: ``[True]`` gives :func:`binary_f1`.
        """
        m = self._confusions(gold, pred, labels)
        k = len(labels)
        tp = m[:, np.arange(k), np.arange(k)]
        fp = m.sum(1) - tp
        fn = m.sum(2) - tp
        per_label = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp), where=tp > 0)
        keep = [labels.index(label) for label in (labels if scored is None else scored)]
        return per_label[:, keep].mean(1)

    def ratio(self, numerator: Sequence[float], denominator: Sequence[float]) -> np.ndarray:
        """Each resample's sum of ``numerator`` over its sum of ``denominator`` (0 where that is 0).

        Per item, so one resampling serves figures over different items: an
        item a figure is not over has 0 in both (precision is over reported
        pairs, recall over expected ones).
        """
        if len(numerator) != len(self._of_item) or len(denominator) != len(self._of_item):
            raise ValueError("numerator and denominator must hold one value per item the bootstrap was built on")
        sums = np.zeros((self._weights.shape[1], 2))
        np.add.at(sums, self._of_item, np.column_stack([numerator, denominator]))
        num, den = (self._weights @ sums).T
        return np.divide(num, den, out=np.zeros_like(num), where=den > 0)

    @staticmethod
    def interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
        """The central ``level`` percentile interval of resampled values, rounded to 4 digits."""
        tail = (1.0 - level) / 2 * 100
        lo, hi = np.percentile(values, [tail, 100 - tail])
        return round(float(lo), 4), round(float(hi), 4)
