"""Texts made to hang, crash or fool the engine: each is read in linear time and judged as its plain twin.

Each case was found by feeding wiretrace crafted input; before its fix, each took minutes (or raised).
"""

from __future__ import annotations

import json
import re

import pytest

from wiretrace.adapters.inputs import parse_jsonl_line
from wiretrace.adapters.readers import article_from_text, read_bytes
from wiretrace.core.sentences import paragraph_spans
from wiretrace.errors import InputError
from wiretrace.types import Article


def test_a_full_stop_followed_by_a_long_run_of_spaces_splits_at_once():
    text = "Officials met on Monday." + " " * 200_000 + "More follows.\nA second paragraph."
    spans = paragraph_spans(text, 0, len(text))
    assert [text[a:b].strip()[:13] for a, b in spans] == ["Officials met", "A second para"]


def test_a_label_is_found_past_a_word_of_a_hundred_thousand_letters():
    from wiretrace.corpus_report import first_line

    article = Article(text="x" * 100_000 + "\nSeoul will take control of its forces.\n")
    assert first_line(article) == "Seoul will take control of its forces."


@pytest.mark.parametrize(
    "published", ["0001-01-01T01:00:00+05:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00", "9999-12-31"]
)
def test_a_placeholder_for_no_date_is_read_as_none(published):
    """Year 1 (.NET's and Go's zero time) and 9999: a feed's "no date", some with no UTC equivalent at all."""
    line = json.dumps({"id": "a", "text": "Seoul will take control of its forces.", "published": published})
    article = parse_jsonl_line(line.encode(), "feed.jsonl:1")
    assert article.published is None


def test_only_the_first_lines_are_read_as_metadata():
    article = article_from_text(" id x\n" * 850_000 + "The minister said on Monday.\n", "m.txt")
    assert article.id == "x" and article.header == 32 * len(" id x\n")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": ' + b"9" * 5000 + b', "text": "A story."}', "malformed JSON: exceeds the limit (4300 digits)"),
        (b'{"text": "A story.", "e": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "malformed JSON: nested too deeply"),
    ],
)
def test_json_too_long_or_too_deep_is_one_rejection(line, reason):
    assert parse_jsonl_line(line, "feed.jsonl:4").reason.startswith(reason)


def test_a_sentence_of_thousands_of_quotes_is_described_in_linear_time(engine):
    text = "He said " + " and ".join(f'"quote number {i} is rather long"' for i in range(5000)) + " today."
    result = engine.compare(text, text.replace("rather", "quite", 7))
    assert result.relation == "rewrite" and len([f for f in result.carried_facts if f.kind == "quote"]) >= 16


def test_an_html_page_over_the_size_limit_is_refused_before_parsing():
    page = b"<html><body><p>" + b"Seoul will take control of its forces. " * 300_000 + b"</p></body></html>"
    with pytest.raises(InputError, match=r"big\.html: page of 11\.7 M characters; pages over 10 M are not read"):
        read_bytes(page, "big.html")


def _with_soft_hyphens(text: str) -> str:
    return re.sub(r"([A-Za-z]{3})([A-Za-z]{3,})", lambda m: m[1] + "\u00ad" + m[2], text)


def _with_homoglyphs(text: str) -> str:
    cyrillic = str.maketrans("aeopcxy", "аеорсху")
    return re.sub(r"[A-Za-z]{4,}", lambda m: m[0][0] + m[0][1:].translate(cyrillic), text)


@pytest.mark.parametrize(
    "disguise",
    [
        _with_soft_hyphens,  # invisible, inside every longer word: hides a copy from word matching
        lambda t: t.replace("e", "e\u200b", 40),  # zero-width spaces
        lambda t: t.replace("\n", "\u2028"),  # Unicode line separators for line ends
        lambda t: t.replace("\n", "\r"),  # old Mac line ends
        lambda t: t.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),  # fullwidth forms of ASCII
        _with_homoglyphs,  # Cyrillic letters drawn like Latin ones, inside English words
    ],
    ids=["soft-hyphens", "zero-width-spaces", "line-separators", "cr-line-ends", "fullwidth", "homoglyphs"],
)
def test_the_seed_rewrite_in_disguise_is_still_the_rewrite(engine, seed_source, seed_rewrite, disguise):
    plain = engine.compare(seed_source, seed_rewrite)
    text = disguise(seed_rewrite.text[seed_rewrite.header :])
    assert text != seed_rewrite.text[seed_rewrite.header :]
    disguised = engine.compare(seed_source, article_from_text(text, "disguised.txt"))
    assert (disguised.relation, disguised.source) == (plain.relation, plain.source) == ("rewrite", "a")
    assert [(link.derived, link.source) for link in disguised.alignment] == [
        (link.derived, link.source) for link in plain.alignment
    ]
    assert [r.reason for r in disguised.b.removed] == [r.reason for r in plain.b.removed] != []
    # the Python API, given the text itself
    assert engine.compare(seed_source, text).relation == "rewrite"
