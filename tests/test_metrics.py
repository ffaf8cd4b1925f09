"""Metrics against plain references written from their definitions (method reference: Metric conventions)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from debiasood import average_metrics, bootstrap_ci, ood_metrics, ood_metrics_from_labels
from debiasood.core.metrics import _metrics_from_counts, _RankedScores

# ---- plain references ----


def ref_auroc(id_s, ood_s):
    """Mann-Whitney: P(id > ood) + 0.5 P(id == ood), over all pairs."""
    diff = id_s[:, None] - ood_s[None, :]
    return np.mean((diff > 0) + 0.5 * (diff == 0))


def ref_average_precision(pos, neg):
    """Sum over distinct thresholds (descending) of recall increment x precision."""
    ap, prev_recall = 0.0, 0.0
    for t in np.unique(np.r_[pos, neg])[::-1]:
        tp, fp = np.sum(pos >= t), np.sum(neg >= t)
        recall = tp / len(pos)
        ap += (recall - prev_recall) * tp / (tp + fp)
        prev_recall = recall
    return ap


def ref_fpr_paper(id_s, ood_s, level=0.95):
    """OOD acceptance at the threshold whose ID recall is nearest to `level`; ties -> the lower threshold."""
    best = None
    for t in np.unique(np.r_[id_s, ood_s])[::-1]:  # descending thresholds
        recall = np.mean(id_s >= t)
        gap = abs(recall - level)
        if best is None or gap <= best[0]:  # `<=`: a later (lower) threshold wins ties
            best = (gap, np.mean(ood_s >= t))
        if recall == 1.0:
            break
    return best[1]


def ref_openood(id_s, ood_s, level=0.95):
    """OpenOOD v1.5's own sklearn calls (OOD positive, scores negated)."""
    conf = np.r_[id_s, ood_s]
    ood = np.r_[np.zeros(len(id_s)), np.ones(len(ood_s))]
    fpr, tpr, _ = skm.roc_curve(ood, -conf)
    p_in, r_in, _ = skm.precision_recall_curve(1 - ood, conf)
    p_out, r_out, _ = skm.precision_recall_curve(ood, -conf)
    return {"fpr95": fpr[np.argmax(tpr >= level)], "auroc": skm.auc(fpr, tpr),
            "aupr_in": skm.auc(r_in, p_in), "aupr_out": skm.auc(r_out, p_out)}


score_arrays = st.lists(st.integers(-6, 6), min_size=1, max_size=40).map(lambda v: np.array(v, float) / 2)


@given(id_s=score_arrays, ood_s=score_arrays)
@settings(max_examples=200, deadline=None)
def test_paper_convention_matches_references(id_s, ood_s):
    got = ood_metrics(id_s, ood_s, percent=False)
    assert got["auroc"] == pytest.approx(ref_auroc(id_s, ood_s), abs=1e-12)
    assert got["aupr_in"] == pytest.approx(ref_average_precision(id_s, ood_s), abs=1e-12)
    assert got["aupr_out"] == pytest.approx(ref_average_precision(-ood_s, -id_s), abs=1e-12)
    assert got["fpr95"] == pytest.approx(ref_fpr_paper(id_s, ood_s), abs=1e-12)


@given(id_s=score_arrays, ood_s=score_arrays)
@settings(max_examples=200, deadline=None)
def test_openood_convention_matches_openood(id_s, ood_s):
    got = ood_metrics(id_s, ood_s, convention="openood", percent=False)
    for name, value in ref_openood(id_s, ood_s).items():
        assert got[name] == pytest.approx(value, abs=1e-12), name


def test_paper_convention_matches_sklearn_on_continuous_scores():
    rng = np.random.default_rng(0)
    id_s, ood_s = rng.normal(1, 1, 3000), rng.normal(0, 1, 2000)
    got = ood_metrics(id_s, ood_s, percent=False)
    y = np.r_[np.ones(3000), np.zeros(2000)]
    s = np.r_[id_s, ood_s]
    assert got["auroc"] == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert got["aupr_in"] == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)
    assert got["aupr_out"] == pytest.approx(skm.average_precision_score(1 - y, -s), abs=1e-12)
    assert got["fpr95"] == pytest.approx(ref_fpr_paper(id_s, ood_s), abs=1e-12)


