"""τ: the official settings, the audit estimate and the positive-unlabelled estimate on data with a known τ."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from debiasood.core.tau import (
    bbe_mixture_proportion,
    label_image_affinity,
    official_tau,
    tau_from_false_negatives,
    tau_from_image_affinity,
    tau_from_positive_unlabelled,
)

# ---- the official settings ----


@pytest.mark.parametrize("backbone,id_set,expected", [
    ("ViT-B/16", "imagenet1k", 0.5), ("ViT-B-16", "ImageNet-1K", 0.5), ("ViT-L/14", "imagenet1k", 0.5),
    ("RN50", "imagenet1k", 0.5), ("ViT-B/32", "imagenet1k", 0.12), ("ViT-L/14@336px", "imagenet1k", 0.12),
    ("ViT-L-14-336", "imagenet1k", 0.12), ("ViT-B/16", "ImageNet-A", 1.0), ("ViT-B/32", "imagenet_r", 1.0),
    ("ViT-L/14@336px", "ImageNet-V2", 1.0), ("RN50", "imagenet-sketch", 1.0), ("ViT-B/32", "imagenet10", 0.12),
])
def test_official_tau(backbone, id_set, expected):
    assert official_tau(backbone, id_set) == expected


def test_official_tau_refuses_unknown_backbones():
    with pytest.raises(ValueError, match="has no settings for backbone 'ViT-H/14'"):
        official_tau("ViT-H/14")
    with pytest.raises(TypeError):
        official_tau(16)


# ---- Best Bin Estimation against a loop-by-loop reference ----

def reference_bbe(positives, unlabelled, delta=0.1, gamma=0.01):
    """Garg et al. (2021): minimise the upper confidence bound of q_u(c)/q_p(c) over every threshold c."""
    slack = (1 + gamma) * (math.sqrt(math.log(1 / delta) / (2 * len(positives)))
                           + math.sqrt(math.log(1 / delta) / (2 * len(unlabelled))))
    best = (math.inf, None, None)
    for c in sorted(set(positives) | set(unlabelled)):
        q_p = sum(1 for v in positives if v >= c) / len(positives)
        q_u = sum(1 for v in unlabelled if v >= c) / len(unlabelled)
        if q_p == 0:
            continue
        bound = (q_u + slack) / q_p
        if bound < best[0]:
            best = (bound, q_u / q_p, c)
    return best[1], best[2]


@pytest.mark.parametrize("seed", range(5))
def test_bbe_matches_the_reference(seed):
    rng = np.random.default_rng(seed)
    positives = np.round(rng.normal(1.5, 1, 150), 1)  # rounding makes ties, which both must count alike
    unlabelled = np.round(np.concatenate([rng.normal(1.5, 1, 100), rng.normal(0, 1, 300)]), 1)
    share, threshold = bbe_mixture_proportion(positives, unlabelled)
    expected_share, expected_threshold = reference_bbe(positives.tolist(), unlabelled.tolist())
    assert share == pytest.approx(expected_share, abs=1e-15)
    assert threshold == expected_threshold


def mixture(rng, alpha, n_p=2000, n_u=20000, kind="uniform"):
    """Positives and an unlabelled sample holding a share ``alpha`` of positives; the top bin is pure positive."""
    n_pos = rng.binomial(n_u, alpha)
    if kind == "uniform":
        return rng.uniform(0, 1, n_p), np.concatenate([rng.uniform(0, 1, n_pos), rng.uniform(-1, 0.5, n_u - n_pos)])
    return rng.normal(3, 1, n_p), np.concatenate([rng.normal(3, 1, n_pos), rng.normal(0, 1, n_u - n_pos)])


@pytest.mark.parametrize("alpha", [0.05, 0.3, 0.6, 0.9])
@pytest.mark.parametrize("kind", ["uniform", "gaussian"])
def test_positive_unlabelled_recovers_a_known_tau(alpha, kind):
    positives, unlabelled = mixture(np.random.default_rng(1), alpha, kind=kind)
    estimate = tau_from_positive_unlabelled(positives, unlabelled, num_bootstrap=200)
    assert estimate.tau == pytest.approx(1 - alpha, abs=0.05)
    assert estimate.low <= estimate.tau <= estimate.high
    assert estimate.low - 0.02 <= 1 - alpha <= estimate.high + 0.02
    assert estimate.sizes == {"positives": 2000, "unlabelled": 20000}


def test_positive_unlabelled_is_a_lower_bound_when_positives_are_unseparable():
    """With no pure top bin (positives and negatives identically distributed), BBE can only say 'all positive'."""
    rng = np.random.default_rng(2)
    estimate = tau_from_positive_unlabelled(rng.normal(size=3000), rng.normal(size=3000), num_bootstrap=0)
    assert estimate.tau < 0.1  # true tau is 1 in the sense that nothing marks the positives


def test_unlabelled_all_at_the_top_means_no_true_negatives():
    positives = np.linspace(0, 1, 50)
    unlabelled = np.full(50, 1.0)  # every mined label scores like the most ID-like positive
    estimate = tau_from_positive_unlabelled(positives, unlabelled, num_bootstrap=20)
    assert estimate.positive_share == 1.0 and estimate.tau == 0.0 and estimate.low == estimate.high == 0.0


def test_share_stays_in_the_unit_interval():
    rng = np.random.default_rng(4)
    for _ in range(50):
        positives, unlabelled = rng.normal(rng.normal(), 1, 30), rng.normal(rng.normal(), rng.uniform(0.2, 3), 40)
        share, _ = bbe_mixture_proportion(positives, unlabelled)
        assert 0.0 <= share <= 1.0


@pytest.mark.parametrize("positives,unlabelled,message", [
    (np.ones(10), np.ones(10), "every score is the same"),
    (np.array([1.0]), np.arange(5.0), "positive_scores has 1 score"),
    (np.arange(5.0), np.array([]), "unlabelled_scores has 0 score"),
    (np.array([1.0, np.nan]), np.arange(5.0), "contains NaN or inf"),
    (np.ones((3, 2)), np.arange(5.0), "must be a 1-D array"),
    (np.array(["a", "b"]), np.arange(5.0), "must be a 1-D array of numbers"),
])
def test_degenerate_scores_are_refused(positives, unlabelled, message):
    with pytest.raises(ValueError, match=message):
        tau_from_positive_unlabelled(positives, unlabelled)


@pytest.mark.parametrize("options,message", [
    (dict(delta=0.0), "delta must lie in"), (dict(delta=1.0), "delta must lie in"), (dict(gamma=-1), "gamma"),
    (dict(level=1.0), "level must lie in"), (dict(num_bootstrap=-1), "num_bootstrap"),
])
def test_bad_options_are_refused(options, message):
    positives, unlabelled = mixture(np.random.default_rng(0), 0.3, n_p=50, n_u=50)
    with pytest.raises(ValueError, match=message):
        tau_from_positive_unlabelled(positives, unlabelled, **options)


# ---- the audit estimate ----

def test_tau_from_false_negatives():
    marks = np.zeros(1000, dtype=bool)
    marks[:40] = True
    estimate = tau_from_false_negatives(marks, num_bootstrap=2000)
    assert estimate.tau == pytest.approx(0.96) and estimate.positive_share == pytest.approx(0.04)
    # binomial standard error sqrt(0.04 * 0.96 / 1000) = 0.0062: the 95% interval is about +-0.012
    assert estimate.low == pytest.approx(0.96 - 0.0121, abs=0.003)
    assert estimate.high == pytest.approx(0.96 + 0.0121, abs=0.003)
    point = tau_from_false_negatives(marks, num_bootstrap=0)
    assert point.low == point.high == point.tau == pytest.approx(0.96)


@pytest.mark.parametrize("marks,message", [
    (np.array([], dtype=bool), "is empty"), (np.array([0, 1]), "1-D bool array"),
    (np.zeros((2, 2), dtype=bool), "1-D bool array"),
])
def test_tau_from_false_negatives_refuses_bad_marks(marks, message):
    with pytest.raises(ValueError, match=message):
        tau_from_false_negatives(marks)


def test_audit_tau_on_hand_checked_words():
    """umbrella (lemma), dinner table, maul (hyponyms), oven (hypernym) against 2 true negatives: τ = 2/6."""
    from debiasood.data.corpora import load_corpus
    from debiasood.data.label_sets import get_label_set
    from debiasood.data.tau_audit import audit_tau

    dnm, imagenet = load_corpus("dnm"), get_label_set("imagenet1k")
    words = ["umbrella", "dinner table", "maul", "oven", "external carotid artery", "aqueous"]
    corpus = dnm.subset([dnm.words.index(w) for w in words] + [0, 1])  # two more words, not selected
    rows = np.arange(6)
    assert audit_tau(corpus, imagenet, rows, num_bootstrap=0).tau == pytest.approx(2 / 6)
    lemma_only = audit_tau(corpus, imagenet, rows, relations=("lemma",), num_bootstrap=0)
    assert lemma_only.tau == pytest.approx(5 / 6) and lemma_only.method == "WordNet audit (lemma)"
    with pytest.raises(ValueError, match="selected indexes words"):
        audit_tau(corpus, imagenet, np.array([len(corpus)]))


# ---- label-image affinity and the whole estimate on embeddings with a known τ ----

def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_label_image_affinity_matches_a_loop():
    rng = np.random.default_rng(0)
    labels, images = unit(rng.normal(size=(7, 8))), unit(rng.normal(size=(30, 8)))
    expected = [np.mean(sorted((images @ label).tolist(), reverse=True)[:4]) for label in labels]
    np.testing.assert_allclose(label_image_affinity(labels, images, top=4), expected, rtol=1e-12)
    np.testing.assert_allclose(label_image_affinity(torch.from_numpy(labels), images, top=4, chunk_size=2),
                               expected, rtol=1e-12)
    with pytest.raises(ValueError, match="top=31 exceeds the number of images"):
        label_image_affinity(labels, images, top=31)


@pytest.mark.parametrize("tau", [0.5, 0.7, 0.9])
def test_tau_from_image_affinity_recovers_a_known_tau(tau):
    """ID labels and ID images around K class centres; mined labels: a share 1 - τ of near-copies of ID labels
    (false negatives), the rest random directions (true negatives)."""
    rng = np.random.default_rng(3)
    dim, k, per_class, mined = 64, 100, 20, 3000
    centres = unit(rng.normal(size=(k, dim)))
    id_text = unit(centres + 0.3 * rng.normal(size=(k, dim)) / math.sqrt(dim))
    images = unit(np.repeat(centres, per_class, axis=0) + 0.6 * rng.normal(size=(k * per_class, dim)) / math.sqrt(dim))
    n_fn = rng.binomial(mined, 1 - tau)
    false_negatives = unit(centres[rng.integers(0, k, n_fn)] + 0.3 * rng.normal(size=(n_fn, dim)) / math.sqrt(dim))
    negatives = np.concatenate([false_negatives, unit(rng.normal(size=(mined - n_fn, dim)))])
    estimate = tau_from_image_affinity(id_text, negatives, images, num_bootstrap=100)
    assert estimate.tau == pytest.approx(tau, abs=0.06)  # 100 positives: BBE's sampling error is a few points
    assert estimate.low <= tau + 0.01 and tau - 0.01 <= estimate.high
