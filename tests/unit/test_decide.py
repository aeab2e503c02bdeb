"""The verdict rules on real pairs: a rewrite is shown sentence by sentence, or it is not a rewrite."""

from __future__ import annotations

import dataclasses

import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.types import Article

pytestmark = pytest.mark.data

# METER showbiz pairs the relation model alone called rewrites with no sentence linked (0% coverage):
# Mirror items sharing words and names with PA's copy, but no sentence.
UNLINKED = [
    ("08.08.99/plaque", "plaque1.txt", "plaque3_mirror.txt"),
    ("12.08.99/blackadder", "blackadder1.txt", "blackadder63_mirror.txt"),
    ("17.04.00/holden", "holden1.txt", "holden111_mirror.txt"),
]


@pytest.mark.parametrize(("group", "wire", "paper"), UNLINKED)
def test_no_linked_sentence_no_rewrite(engine, data_dir, group, wire, paper):
    meter = data_dir / "meter"
    result = engine.compare(
        read_article(meter / "PA" / "rawtexts" / "showbiz" / group / wire),
        read_article(meter / "newspapers" / "rawtexts" / "showbiz" / group / paper),
    )
    assert not result.alignment
    assert result.relation != "rewrite"
    assert result.probabilities["rewrite"] == 0.0
    assert sum(result.probabilities[k] for k in ("rewrite", "same-event", "unrelated")) == pytest.approx(1.0)


def _page_reprinting(article, *others) -> Article:
    """A later page that reprints ``article`` whole, with other articles after it."""
    body = article.text[article.header :] + "\n\n" + "\n\n".join(o.text for o in others)
    return Article(body, id="page", published="2025-11-04")


@pytest.mark.parametrize("extra", [1, 3])
def test_a_page_that_reprints_an_article_whole_among_others_is_a_rewrite(engine, data_dir, seed_source, extra):
    """Padded with unrelated BBC articles, the copied seed accounts for less than half the page; the relation
    model alone had called it an independent report (0.50 with one article more, 0.83 with three)."""
    bbc = [read_article(data_dir / "bbc" / "bbc" / "politics" / f"{n}.txt") for n in range(100, 100 + extra)]
    page = _page_reprinting(seed_source, *bbc)
    result = engine.compare(seed_source, page)
    assert (result.relation, result.source, result.extent) == ("rewrite", "a", "partially")
    assert result.coverage["source"] == 1.0 and result.coverage["derived"] < 0.5
    assert result.confidence >= engine.fitted.copied.precision
    # The rule reads the seed as standing whole in the page, and not in an article it is not in.
    assert engine.fitted.copied.fires(_evidence_of(engine, seed_source, page))
    assert not engine.fitted.copied.fires(_evidence_of(engine, seed_source, bbc[0]))


def _evidence_of(engine, derived, source) -> dict[str, float]:
    from wiretrace.core.decide import evidence

    d, s = engine.prepare(derived), engine.prepare(source)
    return evidence(d, s, engine.align(d, s))


def test_an_undated_page_that_reprints_an_article_after_one_of_its_own_is_the_derived_text(
    engine, data_dir, seed_source
):
    """No dates: the page (a BBC article, then the seed whole) is the copy, and a METER paper that is PA's copy
    cut short (it stands whole in PA's text, from its lead) is still read as the shorter, derived text."""
    bbc = read_article(data_dir / "bbc" / "bbc" / "politics" / "100.txt")
    undated = dataclasses.replace(seed_source, published=None)
    page = Article(bbc.text + "\n\n" + undated.text[undated.header :], id="page")
    for a, b, derived in ((undated, page, "b"), (page, undated, "a")):
        result = engine.compare(a, b)
        assert (result.relation, result.derived, result.direction_basis) == ("rewrite", derived, "text")
        assert result.probabilities["direction"] == engine.fitted.copied.reprint_precision
    story = "rawtexts/courts/16.07.99/banker"
    wire = read_article(data_dir / "meter" / "PA" / story / "banker1.txt")
    wire = dataclasses.replace(wire, outlet=None)  # the text alone: no agency byline to go by
    paper = read_article(data_dir / "meter" / "newspapers" / story / "banker125_telegraph.txt")
    assert engine.fitted.copied.fires(_evidence_of(engine, paper, wire))  # the paper stands whole in the wire
    result = engine.compare(wire, paper)
    assert (result.derived, result.direction_basis) == ("b", "text")
    assert result.probabilities["direction"] != engine.fitted.copied.reprint_precision


