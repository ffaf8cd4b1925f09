"""Held-out generalisation of DNM's gain over NegLabel, on the offline SIMULATED world.

Notebook 05 asks whether the gain of Debiased Negative Mining (DNM) over NegLabel survives settings that
nothing was tuned on. Everything here runs on :mod:`debiasood.world.simulated` (MiniLM text features, synthetic image
embeddings): no number produced here is a CLIP number.

Protocol:

1. Validation (:func:`split_concepts`, :func:`split_world`, :func:`validation_rows`, :func:`choose`). On the
   ImageNet-1K world the concepts of the four OOD sets are split in two halves by caption name, so a name that
   SUN and Places share falls in the same half. The hyper-parameters are chosen on validation images (their
   own world seed and partition seed) of the validation halves only, by the lowest average FPR95: DNM's
   (tau_neg, G) on a small grid and, so that both methods get the same budget, NegLabel's G on the same G grid.
2. Held-out test: a new world seed and partition seed, and the held-out concept halves.
3. Transfer (:data:`TRANSFERS`, :func:`transfer_world`, :func:`id_text`): the chosen settings, unchanged, on
   other ID sets, in worlds that keep the parameters fitted on ImageNet-1K (not refitted). Each ID set embeds
   its own prompts and mines its own NegLabel negatives; DNM's density negatives do not depend on the ID set.
4. Gains (:func:`fpr95_gains`): FPR95(NegLabel) - FPR95(DNM) in points (positive = DNM better), with a paired
   percentile bootstrap over images: every replicate resamples the ID and OOD images once and scores both
   methods on the same resample. A gain "holds" when its interval lies above 0, "flips" when it lies below 0,
   and "vanishes" when it contains 0 (:func:`verdict`). The interval covers image sampling only, not the
   world draw or the partition of the negatives.

Fast path. The grouped scores come from per-image sums (:func:`grouped_sums`): log S_ID and log N_g for every G
of a grid from ONE similarity product, so a grid over tau_neg or G costs no further product.
:func:`neglabel_from_sums` and :func:`dnm_from_sums` apply the formulas of :mod:`debiasood.core.scores` to the sums;
the tests check them against :func:`debiasood.core.scores.neglabel_score` and :func:`debiasood.core.scores.dnm_score`.

References: Peng et al., KDD 2026 (DNM); Jiang et al., ICLR 2024 (NegLabel); Chuang et al., NeurIPS 2020
(the debiasing identity and its clamp); Ming et al., NeurIPS 2022 (MCM, ImageNet-10/20).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure

from debiasood.core.checks import ArrayLike, as_float_tensor, check_fraction, check_int, check_matrix, check_positive
from debiasood.core.metrics import ood_metrics, paired_bootstrap
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import (
    DEFAULT_NUM_GROUPS,
    DEFAULT_TAU_NEG,
    DEFAULT_TEMPERATURE,
    dnm_coefficient,
    dnm_from_log_sums,
    mcm_score,
    neglabel_from_log_sums,
)
from debiasood.data import reported

SCORES = ("mcm", "neglabel", "dnm", "dnm-official")
"""Scores of a :class:`Config`: MCM; NegLabel on NegLabel's negatives; DNM (clamped) and DNM with the official
arithmetic (no clamp) on DNM's density negatives."""

DISPLAY_NAMES = {
    "imagenet1k": "ImageNet-1K", "imagenet10": "ImageNet-10", "imagenet20": "ImageNet-20",
    "imagenet100": "ImageNet-100", "food101": "Food-101", "oxford_pet": "Oxford-Pet", "cub200": "CUB-200",
    "stanford_cars": "Stanford-Cars", "cifar10": "CIFAR-10", "cifar100": "CIFAR-100",
    "inaturalist": "iNaturalist", "sun": "SUN", "places": "Places", "textures": "Textures",
}
FOUR_OOD_SETS = ("inaturalist", "sun", "places", "textures")

#: Reported DNM FPR95, CLIP ViT-B/16, ImageNet-1K ID, full OOD sets (debiasood.data.reported): iNaturalist from the
#: paper, the average from a secondary source; SUN, Places and Textures were not recovered.
REPORTED_DNM_FPR95 = {s: reported.fpr95("dnm", s) for s in ("inaturalist", "average")}

_ROWS_PER_CHUNK = 1024


