"""The JSON API in-process: status codes, the CLI's schema, one error shape, limits, the token."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from wiretrace.cli import main
from wiretrace.report import comparison_to_dict
from wiretrace.web import WebConfig, create_app

from .conftest import DATA


def api(article_id: str) -> str:
    return "/api/articles/" + quote(article_id, safe="")


@pytest.fixture(scope="module")
def client(web_db: Path, engine) -> TestClient:
    return TestClient(create_app(WebConfig(db=str(web_db)), engine))


@pytest.fixture
def writable(tmp_path: Path, web_db: Path) -> Path:
    """A copy of the test store that a test may change."""
    db = tmp_path / "copy.db"
    shutil.copy(web_db, db)
    return db


def assert_error(response, status: int, text: str | None = None) -> str:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    if text is not None:
        assert body["error"] == text
    return str(body["error"])


def test_openapi_documents_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/compare",
        "/api/compare/files",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/sources",
        "/api/articles/{article_id}/copies",
        "/api/ingest",
        "/api/jobs/{job_id}",
        "/api/stories",
        "/api/stories/{ref}",
        "/api/search",
        "/api/stats",
    ):
        assert path in paths, path
    # The error shape is part of the schema.
    assert schema["paths"]["/api/compare"]["post"]["responses"]["413"]["content"]["application/json"]
    # No page loads Swagger from a CDN.
    assert client.get("/docs").status_code == 404


def test_compare_text_gives_the_cli_json(client, engine, seed_source, seed_rewrite, schema_doc):
    body = {"a": {"text": seed_source.text}, "b": {"text": seed_rewrite.text}}
    data = client.post("/api/compare", json=body).json()
    assert data["schema"] == "wiretrace.comparison/1"
    assert (data["relation"], data["source"], data["derived"]) == ("rewrite", "a", "b")
    assert schema_doc.problems(data) == []
    cli = comparison_to_dict(engine.compare(seed_source, seed_rewrite), engine.embedder.name)
    for key in ("relation", "confidence", "alignment", "added", "dropped", "carried_facts", "coverage"):
        assert data[key] == cli[key], key
    assert data["articles"]["a"]["published"] == "2025-11-03"


def test_compare_metadata_given_beside_the_text(client, seed_source, seed_rewrite):
    body = {
        "a": {"text": seed_source.text, "title": "Hegseth in Seoul", "outlet": "Reuters"},
        "b": {"text": seed_rewrite.text, "published": "2025-11-04"},
    }
    data = client.post("/api/compare", json=body).json()
    assert data["articles"]["a"]["title"] == "Hegseth in Seoul"
    assert data["articles"]["a"]["outlet"] == "Reuters"
    assert data["direction_basis"] == "published" and data["source"] == "a"


def test_compare_uploaded_files_never_opens_the_given_path(client, seed_source_path, seed_rewrite_path):
    files = {
        "a": ("../../../etc/passwd", seed_source_path.read_bytes(), "text/plain"),
        "b": ("/etc/hostname", seed_rewrite_path.read_bytes(), "text/plain"),
    }
    data = client.post("/api/compare/files", files=files).json()
    assert data["relation"] == "rewrite"
    assert data["articles"]["a"]["path"] == "passwd" and data["articles"]["b"]["path"] == "hostname"
    assert "Hegseth" in data["articles"]["a"]["sentences"][0]["text"]


def test_compare_stored_sources_and_copies(client, seed_source_path, seed_rewrite_path):
    src, rew = str(seed_source_path), str(seed_rewrite_path)
    data = client.get("/api/compare", params={"a": src, "b": rew}).json()
    assert data["relation"] == "rewrite" and data["source"] == "a"
    (match,) = client.get(api(rew) + "/sources").json()
    assert match["id"] == src and match["role"] == "source"
    assert match["comparison"]["schema"] == "wiretrace.comparison/1"
    (copy,) = client.get(api(src) + "/copies").json()
    assert copy["id"] == rew and copy["role"] == "copy"
    article = client.get(api(src)).json()
    assert article["published"] == "2025-11-03" and "28,500" in article["text"]


def test_missing_article_error_is_the_cli_line(client, web_db, capsys):
    assert main(["sources", "no-such-article", "--db", str(web_db)]) == 1
    cli_line = capsys.readouterr().err.strip()
    assert cli_line.startswith("error: ")
    assert_error(client.get(api("no-such-article") + "/sources"), 404, cli_line.removeprefix("error: "))
    assert_error(client.get(api("no-such-article")), 404, cli_line.removeprefix("error: "))


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "text"),
    [
        ("post", "/api/compare", {"json": {"a": {"text": " "}, "b": {"text": "Seoul has troops."}}}, 400, None),
        ("post", "/api/compare", {"json": {"a": {"text": "x"}}}, 422, "b: field required"),
        (
            "post",
            "/api/compare",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "request body: malformed JSON at character 1",
        ),
        ("get", "/api/search?since=2024-13-01", {}, 400, "since: '2024-13-01' is not a date (use YYYY-MM-DD)"),
        ("get", "/api/search?limit=0", {}, 422, None),
        ("get", "/api/stories/99", {}, 404, None),
        ("get", "/api/jobs/12345", {}, 404, "job 12345: no such job (jobs are kept while the server runs)"),
        ("get", "/api/no-such-thing", {}, 404, "/api/no-such-thing: no such page or endpoint"),
        ("put", "/api/stories", {}, 405, "/api/stories: method PUT not allowed here"),
        ("get", "/api/compare?a=x", {}, 422, "b: field required"),
    ],
)
def test_every_failure_has_one_shape(client, method, url, kwargs, status, text):
    assert_error(getattr(client, method)(url, **kwargs), status, text)


def test_empty_article_error_names_the_side(client):
    message = assert_error(client.post("/api/compare", json={"a": {"text": ""}, "b": {"text": "x"}}), 400)
    assert message.startswith("a: ")


def test_body_over_the_limit_is_413(web_db, engine):
    small = TestClient(create_app(WebConfig(db=str(web_db), max_body_bytes=2048, max_upload_bytes=4096), engine))
    big = {"a": {"text": "word " * 1000}, "b": {"text": "x"}}
    text = assert_error(small.post("/api/compare", json=big), 413)
    assert "2 KiB" in text
    # Without a Content-Length (chunked), the body is counted as it arrives.
    chunks = (b'{"a": {"text": "' + b"w" * 1000, b"w" * 1000, b"w" * 1000 + b'"}, "b": {"text": "x"}}')
    assert_error(small.post("/api/compare", content=iter(chunks), headers={"content-type": "application/json"}), 413)
    files = {"file": ("feed.jsonl", b'{"text": "' + b"w" * 5000 + b'"}\n', "application/json")}
    assert "4 KiB" in assert_error(small.post("/api/ingest", files=files), 413)


def test_compare_past_the_timeout_is_504(web_db, engine, seed_source, seed_rewrite):
    release = threading.Event()

    class Held:
        """The real engine, held until the test lets go."""

        settings, embedder = engine.settings, engine.embedder

        def compare(self, a, b):
            release.wait(10)
            return engine.compare(a, b)

    app = create_app(WebConfig(db=str(web_db), compare_timeout_s=0.2), engine)
    app.state.service.engine = Held()
    try:
        response = TestClient(app).post(
            "/api/compare", json={"a": {"text": seed_source.text}, "b": {"text": seed_rewrite.text}}
        )
    finally:
        release.set()
    assert "longer than 0.2 s" in assert_error(response, 504)


def test_writes_need_the_token_when_one_is_set(writable, engine):
    client = TestClient(create_app(WebConfig(db=str(writable), token="s3cret"), engine))
    body = {"articles": [{"id": "t1", "text": "Seoul has 450,000 troops. It plans a budget rise."}], "scan": False}
    assert_error(client.post("/api/articles", json=body), 401)
    assert_error(client.post("/api/articles", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error(client.delete(api("t1")), 401)
    files = {"file": ("a.txt", b"Seoul has 450,000 troops.", "text/plain")}
    assert_error(client.post("/api/ingest", files=files), 401)
    good = {"Authorization": "Bearer s3cret"}
    assert client.post("/api/articles", json=body, headers=good).json()["added"] == 1
    assert client.get(api("t1")).status_code == 200  # reads need no token
    assert client.delete(api("t1"), headers=good).json() == {"ok": True, "forgot": "t1"}
    # The scheme is case-insensitive (RFC 9110): "bearer" had been a 401. A bare token is no scheme.
    assert client.post("/api/articles", json=body, headers={"Authorization": "bearer  s3cret"}).json()["added"] == 1
    assert_error(client.post("/api/articles", json=body, headers={"Authorization": "s3cret"}), 401)
    assert client.delete(api("t1"), headers=good).json() == {"ok": True, "forgot": "t1"}
    # the server's file paths stay on the server
    assert_error(client.delete(api("t1"), headers=good), 404, "t1: no article with this id in the store")
    # No id at all: the error had named nothing (": no article with this id ...").
    empty = "article id: none given (the address ends where the id belongs)"
    assert_error(client.delete("/api/articles/", headers=good), 404, empty)
    for url in ("/api/articles/", "/api/articles//sources", "/api/articles//copies"):
        assert_error(client.get(url), 404, empty)


@pytest.mark.parametrize("path", ["/api/ingest", "/ingest"])
def test_an_upload_takes_the_token_in_the_header_or_the_form(writable, engine, path):
    """require_token's docstring promised the header or a form field, but the API upload took the header
    alone and the page's upload the form field alone, each answering the other 401."""
    client = TestClient(create_app(WebConfig(db=str(writable), token="s3cret"), engine))
    files = {"file": ("a.txt", b"Seoul has 450,000 troops. It plans a budget rise.", "text/plain")}
    for given in ({"headers": {"Authorization": "Bearer s3cret"}}, {"data": {"token": "s3cret"}}):
        answer = client.post(path, files=files, follow_redirects=False, **given)
        assert answer.status_code in (202, 303), (given, answer.text)
        job = answer.headers.get("location", "").removeprefix("/jobs/") or answer.json()["job"]
        for _ in range(600):  # done before the next upload: at most two run at once (429 beyond)
            if client.get(f"/api/jobs/{job}").json()["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
    for given in ({}, {"headers": {"Authorization": "Bearer nope"}}, {"data": {"token": "nope"}}):
        answer = client.post(path, files=files, **given)
        assert answer.status_code == 401
        assert "needs a token for writes" in answer.text


def test_ingest_json_then_sources_find_it(writable, engine, seed_source_path, seed_rewrite):
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    body = {
        "articles": [
            {"id": "copy-of-seed", "text": seed_rewrite.text.replace("Meanwhile", "Elsewhere"), "outlet": "Echo"},
            {"id": "bad", "text": "x", "published": "yesterday"},
        ]
    }
    report = client.post("/api/articles", json=body).json()
    assert report["added"] == 1 and report["scanned"] == 1
    (rejected,) = report["rejected"]
    assert rejected["where"] == "bad" and "yesterday" in rejected["reason"]
    ids = [m["id"] for m in client.get(api("copy-of-seed") + "/sources").json()]
    assert str(seed_source_path) in ids


def test_an_ingest_jsonl_line_posted_as_it_stands_keeps_its_source_date_and_numeric_id(writable, engine, seed_rewrite):
    # README: POST /api/articles takes "the fields of an ingest JSONL line"; its source and date had been
    # dropped without a word, and a numeric id answered 422.
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    line = {"id": 17, "text": seed_rewrite.text, "source": "Reuters", "date": "2025-11-04", "title": "T"}
    report = client.post("/api/articles", json={"articles": [line], "scan": False}).json()
    assert report["added"] == 1, report
    stored = client.get(api("17")).json()
    assert (stored["id"], stored["outlet"], stored["published"], stored["title"]) == (
        "17",
        "Reuters",
        "2025-11-04",
        "T",
    )
    answer = client.post("/api/compare", json={"a": {**line, "text": "Seoul plans a record budget."}, "b": line})
    assert answer.status_code == 200, answer.text
    assert answer.json()["articles"]["a"]["outlet"] == "Reuters"


def test_a_write_while_another_process_holds_the_store_is_a_503_saying_so(writable, engine, monkeypatch):
    # A forget had answered 500 "internal error" (sqlite3's "database is locked"), an ingest 500 with the
    # CLI's line; the store is only busy (`wiretrace ingest` beside the server), and the CLI says so.
    import functools
    import sqlite3

    from wiretrace.adapters.store import SQLiteStore

    monkeypatch.setattr("wiretrace.web.service.SQLiteStore", functools.partial(SQLiteStore, timeout_s=0.05))
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    assert client.get("/api/stats").status_code == 200
    other = sqlite3.connect(writable, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        body = {"articles": [{"id": "new", "text": "Seoul plans a record budget. The rise is large."}]}
        for response in (client.delete(api("nothing")), client.post("/api/articles", json=body)):
            assert "the store is busy" in assert_error(response, 503)
            assert response.headers["Retry-After"] == "10"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert client.delete(api("nothing")).status_code == 404


def test_cross_site_post_is_refused(client):
    response = client.post(
        "/api/compare", json={"a": {"text": "x"}, "b": {"text": "y"}}, headers={"Origin": "https://evil.example"}
    )
    assert "another site" in assert_error(response, 403)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},  # a sandboxed frame or a data: page on another site
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},  # the browser says what Origin does not
    ],
)
def test_write_from_another_page_is_refused(writable, engine, headers):
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    before = client.get("/api/stats").json()["articles"]
    body = {"articles": [{"id": "planted", "text": "Zebras escaped from the city zoo on Monday."}]}
    assert "another site" in assert_error(client.post("/api/articles", json=body, headers=headers), 403)
    assert client.get("/api/stats").json()["articles"] == before
    # the server's own page (same origin) still writes
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/articles", json=body, headers=own).json()["added"] == 1


