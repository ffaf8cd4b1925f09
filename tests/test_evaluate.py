"""evaluate_scores: one partition for ID and every OOD set, metric rows and averages, bad input."""

import numpy as np
import pytest

from debiasood import neglabel_score, ood_metrics, partition_negatives
from debiasood.core.evaluation import SCORE_CONTEXT, SCORES, ScoreSettings, evaluate_scores

PLAIN_SCORES = [name for name in SCORES if name not in SCORE_CONTEXT]  # scores that need no context


def unit(rng, n, d):
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def world():
    rng = np.random.default_rng(0)
    id_text, neg_text = unit(rng, 30, 16), unit(rng, 200, 16)
    # ID images near their labels, OOD images near some negatives: every score should beat chance.
    id_images = id_text[rng.integers(0, 30, 300)] + 0.4 * rng.normal(size=(300, 16))
    ood = {name: neg_text[rng.integers(0, 200, n)] + 0.4 * rng.normal(size=(n, 16))
           for name, n in (("a", 150), ("b", 120))}
    norm = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    return norm(id_images), {k: norm(v) for k, v in ood.items()}, id_text, neg_text


def test_rows_match_the_functions_they_wrap(world):
    id_images, ood, id_text, neg_text = world
    settings = ScoreSettings(num_groups=10, temperature=0.05, seed=3)
    rows = evaluate_scores(id_images, ood, id_text, neg_text, scores=PLAIN_SCORES, settings=settings)
    assert [(r["score"], r["ood"]) for r in rows] == [(s, o) for s in PLAIN_SCORES for o in ("a", "b", "average")]
    groups = partition_negatives(200, 10, seed=3)
    expected = ood_metrics(neglabel_score(id_images, id_text, neg_text, temperature=0.05, groups=groups),
                           neglabel_score(ood["b"], id_text, neg_text, temperature=0.05, groups=groups))
    row = next(r for r in rows if r["score"] == "neglabel" and r["ood"] == "b")
    assert {k: row[k] for k in expected} == expected
    for name in PLAIN_SCORES:
        a, b, avg = (r for r in rows if r["score"] == name)
        assert avg["auroc"] == pytest.approx((a["auroc"] + b["auroc"]) / 2)
        assert a["auroc"] > 65, name  # far above chance (50) for every score


def test_bootstrap_columns(world):
    id_images, ood, id_text, neg_text = world
    rows = evaluate_scores(id_images, ood, id_text, neg_text, scores=["dnm"], bootstrap=50,
                           settings=ScoreSettings(num_groups=10))
    first, average = rows[0], rows[-1]
    assert list(first) == list(average)
    assert first["auroc_low"] <= first["auroc"] <= first["auroc_high"]
    # The average row has its own interval: the interval of the average over the sets on shared resamples.
    assert average["ood"] == "average" and average["auroc_low"] <= average["auroc"] <= average["auroc_high"]
    per_set_widths = [r["auroc_high"] - r["auroc_low"] for r in rows[:-1]]
    assert average["auroc_high"] - average["auroc_low"] <= max(per_set_widths)


def test_evaluation_result_type_and_paired_difference(world):
    from debiasood.core.evaluation import Evaluation, MethodInput, evaluate

    id_images, ood, id_text, neg_text = world
    settings = ScoreSettings(num_groups=10)
    result = evaluate({"id": id_images, **ood}, "id",
                      {"NegLabel": MethodInput("neglabel", id_text, neg_text),
                       "DNM": MethodInput("dnm", id_text, neg_text),
                       "MCM": MethodInput("mcm", id_text)}, settings=settings, label="simulated: test")
    assert isinstance(result, Evaluation) and result.methods == ("NegLabel", "DNM", "MCM")
    assert {r["world"] for r in result.rows()} == {"simulated: test"}
    # tau_neg = 1 turns DNM into NegLabel: identical scores, so the paired difference is exactly 0.
    same = evaluate({"id": id_images, **ood}, "id", {"a": MethodInput("neglabel", id_text, neg_text),
                                                       "b": MethodInput("dnm", id_text, neg_text)},
                    settings=ScoreSettings(num_groups=10, tau_neg=1.0))
    paired = same.paired("a", "b", num_resamples=50)
    assert all(abs(r["difference"]) < 1e-9 and abs(r["low"]) < 1e-9 and abs(r["high"]) < 1e-9 for r in paired)
    rows = result.paired("NegLabel", "MCM", num_resamples=100)
    assert {(r["ood"], r["metric"]) for r in rows} == {(s, m) for s in (*ood, "average") for m in ("fpr95", "auroc")}
    assert all(r["low"] <= r["difference"] <= r["high"] for r in rows)
    with pytest.raises(ValueError, match="was not evaluated"):
        result.paired("NegLabel", "CSP")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"scores": ["maha"]}, "unknown score"), ({"scores": []}, "unknown score"),
     ({"ood_images": {}}, "ood_images is empty"), ({"convention": "x"}, "convention"),
     ({"neg_text": None}, "neg_text is None"), ({"bootstrap": -1}, "bootstrap")],
)
def test_bad_input(world, kwargs, match):
    id_images, ood, id_text, neg_text = world
    args = {"ood_images": ood, "neg_text": neg_text, **kwargs}
    with pytest.raises(ValueError, match=match):
        evaluate_scores(id_images, args.pop("ood_images"), id_text, args.pop("neg_text"), **args)


