"""Filters: drop candidate words that are ID classes in disguise BEFORE any mining rule runs.

A filter is a function ``(corpus, label_set) -> FilterResult``; ``result.keep`` is the keep-mask, one bool per
corpus word, in corpus order. It is applied before mining, so a mining rule's quotas count the words that remain
(``result.subset(corpus)`` and ``features[result.rows]`` give the filtered corpus and its feature rows).

Two filters, both offline (the book's method reference, ``method-false-negatives``, says why false negatives
matter; ``method-negrefine`` describes NegRefine's filter):

- :func:`wordnet_filter`: drops the words the WordNet false-negative audit
  (:func:`debiasood.data.audit.audit_false_negatives`) relates to an ID class: ``lemma`` (the word names an ID
  class), ``hyponym`` (a kind of an ID class), ``hypernym`` (a close, not very general, ancestor). Each relation
  can be switched on or off. It needs ID classes that are WordNet synsets (the ImageNet family), and is exact
  where WordNet is right; it cannot see visual look-alikes.
- :func:`verdicts_filter`: drops the words a published per-pair verdict file removed, such as NegRefine's
  ``llm_process_noun.txt`` / ``llm_process_adj.txt`` (Ansari et al., ICCV 2025, github.com/ah-ansari/NegRefine,
  ``src/neg_filter.py``): one line per judgement, ``negative | ID class | verdict`` with verdict empty (not a
  subcategory of that class), ``subcategory`` or ``the same``, or ``negative | proper noun``. A word is removed
  when any of its lines says so; words without a line are kept and counted (``no_verdict``). The LLM that
  wrote such a file is out of scope: nothing here runs or downloads a model.

How the verdict files are matched to corpus words, following NegRefine's own preprocessing (``_clean_words``):
NegRefine keeps only letters, '_', '-' and spaces of each negative before asking the LLM ("bradley's
spleenwort" -> "bradleys spleenwort"), so both sides are compared after that cleaning, casefolded and with runs
of spaces collapsed. Adjectives reach NegRefine as CSP phrases, "adjective + superclass word" ("aqueous
pattern"), with a superclass word drawn by CSP's code; a phrase verdict applies to its adjective (the corpus
word, or a CSP phrase's ``source_words`` entry), whatever superclass word this project's draw gave it. A
noun-file verdict only matches nouns and an adjective-file verdict only adjectives.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from debiasood.core.prompts import CSP_SUPERCLASS_WORDS
from debiasood.data.audit import RELATIONS, audit_false_negatives
from debiasood.data.corpora import ADJECTIVE, NOUN, LabelCorpus
from debiasood.data.label_sets import LabelSet
from debiasood.data.wordnet import WordNet

WORDNET_RELATIONS = tuple(r for r in RELATIONS if r != "none")
"""The relations :func:`wordnet_filter` can drop (the audit's names): lemma, hyponym, hypernym."""

REMOVING_VERDICTS = ("proper noun", "the same", "subcategory")
"""Verdicts that remove a word (NegRefine's ``_llm_filter``), in the order its LLM is asked; an empty verdict
keeps it. A word removed for several reasons is listed under the first."""

NEGREFINE_VERDICT_FILES = {"llm_process_noun.txt": NOUN, "llm_process_adj.txt": ADJECTIVE}
"""NegRefine's verdict files and the part of speech of their negatives (a directory is read as these two)."""


@dataclass(frozen=True)
class FilterResult:
    """What a filter did to a corpus: the keep-mask and, per reason, the words it removed.

    ``keep`` is a bool array aligned with the corpus' words. ``removed`` maps a reason (a WordNet relation, or a
    verdict such as 'subcategory') to the removed words, in corpus order; a word is listed under one reason (the
    first that applies, in the order the filter documents). ``no_verdict`` lists the kept words the filter had
    no information about (always empty for the WordNet filter, which judges every word).
    """

    name: str
    keep: np.ndarray
    removed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    no_verdict: tuple[str, ...] = ()

    def __post_init__(self):
        keep = np.asarray(self.keep)
        if keep.dtype != bool or keep.ndim != 1:
            raise ValueError(f"keep must be a 1-D bool array, got dtype {keep.dtype} and shape {keep.shape}")
        if sum(len(words) for words in self.removed.values()) != int((~keep).sum()):
            raise ValueError("the removed words per reason must account for every False in keep, once each")

    @property
    def rows(self) -> np.ndarray:
        """Indices of the kept words: the feature rows that go on to mining."""
        return np.flatnonzero(self.keep)

    def counts(self) -> dict[str, int]:
        """``{'kept': ..., 'removed': ..., 'no_verdict': ..., 'removed: <reason>': ...}``."""
        out = {"kept": int(self.keep.sum()), "removed": int((~self.keep).sum()), "no_verdict": len(self.no_verdict)}
        out.update({f"removed: {reason}": len(words) for reason, words in self.removed.items()})
        return out

    def subset(self, corpus: LabelCorpus) -> LabelCorpus:
        """The corpus without the removed words (same order), named after the filter."""
        if len(corpus) != len(self.keep):
            raise ValueError(f"this filter result is for a corpus of {len(self.keep)} words, got {len(corpus)}")
        return corpus.subset(self.rows, name=f"{corpus.name}|{self.name}")


CorpusFilter = Callable[[LabelCorpus, LabelSet], FilterResult]


def no_filter(corpus: LabelCorpus, label_set: LabelSet) -> FilterResult:
    """Keep every word (the methods as published)."""
    return FilterResult("none", np.ones(len(corpus), dtype=bool))


def wordnet_filter(
    relations: str | Sequence[str] = WORDNET_RELATIONS,
    *,
    max_hypernym_depth: int | None = None,
    max_hyponyms: int | None = None,
    wordnet: WordNet | None = None,
) -> CorpusFilter:
    """A filter that drops the words the WordNet audit relates to an ID class by one of ``relations``.

    ``relations`` is any non-empty subset of :data:`WORDNET_RELATIONS` ('lemma', 'hyponym', 'hypernym'); the
    audit gives each word one relation, the first that holds in that order, so a word that names an ID class
    counts as 'lemma' even if it is also below another one. ``max_hypernym_depth`` and ``max_hyponyms`` are the
    audit's (None = its defaults). The label set must have WordNet wnids (the ImageNet family).
    """
    chosen = check_relations(relations)
    audit_options = {k: v for k, v in (("max_hypernym_depth", max_hypernym_depth), ("max_hyponyms", max_hyponyms))
                     if v is not None}

    def apply(corpus: LabelCorpus, label_set: LabelSet) -> FilterResult:
        audit = audit_false_negatives(corpus, label_set, wordnet=wordnet, **audit_options)
        keep = np.ones(len(corpus), dtype=bool)
        removed = {}
        for relation in chosen:
            mask = audit.mask(relation)
            keep &= ~mask
            removed[relation] = tuple(corpus.words[i] for i in np.flatnonzero(mask))
        return FilterResult(f"wordnet({','.join(chosen)})", keep, removed)

    apply.__name__ = f"wordnet_filter({','.join(chosen)})"
    return apply


def check_relations(relations: str | Sequence[str]) -> tuple[str, ...]:
    """The WordNet relations named, in the audit's order, each once; an error for an empty list or unknown name."""
    names = [relations] if isinstance(relations, str) else list(relations)
    unknown = [r for r in names if r not in WORDNET_RELATIONS]
    if unknown or not names:
        raise ValueError(f"relations must be a non-empty subset of {WORDNET_RELATIONS}, got {relations!r}")
    # In the audit's order, each once: the result does not depend on how the caller listed them.
    return tuple(r for r in WORDNET_RELATIONS if r in names)


# ---- published verdict files ----

@dataclass(frozen=True)
class Verdict:
    """One line of a verdict file: a negative, the ID class it was compared with (None for 'proper noun'), the
    verdict ('' = kept for this class) and the part of speech of the file ('noun', 'adj' or None = either)."""

    negative: str
    id_class: str | None
    verdict: str
    part_of_speech: str | None


def parse_verdicts(path: str | os.PathLike, *, part_of_speech: str | None = None) -> list[Verdict]:
    """Read a verdict file in NegRefine's format (module docstring); a directory is read as NegRefine's two files.

    ``part_of_speech`` ('noun', 'adj' or None) says which corpus words the file's negatives may match; by default
    it is taken from NegRefine's file names (``llm_process_noun.txt`` / ``llm_process_adj.txt``) and is None
    (either) for any other name. The summary lines NegRefine appends (a dashed line, then ``n_proper: ...``) are
    skipped; any other line that is not 2 or 3 '|'-separated fields, or an unknown verdict, is an error.
    """
    path = Path(path)
    if path.is_dir():
        files = [path / name for name in NEGREFINE_VERDICT_FILES if (path / name).is_file()]
        if not files:
            raise FileNotFoundError(f"{path} holds none of NegRefine's verdict files {tuple(NEGREFINE_VERDICT_FILES)}")
        return [v for file in files for v in parse_verdicts(file, part_of_speech=part_of_speech)]
    if not path.is_file():
        raise FileNotFoundError(f"verdict file {path} does not exist")
    if part_of_speech not in (None, NOUN, ADJECTIVE):
        raise ValueError(f"part_of_speech must be {NOUN!r}, {ADJECTIVE!r} or None, got {part_of_speech!r}")
    part = part_of_speech or NEGREFINE_VERDICT_FILES.get(path.name)
    verdicts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("---") or re.fullmatch(r"n_\w+: \d+", line.strip()):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) == 2 and fields[1] == "proper noun":
            negative, id_class, verdict = fields[0], None, "proper noun"
        elif len(fields) == 3:
            negative, id_class, verdict = fields
        else:
            raise ValueError(f"{path}:{number}: expected 'negative | ID class | verdict' or 'negative | proper "
                             f"noun', got {line!r}")
        if verdict and verdict not in REMOVING_VERDICTS:
            raise ValueError(f"{path}:{number}: unknown verdict {verdict!r}; expected '' or one of "
                             f"{REMOVING_VERDICTS}")
        if not negative:
            raise ValueError(f"{path}:{number}: the negative label is empty in {line!r}")
        verdicts.append(Verdict(negative, id_class, verdict, part))
    if not verdicts:
        raise ValueError(f"verdict file {path} holds no verdicts")
    return verdicts


