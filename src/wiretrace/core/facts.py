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
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache

from wiretrace.core.represent import Document
from wiretrace.types import ChangedFact, Fact, Link

__all__ = ["Figure", "facts_of_links", "figures", "unsourced_figures"]

_SCALES = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9,
    "tn": 10**12, "trillion": 10**12,
}  # fmt: skip
# Scale words and "per cent" in any case ("$5M", "£2.5BN", "12 Per Cent"); a capital M or K only joined to its
# number, and whole: "5 MPs", "Junction 5 M25" have none.
_FIGURE = re.compile(
    r"(?P<cur>[£$€¥])?\s?(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3}(?!\d))+|\d+)(?P<dec>\.\d+)?"
    r"(?:\s?(?P<scale>(?i:thousand|million|billion|trillion|mn|bn|tn)|m|k|(?<=\d)[MK])\b"
    r"|\s?(?P<pct>%|(?i:per ?cent|percent)\b))?"
)
# Words that say who someone is rather than who: "Judge", "Mr" may change while the name stays.
_TITLES = frozenset(
    "mr mrs ms miss dr sir dame lord lady judge justice rev prof professor president king queen prince princess "
    "st saint the of and de former deputy acting chief det detective pc wpc dc di dci insp inspector sgt sergeant "
    "constable supt superintendent officer pte private cpl corporal l lance maj major capt captain col colonel gen "
    "general lt lieutenant company csm rsm mp qc co county baroness baron earl duke duchess countess viscount "
    "prosecutor defendant witness reporter spokesman spokeswoman chairman chairwoman secretary minister "
    "chancellor councillor coroner manager coach boss chief star singer actor actress guitarist".split()
)
# Last words of places and bodies, not surnames: "Delaware Road" and "Horseferry Road" are two roads, the
# "Magistrates' Court Committee" and the "Advisory Committee" two committees.
_PLACE_WORDS = frozenset(
    "road street lane avenue way drive close court courts hospital house hotel club square park centre center "
    "station church school college university council city county river bridge hall prison street estate "
    "airport road office party league cup committee commission authority board trust agency department ministry "
    "service society association institute unit foundation corporation tribunal".split()
)
_NEGATIONS = frozenset("not no never none nothing nobody no-one noone neither nor cannot without".split())


@dataclass(frozen=True)
class Figure:
    """A number as a fact: its value, with the currency, scale and unit of measure written beside it.

    Attributes:
        written: As written (``$280bn``).
        value: The number times its scale, exactly (``280000000000``).
        currency: ``£``, ``$``, ``€``, ``¥`` or empty.
        percent: A percentage.
        age: Someone's age ("37-year-old", "Jackson, 37,").
        before: The nearest word before it that is no function word, lowercase, a plural's ``s`` cut.
        after: The same after it.
        alternative: One end of a choice or a range of figures of one kind ("11 or 13", "£5m-£6m"; not "from
            20 to 25", which says a change): said of the same thing as the other end, so a single figure of
            the other text is no change of it.
        unit: Its unit of measure as one symbol (``lbs`` as ``lb``, ``stone`` as ``st``, ``kph`` as ``km/h``),
            or empty.
    """

    written: str
    value: Decimal
    currency: str
    percent: bool
    age: bool = False
    before: str = ""
    after: str = ""
    alternative: bool = False
    unit: str = ""

    def same(self, other: Figure) -> bool:
        """Whether two figures state the same quantity: ``100mph`` is not ``100km/h`` (a currency written on one
        side only still agrees)."""
        return (
            self.percent == other.percent
            and self.value == other.value
            and self.unit == other.unit
            and (not self.currency or not other.currency or self.currency == other.currency)
        )


