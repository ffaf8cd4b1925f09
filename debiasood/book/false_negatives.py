"""The false-negative problem in negative-label mining, measured with WordNet (notebook 01).

ImageNet classes are WordNet 3.0 synsets and every corpus word keeps its synset, so
:func:`debiasood.data.audit.audit_false_negatives` says exactly which corpus words name an ID class, a kind of
one (hyponym) or a close hypernym (the book's method reference, ``method-false-negatives``). This module turns
that audit into the chapter's measurements, for the REAL selections that CLIP ViT-B/16 mined
(:mod:`debiasood.book.real_evidence`) and for the same rules run on any feature bundle (the chapter's
``FEATURES``: the offline world by default, or real features):

- :func:`audit_selection` / :class:`SelectionAudit`: false negatives of one selection, per relation;
  :func:`random_control`: the exact distribution of that count under a uniform draw of the same size and
  part-of-speech split (a sum of hypergeometric variables), the control every "fewer / more than chance"
  claim is checked against; :func:`audit_rule` / :class:`RuleAudit` put the two together, with seeded random
  draws beside the exact range; :func:`real_rule_audit` does it for a real selection;
- :func:`lexfile_filter`: what leaving lexicographer files out of the corpus (NegLabel and DNM drop
  noun.animal and noun.food) removes before any mining;
- :func:`oracle_negatives`: a rule with the audited false negatives replaced, in place, by its next-ranked
  true negatives, and :func:`compare_negatives`: the same images scored with both through the one evaluation
  layer (:func:`debiasood.core.evaluation.evaluate`), with paired bootstrap intervals of oracle - mined;
- :func:`true_negative_rows`: the audited share of true negatives (1 - false-negative share, an upper bound on
  DNM's τ) against the official per-setting τ; :func:`depth_sweep`: how the count moves with the audit's
  "close hypernym" depth; :func:`text_lookalikes`: words WordNet calls unrelated that sit as close to an ID
  label in the features' text space as a typical false negative; :func:`name_matches`: words that spell an ID
  class's display name without a WordNet relation to it.

Every row and figure names where its numbers come from: ``REAL`` for what CLIP mined, the bundle's provenance
label (:attr:`debiasood.data.bundle.FeatureBundle.label`) for the features. Figures are
:class:`matplotlib.figure.Figure` objects not registered with pyplot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import hypergeom

from debiasood.book.real_evidence import REAL
from debiasood.book.verdicts import verdict
from debiasood.core.checks import check_fraction, check_int
from debiasood.core.controls import counts_by_part, random_negatives
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.tau import tau_from_false_negatives
from debiasood.data.audit import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.data.bundle import FeatureBundle
from debiasood.data.corpora import NOUN, LabelCorpus
from debiasood.data.label_sets import LabelSet
from debiasood.data.real_audit import PARTS, RealAudit

#: The relations that make a word a false negative, in the audit's order of precedence.
FALSE_NEGATIVE_RELATIONS = tuple(r for r in RELATIONS if r != "none")
#: Names of the grouped scores in tables.
SCORE_TITLES = {"neglabel": "NegLabel's score", "dnm": "DNM (clamped)", "dnm-official": "DNM (official arithmetic)"}
#: Scores the evaluation layer returns on the log-odds scale (:data:`debiasood.core.evaluation.SCORES`).
LOG_ODDS_SCORES = ("neglabel", "dnm")
PLANT_FILE = "noun.plant"
#: Short names of the real selections (keys of :data:`debiasood.data.real_negatives.REAL_SELECTIONS`).
REAL_NAMES = {"neglabel": "NegLabel", "csp": "CSP", "negrefine": "NegRefine"}
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


# ---------------------------------------------------------------- the features the chapter runs on


def label_set_of(bundle: FeatureBundle) -> LabelSet:
    """The bundle's ID classes as a :class:`LabelSet` for the audit (ValueError when they carry no wnids)."""
    text = bundle.text
    if text.id_wnids is None:
        raise ValueError(f"{bundle.label}: the ID classes carry no WordNet ids (text.id_wnids), which the "
                         "false-negative audit needs")
    return LabelSet(bundle.id_set, tuple(text.id_names), tuple(text.id_wnids), bundle.label)


