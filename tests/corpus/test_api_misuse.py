"""The Python API refuses a mistake at its door, in words, on the seed pair: not with an AttributeError from
deep inside, a lost batch, or a confident verdict on a file name read as text."""

from __future__ import annotations

import dataclasses
import datetime
import os
import pickle
import signal
import typing
import warnings
from pathlib import Path
from typing import Any

import pytest

from wiretrace import Article, ConfigError, Engine, Settings, StoreError
from wiretrace.adapters.lexicon import FrequencyLexicon, PlainLexicon
from wiretrace.adapters.store import MemoryStore, SQLiteStore
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.report import comparison_to_dict


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"text": None}, TypeError, "Article text must be a str, not NoneType"),
        ({"text": b"Seoul"}, TypeError, "not bytes (decode the bytes"),
        ({"published": 20251103}, TypeError, "Article published must be a str or None, not int"),
        # What feedparser gives: read as the CLI reads a JSONL line's, not kept and ignored
        ({"published": "Tue, 04 Nov 2025 10:00:00 GMT"}, ValueError, "Article published 'Tue, 04 Nov 2025 10:00:00 "),
        ({"outlet": 5}, TypeError, "Article outlet must be a str or None"),
        ({"id": 7}, TypeError, "Article id must be a str or None"),
        ({"header": -5}, ValueError, "header=-5 is not a count of leading characters"),
        # What json.loads gives for "\ud83d": had gone to the store, and died there in a UnicodeEncodeError
        ({"id": "seed-\ud83d"}, ValueError, "Article id holds a lone surrogate"),
        ({"title": "Hegseth \udc80"}, ValueError, "Article title holds a lone surrogate"),
    ],
)
def test_an_article_of_wrong_types_is_refused_when_built(seed_source, fields, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        dataclasses.replace(seed_source, **fields)


def test_an_article_text_with_a_lone_surrogate_is_refused_when_built_not_deep_in_sentence_splitting(seed_rewrite):
    """The readers refuse a JSONL text holding one (``"\\ud800"``); an Article built in Python had reached
    BlingFire, which died encoding it (UnicodeEncodeError inside ``split_sentences``)."""
    text = seed_rewrite.text.replace("South Korea", "South \ud800Korea", 1)
    at = text.index("\ud800")
    with pytest.raises(ValueError, match=rf"Article text holds a lone surrogate \('\\ud800' at character {at}\)"):
        dataclasses.replace(seed_rewrite, text=text)


def test_an_article_takes_a_date_and_a_path_object(seed_source, seed_source_path):
    article = dataclasses.replace(seed_source, published=datetime.date(2025, 11, 3), path=seed_source_path)
    assert article.published == "2025-11-03" and article.path == str(seed_source_path)
    # and says so: the constructor's hints had read `str | None`, so mypy --strict refused a date or a Path
    hints = typing.get_type_hints(Article.__init__)
    assert datetime.date in typing.get_args(hints["published"]) and os.PathLike[str] in typing.get_args(hints["path"])
    assert typing.get_type_hints(Article)["published"] == str | None  # stored as text


@pytest.mark.parametrize("placeholder", [datetime.datetime.min, "0001-01-01T00:00:00", "9999-12-31", ""])
def test_a_feeds_no_date_in_python_is_none_as_the_readers_read_it(engine, seed_source, seed_rewrite, placeholder):
    """A rewrite dated datetime.min (a feed's "no date") had made Reuters the copy "by date" at 1.0; the CLI,
    reading the same row from a JSONL file, read it as undated and found Reuters the source."""
    undated = dataclasses.replace(seed_rewrite, published=placeholder)
    assert undated.published is None
    result = engine.compare(seed_source, undated)
    assert (result.relation, result.source) == ("rewrite", "a")
    assert result.direction_basis != "published"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"link_threshold": "x"}, "link_threshold='x' is not a number"),
        ({"max_chars": None}, "max_chars=None is not a whole number"),
        ({"agency_rule": "false"}, "agency_rule='false' is not a boolean"),  # a str "false" is true
        ({"max_merge": 2.5}, "max_merge=2.5 is not a whole number"),
    ],
)
def test_settings_of_wrong_types_are_a_config_error(value, words):
    with pytest.raises(ConfigError, match=words):
        Settings(**value)


