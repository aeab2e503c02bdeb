"""``wiretrace spark-scan``: the corpus scan on a Spark cluster (or local Spark).

Kept apart from the other commands so that pyspark is imported only when this
command runs; it needs the ``spark`` extra (``pip install 'wiretrace[spark]'``)
and Java 17 or newer.
"""

from __future__ import annotations

import click

from wiretrace.cli_settings import settings_options
from wiretrace.report import flat
from wiretrace.settings import Settings

__all__ = ["register"]


@click.command(name="spark-scan")
@click.option("--input", "src", required=True, help="JSONL or Parquet articles: a file, a folder, or a Hadoop URL.")
@click.option("--output", "dst", required=True, help="Output folder (local path or Hadoop URL).")
@click.option(
    "--master",
    default="local[*]",
    show_default=True,
    envvar="WIRETRACE_SPARK_MASTER",
    help="Spark master: local[N], spark://HOST:7077, yarn, k8s://https://HOST:PORT.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "parquet"]),
    default="auto",
    show_default=True,
    help="Input format; auto goes by the name (.parquet, or a folder holding .parquet files).",
)
@click.option("--partitions", type=click.IntRange(min=1), help="Shuffle partitions (spark.sql.shuffle.partitions).")
@click.option(
    "--driver-memory",
    envvar="WIRETRACE_SPARK_DRIVER_MEMORY",
    help="Driver JVM heap, e.g. 8g (spark.driver.memory; local[N] default 4g: its executors share it).",
)
@click.option("--overwrite", is_flag=True, help="Replace the outputs of an earlier run in --output.")
@settings_options
def spark_scan(
    src: str,
    dst: str,
    master: str,
    fmt: str,
    partitions: int | None,
    driver_memory: str | None,
    overwrite: bool,
    settings: Settings,
) -> None:
    """Scan a corpus on Spark: rewrite pairs, stories and provenance, as `scan` finds them.

    Reads JSONL lines ("text", optional "id", "title", "published",
    "source", "url") or Parquet rows with those columns, and writes
    pairs.parquet, stories.parquet, provenance.parquet and summary.jsonl under
    --output (refused where an earlier run left them, unless --overwrite).
    Every stage calls the same functions as `ingest` + `scan`, so the same
    corpus gives the same pairs, directions and stories. Exits 1 if any
    record was rejected (each is named on stderr and in summary.jsonl).
    """
    from wiretrace.engines.spark import check_input, check_local_output, describe, run_job, spark_session

    check_input(src)
    if master.startswith("local"):  # a path without a scheme is local here (a cluster may read it as HDFS)
        check_local_output(dst, overwrite)  # before Spark takes its half a minute to start
    spark = spark_session(master, partitions, driver_memory=driver_memory)
    try:
        spark.sparkContext.setLogLevel("ERROR")
        report = run_job(spark, src, dst, settings, fmt, overwrite)
    finally:
        spark.stop()
    for r in report.rejections:
        click.echo(f"rejected: {flat(r.where)}: {flat(r.reason)}", err=True)
    if report.rejected > len(report.rejections):
        click.echo(f"rejected: {report.rejected - len(report.rejections)} more, counted in summary.jsonl", err=True)
    click.echo(describe(report))
    click.echo(f"wrote {', '.join(report.outputs.values())}", err=True)
    if report.rejected:
        raise SystemExit(1)


def register(group: click.Group) -> None:
    """Add ``spark-scan`` to the ``wiretrace`` group (pyspark itself loads only when it runs)."""
    group.add_command(spark_scan)
