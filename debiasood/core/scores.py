"""OOD scores over embeddings: MCM, NegLabel, DNM and NegRefine. HIGHER = MORE IN-DISTRIBUTION, everywhere.

Every score is a pure function of L2-normalised embeddings:

- ``image_features`` (N, D): f(x) for each image,
- ``id_text_features`` (K, D): e(y_k) for the ID labels,
- ``neg_text_features`` (M, D): e(neg_j) for the mined negative labels,

with s_k(x) = <f(x), e(y_k)> and s~_j(x) = <f(x), e(neg_j)>.

How the hot path is organised (and why):

- All text embeddings a score needs are stacked once into one (K + G*Q [+ L], D) matrix, pre-divided by T,
  so each chunk of images costs ONE matrix product; the groups are a reshape of its columns, never a Python
  loop over groups.
- Images stream through in chunks, so N x (K + M) similarities never exist at once (100k images x 13k labels
  would be 5 GB in float32).
- Everything after the product is in log space (log-sum-exp per ID set and per group), so exp(s/T) never
  overflows or underflows, at any T down to 1e-3 and any cosine in [-1, 1]. The official code computes
  exp(s/T) in float32, which overflows to inf once s > ~0.887 at T = 0.01.

References:
- MCM: Ming et al., "Delving into Out-of-Distribution Detection with Vision-Language Representations",
  NeurIPS 2022. https://github.com/deeplearning-wisc/MCM
- NegLabel: Jiang et al., "Negative Label Guided OOD Detection with Pretrained Vision-Language Models",
  ICLR 2024. https://github.com/XueJiang16/NegLabel
- DNM: Peng, Zhang, Lu, Fang, "Debiased Negative Mining Improves Out-of-distribution Detection with
  Pre-trained Vision-Language Models", KDD 2026 (arXiv 2605.23797).
  https://github.com/60pen9/Debiased-Negative-Mining-Improves-OOD-Detection-with-Pre-trained-VLMs
- The debiasing identity and its clamp: Chuang et al., "Debiased Contrastive Learning", NeurIPS 2020.
- NegRefine: Ansari et al., "NegRefine: Refining Negative Label-Based Zero-Shot OOD Detection", ICCV 2025.
  https://github.com/ah-ansari/NegRefine (``src/clip_ood.py``)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from debiasood.core.checks import (
    ArrayLike,
    as_float_tensor,
    check_fraction,
    check_int,
    check_matrix,
    check_positive,
)
from debiasood.core.mining import ensemble_text_features
from debiasood.core.partition import check_partition, partition_negatives
from debiasood.core.prompts import CSP_NOUN_TEMPLATES, check_template

# Similarities are computed for this many (image, label) pairs at a time: 2**24 float32 values = 64 MiB.
# Large enough that the matrix product dominates, small enough for a laptop or a shared GPU.
DEFAULT_CHUNK_ELEMENTS = 2**24

# The official code's defaults (ViT-B/16): T = 0.01, G = 100, tau_ood = 0.5.
DEFAULT_TEMPERATURE = 0.01
DEFAULT_NUM_GROUPS = 100
DEFAULT_TAU_NEG = 0.5


class NonPositivePartitionWarning(RuntimeWarning):
    """DNM without the clamp met a group whose debiased partition function Z_g is <= 0."""


@dataclass(frozen=True)
class _Inputs:
    images: torch.Tensor
    id_text: torch.Tensor
    return_numpy: bool


def l2_normalize(x: ArrayLike) -> ArrayLike:
    """Scale every row to unit L2 norm (numpy in, numpy out; tensor in, tensor out)."""
    if isinstance(x, np.ndarray):
        return x / np.linalg.norm(x, axis=-1, keepdims=True)
    return torch.nn.functional.normalize(x, dim=-1)


def _prepare(image_features: ArrayLike, id_text_features: ArrayLike) -> _Inputs:
    images = as_float_tensor("image_features", image_features)
    check_matrix("image_features", images)
    id_text = as_float_tensor("id_text_features", id_text_features, like=images)
    check_matrix("id_text_features", id_text, dim=images.shape[1])
    return _Inputs(images, id_text, isinstance(image_features, np.ndarray))


def _text_matrix(name: str, value: ArrayLike, inputs: _Inputs) -> torch.Tensor:
    text = as_float_tensor(name, value, like=inputs.images)
    check_matrix(name, text, dim=inputs.images.shape[1])
    return text


def _chunk_rows(num_columns: int, chunk_size: int | None) -> int:
    if chunk_size is None:
        return max(1, DEFAULT_CHUNK_ELEMENTS // num_columns)
    check_int("chunk_size", chunk_size)
    return chunk_size


def _scaled_logits(
    images: torch.Tensor, text: torch.Tensor, temperature: float, chunk_size: int | None
) -> Iterator[tuple[slice, torch.Tensor]]:
    """Yield (rows, s / T) for consecutive chunks of images: one matrix product per chunk."""
    text_over_t = text / temperature
    rows = _chunk_rows(text.shape[0], chunk_size)
    with torch.no_grad():
        for start in range(0, images.shape[0], rows):
            block = slice(start, min(start + rows, images.shape[0]))
            yield block, images[block] @ text_over_t.T


def _finish(scores: torch.Tensor, inputs: _Inputs) -> ArrayLike:
    return scores.cpu().numpy() if inputs.return_numpy else scores


def _resolve_groups(
    num_negatives: int, groups: np.ndarray | None, num_groups: int, seed: int
) -> torch.Tensor:
    if groups is None:
        groups = partition_negatives(num_negatives, num_groups, seed)
    return torch.from_numpy(check_partition(groups, num_negatives))


def mcm_score(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    *,
    temperature: float = 1.0,
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""Maximum Concept Matching (Ming et al., NeurIPS 2022, Eq. 4).

    .. math:: S_{MCM}(x) = \max_k \frac{e^{s_k(x)/T}}{\sum_{k'} e^{s_{k'}(x)/T}}
              = \exp\big(\max_k s_k/T - \operatorname{LSE}_k(s_k/T)\big)

    ``temperature`` defaults to MCM's T = 1 on raw cosines (not CLIP's 0.01). Returns one score per image,
    in (1/K, 1].
    """
    check_positive("temperature", temperature)
    inputs = _prepare(image_features, id_text_features)
    out = torch.empty(inputs.images.shape[0], dtype=inputs.images.dtype, device=inputs.images.device)
    for block, logits in _scaled_logits(inputs.images, inputs.id_text, temperature, chunk_size):
        out[block] = torch.exp(logits.amax(dim=1) - torch.logsumexp(logits, dim=1))
    return _finish(out, inputs)


