"""Both stores behave alike: idempotent adds, conflicts, forget, postings, scan state."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.adapters.store import MemoryStore, PairRecord, SQLiteStore, StoredArticle
from wiretrace.types import Article


def make(text: str, id_: str, keys: tuple[str, ...] = ("t:a",)) -> StoredArticle:
    import hashlib

    return StoredArticle(Article(text, id=id_), hashlib.sha256(text.encode()).hexdigest(), keys, 1)


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db", fingerprint="test")
    yield s
    s.close()


def test_same_text_is_stored_once(store):
    first = store.add([make("One story.", "a")])
    again = store.add([make("One story.", "b")])
    assert len(first.added) == 1
    assert len(again.duplicates) == 1
    assert store.count() == 1


def test_an_id_taken_by_another_text_is_a_conflict(store):
    store.add([make("One story.", "a")])
    result = store.add([make("Another story.", "a")])
    assert len(result.conflicts) == 1
    assert store.get("a").article.text == "One story."


def test_forget_removes_the_article_its_keys_and_pairs(store):
    added = store.add([make("One.", "a", ("t:x",)), make("Two.", "b", ("t:x",))]).added
    ra, rb = added[0].rowid, added[1].rowid
    store.record_scan([ra, rb], [PairRecord(ra, rb, "rewrite", 0.9, ra, rb, "text", 1.0, 0.5, {})])
    assert store.forget("a")
    assert not store.forget("a")
    assert store.get("a") is None
    assert store.postings(["t:x"], 10) == {"t:x": [rb]}
    assert store.pairs() == []


def test_postings_leave_out_keys_that_are_too_common(store):
    store.add([make(f"Story {n}.", f"s{n}", ("t:common", f"t:rare{n}")) for n in range(5)])
    post = store.postings(["t:common", "t:rare3", "t:absent"], max_df=3)
    assert list(post) == ["t:rare3"]


def test_scan_state_and_pairs(store):
    rows = [a.rowid for a in store.add([make("One.", "a"), make("Two.", "b"), make("Three.", "c")]).added]
    assert store.unscanned() == rows
    store.record_scan(rows[:2], [PairRecord(rows[0], rows[1], "same-event", 0.7, None, None, None, 0.2, 0.3, {"k": 1})])
    assert store.unscanned() == rows[2:]
    (pair,) = store.pairs()
    assert (pair.relation, pair.summary) == ("same-event", {"k": 1})


def test_a_scan_result_with_an_article_forgotten_meanwhile_leaves_it_out(store):
    # `wiretrace forget` while a scan runs: the scan's batch still commits, without the forgotten article.
    a, b, c = (x.rowid for x in store.add([make("One.", "a"), make("Two.", "b"), make("Three.", "c")]).added)
    store.forget("b")
    store.record_scan([a, b, c], [PairRecord(a, b, "rewrite", 0.9, a, b, "text", 1.0, 1.0, {}),
                                  PairRecord(a, c, "same-event", 0.7, None, None, None, 0.2, 0.3, {})])  # fmt: skip
    assert [(p.a, p.b) for p in store.pairs()] == [(a, c)]
    assert store.unscanned() == [a]  # it lost a candidate, as a forget after the scan would have it


def test_a_reading_with_a_version_forgotten_meanwhile_is_left_for_the_next_scan(store):
    """A wire reading made while one of its versions was forgotten cites an article that is gone: not kept."""
    a, b, c, d = (x.rowid for x in store.add([make(f"Story {n}.", f"s{n}") for n in range(4)]).added)
    store.forget("s1")
    read = PairRecord(a, c, "rewrite", 0.9, a, c, "agency", 1.0, 0.5, {"versions": [a, b]})
    plain = PairRecord(a, d, "same-event", 0.7, None, None, None, 0.2, 0.3, {})
    store.record_scan([c, d], [read, plain])
    assert [(p.a, p.b) for p in store.pairs()] == [(a, d)]
    assert store.unscanned() == [a, c]  # c to be read again; a was never scanned


def test_dates_and_outlets_without_the_text(store):
    import dataclasses

    items = [make("One.", "a"), make("Two.", "b")]
    items[0] = dataclasses.replace(
        items[0], article=dataclasses.replace(items[0].article, published="2025-11-03", outlet="Reuters")
    )
    r = [a.rowid for a in store.add(items).added]
    assert store.dates_and_outlets([r[1], r[0], 999]) == {r[0]: ("2025-11-03", "Reuters"), r[1]: (None, None)}


def test_search_by_title_reads_an_untitled_articles_headline(store, seed_source):
    """An untitled article is found by its headline (the opening of its text), not by words further down."""
    import dataclasses

    titled = make("Seoul talks. Body text.", "t")
    titled = dataclasses.replace(titled, article=dataclasses.replace(titled.article, title="Hegseth in Seoul"))
    seed = dataclasses.replace(seed_source, id="seed")
    store.add([titled, StoredArticle(seed, "d" * 64, ("t:a",), 14)])
    assert seed.title is None and seed.header > 0  # a ` date` line before the text

    def ids(**filters: str) -> set[str]:
        return {str(s.article.id) for s in store.search(**filters)}

    assert ids(title="hegseth") == {"t", "seed"}
    assert ids(title="Consultative") == set()  # second paragraph of the seed
    assert ids(text="Consultative") == {"seed"}
    assert ids(title="date 2025") == set()  # its metadata line is not its headline
    assert ids(title="Seoul talks") == set()  # a titled article: the title only
    blank = make("Harbour strike. Dockworkers walked out.", "blank")
    store.add([dataclasses.replace(blank, article=dataclasses.replace(blank.article, title=""))])
    assert ids(title="harbour") == {"blank"}  # an empty title is none


def test_pairs_of_gives_the_pairs_touching_any_of_the_articles(store):
    r = [a.rowid for a in store.add([make(f"Story {n}.", f"s{n}") for n in range(4)]).added]
    pairs = [
        PairRecord(x, y, "same-event", 0.7, None, None, None, 0.2, 0.3, {}) for x, y in ((r[0], r[1]), (r[1], r[2]))
    ]
    store.record_scan(r, pairs)
    assert [(p.a, p.b) for p in store.pairs_of([r[1]])] == [(r[0], r[1]), (r[1], r[2])]
    assert [(p.a, p.b) for p in store.pairs_of([r[2], r[3]])] == [(r[1], r[2])]
    assert store.pairs_of([r[3]]) == []


def test_forgetting_a_wire_version_reopens_the_articles_read_with_it(store):
    r = [a.rowid for a in store.add([make(f"Story {n}.", f"s{n}") for n in range(4)]).added]
    paper, wire1, wire2, other = r
    read = {"versions": [wire1, wire2], "pair": {}}
    store.record_scan(
        r,
        [
            PairRecord(paper, wire1, "rewrite", 0.8, wire1, paper, "agency", 0.5, 0.4, read),
            PairRecord(paper, wire2, "rewrite", 0.8, wire2, paper, "agency", 0.3, 0.4, read),
            PairRecord(wire2, other, "same-event", 0.6, None, None, None, 0.2, 0.2, {}),
        ],
    )
    assert store.forget("s1")
    assert store.unscanned() == [paper]  # read with the forgotten copy: read again at the next scan
    assert [(p.a, p.b) for p in store.pairs()] == [(paper, wire2), (wire2, other)]
    assert store.forget("s2")
    assert store.unscanned() == [paper, other]  # each lost a candidate: searched again


def test_sqlite_store_refuses_other_index_settings(tmp_path):
    SQLiteStore(tmp_path / "s.db", fingerprint="one").close()
    from wiretrace.errors import StoreError

    with pytest.raises(StoreError, match="index settings"):
        SQLiteStore(tmp_path / "s.db", fingerprint="two")


def test_sqlite_store_leaves_another_programs_database_alone(tmp_path):
    import sqlite3

    from wiretrace.errors import StoreError

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as con:
        con.execute("create table users (name text)")
    with pytest.raises(StoreError, match=r"not a wiretrace store \(it holds users\)"):
        SQLiteStore(path, fingerprint="test")
    with sqlite3.connect(path) as con:
        assert [t for (t,) in con.execute("select name from sqlite_master where type = 'table'")] == ["users"]
        assert con.execute("pragma journal_mode").fetchone()[0] == "delete"


def test_a_reader_opens_the_store_while_a_writer_holds_it(tmp_path):
    import sqlite3

    path = tmp_path / "s.db"
    SQLiteStore(path, fingerprint="test").add([make("One story.", "a")])
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an ingest's batch in progress
    try:
        reader = SQLiteStore(path, fingerprint="test", timeout_s=0.2)
        assert reader.get("a").article.text == "One story."
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_store_of_schema_1_gets_digests_that_cover_the_outlet(tmp_path):
    import hashlib
    import sqlite3

    from wiretrace.adapters.store.base import article_digest

    path = tmp_path / "s.db"
    wire = Article("Seoul has 450,000 troops.", id="wire", outlet="Reuters")
    store = SQLiteStore(path, fingerprint="test")
    store.add([StoredArticle(wire, article_digest(wire.text, wire.outlet), ("t:a",), 1)])
    store.close()
    with sqlite3.connect(path) as con:  # as schema 1 stored it: the text alone
        con.execute("update articles set digest = ?", (hashlib.sha256(wire.text.encode()).hexdigest(),))
        con.execute("update meta set value = '1' where key = 'schema'")
    store = SQLiteStore(path, fingerprint="test")
    again = store.add([StoredArticle(wire, article_digest(wire.text, wire.outlet), ("t:a",), 1)])
    assert (len(again.duplicates), len(again.conflicts)) == (1, 0)  # the same article: a no-op, as before
    farm = Article(wire.text, id="farm", outlet="ViralNewsHub")
    assert len(store.add([StoredArticle(farm, article_digest(farm.text, farm.outlet), ("t:a",), 1)]).added) == 1


def test_sqlite_store_refuses_a_file_that_is_not_a_database(tmp_path):
    from wiretrace.errors import StoreError

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\x01 this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a wiretrace store"):
        SQLiteStore(junk, fingerprint="x")


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=200), title=st.text(max_size=50))
def test_sqlite_round_trips_any_unicode(tmp_path_factory, text, title):
    store = SQLiteStore(tmp_path_factory.mktemp("u") / "u.db", fingerprint="u")
    item = make(text, "id-" + str(abs(hash(text))))
    item = StoredArticle(Article(text, id=item.article.id, title=title or None), item.digest, ("t:ü",), 1)
    (stored,) = store.add([item]).added
    back = store.get(stored.rowid)
    assert (back.article.text, back.article.title) == (text, title or None)
    store.close()


def test_a_scan_reads_the_same_postings_from_what_it_keeps(store):
    from wiretrace.corpus import ScanPostings

    store.add([make(f"Story {n}.", f"s{n}", ("t:common", f"t:mid{n % 3}", f"t:rare{n}")) for n in range(9)])
    keys = ["t:common", "t:mid0", "t:mid1", "t:rare4", "t:absent"]
    known = ScanPostings(max_rows=4, min_holders=2)
    first = known.postings(store, keys, max_df=5)
    assert first == store.postings(keys, 5) and "t:common" not in first
    assert known.common == {"t:common", "t:absent"}  # too common or held by none: not read again
    assert known.rows <= 4 and list(known.lists) == ["t:mid1"]  # the most recent lists within max_rows
    again = known.postings(store, keys, max_df=5)
    assert {k: list(v) for k, v in again.items()} == {k: list(v) for k, v in first.items()}


def test_sqlite_store_leaves_a_database_with_a_meta_table_of_its_own_alone(tmp_path):
    import hashlib
    import sqlite3

    from wiretrace.errors import StoreError

    path = tmp_path / "app.db"
    with sqlite3.connect(path) as con:
        con.execute("create table meta (key text primary key, value text)")
        con.execute("insert into meta values ('version', '3')")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match=r"not a wiretrace store \(it holds meta\)"):
        SQLiteStore(path, fingerprint="test")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_store_that_must_be_written_to_open_says_when_it_is_busy(tmp_path):
    import sqlite3

    from wiretrace.errors import StoreError

    path = tmp_path / "s.db"
    SQLiteStore(path, fingerprint="test").close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")  # an older store: opening updates it
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match=r"the store is busy \(another process kept it locked for 0 s\)"):
            SQLiteStore(path, fingerprint="test", timeout_s=0.2)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_forgotten_articles_number_is_never_given_to_another(tmp_path):
    # A scan that decided a pair with it, committing after another process forgot it and ingested a new
    # article, must not store the pair against the newcomer.
    store = SQLiteStore(tmp_path / "s.db", fingerprint="test")
    a, b, c = (x.rowid for x in store.add([make("One.", "a"), make("Two.", "b"), make("Three.", "c")]).added)
    store.forget("c")
    (d,) = (x.rowid for x in store.add([make("Four.", "d")]).added)
    assert d not in (a, b, c)
    store.record_scan([a, c], [PairRecord(a, c, "rewrite", 0.9, a, c, "text", 1.0, 1.0, {})])
    assert store.pairs() == []
    assert store.unscanned() == [a, b, d]  # a: paired with the forgotten one, searched again
