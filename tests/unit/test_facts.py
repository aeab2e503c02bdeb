"""Facts carried and changed: the evidence a fact-checker reads, on the seeds and METER."""

from __future__ import annotations

import dataclasses

import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.core.facts import figures
from wiretrace.report import comparison_to_text


def _changed(result):
    return [(f.kind, f.was, f.now) for f in result.changed_facts]


def _meter_pair(data_dir, story: str, wire: str, paper: str):
    """A PA text and a paper of one METER story (``courts/07.10.99/beckett``), as read from their files."""
    meter = data_dir / "meter"
    return (
        read_article(meter / "PA/rawtexts" / story / wire),
        read_article(meter / "newspapers/rawtexts" / story / paper),
    )


def test_the_seed_rewrite_changes_no_fact_and_carries_its_figures(engine, seed_source, seed_rewrite):
    result = engine.compare(seed_source, seed_rewrite)
    assert result.changed_facts == ()
    carried = {f.text for f in result.carried_facts if f.kind == "number"}
    assert {"28,500", "450,000"} <= carried
    assert result.unsourced_figures == ()


def test_a_figure_changed_where_the_link_drops_its_sentence_is_shown_as_unsourced(engine, seed_source, seed_rewrite):
    """450,000 -> 540,000: Reuters' "South Korea has 450,000 troops" is merged into the link only for its
    figure, so it drops out with the change and no changed fact is found; the figure the source states
    nowhere is listed, in the JSON, the terminal report and the page."""
    from wiretrace.adapters.html_report import render_html
    from wiretrace.report import comparison_to_dict, comparison_to_text

    assert "450,000 active" in seed_rewrite.text
    changed = dataclasses.replace(seed_rewrite, text=seed_rewrite.text.replace("450,000 active", "540,000 active"))
    result = engine.compare(seed_source, changed)
    ((figure, where),) = result.unsourced_figures
    assert figure == "540,000" and "540,000 active" in result.b.sentences[where].text
    assert comparison_to_dict(result)["unsourced_figures"] == [{"text": "540,000", "derived": where}]
    assert f"Figures a states nowhere (1): B{where:02d} 540,000" in comparison_to_text(result)
    assert 'id="unsourced"' in render_html(result)


def test_a_figure_and_a_first_name_altered_in_the_seed_rewrite_are_flagged(engine, seed_source, seed_rewrite):
    text = seed_rewrite.text.replace("28,500", "25,800").replace("Pete Hegseth", "Paul Hegseth", 1)
    assert text.count("25,800") == 1 and "Paul Hegseth" in text
    result = engine.compare(seed_source, dataclasses.replace(seed_rewrite, text=text))
    assert result.relation == "rewrite" and result.derived == "b"
    changed = _changed(result)
    assert ("number", "28,500", "25,800") in changed
    assert any(kind == "name" and "Pete Hegseth" in was and "Paul Hegseth" in now for kind, was, now in changed)
    assert "28,500" not in {f.text for f in result.carried_facts}
    number = next(f for f in result.changed_facts if f.kind == "number")
    assert "28,500" in result.a.sentences[number.source].text and "25,800" in result.b.sentences[number.derived].text
    shown = comparison_to_text(result, width=100)
    assert "Changed facts (" in shown and "28,500 → 25,800" in shown


@pytest.mark.parametrize("renamed", ["Paul", "Demi"])
def test_a_first_name_changed_to_the_start_of_another_word_of_the_source_is_flagged(
    engine, seed_source, seed_rewrite, renamed
):
    """The Reuters text has "Demilitarized", which is no "Demi" (nor a court report's "Court" a "Courtney")."""
    text = seed_rewrite.text.replace("Pete Hegseth", f"{renamed} Hegseth", 1)
    result = engine.compare(seed_source, dataclasses.replace(seed_rewrite, text=text))
    changed = _changed(result)
    assert any(kind == "name" and f"{renamed} Hegseth" in now for kind, _, now in changed), changed


def test_a_paper_that_ages_the_accused_by_a_year_is_flagged(engine, data_dir):
    """METER: PA has "Ian Beckett, 52"; the Telegraph's rewrite has "Ian Beckett, 53"."""
    beckett, paper = _meter_pair(data_dir, "courts/07.10.99/beckett", "beckett1.txt", "beckett255_telegraph.txt")
    result = engine.compare(beckett, paper)
    assert result.relation == "rewrite"
    assert _changed(result) == [("number", "52", "53")]


