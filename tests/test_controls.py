"""Controls: random negatives of the same split, a rule at another's size, saturation and tie-breaking."""

from __future__ import annotations

import numpy as np
import pytest

from debiasood.core.controls import (
    counts_by_part,
    quotas_for_counts,
    random_negatives,
    saturation,
    select_at_counts,
    tie_broken,
)
from debiasood.core.metrics import ood_metrics

POS = ["noun"] * 70 + ["adj"] * 30


def test_random_negatives_match_the_split_and_are_seeded():
    rows = random_negatives(POS, {"noun": 12, "adj": 5}, seed=3)
    assert counts_by_part(POS, rows) == {"noun": 12, "adj": 5} and len(set(rows)) == 17
    assert rows.tolist() == random_negatives(POS, {"noun": 12, "adj": 5}, seed=3).tolist()
    assert rows.tolist() != random_negatives(POS, {"noun": 12, "adj": 5}, seed=4).tolist()
    with pytest.raises(ValueError, match="exceeds the 30 words"):
        random_negatives(POS, {"adj": 31}, seed=0)


@pytest.mark.parametrize("counts", [{"noun": 1, "adj": 0}, {"noun": 23, "adj": 7}, {"noun": 70, "adj": 30},
                                    {"noun": 69}])
def test_quotas_for_counts_select_exactly_the_counts(counts):
    quotas = quotas_for_counts(POS, counts)
    for part, count in counts.items():
        n = POS.count(part)
        assert int(n * quotas.get(part, 0.0)) == count


def test_a_rule_at_another_size_keeps_its_own_ranking():
    criterion = np.random.default_rng(0).normal(size=100)
    rows = select_at_counts(criterion, POS, {"noun": 10, "adj": 4}, higher_is_better=False)
    nouns = sorted(range(70), key=lambda i: (criterion[i], i))[:10]
    adjectives = sorted(range(70, 100), key=lambda i: (criterion[i], i))[:4]
    assert rows.tolist() == nouns + adjectives


def test_saturation_counts_exact_ties_at_the_top():
    scores = {"id": np.array([1.0, 1.0, 0.5, 1.0]), "ood": np.array([0.2, 1.0, 0.1, 0.3, 0.4])}
    assert saturation(scores) == {"id": 0.75, "ood": 0.2}
    assert saturation(scores, maximum=2.0) == {"id": 0.0, "ood": 0.0}
    # One image alone at the maximum is no tie.
    assert saturation({"id": np.array([3.0, 1.0]), "ood": np.array([2.0])}) == {"id": 0.0, "ood": 0.0}
    assert saturation({"id": np.array([3.0, 1.0]), "ood": np.array([3.0])}) == {"id": 0.5, "ood": 1.0}
    with pytest.raises(ValueError, match="non-empty"):
        saturation({"id": np.array([])})


def test_tie_breaking_orders_ties_by_the_secondary_and_keeps_the_rest():
    primary = {"id": np.array([1.0, 1.0, 0.3]), "ood": np.array([1.0, 0.2, 1.0])}
    secondary = {"id": np.array([0.9, 0.8, 0.0]), "ood": np.array([0.1, 0.5, 0.85])}
    broken = tie_broken(primary, secondary)
    # Order over all six: the three tied at 1.0 by the secondary (0.9 > 0.85 > 0.8 > 0.1), then 0.3, then 0.2.
    flat = np.concatenate([broken["id"], broken["ood"]])
    expected_order = [0, 5, 1, 3, 2, 4]  # indices into concat(id, ood), best first
    assert np.argsort(-flat, kind="stable").tolist() == expected_order
    # Without ties the order is the primary's, so every metric is unchanged.
    rng = np.random.default_rng(1)
    distinct = {"id": rng.normal(1, 1, 50), "ood": rng.normal(0, 1, 40)}
    again = tie_broken(distinct, {k: -v for k, v in distinct.items()})
    assert ood_metrics(again["id"], again["ood"]) == ood_metrics(distinct["id"], distinct["ood"])
    with pytest.raises(ValueError, match="same images"):
        tie_broken(primary, {"id": secondary["id"][:2], "ood": secondary["ood"]})
