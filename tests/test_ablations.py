"""debiasood.book.ablations on a small fake world: knobs, the 2 x 2 effects, sweeps, other corpora, figures."""

import zlib

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from debiasood.book import ablations
from debiasood.book.ablations import AblationBench, Knobs
from debiasood.core.metrics import ood_metrics
from debiasood.core.mining import density_selection
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import dnm_score, neglabel_score
from debiasood.data.corpora import LabelCorpus
from debiasood.data.feature_store import FeatureStore
from debiasood.world.offline import OfflineSetup
from debiasood.world.simulated import SemanticWorld

D = 24
SIZES = {"imagenet1k": 300, "inaturalist": 80, "sun": 80, "places": 80, "textures": 80}
SMALL = Knobs(k=10, num_groups=5)


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


def make_corpus(name, words, pos):
    n = len(words)
    return LabelCorpus(name, tuple(words), tuple(pos), tuple(f"s{i}" for i in range(n)), tuple(["x"] * n))


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(3)
    ids = unit(rng, 30)
    concepts = {"imagenet1k": ids, **{name: unit(rng, 6) for name in ("inaturalist", "sun", "places", "textures")}}
    corpus_features = np.vstack([unit(rng, 250), (concepts["sun"][rng.integers(0, 6, 70)] + 0.3 * unit(rng, 70))])
    corpus_features /= np.linalg.norm(corpus_features, axis=1, keepdims=True)
    corpus = make_corpus("fake", [f"w{i}" for i in range(320)], ["noun"] * 250 + ["adj"] * 70)
    text = {"id_neglabel": ids, "corpus_features": corpus_features.astype(np.float32),
            "negatives": corpus_features[100:160]}
    return OfflineSetup(HashEncoder(), SemanticWorld(concepts), text, corpus, None)


@pytest.fixture()
def bench(setup, tmp_path):
    return AblationBench.draw(setup, SIZES, seed=1, store=FeatureStore(tmp_path))


# ---------------------------------------------------------------- knobs and grids

@pytest.mark.parametrize(("change", "name"), [
    ({"tau_neg": 0.0}, "tau_neg"), ({"tau_neg": 1.5}, "tau_neg"), ({"num_groups": 0}, "num_groups"),
    ({"temperature": -0.01}, "temperature"), ({"k": 0}, "k"), ({"noun_quota": 1.2}, "noun_quota"),
    ({"adj_quota": -0.1}, "adj_quota"), ({"noun_quota": 0.0, "adj_quota": 0.0}, "both 0"),
    ({"label_scale": 0}, "label_scale"), ({"sigma": -1.0}, "sigma"), ({"sigma": float("nan")}, "sigma"),
    ({"num_positive_samples": 0}, "num_positive_samples")])
def test_bad_knobs_name_the_field(change, name):
    with pytest.raises(ValueError, match=name):
        Knobs(**change)


def test_defaults_are_the_official_vit_b16_settings():
    knobs = Knobs()
    assert (knobs.tau_neg, knobs.num_groups, knobs.temperature, knobs.k) == (0.5, 100, 0.01, 100)
    assert knobs.quotas() == {"noun": 0.23, "adj": 0.13}
    assert (knobs.sigma, knobs.num_positive_samples) == (0.0, 1)


def test_quotas_scale_cap_and_drop():
    assert Knobs(label_scale=2).quotas() == pytest.approx({"noun": 0.46, "adj": 0.26})
    assert Knobs(label_scale=5).quotas() == {"noun": 1.0, "adj": 0.65}
    assert Knobs(adj_quota=0.0).quotas() == {"noun": 0.23}


def test_grids_hold_their_defaults_and_coarse_keeps_the_ends():
    for knob, values in ablations.GRIDS.items():
        assert getattr(Knobs(), knob) in values, knob
        coarse = ablations.grid(knob, coarse=True)
        assert getattr(Knobs(), knob) in coarse and coarse[0] == values[0] and coarse[-1] == values[-1]
        assert set(coarse) <= set(values) and len(coarse) <= len(values)
    assert ablations.grid("num_groups", upper=861) == (1, 10, 100)
    with pytest.raises(ValueError, match="upper=0.5 is below every num_groups value"):
        ablations.grid("num_groups", upper=0.5)
    with pytest.raises(ValueError, match="knob 'gamma'"):
        ablations.grid("gamma")


# ---------------------------------------------------------------- the 2 x 2 effects (reference numbers)

