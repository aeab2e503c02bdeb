"""The corpus scan on Spark: ``wiretrace spark-scan``, or ``spark-submit`` this file.

The same stages, through the same functions, as ingesting into a fresh store
and running :meth:`wiretrace.corpus.Corpus.scan`; Spark only decides where they
run:

1. **read**: JSONL lines (or Parquet rows, turned into JSON records) with their
   file and line number, parsed by the local reader's
   :func:`~wiretrace.adapters.inputs.parse_jsonl_line`. Articles are numbered
   in the order a local ``ingest`` stores them (files in path order, lines in
   order), so every tie is broken the same way.
2. **clean, segment, index keys**: :meth:`~wiretrace.corpus.Corpus.prepare_batch`
   in ``mapInPandas``. Duplicates (same text and outlet) and id conflicts are dropped as
   the store drops them: the first one read stays.
3. **candidates**: the index keys (distinctive terms, MinHash bands) are
   exploded and grouped into postings lists on the cluster, each article's
   postings are gathered by a join, and
   :func:`~wiretrace.core.fingerprint.select_candidates` applies the local rule
   (IDF floor, publication-time window, limit). There is no all-pairs step:
   the work is the sum over keys of their holders squared, and keys held by
   more than :func:`~wiretrace.core.fingerprint.max_df` articles are left out,
   as locally.
4. **align, decide**: :meth:`~wiretrace.pipeline.Engine.compare_documents` on
   each distinct candidate pair, in ``mapInPandas``. The engine and its
   embedding model load once per Python worker process; prepared documents
   are cached there.
5. **stories**: :func:`~wiretrace.stories.stories_from_pairs` on the driver,
   over the related pairs only.

Outputs under the output folder (any Hadoop filesystem URL): ``pairs.parquet``,
``stories.parquet``, ``provenance.parquet`` and ``summary.jsonl``; see
:func:`run_job`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wiretrace.adapters.inputs import Rejected
from wiretrace.corpus_report import counted
from wiretrace.engines.spark_io import (
    OUTPUTS,
    check_input,
    check_local_output,
    check_output,
    first_cause,
    input_format,
    line_bases,
    read_records,
    write_text,
)
from wiretrace.engines.spark_stages import (
    ARTICLE_COLUMNS,
    DECIDED_SCHEMA,
    PAIR_COLUMNS,
    PREPARED_SCHEMA,
    candidates,
    decide,
    prepare,
    read_versions,
    versions_named,
)
from wiretrace.errors import ConfigError, InputError, WiretraceError
from wiretrace.settings import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from wiretrace.adapters.store.base import PairRecord

__all__ = [
    "JobReport",
    "check_input",
    "check_local_output",
    "describe",
    "main",
    "run_job",
    "spark_session",
    "summary_jsonl",
]

INSTALL = "pip install 'wiretrace[spark]', with Java 17 or newer on PATH or in JAVA_HOME"
# Rejections listed one by one in summary.jsonl (all are counted): a corpus of bad lines must not fill the driver.
LISTED_REJECTIONS = 10_000
# The JVM heap of a local[N] run, which holds the executors too.
LOCAL_DRIVER_MEMORY = "4g"


@dataclass
class JobReport:
    """What a Spark scan read, found and wrote.

    Attributes:
        lines: Input records read (blank JSONL lines not counted).
        articles: Distinct articles scanned.
        duplicates: Records skipped because an earlier one had the same text.
        rejected: Records that could not be read as articles.
        rejections: The first :data:`LISTED_REJECTIONS` of them, in input order.
        compared: Distinct candidate pairs decided.
        found: Related pairs by relation (each pair's own verdict).
        read_as_versions: Articles compared with wire versions read as one.
        from_versions: Pairs recorded as rewrites by those readings.
        stories: Stories (related articles: :func:`~wiretrace.core.provenance.cluster_stories`).
        outputs: Output name to its path.
        wall_s: Time the job took.
    """

    lines: int = 0
    articles: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    compared: int = 0
    found: dict[str, int] = field(default_factory=dict)
    read_as_versions: int = 0
    from_versions: int = 0
    stories: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0


# -- the session ---------------------------------------------------------------


def spark_session(
    master: str | None = None,
    partitions: int | None = None,
    app_name: str = "wiretrace",
    driver_memory: str | None = None,
) -> SparkSession:
    """A Spark session for the scan (the running one under ``spark-submit``).

    Args:
        master: ``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://...``; None
            keeps what ``spark-submit`` was given.
        partitions: Shuffle partitions (``spark.sql.shuffle.partitions``).
        app_name: The application name.
        driver_memory: The driver's JVM heap (``spark.driver.memory``, ``4g``);
            in ``local`` mode the executors live in it too, so it defaults to
            :data:`LOCAL_DRIVER_MEMORY` there (Spark's own 1g runs out while
            gathering postings at 100k articles).

    Raises:
        ConfigError: pyspark is not installed or Spark cannot start (no Java).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(f"spark-scan needs pyspark: {INSTALL}") from None
    # No console progress bars: they share stderr with the job's own lines (a rejection each, the summary).
    conf: dict[str, str] = {
        "spark.sql.execution.arrow.maxRecordsPerBatch": "1000",
        "spark.ui.showConsoleProgress": "false",
    }
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # pyspark starts its workers with $PYSPARK_PYTHON, else whatever `python3` is on PATH: not this venv's.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        tmp = tempfile.gettempdir()
        conf.update(
            {
                "spark.ui.enabled": "false",
                "spark.sql.shuffle.partitions": "8",  # Spark's 200 is for clusters; tiny tasks cost more than they do
                "spark.local.dir": tmp,
                "spark.sql.warehouse.dir": str(Path(tmp) / "wiretrace-spark-warehouse"),
                "spark.driver.memory": LOCAL_DRIVER_MEMORY,
            }
        )
    if driver_memory:
        conf["spark.driver.memory"] = driver_memory
    if partitions:
        conf["spark.sql.shuffle.partitions"] = str(partitions)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # pyspark raises a plain runtime error when its Java gateway cannot start
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"cannot start Spark ({first}); {INSTALL}") from None