def features_note(bundle: FeatureBundle) -> str:
    """A MyST note saying what the chapter's features are, from the bundle's provenance (never hard-coded)."""
    p, text = bundle.provenance, bundle.text
    sizes = ", ".join(f"{name} {len(images):,}" for name, images in bundle.images.items())
    synsets = "with their WordNet synsets" if all(text.corpus.synsets) else "without WordNet synsets"
    corpus = f"the corpus {text.corpus.name} ({len(text.corpus):,} words {synsets})"
    if p.world == "simulated":
        body = (f"**These features are {bundle.label}.** The words, their synsets and every audit are real "
                f"WordNet 3.0. The text features are {p.model} embeddings of {corpus}, not CLIP's, so a selection "
                "is what the rule does in that text space. The images are synthetic embeddings drawn by "
                "`debiasood.world.simulated` (" + sizes + "), never CLIP images: no number computed from them is "
                "a CLIP number.")
    else:
        body = (f"**These features are {bundle.label}**: text and image features from the image encoder "
                f"{p.model} ({p.pretrained}) of the bundle written by `{p.command}`; images: {sizes}; "
                f"{corpus}.")
        if p.pretrained == "random weights":
            body += " Random weights: the numbers test the pipeline and say nothing about any trained model."
    return f"```{{note}}\n{body}\n```"


def world_gap_note(bundle: FeatureBundle) -> str | None:
    """For the offline world's features: a note on where its text side differs from real CLIP's choices
    (None for any other features, whose comparison table speaks for itself)."""
    if bundle.provenance.world != "simulated":
        return None
    return ("```{note}\n**Where the offline world differs from CLIP.** Its text side is "
            f"{bundle.provenance.model}'s embeddings of the words, so the rules pick by meaning: they avoid the "
            "words closest in meaning to the ID classes, which removes most false negatives, and they keep abstract "
            "words where CLIP keeps rare plant, place and object names (the plant columns above). The world "
            "therefore understates the false-negative problem by the ratio in the table: its findings about false "
            "negatives below describe a world with fewer of them than real CLIP mines.\n```")


def world_scores_note(bundle: FeatureBundle) -> str | None:
    """For the offline world's features: a note that its image scores are not CLIP's (None otherwise)."""
    if bundle.provenance.world != "simulated":
        return None
    return ("```{note}\nThese scores come from the synthetic images of the offline world "
            f"({bundle.label}), not from CLIP images: whether real CLIP images lose as little to false negatives, "
            "this page cannot say.\n```")


# ---------------------------------------------------------------- selections, their audit and their control


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


def combine_audits(audits: Sequence[SelectionAudit], heuristic: str) -> SelectionAudit:
    """Pool several audits of one corpus (e.g. repeated random draws): counts add up, shares average."""
    if not audits:
        raise ValueError("combine_audits needs at least one audit")
    corpora = {a.corpus for a in audits}
    if len(corpora) != 1:
        raise ValueError(f"audits of different corpora cannot be pooled: {sorted(corpora)}")
    return SelectionAudit(heuristic, audits[0].corpus, {r: sum(a.counts[r] for a in audits) for r in RELATIONS},
                          sum(a.draws for a in audits))


@dataclass(frozen=True)
class RandomControl:
    """The false-negative count of a uniform random draw with a selection's size and part-of-speech split.

    Drawing ``draws[part]`` of the ``population[part] = (N, K)`` words of each part (K of them false negatives)
    without replacement makes the count a sum of independent hypergeometric variables; ``pmf[c]`` is the
    exact probability of c false negatives. ``low`` / ``high`` bound the central ``level`` range of the count.
    """

    population: Mapping[str, tuple[int, int]]
    draws: Mapping[str, int]
    pmf: np.ndarray
    level: float

    @property
    def size(self) -> int:
        return sum(self.draws.values())

    @property
    def mean_share(self) -> float:
        """Expected false-negative share: the corpus base rate of each part, weighted by the draw's split."""
        return sum(n * self.population[p][1] / self.population[p][0] for p, n in self.draws.items()) / self.size

    def _quantile(self, q: float) -> int:
        # The smallest count whose cumulative probability reaches q (a small tolerance absorbs float sums).
        return int(np.searchsorted(np.cumsum(self.pmf), q - 1e-12))

    @property
    def low(self) -> int:
        return self._quantile((1 - self.level) / 2)

    @property
    def high(self) -> int:
        return self._quantile((1 + self.level) / 2)

    def verdict(self, false_negatives: int) -> str:
        """'fewer than random', 'as random' or 'more than random': is the count outside the central range?"""
        check_int("false_negatives", false_negatives, minimum=0)
        if false_negatives < self.low:
            return "fewer than random"
        return "more than random" if false_negatives > self.high else "as random"


