"""The main benchmark's report: our simulated rows beside the papers' reported CLIP numbers, and its figures.

Notebook 03 (``notebooks/03_main_benchmark.py``) runs ImageNet-1K against iNaturalist, SUN, Places and Textures on
the offline world (:mod:`debiasood.world.simulated`) with
:func:`debiasood.world.offline.simulated_benchmark`; this module holds
what the page adds around it, so its cells stay short:

- :data:`REPORTED` and :data:`REPORTED_DNM`: the papers' FPR95 / AUROC with CLIP ViT-B/16
  (method reference: Reported numbers);
- :func:`main_table_rows` / :func:`main_table_markdown` / :func:`main_table_csv` / :func:`write_main_table`:
  the main table, simulated rows beside reported ones, as written to ``results/main_benchmark.{md,csv}``;
- :func:`score_draw`: every image's score under each benchmark method on one fixed draw of images (for the
  figures and the partition spread; :func:`simulated_benchmark` returns metrics only);
- :func:`partition_spread` and :func:`spread_summary`: the same images under several seeded partitions of the
  negatives (only the grouping changes), and the spread of FPR95 this causes;
- :func:`roc_points`, :func:`plot_score_histograms`, :func:`plot_roc_curves`.

Every number measured here is SIMULATED: rows carry ``world = "simulated"`` and figure titles say so. Reported
numbers carry ``world = "reported (CLIP ViT-B/16)"``. Scores come from :data:`debiasood.core.evaluation.SCORES` and
metrics from :mod:`debiasood.core.metrics` (paper convention), as in :func:`simulated_benchmark`.

Every figure function returns a :class:`matplotlib.figure.Figure` that is not registered with pyplot, so a
notebook shows it exactly once.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from debiasood.book.tables import render
from debiasood.core.evaluation import SCORES, ScoreSettings
from debiasood.core.metrics import METRIC_NAMES, average_metrics, ood_metrics
from debiasood.data import reported as reported_numbers
from debiasood.world.offline import METHODS, method_negatives
from debiasood.world.simulated import BENCHMARK_SIZES, CALIBRATION_SIZES, OOD_SETS, SMOKE_SIZES

SIMULATED_LABEL = "simulated"
REPORTED_LABEL = reported_numbers.LABEL

METHOD_LABELS: dict[str, str] = {"mcm": "MCM", "neglabel": "NegLabel", "csp": "CSP", "dnm": "DNM (clamped)",
                                 "dnm-official": "DNM (official arithmetic)"}
SET_LABELS: dict[str, str] = {"inaturalist": "iNaturalist", "sun": "SUN", "places": "Places",
                              "textures": "Textures", "average": "Average"}
COLUMNS: tuple[str, ...] = (*OOD_SETS, "average")

#: Image counts by name, for notebook parameters (``debiasood.world.simulated``'s presets).
SIZE_PRESETS: dict[str, dict[str, int]] = {"benchmark": BENCHMARK_SIZES, "calibration": CALIBRATION_SIZES,
                                           "smoke": SMOKE_SIZES}

#: Reported FPR95 / AUROC in percent (ImageNet-1K ID, CLIP ViT-B/16, paper convention), read from
#: :mod:`debiasood.data.reported` (the one module of reported numbers). MCM's and NegLabel's averages are the
#: world's calibration anchors; CSP's are held out. DNM: iNaturalist from the paper, the average FPR95 from a
#: secondary source, the rest not recovered (None).
REPORTED: dict[str, dict[str, tuple[float | None, float | None]]] = {
    method: dict(reported_numbers.REPORTED[method]) for method in ("mcm", "neglabel", "csp")}
REPORTED_DNM: dict[str, tuple[float | None, float | None]] = dict(reported_numbers.REPORTED["dnm"])
REPORTED_MARKS: dict[tuple[str, str], str] = dict(reported_numbers.MARKS)

MAIN_TABLE_LEGEND = (
    "FPR95 ↓ / AUROC ↑ in %, paper convention, ImageNet-1K as ID. Rows marked *simulated* come from "
    "debiasood's offline world (MiniLM text encoder + synthetic image embeddings), NOT from CLIP; rows marked "
    "*reported (CLIP ViT-B/16)* are the papers' numbers (method reference, Reported numbers): * recalled by "
    "third parties, "
    "† secondary source, – not recovered. Simulated CSP uses NegLabel's single prompts instead of CSP's prompt "
    "ensembles."
)


def sizes_preset(name: str) -> dict[str, int]:
    """Image counts of a preset of :data:`SIZE_PRESETS` ("benchmark", "calibration" or "smoke")."""
    if name not in SIZE_PRESETS:
        raise ValueError(f"sizes preset {name!r} is unknown; choose from {', '.join(SIZE_PRESETS)}")
    return dict(SIZE_PRESETS[name])


def reported(method: str) -> dict[str, tuple[float | None, float | None]]:
    """Reported (FPR95, AUROC) per OOD set and average for a benchmark method; DNM's for both DNM forms."""
    if method in REPORTED:
        return REPORTED[method]
    if method in ("dnm", "dnm-official"):
        return REPORTED_DNM
    raise ValueError(f"no reported numbers for method {method!r}; known: {', '.join([*REPORTED, 'dnm'])}")


