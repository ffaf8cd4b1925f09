"""debiasood.book.simulated_world (the simulated-world page), on small fake concept embeddings: fast, no encoder."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from debiasood.book import simulated_world as wf
from debiasood.core.metrics import ood_metrics
from debiasood.core.scores import neglabel_score
from debiasood.world import simulated as W
from debiasood.world.simulated import SemanticWorld, WorldParams

D = 24
SIZES = {"imagenet1k": 400, "inaturalist": 100, "sun": 100, "places": 100, "textures": 100}


def _unit(rng, n, d=D):
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def fake():
    rng = np.random.default_rng(11)
    ids = _unit(rng, 40)
    concepts = {"imagenet1k": ids}
    for i, name in enumerate(W.OOD_SETS):
        concepts[name] = 0.4 * (i / 3) * ids[rng.integers(0, 40, 8)] + _unit(rng, 8)
    text = {"id_mcm": ids + 0.3 * _unit(rng, 40), "id_neglabel": ids + 0.3 * _unit(rng, 40),
            "negatives": _unit(rng, 300), "csp_negatives": _unit(rng, 200)}
    return SemanticWorld(concepts, params=WorldParams(noise=0.5, confusion=0.3)), text


@pytest.fixture(scope="module")
def draw(fake):
    world, text = fake
    return wf.score_world(world, text["id_mcm"], text["id_neglabel"],
                          {"neglabel": text["negatives"], "csp": text["csp_negatives"]}, sizes=SIZES, seed=2)


def test_score_world_matches_world_evaluate(fake, draw):
    # Reference: debiasood.world.simulated.evaluate scores the same draw with the same settings.
    world, text = fake
    ev = W.evaluate(world, text["id_mcm"], text["id_neglabel"], text["negatives"], sizes=SIZES, seed=2)
    assert draw.top1 == pytest.approx(ev.top1)
    assert draw.top1 == pytest.approx(W.top1_accuracy(world, text["id_mcm"], SIZES["imagenet1k"], seed=2))
    for method in ("mcm", "neglabel"):
        for s in W.OOD_SETS:
            assert draw.fpr95[method][s] == pytest.approx(ev.fpr95[method][s])
            assert draw.auroc[method][s] == pytest.approx(ev.auroc[method][s])
        assert draw.average(method) == pytest.approx(ev.average(method))
    assert draw.methods == ("mcm", "neglabel", "csp") and draw.ood_sets == W.OOD_SETS


def test_csp_is_neglabel_score_on_csp_negatives(fake, draw):
    world, text = fake
    images = world.images("sun", SIZES["sun"], seed=2).features
    expected = neglabel_score(images, world.text(text["id_neglabel"]), world.text(text["csp_negatives"]))
    np.testing.assert_allclose(draw.scores["csp"]["sun"], np.asarray(expected), rtol=1e-6)
    result = ood_metrics(draw.scores["csp"]["imagenet1k"], draw.scores["csp"]["sun"])
    assert draw.fpr95["csp"]["sun"] == pytest.approx(result["fpr95"])


def test_draw_keeps_alignment_and_threshold(fake, draw):
    world, _ = fake
    np.testing.assert_array_equal(draw.alignment["places"], world.images("places", 100, seed=2).alignment)
    assert {s: len(a) for s, a in draw.alignment.items()} == SIZES
    id_scores = draw.scores["mcm"]["imagenet1k"]
    # The FPR95 operating point keeps 95% of the ID images.
    assert np.mean(id_scores >= draw.threshold("mcm")) == pytest.approx(0.95, abs=0.005)


def test_variant_worlds(fake):
    world, _ = fake
    variants = wf.variant_worlds(world)
    assert list(variants) == list(wf.VARIANTS)
    naive = variants["isotropic noise only"].params
    assert (naive.confusion, naive.overlap, naive.align_min, naive.noise) == (0.0, 0.0, 1.0, world.params.noise)
    assert variants["+ per-image alignment (fitted)"].params == world.params
    flat = variants["+ confusion and OOD overlap"].images("sun", 50).alignment
    np.testing.assert_allclose(flat, 1.0)


def _average_ranks(x):
    ordinal = np.empty(len(x))
    ordinal[np.argsort(x, kind="stable")] = np.arange(len(x))
    _, which = np.unique(x, return_inverse=True)
    return (np.bincount(which, ordinal) / np.bincount(which))[which]  # ties share their mean rank


def _rank_correlation(x, y):
    return np.corrcoef(_average_ranks(x), _average_ranks(y))[0, 1]


def test_alignment_correlation_and_rejection_match_plain_references(draw):
    a, s = draw.alignment["imagenet1k"], draw.scores["mcm"]["imagenet1k"]
    assert wf.alignment_correlation(draw, "mcm") == pytest.approx(_rank_correlation(a, s), abs=1e-9)
    assert wf.alignment_correlation(draw, "neglabel", "sun") == pytest.approx(
        _rank_correlation(draw.alignment["sun"], draw.scores["neglabel"]["sun"]), abs=1e-9)
    weakest = np.argsort(a)[: int(0.25 * len(a))]
    expected = np.mean(s[weakest] < np.quantile(s, 0.05))
    assert wf.low_alignment_rejection(draw, "mcm", 0.25) == pytest.approx(expected)
    assert wf.low_alignment_rejection(draw, "mcm", 1.0) == pytest.approx(0.05, abs=0.005)


def test_mcm_follows_alignment_more_than_neglabel(fake):
    # The mechanism of the page: with a wide alignment spread, MCM ranks ID images by a, NegLabel much less.
    world, text = fake
    spread = world.with_params(align_min=0.2)
    d = wf.score_world(spread, text["id_mcm"], text["id_neglabel"], {"neglabel": text["negatives"]},
                       sizes={"imagenet1k": 600, "sun": 100}, seed=0)
    assert wf.alignment_correlation(d, "mcm") > 0.8
    assert wf.alignment_correlation(d, "mcm") > wf.alignment_correlation(d, "neglabel") + 0.2


def test_tables(draw):
    rows = wf.variant_rows({"a": draw, "b": draw})
    assert [r["world"] for r in rows] == ["simulated", "simulated", wf.REPORTED_LABEL]
    assert rows[0]["MCM FPR95"] == pytest.approx(draw.average("mcm"))
    assert rows[-1]["MCM FPR95"] == pytest.approx(W.ANCHORS["mcm"], abs=0.005)
    assert rows[-1]["NegLabel FPR95"] == pytest.approx(W.ANCHORS["neglabel"], abs=0.005)

    per_set = wf.per_set_rows(draw)
    assert len(per_set) == 3 * 5 and all(r["world"] == "simulated" for r in per_set)
    first = per_set[0]
    assert (first["method"], first["ood"]) == ("MCM", "iNaturalist")
    assert first["FPR95 (this run)"] == pytest.approx(draw.fpr95["mcm"]["inaturalist"])
    assert first[f"FPR95 {wf.REPORTED_LABEL}"] == W.REPORTED_FPR95["mcm"]["inaturalist"]
    assert first["simulated - reported"] == pytest.approx(draw.fpr95["mcm"]["inaturalist"] - 30.91)
    assert first["FPR95 (full size, stored)"] == pytest.approx((33.95 + 32.61) / 2)
    average_csp = per_set[-1]
    assert average_csp["ood"] == "average" and average_csp["FPR95 (full size, stored)"] == "not stored"
    assert average_csp[f"FPR95 {wf.REPORTED_LABEL}"] == pytest.approx(17.51, abs=0.005)


def test_figures_are_returned_not_registered(fake, draw):
    world, text = fake
    cal = W.calibrate(world, text["id_mcm"], text["id_neglabel"], text["negatives"], top1_target=None,
                      sizes=SIZES, align_grid=(0.4, 0.8), overlap_grid=(0.2, 0.6), refine=False)
    before = plt.get_fignums()
    figures = {
        "variants": wf.plot_variants({"one": draw}),
        "alignment": wf.plot_alignment(draw, bins=6),
        "calibration": wf.plot_calibration(cal),
        "per_set": wf.plot_per_set(draw),
    }
    assert plt.get_fignums() == before
    assert all(isinstance(f, Figure) for f in figures.values())
    assert [len(f.axes) for f in figures.values()] == [1, 3, 2, 3]
    assert "simulated" in figures["alignment"].get_suptitle().lower()
    assert "simulated" in figures["per_set"].get_suptitle().lower()


def test_parse_grid():
    assert wf.parse_grid("CAL_ALIGN_GRID", "0.3, 0.5,0.7") == (0.3, 0.5, 0.7)
    for bad in ("", "0.3, x", "0.3, 0.3", "-1, 2", "nan", 0.5):
        with pytest.raises(ValueError, match="CAL_ALIGN_GRID"):
            wf.parse_grid("CAL_ALIGN_GRID", bad)


@pytest.mark.parametrize("change, message", [
    (dict(sizes={"sun": 10}), "sizes must map the ID set"),
    (dict(sizes={"imagenet1k": 10}), "at least one OOD set"),
    (dict(sizes={"imagenet1k": 10, "mars": 5}), "unknown set"),
    (dict(sizes={"imagenet1k": 10, "sun": 0}), r"sizes\['sun'\]"),
    (dict(sizes={"imagenet1k": 10, "sun": 2.5}), r"sizes\['sun'\]"),
    (dict(seed=-1), "seed"),
    (dict(seed=True), "seed"),
    (dict(negatives={"mcm": None}), "negatives"),
    (dict(negatives={"neglabel": np.ones((5, D + 1))}), r"negatives\['neglabel'\]"),
    (dict(id_mcm=np.ones((39, D))), "id_mcm"),
    (dict(id_neglabel=np.ones(D)), "id_neglabel"),
    (dict(world="not a world"), "world"),
])
def test_score_world_rejects_bad_input(fake, change, message):
    world, text = fake
    arguments = dict(world=world, id_mcm=text["id_mcm"], id_neglabel=text["id_neglabel"],
                     negatives={"neglabel": text["negatives"]}, sizes={"imagenet1k": 10, "sun": 5}, seed=0)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        wf.score_world(arguments.pop("world"), arguments.pop("id_mcm"), arguments.pop("id_neglabel"),
                       **arguments)


def test_other_bad_inputs(fake, draw):
    with pytest.raises(ValueError, match="metric"):
        draw.average("mcm", "aupr")
    with pytest.raises(ValueError, match="method 'dnm'"):
        draw.average("dnm")
    with pytest.raises(ValueError, match="method 'dnm'"):
        wf.alignment_correlation(draw, "dnm")
    with pytest.raises(ValueError, match="set_name"):
        wf.alignment_correlation(draw, "mcm", "mars")
    with pytest.raises(ValueError, match="share"):
        wf.low_alignment_rejection(draw, "mcm", 0.0)
    with pytest.raises(ValueError, match="method 'dnm'"):
        wf.per_set_rows(draw, ("mcm", "dnm"))
    with pytest.raises(ValueError, match="draws is empty"):
        wf.variant_rows({})
    with pytest.raises(ValueError, match="variants is empty"):
        wf.variant_worlds(fake[0], {})
    with pytest.raises(ValueError, match="bins"):
        wf.plot_alignment(draw, bins=0)
    with pytest.raises(ValueError, match="calibration"):
        wf.plot_calibration("not a calibration")
