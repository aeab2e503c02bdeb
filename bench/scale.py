"""Corpus mode at scale: ingest, scan and query 10k and 100k articles, against baselines run alongside.

For each size, ``bench/corpus_gen.py`` writes a corpus to ``--tmp`` (the METER
split, the BBC set and generated background with planted rewrites; see its
docstring), and a fresh process of this script (so memory figures are its
own) does what a user would do with it, on an SQLite store in ``--tmp``:

* **ingest** the JSONL with ``Corpus.ingest(workers=W)``: articles/s;
* **scan** with ``Corpus.scan(workers=W)``: seconds and pairs compared. With
  ``--scan-budget-s`` the scan stops after that long (its batches are
  committed as it goes) and the full scan time is extrapolated linearly from
  the share of articles scanned; the figure is then marked ``~``;
* **query**: ``Corpus.sources(id)`` for ``--queries`` stored articles drawn
  at random (a fresh ``Corpus``, so no document cache), p50/p95 ms; and
  ``Corpus.candidates_of`` alone (the index lookup), p50/p95 ms;
* **memory and disk**: peak RSS (``VmHWM``) of the process holding the store,
  over ingest and scan and over the whole run (queries included), and of the
  largest of its worker processes (their ``VmHWM``, read after each batch: a
  worker's ``ru_maxrss`` would start from the store process's peak); RAM per indexed
  article as (peak RSS over ingest and scan - RSS with the engine loaded) /
  articles, and between two sizes the marginal RAM per added article; the
  store's bytes per article (file + WAL) and the index's own (``keys`` table
  and its index, from SQLite's ``dbstat``);
* **recall of planted pairs**: a generated pair is found when the scan
  stored it as a rewrite (either direction; direction right is counted apart);
  a derived METER newspaper text is found when it has a rewrite edge to a PA
  text of its group. With a partial scan only pairs with a scanned member count.
  Beside it, the recall of the index's candidates (the pair is among
  ``candidates_of`` either member);
* **METER sources recall@1** (first size only): for every derived METER
  newspaper text (461 in the dev split), with everything above in the store,
  whether the first of ``Corpus.sources(id)`` is a PA text of its own group;
  also whether the index's best-ranked PA candidate is.

Baselines, in the same run:

* **all pairs**: the engine over every pair of a random slice of ``--slice``
  stored articles (one process: each prepared once, then every pair
  compared), extrapolated to ``N`` preparations and ``N(N-1)/2`` comparisons
  shared by ``W`` workers, next to wiretrace's ingest + scan;
* **MinHash only**: the recall of planted pairs when only the MinHash LSH band
  channel proposes candidates (the two articles share at least one band key).

Growth is cost(larger size) / cost(smaller size) for consecutive sizes.

Usage::

    python bench/scale.py --sizes 10000,100000 --workers 2 --out /tmp/scale.json
    python bench/scale.py --quick          # a 300-article smoke run, seconds
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
GOALS = {"total_s_100k": 600, "query_p50_ms": 50, "ram_bytes_per_article": 2048, "growth_10x": 11, "recall": 0.95}
QUICK_SIZE = 300


class _Budget(Exception):
    """Raised from the scan's progress callback when ``--scan-budget-s`` is spent."""


def _proc_kib(field: str) -> int:
    """A ``/proc/self/status`` figure in KiB (Linux); 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _workers_hwm_kib() -> int:
    """The largest ``VmHWM`` among this process's live worker processes: each one's own peak. A worker's
    ``ru_maxrss`` (and so ``RUSAGE_CHILDREN``) starts from its parent's peak at the fork."""
    import multiprocessing

    best = 0
    for child in multiprocessing.active_children():
        try:
            lines = Path(f"/proc/{child.pid}/status").read_text().splitlines()
        except OSError:
            continue
        best = max([best, *(int(line.split()[1]) for line in lines if line.startswith("VmHWM:"))])
    return best


