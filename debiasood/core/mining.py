"""Negative-label mining: which corpus words become negative labels.

Three strategies, each a pure function of text embeddings that returns a :class:`Selection`:

- :func:`neglabel_mining`: NegLabel's NegMining (Jiang et al., ICLR 2024, Sec. 3.2): keep the words whose
  95th-percentile cosine to the ID labels is LOWEST, a fixed share per part of speech.
- :func:`density_selection`: DNM's Step 1 (Peng et al., KDD 2026): keep the words in the densest regions of
  the corpus' own embedding space (k nearest neighbours; the ID labels play no part), in the paper's form
  or the official code's form.
- :func:`csp_mining`: CSP (Chen et al., NeurIPS 2024): NegLabel's rule on a pool extended with
  "adjective + superclass word" phrases (:func:`csp_adjective_phrases`); a candidate whose cosine to some ID
  label exceeds 0.95 sorts last.

Selection: all three rank by their criterion with ONE routine, :func:`select_per_part`, the official code's
rule: a stable sort of the criterion as computed (in the features' dtype), per part of speech, nouns then
adjectives, keeping ``int(quota * n_part)``. Exactly equal values keep the input (corpus) order; nothing is
rounded. So the selection AND its order equal the official code's on the same float32 features, and the order
matters: the partition into groups permutes the selected rows. CSP's seeded superclass draw is a hash of
(seed, adjective), independent of the order of the adjectives.

Speed and memory: similarities are computed in chunks of rows, so the density rule's exact kNN never builds
the N x N matrix (the official code does: 12.8 GB in float32 for N = 56,620).
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from debiasood.core.checks import ArrayLike, as_float_tensor, check_fraction, check_int, check_labels, check_matrix
from debiasood.core.prompts import CSP_SUPERCLASS_WORDS, fill

NOUN, ADJECTIVE = "noun", "adj"
PARTS_OF_SPEECH = (NOUN, ADJECTIVE)

# Official DNM quotas (fraction of each part of speech kept) and k, per backbone, from the settings block of the
# official eval_ood_detection.py: B16/L14 active; B32, RN50 and L14_336 as the commented alternatives there.
DNM_QUOTAS = {
    "ViT-B/16": ({NOUN: 0.23, ADJECTIVE: 0.13}, 100),
    "ViT-L/14": ({NOUN: 0.23, ADJECTIVE: 0.13}, 100),
    "ViT-B/32": ({NOUN: 0.25, ADJECTIVE: 0.13}, 10),
    "RN50": ({NOUN: 0.25, ADJECTIVE: 0.13}, 100),
    "ViT-L/14@336px": ({NOUN: 0.25, ADJECTIVE: 0.08}, 100),
}
NEGLABEL_FRACTION = 0.15
NEGLABEL_PERCENTILE = 0.95
CSP_MAX_ID_SIMILARITY = 0.95

# Rows of the candidate matrix handled per similarity block: 2**24 float32 values = 64 MiB per block.
_BLOCK_ELEMENTS = 2**24


@dataclass(frozen=True)
class Selection:
    """The outcome of a mining strategy.

    ``indices``: selected rows of the candidate matrix, nouns first then adjectives, each part best-first
    (the order the official code concatenates them in). ``criterion``: the per-candidate value the rule
    ranks by (NaN for candidates that were not eligible). ``higher_is_better`` says which way it ranks.
    """

    indices: np.ndarray
    criterion: np.ndarray
    higher_is_better: bool
    counts: Mapping[str, int]

    def words(self, words: Sequence[str]) -> list[str]:
        return [words[i] for i in self.indices]


def _check_candidates(
    features: ArrayLike, words: Sequence[str], parts_of_speech: Sequence[str], *, unit_norm: bool = True
) -> torch.Tensor:
    tensor = as_float_tensor("candidate_features", features)
    check_matrix("candidate_features", tensor, unit_norm=unit_norm)
    check_labels(words, parts_of_speech, tensor.shape[0])
    unknown = set(parts_of_speech) - set(PARTS_OF_SPEECH)
    if unknown:
        raise ValueError(f"parts_of_speech must be {PARTS_OF_SPEECH}, got {sorted(unknown)}")
    return tensor


def check_quotas(quotas: Mapping[str, float]) -> None:
    unknown = set(quotas) - set(PARTS_OF_SPEECH)
    if unknown or not quotas:
        raise ValueError(f"quotas must map some of {PARTS_OF_SPEECH} to fractions, got {dict(quotas)}")
    for pos, fraction in quotas.items():
        check_fraction(f"quotas[{pos!r}]", fraction)


def select_per_part(
    criterion: np.ndarray,
    parts_of_speech: Sequence[str],
    quotas: Mapping[str, float],
    *,
    higher_is_better: bool,
    eligible: np.ndarray | None = None,
) -> Selection:
    """The one selection routine of every mining rule: keep ``int(quota * n_part)`` candidates of each part.

    As the official NegLabel, CSP and DNM code: a STABLE sort of the criterion exactly as computed (ascending,
    or descending when ``higher_is_better``), per part of speech, nouns first then adjectives, keeping the first
    ``int(len(part) * quota)``. No rounding: candidates 1e-7 apart are ordered by their values. Exactly equal
    values keep their input order (the corpus order), which is what a stable sort does and the only tie rule.

    ``eligible`` (optional) restricts the ranking AND the count to the eligible candidates of each part
    (``int(quota * n_eligible_part)``); ineligible candidates get a NaN criterion in the result. The official
    rules never need it (CSP's exclusion is part of its criterion, see :func:`csp_mining`); it serves the
    project's named deviations.
    """
    criterion = np.asarray(criterion)
    pos = np.asarray(parts_of_speech)
    if criterion.ndim != 1 or len(criterion) != len(pos):
        raise ValueError(f"criterion must be 1-D with one value per candidate ({len(pos)}), got {criterion.shape}")
    if np.isnan(criterion).any():
        raise ValueError("criterion contains NaN: a mining criterion must be finite for every candidate")
    check_quotas(quotas)
    eligible = np.ones(len(pos), dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    chosen, counts = [], {}
    for part in PARTS_OF_SPEECH:
        if part not in quotas:
            continue
        members = np.flatnonzero((pos == part) & eligible)
        keep = int(len(members) * quotas[part])
        # Negation is exact in floating point, so a descending stable sort keeps equal values in input order.
        key = -criterion[members] if higher_is_better else criterion[members]
        chosen.append(members[np.argsort(key, kind="stable")][:keep])
        counts[part] = keep
    criterion = np.where(eligible, criterion.astype(np.float64), np.nan)
    return Selection(np.concatenate(chosen).astype(np.int64), criterion, higher_is_better, counts)


def _row_blocks(num_rows: int, num_columns: int, block_rows: int | None) -> Iterator[slice]:
    """Consecutive row slices holding about _BLOCK_ELEMENTS similarities each (or ``block_rows`` rows)."""
    if block_rows is not None:
        check_int("block_rows", block_rows)
    step = block_rows or max(1, _BLOCK_ELEMENTS // num_columns)
    for start in range(0, num_rows, step):
        yield slice(start, min(start + step, num_rows))


def _percentile_criterion(candidates: torch.Tensor, id_text: torch.Tensor, percentile: float,
                          block_rows: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    """Per candidate: the ``percentile`` quantile and the max of its cosines to the ID labels, by row blocks.

    Computed as the official code does: the similarity block in the features' dtype (float32 for CLIP
    features), ``torch.quantile`` on it (linear interpolation), so the criterion carries the same rounding.
    """
    quantile = torch.empty(candidates.shape[0], dtype=candidates.dtype)
    largest = torch.empty(candidates.shape[0], dtype=candidates.dtype)
    with torch.no_grad():
        for rows in _row_blocks(candidates.shape[0], id_text.shape[0], block_rows):
            similarity = candidates[rows] @ id_text.T
            quantile[rows] = torch.quantile(similarity, percentile, dim=1).cpu()
            largest[rows] = similarity.amax(dim=1).cpu()
    return quantile, largest


def _check_id_text(id_text_features: ArrayLike, candidates: torch.Tensor) -> torch.Tensor:
    id_text = as_float_tensor("id_text_features", id_text_features, like=candidates)
    check_matrix("id_text_features", id_text, dim=candidates.shape[1])
    return id_text


def neglabel_mining(
    candidate_features: ArrayLike,
    id_text_features: ArrayLike,
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    *,
    percentile: float = NEGLABEL_PERCENTILE,
    quotas: Mapping[str, float] | None = None,
    block_rows: int | None = None,
) -> Selection:
    r"""NegLabel's NegMining (Jiang et al., ICLR 2024, Eq. 6 and Sec. 3.2).

    For each candidate c, :math:`d(c) = \mathrm{quantile}_{p}\{\cos(e(c), e(y_k))\}_{k=1}^K` with
    p = ``percentile`` (0.95, linear interpolation as ``torch.quantile``); keep the ``quotas[pos]`` share
    with the LOWEST d, separately for nouns and adjectives (default 15% each, the official setting), by
    :func:`select_per_part`: a stable ascending sort of d as computed in the features' dtype, the official
    order (book: method reference, "Selection order and ties").
    Official code: https://github.com/XueJiang16/NegLabel (``CLIPScalableClassifier``).
    """
    candidates = _check_candidates(candidate_features, words, parts_of_speech)
    id_text = _check_id_text(id_text_features, candidates)
    check_fraction("percentile", percentile)
    quotas = {NOUN: NEGLABEL_FRACTION, ADJECTIVE: NEGLABEL_FRACTION} if quotas is None else quotas
    check_quotas(quotas)
    quantile, _ = _percentile_criterion(candidates, id_text, percentile, block_rows)
    return select_per_part(quantile.double().numpy(), parts_of_speech, quotas, higher_is_better=False)


def _nearest_torch(unit: torch.Tensor, norms: torch.Tensor, k: int, form: str,
                   block_rows: int | None) -> torch.Tensor:
    """Neighbour values by blocks of rows: never more than one (block, N) similarity matrix at once."""
    num = unit.shape[0]
    width = k if form == "paper" else k + 1
    values = torch.empty(num, width, dtype=unit.dtype, device=unit.device)
    with torch.no_grad():
        for rows in _row_blocks(num, num, block_rows):
            cos = unit[rows] @ unit.T
            if form == "paper":
                # k nearest OTHER words: mask self (a duplicate embedding is still a neighbour).
                cos[torch.arange(cos.shape[0]), torch.arange(rows.start, rows.stop)] = -math.inf
                values[rows] = torch.topk(cos, k, dim=1).values
            else:
                # Ranking row i by D_ij = |t_i| + |t_j| - 2 cos is ranking by 2 cos_ij - |t_j|, largest first.
                values[rows] = torch.topk(cos.mul_(2).sub_(norms[None, :]), k + 1, dim=1).values
    return values


def _nearest_faiss(unit: torch.Tensor, norms: torch.Tensor, k: int, form: str) -> torch.Tensor:
    """The same neighbour values from faiss' exact inner-product search (IndexFlatIP), which blocks internally."""
    import faiss

    database = unit.float().numpy()
    if form == "paper":
        queries = database
    else:
        # <[2 t_i, -1], [t_j, |t_j|]> = 2 cos_ij - |t_j|: the official ranking as a plain inner product.
        queries = np.hstack([2 * database, -np.ones((len(database), 1), np.float32)])
        database = np.hstack([database, norms.float().numpy()[:, None]])
    index = faiss.IndexFlatIP(database.shape[1])
    index.add(np.ascontiguousarray(database))
    values, ids = index.search(np.ascontiguousarray(queries), k + 1)
    if form == "paper":
        # Drop self; where a duplicate outranked it and self is not among the k + 1, drop the last instead.
        is_self = ids == np.arange(len(ids))[:, None]
        is_self[~is_self.any(axis=1), -1] = True
        values = values[~is_self].reshape(len(ids), k)
    return torch.from_numpy(values).to(unit.dtype)


