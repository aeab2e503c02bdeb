"""Value types passed between the pipeline stages.

All are frozen dataclasses: a stage takes values and returns new ones. Character
offsets (``start``, ``end``) index the text of the compared article
(``ArticleView.article.text``, as ``result.a.article.text``): the text as read, so
evidence can be shown in the original; an :class:`Article` built in Python is
cleaned as the readers clean a file (Windows line ends, soft hyphens), so slice
the view's article, not the one given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

__all__ = [
    "NO_DATE_YEARS",
    "Article",
    "ArticleView",
    "ChangedFact",
    "Comparison",
    "Fact",
    "Link",
    "LinkKind",
    "Relation",
    "Removed",
    "Sentence",
    "iso_published",
]

# How the direction of a rewrite was decided, as shown to people: a word, and a phrase.
BASIS_WORD = {"published": "dates", "agency": "agency", "text": "text"}
BASIS_PHRASE = {"published": "publication dates", "agency": "news agency copy", "text": "textual evidence"}

Relation = Literal["rewrite", "same-event", "unrelated"]
LinkKind = Literal["verbatim", "near-verbatim", "paraphrase", "merged", "split"]
Side = Literal["a", "b"]


# Years a feed writes for "no date" (.NET's and Go's zero time, a database's end of time), not publication
# years: they would make the article the first or the last of everything.
NO_DATE_YEARS = (1, 9999)


def iso_published(value: str | date | None) -> str | None:
    """A publication time as ISO 8601 text, or None for none (empty, or in year 1 or 9999).

    Raises:
        ValueError: Text that is no ISO 8601 date or date-time ("Tue, 04 Nov 2025 10:00:00 GMT").

    Example:
        >>> iso_published("2025-11-03"), iso_published("0001-01-01T00:00:00"), iso_published("2025-11-03T14:58Z")
        ('2025-11-03', None, '2025-11-03T14:58:00+00:00')
        >>> iso_published("20251103")
        '2025-11-03'
    """
    if value is None:
        return None
    if isinstance(value, date):  # a datetime is a date too
        return None if value.year in NO_DATE_YEARS else value.isoformat()
    text = value.strip().replace("Z", "+00:00")
    if not text:
        return None
    try:
        day = date.fromisoformat(text)  # a date alone, in any ISO spelling (20251104 too): no time made up
        return None if day.year in NO_DATE_YEARS else day.isoformat()
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"published {value!r} is not an ISO 8601 date (e.g. 2025-11-03)") from None
    if when.year in NO_DATE_YEARS:
        return None  # and only there could a zoned time have no UTC equivalent (0001-01-01T01:00+05:00)
    return when.isoformat()


def _unicode(value: str, name: str) -> None:
    # A lone surrogate (JSON's "\ud800" decodes to one) is no text: sentence splitting and the store encode
    # UTF-8 and would fail deep inside. The readers refuse it as bad input; an Article built in Python here.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"Article {name} holds a lone surrogate ({value[exc.start]!a} at character {exc.start}), not text"
        ) from None


@dataclass(frozen=True)
class Article:
    """One news article as read, before any cleaning.

    Attributes:
        text: The article text exactly as read (after HTML extraction for pages).
            Every field given as text must be writable as UTF-8: a lone surrogate
            (what JSON's ``"\\ud800"`` decodes to) is a ``ValueError``.
        id: A stable identifier, if the input gave one.
        title: The headline, if known.
        published: Publication time as ISO 8601 (``2025-11-03`` or
            ``2025-11-03T14:58:00+00:00``), if known. A ``date`` or ``datetime``
            is taken and written so; a date in year 1 or 9999 (a feed's "no
            date") is read as none, as the readers read it; other text is
            refused (:func:`iso_published`).
        outlet: The publishing site or agency, if known.
        url: The article's address, if known.
        path: Where it was read from (a file path, ``<stdin>`` for standard input), for messages.
        header: Number of leading characters of ``text`` that are metadata lines
            (such as `` date 2025-11-03``) rather than article text.
    """

    text: str
    id: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    path: str | None = None
    header: int = 0

    if TYPE_CHECKING:  # what the constructor takes (a date or a path object too, stored as text); its own at run time

        def __init__(
            self,
            text: str,
            id: str | None = None,
            title: str | None = None,
            published: str | date | None = None,
            outlet: str | None = None,
            url: str | None = None,
            path: str | os.PathLike[str] | None = None,
            header: int = 0,
        ) -> None: ...

    def __post_init__(self) -> None:
        # An Article built in Python may hold anything: refused here, in words, not deep inside the engine.
        if not isinstance(self.text, str):
            hint = " (decode the bytes, or read the file with read_article)" if isinstance(self.text, bytes) else ""
            raise TypeError(f"Article text must be a str, not {type(self.text).__name__}{hint}")
        if isinstance(self.published, date | str):  # a datetime is a date too
            try:
                object.__setattr__(self, "published", iso_published(self.published))
            except ValueError as exc:
                raise ValueError(f"Article {exc}") from None
        if isinstance(self.path, os.PathLike):
            object.__setattr__(self, "path", os.fspath(self.path))
        for name in ("id", "title", "published", "outlet", "url", "path"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"Article {name} must be a str or None, not {type(value).__name__} ({value!r:.60})")
            if value is not None:
                _unicode(value, name)
        _unicode(self.text, "text")
        header = self.header
        if isinstance(header, bool) or not isinstance(header, int) or not 0 <= header <= len(self.text):
            raise ValueError(f"Article header={header!r} is not a count of leading characters of its text")


# help() and inspect.signature show what the constructor takes, as a type checker reads it above.
Article.__init__.__annotations__.update(published="str | date | None", path="str | os.PathLike[str] | None")


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: ``article.text[start:end] == text``."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Removed:
    """A span of the article left out of the comparison, and why."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Fact:
    """A distinctive fact (number, name or quote) found in both texts.

    Attributes:
        kind: ``number``, ``name`` or ``quote``.
        text: The fact as written in the derived text.
        derived: Index of the derived sentence holding it.
        source: Index of the source sentence holding it.
    """

    kind: str
    text: str
    derived: int
    source: int


@dataclass(frozen=True)
class ChangedFact:
    """A fact of a linked source sentence that the derived sentence states otherwise.

    Attributes:
        kind: ``number``, ``name`` or ``quote``.
        was: As written in the source.
        now: As written in the derived text.
        derived: Index of the derived sentence.
        source: Index of the source sentence.
    """

    kind: str
    was: str
    now: str
    derived: int
    source: int


@dataclass(frozen=True)
class Link:
    """One derived sentence and the source sentence(s) it was written from.

    Attributes:
        derived: Indices of the derived sentences (one, in this version).
        source: Indices of the source sentences, in source order.
        kind: ``verbatim`` (same words), ``near-verbatim`` (a few words changed),
            ``paraphrase`` (one source sentence in new words), ``merged``
            (several source sentences in one) or ``split`` (one source sentence
            spread over several derived ones).
        score: Strength of the evidence in [0, 1].
    """

    derived: tuple[int, ...]
    source: tuple[int, ...]
    kind: LinkKind
    score: float


@dataclass(frozen=True)
class ArticleView:
    """An article as the comparison saw it: metadata, cuts and sentences."""

    article: Article
    removed: tuple[Removed, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Comparison:
    """The verdict on a pair of articles and the evidence for it.

    Attributes:
        relation: ``rewrite``, ``same-event`` or ``unrelated``.
        confidence: Probability of ``relation`` in [0, 1].
        a: The first article as compared.
        b: The second article as compared.
        source: ``"a"`` or ``"b"``: the original, when the relation is a rewrite.
        derived: The other side, when the relation is a rewrite.
        direction_basis: ``published`` (dates decided), ``agency`` (only one
            side is a news agency's copy, :mod:`wiretrace.core.agencies`),
            ``text`` (textual asymmetry decided) or None.
        extent: ``wholly`` or ``partially`` derived, for a rewrite.
        alignment: Derived sentences mapped to source sentences. When there is
            no rewrite this is the best alignment of ``b`` onto ``a``, kept as
            evidence of what the two share.
        added: Derived sentence indices with no source.
        dropped: Source sentence indices not used.
        carried_facts: Distinctive facts found in both.
        changed_facts: Facts of a linked source sentence the derived one
            states otherwise (:mod:`wiretrace.core.facts`).
        unsourced_figures: Figures of linked derived sentences that the
            source states nowhere, as ``(written, derived sentence index)``
            (a rewrite's only).
        coverage: Share of each text (``derived``, ``source``, by words)
            accounted for by the alignment.
        probabilities: The model's probability for each relation.
        features: The evidence summary the decision was made from.
        model: The sentence embedding model the engine used (its name).
    """

    relation: Relation
    confidence: float
    a: ArticleView
    b: ArticleView
    source: Side | None
    derived: Side | None
    direction_basis: str | None
    extent: str | None
    alignment: tuple[Link, ...]
    added: tuple[int, ...]
    dropped: tuple[int, ...]
    carried_facts: tuple[Fact, ...]
    coverage: dict[str, float]
    probabilities: dict[str, float] = field(default_factory=dict)
    features: dict[str, Any] = field(default_factory=dict)
    model: str | None = None
    changed_facts: tuple[ChangedFact, ...] = ()
    unsourced_figures: tuple[tuple[str, int], ...] = ()

    @property
    def is_rewrite(self) -> bool:
        """True when one article was written from the other."""
        return self.relation == "rewrite"
