"""Figures and tables of the book page on the simulated world (notebooks/07_simulated_world.py).

The page explains how :mod:`debiasood.world.simulated` builds synthetic image embeddings, why each image draws its own
alignment strength, how the world is calibrated, where it departs from CLIP, and how close its text side mines to
real CLIP. This module holds what the page computes, so its cells stay short:

- :func:`score_world`: one draw of a world, scored by MCM and by NegLabel's score on one or more negative sets
  (NegLabel's, CSP's) through the one evaluation layer (:func:`debiasood.core.evaluation.evaluate`), keeping
  every image's alignment strength (a :class:`ScoredDraw`);
- :data:`VARIANTS` and :func:`variant_worlds`: the fitted world and two simpler versions of it (isotropic noise
  only; neighbour confusion and OOD overlap but one alignment strength for every image);
- :func:`alignment_correlation` and :func:`low_alignment_rejection`: how strongly each score follows the
  alignment strength of an ID image;
- tables (:func:`variant_rows`, :func:`per_set_rows`) and figures (:func:`plot_variants`,
  :func:`plot_alignment`, :func:`plot_calibration`, :func:`plot_per_set`);
- text-side fidelity against real CLIP's selections (:mod:`debiasood.data.fidelity`): :func:`bundle_fidelity`
  for a feature bundle's own text side, :func:`clip_like_text` and :func:`other_text_sides` for the book's other
  text side (the CLIP-like one of :mod:`debiasood.world.text_side`, or MiniLM for a world on it), and
  :func:`fidelity_table` with :data:`FIDELITY_TARGETS` beside.

The world's draws are SIMULATED: their rows carry ``world = "simulated"`` and figure titles say so. The per-set
table and figure take any :class:`debiasood.core.evaluation.Evaluation` (a bundle's, real or simulated) and carry
its label. The CLIP numbers shown beside them are the reported CLIP ViT-B/16 ones (:mod:`debiasood.data.reported`).
Scores and metrics use the settings of :func:`debiasood.world.simulated.evaluate` (MCM at T = 1; NegLabel at
T = 0.01, G = 100, partition seed 0; FPR95 in the paper convention), so a draw here, ``world.evaluate`` and
the bundle of the same draw give the same MCM and NegLabel numbers.

Every figure function returns a :class:`matplotlib.figure.Figure` that is not registered with pyplot, so a
notebook shows it exactly once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.data import reported
from debiasood.data.bundle import FeatureBundle
from debiasood.world.simulated import FITTED_MINILM, Calibration, SemanticWorld

METHOD_LABELS: dict[str, str] = {"mcm": "MCM", "neglabel": "NegLabel", "csp": "CSP"}
SET_LABELS: dict[str, str] = {"inaturalist": "iNaturalist", "sun": "SUN", "places": "Places",
                              "textures": "Textures"}
REPORTED_LABEL = reported.LABEL

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
    """One draw of a simulated world, scored: the :class:`~debiasood.core.evaluation.Evaluation` of its images
    and every image's alignment strength.

    ``scores[method][set]`` and ``alignment[set]`` are per image; ``fpr95[method][ood]`` and
    ``auroc[method][ood]`` are percentages (paper convention); ``top1`` is the zero-shot top-1 of the ID
    images against the MCM prompts, a fraction. SIMULATED numbers, never CLIP's.
    """

    name: str
    params: Any  # debiasood.world.simulated.WorldParams
    seed: int
    top1: float
    alignment: dict[str, np.ndarray]
    evaluation: Evaluation

    @property
    def id_set(self) -> str:
        return self.evaluation.id_set

    @property
    def ood_sets(self) -> tuple[str, ...]:
        return self.evaluation.ood_sets

    @property
    def scores(self) -> dict[str, dict[str, np.ndarray]]:
        return self.evaluation.scores

    @property
    def methods(self) -> tuple[str, ...]:
        return self.evaluation.methods

    @functools.cached_property
    def _metrics(self) -> dict[str, dict[str, dict[str, float]]]:
        return {method: self.evaluation.metrics(method) for method in self.methods}

    @property
    def fpr95(self) -> dict[str, dict[str, float]]:
        return {m: {s: per_set[s]["fpr95"] for s in self.ood_sets} for m, per_set in self._metrics.items()}

    @property
    def auroc(self) -> dict[str, dict[str, float]]:
        return {m: {s: per_set[s]["auroc"] for s in self.ood_sets} for m, per_set in self._metrics.items()}

    def average(self, method: str, metric: str = "fpr95") -> float:
        """Unweighted mean over the OOD sets of ``metric`` ("fpr95" or "auroc") for ``method``."""
        if metric not in ("fpr95", "auroc"):
            raise ValueError(f"metric must be 'fpr95' or 'auroc', got {metric!r}")
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not scored; this draw has {list(self.scores)}")
        return float(self._metrics[method]["average"][metric])

    def threshold(self, method: str) -> float:
        """The score that keeps 95% of the ID images (the FPR95 operating point)."""
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not scored; this draw has {list(self.scores)}")
        return float(np.quantile(self.scores[method][self.id_set], 0.05))


def score_world(world: SemanticWorld, id_mcm: Any, id_neglabel: Any, negatives: Mapping[str, Any], *,
                sizes: Mapping[str, int], seed: int = 0, name: str = "fitted") -> ScoredDraw:
    """Draw ``sizes[set]`` images of each set of ``world`` and score them with
    :func:`debiasood.core.evaluation.evaluate` (default :class:`~debiasood.core.evaluation.Settings`).

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
    methods = {"mcm": MethodInput("mcm", text["mcm"]),
               **{m: MethodInput("neglabel", text["id"], neg) for m, neg in negative_text.items()}}
    result = evaluate({s: drawn.features for s, drawn in images.items()}, world.id_set, methods,
                      settings=Settings(), label=f"simulated world ({name})")
    return ScoredDraw(name, world.params, seed, top1, {s: np.asarray(images[s].alignment) for s in images}, result)


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