def _density_statistic(values: torch.Tensor, norms: torch.Tensor, form: str) -> np.ndarray:
    if form == "paper":
        squared = torch.clamp(2 - 2 * values.double(), min=0)  # |e_i - e_j|^2 = 2 - 2 cos
        return (-torch.log(squared.sum(dim=1))).cpu().numpy()
    nearest = norms.double()[:, None] - values.double()  # D_ij = |t_i| - (2 cos_ij - |t_j|)
    if bool((nearest <= 0).any()):
        raise ValueError(
            "official-form density needs D_ij = |t_i| + |t_j| - 2cos > 0 for the nearest neighbours, "
            "which holds for raw CLIP text features (norms ~ 8-10) but not for unit-norm ones "
            "(D_ii = 0, log 0 = -inf). Pass the raw, unnormalised features, or use form='paper'."
        )
    return torch.log(nearest).mean(dim=1).cpu().numpy()


def _faiss_available() -> bool:
    return importlib.util.find_spec("faiss") is not None


def density_selection(
    candidate_features: ArrayLike,
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    *,
    k: int = 100,
    quotas: Mapping[str, float] | None = None,
    form: str = "paper",
    backend: str = "auto",
    block_rows: int | None = None,
) -> Selection:
    r"""DNM's density-based negative selection (Step 1), exact kNN among the candidates themselves.

    ``form="paper"`` (unit-norm embeddings; keep the HIGHEST):

    .. math:: \mathrm{Rep}(i) = -\log \sum_{j \in kNN(i)} \|e_i - e_j\|^2 = -\log \sum_{j} (2 - 2\cos_{ij})

    with the k nearest OTHER candidates.

    ``form="official"`` (raw, unnormalised text features t; keep the LOWEST), as the official code:

    .. math:: D_{ij} = \|t_i\| + \|t_j\| - 2\cos(t_i, t_j), \qquad
              \mathrm{rep}(i) = \frac{1}{k+1} \sum_{j \in (k+1)NN(i)} \log D_{ij}

    where the k + 1 nearest by D include i itself and the norms are not squared. Both keep
    ``int(quotas[pos] * n_pos)`` words per part of speech (default: the ViT-B/16 quotas, 23% of nouns and
    13% of adjectives, with k = 100).

    The exact kNN never builds the N x N matrix: ``backend="torch"`` multiplies blocks of ``block_rows`` rows
    (any device and dtype), ``backend="faiss"`` uses faiss' exact IndexFlatIP; ``"auto"`` takes faiss for CPU
    float32 tensors when it is installed. Both find the same neighbours up to float32 rounding.
    """
    candidates = _check_candidates(candidate_features, words, parts_of_speech, unit_norm=form == "paper")
    quotas = DNM_QUOTAS["ViT-B/16"][0] if quotas is None else quotas
    check_quotas(quotas)
    stat = density_statistics(candidates, [k], form=form, backend=backend, block_rows=block_rows)[k]
    return select_densest(stat, parts_of_speech, quotas=quotas, form=form)


