"""Image features of a dataset: encoded once, cached, resumable, and honest about images it could not read.

:func:`extract_image_features` runs every image of an :class:`~debiasood.data.datasets.folders.ImageDataset`
through an encoder's ``encode_images`` and returns an :class:`ImageFeatures`: float32, L2-normalised rows,
with ``kept`` saying which dataset images the rows belong to.

- Cache: the finished matrix lives in the :class:`~debiasood.data.feature_store.FeatureStore` under a key made of the
  encoder id, the dataset fingerprint and the preprocessing id (:func:`image_feature_key`). A second call
  with the same key does not run the encoder.
- Unreadable images (zero bytes, truncated, not an image) are skipped, counted and reported: a warning names
  how many and the first few, and the result lists every skipped path with its reason. With
  ``fail_fast=True`` the first one raises :class:`UnreadableImageError` instead. The skip list is stored next
  to the cached features (``<digest>.rows.json``), so a cache hit reports the same skips.
- Resume: images are encoded in chunks (``chunk_size``, 1,000 by default); each finished chunk is written
  atomically, with sha256 checksums, to ``<store root>/partial/image/<digest>-chunk<size>/``. After an
  interruption (an exception, Ctrl-C, a killed job) the next call with the same key re-uses the valid chunks
  and encodes only the rest; a damaged chunk is reported and encoded again. The partial folder is removed
  once the full matrix is in the store; that of a run never finished (say the files changed in between, which
  changes the key) stays until removed by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from debiasood.data.datasets.folders import UNREADABLE_IMAGE_ERRORS, ImageDataset
from debiasood.data.encoders.base import check_batch_size
from debiasood.data.feature_store import (
    CacheCorruptionWarning,
    FeatureKey,
    FeatureStore,
    read_checked_tensors,
    write_checked_tensors,
)
from debiasood.data.files import atomic_write_bytes

if TYPE_CHECKING:
    from debiasood.data.encoders.base import Encoder

CHUNK_FORMAT_VERSION = 1
"""Bump when the layout of partial chunks or of the rows manifest changes; old ones are then ignored."""

LOADER_ID = "pil-rgb"
"""How files become images before the encoder's preprocessing: PIL, fully decoded, converted to RGB."""

_SHOW = 5  # skipped paths named in the warning


class UnreadableImageError(ValueError):
    """An image could not be read and ``fail_fast=True`` was asked for."""

    def __init__(self, path: str, index: int, reason: str) -> None:
        super().__init__(f"image {index} ({path}) could not be read: {reason}")
        self.path, self.index, self.reason = path, index, reason


class UnreadableImagesWarning(UserWarning):
    """Some images could not be read and were skipped; the result's ``skipped`` lists them all."""


@dataclass(frozen=True)
class SkippedImage:
    """An image left out of the features: its dataset index, path relative to the dataset root, and why."""

    index: int
    path: str
    reason: str


@dataclass(frozen=True, eq=False)
class ImageFeatures:
    """Features of the readable images of a dataset.

    - ``features``: (len(kept), D) float32, rows L2-normalised; row r belongs to dataset image ``kept[r]``.
    - ``kept``: int64 dataset indices, increasing; ``labels`` = ``dataset.labels[kept]``.
    - ``skipped``: every image left out, with the reason; ``num_images`` = len(kept) + len(skipped).
    - ``key``: the feature-store key the matrix is cached under.
    """

    features: torch.Tensor
    kept: np.ndarray
    labels: np.ndarray
    skipped: tuple[SkippedImage, ...]
    num_images: int
    key: FeatureKey

    def __len__(self) -> int:
        return self.features.shape[0]

    @property
    def skipped_paths(self) -> list[str]:
        return [item.path for item in self.skipped]


def preprocessing_id(encoder: Encoder) -> str:
    """Names how images reach the encoder: :data:`LOADER_ID` plus a hash of ``encoder.preprocess`` (its repr,
    which lists every transform and parameter), or ``encoder-internal`` when the encoder takes PIL images."""
    transform = getattr(encoder, "preprocess", None)
    if transform is None:
        return f"{LOADER_ID};encoder-internal"
    # Drop memory addresses ("<function f at 0x7f..>") so the id is stable across processes.
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(transform))
    return f"{LOADER_ID};transform-sha256-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def image_feature_key(encoder: Encoder, dataset: ImageDataset) -> FeatureKey:
    """The feature-store key of ``dataset`` encoded by ``encoder``: encoder id, dataset fingerprint, preprocessing."""
    return FeatureKey(encoder_id=encoder.id, kind="image",
                      fingerprint=f"{dataset.fingerprint};preprocess={preprocessing_id(encoder)}")


