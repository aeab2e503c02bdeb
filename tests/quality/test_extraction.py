"""Quality gate: HTML extraction on a fixed sample of the real extraction sets.

Floors are pinned in extraction_floors.json with a digest of the pages and
gold they were measured on; trafilatura's defaults run on the same pages in
the same run, so the margin over them is checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wiretrace.evaluate.extraction import evaluate_extraction

PINNED = json.loads((Path(__file__).with_name("extraction_floors.json")).read_text(encoding="utf-8"))


def _get(report: dict[str, Any], dotted: str) -> float:
    set_name, extractor, *rest = dotted.split(".")
    value: Any = report[set_name][extractor]
    for key in rest:
        value = value[key]
    return float(value)


@pytest.fixture(scope="module")
def report(data_dir: Path) -> dict[str, Any]:
    return evaluate_extraction(data_dir / "extraction", limit=PINNED["limit"], workers=1)


@pytest.mark.data
def test_the_sample_is_the_one_the_floors_were_measured_on(report):
    got = {name: report[name]["digest"] for name in PINNED["digest"]}
    assert got == PINNED["digest"], "pages or gold changed: re-measure and re-pin the floors on purpose"
    assert report["zyte"]["pages"] == report["trafilatura_eval"]["pages"] == PINNED["limit"]


@pytest.mark.data
@pytest.mark.parametrize("metric", sorted(PINNED["floors"]))
def test_reader_stays_above_its_floor(report, metric):
    assert _get(report, metric) >= PINNED["floors"][metric]


@pytest.mark.data
def test_reader_beats_trafilatura_defaults_where_it_was_tuned_to(report):
    zyte, traf = report["zyte"], report["trafilatura_eval"]
    assert zyte["wiretrace"]["tokens"]["f1"] > zyte["trafilatura"]["tokens"]["f1"]
    assert zyte["wiretrace"]["tokens"]["precision"] > zyte["trafilatura"]["tokens"]["precision"]
    # Precision first: less furniture than trafilatura's defaults, on both sets.
    assert traf["wiretrace"]["without_absent"] > traf["trafilatura"]["without_absent"]
    assert traf["wiretrace"]["precision"] > traf["trafilatura"]["precision"]


@pytest.mark.data
def test_every_page_gives_text(report):
    for name in ("zyte", "trafilatura_eval"):
        assert report[name]["wiretrace"]["no_text"] == 0
        assert report[name]["wiretrace_refused"] == {}
