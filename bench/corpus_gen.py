"""A deterministic news-like corpus of any size, with known rewrites planted, for ``bench/scale.py``.

Nothing of the data sets is copied into the repository: every text is made at
run time from the real articles in ``../shared/data`` and written to a JSONL
file (``id``, ``text``, ``title``, ``published``, ``source``) outside the repo,
with a truth file beside it. The same ``--seed`` gives the same bytes.

What goes in, for a corpus of ``n`` articles:

* **Real texts** (unless ``include_real`` is off, as in ``--quick``): the METER
  split (PA wire copy and newspaper texts, as :func:`load_meter` reads them,
  PA filing times kept, newspapers undated) and the 2,225 BBC articles, each
  BBC article given a date drawn over the window.
* **Background**, the rest: each article is made from two or three BBC
  articles of one topic (business, politics, ...): a run of 3 to 8 consecutive
  sentences from each, so it reads like one topical story. Then, so that no two
  generated articles share their facts, every capitalised word that is not the
  first of its sentence and not among the topic set's 300 commonest capitalised
  words (Mr, US, Labour, Monday, ...) is replaced, consistently within the
  article, by another capitalised word of the BBC set or by a splice of two
  (the first half of one and the second half of another: "Parsons" +
  "Bertelsmann" gives "Parsmann"); every number is replaced by a random one of
  the same shape (a year by a year of 1998-2006); and each word on the
  synonym list below is swapped with probability 0.3. The date is drawn
  uniformly over ``window_days`` days from 2004-01-01, the outlet from 40
  names. Background articles share sentence skeletons with the BBC originals
  they were cut from (and rarely with each other), as real same-topic news
  does; METER texts are never used, so the METER measurements stay clean.
* **Planted rewrites**, one for every nine background articles: a rewrite of a
  background article or a BBC original, by a simple paraphraser: drop each
  sentence but the lead with probability 0.2 (keeping at least three); swap
  neighbouring sentences after the lead with probability 0.15; merge two
  neighbours into one sentence (", and ...") with probability 0.15; split a
  sentence at "; ", ", and ", ", but " or ", while " with probability 0.5
  where it has such a joint; swap synonyms with probability 0.6 per listed
  word; append one sentence of another article of the topic with probability
  0.3. Names and numbers are kept: they are the facts a rewrite carries over.
  Published 0 to 2 days after its source, by another outlet.

The truth file (``<out>.truth.json``) lists the planted pairs (``source``,
``rewrite``, ``kind``: ``generated``, or ``meter`` for each derived METER
newspaper text and its group's PA texts) and the METER groups.

Every article is a pure function of ``(seed, kind, index)``, so articles are
made one at a time in shuffled order and nothing but the recipes is held in
memory.

Usage::

    python bench/corpus_gen.py --n 10000 --out /tmp/scale/corpus-10000.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
START = date(2004, 1, 1)
OUTLETS = tuple(f"outlet-{k:02d}" for k in range(40))
# The paraphraser's hand-written list: each word, lower case, and the word put in its place.
SYNONYMS = {
    "said": "stated",
    "says": "states",
    "company": "firm",
    "firm": "company",
    "rose": "climbed",
    "fell": "dropped",
    "increase": "rise",
    "big": "large",
    "biggest": "largest",
    "announced": "unveiled",
    "help": "assist",
    "buy": "purchase",
    "shows": "reveals",
    "government": "administration",
    "plans": "proposals",
    "began": "started",
    "about": "around",
    "however": "but",
    "after": "following",
    "many": "numerous",
    "major": "significant",
    "important": "key",
    "quickly": "rapidly",
    "difficult": "hard",
    "jobs": "posts",
    "tried": "attempted",
    "need": "require",
    "needs": "requires",
    "claimed": "alleged",
    "warned": "cautioned",
    "added": "continued",
    "believe": "think",
    "chance": "opportunity",
    "result": "outcome",
    "profits": "earnings",
    "match": "game",
    "team": "side",
    "film": "movie",
    "users": "customers",
    "chief": "head",
    "boss": "chief",
    "expected": "anticipated",
    "recent": "latest",
    "told": "informed",
    "also": "additionally",
    "because": "as",
    "almost": "nearly",
    "likely": "probable",
}
_CAPITAL = re.compile(r"\b[A-Z][a-z]{2,}\b")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_WORD = re.compile(r"[A-Za-z]+")
_JOINTS = ("; ", ", and ", ", but ", ", while ")
_OPENERS = {"The", "It", "He", "She", "They", "This", "That", "These", "A", "An", "In", "But", "We", "There"}


@dataclass(frozen=True)
class Source:
    """A BBC article cut into sentences."""

    id: str
    topic: str
    title: str
    sentences: tuple[str, ...]


@dataclass
class Pools:
    """What the generator draws from: BBC articles by topic, replacement words, METER texts."""

    bbc: list[Source]
    by_topic: dict[str, list[int]]
    keep: dict[str, frozenset[str]]
    names: list[str]
    meter: Any = None


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (BlingFire, as the engine's splitter uses)."""
    import blingfire

    return [s.strip() for s in blingfire.text_to_sentences(paragraph.strip()).split("\n") if s.strip()]


