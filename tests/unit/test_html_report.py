"""The HTML page: structure (parsed with BeautifulSoup), links between partners, escaping, writing."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re
import stat
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from wiretrace.adapters import html_report
from wiretrace.adapters.html_report import render_html, write_html
from wiretrace.adapters.readers import read_article
from wiretrace.errors import InputError
from wiretrace.report import group_links
from wiretrace.types import Comparison

DATA = Path(__file__).resolve().parents[1] / "data"
KINDS = {"verbatim", "near-verbatim", "paraphrase", "merged", "split"}


def parse(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


def sentence_text(p: Tag) -> str:
    """A sentence element's article text, without its number and link line."""
    p = BeautifulSoup(str(p), "html.parser").p
    for extra in p.select(".n, .how"):
        extra.decompose()
    return p.get_text().strip()


@pytest.fixture(scope="module")
def seed(engine, seed_source, seed_rewrite) -> Comparison:
    return engine.compare(seed_source, seed_rewrite)


@pytest.fixture(scope="module")
def seed_page(seed) -> BeautifulSoup:
    return parse(render_html(seed, "static:test-model"))


@pytest.fixture(scope="module")
def harbour(engine) -> Comparison:
    return engine.compare(read_article(DATA / "harbour_source.txt"), read_article(DATA / "harbour_rewrite.txt"))


@pytest.fixture(scope="module")
def hostile(engine) -> Comparison:
    result = engine.compare(read_article(DATA / "hostile_source.txt"), read_article(DATA / "hostile_rewrite.txt"))
    assert result.relation == "rewrite" and result.alignment, "the hostile pair must exercise links and facts"
    assert result.b.removed, "the hostile pair must exercise folded furniture"
    return result


def columns(page: BeautifulSoup) -> list[Tag]:
    return page.select("main > article.col")


# --- structure ------------------------------------------------------------------


def test_two_columns_source_left_derived_right(seed_page):
    cols = columns(seed_page)
    assert [c["id"] for c in cols] == ["side-a", "side-b"]
    assert [c.select_one(".role").get_text(" ", strip=True) for c in cols] == ["A · source", "B · derived"]


def test_source_stays_left_when_the_arguments_are_swapped(engine, seed_source, seed_rewrite):
    swapped = engine.compare(seed_rewrite, seed_source)
    assert (swapped.source, swapped.derived) == ("b", "a")
    cols = columns(parse(render_html(swapped)))
    assert [c["id"] for c in cols] == ["side-b", "side-a"]
    assert "source" in cols[0].select_one(".role").get_text()


def test_every_sentence_is_shown_once_in_its_column(seed, seed_page):
    for side, view in (("a", seed.a), ("b", seed.b)):
        shown = seed_page.select(f"#side-{side} p.s")
        assert len(shown) == len(view.sentences)
        assert [sentence_text(p) for p in shown] == [s.text for s in view.sentences]
        assert [p["id"] for p in shown] == [f"{side}-s{s.index}" for s in view.sentences]


def test_partners_link_to_each_other_both_ways(seed, seed_page):
    d, s = seed.derived, seed.source
    groups = group_links(seed.alignment)
    for n, link in enumerate(seed.alignment):
        for i in link.derived:
            derived = seed_page.find(id=f"{d}-s{i}")
            assert f"k-{link.kind}" in derived["class"]
            assert str(n) in derived["data-links"].split()
            hrefs = {a["href"] for a in derived.select("a.partner")}
            assert hrefs == {f"#{s}-s{j}" for j in link.source}
            for j in link.source:
                source = seed_page.find(id=f"{s}-s{j}")
                assert str(n) in source["data-links"].split()
                assert f"#{d}-s{i}" in {a["href"] for a in source.select("a.partner")}
                # Partners share their group's number and colour.
                assert source["data-group"] == derived["data-group"] == str(groups[n])
                colour = {c for c in derived["class"] if re.fullmatch(r"c\d", c)}
                assert len(colour) == 1 and colour <= set(source["class"])


def test_kinds_are_classes_and_labels(seed, seed_page):
    for link in seed.alignment:
        derived = seed_page.find(id=f"{seed.derived}-s{link.derived[0]}")
        assert derived.select_one(f".how .kind.{link.kind}").get_text() == link.kind
    used = {c[2:] for p in seed_page.select("p.s") for c in p["class"] if c.startswith("k-")}
    assert used == {link.kind for link in seed.alignment}
    legend = {k.get_text() for k in seed_page.select(".legend .kind")}
    assert KINDS | {"added", "dropped"} <= legend


def test_groups_get_distinct_colours_and_an_evidence_row(seed, seed_page):
    groups = sorted(set(group_links(seed.alignment)))
    assert len(groups) == 6  # G1 A00+A10 / B00+B01 ... G6 A13 / B09
    rows = seed_page.select("#groups tr.grp")
    assert [r["id"] for r in rows] == [f"g{g}" for g in groups]
    colours = [next(c for c in r.select_one(".g")["class"] if re.fullmatch(r"c\d", c)) for r in rows]
    assert len(set(colours)) == len(colours)
    first = rows[0]
    assert [a.get_text() for a in first.select("td:nth-of-type(2) a.n")] == ["A00", "A10"]
    assert [a.get_text() for a in first.select("td:nth-of-type(3) a.n")] == ["B00", "B01"]