def test_a_host_name_the_server_does_not_answer_to_is_refused(web_db, engine):
    """Bound to this machine, a foreign Host is a DNS-rebinding page reading the store."""
    app = create_app(WebConfig(db=str(web_db), allowed_hosts=frozenset({"127.0.0.1", "localhost", "::1"})), engine)
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert TestClient(app, base_url=f"http://{host}").get("/api/stats").status_code == 200
    rebound = TestClient(app, base_url="http://evil.example:8000")
    assert "'evil.example:8000': not a name this server answers to" in assert_error(rebound.get("/api/stats"), 400)
    assert rebound.get("/stories").status_code == 400


def test_an_id_ending_in_sources_is_an_article_when_its_slash_is_encoded(writable, engine):
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    text = "Harbour pilots on the east coast walked out on Tuesday over a new rota."
    for article_id in ("notes/sources", "notes/copies"):
        article = {"id": article_id, "text": f"{text} ({article_id})"}  # two texts: a copy would be a duplicate
        client.post("/api/articles", json={"articles": [article], "scan": False})
        assert client.get(api(article_id)).json()["id"] == article_id
    # the route's own suffix after an encoded id: the copies of "notes/sources" (its near-twin here)
    assert [m["id"] for m in client.get(api("notes/sources") + "/copies").json()] == ["notes/copies"]
    assert_error(client.get("/api/articles/notes/sources"), 404)  # the sources of "notes", which is not stored


