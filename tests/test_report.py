"""debiasood.book.main_benchmark: the main benchmark on any feature bundle, its controls, claims, files, leakage
check, spread, redraws and figures."""

import csv
import dataclasses
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score, roc_curve

from debiasood.book import main_benchmark as report
from debiasood.book import verdicts as v
from debiasood.core.evaluation import Settings
from debiasood.data import reported

OOD = ("inaturalist", "sun", "places", "textures")
SIZES = {"imagenet1k": 300, "inaturalist": 80, "sun": 80, "places": 80, "textures": 60}
SETTINGS = Settings(num_groups=10, k=5)
SEEDS = (0, 1)
#: Corpus words that name OOD concepts ('canal' is the head of SUN's 'canal (natural)'; 'banded' a Textures class)
#: or are synonyms of one in the fake WordNet below ('sea' of 'ocean', 'stripy' of 'banded').
NAMED = ("ocean", "sea", "canal", "marsh", "banded", "stripy")


def unit(rng, n, d=16):
    x = rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


class FakeSynset:
    def __init__(self, name, lemmas):
        self._name, self._lemmas = name, lemmas

    def name(self):
        return self._name

    def lemma_names(self):
        return list(self._lemmas)


class FakeWordNet:
    """A WordNet reader with three synsets; like nltk, a lookup also matches an inflected form ('oceans')."""

    synsets_by_lemma = {"ocean": [FakeSynset("ocean.n.02", ["ocean", "sea"])],
                        "banded": [FakeSynset("banded.s.01", ["banded", "stripy"])],
                        "marsh": [FakeSynset("marsh.n.01", ["marsh", "marshland"])]}

    class reader:  # noqa: N801 - the attribute name of debiasood.data.wordnet.WordNet
        @staticmethod
        def synsets(lemma, pos=None):
            wanted = {"n": "n", "a": "s"}[pos]
            found = FakeWordNet.synsets_by_lemma.get(lemma.rstrip("s"), [])
            return [s for s in found if s.name().split(".")[1] == wanted]


@pytest.fixture(scope="module")
def world_and_bundle():
    """A small offline world and its bundle (random unit vectors, no encoder): 30 ID classes, the four OOD sets,
    a 400-word corpus holding the words of NAMED, and a CSP pool with a phrase made from 'banded'."""
    from debiasood.data.corpora import LabelCorpus
    from debiasood.world.export import simulated_bundle
    from debiasood.world.offline import OfflineSetup
    from debiasood.world.simulated import SemanticWorld

    rng = np.random.default_rng(3)
    ids = unit(rng, 30)
    concepts = {"imagenet1k": ids, **{name: unit(rng, 6) for name in OOD}}
    words = (*NAMED, *(f"w{i}" for i in range(400 - len(NAMED))))
    pos = ("noun",) * 4 + ("adj",) * 2 + ("noun",) * 294 + ("adj",) * 100
    synsets = tuple(f"{w}.{'n' if p == 'noun' else 's'}.01" for w, p in zip(words, pos, strict=True))
    corpus = LabelCorpus("fake", words, pos, synsets, tuple("noun.x" if p == "noun" else "adj.all" for p in pos))
    nouns = [i for i, p in enumerate(pos) if p == "noun"]
    adjs = [i for i, p in enumerate(pos) if p == "adj"]
    pool = LabelCorpus("fake+csp", tuple(words[i] for i in nouns) + tuple(f"{words[i]} scene" for i in adjs),
                       tuple(pos[i] for i in nouns + adjs), tuple(synsets[i] for i in nouns + adjs),
                       tuple(corpus.lexfiles[i] for i in nouns + adjs), tuple(words[i] for i in nouns + adjs))
    features = unit(rng, 400)
    text = {"id_mcm": ids, "id_neglabel": ids, "corpus_features": features,
            "csp_features": unit(rng, len(pool.words))}
    setup = OfflineSetup(None, SemanticWorld(concepts), text, corpus, pool)
    bundle = simulated_bundle(setup, SIZES, id_names=[f"class {i}" for i in range(30)])
    return setup.world, bundle


@pytest.fixture(scope="module")
def bundle(world_and_bundle):
    return world_and_bundle[1]


@pytest.fixture(scope="module")
def result(bundle):
    return report.run_benchmark(bundle, SETTINGS, random_seeds=SEEDS)


@pytest.fixture(scope="module")
def rows(result):
    return report.measured_rows(result, "simulated", bootstrap=20)


def real_bundle(bundle, pretrained="random weights"):
    provenance = dataclasses.replace(bundle.provenance, world="real", model="tiny", pretrained=pretrained,
                                     command="debiasood extract out --model tiny")
    return dataclasses.replace(bundle, provenance=provenance)