def select_densest(statistic: np.ndarray, parts_of_speech: Sequence[str], *,
                   quotas: Mapping[str, float], form: str = "paper") -> Selection:
    """Keep ``int(quota * n_part)`` words of each part of speech by the density statistic (highest Rep in the
    paper form, lowest rep in the official form), by :func:`select_per_part` (stable sort, no rounding)."""
    if form not in ("paper", "official"):
        raise ValueError(f"form must be 'paper' or 'official', got {form!r}")
    return select_per_part(np.asarray(statistic), parts_of_speech, quotas, higher_is_better=form == "paper")


def density_statistics(
    candidate_features: ArrayLike,
    ks: Sequence[int],
    *,
    form: str = "paper",
    backend: str = "auto",
    block_rows: int | None = None,
) -> dict[int, np.ndarray]:
    """The density statistic of :func:`density_selection` (Rep, or the official rep) for several k at once.

    One exact kNN search for the largest k serves every k: the neighbours come sorted, nearest first, so the
    k nearest are a prefix of the k_max nearest. Returns ``{k: (N,) statistic}`` in float64.
    """
    if form not in ("paper", "official"):
        raise ValueError(f"form must be 'paper' or 'official', got {form!r}")
    candidates = as_float_tensor("candidate_features", candidate_features)
    check_matrix("candidate_features", candidates, unit_norm=form == "paper")
    ks = [int(k) for k in ks] if not isinstance(ks, (int, np.integer)) else [int(ks)]
    if not ks:
        raise ValueError("ks is empty: give at least one number of neighbours k")
    for k in ks:
        check_int("k", k)
        if k >= candidates.shape[0]:
            raise ValueError(f"k={k} must be smaller than the number of candidates ({candidates.shape[0]})")
    if backend not in ("auto", "torch", "faiss"):
        raise ValueError(f"backend must be 'auto', 'torch' or 'faiss', got {backend!r}")
    if backend == "faiss" and not _faiss_available():
        raise ValueError("backend='faiss' needs the faiss-cpu package: pip install faiss-cpu")
    # faiss works in float32 on the CPU: "auto" leaves float64 (exact reference runs) and GPU tensors to torch.
    use_faiss = backend == "faiss" or (backend == "auto" and candidates.device.type == "cpu"
                                       and candidates.dtype == torch.float32 and _faiss_available())
    norms = torch.linalg.vector_norm(candidates, dim=1)
    unit = candidates / norms[:, None]
    k_max = max(ks)
    values = (_nearest_faiss(unit, norms, k_max, form) if use_faiss
              else _nearest_torch(unit, norms, k_max, form, block_rows))
    extra = 0 if form == "paper" else 1  # the official form counts i itself among its k + 1 nearest
    return {k: _density_statistic(values[:, : k + extra], norms, form) for k in ks}


