"""``wiretrace eval meter``: classify, retrieve and align on a METER split.

Task definitions follow ``shared/data/README.md`` so figures on the dev split
and on a held-out split compare:

1. **classify**: each labelled newspaper text against all PA texts of its group
   (read as one source): derived or not (binary macro-F1) and wholly /
   partially / non-derived (ternary macro-F1).
2. **retrieve**: each derived newspaper text ranks every PA text of the split;
   a hit is a PA text of its own group (recall@1, recall@5, MRR). Ranked by
   TF-IDF cosine of the engine's content stems (every stem of both texts);
   ``retrieve.index`` ranks as corpus mode's index does, by the keys
   ``sources`` searches (an article's 32 most distinctive terms and its
   MinHash bands, BM25 IDF), which is what a user's query goes through.
3. **align**: each token of the token-annotated newspaper texts is derived
   (``Verbatim`` or ``Rewrite``) or ``New``; predicted derived when its
   sentence is linked to a PA sentence of the group (token-level F1 of the
   derived class).

A simple baseline is measured in the same run so the margin is visible:
unigram containment of the newspaper text in its group's PA texts with a
logistic regression (grouped 5-fold cross-validation), and "every token
derived" for align. Retrieval has no separate baseline: its TF-IDF ranking is
the strong simple one (the issue's BM25 figure, 0.996), beside the index's. Every F1 comes
with a 95% interval from resampling story groups (texts of one group share
their wire copy, so they are not independent), and ``margin`` gives each
difference over the baseline with its interval from the same resamples: the
split's 601 texts cannot tell apart two systems within about 0.05 macro-F1.
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
from wiretrace.evaluate.metrics import GroupBootstrap, binary_f1, macro_f1
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
        "_pred": pred,
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
    folds = min(folds, len({t.group for t in texts}))
    if folds < 2 or len({t.label for t in texts}) < 2:
        return {"skipped": "cross-validation needs two story groups and two labels at least"}
    x = np.array([[_containment(prep.docs[t.article.id], prep.docs[("group", t.group)])] for t in texts])
    y = np.array([t.label for t in texts])
    groups = np.array([t.group for t in texts])
    pred_t = np.empty(len(y), dtype=object)
    pred_b = np.empty(len(y), dtype=bool)
    try:
        for tr, te in GroupKFold(folds).split(x, y, groups):
            pred_t[te] = LogisticRegression(class_weight="balanced").fit(x[tr], y[tr]).predict(x[te])
            yb = y[tr] != "non-derived"
            pred_b[te] = LogisticRegression(class_weight="balanced").fit(x[tr], yb).predict(x[te])
    except ValueError as exc:  # a training fold with one label only (a tiny split)
        return {"skipped": f"cross-validation failed on this split ({exc})"}
    gold_b = list(y != "non-derived")
    return {
        "name": f"unigram containment + logistic regression (grouped {folds}-fold CV)",
        "binary_macro_f1": round(macro_f1(gold_b, list(pred_b), [True, False]), 4),
        "ternary_macro_f1": round(macro_f1(list(y), list(pred_t), list(LABELS)), 4),
        "_pred": [str(p) for p in pred_t],
        "_pred_binary": [bool(p) for p in pred_b],
    }


def _ranks_to_figures(ranks: list[float]) -> dict[str, Any]:
    """Recall at 1 and 5 and MRR of the ranks of each query's first hit (``inf``: its wire copy not ranked)."""
    if not ranks:  # no derived text with wire copy: nothing to find (was NaN, which is no JSON)
        note = "not measured: no derived newspaper text with wire copy in this split"
        return {"recall_at_1": None, "recall_at_5": None, "mrr": None, "note": note}
    r = np.array(ranks, dtype=np.float64)
    return {
        "recall_at_1": round(float((r <= 1).mean()), 4),
        "recall_at_5": round(float((r <= 5).mean()), 4),
        "mrr": round(float((1.0 / r).mean()), 4),
    }


def _retrieve_index(engine: Engine, prep: _Prepared) -> dict[str, Any]:
    """Rank every PA text for each derived newspaper text as corpus mode's index does (its keys, BM25 IDF)."""
    from wiretrace.core.fingerprint import fingerprint, rank_candidates
    from wiretrace.corpus import fingerprint_settings

    fp = fingerprint_settings(engine.settings)
    pa = [(group, a) for group, arts in prep.split.pa.items() for a in arts if prep.docs[a.id].sentences]
    postings: dict[str, list[int]] = {}
    for k, (_, a) in enumerate(pa):
        for key in set(fingerprint(prep.docs[a.id].features, fp)):
            postings.setdefault(key, []).append(k)
    ranks: list[float] = []
    for text in prep.split.newspapers:
        if text.label == "non-derived" or not prep.split.pa.get(text.group):
            continue
        keys = sorted(set(fingerprint(prep.docs[text.article.id].features, fp)))
        ranked = rank_candidates(keys, postings, len(pa), limit=len(pa))
        # a PA text sharing no key is not ranked at all: never a hit (len(pa) + 1 was one within 5 of few texts)
        ranks.append(next((r for r, (k, _) in enumerate(ranked, 1) if pa[k][0] == text.group), math.inf))
    return _ranks_to_figures(ranks)


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
    ranks: list[float] = []
    for text in prep.split.newspapers:
        if text.label == "non-derived" or not prep.split.pa.get(text.group):
            continue
        q = vec(Counter(s for f in prep.docs[text.article.id].features for s in f.content))
        scores = np.zeros(n)
        for s, w in q.items():
            for k, wk in index.get(s, ()):
                scores[k] += w * wk
        own = [k for k, (group, _) in enumerate(pa) if group == text.group]
        if not own or scores[own].max() <= 0:  # no stem shared with its wire copy (or that has no text): not ranked
            ranks.append(math.inf)  # was: a hit whenever the tie order of zero scores put its group first
            continue
        order = np.argsort(-scores, kind="stable")
        ranks.append(next(r for r, k in enumerate(order, 1) if pa[k][0] == text.group))
    return {**_ranks_to_figures(ranks), "queries": len(ranks), "candidates": n}


