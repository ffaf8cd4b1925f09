"""The control suite and claims on a small simulated bundle."""

from __future__ import annotations

import numpy as np
import pytest

from debiasood.book import verdicts as v
from debiasood.core.evaluation import Settings


@pytest.fixture(scope="module")
def bundle():
    from debiasood.data.corpora import LabelCorpus
    from debiasood.world.export import simulated_bundle
    from debiasood.world.offline import OfflineSetup
    from debiasood.world.simulated import SemanticWorld

    rng = np.random.default_rng(2)

    def unit(n, d=16):
        x = rng.normal(size=(n, d))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    ids = unit(12)
    concepts = {"imagenet1k": ids, "sun": unit(5), "textures": unit(4)}
    words = tuple(f"w{i}" for i in range(300))
    pos = tuple(["noun"] * 240 + ["adj"] * 60)
    corpus = LabelCorpus("fake", words, pos, tuple(f"{w}.n.01" for w in words), tuple(["noun.x"] * 300))
    setup = OfflineSetup(None, SemanticWorld(concepts), {"id_mcm": ids, "id_neglabel": ids,
                                                         "corpus_features": unit(300)}, corpus, None)
    sizes = {"imagenet1k": 300, "sun": 120, "textures": 100}
    return simulated_bundle(setup, sizes, id_names=[str(i) for i in range(12)])


def test_the_suite_scores_every_control_on_the_same_images(bundle):
    settings = Settings(num_groups=10, k=5)  # Q = 6, a = tau - Q (1 - tau) / K > 0: the official form is safe
    result = v.control_suite(bundle, settings, random_seeds=(0, 1))
    assert result.methods == (v.NEGLABEL, v.NEGLABEL_AT_DNM_SIZE, v.random_label(0), v.random_label(1),
                              v.DENSITY_NEGLABEL_SCORE, v.DNM_CLAMPED, v.DNM_PROBABILITY, v.DNM_OFFICIAL)
    # tau = 1 turns DNM into NegLabel's score on the same negatives: the negatives-only control is exact.
    same = v.control_suite(bundle, Settings(num_groups=10, k=5, tau_neg=1.0), random_seeds=())
    for s in (bundle.id_set, *bundle.ood_sets):
        np.testing.assert_allclose(same.scores[v.DNM_CLAMPED][s], same.scores[v.DENSITY_NEGLABEL_SCORE][s],
                                   rtol=1e-5)
    rows = v.claims(result, [(v.DNM_CLAMPED, v.NEGLABEL), (v.DENSITY_NEGLABEL_SCORE, v.random_label(0))],
                    num_resamples=100)
    assert [(r["A"], r["metric"]) for r in rows] == [(v.DNM_CLAMPED, "fpr95"), (v.DNM_CLAMPED, "auroc"),
                                                     (v.DENSITY_NEGLABEL_SCORE, "fpr95"),
                                                     (v.DENSITY_NEGLABEL_SCORE, "auroc")]
    # A percentile interval need not contain the point estimate; it must be an interval, labelled.
    assert all(r["low"] <= r["high"] and r["world"] == bundle.label for r in rows)
    shares = v.saturation_rows(result, [v.DNM_CLAMPED, v.NEGLABEL])
    assert all(0 <= r["ID at the maximum (%)"] <= 100 for r in shares)


@pytest.mark.parametrize(("metric", "low", "high", "expected"), [
    ("fpr95", -3, -1, "A better"), ("fpr95", 1, 3, "B better"), ("fpr95", -1, 1, "no difference"),
    ("auroc", 1, 3, "A better"), ("auroc", -3, -1, "B better"), ("auroc", 0, 0, "no difference")])
def test_verdicts_read_the_interval_in_the_metric_s_direction(metric, low, high, expected):
    assert v.verdict(metric, low, high) == expected


def test_verdict_rejects_a_broken_interval():
    with pytest.raises(ValueError, match="finite interval"):
        v.verdict("fpr95", 2, 1)
