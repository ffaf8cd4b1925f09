"""The CLIP-like text side (debiasood.world.text_side): its signals, geometry, encoder contract, and an honest fit."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
import torch

from debiasood.data.encoders.base import Encoder, ImagesNotSupportedError
from debiasood.data.fidelity import synset_hash_split
from debiasood.world import text_side as ts


class HashEncoder:
    """A deterministic stand-in base encoder: each text's row is a Gaussian vector seeded by its sha256."""

    id = "test:hash-encoder"
    dim = 16
    supports_images = False

    def __init__(self) -> None:
        self.calls = 0

    def encode_texts(self, texts, *, batch_size=None, progress=None, raw=False):
        self.calls += 1
        rows = [np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "big"))
                .standard_normal(self.dim) for t in texts]
        out = torch.tensor(np.array(rows), dtype=torch.float32)
        return out if raw else torch.nn.functional.normalize(out, dim=-1)

    def encode_images(self, images, *, batch_size=None, progress=None):
        raise ImagesNotSupportedError("text only")


def small_params(**changes) -> ts.TextSideParams:
    weights = np.zeros(len(ts.SIGNALS))
    weights[ts.SIGNALS.index("zipf")] = 0.8
    weights[ts.SIGNALS.index("senses:noun.plant")] = 2.0
    values = {"weights": tuple(weights), "intercept": -1.0, "gain": 1.5, "offset": 0.5, "hub_text": "a photo"}
    return ts.TextSideParams(**{**values, **changes})


# ---------------------------------------------------------------- signals


def test_concept_is_the_label_inside_a_prompt():
    assert ts.segments("the nice yellow clintonia") == ["the", "nice", "yellow clintonia"]
    assert ts.concept("the nice yellow clintonia") == "yellow clintonia"
    assert ts.concept("This is a red-fruited photo") == "red-fruited"
    assert ts.concept("a photo of a tench.") == "tench"
    with pytest.raises(ValueError, match="no word"):
        ts.concept("  . ")


def test_symbolic_signals_follow_wordnet_and_the_bpe_tokenizer():
    import open_clip

    row = dict(zip(ts.SIGNALS, ts.symbolic_signals(["the nice yellow clintonia"])[0], strict=False))
    tokenizer = open_clip.get_tokenizer("ViT-B-16")
    assert row["words"] == 2
    assert row["bpe_tokens"] == len(tokenizer.encode("yellow")) + len(tokenizer.encode("clintonia"))
    assert row["max_word_bpe_tokens"] == len(tokenizer.encode("clintonia"))
    assert row["in_wordnet"] == 1 and row["has_noun"] == 1 and row["noun_depth"] > 5
    # yellow clintonia has one synset, a plant: all of its sense share is noun.plant
    assert row["senses:noun.plant"] == 1.0
    assert sum(row[f"senses:{f}"] for f in ts.LEXFILES) == pytest.approx(1.0)
    assert row["proper_noun"] == 0.0
    bridge = dict(zip(ts.SIGNALS, ts.symbolic_signals(["the nice brooklyn bridge"])[0], strict=False))
    assert bridge["proper_noun"] == 1.0 and bridge["senses:noun.artifact"] == 1.0
    unknown = dict(zip(ts.SIGNALS, ts.symbolic_signals(["the nice qwzxv"])[0], strict=False))
    assert unknown["in_wordnet"] == 0 and sum(unknown[f"senses:{f}"] for f in ts.LEXFILES) == 0


def test_idiosyncrasy_is_one_standard_normal_draw_per_concept():
    same = ts.idiosyncrasy(["the nice tench", "a photo of a tench.", "the origami tench."])
    assert same[0] == same[1] == same[2]
    draws = ts.idiosyncrasy([f"the nice {w}" for w in ("oak", "elm", "ash", "fir", "yew", "box", "bay", "fig")] * 1)
    assert len(set(draws.tolist())) == 8
    from scipy.stats import kstest

    many = ts.idiosyncrasy([f"the nice qq{i}zz" for i in range(2000)])
    assert kstest(many, "norm").pvalue > 0.001


# ---------------------------------------------------------------- geometry and encoder


def reference_transform(base, signals, hub, params):
    """e' = s mu + sqrt(1 - s^2) u, s = hub_max / (1 + exp(-(offset - gain z))), u = unit(e - (e.mu) mu); float64."""
    out = []
    mu = np.asarray(hub, dtype=np.float64)
    for e, phi in zip(base, signals, strict=True):
        z = params.intercept + sum(w * p for w, p in zip(params.weights, phi, strict=True))
        s = params.hub_max / (1 + math.exp(-(params.offset - params.gain * z)))
        u = np.asarray(e, dtype=np.float64) - float(e @ mu) * mu
        out.append(s * mu + math.sqrt(1 - s * s) * u / math.sqrt(float(u @ u)))
    return np.array(out)