def test_numpy_numbers_are_stored_as_python_numbers_and_a_toml_fraction_is_no_count():
    import json

    import numpy as np

    settings = Settings(candidates=np.int64(12), link_threshold=np.float64(0.6))
    assert type(settings.candidates) is int and type(settings.link_threshold) is float
    assert json.loads(json.dumps(settings.as_dict()))["candidates"] == 12  # as a scan records them
    with pytest.raises(ConfigError, match=r"max_merge=2\.5 is not a whole number"):
        Settings.from_mapping({"max_merge": 2.5}, where="wiretrace.toml")
    assert Settings.from_mapping({"max_merge": 2.0}).max_merge == 2


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("max_merge = true", "max_merge=True is not a whole number"),
        ("window_days = false", "window_days=False is not a whole number"),  # had turned the window off
        ("link_threshold = true", "link_threshold=True is not a number"),
        ("model = false", "model=False is not text"),
    ],
)
def test_a_toml_boolean_for_a_number_or_text_is_a_config_error(engine, seed_source, seed_rewrite, toml, words):
    """``Settings(max_merge=True)`` was refused, but the same value from a --config file was read as 1 (and
    ``window_days = false`` as 0, every window off), silently."""
    import tomllib

    with pytest.raises(ConfigError, match=rf"wiretrace\.toml: setting {words}"):
        Settings.from_mapping(tomllib.loads(toml), where="wiretrace.toml")
    assert Settings.from_mapping(tomllib.loads("max_merge = 2")).max_merge == 2
    assert Settings.from_mapping({"agency_rule": False}).agency_rule is False
    assert engine.compare(seed_source, seed_rewrite).relation == "rewrite"


def test_engine_parts_of_wrong_types_are_refused():
    with pytest.raises(TypeError, match="settings must be a Settings"):
        Engine({"link_threshold": 0.6})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="fitted must be a Fitted"):
        Engine(fitted="garbage")


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        ({"embedder": "bundled"}, r"embedder must be an Embedder .* not str; to name a model, give Settings\(model="),
        ({"embedder": Path("models/minilm")}, "embedder must be an Embedder"),
        ({"embedder": 3}, "embedder must be an Embedder"),
        ({"lexicon": 3}, r"lexicon must be a Lexicon \(with stem and weight\), not int"),
        ({"lexicon": "en"}, "lexicon must be a Lexicon"),
    ],
)
def test_an_embedder_or_lexicon_of_the_wrong_kind_is_refused_when_the_engine_is_built(parts, words):
    """``Engine(embedder="bundled")`` was taken (a str has an ``encode``), and the first compare died inside it
    ("encode() argument 'encoding' must be str, not list"); ``lexicon=3`` in a weakref TypeError."""
    with pytest.raises(TypeError, match=words):
        Engine(**parts)


def test_an_engine_with_its_own_parts_still_compares_the_seed_pair(seed_source, seed_rewrite):
    from wiretrace.adapters.models import load_embedder

    engine = Engine(embedder=load_embedder("bundled"), lexicon=FrequencyLexicon())
    assert engine.compare(seed_source, seed_rewrite).relation == "rewrite"


def test_a_str_that_names_a_file_or_looks_like_one_is_warned_of_at_the_callers_line(engine, seed_rewrite):
    for name in ("../shared/seeds/missing.txt", "my story.html"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            engine.compare(name, seed_rewrite)
        (warning,) = caught
        assert "looks like a file name, but no such file is there" in str(warning.message)
        assert warning.filename == __file__  # this line, not wiretrace's own
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        engine.compare("Seoul has 450,000 troops, said the ministry of defence.txt", seed_rewrite)


@pytest.fixture
def source(seed_source):
    return dataclasses.replace(seed_source, id="000")


@pytest.fixture
def rewrite(seed_rewrite):
    return dataclasses.replace(seed_rewrite, id="002")


@pytest.fixture
def store(tmp_path, engine):
    with SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)) as store:
        yield store