# --------------------------------------------------------------------------------------------- main table

def _check_rows(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    if not rows:
        raise ValueError("rows is empty: pass simulated_benchmark's rows")
    index: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in rows:
        missing = [key for key in ("world", "method", "ood", "fpr95", "auroc") if key not in row]
        if missing:
            raise ValueError(f"rows need world, method, ood, fpr95 and auroc; a row lacks {missing}")
        if row["world"] != SIMULATED_LABEL:
            raise ValueError(f"rows must be simulated rows (world = 'simulated'), got world = {row['world']!r}")
        index[(str(row["method"]), str(row["ood"]))] = row
    for method in {m for m, _ in index}:
        absent = [s for s in COLUMNS if (method, s) not in index]
        if absent:
            raise ValueError(f"rows of method {method!r} lack OOD set(s) {absent}")
    return index


def _pair(fpr95: float | None, auroc: float | None, mark: str = "") -> str:
    def cell(value: float | None) -> str:
        return "–" if value is None or math.isnan(value) else f"{value:.2f}"

    return f"{cell(fpr95)} / {cell(auroc)}{mark}"


def main_table_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The main table: per method, its simulated row, then the reported row beside it (once for both DNMs).

    ``rows`` are :func:`debiasood.world.offline.simulated_benchmark`'s rows (per OOD set and "average"). Cells are
    "FPR95 / AUROC" strings; every row names its ``world``.
    """
    index = _check_rows(rows)
    methods = list(dict.fromkeys(m for m, _ in index))
    table: list[dict[str, str]] = []
    for position, method in enumerate(methods):
        table.append({"method": METHOD_LABELS.get(method, method), "world": SIMULATED_LABEL,
                      **{SET_LABELS[s]: _pair(index[(method, s)]["fpr95"], index[(method, s)]["auroc"])
                         for s in COLUMNS}})
        next_method = methods[position + 1] if position + 1 < len(methods) else None
        is_dnm = method in ("dnm", "dnm-official")
        if is_dnm and next_method in ("dnm", "dnm-official"):
            continue  # one reported DNM row after both DNM forms
        numbers = reported(method)
        key = "dnm" if is_dnm else method
        table.append({"method": "DNM" if is_dnm else METHOD_LABELS.get(method, method), "world": REPORTED_LABEL,
                      **{SET_LABELS[s]: _pair(*numbers[s], REPORTED_MARKS.get((key, s), "")) for s in COLUMNS}})
    return table


def main_table_markdown(rows: Sequence[Mapping[str, Any]], *, description: str) -> str:
    """The Markdown file: a bold caption with ``description`` (what was simulated, sizes, seeds), then the table."""
    if not description.strip():
        raise ValueError("description is empty: say what was simulated (sizes, seeds)")
    caption = f"**Main benchmark (simulated vs reported).** {MAIN_TABLE_LEGEND} {description.strip()}"
    return f"{caption}\n\n{render(main_table_rows(rows))}\n"


_CSV_COLUMNS = ("world", "method", "ood", *(f"{m}{suffix}" for m in METRIC_NAMES for suffix in ("", "_low", "_high")),
                "note")


def main_table_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The CSV file: one line per (world, method, OOD set) with every metric and its bootstrap interval.

    Simulated lines take every metric of ``rows`` (intervals "nan" where ``rows`` have none, as on averages);
    reported lines carry FPR95 and AUROC only ("nan" where not recovered) and a note naming their source.
    """
    index = _check_rows(rows)
    lines: list[dict[str, object]] = []
    for (method, ood), row in index.items():
        line: dict[str, object] = {"world": SIMULATED_LABEL, "method": method, "ood": ood}
        for column in _CSV_COLUMNS[3:-1]:
            line[column] = float(row.get(column, math.nan))
        line["note"] = "offline world (MiniLM text + synthetic images), not CLIP"
        lines.append(line)
    for method in [*REPORTED, "dnm"]:
        numbers = reported(method)
        for ood in COLUMNS:
            line = {"world": REPORTED_LABEL, "method": method, "ood": ood}
            line.update({column: math.nan for column in _CSV_COLUMNS[3:-1]})
            line["fpr95"], line["auroc"] = (math.nan if v is None else v for v in numbers[ood])
            mark = REPORTED_MARKS.get((method, ood), "")
            line["note"] = "method reference, Reported numbers" + {"*": "; recalled by third parties, to be confirmed",
                                                  "†": "; secondary source", "": ""}[mark]
            lines.append(line)
    return render(lines, "csv") + "\n"


def write_main_table(rows: Sequence[Mapping[str, Any]], directory: str | Path, *, description: str,
                     stem: str = "main_benchmark") -> tuple[Path, Path]:
    """Write ``<directory>/<stem>.md`` and ``<stem>.csv`` (the directory is created); return both paths."""
    if not stem or "/" in stem:
        raise ValueError(f"stem must be a plain file name without '/', got {stem!r}")
    markdown, csv = main_table_markdown(rows, description=description), main_table_csv(rows)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = folder / f"{stem}.md", folder / f"{stem}.csv"
    md_path.write_text(markdown)
    csv_path.write_text(csv)
    return md_path, csv_path


def interval_rows(rows: Sequence[Mapping[str, Any]], metric: str = "fpr95") -> list[dict[str, object]]:
    """Per (method, OOD set): ``metric`` with its bootstrap 95% interval and the interval's width (simulated)."""
    if metric not in METRIC_NAMES:
        raise ValueError(f"metric must be one of {METRIC_NAMES}, got {metric!r}")
    index = _check_rows(rows)
    out = []
    for (method, ood), row in index.items():
        if ood == "average":
            continue
        if f"{metric}_low" not in row:
            raise ValueError("rows carry no bootstrap intervals: run simulated_benchmark with bootstrap > 0")
        out.append({"world": SIMULATED_LABEL, "method": METHOD_LABELS.get(method, method),
                    "ood": SET_LABELS.get(ood, ood), metric: row[metric], "95% low": row[f"{metric}_low"],
                    "95% high": row[f"{metric}_high"], "width": row[f"{metric}_high"] - row[f"{metric}_low"]})
    return out


# ------------------------------------------------------------------------------------- scores of one draw

@dataclass(frozen=True)
class ScoreDraw:
    """Every image's score under each method, on one fixed draw of images and one partition (simulated)."""

    scores: dict[str, dict[str, np.ndarray]]  # method -> set name -> (n,) scores, HIGHER = more ID
    id_set: str
    partition_seed: int

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self.scores)

    @property
    def ood_sets(self) -> tuple[str, ...]:
        return tuple(s for s in next(iter(self.scores.values())) if s != self.id_set)

    def metrics(self, method: str) -> dict[str, dict[str, float]]:
        """Paper-convention metrics per OOD set and "average" (unweighted mean over sets)."""
        if method not in self.scores:
            raise ValueError(f"method {method!r} was not scored; this draw has {list(self.scores)}")
        by_set = self.scores[method]
        per_set = {s: ood_metrics(by_set[self.id_set], by_set[s]) for s in self.ood_sets}
        return {**per_set, "average": average_metrics(per_set)}