@dataclass(frozen=True)
class Transfer:
    """An ID set and the OOD sets it is tested against."""

    id_set: str
    ood_sets: tuple[str, ...]

    @property
    def label(self) -> str:
        ood = "4 OOD sets" if self.ood_sets == FOUR_OOD_SETS else ", ".join(display(s) for s in self.ood_sets)
        return f"{display(self.id_set)} vs {ood}"


#: The transfer settings: near-OOD pairs in both directions, and ImageNet-100 and the fine-grained sets against
#: the four OOD sets of the ImageNet-1K benchmark.
TRANSFERS: tuple[Transfer, ...] = (
    Transfer("imagenet10", ("imagenet20",)),
    Transfer("imagenet20", ("imagenet10",)),
    Transfer("imagenet100", FOUR_OOD_SETS),
    Transfer("food101", FOUR_OOD_SETS),
    Transfer("oxford_pet", FOUR_OOD_SETS),
    Transfer("cub200", FOUR_OOD_SETS),
    Transfer("stanford_cars", FOUR_OOD_SETS),
    Transfer("cifar10", ("cifar100",)),
    Transfer("cifar100", ("cifar10",)),
)


def display(name: str) -> str:
    """A set's name as the papers write it (split halves keep their suffix: 'SUN/test')."""
    base, _, half = name.partition("/")
    return DISPLAY_NAMES.get(base, base) + (f"/{half}" if half else "")


@dataclass(frozen=True)
class Config:
    """One scored method: the score, its number of groups G and its share of true negatives tau_neg.

    ``num_groups`` is ignored by MCM and ``tau_neg`` by MCM and NegLabel (NegLabel is DNM at tau_neg = 1).
    """

    score: str
    num_groups: int = DEFAULT_NUM_GROUPS
    tau_neg: float = DEFAULT_TAU_NEG

    def __post_init__(self) -> None:
        if self.score not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, got {self.score!r}")
        check_int("num_groups", self.num_groups)
        check_fraction("tau_neg", self.tau_neg)

    @property
    def negatives(self) -> str | None:
        """Which negatives the score uses: 'neglabel' (NegLabel's mining), 'density' (DNM's) or None (MCM)."""
        return {"mcm": None, "neglabel": "neglabel"}.get(self.score, "density")

    def describe(self) -> str:
        if self.score == "mcm":
            return "MCM"
        if self.score == "neglabel":
            return f"NegLabel, G = {self.num_groups}"
        return f"{self.score}, G = {self.num_groups}, tau = {self.tau_neg:g}"


def parse_grid(text: str, name: str, kind: type = float) -> tuple:
    """A comma-separated notebook parameter ("0.1,0.5,1") as a sorted tuple of unique ``kind`` values."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} must be a non-empty comma-separated list, got {text!r}")
    try:
        values = [kind(part) for part in text.split(",")]
    except ValueError as error:
        raise ValueError(f"{name} must list {kind.__name__} values separated by commas, got {text!r}") from error
    return tuple(sorted(set(values)))


# ---------------------------------------------------------------- validation split of the OOD concepts

def split_concepts(names: Mapping[str, Sequence[str]], *, seed: int = 0,
                   val_fraction: float = 0.5) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Split each set's concepts into a validation and a test half, by NAME across sets.

    Sets are taken in the given order. A name already placed (it appeared in an earlier set) keeps its half;
    the set's other names are shuffled (seeded, from their sorted order) and fill the validation half up to
    ``round(val_fraction * number of distinct names)``. Returns ``{set: (validation indices, test indices)}``
    into each set's concept list. Every half must be non-empty.
    """
    check_fraction("val_fraction", val_fraction, high_closed=False)
    if not names:
        raise ValueError("names is empty: pass {set name: concept names}")
    rng = np.random.default_rng(seed)
    half: dict[str, bool] = {}  # name -> True for validation
    out = {}
    for set_name, concepts in names.items():
        distinct = sorted(set(concepts))
        if not distinct:
            raise ValueError(f"names[{set_name!r}] is empty")
        target = round(val_fraction * len(distinct)) - sum(half.get(n, False) for n in distinct)
        fresh = [distinct[i] for i in rng.permutation(len(distinct)) if distinct[i] not in half]
        for position, concept in enumerate(fresh):
            half[concept] = position < target
        is_val = np.array([half[c] for c in concepts])
        if is_val.all() or not is_val.any():
            raise ValueError(f"the split of {set_name!r} leaves a half empty: it needs more distinct names")
        out[set_name] = (np.flatnonzero(is_val), np.flatnonzero(~is_val))
    return out