def match_key(word: str) -> str:
    """The form in which corpus words and verdict negatives are compared: NegRefine's ``_clean_words`` (letters,
    '_', '-' and spaces only), casefolded, spaces collapsed and stripped."""
    cleaned = "".join(c for c in word if c.isalpha() or c in "_- ")
    return " ".join(cleaned.casefold().split())


def _adjective_stem(key: str) -> str:
    """A CSP phrase's adjective: the key without its final superclass word (the key itself if it has none)."""

    head, _, last = key.rpartition(" ")
    return head if head and last in CSP_SUPERCLASS_WORDS else key


def verdicts_filter(source: str | os.PathLike | Iterable[Verdict], *, name: str | None = None) -> CorpusFilter:
    """A filter that drops the words a published verdict file removed (format and matching: module docstring).

    ``source`` is a file, a directory holding NegRefine's two files, or parsed :class:`Verdict` records (for
    example from a loader of vendored files). The result lists removed words per verdict (in the order of
    :data:`REMOVING_VERDICTS`), and the kept words that no verdict mentions under ``no_verdict``. The label set is
    not consulted: a verdict file was written for one ID set, so use it with that set.
    """
    if isinstance(source, str | os.PathLike):
        label = name or f"verdicts({Path(source).name})"
        records = parse_verdicts(source)
    else:
        label = name or "verdicts"
        records = list(source)
        if not records or not all(isinstance(r, Verdict) for r in records):
            raise TypeError("source must be a path or a non-empty iterable of Verdict records")
    # (part of speech, matching key) -> the verdicts received. A record of unknown part of speech counts for
    # both; an adjective record also counts for its adjective stem ("aqueous pattern" -> "aqueous").
    table: dict[tuple[str, str], set[str]] = {}
    for record in records:
        key = match_key(record.negative)
        entries = []
        if record.part_of_speech in (NOUN, None):
            entries.append((NOUN, key))
        if record.part_of_speech in (ADJECTIVE, None):
            entries += [(ADJECTIVE, key), (ADJECTIVE, _adjective_stem(key))]
        for entry in entries:
            table.setdefault(entry, set()).add(record.verdict)

    def apply(corpus: LabelCorpus, label_set: LabelSet) -> FilterResult:
        keep = np.ones(len(corpus), dtype=bool)
        removed: dict[str, list[str]] = {reason: [] for reason in REMOVING_VERDICTS}
        unmatched = []
        for i, (word, part, source_word) in enumerate(zip(corpus.words, corpus.parts_of_speech,
                                                          corpus.source_words, strict=True)):
            hits = [table[k] for k in {(part, match_key(word)), (part, match_key(source_word))} if k in table]
            found = set().union(*hits) if hits else None
            if found is None:
                unmatched.append(word)
                continue
            reason = next((r for r in REMOVING_VERDICTS if r in found), None)
            if reason is not None:
                keep[i] = False
                removed[reason].append(word)
        return FilterResult(label, keep, {r: tuple(w) for r, w in removed.items()}, tuple(unmatched))

    apply.__name__ = f"verdicts_filter({label})"
    return apply


