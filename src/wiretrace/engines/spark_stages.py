"""The Spark scan's stages as they run on the executors, one ``mapInPandas`` function each.

Each calls the local scan's own functions (:meth:`~wiretrace.corpus.Corpus.prepare_batch`,
:func:`~wiretrace.core.fingerprint.select_candidates`,
:meth:`~wiretrace.pipeline.Engine.compare_documents`); the driver side that
wires them into a job is :mod:`wiretrace.engines.spark`.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from wiretrace.adapters.inputs import Rejected
from wiretrace.adapters.store.base import PairRecord
from wiretrace.settings import Settings
from wiretrace.types import Article

if TYPE_CHECKING:
    import pandas as pd

    from wiretrace.core.represent import Document
    from wiretrace.corpus import Corpus

T = TypeVar("T")

# Articles of one input file are numbered below 2**40 (a trillion lines), after the file's own number.
FILE_SHIFT = 40

ARTICLE_COLUMNS = ("rowid", "id", "text", "title", "published", "outlet", "url", "path", "header")
PREPARED_SCHEMA = (
    "rowid long, id string, text string, title string, published string, outlet string, url string, path string, "
    "header int, digest string, keys array<string>, day int, rejected_where string, rejected_reason string"
)
DECIDED_SCHEMA = (
    "a long, b long, a_id string, b_id string, a_published string, b_published string, a_outlet string, "
    "b_outlet string, relation string, confidence double, source long, derived long, direction_basis string, "
    "coverage_derived double, coverage_source double, summary string"
)
PAIR_COLUMNS = (
    "a", "b", "relation", "confidence", "source", "derived", "direction_basis", "coverage_derived", "coverage_source",
    "summary",
)  # fmt: skip


# -- per worker process ------------------------------------------------------


class _Worker:
    """A corpus (its engine, embedding model loaded once) and a cache of prepared documents."""

    def __init__(self, settings: Settings) -> None:
        from wiretrace.adapters.store.memory import MemoryStore
        from wiretrace.corpus import Corpus
        from wiretrace.pipeline import Engine

        self.corpus: Corpus = Corpus(MemoryStore(), Engine(settings))
        self.docs: OrderedDict[tuple[str, int], Document] = OrderedDict()

    def documents(self, job: str, articles: Mapping[int, Any]) -> dict[int, Document]:
        """Prepared documents of these articles, preparing the missing ones in one batch."""
        missing = [r for r in articles if (job, r) not in self.docs]
        if missing:
            for r, doc in zip(missing, self.corpus.engine.prepare_many([articles[r] for r in missing]), strict=True):
                self.docs[(job, r)] = doc
        out = {}
        for r in articles:
            self.docs.move_to_end((job, r))
            out[r] = self.docs[(job, r)]
        while len(self.docs) > max(self.corpus.settings.cache_size, len(articles)):
            self.docs.popitem(last=False)
        return out


# One per settings in each Python worker process (Spark reuses worker processes across tasks).
_WORKERS: dict[Settings, _Worker] = {}


def _worker(settings: Settings) -> _Worker:
    if settings not in _WORKERS:
        _WORKERS[settings] = _Worker(settings)
    return _WORKERS[settings]


def _opt(value: Any) -> Any:
    """A value from an Arrow batch, with pandas' missing values (None, NaN, NA) as None."""
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN stands for null in a float column
        return None
    return value


# -- stage functions (run on the executors) -----------------------------------


def _known(values: Mapping[int, T], rowids: Sequence[int]) -> dict[int, T]:
    return {r: values[r] for r in rowids if r in values}


def prepare(
    batches: Iterator[pd.DataFrame], settings: Settings, bases: Mapping[tuple[str, int], tuple[int, int, str]], sep: str
) -> Iterator[pd.DataFrame]:
    """read, clean, segment, index keys: one output row per non-blank input record."""
    import pandas as pd

    from wiretrace.adapters.inputs import parse_jsonl_line
    from wiretrace.corpus import publication_day

    corpus = _worker(settings).corpus
    for batch in batches:
        rows: list[dict[str, Any]] = []
        for value, file, block, mono in zip(batch["value"], batch["file"], batch["block"], batch["mono"], strict=True):
            number, first, name = bases[(file, int(block))]
            line = first + int(mono)
            where = f"{name}{sep}{line}"
            item = parse_jsonl_line((value + "\n").encode("utf-8"), where) if value is not None else None
            if item is None:
                continue
            row: dict[str, Any] = {"rowid": (number << FILE_SHIFT) + line}
            if not isinstance(item, Rejected):
                prepared = corpus.prepare_batch([item])
                if prepared.rejected:
                    item = prepared.rejected[0]
                else:
                    stored = prepared.items[0]
                    a = stored.article
                    row.update(
                        id=a.id, text=a.text, title=a.title, published=a.published, outlet=a.outlet, url=a.url,
                        path=a.path, header=a.header, digest=stored.digest, keys=list(stored.keys),
                        day=publication_day(a.published),
                    )  # fmt: skip
            if isinstance(item, Rejected):
                row.update(rejected_where=item.where, rejected_reason=item.reason)
            rows.append(row)
        # Every column as Python objects, gaps as None: pandas would turn a gap into NaN, which Arrow will not cast.
        columns = [c.split()[0] for c in PREPARED_SCHEMA.split(", ")]
        yield pd.DataFrame({c: pd.Series([row.get(c) for row in rows], dtype=object) for c in columns})