@dataclass(frozen=True)
class _GroupedLogSums:
    """Per image: log S_ID, log N_g for every group, and log of the positives' mean exp(s+/T)."""

    log_s_id: torch.Tensor  # (B,)
    log_n_groups: torch.Tensor  # (B, G)
    log_mean_positive: torch.Tensor  # (B,)


def _logsumexp_(values: torch.Tensor, dim: int) -> torch.Tensor:
    """log-sum-exp along ``dim`` that overwrites ``values`` (a scratch block of logits) to save passes."""
    peak = values.amax(dim=dim, keepdim=True)
    return peak.squeeze(dim) + values.sub_(peak).exp_().sum(dim=dim).log_()


def _grouped_log_sums(
    inputs: _Inputs,
    neg_text: torch.Tensor,
    groups: torch.Tensor,
    positives: torch.Tensor | None,
    temperature: float,
    chunk_size: int | None,
) -> Iterator[tuple[slice, _GroupedLogSums]]:
    """Stream log S_ID, log N_g and the positives' log-mean over chunks of images.

    One product per text block and chunk (ID labels, negatives laid out group after group, positives),
    each into its own contiguous buffer, so the groups are a free reshape of the negatives' logits.
    """
    num_groups, group_size = groups.shape
    id_over_t = inputs.id_text / temperature
    neg_over_t = neg_text[groups.reshape(-1).to(neg_text.device)] / temperature
    pos_over_t = None if positives is None else positives / temperature
    columns = id_over_t.shape[0] + neg_over_t.shape[0] + (0 if positives is None else positives.shape[0])
    rows = _chunk_rows(columns, chunk_size)
    images = inputs.images
    with torch.no_grad():
        for start in range(0, images.shape[0], rows):
            block = slice(start, min(start + rows, images.shape[0]))
            chunk = images[block]
            log_s_id = _logsumexp_(chunk @ id_over_t.T, dim=1)
            log_n = _logsumexp_((chunk @ neg_over_t.T).view(-1, num_groups, group_size), dim=2)
            if pos_over_t is None:
                # Positives = the K ID labels themselves (the official code): their mean is S_ID / K.
                log_mean_pos = log_s_id - math.log(id_over_t.shape[0])
            else:
                log_mean_pos = _logsumexp_(chunk @ pos_over_t.T, dim=1) - math.log(pos_over_t.shape[0])
            yield block, _GroupedLogSums(log_s_id, log_n, log_mean_pos)


def _check_grouped_args(temperature: float, num_groups: int) -> None:
    check_positive("temperature", temperature)
    check_int("num_groups", num_groups)