def test_the_two_conventions_differ_where_they_should():
    rng = np.random.default_rng(1)
    id_s, ood_s = rng.normal(1, 1, 500), rng.normal(0, 1.5, 500)
    paper, openood = ood_metrics(id_s, ood_s), ood_metrics(id_s, ood_s, convention="openood")
    assert paper["auroc"] == pytest.approx(openood["auroc"], abs=1e-9)
    assert abs(paper["fpr95"] - openood["fpr95"]) > 1.0  # different errors at different operating points


def test_perfect_and_inverted_separation():
    id_s, ood_s = np.array([3.0, 4.0, 5.0]), np.array([0.0, 1.0, 2.0])
    for convention in ("paper", "openood"):
        perfect = ood_metrics(id_s, ood_s, convention=convention)
        assert perfect == {"fpr95": 0.0, "auroc": 100.0, "aupr_in": 100.0, "aupr_out": 100.0}
        inverted = ood_metrics(ood_s, id_s, convention=convention)
        assert inverted["auroc"] == 0.0 and inverted["fpr95"] == 100.0
    assert ood_metrics(np.zeros(4), np.zeros(4), percent=False)["auroc"] == 0.5


def test_infinite_scores_rank_like_extremes():
    got = ood_metrics(np.array([np.inf, np.inf, 1.0]), np.array([-np.inf, 0.0]))
    assert got["auroc"] == 100.0


def test_percent_and_fraction():
    rng = np.random.default_rng(2)
    id_s, ood_s = rng.normal(1, 1, 100), rng.normal(0, 1, 100)
    pct, frac = ood_metrics(id_s, ood_s), ood_metrics(id_s, ood_s, percent=False)
    assert set(pct) == {"fpr95", "auroc", "aupr_in", "aupr_out"}
    for name in pct:
        assert pct[name] == pytest.approx(100 * frac[name])


