"""Numerical checks of DNM's debiasing derivation (the book's method reference, 'DNM: the model' on).

Notebook 02 derives the debiased estimate of E_neg[exp(s/T)], DNM's score, its closed form and its hazard;
this module holds the computations and figures that check each step, so the notebook's cells stay short.
In the toy world (:mod:`debiasood.world.toy`), where every mined label is known to be a true or a false negative:

- :func:`bias_curve`: the per-group estimate against the truth known from the true negatives, as a
  function of the ASSUMED share tau of true negatives (unbiased only at the true share);
- :func:`estimate_spread_vs_group_size` and :func:`score_spread_vs_num_groups`: its spread against the
  group size Q, and the spread of the DNM score against the number of groups G;
- :func:`hazard_map`: the sign of a = tau - Q(1 - tau)/K over (K, tau, Q);
- :func:`clamp_comparison`: official (unclamped) DNM, clamped DNM and NegLabel where a < 0;
- :func:`closed_form_gaps`: the closed form and "tau = 1 is NegLabel", checked on the toy world.

On any feature bundle (the book's offline world, or real CLIP features; :mod:`debiasood.data.bundle`):

- :func:`official_settings`: the official code's settings (tau, density quotas, k) for the bundle's backbone;
- :func:`feature_identities`: the closed form and "tau = 1 is NegLabel" on the bundle's images and DNM's density
  negatives, and the hazard a = tau - Q(1 - tau)/K at the bundle's K and Q with the official tau. The algebra
  holds for any features by construction; this shows it numerically on the features a chapter runs on.

The scores themselves always come from :mod:`debiasood.core.scores`; this module only adds the per-group estimate
Ê_g = (1/tau) N_g/Q - ((1 - tau)/tau) mean_l exp(s+_l/T), which the scores use internally but do not return.
Those estimates are computed in float64 from exp(s/T) directly (no log space: they can be negative), so the
temperature must keep exp(1/T) finite: T >= 1/700.

Every figure function returns a :class:`matplotlib.figure.Figure` that is not registered with pyplot, so a
notebook shows it exactly once and nothing leaks between calls.

References: Peng et al., KDD 2026 (DNM); Jiang et al., ICLR 2024 (NegLabel); Chuang et al., NeurIPS 2020
(the debiasing identity and its clamp).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from debiasood.core.checks import check_fraction, check_int, check_positive
from debiasood.core.evaluation import Settings
from debiasood.core.metrics import ood_metrics
from debiasood.core.partition import check_partition, partition_negatives
from debiasood.core.scores import (
    NonPositivePartitionWarning,
    dnm_closed_form_score,
    dnm_coefficient,
    dnm_safe_tau,
    dnm_score,
    neglabel_score,
    perturbed_positives,
)
from debiasood.core.tau import official_backbone
from debiasood.data.bundle import FeatureBundle
from debiasood.world.toy import ToyWorld

# Random unit vectors in R^128 have cosines of standard deviation 1/sqrt(128) = 0.088; CLIP's unrelated
# image-text cosines spread about 0.02 at T = 0.01. T = 0.04 gives exp(s/T) a CLIP-like spread in the toy world.
TOY_TEMPERATURE = 0.04

# ID label-set sizes K of the benchmarks this method family reports (the book's method reference, 'Benchmarks').
BENCHMARK_ID_SIZES = {
    "ImageNet-10": 10,
    "ImageNet-20": 20,
    "Oxford-Pet": 37,
    "ImageNet-100": 100,
    "Food-101": 101,
    "Stanford-Cars": 196,
    "CUB-200": 200,
    "ImageNet-1K": 1000,
}

_IMAGE_ROWS_PER_CHUNK = 256
_COLORS = {"ID": "tab:blue", "OOD": "tab:orange"}


def _check_temperature(temperature: float) -> None:
    check_positive("temperature", temperature)
    if temperature < 1 / 700:
        raise ValueError(
            f"temperature={temperature} is below 1/700: exp(s/T) would overflow float64 here; the scores in "
            "debiasood.core.scores work in log space at any temperature"
        )


def _check_taus(name: str, taus: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(taus, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of shares, got shape {array.shape}")
    for tau in array:
        check_fraction(name, float(tau))
    return array


def exp_similarity_means(images: np.ndarray, labels: np.ndarray, temperature: float) -> np.ndarray:
    """mean_j exp(<x, t_j>/T) for every image x (rows of ``images``) over all ``labels``; float64, (N,)."""
    _check_temperature(temperature)
    out = np.empty(images.shape[0])
    for start in range(0, images.shape[0], _IMAGE_ROWS_PER_CHUNK):
        block = slice(start, start + _IMAGE_ROWS_PER_CHUNK)
        out[block] = np.exp(images[block] @ labels.T / temperature).mean(axis=1)
    return out


def group_exp_means(images: np.ndarray, labels: np.ndarray, groups: np.ndarray, temperature: float) -> np.ndarray:
    """N_g / Q = mean over group g of exp(<x, t_j>/T), for every image and group; float64, (N, G).

    ``groups`` is a (G, Q) index array into ``labels``, as :func:`debiasood.partition_negatives` returns.
    """
    _check_temperature(temperature)
    groups = check_partition(groups, labels.shape[0])
    ordered = labels[groups.reshape(-1)]
    out = np.empty((images.shape[0], groups.shape[0]))
    for start in range(0, images.shape[0], _IMAGE_ROWS_PER_CHUNK):
        block = slice(start, start + _IMAGE_ROWS_PER_CHUNK)
        values = np.exp(images[block] @ ordered.T / temperature)
        out[block] = values.reshape(values.shape[0], *groups.shape).mean(axis=2)
    return out


def debiased_negative_estimate(
    wild_group_means: np.ndarray, positive_means: np.ndarray, tau_neg: float
) -> np.ndarray:
    r"""The per-group debiased estimate of E_neg[exp(s/T)] (Chuang et al., 2020; DNM):

    .. math:: \hat E^{neg}_g = \frac{1}{\tau}\frac{N_g}{Q} - \frac{1-\tau}{\tau}\,\bar E^{pos}

    ``wild_group_means`` is (N, G) from :func:`group_exp_means`, ``positive_means`` (N,) the positives'
    mean exp(s+/T). Unclamped: the estimate can be negative.
    """
    check_fraction("tau_neg", tau_neg)
    if positive_means.shape != wild_group_means.shape[:1]:
        raise ValueError(f"positive_means has shape {positive_means.shape}; expected one value per image "
                         f"({wild_group_means.shape[0]},)")
    return wild_group_means / tau_neg - (1 - tau_neg) / tau_neg * positive_means[:, None]


def _image_sets(world: ToyWorld, max_images: int | None) -> dict[str, np.ndarray]:
    if max_images is not None:
        check_int("max_images", max_images)
    return {"ID": world.id_images[:max_images], "OOD": world.ood_images[:max_images]}


@dataclass(frozen=True)
class BiasCurve:
    """Bias of the debiased estimate against the assumed tau; one value per assumed tau.

    ``normalised_bias[kind]``: median over images of (mean_g Ê_g - E_neg) / (E_pos - E_neg), where E_neg and
    E_pos are the means of exp(s/T) over the corpus' true and false negatives. Theory: (tau - tau_true)/tau
    for every image. ``relative_error[kind]``: median over images of mean_g Ê_g / E_neg - 1 (how wrong the
    estimate is in units of the truth). Kinds: "ID", "OOD" (positives sampled from P_pos, i.e. the paper's
    perturbed positives with the world's sigma) and "ID, official positives" (positives = the K ID labels).
    ``inflation_at_one``: median over ID images of E_wild / E_neg, i.e. how much NegLabel (tau = 1)
    overstates the true negatives' mean for an ID image.
    """

    assumed_taus: np.ndarray
    tau_true: float
    normalised_bias: dict[str, np.ndarray]
    relative_error: dict[str, np.ndarray]
    inflation_at_one: float

    @property
    def theory(self) -> np.ndarray:
        """(tau - tau_true) / tau: the normalised bias of Ê_g when the positives are unbiased."""
        return (self.assumed_taus - self.tau_true) / self.assumed_taus

    def at(self, tau: float, kind: str = "ID") -> float:
        """The normalised bias of ``kind`` at an assumed tau that is on the curve's grid."""
        hits = np.flatnonzero(np.isclose(self.assumed_taus, tau, rtol=0, atol=1e-12))
        if hits.size == 0:
            raise ValueError(f"tau={tau} is not on the curve's grid {self.assumed_taus.tolist()}: add it")
        return float(self.normalised_bias[kind][hits[0]])


def bias_curve(
    world: ToyWorld,
    assumed_taus: Sequence[float] | np.ndarray,
    *,
    temperature: float = TOY_TEMPERATURE,
    num_groups: int = 100,
    num_positive_samples: int = 20,
    max_images: int | None = None,
    seed: int = 0,
) -> BiasCurve:
    """Check the debiasing identity in ``world``: estimate E_neg per group, compare with the truth.

    The corpus is split into ``num_groups`` seeded groups; positives are ``num_positive_samples`` perturbed
    copies of every ID label with sigma = ``world.false_negative_sigma``, so they sample P_pos. Uses the
    first ``max_images`` ID and OOD images (all by default). Ê_g is linear in (1/tau, (1-tau)/tau), so every
    assumed tau costs one multiply-add per image.
    """
    taus = _check_taus("assumed_taus", assumed_taus)
    check_int("num_positive_samples", num_positive_samples)
    groups = partition_negatives(world.wild_labels.shape[0], num_groups, seed)
    positives = {"": _unbiased_positives(world, num_positive_samples, seed + 1), "official": world.id_labels}
    normalised, relative = {}, {}
    inflation = math.nan
    for kind, images in _image_sets(world, max_images).items():
        wild = group_exp_means(images, world.wild_labels, groups, temperature)
        e_neg = exp_similarity_means(images, world.true_negatives, temperature)
        e_pos = exp_similarity_means(images, world.false_negatives, temperature)
        for positive_kind, samples in positives.items():
            pos_mean = exp_similarity_means(images, samples, temperature)
            # mean_g Ê_g(tau) for every tau: (n_taus, N)
            estimate = np.stack([debiased_negative_estimate(wild, pos_mean, tau).mean(axis=1) for tau in taus])
            name = kind if not positive_kind else f"{kind}, official positives"
            normalised[name] = np.median((estimate - e_neg) / (e_pos - e_neg), axis=1)
            if not positive_kind:
                relative[kind] = np.median(estimate / e_neg - 1, axis=1)
        if kind == "ID":
            inflation = float(np.median(wild.mean(axis=1) / e_neg))
    normalised.pop("OOD, official positives")
    return BiasCurve(taus, world.negative_share, normalised, relative, inflation)


def plot_bias_curve(curve: BiasCurve) -> Figure:
    """Two panels: relative error of Ê_neg (symlog) and its normalised bias with the theory line."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    for kind, values in curve.relative_error.items():
        left.plot(curve.assumed_taus, values, marker="o", ms=3, color=_COLORS[kind], label=f"{kind} images")
    left.set_yscale("symlog", linthresh=0.1)
    left.set_ylabel(r"median of $\hat E_{neg} / E_{neg} - 1$")
    left.set_title("Relative error of the debiased estimate")
    styles = {"ID": ("o", "-"), "OOD": ("s", "-"), "ID, official positives": ("^", ":")}
    for name, values in curve.normalised_bias.items():
        marker, line = styles[name]
        color = _COLORS[name.split(",")[0]]
        label = f"{name} images" if "," not in name else name.replace("ID,", "ID images,")
        right.plot(curve.assumed_taus, values, marker=marker, ms=3, ls=line, color=color, label=label)
    right.plot(curve.assumed_taus, curve.theory, color="black", lw=1, ls="--", label=r"theory $(\tau-\tau^*)/\tau$")
    right.set_ylabel(r"median of $(\hat E_{neg}-E_{neg})/(E_{pos}-E_{neg})$")
    right.set_title("Normalised bias")
    for axis in (left, right):
        axis.axhline(0, color="grey", lw=0.8)
        axis.axvline(curve.tau_true, color="green", lw=1, ls="--", label=rf"true share $\tau^*$ = {curve.tau_true:g}")
        axis.set_xlabel(r"assumed share of true negatives $\tau$")
        axis.legend(fontsize=8)
    return fig


@dataclass(frozen=True)
class SpreadCurve:
    """A spread statistic against a size s (Q or G), one curve per image kind ("ID", "OOD").

    ``values[kind][i]`` is the median over images of the statistic at ``sizes[i]``; ``per_image[kind]`` keeps
    the (n_sizes, N) values so ratios are taken per image before the median. Monte-Carlo theory for a mean
    of s draws without replacement from the corpus: statistic proportional to ((1 - f) / s) ** power, where
    f = ``sampled_fraction`` is the share of the corpus the draws use and ``power`` is 1 for a variance and
    1/2 for a standard deviation.
    """

    sizes: np.ndarray
    values: dict[str, np.ndarray]
    per_image: dict[str, np.ndarray]
    statistic: str
    power: float
    sampled_fraction: np.ndarray

    def _index(self, size: int) -> int:
        hits = np.flatnonzero(self.sizes == size)
        if hits.size == 0:
            raise ValueError(f"size {size} is not on the curve's grid {self.sizes.tolist()}")
        return int(hits[0])

    def ratio(self, small: int, large: int) -> float:
        """Median over all images of statistic(small) / statistic(large)."""
        i, j = self._index(small), self._index(large)
        return float(np.median(np.concatenate([v[i] / v[j] for v in self.per_image.values()])))

    def expected_ratio(self, small: int, large: int) -> float:
        """The Monte-Carlo theory's statistic(small) / statistic(large)."""
        i, j = self._index(small), self._index(large)
        f = self.sampled_fraction
        return float((large / small * (1 - f[i]) / (1 - f[j])) ** self.power)

    def reference(self, kind: str) -> np.ndarray:
        """The theory's curve through the first point of ``kind``."""
        f = self.sampled_fraction
        return self.values[kind][0] * (self.sizes[0] / self.sizes * (1 - f) / (1 - f[0])) ** self.power


def _sizes(name: str, values: Sequence[int]) -> np.ndarray:
    sizes = np.array([int(v) for v in values])
    if sizes.ndim != 1 or sizes.size < 2 or np.any(np.diff(sizes) <= 0):
        raise ValueError(f"{name} must be at least two increasing integers, got {list(values)!r}")
    for size in sizes:
        check_int(name, int(size))
    return sizes


def _unbiased_positives(world: ToyWorld, num_samples: int, seed: int) -> np.ndarray:
    """Positive samples from P_pos: the paper's perturbed positives with the world's sigma."""
    return perturbed_positives(world.id_labels, sigma=world.false_negative_sigma, num_samples=num_samples,
                               seed=seed)


def estimate_spread_vs_group_size(
    world: ToyWorld,
    group_sizes: Sequence[int],
    *,
    tau_neg: float | None = None,
    temperature: float = TOY_TEMPERATURE,
    num_positive_samples: int = 20,
    max_images: int | None = None,
    seed: int = 0,
) -> tuple[SpreadCurve, dict[int, float]]:
    """Variance over groups of Ê_g, relative to E_neg^2, for each group size Q (G = M // Q groups).

    Ê_g differs between groups only through N_g/Q (the positives' term is shared), so its variance is
    Var_g(N_g/Q) / tau^2 and should fall as 1/Q. ``tau_neg`` defaults to the world's true share; positives
    sample P_pos (as in :func:`bias_curve`). Also returns, per Q, the share of (ID image, group) pairs whose
    unclamped estimate Ê_g is negative although the estimator is unbiased.
    """
    tau = world.negative_share if tau_neg is None else tau_neg
    check_fraction("tau_neg", tau)
    sizes = _sizes("group_sizes", group_sizes)
    num_labels = world.wild_labels.shape[0]
    if sizes.max() * 2 > num_labels:
        raise ValueError(f"group size {sizes.max()} leaves fewer than 2 groups of the {num_labels} wild labels")
    positives = _unbiased_positives(world, num_positive_samples, seed + 1)
    per_image: dict[str, np.ndarray] = {}
    negative_share: dict[int, float] = {}
    for kind, images in _image_sets(world, max_images).items():
        e_neg = exp_similarity_means(images, world.true_negatives, temperature)
        pos_mean = exp_similarity_means(images, positives, temperature)
        rows = []
        for q in sizes:
            groups = partition_negatives(num_labels, num_labels // q, seed)
            estimate = debiased_negative_estimate(group_exp_means(images, world.wild_labels, groups, temperature),
                                                  pos_mean, tau)
            rows.append(estimate.var(axis=1, ddof=1) / e_neg**2)
            if kind == "ID":
                negative_share[int(q)] = float((estimate < 0).mean())
        per_image[kind] = np.stack(rows)
    return SpreadCurve(
        sizes=sizes,
        values={kind: np.median(rows, axis=1) for kind, rows in per_image.items()},
        per_image=per_image,
        statistic=r"$\mathrm{Var}_g(\hat E_g) / E_{neg}^2$",
        power=1.0,
        sampled_fraction=sizes / num_labels,
    ), negative_share


def score_spread_vs_num_groups(
    world: ToyWorld,
    num_groups: Sequence[int],
    *,
    group_size: int = 120,
    num_partitions: int = 20,
    tau_neg: float | None = None,
    temperature: float = TOY_TEMPERATURE,
    max_images: int | None = None,
    seed: int = 0,
) -> SpreadCurve:
    """Standard deviation of the DNM score (default clamp, official positives) over random partitions.

    For each G, ``num_partitions`` seeded draws of G disjoint groups of ``group_size`` wild labels; each
    image's score is recomputed with :func:`debiasood.dnm_score` and its standard deviation over the draws is
    taken. The score averages G groups, so the spread should fall as 1/sqrt(G) (times the finite-corpus
    factor sqrt(1 - GQ/M), as the draws use GQ of the M labels).
    """
    tau = world.negative_share if tau_neg is None else tau_neg
    check_fraction("tau_neg", tau)
    check_int("group_size", group_size)
    check_int("num_partitions", num_partitions, minimum=2)
    sizes = _sizes("num_groups", num_groups)
    num_labels = world.wild_labels.shape[0]
    if sizes.max() * group_size >= num_labels:
        raise ValueError(f"{sizes.max()} groups of {group_size} need fewer than the world's {num_labels} wild "
                         "labels (some must be left out, or every partition draws the same labels)")
    rng = np.random.default_rng(seed)
    per_image = {}
    for kind, images in _image_sets(world, max_images).items():
        rows = []
        for g in sizes:
            # Pass only the drawn labels, already in group order: the score then checks G*Q rows, not M.
            groups = np.arange(g * group_size).reshape(g, group_size)
            scores = [
                dnm_score(images, world.id_labels, world.wild_labels[rng.permutation(num_labels)[: g * group_size]],
                          tau_neg=tau, temperature=temperature, groups=groups)
                for _ in range(num_partitions)
            ]
            rows.append(np.std(scores, axis=0, ddof=1))
        per_image[kind] = np.stack(rows)
    return SpreadCurve(
        sizes=sizes,
        values={kind: np.median(rows, axis=1) for kind, rows in per_image.items()},
        per_image=per_image,
        statistic=r"SD of $S_{DNM}$ over partitions",
        power=0.5,
        sampled_fraction=sizes * group_size / num_labels,
    )


def plot_spread(by_group_size: SpreadCurve, by_num_groups: SpreadCurve) -> Figure:
    """Log-log panels: estimate variance against Q and score SD against G, with the Monte-Carlo theory."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    axes = fig.subplots(1, 2)
    panels = [(by_group_size, "group size $Q$", "per-group estimate", r"$\propto (1-Q/M)/Q$"),
              (by_num_groups, "number of groups $G$", "DNM score", r"$\propto \sqrt{(1-GQ/M)/G}$")]
    for axis, (curve, xlabel, title, theory) in zip(axes, panels, strict=True):
        for kind, values in curve.values.items():
            axis.plot(curve.sizes, values, marker="o", color=_COLORS[kind], label=f"{kind} images")
            axis.plot(curve.sizes, curve.reference(kind), color="black", ls=":", lw=1)
        axis.plot([], [], color="black", ls=":", label=f"Monte-Carlo theory {theory}")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(curve.sizes, [str(s) for s in curve.sizes])
        axis.xaxis.set_minor_locator(NullLocator())
        axis.set_xlabel(xlabel)
        axis.set_ylabel(f"median of {curve.statistic}")
        axis.set_title(f"Spread of the {title}")
        axis.legend(fontsize=8)
    return fig


@dataclass(frozen=True)
class HazardMap:
    """a = tau - Q(1 - tau)/K on a grid: ``coefficient[q, k, t]`` for group_sizes[q], ks[k], taus[t]."""

    ks: np.ndarray
    taus: np.ndarray
    group_sizes: np.ndarray
    coefficient: np.ndarray
    safe_tau: np.ndarray  # (n_Q, n_K): Q / (K + Q)

    def hazard_share(self, group_size: int) -> float:
        """Share of the (K, tau) grid where a <= 0, for one group size on the grid."""
        hits = np.flatnonzero(self.group_sizes == group_size)
        if hits.size == 0:
            raise ValueError(f"group_size {group_size} is not on the map's grid {self.group_sizes.tolist()}")
        return float((self.coefficient[hits[0]] <= 0).mean())


def hazard_map(ks: Sequence[int], taus: Sequence[float], group_sizes: Sequence[int]) -> HazardMap:
    """Evaluate :func:`debiasood.dnm_coefficient` and :func:`debiasood.dnm_safe_tau` on a (Q, K, tau) grid."""
    k_values = np.array([int(k) for k in ks])
    q_values = np.array([int(q) for q in group_sizes])
    tau_values = _check_taus("taus", taus)
    coefficient = np.array([[[dnm_coefficient(int(k), int(q), float(t)) for t in tau_values] for k in k_values]
                            for q in q_values])
    safe = np.array([[dnm_safe_tau(int(k), int(q)) for k in k_values] for q in q_values])
    return HazardMap(k_values, tau_values, q_values, coefficient, safe)


def benchmarks_in_hazard(group_size: int, tau_neg: float,
                         sizes: Mapping[str, int] = BENCHMARK_ID_SIZES) -> list[str]:
    """The benchmarks whose K makes a <= 0 at this Q and tau (official arithmetic)."""
    return [name for name, k in sizes.items() if dnm_coefficient(k, group_size, tau_neg) <= 0]


def _benchmark_labels(benchmarks: Mapping[str, int]) -> list[tuple[int, str]]:
    """(K, label) per distinct K, names of benchmarks whose K differ by < 10% joined on one label."""
    merged: list[tuple[int, str]] = []
    for name, k in sorted(benchmarks.items(), key=lambda item: item[1]):
        if merged and k < 1.1 * merged[-1][0]:
            merged[-1] = (merged[-1][0], f"{merged[-1][1]}\n{name}")
        else:
            merged.append((k, name))
    return merged


def plot_hazard_map(hmap: HazardMap, *, tau_marker: float = 0.5,
                    benchmarks: Mapping[str, int] = BENCHMARK_ID_SIZES) -> Figure:
    """One heatmap of a per Q over (K, tau), the boundary tau = Q/(K+Q), and the benchmarks at tau_marker.

    A benchmark is drawn as x where a <= 0 (hazard) and as o where a > 0.
    """
    check_fraction("tau_marker", tau_marker)
    fig = Figure(figsize=(4 * len(hmap.group_sizes) + 1, 4.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(hmap.group_sizes), sharey=True))
    norm = TwoSlopeNorm(vmin=-3, vcenter=0, vmax=1)
    labels = _benchmark_labels(benchmarks)
    for axis, q, grid, safe in zip(axes, hmap.group_sizes, hmap.coefficient, hmap.safe_tau, strict=True):
        mesh = axis.pcolormesh(hmap.ks, hmap.taus, np.clip(grid.T, -3, 1), norm=norm, cmap="RdBu", shading="nearest")
        axis.plot(hmap.ks, safe, color="black", lw=1.5, label=r"$\tau = Q/(K+Q)$ ($a = 0$)")
        for i, (k, label) in enumerate(labels):
            hazard = dnm_coefficient(k, int(q), tau_marker) <= 0
            axis.plot(k, tau_marker, marker="x" if hazard else "o", color="black", ms=6, mfc="none", ls="none")
            axis.annotate(label, (k, tau_marker), textcoords="offset points", xytext=(0, 7 if i % 2 else -9),
                          ha="center", va="bottom" if i % 2 else "top", fontsize=6)
        axis.set_xscale("log")
        axis.set_xlabel("number of ID labels $K$")
        axis.set_title(f"$Q = {q}$: hazard ($a \\leq 0$) below the line")
    axes[0].set_ylabel(r"assumed share of true negatives $\tau$")
    axes[0].legend(fontsize=8, loc="upper left")
    fig.colorbar(mesh, ax=list(axes), label=r"$a = \tau - Q(1-\tau)/K$ (clipped to [-3, 1])")
    return fig


@dataclass(frozen=True)
class ClampComparison:
    """Official vs clamped DNM vs NegLabel in one world; metrics in percent (paper convention)."""

    coefficient: float  # a = tau - Q(1 - tau)/K
    metrics: dict[str, dict[str, float]]  # method -> {"auroc": ..., "fpr95": ...}
    num_pairs: int  # (image, group) pairs, ID and OOD together
    num_nonpositive_pairs: int  # pairs with Z_g <= 0, from a S_ID + N_g <= 0
    warned_pairs: int  # the count reported by dnm_score's NonPositivePartitionWarning(s)
    num_warnings: int
    share_id_nonpositive: float  # ID images whose official score is < 0 or infinite
    share_ood_nonpositive: float
    log_ratio: dict[str, np.ndarray]  # kind -> log10(N_g / S_ID) per (image, group), flattened


_WARNED_PAIRS = re.compile(r"(\d+) \(image, group\) pairs")


def clamp_comparison(
    world: ToyWorld,
    *,
    tau_neg: float = 0.5,
    num_groups: int = 100,
    temperature: float = TOY_TEMPERATURE,
    seed: int = 0,
) -> ClampComparison:
    """Score ``world`` with DNM as the official code does (clamp off), DNM clamped, and NegLabel.

    All three use one seeded partition and the ID labels as positives. The official score's
    NonPositivePartitionWarning is caught (and counted) only around that call. The pairs with Z_g <= 0 are
    counted independently from the closed form tau Z_g = a S_ID + N_g.
    """
    check_fraction("tau_neg", tau_neg)
    _check_temperature(temperature)
    num_labels = world.wild_labels.shape[0]
    groups = partition_negatives(num_labels, num_groups, seed)
    a = dnm_coefficient(world.num_id_classes, groups.shape[1], tau_neg)
    images = np.concatenate([world.id_images, world.ood_images])
    is_id = np.arange(images.shape[0]) < world.id_images.shape[0]
    common = {"temperature": temperature, "groups": groups}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NonPositivePartitionWarning)
        official = dnm_score(images, world.id_labels, world.wild_labels, tau_neg=tau_neg, clamp=False, **common)
    caught = [w for w in caught if issubclass(w.category, NonPositivePartitionWarning)]
    scores = {
        "DNM official (no clamp)": official,
        "DNM clamped": dnm_score(images, world.id_labels, world.wild_labels, tau_neg=tau_neg, **common),
        "NegLabel": neglabel_score(images, world.id_labels, world.wild_labels, **common),
    }
    metrics = {}
    for name, values in scores.items():
        result = ood_metrics(values[is_id], values[~is_id])
        metrics[name] = {"auroc": result["auroc"], "fpr95": result["fpr95"]}
    n_over_q = group_exp_means(images, world.wild_labels, groups, temperature)
    s_id = exp_similarity_means(images, world.id_labels, temperature) * world.num_id_classes
    ratio = n_over_q * groups.shape[1] / s_id[:, None]  # N_g / S_ID
    bad = (official < 0) | ~np.isfinite(official)
    return ClampComparison(
        coefficient=a,
        metrics=metrics,
        num_pairs=int(ratio.size),
        num_nonpositive_pairs=int((a + ratio <= 0).sum()),
        warned_pairs=sum(int(m.group(1)) for w in caught if (m := _WARNED_PAIRS.search(str(w.message)))),
        num_warnings=len(caught),
        share_id_nonpositive=float(bad[is_id].mean()),
        share_ood_nonpositive=float(bad[~is_id].mean()),
        log_ratio={"ID": np.log10(ratio[is_id]).ravel(), "OOD": np.log10(ratio[~is_id]).ravel()},
    )


def plot_clamp_comparison(comparison: ClampComparison) -> Figure:
    """Left: AUROC and FPR95 per method. Right: where the (image, group) pairs fall against Z_g = 0."""
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    names = list(comparison.metrics)
    x = np.arange(len(names))
    for offset, metric, color in [(-0.2, "auroc", "tab:green"), (0.2, "fpr95", "tab:red")]:
        values = [comparison.metrics[name][metric] for name in names]
        bars = left.bar(x + offset, values, width=0.4, color=color, label=metric.upper())
        left.bar_label(bars, fmt="%.1f", fontsize=7)
    left.set_xticks(x, [name.replace(" (", "\n(") for name in names], fontsize=8)
    left.set_ylabel("percent")
    left.set_ylim(0, 120)
    left.set_title(f"Detection with $a$ = {comparison.coefficient:.2f}")
    left.legend(fontsize=8, loc="upper center", ncol=2)
    for kind, values in comparison.log_ratio.items():
        right.hist(values, bins=60, alpha=0.6, color=_COLORS[kind], label=f"{kind} images", density=True)
    if comparison.coefficient < 0:
        boundary = math.log10(-comparison.coefficient)
        right.axvspan(right.get_xlim()[0], boundary, color="grey", alpha=0.2, label=r"$Z_g \leq 0$")
        right.axvline(boundary, color="black", lw=1)
    right.set_xlabel(r"$\log_{10}(N_g / S_{ID})$ per (image, group)")
    right.set_ylabel("density")
    right.set_title(r"$\tau Z_g = a S_{ID} + N_g \leq 0 \Leftrightarrow N_g / S_{ID} \leq -a$")
    right.legend(fontsize=8)
    return fig


def closed_form_gaps(world: ToyWorld, *, tau_neg: float = 0.5, num_groups: int = 100,
                     temperature: float = TOY_TEMPERATURE, seed: int = 0) -> dict[str, float]:
    """Largest relative gaps between scores the derivation says are equal, on the world's ID and OOD images.

    "closed_form": dnm_score(clamp=False) vs dnm_closed_form_score; "neglabel": dnm_score(tau_neg=1) vs
    neglabel_score. Pick a safe tau_neg (a > 0), or the unclamped score warns.
    """
    images = np.concatenate([world.id_images, world.ood_images])
    common = {"temperature": temperature, "num_groups": num_groups, "seed": seed}
    labels = (world.id_labels, world.wild_labels)
    general = dnm_score(images, *labels, tau_neg=tau_neg, clamp=False, **common)
    closed = dnm_closed_form_score(images, *labels, tau_neg=tau_neg, **common)
    at_one = dnm_score(images, *labels, tau_neg=1.0, **common)
    neglabel = neglabel_score(images, *labels, **common)
    return {
        "closed_form": float(np.max(np.abs(general - closed) / np.abs(closed))),
        "neglabel": float(np.max(np.abs(at_one - neglabel) / np.abs(neglabel))),
    }


# ------------------------------------------------------------------------------- the same algebra on features

#: The backbone whose official settings apply when a bundle's model is not one the official code names (the
#: offline world's text encoder, a tiny test model): the paper's main backbone.
DEFAULT_BACKBONE = "ViT-B/16"


def official_settings(bundle: FeatureBundle, backbone: str = "auto", **changes: object) -> tuple[Settings, str]:
    """The official code's settings for ``bundle`` (:meth:`debiasood.core.evaluation.Settings.official`) and the
    backbone they belong to.

    ``backbone="auto"`` takes the bundle's model (its provenance) when the official code has settings for it
    (e.g. open_clip's 'ViT-B-32' -> tau 0.12), else :data:`DEFAULT_BACKBONE`; any other value must name a
    backbone of the official code. The ID set is the bundle's (tau is 1, no debiasing, with ImageNet-A, -R, -V2
    or -Sketch as ID). ``changes`` override fields, e.g. ``num_groups``.
    """
    if not isinstance(bundle, FeatureBundle):
        raise TypeError(f"bundle must be a debiasood.data.bundle.FeatureBundle, got {type(bundle).__name__}")
    if not isinstance(backbone, str) or not backbone.strip():
        raise ValueError(f"backbone must be 'auto' or a backbone of the official code such as 'ViT-B/16', "
                         f"got {backbone!r}")
    if backbone == "auto":
        try:
            backbone = official_backbone(bundle.provenance.model)
        except ValueError:
            backbone = DEFAULT_BACKBONE
    name = official_backbone(backbone)
    return Settings.official(name, bundle.id_set, **changes), name


@dataclass(frozen=True)
class FeatureIdentities:
    """:func:`feature_identities`' result: the derivation's identities and hazard on a bundle's features.

    ``closed_form_gap``: the largest relative gap |general - closed| / |closed| between ``dnm_score(clamp=False)``
    and ``dnm_closed_form_score``, over the ``num_images_compared`` images whose every Z_g is > 0 (both scores
    are finite and positive there; NaN when no image qualifies). ``neglabel_gap``: the same between
    ``dnm_score(tau_neg=1)`` and ``neglabel_score`` over every image. ``num_nonpositive_pairs``: the (image,
    group) pairs with tau Z_g = a S_ID + N_g <= 0, counted from S_ID and N_g directly (not from the scores);
    ``warned_pairs``: the count dnm_score's :class:`NonPositivePartitionWarning` reported (equal when the
    code is right).
    """

    label: str
    backbone: str
    id_set: str
    num_id_labels: int  # K
    num_negatives: int  # M, DNM's density selection
    num_groups: int  # G
    group_size: int  # Q = M // G
    tau_neg: float  # the official tau
    temperature: float
    coefficient: float  # a = tau - Q(1 - tau)/K
    safe_tau: float  # Q / (K + Q)
    num_images: int
    num_images_compared: int
    closed_form_gap: float
    neglabel_gap: float
    num_pairs: int
    num_nonpositive_pairs: int
    warned_pairs: int

    @property
    def nonpositive_pair_share(self) -> float:
        return self.num_nonpositive_pairs / self.num_pairs

    def records(self, prefix: str = "") -> dict[str, float]:
        """The key numbers, named ``prefix + name``; the closed-form gap only when some image was compared."""
        values = {"num_id_labels": self.num_id_labels, "num_negatives": self.num_negatives,
                  "group_size": self.group_size, "num_images": self.num_images, "tau": self.tau_neg,
                  "coefficient": self.coefficient, "safe_tau": self.safe_tau,
                  "nonpositive_pair_share": self.nonpositive_pair_share, "neglabel_gap": self.neglabel_gap}
        if self.num_images_compared:
            values["closed_form_gap"] = self.closed_form_gap
        return {prefix + name: value for name, value in values.items()}

    def rows(self) -> list[dict[str, str]]:
        """The checks as a two-column table (values pre-formatted: the gaps need exponents)."""
        tau = f"{self.tau_neg:g}"
        rows = [
            ("ID labels K; DNM's density negatives M in G groups of Q",
             f"K = {self.num_id_labels}; M = {self.num_negatives}, G = {self.num_groups}, Q = {self.group_size}"),
            (f"official tau ({self.backbone}, ID set {self.id_set})", tau),
            (f"closed form vs general DNM (tau = {tau}, no clamp): largest relative gap over "
             f"{self.num_images_compared} of {self.num_images} images", f"{self.closed_form_gap:.1e}"),
            (f"DNM at tau = 1 vs NegLabel: largest relative gap over {self.num_images} images",
             f"{self.neglabel_gap:.1e}"),
            ("a = tau - Q(1 - tau)/K", f"{self.coefficient:.4f}"),
            ("the official arithmetic is safe for tau > Q/(K + Q)", f"{self.safe_tau:.4f}"),
            ("(image, group) pairs with Z_g <= 0", f"{self.num_nonpositive_pairs} of {self.num_pairs}"),
        ]
        return [{"check": check, "value": value} for check, value in rows]


def _scores_and_warned_pairs(score: Callable[[], np.ndarray]) -> tuple[np.ndarray, int]:
    """Run ``score`` and count the (image, group) pairs its NonPositivePartitionWarning reports (caught here only)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NonPositivePartitionWarning)
        values = np.asarray(score())
    pairs = sum(int(m.group(1)) for w in caught if issubclass(w.category, NonPositivePartitionWarning)
                and (m := _WARNED_PAIRS.search(str(w.message))))
    return values, pairs


