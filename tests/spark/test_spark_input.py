"""``spark-scan`` on bad input: one line per problem naming file and line, no traceback, exit status 1."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from wiretrace.adapters.inputs import iter_articles
from wiretrace.adapters.store.memory import MemoryStore
from wiretrace.cli import main
from wiretrace.corpus import Corpus

pytestmark = pytest.mark.spark


def test_a_missing_input_is_one_line_and_starts_nothing(tmp_path, capsys):
    missing = tmp_path / "nope.jsonl"
    assert main(["spark-scan", "--input", str(missing), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {missing}: no such file or directory\n"
    assert not (tmp_path / "out").exists()


def test_bad_lines_are_named_and_the_rest_is_scanned(tmp_path, capsys, engine, seed_source, seed_rewrite):
    feed = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "source", "text": seed_source.text[seed_source.header :], "published": "2025-11-03"}),
        "{not json",
        json.dumps({"id": "no-text", "title": "A headline only"}),
        "",
        json.dumps({"id": "rewrite", "text": seed_rewrite.text[seed_rewrite.header :]}),
        json.dumps({"id": "again", "text": seed_source.text[seed_source.header :]}),  # same text: a duplicate
        json.dumps({"id": "source", "text": "Another text under a taken id. It is refused."}),
    ]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["spark-scan", "--input", str(feed), "--output", str(out), "--master", "local[1]"])
    captured = capsys.readouterr()
    assert code == 1
    rejected = [line for line in captured.err.splitlines() if line.startswith("rejected: ")]
    assert rejected == [
        f"rejected: {feed}:2: malformed JSON at column 2: expecting property name enclosed in double quotes",
        f'rejected: {feed}:3: missing field "text" (each line needs "text"; '
        '"id", "title", "published", "source", "url" optional)',
        f"rejected: {feed}:7: id 'source' is already stored with another text (forget it first)",
    ]
    # ingest names the same records with the same words
    local = Corpus(MemoryStore(), engine).ingest(iter_articles([feed]))
    assert [f"rejected: {r.where}: {r.reason}" for r in local.rejected] == rejected
    assert (local.added, local.duplicates) == (2, 1)
    assert "Traceback" not in captured.err
    assert "scanned 2 articles (1 duplicates, 3 rejected)" in captured.out
    pairs = pq.read_table(out / "pairs.parquet").to_pylist()
    assert [(p["a"], p["b"], p["relation"], p["source"], p["derived"]) for p in pairs] == [
        ("source", "rewrite", "rewrite", "source", "rewrite")
    ]
    summary = [json.loads(x) for x in (out / "summary.jsonl").read_text(encoding="utf-8").splitlines()]
    assert summary[0]["rejected"] == 3
    assert [s["where"] for s in summary[1:]] == [f"{feed}:2", f"{feed}:3", f"{feed}:7"]


def test_parquet_input_gives_the_same_pairs(tmp_path, capsys, monkeypatch, seed_source, seed_rewrite):
    import pyarrow as pa

    table = pa.table(
        {
            "id": ["source", "rewrite"],
            "text": [a.text[a.header :] for a in (seed_source, seed_rewrite)],
            "published": ["2025-11-03", None],
            # columns wiretrace does not read, named as Spark's parser would misread them unquoted
            "desk`note": ["a", "b"],
            "feed.name": ["x", "y"],
        }
    )
    src = tmp_path / "articles.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out"
    assert main(["spark-scan", "--input", str(src), "--output", str(out), "--master", "local[1]"]) == 0
    pairs = pq.read_table(out / "pairs.parquet").to_pylist()
    assert [(p["source"], p["derived"], p["relation"]) for p in pairs] == [("source", "rewrite", "rewrite")]
    # an earlier run's outputs are not replaced unless asked, and a local folder is refused before Spark starts
    capsys.readouterr()
    again = ["spark-scan", "--input", str(src), "--output", str(out), "--master", "local[1]"]
    with monkeypatch.context() as m:
        m.setattr("wiretrace.engines.spark.spark_session", lambda *a, **k: pytest.fail("Spark started"))
        assert main(again) == 1
    assert capsys_lines(capsys) == [
        f"error: {out}: holds an earlier run's pairs.parquet, stories.parquet, provenance.parquet, summary.jsonl "
        "(--overwrite replaces them)"
    ]
    assert main([*again, "--overwrite"]) == 0


def capsys_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


@pytest.mark.parametrize("case", ["jsonl-as-parquet", "parquet-without-text", "output-is-a-file"])
def test_unreadable_input_or_unusable_output_is_one_line(tmp_path, capsys, seed_source, case):
    import pyarrow as pa

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "s", "text": seed_source.text[seed_source.header :]}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["spark-scan", "--input", str(feed), "--output", str(out), "--master", "local[1]"]
    if case == "jsonl-as-parquet":
        args += ["--format", "parquet"]
        expected = f"error: {feed}: cannot read as parquet ("
    elif case == "parquet-without-text":
        src = tmp_path / "body.parquet"
        pq.write_table(pa.table({"id": ["s"], "body": [seed_source.text]}), src)
        args[2] = str(src)
        expected = f'error: {src}: no "text" column (columns: id, body)'
    else:
        out.write_text("not a folder", encoding="utf-8")
        expected = f"error: {out}: is a file, not a folder for the outputs"
    capsys.readouterr()
    assert main(args) == 1
    lines = capsys_lines(capsys)
    assert len(lines) == 1 and lines[0].startswith(expected), lines
    assert "Traceback" not in lines[0] and "at org.apache" not in lines[0]


def test_the_spark_submit_entry_point_refuses_a_missing_input_in_one_line(tmp_path, capsys):
    from wiretrace.engines.spark import main as submit_main

    missing = tmp_path / "nope.parquet"
    assert submit_main(["--input", str(missing), "--output", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"error: {missing}: no such file or directory\n"
