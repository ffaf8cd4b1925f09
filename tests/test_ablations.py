"""debiasood.book.ablations on a small fake world and its bundle: density rows, scores and metrics against float64
references written here from the formulas, the 2 x 2 effects and claims with paired intervals, the OOD-name
filter, sweeps, other corpora, the page's sentences and figures."""

import importlib.util
import json
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from debiasood.book import ablations, nb, verdicts
from debiasood.book.ablations import AblationBench
from debiasood.core.evaluation import Evaluation, Settings
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import perturbed_positives
from debiasood.data.corpora import LabelCorpus
from debiasood.data.feature_store import FeatureStore
from debiasood.data.filters import FilterResult
from debiasood.world.export import simulated_bundle
from debiasood.world.offline import OfflineSetup
from debiasood.world.simulated import SemanticWorld

D = 24
SIZES = {"imagenet1k": 300, "sun": 80, "textures": 80}
SMALL = Settings(k=10, num_groups=5)  # 320 words: 66 density and 47 NegLabel negatives


def unit(rng, n, d=D):
    x = rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class HashEncoder:
    """Deterministic fake text encoder that counts the texts it encodes."""

    id = "fake:ablations-hash"
    dim = D

    def __init__(self):
        self.texts = []

    def encode_texts(self, texts, *, batch_size=None, progress=None, raw=False):
        self.texts.extend(texts)
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(D) for t in texts]
        x = torch.tensor(np.array(rows), dtype=torch.float32)
        return x if raw else torch.nn.functional.normalize(x, dim=-1)


def make_corpus(name, words, pos, synsets=None):
    n = len(words)
    synsets = tuple(f"s{i}.n.01" for i in range(n)) if synsets is None else tuple(synsets)
    return LabelCorpus(name, tuple(words), tuple(pos), synsets, tuple(["x"] * n))


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(3)
    ids = unit(rng, 30)
    concepts = {"imagenet1k": ids, "sun": unit(rng, 6), "textures": unit(rng, 6)}
    corpus_features = np.vstack([unit(rng, 250), concepts["sun"][rng.integers(0, 6, 70)] + 0.3 * unit(rng, 70)])
    corpus_features /= np.linalg.norm(corpus_features, axis=1, keepdims=True)
    corpus = make_corpus("fake", [f"w{i}" for i in range(320)], ["noun"] * 250 + ["adj"] * 70)
    text = {"id_mcm": ids, "id_neglabel": ids, "corpus_features": corpus_features.astype(np.float32)}
    return OfflineSetup(HashEncoder(), SemanticWorld(concepts), text, corpus, None)


@pytest.fixture(scope="module")
def bundle(setup):
    return simulated_bundle(setup, SIZES, seed=1, id_names=[f"class {i}" for i in range(30)])


@pytest.fixture()
def bench(bundle):
    return AblationBench(bundle)


# ---------------------------------------------------------------- float64 references, from the formulas