def extract_image_features(
    encoder: Encoder,
    dataset: ImageDataset,
    store: FeatureStore | None = None,
    batch_size: int = 64,
    num_workers: int = 0,
    fail_fast: bool = False,
    progress: bool = True,
    *,
    chunk_size: int = 1000,
    label: str | None = None,
) -> ImageFeatures:
    """Features of every readable image of ``dataset`` (see the module docstring for caching, skips, resume).

    ``batch_size`` images per forward pass; ``num_workers`` DataLoader processes that decode and preprocess
    images (0: in this process); ``chunk_size`` images per resumable chunk (part of the partial folder's
    name, so changing it starts the partial work afresh). ``store`` defaults to ``FeatureStore()``.
    ``label`` names the progress bar (default: "image features of <dataset name>").
    """
    _check_args(encoder, dataset, batch_size, num_workers, chunk_size)
    store = store if store is not None else FeatureStore()
    key = image_feature_key(encoder, dataset)
    data_path = store.path_for(key)
    manifest_path = data_path.with_name(f"{data_path.stem}.rows.json")
    partial_dir = _partial_dir(store, key, chunk_size)
    computed: dict[str, list[SkippedImage]] = {}

    def compute() -> torch.Tensor:
        features, skipped = _extract_chunks(encoder, dataset, key, partial_dir, batch_size, num_workers,
                                            fail_fast, progress, chunk_size, label)
        # The manifest goes first: the store writes the features after compute() returns, so a features entry
        # never exists without the manifest that says which rows it holds.
        _write_manifest(manifest_path, key, len(dataset), skipped, features)
        computed["skipped"] = skipped
        return features

    features = store.get_or_compute(key, compute)
    if "skipped" not in computed:
        skipped, problem = _read_manifest(manifest_path, key, dataset, features)
        if problem is not None:
            warnings.warn(f"feature cache entry {data_path} is unusable ({problem}); recomputing it",
                          CacheCorruptionWarning, stacklevel=2)
            for stale in (data_path, data_path.with_suffix(".json"), manifest_path):
                stale.unlink(missing_ok=True)
            features = store.get_or_compute(key, compute)
            if "skipped" not in computed:  # another process rebuilt the entry in the meantime
                skipped, problem = _read_manifest(manifest_path, key, dataset, features)
                if problem is not None:
                    raise RuntimeError(f"feature cache entry {data_path} is still unusable after a rebuild by "
                                       f"another process ({problem}); is the store shared by another version?")
    if "skipped" in computed:
        skipped = computed["skipped"]
        # Chunks are only a means to the finished entry; a leftover folder would only cost disk space.
        shutil.rmtree(partial_dir, ignore_errors=True)
    if fail_fast and skipped:
        first = skipped[0]
        raise UnreadableImageError(first.path, first.index, first.reason)
    if skipped:
        _warn_skipped(dataset, skipped)
    kept = _kept_indices(len(dataset), skipped)
    return ImageFeatures(features=features, kept=kept, labels=dataset.labels[kept], skipped=tuple(skipped),
                         num_images=len(dataset), key=key)


