"""The distinctive facts a rewrite carries over from its source, and those it changed.

A fact-checker reads a rewrite's facts against its source: the figures, the
names, the quoted words. A fact is *carried* when a linked source sentence holds
the same one: a figure of the same value (``$280bn`` is ``280 billion dollars``,
not ``$280m``), a name whose every word (titles aside) is there, a quote whose
words are there with the same negations ("cannot be undone" is not "can be
undone"). It is *changed* when a linked source sentence holds one of the same
kind that the derived sentence does not, while the derived sentence holds one
the source does not: ``£60m`` where the source said ``£6m``, "Judge Peter
Curran" where it said "Judge John Curran", a quote turned round.

These are report evidence only: the alignment and the decision read the
sentences' own features (:mod:`wiretrace.core.represent`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from wiretrace.core.represent import Document
from wiretrace.types import ChangedFact, Fact, Link

__all__ = ["Figure", "facts_of_links", "figures"]

_SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9,
    "tn": 1e12, "trillion": 1e12,
}  # fmt: skip
_FIGURE = re.compile(
    r"(?P<cur>[£$€¥])?\s?(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn|m|k)\b|\s?(?P<pct>%|per ?cent\b|percent\b))?"
)
# Words that say who someone is rather than who: "Judge", "Mr" may change while the name stays.
_TITLES = frozenset(
    "mr mrs ms miss dr sir dame lord lady judge justice rev prof professor president king queen prince princess "
    "st saint the of and de former deputy acting chief det detective pc wpc dc di dci insp inspector sgt sergeant "
    "constable supt superintendent officer pte private cpl corporal l lance maj major capt captain col colonel gen "
    "general lt lieutenant company csm rsm mp qc co county".split()
)
# Last words of places and bodies, not surnames: "Delaware Road" and "Horseferry Road" are two roads.
_PLACE_WORDS = frozenset(
    "road street lane avenue way drive close court courts hospital house hotel club square park centre center "
    "station church school college university council city county river bridge hall prison street estate "
    "airport road office party league cup".split()
)
_NEGATIONS = frozenset("not no never none nothing nobody neither nor cannot without".split())


@dataclass(frozen=True)
class Figure:
    """A number as a fact: its value, with the currency and scale written beside it.

    Attributes:
        written: As written (``$280bn``).
        value: The number times its scale (``280e9``).
        currency: ``£``, ``$``, ``€``, ``¥`` or empty.
        percent: A percentage.
        age: Someone's age ("37-year-old", "Jackson, 37,").
        before: The nearest word before it that is no function word, lowercase, a plural's ``s`` cut.
        after: The same after it.
    """

    written: str
    value: float
    currency: str
    percent: bool
    age: bool = False
    before: str = ""
    after: str = ""

    def same(self, other: Figure) -> bool:
        """Whether two figures state the same quantity (a currency written on one side only still agrees)."""
        return (
            self.percent == other.percent
            and abs(self.value - other.value) <= 1e-9 * max(abs(self.value), 1.0)
            and (not self.currency or not other.currency or self.currency == other.currency)
        )


@lru_cache(maxsize=1 << 15)
def figures(text: str) -> tuple[Figure, ...]:
    """The figures of a sentence: numbers of two or more digits, and any number with a currency, scale or %.

    Example:
        >>> [(f.written, f.value, f.currency) for f in figures("A $280bn (£155bn) claim, 7 years and 28,500 troops.")]
        [('$280bn', 280000000000.0, '$'), ('£155bn', 155000000000.0, '£'), ('28,500', 28500.0, '')]
        >>> figures("1.5 million")[0].same(figures("1,500,000")[0]), figures("£6m")[0].same(figures("£60m")[0])
        (True, False)
    """
    out = []
    for m in _FIGURE.finditer(text):
        digits = m["num"].replace(",", "")
        scale, pct, cur = m["scale"], m["pct"], m["cur"] or ""
        if len(digits) < 2 and not (scale or pct or cur):
            continue
        value = float(digits + (m["dec"] or "")) * (_SCALES[scale.lower()] if scale else 1.0)
        start = m.start("cur") if cur else m.start("num")
        written = text[start : m.end()].strip()
        head, tail = text[max(0, start - 60) : start], text[m.end() : m.end() + 60]
        age = bool(_AGE_AFTER.match(tail) or (_COMMA_END.search(head) and tail.lstrip().startswith(",")))
        before = next((w for w in reversed(_WORD.findall(head)) if w.lower() not in _FUNCTION_WORDS), "")
        after = next((w for w in _WORD.findall(tail) if w.lower() not in _FUNCTION_WORDS), "")
        out.append(Figure(written, value, cur, bool(pct), age, _plain(before), _plain(after)))
    return tuple(out)


_AGE_AFTER = re.compile(r"\s?-?\s?years?[- ]old\b", re.IGNORECASE)
_COMMA_END = re.compile(r"[A-Za-z],\s*$")
_WORD = re.compile(r"[A-Za-z]{2,}")
_FUNCTION_WORDS = frozenset(
    "the a an of in on at to for and or by with from was were is are be been has had have as than about some "
    "nearly almost around over under more less just only up down per its his her their".split()
)


def _plain(word: str) -> str:
    low = word.lower()
    return low[:-1] if low.endswith("s") and len(low) > 3 else low


_NAME_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1 << 15)
def _name_words(phrase: str) -> tuple[str, ...]:
    """A name's words, lowercase, titles and lone letters left out ("Gyu-back" is two, "Trump's" one).

    Kept for the last sentences asked: in a scan each article is compared with ten or more others.
    """
    return tuple(w for w in (m.lower() for m in _NAME_WORD.findall(phrase)) if w not in _TITLES and len(w) > 1)


@lru_cache(maxsize=1 << 15)
def _words_of(sentence: str) -> frozenset[str]:
    return frozenset(_name_words(sentence))


@lru_cache(maxsize=1 << 15)
def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 3.0


def _capital_by_place(phrase: str, sentence: str) -> bool:
    """A common word capitalised by where it stands, not a name: a sentence's or a quote's first word
    ("Offences", "Please"), or a word of an all-capitals lead ("A SERGEANT ..."); "DMZ", "Hegseth" stay."""
    if " " in phrase.strip() or not _common(phrase.lower()):
        return False
    if phrase.isupper() and len(phrase) > 3:
        return True
    at = sentence.find(phrase)
    before = sentence[:at].rstrip()
    return at >= 0 and (not before or before[-1] in '"“‘`:(')  # not ': a plural's apostrophe


def _alike(a: Figure, b: Figure) -> bool:
    def year(f: Figure) -> bool:
        return not f.currency and not f.percent and f.value.is_integer() and 1800 <= f.value <= 2100

    if (a.currency, a.percent, year(a), a.age) != (b.currency, b.percent, year(b), b.age):
        return False
    # Said of the same thing: the same word beside both ("46 states", "48 states"; "aged 82", "aged 80").
    if a.age:
        return bool(a.before) and a.before == b.before
    return (bool(a.after) and a.after == b.after) or (bool(a.before) and a.before == b.before)


def _same_start(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a) or (a[:1] == b[:1] and min(len(a), len(b)) <= 3)


def _negations(words: Sequence[str]) -> int:
    return sum(w in _NEGATIONS or w.endswith("n't") for w in words)


def facts_of_links(
    derived: Document, source: Document, links: Sequence[Link]
) -> tuple[tuple[Fact, ...], tuple[ChangedFact, ...]]:
    """Facts of linked derived sentences carried from their source sentences, and facts changed on the way.

    Args:
        derived: The derived document.
        source: The source document.
        links: The alignment (derived sentences to source sentences).

    Returns:
        ``(carried, changed)``: each fact once, in the derived text's order.
    """
    carried: list[Fact] = []
    changed: list[ChangedFact] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        for i in link.derived:
            fd = derived.features[i]
            mine = figures(derived.sentences[i].text)
            theirs = {j: figures(source.sentences[j].text) for j in link.source} if mine else {}
            matched_theirs: set[tuple[int, int]] = set()
            unmatched: list[Figure] = []
            for fig in mine:
                hit = next(((j, k) for j in link.source for k, f in enumerate(theirs[j]) if fig.same(f)), None)
                if hit is None:
                    unmatched.append(fig)
                    continue
                matched_theirs.add(hit)
                if ("number", fig.written) not in seen:
                    seen.add(("number", fig.written))
                    carried.append(Fact("number", fig.written, i, hit[0]))
            left = [
                (j, f)
                for j in theirs
                for k, f in enumerate(theirs[j])
                if (j, k) not in matched_theirs and not any(f.same(g) for g in mine)
            ]
            for fig in unmatched:
                # A figure the source has and the rewrite lost, of the same kind (currency, %, year, age or
                # none) and said of the same thing: an age is not a changed year, nor a count a changed sum.
                alike = [(j, f) for j, f in left if _alike(f, fig)]
                if alike and ("changed", fig.written) not in seen:
                    j, lost = alike[0]
                    left.remove(alike[0])
                    seen.add(("changed", fig.written))
                    changed.append(ChangedFact("number", lost.written, fig.written, i, j))
            for phrase in fd.name_phrases:
                words = _name_words(phrase)
                key = ("name", phrase.lower())
                if not words or key in seen or _capital_by_place(phrase, derived.sentences[i].text):
                    continue
                for j in link.source:
                    fs = source.features[j]
                    found = _words_of(source.sentences[j].text)
                    # Most of its words, and the last two (a person's first name and surname) without fail:
                    # "South Korean Defense Minister Ahn Gyu-back" for "Defence", but not "Peter Curran" for
                    # "John Curran".
                    if sum(w in found for w in words) * 2 > len(words) and all(w in found for w in words[-2:]):
                        seen.add(key)
                        carried.append(Fact("name", phrase, i, j))
                        break
                    if len(words) > 1 and words[-1] in found and words[-1] not in _PLACE_WORDS:
                        # The same surname with another first name ("Judge John Curran", "Judge Peter Curran");
                        # a first name cut short ("Jim" for "James", "Co" for "County") is the same.
                        for was in fs.name_phrases:
                            other = _name_words(was)
                            if len(other) > 1 and other[-1] == words[-1] and not _same_start(other[-2], words[-2]):
                                seen.add(key)
                                changed.append(ChangedFact("name", was, phrase, i, j))
                                break
                        if key in seen:
                            break
            for quote in fd.quotes:
                key = ("quote", " ".join(quote))
                if key in seen:
                    continue
                for j in link.source:
                    fs = source.features[j]
                    present = set(fs.norms)
                    share = sum(w in present for w in quote) / len(quote)
                    # The source's own quote, or its sentence where the quote marks fall in other sentences
                    # (a quote running over a sentence end).
                    best = max(fs.quotes, key=lambda q: len(set(q) & set(quote)), default=fs.norms)
                    same_sense = _negations(best) == _negations(quote)
                    if share >= 0.8 and same_sense:
                        seen.add(key)
                        carried.append(Fact("quote", " ".join(quote), i, j))
                        break
                    if share >= 0.6:
                        was = " ".join(best) if fs.quotes else source.sentences[j].text.strip()
                        seen.add(key)
                        changed.append(ChangedFact("quote", was, " ".join(quote), i, j))
                        break
    return tuple(carried), tuple(changed)