def test_mcm_needs_no_negatives(world):
    id_images, ood, id_text, _ = world
    assert len(evaluate_scores(id_images, ood, id_text, None, scores=["mcm"])) == 3


@pytest.mark.parametrize("kwargs", [{"tau_neg": 0.0}, {"num_groups": 0}, {"temperature": -1.0}])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        ScoreSettings(**kwargs)


def test_a_score_with_context_gets_it_and_only_it(world):
    from debiasood.core.evaluation import MethodInput, evaluate
    from debiasood.core.scores import PairFeatureCache, negrefine_score

    id_images, ood, id_text, neg_text = world
    table = np.random.default_rng(7).normal(size=(64, 16))

    def encode(texts):  # a stand-in text encoder: a fixed random embedding per hashed text
        return np.stack([table[sum(map(ord, t)) % 64] for t in texts])

    settings = ScoreSettings(num_groups=10)
    id_labels, neg_labels = [f"class {i}" for i in range(30)], [f"neg {j}" for j in range(200)]
    cache = PairFeatureCache(encode, templates=None)
    context = {"id_labels": id_labels, "neg_labels": neg_labels, "encode_pair_texts": cache}
    result = evaluate({"id": id_images, **ood}, "id", {"negrefine": MethodInput("negrefine", id_text, neg_text,
                                                                                 context)}, settings=settings)
    expected = negrefine_score(ood["a"], id_text, neg_text, id_labels=id_labels, neg_labels=neg_labels,
                               encode_pair_texts=PairFeatureCache(encode, templates=None),
                               groups=settings.groups(200))
    np.testing.assert_allclose(result.scores["negrefine"]["a"], np.asarray(expected), rtol=1e-6)
    with pytest.raises(ValueError, match="needs the context"):
        evaluate({"id": id_images, **ood}, "id", {"n": MethodInput("negrefine", id_text, neg_text)})
    with pytest.raises(ValueError, match="needs the context none"):
        evaluate({"id": id_images, **ood}, "id", {"n": MethodInput("neglabel", id_text, neg_text, context)})


@pytest.mark.parametrize(("backbone", "id_set", "expected"), [
    ("ViT-B/16", "imagenet1k", (0.5, 100, 0.23, 0.13)),
    ("ViT-B-32", "imagenet1k", (0.12, 10, 0.25, 0.13)),
    ("ViT-L-14-336", "imagenet1k", (0.12, 100, 0.25, 0.08)),
    ("ViT-B/16", "imagenet-r", (1.0, 100, 0.23, 0.13)),
])
def test_official_settings_per_backbone_and_id_set(backbone, id_set, expected):
    settings = ScoreSettings.official(backbone, id_set)
    assert (settings.tau_neg, settings.k, settings.noun_quota, settings.adj_quota) == expected
    assert ScoreSettings.official(backbone, id_set, num_groups=10).num_groups == 10
    with pytest.raises(ValueError, match="no settings for backbone"):
        ScoreSettings.official("ViT-H-14")


def test_dnm_scores_use_the_settings_positives(world):
    from debiasood.core.scores import dnm_score, perturbed_positives

    id_images, ood, id_text, neg_text = world
    settings = ScoreSettings(num_groups=10, sigma=0.1, num_positive_samples=2, seed=4)
    rows = evaluate_scores(id_images, {"a": ood["a"]}, id_text, neg_text, scores=["dnm"], settings=settings)
    positives = perturbed_positives(id_text, sigma=0.1, num_samples=2, seed=4)
    groups = settings.groups(len(neg_text))
    # The evaluation layer's "dnm" is the clamped score on the log-odds scale (no rounding ties).
    common = dict(groups=groups, positives=positives, scale="log-odds")
    expected = ood_metrics(dnm_score(id_images, id_text, neg_text, **common),
                           dnm_score(ood["a"], id_text, neg_text, **common))
    assert {k: rows[0][k] for k in expected} == expected
    plain = evaluate_scores(id_images, {"a": ood["a"]}, id_text, neg_text, scores=["dnm"],
                            settings=ScoreSettings(num_groups=10, seed=4))
    assert plain[0]["auroc"] != rows[0]["auroc"]  # sigma is not silently ignored
