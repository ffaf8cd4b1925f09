"""Official DNM feature dumps: synthetic dumps written with torch.save, loaded, validated, and scored (DNM in
the official arithmetic, checked against a float64 transcription of main_online.py's get_score)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from debiasood.core.scores import dnm_score
from debiasood.data.datasets.official_dumps import (
    OFFICIAL_IMAGE_KEYS,
    UnsafeDumpError,
    load_official_dumps,
    load_official_image_features,
    load_official_text_features,
)

K, D, M, G = 20, 16, 100, 10  # a = tau - Q (1 - tau) / K = 0.25 > 0: the official arithmetic stays positive


def randn(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def image_dump(tmp_path: Path, **changes) -> Path:  # noqa: ANN003
    sizes = {"ImageNet": 30, "iNaturalist": 12, "SUN": 11, "places365": 10, "dtd": 9}
    dump = {key: 3 * randn(n, D, seed=i) for i, (key, n) in enumerate(sizes.items())}
    dump.update(changes)
    path = tmp_path / "CLIP_features_B16.pth"
    torch.save(dump, path)
    return path


def text_dump(tmp_path: Path, name: str = "neg_dump_new_B16.pth", **changes) -> Path:  # noqa: ANN003
    dump = dict(pos_emb=5 * randn(K, D, seed=10), neg_emb_selected=5 * randn(M, D, seed=11), noun_length=45_000,
                adj_length=torch.tensor(11_620))
    dump.update(changes)
    path = tmp_path / name
    torch.save(dump, path)
    return path


def unit(x: torch.Tensor) -> bool:
    return torch.allclose(x.norm(dim=1), torch.ones(x.shape[0]), atol=1e-5)


def test_image_dump_keys_are_mapped_and_rows_normalised(tmp_path: Path) -> None:
    raw = torch.load(image_dump(tmp_path, **{"ImageNet-A": randn(4, D, seed=9).half()}))
    images = load_official_image_features(tmp_path / "CLIP_features_B16.pth")
    assert images.names == ("imagenet1k", "inaturalist", "sun", "places", "textures", "ImageNet-A")
    assert images.source_keys["places"] == "places365" and images.source_keys["textures"] == "dtd"
    assert set(OFFICIAL_IMAGE_KEYS.values()) <= set(images.names) and images.dim == D
    for name, key in images.source_keys.items():
        features = images[name]
        assert features.dtype == torch.float32 and features.shape == raw[key].shape and unit(features)
        assert torch.allclose(features, torch.nn.functional.normalize(raw[key].float(), dim=1), atol=1e-6)
    with pytest.raises(KeyError, match=r"'imagenet' is not in CLIP_features_B16.pth; it holds \['imagenet1k'"):
        images["imagenet"]


def test_text_dump_both_pos_shapes(tmp_path: Path) -> None:
    texts = load_official_text_features(text_dump(tmp_path))
    assert texts.id_text_features.shape == (K, D) and texts.neg_text_features.shape == (M, D)
    assert unit(texts.id_text_features) and unit(texts.neg_text_features)
    assert texts.noun_length == 45_000 and texts.adj_length == 11_620 and texts.num_templates is None
    # pos_dump_new_ens.pth: (K, T, D) before the template mean, and no negatives.
    templated = 5 * randn(K, 3, D, seed=12)
    path = tmp_path / "pos_dump_new_ens.pth"
    torch.save(dict(pos_emb=templated), path)
    ensemble = load_official_text_features(path)
    assert ensemble.num_templates == 3 and ensemble.neg_text_features is None and ensemble.noun_length is None
    expected = torch.nn.functional.normalize(templated.mean(dim=1), dim=1)  # the official mean, then normalise
    assert torch.allclose(ensemble.id_text_features, expected, atol=1e-6)


def test_scoring_the_dumps_reproduces_the_official_arithmetic(tmp_path: Path) -> None:
    images, texts = load_official_dumps(image_dump(tmp_path), text_dump(tmp_path))
    groups = np.arange(M).reshape(G, M // G)  # one fixed partition, so the reference can use the same groups
    raw_images = torch.load(tmp_path / "CLIP_features_B16.pth")
    raw_texts = torch.load(tmp_path / "neg_dump_new_B16.pth")
    for name in ("imagenet1k", "inaturalist"):
        scores = dnm_score(images[name], texts.id_text_features, texts.neg_text_features, tau_neg=0.5,
                           temperature=0.01, groups=groups, clamp=False, official_scale=True)
        assert scores.shape == (images[name].shape[0],) and bool(torch.isfinite(scores).all())
        reference = official_get_score(raw_images[images.source_keys[name]], raw_texts["pos_emb"],
                                       raw_texts["neg_emb_selected"], groups, tau=0.5, temp=0.01)
        assert np.allclose(scores.double().numpy(), reference, rtol=1e-4)


def official_get_score(image: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor, groups: np.ndarray, *,
                       tau: float, temp: float) -> np.ndarray:
    """main_online.py's get_score and its normalisations, in float64, with a given partition."""
    image, pos, neg = (torch.nn.functional.normalize(x.double(), dim=-1) for x in (image, pos, neg))
    score = 0
    for group in groups:
        sim_pos, sim_neg = image @ pos.T, image @ neg[torch.from_numpy(group)].T
        z = torch.exp(sim_pos / temp).sum(-1, keepdim=True) + len(group) * (
            (1 / tau) * torch.exp(sim_neg / temp).mean(-1, keepdim=True)
            - (1 - tau) / tau * torch.exp(sim_pos / temp).mean(-1, keepdim=True))
        score = score + torch.exp(sim_pos / temp) / z / len(groups)
    return score.mean(dim=1).numpy()