def average_of(result, method, metric):
    return result.metrics(method)["average"][metric]


# --------------------------------------------------------------------------------------------- settings

@pytest.mark.parametrize(("model", "backbone", "tau", "from_bundle"), [
    ("ViT-B-32", "ViT-B/32", 0.12, True), ("ViT-B-16", "ViT-B/16", 0.5, True), ("tiny", "ViT-B/16", 0.5, False)])
def test_official_settings_follow_the_bundle_s_model(bundle, model, backbone, tau, from_bundle):
    chosen = report.official_settings(dataclasses.replace(
        bundle, provenance=dataclasses.replace(bundle.provenance, model=model)), seed=4)
    assert (chosen.backbone, chosen.settings.tau_neg, chosen.from_bundle) == (backbone, tau, from_bundle)
    assert chosen.settings.seed == 4
    assert report.official_settings(bundle, "RN50").settings.tau_neg == 0.5
    with pytest.raises(ValueError, match="no settings for backbone 'ViT-H/14'"):
        report.official_settings(bundle, "ViT-H/14")


def test_official_tau_is_one_for_the_shifted_id_sets(bundle):
    shifted = dataclasses.replace(bundle, id_set="imagenet-r", images={"imagenet-r": bundle.images["imagenet1k"],
                                                                        "sun": bundle.images["sun"]})
    assert report.official_settings(shifted).settings.tau_neg == 1.0


def test_labels_come_from_the_provenance(bundle):
    assert report.world_of(bundle) == "simulated" and report.world_of(real_bundle(bundle)) == "real"
    note = report.features_note(real_bundle(bundle), report.official_settings(real_bundle(bundle)))
    assert "**real**" in note and "random weights" in note and "simulated" not in note.lower()
    trained = real_bundle(bundle, "openai")
    assert "random weights" not in report.describe_features(trained)
    assert "**simulated**" in report.features_note(bundle, report.official_settings(bundle))
    assert "single prompts" in report.csp_prompts_note(bundle)
    assert report.reported_applies(bundle)
    fewer = dataclasses.replace(bundle, images={k: s for k, s in bundle.images.items() if k != "places"})
    assert not report.reported_applies(fewer)
    assert report.available_methods(bundle) == report.MAIN_METHODS
    no_pool = dataclasses.replace(bundle, text=dataclasses.replace(bundle.text, csp_pool=None, csp_features=None))
    assert "csp" not in report.available_methods(no_pool)


# ---------------------------------------------------------------------------------------- the evaluation

def test_run_benchmark_scores_the_table_and_the_controls_on_the_same_images(bundle, result):
    assert set(result.methods) == {*report.METHOD_LABELS.values(), v.NEGLABEL_AT_DNM_SIZE, v.random_label(0),
                                   v.random_label(1), v.DENSITY_NEGLABEL_SCORE, v.DNM_PROBABILITY}
    registry = bundle.evaluate(["mcm", "neglabel", "csp", "dnm", "dnm-official"], SETTINGS)
    for method, label in report.METHOD_LABELS.items():
        for name in (bundle.id_set, *OOD):
            np.testing.assert_allclose(result.scores[label][name], registry.scores[method][name], rtol=1e-6)
    # MCM, written out: the largest softmax over the ID labels of the cosine similarities at T = 1.
    images, ids = bundle.images["sun"].features.astype(np.float64), bundle.text.id_mcm.astype(np.float64)
    logits = images @ ids.T
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(result.scores["MCM"]["sun"], (softmax / softmax.sum(1, keepdims=True)).max(1),
                               rtol=1e-5)


def test_measured_rows_are_the_table_s_methods_with_their_metrics(result, rows):
    assert [r["method"] for r in rows if r["ood"] == "average"] == list(report.MAIN_METHODS)
    assert {r["world"] for r in rows} == {"simulated"}
    sun = next(r for r in rows if r["method"] == "dnm" and r["ood"] == "sun")
    scores = result.scores[v.DNM_CLAMPED]
    labels = np.r_[np.ones(len(scores["imagenet1k"])), np.zeros(len(scores["sun"]))]
    assert sun["auroc"] == pytest.approx(100 * roc_auc_score(labels, np.r_[scores["imagenet1k"], scores["sun"]]))
    assert sun["fpr95_low"] <= sun["fpr95"] <= sun["fpr95_high"]
    average = next(r for r in rows if r["method"] == "mcm" and r["ood"] == "average")
    per_set = [r["fpr95"] for r in rows if r["method"] == "mcm" and r["ood"] != "average"]
    assert average["fpr95"] == pytest.approx(np.mean(per_set))
    with pytest.raises(ValueError, match="world must be 'simulated' or 'real'"):
        report.measured_rows(result, "clip")
    with pytest.raises(ValueError, match="none of the main methods"):
        report.measured_rows(report.restrict(result, [v.random_label(0)]), "real")


