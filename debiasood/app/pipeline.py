"""Your own data, end to end: image folders and class names in, an OOD results table out, with open_clip.

:func:`evaluate_folders` is the whole path in one call (and what a command line wraps):

1. folders -> datasets (:func:`load_folders`): the ID set is an ImageFolder tree ``<root>/<class>/<image>``
   with optional display names (:func:`debiasood.data.datasets.image_folder_dataset`); each OOD set is a folder of
   images, flat or with subfolders;
2. datasets -> image features (:func:`extract_folder_features`): :func:`debiasood.data.datasets.extract_image_features`,
   cached in the feature store, resumable, unreadable images skipped and reported;
3. class names and a WordNet corpus -> text features with the SAME model's text tower
   (:func:`folder_text_features`), cached: MCM's prompt "a photo of a {}", NegLabel's "the nice {}" /
   "This is a {} photo" (also DNM's, as in its official code), and CSP's prompt ensembles on CSP's pool;
4. mining (:func:`mine_negatives`): NegLabel's percentile rule, CSP's rule on its pool, DNM's density rule;
5. scores and metrics (:func:`debiasood.core.evaluation.evaluate_scores`, one seeded partition of the negatives
   for ID and all OOD sets) -> rows (method, OOD set, FPR95, AUROC, AUPR-In, AUPR-Out) plus averages.

Methods are those of :data:`debiasood.world.offline.METHODS` (mcm, neglabel, csp, dnm, dnm-official). ``dnm`` is
the clamped DNM score: with few ID classes the official arithmetic is unsafe (``a = tau - Q(1 - tau)/K <= 0``,
see :func:`debiasood.core.scores.dnm_coefficient`), which your own data, with its own K, may well hit.

Weights: :func:`make_encoder` builds an :class:`~debiasood.data.encoders.OpenClipEncoder` from an architecture
name and a pretrained tag or local checkpoint file; ``pretrained="random"`` gives seeded random weights and
``model="tiny"`` a one-layer test architecture (:data:`TINY_MODEL_CFG`). Those two exist to run the pipeline
where no weights can be downloaded (the book, CI, tests): their numbers say nothing about OOD detection.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from debiasood.core.evaluation import ScoreSettings, evaluate_scores
from debiasood.data.datasets.extract import ImageFeatures, UnreadableImagesWarning, extract_image_features
from debiasood.data.datasets.folders import (
    UNREADABLE_IMAGE_ERRORS,
    DatasetLayoutError,
    DatasetNotFoundError,
    ImageDataset,
    image_folder_dataset,
)
from debiasood.world.offline import METHODS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TINY_MODEL = "tiny"
"""``model`` name of the tiny test architecture (an open_clip ViT-B-32 with :data:`TINY_MODEL_CFG`)."""

TINY_MODEL_CFG = dict(
    embed_dim=32,
    vision_cfg=dict(image_size=32, layers=1, width=32, patch_size=8, head_width=16),
    text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2, layers=1),
)
"""32x32 images, one transformer layer per tower, 32-dim embeddings; prompts are cut at 16 tokens."""

RANDOM_WEIGHTS = "random"
"""``pretrained`` value for seeded random weights (no file, no download)."""

DEFAULT_METHODS = ("mcm", "neglabel", "csp", "dnm")
ON_UNREADABLE = ("warn", "report", "fail")
DENSITY_FORMS = ("paper", "official")
CLASS_NAMES_FINGERPRINT = "own-class-names"  # the text cache key also hashes the names themselves


# ------------------------------------------------------------------------------------------------ encoder


def make_encoder(
    model: str = "ViT-B-16",
    pretrained: str | os.PathLike = "openai",
    *,
    device: str = "auto",
    precision: str | None = None,
    seed: int = 0,
    batch_size: int = 256,
    image_batch_size: int = 64,
    progress: bool = False,
) -> Any:
    """An :class:`~debiasood.data.encoders.OpenClipEncoder`: ``model`` an open_clip architecture or ``"tiny"``,
    ``pretrained`` a tag (``"openai"``), a local checkpoint file, or ``"random"`` (seeded by ``seed``).

    A tag that is not in the local Hugging Face cache fails at once offline
    (:class:`~debiasood.data.encoders.WeightsUnavailableError`).
    """
    from debiasood.data.encoders import OpenClipEncoder

    if not isinstance(pretrained, str | os.PathLike) or not str(pretrained).strip():
        raise ValueError(f"pretrained must be a tag, a checkpoint path or {RANDOM_WEIGHTS!r}, got {pretrained!r}")
    weights = None if pretrained == RANDOM_WEIGHTS else pretrained
    name, cfg = ("ViT-B-32", TINY_MODEL_CFG) if model == TINY_MODEL else (model, None)
    if model == TINY_MODEL and weights is not None and not Path(weights).expanduser().is_file():
        raise ValueError(f"model={TINY_MODEL!r} has no published weights: pretrained must be {RANDOM_WEIGHTS!r} "
                         f"or a checkpoint file of that architecture, got {pretrained!r}")
    return OpenClipEncoder(name, weights, device=device, precision=precision, seed=seed, batch_size=batch_size,
                           image_batch_size=image_batch_size, progress=progress, model_cfg=cfg)


# ------------------------------------------------------------------------------------------------ folders


def parse_ood_roots(ood_roots: str | Mapping[str, str | os.PathLike] | Sequence[str]) -> dict[str, Path]:
    """OOD sets by name: ``"name=path,name=path"`` (a bare path is named after its folder), a list of such
    items, or a mapping. Names must be distinct, and ``"average"`` is taken by the average rows."""
    if isinstance(ood_roots, Mapping):
        items = [(str(name).strip(), Path(path).expanduser()) for name, path in ood_roots.items()]
    else:
        parts = ood_roots.split(",") if isinstance(ood_roots, str) else list(ood_roots)
        items = []
        for part in (str(p).strip() for p in parts):
            if not part:
                continue
            name, _, path = part.partition("=") if "=" in part else ("", "", part)
            path = Path(path.strip()).expanduser()
            items.append((name.strip() or path.name, path))
    if not items:
        raise ValueError(f"ood_roots names no OOD folder (got {ood_roots!r}); give 'name=path[,name=path...]'")
    names = [name for name, _ in items]
    bad = sorted({n for n in names if not n or n == "average" or names.count(n) > 1})
    if bad:
        raise ValueError(f"ood_roots: OOD set names must be distinct, non-empty and not 'average'; bad: {bad} "
                         f"in {names}")
    return dict(items)


@dataclass(frozen=True)
class FolderData:
    """The ID dataset (class folders, display names) and the OOD datasets, by name."""

    id: ImageDataset
    ood: dict[str, ImageDataset]

    @property
    def datasets(self) -> dict[str, ImageDataset]:
        """Every dataset, ID first, by the name its rows carry ('ID' and the OOD names)."""
        return {"ID": self.id, **self.ood}

    def summary_rows(self) -> list[dict[str, object]]:
        """One row per dataset: role, classes, image files found, folder."""
        return [{"set": name, "role": "ID" if name == "ID" else "OOD",
                 "classes": len(data.class_names) if name == "ID" else "-", "images": len(data),
                 "folder": str(data.root)} for name, data in self.datasets.items()]


def _existing_folder(argument: str, path: str | os.PathLike) -> Path:
    folder = Path(path).expanduser()
    if not folder.exists():
        raise DatasetNotFoundError(f"{argument}: folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise DatasetLayoutError(f"{argument}: {str(folder)!r} is a file, not a folder of images")
    return folder


def load_folders(
    id_root: str | os.PathLike,
    ood_roots: str | Mapping[str, str | os.PathLike] | Sequence[str],
    class_names_file: str | os.PathLike | None = None,
) -> FolderData:
    """Load the ID ImageFolder tree (with display names from ``class_names_file``, optional) and the OOD folders.

    A missing folder raises :class:`~debiasood.data.datasets.DatasetNotFoundError` (a FileNotFoundError) naming the
    argument; a wrong layout, or a class-names file whose lines do not match the class folders,
    :class:`~debiasood.data.datasets.DatasetLayoutError` (a ValueError).
    """
    id_folder = _existing_folder("id_root", id_root)
    names_file = None if class_names_file in (None, "") else Path(class_names_file).expanduser()
    if names_file is not None and not names_file.is_file():
        raise DatasetNotFoundError(f"class_names_file {str(names_file)!r} does not exist (or is not a file)")
    id_data = image_folder_dataset(id_folder, names_file, name="ID")
    if id_data.layout == "flat folder of images" or len(id_data.class_names) < 2:
        raise DatasetLayoutError(
            f"id_root {str(id_folder)!r} holds {len(id_data.class_names)} class; the ID set needs class folders "
            "<root>/<class>/<image> for at least 2 classes")
    ood = {}
    for name, path in parse_ood_roots(ood_roots).items():
        ood[name] = image_folder_dataset(_existing_folder(f"ood_roots[{name!r}]", path), name=name)
    return FolderData(id_data, ood)


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def extract_folder_features(
    encoder: Any,
    data: FolderData,
    *,
    store: Any = None,
    batch_size: int = 64,
    num_workers: int = 0,
    on_unreadable: str = "warn",
    progress: bool = False,
) -> dict[str, ImageFeatures]:
    """Image features of every dataset of ``data`` (cached in ``store``; see
    :func:`~debiasood.data.datasets.extract_image_features`), by dataset name.

    Unreadable images are skipped and listed in each result's ``skipped``. ``on_unreadable``: ``"warn"``
    also emits :class:`~debiasood.data.datasets.UnreadableImagesWarning`; ``"report"`` only lists them (for
    callers that show :func:`skipped_rows`); ``"fail"`` raises
    :class:`~debiasood.data.datasets.UnreadableImageError` at the first one.
    """
    _check_choice("on_unreadable", on_unreadable, ON_UNREADABLE)
    out = {}
    for name, dataset in data.datasets.items():
        with warnings.catch_warnings(record=on_unreadable == "report") as caught:
            if on_unreadable == "report":
                warnings.simplefilter("always")  # record everything; only the skip notice stays quiet below
            out[name] = extract_image_features(encoder, dataset, store, batch_size=batch_size,
                                               num_workers=num_workers, fail_fast=on_unreadable == "fail",
                                               progress=progress)
        for warning in caught or ():
            if not issubclass(warning.category, UnreadableImagesWarning):
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return out


def image_rows(features: Mapping[str, ImageFeatures]) -> list[dict[str, object]]:
    """One row per dataset: image files, images encoded, images skipped as unreadable."""
    return [{"set": name, "files": item.num_images, "encoded": len(item), "skipped": len(item.skipped)}
            for name, item in features.items()]


def skipped_rows(features: Mapping[str, ImageFeatures]) -> list[dict[str, object]]:
    """One row per unreadable image: dataset, path relative to its folder, and why it could not be read."""
    return [{"set": name, "file": skipped.path, "reason": skipped.reason}
            for name, item in features.items() for skipped in item.skipped]


# ------------------------------------------------------------------------------------------------- text


@dataclass
class TextFeatures:
    """Text features of the ID class names, the corpus and (for CSP) CSP's pool, from one encoder.

    ``id`` maps a prompt family to (K, D) features: ``"mcm"`` ("a photo of a {}"), ``"neglabel"``
    ("the nice {}", also used by DNM) and, with CSP, ``"csp"`` (CSP's 8-template ensemble). ``corpus`` rows
    use NegLabel's prompts; ``corpus_raw`` (official density form only) are the same prompts unnormalised;
    ``pool`` rows are CSP's pool under CSP's ensembles.
    """

    id: dict[str, np.ndarray]
    corpus: Any = None  # LabelCorpus
    corpus_features: np.ndarray | None = None
    corpus_raw: np.ndarray | None = None
    pool: Any = None  # LabelCorpus (CSP's pool)
    pool_features: np.ndarray | None = None


def _rules(methods: Sequence[str]) -> set[str]:
    return {METHODS[m][0] for m in methods} - {None}


def _by_part(encoder: Any, corpus: Any, templates: Mapping[str, Any], store: Any, progress: bool,
             **options: Any) -> np.ndarray:
    """Features of the corpus rows, each part of speech under its own template(s), in corpus order."""
    from debiasood.data.feature_store import cached_text_features

    pos = np.asarray(corpus.parts_of_speech)
    words = np.asarray(corpus.words, dtype=object)
    out = None
    for part, template in templates.items():
        mask = pos == part
        if mask.any():
            part_features = cached_text_features(encoder, list(words[mask]), template, corpus.fingerprint,
                                                 store=store, progress=progress, **options).numpy()
            out = np.zeros((len(words), part_features.shape[1]), np.float32) if out is None else out
            out[mask] = part_features
    return out


def folder_text_features(
    encoder: Any,
    class_names: Sequence[str],
    corpus: Any,
    *,
    methods: Sequence[str] = DEFAULT_METHODS,
    density_form: str = "paper",
    store: Any = None,
    progress: bool = False,
) -> TextFeatures:
    """Text features the ``methods`` need, through the feature store (cached per encoder, prompts and words).

    ``corpus`` is a :class:`~debiasood.data.corpora.LabelCorpus` (nouns and adjectives).
    """
    from debiasood.core import prompts
    from debiasood.data.corpora import csp_pool
    from debiasood.data.feature_store import cached_text_features

    names = list(class_names)
    rules = _rules(methods)
    text = TextFeatures(id={})
    for family, template in (("mcm", prompts.MCM_TEMPLATE), ("neglabel", prompts.NEGLABEL_ID_TEMPLATE)):
        text.id[family] = cached_text_features(encoder, names, template, CLASS_NAMES_FINGERPRINT, store=store,
                                               progress=progress).numpy()
    neglabel_prompts = {"noun": prompts.NEGLABEL_NOUN_TEMPLATE, "adj": prompts.NEGLABEL_ADJ_TEMPLATE}
    if rules & {"neglabel", "density"}:
        text.corpus = corpus
        text.corpus_features = _by_part(encoder, corpus, neglabel_prompts, store, progress)
    if "density" in rules and density_form == "official":
        text.corpus_raw = _by_part(encoder, corpus, neglabel_prompts, store, progress, raw=True)
    if "csp" in rules:
        # CSP's official code averages the raw embeddings of its templates, then normalises ("raw_mean").
        text.id["csp"] = cached_text_features(encoder, names, prompts.CSP_NOUN_TEMPLATES,
                                              CLASS_NAMES_FINGERPRINT, store=store, progress=progress,
                                              ensemble="raw_mean").numpy()
        text.pool = csp_pool(corpus)
        text.pool_features = _by_part(encoder, text.pool, {"noun": prompts.CSP_NOUN_TEMPLATES,
                                                           "adj": prompts.CSP_ADJ_TEMPLATES},
                                      store, progress, ensemble="raw_mean")
    return text


# ----------------------------------------------------------------------------------------------- mining


def mine_negatives(
    text: TextFeatures,
    methods: Sequence[str],
    *,
    density_k: int = 100,
    density_quotas: Mapping[str, float] | None = None,
    density_form: str = "paper",
) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Negative labels per mining rule the ``methods`` use: rule -> (their unit-norm features, their words).

    Rules: ``"neglabel"`` (NegLabel's NegMining), ``"csp"`` (CSP's rule on its pool), ``"density"`` (DNM's
    Step 1, ``density_form`` 'paper' on unit features or 'official' on raw ones, k = ``density_k``).
    """
    from debiasood.core.mining import csp_mining, density_selection, neglabel_mining

    out = {}
    rules = _rules(methods)
    if "neglabel" in rules:
        chosen = neglabel_mining(text.corpus_features, text.id["neglabel"], text.corpus.words,
                                 text.corpus.parts_of_speech)
        out["neglabel"] = (text.corpus_features[chosen.indices], chosen.words(text.corpus.words))
    if "csp" in rules:
        chosen = csp_mining(text.pool_features, text.id["csp"], text.pool.words, text.pool.parts_of_speech)
        out["csp"] = (text.pool_features[chosen.indices], chosen.words(text.pool.words))
    if "density" in rules:
        features = text.corpus_raw if density_form == "official" else text.corpus_features
        chosen = density_selection(features, text.corpus.words, text.corpus.parts_of_speech, k=density_k,
                                   quotas=density_quotas, form=density_form)
        out["density"] = (text.corpus_features[chosen.indices], chosen.words(text.corpus.words))
    return out


def dnm_clamp_share(image_features: Any, id_text_features: Any, negative_features: Any, settings: ScoreSettings,
                    *, chunk_rows: int = 1024) -> float:
    r"""Share of (image, group) pairs where the clamped DNM score clamps its debiased estimate.

    With the ID labels as positives (the pipeline's ``dnm``), the clamp sets
    :math:`\hat E^{neg}_g = \frac{1}{\tau}\frac{N_g}{Q} - \frac{1-\tau}{\tau}\frac{S_{ID}}{K}` to
    :math:`e^{-1/T}` wherever it falls below that (:func:`debiasood.core.scores.dnm_score`). An image clamped in every
    group scores :math:`S_{ID}/(S_{ID} + Q e^{-1/T})`, which is 1 to float precision unless every ID cosine is
    near -1: such images tie. Computed in float64, in log space, ``chunk_rows`` images at a time, with the
    partition of ``settings``.
    """
    import math

    images = torch.as_tensor(np.asarray(image_features), dtype=torch.float64)
    id_text = torch.as_tensor(np.asarray(id_text_features), dtype=torch.float64)
    negatives = torch.as_tensor(np.asarray(negative_features), dtype=torch.float64)
    groups = torch.from_numpy(settings.groups(negatives.shape[0]))
    temperature, tau = settings.temperature, settings.tau_neg
    clamped = 0
    for rows in torch.split(images, chunk_rows):
        log_s_id = torch.logsumexp(rows @ id_text.T / temperature, dim=1, keepdim=True)
        log_n = torch.logsumexp((rows @ negatives.T / temperature)[:, groups], dim=2)  # (images, G)
        # tau * E_neg < tau * e^(-1/T)  <=>  N_g/Q - (1 - tau) S_ID/K < tau e^(-1/T), all three terms positive
        wild = log_n - math.log(groups.shape[1])
        bias = (log_s_id - math.log(id_text.shape[0]) + (math.log1p(-tau) if tau < 1 else -math.inf)).expand_as(wild)
        floor = math.log(tau) - 1 / temperature
        shift = torch.maximum(torch.maximum(wild, bias), torch.full_like(wild, floor))
        clamped += int((torch.exp(wild - shift) - torch.exp(bias - shift) < torch.exp(floor - shift)).sum())
    return clamped / (images.shape[0] * groups.shape[0])


# ------------------------------------------------------------------------------------------------- all


@dataclass
class FolderResult:
    """What :func:`evaluate_folders` found.

    - ``rows``: (encoder, method, ood, fpr95, auroc, aupr_in, aupr_out), percent, paper convention unless
      asked otherwise, with an ``average`` row per method;
    - ``images``: the image features per dataset ('ID' and the OOD names), with their skipped files;
    - ``negatives``: mining rule -> the words mined (``len`` is M; the group size is M // num_groups), and
      ``negative_features`` their unit-norm text features; ``id_text``: the ID prompts' features by prompt
      family ('mcm', 'neglabel', 'csp');
    - ``num_classes``: K; ``corpus_size``: candidate words (0 without mining); ``encoder_id``: model and
      weights; ``timings``: seconds per stage.
    """

    rows: list[dict[str, object]]
    images: dict[str, ImageFeatures]
    negatives: dict[str, list[str]]
    negative_features: dict[str, np.ndarray]
    id_text: dict[str, np.ndarray]
    num_classes: int
    corpus_size: int
    encoder_id: str
    settings: ScoreSettings
    timings: dict[str, float] = field(default_factory=dict)

    def image_rows(self) -> list[dict[str, object]]:
        return image_rows(self.images)

    def skipped_rows(self) -> list[dict[str, object]]:
        return skipped_rows(self.images)

    def dnm_clamp_share(self, sets: Sequence[str]) -> float:
        """:func:`dnm_clamp_share` of the pipeline's ``dnm`` on the images of ``sets`` (e.g. ``["ID"]``)."""
        if "density" not in self.negative_features:
            raise ValueError("dnm_clamp_share needs DNM's negatives: run with 'dnm' or 'dnm-official' in methods")
        unknown = [name for name in sets if name not in self.images]
        if unknown or not sets:
            raise ValueError(f"sets must name some of {list(self.images)}, got {list(sets)}")
        features = torch.cat([self.images[name].features for name in sets])
        return dnm_clamp_share(features, self.id_text["neglabel"], self.negative_features["density"], self.settings)

    def metric(self, method: str, ood: str = "average", metric: str = "auroc") -> float:
        """One number of the table, e.g. ``result.metric("dnm", "average", "fpr95")``."""
        for row in self.rows:
            if row["method"] == method and row["ood"] == ood:
                return float(row[metric])
        raise KeyError(f"no row for method {method!r} and OOD set {ood!r}")


def check_methods(methods: str | Sequence[str]) -> list[str]:
    """``methods`` as a list (a comma-separated string is split), each a key of :data:`METHODS`."""
    listed = [m.strip() for m in methods.split(",")] if isinstance(methods, str) else list(methods)
    listed = [m for m in listed if m]
    unknown = [m for m in listed if m not in METHODS]
    if unknown or not listed or len(set(listed)) != len(listed):
        raise ValueError(f"methods must be distinct names from {', '.join(METHODS)}; got {methods!r}")
    return listed


def _load_corpus(corpus: Any, corpus_step: int) -> Any:
    from debiasood.data.corpora import PRESETS, LabelCorpus, load_corpus

    if isinstance(corpus_step, bool) or not isinstance(corpus_step, int) or corpus_step < 1:
        raise ValueError(f"corpus_step must be an int >= 1, got {corpus_step!r}")
    if isinstance(corpus, str):
        _check_choice("corpus", corpus, tuple(PRESETS))
        corpus = load_corpus(corpus)
    elif not isinstance(corpus, LabelCorpus):
        raise ValueError(f"corpus must be a preset name ({', '.join(PRESETS)}) or a LabelCorpus, "
                         f"got {type(corpus).__name__}")
    if corpus_step > 1:
        corpus = corpus.subset(range(0, len(corpus), corpus_step), name=f"{corpus.name}[::{corpus_step}]")
    return corpus


def _check_group_count(negatives: Mapping[str, tuple[np.ndarray, list[str]]], num_groups: int) -> None:
    for rule, (_, words) in negatives.items():
        if len(words) < num_groups:
            raise ValueError(
                f"num_groups={num_groups} exceeds the {len(words)} negatives mined by the {rule!r} rule: every group "
                "needs at least one label; lower num_groups or use a larger corpus (smaller corpus_step)")


def benchmark_folders(imagenet_val_root: str | os.PathLike, ood_root: str | os.PathLike,
                      ood_sets: str | Sequence[str] = ("inaturalist", "sun", "places", "textures"), *,
                      complete: bool = True) -> FolderData:
    """The ImageNet-1K OOD benchmark on disk: ImageNet validation (flat or ``val/<wnid>/``, CLIP class names)
    as ID and the MOS OOD sets under ``ood_root`` (see :mod:`debiasood.data.datasets.folders` for the layouts).
    ``complete=False`` accepts a partial ImageNet validation copy (its ID labels are still all 1,000 classes)."""
    from debiasood.data.datasets import imagenet_val, ood_dataset

    names = [n.strip() for n in ood_sets.split(",")] if isinstance(ood_sets, str) else list(ood_sets)
    if not names or not all(names):
        raise ValueError(f"ood_sets must name at least one OOD set, got {ood_sets!r}")
    return FolderData(imagenet_val(imagenet_val_root, complete=complete),
                      {name: ood_dataset(ood_root, name) for name in names})


def evaluate_folders(
    id_root: str | os.PathLike,
    ood_roots: str | Mapping[str, str | os.PathLike] | Sequence[str],
    class_names_file: str | os.PathLike | None = None,
    **options: Any,
) -> FolderResult:
    """From image folders to OOD metrics: :func:`load_folders`, then :func:`evaluate_data` with ``options``.

    The options are validated before any folder is read.
    """
    check_options(**options)
    return evaluate_data(load_folders(id_root, ood_roots, class_names_file), **options)


def check_options(*, methods: str | Sequence[str] = DEFAULT_METHODS, settings: ScoreSettings | None = None,
                   density_k: int = 100, density_form: str = "paper", on_unreadable: str = "warn",
                   **_: Any) -> None:
    """Validate the options of :func:`evaluate_data` that can be checked before reading any folder."""
    check_methods(methods)
    if settings is not None and not isinstance(settings, ScoreSettings):
        raise ValueError(f"settings must be a ScoreSettings, got {type(settings).__name__}")
    _check_choice("density_form", density_form, DENSITY_FORMS)
    _check_choice("on_unreadable", on_unreadable, ON_UNREADABLE)
    if isinstance(density_k, bool) or not isinstance(density_k, int) or density_k < 1:
        raise ValueError(f"density_k must be an int >= 1, got {density_k!r}")


def evaluate_data(
    data: FolderData,
    *,
    model: str = "ViT-B-16",
    pretrained: str | os.PathLike = "openai",
    encoder: Any = None,
    device: str = "auto",
    methods: str | Sequence[str] = DEFAULT_METHODS,
    corpus: Any = "dnm",
    corpus_step: int = 1,
    settings: ScoreSettings | None = None,
    density_k: int = 100,
    density_form: str = "paper",
    convention: str = "paper",
    bootstrap: int = 0,
    store: Any = None,
    batch_size: int = 64,
    num_workers: int = 0,
    on_unreadable: str = "warn",
    progress: bool = False,
) -> FolderResult:
    """From datasets (:func:`load_folders` or :func:`benchmark_folders`) to OOD metrics (module docstring).

    ``encoder`` (an image-capable encoder, e.g. from :func:`make_encoder`) overrides ``model``,
    ``pretrained`` and ``device``. ``corpus`` is a WordNet preset name or a LabelCorpus; ``corpus_step`` > 1
    keeps every n-th word (quick CPU runs). ``settings`` holds T, G, tau_neg and the partition seed (official
    ViT-B/16 defaults). ``store`` is the feature store (default: ``$DEBIASOOD_CACHE``). Everything is
    validated before any model is built or any image read.
    """
    check_options(methods=methods, settings=settings, density_k=density_k, density_form=density_form,
                   on_unreadable=on_unreadable)
    methods = check_methods(methods)
    settings = ScoreSettings() if settings is None else settings
    timings: dict[str, float] = {}
    start = time.perf_counter()
    words = _load_corpus(corpus, corpus_step) if _rules(methods) else None
    timings["corpus"] = time.perf_counter() - start

    start = time.perf_counter()
    encoder = make_encoder(model, pretrained, device=device, progress=progress) if encoder is None else encoder
    timings["model"] = time.perf_counter() - start
    start = time.perf_counter()
    images = extract_folder_features(encoder, data, store=store, batch_size=batch_size, num_workers=num_workers,
                                     on_unreadable=on_unreadable, progress=progress)
    timings["image features"] = time.perf_counter() - start
    start = time.perf_counter()
    text = folder_text_features(encoder, data.id.class_names, words, methods=methods, density_form=density_form,
                                store=store, progress=progress)
    timings["text features"] = time.perf_counter() - start
    start = time.perf_counter()
    negatives = mine_negatives(text, methods, density_k=density_k, density_form=density_form)
    _check_group_count(negatives, settings.num_groups)
    timings["mining"] = time.perf_counter() - start

    start = time.perf_counter()
    ood = {name: images[name].features for name in data.ood}
    rows = []
    for method in methods:
        rule, score = METHODS[method]
        id_text = text.id["mcm" if method == "mcm" else "csp" if method == "csp" else "neglabel"]
        neg = None if rule is None else negatives[rule][0]
        for row in evaluate_scores(images["ID"].features, ood, id_text, neg, scores=[score], settings=settings,
                                   convention=convention, bootstrap=bootstrap):
            rows.append({"encoder": encoder.id, "method": method, **{k: v for k, v in row.items() if k != "score"}})
    timings["scoring"] = time.perf_counter() - start
    return FolderResult(rows=rows, images=images, negatives={rule: w for rule, (_, w) in negatives.items()},
                        negative_features={rule: f for rule, (f, _) in negatives.items()}, id_text=text.id,
                        num_classes=len(data.id.class_names), corpus_size=0 if words is None else len(words),
                        encoder_id=encoder.id, settings=settings,
                        timings=timings)


# ------------------------------------------------------------------------------------------------ figure


def plot_examples(data: FolderData, *, per_row: int = 6, max_classes: int = 6,
                  title: str = "Example images") -> Figure:
    """A Figure: one row per ID class (its first readable images, up to ``max_classes`` classes) and per OOD set."""
    from matplotlib.figure import Figure

    rows = []
    for label, name in enumerate(data.id.class_names[:max_classes]):
        rows.append((f"ID: {name}", data.id, np.flatnonzero(data.id.labels == label)))
    rows += [(f"OOD: {name}", dataset, np.arange(len(dataset))) for name, dataset in data.ood.items()]
    fig = Figure(figsize=(1.2 * per_row + 1.8, 1.2 * len(rows) + 0.5), layout="constrained")
    axes = fig.subplots(len(rows), per_row, squeeze=False)
    for (label, dataset, indices), axes_row in zip(rows, axes, strict=True):
        readable = (image for image in map(_readable_image, [dataset] * len(indices), indices) if image is not None)
        for ax, image in zip(axes_row, readable, strict=False):
            ax.imshow(image)
        for ax in axes_row:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
        axes_row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    return fig


def _readable_image(dataset: ImageDataset, index: int) -> Any:
    """The image, or None for an unreadable file (those are the extraction report's business, not a gallery's)."""
    try:
        return dataset.open_image(int(index))
    except UNREADABLE_IMAGE_ERRORS:
        return None
