"""Your own data, end to end: image folders and class names in, an OOD results table out, with open_clip.

:func:`evaluate_folders` is the whole path in one call (and what a command line wraps):

1. folders -> datasets (:func:`load_folders`): the ID set is an ImageFolder tree ``<root>/<class>/<image>``
   with optional display names (:func:`debiasood.data.datasets.image_folder_dataset`; the names must be
   distinct, and the result keeps which folder got which name); each OOD set is a folder of images, flat or
   with subfolders;
2. datasets -> image features (:func:`extract_folder_features`): :func:`debiasood.data.datasets.extract_image_features`,
   cached in the feature store, resumable, unreadable images skipped and reported;
3. class names and a WordNet corpus -> text features with the SAME model's text tower
   (:func:`folder_text_features`, in the stages of :func:`text_stages`), cached and resumable: MCM's prompt
   "a photo of a {}", NegLabel's "the nice {}" / "This is a {} photo" (also DNM's, as in its official code),
   and CSP's prompt ensembles on CSP's pool;
4. mining (:func:`mine_negatives`): NegLabel's percentile rule, CSP's rule on its pool, DNM's density rule,
   each on the corpus words a filter keeps (``corpus_filter``: :func:`apply_filter`; none by default);
5. scores and metrics (:func:`debiasood.core.evaluation.evaluate`, one seeded partition of the negatives
   for ID and all OOD sets) -> rows (method, OOD set, FPR95, AUROC, AUPR-In, AUPR-Out) plus averages.

Methods are those of :data:`debiasood.core.methods.METHODS` (mcm, neglabel, csp, dnm, dnm-official, negrefine).
``dnm`` is the clamped DNM score: with few ID classes the official arithmetic is unsafe
(``a = tau - Q(1 - tau)/K <= 0``, see :func:`debiasood.core.scores.dnm_coefficient`), which your own data, with its
own K, may well hit. ``negrefine`` embeds "{ID label} and {negative}" texts with the model's text tower at
scoring time, each image's top 5 x top 5, under CSP's 8 noun templates (through the feature store:
:class:`~debiasood.world.offline.StoredPairCache`): on a CPU that is the slow part, so ``negrefine_images`` caps
the images it scores per set (a seeded subset; the other methods score every image).

Weights: :func:`make_encoder` builds an :class:`~debiasood.data.encoders.OpenClipEncoder` from an architecture
name and a pretrained tag or local checkpoint file; ``pretrained="random"`` gives seeded random weights and
``model="tiny"`` a one-layer test architecture (:data:`TINY_MODEL_CFG`). Those two exist to run the pipeline
where no weights can be downloaded (the book, CI, tests): their numbers say nothing about OOD detection.

For a command line, :func:`evaluate_data` reports as it goes: a :class:`Plan` before any encoding (what is not
yet in the feature store, and a time estimate measured on the model), one labelled progress bar per encoding
stage, and a line for the stages without one (mining, scoring). :meth:`FolderResult.dnm_hazard` and
:meth:`FolderResult.save` give what a report needs beside the table.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from debiasood.core.evaluation import MethodInput, ScoreSettings, evaluate
from debiasood.core.methods import METHODS as CORE_METHODS
from debiasood.core.prompts import CSP_NOUN_TEMPLATES
from debiasood.core.scores import NEGREFINE_TOP_K
from debiasood.data.datasets.extract import ImageFeatures, UnreadableImagesWarning, extract_image_features
from debiasood.data.datasets.folders import (
    UNREADABLE_IMAGE_ERRORS,
    DatasetLayoutError,
    DatasetNotFoundError,
    ImageDataset,
    check_distinct_class_names,
    image_folder_dataset,
)
from debiasood.data.encoders.base import check_batch_size
from debiasood.data.encoders.factory import (  # noqa: F401 (re-exported: the CLI and users name them here)
    RANDOM_WEIGHTS,
    TINY_MODEL,
    TINY_MODEL_CFG,
    make_encoder,
)
from debiasood.world.offline import METHODS, StoredPairCache, check_negrefine_negatives, image_subset

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DEFAULT_METHODS = ("mcm", "neglabel", "csp", "dnm")
ON_UNREADABLE = ("warn", "report", "fail")
DENSITY_FORMS = ("paper", "official")
CLASS_NAMES_FINGERPRINT = "own-class-names"  # the text cache key also hashes the names themselves


def default_num_workers() -> int:
    """Image-decoding worker processes for this machine: one fewer than the CPUs this process may use (the main
    process runs the model), at most 4; 0 (decode in the main process) on a single CPU. Uses the CPU affinity
    where the platform has it (a container or ``taskset`` may allow fewer CPUs than ``os.cpu_count()``)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(4, cpus - 1))


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

    def ignored_rows(self) -> list[dict[str, object]]:
        """One row per file left out because it is not an image by its extension (e.g. a .gif): set and path."""
        return [{"set": name, "file": path} for name, data in self.datasets.items() for path in data.ignored]


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
    *,
    names_format: str = "pairs",
) -> FolderData:
    """Load the ID ImageFolder tree (with display names from ``class_names_file``, optional, read as
    ``names_format``: see :func:`~debiasood.data.datasets.folders.read_class_names`) and the OOD folders.

    A missing folder raises :class:`~debiasood.data.datasets.DatasetNotFoundError` (a FileNotFoundError) naming the
    argument; a wrong layout, a class-names file whose lines do not match the class folders, or two classes with
    the same name, :class:`~debiasood.data.datasets.DatasetLayoutError` (a ValueError).
    """
    id_folder = _existing_folder("id_root", id_root)
    names_file = None if class_names_file in (None, "") else Path(class_names_file).expanduser()
    if names_file is not None and not names_file.is_file():
        raise DatasetNotFoundError(f"class_names_file {str(names_file)!r} does not exist (or is not a file)")
    id_data = image_folder_dataset(id_folder, names_file, name="ID", names_format=names_format)
    if id_data.layout == "flat folder of images" or len(id_data.class_names) < 2:
        raise DatasetLayoutError(
            f"id_root {str(id_folder)!r} holds {len(id_data.class_names)} class; the ID set needs class folders "
            "<root>/<class>/<image> for at least 2 classes")
    # Folder names may differ only in case ('Cat', 'cat'): the same prompt for two classes.
    check_distinct_class_names(id_data.class_names, id_data.class_folders or id_data.class_names,
                               f"id_root {str(id_folder)!r}")
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
    chunk_size: int = 1000,
    stage_label: Callable[[str], str] = str,
) -> dict[str, ImageFeatures]:
    """Image features of every dataset of ``data`` (cached in ``store``; see
    :func:`~debiasood.data.datasets.extract_image_features`), by dataset name.

    Unreadable images are skipped and listed in each result's ``skipped``. ``on_unreadable``: ``"warn"``
    also emits :class:`~debiasood.data.datasets.UnreadableImagesWarning`; ``"report"`` only lists them (for
    callers that show :func:`skipped_rows`); ``"fail"`` raises
    :class:`~debiasood.data.datasets.UnreadableImageError` at the first one. ``chunk_size`` images are encoded
    between two resumable checkpoints; ``stage_label`` formats each set's progress-bar label.
    """
    _check_choice("on_unreadable", on_unreadable, ON_UNREADABLE)
    out = {}
    for name, dataset in data.datasets.items():
        with warnings.catch_warnings(record=on_unreadable == "report") as caught:
            if on_unreadable == "report":
                warnings.simplefilter("always")  # record everything; only the skip notice stays quiet below
            out[name] = extract_image_features(encoder, dataset, store, batch_size=batch_size,
                                               num_workers=num_workers, fail_fast=on_unreadable == "fail",
                                               progress=progress, chunk_size=chunk_size,
                                               label=stage_label(image_stage_label(name, dataset)))
        for warning in caught or ():
            if not issubclass(warning.category, UnreadableImagesWarning):
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return out