# --------------------------------------------------------------------------------------------- main table

def test_main_table_puts_reported_rows_beside_measured_ones(rows):
    table = report.main_table_rows(rows)
    assert [(r["method"], r["world"]) for r in table] == [
        ("MCM", "simulated"), ("MCM", reported.LABEL), ("NegLabel", "simulated"), ("NegLabel", reported.LABEL),
        ("CSP", "simulated"), ("CSP", reported.LABEL), ("DNM (clamped)", "simulated"),
        ("DNM (official arithmetic)", "simulated"), ("DNM", reported.LABEL)]
    assert list(table[0]) == ["method", "world", "iNaturalist", "SUN", "Places", "Textures", "Average"]
    mcm = next(r for r in rows if r["method"] == "mcm" and r["ood"] == "average")
    assert table[0]["Average"] == f"{mcm['fpr95']:.2f} / {mcm['auroc']:.2f}"
    assert table[1]["iNaturalist"] == f"{reported.fpr95('mcm', 'inaturalist'):.2f} / " \
                                      f"{reported.auroc('mcm', 'inaturalist'):.2f}"
    assert table[5]["SUN"].endswith("*")  # recalled by third parties
    assert table[8]["SUN"] == "– / –" and table[8]["Average"] == f"{reported.fpr95('dnm', 'average'):.2f} / –†"
    assert [r["world"] for r in report.main_table_rows(rows, reported=False)] == ["simulated"] * 5


def test_main_table_bad_input(rows):
    with pytest.raises(ValueError, match="rows is empty"):
        report.main_table_rows([])
    with pytest.raises(ValueError, match="one measured world"):
        report.main_table_rows([*rows[:5], *({**r, "world": "real"} for r in rows[5:])])
    with pytest.raises(ValueError, match="lack OOD set"):
        report.main_table_rows([r for r in rows if not (r["method"] == "csp" and r["ood"] == "sun")])
    without_places = [r for r in rows if r["ood"] != "places"]
    with pytest.raises(ValueError, match="reported rows need the OOD sets"):
        report.main_table_rows(without_places)
    assert len(report.main_table_rows(without_places, reported=False)[0]) == 2 + 3 + 1
    with pytest.raises(ValueError, match="lacks \\['auroc'\\]"):
        report.main_table_rows([{k: x for k, x in rows[0].items() if k != "auroc"}])


def test_main_table_files(rows, bundle, tmp_path):
    md_path, csv_path = report.write_main_table(rows, bundle, tmp_path / "out", description="Tiny fake world.")
    caption, table = md_path.read_text().split("\n\n", 1)
    assert caption.startswith("**Main benchmark (simulated vs reported).**") and bundle.label in caption
    assert "official code's score (no clamp, division by K" in caption and caption.endswith("Tiny fake world.")
    assert table.splitlines()[0] == "| method | world | iNaturalist | SUN | Places | Textures | Average |"
    assert len(table.splitlines()) == 2 + 9

    lines = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    measured = [line for line in lines if line["world"] == "simulated"]
    cited = [line for line in lines if line["world"] == reported.LABEL]
    assert len(measured) == 5 * 5 and len(cited) == 4 * 5
    sun = next(line for line in measured if line["method"] == "dnm" and line["ood"] == "sun")
    row = next(r for r in rows if r["method"] == "dnm" and r["ood"] == "sun")
    assert float(sun["fpr95_low"]) == pytest.approx(row["fpr95_low"], abs=0.005)
    assert float(sun["aupr_out"]) == pytest.approx(row["aupr_out"], abs=0.005)
    assert sun["note"] == report.describe_features(bundle)
    dnm_sun = next(line for line in cited if line["method"] == "dnm" and line["ood"] == "sun")
    assert math.isnan(float(dnm_sun["fpr95"])) and math.isnan(float(dnm_sun["aupr_in"]))
    csp_places = next(line for line in cited if line["method"] == "csp" and line["ood"] == "places")
    assert float(csp_places["auroc"]) == reported.auroc("csp", "places") and "third parties" in csp_places["note"]
    with pytest.raises(ValueError, match="description is empty"):
        report.main_table_markdown(rows, bundle, description="  ")
    with pytest.raises(ValueError, match="stem must be"):
        report.write_main_table(rows, bundle, tmp_path, description="x", stem="a/b")


def test_a_real_bundle_s_table_says_real_and_never_simulated(rows, bundle):
    real = real_bundle(bundle)
    real_rows = [{**r, "world": "real"} for r in rows]
    text = report.main_table_markdown(real_rows, real, description=report.table_description(
        real, seed=0, partition_seed=0, bootstrap=20)) + report.main_table_csv(real_rows, real)
    assert "**Main benchmark (real vs reported).**" in text and "simulated" not in text.lower()


