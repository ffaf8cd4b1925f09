"""debiasood.book.main_benchmark: reported numbers, the main table and its files, score draws, partition spread,
figures."""

import csv
import io
import math

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from debiasood.book import main_benchmark as report
from debiasood.core.evaluation import SCORES, ScoreSettings
from debiasood.world.offline import simulated_benchmark
from debiasood.world.simulated import ANCHORS, OOD_SETS, REPORTED_FPR95, SemanticWorld

SIZES = {"imagenet1k": 300, "inaturalist": 80, "sun": 80, "places": 80, "textures": 80}
SETTINGS = ScoreSettings(num_groups=10)
GROUPED = ("neglabel", "csp", "dnm", "dnm-official")


def unit(rng, n, d=24):
    x = rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def fake():
    """A small SemanticWorld and benchmark text features from random unit vectors (no encoder)."""
    rng = np.random.default_rng(3)
    ids = unit(rng, 30)
    concepts = {"imagenet1k": ids, **{name: unit(rng, 6) for name in OOD_SETS}}
    corpus = unit(rng, 400)
    text = {"id_mcm": ids, "id_neglabel": ids, "corpus_features": corpus, "negatives": corpus[:200],
            "csp_negatives": corpus[100:300]}
    words, pos = [f"w{i}" for i in range(400)], ["noun"] * 300 + ["adj"] * 100
    density = np.arange(150, 400, 2)
    return SemanticWorld(concepts), text, words, pos, density


@pytest.fixture(scope="module")
def rows(fake):
    world, text, words, pos, density = fake
    return simulated_benchmark(world, text, words, pos, methods=("mcm", *GROUPED), sizes=SIZES, settings=SETTINGS,
                               bootstrap=20, density_indices=density)


def images_of(world, seed=0):
    return {name: world.images(name, n, seed=seed).features for name, n in SIZES.items()}


# ------------------------------------------------------------------------------------------ reported numbers

def test_reported_numbers_agree_with_the_world_and_their_own_averages():
    for method, by_set in report.REPORTED.items():
        assert {s: by_set[s][0] for s in OOD_SETS} == REPORTED_FPR95[method]
        for metric in (0, 1):  # an average is the mean of the four sets, rounded to 2 decimals
            assert by_set["average"][metric] == pytest.approx(np.mean([by_set[s][metric] for s in OOD_SETS]),
                                                              abs=0.0051)
    assert {m: report.REPORTED[m]["average"][0] for m in ANCHORS} == ANCHORS
    assert report.REPORTED_DNM["inaturalist"] == (1.78, 99.51)
    assert report.REPORTED_DNM["average"] == (16.90, None)
    assert report.reported("dnm-official") is report.REPORTED_DNM
    with pytest.raises(ValueError, match="no reported numbers for method 'clipn'"):
        report.reported("clipn")


def test_sizes_preset():
    assert report.sizes_preset("benchmark")["imagenet1k"] == 50_000
    with pytest.raises(ValueError, match="sizes preset 'huge'"):
        report.sizes_preset("huge")


# --------------------------------------------------------------------------------------------- main table

def test_main_table_puts_reported_rows_beside_simulated_ones(rows):
    table = report.main_table_rows(rows)
    assert [(r["method"], r["world"]) for r in table] == [
        ("MCM", "simulated"), ("MCM", report.REPORTED_LABEL), ("NegLabel", "simulated"),
        ("NegLabel", report.REPORTED_LABEL), ("CSP", "simulated"), ("CSP", report.REPORTED_LABEL),
        ("DNM (clamped)", "simulated"), ("DNM (official arithmetic)", "simulated"), ("DNM", report.REPORTED_LABEL)]
    assert list(table[0]) == ["method", "world", "iNaturalist", "SUN", "Places", "Textures", "Average"]
    mcm_average = next(r for r in rows if r["method"] == "mcm" and r["ood"] == "average")
    assert table[0]["Average"] == f"{mcm_average['fpr95']:.2f} / {mcm_average['auroc']:.2f}"
    assert table[1]["iNaturalist"] == "30.91 / 94.61"
    assert table[5]["SUN"] == "13.66 / 96.66*"  # recalled by third parties
    assert table[8]["SUN"] == "– / –" and table[8]["Average"] == "16.90 / –†"


