r"""τ, DNM's share of TRUE negatives among the mined labels: the official settings and two estimates from data.

DNM models the mined labels as a mixture :math:`P_{wild} = \tau P_{neg} + (1-\tau) P_{pos}` (the book's method
reference, ``method-dnm-model``) and corrects NegLabel's score with a hand-set τ. The official code sets it per setting
(:func:`official_tau`). Two ways to estimate it instead, both returning a :class:`TauEstimate` with a bootstrap
percentile interval:

- :func:`tau_from_false_negatives`: 1 - the share of mined labels an audit marks as false negatives (with the
  WordNet audit: :func:`debiasood.data.tau_audit.audit_tau`). An UPPER bound on τ when the audit misses false
  negatives, as WordNet misses visual look-alikes.
- :func:`tau_from_positive_unlabelled`: a mixture-proportion estimate without labels. The ID labels are a sample
  of positives (ID-like labels); the mined labels are the unlabelled mixture; each label gets a one-dimensional
  score that is higher for ID-like labels (:func:`label_image_affinity`: how close the label comes to the ID
  images). The positive share is estimated with Best Bin Estimation (:func:`bbe_mixture_proportion`) and
  τ̂ = 1 - that share. BBE estimates the largest positive share compatible with the two samples, so τ̂ is a LOWER
  bound on τ up to sampling error, if the false negatives among the mined labels look like the ID labels in
  that score (the "selected completely at random" assumption of PU learning). Mined labels are chosen to be
  FAR from the ID labels, so this assumption is strained: read τ̂ with the audit's bound beside it.

References:
- Garg, Wu, Smola, Balakrishnan, Lipton, "Mixture Proportion Estimation and PU Learning: A Modern Approach",
  NeurIPS 2021 (Best Bin Estimation); reference code github.com/acmi-lab/PU_learning, ``estimator.py``.
- Elkan & Noto, "Learning Classifiers from Only Positive and Unlabeled Data", KDD 2008 (the PU setting).
- Efron & Tibshirani, "An Introduction to the Bootstrap", 1993 (percentile intervals).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from debiasood.core.checks import ArrayLike, as_float_tensor, check_fraction, check_int, check_matrix

# The official DNM code's per-setting tau_ood (main_online.py, comments beside --tau_ood).
OFFICIAL_TAU_BY_BACKBONE = {"ViT-B/16": 0.5, "ViT-L/14": 0.5, "RN50": 0.5, "ViT-B/32": 0.12, "ViT-L/14@336px": 0.12}
OFFICIAL_TAU_OFF_ID_SETS = ("imagenet-a", "imagenet-r", "imagenet-v2", "imagenet-sketch")
"""ID sets for which the official code sets tau_ood = 1 (no debiasing)."""

# Best Bin Estimation's defaults in the authors' code (estimator.py, DKW_bound): delta = 0.1, gamma = 0.01.
BBE_DELTA = 0.1
BBE_GAMMA = 0.01
DEFAULT_BOOTSTRAP = 1000
DEFAULT_LEVEL = 0.95


def _key(name: str) -> str:
    """'ViT-B/16', 'ViT-B-16' and 'vit_b16' are one backbone; '@336px' and '-336' one resolution."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    return key[:-2] if key.endswith("px") else key


_BACKBONE_KEYS = {_key(name): name for name in OFFICIAL_TAU_BY_BACKBONE}
_OFF_KEYS = {_key(name) for name in OFFICIAL_TAU_OFF_ID_SETS}


def official_backbone(backbone: str) -> str:
    """The official code's name of a backbone ('ViT-B-16' -> 'ViT-B/16', 'ViT-L-14-336' -> 'ViT-L/14@336px')."""
    if not isinstance(backbone, str):
        raise TypeError(f"backbone must be a string such as 'ViT-B/16', got {type(backbone).__name__}")
    name = _BACKBONE_KEYS.get(_key(backbone))
    if name is None:
        raise ValueError(f"the official code has no settings for backbone {backbone!r}; known backbones: "
                         f"{', '.join(OFFICIAL_TAU_BY_BACKBONE)}")
    return name


