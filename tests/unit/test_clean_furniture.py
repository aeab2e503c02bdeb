"""Furniture found in text extracted from web pages, and text that must stay."""

from __future__ import annotations

import pytest

from wiretrace.core.clean import find_furniture, is_title_like

STORY = (
    "The harbour board approved a €48 million expansion of the ferry terminal on Wednesday.\n"
    "The plan adds a second loading ramp and a waiting hall for 1,200 passengers.\n"
)


def _cut(text: str) -> dict[str, str]:
    return {r.text: r.reason for r in find_furniture(text)}


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Ferry fares to rise 4% from April",
        "Subscribe to our newsletter for the full story.",
        "Never miss a story: sign up to our morning briefing",
        "To view the full story, please log in.",
        "Source: Eastholm port authority",
        "© 2024 The Coastal Ledger",
        "Copyright 2024 The Coastal Ledger, all rights reserved",
        "Advertisement",
        "Lesen Sie auch: Neue Fähre für Eastholm",
        "Weitere Artikel zum Thema",
        "Foto: Mara Lindqvist",
        "À lire aussi : la gare maritime s'agrandit",
        "Le puede interesar: el puerto amplía su terminal",
        "Leggi anche: il porto raddoppia",
        "Czytaj też: Port rozbuduje terminal promowy",
    ],
)
def test_prompts_in_extracted_pages_are_cut(line):
    text = STORY + line + "\n"
    assert _cut(text) == {line: "prompt"}


@pytest.mark.parametrize(
    "line",
    [
        "Subscribers to the ferry pass rose 4% in the quarter, the port said.",
        "Advertisement spending by the port rose to €2 million.",
        "Copyright law was not part of the board's decision.",
        "Sources at the port said the vote was close.",
        "Recommended fares will be published in April.",
    ],
)
def test_sentences_that_start_like_prompts_stay(line):
    assert _cut(STORY + line + "\n") == {}


def test_table_rows_are_not_a_headline_list():
    table = "| Year | Passengers | Ferries |\n| 2014 | 1.1 Million | 12 |\n| 2023 | 2.3 Million | 19 |\n"
    assert _cut(STORY + table) == {}
    assert not is_title_like("| Kyle Busch | Toyota | 5040 |")


def test_short_data_lines_are_not_a_headline_list():
    facts = "Ferry Operator: Baltic Line\nOpening: Summer 2026\nArchitect: Lund Studio\nCost: €48 Million\n"
    assert _cut(STORY + facts) == {}


def test_a_pasted_list_of_headlines_is_still_cut():
    headlines = (
        "Eastholm FC Through To Cup Semi-Final After Late Winner\n"
        "Old Bridge Closed For Repairs Until The End Of May\n"
        "Fish Market Reopens Three Months After Warehouse Fire\n"
    )
    text = STORY + "\n" + headlines
    removed = find_furniture(text)
    assert [r.reason for r in removed] == ["headline list"]
    assert removed[0].text == headlines.rstrip("\n")


def test_removed_spans_index_the_original_text():
    text = "Share this\n" + STORY + "| a | b |\nLesen Sie auch: Mehr\n---\nmf<\n"
    removed = find_furniture(text)
    assert [r.reason for r in removed] == ["prompt", "prompt", "rule", "sign-off"]
    for r in removed:
        assert text[r.start : r.end] == r.text