def feature_identities(bundle: FeatureBundle, settings: Settings, *, backbone: str = "") -> FeatureIdentities:
    r"""Check the derivation on ``bundle``: its images (every set), its ID labels (NegLabel's prompts) and DNM's
    density negatives mined with ``settings`` (e.g. :func:`official_settings`), in float64.

    - the closed form: ``dnm_score(clamp=False)`` equals ``dnm_closed_form_score``, i.e.
      :math:`\tau Z_g = a S_{ID} + N_g` with :math:`a = \tau - Q(1-\tau)/K`;
    - "tau = 1 is NegLabel": ``dnm_score(tau_neg=1)`` equals ``neglabel_score``;
    - the hazard at the bundle's K and Q and ``settings.tau_neg``: a, the safe tau Q/(K + Q), and the (image,
      group) pairs with Z_g <= 0, counted from S_ID and N_g directly.

    One seeded partition (``settings.groups``) serves every score. Features are cast to float64 so the gaps
    measure the algebra, not float32 rounding. ``backbone`` only labels the result.
    """
    if not isinstance(bundle, FeatureBundle):
        raise TypeError(f"bundle must be a debiasood.data.bundle.FeatureBundle, got {type(bundle).__name__}")
    if not isinstance(settings, Settings):
        raise TypeError(f"settings must be a debiasood.core.evaluation.Settings, got {type(settings).__name__}")
    temperature, tau = settings.temperature, settings.tau_neg
    _check_temperature(temperature)
    rows = bundle.negatives("density", settings)
    if len(rows) < settings.num_groups:
        raise ValueError(f"{bundle.label}: DNM's density rule mines {len(rows)} negatives, fewer than "
                         f"num_groups = {settings.num_groups}; pass a smaller num_groups")
    negatives = np.asarray(bundle.text.corpus_features, dtype=np.float64)[rows]
    id_text = np.asarray(bundle.text.id_neglabel, dtype=np.float64)
    images = np.concatenate([np.asarray(bundle.images[name].features, dtype=np.float64)
                             for name in (bundle.id_set, *bundle.ood_sets)])
    groups = settings.groups(len(rows))
    num_id, group_size = id_text.shape[0], groups.shape[1]
    a = dnm_coefficient(num_id, group_size, tau)
    # tau Z_g = a S_ID + N_g, from the sums themselves: an independent count of the pairs the hazard breaks.
    s_id = num_id * exp_similarity_means(images, id_text, temperature)
    n_groups = group_size * group_exp_means(images, negatives, groups, temperature)
    positive = a * s_id[:, None] + n_groups > 0
    compared = positive.all(axis=1)
    common = {"temperature": temperature, "groups": groups}
    general, warned = _scores_and_warned_pairs(
        lambda: dnm_score(images, id_text, negatives, tau_neg=tau, clamp=False, **common))
    closed, _ = _scores_and_warned_pairs(
        lambda: dnm_closed_form_score(images, id_text, negatives, tau_neg=tau, **common))
    at_one = np.asarray(dnm_score(images, id_text, negatives, tau_neg=1.0, **common))
    neglabel = np.asarray(neglabel_score(images, id_text, negatives, **common))
    closed_gap = (float(np.max(np.abs(general[compared] - closed[compared]) / np.abs(closed[compared])))
                  if compared.any() else math.nan)
    return FeatureIdentities(
        label=bundle.label, backbone=backbone, id_set=bundle.id_set, num_id_labels=num_id,
        num_negatives=len(rows), num_groups=groups.shape[0], group_size=group_size, tau_neg=tau,
        temperature=temperature, coefficient=a, safe_tau=dnm_safe_tau(num_id, group_size),
        num_images=images.shape[0], num_images_compared=int(compared.sum()), closed_form_gap=closed_gap,
        neglabel_gap=float(np.max(np.abs(at_one - neglabel) / np.abs(neglabel))),
        num_pairs=int(positive.size), num_nonpositive_pairs=int((~positive).sum()), warned_pairs=warned)
