"""The kind of a link names how the sentence was reused: read on real METER text."""

from __future__ import annotations

from wiretrace.adapters.readers import read_article


def test_a_sentence_copied_but_for_its_hyphens_is_verbatim(engine, data_dir):
    """The Times copies PA's quote word for word, "strong willed" for "strong-willed" and "grown-Up" for
    "grown up": it had been called a paraphrase ("one source sentence in new words")."""
    meter = data_dir / "meter"
    wire = read_article(meter / "PA/rawtexts/courts/08.12.99/thomas/thomas1young.txt")
    paper = read_article(meter / "newspapers/rawtexts/courts/08.12.99/thomas/thomas343_times.txt")
    result = engine.compare(wire, paper)
    assert result.derived in ("b", None)  # the alignment reads the paper's (b's) sentences against PA's
    copied = next(i for i, s in enumerate(result.b.sentences) if "strong willed" in s.text)
    quoted = next(j for j, s in enumerate(result.a.sentences) if "strong-willed" in s.text)
    (link,) = [link for link in result.alignment if link.derived == (copied,)]
    assert link.source == (quoted,)
    assert link.kind == "verbatim"
