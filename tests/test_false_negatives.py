"""False-negative ground truth: known WordNet pairs, the generality knobs, counts and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from debiasood.data.audit import RELATIONS, audit_false_negatives
from debiasood.data.corpora import ADJECTIVE, LabelCorpus, load_corpus
from debiasood.data.label_sets import LabelSet, get_label_set
from debiasood.data.wordnet import get_wordnet


@pytest.fixture(scope="module")
def wn():
    return get_wordnet()


@pytest.fixture(scope="module")
def imagenet():
    return get_label_set("imagenet1k")


@pytest.fixture(scope="module")
def full(wn):
    return load_corpus("full")


@pytest.fixture(scope="module")
def full_audit(full, imagenet, wn):
    return audit_false_negatives(full, imagenet, wordnet=wn)


def relation_of(audit, corpus, word):
    i = corpus.words.index(word)
    return RELATIONS[audit.relations[i]], int(audit.id_index[i])


def test_known_pairs(full, full_audit, imagenet):
    index = {wnid: i for i, wnid in enumerate(imagenet.wnids)}
    tabby_cat = index["n02123045"]
    assert relation_of(full_audit, full, "tabby") == ("lemma", tabby_cat)  # a lemma name of the ID synset
    assert relation_of(full_audit, full, "tench") == ("lemma", index["n01440764"])  # the ID synset itself
    assert full.synsets[full.words.index("tench")] == "tench.n.01"
    assert relation_of(full_audit, full, "pepperoni pizza") == ("hyponym", index["n07873807"])  # pizza
    assert relation_of(full_audit, full, "cat") == ("hypernym", tabby_cat)  # tabby -> domestic cat -> cat
    assert relation_of(full_audit, full, "shark")[0] == "hypernym"
    assert relation_of(full_audit, full, "democracy") == ("none", -1)
    assert relation_of(full_audit, full, "object") == ("none", -1)  # 35,771 hyponyms: too general


def test_homonyms_match_by_lemma_name(full, full_audit, imagenet):
    word, cls = "light", imagenet.wnids.index("n03666591")  # lighter, light, igniter, ignitor
    assert full.parts_of_speech[full.words.index(word)] == ADJECTIVE
    assert relation_of(full_audit, full, word) == ("lemma", cls)


def test_only_nouns_are_hyponyms_or_hypernyms(full, full_audit):
    pos = np.array(full.parts_of_speech)
    tree = full_audit.mask("hyponym") | full_audit.mask("hypernym")
    assert tree.any() and not (tree & (pos == ADJECTIVE)).any()


def test_generality_knobs(full, full_audit, imagenet, wn):
    assert audit_false_negatives(full, imagenet, max_hypernym_depth=0, wordnet=wn).counts()["hypernym"] == 0
    loose = audit_false_negatives(full, imagenet, max_hyponyms=10**6, wordnet=wn)
    assert relation_of(loose, full, "object")[0] == "hypernym"
    deeper = audit_false_negatives(full, imagenet, max_hypernym_depth=3, wordnet=wn)
    assert deeper.counts()["hypernym"] > full_audit.counts()["hypernym"]
    same = {r: full_audit.counts()[r] for r in ("lemma", "hyponym")}
    assert {r: deeper.counts()[r] for r in ("lemma", "hyponym")} == same


def test_dnm_counts_against_imagenet1k(imagenet, wn):
    dnm = load_corpus("dnm")
    audit = audit_false_negatives(dnm, imagenet, wordnet=wn)
    assert audit.counts() == {"none": 55566, "lemma": 699, "hyponym": 889, "hypernym": 339}
    assert len(audit) == len(dnm) and audit.corpus_fingerprint == dnm.fingerprint
    assert audit.false_negative_mask().sum() == len(dnm) - audit.counts()["none"]
    assert ((audit.id_index >= 0) == audit.false_negative_mask()).all()


def test_small_id_set(full, wn):
    ten = get_label_set("imagenet10")
    audit = audit_false_negatives(full, ten, wordnet=wn)
    assert relation_of(audit, full, "tabby")[0] == "none"
    assert relation_of(audit, full, "brambling") == ("lemma", 0)
    assert set(audit.id_index[audit.id_index >= 0]) <= set(range(len(ten)))


def test_bad_input(full, imagenet, wn):
    with pytest.raises(ValueError, match="no wnids"):
        audit_false_negatives(full, get_label_set("cifar10"), wordnet=wn)
    with pytest.raises(ValueError, match="not a WordNet 3.0 noun synset"):
        audit_false_negatives(full, LabelSet("x", ("ghost",), ("n00000001",), "test"), wordnet=wn)
    with pytest.raises(ValueError, match="max_hypernym_depth"):
        audit_false_negatives(full, imagenet, max_hypernym_depth=-1, wordnet=wn)
    with pytest.raises(ValueError, match="relation must be"):
        audit_false_negatives(full, get_label_set("imagenet10"), wordnet=wn).mask("synonym")
    odd = LabelCorpus("x", ("tench",), ("noun",), ("no_such.n.01",), ("noun.animal",))
    with pytest.raises(ValueError, match="not in WordNet 3.0"):
        audit_false_negatives(odd, imagenet, wordnet=wn)