@pytest.mark.parametrize(
    ("story", "wire", "paper", "figure"),
    [
        # "has slimmed to 15 stone", merged with "his weight ballooned to 22 stone"; "I used to be 22 stone" follows
        ("courts/02.11.99/chips", "chips1.txt", "chips282_mail.txt", "22 stone"),
        # "a 30-year-old woman in Bradford" merged with the sentence of another victim, "a 26-year-old", whom
        # the paper's next sentence names, carrying that same 26
        ("courts/04.10.99/lynx", "lynx1nl.txt", "lynx264_independent.txt", "26"),
    ],
)
def test_a_figure_the_rewrite_states_elsewhere_is_no_changed_one(engine, data_dir, story, wire, paper, figure):
    pa, text = _meter_pair(data_dir, story, wire, paper)
    result = engine.compare(pa, text)
    assert result.relation == "rewrite"
    assert figure in {f.text for f in result.carried_facts}
    assert not [c for c in result.changed_facts if c.was == figure]


def test_a_plain_figure_said_again_of_another_thing_still_shows_a_change(engine, data_dir):
    """PA has Canepe, 20, and 20 again of another thing; the Times makes him 21 and keeps the other 20."""
    wire, paper = _meter_pair(data_dir, "courts/18.02.00/bridge", "bridge1.txt", "bridge540_times.txt")
    result = engine.compare(wire, paper)
    assert ("number", "20", "21") in _changed(result)


@pytest.mark.parametrize(
    ("story", "wire", "paper", "office", "person"),
    [
        # PA: "The Department of Health was today criticised"; the paper: "Frank Dobson, the Health Secretary"
        ("courts/04.10.99/heart", "heart1wit.txt", "heart254_telegraph.txt", "Health Secretary", "Prof Ian Kennedy"),
        # PA: "there is no case against Dr Shipman"; the paper's "Shipman's QC" is his counsel
        ("courts/07.01.00/doctor", "doctor1nl.txt", "doctor558_mirror.txt", "Shipman's QC", "Shipman"),
    ],
)
def test_an_office_is_carried_only_from_a_sentence_naming_it(engine, data_dir, story, wire, paper, office, person):
    pa, text = _meter_pair(data_dir, story, wire, paper)
    result = engine.compare(pa, text)
    names = {f.text for f in result.carried_facts if f.kind == "name"}
    assert office not in names and person in names


def test_a_common_word_named_as_an_office_is_carried_from_its_capitals(engine, data_dir):
    """PA's "allow the general to go home" carried the Times' Home Secretary; its "the Home Secretary" does."""
    pa, paper = _meter_pair(data_dir, "courts/26.01.00/pinochet", "pinochet1nl.txt", "pinochet678_times.txt")
    result = engine.compare(pa, paper)
    source = result.a if result.derived == "b" else result.b
    (fact,) = [f for f in result.carried_facts if f.text == "Home Secretary"]
    assert "Home Secretary" in source.sentences[fact.source].text


