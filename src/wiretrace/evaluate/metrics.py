"""F1 and accuracy, without scikit-learn (the base install runs every eval)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

__all__ = ["accuracy", "binary_f1", "macro_f1"]


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