def test_interval_rows(rows, result):
    intervals = report.interval_rows(rows)
    assert len(intervals) == 5 * 5 and all(r["95% low"] <= r["95% high"] and r["width"] >= 0 for r in intervals)
    with pytest.raises(ValueError, match="no bootstrap intervals"):
        report.interval_rows(report.measured_rows(result, "simulated"))
    with pytest.raises(ValueError, match="metric must be one of"):
        report.interval_rows(rows, "accuracy")


# ------------------------------------------------------------------------------------------------- claims

def test_claims_are_paired_differences_of_the_averages(result):
    claims = report.benchmark_claims(SEEDS)
    assert [c.key for c in claims][:2] == ["dnm_vs_neglabel", "dnm_vs_csp"]
    assert "dnm_vs_csp" not in [c.key for c in report.benchmark_claims(SEEDS, csp=False)]
    found = report.claim_rows(result, claims, num_resamples=50)
    records = report.claim_records(found)
    for claim in claims:
        for metric in ("fpr95", "auroc"):
            name = f"{claim.key}_{metric}"
            expected = average_of(result, claim.a, metric) - average_of(result, claim.b, metric)
            assert records[name] == pytest.approx(expected)
            low, high, code = records[f"{name}_low"], records[f"{name}_high"], records[f"{name}_verdict"]
            excludes = low > 0 or high < 0
            assert (code == 0) == (not excludes)
            if excludes:  # lower FPR95 and higher AUROC are better
                assert code == (1 if (high < 0) == (metric == "fpr95") else -1)
    table = report.claims_table_rows(found, claims)
    assert len(table) == len(claims) and table[0]["A"] == v.DNM_CLAMPED
    assert table[0]["FPR95 A - B [95%]"].startswith(f"{records['dnm_vs_neglabel_fpr95']:+.2f} [")


def claim(key, fpr=("no difference", -1.0), auroc=("no difference", 0.5)):
    return [{"key": key, "A": "a", "B": "b", "metric": metric, "A - B": value, "low": value - 1,
             "high": value + 1, "verdict": verdict} for metric, (verdict, value) in (("fpr95", fpr),
                                                                                    ("auroc", auroc))]


MAIN_KEYS = ("dnm_vs_neglabel", "density_vs_neglabel", "dnm_vs_density", "official_vs_density",
             "neglabel_at_size_vs_neglabel", "density_vs_neglabel_at_size", "probability_vs_dnm")


@pytest.mark.parametrize(("random_verdicts", "phrase"), [
    (("A better", "A better"), "beat every random draw"),
    (("B better", "B better"), "lose to every random draw"),
    (("no difference", "B better"), "do no better on FPR95 than words drawn at random"),
    (("A better", "no difference"), "beat some random draws"),
])
def test_findings_follow_the_verdicts(random_verdicts, phrase):
    found = [row for key in MAIN_KEYS for row in claim(key)]
    found += [row for seed, verdict in zip(SEEDS, random_verdicts, strict=True)
              for row in claim(f"density_vs_random_{seed}", fpr=(verdict, -2.0))]
    text = report.findings_markdown(found, "simulated: fake world", SEEDS)
    assert phrase in text and "simulated: fake world" in text
    assert "no FPR95 difference its interval can tell from 0 (-1.00 [-2.00, +0.00])" in text
    with pytest.raises(ValueError, match="headline"):
        report.findings_markdown(found[2:], "x", SEEDS)


@pytest.mark.parametrize(("fpr", "auroc", "phrase"), [
    ("no difference", "B better", "was a poor default on these features"),
    ("no difference", "A better", "happen to order images better"),
    ("no difference", "no difference", "cost nothing the paired interval can see"),
    ("A better", "B better", "metrics disagree"),
])
def test_saturation_prose_follows_the_probability_scale_verdict(fpr, auroc, phrase):
    shares = [{"method": v.DNM_PROBABILITY, "ID at the maximum (%)": 65.6, "OOD at the maximum (%)": 5.2},
              {"method": v.DNM_CLAMPED, "ID at the maximum (%)": 0.0, "OOD at the maximum (%)": 0.0}]
    text = report.saturation_markdown(shares, claim("probability_vs_dnm", fpr=(fpr, 0.0), auroc=(auroc, 1.0)))
    assert "65.6% of the ID images and 5.2% of the OOD images" in text and phrase in text
    assert "0.0% and 0.0% tie" in text
    with pytest.raises(ValueError, match="both scales"):
        report.saturation_markdown(shares[:1], claim("probability_vs_dnm"))


# ------------------------------------------------------------------------------------ spread and redraws

