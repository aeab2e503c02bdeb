"""The only place that orders the stages.

read -> clean -> segment -> represent -> align -> decide. An :class:`Engine`
holds the collaborators (embedder, lexicon, fitted models) so they load once;
:func:`compare` is the one-call form.
"""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from wiretrace.core.agencies import order_by_agency
from wiretrace.core.align import Alignment, AlignSettings, align, pair_matrices
from wiretrace.core.clean import body_spans, find_furniture
from wiretrace.core.decide import decide, evidence, order_by_time, order_of_equals
from wiretrace.core.facts import facts_of_links, unsourced_figures
from wiretrace.core.normalize import clean_text, plain_forms
from wiretrace.core.represent import Document, Embedder, IndexTerms, Lexicon, StemGrams, index_terms, represent
from wiretrace.core.sentences import split_sentences
from wiretrace.errors import InputError, user_stacklevel
from wiretrace.settings import Settings
from wiretrace.types import Article, ArticleView, Comparison, Sentence

__all__ = ["Engine", "compare", "merge_documents"]


class Engine:
    """Prepares articles and compares them, with its collaborators loaded once.

    Args:
        settings: Engine knobs; defaults from :class:`Settings`.
        embedder: Sentence embedder; by default the model ``settings.model``.
        lexicon: Stems and word weights; by default word-frequency weights.
        fitted: Fitted model coefficients; by default those shipped with wiretrace.

    Building an engine limits numpy's BLAS to one thread in this process
    (threadpoolctl). The engine multiplies small matrices, where threads cost
    more than they give: ``eval scan`` with two worker processes took 21.8 s
    with one BLAS thread each against 40.9 s with two. And a product summed by
    one thread or by several differs in its last bits, which can tip a link
    at its threshold: with one thread everywhere (Spark's Python workers run
    so too) a comparison gives the same result in every process.

    An engine pickles (its parts must too: the default ones do), so a corpus
    can hand one given its own parts to worker processes.

    Example:
        >>> engine = Engine()
        >>> result = engine.compare(Article("Seoul has 450,000 troops."), Article("Seoul has 450,000 troops."))
        >>> result.alignment[0].kind
        'verbatim'
    """

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        lexicon: Lexicon | None = None,
        fitted: object | None = None,
    ) -> None:
        from threadpoolctl import threadpool_limits

        from wiretrace.adapters.fitted import Fitted, load_fitted

        threadpool_limits(limits=1, user_api="blas")
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(f"settings must be a Settings (Settings(**values)), not {type(settings).__name__}")
        if embedder is not None and (
            isinstance(embedder, str | bytes | os.PathLike) or not callable(getattr(embedder, "encode", None))
        ):  # a str has an encode too: it failed at the first compare, inside
            raise TypeError(
                f"embedder must be an Embedder (adapters.models.load_embedder(name)), not {type(embedder).__name__}; "
                "to name a model, give Settings(model=...)"
            )
        if lexicon is not None and not all(callable(getattr(lexicon, m, None)) for m in ("stem", "weight")):
            raise TypeError(f"lexicon must be a Lexicon (with stem and weight), not {type(lexicon).__name__}")
        if fitted is not None and not isinstance(fitted, Fitted):
            raise TypeError(f"fitted must be a Fitted (adapters.fitted.load_fitted), not {type(fitted).__name__}")
        self.settings = settings or Settings()
        if embedder is None:
            from wiretrace.adapters.models import load_embedder

            embedder = load_embedder(self.settings.model)
        if lexicon is None:
            from wiretrace.adapters.lexicon import FrequencyLexicon

            lexicon = FrequencyLexicon()
        self.embedder = embedder
        self.lexicon = lexicon
        # Worker processes (a scan's, an ingest's) build their engine from the settings alone: is it this one?
        self.from_settings = (
            getattr(embedder, "model_setting", None) == self.settings.model
            and getattr(lexicon, "is_default", False)
            and fitted is None
        )
        self.fitted: Fitted = fitted or load_fitted()
        self.align_settings = AlignSettings(
            link_threshold=self.settings.link_threshold,
            gap_threshold=self.settings.gap_threshold,
            merge_gain=self.settings.merge_gain,
            max_merge=self.settings.max_merge,
        )

    def __setstate__(self, state: dict[str, object]) -> None:
        # Unpickled in another process (a worker's engine given its own parts): one BLAS thread there too.
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        self.__dict__.update(state)

    def view(self, article: Article) -> ArticleView:
        """Clean and segment an article (no vectors).

        Its text is read through :func:`~wiretrace.core.normalize.clean_text` (the readers do it already;
        an article built in Python may not have been), so the view's article may differ from the one given.
        """
        text = clean_text(article.text)
        if text != article.text:
            article = dataclasses.replace(article, text=text, header=len(clean_text(article.text[: article.header])))
        where = article.path or article.id or "article"
        if len(text) > self.settings.max_chars:
            raise InputError(
                where, f"article has {len(text):,} characters (limit max_chars={self.settings.max_chars:,})"
            )
        removed = find_furniture(text, article.header, self.settings.min_list_lines)
        sentences = split_sentences(text, body_spans(text, article.header, removed))
        if len(sentences) > self.settings.max_sentences:
            raise InputError(
                where,
                f"article has {len(sentences):,} sentences (limit max_sentences={self.settings.max_sentences:,}; "
                "a pair's memory grows with the product of the two counts)",
            )
        return ArticleView(article, tuple(removed), tuple(sentences))

    def prepare(self, article: Article) -> Document:
        """Clean, segment and represent an article, ready to align."""
        return represent(self.view(article), self.lexicon, self.embedder.encode)

    def prepare_many(self, articles: Sequence[Article]) -> list[Document]:
        """:meth:`prepare` for many articles, embedding all sentences in one batch."""
        return self.represent_views([self.view(a) for a in articles])

    def index_terms(self, view: ArticleView) -> list[IndexTerms]:
        """What the corpus index needs of each sentence (:func:`~wiretrace.core.represent.index_terms`)."""
        return [index_terms(s, self.lexicon) for s in view.sentences]

    def represent_views(self, views: Sequence[ArticleView]) -> list[Document]:
        """Represent already segmented articles, embedding all sentences in one batch."""
        texts = [plain_forms(s.text) for v in views for s in v.sentences]
        vectors = self.embedder.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        docs = []
        pos = 0
        for v in views:
            n = len(v.sentences)
            docs.append(represent(v, self.lexicon, _Precomputed(vectors[pos : pos + n])))
            pos += n
        return docs

    def align(self, derived: Document, source: Document) -> Alignment:
        """Sentence alignment of ``derived`` onto ``source``."""
        return align(derived, source, self.fitted.link, self.align_settings)

    def compare(self, a: Article | str | os.PathLike[str], b: Article | str | os.PathLike[str]) -> Comparison:
        """Compare two articles: relation, direction, confidence and evidence.

        Args:
            a: The first article: an :class:`Article`, its text, or a path
                (:class:`pathlib.Path`) to read it from.
            b: The second.

        Returns:
            The :class:`Comparison`.

        Raises:
            InputError: An article has no sentences or is too long.
        """
        docs = self.prepare_many([_as_article(a, "a"), _as_article(b, "b")])
        return self.compare_documents(docs[0], docs[1])

    def compare_documents(self, da: Document, db: Document, reprints: bool = True) -> Comparison:
        """:meth:`compare` for prepared documents.

        ``reprints``: read a text standing whole in the other after sentences of the other's own as
        reprinted there (:class:`~wiretrace.core.decide.CopiedRule`); not for an agency's versions read
        as one (:func:`~wiretrace.wire.read_as_one`), where what comes before is an earlier version.
        """
        for doc in (da, db):
            if not doc.sentences:
                art = doc.view.article
                raise InputError(
                    art.path or art.id or "article", "no article text found (empty or only page furniture)"
                )
        copied = self.fitted.copied
        if copied is not None and not reprints:
            copied = dataclasses.replace(copied, reprint_after=0)
        pm_ab, pm_ba = pair_matrices(da, db, self.fitted.link)
        al_ab = align(da, db, self.fitted.link, self.align_settings, pm_ab)
        al_ba = align(db, da, self.fitted.link, self.align_settings, pm_ba)
        ga, gb = StemGrams.of(da), StemGrams.of(db)
        e_ab = evidence(da, db, al_ab, (ga, gb))
        e_ba = evidence(db, da, al_ba, (gb, ga))
        verdict = decide(
            e_ab,
            e_ba,
            order_by_time(da.view.article.published, db.view.article.published),
            self.fitted.relation,
            self.fitted.extent,
            self.fitted.direction,
            self.fitted.retelling,
            order_by_agency(da.view.article.outlet, db.view.article.outlet) if self.settings.agency_rule else 0,
            copied,
            order_of_equals(da.view.article, db.view.article),
        )
        derived_first = verdict.derived_first
        derived, source, al = (da, db, al_ab) if derived_first else (db, da, al_ba)
        if verdict.relation != "rewrite":
            derived, source, al = db, da, al_ba
        n_d, n_s = len(derived.sentences), len(source.sentences)
        linked, used = al.linked, al.used
        words_d = [f.n_words for f in derived.features]
        words_s = [f.n_words for f in source.features]
        coverage = {
            "derived": round(sum(words_d[i] for i in linked) / max(sum(words_d), 1), 4),
            "source": round(sum(words_s[j] for j in used) / max(sum(words_s), 1), 4),
        }
        is_rewrite = verdict.relation == "rewrite"
        facts = facts_of_links(derived, source, al.links)
        return Comparison(
            relation=verdict.relation,  # type: ignore[arg-type]  # decide returns one of Relation
            confidence=round(verdict.confidence, 4),
            a=da.view,
            b=db.view,
            source=("b" if derived_first else "a") if is_rewrite else None,
            derived=("a" if derived_first else "b") if is_rewrite else None,
            direction_basis=verdict.direction_basis,
            extent=verdict.extent,
            alignment=al.links,
            added=tuple(i for i in range(n_d) if i not in linked),
            dropped=tuple(j for j in range(n_s) if j not in used),
            carried_facts=facts[0],
            changed_facts=facts[1] if is_rewrite else (),  # what independent reports differ on is no change
            unsourced_figures=unsourced_figures(derived, source, al.links, facts[1]) if is_rewrite else (),
            coverage=coverage,
            probabilities={k: round(v, 4) for k, v in verdict.probabilities.items()},
            features={
                "a_from_b": {k: round(v, 4) for k, v in e_ab.items()},
                "b_from_a": {k: round(v, 4) for k, v in e_ba.items()},
            },
            model=self.embedder.name,
        )