# -- the job ---------------------------------------------------------------------


def run_job(
    spark: SparkSession, src: str, dst: str, settings: Settings, fmt: str = "auto", overwrite: bool = False
) -> JobReport:
    """Read, prepare, find candidates, decide, build stories, write.

    Args:
        spark: The session.
        src: A JSONL file, a folder of ``.jsonl``/``.ndjson`` files, or Parquet
            (``.parquet`` file or folder); local or any Hadoop filesystem URL.
        dst: Output folder: ``pairs.parquet`` (related pairs, by article id),
            ``stories.parquet`` (id, key, size, articles in time order, roots),
            ``provenance.parquet`` (story, source, derived, confidence,
            coverage, basis, direction_p, best: the derived article's best
            source, as in ``scan --jsonl``) and ``summary.jsonl`` (a
            ``summary`` line, then one ``rejected`` line per rejection listed).
            Where any of the four is there from an earlier run, the job is
            refused unless ``overwrite``; then the four are replaced and nothing
            else in the folder is touched.
        settings: Engine and index settings, as for the local scan.
        fmt: ``jsonl``, ``parquet`` or ``auto`` (by name).
        overwrite: Replace the outputs of an earlier run.

    Returns:
        The :class:`JobReport`.

    Raises:
        InputError: The input does not exist or cannot be read.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from wiretrace.core.fingerprint import max_df
    from wiretrace.stories import stories_from_pairs

    started = time.perf_counter()
    check_input(src)
    check_output(spark, dst, overwrite)
    fmt = input_format(src, fmt)
    # A file Spark cannot read fails its task, which Spark logs with the Java stack at ERROR: the one line
    # below says it, so the log is quiet while the input is read (and back to the caller's level after).
    log = spark.sparkContext._jvm.org.apache.logging.log4j.LogManager.getRootLogger()  # type: ignore[union-attr]
    level = str(log.getLevel() or "WARN")
    spark.sparkContext.setLogLevel("OFF")
    try:
        records = read_records(spark, src, fmt)
        bases = line_bases(records, src)
    except InputError:
        raise
    except Exception as exc:  # any failure to read the input is the input's, whether Spark's or Java's
        raise InputError(src, f"cannot read as {fmt} ({first_cause(exc)})") from None
    finally:
        spark.sparkContext.setLogLevel(level)
    report = JobReport()
    job = uuid.uuid4().hex
    sep = "#" if fmt == "parquet" else ":"
    prepared = records.mapInPandas(partial(prepare, settings=settings, bases=bases, sep=sep), PREPARED_SCHEMA)
    prepared = prepared.persist()

    # Duplicates and id conflicts, dropped as a store drops them: the first one read stays.
    good = prepared.where(F.col("rejected_reason").isNull())
    ranked = good.withColumn("k", F.row_number().over(Window.partitionBy("digest").orderBy("rowid")))
    distinct = ranked.where("k = 1").drop("k")
    by_id = distinct.withColumn("k", F.row_number().over(Window.partitionBy("id").orderBy("rowid")))
    articles = by_id.where("k = 1").drop("k", "rejected_where", "rejected_reason").persist()
    conflicts = by_id.where("k > 1").select(
        "rowid",
        F.coalesce("path", "id").alias("rejected_where"),
        F.format_string("id '%s' is already stored with another text (forget it first)", "id").alias("rejected_reason"),
    )
    rejected = prepared.where(F.col("rejected_reason").isNotNull()).select("rowid", "rejected_where", "rejected_reason")
    rejected = rejected.unionByName(conflicts)
    report.lines = prepared.count()
    report.articles = n = articles.count()
    report.rejected = rejected.count()
    report.duplicates = report.lines - report.rejected - n
    report.rejections = [
        Rejected(r["rejected_where"], r["rejected_reason"])
        for r in rejected.orderBy("rowid").limit(LISTED_REJECTIONS).collect()
    ]

    # Candidates: postings built and gathered by joins on the index keys.
    keyed = articles.select("rowid", "day", "digest", F.explode("keys").alias("key"))
    holder = F.struct("rowid", "day", "digest")  # the digest orders equal scores (select_candidates)
    postings = (
        keyed.groupBy("key")
        .agg(F.count("*").alias("df"), F.sort_array(F.collect_list(holder)).alias("holders"))
        .where((F.col("df") >= 2) & (F.col("df") <= max_df(n)))  # a key only the article holds finds nothing
        .drop("df")
    )
    gathered = (
        keyed.join(postings, "key")
        .groupBy("rowid", "day")
        .agg(F.collect_list(F.struct("key", "holders")).alias("postings"))
    )
    pairs = gathered.mapInPandas(partial(candidates, settings=settings, n_articles=n), "a long, b long").distinct()
    pairs = pairs.persist()
    report.compared = pairs.count()

    # Align and decide, pairs with both articles' fields.
    sides = [articles.select(*[F.col(c).alias(f"{s}_{c}") for c in ARTICLE_COLUMNS]) for s in ("a", "b")]
    jobs = (
        pairs.join(sides[0], pairs["a"] == sides[0]["a_rowid"])
        .join(sides[1], pairs["b"] == sides[1]["b_rowid"])
        .sortWithinPartitions("b", "a")  # consecutive pairs share an article: the document cache hits
    )
    decided = jobs.mapInPandas(partial(decide, settings=settings, job=job), DECIDED_SCHEMA).persist()
    # The driver gets what the graph needs, not the evidence: direction_p alone of the summary.
    rows = (
        decided.select(
            *[c for c in decided.columns if c != "summary"],
            F.get_json_object("summary", "$.direction_p").alias("direction_p"),
            F.get_json_object("summary", "$.closeness").alias("closeness"),
            F.get_json_object("summary", "$.versions").alias("versions"),
        )
        .orderBy("a", "b")
        .collect()
    )
    related = [_pair_from_row(r) for r in rows]  # in the store's order: ties in the graph fall the same way
    for p in related:
        report.found[p.relation] = report.found.get(p.relation, 0) + 1
    published = {r["a"]: r["a_published"] for r in rows} | {r["b"]: r["b_published"] for r in rows}
    names = {r["a"]: r["a_id"] for r in rows} | {r["b"]: r["b_id"] for r in rows}
    outlets = {r["a"]: r["a_outlet"] for r in rows} | {r["b"]: r["b_outlet"] for r in rows}
    upgraded = None
    if settings.wire_versions:
        upgraded, report.read_as_versions = _read_versions(spark, related, outlets, articles, decided, settings, job)
    if upgraded is not None:
        changed = [
            _pair_from_row(r)
            for r in upgraded.select(
                *[c for c in upgraded.columns if c != "summary"],
                F.get_json_object("summary", "$.direction_p").alias("direction_p"),
                F.get_json_object("summary", "$.closeness").alias("closeness"),
                F.get_json_object("summary", "$.versions").alias("versions"),
            ).collect()
        ]
        report.from_versions = len(changed)
        by_pair = {(p.a, p.b): p for p in changed}
        related = [by_pair.get((p.a, p.b), p) for p in related]
        # A reading's summary names its versions by record number: written as article ids, as `scan --jsonl` does.
        upgraded = upgraded.withColumn("summary", versions_named(names)("summary"))
        written = decided.join(upgraded.select("a", "b"), ["a", "b"], "left_anti").unionByName(upgraded)
    else:
        written = decided
    stories = stories_from_pairs(related, published, outlets if settings.agency_rule else None, names)
    report.stories = len(stories)

    out = dst.rstrip("/")
    report.outputs = {name: f"{out}/{name}" for name in OUTPUTS if name != "summary.jsonl"}
    side = F.when(F.col("source") == F.col("a"), F.col("a_id")).when(F.col("source") == F.col("b"), F.col("b_id"))
    derived = F.when(F.col("derived") == F.col("a"), F.col("a_id")).when(F.col("derived") == F.col("b"), F.col("b_id"))
    (
        written.orderBy("a", "b")
        .select(
            F.col("a_id").alias("a"),
            F.col("b_id").alias("b"),
            "relation",
            "confidence",
            side.alias("source"),
            derived.alias("derived"),
            "direction_basis",
            "coverage_derived",
            "coverage_source",
            F.col("summary").alias("evidence"),
        )
        .coalesce(1)
        .write.mode("overwrite")
        .parquet(report.outputs["pairs.parquet"])
    )
    story_rows = [
        (k, s.key, len(s.articles), [names[r] for r in s.articles], [names[r] for r in s.roots])
        for k, s in enumerate(stories, 1)
    ]
    edge_rows = [
        (
            k,
            names[e.source or 0],
            names[e.derived or 0],
            e.confidence,
            e.coverage,
            e.basis,
            e.direction_p,
            e not in s.further,
            [names[r] for r in e.versions] or None,
        )
        for k, s in enumerate(stories, 1)
        for e in s.edges
    ]
    spark.createDataFrame(
        story_rows, "story int, key string, size int, articles array<string>, roots array<string>"
    ).coalesce(1).write.mode("overwrite").parquet(report.outputs["stories.parquet"])
    spark.createDataFrame(
        edge_rows,
        "story int, source string, derived string, confidence double, coverage double, basis string, "
        "direction_p double, best boolean, versions array<string>",
    ).coalesce(1).write.mode("overwrite").parquet(report.outputs["provenance.parquet"])
    for frame in (prepared, articles, pairs, decided, upgraded):
        if frame is not None:
            frame.unpersist()
    report.wall_s = time.perf_counter() - started
    report.outputs["summary.jsonl"] = f"{out}/summary.jsonl"
    write_text(spark, report.outputs["summary.jsonl"], summary_jsonl(src, report))
    return report


def _version_jobs(related: Sequence[PairRecord], outlets: Mapping[int, str | None]) -> Iterator[tuple[int, list[int]]]:
    """Each article and a set of one agency's copies it is related to (:func:`~wiretrace.wire.version_sets`)."""
    from wiretrace.wire import version_sets

    by_article: dict[int, list[PairRecord]] = {}
    for p in related:
        by_article.setdefault(p.a, []).append(p)
        by_article.setdefault(p.b, []).append(p)
    for x in sorted(by_article):
        for versions in version_sets(x, outlets.get(x), by_article[x], outlets):
            yield x, versions


