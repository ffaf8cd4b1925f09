"""The offline semantic world (debiasood.world.simulated), on small fake concept embeddings: fast, no encoder."""

import dataclasses

import numpy as np
import pytest

from debiasood.world import simulated as W
from debiasood.world.simulated import SemanticWorld, WorldParams, calibrate, evaluate

D = 24


def _unit(rng, n, d=D):
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def fake():
    rng = np.random.default_rng(7)
    ids = _unit(rng, 40)
    concepts = {"imagenet1k": ids}
    for i, name in enumerate(("inaturalist", "sun", "places", "textures")):
        base = ids[rng.integers(0, 40, 8)]
        concepts[name] = 0.4 * (i / 3) * base + _unit(rng, 8)
    id_mcm = ids + 0.3 * _unit(rng, 40)
    id_nl = ids + 0.3 * _unit(rng, 40)
    negatives = np.vstack([_unit(rng, 200), concepts["inaturalist"][rng.integers(0, 8, 100)] + 0.5 * _unit(rng, 100)])
    return concepts, id_mcm, id_nl, negatives


SIZES = {"imagenet1k": 600, "inaturalist": 150, "sun": 150, "places": 150, "textures": 150}


def test_shapes_unit_norms_and_gap(fake):
    world = SemanticWorld(fake[0])
    assert world.dim == D + 1 and world.sets[0] == "imagenet1k"
    imgs = world.images("sun", 123, seed=3)
    assert imgs.features.shape == (123, D + 1) and imgs.features.dtype == np.float32
    assert imgs.classes.shape == (123,) and imgs.classes.max() < 8
    np.testing.assert_allclose(np.linalg.norm(imgs.features, axis=1), 1, atol=1e-5)
    p = world.params
    assert np.all((imgs.alignment >= p.align_min - 1e-12) & (imgs.alignment <= p.align_max + 1e-12))
    # The gap coordinate is sqrt(1 - a^2); text embeddings are padded with 0.
    np.testing.assert_allclose(imgs.features[:, -1], np.sqrt(1 - imgs.alignment**2), atol=1e-5)
    t = world.text(fake[1])
    assert t.shape == (40, D + 1) and np.all(t[:, -1] == 0)
    np.testing.assert_allclose(np.linalg.norm(t, axis=1), 1, atol=1e-5)


def test_deterministic_and_order_independent(fake):
    world = SemanticWorld(fake[0])
    a = world.images("places", 50, seed=1).features
    world.images("sun", 10, seed=1)
    b = SemanticWorld(fake[0]).images("places", 50, seed=1).features
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, world.images("places", 50, seed=2).features)
    assert not np.array_equal(a, world.images("sun", 50, seed=1).features)


def test_default_sizes_match_benchmark(fake):
    assert W.BENCHMARK_SIZES == {"imagenet1k": 50_000, "inaturalist": 10_000, "sun": 10_000, "places": 10_000,
                                 "textures": 5_640}
    world = SemanticWorld(fake[0])
    assert len(world.images("textures").classes) == 5_640
    assert set(W.SMOKE_SIZES) == set(W.BENCHMARK_SIZES)


def test_alignment_scales_cosines(fake):
    # Every image-text cosine is a * cos(u, e): the alignment a never changes which label is nearest.
    world = SemanticWorld(fake[0])
    imgs = world.images("imagenet1k", 200, seed=0)
    t = world.text(fake[1])
    u = imgs.features[:, :-1] / imgs.alignment[:, None]
    np.testing.assert_allclose(imgs.features @ t.T, imgs.alignment[:, None] * (u @ t[:, :-1].T), atol=1e-5)


def test_confusion_lowers_top1(fake):
    world = SemanticWorld(fake[0], params=WorldParams(noise=0.3, confusion=0.0))
    clean = W.top1_accuracy(world, fake[0]["imagenet1k"], 500)
    mixed = W.top1_accuracy(world.with_params(confusion=1.0), fake[0]["imagenet1k"], 500)
    assert clean > 0.95 and mixed < clean - 0.1


@pytest.mark.parametrize("bad", [
    dict(noise=-1.0), dict(confusion=1.5), dict(align_min=0.0), dict(align_min=0.8, align_max=0.5),
    dict(align_max=1.2), dict(n_neighbours=0), dict(overlap=float("nan")),
])
def test_bad_params(bad):
    with pytest.raises(ValueError):
        WorldParams(**bad)