def scorable_methods(bundle: FeatureBundle, methods: Sequence[str] = ("mcm", "neglabel", "csp")
                     ) -> tuple[list[str], str | None]:
    """The ``methods`` whose negatives ``bundle`` can mine, and a Markdown note naming the others (None if none).

    CSP needs the bundle's CSP pool; a bundle converted from the official code's dumps holds only its fixed
    selections (``text.fixed_negatives``), so only the methods of those rules can run on it.
    """
    from debiasood.core.methods import METHODS, check_methods

    if not isinstance(bundle, FeatureBundle):
        raise TypeError(f"bundle must be a debiasood.data.bundle.FeatureBundle, got {type(bundle).__name__}")
    fixed = bundle.text.fixed_negatives
    kept, reasons = [], []
    for method in check_methods(methods):
        rule = METHODS[method].rule
        if rule is not None and fixed is not None and rule not in fixed:
            reasons.append(f"{METHOD_LABELS.get(method, method)} (the bundle holds fixed selections for "
                           f"{', '.join(sorted(fixed))} only)")
        elif rule == "csp" and bundle.text.csp_pool is None:
            reasons.append(f"{METHOD_LABELS.get(method, method)} (the bundle has no CSP pool)")
        else:
            kept.append(method)
    if not reasons:
        return kept, None
    return kept, (f"```{{note}}\n**Skipped: the rows of {'; '.join(reasons)}.** These features ({bundle.label}) "
                  "cannot mine their negatives.\n```")


# ------------------------------------------------------------------------------------------------- tables