@lru_cache(maxsize=1 << 15)
def figures(text: str) -> tuple[Figure, ...]:
    """The figures of a sentence: numbers of two or more digits, and any number with a currency, scale, % or
    unit of measure (``7lb 6oz``).

    Example:
        >>> [(f.written, int(f.value), f.currency) for f in figures("A $280bn (£155bn) claim, 7 years, 28,500 troops.")]
        [('$280bn', 280000000000, '$'), ('£155bn', 155000000000, '£'), ('28,500', 28500, '')]
        >>> figures("1.5 million")[0].same(figures("1,500,000")[0]), figures("£6m")[0].same(figures("£60m")[0])
        (True, False)
        >>> [(f.written, f.unit) for f in figures("He is 6ft 4in, 18 stone, and drove at 80 miles per hour.")]
        [('6ft', 'ft'), ('4in', 'in'), ('18 stone', 'st'), ('80 miles per hour', 'mph')]
        >>> [(f.written, f.unit) for f in figures("The 1st Battalion, on the 21st, weighed 11st and 22st.")]
        [('21', ''), ('11st', 'st'), ('22st', 'st')]
    """
    out = []
    found = list(_FIGURE.finditer(text))
    for n, m in enumerate(found):
        digits = m["num"].replace(",", "")
        scale, pct, cur = m["scale"], m["pct"], m["cur"] or ""
        unit = _UNIT.match(text, m.end())
        if unit and unit.group().lower() == "st" and digits.endswith("1") and not digits.endswith("11"):
            unit = None  # "1st", "21st": an ordinal, not stones
        if len(digits) < 2 and not (scale or pct or cur or unit):
            continue
        # "11 or 13", "£5m-£6m": joined to a figure of its kind before or after it
        alternative = (n > 0 and _joined(text, found[n - 1], m)) or (
            n + 1 < len(found) and _joined(text, m, found[n + 1])
        )
        value = _value(m)
        start = m.start("cur") if cur else m.start("num")
        written = " ".join(text[start : unit.end() if unit else m.end()].split())  # "22\nstone" as "22 stone"
        head, tail = text[max(0, start - 60) : start], text[m.end() : m.end() + 60]
        age = bool(_AGE_AFTER.match(tail) or (_COMMA_END.search(head) and tail.lstrip().startswith(",")))
        before = next((w for w in reversed(_WORD.findall(head)) if w.lower() not in _FUNCTION_WORDS), "")
        after = next((w for w in _WORD.findall(tail) if w.lower() not in _FUNCTION_WORDS), "")
        symbol = _UNITS[(unit["unit"] or unit["joined"]).lower()] if unit else ""
        out.append(Figure(written, value, cur, bool(pct), age, _plain(before), _plain(after), alternative, symbol))
    return tuple(out)


