"""``wiretrace eval scan``: a corpus scan of METER + background + seeds, scored.

One store holds a METER split (PA texts and newspaper texts), a background set
(the BBC articles, say) and the seed pair; ``scan`` runs over all of it, and
its provenance edges (who was written from whom) are scored:

* **pairs**: an edge is right when it joins a derived newspaper text and a PA
  text of its group, or the two seed articles; wrong when it joins METER and
  the background, the seeds and anything else, texts of different METER
  groups, or a non-derived newspaper text and its group's PA. Edges whose
  truth the data does not give (two PA texts of one group: wire updates; two
  newspaper texts of one group; two background articles) are counted apart and
  left out of precision. Recall is over derived newspaper texts (one edge to a
  PA text of their group suffices) and the seed pair; ``missed_by_kind`` says
  what the scan decided for the derived texts it missed: ``same-event`` (related
  to a PA text of their group, but no rewrite), ``rewrite, no edge`` (a rewrite
  pair with one, but the provenance graph put another source in its place) or
  ``unrelated`` (no related pair with any); ``from_versions`` counts the right
  and wrong edges whose pair was made a rewrite by reading wire versions as
  one (:mod:`wiretrace.wire`). ``precision_ci95`` and ``recall_ci95``: 95%
  intervals from resampling METER's story groups (an edge counts with the
  group of its METER text; the seed pair is one group more), as ``eval meter``.
* **direction**: among right METER edges, the share with the PA text as source;
  also by how the direction was decided (``by_basis``: ``agency`` when the PA
  outlet decided it, ``text`` when the textual model did; run with
  ``WIRETRACE_AGENCY_RULE=false`` for the text alone).
* **sources** (with ``sources=True``, ``--sources``): for each derived
  newspaper text, whether :meth:`~wiretrace.corpus.Corpus.sources` puts a PA
  text of its group first (``recall_at_1``), and what it put first otherwise;
  also for its rewrites alone (``rewrites_only``).
* **stories**: B-cubed F1 of the stories against METER groups, over METER texts
  (a text in no story is a story of its own); and ``largest_background``, the
  most background articles one story holds: unrelated articles of one outlet
  have no labels to score, and a story of dozens of them is links chaining
  reports of many events (see :func:`~wiretrace.core.provenance.cluster_stories`).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wiretrace.adapters.inputs import iter_articles
from wiretrace.adapters.store import SQLiteStore
from wiretrace.corpus import Corpus, store_fingerprint
from wiretrace.errors import InputError
from wiretrace.evaluate.meter_data import NewspaperText, load_meter
from wiretrace.evaluate.metrics import GroupBootstrap
from wiretrace.pipeline import Engine

__all__ = ["evaluate_scan"]


def _ask_sources(
    corpus: Corpus,
    pa_groups: dict[str, set[str]],
    stored_as: dict[str, str],
    derived: list[NewspaperText],
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Where each derived METER text's first source falls: a PA text of its group, another PA text, other, none.

    Counted for ``sources`` as users get it (rewrites and same-event matches)
    and with ``rewrites_only``: the same ranking restricted to rewrites, so it
    is read off the same answer.
    """
    progress(f"sources of {len(derived)} derived METER texts")
    firsts = {kind: {"own_pa": 0, "other_pa": 0, "not_pa": 0, "none": 0} for kind in ("all", "rewrites")}
    started = time.perf_counter()
    for text in derived:
        if str(text.article.id) not in stored_as:
            firsts["all"]["none"] += 1
            firsts["rewrites"]["none"] += 1
            continue
        found = corpus.sources(stored_as[str(text.article.id)])
        rewrites = [m for m in found if m.comparison.relation == "rewrite" or m.versions is not None]
        for kind, matches in (("all", found), ("rewrites", rewrites)):
            top = str(matches[0].article.article.id) if matches else None
            if top is None:
                firsts[kind]["none"] += 1
            elif top not in pa_groups:
                firsts[kind]["not_pa"] += 1
            else:
                firsts[kind]["own_pa" if text.group in pa_groups[top] else "other_pa"] += 1
    n = max(len(derived), 1)
    return {
        "recall_at_1": round(firsts["all"]["own_pa"] / n, 4),
        "queries": len(derived),
        "first": firsts["all"],
        "rewrites_only": {"recall_at_1": round(firsts["rewrites"]["own_pa"] / n, 4), "first": firsts["rewrites"]},
        "mean_ms": round(1000 * (time.perf_counter() - started) / n, 1),
    }


def _bcubed(pred: dict[str, int], gold: dict[str, str]) -> dict[str, float]:
    by_pred: dict[int, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item, story in pred.items():
        by_pred.setdefault(story, set()).add(item)
    for item, group in gold.items():
        by_gold.setdefault(group, set()).add(item)
    precision = recall = 0.0
    for item in gold:
        p = by_pred[pred[item]]
        g = by_gold[gold[item]]
        precision += len(p & g) / len(p)
        recall += len(p & g) / len(g)
    n = len(gold) or 1
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4)}


