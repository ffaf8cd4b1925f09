"""Held-out generalisation: do DNM's gains over NegLabel hold on benchmarks nothing was tuned on? (notebook 05)

The question. Debiased Negative Mining (DNM; Peng et al., KDD 2026) changes two things in NegLabel (Jiang et
al., ICLR 2024): which negatives are mined (the densest corpus words instead of those farthest from the ID
labels) and how they are scored (the debiased partition function instead of NegLabel's). Do its gains hold
across public OOD benchmark families (the ImageNet family, the CIFAR-10 OOD suite, domain-specific ID sets),
head to head against NegLabel on the same backbone, and do they survive sets that played no part in choosing
DNM's settings? If they vanish or flip there, the debiasing only moved the bias around.

The test, per setting (an ID set and its OOD sets, :data:`SETTINGS`) and per seed:

1. One control suite (:func:`debiasood.book.verdicts.control_suite`) on the same images: NegLabel, its rule at
   DNM's size, random negatives of DNM's size and part-of-speech split, DNM's density negatives under
   NegLabel's score (tau = 1), the clamped DNM score (log-odds scale, the default), the same on its probability
   scale (which rounds to ties), the official arithmetic. Every setting gets the official settings of the
   backbone (:meth:`Settings.official`: its tau, density quotas and k; tau = 1, no debiasing, with
   ImageNet-A/-R/-V2/-Sketch as ID).
2. DNM's gain split into its two changes (:data:`CHANGES`): **negatives only** (density negatives against
   NegLabel's rule, both under NegLabel's score) and **score only** (the clamped DNM score against NegLabel's,
   both on the density negatives), and **both** (DNM against NegLabel). Each is A - B with a paired bootstrap
   interval of the average over the setting's OOD sets, for FPR95 AND AUROC (:func:`debiasood.book.verdicts.claims`).
3. Verdicts (:func:`gain_verdict`, :func:`setting_verdict`): on one seed a change **holds** when its interval
   lies on the side where A is better (FPR95 below 0, AUROC above 0), **flips** when it lies on the other side
   and **vanishes** when it contains 0. Across seeds a change keeps the seeds' common verdict; seeds that
   disagree make it vanish: a gain that a redraw can undo has not survived.
4. Seeds. In the offline world each seed redraws the images and the partition of the negatives, so the spread
   over seeds is the world's own spread beside every interval (which covers the image sample of one draw). A
   feature bundle's images are fixed: there a seed only re-partitions the negatives.

The transfer settings exist only in the offline world (:func:`setting_world`, :func:`setting_bundle`): a world
whose ID concepts are the setting's ID set, with the parameters fitted on ImageNet-1K (not refitted), the ID
set's own prompts and, for NegLabel, its own mining. DNM's density selection reads the corpus only, so it is
the same for every setting. ImageNet-1K against the four MOS sets is the one setting that is not held out: the
paper chose DNM's settings on it and the world was calibrated on it.

References: Peng et al., KDD 2026 (DNM); Jiang et al., ICLR 2024 (NegLabel); Chuang et al., NeurIPS 2020 (the
debiasing identity and its clamp); Ming et al., NeurIPS 2022 (MCM, ImageNet-10/20/100); Efron & Tibshirani 1993
(percentile bootstrap). Formulas: the book's method reference (``method-dnm-score``, ``method-dnm-closed-form``,
``method-dnm-hazard``, ``method-official-settings``, ``method-benchmarks``).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from debiasood.book.verdicts import (
    DENSITY_NEGLABEL_SCORE,
    DNM_CLAMPED,
    DNM_OFFICIAL,
    DNM_PROBABILITY,
    NEGLABEL,
    NEGLABEL_AT_DNM_SIZE,
    claims,
    control_suite,
    random_label,
    verdict,
)
from debiasood.core.controls import saturation
from debiasood.core.evaluation import Evaluation, Settings
from debiasood.core.scores import DEFAULT_NUM_GROUPS, NonPositivePartitionWarning, dnm_coefficient
from debiasood.core.tau import official_backbone
from debiasood.data.bundle import FeatureBundle, ImageSet, TextSide

FOUR_OOD_SETS = ("inaturalist", "sun", "places", "textures")
#: The CIFAR-10 OOD suite of zero-shot CLIP papers. LSUN (crop) and LSUN (resize) are the same LSUN images cut
#: or scaled to 32 x 32; the offline world draws images from concept names and knows no image size, so ONE
#: LSUN set stands for both.
CIFAR_SUITE = ("svhn", "lsun", "isun", "textures", "places365")

DISPLAY_NAMES = {
    "imagenet1k": "ImageNet-1K", "imagenet10": "ImageNet-10", "imagenet20": "ImageNet-20",
    "imagenet100": "ImageNet-100", "food101": "Food-101", "oxford_pet": "Oxford-Pet", "cub200": "CUB-200",
    "stanford_cars": "Stanford-Cars", "cifar10": "CIFAR-10", "cifar100": "CIFAR-100",
    "inaturalist": "iNaturalist", "sun": "SUN", "places": "Places", "textures": "Textures", "svhn": "SVHN",
    "lsun": "LSUN", "isun": "iSUN", "places365": "Places365", "imagenet-a": "ImageNet-A", "imagenet-r": "ImageNet-R",
    "imagenet-v2": "ImageNet-V2", "imagenet-sketch": "ImageNet-Sketch",
}

#: The benchmark families of the question, in the order the page reports them.
FAMILIES = {"imagenet": "the ImageNet family", "cifar": "the CIFAR-10 OOD suite",
            "domain": "domain-specific ID sets"}
OWN_FAMILY = "these features"

#: DNM's gain split into its two changes, and both together: (A, B) of the control suite, A - B.
CHANGES = {"negatives": (DENSITY_NEGLABEL_SCORE, NEGLABEL), "score": (DNM_CLAMPED, DENSITY_NEGLABEL_SCORE),
           "both": (DNM_CLAMPED, NEGLABEL)}
CHANGE_LABELS = {"negatives": "negatives only", "score": "score only", "both": "both (DNM vs NegLabel)"}
CHANGE_PHRASES = {"negatives": "the negatives-only change", "score": "the score-only change",
                  "both": "DNM against NegLabel (both changes)"}
METRICS = ("fpr95", "auroc")
METRIC_LABELS = {"fpr95": "FPR95", "auroc": "AUROC"}
VERDICTS = ("holds", "vanishes", "flips")


def display(name: str) -> str:
    """A set's name as the papers write it ('cifar10' -> 'CIFAR-10'); unknown names are kept."""
    return DISPLAY_NAMES.get(name, name)