def test_files_that_need_pickle_are_refused_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "numpy_dump.pth"
    torch.save({"ImageNet": np.ones((3, D), dtype=np.float32)}, path)
    with pytest.raises(UnsafeDumpError, match="needs numpy.*arbitrary code.*allow_pickle=True"):
        load_official_image_features(path)
    loaded = load_official_image_features(path, allow_pickle=True)
    assert loaded["imagenet1k"].shape == (3, D) and unit(loaded["imagenet1k"])


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="image-feature dump .*missing.pth' does not exist"):
        load_official_image_features(tmp_path / "missing.pth")
    garbage = tmp_path / "garbage.pth"
    garbage.write_bytes(b"not a torch file")
    with pytest.raises(ValueError, match="is not a file written by torch.save.*Unsupported operand") as info:
        load_official_text_features(garbage)
    assert not isinstance(info.value, UnsafeDumpError)
    with pytest.raises(ValueError, match="is not a file written by torch.save"):
        load_official_text_features(garbage, allow_pickle=True)
    garbage.write_bytes(b"hello")
    with pytest.raises(ValueError, match="is not a file written by torch.save"):
        load_official_text_features(garbage)
    torch.save(randn(3, D, seed=0), tmp_path / "tensor.pth")
    with pytest.raises(ValueError, match="holds a Tensor; an official image-feature dump is a dict"):
        load_official_image_features(tmp_path / "tensor.pth")
    torch.save({}, tmp_path / "empty.pth")
    with pytest.raises(ValueError, match="holds an empty dict"):
        load_official_image_features(tmp_path / "empty.pth")