def evaluate_scan(
    meter: str,
    engine: Engine,
    background: str | None = None,
    seeds: str | None = None,
    db: str | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    sources: bool = False,
) -> dict[str, Any]:
    """Ingest, scan and score; see the module docstring for the definitions.

    Args:
        meter: A METER split folder.
        engine: The engine (its settings set the index too).
        background: A folder of unrelated articles (e.g. BBC), or None.
        seeds: The folder holding the seed pair (``000_*.txt`` source,
            ``002_*.txt`` rewrite), or None.
        db: Store file to use (a temporary one by default).
        progress: Called with a short message at each step.
        sources: Also ask :meth:`~wiretrace.corpus.Corpus.sources` of every
            derived METER text (``sources`` in the result).

    Returns:
        ``data``, ``background``, ``seeds``, ``model``, ``pairs``,
        ``direction``, ``stories``, ``counts`` and ``wall_s`` (and ``sources``).
    """
    started = time.perf_counter()
    seed_files = sorted(Path(seeds).glob("*.txt")) if seeds else []
    if seeds and sum(p.name.startswith(("000_", "002_")) for p in seed_files) != 2:
        raise InputError(seeds, "no seed pair here (one 000_*.txt source and one 002_*.txt rewrite)")
    split = load_meter(meter)
    derived = [t for t in split.newspapers if t.label != "non-derived" and split.pa.get(t.group)]
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(db or str(Path(tmp) / "scan.db"), store_fingerprint(engine.settings))
        corpus = Corpus(store, engine)
        progress("ingest METER")
        meter_texts = [a for arts in split.pa.values() for a in arts] + [t.article for t in split.newspapers]
        # Each text's name in the store: its own id, or the id of the stored text it repeats (same text, same
        # outlet: ingest keeps one). A text refused at ingest (no article text) has none.
        repeats = dict(corpus.ingest(meter_texts).same_as)
        stored = set(store.ids_of(store.iter_rowids()).values())
        named = {i: i if i in stored else repeats.get(i, "") for i in (str(a.id) for a in meter_texts)}
        stored_as = {i: name for i, name in named.items() if name in stored}
        # A wire text two stories share is stored once, and is each story's wire copy.
        pa_groups: dict[str, set[str]] = {}
        for g, arts in split.pa.items():
            for a in arts:
                if str(a.id) in stored_as:
                    pa_groups.setdefault(stored_as[str(a.id)], set()).add(g)
        if background:
            progress("ingest background")
            corpus.ingest(iter_articles([background]))
        if seeds:
            corpus.ingest(iter_articles(seed_files))
        ingest_s = time.perf_counter() - started
        progress(f"scan {store.count()} articles")
        workers = engine.settings.workers or os.cpu_count() or 1
        report = corpus.scan(workers=workers)
        stories = corpus.stories()
        names = {s.rowid: str(s.article.id) for s in store.get_many(store.iter_rowids())}
        with_pa: dict[str, set[tuple[str, str]]] = {}  # text -> (group of a related PA text, relation)
        read_so: set[tuple[int, int]] = set()  # pairs made rewrites by a wire-versions reading
        for record in store.pairs():
            if "versions" in record.summary:
                read_so.add((record.a, record.b))
            for x, y in ((names[record.a], names[record.b]), (names[record.b], names[record.a])):
                for group in pa_groups.get(y, ()):
                    with_pa.setdefault(x, set()).add((group, record.relation))
        n_articles = store.count()
        ranked = _ask_sources(corpus, pa_groups, stored_as, derived, progress) if sources else None
        store.close()

    paper = {str(t.article.id): t for t in split.newspapers if stored_as.get(str(t.article.id)) == str(t.article.id)}
    pa_group = {name: min(groups) for name, groups in pa_groups.items()}  # one story to name it by
    seed_ids = [str(p) for p in seed_files]
    seed_pair = {s for s in seed_ids if Path(s).name.startswith(("000_", "002_"))}

    def kind(name: str) -> str:
        if name in pa_group:
            return "pa"
        if name in paper:
            return "paper"
        return "seed" if name in seed_ids else "background"

    right = 0
    scored: list[tuple[str, bool]] = []  # each scored edge's story group (for the intervals) and whether right
    wrong: dict[str, int] = {}
    unknown: dict[str, int] = {}
    by_reading = {"right": 0, "wrong": 0}

    def miss(why: str, group: str) -> None:
        wrong[why] = wrong.get(why, 0) + 1
        scored.append((group, False))

    linked: set[tuple[str, str]] = set()  # (stored paper, story of a wire text an edge joins it to)
    direction_ok = direction_n = 0
    by_basis: dict[str, list[int]] = {}
    seed_found = False
    for story in stories:
        for e in story.edges:
            s, d = names[e.source or 0], names[e.derived or 0]
            ks, kd = kind(s), kind(d)
            read = (min(e.a, e.b), max(e.a, e.b)) in read_so
            before = (right, sum(wrong.values()))
            pair_kinds = {ks, kd}
            if pair_kinds == {"pa", "paper"}:
                p, n = (s, d) if ks == "pa" else (d, s)
                text = paper[n]
                linked.update((n, group) for group in pa_groups[p])
                if text.group in pa_groups[p] and text.label != "non-derived":
                    right += 1
                    scored.append((text.group, True))
                    direction_n += 1
                    direction_ok += ks == "pa"
                    tally = by_basis.setdefault(e.basis or "text", [0, 0])
                    tally[0] += ks == "pa"
                    tally[1] += 1
                else:
                    miss("pa-paper non-derived" if text.group in pa_groups[p] else "pa-paper other group", text.group)
            elif pair_kinds == {"pa"}:
                if pa_groups[s] & pa_groups[d]:
                    unknown["pa-pa same group"] = unknown.get("pa-pa same group", 0) + 1
                else:
                    miss("pa-pa other group", pa_group[d])
            elif pair_kinds == {"paper"}:
                if paper[s].group == paper[d].group:
                    unknown["paper-paper same group"] = unknown.get("paper-paper same group", 0) + 1
                else:
                    miss("paper-paper other group", paper[d].group)
            elif pair_kinds == {"background"}:
                unknown["background-background"] = unknown.get("background-background", 0) + 1
            elif pair_kinds == {"seed"} and {s, d} == seed_pair:
                right += 1
                scored.append(("seed", True))
                seed_found = True
            else:
                # a METER text's story group; an edge between the seeds and the background counts with the seeds
                group = next(
                    (pa_group[x] if x in pa_group else paper[x].group for x in (d, s) if x in pa_group or x in paper),
                    "seed",
                )
                miss("-".join(sorted(k if k in ("seed", "background") else "meter" for k in (ks, kd))), group)
            if read:
                by_reading["right"] += right - before[0]
                by_reading["wrong"] += sum(wrong.values()) - before[1]
    n_wrong = sum(wrong.values())
    expected = len(derived) + (1 if len(seed_pair) == 2 else 0)
    # A paper the store keeps once (the same text twice) is found when the copy kept is joined to its story's wire.
    found = {str(t.article.id) for t in derived if (stored_as.get(str(t.article.id)), t.group) in linked}
    hits = len(found) + (1 if seed_found else 0)
    expected_items = [(t.group, str(t.article.id) in found) for t in derived]
    if len(seed_pair) == 2:
        expected_items.append(("seed", seed_found))
    # 95% intervals by resampling METER's story groups (the seed pair one more group), as eval meter does
    boot = GroupBootstrap([g for g, _ in scored] + [g for g, _ in expected_items])
    is_edge = [1.0] * len(scored) + [0.0] * len(expected_items)
    precision_ci = boot.interval(boot.ratio([float(ok) for _, ok in scored] + [0.0] * len(expected_items), is_edge))
    recall_ci = boot.interval(
        boot.ratio([0.0] * len(scored) + [float(ok) for _, ok in expected_items], [1.0 - e for e in is_edge])
    )
    missed: dict[str, int] = {}
    for t in derived:
        if str(t.article.id) not in found:
            kept = stored_as.get(str(t.article.id))
            rels = {rel for group, rel in with_pa.get(kept or "", set()) if group == t.group}
            why = "rewrite, no edge" if "rewrite" in rels else "same-event" if rels else "unrelated"
            if kept is None:
                why = "not stored (no article text)"
            missed[why] = missed.get(why, 0) + 1
    story_of = {names[r]: n for n, st in enumerate(stories) for r in st.articles}
    meter_items = {**{p: g for p, g in pa_group.items()}, **{n: t.group for n, t in paper.items()}}
    pred = {item: story_of.get(item, -1 - k) for k, item in enumerate(meter_items)}
    out: dict[str, Any] = {
        "data": str(meter),
        "background": str(background) if background else None,
        "seeds": str(seeds) if seeds else None,
        "model": engine.embedder.name,
        "pairs": {
            "precision": round(right / (right + n_wrong), 4) if right + n_wrong else 0.0,
            "recall": round(hits / expected, 4) if expected else 0.0,
            "precision_ci95": precision_ci,
            "recall_ci95": recall_ci,
            "right": right,
            "wrong": n_wrong,
            "wrong_by_kind": dict(sorted(wrong.items())),
            "missed_by_kind": dict(sorted(missed.items())),
            "from_versions": by_reading,
            "unscored": unknown,
            "expected": expected,
            "seed_pair_found": seed_found,
        },
        "direction": {
            "accuracy": round(direction_ok / direction_n, 4) if direction_n else 0.0,
            "pairs": direction_n,
            "by_basis": {b: {"accuracy": round(ok / n, 4), "pairs": n} for b, (ok, n) in sorted(by_basis.items())},
        },
        "stories": {
            **_bcubed(pred, meter_items),
            "stories": len(stories),
            "largest_background": max(
                (sum(kind(names[r]) == "background" for r in st.articles) for st in stories), default=0
            ),
        },
        "counts": {
            "articles": n_articles,
            "compared_pairs": report.compared,
            "related_pairs": sum(report.found.values()),
            "found": report.found,
            "read_as_versions": report.read_as_versions,
            "from_versions": report.from_versions,
        },
        "ingest_s": round(ingest_s, 1),
        "scan_s": round(report.wall_s, 1),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    if ranked is not None:
        out["sources"] = ranked
    return out
