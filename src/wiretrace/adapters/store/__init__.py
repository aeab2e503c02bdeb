"""Article stores: SQLite (the embedded default) and an in-memory one for tests."""

from wiretrace.adapters.store.base import AddResult, PairRecord, Store, StoredArticle
from wiretrace.adapters.store.memory import MemoryStore
from wiretrace.adapters.store.sqlite import SQLiteStore

__all__ = ["AddResult", "MemoryStore", "PairRecord", "SQLiteStore", "Store", "StoredArticle"]