@pytest.mark.parametrize(("changes", "message"), [
    ({"SUN": torch.full((2, D), float("nan"))}, r"\['SUN'\] has NaN or inf in 2 of 2 rows"),
    ({"dtd": randn(4, D + 1, seed=0)}, "different feature dims"),
    ({"dtd": randn(4, 2, D, seed=0)}, r"has shape \(4, 2, 16\); expected \(N, D\)"),
    ({"dtd": torch.ones(3, D, dtype=torch.int64)}, "floating-point"),
    ({"dtd": torch.zeros(0, D)}, "is empty"),
    ({"dtd": torch.zeros(2, D)}, "2 rows are all zeros"),
    ({"dtd": [1.0, 2.0]}, "must be a tensor, got list"),
    ({"imagenet1k": randn(2, D, seed=0)}, "both 'ImageNet' and 'imagenet1k' would be the dataset 'imagenet1k'"),
])
def test_bad_image_dumps(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_official_image_features(image_dump(tmp_path, **changes))


@pytest.mark.parametrize(("changes", "message"), [
    ({"pos_emb": None}, "must be a tensor, got NoneType"),
    ({"neg_emb_selected": randn(M, D + 2, seed=0)}, "pos_emb has dim 16 but neg_emb_selected has dim 18"),
    ({"pos_emb": torch.zeros(K, 0, D)}, "no templates to average"),
    ({"noun_length": -1}, r"\['noun_length'\] must be a count"),
    ({"adj_length": 2.5}, r"\['adj_length'\] must be a count"),
    ({"neg_emb_selected": torch.full((M, D), float("inf"))}, "NaN or inf"),
])
def test_bad_text_dumps(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_official_text_features(text_dump(tmp_path, **changes))


def test_dumps_must_fit_together(tmp_path: Path) -> None:
    torch.save(dict(neg_emb_selected=randn(M, D, seed=0)), tmp_path / "no_pos.pth")
    with pytest.raises(ValueError, match="has no 'pos_emb'"):
        load_official_text_features(tmp_path / "no_pos.pth")
    torch.save(dict(pos_emb=randn(K, D, seed=0)), tmp_path / "no_neg.pth")
    with pytest.raises(ValueError, match="has no 'neg_emb_selected'"):
        load_official_dumps(image_dump(tmp_path), tmp_path / "no_neg.pth")
    other = text_dump(tmp_path, "other.pth", pos_emb=randn(K, 8, seed=0), neg_emb_selected=randn(M, 8, seed=1))
    with pytest.raises(ValueError, match="image features have dim 16 but text features dim 8"):
        load_official_dumps(image_dump(tmp_path), other)


def test_dumps_become_a_real_bundle_with_the_fixed_official_selection(tmp_path: Path) -> None:
    from debiasood.core.evaluation import Settings
    from debiasood.data.bundle import BundleError, load_bundle
    from debiasood.data.datasets.official_dumps import dumps_to_bundle

    # 45,000 nouns x 0.23 + 11,620 adjectives x 0.13 would be 11,860 rows: M = 100 matches no official quota.
    bundle = dumps_to_bundle(image_dump(tmp_path), text_dump(tmp_path), command="pytest")
    assert bundle.provenance.world == "real" and bundle.label == "real: ViT-B-16 (openai)"
    assert bundle.id_set == "imagenet1k" and bundle.ood_sets == ("inaturalist", "sun", "places", "textures")
    assert "parts of speech unknown" in bundle.text.corpus.name and not bundle.text.has_wordnet
    again = load_bundle(bundle.save(tmp_path / "bundle"))
    assert again.negatives("density").tolist() == list(range(M))
    with pytest.raises(BundleError, match="fixed selections for \\['density'\\] only"):
        again.negatives("neglabel")
    # Scoring the bundle is scoring the dumps: the official arithmetic with the bundle's one partition.
    settings = Settings(num_groups=G, tau_neg=0.5)
    result = again.evaluate(["dnm-official"], settings, sets=["inaturalist"])
    images, texts = load_official_dumps(image_dump(tmp_path), text_dump(tmp_path))
    expected = dnm_score(images["inaturalist"], texts.id_text_features, texts.neg_text_features, tau_neg=0.5,
                         groups=settings.groups(M), clamp=False, official_scale=True)
    np.testing.assert_allclose(result.scores["dnm-official"]["inaturalist"], expected.double().numpy(), rtol=1e-5)


def test_parts_of_speech_follow_an_official_quota_when_the_sizes_match(tmp_path: Path) -> None:
    from debiasood.data.datasets.official_dumps import dumps_to_bundle

    # ViT-B/16 quotas: int(400 * 0.23) = 92 nouns and int(61 * 0.13) = 7 adjectives give M = 99.
    path = text_dump(tmp_path, neg_emb_selected=5 * randn(99, D, seed=3), noun_length=400, adj_length=61)
    bundle = dumps_to_bundle(image_dump(tmp_path), path)
    parts = bundle.text.corpus.parts_of_speech
    assert parts.count("noun") == 92 and parts[92:] == ("adj",) * 7
    assert "ViT-B/16 quotas" in bundle.text.corpus.name