def _read_versions(
    spark: SparkSession,
    related: Sequence[PairRecord],
    outlets: Mapping[int, str | None],
    articles: DataFrame,
    decided: DataFrame,
    settings: Settings,
    job: str,
) -> tuple[DataFrame | None, int]:
    """The decided rows that wire versions read as one change (persisted; None if none is read), and the readings."""
    from pyspark.sql import functions as F

    jobs = list(_version_jobs(related, outlets))
    if not jobs:
        return None, 0
    todo = spark.createDataFrame(
        [(k, x, versions) for k, (x, versions) in enumerate(jobs)], "job int, x long, versions array<long>"
    )
    own = decided.select(F.col("a").alias("own_a"), F.col("b").alias("own_b"), F.struct(*PAIR_COLUMNS).alias("own"))
    members = (
        todo.select("job", "x", F.explode("versions").alias("rowid"))
        .join(articles.select(*ARTICLE_COLUMNS), "rowid")
        .join(own, (F.least("x", "rowid") == F.col("own_a")) & (F.greatest("x", "rowid") == F.col("own_b")))
        .groupBy("job", "x")
        .agg(F.collect_list(F.struct(*ARTICLE_COLUMNS, "own")).alias("versions"))
    )
    readers = articles.select(F.col("rowid").alias("x"), F.struct(*ARTICLE_COLUMNS).alias("article"))
    work = members.join(readers, "x").select("article", "versions")
    return work.mapInPandas(partial(read_versions, settings=settings, job=job), DECIDED_SCHEMA).persist(), len(jobs)


