"""The main benchmark (notebook 03): ImageNet-1K against four OOD sets on any feature bundle, with its controls.

``notebooks/03_main_benchmark.py`` runs on the features its ``FEATURES`` parameter names
(:func:`debiasood.book.features.load_features`): the offline world by default, or a bundle of real image features.
Every measurement goes through the one evaluation layer (:func:`debiasood.book.verdicts.control_suite`,
:func:`debiasood.core.evaluation.evaluate`); this module holds what the page adds around it, so its cells stay
short:

- :func:`official_settings`: the official code's per-setting knobs (τ, density quotas, k) for the bundle's
  backbone, or ViT-B/16's when the official code has none for it (the book's method reference,
  ``method-official-settings``);
- :func:`run_benchmark`: the five methods of the table (MCM, NegLabel, CSP, DNM clamped, DNM with the official
  arithmetic) and the controls of every claim about DNM, scored on the same images in ONE
  :class:`~debiasood.core.evaluation.Evaluation`;
- :func:`measured_rows`, :func:`main_table_rows`, :func:`main_table_markdown`, :func:`main_table_csv`,
  :func:`write_main_table`: the main table, measured rows beside the papers' reported CLIP ViT-B/16 rows
  (:mod:`debiasood.data.reported`), as written to ``results/main_benchmark.{md,csv}``;
- :data:`CLAIMS`, :func:`claim_rows`, :func:`claim_records`, :func:`findings_markdown`: the claims with paired
  bootstrap intervals on the difference of the average, and the prose their verdicts imply;
- :func:`subset_images` and :func:`partition_spread`: the same images under several seeded partitions of the
  negatives (only the grouping changes);
- :func:`without_ood_names`: the corpus with the OOD sets' concept names and their WordNet synonyms removed
  (the leakage check of issue 11);
- :func:`roc_points`, :func:`plot_score_histograms`, :func:`plot_roc_curves`.

Labels come from the bundle: the "world" column is its provenance's world ("simulated" or "real"), captions and
figure titles carry its provenance label (e.g. "simulated: ... world" or "real: ViT-B-16 (openai)"). Reported rows
carry :data:`debiasood.data.reported.LABEL`. Every figure function returns a :class:`matplotlib.figure.Figure`
that is not registered with pyplot, so a notebook shows it exactly once.
"""

from __future__ import annotations

import dataclasses
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from debiasood.book import verdicts
from debiasood.book.tables import render
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.methods import METHODS
from debiasood.core.metrics import METRIC_NAMES, ood_metrics
from debiasood.core.tau import official_backbone
from debiasood.data import reported as reported_numbers
from debiasood.data.bundle import FeatureBundle, ImageSet
from debiasood.data.corpora import LabelCorpus
from debiasood.world.simulated import BENCHMARK_SIZES, CALIBRATION_SIZES, SMOKE_SIZES

REPORTED_LABEL = reported_numbers.LABEL

#: The table's methods (registry names of :data:`debiasood.core.methods.METHODS`), in the table's order.
MAIN_METHODS: tuple[str, ...] = ("mcm", "neglabel", "csp", "dnm", "dnm-official")
#: Their names in an :class:`Evaluation` and on the page (the control suite's names where it scores them).
METHOD_LABELS: dict[str, str] = {"mcm": "MCM", "neglabel": verdicts.NEGLABEL, "csp": "CSP",
                                 "dnm": verdicts.DNM_CLAMPED, "dnm-official": verdicts.DNM_OFFICIAL}
SET_LABELS: dict[str, str] = {"imagenet1k": "ImageNet-1K", "inaturalist": "iNaturalist", "sun": "SUN",
                              "places": "Places", "textures": "Textures", "average": "Average"}

#: Image counts by name, for the notebook's TABLE_SIZES (the offline world's presets).
SIZE_PRESETS: dict[str, dict[str, int]] = {"benchmark": BENCHMARK_SIZES, "calibration": CALIBRATION_SIZES,
                                           "smoke": SMOKE_SIZES}

#: The backbone whose official settings apply when the bundle's model has none in the official code (the
#: paper's main table is ViT-B/16; the offline world stands in for it).
PAPER_BACKBONE = "ViT-B/16"


def sizes_preset(name: str) -> dict[str, int]:
    """Image counts of a preset of :data:`SIZE_PRESETS` ("benchmark", "calibration" or "smoke")."""
    if name not in SIZE_PRESETS:
        raise ValueError(f"sizes preset {name!r} is unknown; choose from {', '.join(SIZE_PRESETS)}")
    return dict(SIZE_PRESETS[name])


# ------------------------------------------------------------------------------------------ settings, labels

@dataclass(frozen=True)
class OfficialChoice:
    """The settings a page runs with: the official ones of ``backbone``; ``from_bundle`` says whether that
    backbone is the bundle's own model (False: the bundle's model has no official settings, ViT-B/16's apply)."""

    settings: Settings
    backbone: str
    from_bundle: bool


def official_settings(bundle: FeatureBundle, backbone: str = "auto", *, seed: int = 0) -> OfficialChoice:
    """The official code's settings (:meth:`Settings.official`: τ, density quotas, k) for ``backbone`` and the
    bundle's ID set, with partition seed ``seed``. ``"auto"``: the bundle's model when the official code has
    settings for it (open_clip's 'ViT-B-16' is 'ViT-B/16'), otherwise :data:`PAPER_BACKBONE`."""
    from_bundle = False
    if backbone == "auto":
        try:
            backbone = official_backbone(bundle.provenance.model)
            from_bundle = True
        except ValueError:  # e.g. the offline world's MiniLM or a random-weight tiny model
            backbone = PAPER_BACKBONE
    name = official_backbone(backbone)
    return OfficialChoice(Settings.official(name, bundle.id_set, seed=seed), name, from_bundle)


def world_of(bundle: FeatureBundle) -> str:
    """The "world" column of the bundle's rows: its provenance's world, "simulated" or "real"."""
    return bundle.provenance.world


def describe_features(bundle: FeatureBundle) -> str:
    """One sentence saying where the bundle's numbers come from (for notes, captions and the CSV)."""
    provenance = bundle.provenance
    if provenance.world == "simulated":
        return f"{bundle.label} ({provenance.model} text features, synthetic image embeddings; not CLIP)"
    weights = ("random weights, so these numbers say nothing about any trained model"
               if provenance.pretrained == "random weights" else f"weights {provenance.pretrained}")
    return f"{bundle.label} ({provenance.model} image and text features, {weights})"


def csp_prompts_note(bundle: FeatureBundle) -> str:
    """How CSP's pool was embedded in this bundle: CSP's prompt ensembles, or NegLabel's single prompts."""
    if "csp_noun" in bundle.provenance.prompts:
        return "CSP's pool is embedded with CSP's own prompt ensembles"
    return ("CSP's pool is embedded with NegLabel's single prompts instead of CSP's 8- and 4-template "
            "ensembles (its pool, phrases, exclusion and rule are CSP's)")


def reported_applies(bundle: FeatureBundle) -> bool:
    """Whether the papers' reported rows belong beside this bundle's: ImageNet-1K as ID against exactly the four
    OOD sets of the reported table."""
    return bundle.id_set == "imagenet1k" and set(bundle.ood_sets) == set(reported_numbers.OOD_SETS)


def available_methods(bundle: FeatureBundle) -> tuple[str, ...]:
    """:data:`MAIN_METHODS` this bundle can run (CSP needs CSP's pool)."""
    return tuple(m for m in MAIN_METHODS if m != "csp" or bundle.text.csp_pool is not None)


# ------------------------------------------------------------------------------------------------ scoring

