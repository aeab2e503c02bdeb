"""Spark scan against the local scan on the same cores, and what 10M articles would take.

For each size in ``--sizes`` (default 10,000), on one corpus JSONL of that many
articles:

* **local**: ``Corpus.ingest`` and ``Corpus.scan`` into a fresh SQLite store,
  ``--cores`` worker processes (the ``wiretrace ingest`` + ``wiretrace scan``
  path);
* **spark**: :func:`wiretrace.engines.spark.run_job` in ``local[--cores]``
  (session start-up timed apart), then the shuffle it wrote, read from Spark's
  status store (executor ``totalShuffleWrite``, summed).

The ratio is spark time over local time. The two must find the same number of
candidate pairs and related pairs; the script says so when they do not.

The corpus: ``--corpus FILE`` takes the first N lines of a JSONL file (one
from ``bench/corpus_gen.py``, say). Without it, one is made from real texts:
METER dev (PA and newspaper texts) and the BBC set from ``../shared/data``,
then, past those ~3,300, perturbed copies of them (each paragraph dropped with
probability 0.15, a date moved by up to 60 days, a new id): every copy is a
near-copy of its original, so candidate lists fill up and the decide stage is
busy, which is the expensive case.

Projection for 10M articles (printed under the table), assumptions stated
there: cost grows linearly with articles (each article has at most
``candidates`` candidates, so pairs grow linearly; postings grow with
``max_df = min(200 + n/100, 500)`` up to 30k articles and are bounded past it), workers scale
at ``--efficiency``, and a vCPU-hour costs ``--usd-per-vcpu-hour``.

    python bench/spark.py --sizes 10000
    python bench/spark.py --sizes 10000 100000 --corpus corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _base_articles() -> list[dict[str, Any]]:
    from wiretrace.adapters.inputs import Rejected, iter_articles
    from wiretrace.evaluate.meter_data import load_meter

    split = load_meter(str(DATA / "meter"))
    articles = [a for group in split.pa.values() for a in group] + [t.article for t in split.newspapers]
    articles += [a for a in iter_articles([DATA / "bbc"]) if not isinstance(a, Rejected)]
    return [
        {"id": str(a.id), "text": a.text[a.header :], "published": a.published or "2005-01-01"}
        for a in articles
        if a.text[a.header :].strip()
    ]


def _perturbed(base: dict[str, Any], n: int, rng: random.Random) -> dict[str, Any]:
    from datetime import date, timedelta

    paragraphs = [p for p in base["text"].split("\n") if p.strip()]
    kept = [p for p in paragraphs if rng.random() >= 0.15] or paragraphs[:1]
    day = date.fromisoformat(base["published"][:10]) + timedelta(days=rng.randint(0, 60))
    return {"id": f"{base['id']}~{n}", "text": "\n".join(kept), "published": day.isoformat()}


def generated(size: int, seed: int = 20251103) -> Iterator[dict[str, Any]]:
    """``size`` articles: the real texts, then perturbed copies of them in a fixed random order."""
    bases = _base_articles()
    rng = random.Random(seed)
    for n in range(size):
        if n < len(bases):
            yield bases[n]
        else:
            yield _perturbed(bases[rng.randrange(len(bases))], n, rng)


def write_corpus(path: Path, size: int, source: str | None) -> None:
    with path.open("w", encoding="utf-8") as out:
        if source:
            with open(source, encoding="utf-8") as fh:
                for k, line in enumerate(fh):
                    if k >= size:
                        break
                    out.write(line)
        else:
            for record in generated(size):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_local(corpus: Path, tmp: Path, cores: int) -> dict[str, Any]:
    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.pipeline import Engine

    started = time.perf_counter()
    engine = Engine()
    store = SQLiteStore(tmp / "local.db", store_fingerprint(engine.settings))
    corpus_ = Corpus(store, engine)
    ingested = corpus_.ingest(iter_articles([corpus]), workers=cores)
    scanned = corpus_.scan(workers=cores)
    stories = corpus_.stories()
    store.close()
    return {
        "articles": ingested.added,
        "ingest_s": ingested.wall_s,
        "scan_s": scanned.wall_s,
        "total_s": time.perf_counter() - started,
        "compared": scanned.compared,
        "related": sum(scanned.found.values()),
        "stories": len(stories),
    }


def _shuffle_written(spark: Any) -> int:
    store = spark.sparkContext._jsc.sc().statusStore()  # Spark's own status store, as its REST API serves it
    executors = store.executorList(False).iterator()
    total = 0
    while executors.hasNext():
        total += int(executors.next().totalShuffleWrite())
    return total


def run_spark(corpus: Path, tmp: Path, cores: int, partitions: int, driver_memory: str) -> dict[str, Any]:
    from wiretrace.engines.spark import run_job, spark_session
    from wiretrace.settings import Settings

    started = time.perf_counter()
    spark = spark_session(f"local[{cores}]", partitions, driver_memory=driver_memory)
    spark.sparkContext.setLogLevel("ERROR")
    session_s = time.perf_counter() - started
    try:
        report = run_job(spark, str(corpus), str(tmp / "spark-out"), Settings())
        shuffle = _shuffle_written(spark)
    finally:
        spark.stop()
    return {
        "articles": report.articles,
        "session_s": session_s,
        "total_s": report.wall_s,
        "compared": report.compared,
        "related": sum(report.found.values()),
        "stories": report.stories,
        "shuffle_bytes": shuffle,
    }


def table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    head = (
        "| records (distinct articles) | local ingest+scan s | spark job s (+ session start) | spark / local | "
        "candidate pairs | related pairs | same result | shuffle written MB | shuffle KB / article |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in rows:
        lo, sp = r["local"], r["spark"]
        same = all(lo[k] == sp[k] for k in ("articles", "compared", "related", "stories"))
        lines.append(
            f"| {r['size']:,} ({sp['articles']:,}) | {lo['total_s']:.0f} | "
            f"{sp['total_s']:.0f} (+{sp['session_s']:.0f}) | "
            f"{sp['total_s'] / lo['total_s']:.2f} | {sp['compared']:,} | {sp['related']:,} | "
            f"{'yes' if same else 'NO'} | {sp['shuffle_bytes'] / 1e6:.1f} | "
            f"{sp['shuffle_bytes'] / 1e3 / max(sp['articles'], 1):.1f} |"
        )
    last = rows[-1]["spark"]
    core_s = last["total_s"] * args.cores / max(last["articles"], 1)
    lines += [
        "",
        f"Projection from the {last['articles']:,}-article run: {core_s * 1000:.1f} core-ms per article on Spark "
        f"({args.cores} cores), shuffle {last['shuffle_bytes'] / max(last['articles'], 1) / 1e3:.1f} KB per article.",
        f"Assumed: linear in articles, {args.efficiency:.0%} scaling efficiency on a cluster, "
        f"${args.usd_per_vcpu_hour} per vCPU-hour, workers of {args.worker_cores} vCPUs.",
        "",
        "| 10M articles on | hours | shuffle GB | compute cost USD |",
        "|---|---|---|---|",
    ]
    total_core_h = core_s * 10_000_000 / 3600 / args.efficiency
    for workers in (10, 50, 100):
        hours = total_core_h / (workers * args.worker_cores)
        lines.append(
            f"| {workers} workers x {args.worker_cores} vCPU | {hours:.1f} | "
            f"{last['shuffle_bytes'] / max(last['articles'], 1) * 1e7 / 1e9:.0f} | "
            f"{total_core_h * args.usd_per_vcpu_hour:,.0f} |"
        )
    lines.append(
        f"\nPer million articles: {total_core_h / 10:,.0f} vCPU-hours, about "
        f"${total_core_h / 10 * args.usd_per_vcpu_hour:,.2f}."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000], help="Corpus sizes to run.")
    parser.add_argument("--corpus", help="A JSONL corpus to take the first N lines of (default: generated).")
    parser.add_argument("--cores", type=int, default=2, help="Cores for both: local workers and local[N].")
    parser.add_argument("--partitions", type=int, default=8, help="Spark shuffle partitions.")
    parser.add_argument("--driver-memory", default="6g", help="Spark driver JVM heap (holds local[N]'s executors).")
    parser.add_argument(
        "--sides", nargs="+", choices=("local", "spark"), default=["local", "spark"], help="Which runs to make."
    )
    parser.add_argument("--efficiency", type=float, default=0.7, help="Cluster scaling efficiency assumed.")
    parser.add_argument("--usd-per-vcpu-hour", type=float, default=0.05, help="Price assumed per vCPU-hour.")
    parser.add_argument("--worker-cores", type=int, default=8, help="vCPUs per cluster worker assumed.")
    parser.add_argument("--json", action="store_true", help="Print the measurements as JSON too.")
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="wiretrace-bench-spark-") as name:
            tmp = Path(name)
            corpus = tmp / "corpus.jsonl"
            print(f"… corpus of {size:,}", file=sys.stderr)
            write_corpus(corpus, size, args.corpus)
            local = spark = None
            if "local" in args.sides:
                print("… local ingest + scan", file=sys.stderr)
                local = run_local(corpus, tmp, args.cores)
                print(f"  {local}", file=sys.stderr)
            if "spark" in args.sides:
                print("… spark", file=sys.stderr)
                spark = run_spark(corpus, tmp, args.cores, args.partitions, args.driver_memory)
                print(f"  {spark}", file=sys.stderr)
            rows.append({"size": size, "local": local, "spark": spark})
    if args.json:
        print(json.dumps(rows, indent=1))
    if "spark" in args.sides and "local" in args.sides:
        print(table(rows, args), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
