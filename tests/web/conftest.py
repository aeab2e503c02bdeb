"""A small real store for the web tests: the seed pair and the fixture articles of tests/data, scanned."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.adapters.inputs import iter_articles
from wiretrace.adapters.store import SQLiteStore
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.pipeline import Engine

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = [
    DATA / "harbour_source.txt",
    DATA / "harbour_rewrite.txt",
    DATA / "harbour_independent.txt",
    DATA / "hostile_source.txt",
    DATA / "hostile_rewrite.txt",
    DATA / "web_hostile_source.txt",
    DATA / "web_hostile_rewrite.txt",
]


def build_store(db: Path, paths: list[Path], engine: Engine) -> None:
    """Ingest ``paths`` into ``db`` and scan, as `wiretrace ingest` and `wiretrace scan` do."""
    store = SQLiteStore(db, store_fingerprint(engine.settings))
    try:
        corpus = Corpus(store, engine)
        report = corpus.ingest(iter_articles(paths))
        assert not report.rejected, report.rejected
        corpus.scan()
    finally:
        store.close()


@pytest.fixture(scope="session")
def store_paths(seed_source_path: Path, seed_rewrite_path: Path) -> list[Path]:
    return [seed_source_path, seed_rewrite_path, *FIXTURES]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, store_paths: list[Path], engine: Engine) -> Path:
    """A scanned store; tests that write to a store make their own copy."""
    db = tmp_path_factory.mktemp("web") / "news.db"
    build_store(db, store_paths, engine)
    return db
