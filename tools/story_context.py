"""Does the rest of a story tell a copied paper from an independent one? METER classify, grouped CV.

    python tools/story_context.py --meter ../shared/data/meter

A pair alone shows what a newspaper text shares with its story's wire copy.
Corpus mode also sees the story's other papers: a paper that reported a court
case itself shares with them what the wire lacks (what was said in court),
one that copied the wire shares little beyond it. For each labelled METER
newspaper text this measures, at word 1- to 3-grams (the engine's normalised
words), the share of the paper's n-grams that are in its group's PA texts
(containment), in them and in none of the group's other papers, in other
papers and not in PA, and in both; then fits logistic regression (balanced
classes) in grouped 5-fold CV, as ``wiretrace eval meter``'s baseline does,
on: unigram containment alone (that baseline), containment at 1-3, and each
with the story's shares added. Prints binary and 3-way macro-F1 for each.
A measurement, not a fit: nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wiretrace.types import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
ORDERS = (1, 2, 3)


def grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def story_rows(root: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per labelled paper with PA texts: 4 shares per n-gram order (in PA, PA only, others only, both)."""
    from wiretrace import Engine
    from wiretrace.evaluate.meter_data import load_meter

    split = load_meter(root)
    engine = Engine()
    texts = [t for t in split.newspapers if split.pa.get(t.group)]
    by_group: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        by_group.setdefault(t.group, []).append(i)
    print(f"... preparing {len(texts)} papers and their groups' PA texts", file=sys.stderr)

    def words(article: Article) -> list[str]:
        return [w for f in engine.prepare(article).features for w in f.norms]

    paper = [words(t.article) for t in texts]
    pa = {g: [words(a) for a in split.pa[g]] for g in by_group}
    rows = []
    for i, t in enumerate(texts):
        row = []
        for n in ORDERS:
            mine = grams(paper[i], n)
            wire = set().union(*(grams(w, n) for w in pa[t.group]))
            others = set().union(set(), *(grams(paper[j], n) for j in by_group[t.group] if j != i))
            size = max(len(mine), 1)
            in_wire = mine & wire
            row += [len(in_wire) / size, len(in_wire - others) / size]
            row += [len((mine & others) - wire) / size, len(in_wire & others) / size]
        rows.append(row)
    return np.array(rows), np.array([t.label for t in texts]), np.array([t.group for t in texts])


def cv_f1(x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 5) -> tuple[float, float]:
    """Binary and 3-way macro-F1 of balanced logistic regression on standardised ``x``, grouped k-fold CV."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from wiretrace.evaluate.meter_data import LABELS
    from wiretrace.evaluate.metrics import macro_f1

    pred_t = np.empty(len(y), dtype=object)
    pred_b = np.empty(len(y), dtype=bool)
    for tr, te in GroupKFold(folds).split(x, y, groups):
        mean, scale = x[tr].mean(0), x[tr].std(0) + 1e-9
        xtr, xte = (x[tr] - mean) / scale, (x[te] - mean) / scale
        pred_t[te] = LogisticRegression(class_weight="balanced", max_iter=2000).fit(xtr, y[tr]).predict(xte)
        yb = y[tr] != "non-derived"
        pred_b[te] = LogisticRegression(class_weight="balanced", max_iter=2000).fit(xtr, yb).predict(xte)
    binary = macro_f1(list(y != "non-derived"), list(pred_b), [True, False])
    return binary, macro_f1(list(y), list(pred_t), list(LABELS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meter", type=Path, default=DATA / "meter", help="a METER split folder")
    args = parser.parse_args(argv)
    x, y, groups = story_rows(args.meter)
    containment = [4 * k for k in range(len(ORDERS))]
    story = [c for c in range(x.shape[1]) if c not in containment]
    designs = {
        "unigram containment (eval meter's baseline)": [0],
        "  + the story's shares at 1-grams": [0, 1, 2, 3],
        "containment at 1-3-grams": containment,
        "  + the story's shares at 1-3-grams": containment + story,
    }
    print(f"{len(y)} papers, {len(set(groups))} story groups; grouped 5-fold CV macro-F1")
    print(f"{'features':48s} {'binary':>7s} {'3-way':>7s}")
    for name, cols in designs.items():
        binary, ternary = cv_f1(x[:, cols], y, groups)
        print(f"{name:48s} {binary:7.4f} {ternary:7.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