def image_stage_label(name: str, dataset: ImageDataset) -> str:
    return f"images: {name} ({len(dataset):,} files)"


def _stored_image_stages(encoder: Any, data: FolderData, store: Any) -> set[str]:
    """Labels of the image stages whose features the store already holds."""
    from debiasood.data.datasets.extract import image_feature_key
    from debiasood.data.feature_store import FeatureStore

    store = store if store is not None else FeatureStore()
    return {image_stage_label(name, dataset) for name, dataset in data.datasets.items()
            if store.contains(image_feature_key(encoder, dataset))}


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


@dataclass(frozen=True)
class TextTask:
    """One cached text-feature matrix: ``labels`` under ``templates`` (an ensemble when several).

    ``target`` says where the rows go: ``"id:<family>"`` (class names), or ``"corpus"``, ``"corpus_raw"`` or
    ``"pool"``, where ``part`` (a part of speech) picks the rows of ``rows`` (that corpus) the labels are.
    """

    target: str
    part: str | None
    labels: tuple[str, ...]
    templates: tuple[str, ...]
    fingerprint: str
    raw: bool = False
    ensemble: str = "normalized_mean"
    rows: Any = field(default=None, compare=False, repr=False)  # LabelCorpus

    @property
    def prompts(self) -> int:
        return len(self.labels) * len(self.templates)

    def key(self, encoder_id: str) -> Any:
        from debiasood.data.feature_store import text_feature_key

        return text_feature_key(encoder_id, self.labels, self.templates, self.fingerprint, self.raw,
                                ensemble=self.ensemble)


