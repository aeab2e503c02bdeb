"""``wiretrace spark-scan`` in local[2] against ``ingest`` + ``scan``: METER dev plus the seed pair, one JSONL file.

The two must agree exactly: the same related pairs with the same relation,
direction and confidence (wire versions read as one included), the same
stories with the same provenance edges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.conftest import SEEDS
from wiretrace.adapters.inputs import iter_articles
from wiretrace.adapters.readers import read_article
from wiretrace.adapters.store import SQLiteStore
from wiretrace.cli import main
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.corpus_report import named_evidence
from wiretrace.evaluate.meter_data import load_meter
from wiretrace.pipeline import Engine

pytestmark = [pytest.mark.spark, pytest.mark.data]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """METER dev (PA and newspaper texts) and the two seed articles as JSONL lines, metadata as fields."""
    split = load_meter(str(data_dir / "meter"))
    articles = [a for group in split.pa.values() for a in group] + [t.article for t in split.newspapers]
    articles += [read_article(p) for p in sorted(SEEDS.glob("*.txt"))]
    path = tmp_path_factory.mktemp("corpus") / "meter-seeds.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            record = {
                "id": a.id or a.path,
                "text": a.text[a.header :],
                "title": a.title,
                "published": a.published,
                "source": a.outlet,
            }
            fh.write(json.dumps({k: v for k, v in record.items() if v is not None}) + "\n")
    return path


@pytest.fixture(scope="module")
def local(corpus_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    engine = Engine()
    store = SQLiteStore(tmp_path_factory.mktemp("local") / "scan.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    ingested = corpus.ingest(iter_articles([corpus_file]))
    scanned = corpus.scan(workers=2)
    names = {s.rowid: str(s.article.id) for s in store.get_many(store.iter_rowids())}
    stored = {s.rowid: s for s in store.get_many(store.iter_rowids())}
    pairs = {
        (names[p.a], names[p.b]): (p.relation, names.get(p.source or 0), names.get(p.derived or 0), p.confidence)
        for p in store.pairs()
    }
    evidence = {(names[p.a], names[p.b]): named_evidence(p.summary, stored) for p in store.pairs()}
    stories = [
        (
            s.key,
            [names[r] for r in s.articles],
            sorted(
                (names[e.source or 0], names[e.derived or 0], e not in s.further, [names[r] for r in e.versions])
                for e in s.edges
            ),
        )
        for s in corpus.stories()
    ]
    store.close()
    return {"ingest": ingested, "scan": scanned, "pairs": pairs, "stories": stories, "evidence": evidence}


@pytest.fixture(scope="module")
def spark(corpus_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("spark") / "out"
    code = main(["spark-scan", "--input", str(corpus_file), "--output", str(out), "--master", "local[2]"])
    assert code == 0
    rows = pq.read_table(out / "pairs.parquet").to_pylist()
    pairs = {(r["a"], r["b"]): (r["relation"], r["source"], r["derived"], r["confidence"]) for r in rows}
    evidence = {(r["a"], r["b"]): json.loads(r["evidence"]) for r in rows}
    edges: dict[int, list[tuple[str, str, bool, list[str]]]] = {}
    for e in pq.read_table(out / "provenance.parquet").to_pylist():
        edges.setdefault(e["story"], []).append((e["source"], e["derived"], e["best"], e["versions"] or []))
    stories = [
        (s["key"], s["articles"], sorted(edges.get(s["story"], [])))
        for s in sorted(pq.read_table(out / "stories.parquet").to_pylist(), key=lambda s: s["story"])
    ]
    lines = [json.loads(x) for x in (out / "summary.jsonl").read_text(encoding="utf-8").splitlines()]
    return {"pairs": pairs, "stories": stories, "summary": lines[0], "lines": lines, "evidence": evidence}


def test_the_same_pairs_relations_directions_and_confidences(local, spark):
    assert len(local["pairs"]) > 1000  # a real scan, not two empty sets
    assert spark["pairs"].keys() == local["pairs"].keys()
    differ = {k: (v, spark["pairs"][k]) for k, v in local["pairs"].items() if spark["pairs"][k] != v}
    assert differ == {}


def test_the_same_evidence_with_wire_versions_named_by_article_id(local, spark):
    read = {k: v for k, v in local["evidence"].items() if "versions" in v}
    assert len(read) > 100
    assert all(isinstance(name, str) for v in read.values() for name in v["versions"])
    differ = {k: (v, spark["evidence"][k]) for k, v in local["evidence"].items() if spark["evidence"][k] != v}
    assert differ == {}


def test_the_same_stories_and_provenance_edges(local, spark):
    assert len(local["stories"]) > 100
    assert any(versions for _, _, edges in local["stories"] for *_, versions in edges)  # read as one: compared too
    assert spark["stories"] == local["stories"]


def test_the_seed_pair_is_a_rewrite_of_the_reuters_story(spark):
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    source, rewrite = next(s for s in seeds if "/000_" in s), next(s for s in seeds if "/002_" in s)
    relation, src, derived, _ = spark["pairs"][tuple(sorted((source, rewrite), key=seeds.index))]
    assert (relation, src, derived) == ("rewrite", source, rewrite)


def test_the_summary_counts_what_the_local_scan_counts(local, spark):
    summary = spark["summary"]
    assert summary["type"] == "summary"
    assert summary["articles"] == local["ingest"].added
    assert summary["duplicates"] == local["ingest"].duplicates
    assert summary["rejected"] == len(local["ingest"].rejected) == 0
    assert summary["compared_pairs"] == local["scan"].compared
    assert summary["found"] == local["scan"].found
    # Wire versions read as one: the same readings, the same pairs made rewrites (compared above, pair by pair).
    assert local["scan"].from_versions > 100
    assert summary["read_as_versions"] == local["scan"].read_as_versions
    assert summary["from_versions"] == local["scan"].from_versions
    assert summary["stories"] == len(local["stories"])
    assert len(spark["lines"]) == 1  # nothing rejected, nothing listed