def population_by_part(parts_of_speech: Sequence[str], false_negative: np.ndarray) -> dict[str, tuple[int, int]]:
    """Per part of speech: (words, false negatives) of a corpus, the population of :func:`random_control`."""
    parts = np.asarray(parts_of_speech)
    false_negative = np.asarray(false_negative, dtype=bool)
    if false_negative.shape != parts.shape:
        raise ValueError(f"false_negative ({false_negative.shape}) and parts_of_speech ({parts.shape}) must be "
                         "aligned")
    return {str(p): (int((parts == p).sum()), int((false_negative & (parts == p)).sum()))
            for p in dict.fromkeys(parts.tolist())}


def random_control(population: Mapping[str, tuple[int, int]], draws: Mapping[str, int],
                   level: float = 0.95) -> RandomControl:
    """The exact distribution of the false negatives in a uniform draw of ``draws[part]`` words per part.

    ``population[part] = (N, K)``: the corpus' words and false negatives of that part. Per part the count is
    hypergeometric (K successes among N, n drawn without replacement); the parts are drawn independently, so
    the total's distribution is the convolution of the parts' (computed on each part's support only).
    """
    check_fraction("level", level, high_closed=False)
    if not draws or sum(draws.values()) == 0:
        raise ValueError(f"draws must name at least one word to draw per part of speech, got {dict(draws)}")
    pmf = np.ones(1)
    for part, n in draws.items():
        if part not in population:
            raise ValueError(f"draws names part {part!r}, which population lacks (it has {sorted(population)})")
        size, positives = population[part]
        check_int(f"draws[{part!r}]", n, minimum=0)
        if not 0 <= positives <= size or n > size:
            raise ValueError(f"population[{part!r}] = {(size, positives)} cannot yield a draw of {n}")
        support = np.arange(min(n, positives) + 1)
        pmf = np.convolve(pmf, hypergeom.pmf(support, size, positives, n))
    return RandomControl(dict(population), dict(draws), pmf, level)


@dataclass(frozen=True)
class RuleAudit:
    """One selection's audit beside its controls: the corpus base rate and a random draw of its size and split.

    ``source``: "REAL (CLIP ViT-B/16)" or the features' label. ``control``: the exact random distribution;
    ``random``: seeded random draws of the same size and split, pooled (None for a real selection, whose
    corpus words but not features are known). ``base_rate``: false-negative share of the whole corpus the rule
    mined from. ``plant_share`` / ``corpus_plant_share``: share of noun.plant among the selection's nouns and
    among the corpus' nouns.
    """

    source: str
    audit: SelectionAudit
    base_rate: float
    control: RandomControl
    plant_share: float
    corpus_plant_share: float
    random: SelectionAudit | None = None

    @property
    def verdict(self) -> str:
        return self.control.verdict(self.audit.false_negatives)


def noun_share(lexfiles: Sequence[str], parts_of_speech: Sequence[str], indices: np.ndarray,
               lexfile: str = PLANT_FILE) -> float:
    """Share of ``lexfile`` among the nouns at ``indices`` (0 when there are none)."""
    files, parts = np.asarray(lexfiles), np.asarray(parts_of_speech)
    nouns = np.asarray(indices)[parts[np.asarray(indices)] == NOUN]
    return float((files[nouns] == lexfile).mean()) if nouns.size else 0.0