def test_an_article_without_an_id_is_rejected_and_the_rest_of_its_batch_goes_in(store, engine, source):
    report = Corpus(store, engine).ingest([source, Article("Seoul has 450,000 troops, officials said.")])
    assert report.added == 1 and store.get(str(source.id)) is not None
    (rejected,) = report.rejected
    assert rejected.reason == "article has no id (give it one: id=...)"
    assert rejected.where.startswith("'Seoul has 450,000")


def test_corpus_calls_of_wrong_types_say_what_they_take(store, engine, source):
    corpus = Corpus(store, engine)
    with pytest.raises(TypeError, match="not one str: wrap one Article in a list"):
        corpus.ingest(source.text)
    with pytest.raises(TypeError, match="not one Article"):
        corpus.ingest(source)
    with pytest.raises(TypeError, match=r"ingest\(\) takes Articles .* not PosixPath"):
        corpus.ingest([Path(str(source.path))])
    with pytest.raises(TypeError, match=r"a query is a stored article.s id .* not int"):
        corpus.sources(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes an Engine, not NoneType"):
        Corpus(store, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"takes a store .* not str"):
        Corpus("news.db", engine)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
def test_a_closed_store_says_so(tmp_path, engine, source, kind):
    store = SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)) if kind == "sqlite" else MemoryStore()
    with Corpus(store, engine) as corpus:
        corpus.ingest([source])
    where = r"w\.db" if kind == "sqlite" else r"\(memory store\)"
    for use in (lambda: corpus.store.count(), lambda: corpus.sources(str(source.id)), lambda: corpus.ingest([source])):
        with pytest.raises(StoreError, match=rf"{where}: the store is closed"):
            use()
    corpus.close()  # twice is no error


def test_a_store_path_or_fingerprint_of_the_wrong_type_is_refused_before_a_file_is_made(
    monkeypatch, tmp_path, engine, source
):
    """``SQLiteStore(None, fp)`` had made a store named "None" in the working folder (bytes, one named
    "b'news.db'"); a fingerprint of None left an empty file, called "not a wiretrace store"."""
    monkeypatch.chdir(tmp_path)
    fp = store_fingerprint(engine.settings)
    for path, kind in ((None, "NoneType"), (b"news.db", "bytes"), (3, "int")):
        with pytest.raises(TypeError, match=rf"SQLiteStore path must be a str or pathlib.Path, not {kind}"):
            SQLiteStore(path, fp)  # type: ignore[arg-type]
    for fingerprint in (None, 3):
        with pytest.raises(TypeError, match=r"fingerprint must be a str \(store_fingerprint\(settings\)\)"):
            SQLiteStore("news.db", fingerprint)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
    with Corpus(SQLiteStore(Path("news.db"), fp), engine) as corpus:
        assert corpus.ingest([source]).added == 1


def test_a_corpus_cache_size_of_the_wrong_type_or_below_0_is_refused_at_the_call(engine, source, rewrite):
    """``Corpus(store, engine, cache_size=-1)`` was taken, and the first query died in a KeyError ('dictionary is
    empty') trimming the cache; ``cache_size="x"`` in a TypeError comparing str and int inside the scan."""
    with pytest.raises(ConfigError, match=r"Corpus cache_size=-1 is out of range: 0 or more"):
        Corpus(MemoryStore(), engine, cache_size=-1)
    for wrong in ("x", 1.5, True):
        with pytest.raises(TypeError, match="Corpus cache_size must be a whole number"):
            Corpus(MemoryStore(), engine, cache_size=wrong)  # type: ignore[arg-type]
    corpus = Corpus(MemoryStore(), engine, cache_size=0)  # nothing kept: every document prepared afresh
    corpus.ingest([source, rewrite])
    corpus.scan()
    (match,) = corpus.sources(str(rewrite.id))
    assert (match.article.article.id, match.comparison.relation) == ("000", "rewrite")


def test_an_engine_pickles_and_compares_the_same_after(engine, seed_source, seed_rewrite):
    before = engine.compare(seed_source, seed_rewrite)
    after = pickle.loads(pickle.dumps(engine)).compare(seed_source, seed_rewrite)
    assert comparison_to_dict(after) == comparison_to_dict(before)
    plain = Engine(engine.settings, lexicon=PlainLexicon())
    assert comparison_to_dict(pickle.loads(pickle.dumps(plain)).compare(seed_source, seed_rewrite)) == (
        comparison_to_dict(plain.compare(seed_source, seed_rewrite))
    )


