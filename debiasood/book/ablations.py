"""Ablations of DNM (chapter 04): which of its two changes does the work, against which controls, and which knobs
matter, on any feature bundle.

DNM (Peng et al., KDD 2026) changes two things of NegLabel (Jiang et al., ICLR 2024) at once: WHICH negatives are
used (density selection instead of NegLabel's percentile mining) and HOW the score is squashed (the debiased
partition function instead of NegLabel's). This module separates them, on the images and text side of one
:class:`debiasood.data.bundle.FeatureBundle` (the offline world's or a real CLIP extraction's alike):

- :class:`AblationBench`: the bundle, its density rankings computed once (stored in the feature store for the
  offline world), and memoised evaluations through the one evaluation layer
  (:func:`debiasood.core.evaluation.evaluate`) for any :class:`debiasood.core.evaluation.Settings`.
- :func:`factorial_study`: the 2 x 2 design (negatives x score) beside the controls of
  :func:`debiasood.book.verdicts.control_suite` (random negatives of DNM's size and part-of-speech split,
  NegLabel's rule at DNM's size, tau = 1 on DNM's negatives, the official arithmetic, ties broken), with
  paired bootstrap intervals on every effect and claim (:class:`FactorialStudy`).
- :func:`ood_name_filter`: the corpus without the OOD sets' concept names and their WordNet synonyms (the
  leakage check of the 2 x 2 design).
- :func:`sweep` and :func:`sensitivity`: one-at-a-time sweeps around the official settings, and how far each
  moves the metrics.
- :func:`corpus_setup` / :func:`corpus_rows`: the offline world with another label corpus (it needs the world's
  text encoder).
- :func:`findings`: the page's conclusions as sentences chosen by the recorded verdicts, never typed by hand.
- ``plot_*``: the figures (matplotlib Figures not registered with pyplot), titled with the features' label.

Formulas: the book's method reference (``method-dnm-score``, ``method-density``, ``method-official-settings``).
Every row carries the bundle's provenance label (``"simulated: ... world"`` or ``"real: <model> (<weights>)"``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from debiasood.book import verdicts
from debiasood.book.tables import markdown_table  # noqa: F401 (the chapter's tables: ablations.markdown_table)
from debiasood.core.checks import check_int
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.mining import ADJECTIVE, NOUN, density_statistics, neglabel_mining, select_densest
from debiasood.core.scores import dnm_coefficient, dnm_score, perturbed_positives
from debiasood.data import reported
from debiasood.data.bundle import FeatureBundle
from debiasood.data.corpora import LabelCorpus
from debiasood.data.filters import FilterResult

NEGATIVES = ("neglabel", "density")
"""Negative-label rules of the 2 x 2 design: NegLabel's percentile mining, DNM's density selection."""
SCORES = ("neglabel", "dnm")
"""Scores of the 2 x 2 design: NegLabel's grouped score, DNM's debiased score (clamped, the project default)."""

NEGLABEL_DNM_SCORE = "NegLabel's negatives, DNM's score (clamped)"
NEGLABEL_DNM_PROBABILITY = "NegLabel's negatives, DNM's score (clamped, probability scale)"
RANDOM_MEAN = "random negatives, DNM's size (mean over seeds)"

#: The four cells of the 2 x 2 design, by (negatives, score): method names of the control suite.
CELLS: dict[tuple[str, str], str] = {
    ("neglabel", "neglabel"): verdicts.NEGLABEL,
    ("neglabel", "dnm"): NEGLABEL_DNM_SCORE,
    ("density", "neglabel"): verdicts.DENSITY_NEGLABEL_SCORE,
    ("density", "dnm"): verdicts.DNM_CLAMPED,
}

_NN, _ND, _DN, _DD = (CELLS[c] for c in (("neglabel", "neglabel"), ("neglabel", "dnm"), ("density", "neglabel"),
                                          ("density", "dnm")))
#: Effects of the 2 x 2 design as contrasts (weights) of the cells' metrics, y(negatives, score):
#: main effects average the two simple effects; the interaction is their difference.
EFFECTS: dict[str, dict[str, float]] = {
    "negatives": {_DN: 0.5, _NN: -0.5, _DD: 0.5, _ND: -0.5},
    "score": {_ND: 0.5, _NN: -0.5, _DD: 0.5, _DN: -0.5},
    "interaction": {_DD: 1.0, _DN: -1.0, _ND: -1.0, _NN: 1.0},
    "both": {_DD: 1.0, _NN: -1.0},
    "score_on_neglabel": {_ND: 1.0, _NN: -1.0},
    "score_on_density": {_DD: 1.0, _DN: -1.0},
}
EFFECT_LABELS = {
    "negatives": "negatives (main effect)", "score": "score (main effect)", "interaction": "interaction",
    "both": "both changes (DNM - NegLabel)", "score_on_neglabel": "score, on NegLabel's negatives",
    "score_on_density": "score, on density negatives",
}

#: The claims the page checks, as (A, B): A - B with a paired interval. ``RANDOM_MEAN`` is the mean over the
#: random-negative seeds (each seed is also shown on its own).
CLAIMS: dict[str, tuple[str, str]] = {
    "density_vs_random": (verdicts.DENSITY_NEGLABEL_SCORE, RANDOM_MEAN),
    "neglabel_rule_vs_random": (verdicts.NEGLABEL_AT_DNM_SIZE, RANDOM_MEAN),
    "neglabel_vs_rule_at_size": (verdicts.NEGLABEL, verdicts.NEGLABEL_AT_DNM_SIZE),
    "clamped_vs_tau_one": (verdicts.DNM_CLAMPED, verdicts.DENSITY_NEGLABEL_SCORE),
    "official_vs_tau_one": (verdicts.DNM_OFFICIAL, verdicts.DENSITY_NEGLABEL_SCORE),
    "probability_vs_clamped": (verdicts.DNM_PROBABILITY, verdicts.DNM_CLAMPED),
}

#: A verdict as a number, for the recorded values: +1 A better, 0 no difference, -1 B better.
VERDICT_CODES = {"A better": 1, "no difference": 0, "B better": -1}
METRICS = ("fpr95", "auroc")


# ---------------------------------------------------------------- knobs and grids

#: One-at-a-time grids around the official ViT-B/16 settings (each includes the default value); every knob is
#: a field of :class:`debiasood.core.evaluation.Settings`.
GRIDS: dict[str, tuple[float, ...]] = {
    "tau_neg": (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0),
    "num_groups": (1, 10, 100, 1000),
    "temperature": (0.002, 0.005, 0.01, 0.02, 0.05),
    "k": (10, 25, 50, 100, 200),
    "noun_quota": (0.05, 0.1, 0.23, 0.46),
    "adj_quota": (0.0, 0.05, 0.13, 0.3, 0.6),
    "label_scale": (0.25, 0.5, 1.0, 2.0),
    "sigma": (0.0, 0.003, 0.01, 0.03, 0.1),
    "num_positive_samples": (1, 2, 4),
}
KNOB_NAMES = tuple(GRIDS)

#: Axis labels of the knobs, and which are swept on a log scale.
KNOB_LABELS: dict[str, str] = {
    "tau_neg": r"assumed share of true negatives $\tau_{neg}$",
    "num_groups": "number of groups G",
    "temperature": "temperature T",
    "k": "density kNN k",
    "noun_quota": "noun quota",
    "adj_quota": "adjective quota",
    "label_scale": "number of mined labels M",
    "sigma": r"positives' noise $\sigma$",
    "num_positive_samples": "positive samples per ID label n",
}
_LOG_KNOBS = {"num_groups", "temperature", "k", "label_scale", "num_positive_samples"}
# Knobs that only the density selection reads, and knobs that only DNM's score reads.
_DENSITY_KNOBS = ("k", "noun_quota", "adj_quota", "label_scale", "density_form")
_DNM_KNOBS = ("tau_neg", "sigma", "num_positive_samples")


def grid(knob: str, *, coarse: bool = False, upper: float | None = None) -> tuple[float, ...]:
    """The sweep grid of ``knob``; ``coarse`` keeps every other point, the ends and the default (quick SMOKE
    runs); ``upper`` drops the values above it (e.g. more groups than the mined labels, or a k as large as a
    small corpus)."""
    _check_knob(knob)
    values = GRIDS[knob]
    if coarse:
        default = getattr(Settings(), knob)
        values = tuple(v for i, v in enumerate(values) if i % 2 == 0 or v == default or i == len(values) - 1)
    if upper is not None:
        values = tuple(v for v in values if v <= upper)
        if not values:
            raise ValueError(f"upper={upper!r} is below every {knob} value of the grid {GRIDS[knob]}")
    return values


def _check_knob(knob: str) -> None:
    if knob not in KNOB_NAMES:
        raise ValueError(f"knob {knob!r} has no sweep grid; choose from {', '.join(KNOB_NAMES)}")


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


# ---------------------------------------------------------------- the bench: one bundle, cached rankings

def with_corpus(bundle: FeatureBundle, corpus: LabelCorpus, corpus_features: np.ndarray) -> FeatureBundle:
    """``bundle`` with another candidate corpus (its features in the bundle's space), the same images and ID
    text. CSP's pool is dropped (it was built from the old corpus), and so are fixed selections."""
    text = dataclasses.replace(bundle.text, corpus=corpus, corpus_features=np.asarray(corpus_features),
                               csp_pool=None, csp_features=None, id_csp=None, fixed_negatives=None)
    # A fresh _cache: the bundle's memo of density statistics belongs to the old corpus.
    return dataclasses.replace(bundle, text=text, _cache={})


@dataclass
class AblationBench:
    """One bundle, its density rankings and memoised evaluations: every number of the chapter comes from here.

    ``setup`` (optional) is the :class:`debiasood.world.offline.OfflineSetup` behind a simulated bundle: with it
    the density rankings come from the feature store (one exact kNN search per corpus and k, ever), without it
    they are computed once per bench (:func:`debiasood.core.mining.density_statistics`, one search for all the
    k asked together). Evaluations are memoised per (settings, negatives, score), so sweeps that share the
    default point score it once.
    """

    bundle: FeatureBundle
    setup: Any = None
    store: Any = None
    _rankings: dict = field(default_factory=dict, repr=False)
    _neglabel: dict = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.bundle, FeatureBundle):
            raise TypeError(f"bundle must be a FeatureBundle, got {type(self.bundle).__name__}")
        if self.setup is not None and self.setup.corpus.fingerprint != self.bundle.text.corpus.fingerprint:
            raise ValueError("setup's corpus is not the bundle's corpus: its stored density rankings would select "
                             "other words; pass the setup the bundle was drawn from, or none")

    @property
    def label(self) -> str:
        return self.bundle.label

    def rankings(self, ks: Sequence[int], form: str = "paper") -> dict[int, np.ndarray]:
        """DNM's full density ranking of the corpus for each k: corpus rows, best first, nouns then adjectives."""
        missing = sorted({int(k) for k in ks} - {k for (k, f) in self._rankings if f == form})
        if missing:
            if self.setup is not None:
                from debiasood.world.offline import density_rankings

                found = density_rankings(self.setup, missing, form=form, store=self.store)
            else:
                text = self.bundle.text
                statistics = density_statistics(text.corpus_features, missing, form=form)
                found = {k: select_densest(statistics[k], text.corpus.parts_of_speech,
                                           quotas={NOUN: 1.0, ADJECTIVE: 1.0}, form=form).indices for k in missing}
            self._rankings.update({(k, form): np.asarray(found[k], dtype=np.int64) for k in missing})
        return {int(k): self._rankings[(int(k), form)] for k in ks}

    def density_rows(self, settings: Settings) -> np.ndarray:
        """DNM's density selection under ``settings`` (k, quotas, label_scale, form): exactly the rows
        :func:`debiasood.core.mining.select_densest` keeps (``int(quota * n_part)`` of each part, nouns first),
        read off the cached ranking."""
        ranking = self.rankings([settings.k], settings.density_form)[settings.k]
        pos = np.asarray(self.bundle.text.corpus.parts_of_speech)
        quotas = settings.density_quotas()
        chosen = [ranking[pos[ranking] == part][: int((pos == part).sum() * quotas[part])]
                  for part in (NOUN, ADJECTIVE) if part in quotas]
        return np.concatenate(chosen).astype(np.int64)

    def negatives(self, rule: str, settings: Settings | None = None) -> np.ndarray:
        """Corpus rows of the negatives of ``rule`` ("neglabel" or "density") under ``settings``."""
        settings = Settings() if settings is None else settings
        _check_choice("negatives", rule, NEGATIVES)
        if rule == "density":
            return self.density_rows(settings)
        # NegLabel's mining reads only its percentile and quota; its corpus x ID similarities are the costly part.
        key = ("neglabel", settings.percentile, settings.neglabel_quota)
        if key not in self._neglabel:
            self._neglabel[key] = self.bundle.negatives("neglabel", settings)
        return self._neglabel[key]

    def negative_features(self, rule: str, settings: Settings | None = None) -> np.ndarray:
        return np.asarray(self.bundle.text.corpus_features)[self.negatives(rule, settings)]

    def images(self) -> dict[str, np.ndarray]:
        bundle = self.bundle
        return {name: bundle.images[name].features for name in (bundle.id_set, *bundle.ood_sets)}

    def evaluation(self, methods: Mapping[str, tuple[str, str]], settings: Settings | None = None) -> Evaluation:
        """Score ``{name: (negatives rule, score)}`` on the bundle's images: one
        :class:`debiasood.core.evaluation.Evaluation`. DNM's score with ``settings.sigma > 0`` uses the paper's
        perturbed positives (:func:`debiasood.core.scores.perturbed_positives`, seeded by ``settings.seed``)."""
        settings = Settings() if settings is None else settings
        if not methods:
            raise ValueError("methods is empty: pass {name: (negatives rule, score)}")
        id_text = self.bundle.text.id_neglabel
        plain, perturbed = {}, {}
        for name, (rule, score) in methods.items():
            _check_choice("score", score, SCORES)
            features = self.negative_features(rule, settings)
            if score == "dnm" and settings.sigma > 0:
                perturbed[name] = features
            else:
                plain[name] = MethodInput(score, id_text, features)
        images = self.images()
        result = (evaluate(images, self.bundle.id_set, plain, settings=settings, label=self.label) if plain else
                  Evaluation(self.bundle.id_set, self.bundle.ood_sets, label=self.label,
                             convention=settings.convention))
        if perturbed:
            positives = perturbed_positives(np.asarray(id_text), sigma=settings.sigma,
                                            num_samples=settings.num_positive_samples, seed=settings.seed)
            stacked = np.concatenate(list(images.values()))
            sizes = np.cumsum([len(x) for x in images.values()])[:-1]
            for name, features in perturbed.items():
                # The evaluation layer's "dnm": the clamped score on the log-odds scale.
                scores = np.asarray(dnm_score(stacked, id_text, features, tau_neg=settings.tau_neg,
                                              temperature=settings.temperature,
                                              groups=settings.groups(len(features)), positives=positives,
                                              scale="log-odds"))
                result.add(name, dict(zip(images, np.split(scores, sizes), strict=True)))
        return result

    def point(self, settings: Settings | None = None, *, negatives: str = "density", score: str = "dnm") -> dict:
        """Average FPR95 and AUROC over the OOD sets (percent), per-set FPR95, M, Q and DNM's coefficient a."""
        settings = Settings() if settings is None else settings
        _check_choice("negatives", negatives, NEGATIVES)
        _check_choice("score", score, SCORES)
        default = Settings()
        # Knobs a pipeline does not read share one memo entry (NegLabel's mining ignores k, NegLabel's score tau).
        if negatives == "neglabel":
            settings = dataclasses.replace(settings, **{n: getattr(default, n) for n in _DENSITY_KNOBS})
        if score == "neglabel":
            settings = dataclasses.replace(settings, **{n: getattr(default, n) for n in _DNM_KNOBS})
        key = (settings, negatives, score)
        if key not in self._memo:
            result = self.evaluation({"point": (negatives, score)}, settings)
            metrics = result.metrics("point")
            num_negatives = len(self.negatives(negatives, settings))
            group_size = num_negatives // settings.num_groups
            # The closed form's a (official positives); NegLabel's score is the case a = 1.
            coefficient = (dnm_coefficient(len(self.bundle.text.id_names), group_size, settings.tau_neg)
                           if score == "dnm" else 1.0)
            self._memo[key] = {"fpr95": metrics["average"]["fpr95"], "auroc": metrics["average"]["auroc"],
                               **{f"fpr95_{s}": metrics[s]["fpr95"] for s in result.ood_sets},
                               "num_negatives": num_negatives, "group_size": group_size, "coefficient": coefficient}
        return dict(self._memo[key])


