"""The pages in-process, parsed with BeautifulSoup: structure, links, and hostile text kept inert."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from wiretrace.web import WebConfig, create_app
from wiretrace.web.views import compare_url

from .conftest import DATA, build_store


@pytest.fixture(scope="module")
def client(web_db: Path, engine) -> TestClient:
    return TestClient(create_app(WebConfig(db=str(web_db)), engine))


def soup(response) -> BeautifulSoup:
    assert response.headers["content-type"].startswith("text/html"), response.text[:200]
    return BeautifulSoup(response.text, "html.parser")


def page(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def assert_inert(doc: BeautifulSoup) -> None:
    """Only the server's own scripts, no event-handler attributes, no script links."""
    for script in doc.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.string, script
    for tag in doc.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), tag
            if name in ("href", "src", "action", "xlink:href"):
                assert not str(value).strip().lower().startswith(("javascript:", "data:")), tag
    assert not doc.find_all(["img", "iframe", "object", "embed"])


def test_overview_counts_stories_and_search_box(client):
    doc = soup(client.get("/"))
    assert doc.select_one("#count-articles").text == "9"
    stories = doc.select("#stories tbody tr")
    assert len(stories) == int(doc.select_one("#count-stories").text) >= 3
    assert doc.select_one("form[action='/search'] input[name='q']")
    assert doc.select_one("#ingest-form input[type='file']")
    assert not doc.select("#ingest-token")  # no token on this server


def test_overview_searches_by_title(tmp_path, engine, seed_source_path, seed_rewrite_path):
    import dataclasses

    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint

    source, rewrite = iter_articles([seed_source_path, seed_rewrite_path])
    # A title as hostile as article text may be: markup, a quote, and LIKE's wildcards.
    rewrite = dataclasses.replace(rewrite, title='Hegseth in Seoul: 100% behind the "<b>alliance</b>"')
    with Corpus(SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)), engine) as corpus:
        assert corpus.ingest([source, rewrite]).added == 2
    client = TestClient(create_app(WebConfig(db=str(tmp_path / "w.db")), engine))

    form = soup(client.get("/")).select_one(".panel form[action='/search']")
    box = form.select_one("input[name='title']")
    assert box["aria-label"] == "title" and box["type"] == "text"

    def found(**params: str) -> list[str]:
        doc = soup(client.get("/search", params=params))
        assert_inert(doc)
        for name, value in params.items():  # the query is shown back as typed, as text
            assert doc.select_one(f".search-form input[name='{name}']")["value"] == value
        return [a["href"] for a in doc.select("#results a")]

    assert found(q="Hegseth") == [page(str(source.id)), page(str(rewrite.id))]  # words: in the text too
    # The title, any case; the source has none: its headline, the opening of its text, stands for it.
    assert found(title="hegseth") == [page(str(source.id)), page(str(rewrite.id))]
    assert found(title="consultative") == []  # in the source's second paragraph: no title
    assert found(q="consultative") == [page(str(source.id)), page(str(rewrite.id))]
    assert found(title="<b>alliance") == [page(str(rewrite.id))]
    assert found(title="100%") == [page(str(rewrite.id))]
    assert found(title="Seoul_") == []  # "_" and "%" are no wildcards
    assert found(title="%") == [page(str(rewrite.id))]
    assert found(title="' OR 1=1 --") == []
    assert found(title='"><script>alert(1)</script>') == []
    assert found(title="alliance", q="Monday") == [page(str(rewrite.id))]  # with the other filters


def test_compare_form_and_result_on_the_seed_pair(client, seed_source_path, seed_rewrite_path):
    form = soup(client.get("/compare"))
    assert form.select_one("textarea[name='a_text']") and form.select_one("input[type='file'][name='b_file']")
    result = soup(
        client.post(
            "/compare",
            data={"a_text": seed_source_path.read_text(), "b_text": ""},
            files={"b_file": (seed_rewrite_path.name, seed_rewrite_path.read_bytes(), "text/plain")},
        )
    )
    verdict = " ".join(result.select_one("h1.verdict").text.split())
    assert verdict.startswith("Rewrite: B «002_") and verdict.endswith("was written from A «text A (pasted)»")
    meta = " ".join(result.select_one("header.top .meta").text.split())
    assert "confidence 94%" in meta and "100% of B comes from A" in meta
    left, right = result.select("article.col")
    assert left["data-side"] == "a" and right["data-side"] == "b"
    assert len(right.select(".s")) == 10 and len(left.select(".s.dropped")) == 4
    assert right.select_one("details.cut summary").text.startswith("Cut as page furniture: headline list")
    assert "28,500" in [m.text for m in result.select("mark.fact")]
    assert result.select_one("script[src='/static/compare.js']")