@dataclass(frozen=True)
class TextStage:
    """Text tasks reported as one stage (one progress bar): ``label`` says what is encoded."""

    label: str
    tasks: tuple[TextTask, ...]

    @property
    def prompts(self) -> int:
        return sum(task.prompts for task in self.tasks)


def _rules(methods: Sequence[str]) -> set[str]:
    return {METHODS[m][0] for m in methods} - {None}


def _part_tasks(target: str, corpus: Any, templates: Mapping[str, tuple[str, ...]], **options: Any) -> list[TextTask]:
    pos = np.asarray(corpus.parts_of_speech)
    words = np.asarray(corpus.words, dtype=object)
    return [TextTask(target, part, tuple(words[pos == part]), tuple(chosen), corpus.fingerprint, rows=corpus,
                     **options) for part, chosen in templates.items() if (pos == part).any()]


def text_stages(class_names: Sequence[str], corpus: Any, *, methods: Sequence[str] = DEFAULT_METHODS,
                density_form: str = "paper") -> list[TextStage]:
    """The text features the ``methods`` need, as stages of tasks (see :func:`folder_text_features`)."""
    from debiasood.core import prompts
    from debiasood.data.corpora import csp_pool

    names, rules = tuple(class_names), _rules(methods)
    id_tasks = [TextTask("id:mcm", None, names, (prompts.MCM_TEMPLATE,), CLASS_NAMES_FINGERPRINT),
                TextTask("id:neglabel", None, names, (prompts.NEGLABEL_ID_TEMPLATE,), CLASS_NAMES_FINGERPRINT)]
    if "csp" in rules:
        # CSP's official code averages the raw embeddings of its templates, then normalises ("raw_mean").
        id_tasks.append(TextTask("id:csp", None, names, tuple(prompts.CSP_NOUN_TEMPLATES), CLASS_NAMES_FINGERPRINT,
                                 ensemble="raw_mean"))
    stages = [TextStage(f"text: {len(names)} class names", tuple(id_tasks))]
    neglabel_prompts = {"noun": (prompts.NEGLABEL_NOUN_TEMPLATE,), "adj": (prompts.NEGLABEL_ADJ_TEMPLATE,)}
    if rules & {"neglabel", "density"}:
        stages.append(TextStage(f"text: {len(corpus):,} corpus words, NegLabel's prompts",
                                tuple(_part_tasks("corpus", corpus, neglabel_prompts))))
    if "density" in rules and density_form == "official":
        stages.append(TextStage(f"text: {len(corpus):,} corpus words, unnormalised (official density)",
                                tuple(_part_tasks("corpus_raw", corpus, neglabel_prompts, raw=True))))
    if "csp" in rules:
        pool = csp_pool(corpus)
        csp_prompts = {"noun": tuple(prompts.CSP_NOUN_TEMPLATES), "adj": tuple(prompts.CSP_ADJ_TEMPLATES)}
        stages.append(TextStage(f"text: {len(pool):,} words and phrases of CSP's pool, CSP's prompt ensembles",
                                tuple(_part_tasks("pool", pool, csp_prompts, ensemble="raw_mean"))))
    return stages


def folder_text_features(
    encoder: Any,
    class_names: Sequence[str],
    corpus: Any,
    *,
    methods: Sequence[str] = DEFAULT_METHODS,
    density_form: str = "paper",
    store: Any = None,
    progress: bool = False,
    checkpoint_every: int | None = None,
    stage_label: Callable[[str], str] = str,
    stages: Sequence[TextStage] | None = None,
) -> TextFeatures:
    """Text features the ``methods`` need, through the feature store (cached per encoder, prompts and words).

    ``corpus`` is a :class:`~debiasood.data.corpora.LabelCorpus` (nouns and adjectives). The work is done in the
    stages of :func:`text_stages`, each with one progress bar over its prompts (``stage_label`` formats the
    bar's label, e.g. with a stage number); ``checkpoint_every`` prompts makes each matrix resumable after a
    kill (:func:`~debiasood.data.feature_store.cached_text_features`). ``stages`` are :func:`text_stages`'s for
    these arguments, when the caller has them already.
    """
    from tqdm import tqdm

    from debiasood.data.feature_store import cached_text_features

    text = TextFeatures(id={})
    if stages is None:
        stages = text_stages(class_names, corpus, methods=methods, density_form=density_form)
    for stage in stages:
        with tqdm(total=stage.prompts, unit="prompt", desc=stage_label(stage.label), disable=not progress) as bar:
            for task in stage.tasks:
                counter = _PromptCounter(bar, len(task.templates))
                features = cached_text_features(encoder, list(task.labels), task.templates, task.fingerprint,
                                                store=store, raw=task.raw, ensemble=task.ensemble, progress=False,
                                                checkpoint_every=checkpoint_every, report=counter).numpy()
                bar.update(task.prompts - counter.prompts)  # a stored matrix is read without reporting
                _place(text, task, features)
    return text


