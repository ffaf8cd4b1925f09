"""Claims with their controls: which negatives and which score beat which, with paired intervals.

Every claim of the book of the form "A beats B" is checked here the same way:

1. :func:`control_suite` scores, on ONE set of images, the methods a claim about DNM needs beside it:
   NegLabel; NegLabel's rule cut at DNM's size; random negatives with DNM's size and part-of-speech split (several
   seeds); DNM's density negatives under NegLabel's score (tau = 1: the negatives-only change); the clamped DNM
   score (the default: log-odds scale, exact ranking); the same score on its probability scale, where many ID
   images round to exactly 1 and tie; and the official arithmetic.
2. :func:`claims` turns pairs (A, B) into rows with the paired bootstrap interval of A - B for FPR95 AND AUROC
   (:meth:`debiasood.core.evaluation.Evaluation.paired`) and a verdict per metric.
3. :func:`saturation_rows` shows how many ID and OOD images tie at a score's maximum (the probability scale's
   rounding: what the default log-odds scale avoids).
4. :class:`PairedContrasts` bootstraps each method ONCE and pairs any contrast of methods (a difference, a mean
   over random-control seeds) on the same resampled images: many claims on one evaluation cost one bootstrap per
   method, not one per pair.

Whether a verdict holds for real CLIP depends on the features: a bundle's provenance label is in every row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from debiasood.core.controls import counts_by_part, random_negatives, saturation, select_at_counts
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.metrics import bootstrap_replicates, percentile_interval
from debiasood.core.mining import neglabel_mining
from debiasood.data.bundle import FeatureBundle

NEGLABEL = "NegLabel"
NEGLABEL_AT_DNM_SIZE = "NegLabel's rule at DNM's size"
DENSITY_NEGLABEL_SCORE = "density negatives, NegLabel's score (tau = 1)"
DNM_CLAMPED = "DNM (clamped)"
DNM_OFFICIAL = "DNM (official arithmetic)"
DNM_PROBABILITY = "DNM (clamped, probability scale)"


def random_label(seed: int) -> str:
    return f"random negatives, DNM's size (seed {seed})"


def control_suite(bundle: FeatureBundle, settings: Settings | None = None, *, random_seeds: Sequence[int] = (0, 1, 2),
                  sets: Sequence[str] | None = None) -> Evaluation:
    """The methods and controls of a DNM claim, scored on the same images of ``bundle`` (see the module doc).

    ``settings.tau_neg`` is the DNM rows' tau (the official per-setting value is the caller's choice).
    Random controls use NegLabel's score, so "density vs random" compares negatives under one score.
    """
    settings = Settings() if settings is None else settings
    text = bundle.text
    words, parts = text.corpus.words, text.corpus.parts_of_speech
    density = bundle.negatives("density", settings)
    counts = counts_by_part(parts, density)
    neglabel = neglabel_mining(text.corpus_features, text.id_neglabel, words, parts, percentile=settings.percentile,
                               quotas=settings.neglabel_quotas())
    at_size = select_at_counts(neglabel.criterion, parts, counts, higher_is_better=False)
    features = np.asarray(text.corpus_features)
    inputs = {
        NEGLABEL: MethodInput("neglabel", text.id_neglabel, features[neglabel.indices]),
        NEGLABEL_AT_DNM_SIZE: MethodInput("neglabel", text.id_neglabel, features[at_size]),
        **{random_label(seed): MethodInput("neglabel", text.id_neglabel,
                                           features[random_negatives(parts, counts, seed)])
           for seed in random_seeds},
        DENSITY_NEGLABEL_SCORE: MethodInput("neglabel", text.id_neglabel, features[density]),
        DNM_CLAMPED: MethodInput("dnm", text.id_neglabel, features[density]),
        DNM_PROBABILITY: MethodInput("dnm-probability", text.id_neglabel, features[density]),
        DNM_OFFICIAL: MethodInput("dnm-official", text.id_neglabel, features[density]),
    }
    sets = list(bundle.ood_sets if sets is None else sets)
    images = {name: bundle.images[name].features for name in (bundle.id_set, *sets)}
    return evaluate(images, bundle.id_set, inputs, settings=settings, label=bundle.label)


def verdict(metric: str, low: float, high: float) -> str:
    """"A better", "B better" or "no difference" from the interval of A - B (lower FPR95 / higher AUROC wins)."""
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"need a finite interval low <= high, got ({low!r}, {high!r})")
    if low <= 0 <= high:
        return "no difference"
    a_better = high < 0 if metric == "fpr95" else low > 0
    return "A better" if a_better else "B better"


def claims(result: Evaluation, pairs: Sequence[tuple[str, str]], *, num_resamples: int = 1000, seed: int = 0,
           level: float = 0.95, ood: str = "average") -> list[dict[str, object]]:
    """One row per (A, B) pair and metric: A and B's values on ``ood`` (default the average over the OOD sets),
    A - B with its paired bootstrap interval, and the verdict."""
    rows = []
    for a, b in pairs:
        for row in result.paired(a, b, num_resamples=num_resamples, seed=seed, level=level):
            if row["ood"] != ood:
                continue
            rows.append({"world": result.label, "A": a, "B": b, "metric": row["metric"], "A value": row["value_a"],
                         "B value": row["value_b"], "A - B": row["difference"], "low": row["low"],
                         "high": row["high"], "verdict": verdict(str(row["metric"]), row["low"], row["high"])})
    return rows


def saturation_rows(result: Evaluation, methods: Sequence[str]) -> list[dict[str, object]]:
    """Share (%) of ID and of OOD images (all OOD sets together) whose score ties at the score's maximum."""
    rows = []
    for method in methods:
        scores = result.scores[method]
        ood = np.concatenate([scores[s] for s in result.ood_sets])
        shares = saturation({"id": scores[result.id_set], "ood": ood})
        rows.append({"world": result.label, "method": method, "ID at the maximum (%)": 100 * shares["id"],
                     "OOD at the maximum (%)": 100 * shares["ood"]})
    return rows


