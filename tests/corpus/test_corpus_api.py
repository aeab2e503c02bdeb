"""Corpus mode through the Python API: WARC input, the time window, incremental scans."""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import random
import re

import pytest

from wiretrace.adapters.inputs import Rejected, iter_articles
from wiretrace.adapters.store import MemoryStore, SQLiteStore
from wiretrace.adapters.store.base import StoredArticle, article_digest
from wiretrace.core.normalize import clean_text
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.errors import InputError
from wiretrace.pipeline import Engine
from wiretrace.report import verdict_summary
from wiretrace.types import Article


@pytest.fixture
def corpus(engine):
    return Corpus(MemoryStore(), engine)


def test_a_warc_file_is_read_record_by_record(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    page = (
        "<html><head><title>Port strike vote</title></head><body><nav>Home | News | Sport</nav>"
        "<article><h1>Port strike vote</h1><p>Dockworkers at Port Malvern voted on Tuesday to strike for "
        "72 hours from next Monday, escalating a dispute over automation of three container berths.</p>"
        "<p>The union said 1,840 members took part in the ballot and 91 percent backed the walkout, "
        "the highest turnout in its history.</p></article></body></html>"
    )
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, body in enumerate([page, "<html><body><nav>only a menu</nav></body></html>"]):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://example.org/story/{n}", "response", payload=io.BytesIO(body.encode()), http_headers=headers
            )
            writer.write_record(record)
    passed: list[tuple[str, str]] = []
    found = list(iter_articles([path], on_passed=lambda where, why: passed.append((where, why))))
    assert [a.id for a in found if isinstance(a, Article)] == ["https://example.org/story/0"]
    assert "1,840 members" in found[0].text
    # The menu page is no article: passed over, and said so, not rejected (a crawl holds many such pages).
    assert [f for f in found if isinstance(f, Rejected)] == []
    assert passed == [(f"{path}#2 (https://example.org/story/1)", "no article text found in the HTML page")]


def test_damaged_warc_files_are_rejected_each_in_one_line(tmp_path, seed_source):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = f"<html><body><article><p>{seed_source.text[:1500]}</p></article></body></html>".encode()
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record("https://x.test/1", "response", payload=io.BytesIO(page), http_headers=headers)
    )
    whole = out.getvalue()
    files = {
        "whole.warc": whole,
        "cut.warc": whole[:-400],  # the record declares more bytes than the file holds
        "nouri.warc": b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n\r\n0123456789\r\n\r\n",
        "text.warc": b"this is not a warc file\n" * 10,
        "empty.warc": b"",
    }  # fmt: skip
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    found = {name: list(iter_articles([tmp_path / name])) for name in files}
    assert [a.id for a in found["whole.warc"]] == ["https://x.test/1"]
    reasons = {name: [r.reason for r in items] for name, items in found.items() if name != "whole.warc"}
    assert reasons["cut.warc"] == ["truncated record (396 bytes of it missing)"]
    assert len(reasons["nouri.warc"]) == 1 and reasons["nouri.warc"][0].startswith("not a readable WARC file (")
    assert reasons["text.warc"] == ["not a WARC file (it does not start with a WARC/1.x record header)"]
    assert reasons["empty.warc"] == ["empty file"]


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_warc_cut_inside_a_record_header_or_just_after_it_is_said_cut(
    tmp_path, warc, seed_source_path, seed_rewrite_path, gzipped
):
    """warcio ends quietly where the file ends inside a record's WARC header, or after it before any of its
    body: such a cut had read as a whole crawl of one page, with no word and exit 0."""
    import gzip as gz

    whole = warc.write(
        tmp_path / "whole.warc",
        [
            ("https://x.test/source", warc.page(seed_source_path)),
            ("https://x.test/rewrite", warc.page(seed_rewrite_path)),
        ],
    ).read_bytes()
    second = whole.index(b"WARC/1.0", 1)
    header_end = whole.index(b"\r\n\r\n", second) + 4
    cuts = {
        "the version line alone": second + len(b"WARC/1.0"),
        "its header cut in its last line": whole.index(b"Content-Length:", second) + 3,
        "its Content-Length without a value": whole.index(b"Content-Length:", second) + len(b"Content-Length:"),
        "its header whole, no body": header_end,
    }
    for what, at in cuts.items():
        path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
        path.write_bytes(gz.compress(whole[:at]) if gzipped else whole[:at])
        found = list(iter_articles([path]))
        assert [a.id for a in found if isinstance(a, Article)] == ["https://x.test/source"], what
        rejected = [r for r in found if isinstance(r, Rejected)]
        assert len(rejected) == 1, what
        assert rejected[0].where.startswith(f"{path}#2"), what
        assert rejected[0].reason.startswith(("truncated record (", "record without a Content-Length")), what
    # Cut before the first header's second line break: warcio trips over it ('NoneType' object has no
    # attribute ...), said plainly; cut inside its version line, warcio's own words say what it found.
    path = tmp_path / "first.warc"
    second_break = whole.index(b"\r\n", whole.index(b"\r\n") + 2)
    for at, reason in (
        (second_break, "not a readable WARC file (a record's header is damaged or cut short)"),
        (5, "not a readable WARC file (Unknown archive format, first line: ['WARC/'])"),
    ):
        path.write_bytes(whole[:at])
        assert list(iter_articles([path])) == [Rejected(str(path), reason)]


