"""Text-side fidelity: how well a text encoder's negative mining agrees with what real CLIP mined.

A "text side" is what the mining rules see: corpus words with their parts of speech, lexicographer files and
synsets, the words' embeddings under NegLabel's prompts, and the ID labels' embeddings (optionally CSP's pool).
Real CLIP ViT-B/16's own selections are public (:mod:`debiasood.data.real_negatives`), so any text side can be
held against them. :func:`text_side_fidelity` measures, per mining rule (NegLabel's; CSP's, nouns only):

``universe`` U
    The words the comparison can speak about: text-side words (of the rule's part of speech: CSP nouns only)
    that the real rule could have selected, i.e. that are in the project's regeneration of the corpus the real
    selection was mined from (NegLabel: the ``neglabel`` preset; CSP: the ``csp`` preset's nouns, without the
    words that equal an ImageNet-1K class name, which NegRefine's CSP run skips). With ``words_subset``, U is
    also restricted to that subset (e.g. one half of :func:`synset_hash_split`). R = the real selection's
    words in U (matched with :func:`~debiasood.data.real_negatives.match_to_corpus`).
``auroc``
    AUROC of the text side's mining criterion as a predictor of membership in R over U: NegLabel's criterion
    d(c) = quantile_p of the cosines of c to the K ID labels (p = 0.95), LOWER = more likely selected; CSP's
    is the same with p = ``csp_percentile`` over CSP's pool, and a candidate whose largest cosine to an ID
    label exceeds 0.95 ranks last (CSP's exclusion). 1 = the text side ranks every real word first, 0.5 = no
    agreement. Ties count one half.
``jaccard``
    |A ∩ R| / |A ∪ R| at equal size: A = the text side's |R ∩ U_pos| best-ranked words of U per part of speech.
``tv_distance``
    Total-variation distance (1/2) Σ_f |p_f - q_f| between the lexicographer-file shares of the text side's
    own selection in U (the rule at its official quotas, 15% per part of speech, mined over the whole corpus)
    and of R; files as the text side labels them.
``fn_share`` / ``real_fn_share``
    Share of WordNet false negatives (against ImageNet-1K; the book's ``method-false-negatives``) in the text
    side's selection ∩ U, and in R.

CSP's percentile: the real CSP selection vendored here comes from NegRefine's copy of CSP's mining, whose
``create_negs.py`` ranks by ``torch.quantile(..., q=1)``, i.e. the MAXIMUM cosine (``pencentile=1``), so
``csp_percentile`` defaults to 1.0; the project's ``csp_mining`` default is NegLabel's 0.95.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from debiasood.core.checks import check_fraction, check_int
from debiasood.core.metrics import ood_metrics
from debiasood.core.mining import (
    ADJECTIVE,
    NEGLABEL_FRACTION,
    NEGLABEL_PERCENTILE,
    NOUN,
    csp_mining,
    neglabel_mining,
)
from debiasood.data.audit import audit_false_negatives
from debiasood.data.corpora import LabelCorpus, load_corpus
from debiasood.data.label_sets import get_label_set
from debiasood.data.real_audit import NATIVE_CORPUS
from debiasood.data.real_negatives import load_real_selection, match_to_corpus

#: The percentile of NegRefine's run of CSP's mining (create_negs.py: ``pencentile=1``, the maximum cosine).
CSP_RUN_PERCENTILE = 1.0


def synset_hash_split(synsets: Sequence[str], seed: int = 0) -> np.ndarray:
    """A stable half split by synset: True where sha256(f"{seed}:{synset}")'s first 8 bytes, read as a
    big-endian integer, are even.

    Stable across machines, Python versions and corpus order (no PYTHONHASHSEED, no random stream), and all
    the words of one synset (a word and its CSP phrase) fall in the same half, so a fit on the True half says
    nothing about the False half through shared synsets. About half the synsets land on each side.
    """
    check_int("seed", seed, minimum=0)
    if isinstance(synsets, str):
        raise TypeError("synsets must be a sequence of synset names, not one string")
    return np.fromiter(
        (int.from_bytes(hashlib.sha256(f"{seed}:{s}".encode()).digest()[:8], "big") % 2 == 0 for s in synsets),
        dtype=bool, count=len(synsets))


@dataclass(frozen=True)
class RuleFidelity:
    """One mining rule's agreement with real CLIP's selection on the universe U (see the module doc)."""

    rule: str
    universe: int  # |U|
    real_selected: int  # |R|
    selected: int  # the text side's own selection in U
    auroc: float
    jaccard: float
    tv_distance: float
    fn_share: float
    real_fn_share: float


@dataclass(frozen=True)
class TextSideFidelity:
    """:func:`text_side_fidelity`'s result: NegLabel's and (optionally) CSP's agreement with real CLIP."""

    words: str  # which words were evaluated: 'all', or the subset's name
    neglabel: RuleFidelity
    csp: RuleFidelity | None

    def table(self) -> list[dict[str, object]]:
        """One row per rule, ready for :func:`debiasood.book.tables.render`."""
        rows = []
        for fid in (self.neglabel, self.csp):
            if fid is None:
                continue
            rows.append({"rule": fid.rule, "words": self.words, "shared words": fid.universe,
                         "real selected": fid.real_selected, "AUROC": round(fid.auroc, 4),
                         "Jaccard": round(fid.jaccard, 4), "TV distance": round(fid.tv_distance, 4),
                         "false negatives %": round(100 * fid.fn_share, 2),
                         "real false negatives %": round(100 * fid.real_fn_share, 2)})
        return rows


