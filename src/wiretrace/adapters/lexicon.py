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
    """Snowball stems, every word weighing 1.

    A lexicon pickles (to a worker process) as its settings: the stemmer and the
    caches are built again on the other side.
    """

    # What _load builds, left out of a pickle.
    _built: tuple[str, ...] = ("_stemmer", "stem")

    def __init__(self) -> None:
        self._load()

    def _load(self) -> None:
        """Build what is not pickled: the stemmer (a C object) and the per-instance caches."""
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        # Every token is stemmed (about 1,000 a pair); a stem never changes, and
        # an lru_cache hit costs a third of a call into PyStemmer (measured).
        self.stem = lru_cache(maxsize=200_000)(self._stem)  # type: ignore[method-assign]  # per-instance cache

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in self._built}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._load()

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

    _built = (*PlainLexicon._built, "_zipf", "weight")

    def __init__(self, ceiling: float = 7.0, floor: float = 0.25) -> None:
        super().__init__()
        self._ceiling = ceiling
        self._floor = floor
        # What FrequencyLexicon() gives, as a worker process builds it (a subclass or other bounds may differ).
        self.is_default = type(self) is FrequencyLexicon and (ceiling, floor) == (7.0, 0.25)

    def _load(self) -> None:
        super()._load()
        from wordfreq import zipf_frequency

        self._zipf = zipf_frequency
        self.weight = lru_cache(maxsize=200_000)(self._weight)  # type: ignore[method-assign]  # per-instance cache

    def _weight(self, word: str) -> float:
        return max(self._floor, self._ceiling - self._zipf(word, "en"))