def test_a_crawl_as_wget_and_warcit_write_it_is_read_whole_or_said_cut(tmp_path, seed_source, seed_rewrite):
    """Pages stored as resource records (warcit, Webrecorder) and a response without a Content-Type had been
    dropped without a word; a file cut inside a request record, two of three records in a wget crawl, had
    read as complete."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def page(article):
        return f"<html><body><article><p>{article.text[article.header :][:1500]}</p></article></body></html>".encode()

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    request = StatusAndHeaders("GET /1 HTTP/1.1", [("Host", "x.test")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record("https://x.test/1", "request", payload=io.BytesIO(b""), http_headers=request)
    )
    untyped = StatusAndHeaders("200 OK", [], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://x.test/1", "response", payload=io.BytesIO(page(seed_source)), http_headers=untyped
        )
    )
    writer.write_record(
        writer.create_warc_record(
            "https://x.test/2", "resource", payload=io.BytesIO(page(seed_rewrite)), warc_content_type="text/html"
        )
    )
    writer.write_record(
        writer.create_warc_record("https://x.test/3", "request", payload=io.BytesIO(b"x" * 400), http_headers=request)
    )
    whole = out.getvalue()
    (tmp_path / "whole.warc").write_bytes(whole)
    (tmp_path / "cut.warc").write_bytes(whole[:-200])  # inside the last record, a request
    found = list(iter_articles([tmp_path / "whole.warc"]))
    assert [a.id for a in found] == ["https://x.test/1", "https://x.test/2"]
    assert "Hegseth" in found[0].text and "Hegseth" in found[1].text
    cut = list(iter_articles([tmp_path / "cut.warc"]))
    assert [a.id for a in cut if isinstance(a, Article)] == ["https://x.test/1", "https://x.test/2"]
    (rejected,) = [r for r in cut if isinstance(r, Rejected)]
    assert rejected.reason.startswith("truncated record (") and "https://x.test/3" in rejected.where


def test_a_warc_gzipped_whole_is_read_to_its_end_and_a_cut_one_said_so(tmp_path, seed_source, seed_rewrite):
    """`gzip crawl.warc` makes one gzip member, not one a record: it had ended after the first page
    ("non-chunked gzip file detected")."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    for n, article in enumerate((seed_source, seed_rewrite)):
        page = f"<html><body><article><p>{article.text[article.header :][:1500]}</p></article></body></html>"
        writer.write_record(
            writer.create_warc_record(
                f"https://x.test/{n}", "response", payload=io.BytesIO(page.encode()), http_headers=headers
            )
        )
    for n in range(3):  # images after the pages: a cut in them comes after what the gzip stream gave out
        blob = random.Random(n).randbytes(40_000)
        writer.write_record(
            writer.create_warc_record(
                f"https://x.test/i{n}.jpg", "resource", payload=io.BytesIO(blob), warc_content_type="image/jpeg"
            )
        )
    whole = gzip.compress(out.getvalue())
    (tmp_path / "whole.warc.gz").write_bytes(whole)
    (tmp_path / "cut.warc.gz").write_bytes(whole[: len(whole) - 300])
    assert [a.id for a in iter_articles([tmp_path / "whole.warc.gz"])] == ["https://x.test/0", "https://x.test/1"]
    cut = list(iter_articles([tmp_path / "cut.warc.gz"]))
    assert [a.id for a in cut if isinstance(a, Article)] == ["https://x.test/0", "https://x.test/1"]
    (rejected,) = [r for r in cut if isinstance(r, Rejected)]  # the record the cut left half
    assert rejected.reason.startswith("truncated record (") and "https://x.test/i2.jpg" in rejected.where