def test_from_labels():
    scores = np.array([0.9, 0.1, 0.8, 0.3])
    is_id = np.array([True, False, True, False])
    assert ood_metrics_from_labels(scores, is_id) == ood_metrics(scores[is_id], scores[~is_id])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ood_metrics([], [1.0]), "id_scores is empty"),
        (lambda: ood_metrics([1.0], []), "ood_scores is empty"),
        (lambda: ood_metrics([1.0, np.nan], [0.0]), "NaN"),
        (lambda: ood_metrics([[1.0]], [0.0]), "1-D"),
        (lambda: ood_metrics([1.0], [0.0], convention="sklearn"), "convention"),
        (lambda: ood_metrics([1.0], [0.0], recall_level=1.0), "recall_level"),
        (lambda: ood_metrics_from_labels([1.0, 2.0], np.array([True])), "shape"),
        (lambda: ood_metrics_from_labels([1.0, 2.0], np.array([True, True])), "one class"),
        (lambda: ood_metrics_from_labels([1.0, 2.0], np.array([1, 0])), "boolean"),
        (lambda: bootstrap_ci([1.0], [0.0], num_resamples=1), "num_resamples"),
        (lambda: bootstrap_ci([1.0], [0.0], level=95), "level"),
        (lambda: average_metrics({}), "empty"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---- bootstrap ----


@given(seed=st.integers(0, 1000))
@settings(max_examples=30, deadline=None)
def test_weighted_pass_equals_metrics_of_the_resampled_arrays(seed):
    """A replicate's integer counts must give exactly the metrics of the explicitly resampled scores."""
    rng = np.random.default_rng(seed)
    id_s, ood_s = np.round(rng.normal(1, 1, 30), 1), np.round(rng.normal(0, 1, 20), 1)
    id_counts, ood_counts = rng.multinomial(30, np.ones(30) / 30), rng.multinomial(20, np.ones(20) / 20)
    ranked = _RankedScores.build(id_s, ood_s)
    tp, fp = ranked.cumulative_counts(id_counts[None].astype(float), ood_counts[None].astype(float))
    for convention in ("paper", "openood"):
        weighted = _metrics_from_counts(tp, fp, convention, 0.95)
        explicit = ood_metrics(np.repeat(id_s, id_counts), np.repeat(ood_s, ood_counts),
                               convention=convention, percent=False)
        for name, value in explicit.items():
            assert weighted[name][0] == pytest.approx(value, abs=1e-12), (convention, name)


def test_bootstrap_intervals():
    rng = np.random.default_rng(3)
    id_s, ood_s = rng.normal(1, 1, 2000), rng.normal(0, 1, 1500)
    point = ood_metrics(id_s, ood_s)
    ci = bootstrap_ci(id_s, ood_s, num_resamples=300, seed=7)
    assert ci == bootstrap_ci(id_s, ood_s, num_resamples=300, seed=7)
    for name, (low, high) in ci.items():
        assert low < point[name] < high, name
    # The AUROC interval matches its analytic width: Hanley-McNeil SE = 0.79 points here, so 95% ~ 3.1.
    assert 2.6 < ci["auroc"][1] - ci["auroc"][0] < 3.6
    small = bootstrap_ci(id_s[:200], ood_s[:150], num_resamples=300, seed=7)
    assert small["auroc"][1] - small["auroc"][0] > 2 * (ci["auroc"][1] - ci["auroc"][0])


def test_average_metrics():
    per_set = {"a": {"auroc": 90.0, "fpr95": 10.0}, "b": {"auroc": 80.0, "fpr95": 30.0}}
    assert average_metrics(per_set) == {"auroc": 85.0, "fpr95": 20.0}


# ---- bootstrap replicates and the paired bootstrap ----

def _two_sets(seed=3):
    rng = np.random.default_rng(seed)
    return rng.normal(1, 1, 300), {"a": rng.normal(-0.5, 1, 200), "b": rng.normal(0, 1, 150)}


def test_bootstrap_replicates_agree_with_bootstrap_ci_on_one_set():
    from debiasood.core.metrics import bootstrap_replicates, percentile_interval

    id_scores, ood = _two_sets()
    replicates = bootstrap_replicates(id_scores, {"a": ood["a"]}, num_resamples=200, seed=4)
    intervals = bootstrap_ci(id_scores, ood["a"], num_resamples=200, seed=4)
    for metric, (low, high) in intervals.items():
        assert percentile_interval(replicates["a"][metric]) == pytest.approx((low, high), abs=1e-9)


def test_average_replicate_is_the_mean_of_the_sets_on_one_resample():
    from debiasood.core.metrics import bootstrap_replicates

    id_scores, ood = _two_sets()
    replicates = bootstrap_replicates(id_scores, ood, num_resamples=50, seed=1)
    for metric in ("fpr95", "auroc"):
        mean = (replicates["a"][metric] + replicates["b"][metric]) / 2
        np.testing.assert_allclose(replicates["average"][metric], mean)


def test_paired_bootstrap_pairs_the_resamples():
    from debiasood.core.metrics import paired_bootstrap

    id_scores, ood = _two_sets()
    # A monotone transform ranks identically: on every paired resample the difference is exactly 0.
    rows = paired_bootstrap(id_scores, ood, np.exp(id_scores), {k: np.exp(v) for k, v in ood.items()},
                            num_resamples=100)
    assert [r["ood"] for r in rows] == ["a", "a", "b", "b", "average", "average"]
    assert all(r["difference"] == 0 and r["low"] == 0 and r["high"] == 0 for r in rows)
    # A better scorer: FPR95 difference A - B below 0 with its interval, AUROC above.
    better = paired_bootstrap(id_scores + 1, {k: v - 1 for k, v in ood.items()}, id_scores, ood, num_resamples=200)
    for row in better:
        assert row["low"] <= row["difference"] <= row["high"]
        assert (row["high"] < 0) if row["metric"] == "fpr95" else (row["low"] > 0)
    average = [r for r in better if r["ood"] == "average" and r["metric"] == "auroc"][0]
    per_set = [r["difference"] for r in better if r["ood"] != "average" and r["metric"] == "auroc"]
    assert average["difference"] == pytest.approx(np.mean(per_set))


def test_paired_bootstrap_rejects_unpaired_inputs():
    from debiasood.core.metrics import paired_bootstrap

    id_scores, ood = _two_sets()
    with pytest.raises(ValueError, match="same images"):
        paired_bootstrap(id_scores, ood, id_scores[:-1], ood)
    with pytest.raises(ValueError, match="same OOD sets"):
        paired_bootstrap(id_scores, ood, id_scores, {"b": ood["b"], "a": ood["a"]})
    with pytest.raises(ValueError, match="unknown metric"):
        paired_bootstrap(id_scores, ood, id_scores, ood, metrics=("f1",))
    with pytest.raises(ValueError, match="num_resamples"):
        paired_bootstrap(id_scores, ood, id_scores, ood, num_resamples=1)
