"""τ from the WordNet audit: 1 - the share of the mined labels that WordNet relates to an ID class.

The pure estimate is :func:`debiasood.core.tau.tau_from_false_negatives`; this module supplies its input from
:func:`debiasood.data.audit.audit_false_negatives`, which needs WordNet and ID classes that are WordNet synsets
(the ImageNet family). It is an UPPER bound on τ: WordNet cannot see labels that only look like an ID class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from debiasood.core.tau import DEFAULT_BOOTSTRAP, DEFAULT_LEVEL, TauEstimate, tau_from_false_negatives
from debiasood.data.audit import audit_false_negatives
from debiasood.data.corpora import LabelCorpus
from debiasood.data.filters import WORDNET_RELATIONS, check_relations
from debiasood.data.label_sets import LabelSet
from debiasood.data.wordnet import WordNet


def audit_tau(
    corpus: LabelCorpus,
    label_set: LabelSet,
    selected: Sequence[int] | np.ndarray,
    *,
    relations: Sequence[str] = WORDNET_RELATIONS,
    num_bootstrap: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    seed: int = 0,
    wordnet: WordNet | None = None,
) -> TauEstimate:
    """τ̂ = 1 - (share of the mined words ``selected`` -- indices into ``corpus``, e.g. a mining
    :class:`~debiasood.core.mining.Selection`'s ``indices`` -- whose audited relation is in ``relations``)."""
    rows = np.asarray(selected)
    if rows.ndim != 1 or rows.size == 0 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(f"selected must be a non-empty 1-D array of corpus indices, got dtype {rows.dtype} and "
                         f"shape {rows.shape}")
    if rows.min() < 0 or rows.max() >= len(corpus):
        raise ValueError(f"selected indexes words [{rows.min()}, {rows.max()}] but the corpus has {len(corpus)}")
    relations = check_relations(relations)
    audit = audit_false_negatives(corpus, label_set, wordnet=wordnet)
    false_negative = np.zeros(len(corpus), dtype=bool)
    for relation in relations:
        false_negative |= audit.mask(relation)
    estimate = tau_from_false_negatives(false_negative[rows], num_bootstrap=num_bootstrap, level=level, seed=seed)
    return replace(estimate, method=f"WordNet audit ({', '.join(relations)})")
