"""The first acceptance test: the real seed pair (Reuters story and a site's rewrite)."""

from __future__ import annotations

import pytest

from wiretrace.types import Comparison

# R (002) sentence -> acceptable source sentence sets of 000 (issue #2).
EXPECTED = {
    0: [{0}],
    1: [{0, 10}],
    2: [{1, 2}],
    3: [{1, 2}],
    4: [{4}, {5}],
    5: [{4, 5}],
    6: [{6}],
    7: [{6, 7}],
    8: [{9}, {8}],
    9: [{13}],
}


@pytest.fixture(scope="module")
def result(engine, seed_source, seed_rewrite) -> Comparison:
    return engine.compare(seed_source, seed_rewrite)


def test_relation_is_rewrite_from_000(result):
    assert result.relation == "rewrite"
    assert result.source == "a"
    assert result.derived == "b"
    assert result.confidence > 0.5


def test_direction_also_found_with_the_arguments_swapped(engine, seed_source, seed_rewrite):
    swapped = engine.compare(seed_rewrite, seed_source)
    assert (swapped.relation, swapped.source, swapped.derived) == ("rewrite", "b", "a")


def test_paths_are_read_and_a_str_naming_a_file_is_text_with_a_warning(engine, seed_source_path, seed_rewrite_path):
    by_path = engine.compare(seed_source_path, seed_rewrite_path)
    assert (by_path.relation, by_path.source) == ("rewrite", "a")
    with pytest.warns(UserWarning, match=r"names a file: pass Path\("):
        by_str = engine.compare(str(seed_source_path), str(seed_rewrite_path))
    assert by_str.a.article.text == str(seed_source_path)  # the two file names, compared as the text they are


def test_sentences_are_counted_as_in_the_issue(result):
    assert len(result.a.sentences) == 14
    assert len(result.b.sentences) == 10
    assert result.a.sentences[8].text == "SOUTH KOREA TO INCREASE DEFENCE BUDGET"


def test_headline_list_is_cut_from_002(result):
    reasons = [r.reason for r in result.b.removed]
    assert reasons == ["headline list"]
    removed = result.b.removed[0].text
    assert removed.count("\n") >= 16
    assert all(s.end <= result.b.removed[0].start for s in result.b.sentences)


def test_date_header_is_read_and_not_a_sentence(result):
    assert result.a.article.published == "2025-11-03"
    assert result.a.sentences[0].text.startswith("U.S. Defense Secretary")


def test_every_rewrite_sentence_maps_to_its_source(result):
    got = {link.derived[0]: set(link.source) for link in result.alignment}
    assert sorted(got) == list(range(10)), f"unlinked: {sorted(set(range(10)) - set(got))}"
    for r, options in EXPECTED.items():
        assert got[r] in options, f"R{r:02d} -> {sorted(got[r])}, expected one of {options}"


def test_dropped_are_the_unused_source_sentences(result):
    dropped = set(result.dropped)
    assert {11, 12} <= dropped
    assert dropped <= {3, 8, 11, 12}


def test_no_sentence_is_verbatim(result):
    assert not [link for link in result.alignment if link.kind == "verbatim"]
    assert {link.kind for link in result.alignment} <= {"paraphrase", "merged", "split", "near-verbatim"}


def test_scores_and_coverage_are_in_range(result):
    assert all(0.0 <= link.score <= 1.0 for link in result.alignment)
    assert result.coverage["derived"] == pytest.approx(1.0)
    assert 0.5 < result.coverage["source"] < 1.0


def test_distinctive_facts_are_carried(result):
    facts = {f.text for f in result.carried_facts}
    assert {"28,500", "450,000"} <= facts
    assert any("Ahn Gyu-back" in f for f in facts)
    assert not facts & {"U", "S", "Monday", "Tuesday"}
