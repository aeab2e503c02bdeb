"""Candidate search against its key cap: time per search and the planted rewrites it still finds.

A key held by more than :func:`~wiretrace.core.fingerprint.max_df` articles is
left out of the search. This script runs ``Corpus.candidates_of`` over a sample
of planted pairs of a ``bench/corpus_gen.py`` corpus, once per cap in
``--caps``, on one store, and prints for each cap: ms a search, candidates an
article, the share of articles whose candidate set equals the first cap's
(the baseline, in the same run), and candidate recall of the planted pairs
(a pair is found when either article lists the other, as a scan decides it).
A METER pair here is any PA text of a story with any derived paper of it,
the copies the paper drew on or not: ``scale.py`` counts a paper found when
any PA text of its story is, and reads far higher on the same store. Every
search is made once, untimed, before the caps are timed, so the first cap
does not pay for the store's cold pages.

The store: ``wiretrace ingest CORPUS --db STORE`` of the corpus the truth file
belongs to (``CORPUS.truth.json``).

    python bench/corpus_gen.py --n 100000 --out c100k.jsonl
    wiretrace ingest c100k.jsonl --db c100k.db
    python bench/candidates.py --db c100k.db --truth c100k.jsonl.truth.json --caps 1200,700,500,300
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any


def measure(
    db: str, truth_path: str, caps: list[int], n_generated: int, n_meter: int, seed: int
) -> tuple[list[dict[str, Any]], int]:
    """One row per cap (ms a search, candidates an article, same set as the first cap, recall by kind); articles."""
    import wiretrace.corpus as corpus_module
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.pipeline import Engine

    engine = Engine()
    store = SQLiteStore(db, store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    n = store.count()
    with open(truth_path, encoding="utf-8") as fh:
        truth = json.load(fh)
    rng = random.Random(seed)
    by_kind = {k: [p for p in truth["pairs"] if p["kind"] == k] for k in ("generated", "meter")}
    sample = rng.sample(by_kind["generated"], min(n_generated, len(by_kind["generated"])))
    sample += rng.sample(by_kind["meter"], min(n_meter, len(by_kind["meter"])))
    rowid: dict[str, int | None] = {}
    for pair in sample:
        for name in (pair["source"], pair["rewrite"]):
            if name not in rowid:
                item = store.get(name)
                rowid[name] = item.rowid if item else None
    sample = [p for p in sample if rowid[p["source"]] and rowid[p["rewrite"]]]
    rows: list[dict[str, Any]] = []
    first: dict[int, set[int]] = {}
    uncapped = corpus_module.max_df
    for r in {r for name, r in rowid.items() if r is not None}:  # warm the store's pages, untimed
        corpus.candidates_of(r, n)
    try:
        for cap in caps:
            # The cap under test replaces the library's for this run only.
            corpus_module.max_df = lambda n_articles, cap=cap: min(200 + n_articles // 100, cap)
            found = dict.fromkeys(by_kind, 0)
            total = dict.fromkeys(by_kind, 0)
            cands: dict[int, set[int]] = {}
            started = time.perf_counter()
            for pair in sample:
                a, b = rowid[pair["source"]], rowid[pair["rewrite"]]
                assert a is not None and b is not None
                for r in (a, b):
                    if r not in cands:
                        cands[r] = {c for c, _ in corpus.candidates_of(r, n)}
                total[pair["kind"]] += 1
                found[pair["kind"]] += b in cands[a] or a in cands[b]
            ms = 1000 * (time.perf_counter() - started) / len(cands)
            first = first or cands
            rows.append(
                {
                    "cap": cap,
                    "max_df": min(200 + n // 100, cap),
                    "ms_per_search": round(ms, 2),
                    "candidates_per_article": round(sum(len(c) for c in cands.values()) / len(cands), 2),
                    "same_set_as_first": round(sum(cands[r] == first[r] for r in cands) / len(cands), 3),
                    "recall": {k: round(found[k] / total[k], 4) for k in by_kind if total[k]},
                    "pairs": total,
                }
            )
    finally:
        corpus_module.max_df = uncapped
        store.close()
    return rows, n


def table(rows: list[dict[str, Any]], articles: int) -> str:
    """The rows as a text table, each time as a ratio to the first row's (the baseline)."""
    base = rows[0]["ms_per_search"]
    lines = [
        f"candidate search on {articles:,} articles; baseline: the first cap",
        f"{'cap':>6} {'max_df':>7} {'ms/search':>10} {'ratio':>7} {'cands/article':>14} {'same set':>9} "
        f"{'recall generated':>17} {'recall METER PA x paper':>24}",
    ]
    for r in rows:
        lines.append(
            f"{r['cap']:>6} {r['max_df']:>7} {r['ms_per_search']:>10.2f} {r['ms_per_search'] / base:>6.2f}x "
            f"{r['candidates_per_article']:>14.2f} {r['same_set_as_first']:>9.3f} "
            f"{r['recall'].get('generated', float('nan')):>17.4f} {r['recall'].get('meter', float('nan')):>24.4f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a store of a bench/corpus_gen.py corpus")
    parser.add_argument("--truth", required=True, help="the corpus's truth file (CORPUS.truth.json)")
    parser.add_argument("--caps", default="1200,700,500,300", help="caps to try; the first is the baseline")
    parser.add_argument("--generated", type=int, default=600, help="generated planted pairs sampled")
    parser.add_argument("--meter", type=int, default=400, help="METER pairs sampled")
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args(argv)
    caps = [int(c) for c in args.caps.split(",")]
    rows, articles = measure(args.db, args.truth, caps, args.generated, args.meter, args.seed)
    print(table(rows, articles))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
