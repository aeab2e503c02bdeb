"""Words, content words and distinctive facts of a sentence.

The lexical half of the representation. A sentence becomes a list of
:class:`Token` (surface form, character span, normalised form, stem), from which
the aligner takes *content stems* (stop words removed) and *facts*: numbers,
capitalised names and quoted speech, the details a rewrite tends to carry over
verbatim even when every other word changes.

Normalisation folds what differs between outlets and eras without changing
meaning: Unicode compatibility forms, curly and doubled quotes (PA wire copy
writes ``quotes''), and thousands separators in numbers (``28,500`` and
``28500`` are one fact).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "STOP_WORDS",
    "Token",
    "Word",
    "WordTable",
    "clean_text",
    "fold",
    "is_content",
    "name_phrases",
    "name_runs",
    "norm_and_stem",
    "plain_forms",
    "quote_spans",
    "token_parts",
    "token_spans",
    "tokenize",
]

# Function words and reporting verbs that carry no topic. Reporting verbs
# ("said", "told") are here because every news sentence has them: matching
# them is no evidence of reuse.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can cannot could couldn't did didn't do does doesn't doing don't
    down during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's
    her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
    it's its itself let's me more most mustn't my myself no nor not of off on once only or other ought
    our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so some such
    than that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was wasn't we we'd we'll we're we've
    were weren't what what's when when's where where's which while who who's whom why why's will with
    won't would wouldn't you you'd you'll you're you've your yours yourself yourselves said says say
    saying told tell tells according added adding just yesterday today last night week year years mr mrs
    ms dr one two three new
    """.split()
)