def test_a_pasted_text_is_named_by_its_short_title(client, seed_source_path, seed_rewrite_path):
    title = "Hegseth arrives in Seoul for talks on the role of U.S. troops amid shifting regional security"
    response = client.post(
        "/compare",
        data={"a_text": seed_source_path.read_text(), "b_text": f" title {title}\n" + seed_rewrite_path.read_text()},
    )
    doc = soup(response)
    verdict = " ".join(doc.select_one("h1.verdict").text.split())
    short = "Hegseth arrives in Seoul for talks on the role of U.S.…"
    assert verdict == f"Rewrite: B «{short}» was written from A «text A (pasted)»"
    assert doc.title.text == f"wiretrace: {short} rewritten from text A (pasted)"
    # The column keeps the whole title; the title line is metadata, not a sentence.
    assert doc.select_one("#side-b h2").text == title
    assert doc.select_one("#side-a h2").text == "text A (pasted)"
    assert len(doc.select("#side-b .s")) == 10


def test_compare_without_articles_says_what_to_do(client):
    response = client.post("/compare", data={"a_text": " ", "b_text": "Seoul has 450,000 troops."})
    assert response.status_code == 400
    line = soup(response).select_one(".error-line").text
    assert line == "error: A: no article given (paste its text or choose a file)"


def test_a_paste_over_one_mib_is_read_up_to_the_servers_limit(client, seed_source, seed_rewrite_path):
    # Starlette's own cut for a form's text field is 1 MiB; the server's limit (4 MiB by default) holds
    long_sentence = "Residents of Eastholm heard the news " + "and talked about it " * 60 + "on Monday. "
    padded = seed_source.text + "\n" + long_sentence * 900
    assert 1024 * 1024 < len(padded.encode()) < 4 * 1024 * 1024
    response = client.post("/compare", data={"a_text": padded, "b_text": seed_rewrite_path.read_text()})
    assert response.status_code == 200, soup(response).select_one(".error-line")
    left, _ = soup(response).select("article.col")
    assert len(left.select(".s")) > 900  # all of it read


def test_pasted_text_and_a_file_for_one_side_are_refused(client, seed_source_path, seed_rewrite_path):
    response = client.post(
        "/compare",
        data={"a_text": seed_source_path.read_text(), "b_text": seed_rewrite_path.read_text()},
        files={"a_file": (seed_rewrite_path.name, seed_rewrite_path.read_bytes(), "text/plain")},
    )
    assert response.status_code == 400
    assert soup(response).select_one(".error-line").text == "error: A: both pasted text and a file given: keep one"


def test_story_graph_original_left_links_to_articles_and_compare(client, seed_source_path, seed_rewrite_path):
    overview = soup(client.get("/"))
    link = next(a["href"] for a in overview.select("#stories a") if "Hegseth" in a.find_parent("tr").text)
    doc = soup(client.get(link))
    svg = doc.select_one("svg#provenance")
    nodes = {n["data-id"]: n for n in svg.select("a.node")}
    src, rew = nodes[str(seed_source_path)], nodes[str(seed_rewrite_path)]
    assert int(src.rect["x"]) < int(rew.rect["x"])
    assert "root" in src["class"] and "root" not in rew["class"]
    assert src["href"] == page(str(seed_source_path))
    (edge,) = svg.select("a.edge")
    query = parse_qs(urlsplit(edge["href"]).query)
    assert query == {"a": [str(seed_source_path)], "b": [str(seed_rewrite_path)]}
    assert [t.text for t in svg.select("text.axis")] == ["2025-11-03", "undated"]
    # A group, not an image, so a screen reader reaches its links; articles first, as Tab meets them
    assert svg["role"] == "group" and [a["class"][0] for a in svg.select("a")] == ["node", "node", "edge"]
    assert src.title.text.endswith(f"({seed_source_path})") and len(src.title.text) > len(str(seed_source_path)) + 3
    compare = soup(client.get(edge["href"]))
    assert " ".join(compare.select_one("h1.verdict").text.split()).startswith("Rewrite: B")