@dataclass
class _PromptCounter:
    """Moves a stage's bar by the prompts of each chunk of labels a task reports (labels x templates)."""

    bar: Any
    per_label: int
    prompts: int = 0

    def __call__(self, labels: int) -> None:
        self.prompts += labels * self.per_label
        self.bar.update(labels * self.per_label)


def _place(text: TextFeatures, task: TextTask, features: np.ndarray) -> None:
    """Put a task's rows where they belong: an ID prompt family, or the rows of its part of speech."""
    if task.target.startswith("id:"):
        text.id[task.target[3:]] = features
        return
    if task.target == "pool":
        text.pool = task.rows
    else:
        text.corpus = task.rows
    attribute = {"corpus": "corpus_features", "corpus_raw": "corpus_raw", "pool": "pool_features"}[task.target]
    if getattr(text, attribute) is None:
        setattr(text, attribute, np.zeros((len(task.rows), features.shape[1]), np.float32))
    getattr(text, attribute)[np.asarray(task.rows.parts_of_speech) == task.part] = features


# ----------------------------------------------------------------------------------------------- mining


def apply_filter(spec: str, corpus: Any, dataset: ImageDataset) -> Any:
    """The filter named by ``spec`` (:func:`debiasood.data.filters.parse_filter_spec`: ``none``, ``wordnet``,
    ``wordnet:REL,REL``, ``verdicts:FILE_OR_DIR``) judged on ``corpus`` against the ID classes of ``dataset``:
    a :class:`~debiasood.data.filters.FilterResult`. The WordNet filter needs ID classes that are WordNet synsets
    (ImageNet's validation folders have them; your own class folders do not): without them it is an error.
    """
    from debiasood.data.filters import parse_filter_spec
    from debiasood.data.label_sets import LabelSet

    corpus_filter = parse_filter_spec(spec)
    if spec.strip().partition(":")[0] == "wordnet" and dataset.wnids is None:
        raise ValueError(f"filter {spec!r}: the WordNet filter drops corpus words that WordNet relates to an ID "
                         f"class, so it needs ID classes that are WordNet synsets (wnids, the ImageNet family); the "
                         f"{len(dataset.class_names)} ID classes under {str(dataset.root)!r} are plain names, not "
                         "wnids: use the filter 'verdicts:FILE' or 'none'")
    label_set = LabelSet(dataset.name, tuple(dataset.class_names), dataset.wnids,
                         f"the ID classes under {dataset.root}")
    return corpus_filter(corpus, label_set)


def keep_words(text: TextFeatures, corpus: Any, keep: np.ndarray) -> TextFeatures:
    """``text`` restricted to the words of ``corpus`` that ``keep`` (a filter's keep-mask over it) keeps, and to
    the entries of CSP's pool they imply (:func:`debiasood.data.filters.pool_keep`): rows are re-used, nothing is
    encoded again, and a mining rule then counts its quotas on what remains."""
    from debiasood.data.filters import pool_keep

    keep = np.asarray(keep, dtype=bool)
    if not keep.any():
        raise ValueError("the filter removed every corpus word: nothing is left to mine")
    rows = np.flatnonzero(keep)
    out = TextFeatures(id=text.id)
    if text.corpus is not None:
        out.corpus = text.corpus.subset(rows, name=f"{text.corpus.name}|filtered")
        out.corpus_features = text.corpus_features[rows]
        out.corpus_raw = None if text.corpus_raw is None else text.corpus_raw[rows]
    if text.pool is not None:
        pool_rows = np.flatnonzero(pool_keep(keep, corpus, text.pool))
        if pool_rows.size == 0:
            raise ValueError("the filter removed every entry of CSP's pool: nothing is left to mine")
        out.pool = text.pool.subset(pool_rows, name=f"{text.pool.name}|filtered")
        out.pool_features = text.pool_features[pool_rows]
    return out


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
    Step 1, ``density_form`` 'paper' on unit features or 'official' on raw ones, k = ``density_k``). To mine
    after a filter, pass :func:`keep_words`' text.
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
    near -1 (on the log-odds scale ``dnm`` ranks by, :math:`\log S_{ID} - \log Q + 1/T`: such images are ordered by
    their ID similarities alone). Computed in float64, in log space, ``chunk_rows`` images at a time, with the
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


# ------------------------------------------------------------------------------------------------- plan