def test_transform_matches_the_formula():
    rng = np.random.default_rng(0)
    base = rng.standard_normal((6, 5))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    hub = rng.standard_normal(5)
    hub /= np.linalg.norm(hub)
    signals = rng.standard_normal((6, len(ts.SIGNALS))) * 0.1
    params = small_params()
    np.testing.assert_allclose(ts.transform(base, signals, hub, params),
                               reference_transform(base, signals, hub, params), atol=1e-12)


def test_each_text_keeps_its_meaning_and_gets_its_hub_cosine():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((3, 8))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    hub = rng.standard_normal(8)
    hub /= np.linalg.norm(hub)
    signals = rng.standard_normal((3, len(ts.SIGNALS)))
    for offset in (-3.0, 0.0, 3.0):
        params = small_params(offset=offset)
        out = ts.transform(base, signals, hub, params)
        np.testing.assert_allclose(out @ hub, ts.hub_cosine(signals, params), atol=1e-12)
        assert (out @ hub <= params.hub_max + 1e-12).all()
        # the part orthogonal to the hub points where the base row's did
        orthogonal = lambda x: x - np.outer(x @ hub, hub)  # noqa: E731
        cos = (orthogonal(out) * orthogonal(base)).sum(1) / (
            np.linalg.norm(orthogonal(out), axis=1) * np.linalg.norm(orthogonal(base), axis=1))
        np.testing.assert_allclose(cos, 1.0, atol=1e-12)
    near = [float(ts.transform(base, signals, hub, small_params(offset=o))[0] @ hub) for o in (-3.0, 0.0, 3.0)]
    assert near[0] < near[1] < near[2]
    # a base row on the hub itself has no orthogonal part: left as it is
    np.testing.assert_allclose(ts.transform(hub[None, :], signals[:1], hub, small_params()), hub[None, :])


def test_encoder_honours_the_protocol_and_is_deterministic():
    base = HashEncoder()
    encoder = ts.ClipLikeTextEncoder(base, small_params())
    assert isinstance(encoder, Encoder)
    assert encoder.dim == 16 and not encoder.supports_images
    assert encoder.id.startswith("clip-like-text:test:hash-encoder:")
    texts = ["the nice yellow clintonia", "This is a red-fruited photo", "the nice tench"]
    first = encoder.encode_texts(texts)
    assert first.dtype == torch.float32 and first.shape == (3, 16)
    torch.testing.assert_close(first.norm(dim=1), torch.ones(3))
    torch.testing.assert_close(encoder.encode_texts(texts), first, rtol=0, atol=0)
    # each row depends on its own text only, not on its neighbours or position
    torch.testing.assert_close(encoder.encode_texts(texts[::-1]), first.flip(0), rtol=0, atol=1e-7)
    torch.testing.assert_close(encoder.encode_texts(texts, raw=True), first, rtol=0, atol=0)
    # rows agree with the formula applied to the base encoder's rows and the anchors it embedded
    hub, kinds = encoder.anchors
    base_rows = base.encode_texts(texts).double().numpy()
    expected = reference_transform(base_rows, ts.signal_matrix(texts, base_rows, kinds), hub, small_params())
    np.testing.assert_allclose(first.numpy(), expected, atol=1e-6)
    with pytest.raises(ImagesNotSupportedError):
        encoder.encode_images([])
    with pytest.raises(TypeError, match="single str"):
        encoder.encode_texts("the nice tench")


def test_encoder_ids_differ_between_fits():
    base = HashEncoder()
    assert ts.ClipLikeTextEncoder(base, small_params()).id != ts.ClipLikeTextEncoder(base, small_params(gain=2.0)).id


def test_bad_parameters_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="one entry per signal"):
        ts.TextSideParams(weights=(1.0,), intercept=0.0, gain=1.0, offset=0.0)
    with pytest.raises(ValueError, match="gain must be >= 0"):
        small_params(gain=-1.0)
    with pytest.raises(ValueError, match="finite"):
        small_params(offset=float("nan"))
    with pytest.raises(TypeError, match="params must be a TextSideParams"):
        ts.ClipLikeTextEncoder(HashEncoder(), params={"gain": 1})
    with pytest.raises(ValueError, match="hub_max must be in"):
        small_params(hub_max=1.0)
    with pytest.raises(ValueError, match="unit-norm"):
        ts.transform(np.ones((2, 4)), np.zeros((2, len(ts.SIGNALS))), np.eye(4)[0], small_params())


# ---------------------------------------------------------------- the fit