def test_a_quote_turned_round_is_changed_not_carried(engine, data_dir):
    """PA's judge said offences "are always serious, but this is a bad case"; a copy has him say the opposite."""
    wire = read_article(data_dir / "meter" / "PA/rawtexts/courts/27.01.00/drink/drink1.txt")
    said = "causing death by dangerous driving are always serious, but this is a bad case."
    assert said in " ".join(wire.text.split())
    text = " ".join(wire.text.split()).replace(
        said, "causing death by dangerous driving are never serious, and this is not a bad case.''"
    )
    result = engine.compare(wire, dataclasses.replace(wire, text=text, path=None))
    quotes = [f for f in result.changed_facts if f.kind == "quote"]
    assert [q.now for q in quotes] == [
        "offences of causing death by dangerous driving are never serious and this is not a bad case"
    ]
    assert not any("never serious" in f.text for f in result.carried_facts)
    # A quote's first word is capitalised by its place, not a name: "Offences" is no fact.
    assert "Offences" not in {f.text for f in result.carried_facts}
    assert {"Raymond Albert", "Merthyr Tydfil"} <= {f.text for f in result.carried_facts}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("$280bn", "$280 billion", True),
        ("1.5 million", "1,500,000", True),
        ("£155bn", "155bn", True),  # a currency written on one side only
        ("$280bn", "$280m", False),
        ("£6m", "£60m", False),
        ("15%", "15", False),
        ("5 per cent", "5%", True),
        ("100mph", "100km/h", False),  # a unit is part of the quantity
        ("14lb", "14kg", False),
        ("14lbs", "14lb", True),  # written two ways, one unit
        ("22 stone", "22st", True),
        ("100kph", "100 km/h", True),
        ("50 miles", "50", False),
        ("$5 million", "$5M", True),  # a scale or per cent in any case
        ("£2.5 billion", "£2.5BN", True),
        ("12 per cent", "12 Per Cent", True),
        ("$5M", "$5", False),
    ],
)
def test_figures_compare_by_quantity(a, b, same):
    (fa,), (fb,) = figures(f"It was {a} in all."), figures(f"It was {b} in all.")
    assert fa.same(fb) is same


def test_a_capital_m_is_a_scale_only_joined_to_its_number():
    assert [(f.written, int(f.value)) for f in figures("50 MPs backed the $5M deal at Junction 5 M25.")] == [
        ("50", 50),
        ("$5M", 5_000_000),
    ]


def test_a_scale_in_capitals_is_no_changed_figure(engine):
    """US copy and headlines write "$5M"; the source's "$5 million" is the same sum."""
    from wiretrace.types import Article

    was = "The city agreed a $5 million settlement with the family, its lawyers said. Shares rose 12 per cent."
    now = "The city agreed a $5M settlement with the family. Shares rose 12 Per Cent."
    result = engine.compare(Article(was, id="a", published="2025-11-03"), Article(now, id="b", published="2025-11-05"))
    assert result.relation == "rewrite" and result.derived == "b"
    assert result.changed_facts == ()
    assert {"$5M", "12 Per Cent"} <= {f.text for f in result.carried_facts}


def test_a_lone_digit_is_a_figure_only_with_a_unit():
    assert [f.written for f in figures("Its 7 ships cost £6m, up 5% on 2 years ago; 28,500 troops stay.")] == [
        "£6m",
        "5%",
        "28,500",
    ]
    assert [f.written for f in figures("a 7lb 6oz girl; he is 5ft tall, ran 3km at 12mph")] == [
        "7lb",
        "6oz",
        "5ft",
        "3km",
        "12mph",
    ]
    # A height's inches are a unit joined to their number; "in" after a space is the word.
    assert [(f.written, f.unit) for f in figures("The 6ft 4in defender, 18 in May, weighs 15 STONE")] == [
        ("6ft", "ft"),
        ("4in", "in"),
        ("18", ""),
        ("15 STONE", "st"),
    ]


def test_a_babys_weight_changed_by_a_paper_is_flagged(engine, data_dir):
    """METER: PA has Oasis's daughter born at "7lb 6oz"; the Telegraph's rewrite has "7lb 2oz"."""
    pa, paper = _meter_pair(data_dir, "showbiz/27.01.00/oasis", "oasis1sub.txt", "oasis135_telegraph.txt")
    assert "7lb 6oz" in pa.text and "7lb 2oz" in paper.text
    result = engine.compare(pa, paper)
    assert result.relation == "rewrite"
    assert _changed(result) == [("number", "6oz", "2oz")]
    assert "7lb" in {f.text for f in result.carried_facts}


def test_a_second_person_of_one_surname_is_no_changed_name(engine, seed_source, seed_rewrite):
    """The rewrite keeps "Pete Hegseth" and names another Hegseth too: two people, not a changed first name."""
    sentence = "During his visit, Hegseth"
    assert sentence in seed_rewrite.text and "Pete Hegseth" in seed_rewrite.text
    text = seed_rewrite.text.replace(sentence, "During his visit, Kelly Hegseth", 1)
    result = engine.compare(seed_source, dataclasses.replace(seed_rewrite, text=text))
    assert not [f for f in result.changed_facts if f.kind == "name"]


