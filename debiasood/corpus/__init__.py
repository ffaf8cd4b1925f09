"""WordNet 3.0, label corpora, benchmark label sets and the false-negative ground truth.

- :mod:`debiasood.corpus.wordnet`: WordNet 3.0 through nltk, offline (Debian's wordnet-base) or online
  (``nltk.download('wordnet')``), plus a fast table of noun and adjective synsets;
- :mod:`debiasood.corpus.corpora`: the candidate-label corpora (first-lemma rule, named presets, CSP's pool,
  a "common words" corpus);
- :mod:`debiasood.corpus.label_sets`: class names (and ImageNet wnids) of the ID and OOD benchmarks;
- :mod:`debiasood.corpus.false_negatives`: which corpus words name an ID class, one of its hyponyms or a
  close hypernym.
"""

from debiasood.corpus.corpora import (
    PRESETS,
    CommonWords,
    LabelCorpus,
    build_corpus,
    common_words_corpus,
    csp_pool,
    load_corpus,
)
from debiasood.corpus.false_negatives import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.corpus.label_sets import LabelSet, get_label_set, label_set_names
from debiasood.corpus.wordnet import WordNet, WordNetNotFoundError, get_wordnet, load_wordnet

__all__ = [
    "PRESETS",
    "RELATIONS",
    "CommonWords",
    "FalseNegativeAudit",
    "LabelCorpus",
    "LabelSet",
    "WordNet",
    "WordNetNotFoundError",
    "audit_false_negatives",
    "build_corpus",
    "common_words_corpus",
    "csp_pool",
    "get_label_set",
    "get_wordnet",
    "label_set_names",
    "load_corpus",
    "load_wordnet",
]
