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

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from wiretrace.core.normalize import (
    STOP_WORDS,
    Token,
    content_stems,
    is_content,
    name_phrases,
    number_facts,
    quote_spans,
    tokenize,
)
from wiretrace.types import ArticleView, Sentence

__all__ = ["Document", "Embedder", "Lexicon", "SentenceFeatures", "describe_sentence", "represent"]


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
        tokens: All word and number tokens, spans indexing the article text.
        content: Content stems mapped to their weight (rarer words weigh more).
        total: Sum of ``content`` weights.
        bigrams: Consecutive content-stem pairs, for word-order evidence.
        numbers: Numbers with two or more digits.
        names: Lowercase words of capitalised names.
        name_phrases: Names as written, for the report.
        quotes: Quoted passages as lowercase word tuples.
        n_words: Number of word tokens.
    """

    tokens: tuple[Token, ...]
    content: dict[str, float]
    total: float
    bigrams: frozenset[tuple[str, str]]
    numbers: frozenset[str]
    names: frozenset[str]
    name_phrases: tuple[str, ...]
    quotes: tuple[tuple[str, ...], ...]
    n_words: int


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
        >>> sorted(f.numbers), sorted(f.names)
        (['450000'], [])
    """
    tokens = tokenize(sentence.text, lexicon.stem, offset=sentence.start)
    stems = content_stems(tokens)
    content: dict[str, float] = {}
    for tok in tokens:
        if not is_content(tok):
            continue
        content.setdefault(tok.stem, lexicon.weight(tok.norm))
        if "-" in tok.norm:
            # "nuclear-armed" also says "nuclear": the parts match on their own.
            for part in tok.norm.split("-"):
                if len(part) > 2 and part not in STOP_WORDS:
                    content.setdefault(lexicon.stem(part), lexicon.weight(part))
    names = name_phrases(tokens, sentence.text, offset=sentence.start)
    quotes = []
    for qa, qb in quote_spans(sentence.text):
        words = tuple(t.norm for t in tokens if qa <= t.start - sentence.start and t.end - sentence.start <= qb)
        if len(words) >= 3:
            quotes.append(words)
    return SentenceFeatures(
        tokens=tuple(tokens),
        content=content,
        total=math.fsum(content.values()),
        bigrams=frozenset(itertools.pairwise(stems)),
        numbers=frozenset(number_facts(tokens)),
        names=frozenset(w for _, norms in names for w in norms),
        name_phrases=tuple(p for p, _ in names),
        quotes=tuple(quotes),
        n_words=sum(1 for t in tokens if not t.is_number),
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
    texts = [s.text for s in view.sentences]
    vectors = encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    return Document(view, feats, np.asarray(vectors, dtype=np.float32))
