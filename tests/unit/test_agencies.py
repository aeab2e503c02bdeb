"""A news agency's copy is the source when publication times cannot say: names, domains, and METER pairs."""

from __future__ import annotations

import dataclasses

import pytest

from wiretrace.core.agencies import is_agency, order_by_agency
from wiretrace.errors import ConfigError
from wiretrace.evaluate.meter_data import load_meter
from wiretrace.pipeline import Engine
from wiretrace.settings import Settings


@pytest.mark.parametrize(
    "outlet",
    ["Reuters", "REUTERS", "Thomson Reuters", "The Associated Press", "AP", "Agence France-Presse", "PA",
     "Press Association", "dpa", "www.reuters.com", "apnews.com", "uk.reuters.com", "Agência EFE"],
)  # fmt: skip
def test_agencies_are_known_by_name_and_domain(outlet):
    assert is_agency(outlet)


@pytest.mark.parametrize(
    "outlet",
    [None, "", "The Guardian", "Reuters Institute", "reuters.com.example.org", "notreuters.com", "Daily Mail",
     "Associated Newspapers", "APNewsletter"],
)  # fmt: skip
def test_other_outlets_are_not_agencies(outlet):
    assert not is_agency(outlet)


def test_only_one_agency_orders_a_pair():
    assert order_by_agency("Reuters", "example-news.com") == -1
    assert order_by_agency("example-news.com", "Reuters") == 1
    assert order_by_agency("Reuters", "AFP") == 0
    assert order_by_agency(None, None) == 0


def test_the_setting_reads_yes_and_no_and_refuses_anything_else():
    assert Settings.from_mapping({"agency_rule": "false"}).agency_rule is False
    assert Settings.from_mapping({"agency_rule": "1"}).agency_rule is True
    assert Settings.from_mapping({"agency_rule": False}).agency_rule is False
    with pytest.raises(ConfigError, match="agency_rule='maybe' is not a boolean"):
        Settings.from_mapping({"agency_rule": "maybe"})


@pytest.mark.data
def test_a_wire_story_the_text_reads_backwards_is_the_source_by_agency(engine, data_dir):
    """METER: a newspaper text carrying more than the PA text it was written from looks like the original.

    Without dates, the textual model takes the longer, richer text for the
    source; the PA outlet settles it, whichever way round the pair is given,
    and switching the rule off gives the textual reading back. (The relation is
    then judged in the agency's direction, as with dates: some pairs that read
    as rewrites backwards are same-event reports forwards.)
    """
    split = load_meter(data_dir / "meter")
    text_only = Engine(Settings(agency_rule=False), embedder=engine.embedder, lexicon=engine.lexicon)
    found = None
    for paper in split.newspapers:
        if paper.label == "non-derived":
            continue
        for pa in split.pa[paper.group]:
            by_text = text_only.compare(pa, paper.article)
            if by_text.relation == "rewrite" and by_text.source == "b":
                by_agency = engine.compare(pa, paper.article)
                if by_agency.relation == "rewrite":
                    found = pa, paper.article, by_text
                    break
        if found:
            break
    assert found is not None, "no METER pair read backwards by the text: the test lost its subject"
    pa, article, by_text = found
    assert (pa.outlet, by_text.direction_basis) == ("PA", "text")
    forward, backward = engine.compare(pa, article), engine.compare(article, pa)
    assert (forward.relation, forward.source, forward.direction_basis) == ("rewrite", "a", "agency")
    assert (backward.relation, backward.source, backward.direction_basis) == ("rewrite", "b", "agency")
    assert forward.probabilities["direction"] == 1.0
    # Two agencies' copies, or publication times, leave the rule out.
    both = engine.compare(pa, dataclasses.replace(article, outlet="Reuters"))
    assert both.direction_basis == "text"
    dated = engine.compare(
        dataclasses.replace(pa, published="2000-01-02"), dataclasses.replace(article, published="2000-01-01")
    )
    assert dated.source in ("b", None) and dated.direction_basis in ("published", None)


@pytest.mark.data
def test_sources_and_provenance_credit_the_wire_before_papers_that_retold_it(engine, data_dir):
    """METER's axe story: the Times' text is covered fully by other papers' retellings of the same PA copy.

    Each of those papers covers it more than some PA versions do (they all
    reused the same wire sentences), so by the text alone rival papers rank
    among the wire versions; the wire is its origin, and comes first.
    """
    from wiretrace.adapters.store import MemoryStore
    from wiretrace.corpus import Corpus

    split = load_meter(data_dir / "meter")
    group = next((g for g in split.pa if g.endswith("12.07.99/axe")), None)
    assert group is not None, "METER dev's axe story (courts/12.07.99/axe) is missing"
    papers = [t.article for t in split.newspapers if t.group == group]
    times = next(a for a in papers if str(a.id).endswith("axe36_times.txt"))

    def ranked(settings: Settings) -> tuple[list[str], Corpus]:
        corpus = Corpus(MemoryStore(), Engine(settings, embedder=engine.embedder, lexicon=engine.lexicon))
        corpus.ingest([*split.pa[group], *papers])
        corpus.scan()
        return [str(m.article.article.outlet) for m in corpus.sources(str(times.id))], corpus

    def first_paper(outlets: list[str]) -> int:
        return next(k for k, o in enumerate(outlets) if o != "PA")

    by_text, _ = ranked(Settings(agency_rule=False))
    assert "PA" in by_text[first_paper(by_text) :], "by the text alone a wire version ranks below a rival paper"
    with_rule, corpus = ranked(Settings())
    assert with_rule[0] == "PA"
    assert "PA" not in with_rule[first_paper(with_rule) :]  # every wire version before the papers
    assert sorted(with_rule) == sorted(by_text)
    rowid = corpus.store.get(str(times.id)).rowid
    parents = [e for story in corpus.stories() for e in story.edges if e.derived == rowid]
    assert [corpus.store.get(e.source).article.outlet for e in parents][:1] == ["PA"]
    assert parents[0].basis == "agency"