def _reported_fpr95(method: str, set_name: str, ood_sets: Sequence[str] = reported.OOD_SETS) -> float | None:
    """The reported FPR95 of ``method`` on ``set_name`` (or "average", only when ``ood_sets`` are the four
    benchmark sets the reported average is over); None where nothing is reported."""
    if method not in reported.REPORTED:
        return None
    if set_name == "average":
        return reported.fpr95(method, "average") if tuple(ood_sets) == reported.OOD_SETS else None
    return reported.fpr95(method, set_name) if set_name in reported.OOD_SETS else None


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
    mcm, neglabel = reported.fpr95("mcm", "average"), reported.fpr95("neglabel", "average")
    rows.append({"world": REPORTED_LABEL, "variant": "real images",
                 "top-1 %": f"about {100 * reported.CLIP_B16_TOP1:.0f}", "MCM FPR95": mcm,
                 "NegLabel FPR95": neglabel, "NegLabel better": "yes" if neglabel < mcm else "no"})
    return rows


def _stored_full_size(method: str, set_name: str) -> float | str:
    table = FITTED_MINILM["full_size"].get(method, {})
    return float(np.mean(table[set_name])) if set_name in table else "not stored"


def per_set_rows(evaluation: Evaluation, methods: Sequence[str] = ("mcm", "neglabel", "csp"), *,
                 stored: bool = False) -> list[dict[str, object]]:
    """FPR95 per OOD set and average of ``evaluation`` (a bundle's or a draw's; its ``label`` fills the "world"
    column) beside CLIP ViT-B/16's reported FPR95, with the this-run-minus-reported gap ("not reported" where
    the papers give none). ``stored`` adds the simulated world's stored full-size numbers (mean of two seeds;
    "not stored" where FITTED_MINILM has none): only meaningful when ``evaluation`` is a draw of that world."""
    if not isinstance(evaluation, Evaluation):
        raise ValueError(f"evaluation must be a debiasood.core.evaluation.Evaluation, got {type(evaluation).__name__}")
    rows: list[dict[str, object]] = []
    for method in methods:
        if method not in evaluation.scores:
            raise ValueError(f"method {method!r} was not evaluated; evaluated: {list(evaluation.scores)}")
        metrics = evaluation.metrics(method)
        for set_name in (*evaluation.ood_sets, "average"):
            value = metrics[set_name]["fpr95"]
            clip = _reported_fpr95(method, set_name, evaluation.ood_sets)
            row: dict[str, object] = {"world": evaluation.label, "method": METHOD_LABELS.get(method, method),
                                      "ood": SET_LABELS.get(set_name, set_name), "FPR95 (this run)": value}
            if stored:
                row["FPR95 (full size, stored)"] = _stored_full_size(method, set_name)
            row[f"FPR95 {REPORTED_LABEL}"] = "not reported" if clip is None else clip
            row["this run - reported"] = "not reported" if clip is None else value - clip
            rows.append(row)
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


def plot_per_set(evaluation: Evaluation, methods: Sequence[str] = ("mcm", "neglabel", "csp")) -> Figure:
    """Per OOD set: ``evaluation``'s FPR95 (labelled with its ``label``) beside CLIP ViT-B/16's reported FPR95
    where the papers give one, one panel per method."""
    rows = per_set_rows(evaluation, methods)
    fig = Figure(figsize=(4 * len(methods), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(methods), sharey=True))
    for ax, method in zip(axes, methods, strict=True):
        mine = [r for r in rows if r["method"] == METHOD_LABELS.get(method, method)]
        x = np.arange(len(mine))
        this_run = ax.bar(x - 0.2, [r["FPR95 (this run)"] for r in mine], width=0.38, color=_COLORS[method],
                          label="this run")
        clip = [r[f"FPR95 {REPORTED_LABEL}"] for r in mine]
        known = np.array([isinstance(v, float) for v in clip])
        if known.any():
            bars = ax.bar(x[known] + 0.2, [v for v in clip if isinstance(v, float)], width=0.38, color="white",
                          edgecolor=_COLORS[method], hatch="//", label=REPORTED_LABEL)
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
        ax.bar_label(this_run, fmt="%.0f", fontsize=7)
        ax.set_xticks(x, [r["ood"] for r in mine], fontsize=8)
        ax.set_title(METHOD_LABELS.get(method, method))
        ax.legend(fontsize=8)
    axes[0].set_ylabel("FPR95 (%)")
    fig.suptitle(f"Per OOD set: {evaluation.label} vs {REPORTED_LABEL}")
    return fig