def test_added_and_dropped_are_marked(seed, seed_page, harbour):
    assert {int(p["id"].split("-s")[1]) for p in seed_page.select("#side-a p.s.dropped")} == set(seed.dropped)
    page = parse(render_html(harbour))
    assert harbour.added == (6,) and harbour.dropped == (7,)
    assert [p["id"] for p in page.select("p.s.added")] == ["b-s6"]
    assert [p["id"] for p in page.select("p.s.dropped")] == ["a-s7"]
    assert page.find(id="b-s6").select_one(".kind.added").get_text() == "added"
    assert not page.find(id="b-s6").has_attr("data-links")


def test_every_in_page_link_has_a_target(seed_page):
    ids = {el["id"] for el in seed_page.find_all(id=True)}
    targets = [a["href"][1:] for a in seed_page.find_all("a", href=True) if a["href"].startswith("#")]
    assert targets and sorted(set(targets) - ids) == []


def test_furniture_is_folded_in_details(seed, seed_page):
    folded = seed_page.select("#side-b details.cut")
    assert len(folded) == 1 and not folded[0].has_attr("open")
    assert "headline list (17 lines)" in folded[0].summary.get_text()
    assert folded[0].pre.get_text() == seed.b.removed[0].text
    assert not seed_page.select("#side-a details")
    shown = " ".join(p.get_text() for p in seed_page.select("p.s"))
    assert "Michael Dell Pledges" not in shown


def test_carried_facts_are_listed_and_marked_in_both_sentences(seed, seed_page):
    items = seed_page.select("#facts li")
    assert len(items) == len(seed.carried_facts)
    for fact in seed.carried_facts:
        if fact.kind != "number":
            continue
        for side, index in ((seed.derived, fact.derived), (seed.source, fact.source)):
            marks = [m.get_text() for m in seed_page.find(id=f"{side}-s{index}").select("mark.fact")]
            assert fact.text in marks, (fact, side, index)
    # A name spelt differently in the source is marked word by word.
    ahn = [m.get_text() for m in seed_page.find(id="a-s2").select("mark.fact")]
    assert "Gyu-back" in " ".join(ahn)


def test_verdict_line(seed, seed_page):
    h1 = " ".join(seed_page.h1.get_text().split())
    assert h1.startswith("Rewrite") and "B «002_" in h1 and "written from A «000_" in h1
    meta = seed_page.select_one("header.top .meta").get_text(" ", strip=True)
    assert f"confidence {seed.confidence:.0%}" in meta
    assert "partially derived" in meta and "direction by textual evidence" in meta
    assert f"{seed.coverage['derived']:.0%} of B" in meta and f"{seed.coverage['source']:.0%} of A" in meta
    assert "static:test-model" in seed_page.footer.get_text()


def test_same_event_page_names_no_source(engine):
    result = engine.compare(read_article(DATA / "harbour_source.txt"), read_article(DATA / "harbour_independent.txt"))
    assert result.relation == "same-event"
    page = parse(render_html(result))
    assert page.h1.get_text(" ", strip=True).startswith("Same event")
    assert [c.select_one(".role").get_text(strip=True) for c in columns(page)] == ["A", "B"]
    assert not page.select("p.s.added, p.s.dropped")
    assert {k.get_text() for k in page.select("p.s .kind.unshared")} <= {"only in A", "only in B"}


def test_standalone_page_fetches_nothing(seed_page):
    assert not seed_page.find_all(["link", "img", "iframe", "object", "embed"])
    assert not seed_page.find_all(src=True)
    assert "@import" not in seed_page.style.get_text() and "url(" not in seed_page.style.get_text()
    csp = seed_page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp


def test_the_policy_allows_exactly_the_page_script(seed_page):
    scripts = seed_page.find_all("script")
    assert len(scripts) == 1 and not scripts[0].has_attr("src")
    digest = base64.b64encode(hashlib.sha256(scripts[0].string.encode("utf-8")).digest()).decode()
    csp = seed_page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert re.search(r"script-src '([^']+)'", csp).group(1) == f"sha256-{digest}"


# --- escaping -------------------------------------------------------------------


def assert_inert(page: BeautifulSoup) -> None:
    assert len(page.find_all("script")) == 1, "only the page's own script"
    assert not page.find_all("img")
    for el in page.find_all(True):
        events = [name for name in el.attrs if name.lower().startswith("on")]
        assert events == [], el.name
        for name in ("href", "src", "action", "formaction"):
            value = el.get(name, "")
            assert not re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:", "vbscript:")), value