def score_draw(world: Any, text: Mapping[str, np.ndarray], images: Mapping[str, np.ndarray], *,
               methods: Sequence[str], density_indices: Sequence[int] | None = None,
               settings: ScoreSettings | None = None) -> ScoreDraw:
    """Score ``images`` ({set name: (n, d + 1) features}, the ID set included) with each method.

    ``world`` pads the text features (:meth:`debiasood.world.simulated.SemanticWorld.text`); ``settings`` holds the
    partition seed and the score settings (default :class:`ScoreSettings`), as in ``simulated_benchmark``.
    """
    settings = ScoreSettings() if settings is None else settings
    if not methods:
        raise ValueError("methods is empty")
    if world.id_set not in images or len(images) < 2:
        raise ValueError(f"images must hold the ID set {world.id_set!r} and at least one OOD set, "
                         f"got {list(images)}")
    # Every score is per image, so all sets are scored in one call and split again (fewer, larger products).
    names = list(images)
    stacked = np.concatenate([np.asarray(images[name], dtype=np.float32) for name in names])
    bounds = np.cumsum([0, *(len(images[name]) for name in names)])
    scores: dict[str, dict[str, np.ndarray]] = {}
    for method in methods:
        negatives = method_negatives(text, method, density_indices)
        id_text = world.text(text["id_mcm"] if method == "mcm" else text["id_neglabel"])
        neg_text = None if negatives is None else world.text(negatives)
        values = np.asarray(SCORES[METHODS[method][1]](stacked, id_text, neg_text, settings), dtype=np.float64)
        scores[method] = {name: values[bounds[i]:bounds[i + 1]] for i, name in enumerate(names)}
    return ScoreDraw(scores, world.id_set, settings.seed)