# ------------------------------------------------------------------------------------ text-side fidelity

#: What a text side that mines like CLIP should reach on the held-out half of the words (NegLabel) and on CSP's
#: selection, which no text side here was fitted on: (lowest, highest) per column of
#: :meth:`debiasood.data.fidelity.TextSideFidelity.table`, None for an open end. The false-negative bands are
#: real CLIP's own shares (2.76% of NegLabel's selection, 1.60% of CSP's nouns; the book's method reference,
#: ``method-real-artifacts``) plus or minus half a point.
FIDELITY_TARGETS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "neglabel": {"AUROC": (0.85, None), "TV distance": (None, 0.15), "false negatives %": (2.3, 3.3)},
    "csp nouns": {"AUROC": (0.80, None), "false negatives %": (1.1, 2.1)},
}

#: The text sides the book offers, by short name (used in record names), with their labels in tables.
TEXT_SIDE_LABELS: dict[str, str] = {
    "minilm": "simulated: MiniLM text side (all-MiniLM-L6-v2)",
    "cliplike": "simulated: CLIP-like text side (MiniLM bent to rank words as CLIP does)",
}

_FIDELITY_HALVES = {"fit half": "fit", "held-out half": "held_out"}
_FIDELITY_METRICS = {"AUROC": "auroc", "TV distance": "tv", "false negatives %": "fn"}


def fidelity_note(bundle: FeatureBundle) -> str | None:
    """Why the fidelity of ``bundle``'s own text side cannot be measured (Markdown), or None when it can: the
    real selections were mined against ImageNet-1K's 1000 labels from WordNet words, so the bundle's ID classes
    must be those labels (wnids) and its corpus words must carry synsets."""
    from debiasood.data.label_sets import get_label_set

    if not isinstance(bundle, FeatureBundle):
        raise TypeError(f"bundle must be a debiasood.data.bundle.FeatureBundle, got {type(bundle).__name__}")
    text = bundle.text
    if not text.has_wordnet:
        reason = "WordNet synsets for the ID classes (wnids) and the corpus words"
    elif tuple(text.id_wnids) != tuple(get_label_set("imagenet1k").wnids):
        reason = "ImageNet-1K's 1000 classes as the ID labels, which real CLIP's selections were mined against"
    else:
        return None
    return (f"```{{note}}\n**Skipped: the fidelity of the features' own text side.** It needs {reason}; these "
            f"features ({bundle.label}) do not have them.\n```")


def bundle_fidelity(bundle: FeatureBundle, *, split_seed: int = 0) -> list[dict[str, object]]:
    """:func:`debiasood.data.fidelity.fidelity_rows` of ``bundle``'s own text side (its corpus under NegLabel's
    prompts, its ID labels, CSP's pool when it has one). Check :func:`fidelity_note` first."""
    from debiasood.data.fidelity import fidelity_rows

    note = fidelity_note(bundle)
    if note is not None:
        raise ValueError(note.splitlines()[1])
    text = bundle.text
    features = {"corpus_features": text.corpus_features, "id_neglabel": text.id_neglabel}
    if text.csp_pool is not None:
        features["csp_features"] = text.csp_features
    return fidelity_rows(features, text.corpus, text.csp_pool, split_seed=split_seed)