def test_brothers_named_with_one_surname_are_no_changed_name(engine, data_dir):
    # The Star's "band leader Noel Gallagher"; the Telegraph's "band members, who include Noel and Liam Gallagher"
    story = data_dir / "meter" / "newspapers/rawtexts/showbiz/09.08.99/oasis"
    result = engine.compare(read_article(story / "oasis26_star.txt"), read_article(story / "oasis30_telegraph.txt"))
    assert result.relation == "rewrite"
    assert [(c.was, c.now) for c in result.changed_facts if c.kind == "name"] == []


def test_a_name_spelt_with_its_accent_is_the_same_name(engine, data_dir):
    # The Mirror's "Anais Nin", the Times's "Anaïs Nin" (METER, the Gallaghers' daughter)
    story = data_dir / "meter" / "newspapers/rawtexts/showbiz/27.01.00/oasis"
    mirror, times = read_article(story / "oasis126_mirror.txt"), read_article(story / "oasis134_times.txt")
    assert "Anais Nin" in mirror.text and "Anaïs Nin" in times.text
    result = engine.compare(mirror, times)
    assert [(c.was, c.now) for c in result.changed_facts if c.kind == "name"] == []
    assert any(f.text in ("Anaïs Nin", "Anais Nin") for f in result.carried_facts)


def test_a_quote_kept_word_for_word_is_carried_whatever_else_its_sentence_says(engine, data_dir):
    """METER's saboteur story: PA's sentence holds a "not" outside the words the Telegraph quotes."""
    wire, paper = _meter_pair(data_dir, "courts/18.02.00/saboteur", "saboteur4.txt", "saboteur544_telegraph.txt")
    result = engine.compare(wire, paper)
    assert result.relation == "rewrite"
    assert "turn a blind eye" in {f.text for f in result.carried_facts}
    assert not [f for f in result.changed_facts if f.kind == "quote"]


@pytest.mark.parametrize(
    ("wire", "paper", "quoted"),
    [
        # The Star ends Elton John's quote before PA's "but he doesn't": cut short, not turned round.
        ("showbiz/*/elton/elton1.txt", "showbiz/*/elton/elton78_star.txt", "which is very sad"),
        # The Times writes "No-one" for PA's "No one".
        ("courts/08.12.99/thomas/thomas2nl.txt", "courts/08.12.99/thomas/thomas343_times.txt", "no-one who knew him"),
    ],
)
def test_a_quote_cut_short_or_hyphenated_is_carried_not_turned_round(engine, data_dir, wire, paper, quoted):
    meter = data_dir / "meter"
    (wire_path,), (paper_path,) = meter.glob(f"PA/rawtexts/{wire}"), meter.glob(f"newspapers/rawtexts/{paper}")
    result = engine.compare(read_article(wire_path), read_article(paper_path))
    assert result.relation == "rewrite"
    assert [f.now for f in result.changed_facts if f.kind == "quote"] == []
    assert any(f.kind == "quote" and quoted in f.text for f in result.carried_facts)


def test_a_quote_opened_after_the_not_it_drops_is_turned_round(engine, seed_source, seed_rewrite):
    """Hand-written onto the seed pair: "I will not resign" quoted as he would "resign"; with the "not" kept
    outside the quote marks it is no change."""
    said = '"I will not resign over the defence budget," the minister told reporters.'
    source = dataclasses.replace(seed_source, text=seed_source.text + "\n" + said + "\n")

    def retold(line: str):
        return dataclasses.replace(seed_rewrite, text=seed_rewrite.text.replace("\n", "\n" + line + "\n", 1))

    dropped = retold('The minister told reporters he would "resign over the defence budget".')
    kept = retold('The minister told reporters he would not "resign over the defence budget".')
    changed = engine.compare(source, dropped).changed_facts
    assert [(f.was, f.now) for f in changed if f.kind == "quote"] == [
        ("not resign over the defence budget", "resign over the defence budget")
    ]
    assert [f for f in engine.compare(source, kept).changed_facts if f.kind == "quote"] == []


