"""Claims with their controls: which negatives and which score beat which, with paired intervals.

Every claim of the book of the form "A beats B" is checked here the same way:

1. :func:`control_suite` scores, on ONE set of images, the methods a claim about DNM needs beside it:
   NegLabel; NegLabel's rule cut at DNM's size; random negatives with DNM's size and part-of-speech split (several
   seeds); DNM's density negatives under NegLabel's score (tau = 1: the negatives-only change); the clamped DNM
   score; the official arithmetic; and the clamped score with ties broken by NegLabel's score.
2. :func:`claims` turns pairs (A, B) into rows with the paired bootstrap interval of A - B for FPR95 AND AUROC
   (:meth:`debiasood.core.evaluation.Evaluation.paired`) and a verdict per metric.
3. :func:`saturation_rows` shows how many ID and OOD images tie at a score's maximum.

Whether a verdict holds for real CLIP depends on the features: a bundle's provenance label is in every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from debiasood.core.controls import counts_by_part, random_negatives, saturation, select_at_counts, tie_broken
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.mining import neglabel_mining
from debiasood.data.bundle import FeatureBundle

NEGLABEL = "NegLabel"
NEGLABEL_AT_DNM_SIZE = "NegLabel's rule at DNM's size"
DENSITY_NEGLABEL_SCORE = "density negatives, NegLabel's score (tau = 1)"
DNM_CLAMPED = "DNM (clamped)"
DNM_OFFICIAL = "DNM (official arithmetic)"
DNM_TIE_BROKEN = "DNM (clamped, ties by NegLabel's score)"


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
        DNM_OFFICIAL: MethodInput("dnm-official", text.id_neglabel, features[density]),
    }
    sets = list(bundle.ood_sets if sets is None else sets)
    images = {name: bundle.images[name].features for name in (bundle.id_set, *sets)}
    result = evaluate(images, bundle.id_set, inputs, settings=settings, label=bundle.label)
    result.add(DNM_TIE_BROKEN, tie_broken(result.scores[DNM_CLAMPED], result.scores[DENSITY_NEGLABEL_SCORE]))
    return result


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