def merge_documents(docs: Sequence[Document], article: Article) -> Document:
    """Several prepared documents read as one (their sentences in order).

    Sentence spans keep pointing into their own articles, so the merged
    document is for aligning and scoring, not for showing spans.
    """
    feats = tuple(f for d in docs for f in d.features)
    sentences: list[Sentence] = []
    for d in docs:
        for s in d.sentences:
            sentences.append(Sentence(len(sentences), s.start, s.end, s.text))
    dims = {d.vectors.shape[1] for d in docs if len(d.sentences)}
    dim = dims.pop() if dims else 1
    vectors = (
        np.vstack([d.vectors for d in docs if len(d.sentences)]) if feats else np.zeros((0, dim), dtype=np.float32)
    )
    return Document(ArticleView(article, (), tuple(sentences)), feats, vectors)


class _Precomputed:
    """An ``encode`` that hands back vectors already computed for a batch."""

    def __init__(self, vectors: np.ndarray) -> None:
        self._vectors = vectors

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors


# A one-line str that ends as an article file's name does, with no room for a sentence before it.
_FILE_NAME = re.compile(r"[^\s!?]\S*(?: \S+){0,2}\.(?:txt|html?|jsonl|ndjson|warc(?:\.gz)?)", re.IGNORECASE)


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except OSError:  # a name too long, say
        return False