def clip_like_text(setup: Any, *, encoder: Any = None) -> dict[str, np.ndarray]:
    """The CLIP-like text side's features of ``setup.corpus`` under NegLabel's prompts ("corpus_features") and of
    ImageNet-1K's labels ("id_neglabel"), as :func:`debiasood.world.simulated.benchmark_text_features` keys them.

    ``setup`` is the offline world (:func:`debiasood.world.offline.offline_setup`); ``encoder`` a
    :class:`debiasood.world.text_side.ClipLikeTextEncoder` over ``setup.encoder`` (default: the fitted one). The
    text side is a fixed map of its base encoder's features (:func:`debiasood.world.text_side.transform`), and
    the world already holds those base features of the very same prompts, so they are mapped instead of
    embedded again. The result is stored in the feature store under the keys
    :func:`debiasood.data.feature_store.cached_text_features` uses for this encoder: later runs, and anyone
    embedding these prompts with it, read them from there.
    """
    import torch

    from debiasood.core import prompts
    from debiasood.data.feature_store import FeatureStore, text_feature_key
    from debiasood.world.simulated import ID_SET, benchmark_label_sets
    from debiasood.world.text_side import ClipLikeTextEncoder, signal_matrix, transform

    encoder = ClipLikeTextEncoder(base=setup.encoder) if encoder is None else encoder
    if not isinstance(encoder, ClipLikeTextEncoder) or encoder.base.id != setup.encoder.id:
        raise ValueError("encoder must be a ClipLikeTextEncoder whose base is the world's text encoder "
                         f"({setup.encoder.id}), since it maps the world's stored features")
    store = setup.store if setup.store is not None else FeatureStore()

    def mapped(labels: Sequence[str], template: str, base: np.ndarray) -> torch.Tensor:
        hub, kinds = encoder.anchors
        texts = [prompts.fill(template, label) for label in labels]
        base = np.asarray(base, dtype=np.float64)
        return torch.from_numpy(transform(base, signal_matrix(texts, base, kinds), hub, encoder.params)
                                .astype(np.float32))

    def stored(labels: Sequence[str], template: str, fingerprint: str, base: np.ndarray) -> np.ndarray:
        key = text_feature_key(encoder.id, list(labels), template, fingerprint)
        return store.get_or_compute(key, lambda: mapped(labels, template, base)).numpy()

    corpus = setup.corpus
    parts = np.asarray(corpus.parts_of_speech)
    words = np.asarray(corpus.words, dtype=object)
    base = np.asarray(setup.text["corpus_features"])
    features = np.zeros_like(base, dtype=np.float32)
    for part, template in (("noun", prompts.NEGLABEL_NOUN_TEMPLATE), ("adj", prompts.NEGLABEL_ADJ_TEMPLATE)):
        mask = parts == part
        if mask.any():
            features[mask] = stored(list(words[mask]), template, corpus.fingerprint, base[mask])
    names = list(benchmark_label_sets()[ID_SET])
    return {"corpus_features": features,
            "id_neglabel": stored(names, prompts.NEGLABEL_ID_TEMPLATE, "imagenet1k/clip", setup.text["id_neglabel"])}


def other_text_sides(setup: Any, *, split_seed: int = 0) -> dict[str, list[dict[str, object]]]:
    """:func:`debiasood.data.fidelity.fidelity_rows` of the book's text sides other than the world's own, on the
    world's corpus, by short name (:data:`TEXT_SIDE_LABELS`): the CLIP-like one (:func:`clip_like_text`) for a
    world on MiniLM, MiniLM (its base encoder's stored features) for a world on the CLIP-like text side. CSP's
    pool nouns are the corpus nouns' rows, as in the offline world."""
    from debiasood.data.fidelity import fidelity_rows
    from debiasood.world.simulated import benchmark_text_features
    from debiasood.world.text_side import ClipLikeTextEncoder

    if isinstance(setup.encoder, ClipLikeTextEncoder):
        short = "minilm"
        text = benchmark_text_features(setup.encoder.base, corpus=setup.corpus, csp=False, store=setup.store)
    else:
        short, text = "cliplike", clip_like_text(setup)
    return {short: fidelity_rows(text, setup.corpus, None, split_seed=split_seed)}