def reference_rep(features, k):
    """Paper form: Rep(i) = -log sum over the k nearest other words of ||e_i - e_j||^2."""
    e = np.asarray(features, dtype=np.float64)
    d2 = ((e[:, None, :] - e[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    return -np.log(np.sort(d2, axis=1)[:, :k].sum(1))


def reference_density_rows(features, pos, k, quotas):
    """Highest Rep first, int(quota * n_part) per part, nouns then adjectives."""
    rep = reference_rep(features, k)
    pos = np.asarray(pos)
    rows = []
    for part in ("noun", "adj"):
        if part in quotas:
            members = np.flatnonzero(pos == part)
            rows.append(members[np.argsort(-rep[members], kind="stable")][: int(len(members) * quotas[part])])
    return np.concatenate(rows)


def sums(images, id_text, neg, groups, temperature):
    x = np.asarray(images, dtype=np.float64)
    s_id = np.exp(x @ np.asarray(id_text, dtype=np.float64).T / temperature).sum(1)
    n = np.exp(x @ np.asarray(neg, dtype=np.float64).T / temperature)
    return s_id, n[:, groups].sum(2)


def reference_neglabel(images, id_text, neg, groups, temperature=0.01):
    s_id, n_g = sums(images, id_text, neg, groups, temperature)
    return (s_id[:, None] / (s_id[:, None] + n_g)).mean(1)


def reference_dnm(images, id_text, neg, groups, tau, temperature=0.01, positives=None):
    """E_neg = N_g / (tau Q) - (1 - tau) / tau * mean exp(s+/T), clamped at exp(-1/T); Z = S_ID + Q E_neg."""
    s_id, n_g = sums(images, id_text, neg, groups, temperature)
    pos = np.asarray(id_text if positives is None else positives, dtype=np.float64)
    mean_pos = np.exp(np.asarray(images, dtype=np.float64) @ pos.T / temperature).mean(1)
    q = groups.shape[1]
    e_neg = np.maximum(n_g / (tau * q) - (1 - tau) / tau * mean_pos[:, None], np.exp(-1 / temperature))
    return (s_id[:, None] / (s_id[:, None] + q * e_neg)).mean(1)


def reference_auroc(id_scores, ood_scores):
    """P(ID score > OOD score) + P(tie) / 2, by counting pairs, in percent."""
    a, b = np.asarray(id_scores)[:, None], np.asarray(ood_scores)[None, :]
    return 100 * ((a > b).mean() + 0.5 * (a == b).mean())


# ---------------------------------------------------------------- knobs and grids

def test_grids_hold_the_settings_defaults_and_coarse_keeps_the_ends():
    for knob, values in ablations.GRIDS.items():
        default = getattr(Settings(), knob)
        assert default in values, knob
        coarse = ablations.grid(knob, coarse=True)
        assert default in coarse and coarse[0] == values[0] and coarse[-1] == values[-1]
        assert set(coarse) <= set(values) and len(coarse) <= len(values)
    assert ablations.grid("num_groups", upper=861) == (1, 10, 100)
    with pytest.raises(ValueError, match="upper=0.5 is below every num_groups value"):
        ablations.grid("num_groups", upper=0.5)
    with pytest.raises(ValueError, match="knob 'gamma'"):
        ablations.grid("gamma")


# ---------------------------------------------------------------- the bench against the references

@pytest.mark.parametrize("settings", [SMALL, Settings(k=10, label_scale=2.0), Settings(k=3, adj_quota=0.0),
                                      Settings(k=10, noun_quota=0.05, adj_quota=0.6)])
def test_density_rows_match_a_brute_force_reference(bundle, bench, settings):
    text = bundle.text
    expected = reference_density_rows(text.corpus_features, text.corpus.parts_of_speech, settings.k,
                                      settings.density_quotas())
    np.testing.assert_array_equal(bench.negatives("density", settings), expected)


def test_stored_rankings_give_the_same_rows(setup, bundle, tmp_path):
    store = FeatureStore(tmp_path)
    stored = AblationBench(bundle, setup, store)
    for settings in (SMALL, Settings(k=25, label_scale=0.5)):
        np.testing.assert_array_equal(stored.negatives("density", settings),
                                      AblationBench(bundle).negatives("density", settings))
    assert any(tmp_path.rglob("*.safetensors")), "the rankings of the offline world go to the feature store"
    other = OfflineSetup(setup.encoder, setup.world, setup.text, make_corpus("other", ["a", "b"], ["noun"] * 2),
                         None)
    with pytest.raises(ValueError, match="setup's corpus is not the bundle's corpus"):
        AblationBench(bundle, other)


def _sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=np.float64)))


