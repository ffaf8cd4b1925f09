"""debiasood: the reproducible companion to "Debiased Negative Mining Improves Out-of-distribution Detection
with Pre-trained Vision-Language Models" (Peng, Zhang, Lu, Fang; KDD 2026).

The core is pure functions over embeddings (every score: HIGHER = MORE IN-DISTRIBUTION):

- :mod:`debiasood.scores`: MCM, NegLabel's grouped score, DNM (general and official closed form);
- :mod:`debiasood.mining`: NegLabel's percentile mining, DNM's density selection, CSP's pool;
- :mod:`debiasood.metrics`: AUROC, AUPR-In/Out, FPR95 in the paper and OpenOOD conventions, bootstrap CIs;
- :mod:`debiasood.partition`: the seeded grouping of negatives, shared by ID and every OOD set.

Around it (import from the subpackage; heavy libraries load only when used):

- :mod:`debiasood.corpus`: WordNet 3.0 offline, label corpora (presets), benchmark label sets, and the
  false-negative ground truth;
- :mod:`debiasood.encoders`: the encoder protocol, open_clip and sentence-transformers backends, prompts;
- :mod:`debiasood.cache`: the on-disk feature store;
- :mod:`debiasood.toy_world` and :mod:`debiasood.derivation`: the controlled world of the derivation notebook;
- :mod:`debiasood.nb` and :mod:`debiasood.run_notebooks`: notebook helpers and the papermill runner.
"""

from debiasood.metrics import average_metrics, bootstrap_ci, ood_metrics, ood_metrics_from_labels
from debiasood.mining import Selection, csp_adjective_phrases, csp_mining, density_selection, neglabel_mining
from debiasood.partition import partition_negatives
from debiasood.scores import (
    NonPositivePartitionWarning,
    dnm_closed_form_score,
    dnm_coefficient,
    dnm_safe_tau,
    dnm_score,
    l2_normalize,
    mcm_score,
    neglabel_score,
    perturbed_positives,
)

__version__ = "0.1.0"

__all__ = [
    "NonPositivePartitionWarning",
    "Selection",
    "average_metrics",
    "bootstrap_ci",
    "csp_adjective_phrases",
    "csp_mining",
    "density_selection",
    "dnm_closed_form_score",
    "dnm_coefficient",
    "dnm_safe_tau",
    "dnm_score",
    "l2_normalize",
    "mcm_score",
    "neglabel_mining",
    "neglabel_score",
    "ood_metrics",
    "ood_metrics_from_labels",
    "partition_negatives",
    "perturbed_positives",
]