# ------------------------------------------------------------------------------------- partition spread

def partition_spread(world: Any, text: Mapping[str, np.ndarray], images: Mapping[str, np.ndarray], *,
                     methods: Sequence[str], seeds: Sequence[int], density_indices: Sequence[int] | None = None,
                     settings: ScoreSettings | None = None) -> tuple[list[dict[str, object]], ScoreDraw]:
    """FPR95 and AUROC of the grouped ``methods`` under each partition seed, on the same ``images``.

    Only the partition of the negatives changes between seeds (``settings`` with ``seed`` replaced). Returns
    the rows (world, method, seed, ood, fpr95, auroc; "average" included) and the draw of the first seed.
    """
    settings = ScoreSettings() if settings is None else settings
    grouped = [m for m in methods if METHODS.get(m, (None,))[0] is not None]
    if not grouped or len(grouped) != len(methods):
        raise ValueError(f"methods must be grouped-score methods (every method but mcm), got {list(methods)}")
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must hold at least two distinct partition seeds, got {list(seeds)}")
    rows: list[dict[str, object]] = []
    first: ScoreDraw | None = None
    for seed in seeds:
        draw = score_draw(world, text, images, methods=methods, density_indices=density_indices,
                          settings=dataclasses.replace(settings, seed=int(seed)))
        if first is None:
            first = draw
        for method in methods:
            for ood, values in draw.metrics(method).items():
                rows.append({"world": SIMULATED_LABEL, "method": method, "seed": int(seed), "ood": ood,
                             "fpr95": values["fpr95"], "auroc": values["auroc"]})
    return rows, first


def spread_summary(rows: Sequence[Mapping[str, Any]], metric: str = "fpr95",
                   ood: str = "average") -> dict[str, dict[str, float]]:
    """Per method: mean, sd (sample), min and max of ``metric`` on ``ood`` over the partition seeds."""
    if metric not in ("fpr95", "auroc"):
        raise ValueError(f"metric must be 'fpr95' or 'auroc', got {metric!r}")
    values: dict[str, list[float]] = {}
    for row in rows:
        if row["ood"] == ood:
            values.setdefault(str(row["method"]), []).append(float(row[metric]))
    if not values:
        raise ValueError(f"no rows for ood {ood!r}")
    short = [m for m, v in values.items() if len(v) < 2]
    if short:
        raise ValueError(f"method(s) {short} have fewer than two seeds: no spread")
    return {m: {"mean": statistics.fmean(v), "sd": statistics.stdev(v), "min": min(v), "max": max(v),
                "seeds": len(v)} for m, v in values.items()}