def neglabel_score(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    *,
    temperature: float = DEFAULT_TEMPERATURE,
    num_groups: int = DEFAULT_NUM_GROUPS,
    seed: int = 0,
    groups: np.ndarray | None = None,
    scale: str = "probability",
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""NegLabel's grouped score (Jiang et al., ICLR 2024, Eq. 7 with the grouping strategy of Sec. 3.3).

    With :math:`S_{ID} = \sum_k e^{s_k/T}` and :math:`N_g = \sum_{j \in g} e^{\tilde s_j/T}`:

    .. math:: S_{NL}(x) = \frac{1}{G} \sum_{g=1}^{G} \frac{S_{ID}}{S_{ID} + N_g}
              = \frac{1}{G} \sum_g \sigma(\log S_{ID} - \log N_g)

    The sigmoid form is exact and cannot overflow. ``groups`` is a (G, Q) index array into the negatives;
    by default it is ``partition_negatives(M, num_groups, seed)``, so the same arguments give the same
    partition for ID and for every OOD set. CSP uses this score on its own negatives.

    ``scale="log-odds"`` returns :math:`\log S_{NL} - \log(1 - S_{NL})` instead, from per-group log terms
    (:func:`grouped_log_odds`): the same ranking as the exact score. In float32 a group's
    :math:`\sigma(\log S_{ID} - \log N_g)` rounds to 1 once :math:`\log S_{ID} - \log N_g > 16.6`, so on the
    probability scale many confident ID images tie at 1; the log-odds keep their order.
    """
    _check_grouped_args(temperature, num_groups)
    _check_scale(scale)
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    partition = _resolve_groups(neg_text.shape[0], groups, num_groups, seed)
    out = torch.empty(inputs.images.shape[0], dtype=_scale_dtype(scale, inputs), device=inputs.images.device)
    for block, sums in _grouped_log_sums(inputs, neg_text, partition, None, temperature, chunk_size):
        out[block] = (neglabel_from_log_sums(sums.log_s_id, sums.log_n_groups) if scale == "probability" else
                      grouped_log_odds(sums.log_s_id, sums.log_n_groups))
    return _finish(out, inputs)


SCALES = ("probability", "log-odds")
"""Scales of the grouped scores (NegLabel's, DNM's clamped): the score itself in (0, 1], or its log-odds (the same
ranking, with no ties from rounding)."""


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")


def _scale_dtype(scale: str, inputs: _Inputs) -> torch.dtype:
    # The log-odds come out in float64: at ~100 (T = 0.01) float32's spacing would round close scores together.
    return torch.float64 if scale == "log-odds" else inputs.images.dtype


def grouped_log_odds(log_s_id: torch.Tensor, log_neg_groups: torch.Tensor) -> torch.Tensor:
    r"""Log-odds of a grouped score :math:`S = \frac1G\sum_g S_{ID} / (S_{ID} + W_g)`, from log sums.

    :math:`\log S - \log(1 - S) = \operatorname{lse}_g(\log S_{ID} - \log Z_g) - \operatorname{lse}_g(\log W_g -
    \log Z_g)` with :math:`Z_g = S_{ID} + W_g` (the 1/G cancels), in float64. Neither term is 1 minus a rounded
    number, so images whose S rounds to 1 keep their order. ``log_s_id`` (N,), ``log_neg_groups`` (N, G): log N_g
    for NegLabel, log of Q times the debiased estimate for DNM.
    """
    log_s, log_w = log_s_id.double()[:, None], log_neg_groups.double()
    log_z = torch.logaddexp(log_s, log_w)
    return torch.logsumexp(log_s - log_z, dim=1) - torch.logsumexp(log_w - log_z, dim=1)


def neglabel_from_log_sums(log_s_id: torch.Tensor, log_n_groups: torch.Tensor) -> torch.Tensor:
    r"""NegLabel's score from per-image sums: :math:`\frac{1}{G}\sum_g \sigma(\log S_{ID} - \log N_g)`.

    ``log_s_id`` is (N,), ``log_n_groups`` (N, G). :func:`neglabel_score` streams these sums over chunks of
    images; callers that reuse one product for several settings (e.g. several G) pass their own.
    """
    return torch.sigmoid(log_s_id[:, None] - log_n_groups).mean(dim=1)


def dnm_coefficient(num_id_labels: int, group_size: int, tau_neg: float) -> float:
    r"""The constant a of the official closed form: :math:`a = \tau - Q (1 - \tau) / K`.

    With positives = the K ID labels, :math:`\tau Z_g = a S_{ID} + N_g`. For a <= 0 the debiased partition
    function can be <= 0 and the official score breaks (negative or infinite scores, inverted ranking).
    """
    check_int("num_id_labels", num_id_labels)
    check_int("group_size", group_size)
    check_fraction("tau_neg", tau_neg)
    return tau_neg - group_size * (1 - tau_neg) / num_id_labels


def dnm_safe_tau(num_id_labels: int, group_size: int) -> float:
    """Smallest tau_neg with a > 0 for the official arithmetic: tau > Q / (K + Q) (strict)."""
    check_int("num_id_labels", num_id_labels)
    check_int("group_size", group_size)
    return group_size / (num_id_labels + group_size)


def perturbed_positives(
    id_text_features: ArrayLike, *, sigma: float, num_samples: int = 1, seed: int = 0
) -> ArrayLike:
    r"""Positive samples for DNM's E_pos (paper, Step 2): :math:`z \mapsto (z + \sigma\epsilon)/\|\cdot\|`.

    Draws ``num_samples`` perturbed copies of every ID label embedding, :math:`\epsilon \sim N(0, I)`,
    and returns a (K * num_samples, D) matrix, sample-major. ``sigma = 0`` with one sample returns the ID
    embeddings themselves (the official code's positives). The noise is drawn on the CPU from ``seed``,
    so CPU and GPU runs use the same samples.
    """
    if not (isinstance(sigma, int | float) and math.isfinite(sigma) and sigma >= 0):
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
    check_int("num_samples", num_samples)
    id_text = as_float_tensor("id_text_features", id_text_features)
    check_matrix("id_text_features", id_text)
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(
        (num_samples, *id_text.shape), generator=generator, dtype=id_text.dtype
    ).to(id_text.device)
    samples = torch.nn.functional.normalize(id_text[None] + sigma * noise, dim=-1).reshape(-1, id_text.shape[1])
    return samples.cpu().numpy() if isinstance(id_text_features, np.ndarray) else samples


def _warn_non_positive(count: int, num_id: int, group_size: int, tau_neg: float, id_positives: bool) -> None:
    a = f" (a = tau - Q(1-tau)/K = {dnm_coefficient(num_id, group_size, tau_neg):.4g})" if id_positives else ""
    warnings.warn(
        f"DNM without clamp: {count} (image, group) pairs have a debiased partition function Z_g <= 0{a}, "
        "so their scores are negative or infinite and the ranking is unreliable. With the ID labels as "
        f"positives this happens when tau_neg <= Q/(K+Q) = {dnm_safe_tau(num_id, group_size):.4g}; "
        "use clamp=True or a larger tau_neg.",
        NonPositivePartitionWarning,
        stacklevel=3,
    )


def _log_diff_exp(log_a: torch.Tensor, log_b: torch.Tensor) -> torch.Tensor:
    """log(exp(log_a) - exp(log_b)), and -inf where the difference is <= 0."""
    positive = log_a > log_b
    gap = torch.where(positive, log_b - log_a, torch.full_like(log_a, -1.0))
    return torch.where(positive, log_a + torch.log(-torch.expm1(gap)), torch.full_like(log_a, -math.inf))


def dnm_score(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    *,
    tau_neg: float = DEFAULT_TAU_NEG,
    temperature: float = DEFAULT_TEMPERATURE,
    num_groups: int = DEFAULT_NUM_GROUPS,
    seed: int = 0,
    groups: np.ndarray | None = None,
    positives: ArrayLike | None = None,
    clamp: bool = True,
    official_scale: bool = False,
    scale: str = "probability",
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""Debiased Negative Mining score (DNM, KDD 2026), general form.

    The mined labels of group g are a mixture :math:`\tau P_{neg} + (1-\tau) P_{pos}`, so the expected
    exp-similarity of a TRUE negative is estimated by (Chuang et al., 2020):

    .. math::
        \hat E^{neg}_g = \frac{1}{\tau}\frac{N_g}{Q} - \frac{1-\tau}{\tau}\,\frac{1}{L}\sum_{l=1}^{L} e^{s^+_l/T},
        \qquad Z_g = S_{ID} + Q\,\hat E^{neg}_g,
        \qquad S_{DNM} = \frac{1}{G}\sum_g \frac{S_{ID}}{Z_g}

    where :math:`s^+_l` are similarities to the positive samples: the ID label embeddings when
    ``positives`` is None (the official code), or any (L, D) matrix such as :func:`perturbed_positives`.

    ``tau_neg`` is the share of TRUE negatives among the mined labels (the official code's ``tau_ood``);
    ``tau_neg = 1`` is NegLabel exactly.

    ``clamp=True`` (default) bounds the estimate from below by its smallest possible value,
    :math:`\hat E^{neg}_g \ge e^{-1/T}` (every cosine is >= -1), as Chuang et al. do, so Z_g > 0 always.
    ``clamp=False`` reproduces the official arithmetic, non-positive Z_g included (scores then come out
    negative or infinite), and warns with :class:`NonPositivePartitionWarning` when that happens.
    ``official_scale=True`` also divides by K, as the official code averages over ID classes; it changes
    no ranking and no metric.

    ``scale="log-odds"`` (clamped form only) returns :math:`\log S_{DNM} - \log(1 - S_{DNM})`, a strictly
    increasing function of the score, so every ranking metric is the exact-arithmetic score's. Both logs are
    computed from per-group log terms, :math:`1 - S_{DNM} = \frac1G\sum_g Q\hat E^{neg}_g / Z_g`, never as
    1 minus a rounded number. Why it matters: a clamped group contributes :math:`S_{ID}/(S_{ID} + Q e^{-1/T})`,
    which at T = 0.01 rounds to exactly 1 whenever :math:`S_{ID} > 1`; on the probability scale many ID images
    then tie at 1 and their order, hence part of the AUROC, is lost to rounding (float32 and float64 alike).
    """
    _check_grouped_args(temperature, num_groups)
    check_fraction("tau_neg", tau_neg)
    _check_scale(scale)
    if scale != "probability" and (not clamp or official_scale):
        raise ValueError("scale='log-odds' is the clamped score on another scale: it needs clamp=True and "
                         "official_scale=False (the official arithmetic's Z_g can be <= 0, where no log-odds exist)")
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    pos_text = None if positives is None else _text_matrix("positives", positives, inputs)
    partition = _resolve_groups(neg_text.shape[0], groups, num_groups, seed)
    group_size = partition.shape[1]
    out = torch.empty(inputs.images.shape[0], dtype=_scale_dtype(scale, inputs), device=inputs.images.device)
    non_positive = 0
    for block, sums in _grouped_log_sums(inputs, neg_text, partition, pos_text, temperature, chunk_size):
        out[block], count = dnm_from_log_sums(sums.log_s_id, sums.log_n_groups, sums.log_mean_positive,
                                              group_size=group_size, tau_neg=tau_neg, temperature=temperature,
                                              clamp=clamp, scale=scale)
        non_positive += count
    if non_positive:
        _warn_non_positive(non_positive, inputs.id_text.shape[0], group_size, tau_neg, positives is None)
    if official_scale:
        out = out / inputs.id_text.shape[0]
    return _finish(out, inputs)


def dnm_from_log_sums(
    log_s_id: torch.Tensor,
    log_n_groups: torch.Tensor,
    log_mean_positive: torch.Tensor,
    *,
    group_size: int,
    tau_neg: float,
    temperature: float,
    clamp: bool = True,
    scale: str = "probability",
) -> tuple[torch.Tensor, int]:
    r"""DNM's score from per-image sums (see :func:`dnm_score` for the formula and ``scale``), and the number
    of (image, group) pairs whose partition function Z_g is <= 0 (always 0 with ``clamp``).

    ``log_s_id`` (N,) is log S_ID, ``log_n_groups`` (N, G) is log N_g for groups of ``group_size`` labels and
    ``log_mean_positive`` (N,) is :math:`\log \frac{1}{L}\sum_l e^{s^+_l/T}` (log S_ID - log K for the ID
    labels as positives). Everything stays in log space: no exp of a similarity over T can overflow.
    """
    if tau_neg == 1:
        # No debiasing: NegLabel's score, computed by the same code so that the identity is exact, not just to
        # rounding (the clamp cannot bind: N_g / Q >= e^{-1/T} since every cosine is >= -1).
        score = (neglabel_from_log_sums(log_s_id, log_n_groups) if scale == "probability" else
                 grouped_log_odds(log_s_id, log_n_groups))
        return score, 0
    log_q, log_tau = math.log(group_size), math.log(tau_neg)
    # log((1 - tau) / tau); -inf at tau = 1, where the correction vanishes and DNM is NegLabel.
    log_odds = math.log1p(-tau_neg) - log_tau if tau_neg < 1 else -math.inf
    log_s = log_s_id[:, None]
    log_wild = log_n_groups - log_q - log_tau  # log of (1/tau) N_g / Q
    log_bias = (log_odds + log_mean_positive)[:, None]  # log of ((1-tau)/tau) mean exp(s+/T)
    if clamp:
        log_e_neg = torch.clamp(_log_diff_exp(log_wild, log_bias.expand_as(log_wild)), min=-1.0 / temperature)
        if scale == "probability":
            return torch.exp(log_s - torch.logaddexp(log_s, log_q + log_e_neg)).mean(dim=1), 0
        return grouped_log_odds(log_s_id, log_q + log_e_neg), 0
    # Z_g = S_ID + Q * (wild - bias) may be <= 0: keep its sign by scaling all three terms by the largest of
    # them, so no exp overflows and the official quotient is reproduced.
    terms = torch.stack(torch.broadcast_tensors(log_s, log_q + log_wild, log_q + log_bias))
    scaled = torch.exp(terms - terms.amax(dim=0))
    z_scaled = scaled[0] + scaled[1] - scaled[2]
    return (scaled[0] / z_scaled).mean(dim=1), int((z_scaled <= 0).sum())


def dnm_closed_form_score(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    *,
    tau_neg: float = DEFAULT_TAU_NEG,
    temperature: float = DEFAULT_TEMPERATURE,
    num_groups: int = DEFAULT_NUM_GROUPS,
    seed: int = 0,
    groups: np.ndarray | None = None,
    official_scale: bool = False,
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""The official DNM score in closed form: NegLabel with the constant 1 replaced by a.

    With positives = the K ID labels and no clamp, :math:`\tau Z_g = a S_{ID} + N_g` where
    :math:`a = \tau - Q(1-\tau)/K` (:func:`dnm_coefficient`), so

    .. math:: S_{DNM} = \frac{1}{G}\sum_g \frac{\tau S_{ID}}{a S_{ID} + N_g}

    It equals ``dnm_score(..., clamp=False)`` and makes the hazard plain: for a <= 0 the denominator can
    vanish or turn negative.
    """
    _check_grouped_args(temperature, num_groups)
    check_fraction("tau_neg", tau_neg)
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    partition = _resolve_groups(neg_text.shape[0], groups, num_groups, seed)
    a = dnm_coefficient(inputs.id_text.shape[0], partition.shape[1], tau_neg)
    out = torch.empty(inputs.images.shape[0], dtype=inputs.images.dtype, device=inputs.images.device)
    non_positive = 0
    for block, sums in _grouped_log_sums(inputs, neg_text, partition, None, temperature, chunk_size):
        log_s_id = sums.log_s_id[:, None]
        shift = torch.maximum(log_s_id, sums.log_n_groups)
        s_id = torch.exp(log_s_id - shift)
        denominator = a * s_id + torch.exp(sums.log_n_groups - shift)
        non_positive += int((denominator <= 0).sum())
        out[block] = (tau_neg * s_id / denominator).mean(dim=1)
    if non_positive:
        _warn_non_positive(non_positive, inputs.id_text.shape[0], partition.shape[1], tau_neg, True)
    if official_scale:
        out = out / inputs.id_text.shape[0]
    return _finish(out, inputs)


# ---- NegRefine (Ansari et al., ICCV 2025) ----

NEGREFINE_TOP_K = 5
NEGREFINE_MM_WEIGHT = 2.0
# Pair texts encoded per encoder call (times the number of templates): the official _embed_text_labels
# encodes 1000 prompts per call; a few hundred pair texts keep one call's activations small on a CPU.
NEGREFINE_PAIR_BATCH = 256


def negrefine_pair_text(id_label: str, neg_label: str) -> str:
    """NegRefine's multi-matching text for an (ID label, negative label) pair: ``"{p} and {n}"``."""
    return f"{id_label} and {neg_label}"


def negrefine_official_groups(num_negatives: int, num_groups: int = DEFAULT_NUM_GROUPS, seed: int = 0) -> np.ndarray:
    """The partition NegRefine's official code uses (``CLIPood._grouping`` with ``random_permute=True``).

    The official code drops the last M mod G negatives BEFORE permuting (so the dropped labels are always the
    last adjectives), then calls ``torch.manual_seed(0)`` and draws ``torch.randperm(M - M mod G)``; group g is
    ``perm[g*Q:(g+1)*Q]``. It re-seeds on every call, so every image (ID or OOD) gets the same partition.
    This draws the same permutation from a private CPU generator (``seed`` = 0 is the official value), so the
    global RNG is left alone. The official code ran on CUDA, whose ``randperm`` is a different algorithm: the
    permutation here is what the official code gives on the CPU.
    """
    check_int("num_negatives", num_negatives)
    check_int("num_groups", num_groups)
    if num_groups > num_negatives:
        raise ValueError(f"num_groups={num_groups} exceeds the number of negatives ({num_negatives}): every "
                         "group needs at least one label; lower num_groups")
    group_size = num_negatives // num_groups
    order = torch.randperm(num_groups * group_size, generator=torch.Generator().manual_seed(seed))
    return order.reshape(num_groups, group_size).numpy().astype(np.int64)


@dataclass(frozen=True)
class PairTextCost:
    """What embedding the multi-matching texts cost in one scoring call.

    ``pair_lookups`` = images x k_pos x k_neg; ``unique_pair_texts`` = distinct texts those lookups needed;
    ``new_pair_texts`` = the ones not yet in the cache (encoded in this call); ``encoder_calls`` and
    ``prompts_encoded`` count the calls to the text encoder and the template-filled prompts sent to it.
    """

    pair_lookups: int
    unique_pair_texts: int
    new_pair_texts: int
    encoder_calls: int
    prompts_encoded: int


class PairFeatureCache:
    r"""Embeddings of NegRefine's ``"{p} and {n}"`` texts, each text encoded once and kept for later calls.

    ``encode_texts`` maps a list of strings to a (len, D) tensor or array. With ``templates`` (default CSP's 8
    noun templates, as NegRefine's ``_embed_text_labels``), each pair text is filled into every template, the
    RAW encoder outputs are averaged over templates and the mean is L2-normalised
    (:func:`debiasood.core.mining.ensemble_text_features` with ``normalize_each=False``): pass an encoder's raw
    output, e.g. ``lambda t: encoder.encode_texts(t, raw=True)``, to match the official code. With
    ``templates=None`` the callable's output is used as the pair text's embedding (normalised here), e.g. a
    function over :func:`debiasood.data.feature_store.cached_text_features` to keep pairs in the feature store.

    New texts are encoded ``batch_size`` at a time. Share one cache between the ID set and every OOD set: the
    same (p, n) pairs recur, and each is then encoded once per run. ``encoder_calls`` and ``prompts_encoded``
    are running totals.
    """

    def __init__(
        self,
        encode_texts: Callable[[list[str]], ArrayLike],
        *,
        templates: str | Sequence[str] | None = CSP_NOUN_TEMPLATES,
        batch_size: int = NEGREFINE_PAIR_BATCH,
    ):
        if not callable(encode_texts):
            raise TypeError(f"encode_texts must be a callable from a list of strings to embeddings, "
                            f"got {type(encode_texts).__name__}")
        check_int("batch_size", batch_size)
        if templates is not None:
            templates = tuple(check_template(t) for t in ([templates] if isinstance(templates, str) else templates))
            if not templates:
                raise ValueError("templates is empty: give at least one template, or None to use the encoder's "
                                 "output as it is")
        self._encode = encode_texts
        self.templates = templates
        self.batch_size = batch_size
        self._rows: dict[str, int] = {}
        self._blocks: list[torch.Tensor] = []
        self._matrix: torch.Tensor | None = None
        self.encoder_calls = 0
        self.prompts_encoded = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, text: str) -> bool:
        return text in self._rows

    def _encode_counted(self, texts: list[str]) -> torch.Tensor:
        self.encoder_calls += 1
        self.prompts_encoded += len(texts)
        out = as_float_tensor("the output of encode_texts", self._encode(texts))
        if out.ndim != 2 or out.shape[0] != len(texts):
            raise ValueError(f"encode_texts returned shape {tuple(out.shape)} for {len(texts)} texts; expected "
                             f"({len(texts)}, D)")
        return out

    def _embed(self, texts: list[str]) -> torch.Tensor:
        if self.templates is None:
            features = self._encode_counted(texts)
        else:
            features = ensemble_text_features(self._encode_counted, texts, self.templates, normalize_each=False)
        check_matrix("pair text features", features, unit_norm=False)
        if self._blocks and features.shape[1] != self._blocks[0].shape[1]:
            raise ValueError(f"encode_texts returned dim {features.shape[1]}, earlier calls dim "
                             f"{self._blocks[0].shape[1]}: one cache holds one encoder's embeddings")
        return torch.nn.functional.normalize(features.cpu(), dim=-1)

    def rows(self, texts: Sequence[str]) -> np.ndarray:
        """Row of each text in :attr:`features`, encoding (in batches) the texts not seen before."""
        new = list(dict.fromkeys(t for t in texts if t not in self._rows))
        for start in range(0, len(new), self.batch_size):
            batch = new[start:start + self.batch_size]
            self._blocks.append(self._embed(batch))
            first = len(self._rows)
            self._rows.update((text, first + i) for i, text in enumerate(batch))
            self._matrix = None
        return np.fromiter((self._rows[t] for t in texts), dtype=np.int64, count=len(texts))

    @property
    def features(self) -> torch.Tensor:
        """(number of texts, D) L2-normalised embeddings, in the order the texts were first seen."""
        if not self._blocks:
            raise ValueError("the pair cache is empty: nothing has been encoded yet")
        if self._matrix is None:
            self._matrix = torch.cat(self._blocks) if len(self._blocks) > 1 else self._blocks[0]
            self._blocks = [self._matrix]
        return self._matrix


@dataclass(frozen=True)
class NegRefineResult:
    """NegRefine's score and its two parts, one value per image, and what the pair texts cost.

    ``score = neglabel + mm_weight * multi_matching``. Arrays are numpy when the image features were numpy.
    """

    score: ArrayLike
    neglabel: ArrayLike
    multi_matching: ArrayLike
    cost: PairTextCost


def _check_label_names(name: str, labels: Sequence[str], rows: int) -> list[str]:
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise TypeError(f"{name} must be a list of strings (one per feature row), got {type(labels).__name__}")
    if len(labels) != rows:
        raise ValueError(f"{name} has {len(labels)} labels but the matching text features have {rows} rows: "
                         "pass one label per row, in the same order")
    for i, label in enumerate(labels):
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{name}[{i}] must be a non-blank string, got {label!r}")
    return list(labels)


def _check_top_k(name: str, k: int, available: int, what: str) -> None:
    check_int(name, k)
    if k > available:
        raise ValueError(f"{name}={k} exceeds the number of {what} ({available}); lower {name}")


def negrefine_components(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    *,
    id_labels: Sequence[str],
    neg_labels: Sequence[str],
    encode_pair_texts: PairFeatureCache | Callable[[list[str]], ArrayLike],
    k_pos: int | None = None,
    k_neg: int = NEGREFINE_TOP_K,
    mm_weight: float = NEGREFINE_MM_WEIGHT,
    temperature: float = DEFAULT_TEMPERATURE,
    num_groups: int = DEFAULT_NUM_GROUPS,
    seed: int = 0,
    groups: np.ndarray | None = None,
    official: bool = False,
    chunk_size: int | None = None,
) -> NegRefineResult:
    r"""NegRefine's detection score (Ansari et al., ICCV 2025), with its two parts and its cost.

    .. math::
        S(x) = S_{NL}(x) + w\,S_{MM}(x), \qquad
        S_{MM}(x) = \max_{p \in P_k(x),\, n \in N_k(x)}
            \frac{e^{\cos(x, t_{p\wedge n})/T}}{e^{\cos(x, t_{p\wedge n})/T} + e^{\cos(x, t_n)/T}}
            = \sigma\Big(\max_{p, n} \big[\cos(x, t_{p\wedge n}) - \cos(x, t_n)\big] / T\Big)

    :math:`S_{NL}` is NegLabel's grouped score (:func:`neglabel_score`, through the same log-space helpers),
    :math:`P_k(x)` the ``k_pos`` ID labels and :math:`N_k(x)` the ``k_neg`` negatives most similar to x,
    :math:`t_n` the negative's embedding (``neg_text_features``) and :math:`t_{p\wedge n}` the embedding of the
    text ``"{p} and {n}"`` (:func:`negrefine_pair_text`). Defaults are the official ones (``src/clip_ood.py``,
    ``detection_score``): w = 2, k_neg = 5, k_pos = min(5, K), T = 0.01 (the code's factor 100), G = 100. The
    book's method reference, ``method-negrefine``, has the formula and NegRefine's reported numbers.

    ``encode_pair_texts`` is a :class:`PairFeatureCache`, or a callable from a list of strings to embeddings,
    which is wrapped in a fresh cache with CSP's 8 noun templates and a raw mean (the official embedding). The
    top labels of every image are found first, then the distinct pair texts of the whole batch are encoded
    once each, in batches; pass the same cache for the ID set and each OOD set to encode a pair once per run.
    ``result.cost`` says how many texts and encoder calls this call took.

    Exactness and deliberate differences from the official code:

    - The ratio is computed as a sigmoid of the difference, which cannot overflow. The official code computes
      ``exp(100 * cos)`` in float32, which is inf once cos > ~0.887, and inf / (inf + ...) is NaN; real CLIP
      image-text cosines stay near 0.3, so the official scores are finite in practice and equal these.
    - The max of the ratio is the sigmoid of the max difference (the sigmoid is monotone).
    - ``official=False`` (default): the project's rule, one seeded partition shared by ID and every OOD set
      (``groups``, or :func:`~debiasood.core.partition.partition_negatives` of (M, G, seed): the shuffle comes
      first, then the remainder is dropped). ``official=True``: the official partition,
      :func:`negrefine_official_groups` (the last M mod G negatives dropped before a ``torch.randperm`` seeded
      with ``seed``; the official code re-seeds with 0 on every call, so it too uses one partition for all
      images). In both modes the dropped negatives still compete for the top-k of the multi-matching part, as
      in the official code, which takes the top-k over all negatives.
    - k_pos = min(5, K) when ``k_pos`` is None (the official rule); an explicit k_pos > K or k_neg > M is an
      error (the official code fails in ``torch.topk`` for k_neg > M).

    Cost: one product with the K + M label embeddings per chunk of images (as NegLabel), then, per image,
    k_pos x k_neg dot products with pair embeddings gathered from the cache; the encoder sees each distinct
    pair text once (times the number of templates).
    """
    _check_grouped_args(temperature, num_groups)
    if not (isinstance(mm_weight, int | float) and math.isfinite(mm_weight) and mm_weight >= 0):
        raise ValueError(f"mm_weight must be a finite number >= 0, got {mm_weight!r}")
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    num_id, num_neg = inputs.id_text.shape[0], neg_text.shape[0]
    id_names = _check_label_names("id_labels", id_labels, num_id)
    neg_names = _check_label_names("neg_labels", neg_labels, num_neg)
    k_pos = min(NEGREFINE_TOP_K, num_id) if k_pos is None else k_pos
    _check_top_k("k_pos", k_pos, num_id, "ID labels")
    _check_top_k("k_neg", k_neg, num_neg, "negative labels")
    cache = encode_pair_texts if isinstance(encode_pair_texts, PairFeatureCache) else PairFeatureCache(
        encode_pair_texts)
    if official:
        if groups is not None:
            raise ValueError("official=True draws the official partition itself: do not pass groups as well")
        groups = negrefine_official_groups(num_neg, num_groups, seed)
    partition = _resolve_groups(num_neg, groups, num_groups, seed)

    # Pass 1: NegLabel's part and each image's top ID labels and top negatives (with s~_n / T).
    neglabel, top_id, top_neg, top_neg_logits = _negrefine_first_pass(
        inputs, neg_text, partition, k_pos, k_neg, temperature, chunk_size)

    # The distinct (p, n) pairs of the whole batch, each embedded once.
    pair_codes = (top_id[:, :, None] * num_neg + top_neg[:, None, :]).reshape(top_id.shape[0], -1)
    unique_codes, inverse = np.unique(pair_codes.numpy(), return_inverse=True)
    texts = [negrefine_pair_text(id_names[c // num_neg], neg_names[c % num_neg]) for c in unique_codes.tolist()]
    calls, prompts, cached = cache.encoder_calls, cache.prompts_encoded, len(cache)
    rows = torch.from_numpy(cache.rows(texts)[inverse.reshape(pair_codes.shape)])
    pair_features = cache.features.to(device=inputs.images.device, dtype=inputs.images.dtype)
    if pair_features.shape[1] != inputs.images.shape[1]:
        raise ValueError(f"the pair text embeddings have dim {pair_features.shape[1]} but the image features "
                         f"have dim {inputs.images.shape[1]}: encode_pair_texts must use the images' model")
    cost = PairTextCost(pair_lookups=int(pair_codes.numel()), unique_pair_texts=len(set(texts)),
                        new_pair_texts=len(cache) - cached, encoder_calls=cache.encoder_calls - calls,
                        prompts_encoded=cache.prompts_encoded - prompts)

    # Pass 2: S_MM = sigmoid(max over pairs of [cos(x, t_pn) - cos(x, t_n)] / T), chunked over images.
    multi = torch.empty_like(neglabel)
    per_image = rows.shape[1] * pair_features.shape[1]
    step = _chunk_rows(per_image, chunk_size)
    neg_logits = top_neg_logits.repeat(1, k_pos).to(inputs.images.device)  # pair order: p-major, as pair_codes
    with torch.no_grad():
        for start in range(0, inputs.images.shape[0], step):
            block = slice(start, min(start + step, inputs.images.shape[0]))
            gathered = pair_features[rows[block].to(pair_features.device)]  # (B, k_pos * k_neg, D)
            pair_logits = torch.einsum("bd,bpd->bp", inputs.images[block], gathered) / temperature
            multi[block] = torch.sigmoid((pair_logits - neg_logits[block]).amax(dim=1))
    score = neglabel + mm_weight * multi
    return NegRefineResult(_finish(score, inputs), _finish(neglabel, inputs), _finish(multi, inputs), cost)


def _negrefine_first_pass(
    inputs: _Inputs,
    neg_text: torch.Tensor,
    partition: torch.Tensor,
    k_pos: int,
    k_neg: int,
    temperature: float,
    chunk_size: int | None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """NegLabel's score and the top-k ID labels and negatives of every image, from one product per chunk.

    The negatives are laid out group after group (as in :func:`_grouped_log_sums`), so the groups are a free
    reshape; the ones the partition leaves out follow them, because they still count for the top-k.
    """
    num_groups, group_size = partition.shape
    in_groups = partition.reshape(-1)
    left_out = np.setdiff1d(np.arange(neg_text.shape[0]), in_groups.numpy())
    order = torch.cat([in_groups, torch.from_numpy(left_out)])
    id_over_t = inputs.id_text / temperature
    neg_over_t = neg_text[order.to(neg_text.device)] / temperature
    images = inputs.images
    num_images, grouped = images.shape[0], num_groups * group_size
    neglabel = torch.empty(num_images, dtype=images.dtype, device=images.device)
    top_id = torch.empty((num_images, k_pos), dtype=torch.int64)
    top_neg = torch.empty((num_images, k_neg), dtype=torch.int64)
    top_neg_logits = torch.empty((num_images, k_neg), dtype=images.dtype)
    rows = _chunk_rows(id_over_t.shape[0] + neg_over_t.shape[0], chunk_size)
    with torch.no_grad():
        for start in range(0, num_images, rows):
            block = slice(start, min(start + rows, num_images))
            id_logits = images[block] @ id_over_t.T
            neg_logits = images[block] @ neg_over_t.T
            top_id[block] = id_logits.topk(k_pos, dim=1).indices.cpu()
            values, positions = neg_logits.topk(k_neg, dim=1)
            top_neg[block], top_neg_logits[block] = order[positions.cpu()], values.cpu()
            # The in-place log-sum-exps come last: they overwrite the logits.
            log_s_id = _logsumexp_(id_logits, dim=1)
            log_n = _logsumexp_(neg_logits[:, :grouped].reshape(-1, num_groups, group_size), dim=2)
            neglabel[block] = neglabel_from_log_sums(log_s_id, log_n)
    return neglabel, top_id, top_neg, top_neg_logits


def negrefine_score(
    image_features: ArrayLike,
    id_text_features: ArrayLike,
    neg_text_features: ArrayLike,
    *,
    id_labels: Sequence[str],
    neg_labels: Sequence[str],
    encode_pair_texts: PairFeatureCache | Callable[[list[str]], ArrayLike],
    k_pos: int | None = None,
    k_neg: int = NEGREFINE_TOP_K,
    mm_weight: float = NEGREFINE_MM_WEIGHT,
    temperature: float = DEFAULT_TEMPERATURE,
    num_groups: int = DEFAULT_NUM_GROUPS,
    seed: int = 0,
    groups: np.ndarray | None = None,
    official: bool = False,
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""NegRefine's detection score :math:`S_{NL}(x) + w\,S_{MM}(x)`, one value per image.

    The ``.score`` of :func:`negrefine_components`, which documents the formula, the arguments, the official
    code's quirks and the cost (and also returns both parts and the pair-text cost).
    """
    return negrefine_components(
        image_features, id_text_features, neg_text_features, id_labels=id_labels, neg_labels=neg_labels,
        encode_pair_texts=encode_pair_texts, k_pos=k_pos, k_neg=k_neg, mm_weight=mm_weight,
        temperature=temperature, num_groups=num_groups, seed=seed, groups=groups, official=official,
        chunk_size=chunk_size,
    ).score