@dataclass
class Plan:
    """What :func:`evaluate_data` is about to encode, per stage, and how long that should take.

    ``stages``: one row per stage (``stage``: its label; ``work``: images or prompts; ``to_encode``: how many are
    not in the feature store yet). ``texts_per_second`` / ``images_per_second``: the encoder's speed measured
    on a few prompts and images (None where nothing is left to encode); ``seconds``: the estimate for all
    stages (None without a measurement). Decoding images and mining are not part of the estimate.
    ``pair_prompts``: with NegRefine, the most prompts its pair texts can cost at scoring time (images scored x
    k_pos x k_neg x templates; fewer when pairs repeat across images, none for batches already stored), with
    :attr:`pair_seconds` its time at the measured speed; an upper bound, so not part of ``seconds``.
    """

    encoder_id: str
    device: str
    stages: list[dict[str, object]]
    images_to_encode: int
    prompts_to_encode: int
    texts_per_second: float | None = None
    images_per_second: float | None = None
    pair_prompts: int = 0

    @property
    def pair_seconds(self) -> float | None:
        return self.pair_prompts / self.texts_per_second if self.texts_per_second else None

    @property
    def text_seconds(self) -> float:
        return self.prompts_to_encode / self.texts_per_second if self.texts_per_second else 0.0

    @property
    def image_seconds(self) -> float:
        return self.images_to_encode / self.images_per_second if self.images_per_second else 0.0

    @property
    def seconds(self) -> float | None:
        measured = ((self.texts_per_second or not self.prompts_to_encode)
                    and (self.images_per_second or not self.images_to_encode))
        return self.text_seconds + self.image_seconds if measured else None


def plan_work(encoder: Any, data: FolderData, stages: Sequence[TextStage], *, store: Any = None,
              measure: bool = True, pair_prompts: int = 0) -> Plan:
    """The :class:`Plan` of encoding ``data``'s images and the text ``stages`` with ``encoder``: what the
    feature store already holds is skipped; with ``measure`` the encoder's speed is timed on up to
    :data:`PROBE_TEXTS` prompts and :data:`PROBE_IMAGES` blank images (after one warm-up call each).
    ``pair_prompts`` is NegRefine's bound (:attr:`Plan.pair_prompts`); the text speed is measured for it too."""
    from debiasood.core.prompts import CSP_NOUN_TEMPLATES, fill
    from debiasood.data.datasets.extract import image_feature_key
    from debiasood.data.feature_store import FeatureStore

    store = store if store is not None else FeatureStore()
    rows, images, prompts, probe_texts = [], 0, 0, []
    for name, dataset in data.datasets.items():
        todo = 0 if store.contains(image_feature_key(encoder, dataset)) else len(dataset)
        rows.append({"stage": image_stage_label(name, dataset), "work": f"{len(dataset):,} images",
                     "to_encode": todo})
        images += todo
    for stage in stages:
        todo = [task for task in stage.tasks if not store.contains(task.key(encoder.id))]
        rows.append({"stage": stage.label, "work": f"{stage.prompts:,} prompts",
                     "to_encode": sum(task.prompts for task in todo)})
        prompts += rows[-1]["to_encode"]
        probe_texts += [fill(task.templates[0], label) for task in todo for label in task.labels[:PROBE_TEXTS]]
    plan = Plan(encoder.id, str(getattr(encoder, "device", "cpu")), rows, images, prompts, pair_prompts=pair_prompts)
    if not probe_texts:  # only pair texts to time: probe with texts of their shape
        probe_texts = [fill(CSP_NOUN_TEMPLATES[0], f"{name} and {name}") for name in data.id.class_names[:PROBE_TEXTS]]
    if measure and (prompts or pair_prompts):
        plan.texts_per_second = _rate(lambda batch: encoder.encode_texts(batch, progress=False),
                                      probe_texts[:PROBE_TEXTS])
    size = getattr(encoder, "image_size", None)
    if measure and images and size is not None:
        blank = torch.zeros(PROBE_IMAGES, 3, *size)
        plan.images_per_second = _rate(lambda batch: encoder.encode_images(batch, progress=False), blank)
    return plan


PROBE_TEXTS = 32
PROBE_IMAGES = 4


def _rate(encode: Callable[[Any], Any], batch: Any) -> float:
    """Items per second of ``encode`` on ``batch``, after a warm-up call on its first item."""
    encode(batch[:1])
    start = time.perf_counter()
    encode(batch)
    return len(batch) / max(time.perf_counter() - start, 1e-9)


