"""Stemmers and word weights for the lexical view of a sentence.

:class:`FrequencyLexicon` (the default) weighs each word by its rarity in
general English, from the ``wordfreq`` package's frequency lists (shipped in
the package, read offline): ``the`` weighs almost nothing, ``troops`` a little,
``Gyu-back`` (unknown) the most. :class:`PlainLexicon` weighs every word 1 and
needs no data; tests use it where weights do not matter.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["FrequencyLexicon", "PlainLexicon"]


class PlainLexicon:
    """Snowball stems, every word weighing 1."""

    def __init__(self) -> None:
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        # Every token is stemmed (about 1,000 a pair); a stem never changes, and
        # an lru_cache hit costs a third of a call into PyStemmer (measured).
        self.stem = lru_cache(maxsize=200_000)(self._stem)  # type: ignore[method-assign]  # per-instance cache

    def stem(self, word: str) -> str:
        """Snowball (Porter 2) stem of a lowercase word."""
        return self._stem(word)

    def _stem(self, word: str) -> str:
        return str(self._stemmer.stemWord(word))

    def weight(self, word: str) -> float:
        """Always 1."""
        return 1.0


class FrequencyLexicon(PlainLexicon):
    """Snowball stems; weights from word frequency in general English.

    The weight is ``ceiling - zipf(word)``, floored at ``floor``. The Zipf value
    is log10 of a word's frequency per billion words: about 7.7 for "the", 4.6
    for "troops" and 0 for words wordfreq does not know (new names), so rare
    words and names dominate a sentence's weight, as IDF would make them, with
    no corpus of our own to count.

    Args:
        ceiling: Weight of an unknown word.
        floor: Least weight of any word.
    """

    def __init__(self, ceiling: float = 7.0, floor: float = 0.25) -> None:
        super().__init__()
        from wordfreq import zipf_frequency

        self._zipf = zipf_frequency
        self._ceiling = ceiling
        self._floor = floor
        self.weight = lru_cache(maxsize=200_000)(self._weight)  # type: ignore[method-assign]  # per-instance cache
        # What FrequencyLexicon() gives, as a worker process builds it (a subclass or other bounds may differ).
        self.is_default = type(self) is FrequencyLexicon and (ceiling, floor) == (7.0, 0.25)

    def _weight(self, word: str) -> float:
        return max(self._floor, self._ceiling - self._zipf(word, "en"))