def _percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return 0.0
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _disk(db: Path) -> dict[str, int]:
    files = sum(p.stat().st_size for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())
    con = sqlite3.connect(db)
    try:
        sizes = dict(con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    except sqlite3.DatabaseError:  # an SQLite built without dbstat
        sizes = {}
    con.close()
    return {"file_bytes": files, "index_bytes": int(sizes.get("keys", 0) + sizes.get("keys_by_article", 0))}


# ---------------------------------------------------------------- one size, in its own process


def run_size(jsonl: Path, truth_path: Path, db: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Ingest, scan, query and score one corpus; the figures as a dict."""
    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.pipeline import Engine
    from wiretrace.settings import Settings
    from wiretrace.types import Article

    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    workers = args.workers
    settings = Settings(workers=workers)
    engine = Engine(settings)
    engine.prepare(Article("The model loads before memory is measured."))  # the embedder loads lazily
    rss_loaded_kib = _proc_kib("VmRSS")
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    store = SQLiteStore(db, store_fingerprint(settings))
    corpus = Corpus(store, engine)
    out: dict[str, Any] = {"n_planned": truth["n"], "counts": truth["counts"], "workers": workers}

    def say(msg: str) -> None:
        print(f"[{truth['n']}] {msg}", file=sys.stderr, flush=True)

    say("ingest")
    worker_kib = 0  # polled after each batch: a worker's peak up to then

    def poll(_k: int) -> None:
        nonlocal worker_kib
        worker_kib = max(worker_kib, _workers_hwm_kib())

    ingest = corpus.ingest(iter_articles([jsonl]), progress=poll, workers=workers)
    n = store.count()
    out["ingest"] = {
        "articles": n,
        "duplicates": ingest.duplicates,
        "rejected": len(ingest.rejected),
        "wall_s": round(ingest.wall_s, 1),
        "articles_per_s": round(ingest.added / ingest.wall_s, 1) if ingest.wall_s else 0.0,
    }
    say(f"ingested {n} in {ingest.wall_s:.0f} s; scan")
    started = time.perf_counter()
    scanned = 0
    last_said = started

    def progress(k: int) -> None:
        nonlocal scanned, last_said
        poll(k)
        scanned += k
        now = time.perf_counter()
        if now - last_said > 60:
            say(f"scanned {scanned}/{n} in {now - started:.0f} s")
            last_said = now
        if args.scan_budget_s and now - started > args.scan_budget_s and scanned < n:
            raise _Budget

    compared: int | None = None
    try:
        report = corpus.scan(progress=progress, workers=workers)
        compared = report.compared
        complete = True
    except _Budget:
        complete = False
    scan_s = time.perf_counter() - started
    # Memory of ingest and scan, before queries fill a document cache (bounded, the same at every size) and
    # before the related pairs are counted below (store.pairs() loads every pair with its evidence).
    rss_scan_kib, hwm_scan_kib = _proc_kib("VmRSS"), _proc_kib("VmHWM")
    out["scan"] = {
        "complete": complete,
        "scanned": scanned,
        "wall_s": round(scan_s, 1),
        "full_s": round(scan_s * n / scanned, 1) if scanned else None,
        "pairs_compared": compared,
        "related_pairs": len(store.pairs()),
    }
    say(f"scanned {scanned}/{n} in {scan_s:.0f} s; queries")

    rowid_of = {s.article.id: s.rowid for s in store.get_many(store.iter_rowids())}
    rng = random.Random(args.seed)
    sample = rng.sample(sorted(rowid_of), min(args.queries, len(rowid_of)))
    fresh = Corpus(store, engine)
    out["query"] = time_queries(fresh, rowid_of, sample)

    say("recall")
    out["recall"] = _recall(store, corpus, truth, rowid_of, scanned_all=complete)
    if args.meter_sources and truth["meter_derived"]:
        say(f"METER sources for {len(truth['meter_derived'])} derived texts")
        out["meter_sources"] = meter_sources(fresh, truth, rowid_of)

    say("baseline: all pairs of a slice")
    out["all_pairs_baseline"] = _all_pairs(engine, store, rowid_of, args.slice, rng, n, workers)
    disk = _disk(db)
    peak_kib = _proc_kib("VmHWM")
    out["memory"] = {
        "loaded_mib": round(rss_loaded_kib / 1024, 1),
        "peak_mib": round(peak_kib / 1024, 1),
        "scan_peak_mib": round(hwm_scan_kib / 1024, 1),
        "after_scan_mib": round(rss_scan_kib / 1024, 1),
        "worker_peak_mib": round(worker_kib / 1024, 1),
        "ram_bytes_per_article": round(1024 * (hwm_scan_kib - rss_loaded_kib) / n),
        "disk_bytes_per_article": round(disk["file_bytes"] / n),
        "index_bytes_per_article": round(disk["index_bytes"] / n),
    }
    store.close()
    return out


def _recall(
    store: Any, corpus: Any, truth: dict[str, Any], rowid_of: dict[str, int], scanned_all: bool
) -> dict[str, Any]:
    """Planted pairs found by the scan, by the index's candidates and by MinHash bands alone."""
    rewrites = {}
    for p in store.pairs():
        if p.relation == "rewrite":
            rewrites[(p.a, p.b)] = p.source
    scanned = set(store.iter_rowids()) - set(store.unscanned())
    cands: dict[int, set[int]] = {}
    bands: dict[int, set[str]] = {}

    def candidates(r: int) -> set[int]:
        if r not in cands:
            cands[r] = {c for c, _ in corpus.candidates_of(r)}
        return cands[r]

    def band_keys(r: int) -> set[str]:
        if r not in bands:
            bands[r] = {k for k in store.keys_of(r) if k.startswith("b:")}
        return bands[r]

    # A METER text counts once, found when any PA text of its group is found.
    units: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for p in truth["pairs"]:
        s, d = rowid_of.get(p["source"]), rowid_of.get(p["rewrite"])
        if s is None or d is None:  # a duplicate text, stored under another id
            continue
        unit = (p["kind"], p["rewrite"] if p["kind"] == "meter" else f"{p['source']}>{p['rewrite']}")
        units.setdefault(unit, []).append((s, d))
    out: dict[str, Any] = {}
    for kind in ("generated", "meter"):
        tally = {"pairs": 0, "scan": 0, "direction_right": 0, "candidates": 0, "minhash_only": 0}
        for (k, _), members in units.items():
            if k != kind:
                continue
            if not scanned_all and not any(s in scanned or d in scanned for s, d in members):
                continue
            tally["pairs"] += 1
            found = [(s, d) for s, d in members if (min(s, d), max(s, d)) in rewrites]
            tally["scan"] += bool(found)
            tally["direction_right"] += any(rewrites[(min(s, d), max(s, d))] == s for s, d in found)
            tally["candidates"] += any(d in candidates(s) or s in candidates(d) for s, d in members)
            tally["minhash_only"] += any(band_keys(s) & band_keys(d) for s, d in members)
        total = tally["pairs"] or 1
        out[kind] = {
            **tally,
            "scan_recall": round(tally["scan"] / total, 4),
            "direction_accuracy": round(tally["direction_right"] / (tally["scan"] or 1), 4),
            "candidate_recall": round(tally["candidates"] / total, 4),
            "minhash_only_recall": round(tally["minhash_only"] / total, 4),
        }
    both = [out[k] for k in ("generated", "meter") if out[k]["pairs"]]
    pairs = sum(o["pairs"] for o in both) or 1
    out["all"] = {
        key: round(sum(o[count] for o in both) / pairs, 4)
        for key, count in (
            ("scan_recall", "scan"),
            ("candidate_recall", "candidates"),
            ("minhash_only_recall", "minhash_only"),
        )
    }
    out["all"]["pairs"] = sum(o["pairs"] for o in both)
    return out


def time_queries(corpus: Any, rowid_of: dict[str, int], sample: Sequence[str]) -> dict[str, Any]:
    """p50/p95 ms of ``candidates_of`` (the index alone) and of ``sources`` for each stored id in ``sample``."""
    index_ms, query_ms = [], []
    for article_id in sample:
        t = time.perf_counter()
        corpus.candidates_of(rowid_of[article_id])
        index_ms.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        corpus.sources(article_id)
        query_ms.append(1000 * (time.perf_counter() - t))
    return {
        "queries": len(sample),
        "sources_p50_ms": round(_percentile(query_ms, 50), 1),
        "sources_p95_ms": round(_percentile(query_ms, 95), 1),
        "candidates_p50_ms": round(_percentile(index_ms, 50), 2),
        "candidates_p95_ms": round(_percentile(index_ms, 95), 2),
    }


def meter_sources(corpus: Any, truth: dict[str, Any], rowid_of: dict[str, int]) -> dict[str, Any]:
    """Recall@1 of an own-group PA text through ``sources`` and through the index's ranking.

    ``first`` says what ``sources`` put first when it was not an own-group PA
    text: nothing, a newspaper text of the group, a PA text of another group,
    or anything else.
    """
    pa_group = {pa: g for g, members in truth["meter_groups"].items() for pa in members}
    name_of = {r: i for i, r in rowid_of.items()}
    hits = index_hits = index_any = 0
    first = {"none": 0, "same-group newspaper": 0, "other-group PA": 0, "other": 0}
    ms = []
    for text in truth["meter_derived"]:
        t = time.perf_counter()
        matches = corpus.sources(text["id"])
        ms.append(1000 * (time.perf_counter() - t))
        top = str(matches[0].article.article.id) if matches else None
        if top is not None and pa_group.get(top) == text["group"]:
            hits += 1
        elif top is None:
            first["none"] += 1
        elif top in pa_group:
            first["other-group PA"] += 1
        elif top.startswith("newspapers/") and top.split("/", 2)[-1].startswith(text["group"] + "/"):
            first["same-group newspaper"] += 1
        else:
            first["other"] += 1
        ranked = [name_of[r] for r, _ in corpus.candidates_of(rowid_of[text["id"]]) if name_of[r] in pa_group]
        index_hits += bool(ranked) and pa_group[ranked[0]] == text["group"]
        index_any += any(pa_group[r] == text["group"] for r in ranked)
    total = len(truth["meter_derived"]) or 1
    return {
        "texts": len(truth["meter_derived"]),
        "sources_recall_at_1": round(hits / total, 4),
        "index_top_pa_recall_at_1": round(index_hits / total, 4),
        "index_candidate_recall": round(index_any / total, 4),
        "sources_p50_ms": round(_percentile(ms, 50), 1),
        "first_when_missed": first,
    }


def _all_pairs(
    engine: Any, store: Any, rowid_of: dict[str, int], size: int, rng: random.Random, n: int, workers: int
) -> dict[str, Any]:
    """The engine over all pairs of a random slice, timed, and extrapolated to ``n`` articles."""
    rowids = rng.sample(sorted(rowid_of.values()), min(size, len(rowid_of)))
    articles = [s.article for s in store.get_many(rowids)]
    t = time.perf_counter()
    docs = engine.prepare_many(articles)
    prepare_s = (time.perf_counter() - t) / len(docs)
    t = time.perf_counter()
    pairs = 0
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            engine.compare_documents(docs[i], docs[j])
            pairs += 1
    pair_s = (time.perf_counter() - t) / max(pairs, 1)
    return {
        "slice": len(docs),
        "pairs_timed": pairs,
        "prepare_ms": round(1000 * prepare_s, 2),
        "pair_ms": round(1000 * pair_s, 2),
        "extrapolated_s": round((n * prepare_s + n * (n - 1) / 2 * pair_s) / max(workers, 1), 1),
    }


# ---------------------------------------------------------------- driver


def _size_worker(argv: list[str]) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *argv],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"size worker {argv} failed with exit status {done.returncode} (its stderr is above)")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _cost(r: dict[str, Any]) -> dict[str, float]:
    scan = r["scan"]["wall_s"] if r["scan"]["complete"] else r["scan"]["full_s"]
    return {
        "ingest_s": r["ingest"]["wall_s"],
        "scan_s": scan,
        "total_s": r["ingest"]["wall_s"] + scan,
        "query_p50_ms": r["query"]["sources_p50_ms"],
        "disk_bytes": r["memory"]["disk_bytes_per_article"] * r["ingest"]["articles"],
        "peak_mib": r["memory"]["scan_peak_mib"],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every size; returns what is printed."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus_gen

    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "load_avg_1min_start": round(os.getloadavg()[0], 2),
        "settings": {"workers": args.workers, "seed": args.seed, "scan_budget_s": args.scan_budget_s},
        "sizes": {},
    }
    pools = corpus_gen.load_pools(Path(args.data), include_meter=not args.quick)
    for size in args.sizes:  # every size checked before the first is generated
        try:
            corpus_gen.Generator(pools, size, args.seed, include_real=not args.quick)
        except ValueError as exc:
            raise SystemExit(f"scale.py: --sizes: {exc}") from None
    for k, size in enumerate(args.sizes):
        print(f"… generating {size} articles", file=sys.stderr, flush=True)
        t = time.perf_counter()
        gen = corpus_gen.Generator(pools, size, args.seed, include_real=not args.quick)
        jsonl = tmp / f"corpus-{size}.jsonl"
        truth = corpus_gen.write_corpus(gen, jsonl)
        gen_s = time.perf_counter() - t
        argv = ["--size-worker", str(jsonl), str(truth), str(tmp / f"store-{size}.db")]
        argv += ["--workers", str(args.workers), "--seed", str(args.seed), "--queries", str(args.queries)]
        argv += ["--slice", str(args.slice), "--scan-budget-s", str(args.scan_budget_s)]
        if k == 0 and not args.quick:
            argv.append("--meter-sources")
        result = _size_worker(argv)
        result["generate_s"] = round(gen_s, 1)
        # Each size's figures are kept as soon as they exist: a later, larger size may not finish.
        (tmp / f"result-{size}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        report["sizes"][str(size)] = result
    sizes = [str(s) for s in args.sizes]
    report["growth"] = {}
    for small, large in itertools.pairwise(sizes):
        a, b = _cost(report["sizes"][small]), _cost(report["sizes"][large])
        growth: dict[str, Any] = {key: round(b[key] / a[key], 2) if a[key] else None for key in a}
        ra, rb = report["sizes"][small], report["sizes"][large]
        added = rb["ingest"]["articles"] - ra["ingest"]["articles"]
        if added > 0:
            extra_mib = rb["memory"]["scan_peak_mib"] - ra["memory"]["scan_peak_mib"]
            growth["marginal_ram_bytes_per_article"] = round(extra_mib * 2**20 / added)
        report["growth"][f"{large}/{small}"] = growth
    report["load_avg_1min_end"] = round(os.getloadavg()[0], 2)
    return report


def _fmt(value: Any, spec: str = ",") -> str:
    return "—" if value is None else format(value, spec)


def format_table(r: dict[str, Any]) -> str:
    """The report as plain text: one column per size, then growth and goal."""
    sizes = list(r["sizes"])
    res = [r["sizes"][s] for s in sizes]
    growth = r["growth"].get(f"{sizes[-1]}/{sizes[0]}", {}) if len(sizes) > 1 else {}
    c0 = res[0]["counts"]
    out = [
        f"wiretrace scale benchmark: {r['machine']['cpus']} CPUs, {r['settings']['workers']} worker processes, "
        f"seed {r['settings']['seed']}, load average {r['load_avg_1min_start']} at start, "
        f"{r['load_avg_1min_end']} at end",
        f"corpus of {sizes[0]}: METER {c0['meter']}, BBC {c0['bbc']}, generated background {c0['background']}, "
        f"planted rewrites {c0['rewrites']} (bench/corpus_gen.py); '~' marks a scan stopped by --scan-budget-s "
        "and extrapolated from the share scanned",
        "",
    ]
    width = 16
    head = f"{'figure':46}" + "".join(f"{int(s):>{width},}" for s in sizes) + f"{'growth':>9}  goal"
    out += [head, "-" * len(head)]

    def row(label: str, cells: list[str], grow: str = "", goal: str = "") -> None:
        out.append(f"{label:46}" + "".join(f"{c:>{width}}" for c in cells) + f"{grow:>9}  {goal}")

    def g(key: str) -> str:
        return f"x{growth[key]}" if growth.get(key) is not None else ""

    row("articles stored", [_fmt(x["ingest"]["articles"]) for x in res])
    row("ingest articles/s", [_fmt(x["ingest"]["articles_per_s"]) for x in res])
    row("ingest s", [_fmt(x["ingest"]["wall_s"]) for x in res], g("ingest_s"))
    scan_cells = []
    for x in res:
        s = x["scan"]
        scan_cells.append(_fmt(s["wall_s"]) if s["complete"] else f"~{_fmt(s['full_s'])}")
    row("scan s", scan_cells, g("scan_s"))
    row("  articles scanned", [_fmt(x["scan"]["scanned"]) for x in res])
    row("  pairs compared", [_fmt(x["scan"]["pairs_compared"]) for x in res])
    row("  related pairs stored (rewrite or same event)", [_fmt(x["scan"]["related_pairs"]) for x in res])
    totals = [_cost(x)["total_s"] for x in res]
    row("ingest + scan s", [_fmt(round(t, 1)) for t in totals], g("total_s"), "<= 600 at 100k; growth <= 11")
    base = [x["all_pairs_baseline"] for x in res]
    row("baseline: all pairs, extrapolated s", [_fmt(round(b["extrapolated_s"])) for b in base])
    row(
        "  ratio baseline / wiretrace",
        [f"x{b['extrapolated_s'] / t:,.1f}" if t else "—" for b, t in zip(base, totals, strict=True)],
    )
    row(
        "  (slice: ms to prepare / compare a pair)",
        [f"{b['prepare_ms']:.1f}/{b['pair_ms']:.1f}" for b in base],
    )
    row("query sources p50 ms", [_fmt(x["query"]["sources_p50_ms"]) for x in res], g("query_p50_ms"), "<= 50")
    row("query sources p95 ms", [_fmt(x["query"]["sources_p95_ms"]) for x in res])
    row(
        "  index lookup alone p50 / p95 ms",
        [f"{x['query']['candidates_p50_ms']}/{x['query']['candidates_p95_ms']}" for x in res],
    )
    row(
        "peak RSS MiB, ingest+scan: store process/worker",
        [f"{x['memory']['scan_peak_mib']:.0f}/{x['memory']['worker_peak_mib']:.0f}" for x in res],
        g("peak_mib"),
    )
    row(
        "  with queries / engine loaded only",
        [f"{x['memory']['peak_mib']:.0f}/{x['memory']['loaded_mib']:.0f}" for x in res],
    )
    row(
        "RAM bytes per article (peak - loaded) / N",
        [_fmt(x["memory"]["ram_bytes_per_article"]) for x in res],
        "",
        "<= 2048",
    )
    if len(sizes) > 1:
        marginal = [r["growth"][f"{b}/{a}"].get("marginal_ram_bytes_per_article") for a, b in itertools.pairwise(sizes)]
        row("  marginal, per article added", ["", *(_fmt(m) for m in marginal)], "", "<= 2048")
    row(
        "disk bytes per article: store / index",
        [f"{x['memory']['disk_bytes_per_article']:,}/{x['memory']['index_bytes_per_article']:,}" for x in res],
        g("disk_bytes"),
    )
    for kind, label in (("all", "all planted"), ("generated", "generated"), ("meter", "METER derived")):
        rec = [x["recall"][kind] for x in res]
        if not any(q["pairs"] for q in rec):
            continue
        row(
            f"recall, {label} ({'/'.join(_fmt(q['pairs']) for q in rec)}): scan",
            [f"{q['scan_recall']:.3f}" for q in rec],
            "",
            ">= 0.95" if kind == "all" else "",
        )
        row("  index candidates", [f"{q['candidate_recall']:.3f}" for q in rec])
        row("  baseline: MinHash bands only", [f"{q['minhash_only_recall']:.3f}" for q in rec])
    if not all(x["scan"]["complete"] for x in res):
        out.append(
            "recall at a size marked '~' counts the planted pairs with a member scanned before the budget ran out"
        )
    for x, s in zip(res, sizes, strict=True):
        if "meter_sources" in x:
            m = x["meter_sources"]
            out += [
                "",
                f"METER sources at {int(s):,} ({m['texts']} derived newspaper texts; all PA and newspaper texts, "
                "BBC and background stored):",
                f"  own-group PA first in Corpus.sources: recall@1 {m['sources_recall_at_1']:.3f} (goal >= 0.99); "
                f"index's best PA candidate own-group {m['index_top_pa_recall_at_1']:.3f}; own-group PA among "
                f"candidates {m['index_candidate_recall']:.3f}; p50 {m['sources_p50_ms']} ms a query",
            ]
            if "first_when_missed" in m:
                out.append(
                    "  first when not own-group PA: " + ", ".join(f"{k} {v}" for k, v in m["first_when_missed"].items())
                )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse flags; run the benchmark, or one size when called by it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes, comma-separated (default 10000,100000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="ingest and scan processes")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--quick", action="store_true", help=f"one {QUICK_SIZE}-article corpus, no METER: a smoke run")
    parser.add_argument("--seed", type=int, default=1, help="corpus and sampling seed (default 1)")
    parser.add_argument("--queries", type=int, default=100, help="sources queries timed (default 100)")
    parser.add_argument("--slice", type=int, default=30, help="articles in the all-pairs baseline slice (default 30)")
    parser.add_argument("--scan-budget-s", type=float, default=0.0, help="stop a scan after this long (0: never)")
    parser.add_argument("--tmp", default="/tmp/wiretrace-scale", help="where corpora and stores go")
    parser.add_argument("--data", default=str(DATA), help="the shared data folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--table", metavar="JSON", help="print the table of a saved --out report and stop")
    parser.add_argument("--size-worker", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--meter-sources", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.size_worker:
        jsonl, truth, db = map(Path, args.size_worker)
        print(json.dumps(run_size(jsonl, truth, db, args)))
        return 0
    if args.table:
        print(format_table(json.loads(Path(args.table).read_text(encoding="utf-8"))), end="")
        return 0
    try:
        args.sizes = [QUICK_SIZE] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give whole numbers separated by commas")
    if not args.sizes or min(args.sizes) < 10 or args.workers < 1:
        parser.error("--sizes must be >= 10 each and --workers >= 1")
    report = run(args)
    if args.out:
        tmp_out = Path(f"{args.out}.tmp")
        tmp_out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp_out, args.out)
    print(json.dumps(report, indent=1) if args.json else format_table(report), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