def spread_table_rows(summary: Mapping[str, Mapping[str, float]], metric: str = "fpr95") -> list[dict[str, object]]:
    """:func:`spread_summary` as table rows (simulated)."""
    return [{"world": SIMULATED_LABEL, "method": METHOD_LABELS.get(m, m), "partitions": int(s["seeds"]),
             f"mean {metric}": s["mean"], "sd": s["sd"], "min": s["min"], "max": s["max"],
             "max - min": s["max"] - s["min"]} for m, s in summary.items()]


# ------------------------------------------------------------------------------------------------ figures

def roc_points(id_scores: Sequence[float] | np.ndarray,
               ood_scores: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ROC curve with ID as the positive class: (share of OOD accepted, share of ID accepted) per threshold.

    One point per distinct score (ties move together), from (0, 0) to (1, 1), thresholds descending.
    """
    id_array, ood_array = np.asarray(id_scores, dtype=np.float64), np.asarray(ood_scores, dtype=np.float64)
    for name, array in (("id_scores", id_array), ("ood_scores", ood_array)):
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
        if np.isnan(array).any():
            raise ValueError(f"{name} contains NaN scores")
    scores = np.concatenate([id_array, ood_array])
    is_id = np.r_[np.ones(id_array.size), np.zeros(ood_array.size)]
    order = np.argsort(-scores, kind="stable")
    ranked, is_id = scores[order], is_id[order]
    last_of_run = np.r_[ranked[1:] != ranked[:-1], True]
    tp, fp = np.cumsum(is_id)[last_of_run], np.cumsum(1 - is_id)[last_of_run]
    return np.r_[0.0, fp / ood_array.size], np.r_[0.0, tp / id_array.size]


_COLORS = {"mcm": "tab:blue", "neglabel": "tab:orange", "csp": "tab:green", "dnm": "tab:red",
           "dnm-official": "tab:purple"}


def _check_draw_methods(draw: ScoreDraw, methods: Sequence[str] | None) -> list[str]:
    methods = list(draw.methods if methods is None else methods)
    unknown = [m for m in methods if m not in draw.scores]
    if unknown or not methods:
        raise ValueError(f"methods {unknown or methods} are not in the draw; it has {list(draw.methods)}")
    return methods


#: Smallest 1 - score the histogram axis resolves: float32 scores closer to 1 than this show at 7 on the axis.
_TAIL_FLOOR = 1e-7

#: Histogram axis per method: "linear" (the score itself) or "tail", -log10(1 - score), which spreads the grouped
#: scores of ID images (within 1e-3 to 1e-6 of their supremum 1) over decades; both grow with the score.
HISTOGRAM_AXES: dict[str, str] = {"mcm": "linear", "neglabel": "tail", "csp": "tail", "dnm": "tail"}


def histogram_values(method: str, scores: np.ndarray) -> tuple[np.ndarray, str]:
    """The values a histogram of ``method``'s scores shows, and the axis label (see :data:`HISTOGRAM_AXES`)."""
    if method not in HISTOGRAM_AXES:
        raise ValueError(f"no histogram axis for method {method!r} (its scores may exceed 1, e.g. the official "
                         f"DNM scale); choose from {', '.join(HISTOGRAM_AXES)}")
    scores = np.asarray(scores, dtype=np.float64)
    if HISTOGRAM_AXES[method] == "linear":
        return scores, "score"
    if scores.min() <= 0 or scores.max() > 1:
        raise ValueError(f"method {method!r}: a tail axis needs scores in (0, 1], got [{scores.min()}, {scores.max()}]")
    return -np.log10(np.maximum(1 - scores, _TAIL_FLOOR)), "-log10(1 - score)"


def plot_score_histograms(draw: ScoreDraw, methods: Sequence[str] | None = None, *, bins: int = 60) -> Figure:
    """One row per method, one column per OOD set: ID vs OOD score histograms, with the FPR95 threshold.

    Each method has its own axis (:func:`histogram_values`), covering the 0.5-99.5% quantiles of its values;
    right = more ID everywhere. On a tail axis the bar at 7 gathers the scores equal to 1 in float32. The dashed
    line is the threshold keeping 95% of the ID images: the OOD mass to its right is FPR95.
    """
    methods = _check_draw_methods(draw, methods)
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
        raise ValueError(f"bins must be an int >= 2, got {bins!r}")
    sets = draw.ood_sets
    fig = Figure(figsize=(3.1 * len(sets), 2.1 * len(methods) + 0.6), layout="constrained")
    axes = fig.subplots(len(methods), len(sets), squeeze=False)
    for row, method in enumerate(methods):
        values = {name: histogram_values(method, scores) for name, scores in draw.scores[method].items()}
        label = values[draw.id_set][1]
        pooled = np.concatenate([v for v, _ in values.values()])
        edges = np.linspace(*np.quantile(pooled, [0.005, 0.995]), bins + 1)
        id_values = values[draw.id_set][0]
        threshold = np.quantile(id_values, 0.05)
        for column, name in enumerate(sets):
            axis = axes[row, column]
            axis.hist(np.clip(id_values, edges[0], edges[-1]), edges, density=True, color="grey", alpha=0.5,
                      label="ImageNet-1K (ID)")
            axis.hist(np.clip(values[name][0], edges[0], edges[-1]), edges, density=True, histtype="step",
                      lw=1.5, color=_COLORS.get(method, "black"), label=f"{SET_LABELS.get(name, name)} (OOD)")
            axis.axvline(threshold, color="black", ls="--", lw=0.8)
            axis.set_yticks([])
            axis.tick_params(labelsize=7)
            axis.set_xlabel(label, fontsize=7)
            if row == 0:
                axis.set_title(SET_LABELS.get(name, name), fontsize=9)
            if column == 0:
                axis.set_ylabel(METHOD_LABELS.get(method, method), fontsize=8)
            if row == 0:
                axis.legend(fontsize=6, loc="upper left")
    fig.suptitle("Score distributions, ID vs each OOD set (simulated offline world, not CLIP)", fontsize=10)
    return fig


def plot_roc_curves(draw: ScoreDraw, methods: Sequence[str] | None = None) -> Figure:
    """One panel per OOD set: the ROC curve of each method (ID positive), with the 95% ID-recall line.

    The FPR axis is logarithmic (from one OOD image to all), so the region where FPR95 is read is not squeezed
    into the top-left corner.
    """
    methods = _check_draw_methods(draw, methods)
    sets = draw.ood_sets
    fig = Figure(figsize=(3.2 * len(sets), 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sets), squeeze=False)[0])
    for axis, name in zip(axes, sets, strict=True):
        for method in methods:
            fpr, tpr = roc_points(draw.scores[method][draw.id_set], draw.scores[method][name])
            auroc = ood_metrics(draw.scores[method][draw.id_set], draw.scores[method][name])["auroc"]
            axis.plot(fpr, tpr, lw=1.2, color=_COLORS.get(method, None),
                      label=f"{METHOD_LABELS.get(method, method)} ({auroc:.1f})")
        axis.axhline(0.95, color="black", ls="--", lw=0.8)
        axis.set_xscale("log", nonpositive="mask")
        axis.set_xlim(1 / len(draw.scores[methods[0]][name]), 1)
        axis.set_ylim(0, 1.01)
        axis.set_title(SET_LABELS.get(name, name), fontsize=9)
        axis.set_xlabel("OOD accepted (FPR, log scale)", fontsize=8)
        axis.legend(fontsize=6, loc="lower right", title="AUROC %", title_fontsize=6)
    axes[0].set_ylabel("ID accepted (TPR)", fontsize=8)
    fig.suptitle("ROC curves, ImageNet-1K vs each OOD set (simulated offline world, not CLIP)", fontsize=10)
    return fig
