"""The one evaluation layer: named image sets in, one result type out.

- :class:`Settings`: every knob of scoring and mining, one frozen type (official ViT-B/16 defaults: book, method
  reference, "Official settings"). It replaces the separate score settings, ablation knobs and held-out configs.
- :data:`SCORES`: score functions by name, each ``(images, id_text, neg_text, settings) -> ID-confidence``.
- :func:`score_sets`: one score on every named image set, with ONE seeded partition of the negatives for the
  ID set and all OOD sets (the official code reshuffles per OOD set, which gives the same ID image a different
  score per set).
- :class:`Evaluation`: the scores of several methods on the same images; its metrics per set and averaged,
  bootstrap intervals (the average's too), and the paired bootstrap of a difference between two methods
  (:meth:`Evaluation.paired`).
- :func:`evaluate`: the above in one call; :func:`evaluate_scores` keeps the row-list form for callers that
  only want a table.

Adding a score means one function of (images, id_text, neg_text, settings) and one line in :data:`SCORES`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from debiasood.core.checks import ArrayLike, check_fraction, check_int, check_positive
from debiasood.core.metrics import (
    CONVENTIONS,
    METRIC_NAMES,
    average_metrics,
    bootstrap_replicates,
    ood_metrics,
    paired_bootstrap,
    percentile_interval,
)
from debiasood.core.mining import ADJECTIVE, DNM_QUOTAS, NEGLABEL_FRACTION, NEGLABEL_PERCENTILE, NOUN
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import (
    DEFAULT_NUM_GROUPS,
    DEFAULT_TAU_NEG,
    DEFAULT_TEMPERATURE,
    dnm_score,
    mcm_score,
    neglabel_score,
    negrefine_score,
    perturbed_positives,
)
from debiasood.core.tau import official_backbone, official_tau

_DENSITY_QUOTAS, _DENSITY_K = DNM_QUOTAS["ViT-B/16"]
DENSITY_FORMS = ("paper", "official")


@dataclass(frozen=True)
class Settings:
    """Every knob of the pipeline; the defaults are the official ViT-B/16 settings.

    Scores: ``temperature`` T of the grouped scores (0.01), ``mcm_temperature`` (1), ``num_groups`` G (100),
    ``tau_neg`` (assumed share of true negatives among the mined labels, the official ``tau_ood``; 0.5),
    ``seed`` of the partition of the negatives (and of the positives' noise), ``clamp`` (DNM's safe form).
    DNM's positives: ``sigma`` and ``num_positive_samples`` (n): each ID label embedding perturbed as
    normalise(z + sigma * eps), n times; ``sigma = 0`` means the ID label embeddings themselves (official).
    Mining: NegLabel's ``percentile`` (0.95) and per-part ``neglabel_quota`` (15%); DNM's density selection
    with ``k`` neighbours (100), ``noun_quota`` / ``adj_quota`` (23% / 13%; 0 keeps none of that part),
    ``label_scale`` multiplying both (which scales the number M of mined labels) and ``density_form``
    ("paper" or "official"); CSP's ``csp_max_id_similarity`` (0.95). Metrics: ``convention`` ("paper").
    """

    temperature: float = DEFAULT_TEMPERATURE
    mcm_temperature: float = 1.0
    num_groups: int = DEFAULT_NUM_GROUPS
    tau_neg: float = DEFAULT_TAU_NEG
    seed: int = 0
    sigma: float = 0.0
    num_positive_samples: int = 1
    percentile: float = NEGLABEL_PERCENTILE
    neglabel_quota: float = NEGLABEL_FRACTION
    k: int = _DENSITY_K
    noun_quota: float = _DENSITY_QUOTAS[NOUN]
    adj_quota: float = _DENSITY_QUOTAS[ADJECTIVE]
    label_scale: float = 1.0
    density_form: str = "paper"
    csp_max_id_similarity: float = 0.95
    convention: str = "paper"

    def __post_init__(self) -> None:
        check_positive("temperature", self.temperature)
        check_positive("mcm_temperature", self.mcm_temperature)
        check_int("num_groups", self.num_groups)
        check_fraction("tau_neg", self.tau_neg)
        check_int("seed", self.seed, minimum=0)
        if not (isinstance(self.sigma, int | float) and math.isfinite(self.sigma) and self.sigma >= 0):
            raise ValueError(f"sigma must be a finite number >= 0, got {self.sigma!r}")
        check_int("num_positive_samples", self.num_positive_samples)
        check_fraction("percentile", self.percentile)
        check_fraction("neglabel_quota", self.neglabel_quota)
        check_int("k", self.k)
        for name in ("noun_quota", "adj_quota"):
            check_fraction(name, getattr(self, name), low_open=False)
        if self.noun_quota == 0 and self.adj_quota == 0:
            raise ValueError("noun_quota and adj_quota are both 0: no label would be mined")
        check_positive("label_scale", self.label_scale)
        if self.density_form not in DENSITY_FORMS:
            raise ValueError(f"density_form must be one of {DENSITY_FORMS}, got {self.density_form!r}")
        check_fraction("csp_max_id_similarity", self.csp_max_id_similarity)
        if self.convention not in CONVENTIONS:
            raise ValueError(f"convention must be one of {CONVENTIONS}, got {self.convention!r}")

    @classmethod
    def official(cls, backbone: str = "ViT-B/16", id_set: str = "imagenet1k", **changes: object) -> Settings:
        """The official code's settings for a backbone and ID set: its tau (0.5, 0.12, or 1.0 with ImageNet-A/-R/
        -V2/-Sketch as ID; :func:`debiasood.core.tau.official_tau`) and its density quotas and k
        (:data:`debiasood.core.mining.DNM_QUOTAS`); ``changes`` override any field."""
        quotas, k = DNM_QUOTAS[official_backbone(backbone)]
        fields = {"tau_neg": official_tau(backbone, id_set), "k": k, "noun_quota": quotas[NOUN],
                  "adj_quota": quotas[ADJECTIVE]}
        return cls(**{**fields, **changes})

    def groups(self, num_negatives: int) -> np.ndarray:
        """The seeded partition of ``num_negatives`` mined labels into G groups (one per run)."""
        return partition_negatives(num_negatives, self.num_groups, self.seed)

    def positives(self, id_text: ArrayLike) -> ArrayLike | None:
        """DNM's positive samples: None (the ID label embeddings themselves, the official code) when ``sigma`` is 0
        and one sample is asked for, else ``num_positive_samples`` perturbed copies of each ID label
        (:func:`debiasood.core.scores.perturbed_positives`, seeded by ``seed``)."""
        if self.sigma == 0 and self.num_positive_samples == 1:
            return None
        return perturbed_positives(id_text, sigma=self.sigma, num_samples=self.num_positive_samples, seed=self.seed)

    def density_quotas(self) -> dict[str, float]:
        """The density selection's quotas: each quota times ``label_scale``, capped at 1; 0 drops a part."""
        scaled = {NOUN: self.noun_quota * self.label_scale, ADJECTIVE: self.adj_quota * self.label_scale}
        return {part: min(1.0, share) for part, share in scaled.items() if share > 0}

    def neglabel_quotas(self) -> dict[str, float]:
        return {NOUN: self.neglabel_quota, ADJECTIVE: self.neglabel_quota}