def candidates(batches: Iterator[pd.DataFrame], settings: Settings, n_articles: int) -> Iterator[pd.DataFrame]:
    """candidates: each article's gathered postings through the local selection rule, as ordered pairs."""
    import pandas as pd

    from wiretrace.core.fingerprint import select_candidates

    for batch in batches:
        a_out: list[int] = []
        b_out: list[int] = []
        for rowid, day, gathered in zip(batch["rowid"], batch["day"], batch["postings"], strict=True):
            postings: dict[str, list[int]] = {}
            days: dict[int, int | None] = {}
            digests: dict[int, str] = {}
            for entry in gathered:
                holders = entry["holders"]
                postings[entry["key"]] = [int(h["rowid"]) for h in holders]
                for h in holders:
                    d = _opt(h["day"])
                    days[int(h["rowid"])] = None if d is None else int(d)
                    digests[int(h["rowid"])] = h["digest"]
            own_day = _opt(day)
            found = select_candidates(
                sorted(postings),  # a store hands keys over sorted; the scores sum in that order
                postings,
                n_articles,
                limit=settings.candidates,
                min_score=settings.min_candidate_score,
                window_days=settings.window_days,
                day=None if own_day is None else int(own_day),
                days_of=partial(_known, days),
                exclude=int(rowid),
                tiebreak=partial(_known, digests),
            )
            for r, _ in found:
                a_out.append(min(r, int(rowid)))
                b_out.append(max(r, int(rowid)))
        yield pd.DataFrame({"a": pd.Series(a_out, dtype="int64"), "b": pd.Series(b_out, dtype="int64")})


def decide(batches: Iterator[pd.DataFrame], settings: Settings, job: str) -> Iterator[pd.DataFrame]:
    """align and decide each pair; the related ones as the scan records them."""
    import pandas as pd

    from wiretrace.stories import compared_first, pair_record

    worker = _worker(settings)
    columns = [c.split()[0] for c in DECIDED_SCHEMA.split(", ")]
    for batch in batches:
        articles: dict[int, Article] = {}
        for side in ("a", "b"):
            fields = [batch[f"{side}_{c}"] for c in ARTICLE_COLUMNS]
            for rowid, id_, text, title, published, outlet, url, path, header in zip(*fields, strict=True):
                if int(rowid) not in articles:
                    articles[int(rowid)] = Article(
                        text, id_, _opt(title), _opt(published), _opt(outlet), _opt(url), _opt(path), int(header)
                    )
        docs = worker.documents(job, articles)
        rows = []
        for a, b in zip(batch["a"], batch["b"], strict=True):
            first, second = compared_first(int(a), articles[int(a)].id, int(b), articles[int(b)].id)
            result = worker.corpus.engine.compare_documents(docs[first], docs[second])
            if result.relation == "unrelated":
                continue
            rows.append(_decided_row(pair_record(first, second, result), articles))
        yield pd.DataFrame({c: pd.Series([row[k] for row in rows], dtype=object) for k, c in enumerate(columns)})


def _decided_row(p: PairRecord, articles: Mapping[int, Article]) -> tuple[Any, ...]:
    a, b = articles[p.a], articles[p.b]
    return (
        p.a, p.b, a.id, b.id, a.published, b.published, a.outlet, b.outlet, p.relation, p.confidence, p.source,
        p.derived, p.direction_basis, p.coverage_derived, p.coverage_source, json.dumps(p.summary, sort_keys=True),
    )  # fmt: skip


def _article(fields: Mapping[str, Any]) -> Article:
    return Article(
        fields["text"], fields["id"], _opt(fields["title"]), _opt(fields["published"]), _opt(fields["outlet"]),
        _opt(fields["url"]), _opt(fields["path"]), int(fields["header"]),
    )  # fmt: skip


def read_versions(batches: Iterator[pd.DataFrame], settings: Settings, job: str) -> Iterator[pd.DataFrame]:
    """Wire versions read as one (:func:`wiretrace.wire.versions_records`): one input row per article and set.

    Input columns: ``article`` (the article's fields, as ``ARTICLE_COLUMNS``)
    and ``versions`` (per version its fields and ``own``, the pair's record
    as decided, ``PAIR_COLUMNS``); output rows as :func:`decide`'s, for the
    pairs the reading records as rewrites.
    """
    import pandas as pd

    from wiretrace.wire import versions_records

    worker = _worker(settings)
    columns = [c.split()[0] for c in DECIDED_SCHEMA.split(", ")]
    for batch in batches:
        rows = []
        for article, versions in zip(batch["article"], batch["versions"], strict=True):
            x = int(article["rowid"])
            articles = {x: _article(article)} | {int(v["rowid"]): _article(v) for v in versions}
            own = {}
            for v in versions:
                o = v["own"]
                values = {c: _opt(o[c]) for c in PAIR_COLUMNS}
                values["summary"] = json.loads(values["summary"])
                own[int(v["rowid"])] = PairRecord(**values)
            docs = worker.documents(job, articles)
            found = versions_records(worker.corpus.engine, x, docs[x], [(r, docs[r]) for r in own], own)
            rows += [_decided_row(p, articles) for p in found]
        yield pd.DataFrame({c: pd.Series([row[k] for row in rows], dtype=object) for k, c in enumerate(columns)})


def versions_named(names: Mapping[int, str]) -> Any:
    """A UDF giving a pair summary's wire-versions reading with article ids for record numbers."""
    from pyspark.sql import functions as F

    def named(summary: str) -> str:
        data = json.loads(summary)
        if "versions" not in data:
            return summary

        def name(rowid: int | None) -> str | None:
            return None if rowid is None else names.get(rowid, str(rowid))

        own = dict(data["pair"])
        own["source"], own["derived"] = name(own.get("source")), name(own.get("derived"))
        return json.dumps({**data, "versions": [name(r) for r in data["versions"]], "pair": own}, sort_keys=True)

    # Through a lambda: pyspark reads a typed function's hints as a pandas UDF's and warns that it cannot.
    return F.udf(lambda summary: named(summary), "string")
