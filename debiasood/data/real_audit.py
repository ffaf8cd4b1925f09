"""The WordNet false-negative audit of the negative labels that real CLIP mined (REAL data, no simulation).

The selections are those the methods' authors published (:mod:`debiasood.data.real_negatives`): NegLabel's,
CSP's (as run by NegRefine) and NegRefine's LLM-filtered subset, all mined with CLIP ViT-B/16 against
ImageNet-1K. Each is mapped onto the project's regeneration of the corpus it was mined from
(:data:`NATIVE_CORPUS`) and every matched word gets its WordNet relation to the 1,000 ImageNet-1K synsets
(:func:`debiasood.data.audit.audit_false_negatives`; rules in the book's method reference,
``method-false-negatives``):

- :func:`audit_real_selection`: false negatives per relation, with examples, against the corpus' base rate,
  and the lexicographer-file make-up of the selection against the corpus';
- :func:`negrefine_agreement`: NegRefine's LLM verdicts (removed / kept) against WordNet's (false negative or
  not), an independent second ground truth for the same words.

Measured (WordNet 3.0): NegLabel's selection holds 289 false negatives among its 10,459 matched words (2.76%;
52 lemma, 236 hyponym, 1 close hypernym), the rate of its whole corpus (2.81%); CSP's nouns 112 of 7,003
(1.60%). NegRefine's LLM removed 2,011 of those 7,003 nouns, among them 98 of the 112 (87.5%): 4.87% of the
nouns it removed are WordNet false negatives, 0.28% of the 4,992 it kept. (Counting as "removed" every CSP noun
missing from NegRefine's kept list gives 2,110 removals instead: 99 labels only changed spelling in NegRefine's
cleaning, e.g. "st. john's wort" -> 'st johns wort'; the filter log says which were really removed.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from debiasood.data.audit import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.data.corpora import ADJECTIVE, NOUN, LabelCorpus, load_corpus
from debiasood.data.label_sets import LabelSet, get_label_set
from debiasood.data.real_negatives import (
    REAL_SELECTIONS,
    CorpusMatch,
    RealSelection,
    load_negrefine_verdicts,
    load_real_selection,
    match_to_corpus,
    negrefine_clean,
    negrefine_removals,
)

#: The corpus preset each real selection was mined from: NegLabel's WordNet corpus (no noun.animal or
#: noun.food) for NegLabel, CSP's (also without noun.person, noun.quantity, noun.group and adj.pert) for CSP
#: and NegRefine (NegRefine's ``create_negs.py`` excludes exactly those four files).
NATIVE_CORPUS = {"neglabel": "neglabel", "csp": "csp", "negrefine": "csp"}
FALSE_NEGATIVE_RELATIONS = tuple(r for r in RELATIONS if r != "none")
PARTS = (NOUN, ADJECTIVE)


@dataclass(frozen=True, eq=False)
class RealAudit:
    """The WordNet audit of one real selection, on the matched words (REAL: mined with CLIP ViT-B/16).

    ``published[part]``: the selection's entries per part of speech;
    ``counts[part][relation]``: matched words per part of speech and relation ('none' included);
    ``corpus_counts``: the same over the whole corpus, the base rate a rule that ignores ID-likeness would
    have; ``examples[relation]``: the first matched words with that relation, in the published order, as
    'word → ID class'; ``id_names``: matched words that spell an ID class's display name (case-insensitive);
    ``lexfile_counts[part]``: lexicographer file -> (selected words, corpus words, false negatives among the
    selected) for that part of speech.

    Parts of speech: a matched entry counts under the part the method gave it (noun prompt or adjective
    prompt), a corpus word under its own; they differ for a handful of words that the corpus' de-duplication
    filed under the other part (``match.part_mismatches``). Relations always come from the corpus word's synset.
    """

    selection: str
    provenance: str
    corpus: str
    label_set: str
    published: Mapping[str, int]
    match: CorpusMatch
    counts: Mapping[str, Mapping[str, int]]
    corpus_counts: Mapping[str, Mapping[str, int]]
    examples: Mapping[str, tuple[str, ...]]
    id_names: tuple[str, ...]
    lexfile_counts: Mapping[str, tuple[int, int, int]]

    def _total(self, table: Mapping[str, Mapping[str, int]], part: str | None, relation: str | None) -> int:
        parts = PARTS if part is None else (part,)
        relations = RELATIONS if relation is None else (relation,)
        return sum(table[p][r] for p in parts for r in relations)

    def _check(self, part: str | None, relation: str | None = None) -> None:
        if part not in (None, *PARTS):
            raise ValueError(f"part must be None, {NOUN!r} or {ADJECTIVE!r}, got {part!r}")
        if relation not in (None, *RELATIONS):
            raise ValueError(f"relation must be None or one of {RELATIONS}, got {relation!r}")

    def matched(self, part: str | None = None) -> int:
        self._check(part)
        return self._total(self.counts, part, None)

    def false_negatives(self, part: str | None = None, relation: str | None = None) -> int:
        """False negatives among the matched words (one ``relation`` of :data:`FALSE_NEGATIVE_RELATIONS`)."""
        self._check(part, relation)
        if relation == "none":
            raise ValueError("relation 'none' marks true negatives, not false negatives")
        if relation is not None:
            return self._total(self.counts, part, relation)
        return self._total(self.counts, part, None) - self._total(self.counts, part, "none")

    def share(self, part: str | None = None) -> float:
        """Share of WordNet false negatives among the matched words (of ``part``)."""
        return self.false_negatives(part) / self.matched(part)

    def base_rate(self, part: str | None = None) -> float:
        """Share of WordNet false negatives in the whole corpus (of ``part``)."""
        self._check(part)
        total = self._total(self.corpus_counts, part, None)
        return (total - self._total(self.corpus_counts, part, "none")) / total

    def lexfile_shares(self, part: str | None = None) -> dict[str, tuple[float, float]]:
        """Lexicographer file -> (share of the matched words, share of the corpus), largest selection share
        first; with ``part``, shares among that part's words ('noun.plant' among the nouns)."""
        self._check(part)
        totals: dict[str, list[int]] = {}
        for p in PARTS if part is None else (part,):
            for lexfile, (selected, corpus, _) in self.lexfile_counts[p].items():
                entry = totals.setdefault(lexfile, [0, 0])
                entry[0] += selected
                entry[1] += corpus
        selected_total = sum(s for s, _ in totals.values())
        corpus_total = sum(c for _, c in totals.values())
        ordered = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))
        return {f: (s / selected_total, c / corpus_total) for f, (s, c) in ordered}


