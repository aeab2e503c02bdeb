"""Quality gate on MSRP's training pairs: the engine's sentence-pair judgement must not regress."""

from __future__ import annotations

import pytest

from tests.quality.gate import check
from wiretrace.evaluate.msrp import evaluate_msrp

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def report(engine, data_dir):
    return evaluate_msrp(str(data_dir / "msrp" / "msr_paraphrase_train.txt"), engine)


def test_msrp_figures_hold_their_floors(report, data_dir):
    assert check(report, "msrp", data_dir / "msrp") == []


def test_every_pair_is_read(report):
    assert report["pairs"] == 4076
    assert report["paraphrase_share"] == pytest.approx(0.6754, abs=1e-4)


def test_fitted_scorer_beats_the_cosine_and_overlap_baselines_held_out(report):
    cv = report["paraphrase_cv"]["accuracy"]
    assert cv > report["baseline"]["cosine_cv"]["accuracy"] + 0.02
    assert cv > report["baseline"]["stem_jaccard_cv"]["accuracy"] + 0.02


def test_link_judgement_beats_the_majority_class(report):
    assert report["link_cv"]["accuracy"] > report["baseline"]["majority"]["accuracy"]


def test_shipped_scorer_says_it_was_fitted_on_this_file(report):
    shipped = report["paraphrase_shipped"]
    assert shipped["in_sample"] is True
    # In-sample and held-out figures of a 25-weight logistic model should be close; a wide gap means overfitting.
    assert abs(shipped["accuracy"] - report["paraphrase_cv"]["accuracy"]) < 0.02