@pytest.mark.parametrize("whole", [False, True])
def test_a_cut_gzip_crawl_keeps_every_page_before_the_cut_and_says_so(seed_source, whole):
    """gzip.GzipFile dropped what it had decompressed when the data ended: a crawl cut early gave no page
    and no rejection. Cut anywhere, every page whole before the cut is read, and one line says it is cut."""
    import zlib

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from wiretrace.adapters.inputs import iter_warc

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=not whole)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    body = seed_source.text[seed_source.header :]
    ends = []  # where each record ends in the file written (gzipped a record at a time)
    for n in range(30):
        page = f"<html><body><article><h1>Story {n}</h1><p>Item {n}. {body}</p></article></body></html>"
        record = writer.create_warc_record(
            f"https://n.test/{n}", "response", payload=io.BytesIO(page.encode()), http_headers=headers
        )
        writer.write_record(record)
        ends.append(out.tell())
    data = gzip.compress(out.getvalue()) if whole else out.getvalue()
    assert len([a for a in iter_warc(data, "crawl.warc.gz") if isinstance(a, Article)]) == 30
    if whole:
        cuts = [int(len(data) * share) for share in (0.1, 0.5, 0.9)]
    else:  # halfway into a record's gzip member: the records before it are whole
        cuts = [(ends[k] + ends[k + 1]) // 2 for k in (2, 14, 26)]
    for at in cuts:
        cut = data[:at]
        if whole:  # the pages whole in what the cut gzip stream gives out
            complete = zlib.decompressobj(wbits=31).decompress(cut).count(b"</html>")
        else:
            complete = sum(end <= at for end in ends)
        items = list(iter_warc(cut, "crawl.warc.gz"))
        pages = [a for a in items if isinstance(a, Article)]
        assert [a.id for a in pages] == [f"https://n.test/{n}" for n in range(complete)]
        (rejected,) = [r for r in items if isinstance(r, Rejected)]
        assert rejected.reason.startswith("truncated"), rejected


def test_an_address_captured_twice_in_a_crawl_keeps_both_versions(tmp_path, engine, seed_source, seed_rewrite):
    """A crawl that came back to a page after it was updated: the second capture had been refused ("id ...
    is already stored with another text"); it is kept, named by its address and capture time."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "recrawl.warc"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        for article in (seed_source, seed_rewrite):  # the page, then its later version
            page = f"<html><body><article><p>{article.text[article.header :][:1500]}</p></article></body></html>"
            record = writer.create_warc_record(
                "https://news.example/hegseth", "response", payload=io.BytesIO(page.encode()), http_headers=headers
            )
            writer.write_record(record)
    first, later = iter_articles([path])
    assert first.id == "https://news.example/hegseth"
    assert later.id.startswith("https://news.example/hegseth (") and later.id.endswith(")")
    corpus = Corpus(MemoryStore(), engine)
    assert corpus.ingest([first, later]).added == 2


def test_candidates_outside_the_time_window_are_not_compared(engine, seed_source, seed_rewrite):
    corpus = Corpus(MemoryStore(), engine)
    far = dataclasses.replace(seed_rewrite, id="rewrite", published="2026-06-01")
    corpus.ingest([dataclasses.replace(seed_source, id="source"), far])
    assert corpus.scan().compared == 0
    near = Corpus(MemoryStore(), engine)
    near.ingest([dataclasses.replace(seed_source, id="source"), dataclasses.replace(far, published="2025-11-04")])
    report = near.scan()
    assert report.compared == 1
    (pair,) = near.store.pairs()
    assert (pair.relation, pair.direction_basis) == ("rewrite", "published")


def test_a_second_scan_examines_only_what_was_added(tmp_path, engine, seed_source, seed_rewrite):
    store = SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    corpus.ingest([dataclasses.replace(seed_source, id="source")])
    first = corpus.scan()
    assert (first.scanned, first.compared) == (1, 0)
    corpus.ingest([dataclasses.replace(seed_rewrite, id="rewrite")])
    second = corpus.scan()
    assert (second.scanned, second.compared) == (1, 1)
    assert corpus.scan().scanned == 0
    (story,) = corpus.stories()
    names = {s.rowid: s.article.id for s in store.get_many(list(story.articles))}
    assert [(names[e.source], names[e.derived]) for e in story.edges] == [("source", "rewrite")]
    store.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_text_refused_under_a_taken_id_goes_in_under_its_other_id(tmp_path, engine, seed_source, kind):
    """The same text twice in one batch, the first under an id already taken: the second is added, not lost."""
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    corpus.ingest([Article(text="Harbour pilots walked out on Tuesday over a new rota, the union said.", id="x")])
    text = seed_source.text[seed_source.header :]
    report = corpus.ingest([Article(text=text, id="x"), Article(text=text, id="y"), Article(text=text, id="z")])
    assert (report.added, report.duplicates, len(report.rejected)) == (1, 1, 1)
    assert "id 'x' is already stored with another text" in report.rejected[0].reason
    assert store.get("y") is not None and store.get("z") is None
    store.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_updated_article_replaces_its_stored_version_when_asked(tmp_path, engine, seed_source, seed_rewrite, kind):
    """A feed gives an article again under its id, updated: refused unless `update`, which stores the new
    version in place of the old, forgotten with its pairs, so the next scan decides them again."""
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    body = seed_rewrite.text[seed_rewrite.header :]
    corpus.ingest([dataclasses.replace(seed_source, id="reuters"), Article(body, id="site")])
    corpus.scan()
    assert len(corpus.store.pairs()) == 1
    updated = Article(body + "\n\nThe ministry confirmed the figures on Tuesday.", id="site")
    refused = corpus.ingest([updated])
    assert (refused.added, refused.updated) == (0, 0)
    assert refused.rejected[0].reason.endswith("is already stored with another text (forget it first)")
    report = corpus.ingest([updated], update=True)
    assert (report.added, report.updated, report.rejected) == (0, 1, [])
    assert corpus.store.get("site").article.text.endswith("confirmed the figures on Tuesday.")
    assert corpus.store.count() == 2 and corpus.store.pairs() == []  # the old version's pair went with it
    assert corpus.scan().scanned >= 1 and len(corpus.store.pairs()) == 1
    # A new text already stored under another id: skipped as a copy, and the old version kept
    again = corpus.ingest([dataclasses.replace(seed_source, id="site")], update=True)
    assert again.updated == 0 and corpus.store.get("site").article.text.endswith("on Tuesday.")
    store.close()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_an_update_keeps_a_copy_of_the_old_version_and_counts_one_article_once(tmp_path, engine, seed_rewrite, kind):
    """Review findings: a copy of the old version given in the update's batch had been skipped as a copy of
    a text then replaced (stored nowhere); one id given twice had counted two updates, or an add and an
    update for an article new to the store."""
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    body = seed_rewrite.text[seed_rewrite.header :]
    v1, v2, v3 = (Article(body + tail, id="site") for tail in ("", "\n\nConfirmed on Tuesday.", "\n\nCorrected."))
    corpus.ingest([v1])
    copy = corpus.ingest([Article(v1.text, id="mirror"), v2], update=True)
    assert (copy.added, copy.updated, copy.duplicates) == (1, 1, 0)
    assert store.get("mirror").article.text == v1.text and store.get("site").article.text == v2.text
    twice = corpus.ingest([v3, dataclasses.replace(v3, text=v3.text + " Twice.")], update=True)
    assert (twice.added, twice.updated) == (0, 1) and store.get("site").article.text.endswith("Twice.")
    new = corpus.ingest([Article(body, id="new"), Article(body + " Again.", id="new")], update=True)
    assert (new.added, new.updated) == (1, 0) and store.get("new").article.text.endswith("Again.")
    assert store.count() == 3
    store.close()


def test_a_text_stored_before_the_readers_cleaned_it_is_the_same_article_again(tmp_path, engine):
    """A store made when soft hyphens and U+2028 were kept: ingesting the same file again is a no-op."""
    raw = "Harbour pilots walked out on Tues\u00adday\u2028over a new rota, the union said."
    store = SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    old = Article(text=raw, id="pilots.txt")
    store.add([StoredArticle(old, article_digest(raw, None), (), 1)])  # as an older wiretrace stored it
    report = Corpus(store, engine).ingest([Article(text=clean_text(raw), id="pilots.txt")])
    assert (report.added, report.duplicates, report.rejected) == (0, 1, [])
    store.close()


def test_a_scan_in_this_process_gives_back_its_larger_document_cache(engine, seed_source, seed_rewrite):
    """Deciding pairs, the process keeps ``scan_cache_size`` documents; answering queries after, ``cache_size``."""
    settings = engine.settings.replace(cache_size=1, scan_cache_size=64)
    corpus = Corpus(MemoryStore(), Engine(settings, embedder=engine.embedder, lexicon=engine.lexicon))
    corpus.ingest([dataclasses.replace(seed_source, id="source"), dataclasses.replace(seed_rewrite, id="rewrite")])
    seen = []
    report = corpus.scan(progress=lambda k: seen.append(len(corpus._cache)))
    assert report.found == {"rewrite": 1}
    assert seen == [2]  # both documents kept while the scan ran
    assert len(corpus._cache) == 1


def test_sources_ranks_the_true_source_first(corpus, seed_source, seed_rewrite, engine):
    corpus.ingest([dataclasses.replace(seed_source, id="source"), dataclasses.replace(seed_rewrite, id="rewrite")])
    (match,) = corpus.sources("rewrite")
    assert match.article.article.id == "source"
    assert match.comparison.source == "a"
    assert corpus.sources("source") == []
    assert [m.article.article.id for m in corpus.copies("source")] == ["rewrite"]


@pytest.mark.data
def test_sources_offer_the_wire_copy_of_the_same_event_when_no_rewrite_is_shown(engine, data_dir):
    """METER's Coronation Street story: the Sun's text is partially derived from the one PA copy.

    The comparison finds too little of the Sun's text in the wire copy to call it
    a rewrite; ``sources`` still offers the wire first, as the same event, and
    ``rewrites_only`` leaves it out.
    """
    from wiretrace.evaluate.meter_data import load_meter

    split = load_meter(data_dir / "meter")
    group = "showbiz/07.01.00/street"
    assert len(split.pa.get(group, [])) == 1, f"METER dev's {group} story (one PA copy) is missing"
    papers = [t for t in split.newspapers if t.group == group]
    sun = next(t for t in papers if str(t.article.id).endswith("street141_sun.txt"))
    assert sun.label == "partially-derived"
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([*split.pa[group], *(t.article for t in papers)])

    found = corpus.sources(str(sun.article.id))
    assert found, "no source offered"
    first = found[0]
    assert (first.article.article.outlet, first.comparison.relation) == ("PA", "same-event")
    assert first.comparison.probabilities["rewrite"] > 0.2
    assert verdict_summary(first.comparison).startswith("same event, not shown copied · P(rewrite) ")
    shown = corpus.sources(str(sun.article.id), rewrites_only=True)
    assert all(m.comparison.relation == "rewrite" and m.comparison.source == "a" for m in shown)
    assert "PA" not in [m.article.article.outlet for m in shown]
    assert [m for m in found if m.comparison.relation == "rewrite"] == shown


@pytest.mark.data
def test_worker_processes_find_what_one_process_finds(tmp_path, engine, data_dir):
    """METER's showbiz stories scanned in small batches: 2 workers (candidates searched while they decide,
    documents evicted from a cache of 8 and prepared again) find what 1 finds."""
    from wiretrace.evaluate.meter_data import load_meter

    split = load_meter(data_dir / "meter")
    showbiz = [a for g, arts in split.pa.items() if g.startswith("showbiz/") for a in arts]
    showbiz += [t.article for t in split.newspapers if t.group.startswith("showbiz/")]
    assert len(showbiz) > 100
    settings = engine.settings.replace(scan_batch=16)
    found = []
    for workers in (1, 2):
        store = SQLiteStore(tmp_path / f"w{workers}.db", store_fingerprint(settings))
        run = settings if workers == 1 else settings.replace(scan_cache_size=8)
        corpus = Corpus(store, Engine(run, embedder=engine.embedder, lexicon=engine.lexicon))
        corpus.ingest(showbiz)
        report = corpus.scan(workers=workers)
        assert report.scanned == store.count()
        found.append((report.compared, report.found, store.pairs()))
        store.close()
    assert found[0][2], "no related pairs: the test lost its subject"
    assert found[1] == found[0]


@pytest.mark.data
def test_a_store_of_one_story_still_finds_the_wire_copy(corpus, data_dir):
    """METER's Oasis birth story alone (18 articles): every key is held by half the store, so IDF over the
    store itself called them all common and the Mirror's wire source fell under the candidate floor."""
    story = "showbiz/27.01.00/oasis"
    papers = iter_articles([data_dir / "meter/newspapers/rawtexts" / story])
    wire = [dataclasses.replace(a, outlet="PA") for a in iter_articles([data_dir / "meter/PA/rawtexts" / story])]
    corpus.ingest([*papers, *wire])
    mirror = next(
        s for s in corpus.store.get_many(list(corpus.store.iter_rowids())) if s.article.id.endswith("125_mirror.txt")
    )
    found = corpus.sources(str(mirror.article.id))
    assert found[0].article.article.outlet == "PA"
    assert found[0].comparison.relation == "rewrite"


