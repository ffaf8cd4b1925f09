"""The method registry: each benchmark method is a mining rule (or none) and a score.

===================  =====================================  ===============================================
method               negatives                              score
===================  =====================================  ===============================================
``mcm``              none ("a photo of a {}" ID prompts)    MCM, T = 1
``neglabel``         NegLabel's percentile rule             NegLabel's grouped score
``csp``              CSP's rule on CSP's pool               NegLabel's grouped score
``dnm``              DNM's density selection                DNM, clamped, log-odds scale (the default)
``dnm-probability``  DNM's density selection                DNM, clamped, probability scale (rounds to ties)
``dnm-official``     DNM's density selection                DNM, the official arithmetic
``negrefine``        CSP's rule on CSP's pool               NegRefine's (NegLabel's + 2 x multi-matching)
===================  =====================================  ===============================================

NegRefine's own negatives are CSP's after its LLM filter; with the project's filters
(:mod:`debiasood.data.filters`) applied to the corpus first, ``negrefine`` scores the filtered CSP selection.

:func:`mine` runs a rule on a text side given as arrays, with the knobs of one
:class:`debiasood.core.evaluation.Settings`. Adding a method means one line in :data:`METHODS` (and, for a new
score, one line in :data:`debiasood.core.evaluation.SCORES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from debiasood.core.checks import ArrayLike
from debiasood.core.evaluation import SCORES, Settings
from debiasood.core.mining import csp_mining, density_statistics, neglabel_mining, select_densest

RULES = ("neglabel", "csp", "density")


@dataclass(frozen=True)
class Method:
    """A benchmark method: the mining rule of its negatives (None: no negatives), its score, and which ID
    prompts it scores against ("mcm": "a photo of a {}"; "neglabel": "the nice {}")."""

    rule: str | None
    score: str
    id_prompt: str = "neglabel"

    def __post_init__(self) -> None:
        if self.rule is not None and self.rule not in RULES:
            raise ValueError(f"rule must be None or one of {RULES}, got {self.rule!r}")
        if self.score not in SCORES:
            raise ValueError(f"score must be one of {', '.join(SCORES)}, got {self.score!r}")
        if self.id_prompt not in ("mcm", "neglabel"):
            raise ValueError(f"id_prompt must be 'mcm' or 'neglabel', got {self.id_prompt!r}")


METHODS: dict[str, Method] = {
    "mcm": Method(None, "mcm", "mcm"),
    "neglabel": Method("neglabel", "neglabel"),
    "csp": Method("csp", "neglabel"),
    "dnm": Method("density", "dnm"),
    "dnm-probability": Method("density", "dnm-probability"),
    "dnm-official": Method("density", "dnm-official"),
    "negrefine": Method("csp", "negrefine"),
}


def check_methods(methods: Sequence[str]) -> list[str]:
    """The methods as a list, or a ValueError naming the unknown ones and the choices."""
    methods = list(methods)
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"unknown method(s) {unknown or methods}; choose from {', '.join(METHODS)}")
    return methods


def mine(
    rule: str,
    settings: Settings,
    *,
    corpus_features: ArrayLike,
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    id_text: ArrayLike,
    csp_features: ArrayLike | None = None,
    csp_words: Sequence[str] | None = None,
    csp_parts_of_speech: Sequence[str] | None = None,
    density_statistic: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of the negatives a rule mines: rows of the corpus (``neglabel``, ``density``) or of CSP's pool
    (``csp``). ``density_statistic`` (the corpus' density statistic for ``settings.k`` and
    ``settings.density_form``) skips the kNN search when the caller has it cached."""
    if rule == "neglabel":
        return neglabel_mining(corpus_features, id_text, list(words), list(parts_of_speech),
                               percentile=settings.percentile, quotas=settings.neglabel_quotas()).indices
    if rule == "csp":
        if csp_features is None or csp_words is None or csp_parts_of_speech is None:
            raise ValueError("rule 'csp' needs CSP's pool: csp_features, csp_words and csp_parts_of_speech")
        return csp_mining(csp_features, id_text, list(csp_words), list(csp_parts_of_speech),
                          percentile=settings.percentile, quotas=settings.neglabel_quotas(),
                          max_id_similarity=settings.csp_max_id_similarity).indices
    if rule == "density":
        if density_statistic is None:
            density_statistic = density_statistics(corpus_features, [settings.k], form=settings.density_form)[
                settings.k]
        return select_densest(density_statistic, list(parts_of_speech), quotas=settings.density_quotas(),
                              form=settings.density_form).indices
    raise ValueError(f"unknown rule {rule!r}; choose from {RULES}")