def test_evaluation_scores_match_float64_references(bundle, bench):
    text = bundle.text
    images = np.concatenate([bundle.images[s].features for s in (bundle.id_set, *bundle.ood_sets)])
    density = text.corpus_features[bench.negatives("density", SMALL)]
    neglabel = text.corpus_features[bench.negatives("neglabel", SMALL)]
    noisy = Settings(k=10, num_groups=5, sigma=0.05, num_positive_samples=2, seed=4)
    result = bench.evaluation({"nn": ("neglabel", "neglabel"), "dd": ("density", "dnm")}, SMALL)
    perturbed = bench.evaluation({"dd": ("density", "dnm")}, noisy)
    stacked = {name: np.concatenate([r.scores[name][s] for s in (bundle.id_set, *bundle.ood_sets)])
               for r, name in ((result, "nn"), (result, "dd"))}
    groups_n, groups_d = partition_negatives(len(neglabel), 5, 0), partition_negatives(len(density), 5, 0)
    # The evaluation layer's grouped scores are on the log-odds scale: their sigmoid is the score itself.
    np.testing.assert_allclose(_sigmoid(stacked["nn"]),
                               reference_neglabel(images, text.id_neglabel, neglabel, groups_n), rtol=2e-4)
    np.testing.assert_allclose(_sigmoid(stacked["dd"]),
                               reference_dnm(images, text.id_neglabel, density, groups_d, 0.5), rtol=2e-4)
    positives = perturbed_positives(np.asarray(text.id_neglabel), sigma=0.05, num_samples=2, seed=4)
    expected = reference_dnm(images, text.id_neglabel, density, partition_negatives(len(density), 5, 4), 0.5,
                             positives=np.asarray(positives))
    got = np.concatenate([perturbed.scores["dd"][s] for s in (bundle.id_set, *bundle.ood_sets)])
    np.testing.assert_allclose(_sigmoid(got), expected, rtol=2e-4)
    assert not np.allclose(got, stacked["dd"])  # sigma changes the positives, hence the score


def test_point_is_the_average_over_the_ood_sets(bundle, bench):
    point = bench.point(SMALL)
    scores = bench.evaluation({"dd": ("density", "dnm")}, SMALL).scores["dd"]
    auroc = [reference_auroc(scores[bundle.id_set], scores[s]) for s in bundle.ood_sets]
    assert point["auroc"] == pytest.approx(np.mean(auroc))
    q = point["num_negatives"] // 5
    assert point["num_negatives"] == int(0.23 * 250) + int(0.13 * 70) and point["group_size"] == q
    assert point["coefficient"] == pytest.approx(0.5 - q * 0.5 / 30)  # a = tau - Q (1 - tau) / K
    assert bench.point(SMALL, negatives="neglabel", score="neglabel")["coefficient"] == 1.0
    # NegLabel's mining ignores the density knobs and NegLabel's score ignores tau: one memo entry each.
    before = len(bench._memo)
    bench.point(Settings(k=3, num_groups=5, tau_neg=0.2), negatives="neglabel", score="neglabel")
    bench.point(Settings(k=10, num_groups=5), negatives="neglabel", score="neglabel")
    assert len(bench._memo) == before


def test_tau_one_is_neglabel_on_the_same_negatives(bench):
    # T = 0.1: at 0.01 the fake world's scores saturate at 1 in float32, and the two formulas break ties apart.
    dnm = bench.point(Settings(k=10, num_groups=5, tau_neg=1.0, temperature=0.1))
    neglabel = bench.point(Settings(k=10, num_groups=5, temperature=0.1), score="neglabel")
    assert dnm["fpr95"] == pytest.approx(neglabel["fpr95"]) and dnm["auroc"] == pytest.approx(neglabel["auroc"])


def test_bench_bad_input(bench):
    with pytest.raises(ValueError, match="negatives must be one of"):
        bench.point(SMALL, negatives="csp")
    with pytest.raises(ValueError, match="score must be one of"):
        bench.point(SMALL, score="mcm")
    with pytest.raises(ValueError, match="methods is empty"):
        bench.evaluation({}, SMALL)
    with pytest.raises(TypeError, match="bundle must be a FeatureBundle"):
        AblationBench("not a bundle")


# ---------------------------------------------------------------- the 2 x 2 design and its controls

@pytest.fixture(scope="module")
def study(bundle):
    return ablations.factorial_study(AblationBench(bundle), SMALL, random_seeds=(0, 1, 2), num_resamples=300)


def test_the_study_scores_the_four_cells_and_the_controls(study, bench):
    methods = set(study.result.methods)
    assert set(ablations.CELLS.values()) <= methods
    assert {verdicts.NEGLABEL_AT_DNM_SIZE, verdicts.DNM_OFFICIAL, verdicts.DNM_PROBABILITY,
            *(verdicts.random_label(s) for s in (0, 1, 2))} <= methods
    # The clamped DNM cell is the bench's own DNM point: the same negatives, partition and score.
    assert study.value(verdicts.DNM_CLAMPED, "fpr95") == pytest.approx(bench.point(SMALL)["fpr95"])
    assert study.value(ablations.NEGLABEL_DNM_SCORE, "auroc") == pytest.approx(
        bench.point(SMALL, negatives="neglabel")["auroc"])