# ---------------------------------------------------------------- the 2 x 2 design with its controls

@dataclass
class FactorialStudy:
    """The 2 x 2 cells and the controls scored on one bundle's images, with paired bootstrap intervals.

    Every interval comes from :func:`debiasood.core.metrics.bootstrap_replicates` with ONE seed: the resamples
    depend only on the seed and the set sizes, so every method is scored on the same resampled images in each
    replicate and any contrast of methods (a difference, a main effect, an interaction) is paired. A - B of two
    methods equals :meth:`debiasood.core.evaluation.Evaluation.paired`'s.
    """

    result: Evaluation
    settings: Settings
    random_seeds: tuple[int, ...]
    num_resamples: int = 1000
    seed: int = 0
    level: float = 0.95
    _contrasts: verdicts.PairedContrasts = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The paired bootstrap of every method and contrast is verdicts.PairedContrasts'; RANDOM_MEAN is its mean.
        means = {RANDOM_MEAN: [verdicts.random_label(s) for s in self.random_seeds]} if self.random_seeds else {}
        self._contrasts = verdicts.PairedContrasts(self.result, means, num_resamples=self.num_resamples,
                                                   seed=self.seed, level=self.level)

    @property
    def label(self) -> str:
        return self.result.label

    def _check(self, methods: Iterable[str]) -> None:
        if RANDOM_MEAN in methods and not self.random_seeds:
            raise ValueError("this study has no random-negative seeds, so no mean over them")

    def replicates(self, method: str) -> dict[str, np.ndarray]:
        """Bootstrap replicates of the average FPR95 and AUROC of ``method`` (cached)."""
        return self._contrasts.replicates(method)

    def contrast(self, weights: Mapping[str, float]) -> dict[str, dict[str, float]]:
        """``sum_m w_m * metric(m)`` on the average over the OOD sets, with its paired percentile interval and
        verdict code (+1: the positive-weight side better; lower FPR95 or higher AUROC is better)."""
        self._check(weights)
        return {metric: {**c, "verdict": VERDICT_CODES[verdicts.verdict(metric, c["low"], c["high"])]}
                for metric, c in self._contrasts.contrast(weights).items()}

    def value(self, method: str, metric: str) -> float:
        """The average ``metric`` of a method, or of the mean over the random seeds (:data:`RANDOM_MEAN`)."""
        self._check([method])
        return self._contrasts.value(method, metric)

    def average(self, method: str) -> dict[str, float]:
        """The average metrics of an evaluated method over the OOD sets (cached)."""
        return self._contrasts.average(method)

    def cell_rows(self) -> list[dict[str, Any]]:
        """The four cells with percentile bootstrap intervals of their averages."""
        rows = []
        for (negatives, score), method in CELLS.items():
            row: dict[str, Any] = {"world": self.label, "negatives": negatives, "score": score}
            for metric in METRICS:
                row[metric] = self.value(method, metric)
                row[f"{metric}_low"], row[f"{metric}_high"] = self._contrasts.interval(method, metric)
            rows.append(row)
        return rows

    def effect_rows(self) -> list[dict[str, Any]]:
        """Each effect of :data:`EFFECTS` with its paired interval and verdict ("helps": the change improves the
        metric, i.e. lowers FPR95 or raises AUROC; for the interaction: the score does better on density
        negatives than on NegLabel's)."""
        rows = []
        for name, weights in EFFECTS.items():
            contrast = self.contrast(weights)
            row: dict[str, Any] = {"world": self.label, "effect": EFFECT_LABELS[name]}
            for metric in METRICS:
                c = contrast[metric]
                row.update({metric: c["value"], f"{metric}_low": c["low"], f"{metric}_high": c["high"],
                            f"{metric}_verdict": _VERDICT_WORDS[c["verdict"]]})
            rows.append(row)
        return rows

    def claim_rows(self, pairs: Sequence[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
        """Rows in :func:`debiasood.book.verdicts.claims`' shape for each (A, B): default the :data:`CLAIMS`
        and A = density negatives / NegLabel's rule at DNM's size against each random seed."""
        if pairs is None:
            seeds = [verdicts.random_label(s) for s in self.random_seeds]
            pairs = [*CLAIMS.values(), *((verdicts.DENSITY_NEGLABEL_SCORE, r) for r in seeds),
                     *((verdicts.NEGLABEL_AT_DNM_SIZE, r) for r in seeds)]
        rows = []
        for a, b in pairs:
            contrast = self.contrast({a: 1.0, b: -1.0})
            for metric in METRICS:
                c = contrast[metric]
                rows.append({"world": self.label, "A": a, "B": b, "metric": metric, "A value": self.value(a, metric),
                             "B value": self.value(b, metric), "A - B": c["value"], "low": c["low"],
                             "high": c["high"], "verdict": verdicts.verdict(metric, c["low"], c["high"])})
        return rows

    def saturation_rows(self) -> list[dict[str, Any]]:
        """Share of ID and OOD images at each DNM score's maximum, beside its AUROC: the clamped score on its
        probability scale (where rounding ties images at exactly 1) and on the default log-odds scale."""
        methods = [NEGLABEL_DNM_PROBABILITY, _ND, verdicts.DNM_PROBABILITY, _DD]
        rows = verdicts.saturation_rows(self.result, methods)
        return [{**row, "auroc": self.value(row["method"], "auroc")} for row in rows]

    def noise(self) -> dict[str, float]:
        """Bootstrap sd of DNM's average FPR95 and AUROC: how much resampling the images moves them."""
        return {m: float(np.std(self.replicates(_DD)[m], ddof=1)) for m in METRICS}

    def records(self, prefix: str = "", *, effects: Sequence[str] = tuple(EFFECTS),
                claims: Sequence[str] = tuple(CLAIMS), saturation: bool = True) -> dict[str, float]:
        """The numbers the page records, names prefixed by ``prefix``: the cells' averages; each effect and claim's
        value, interval and verdict code (``effect_<name>_<metric>[_low|_high|_verdict]``,
        ``<claim>_<metric>[...]``); the shares of images at the clamped score's maximum."""
        unknown = [n for n in effects if n not in EFFECTS] + [n for n in claims if n not in CLAIMS]
        if unknown:
            raise ValueError(f"unknown effects or claims {unknown}; effects: {list(EFFECTS)}, claims: {list(CLAIMS)}")
        out: dict[str, float] = {}
        for (negatives, score), method in CELLS.items():
            for metric in METRICS:
                out[f"{prefix}{metric}_{negatives}_{score}"] = self.value(method, metric)
        contrasts = {f"{prefix}effect_{n}": EFFECTS[n] for n in effects}
        contrasts.update({f"{prefix}{n}": {CLAIMS[n][0]: 1.0, CLAIMS[n][1]: -1.0} for n in claims})
        for stem, weights in contrasts.items():
            for metric, c in self.contrast(weights).items():
                out.update({f"{stem}_{metric}": c["value"], f"{stem}_{metric}_low": c["low"],
                            f"{stem}_{metric}_high": c["high"], f"{stem}_{metric}_verdict": c["verdict"]})
        if saturation:
            pairs = ((verdicts.DNM_PROBABILITY, "density"), (NEGLABEL_DNM_PROBABILITY, "neglabel"), (_DD, "default"))
            shares = {row["method"]: row for row in verdicts.saturation_rows(self.result, [m for m, _ in pairs])}
            for method, stem in pairs:
                out[f"{prefix}saturated_id_{stem}"] = shares[method]["ID at the maximum (%)"]
                out[f"{prefix}saturated_ood_{stem}"] = shares[method]["OOD at the maximum (%)"]
        return out


#: How an effect's verdict code reads in a table: the change improves the metric, or not, or worsens it.
_VERDICT_WORDS = {1: "helps", 0: "no difference", -1: "hurts"}


def factorial_study(bench: AblationBench, settings: Settings | None = None, *, random_seeds: Sequence[int] = (0, 1, 2),
                    num_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> FactorialStudy:
    """The 2 x 2 design and its controls on ``bench``'s images (see :class:`FactorialStudy`).

    The control suite is :func:`debiasood.book.verdicts.control_suite` on the bundle with DNM's density
    selection given (the bench's cached ranking: no second kNN search); the fourth cell, NegLabel's negatives
    under DNM's score, is added through the same evaluation layer.
    """
    settings = Settings() if settings is None else settings
    seeds = tuple(int(s) for s in random_seeds)
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"random_seeds must be distinct, got {list(random_seeds)}")
    check_int("num_resamples", num_resamples, minimum=2)
    bundle = bench.bundle
    density = bench.negatives("density", settings)
    fixed = dataclasses.replace(bundle, text=dataclasses.replace(bundle.text, fixed_negatives={
        "density": tuple(int(i) for i in density)}), _cache={})
    result = verdicts.control_suite(fixed, settings, random_seeds=seeds)
    extra = bench.evaluation({NEGLABEL_DNM_SCORE: ("neglabel", "dnm")}, settings)
    result.add(NEGLABEL_DNM_SCORE, extra.scores[NEGLABEL_DNM_SCORE])
    # The clamped score on its probability scale on NegLabel's negatives too: how often rounding ties images there.
    probability = evaluate(bench.images(), bundle.id_set, {NEGLABEL_DNM_PROBABILITY: MethodInput(
        "dnm-probability", bundle.text.id_neglabel, bench.negative_features("neglabel", settings))},
        settings=settings, label=bundle.label)
    result.add(NEGLABEL_DNM_PROBABILITY, probability.scores[NEGLABEL_DNM_PROBABILITY])
    return FactorialStudy(result, settings, seeds, num_resamples, seed, level)


def point_effects(result: Evaluation) -> dict[str, dict[str, float]]:
    """The effects of :data:`EFFECTS` on one evaluation of the four cells, without intervals (redraws)."""
    average = {method: result.metrics(method)["average"] for method in CELLS.values()}
    return {name: {m: math.fsum(w * average[c][m] for c, w in weights.items()) for m in METRICS}
            for name, weights in EFFECTS.items()}


def redraw_effects(per_draw: Sequence[Evaluation]) -> list[dict[str, Any]]:
    """Mean and sd over image draws of each effect (:func:`point_effects` of each draw's four cells)."""
    if len(per_draw) < 2:
        raise ValueError(f"need at least 2 draws for a spread, got {len(per_draw)}")
    effects = [point_effects(result) for result in per_draw]
    return [{"world": per_draw[0].label, "effect": EFFECT_LABELS[name], "name": name, "draws": len(effects),
             **{f"{m}_{stat}": fn([e[name][m] for e in effects]) for m in METRICS
                for stat, fn in (("mean", np.mean), ("sd", lambda v: float(np.std(v, ddof=1))))}}
            for name in EFFECTS]


def redraws(bench: AblationBench, sizes: Mapping[str, int], seeds: Sequence[int],
            settings: Settings | None = None) -> list[Evaluation]:
    """The four cells of the 2 x 2 design on fresh draws of the offline world's images, one per seed: the text
    side (so every selection) is ``bench``'s; it needs the world (``bench.setup``)."""
    from debiasood.world.export import simulated_bundle

    if bench.setup is None:
        raise ValueError("redraws need the bench's OfflineSetup: only the offline world can draw new images")
    text = bench.bundle.text
    results = []
    for seed in seeds:
        drawn = simulated_bundle(bench.setup, sizes, seed=seed, id_names=text.id_names, id_wnids=text.id_wnids)
        other = AblationBench(drawn, bench.setup, bench.store)
        other._rankings.update(bench._rankings)  # same corpus, same rankings
        results.append(other.evaluation({method: cell for cell, method in CELLS.items()}, settings))
    return results


# ---------------------------------------------------------------- leakage: the OOD sets' own names

def ood_name_filter(corpus: LabelCorpus, ood_sets: Sequence[str], *, wordnet: Any = None) -> FilterResult:
    """Drop from ``corpus`` the concept names of the OOD sets and their WordNet synonyms.

    The simulated world draws OOD images from their concept names, and a real OOD benchmark's classes have names
    too; a corpus word that IS such a name gives its negative label an unfair match. Names come from
    :func:`debiasood.data.label_sets.get_label_set` (lowercased; "canal (natural)" also gives "canal"). A word
    is removed as ``name`` when it equals a name, and as ``synonym`` when its synset has a name among its
    lemmas (any noun or adjective sense WordNet gives the name, after nltk's morphological normalisation).
    Corpus words without a synset (a custom corpus) can only match by name.
    """
    from debiasood.data.label_sets import get_label_set

    if not ood_sets:
        raise ValueError("ood_sets is empty: name the OOD sets whose concept names to remove")
    names: set[str] = set()
    for ood in ood_sets:
        for concept in get_label_set(ood).class_names:
            name = concept.lower().strip()
            names.add(name)
            if name.endswith(")") and " (" in name:
                names.add(name[: name.index(" (")])
    synsets: set[str] = set()
    if any(corpus.synsets):
        if wordnet is None:
            from debiasood.data.wordnet import get_wordnet

            wordnet = get_wordnet()
        for name in names:
            for pos in ("n", "a"):
                synsets.update(s.name() for s in wordnet.reader.synsets(name.replace(" ", "_"), pos=pos))
    reasons = np.array(["name" if word in names else "synonym" if synset in synsets else ""
                        for word, synset in zip(corpus.words, corpus.synsets, strict=True)])
    removed = {reason: tuple(w for w, r in zip(corpus.words, reasons, strict=True) if r == reason)
               for reason in ("name", "synonym")}
    return FilterResult("without OOD concept names", reasons == "", removed)


def named_ood_sets(bundle: FeatureBundle) -> tuple[str, ...]:
    """The bundle's OOD sets whose concept names debiasood knows (:func:`debiasood.data.label_sets.get_label_set`)."""
    from debiasood.data.label_sets import get_label_set

    named = []
    for name in bundle.ood_sets:
        try:
            get_label_set(name)
        except ValueError:  # a custom OOD set: no concept names to remove
            continue
        named.append(name)
    return tuple(named)


def filtered_bench(bench: AblationBench, kept: FilterResult) -> AblationBench:
    """``bench`` on its corpus without the filtered words (same images); a setup, when given, follows along so
    the density rankings of the smaller corpus are stored too."""
    bundle = bench.bundle
    rows = kept.rows
    corpus = kept.subset(bundle.text.corpus)
    setup = None
    if bench.setup is not None:
        text = {**bench.setup.text, "corpus_features": np.asarray(bench.setup.text["corpus_features"])[rows]}
        setup = dataclasses.replace(bench.setup, corpus=corpus, text=text, csp_pool=None)
    filtered = with_corpus(bundle, corpus, np.asarray(bundle.text.corpus_features)[rows])
    return AblationBench(filtered, setup, bench.store)


def leakage_rows(study: FactorialStudy, unleaked: FactorialStudy) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Side by side, with all words and without the OOD names: the negatives' main effect and DNM - NegLabel
    (effect rows), and density against random negatives (claim rows); each row gains a ``corpus`` column."""
    versions = {"all words": study, "without OOD names": unleaked}
    shown = {EFFECT_LABELS["negatives"], EFFECT_LABELS["both"]}
    effects = [{**row, "corpus": corpus} for corpus, s in versions.items() for row in s.effect_rows()
               if row["effect"] in shown]
    claims = [{**row, "corpus": corpus} for corpus, s in versions.items()
              for row in s.claim_rows([CLAIMS["density_vs_random"]])]
    return effects, claims


def leak_counts(bench: AblationBench, kept: FilterResult, settings: Settings | None = None) -> dict[str, int]:
    """How many of the filtered words each rule mines from the full corpus (NegLabel's, DNM's density)."""
    removed = ~kept.keep
    return {rule: int(removed[bench.negatives(rule, settings)].sum()) for rule in NEGATIVES}


# ---------------------------------------------------------------- one-at-a-time sweeps

def sweep(bench: AblationBench, knob: str, values: Sequence[float], *, base: Settings | None = None,
          negatives: str = "density", score: str = "dnm") -> list[dict[str, Any]]:
    """Evaluate ``bench`` with ``knob`` set to each of ``values`` and every other knob at ``base``."""
    _check_knob(knob)
    if not values:
        raise ValueError(f"values is empty: give the {knob} values to sweep")
    base = Settings() if base is None else base
    default = getattr(base, knob)
    if knob == "k" and negatives == "density":
        bench.rankings([int(v) for v in values], base.density_form)  # one kNN search serves every k
    rows = []
    for value in values:
        settings = dataclasses.replace(base, **{knob: type(default)(value)})
        rows.append({"world": bench.label, "knob": knob, "value": value, "default": value == default,
                     **bench.point(settings, negatives=negatives, score=score)})
    return rows


def sensitivity(sweeps: Mapping[str, Sequence[Mapping[str, Any]]], label: str) -> list[dict[str, Any]]:
    """How far each sweep moves the average metrics: range (max - min) over its grid, and its best value.

    Sorted by FPR95 range, largest first.
    """
    table = []
    for knob, rows in sweeps.items():
        if not rows:
            raise ValueError(f"sweep {knob!r} has no rows")
        fpr = np.array([row["fpr95"] for row in rows])
        auroc = np.array([row["auroc"] for row in rows])
        defaults = [row for row in rows if row["default"]]
        best = rows[int(np.argmin(fpr))]
        table.append({"world": label, "knob": knob, "values": len(rows),
                      "fpr95_default": defaults[0]["fpr95"] if defaults else float("nan"),
                      "fpr95_best": float(fpr.min()), "best_value": best["value"],
                      "fpr95_range": float(fpr.max() - fpr.min()), "auroc_range": float(auroc.max() - auroc.min())})
    return sorted(table, key=lambda row: -row["fpr95_range"])


def side_by_side(rows: Sequence[Mapping[str, Any]], reference: Sequence[Mapping[str, Any]],
                 prefix: str = "neglabel") -> list[dict[str, Any]]:
    """Sweep ``rows`` with the metrics of ``reference`` (the same knob values) as ``<prefix>_fpr95/_auroc``."""
    if [r["value"] for r in rows] != [r["value"] for r in reference]:
        raise ValueError("rows and reference must sweep the same values in the same order")
    return [{**row, f"{prefix}_fpr95": ref["fpr95"], f"{prefix}_auroc": ref["auroc"]}
            for row, ref in zip(rows, reference, strict=True)]


def sweep_records(sweeps: Mapping[str, Sequence[Mapping[str, Any]]],
                  references: Mapping[str, Sequence[Mapping[str, Any]]],
                  summary: Sequence[Mapping[str, Any]], noise: Mapping[str, float]) -> dict[str, float]:
    """The numbers the page records from its sweeps: each knob's ranges, the points the prose quotes (tau = 1,
    one group, the best temperature, the ends of the quota and M sweeps), NegLabel beside DNM over T and G, and
    how many knobs move FPR95 beyond the bootstrap noise of the default."""
    def at(knob: str, value: float) -> Mapping[str, Any]:
        return next(row for row in sweeps[knob] if row["value"] == value)

    ranges = {row["knob"]: row for row in summary}
    temperature = side_by_side(sweeps["temperature"], references["temperature"])
    return {
        **{f"{knob}_{key}": ranges[knob][key] for knob in ranges for key in ("fpr95_range", "auroc_range")},
        "temperature_best": ranges["temperature"]["best_value"],
        "temperature_fpr95_best": ranges["temperature"]["fpr95_best"],
        "temperature_points": len(temperature),
        "temperature_dnm_wins": sum(row["fpr95"] < row["neglabel_fpr95"] for row in temperature),
        "tau_one_fpr95": at("tau_neg", 1.0)["fpr95"], "tau_one_auroc": at("tau_neg", 1.0)["auroc"],
        "groups_one_fpr95": at("num_groups", 1)["fpr95"], "groups_one_auroc": at("num_groups", 1)["auroc"],
        "groups_one_neglabel_fpr95": references["num_groups"][0]["fpr95"],
        "noun_quota_low_fpr95": sweeps["noun_quota"][0]["fpr95"],
        "noun_quota_high_fpr95": sweeps["noun_quota"][-1]["fpr95"],
        "nouns_only_fpr95": at("adj_quota", 0.0)["fpr95"],
        "labels_min_count": sweeps["label_scale"][0]["num_negatives"],
        "labels_max_count": sweeps["label_scale"][-1]["num_negatives"],
        "noise_fpr95_sd": noise["fpr95"], "noise_auroc_sd": noise["auroc"],
        "num_knobs": len(summary),
        "knobs_over_noise": sum(row["fpr95_range"] > 2 * noise["fpr95"] for row in summary),
        "knobs_under_noise": sum(row["fpr95_range"] < noise["fpr95"] for row in summary),
    }


def corpus_records(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The corpus ablation's numbers: ranges over the corpora, DNM's wins, and the common-words row."""
    dnm = [row for row in rows if row["method"] == "DNM"]
    neglabel = [row for row in rows if row["method"] == "NegLabel"]
    common = next(row["corpus"] for row in dnm if row["corpus"].startswith("common words"))
    return {
        "num_corpora": len(dnm),
        "corpus_neglabel_fpr95_range": max(r["fpr95"] for r in neglabel) - min(r["fpr95"] for r in neglabel),
        "corpus_dnm_wins": sum(d["fpr95"] < n["fpr95"] for d, n in zip(dnm, neglabel, strict=True)),
        **{f"common_{name}_{metric}": next(r[metric] for r in method_rows if r["corpus"] == common)
           for name, method_rows in (("dnm", dnm), ("neglabel", neglabel)) for metric in METRICS},
        "reported_common_dnm_auroc": reported.DNM_COMMON_WORDS_AUROC["dnm"],
        "reported_common_neglabel_auroc": reported.DNM_COMMON_WORDS_AUROC["neglabel"],
    }


def redraw_records(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The draw-to-draw sd of each effect (:func:`redraw_effects`' rows) and the number of draws."""
    return {"draws": rows[0]["draws"],
            **{f"effect_{row['name']}_{m}_draw_sd": row[f"{m}_sd"] for row in rows for m in METRICS}}


# ---------------------------------------------------------------- other corpora (the offline world only)

def ablation_corpora(presets: Sequence[str] = ("dnm", "neglabel", "full"), *, common_words: int = 20_000,
                     step: int = 1) -> dict[str, Any]:
    """The corpora of the corpus ablation: WordNet presets and the ``common_words`` most frequent English words.

    ``step`` > 1 keeps every ``step``-th word of each WordNet preset (as
    :func:`debiasood.world.offline.offline_setup` does with ``corpus_step``, so the ``dnm`` preset matches a SMOKE
    setup's corpus); the common-words corpus is sized by ``common_words`` alone. Keys name the corpora.
    """
    from debiasood.data.corpora import common_words_corpus, load_corpus

    check_int("step", step)
    check_int("common_words", common_words)
    if not presets:
        raise ValueError("presets is empty: name at least one WordNet preset")
    corpora = {}
    for preset in presets:
        corpus = load_corpus(preset)
        if step > 1:
            corpus = corpus.subset(range(0, len(corpus), step), name=f"{corpus.name}[::{step}]")
        corpora[f"WordNet {preset}"] = corpus
    corpora[f"common words ({common_words:,})"] = common_words_corpus(common_words).corpus
    return corpora


def corpus_features(setup: Any, corpus: Any, *, references: Sequence[Any] = (), store: Any = None,
                    progress: bool | None = False) -> np.ndarray:
    """NegLabel-prompt features of ``corpus``, as :func:`debiasood.world.simulated.benchmark_text_features` builds them.

    A (word, part of speech) pair that ``setup.corpus`` or one of the ``references`` (other setups, e.g. from
    :func:`corpus_setup`) already has reuses that row (same prompt, same embedding); only the others are
    encoded, by part of speech ("the nice {}" for nouns, "This is a {} photo" for adjectives), through the
    feature store.
    """
    from debiasood.core import prompts
    from debiasood.data.feature_store import cached_text_features

    known: dict[tuple[str, str], np.ndarray] = {}
    for source in (setup, *references):
        rows = np.asarray(source.text["corpus_features"], dtype=np.float32)
        for i, pair in enumerate(zip(source.corpus.words, source.corpus.parts_of_speech, strict=True)):
            known.setdefault(pair, rows[i])
    dim = np.asarray(setup.text["corpus_features"]).shape[1]
    features = np.zeros((len(corpus), dim), dtype=np.float32)
    pairs = list(zip(corpus.words, corpus.parts_of_speech, strict=True))
    reused = np.array([pair in known for pair in pairs], dtype=bool)
    if reused.any():
        features[reused] = np.stack([known[pair] for pair, r in zip(pairs, reused, strict=True) if r])
    pos = np.asarray(corpus.parts_of_speech)
    for part, template in ((NOUN, prompts.NEGLABEL_NOUN_TEMPLATE), (ADJECTIVE, prompts.NEGLABEL_ADJ_TEMPLATE)):
        missing = np.flatnonzero(~reused & (pos == part))
        if missing.size:
            words = [corpus.words[i] for i in missing]
            features[missing] = cached_text_features(setup.encoder, words, template, corpus.fingerprint, store=store,
                                                     progress=progress).numpy()
    return features


def corpus_setup(setup: Any, corpus: Any, *, references: Sequence[Any] = (), store: Any = None,
                 progress: bool | None = False) -> Any:
    """``setup`` with another label corpus: its features (:func:`corpus_features`) and NegLabel's selection."""
    features = corpus_features(setup, corpus, references=references, store=store, progress=progress)
    chosen = neglabel_mining(features, setup.text["id_neglabel"], list(corpus.words), list(corpus.parts_of_speech))
    text = {**setup.text, "corpus_features": features, "negatives": features[np.asarray(chosen.indices)]}
    text = {key: value for key, value in text.items() if not key.startswith("csp")}
    return dataclasses.replace(setup, corpus=corpus, text=text, csp_pool=None)


def corpus_rows(bench: AblationBench, corpora: Mapping[str, Any], *, settings: Settings | None = None,
                store: Any = None) -> list[dict[str, Any]]:
    """NegLabel (its mining and score) and DNM (density negatives, DNM score) on each corpus, same images.

    Needs the offline world (``bench.setup``): another corpus must be embedded by the world's text encoder. The
    corpora are embedded largest first, each reusing the rows of those before it, so nested presets (``dnm`` in
    ``neglabel`` in ``full``) encode only the largest one's extra words.
    """
    if bench.setup is None:
        raise ValueError("corpus_rows needs the bench's OfflineSetup: another corpus needs the world's text encoder")
    world = bench.setup.world
    setups = {}
    for name in sorted(corpora, key=lambda n: -len(corpora[n])):
        if corpora[name].fingerprint != bench.setup.corpus.fingerprint:
            setups[name] = corpus_setup(bench.setup, corpora[name], references=list(setups.values()), store=store)
    rows = []
    for name, corpus in corpora.items():
        other = bench
        if name in setups:
            features = world.text(setups[name].text["corpus_features"])
            other = AblationBench(with_corpus(bench.bundle, corpus, features), setups[name], store)
        counts = corpus.counts()
        for method, negatives, score in (("NegLabel", "neglabel", "neglabel"), ("DNM", "density", "dnm")):
            rows.append({"world": bench.label, "corpus": name, "words": len(corpus), "nouns": counts[NOUN],
                         "adjectives": counts[ADJECTIVE], "method": method,
                         **other.point(settings, negatives=negatives, score=score)})
    return rows


# ---------------------------------------------------------------- words for the page

def features_note(bundle: FeatureBundle) -> str:
    """The Markdown note at the top of the page: what the numbers are computed on, from the bundle's provenance."""
    provenance = bundle.provenance
    sizes = ", ".join(f"{name} {len(bundle.images[name]):,}" for name in (bundle.id_set, *bundle.ood_sets))
    lines = [f"Every number on this page is computed on **{bundle.label}** features (images per set: {sizes}; "
             f"corpus {provenance.corpus_name}, {len(bundle.text.corpus):,} words; dimension {bundle.text.dim})."]
    if provenance.world == "simulated":
        lines.append("The text side is the real MiniLM text encoder; the image embeddings are synthetic "
                     "(`debiasood.world.simulated`, fitted to the reported MCM and NegLabel averages, never to DNM). "
                     f"They are **not CLIP numbers**: reported CLIP ViT-B/16 numbers appear only where marked "
                     f"\"{reported.LABEL}\".")
    else:
        lines.append(f"Image features come from the bundle's image files and text features from its prompts, both "
                     f"encoded by {provenance.model} ({provenance.pretrained}).")
        if provenance.pretrained == "random weights":
            lines.append("With random weights the numbers exercise the pipeline; they say nothing about any "
                         "trained model.")
    lines.append("Metrics are averages over the OOD sets (paper convention, percent).")
    return "```{note}\n" + " ".join(lines) + "\n```"


_METRIC_NAMES = {"fpr95": "FPR95", "auroc": "AUROC"}


def _contrast(records: Mapping[str, float], stem: str, metric: str) -> dict[str, float]:
    key = f"{stem}_{metric}"
    return {"value": records[key], "low": records[f"{key}_low"], "high": records[f"{key}_high"],
            "verdict": records[f"{key}_verdict"]}


def _interval(c: Mapping[str, float], metric: str) -> str:
    return f"{_METRIC_NAMES[metric]} {c['value']:+.2f} [{c['low']:+.2f}, {c['high']:+.2f}]"


def _both(records: Mapping[str, float], stem: str) -> str:
    return ", ".join(_interval(_contrast(records, stem, m), m) for m in METRICS)


def _judge(records: Mapping[str, float], stem: str, better: str, same: str, worse: str, mixed: str) -> str:
    """One of four phrases, chosen by the verdicts on FPR95 and AUROC of the contrast ``stem``; when only one
    metric decides, the phrase says which."""
    codes = {m: int(records[f"{stem}_{m}_verdict"]) for m in METRICS}
    decided = [m for m, code in codes.items() if code]
    if not decided:
        return same
    if set(codes.values()) == {1, -1}:
        return mixed
    phrase = better if 1 in codes.values() else worse
    return phrase if len(decided) == len(METRICS) else f"{phrase} (by {_METRIC_NAMES[decided[0]]} only)"


def findings(records: Mapping[str, float], label: str, *, sensitivity_rows: Sequence[Mapping[str, Any]] = ()) -> str:
    """The page's conclusions as Markdown bullets, each chosen by the recorded verdicts (+1 A better, 0 no
    difference, -1 B better, on FPR95 and AUROC) and quoting the recorded numbers: nothing here is typed from a
    past run. Bullets whose numbers were not recorded (sections the features could not run) are left out."""
    r = records
    bullets = [
        "Brackets are 95% paired bootstrap intervals of a difference; a verdict needs an interval without 0.",
        f"On {label} features, "
        + _judge(r, "density_vs_random", "DNM's density negatives beat", "DNM's density negatives are no better "
                 "than", "DNM's density negatives are worse than", "DNM's density negatives are mixed against")
        + " random words of the same size and part-of-speech split, both under NegLabel's score: "
        + _both(r, "density_vs_random") + ".",
        _judge(r, "neglabel_rule_vs_random", "NegLabel's filter helps", "NegLabel's filter makes no difference",
               "NegLabel's filter hurts", "NegLabel's filter has a mixed effect")
        + ": its rule cut at DNM's size against random words of that size, "
        + _both(r, "neglabel_rule_vs_random") + "; NegLabel against its rule at DNM's size (the size alone), "
        + _both(r, "neglabel_vs_rule_at_size") + ".",
        "DNM against NegLabel: " + _both(r, "effect_both") + ". The negatives' main effect: "
        + _both(r, "effect_negatives") + "; the score's: " + _both(r, "effect_score") + ". The score changes FPR95 by "
        f"{r['effect_score_on_neglabel_fpr95']:+.2f} on NegLabel's negatives and by "
        f"{r['effect_score_on_density_fpr95']:+.2f} on DNM's; the interaction, "
        + _interval(_contrast(r, "effect_interaction", "fpr95"), "fpr95") + ", "
        + ("does not tell the two apart." if int(r["effect_interaction_fpr95_verdict"]) == 0 else
           "says they differ."),
        "The debiasing itself, on DNM's negatives against $\\tau_{neg} = 1$ (no debiasing): the clamped score "
        + _judge(r, "clamped_vs_tau_one", "helps", "makes no difference", "hurts", "is mixed") + " ("
        + _both(r, "clamped_vs_tau_one") + "); the official arithmetic "
        + _judge(r, "official_vs_tau_one", "helps", "makes no difference", "hurts", "is mixed") + " ("
        + _both(r, "official_vs_tau_one") + ").",
        f"On its probability scale the clamped score rounds to exactly 1 for {r['saturated_id_density']:.1f}% of ID "
        f"and {r['saturated_ood_density']:.1f}% of OOD images on DNM's negatives ({r['saturated_id_neglabel']:.1f}% / "
        f"{r['saturated_ood_neglabel']:.1f}% on NegLabel's), so their order is lost; the default log-odds scale "
        f"ties {r['saturated_id_default']:.1f}% of ID images. The probability scale, against the default, "
        + _judge(r, "probability_vs_clamped", "does better", "makes no detectable difference", "does worse",
                 "is mixed") + " (" + _both(r, "probability_vs_clamped") + ").",
    ]
    if "leak_removed" in r:
        bullets.append(
            f"Without the OOD sets' concept names and their WordNet synonyms ({r['leak_removed']:.0f} corpus words; "
            f"DNM's selection held {r['leak_in_density']:.0f} of them, NegLabel's {r['leak_in_neglabel']:.0f}), "
            + _judge(r, "noleak_density_vs_random", "density negatives beat", "density negatives are no better "
                     "than", "density negatives are worse than", "density negatives are mixed against")
            + " random ones (" + _both(r, "noleak_density_vs_random") + "), and DNM against NegLabel gives "
            + _both(r, "noleak_effect_both") + f" (with the names: FPR95 {r['effect_both_fpr95']:+.2f}).")
    if "draws" in r:
        bullets.append(
            f"Over {r['draws']:.0f} draws of the world's images, the negatives' main effect on FPR95 has sd "
            f"{r['effect_negatives_fpr95_draw_sd']:.2f} and the score's {r['effect_score_fpr95_draw_sd']:.2f}; one "
            "draw's paired bootstrap intervals above are "
            f"{r['effect_negatives_fpr95_high'] - r['effect_negatives_fpr95_low']:.2f} and "
            f"{r['effect_score_fpr95_high'] - r['effect_score_fpr95_low']:.2f} points wide.")
    if sensitivity_rows:
        leaders = ", ".join(f"{row['knob']} ({row['fpr95_range']:.2f})" for row in sensitivity_rows[:3])
        bullets.append(
            f"{r['knobs_over_noise']:.0f} of the {r['num_knobs']:.0f} sweeps move FPR95 by more than twice the "
            f"bootstrap sd of DNM's default ({r['noise_fpr95_sd']:.2f}); the largest ranges: {leaders}. "
            f"{r['knobs_under_noise']:.0f} stay within one sd.")
    if "common_dnm_auroc" in r:
        bullets.append(
            f"Across the {r['num_corpora']:.0f} corpora DNM's FPR95 spans {r['corpus_fpr95_range']:.2f} points and "
            f"NegLabel's {r['corpus_neglabel_fpr95_range']:.2f}; on the common words, AUROC "
            f"{r['common_dnm_auroc']:.2f} for DNM and {r['common_neglabel_auroc']:.2f} for NegLabel, against "
            f"{r['reported_common_dnm_auroc']:.2f} and {r['reported_common_neglabel_auroc']:.2f} {reported.LABEL} "
            "with the paper's own common-words corpus.")
    return "\n".join(f"- {bullet}" for bullet in bullets)


# ---------------------------------------------------------------- tables and figures

_SCORE_STYLE = {"neglabel": ("tab:blue", "o", "NegLabel score"), "dnm": ("tab:red", "s", "DNM score")}
_AXES = (("fpr95", "average FPR95 (%)"), ("auroc", "average AUROC (%)"))


def plot_factorial(cells: Sequence[Mapping[str, Any]]) -> Figure:
    """Interaction plot of :meth:`FactorialStudy.cell_rows`: metric against the negatives, one line per score,
    with the cells' bootstrap intervals."""
    if not cells:
        raise ValueError("cells is empty: pass FactorialStudy.cell_rows()")
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    x = np.arange(len(NEGATIVES))
    for axis, (metric, axis_label) in zip(axes, _AXES, strict=True):
        for score in SCORES:
            color, marker, name = _SCORE_STYLE[score]
            by_negatives = {row["negatives"]: row for row in cells if row["score"] == score}
            values = np.array([by_negatives[n][metric] for n in NEGATIVES])
            low = values - np.array([by_negatives[n][f"{metric}_low"] for n in NEGATIVES])
            high = np.array([by_negatives[n][f"{metric}_high"] for n in NEGATIVES]) - values
            axis.errorbar(x, values, yerr=[low, high], color=color, marker=marker, capsize=3, label=name)
        axis.set_xticks(x, ["NegLabel's mining", "density selection"])
        axis.set_xlim(-0.4, 1.4)
        axis.set_ylabel(axis_label)
        axis.set_xlabel("negatives")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Negatives x score, {cells[0]['world']} (95% bootstrap intervals)", fontsize=10)
    return fig


def plot_sweep(rows: Sequence[Mapping[str, Any]], *, reference: Any = None, x: str = "value") -> Figure:
    """Average FPR95 and AUROC of DNM against one knob; the default is marked.

    ``reference`` is NegLabel (its mining and score) on the same images: a mapping of metrics draws a dotted
    line, a list of sweep rows over the same knob a dotted curve. ``x`` picks the row field on the x axis.
    """
    if not rows:
        raise ValueError("rows is empty: pass sweep()'s rows")
    knob = rows[0]["knob"]
    fig = Figure(figsize=(8, 2.6), layout="constrained")
    axes = fig.subplots(1, 2)
    xs = np.array([row[x] for row in rows], dtype=float)
    for axis, (metric, axis_label) in zip(axes, _AXES, strict=True):
        axis.plot(xs, [row[metric] for row in rows], marker="o", ms=4, color="tab:red", label="DNM")
        if isinstance(reference, Mapping):
            axis.axhline(reference[metric], color="tab:blue", ls=":", lw=1.2, label="NegLabel")
        elif reference is not None:
            axis.plot([row[x] for row in reference], [row[metric] for row in reference], marker="o", ms=3,
                      color="tab:blue", ls=":", label="NegLabel")
        for row in rows:
            if row["default"]:
                axis.axvline(row[x], color="grey", ls="--", lw=1, label="official default")
        if knob in _LOG_KNOBS and np.all(xs > 0):
            axis.set_xscale("log")
            axis.xaxis.set_minor_formatter(NullFormatter())  # minor labels (3x10^3, 4x10^3) would overlap
        elif knob == "sigma":
            axis.set_xscale("symlog", linthresh=min(xs[xs > 0], default=1.0))
        axis.set_xlabel("number of mined labels M" if x == "num_negatives" else KNOB_LABELS[knob])
        axis.set_ylabel(axis_label)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"One-at-a-time sweep of {knob}, {rows[0]['world']}", fontsize=10)
    return fig


def plot_corpora(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Grouped bars of :func:`corpus_rows`: NegLabel and DNM on each corpus."""
    if not rows:
        raise ValueError("rows is empty: pass corpus_rows()' rows")
    fig = Figure(figsize=(8, 3), layout="constrained")
    axes = fig.subplots(1, 2)
    names = list(dict.fromkeys(row["corpus"] for row in rows))
    x = np.arange(len(names))
    for axis, (metric, axis_label) in zip(axes, _AXES, strict=True):
        for offset, (method, score) in zip((-0.2, 0.2), (("NegLabel", "neglabel"), ("DNM", "dnm")), strict=True):
            values = [next(r[metric] for r in rows if r["corpus"] == n and r["method"] == method) for n in names]
            axis.bar(x + offset, values, width=0.4, color=_SCORE_STYLE[score][0], label=method)
        axis.set_xticks(x, [n.replace(" (", "\n(").replace("WordNet ", "WordNet\n") for n in names], fontsize=8)
        axis.set_ylabel(axis_label)
        low = min(r[metric] for r in rows)
        axis.set_ylim(0 if metric == "fpr95" else max(0, low - 5), None)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Label corpus, {rows[0]['world']}", fontsize=10)
    return fig


def plot_sensitivity(table: Sequence[Mapping[str, Any]], *, noise: Mapping[str, float] | None = None) -> Figure:
    """Horizontal bars: how far each knob's sweep moves the average FPR95 and AUROC.

    ``noise`` ({"fpr95": sd, "auroc": sd}, e.g. the bootstrap sd of the default) draws a dashed line at that
    size on each panel, to tell effects from noise.
    """
    if not table:
        raise ValueError("table is empty: pass sensitivity()'s rows")
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    knobs = [row["knob"] for row in table][::-1]
    y = np.arange(len(knobs))
    for axis, (metric, axis_label) in zip(axes, (("fpr95", "FPR95 range (points)"), ("auroc", "AUROC range (points)")),
                                          strict=True):
        values = {row["knob"]: row[f"{metric}_range"] for row in table}
        axis.barh(y, [values[k] for k in knobs], color="tab:gray")
        if noise is not None:
            axis.axvline(noise[metric], color="black", ls="--", lw=1, label="bootstrap sd of the default")
            axis.legend(fontsize=7)
        if metric == "fpr95":
            axis.set_xscale("symlog", linthresh=1.0)  # the temperature's range dwarfs the others
        axis.set_xlabel(axis_label)
    axes[0].set_yticks(y, knobs, fontsize=8)
    fig.suptitle(f"Sensitivity over each sweep's grid, {table[0]['world']}", fontsize=10)
    return fig
