"""The feature store: text and image embeddings cached on disk, keyed by everything that determines them.

Encoding a 57k-word corpus or 50k images with CLIP takes minutes to hours, while scoring takes seconds, so
features are computed once and reused (pytorch-ood's "encode once, score many ways").

Where: ``$DEBIASOOD_CACHE`` if set, else ``$XDG_CACHE_HOME/debiasood``, else ``~/.cache/debiasood`` (the XDG
rule that platformdirs applies on Linux, without the dependency).

Key: a :class:`FeatureKey` names the encoder (model AND weights, ``Encoder.id``), the kind (``'text'`` or
``'image'``), the prompt template(s), a corpus or dataset fingerprint the caller passes, optionally a hash of
the exact inputs, raw vs normalised, and the prompt-ensemble rule. The file name is the sha256 of the
canonical JSON of those fields plus :data:`FEATURE_FORMAT_VERSION` and the storage dtype; a JSON sidecar keeps
the fields readable by people (``cat <digest>.json``).

Storage: safetensors, one tensor per file. Why not ``torch.save``: that is a pickle, so loading a cache
file could run code; safetensors cannot. Why not ``.npy``: safetensors carries string metadata in its
header (the key and the payload checksum travel INSIDE the data file, so a data file can never be paired with
the wrong sidecar unnoticed) and is still plain bytes that numpy can read. Float16 storage is optional and is
returned as float32.

Integrity: writes are atomic (temporary file in the same directory, fsync, ``os.replace``, fsync of the
directory), with the sha256 of the payload in the header and in the sidecar. On read, an unreadable or
truncated file, a checksum mismatch, a missing or broken sidecar, or a shape, dtype or key that disagrees
with the metadata is REPORTED with a :class:`CacheCorruptionWarning` naming the file and the problem, and
the entry is recomputed: a damaged entry is never used.

Resume: :func:`cached_text_features` with ``checkpoint_every`` encodes the labels in chunks of about that many
prompts and writes each finished chunk (checksummed, :func:`write_checked_tensors`) to
``<root>/partial/text/<digest>/``; a run killed part-way resumes from the finished chunks and gives the same
features as an uninterrupted run. The partial folder is removed once the entry is stored.

Concurrency: compute-and-write of a key happens under an exclusive ``fcntl.flock`` on a per-key lock file,
so several processes asking for the same key compute it once; readers of a finished entry take no lock
(files only ever change by atomic replacement, and the checksums tell a torn pair apart). A problem is only
reported after it has been confirmed under the lock, so a concurrent rebuild never causes a false alarm.
Linux/macOS only (``fcntl``); on NFS, flock needs a kernel that maps it to POSIX locks (Linux >= 2.6.12).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from debiasood.core.prompts import check_template
from debiasood.data.encoders.base import check_batch_size, check_texts
from debiasood.data.files import atomic_write_bytes, default_cache_root, exclusive_lock, sha256_hex

if TYPE_CHECKING:
    from debiasood.data.encoders.base import Encoder

FEATURE_FORMAT_VERSION = 1
"""Bump when the meaning or layout of stored features changes; every old entry then misses."""

KINDS = ("text", "image", "ranking")
ENSEMBLES = ("normalized_mean", "raw_mean")
STORAGE_DTYPES = {"float32": torch.float32, "float16": torch.float16}

_TENSOR_NAME = "features"


class CacheCorruptionWarning(UserWarning):
    """A cache entry was damaged or incomplete; it was reported and recomputed, never used."""


def _nonempty_str(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


@dataclass(frozen=True)
class FeatureKey:
    """Everything that determines a stored feature matrix.

    - ``encoder_id``: :attr:`Encoder.id` (model and weights).
    - ``kind``: ``'text'``, ``'image'`` or ``'ranking'`` (an order of corpus rows computed from text features,
      e.g. DNM's density ranking; stored as float32, which holds row numbers below 2**24 exactly).
    - ``fingerprint``: names the corpus or dataset (e.g. ``'wordnet-3.0:dnm-nouns'``, ``'imagenet-val'``). For
      images preprocessed by the caller (not by the encoder), it must also name that preprocessing.
    - ``templates``: the prompt template(s) of a text entry (at least one); empty for images.
    - ``raw``: unnormalised features (:meth:`Encoder.encode_texts` with ``raw=True``).
    - ``ensemble``: how several templates were combined (one of :data:`ENSEMBLES`), None for one template.
    - ``content_sha256``: optional hash of the exact inputs (e.g. the label list), so an edited corpus whose
      fingerprint was not bumped still misses.
    """

    encoder_id: str
    kind: str
    fingerprint: str
    templates: tuple[str, ...] = ()
    raw: bool = False
    ensemble: str | None = None
    content_sha256: str | None = None

    def __post_init__(self) -> None:
        _nonempty_str("encoder_id", self.encoder_id)
        _nonempty_str("fingerprint", self.fingerprint)
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if isinstance(self.templates, str):
            raise TypeError("templates must be a sequence of templates, got a single str: wrap it in a tuple")
        templates = tuple(self.templates)
        object.__setattr__(self, "templates", templates)  # frozen: normalise lists to tuples once, here
        if self.kind == "text":
            if not templates:
                raise ValueError("a text FeatureKey needs at least one prompt template (use '{}' for the bare label)")
            for template in templates:
                check_template(template)
        elif templates:
            raise ValueError(f"an {self.kind} FeatureKey takes no prompt templates, got {templates!r}")
        if not isinstance(self.raw, bool):
            raise TypeError(f"raw must be a bool, got {self.raw!r}")
        if self.ensemble is not None and self.ensemble not in ENSEMBLES:
            raise ValueError(f"ensemble must be None or one of {ENSEMBLES}, got {self.ensemble!r}")
        if self.content_sha256 is not None:
            _nonempty_str("content_sha256", self.content_sha256)

    def fields(self) -> dict:
        """The key as a JSON-ready dict (what the sidecar shows)."""
        fields = asdict(self)
        fields["templates"] = list(self.templates)
        return fields


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _payload_sha256(tensor: torch.Tensor) -> str:
    """sha256 of the tensor's bytes as stored (C order, native little-endian); hashlib reads the C-contiguous
    array's buffer directly (no copy), empty tensors included."""
    return hashlib.sha256(tensor.contiguous().numpy()).hexdigest()


class FeatureStore:
    """Feature matrices on disk under ``root`` (default: :func:`default_cache_root`).

    Layout: ``<root>/features/<kind>/<digest>.safetensors`` (data), ``<digest>.json`` (sidecar),
    ``<digest>.lock`` (lock file; left in place, since deleting a lock file others may hold is racy).
    """

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_cache_root()

    def __repr__(self) -> str:
        return f"FeatureStore(root={str(self.root)!r})"

    @property
    def features_dir(self) -> Path:
        return self.root / "features"

    def digest(self, key: FeatureKey, dtype: str = "float32") -> str:
        """sha256 of the canonical JSON of the key fields, the format version and the storage dtype."""
        _check_storage_dtype(dtype)
        record = {"key": key.fields(), "format_version": FEATURE_FORMAT_VERSION, "storage_dtype": dtype}
        return sha256_hex(_canonical_json(record).encode())

    def path_for(self, key: FeatureKey, dtype: str = "float32") -> Path:
        """Where the data file of ``key`` (stored as ``dtype``) lives."""
        if not isinstance(key, FeatureKey):
            raise TypeError(f"key must be a FeatureKey, got {type(key).__name__}")
        return self.features_dir / key.kind / f"{self.digest(key, dtype)}.safetensors"

    def get_or_compute(
        self, key: FeatureKey, compute: Callable[[], torch.Tensor], *, dtype: str = "float32"
    ) -> torch.Tensor:
        """Return the stored features of ``key``, computing and storing them first if needed.

        ``compute`` must return a finite floating tensor; it is called at most once per call, and across
        processes at most once per key while the entry stays valid. The result is float32 on the CPU and
        always the values AS STORED (float16-rounded when ``dtype='float16'``), so a miss and a later hit
        return identical tensors.
        """
        data_path = self.path_for(key, dtype)
        sidecar_path, lock_path = data_path.with_suffix(".json"), data_path.with_suffix(".lock")
        features, _ = self._read(data_path, sidecar_path, key, dtype)
        if features is not None:
            return features
        with exclusive_lock(lock_path):
            # Another process may have finished this key while we waited, or may have been rewriting it while
            # we looked: only what is seen under the lock counts.
            features, problem = self._read(data_path, sidecar_path, key, dtype)
            if features is not None:
                return features
            if problem is not None:
                warnings.warn(
                    f"feature cache entry {data_path} is unusable ({problem}); recomputing it",
                    CacheCorruptionWarning,
                    stacklevel=2,
                )
            stored = _to_storage(_check_computed(compute(), key), dtype)
            self._write(data_path, sidecar_path, key, dtype, stored)
        return stored.float()

    def contains(self, key: FeatureKey, *, dtype: str = "float32") -> bool:
        """Whether an entry for ``key`` is on disk (its files exist; not validated, so cheap: a damaged entry
        still counts, and reading it reports and rebuilds it). For plans and progress reports."""
        data_path = self.path_for(key, dtype)
        return data_path.is_file() and data_path.with_suffix(".json").is_file()

    def partial_dir(self, key: FeatureKey, dtype: str = "float32") -> Path:
        """Where the finished chunks of an interrupted computation of ``key`` are kept until it completes."""
        return self.root / "partial" / key.kind / self.digest(key, dtype)

    def get(self, key: FeatureKey, *, dtype: str = "float32") -> torch.Tensor | None:
        """The stored features of ``key`` if a valid entry exists, else None (a damaged entry is then
        reported and rebuilt by :meth:`get_or_compute`)."""
        data_path = self.path_for(key, dtype)
        features, _ = self._read(data_path, data_path.with_suffix(".json"), key, dtype)
        return features

    def clear(self) -> int:
        """Delete every stored feature matrix; return how many entries were removed.

        Not safe while other processes use the same store (their lock files disappear with the tree).
        """
        if not self.features_dir.exists():
            return 0
        removed = sum(1 for _ in self.features_dir.glob("*/*.safetensors"))
        shutil.rmtree(self.features_dir)
        return removed

    def _write(self, data_path: Path, sidecar_path: Path, key: FeatureKey, dtype: str, stored: torch.Tensor) -> None:
        from safetensors.torch import save

        checksum = _payload_sha256(stored)
        key_json = _canonical_json(key.fields())
        metadata = {
            "format_version": str(FEATURE_FORMAT_VERSION),
            "key": key_json,
            "sha256": checksum,
            "storage_dtype": dtype,
        }
        sidecar = {
            "format_version": FEATURE_FORMAT_VERSION,
            "digest": data_path.stem,
            "key": key.fields(),
            "storage_dtype": dtype,
            "shape": list(stored.shape),
            "sha256": checksum,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        # Data first, sidecar second: a crash in between leaves data without a sidecar, which reads as
        # damaged (reported and rebuilt), never as valid.
        atomic_write_bytes(data_path, save({_TENSOR_NAME: stored}, metadata=metadata))
        atomic_write_bytes(sidecar_path, (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode())

    def _read(
        self, data_path: Path, sidecar_path: Path, key: FeatureKey, dtype: str
    ) -> tuple[torch.Tensor | None, str | None]:
        """(features, None) if the entry is valid; (None, None) if absent; (None, problem) if damaged."""
        from safetensors import SafetensorError, safe_open

        has_data, has_sidecar = data_path.exists(), sidecar_path.exists()
        if not has_data and not has_sidecar:
            return None, None
        if not has_data:
            return None, f"the data file is missing but its sidecar {sidecar_path.name} exists"
        if not has_sidecar:
            return None, f"its sidecar {sidecar_path.name} is missing"
        try:
            sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            return None, f"its sidecar {sidecar_path.name} is unreadable: {err}"
        if not isinstance(sidecar, dict) or not {"key", "shape", "sha256", "storage_dtype"} <= sidecar.keys():
            return None, f"its sidecar {sidecar_path.name} lacks the key, shape, sha256 or storage_dtype field"
        try:
            with safe_open(data_path, framework="pt") as handle:
                metadata = handle.metadata() or {}
                if _TENSOR_NAME not in handle.keys():
                    return None, f"the data file holds no {_TENSOR_NAME!r} tensor"
                features = handle.get_tensor(_TENSOR_NAME)
        except (OSError, SafetensorError) as err:
            return None, f"the data file is unreadable or truncated: {err}"
        expected_key = key.fields()
        if metadata.get("key") != _canonical_json(expected_key) or sidecar["key"] != expected_key:
            return None, "the key stored with it differs from the key asked for"
        if sidecar["storage_dtype"] != dtype or features.dtype != STORAGE_DTYPES[dtype]:
            return None, f"dtype {features.dtype} / sidecar {sidecar['storage_dtype']!r} where {dtype} was expected"
        if list(features.shape) != sidecar["shape"]:
            return None, f"shape {list(features.shape)} but the sidecar says {sidecar['shape']}"
        checksum = _payload_sha256(features)
        if not (checksum == metadata.get("sha256") == sidecar["sha256"]):
            return None, "sha256 checksum mismatch (the payload, header or sidecar was altered)"
        return features.float(), None


def _check_storage_dtype(dtype: str) -> None:
    if dtype not in STORAGE_DTYPES:
        raise ValueError(f"dtype must be one of {sorted(STORAGE_DTYPES)}, got {dtype!r}")


def _check_computed(value: object, key: FeatureKey) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"compute() for {key.kind} features must return a torch.Tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"compute() must return floating-point features, got {value.dtype}")
    if value.ndim < 1 or value.numel() == 0:
        raise ValueError(f"compute() returned an empty tensor of shape {tuple(value.shape)}; nothing to cache")
    if not bool(torch.isfinite(value).all()):
        raise ValueError("compute() returned NaN or inf; refusing to cache broken features")
    return value


def _to_storage(value: torch.Tensor, dtype: str) -> torch.Tensor:
    stored = value.detach().to(device="cpu", dtype=STORAGE_DTYPES[dtype]).contiguous()
    if not bool(torch.isfinite(stored).all()):
        raise ValueError(f"the features overflow {dtype} (largest magnitude {float(value.abs().max()):.4g})")
    return stored


def write_checked_tensors(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str]) -> None:
    """Write ``tensors`` atomically as safetensors with ``metadata`` plus the sha256 of each tensor's bytes
    (``<name>_sha256``): the format of the partial chunks of a resumable computation."""
    from safetensors.torch import save

    tensors = {name: tensor.contiguous() for name, tensor in tensors.items()}
    checksums = {f"{name}_sha256": _payload_sha256(tensor) for name, tensor in tensors.items()}
    atomic_write_bytes(path, save(tensors, metadata={**metadata, **checksums}))


def read_checked_tensors(path: Path, metadata: dict[str, str]) -> tuple[dict[str, torch.Tensor], dict[str, str]] | str:
    """(tensors, stored metadata) of a file written by :func:`write_checked_tensors` whose metadata holds
    ``metadata`` and whose tensors match their checksums; otherwise what is wrong with it, in words."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(path, framework="pt") as handle:
            stored = handle.metadata() or {}
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}
    except (OSError, SafetensorError) as err:
        return f"unreadable or truncated: {err}"
    if any(stored.get(name) != value for name, value in metadata.items()):
        return "it was written for another key, range or format version"
    if any(_payload_sha256(tensor) != stored.get(f"{name}_sha256") for name, tensor in tensors.items()):
        return "sha256 checksum mismatch"
    return tensors, stored


def _sha256_of_texts(texts: Sequence[str]) -> str:
    return sha256_hex(_canonical_json(list(texts)).encode())


def text_feature_key(
    encoder_id: str,
    labels: Sequence[str],
    templates: str | Sequence[str],
    corpus_fingerprint: str,
    raw: bool = False,
    *,
    ensemble: str = "normalized_mean",
) -> FeatureKey:
    """The key :func:`cached_text_features` stores these features under (arguments checked as there)."""
    labels = check_texts(labels, "labels")
    template_list = [templates] if isinstance(templates, str) else list(templates)
    if not template_list:
        raise ValueError("templates is empty: give at least one template (use '{}' for the bare label)")
    for template in template_list:
        check_template(template)
    if ensemble not in ENSEMBLES:
        raise ValueError(f"ensemble must be one of {ENSEMBLES}, got {ensemble!r}")
    if raw and len(template_list) > 1 and ensemble != "raw_mean":
        raise ValueError(
            "raw=True with several templates needs ensemble='raw_mean': an average of normalised embeddings "
            "has no raw counterpart"
        )
    return FeatureKey(
        encoder_id=encoder_id,
        kind="text",
        fingerprint=corpus_fingerprint,
        templates=tuple(template_list),
        raw=raw,
        ensemble=ensemble if len(template_list) > 1 else None,
        content_sha256=_sha256_of_texts(labels),
    )


TEXT_CHUNK_FORMAT_VERSION = 1
"""Bump when the layout of partial text chunks changes; old ones are then ignored."""


def cached_text_features(
    encoder: Encoder,
    labels: Sequence[str],
    templates: str | Sequence[str],
    corpus_fingerprint: str,
    store: FeatureStore | None = None,
    raw: bool = False,
    *,
    ensemble: str = "normalized_mean",
    dtype: str = "float32",
    batch_size: int | None = None,
    progress: bool | None = None,
    checkpoint_every: int | None = None,
    report: Callable[[int], object] | None = None,
) -> torch.Tensor:
    """Text features of ``labels`` under ``templates``, from the store or encoded and stored.

    One template: each label's prompt is encoded. Several templates (a prompt ensemble): each template is
    filled with every label and encoded, and the per-label results are combined by ``ensemble``:

    - ``'normalized_mean'``: L2-normalise each prompt's embedding, average, re-normalise (CLIP's ImageNet
      notebook; :func:`debiasood.core.mining.ensemble_text_features`).
    - ``'raw_mean'``: average the unnormalised embeddings, then normalise (CSP's official code,
      ``multi_modal.py``). With ``raw=True`` the average is returned unnormalised.

    ``raw=True`` with several templates therefore requires ``ensemble='raw_mean'``. Memory stays at one
    (len(labels), dim) accumulator whatever the number of templates. The key includes a sha256 of the label
    list, so a changed corpus misses even if ``corpus_fingerprint`` was not updated.

    ``checkpoint_every`` (prompts, optional) makes the encoding resumable: labels are encoded in chunks of
    ``max(1, checkpoint_every // len(templates))`` labels (every template of a label in the same chunk, since the
    ensemble is per label), each finished chunk is kept on disk, and a run killed part-way continues from
    them; None encodes all labels in one piece (a sentence-transformers encoder sorts its inputs by length
    per call, so chunking can change its features in the last bits). The chunk size is part of the partial
    folder's checks, so changing it starts the partial work afresh. ``report(n)`` is called with the number of
    labels of each finished chunk (chunks found on disk included), e.g. to drive one progress bar over
    several calls; ``progress`` is passed to the encoder for its own bars.
    """
    key = text_feature_key(encoder.id, labels, templates, corpus_fingerprint, raw, ensemble=ensemble)
    labels, template_list = check_texts(labels, "labels"), list(key.templates)
    if checkpoint_every is not None:
        check_batch_size(checkpoint_every, "checkpoint_every")
    store = store if store is not None else FeatureStore()
    normalize_each = ensemble == "normalized_mean" and len(template_list) > 1
    computed = []

    def encode(chunk: list[str]) -> torch.Tensor:
        from debiasood.core.mining import ensemble_text_features

        return ensemble_text_features(
            lambda texts: encoder.encode_texts(texts, batch_size=batch_size, progress=progress, raw=True),
            chunk, template_list, normalize_each=normalize_each, normalize_result=not raw,
        )

    def compute() -> torch.Tensor:
        computed.append(True)
        if checkpoint_every is None:
            features = encode(labels)
            if report is not None:
                report(len(labels))
            return features
        return _encode_in_chunks(store.partial_dir(key, dtype), key, labels, encode,
                                 max(1, checkpoint_every // len(template_list)), report)

    features = store.get_or_compute(key, compute, dtype=dtype)
    if computed and checkpoint_every is not None:
        # The chunks only served to reach the finished entry; leftovers would only cost disk space.
        shutil.rmtree(store.partial_dir(key, dtype), ignore_errors=True)
    return features


def _encode_in_chunks(partial: Path, key: FeatureKey, labels: list[str], encode: Callable[[list[str]], torch.Tensor],
                      chunk_labels: int, report: Callable[[int], object] | None) -> torch.Tensor:
    """Encode ``labels`` ``chunk_labels`` at a time, re-using the checked chunks already in ``partial``."""
    parts = []
    for number, start in enumerate(range(0, len(labels), chunk_labels)):
        stop = min(start + chunk_labels, len(labels))
        path = partial / f"chunk-{number:06d}.safetensors"
        metadata = {"format_version": str(TEXT_CHUNK_FORMAT_VERSION), "key": _canonical_json(key.fields()),
                    "start": str(start), "stop": str(stop), "num_labels": str(len(labels))}
        features = None
        if path.exists():
            found = read_checked_tensors(path, metadata)
            if isinstance(found, tuple) and set(found[0]) == {_TENSOR_NAME} and found[0][_TENSOR_NAME].shape[0] == (
                    stop - start):
                features = found[0][_TENSOR_NAME]
            else:
                problem = found if isinstance(found, str) else "it does not hold the features of its labels"
                warnings.warn(f"partial text-feature chunk {path} is unusable ({problem}); encoding its labels again",
                              CacheCorruptionWarning, stacklevel=3)
        if features is None:
            features = _check_computed(encode(labels[start:stop]), key).detach().to("cpu", torch.float32)
            write_checked_tensors(path, {_TENSOR_NAME: features}, metadata)
        parts.append(features)
        if report is not None:
            report(stop - start)
    return torch.cat(parts)