def _tally(relations: np.ndarray, parts: np.ndarray) -> dict[str, dict[str, int]]:
    return {part: {r: int(((relations == code) & (parts == part)).sum()) for code, r in enumerate(RELATIONS)}
            for part in PARTS}


def audit_real_selection(
    name: str,
    *,
    corpus: LabelCorpus | None = None,
    label_set: LabelSet | None = None,
    audit: FalseNegativeAudit | None = None,
    n_examples: int = 5,
) -> RealAudit:
    """Audit the real selection ``name`` (one of :data:`~debiasood.data.real_negatives.REAL_SELECTIONS`).

    Defaults: its native corpus (:data:`NATIVE_CORPUS`) and ImageNet-1K's label set. A precomputed
    ``audit`` of ``corpus`` against ``label_set`` can be passed to save the ~1 s it takes.
    """
    if name not in REAL_SELECTIONS:
        raise ValueError(f"unknown real selection {name!r}; choose from {REAL_SELECTIONS}")
    if isinstance(n_examples, bool) or not isinstance(n_examples, int) or n_examples < 0:
        raise ValueError(f"n_examples must be an int >= 0, got {n_examples!r}")
    selection: RealSelection = load_real_selection(name)
    corpus = corpus if corpus is not None else load_corpus(NATIVE_CORPUS[name])
    label_set = label_set if label_set is not None else get_label_set("imagenet1k")
    if audit is None:
        audit = audit_false_negatives(corpus, label_set)
    elif audit.corpus_fingerprint != corpus.fingerprint or audit.label_set != label_set.name:
        raise ValueError(f"audit is of corpus {audit.corpus_name!r} against {audit.label_set!r}, not of the given "
                         f"corpus {corpus.name!r} against {label_set.name!r}")
    match = match_to_corpus(selection, corpus)
    rows = match.indices
    corpus_parts = np.asarray(corpus.parts_of_speech)
    relations = audit.relations[rows]
    examples = {}
    for relation in FALSE_NEGATIVE_RELATIONS:
        hits = rows[relations == RELATIONS.index(relation)][:n_examples]
        examples[relation] = tuple(f"{corpus.words[i]} → {label_set.class_names[audit.id_index[i]]}" for i in hits)
    id_display = {n.casefold() for n in label_set.class_names}
    id_names = tuple(corpus.words[i] for i in rows if corpus.words[i].casefold() in id_display)
    selected_parts = np.asarray(selection.parts_of_speech)[match.matched]
    files = np.asarray(corpus.lexfiles)
    fn = audit.false_negative_mask()
    lexfile_counts = {}
    for part in PARTS:
        mine = rows[selected_parts == part]
        in_corpus = files[corpus_parts == part]
        names = np.unique(np.concatenate([files[mine], in_corpus]))
        lexfile_counts[part] = {str(f): (int((files[mine] == f).sum()), int((in_corpus == f).sum()),
                                         int(((files[mine] == f) & fn[mine]).sum())) for f in names}
    return RealAudit(name, selection.provenance, corpus.name, label_set.name, selection.counts(), match,
                     _tally(relations, selected_parts), _tally(audit.relations, corpus_parts), examples,
                     id_names, lexfile_counts)


