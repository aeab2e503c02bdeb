"""wiretrace: find news rewrites and prove them, sentence by sentence.

Example:
    >>> import wiretrace
    >>> result = wiretrace.compare(wiretrace.read_article("a.txt"), wiretrace.read_article("b.txt"))  # doctest: +SKIP
    >>> result.relation, result.source  # doctest: +SKIP
    ('rewrite', 'a')
"""

from __future__ import annotations

import logging
import typing

from wiretrace.errors import ConfigError, InputError, ModelError, StoreError, WiretraceError
from wiretrace.pipeline import Engine, compare
from wiretrace.settings import Settings
from wiretrace.types import Article, ArticleView, ChangedFact, Comparison, Fact, Link, Removed, Sentence

if typing.TYPE_CHECKING:  # imported on first use (below); named here so a type checker knows its signature
    from wiretrace.adapters.readers import read_article

__all__ = [
    "Article",
    "ArticleView",
    "ChangedFact",
    "Comparison",
    "ConfigError",
    "Engine",
    "Fact",
    "InputError",
    "Link",
    "ModelError",
    "Removed",
    "Sentence",
    "Settings",
    "StoreError",
    "WiretraceError",
    "__version__",
    "compare",
    "read_article",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # The readers pull in trafilatura only when a page is read; keep import light.
    if name == "read_article":
        from wiretrace.adapters.readers import read_article

        return read_article
    raise AttributeError(f"module 'wiretrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
