"""Figures and tables of the book page on the simulated world (notebooks/07_simulated_world.py).

The page explains how :mod:`debiasood.world.simulated` builds synthetic image embeddings, why each image draws its own
alignment strength, how the world is calibrated, and where it departs from CLIP. This module holds what the
page computes, so its cells stay short:

- :func:`score_world`: one draw of a world, scored by MCM and by NegLabel's score on one or more negative sets
  (NegLabel's, CSP's), keeping every image's score and alignment strength (a :class:`ScoredDraw`);
- :data:`VARIANTS` and :func:`variant_worlds`: the fitted world and two simpler versions of it (isotropic noise
  only; neighbour confusion and OOD overlap but one alignment strength for every image);
- :func:`alignment_correlation` and :func:`low_alignment_rejection`: how strongly each score follows the
  alignment strength of an ID image;
- tables (:func:`variant_rows`, :func:`per_set_rows`) and figures (:func:`plot_variants`,
  :func:`plot_alignment`, :func:`plot_calibration`, :func:`plot_per_set`).

Every number produced here is SIMULATED: rows carry ``world = "simulated"``, figure titles say so, and the
CLIP numbers shown beside them are the reported CLIP ViT-B/16 ones (:data:`debiasood.world.simulated.REPORTED_FPR95`).
Scores and metrics come from :mod:`debiasood.core.scores` and :mod:`debiasood.core.metrics` with the settings of
:func:`debiasood.world.simulated.evaluate` (MCM at T = 1; NegLabel at T = 0.01, G = 100, partition seed 0; FPR95 in the
paper convention), so a draw here and ``world.evaluate`` give the same MCM and NegLabel numbers.

Every figure function returns a :class:`matplotlib.figure.Figure` that is not registered with pyplot, so a
notebook shows it exactly once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from debiasood.core.metrics import ood_metrics
from debiasood.core.scores import mcm_score, neglabel_score
from debiasood.world.simulated import FITTED_MINILM, REPORTED_FPR95, Calibration, SemanticWorld

METHOD_LABELS: dict[str, str] = {"mcm": "MCM", "neglabel": "NegLabel", "csp": "CSP"}
SET_LABELS: dict[str, str] = {"inaturalist": "iNaturalist", "sun": "SUN", "places": "Places",
                              "textures": "Textures"}
REPORTED_LABEL = "reported (CLIP ViT-B/16)"

#: The fitted world and two simpler versions of it, as changes to the fitted parameters. The ladder of the
#: module docstring of :mod:`debiasood.world.simulated`: only the per-image alignment strength inverts MCM and NegLabel.
VARIANTS: dict[str, dict[str, float]] = {
    "isotropic noise only": {"confusion": 0.0, "overlap": 0.0, "align_min": 1.0},
    "+ confusion and OOD overlap": {"align_min": 1.0},
    "+ per-image alignment (fitted)": {},
}

_COLORS = {"mcm": "tab:blue", "neglabel": "tab:orange", "csp": "tab:green"}
_KIND_COLORS = {"ID": "tab:blue", "OOD": "tab:orange"}


def _check_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return int(value)


def parse_grid(name: str, text: str) -> tuple[float, ...]:
    """A calibration grid from a notebook parameter like ``"0.3, 0.5, 0.7"``: distinct finite numbers > 0."""
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a comma-separated string of numbers, got {text!r}")
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError as error:
        raise ValueError(f"{name} must be a comma-separated string of numbers, got {text!r}") from error
    if not all(math.isfinite(v) and v > 0 for v in values) or len(set(values)) != len(values):
        raise ValueError(f"{name} must hold distinct finite numbers > 0, got {text!r}")
    return values


@dataclass(frozen=True)
class ScoredDraw:
    """One draw of a simulated world, scored: every image's score and alignment strength, and the metrics.

    ``scores[method][set]`` and ``alignment[set]`` are per image; ``fpr95[method][ood]`` and
    ``auroc[method][ood]`` are percentages (paper convention); ``top1`` is the zero-shot top-1 of the ID
    images against the MCM prompts, a fraction. SIMULATED numbers, never CLIP's.
    """

    name: str
    params: Any  # debiasood.world.simulated.WorldParams
    seed: int
    id_set: str
    ood_sets: tuple[str, ...]
    top1: float
    alignment: dict[str, np.ndarray]
    scores: dict[str, dict[str, np.ndarray]]
    fpr95: dict[str, dict[str, float]]
    auroc: dict[str, dict[str, float]]

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.scores)

    def average(self, method: str, metric: str = "fpr95") -> float:
        """Unweighted mean over the OOD sets of ``metric`` ("fpr95" or "auroc") for ``method``."""
        if metric not in ("fpr95", "auroc"):
            raise ValueError(f"metric must be 'fpr95' or 'auroc', got {metric!r}")
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not scored; this draw has {list(self.scores)}")
        return float(np.mean(list(getattr(self, metric)[method].values())))

    def threshold(self, method: str) -> float:
        """The score that keeps 95% of the ID images (the FPR95 operating point)."""
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not scored; this draw has {list(self.scores)}")
        return float(np.quantile(self.scores[method][self.id_set], 0.05))


def score_world(world: SemanticWorld, id_mcm: Any, id_neglabel: Any, negatives: Mapping[str, Any], *,
                sizes: Mapping[str, int], seed: int = 0, name: str = "fitted") -> ScoredDraw:
    """Draw ``sizes[set]`` images of each set of ``world`` and score them.

    MCM always (``id_mcm`` prompts, T = 1); then, for each ``method -> features`` of ``negatives``,
    NegLabel's grouped score with ``id_neglabel`` and those negative text features (NegLabel's selection
    under "neglabel", CSP's under "csp": CSP uses NegLabel's score). Text features are the encoder's (d
    columns); they are padded through ``world.text``. ``sizes`` must name the world's ID set and at least one
    OOD set.
    """
    if not isinstance(world, SemanticWorld):
        raise ValueError(f"world must be a debiasood.world.simulated.SemanticWorld, got {type(world).__name__}")
    if not isinstance(sizes, Mapping) or world.id_set not in sizes:
        raise ValueError(f"sizes must map the ID set {world.id_set!r} and OOD sets to image counts")
    unknown = [s for s in sizes if s not in world.sets]
    if unknown:
        raise ValueError(f"sizes names unknown set(s) {unknown}; the world has {list(world.sets)}")
    ood_sets = tuple(s for s in sizes if s != world.id_set)
    if not ood_sets:
        raise ValueError("sizes must include at least one OOD set")
    counts = {s: _check_count(f"sizes[{s!r}]", n) for s, n in sizes.items()}
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    if not isinstance(negatives, Mapping) or "mcm" in negatives:
        raise ValueError("negatives must map method names other than 'mcm' to negative text features")
    text = {"mcm": _padded(world, "id_mcm", id_mcm), "id": _padded(world, "id_neglabel", id_neglabel)}
    for label in ("mcm", "id"):
        if len(text[label]) != len(world.concepts[world.id_set]):
            raise ValueError(f"{'id_mcm' if label == 'mcm' else 'id_neglabel'} needs one row per ID concept "
                             f"({len(world.concepts[world.id_set])}), got {len(text[label])}")
    negative_text = {m: _padded(world, f"negatives[{m!r}]", f) for m, f in negatives.items()}

    images = {s: world.images(s, counts[s], seed=seed) for s in (world.id_set, *ood_sets)}
    ids = images[world.id_set]
    top1 = float(((ids.features @ text["mcm"].T).argmax(1) == ids.classes).mean())
    scorers = {"mcm": lambda x: mcm_score(x, text["mcm"])}
    for method, neg in negative_text.items():
        scorers[method] = lambda x, neg=neg: neglabel_score(x, text["id"], neg)
    scores = {m: {s: np.asarray(f(images[s].features), dtype=np.float64) for s in images} for m, f in scorers.items()}
    fpr95: dict[str, dict[str, float]] = {m: {} for m in scores}
    auroc: dict[str, dict[str, float]] = {m: {} for m in scores}
    for m, per_set in scores.items():
        for s in ood_sets:
            result = ood_metrics(per_set[world.id_set], per_set[s])
            fpr95[m][s], auroc[m][s] = result["fpr95"], result["auroc"]
    return ScoredDraw(name, world.params, seed, world.id_set, ood_sets, top1,
                      {s: np.asarray(images[s].alignment) for s in images}, scores, fpr95, auroc)


def _padded(world: SemanticWorld, name: str, features: Any) -> np.ndarray:
    array = np.asarray(features)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] != world.text_dim:
        raise ValueError(f"{name} must be a non-empty (n, {world.text_dim}) matrix of the encoder's text "
                         f"features, got shape {array.shape}")
    return world.text(array)


def variant_worlds(world: SemanticWorld, variants: Mapping[str, Mapping[str, float]] | None = None
                   ) -> dict[str, SemanticWorld]:
    """``world`` with each variant's parameter changes (default :data:`VARIANTS`); same concepts throughout."""
    variants = VARIANTS if variants is None else variants
    if not variants:
        raise ValueError("variants is empty")
    return {name: world.with_params(**dict(changes)) for name, changes in variants.items()}


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).statistic)