def factorial_rows(cells_by_seed):
    return [{"seed": seed, "negatives": n, "score": s, "fpr95": v, "auroc": 100 - v}
            for seed, cells in cells_by_seed.items() for (n, s), v in cells.items()]


def test_factorial_effects_match_hand_computed_values():
    one = {("neglabel", "neglabel"): 30.0, ("neglabel", "dnm"): 28.0, ("density", "neglabel"): 25.0,
           ("density", "dnm"): 20.0}
    two = {key: value + 2.0 for key, value in one.items()}
    two[("density", "dnm")] = 23.0  # seed 2: interaction (23 - 27) - (30 - 32) = -2
    effects = ablations.factorial_effects(factorial_rows({0: one, 1: two}))
    # negatives: ((25 - 30) + (20 - 28)) / 2; score: ((28 - 30) + (20 - 25)) / 2; interaction: (20-25) - (28-30)
    assert effects["negatives"]["per_seed"] == pytest.approx([-6.5, -6.0])
    assert effects["score"]["per_seed"] == pytest.approx([-3.5, -3.0])
    assert effects["interaction"]["per_seed"] == pytest.approx([-3.0, -2.0])
    assert effects["both"]["per_seed"] == pytest.approx([-10.0, -9.0])
    assert effects["interaction"]["mean"] == pytest.approx(-2.5)
    assert effects["interaction"]["sd"] == pytest.approx(np.std([-3.0, -2.0], ddof=1))
    table = ablations.factorial_table(factorial_rows({0: one, 1: two}))
    assert [(r["negatives"], r["score"]) for r in table] == [("neglabel", "neglabel"), ("neglabel", "dnm"),
                                                            ("density", "neglabel"), ("density", "dnm")]
    assert table[3]["fpr95"] == pytest.approx(21.5) and table[3]["auroc"] == pytest.approx(78.5)
    assert {r["world"] for r in table} == {"simulated"}


def test_factorial_effects_reject_incomplete_rows():
    rows = factorial_rows({0: {("neglabel", "neglabel"): 30.0, ("density", "dnm"): 20.0}})
    with pytest.raises(ValueError, match="lack some of the four cells"):
        ablations.factorial_effects(rows)
    with pytest.raises(ValueError, match="rows is empty"):
        ablations.factorial_effects([])
    with pytest.raises(ValueError, match="metric 'aupr'"):
        ablations.factorial_effects(factorial_rows({0: {("neglabel", "neglabel"): 1.0}}), "aupr")


# ---------------------------------------------------------------- the bench against direct computations

def test_evaluate_matches_a_direct_computation(setup, bench):
    rows = density_selection(setup.text["corpus_features"], setup.corpus.words, setup.corpus.parts_of_speech,
                             k=10).indices
    neg = setup.world.text(setup.text["corpus_features"][rows])
    groups = partition_negatives(len(neg), 5, 1)
    id_text = setup.world.text(setup.text["id_neglabel"])
    score = lambda x: dnm_score(x, id_text, neg, tau_neg=0.5, temperature=0.01, groups=groups)  # noqa: E731
    id_scores = score(bench.id_images)
    fpr = [ood_metrics(id_scores, score(images))["fpr95"] for images in bench.ood_images.values()]
    result = bench.evaluate(SMALL)
    assert result["fpr95"] == pytest.approx(np.mean(fpr))
    assert result["num_negatives"] == len(rows) == int(0.23 * 250) + int(0.13 * 70)
    assert result["group_size"] == len(rows) // 5
    assert result["coefficient"] == pytest.approx(0.5 - result["group_size"] * 0.5 / 30)  # a = tau - Q(1-tau)/K


def test_dnm_at_tau_one_is_neglabel_and_neglabel_negatives_are_the_setups(setup, bench):
    # T = 0.1: at 0.01 most fake scores saturate at 1 in float32, and the two formulas break those ties apart.
    dnm = bench.evaluate(Knobs(k=10, num_groups=5, tau_neg=1.0, temperature=0.1))
    neglabel = bench.evaluate(Knobs(k=10, num_groups=5, temperature=0.1), score="neglabel")
    assert dnm["fpr95"] == pytest.approx(neglabel["fpr95"]) and dnm["auroc"] == pytest.approx(neglabel["auroc"])
    neg = setup.world.text(setup.text["negatives"])
    id_text = setup.world.text(setup.text["id_neglabel"])
    groups = partition_negatives(len(neg), 5, 1)
    id_scores = neglabel_score(bench.id_images, id_text, neg, groups=groups)
    auroc = [ood_metrics(id_scores, neglabel_score(x, id_text, neg, groups=groups))["auroc"]
             for x in bench.ood_images.values()]
    # NegLabel's selection ignores the density knobs (k, quotas): one memo entry serves every k.
    for k in (10, 20):
        assert bench.evaluate(Knobs(k=k, num_groups=5), negatives="neglabel", score="neglabel")["auroc"] == \
            pytest.approx(np.mean(auroc))