def _pair_from_row(row: Any) -> PairRecord:
    from wiretrace.adapters.store.base import PairRecord

    return PairRecord(
        row["a"], row["b"], row["relation"], row["confidence"], row["source"], row["derived"],
        row["direction_basis"], row["coverage_derived"], row["coverage_source"],
        {"direction_p": float(row["direction_p"]), "closeness": _float(row["closeness"]), **_versions(row)},
    )  # fmt: skip


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _versions(row: Any) -> dict[str, list[int]]:
    """The wire versions read as one that a pair's numbers come from (``versions`` in its summary), if any."""
    return {"versions": json.loads(row["versions"])} if row["versions"] else {}


def summary_jsonl(src: str, report: JobReport) -> str:
    """``summary.jsonl``: one ``summary`` object, then one ``rejected`` object per listed rejection."""
    head = {
        "type": "summary",
        "input": src,
        "records": report.lines,
        "articles": report.articles,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "compared_pairs": report.compared,
        "found": report.found,
        "read_as_versions": report.read_as_versions,
        "from_versions": report.from_versions,
        "stories": report.stories,
        "outputs": report.outputs,
        "wall_s": round(report.wall_s, 1),
    }
    lines = [json.dumps(head, ensure_ascii=False)]
    lines += [
        json.dumps({"type": "rejected", "where": r.where, "reason": r.reason}, ensure_ascii=False)
        for r in report.rejections
    ]
    return "\n".join(lines) + "\n"