def test_subset_images_is_a_seeded_subset(bundle):
    first = report.subset_images(bundle, {"id": 100, "ood": 1000}, seed=5)
    assert len(first["imagenet1k"]) == 100 and len(first["textures"]) == SIZES["textures"]  # capped
    again = report.subset_images(bundle, {"id": 100, "ood": 1000}, seed=5)
    np.testing.assert_array_equal(first["imagenet1k"], again["imagenet1k"])
    full = bundle.images["imagenet1k"].features
    assert all((np.abs(full - row).sum(1) == 0).any() for row in first["imagenet1k"])  # rows of the bundle
    assert not np.array_equal(first["imagenet1k"], report.subset_images(bundle, {"id": 100, "ood": 5},
                                                                        seed=6)["imagenet1k"])
    with pytest.raises(ValueError, match="'id' and 'ood'"):
        report.subset_images(bundle, {"id": 5})
    with pytest.raises(ValueError, match="positive ints"):
        report.subset_images(bundle, {"id": 0, "ood": 5})


def test_partition_spread_changes_only_the_partition(bundle):
    images = report.subset_images(bundle, {"id": 200, "ood": 50})
    spread = report.partition_spread(bundle, images, methods=["neglabel", "dnm"], seeds=[4, 7], settings=SETTINGS)
    assert len(spread) == 2 * 2 * 5
    from debiasood.core.evaluation import evaluate

    inputs = report.method_inputs(bundle, ["dnm"], SETTINGS)
    again = evaluate(images, bundle.id_set, inputs, settings=dataclasses.replace(SETTINGS, seed=7))
    seed7 = {r["ood"]: r for r in spread if r["seed"] == 7 and r["method"] == "dnm"}
    assert seed7["sun"]["fpr95"] == pytest.approx(again.metrics(v.DNM_CLAMPED)["sun"]["fpr95"])
    seed4 = evaluate(images, bundle.id_set, inputs, settings=dataclasses.replace(SETTINGS, seed=4))
    assert not np.allclose(seed4.scores[v.DNM_CLAMPED]["sun"], again.scores[v.DNM_CLAMPED]["sun"])

    summary = report.spread_summary(spread)
    values = [r["fpr95"] for r in spread if r["method"] == "neglabel" and r["ood"] == "average"]
    assert summary["neglabel"]["sd"] == pytest.approx(np.std(values, ddof=1))
    assert summary["neglabel"]["max"] - summary["neglabel"]["min"] == pytest.approx(abs(values[0] - values[1]))
    table = report.spread_table_rows(summary, "simulated")
    assert [r["method"] for r in table] == ["NegLabel", "DNM (clamped)"] and table[0]["partitions"] == 2


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"methods": ("mcm", "dnm"), "seeds": [0, 1]}, "grouped-score main methods"),
    ({"methods": ("dnm",), "seeds": [0]}, "at least two distinct"),
    ({"methods": ("dnm",), "seeds": [1, 1]}, "at least two distinct"),
])
def test_partition_spread_bad_input(bundle, kwargs, match):
    with pytest.raises(ValueError, match=match):
        report.partition_spread(bundle, report.subset_images(bundle, {"id": 50, "ood": 20}), settings=SETTINGS,
                                **kwargs)


def test_spread_summary_bad_input():
    row = {"method": "dnm", "seed": 0, "ood": "average", "fpr95": 1.0, "auroc": 99.0}
    with pytest.raises(ValueError, match="fewer than two seeds"):
        report.spread_summary([row])
    with pytest.raises(ValueError, match="no rows for ood 'sun'"):
        report.spread_summary([row, {**row, "seed": 1}], ood="sun")
    with pytest.raises(ValueError, match="metric must be"):
        report.spread_summary([row], metric="aupr_in")


def test_redraws_score_fresh_images_of_the_world(world_and_bundle):
    world, bundle = world_and_bundle
    found = report.redraws(bundle, world, seeds=[3], sizes={"id": 150, "ood": 40}, settings=SETTINGS,
                           random_seeds=SEEDS)
    assert [r["claim"] for r in found] == list(report.REDRAW_KEYS)
    # The same draw built independently: the world's images with seed 3, the bundle's text side.
    from debiasood.data.bundle import FeatureBundle, ImageSet

    images = {name: ImageSet(world.images(name, 150 if name == "imagenet1k" else 40, seed=3).features)
              for name in ("imagenet1k", *OOD)}
    drawn = v.control_suite(FeatureBundle(bundle.provenance, bundle.text, images, "imagenet1k"), SETTINGS,
                            random_seeds=SEEDS)
    by_claim = {r["claim"]: r for r in found}
    assert by_claim["dnm_vs_neglabel"]["FPR95 A - B"] == pytest.approx(
        average_of(drawn, v.DNM_CLAMPED, "fpr95") - average_of(drawn, v.NEGLABEL, "fpr95"))
    randoms = np.mean([average_of(drawn, v.random_label(s), "auroc") for s in SEEDS])
    assert by_claim["density_vs_random"]["AUROC A - B"] == pytest.approx(
        average_of(drawn, v.DENSITY_NEGLABEL_SCORE, "auroc") - randoms)
    summary = report.redraw_summary([*found, *({**r, "image seed": 4, "FPR95 A - B": 0.0} for r in found)])
    assert summary["dnm_vs_neglabel"]["fpr95_max"] == max(0.0, by_claim["dnm_vs_neglabel"]["FPR95 A - B"])
    with pytest.raises(ValueError, match="seeds is empty"):
        report.redraws(bundle, world, seeds=[], sizes={"id": 5, "ood": 5}, settings=SETTINGS)