ScoreSettings = Settings  # the name the chapters used before the settings types were merged

ScoreFunction = Callable[..., ArrayLike]

SCORES: dict[str, ScoreFunction] = {
    "mcm": lambda images, id_text, _neg, s: mcm_score(images, id_text, temperature=s.mcm_temperature),
    "neglabel": lambda images, id_text, neg, s: neglabel_score(
        images, id_text, neg, temperature=s.temperature, groups=s.groups(len(neg)), scale="log-odds"),
    "dnm": lambda images, id_text, neg, s: dnm_score(
        images, id_text, neg, tau_neg=s.tau_neg, temperature=s.temperature, groups=s.groups(len(neg)),
        positives=s.positives(id_text), scale="log-odds"),
    "dnm-probability": lambda images, id_text, neg, s: dnm_score(
        images, id_text, neg, tau_neg=s.tau_neg, temperature=s.temperature, groups=s.groups(len(neg)),
        positives=s.positives(id_text)),
    "dnm-official": lambda images, id_text, neg, s: dnm_score(
        images, id_text, neg, tau_neg=s.tau_neg, temperature=s.temperature, groups=s.groups(len(neg)),
        positives=s.positives(id_text), clamp=False, official_scale=True),
    "negrefine": lambda images, id_text, neg, s, **context: negrefine_score(
        images, id_text, neg, temperature=s.temperature, groups=s.groups(len(neg)), **context),
}
"""Score functions ``(images, id_text, neg_text, settings, **context) -> scores`` by name.

``neglabel`` and ``dnm`` (DNM's clamped, safe form) are on the log-odds scale (``scale="log-odds"`` of
:func:`debiasood.core.scores.neglabel_score` and :func:`~debiasood.core.scores.dnm_score`): a strictly increasing
function of the exact score, so every metric is the exact score's, with no ties from rounding. On the probability
scale (``dnm-probability``) a clamped group's term rounds to exactly 1 (in float64 too) and many ID images tie;
NegLabel's rounds to 1 in float32 once log S_ID - log N_g > 16.6. ``dnm-official`` is the official arithmetic as
the official code computes it (its own rounding included). ``negrefine`` needs a context: ``id_labels``,
``neg_labels`` and ``encode_pair_texts`` (its multi-matching part embeds "{p} and {n}" texts at test time)."""