def test_a_quote_in_single_quotes_as_british_papers_write_it_is_carried(engine, data_dir):
    """METER: the Telegraph quotes the judge's 'turn a blind eye' in single quotes, PA in ``...''."""
    wire, paper = _meter_pair(data_dir, "courts/18.02.00/saboteur", "saboteur4.txt", "saboteur544_telegraph.txt")
    result = engine.compare(dataclasses.replace(wire, outlet="PA"), paper)
    assert (result.relation, result.derived) == ("rewrite", "b")
    assert "turn a blind eye" in {f.text for f in result.carried_facts if f.kind == "quote"}


def test_only_a_rewrite_has_changed_facts(engine, data_dir):
    """METER's doctor story: the Express reported it on its own (same event), ages a year apart from PA's.

    Independent reports differ in their figures; that is no change made in copying.
    """
    from wiretrace.core.facts import facts_of_links

    story = "rawtexts/courts/04.10.99/doctor"
    wire = engine.prepare(read_article(data_dir / "meter" / "PA" / story / "doctor1.txt"))
    paper = engine.prepare(read_article(data_dir / "meter" / "newspapers" / story / "doctor233_express.txt"))
    result = engine.compare_documents(wire, paper)
    assert result.relation == "same-event"
    assert facts_of_links(paper, wire, result.alignment)[1] != ()  # what the links alone would say
    assert result.changed_facts == ()


def test_figures_of_any_size_compare_exactly():
    huge = "9" * 400
    (a,), (b,) = figures(f"It cost {huge} in all."), figures(f"It cost {huge} in all.")
    assert a.same(b)
    (c,), (d,) = figures("It cost 99999999999999999999 in all."), figures("It cost 99999999999999999998 in all.")
    assert not c.same(d)
    assert [f.written for f in figures("Between March 12,1990 and 1,234,567 people.")] == ["12", "1,234,567"]


def test_an_acronym_in_the_middle_of_a_sentence_is_a_name(engine, seed_source, seed_rewrite):
    """ "DMZ" in a sentence of ordinary case is a name; all-capitals words count as common only in a capitals lead."""
    result = engine.compare(seed_source, seed_rewrite)
    assert "DMZ" in {f.text for f in result.carried_facts}


def test_a_long_byline_like_line_is_read_in_one_pass():
    """A line of "By" and spaces once took time growing with the square of its length (helper's review)."""
    from wiretrace.adapters.readers import article_from_text

    article = article_from_text("By" + " " * 100_000 + "Staff said so.\n\nA sergeant was cleared of abuse.", "x.txt")
    assert article.outlet is None


def test_names_ending_in_a_title_are_compared_without_fault():
    """ "Ann Mallalieu QC" and "Baroness Mallalieu QC" end in a title: no surname to compare, no error."""
    from wiretrace.core.facts import _first_name_changed

    assert _first_name_changed("Ann Mallalieu QC", "Susan Mallalieu QC", None, None) is False  # type: ignore[arg-type]


def test_a_relative_named_beside_the_person_is_no_changed_name(engine, data_dir):
    """METER: PA's "Brian's uncle Ron Hagland" names a second Hagland beside the Sun's "Brit Brian Hagland"."""
    pa, paper = _meter_pair(data_dir, "courts/16.07.99/bondi", "bondi2.txt", "bondi69_sun.txt")
    assert "Brian's uncle Ron Hagland" in pa.text and "Brit Brian Hagland" in paper.text
    result = engine.compare(pa, paper)
    assert result.relation == "rewrite"
    assert [c for c in _changed(result) if c[0] == "name"] == []


def test_two_committees_are_no_changed_first_name(engine, data_dir):
    """METER: PA's "Lord Chancellor's Advisory Committee" and the Times's "Magistrates' Court Committee" are two
    bodies, not one person renamed; "Committee" ends a body's name as "Road" ends a street's."""
    pa, paper = _meter_pair(data_dir, "courts/28.09.99/sleep", "sleep2.txt", "sleep578_times.txt")
    assert "Advisory Committee" in pa.text and "Magistrates' Court Committee" in paper.text
    result = engine.compare(pa, paper)
    assert result.relation == "rewrite"
    assert [c for c in _changed(result) if c[0] == "name"] == []