# ------------------------------------------------------------------------------ the OOD names in the corpus

def test_concept_names_keep_the_head_of_a_qualified_name():
    names = report.concept_names("sun")
    assert "canal (natural)" in names and "canal" in names and "ocean" in names
    assert all(name == name.lower() for name in names)


def test_wordnet_synonyms_with_the_real_wordnet():
    synsets, words = report.wordnet_synonyms(["ocean", "ski slope", "ponds"])
    assert {"ocean.n.01", "ocean.n.02", "ski_slope.n.01"} <= synsets
    assert {"ocean", "sea", "ski slope"} <= words
    assert "pond" not in words  # nltk's lookup maps 'ponds' to pond.n.01; a name must be the lemma itself


def test_without_ood_names_removes_names_and_synonyms(bundle):
    removal = report.without_ood_names(bundle, wordnet=FakeWordNet)
    assert set(removal.removed_words) == set(NAMED) - {"marshland"}
    reduced = removal.bundle
    assert not set(NAMED) & set(reduced.text.corpus.words) and len(reduced.text.corpus.words) == 400 - len(NAMED)
    kept = reduced.text.corpus.words.index("w7")
    np.testing.assert_array_equal(reduced.text.corpus_features[kept],
                                  bundle.text.corpus_features[bundle.text.corpus.words.index("w7")])
    assert removal.removed_pool == len(NAMED)  # 4 nouns and the phrases of the 2 adjectives
    assert "banded scene" not in reduced.text.csp_pool.words and len(reduced.text.csp_features) == 400 - len(NAMED)
    assert reduced.provenance.corpus_name == "fake without OOD names" and reduced.label == bundle.label
    assert reduced.images is bundle.images
    negatives = reduced.negatives("density", SETTINGS)  # mined again, on the reduced corpus
    assert negatives.max() < len(reduced.text.corpus.words)


def test_names_in_the_selections(bundle):
    removal = report.without_ood_names(bundle, wordnet=FakeWordNet)
    assert report.names_in_selection(["Ocean", "w1", "canal"], [0, 1], ["ocean", "canal"]) == ["ocean"]
    found = report.leakage_rows({"full": bundle, "reduced": removal.bundle}, removal.names, SETTINGS)
    assert [(r["corpus"], r["negatives"]) for r in found] == [
        ("full", "NegLabel's rule"), ("full", "DNM's density selection"), ("reduced", "NegLabel's rule"),
        ("reduced", "DNM's density selection")]
    for row in found:
        picked = bundle.negatives("density" if "density" in row["negatives"] else "neglabel", SETTINGS)
        if row["corpus"] == "full":
            words = {bundle.text.corpus.words[i] for i in picked}
            assert row["SUN"] == len(words & set(report.concept_names("sun")))
        else:
            assert row["SUN"] == row["Textures"] == 0


def test_name_removal_refuses_what_it_cannot_do(bundle):
    custom = dataclasses.replace(bundle, images={"imagenet1k": bundle.images["imagenet1k"],
                                                 "my_scans": bundle.images["sun"]})
    assert "not registered label sets" in report.name_removal_problem(custom)
    fixed = dataclasses.replace(bundle, text=dataclasses.replace(bundle.text, fixed_negatives={"density": (1, 2)}))
    with pytest.raises(ValueError, match="fixed selection"):
        report.without_ood_names(fixed, wordnet=FakeWordNet)
    assert report.name_removal_problem(bundle) is None