#: The context each score needs beyond (images, id_text, neg_text, settings).
SCORE_CONTEXT: dict[str, tuple[str, ...]] = {"negrefine": ("id_labels", "neg_labels", "encode_pair_texts")}


def _as_numpy(scores: ArrayLike) -> np.ndarray:
    return scores.detach().cpu().numpy() if hasattr(scores, "detach") else np.asarray(scores)


def _check_score(name: str) -> None:
    if name not in SCORES:
        raise ValueError(f"unknown score {name!r}; choose from {', '.join(SCORES)}")


def score_sets(images: Mapping[str, ArrayLike], id_text: ArrayLike, neg_text: ArrayLike | None, score: str,
               settings: Settings | None = None, context: Mapping[str, object] | None = None) -> dict[str, np.ndarray]:
    """One score on every named image set, in ONE call (so the partition, the input checks and a score's caches,
    e.g. NegRefine's pair texts, are shared by the ID set and every OOD set)."""
    settings = Settings() if settings is None else settings
    _check_score(score)
    context = dict(context or {})
    needed = SCORE_CONTEXT.get(score, ())
    if sorted(context) != sorted(needed):
        raise ValueError(f"score {score!r} needs the context {list(needed) or 'none'}, got {sorted(context) or 'none'}")
    if not images:
        raise ValueError("images is empty: pass {set_name: image_features}")
    if neg_text is None and score != "mcm":
        raise ValueError(f"score {score!r} needs negative labels (neg_text), only mcm works without them")
    names = list(images)
    arrays = [images[name] for name in names]
    stacked = np.concatenate([np.asarray(_as_numpy(a)) for a in arrays]) if len(arrays) > 1 else arrays[0]
    scores = _as_numpy(SCORES[score](stacked, id_text, neg_text, settings, **context))
    return dict(zip(names, np.split(scores, np.cumsum([len(a) for a in arrays])[:-1]), strict=True))


@dataclass
class Evaluation:
    """Scores of methods on the same named image sets, and everything computed from them.

    ``scores[method][set]`` are ID-confidences; ``id_set`` names the ID set among the sets, the others are the
    OOD sets in order. ``label`` says where the features come from (a bundle's provenance label, e.g.
    "simulated: ... world" or "real: ViT-B-16 (openai)") and is written into every row.
    """

    id_set: str
    ood_sets: tuple[str, ...]
    scores: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    label: str = ""
    convention: str = "paper"

    def add(self, method: str, scores: Mapping[str, np.ndarray]) -> None:
        missing = [s for s in (self.id_set, *self.ood_sets) if s not in scores]
        if missing:
            raise ValueError(f"method {method!r} has no scores for {missing}")
        self.scores[method] = {s: np.asarray(scores[s], dtype=np.float64) for s in (self.id_set, *self.ood_sets)}

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.scores)

    def _check_method(self, method: str) -> dict[str, np.ndarray]:
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not evaluated; evaluated: {', '.join(self.scores)}")
        return self.scores[method]

    def metrics(self, method: str) -> dict[str, dict[str, float]]:
        """``{set or "average": {metric: value}}`` in percent."""
        scores = self._check_method(method)
        per_set = {s: ood_metrics(scores[self.id_set], scores[s], convention=self.convention)
                   for s in self.ood_sets}
        return {**per_set, "average": average_metrics(per_set)}

    def intervals(self, method: str, *, num_resamples: int = 1000, level: float = 0.95,
                  seed: int = 0) -> dict[str, dict[str, tuple[float, float]]]:
        """Percentile bootstrap intervals per set and for the average (each replicate resamples the ID images
        once for all sets, so the average's interval is the interval of an average)."""
        scores = self._check_method(method)
        replicates = bootstrap_replicates(scores[self.id_set], {s: scores[s] for s in self.ood_sets},
                                          num_resamples=num_resamples, seed=seed, convention=self.convention)
        return {s: {m: percentile_interval(v, level) for m, v in by_metric.items()}
                for s, by_metric in replicates.items()}

    def rows(self, *, bootstrap: int = 0, level: float = 0.95, seed: int = 0) -> list[dict[str, object]]:
        """One row per (method, set) and an "average" row per method; with ``bootstrap`` resamples, each metric
        also gets ``<metric>_low`` / ``<metric>_high``, the average rows included."""
        if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
            raise ValueError(f"bootstrap must be a number of resamples >= 0, got {bootstrap!r}")
        rows = []
        for method in self.scores:
            metrics = self.metrics(method)
            intervals = self.intervals(method, num_resamples=bootstrap, level=level, seed=seed) if bootstrap else {}
            for ood, values in metrics.items():
                row: dict[str, object] = {"world": self.label, "method": method, "ood": ood} if self.label else \
                    {"method": method, "ood": ood}
                row.update({m: values[m] for m in METRIC_NAMES})
                for m in METRIC_NAMES if bootstrap else ():
                    row[f"{m}_low"], row[f"{m}_high"] = intervals[ood][m]
                rows.append(row)
        return rows

    def paired(self, a: str, b: str, *, num_resamples: int = 1000, level: float = 0.95, seed: int = 0,
               metrics: Sequence[str] = ("fpr95", "auroc")) -> list[dict[str, object]]:
        """Paired bootstrap of A - B per set and for the average (:func:`debiasood.core.metrics.paired_bootstrap`):
        both methods are scored on the same resampled images in every replicate."""
        sa, sb = self._check_method(a), self._check_method(b)
        rows = paired_bootstrap(sa[self.id_set], {s: sa[s] for s in self.ood_sets},
                                sb[self.id_set], {s: sb[s] for s in self.ood_sets},
                                num_resamples=num_resamples, level=level, seed=seed, convention=self.convention,
                                metrics=metrics)
        return [{"a": a, "b": b, "ood": row["ood"], "metric": row["metric"], "value_a": row["a"],
                 "value_b": row["b"], "difference": row["difference"], "low": row["low"], "high": row["high"]}
                for row in rows]