def split_world(world: Any, splits: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> Any:
    """The world with each split set replaced by two sets '<set>/val' and '<set>/test' (same parameters)."""
    from debiasood.world.simulated import SemanticWorld

    unknown = [name for name in splits if name not in world.sets or name == world.id_set]
    if unknown:
        raise ValueError(f"splits names {unknown}, which are not OOD sets of the world ({', '.join(world.sets)})")
    concepts = {world.id_set: world.concepts[world.id_set]}
    for name, (val, test) in splits.items():
        concepts[f"{name}/val"] = world.concepts[name][val]
        concepts[f"{name}/test"] = world.concepts[name][test]
    return SemanticWorld(concepts, id_set=world.id_set, params=world.params)


def caption_names(set_names: Sequence[str]) -> dict[str, list[str]]:
    """Each set's concepts as the world captions them (so that SUN's and Places' shared scenes match)."""
    from debiasood.data.label_sets import get_label_set
    from debiasood.world.simulated import CAPTION_NAMES

    return {name: [CAPTION_NAMES.get(name, str)(c) for c in get_label_set(name).class_names] for name in set_names}


# ---------------------------------------------------------------- worlds and text of other ID sets

def transfer_world(encoder: Any, transfer: Transfer, params: Any = None) -> Any:
    """A world whose ID set is ``transfer.id_set``, with the ImageNet-1K-fitted parameters (not refitted)."""
    from debiasood.data.label_sets import get_label_set
    from debiasood.world.simulated import SemanticWorld

    sets = {name: get_label_set(name).class_names for name in (transfer.id_set, *transfer.ood_sets)}
    return SemanticWorld.from_encoder(encoder, sets, id_set=transfer.id_set, params=params)


@dataclass(frozen=True)
class SetText:
    """Text features of one ID set, padded for the world (:meth:`debiasood.world.simulated.SemanticWorld.text`)."""

    id_mcm: np.ndarray  # (K, D + 1): "a photo of a {}"
    id_neglabel: np.ndarray  # (K, D + 1): "the nice {}"
    negatives: dict[str, np.ndarray]  # "neglabel" / "density" -> (M, D + 1)

    @property
    def num_id_labels(self) -> int:
        return self.id_neglabel.shape[0]

    @classmethod
    def from_benchmark(cls, world: Any, text: Mapping[str, np.ndarray], density_indices: np.ndarray) -> SetText:
        """ImageNet-1K's text from :func:`debiasood.world.simulated.benchmark_text_features` and DNM's density
        indices."""
        density = np.asarray(text["corpus_features"])[np.asarray(density_indices)]
        return cls(world.text(text["id_mcm"]), world.text(text["id_neglabel"]),
                   {"neglabel": world.text(text["negatives"]), "density": world.text(density)})


def id_text(world: Any, encoder: Any, id_set: str, corpus: Any, corpus_features: np.ndarray,
            density_indices: np.ndarray) -> SetText:
    """ID prompts of ``id_set`` (cached), its own NegLabel negatives, and DNM's density negatives."""
    from debiasood.core import prompts
    from debiasood.core.mining import neglabel_mining
    from debiasood.data.feature_store import cached_text_features
    from debiasood.data.label_sets import get_label_set

    names = list(get_label_set(id_set).class_names)
    key = f"debiasood.book.held_out/{id_set}"
    id_mcm = cached_text_features(encoder, names, prompts.MCM_TEMPLATE, key, progress=False).numpy()
    id_neglabel = cached_text_features(encoder, names, prompts.NEGLABEL_ID_TEMPLATE, key, progress=False).numpy()
    mined = neglabel_mining(corpus_features, id_neglabel, list(corpus.words), list(corpus.parts_of_speech))
    negatives = {"neglabel": corpus_features[np.asarray(mined.indices)],
                 "density": corpus_features[np.asarray(density_indices)]}
    return SetText(world.text(id_mcm), world.text(id_neglabel), {k: world.text(v) for k, v in negatives.items()})


def draw_images(world: Any, sizes: Mapping[str, int], seed: int) -> dict[str, np.ndarray]:
    """Image features of each named set of ``world``, ``sizes[set]`` of them, drawn with ``seed``."""
    return {name: world.images(name, n, seed=seed).features for name, n in sizes.items()}


def transfer_setting(encoder: Any, transfer: Transfer, corpus: Any, corpus_features: np.ndarray,
                     density_indices: np.ndarray, configs: Mapping[str, Config], *, images_per_class: int,
                     max_id_images: int, ood_images: int, seed: int, params: Any = None) -> SettingScores:
    """Build the transfer's world and text, draw its images and score them with ``configs`` (unchanged).

    ID images: ``images_per_class`` per ID class on average (classes are drawn uniformly), at most
    ``max_id_images``; ``ood_images`` per OOD set.
    """
    for name, value in (("images_per_class", images_per_class), ("max_id_images", max_id_images),
                        ("ood_images", ood_images)):
        check_int(name, value)
    world = transfer_world(encoder, transfer, params)
    text = id_text(world, encoder, transfer.id_set, corpus, corpus_features, density_indices)
    sizes = {transfer.id_set: min(images_per_class * text.num_id_labels, max_id_images),
             **{s: ood_images for s in transfer.ood_sets}}
    return score_setting(draw_images(world, sizes, seed), transfer.id_set, text, configs, seed=seed,
                         label=transfer.label)


# ---------------------------------------------------------------- grouped scores from per-image sums

@dataclass(frozen=True)
class GroupedSums:
    """Per image: log S_ID and, for each G, log N_g of the seeded partition into G groups (float64)."""

    log_s_id: np.ndarray  # (N,)
    log_n: dict[int, np.ndarray]  # G -> (N, G)
    num_id_labels: int
    num_negatives: int
    temperature: float

    def group_size(self, num_groups: int) -> int:
        if num_groups not in self.log_n:
            raise ValueError(f"num_groups={num_groups} was not computed; have {sorted(self.log_n)}")
        return self.num_negatives // num_groups


def grouped_sums(image_features: ArrayLike, id_text_features: ArrayLike, neg_text_features: ArrayLike,
                 group_counts: Sequence[int], *, seed: int = 0, temperature: float = DEFAULT_TEMPERATURE,
                 chunk_rows: int = _ROWS_PER_CHUNK) -> GroupedSums:
    """log S_ID = LSE_k(s_k/T) and log N_g = LSE_{j in g}(s~_j/T) for every G in ``group_counts``.

    The partition into G groups is ``partition_negatives(M, G, seed)``, the one the scores use for the same
    arguments. One product of each chunk of images with all text rows serves every G.
    """
    check_positive("temperature", temperature)
    check_int("chunk_rows", chunk_rows)
    if not group_counts:
        raise ValueError("group_counts is empty: give at least one number of groups G")
    images = as_float_tensor("image_features", image_features)
    check_matrix("image_features", images)
    id_text = as_float_tensor("id_text_features", id_text_features, like=images)
    check_matrix("id_text_features", id_text, dim=images.shape[1])
    neg_text = as_float_tensor("neg_text_features", neg_text_features, like=images)
    check_matrix("neg_text_features", neg_text, dim=images.shape[1])
    num_id, num_neg = id_text.shape[0], neg_text.shape[0]
    partitions = {int(g): torch.from_numpy(partition_negatives(num_neg, int(g), seed).reshape(-1))
                  for g in group_counts}
    text_over_t = torch.cat([id_text, neg_text]) / temperature
    log_s_id = np.empty(images.shape[0])
    log_n = {g: np.empty((images.shape[0], g)) for g in partitions}
    with torch.no_grad():
        for start in range(0, images.shape[0], chunk_rows):
            block = slice(start, min(start + chunk_rows, images.shape[0]))
            logits = images[block] @ text_over_t.T
            log_s_id[block] = torch.logsumexp(logits[:, :num_id], dim=1).double().numpy()
            negatives = logits[:, num_id:]
            for g, order in partitions.items():
                grouped = negatives[:, order].view(-1, g, order.numel() // g)
                log_n[g][block] = torch.logsumexp(grouped, dim=2).double().numpy()
    return GroupedSums(log_s_id, log_n, num_id, num_neg, float(temperature))


def neglabel_from_sums(sums: GroupedSums, num_groups: int) -> np.ndarray:
    """NegLabel's score (1/G) sum_g S_ID / (S_ID + N_g): :func:`debiasood.core.scores.neglabel_from_log_sums`."""
    sums.group_size(num_groups)
    return neglabel_from_log_sums(torch.from_numpy(sums.log_s_id), torch.from_numpy(sums.log_n[num_groups])).numpy()


def dnm_from_sums(sums: GroupedSums, num_groups: int, tau_neg: float, *, clamp: bool = True) -> np.ndarray:
    """DNM's score with the ID labels as positives (official scale off):
    :func:`debiasood.core.scores.dnm_from_log_sums`.

    Without the clamp, Z_g <= 0 gives negative or infinite scores, as the official code.
    """
    check_fraction("tau_neg", tau_neg)
    log_s_id = torch.from_numpy(sums.log_s_id)
    scores, _ = dnm_from_log_sums(log_s_id, torch.from_numpy(sums.log_n[num_groups]),
                                  log_s_id - math.log(sums.num_id_labels), group_size=sums.group_size(num_groups),
                                  tau_neg=tau_neg, temperature=sums.temperature, clamp=clamp)
    return scores.numpy()


def nonpositive_images(sums: GroupedSums, num_groups: int, tau_neg: float) -> np.ndarray:
    """Per image: True where some group has Z_g <= 0 in the official arithmetic (tau Z_g = a S_ID + N_g)."""
    a = dnm_coefficient(sums.num_id_labels, sums.group_size(num_groups), tau_neg)
    if a >= 0:
        return np.zeros(sums.log_s_id.shape[0], dtype=bool)
    return (sums.log_n[num_groups] <= math.log(-a) + sums.log_s_id[:, None]).any(axis=1)


# ---------------------------------------------------------------- scoring a setting

@dataclass
class SettingScores:
    """Scores of every method on the ID set and each OOD set of one setting, and their metrics."""

    label: str
    id_set: str
    ood_sets: tuple[str, ...]
    num_id_labels: int
    sizes: dict[str, int]
    scores: dict[str, dict[str, np.ndarray]]  # set -> method -> scores
    configs: dict[str, Config]
    nonpositive_share: dict[str, dict[str, float]] = field(default_factory=dict)  # method -> set -> share

    def metrics(self, method: str, ood_set: str) -> dict[str, float]:
        return ood_metrics(self.scores[self.id_set][method], self.scores[ood_set][method])

    def average(self, method: str, metric: str = "fpr95") -> float:
        return float(np.mean([self.metrics(method, s)[metric] for s in self.ood_sets]))


def score_setting(images: Mapping[str, np.ndarray], id_set: str, text: SetText, configs: Mapping[str, Config], *,
                  seed: int = 0, temperature: float = DEFAULT_TEMPERATURE, label: str | None = None) -> SettingScores:
    """Score the images of ``id_set`` and of every other set in ``images`` with each named config.

    All images go through one product per kind of negatives (:func:`grouped_sums`, partition ``seed``), so the
    configs share the expensive part. The official DNM also reports the share of images with some Z_g <= 0.
    """
    if id_set not in images or len(images) < 2:
        raise ValueError(f"images must hold the ID set {id_set!r} and at least one OOD set, got {sorted(images)}")
    if not configs:
        raise ValueError("configs is empty: name at least one Config to score")
    names = list(images)
    stacked = np.concatenate([images[n] for n in names])
    bounds = np.cumsum([0] + [len(images[n]) for n in names])
    by_set = {n: slice(bounds[i], bounds[i + 1]) for i, n in enumerate(names)}
    sums = {}
    for kind in {c.negatives for c in configs.values()} - {None}:
        if kind not in text.negatives:
            raise ValueError(f"text has no {kind!r} negatives; it has {sorted(text.negatives)}")
        counts = sorted({c.num_groups for c in configs.values() if c.negatives == kind})
        sums[kind] = grouped_sums(stacked, text.id_neglabel, text.negatives[kind], counts, seed=seed,
                                  temperature=temperature)
    scores: dict[str, dict[str, np.ndarray]] = {n: {} for n in names}
    nonpositive: dict[str, dict[str, float]] = {}
    for method, config in configs.items():
        if config.score == "mcm":
            values = np.asarray(mcm_score(stacked, text.id_mcm))
        elif config.score == "neglabel":
            values = neglabel_from_sums(sums["neglabel"], config.num_groups)
        else:
            values = dnm_from_sums(sums["density"], config.num_groups, config.tau_neg,
                                   clamp=config.score == "dnm")
        if config.score == "dnm-official":
            flagged = nonpositive_images(sums["density"], config.num_groups, config.tau_neg)
            nonpositive[method] = {n: float(flagged[by_set[n]].mean()) for n in names}
        for n in names:
            scores[n][method] = values[by_set[n]]
    ood_sets = tuple(n for n in names if n != id_set)
    return SettingScores(label or f"{display(id_set)} vs {', '.join(display(s) for s in ood_sets)}", id_set,
                         ood_sets, text.num_id_labels, {n: len(images[n]) for n in names}, scores, dict(configs),
                         nonpositive)


# ---------------------------------------------------------------- validation and choice

def grid_name(config: Config) -> str:
    """The name of a config in :func:`grid_configs`: 'neglabel G=100', 'dnm G=100 tau=0.5'."""
    if config.score == "neglabel":
        return f"neglabel G={config.num_groups}"
    if config.score == "dnm":
        return f"dnm G={config.num_groups} tau={config.tau_neg:g}"
    raise ValueError(f"the grid holds neglabel and dnm configs only, got score {config.score!r}")


def grid_configs(taus: Sequence[float], group_counts: Sequence[int]) -> dict[str, Config]:
    """NegLabel for each G and DNM (clamped) for each (G, tau_neg): the validation grid, by :func:`grid_name`."""
    if not taus or not group_counts:
        raise ValueError("taus and group_counts must both be non-empty")
    configs = [Config("neglabel", g) for g in group_counts]
    configs += [Config("dnm", g, t) for g in group_counts for t in taus]
    return {grid_name(c): c for c in configs}


def validation_rows(setting: SettingScores) -> list[dict[str, object]]:
    """One row per config: its FPR95 on each validation OOD set and the average (simulated world)."""
    rows = []
    for method, config in setting.configs.items():
        per_set = {display(s): setting.metrics(method, s)["fpr95"] for s in setting.ood_sets}
        rows.append({"world": "simulated", "score": config.score, "num_groups": config.num_groups,
                     "tau_neg": config.tau_neg if config.score.startswith("dnm") else 1.0, **per_set,
                     "average": float(np.mean(list(per_set.values())))})
    return rows


def choose(rows: Sequence[Mapping[str, object]], score: str) -> Config:
    """The config of ``score`` with the lowest validation average FPR95 (the first in grid order on ties)."""
    candidates = [row for row in rows if row["score"] == score]
    if not candidates:
        raise ValueError(f"no validation row has score {score!r}")
    best = min(candidates, key=lambda row: row["average"])
    return Config(score, int(best["num_groups"]), float(best["tau_neg"]))


# ---------------------------------------------------------------- paired bootstrap of the FPR95 gain

def verdict(low: float, high: float) -> str:
    """'holds' (interval above 0), 'flips' (below 0) or 'vanishes' (contains 0)."""
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise ValueError(f"need finite low <= high, got ({low!r}, {high!r})")
    return "holds" if low > 0 else "flips" if high < 0 else "vanishes"


def fpr95_gains(setting: SettingScores, baseline: str, method: str, *, num_resamples: int = 1000,
                level: float = 0.95, seed: int = 0) -> list[dict[str, object]]:
    """Gain FPR95(baseline) - FPR95(method) per OOD set (and their average), with paired bootstrap intervals.

    :func:`debiasood.core.metrics.paired_bootstrap`: each replicate draws ID resampling counts once (shared by
    every OOD set, so the average's interval is consistent) and OOD counts per set, and scores both methods on
    that same resample.
    """
    for name, value in (("baseline", baseline), ("method", method)):
        if value not in setting.scores[setting.id_set]:
            raise ValueError(f"{name} {value!r} was not scored; scored: {sorted(setting.scores[setting.id_set])}")
    check_int("num_resamples", num_resamples, minimum=2)
    check_fraction("level", level, high_closed=False)
    scores = setting.scores
    paired = paired_bootstrap(scores[setting.id_set][baseline], {s: scores[s][baseline] for s in setting.ood_sets},
                              scores[setting.id_set][method], {s: scores[s][method] for s in setting.ood_sets},
                              num_resamples=num_resamples, level=level, seed=seed, metrics=("fpr95",))
    if len(setting.ood_sets) == 1:
        paired = [row for row in paired if row["ood"] != "average"]
    return [{"ood": row["ood"], "fpr95_baseline": row["a"], "fpr95_method": row["b"], "gain": row["difference"],
             "gain_low": row["low"], "gain_high": row["high"], "verdict": verdict(row["low"], row["high"])}
            for row in paired]


def summary_row(rows: Sequence[Mapping[str, object]]) -> Mapping[str, object]:
    """The 'average' row of :func:`fpr95_gains`, or its only row when the setting has one OOD set."""
    average = [row for row in rows if row["ood"] == "average"]
    if average:
        return average[0]
    if len(rows) != 1:
        raise ValueError("rows have several OOD sets but no 'average' row")
    return rows[0]


# ---------------------------------------------------------------- tables and figures

def reported_neglabel_fpr95() -> dict[str, float]:
    """NegLabel's reported FPR95 (CLIP ViT-B/16, ImageNet-1K ID) per OOD set and on average."""
    from debiasood.world.simulated import REPORTED_FPR95

    per_set = REPORTED_FPR95["neglabel"]
    return {**per_set, "average": float(np.mean(list(per_set.values())))}


def gain_table(settings: Sequence[SettingScores], gains: Mapping[str, Mapping[str, Sequence[Mapping]]],
               comparisons: Sequence[str], *, group_size: int, default_tau: float = DEFAULT_TAU_NEG,
               per_set: bool = False) -> list[dict[str, object]]:
    """Rows of both comparisons' FPR95s, gains, intervals and verdicts, one per setting (its average over OOD
    sets, or its one OOD set), or with ``per_set`` one per (setting, OOD set) plus the averages.

    ``gains[setting.label][comparison]`` are :func:`fpr95_gains` rows. ``a (official)`` is the official
    coefficient at the setting's K, ``group_size`` and ``default_tau``. Every row says world = simulated.
    """
    if not comparisons:
        raise ValueError("comparisons is empty: name at least one comparison of gains")
    rows = []
    for setting in settings:
        by_comparison = gains[setting.label]
        first = by_comparison[comparisons[0]]
        picked = range(len(first)) if per_set else [list(first).index(summary_row(first))]
        for index in picked:
            base = first[index]
            row: dict[str, object] = {"world": "simulated", "ID": display(setting.id_set),
                                      "OOD": display(str(base["ood"])), "K": setting.num_id_labels,
                                      "a (official)": dnm_coefficient(setting.num_id_labels, group_size, default_tau)}
            for name in comparisons:
                g = by_comparison[name][index]
                row.update({f"NegLabel {name}": g["fpr95_baseline"], f"DNM {name}": g["fpr95_method"],
                            f"gain {name}": g["gain"], f"95% CI {name}": f"[{g['gain_low']:.2f}, {g['gain_high']:.2f}]",
                            f"verdict {name}": g["verdict"]})
            rows.append(row)
    return rows


def imagenet_table(rows: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    """ImageNet-1K held-out gains (:func:`fpr95_gains` rows) beside the reported CLIP ViT-B/16 FPR95s.

    The simulated rows are the held-out concept halves; the reported numbers are the full OOD sets.
    """
    reported_neglabel = reported_neglabel_fpr95()
    out = []
    for row in rows:
        base = str(row["ood"]).partition("/")[0]
        out.append({"world": "simulated", "OOD": display(str(row["ood"])), "NegLabel": row["fpr95_baseline"],
                    "DNM": row["fpr95_method"], "gain": row["gain"],
                    "95% CI": f"[{row['gain_low']:.2f}, {row['gain_high']:.2f}]", "verdict": row["verdict"],
                    "NegLabel, reported (CLIP ViT-B/16)": reported_neglabel.get(base, "n/a"),
                    "DNM, reported (CLIP ViT-B/16)": REPORTED_DNM_FPR95.get(base, "not recovered")})
    return out


def plot_validation(rows: Sequence[Mapping[str, object]], chosen: Mapping[str, Config],
                    default: Config) -> Figure:
    """Validation average FPR95 of DNM against tau_neg, one line per G; NegLabel per G as dashed lines."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    counts = sorted({int(r["num_groups"]) for r in rows})
    colors = dict(zip(counts, ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"), strict=False))
    for g in counts:
        dnm = sorted((float(r["tau_neg"]), float(r["average"])) for r in rows
                     if r["score"] == "dnm" and r["num_groups"] == g)
        ax.plot(*zip(*dnm, strict=True), marker="o", color=colors.get(g), label=f"DNM, G = {g}")
        nl = [float(r["average"]) for r in rows if r["score"] == "neglabel" and r["num_groups"] == g]
        ax.axhline(nl[0], ls="--", lw=1, color=colors.get(g), label=f"NegLabel, G = {g}")
    best = chosen["dnm"]
    best_value = [float(r["average"]) for r in rows if r["score"] == "dnm" and r["num_groups"] == best.num_groups
                  and float(r["tau_neg"]) == best.tau_neg][0]
    ax.plot(best.tau_neg, best_value, marker="*", ms=16, color="black", ls="none", label="chosen DNM")
    ax.axvline(default.tau_neg, color="grey", lw=0.8, ls=":", label="official tau = 0.5")
    ax.set_xlabel(r"assumed share of true negatives $\tau_{neg}$")
    ax.set_ylabel("validation FPR95, average (%)")
    ax.set_title("Validation split (simulated world): average FPR95 over the validation concept halves",
                 fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    return fig


def plot_gains(settings: Sequence[SettingScores], gains: Mapping[str, Mapping[str, Sequence[Mapping]]],
               comparisons: Sequence[str], *, reported: float | None = None) -> Figure:
    """Forest plot: each setting's gain (average over its OOD sets) with its 95% interval, per comparison."""
    fig = Figure(figsize=(8, 0.45 * len(settings) + 1.6), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(settings))[::-1].astype(float)
    offsets = np.linspace(-0.15, 0.15, len(comparisons))
    for offset, name, color in zip(offsets, comparisons, ("tab:blue", "tab:orange", "tab:green"), strict=False):
        rows = [summary_row(gains[s.label][name]) for s in settings]
        centre = np.array([float(r["gain"]) for r in rows])
        err = np.array([[c - float(r["gain_low"]) for c, r in zip(centre, rows, strict=True)],
                        [float(r["gain_high"]) - c for c, r in zip(centre, rows, strict=True)]])
        ax.errorbar(centre, y + offset, xerr=err, fmt="o", ms=4, capsize=2, color=color, label=name)
    if reported is not None:
        ax.plot(reported, y[0], marker="x", ms=9, color="black", ls="none",
                label="reported, CLIP ViT-B/16 (ImageNet-1K, full OOD sets)")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [s.label for s in settings], fontsize=8)
    ax.set_xlabel("FPR95 gain of DNM over NegLabel (points; > 0: DNM better)")
    ax.set_title("DNM's gain over NegLabel, simulated world, 95% paired bootstrap intervals", fontsize=9)
    fig.legend(fontsize=7, loc="outside lower center", ncol=3)
    return fig


def plot_hazard(settings: Sequence[SettingScores], methods: Mapping[str, str], *, group_size: int,
                tau_neg: float = DEFAULT_TAU_NEG) -> Figure:
    """Average FPR95 and AUROC of the named methods ({label: method}) in settings where a <= 0."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    axes = fig.subplots(1, 2)
    x = np.arange(len(settings))
    width = 0.8 / len(methods)
    for ax, metric in zip(axes, ("fpr95", "auroc"), strict=True):
        for i, (label, method) in enumerate(methods.items()):
            ax.bar(x - 0.4 + width * (i + 0.5), [s.average(method, metric) for s in settings], width=width,
                   label=label)
        names = [f"{display(s.id_set)} (a = {dnm_coefficient(s.num_id_labels, group_size, tau_neg):.2f})"
                 for s in settings]
        ax.set_xticks(x, names, fontsize=7, rotation=30, ha="right")
        ax.set_ylabel(f"{metric.upper()} (%), average over OOD sets")
        ax.set_ylim(0, 105)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"Where the official arithmetic breaks (a <= 0 at Q = {group_size}, tau = {tau_neg:g}); "
                 "simulated world", fontsize=9)
    return fig