@dataclass(frozen=True)
class Setting:
    """An ID set, the OOD sets it is tested against, its family, and whether DNM's settings were chosen on it."""

    key: str
    family: str
    id_set: str
    ood_sets: tuple[str, ...]
    tuned: bool = False

    def __post_init__(self) -> None:
        if not self.ood_sets or self.id_set in self.ood_sets:
            raise ValueError(f"setting {self.key!r}: ood_sets must be non-empty and exclude the ID set {self.id_set!r}")

    @property
    def label(self) -> str:
        return f"{display(self.id_set)} vs {', '.join(display(s) for s in self.ood_sets)}"


#: The settings of the question: ImageNet-1K (tuned), the ImageNet subsets (MCM's near-OOD pair both ways,
#: ImageNet-100 against the MOS sets), the CIFAR-10 OOD suite (CIFAR-10 and CIFAR-100 as ID) and CIFAR-10 against
#: CIFAR-100, and four domain-specific ID sets against the MOS sets (as NegLabel's and DNM's papers test them).
SETTINGS: tuple[Setting, ...] = (
    Setting("imagenet1k", "imagenet", "imagenet1k", FOUR_OOD_SETS, tuned=True),
    Setting("imagenet10", "imagenet", "imagenet10", ("imagenet20",)),
    Setting("imagenet20", "imagenet", "imagenet20", ("imagenet10",)),
    Setting("imagenet100", "imagenet", "imagenet100", FOUR_OOD_SETS),
    Setting("cifar10", "cifar", "cifar10", CIFAR_SUITE),
    Setting("cifar100", "cifar", "cifar100", CIFAR_SUITE),
    Setting("cifar10_cifar100", "cifar", "cifar10", ("cifar100",)),
    Setting("cub200", "domain", "cub200", FOUR_OOD_SETS),
    Setting("stanford_cars", "domain", "stanford_cars", FOUR_OOD_SETS),
    Setting("food101", "domain", "food101", FOUR_OOD_SETS),
    Setting("oxford_pet", "domain", "oxford_pet", FOUR_OOD_SETS),
)


def parse_seeds(text: str, name: str = "SEEDS", *, minimum: int = 2) -> tuple[int, ...]:
    """A comma-separated notebook parameter ("0,1") as distinct seeds >= 0, in the given order."""
    try:
        seeds = tuple(int(part) for part in str(text).split(","))
    except ValueError as error:
        raise ValueError(f"{name} must list integers separated by commas, e.g. '0,1'; got {text!r}") from error
    if len(set(seeds)) != len(seeds) or len(seeds) < minimum or min(seeds) < 0:
        raise ValueError(f"{name} must list at least {minimum} distinct seeds >= 0, got {text!r}")
    return seeds