@pytest.mark.parametrize("article_id", ["nl\nid", "two\nlines/sources", "\nlead", "crlf\r\n"])
def test_an_id_holding_a_newline_is_reached_by_every_route(writable, engine, article_id):
    """Ingest and the CLI take an id with a newline, and the pages linked to "/articles/nl%0Aid", but every
    route answered 404 (Starlette's path convertor, ".*", stops at a newline): the article could not even
    be forgotten from the web."""
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    text = "Harbour pilots on the east coast walked out on Tuesday over a new rota, the union said."
    assert client.post("/api/articles", json={"articles": [{"id": article_id, "text": text}]}).json()["added"] == 1
    assert client.get(api(article_id)).json()["id"] == article_id
    for suffix in ("/sources", "/copies"):
        assert client.get(api(article_id) + suffix).status_code == 200, suffix
    page = client.get("/articles/" + quote(article_id, safe=""))
    assert page.status_code == 200 and "Harbour pilots" in page.text
    assert client.delete(api(article_id)).json() == {"ok": True, "forgot": article_id}
    assert_error(client.get(api(article_id)), 404)


def test_uploads_beyond_the_running_jobs_limit_wait_their_turn(writable, engine):
    client = TestClient(create_app(WebConfig(db=str(writable), ingest_jobs=1), engine))
    gate = threading.Event()
    service = client.app.state.service
    real_open = service.open_store

    def held_open():  # the first job holds until the second upload has been answered
        gate.wait(60)
        return real_open()

    service.open_store = held_open
    feed = (DATA / "feed.jsonl").read_bytes()
    first = client.post("/api/ingest", files={"file": ("one.jsonl", feed, "application/x-ndjson")})
    assert first.status_code == 202
    second = client.post("/api/ingest", files={"file": ("two.jsonl", feed, "application/x-ndjson")})
    assert assert_error(second, 429) == (
        "upload: the server is ingesting 1 upload already (job 1), as many as it runs at once; "
        "send it again when one is done"
    )
    assert second.headers["retry-after"] == "10"
    gate.set()
    for _ in range(600):  # a bound on polls, not a time limit on the work
        if client.get(first.json()["status_url"]).json()["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert client.post("/api/ingest", files={"file": ("two.jsonl", feed, "application/x-ndjson")}).status_code == 202


def test_background_ingest_job_reports_progress_and_result(writable, engine):
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    before = client.get("/api/stats").json()["articles"]
    lines = (DATA / "feed.jsonl").read_bytes() + b'{"id": "broken", "title": "no text"}\n{not json\n'
    answer = client.post("/api/ingest", files={"file": ("../feed.jsonl", lines, "application/x-ndjson")})
    assert answer.status_code == 202
    job_url = answer.json()["status_url"]
    for _ in range(600):  # a bound on polls, not a time limit on the work
        job = client.get(job_url).json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert job["name"] == "feed.jsonl" and job["phase"] == "scan"
    assert job["rejected"] == 2
    # feed.jsonl has three lines (one blank); the two bad ones follow, named by line.
    reasons = {r["where"]: r["reason"] for r in job["rejections"]}
    assert set(reasons) == {"feed.jsonl:4", "feed.jsonl:5"}
    assert reasons["feed.jsonl:4"].startswith('missing field "text"')
    assert reasons["feed.jsonl:5"].startswith("malformed JSON")
    assert job["added"] == 2 and job["done"] == job["total"]
    assert client.get("/api/stats").json()["articles"] == before + 2
    assert client.get(api("ledger-001")).json()["outlet"] == "The Coastal Ledger"


def test_search_by_text_outlet_and_date(client, seed_source_path):
    hits = client.get("/api/search", params={"q": "Hegseth"}).json()
    assert str(seed_source_path) in [h["id"] for h in hits]
    assert [h["outlet"] for h in client.get("/api/search", params={"outlet": "coastal"}).json()] == ["Coastal Wire"]
    dated = client.get("/api/search", params={"since": "2024-03-13", "until": "2024-03-13"}).json()
    assert [h["published"][:10] for h in dated] == ["2024-03-13"]
    assert client.get("/api/search", params={"q": "100%_no_such"}).json() == []


@pytest.mark.parametrize("path", ["/api/search", "/search"])
@pytest.mark.parametrize("field", ["q", "title", "outlet"])
def test_a_search_field_past_the_limit_is_a_422_naming_it(client, path, field):
    """A field of 49,999 characters made SQLite refuse the LIKE pattern ("too complex"): a 500, its
    traceback in the log. The limit is 1,000 characters, and past it the answer names the field."""
    assert client.get(path, params={field: "%" * 1000}).status_code == 200  # escaped, the longest still runs
    response = client.get(path, params={field: "a" * 49_999})
    assert response.status_code == 422
    line = "49,999 characters, over the 1,000 taken (give a shorter one)"
    if path.startswith("/api"):
        assert assert_error(response, 422) == f"{field}: {line}"
    else:
        assert f"error: {field}: {line}" in response.text


def test_stories_carry_the_provenance_graph(client, seed_source_path, seed_rewrite_path):
    stories = client.get("/api/stories").json()
    seed = next(s for s in stories if str(seed_source_path) in s["roots"])
    (edge,) = seed["edges"]
    assert (edge["source"], edge["derived"]) == (str(seed_source_path), str(seed_rewrite_path))
    assert client.get(f"/api/stories/{seed['key']}").json() == seed
    assert client.get(f"/api/stories/{seed['id']}").json() == seed  # by its number, as links had it
    assert client.get("/api/stories/0123456789ab").status_code == 404
    stats = client.get("/api/stats").json()
    assert stats["stories"] == len(stories) and stats["pairs"]["rewrite"] >= 3


def test_stories_come_a_page_at_a_time_numbered_in_the_whole_list(client):
    every = client.get("/api/stories").json()
    assert len(every) >= 3
    assert client.get("/api/stories", params={"offset": 1, "limit": 2}).json() == every[1:3]
    assert [s["id"] for s in client.get("/api/stories", params={"limit": 1}).json()] == [1]
    assert client.get("/api/stories", params={"offset": len(every)}).json() == []
    assert_error(client.get("/api/stories", params={"limit": 0}), 422)


def test_stories_follow_a_change_made_beside_the_server(writable, engine, seed_rewrite_path):
    """The server builds its stories once for each state of the store: a `wiretrace forget` (or scan) run
    by another process beside it shows at the next request, not after a restart."""
    from wiretrace.adapters.store import SQLiteStore
    from wiretrace.corpus import Corpus, store_fingerprint

    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    before = client.get("/api/stories").json()
    assert any(str(seed_rewrite_path) in [a["id"] for a in s["articles"]] for s in before)
    assert client.get("/api/stories").json() == before  # built once, read twice
    with SQLiteStore(writable, store_fingerprint(engine.settings)) as store:  # another connection, as a CLI's
        assert Corpus(store, engine).forget(str(seed_rewrite_path)) == str(seed_rewrite_path)
    after = client.get("/api/stories").json()
    assert len(after) == len(before) - 1
    assert not any(str(seed_rewrite_path) in [a["id"] for a in s["articles"]] for s in after)
    assert client.get("/api/stats").json()["stories"] == len(after)


def test_serve_refuses_other_addresses_without_a_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("WIRETRACE_TOKEN", raising=False)
    assert main(["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "error: --host 0.0.0.0: refusing to serve beyond this machine without a token (give --token or WIRETRACE_TOKEN)"
    )
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.4", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host, loopback):
    from wiretrace.cli_web import is_loopback

    assert is_loopback(host) is loopback


def test_json_errors_are_not_html(client):
    response = client.get(api("nope"))
    assert response.headers["content-type"].startswith("application/json")
    json.loads(response.text)


def test_concurrent_requests_agree_with_one_at_a_time(client, seed_source, seed_rewrite, seed_rewrite_path):
    """Many server threads share one engine and open a store each: results do not depend on the load."""
    from concurrent.futures import ThreadPoolExecutor

    body = {"a": {"text": seed_source.text}, "b": {"text": seed_rewrite.text}}
    alone = client.post("/api/compare", json=body).json()
    sources_alone = client.get(api(str(seed_rewrite_path)) + "/sources").json()

    def compare(_: int) -> dict:
        return client.post("/api/compare", json=body).json()

    def sources(_: int) -> list:
        return client.get(api(str(seed_rewrite_path)) + "/sources").json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        compares = list(pool.map(compare, range(16)))
        found = list(pool.map(sources, range(16)))
    assert all(c == alone for c in compares)
    assert all(f == sources_alone for f in found)


def test_serve_says_when_the_port_is_taken(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--db", str(tmp_path / "x.db"), "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: --host 127.0.0.1 --port {port}: cannot listen there (")
    assert err.endswith("choose another --port") and "\n" not in err


def test_a_bug_answers_500_without_article_text_or_stack(web_db, engine, seed_source, seed_rewrite, caplog):
    class Broken:
        settings, embedder = engine.settings, engine.embedder

        def compare(self, a, b):
            raise RuntimeError(f"bug while reading {a.text[:40]}")

    app = create_app(WebConfig(db=str(web_db)), engine)
    app.state.service.engine = Broken()
    client = TestClient(app, raise_server_exceptions=False)
    body = {"a": {"text": seed_source.text}, "b": {"text": seed_rewrite.text}}
    assert_error(client.post("/api/compare", json=body), 500, "internal error (see the server log)")
    page = client.post("/compare", data={"a_text": seed_source.text, "b_text": seed_rewrite.text})
    assert page.status_code == 500 and "Hegseth" not in page.text and "Traceback" not in page.text
    assert "RuntimeError" in caplog.text  # the log keeps it
    # answered outside the middleware, and still with the headers every response carries
    assert "default-src" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_head_answers_as_get_without_a_body(client):
    for path in ("/", "/api/stats"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ('{"a": {"text": "x"}, "b": ', "application/json", 400, "request body: malformed JSON at character 26"),
        (
            '{"a": {"text": "x"}}',
            "text/plain",
            415,
            "request body: send JSON (Content-Type: application/json), not text/plain",
        ),
        ('{"a": {"text": "  "}, "b": {"text": "x"}}', "application/json", 400, 'a: field "text" is empty'),
    ],
)
def test_a_malformed_request_says_what_to_send(client, body, content_type, status, message):
    assert_error(client.post("/api/compare", content=body, headers={"content-type": content_type}), status, message)


JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "multipart/form-data; boundary=zz"}
UNREADABLE_JSON = (
    "request body: not readable as JSON (send UTF-8 JSON; nesting thousands deep and huge numbers are refused)"
)
SEND_FORM = "(send it as multipart/form-data, as a browser or curl -F does)"


@pytest.mark.parametrize(
    ("url", "body", "headers", "message"),
    [
        ("/api/compare", b'{"a": {"text": "\xff\xfe"}, "b": {"text": "x"}}', JSON, UNREADABLE_JSON),
        ("/api/compare", b"[" * 100_000 + b"]" * 100_000, JSON, UNREADABLE_JSON),
        ("/api/compare", b'{"a": ' + b"9" * 5000 + b"}", JSON, UNREADABLE_JSON),
        ("/api/compare/files", b"garbage", FORM, f"form: not valid multipart data {SEND_FORM}"),
        ("/compare", b"garbage", FORM, f"form: not valid multipart data {SEND_FORM}"),
        (
            "/compare",
            b"x",
            {"Content-Type": "multipart/form-data"},
            f"form: the Content-Type header names no boundary {SEND_FORM}",
        ),
        (
            "/api/compare/files",
            b"--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n",
            FORM,
            f"form: a part has no name {SEND_FORM}",
        ),
    ],
)
def test_a_body_the_framework_cannot_read_gets_a_line_naming_the_problem(client, url, body, headers, message):
    """Invalid UTF-8, JSON nested 100,000 deep or a 5,000-digit number had answered Starlette's "There was an
    error parsing the body", a broken form "Invalid multipart data." or "Missing boundary in multipart."."""
    response = client.post(url, content=body, headers=headers)
    assert response.status_code == 400
    if url.startswith("/api"):
        assert assert_error(response, 400) == message
    else:
        assert f"error: {message}" in response.text.replace("&#34;", '"')


def test_a_lone_surrogate_is_a_400_naming_the_field(client, seed_source):
    # valid JSON ("\ud800"), but not text that can be written as UTF-8
    body = '{"a": {"text": "Seoul \\ud800 plans"}, "b": {"text": "x"}}'
    response = client.post("/api/compare", content=body, headers={"content-type": "application/json"})
    message = assert_error(response, 400)
    assert message.startswith('a: field "text" holds a lone surrogate')
    body = json.dumps({"a": {"text": seed_source.text, "title": "T"}, "b": {"text": "x"}}).replace('"T"', '"\\udc80"')
    response = client.post("/api/compare", content=body, headers={"content-type": "application/json"})
    assert assert_error(response, 400).startswith('a: field "title" holds a lone surrogate')


def test_an_id_holding_a_lone_surrogate_is_refused_by_its_place_not_a_500(writable, engine, seed_source):
    # The reader refuses the id; the refusal had named the article by that id, which JSON cannot carry.
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    body = json.dumps({"articles": [{"id": "ID-HERE", "text": seed_source.text}], "scan": False}).replace(
        '"ID-HERE"', '"x\\ud800"'
    )
    response = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    (rejected,) = response.json()["rejected"]
    assert rejected["where"] == "api:1" and rejected["reason"].startswith('field "id" holds a lone surrogate')
    body = json.dumps({"a": {"id": "ID-HERE", "text": seed_source.text}, "b": {"text": "x"}}).replace(
        '"ID-HERE"', '"x\\ud800"'
    )
    response = client.post("/api/compare", content=body, headers={"content-type": "application/json"})
    assert assert_error(response, 400).startswith('a: field "id" holds a lone surrogate')


def test_other_commands_do_not_load_the_web_extra():
    import subprocess
    import sys

    code = (
        "import sys, wiretrace.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_token_lets_serve_past_the_loopback_rule(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert (
            main(["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0", "--port", str(port), "--token", "t"])
            == 1
        )
    # It got as far as the port: the token satisfied the rule for non-loopback addresses.
    assert capsys.readouterr().err.startswith(f"error: --host 0.0.0.0 --port {port}: cannot listen there")


def test_allowed_host_takes_names_not_urls():
    from wiretrace.cli_web import _allowed_hosts
    from wiretrace.errors import ConfigError

    assert _allowed_hosts("127.0.0.1", ("news.example:8443",)) >= {"news.example", "localhost"}
    with pytest.raises(ConfigError, match=r"'http://news\.example/': give a host name"):
        _allowed_hosts("127.0.0.1", ("http://news.example/",))


def test_articles_added_at_once_by_several_clients_are_each_scanned_once(writable, engine, data_dir):
    """Three clients post METER texts together: the server scans one batch at a time, so each article is
    scanned once and each answer counts its own (two scans at once had both taken the articles not yet
    scanned: 240 articles reported scanned 160, 80 and 240 times)."""
    from concurrent.futures import ThreadPoolExecutor

    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    papers = sorted((data_dir / "meter/newspapers/rawtexts/courts").glob("*/*/*.txt"))[:36]
    batches = [
        {"articles": [{"id": p.name, "text": p.read_text(encoding="latin-1")} for p in papers[k::3]]} for k in range(3)
    ]
    before = client.get("/api/stats").json()["unscanned"]
    with ThreadPoolExecutor(3) as pool:
        answers = [r.json() for r in pool.map(lambda b: client.post("/api/articles", json=b), batches)]
    assert sum(a["added"] for a in answers) == 36
    assert sum(a["scanned"] for a in answers) == 36 + before
    assert client.get("/api/stats").json()["unscanned"] == 0


def test_a_warc_crawl_uploaded_goes_in_page_by_page_as_ingest_reads_it(tmp_path, writable, engine, warc, data_dir):
    """Two BBC articles as a crawl's pages: the upload had been refused as "a WARC file holds 2 pages; use
    wiretrace ingest (compare reads one article)", the message for compare."""
    bbc = [data_dir / "bbc" / "bbc" / "tech" / f"{n:03d}.txt" for n in (1, 2)]
    crawl = warc.write(
        tmp_path / "crawl.warc.gz", [(f"https://news.example/{p.stem}", warc.page(p)) for p in bbc], gzip=True
    )
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    files = {"file": ("crawl.warc.gz", crawl.read_bytes(), "application/warc")}
    job = client.post("/api/ingest", files=files).json()["job"]
    for _ in range(600):
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert (state["state"], state["added"], state["rejected"]) == ("done", 2, 0)
    assert client.get(api("https://news.example/002")).status_code == 200


def test_an_article_id_ending_like_a_file_name_does_not_say_how_to_read_its_text(writable, engine, data_dir):
    """An id is no file name: "crawl-2025-11-03.warc" had made the text be read as a WARC file and refused."""
    client = TestClient(create_app(WebConfig(db=str(writable)), engine))
    text = (data_dir / "bbc" / "bbc" / "tech" / "003.txt").read_text(encoding="latin-1")
    body = {"articles": [{"id": "crawl-2025-11-03.warc", "text": text}, {"id": "x.html", "text": "Two <p> tags."}]}
    answer = client.post("/api/articles", json={**body, "scan": False}).json()
    assert answer["added"] == 2 and answer["rejected"] == []
    assert client.get(api("x.html")).json()["title"] is None  # read as text: no page markup to read