def _as_article(value: Article | str | os.PathLike[str], name: str) -> Article:
    if isinstance(value, Article):
        return value
    if isinstance(value, os.PathLike):
        from wiretrace.adapters.readers import read_article

        return read_article(Path(value))
    if isinstance(value, str):
        line = value.strip()
        if len(line) < 1024 and len(line.splitlines()) == 1:
            if _is_file(line):
                warnings.warn(
                    f"compare() reads a str as the article's text, and {line!r} names a file: "
                    f"pass Path({line!r}) (or read_article) to compare what it holds",
                    stacklevel=user_stacklevel(),
                )
            elif _FILE_NAME.fullmatch(line):
                warnings.warn(
                    f"compare() reads a str as the article's text, and {line!r} looks like a file name, "
                    "but no such file is there: pass a Path to read a file",
                    stacklevel=user_stacklevel(),
                )
        return Article(text=value, id=name)
    raise TypeError(f"compare() takes an Article, a str (the text) or a path, not {type(value).__name__}")


def compare(
    a: Article | str | os.PathLike[str], b: Article | str | os.PathLike[str], settings: Settings | None = None
) -> Comparison:
    """Compare two articles with the default engine.

    Loads the bundled model on each call; build an :class:`Engine` once to
    compare many pairs.

    Args:
        a: The first article: an :class:`Article`, its text, or a path
            (:class:`pathlib.Path`) to read it from; a ``str`` is always the
            text (a warning says so when it names a file).
        b: The second.
        settings: Engine knobs.

    Returns:
        The :class:`Comparison`: relation, direction, confidence, evidence.

    Example:
        >>> r = compare("Seoul has 450,000 troops. It plans a budget rise.",
        ...             "Seoul has 450,000 troops. It plans a budget rise.")
        >>> r.relation
        'rewrite'
    """
    return Engine(settings).compare(a, b)