def encode_image_shard(
    encoder: Encoder,
    dataset: ImageDataset,
    store: FeatureStore | None = None,
    *,
    rank: int,
    world_size: int,
    batch_size: int = 64,
    num_workers: int = 0,
    fail_fast: bool = False,
    progress: bool = False,
    chunk_size: int = 1000,
    label: str | None = None,
) -> int:
    """One process's share of :func:`extract_image_features`' work, for several processes (e.g. ``torchrun``).

    Chunk c of ``chunk_size`` images belongs to rank ``c % world_size``; this encodes the chunks of ``rank``
    that are not already in the store's partial folder and writes them there (resumable, like a single run).
    Once every rank has run it, :func:`extract_image_features` (on one rank) finds every chunk and assembles
    the finished entry without encoding anything. The bytes equal a single-process run's: batches never cross
    a chunk boundary, so each batch holds the same images whichever process encodes it. The store must be on
    a filesystem every process sees (one machine, or a shared folder). Returns the number of chunks encoded.
    """
    _check_args(encoder, dataset, batch_size, num_workers, chunk_size)
    for name, value, low in (("world_size", world_size, 1), ("rank", rank, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    if rank >= world_size:
        raise ValueError(f"rank {rank} must be smaller than world_size {world_size}")
    store = store if store is not None else FeatureStore()
    key = image_feature_key(encoder, dataset)
    if store.contains(key):
        return 0
    partial_dir = _partial_dir(store, key, chunk_size)
    bounds = _chunk_bounds(len(dataset), chunk_size)
    todo = [c for c in range(len(bounds)) if c % world_size == rank
            and _read_chunk(_chunk_path(partial_dir, c), key, *bounds[c], len(dataset), encoder.dim) is None]
    if todo:
        _encode_chunks(encoder, dataset, key, partial_dir, bounds, todo, {}, batch_size, chunk_size, num_workers,
                       fail_fast, progress, label)
    return len(todo)


def _partial_dir(store: FeatureStore, key: FeatureKey, chunk_size: int) -> Path:
    return store.root / "partial" / "image" / f"{store.path_for(key).stem}-chunk{chunk_size}"


def _chunk_bounds(num_images: int, chunk_size: int) -> list[tuple[int, int]]:
    return [(start, min(start + chunk_size, num_images)) for start in range(0, num_images, chunk_size)]


def _check_args(encoder: Any, dataset: Any, batch_size: int, num_workers: int, chunk_size: int) -> None:
    if not isinstance(dataset, ImageDataset):
        raise TypeError(f"dataset must be an ImageDataset (from a debiasood.data.datasets loader), "
                        f"got {type(dataset).__name__}")
    if not getattr(encoder, "supports_images", False) or not callable(getattr(encoder, "encode_images", None)):
        raise TypeError(f"encoder must be an image encoder (supports_images=True), got {encoder!r}")
    check_batch_size(batch_size)
    check_batch_size(chunk_size, "chunk_size")
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
        raise ValueError(f"num_workers must be an int >= 0, got {num_workers!r}")


def _warn_skipped(dataset: ImageDataset, skipped: Sequence[SkippedImage]) -> None:
    shown = "; ".join(f"{item.path} ({item.reason})" for item in skipped[:_SHOW])
    more = f"; and {len(skipped) - _SHOW} more" if len(skipped) > _SHOW else ""
    warnings.warn(
        f"{len(skipped)} of {len(dataset)} images of {dataset.name!r} could not be read and were skipped: "
        f"{shown}{more}. The result's .kept lists the dataset rows that were kept and .skipped every image left "
        "out; pass fail_fast=True to stop at the first one instead",
        UnreadableImagesWarning,
        stacklevel=3,
    )


def _kept_indices(num_images: int, skipped: Sequence[SkippedImage]) -> np.ndarray:
    mask = np.ones(num_images, dtype=bool)
    mask[[item.index for item in skipped]] = False
    return np.flatnonzero(mask).astype(np.int64)


# ------------------------------------------------------------------------------------------ loading images


class _Images(torch.utils.data.Dataset):
    """Dataset images, decoded and preprocessed (in DataLoader workers when ``num_workers > 0``).

    An item is ``(index, image or None, reason or None)``: an unreadable file is returned as data, not raised,
    so one bad file neither kills a worker nor ends the run.
    """

    def __init__(self, dataset: ImageDataset, transform: Any) -> None:
        self.dataset, self.transform = dataset, transform

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[int, Any, str | None]:
        try:
            image = self.dataset.open_image(index)
        except UNREADABLE_IMAGE_ERRORS as err:
            return index, None, f"{type(err).__name__}: {err}"
        return index, (image if self.transform is None else self.transform(image)), None


def _collate(items: list[tuple[int, Any, str | None]]) -> tuple[list[int], list[int], Any, list[tuple[int, str]]]:
    """(all indices, indices of readable images, their images stacked or as a PIL list, [(index, reason)])."""
    good = [(index, image) for index, image, reason in items if reason is None]
    failed = [(index, reason) for index, _, reason in items if reason is not None]
    images = [image for _, image in good]
    if images and isinstance(images[0], torch.Tensor):
        images = torch.stack(images)
    return [index for index, _, _ in items], [index for index, _ in good], images, failed


# ------------------------------------------------------------------------------------------------- chunks


@dataclass
class _Chunk:
    features: torch.Tensor  # (len(kept), D)
    kept: torch.Tensor  # int64 dataset indices
    skipped: list[SkippedImage]


def _extract_chunks(
    encoder: Encoder,
    dataset: ImageDataset,
    key: FeatureKey,
    partial_dir: Path,
    batch_size: int,
    num_workers: int,
    fail_fast: bool,
    progress: bool,
    chunk_size: int,
    label: str | None,
) -> tuple[torch.Tensor, list[SkippedImage]]:
    """Encode the chunks not yet in ``partial_dir`` and assemble all of them, in dataset order."""
    bounds = _chunk_bounds(len(dataset), chunk_size)
    num_chunks = len(bounds)
    chunks: dict[int, _Chunk] = {}
    for c, (start, stop) in enumerate(bounds):
        chunk = _read_chunk(_chunk_path(partial_dir, c), key, start, stop, len(dataset), encoder.dim)
        if chunk is not None:
            if fail_fast and chunk.skipped:
                first = chunk.skipped[0]
                raise UnreadableImageError(first.path, first.index, first.reason)
            chunks[c] = chunk
    todo = [c for c in range(num_chunks) if c not in chunks]
    if todo:
        _encode_chunks(encoder, dataset, key, partial_dir, bounds, todo, chunks, batch_size, chunk_size,
                       num_workers, fail_fast, progress, label)
    skipped = [item for c in range(num_chunks) for item in chunks[c].skipped]
    if len(skipped) == len(dataset):
        raise ValueError(f"none of the {len(dataset)} images of {dataset.name!r} could be read, e.g. "
                         f"{skipped[0].path} ({skipped[0].reason}); is {str(dataset.root)!r} the right folder?")
    return torch.cat([chunks[c].features for c in range(num_chunks)]), skipped


def _encode_chunks(
    encoder: Encoder,
    dataset: ImageDataset,
    key: FeatureKey,
    partial_dir: Path,
    bounds: list[tuple[int, int]],
    todo: list[int],
    chunks: dict[int, _Chunk],
    batch_size: int,
    chunk_size: int,
    num_workers: int,
    fail_fast: bool,
    progress: bool,
    label: str | None,
) -> None:
    from tqdm import tqdm  # the text bar: tqdm.auto would ask notebooks for ipywidgets

    # Batches never cross a chunk boundary, so a chunk is complete (and written) as soon as its last batch is.
    batches = [list(range(b, min(b + batch_size, bounds[c][1])))
               for c in todo for b in range(bounds[c][0], bounds[c][1], batch_size)]
    loader = torch.utils.data.DataLoader(
        _Images(dataset, getattr(encoder, "preprocess", None)), batch_sampler=batches, num_workers=num_workers,
        collate_fn=_collate,
    )
    done = len(dataset) - sum(bounds[c][1] - bounds[c][0] for c in todo)
    bar = tqdm(total=len(dataset), initial=done, unit="img", desc=label or f"image features of {dataset.name}",
               disable=not progress)
    pending: dict[int, list] = {}
    with bar:
        for indices, good, images, failed in loader:
            c = indices[0] // chunk_size
            parts = pending.setdefault(c, [])
            if failed and fail_fast:
                index, reason = failed[0]
                raise UnreadableImageError(dataset.files[index], index, reason)
            features = _encode(encoder, images) if good else torch.empty(0, encoder.dim)
            parts.append((features, good, failed))
            bar.update(len(indices))
            if indices[-1] == bounds[c][1] - 1:
                chunks[c] = _finish_chunk(dataset, pending.pop(c))
                _write_chunk(_chunk_path(partial_dir, c), key, bounds[c], len(dataset), chunks[c])


def _encode(encoder: Encoder, images: Any) -> torch.Tensor:
    features = encoder.encode_images(images, batch_size=len(images), progress=False)
    if not isinstance(features, torch.Tensor) or features.shape != (len(images), encoder.dim):
        shape = tuple(features.shape) if isinstance(features, torch.Tensor) else type(features).__name__
        raise ValueError(f"encoder.encode_images returned {shape} for {len(images)} images; expected "
                         f"({len(images)}, {encoder.dim})")
    features = features.detach().to("cpu", torch.float32)
    if not bool(torch.isfinite(features).all()):
        raise ValueError("encoder.encode_images returned NaN or inf features")
    # The protocol promises unit rows; normalising again is cheap and makes the promise hold for any encoder.
    return torch.nn.functional.normalize(features, dim=-1)


def _finish_chunk(dataset: ImageDataset, parts: list) -> _Chunk:
    return _Chunk(
        features=torch.cat([features for features, _, _ in parts]),
        kept=torch.tensor([index for _, good, _ in parts for index in good], dtype=torch.int64),
        skipped=[SkippedImage(index, dataset.files[index], reason)
                 for _, _, failed in parts for index, reason in failed],
    )


def _chunk_path(partial_dir: Path, c: int) -> Path:
    return partial_dir / f"chunk-{c:06d}.safetensors"


def _sha256(tensor: torch.Tensor) -> str:
    # hashlib reads the C-contiguous array's buffer directly (no copy), empty arrays included.
    return hashlib.sha256(tensor.contiguous().numpy()).hexdigest()


def _chunk_metadata(key: FeatureKey, bounds: tuple[int, int], num_images: int) -> dict[str, str]:
    return {
        "format_version": str(CHUNK_FORMAT_VERSION),
        "key": json.dumps(key.fields(), sort_keys=True),
        "start": str(bounds[0]),
        "stop": str(bounds[1]),
        "num_images": str(num_images),
    }


def _write_chunk(path: Path, key: FeatureKey, bounds: tuple[int, int], num_images: int, chunk: _Chunk) -> None:
    metadata = _chunk_metadata(key, bounds, num_images) | {
        "skipped": json.dumps([[item.index, item.path, item.reason] for item in chunk.skipped])}
    write_checked_tensors(path, {"features": chunk.features, "kept": chunk.kept}, metadata)


def _read_chunk(path: Path, key: FeatureKey, start: int, stop: int, num_images: int, dim: int) -> _Chunk | None:
    """The chunk stored at ``path`` if it is complete and belongs to this key and range; None otherwise.

    A chunk file that exists but fails a check is reported (:class:`CacheCorruptionWarning`) and encoded again.
    """
    if not path.exists():
        return None
    problem = _chunk_problem(path, key, start, stop, num_images, dim)
    if isinstance(problem, _Chunk):
        return problem
    warnings.warn(f"partial feature chunk {path} is unusable ({problem}); encoding its images again",
                  CacheCorruptionWarning, stacklevel=2)
    return None


def _chunk_problem(path: Path, key: FeatureKey, start: int, stop: int, num_images: int, dim: int) -> _Chunk | str:
    found = read_checked_tensors(path, _chunk_metadata(key, (start, stop), num_images))
    if isinstance(found, str):
        return found
    tensors, metadata = found
    if set(tensors) != {"features", "kept"}:
        return "it does not hold exactly the tensors 'features' and 'kept'"
    features, kept = tensors["features"], tensors["kept"]
    try:
        skipped = [SkippedImage(int(i), str(p), str(r)) for i, p, r in json.loads(metadata.get("skipped", ""))]
    except (ValueError, TypeError) as err:
        return f"its list of skipped images is unreadable: {err}"
    if features.dtype != torch.float32 or features.shape != (kept.shape[0], dim) or kept.dtype != torch.int64:
        return f"features {tuple(features.shape)} {features.dtype} do not match kept {tuple(kept.shape)} and dim {dim}"
    if sorted(kept.tolist() + [item.index for item in skipped]) != list(range(start, stop)):
        return f"its kept and skipped images do not cover images {start}..{stop - 1} exactly once"
    return _Chunk(features, kept, skipped)


# ------------------------------------------------------------------------------------------------ manifest


def _write_manifest(
    path: Path, key: FeatureKey, num_images: int, skipped: Sequence[SkippedImage], features: torch.Tensor
) -> None:
    manifest = {
        "format_version": CHUNK_FORMAT_VERSION,
        "key": key.fields(),
        "num_images": num_images,
        "rows": int(features.shape[0]),
        "features_sha256": _sha256(features.to(torch.float32)),
        "skipped": [{"index": item.index, "path": item.path, "reason": item.reason} for item in skipped],
    }
    atomic_write_bytes(path, (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode())


def _read_manifest(
    path: Path, key: FeatureKey, dataset: ImageDataset, features: torch.Tensor
) -> tuple[list[SkippedImage], str | None]:
    """(skipped images, None) when the manifest matches the cached features, else ([], the problem)."""
    if not path.exists():
        return [], f"its list of kept rows {path.name} is missing"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        skipped = [SkippedImage(int(s["index"]), str(s["path"]), str(s["reason"])) for s in manifest["skipped"]]
        fields = (manifest["format_version"], manifest["key"], manifest["num_images"], manifest["rows"],
                  manifest["features_sha256"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        return [], f"its list of kept rows {path.name} is unreadable: {err!r}"
    expected = (CHUNK_FORMAT_VERSION, key.fields(), len(dataset), features.shape[0], _sha256(features))
    if fields != expected:
        return [], f"its list of kept rows {path.name} does not match the cached features"
    if any(not 0 <= item.index < len(dataset) or dataset.files[item.index] != item.path for item in skipped):
        return [], f"its list of kept rows {path.name} names images that are not in the dataset"
    return skipped, None
