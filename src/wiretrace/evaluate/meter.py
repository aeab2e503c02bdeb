"""``wiretrace eval meter``: classify, retrieve and align on a METER split.

Task definitions follow ``shared/data/README.md`` so figures on the dev split
and on a held-out split compare:

1. **classify**: each labelled newspaper text against all PA texts of its group
   (read as one source): derived or not (binary macro-F1) and wholly /
   partially / non-derived (ternary macro-F1).
2. **retrieve**: each derived newspaper text ranks every PA text of the split;
   a hit is a PA text of its own group (recall@1, recall@5, MRR).
3. **align**: each token of the token-annotated newspaper texts is derived
   (``Verbatim`` or ``Rewrite``) or ``New``; predicted derived when its
   sentence is linked to a PA sentence of the group (token-level F1 of the
   derived class).

A simple baseline is measured in the same run so the margin is visible:
unigram containment of the newspaper text in its group's PA texts with a
logistic regression (grouped 5-fold cross-validation), BM25-style TF-IDF
cosine for retrieval, and "every token derived" for align.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from wiretrace.core.normalize import tokenize
from wiretrace.core.represent import Document
from wiretrace.evaluate.meter_data import LABELS, MeterSplit, load_meter
from wiretrace.evaluate.metrics import binary_f1, macro_f1
from wiretrace.pipeline import Engine, merge_documents
from wiretrace.types import Article

__all__ = ["evaluate_meter"]

_TERNARY = {"wholly": "wholly-derived", "partially": "partially-derived"}


@dataclass
class _Prepared:
    split: MeterSplit
    docs: dict[Any, Document]


def _prepare(engine: Engine, split: MeterSplit, progress: Callable[[str], None]) -> _Prepared:
    articles = [t.article for t in split.newspapers] + [a for arts in split.pa.values() for a in arts]
    progress(f"preparing {len(articles)} texts")
    docs: dict[Any, Document] = dict(zip([a.id for a in articles], engine.prepare_many(articles), strict=True))
    for group, arts in split.pa.items():
        docs[("group", group)] = merge_documents([docs[a.id] for a in arts], Article("", id=group))
    return _Prepared(split, docs)


def _classify(engine: Engine, prep: _Prepared) -> dict[str, Any]:
    from wiretrace.core.decide import classify, evidence

    gold, pred = [], []
    for text in prep.split.newspapers:
        derived = prep.docs[text.article.id]
        source = prep.docs[("group", text.group)]
        gold.append(text.label)
        if not derived.sentences or not source.sentences:
            pred.append("non-derived")
            continue
        e = evidence(derived, source, engine.align(derived, source))
        relation, _, extent, _ = classify(e, engine.fitted.relation, engine.fitted.extent, engine.fitted.retelling)
        pred.append(_TERNARY.get(extent or "", "non-derived") if relation == "rewrite" else "non-derived")
    gold_b = [g != "non-derived" for g in gold]
    pred_b = [p != "non-derived" for p in pred]
    return {
        "binary_macro_f1": round(macro_f1(gold_b, pred_b, [True, False]), 4),
        "ternary_macro_f1": round(macro_f1(gold, pred, list(LABELS)), 4),
        "texts": len(gold),
        "confusion": {g: dict(Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g)) for g in LABELS},
    }


def _containment(doc: Document, source: Document) -> float:
    words = {w for f in doc.features for w in f.norms}
    src = {w for f in source.features for w in f.norms}
    return len(words & src) / len(words) if words else 0.0


def _classify_baseline(prep: _Prepared, folds: int = 5) -> dict[str, Any]:
    """Unigram containment + logistic regression, grouped k-fold CV (needs scikit-learn)."""
    try:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
    except ImportError:
        return {"skipped": "scikit-learn not installed (pip install 'wiretrace[fit]')"}
    texts = prep.split.newspapers
    x = np.array([[_containment(prep.docs[t.article.id], prep.docs[("group", t.group)])] for t in texts])
    y = np.array([t.label for t in texts])
    groups = np.array([t.group for t in texts])
    pred_t = np.empty(len(y), dtype=object)
    pred_b = np.empty(len(y), dtype=bool)
    for tr, te in GroupKFold(folds).split(x, y, groups):
        pred_t[te] = LogisticRegression(class_weight="balanced").fit(x[tr], y[tr]).predict(x[te])
        yb = y[tr] != "non-derived"
        pred_b[te] = LogisticRegression(class_weight="balanced").fit(x[tr], yb).predict(x[te])
    gold_b = list(y != "non-derived")
    return {
        "name": "unigram containment + logistic regression (grouped 5-fold CV)",
        "binary_macro_f1": round(macro_f1(gold_b, list(pred_b), [True, False]), 4),
        "ternary_macro_f1": round(macro_f1(list(y), list(pred_t), list(LABELS)), 4),
    }


def _retrieve(prep: _Prepared) -> dict[str, Any]:
    """Rank every PA text for each derived newspaper text by TF-IDF cosine of content stems."""
    pa = [(group, a) for group, arts in prep.split.pa.items() for a in arts if prep.docs[a.id].sentences]
    stems = [Counter(s for f in prep.docs[a.id].features for s in f.content) for _, a in pa]
    df: Counter[str] = Counter()
    for c in stems:
        df.update(c.keys())
    n = len(pa)
    idf = {s: math.log((n + 1) / (d + 0.5)) for s, d in df.items()}

    def vec(c: Counter[str]) -> dict[str, float]:
        v = {s: (1 + math.log(k)) * idf.get(s, math.log(n + 1)) for s, k in c.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        return {s: w / norm for s, w in v.items()}

    pa_vecs = [vec(c) for c in stems]
    index: dict[str, list[tuple[int, float]]] = {}
    for k, v in enumerate(pa_vecs):
        for s, w in v.items():
            index.setdefault(s, []).append((k, w))
    ranks = []
    for text in prep.split.newspapers:
        if text.label == "non-derived" or not prep.split.pa.get(text.group):
            continue
        q = vec(Counter(s for f in prep.docs[text.article.id].features for s in f.content))
        scores = np.zeros(n)
        for s, w in q.items():
            for k, wk in index.get(s, ()):
                scores[k] += w * wk
        order = np.argsort(-scores, kind="stable")
        hit = next((r for r, k in enumerate(order, 1) if pa[k][0] == text.group), n + 1)
        ranks.append(hit)
    r = np.array(ranks)
    return {
        "recall_at_1": round(float((r <= 1).mean()), 4),
        "recall_at_5": round(float((r <= 5).mean()), 4),
        "mrr": round(float((1.0 / r).mean()), 4),
        "queries": len(ranks),
        "candidates": n,
    }


def _align(engine: Engine, prep: _Prepared) -> dict[str, Any]:
    gold: list[bool] = []
    pred: list[bool] = []
    for ann in prep.split.annotated:
        derived = prep.docs[ann.article.id]
        source = prep.docs[("group", ann.group)]
        linked = engine.align(derived, source).linked if source.sentences else set()
        for i, sentence in enumerate(derived.sentences):
            for tok in tokenize(sentence.text, str.lower, offset=sentence.start):
                label = _token_label(ann.spans, tok.start, tok.end)
                if label is not None:
                    gold.append(label)
                    pred.append(i in linked)
    return {
        "token_f1": round(binary_f1(gold, pred), 4),
        "tokens": len(gold),
        "texts": len(prep.split.annotated),
        "baseline_all_derived_f1": round(binary_f1(gold, [True] * len(gold)), 4),
    }


def _token_label(spans: Sequence[tuple[int, int, bool]], start: int, end: int) -> bool | None:
    derived = total = 0
    for a, b, is_derived in spans:
        if b <= start:
            continue
        if a >= end:
            break
        overlap = min(b, end) - max(a, start)
        total += overlap
        derived += overlap * is_derived
    return None if total == 0 else derived * 2 >= total


def evaluate_meter(
    root: str,
    engine: Engine,
    progress: Callable[[str], None] = lambda _msg: None,
) -> dict[str, Any]:
    """All METER figures for the split in folder ``root``.

    Args:
        root: A folder with ``labels.jsonl``, ``PA/`` and ``newspapers/``.
        engine: The engine to measure.
        progress: Called with a short message at each step.

    Returns:
        ``{"classify": ..., "retrieve": ..., "align": ..., "baseline": ..., "counts": ...}``.
    """
    started = time.perf_counter()
    split = load_meter(root)
    prep = _prepare(engine, split, progress)
    progress("classify")
    classify = _classify(engine, prep)
    progress("retrieve")
    retrieve = _retrieve(prep)
    progress("align")
    align = _align(engine, prep)
    progress("baseline")
    baseline = _classify_baseline(prep)
    baseline["align_all_derived_token_f1"] = align.pop("baseline_all_derived_f1")
    return {
        "data": str(root),
        "model": engine.embedder.name,
        "classify": classify,
        "retrieve": retrieve,
        "align": align,
        "baseline": baseline,
        "counts": {
            "groups": len(split.pa),
            "pa_texts": sum(len(v) for v in split.pa.values()),
            "newspaper_texts": len(split.newspapers),
            "annotated_texts": len(split.annotated),
        },
        "wall_s": round(time.perf_counter() - started, 1),
    }