def test_article_page_lists_sources_with_verdicts(client, seed_source_path, seed_rewrite_path):
    doc = soup(client.get(page(str(seed_rewrite_path))))
    (row,) = doc.select("#sources tbody tr")
    assert row.a["href"] == page(str(seed_source_path))
    assert "rewrite 94%" in row.select_one(".verdict-cell").text
    assert "Compare" in row.select_one("a.button").text
    assert "No stored article was written from it." in doc.select_one("#copies").text
    src = soup(client.get(page(str(seed_source_path))))
    assert len(src.select("#copies tbody tr")) == 1


def test_an_article_is_shown_without_its_control_characters(tmp_path, engine, data_dir):
    # PA's wire copy starts each paragraph with \x19, which a browser draws as an empty box
    wire = data_dir / "meter/PA/rawtexts/showbiz/09.08.99/oasis/oasis1.txt"
    assert "\x19" in wire.read_text(encoding="cp1252")
    build_store(tmp_path / "w.db", [wire], engine)
    client = TestClient(create_app(WebConfig(db=str(tmp_path / "w.db")), engine))
    text = soup(client.get(page(str(wire)))).select_one(".article-text").text
    assert "Bonehead" in text and "\x19" not in text
    assert "\x19" in client.get("/api/articles/" + quote(str(wire), safe="")).json()["text"]  # the data keeps it


BONEHEAD = "showbiz/09.08.99/oasis"
PAPERS = ("oasis31_guardian.txt", "oasis30_telegraph.txt")


@pytest.fixture(scope="module")
def bonehead(tmp_path_factory, engine, data_dir) -> tuple[TestClient, list[str]]:
    """METER's Bonehead story: PA's versions (outlet PA), the Guardian's and the Telegraph's texts, scanned; the
    wire ids."""
    import dataclasses

    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint

    db = tmp_path_factory.mktemp("bonehead") / "w.db"
    wire = [dataclasses.replace(a, outlet="PA") for a in iter_articles([data_dir / "meter/PA/rawtexts" / BONEHEAD])]
    papers = list(iter_articles([data_dir / "meter/newspapers/rawtexts" / BONEHEAD / n for n in PAPERS]))
    with Corpus(SQLiteStore(db, store_fingerprint(engine.settings)), engine) as corpus:
        corpus.ingest([*wire, *papers])
        corpus.scan()
    return TestClient(create_app(WebConfig(db=str(db)), engine)), [str(a.id) for a in wire]


def test_a_copy_shown_by_the_wire_versions_read_as_one_leads_with_that_reading(bonehead):
    """METER's Bonehead story: against PA's third version alone the Guardian is only on the same event; read
    with the other two, it is a copy. Under "Written from it" the reading comes first, the pair's own verdict
    after it, said to be its own (it had read "same event, not shown copied" under that heading)."""
    client, wire = bonehead
    third = next(w for w in wire if w.endswith("oasis3.txt"))
    (row,) = soup(client.get(page(third))).select("#copies tbody tr")
    cell = row.select_one(".verdict-cell")
    assert cell.text.startswith("read as one with") and "rewrite" in cell.text
    assert cell.select_one(".muted").text.startswith("on its own: same event")