def subset_density_statistics(
    candidate_features: ArrayLike,
    keeps: Sequence[np.ndarray],
    k: int,
    *,
    backend: str = "auto",
    block_rows: int = 4096,
) -> list[np.ndarray]:
    """The paper-form density statistic of each subset of the candidates, each ranked among ITS OWN rows, from
    ONE exact kNN search over all candidates.

    ``keeps`` are bool masks over the candidates (a corpus filter's keep-masks). With R the most candidates any
    mask drops, a search for the k + R nearest other candidates of every row serves them all exactly: at most R
    of a row's k + R nearest are dropped, so its k nearest KEPT neighbours are the first k kept ones in that list,
    the same k :func:`density_statistics` on ``candidate_features[keep]`` finds. Returns, per mask, the
    statistic of its kept rows in row order. Rows are searched ``block_rows`` at a time, so memory stays at one
    (block, k + R) result. Ties between equal similarities may order neighbours differently, as in any search.
    """
    candidates = as_float_tensor("candidate_features", candidate_features)
    check_matrix("candidate_features", candidates, unit_norm=True)
    check_int("k", k)
    check_int("block_rows", block_rows)
    num = candidates.shape[0]
    masks = [np.asarray(mask) for mask in keeps]
    if not masks:
        raise ValueError("keeps is empty: give at least one keep-mask")
    for mask in masks:
        if mask.dtype != bool or mask.shape != (num,):
            raise ValueError(f"each keep-mask must be a bool array with one entry per candidate ({num}), got dtype "
                             f"{mask.dtype} and shape {mask.shape}")
        if int(mask.sum()) <= k:
            raise ValueError(f"a keep-mask keeps {int(mask.sum())} candidates: k={k} needs more than k")
    if backend not in ("auto", "torch", "faiss"):
        raise ValueError(f"backend must be 'auto', 'torch' or 'faiss', got {backend!r}")
    width = min(num - 1, k + max(int((~mask).sum()) for mask in masks))
    unit = (candidates / torch.linalg.vector_norm(candidates, dim=1)[:, None]).float().cpu()
    use_faiss = backend == "faiss" or (backend == "auto" and _faiss_available())
    if use_faiss:
        import faiss

        index = faiss.IndexFlatIP(unit.shape[1])
        index.add(np.ascontiguousarray(unit.numpy()))
    per_mask: list[list[np.ndarray]] = [[] for _ in masks]
    for start in range(0, num, block_rows):
        rows = np.arange(start, min(start + block_rows, num))
        if use_faiss:
            values, ids = index.search(np.ascontiguousarray(unit[rows].numpy()), width + 1)
            # Drop self; where a duplicate outranked it and self is not among the width + 1, drop the last instead.
            is_self = ids == rows[:, None]
            is_self[~is_self.any(axis=1), -1] = True
            values, ids = values[~is_self].reshape(len(rows), width), ids[~is_self].reshape(len(rows), width)
        else:
            cos = unit[rows] @ unit.T
            cos[torch.arange(len(rows)), torch.from_numpy(rows)] = -math.inf
            top = torch.topk(cos, width, dim=1)
            values, ids = top.values.numpy(), top.indices.numpy()
        for out, mask in zip(per_mask, masks, strict=True):
            kept_rows = mask[rows]
            kept = mask[ids[kept_rows]]  # which of each kept row's neighbours survive the filter
            take = kept & (np.cumsum(kept, axis=1, dtype=np.int32) <= k)
            nearest = values[kept_rows][take].reshape(int(kept_rows.sum()), k)
            out.append(_density_statistic(torch.from_numpy(nearest), torch.empty(0), "paper"))
    return [np.concatenate(parts) for parts in per_mask]


