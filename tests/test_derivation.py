"""Tests of the derivation checks: the debiased estimate, its bias and spread, the hazard map, the clamp."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from debiasood import NonPositivePartitionWarning, dnm_score, partition_negatives, perturbed_positives
from debiasood.book import derivation as d
from debiasood.world.toy import make_toy_world

T = d.TOY_TEMPERATURE


@pytest.fixture(scope="module")
def world():
    # K = 200 and Q = 120 at tau = 0.5: a = 0.2 > 0, the official arithmetic is safe.
    return make_toy_world(num_id_classes=200, num_wild_labels=6_000, num_id_images=100, num_ood_images=100,
                          tau_true=0.5, seed=3)


@pytest.fixture(scope="module")
def estimate_world():
    # Few ID classes and many labels: ~300 false negatives per class keep the Monte-Carlo error of the
    # estimate small next to the bias a misspecified tau causes, so the statistical tests have power.
    return make_toy_world(num_id_classes=20, num_wild_labels=12_000, num_id_images=60, num_ood_images=60,
                          tau_true=0.5, seed=5)


@pytest.fixture(scope="module")
def hazard_world():
    # K = 10, Q = 120, tau = 0.5: a = 0.5 - 120 * 0.5 / 10 = -5.5.
    return make_toy_world(num_id_classes=10, num_wild_labels=6_000, num_id_images=300, num_ood_images=300,
                          tau_true=0.5, seed=4)


def test_group_exp_means_match_a_loop(world):
    groups = partition_negatives(world.wild_labels.shape[0], 50, seed=1)
    images = world.id_images[:5]
    got = d.group_exp_means(images, world.wild_labels, groups, T)
    for i, x in enumerate(images):
        for g, members in enumerate(groups):
            assert got[i, g] == pytest.approx(np.mean(np.exp(world.wild_labels[members] @ x / T)), rel=1e-12)


def test_debiased_estimate_is_the_formula():
    wild = np.array([[2.0, 4.0], [1.0, 3.0]])
    positive = np.array([1.0, 2.0])
    # tau = 0.25: 4 * wild - 3 * positive
    np.testing.assert_allclose(d.debiased_negative_estimate(wild, positive, 0.25), [[5.0, 13.0], [-2.0, 6.0]])
    np.testing.assert_array_equal(d.debiased_negative_estimate(wild, positive, 1.0), wild)


def test_debiased_estimate_rejects_bad_input():
    with pytest.raises(ValueError, match="tau_neg"):
        d.debiased_negative_estimate(np.ones((2, 3)), np.ones(2), 0.0)
    with pytest.raises(ValueError, match="one value per image"):
        d.debiased_negative_estimate(np.ones((2, 3)), np.ones(3), 0.5)


def test_the_estimate_is_what_dnm_score_uses(world):
    """S_DNM = mean_g S_ID / (S_ID + Q Ê_g) with the same positives and groups (no clamp, safe tau)."""
    groups = partition_negatives(world.wild_labels.shape[0], 50, seed=2)
    positives = perturbed_positives(world.id_labels, sigma=world.false_negative_sigma, num_samples=2, seed=5)
    images = np.concatenate([world.id_images[:20], world.ood_images[:20]])
    estimate = d.debiased_negative_estimate(d.group_exp_means(images, world.wild_labels, groups, T),
                                            d.exp_similarity_means(images, positives, T), 0.9)
    s_id = d.exp_similarity_means(images, world.id_labels, T) * world.num_id_classes
    by_hand = np.mean(s_id[:, None] / (s_id[:, None] + groups.shape[1] * estimate), axis=1)
    score = dnm_score(images, world.id_labels, world.wild_labels, tau_neg=0.9, temperature=T, groups=groups,
                      positives=positives, clamp=False)
    np.testing.assert_allclose(score, by_hand, rtol=1e-9)


def _bias_and_standard_error(world, tau, num_samples=300):
    """Per image: mean_g Ê_g(tau) - E_neg, and the standard error of that difference at the true tau."""
    groups = partition_negatives(world.wild_labels.shape[0], 100, seed=0)  # 100 * 120 = M: every label used
    positives = perturbed_positives(world.id_labels, sigma=world.false_negative_sigma, num_samples=num_samples,
                                    seed=11)
    images = np.concatenate([world.id_images, world.ood_images])
    estimate = d.debiased_negative_estimate(d.group_exp_means(images, world.wild_labels, groups, T),
                                            d.exp_similarity_means(images, positives, T), tau).mean(axis=1)
    e_neg = d.exp_similarity_means(images, world.true_negatives, T)
    e_pos = d.exp_similarity_means(images, world.false_negatives, T)
    # At the true tau the error is ((1-tau)/tau) * (mean over the false negatives - mean over the positives).
    fn = np.exp(images @ world.false_negatives.T / T)
    pos = np.exp(images @ positives.T / T)
    tau_true = world.negative_share
    se = (1 - tau_true) / tau_true * np.sqrt(fn.var(axis=1, ddof=1) / fn.shape[1]
                                             + pos.var(axis=1, ddof=1) / pos.shape[1])
    return estimate - e_neg, se, e_pos - e_neg


def test_the_debiased_estimate_is_unbiased_at_the_true_tau(estimate_world):
    bias, se, _ = _bias_and_standard_error(estimate_world, estimate_world.negative_share)
    z = bias / se
    assert np.all(np.abs(z) < 4.5), f"largest |z| = {np.abs(z).max():.2f}"
    # Not a vacuous test: the standard error is small next to the bias of a misspecified tau.
    assert np.median(se / np.abs(_bias_and_standard_error(estimate_world, 0.8)[0])) < 0.25


@pytest.mark.parametrize("assumed", [0.35, 0.8, 1.0])
def test_a_misspecified_tau_biases_the_estimate_in_the_predicted_direction(estimate_world, assumed):
    bias, se, excess = _bias_and_standard_error(estimate_world, assumed)
    # E[Ê] - E_neg = ((tau - tau*) / tau) * (E_pos - E_neg): too large a tau under-corrects.
    expected = (assumed - estimate_world.negative_share) / assumed
    # Where the predicted bias stands clear of the Monte-Carlo noise (all but images with E_pos ~ E_neg),
    # its sign must be the predicted one.
    clear = np.abs(expected * excess) > 3 * se
    assert clear.mean() > 0.6
    assert np.all(np.sign(bias[clear]) == np.sign(expected * excess[clear]))
    np.testing.assert_allclose(np.median(bias / excess), expected, atol=0.03)


def test_bias_curve_is_zero_at_the_true_tau_and_follows_the_theory(estimate_world):
    taus = [0.3, 0.5, 0.8, 1.0]
    curve = d.bias_curve(estimate_world, taus, num_positive_samples=300)
    assert curve.tau_true == 0.5
    np.testing.assert_allclose(curve.theory, [(t - 0.5) / t for t in taus])
    # Tolerances: the per-class Monte-Carlo error of ~300 false negatives is ~7% of E_pos, shared by the
    # images of a class, so a median over 20 classes is good to ~0.02 at the true tau (more below it, where
    # the noise is multiplied by 1/tau).
    for kind in ["ID", "OOD"]:
        assert abs(curve.at(0.5, kind)) < 0.05
        np.testing.assert_allclose(curve.normalised_bias[kind], curve.theory, atol=0.06)
    # For ID images the relative error changes sign at the true tau: over- then under-correction.
    assert curve.relative_error["ID"][0] < 0 < curve.relative_error["ID"][-1]
    assert curve.relative_error["OOD"][0] > 0 > curve.relative_error["OOD"][-1]
    # The K ID labels as positives are closer to ID images than the false negatives: over-correction.
    assert curve.at(0.5, "ID, official positives") < -0.1
    assert curve.inflation_at_one > 2
    with pytest.raises(ValueError, match="not on the curve's grid"):
        curve.at(0.6)


def test_bias_curve_rejects_bad_taus(world):
    for taus in ([0.0, 0.5], [0.5, 1.2], []):
        with pytest.raises(ValueError, match="assumed_taus"):
            d.bias_curve(world, taus)


def test_estimate_variance_falls_as_one_over_q(world):
    curve, negative_share = d.estimate_spread_vs_group_size(world, [30, 60, 120], max_images=40)
    assert curve.expected_ratio(30, 120) == pytest.approx(4 * (1 - 30 / 6000) / (1 - 120 / 6000))
    assert 3.0 < curve.ratio(30, 120) < 5.4
    assert set(negative_share) == {30, 60, 120}
    assert all(0 <= share <= 1 for share in negative_share.values())
    with pytest.raises(ValueError, match="fewer than 2 groups"):
        d.estimate_spread_vs_group_size(world, [60, 4000])
    with pytest.raises(ValueError, match="increasing"):
        d.estimate_spread_vs_group_size(world, [120, 60])


def test_score_spread_falls_with_the_number_of_groups(world):
    curve = d.score_spread_vs_num_groups(world, [1, 16], num_partitions=8, max_images=30)
    assert curve.expected_ratio(1, 16) == pytest.approx(math.sqrt(16 * (1 - 120 / 6000) / (1 - 16 * 120 / 6000)))
    assert 2.0 < curve.ratio(1, 16) < 8.0
    with pytest.raises(ValueError, match="wild"):
        d.score_spread_vs_num_groups(world, [1, 50], num_partitions=2)


def test_hazard_map_agrees_with_hand_computed_coefficients():
    hmap = d.hazard_map(ks=[10, 120, 1000], taus=[0.5, 1.0], group_sizes=[30, 120])
    q120 = 1
    # a = tau - Q (1 - tau) / K
    assert hmap.coefficient[q120, 0, 0] == pytest.approx(0.5 - 120 * 0.5 / 10)  # -5.5
    assert hmap.coefficient[q120, 1, 0] == pytest.approx(0.0)  # K = Q at tau = 0.5: on the boundary
    assert hmap.coefficient[q120, 2, 0] == pytest.approx(0.44)
    assert hmap.coefficient[0, 0, 0] == pytest.approx(-1.0)  # Q = 30, K = 10
    np.testing.assert_allclose(hmap.coefficient[:, :, 1], 1.0)  # tau = 1: NegLabel, a = 1
    assert hmap.safe_tau[q120, 0] == pytest.approx(120 / 130)
    # Q = 120: hazard (a <= 0) at (10, 0.5) and (120, 0.5): 2 of 6 grid points.
    assert hmap.hazard_share(120) == pytest.approx(2 / 6)
    assert hmap.hazard_share(30) == pytest.approx(1 / 6)
    with pytest.raises(ValueError, match="not on the map's grid"):
        hmap.hazard_share(50)


def test_benchmarks_in_hazard():
    assert d.benchmarks_in_hazard(120, 0.5) == ["ImageNet-10", "ImageNet-20", "Oxford-Pet", "ImageNet-100",
                                                "Food-101"]
    assert d.benchmarks_in_hazard(120, 1.0) == []
    # ViT-B/32's tau_ood = 0.12: every K but ImageNet-1K's (a = 0.12 - 120 * 0.88 / 1000 = 0.0144 > 0).
    assert d.benchmarks_in_hazard(120, 0.12) == list(d.BENCHMARK_ID_SIZES)[:-1]


def test_clamp_comparison_shows_the_hazard_and_keeps_the_warning_local(hazard_world):
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        result = d.clamp_comparison(hazard_world, num_groups=50)
    assert not [w for w in leaked if issubclass(w.category, NonPositivePartitionWarning)]
    assert result.coefficient == pytest.approx(-5.5)
    assert result.num_warnings == 1
    assert result.num_pairs == 600 * 50
    assert result.num_nonpositive_pairs > 0
    assert result.warned_pairs == result.num_nonpositive_pairs
    assert result.share_id_nonpositive > result.share_ood_nonpositive
    official, clamped = result.metrics["DNM official (no clamp)"], result.metrics["DNM clamped"]
    assert official["auroc"] < 50 < 90 < clamped["auroc"]
    assert set(result.log_ratio) == {"ID", "OOD"}
    assert result.log_ratio["ID"].size == 300 * 50


def test_clamp_comparison_in_a_safe_world_finds_nothing(world):
    result = d.clamp_comparison(world, num_groups=50)
    assert result.coefficient > 0
    assert result.num_warnings == result.num_nonpositive_pairs == result.warned_pairs == 0
    assert result.share_id_nonpositive == 0.0


def test_closed_form_and_neglabel_identities_hold(world):
    gaps = d.closed_form_gaps(world, num_groups=50)
    assert gaps["closed_form"] < 1e-9
    assert gaps["neglabel"] < 1e-9


def test_temperature_too_small_for_float64_is_refused(world):
    with pytest.raises(ValueError, match="temperature"):
        d.exp_similarity_means(world.id_images, world.id_labels, 1e-3)


def test_figures_are_returned_and_not_left_in_pyplot(world, hazard_world):
    before = plt.get_fignums()
    curve = d.bias_curve(world, [0.5, 1.0], num_groups=50, max_images=10)
    by_q, _ = d.estimate_spread_vs_group_size(world, [60, 120], max_images=10)
    by_g = d.score_spread_vs_num_groups(world, [1, 2], num_partitions=2, max_images=10)
    hmap = d.hazard_map([10, 100, 1000], [0.25, 0.5, 1.0], [30, 120])
    figures = [d.plot_bias_curve(curve), d.plot_spread(by_q, by_g), d.plot_hazard_map(hmap),
               d.plot_clamp_comparison(d.clamp_comparison(hazard_world, num_groups=50))]
    assert all(isinstance(fig, Figure) for fig in figures)
    assert [len(fig.axes) for fig in figures] == [2, 2, 3, 2]  # the hazard map: 2 panels + colour bar
    for fig in figures:
        fig.canvas.draw()  # every label must render (mathtext included)
    assert plt.get_fignums() == before


# --- the identities and the hazard on a feature bundle ------------------------------------------------------

def _unit(rng, n, d):
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _bundle(*, num_id=200, num_words=1000, model="tiny", id_set="imagenet1k", near_id=0, seed=0, d=16):
    """A bundle of random unit vectors: ``num_id`` ID labels, a noun corpus, 40 ID-set images (``near_id`` of
    them close to an ID label) and 30 OOD images. float32, as bundles store them."""
    from debiasood.data.bundle import FeatureBundle, ImageSet, TextSide, make_provenance
    from debiasood.data.corpora import LabelCorpus

    rng = np.random.default_rng(seed)
    ids = _unit(rng, num_id, d)
    words = tuple(f"word{i}" for i in range(num_words))
    corpus = LabelCorpus("random", words, ("noun",) * num_words, ("",) * num_words, ("",) * num_words)
    images = _unit(rng, 40, d)
    images[:near_id] = _unit(rng, near_id, d) * 0.1 + ids[np.arange(near_id) % num_id]
    images = images / np.linalg.norm(images, axis=1, keepdims=True)
    f32 = lambda x: x.astype(np.float32)  # noqa: E731
    text = TextSide(tuple(f"class{i}" for i in range(num_id)), f32(ids), f32(ids), corpus,
                    f32(_unit(rng, num_words, d)))
    provenance = make_provenance(world="real", model=model, pretrained="random weights", dim=d, prompts={},
                                 corpus=corpus, command="pytest")
    return FeatureBundle(provenance, text, {id_set: ImageSet(f32(images)), "ood": ImageSet(f32(_unit(rng, 30, d)))},
                         id_set)


@pytest.mark.parametrize("model, id_set, backbone, expected", [
    ("tiny", "imagenet1k", "auto", ("ViT-B/16", 0.5)),  # not an official backbone: the paper's main one
    ("ViT-B-32", "imagenet1k", "auto", ("ViT-B/32", 0.12)),  # open_clip's name of an official backbone
    ("ViT-L-14-336", "imagenet1k", "auto", ("ViT-L/14@336px", 0.12)),
    ("ViT-B-32", "imagenet1k", "RN50", ("RN50", 0.5)),  # an explicit backbone wins over the model
    ("ViT-B-16", "imagenet-a", "auto", ("ViT-B/16", 1.0)),  # no debiasing with ImageNet-A as ID
])
def test_official_settings_follow_the_bundle(model, id_set, backbone, expected):
    settings, name = d.official_settings(_bundle(num_id=5, num_words=20, model=model, id_set=id_set), backbone)
    assert (name, settings.tau_neg) == expected
    assert (settings.num_groups, settings.temperature) == (100, 0.01)


def test_official_settings_reject_bad_input():
    with pytest.raises(ValueError, match="no settings for backbone 'ViT-H-14'"):
        d.official_settings(_bundle(num_id=5, num_words=20), "ViT-H-14")
    with pytest.raises(ValueError, match="backbone"):
        d.official_settings(_bundle(num_id=5, num_words=20), "")
    with pytest.raises(TypeError, match="FeatureBundle"):
        d.official_settings("a bundle", "auto")


def _reference_pairs(bundle, settings):
    """(a, Q, positive[image, group]) from the formula, image by image and group by group, in float64."""
    rows = bundle.negatives("density", settings)
    negatives = bundle.text.corpus_features[rows].astype(np.float64)
    id_text = bundle.text.id_neglabel.astype(np.float64)
    groups = settings.groups(len(rows))
    k, q, tau, t = id_text.shape[0], len(rows) // settings.num_groups, settings.tau_neg, settings.temperature
    a = tau - q * (1 - tau) / k
    images = np.concatenate([s.features for s in bundle.images.values()]).astype(np.float64)
    positive = np.empty((len(images), len(groups)), dtype=bool)
    for i, x in enumerate(images):
        s_id = np.exp(id_text @ x / t).sum()
        for g, members in enumerate(groups):
            positive[i, g] = a * s_id + np.exp(negatives[members] @ x / t).sum() > 0
    return a, q, positive


def test_feature_identities_hold_on_a_safe_bundle():
    from debiasood.core.evaluation import Settings

    bundle = _bundle()
    settings = Settings(num_groups=10)
    result = d.feature_identities(bundle, settings, backbone="ViT-B/16")
    a, q, positive = _reference_pairs(bundle, settings)
    assert (result.num_id_labels, result.num_negatives, result.group_size) == (200, 230, q)  # 23% of 1000 nouns
    assert q == 23 and result.coefficient == pytest.approx(a) and a > 0
    assert result.safe_tau == pytest.approx(23 / 223)
    assert positive.all() and result.num_nonpositive_pairs == result.warned_pairs == 0
    assert result.num_images == result.num_images_compared == 70
    assert result.closed_form_gap < 1e-9 and result.neglabel_gap < 1e-9
    records = result.records("features_")
    assert records["features_coefficient"] == result.coefficient and "features_closed_form_gap" in records
    rows = result.rows()
    assert [row["check"] for row in rows][:2] == ["ID labels K; DNM's density negatives M in G groups of Q",
                                                  "official tau (ViT-B/16, ID set imagenet1k)"]


def test_feature_identities_count_the_hazard_independently():
    from debiasood.core.evaluation import Settings

    # K = 5, Q = 115, tau = 0.5: a = 0.5 - 115 x 0.5 / 5 = -11; images near an ID label have Z_g <= 0.
    bundle = _bundle(num_id=5, near_id=20, seed=1)
    settings = Settings(num_groups=2)
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        result = d.feature_identities(bundle, settings)
    assert not [w for w in leaked if issubclass(w.category, NonPositivePartitionWarning)]
    a, q, positive = _reference_pairs(bundle, settings)
    assert a == pytest.approx(-11.0) and result.coefficient == pytest.approx(a)
    assert 0 < result.num_nonpositive_pairs == int((~positive).sum()) == result.warned_pairs
    assert result.nonpositive_pair_share == pytest.approx((~positive).mean())
    assert 0 < result.num_images_compared == int(positive.all(axis=1).sum()) < result.num_images
    assert result.closed_form_gap < 1e-9 and result.neglabel_gap < 1e-9


def test_feature_identities_reject_bad_input():
    from debiasood.core.evaluation import Settings

    with pytest.raises(ValueError, match="fewer than num_groups = 100"):
        d.feature_identities(_bundle(num_words=200), Settings(k=10))  # 46 density negatives
    with pytest.raises(TypeError, match="Settings"):
        d.feature_identities(_bundle(num_words=100), {"num_groups": 2})
    with pytest.raises(TypeError, match="FeatureBundle"):
        d.feature_identities(None, Settings())
