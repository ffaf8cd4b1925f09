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
    unknown = dict(zip(ts.SIGNALS, ts.symbolic_signals(["the nice qwzxv"])[0], strict=False))
    assert unknown["in_wordnet"] == 0 and sum(unknown[f"senses:{f}"] for f in ts.LEXFILES) == 0


# ---------------------------------------------------------------- geometry and encoder


def reference_transform(base, signals, hub, params):
    """e' = normalise(e + softplus(offset - gain * (b + w.phi)) * mu), one row at a time in float64."""
    out = []
    for e, phi in zip(base, signals, strict=True):
        z = params.intercept + sum(w * p for w, p in zip(params.weights, phi, strict=True))
        h = math.log1p(math.exp(params.offset - params.gain * z))
        v = np.asarray(e, dtype=np.float64) + h * np.asarray(hub, dtype=np.float64)
        out.append(v / math.sqrt(float(v @ v)))
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


def test_a_larger_hub_weight_moves_a_text_towards_the_hub():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((1, 8))
    base /= np.linalg.norm(base)
    hub = rng.standard_normal(8)
    hub /= np.linalg.norm(hub)
    signals = np.zeros((1, len(ts.SIGNALS)))
    near = [float(ts.transform(base, signals, hub, small_params(offset=o))[0] @ hub) for o in (-3.0, 0.0, 3.0)]
    assert near[0] < near[1] < near[2]


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
    raw = encoder.encode_texts(texts, raw=True)
    torch.testing.assert_close(torch.nn.functional.normalize(raw, dim=1), first, rtol=0, atol=1e-6)
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
    return base, id_base, hub, signals, id_signals, selected, synset_hash_split(synsets, 0)


def test_split_halves_are_disjoint_and_cover_the_corpus():
    synsets = [f"w{i}.n.01" for i in range(1000)] + ["w3.n.01"]
    half = synset_hash_split(synsets, 0)
    assert 400 < half.sum() < 600
    assert half[3] == half[-1]  # one synset, one side
    assert not (half & ~half).any() and (half | ~half).all()


def test_the_fit_never_reads_held_out_rows():
    base, id_base, hub, signals, id_signals, selected, fit = synthetic_fit_problem()
    grids = {"gains": (0.5, 2.0), "offsets": (-1.0, 1.0)}
    first = ts.fit_text_side(signals, base, selected, fit, id_signals, id_base, hub, **grids)
    rng = np.random.default_rng(5)
    held = np.flatnonzero(~fit)
    scrambled_labels = selected.copy()
    scrambled_labels[held] = rng.permutation(selected[held])
    scrambled_labels[held[:20]] = ~scrambled_labels[held[:20]]
    scrambled_signals = signals.copy()
    scrambled_signals[held] = rng.standard_normal((len(held), signals.shape[1]))
    scrambled_base = base.copy()
    scrambled_base[held] = base[rng.permutation(held)]
    second = ts.fit_text_side(scrambled_signals, scrambled_base, scrambled_labels, fit, id_signals, id_base, hub,
                              **grids)
    assert second.params == first.params
    assert second.grid == first.grid
    # and the fit does depend on its own rows
    flipped = selected.copy()
    flipped[np.flatnonzero(fit)] = ~flipped[np.flatnonzero(fit)]
    assert ts.fit_text_side(signals, base, flipped, fit, id_signals, id_base, hub, **grids).params != first.params


def test_the_fit_learns_the_signal_that_decides_the_selection():
    base, id_base, hub, signals, id_signals, selected, fit = synthetic_fit_problem(seed=1)
    result = ts.fit_text_side(signals, base, selected, fit, id_signals, id_base, hub, gains=(0.0, 1.0, 4.0),
                              offsets=(0.0,))
    weights = np.abs(result.params.weights)
    assert weights.argmax() == 0 and result.params.weights[0] < 0
    assert result.logistic_auroc > 0.9
    by_gain = {gain: auroc for gain, _, auroc in result.grid}
    # gain 0 is the base geometry (a constant hub weight); pulling unselected words to the hub ranks like the real
    # selection, checked on held-out rows with an independent criterion
    assert by_gain[4.0] > by_gain[0.0] + 0.1
    held = ~fit
    features = ts.transform(base[held], signals[held], hub, result.params)
    id_features = ts.transform(id_base, id_signals, hub, result.params)
    criterion = np.array([np.quantile(row, 0.95) for row in features @ id_features.T])
    positives, negatives = criterion[selected[held]], criterion[~selected[held]]
    pairs = (positives[:, None] < negatives[None, :]).mean() + 0.5 * (positives[:, None] == negatives[None, :]).mean()
    assert pairs > 0.85
    assert ts.selection_auroc(criterion, selected[held]) == pytest.approx(pairs)


def test_fit_refuses_bad_input():
    base, id_base, hub, signals, id_signals, selected, fit = synthetic_fit_problem()
    with pytest.raises(ValueError, match="fit_mask must be a boolean mask"):
        ts.fit_text_side(signals, base, selected, fit.astype(int), id_signals, id_base, hub)
    with pytest.raises(ValueError, match="signals must have shape"):
        ts.fit_text_side(signals[:, :3], base, selected, fit, id_signals, id_base, hub)
    with pytest.raises(ValueError, match="both selected and unselected"):
        ts.fit_text_side(signals, base, np.zeros_like(selected), fit, id_signals, id_base, hub)
    with pytest.raises(ValueError, match="gains must be"):
        ts.fit_text_side(signals, base, selected, fit, id_signals, id_base, hub, gains=())


# ---------------------------------------------------------------- the real targets (shared feature store)


@pytest.mark.slow
def test_fitted_text_side_meets_the_held_out_targets():
    from debiasood.data.files import default_cache_root

    if not (default_cache_root() / "features").is_dir():
        pytest.skip("needs the warm feature store (MiniLM embeddings of the DNM corpus): run offline_setup() once")
    inputs = ts.fit_inputs()
    result = ts.evaluate_text_side(inputs, ts.FITTED_PARAMS)
    held = result["held-out half"].neglabel
    csp = result["all"].csp
    record = ts.FITTED["held_out"]
    assert held.auroc == pytest.approx(record["neglabel"]["auroc"], abs=1e-3)
    assert held.auroc >= 0.85
    assert held.tv_distance <= 0.15
    assert 0.023 <= held.fn_share <= 0.033
    assert csp.auroc >= 0.80
    assert 0.011 <= csp.fn_share <= 0.021