def method_inputs(bundle: FeatureBundle, methods: Sequence[str], settings: Settings) -> dict[str, MethodInput]:
    """What each method scores with (ID prompts, mined negatives), keyed by :data:`METHOD_LABELS`. Mining
    happens here, once; scoring the inputs under another partition seed needs no new mining."""
    inputs = {}
    for method in methods:
        if method not in METHOD_LABELS:
            raise ValueError(f"method {method!r} is not a main-table method; choose from {', '.join(MAIN_METHODS)}")
        spec = METHODS[method]
        id_text = bundle.text.id_mcm if spec.id_prompt == "mcm" else bundle.text.id_neglabel
        negatives = None if spec.rule is None else bundle.negative_features(spec.rule, settings)
        inputs[METHOD_LABELS[method]] = MethodInput(spec.score, id_text, negatives)
    return inputs


def run_benchmark(bundle: FeatureBundle, settings: Settings, *, random_seeds: Sequence[int] = (0, 1, 2),
                  methods: Sequence[str] | None = None) -> Evaluation:
    """The main table's methods and the controls of a DNM claim, on the same images of ``bundle``.

    :func:`debiasood.book.verdicts.control_suite` scores NegLabel, both DNM forms and the controls; MCM and
    CSP (when the bundle has CSP's pool) are added to the same :class:`Evaluation`, under
    :data:`METHOD_LABELS`.
    """
    methods = available_methods(bundle) if methods is None else tuple(methods)
    result = verdicts.control_suite(bundle, settings, random_seeds=random_seeds)
    extra = [m for m in methods if METHOD_LABELS.get(m) not in result.scores]
    if extra:
        images = {name: bundle.images[name].features for name in (bundle.id_set, *result.ood_sets)}
        more = evaluate(images, bundle.id_set, method_inputs(bundle, extra, settings), settings=settings,
                        label=bundle.label)
        for name in more.methods:
            result.add(name, more.scores[name])
    return result


def restrict(result: Evaluation, methods: Sequence[str]) -> Evaluation:
    """The same evaluation with only ``methods`` (names in ``result``), in that order."""
    missing = [m for m in methods if m not in result.scores]
    if missing:
        raise ValueError(f"methods {missing} were not evaluated; evaluated: {', '.join(result.methods)}")
    return Evaluation(result.id_set, result.ood_sets, {m: result.scores[m] for m in methods}, label=result.label,
                      convention=result.convention)


# --------------------------------------------------------------------------------------------- main table

def measured_rows(result: Evaluation, world: str, *, bootstrap: int = 0, seed: int = 0) -> list[dict[str, object]]:
    """Rows of the main table's methods found in ``result``: world, method (registry name), ood (each OOD set
    and "average"), every metric, and with ``bootstrap`` resamples its 95% interval (``<metric>_low/_high``)."""
    if world not in ("simulated", "real"):
        raise ValueError(f"world must be 'simulated' or 'real' (a bundle's provenance.world), got {world!r}")
    keys = {label: method for method, label in METHOD_LABELS.items() if label in result.scores}
    if not keys:
        raise ValueError(f"result holds none of the main methods {list(METHOD_LABELS.values())}")
    ordered = [METHOD_LABELS[m] for m in MAIN_METHODS if METHOD_LABELS[m] in keys]
    rows = restrict(result, ordered).rows(bootstrap=bootstrap, seed=seed)
    return [{**row, "world": world, "method": keys[str(row["method"])]} for row in rows]


def _check_rows(rows: Sequence[Mapping[str, Any]]) -> tuple[dict[tuple[str, str], Mapping[str, Any]], tuple[str, ...]]:
    if not rows:
        raise ValueError("rows is empty: pass measured_rows(...)")
    index: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in rows:
        missing = [key for key in ("world", "method", "ood", "fpr95", "auroc") if key not in row]
        if missing:
            raise ValueError(f"rows need world, method, ood, fpr95 and auroc; a row lacks {missing}")
        index[(str(row["method"]), str(row["ood"]))] = row
    worlds = {row["world"] for row in rows}
    if len(worlds) != 1 or not worlds <= {"simulated", "real"}:
        raise ValueError(f"rows must come from one measured world ('simulated' or 'real'), got {sorted(worlds)}")
    columns = tuple(dict.fromkeys(str(row["ood"]) for row in rows))
    if "average" not in columns:
        raise ValueError("rows lack the 'average' rows")
    for method in {m for m, _ in index}:
        absent = [s for s in columns if (method, s) not in index]
        if absent:
            raise ValueError(f"rows of method {method!r} lack OOD set(s) {absent}")
    return index, (*(c for c in columns if c != "average"), "average")


def _pair(fpr95: float | None, auroc: float | None, mark: str = "") -> str:
    def cell(value: float | None) -> str:
        return "–" if value is None or math.isnan(value) else f"{value:.2f}"

    return f"{cell(fpr95)} / {cell(auroc)}{mark}"


def _reported_method(method: str) -> str:
    return "dnm" if method in ("dnm", "dnm-official") else method


def main_table_rows(rows: Sequence[Mapping[str, Any]], *, reported: bool = True) -> list[dict[str, str]]:
    """The main table: per method its measured row and, with ``reported``, the papers' reported CLIP ViT-B/16
    row beside it (once after both DNM forms). Cells are "FPR95 / AUROC"; every row names its world."""
    index, columns = _check_rows(rows)
    if reported and set(columns[:-1]) != set(reported_numbers.OOD_SETS):
        raise ValueError(f"reported rows need the OOD sets {reported_numbers.OOD_SETS}, the rows have "
                         f"{list(columns[:-1])}: pass reported=False")
    methods = list(dict.fromkeys(m for m, _ in index))
    table: list[dict[str, str]] = []
    for position, method in enumerate(methods):
        first = index[(method, columns[0])]
        table.append({"method": METHOD_LABELS.get(method, method), "world": str(first["world"]),
                      **{SET_LABELS.get(s, s): _pair(index[(method, s)]["fpr95"], index[(method, s)]["auroc"])
                         for s in columns}})
        next_method = methods[position + 1] if position + 1 < len(methods) else None
        key = _reported_method(method)
        if not reported or key not in reported_numbers.REPORTED or (
                key == "dnm" and next_method is not None and _reported_method(next_method) == "dnm"):
            continue  # one reported DNM row after both DNM forms
        table.append({"method": "DNM" if key == "dnm" else METHOD_LABELS.get(method, method),
                      "world": REPORTED_LABEL,
                      **{SET_LABELS.get(s, s): _pair(*reported_numbers.REPORTED[key][s],
                                                     reported_numbers.MARKS.get((key, s), "")) for s in columns}})
    return table


def main_table_legend(bundle: FeatureBundle, *, reported: bool = True) -> str:
    """What the table's rows are: the measured world (from the bundle's provenance) and the reported rows."""
    world = world_of(bundle)
    legend = (f"FPR95 ↓ / AUROC ↑ in %, paper convention, {SET_LABELS.get(bundle.id_set, bundle.id_set)} as ID. "
              f"Rows marked *{world}* are measured by debiasood on {describe_features(bundle)}.")
    if reported:
        legend += (f" Rows marked *{REPORTED_LABEL}* are the papers' numbers (method reference, Reported "
                   "numbers), never measured here: * recalled by third parties, † secondary source, – not recovered.")
    legend += (f" {csp_prompts_note(bundle)}. DNM (official arithmetic) is the official code's score (no clamp, "
               "division by K, the official τ) on the paper-form density negatives, not the official code's "
               "density statistic.")
    return legend


def main_table_markdown(rows: Sequence[Mapping[str, Any]], bundle: FeatureBundle, *, description: str,
                        reported: bool = True) -> str:
    """The Markdown file: a bold caption (legend and ``description``: sizes, seeds), then the table."""
    if not description.strip():
        raise ValueError("description is empty: say what was measured (sizes, seeds)")
    world = world_of(bundle)
    title = f"Main benchmark ({world} vs reported)" if reported else f"Main benchmark ({world})"
    caption = f"**{title}.** {main_table_legend(bundle, reported=reported)} {description.strip()}"
    return f"{caption}\n\n{render(main_table_rows(rows, reported=reported))}\n"