def synthetic_fit_problem(seed: int = 0, n: int = 600, k: int = 40, d: int = 12):
    """Words whose selection depends on one signal and on their distance to the ID labels (known answer)."""
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((n, d))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    id_base = rng.standard_normal((k, d))
    id_base /= np.linalg.norm(id_base, axis=1, keepdims=True)
    hub = id_base.mean(axis=0)
    hub /= np.linalg.norm(hub)
    signals = rng.standard_normal((n, len(ts.SIGNALS)))
    id_signals = rng.standard_normal((k, len(ts.SIGNALS)))
    logit = -2.0 * signals[:, 0] + rng.standard_normal(n) * 0.5
    selected = logit > np.quantile(logit, 0.8)
    synsets = [f"w{i}.n.01" for i in range(n)]
    parts = np.where(np.arange(n) % 5 == 0, "adj", "noun")
    lexfiles = np.where(parts == "adj", "adj.all", np.where(np.arange(n) % 2 == 0, "noun.plant", "noun.artifact"))
    return base, id_base, hub, signals, id_signals, selected, synset_hash_split(synsets, 0), parts, lexfiles


def fit(problem, **options):
    base, id_base, hub, signals, id_signals, selected, fit_mask, parts, lexfiles = problem
    return ts.fit_text_side(signals, base, selected, fit_mask, parts, lexfiles, id_signals, id_base, hub, **options)


def test_split_halves_are_disjoint_and_cover_the_corpus():
    synsets = [f"w{i}.n.01" for i in range(1000)] + ["w3.n.01"]
    half = synset_hash_split(synsets, 0)
    assert 400 < half.sum() < 600
    assert half[3] == half[-1]  # one synset, one side
    assert not (half & ~half).any() and (half | ~half).all()


def test_the_fit_never_reads_held_out_rows():
    problem = synthetic_fit_problem()
    base, id_base, hub, signals, id_signals, selected, fit_mask, parts, lexfiles = problem
    grids = {"noises": (0.0, 1.0), "gains": (0.5, 2.0), "offsets": (-1.0, 1.0)}
    first = fit(problem, **grids)
    rng = np.random.default_rng(5)
    held = np.flatnonzero(~fit_mask)
    scrambled = [array.copy() for array in (selected, signals, base, parts, lexfiles)]
    scrambled[0][held] = rng.permutation(selected[held])
    scrambled[0][held[:20]] = ~scrambled[0][held[:20]]
    scrambled[1][held] = rng.standard_normal((len(held), signals.shape[1]))
    scrambled[2][held] = base[rng.permutation(held)]
    scrambled[3][held] = "adj"
    scrambled[4][held] = "noun.location"
    labels, new_signals, new_base, new_parts, new_lexfiles = scrambled
    second = ts.fit_text_side(new_signals, new_base, labels, fit_mask, new_parts, new_lexfiles, id_signals, id_base,
                              hub, **grids)
    assert second.params == first.params
    assert second.grid == first.grid
    # and the fit does depend on its own rows
    flipped = selected.copy()
    flipped[fit_mask] = ~flipped[fit_mask]
    assert ts.fit_text_side(signals, base, flipped, fit_mask, parts, lexfiles, id_signals, id_base, hub,
                            **grids).params != first.params


def test_the_fit_learns_the_signal_that_decides_the_selection():
    problem = synthetic_fit_problem(seed=1)
    base, id_base, hub, signals, id_signals, selected, fit_mask, parts, lexfiles = problem
    result = fit(problem, noises=(0.0,), gains=(0.0, 1.0, 4.0), offsets=(0.0,), tv_max=1.0)
    weights = np.abs(result.params.weights)
    assert weights.argmax() == 0 and result.params.weights[0] < 0
    assert result.params.weights[ts.SIGNALS.index("idiosyncrasy")] == 0.0  # never fitted by stage 1
    assert result.logistic_auroc > 0.9
    by_gain = {gain: auroc for _, gain, _, auroc, _ in result.grid}
    # gain 0 gives every text the same hub cosine; pulling unselected words to the hub ranks like the selection,
    # checked on held-out rows with an independent criterion and AUROC
    assert by_gain[4.0] > by_gain[0.0] + 0.1
    held = ~fit_mask
    features = ts.transform(base[held], signals[held], hub, result.params)
    id_features = ts.transform(id_base, id_signals, hub, result.params)
    criterion = np.array([np.quantile(row, 0.95) for row in features @ id_features.T])
    positives, negatives = criterion[selected[held]], criterion[~selected[held]]
    pairs = (positives[:, None] < negatives[None, :]).mean() + 0.5 * (positives[:, None] == negatives[None, :]).mean()
    assert pairs > 0.85
    assert ts.selection_auroc(criterion, selected[held]) == pytest.approx(pairs)