# ---------------------------------------------------------------- NegRefine's LLM against WordNet


@dataclass(frozen=True)
class LLMAgreement:
    """NegRefine's LLM verdicts against WordNet's, per part of speech, on CSP's matched and judged words.

    ``table[part][(removed, wordnet_false_negative)]``: number of words (both booleans). ``removed_by``:
    removals per verdict ('proper noun', 'subcategory', 'the same') that WordNet calls false negatives /
    not. ``same_class``: (words removed as a subcategory that WordNet also calls false negatives, how many of
    them the LLM and WordNet tie to the same ID class). ``not_judged``: matched words the filter never saw
    (cleaning dropped them or merged them with another label).
    """

    corpus: str
    label_set: str
    table: Mapping[str, Mapping[tuple[bool, bool], int]]
    removed_by: Mapping[str, Mapping[str, tuple[int, int]]]
    same_class: Mapping[str, tuple[int, int]]
    not_judged: Mapping[str, int]

    def count(self, part: str, removed: bool | None = None, false_negative: bool | None = None) -> int:
        if part not in PARTS:
            raise ValueError(f"part must be {NOUN!r} or {ADJECTIVE!r}, got {part!r}")
        return sum(n for (r, f), n in self.table[part].items()
                   if (removed is None or r == removed) and (false_negative is None or f == false_negative))

    def false_negative_share(self, part: str, removed: bool) -> float:
        """Share of WordNet false negatives among the words the LLM removed (``removed=True``) or kept."""
        return self.count(part, removed, True) / self.count(part, removed)

    def recall(self, part: str) -> float:
        """Share of the WordNet false negatives that the LLM removed."""
        return self.count(part, True, True) / self.count(part, None, True)


def negrefine_agreement(*, corpus: LabelCorpus | None = None, label_set: LabelSet | None = None,
                        audit: FalseNegativeAudit | None = None) -> LLMAgreement:
    """Cross NegRefine's LLM filter with the WordNet audit on CSP's selection (both REAL).

    Each CSP label is cleaned as NegRefine cleaned it (:func:`~debiasood.data.real_negatives.negrefine_clean`;
    adjectives are judged as their "adjective + superclass" phrase) and looked up in the filter's log: removed
    if a verdict removed it, kept if it was judged and never removed. The WordNet side audits the label's
    corpus word (the adjective of a phrase). Defaults: CSP's corpus and ImageNet-1K.
    """
    selection = load_real_selection("csp")
    corpus = corpus if corpus is not None else load_corpus(NATIVE_CORPUS["csp"])
    label_set = label_set if label_set is not None else get_label_set("imagenet1k")
    audit = audit if audit is not None else audit_false_negatives(corpus, label_set)
    match = match_to_corpus(selection, corpus)
    removals = negrefine_removals()
    judged = {v.negative for v in load_negrefine_verdicts()}
    table = {part: {(r, f): 0 for r in (False, True) for f in (False, True)} for part in PARTS}
    removed_by: dict[str, dict[str, list[int]]] = {part: {} for part in PARTS}
    same_class = {part: [0, 0] for part in PARTS}
    not_judged = dict.fromkeys(PARTS, 0)
    fn = audit.false_negative_mask()
    for phrase, part, row in zip(selection.phrases, selection.parts_of_speech, match.rows, strict=True):
        if row < 0:
            continue
        label = negrefine_clean(phrase)
        if label not in judged:
            not_judged[part] += 1
            continue
        removal = removals.get(label)
        is_fn = bool(fn[row])
        table[part][(removal is not None, is_fn)] += 1
        if removal is not None:
            counts = removed_by[part].setdefault(removal.verdict, [0, 0])
            counts[0 if is_fn else 1] += 1
            if removal.verdict == "subcategory" and is_fn:
                same_class[part][0] += 1
                same_class[part][1] += removal.id_class == label_set.class_names[audit.id_index[row]]
    return LLMAgreement(corpus.name, label_set.name, table,
                        {p: {v: (c[0], c[1]) for v, c in sorted(d.items())} for p, d in removed_by.items()},
                        {p: (c[0], c[1]) for p, c in same_class.items()}, not_judged)