_CSV_COLUMNS = ("world", "method", "ood", *(f"{m}{suffix}" for m in METRIC_NAMES for suffix in ("", "_low", "_high")),
                "note")
_MARK_NOTES = {"*": "; recalled by third parties, to be confirmed", "†": "; secondary source", "": ""}


def main_table_csv(rows: Sequence[Mapping[str, Any]], bundle: FeatureBundle, *, reported: bool = True) -> str:
    """The CSV file: one line per (world, method, OOD set) with every metric and its bootstrap interval.

    Measured lines take every metric of ``rows`` ("nan" where ``rows`` have no interval) and a note naming the
    features; reported lines carry FPR95 and AUROC only ("nan" where not recovered) and a note naming their
    source.
    """
    index, columns = _check_rows(rows)
    lines: list[dict[str, object]] = []
    for (method, ood), row in index.items():
        line: dict[str, object] = {"world": row["world"], "method": method, "ood": ood}
        for column in _CSV_COLUMNS[3:-1]:
            line[column] = float(row.get(column, math.nan))
        line["note"] = describe_features(bundle)
        lines.append(line)
    for method in ("mcm", "neglabel", "csp", "dnm") if reported else ():
        for ood in columns:
            line = {"world": REPORTED_LABEL, "method": method, "ood": ood}
            line.update({column: math.nan for column in _CSV_COLUMNS[3:-1]})
            numbers = reported_numbers.REPORTED[method][ood]
            line["fpr95"], line["auroc"] = (math.nan if v is None else v for v in numbers)
            line["note"] = ("method reference, Reported numbers"
                            + _MARK_NOTES[reported_numbers.MARKS.get((method, ood), "")])
            lines.append(line)
    return render(lines, "csv") + "\n"


def write_main_table(rows: Sequence[Mapping[str, Any]], bundle: FeatureBundle, directory: str | Path, *,
                     description: str, reported: bool = True, stem: str = "main_benchmark") -> tuple[Path, Path]:
    """Write ``<directory>/<stem>.md`` and ``<stem>.csv`` (the directory is created); return both paths."""
    if not stem or "/" in stem:
        raise ValueError(f"stem must be a plain file name without '/', got {stem!r}")
    markdown = main_table_markdown(rows, bundle, description=description, reported=reported)
    csv = main_table_csv(rows, bundle, reported=reported)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    md_path, csv_path = folder / f"{stem}.md", folder / f"{stem}.csv"
    md_path.write_text(markdown)
    csv_path.write_text(csv)
    return md_path, csv_path


def interval_rows(rows: Sequence[Mapping[str, Any]], metric: str = "fpr95") -> list[dict[str, object]]:
    """Per (method, OOD set) and the average: ``metric`` with its bootstrap 95% interval and its width."""
    if metric not in METRIC_NAMES:
        raise ValueError(f"metric must be one of {METRIC_NAMES}, got {metric!r}")
    index, _ = _check_rows(rows)
    out = []
    for (method, ood), row in index.items():
        if f"{metric}_low" not in row:
            raise ValueError("rows carry no bootstrap intervals: call measured_rows with bootstrap > 0")
        out.append({"world": row["world"], "method": METHOD_LABELS.get(method, method),
                    "ood": SET_LABELS.get(ood, ood), metric: row[metric], "95% low": row[f"{metric}_low"],
                    "95% high": row[f"{metric}_high"], "width": row[f"{metric}_high"] - row[f"{metric}_low"]})
    return out


# ------------------------------------------------------------------------------------------------- claims

@dataclass(frozen=True)
class Claim:
    """A claim "A beats B" of the page: its record key, the two methods (names in the evaluation) and what the
    comparison isolates."""

    key: str
    a: str
    b: str
    question: str


def random_claims(random_seeds: Sequence[int]) -> tuple[Claim, ...]:
    """Density negatives against each random control (both under NegLabel's score)."""
    return tuple(Claim(f"density_vs_random_{seed}", verdicts.DENSITY_NEGLABEL_SCORE, verdicts.random_label(seed),
                       f"density selection against random words of the same size and split (seed {seed})")
                 for seed in random_seeds)


def benchmark_claims(random_seeds: Sequence[int], *, csp: bool = True) -> tuple[Claim, ...]:
    """The claims of the page, in the order the claims table shows them."""
    claims = [Claim("dnm_vs_neglabel", verdicts.DNM_CLAMPED, verdicts.NEGLABEL, "the headline: DNM against NegLabel")]
    if csp:
        claims.append(Claim("dnm_vs_csp", verdicts.DNM_CLAMPED, "CSP", "DNM against CSP"))
    claims += [
        Claim("density_vs_neglabel", verdicts.DENSITY_NEGLABEL_SCORE, verdicts.NEGLABEL,
              "the negatives only: DNM's negatives under NegLabel's score (τ = 1)"),
        Claim("dnm_vs_density", verdicts.DNM_CLAMPED, verdicts.DENSITY_NEGLABEL_SCORE,
              "the score only: the clamped debiased score against τ = 1 on the same negatives"),
        Claim("official_vs_density", verdicts.DNM_OFFICIAL, verdicts.DENSITY_NEGLABEL_SCORE,
              "the score only, official arithmetic against τ = 1"),
        Claim("neglabel_at_size_vs_neglabel", verdicts.NEGLABEL_AT_DNM_SIZE, verdicts.NEGLABEL,
              "NegLabel's rule cut at DNM's size against its own 15%: the size alone"),
        Claim("density_vs_neglabel_at_size", verdicts.DENSITY_NEGLABEL_SCORE, verdicts.NEGLABEL_AT_DNM_SIZE,
              "density selection against NegLabel's rule at the same size"),
        *random_claims(random_seeds),
        Claim("probability_vs_dnm", verdicts.DNM_PROBABILITY, verdicts.DNM_CLAMPED,
              "the clamped score on its probability scale (rounding ties), against the default log-odds scale"),
    ]
    return tuple(claims)


#: Verdict codes of the records: +1 A better, 0 no difference (the interval holds 0), -1 B better.
VERDICT_CODES = {"A better": 1, "no difference": 0, "B better": -1}


def claim_rows(result: Evaluation, claims: Sequence[Claim], *, num_resamples: int,
               seed: int = 0) -> list[dict[str, object]]:
    """:func:`debiasood.book.verdicts.claims` for each claim (average over the OOD sets, FPR95 and AUROC), with
    the claim's key added."""
    rows = []
    for claim in claims:
        for row in verdicts.claims(result, [(claim.a, claim.b)], num_resamples=num_resamples, seed=seed):
            rows.append({"key": claim.key, **row})
    return rows


