"""False-negative ground truth: which corpus words are really ID labels in disguise.

DNM's premise (the book's method reference, 'DNM: the model') is that some mined "negative" labels are
ID-like. Because ImageNet wnids are WordNet 3.0 synsets and every corpus word keeps its synset, that can be
checked exactly. Each corpus word gets ONE relation to the ID synsets, the first that holds in this order:

- ``lemma``: the word's synset IS an ID synset, or the word equals a lemma name of an ID synset (lowercased,
  underscores to spaces), whatever its own synset: 'tabby' (an adjective in the corpus, tabby.s.01) names
  ImageNet's tabby cat (n02123045, lemmas 'tabby', 'tabby_cat').
- ``hyponym``: the word's synset lies below an ID synset at any depth (class or instance hyponymy), e.g. a
  kind of an ID class.
- ``hypernym``: the word's synset is a CLOSE hypernym of an ID synset: 1 to ``max_hypernym_depth`` steps
  above it (default 2), and not a very general node. "Very general" = more than ``max_hyponyms`` hyponyms
  at any depth (default 2000). Depth from the root was tried and rejected as the criterion: in WordNet 3.0
  communication.n.02 sits at depth 2 and mountain.n.01 at depth 5, yet instrumentality.n.03 sits at depth 5
  with 5,516 hyponyms. Against ImageNet-1K the default excludes exactly object.n.01 (35,771 hyponyms),
  organism.n.01, artifact.n.01, instrumentality.n.03, communication.n.02, vertebrate.n.01 and device.n.01
  (2,764), and keeps e.g. structure.n.01 (1,528), mammal.n.01 (1,181) and bird.n.01 (871).
- ``none``: none of these.

Only nouns have hyponyms and hypernyms, so an adjective can only be a ``lemma`` match. Implementation: the
ID synsets' lemma names, hyponym closure and close hypernyms are computed once on the
:class:`~debiasood.data.wordnet.SynsetTable`, then each word costs a few dictionary lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from debiasood.data.corpora import LabelCorpus, first_lemma_word
from debiasood.data.label_sets import LabelSet
from debiasood.data.wordnet import WordNet, get_wordnet, wnid_to_key

RELATIONS = ("none", "lemma", "hyponym", "hypernym")  # relation codes are positions in this tuple
NONE, LEMMA, HYPONYM, HYPERNYM = range(len(RELATIONS))
DEFAULT_MAX_HYPERNYM_DEPTH = 2
DEFAULT_MAX_HYPONYMS = 2000


@dataclass(frozen=True, eq=False)
class FalseNegativeAudit:
    """Per corpus word: its relation code (index into :data:`RELATIONS`) and the ID class it relates to.

    ``relations`` (int8) and ``id_index`` (int32, -1 for "none") are aligned with the corpus' words. When a
    word relates to several ID classes, ``id_index`` is the class reached in the fewest hypernym steps,
    then the lowest index.
    """

    corpus_name: str
    corpus_fingerprint: str
    label_set: str
    relations: np.ndarray
    id_index: np.ndarray
    max_hypernym_depth: int
    max_hyponyms: int

    def __len__(self) -> int:
        return len(self.relations)

    def counts(self) -> dict[str, int]:
        """Number of words per relation, e.g. ``{'none': ..., 'lemma': ..., 'hyponym': ..., 'hypernym': ...}``."""
        tally = np.bincount(self.relations, minlength=len(RELATIONS))
        return {name: int(tally[code]) for code, name in enumerate(RELATIONS)}

    def mask(self, relation: str) -> np.ndarray:
        """Boolean mask of the words with ``relation``."""
        if relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}, got {relation!r}")
        return self.relations == RELATIONS.index(relation)

    def false_negative_mask(self) -> np.ndarray:
        """Every word that is not "none"."""
        return self.relations != NONE


def audit_false_negatives(
    corpus: LabelCorpus,
    label_set: LabelSet,
    *,
    max_hypernym_depth: int = DEFAULT_MAX_HYPERNYM_DEPTH,
    max_hyponyms: int = DEFAULT_MAX_HYPONYMS,
    wordnet: WordNet | None = None,
) -> FalseNegativeAudit:
    """Mark every word of ``corpus`` by its relation to the ID synsets of ``label_set`` (rules: module doc)."""
    if label_set.wnids is None:
        raise ValueError(f"label set {label_set.name!r} has no wnids: the audit needs ID classes that are "
                         "WordNet synsets (the ImageNet family)")
    for name, value, low in (("max_hypernym_depth", max_hypernym_depth, 0), ("max_hyponyms", max_hyponyms, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    table = (wordnet or get_wordnet()).table
    id_offsets = []
    for wnid in label_set.wnids:
        key = wnid_to_key(wnid)
        if key not in table.lexname:
            raise ValueError(f"wnid {wnid} of label set {label_set.name!r} is not a WordNet 3.0 noun synset")
        id_offsets.append(key[1])

    # Each lookup maps a synset offset (or a word) to the ID class it relates to; first class wins.
    own_class: dict[int, int] = {}
    lemma_class: dict[str, int] = {}
    below_class: dict[int, int] = {}
    above: dict[int, tuple[int, int]] = {}  # offset -> (steps, class)
    for index, offset in enumerate(id_offsets):
        own_class.setdefault(offset, index)
        for lemma in table.lemmas[("n", offset)]:
            lemma_class.setdefault(first_lemma_word(lemma), index)
        for hyponym in table.hyponym_closure([offset]):
            below_class.setdefault(hyponym, index)
        for hypernym, steps in table.hypernyms_within([offset], max_hypernym_depth).items():
            if (steps, index) < above.get(hypernym, (max_hypernym_depth + 1, index)):
                above[hypernym] = (steps, index)
    close_above = {offset: index for offset, (_, index) in above.items()
                   if len(table.hyponym_closure([offset])) <= max_hyponyms}

    relations = np.zeros(len(corpus), dtype=np.int8)
    id_index = np.full(len(corpus), -1, dtype=np.int32)
    key_of_name = table.key_of_name
    for i, (word, synset) in enumerate(zip(corpus.words, corpus.synsets, strict=True)):
        key = key_of_name.get(synset)
        if key is None and synset:
            raise ValueError(f"corpus word {word!r} has synset {synset!r}, which is not in WordNet 3.0")
        offset = key[1] if key is not None and key[0] == "n" else None
        if offset in own_class:
            relations[i], id_index[i] = LEMMA, own_class[offset]
        elif word in lemma_class:
            relations[i], id_index[i] = LEMMA, lemma_class[word]
        elif offset in below_class:
            relations[i], id_index[i] = HYPONYM, below_class[offset]
        elif offset in close_above:
            relations[i], id_index[i] = HYPERNYM, close_above[offset]
    return FalseNegativeAudit(corpus.name, corpus.fingerprint, label_set.name, relations, id_index,
                              max_hypernym_depth, max_hyponyms)
