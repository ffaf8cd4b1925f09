"""The FEATURES parameter: a bundle path or the simulated world, labels from provenance, notes instead of crashes."""

from __future__ import annotations

import pytest

from debiasood.book.features import NEEDS, ChapterFeatures, load_features


@pytest.fixture(scope="module")
def real_like_bundle(tmp_path_factory):
    """A bundle whose provenance says real and which lacks WordNet and CSP (a custom dataset)."""
    import dataclasses

    import numpy as np

    from debiasood.data.bundle import FeatureBundle, ImageSet, TextSide, make_provenance
    from debiasood.data.corpora import LabelCorpus

    rng = np.random.default_rng(0)

    def unit(n, d=8):
        x = rng.normal(size=(n, d))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    corpus = LabelCorpus("custom", ("a", "b", "c"), ("noun",) * 3, ("", "", ""), ("", "", ""))
    text = TextSide(("cat", "dog"), unit(2), unit(2), corpus, unit(3))
    provenance = make_provenance(world="real", model="tiny", pretrained="random weights", dim=8, prompts={},
                                 corpus=corpus, command="pytest")
    bundle = FeatureBundle(provenance, text, {"id": ImageSet(unit(5)), "web": ImageSet(unit(4))}, "id")
    path = bundle.save(tmp_path_factory.mktemp("b") / "bundle")
    return dataclasses.replace(bundle, path=path)


def test_a_bundle_path_loads_with_its_label(real_like_bundle):
    features = load_features(str(real_like_bundle.path))
    assert isinstance(features, ChapterFeatures) and not features.simulated and features.setup is None
    assert features.label == "real: tiny (random weights)" and features.world == "real"


def test_missing_needs_show_a_note_and_skip(real_like_bundle):
    features = ChapterFeatures(real_like_bundle)
    assert not features.has("world") and not features.has("wordnet") and not features.has("csp")
    assert features.has("labels") is False
    note = features.missing_note("world", "wordnet", section="The world's calibration")
    assert note.startswith("```{note}") and "Skipped: The world's calibration" in note
    assert "real: tiny (random weights)" in note and "wnids" in note
    assert not features.requires("world", section="The world's calibration")
    with pytest.raises(ValueError, match="unknown need"):
        features.has("gpu")
    assert set(NEEDS) == {"world", "wordnet", "csp", "labels"}


@pytest.mark.parametrize("value", ["", "   ", None])
def test_bad_features_values(value):
    with pytest.raises(ValueError, match="FEATURES must be"):
        load_features(value)


def test_a_missing_path_says_how_to_make_a_bundle(tmp_path):
    with pytest.raises(ValueError, match="debiasood extract"):
        load_features(str(tmp_path / "nope"))