def load_pools(data: Path, include_meter: bool = True) -> Pools:
    """Read the BBC articles (and the METER split) the corpus is made from."""
    root = data / "bbc" / "bbc"
    bbc: list[Source] = []
    by_topic: dict[str, list[int]] = {}
    capitals: dict[str, Counter[str]] = {}
    for topic_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        topic = topic_dir.name
        counts = capitals.setdefault(topic, Counter())
        for path in sorted(topic_dir.glob("*.txt")):
            raw = path.read_bytes().decode("latin-1")
            title, _, body = raw.strip().partition("\n")
            sentences = [s for para in body.split("\n") if para.strip() for s in split_sentences(para)]
            if len(sentences) < 3:
                continue
            for s in sentences:
                counts.update(_CAPITAL.findall(s))
            by_topic.setdefault(topic, []).append(len(bbc))
            bbc.append(Source(f"bbc/{topic}/{path.name}", topic, title.strip(), tuple(sentences)))
    keep = {t: frozenset(w for w, _ in c.most_common(300)) for t, c in capitals.items()}
    all_keep = frozenset().union(*keep.values())
    names = sorted({w for c in capitals.values() for w in c} - all_keep)
    pools = Pools(bbc, by_topic, keep, names)
    if include_meter:
        from wiretrace.evaluate.meter_data import load_meter

        pools.meter = load_meter(data / "meter")
    return pools