@dataclass(frozen=True)
class MethodInput:
    """What one method scores with: a score of :data:`SCORES`, the ID label features, the negatives (or None),
    and the score's context (:data:`SCORE_CONTEXT`)."""

    score: str
    id_text: ArrayLike
    neg_text: ArrayLike | None = None
    context: Mapping[str, object] | None = None


def evaluate(images: Mapping[str, ArrayLike], id_set: str, methods: Mapping[str, MethodInput], *,
             settings: Settings | None = None, label: str = "") -> Evaluation:
    """Score named image sets with each method and return an :class:`Evaluation`.

    ``images`` maps set names to image features (``id_set`` among them; every other set is an OOD set, in
    the mapping's order); ``methods`` maps a method name to its :class:`MethodInput`.
    """
    settings = Settings() if settings is None else settings
    if id_set not in images:
        raise ValueError(f"id_set {id_set!r} is not among the image sets {list(images)}")
    ood_sets = tuple(name for name in images if name != id_set)
    if not ood_sets:
        raise ValueError("images has no OOD set: pass the ID set and at least one OOD set")
    if not methods:
        raise ValueError("methods is empty: pass {method_name: MethodInput(score, id_text, neg_text)}")
    result = Evaluation(id_set, ood_sets, label=label, convention=settings.convention)
    for method, spec in methods.items():
        result.add(method, score_sets(images, spec.id_text, spec.neg_text, spec.score, settings, spec.context))
    return result


def evaluate_scores(
    id_images: ArrayLike,
    ood_images: Mapping[str, ArrayLike],
    id_text: ArrayLike,
    neg_text: ArrayLike | None,
    *,
    scores: Sequence[str] = ("mcm", "neglabel", "dnm"),
    settings: Settings | None = None,
    convention: str = "paper",
    bootstrap: int = 0,
) -> list[dict[str, object]]:
    """Metrics of each score on each OOD set, in percent, plus an "average" row per score (rows keyed
    ``score``, ``ood``, the metrics, and ``<metric>_low``/``_high`` with ``bootstrap`` > 0): :func:`evaluate`
    with one ID text and one set of negatives for every score."""
    settings = Settings() if settings is None else settings
    if convention != settings.convention:
        settings = replace(settings, convention=convention)
    unknown = [name for name in scores if name not in SCORES]
    if unknown or not scores:
        raise ValueError(f"unknown score(s) {unknown or list(scores)}; choose from {', '.join(SCORES)}")
    if not ood_images:
        raise ValueError("ood_images is empty: pass {ood_set_name: image_features}")
    if neg_text is None and any(name != "mcm" for name in scores):
        raise ValueError("neg_text is None, but every score except mcm needs negative labels")
    id_name = "__id__"
    while id_name in ood_images:
        id_name += "_"
    result = evaluate({id_name: id_images, **ood_images}, id_name,
                      {name: MethodInput(name, id_text, neg_text) for name in scores}, settings=settings)
    return [{"score": row.pop("method"), **row} for row in result.rows(bootstrap=bootstrap, seed=settings.seed)]
