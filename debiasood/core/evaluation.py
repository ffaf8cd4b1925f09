"""From embeddings to a results table: score the ID set and every OOD set with one partition, then metrics.

A result row is (score, OOD set) -> FPR95, AUROC, AUPR-In, AUPR-Out, plus an unweighted "average" row per
score, as in the papers. The ID scores are computed once per score function and reused for every OOD set,
and the grouped scores use ONE seeded partition of the negatives for ID and all OOD sets (the official code
reshuffles per OOD set, which gives the same ID image a different score per set).

Adding a score means one function of (images, id_text, neg_text, settings) and one line in :data:`SCORES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from debiasood.core.checks import ArrayLike, check_fraction, check_int, check_positive
from debiasood.core.metrics import CONVENTIONS, METRIC_NAMES, average_metrics, bootstrap_ci, ood_metrics
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import (
    DEFAULT_NUM_GROUPS,
    DEFAULT_TAU_NEG,
    DEFAULT_TEMPERATURE,
    dnm_score,
    mcm_score,
    neglabel_score,
)


@dataclass(frozen=True)
class ScoreSettings:
    """Hyper-parameters shared by the grouped scores (official ViT-B/16 defaults) and MCM's temperature."""

    temperature: float = DEFAULT_TEMPERATURE
    mcm_temperature: float = 1.0
    num_groups: int = DEFAULT_NUM_GROUPS
    tau_neg: float = DEFAULT_TAU_NEG
    seed: int = 0

    def __post_init__(self):
        check_positive("temperature", self.temperature)
        check_positive("mcm_temperature", self.mcm_temperature)
        check_int("num_groups", self.num_groups)
        check_fraction("tau_neg", self.tau_neg)

    def groups(self, num_negatives: int) -> np.ndarray:
        return partition_negatives(num_negatives, self.num_groups, self.seed)


ScoreFunction = Callable[[ArrayLike, ArrayLike, ArrayLike, ScoreSettings], ArrayLike]

SCORES: dict[str, ScoreFunction] = {
    "mcm": lambda images, id_text, _neg, s: mcm_score(images, id_text, temperature=s.mcm_temperature),
    "neglabel": lambda images, id_text, neg, s: neglabel_score(
        images, id_text, neg, temperature=s.temperature, groups=s.groups(len(neg))),
    "dnm": lambda images, id_text, neg, s: dnm_score(
        images, id_text, neg, tau_neg=s.tau_neg, temperature=s.temperature, groups=s.groups(len(neg))),
    "dnm-official": lambda images, id_text, neg, s: dnm_score(
        images, id_text, neg, tau_neg=s.tau_neg, temperature=s.temperature, groups=s.groups(len(neg)),
        clamp=False, official_scale=True),
}
"""Score functions by name. ``dnm`` is the clamped (safe) form; ``dnm-official`` the official arithmetic."""


def _as_numpy(scores: ArrayLike) -> np.ndarray:
    return scores.detach().cpu().numpy() if hasattr(scores, "detach") else np.asarray(scores)


def evaluate_scores(
    id_images: ArrayLike,
    ood_images: Mapping[str, ArrayLike],
    id_text: ArrayLike,
    neg_text: ArrayLike | None,
    *,
    scores: Sequence[str] = ("mcm", "neglabel", "dnm"),
    settings: ScoreSettings | None = None,
    convention: str = "paper",
    bootstrap: int = 0,
) -> list[dict[str, object]]:
    """Metrics of each score on each OOD set, in percent, plus an "average" row per score.

    ``neg_text`` are the negative labels (already mined); only MCM works without them. With ``bootstrap``
    > 0, each metric also gets ``<metric>_low`` / ``<metric>_high``: a 95% percentile bootstrap interval
    from that many resamples (not on the average rows).
    """
    settings = ScoreSettings() if settings is None else settings
    unknown = [name for name in scores if name not in SCORES]
    if unknown or not scores:
        raise ValueError(f"unknown score(s) {unknown or list(scores)}; choose from {', '.join(SCORES)}")
    if not ood_images:
        raise ValueError("ood_images is empty: pass {ood_set_name: image_features}")
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if neg_text is None and any(name != "mcm" for name in scores):
        raise ValueError("neg_text is None, but every score except mcm needs negative labels")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
        raise ValueError(f"bootstrap must be a number of resamples >= 0, got {bootstrap!r}")

    rows: list[dict[str, object]] = []
    for name in scores:
        score = SCORES[name]
        id_scores = _as_numpy(score(id_images, id_text, neg_text, settings))
        ood_scores = {ood_name: _as_numpy(score(images, id_text, neg_text, settings))
                      for ood_name, images in ood_images.items()}
        rows += metric_rows(name, id_scores, ood_scores, convention=convention, bootstrap=bootstrap,
                            seed=settings.seed)
    return rows


def metric_rows(
    name: str,
    id_scores: np.ndarray,
    ood_scores: Mapping[str, np.ndarray],
    *,
    convention: str = "paper",
    bootstrap: int = 0,
    seed: int = 0,
) -> list[dict[str, object]]:
    """Rows of one score's metrics per OOD set plus its unweighted "average" row (see :func:`evaluate_scores`)."""
    rows: list[dict[str, object]] = []
    per_set = {}
    for ood_name, scores in ood_scores.items():
        per_set[ood_name] = ood_metrics(id_scores, scores, convention=convention)
        row: dict[str, object] = {"score": name, "ood": ood_name, **per_set[ood_name]}
        if bootstrap:
            intervals = bootstrap_ci(id_scores, scores, num_resamples=bootstrap, convention=convention, seed=seed)
            for metric in METRIC_NAMES:
                row[f"{metric}_low"], row[f"{metric}_high"] = intervals[metric]
        rows.append(row)
    average: dict[str, object] = {"score": name, "ood": "average", **average_metrics(per_set)}
    if bootstrap:
        average.update({f"{m}_{side}": float("nan") for m in METRIC_NAMES for side in ("low", "high")})
    rows.append({key: average[key] for key in rows[-1]})
    return rows