def alignment_correlation(draw: ScoredDraw, method: str, set_name: str | None = None) -> float:
    """Spearman rank correlation between alignment strength and ``method``'s score over one set's images
    (default: the ID set). Near 1: the score ranks images by how strongly they match any caption."""
    set_name = draw.id_set if set_name is None else set_name
    _check_method_and_set(draw, method, set_name)
    return _spearman(draw.alignment[set_name], draw.scores[method][set_name])


def low_alignment_rejection(draw: ScoredDraw, method: str, share: float = 0.2) -> float:
    """Share of the ``share`` least-aligned ID images that ``method`` rejects at its FPR95 threshold.

    Over all ID images the threshold rejects 5% by construction; a score that does not depend on the
    alignment rejects about 5% of the weakly aligned ones too.
    """
    _check_method_and_set(draw, method, draw.id_set)
    if not (isinstance(share, int | float) and 0 < share <= 1):
        raise ValueError(f"share must lie in (0, 1], got {share!r}")
    a = draw.alignment[draw.id_set]
    weak = a <= np.quantile(a, share)
    return float((draw.scores[method][draw.id_set][weak] < draw.threshold(method)).mean())


def _check_method_and_set(draw: ScoredDraw, method: str, set_name: str) -> None:
    if method not in draw.scores:
        raise ValueError(f"method {method!r} was not scored; this draw has {list(draw.scores)}")
    if set_name not in draw.alignment:
        raise ValueError(f"set_name {set_name!r} is not in this draw; it has {list(draw.alignment)}")