def official_tau(backbone: str, id_set: str = "imagenet1k") -> float:
    """τ as the official DNM code sets it (the book's method reference, ``method-official-settings``):
    0.5 for ViT-B/16, ViT-L/14 and RN50; 0.12 for ViT-B/32 and ViT-L/14@336px; 1.0 (no debiasing) with
    ImageNet-A, -R, -V2 or -Sketch as the ID set, whatever the backbone.

    Names are matched ignoring case and punctuation, so open_clip's 'ViT-B-16' and 'ViT-L-14-336' work. The
    official code states no other rule, so any other ID set gets the backbone's value.
    """
    if not isinstance(backbone, str) or not isinstance(id_set, str):
        raise TypeError("backbone and id_set must be strings, e.g. official_tau('ViT-B/16', 'imagenet1k')")
    name = official_backbone(backbone)
    return 1.0 if _key(id_set) in _OFF_KEYS else OFFICIAL_TAU_BY_BACKBONE[name]


OFFICIAL_TAU_VALUES = tuple(sorted({*OFFICIAL_TAU_BY_BACKBONE.values(), 1.0}))
"""Every τ the official code sets for some setting: 0.12, 0.5 and 1.0 (no debiasing)."""


def closest_official_tau(tau: float) -> float:
    """The official setting an estimate τ̂ would have chosen: the value of :data:`OFFICIAL_TAU_VALUES` nearest to
    it (a tie goes to the smaller value, the stronger correction)."""
    check_fraction("tau", tau, low_open=False)
    return min(OFFICIAL_TAU_VALUES, key=lambda value: (abs(value - tau), value))


@dataclass(frozen=True)
class TauEstimate:
    """An estimate of τ (share of true negatives) with a bootstrap percentile interval [low, high].

    ``positive_share`` = 1 - τ is the estimated share of ID-like labels. ``threshold`` is BBE's chosen score
    threshold (None for the audit). ``sizes`` are the sample sizes the estimate used.
    """

    tau: float
    low: float
    high: float
    level: float
    method: str
    positive_share: float
    num_bootstrap: int
    sizes: dict
    threshold: float | None = None


def _check_bootstrap(num_bootstrap: int, level: float) -> None:
    check_int("num_bootstrap", num_bootstrap, minimum=0)
    check_fraction("level", level, high_closed=False)


def _percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def tau_from_false_negatives(
    is_false_negative: ArrayLike,
    *,
    num_bootstrap: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> TauEstimate:
    r"""τ̂ = 1 - (share of the mined labels marked as false negatives), with a bootstrap interval over labels.

    ``is_false_negative`` is one bool per mined label. With the WordNet audit this is an upper bound on τ: a label
    WordNet does not relate to an ID class can still look like one. ``num_bootstrap = 0`` gives the point
    estimate with low = high = τ̂.
    """
    marks = np.asarray(is_false_negative)
    if marks.dtype != bool or marks.ndim != 1:
        raise ValueError(f"is_false_negative must be a 1-D bool array (one per mined label), got dtype "
                         f"{marks.dtype} and shape {marks.shape}")
    if marks.size == 0:
        raise ValueError("is_false_negative is empty: there are no mined labels to estimate τ from")
    _check_bootstrap(num_bootstrap, level)
    share = float(marks.mean())
    tau = 1.0 - share
    low = high = tau
    if num_bootstrap:
        # The share of a resample is a binomial draw: the same distribution as resampling the labels.
        counts = np.random.default_rng(seed).binomial(marks.size, share, size=num_bootstrap)
        low, high = _percentile_interval(1.0 - counts / marks.size, level)
    return TauEstimate(tau, low, high, level, "false-negative audit", share, num_bootstrap,
                       {"mined": int(marks.size), "false_negatives": int(marks.sum())})


def _scores(name: str, values: ArrayLike) -> np.ndarray:
    array = values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else np.asarray(values)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be a 1-D array of numbers (one score per label), got dtype {array.dtype} "
                         f"and shape {array.shape}")
    if array.size < 2:
        raise ValueError(f"{name} has {array.size} score(s): a mixture proportion needs at least 2 per sample")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or inf in {int((~np.isfinite(array)).sum())} of {array.size} scores")
    return array.astype(np.float64)