def _auroc(criterion: np.ndarray, positive: np.ndarray) -> float:
    """AUROC of -criterion for positive vs the rest (NaN criterion = never selectable: ranks last)."""
    score = np.where(np.isnan(criterion), -np.inf, -criterion)
    return ood_metrics(score[positive], score[~positive], percent=False)["auroc"]


def _top_per_part(criterion: np.ndarray, rows: np.ndarray, parts: np.ndarray, words: np.ndarray,
                  counts: Mapping[str, int]) -> np.ndarray:
    """The ``counts[part]`` lowest-criterion rows of each part (NaN last, ties by word)."""
    chosen = []
    for part, count in counts.items():
        members = rows[parts[rows] == part]
        key = np.where(np.isnan(criterion[members]), np.inf, criterion[members])
        chosen.append(members[np.lexsort((words[members], key))][:count])
    return np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)


def _tv_distance(a: np.ndarray, b: np.ndarray) -> float:
    """(1/2) Σ_f |p_f - q_f| over the categories of two label arrays."""
    names = np.union1d(a, b)
    p = np.array([(a == f).mean() for f in names])
    q = np.array([(b == f).mean() for f in names])
    return 0.5 * float(np.abs(p - q).sum())


def _rule_fidelity(rule: str, criterion: np.ndarray, selected: np.ndarray, universe: np.ndarray,
                   real: np.ndarray, parts: np.ndarray, lexfiles: np.ndarray, words: np.ndarray,
                   false_negative: np.ndarray) -> RuleFidelity:
    positive = real & universe
    rows = np.flatnonzero(universe)
    if not positive.any() or positive.sum() == universe.sum():
        raise ValueError(f"{rule}: the shared words hold {int(positive.sum())} real selected words of "
                         f"{int(universe.sum())}; AUROC needs both selected and unselected words. Check the "
                         "corpus words (WordNet first lemmas) and words_subset")
    counts = {part: int((positive & (parts == part)).sum()) for part in (NOUN, ADJECTIVE)}
    top = _top_per_part(criterion, rows, parts, words, {p: n for p, n in counts.items() if n})
    overlap = int(positive[top].sum())
    mine = np.zeros_like(universe)
    mine[selected] = True
    mine &= universe
    if not mine.any():
        raise ValueError(f"{rule}: the text side's selection has no word among the shared words")
    return RuleFidelity(
        rule=rule, universe=int(universe.sum()), real_selected=int(positive.sum()), selected=int(mine.sum()),
        auroc=_auroc(criterion[universe], positive[universe]),
        jaccard=overlap / (len(top) + int(positive.sum()) - overlap),
        tv_distance=_tv_distance(lexfiles[mine], lexfiles[positive]),
        fn_share=float(false_negative[mine].mean()), real_fn_share=float(false_negative[positive].mean()))


def _check_mask(name: str, mask, n: int) -> np.ndarray:
    array = np.asarray(mask)
    if array.dtype != bool or array.shape != (n,):
        raise ValueError(f"{name} must be a boolean mask with one entry per corpus word ({n}), got dtype "
                         f"{array.dtype} and shape {array.shape}; e.g. synset_hash_split(synsets, seed)")
    return array