# ------------------------------------------------------------------------------------------------- tables

def _reported_average(method: str) -> float:
    return float(np.mean(list(REPORTED_FPR95[method].values())))


def variant_rows(draws: Mapping[str, ScoredDraw]) -> list[dict[str, object]]:
    """One row per world variant (top-1 and average FPR95 of MCM and NegLabel), then CLIP's reported row."""
    if not draws:
        raise ValueError("draws is empty")
    rows: list[dict[str, object]] = []
    for name, draw in draws.items():
        for method in ("mcm", "neglabel"):
            if method not in draw.scores:
                raise ValueError(f"draw {name!r} lacks method {method!r}")
        mcm, neglabel = draw.average("mcm"), draw.average("neglabel")
        rows.append({"world": "simulated", "variant": name, "top-1 %": 100 * draw.top1, "MCM FPR95": mcm,
                     "NegLabel FPR95": neglabel, "NegLabel better": "yes" if neglabel < mcm else "no"})
    mcm, neglabel = _reported_average("mcm"), _reported_average("neglabel")
    rows.append({"world": REPORTED_LABEL, "variant": "real images", "top-1 %": "about 64-68",
                 "MCM FPR95": mcm, "NegLabel FPR95": neglabel, "NegLabel better": "yes"})
    return rows


def _stored_full_size(method: str, set_name: str) -> float | str:
    table = FITTED_MINILM["full_size"].get(method, {})
    return float(np.mean(table[set_name])) if set_name in table else "not stored"