def test_bad_inputs(fake):
    concepts = fake[0]
    with pytest.raises(ValueError):
        SemanticWorld({})
    with pytest.raises(ValueError):
        SemanticWorld(concepts, id_set="missing")
    with pytest.raises(ValueError):
        SemanticWorld({**concepts, "sun": np.ones((3, D + 2))})
    with pytest.raises(ValueError):
        SemanticWorld({**concepts, "sun": np.full((3, D), np.nan)})
    world = SemanticWorld(concepts)
    with pytest.raises(KeyError):
        world.images("nope", 5)
    for n in (0, -3, 2.5, True):
        with pytest.raises(ValueError):
            world.images("sun", n)
    with pytest.raises(ValueError):
        world.images("sun", 5, seed=-1)
    with pytest.raises(ValueError):
        world.text(np.ones((3, D + 1)))
    with pytest.raises(ValueError):
        evaluate(world, fake[1], fake[2], fake[3], sizes={"sun": 10})
    with pytest.raises(ValueError):
        calibrate(world, fake[1], fake[2], fake[3], targets={"mcm": 40.0}, sizes=SIZES)
    with pytest.raises(ValueError):
        calibrate(world, fake[1], fake[2], fake[3], top1_target=1.5, sizes=SIZES)


def test_with_params_shares_concepts(fake):
    world = SemanticWorld(fake[0])
    other = world.with_params(overlap=0.1)
    assert other.params.overlap == 0.1 and world.params.overlap == WorldParams().overlap
    assert other.concepts is world.concepts
    # ID images do not depend on the OOD overlap.
    np.testing.assert_array_equal(world.images("imagenet1k", 20).features, other.images("imagenet1k", 20).features)


def test_calibration_reaches_reachable_targets(fake):
    concepts, id_mcm, id_nl, neg = fake
    truth = WorldParams(confusion=0.3, align_min=0.3, overlap=0.8)
    ev = evaluate(SemanticWorld(concepts, params=truth), id_mcm, id_nl, neg, sizes=SIZES, seed=0)
    targets = {"mcm": ev.average("mcm"), "neglabel": ev.average("neglabel")}
    start = SemanticWorld(concepts, params=dataclasses.replace(truth, align_min=0.6, overlap=0.2))
    cal = calibrate(start, id_mcm, id_nl, neg, targets=targets, top1_target=None, sizes=SIZES,
                    align_grid=(0.2, 0.4, 0.6), overlap_grid=(0.4, 1.2))
    for m in targets:
        assert abs(cal.evaluation.average(m) - targets[m]) < 6.0
    assert cal.loss == min(t["loss"] for t in cal.trace)
    assert cal.params.confusion == truth.confusion  # top-1 fit skipped
    summary = cal.summary()
    assert set(summary) >= {"params", "top1", "mcm", "neglabel"}


def test_calibration_fits_top1(fake):
    concepts, id_mcm, id_nl, neg = fake
    world = SemanticWorld(concepts, params=WorldParams(noise=0.5))
    cal = calibrate(world, id_mcm, id_nl, neg, top1_target=0.7, sizes=SIZES, align_grid=(0.5,),
                    overlap_grid=(0.5,), refine=False)
    assert abs(cal.evaluation.top1 - 0.7) < 0.05


class _HashEncoder:
    """A deterministic fake text encoder that counts how many texts it encodes."""

    id = "fake:hash-encoder"
    dim = D

    def __init__(self):
        self.calls = 0

    def encode_texts(self, texts, *, batch_size=None, progress=None, raw=False):
        import zlib

        import torch

        self.calls += len(texts)
        rows = [np.random.default_rng(zlib.crc32(t.encode())).standard_normal(D) for t in texts]
        x = torch.tensor(np.array(rows), dtype=torch.float32)
        return x if raw else torch.nn.functional.normalize(x, dim=-1)


def test_from_encoder_uses_the_feature_store(tmp_path):
    from debiasood.data.feature_store import FeatureStore

    store = FeatureStore(tmp_path)
    sets = {"imagenet1k": ("goldfish", "tench", "valley"), "textures": ("banded", "dotted"), "mine": ("a b",)}
    enc = _HashEncoder()
    world = SemanticWorld.from_encoder(enc, sets, store=store)
    assert enc.calls == 6 * len(W.CAPTION_TEMPLATES)
    assert {k: v.shape for k, v in world.concepts.items()} == {"imagenet1k": (3, D), "textures": (2, D), "mine": (1, D)}
    again = SemanticWorld.from_encoder(enc, sets, store=store)
    assert enc.calls == 6 * len(W.CAPTION_TEMPLATES)  # read from the store
    np.testing.assert_array_equal(world.images("mine", 7).features, again.images("mine", 7).features)
    # Caption naming: DTD classes are captioned "{} texture".
    direct = enc.encode_texts([t.format("banded texture") for t in W.CAPTION_TEMPLATES]).numpy().mean(0)
    np.testing.assert_allclose(world.concepts["textures"][0], direct / np.linalg.norm(direct), atol=1e-5)


def test_fitted_defaults_are_documented():
    assert W.FITTED_MINILM["params"] == WorldParams()
    assert W.ANCHORS == {"mcm": 42.74, "neglabel": 25.40}