@pytest.mark.data
def test_sources_of_a_page_of_reprints_finds_each_article_it_reprints(engine, data_dir):
    """A later page reprinting ten BBC politics articles whole: each is a source. The page's most
    distinctive terms alone speak for three of them; each part of the page asks the index too."""
    from wiretrace.core.fingerprint import term_keys

    folder = data_dir / "bbc" / "bbc" / "politics"
    stored = [dataclasses.replace(a, published="2025-01-01") for a in iter_articles([folder]) if isinstance(a, Article)]
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest(stored)
    reprinted = [str(folder / f"{n}.txt") for n in range(100, 200, 10)]
    text = "\n\n".join(a.text for a in stored if a.id in reprinted)
    page = engine.prepare(Article(text, id="page", published="2025-01-02"))

    found = [m for m in corpus.sources(page.view.article) if m.comparison.relation == "rewrite"]
    assert set(reprinted) <= {m.article.article.id for m in found}
    whole = {r for r, _ in corpus._rank(term_keys(page.features, 32), "2025-01-02", None)}
    assert len(whole & {corpus.store.get(i).rowid for i in reprinted}) < len(reprinted)

    # Stored, the page's index keys hold its parts' terms too: the scan pairs it with each article it reprints.
    corpus.ingest([page.view.article])
    corpus.scan()
    rowid = corpus.store.get("page").rowid
    paired = {p.a if p.b == rowid else p.b for p in corpus.store.pairs_of([rowid]) if p.relation == "rewrite"}
    assert {corpus.store.get(i).rowid for i in reprinted} <= paired