def world_sizes(setting: Setting, id_images: int, ood_images: int) -> dict[str, int]:
    """Images per set of ``setting`` in the offline world: ``id_images`` ID images, ``ood_images`` per OOD set."""
    for name, value in (("id_images", id_images), ("ood_images", ood_images)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return {setting.id_set: id_images, **{name: ood_images for name in setting.ood_sets}}


def features_note(features: Any, backbone: str) -> str:
    """The note at the top of the page: where every number comes from (the features' provenance label) and
    whose official settings apply."""
    bundle = features.bundle
    label, model = features.label, bundle.provenance.model
    corpus = f"the {bundle.provenance.corpus_name} corpus ({len(bundle.text.corpus.words):,} words)"
    if features.setup is not None:
        source = (f"**{label}**: the text features of {model} on {corpus}, and image embeddings drawn by the "
                  "offline world's generator, whose parameters were fitted on ImageNet-1K only. None of them is a "
                  "CLIP number; reported CLIP ViT-B/16 numbers appear only where marked \"reported\"")
    else:
        sizes = ", ".join(f"{display(name)} {len(bundle.images[name])}" for name in bundle.ood_sets)
        source = (f"**{label}**: {len(bundle.images[bundle.id_set])} {display(bundle.id_set)} images against "
                  f"{sizes}, and {corpus}. These features hold one setting; the sections that need the offline "
                  "world (other ID sets, the CIFAR-10 OOD suite, redrawn images) say so and are skipped")
    try:
        official = official_backbone(model)
    except ValueError:
        official = None
    whose = f"the official settings of {backbone}"
    if official not in (None, official_backbone(backbone)):
        whose += f" (these features come from {official}: set BACKBONE to match)"
    if features.setup is None and official is None:
        whose += f"; the official code has no settings for {model}"
    return (f"```{{note}}\nEvery number on this page comes from {source}. DNM and NegLabel run with {whose}. The "
            "benchmarks, the hazard and the reported numbers are defined in the method reference "
            "({ref}`method-benchmarks`, {ref}`the clamp <method-dnm-hazard>`, {ref}`method-reported`).\n```")


def reported_line() -> str:
    """The reported CLIP ViT-B/16 numbers of the tuned setting (ImageNet-1K against the four full OOD sets)."""
    from debiasood.data import reported

    neglabel = reported.REPORTED["neglabel"]["average"]
    dnm_fpr95 = reported.fpr95("dnm", "average")
    mark = reported.MARKS.get(("dnm", "average"), "")
    return (f"Reported ({reported.LABEL}, ImageNet-1K against the four full OOD sets, average): NegLabel "
            f"{neglabel[0]:.2f} FPR95 / {neglabel[1]:.2f} AUROC; DNM {dnm_fpr95:.2f}{mark} FPR95 (from a secondary "
            f"source; its AUROC average was not recovered), {dnm_fpr95 - neglabel[0]:+.2f} points against NegLabel. "
            "The paper does not separate the two changes.")


def own_setting(bundle: FeatureBundle) -> Setting:
    """The setting a bundle holds: its ID set against its OOD sets. The offline world's own bundle is ImageNet-1K
    against the MOS sets, the tuned setting of :data:`SETTINGS`; any bundle with ImageNet-1K against some of the
    MOS sets holds the setting the paper tuned DNM on."""
    for setting in SETTINGS:
        if (bundle.provenance.world == "simulated" and setting.id_set == bundle.id_set
                and setting.ood_sets == bundle.ood_sets):
            return setting
    tuned = bundle.id_set == SETTINGS[0].id_set and set(bundle.ood_sets) <= set(FOUR_OOD_SETS)
    return Setting("own", OWN_FAMILY, bundle.id_set, bundle.ood_sets, tuned=tuned)


def official_settings(backbone: str, setting: Setting, bundle: FeatureBundle, *, seed: int) -> Settings:
    """The official settings of ``backbone`` for the setting's ID set, partitioned with ``seed``.

    G stays the official 100 unless a selection of this corpus is smaller (a small custom corpus): then G is the
    smallest selection's size, so that every group holds at least one negative.
    """
    settings = Settings.official(backbone, setting.id_set, seed=seed)
    parts = bundle.text.corpus.parts_of_speech
    smallest = min(selection_size(parts, settings.density_quotas()),
                   selection_size(parts, settings.neglabel_quotas()))
    if smallest < 1:
        raise ValueError(f"the corpus of {bundle.label} ({len(parts)} words) is too small: a selection is empty")
    return replace(settings, num_groups=min(settings.num_groups, smallest))


def selection_size(parts_of_speech: Sequence[str], quotas: Mapping[str, float]) -> int:
    """How many words a per-part selection keeps: sum over parts of int(quota * n_part), the rule of
    :func:`debiasood.core.mining.select_per_part`."""
    counts = Counter(parts_of_speech)
    return sum(int(counts[part] * quota) for part, quota in quotas.items())


# ---------------------------------------------------------------- the offline world's settings

def caption_names() -> dict[str, Any]:
    """How the world captions each set's concepts: the world's own rules, scene names for the new scene sets
    (LSUN, iSUN, Places365, as for SUN and Places), and "house number <digit>" for SVHN's digits (SVHN's images
    are house numbers from Street View; a bare digit in "a bad photo of a 7." says nothing about them)."""
    from debiasood.world.simulated import CAPTION_NAMES

    scene = CAPTION_NAMES["places"]
    return {**CAPTION_NAMES, "lsun": scene, "isun": scene, "places365": scene,
            "svhn": lambda digit: f"house number {digit}"}


def setting_world(encoder: Any, setting: Setting, *, params: Any = None, store: Any = None) -> Any:
    """A world whose ID concepts are ``setting.id_set`` and whose other sets are its OOD sets, with ``params``
    (the ImageNet-1K fit, not refitted)."""
    from debiasood.data.label_sets import get_label_set
    from debiasood.world.simulated import SemanticWorld

    sets = {name: get_label_set(name).class_names for name in (setting.id_set, *setting.ood_sets)}
    return SemanticWorld.from_encoder(encoder, sets, caption_names=caption_names(), id_set=setting.id_set,
                                      params=params, store=store)


def setting_text(base: TextSide, world: Any, encoder: Any, id_set: str, *, store: Any = None) -> TextSide:
    """``base`` (the offline world's text side) with the ID labels of ``id_set``: its names (and wnids), and
    its MCM and NegLabel prompts embedded by ``encoder`` (cached) in the world's joint space. The corpus and its
    features stay ``base``'s own arrays."""
    from debiasood.core import prompts
    from debiasood.data.feature_store import cached_text_features
    from debiasood.data.label_sets import get_label_set

    label_set = get_label_set(id_set)
    names = list(label_set.class_names)
    key = f"debiasood.book.held_out/{id_set}"
    features = {template: cached_text_features(encoder, names, template, key, store=store, progress=False).numpy()
                for template in (prompts.MCM_TEMPLATE, prompts.NEGLABEL_ID_TEMPLATE)}
    return replace(base, id_names=tuple(names), id_wnids=label_set.wnids,
                   id_mcm=world.text(features[prompts.MCM_TEMPLATE]),
                   id_neglabel=world.text(features[prompts.NEGLABEL_ID_TEMPLATE]), csp_pool=None,
                   csp_features=None, id_csp=None, fixed_negatives=None)


def setting_bundle(base: FeatureBundle, text: TextSide, world: Any, sizes: Mapping[str, int],
                   seed: int) -> FeatureBundle:
    """``base`` with ``text`` and ``sizes[set]`` images of each of ``world``'s sets named in ``sizes``, drawn
    with ``seed`` (ID images carry their class labels).

    ``text`` must share ``base``'s corpus features (the same array): the bundle then keeps ``base``'s cache
    (``dataclasses.replace`` carries it), so DNM's density statistic, which reads the corpus only and costs a
    kNN search over it, is computed once for every setting and seed.
    """
    if text.corpus_features is not base.text.corpus_features:
        raise ValueError("text must share base's corpus features (the same array), or the density statistic "
                         "base has cached would not be the one of text's corpus")
    if world.id_set not in sizes or len(sizes) < 2:
        raise ValueError(f"sizes must name the world's ID set {world.id_set!r} and at least one OOD set, "
                         f"got {sorted(sizes)}")
    images = {}
    for name in (world.id_set, *(s for s in sizes if s != world.id_set)):
        drawn = world.images(name, sizes[name], seed=seed)
        images[name] = ImageSet(drawn.features, drawn.classes if name == world.id_set else None)
    return replace(base, text=text, images=images, id_set=world.id_set)


def seed_bundles(features: Any, setting: Setting, seeds: Sequence[int], *, id_images: int,
                 ood_images: int) -> dict[int, FeatureBundle]:
    """One bundle per seed for ``setting``.

    ``features`` is a :class:`debiasood.book.features.ChapterFeatures`. With the offline world every seed draws
    its own images (``id_images`` ID images, ``ood_images`` per OOD set); the features' own bundle serves the
    first seed of its own setting. A feature bundle without the world serves every seed (only the partition of
    the negatives changes with the seed) and only its own setting.
    """
    bundle = features.bundle
    if features.setup is None:
        if setting != own_setting(bundle):
            raise ValueError(f"{features.label} holds only its own setting ({own_setting(bundle).label}); the "
                             f"setting {setting.label} needs the offline world")
        return {seed: bundle for seed in seeds}
    setup = features.setup
    sizes = world_sizes(setting, id_images, ood_images)
    if setting == own_setting(bundle):
        world, text = setup.world, bundle.text
    else:
        world = setting_world(setup.encoder, setting, params=setup.world.params, store=setup.store)
        text = setting_text(bundle.text, world, setup.encoder, setting.id_set, store=setup.store)
    out = {}
    for seed in seeds:
        drawn = {name: len(image_set) for name, image_set in bundle.images.items()}
        reuse = setting == own_setting(bundle) and seed == seeds[0] and drawn == sizes
        out[seed] = bundle if reuse else setting_bundle(bundle, text, world, sizes, seed)
    return out


# ---------------------------------------------------------------- one setting: controls, changes, verdicts

_WARNED_PAIRS = re.compile(r"(\d+) \(image, group\) pairs")


@dataclass
class SettingResult:
    """Everything measured on one setting: per seed, the control suite and the paired claims of :data:`CHANGES`."""

    setting: Setting
    label: str  # the features' provenance label
    backbone: str
    tau: float
    num_id_labels: int
    group_size: int  # Q = M // G of DNM's density negatives
    random_seeds: tuple[int, ...]  # seeds of the random-negative controls
    evaluations: dict[int, Evaluation] = field(default_factory=dict)
    claims: dict[int, list[dict[str, object]]] = field(default_factory=dict)
    nonpositive_share: dict[int, float] = field(default_factory=dict)  # (image, group) pairs with Z_g <= 0

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(self.evaluations)

    @property
    def random_controls(self) -> tuple[str, ...]:
        return tuple(random_label(seed) for seed in self.random_seeds)

    @property
    def a(self) -> float:
        """The official closed form's a = tau - Q (1 - tau) / K (method reference, ``method-dnm-closed-form``)."""
        return dnm_coefficient(self.num_id_labels, self.group_size, self.tau)

    def change(self, change: str, metric: str) -> dict[str, Any]:
        """One change on one metric: per seed A, B, A - B, its interval and verdict; the spread of A - B over
        seeds (max - min) and the verdict across seeds (:func:`setting_verdict`)."""
        if change not in CHANGES or metric not in METRICS:
            raise ValueError(f"change must be one of {list(CHANGES)} and metric one of {METRICS}, got "
                             f"{change!r}, {metric!r}")
        a, b = CHANGES[change]
        rows = [next(row for row in self.claims[seed] if (row["A"], row["B"], row["metric"]) == (a, b, metric))
                for seed in self.seeds]
        differences = [float(row["A - B"]) for row in rows]
        per_seed = [gain_verdict(metric, float(row["low"]), float(row["high"])) for row in rows]
        return {"a": [float(row["A value"]) for row in rows], "b": [float(row["B value"]) for row in rows],
                "difference": differences, "low": [float(row["low"]) for row in rows],
                "high": [float(row["high"]) for row in rows], "verdicts": per_seed,
                "spread": max(differences) - min(differences), "verdict": setting_verdict(per_seed)}

    def average(self, method: str, metric: str, seed: int | None = None) -> float:
        """``method``'s average ``metric`` over the OOD sets on ``seed`` (default: the first seed)."""
        seed = self.seeds[0] if seed is None else seed
        return float(self.evaluations[seed].metrics(method)["average"][metric])

    def saturation(self, method: str = DNM_PROBABILITY, seed: int | None = None) -> dict[str, float]:
        """Shares of ID and of OOD images (all OOD sets together) whose ``method`` score ties at its maximum."""
        result = self.evaluations[self.seeds[0] if seed is None else seed]
        scores = result.scores[method]
        return saturation({"id": scores[result.id_set],
                           "ood": np.concatenate([scores[s] for s in result.ood_sets])})


def gain_verdict(metric: str, low: float, high: float) -> str:
    """'holds' when the interval of A - B lies on A's better side (FPR95 < 0, AUROC > 0), 'flips' when it lies
    on B's, 'vanishes' when it contains 0 (:func:`debiasood.book.verdicts.verdict`)."""
    return {"A better": "holds", "B better": "flips", "no difference": "vanishes"}[verdict(metric, low, high)]


def setting_verdict(per_seed: Sequence[str]) -> str:
    """The seeds' common verdict, or 'vanishes' when they disagree (a redraw undoes the gain)."""
    if not per_seed or any(v not in VERDICTS for v in per_seed):
        raise ValueError(f"per_seed must be non-empty verdicts among {VERDICTS}, got {list(per_seed)}")
    return per_seed[0] if len(set(per_seed)) == 1 else "vanishes"


def run_setting(bundles: Mapping[int, FeatureBundle], setting: Setting, backbone: str, *,
                random_seeds: Sequence[int] = (0, 1, 2), num_resamples: int = 1000) -> SettingResult:
    """The control suite and the paired claims of :data:`CHANGES` on each seed's bundle, with the official
    settings of ``backbone`` partitioned by the seed.

    The official arithmetic warns (:class:`debiasood.core.scores.NonPositivePartitionWarning`) where some
    Z_g <= 0; those warnings are the measurement of the hazard here, so they are caught and counted (the share
    of (image, group) pairs) instead of shown. Every other warning is passed on.
    """
    if not bundles:
        raise ValueError("bundles is empty: pass {seed: FeatureBundle}")
    first = next(iter(bundles.values()))
    result = None
    for seed, bundle in bundles.items():
        settings = official_settings(backbone, setting, bundle, seed=seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", NonPositivePartitionWarning)
            suite = control_suite(bundle, settings, random_seeds=random_seeds)
        pairs = 0
        for warning in caught:
            if issubclass(warning.category, NonPositivePartitionWarning):
                pairs += int(_WARNED_PAIRS.search(str(warning.message)).group(1))
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        if result is None:
            num_negatives = len(bundle.negatives("density", settings))
            result = SettingResult(setting, first.label, backbone, settings.tau_neg, len(first.text.id_names),
                                   num_negatives // settings.num_groups, tuple(random_seeds))
        num_images = sum(len(bundle.images[name]) for name in (bundle.id_set, *bundle.ood_sets))
        result.evaluations[seed] = suite
        result.claims[seed] = claims(suite, list(CHANGES.values()), num_resamples=num_resamples, seed=seed)
        result.nonpositive_share[seed] = pairs / (num_images * settings.num_groups)
    return result


# ---------------------------------------------------------------- tables, sentences, figures

def _interval(difference: float, low: float, high: float) -> str:
    return f"{difference:+.2f} [{low:+.2f}, {high:+.2f}]"


def change_table(results: Sequence[SettingResult], changes: Sequence[str] = tuple(CHANGES)) -> list[dict]:
    """One row per (setting, change): A - B with its 95% paired interval on each seed, the spread over seeds
    and the verdict, for FPR95 and for AUROC."""
    rows = []
    for result in results:
        for change in changes:
            row: dict[str, object] = {"world": result.label, "setting": result.setting.label,
                                      "K": result.num_id_labels, "change": CHANGE_LABELS[change]}
            for metric in METRICS:
                summary = result.change(change, metric)
                name = METRIC_LABELS[metric]
                row[f"{name}: A - B [95% interval], seeds {', '.join(map(str, result.seeds))}"] = "; ".join(
                    _interval(*values) for values in zip(summary["difference"], summary["low"], summary["high"],
                                                         strict=True))
                row[f"{name} spread over seeds"] = summary["spread"]
                row[f"{name} verdict"] = summary["verdict"]
            rows.append(row)
    return rows


def controls_table(results: Sequence[SettingResult]) -> list[dict]:
    """Per setting (first seed): every control's average "FPR95 / AUROC", the official tau and a, and the clamped
    score's ties at its maximum on its probability scale (share of ID and of OOD images; the default log-odds scale
    has none)."""
    rows = []
    for result in results:
        random_fpr = [result.average(m, "fpr95") for m in result.random_controls]
        tied = result.saturation()
        rows.append({
            "world": result.label, "setting": result.setting.label, "K": result.num_id_labels,
            "tau (official)": result.tau, "a": result.a, "NegLabel": _both_metrics(result, NEGLABEL),
            "NegLabel's rule at DNM's size": _both_metrics(result, NEGLABEL_AT_DNM_SIZE),
            f"random, DNM's size ({len(random_fpr)} seeds), FPR95 mean [min, max]":
                f"{np.mean(random_fpr):.2f} [{min(random_fpr):.2f}, {max(random_fpr):.2f}]",
            "density, NegLabel's score": _both_metrics(result, DENSITY_NEGLABEL_SCORE),
            "DNM clamped": _both_metrics(result, DNM_CLAMPED), "DNM official": _both_metrics(result, DNM_OFFICIAL),
            "DNM clamped, probability scale": _both_metrics(result, DNM_PROBABILITY),
            "probability scale at its maximum, ID / OOD (%)": f"{100 * tied['id']:.1f} / {100 * tied['ood']:.1f}",
        })
    return rows


def _both_metrics(result: SettingResult, method: str) -> str:
    return f"{result.average(method, 'fpr95'):.2f} / {result.average(method, 'auroc'):.2f}"


def official_backbones(backbone: str) -> tuple[str, ...]:
    """``backbone`` (the official code's name) and the two backbones whose official tau differ (ViT-B/16's 0.5,
    ViT-B/32's 0.12), without repeats."""
    return tuple(dict.fromkeys((official_backbone(backbone), "ViT-B/16", "ViT-B/32")))


def official_rows(results: Sequence[SettingResult], parts_of_speech: Sequence[str], backbone: str) -> list[dict]:
    """Per setting: K, and for each of :func:`official_backbones` its official tau, Q = M // G (M from its density
    quotas on this corpus) and a = tau - Q (1 - tau) / K; a <= 0 is where the official arithmetic can break."""
    rows = []
    for result in results:
        row: dict[str, object] = {"world": result.label, "setting": result.setting.label, "K": result.num_id_labels}
        for name in official_backbones(backbone):
            settings = Settings.official(name, result.setting.id_set)
            q = selection_size(parts_of_speech, settings.density_quotas()) // DEFAULT_NUM_GROUPS
            a = dnm_coefficient(result.num_id_labels, q, settings.tau_neg)
            row.update({f"tau ({name})": settings.tau_neg, f"Q ({name})": q, f"a ({name})": a,
                        f"a <= 0 ({name})": "yes" if a <= 0 else "no"})
        rows.append(row)
    return rows


def count_nonpositive(rows: Sequence[Mapping[str, object]], backbone: str) -> int:
    """How many :func:`official_rows` rows have a <= 0 at ``backbone``'s official settings."""
    return sum(row[f"a <= 0 ({official_backbone(backbone)})"] == "yes" for row in rows)


def _counts_phrase(verdicts: Sequence[str]) -> str:
    counts = Counter(verdicts)
    if len(counts) == 1:
        only = next(iter(counts))
        return only if len(verdicts) == 1 else f"{only} in all {len(verdicts)}"
    return ", ".join(f"{v} in {counts[v]}" for v in VERDICTS if counts[v]) + f" of {len(verdicts)}"


def _change_phrase(results: Sequence[SettingResult], change: str, metric: str) -> str:
    summaries = [r.change(change, metric) for r in results]
    first = [(s["difference"][0], s["low"][0], s["high"][0]) for s in summaries]
    spread = max(s["spread"] for s in summaries)
    if len(results) == 1:
        detail = f"{_interval(*first[0])}, seed spread {spread:.2f}"
    else:
        lo, hi = min(first), max(first)
        detail = f"from {_interval(*lo)} to {_interval(*hi)}, seed spread up to {spread:.2f}"
    return (f"{_counts_phrase([s['verdict'] for s in summaries])} on {METRIC_LABELS[metric]} ({detail} points)")


def family_sentence(results: Sequence[SettingResult], family: str) -> str:
    """The verdict on one family in one sentence, from the numbers: for the negatives-only and the score-only
    change, on FPR95 and AUROC, how many settings hold, vanish or flip, the first seed's A - B with its interval
    (the smallest and the largest over the settings), and the largest spread over seeds. The sentence covers
    the family's held-out settings, or its only setting when that one is the tuned one (a bundle's own)."""
    members = [r for r in results if r.setting.family == family]
    held = [r for r in members if not r.setting.tuned] or members
    if not held:
        raise ValueError(f"no setting of family {family!r} among the results")
    name = FAMILIES.get(family, family)
    settings = "; ".join(r.setting.label + (", the tuned setting, not held out" if r.setting.tuned else "")
                         for r in held)
    clauses = [f"{CHANGE_PHRASES[change]} {_change_phrase(held, change, 'fpr95')} and "
               f"{_change_phrase(held, change, 'auroc')}" for change in ("negatives", "score")]
    return f"**{name[0].upper() + name[1:]}** ({settings}): {'; '.join(clauses)}."


def verdict_counts(results: Sequence[SettingResult], change: str, metric: str) -> dict[str, int]:
    """How many of ``results`` end in each verdict for one change and metric."""
    counts = Counter(r.change(change, metric)["verdict"] for r in results)
    return {v: counts[v] for v in VERDICTS}


def plot_changes(results: Sequence[SettingResult], label: str) -> Figure:
    """A - B of the negatives-only and the score-only change per setting, each seed a point with its 95% paired
    interval; FPR95 (left, < 0: A better) and AUROC (right, > 0: A better)."""
    fig = Figure(figsize=(10, 0.42 * len(results) + 1.8), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(results))[::-1].astype(float)
    colors = {"negatives": "tab:blue", "score": "tab:orange"}
    for ax, metric in zip(axes, METRICS, strict=True):
        for offset, change in zip((-0.15, 0.15), colors, strict=True):
            for result, row in zip(results, y, strict=True):
                summary = result.change(change, metric)
                seeds = len(summary["difference"])
                for i, (d, lo, hi) in enumerate(zip(summary["difference"], summary["low"], summary["high"],
                                                    strict=True)):
                    # A percentile interval need not contain the point estimate (FPR95 moves in steps), so the
                    # interval is drawn as a segment, not as error bars around the point.
                    at = row + offset + 0.08 * (i - (seeds - 1) / 2)
                    ax.hlines(at, lo, hi, color=colors[change], lw=1.2)
                    ax.plot(d, at, "o", ms=3, color=colors[change],
                            label=CHANGE_LABELS[change] if row == y[0] and i == 0 else None)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(f"{METRIC_LABELS[metric]}: A - B (points; {'< 0' if metric == 'fpr95' else '> 0'}: A better)")
    axes[0].set_yticks(y, [r.setting.label for r in results], fontsize=7)
    axes[0].legend(fontsize=7, loc="best")
    fig.suptitle(f"DNM's two changes per setting, one point per seed, 95% paired intervals ({label})", fontsize=9)
    return fig


def hazard_summary(results: Sequence[SettingResult]) -> dict[str, float]:
    """Over the settings run with a <= 0: the average FPR95 and AUROC of NegLabel, the official arithmetic and
    the clamped score, and the share of (image, group) pairs with Z_g <= 0 (first seed)."""
    hazard = [r for r in results if r.a <= 0]
    if not hazard:
        raise ValueError("no setting has a <= 0")
    out: dict[str, float] = {"settings": len(hazard)}
    for short, method in (("neglabel", NEGLABEL), ("official", DNM_OFFICIAL), ("clamped", DNM_CLAMPED)):
        for metric in METRICS:
            out[f"{metric}_{short}"] = float(np.mean([r.average(method, metric) for r in hazard]))
    out["nonpositive_share"] = float(np.mean([r.nonpositive_share[r.seeds[0]] for r in hazard]))
    return out


def hazard_sentence(results: Sequence[SettingResult], rows: Sequence[Mapping[str, object]], backbone: str) -> str:
    """How many settings have a <= 0 at each backbone's official settings, and what the official arithmetic does
    in those run here (:func:`hazard_summary`)."""
    name = official_backbone(backbone)
    counts = [f"{count_nonpositive(rows, b)} at {b}'s" for b in official_backbones(backbone)]
    text = f"Of the {len(rows)} settings, {', '.join(counts[:-1])} and {counts[-1]} official settings have a <= 0."
    hazard = [r for r in results if r.a <= 0]
    if not hazard:
        return text + f" None of those run here with {name}'s settings is in that regime."
    h = hazard_summary(results)
    worse = h["fpr95_official"] > h["fpr95_clamped"] and h["auroc_official"] < h["auroc_clamped"]
    reading = ("there what DNM gains is the clamp's: the official arithmetic loses it" if worse else
               "there the official arithmetic does not fall behind the clamped score")
    return (f"{text} In the {len(hazard)} run here with a <= 0 ({'; '.join(r.setting.label for r in hazard)}), "
            f"{100 * h['nonpositive_share']:.1f}% of the (image, group) pairs have Z_g <= 0 and the official "
            f"arithmetic averages FPR95 {h['fpr95_official']:.2f} / AUROC {h['auroc_official']:.2f}, against "
            f"{h['fpr95_clamped']:.2f} / {h['auroc_clamped']:.2f} for the clamped score and "
            f"{h['fpr95_neglabel']:.2f} / {h['auroc_neglabel']:.2f} for NegLabel (first seed): {reading}.")


def verdicts_markdown(results: Sequence[SettingResult]) -> str:
    """The page's answer: one :func:`family_sentence` per family among ``results``, then DNM against NegLabel
    over all held-out settings (or, for features that hold only their own setting, on that setting)."""
    if not results:
        raise ValueError("results is empty")
    families = [f for f in (*FAMILIES, OWN_FAMILY) if any(r.setting.family == f for r in results)]
    lines = [f"- {family_sentence(results, family)}" for family in families]
    held = [r for r in results if not r.setting.tuned]
    scope = f"Over the {len(held)} held-out settings" if len(held) > 1 else "On " + (held or results)[0].setting.label
    both = {metric: verdict_counts(held or results, "both", metric) for metric in METRICS}
    overall = " and ".join(
        f"{', '.join(f'{v} in {both[metric][v]}' for v in VERDICTS if both[metric][v])} on {METRIC_LABELS[metric]}"
        for metric in METRICS)
    if len(held or results) == 1:
        overall = " and ".join(f"{next(v for v in VERDICTS if both[m][v])} on {METRIC_LABELS[m]}" for m in METRICS)
    lines.append(f"- **{scope}**, {CHANGE_PHRASES['both']} {overall}.")
    return "\n".join(lines)


def conclusions(results: Sequence[SettingResult]) -> str:
    """What the held-out settings among ``results`` show, as Markdown bullets written from the numbers: where DNM
    against NegLabel holds; which change carries it (how often each change holds or flips); where the density
    negatives fall against the random controls of their size; and where the official arithmetic breaks."""
    held = [r for r in results if not r.setting.tuned]
    if not held:
        raise ValueError("results hold no held-out setting")
    lines = []
    for metric in METRICS:
        by_verdict = {v: [r.setting.label for r in held if r.change("both", metric)["verdict"] == v] for v in VERDICTS}
        parts = [f"{v} in {len(names)} ({'; '.join(names)})" if v != "vanishes" and names else f"{v} in {len(names)}"
                 for v, names in by_verdict.items() if names]
        lines.append(f"Held out, {CHANGE_PHRASES['both']} on {METRIC_LABELS[metric]}: {', '.join(parts)}, of "
                     f"{len(held)} settings.")
    counts = {change: {metric: verdict_counts(held, change, metric) for metric in METRICS}
              for change in ("negatives", "score")}
    tally = "; ".join(f"{CHANGE_PHRASES[c]} holds in {counts[c]['fpr95']['holds']} and flips in "
                      f"{counts[c]['fpr95']['flips']} on FPR95, holds in {counts[c]['auroc']['holds']} and flips in "
                      f"{counts[c]['auroc']['flips']} on AUROC" for c in counts)
    net = {c: sum(counts[c][m]["holds"] - counts[c][m]["flips"] for m in METRICS) for c in counts}
    carrier = ("the negatives carry more of what survives than the score" if net["negatives"] > net["score"] else
               "the score carries at least as much of what survives as the negatives")
    lines.append(f"Split apart over the same {len(held)} settings, {tally}: {carrier}.")
    within = [r.setting.label for r in held
              if r.average(DENSITY_NEGLABEL_SCORE, "fpr95") >= min(r.average(m, "fpr95") for m in r.random_controls)]
    lines.append(f"Against the random controls of their size and part-of-speech split (first seed, NegLabel's "
                 f"score), the density negatives' FPR95 is no lower than the best random draw in {len(within)} of "
                 f"the {len(held)} held-out settings: there the density selection is not distinguishable from "
                 "chance by this control.")
    return "\n".join(f"- {line}" for line in lines)


# ---------------------------------------------------------------- the page's numbers

def change_records(result: SettingResult, prefix: str) -> dict[str, float]:
    """``<prefix>_<change>_<metric>`` (A - B, first seed), ``_low``, ``_high`` and ``_spread`` (over seeds)."""
    out = {}
    for change in CHANGES:
        for metric in METRICS:
            summary = result.change(change, metric)
            name = f"{prefix}_{change}_{metric}"
            out.update({name: summary["difference"][0], f"{name}_low": summary["low"][0],
                        f"{name}_high": summary["high"][0], f"{name}_spread": summary["spread"]})
    return out


def control_records(result: SettingResult, prefix: str) -> dict[str, float]:
    """The controls' average FPR95 and AUROC (first seed), the random controls' mean, and the ties."""
    out = {}
    for short, method in (("neglabel", NEGLABEL), ("at_size", NEGLABEL_AT_DNM_SIZE),
                          ("density", DENSITY_NEGLABEL_SCORE), ("dnm", DNM_CLAMPED), ("official", DNM_OFFICIAL),
                          ("probability", DNM_PROBABILITY)):
        for metric in METRICS:
            out[f"{prefix}_{metric}_{short}"] = result.average(method, metric)
    for metric in METRICS:
        out[f"{prefix}_{metric}_random"] = float(np.mean([result.average(m, metric) for m in result.random_controls]))
    tied = result.saturation()
    out[f"{prefix}_tied_id"], out[f"{prefix}_tied_ood"] = 100 * tied["id"], 100 * tied["ood"]
    return out


def family_records(results: Sequence[SettingResult]) -> dict[str, int]:
    """``<family>_<change>_<metric>_holds`` and ``_flips``: counts over each family's held-out settings."""
    out = {}
    for family in FAMILIES:
        held = [r for r in results if r.setting.family == family and not r.setting.tuned]
        for change in CHANGES:
            for metric in METRICS:
                counts = verdict_counts(held, change, metric)
                for v in ("holds", "flips"):
                    out[f"{family}_{change}_{metric}_{v}"] = counts[v]
    return out


def world_records(results: Sequence[SettingResult], rows: Sequence[Mapping[str, object]],
                  backbone: str) -> dict[str, float]:
    """The numbers only the offline world's settings give: verdict counts per family (:func:`family_records`),
    the CIFAR-10 OOD suite's changes, the counts of settings with a <= 0 and the hazard (:func:`hazard_summary`)."""
    by_key = {r.setting.key: r for r in results}
    held = [r for r in results if not r.setting.tuned]
    out: dict[str, float] = {"num_settings": len(results), "num_held_out": len(held),
                             **family_records(results), **change_records(by_key["cifar10"], "cifar10")}
    for name in official_backbones(backbone):
        slug = "".join(ch for ch in name.lower().replace("@", "_") if ch.isalnum() or ch == "_")
        out[f"num_a_nonpositive_{slug}"] = count_nonpositive(rows, name)
    for metric in METRICS:
        for v in VERDICTS:
            out[f"held_out_both_{metric}_{v}"] = verdict_counts(held, "both", metric)[v]
    if any(r.a <= 0 for r in results):
        out.update({f"hazard_{key}": value for key, value in hazard_summary(results).items()})
    return out
