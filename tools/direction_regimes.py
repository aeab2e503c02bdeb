"""How right the direction the text alone gives is, against the probability it prints, by kind of pair.

    python tools/direction_regimes.py --meter ../shared/data/meter --clough ../shared/data/clough-stevenson

With no dates and the news agency rule off, so the text decides: every derived
METER newspaper text against each PA text of its story (the wire copy is the
source), and each Clough & Stevenson answer that is no "non" against its
task's source (the source is the source). Only comparisons called rewrites,
with the direction from the text, count. Prints, for each data set, the share
right against the mean printed direction probability: in all, by printed
probability, and by the share of the side read as the source that the other
uses (``coverage.source``). A measurement, not a fit: nothing is written.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wiretrace import Engine
    from wiretrace.types import Comparison

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

Row = dict[str, float]


def meter_rows(engine: Engine, root: Path) -> list[Row]:
    from wiretrace.evaluate.meter_data import load_meter

    split = load_meter(root)
    rows = []
    for text in split.newspapers:
        if text.label == "non-derived":
            continue
        paper = dataclasses.replace(text.article, published=None, outlet=None)
        for wire in split.pa[text.group]:
            pa = dataclasses.replace(wire, published=None, outlet=None)
            rows.append(_row(engine.compare(pa, paper)))
    return [r for r in rows if r]


def clough_rows(engine: Engine, root: Path) -> list[Row]:
    from wiretrace.evaluate.clough_data import load_clough

    corpus = load_clough(root)
    rows = [
        _row(engine.compare(corpus.sources[answer.task], answer.article))
        for answer in corpus.answers
        if answer.category != "non"
    ]
    return [r for r in rows if r]


def _row(r: Comparison) -> Row:
    """Right (the first text read as the source), printed probability and coverage; empty unless text-decided."""
    if r.relation != "rewrite" or r.direction_basis != "text":
        return {}
    return {"right": float(r.source == "a"), "p": r.probabilities["direction"], "coverage_source": r.coverage["source"]}


def _span(name: str, lo: float, hi: float) -> str:
    return f"{name} in [{lo:g}, " + (f"{hi:g})" if hi <= 1 else "1]")


def table(sets: dict[str, list[Row]]) -> list[str]:
    bins: list[tuple[str, str, float, float]] = [("all", "p", 0.0, 1.01)]
    bins += [(_span("printed p", lo, hi), "p", lo, hi) for lo, hi in ((0.5, 0.7), (0.7, 0.9), (0.9, 1.01))]
    bins += [
        (_span("coverage.source", lo, hi), "coverage_source", lo, hi)
        for lo, hi in ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 1.01))
    ]
    out = [f"{'pairs':<34} {'set':<7} {'n':>5} {'right':>7} {'mean printed p':>15}"]
    for label, key, lo, hi in bins:
        for name, rows in sets.items():
            chosen = [r for r in rows if lo <= r[key] < hi]
            if chosen:
                right = sum(r["right"] for r in chosen) / len(chosen)
                mean_p = sum(r["p"] for r in chosen) / len(chosen)
                out.append(f"{label:<34} {name:<7} {len(chosen):>5} {right:>7.3f} {mean_p:>15.3f}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meter", default=str(DATA / "meter"), help="a METER split folder")
    parser.add_argument("--clough", default=str(DATA / "clough-stevenson"), help="the Clough & Stevenson folder")
    args = parser.parse_args(argv)

    from wiretrace import Engine, Settings

    engine = Engine(Settings(agency_rule=False))
    sets = {"meter": meter_rows(engine, Path(args.meter)), "clough": clough_rows(engine, Path(args.clough))}
    print("\n".join(table(sets)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
