"""Fit the paraphrase scorer on MSRP's training pairs; write data/paraphrase.json.

    python tools/fit_paraphrase.py --msrp ../shared/data/msrp/msr_paraphrase_train.txt
        [--out src/wiretrace/data/paraphrase.json] [--model bundled]

A logistic model (L2 penalty 1, standardised features) on
``wiretrace.evaluate.paraphrase.PARAPHRASE_FEATURES`` of every pair, computed
with the engine's embedder and lexicon. Prints the stratified 10-fold
cross-validated accuracy first (the same folds ``wiretrace eval msrp`` uses),
so the shipped coefficients come with an honest estimate, then fits on every
pair. The cosine feature depends on the embedder: the scorer records which one
it was fitted with, and ``eval msrp`` uses it only with that embedder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from wiretrace.adapters.files import write_text_atomic
from wiretrace.evaluate.msrp import FOLDS, L2, SEED, cv_folds, figures, load_msrp, score_pairs, sha256_file
from wiretrace.evaluate.paraphrase import PARAPHRASE_FEATURES, fit_logistic
from wiretrace.pipeline import Engine
from wiretrace.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--msrp", required=True, type=Path, help="MSRP training TSV (msr_paraphrase_train.txt)")
    parser.add_argument("--out", type=Path, default=Path("src/wiretrace/data/paraphrase.json"))
    parser.add_argument("--model", default="bundled", help="embedding model (default: bundled)")
    args = parser.parse_args(argv)
    pairs = load_msrp(args.msrp)
    gold = np.array([p.is_paraphrase for p in pairs])
    engine = Engine(Settings(model=args.model))
    scores = score_pairs(engine, pairs, lambda msg: print(f"... {msg}", file=sys.stderr))
    folds = cv_folds(gold)
    pred = np.zeros(len(gold), dtype=bool)
    for k in np.unique(folds):
        test = folds == k
        pred[test] = fit_logistic(scores.features[~test], gold[~test], l2=L2).probability(scores.features[test]) >= 0.5
    cv = {**figures(gold, pred), "folds": FOLDS, "seed": SEED}
    print(f"paraphrase scorer CV ({FOLDS}-fold, stratified): {cv}", file=sys.stderr)
    model = fit_logistic(scores.features, gold, l2=L2)
    train = model.probability(scores.features) >= 0.5
    print(f"in-sample accuracy {figures(gold, train)['accuracy']} (not an estimate)", file=sys.stderr)
    digest = sha256_file(args.msrp)
    out = {
        "fitted_on": f"MSRP {args.msrp.name} ({len(pairs)} pairs, sha256 {digest[:16]})",
        "created_by": "tools/fit_paraphrase.py",
        "data_sha256": digest,
        "embedding_model": engine.embedder.name,
        "l2": L2,
        "cv": cv,
        "features": list(PARAPHRASE_FEATURES),
        "mean": [round(v, 6) for v in model.mean],
        "scale": [round(v, 6) for v in model.scale],
        "intercept": round(model.intercept, 6),
        "coef": [round(v, 6) for v in model.coef],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out, json.dumps(out, indent=1) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
