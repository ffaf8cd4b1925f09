"""Tests of the held-out generalisation helpers: scores from sums, the concept split, the paired bootstrap."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from debiasood import NonPositivePartitionWarning, dnm_score, neglabel_score, partition_negatives
from debiasood.book import held_out as gen
from debiasood.core.metrics import ood_metrics
from debiasood.world.simulated import SemanticWorld


def _unit(rng, n, d):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def embeddings():
    rng = np.random.default_rng(0)
    id_text, neg_text = _unit(rng, 30, 24), _unit(rng, 600, 24)
    # Images near the ID labels and near the negatives, so the scores spread and Z_g <= 0 happens for small K.
    images = np.concatenate([id_text[rng.integers(0, 30, 80)] + 0.3 * _unit(rng, 80, 24),
                             neg_text[rng.integers(0, 600, 80)] + 0.3 * _unit(rng, 80, 24)])
    return images / np.linalg.norm(images, axis=1, keepdims=True), id_text, neg_text


# ---------------------------------------------------------------- scores from sums = debiasood.core.scores


@pytest.mark.parametrize("num_groups", [10, 25])
def test_neglabel_from_sums_matches_neglabel_score(embeddings, num_groups):
    images, id_text, neg_text = embeddings
    sums = gen.grouped_sums(images, id_text, neg_text, [num_groups, 7], seed=3, temperature=0.05, chunk_rows=37)
    expected = neglabel_score(images, id_text, neg_text, temperature=0.05, num_groups=num_groups, seed=3)
    np.testing.assert_allclose(gen.neglabel_from_sums(sums, num_groups), expected, rtol=2e-5)


@pytest.mark.parametrize("tau_neg", [0.1, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("num_groups", [10, 40])
def test_dnm_from_sums_matches_clamped_dnm_score(embeddings, tau_neg, num_groups):
    images, id_text, neg_text = embeddings
    sums = gen.grouped_sums(images, id_text, neg_text, [10, 40], seed=1, temperature=0.05)
    expected = dnm_score(images, id_text, neg_text, tau_neg=tau_neg, temperature=0.05, num_groups=num_groups,
                         seed=1)
    np.testing.assert_allclose(gen.dnm_from_sums(sums, num_groups, tau_neg), expected, rtol=2e-5)


def test_dnm_from_sums_without_clamp_matches_the_official_arithmetic(embeddings):
    # float64 on both sides: Z_g subtracts nearly equal terms, so float32 rounding is amplified near Z_g = 0.
    images, id_text, neg_text = (x.astype(np.float64) for x in embeddings)
    few_ids = id_text[:5]  # K = 5, Q = 60, tau = 0.5: a = 0.5 - 60 * 0.5 / 5 = -5.5
    sums = gen.grouped_sums(images, few_ids, neg_text, [10], seed=2, temperature=0.05)
    with pytest.warns(NonPositivePartitionWarning):
        expected = dnm_score(images, few_ids, neg_text, tau_neg=0.5, temperature=0.05, num_groups=10, seed=2,
                             clamp=False)
    got = gen.dnm_from_sums(sums, 10, 0.5, clamp=False)
    assert (got < 0).any(), "the hazard case must produce negative official scores"
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_nonpositive_images_follow_a_s_id_plus_n_g(embeddings):
    images, id_text, neg_text = embeddings
    few_ids, temperature, tau = id_text[:5], 0.1, 0.5
    sums = gen.grouped_sums(images, few_ids, neg_text, [10], seed=4, temperature=temperature)
    groups = partition_negatives(len(neg_text), 10, 4)
    s_id = np.exp(images.astype(np.float64) @ few_ids.T.astype(np.float64) / temperature).sum(1)
    n_g = np.exp(images.astype(np.float64) @ neg_text.T.astype(np.float64) / temperature)[:, groups].sum(2)
    a = tau - groups.shape[1] * (1 - tau) / 5
    expected = (a * s_id[:, None] + n_g <= 0).any(axis=1)
    assert 0 < expected.sum() < len(images)
    np.testing.assert_array_equal(gen.nonpositive_images(sums, 10, tau), expected)
    assert not gen.nonpositive_images(sums, 10, 0.99).any()  # a > 0: never


def test_grouped_sums_rejects_bad_input(embeddings):
    images, id_text, neg_text = embeddings
    with pytest.raises(ValueError, match="group_counts"):
        gen.grouped_sums(images, id_text, neg_text, [])
    with pytest.raises(ValueError, match="neg_text_features"):
        gen.grouped_sums(images, id_text, neg_text[:, :10], [5])
    with pytest.raises(ValueError, match="temperature"):
        gen.grouped_sums(images, id_text, neg_text, [5], temperature=0)
    sums = gen.grouped_sums(images, id_text, neg_text, [5])
    with pytest.raises(ValueError, match="num_groups=7 was not computed"):
        gen.neglabel_from_sums(sums, 7)
    with pytest.raises(ValueError, match="tau_neg"):
        gen.dnm_from_sums(sums, 5, 0.0)


# ---------------------------------------------------------------- configs, grids, choice


def test_config_and_parse_grid_validate():
    assert gen.Config("dnm", 50, 0.3).negatives == "density"
    assert gen.Config("neglabel").negatives == "neglabel" and gen.Config("mcm").negatives is None
    with pytest.raises(ValueError, match="score"):
        gen.Config("csp")
    with pytest.raises(ValueError, match="tau_neg"):
        gen.Config("dnm", 100, 1.5)
    with pytest.raises(ValueError, match="num_groups"):
        gen.Config("dnm", 0)
    assert gen.parse_grid("0.5, 0.1,0.5", "TAU_GRID") == (0.1, 0.5)
    assert gen.parse_grid("200,50", "GROUP_GRID", int) == (50, 200)
    with pytest.raises(ValueError, match="GROUP_GRID"):
        gen.parse_grid("50,1e2", "GROUP_GRID", int)
    with pytest.raises(ValueError, match="TAU_GRID"):
        gen.parse_grid(" ", "TAU_GRID")


def test_grid_and_choice():
    grid = gen.grid_configs((0.5, 1.0), (50, 100))
    assert len(grid) == 2 + 4 and grid["dnm G=100 tau=0.5"] == gen.Config("dnm", 100, 0.5)
    assert gen.grid_name(gen.Config("neglabel", 50)) in grid
    with pytest.raises(ValueError, match="score 'mcm'"):
        gen.grid_name(gen.Config("mcm"))
    rows = [{"score": "dnm", "num_groups": 100, "tau_neg": 0.5, "average": 20.0},
            {"score": "dnm", "num_groups": 50, "tau_neg": 0.7, "average": 19.0},
            {"score": "dnm", "num_groups": 50, "tau_neg": 0.9, "average": 19.0},
            {"score": "neglabel", "num_groups": 100, "tau_neg": 1.0, "average": 15.0}]
    assert gen.choose(rows, "dnm") == gen.Config("dnm", 50, 0.7)  # ties: the first in grid order
    assert gen.choose(rows, "neglabel") == gen.Config("neglabel", 100, 1.0)
    with pytest.raises(ValueError, match="no validation row"):
        gen.choose(rows, "dnm-official")


# ---------------------------------------------------------------- the concept split and the split world


def test_split_concepts_keeps_shared_names_together_and_halves_each_set():
    names = {"a": [f"x{i}" for i in range(10)], "b": [f"x{i}" for i in range(6)] + [f"y{i}" for i in range(6)]}
    splits = gen.split_concepts(names, seed=3)
    for set_name, (val, test) in splits.items():
        assert sorted(np.r_[val, test]) == list(range(len(names[set_name])))
    val_a = {names["a"][i] for i in splits["a"][0]}
    assert len(val_a) == 5
    for i in splits["b"][0]:
        assert names["b"][i] in val_a or names["b"][i].startswith("y")
    for i in splits["b"][1]:
        assert names["b"][i] not in val_a
    assert all(np.array_equal(x, y) for x, y in zip(splits["a"], gen.split_concepts(names, seed=3)["a"],
                                                    strict=True))


def test_split_concepts_rejects_bad_input():
    with pytest.raises(ValueError, match="val_fraction"):
        gen.split_concepts({"a": ["x", "y"]}, val_fraction=1.0)
    with pytest.raises(ValueError, match="'a' leaves a half empty"):
        gen.split_concepts({"a": ["x"]})
    with pytest.raises(ValueError, match="names is empty"):
        gen.split_concepts({})


def test_split_world_holds_the_halves_with_the_same_parameters():
    rng = np.random.default_rng(1)
    world = SemanticWorld({"id": rng.standard_normal((12, 8)), "ood": rng.standard_normal((6, 8))}, id_set="id")
    split = gen.split_world(world, {"ood": (np.array([0, 2, 4]), np.array([1, 3, 5]))})
    assert set(split.sets) == {"id", "ood/val", "ood/test"} and split.params == world.params
    np.testing.assert_allclose(split.concepts["ood/test"], world.concepts["ood"][[1, 3, 5]])
    assert split.images("ood/val", 20, seed=0).features.shape == (20, 9)
    with pytest.raises(ValueError, match="not OOD sets"):
        gen.split_world(world, {"id": (np.array([0]), np.array([1]))})


# ---------------------------------------------------------------- the paired bootstrap of the gain


def _setting(id_scores, ood_scores):
    sets = tuple(ood_scores)
    scores = {"id": id_scores, **ood_scores}
    sizes = {name: len(next(iter(value.values()))) for name, value in scores.items()}
    return gen.SettingScores("demo", "id", sets, 10, sizes, scores, {})


@pytest.fixture(scope="module")
def setting():
    rng = np.random.default_rng(5)
    id_base, ood_a, ood_b = rng.normal(1, 1, 400), rng.normal(-1, 1, 300), rng.normal(0, 1, 300)
    # "good" separates better than "base" everywhere; "noisy" is "base" plus noise.
    return _setting({"base": id_base, "good": id_base + 1, "noisy": id_base + rng.normal(0, 0.1, 400)},
                    {"a": {"base": ood_a, "good": ood_a - 1, "noisy": ood_a + rng.normal(0, 0.1, 300)},
                     "b": {"base": ood_b, "good": ood_b - 1, "noisy": ood_b + rng.normal(0, 0.1, 300)}})


def test_fpr95_gains_verdicts(setting):
    same = gen.fpr95_gains(setting, "base", "base", num_resamples=50)
    assert all(r["gain"] == r["gain_low"] == r["gain_high"] == 0 and r["verdict"] == "vanishes" for r in same)
    better = gen.fpr95_gains(setting, "base", "good", num_resamples=200, seed=1)
    assert [r["ood"] for r in better] == ["a", "b", "average"]
    assert all(r["verdict"] == "holds" and r["gain_low"] <= r["gain"] <= r["gain_high"] for r in better)
    average = gen.summary_row(better)
    assert math.isclose(average["gain"], np.mean([r["gain"] for r in better[:2]]))
    assert all(r["verdict"] == "flips" for r in gen.fpr95_gains(setting, "good", "base", num_resamples=200))
    expected = ood_metrics(setting.scores["id"]["base"], setting.scores["a"]["base"])["fpr95"]
    assert math.isclose(better[0]["fpr95_baseline"], expected)


def test_fpr95_gains_rejects_bad_input(setting):
    with pytest.raises(ValueError, match="method 'csp' was not scored"):
        gen.fpr95_gains(setting, "base", "csp")
    with pytest.raises(ValueError, match="num_resamples"):
        gen.fpr95_gains(setting, "base", "good", num_resamples=1)
    with pytest.raises(ValueError, match="level"):
        gen.fpr95_gains(setting, "base", "good", level=1.0)


def test_verdict_and_summary_row():
    assert gen.verdict(0.1, 2) == "holds" and gen.verdict(-2, -0.1) == "flips" and gen.verdict(-1, 1) == "vanishes"
    assert gen.verdict(0, 0) == "vanishes"
    with pytest.raises(ValueError, match="low <= high"):
        gen.verdict(1, -1)
    with pytest.raises(ValueError, match="no 'average' row"):
        gen.summary_row([{"ood": "a"}, {"ood": "b"}])


# ---------------------------------------------------------------- scoring a setting end to end


def test_score_setting_matches_the_scores_and_flags_the_hazard(embeddings):
    images, id_text, neg_text = embeddings
    few_ids = id_text[:5]
    text = gen.SetText(few_ids, few_ids, {"neglabel": neg_text[:300], "density": neg_text[300:]})
    configs = {"nl": gen.Config("neglabel", 10), "dnm": gen.Config("dnm", 10, 0.5),
               "official": gen.Config("dnm-official", 10, 0.5), "mcm": gen.Config("mcm")}
    setting = gen.score_setting({"id": images[:80], "ood": images[80:]}, "id", text, configs, seed=2,
                                temperature=0.05)
    np.testing.assert_allclose(
        setting.scores["ood"]["dnm"],
        dnm_score(images[80:], few_ids, neg_text[300:], tau_neg=0.5, temperature=0.05, num_groups=10, seed=2),
        rtol=2e-5)
    np.testing.assert_allclose(
        setting.scores["id"]["nl"],
        neglabel_score(images[:80], few_ids, neg_text[:300], temperature=0.05, num_groups=10, seed=2), rtol=2e-5)
    assert setting.num_id_labels == 5 and setting.sizes == {"id": 80, "ood": 80}
    assert setting.nonpositive_share["official"]["id"] > 0  # a = 0.5 - 30 * 0.5 / 5 = -2.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fast path itself never warns
        gen.score_setting({"id": images[:80], "ood": images[80:]}, "id", text, configs, temperature=0.05)
    with pytest.raises(ValueError, match="ID set 'x'"):
        gen.score_setting({"id": images}, "x", text, configs)
    with pytest.raises(ValueError, match="configs is empty"):
        gen.score_setting({"id": images[:80], "ood": images[80:]}, "id", text, {})


def test_tables_and_figures(setting):
    gains = {"demo": {"default": gen.fpr95_gains(setting, "base", "good", num_resamples=20),
                      "tuned": gen.fpr95_gains(setting, "base", "noisy", num_resamples=20)}}
    rows = gen.gain_table([setting], gains, ["default", "tuned"], group_size=120)
    assert len(rows) == 1 and rows[0]["world"] == "simulated" and rows[0]["OOD"] == "average"
    assert rows[0]["a (official)"] == pytest.approx(0.5 - 120 * 0.5 / 10)
    assert len(gen.gain_table([setting], gains, ["default"], group_size=120, per_set=True)) == 3
    with pytest.raises(ValueError, match="comparisons is empty"):
        gen.gain_table([setting], gains, [], group_size=120)
    table = gen.imagenet_table([{"ood": "inaturalist/test", "fpr95_baseline": 10.0, "fpr95_method": 8.0,
                                 "gain": 2.0, "gain_low": 1.0, "gain_high": 3.0, "verdict": "holds"}])
    assert table[0]["world"] == "simulated" and table[0]["DNM, reported (CLIP ViT-B/16)"] == 1.78
    assert isinstance(gen.plot_gains([setting], gains, ["default", "tuned"], reported=8.5), Figure)
    assert isinstance(gen.plot_hazard([setting], {"base": "base", "good": "good"}, group_size=120), Figure)
    val_rows = [{"score": s, "num_groups": g, "tau_neg": t, "average": 10.0 + t}
                for s, g, t in [("neglabel", 100, 1.0), ("dnm", 100, 0.5), ("dnm", 100, 1.0)]]
    chosen = {"dnm": gen.Config("dnm", 100, 0.5)}
    assert isinstance(gen.plot_validation(val_rows, chosen, gen.Config("dnm")), Figure)