def parse_filter_spec(spec: str) -> CorpusFilter:
    """The filter named by a command-line spec.

    - ``none``: keep every word;
    - ``wordnet``: the WordNet filter with every relation; ``wordnet:lemma,hyponym`` with the listed ones;
    - ``verdicts:FILE`` (or ``verdicts:DIR`` holding NegRefine's ``llm_process_*.txt`` files).
    """
    if not isinstance(spec, str):
        raise TypeError(f"a filter spec must be a str, got {type(spec).__name__}")
    kind, _, argument = spec.strip().partition(":")
    if kind == "none" and not argument:
        return no_filter
    if kind == "wordnet":
        return wordnet_filter(argument.split(",") if argument else WORDNET_RELATIONS)
    if kind == "verdicts" and argument:
        return verdicts_filter(argument)
    raise ValueError(f"unknown filter spec {spec!r}: use 'none', 'wordnet', 'wordnet:lemma,hyponym' (any of "
                     f"{', '.join(WORDNET_RELATIONS)}) or 'verdicts:FILE'")


def pool_keep(keep: np.ndarray, corpus: LabelCorpus, pool: LabelCorpus) -> np.ndarray:
    """The keep-mask of CSP's pool (:func:`debiasood.data.corpora.csp_pool` of ``corpus``) that a corpus keep-mask
    implies: a noun keeps its corpus row's verdict, an "adjective + superclass word" phrase its adjective's.

    A filter is judged on the corpus words (the WordNet audit's lemma test reads the word, not the phrase), and
    this carries the verdict to CSP's pool, so the pool's features are re-used, never re-encoded. Pool entries are
    matched to corpus rows in order, per part of speech, by source word and synset (``csp_pool`` keeps the corpus
    order); a pool that is not ``csp_pool(corpus)`` (or a subset of it) is an error.
    """
    keep = np.asarray(keep)
    if keep.dtype != bool or keep.shape != (len(corpus),):
        raise ValueError(f"keep must be a bool array with one entry per corpus word ({len(corpus)}), got dtype "
                         f"{keep.dtype} and shape {keep.shape}")
    out = np.empty(len(pool), dtype=bool)
    for part in (NOUN, ADJECTIVE):
        candidates = iter(i for i, p in enumerate(corpus.parts_of_speech) if p == part)
        for j in (j for j, p in enumerate(pool.parts_of_speech) if p == part):
            wanted = (pool.source_words[j], pool.synsets[j])
            row = next((i for i in candidates if (corpus.source_words[i], corpus.synsets[i]) == wanted), None)
            if row is None:
                raise ValueError(f"pool entry {pool.words[j]!r} ({part}) matches no corpus word in corpus order: "
                                 f"the pool must be csp_pool(corpus) of the corpus {corpus.name!r}")
            out[j] = keep[row]
    return out
