"""Quality gate on METER's dev split: classify, retrieve, align must not regress."""

from __future__ import annotations

import pytest

from tests.quality.gate import check
from wiretrace.evaluate.meter import evaluate_meter

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def report(engine, data_dir):
    return evaluate_meter(str(data_dir / "meter"), engine)


def test_meter_figures_hold_their_floors(report, data_dir):
    assert check(report, "meter", data_dir / "meter") == []


def test_engine_beats_the_simple_baseline_on_ternary_classification(report):
    assert report["classify"]["ternary_macro_f1"] > report["baseline"]["ternary_macro_f1"]


def test_align_beats_labelling_every_token_derived(report):
    assert report["align"]["token_f1"] > report["baseline"]["align_all_derived_token_f1"]
    # by more than the luck of the split: the margin's interval (story groups resampled) is above 0
    assert report["margin"]["align_token_f1"]["ci95"][0] > 0


def test_every_figure_lies_in_its_interval(report):
    for task, name in [("classify", "binary_macro_f1"), ("classify", "ternary_macro_f1"), ("align", "token_f1")]:
        lo, hi = report[task][f"{name}_ci95"]
        assert lo <= report[task][name] <= hi
        assert hi - lo < 0.2
    for margin in report["margin"].values():
        lo, hi = margin["ci95"]
        assert lo <= margin["delta"] <= hi


def test_counts_match_the_split(report):
    assert report["counts"]["newspaper_texts"] == 601
    assert report["counts"]["annotated_texts"] == 291
