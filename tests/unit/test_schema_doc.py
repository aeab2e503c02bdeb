"""docs/schema.md lists exactly the fields comparison_to_dict emits, with their types."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.report import SCHEMA, comparison_to_dict
from wiretrace.types import Comparison

DATA = Path(__file__).resolve().parents[1] / "data"

# (a, b, expected relation): every relation, nulls and empty lists on both sides.
PAIRS = [
    ("harbour_source.txt", "harbour_rewrite.txt", "rewrite"),
    ("harbour_source.txt", "harbour_independent.txt", "same-event"),
    ("harbour_source.txt", "hostile_source.txt", "unrelated"),
]


@pytest.fixture(scope="module")
def results(engine, seed_source, seed_rewrite) -> list[tuple[str, Comparison]]:
    out = [("seed pair", engine.compare(seed_source, seed_rewrite))]
    altered = dataclasses.replace(seed_rewrite, text=seed_rewrite.text.replace("28,500", "25,800"))
    out.append(("seed pair, a figure changed", engine.compare(seed_source, altered)))
    unsourced = dataclasses.replace(seed_rewrite, text=seed_rewrite.text.replace("450,000 active", "540,000 active"))
    out.append(("seed pair, a figure the source states nowhere", engine.compare(seed_source, unsourced)))
    for a, b, relation in PAIRS:
        result = engine.compare(read_article(DATA / a), read_article(DATA / b))
        assert result.relation == relation, f"{a} vs {b}: fixture pair no longer gives {relation}"
        out.append((f"{a} vs {b}", result))
    return out


def test_the_doc_names_this_schema_version():
    text = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# JSON output: `{SCHEMA}`"
    assert "never break" in text


def test_every_emitted_field_is_documented_with_its_type(results, schema_doc, engine):
    for name, result in results:
        data = comparison_to_dict(result, engine.embedder.name)
        assert schema_doc.problems(data) == [], name


def test_every_documented_field_is_emitted(results, schema_doc):
    emitted: set[str] = set()
    for _, result in results:
        emitted |= set(schema_doc.emitted(comparison_to_dict(result, "model-name")))
        emitted |= set(schema_doc.emitted(comparison_to_dict(result)))
    assert sorted(set(schema_doc.fields) - emitted) == []
    assert sorted(emitted - set(schema_doc.fields)) == []


def test_top_level_keys_in_documented_order(results, schema_doc):
    top = [path for path in schema_doc.fields if "." not in path and "[" not in path]
    for _, result in results:
        assert list(comparison_to_dict(result)) == top


def test_nulls_and_sides_follow_the_relation(results):
    for name, result in results:
        data = comparison_to_dict(result)
        if data["relation"] == "rewrite":
            assert {data["source"], data["derived"]} == {"a", "b"}, name
            assert data["alignment_sides"] == {"derived": data["derived"], "source": data["source"]}
            assert data["direction_basis"] in {"published", "agency", "text"}
            assert data["extent"] in {"wholly", "partially"}
        else:
            assert (data["source"], data["derived"], data["direction_basis"], data["extent"]) == (None,) * 4, name
            assert data["alignment_sides"] == {"derived": "b", "source": "a"}


def test_offsets_index_the_text_as_read(results):
    for _, result in results:
        data = comparison_to_dict(result)
        for side, view in (("a", result.a), ("b", result.b)):
            for item in data["articles"][side]["sentences"] + data["articles"][side]["removed"]:
                assert view.article.text[item["start"] : item["end"]] == item["text"]


def test_output_is_strict_json(results):
    for _, result in results:
        text = json.dumps(comparison_to_dict(result), allow_nan=False, ensure_ascii=False)
        assert json.loads(text)["schema"] == SCHEMA
