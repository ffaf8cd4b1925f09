"""Seeded partition of the negative labels into groups (NegLabel's grouping strategy).

NegLabel (Jiang et al., ICLR 2024, Sec. 3.3) and DNM split the M mined negatives into G groups of
Q = M // G labels and average a per-group score. The official code of both papers

- drops the remainder M mod G *before* shuffling, so the dropped labels are always the last adjectives, and
- draws a fresh permutation for every OOD set, so the same ID image gets a different score per OOD set.

Here the permutation comes first and the remainder is dropped after it, and a partition is a plain
(G, Q) integer array built once from (M, G, seed) and reused for ID and every OOD set.
"""

from __future__ import annotations

import numpy as np

from debiasood.core.checks import check_int


def partition_negatives(num_negatives: int, num_groups: int, seed: int = 0) -> np.ndarray:
    """Split ``range(num_negatives)`` into ``num_groups`` groups of equal size.

    Returns an int64 array of shape (G, Q) with Q = M // G; the M mod G labels that the shuffle puts last
    are left out. The result depends only on (M, G, seed).
    """
    check_int("num_negatives", num_negatives)
    check_int("num_groups", num_groups)
    if num_groups > num_negatives:
        raise ValueError(
            f"num_groups={num_groups} exceeds the number of negatives ({num_negatives}): every group needs "
            "at least one label; lower num_groups"
        )
    order = np.random.default_rng(seed).permutation(num_negatives)
    group_size = num_negatives // num_groups
    return order[: num_groups * group_size].reshape(num_groups, group_size).astype(np.int64)


def check_partition(groups: np.ndarray, num_negatives: int) -> np.ndarray:
    """Validate a caller-supplied partition: 2-D, integer, in range, no label used twice."""
    groups = np.asarray(groups)
    if groups.ndim != 2 or groups.size == 0:
        raise ValueError(f"groups must be a non-empty (G, Q) integer array, got shape {groups.shape}")
    if not np.issubdtype(groups.dtype, np.integer):
        raise ValueError(f"groups must hold integer indices, got dtype {groups.dtype}")
    if groups.min() < 0 or groups.max() >= num_negatives:
        raise ValueError(
            f"groups index negatives in [{groups.min()}, {groups.max()}] but there are {num_negatives}"
        )
    if np.unique(groups).size != groups.size:
        raise ValueError("groups must not use a negative label twice")
    return groups.astype(np.int64, copy=False)
