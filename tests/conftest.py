"""Shared fixtures: the real seed pair from ../shared/seeds, one engine per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.adapters.readers import read_article
from wiretrace.pipeline import Engine
from wiretrace.types import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"seed {prefix}_*.txt not found in {SEEDS}: the shared folder must sit beside the checkout")
    return found[0]


@pytest.fixture(scope="session")
def seed_source_path() -> Path:
    """The Reuters story (000_*.txt)."""
    return _seed("000")


@pytest.fixture(scope="session")
def seed_rewrite_path() -> Path:
    """The other site's rewrite of it, with a pasted headline list (002_*.txt)."""
    return _seed("002")


@pytest.fixture(scope="session")
def seed_source(seed_source_path: Path) -> Article:
    return read_article(seed_source_path)


@pytest.fixture(scope="session")
def seed_rewrite(seed_rewrite_path: Path) -> Article:
    return read_article(seed_rewrite_path)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"{DATA} missing: the shared data sets must sit beside the checkout")
    return DATA
