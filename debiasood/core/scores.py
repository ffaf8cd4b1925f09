"""OOD scores over embeddings: MCM, NegLabel and DNM. HIGHER = MORE IN-DISTRIBUTION, everywhere.

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
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
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
from debiasood.core.partition import check_partition, partition_negatives

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
    chunk_size: int | None = None,
) -> ArrayLike:
    r"""NegLabel's grouped score (Jiang et al., ICLR 2024, Eq. 7 with the grouping strategy of Sec. 3.3).

    With :math:`S_{ID} = \sum_k e^{s_k/T}` and :math:`N_g = \sum_{j \in g} e^{\tilde s_j/T}`:

    .. math:: S_{NL}(x) = \frac{1}{G} \sum_{g=1}^{G} \frac{S_{ID}}{S_{ID} + N_g}
              = \frac{1}{G} \sum_g \sigma(\log S_{ID} - \log N_g)

    The sigmoid form is exact and cannot overflow. ``groups`` is a (G, Q) index array into the negatives;
    by default it is ``partition_negatives(M, num_groups, seed)``, so the same arguments give the same
    partition for ID and for every OOD set. CSP uses this score on its own negatives.
    """
    _check_grouped_args(temperature, num_groups)
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    partition = _resolve_groups(neg_text.shape[0], groups, num_groups, seed)
    out = torch.empty(inputs.images.shape[0], dtype=inputs.images.dtype, device=inputs.images.device)
    for block, sums in _grouped_log_sums(inputs, neg_text, partition, None, temperature, chunk_size):
        out[block] = neglabel_from_log_sums(sums.log_s_id, sums.log_n_groups)
    return _finish(out, inputs)


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
    """
    _check_grouped_args(temperature, num_groups)
    check_fraction("tau_neg", tau_neg)
    inputs = _prepare(image_features, id_text_features)
    neg_text = _text_matrix("neg_text_features", neg_text_features, inputs)
    pos_text = None if positives is None else _text_matrix("positives", positives, inputs)
    partition = _resolve_groups(neg_text.shape[0], groups, num_groups, seed)
    group_size = partition.shape[1]
    out = torch.empty(inputs.images.shape[0], dtype=inputs.images.dtype, device=inputs.images.device)
    non_positive = 0
    for block, sums in _grouped_log_sums(inputs, neg_text, partition, pos_text, temperature, chunk_size):
        out[block], count = dnm_from_log_sums(sums.log_s_id, sums.log_n_groups, sums.log_mean_positive,
                                              group_size=group_size, tau_neg=tau_neg, temperature=temperature,
                                              clamp=clamp)
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
) -> tuple[torch.Tensor, int]:
    r"""DNM's score from per-image sums (see :func:`dnm_score` for the formula), and the number of
    (image, group) pairs whose partition function Z_g is <= 0 (always 0 with ``clamp``).

    ``log_s_id`` (N,) is log S_ID, ``log_n_groups`` (N, G) is log N_g for groups of ``group_size`` labels and
    ``log_mean_positive`` (N,) is :math:`\log \frac{1}{L}\sum_l e^{s^+_l/T}` (log S_ID - log K for the ID
    labels as positives). Everything stays in log space: no exp of a similarity over T can overflow.
    """
    log_q, log_tau = math.log(group_size), math.log(tau_neg)
    # log((1 - tau) / tau); -inf at tau = 1, where the correction vanishes and DNM is NegLabel.
    log_odds = math.log1p(-tau_neg) - log_tau if tau_neg < 1 else -math.inf
    log_s = log_s_id[:, None]
    log_wild = log_n_groups - log_q - log_tau  # log of (1/tau) N_g / Q
    log_bias = (log_odds + log_mean_positive)[:, None]  # log of ((1-tau)/tau) mean exp(s+/T)
    if clamp:
        log_e_neg = torch.clamp(_log_diff_exp(log_wild, log_bias.expand_as(log_wild)), min=-1.0 / temperature)
        return torch.exp(log_s - torch.logaddexp(log_s, log_q + log_e_neg)).mean(dim=1), 0
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