def claim_records(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Per claim and metric: ``<key>_<metric>`` (A - B), ``_low``, ``_high`` and ``_verdict``
    (:data:`VERDICT_CODES`)."""
    records: dict[str, float] = {}
    for row in rows:
        name = f"{row['key']}_{row['metric']}"
        records[name] = float(row["A - B"])
        records[f"{name}_low"], records[f"{name}_high"] = float(row["low"]), float(row["high"])
        records[f"{name}_verdict"] = VERDICT_CODES[str(row["verdict"])]
    return records


def claims_table_rows(rows: Sequence[Mapping[str, Any]], claims: Sequence[Claim]) -> list[dict[str, object]]:
    """One row per claim: A, B, what it isolates, and per metric A - B [95% paired interval] and the verdict."""
    questions = {claim.key: claim.question for claim in claims}
    by_key: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(str(row["key"]), {})[str(row["metric"])] = row
    table = []
    for key, metrics in by_key.items():
        fpr, auroc = metrics["fpr95"], metrics["auroc"]
        table.append({"A": fpr["A"], "B": fpr["B"], "isolates": questions.get(key, ""),
                      "FPR95 A - B [95%]": _interval(fpr), "FPR95 verdict": fpr["verdict"],
                      "AUROC A - B [95%]": _interval(auroc), "AUROC verdict": auroc["verdict"]})
    return table


def _interval(row: Mapping[str, Any]) -> str:
    return f"{row['A - B']:+.2f} [{row['low']:+.2f}, {row['high']:+.2f}]"


def _claim(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, Mapping[str, Any]] | None:
    found = {str(row["metric"]): row for row in rows if row["key"] == key}
    return found or None


def _says(metrics: Mapping[str, Mapping[str, Any]]) -> str:
    """E.g. 'lower FPR95 (-5.44 [-5.97, -4.99]) and higher AUROC (+0.81 [+0.69, +0.93])': one claim, A vs B."""
    parts = []
    for metric, name, better, worse in (("fpr95", "FPR95", "lower", "higher"), ("auroc", "AUROC", "higher", "lower")):
        row = metrics[metric]
        if row["verdict"] == "no difference":
            parts.append(f"no {name} difference its interval can tell from 0 ({_interval(row)})")
        else:
            parts.append(f"{better if row['verdict'] == 'A better' else worse} {name} ({_interval(row)})")
    return " and ".join(parts)


def _against_random(randoms: Sequence[Mapping[str, Mapping[str, Any]]]) -> str:
    found = [str(r["fpr95"]["verdict"]) for r in randoms]
    if set(found) == {"A better"}:
        return "beat every random draw of the same size and split on FPR95"
    if set(found) == {"B better"}:
        return "lose to every random draw of the same size and split on FPR95"
    if "A better" not in found:
        return (f"do no better on FPR95 than words drawn at random with the same size and split ({len(found)} "
                f"draws; verdicts: {', '.join(found)})")
    return f"beat some random draws of the same size and split on FPR95 and not others (verdicts: {', '.join(found)})"


def findings_markdown(rows: Sequence[Mapping[str, Any]], label: str, random_seeds: Sequence[int]) -> str:
    """What the paired intervals say, as Markdown bullets built from the verdicts of ``rows`` (:func:`claim_rows`)
    alone: every number is A - B on the average over the OOD sets, with its 95% paired bootstrap interval."""
    headline = _claim(rows, "dnm_vs_neglabel")
    if headline is None:
        raise ValueError("rows lack the headline claim 'dnm_vs_neglabel'")
    lines = [f"On these features ({label}), A - B on the average over the OOD sets with its 95% paired interval:",
             "", f"- **DNM against NegLabel.** DNM (clamped) has {_says(headline)}."]
    negatives, score = _claim(rows, "density_vs_neglabel"), _claim(rows, "dnm_vs_density")
    if negatives and score:
        lines.append(f"- **Negatives or score.** Changing only the negatives (DNM's under NegLabel's score, τ = 1) "
                     f"gives {_says(negatives)} against NegLabel. Changing only the score (the clamped debiased "
                     f"score against τ = 1 on DNM's negatives) gives {_says(score)}.")
    randoms = [_claim(rows, f"density_vs_random_{seed}") for seed in random_seeds]
    at_size, size = _claim(rows, "density_vs_neglabel_at_size"), _claim(rows, "neglabel_at_size_vs_neglabel")
    if randoms and all(randoms) and at_size and size:
        lines.append(f"- **Density or size.** Density-selected negatives {_against_random(randoms)}; against "
                     f"NegLabel's rule cut at DNM's size they give {_says(at_size)}. NegLabel's own rule at DNM's "
                     f"size against its 15% gives {_says(size)}: what the number of negatives alone changes.")
    official = _claim(rows, "official_vs_density")
    if official:
        lines.append(f"- **The official arithmetic.** Against τ = 1 on the same negatives, the official DNM score "
                     f"gives {_says(official)}.")
    return "\n".join(lines) + "\n"


def saturation_markdown(saturation: Sequence[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]) -> str:
    """How often the clamped score ties at its maximum on its probability scale and on the default log-odds scale
    (:func:`debiasood.book.verdicts.saturation_rows`), and what the probability scale's rounding costs against the
    default (the claim 'probability_vs_dnm' of ``rows``)."""
    by_method = {r["method"]: r for r in saturation}
    probability, default = by_method.get(verdicts.DNM_PROBABILITY), by_method.get(verdicts.DNM_CLAMPED)
    ties = _claim(rows, "probability_vs_dnm")
    if probability is None or default is None or ties is None:
        raise ValueError("need the saturation rows of the clamped DNM on both scales and the claim "
                         "'probability_vs_dnm'")
    text = (f"On its probability scale the clamped DNM score rounds to exactly 1 for "
            f"{probability['ID at the maximum (%)']:.1f}% of the ID images and "
            f"{probability['OOD at the maximum (%)']:.1f}% of the OOD images; on the default log-odds scale "
            f"{default['ID at the maximum (%)']:.1f}% and {default['OOD at the maximum (%)']:.1f}% tie. The "
            f"probability scale gives {_says(ties)} against the default.")
    found = {ties["fpr95"]["verdict"], ties["auroc"]["verdict"]}
    if "B better" in found and "A better" not in found:
        text += (" So the probability scale, this project's earlier default, was a poor default on these features: "
                 "rounding discarded ranking information the exact score holds. The default is now the log-odds "
                 "scale, which ranks exactly as the exact score does.")
    elif "A better" in found and "B better" not in found:
        text += (" On these features the rounding ties happen to order images better than the exact score; the "
                 "default stays the log-odds scale, the exact score's ranking.")
    elif found == {"no difference"}:
        text += (" On these features the ties cost nothing the paired interval can see; the default is the log-odds "
                 "scale anyway, the exact score's ranking.")
    else:
        text += " The two metrics disagree on whether the ties cost anything on these features."
    return text


# ------------------------------------------------------------------------------------- partition spread

def subset_images(bundle: FeatureBundle, sizes: Mapping[str, int], *, seed: int = 0) -> dict[str, np.ndarray]:
    """A seeded random subset of each image set: ``sizes["id"]`` ID images and ``sizes["ood"]`` per OOD set
    (all of a set when it holds fewer), in the bundle's order. The same ``seed`` gives the same subset."""
    if set(sizes) != {"id", "ood"}:
        raise ValueError(f"sizes must give 'id' and 'ood' counts, got {sorted(sizes)}")
    rng = np.random.default_rng(seed)
    images = {}
    for name in (bundle.id_set, *bundle.ood_sets):
        features = bundle.images[name].features
        wanted = sizes["id"] if name == bundle.id_set else sizes["ood"]
        if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 1:
            raise ValueError(f"sizes must be positive ints, got {dict(sizes)}")
        rows = np.sort(rng.choice(len(features), size=min(wanted, len(features)), replace=False))
        images[name] = np.asarray(features)[rows]
    return images


def partition_spread(bundle: FeatureBundle, images: Mapping[str, np.ndarray], *, methods: Sequence[str],
                     seeds: Sequence[int], settings: Settings) -> list[dict[str, object]]:
    """FPR95 and AUROC of the grouped ``methods`` under each partition seed, on the same ``images``.

    The negatives are mined once; only the partition into groups changes between seeds (``settings`` with
    ``seed`` replaced). Rows: world label, method, seed, ood ("average" included), fpr95, auroc.
    """
    grouped = [m for m in methods if m in METHOD_LABELS and METHODS[m].rule is not None]
    if not grouped or len(grouped) != len(methods):
        raise ValueError(f"methods must be grouped-score main methods (every one but mcm), got {list(methods)}")
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must hold at least two distinct partition seeds, got {list(seeds)}")
    inputs = method_inputs(bundle, methods, settings)
    rows: list[dict[str, object]] = []
    for seed in seeds:
        result = evaluate(images, bundle.id_set, inputs, settings=dataclasses.replace(settings, seed=int(seed)),
                          label=bundle.label)
        for method in methods:
            for ood, values in result.metrics(METHOD_LABELS[method]).items():
                rows.append({"world": bundle.label, "method": method, "seed": int(seed), "ood": ood,
                             "fpr95": values["fpr95"], "auroc": values["auroc"]})
    return rows


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


def spread_table_rows(summary: Mapping[str, Mapping[str, float]], world: str,
                      metric: str = "fpr95") -> list[dict[str, object]]:
    """:func:`spread_summary` as table rows."""
    return [{"world": world, "method": METHOD_LABELS.get(m, m), "partitions": int(s["seeds"]),
             f"mean {metric}": s["mean"], "sd": s["sd"], "min": s["min"], "max": s["max"],
             "max - min": s["max"] - s["min"]} for m, s in summary.items()]


# ------------------------------------------------------------------------------------------ image redraws

#: The claims followed over redraws of the images (the random controls as their mean).
REDRAW_KEYS = ("dnm_vs_neglabel", "density_vs_neglabel", "dnm_vs_density", "density_vs_neglabel_at_size",
               "density_vs_random")


def redraw_differences(result: Evaluation, random_seeds: Sequence[int]) -> dict[str, dict[str, float]]:
    """A - B of the average FPR95 and AUROC for each claim of :data:`REDRAW_KEYS` on one evaluation (no interval:
    the spread over redraws is the interval here); ``density_vs_random`` is against the random controls' mean."""
    claims = {c.key: c for c in benchmark_claims(random_seeds, csp=False)}
    averages = {m: result.metrics(m)["average"] for m in result.methods}
    out = {}
    for key in REDRAW_KEYS:
        if key == "density_vs_random":
            b_values = {metric: statistics.fmean(averages[verdicts.random_label(s)][metric] for s in random_seeds)
                        for metric in ("fpr95", "auroc")}
            a = verdicts.DENSITY_NEGLABEL_SCORE
        else:
            a, b = claims[key].a, claims[key].b
            b_values = {metric: averages[b][metric] for metric in ("fpr95", "auroc")}
        out[key] = {metric: averages[a][metric] - b_values[metric] for metric in ("fpr95", "auroc")}
    return out


def redraws(bundle: FeatureBundle, world: Any, *, seeds: Sequence[int], sizes: Mapping[str, int],
            settings: Settings, random_seeds: Sequence[int] = (0, 1, 2)) -> list[dict[str, object]]:
    """The control suite on fresh draws of the offline world's images (one per seed in ``seeds``), with the
    bundle's text side: the spread that the image draw itself causes, which a bootstrap of one draw cannot see.

    ``world`` is the :class:`debiasood.world.simulated.SemanticWorld` behind ``bundle``; ``sizes`` gives "id" and
    "ood" counts. Rows: seed, claim key, A - B of the average FPR95 and AUROC.
    """
    if set(sizes) != {"id", "ood"}:
        raise ValueError(f"sizes must give 'id' and 'ood' counts, got {sorted(sizes)}")
    if not seeds:
        raise ValueError("seeds is empty: give the image seeds of the redraws")
    rows: list[dict[str, object]] = []
    for seed in seeds:
        images = {name: ImageSet(world.images(name, sizes["id"] if name == bundle.id_set else sizes["ood"],
                                              seed=int(seed)).features)
                  for name in (bundle.id_set, *bundle.ood_sets)}
        # replace() keeps the text side and its cached density statistic: only the images change.
        drawn = dataclasses.replace(bundle, images=images)
        result = verdicts.control_suite(drawn, settings, random_seeds=random_seeds)
        for key, values in redraw_differences(result, random_seeds).items():
            rows.append({"world": world_of(bundle), "image seed": int(seed), "claim": key,
                         "FPR95 A - B": values["fpr95"], "AUROC A - B": values["auroc"]})
    return rows


def redraw_summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Per claim: min and max of A - B over the redraws, for FPR95 and AUROC."""
    by_claim: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_claim.setdefault(str(row["claim"]), []).append(row)
    if not by_claim:
        raise ValueError("rows is empty: pass redraws(...)")
    return {key: {"fpr95_min": min(float(r["FPR95 A - B"]) for r in found),
                  "fpr95_max": max(float(r["FPR95 A - B"]) for r in found),
                  "auroc_min": min(float(r["AUROC A - B"]) for r in found),
                  "auroc_max": max(float(r["AUROC A - B"]) for r in found)} for key, found in by_claim.items()}


# ----------------------------------------------------------------------------------- OOD names in the corpus

def concept_names(name: str) -> tuple[str, ...]:
    """The names of a label set's concepts as a corpus would spell them: lowercased, and for a qualified name
    such as 'canal (natural)' also its head 'canal' (the offline world's captions keep the head, 'canal, natural')."""
    from debiasood.data.label_sets import get_label_set

    names: dict[str, None] = {}
    for class_name in get_label_set(name).class_names:
        lowered = class_name.lower().strip()
        names[lowered] = None
        head = re.sub(r"\s*\(.*\)\s*$", "", lowered)
        if head:
            names[head] = None
    return tuple(names)


def wordnet_synonyms(names: Sequence[str], wordnet: Any = None) -> tuple[set[str], set[str]]:
    """The WordNet 3.0 noun and adjective synsets that have one of ``names`` as a lemma (every sense), and all
    their lemmas (lowercased, spaces for underscores): the names' synonyms. Returns (synset names, words)."""
    if wordnet is None:
        from debiasood.data.wordnet import get_wordnet

        wordnet = get_wordnet()
    synsets: set[str] = set()
    words: set[str] = set()
    for name in names:
        lemma = name.replace(" ", "_")
        for pos in ("n", "a"):  # nltk's 'a' includes satellite adjectives
            for synset in wordnet.reader.synsets(lemma, pos=pos):
                # nltk's lookup also matches inflected forms (morphy); keep only synsets that hold the name itself.
                lemmas = [lem.lower() for lem in synset.lemma_names()]
                if lemma not in lemmas:
                    continue
                synsets.add(synset.name())
                words.update(lem.replace("_", " ") for lem in lemmas)
    return synsets, words


@dataclass(frozen=True)
class NameRemoval:
    """:func:`without_ood_names`' result: the bundle with a reduced corpus, and what was removed."""

    bundle: FeatureBundle
    names: dict[str, tuple[str, ...]]  # OOD set -> its concept names (lowercased, heads included)
    removed_words: tuple[str, ...]  # corpus words removed (names, and their synonyms)
    removed_pool: int  # entries removed from CSP's pool (0 without a pool)


def name_removal_problem(bundle: FeatureBundle) -> str | None:
    """Why :func:`without_ood_names` cannot run on ``bundle`` (None when it can)."""
    from debiasood.data.label_sets import label_set_names

    if bundle.text.fixed_negatives is not None:
        return ("this bundle holds the official code's fixed selection of negatives, so no rule can be re-run on "
                "a reduced corpus")
    known = {n.lower() for n in label_set_names()}
    unknown = [s for s in bundle.ood_sets if s.lower() not in known]
    if unknown:
        return (f"the OOD sets {unknown} are not registered label sets (debiasood.data.label_sets), so their "
                "concept names are unknown")
    return None


def _keep_rows(corpus: LabelCorpus, words: set[str], synsets: set[str]) -> list[int]:
    return [i for i, (word, synset, source) in enumerate(zip(corpus.words, corpus.synsets, corpus.source_words,
                                                              strict=True))
            if word.lower() not in words and source.lower() not in words and not (synset and synset in synsets)]


def without_ood_names(bundle: FeatureBundle, *, wordnet: Any = None) -> NameRemoval:
    """``bundle`` with every corpus word that names a concept of one of its OOD sets removed, with the names'
    WordNet synonyms (:func:`concept_names`, :func:`wordnet_synonyms`): a word goes when it equals a name or a
    synonym, or when its synset is one of the names' synsets. CSP's pool loses the same words and the phrases
    made from them. The ID side and the images are unchanged; the provenance names the reduced corpus."""
    problem = name_removal_problem(bundle)
    if problem:
        raise ValueError(f"cannot remove the OOD names from {bundle.label}: {problem}")
    names = {name: concept_names(name) for name in bundle.ood_sets}
    all_names = sorted({n for values in names.values() for n in values})
    synsets, synonyms = wordnet_synonyms(all_names, wordnet)
    words = set(all_names) | synonyms
    text = bundle.text
    keep = _keep_rows(text.corpus, words, synsets)
    if not keep:
        raise ValueError("removing the OOD names would leave the corpus empty")
    corpus = text.corpus.subset(keep, name=f"{text.corpus.name} without OOD names")
    pool, pool_features, removed_pool = text.csp_pool, text.csp_features, 0
    if pool is not None:
        kept_pool = _keep_rows(pool, words, synsets)
        removed_pool = len(pool) - len(kept_pool)
        pool = pool.subset(kept_pool, name=f"{pool.name} without OOD names")
        pool_features = np.asarray(text.csp_features)[kept_pool]
    reduced = dataclasses.replace(text, corpus=corpus, corpus_features=np.asarray(text.corpus_features)[keep],
                                  csp_pool=pool, csp_features=pool_features)
    provenance = dataclasses.replace(bundle.provenance, corpus_name=corpus.name,
                                     corpus_fingerprint=corpus.fingerprint)
    kept = set(keep)
    removed = tuple(w for i, w in enumerate(text.corpus.words) if i not in kept)
    return NameRemoval(FeatureBundle(provenance, reduced, bundle.images, bundle.id_set), names, removed, removed_pool)


def names_in_selection(words: Sequence[str], indices: Sequence[int], names: Sequence[str]) -> list[str]:
    """The ``names`` that appear verbatim (lowercased) among the selected corpus ``words``."""
    selected = {words[int(i)].lower() for i in indices}
    return sorted(set(names) & selected)


def leakage_rows(bundles: Mapping[str, FeatureBundle], names: Mapping[str, Sequence[str]],
                 settings: Settings) -> list[dict[str, object]]:
    """Per corpus (e.g. "full", "without OOD names") and rule: the number of negatives and how many concept names
    of each OOD set they contain verbatim."""
    rows = []
    for corpus, bundle in bundles.items():
        for rule, label in (("neglabel", "NegLabel's rule"), ("density", "DNM's density selection")):
            indices = bundle.negatives(rule, settings)
            row: dict[str, object] = {"corpus": corpus, "negatives": label, "words": len(indices)}
            for ood, set_names in names.items():
                row[SET_LABELS.get(ood, ood)] = len(names_in_selection(bundle.text.corpus.words, indices, set_names))
            rows.append(row)
    return rows


def with_suffix(result: Evaluation, suffix: str) -> Evaluation:
    """The same scores with every method renamed ``<method><suffix>`` (to hold two corpora in one evaluation)."""
    return Evaluation(result.id_set, result.ood_sets, {f"{m}{suffix}": s for m, s in result.scores.items()},
                      label=result.label, convention=result.convention)


def merge(first: Evaluation, second: Evaluation) -> Evaluation:
    """One evaluation holding the methods of both (same images; method names must differ)."""
    if (first.id_set, first.ood_sets) != (second.id_set, second.ood_sets):
        raise ValueError("the evaluations score different image sets")
    if not first.methods or not second.methods:
        raise ValueError("both evaluations need at least one method")
    sizes = [{s: len(v) for s, v in e.scores[e.methods[0]].items()} for e in (first, second)]
    if sizes[0] != sizes[1]:
        raise ValueError(f"the evaluations score different images: set sizes {sizes[0]} vs {sizes[1]}")
    clash = sorted(set(first.methods) & set(second.methods))
    if clash:
        raise ValueError(f"both evaluations hold the methods {clash}: rename one side (with_suffix)")
    return Evaluation(first.id_set, first.ood_sets, {**first.scores, **second.scores}, label=first.label,
                      convention=first.convention)


def average_rows(result: Evaluation, methods: Sequence[str], world: str) -> list[dict[str, object]]:
    """Average FPR95 and AUROC per method (names in ``result``)."""
    rows = []
    for method in methods:
        average = result.metrics(method)["average"]
        rows.append({"world": world, "method": method, "fpr95": average["fpr95"], "auroc": average["auroc"]})
    return rows


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


_COLORS = {"MCM": "tab:blue", verdicts.NEGLABEL: "tab:orange", "CSP": "tab:green", verdicts.DNM_CLAMPED: "tab:red",
           verdicts.DNM_OFFICIAL: "tab:purple"}


def _check_methods(result: Evaluation, methods: Sequence[str] | None) -> list[str]:
    methods = list(result.methods if methods is None else methods)
    unknown = [m for m in methods if m not in result.scores]
    if unknown or not methods:
        raise ValueError(f"methods {unknown or methods} are not in the evaluation; it has {list(result.methods)}")
    return methods


#: Smallest 1 - score the histogram axis resolves: float32 scores closer to 1 than this show at 7 on the axis.
_TAIL_FLOOR = 1e-7

#: Histogram axis per method: "linear" (the score itself), "tail", -log10(1 - score), which spreads the grouped
#: scores of ID images (within 1e-3 to 1e-6 of their supremum 1) over decades, or "log-odds" (DNM's default
#: scale, already spread; near 1 it is about ln 10 times the tail axis); all grow with the score.
HISTOGRAM_AXES: dict[str, str] = {"MCM": "linear", verdicts.NEGLABEL: "log-odds", "CSP": "log-odds",
                                  verdicts.DNM_CLAMPED: "log-odds", verdicts.DNM_PROBABILITY: "tail"}


def histogram_values(method: str, scores: np.ndarray) -> tuple[np.ndarray, str]:
    """The values a histogram of ``method``'s scores shows, and the axis label (see :data:`HISTOGRAM_AXES`)."""
    if method not in HISTOGRAM_AXES:
        raise ValueError(f"no histogram axis for method {method!r} (its scores may exceed 1, e.g. the official "
                         f"DNM scale); choose from {', '.join(HISTOGRAM_AXES)}")
    scores = np.asarray(scores, dtype=np.float64)
    if HISTOGRAM_AXES[method] == "linear":
        return scores, "score"
    if HISTOGRAM_AXES[method] == "log-odds":
        return scores, "log-odds of the score"
    if scores.min() <= 0 or scores.max() > 1:
        raise ValueError(f"method {method!r}: a tail axis needs scores in (0, 1], got [{scores.min()}, {scores.max()}]")
    return -np.log10(np.maximum(1 - scores, _TAIL_FLOOR)), "-log10(1 - score)"


def plot_score_histograms(result: Evaluation, methods: Sequence[str] | None = None, *, bins: int = 60) -> Figure:
    """One row per method, one column per OOD set: ID vs OOD score histograms, with the FPR95 threshold.

    Each method has its own axis (:func:`histogram_values`), covering the 0.5-99.5% quantiles of its values;
    right = more ID everywhere. On a tail axis the bar at 7 gathers the scores equal to 1 in float32. The dashed
    line is the threshold keeping 95% of the ID images: the OOD mass to its right is FPR95. The title carries
    the evaluation's label.
    """
    methods = _check_methods(result, methods)
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
        raise ValueError(f"bins must be an int >= 2, got {bins!r}")
    sets = result.ood_sets
    id_name = SET_LABELS.get(result.id_set, result.id_set)
    fig = Figure(figsize=(3.1 * len(sets), 2.1 * len(methods) + 0.6), layout="constrained")
    axes = fig.subplots(len(methods), len(sets), squeeze=False)
    for row, method in enumerate(methods):
        values = {name: histogram_values(method, scores) for name, scores in result.scores[method].items()}
        label = values[result.id_set][1]
        pooled = np.concatenate([v for v, _ in values.values()])
        low, high = np.quantile(pooled, [0.005, 0.995])
        edges = np.linspace(low, high if high > low else low + 1.0, bins + 1)
        id_values = values[result.id_set][0]
        threshold = np.quantile(id_values, 0.05)
        for column, name in enumerate(sets):
            axis = axes[row, column]
            axis.hist(np.clip(id_values, edges[0], edges[-1]), edges, density=True, color="grey", alpha=0.5,
                      label=f"{id_name} (ID)")
            axis.hist(np.clip(values[name][0], edges[0], edges[-1]), edges, density=True, histtype="step",
                      lw=1.5, color=_COLORS.get(method, "black"), label=f"{SET_LABELS.get(name, name)} (OOD)")
            axis.axvline(threshold, color="black", ls="--", lw=0.8)
            axis.set_yticks([])
            axis.tick_params(labelsize=7)
            axis.set_xlabel(label, fontsize=7)
            if row == 0:
                axis.set_title(SET_LABELS.get(name, name), fontsize=9)
                axis.legend(fontsize=6, loc="upper left")
            if column == 0:
                axis.set_ylabel(method, fontsize=8)
    fig.suptitle(f"Score distributions, ID vs each OOD set ({result.label})", fontsize=10)
    return fig


def plot_roc_curves(result: Evaluation, methods: Sequence[str] | None = None) -> Figure:
    """One panel per OOD set: the ROC curve of each method (ID positive), with the 95% ID-recall line.

    The FPR axis is logarithmic (from one OOD image to all), so the region where FPR95 is read is not squeezed
    into the top-left corner. The title carries the evaluation's label.
    """
    methods = _check_methods(result, methods)
    sets = result.ood_sets
    fig = Figure(figsize=(3.2 * len(sets), 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(sets), squeeze=False)[0])
    for axis, name in zip(axes, sets, strict=True):
        for method in methods:
            scores = result.scores[method]
            fpr, tpr = roc_points(scores[result.id_set], scores[name])
            auroc = ood_metrics(scores[result.id_set], scores[name])["auroc"]
            axis.plot(fpr, tpr, lw=1.2, color=_COLORS.get(method, None), label=f"{method} ({auroc:.1f})")
        axis.axhline(0.95, color="black", ls="--", lw=0.8)
        axis.set_xscale("log", nonpositive="mask")
        axis.set_xlim(1 / len(result.scores[methods[0]][name]), 1)
        axis.set_ylim(0, 1.01)
        axis.set_title(SET_LABELS.get(name, name), fontsize=9)
        axis.set_xlabel("OOD accepted (FPR, log scale)", fontsize=8)
        axis.legend(fontsize=6, loc="lower right", title="AUROC %", title_fontsize=6)
    axes[0].set_ylabel("ID accepted (TPR)", fontsize=8)
    fig.suptitle(f"ROC curves, {SET_LABELS.get(result.id_set, result.id_set)} vs each OOD set ({result.label})",
                 fontsize=10)
    return fig



# ------------------------------------------------------------------------------------------- page prose

def features_note(bundle: FeatureBundle, choice: OfficialChoice) -> str:
    """The note at the top of the page: where every measured number comes from, and whose official settings."""
    provenance = bundle.provenance
    if provenance.world == "simulated":
        where = (f"Every measured number on this page is **simulated** ({bundle.label}): text features from "
                 f"{provenance.model} (a real text encoder) and synthetic image embeddings from "
                 "`debiasood.world.simulated`, never CLIP. The world was calibrated on two reported anchors only "
                 "(the average FPR95 of MCM and of NegLabel); everything else, CSP and DNM included, is a "
                 "prediction of that world.")
    else:
        where = (f"Every measured number on this page is **real** ({bundle.label}): {provenance.model} features "
                 f"of real image files and of the prompts, from the bundle written by `{provenance.command}`.")
        if provenance.pretrained == "random weights":
            where += (" The model has random weights: the numbers test that the pipeline runs, and say nothing "
                      "about any method.")
    if choice.from_bundle:
        whose = f"the official settings of {choice.backbone}, the bundle's model"
    else:
        whose = (f"the official settings of {choice.backbone}, the paper's main backbone (the official code has "
                 f"none for {provenance.model})")
    return (f"```{{note}}\n{where} Scores use {whose}: τ = {choice.settings.tau_neg}, density quotas "
            f"{choice.settings.noun_quota:.0%} / {choice.settings.adj_quota:.0%}, k = {choice.settings.k}.\n```")


def table_description(bundle: FeatureBundle, *, seed: int, partition_seed: int, bootstrap: int) -> str:
    """What the written table measured: image counts, seeds, corpus and resamples (the file's caption)."""
    id_count = len(bundle.images[bundle.id_set])
    ood_count = sum(len(bundle.images[s]) for s in bundle.ood_sets)
    draw = f"image seed {seed}, " if bundle.provenance.world == "simulated" else ""
    return (f"{bundle.provenance.world.capitalize()}: {id_count:,} ID + {ood_count:,} OOD images ({draw}partition "
            f"seed {partition_seed}, corpus {bundle.text.corpus.name}); bootstrap 95% intervals ({bootstrap} "
            "resamples) in main_benchmark.csv. Written by notebooks/03_main_benchmark.py.")


def csp_check_records(average: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """CSP against its reported average and its gain over NegLabel, measured and reported (FPR95)."""
    return {"csp_minus_reported_fpr95": float(average["csp"]["fpr95"]) - reported_numbers.fpr95("csp", "average"),
            "csp_gain_over_neglabel_fpr95": float(average["neglabel"]["fpr95"]) - float(average["csp"]["fpr95"]),
            "csp_gain_over_neglabel_reported": (reported_numbers.fpr95("neglabel", "average")
                                                - reported_numbers.fpr95("csp", "average"))}


def csp_check_markdown(records: Mapping[str, float]) -> str:
    """CSP as the offline world's held-out check, in words decided by the recorded numbers."""
    gap, gain, reported_gain = (records[k] for k in ("csp_minus_reported_fpr95", "csp_gain_over_neglabel_fpr95",
                                                     "csp_gain_over_neglabel_reported"))
    where = "above" if gap > 0 else "below"
    text = (f"The world's CSP lands {abs(gap):.2f} points {where} its reported average FPR95: it improves on the "
            f"world's NegLabel by {gain:.2f} points where the papers report {reported_gain:.2f}.")
    if gain > 0 and gain < reported_gain:
        text += (" The world gets the direction right and understates the size. Two differences from real CSP may "
                 "explain part of it; neither is tested here. CSP's prompt ensembles are replaced by single "
                 "prompts. And the world's OOD images share visual content with ImageNet only in proportion to how "
                 "close their captions are in text space, so the superclass phrases (\"... landscape\", "
                 "\"... texture\") that help CSP on real SUN, Places and Textures photos have nothing visual of "
                 "their own to match.")
    elif gain <= 0:
        text += " The world does not reproduce CSP's gain over NegLabel at all."
    return text


# -------------------------------------------------------------------------------------- leakage, evaluated

#: Suffix of the methods scored on the corpus without the OOD names.
NO_NAMES = " without OOD names"


def leakage_benchmark(result: Evaluation, reduced: FeatureBundle, settings: Settings, *,
                      methods: Sequence[str]) -> Evaluation:
    """``methods`` (grouped main methods) mined again from ``reduced`` (:func:`without_ood_names`) and scored on
    the images of ``result``, in one evaluation with their full-corpus scores (reduced ones named
    ``<method>`` + :data:`NO_NAMES`), so the two corpora can be compared with paired intervals."""
    images = {name: reduced.images[name].features for name in (result.id_set, *result.ood_sets)}
    scored = evaluate(images, result.id_set, method_inputs(reduced, methods, settings), settings=settings,
                      label=result.label)
    return merge(restrict(result, [METHOD_LABELS[m] for m in methods]), with_suffix(scored, NO_NAMES))


def leakage_claims() -> tuple[Claim, ...]:
    """The claims of the leakage check."""
    return (
        Claim("no_names_dnm_vs_neglabel", verdicts.DNM_CLAMPED + NO_NAMES, verdicts.NEGLABEL + NO_NAMES,
              "DNM against NegLabel, both mined from the corpus without the OOD names"),
        Claim("no_names_dnm_vs_dnm", verdicts.DNM_CLAMPED + NO_NAMES, verdicts.DNM_CLAMPED,
              "DNM without the OOD names against DNM on the full corpus"),
        Claim("no_names_neglabel_vs_neglabel", verdicts.NEGLABEL + NO_NAMES, verdicts.NEGLABEL,
              "NegLabel without the OOD names against NegLabel on the full corpus"),
    )


def leakage_table_rows(leakage: Evaluation, methods: Sequence[str], world: str) -> list[dict[str, object]]:
    """Per method: average FPR95 / AUROC on the full corpus, without the OOD names, and the change."""
    rows = []
    for method in methods:
        full = leakage.metrics(METHOD_LABELS[method])["average"]
        reduced = leakage.metrics(METHOD_LABELS[method] + NO_NAMES)["average"]
        rows.append({"world": world, "method": METHOD_LABELS[method],
                     "full corpus": _pair(full["fpr95"], full["auroc"]),
                     "without OOD names": _pair(reduced["fpr95"], reduced["auroc"]),
                     "FPR95 change": reduced["fpr95"] - full["fpr95"],
                     "AUROC change": reduced["auroc"] - full["auroc"]})
    return rows


def leakage_records(removal: NameRemoval, name_rows: Sequence[Mapping[str, Any]], leakage: Evaluation,
                    claim_rows_: Sequence[Mapping[str, Any]], methods: Sequence[str]) -> dict[str, float]:
    """The leakage check's numbers: words removed, names in the full corpus' selections per OOD set, the
    averages without the names and the claims."""
    records: dict[str, float] = {"ood_names_removed_words": len(removal.removed_words),
                                 "ood_names_removed_pool": removal.removed_pool}
    rules = {"NegLabel's rule": "neglabel", "DNM's density selection": "dnm"}
    for row in name_rows:
        if row["corpus"] != "full":
            continue
        for ood in removal.names:
            records[f"ood_names_{rules[str(row['negatives'])]}_{ood}"] = float(row[SET_LABELS.get(ood, ood)])
    for method in methods:
        average = leakage.metrics(METHOD_LABELS[method] + NO_NAMES)["average"]
        for metric in ("fpr95", "auroc"):
            records[f"{metric}_avg_{method.replace('-', '_')}_no_names"] = average[metric]
    records.update(claim_records(claim_rows_))
    return records


def leakage_markdown(rows: Sequence[Mapping[str, Any]], main_rows: Sequence[Mapping[str, Any]]) -> str:
    """The leakage check in words decided by the verdicts of its claims (:func:`leakage_claims`, in ``rows``) and
    of the full corpus' headline claim ('dnm_vs_neglabel' in ``main_rows``)."""
    found = {key: _claim(rows, key) for key in ("no_names_dnm_vs_neglabel", "no_names_dnm_vs_dnm",
                                                "no_names_neglabel_vs_neglabel")}
    full = _claim(main_rows, "dnm_vs_neglabel")
    if not all(found.values()) or full is None:
        raise ValueError("rows lack a claim of leakage_claims(), or main_rows the claim 'dnm_vs_neglabel'")
    text = (f"Without the OOD names, DNM (clamped) against NegLabel has {_says(found['no_names_dnm_vs_neglabel'])}."
            f" Against itself on the full corpus, DNM without the names has {_says(found['no_names_dnm_vs_dnm'])}; "
            f"NegLabel without the names has {_says(found['no_names_neglabel_vs_neglabel'])}.")
    before, after = full["fpr95"]["verdict"], found["no_names_dnm_vs_neglabel"]["fpr95"]["verdict"]
    if before != "A better":
        text += " DNM had no FPR95 lead over NegLabel on the full corpus either."
    elif after == "A better":
        text += " DNM's FPR95 lead over NegLabel survives without the names."
    else:
        text += " DNM's FPR95 lead over NegLabel does not survive without the names."
    return text


def _from_records(records: Mapping[str, float], key: str) -> dict[str, dict[str, object]] | None:
    if f"{key}_fpr95_verdict" not in records:
        return None
    codes = {code: verdict for verdict, code in VERDICT_CODES.items()}
    return {metric: {"A - B": records[f"{key}_{metric}"], "low": records[f"{key}_{metric}_low"],
                     "high": records[f"{key}_{metric}_high"],
                     "verdict": codes[int(records[f"{key}_{metric}_verdict"])]} for metric in ("fpr95", "auroc")}


def summary_markdown(records: Mapping[str, float], bundle: FeatureBundle, random_seeds: Sequence[int]) -> str:
    """"What this shows", from the recorded numbers and verdicts only (so the prose cannot drift from them)."""
    world = bundle.provenance.world
    keys = {m: m.replace("-", "_") for m in MAIN_METHODS}
    averages = ", ".join(f"{METHOD_LABELS[m]} {records[f'fpr95_avg_{key}']:.2f} / {records[f'auroc_avg_{key}']:.2f}"
                         for m, key in keys.items() if f"fpr95_avg_{key}" in records)
    lines = [f"All measured numbers below are {world} ({bundle.label}).", "",
             f"- Average FPR95 / AUROC over the OOD sets: {averages}. Reported, CLIP ViT-B/16: "
             + ", ".join(f"{records[f'reported_fpr95_avg_{m}']:.2f}" for m in ("mcm", "neglabel", "csp", "dnm"))
             + " average FPR95 for MCM, NegLabel, CSP and DNM."]
    headline = _from_records(records, "dnm_vs_neglabel")
    negatives, score = _from_records(records, "density_vs_neglabel"), _from_records(records, "dnm_vs_density")
    lines.append(f"- DNM (clamped) against NegLabel: {_says(headline)}. The negatives alone (τ = 1): "
                 f"{_says(negatives)}; the score alone: {_says(score)}.")
    randoms = [_from_records(records, f"density_vs_random_{seed}") for seed in random_seeds]
    if randoms and all(randoms):
        lines.append(f"- Density-selected negatives {_against_random(randoms)}.")
    official = _from_records(records, "official_vs_density")
    lines.append(f"- The official arithmetic (τ = {records['official_tau']:.2f}) against τ = 1 on DNM's negatives: "
                 f"{_says(official)}. On its probability scale the clamped score rounds to exactly 1 for "
                 f"{records['saturation_id_dnm_probability']:.1f}% of ID and "
                 f"{records['saturation_ood_dnm_probability']:.1f}% of OOD images; the default log-odds scale ties "
                 f"{records['saturation_id_dnm']:.1f}% of ID images.")
    leak = _from_records(records, "no_names_dnm_vs_neglabel")
    if leak:
        lines.append(f"- Without the OOD sets' names in the corpus, DNM against NegLabel: {_says(leak)}.")
    if "csp_minus_reported_fpr95" in records:
        lines.append(f"- CSP, held out from the calibration, lands {records['csp_minus_reported_fpr95']:+.2f} points "
                     f"from its reported average; its gain over NegLabel is "
                     f"{records['csp_gain_over_neglabel_fpr95']:.2f} here against "
                     f"{records['csp_gain_over_neglabel_reported']:.2f} reported.")
    if world == "simulated":
        lines += ["", "These are orderings and mechanisms in a simulated world calibrated on two numbers; they say "
                  "nothing about the size of DNM's gain with real CLIP features."]
    elif bundle.provenance.pretrained == "random weights":
        lines += ["", "The model has random weights: these numbers test the pipeline, not the methods."]
    return "\n".join(lines) + "\n"