def format_duration(seconds: float) -> str:
    """'45 s', '12 min', '3 h 20 min'."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60:02d} min"


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
      weights; ``timings``: seconds per stage;
    - ``classes``: one row per ID class (label, class folder, the name the prompts used);
    - ``ignored``: files left out of the datasets because they are not images by their extension;
    - ``corpus_filter``: the filter applied before mining (None: none), its name and counts
      (:meth:`debiasood.data.filters.FilterResult.counts`);
    - ``negrefine``: with NegRefine, the images it scored per set (``scored``, of ``images``) and what its pair
      texts cost (``cost``: :meth:`debiasood.world.offline.StoredPairCache.cost`).
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
    classes: list[dict[str, object]] = field(default_factory=list)
    ignored: list[dict[str, object]] = field(default_factory=list)
    corpus_filter: dict[str, object] | None = None
    negrefine: dict[str, object] | None = None
    _hazard: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # memo of dnm_hazard

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

    def dnm_hazard(self) -> dict[str, float] | None:
        """DNM's a <= 0 regime (see the module docstring), or None when it does not apply (a > 0, or no DNM).

        With K ID classes, the density rule's M negatives in G groups of Q = M // G and tau = tau_neg, the
        official arithmetic's constant is a = tau - Q (1 - tau) / K
        (:func:`debiasood.core.scores.dnm_coefficient`); a <= 0 makes it unsafe, and the pipeline's clamped
        ``dnm`` then clamps some (image, group) pairs. Returns K, Q, tau, a, the safe tau (a > 0 for
        tau > Q / (K + Q), :func:`debiasood.core.scores.dnm_safe_tau`) and the clamped shares of the ID and the OOD
        images' pairs (:meth:`dnm_clamp_share`).
        """
        from debiasood.core.scores import dnm_coefficient, dnm_safe_tau

        if "density" not in self.negatives:
            return None
        group_size = len(self.negatives["density"]) // self.settings.num_groups
        a = dnm_coefficient(self.num_classes, group_size, self.settings.tau_neg)
        if a > 0:
            return None
        if not self._hazard:  # the shares cost two passes over all images: computed once
            ood = [name for name in self.images if name != "ID"]
            self._hazard.update(num_classes=self.num_classes, group_size=group_size, tau_neg=self.settings.tau_neg,
                                coefficient=a, safe_tau=dnm_safe_tau(self.num_classes, group_size),
                                clamped_share_id=self.dnm_clamp_share(["ID"]),
                                clamped_share_ood=self.dnm_clamp_share(ood))
        return dict(self._hazard)

    def record(self) -> dict[str, object]:
        """Everything needed to read the table later, as JSON-ready data: rows, the class folder -> name map,
        encoder, settings, corpus size, the filter, mined words, images encoded and skipped, ignored files, DNM's
        hazard, NegRefine's subset and cost."""
        return {"encoder": self.encoder_id, "settings": asdict(self.settings), "classes": self.classes,
                "rows": self.rows, "corpus_size": self.corpus_size, "corpus_filter": self.corpus_filter,
                "negatives": self.negatives, "images": self.image_rows(), "skipped": self.skipped_rows(),
                "ignored": self.ignored, "dnm_hazard": self.dnm_hazard(), "negrefine": self.negrefine,
                "timings": self.timings}

    def save(self, path: str | os.PathLike) -> Path:
        """Write :meth:`record` as JSON to ``path`` (atomically); returns the path."""
        from debiasood.data.files import atomic_write_bytes

        path = Path(path).expanduser()
        text = json.dumps(_json_ready(self.record()), indent=1, ensure_ascii=False, allow_nan=False)
        atomic_write_bytes(path, (text + "\n").encode("utf-8"))
        return path

    def metric(self, method: str, ood: str = "average", metric: str = "auroc") -> float:
        """One number of the table, e.g. ``result.metric("dnm", "average", "fpr95")``."""
        for row in self.rows:
            if row["method"] == method and row["ood"] == ood:
                return float(row[metric])
        raise KeyError(f"no row for method {method!r} and OOD set {ood!r}")


def _json_ready(value: Any) -> Any:
    """``value`` with NaN and infinite floats as None (JSON has no such numbers) and numpy scalars as Python's."""
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and not np.isfinite(value) else value


def check_methods(methods: str | Sequence[str]) -> list[str]:
    """``methods`` as a list (a comma-separated string is split), each a key of :data:`METHODS`."""
    listed = [m.strip() for m in methods.split(",")] if isinstance(methods, str) else list(methods)
    listed = [m for m in listed if m]
    unknown = [m for m in listed if m not in METHODS]
    if unknown or not listed or len(set(listed)) != len(listed):
        raise ValueError(f"methods must be distinct names from {', '.join(METHODS)}; got {methods!r}")
    return listed


def load_corpus(corpus: Any, corpus_step: int = 1) -> Any:
    """A corpus preset name (or a LabelCorpus), keeping every ``corpus_step``-th word; bad values raise."""
    from debiasood.data.corpora import PRESETS, LabelCorpus
    from debiasood.data.corpora import load_corpus as load_preset

    if isinstance(corpus_step, bool) or not isinstance(corpus_step, int) or corpus_step < 1:
        raise ValueError(f"corpus_step must be an int >= 1, got {corpus_step!r}")
    if isinstance(corpus, str):
        _check_choice("corpus", corpus, tuple(PRESETS))
        corpus = load_preset(corpus)
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
    *,
    names_format: str = "pairs",
    **options: Any,
) -> FolderResult:
    """From image folders to OOD metrics: :func:`load_folders`, then :func:`evaluate_data` with ``options``.

    The options are validated before any folder is read.
    """
    check_options(**options)
    return evaluate_data(load_folders(id_root, ood_roots, class_names_file, names_format=names_format), **options)