def describe(report: JobReport) -> str:
    """The job in one line, for the terminal."""
    found = ", ".join(f"{n} {k}" for k, n in sorted(report.found.items())) or "none related"
    return (
        f"scanned {report.articles} articles ({report.duplicates} duplicates, {report.rejected} rejected), "
        f"compared {counted(report.compared, 'candidate pair')}: {found}; "
        f"{counted(report.stories, 'story', 'stories')}; {report.wall_s:.1f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit`` entry point: ``spark-submit .../wiretrace/engines/spark.py --input PATH --output DIR``."""
    parser = argparse.ArgumentParser(prog="wiretrace-spark", description="The wiretrace corpus scan on Spark.")
    parser.add_argument("--input", required=True, help="JSONL or Parquet articles (local path or Hadoop URL).")
    parser.add_argument("--output", required=True, help="Output folder (local path or Hadoop URL).")
    parser.add_argument("--master", help="Spark master URL (default: what spark-submit was given).")
    parser.add_argument("--format", default="auto", choices=("auto", "jsonl", "parquet"))
    parser.add_argument("--partitions", type=int, help="Shuffle partitions.")
    parser.add_argument("--config", help="A wiretrace settings TOML file.")
    parser.add_argument("--overwrite", action="store_true", help="Replace the outputs of an earlier run.")
    args = parser.parse_args(argv)
    try:
        from wiretrace.cli_settings import build_settings

        settings = build_settings(args.config, {})
        check_input(args.input)
        spark = spark_session(args.master, args.partitions)
        try:
            report = run_job(spark, args.input, args.output, settings, args.format, args.overwrite)
        finally:
            spark.stop()
    except WiretraceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for r in report.rejections:
        print(f"rejected: {r.where}: {r.reason}", file=sys.stderr)
    print(describe(report))
    return 1 if report.rejected else 0


if __name__ == "__main__":
    # Run the installed module's main, not this file's copy: Spark pickles functions of __main__ by value,
    # which would give every task a fresh worker cache (and a fresh model load).
    from wiretrace.engines.spark import main as installed_main

    raise SystemExit(installed_main())
