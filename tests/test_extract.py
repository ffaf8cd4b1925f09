"""Image feature extraction end to end on a tiny random open_clip ViT: caching, unreadable images (skipped,
counted, reported; or fail_fast), resume after an interruption, damaged partial chunks and manifests."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from debiasood.data.datasets import (
    ImageDataset,
    UnreadableImageError,
    UnreadableImagesWarning,
    extract_image_features,
    image_feature_key,
    image_folder,
    preprocessing_id,
)
from debiasood.data.encoders import OpenClipEncoder
from debiasood.data.feature_store import CacheCorruptionWarning, FeatureStore

TINY_CFG = dict(  # the tiny ViT of tests/test_encoders.py: 32x32 images, 32-dim embeddings
    embed_dim=32,
    vision_cfg=dict(image_size=32, layers=2, width=64, patch_size=8, head_width=32),
    text_cfg=dict(context_length=77, vocab_size=49408, width=64, heads=2, layers=2),
)


def make_image(path: Path, seed: int, size: tuple[int, int] = (24, 20)) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, format="PNG" if path.suffix == ".png" else "JPEG")
    return path


def make_dataset(root: Path, per_class: int = 5) -> ImageDataset:
    for c, name in enumerate(("cat", "dog")):
        for i in range(per_class):
            make_image(root / name / f"{i:02d}{'.png' if i % 2 else '.jpg'}", seed=10 * c + i, size=(20 + i, 28))
    return image_folder(root)


def add_corrupt_images(root: Path) -> list[str]:
    """A zero-byte file, a truncated JPEG and a text file named .jpg; returns their relative paths."""
    (root / "cat" / "00_empty.jpg").write_bytes(b"")
    whole = make_image(root / "dog" / "00_truncated.jpg", seed=99).read_bytes()
    (root / "dog" / "00_truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (root / "dog" / "99_text.jpg").write_text("this is not an image\n")
    return ["cat/00_empty.jpg", "dog/00_truncated.jpg", "dog/99_text.jpg"]


class Counting:
    """Wraps an encoder, counts the images it encodes, and can fail after ``fail_after`` calls."""

    supports_images = True

    def __init__(self, inner: OpenClipEncoder, fail_after: int | None = None) -> None:
        self.inner, self.fail_after = inner, fail_after
        self.id, self.dim, self.preprocess = inner.id, inner.dim, inner.preprocess
        self.calls = self.images = 0

    def encode_texts(self, texts, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
        return self.inner.encode_texts(texts, **kwargs)

    def encode_images(self, images, *, batch_size=None, progress=None) -> torch.Tensor:  # noqa: ANN001
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.calls += 1
        self.images += len(images)
        return self.inner.encode_images(images, batch_size=batch_size, progress=progress)


class PilEncoder:
    """An encoder without ``preprocess``: it takes PIL images (mean colour and size as features)."""

    id, dim, supports_images = "test:pil-stats", 5, True

    def __init__(self, rows_off_by: int = 0) -> None:
        self.rows_off_by = rows_off_by

    def encode_texts(self, texts, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
        raise NotImplementedError

    def encode_images(self, images, *, batch_size=None, progress=None) -> torch.Tensor:  # noqa: ANN001
        rows = [np.r_[np.asarray(image, np.float32).mean(axis=(0, 1)), image.size] for image in images]
        return torch.tensor(np.array(rows[: len(rows) - self.rows_off_by]), dtype=torch.float32)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> OpenClipEncoder:
    return OpenClipEncoder("ViT-B-32", None, model_cfg=TINY_CFG, progress=False,
                           cache_root=tmp_path_factory.mktemp("clip-cache"))


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


def partial_chunks(store: FeatureStore) -> list[Path]:
    return sorted((store.root / "partial").glob("image/*/chunk-*.safetensors"))


def test_extract_end_to_end_and_cache_hit(clip: OpenClipEncoder, store: FeatureStore, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data")
    encoder = Counting(clip)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean dataset gives no warning at all
        result = extract_image_features(encoder, dataset, store, batch_size=4, progress=True)
    assert result.features.shape == (10, 32) and result.features.dtype == torch.float32
    assert torch.allclose(result.features.norm(dim=1), torch.ones(10), atol=1e-5)
    assert result.kept.tolist() == list(range(10)) and result.labels.tolist() == dataset.labels.tolist()
    assert result.skipped == () and result.skipped_paths == [] and len(result) == 10 and result.num_images == 10
    assert encoder.images == 10 and encoder.calls == 3
    # Aligned with the dataset: row i is the features of dataset.files[i].
    direct = clip.encode_images([dataset.open_image(i) for i in range(len(dataset))])
    assert torch.allclose(result.features, direct, atol=1e-5)
    # What the store holds: the key's data file, its rows manifest; no partial chunks left behind.
    data_path = store.path_for(result.key)
    assert data_path.exists() and data_path.with_name(f"{data_path.stem}.rows.json").exists()
    assert partial_chunks(store) == []
    assert result.key.encoder_id == clip.id and dataset.fingerprint in result.key.fingerprint

    again = extract_image_features(encoder, dataset, store, progress=False)
    assert encoder.calls == 3, "a cache hit must not run the encoder"
    assert torch.equal(again.features, result.features) and again.kept.tolist() == result.kept.tolist()


def test_unreadable_images_are_skipped_counted_and_reported(
    clip: OpenClipEncoder, store: FeatureStore, tmp_path: Path
) -> None:
    clean = make_dataset(tmp_path / "data")
    clean_features = extract_image_features(clip, clean, store, progress=False).features
    bad = add_corrupt_images(tmp_path / "data")
    dataset = image_folder(tmp_path / "data")
    assert len(dataset) == 13
    encoder = Counting(clip)
    with pytest.warns(UnreadableImagesWarning, match=r"3 of 13 images of 'data' could not be read") as record:
        result = extract_image_features(encoder, dataset, store, batch_size=4, progress=False)
    message = str(record[0].message)
    assert all(path in message for path in bad) and "fail_fast=True" in message and ".kept" in message
    assert sorted(result.skipped_paths) == bad and encoder.images == 10
    reasons = {item.path: item.reason for item in result.skipped}
    assert reasons["cat/00_empty.jpg"].startswith("UnidentifiedImageError")
    assert "runcated" in reasons["dog/00_truncated.jpg"]
    assert reasons["dog/99_text.jpg"].startswith("UnidentifiedImageError")
    kept_files = [dataset.files[i] for i in result.kept]
    assert kept_files == list(clean.files) and result.labels.tolist() == clean.labels.tolist()
    assert [dataset.files[item.index] for item in result.skipped] == result.skipped_paths
    assert torch.allclose(result.features, clean_features, atol=1e-5)
    # A cache hit reports the same skips (from the manifest) without running the encoder.
    with pytest.warns(UnreadableImagesWarning, match="3 of 13"):
        again = extract_image_features(encoder, dataset, store, progress=False)
    assert encoder.calls == 3 and again.skipped == result.skipped and torch.equal(again.features, result.features)


def test_fail_fast_names_the_first_bad_image(clip: OpenClipEncoder, store: FeatureStore, tmp_path: Path) -> None:
    make_dataset(tmp_path / "data")
    add_corrupt_images(tmp_path / "data")
    dataset = image_folder(tmp_path / "data")
    with pytest.raises(UnreadableImageError, match=r"image 1 \(cat/00_empty.jpg\) could not be read") as info:
        extract_image_features(clip, dataset, store, fail_fast=True, progress=False)
    assert info.value.path == "cat/00_empty.jpg" and info.value.index == 1
    # A result cached with skips does not satisfy fail_fast either.
    with pytest.warns(UnreadableImagesWarning):
        extract_image_features(clip, dataset, store, progress=False)
    with pytest.raises(UnreadableImageError, match="cat/00_empty.jpg"):
        extract_image_features(clip, dataset, store, fail_fast=True, progress=False)


def test_resume_after_an_interruption(clip: OpenClipEncoder, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data")  # 10 images: chunks of 3 -> [0,3) [3,6) [6,9) [9,10)
    reference = extract_image_features(clip, dataset, FeatureStore(tmp_path / "reference"), progress=False)
    store = FeatureStore(tmp_path / "store")
    interrupted = Counting(clip, fail_after=4)  # batches of 2: two calls per full chunk, so two chunks finish
    with pytest.raises(KeyboardInterrupt, match="simulated"):
        extract_image_features(interrupted, dataset, store, batch_size=2, chunk_size=3, progress=False)
    assert [path.name for path in partial_chunks(store)] == ["chunk-000000.safetensors", "chunk-000001.safetensors"]
    assert not store.path_for(image_feature_key(clip, dataset)).exists()

    resumed = Counting(clip)
    result = extract_image_features(resumed, dataset, store, batch_size=2, chunk_size=3, progress=False)
    assert resumed.images == 4, "only the chunks not finished before the interruption are encoded"
    assert torch.allclose(result.features, reference.features, atol=1e-6)
    assert result.kept.tolist() == reference.kept.tolist() and partial_chunks(store) == []


def test_resume_keeps_skips_and_reencodes_a_damaged_chunk(clip: OpenClipEncoder, tmp_path: Path) -> None:
    make_dataset(tmp_path / "data")
    add_corrupt_images(tmp_path / "data")
    dataset = image_folder(tmp_path / "data")  # 13 images, the bad ones at 1, 7 and 12
    store = FeatureStore(tmp_path / "store")
    # Chunks of 4, one batch each: [0,4) [4,8) [8,12) [12,13); the third call is interrupted.
    with pytest.raises(KeyboardInterrupt):
        extract_image_features(Counting(clip, fail_after=2), dataset, store, batch_size=4, chunk_size=4,
                               progress=False)
    chunks = partial_chunks(store)
    assert len(chunks) == 2
    damaged = bytearray(chunks[1].read_bytes())
    damaged[-5] ^= 0xFF
    chunks[1].write_bytes(bytes(damaged))
    resumed = Counting(clip)
    with pytest.warns(CacheCorruptionWarning, match="chunk-000001.*checksum"), \
            pytest.warns(UnreadableImagesWarning, match="3 of 13"):
        result = extract_image_features(resumed, dataset, store, batch_size=4, chunk_size=4, progress=False)
    # Chunk 1 again (images 4-7, 7 unreadable), chunk 2 (8-11) and chunk 3 (image 12, unreadable: not encoded).
    assert resumed.images == 3 + 4
    assert result.skipped_paths == ["cat/00_empty.jpg", "dog/00_truncated.jpg", "dog/99_text.jpg"]
    reference = extract_image_features(clip, dataset.subset(result.kept), FeatureStore(tmp_path / "ref"),
                                       progress=False)
    assert torch.allclose(result.features, reference.features, atol=1e-6)


def test_a_lost_manifest_is_reported_and_rebuilt(clip: OpenClipEncoder, store: FeatureStore, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", per_class=2)
    first = extract_image_features(clip, dataset, store, progress=False)
    data_path = store.path_for(first.key)
    data_path.with_name(f"{data_path.stem}.rows.json").unlink()
    encoder = Counting(clip)
    with pytest.warns(CacheCorruptionWarning, match=r"rows.json is missing\); recomputing"):
        again = extract_image_features(encoder, dataset, store, progress=False)
    assert encoder.images == 4 and torch.allclose(again.features, first.features, atol=1e-6)
    assert extract_image_features(encoder, dataset, store, progress=False).kept.tolist() == [0, 1, 2, 3]
    assert encoder.images == 4


def test_worker_processes_give_the_same_features(clip: OpenClipEncoder, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", per_class=3)
    add_corrupt_images(tmp_path / "data")
    dataset = image_folder(tmp_path / "data")
    with pytest.warns(UnreadableImagesWarning):
        serial = extract_image_features(clip, dataset, FeatureStore(tmp_path / "a"), progress=False)
    with pytest.warns(UnreadableImagesWarning):
        parallel = extract_image_features(clip, dataset, FeatureStore(tmp_path / "b"), num_workers=2,
                                          batch_size=3, progress=False)
    assert torch.allclose(serial.features, parallel.features, atol=1e-6)
    assert parallel.skipped == serial.skipped


def test_encoder_without_preprocess_gets_pil_images(store: FeatureStore, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", per_class=2)
    result = extract_image_features(PilEncoder(), dataset, store, batch_size=3, progress=False)
    assert result.features.shape == (4, 5) and torch.allclose(result.features.norm(dim=1), torch.ones(4))
    assert preprocessing_id(PilEncoder()) == "pil-rgb;encoder-internal"
    with pytest.raises(ValueError, match=r"returned \(2, 5\) for 3 images"):
        extract_image_features(PilEncoder(rows_off_by=1), dataset, FeatureStore(tmp_path / "other"), batch_size=3,
                               progress=False)


def test_key_names_encoder_files_and_preprocessing(clip: OpenClipEncoder, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", per_class=1)
    key = image_feature_key(clip, dataset)
    assert key.kind == "image" and key.encoder_id == clip.id
    assert key.fingerprint == f"{dataset.fingerprint};preprocess={preprocessing_id(clip)}"
    assert preprocessing_id(clip).startswith("pil-rgb;transform-sha256-")
    assert image_feature_key(PilEncoder(), dataset).fingerprint.endswith("preprocess=pil-rgb;encoder-internal")
    path = tmp_path / "data" / "cat" / "00.jpg"
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))
    assert image_feature_key(clip, image_folder(tmp_path / "data")) != key


def test_bad_arguments(clip: OpenClipEncoder, store: FeatureStore, tmp_path: Path) -> None:
    dataset = make_dataset(tmp_path / "data", per_class=1)
    with pytest.raises(TypeError, match="dataset must be an ImageDataset"):
        extract_image_features(clip, [str(dataset.path(0))], store)
    with pytest.raises(TypeError, match="encoder must be an image encoder"):
        extract_image_features(object(), dataset, store)
    for name, value in (("batch_size", 0), ("chunk_size", -1), ("num_workers", -1), ("num_workers", True)):
        with pytest.raises(ValueError, match=name):
            extract_image_features(clip, dataset, store, **{name: value})
    for path in (tmp_path / "data").rglob("*.*"):
        path.write_bytes(b"")
    with pytest.raises(ValueError, match="none of the 2 images of 'data' could be read"):
        extract_image_features(clip, image_folder(tmp_path / "data"), store, progress=False)