@dataclass(frozen=True, eq=False)
class _Mined:
    """A text side's mining, done once: per corpus row, each rule's criterion, selection, universe and R."""

    words: np.ndarray
    parts: np.ndarray
    lexfiles: np.ndarray
    false_negative: np.ndarray
    rules: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # criterion, selected, universe, real

    def evaluate(self, subset: np.ndarray | None, name: str) -> TextSideFidelity:
        subset = (np.ones(len(self.words), dtype=bool) if subset is None
                  else _check_mask("words_subset", subset, len(self.words)))
        results = {rule: _rule_fidelity("csp nouns" if rule == "csp" else rule, criterion, selected,
                                        universe & subset, real, self.parts, self.lexfiles, self.words,
                                        self.false_negative)
                   for rule, (criterion, selected, universe, real) in self.rules.items()}
        return TextSideFidelity(name, results["neglabel"], results.get("csp"))


def _native_words(selection: str, part: str | None = None, exclude: set[str] | None = None) -> set[str]:
    corpus = load_corpus(NATIVE_CORPUS[selection])
    return {w for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True)
            if (part is None or p == part) and w not in (exclude or set())}


def _real_rows(selection_name: str, corpus: LabelCorpus, part: str | None = None) -> np.ndarray:
    """Boolean mask over ``corpus``: the words of the real selection (of ``part``)."""
    selection = load_real_selection(selection_name)
    match = match_to_corpus(selection, corpus)
    keep = match.rows >= 0
    if part is not None:
        keep &= np.asarray(selection.parts_of_speech) == part
    mask = np.zeros(len(corpus), dtype=bool)
    mask[match.rows[keep]] = True
    return mask


def _mine(words, parts_of_speech, lexfiles, synsets, candidate_features, id_features, *, csp_features,
          csp_words, csp_parts_of_speech, false_negative, percentile, csp_percentile) -> _Mined:
    n = len(words)
    corpus = LabelCorpus("text side", tuple(words), tuple(parts_of_speech), tuple(synsets), tuple(lexfiles))
    features = np.asarray(candidate_features)
    if features.ndim != 2 or features.shape[0] != n:
        raise ValueError(f"candidate_features must have one row per corpus word ({n}), got shape {features.shape}")
    check_fraction("percentile", percentile)
    check_fraction("csp_percentile", csp_percentile)
    if false_negative is None:
        false_negative = audit_false_negatives(corpus, get_label_set("imagenet1k")).false_negative_mask()
    false_negative = _check_mask("false_negative", false_negative, n)
    parts = np.asarray(parts_of_speech)
    in_set = lambda allowed: np.fromiter((w in allowed for w in words), dtype=bool, count=n)  # noqa: E731

    mined = neglabel_mining(features, id_features, list(words), list(parts_of_speech), percentile=percentile)
    rules = {"neglabel": (mined.criterion, mined.indices, in_set(_native_words("neglabel")),
                          _real_rows("neglabel", corpus))}

    given = [x is not None for x in (csp_features, csp_words, csp_parts_of_speech)]
    if any(given) and not all(given):
        raise ValueError("give csp_features, csp_words and csp_parts_of_speech together (or none of them)")
    if all(given):
        pool_nouns = [i for i, p in enumerate(csp_parts_of_speech) if p == NOUN]
        row_of = {w: i for i, w in enumerate(words)}
        missing = [csp_words[i] for i in pool_nouns if csp_words[i] not in row_of]
        if missing:
            raise ValueError(f"CSP's pool nouns must be corpus words; not in the corpus: {missing[:5]}")
        noun_rows = np.array([row_of[csp_words[i]] for i in pool_nouns], dtype=np.int64)
        noun_features = np.asarray(csp_features)[pool_nouns]
    else:
        noun_rows = np.flatnonzero(parts == NOUN)
        noun_features = features[noun_rows]
    if len(noun_rows):
        chosen = csp_mining(noun_features, id_features, [words[i] for i in noun_rows], [NOUN] * len(noun_rows),
                            percentile=csp_percentile, quotas={NOUN: NEGLABEL_FRACTION})
        criterion = np.full(n, np.nan)
        criterion[noun_rows] = chosen.criterion
        in_pool = np.zeros(n, dtype=bool)
        in_pool[noun_rows] = True
        # NegRefine's CSP run skips the nouns that equal an ID class name (create_negs.py: `in class_name`).
        native = _native_words("csp", NOUN, exclude=set(get_label_set("imagenet1k").class_names))
        rules["csp"] = (criterion, noun_rows[chosen.indices], in_pool & in_set(native),
                        _real_rows("csp", corpus, NOUN))
    return _Mined(np.asarray(words, dtype=object), parts, np.asarray(lexfiles), false_negative, rules)