def test_main_table_files(rows, tmp_path):
    md_path, csv_path = report.write_main_table(rows, tmp_path / "out", description="Simulated: tiny fake world.")
    markdown = md_path.read_text()
    caption, table = markdown.split("\n\n", 1)
    assert caption.startswith("**Main benchmark (simulated vs reported).**") and "NOT from CLIP" in caption
    assert caption.endswith("Simulated: tiny fake world.")
    assert table.splitlines()[0] == "| method | world | iNaturalist | SUN | Places | Textures | Average |"
    assert len(table.splitlines()) == 2 + 9

    lines = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    simulated = [line for line in lines if line["world"] == "simulated"]
    reported = [line for line in lines if line["world"] == report.REPORTED_LABEL]
    assert len(simulated) == 5 * 5 and len(reported) == 4 * 5
    sun = next(line for line in simulated if line["method"] == "dnm" and line["ood"] == "sun")
    row = next(r for r in rows if r["method"] == "dnm" and r["ood"] == "sun")
    assert float(sun["fpr95_low"]) == pytest.approx(row["fpr95_low"], abs=0.005)
    assert float(sun["aupr_out"]) == pytest.approx(row["aupr_out"], abs=0.005)
    dnm_sun = next(line for line in reported if line["method"] == "dnm" and line["ood"] == "sun")
    assert math.isnan(float(dnm_sun["fpr95"])) and math.isnan(float(dnm_sun["aupr_in"]))
    csp_places = next(line for line in reported if line["method"] == "csp" and line["ood"] == "places")
    assert float(csp_places["auroc"]) == 92.90 and "third parties" in csp_places["note"]


def test_main_table_bad_input(rows, tmp_path):
    with pytest.raises(ValueError, match="rows is empty"):
        report.main_table_rows([])
    with pytest.raises(ValueError, match="world = 'simulated'"):
        report.main_table_rows([{**rows[0], "world": "clip"}])
    with pytest.raises(ValueError, match="lack OOD set"):
        report.main_table_rows([r for r in rows if r["ood"] != "places"])
    with pytest.raises(ValueError, match="lacks \\['auroc'\\]"):
        report.main_table_csv([{k: v for k, v in rows[0].items() if k != "auroc"}])
    with pytest.raises(ValueError, match="description is empty"):
        report.main_table_markdown(rows, description="  ")
    with pytest.raises(ValueError, match="stem must be"):
        report.write_main_table(rows, tmp_path, description="x", stem="a/b")


def test_interval_rows(rows, fake):
    intervals = report.interval_rows(rows)
    assert len(intervals) == 5 * 4 and all(r["world"] == "simulated" for r in intervals)
    assert all(r["95% low"] <= r["95% high"] and r["width"] >= 0 for r in intervals)
    world, text, words, pos, density = fake
    plain = simulated_benchmark(world, text, words, pos, methods=("mcm",), sizes=SIZES)
    with pytest.raises(ValueError, match="no bootstrap intervals"):
        report.interval_rows(plain)
    with pytest.raises(ValueError, match="metric must be one of"):
        report.interval_rows(rows, "accuracy")


# ------------------------------------------------------------------------------------------- score draws

def test_score_draw_reproduces_simulated_benchmark(fake, rows):
    world, text, _, _, density = fake
    draw = report.score_draw(world, text, images_of(world), methods=("mcm", *GROUPED), density_indices=density,
                             settings=SETTINGS)
    for method in ("mcm", *GROUPED):
        metrics = draw.metrics(method)
        for row in (r for r in rows if r["method"] == method):
            assert metrics[row["ood"]]["fpr95"] == pytest.approx(row["fpr95"], abs=1e-9)
            assert metrics[row["ood"]]["auroc"] == pytest.approx(row["auroc"], abs=1e-9)
    assert draw.ood_sets == tuple(OOD_SETS) and draw.partition_seed == 0


def test_method_negatives_and_scores(fake):
    world, text, _, _, density = fake
    assert report.method_negatives(text, "mcm") is None
    np.testing.assert_array_equal(report.method_negatives(text, "csp"), text["csp_negatives"])
    np.testing.assert_array_equal(report.method_negatives(text, "dnm", density), text["corpus_features"][density])
    images = images_of(world)
    draw = report.score_draw(world, text, images, methods=("neglabel",), settings=SETTINGS)
    direct = SCORES["neglabel"](images["sun"], world.text(text["id_neglabel"]), world.text(text["negatives"]),
                                SETTINGS)
    np.testing.assert_allclose(draw.scores["neglabel"]["sun"], direct)


@pytest.mark.parametrize(("method", "kwargs", "match"), [
    ("clipn", {}, "unknown method 'clipn'"),
    ("dnm", {}, "needs density_indices"),
])
def test_method_negatives_bad_input(fake, method, kwargs, match):
    with pytest.raises(ValueError, match=match):
        report.method_negatives(fake[1], method, **kwargs)


def test_score_draw_bad_input(fake):
    world, text, _, _, _ = fake
    with pytest.raises(ValueError, match="needs text\\['csp_negatives'\\]"):
        report.method_negatives({k: v for k, v in text.items() if k != "csp_negatives"}, "csp")
    with pytest.raises(ValueError, match="must hold the ID set"):
        report.score_draw(world, text, {"sun": images_of(world)["sun"]}, methods=("mcm",))
    with pytest.raises(ValueError, match="methods is empty"):
        report.score_draw(world, text, images_of(world), methods=())
    draw = report.score_draw(world, text, images_of(world), methods=("mcm",))
    with pytest.raises(ValueError, match="method 'dnm' was not scored"):
        draw.metrics("dnm")


# -------------------------------------------------------------------------------------- partition spread