def test_effects_are_the_contrasts_of_the_cells(study):
    y = {cell: study.value(method, "fpr95") for cell, method in ablations.CELLS.items()}
    nn, nd, dn, dd = y[("neglabel", "neglabel")], y[("neglabel", "dnm")], y[("density", "neglabel")], \
        y[("density", "dnm")]
    expected = {"negatives": ((dn - nn) + (dd - nd)) / 2, "score": ((nd - nn) + (dd - dn)) / 2,
                "interaction": (dd - dn) - (nd - nn), "both": dd - nn, "score_on_neglabel": nd - nn,
                "score_on_density": dd - dn}
    for name, weights in ablations.EFFECTS.items():
        contrast = study.contrast(weights)["fpr95"]
        assert contrast["value"] == pytest.approx(expected[name]), name
        assert contrast["low"] <= contrast["high"]


def test_a_pair_contrast_is_the_paired_bootstrap_of_the_evaluation_layer(study):
    a, b = verdicts.DNM_OFFICIAL, verdicts.DENSITY_NEGLABEL_SCORE
    mine = study.contrast({a: 1.0, b: -1.0})
    layer = {row["metric"]: row for row in study.result.paired(a, b, num_resamples=300, seed=0)
             if row["ood"] == "average"}
    for metric in ("fpr95", "auroc"):
        assert mine[metric]["value"] == pytest.approx(layer[metric]["difference"])
        assert (mine[metric]["low"], mine[metric]["high"]) == pytest.approx((layer[metric]["low"],
                                                                            layer[metric]["high"]))
        assert mine[metric]["verdict"] == ablations.VERDICT_CODES[
            verdicts.verdict(metric, layer[metric]["low"], layer[metric]["high"])]


def test_the_random_mean_averages_the_seeds(study):
    seeds = [study.value(verdicts.random_label(s), "auroc") for s in (0, 1, 2)]
    assert study.value(ablations.RANDOM_MEAN, "auroc") == pytest.approx(np.mean(seeds))
    claim = study.contrast({verdicts.DENSITY_NEGLABEL_SCORE: 1.0, ablations.RANDOM_MEAN: -1.0})["auroc"]
    assert claim["value"] == pytest.approx(study.value(verdicts.DENSITY_NEGLABEL_SCORE, "auroc") - np.mean(seeds))
    rows = study.claim_rows()
    assert len(rows) == 2 * (len(ablations.CLAIMS) + 6)
    assert all(r["low"] <= r["high"] and r["verdict"] in ablations.VERDICT_CODES for r in rows)


def test_records_name_every_cell_effect_and_claim(study):
    records = study.records()
    for name in ablations.EFFECTS:
        for suffix in ("", "_low", "_high", "_verdict"):
            assert f"effect_{name}_auroc{suffix}" in records
    for name in ablations.CLAIMS:
        assert records[f"{name}_fpr95_verdict"] in (-1, 0, 1)
    assert 0 <= records["saturated_id_density"] <= 100
    brief = study.records("x_", effects=("both",), claims=("density_vs_random",), saturation=False)
    assert set(brief) == {f"x_{m}_{n}_{s}" for m in ("fpr95", "auroc") for n in ("neglabel", "density")
                          for s in ("neglabel", "dnm")} | {
        f"x_{stem}_{m}{suffix}" for stem in ("effect_both", "density_vs_random") for m in ("fpr95", "auroc")
        for suffix in ("", "_low", "_high", "_verdict")}
    with pytest.raises(ValueError, match="unknown effects or claims"):
        study.records(effects=("size",))