# Capitalised, but no names: they say when, not who or what.
_CALENDAR = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    """.split()
)

# Dotted abbreviations (U.S., U.N.), numbers (with separators and decimals),
# and words with their hyphen/apostrophe compounds.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\d+(?:[.,:]\d+)*|[^\W\d_]+(?:['’\-][^\W\d_]+)*")

# British spellings folded to American ones, so "defence" meets "defense". A
# list, not rules: rules such as -our -> -or or -ise -> -ize misfire on "four",
# "tour", "promise", "exercise".
_UK_US = {
    "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
    "licence": "license", "licences": "licenses", "pretence": "pretense",
    "centre": "center", "centres": "centers", "centred": "centered", "theatre": "theater",
    "theatres": "theaters", "metre": "meter", "metres": "meters", "litre": "liter", "litres": "liters",
    "fibre": "fiber", "calibre": "caliber", "programme": "program", "programmes": "programs",
    "dialogue": "dialog", "catalogue": "catalog", "analogue": "analog",
    "analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing", "paralysed": "paralyzed",
    "colour": "color", "colours": "colors", "favour": "favor", "favourite": "favorite",
    "labour": "labor", "honour": "honor", "honours": "honors", "behaviour": "behavior",
    "neighbour": "neighbor", "neighbours": "neighbors", "rumour": "rumor", "rumours": "rumors",
    "harbour": "harbor", "humour": "humor", "armour": "armor", "armoured": "armored",
    "endeavour": "endeavor", "vigour": "vigor", "tumour": "tumor", "valour": "valor",
    "organisation": "organization", "organisations": "organizations", "organise": "organize",
    "organised": "organized", "recognise": "recognize", "recognised": "recognized",
    "realise": "realize", "realised": "realized", "criticise": "criticize", "criticised": "criticized",
    "apologise": "apologize", "apologised": "apologized", "authorise": "authorize",
    "authorised": "authorized", "emphasise": "emphasize", "prioritise": "prioritize",
    "mobilise": "mobilize", "modernise": "modernize", "stabilise": "stabilize",
    "privatisation": "privatization", "jewellery": "jewelry", "tyre": "tire", "tyres": "tires",
    "grey": "gray", "cheque": "check", "kerb": "curb", "plough": "plow", "sceptical": "skeptical",
    "travelled": "traveled", "travelling": "traveling", "cancelled": "canceled", "labelled": "labeled",
    "modelling": "modeling", "fuelled": "fueled", "signalled": "signaled", "counselling": "counseling",
    "enrol": "enroll", "fulfil": "fulfill", "judgement": "judgment", "ageing": "aging",
}  # fmt: skip

_FOLD_TABLE = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
    }
)


# Characters that end a line in Unicode but not in Python's "\n"-split text: carriage returns, line and
# paragraph separators, NEL, vertical tab, form feed and the file/group/record separators.
_LINE_ENDS = str.maketrans(dict.fromkeys("\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e", "\n"))
# Invisible characters that split a word for the tokenizer without showing (a soft hyphen, zero-width
# space, joiner and non-joiner, word joiner, a byte order mark inside the text, NUL): dropped. Sprinkled
# inside words, they hide a copy from any word-based comparison.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00"))


def clean_text(text: str) -> str:
    r"""Article text as the engine reads it: every line ending a ``\n``, no invisible characters.

    Example:
        >>> clean_text("Sol\u00addiers\u200b left.\r\nThey\u2028went home.")
        'Soldiers left.\nThey\nwent home.'
    """
    text = text.replace("\r\n", "\n").translate(_LINE_ENDS)
    if text.isascii():
        return text
    return text.translate(_INVISIBLE)


# Fullwidth forms of ASCII (U+FF01-FF5E) and the ideographic space, as the ASCII they stand for.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Cyrillic and Greek letters drawn like Latin ones, as those: "Sеoul" with a Cyrillic "е" is "Seoul".
_DRAWN_ALIKE = "аеорсухіјѕԁԛԝӏАВЕКМНОРСТХУІЈЅαοριυνκΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"
_LOOKALIKES = str.maketrans(_DRAWN_ALIKE, "aeopcyxijsdqwlABEKMHOPCTXYIJSaopiuvkABEZHIKMNOPTYX")
_LOOKALIKE_SET = frozenset(_DRAWN_ALIKE)
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def _unmask(word: re.Match[str]) -> str:
    w = word.group()
    if any(c in _LOOKALIKE_SET for c in w) and any("a" <= c <= "z" or "A" <= c <= "Z" for c in w):
        return w.translate(_LOOKALIKES)
    return w


def plain_forms(text: str) -> str:
    """``text`` with disguised Latin made plain, one character for one (offsets hold).

    Fullwidth forms of ASCII become ASCII ("Ｈｏｍｅ．"). In a word that mixes Latin letters with
    Cyrillic or Greek ones drawn alike (a homoglyph disguise: "Sеoul" with a Cyrillic "е"), those
    become the Latin letters they imitate. A word wholly in Cyrillic or Greek is left as written.
    The tokenizer (:func:`fold`), the sentence splitter, the furniture finder and the embedding model
    read text through it; the text shown stays as written.

    Example:
        >>> plain_forms("Ｓｅｏｕｌ　ｐｌａｎｓ．"), plain_forms("Sеoul рlans; Сеул")
        ('Seoul plans.', 'Seoul plans; Сеул')
    """
    if text.isascii():
        return text
    return _LETTER_RUN.sub(_unmask, text.translate(_WIDTH))


def fold(text: str) -> str:
    """Fold typographic variants to one plain form, keeping the length.

    NFKC is applied character by character and kept only where it does not
    change the length, so offsets into the folded text are offsets into the
    original.

    Args:
        text: Any text.

    Returns:
        Text of the same length with curly quotes, dashes and PA-style doubled
        quotes (````word''``) made plain.

    Example:
        >>> fold("``Exorcist material''")
        ' "Exorcist material" '
    """
    out = text.translate(_FOLD_TABLE)
    if not out.isascii():
        out = "".join(c if len(n := unicodedata.normalize("NFKC", c)) != 1 else n for c in out)
        out = _LETTER_RUN.sub(_unmask, out)  # homoglyph disguises (see plain_forms)
    return out.replace("``", ' "').replace("''", '" ')


@dataclass(frozen=True, slots=True)
class Token:
    """A word or number: its span in the text, folded lowercase form and stem."""

    start: int
    end: int
    surface: str
    norm: str
    stem: str

    @property
    def is_number(self) -> bool:
        """True for numbers (``28,500``, ``7.5``, ``2026``)."""
        return self.norm[0].isdigit()

    @property
    def is_capitalised(self) -> bool:
        """True when the surface form starts with a capital letter."""
        return self.surface[0].isupper()


def tokenize(text: str, stem: Callable[[str], str], offset: int = 0) -> list[Token]:
    """Split text into word and number tokens.

    Args:
        text: The text (a sentence, usually).
        stem: Maps a lowercase word to its stem (a Snowball stemmer, say).
        offset: Added to every span, so spans can index a larger text.

    Returns:
        Tokens in text order. Numbers lose their thousands separators in
        ``norm`` and ``stem``.

    Example:
        >>> [t.stem for t in tokenize("28,500 troops", str.lower)]
        ['28500', 'troops']
    """
    tokens = []
    folded = fold(text)
    for start, end in token_spans(folded):
        norm, stem_ = norm_and_stem(folded[start:end], stem)
        tokens.append(Token(start + offset, end + offset, text[start:end], norm, stem_))
    return tokens


def token_spans(folded: str) -> list[tuple[int, int]]:
    """Spans of the word and number tokens of an already :func:`fold`-ed text."""
    return [m.span() for m in _TOKEN.finditer(folded)]


_TOKEN_PARTS = re.compile(f"({_TOKEN.pattern})")


def token_parts(text: str, folded: str) -> list[str]:
    """``text`` cut at its tokens: ``[gap, token, gap, token, ..., gap]``, tokens at the odd places.

    Tokens are found in ``folded`` (``fold(text)``) and cut from ``text``, so
    they read as written; the parts join back into ``text``.

    Example:
        >>> token_parts("Ahn’s 28,500 troops.", fold("Ahn’s 28,500 troops."))
        ['', 'Ahn’s', ' ', '28,500', ' ', 'troops', '.']
    """
    if folded == text:  # most sentences: one split in C
        return _TOKEN_PARTS.split(text)
    parts: list[str] = []
    end = 0
    for start, stop in token_spans(folded):
        parts += (text[end:start], text[start:stop])
        end = stop
    parts.append(text[end:])
    return parts


def norm_and_stem(word: str, stem: Callable[[str], str]) -> tuple[str, str]:
    """Normalised form and stem of one folded token as written (``28,500`` gives ``28500`` twice)."""
    low = word.lower()
    if low[0].isdigit():
        norm = low.replace(",", "")
        return norm, norm
    norm = low.replace("’", "'")
    return norm, stem(_UK_US.get(norm, norm))


@dataclass(frozen=True, slots=True)
class Word:
    """What the lexical view needs of one word as written, worked out once per spelling.

    Attributes:
        norm: Folded lowercase form (numbers without thousands separators).
        stem: Stem of ``norm`` (numbers are their own stem).
        is_number: True for numbers.
        is_fact: A number worth matching: two or more digits (``28500``,
            ``2026``, ``7.5``).
        content: ``(stem, weight)`` entries the word adds to its sentence's
            content: none for stop words, one for a plain content word, more
            for a hyphenated one ("nuclear-armed" also says "nuclear").
        name_part: Could start or continue a name: capitalised, no number,
            no stop word, no day or month.
    """

    norm: str
    stem: str
    is_number: bool
    is_fact: bool
    content: tuple[tuple[str, float], ...]
    name_part: bool


class WordTable:
    """:class:`Word` of every spelling met, each worked out once.

    Describing a sentence is mostly looking up its words: news vocabulary
    repeats, so stemming, weighing and folding each spelling once makes the
    lexical view about three times faster than working each token out anew.

    Args:
        stem: Maps a lowercase word to its stem.
        weight: Weight of a lowercase word.
        max_size: Spellings kept; the table starts afresh when it is full
            (a bound on memory over a corpus of millions of articles).
    """

    def __init__(self, stem: Callable[[str], str], weight: Callable[[str], float], max_size: int = 500_000) -> None:
        self._stem = stem
        self._weight = weight
        self._max_size = max_size
        self.known: dict[str, Word] = {}

    def learn(self, surface: str) -> Word:
        """The :class:`Word` of a token as written in the original text; remembered.

        Folding is character by character inside a token, so ``fold(surface)``
        is the token's span of the folded sentence.
        """
        if len(self.known) >= self._max_size:
            self.known.clear()
        norm, stem = norm_and_stem(fold(surface), self._stem)
        is_number = norm[0].isdigit()
        content: list[tuple[str, float]] = []
        if _carries_content(norm, is_number):
            content.append((stem, self._weight(norm)))
            if "-" in norm:
                for part in norm.split("-"):
                    if len(part) > 2 and part not in STOP_WORDS:
                        content.append((self._stem(part), self._weight(part)))
        is_fact = is_number and sum(c.isdigit() for c in norm) >= 2
        word = Word(norm, stem, is_number, is_fact, tuple(content), _name_part(surface, norm, is_number))
        self.known[surface] = word
        return word


def is_content(token: Token) -> bool:
    """True for a token that carries content: no stop word, no single letter."""
    return _carries_content(token.norm, token.is_number)


def _carries_content(norm: str, is_number: bool) -> bool:
    return norm not in STOP_WORDS and (len(norm) > 1 or is_number)


def _name_part(surface: str, norm: str, is_number: bool) -> bool:
    return surface[0].isupper() and not is_number and norm not in STOP_WORDS and norm not in _CALENDAR


def name_phrases(tokens: Sequence[Token], text: str, offset: int = 0) -> list[tuple[str, tuple[str, ...]]]:
    """Runs of capitalised words that are names rather than sentence starts.

    A run counts when it is not the first word of the sentence, or when it is
    two or more words long; stop words and all-capital headline lines are
    skipped. ``text`` is the sentence the tokens were cut from and ``offset``
    the position of its first character.

    Returns:
        ``(phrase, norms)`` pairs: the phrase as written and its lowercase words.

    Example:
        >>> s = "Minister Ahn Gyu-back met Pete Hegseth."
        >>> [p for p, _ in name_phrases(tokenize(s, str.lower), s)]
        ['Minister Ahn Gyu-back', 'Pete Hegseth']
    """
    parts: list[str] = []
    end = 0
    for t in tokens:
        parts += (text[end : t.start - offset], t.surface)
        end = t.end - offset
    parts.append(text[end:])
    return name_runs(
        parts,
        [t.norm for t in tokens],
        [_name_part(t.surface, t.norm, t.is_number) for t in tokens],
    )


def name_runs(
    parts: Sequence[str], norms: Sequence[str], name_part: Sequence[bool]
) -> list[tuple[str, tuple[str, ...]]]:
    """:func:`name_phrases` from a sentence's :func:`token_parts`, norms and :attr:`Word.name_part` flags."""
    if not any(name_part):
        return []
    text = "".join(parts)
    letters = sum(map(str.isalpha, text))
    if letters and sum(map(str.isupper, filter(str.isalpha, text))) > 0.8 * letters:
        return []
    phrases: list[tuple[str, tuple[str, ...]]] = []
    run: list[int] = []

    def flush() -> None:
        # A lone capitalised first word is how a sentence starts, not a name.
        if run and (len(run) > 1 or run[0] != 0):
            phrases.append(("".join(parts[2 * run[0] + 1 : 2 * run[-1] + 2]), tuple(norms[k] for k in run)))
        run.clear()

    for k, capital in enumerate(name_part):
        # Names run on across spaces only (a comma or a line of other words ends them).
        if run and not (capital and not parts[2 * k].strip()):
            flush()
        if capital:
            run.append(k)
    flush()
    return phrases