def _half(words: object) -> str | None:
    return next((half for prefix, half in _FIDELITY_HALVES.items() if str(words).startswith(prefix)), None)


def _target_text(rule: str) -> str:
    parts = []
    for column, (low, high) in FIDELITY_TARGETS[rule].items():
        if low is not None and high is not None:
            parts.append(f"{column} {low:g}-{high:g}")
        else:
            parts.append(f"{column} >= {low:g}" if low is not None else f"{column} <= {high:g}")
    return ", ".join(parts)


def _met(row: Mapping[str, object], rule: str) -> dict[str, bool]:
    return {column: (low is None or float(row[column]) >= low) and (high is None or float(row[column]) <= high)
            for column, (low, high) in FIDELITY_TARGETS[rule].items()}


def fidelity_table(sides: Mapping[str, Sequence[Mapping[str, object]]]) -> list[dict[str, object]]:
    """One table of several text sides' fidelity rows (``{text side label: fidelity_rows(...)}``): the fit and
    held-out halves of each rule, with :data:`FIDELITY_TARGETS` and which of them the held-out row meets."""
    if not sides:
        raise ValueError("sides is empty: pass {text side label: fidelity_rows(...)}")
    table = []
    for side, rows in sides.items():
        for row in rows:
            half = _half(row["words"])
            if half is None:
                continue
            rule = str(row["rule"])
            if rule not in FIDELITY_TARGETS:
                raise ValueError(f"unknown rule {rule!r} in the fidelity rows of {side!r}")
            met = _met(row, rule)
            table.append({"text side": side, "rule": rule, "words": row["words"], "AUROC": row["AUROC"],
                          "Jaccard": row["Jaccard"], "TV distance": row["TV distance"],
                          "false negatives %": row["false negatives %"],
                          "real CLIP false negatives %": row["real false negatives %"],
                          "target (held-out half)": _target_text(rule) if half == "held_out" else "",
                          "met": f"{sum(met.values())} of {len(met)}" if half == "held_out" else ""})
    if not table:
        raise ValueError("no fit-half or held-out-half rows: pass debiasood.data.fidelity.fidelity_rows(...)")
    return table


def fidelity_records(rows: Sequence[Mapping[str, object]], prefix: str) -> dict[str, float]:
    """The key numbers of one text side's fidelity rows, named ``<prefix>_<rule>_<metric>_<half>`` (rule
    "neglabel" or "csp"; metric auroc, tv or fn; half fit or held_out), the real selection's false-negative
    share per held-out rule (``<prefix>_<rule>_real_fn_held_out``) and ``<prefix>_targets_met`` (held-out targets
    met, of :func:`fidelity_target_count`)."""
    out: dict[str, float] = {}
    met = 0
    for row in rows:
        half, rule = _half(row["words"]), str(row["rule"])
        if half is None:
            continue
        short = "csp" if rule == "csp nouns" else rule
        for column, name in _FIDELITY_METRICS.items():
            out[f"{prefix}_{short}_{name}_{half}"] = float(row[column])
        if half == "held_out":
            out[f"{prefix}_{short}_real_fn_held_out"] = float(row["real false negatives %"])
            met += sum(_met(row, rule).values())
    if not out:
        raise ValueError("no fit-half or held-out-half rows: pass debiasood.data.fidelity.fidelity_rows(...)")
    out[f"{prefix}_targets_met"] = met
    return out


def fidelity_target_count(rules: Sequence[str] = tuple(FIDELITY_TARGETS)) -> int:
    """How many held-out targets :data:`FIDELITY_TARGETS` sets for ``rules``."""
    return sum(len(FIDELITY_TARGETS[rule]) for rule in rules)
