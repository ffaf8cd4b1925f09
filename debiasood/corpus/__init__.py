"""WordNet 3.0, label corpora, benchmark label sets and the false-negative ground truth.

- :mod:`debiasood.corpus.wordnet`: WordNet 3.0 through nltk, offline (Debian's wordnet-base) or online
  (``nltk.download('wordnet')``), plus a fast table of noun and adjective synsets;
- :mod:`debiasood.corpus.corpora`: the candidate-label corpora (first-lemma rule, named presets, CSP's pool,
  a "common words" corpus);
- :mod:`debiasood.corpus.label_sets`: class names (and ImageNet wnids) of the ID and OOD benchmarks;
- :mod:`debiasood.corpus.false_negatives`: which corpus words name an ID class, one of its hyponyms or a
  close hypernym.
"""