def csp_adjective_phrases(adjectives: Sequence[str], seed: int = 0) -> list[str]:
    """CSP's conjugated phrases: each adjective followed by one superclass word drawn with ``seed``.

    The draw for an adjective is a hash of (seed, adjective), so an adjective gets the same phrase whatever
    else is in the list and in whatever order.
    """
    phrases = []
    for adjective in adjectives:
        digest = hashlib.sha256(f"{seed}\x1f{adjective}".encode()).digest()
        word = CSP_SUPERCLASS_WORDS[int.from_bytes(digest[:8], "big") % len(CSP_SUPERCLASS_WORDS)]
        phrases.append(f"{adjective} {word}")
    return phrases


def ensemble_text_features(
    encode_texts: Callable[[list[str]], torch.Tensor],
    labels: Sequence[str],
    templates: Sequence[str],
    *,
    normalize_each: bool = True,
    normalize_result: bool = True,
) -> torch.Tensor:
    """Prompt ensemble: embed every template filled with every label, average per label over the templates.

    ``normalize_each=True`` L2-normalises each prompt's embedding before averaging (CLIP's ImageNet notebook);
    ``False`` averages the raw embeddings (CSP's official code). ``normalize_result`` re-normalises the mean.
    A running sum keeps one template's embeddings in memory at a time (CSP's pool has ~57k labels x 8 prompts).
    ``encode_texts`` maps a list of strings to embeddings (any encoder of :mod:`debiasood.data.encoders`).
    """
    if not templates or not labels:
        raise ValueError("prompt ensembling needs at least one label and one template")
    total = None
    for template in templates:
        features = encode_texts([fill(template, label) for label in labels])
        if normalize_each:
            features = torch.nn.functional.normalize(features, dim=-1)
        # clone: encoders may return inference-mode tensors, which cannot be updated in place later.
        total = features.clone() if total is None else total.add_(features)
    mean = total / len(templates)
    return torch.nn.functional.normalize(mean, dim=-1) if normalize_result else mean