def _upper_tail_fraction(sorted_values: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Fraction of ``sorted_values`` (ascending) that are >= each threshold."""
    return (sorted_values.size - np.searchsorted(sorted_values, thresholds, side="left")) / sorted_values.size


def bbe_mixture_proportion(
    positive_scores: ArrayLike,
    unlabelled_scores: ArrayLike,
    *,
    delta: float = BBE_DELTA,
    gamma: float = BBE_GAMMA,
) -> tuple[float, float]:
    r"""Best Bin Estimation of the share of positives in the unlabelled sample (Garg et al., NeurIPS 2021).

    Scores are higher for more positive-like samples. With :math:`\hat q_p(c)` and :math:`\hat q_u(c)` the
    fractions of the :math:`n_p` positive and :math:`n_u` unlabelled scores that are :math:`\ge c`:

    .. math::
        \hat c = \arg\min_{c:\ \hat q_p(c) > 0} \frac{\hat q_u(c)
            + (1+\gamma)\big(\sqrt{\log(1/\delta)/(2 n_p)} + \sqrt{\log(1/\delta)/(2 n_u)}\big)}{\hat q_p(c)},
        \qquad \hat\alpha = \frac{\hat q_u(\hat c)}{\hat q_p(\hat c)}

    that is, the threshold whose upper confidence bound on the ratio (a DKW bound on each fraction) is smallest,
    and the plain ratio there. The estimate is consistent when some top bin of the score holds positives only.
    Exactness notes: every distinct score of either sample is a candidate threshold (both fractions are step
    functions that change only there, so this is the exact argmin over c); the fractions count every score
    :math:`\ge c`. The authors' code (``estimator.py``, ``BBE_estimator``) takes thresholds at unlabelled scores
    only and counts one unlabelled score fewer than :math:`\ge c`; the confidence term's :math:`\log(1/\delta)`
    follows that code. Returns :math:`(\hat\alpha, \hat c)`. :math:`\hat\alpha \in [0, 1]`: at the lowest
    threshold both fractions are 1, so the minimal bound is at most :math:`1 + s` (s the confidence term), and
    the ratio where it is reached is at most :math:`1 + s - s/\hat q_p \le 1`.
    """
    positives = np.sort(_scores("positive_scores", positive_scores))
    unlabelled = np.sort(_scores("unlabelled_scores", unlabelled_scores))
    check_fraction("delta", delta, high_closed=False)
    if not (isinstance(gamma, int | float) and math.isfinite(gamma) and gamma >= 0):
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}")
    thresholds = np.unique(np.concatenate([positives, unlabelled]))
    if thresholds.size == 1:
        raise ValueError("every score is the same: the scores cannot tell positives from the rest, so the "
                         "mixture proportion is not identifiable")
    thresholds = thresholds[thresholds <= positives[-1]]  # q_p(c) > 0
    q_p = _upper_tail_fraction(positives, thresholds)
    q_u = _upper_tail_fraction(unlabelled, thresholds)
    slack = (1 + gamma) * (math.sqrt(math.log(1 / delta) / (2 * positives.size))
                           + math.sqrt(math.log(1 / delta) / (2 * unlabelled.size)))
    best = int(np.argmin((q_u + slack) / q_p))
    return float(q_u[best] / q_p[best]), float(thresholds[best])


def tau_from_positive_unlabelled(
    positive_scores: ArrayLike,
    unlabelled_scores: ArrayLike,
    *,
    delta: float = BBE_DELTA,
    gamma: float = BBE_GAMMA,
    num_bootstrap: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
) -> TauEstimate:
    r"""τ̂ = 1 - :func:`bbe_mixture_proportion`, with a bootstrap percentile interval.

    ``positive_scores``: one score per known positive (for DNM, per ID label); ``unlabelled_scores``: one per
    mined label; higher = more ID-like (e.g. :func:`label_image_affinity`). The interval resamples both samples
    with replacement ``num_bootstrap`` times (Efron & Tibshirani, 1993, percentile method).
    """
    positives = _scores("positive_scores", positive_scores)
    unlabelled = _scores("unlabelled_scores", unlabelled_scores)
    _check_bootstrap(num_bootstrap, level)
    share, threshold = bbe_mixture_proportion(positives, unlabelled, delta=delta, gamma=gamma)
    tau = 1.0 - share
    low = high = tau
    if num_bootstrap:
        rng = np.random.default_rng(seed)
        draws = np.empty(num_bootstrap)
        for b in range(num_bootstrap):
            p = positives[rng.integers(0, positives.size, positives.size)]
            u = unlabelled[rng.integers(0, unlabelled.size, unlabelled.size)]
            draws[b] = bbe_mixture_proportion(p, u, delta=delta, gamma=gamma)[0]
        low, high = _percentile_interval(1.0 - draws, level)
    return TauEstimate(tau, low, high, level, "positive-unlabelled (best bin estimation)", share, num_bootstrap,
                       {"positives": int(positives.size), "unlabelled": int(unlabelled.size)}, threshold)


# Label-image similarities are computed for this many (label, image) pairs at a time: 64 MiB in float32.
_AFFINITY_BLOCK = 2**24


def label_image_affinity(
    label_features: ArrayLike,
    image_features: ArrayLike,
    *,
    top: int,
    chunk_size: int | None = None,
) -> np.ndarray:
    r"""How close each label comes to a set of images: the mean of its ``top`` largest cosines to them.

    .. math:: a(\ell) = \frac{1}{m}\sum_{i \in \operatorname{top}_m(\ell)} \cos(e(\ell), f(x_i))

    With the ID images and m = the number of images per ID class, an ID label scores about the cosine to its
    own class's images; a false negative that names or resembles an ID class scores like one; a true negative
    scores lower. This is the one-dimensional score :func:`tau_from_positive_unlabelled` needs. Labels are
    processed in chunks, so (labels x images) similarities never exist at once.
    """
    labels = as_float_tensor("label_features", label_features)
    check_matrix("label_features", labels)
    images = as_float_tensor("image_features", image_features, like=labels)
    check_matrix("image_features", images, dim=labels.shape[1])
    check_int("top", top)
    if top > images.shape[0]:
        raise ValueError(f"top={top} exceeds the number of images ({images.shape[0]}); lower top")
    rows = max(1, _AFFINITY_BLOCK // images.shape[0]) if chunk_size is None else chunk_size
    check_int("chunk_size", rows)
    out = torch.empty(labels.shape[0], dtype=labels.dtype)
    with torch.no_grad():
        for start in range(0, labels.shape[0], rows):
            block = slice(start, min(start + rows, labels.shape[0]))
            out[block] = (labels[block] @ images.T).topk(top, dim=1).values.mean(dim=1).cpu()
    return out.numpy()


def tau_from_image_affinity(
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    id_image_features: ArrayLike,
    *,
    top: int | None = None,
    estimator: Callable[..., TauEstimate] = tau_from_positive_unlabelled,
    **options,
) -> TauEstimate:
    """τ̂ from the ID labels (positives) and the mined labels (unlabelled), scored by their affinity to ID images.

    ``top`` defaults to the number of ID images per ID label (at least 1). ``options`` go to ``estimator``
    (delta, gamma, num_bootstrap, level, seed).
    """
    num_id = as_float_tensor("id_text_features", id_text_features).shape[0]
    num_images = as_float_tensor("id_image_features", id_image_features).shape[0]
    top = max(1, num_images // max(1, num_id)) if top is None else top
    positives = label_image_affinity(id_text_features, id_image_features, top=top)
    unlabelled = label_image_affinity(neg_text_features, id_image_features, top=top)
    return estimator(positives, unlabelled, **options)


def tau_comparison_rows(estimates: Sequence[TauEstimate], official: float) -> list[dict[str, object]]:
    """The official τ and each estimate side by side: one row each with τ, its interval, the official setting the
    estimate would have chosen (:func:`closest_official_tau` of τ̂) and whether that is the official τ of this
    setting; the official row comes first (its interval is the value itself)."""
    check_fraction("official", official)
    rows: list[dict[str, object]] = [{"estimate": "official setting", "tau": float(official), "low": float(official),
                                      "high": float(official), "would_choose": float(official),
                                      "same_as_official": True}]
    for estimate in estimates:
        if not isinstance(estimate, TauEstimate):
            raise TypeError(f"estimates must be TauEstimate records, got {type(estimate).__name__}")
        chosen = closest_official_tau(estimate.tau)
        rows.append({"estimate": estimate.method, "tau": estimate.tau, "low": estimate.low, "high": estimate.high,
                     "would_choose": chosen, "same_as_official": chosen == official})
    return rows