def audit_rule(audit: FalseNegativeAudit, corpus: LabelCorpus, indices: np.ndarray, heuristic: str, *,
               source: str, seeds: Sequence[int], level: float = 0.95) -> RuleAudit:
    """Audit a rule's selection (``indices`` into the audited ``corpus``) with its controls (:class:`RuleAudit`).

    The random draws (one per seed, :func:`debiasood.core.controls.random_negatives`) keep the selection's
    number of words per part of speech.
    """
    if len(audit) != len(corpus):
        raise ValueError(f"the audit covers {len(audit)} words but the corpus {corpus.name!r} has {len(corpus)}")
    if not seeds:
        raise ValueError("seeds is empty: give the seeds of the random draws, e.g. range(20)")
    indices = _check_indices("indices", indices, len(corpus))
    counts = counts_by_part(corpus.parts_of_speech, indices)
    false_negative = audit.false_negative_mask()
    draws = [audit_selection(audit, random_negatives(corpus.parts_of_speech, counts, seed), "random")
             for seed in seeds]
    return RuleAudit(source, audit_selection(audit, indices, heuristic), float(false_negative.mean()),
                     random_control(population_by_part(corpus.parts_of_speech, false_negative), counts, level),
                     noun_share(corpus.lexfiles, corpus.parts_of_speech, indices),
                     noun_share(corpus.lexfiles, corpus.parts_of_speech, np.arange(len(corpus))),
                     combine_audits(draws, f"random ({heuristic}'s size and split)"))


def real_rule_audit(real: RealAudit, level: float = 0.95) -> RuleAudit:
    """A real selection's :class:`RuleAudit`, from its WordNet audit (matched words) and its corpus' counts."""
    counts = {r: sum(real.counts[p][r] for p in PARTS) for r in RELATIONS}
    population = {p: (sum(real.corpus_counts[p].values()),
                      sum(real.corpus_counts[p].values()) - real.corpus_counts[p]["none"]) for p in PARTS}
    draws = {p: real.matched(p) for p in PARTS}
    plant = real.lexfile_shares(NOUN).get(PLANT_FILE, (0.0, 0.0))
    return RuleAudit(REAL, SelectionAudit(REAL_NAMES[real.selection], real.corpus, counts), real.base_rate(),
                     random_control(population, draws, level), plant[0], plant[1])


def rule_rows(audits: Sequence[RuleAudit]) -> list[dict[str, object]]:
    """One row per rule: relations, false-negative share, corpus base rate, the random control and its verdict."""
    rows = []
    for a in audits:
        c = a.control
        rows.append({
            "data": a.source, "selection": a.audit.heuristic, "corpus": a.audit.corpus, "words": a.audit.size,
            **{r: a.audit.counts[r] for r in FALSE_NEGATIVE_RELATIONS},
            "false negatives %": 100 * a.audit.share, "corpus base rate %": 100 * a.base_rate,
            "random, same size and split %": 100 * c.mean_share,
            f"random {100 * c.level:.0f}% range %": f"{100 * c.low / c.size:.2f} to {100 * c.high / c.size:.2f}",
            "vs random": a.verdict,
        })
    return rows


def random_draw_rows(audits: Sequence[RuleAudit]) -> list[dict[str, object]]:
    """The seeded random draws behind the exact control: pooled share against the exact expectation."""
    rows = []
    for a in audits:
        if a.random is None:
            raise ValueError(f"{a.audit.heuristic} ({a.source}) has no seeded random draws")
        rows.append({"data": a.source, "selection": a.audit.heuristic, "draws": a.random.draws,
                     "words per draw": a.random.size // a.random.draws,
                     "false negatives, all draws": a.random.false_negatives,
                     "false negatives % (draws)": 100 * a.random.share,
                     "false negatives % (exact expectation)": 100 * a.control.mean_share})
    return rows


