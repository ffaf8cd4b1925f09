"""OOD detection metrics: AUROC, AUPR-In, AUPR-Out and FPR95, in two named conventions, with bootstrap CIs.

Scores are ID-confidences: HIGHER = MORE IN-DISTRIBUTION (as every score in :mod:`debiasood.core.scores`).

Two conventions exist in this literature and give different numbers from the same scores, so each result
names the one it uses (the book's method reference, 'Metric conventions'):

``"paper"`` (MCM, NegLabel, CSP, DNM; the default)
    ID is the positive class. FPR95 = share of OOD samples accepted at the threshold whose ID recall is
    NEAREST to 95% (ties go to the lower threshold, as in the reference ``fpr_and_fdr_at_recall`` of the
    Outlier Exposure code that MCM and DNM reuse). AUPR-In / AUPR-Out = average precision with ID / OOD
    as the positive class (sklearn's ``average_precision_score``).
``"openood"`` (OpenOOD v1.5, Zhang et al. 2023)
    OOD is the positive class. FPR95 = share of ID samples flagged at the first point of sklearn's
    ``roc_curve`` (with its default ``drop_intermediate=True``) whose OOD recall is >= 95%. AUPR-In /
    AUPR-Out = trapezoidal area under sklearn's ``precision_recall_curve``.

AUROC is the same in both. Values are percentages by default (``percent=False`` gives fractions).

All four metrics come from one pass over the sorted scores, written for per-sample integer weights, so a
bootstrap replicate is a row of resampling counts over the same sorted order: B replicates cost B cumulative
sums, not B sorts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

CONVENTIONS = ("paper", "openood")
METRIC_NAMES = ("fpr95", "auroc", "aupr_in", "aupr_out")


def _as_scores(name: str, scores: Sequence[float] | np.ndarray) -> np.ndarray:
    if hasattr(scores, "detach"):  # torch tensors, without importing torch here
        scores = scores.detach().cpu().numpy()
    array = np.asarray(scores, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of scores, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: metrics need at least one ID and one OOD score")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains {int(np.isnan(array).sum())} NaN scores; fix the scorer first")
    return array


def _check_options(convention: str, recall_level: float) -> None:
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if not (0 < recall_level < 1):
        raise ValueError(f"recall_level must lie in (0, 1), got {recall_level!r}")


@dataclass(frozen=True)
class _RankedScores:
    """ID/OOD scores sorted once (descending, stable) and cut into runs of tied scores."""

    order: np.ndarray  # sorted position -> index into concat(id, ood)
    is_id: np.ndarray  # (n,) bool, in sorted order
    run_starts: np.ndarray  # first sorted position of every run of equal scores

    @classmethod
    def build(cls, id_scores: np.ndarray, ood_scores: np.ndarray) -> _RankedScores:
        scores = np.concatenate([id_scores, ood_scores])
        order = np.argsort(-scores, kind="stable")
        ranked = scores[order]
        # Comparison (not np.diff) so that equal infinite scores form one run.
        run_starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        is_id = order < id_scores.size
        return cls(order, is_id, run_starts)

    def cumulative_counts(self, id_weight: np.ndarray, ood_weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative ID and OOD weight accepted at each run's threshold, (B, R) each, descending scores."""
        weight = np.concatenate([id_weight, ood_weight], axis=1)[:, self.order]
        id_part = np.where(self.is_id, weight, 0.0)
        ood_part = weight - id_part
        tp = np.cumsum(np.add.reduceat(id_part, self.run_starts, axis=1), axis=1)
        fp = np.cumsum(np.add.reduceat(ood_part, self.run_starts, axis=1), axis=1)
        return tp, fp


