"""debiasood: the reproducible companion to "Debiased Negative Mining Improves Out-of-distribution Detection
with Pre-trained Vision-Language Models" (Peng, Zhang, Lu, Fang; KDD 2026).

The package is in layers; each imports only the layers before it:

- :mod:`debiasood.core`: pure functions over embeddings (every score: HIGHER = MORE IN-DISTRIBUTION):
  scores (MCM, NegLabel, DNM), mining (one selection routine, several rules), metrics (paper and OpenOOD
  conventions, bootstrap and paired intervals), the partition of the negatives, the method registry and the
  one evaluation layer;
- :mod:`debiasood.data`: WordNet 3.0 and the label corpora, label sets, the false-negative audit, encoders
  (open_clip, sentence-transformers; imported lazily), the feature store, image datasets and feature bundles;
- :mod:`debiasood.world`: the simulated vision-language world and the toy world of the derivation;
- :mod:`debiasood.book`: one module per chapter of the book, the notebook helpers and the papermill runner;
- :mod:`debiasood.app`: the command line and the real-data pipeline.

The names below are the core's public API. They load on first use (PEP 562), so ``import debiasood`` costs
almost nothing and never imports torch, an encoder or a dataset module until a function is asked for.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "debiasood.core.metrics": ("average_metrics", "bootstrap_ci", "ood_metrics", "ood_metrics_from_labels"),
    "debiasood.core.mining": ("Selection", "csp_adjective_phrases", "csp_mining", "density_selection",
                              "neglabel_mining"),
    "debiasood.core.partition": ("partition_negatives",),
    "debiasood.core.scores": ("NonPositivePartitionWarning", "dnm_closed_form_score", "dnm_coefficient",
                              "dnm_safe_tau", "dnm_score", "l2_normalize", "mcm_score", "neglabel_score",
                              "perturbed_positives"),
}
_HOME = {name: module for module, names in _API.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'debiasood' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

