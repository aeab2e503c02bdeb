"""The extraction eval on tiny sets built here from our own pages, and its scoring rules."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wiretrace.cli import cli
from wiretrace.errors import InputError
from wiretrace.evaluate.extraction import evaluate_extraction, find_sets, shingle_counts, snippet_counts

DATA = Path(__file__).resolve().parents[1] / "data"
BODY = (
    "The Port of Eastholm's harbour board on Wednesday approved a €48 million expansion of the town's ferry "
    "terminal, ending two years of dispute over the size of the project."
)


@pytest.fixture
def sets(tmp_path: Path) -> Path:
    """Both sets in the layout of shared/data/extraction, one page each."""
    page = (DATA / "news_page.html").read_bytes()
    zyte = tmp_path / "zyte-article-benchmark"
    (zyte / "html").mkdir(parents=True)
    (zyte / "html" / "p1.html.gz").write_bytes(gzip.compress(page))
    (zyte / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": BODY}}), encoding="utf-8")
    traf = tmp_path / "trafilatura-eval" / "tests"
    (traf / "eval").mkdir(parents=True)
    (traf / "eval" / "ledger.html").write_bytes(page)
    gold = {"with": ["a second loading ramp", "Nordic Investment Bank"], "without": ["Most read", "Privacy policy"]}
    (traf / "evaldata.json").write_text(json.dumps({"https://example/1": {"file": "ledger.html", **gold}}))
    return tmp_path


def test_find_sets_from_the_parent_or_either_folder(sets):
    assert set(find_sets(sets)) == {"zyte", "trafilatura_eval"}
    assert set(find_sets(sets / "zyte-article-benchmark")) == {"zyte"}
    assert find_sets(sets / "trafilatura-eval") == {"trafilatura_eval": sets / "trafilatura-eval" / "tests"}
    with pytest.raises(InputError, match="no extraction set here"):
        find_sets(sets / "zyte-article-benchmark" / "html")


def test_evaluate_scores_both_extractors_on_both_sets(sets):
    report = evaluate_extraction(sets, workers=1)
    zyte = report["zyte"]
    assert zyte["pages"] == 1
    # The gold is the first paragraph only: all of it is found, the rest is extra.
    assert zyte["wiretrace"]["tokens"]["recall"] == 1.0
    assert 0.1 < zyte["wiretrace"]["tokens"]["precision"] < 0.5
    traf = report["trafilatura_eval"]
    assert (traf["with_snippets"], traf["without_snippets"]) == (2, 2)
    for extractor in ("wiretrace", "wiretrace+clean", "trafilatura"):
        assert traf[extractor]["with_found"] == 1.0
    assert traf["wiretrace"]["without_absent"] == 1.0
    assert len(zyte["digest"]) == len(traf["digest"]) == 16


def test_missing_page_is_named(sets):
    (sets / "zyte-article-benchmark" / "html" / "p1.html.gz").unlink()
    with pytest.raises(InputError, match=r"page p1.html\(.gz\) of ground-truth.json is missing"):
        evaluate_extraction(sets, workers=1)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_that_is_not_gzip_is_named_from_any_process(sets, workers):
    # raised in a worker process, the error reaches the parent whole (it once left the pool waiting forever)
    (sets / "zyte-article-benchmark" / "html" / "p1.html.gz").write_bytes(b"not gzip")
    with pytest.raises(InputError, match=r"p1.html.gz: not a readable gzip file"):
        evaluate_extraction(sets, workers=workers)


@pytest.mark.parametrize(
    ("gold", "problem"),
    [
        ([{"articleBody": BODY}], "not a gold file"),
        ({}, "not a gold file"),
        ({"p1": {"title": "no body"}}, "page p1: no articleBody"),
    ],
)
def test_a_gold_file_of_another_shape_is_named(sets, gold, problem):
    (sets / "zyte-article-benchmark" / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        evaluate_extraction(sets, workers=1)


def test_cli_prints_a_table_and_json(sets):
    table = CliRunner().invoke(cli, ["eval", "extraction", "--data", str(sets), "--workers", "1"])
    assert table.exit_code == 0, table.output
    assert "zyte tokens               wiretrace" in table.stdout
    assert "trafilatura_eval snippets trafilatura" in table.stdout
    as_json = CliRunner().invoke(cli, ["eval", "extraction", "--data", str(sets), "--workers", "1", "--json"])
    assert json.loads(as_json.stdout)["trafilatura_eval"]["pages"] == 1


def test_shingle_counts_are_a_normalised_multiset_overlap():
    assert shingle_counts("a b c", "a b c") == (1.0, 0.0, 0.0)
    assert shingle_counts("a b", "a a b") == pytest.approx((2 / 3, 1 / 3, 0.0))
    assert shingle_counts("a b c d", "a b c x", n=2) == pytest.approx((2 / 4, 1 / 4, 1 / 4))
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)


def test_snippet_counts_normalise_whitespace():
    gold = {"with": ["second  loading\nramp", "not there"], "without": ["Most read"]}
    assert snippet_counts(gold, "a second loading ramp\nMost   read") == (1, 1, 1, 0)
    assert snippet_counts(gold, None) == (0, 0, 2, 1)