def test_workers_get_an_engine_given_its_own_parts(tmp_path, engine, source, rewrite):
    """Workers build Engine(settings), or are given this engine pickled when it has its own parts: with
    every word weighing 1 the pair's verdict differs from the default's, and workers find that one."""
    own = Engine(engine.settings, embedder=engine.embedder, lexicon=PlainLexicon())
    shared = Engine(engine.settings, embedder=engine.embedder, lexicon=engine.lexicon)
    assert shared.from_settings and not own.from_settings
    assert not Engine(engine.settings, embedder=engine.embedder, lexicon=FrequencyLexicon(ceiling=3.0)).from_settings
    found = {}
    for name, used, workers in (("default", engine, 1), ("own", own, 1), ("own-workers", own, 2)):
        with Corpus(SQLiteStore(tmp_path / f"{name}.db", store_fingerprint(engine.settings)), used) as corpus:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                corpus.ingest([source, rewrite], workers=workers)
                corpus.scan(workers=workers)
            found[name] = [(p.relation, p.coverage_source, p.summary["direction_p"]) for p in corpus.store.pairs()]
    assert found["own"] != found["default"]
    assert found["own-workers"] == found["own"]


def test_an_engine_with_a_part_of_main_is_not_handed_to_workers():
    """A class of __main__ (a notebook's) pickles here, but a worker cannot import it: refused at once."""
    from wiretrace.corpus_workers import pickled_engine

    class NotebookLexicon(PlainLexicon):
        pass

    NotebookLexicon.__module__ = "__main__"
    with pytest.raises(pickle.PicklingError, match="NotebookLexicon is defined in __main__"):
        pickled_engine(Engine(lexicon=NotebookLexicon()), ingest=True)


def test_an_engine_holding_a_function_of_main_scans_in_this_process(monkeypatch, tmp_path, engine, source, rewrite):
    """A notebook's function given as an embedder's ``encode`` pickles by name, and a worker cannot look it up
    in its own ``__main__``: refused like a class of ``__main__``, so the scan warns and runs here, not with a
    traceback from each worker and a BrokenProcessPool."""
    import sys
    import types

    def notebook_encode(texts):
        return engine.embedder.encode(texts)

    notebook_encode.__module__, notebook_encode.__qualname__ = "__main__", "notebook_encode"
    monkeypatch.setattr(sys.modules["__main__"], "notebook_encode", notebook_encode, raising=False)
    own = Engine(engine.settings, embedder=types.SimpleNamespace(name="notebook", encode=notebook_encode))
    with Corpus(SQLiteStore(tmp_path / "f.db", store_fingerprint(engine.settings)), own) as corpus:
        corpus.ingest([source, rewrite])
        with pytest.warns(UserWarning, match=r"workers=2 ignored: .* notebook_encode is defined in __main__"):
            corpus.scan(workers=2)
        assert len(corpus.store.pairs()) == 1


def _ctrl_c_blocked(out: Any) -> None:
    """In a spawned process: whether SIGINT is blocked, from the kernel's own account."""
    status = Path("/proc/self/status").read_text()
    mask = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)
    out.put(bool(mask & (1 << (signal.SIGINT - 1))))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the signal mask from Linux's /proc")
def test_a_worker_started_in_quiet_starts_begins_with_ctrl_c_blocked():
    import multiprocessing

    from wiretrace.corpus_workers import quiet_starts

    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    blocked = []
    for quiet in (True, False):
        process = context.Process(target=_ctrl_c_blocked, args=(out,))
        if quiet:
            with quiet_starts():
                process.start()
        else:
            process.start()
        blocked.append(out.get(timeout=120))
        process.join()
    assert blocked == [True, False]


def test_workers_cannot_take_an_engine_that_does_not_pickle(tmp_path, engine, source, rewrite):
    class Lexicon(FrequencyLexicon):  # defined in a function: pickle cannot name it
        pass

    own = Engine(engine.settings, embedder=engine.embedder, lexicon=Lexicon())
    with Corpus(SQLiteStore(tmp_path / "w.db", store_fingerprint(engine.settings)), own) as corpus:
        corpus.ingest([source, rewrite])
        unpicklable = r"workers=2 ignored: this engine's own .* do not pickle .*local"
        with pytest.warns(UserWarning, match=unpicklable) as caught:
            corpus.scan(workers=2)
        assert caught[0].filename == __file__
        assert len(corpus.store.pairs()) == 1