def per_set_rows(draw: ScoredDraw, methods: Sequence[str] = ("mcm", "neglabel", "csp")) -> list[dict[str, object]]:
    """FPR95 per OOD set and average: this draw, the stored full-size numbers (mean of two seeds; "not stored"
    where FITTED_MINILM has none) and CLIP ViT-B/16's reported ones, with the simulated-minus-reported gap."""
    rows: list[dict[str, object]] = []
    for method in methods:
        if method not in draw.scores or method not in REPORTED_FPR95:
            raise ValueError(f"method {method!r} needs a score in the draw and reported numbers; "
                             f"scored {list(draw.scores)}, reported {list(REPORTED_FPR95)}")
        for set_name in (*draw.ood_sets, "average"):
            if set_name == "average":
                simulated, reported = draw.average(method), _reported_average(method)
            else:
                simulated, reported = draw.fpr95[method][set_name], REPORTED_FPR95[method][set_name]
            rows.append({"world": "simulated", "method": METHOD_LABELS.get(method, method),
                         "ood": SET_LABELS.get(set_name, set_name), "FPR95 (this run)": simulated,
                         "FPR95 (full size, stored)": _stored_full_size(method, set_name),
                         f"FPR95 {REPORTED_LABEL}": reported, "simulated - reported": simulated - reported})
    return rows


# ------------------------------------------------------------------------------------------------ figures

def plot_variants(draws: Mapping[str, ScoredDraw]) -> Figure:
    """Average FPR95 of MCM and NegLabel for each world variant, beside CLIP's reported averages."""
    rows = variant_rows(draws)
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(rows))
    for offset, method in ((-0.2, "mcm"), (0.2, "neglabel")):
        values = [row[f"{METHOD_LABELS[method]} FPR95"] for row in rows]
        bars = ax.bar(x + offset, values, width=0.38, color=_COLORS[method], label=METHOD_LABELS[method])
        bars[-1].set_hatch("//")
        bars[-1].set_alpha(0.6)
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_xticks(x, [f"{row['variant']}\n({'simulated' if row['world'] == 'simulated' else REPORTED_LABEL})"
                      for row in rows], fontsize=8)
    ax.set_ylabel("average FPR95 (%) over 4 OOD sets")
    ax.set_title("Which world inverts MCM and NegLabel (simulated; last group: reported CLIP ViT-B/16)")
    ax.legend()
    return fig