def csp_mining(
    candidate_features: ArrayLike,
    id_text_features: ArrayLike,
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    *,
    percentile: float = NEGLABEL_PERCENTILE,
    quotas: Mapping[str, float] | None = None,
    max_id_similarity: float = CSP_MAX_ID_SIMILARITY,
    quota_base: str = "all",
    block_rows: int | None = None,
) -> Selection:
    """CSP's selection (Chen et al., NeurIPS 2024): NegLabel's rule on the conjugated pool.

    ``candidate_features`` are the pool's embeddings (nouns and "adjective + superclass" phrases, built with
    :func:`csp_adjective_phrases` and usually :func:`ensemble_text_features`).

    ``quota_base="all"`` (default) is the official code (``neg_centroid`` in CSP's ``multi_modal.py``): a
    candidate whose largest cosine to any ID label exceeds ``max_id_similarity`` (0.95) gets the criterion 1.0,
    so it sorts after every other candidate, and each part keeps ``int(quota * n_part)`` of ALL its candidates
    (an excluded candidate is selected only if the quota reaches past every eligible one).
    ``quota_base="eligible"`` is a named deviation, not CSP's: the excluded candidates are dropped first and the
    quota counts only the eligible ones (``int(quota * n_eligible_part)``, fewer words per part).
    """
    if quota_base not in ("all", "eligible"):
        raise ValueError(f"quota_base must be 'all' (official) or 'eligible' (deviation), got {quota_base!r}")
    candidates = _check_candidates(candidate_features, words, parts_of_speech)
    id_text = _check_id_text(id_text_features, candidates)
    check_fraction("percentile", percentile)
    check_fraction("max_id_similarity", max_id_similarity)
    quotas = {NOUN: NEGLABEL_FRACTION, ADJECTIVE: NEGLABEL_FRACTION} if quotas is None else quotas
    check_quotas(quotas)
    quantile, largest = _percentile_criterion(candidates, id_text, percentile, block_rows)
    excluded = (largest > max_id_similarity).numpy()
    if quota_base == "eligible":
        return select_per_part(quantile.double().numpy(), parts_of_speech, quotas, higher_is_better=False,
                               eligible=~excluded)
    criterion = quantile.clone()
    criterion[torch.from_numpy(excluded)] = 1.0  # in the features' dtype, as the official code sets it
    return select_per_part(criterion.double().numpy(), parts_of_speech, quotas, higher_is_better=False)
