"""What the aligner knows about each sentence: lexical features and a vector.

Two views of a sentence are kept side by side because each catches what the
other misses. The *semantic* view is a vector from an :class:`Embedder`: it sees
"arrived in" for "visits" and "two decades" for "20 years", but it scores
unrelated sentences from the same domain high too (measured on the seed pair:
an unrelated headline about Taiwan scores above the weakest true paraphrase).
The *lexical* view is the sentence's content stems weighted by how rare each
word is in general English, plus its distinctive facts; it is blind to
synonyms but precise: two sentences sharing "28,500", "Ahn" and "Gyu-back" are
about the same thing.
"""

from __future__ import annotations

import bisect
import itertools
import math
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, TypeVar

import numpy as np

from wiretrace.core.normalize import HAS_QUOTE, Word, WordTable, fold, name_runs, plain_forms, quote_spans, token_parts
from wiretrace.types import ArticleView, Sentence

T = TypeVar("T")

__all__ = [
    "Document",
    "Embedder",
    "IndexTerms",
    "Lexicon",
    "SentenceFeatures",
    "StemGrams",
    "describe_sentence",
    "index_terms",
    "represent",
    "word_table",
]


class Embedder(Protocol):
    """Turns sentences into unit-length vectors; one per input, in order."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape ``(len(texts), dim)`` with unit rows."""
        ...


class Lexicon(Protocol):
    """Knows stems and how informative a word is."""

    def stem(self, word: str) -> str:
        """Stem of a lowercase word."""
        ...

    def weight(self, word: str) -> float:
        """Positive weight of a lowercase word: high for rare, informative words."""
        ...


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """Lexical features of one sentence.

    Attributes:
        norms: Every word and number token, folded and lowercase, in order.
        stems: The stem of each of ``norms`` (numbers are their own stem).
        content: Content stems mapped to their weight (rarer words weigh more).
        total: Sum of ``content`` weights.
        bigrams: Consecutive content-stem pairs, for word-order evidence.
        numbers: Numbers with two or more digits.
        numerals: Those numbers in order, ``(norm, as written)``, for the report.
        names: Lowercase words of capitalised names.
        name_phrases: Names as written, for the report.
        quotes: Quoted passages as lowercase word tuples.
        n_words: Number of word tokens.
    """

    norms: tuple[str, ...]
    stems: tuple[str, ...]
    content: dict[str, float]
    total: float
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[str]
    numerals: tuple[tuple[str, str], ...]
    names: frozenset[str]
    name_phrases: tuple[str, ...]
    quotes: tuple[tuple[str, ...], ...]
    n_words: int


@dataclass(frozen=True, slots=True)
class IndexTerms:
    """What a sentence gives the corpus index: the parts of :class:`SentenceFeatures` its keys are made of.

    Attributes:
        norms: As :attr:`SentenceFeatures.norms`.
        content: As :attr:`SentenceFeatures.content`.
        numbers: As :attr:`SentenceFeatures.numbers`.
    """

    norms: tuple[str, ...]
    content: dict[str, float]
    numbers: frozenset[str]


@dataclass(frozen=True)
class Document:
    """An article ready to align: its view, per-sentence features and vectors."""

    view: ArticleView
    features: tuple[SentenceFeatures, ...]
    vectors: np.ndarray

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The article's sentences."""
        return self.view.sentences

    @property
    def n_words(self) -> int:
        """Words in all sentences."""
        return sum(f.n_words for f in self.features)

    @cached_property
    def word_counts(self) -> np.ndarray:
        """Words in each sentence, at least 1, as floats (weights of per-sentence evidence; kept once worked out)."""
        counts = np.array([max(f.n_words, 1) for f in self.features], dtype=np.float64)
        counts.setflags(write=False)
        return counts

    @cached_property
    def facts(self) -> frozenset[str]:
        """Every number and name word of the article (kept once worked out)."""
        return frozenset().union(*(f.numbers | f.names for f in self.features))

    @cached_property
    def content_df(self) -> dict[str, int]:
        """In how many sentences each content stem occurs (worked out once, then kept)."""
        df: dict[str, int] = {}
        for f in self.features:
            for w in f.content:
                df[w] = df.get(w, 0) + 1
        return df


@dataclass(frozen=True)
class StemGrams:
    """Runs of consecutive stems of a whole document, for containment evidence.

    Worked out once a compared pair and shared by both directions, not kept
    with the document: at 100k articles they would more than double what a
    cached document holds.

    Attributes:
        n_tokens: Tokens in the document.
        sets: For n in (1, 2, 3, 5), the distinct runs of n stems (for n = 1
            the stems themselves, not 1-tuples).
        runs5: Every run of 5 stems, in text order.
    """

    n_tokens: int
    sets: dict[int, frozenset[Any]]
    runs5: list[tuple[str, str, str, str, str]]

    @classmethod
    def of(cls, doc: Document) -> StemGrams:
        """The stem runs of ``doc``."""
        stems = [s for f in doc.features for s in f.stems]
        runs5 = list(zip(stems, stems[1:], stems[2:], stems[3:], stems[4:], strict=False))
        sets = {
            1: frozenset(stems),
            2: frozenset(itertools.pairwise(stems)),
            3: frozenset(zip(stems, stems[1:], stems[2:], strict=False)),
            5: frozenset(runs5),
        }
        return cls(len(stems), sets, runs5)