def test_saturation_and_noise(study):
    rows = study.saturation_rows()
    assert [r["method"] for r in rows] == [ablations.NEGLABEL_DNM_PROBABILITY, ablations.NEGLABEL_DNM_SCORE,
                                           verdicts.DNM_PROBABILITY, verdicts.DNM_CLAMPED]
    # The probability scale rounds to ties at 1; the default log-odds scale, the same score, does not.
    assert rows[2]["ID at the maximum (%)"] > 5 and rows[3]["ID at the maximum (%)"] < 1
    assert rows[0]["ID at the maximum (%)"] > rows[1]["ID at the maximum (%)"]
    noise = study.noise()
    assert noise["fpr95"] > 0 and noise["auroc"] > 0


def test_study_bad_input(bench):
    with pytest.raises(ValueError, match="random_seeds must be distinct"):
        ablations.factorial_study(bench, SMALL, random_seeds=(1, 1))
    lone = ablations.factorial_study(bench, SMALL, random_seeds=(), num_resamples=50)
    with pytest.raises(ValueError, match="no random-negative seeds"):
        lone.value(ablations.RANDOM_MEAN, "fpr95")


def test_redraws_give_the_spread_of_each_effect(setup, bundle, study, tmp_path):
    draws = [study.result, *ablations.redraws(AblationBench(bundle, setup, FeatureStore(tmp_path)), SIZES, [2, 3],
                                              SMALL)]
    rows = ablations.redraw_effects(draws)
    per_draw = [ablations.point_effects(result)["negatives"]["fpr95"] for result in draws]
    negatives = next(r for r in rows if r["name"] == "negatives")
    assert negatives["draws"] == 3 and negatives["fpr95_sd"] == pytest.approx(np.std(per_draw, ddof=1))
    assert len(set(per_draw)) > 1  # fresh images
    assert ablations.redraw_records(rows)["effect_negatives_fpr95_draw_sd"] == negatives["fpr95_sd"]
    with pytest.raises(ValueError, match="at least 2 draws"):
        ablations.redraw_effects(draws[:1])
    with pytest.raises(ValueError, match="only the offline world can draw new images"):
        ablations.redraws(AblationBench(bundle), SIZES, [2])


# ---------------------------------------------------------------- the OOD sets' own names

def fake_wordnet(senses):
    """An object with nltk's ``reader.synsets(lemma, pos=...)`` answering from ``senses[(lemma, pos)]``."""
    def synsets(lemma, pos):
        return [SimpleNamespace(name=lambda s=s: s) for s in senses.get((lemma, pos), ())]
    return SimpleNamespace(reader=SimpleNamespace(synsets=synsets))


def test_ood_name_filter_removes_names_and_words_sharing_their_synsets():
    words = ["canal", "badlands", "conduit", "stripy", "bamboo forest", "teapot", "zebra"]
    synsets = ["canal.n.03", "badlands.n.01", "duct.n.01", "striped.a.01", "bamboo_forest.n.01", "teapot.n.01",
               "zebra.n.01"]
    corpus = make_corpus("c", words, ["noun"] * 3 + ["adj"] + ["noun"] * 3, synsets)
    wordnet = fake_wordnet({("canal", "n"): ["canal.n.03", "duct.n.01"], ("woven", "a"): ["striped.a.01"]})
    result = ablations.ood_name_filter(corpus, ["sun", "textures"], wordnet=wordnet)
    # 'canal' comes from SUN's "canal (natural)", 'badlands' and 'bamboo forest' are SUN names; 'conduit' and
    # 'stripy' share a synset with a name ('canal', and here the DTD class 'woven').
    assert result.removed == {"name": ("canal", "badlands", "bamboo forest"), "synonym": ("conduit", "stripy")}
    assert [corpus.words[i] for i in result.rows] == ["teapot", "zebra"]
    without_synsets = make_corpus("d", ["canal", "conduit"], ["noun"] * 2, ["", ""])
    assert ablations.ood_name_filter(without_synsets, ["sun"]).removed["name"] == ("canal",)
    with pytest.raises(ValueError, match="ood_sets is empty"):
        ablations.ood_name_filter(corpus, [])