def test_text_given_as_an_id_is_named_by_its_start(engine, seed_source):
    corpus = Corpus(MemoryStore(), engine)
    with pytest.raises(InputError) as err:
        corpus.sources(seed_source.text)
    message = str(err.value)
    assert len(message) < 200 and "\n" not in message
    assert "a str is an id here; pass an Article" in message


def _respin(engine, article):
    """A content farm's re-spin of ``article``: its sentences but the first, a few words swapped."""
    sentences = [s.text for s in engine.view(article).sentences][1:]
    return " ".join(re.sub(r"\bU\.S\.", "American", s).replace("South Korea", "Seoul") for s in sentences)


def test_a_rewrite_of_the_seed_rewrite_hangs_under_it_when_dates_say_so(engine, seed_source, seed_rewrite):
    corpus = Corpus(MemoryStore(), engine)
    wire = dataclasses.replace(seed_source, id="reuters", outlet="Reuters", published="2025-11-03")
    site = dataclasses.replace(seed_rewrite, id="site", outlet="Korea Desk", published="2025-11-04")
    farm = Article(_respin(engine, seed_rewrite), id="farm", outlet="ViralNewsHub", published="2025-11-05")
    corpus.ingest([wire, site, farm])
    corpus.scan()
    names = {s.rowid: s.article.id for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
    (story,) = corpus.stories()
    assert {(names[e.source], names[e.derived]) for e in story.edges} == {("reuters", "site"), ("site", "farm")}
    assert [m.article.article.id for m in corpus.sources("farm")][:2] == ["site", "reuters"]

    # Without dates only the text tells them apart, and two papers retelling one wire story read as close to
    # each other as this: the wire copy is the farm's parent.
    undated = Corpus(MemoryStore(), engine)
    undated.ingest([dataclasses.replace(a, published=None) for a in (wire, site, farm)])
    undated.scan()
    (story,) = undated.stories()
    assert {names[e.source] for e in story.edges} == {"reuters"}


@pytest.mark.data
def test_an_incremental_scan_finds_what_a_scan_of_everything_finds(engine, data_dir):
    """METER's Oasis stories: the papers scanned first, their wire copy added and scanned after.

    A wire copy need not rank a paper among its own ten best candidates for the paper to rank it among
    its: a scan of everything decides the pair, and so must the scan that only scans the wire copy.
    """
    meter = data_dir / "meter"
    papers = [
        a for a in iter_articles(sorted(meter.glob("newspapers/rawtexts/showbiz/*/oasis"))) if isinstance(a, Article)
    ]
    wire = [
        dataclasses.replace(a, outlet="PA")
        for a in iter_articles(sorted(meter.glob("PA/rawtexts/showbiz/*/oasis")))
        if isinstance(a, Article)
    ]
    step = Corpus(MemoryStore(), engine)
    step.ingest(papers)
    step.scan()
    step.ingest(wire)
    step.scan()
    whole = Corpus(MemoryStore(), engine)
    whole.ingest(papers + wire)
    whole.scan()

    def named(corpus):
        name = {s.rowid: s.article.id for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
        pairs = {(name[p.a], name[p.b]): p.relation for p in corpus.store.pairs()}
        edges = {(name[e.source], name[e.derived]) for story in corpus.stories() for e in story.edges}
        return pairs, edges

    (step_pairs, step_edges), (whole_pairs, whole_edges) = named(step), named(whole)
    assert (len(papers), len(wire)) == (19, 11)
    # Every pair of the whole scan, decided the same; the extra ones are papers decided before their wire
    # copy came, which take no part in the graph.
    assert {k: step_pairs.get(k) for k in whole_pairs} == whole_pairs
    assert step_edges == whole_edges


def test_the_order_of_ingest_changes_nothing_found(engine, seed_source, seed_rewrite):
    """Twelve outlets' copies of the seed story score alike for every article: ten make each one's candidates.

    Which ten, which copy a reading or a graph prefers, and the order of a story's articles must not
    depend on which was stored first (they went by rowid): the same corpus gives the same findings.
    """
    copies = [dataclasses.replace(seed_source, id=f"copy-{k:02}", outlet=f"Outlet {k}") for k in range(12)]
    articles = [*copies, dataclasses.replace(seed_rewrite, id="rewrite")]

    def findings(order):
        corpus = Corpus(MemoryStore(), engine)
        corpus.ingest(order)
        rewrite = corpus.store.get("rewrite").rowid
        corpus.scan()
        name = {s.rowid: s.article.id for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
        candidates = [name[r] for r, _ in corpus.candidates_of(rewrite)]
        pairs = {tuple(sorted((name[p.a], name[p.b]))): (p.relation, p.confidence) for p in corpus.store.pairs()}
        stories = [
            ([name[r] for r in s.articles], sorted((name[e.source], name[e.derived]) for e in s.edges))
            for s in corpus.stories()
        ]
        return candidates, pairs, stories

    forward, backward = findings(articles), findings(articles[::-1])
    assert forward[0] == backward[0]
    assert len(set(forward[0])) == 10 and all(name.startswith("copy-") for name in forward[0])
    assert forward[1] == backward[1]
    assert forward[2] == backward[2]
    assert len(forward[2]) == 1 and len(forward[2][0][0]) == 13


def test_another_outlets_verbatim_copy_is_an_article_of_its_own(engine, seed_source):
    corpus = Corpus(MemoryStore(), engine)
    wire = dataclasses.replace(seed_source, id="reuters", outlet="Reuters", published="2025-11-03")
    copy = dataclasses.replace(seed_source, id="copycat", outlet="CopyCatNews", published="2025-11-04")
    report = corpus.ingest([wire, copy, dataclasses.replace(wire, id="reuters-again")])
    assert (report.added, report.duplicates) == (2, 1)  # the same outlet's same text: once
    corpus.scan()
    (pair,) = corpus.store.pairs()
    assert pair.relation == "rewrite" and pair.summary["kinds"] == ["verbatim"]
    (match,) = corpus.sources("copycat")
    assert match.article.article.id == "reuters"
    # The same text from elsewhere, naming no outlet, is neither stored article: both are its verbatim sources.
    found = corpus.sources(dataclasses.replace(seed_source, outlet=None, published=None, path=None, id=None))
    assert {m.article.article.id for m in found} == {"reuters", "copycat"}


def test_odd_paths_and_fields_are_rejected_each_in_one_line(tmp_path, seed_source):
    import os

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "fields.jsonl").write_text(
        json.dumps({"id": ["x"], "text": seed_source.text}) + "\n"
        + '{"id": "n", "title": NaN, "text": "Seoul has 450,000 troops."}\n'
        + json.dumps({"id": 7, "text": "Seoul has 450,000 troops."}) + "\n"
        + '{"id": Infinity, "text": "Seoul has 450,000 troops."}\n'
        + json.dumps({"id": "  ", "text": "Seoul has 450,000 troops."}) + "\n"
    )  # fmt: skip
    with (folder / "crawl.warc").open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        page = f"<html><body><article><p>{seed_source.text[:800]}</p></article></body></html>".encode()
        # A crawl's redirects, error pages and empty answers are no article pages: passed over, not rejected.
        for status, body in (
            ("404 Not Found", page),
            ("301 Moved Permanently", b""),
            ("200 OK", b"  "),
            ("200 OK", page),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    "https://x.test/p", "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    os.mkfifo(folder / "inner.txt")
    found = list(iter_articles(["", str(fifo), str(folder)]))
    reasons = {r.where: r.reason for r in found if isinstance(r, Rejected)}
    assert reasons == {
        "''": "empty path",
        str(fifo): "not a regular file",
        str(folder / "gone.txt"): "broken link (it points at nothing)",
        str(folder / "inner.txt"): "not a regular file",
        f"{folder / 'fields.jsonl'}:1": 'field "id" is a list, not a string',
        f"{folder / 'fields.jsonl'}:2": 'field "title" is a non-finite number, not a string',
        f"{folder / 'fields.jsonl'}:4": 'field "id" is a non-finite number, not a string',
    }
    # A blank id is no id: the line and a hash of its text name the article.
    ids = [a.id for a in found if isinstance(a, Article)]
    assert ids[:2] == ["https://x.test/p", "7"] and re.fullmatch(
        re.escape(f"{folder / 'fields.jsonl'}:5#") + "[0-9a-f]{12}", ids[2]
    )


def test_ingest_tells_of_each_rejection_as_it_is_known(engine, seed_source):
    told = []
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([dataclasses.replace(seed_source, id="a")])
    items = [Rejected("feed.jsonl:3", "malformed JSON"), dataclasses.replace(seed_source, id="b", outlet="Other"),
             Article("Another text entirely, about ferries.", id="a")]  # fmt: skip
    stored_then = []

    def tell(r):
        told.append(r)
        stored_then.append(corpus.store.count())

    report = corpus.ingest(items, on_rejected=tell)
    assert told == report.rejected
    # The malformed line is told before the batch after it is written; the id taken, when its batch is.
    assert stored_then == [1, 2]
    assert [r.where for r in told] == ["feed.jsonl:3", "a"]
    assert "already stored with another text" in told[1].reason


def test_a_file_ingested_with_an_outlet_is_its_stored_self_when_asked_about(
    engine, seed_source_path, seed_rewrite_path
):
    from wiretrace.adapters.readers import read_article

    corpus = Corpus(MemoryStore(), engine)
    wire = dataclasses.replace(read_article(seed_source_path), id=str(seed_source_path), outlet="Reuters")
    corpus.ingest([wire, dataclasses.replace(read_article(seed_rewrite_path), id=str(seed_rewrite_path))])
    corpus.scan()
    # Read from the file, the text names no outlet: still the stored wire copy, not a verbatim source of it.
    assert corpus.sources(seed_source_path) == []
    (copy,) = corpus.copies(seed_source_path)
    assert copy.article.article.id == str(seed_rewrite_path)
    assert copy.comparison.direction_basis == "agency"


def test_graphml_ids_stay_apart_when_they_hold_characters_xml_forbids(engine, seed_source, seed_rewrite):
    import xml.etree.ElementTree as ET

    from wiretrace.corpus_report import stories_to_graphml

    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([dataclasses.replace(seed_source, id="story\x01"), dataclasses.replace(seed_rewrite, id="story\x02")])
    corpus.scan()
    articles = {s.rowid: s for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
    root = ET.fromstring(stories_to_graphml(corpus.stories(), articles))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert sorted(n.get("id") for n in root.iterfind(".//g:node", ns)) == ["story\\x01", "story\\x02"]
    (edge,) = root.iterfind(".//g:edge", ns)
    assert edge.get("source") != edge.get("target")


def test_graphml_nodes_carry_the_store_id_to_join_on(engine, seed_source, seed_rewrite):
    """A Windows-style id ``news\\a.txt`` is the node ``news\\\\a.txt`` (no two ids share a node id); its
    ``id`` data is the store's id, as --jsonl names it."""
    import xml.etree.ElementTree as ET

    from wiretrace.corpus_report import stories_to_graphml

    ids = ["news\\a.txt", "news\\b.txt"]
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([dataclasses.replace(seed_source, id=ids[0]), dataclasses.replace(seed_rewrite, id=ids[1])])
    corpus.scan()
    articles = {s.rowid: s for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
    root = ET.fromstring(stories_to_graphml(corpus.stories(), articles))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = {
        n.get("id"): {d.get("key"): d.text for d in n.iterfind("g:data", ns)} for n in root.iterfind(".//g:node", ns)
    }
    assert {node: data["id"] for node, data in nodes.items()} == {i.replace("\\", "\\\\"): i for i in ids}


def test_graphml_titles_read_back_as_written(engine, seed_source, seed_rewrite):
    """A title's carriage return, ``<`` and ``&`` come back from an XML parser as they were stored."""
    import xml.etree.ElementTree as ET

    from wiretrace.corpus_report import stories_to_graphml

    title = 'Seoul & Washington\r<agree> on "alliance"'
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([dataclasses.replace(seed_source, id="s", title=title), dataclasses.replace(seed_rewrite, id="r")])
    corpus.scan()
    articles = {s.rowid: s for s in corpus.store.get_many(list(corpus.store.iter_rowids()))}
    root = ET.fromstring(stories_to_graphml(corpus.stories(), articles))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    titles = [d.text for d in root.iterfind(".//g:data", ns) if d.get("key") == "title"]
    assert title in titles


def test_a_label_drops_wire_copy_control_characters(data_dir):
    """METER's PA copy starts paragraphs with a \\x19 and ends them with '<': neither belongs in a story's label."""
    from wiretrace.adapters.readers import read_article
    from wiretrace.corpus_report import first_line

    path = data_dir / "meter" / "PA/rawtexts/showbiz/14.07.99/starwars/starwars1nl.txt"
    assert "\x19SPACE EPIC" in path.read_text(encoding="latin-1")
    assert first_line(read_article(path)) == "SPACE EPIC FANS FLOCK TO SEE THE STARS"


@pytest.mark.data
def test_a_story_keeps_its_key_as_articles_join_and_the_older_story_keeps_its_key_in_a_merge(
    tmp_path, engine, data_dir, seed_source, seed_rewrite
):
    """The seed story, then a METER story (stored after it), then a page reprinting both rewrites."""
    from wiretrace.evaluate.meter_data import load_meter
    from wiretrace.stories import story_key

    split = load_meter(data_dir / "meter")
    star = next(t for t in split.newspapers if str(t.article.id).endswith("knickers234_star.txt"))
    (pa,) = split.pa[star.group]
    store = SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings))
    corpus = Corpus(store, engine)
    corpus.ingest([dataclasses.replace(seed_source, id="reuters"), dataclasses.replace(seed_rewrite, id="rewrite")])
    corpus.ingest([dataclasses.replace(pa, id="pa"), dataclasses.replace(star.article, id="star")])
    corpus.scan()

    def named() -> dict[str, set[str]]:
        return {s.key: set(store.ids_of(list(s.articles)).values()) for s in corpus.stories()}

    assert named() == {story_key("reuters"): {"reuters", "rewrite"}, story_key("pa"): {"pa", "star"}}
    body = lambda a: a.text[a.header :]  # noqa: E731
    corpus.ingest([Article(text=body(seed_rewrite) + "\n\n" + body(star.article), id="page")])
    corpus.scan()
    assert named() == {story_key("reuters"): {"reuters", "rewrite", "pa", "star", "page"}}
    store.close()


def test_copies_lists_every_copy_the_scan_found_past_the_candidates(engine, seed_source, seed_rewrite):
    """A Reuters story taken by 25 papers: the scan stored 25 rewrites, and `copies` listed the 10 its own
    index search ranked first (the `candidates` setting). It lists all 25 now, and `sources` of each
    names Reuters."""
    reuters = dataclasses.replace(seed_source, id="reuters", outlet="Reuters", published="2025-11-03")
    body = seed_source.text[seed_source.header :]
    papers = [
        Article(
            body.replace("Monday", f"Monday (paper {i})"),
            id=f"paper-{i:02d}",
            outlet=f"Paper {i:02d}",
            published="2025-11-04",
        )
        for i in range(25)
    ]
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([reuters, *papers])
    corpus.scan()
    stored = {corpus.store.ids_of([p.derived])[p.derived] for p in corpus.store.pairs() if p.relation == "rewrite"}
    assert stored >= {p.id for p in papers}
    assert engine.settings.candidates < 25
    assert {m.article.article.id for m in corpus.copies("reuters")} >= {p.id for p in papers}
    assert corpus.sources("paper-24")[0].article.article.id == "reuters"


def test_a_utf16_jsonl_file_is_one_rejection_saying_so(tmp_path, seed_source):
    """Every line of it had been rejected as "undecodable bytes (not UTF-8 text)"."""
    path = tmp_path / "feed.jsonl"
    line = json.dumps({"id": "s", "text": seed_source.text[:400]}) + "\n"
    path.write_bytes((line * 3).encode("utf-16"))
    (rejected,) = list(iter_articles([path]))
    assert rejected.where == str(path)
    assert rejected.reason == "UTF-16 text: JSONL must be UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)"


def test_an_id_that_reads_as_a_file_name_says_no_such_file_first(engine):
    corpus = Corpus(MemoryStore(), engine)
    with pytest.raises(InputError, match=r"^nosuch\.txt: no such file, and no article with this id in the store$"):
        corpus.sources("nosuch.txt")
    with pytest.raises(InputError, match=r"^nosuch: no article with this id in the store \(wiretrace ingest"):
        corpus.sources("nosuch")
