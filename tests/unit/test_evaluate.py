"""Eval helpers on hand-made values: thresholds, the paraphrase scorer, MSRP reading, Clough levels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from wiretrace.cli import main
from wiretrace.errors import InputError
from wiretrace.evaluate.clough import LevelMapping, containment, level_from_shares, link_shares, map_level
from wiretrace.evaluate.metrics import GroupBootstrap, binary_f1, macro_f1
from wiretrace.evaluate.msrp import evaluate_msrp, figures, load_msrp
from wiretrace.evaluate.paraphrase import (
    PARAPHRASE_FEATURES,
    fit_logistic,
    link_probability,
    load_paraphrase_model,
    pair_features,
    sentence_documents,
)
from wiretrace.evaluate.thresholds import best_threshold, cv_threshold, loo_choice, stratified_folds
from wiretrace.types import Article, ArticleView, Comparison, Link, Sentence

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "msrp_sample.tsv"


# group bootstrap

GOLD = ["a", "a", "b", "c", "b", "a", "c", "c", "b", "a"]
PRED = ["a", "b", "b", "c", "a", "a", "c", "b", "b", "a"]
GROUPS = [1, 1, 2, 2, 3, 4, 4, 5, 6, 6]


def test_a_resample_drawing_every_group_once_gives_the_plain_figures():
    boot = GroupBootstrap(GROUPS, resamples=3)
    boot._weights = np.ones((1, 6))
    assert boot.f1(GOLD, PRED, ["a", "b", "c"])[0] == pytest.approx(macro_f1(GOLD, PRED, ["a", "b", "c"]))
    gold, pred = [g == "a" for g in GOLD], [p == "a" for p in PRED]
    assert boot.f1(gold, pred, [True, False], [True])[0] == pytest.approx(binary_f1(gold, pred))


def test_groups_are_drawn_whole():
    boot = GroupBootstrap(GROUPS, resamples=500)
    weights = boot._weights
    assert weights.shape == (500, 6)
    assert (weights.sum(1) == 6).all()  # each resample draws as many groups as there are
    # an item counts as often as its group was drawn: group 1's two items are both in or both out
    counts = boot.f1(["a", "a"] + ["b"] * 8, ["a", "a"] + ["b"] * 8, ["a", "b"], ["a"])
    assert set(np.unique(counts)) <= {0.0, 1.0}
    assert 0.55 < counts.mean() < 0.8  # group 1 drawn in about 1 - (5/6)**6 = 67% of resamples


def test_the_interval_holds_the_figure_and_repeats_with_the_seed():
    one = GroupBootstrap(GROUPS, resamples=400)
    lo, hi = one.interval(one.f1(GOLD, PRED, ["a", "b", "c"]))
    assert lo <= macro_f1(GOLD, PRED, ["a", "b", "c"]) <= hi
    two = GroupBootstrap(GROUPS, resamples=400)
    assert two.interval(two.f1(GOLD, PRED, ["a", "b", "c"])) == (lo, hi)


def test_a_ratio_counts_only_the_items_it_is_over():
    boot = GroupBootstrap(GROUPS, resamples=3)
    boot._weights = np.array([[1.0] * 6, [2.0, 0, 0, 0, 0, 4.0], [0.0] * 6])
    right = [1, 0, 1, 1, 0, 1, 1, 0, 0, 0]
    counted = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]  # the last three items are not over this ratio
    # all once: 5 right of 7; group 1 twice (1 of 2) and group 6 four times (not counted): 2 of 4; nothing drawn: 0
    assert boot.ratio(right, counted).tolist() == pytest.approx([5 / 7, 0.5, 0.0])


def test_no_items_give_figures_of_zero_as_the_plain_ones_do():
    boot = GroupBootstrap([])
    assert boot.interval(boot.f1([], [], [True, False], [True])) == (0.0, 0.0)
    assert boot.interval(boot.ratio([], [])) == (0.0, 0.0)


def test_the_bootstrap_refuses_labels_for_other_items():
    with pytest.raises(ValueError, match="one label per item"):
        GroupBootstrap(GROUPS).f1(GOLD[:-1], PRED[:-1], ["a", "b", "c"])


def test_an_input_error_survives_pickling_whole():
    import pickle

    error = pickle.loads(pickle.dumps(InputError("page.html.gz", "not a readable gzip file")))
    assert (error.where, error.problem, str(error)) == (
        "page.html.gz",
        "not a readable gzip file",
        "page.html.gz: not a readable gzip file",
    )


# thresholds


def test_best_threshold_is_the_midpoint_that_splits_the_classes():
    assert best_threshold(np.array([0.1, 0.4, 0.6, 0.9]), np.array([False, False, True, True])) == 0.5


def test_best_threshold_takes_the_most_items_right_when_classes_overlap():
    scores = np.array([0.1, 0.2, 0.3, 0.5, 0.7, 0.8])
    gold = np.array([False, False, True, False, True, True])
    t = best_threshold(scores, gold)
    assert ((scores >= t) == gold).sum() == 5


def test_cv_threshold_judges_each_fold_with_the_other_folds_threshold():
    scores = np.array([0.2, 0.4, 0.6, 0.8])
    gold = np.array([False, True, False, True])
    result = cv_threshold(scores, gold, np.array([0, 0, 1, 1]))
    # Fold 0 is judged at 0.7 (chosen on 0.6/0.8), fold 1 at 0.3 (chosen on 0.2/0.4): two of four right.
    assert result.thresholds == (0.7, 0.3)
    assert result.pred.tolist() == [False, False, True, True]


def test_stratified_folds_spread_each_label_and_repeat_with_the_seed():
    gold = [1] * 30 + [0] * 10
    folds = stratified_folds(gold, 5, seed=1)
    assert sorted(np.bincount(folds).tolist()) == [8] * 5
    assert all(np.bincount(folds[30:], minlength=5).tolist() == [2] * 5 for _ in range(1))
    assert (stratified_folds(gold, 5, seed=1) == folds).all()
    assert not (stratified_folds(gold, 5, seed=2) == folds).all()


@pytest.mark.parametrize("k", [1, 41])
def test_stratified_folds_reject_an_impossible_k(k):
    with pytest.raises(ValueError, match="folds is out of range"):
        stratified_folds([0, 1] * 20, k, seed=0)


def test_loo_choice_never_lets_an_item_vote_for_its_own_rule():
    rules = np.array([[1, 0, 0, 0], [0, 1, 1, 0]])
    gold = np.array([1, 1, 1, 0])
    held, chosen = loo_choice(rules, gold)
    # Rule 1 is best on all four items (3 right to 2), and would get items 1 and 2 right; but
    # without item 1 (or 2) the rules tie 2 to 2 and the first, which gets it wrong, is chosen.
    assert chosen.tolist() == [1, 0, 0, 1]
    assert held.tolist() == [0, 0, 0, 0]


# the fitted scorer


def test_fit_logistic_matches_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3)) * [1.0, 5.0, 0.2] + [0.0, 2.0, 1.0]
    y = (x @ [1.0, -0.3, 4.0] + rng.normal(size=300)) > 0
    ours = fit_logistic(x, y, l2=1.0)
    z = (x - np.asarray(ours.mean)) / np.asarray(ours.scale)
    ref = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(z, y)
    assert ours.coef == pytest.approx(ref.coef_[0].tolist(), abs=1e-5)
    assert ours.intercept == pytest.approx(float(ref.intercept_[0]), abs=1e-5)


def test_fit_logistic_rejects_a_non_positive_penalty():
    with pytest.raises(ValueError, match="l2=0"):
        fit_logistic(np.zeros((2, 1)), np.array([True, False]), l2=0)


@pytest.fixture(scope="module")
def pair_docs(engine):
    return sentence_documents(
        engine,
        [
            "Police arrested two men after the robbery at the jewellery shop in Leeds.",
            "Two men were arrested by police following the jewellery shop robbery in Leeds.",
            "Shares fell 30 percent after the results on Tuesday.",
            "Shares fell 80 percent after the results on Tuesday.",
        ],
    )


def test_sentence_documents_keep_each_text_as_one_sentence(engine):
    docs = sentence_documents(engine, ["The U.S. Army said so. Then it left."])
    assert len(docs[0].sentences) == 1
    assert docs[0].vectors.shape[0] == 1


def test_pair_features_do_not_depend_on_the_order_of_the_pair(engine, pair_docs):
    a, b = pair_docs[:2]
    _, x_ab, x_ba = link_probability(engine, a, b)
    forward = pair_features(x_ab, x_ba, a, b)
    backward = pair_features(x_ba, x_ab, b, a)
    assert forward.shape == (len(PARAPHRASE_FEATURES),)
    assert forward == pytest.approx(backward)


def test_a_changed_number_is_seen(engine, pair_docs):
    a, b = pair_docs[2:]
    _, x_ab, x_ba = link_probability(engine, a, b)
    f = dict(zip(PARAPHRASE_FEATURES, pair_features(x_ab, x_ba, a, b), strict=True))
    assert f["numbers_differ"] == 1.0
    assert f["numbers_unshared"] == 2.0
    assert f["fact_clash"] == 1.0


def test_a_sentence_paired_with_itself_is_a_sure_paraphrase(engine, pair_docs):
    a = pair_docs[0]
    prob, x_ab, x_ba = link_probability(engine, a, a)
    f = pair_features(x_ab, x_ba, a, a)
    assert prob > 0.9
    assert load_paraphrase_model().probability(f[None, :])[0] > 0.9


def test_shipped_scorer_records_what_it_was_fitted_on():
    model = load_paraphrase_model()
    assert model.features == PARAPHRASE_FEATURES
    assert "MSRP" in model.fitted_on
    assert len(model.data_sha256) == 64


# MSRP reading and the eval on a hand-written sample


def test_load_msrp_reads_labels_and_quotes():
    pairs = load_msrp(SAMPLE)
    assert len(pairs) == 12
    assert [p.is_paraphrase for p in pairs[:2]] == [True, False]
    assert pairs[10].a.startswith('"We will appeal')
    assert len(load_msrp(SAMPLE, limit=3)) == 3


def test_load_msrp_names_the_bad_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA.\tB.\nyes\t3\t4\tC.\tD.\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"bad\.tsv:3: bad row"):
        load_msrp(bad)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (b"1\t3\t4\tC.\tD.\textra\n", "bad row (each row needs 5 tab-separated fields, as the header)"),
        (b"1\t3\t4\tC.\n", "bad row (each row needs 5 tab-separated fields, as the header)"),
        (b"2\t3\t4\tC.\tD.\n", "bad row (Quality '2', not 0 or 1)"),
        (b"1\t3\t4\t \tD.\n", "bad row (an empty sentence)"),
        (b"1\t3\t4\tCaf\xe9.\tD.\n", "undecodable bytes (not UTF-8 text, as MSRP is)"),
    ],
)
def test_load_msrp_says_what_is_wrong_with_a_row(tmp_path, row, problem):
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA.\tB.\n" + row)
    with pytest.raises(InputError) as err:
        load_msrp(bad)
    assert str(err.value) == f"{bad}:3: {problem}"


def test_load_msrp_rejects_a_file_that_is_not_msrp(tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an MSRP file"):
        load_msrp(other)


def test_figures_are_accuracy_and_positive_f1():
    found = figures(np.array([True, True, False, False]), np.array([True, False, False, True]))
    assert {k: found[k] for k in ("accuracy", "f1")} == {"accuracy": 0.5, "f1": 0.5}
    lo, hi = found["accuracy_ci95"]
    assert 0.0 <= lo < 0.5 < hi <= 1.0


def test_evaluate_msrp_on_the_sample(engine):
    report = evaluate_msrp(str(SAMPLE), engine)
    assert report["pairs"] == 12
    assert report["paraphrase_share"] == 0.5
    assert report["baseline"]["majority"]["accuracy"] == 0.5
    assert report["paraphrase_shipped"]["in_sample"] is False
    for key in ("link", "link_cv", "paraphrase_cv", "paraphrase_shipped"):
        assert 0.0 <= report[key]["accuracy"] <= 1.0
    # Hand-made pairs are easy: paraphrases reuse the words, non-paraphrases share a topic at most.
    assert report["paraphrase_shipped"]["accuracy"] >= 0.9


def test_eval_msrp_command_prints_json(capsys):
    assert main(["eval", "msrp", "--data", str(SAMPLE), "--limit", "8", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairs"] == 8
    # the note names the folds this run used (was 10-fold whatever the pairs)
    assert report["folds"] == 8 and "(8-fold, stratified" in report["note"]


def test_eval_clough_command_names_a_folder_that_is_not_the_corpus(tmp_path, capsys):
    assert main(["eval", "clough", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "file_information.csv missing" in err


# Clough levels


@pytest.mark.parametrize(
    ("is_rewrite", "verbatim", "near", "level"),
    [
        (False, 0.9, 0.1, "non"),
        (True, 0.1, 0.0, "cut"),
        (True, 0.09, 0.11, "light"),
        (True, 0.0, 0.19, "heavy"),
        (True, 0.0, 0.0, "heavy"),
    ],
)
def test_level_from_shares(is_rewrite, verbatim, near, level):
    shares = {"verbatim": verbatim, "near-verbatim": near}
    assert level_from_shares(is_rewrite, shares, LevelMapping(min_verbatim=0.1, min_copied=0.2)) == level


def _view(*texts: str) -> ArticleView:
    sentences, pos = [], 0
    for k, text in enumerate(texts):
        sentences.append(Sentence(k, pos, pos + len(text), text))
        pos += len(text) + 1
    return ArticleView(Article(" ".join(texts)), (), tuple(sentences))


def test_link_shares_count_the_derived_sides_words():
    source = _view("One two three four.")
    derived = _view("One two three four.", "Five six.", "Seven eight nine ten eleven twelve.")
    links = (Link((0,), (0,), "verbatim", 1.0), Link((2,), (0,), "near-verbatim", 0.8))
    result = Comparison("rewrite", 0.9, derived, source, "b", "a", "text", "wholly", links, (1,), (), (), {})
    shares = link_shares(result)
    assert shares["verbatim"] == pytest.approx(4 / 12)
    assert shares["near-verbatim"] == pytest.approx(6 / 12)
    assert shares["unlinked"] == pytest.approx(2 / 12)
    assert sum(shares.values()) == pytest.approx(1.0)


def test_map_level_on_real_comparisons(engine, seed_source, seed_rewrite):
    text = "Seoul has 450,000 troops. It plans a budget rise of 8 percent next year."
    assert map_level(engine.compare(text, text)) == "cut"
    # The seed rewrite retells the Reuters story in new words: no sentence is kept verbatim.
    assert map_level(engine.compare(seed_source, seed_rewrite)) in {"light", "heavy"}
    assert map_level(engine.compare(text, "The orchestra played Mahler in Vienna on Sunday night.")) == "non"


def test_containment_of_word_trigrams():
    assert containment("a b c d".split(), "a b c x".split()) == 0.5
    assert containment("a b".split(), "a b c".split()) == 0.0


def _meter_split(root: Path, with_pa: bool) -> Path:
    """A one-text split in METER's layout, written here (not a copy of METER)."""
    paper = root / "newspapers" / "rawtexts" / "courts" / "01.01.00" / "harbour" / "harbour1_times.txt"
    paper.parent.mkdir(parents=True)
    paper.write_text((DATA / "harbour_rewrite.txt").read_text(encoding="utf-8"), encoding="utf-8")
    row = {
        "newspaper_file": str(paper.relative_to(root)),
        "group": "courts/01.01.00/harbour",
        "label": "wholly-derived",
    }
    (root / "labels.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    if with_pa:
        wire = root / "PA" / "rawtexts" / "courts" / "01.01.00" / "harbour" / "harbour1.txt"
        wire.parent.mkdir(parents=True)
        wire.write_text((DATA / "harbour_source.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_a_meter_split_without_wire_copy_or_with_undecodable_labels_is_named(tmp_path):
    from wiretrace.evaluate.meter_data import load_meter

    split = _meter_split(tmp_path / "m", with_pa=False)
    with pytest.raises(InputError, match="no PA texts"):
        load_meter(split)
    (split / "labels.jsonl").write_bytes(b"\xff\xfe{}\n")
    with pytest.raises(InputError, match=r"labels.jsonl: undecodable bytes at offset 0"):
        load_meter(split)


def test_eval_meter_on_a_split_too_small_to_cross_validate_skips_the_baseline(tmp_path, engine):
    from wiretrace.evaluate.meter import evaluate_meter

    report = evaluate_meter(str(_meter_split(tmp_path / "m", with_pa=True)), engine)
    assert report["counts"]["newspaper_texts"] == 1
    assert "skipped" in report["baseline"] and "two story groups" in report["baseline"]["skipped"]
    # no annotated SGML: align is not measured, not a figure of 0
    assert report["align"]["token_f1"] is None and report["align"]["note"].startswith("not measured")
    assert report["margin"] == {}


def test_meter_retrieval_counts_no_hit_it_did_not_rank_and_is_not_measured_without_queries(tmp_path, engine):
    """A derived text sharing no word with its wire copy is not found (was: recall 1.0, the tie order of zero
    scores putting its group first); a split with no derived text has no retrieval figures (was NaN, no JSON)."""
    from wiretrace.evaluate.meter import evaluate_meter

    split = _meter_split(tmp_path / "m", with_pa=True)
    paper = split / "newspapers" / "rawtexts" / "courts" / "01.01.00" / "harbour" / "harbour1_times.txt"
    paper.write_text("Ostriches escaped from a zoo near Birmingham yesterday.\n", encoding="utf-8")
    retrieve = evaluate_meter(str(split), engine)["retrieve"]
    assert retrieve["queries"] == 1 and retrieve["recall_at_1"] == retrieve["recall_at_5"] == retrieve["mrr"] == 0.0
    assert retrieve["index"]["recall_at_5"] == 0.0
    labels = split / "labels.jsonl"
    labels.write_text(labels.read_text(encoding="utf-8").replace("wholly-derived", "non-derived"), encoding="utf-8")
    report = evaluate_meter(str(split), engine)
    json.dumps(report, allow_nan=False)
    for ranked in (report["retrieve"], report["retrieve"]["index"]):
        assert ranked["recall_at_1"] is None and ranked["mrr"] is None and ranked["note"].startswith("not measured")


def test_a_meter_split_is_read_as_a_held_out_copy_may_lay_it_out(tmp_path):
    """Wire copy of a story with no labelled paper (retrieval ranks every PA text), a hidden file, a label
    row given twice, a byte order mark, a text re-encoded as UTF-8, a label outside the layout."""
    from wiretrace.evaluate.meter_data import load_meter

    split = _meter_split(tmp_path / "m", with_pa=True)
    other = split / "PA" / "rawtexts" / "showbiz" / "02.01.00" / "ferry" / "ferry1.txt"
    other.parent.mkdir(parents=True)
    other.write_text("The ferry service to Eastholm will resume on Monday, the operator said.", encoding="utf-8")
    (other.parent / ".DS_Store").write_bytes(b"\x00\x01")
    paper = split / "newspapers" / "rawtexts" / "courts" / "01.01.00" / "harbour" / "harbour1_times.txt"
    paper.write_text("Eastholm\u2019s harbour board approved a \u20ac48 million expansion.\n", encoding="utf-8")
    labels = split / "labels.jsonl"
    row = json.loads(labels.read_text(encoding="utf-8"))
    again = json.dumps({**row, "newspaper_file": "./" + row["newspaper_file"]}).encode() + b"\n"
    labels.write_bytes(b"\xef\xbb\xbf" + labels.read_bytes() * 2 + again)
    loaded = load_meter(split)
    assert sorted(loaded.pa) == ["courts/01.01.00/harbour", "showbiz/02.01.00/ferry"]
    assert [a.id for a in loaded.pa["showbiz/02.01.00/ferry"]] == ["PA/rawtexts/showbiz/02.01.00/ferry/ferry1.txt"]
    (text,) = loaded.newspapers
    assert text.article.text.startswith("Eastholm\u2019s harbour board approved a \u20ac48")
    for outside in ["PA/rawtexts/courts/01.01.00/harbour/harbour1.txt", "newspapers/rawtexts/../../x"]:
        row = {"newspaper_file": outside, "group": "g", "label": "non-derived"}
        labels.write_text(labels.read_text(encoding="utf-8-sig") + json.dumps(row) + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"labels.jsonl:4: .* is not under newspapers/rawtexts/"):
            load_meter(split)
        labels.write_text("".join(labels.read_text(encoding="utf-8").splitlines(True)[:-1]), encoding="utf-8")


def test_a_meter_group_is_read_as_a_path_and_a_bad_one_is_named(tmp_path):
    """A group spelt with a trailing slash or './' is its folder's group (was: a second group holding the same
    wire copy, ranked in retrieval twice); a group that is no relative path is one line, not a traceback."""
    from wiretrace.evaluate.meter_data import load_meter

    split = _meter_split(tmp_path / "m", with_pa=True)
    labels = split / "labels.jsonl"
    row = json.loads(labels.read_text(encoding="utf-8"))
    labels.write_text(json.dumps({**row, "group": "./" + row["group"] + "/"}) + "\n", encoding="utf-8")
    loaded = load_meter(split)
    assert list(loaded.pa) == ["courts/01.01.00/harbour"] and len(loaded.pa["courts/01.01.00/harbour"]) == 1
    assert loaded.newspapers[0].group == "courts/01.01.00/harbour"
    for group in [None, 5, "", "/etc", "courts/../../x"]:
        labels.write_text(json.dumps({**row, "group": group}) + "\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"labels.jsonl:1: bad label row \(group .* is no domain/date/catchline"):
            load_meter(split)


def test_a_clough_listing_without_answers_is_named(tmp_path):
    from wiretrace.evaluate.clough_data import load_clough

    (tmp_path / "file_information.csv").write_text("File,Task,Category\n", encoding="utf-8")
    with pytest.raises(InputError, match="no answers listed"):
        load_clough(tmp_path)


def test_eval_clough_on_a_subset_names_its_own_writers(tmp_path, engine):
    from wiretrace.evaluate.clough import evaluate_clough

    (tmp_path / "orig_taska.txt").write_bytes((DATA / "harbour_source.txt").read_bytes())
    (tmp_path / "g0pA_taska.txt").write_bytes((DATA / "harbour_rewrite.txt").read_bytes())
    (tmp_path / "g0pB_taska.txt").write_bytes((DATA / "harbour_independent.txt").read_bytes())
    rows = "File,Task,Category\ng0pA_taska.txt,a,heavy\ng0pB_taska.txt,a,non\norig_taska.txt,a,orig\n"
    (tmp_path / "file_information.csv").write_text(rows, encoding="utf-8")
    report = evaluate_clough(str(tmp_path), engine)
    assert report["counts"]["answers"] == 2
    assert "resampling the 2 writers" in report["note"]  # was: 'the 19 writers' whatever the folder held


def test_eval_scan_scores_texts_the_store_keeps_once(tmp_path, engine):
    """Two stories sharing their wire text and a paper's text: the store keeps one of each, and the pair kept
    stands for both stories (was: the second story's paper missed, and --sources crashed on it). A text
    refused at ingest is a miss said as such."""
    import shutil

    from wiretrace.evaluate.scan import evaluate_scan

    split = _meter_split(tmp_path / "m", with_pa=True)
    rows = [json.loads((split / "labels.jsonl").read_text(encoding="utf-8"))]
    for top in ("PA/rawtexts", "newspapers/rawtexts"):
        shutil.copytree(split / top / "courts/01.01.00/harbour", split / top / "courts/02.01.00/harbour")
    rows.append({**rows[0], "newspaper_file": rows[0]["newspaper_file"].replace("01.01.00", "02.01.00")})
    rows[1]["group"] = "courts/02.01.00/harbour"
    (split / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = evaluate_scan(str(split), engine, sources=True)
    assert report["counts"]["articles"] == 2
    assert report["pairs"]["right"] == 1 and report["pairs"]["wrong"] == 0
    assert report["pairs"]["recall"] == 1.0 and report["pairs"]["expected"] == 2
    assert report["sources"]["first"] == {"own_pa": 2, "other_pa": 0, "not_pa": 0, "none": 0}
    (split / rows[1]["newspaper_file"]).write_text("—\n", encoding="utf-8")
    report = evaluate_scan(str(split), engine, sources=True)
    assert report["pairs"]["missed_by_kind"] == {"not stored (no article text)": 1}
    assert report["sources"]["first"] == {"own_pa": 1, "other_pa": 0, "not_pa": 0, "none": 1}