def _binned_quantiles(x: np.ndarray, y: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bin centres and (3, n_bins) 25/50/75% quantiles of y per bin of x (NaN where a bin is empty)."""
    which = np.clip(np.digitize(x, edges) - 1, 0, len(edges) - 2)
    out = np.full((3, len(edges) - 1), np.nan)
    for b in range(len(edges) - 1):
        members = y[which == b]
        if members.size:
            out[:, b] = np.quantile(members, [0.25, 0.5, 0.75])
    return np.sqrt(edges[:-1] * edges[1:]), out


def plot_alignment(draw: ScoredDraw, methods: Sequence[str] = ("mcm", "neglabel"), *, bins: int = 10) -> Figure:
    """Left: the alignment strengths drawn (ID vs OOD). Then, per method, each image's score as an ID
    percentile (share of ID images scoring lower) against its alignment: median and interquartile band per
    bin, with the 5% line below which the FPR95 threshold rejects."""
    bins = _check_count("bins", bins)
    for method in methods:
        _check_method_and_set(draw, method, draw.id_set)
    a_id = draw.alignment[draw.id_set]
    a_ood = np.concatenate([draw.alignment[s] for s in draw.ood_sets])
    edges = np.geomspace(min(a_id.min(), a_ood.min()), max(a_id.max(), a_ood.max()) * (1 + 1e-9), bins + 1)
    fig = Figure(figsize=(4 * (len(methods) + 1), 3.8), layout="constrained")
    axes = fig.subplots(1, len(methods) + 1)
    axes[0].hist([a_id, a_ood], bins=edges, weights=[np.full(a_id.size, 1 / a_id.size),
                                                     np.full(a_ood.size, 1 / a_ood.size)],
                 color=[_KIND_COLORS["ID"], _KIND_COLORS["OOD"]], label=["ID (ImageNet-1K)", "OOD (4 sets)"])
    axes[0].set_ylabel("share of images per bin (log-spaced bins)")
    axes[0].set_title("Alignment drawn per image")
    axes[0].legend(fontsize=8, loc="lower center")
    for ax, method in zip(axes[1:], methods, strict=True):
        id_sorted = np.sort(draw.scores[method][draw.id_set])
        for kind, a, s in (("ID", a_id, draw.scores[method][draw.id_set]),
                           ("OOD", a_ood, np.concatenate([draw.scores[method][o] for o in draw.ood_sets]))):
            # Mid-rank: NegLabel's ID scores tie at 1.0 in float32 for its most confident images.
            percentile = (np.searchsorted(id_sorted, s, side="left")
                          + np.searchsorted(id_sorted, s, side="right")) / (2 * id_sorted.size)
            centres, q = _binned_quantiles(a, percentile, edges)
            ax.plot(centres, q[1], marker="o", ms=3, color=_KIND_COLORS[kind], label=f"{kind} images (median)")
            ax.fill_between(centres, q[0], q[2], color=_KIND_COLORS[kind], alpha=0.2)
        ax.axhline(0.05, color="black", ls="--", lw=1, label="FPR95 threshold")
        ax.set_ylim(0, 1)
        ax.set_ylabel("score as ID percentile")
        ax.set_title(f"{METHOD_LABELS.get(method, method)} score vs alignment")
        ax.legend(fontsize=8)
    for ax in axes:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(np.round(np.geomspace(edges[0], edges[-1], 5), 2))
        ax.set_xlabel("alignment strength $a$ (log scale)")
    fig.suptitle(f"Simulated world ({draw.name}, seed {draw.seed})")
    return fig


def plot_calibration(calibration: Calibration) -> Figure:
    """Average FPR95 of MCM and NegLabel over the calibration grid (one line per OOD overlap), with the
    anchors and the chosen point."""
    if not isinstance(calibration, Calibration) or not calibration.trace:
        raise ValueError("calibration must be a debiasood.world.simulated.Calibration with a non-empty trace")
    trace = calibration.trace
    overlaps = sorted({t["overlap"] for t in trace})
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    colors = [f"C{i}" for i in range(len(overlaps))]
    for ax, method in zip(axes, ("mcm", "neglabel"), strict=True):
        for overlap, color in zip(overlaps, colors, strict=True):
            points = sorted((t["align_min"], t[method]) for t in trace if t["overlap"] == overlap)
            ax.plot(*zip(*points, strict=True), marker="o", ms=4, color=color, label=f"overlap {overlap:g}")
        ax.axhline(calibration.targets[method], color="black", ls="--", lw=1,
                   label=f"anchor, {REPORTED_LABEL}")
        ax.plot([calibration.params.align_min], [calibration.evaluation.average(method)], marker="*", ms=14,
                color="red", ls="none", label="chosen")
        ax.set_xlabel(r"$a_{min}$ (lower end of the alignment strength)")
        ax.set_title(f"{METHOD_LABELS[method]}")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("average FPR95 (%), simulated")
    fig.suptitle(f"Calibration grid on the simulated world (confusion {calibration.params.confusion:.3f})")
    return fig


def plot_per_set(draw: ScoredDraw, methods: Sequence[str] = ("mcm", "neglabel", "csp")) -> Figure:
    """Per OOD set: this draw's FPR95 (simulated) beside CLIP ViT-B/16's reported FPR95, one panel per method."""
    rows = per_set_rows(draw, methods)
    fig = Figure(figsize=(4 * len(methods), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(methods), sharey=True))
    for ax, method in zip(axes, methods, strict=True):
        mine = [r for r in rows if r["method"] == METHOD_LABELS.get(method, method)]
        x = np.arange(len(mine))
        simulated = ax.bar(x - 0.2, [r["FPR95 (this run)"] for r in mine], width=0.38, color=_COLORS[method],
                           label="simulated")
        reported = ax.bar(x + 0.2, [r[f"FPR95 {REPORTED_LABEL}"] for r in mine], width=0.38, color="white",
                          edgecolor=_COLORS[method], hatch="//", label=REPORTED_LABEL)
        ax.bar_label(simulated, fmt="%.0f", fontsize=7)
        ax.bar_label(reported, fmt="%.0f", fontsize=7)
        ax.set_xticks(x, [r["ood"] for r in mine], fontsize=8)
        ax.set_title(METHOD_LABELS.get(method, method) + (" (held out)" if method == "csp" else ""))
        ax.legend(fontsize=8)
    axes[0].set_ylabel("FPR95 (%)")
    fig.suptitle("Per OOD set: simulated world vs reported CLIP ViT-B/16")
    return fig
