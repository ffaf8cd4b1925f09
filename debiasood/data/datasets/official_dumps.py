"""The official DNM code's feature dumps, loaded so that whoever has them can score them here directly.

Source: github.com/60pen9/Debiased-Negative-Mining-Improves-OOD-Detection-with-Pre-trained-VLMs (commit
8901d7f). ``eval_ood_detection.py`` writes, and ``main_online.py`` reads:

- image features, ``CLIP_features_B16.pth`` (B32, L14, ...): a dict keyed ``'ImageNet'`` (the ID set; the
  domain-shift runs use ``'ImageNet-A'`` etc.), ``'iNaturalist'``, ``'SUN'``, ``'places365'`` and ``'dtd'``,
  each an (N, D) float32 CPU tensor of per-row normalised CLIP image features, rows in torchvision
  ImageFolder order (sorted class folders, then file names). ``main_online.py`` normalises them again.
- text features, ``neg_dump_new_B16.pth``: ``dict(pos_emb=(K, D), neg_emb_selected=(M, D), noun_length=int,
  adj_length=int)``, raw (unnormalised) text-encoder outputs; ``pos_emb`` is already averaged over the prompt
  templates. ``noun_length`` and ``adj_length`` count the CANDIDATE pool (nouns, adjectives) before selection,
  not the selected labels.
- ``pos_dump_new_ens.pth``: ``dict(pos_emb=(K, T, D))``, saved BEFORE the template mean; the official code
  then averages the raw embeddings over T (``text_features_pos.mean(dim=1)``). Both shapes are accepted here,
  and (K, T, D) is averaged over T in the same way before normalising.

Everything is returned L2-normalised, as the official scoring normalises image and text features before use.
Files are read with ``torch.load(..., weights_only=True)``: plain dicts of tensors and numbers load that
way, and nothing in the file can run code. A file that needs full unpickling is refused with
:class:`UnsafeDumpError` unless ``allow_pickle=True`` says the file is trusted.
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

OFFICIAL_IMAGE_KEYS = {
    "ImageNet": "imagenet1k",
    "iNaturalist": "inaturalist",
    "SUN": "sun",
    "places365": "places",
    "dtd": "textures",
}
"""Key in the official image dump -> this project's dataset name (other keys are kept as they are)."""


class UnsafeDumpError(ValueError):
    """The file holds more than tensors and numbers, so loading it would mean unpickling code-capable data."""


@dataclass(frozen=True)
class OfficialImageFeatures:
    """Image features of an official dump: ``features[name]`` is (N, D) float32 with unit rows.

    ``name`` is this project's name (imagenet1k, inaturalist, sun, places, textures) for the official keys of
    :data:`OFFICIAL_IMAGE_KEYS`, and the file's own key otherwise; ``source_keys[name]`` is that key.
    """

    features: dict[str, torch.Tensor]
    source_keys: dict[str, str]
    path: Path

    @property
    def dim(self) -> int:
        return next(iter(self.features.values())).shape[1]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.features)

    def __getitem__(self, name: str) -> torch.Tensor:
        if name not in self.features:
            raise KeyError(f"{name!r} is not in {self.path.name}; it holds {list(self.features)}")
        return self.features[name]


@dataclass(frozen=True)
class OfficialTextFeatures:
    """Text features of an official dump, float32 with unit rows.

    - ``id_text_features``: (K, D) from ``pos_emb``, averaged over templates first when the file had (K, T, D);
      ``num_templates`` is T then, else None.
    - ``neg_text_features``: (M, D) from ``neg_emb_selected``; None for a file without it
      (``pos_dump_new_ens.pth`` holds only ``pos_emb``).
    - ``noun_length``, ``adj_length``: the candidate-pool sizes stored in the file, or None.
    """

    id_text_features: torch.Tensor
    neg_text_features: torch.Tensor | None
    noun_length: int | None
    adj_length: int | None
    num_templates: int | None
    path: Path

    @property
    def dim(self) -> int:
        return self.id_text_features.shape[1]


def load_official_image_features(path: str | os.PathLike, *, allow_pickle: bool = False) -> OfficialImageFeatures:
    """Load an official image-feature dump (``CLIP_features_*.pth``); see the module docstring."""
    path, raw = _load_dict(path, allow_pickle, "image-feature dump")
    features: dict[str, torch.Tensor] = {}
    source_keys: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str):
            raise ValueError(f"{path}: keys must be dataset names (str), got {key!r}")
        name = OFFICIAL_IMAGE_KEYS.get(key, key)
        if name in features:
            raise ValueError(f"{path}: both {source_keys[name]!r} and {key!r} would be the dataset {name!r}")
        label = f"{path.name}[{key!r}]"
        features[name] = _unit_rows(_matrix(value, label, ndims=(2,)), label)
        source_keys[name] = key
    if not features:
        raise ValueError(f"{path} holds an empty dict; expected image features keyed {list(OFFICIAL_IMAGE_KEYS)}")
    dims = {name: matrix.shape[1] for name, matrix in features.items()}
    if len(set(dims.values())) > 1:
        raise ValueError(f"{path}: the datasets have different feature dims {dims}; one dump holds one model's "
                         "features")
    return OfficialImageFeatures(features, source_keys, path)


