"""The seeded partition of negatives: shape, coverage, determinism, and the remainder dropped after shuffling."""

import numpy as np
import pytest

from debiasood import partition_negatives
from debiasood.core.partition import check_partition


def test_shape_and_disjoint_groups():
    groups = partition_negatives(1003, 10, seed=0)
    assert groups.shape == (10, 100) and groups.dtype == np.int64
    assert np.unique(groups).size == 1000 and groups.min() >= 0 and groups.max() < 1003


def test_deterministic_given_seed():
    np.testing.assert_array_equal(partition_negatives(500, 7, seed=3), partition_negatives(500, 7, seed=3))
    assert not np.array_equal(partition_negatives(500, 7, seed=3), partition_negatives(500, 7, seed=4))


def test_remainder_is_dropped_after_shuffling():
    """The official code always drops the LAST labels (adjectives); here any label can be left out."""
    dropped = set()
    for seed in range(200):
        dropped |= set(range(103)) - set(partition_negatives(103, 10, seed=seed).ravel().tolist())
    assert len(dropped) > 50


@pytest.mark.parametrize(("m", "g", "match"), [(10, 11, "exceeds"), (0, 1, "num_negatives"),
                                                (10, 0, "num_groups"), (10, True, "num_groups")])
def test_bad_sizes(m, g, match):
    with pytest.raises(ValueError, match=match):
        partition_negatives(m, g)


def test_check_partition():
    assert check_partition(np.array([[0, 1], [2, 3]], dtype=np.int32), 4).dtype == np.int64
    with pytest.raises(ValueError, match="twice"):
        check_partition(np.array([[0, 0]]), 4)
    with pytest.raises(ValueError, match="shape"):
        check_partition(np.zeros((0, 2), dtype=int), 4)