def test_stage_two_takes_the_best_auroc_within_the_tv_bound():
    problem = synthetic_fit_problem(seed=2)
    for tv_max in (0.0, 0.05, 1.0):
        result = fit(problem, noises=(0.0, 3.0), gains=(0.5, 2.0), offsets=(0.0,), tv_max=tv_max)
        qualified = [row for row in result.grid if row[4] <= tv_max]
        chosen = (result.params.weights[ts.SIGNALS.index("idiosyncrasy")], result.params.gain, result.params.offset)
        if qualified:
            assert result.criterion_auroc == max(row[3] for row in qualified)
            assert result.criterion_tv <= tv_max
        else:
            assert result.criterion_tv == min(row[4] for row in result.grid)
        assert any(row[:3] == chosen and row[3:] == (result.criterion_auroc, result.criterion_tv)
                   for row in result.grid)


def test_lexfile_tv_and_quota_selection_match_their_definitions():
    a = np.array(["noun.plant"] * 3 + ["noun.artifact"])
    b = np.array(["noun.plant", "adj.all"])
    # shares: a = {plant .75, artifact .25}, b = {plant .5, adj .5}: (|.25| + |.25| + |.5|) / 2
    assert ts.lexfile_tv(a, b) == pytest.approx(0.5)
    criterion = np.array([5.0, 1.0, 3.0, 2.0, 4.0, 0.0, 9.0, 8.0, 7.0, 6.0])
    parts = np.array(["noun"] * 5 + ["adj"] * 5)
    chosen = ts.lowest_per_part(criterion, parts, quota=0.4)
    assert np.flatnonzero(chosen).tolist() == [1, 3, 5, 9]


def test_fit_refuses_bad_input():
    problem = synthetic_fit_problem()
    base, id_base, hub, signals, id_signals, selected, fit_mask, parts, lexfiles = problem
    with pytest.raises(ValueError, match="fit_mask must be a boolean mask"):
        ts.fit_text_side(signals, base, selected, fit_mask.astype(int), parts, lexfiles, id_signals, id_base, hub)
    with pytest.raises(ValueError, match="signals must have shape"):
        ts.fit_text_side(signals[:, :3], base, selected, fit_mask, parts, lexfiles, id_signals, id_base, hub)
    with pytest.raises(ValueError, match="both selected and unselected"):
        ts.fit_text_side(signals, base, np.zeros_like(selected), fit_mask, parts, lexfiles, id_signals, id_base, hub)
    with pytest.raises(ValueError, match="lexfiles must have one entry"):
        ts.fit_text_side(signals, base, selected, fit_mask, parts, lexfiles[:3], id_signals, id_base, hub)
    with pytest.raises(ValueError, match="gains must be"):
        fit(problem, gains=())
    with pytest.raises(ValueError, match="noises must be"):
        fit(problem, noises=(-1.0,))


# ---------------------------------------------------------------- the real targets (shared feature store)


TARGETS = {  # issue 11's targets, on words the fit never saw
    "neglabel_auroc": lambda r: r["held-out half"].neglabel.auroc >= 0.85,
    "neglabel_tv": lambda r: r["held-out half"].neglabel.tv_distance <= 0.15,
    "neglabel_fn_share": lambda r: 0.023 <= r["held-out half"].neglabel.fn_share <= 0.033,
    "csp_auroc": lambda r: r["all"].csp.auroc >= 0.80,
    "csp_fn_share": lambda r: 0.011 <= r["all"].csp.fn_share <= 0.021,
}


@pytest.mark.slow
def test_fitted_text_side_reproduces_its_record_and_meets_the_targets_it_claims():
    from debiasood.data.files import default_cache_root

    if not (default_cache_root() / "features").is_dir():
        pytest.skip("needs the warm feature store (MiniLM embeddings of the DNM corpus): run offline_setup() once")
    result = ts.evaluate_text_side(ts.fit_inputs(), ts.FITTED_PARAMS)
    record = ts.FITTED
    for rule, measured in (("neglabel", result["held-out half"].neglabel), ("csp nouns", result["held-out half"].csp)):
        for key, value in record["held_out"][rule].items():
            assert getattr(measured, key) == pytest.approx(value, abs=2e-4), (rule, key)
    for key, value in record["csp_all"].items():
        assert getattr(result["all"].csp, key) == pytest.approx(value, abs=2e-4), key
    # every target is met, except those the record names as missed (so a better refit must update the record)
    missed = {name for name, met in TARGETS.items() if not met(result)}
    assert missed == set(record["missed_targets"])
    # the real CLIP side of the comparison: never fitted, so it must not move
    assert result["held-out half"].neglabel.real_fn_share == pytest.approx(0.0296, abs=1e-4)