def test_filtered_bench_drops_the_words_and_keeps_the_images(bundle, bench):
    keep = np.ones(len(bundle.text.corpus), dtype=bool)
    dropped = bench.negatives("density", SMALL)[:5]
    keep[dropped] = False
    words = bundle.text.corpus.words
    kept = FilterResult("test", keep, {"name": tuple(words[i] for i in sorted(dropped))})
    assert ablations.leak_counts(bench, kept, SMALL) == {
        "density": 5, "neglabel": int(np.isin(bench.negatives("neglabel", SMALL), dropped).sum())}
    smaller = ablations.filtered_bench(bench, kept)
    assert len(smaller.bundle.text.corpus) == len(words) - 5
    assert not {words[i] for i in dropped} & {smaller.bundle.text.corpus.words[i]
                                              for i in smaller.negatives("density", SMALL)}
    assert smaller.bundle.images[bundle.id_set] is bundle.images[bundle.id_set]
    assert ablations.named_ood_sets(bundle) == ("sun", "textures")


# ---------------------------------------------------------------- sweeps and sensitivity

def test_sweep_rows_and_sensitivity(bench):
    taus = ablations.sweep(bench, "tau_neg", [0.2, 0.5, 1.0], base=SMALL)
    assert [(r["knob"], r["value"], r["default"]) for r in taus] == [
        ("tau_neg", 0.2, False), ("tau_neg", 0.5, True), ("tau_neg", 1.0, False)]
    assert {r["world"] for r in taus} == {bench.label}
    groups = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    table = ablations.sensitivity({"tau_neg": taus, "num_groups": groups}, bench.label)
    fpr = [r["fpr95"] for r in taus]
    tau_row = next(row for row in table if row["knob"] == "tau_neg")
    assert tau_row["fpr95_range"] == pytest.approx(max(fpr) - min(fpr))
    assert tau_row["fpr95_default"] == taus[1]["fpr95"] and tau_row["fpr95_best"] == min(fpr)
    assert table[0]["fpr95_range"] >= table[1]["fpr95_range"]


def test_side_by_side(bench):
    dnm = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    neglabel = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL, negatives="neglabel", score="neglabel")
    rows = ablations.side_by_side(dnm, neglabel)
    assert [r["neglabel_fpr95"] for r in rows] == [r["fpr95"] for r in neglabel]
    with pytest.raises(ValueError, match="same values"):
        ablations.side_by_side(dnm, neglabel[::-1])


def test_sweep_bad_input(bench):
    with pytest.raises(ValueError, match="knob 'G'"):
        ablations.sweep(bench, "G", [1])
    with pytest.raises(ValueError, match="values is empty"):
        ablations.sweep(bench, "k", [])
    with pytest.raises(ValueError, match="tau_neg"):
        ablations.sweep(bench, "tau_neg", [1.5], base=SMALL)
    with pytest.raises(ValueError, match="has no rows"):
        ablations.sensitivity({"k": []}, "x")


# ---------------------------------------------------------------- other corpora

def test_corpus_features_reuse_known_rows_and_encode_the_rest(setup, tmp_path):
    encoder = HashEncoder()
    local = OfflineSetup(encoder, setup.world, setup.text, setup.corpus, None)
    # w0 (noun) is known; w1 as an adjective is a new (word, part) pair; "zebra" is new.
    other = make_corpus("other", ["w0", "w1", "zebra"], ["noun", "adj", "noun"])
    features = ablations.corpus_features(local, other, store=FeatureStore(tmp_path))
    np.testing.assert_array_equal(features[0], setup.text["corpus_features"][0])
    assert sorted(encoder.texts) == ["This is a w1 photo", "the nice zebra"]
    np.testing.assert_allclose(features[2], encoder.encode_texts(["the nice zebra"]).numpy()[0], atol=1e-6)
    again = ablations.corpus_features(local, other, store=FeatureStore(tmp_path))
    assert len(encoder.texts) == 3  # the two encoded above, plus the direct check: the rest came from the store
    np.testing.assert_array_equal(features, again)