def load_official_text_features(path: str | os.PathLike, *, allow_pickle: bool = False) -> OfficialTextFeatures:
    """Load an official text-feature dump (``neg_dump_new_*.pth`` or ``pos_dump_new_ens.pth``)."""
    path, raw = _load_dict(path, allow_pickle, "text-feature dump")
    if "pos_emb" not in raw:
        raise ValueError(f"{path} has no 'pos_emb' (the ID label embeddings); it holds {sorted(map(str, raw))}")
    pos = _matrix(raw["pos_emb"], f"{path.name}['pos_emb']", ndims=(2, 3))
    num_templates = None
    if pos.ndim == 3:
        num_templates = pos.shape[1]
        if num_templates == 0:
            raise ValueError(f"{path.name}['pos_emb'] has shape {tuple(pos.shape)}: no templates to average")
        pos = pos.mean(dim=1)  # the official mean over templates, of the raw embeddings, before normalising
    neg = None
    if "neg_emb_selected" in raw:
        label = f"{path.name}['neg_emb_selected']"
        neg = _unit_rows(_matrix(raw["neg_emb_selected"], label, ndims=(2,)), label)
        if neg.shape[1] != pos.shape[1]:
            raise ValueError(f"{path}: pos_emb has dim {pos.shape[1]} but neg_emb_selected has dim {neg.shape[1]}")
    return OfficialTextFeatures(
        id_text_features=_unit_rows(pos, f"{path.name}['pos_emb']"),
        neg_text_features=neg,
        noun_length=_count(raw.get("noun_length"), f"{path.name}['noun_length']"),
        adj_length=_count(raw.get("adj_length"), f"{path.name}['adj_length']"),
        num_templates=num_templates,
        path=path,
    )


def load_official_dumps(
    image_path: str | os.PathLike, text_path: str | os.PathLike, *, allow_pickle: bool = False
) -> tuple[OfficialImageFeatures, OfficialTextFeatures]:
    """Both dumps of one run, checked to fit together (same dim, negatives present), ready for scoring."""
    images = load_official_image_features(image_path, allow_pickle=allow_pickle)
    texts = load_official_text_features(text_path, allow_pickle=allow_pickle)
    if texts.neg_text_features is None:
        raise ValueError(f"{texts.path} has no 'neg_emb_selected': scoring needs the selected negative labels "
                         "(the official neg_dump_new_*.pth has them)")
    if images.dim != texts.dim:
        raise ValueError(f"image features have dim {images.dim} but text features dim {texts.dim}: the dumps come "
                         "from different models")
    return images, texts


def _load_dict(path: str | os.PathLike, allow_pickle: bool, what: str) -> tuple[Path, dict]:
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{what} {str(path)!r} does not exist (or is not a file)")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        if allow_pickle:
            raw = _torch_load(path, weights_only=False)
        else:
            raise _refusal(path, err) from err
    except _NOT_TORCH_ERRORS as err:
        raise _not_torch(path, err) from err
    if not isinstance(raw, dict):
        raise ValueError(f"{path} holds a {type(raw).__name__}; an official {what} is a dict")
    return path, raw


# torch.load reports a file that is not a torch.save archive in many ways, KeyError among them.
_NOT_TORCH_ERRORS = (pickle.UnpicklingError, RuntimeError, OSError, EOFError, KeyError, ValueError)


def _torch_load(path: Path, *, weights_only: bool) -> Any:
    try:
        return torch.load(path, map_location="cpu", weights_only=weights_only)
    except _NOT_TORCH_ERRORS as err:
        raise _not_torch(path, err) from err


def _not_torch(path: Path, err: BaseException) -> ValueError:
    return ValueError(f"{path} is not a file written by torch.save ({type(err).__name__}: {_last_line(err)})")


def _last_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[-1] if lines else repr(err)


def _refusal(path: Path, err: pickle.UnpicklingError) -> ValueError:
    """Why ``weights_only=True`` refused the file: a Python global it would have to import, or bad data."""
    found = re.search(r"Unsupported global: GLOBAL (\S+)", str(err))
    if found is None:
        # Not a global: the bytes are not a pickle torch.load(weights_only=True) understands at all.
        detail = re.search(r"WeightsUnpickler error:\s*(.+)", str(err))
        return ValueError(
            f"{path} is not a file written by torch.save, or it uses pickle features that "
            f"torch.load(weights_only=True) refuses ({detail.group(1) if detail else _last_line(err)}). If it is a "
            "torch.save file from a source you trust, allow_pickle=True reads it with full unpickling"
        )
    return UnsafeDumpError(
        f"{path} holds Python objects beyond tensors, numbers and containers (it needs {found.group(1)}), so "
        "torch.load(weights_only=True) refuses it. Reading it anyway means unpickling it, and a pickle can run "
        "arbitrary code on this machine. If you trust where the file comes from, pass allow_pickle=True"
    )


