"""Quality gate on Clough & Stevenson's answers: levels, plagiarised or not, and direction."""

from __future__ import annotations

import pytest

from tests.quality.gate import check
from wiretrace.evaluate.clough import evaluate_clough

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def report(engine, data_dir):
    return evaluate_clough(str(data_dir / "clough-stevenson"), engine)


def test_clough_figures_hold_their_floors(report, data_dir):
    assert check(report, "clough", data_dir / "clough-stevenson") == []


def test_counts_match_the_corpus(report):
    assert report["counts"] == {"answers": 95, "cut": 19, "light": 19, "heavy": 19, "non": 38}


def test_levels_beat_the_containment_baseline_held_out(report):
    assert report["four_level_loo"]["macro_f1"] > report["baseline"]["four_level"]["macro_f1"]


def test_binary_figure_is_flagged_in_sample_with_the_fitting_cv_beside_it(report):
    assert report["binary"]["in_sample"] is True
    assert 0.0 < report["binary"]["fit_cv"]["binary_macro_f1"] <= 1.0


def test_direction_is_judged_on_most_plagiarised_answers(report):
    assert report["direction"]["pairs"] >= 50


def test_accuracies_come_with_intervals_over_writers(report):
    for level in ("four_level", "binary"):
        lo, hi = report[level]["accuracy_ci95"]
        assert lo <= report[level]["accuracy"] <= hi
        assert hi - lo < 0.25  # 19 writers: the 4-level interval is about 0.11 wide