def test_a_story_arrow_from_wire_versions_read_as_one_says_so_and_opens_the_derived_article(bonehead):
    """The Telegraph's arrow from PA's second version had read "confidence 96%" and opened a compare of the two
    that says "same event": the numbers are those of the versions read as one. The arrow
    now says so and opens the Telegraph's page, whose sources explain the reading; the API and the terminal
    summary name the versions too."""
    from wiretrace.corpus_report import stories_to_text

    client, wire = bonehead
    (story,) = client.get("/api/stories").json()
    read = [e for e in story["edges"] if e["versions"]]
    assert read and all(e["source"] in e["versions"] and set(e["versions"]) <= set(wire) for e in read)
    assert all(e["versions"] is None for e in story["edges"] if e not in read)
    edges = soup(client.get(story_url(story))).select("svg a.edge")
    for e in read:
        (arrow,) = [a for a in edges if a.title.text.startswith(f"{e['derived']} rewritten from {e['source']}:")]
        others = len(e["versions"]) - 1
        assert f"read as one with {others} other version(s) of the wire story" in arrow.title.text
        assert arrow.select_one("text").text.endswith(f"+{others} version" + ("s" if others > 1 else ""))
        assert arrow["href"] == page(e["derived"]) + "#sources"
        assert soup(client.get(arrow["href"])).select_one("#sources .verdict-cell").text.startswith("read as one")
    for arrow in edges:  # the others still open the compare
        if "read as one" not in arrow.title.text:
            assert arrow["href"].startswith("/compare?")
    service = client.app.state.service
    lines = stories_to_text(*_stories(service)).splitlines()
    marked = [line for line in lines if "read as one with" in line]
    assert len(marked) == len(read) and all("rewrite 0." in line for line in marked)


def _stories(service):
    from wiretrace.web.views import articles_of

    index = service.stories()
    return index.stories, articles_of(service.corpus(), index.stories)


def story_url(story: dict) -> str:
    return f"/stories/{story['key']}"


BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_bidi_controls_in_stored_metadata_reorder_nothing_on_the_pages(
    tmp_path, engine, seed_source_path, seed_rewrite_path
):
    """An outlet "\u202eAP" had turned the date after it round ("50-11-5202 PA") in the source's "Written from
    it" table, and the compare page's meta line read the date and address backwards. No page prints a bidi
    control now (nor a C0 control: a NUL in a posted title), and each name, outlet and address beside other text
    stands in a <bdi>."""
    import dataclasses

    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint

    seed_source, seed_rewrite = iter_articles([seed_source_path, seed_rewrite_path])
    spoof = dataclasses.replace(
        seed_rewrite,
        id="evil\u202e/2",
        title="bidi \u202egnp.exe\u202c\x00 title",
        outlet="\u202eAP\x01",
        published="2025-11-05",
        url="https://example.com/\u2067x",
    )
    with Corpus(SQLiteStore(tmp_path / "b.db", store_fingerprint(engine.settings)), engine) as corpus:
        corpus.ingest([seed_source, spoof])
        corpus.scan()
    client = TestClient(create_app(WebConfig(db=str(tmp_path / "b.db")), engine))
    (story,) = client.get("/api/stories").json()
    pages = [page(str(seed_source.id)), page(spoof.id), compare_url(str(seed_source.id), spoof.id)]
    pages += [f"/stories/{story['key']}", "/", "/search?q=Seoul", "/stories"]
    for url in pages:
        html = client.get(url).text
        assert not [c for c in BIDI if c in html], url
        assert not [c for c in html if ord(c) < 0x20 and c not in "\t\n\r"], url  # a NUL is an HTML parse error
    (row,) = soup(client.get(page(str(seed_source.id)))).select("#copies tbody tr")
    assert [b.text for b in row.select("bdi")][:2] == ["bidi gnp.exe title", "AP"]
    assert row.select_one(".muted").text.endswith("2025-11-05")
    compared = soup(client.get(compare_url(str(seed_source.id), spoof.id)))
    assert "bidi gnp.exe title" in [b.text for b in compared.select(".stored-bar bdi")]
    meta = [b.text for b in compared.select("#side-b header .meta bdi")]
    assert meta[:3] == ["AP", "2025-11-05", "https://example.com/x"]
    assert soup(client.get(page(spoof.id))).select_one("p.muted bdi").text == "evil/2"
    assert client.get("/api/articles/" + quote(spoof.id, safe="")).json()["outlet"] == "\u202eAP\x01"  # kept in data


def test_the_compare_form_labels_each_text_and_file(client):
    """The textareas had no label (their name was the placeholder, gone once text is typed) and both file
    inputs were named "or a file:"."""
    form = soup(client.get("/compare")).select_one("form.compare-form")
    names = {}
    for field in form.select("textarea, input[type=file]"):
        (label,) = form.select(f"label[for={field['id']}]")
        names[field["id"]] = " ".join(label.get_text(" ").split())
    assert names == {
        "a_text": "Text of article A",
        "a_file": "or a file of article A:",
        "b_text": "Text of article B",
        "b_file": "or a file of article B:",
    }