def _align(engine: Engine, prep: _Prepared) -> dict[str, Any]:
    gold: list[bool] = []
    pred: list[bool] = []
    groups: list[str] = []
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
                    groups.append(ann.group)
    if not gold:
        note = "not measured: no annotated SGML (Verbatim/Rewrite/New tags matching its raw text) in this split"
        return {"token_f1": None, "tokens": 0, "texts": 0, "note": note, "baseline_all_derived_f1": None}
    return {
        "token_f1": round(binary_f1(gold, pred), 4),
        "tokens": len(gold),
        "texts": len(prep.split.annotated),
        "baseline_all_derived_f1": round(binary_f1(gold, [True] * len(gold)), 4),
        "_tokens": (groups, gold, pred),
    }


def _intervals(split: MeterSplit, classify: dict, baseline: dict, align: dict) -> dict[str, Any]:
    """Add 95% intervals to the figures (resampling story groups) and measure the margins over the baselines.

    Pops the predictions the tasks left under ``_`` keys. Returns each margin
    (wiretrace minus baseline, on the same resamples) with its interval: a
    margin whose interval holds 0 is not shown by this split.
    """
    gold = [t.label for t in split.newspapers]
    gold_b = [g != "non-derived" for g in gold]
    texts = GroupBootstrap([t.group for t in split.newspapers])
    pred = classify.pop("_pred")
    ours = {
        "binary_macro_f1": texts.f1(gold_b, [p != "non-derived" for p in pred], [True, False]),
        "ternary_macro_f1": texts.f1(gold, pred, list(LABELS)),
    }
    for name, values in ours.items():
        classify[f"{name}_ci95"] = texts.interval(values)
    margin: dict[str, Any] = {}
    if "_pred" in baseline:
        theirs = {
            "binary_macro_f1": texts.f1(gold_b, baseline.pop("_pred_binary"), [True, False]),
            "ternary_macro_f1": texts.f1(gold, baseline.pop("_pred"), list(LABELS)),
        }
        for name, values in theirs.items():
            baseline[f"{name}_ci95"] = texts.interval(values)
            margin[name] = {
                "delta": round(classify[name] - baseline[name], 4),
                "ci95": texts.interval(ours[name] - values),
            }
    if "_tokens" not in align:
        return margin
    groups, tokens_gold, tokens_pred = align.pop("_tokens")
    tokens = GroupBootstrap(groups)
    token_f1 = tokens.f1(tokens_gold, tokens_pred, [True, False], [True])
    every = tokens.f1(tokens_gold, [True] * len(tokens_gold), [True, False], [True])
    align["token_f1_ci95"] = tokens.interval(token_f1)
    margin["align_token_f1"] = {
        "delta": round(align["token_f1"] - baseline["align_all_derived_token_f1"], 4),
        "ci95": tokens.interval(token_f1 - every),
    }
    return margin


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
        ``{"classify": ..., "retrieve": ..., "align": ..., "baseline": ..., "margin": ..., "counts": ...}``;
        each F1 has a ``*_ci95`` interval beside it, each margin a ``delta`` and its ``ci95``.
    """
    started = time.perf_counter()
    split = load_meter(root)
    prep = _prepare(engine, split, progress)
    progress("classify")
    classify = _classify(engine, prep)
    progress("retrieve")
    retrieve = _retrieve(prep)
    retrieve["index"] = _retrieve_index(engine, prep)
    progress("align")
    align = _align(engine, prep)
    progress("baseline")
    baseline = _classify_baseline(prep)
    baseline["align_all_derived_token_f1"] = align.pop("baseline_all_derived_f1")
    progress("intervals")
    margin = _intervals(split, classify, baseline, align)
    return {
        "data": str(root),
        "model": engine.embedder.name,
        "classify": classify,
        "retrieve": retrieve,
        "align": align,
        "baseline": baseline,
        "margin": margin,
        "counts": {
            "groups": len(split.pa),
            "pa_texts": sum(len(v) for v in split.pa.values()),
            "newspaper_texts": len(split.newspapers),
            "annotated_texts": len(split.annotated),
            # labelled papers whose story has no wire copy: classified against nothing, not retrieved
            "groups_without_pa": len({t.group for t in split.newspapers if not split.pa.get(t.group)}),
            "annotated_unmatched": split.annotated_unmatched,
        },
        "wall_s": round(time.perf_counter() - started, 1),
    }
