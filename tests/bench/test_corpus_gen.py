"""The scale benchmark's corpus generator, and a smoke run of the benchmark (no timings asserted)."""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from wiretrace.pipeline import Engine
from wiretrace.types import Article

pytestmark = pytest.mark.data

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[tuple[ModuleType, ModuleType]]:
    sys.path.insert(0, str(BENCH))
    try:
        import corpus_gen
        import scale

        yield corpus_gen, scale
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def pools(bench: tuple[ModuleType, ModuleType], data_dir: Path) -> Any:
    return bench[0].load_pools(data_dir, include_meter=False)


def _article(record: dict[str, Any]) -> Article:
    return Article(record["text"], record["id"], record["title"], record["published"], record["source"])


def test_same_seed_same_corpus(bench: tuple[ModuleType, ModuleType], pools: Any) -> None:
    gen = bench[0].Generator
    first = list(gen(pools, 60, seed=7, include_real=False))
    again = list(gen(pools, 60, seed=7, include_real=False))
    other = list(gen(pools, 60, seed=8, include_real=False))
    assert first == again
    assert [r["text"] for r in first] != [r["text"] for r in other]


def test_records_and_truth(bench: tuple[ModuleType, ModuleType], pools: Any, tmp_path: Path) -> None:
    gen = bench[0].Generator(pools, 80, seed=3, include_real=False)
    truth_path = bench[0].write_corpus(gen, tmp_path / "c.jsonl")
    records = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 80
    assert all(set(r) == {"id", "text", "title", "published", "source"} for r in records)
    ids = {r["id"] for r in records}
    assert len(ids) == 80
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    assert truth["counts"] == {"meter": 0, "bbc": 0, "background": 72, "rewrites": 8}
    assert len(truth["pairs"]) == 8
    assert all(p["source"] in ids and p["rewrite"] in ids for p in truth["pairs"])
    by_id = {r["id"]: r for r in records}
    for p in truth["pairs"]:  # a rewrite is published on or after its source's day
        assert by_id[p["rewrite"]]["published"] >= by_id[p["source"]]["published"]


def test_background_swaps_facts(bench: tuple[ModuleType, ModuleType], pools: Any) -> None:
    """Background articles cut from the same BBC articles rarely share a number of 3+ digits (years aside)."""
    gen = bench[0].Generator(pools, 400, seed=1, include_real=False)
    numbers = []
    for k in range(40):
        found = re.findall(r"\d[\d,.]*\d", gen.background(k)["text"])
        numbers.append({x for x in found if len(x) >= 3 and not re.fullmatch(r"(19|20)\d\d", x)})
    shared = sum(len(a & b) for i, a in enumerate(numbers) for b in numbers[i + 1 :])
    total = sum(len(a) for a in numbers)
    assert total > 40
    assert shared < 0.05 * total


def test_paraphrase_changes_wording_keeps_lead(bench: tuple[ModuleType, ModuleType]) -> None:
    sentences = [
        "The company said profits rose 12% to $4.1bn in the year to March.",
        "Its chief executive warned that sales in Europe had fallen; demand in Asia was strong.",
        "Analysts expected a big increase in jobs, but the firm announced plans to cut costs.",
        "Shares fell 3% after the results.",
        "The firm will report again in July.",
    ]
    out = bench[0].paraphrase(sentences, random.Random(5))
    assert out != sentences
    assert len(out) >= 3
    assert "12%" in out[0] and "$4.1bn" in out[0]


@pytest.mark.parametrize("k", [0, 1, 2])
def test_planted_pairs_are_rewrites(bench: tuple[ModuleType, ModuleType], pools: Any, engine: Engine, k: int) -> None:
    gen = bench[0].Generator(pools, 200, seed=1, include_real=False)
    kind, index = gen.rewrite_source(k)
    source = gen.record(kind, index)
    rewrite = gen.record("rewrite", k)
    result = engine.compare(_article(source), _article(rewrite))
    assert result.relation == "rewrite", (source["id"], rewrite["id"], result.relation)


def test_quick_bench_end_to_end(bench: tuple[ModuleType, ModuleType], tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "scale.json"
    argv = ["--quick", "--workers", "1", "--queries", "5", "--slice", "8", "--tmp", str(tmp_path), "--out", str(out)]
    assert bench[1].main(argv) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    size = report["sizes"]["300"]
    assert 290 <= size["ingest"]["articles"] <= 300
    assert size["scan"]["complete"] and size["scan"]["scanned"] == size["ingest"]["articles"]
    recall = size["recall"]["generated"]
    assert recall["pairs"] == 30
    assert 0.0 <= recall["minhash_only_recall"] <= recall["candidate_recall"] <= 1.0
    assert size["query"]["queries"] == 5
    assert size["all_pairs_baseline"]["pairs_timed"] == 28
    printed = capsys.readouterr().out
    assert "ingest articles/s" in printed and "baseline: MinHash bands only" in printed