def quote_spans(text: str, folded: str | None = None) -> list[tuple[int, int]]:
    """Spans of quoted speech of 12+ characters (between straight or curly quotes); ``folded``: ``fold(text)``.

    Quote marks pair off in order, first with second, third with fourth: the words between two short
    quotes are not a quote. Old wire copy's ````...''```` marks count too (PA's, in METER). Single
    quotes, as British papers quote (a third of the quotes in METER's papers), count where they
    cannot be apostrophes: opening before a word, after a space or a bracket; closing after a word
    or a stop, before a space, a stop or the end; apostrophes inside ("don't") stay in.

    Example:
        >>> t = 'He said "fruit" is a generalization of "apple", and "the rest is detail".'
        >>> [t[a:b] for a, b in quote_spans(t)]
        ['the rest is detail']
        >>> t = "Judge John Curran said: ``Offences are always serious.''"
        >>> [t[a:b] for a, b in quote_spans(t)]
        ['Offences are always serious.']
        >>> t = "The judge's ruling: the court should not 'turn a blind eye' to the boys' attack."
        >>> [t[a:b] for a, b in quote_spans(t)]
        ['turn a blind eye']
    """
    folded = fold(text) if folded is None else folded
    marks = [m.span() for m in _QUOTE_MARK.finditer(folded)]
    spans = [(a[1], b[0]) for a, b in zip(marks[::2], marks[1::2], strict=False) if b[0] - a[1] >= 12]
    if "'" in folded:
        inside = [m.span(1) for m in _SINGLE_QUOTED.finditer(folded) if m.end(1) - m.start(1) >= 12]
        spans = sorted(spans + [q for q in inside if not any(a < q[1] and q[0] < b for a, b in spans)])
    return spans


_QUOTE_MARK = re.compile(r"\"|``|''")
# 'quoted words' as British papers mark them: not an apostrophe at either end (its, boys', rock 'n' roll).
_SINGLE_QUOTED = re.compile(r"(?:^|(?<=[\s(\[]))'(\w(?:[^'\n\"]|\w'\w)*?[\w.,!?])'(?=[\s.,;:!?)\]]|$)")
HAS_QUOTE = re.compile(r"\"|``|(?:^|(?<=[\s(\[]))'\w")
