"""Scores against plain float64 references from the method reference's formulas, plus invariances and stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from debiasood import (
    NonPositivePartitionWarning,
    dnm_closed_form_score,
    dnm_coefficient,
    dnm_safe_tau,
    dnm_score,
    mcm_score,
    neglabel_score,
    partition_negatives,
    perturbed_positives,
)


def unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def world(seed: int = 0, n: int = 40, k: int = 12, m: int = 60, d: int = 16):
    rng = np.random.default_rng(seed)
    return unit(rng, n, d), unit(rng, k, d), unit(rng, m, d)


# ---- float64 references, written directly from the method reference (exp without any stabilisation) ----

def ref_mcm(x, pos, t):
    e = np.exp(x @ pos.T / t)
    return (e / e.sum(1, keepdims=True)).max(1)


def ref_neglabel(x, pos, neg, groups, t):
    s_id = np.exp(x @ pos.T / t).sum(1)
    return np.mean([s_id / (s_id + np.exp(x @ neg[g].T / t).sum(1)) for g in groups], axis=0)


def ref_dnm(x, pos, neg, groups, t, tau, positives=None, clamp=False):
    positives = pos if positives is None else positives
    s_id = np.exp(x @ pos.T / t).sum(1)
    q = groups.shape[1]
    e_pos = np.exp(x @ positives.T / t).mean(1)
    out = []
    for g in groups:
        e_neg = np.exp(x @ neg[g].T / t).sum(1) / q / tau - (1 - tau) / tau * e_pos
        if clamp:
            e_neg = np.maximum(e_neg, math.exp(-1 / t))
        out.append(s_id / (s_id + q * e_neg))
    return np.mean(out, axis=0)


def official_loop(x, pos, neg, groups, t, tau):
    """The official get_score loop (main_online.py), transcribed in float64: recomputes the ID sims per group."""
    score = 0
    for g in groups:
        output_pos = np.exp(x @ pos.T / t)
        z1 = output_pos.sum(-1, keepdims=True)
        z2 = (1 / tau) * np.exp(x @ neg[g].T / t).mean(-1, keepdims=True)
        z3 = (1 - tau) / tau * np.exp(x @ pos.T / t).mean(-1, keepdims=True)
        score = score + (output_pos / (z1 + g.size * (z2 - z3))) / len(groups)
    return score.mean(axis=1)


# ---- agreement with the references ----

@pytest.mark.parametrize("t", [1.0, 0.1])
def test_mcm_matches_reference(t):
    x, pos, _ = world()
    np.testing.assert_allclose(mcm_score(x, pos, temperature=t), ref_mcm(x, pos, t), rtol=1e-12)


@pytest.mark.parametrize("t", [0.05, 0.01])
def test_neglabel_matches_reference(t):
    x, pos, neg = world()
    groups = partition_negatives(len(neg), 5, seed=3)
    got = neglabel_score(x, pos, neg, temperature=t, groups=groups)
    np.testing.assert_allclose(got, ref_neglabel(x, pos, neg, groups, t), rtol=1e-10)


@pytest.mark.parametrize("tau", [0.5, 0.8, 1.0])
@pytest.mark.parametrize("clamp", [False, True])
def test_dnm_matches_reference(tau, clamp):
    x, pos, neg = world(n=30, k=40, m=60)  # K = 40 > Q = 12: a > 0, no hazard
    groups = partition_negatives(len(neg), 5, seed=1)
    got = dnm_score(x, pos, neg, tau_neg=tau, temperature=0.05, groups=groups, clamp=clamp)
    np.testing.assert_allclose(got, ref_dnm(x, pos, neg, groups, 0.05, tau, clamp=clamp), rtol=1e-10)


def test_dnm_with_perturbed_positives_matches_reference():
    x, pos, neg = world(k=40)
    positives = perturbed_positives(pos, sigma=0.05, num_samples=3, seed=2)
    groups = partition_negatives(len(neg), 4)
    for clamp in (False, True):
        got = dnm_score(x, pos, neg, tau_neg=0.7, temperature=0.05, groups=groups, positives=positives, clamp=clamp)
        np.testing.assert_allclose(got, ref_dnm(x, pos, neg, groups, 0.05, 0.7, positives, clamp), rtol=1e-10)


def test_official_scale_reproduces_the_official_loop():
    x, pos, neg = world(n=25, k=50, m=80)
    groups = partition_negatives(len(neg), 8, seed=4)
    expected = official_loop(x, pos, neg, groups, 0.02, 0.5)
    got = dnm_score(x, pos, neg, tau_neg=0.5, temperature=0.02, groups=groups, clamp=False, official_scale=True)
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    closed = dnm_closed_form_score(x, pos, neg, tau_neg=0.5, temperature=0.02, groups=groups, official_scale=True)
    np.testing.assert_allclose(closed, expected, rtol=1e-10)


@given(seed=st.integers(0, 10_000), tau=st.floats(0.05, 1.0), t=st.sampled_from([0.01, 0.03, 0.1]),
       k=st.integers(2, 30), groups=st.integers(1, 6))
@settings(max_examples=40, deadline=None)
def test_clamp_off_equals_closed_form(seed, tau, t, k, groups):
    x, pos, neg = world(seed, n=10, k=k, m=24)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonPositivePartitionWarning)  # the hazard regime is part of the test
        general = dnm_score(x, pos, neg, tau_neg=tau, temperature=t, num_groups=groups, clamp=False)
        closed = dnm_closed_form_score(x, pos, neg, tau_neg=tau, temperature=t, num_groups=groups)
    a = dnm_coefficient(k, 24 // groups, tau)
    if a > 1e-6:  # away from a = 0, where both divide by a cancellation
        np.testing.assert_allclose(general, closed, rtol=1e-8)


@given(seed=st.integers(0, 10_000), t=st.sampled_from([0.001, 0.01, 0.1, 1.0]), groups=st.integers(1, 8))
@settings(max_examples=40, deadline=None)
def test_tau_one_is_neglabel_exactly(seed, t, groups):
    x, pos, neg = world(seed, n=12, k=7, m=32)
    nl = neglabel_score(x, pos, neg, temperature=t, num_groups=groups, seed=seed)
    for clamp in (True, False):
        dnm = dnm_score(x, pos, neg, tau_neg=1.0, temperature=t, num_groups=groups, seed=seed, clamp=clamp)
        np.testing.assert_allclose(dnm, nl, rtol=1e-12, atol=1e-300)


# ---- invariances ----

@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_invariant_to_permutations(seed):
    x, pos, neg = world(seed, n=15, k=9, m=30)
    rng = np.random.default_rng(seed)
    groups = partition_negatives(len(neg), 3, seed=seed)
    base = {
        "neglabel": neglabel_score(x, pos, neg, groups=groups, temperature=0.02),
        "dnm": dnm_score(x, pos, neg, groups=groups, temperature=0.02, tau_neg=0.6),
        "mcm": mcm_score(x, pos),
    }
    # Permuting ID labels, and relabelling negatives together with the partition, changes nothing.
    pos_perm = pos[rng.permutation(len(pos))]
    neg_order = rng.permutation(len(neg))
    neg_perm = neg[neg_order]
    groups_perm = np.argsort(neg_order)[groups]
    assert np.array_equal(neg_perm[groups_perm], neg[groups])
    np.testing.assert_allclose(neglabel_score(x, pos_perm, neg_perm, groups=groups_perm, temperature=0.02),
                               base["neglabel"], rtol=1e-12)
    np.testing.assert_allclose(dnm_score(x, pos_perm, neg_perm, groups=groups_perm, temperature=0.02, tau_neg=0.6),
                               base["dnm"], rtol=1e-12)
    np.testing.assert_allclose(mcm_score(x, pos_perm), base["mcm"], rtol=1e-12)
    # Permuting the images permutes the scores; shuffling labels within each group changes nothing.
    image_order = rng.permutation(len(x))
    np.testing.assert_allclose(dnm_score(x[image_order], pos, neg, groups=groups, temperature=0.02, tau_neg=0.6),
                               base["dnm"][image_order], rtol=1e-12)
    within = np.stack([rng.permutation(g) for g in groups])
    np.testing.assert_allclose(neglabel_score(x, pos, neg, groups=within, temperature=0.02),
                               base["neglabel"], rtol=1e-12)


def test_chunking_does_not_change_scores():
    x, pos, neg = world(n=50)
    for score in (lambda **kw: dnm_score(x, pos, neg, num_groups=6, **kw),
                  lambda **kw: neglabel_score(x, pos, neg, num_groups=6, **kw),
                  lambda **kw: mcm_score(x, pos, **kw)):
        np.testing.assert_allclose(score(chunk_size=7), score(chunk_size=None), rtol=1e-13)


def test_same_seed_same_partition_for_id_and_ood():
    x, pos, neg = world(n=20)
    both = neglabel_score(x, pos, neg, num_groups=5, seed=9)
    np.testing.assert_array_equal(neglabel_score(x[:8], pos, neg, num_groups=5, seed=9), both[:8])
    assert not np.allclose(neglabel_score(x, pos, neg, num_groups=5, seed=10), both)


# ---- stability ----

@pytest.mark.parametrize("t", [0.001, 0.01])
def test_extreme_temperatures_and_cosines_stay_finite(t):
    d = 8
    e = np.eye(d)
    # Images that hit an ID label exactly (cos = 1), its antipode (cos = -1), and a negative exactly.
    x = np.stack([e[0], -e[0], e[1], (e[0] + e[1]) / math.sqrt(2)])
    pos = np.stack([e[0], e[2], e[3]])
    neg = np.stack([e[1], -e[1], e[4], e[5], e[6], e[7]])
    for dtype in (np.float32, np.float64):
        args = (x.astype(dtype), pos.astype(dtype), neg.astype(dtype))
        scores = [mcm_score(*args[:2], temperature=t), neglabel_score(*args, temperature=t, num_groups=2),
                  dnm_score(*args, temperature=t, num_groups=2, tau_neg=0.9)]
        for s in scores:
            assert np.isfinite(s).all() and (s >= 0).all() and (s <= 1 + 1e-6).all()
        nl = scores[1]
        assert nl[0] > 0.99 and nl[2] < 0.51  # the ID image is ID, the negative one is not


def test_float32_agrees_with_float64():
    x, pos, neg = world(n=30, k=40)
    s64 = dnm_score(x, pos, neg, num_groups=5)
    s32 = dnm_score(x.astype(np.float32), pos.astype(np.float32), neg.astype(np.float32), num_groups=5)
    assert s32.dtype == np.float32
    np.testing.assert_allclose(s32, s64, rtol=2e-4)


def test_torch_in_torch_out():
    x, pos, neg = (torch.from_numpy(a) for a in world())
    out = dnm_score(x, pos, neg, num_groups=3)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64 and out.shape == (40,)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU on this machine")
def test_gpu_matches_cpu():
    x, pos, neg = world()
    cpu = dnm_score(x, pos, neg, num_groups=3)
    gpu = dnm_score(*(torch.from_numpy(a).cuda() for a in (x, pos, neg)), num_groups=3)
    np.testing.assert_allclose(gpu.cpu().numpy(), cpu, rtol=1e-10)


# ---- the hazard: Z <= 0 when K < Q (1 - tau) / tau ----

def test_hazard_is_detected_and_clamp_fixes_it():
    rng = np.random.default_rng(0)
    k, q, g = 10, 12, 5  # tau = 0.5: a = 0.5 - 12 * 0.5 / 10 = -0.1 < 0
    pos = unit(rng, k, 16)
    neg = unit(rng, q * g, 16)
    # ID images sit on their labels: S_ID dominates N_g, and a * S_ID + N_g < 0.
    x = pos[rng.integers(0, k, 30)] + 0.05 * rng.normal(size=(30, 16))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    assert dnm_coefficient(k, q, 0.5) == pytest.approx(-0.1)
    assert dnm_safe_tau(k, q) == pytest.approx(12 / 22)
    with pytest.warns(NonPositivePartitionWarning, match="Z_g <= 0"):
        official = dnm_score(x, pos, neg, tau_neg=0.5, num_groups=g, clamp=False)
    assert (official < 0).mean() > 0.5
    with pytest.warns(NonPositivePartitionWarning):
        dnm_closed_form_score(x, pos, neg, tau_neg=0.5, num_groups=g)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the clamped form must not warn
        safe = dnm_score(x, pos, neg, tau_neg=0.5, num_groups=g, clamp=True)
    assert np.isfinite(safe).all() and (safe > 0).all() and (safe <= 1).all()


def test_no_warning_in_the_safe_regime():
    x, pos, neg = world(k=40, m=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dnm_score(x, pos, neg, tau_neg=dnm_safe_tau(40, 12) + 0.05, num_groups=5, clamp=False)


# ---- bad input ----

@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tau_neg": 0.0}, "tau_neg"),
        ({"tau_neg": 1.5}, "tau_neg"),
        ({"tau_neg": float("nan")}, "tau_neg"),
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": -1.0}, "temperature"),
        ({"num_groups": 0}, "num_groups"),
        ({"num_groups": 1000}, "exceeds"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"groups": np.array([[0, 1], [1, 2]])}, "twice"),
        ({"groups": np.array([[0, 99]])}, "index negatives"),
        ({"groups": np.array([0.0, 1.0])}, "groups"),
    ],
)
def test_bad_hyper_parameters(kwargs, match):
    x, pos, neg = world()
    with pytest.raises(ValueError, match=match):
        dnm_score(x, pos, neg, **{"num_groups": 5, **kwargs})


def test_bad_embeddings():
    x, pos, neg = world()
    with pytest.raises(ValueError, match="image_features.*2-D"):
        neglabel_score(x[0], pos, neg)
    with pytest.raises(ValueError, match="neg_text_features has embedding dim"):
        neglabel_score(x, pos, neg[:, :8])
    with pytest.raises(ValueError, match="empty"):
        neglabel_score(x, pos[:0], neg)
    bad = x.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or inf in 1 of 40 rows"):
        dnm_score(bad, pos, neg)
    with pytest.raises(ValueError, match="L2-normalised"):
        mcm_score(2 * x, pos)
    with pytest.raises(ValueError, match="floating-point"):
        mcm_score(np.ones((3, 4), dtype=int), pos)
    with pytest.raises(TypeError, match="torch.Tensor or numpy"):
        mcm_score([[1.0, 0.0]], pos)
    with pytest.raises(ValueError, match="sigma"):
        perturbed_positives(pos, sigma=-1)


def test_perturbed_positives():
    _, pos, _ = world()
    same = perturbed_positives(pos, sigma=0.0)
    np.testing.assert_allclose(same, pos, rtol=1e-12)
    noisy = perturbed_positives(pos, sigma=0.1, num_samples=4, seed=1)
    assert noisy.shape == (4 * len(pos), pos.shape[1])
    np.testing.assert_allclose(np.linalg.norm(noisy, axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(noisy, perturbed_positives(pos, sigma=0.1, num_samples=4, seed=1))
    assert not np.array_equal(noisy, perturbed_positives(pos, sigma=0.1, num_samples=4, seed=2))
    # Sample-major layout: row k of each block is a noisy copy of label k (noise norm ~ 0.1 * sqrt(16)).
    nearest_label = (noisy @ pos.T).argmax(axis=1)
    np.testing.assert_array_equal(nearest_label, np.tile(np.arange(len(pos)), 4))


# ---------------------------------------------------------------- DNM's clamped score on the log-odds scale

def _saturating_case(dtype=np.float64):
    """Images near their ID label: with T = 0.01 most groups clamp and S_ID / Z_g rounds to 1."""
    rng = np.random.default_rng(5)

    def unit(n, d=24):
        x = rng.normal(size=(n, d))
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    ids, neg = unit(6), unit(120)
    near = ids[rng.integers(0, 6, 40)] + 0.15 * unit(40)
    images = np.concatenate([near / np.linalg.norm(near, axis=1, keepdims=True), unit(40)])
    return images.astype(dtype), ids.astype(dtype), neg.astype(dtype)


def _exact_complement(images, ids, neg, groups, tau, temperature):
    """1 - S_DNM (clamped, official positives) in 60-digit arithmetic, written from the formula."""
    import mpmath

    mpmath.mp.dps = 60
    out = []
    for x in images:
        s_id = mpmath.fsum(mpmath.exp(mpmath.mpf(float(c)) / temperature) for c in ids @ x)
        mean_pos = s_id / len(ids)
        total = mpmath.mpf(0)
        for group in groups:
            q = len(group)
            n_g = mpmath.fsum(mpmath.exp(mpmath.mpf(float(c)) / temperature) for c in neg[group] @ x)
            e_neg = max(n_g / (tau * q) - (1 - tau) / tau * mean_pos, mpmath.exp(-1 / mpmath.mpf(temperature)))
            total += q * e_neg / (s_id + q * e_neg)
        out.append(total / len(groups))
    return out


def test_log_odds_scale_is_the_clamped_score_without_rounding_ties():
    images, ids, neg = _saturating_case()
    groups = np.arange(120).reshape(6, 20)
    kwargs = dict(tau_neg=0.5, temperature=0.01, groups=groups)
    probability = np.asarray(dnm_score(images, ids, neg, **kwargs))
    log_odds = np.asarray(dnm_score(images, ids, neg, scale="log-odds", **kwargs))
    tied = probability == probability.max()
    assert tied.sum() >= 10, "the case must saturate the probability scale, or it tests nothing"
    assert len(np.unique(log_odds[tied])) == tied.sum()
    # Where the probability is not rounded to 1, the log-odds are its logit.
    free = probability < 1 - 1e-6
    np.testing.assert_allclose(log_odds[free], np.log(probability[free]) - np.log1p(-probability[free]), atol=1e-8)
    # Everywhere, the order is the exact score's: 1 - S_DNM from 60-digit arithmetic ranks the images the same.
    exact = _exact_complement(images, ids, neg, groups, 0.5, 0.01)
    assert list(np.argsort(log_odds, kind="stable")) == sorted(range(len(exact)), key=lambda i: -exact[i])


def test_log_odds_scale_needs_the_clamped_form():
    images, ids, neg = _saturating_case()
    with pytest.raises(ValueError, match="clamp=True"):
        dnm_score(images, ids, neg, num_groups=6, clamp=False, scale="log-odds")
    with pytest.raises(ValueError, match="scale must be one of"):
        dnm_score(images, ids, neg, num_groups=6, scale="logit")