def test_positives_knobs(bench):
    official = bench.evaluate(SMALL)
    assert bench.evaluate(Knobs(k=10, num_groups=5, num_positive_samples=4)) == official  # sigma 0: ID labels
    noisy = bench.evaluate(Knobs(k=10, num_groups=5, sigma=0.3))
    assert noisy["auroc"] != pytest.approx(official["auroc"])


def test_label_scale_scales_the_mined_labels(bench):
    assert bench.evaluate(Knobs(k=10, num_groups=5, label_scale=2))["num_negatives"] == \
        int(0.46 * 250) + int(0.26 * 70)
    assert bench.evaluate(Knobs(k=10, num_groups=5, adj_quota=0.0))["num_negatives"] == int(0.23 * 250)


def test_bench_bad_input(setup, bench):
    with pytest.raises(ValueError, match="sizes has no entry for \\['textures'\\]"):
        AblationBench.draw(setup, {k: v for k, v in SIZES.items() if k != "textures"})
    with pytest.raises(ValueError, match="negatives must be one of"):
        bench.evaluate(SMALL, negatives="csp")
    with pytest.raises(ValueError, match="score must be one of"):
        bench.evaluate(SMALL, score="mcm")
    other = OfflineSetup(setup.encoder, SemanticWorld(setup.world.concepts), setup.text, setup.corpus, None)
    with pytest.raises(ValueError, match="share this bench's world"):
        bench.with_setup(other)


def test_factorial_runs_the_four_cells_per_seed(setup, tmp_path):
    benches = [AblationBench.draw(setup, SIZES, seed=seed, store=FeatureStore(tmp_path)) for seed in (0, 1)]
    rows = ablations.factorial(benches, knobs=SMALL)
    assert [(r["seed"], r["negatives"], r["score"]) for r in rows] == [
        (seed, n, s) for seed in (0, 1) for n in ablations.NEGATIVES for s in ablations.SCORES]
    assert {r["world"] for r in rows} == {"simulated"}
    assert rows[0]["fpr95"] != rows[4]["fpr95"]  # another seed, another draw
    with pytest.raises(ValueError, match="benches is empty"):
        ablations.factorial([])
    with pytest.raises(ValueError, match="distinct seeds"):
        ablations.factorial([benches[0], benches[0]])


# ---------------------------------------------------------------- sweeps and sensitivity

def test_sweep_rows_and_sensitivity(bench):
    taus = bench_rows = ablations.sweep(bench, "tau_neg", [0.2, 0.5, 1.0], base=SMALL)
    assert [(r["knob"], r["value"], r["default"]) for r in taus] == [
        ("tau_neg", 0.2, False), ("tau_neg", 0.5, True), ("tau_neg", 1.0, False)]
    groups = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    table = ablations.sensitivity({"tau_neg": bench_rows, "num_groups": groups})
    ranges = {row["knob"]: row["fpr95_range"] for row in table}
    fpr = [r["fpr95"] for r in taus]
    assert ranges["tau_neg"] == pytest.approx(max(fpr) - min(fpr))
    assert table[0]["fpr95_range"] >= table[1]["fpr95_range"]
    tau_row = next(row for row in table if row["knob"] == "tau_neg")
    assert tau_row["fpr95_default"] == taus[1]["fpr95"] and tau_row["fpr95_best"] == min(fpr)


def test_side_by_side(bench):
    dnm = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    neglabel = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL, negatives="neglabel", score="neglabel")
    rows = ablations.side_by_side(dnm, neglabel)
    assert [r["neglabel_fpr95"] for r in rows] == [r["fpr95"] for r in neglabel]
    assert [r["fpr95"] for r in rows] == [r["fpr95"] for r in dnm]
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
        ablations.sensitivity({"k": []})


# ---------------------------------------------------------------- other corpora