def _matrix(value: Any, name: str, ndims: tuple[int, ...]) -> torch.Tensor:
    if isinstance(value, np.ndarray):  # only reachable through allow_pickle=True
        value = torch.from_numpy(np.ascontiguousarray(value))
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise ValueError(f"{name} must hold floating-point features, got {value.dtype}")
    if value.ndim not in ndims:
        wanted = " or ".join({2: "(N, D)", 3: "(K, T, D)"}[n] for n in ndims)
        raise ValueError(f"{name} has shape {tuple(value.shape)}; expected {wanted}")
    if value.shape[0] == 0 or value.shape[-1] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(value.shape)})")
    value = value.detach().to("cpu", torch.float32).contiguous()  # fp16 dumps are scored in float32
    finite = torch.isfinite(value).reshape(value.shape[0], -1).all(dim=1)
    if not bool(finite.all()):
        raise ValueError(f"{name} has NaN or inf in {int((~finite).sum())} of {value.shape[0]} rows")
    return value


def _unit_rows(matrix: torch.Tensor, name: str) -> torch.Tensor:
    norms = torch.linalg.vector_norm(matrix, dim=1)
    if bool((norms == 0).any()):
        raise ValueError(f"{name}: {int((norms == 0).sum())} rows are all zeros, with no direction to normalise")
    return matrix / norms[:, None]


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, torch.Tensor) and value.ndim == 0 and not value.is_floating_point() \
            and value.dtype != torch.bool:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a count (int >= 0), got {value!r}")
    return int(value)


def dumps_to_bundle(image_path: str | os.PathLike, text_path: str | os.PathLike, *, model: str = "ViT-B-16",
                    pretrained: str = "openai", id_set: str = "imagenet1k", allow_pickle: bool = False,
                    command: str = "debiasood import-dumps") -> Any:
    """A feature bundle (:mod:`debiasood.data.bundle`) from the official DNM code's dumps: real CLIP features.

    The dumps hold the image features of every set, the ID label features (the official prompt ensemble) and
    ONLY the negatives the official code selected (``neg_emb_selected``), without their words. So the bundle's
    corpus is those M negatives, named ``official negative 00001`` ..., and its "density" rule is that fixed
    selection, in the official order (:attr:`debiasood.data.bundle.TextSide.fixed_negatives`); NegLabel's and
    CSP's rules, and the WordNet audit, need the full corpus and are unavailable for such a bundle. The parts of
    speech of the selected rows follow from the candidate-pool sizes in the dump when they match an official
    quota (nouns first, then adjectives); otherwise every row is marked a noun and the corpus name says so.
    ``model`` and ``pretrained`` name the CLIP that wrote the dumps (the file names say it: ``*_B16.pth``).
    """
    from debiasood.core.mining import ADJECTIVE, DNM_QUOTAS, NOUN
    from debiasood.data.bundle import BundleError, FeatureBundle, ImageSet, TextSide, make_provenance
    from debiasood.data.corpora import LabelCorpus
    from debiasood.data.label_sets import get_label_set, label_set_names

    images, texts = load_official_dumps(image_path, text_path, allow_pickle=allow_pickle)
    if id_set not in images.features:
        raise BundleError(f"{images.path} has no ID set {id_set!r}; it holds {list(images.features)} "
                          "(pass --id-set with one of them)")
    k = texts.id_text_features.shape[0]
    names: tuple[str, ...] = tuple(f"class {i}" for i in range(k))
    wnids = None
    if id_set in label_set_names():
        label_set = get_label_set(id_set)
        if len(label_set.class_names) == k:
            names, wnids = tuple(label_set.class_names), label_set.wnids
    negatives = texts.neg_text_features.numpy()
    m = negatives.shape[0]
    parts, how = (NOUN,) * m, "parts of speech unknown"
    if texts.noun_length is not None and texts.adj_length is not None:
        for backbone, (quotas, _) in DNM_QUOTAS.items():
            nouns = int(texts.noun_length * quotas[NOUN])
            if nouns + int(texts.adj_length * quotas[ADJECTIVE]) == m:
                parts, how = (NOUN,) * nouns + (ADJECTIVE,) * (m - nouns), f"{backbone} quotas"
                break
    words = tuple(f"official negative {i + 1:05d}" for i in range(m))
    corpus = LabelCorpus(f"official-dump-selection ({how})", words, parts, ("",) * m, ("",) * m)
    id_text = texts.id_text_features.numpy()
    text_side = TextSide(names, id_text, id_text, corpus, negatives, id_wnids=wnids,
                         fixed_negatives={"density": tuple(range(m))})
    sets = {id_set: ImageSet(images.features[id_set].numpy())}
    sets.update({name: ImageSet(features.numpy()) for name, features in images.features.items() if name != id_set})
    provenance = make_provenance(
        world="real", model=model, pretrained=pretrained, dim=text_side.dim, corpus=corpus, command=command,
        prompts={"id": "the official DNM code's prompt ensemble (pos_emb)",
                 "negatives": "the official DNM code's selection (neg_emb_selected)"})
    return FeatureBundle(provenance, text_side, sets, id_set)
