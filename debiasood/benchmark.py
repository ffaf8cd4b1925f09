"""The ImageNet-1K OOD benchmark on the offline world: mine negatives, score, metrics, one function.

Methods (negatives -> score):

- ``mcm``: no negatives; MCM on the "a photo of a {}" ID prompts (T = 1);
- ``neglabel``: NegLabel's percentile mining -> NegLabel's grouped score;
- ``dnm``: DNM's density selection (paper form, ViT-B/16 quotas, k = 100) -> the clamped DNM score.

Every row says ``world = "simulated"``: these numbers come from :mod:`debiasood.world`, never from CLIP.
CSP is not offered here yet: its conjugated, prompt-ensembled pool (~460k prompts) is too slow to embed with
MiniLM on a CPU.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from debiasood.evaluate import ScoreSettings, evaluate_scores
from debiasood.mining import density_selection

METHODS: dict[str, str] = {"mcm": "mcm", "neglabel": "neglabel", "dnm": "dnm"}
"""Benchmark method -> score function of :data:`debiasood.evaluate.SCORES`."""


def simulated_benchmark(
    world: Any,
    text: Mapping[str, np.ndarray],
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    *,
    methods: Sequence[str] = tuple(METHODS),
    sizes: Mapping[str, int],
    ood_sets: Sequence[str] | None = None,
    seed: int = 0,
    settings: ScoreSettings | None = None,
    bootstrap: int = 0,
) -> list[dict[str, object]]:
    """Rows of (method, OOD set) metrics on one draw of ``world`` (a :class:`debiasood.world.SemanticWorld`).

    ``text`` is :func:`debiasood.world.benchmark_text_features`' output (``id_mcm``, ``id_neglabel``,
    ``corpus_features``, ``negatives``); ``words`` and ``parts_of_speech`` describe the corpus rows.
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"unknown method(s) {unknown or list(methods)}; choose from {', '.join(METHODS)} "
                         "(CSP is not available in the offline world yet)")
    ood_sets = [s for s in world.sets if s != world.id_set] if ood_sets is None else list(ood_sets)
    missing = [s for s in (world.id_set, *ood_sets) if s not in world.sets or s not in sizes]
    if missing or not ood_sets:
        raise ValueError(f"unknown or unsized set(s) {missing or 'none given'}; the world has {', '.join(world.sets)}")
    images = {name: world.images(name, sizes[name], seed=seed).features for name in (world.id_set, *ood_sets)}
    ood = {name: images[name] for name in ood_sets}
    negatives = {"neglabel": text["negatives"]}
    if "dnm" in methods:
        selection = density_selection(np.asarray(text["corpus_features"], dtype=np.float32), words, parts_of_speech)
        negatives["dnm"] = np.asarray(text["corpus_features"])[selection.indices]
    rows = []
    for method in methods:
        id_text = text["id_mcm"] if method == "mcm" else text["id_neglabel"]
        neg = negatives.get(method)
        for row in evaluate_scores(images[world.id_set], ood, world.text(id_text),
                                   None if neg is None else world.text(neg), scores=[METHODS[method]],
                                   settings=settings, bootstrap=bootstrap):
            rows.append({"world": "simulated", "method": method, **{k: v for k, v in row.items() if k != "score"}})
    return rows