def text_side_fidelity(
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    lexfiles: Sequence[str],
    synsets: Sequence[str],
    candidate_features: np.ndarray,
    id_features: np.ndarray,
    *,
    csp_features: np.ndarray | None = None,
    csp_words: Sequence[str] | None = None,
    csp_parts_of_speech: Sequence[str] | None = None,
    words_subset: np.ndarray | None = None,
    subset_name: str = "subset",
    false_negative: np.ndarray | None = None,
    percentile: float = NEGLABEL_PERCENTILE,
    csp_percentile: float = CSP_RUN_PERCENTILE,
) -> TextSideFidelity:
    """Agreement of a text side's NegLabel and CSP mining with real CLIP ViT-B/16's (definitions: module doc).

    ``candidate_features``: one unit-norm row per corpus word under NegLabel's prompts ("the nice {noun}",
    "This is a {adj} photo"); ``id_features``: the 1,000 ImageNet-1K labels ("the nice {label}").
    CSP: ``csp_features`` / ``csp_words`` / ``csp_parts_of_speech`` describe CSP's pool (only its nouns
    count: each must be a corpus word); without them the nouns' ``candidate_features`` rows are the pool's
    nouns (the offline world's CSP does exactly that: its pool's nouns reuse the corpus rows). CSP is left out
    (``csp`` None) when the corpus has no noun. ``words_subset`` (bool per corpus word, e.g. a half of
    :func:`synset_hash_split`) restricts the evaluation, not the mining, and the result's ``words`` is
    ``subset_name``. ``false_negative`` (bool per word) defaults to the WordNet audit of the words' synsets
    against ImageNet-1K.
    """
    mined = _mine(words, parts_of_speech, lexfiles, synsets, candidate_features, id_features,
                  csp_features=csp_features, csp_words=csp_words, csp_parts_of_speech=csp_parts_of_speech,
                  false_negative=false_negative, percentile=percentile, csp_percentile=csp_percentile)
    return mined.evaluate(words_subset, "all" if words_subset is None else subset_name)


def fidelity_rows(text: Mapping[str, np.ndarray], corpus: LabelCorpus, pool: LabelCorpus | None = None, *,
                  split_seed: int = 0, csp_percentile: float = CSP_RUN_PERCENTILE) -> list[dict[str, object]]:
    """The ``debiasood fidelity`` table: a text side's agreement with real CLIP on all words and on each half.

    ``text`` holds ``corpus_features`` and ``id_neglabel`` (and ``csp_features`` aligned with ``pool``), as
    :func:`debiasood.world.simulated.benchmark_text_features` returns them; ``corpus`` / ``pool`` are the
    LabelCorpus objects behind them (``offline_setup().corpus`` and ``.csp_pool``). The halves are
    :func:`synset_hash_split` with ``split_seed``: 'fit half' (True) and 'held-out half' (False). The mining
    runs once; each row set only changes the words evaluated.
    """
    for key in ("corpus_features", "id_neglabel"):
        if key not in text:
            raise ValueError(f"text has no {key!r}: pass benchmark_text_features(...)'s output")
    if pool is not None and "csp_features" not in text:
        raise ValueError("a CSP pool was given but text has no 'csp_features': benchmark_text_features(csp=True)")
    csp = {"csp_features": None, "csp_words": None, "csp_parts_of_speech": None} if pool is None else {
        "csp_features": text["csp_features"], "csp_words": pool.words, "csp_parts_of_speech": pool.parts_of_speech}
    mined = _mine(corpus.words, corpus.parts_of_speech, corpus.lexfiles, corpus.synsets, text["corpus_features"],
                  text["id_neglabel"], false_negative=None, percentile=NEGLABEL_PERCENTILE,
                  csp_percentile=csp_percentile, **csp)
    half = synset_hash_split(corpus.synsets, split_seed)
    rows = []
    for name, subset in (("all", None), (f"fit half (seed {split_seed})", half),
                         (f"held-out half (seed {split_seed})", ~half)):
        rows.extend(mined.evaluate(subset, name).table())
    return rows
