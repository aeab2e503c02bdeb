"""Every default of wiretrace, in one frozen dataclass.

Values only, never behaviour. Precedence, highest first: a command-line flag,
an environment variable ``WIRETRACE_<NAME>`` (upper case), a TOML file given
with ``--config`` (keys as below, top level), then these defaults.
``wiretrace config show`` prints the values in effect.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, cast

from wiretrace.errors import ConfigError

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """Knobs of the engine.

    Attributes:
        model: Sentence embedding model: ``bundled`` (the static model shipped
            with wiretrace), a model2vec folder, or a sentence-transformers
            model path or name (needs the ``transformer`` extra).
        link_threshold: Least probability for a derived sentence to be linked
            to a source sentence, in (0, 1).
        gap_threshold: Least probability for a weaker link that keeps the order
            set by its neighbouring strong links, in (0, link_threshold].
        merge_gain: Share of a derived sentence's content a further source
            sentence must add for the two to count as merged, in [0, 1).
        max_merge: Most source sentences merged into one derived sentence, >= 1.
        min_list_lines: Title-like lines in a row taken for a pasted list of
            other headlines (page furniture), >= 2.
        max_chars: Longest article accepted, in characters.
        max_sentences: Most sentences in an article accepted: a pair is
            compared sentence by sentence, so its memory grows with the
            product of the two counts (two texts of 1,000 sentences take about
            0.6 GB; the longest article of METER and the BBC set has 247).
        max_terms: Distinctive terms indexed per article (corpus mode).
        shingle: Words per shingle of the near-copy (MinHash) channel.
        bands: MinHash LSH bands.
        rows: MinHash rows per band.
        candidates: Most candidate articles compared with each article.
        min_candidate_score: Least index score for a candidate to be compared
            at all, in units of the rarest possible key: the summed IDF of the
            shared distinctive terms divided by the IDF of a term only one
            article holds (1.5 = one and a half such terms).
        window_days: Candidates published further apart than this are not
            compared (when both dates are known); 0 turns the window off.
        batch_size: Articles per ingest transaction.
        scan_batch: Articles per scan transaction (a killed scan resumes
            after the last one committed).
        workers: Processes deciding pairs in a scan (the CLI's: `ingest` and `scan` in Python take
            a `workers` argument); 0 means one per CPU.
        cache_size: Prepared documents a process answering queries keeps in
            memory (about 58 KiB each with the bundled model), and each
            Python worker of a Spark scan.
        scan_cache_size: Prepared documents each process deciding a local
            scan's pairs keeps (``wiretrace scan``, :meth:`Corpus.scan`). A
            scan goes through the store in publication order and an
            article's pairs reach across the window (on the 100k benchmark,
            30 days either side hold about 16,000 articles), so a document
            prepared as a later article's candidate is needed again at that
            article's own turn: 8,192 prepare 1.62 documents an article
            there, 4,096 2.15 (the scan's requests replayed), for about 230
            MiB more in each worker.
        agency_rule: When publication times cannot order a rewrite pair
            and exactly one of the two outlets is a news agency
            (:mod:`wiretrace.core.agencies`), the agency's copy is the source;
            false leaves it to the text.
        wire_versions: After a scan has decided pairs, an article related to
            two or more copies of one agency's story is compared with them
            read as one (:mod:`wiretrace.wire`), and each copy that reading
            draws on is recorded as its source; false keeps the pairs' own
            verdicts.
    """

    model: str = "bundled"
    link_threshold: float = 0.5
    gap_threshold: float = 0.2
    merge_gain: float = 0.08
    max_merge: int = 3
    min_list_lines: int = 3
    max_chars: int = 2_000_000
    max_sentences: int = 1_000
    max_terms: int = 32
    shingle: int = 5
    bands: int = 16
    rows: int = 4
    candidates: int = 10
    min_candidate_score: float = 1.5
    window_days: int = 30
    batch_size: int = 500
    scan_batch: int = 200
    workers: int = 0
    cache_size: int = 4096
    scan_cache_size: int = 8192
    agency_rule: bool = True
    wire_versions: bool = True

    def __post_init__(self) -> None:
        for f in fields(self):
            value, default = getattr(self, f.name), cast(Any, f.default)
            if isinstance(default, bool):
                ok = isinstance(value, bool)  # "false" is a true value: refused, not read as true
            elif isinstance(default, int | float):  # a float setting takes a whole number too; numpy's count
                kind_of = numbers.Real if isinstance(default, float) else numbers.Integral
                ok = isinstance(value, kind_of) and not isinstance(value, bool)
            else:
                ok = isinstance(value, type(default))
            if not ok:
                kind = "a boolean (True or False)" if isinstance(default, bool) else _KINDS[type(default)]
                raise ConfigError(f"setting {f.name}={value!r} is not {kind}")
            if type(value) is not type(default):  # numpy's 10 is stored (and written to JSON) as Python's
                object.__setattr__(self, f.name, type(default)(value))
        one_or_more = "1 or more"
        checks = {  # each setting: within range, and the range in words
            "link_threshold": (0.0 < self.link_threshold < 1.0, "between 0 and 1"),
            "gap_threshold": (0.0 < self.gap_threshold <= self.link_threshold, "above 0, at most link_threshold"),
            "merge_gain": (0.0 <= self.merge_gain < 1.0, "0 or more, below 1"),
            "max_merge": (self.max_merge >= 1, one_or_more),
            "min_list_lines": (self.min_list_lines >= 2, "2 or more"),
            "max_chars": (self.max_chars >= 1, one_or_more),
            "max_sentences": (self.max_sentences >= 1, one_or_more),
            "max_terms": (self.max_terms >= 1, one_or_more),
            "shingle": (self.shingle >= 1, one_or_more),
            "bands": (self.bands >= 1, one_or_more),
            "rows": (self.rows >= 1, one_or_more),
            "candidates": (self.candidates >= 1, one_or_more),
            # infinity would make no article a candidate
            "min_candidate_score": (0.0 <= self.min_candidate_score < math.inf, "0 or more, finite"),
            "window_days": (self.window_days >= 0, "0 (no window) or more"),
            "batch_size": (self.batch_size >= 1, one_or_more),
            "scan_batch": (self.scan_batch >= 1, one_or_more),
            "workers": (self.workers >= 0, "0 (one per CPU) or more"),
            "cache_size": (self.cache_size >= 1, one_or_more),
            "scan_cache_size": (self.scan_cache_size >= 1, one_or_more),
        }
        for name, (ok, allowed) in checks.items():
            if not ok:
                raise ConfigError(
                    f"setting {name}={getattr(self, name)!r} is out of range ({allowed}; see `wiretrace config show`)"
                )

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Any], where: str = "settings", shown: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings from a mapping of names to values (strings are converted).

        Args:
            values: Setting names (any case, ``-`` or ``_``) to values.
            where: Where they came from, for messages.
            shown: How to name some settings in messages (an environment
                variable, say), by setting name.

        Raises:
            ConfigError: An unknown name or a value of the wrong type.
        """
        types = {f.name: f.type for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            name = key.lower().replace("-", "_")
            if name not in types:
                raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(types)})")
            default = getattr(cls, name)
            label = (shown or {}).get(name, f"setting {key}")
            if isinstance(default, bool):
                kwargs[name] = _boolean(label, value, where)
                continue
            try:
                if isinstance(value, bool):  # a TOML true is no count: int(True) would be 1, int(False) 0
                    raise ValueError(value)
                if isinstance(default, int) and isinstance(value, float) and not value.is_integer():
                    raise ValueError(value)  # int(2.5) would be 2: a TOML 2.5 for a count is a mistake
                kwargs[name] = type(default)(value)
            except (TypeError, ValueError):
                kind = _KINDS.get(type(default), type(default).__name__)
                raise ConfigError(f"{where}: {label}={value!r} is not {kind}") from None
        return cls(**kwargs)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """All values by name."""
        return dataclasses.asdict(self)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


_KINDS = {int: "a whole number", float: "a number", str: "text"}


def _boolean(label: str, value: Any, where: str) -> bool:
    """A yes/no setting from a TOML boolean or a string (an environment variable)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ConfigError(f"{where}: {label}={value!r} is not a boolean (true or false)")