def check_options(*, methods: str | Sequence[str] = DEFAULT_METHODS, settings: ScoreSettings | None = None,
                  density_k: int = 100, density_form: str = "paper", on_unreadable: str = "warn",
                  corpus_filter: str = "none", negrefine_images: int | None = None, **_: Any) -> None:
    """Validate the options of :func:`evaluate_data` that can be checked before reading any folder (a verdict
    file of ``corpus_filter`` is read here, so a missing or malformed one fails first)."""
    from debiasood.data.filters import parse_filter_spec

    check_methods(methods)
    parse_filter_spec(corpus_filter)
    image_subset({}, negrefine_images)  # checks the cap
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
    checkpoint_every: int = 1000,
    corpus_filter: str = "none",
    negrefine_images: int | None = None,
    progress: bool = False,
    log: Callable[[str], object] | None = None,
    on_plan: Callable[[Plan], object] | None = None,
) -> FolderResult:
    """From datasets (:func:`load_folders` or :func:`benchmark_folders`) to OOD metrics (module docstring).

    ``encoder`` (an image-capable encoder, e.g. from :func:`make_encoder`) overrides ``model``,
    ``pretrained`` and ``device``. ``corpus`` is a WordNet preset name or a LabelCorpus; ``corpus_step`` > 1
    keeps every n-th word (quick CPU runs). ``settings`` holds T, G, tau_neg and the partition seed (official
    ViT-B/16 defaults). ``store`` is the feature store (default: ``$DEBIASOOD_CACHE``). ``checkpoint_every``
    images, or prompts, are encoded between two resumable checkpoints, so a killed run loses at most that much.
    ``corpus_filter`` names a filter applied to the corpus before mining (:func:`apply_filter`); the corpus is
    still encoded whole (so its features are shared with unfiltered runs) and the rules mine the kept rows.
    ``negrefine_images`` caps the images NegRefine scores per set (a subset drawn with the partition seed,
    :func:`debiasood.world.offline.image_subset`; None: all). Everything is validated before any model is built or
    any image read.

    Reporting, for a command line: ``progress`` shows one labelled bar per encoding stage ("[3/8] ...");
    ``on_plan`` receives the :class:`Plan` (what is left to encode, with a time estimate measured on the model)
    before any encoding starts; ``log`` receives one line per stage that has no bar (model, mining, scoring).
    """
    check_options(methods=methods, settings=settings, density_k=density_k, density_form=density_form,
                  on_unreadable=on_unreadable, corpus_filter=corpus_filter, negrefine_images=negrefine_images)
    check_batch_size(checkpoint_every, "checkpoint_every")
    methods = check_methods(methods)
    settings = ScoreSettings() if settings is None else settings
    say = log if log is not None else (lambda _line: None)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    words = load_corpus(corpus, corpus_step) if _rules(methods) else None
    filtered = None
    if words is not None and corpus_filter.strip() != "none":
        filtered = apply_filter(corpus_filter, words, data.id)
        counts = filtered.counts()
        say(f"filter {filtered.name}: keeps {counts['kept']:,} of {len(words):,} corpus words before mining")
    timings["corpus"] = time.perf_counter() - start

    start = time.perf_counter()
    encoder = make_encoder(model, pretrained, device=device, progress=progress) if encoder is None else encoder
    timings["model"] = time.perf_counter() - start
    say(f"model: {encoder.id} on {getattr(encoder, 'device', 'cpu')} ({timings['model']:.1f} s)")
    if getattr(encoder, "random_weights", False):
        say("note: the model has random weights (pretrained='random'): it has learned nothing, so the numbers "
            "below only show that the pipeline runs; they say nothing about OOD detection")
    stages = text_stages(data.id.class_names, words, methods=methods, density_form=density_form)
    if on_plan is not None:
        pair_prompts = 0
        if "negrefine" in methods:  # images x top-k ID labels x top-k negatives x CSP's 8 templates
            scored = sum(min(len(d), negrefine_images or len(d)) for d in data.datasets.values())
            pair_prompts = (scored * min(NEGREFINE_TOP_K, len(data.id.class_names)) * NEGREFINE_TOP_K
                            * len(CSP_NOUN_TEMPLATES))
        on_plan(plan_work(encoder, data, stages, store=store, pair_prompts=pair_prompts))
    stored = _stored_image_stages(encoder, data, store)
    total = len(data.datasets) + len(stages) + (1 if _rules(methods) else 0) + 1
    numbered = iter(range(1, total + 1))

    def stage_label(label: str) -> str:
        numbered_label = f"[{next(numbered)}/{total}] {label}"
        if label in stored:  # no bar: the features are read, not computed
            say(f"{numbered_label}: read from the feature store")
        return numbered_label

    start = time.perf_counter()
    images = extract_folder_features(encoder, data, store=store, batch_size=batch_size, num_workers=num_workers,
                                     on_unreadable=on_unreadable, progress=progress, chunk_size=checkpoint_every,
                                     stage_label=stage_label)
    timings["image features"] = time.perf_counter() - start
    start = time.perf_counter()
    text = folder_text_features(encoder, data.id.class_names, words, methods=methods, density_form=density_form,
                                store=store, progress=progress, checkpoint_every=checkpoint_every,
                                stage_label=stage_label, stages=stages)
    timings["text features"] = time.perf_counter() - start
    negatives = {}
    if _rules(methods):
        start = time.perf_counter()
        kept = len(words) if filtered is None else int(filtered.keep.sum())
        say(stage_label(f"mining: {', '.join(sorted(_rules(methods)))} over {kept:,} corpus words"))
        negatives = mine_negatives(text if filtered is None else keep_words(text, words, filtered.keep), methods,
                                   density_k=density_k, density_form=density_form)
        _check_group_count(negatives, settings.num_groups)
        timings["mining"] = time.perf_counter() - start
        say("      " + ", ".join(f"{rule}: {len(w):,} negatives" for rule, (_, w) in negatives.items())
            + f" ({timings['mining']:.1f} s)")

    start = time.perf_counter()
    ood = {name: images[name].features for name in data.ood}
    say(stage_label(f"scoring: {', '.join(methods)} on {len(images['ID']):,} ID and "
                    f"{sum(len(f) for f in ood.values()):,} OOD images" + (f", {bootstrap} bootstrap resamples"
                                                                          if bootstrap else "")))
    every_image = {"ID": images["ID"].features, **ood}
    scoring = settings if settings.convention == convention else replace(settings, convention=convention)
    rows, pairs = [], None
    # NegRefine's subset per set, drawn from the images actually encoded (unreadable files are not rows).
    scored_images = image_subset({name: len(f) for name, f in every_image.items()}, negrefine_images, settings.seed)
    for method in methods:
        spec = CORE_METHODS[method]
        # CSP's rule mines against the ID labels under CSP's ensemble, and NegRefine scores with them too.
        id_text = text.id["mcm" if spec.id_prompt == "mcm" else "csp" if spec.rule == "csp" else "neglabel"]
        neg = None if spec.rule is None else negatives[spec.rule][0]
        sets, context = every_image, None
        if spec.score == "negrefine":
            check_negrefine_negatives(len(negatives[spec.rule][1]))
            pairs = StoredPairCache(encoder, CSP_NOUN_TEMPLATES, ensemble="raw_mean", store=store)
            context = {"id_labels": list(data.id.class_names), "neg_labels": list(negatives[spec.rule][1]),
                       "encode_pair_texts": pairs}
            sets = {name: _rows(features, scored_images[name]) for name, features in every_image.items()}
        result = evaluate(sets, "ID", {method: MethodInput(spec.score, id_text, neg, context)}, settings=scoring)
        rows += [{"encoder": encoder.id, **row} for row in result.rows(bootstrap=bootstrap, seed=settings.seed)]
    timings["scoring"] = time.perf_counter() - start
    say(f"      {len(rows)} rows ({timings['scoring']:.1f} s)")
    negrefine = None
    if pairs is not None:
        negrefine = {"scored": {name: len(scored_images[name]) for name in every_image},
                     "images": {name: len(features) for name, features in every_image.items()}, "cost": pairs.cost()}
    return FolderResult(rows=rows, images=images, negatives={rule: w for rule, (_, w) in negatives.items()},
                        negative_features={rule: f for rule, (f, _) in negatives.items()}, id_text=text.id,
                        num_classes=len(data.id.class_names), corpus_size=0 if words is None else len(words),
                        encoder_id=encoder.id, settings=settings, timings=timings,
                        classes=data.id.class_rows(), ignored=data.ignored_rows(),
                        corpus_filter=None if filtered is None else {"spec": corpus_filter, "name": filtered.name,
                                                                     **filtered.counts()},
                        negrefine=negrefine)


def _rows(features: Any, rows: np.ndarray) -> Any:
    """``features[rows]`` for a tensor or an array."""
    return features[torch.from_numpy(rows)] if isinstance(features, torch.Tensor) else np.asarray(features)[rows]


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