def test_corpus_features_reuse_known_rows_and_encode_the_rest(setup, tmp_path):
    encoder = HashEncoder()
    local = OfflineSetup(encoder, setup.world, setup.text, setup.corpus, None)
    # w0 (noun) is known; w1 as an adjective is a new (word, part) pair; "zebra" is new.
    other = make_corpus("other", ["w0", "w1", "zebra"], ["noun", "adj", "noun"])
    features = ablations.corpus_features(local, other, store=FeatureStore(tmp_path))
    np.testing.assert_array_equal(features[0], setup.text["corpus_features"][0])
    assert sorted(encoder.texts) == ["This is a w1 photo", "the nice zebra"]
    direct = encoder.encode_texts(["the nice zebra"]).numpy()[0]
    np.testing.assert_allclose(features[2], direct, atol=1e-6)
    again = ablations.corpus_features(local, other, store=FeatureStore(tmp_path))
    assert len(encoder.texts) == 3  # the two encoded above, plus the direct check: the rest came from the store
    np.testing.assert_array_equal(features, again)


def test_corpus_features_reuse_references(setup, tmp_path):
    encoder = HashEncoder()
    local = OfflineSetup(encoder, setup.world, setup.text, setup.corpus, None)
    big = make_corpus("big", ["w0", "zebra", "yak"], ["noun"] * 3)
    big_setup = OfflineSetup(encoder, setup.world, {**setup.text, "corpus_features": ablations.corpus_features(
        local, big, store=FeatureStore(tmp_path))}, big, None)
    assert sorted(encoder.texts) == ["the nice yak", "the nice zebra"]
    small = make_corpus("small", ["zebra", "w3"], ["noun"] * 2)
    features = ablations.corpus_features(local, small, references=[big_setup], store=FeatureStore(tmp_path))
    assert len(encoder.texts) == 2  # both words were known
    np.testing.assert_array_equal(features, np.stack([big_setup.text["corpus_features"][1],
                                                      setup.text["corpus_features"][3]]))


def test_corpus_rows_compare_both_methods_on_each_corpus(setup, bench):
    other = make_corpus("other", [f"v{i}" for i in range(150)], ["noun"] * 120 + ["adj"] * 30)
    rows = ablations.corpus_rows(bench, {"fake": setup.corpus, "other": other}, knobs=SMALL)
    assert [(r["corpus"], r["method"]) for r in rows] == [("fake", "NegLabel"), ("fake", "DNM"), ("other", "NegLabel"),
                                                         ("other", "DNM")]
    assert rows[3]["num_negatives"] == int(0.23 * 120) + int(0.13 * 30)
    assert rows[2]["num_negatives"] == int(0.15 * 120) + int(0.15 * 30)  # NegLabel's mining on the new corpus
    assert rows[0]["fpr95"] == bench.evaluate(SMALL, negatives="neglabel", score="neglabel")["fpr95"]


def test_ablation_corpora_bad_input():
    with pytest.raises(ValueError, match="step"):
        ablations.ablation_corpora(step=0)
    with pytest.raises(ValueError, match="presets is empty"):
        ablations.ablation_corpora(())


# ---------------------------------------------------------------- figures

def test_figures_say_simulated(bench):
    rows = factorial_rows({0: {(n, s): 20.0 + i for i, (n, s) in enumerate(
        [(n, s) for n in ablations.NEGATIVES for s in ablations.SCORES])}})
    sweep = ablations.sweep(bench, "num_groups", [1, 5], base=SMALL)
    table = ablations.sensitivity({"num_groups": sweep})
    corpus = [{"corpus": "a", "method": m, "fpr95": 20.0, "auroc": 90.0} for m in ("NegLabel", "DNM")]
    figures = [ablations.plot_factorial(ablations.factorial_table(rows)),
               ablations.plot_sweep(sweep, reference={"fpr95": 30.0, "auroc": 80.0}),
               ablations.plot_sweep(sweep, x="num_negatives", reference=sweep), ablations.plot_corpora(corpus),
               ablations.plot_sensitivity(table, noise={"fpr95": 1.0, "auroc": 0.2})]
    for figure in figures:
        assert isinstance(figure, Figure) and "simulated" in figure._suptitle.get_text()
    with pytest.raises(ValueError, match="rows is empty"):
        ablations.plot_sweep([])


def test_markdown_table_rounds_metrics_but_not_knob_values():
    table = ablations.markdown_table([{"value": 0.003, "fpr95": 12.3456}], ["value", "fpr95"]).data
    assert "0.003" in table and "12.35" in table and "12.3456" not in table
    with pytest.raises(ValueError, match="columns \\['auroc'\\] are missing"):
        ablations.markdown_table([{"value": 1}], ["value", "auroc"])