def test_partition_spread_changes_only_the_partition(fake):
    world, text, _, _, density = fake
    images = images_of(world)
    spread_rows, first = report.partition_spread(world, text, images, methods=("neglabel", "dnm"), seeds=[4, 7],
                                                 density_indices=density, settings=SETTINGS)
    assert first.partition_seed == 4
    again = report.score_draw(world, text, images, methods=("dnm",), density_indices=density,
                              settings=ScoreSettings(num_groups=10, seed=7))
    seed7 = {r["ood"]: r for r in spread_rows if r["seed"] == 7 and r["method"] == "dnm"}
    assert seed7["sun"]["fpr95"] == pytest.approx(again.metrics("dnm")["sun"]["fpr95"])
    assert not np.allclose(first.scores["dnm"]["sun"], again.scores["dnm"]["sun"])  # another partition
    assert len(spread_rows) == 2 * 2 * 5

    summary = report.spread_summary(spread_rows)
    values = [r["fpr95"] for r in spread_rows if r["method"] == "neglabel" and r["ood"] == "average"]
    assert summary["neglabel"]["mean"] == pytest.approx(np.mean(values))
    assert summary["neglabel"]["sd"] == pytest.approx(np.std(values, ddof=1))
    assert summary["neglabel"]["max"] - summary["neglabel"]["min"] == pytest.approx(abs(values[0] - values[1]))
    table = report.spread_table_rows(summary)
    assert [r["method"] for r in table] == ["NegLabel", "DNM (clamped)"] and table[0]["partitions"] == 2


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"methods": ("mcm", "dnm"), "seeds": [0, 1]}, "grouped-score methods"),
    ({"methods": ("dnm",), "seeds": [0]}, "at least two distinct"),
    ({"methods": ("dnm",), "seeds": [1, 1]}, "at least two distinct"),
])
def test_partition_spread_bad_input(fake, kwargs, match):
    world, text, _, _, density = fake
    with pytest.raises(ValueError, match=match):
        report.partition_spread(world, text, images_of(world), density_indices=density, **kwargs)


def test_spread_summary_bad_input():
    row = {"world": "simulated", "method": "dnm", "seed": 0, "ood": "average", "fpr95": 1.0, "auroc": 99.0}
    with pytest.raises(ValueError, match="fewer than two seeds"):
        report.spread_summary([row])
    with pytest.raises(ValueError, match="no rows for ood 'sun'"):
        report.spread_summary([row, {**row, "seed": 1}], ood="sun")
    with pytest.raises(ValueError, match="metric must be"):
        report.spread_summary([row], metric="aupr_in")


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
    from debiasood.core.metrics import ood_metrics

    assert np.trapezoid(tpr, fpr) * 100 == pytest.approx(ood_metrics(id_scores, ood_scores)["auroc"])


@pytest.mark.parametrize(("id_scores", "ood_scores", "match"), [
    ([], [1.0], "id_scores must be a non-empty 1-D"),
    ([1.0], [[1.0]], "ood_scores must be a non-empty 1-D"),
    ([1.0, float("nan")], [0.0], "id_scores contains NaN"),
])
def test_roc_points_bad_input(id_scores, ood_scores, match):
    with pytest.raises(ValueError, match=match):
        report.roc_points(id_scores, ood_scores)


def test_figures(fake):
    world, text, _, _, density = fake
    draw = report.score_draw(world, text, images_of(world), methods=("mcm", "dnm"), density_indices=density,
                             settings=SETTINGS)
    histograms = report.plot_score_histograms(draw, bins=20)
    assert isinstance(histograms, Figure) and len(histograms.axes) == 2 * 4
    assert "simulated" in histograms.get_suptitle()
    roc = report.plot_roc_curves(draw, ["dnm"])
    assert len(roc.axes) == 4 and len(roc.axes[0].lines) == 2  # the curve and the 95% line
    assert roc.axes[0].get_xscale() == "log"
    assert "simulated" in roc.get_suptitle()
    with pytest.raises(ValueError, match="not in the draw"):
        report.plot_roc_curves(draw, ["csp"])
    with pytest.raises(ValueError, match="bins must be an int >= 2"):
        report.plot_score_histograms(draw, bins=1)


def test_histogram_values():
    values, label = report.histogram_values("dnm", np.array([0.9, 0.999, 1.0]))
    np.testing.assert_allclose(values, [1.0, 3.0, 7.0])  # 1.0 sits at the float32 floor 1e-7
    assert label == "-log10(1 - score)"
    values, label = report.histogram_values("mcm", np.array([0.001, 0.002]))
    np.testing.assert_array_equal(values, [0.001, 0.002])
    assert label == "score"
    with pytest.raises(ValueError, match="no histogram axis for method 'dnm-official'"):
        report.histogram_values("dnm-official", np.array([0.5]))
    with pytest.raises(ValueError, match="needs scores in \\(0, 1\\]"):
        report.histogram_values("neglabel", np.array([0.5, 1.2]))