def test_corpus_rows_compare_both_methods_on_each_corpus(setup, bundle, tmp_path):
    store = FeatureStore(tmp_path)
    bench = AblationBench(bundle, setup, store)
    other = make_corpus("other", [f"v{i}" for i in range(150)], ["noun"] * 120 + ["adj"] * 30)
    rows = ablations.corpus_rows(bench, {"fake": setup.corpus, "other": other}, settings=SMALL, store=store)
    assert [(r["corpus"], r["method"]) for r in rows] == [("fake", "NegLabel"), ("fake", "DNM"),
                                                         ("other", "NegLabel"), ("other", "DNM")]
    assert rows[3]["num_negatives"] == int(0.23 * 120) + int(0.13 * 30)
    assert rows[2]["num_negatives"] == int(0.15 * 120) + int(0.15 * 30)  # NegLabel's mining on the new corpus
    assert rows[0]["fpr95"] == bench.point(SMALL, negatives="neglabel", score="neglabel")["fpr95"]
    records = ablations.corpus_records([{**r, "corpus": "common words (9)" if r["corpus"] == "other" else "fake"}
                                        for r in rows])
    assert records["num_corpora"] == 2 and records["common_dnm_fpr95"] == rows[3]["fpr95"]
    assert records["reported_common_dnm_auroc"] == 90.34 and records["reported_common_neglabel_auroc"] == 89.29
    with pytest.raises(ValueError, match="needs the bench's OfflineSetup"):
        ablations.corpus_rows(AblationBench(bundle), {"other": other})


def test_ablation_corpora_bad_input():
    with pytest.raises(ValueError, match="step"):
        ablations.ablation_corpora(step=0)
    with pytest.raises(ValueError, match="presets is empty"):
        ablations.ablation_corpora(())


# ---------------------------------------------------------------- the page's words

def verdict_records(codes):
    """Records whose contrasts all have value -1 and interval (-2, 0), with the given verdict codes."""
    records = {"effect_score_on_neglabel_fpr95": -1.0, "effect_score_on_density_fpr95": -1.0,
               "saturated_id_density": 50.0, "saturated_ood_density": 5.0, "saturated_id_neglabel": 60.0,
               "saturated_ood_neglabel": 6.0, "saturated_id_default": 0.0, "saturated_ood_default": 0.0}
    stems = [*(f"effect_{n}" for n in ablations.EFFECTS), *ablations.CLAIMS]
    for stem in stems:
        for metric in ("fpr95", "auroc"):
            records.update({f"{stem}_{metric}": -1.0, f"{stem}_{metric}_low": -2.0, f"{stem}_{metric}_high": 0.0,
                            f"{stem}_{metric}_verdict": codes.get((stem, metric), 0)})
    return records


@pytest.mark.parametrize(("codes", "phrase"), [
    ({}, "DNM's density negatives are no better than random words"),
    ({("density_vs_random", "fpr95"): 1, ("density_vs_random", "auroc"): 1}, "DNM's density negatives beat random"),
    ({("density_vs_random", "auroc"): 1}, "DNM's density negatives beat (by AUROC only) random"),
    ({("density_vs_random", "fpr95"): -1, ("density_vs_random", "auroc"): -1}, "are worse than random words"),
    ({("density_vs_random", "fpr95"): -1, ("density_vs_random", "auroc"): 1}, "are mixed against random words"),
])
def test_findings_follow_the_verdicts(codes, phrase):
    text = ablations.findings(verdict_records(codes), "real: tiny (random weights)")
    assert phrase in text and "FPR95 -1.00 [-2.00, +0.00]" in text
    assert "simulated" not in text and "Without the OOD" not in text and "corpora" not in text


def test_findings_add_the_optional_sections_only_when_recorded():
    records = verdict_records({("official_vs_tau_one", "fpr95"): -1})
    assert "the official arithmetic hurts (by FPR95 only)" in ablations.findings(records, "x")
    records.update({"leak_removed": 12, "leak_in_density": 3, "leak_in_neglabel": 0, "draws": 3,
                    "effect_negatives_fpr95_draw_sd": 1.5, "effect_score_fpr95_draw_sd": 0.5, "num_corpora": 4,
                    "corpus_fpr95_range": 9.0, "corpus_neglabel_fpr95_range": 7.0, "common_dnm_auroc": 88.0,
                    "common_neglabel_auroc": 89.0, "reported_common_dnm_auroc": 90.34,
                    "reported_common_neglabel_auroc": 89.29})
    records.update({k.replace("density_vs_random", "noleak_density_vs_random"): v for k, v in records.items()
                    if k.startswith("density_vs_random")})
    records.update({k.replace("effect_both", "noleak_effect_both"): v for k, v in records.items()
                    if k.startswith("effect_both")})
    text = ablations.findings(records, "x")
    assert "(12 corpus words; DNM's selection held 3 of them" in text
    assert "Over 3 draws" in text and "90.34 and 89.29 reported (CLIP ViT-B/16)" in text


