"""The terminal report: the same words with and without colour, compact, safe for a terminal."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.report import comparison_to_dict, comparison_to_text, group_links, verdict_summary
from wiretrace.types import Article, Comparison

DATA = Path(__file__).resolve().parents[1] / "data"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def seed(engine, seed_source, seed_rewrite) -> Comparison:
    return engine.compare(seed_source, seed_rewrite)


@pytest.fixture(scope="module")
def harbour(engine) -> Comparison:
    return engine.compare(read_article(DATA / "harbour_source.txt"), read_article(DATA / "harbour_rewrite.txt"))


def test_plain_text_has_no_escape_codes_and_colour_only_adds_them(seed):
    plain = comparison_to_text(seed)
    coloured = comparison_to_text(seed, colour=True)
    assert "\x1b" not in plain
    assert ANSI.search(coloured)
    assert click.unstyle(coloured) == plain


def test_verdict_lines(seed):
    lines = comparison_to_text(seed, width=200).splitlines()
    assert lines[0].startswith("REWRITE: b (") and "was written from a (" in lines[0]
    assert lines[1].startswith(f"confidence {seed.confidence:.2f} · partially derived · direction by textual evidence")
    assert "(a 2025-11-03, b undated)" in lines[1]
    assert lines[2] == "coverage: 100% of b comes from a, 75% of a was reused"
    assert lines[3] == "sentences: 10 in b (2 paraphrase, 5 merged, 3 split, 0 added), 14 in a (4 dropped)"
    assert lines[4] == "cut from b: headline list (17 lines)"


def test_a_text_against_itself_is_a_copy_whose_direction_is_not_claimed(engine, seed_source):
    same = engine.compare(seed_source, seed_source)
    assert same.relation == "rewrite" and same.probabilities["direction"] == 0.5
    lines = comparison_to_text(same, width=400).splitlines()
    assert lines[0].startswith("REWRITE: one of a (") and lines[0].endswith(") was written from the other")
    assert "direction undecided: the text alone cannot tell" in lines[1]
    assert "direction by" not in lines[1]
    # So too in the one-line verdict `sources`, `copies` and the web's lists show.
    assert verdict_summary(same).endswith("direction undecided (the text alone cannot tell)")


def test_links_are_listed_by_group_with_each_source_sentence_once(seed):
    text = comparison_to_text(seed)
    for link in seed.alignment:
        label = "+".join(f"A{j:02d}" for j in link.source)
        assert re.search(
            rf"^  B{link.derived[0]:02d} ← {re.escape(label)} +{link.kind} +{link.score:.2f}  ", text, re.M
        )
    source_lines = re.findall(r"^ {8}(A\d\d)  ", text, re.M)
    used = sorted({j for link in seed.alignment for j in link.source})
    assert sorted(source_lines) == [f"A{j:02d}" for j in used]
    # A group's source sentences follow its last derived sentence: A00 and A10 after B01.
    lines = text.splitlines()
    b01 = next(n for n, line in enumerate(lines) if line.startswith("  B01 ← A00+A10"))
    assert lines[b01 + 1].startswith("        A00  ") and lines[b01 + 2].startswith("        A10  ")
    assert len(set(group_links(seed.alignment))) == 6


def test_added_dropped_and_facts(harbour):
    text = comparison_to_text(harbour)
    assert "Added in b (no source):\n  B06  Local businesses near the docks" in text
    assert "Dropped from a:\n  A07  Shipping lines have already begun" in text
    assert "cut from b: prompt (1 line), headline list (4 lines)" in text
    facts = text[text.index("Carried facts (15):") :]
    assert "Ilse Vandermeer" in facts and "1,840" in facts


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_no_line_is_wider_than_asked(seed, width):
    for colour in (False, True):
        for line in click.unstyle(comparison_to_text(seed, colour=colour, width=width)).splitlines():
            assert len(line) <= width, line


def test_long_lines_wrap_at_spaces_keeping_paths_whole(seed):
    lines = comparison_to_text(seed, width=80).splitlines()
    verdict = " ".join(line.strip() for line in lines[:3])
    assert verdict.startswith("REWRITE: b (")
    for view in (seed.a, seed.b):
        path = view.article.path
        assert len(path) > 80 or any(f"({path})" in line for line in lines[:3]), path


def test_compact_one_line_per_sentence_or_link(seed):
    lines = comparison_to_text(seed, width=200).splitlines()
    used = {j for link in seed.alignment for j in link.source}
    # verdict block (5) + blank/heading pairs + links + source sentences + dropped + facts (wrapped)
    assert len(lines) <= 5 + 2 * 3 + len(seed.alignment) + len(used) + len(seed.dropped) + 4


def test_without_a_rewrite_no_added_or_dropped_lists(engine):
    result = engine.compare(read_article(DATA / "harbour_source.txt"), read_article(DATA / "harbour_independent.txt"))
    assert result.relation == "same-event"
    text = comparison_to_text(result)
    assert text.startswith("SAME EVENT, reported independently: a (")
    assert "Closest sentences (b ≈ a):" in text and "B00 ≈ A00" in text
    assert "Added" not in text and "Dropped" not in text
    assert "Shared facts" in text


def test_unrelated_is_three_lines(engine):
    result = engine.compare(read_article(DATA / "harbour_source.txt"), read_article(DATA / "hostile_source.txt"))
    assert result.relation == "unrelated" and not result.alignment
    lines = comparison_to_text(result, width=200).splitlines()
    assert lines[0].startswith("UNRELATED: a (")
    assert len(lines) == 3


def test_confidence_is_never_rounded_up_to_certainty(harbour):
    almost = dataclasses.replace(harbour, confidence=0.9987)
    assert "confidence 0.99 ·" in comparison_to_text(almost)


def test_terminal_control_characters_in_articles_are_neutralised(engine):
    hostile = (
        "Councillors approved the \x1b[2J\x1b]0;pwned\x07 harbour budget of 48 million euros on Thursday. "
        "The mayor said the \u202eplan\u202c would fund 12 schools.\n\nOpposition members walked out."
    )
    result = engine.compare(Article(hostile, id="x\x1b[31m"), Article(hostile, id="y"))
    text = comparison_to_text(result)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\ufffd[2J" in text and "x\ufffd[31m" in text
    assert not ANSI.sub("", comparison_to_text(result, colour=True)).count("\x1b")


def test_the_json_names_the_model_without_being_told(engine, seed):
    assert seed.model == engine.embedder.name
    assert comparison_to_dict(seed)["model"] == engine.embedder.name
    assert comparison_to_dict(seed, model="given")["model"] == "given"


@pytest.mark.data
def test_a_backdated_copy_keeps_the_dates_order_but_the_report_says_the_text_disagrees(engine, data_dir):
    # METER's Star retold PA's knickers story almost word for word; dated a day before the wire copy, the
    # dates make the Star the source, and the text alone reads it the other way round.
    group = data_dir / "meter"
    wire = read_article(group / "PA/rawtexts/courts/07.10.99/knickers/knickers1.txt")
    star = read_article(group / "newspapers/rawtexts/courts/07.10.99/knickers/knickers234_star.txt")
    result = engine.compare(
        dataclasses.replace(wire, published="1999-10-07"), dataclasses.replace(star, published="1999-10-06")
    )
    assert (result.relation, result.source, result.direction_basis) == ("rewrite", "b", "published")
    assert result.probabilities["direction_text"] < 0.1
    assert "direction by dates (the text reads the other way, 9" in verdict_summary(result)
    assert "the text alone reads it the other way round (0.9" in comparison_to_text(result, width=400).splitlines()[1]
    # Dated the right way round, nothing to say.
    right = engine.compare(
        dataclasses.replace(wire, published="1999-10-06"), dataclasses.replace(star, published="1999-10-07")
    )
    assert "the other way" not in verdict_summary(right)
