"""Where the Spark scan reads and writes: input records with their file and line, small output files.

Local paths and any Hadoop filesystem URL alike; a local file is named as a
local ``ingest`` names it, so rejections read the same.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from wiretrace.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def has_scheme(path: str) -> bool:
    """Whether the input is a URL (``hdfs://``, ``s3a://``, ``file:``) rather than a local path."""
    scheme = urlparse(path).scheme
    return len(scheme) > 1  # a Windows drive letter is not a scheme


def display_name(file_uri: str, src: str) -> str:
    """The name a local ingest gives a file: the path as given, or under the folder as given."""
    if has_scheme(src) or not file_uri.startswith("file:"):
        return file_uri
    local = Path(unquote(urlparse(file_uri).path))
    given = Path(src)
    if given.is_dir():
        try:
            return str(given / local.relative_to(given.resolve()))
        except ValueError:
            return str(local)
    return str(given)


def check_input(src: str) -> None:
    """Refuse a local input that does not exist before any Spark starts (a URL is checked by Spark).

    Raises:
        InputError: Names the path.
    """
    if not has_scheme(src) and not Path(src).exists():
        raise InputError(src, "no such file or directory")


def _hadoop_path(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    """Hadoop's ``Path`` for ``uri`` and its ``FileSystem``: py4j is the only door to them."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path, path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


OUTPUTS = ("pairs.parquet", "stories.parquet", "provenance.parquet", "summary.jsonl")


def check_output(spark: SparkSession, dst: str, overwrite: bool) -> None:
    """Refuse an output that is a file, or a folder holding an earlier run's outputs unless ``overwrite``.

    Checked through Hadoop's filesystem API (any URL Spark writes), before
    the input is read: a long job should not end on a path it could never use.

    Raises:
        InputError: Names the path.
    """
    root, fs = _hadoop_path(spark, dst)
    is_file = fs.exists(root) and fs.getFileStatus(root).isFile()
    earlier = [n for n in OUTPUTS if fs.exists(_hadoop_path(spark, f"{dst.rstrip('/')}/{n}")[0])]
    _refuse(dst, is_file, earlier, overwrite)


def check_local_output(dst: str, overwrite: bool) -> None:
    """:func:`check_output` for a local path, before any Spark starts (a URL waits for Spark's filesystem)."""
    if not has_scheme(dst):
        root = Path(dst)
        _refuse(dst, root.is_file(), [n for n in OUTPUTS if (root / n).exists()], overwrite)


def _refuse(dst: str, is_file: bool, earlier: list[str], overwrite: bool) -> None:
    if is_file:
        raise InputError(dst, "is a file, not a folder for the outputs")
    if earlier and not overwrite:
        raise InputError(dst, f"holds an earlier run's {', '.join(earlier)} (--overwrite replaces them)")


def input_format(src: str, fmt: str) -> str:
    """``jsonl`` or ``parquet``: as asked, or by the name (``auto``), or by the files of a local folder."""
    if fmt != "auto":
        return fmt
    name = src.rstrip("/").lower()
    if name.endswith(".parquet"):
        return "parquet"
    if not has_scheme(src) and Path(src).is_dir() and any(Path(src).rglob("*.parquet")):
        return "parquet"
    return "jsonl"


def read_records(spark: SparkSession, src: str, fmt: str) -> DataFrame:
    """Records as one JSON text each, with file, block and a number increasing within a block."""
    from pyspark.sql import functions as F

    directory = not has_scheme(src) and Path(src).is_dir()
    if fmt == "parquet":
        raw = spark.read.parquet(src)
        if "text" not in raw.columns:
            # one schema error, not a rejection for every row of a large file
            raise InputError(src, f'no "text" column (columns: {", ".join(raw.columns)})')
        # Each column by its name as written: quoted, so a dot is no struct path; a backtick in it doubled.
        value = F.to_json(F.struct(*[F.col("`" + c.replace("`", "``") + "`") for c in raw.columns]))
    else:
        reader = spark.read.option("lineSep", "\n")  # as Python splits lines: a lone \r stays inside its line
        if directory or has_scheme(src):
            reader = reader.option("recursiveFileLookup", "true")
            if directory:
                reader = reader.option("pathGlobFilter", "*.{jsonl,ndjson}")
        raw = reader.text(src)
        value = F.col("value")
    return raw.select(
        value.alias("value"),
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("mono"),
    )


def line_bases(records: DataFrame, src: str) -> dict[tuple[str, int], tuple[int, int, str]]:
    """For each (file, block): the file's number in path order, the offset from ``mono`` to the line, its name.

    ``mono`` counts rows within a partition, and a partition reads a block's
    rows in order: a block's first line is the lines of the file's earlier
    blocks plus one.
    """
    from pyspark.sql import functions as F

    counts = records.groupBy("file", "block").agg(F.count("*").alias("n"), F.min("mono").alias("first")).collect()
    names = {r["file"]: display_name(r["file"], src) for r in counts}
    order = sorted(names, key=lambda f: PurePosixPath(names[f]).parts if not has_scheme(names[f]) else (names[f],))
    number = {f: k for k, f in enumerate(order)}
    bases: dict[tuple[str, int], tuple[int, int, str]] = {}
    seen: dict[str, int] = {}
    for r in sorted(counts, key=lambda r: (number[r["file"]], r["block"])):
        done = seen.get(r["file"], 0)
        bases[(r["file"], int(r["block"]))] = (number[r["file"]], done + 1 - int(r["first"]), names[r["file"]])
        seen[r["file"]] = done + int(r["n"])
    return bases


def write_text(spark: SparkSession, uri: str, text: str) -> None:
    """Write one small file through Hadoop's filesystem API, so any URL Spark reads is writable too."""
    path, fs = _hadoop_path(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def first_cause(exc: BaseException) -> str:
    """One line of a Spark failure: the innermost Java exception's message where there is one."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    caused = [line for line in lines if line.startswith("Caused by:")]
    line = (caused[-1].removeprefix("Caused by:").strip() if caused else lines[0]) if lines else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."