def with_tau(settings: Settings, tau_neg: float) -> Settings:
    """``settings`` with another tau (e.g. the official per-setting value)."""
    return replace(settings, tau_neg=tau_neg)


METRICS = ("fpr95", "auroc")


@dataclass
class PairedContrasts:
    """Paired bootstrap intervals for any contrast of the methods of one :class:`Evaluation`.

    Each method's average FPR95 and AUROC over the OOD sets is bootstrapped once
    (:func:`debiasood.core.metrics.bootstrap_replicates` with ONE ``seed``): the resampling counts depend only on
    the seed and the set sizes, so every method is scored on the same resampled images in each replicate, and
    any weighted sum of methods is paired. A - B of two methods equals :meth:`Evaluation.paired`'s interval.
    ``means`` names groups of methods (e.g. the seeds of a random control) whose mean acts as one method.
    """

    result: Evaluation
    means: Mapping[str, Sequence[str]] = field(default_factory=dict)
    num_resamples: int = 1000
    seed: int = 0
    level: float = 0.95
    _replicates: dict = field(default_factory=dict, repr=False)
    _averages: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, members in self.means.items():
            if not members:
                raise ValueError(f"means[{name!r}] is empty: a mean needs at least one method")
            for member in members:
                self._check(member)

    def _check(self, method: str) -> None:
        if method not in self.result.scores:
            raise ValueError(f"method {method!r} was not evaluated; evaluated: {', '.join(self.result.methods)}")

    def _weights(self, method: str) -> dict[str, float]:
        if method in self.means:
            members = self.means[method]
            return {member: 1 / len(members) for member in members}
        self._check(method)
        return {method: 1.0}

    def replicates(self, method: str) -> dict[str, np.ndarray]:
        """Bootstrap replicates of the average FPR95 and AUROC of an evaluated method (cached)."""
        self._check(method)
        if method not in self._replicates:
            scores = self.result.scores[method]
            replicates = bootstrap_replicates(scores[self.result.id_set], {s: scores[s] for s in self.result.ood_sets},
                                              num_resamples=self.num_resamples, seed=self.seed,
                                              convention=self.result.convention)
            self._replicates[method] = {m: replicates["average"][m] for m in METRICS}
        return self._replicates[method]

    def average(self, method: str) -> dict[str, float]:
        """The average metrics of an evaluated method over the OOD sets (cached)."""
        self._check(method)
        if method not in self._averages:
            self._averages[method] = self.result.metrics(method)["average"]
        return self._averages[method]

    def value(self, method: str, metric: str) -> float:
        """The average ``metric`` of a method or of a mean of :attr:`means`."""
        return math.fsum(share * self.average(m)[metric] for m, share in self._weights(method).items())

    def interval(self, method: str, metric: str) -> tuple[float, float]:
        """The percentile bootstrap interval of a method's (or a mean's) average ``metric``."""
        replicate = sum(share * self.replicates(m)[metric] for m, share in self._weights(method).items())
        return percentile_interval(replicate, self.level)

    def contrast(self, weights: Mapping[str, float]) -> dict[str, dict[str, float]]:
        """``sum_m w_m * metric(m)`` on the average over the OOD sets, with its paired percentile interval."""
        expanded: dict[str, float] = {}
        for method, weight in weights.items():
            for name, share in self._weights(method).items():
                expanded[name] = expanded.get(name, 0.0) + weight * share
        out = {}
        for metric in METRICS:
            value = math.fsum(w * self.average(m)[metric] for m, w in expanded.items())
            replicate = sum(w * self.replicates(m)[metric] for m, w in expanded.items())
            low, high = percentile_interval(replicate, self.level)
            out[metric] = {"value": value, "low": low, "high": high}
        return out

    def claim(self, a: str, b: str) -> list[dict[str, object]]:
        """A - B for FPR95 and AUROC: rows in :func:`claims`' shape (A value, B value, A - B, low, high, verdict)."""
        contrast = self.contrast({a: 1.0, b: -1.0})
        return [{"world": self.result.label, "A": a, "B": b, "metric": metric, "A value": self.value(a, metric),
                 "B value": self.value(b, metric), "A - B": contrast[metric]["value"], "low": contrast[metric]["low"],
                 "high": contrast[metric]["high"],
                 "verdict": verdict(metric, contrast[metric]["low"], contrast[metric]["high"])}
                for metric in METRICS]
