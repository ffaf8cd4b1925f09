"""Feature bundles: round trip, the simulated world as a bundle, validation and damage on load."""

from __future__ import annotations

import json

import numpy as np
import pytest

from debiasood.data.bundle import BundleError, FeatureBundle, ImageSet, TextSide, load_bundle, make_provenance
from debiasood.data.corpora import LabelCorpus
from debiasood.world.offline import OfflineSetup
from debiasood.world.simulated import SemanticWorld

SIZES = {"imagenet1k": 60, "sun": 20, "textures": 15}


def unit(rng, n, d=12):
    x = rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    ids = unit(rng, 10)
    concepts = {"imagenet1k": ids, "sun": unit(rng, 4), "textures": unit(rng, 3)}
    words = tuple(f"w{i}" for i in range(40))
    pos = tuple(["noun"] * 30 + ["adj"] * 10)
    corpus = LabelCorpus("fake", words, pos, tuple(f"{w}.n.01" for w in words), tuple(["noun.x"] * 40))
    text = {"id_mcm": ids, "id_neglabel": ids, "corpus_features": unit(rng, 40)}
    return OfflineSetup(None, SemanticWorld(concepts), text, corpus, None)


@pytest.fixture(scope="module")
def bundle(setup):
    from debiasood.world.export import simulated_bundle

    return simulated_bundle(setup, SIZES, seed=3, id_names=[f"class {i}" for i in range(10)],
                            id_wnids=[f"n{i:08d}" for i in range(10)], command="pytest")


def test_the_simulated_world_exports_a_labelled_bundle(setup, bundle):
    assert bundle.provenance.world == "simulated" and bundle.label.startswith("simulated")
    assert bundle.id_set == "imagenet1k" and bundle.ood_sets == ("sun", "textures")
    assert {name: len(s) for name, s in bundle.images.items()} == SIZES
    assert bundle.images["imagenet1k"].labels is not None and bundle.images["sun"].labels is None
    # Text and images live in the world's joint space (text dimension + the gap coordinate).
    assert bundle.text.dim == setup.world.dim == bundle.images["sun"].features.shape[1]
    np.testing.assert_allclose(bundle.images["sun"].features, setup.world.images("sun", 20, seed=3).features)
    assert bundle.text.has_wordnet


def test_round_trip_is_exact(bundle, tmp_path):
    path = bundle.save(tmp_path / "b")
    again = load_bundle(path)
    assert again.provenance == bundle.provenance and again.id_set == bundle.id_set
    assert again.text.corpus == bundle.text.corpus and again.text.id_names == bundle.text.id_names
    for name in ("id_mcm", "id_neglabel", "corpus_features"):
        np.testing.assert_array_equal(getattr(again.text, name), getattr(bundle.text, name))
    for name, image_set in bundle.images.items():
        np.testing.assert_array_equal(again.images[name].features, image_set.features)
        if image_set.labels is not None:
            np.testing.assert_array_equal(again.images[name].labels, image_set.labels)
    with pytest.raises(BundleError, match="exists"):
        bundle.save(path)
    assert bundle.save(path, overwrite=True) == path
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_damage_is_refused_with_the_file_named(bundle, tmp_path):
    path = bundle.save(tmp_path / "b")
    target = path / "images" / "sun.safetensors"
    data = bytearray(target.read_bytes())
    data[-3] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="sun.safetensors does not match its sha256"):
        load_bundle(path)
    target.unlink()
    with pytest.raises(BundleError, match="sun.safetensors is listed in the manifest but missing"):
        load_bundle(path)


@pytest.mark.parametrize(("edit", "match"), [
    (lambda m: m.pop("images"), "lacks the field 'images'"),
    (lambda m: m.update(version=99), "format version 99"),
    (lambda m: m.update(format="other"), "not a debiasood-feature-bundle manifest"),
    (lambda m: m["provenance"].update(world="imagined"), "provenance.world"),
])
def test_manifest_errors_name_the_field(bundle, tmp_path, edit, match):
    path = bundle.save(tmp_path / "b")
    manifest = json.loads((path / "manifest.json").read_text())
    edit(manifest)
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=match):
        load_bundle(path)


def test_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match="not a folder"):
        load_bundle(tmp_path / "missing")
    with pytest.raises(BundleError, match="no manifest.json"):
        load_bundle(tmp_path)


def test_inconsistent_contents_are_refused(bundle):
    text = bundle.text
    with pytest.raises(BundleError, match="id_neglabel has 9 rows, expected 10"):
        TextSide(text.id_names, text.id_mcm, text.id_neglabel[:9], text.corpus, text.corpus_features)
    with pytest.raises(BundleError, match="L2-normalised"):
        TextSide(text.id_names, text.id_mcm * 2, text.id_neglabel, text.corpus, text.corpus_features)
    with pytest.raises(BundleError, match="NaN"):
        TextSide(text.id_names, text.id_mcm, text.id_neglabel, text.corpus, text.corpus_features * np.nan)
    images = dict(bundle.images)
    with pytest.raises(BundleError, match="must index the 10 ID classes"):
        FeatureBundle(bundle.provenance, text, {**images, "imagenet1k": ImageSet(images["imagenet1k"].features,
                                                                                  np.full(60, 10))}, "imagenet1k")
    with pytest.raises(BundleError, match="dimension 5, expected 13"):
        FeatureBundle(bundle.provenance, text, {**images, "sun": ImageSet(unit(np.random.default_rng(1), 4, 5))},
                      "imagenet1k")
    with pytest.raises(BundleError, match="id_set 'cifar10'"):
        FeatureBundle(bundle.provenance, text, images, "cifar10")
    with pytest.raises(BundleError, match="image set name"):
        FeatureBundle(bundle.provenance, text, {**images, "../evil": images["sun"]}, "imagenet1k").save(
            "/tmp/never-written")


def test_real_provenance_label():
    corpus = LabelCorpus("c", ("a",), ("noun",), ("a.n.01",), ("noun.x",))
    real = make_provenance(world="real", model="ViT-B-16", pretrained="openai", dim=512, prompts={}, corpus=corpus,
                           command=["debiasood", "extract"])
    assert real.label == "real: ViT-B-16 (openai)" and real.command == "debiasood extract"
    assert real.created_utc.endswith("Z")


def test_a_bundle_evaluates_every_method_through_the_one_layer(bundle, tmp_path):
    from debiasood.core.evaluation import Settings

    settings = Settings(num_groups=2, k=3)
    result = load_bundle(bundle.save(tmp_path / "b")).evaluate(["mcm", "neglabel", "dnm", "dnm-official"], settings)
    assert result.methods == ("mcm", "neglabel", "dnm", "dnm-official")
    rows = result.rows()
    assert {r["world"] for r in rows} == {bundle.label} and len(rows) == 4 * 3
    # The negatives are the official rules' selections on the bundle's own text side.
    from debiasood import neglabel_mining

    text = bundle.text
    expected = neglabel_mining(text.corpus_features, text.id_neglabel, text.corpus.words, text.corpus.parts_of_speech)
    assert bundle.negatives("neglabel", settings).tolist() == expected.indices.tolist()
    assert len(bundle.negatives("density", settings)) == int(30 * 0.23) + int(10 * 0.13)
    with pytest.raises(BundleError, match="no CSP pool"):
        bundle.evaluate(["csp"], settings)
    with pytest.raises(ValueError, match="unknown method"):
        bundle.evaluate(["clipn"], settings)
    with pytest.raises(ValueError, match="sets must name OOD sets"):
        bundle.evaluate(["mcm"], settings, sets=["imagenet1k"])