def test_leakage_benchmark_pairs_the_two_corpora(bundle, result):
    removal = report.without_ood_names(bundle, wordnet=FakeWordNet)
    leakage = report.leakage_benchmark(result, removal.bundle, SETTINGS, methods=["neglabel", "dnm"])
    assert leakage.methods == (v.NEGLABEL, v.DNM_CLAMPED, v.NEGLABEL + report.NO_NAMES,
                               v.DNM_CLAMPED + report.NO_NAMES)
    np.testing.assert_array_equal(leakage.scores[v.NEGLABEL]["sun"], result.scores[v.NEGLABEL]["sun"])
    direct = removal.bundle.evaluate(["dnm"], SETTINGS)
    np.testing.assert_allclose(leakage.scores[v.DNM_CLAMPED + report.NO_NAMES]["sun"], direct.scores["dnm"]["sun"])
    found = report.claim_rows(leakage, report.leakage_claims(), num_resamples=50)
    name_rows = report.leakage_rows({"full": bundle}, removal.names, SETTINGS)
    records = report.leakage_records(removal, name_rows, leakage, found, ["neglabel", "dnm"])
    assert records["ood_names_removed_words"] == len(NAMED)
    assert records["fpr95_avg_dnm_no_names"] == pytest.approx(average_of(direct, "dnm", "fpr95"))
    assert records["no_names_dnm_vs_dnm_fpr95"] == pytest.approx(
        average_of(direct, "dnm", "fpr95") - average_of(result, v.DNM_CLAMPED, "fpr95"))
    assert {f"ood_names_{rule}_{ood}" for rule in ("neglabel", "dnm") for ood in OOD} <= set(records)
    table = report.leakage_table_rows(leakage, ["dnm"], "simulated")
    assert table[0]["FPR95 change"] == pytest.approx(records["no_names_dnm_vs_dnm_fpr95"])


@pytest.mark.parametrize(("before", "after", "phrase"), [
    ("A better", "A better", "lead over NegLabel survives"),
    ("A better", "no difference", "does not survive"),
    ("no difference", "A better", "no FPR95 lead over NegLabel on the full corpus either"),
])
def test_leakage_prose_compares_with_the_full_corpus(before, after, phrase):
    found = [*claim("no_names_dnm_vs_neglabel", fpr=(after, -3.0)), *claim("no_names_dnm_vs_dnm"),
             *claim("no_names_neglabel_vs_neglabel")]
    assert phrase in report.leakage_markdown(found, claim("dnm_vs_neglabel", fpr=(before, -3.0)))


def test_merge_refuses_other_images_and_clashing_names(result):
    one = report.restrict(result, [v.NEGLABEL])
    with pytest.raises(ValueError, match="rename one side"):
        report.merge(one, one)
    shorter = report.restrict(result, [v.NEGLABEL])
    shorter.scores[v.NEGLABEL] = {k: s[:10] for k, s in shorter.scores[v.NEGLABEL].items()}
    with pytest.raises(ValueError, match="different images"):
        report.merge(report.with_suffix(shorter, " x"), one)
    with pytest.raises(ValueError, match="were not evaluated"):
        report.restrict(result, ["CLIPN"])


# ----------------------------------------------------------------------------------------------- the prose

def test_csp_check_prose(result):
    records = report.csp_check_records({"csp": {"fpr95": 25.0}, "neglabel": {"fpr95": 28.0}})
    assert records["csp_minus_reported_fpr95"] == pytest.approx(25.0 - reported.fpr95("csp", "average"))
    assert records["csp_gain_over_neglabel_reported"] == pytest.approx(
        reported.fpr95("neglabel", "average") - reported.fpr95("csp", "average"))
    assert "direction right and understates" in report.csp_check_markdown(records)
    records["csp_gain_over_neglabel_fpr95"] = -1.0
    assert "does not reproduce CSP's gain" in report.csp_check_markdown(records)


def test_summary_says_where_the_numbers_come_from(bundle, result):
    records = {f"{metric}_avg_{m.replace('-', '_')}": average_of(result, label, metric)
               for m, label in report.METHOD_LABELS.items() for metric in ("fpr95", "auroc")}
    records.update({f"reported_fpr95_avg_{m}": reported.fpr95(m, "average") for m in ("mcm", "neglabel", "csp",
                                                                                       "dnm")})
    records.update({"official_tau": 0.5, "saturation_id_dnm": 0.0, "saturation_ood_dnm": 0.0,
                    "saturation_id_dnm_probability": 65.0, "saturation_ood_dnm_probability": 5.0})
    records.update(report.claim_records(report.claim_rows(result, report.benchmark_claims(SEEDS),
                                                          num_resamples=30)))
    text = report.summary_markdown(records, bundle, SEEDS)
    assert "simulated world calibrated on two numbers" in text
    assert f"MCM {records['fpr95_avg_mcm']:.2f}" in text
    real = report.summary_markdown(records, real_bundle(bundle), SEEDS)
    assert "simulated" not in real.lower() and "random weights" in real
    assert report.table_description(bundle, seed=2, partition_seed=3, bootstrap=9).startswith(
        f"Simulated: {SIZES['imagenet1k']:,} ID + {sum(SIZES[s] for s in OOD):,} OOD images (image seed 2, "
        "partition seed 3")


