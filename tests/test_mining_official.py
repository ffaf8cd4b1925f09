"""Mining exactly as the official code selects: NegLabel's and CSP's ``multi_modal.py`` and DNM's density block.

The references below are the official rules written out plainly (not the project's code): the criterion in
float32 from the float32 features, ``torch.argsort`` per part (stable: ties keep input order), nouns then
adjectives, the first ``int(n_part * quota)`` kept; CSP sets the criterion of a candidate whose largest cosine
to an ID label exceeds 0.95 to 1.0 and counts its quota over ALL candidates of the part. Criteria are made
dense on purpose: many candidates within 1e-5 of each other, and exact duplicates.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from debiasood import csp_mining, neglabel_mining
from debiasood.core.mining import select_densest, select_per_part

SEEDS = range(24)


def official_rule(criterion: torch.Tensor, n_nouns: int, quota_noun: float, quota_adj: float) -> list[int]:
    """``ind = torch.argsort(sim_part)`` per part, the first ``int(len(ind) * quota)`` kept, nouns first."""
    nouns, adjectives = criterion[:n_nouns], criterion[n_nouns:]
    ind_noun = torch.argsort(nouns, stable=True)[: int(len(nouns) * quota_noun)]
    ind_adj = torch.argsort(adjectives, stable=True)[: int(len(adjectives) * quota_adj)]
    return ind_noun.tolist() + (ind_adj + n_nouns).tolist()


def official_neglabel(candidates: np.ndarray, id_text: np.ndarray, n_nouns: int, quota: float) -> list[int]:
    sim = torch.quantile(torch.from_numpy(candidates) @ torch.from_numpy(id_text).T, q=0.95, dim=-1)
    return official_rule(sim, n_nouns, quota, quota)


def official_csp(candidates: np.ndarray, id_text: np.ndarray, n_nouns: int, quota: float) -> list[int]:
    tmp = torch.from_numpy(candidates) @ torch.from_numpy(id_text).T
    sim = torch.quantile(tmp, q=0.95, dim=-1)
    sim[torch.max(tmp, dim=1)[0] > 0.95] = 1.0
    return official_rule(sim, n_nouns, quota, quota)


def dense_world(seed: int, n: int = 400, d: int = 16, k: int = 50, n_nouns: int = 300):
    """Candidates in a few tight clusters (criteria within ~1e-5) plus exact duplicates; float32 throughout."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, d))
    members = centres[rng.integers(0, 6, size=n)] + 1e-5 * rng.normal(size=(n, d))
    duplicates = rng.choice(n, size=(n // 20, 2), replace=False)
    members[duplicates[:, 1]] = members[duplicates[:, 0]]  # exact copies: equal criteria
    candidates = (members / np.linalg.norm(members, axis=1, keepdims=True)).astype(np.float32)
    id_text = rng.normal(size=(k, d))
    id_text = (id_text / np.linalg.norm(id_text, axis=1, keepdims=True)).astype(np.float32)
    words = [f"w{i:04d}" for i in range(n)]
    parts = ["noun"] * n_nouns + ["adj"] * (n - n_nouns)
    return candidates, id_text, words, parts


def test_issue_reproduction_neglabel_keeps_the_lower_criterion():
    cos = np.array([0.100004, 0.100000] + [0.5] * 8)
    cands = np.stack([cos, np.sqrt(1 - cos**2)], 1).astype(np.float32)
    words = ["a", "b"] + [f"z{i}" for i in range(8)]
    sel = neglabel_mining(cands, np.array([[1.0, 0.0]], np.float32), words, ["noun"] * 10, quotas={"noun": 0.1})
    assert sel.words(words) == ["b"]


def test_issue_reproduction_csp_quota_counts_all_candidates():
    cos = np.r_[1.0, np.linspace(0.1, 0.5, 19)]
    cands = np.stack([cos, np.sqrt(1 - cos**2)], 1).astype(np.float32)
    words = [f"w{i:02d}" for i in range(20)]
    sel = csp_mining(cands, np.array([[1.0, 0.0]], np.float32), words, ["noun"] * 20, quotas={"noun": 0.1})
    assert sel.words(words) == ["w01", "w02"]


@pytest.mark.parametrize("seed", SEEDS)
def test_neglabel_selection_and_order_equal_the_official_rule(seed):
    candidates, id_text, words, parts = dense_world(seed)
    expected = official_neglabel(candidates, id_text, parts.count("noun"), 0.15)
    got = neglabel_mining(candidates, id_text, words, parts)
    assert got.indices.tolist() == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_csp_selection_and_order_equal_the_official_rule(seed):
    candidates, id_text, words, parts = dense_world(seed)
    # Push a tenth of the candidates past the 0.95 exclusion: near copies of an ID label.
    rng = np.random.default_rng(seed + 100)
    near = rng.choice(len(candidates), size=len(candidates) // 10, replace=False)
    copies = id_text[rng.integers(0, len(id_text), size=len(near))] + 0.01 * rng.normal(size=(len(near), 16))
    candidates[near] = (copies / np.linalg.norm(copies, axis=1, keepdims=True)).astype(np.float32)
    expected = official_csp(candidates, id_text, parts.count("noun"), 0.15)
    got = csp_mining(candidates, id_text, words, parts)
    assert got.indices.tolist() == expected
    # With a quota past the eligible words, the official rule reaches into the excluded ones; so do we.
    big = official_csp(candidates, id_text, parts.count("noun"), 0.95)
    assert csp_mining(candidates, id_text, words, parts, quotas={"noun": 0.95, "adj": 0.95}).indices.tolist() == big


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("form", ["paper", "official"])
def test_density_selection_equals_the_official_rule_on_dense_statistics(seed, form):
    rng = np.random.default_rng(seed)
    statistic = np.round(rng.normal(size=500), 5) + 1e-7 * rng.integers(0, 3, size=500)  # many exact ties
    parts = ["noun"] * 380 + ["adj"] * 120
    got = select_densest(statistic, parts, quotas={"noun": 0.23, "adj": 0.13}, form=form)
    # The official code keeps the smallest rep; the paper form keeps the highest Rep (a descending sort).
    key = torch.from_numpy(statistic if form == "official" else -statistic)
    assert got.indices.tolist() == official_rule(key, 380, 0.23, 0.13)


def test_select_per_part_rejects_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        select_per_part(np.array([0.1, np.nan]), ["noun", "noun"], {"noun": 0.5}, higher_is_better=False)
    with pytest.raises(ValueError, match="one value per candidate"):
        select_per_part(np.array([0.1, 0.2]), ["noun"], {"noun": 0.5}, higher_is_better=False)
    with pytest.raises(ValueError, match="quotas"):
        select_per_part(np.array([0.1]), ["noun"], {"noun": 2.0}, higher_is_better=False)
