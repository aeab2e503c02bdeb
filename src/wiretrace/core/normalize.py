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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "STOP_WORDS",
    "Token",
    "content_stems",
    "fold",
    "is_content",
    "name_phrases",
    "number_facts",
    "quote_spans",
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
    folded = fold(text)
    tokens = []
    for m in _TOKEN.finditer(folded):
        surface = text[m.start() : m.end()]
        word = m.group().lower()
        if word[0].isdigit():
            norm = word.replace(",", "")
            tokens.append(Token(m.start() + offset, m.end() + offset, surface, norm, norm))
        else:
            norm = word.replace("’", "'")
            tokens.append(Token(m.start() + offset, m.end() + offset, surface, norm, stem(_UK_US.get(norm, norm))))
    return tokens


def is_content(token: Token) -> bool:
    """True for a token that carries content: no stop word, no single letter."""
    return token.norm not in STOP_WORDS and (len(token.norm) > 1 or token.is_number)


def content_stems(tokens: Iterable[Token]) -> list[str]:
    """Stems of the tokens that carry content (no stop words, no single letters)."""
    return [t.stem for t in tokens if is_content(t)]


def number_facts(tokens: Iterable[Token]) -> list[str]:
    """Numbers worth matching: any with two or more digits (``28500``, ``2026``, ``7.5``)."""
    return [t.norm for t in tokens if t.is_number and sum(c.isdigit() for c in t.norm) >= 2]


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
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        return []
    phrases: list[tuple[str, tuple[str, ...]]] = []
    run: list[Token] = []

    def flush() -> None:
        if run and (len(run) > 1 or (run[0].start - offset > 0 and tokens[0] is not run[0])):
            first, last = run[0], run[-1]
            phrases.append((text[first.start - offset : last.end - offset], tuple(t.norm for t in run)))
        run.clear()

    for tok in tokens:
        capital = tok.is_capitalised and not tok.is_number and tok.norm not in STOP_WORDS and tok.norm not in _CALENDAR
        if run and not (capital and _only_space(text, run[-1].end - offset, tok.start - offset)):
            flush()
        if capital:
            run.append(tok)
    flush()
    return phrases


def _only_space(text: str, start: int, end: int) -> bool:
    return start <= end and not text[start:end].strip()


_QUOTE = re.compile(r'"([^"]{12,}?)"')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted speech of 12+ characters (between straight or curly quotes)."""
    folded = fold(text)
    return [(m.start(1), m.end(1)) for m in _QUOTE.finditer(folded)]