def test_hostile_text_and_metadata_render_as_text(hostile):
    page = parse(render_html(hostile))
    assert_inert(page)
    heads = [h.get_text() for h in page.select("article.col h2")]
    assert heads == [
        "<script>alert(1)</script> Council <b>budget</b> vote",
        '"><script>alert(3)</script>Brennick passes budget',
    ]
    assert "<script>alert(1)</script>" in page.title.get_text()
    assert "<img src=x onerror=alert(1)>" in sentence_text(page.find(id="a-s1"))
    assert "</p><script>alert(2)</script>" in sentence_text(page.find(id="b-s2"))
    assert sentence_text(page.find(id="b-s3")) == 'Visit <a href="javascript:alert(5)">our live blog</a> for updates.'
    assert "<Script>Alert(6)</Script>" in page.select_one("details.cut pre").get_text()
    # A javascript: address stays text; an http address is a link, its quotes kept inside the attribute.
    assert page.select_one("#side-a .url").get_text() == "javascript:alert(1)"
    link = page.select_one("#side-b header a[href]")
    assert link["href"] == 'https://example.org/brennick?a=1&b="><script>alert(4)</script>'
    assert "<img src=x onerror=alert(1)>" in page.select_one("#side-a header .meta").get_text()


@pytest.mark.parametrize(
    "field",
    [
        {"title": "<script>alert(1)</script>"},
        {"outlet": "<img src=x onerror=alert(1)>"},
        {"url": "javascript:alert(1)"},
        {"url": " JaVaScRiPt:alert(1)"},
        {"url": "data:text/html,<script>alert(1)</script>"},
        {"path": '"><img src=x onerror=alert(1)>.txt'},
    ],
)
def test_any_hostile_metadata_field_is_inert(engine, hostile, field):
    art = dataclasses.replace(hostile.a.article, **field)
    result = dataclasses.replace(hostile, a=dataclasses.replace(hostile.a, article=art))
    page = parse(render_html(result))
    assert_inert(page)
    value = next(iter(field.values()))
    assert value.strip() in page.select_one("#side-a header").get_text()


def test_markup_for_a_date_is_refused_before_any_page(hostile):
    """Only an ISO 8601 date reaches a page as one: markup in ``published`` is refused where the article is made."""
    with pytest.raises(ValueError, match="is not an ISO 8601 date"):
        dataclasses.replace(hostile.a.article, published="<script>alert(1)</script>")


BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_bidi_controls_in_metadata_cannot_reorder_the_verdict_or_the_dates(engine, seed_source, seed_rewrite):
    """A title ending in an unclosed right-to-left override (U+202E) had turned the verdict line round
    ("REWRITE: B «B gmi><…» A morf nettirw saw «…"), an outlet the date after it ("50-11-5202"), and
    "bidi \u202egnp.exe" shows as "bidi exe.png". The page prints no bidi control, and every name, outlet,
    date, address and sentence stands isolated from the text around it."""
    spoof = dataclasses.replace(
        seed_rewrite,
        title="bidi \u202egnp.exe\u202c title \u2067open\u202e",
        outlet="\u202eAP\u202a",
        published="2025-11-05",
        url="https://example.com/\u202e/x",
        text=seed_rewrite.text.replace("Seoul", "Seoul\u202e", 1),
    )
    page_text = render_html(engine.compare(seed_source, spoof))
    assert not [c for c in BIDI if c in page_text]
    page = parse(page_text)
    names = page.h1.select("bdi")
    assert len(names) == 2 and "bidi gnp.exe title open" in [n.get_text() for n in names]
    meta = page.select_one("#side-b header .meta")
    assert [b.get_text() for b in meta.select("bdi")][:3] == ["AP", "2025-11-05", "https://example.com//x"]
    sentences = page.select("#side-b .s")
    assert sentences and all(s.select_one(".tx") for s in sentences)
    assert "unicode-bidi: isolate" in page.style.get_text()


# --- writing --------------------------------------------------------------------


def test_a_text_against_itself_names_no_source(engine, seed_source):
    page = parse(render_html(engine.compare(seed_source, seed_source), "static:test-model"))
    h1 = " ".join(page.h1.get_text().split())
    assert h1.startswith("Rewrite") and "one of A «000_" in h1 and "was written from the other" in h1
    meta = page.select_one("header.top .meta").get_text(" ", strip=True)
    assert "direction undecided" in meta and "direction by" not in meta


def test_write_html_replaces_the_file_whole(harbour, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    write_html(harbour, target)
    assert target.read_text(encoding="utf-8") == render_html(harbour)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_written_page_gets_ordinary_permissions(harbour, tmp_path):
    old = os.umask(0o022)
    try:
        write_html(harbour, tmp_path / "report.html")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


def test_a_failed_write_leaves_the_old_file_and_no_temp(harbour, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old")

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html_report.os, "replace", refuse)
    with pytest.raises(InputError, match=r"report\.html: cannot write the file"):
        write_html(harbour, target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_missing_folder_is_a_one_line_input_error(harbour, tmp_path):
    target = tmp_path / "no" / "such" / "report.html"
    with pytest.raises(InputError) as caught:
        write_html(harbour, target)
    assert str(caught.value).startswith(f"{target}: cannot write here")
    assert "\n" not in str(caught.value)