def test_the_copied_rule_never_fires_on_independent_reports(engine, data_dir):
    """METER's Guardian and Mirror wrote their Bonehead items independently of each other: no copy."""
    story = data_dir / "meter" / "newspapers/rawtexts/showbiz/09.08.99/oasis"
    a, b = read_article(story / "oasis31_guardian.txt"), read_article(story / "oasis24_mirror.txt")
    assert not engine.fitted.copied.fires(_evidence_of(engine, a, b))
    assert not engine.fitted.copied.fires(_evidence_of(engine, b, a))


def test_a_line_of_boilerplate_inside_an_article_is_no_copy_of_it(engine, data_dir):
    """One sentence standing whole in an unrelated article is too little to call it copied (review)."""
    line = "The company did not immediately respond to a request for comment."
    item = Article(line, id="item", published="2025-01-01")
    bbc = read_article(data_dir / "bbc" / "bbc" / "business" / "010.txt")
    article = Article(bbc.text.rstrip() + "\n\n" + line, id="article", published="2025-01-02")
    result = engine.compare(item, article)
    assert not engine.fitted.copied.fires(_evidence_of(engine, item, article))
    assert result.relation != "rewrite"


def test_one_sentence_against_a_longer_text_leaves_the_direction_undecided(engine, data_dir):
    """PA's one-sentence flash of the axe attack and the Express's story: the text alone had called the
    flash the copy at probability 1.00 (helper's audit); with no date or outlet to go by, it cannot tell."""
    from wiretrace.report import direction_undecided

    meter = data_dir / "meter"
    flash = read_article(meter / "PA/rawtexts/courts/12.07.99/axe/axe1snap.txt")
    story = read_article(meter / "newspapers/rawtexts/courts/12.07.99/axe/axe32_express.txt")
    flash = dataclasses.replace(flash, published=None)
    for a, b in ((flash, story), (story, flash)):
        result = engine.compare(a, b)
        assert (result.relation, result.direction_basis) == ("rewrite", "text")
        assert result.probabilities["direction"] == 0.5 and direction_undecided(result)


def test_a_text_read_as_from_a_tenth_of_the_other_leaves_the_direction_undecided(engine, data_dir):
    """PA's two-sentence snap of the Barwell case and the Telegraph's 29-sentence story built on it: the text
    alone had called the snap the copy at 1.00, using 9% of the story; such calls are right 8 times in 47."""
    from wiretrace.report import direction_undecided

    meter = data_dir / "meter"
    snap = read_article(meter / "PA/rawtexts/courts/04.10.99/lynx/lynx1snap.txt")
    story = read_article(meter / "newspapers/rawtexts/courts/04.10.99/lynx/lynx252_telegraph.txt")
    snap = dataclasses.replace(snap, published=None, outlet=None)
    for a, b in ((snap, story), (story, snap)):
        result = engine.compare(a, b)
        assert (result.relation, result.direction_basis) == ("rewrite", "text")
        assert result.coverage["source"] < 0.1
        assert result.probabilities["direction"] == 0.5 and direction_undecided(result)


def test_identical_texts_name_one_article_derived_whichever_is_passed_first(engine, seed_source):
    """A verbatim syndicated copy, undated: the text cannot tell, and the first argument had been named the
    derived text both ways round, so the JSON's source and derived flipped with the order of the call."""
    from wiretrace.report import direction_undecided

    x = Article(seed_source.text, id="outlet-x/story", outlet="Outlet X")
    y = Article(seed_source.text, id="outlet-y/story", outlet="Outlet Y")
    named = []
    for a, b in ((x, y), (y, x)):
        result = engine.compare(a, b)
        assert (result.relation, result.direction_basis) == ("rewrite", "text")
        assert result.probabilities["direction"] == 0.5 and direction_undecided(result)
        named.append((a, b)[result.derived == "b"].id)
    assert named[0] == named[1]


def test_a_zoned_time_within_a_day_of_a_date_leaves_the_direction_to_the_text(engine, seed_source, seed_rewrite):
    """Reuters' story timed 00:30 in Seoul on the 4th (15:30 UTC on the 3rd) against a rewrite dated the 3rd.

    The day the rewrite gives holds that instant somewhere on earth, so the dates cannot say which came
    first; read by each side's own calendar day, they had made Reuters the copy "by date".
    """
    seoul = dataclasses.replace(seed_source, published="2025-11-04T00:30+09:00")
    result = engine.compare(seoul, dataclasses.replace(seed_rewrite, published="2025-11-03"))
    assert (result.relation, result.source, result.direction_basis) == ("rewrite", "a", "text")
    later = engine.compare(seoul, dataclasses.replace(seed_rewrite, published="2025-11-05"))
    assert (later.source, later.direction_basis) == ("a", "published")
    earlier = engine.compare(seoul, dataclasses.replace(seed_rewrite, published="2025-11-02"))
    assert (earlier.source, earlier.direction_basis) == ("b", "published")