_TABLES: weakref.WeakKeyDictionary[Lexicon, WordTable] = weakref.WeakKeyDictionary()


def word_table(lexicon: Lexicon) -> WordTable:
    """The :class:`~wiretrace.core.normalize.WordTable` of ``lexicon`` (one a lexicon, kept while it lives)."""
    table = _TABLES.get(lexicon)
    if table is None:
        table = _TABLES[lexicon] = WordTable(lexicon.stem, lexicon.weight)
    return table


_EMPTY: frozenset[Any] = frozenset()


def _frozen(items: Iterable[T]) -> frozenset[T]:
    # Most sentences have no number or name: one shared empty set, not 216 bytes each.
    return frozenset(items) or _EMPTY


def _words(text: str, lexicon: Lexicon) -> tuple[str, list[str], list[Word]]:
    """The folded text, its parts (gaps and tokens alternating) and each token's :class:`Word`."""
    folded = fold(text)
    parts = token_parts(text, folded)
    table = word_table(lexicon)
    known, learn = table.known, table.learn
    return folded, parts, [known.get(w) or learn(w) for w in parts[1::2]]


def _content(words: Sequence[Word]) -> dict[str, float]:
    """The content stems the words carry, each with its weight (the first met)."""
    content: dict[str, float] = {}
    for w in words:
        for stem, weight in w.content:
            content.setdefault(stem, weight)
    return content


def index_terms(sentence: Sentence, lexicon: Lexicon) -> IndexTerms:
    """The :class:`IndexTerms` of one sentence: :func:`describe_sentence`'s, without the rest (half the work).

    Example:
        >>> from wiretrace.adapters.lexicon import PlainLexicon
        >>> t = index_terms(Sentence(0, 0, 27, "Seoul has 450,000 troops."), PlainLexicon())
        >>> t.norms, sorted(t.numbers)
        (('seoul', 'has', '450000', 'troops'), ['450000'])
    """
    _, _, words = _words(sentence.text, lexicon)
    return IndexTerms(tuple(w.norm for w in words), _content(words), _frozen(w.norm for w in words if w.is_fact))


def describe_sentence(sentence: Sentence, lexicon: Lexicon) -> SentenceFeatures:
    """Lexical features of one sentence.

    Args:
        sentence: The sentence, with its span in the article.
        lexicon: Gives stems and word weights.

    Returns:
        The sentence's :class:`SentenceFeatures`.

    Example:
        >>> from wiretrace.adapters.lexicon import PlainLexicon
        >>> f = describe_sentence(Sentence(0, 0, 27, "Seoul has 450,000 troops."), PlainLexicon())
        >>> sorted(f.numbers), sorted(f.names), f.stems
        (['450000'], [], ('seoul', 'has', '450000', 'troop'))
    """
    text = sentence.text
    folded, parts, words = _words(text, lexicon)
    norms = tuple(w.norm for w in words)
    content = _content(words)
    keyed = [w.stem for w in words if w.content]
    names = name_runs(parts, norms, [w.name_part for w in words])
    quotes = []
    if HAS_QUOTE.search(folded):
        starts = list(itertools.accumulate(map(len, parts), initial=0))  # starts[2k + 1]: token k's start
        token_starts, token_ends = starts[1::2], starts[2::2]  # both ascending: the tokens inside are a run
        for qa, qb in quote_spans(text, folded):
            quoted = norms[bisect.bisect_left(token_starts, qa) : bisect.bisect_right(token_ends, qb)]
            if len(quoted) >= 3:
                quotes.append(quoted)
    numerals = tuple((w.norm, written) for w, written in zip(words, parts[1::2], strict=True) if w.is_fact)
    return SentenceFeatures(
        norms=norms,
        stems=tuple(w.stem for w in words),
        content=content,
        total=math.fsum(content.values()),
        bigrams=_frozen(itertools.pairwise(keyed)),
        numbers=_frozen(n for n, _ in numerals),
        numerals=numerals,
        names=_frozen(w for _, norms_ in names for w in norms_),
        name_phrases=tuple(p for p, _ in names),
        quotes=tuple(quotes),
        n_words=sum(1 for w in words if not w.is_number),
    )


def represent(
    view: ArticleView,
    lexicon: Lexicon,
    encode: Callable[[Sequence[str]], np.ndarray],
) -> Document:
    """Lexical features and vectors for every sentence of an article.

    Args:
        view: The article with its sentences.
        lexicon: Gives stems and word weights.
        encode: Embeds a batch of sentences (an :class:`Embedder`'s ``encode``).

    Returns:
        The :class:`Document` to align.
    """
    feats = tuple(describe_sentence(s, lexicon) for s in view.sentences)
    texts = [plain_forms(s.text) for s in view.sentences]  # the model knows "Home", not "Ｈｏｍｅ"
    vectors = encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    return Document(view, feats, np.asarray(vectors, dtype=np.float32))
