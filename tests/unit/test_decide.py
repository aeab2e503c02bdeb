"""The verdict rules on real pairs: a rewrite is shown sentence by sentence, or it is not a rewrite."""

from __future__ import annotations

import pytest

from wiretrace.adapters.readers import read_article

pytestmark = pytest.mark.data

# METER showbiz pairs the relation model alone called rewrites with no sentence linked (0% coverage):
# Mirror items sharing words and names with PA's copy, but no sentence.
UNLINKED = [
    ("08.08.99/plaque", "plaque1.txt", "plaque3_mirror.txt"),
    ("12.08.99/blackadder", "blackadder1.txt", "blackadder63_mirror.txt"),
    ("17.04.00/holden", "holden1.txt", "holden111_mirror.txt"),
]


@pytest.mark.parametrize(("group", "wire", "paper"), UNLINKED)
def test_no_linked_sentence_no_rewrite(engine, data_dir, group, wire, paper):
    meter = data_dir / "meter"
    result = engine.compare(
        read_article(meter / "PA" / "rawtexts" / "showbiz" / group / wire),
        read_article(meter / "newspapers" / "rawtexts" / "showbiz" / group / paper),
    )
    assert not result.alignment
    assert result.relation != "rewrite"
    assert result.probabilities["rewrite"] == 0.0
    assert sum(result.probabilities[k] for k in ("rewrite", "same-event", "unrelated")) == pytest.approx(1.0)