# ----------------------------------------------------------------------------------------------- figures

def test_roc_points_match_sklearn_and_the_auroc():
    rng = np.random.default_rng(0)
    id_scores = np.round(rng.normal(1, 1, 300), 1)  # rounding makes ties
    ood_scores = np.round(rng.normal(0, 1, 200), 1)
    fpr, tpr = report.roc_points(id_scores, ood_scores)
    labels = np.r_[np.ones(300), np.zeros(200)]
    ref_fpr, ref_tpr, _ = roc_curve(labels, np.r_[id_scores, ood_scores], drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    assert np.trapezoid(tpr, fpr) * 100 == pytest.approx(100 * roc_auc_score(labels, np.r_[id_scores, ood_scores]))


@pytest.mark.parametrize(("id_scores", "ood_scores", "match"), [
    ([], [1.0], "id_scores must be a non-empty 1-D"),
    ([1.0], [[1.0]], "ood_scores must be a non-empty 1-D"),
    ([1.0, float("nan")], [0.0], "id_scores contains NaN"),
])
def test_roc_points_bad_input(id_scores, ood_scores, match):
    with pytest.raises(ValueError, match=match):
        report.roc_points(id_scores, ood_scores)


def test_figures_carry_the_features_label(result):
    histograms = report.plot_score_histograms(result, ["MCM", v.DNM_CLAMPED], bins=20)
    assert isinstance(histograms, Figure) and len(histograms.axes) == 2 * 4
    assert result.label in histograms.get_suptitle()
    roc = report.plot_roc_curves(result, [v.DNM_CLAMPED])
    assert len(roc.axes) == 4 and len(roc.axes[0].lines) == 2  # the curve and the 95% line
    assert roc.axes[0].get_xscale() == "log" and result.label in roc.get_suptitle()
    with pytest.raises(ValueError, match="not in the evaluation"):
        report.plot_roc_curves(result, ["CLIPN"])
    with pytest.raises(ValueError, match="bins must be an int >= 2"):
        report.plot_score_histograms(result, ["MCM"], bins=1)


def test_histogram_values():
    values, label = report.histogram_values(v.DNM_PROBABILITY, np.array([0.9, 0.999, 1.0]))
    np.testing.assert_allclose(values, [1.0, 3.0, 7.0])  # 1.0 sits at the float32 floor 1e-7
    assert label == "-log10(1 - score)"
    values, label = report.histogram_values(v.DNM_CLAMPED, np.array([-3.0, 40.0]))  # log-odds: shown as they are
    np.testing.assert_array_equal(values, [-3.0, 40.0])
    assert label == "log-odds of the score"
    values, label = report.histogram_values("MCM", np.array([0.001, 0.002]))
    np.testing.assert_array_equal(values, [0.001, 0.002])
    assert label == "score"
    with pytest.raises(ValueError, match="no histogram axis for method 'DNM \\(official arithmetic\\)'"):
        report.histogram_values(v.DNM_OFFICIAL, np.array([0.5]))
    with pytest.raises(ValueError, match="needs scores in \\(0, 1\\]"):
        report.histogram_values(v.DNM_PROBABILITY, np.array([0.5, 1.2]))


def test_sizes_preset():
    assert report.sizes_preset("benchmark")["imagenet1k"] == 50_000
    with pytest.raises(ValueError, match="sizes preset 'huge'"):
        report.sizes_preset("huge")


# ------------------------------------------------------------------------------- the default run's records

def test_the_default_run_recorded_numbers_in_their_ranges():
    """The default profile's expected ranges (tests/expectations/03_main_benchmark.py, DEFAULT) against the
    notebook `make book` executed last; skipped where the book has not been built."""
    import importlib.util

    from debiasood.book import nb

    root = Path(__file__).resolve().parents[1]
    executed = root / "book" / "generated" / "03_main_benchmark.ipynb"
    if not executed.exists():
        pytest.skip("book/generated/03_main_benchmark.ipynb is absent: run `make book` first")
    parameters = json.loads(executed.read_text())["metadata"].get("papermill", {}).get("parameters", {})
    if parameters.get("SMOKE") or parameters.get("FEATURES", "simulated") != "simulated":
        pytest.skip("the built notebook is not the default run")
    spec = importlib.util.spec_from_file_location("expectations_03", root / "tests/expectations/03_main_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records = nb.read_records(executed)
    assert set(records) == set(module.DEFAULT), "re-run the default notebook or update DEFAULT"
    outside = {name: (records[name], bounds) for name, bounds in module.DEFAULT.items()
               if not bounds[0] <= records[name] <= bounds[1]}
    assert not outside, f"default records outside their ranges (value, (low, high)): {outside}"