def test_forget_through_the_corpus(engine, source, seed_source_path):
    corpus = Corpus(MemoryStore(), engine)
    corpus.ingest([source])
    assert corpus.forget(str(source.id)) == source.id and corpus.store.count() == 0
    assert corpus.forget(str(source.id)) is None
    # A file finds the article stored from it, as sources does, under whatever id it was stored
    corpus.ingest([dataclasses.replace(source, id="reuters-hegseth")])
    assert corpus.forget(seed_source_path) == "reuters-hegseth" and corpus.store.count() == 0
    # A number in the store, as stories() names articles
    corpus.ingest([source])
    rowid = corpus.store.get(str(source.id)).rowid
    assert corpus.forget(rowid) == source.id and corpus.store.count() == 0
    assert corpus.forget(rowid) is None


@pytest.mark.parametrize("wrong", [None, b"reuters", 1.5])
def test_forget_of_no_id_article_or_path_is_a_type_error(engine, wrong):
    with pytest.raises(TypeError, match=f"forget\\(\\) takes a stored id .* not {type(wrong).__name__}"):
        Corpus(MemoryStore(), engine).forget(wrong)


def test_iter_articles_of_one_path_is_a_type_error_not_its_letters(seed_source_path):
    """iter_articles("../feeds") had read ".", "." and "/": the working folder twice and the whole disk."""
    from wiretrace.adapters.inputs import iter_articles

    for one in (str(seed_source_path), seed_source_path):
        with pytest.raises(TypeError, match=r"iter_articles\(\) takes a list of paths, not one"):
            iter_articles(one)
    assert [a.id for a in iter_articles([seed_source_path])] == [str(seed_source_path)]


def test_a_corpus_refuses_a_store_opened_for_other_index_settings(tmp_path, engine):
    """The README says a store of other index settings is refused: a Corpus had taken one opened for other
    settings than its engine's, and stored keys the store's recorded settings do not make."""
    other = Settings(max_terms=engine.settings.max_terms + 4)
    store = SQLiteStore(tmp_path / "s.db", store_fingerprint(other))
    with pytest.raises(StoreError, match=r"s\.db: opened for index settings 'terms.*', but the engine's are"):
        Corpus(store, engine)
    store.close()
    with Corpus(SQLiteStore(tmp_path / "s.db", store_fingerprint(other)), Engine(other, embedder=engine.embedder)):
        pass


def test_a_date_stored_before_articles_read_their_dates_reads_as_none(tmp_path, engine, source):
    """The API had stored any text as a date; such a store still opens, and the date reads as a reader's would."""
    import sqlite3

    db = tmp_path / "old.db"
    with Corpus(SQLiteStore(db, store_fingerprint(engine.settings)), engine) as corpus:
        corpus.ingest([source])
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE articles SET published = ?", ("Tue, 04 Nov 2025 10:00:00 GMT",))
    raw.close()
    with Corpus(SQLiteStore(db, store_fingerprint(engine.settings)), engine) as corpus:
        assert corpus.store.get(str(source.id)).article.published is None


def test_articles_read_article_gave_are_ingested_under_their_paths(engine, seed_source_path, seed_rewrite_path):
    """read_article gives no id: ingesting what it read had stored nothing, said only in report.rejected."""
    from wiretrace.adapters.readers import read_article

    corpus = Corpus(MemoryStore(), engine)
    report = corpus.ingest([read_article(seed_source_path), read_article(seed_rewrite_path)])
    assert (report.added, report.rejected) == (2, [])
    assert corpus.store.get(str(seed_source_path)) is not None
    corpus.scan()
    assert corpus.sources(seed_rewrite_path)[0].article.article.id == str(seed_source_path)
    nameless = corpus.ingest([Article("Seoul has 450,000 troops, the ministry said on Monday.")])
    assert [r.reason for r in nameless.rejected] == ["article has no id (give it one: id=...)"]
