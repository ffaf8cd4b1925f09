"""Controls behind every claim: random negatives, a rule at another rule's size, saturation and tie-breaking.

A claim "negatives A beat negatives B" means little unless A also beats negatives drawn at RANDOM from the same
corpus with the same size and part-of-speech split (NegLabel's own paper shows its mining beating random
negatives on CLIP), and unless the comparison is at equal size (a rule's gain can be only its size). A claim
about a clamped score means little if the clamp saturates: many images tie at the score's maximum, and the
ranking among them is then arbitrary. The functions here build those controls; the chapters score them with
:func:`debiasood.core.evaluation.evaluate` and compare with :meth:`debiasood.core.evaluation.Evaluation.paired`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from debiasood.core.checks import check_int
from debiasood.core.mining import select_per_part


def counts_by_part(parts_of_speech: Sequence[str], indices: Sequence[int] | np.ndarray) -> dict[str, int]:
    """Number of selected words per part of speech, in the corpus' order of parts, e.g. {'noun': 10682, ...}."""
    picked = np.asarray(parts_of_speech)[np.asarray(indices, dtype=np.int64)]
    return {part: int((picked == part).sum()) for part in dict.fromkeys(parts_of_speech)}


def random_negatives(parts_of_speech: Sequence[str], counts: Mapping[str, int], seed: int) -> np.ndarray:
    """``counts[part]`` corpus rows drawn uniformly without replacement within each part of speech (``seed``):
    the random control of a mining rule with the same size and part-of-speech split."""
    check_int("seed", seed, minimum=0)
    pos = np.asarray(parts_of_speech)
    rng = np.random.default_rng(seed)
    chosen = []
    for part, count in counts.items():
        members = np.flatnonzero(pos == part)
        check_int(f"counts[{part!r}]", count, minimum=0)
        if count > len(members):
            raise ValueError(f"counts[{part!r}] = {count} exceeds the {len(members)} words of that part of speech")
        chosen.append(rng.choice(members, size=count, replace=False))
    if not chosen:
        raise ValueError("counts is empty: give {part_of_speech: number of words}")
    return np.concatenate(chosen).astype(np.int64)


def quotas_for_counts(parts_of_speech: Sequence[str], counts: Mapping[str, int]) -> dict[str, float]:
    """Quotas under which :func:`debiasood.core.mining.select_per_part` keeps exactly ``counts[part]`` words.

    ``int(n * q)`` must equal the count: q = (count + 0.5) / n does (and 1 for the whole part).
    """
    pos = np.asarray(parts_of_speech)
    quotas = {}
    for part, count in counts.items():
        n = int((pos == part).sum())
        check_int(f"counts[{part!r}]", count, minimum=0)
        if count > n:
            raise ValueError(f"counts[{part!r}] = {count} exceeds the {n} words of that part of speech")
        if count:
            quotas[part] = 1.0 if count == n else (count + 0.5) / n
    if not quotas:
        raise ValueError(f"counts {dict(counts)} selects nothing")
    return quotas


def select_at_counts(criterion: np.ndarray, parts_of_speech: Sequence[str], counts: Mapping[str, int], *,
                     higher_is_better: bool) -> np.ndarray:
    """A rule's own ranking cut at another selection's size: e.g. NegLabel's rule at DNM's size."""
    quotas = quotas_for_counts(parts_of_speech, counts)
    selection = select_per_part(np.asarray(criterion), parts_of_speech, quotas, higher_is_better=higher_is_better)
    got = counts_by_part(parts_of_speech, selection.indices)
    if any(got.get(part, 0) != count for part, count in counts.items()):
        raise AssertionError(f"selected {got}, wanted {dict(counts)}")  # quotas_for_counts guarantees this
    return selection.indices


def saturation(scores: Mapping[str, np.ndarray], *, maximum: float | None = None) -> dict[str, float]:
    """Share of each set's images TIED at the maximum (default: the largest score over all sets): images whose
    score equals it, counted only when at least two images (over all sets) share it; one image alone holding the
    maximum is no tie, and gives 0.

    A clamped DNM score on its probability scale is bounded above (each clamped group's term rounds to 1); a share
    far from 0 means the metric's ranking among those images is decided by the order of ties, not by the score.
    """
    if not scores:
        raise ValueError("scores is empty: pass {set_name: scores}")
    arrays = {name: np.asarray(values, dtype=np.float64) for name, values in scores.items()}
    if any(a.ndim != 1 or a.size == 0 for a in arrays.values()):
        raise ValueError("every set needs a non-empty 1-D array of scores")
    top = max(float(a.max()) for a in arrays.values()) if maximum is None else float(maximum)
    if sum(int((a == top).sum()) for a in arrays.values()) < 2:
        return {name: 0.0 for name in arrays}
    return {name: float((a == top).mean()) for name, a in arrays.items()}


def tie_broken(primary: Mapping[str, np.ndarray], secondary: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Scores ordered by ``primary`` first and, among exact ties, by ``secondary`` (e.g. NegLabel's score).

    Returned as floats whose order is that lexicographic order over ALL sets together (ranks of the primary
    score, plus the secondary's rank scaled into [0, 1) within the tie), so any metric can read them.
    """
    if list(primary) != list(secondary):
        raise ValueError(f"primary and secondary must score the same sets, got {list(primary)} and {list(secondary)}")
    names = list(primary)
    sizes = [len(primary[n]) for n in names]
    if sizes != [len(secondary[n]) for n in names]:
        raise ValueError("primary and secondary must score the same images")
    first = np.concatenate([np.asarray(primary[n], dtype=np.float64) for n in names])
    second = np.concatenate([np.asarray(secondary[n], dtype=np.float64) for n in names])
    if np.isnan(first).any() or np.isnan(second).any():
        raise ValueError("scores contain NaN")
    # Dense rank of the primary (ties share a rank); secondary ranks in (0, 1) break ties inside a rank.
    _, primary_rank = np.unique(first, return_inverse=True)
    order = np.lexsort((second, first))
    within = np.empty(len(first))
    within[order] = np.arange(len(first)) / len(first)
    combined = primary_rank.astype(np.float64) + within
    return dict(zip(names, np.split(combined, np.cumsum(sizes)[:-1]), strict=True))