def _trapezoid(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.sum(np.diff(x, axis=1) * (y[:, 1:] + y[:, :-1]) / 2, axis=1)


def _with_origin(a: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((a.shape[0], 1)), a], axis=1)


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    # Zero-weight runs (possible in a bootstrap replicate) give 0/0; their recall step is 0, so any value works.
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def _average_precision(tp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """sklearn's average_precision_score: sum over thresholds of (R_n - R_{n-1}) * P_n."""
    recall_steps = np.diff(_with_origin(tp), axis=1) / tp[:, -1:]
    return np.sum(recall_steps * _safe_ratio(tp, tp + fp), axis=1)


def _pr_curve_area(tp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Trapezoidal area under sklearn's precision_recall_curve (points up to full recall, then (0, 1))."""
    recall = tp / tp[:, -1:]
    # Before the first sample with weight the curve sits at its start point (recall 0, precision 1).
    precision = np.where(tp + fp > 0, _safe_ratio(tp, tp + fp), 1.0)
    full = recall >= 1.0
    last = np.argmax(full, axis=1)  # first threshold reaching full recall
    # Points past full recall are not on sklearn's curve: repeat the last valid point (zero-width trapezoids).
    columns = np.minimum(np.arange(tp.shape[1])[None, :], last[:, None])
    recall = np.take_along_axis(recall, columns, axis=1)
    precision = np.take_along_axis(precision, columns, axis=1)
    recall = _with_origin(recall)
    precision = np.concatenate([np.ones((tp.shape[0], 1)), precision], axis=1)
    return _trapezoid(recall, precision)


def _fpr_nearest_recall(tp: np.ndarray, fp: np.ndarray, level: float) -> np.ndarray:
    """Paper convention: OOD acceptance at the threshold whose ID recall is nearest to ``level``."""
    recall = tp / tp[:, -1:]
    last = np.argmax(recall >= 1.0, axis=1)
    distance = np.abs(recall - level)
    distance[np.arange(tp.shape[1])[None, :] > last[:, None]] = np.inf
    # The reference scans thresholds from full recall upward and keeps the first minimum: on ties, the
    # lowest threshold (the largest index here).
    cutoff = tp.shape[1] - 1 - np.argmin(distance[:, ::-1], axis=1)
    return np.take_along_axis(fp, cutoff[:, None], axis=1)[:, 0] / fp[:, -1]


def _roc_kept_points(fps: np.ndarray, tps: np.ndarray) -> np.ndarray:
    """The points sklearn's roc_curve(drop_intermediate=True) keeps, for cumulative counts (B, R).

    sklearn drops a point whose counts have zero second difference, i.e. whose increment equals the next
    point's increment in both axes. Runs of zero weight (a bootstrap replicate that drew none of their
    samples) are not points at all, so "next" means the next run with weight.
    """
    step_f, step_t = np.diff(_with_origin(fps), axis=1), np.diff(_with_origin(tps), axis=1)
    present = (step_f + step_t) > 0
    rows, runs = fps.shape
    position = np.where(present, np.arange(runs)[None, :], runs)
    # Index of the first run with weight strictly after each run (runs = none).
    after = np.minimum.accumulate(position[:, ::-1], axis=1)[:, ::-1]
    following = np.concatenate([after[:, 1:], np.full((rows, 1), runs)], axis=1)
    clipped = np.minimum(following, runs - 1)
    bends = (np.take_along_axis(step_f, clipped, axis=1) != step_f) | (
        np.take_along_axis(step_t, clipped, axis=1) != step_t)
    first = np.arange(runs)[None, :] == np.argmax(present, axis=1)[:, None]
    return present & (first | (following == runs) | bends)


def _fpr_openood(tp_out: np.ndarray, fp_out: np.ndarray, level: float) -> np.ndarray:
    """OpenOOD: ID share flagged at the first kept ROC point (OOD positive) with OOD recall >= level."""
    tpr = tp_out / tp_out[:, -1:]
    reached = (tpr >= level) & _roc_kept_points(fp_out, tp_out)
    first = np.argmax(reached, axis=1)
    return np.take_along_axis(fp_out, first[:, None], axis=1)[:, 0] / fp_out[:, -1]


def _ood_positive_counts(tp: np.ndarray, fp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative OOD (true positive) and ID (false positive) weight flagged, thresholds from low scores up."""
    tp_out = fp[:, -1:] - _with_origin(fp)[:, :-1]
    fp_out = tp[:, -1:] - _with_origin(tp)[:, :-1]
    return tp_out[:, ::-1], fp_out[:, ::-1]


def _metrics_from_counts(tp: np.ndarray, fp: np.ndarray, convention: str, level: float) -> dict[str, np.ndarray]:
    tp_out, fp_out = _ood_positive_counts(tp, fp)
    auroc = _trapezoid(_with_origin(fp / fp[:, -1:]), _with_origin(tp / tp[:, -1:]))
    if convention == "paper":
        return {
            "fpr95": _fpr_nearest_recall(tp, fp, level),
            "auroc": auroc,
            "aupr_in": _average_precision(tp, fp),
            "aupr_out": _average_precision(tp_out, fp_out),
        }
    return {
        "fpr95": _fpr_openood(tp_out, fp_out, level),
        "auroc": auroc,
        "aupr_in": _pr_curve_area(tp, fp),
        "aupr_out": _pr_curve_area(tp_out, fp_out),
    }


def ood_metrics(
    id_scores: Sequence[float] | np.ndarray,
    ood_scores: Sequence[float] | np.ndarray,
    *,
    convention: str = "paper",
    percent: bool = True,
    recall_level: float = 0.95,
) -> dict[str, float]:
    """FPR95, AUROC, AUPR-In and AUPR-Out of ID-confidence scores, as a dict keyed by METRIC_NAMES.

    ``convention`` is "paper" (ID positive, nearest-95% FPR; default) or "openood" (OOD positive);
    see the module docstring. Values are percentages unless ``percent=False``. ``recall_level`` is the
    recall at which the FPR is read (0.95 gives FPR95). NaN scores, empty inputs and bad options raise
    ValueError; +/-inf scores are allowed (they rank first/last).
    """
    _check_options(convention, recall_level)
    id_array, ood_array = _as_scores("id_scores", id_scores), _as_scores("ood_scores", ood_scores)
    ranked = _RankedScores.build(id_array, ood_array)
    tp, fp = ranked.cumulative_counts(np.ones((1, id_array.size)), np.ones((1, ood_array.size)))
    scale = 100.0 if percent else 1.0
    return {name: float(values[0]) * scale for name, values in _metrics_from_counts(
        tp, fp, convention, recall_level).items()}


def ood_metrics_from_labels(
    scores: Sequence[float] | np.ndarray,
    is_id: Sequence[bool] | np.ndarray,
    **options,
) -> dict[str, float]:
    """:func:`ood_metrics` for one score array and a boolean mask that is True for ID samples."""
    array = _as_scores("scores", scores)
    mask = np.asarray(is_id)
    if mask.shape != array.shape:
        raise ValueError(f"scores has shape {array.shape} but is_id has shape {mask.shape}: one label per score")
    if mask.dtype != bool:
        raise ValueError(f"is_id must be boolean (True = ID), got dtype {mask.dtype}")
    if mask.all() or not mask.any():
        raise ValueError("is_id holds one class only: metrics need both ID (True) and OOD (False) samples")
    return ood_metrics(array[mask], array[~mask], **options)


def bootstrap_ci(
    id_scores: Sequence[float] | np.ndarray,
    ood_scores: Sequence[float] | np.ndarray,
    *,
    num_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    convention: str = "paper",
    percent: bool = True,
    recall_level: float = 0.95,
    batch_size: int = 64,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap confidence intervals for every metric of :func:`ood_metrics`.

    ID and OOD scores are resampled separately (a stratified bootstrap: each replicate keeps the set sizes),
    ``num_resamples`` times with a seeded generator. Returns ``{metric: (low, high)}`` at confidence
    ``level``. Each replicate reuses the one sort of the scores, so 1000 replicates on 85k scores take seconds.
    """
    _check_options(convention, recall_level)
    if not (isinstance(num_resamples, int) and num_resamples >= 2):
        raise ValueError(f"num_resamples must be an integer >= 2, got {num_resamples!r}")
    if not (0 < level < 1):
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    id_array, ood_array = _as_scores("id_scores", id_scores), _as_scores("ood_scores", ood_scores)
    ranked = _RankedScores.build(id_array, ood_array)
    rng = np.random.default_rng(seed)
    replicates: dict[str, list[np.ndarray]] = {name: [] for name in METRIC_NAMES}
    for start in range(0, num_resamples, batch_size):
        count = min(batch_size, num_resamples - start)
        tp, fp = ranked.cumulative_counts(_resample_counts(rng, count, id_array.size),
                                          _resample_counts(rng, count, ood_array.size))
        for name, values in _metrics_from_counts(tp, fp, convention, recall_level).items():
            replicates[name].append(values)
    scale = 100.0 if percent else 1.0
    tail = (1 - level) / 2 * 100
    return {
        name: tuple(float(v) * scale for v in np.percentile(np.concatenate(values), [tail, 100 - tail]))
        for name, values in replicates.items()
    }


def _resample_counts(rng: np.random.Generator, count: int, size: int) -> np.ndarray:
    """How often each of ``size`` samples is drawn in each of ``count`` resamples with replacement."""
    draws = rng.integers(0, size, size=(count, size)) + (np.arange(count) * size)[:, None]
    return np.bincount(draws.ravel(), minlength=count * size).reshape(count, size).astype(np.float64)


def average_metrics(per_set: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Unweighted mean of each metric over OOD sets (the literature's "Average" column)."""
    if not per_set:
        raise ValueError("per_set is empty: pass {ood_set_name: metrics_dict}")
    names = set.intersection(*(set(m) for m in per_set.values()))
    return {name: math.fsum(m[name] for m in per_set.values()) / len(per_set) for name in sorted(names)}


def bootstrap_replicates(
    id_scores: Sequence[float] | np.ndarray,
    ood_scores: Mapping[str, Sequence[float] | np.ndarray],
    *,
    num_resamples: int = 1000,
    seed: int = 0,
    convention: str = "paper",
    percent: bool = True,
    recall_level: float = 0.95,
    batch_size: int = 64,
) -> dict[str, dict[str, np.ndarray]]:
    """Bootstrap replicates of every metric on every OOD set and of their unweighted "average".

    One replicate draws ID resampling counts ONCE (shared by every OOD set, so the average's replicate is the
    mean of the sets' replicates on the same ID resample) and OOD counts per set (sets in the given order).
    The counts depend only on ``seed``, ``num_resamples`` and the set sizes, never on the scores, so two
    methods scored on the same images get the SAME resamples from the same seed: that is what
    :func:`paired_bootstrap` pairs. Returns ``{set or "average": {metric: (num_resamples,) array}}``.
    """
    _check_options(convention, recall_level)
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, int) or num_resamples < 2:
        raise ValueError(f"num_resamples must be an integer >= 2, got {num_resamples!r}")
    if not ood_scores:
        raise ValueError("ood_scores is empty: pass {ood_set_name: scores}")
    id_array = _as_scores("id_scores", id_scores)
    ood_arrays = {name: _as_scores(f"ood_scores[{name!r}]", scores) for name, scores in ood_scores.items()}
    ranked = {name: _RankedScores.build(id_array, array) for name, array in ood_arrays.items()}
    rng = np.random.default_rng(seed)
    parts: dict[str, dict[str, list[np.ndarray]]] = {s: {m: [] for m in METRIC_NAMES} for s in ood_arrays}
    for start in range(0, num_resamples, batch_size):
        count = min(batch_size, num_resamples - start)
        id_counts = _resample_counts(rng, count, id_array.size)
        for name, array in ood_arrays.items():
            tp, fp = ranked[name].cumulative_counts(id_counts, _resample_counts(rng, count, array.size))
            for metric, values in _metrics_from_counts(tp, fp, convention, recall_level).items():
                parts[name][metric].append(values)
    scale = 100.0 if percent else 1.0
    out = {s: {m: np.concatenate(v) * scale for m, v in by_metric.items()} for s, by_metric in parts.items()}
    out["average"] = {m: np.mean([out[s][m] for s in ood_arrays], axis=0) for m in METRIC_NAMES}
    return out


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of bootstrap replicates."""
    if not (0 < level < 1):
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(np.asarray(replicates, dtype=np.float64), [tail, 100 - tail])
    return float(low), float(high)


def paired_bootstrap(
    id_scores_a: Sequence[float] | np.ndarray,
    ood_scores_a: Mapping[str, Sequence[float] | np.ndarray],
    id_scores_b: Sequence[float] | np.ndarray,
    ood_scores_b: Mapping[str, Sequence[float] | np.ndarray],
    *,
    num_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    convention: str = "paper",
    metrics: Sequence[str] = ("fpr95", "auroc"),
) -> list[dict[str, object]]:
    """Paired bootstrap of the difference A - B of each metric, per OOD set and for the average.

    A and B must score the SAME images (same ID set, same OOD sets of the same sizes, in the same order):
    every replicate resamples the images once and scores both methods on that resample, so the interval is
    on the difference itself, not a comparison of two separate intervals. Rows: ``ood``, ``metric``,
    ``a``, ``b``, ``difference`` (A - B on all images), ``low``, ``high`` (percentile interval at ``level``).
    For FPR95 a negative difference means A is better; for AUROC a positive one does.
    """
    for metric in metrics:
        if metric not in METRIC_NAMES:
            raise ValueError(f"unknown metric {metric!r}; choose from {METRIC_NAMES}")
    if list(ood_scores_a) != list(ood_scores_b):
        raise ValueError(f"A and B must be scored on the same OOD sets in the same order, got {list(ood_scores_a)} "
                         f"and {list(ood_scores_b)}")
    sizes_a = [np.size(id_scores_a), *(np.size(v) for v in ood_scores_a.values())]
    sizes_b = [np.size(id_scores_b), *(np.size(v) for v in ood_scores_b.values())]
    if sizes_a != sizes_b:
        raise ValueError(f"A and B must score the same images: set sizes {sizes_a} vs {sizes_b}")
    options = {"num_resamples": num_resamples, "seed": seed, "convention": convention}
    rep_a = bootstrap_replicates(id_scores_a, ood_scores_a, **options)
    rep_b = bootstrap_replicates(id_scores_b, ood_scores_b, **options)
    point_a = {s: ood_metrics(id_scores_a, v, convention=convention) for s, v in ood_scores_a.items()}
    point_b = {s: ood_metrics(id_scores_b, v, convention=convention) for s, v in ood_scores_b.items()}
    point_a["average"], point_b["average"] = average_metrics(point_a), average_metrics(point_b)
    rows = []
    for ood in [*ood_scores_a, "average"]:
        for metric in metrics:
            low, high = percentile_interval(rep_a[ood][metric] - rep_b[ood][metric], level)
            a, b = point_a[ood][metric], point_b[ood][metric]
            rows.append({"ood": ood, "metric": metric, "a": a, "b": b, "difference": a - b, "low": low,
                         "high": high})
    return rows
