"""Quality gate on a corpus scan: METER dev + the BBC set + the seed pair in one store."""

from __future__ import annotations

import hashlib

import pytest

from tests.quality.gate import digest, floors, lookup
from wiretrace.evaluate.scan import evaluate_scan

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def report(engine, data_dir):
    return evaluate_scan(str(data_dir / "meter"), engine, str(data_dir / "bbc"), str(data_dir.parent / "seeds"))


def test_scan_figures_hold_their_floors(report, data_dir):
    spec = floors("scan")
    inputs = hashlib.sha256(
        "".join(digest(p) for p in (data_dir / "meter", data_dir / "bbc", data_dir.parent / "seeds")).encode()
    ).hexdigest()
    assert spec["digest"] == inputs, "input data changed: re-measure and re-pin the scan floors"
    low = {k: lookup(report, k) for k, floor in spec["floors"].items() if lookup(report, k) < floor}
    assert low == {}, f"below floors {spec['floors']}"


def test_the_seed_pair_is_found_and_nothing_joins_meter_to_bbc(report):
    assert report["pairs"]["seed_pair_found"]
    assert report["counts"]["articles"] > 3000