@pytest.mark.parametrize(("in_source", "in_rewrite"), [("Sue", "Susan"), ("Susan", "Sue"), ("Chris", "Christine")])
def test_a_wife_named_by_a_short_form_in_one_text_is_no_changed_name(engine, in_source, in_rewrite):
    """The source calls her "Sue", the rewrite "Susan Hagland": one woman in both, not a renamed Brian Hagland."""
    from wiretrace.types import Article

    source = (
        "Brian Hagland, 47, died in hospital on Tuesday after the crash on the A1 near Grantham, police said. "
        f"Brian Hagland's wife {in_source} said he had been a loving father to their three children. "
        "Lincolnshire Police appealed for witnesses to come forward."
    )
    rewrite = (
        "Mr Hagland, a father of three, died in hospital on Tuesday after the crash on the A1 near Grantham. "
        f"His wife {in_rewrite} Hagland said he had been a loving father to their three children. "
        "Lincolnshire Police appealed for witnesses to come forward."
    )
    result = engine.compare(
        Article(source, id="a", published="2024-05-01T08:00"), Article(rewrite, id="b", published="2024-05-01T10:00")
    )
    assert result.relation == "rewrite" and result.derived == "b"
    assert [c for c in _changed(result) if c[0] == "name"] == []


def test_one_end_of_a_range_or_choice_is_no_changed_figure(engine, data_dir):
    """METER: PA's "primary education at 11 or 13"; the Express's "education up to 18", another age."""
    pa, paper = _meter_pair(data_dir, "courts/12.07.99/places", "places2.txt", "places28_express.txt")
    assert "11 or 13" in pa.text and "education up to 18" in paper.text
    assert _changed(engine.compare(pa, paper)) == []
    (eleven, thirteen) = figures("at 11 or 13")
    assert eleven.alternative and thirteen.alternative
    for said in ("it will cost £5m-£6m", "it will cost £5m–£6m", "it will cost £5m – £6m", "aged 18 - 25"):
        assert all(f.alternative for f in figures(said)), said
    for said in (
        "aged 52, was fined £500 and 20 hours of work",
        "profit rose 12% to £120m",
        "from 20 to 25",
        "profit rose to £120m – £30m more than in 2023",  # a parenthetical dash: a range goes up
        "profit rose to £120m - £30m more than in 2023",
        "profit rose to £20m—£3m more than in 2023",  # an em dash is never a range's
    ):
        assert not any(f.alternative for f in figures(said)), said


@pytest.mark.parametrize(
    ("was", "now", "changed"),
    [
        (
            "Profits rose 12% to £120m last year, the company said.",
            "Profits rose 12% to £150m last year.",
            ("£120m", "£150m"),
        ),
        (
            "The toll has risen from 20 to 25, officials said.",
            "The toll has risen from 20 to 35, officials said.",
            ("25", "35"),
        ),
        (
            "It will cost £5m-£6m to repair, officials said.",
            "It will cost £5m-£9m to repair, officials said.",
            ("£6m", "£9m"),
        ),
        (
            "Tesco said its pre-tax profits rose to £150m, up £30m on the year before, the company said.",
            "Tesco said its pre-tax profits rose to £120m – £30m more than the year before.",
            ("£150m", "£120m"),
        ),
        (
            "Storm Ciaran brought winds of up to 100mph to the Channel Islands, the Met Office said.",
            "Storm Ciaran brought winds of up to 100km/h to the Channel Islands.",
            ("100mph", "100km/h"),
        ),
        (
            "A fisherman landed a 14lb bass at St Helier hours before the storm.",
            "A fisherman landed a 14kg bass at St Helier hours before the storm.",
            ("14lb", "14kg"),
        ),
        (
            "The 6ft 4in defender signed for Celtic on Tuesday, the club said.",
            "The 6ft 3in defender signed for Celtic.",
            ("4in", "3in"),
        ),
    ],
)
def test_a_change_between_two_figures_is_still_a_changed_figure(engine, was, now, changed):
    """ "From 20 to 25" says a change, no choice; a range against a range compares end with end; a figure in
    another unit of its measure is changed."""
    from wiretrace.types import Article

    result = engine.compare(
        Article(was + " The rest is the same in both.", id="a"), Article(now + " The rest is the same in both.", id="b")
    )
    assert result.relation == "rewrite"
    assert [(c.was, c.now) for c in result.changed_facts if c.kind == "number"] == [changed]