def test_every_page_writes_a_date_one_way(tmp_path, engine, seed_source_path, seed_rewrite_path):
    """ISO day, and the time to the minute with its zone where one is known: the article, search and overview
    tables had shown the stored "2025-11-03T09:05:00+09:00", the story list and graph "2025-11-03 09:05"."""
    import dataclasses
    import re

    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint

    source, rewrite = iter_articles([seed_source_path, seed_rewrite_path])
    source = dataclasses.replace(source, published="2025-11-03T09:05:00+09:00")
    with Corpus(SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)), engine) as corpus:
        assert corpus.ingest([source, rewrite]).added == 2
        corpus.scan()
    client = TestClient(create_app(WebConfig(db=str(tmp_path / "w.db")), engine))
    shown = "2025-11-03 09:05 +09:00"
    pages = {
        "overview": ("/", "#recent td.when"),
        "stories": ("/stories", "#all-stories td.when"),
        "story": ("/stories/1", "ol.members .muted"),
        "graph": ("/stories/1", "svg#provenance text.axis"),
        "search": ("/search?q=Hegseth", "#results td.when"),
        "article": (page(str(source.id)), ".meta-list dd"),
        "sources": (page(str(rewrite.id)), "#sources .muted"),
        "compare": (compare_url(str(source.id), str(rewrite.id)), "#side-a header .meta"),
    }
    for name, (url, selector) in pages.items():
        doc = soup(client.get(url))
        assert any(shown in el.text for el in doc.select(selector)), (name, [el.text for el in doc.select(selector)])
        body = doc.body.text
        assert not re.search(r"\d{4}-\d\d-\d\dT\d", body), name  # no stored form left anywhere
        assert "2025-11-03 09:05:00" not in body, name


@pytest.mark.parametrize("name", ["hostile", "web_hostile"])
def test_hostile_text_is_escaped_on_every_page(client, name):
    source, rewrite = str(DATA / f"{name}_source.txt"), str(DATA / f"{name}_rewrite.txt")
    article = client.get(page(rewrite))
    assert "<script>" not in article.text.split("</head>", 1)[1].replace('<script src="/static/', "")
    doc = soup(article)
    assert_inert(doc)
    title = doc.select_one("#article-title").text  # the markup shown as text
    assert "<script>" in title or "<img src=x onerror=" in title
    # The source's address is a javascript: URL: shown as text, never a link.
    source_doc = soup(client.get(page(source)))
    assert_inert(source_doc)
    address = source_doc.find("dt", string="Address").find_next("dd")
    assert address.a is None and address.select_one("span.url").text.startswith("javascript:")
    for url in ("/", "/search?q=budget", "/search?q=ferry", "/compare?" + f"a={quote(source)}&b={quote(rewrite)}"):
        assert_inert(soup(client.get(url)))
    stories = soup(client.get("/")).select("#stories a")
    for a in stories:
        assert_inert(soup(client.get(a["href"])))


def test_the_stories_list_comes_a_page_at_a_time(client, monkeypatch):
    from wiretrace.web import pages

    monkeypatch.setattr(pages, "_PAGE", 2)
    every = client.get("/api/stories").json()
    assert len(every) >= 3
    first = soup(client.get("/stories"))
    assert first.h1.text == f"Stories: {len(every)}"
    assert [row.a.text for row in first.select("#all-stories tbody tr")] == ["Story 1", "Story 2"]
    assert [row.a["href"] for row in first.select("#all-stories tbody tr")] == [
        f"/stories/{s['key']}" for s in every[:2]
    ]
    assert first.select_one("#story-count").text == "stories 1 to 2"
    assert not first.select_one("nav.pages a[rel=prev]")
    later = first.select_one("nav.pages a[rel=next]")["href"]
    assert later == "/stories?offset=2"
    second = soup(client.get(later))
    assert second.select_one("#all-stories tbody tr").a.text == "Story 3"
    assert second.select_one("nav.pages a[rel=prev]")["href"] == "/stories?offset=0"
    past = soup(client.get("/stories?offset=1000"))
    assert "No stories past the first" in past.text and past.select_one('a[href="/stories"]')
    assert client.get("/stories?offset=-1").status_code == 422