def _swap_numbers(text: str, rng: random.Random, table: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        old = m.group(0)
        if old not in table:
            if len(old) == 4 and old.isdigit() and 1900 <= int(old) <= 2099:
                table[old] = str(rng.randint(1998, 2006))
            else:
                digits = [str(rng.randint(1, 9))] + [str(rng.randint(0, 9)) for _ in range(len(old))]
                out, k = [], 0
                for c in old:
                    if c.isdigit():
                        out.append(digits[k])
                        k += 1
                    else:
                        out.append(c)
                table[old] = "".join(out)
        return table[old]

    return _NUMBER.sub(repl, text)


def _swap_names(
    sentence: str, keep: frozenset[str], names: list[str], rng: random.Random, table: dict[str, str]
) -> str:
    def repl(m: re.Match[str]) -> str:
        old = m.group(0)
        if m.start() == 0 or old in keep:
            return old
        if old not in table:
            a = rng.choice(names)
            if rng.random() < 0.5:
                b = rng.choice(names)
                a = a[: max(2, len(a) // 2)] + b[len(b) // 2 :]
            table[old] = a
        return table[old]

    return _CAPITAL.sub(repl, sentence)


def swap_synonyms(sentence: str, rng: random.Random, p: float) -> str:
    """Replace each listed word with its synonym with probability ``p``, keeping its capital."""

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        new = SYNONYMS.get(word.lower())
        if new is None or rng.random() >= p:
            return word
        return new[0].upper() + new[1:] if word[0].isupper() else new

    return _WORD.sub(repl, sentence)


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    paras, k = [], 0
    while k < len(sentences):
        step = rng.randint(1, 3)
        paras.append(" ".join(sentences[k : k + step]))
        k += step
    return "\n\n".join(paras)


def _merge(a: str, b: str) -> str:
    first, _, rest = b.partition(" ")
    if first in _OPENERS and rest:
        b = first.lower() + " " + rest
    return a.rstrip(".!?") + ", and " + b


def _split(s: str) -> list[str]:
    for joint in _JOINTS:
        k = s.find(joint, len(s) // 4)
        if 0 < k < 3 * len(s) // 4:
            head, tail = s[:k].rstrip(",;") + ".", s[k + len(joint) :]
            return [head, tail[:1].upper() + tail[1:]]
    return [s]


def paraphrase(sentences: list[str], rng: random.Random, extra: str | None = None) -> list[str]:
    """A rewrite of ``sentences`` (the method is in the module docstring)."""
    kept = [sentences[0]] + [s for s in sentences[1:] if rng.random() >= 0.2]
    for s in sentences[1:]:
        if len(kept) >= 3:
            break
        if s not in kept:
            kept.append(s)
    for k in range(1, len(kept) - 1):
        if rng.random() < 0.15:
            kept[k], kept[k + 1] = kept[k + 1], kept[k]
    out: list[str] = []
    k = 0
    while k < len(kept):
        if k + 1 < len(kept) and rng.random() < 0.15:
            out.append(_merge(kept[k], kept[k + 1]))
            k += 2
            continue
        out.extend(_split(kept[k]) if rng.random() < 0.5 else [kept[k]])
        k += 1
    out = [swap_synonyms(s, rng, 0.6) for s in out]
    if extra is not None:
        out.append(extra)
    return out


@dataclass(frozen=True)
class Plan:
    """The recipe of a corpus: how many of each kind, and the order they are written in."""

    n: int
    seed: int
    n_meter: int
    n_bbc: int
    n_background: int
    n_rewrites: int
    order: tuple[tuple[str, int], ...]


class Generator:
    """Makes the articles of one corpus; see the module docstring.

    Args:
        pools: From :func:`load_pools`.
        n: Articles in the corpus (at least 10).
        seed: Everything random derives from it.
        include_real: Put the METER split and the BBC originals in.
        window_days: Days the background's dates are spread over.
    """

    def __init__(self, pools: Pools, n: int, seed: int = 1, include_real: bool = True, window_days: int = 365):
        if n < 10:
            raise ValueError(f"n={n}: a corpus needs at least 10 articles")
        self.pools = pools
        self.seed = seed
        self.window_days = window_days
        meter = pools.meter if include_real else None
        self.pa = [a for arts in meter.pa.values() for a in arts] if meter else []
        self.papers = list(meter.newspapers) if meter else []
        n_meter = len(self.pa) + len(self.papers)
        n_bbc = len(pools.bbc) if include_real else 0
        rest = n - n_meter - n_bbc
        if rest < 10:
            raise ValueError(f"n={n}: the real texts alone are {n_meter + n_bbc}; ask for more")
        n_rewrites = rest // 10
        n_background = rest - n_rewrites
        order = (
            [("pa", k) for k in range(len(self.pa))]
            + [("paper", k) for k in range(len(self.papers))]
            + [("bbc", k) for k in range(n_bbc)]
            + [("gen", k) for k in range(n_background)]
            + [("rewrite", k) for k in range(n_rewrites)]
        )
        random.Random(seed).shuffle(order)
        self.plan = Plan(n, seed, n_meter, n_bbc, n_background, n_rewrites, tuple(order))

    def _rng(self, *parts: object) -> random.Random:
        return random.Random("/".join(map(str, (self.seed, *parts))))

    def _date(self, rng: random.Random) -> date:
        return START + timedelta(days=rng.randrange(self.window_days))

    def bbc(self, k: int) -> dict[str, Any]:
        """BBC original ``k``, dated."""
        src = self.pools.bbc[k]
        return {
            "id": src.id,
            "title": src.title,
            "text": _paragraphs(list(src.sentences), self._rng("bbc-layout", k)),
            "published": self._date(self._rng("bbc-date", k)).isoformat(),
            "source": "bbc",
            "_sentences": list(src.sentences),
            "_topic": src.topic,
        }

    def background(self, k: int) -> dict[str, Any]:
        """Background article ``k``."""
        rng = self._rng("gen", k)
        topic = rng.choice(sorted(self.pools.by_topic))
        members = self.pools.by_topic[topic]
        picks = [self.pools.bbc[rng.choice(members)] for _ in range(rng.choice((2, 3)))]
        names: dict[str, str] = {}
        numbers: dict[str, str] = {}
        keep = self.pools.keep[topic]
        sentences = []
        for src in picks:
            size = min(len(src.sentences), rng.randint(3, 8))
            start = rng.randrange(len(src.sentences) - size + 1)
            for s in src.sentences[start : start + size]:
                s = _swap_names(s, keep, self.pools.names, rng, names)
                s = _swap_numbers(s, rng, numbers)
                sentences.append(swap_synonyms(s, rng, 0.3))
        title = _swap_numbers(_swap_names(picks[0].title, keep, self.pools.names, rng, names), rng, numbers)
        return {
            "id": f"gen/{k:07d}",
            "title": title,
            "text": _paragraphs(sentences, rng),
            "published": self._date(rng).isoformat(),
            "source": rng.choice(OUTLETS),
            "_sentences": sentences,
            "_topic": topic,
        }

    def rewrite_source(self, k: int) -> tuple[str, int]:
        """The kind (``gen`` or ``bbc``) and index of the article rewrite ``k`` is written from."""
        rng = self._rng("rewrite-of", k)
        if self.plan.n_bbc and rng.random() < 0.2:
            return "bbc", rng.randrange(self.plan.n_bbc)
        return "gen", rng.randrange(self.plan.n_background)

    def rewrite(self, k: int) -> dict[str, Any]:
        """Planted rewrite ``k``."""
        kind, index = self.rewrite_source(k)
        src = self.bbc(index) if kind == "bbc" else self.background(index)
        rng = self._rng("rewrite", k)
        extra = None
        if rng.random() < 0.3:
            other = self.pools.bbc[rng.choice(self.pools.by_topic[src["_topic"]])]
            extra = rng.choice(other.sentences)
        sentences = paraphrase(src["_sentences"], rng, extra)
        published = date.fromisoformat(src["published"]) + timedelta(days=rng.randint(0, 2))
        return {
            "id": f"rewrite/{k:07d}",
            "title": swap_synonyms(src["title"], rng, 0.6),
            "text": _paragraphs(sentences, rng),
            "published": published.isoformat(),
            "source": rng.choice([o for o in OUTLETS if o != src["source"]]),
            "_of": src["id"],
        }

    def meter_record(self, kind: str, k: int) -> dict[str, Any]:
        """A METER text as read (its PA filing time kept; newspapers undated)."""
        article = self.pa[k] if kind == "pa" else self.papers[k].article
        return {
            "id": article.id,
            "title": article.title,
            "text": article.text[article.header :],
            "published": article.published,
            "source": article.outlet,
        }

    def record(self, kind: str, k: int) -> dict[str, Any]:
        """The article of one recipe, as written to the JSONL (private ``_`` fields dropped)."""
        if kind in ("pa", "paper"):
            rec = self.meter_record(kind, k)
        else:
            rec = {"bbc": self.bbc, "gen": self.background, "rewrite": self.rewrite}[kind](k)
        return {key: v for key, v in rec.items() if not key.startswith("_")}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for kind, k in self.plan.order:
            yield self.record(kind, k)

    def truth(self) -> dict[str, Any]:
        """Planted pairs and METER groups."""
        pairs = []
        for k in range(self.plan.n_rewrites):
            kind, index = self.rewrite_source(k)
            source = self.pools.bbc[index].id if kind == "bbc" else f"gen/{index:07d}"
            pairs.append({"source": source, "rewrite": f"rewrite/{k:07d}", "kind": "generated"})
        meter = self.pools.meter if self.pa else None
        groups = {g: [str(a.id) for a in arts] for g, arts in meter.pa.items() if arts} if meter else {}
        derived = []
        for t in self.papers:
            if t.label != "non-derived" and groups.get(t.group):
                derived.append({"id": str(t.article.id), "group": t.group, "label": t.label})
                for pa in groups[t.group]:
                    pairs.append({"source": pa, "rewrite": str(t.article.id), "kind": "meter"})
        p = self.plan
        return {
            "n": p.n,
            "seed": p.seed,
            "counts": {"meter": p.n_meter, "bbc": p.n_bbc, "background": p.n_background, "rewrites": p.n_rewrites},
            "pairs": pairs,
            "meter_groups": groups,
            "meter_derived": derived,
        }


def write_corpus(gen: Generator, out: Path) -> Path:
    """Write the JSONL (temp file, then renamed) and ``<out>.truth.json``; return the truth path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    truth_path = out.with_name(out.name + ".truth.json")
    for path, write in (
        (out, lambda fh: [fh.write(json.dumps(rec, ensure_ascii=False) + "\n") for rec in gen]),
        (truth_path, lambda fh: json.dump(gen.truth(), fh)),
    ):
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".gen-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
        os.replace(tmp, path)
    return truth_path


def main(argv: list[str] | None = None) -> int:
    """Parse flags and write one corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, required=True, help="articles in the corpus")
    parser.add_argument("--out", required=True, help="the JSONL to write (truth beside it)")
    parser.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    parser.add_argument("--data", default=str(DATA), help="the shared data folder")
    parser.add_argument("--no-real", action="store_true", help="leave out METER and the BBC originals")
    args = parser.parse_args(argv)
    pools = load_pools(Path(args.data), include_meter=not args.no_real)
    gen = Generator(pools, args.n, args.seed, include_real=not args.no_real)
    truth = write_corpus(gen, Path(args.out))
    print(f"{args.out}: {args.n} articles; planted pairs in {truth}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