def test_features_note_comes_from_the_provenance(bundle):
    simulated = ablations.features_note(bundle)
    assert bundle.label in simulated and "not CLIP numbers" in simulated
    from dataclasses import replace

    real = replace(bundle, provenance=replace(bundle.provenance, world="real", model="tiny",
                                              pretrained="random weights"), _cache={})
    note = ablations.features_note(real)
    assert "real: tiny (random weights)" in note and "random weights" in note and "simulated" not in note


# ---------------------------------------------------------------- figures and tables

def test_figures_are_titled_with_the_features_label(bench, study):
    sweep = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    table = ablations.sensitivity({"num_groups": sweep}, bench.label)
    corpus = [{"world": bench.label, "corpus": "a", "method": m, "fpr95": 20.0, "auroc": 90.0}
              for m in ("NegLabel", "DNM")]
    figures = [ablations.plot_factorial(study.cell_rows()),
               ablations.plot_sweep(sweep, reference={"fpr95": 30.0, "auroc": 80.0}),
               ablations.plot_sweep(sweep, x="num_negatives", reference=sweep), ablations.plot_corpora(corpus),
               ablations.plot_sensitivity(table, noise={"fpr95": 1.0, "auroc": 0.2})]
    for figure in figures:
        assert isinstance(figure, Figure) and bench.label in figure._suptitle.get_text()
    with pytest.raises(ValueError, match="rows is empty"):
        ablations.plot_sweep([])


def test_markdown_table_rounds_metrics_but_not_knob_values():
    table = ablations.markdown_table([{"value": 0.003, "fpr95": 12.3456}], ["value", "fpr95"]).data
    assert "0.003" in table and "12.35" in table and "12.3456" not in table
    with pytest.raises(ValueError, match="columns \\['auroc'\\] are missing"):
        ablations.markdown_table([{"value": 1}], ["value", "auroc"])


def test_an_evaluation_without_plain_methods_still_carries_the_label(bench):
    result = bench.evaluation({"dd": ("density", "dnm")}, Settings(k=10, num_groups=5, sigma=0.01))
    assert isinstance(result, Evaluation) and result.label == bench.label and result.methods == ("dd",)


# ---------------------------------------------------------------- the published run

def test_the_published_run_records_its_expected_numbers():
    """The default run (``make book`` writes it to book/generated) against DEFAULT_EXPECTATIONS, when it is newer
    than the page and its back-end (otherwise there is nothing current to check)."""
    root = Path(__file__).resolve().parents[1]
    executed = root / "book" / "generated" / "04_ablations.ipynb"
    sources = [root / "notebooks" / "04_ablations.py", Path(ablations.__file__), Path(verdicts.__file__)]
    if not executed.exists() or executed.stat().st_mtime < max(path.stat().st_mtime for path in sources):
        pytest.skip("book/generated/04_ablations.ipynb is missing or older than its sources: run `make book`")
    run = json.loads(executed.read_text())["metadata"].get("papermill", {})
    if run.get("end_time") is None:
        pytest.skip("book/generated/04_ablations.ipynb is still being executed")
    assert run.get("exception") is None, "the published run of notebook 04 failed: see book/generated"
    spec = importlib.util.spec_from_file_location("expectations_04", root / "tests" / "expectations" /
                                                  "04_ablations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.DEFAULT_EXPECTATIONS["04_ablations"]
    records = nb.read_records(executed)
    assert set(records) == set(expected)
    outside = {name: (records[name], bounds) for name, bounds in expected.items()
               if not bounds[0] <= records[name] <= bounds[1]}
    assert not outside, f"records outside their expected ranges (value, (low, high)): {outside}"
