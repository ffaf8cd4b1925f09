"""The false-negative problem in negative-label mining, measured with WordNet (notebook 01).

ImageNet classes are WordNet 3.0 synsets and every corpus word keeps its synset, so
:func:`debiasood.corpus.audit_false_negatives` says exactly which corpus words name an ID class, a kind of
one (hyponym) or a close hypernym. This module turns that audit into the notebook's measurements:

- :func:`audit_selection`: how many of a heuristic's mined negatives are false negatives, per relation;
  :func:`random_selection` draws the seeded random baseline of the same size per part of speech;
- :func:`lexfile_filter`: what leaving lexicographer files out of the corpus (NegLabel and DNM drop
  noun.animal and noun.food) removes before any mining;
- :func:`oracle_negatives`: the same heuristic with the audited false negatives replaced, in place, by its
  next-ranked true negatives, and :func:`compare_negatives`: what that changes in the scores of ID and OOD
  images;
- :func:`text_lookalikes`: words that WordNet calls unrelated but that sit as close to an ID label in text
  space as a typical false negative does: what the WordNet count cannot see; :func:`depth_sweep`: how the
  count moves with the audit's "close hypernym" depth; :func:`name_matches`: words that spell an ID class's
  display name without a WordNet relation to it.

Figures (:func:`plot_false_negative_shares`, :func:`plot_lexfile_false_negatives`, :func:`plot_id_score_shift`)
return a :class:`matplotlib.figure.Figure` not registered with pyplot.

The mining here runs on the offline world's text side (MiniLM embeddings of the real WordNet words), so a
selection is what the rule does in MiniLM's text space, not in CLIP's; scores of images are simulated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from debiasood.core.checks import check_fraction, check_int
from debiasood.core.controls import counts_by_part as counts_by_part  # re-exported for the chapter
from debiasood.core.controls import random_negatives
from debiasood.core.evaluation import SCORES, ScoreSettings
from debiasood.core.metrics import average_metrics, ood_metrics
from debiasood.data.audit import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.data.corpora import LabelCorpus
from debiasood.data.label_sets import LabelSet

#: The relations that make a word a false negative, in the audit's order of precedence.
FALSE_NEGATIVE_RELATIONS = tuple(r for r in RELATIONS if r != "none")
_RELATION_COLORS = {"lemma": "#b2182b", "hyponym": "#ef8a62", "hypernym": "#fddbc7"}


def _check_indices(name: str, indices: np.ndarray | Sequence[int], size: int) -> np.ndarray:
    array = np.asarray(indices)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a non-empty 1-D array of integer indices, got shape {array.shape} "
                         f"and dtype {array.dtype}")
    if array.min() < 0 or array.max() >= size:
        raise ValueError(f"{name} holds indices outside [0, {size})")
    if len(np.unique(array)) != len(array):
        raise ValueError(f"{name} holds repeated indices")
    return array.astype(np.int64)


#: The random control of a selection (same size and part-of-speech split), from the core.
random_selection = random_negatives


@dataclass(frozen=True)
class SelectionAudit:
    """The WordNet audit of one heuristic's mined negatives: number of words per relation.

    ``draws`` > 1 for pooled audits of repeated draws (:func:`combine_audits`): counts add up over draws.
    """

    heuristic: str
    corpus: str
    counts: Mapping[str, int]  # relation -> words, "none" included
    draws: int = 1

    @property
    def size(self) -> int:
        return sum(self.counts.values())

    @property
    def false_negatives(self) -> int:
        return self.size - self.counts["none"]

    @property
    def share(self) -> float:
        """Share of false negatives among the mined words."""
        return self.false_negatives / self.size

    def relation_share(self, relation: str) -> float:
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {relation!r}")
        return self.counts[relation] / self.size


def audit_selection(audit: FalseNegativeAudit, indices: np.ndarray, heuristic: str) -> SelectionAudit:
    """Count the mined words (``indices`` into the audited corpus) per relation."""
    indices = _check_indices("indices", indices, len(audit))
    tally = np.bincount(audit.relations[indices], minlength=len(RELATIONS))
    return SelectionAudit(heuristic, audit.corpus_name, {name: int(tally[c]) for c, name in enumerate(RELATIONS)})


def audit_table(audits: Sequence[SelectionAudit], tau_neg: float) -> list[dict[str, object]]:
    """One row per heuristic: mined words, false negatives per relation (summed over draws), shares, ``tau_neg``."""
    check_fraction("tau_neg", tau_neg)
    return [{"heuristic": a.heuristic, "corpus": a.corpus, "draws": a.draws, "mined per draw": a.size // a.draws,
             **{r: a.counts[r] for r in FALSE_NEGATIVE_RELATIONS},
             "false negatives %": round(100 * a.share, 2), "true-negative share": round(1 - a.share, 4),
             "assumed tau_neg": tau_neg} for a in audits]


def examples(audit: FalseNegativeAudit, words: Sequence[str], indices: np.ndarray, id_names: Sequence[str],
             relation: str, n: int) -> list[str]:
    """The first ``n`` mined words (in the heuristic's order) with ``relation``, as 'word → ID class'."""
    indices = _check_indices("indices", indices, len(audit))
    check_int("n", n)
    if relation not in FALSE_NEGATIVE_RELATIONS:
        raise ValueError(f"relation must be one of {FALSE_NEGATIVE_RELATIONS}, got {relation!r}")
    hits = indices[audit.relations[indices] == RELATIONS.index(relation)][:n]
    return [f"{words[i]} → {id_names[audit.id_index[i]]}" for i in hits]


# ---------------------------------------------------------------- the corpus filter


@dataclass(frozen=True)
class LexfileFilter:
    """What leaving ``lexfiles`` out of a corpus removes, measured on the unfiltered corpus' audit.

    ``in_files``: words and false negatives of the unfiltered corpus that come from the left-out files.
    ``net_removed``: false negatives of the unfiltered corpus minus those of the filtered one (a word can
    come back from another file when its own file is left out, so this can be smaller than ``in_files``).
    """

    lexfiles: tuple[str, ...]
    total_words: int
    total_false_negatives: int
    words_in_files: int
    false_negatives_in_files: Mapping[str, int]  # relation -> words, "none" excluded
    filtered_words: int
    filtered_false_negatives: int

    @property
    def removed_in_files(self) -> int:
        return sum(self.false_negatives_in_files.values())

    @property
    def net_removed(self) -> int:
        return self.total_false_negatives - self.filtered_false_negatives

    @property
    def removed_share(self) -> float:
        """Share of all false negatives of the unfiltered corpus that the filter removes (net)."""
        return self.net_removed / self.total_false_negatives

    @property
    def word_share(self) -> float:
        """Share of all words that the filter removes."""
        return (self.total_words - self.filtered_words) / self.total_words


def lexfile_filter(corpus_lexfiles: Sequence[str], audit: FalseNegativeAudit, filtered: FalseNegativeAudit,
                   lexfiles: Sequence[str]) -> LexfileFilter:
    """Measure the filter ``lexfiles``: ``audit`` is of the unfiltered corpus, ``filtered`` of the filtered one."""
    files = np.asarray(corpus_lexfiles)
    if len(files) != len(audit):
        raise ValueError(f"corpus_lexfiles has {len(files)} entries but the audit covers {len(audit)} words")
    unknown = sorted(set(lexfiles) - set(files.tolist()))
    if unknown or not lexfiles:
        raise ValueError(f"lexfiles {unknown or list(lexfiles)} hold no word of the audited corpus")
    if audit.label_set != filtered.label_set or audit.max_hypernym_depth != filtered.max_hypernym_depth:
        raise ValueError("audit and filtered must use the same label set and max_hypernym_depth")
    inside = np.isin(files, list(lexfiles))
    tally = np.bincount(audit.relations[inside], minlength=len(RELATIONS))
    return LexfileFilter(tuple(lexfiles), len(audit), int(audit.false_negative_mask().sum()), int(inside.sum()),
                         {r: int(tally[RELATIONS.index(r)]) for r in FALSE_NEGATIVE_RELATIONS}, len(filtered),
                         int(filtered.false_negative_mask().sum()))


def false_negatives_by_lexfile(corpus_lexfiles: Sequence[str], audit: FalseNegativeAudit) -> dict[str, int]:
    """Number of false negatives per lexicographer file, largest first (files without any left out)."""
    files = np.asarray(corpus_lexfiles)
    if len(files) != len(audit):
        raise ValueError(f"corpus_lexfiles has {len(files)} entries but the audit covers {len(audit)} words")
    names, counts = np.unique(files[audit.false_negative_mask()], return_counts=True)
    order = np.lexsort((names, -counts))
    return {str(names[i]): int(counts[i]) for i in order}


# ---------------------------------------------------------------- the oracle and its scores


def ranking_from_criterion(criterion: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """Candidate indices best first by a mining rule's criterion (``Selection.criterion``); NaN (ineligible) dropped."""
    criterion = np.asarray(criterion, dtype=np.float64)
    if criterion.ndim != 1 or criterion.size == 0:
        raise ValueError(f"criterion must be a non-empty 1-D array, got shape {criterion.shape}")
    eligible = np.flatnonzero(~np.isnan(criterion))
    key = -criterion[eligible] if higher_is_better else criterion[eligible]
    return eligible[np.lexsort((eligible, key))]


def oracle_negatives(selected: np.ndarray, ranking: np.ndarray, false_negative: np.ndarray,
                     parts_of_speech: Sequence[str]) -> np.ndarray:
    """The heuristic with a WordNet oracle: each false negative replaced IN PLACE by the next true negative.

    ``selected`` are the mined indices (their positions define NegLabel's groups), ``ranking`` every
    candidate best first by the heuristic's own criterion, ``false_negative`` the audit's mask. A replacement
    has the false negative's part of speech and is the best-ranked candidate that is neither mined, a false
    negative, nor already used: what the rule would have kept had it seen the audit. Same size, same groups.
    """
    false_negative = np.asarray(false_negative, dtype=bool)
    pos = np.asarray(parts_of_speech)
    if len(pos) != len(false_negative):
        raise ValueError(f"parts_of_speech ({len(pos)}) and false_negative ({len(false_negative)}) must be aligned")
    selected = _check_indices("selected", selected, len(pos))
    ranking = _check_indices("ranking", ranking, len(pos))
    taken = np.zeros(len(pos), dtype=bool)
    taken[selected] = True
    spare = {part: iter(ranking[(pos[ranking] == part) & ~taken[ranking] & ~false_negative[ranking]])
             for part in np.unique(pos[selected])}
    out = selected.copy()
    for slot in np.flatnonzero(false_negative[selected]):
        part = pos[selected[slot]]
        replacement = next(spare[part], None)
        if replacement is None:
            raise ValueError(f"ranking has too few true negatives ({part}) left to replace every false negative")
        out[slot] = replacement
    return out


@dataclass(frozen=True)
class ScoreComparison:
    """One score on mined negatives vs their oracle: per-image scores and metrics (simulated world).

    ``id_scores[variant]`` and ``ood_scores[variant][set]`` for variant "mined" and "oracle";
    ``metrics[variant]`` maps each OOD set and "average" to FPR95/AUROC/AUPR (percent, paper convention);
    ``affected`` marks the ID images whose class is named by at least one mined false negative.
    """

    score: str
    negatives: str
    id_scores: Mapping[str, np.ndarray]
    ood_scores: Mapping[str, Mapping[str, np.ndarray]]
    metrics: Mapping[str, Mapping[str, Mapping[str, float]]]
    affected: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.score} score, {self.negatives} negatives"

    def shift(self, which: str = "all") -> float:
        """Mean ID-score change oracle minus mined over ``which`` ID images: "all", "affected" or "others"."""
        masks = {"all": np.ones_like(self.affected), "affected": self.affected, "others": ~self.affected}
        if which not in masks:
            raise ValueError(f"which must be one of {tuple(masks)}, got {which!r}")
        if not masks[which].any():
            raise ValueError(f"no ID image is in the group {which!r}")
        delta = self.id_scores["oracle"] - self.id_scores["mined"]
        return float(delta[masks[which]].mean())

    def change(self, metric: str, ood: str = "average") -> float:
        """``metric`` (e.g. "fpr95", "auroc") with the oracle's negatives minus with the mined ones."""
        return self.metrics["oracle"][ood][metric] - self.metrics["mined"][ood][metric]

    def rows(self) -> list[dict[str, object]]:
        """Table rows: one per (variant, OOD set), every row marked simulated."""
        return [{"world": "simulated", "score": self.score, "negatives": f"{self.negatives} ({variant})",
                 "ood": ood, "fpr95": round(m["fpr95"], 2), "auroc": round(m["auroc"], 2)}
                for variant, per_set in self.metrics.items() for ood, m in per_set.items()]


def affected_images(classes: np.ndarray, audit: FalseNegativeAudit, indices: np.ndarray) -> np.ndarray:
    """Per ID image: is its class the ID class of some mined false negative (the audit's ``id_index``)?"""
    indices = _check_indices("indices", indices, len(audit))
    named = audit.id_index[indices]
    return np.isin(np.asarray(classes), named[named >= 0])


def compare_negatives(id_images: np.ndarray, ood_images: Mapping[str, np.ndarray], id_text: np.ndarray,
                      negatives: Mapping[str, np.ndarray], *, score: str, negatives_name: str,
                      affected: np.ndarray, settings: ScoreSettings | None = None) -> ScoreComparison:
    """Score ID and OOD images with ``negatives["mined"]`` and ``negatives["oracle"]`` (same partition).

    Inputs are image and text embeddings of the same space (text padded with ``world.text``). ``score`` is a
    grouped score of :data:`debiasood.core.evaluation.SCORES` ("neglabel", "dnm", "dnm-official").
    """
    if score not in SCORES or score == "mcm":
        raise ValueError(f"score must be a grouped score of {[s for s in SCORES if s != 'mcm']}, got {score!r}")
    if set(negatives) != {"mined", "oracle"}:
        raise ValueError(f"negatives must have the keys 'mined' and 'oracle', got {sorted(negatives)}")
    if len(negatives["mined"]) != len(negatives["oracle"]):
        raise ValueError("the mined and oracle negatives must have the same size (one partition for both)")
    if not ood_images:
        raise ValueError("ood_images is empty: pass {ood_set_name: image_features}")
    affected = np.asarray(affected, dtype=bool)
    if affected.shape != (len(id_images),):
        raise ValueError(f"affected must have one entry per ID image ({len(id_images)}), got shape {affected.shape}")
    settings = ScoreSettings() if settings is None else settings
    function = SCORES[score]

    # One call per variant on every image at once: each image's score depends only on itself.
    names = list(ood_images)
    images = np.concatenate([np.asarray(id_images), *(np.asarray(ood_images[name]) for name in names)])
    bounds = np.cumsum([len(id_images), *(len(ood_images[name]) for name in names)])
    id_scores, ood_scores, metrics = {}, {}, {}
    for variant, neg in negatives.items():
        out = function(images, id_text, neg, settings)
        out = np.asarray(out.detach().cpu().numpy() if hasattr(out, "detach") else out, dtype=np.float64)
        id_scores[variant], *parts = np.split(out, bounds[:-1])
        ood_scores[variant] = dict(zip(names, parts, strict=True))
        per_set = {name: ood_metrics(id_scores[variant], ood_scores[variant][name]) for name in names}
        metrics[variant] = {**per_set, "average": average_metrics(per_set)}
    return ScoreComparison(score, negatives_name, id_scores, ood_scores, metrics, affected)


# ---------------------------------------------------------------- what WordNet cannot see


@dataclass(frozen=True)
class Lookalikes:
    """Words with no WordNet relation that are as close to an ID label as a typical false negative.

    ``max_similarity``: per corpus word, its largest cosine to an ID label, reached at ID label ``nearest``.
    ``threshold``: the ``quantile`` of that value over the audited false negatives. ``mask``: "none" words at
    or above the threshold.
    """

    max_similarity: np.ndarray
    nearest: np.ndarray
    threshold: float
    quantile: float
    mask: np.ndarray

    def share(self, indices: np.ndarray) -> float:
        indices = _check_indices("indices", indices, len(self.mask))
        return float(self.mask[indices].mean())

    def examples(self, words: Sequence[str], indices: np.ndarray, id_names: Sequence[str], n: int) -> list[str]:
        """The ``n`` selected look-alikes closest to an ID label, as 'word → nearest ID label (cosine)'."""
        indices = _check_indices("indices", indices, len(self.mask))
        check_int("n", n)
        hits = indices[self.mask[indices]]
        hits = hits[np.argsort(-self.max_similarity[hits], kind="stable")][:n]
        return [f"{words[i]} → {id_names[self.nearest[i]]} ({self.max_similarity[i]:.2f})" for i in hits]


def text_lookalikes(candidate_features: np.ndarray, id_features: np.ndarray, false_negative: np.ndarray,
                    quantile: float = 0.5) -> Lookalikes:
    """Mark the words WordNet calls unrelated whose max cosine to an ID label reaches the false negatives' ``quantile``.

    A text-space proxy (MiniLM here, not CLIP) for "ID-like without a WordNet relation"; it is not a ground
    truth: closeness in text space is neither necessary nor sufficient for looking like an ID class.
    """
    check_fraction("quantile", quantile)
    candidates = np.asarray(candidate_features, dtype=np.float32)
    ids = np.asarray(id_features, dtype=np.float32)
    if candidates.ndim != 2 or ids.ndim != 2 or candidates.shape[1] != ids.shape[1] or not len(ids):
        raise ValueError(f"candidate_features and id_features must be 2-D with equal widths, got shapes "
                         f"{candidates.shape} and {ids.shape}")
    false_negative = np.asarray(false_negative, dtype=bool)
    if false_negative.shape != (len(candidates),):
        raise ValueError(f"false_negative must have one entry per candidate ({len(candidates)}), "
                         f"got shape {false_negative.shape}")
    if not false_negative.any():
        raise ValueError("false_negative marks no word: there is no false-negative similarity to compare with")
    nearest = np.concatenate([(candidates[s:s + 4096] @ ids.T).argmax(axis=1)
                              for s in range(0, len(candidates), 4096)])
    best = np.einsum("ij,ij->i", candidates, ids[nearest])
    threshold = float(np.quantile(best[false_negative], quantile))
    return Lookalikes(best, nearest, threshold, quantile, (best >= threshold) & ~false_negative)


def name_matches(words: Sequence[str], audit: FalseNegativeAudit, id_names: Sequence[str]) -> np.ndarray:
    """Words the audit calls unrelated that spell an ID class's display name (e.g. CLIP's 'duck' for drake).

    The ID prompts use display names ("the nice duck"), which are not always WordNet lemmas of the class, so a
    corpus word can embed exactly like an ID prompt while WordNet sees no relation.
    """
    if len(words) != len(audit):
        raise ValueError(f"words has {len(words)} entries but the audit covers {len(audit)} words")
    if not len(id_names):
        raise ValueError("id_names is empty")
    names = {name.lower() for name in id_names}
    return np.array([w.lower() in names for w in words], dtype=bool) & ~audit.false_negative_mask()


# ---------------------------------------------------------------- figures


def plot_false_negative_shares(audits: Sequence[SelectionAudit], *, tau_neg: float | None = None) -> Figure:
    """Stacked bars: share of false negatives per heuristic, split by relation (left: percent of mined words)."""
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    axis = fig.subplots()
    names = [a.heuristic for a in audits]
    bottom = np.zeros(len(audits))
    for relation in FALSE_NEGATIVE_RELATIONS:
        values = np.array([100 * a.relation_share(relation) for a in audits])
        axis.bar(names, values, bottom=bottom, color=_RELATION_COLORS[relation], edgecolor="black", lw=0.5,
                 label=relation)
        bottom += values
    for x, total in enumerate(bottom):
        axis.text(x, total, f"{total:.2f}%", ha="center", va="bottom", fontsize=8)
    if tau_neg is not None:
        axis.set_title(f"WordNet false negatives among mined labels (MiniLM text space); official DNM assumes "
                       f"{100 * (1 - tau_neg):.0f}%", fontsize=9)
    axis.set_ylabel("false negatives, % of mined words")
    axis.set_ylim(0, 1.2 * bottom.max())
    axis.tick_params(axis="x", labelsize=8)
    axis.legend(title="relation to an ID class", fontsize=8)
    return fig


def plot_lexfile_false_negatives(by_lexfile: Mapping[str, int], left_out: Sequence[str], top: int = 12) -> Figure:
    """Horizontal bars of false negatives per lexicographer file (``top`` files), the left-out files highlighted."""
    check_int("top", top)
    items = list(by_lexfile.items())[:top]
    fig = Figure(figsize=(7, 0.3 * len(items) + 1.2), layout="constrained")
    axis = fig.subplots()
    names = [name for name, _ in items][::-1]
    counts = [count for _, count in items][::-1]
    colors = ["#b2182b" if name in left_out else "#999999" for name in names]
    axis.barh(names, counts, color=colors)
    axis.set_xlabel("false negatives of ImageNet-1K in the file (full WordNet corpus)")
    axis.set_title(f"red: left out by NegLabel and DNM ({', '.join(left_out)})", fontsize=9)
    return fig


def plot_id_score_shift(comparisons: Sequence[ScoreComparison], *, bins: int = 35, floor: float = 1e-7) -> Figure:
    """Per comparison: log10(1 - score) of the affected classes' ID images, mined vs oracle, and of OOD images.

    1 - score is the share of the groups' partition functions held by the negatives: lower = more
    ID-confident. Scores within ``floor`` of 1 (float32 saturation, or a clamped DNM) are drawn in the first
    bin. The dashed line is the FPR95 threshold of the mined run (the 5th percentile of all ID scores).
    """
    check_int("bins", bins)
    check_fraction("floor", floor)
    fig = Figure(figsize=(4 * len(comparisons), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(comparisons)))
    gap = lambda scores: np.log10(np.clip(1 - scores, floor, None))  # noqa: E731
    edges = np.linspace(np.log10(floor), 0, bins + 1)
    styles = [{"color": "#bbbbbb"}, {"histtype": "step", "lw": 1.5, "color": "#b2182b"},
              {"histtype": "step", "lw": 1.5, "color": "#2166ac", "ls": "--"}]
    for axis, comp in zip(axes, comparisons, strict=True):
        curves = {"OOD, mined": gap(np.concatenate(list(comp.ood_scores["mined"].values()))),
                  "ID of affected classes, mined": gap(comp.id_scores["mined"][comp.affected]),
                  "ID of affected classes, oracle": gap(comp.id_scores["oracle"][comp.affected])}
        for (label, values), style in zip(curves.items(), styles, strict=True):
            axis.hist(values, edges, density=True, label=label, **style)
        threshold = gap(np.quantile(comp.id_scores["mined"], 0.05))
        axis.axvline(threshold, color="black", ls=":", lw=1, label="FPR95 threshold (mined)")
        axis.set_xlabel(f"log10(1 - {comp.score} score); first bin: <= {floor:g}")
        axis.set_title(f"{comp.label} (simulated)", fontsize=9)
        axis.legend(fontsize=7, loc="upper center")
    axes[0].set_ylabel("density")
    return fig


def depth_sweep(selections: Mapping[str, tuple[LabelCorpus, np.ndarray]], label_set: LabelSet,
                depths: Sequence[int]) -> dict[str, list[float]]:
    """Share of false negatives (percent) of each selection for every ``max_hypernym_depth`` in ``depths``.

    ``selections`` maps a heuristic to (audited corpus, mined indices); corpora shared by several heuristics
    are audited once per depth. Depth 0 counts lemmas and hyponyms only.
    """
    if not depths or not selections:
        raise ValueError("depth_sweep needs at least one depth and one selection")
    for depth in depths:
        check_int("depths[...]", depth, minimum=0)
    shares: dict[str, list[float]] = {name: [] for name in selections}
    for depth in depths:
        audits: dict[str, FalseNegativeAudit] = {}
        for name, (corpus, indices) in selections.items():
            if corpus.fingerprint not in audits:
                audits[corpus.fingerprint] = audit_false_negatives(corpus, label_set, max_hypernym_depth=depth)
            shares[name].append(100 * audit_selection(audits[corpus.fingerprint], indices, name).share)
    return shares


def combine_audits(audits: Sequence[SelectionAudit], heuristic: str) -> SelectionAudit:
    """Pool several audits of one corpus (e.g. repeated random draws): counts add up, shares average."""
    if not audits:
        raise ValueError("combine_audits needs at least one audit")
    corpora = {a.corpus for a in audits}
    if len(corpora) != 1:
        raise ValueError(f"audits of different corpora cannot be pooled: {sorted(corpora)}")
    return SelectionAudit(heuristic, audits[0].corpus, {r: sum(a.counts[r] for a in audits) for r in RELATIONS},
                          sum(a.draws for a in audits))