def test_a_story_of_many_originals_names_a_few_and_counts_the_rest(client, monkeypatch):
    from wiretrace.web import views

    every = client.get("/api/stories").json()
    roots = len(every[0]["roots"])
    monkeypatch.setattr(views, "ORIGINALS_SHOWN", 0)
    first = soup(client.get("/stories")).select_one("#all-stories tbody tr")
    assert not first.select("bdi") and first.select_one(".muted").text == f"and {roots} more"


def test_pages_send_a_content_security_policy(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_ingest_form_on_a_token_server_asks_for_it(tmp_path, web_db, engine):
    db = tmp_path / "t.db"
    shutil.copy(web_db, db)
    client = TestClient(create_app(WebConfig(db=str(db), token="s3cret"), engine))
    assert soup(client.get("/")).select_one("#ingest-token")
    files = {"file": ("a.txt", b"Seoul has 450,000 troops.", "text/plain")}
    refused = client.post("/ingest", files=files, data={"token": "nope"})
    assert refused.status_code == 401
    accepted = client.post("/ingest", files=files, data={"token": "s3cret"}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/jobs/")


def test_too_large_upload_on_a_page_is_an_error_page(web_db, engine):
    client = TestClient(create_app(WebConfig(db=str(web_db), max_body_bytes=4096), engine))
    response = client.post("/compare", data={"a_text": "word " * 2000, "b_text": "x"})
    assert response.status_code == 413
    line = soup(response).select_one(".error-line").text
    assert line == "error: request body larger than 4 KiB (the server's limit for this endpoint)"


def test_stories_page_lists_every_story_largest_first(client):
    doc = soup(client.get("/stories"))
    rows = doc.select("#all-stories tbody tr")
    assert len(rows) == len(client.get("/api/stories").json())
    sizes = [int(r.select("td")[2].text) for r in rows]
    assert sizes == sorted(sizes, reverse=True)
    first = client.get("/api/stories").json()[0]
    assert rows[0].a["href"] == f"/stories/{first['key']}"
    page = soup(client.get(rows[0].a["href"]))
    assert page.h1.text.startswith("Story 1: ") and first["key"] in page.select_one("p.muted code").text


def test_search_results_come_a_page_at_a_time(tmp_path, engine, data_dir, monkeypatch):
    """Past a page of results the search page links to the next one and back; the API takes an offset."""
    from wiretrace.adapters.inputs import iter_articles
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint
    from wiretrace.web import pages

    showbiz = sorted((data_dir / "meter/newspapers/rawtexts/showbiz").glob("*/oasis/*.txt"))[:5]
    with Corpus(SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)), engine) as corpus:
        assert corpus.ingest(list(iter_articles(showbiz))).added == 5
    client = TestClient(create_app(WebConfig(db=str(tmp_path / "w.db")), engine))
    every = [a["id"] for a in client.get("/api/search", params={"q": "the"}).json()]
    assert len(every) == 5
    pieces = [client.get("/api/search", params={"q": "the", "limit": 2, "offset": k}).json() for k in (0, 2, 4)]
    assert [a["id"] for piece in pieces for a in piece] == every
    monkeypatch.setattr(pages, "_PAGE", 2)
    first = soup(client.get("/search", params={"q": "the"}))
    assert first.select_one("#result-count").text == "articles 1 to 2 found"
    assert not first.select_one("nav.pages a[rel=prev]")
    second = soup(client.get(first.select_one("nav.pages a[rel=next]")["href"]))
    assert second.select_one("#result-count").text == "articles 3 to 4 found"
    third = soup(client.get(second.select_one("nav.pages a[rel=next]")["href"]))
    assert third.select_one("#result-count").text == "articles 5 to 5 found"
    assert not third.select_one("nav.pages a[rel=next]")
    back = soup(client.get(third.select_one("nav.pages a[rel=prev]")["href"]))
    assert back.select_one("#result-count").text == "articles 3 to 4 found"
    past = soup(client.get("/search", params={"q": "the", "offset": 1000}))
    assert past.select_one("#result-count").text == "no articles found past the first 1000"
    assert past.select_one("nav.pages a[rel=prev]")
    for path in ("/search", "/api/search"):  # past what SQLite can count: a 422 naming the field, not a 500
        assert client.get(path, params={"q": "the", "offset": 2**63}).status_code == 422