def comparison_rows(real: Mapping[str, RuleAudit], features: Mapping[str, RuleAudit]) -> list[dict[str, object]]:
    """Real CLIP's selections beside the same rules on the features, for each rule both have."""
    shared = [name for name in real if name in features]
    if not shared:
        raise ValueError(f"no rule in common: real {sorted(real)}, features {sorted(features)}")
    rows = []
    for name in shared:
        for a in (real[name], features[name]):
            rows.append({"rule": name, "data": a.source, "corpus": a.audit.corpus, "words": a.audit.size,
                         "false negatives %": 100 * a.audit.share, "corpus base rate %": 100 * a.base_rate,
                         "share / random expectation": a.audit.share / a.control.mean_share,
                         "noun.plant % of the nouns": 100 * a.plant_share,
                         "noun.plant % of the corpus' nouns": 100 * a.corpus_plant_share})
    return rows


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


def affected_images(classes: np.ndarray, audit: FalseNegativeAudit, indices: np.ndarray) -> np.ndarray:
    """Per ID image: is its class the ID class of some mined false negative (the audit's ``id_index``)?"""
    indices = _check_indices("indices", indices, len(audit))
    named = audit.id_index[indices]
    return np.isin(np.asarray(classes), named[named >= 0])


@dataclass(frozen=True)
class OracleComparison:
    """One score on a rule's mined negatives and on their oracle: methods "mined" and "oracle" of ``evaluation``
    (the same images and the same seeded partition of the negatives' positions).

    ``affected`` marks the ID images whose class is named by at least one mined false negative (None when the
    ID images carry no class labels).
    """

    score: str
    negatives: str
    evaluation: Evaluation
    affected: np.ndarray | None = None

    @property
    def label(self) -> str:
        return f"{SCORE_TITLES.get(self.score, self.score)}, {self.negatives} negatives"

    def _probability(self, scores: np.ndarray) -> np.ndarray:
        # The evaluation ranks NegLabel's and DNM's clamped scores on the log-odds scale (exact metrics); shifts
        # and histograms read the score itself, its sigmoid (in float64).
        scores = np.asarray(scores, dtype=np.float64)
        return 1 / (1 + np.exp(-scores)) if self.score in LOG_ODDS_SCORES else scores

    def id_scores(self, variant: str) -> np.ndarray:
        """Every ID image's score (on the score's own scale, in (0, 1] for the grouped scores)."""
        return self._probability(self.evaluation.scores[variant][self.evaluation.id_set])

    def ood_scores(self, variant: str) -> np.ndarray:
        """Every OOD image's score, the OOD sets concatenated."""
        return self._probability(np.concatenate([self.evaluation.scores[variant][s]
                                                 for s in self.evaluation.ood_sets]))

    def shift(self, which: str = "all") -> float:
        """Mean ID-score change oracle minus mined over ``which`` ID images: "all", "affected" or "others"."""
        if which not in ("all", "affected", "others"):
            raise ValueError(f"which must be one of ('all', 'affected', 'others'), got {which!r}")
        delta = self.id_scores("oracle") - self.id_scores("mined")
        if which == "all":
            return float(delta.mean())
        if self.affected is None:
            raise ValueError("the ID images carry no class labels, so no image is known to be affected")
        mask = self.affected if which == "affected" else ~self.affected
        if not mask.any():
            raise ValueError(f"no ID image is in the group {which!r}")
        return float(delta[mask].mean())

    def change(self, metric: str, ood: str = "average") -> float:
        """``metric`` (e.g. "fpr95", "auroc") with the oracle's negatives minus with the mined ones."""
        return self.evaluation.metrics("oracle")[ood][metric] - self.evaluation.metrics("mined")[ood][metric]

    def rows(self) -> list[dict[str, object]]:
        """Table rows: one per (variant, OOD set and the average), each naming the features."""
        return [{"world": self.evaluation.label, "score": SCORE_TITLES.get(self.score, self.score),
                 "negatives": f"{self.negatives} ({variant})", "ood": ood, "fpr95": m["fpr95"], "auroc": m["auroc"]}
                for variant in ("mined", "oracle") for ood, m in self.evaluation.metrics(variant).items()]

    def claims(self, *, num_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> list[dict[str, object]]:
        """Oracle - mined on the average over the OOD sets, with its paired bootstrap interval, per metric."""
        rows = []
        for row in self.evaluation.paired("oracle", "mined", num_resamples=num_resamples, seed=seed, level=level):
            if row["ood"] != "average":
                continue
            said = verdict(str(row["metric"]), float(row["low"]), float(row["high"]))
            rows.append({"world": self.evaluation.label, "comparison": self.label, "metric": row["metric"],
                         "mined": row["value_b"], "oracle": row["value_a"], "oracle - mined": row["difference"],
                         "low": row["low"], "high": row["high"],
                         "verdict": said.replace("A better", "oracle better").replace("B better", "mined better")})
        return rows


def compare_negatives(images: Mapping[str, np.ndarray], id_set: str, id_text: np.ndarray,
                      negatives: Mapping[str, np.ndarray], *, score: str, negatives_name: str,
                      settings: Settings | None = None, label: str = "",
                      affected: np.ndarray | None = None) -> OracleComparison:
    """Score the named image sets with ``negatives["mined"]`` and ``negatives["oracle"]`` through
    :func:`debiasood.core.evaluation.evaluate` (one seeded partition of positions for both: same size, same
    groups). ``score`` is a grouped score of :data:`SCORE_TITLES`; ``label`` names the features."""
    if score not in SCORE_TITLES:
        raise ValueError(f"score must be a grouped score of {list(SCORE_TITLES)}, got {score!r}")
    if set(negatives) != {"mined", "oracle"}:
        raise ValueError(f"negatives must have the keys 'mined' and 'oracle', got {sorted(negatives)}")
    if len(negatives["mined"]) != len(negatives["oracle"]):
        raise ValueError("the mined and oracle negatives must have the same size (one partition for both)")
    if id_set not in images or len(images) < 2:
        raise ValueError(f"images must hold the ID set {id_set!r} and at least one OOD set, got {list(images)}")
    if affected is not None:
        affected = np.asarray(affected, dtype=bool)
        if affected.shape != (len(images[id_set]),):
            raise ValueError(f"affected must have one entry per ID image ({len(images[id_set])}), got shape "
                             f"{affected.shape}")
    methods = {variant: MethodInput(score, id_text, negatives[variant]) for variant in ("mined", "oracle")}
    result = evaluate(images, id_set, methods, settings=settings, label=label)
    return OracleComparison(score, negatives_name, result, affected)


# ---------------------------------------------------------------- the share of true negatives and what WordNet misses


def true_negative_rows(audits: Sequence[RuleAudit], tau: float, *, num_bootstrap: int = 1000,
                       seed: int = 0) -> list[dict[str, object]]:
    """Per selection: τ* = 1 - its false-negative share with a bootstrap interval
    (:func:`debiasood.core.tau.tau_from_false_negatives`), the official τ, and the bias factor (τ - τ*) / τ."""
    check_fraction("tau", tau)
    rows = []
    for a in audits:
        marks = np.arange(a.audit.size) < a.audit.false_negatives  # the estimate reads only the count
        estimate = tau_from_false_negatives(marks, num_bootstrap=num_bootstrap, seed=seed)
        rows.append({"data": a.source, "selection": a.audit.heuristic, "tau* (WordNet)": estimate.tau,
                     "tau* low": estimate.low, "tau* high": estimate.high, "official tau": tau,
                     "bias factor (tau - tau*) / tau": (tau - estimate.tau) / tau})
    return rows


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

    A text-space proxy for "ID-like without a WordNet relation", in whatever text space the features come from;
    it is not a ground truth: closeness in text space is neither necessary nor sufficient for looking like an
    ID class.
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


# ---------------------------------------------------------------- figures


def plot_false_negative_shares(audits: Sequence[RuleAudit], *, tau: float | None = None) -> Figure:
    """Stacked bars: false negatives per selection by relation (percent of its words), each with its random
    control's expectation and central range (black). Bars are marked REAL or by their features, whose label
    the title names."""
    if not audits:
        raise ValueError("audits is empty")
    fig = Figure(figsize=(max(6.0, 1.2 * len(audits) + 1.5), 4.2), layout="constrained")
    axis = fig.subplots()
    names = [f"{a.audit.heuristic}\n({'REAL' if a.source == REAL else 'features'})" for a in audits]
    bottom = np.zeros(len(audits))
    for relation in FALSE_NEGATIVE_RELATIONS:
        values = np.array([100 * a.audit.relation_share(relation) for a in audits])
        axis.bar(names, values, bottom=bottom, color=_RELATION_COLORS[relation], edgecolor="black", lw=0.5,
                 label=relation)
        bottom += values
    mean = np.array([100 * a.control.mean_share for a in audits])
    low = np.array([100 * a.control.low / a.control.size for a in audits])
    high = np.array([100 * a.control.high / a.control.size for a in audits])
    axis.errorbar(names, mean, yerr=[mean - low, high - mean], fmt="_", color="black", ms=18, capsize=4,
                  label=f"random, same size and split ({100 * audits[0].control.level:.0f}% range)")
    for x, (total, top) in enumerate(zip(bottom, np.maximum(bottom, high), strict=True)):
        axis.text(x, top, f"{total:.2f}%", ha="center", va="bottom", fontsize=8)
    sources = list(dict.fromkeys(a.source for a in audits))
    for x in range(1, len(audits)):  # a dashed line between the real bars and the features' bars
        if audits[x].source != audits[x - 1].source:
            axis.axvline(x - 0.5, color="gray", ls="--", lw=1)
    title = "WordNet false negatives among mined labels"
    if tau is not None:
        title += f"; the official tau = {tau:g} assumes {100 * (1 - tau):.0f}%"
    features = [s for s in sources if s != REAL]
    if features:
        title += f"\nfeatures: {'; '.join(features)}"
    axis.set_title(title, fontsize=9)
    axis.set_ylabel("false negatives, % of mined words")
    axis.set_ylim(0, 1.3 * max(bottom.max(), high.max()))
    axis.tick_params(axis="x", labelsize=8)
    axis.legend(title="relation to an ID class", fontsize=7, title_fontsize=8, loc="upper left")
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


def plot_id_score_shift(comparisons: Sequence[OracleComparison], *, bins: int = 35, floor: float = 1e-7) -> Figure:
    """Per comparison: log10(1 - score) of the affected classes' ID images, mined vs oracle, and of OOD images.

    1 - score is the share of the groups' partition functions held by the negatives: lower = more
    ID-confident. Scores within ``floor`` of 1 (float32 saturation, or a clamped DNM) are drawn in the first
    bin. The dotted line is the FPR95 threshold of the mined run (the 5th percentile of all ID scores). The
    figure's title names the features.
    """
    check_int("bins", bins)
    check_fraction("floor", floor)
    if not comparisons:
        raise ValueError("comparisons is empty")
    if any(c.affected is None or not c.affected.any() for c in comparisons):
        raise ValueError("every comparison needs at least one affected ID image (ID images with class labels)")
    fig = Figure(figsize=(4 * len(comparisons), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(comparisons)))
    gap = lambda scores: np.log10(np.clip(1 - scores, floor, None))  # noqa: E731
    edges = np.linspace(np.log10(floor), 0, bins + 1)
    styles = [{"color": "#bbbbbb"}, {"histtype": "step", "lw": 1.5, "color": "#b2182b"},
              {"histtype": "step", "lw": 1.5, "color": "#2166ac", "ls": "--"}]
    for axis, comp in zip(axes, comparisons, strict=True):
        curves = {"OOD, mined": gap(comp.ood_scores("mined")),
                  "ID of affected classes, mined": gap(comp.id_scores("mined")[comp.affected]),
                  "ID of affected classes, oracle": gap(comp.id_scores("oracle")[comp.affected])}
        for (label, values), style in zip(curves.items(), styles, strict=True):
            axis.hist(values, edges, density=True, label=label, **style)
        threshold = gap(np.quantile(comp.id_scores("mined"), 0.05))
        axis.axvline(threshold, color="black", ls=":", lw=1, label="FPR95 threshold (mined)")
        axis.set_xlabel(f"log10(1 - score); first bin: <= {floor:g}")
        axis.set_title(comp.label, fontsize=9)
        axis.legend(fontsize=7, loc="upper center")
    axes[0].set_ylabel("density")
    fig.suptitle(comparisons[0].evaluation.label, fontsize=10)
    return fig
