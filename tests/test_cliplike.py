"""The offline world on the CLIP-like text side (debiasood.world.cliplike) and the before/after table of the two
worlds (debiasood.book.world_versions).

Fast tests check the table's assembly and the false-negative counts on hand-made inputs. The slow ones use the
shared feature store: the setup is labelled as what it is, the recorded fit is what calibrate returns at the
recorded point, and the before/after rows of a small draw are complete.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from debiasood.book import world_versions as wv
from debiasood.book.verdicts import DENSITY_NEGLABEL_SCORE, DNM_CLAMPED, NEGLABEL, random_label
from debiasood.data.corpora import LabelCorpus
from debiasood.world import cliplike
from debiasood.world.simulated import ANCHORS, TOP1_TARGET, WorldParams

# ---------------------------------------------------------------- the setup and the record


@pytest.mark.parametrize("fixed", [{"encoder": object()}, {"params": WorldParams()},
                                   {"encoder": object(), "params": WorldParams()}])
def test_cliplike_setup_refuses_what_makes_it_this_world(fixed):
    with pytest.raises(ValueError, match="cliplike_setup fixes") as error:
        cliplike.cliplike_setup(corpus_step=10, **fixed)
    for name in fixed:
        assert name in str(error.value)


def test_record_is_a_fit_that_reached_the_anchors():
    record = cliplike.FITTED_CLIPLIKE
    params = record["params"]
    assert isinstance(params, WorldParams)
    # only confusion, overlap and align_min are fitted; the rest stays at the world's fixed values
    fixed = WorldParams()
    assert (params.noise, params.align_max, params.n_neighbours) == (fixed.noise, fixed.align_max, fixed.n_neighbours)
    assert min(record["grid"]["align_min"]) <= params.align_min <= max(record["grid"]["align_min"])
    assert min(record["grid"]["overlap"]) <= params.overlap <= max(record["grid"]["overlap"])
    reached = record["calibration"]
    assert all(math.isfinite(v) for v in reached.values())
    assert reached["top1"] == pytest.approx(TOP1_TARGET, abs=0.01)
    # the fit's tolerance: FPR95 moves by about +-1 point between draws at these sizes (calibrate's docstring)
    for method, anchor in ANCHORS.items():
        assert reached[method] == pytest.approx(anchor, abs=2.0), method


# ---------------------------------------------------------------- the before/after table


def _claim(a, b, metric, difference, verdict):
    return {"world": "w", "A": a, "B": b, "metric": metric, "A value": 1.0, "B value": 1.0 - difference,
            "A - B": difference, "low": difference - 1.0, "high": difference + 1.0, "verdict": verdict}


def _numbers(name: str, shift: float, verdict: str) -> wv.WorldNumbers:
    """A WorldNumbers with every value built from ``shift``, so the changes are known without the code."""
    pairs = wv.claim_pairs((0,))
    return wv.WorldNumbers(
        name=name, label=f"simulated: {name}", params=WorldParams(confusion=0.5 + shift / 100),
        top1=66.0 + shift,
        main={m: {"fpr95": 40.0 + i + shift, "auroc": 90.0 - i - shift} for i, m in enumerate(wv.MAIN_METHODS)},
        claims=[_claim(a, b, metric, 1.0 - 2.0 * shift, verdict) for a, b in pairs for metric in ("fpr95", "auroc")],
        fidelity=[{"rule": rule, "words": words, "shared words": 10, "real selected": 3, "AUROC": 0.5 + shift / 10,
                   "Jaccard": 0.1, "TV distance": 0.6 - shift / 10, "false negatives %": 0.5 + shift,
                   "real false negatives %": 2.76} for rule in ("neglabel", "csp nouns") for words in ("all", "half")],
        false_negatives={"corpus": (10, 1000), "neglabel": (1 + int(shift), 100), "csp": (2, 100),
                         "density": (3, 100)},
        id_similarity={"neglabel": 0.4, "csp": 0.45, "density": 0.6 + shift / 4},
    )


def test_before_after_rows_hold_every_quantity_of_both_worlds_with_its_change():
    before, after = _numbers("MiniLM world", 0.0, "A better"), _numbers("CLIP-like world", 1.0, "no difference")
    rows = wv.before_after_rows(before, after)
    assert all(list(row) == ["part", "quantity", "MiniLM world", "CLIP-like world", "change"] for row in rows)
    by_quantity = {row["quantity"]: row for row in rows}
    # 3 world parameters + top-1, 5 methods x 2 metrics, 3 pairs x 2 metrics, 2 rules x 2 word sets x 4 measures,
    # the corpus and 3 selections, and the 3 selections' ID cosine
    assert len(rows) == len(by_quantity) == 4 + 10 + 6 + 16 + 4 + 3
    assert [row["part"] for row in rows] == sorted(
        (row["part"] for row in rows),
        key=["world", "main table", "controls", "fidelity to real CLIP", "negatives mined"].index)
    assert by_quantity["zero-shot top-1 (%)"]["change"] == pytest.approx(1.0)
    assert by_quantity["parameter confusion"]["change"] == pytest.approx(0.01)
    for i, label in enumerate(wv.MAIN_METHODS.values()):
        fpr = by_quantity[f"{label}: average FPR95"]
        assert (fpr["MiniLM world"], fpr["CLIP-like world"], fpr["change"]) == pytest.approx((40 + i, 41 + i, 1.0))
        assert by_quantity[f"{label}: average AUROC"]["change"] == pytest.approx(-1.0)
    for a, b in [(DENSITY_NEGLABEL_SCORE, random_label(0)), (DENSITY_NEGLABEL_SCORE, NEGLABEL),
                 (DNM_CLAMPED, DENSITY_NEGLABEL_SCORE)]:
        for metric in ("FPR95", "AUROC"):
            row = by_quantity[f"{a} - {b}: {metric}"]
            assert row["MiniLM world"] == "+1.00 [+0.00, +2.00] A better"
            assert row["CLIP-like world"] == "-1.00 [-2.00, +0.00] no difference"
            assert row["change"] == "-2.00 (VERDICT CHANGED)"
    assert by_quantity["neglabel, all: AUROC"]["change"] == pytest.approx(0.1)
    assert by_quantity["csp nouns, half: TV distance"]["change"] == pytest.approx(-0.1)
    assert by_quantity["corpus (base rate): WordNet false negatives (%)"]["change"] == 0.0
    assert by_quantity["NegLabel's selection: WordNet false negatives (%)"]["CLIP-like world"] == pytest.approx(2.0)
    assert by_quantity["DNM's density selection: mean largest cosine to an ID label"]["change"] == pytest.approx(0.25)


def test_largest_id_cosine_is_the_mean_of_each_negatives_best_match():
    rng = np.random.default_rng(0)
    negatives = rng.standard_normal((10, 4))
    id_text = rng.standard_normal((3, 4))
    negatives /= np.linalg.norm(negatives, axis=1, keepdims=True)
    id_text /= np.linalg.norm(id_text, axis=1, keepdims=True)
    expected = np.mean([max(float(n @ y) for y in id_text) for n in negatives])
    assert wv.largest_id_cosine(negatives, id_text, block_rows=3) == pytest.approx(expected)
    with pytest.raises(ValueError, match="one width"):
        wv.largest_id_cosine(negatives, id_text[:, :3])


def test_before_after_rows_say_same_verdict_and_refuse_mismatched_worlds():
    before, after = _numbers("a", 0.0, "A better"), _numbers("b", 0.5, "A better")
    changes = [row["change"] for row in wv.before_after_rows(before, after) if row["part"] == "controls"]
    assert changes and all(change == "-1.00 (same verdict)" for change in changes)
    with pytest.raises(ValueError, match="different names"):
        wv.before_after_rows(before, _numbers("a", 0.5, "A better"))
    fewer = _numbers("b", 0.5, "A better")
    fewer = wv.WorldNumbers(**{**fewer.__dict__, "claims": fewer.claims[:2]})
    with pytest.raises(ValueError, match="different quantities"):
        wv.before_after_rows(before, fewer)


def test_false_negative_counts_audit_each_selection_against_imagenet():
    # tench.n.01 IS an ImageNet-1K class (n01440764); idea.n.01 and happiness.n.01 relate to none.
    corpus = LabelCorpus("tiny", ("tench", "idea", "happiness"), ("noun",) * 3,
                         ("tench.n.01", "idea.n.01", "happiness.n.01"), ("noun.animal", "noun.cognition",
                                                                         "noun.feeling"))
    pool = LabelCorpus("pool", ("happiness", "tench"), ("noun",) * 2, ("happiness.n.01", "tench.n.01"),
                       ("noun.feeling", "noun.animal"))
    setup = SimpleNamespace(corpus=corpus, csp_pool=pool)
    counts = wv.false_negative_counts(setup, {"neglabel": [0, 1], "density": [1, 2], "csp": [1]})
    assert counts == {"corpus": (1, 3), "neglabel": (1, 2), "density": (0, 2), "csp": (1, 1)}
    with pytest.raises(ValueError, match="unknown selection"):
        wv.false_negative_counts(setup, {"random": [0]})
    with pytest.raises(ValueError, match="is empty"):
        wv.false_negative_counts(setup, {"density": []})
    with pytest.raises(ValueError, match="CSP pool"):
        wv.false_negative_counts(SimpleNamespace(corpus=corpus, csp_pool=None), {"csp": [0]})


# ---------------------------------------------------------------- slow: the shared feature store


def _full_corpus_is_stored() -> bool:
    """Whether the shared store holds the CLIP-like text side of the whole DNM corpus (else a run would embed
    ~70k prompts first, minutes on a CPU)."""
    from debiasood.core import prompts
    from debiasood.data.corpora import load_corpus
    from debiasood.data.feature_store import FeatureStore, text_feature_key

    corpus = load_corpus("dnm")
    nouns = [w for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True) if p == "noun"]
    key = text_feature_key(cliplike.cliplike_encoder().id, nouns, prompts.NEGLABEL_NOUN_TEMPLATE, corpus.fingerprint)
    return FeatureStore().contains(key)


@pytest.mark.slow
def test_cliplike_setup_is_the_clip_like_world_and_says_so():
    from debiasood.core import prompts
    from debiasood.world.export import simulated_bundle
    from debiasood.world.text_side import FITTED_PARAMS, ClipLikeTextEncoder

    setup = cliplike.cliplike_setup(corpus_step=50)
    assert isinstance(setup.encoder, ClipLikeTextEncoder) and setup.encoder.params == FITTED_PARAMS
    assert setup.world.params == cliplike.FITTED_CLIPLIKE["params"]
    bundle = simulated_bundle(setup, {"imagenet1k": 20, "sun": 10}, seed=0)
    assert bundle.provenance.world == "simulated"
    assert bundle.label == f"simulated: {setup.encoder.id} world"
    assert bundle.label.startswith("simulated: clip-like-text:sentence-transformers:all-MiniLM-L6-v2:")
    # the world's text side IS the CLIP-like encoder's output (setup.text is before the world's gap coordinate)
    nouns = np.flatnonzero(np.asarray(setup.corpus.parts_of_speech) == "noun")[:5]
    texts = [prompts.fill(prompts.NEGLABEL_NOUN_TEMPLATE, setup.corpus.words[i]) for i in nouns]
    direct = setup.encoder.encode_texts(texts).numpy()
    np.testing.assert_allclose(setup.text["corpus_features"][nouns], direct, atol=1e-5)


@pytest.mark.slow
def test_record_is_what_calibrate_returns_at_the_recorded_point():
    if not _full_corpus_is_stored():
        pytest.skip("needs the shared feature store warm with the CLIP-like text side: run "
                    "debiasood.world.cliplike.cliplike_setup() once (~4 minutes cold)")
    record = cliplike.FITTED_CLIPLIKE
    params = record["params"]
    # one grid point, no refinement: the bisection of confusion and the evaluation at the fitted point
    fit = cliplike.calibrate_cliplike(align_grid=(params.align_min,), overlap_grid=(params.overlap,), refine=False)
    assert fit.params == params
    assert fit.evaluation.top1 == pytest.approx(record["calibration"]["top1"], abs=5e-5)
    for method in ("mcm", "neglabel"):
        assert fit.evaluation.average(method) == pytest.approx(record["calibration"][method], abs=5e-3), method


@pytest.mark.slow
def test_world_versions_rows_are_complete_on_a_small_draw():
    from debiasood.world.simulated import SMOKE_SIZES

    result = wv.world_versions(sizes=SMOKE_SIZES, corpus_step=20, random_seeds=(0,), num_resamples=50)
    assert result.before.label.startswith("simulated: sentence-transformers:all-MiniLM-L6-v2")
    assert result.after.label.startswith("simulated: clip-like-text:")
    assert result.before.params == WorldParams() and result.after.params == cliplike.FITTED_CLIPLIKE["params"]
    rows = result.rows
    parts = {row["part"] for row in rows}
    assert parts == {"world", "main table", "controls", "fidelity to real CLIP", "negatives mined"}
    # 3 parameters + top-1; 5 methods x 2 metrics; (1 random seed + 2) pairs x 2 metrics; 2 rules x 3 word sets x
    # 4 measures; the corpus and 3 selections; the 3 selections' ID cosine
    assert len(rows) == 4 + 10 + 6 + 24 + 4 + 3
    for row in rows:
        for column in ("MiniLM world", "CLIP-like world", "change"):
            value = row[column]
            assert isinstance(value, str) or math.isfinite(value), (row["quantity"], column)
    # the same corpus under both text sides: the same base rate
    base = next(r for r in rows if r["quantity"].startswith("corpus (base rate)"))
    assert base["change"] == 0.0 and 0 < base["MiniLM world"] < 100