# Units of measure as written, each as one symbol. Not "pounds" (money as often as weight), nor "m" (a
# scale: "£5m").
_UNITS = {
    **dict.fromkeys(("lb", "lbs"), "lb"), **dict.fromkeys(("oz", "ounce", "ounces"), "oz"),
    **dict.fromkeys(("st", "stone", "stones"), "st"),
    **dict.fromkeys(("kg", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"), "kg"),
    **dict.fromkeys(("km/h", "kph", "kmh", "kilometres per hour", "kilometers per hour"), "km/h"),
    **dict.fromkeys(("km", "kilometre", "kilometres", "kilometer", "kilometers"), "km"),
    **dict.fromkeys(("metre", "metres", "meter", "meters"), "m"), "cm": "cm", "mm": "mm",
    **dict.fromkeys(("ft", "foot", "feet"), "ft"), **dict.fromkeys(("in", "ins", "inch", "inches"), "in"),
    **dict.fromkeys(("yd", "yds", "yard", "yards"), "yd"),
    **dict.fromkeys(("mph", "miles per hour", "miles an hour"), "mph"), **dict.fromkeys(("mi", "mile", "miles"), "mi"),
}  # fmt: skip
# What each unit measures: a figure changed to another unit of its measure is a changed figure.
_MEASURES = {
    **dict.fromkeys(("lb", "oz", "st", "kg"), "weight"), **dict.fromkeys(("mph", "km/h"), "speed"),
    **dict.fromkeys(("in", "ft", "yd", "mi", "mm", "cm", "m", "km"), "length"),
}  # fmt: skip
# A unit of measure written right after a number ("7lb 6oz", "6ft 4in", "100km/h", "22 stone", "18-stone"; a
# lone digit counts then), the longest spelling first, in lower case or capitals ("22 STONE" in a headline,
# not "10 St James's"). "in" only joined to its number: "aged 18 in 1990".
_UNIT = re.compile(
    r"(?:[\s-]?(?P<unit>"
    + "|".join(re.escape(w) for u in sorted(set(_UNITS) - {"in", "ins"}, key=len, reverse=True) for w in (u, u.upper()))
    + r")|(?P<joined>ins?|INS?))\b"
)

# Between two figures of one choice or range: "or", or a hyphen or en dash. An em dash is none ("£120m—£30m
# more", American style).
_JOINED = re.compile(r"\s*or\s*|(?P<dash>\s*[-–]\s*)", re.IGNORECASE)


def _value(m: re.Match[str]) -> Decimal:
    """The value of a figure found by ``_FIGURE``: its number times its scale, exactly."""
    scale = m["scale"]
    return Decimal(m["num"].replace(",", "") + (m["dec"] or "")) * (_SCALES[scale.lower()] if scale else 1)


def _joined(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Whether two figures found in ``text`` are a choice or a range: of one kind, "or" or a dash between.

    A dash with space beside it may be a parenthetical one, as British copy writes it ("rose to £120m – £30m
    more than ..."): it joins a range only going up ("£5m – £6m").

    Example:
        >>> [f.alternative for f in figures("It will cost £5m – £6m, up from £120m – £30m more than in May.")]
        [True, True, False, False]
    """
    kind = (first["cur"] or "", bool(first["pct"])) == (second["cur"] or "", bool(second["pct"]))
    between = _JOINED.fullmatch(text[first.end() : second.start()])
    if not kind or between is None:
        return False
    dash = between["dash"]
    return dash is None or dash == dash.strip() or _value(first) < _value(second)


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
    words = (_unaccented(m.lower()) for m in _NAME_WORD.findall(phrase))
    return tuple(w for w in words if w not in _TITLES and len(w) > 1)


def _unaccented(word: str) -> str:
    """``anaïs`` as ``anais``: one name, spelt with its accents or without."""
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 15)
def _words_of(sentence: str) -> frozenset[str]:
    return frozenset(_name_words(sentence))


@lru_cache(maxsize=1 << 15)
def _capitals_of(sentence: str) -> frozenset[str]:
    """The sentence's words written with a capital, as :func:`_name_words` gives them."""
    return frozenset(_name_words(" ".join(m for m in _NAME_WORD.findall(sentence) if m[0].isupper())))


def _one_word_name_in(phrase: str, word: str, sentence: str) -> bool:
    """Whether ``sentence`` names what ``phrase``, one word but titles, does: the word, capitalised where it is
    a common one ("go home" carries no Home Secretary), with the titles after it, which name an office, not
    the person the word names ("Department of Health" carries no Health Secretary, "Dr Shipman" no Shipman's
    QC; "Jack Straw" carries "Mr Straw")."""
    if word not in (_capitals_of(sentence) if _common(word) else _words_of(sentence)):
        return False
    parts = [_unaccented(w) for w in _NAME_WORD.findall(phrase.lower())]
    office = set(parts[parts.index(word) + 1 :] if word in parts else ()) & _TITLES
    return office <= _lower_words_of(sentence)


@lru_cache(maxsize=1 << 15)
def _lower_words_of(sentence: str) -> frozenset[str]:
    return frozenset(_unaccented(w) for w in _NAME_WORD.findall(sentence.lower()))


@lru_cache(maxsize=1 << 15)
def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 3.0


def _capital_by_place(phrase: str, sentence: str) -> bool:
    """A common word capitalised by where it stands, not a name: a sentence's or a quote's first word
    ("Offences", "Please"), or a word of an all-capitals lead ("A SERGEANT ..."); "DMZ", "Hegseth" stay."""
    if " " in phrase.strip() or not _common(phrase.lower()):
        return False
    if phrase.isupper() and len(phrase) > 3:  # "NASA said" stays; "A SERGEANT MAJOR WAS ..." does not
        letters = [c for c in sentence if c.isalpha()]
        return sum(c.isupper() for c in letters) * 2 > len(letters)
    at = sentence.find(phrase)
    before = sentence[:at].rstrip()
    return at >= 0 and (not before or before[-1] in '"“‘`:(')  # not ': a plural's apostrophe


def _year(f: Figure) -> bool:
    return not f.currency and not f.percent and f.value == f.value.to_integral_value() and 1800 <= f.value <= 2100


def _alike(a: Figure, b: Figure) -> bool:
    # Of one kind, a unit by what it measures: "100mph" for "100km/h" is a changed speed, "4in" for "40" no change.
    measure_a, measure_b = _MEASURES.get(a.unit, a.unit), _MEASURES.get(b.unit, b.unit)
    if (a.currency, a.percent, measure_a, _year(a), a.age) != (b.currency, b.percent, measure_b, _year(b), b.age):
        return False
    if a.alternative != b.alternative:  # "at 11 or 13" against "up to 18": no one figure was changed
        return False
    # Said of the same thing: the same word beside both ("46 states", "48 states"; "aged 82", "aged 80").
    if a.age:
        return bool(a.before) and a.before == b.before
    return (bool(a.after) and a.after == b.after) or (bool(a.before) and a.before == b.before)


def _same_start(a: str, b: str) -> bool:
    """One first name, written out or short ("Jim" for "James", "Bill" for "William"); "Brendon" is not "Brendan"."""
    return a.startswith(b) or b.startswith(a) or b in _NICKNAMES.get(a, ()) or a in _NICKNAMES.get(b, ())


# First names shortened other than by cutting the end off.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "bill": ("william",), "billy": ("william",), "willie": ("william",), "bob": ("robert",), "bobby": ("robert",),
    "rob": ("robert",), "dick": ("richard",), "rick": ("richard",), "jack": ("john",), "johnny": ("john",),
    "ted": ("edward",), "ned": ("edward",), "harry": ("henry",), "hal": ("henry",), "liz": ("elizabeth",),
    "beth": ("elizabeth",), "betty": ("elizabeth",), "sandy": ("alexander",), "jim": ("james",),
    "jimmy": ("james",), "tony": ("anthony",), "sue": ("susan",), "kate": ("katherine", "catherine"),
    "andy": ("andrew",), "chuck": ("charles",), "charlie": ("charles",), "maggie": ("margaret",),
    "meg": ("margaret",), "peggy": ("margaret",), "polly": ("mary",), "molly": ("mary",), "ben": ("benjamin",),
    "dave": ("david",), "davy": ("david",), "steve": ("stephen", "steven"), "mike": ("michael",),
    "mick": ("michael",), "pete": ("peter",), "danny": ("daniel",), "tommy": ("thomas",), "freddie": ("frederick",),
    "alf": ("alfred",), "gerry": ("gerald",), "jerry": ("gerald", "jeremy"), "jenny": ("jennifer",),
}  # fmt: skip


# Punctuation around a name's word.
_EDGES = ".,;:'’\"()"


def _given_name(token: str) -> str | None:
    """A token that can be a first name: a capitalised word of letters, no title ("Prosecutor", "Miss")."""
    word = token.strip(_EDGES)
    if not (word.isalpha() and word[0].isupper() and word[1:].islower() and len(word) > 1):
        return None
    return None if word.lower() in _TITLES else _unaccented(word.lower())


def _first_name_changed(was: str, now: str, source: Document, derived: Document) -> bool:
    """``was`` and ``now`` name one surname with two first names (each the word before the surname, a
    plain capitalised word), neither name's words within the other's, ``now`` nowhere in the source and
    ``was`` nowhere in the derived text (else they are two people: "Neil Hamilton", "Christine Hamilton")."""
    a, b = was.split(), now.split()
    # The surname: a last word that is a name ("Ann Mallalieu QC" ends in a title: no surname to compare).
    if len(a) < 2 or len(b) < 2 or not _name_words(b[-1]) or _name_words(a[-1]) != _name_words(b[-1]):
        return False
    first_a, first_b = _given_name(a[-2]), _given_name(b[-2])
    if first_a is None or first_b is None or _same_start(first_a, first_b):
        return False
    words_a, words_b = set(_name_words(was)), set(_name_words(now))
    if words_a <= words_b or words_b <= words_a:
        return False
    # "David Price" beside "Deborah Price": two people, when the source names both; "Brian's uncle Ron
    # Hagland" for "Brian Hagland": the derived text still speaks of a Brian, so Ron is someone else.
    surname = _name_words(b[-1])[-1]
    if _names(first_b, surname, source) or _names(first_a, surname, derived):
        return False
    return not _mentions(b[-2], source) and not _mentions(a[-2], derived)


def _mentions(first: str, doc: Document) -> bool:
    """Whether ``doc`` has the first name ``first`` as written (capitalised), on its own or as a possessive, or
    in another form of it: "Sue" for "Susan", "Chris" for "Christine" (:func:`_other_form`).

    Another form is a known one, not any word starting alike: "Court" is no "Courtney", nor "Demilitarized"
    a "Demi", and a renamed Courtney in a court report is still a changed name.
    """
    name = re.escape(first.strip(_EDGES))
    word = re.compile(rf"(?<![\w'’-]){name}(?:['’]s)?(?![\w-])")
    if any(word.search(s.text) for s in doc.sentences):
        return True
    wanted = _given_name(first)
    if wanted is None:
        return False
    written = {_given_name(w) for s in doc.sentences for w in _NAME_WORD.findall(s.text)}
    return any(w is not None and _other_form(w, wanted) for w in written)


def _other_form(a: str, b: str) -> bool:
    """Two forms of one first name: a nickname ("Sue", "Bill") or a known short form ("Chris", "Sam") of the other.

    Example:
        >>> _other_form("sue", "susan"), _other_form("christine", "chris"), _other_form("court", "courtney")
        (True, True, False)
    """
    short, full = sorted((a, b), key=len)
    return (
        full in _NICKNAMES.get(short, ())
        or short in _NICKNAMES.get(full, ())
        or (short in _SHORT_FORMS and full.startswith(short) and full != short)
    )


# First names cut short, as a text may call someone named in full in the other ("Chris" for "Christine"). Not
# those that are also common capitalised words or parts of names ("Don't", "Jan", "Gen", "Les", "Al Qaeda").
_SHORT_FORMS = frozenset(
    "abe alex ben chris dan deb fred greg jon josh ken kris liz lou matt mel nick phil ray rob ron sam sid stan "
    "sue tim tom vic zac".split()
)


def _names(first: str, surname: str, doc: Document) -> bool:
    """Whether ``doc`` names ``first surname``: so, or sharing the surname ("Noel and Liam Gallagher")."""
    shared = re.compile(rf"\b{re.escape(first)} (?:and|or) \S+ {re.escape(surname)}\b")
    for f in doc.features:
        words = _unaccented(" ".join(f.norms))
        if f"{first} {surname}" in words or shared.search(words):
            return True
    return False


# Quotes of one sentence compared, each side: a news sentence has one to three; a text of thousands of
# quotes in one sentence would otherwise cost their number squared.
_MOST_QUOTES = 16


def _share(quote: Sequence[str], words: Sequence[str]) -> float:
    present = set(words)
    return sum(w in present for w in quote) / max(len(quote), 1)


def _window(norms: Sequence[str], quote: Sequence[str]) -> tuple[str, ...]:
    """The run of ``norms`` as long as ``quote`` holding most of its words (the first such run).

    Example:
        >>> _window("he said we will not go there today".split(), ("will", "go", "there"))
        ('will', 'not', 'go')
    """
    n = len(quote)
    if len(norms) <= n:
        return tuple(norms)
    wanted = set(quote)
    hits = [w in wanted for w in norms]
    count = best = sum(hits[:n])
    start = 0
    for k in range(1, len(norms) - n + 1):  # slide: one word in, one out
        count += hits[k + n - 1] - hits[k - 1]
        if count > best:
            best, start = count, k
    return tuple(norms[start : start + n])


def _negations(words: Sequence[str]) -> int:
    return sum(w in _NEGATIONS or w.endswith("n't") for w in words)


def _hyphens_split(words: Sequence[str]) -> tuple[str, ...]:
    """Words with hyphenated ones split, so "no-one" reads as "no one"."""
    return tuple(part for w in words for part in w.split("-") if part)


def _quoted_part(words: Sequence[str], quote: Sequence[str], negated_before: bool = False) -> tuple[str, ...]:
    """The run of ``words`` that ``quote`` retells: from the first word they share in order to the last.

    What the quote leaves out beyond that (a longer quote cut short) is no change of what it says; a
    negation right before the run is taken in unless ``negated_before`` (the quoting text has one there
    too, outside its quote marks): a quote opened after the "not" of "would not resign" turns it round.

    Example:
        >>> _quoted_part("he doesn't exist any more which is sad but he doesn't".split(), ("he", "doesn't", "exist"))
        ('he', "doesn't", 'exist')
        >>> _quoted_part("i can't go".split(), ("i", "can", "go"))
        ('i', "can't", 'go')
        >>> _quoted_part("he would not resign".split(), ("resign",)), _quoted_part(["not", "resign"], ["resign"], True)
        (('not', 'resign'), ('resign',))
    """
    blocks = [b for b in SequenceMatcher(None, words, quote, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return tuple(words)
    start, end = blocks[0].a, blocks[-1].a + blocks[-1].size
    if start > 0 and not negated_before and _negations(words[start - 1 : start]):
        start -= 1
    return tuple(words[start:end])


def _word_before(words: Sequence[str], run: Sequence[str]) -> str:
    """The word before the first ``run`` in ``words`` ("" where it starts them or is not there)."""
    n = len(run)
    return next((words[k - 1] for k in range(1, len(words) - n + 1) if tuple(words[k : k + n]) == tuple(run)), "")


@dataclass
class _Found:
    """What :func:`facts_of_links` has found so far: each fact once, by kind and as written."""

    seen: set[tuple[str, str]] = field(default_factory=set)
    carried: list[Fact] = field(default_factory=list)
    changed: list[ChangedFact] = field(default_factory=list)


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
    so_far = _Found()
    # A source figure the rewrite states elsewhere was not lost where a merged link leaves it over: "slimmed
    # to 15 stone" linked with "his weight ballooned to 22 stone" is no 22 -> 15 when "I used to be 22 stone"
    # stands further on. A plain small number ("26", "20") is lost unless that same one is carried again:
    # the rewrite's other "20" may be of another thing.
    stated = _by_quantity((i, k, f) for i, s in enumerate(derived.sentences) for k, f in enumerate(figures(s.text)))
    matches = {(i, ln.source): _matched_figures(derived, source, i, ln.source) for ln in links for i in ln.derived}
    restated = {hit for pairs in matches.values() for _, hit in pairs if hit is not None}

    def kept(j: int, k: int, f: Figure) -> bool:
        return (j, k) in restated or (
            _distinctive(f) and any(f.same(g) for _, _, g in stated.get((f.percent, f.value), ()))
        )

    for link in links:
        for i in link.derived:
            _figure_facts(source, i, link.source, matches[i, link.source], so_far, kept)
            _name_facts(derived, source, i, link.source, so_far)
            _quote_facts(derived, source, i, link.source, so_far)
    return tuple(so_far.carried), tuple(so_far.changed)


def unsourced_figures(
    derived: Document, source: Document, links: Sequence[Link], changed: Sequence[ChangedFact] = ()
) -> tuple[tuple[str, int], ...]:
    """Figures of linked derived sentences that the source states nowhere: ``(as written, derived sentence)``.

    A retold sentence holding a figure the source never gave is what a fact-checker looks at next: a
    changed figure whose source sentence the alignment could not tie to it (a sentence merged in for its
    figure drops out of the link once the figure changes) shows here, and so does a figure the rewrite
    added. Each figure once, in the derived text's order; one reported ``changed`` is not repeated.
    """
    stated = _by_quantity((j, k, f) for j, s in enumerate(source.sentences) for k, f in enumerate(figures(s.text)))
    reported = {c.now for c in changed if c.kind == "number"}
    out: dict[str, int] = {}
    for i in sorted({i for link in links for i in link.derived}):
        for fig in figures(derived.sentences[i].text):
            if fig.written in out or fig.written in reported:
                continue
            if not any(fig.same(f) for _, _, f in stated.get((fig.percent, fig.value), ())):
                out[fig.written] = i
    return tuple(out.items())


def _by_quantity(
    figures: Iterable[tuple[int, int, Figure]],
) -> dict[tuple[bool, Decimal], list[tuple[int, int, Figure]]]:
    """``(sentence, position, figure)`` triples by quantity (percent or not, exact value), in order.

    :meth:`Figure.same` holds only between figures of one quantity, so a figure's equals are looked up,
    not searched for.
    """
    out: dict[tuple[bool, Decimal], list[tuple[int, int, Figure]]] = {}
    for j, k, f in figures:
        out.setdefault((f.percent, f.value), []).append((j, k, f))
    return out


def _matched_figures(
    derived: Document, source: Document, i: int, sources: Sequence[int]
) -> list[tuple[Figure, tuple[int, int] | None]]:
    """Each figure of derived sentence ``i`` with the figure of ``sources`` it states (sentence, position), or None."""
    mine = figures(derived.sentences[i].text)
    if not mine:
        return []
    # By quantity, in reading order: a sentence of thousands of figures is matched in linear time.
    by_quantity = _by_quantity((j, k, f) for j in sources for k, f in enumerate(figures(source.sentences[j].text)))
    return [
        (fig, next(((j, k) for j, k, f in by_quantity.get((fig.percent, fig.value), ()) if fig.same(f)), None))
        for fig in mine
    ]


def _distinctive(f: Figure) -> bool:
    """A figure unlikely to be equalled by chance: with a currency, % or unit, or 1,000 and up (not a year)."""
    return bool(f.currency or f.percent or f.unit) or (abs(f.value) >= 1000 and not _year(f))


def _figure_facts(
    source: Document,
    i: int,
    sources: Sequence[int],
    pairs: list[tuple[Figure, tuple[int, int] | None]],
    so_far: _Found,
    kept: Callable[[int, int, Figure], bool],
) -> None:
    """The figures of derived sentence ``i`` against its linked ``sources``: carried, or changed.

    ``pairs``: its figures as :func:`_matched_figures` matched them. ``kept(j, k, figure)``: whether the
    ``k``-th figure of source sentence ``j`` is stated elsewhere in the rewrite, so not changed.
    """
    if not pairs:
        return
    mine = [fig for fig, _ in pairs]
    theirs = {j: figures(source.sentences[j].text) for j in sources}
    matched: set[tuple[int, int]] = set()
    unmatched: list[Figure] = []
    for fig, hit in pairs:
        if hit is None:
            unmatched.append(fig)
            continue
        matched.add(hit)
        if ("number", fig.written) not in so_far.seen:
            so_far.seen.add(("number", fig.written))
            so_far.carried.append(Fact("number", fig.written, i, hit[0]))
    mine_by_quantity = _by_quantity((-1, k, g) for k, g in enumerate(mine))
    left = [
        (j, f)
        for j in theirs
        for k, f in enumerate(theirs[j])
        if (j, k) not in matched
        and not kept(j, k, f)
        and not any(f.same(g) for _, _, g in mine_by_quantity.get((f.percent, f.value), ()))
    ]
    for fig in unmatched:
        # A figure the source has and the rewrite lost, of the same kind (currency, %, year, age or
        # none) and said of the same thing: an age is not a changed year, nor a count a changed sum.
        alike = [(j, f) for j, f in left if _alike(f, fig)]
        if alike and ("changed", fig.written) not in so_far.seen:
            j, lost = alike[0]
            left.remove(alike[0])
            so_far.seen.add(("changed", fig.written))
            so_far.changed.append(ChangedFact("number", lost.written, fig.written, i, j))


def _name_facts(
    derived: Document,
    source: Document,
    i: int,
    sources: Sequence[int],
    so_far: _Found,
) -> None:
    """The names of derived sentence ``i`` against its linked ``sources``: carried, or a first name changed."""
    for phrase in derived.features[i].name_phrases:
        words = _name_words(phrase)
        key = ("name", phrase.lower())
        if not words or key in so_far.seen or _capital_by_place(phrase, derived.sentences[i].text):
            continue
        for j in sources:
            text = source.sentences[j].text
            if len(words) == 1:  # a surname, or one word with titles: the source holds it as a name
                if _one_word_name_in(phrase, words[0], text):
                    so_far.seen.add(key)
                    so_far.carried.append(Fact("name", phrase, i, j))
                    break
                continue
            found = _words_of(text)
            # Most of its words, and the last two (a person's first name and surname) without fail:
            # "South Korean Defense Minister Ahn Gyu-back" for "Defence", but not "Peter Curran" for
            # "John Curran".
            if sum(w in found for w in words) * 2 > len(words) and all(w in found for w in words[-2:]):
                so_far.seen.add(key)
                so_far.carried.append(Fact("name", phrase, i, j))
                break
            if len(words) > 1 and words[-1] in found and words[-1] not in _PLACE_WORDS:
                named = source.features[j].name_phrases
                was = next((p for p in named if _first_name_changed(p, phrase, source, derived)), None)
                if was is not None:
                    so_far.seen.add(key)
                    so_far.changed.append(ChangedFact("name", was, phrase, i, j))
                    break


def _quote_facts(
    derived: Document,
    source: Document,
    i: int,
    sources: Sequence[int],
    so_far: _Found,
) -> None:
    """The quotes of derived sentence ``i`` against its linked ``sources``: carried, or turned round."""
    words_of: dict[int, frozenset[str]] = {}
    for quote in derived.features[i].quotes[:_MOST_QUOTES]:
        key = ("quote", " ".join(quote))
        if key in so_far.seen:
            continue
        for j in sources:
            # The source's words the quote matches best: its own quote, or the run of its sentence as
            # long as the quote (the quote marks may fall in other sentences, a quote running over
            # a sentence end); negations elsewhere in the sentence are no change.
            fs = source.features[j]
            present = words_of.setdefault(j, frozenset(fs.norms))
            if sum(w in present for w in quote) < 0.8 * max(len(quote), 1):  # no part of the sentence holds more
                continue
            candidates = (*fs.quotes[:_MOST_QUOTES], _window(fs.norms, quote))
            best = max(candidates, key=lambda q: _share(quote, q))
            if _share(quote, best) < 0.8:
                continue
            so_far.seen.add(key)
            # Negations are counted on the part of the source the quote retells: a quote cut short leaves
            # the rest of a longer one out, and "no-one" is "no one".
            said = _hyphens_split(quote)
            negated_before = bool(_negations([_word_before(derived.features[i].norms, quote)]))
            part = _quoted_part(_hyphens_split(fs.norms if best is candidates[-1] else best), said, negated_before)
            # A quote cut short with "..." may leave the source's "not" out without turning it round.
            elided = "..." in derived.sentences[i].text or "…" in derived.sentences[i].text
            if elided or _negations(part) == _negations(said):
                so_far.carried.append(Fact("quote", " ".join(quote), i, j))
            else:
                so_far.changed.append(ChangedFact("quote", " ".join(part), " ".join(quote), i, j))
            break
