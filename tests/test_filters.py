"""Filters before mining: the WordNet filter against hand-checked words, and published verdict files."""

from __future__ import annotations

import numpy as np
import pytest

from debiasood.data.corpora import ADJECTIVE, NOUN, LabelCorpus, load_corpus
from debiasood.data.filters import (
    FilterResult,
    Verdict,
    match_key,
    no_filter,
    parse_filter_spec,
    parse_verdicts,
    verdicts_filter,
    wordnet_filter,
)
from debiasood.data.label_sets import LabelSet, get_label_set


@pytest.fixture(scope="module")
def imagenet():
    return get_label_set("imagenet1k")


@pytest.fixture(scope="module")
def dnm():
    return load_corpus("dnm")


# Checked by hand in WordNet 3.0 against ImageNet-1K's classes:
#   umbrella (umbrella.s.01, an adjective) is a lemma of the class 'umbrella' (n04507155);
#   dinner table (dinner_table.n.01) is a kind of dining table (n03201208): a hyponym;
#   maul (maul.n.01) is a kind of hammer (n03481172): a hyponym;
#   oven (oven.n.01) is the direct hypernym of Dutch oven (n03259280);
#   external carotid artery and aqueous (aqueous.a.02) relate to no class.
HAND_CHECKED = {"umbrella": "lemma", "dinner table": "hyponym", "maul": "hyponym", "oven": "hypernym",
                "external carotid artery": None, "aqueous": None}


@pytest.fixture(scope="module")
def hand_checked(dnm):
    return dnm.subset([dnm.words.index(w) for w in HAND_CHECKED], name="hand-checked")


def test_wordnet_filter_on_the_dnm_corpus(dnm, imagenet):
    result = wordnet_filter()(dnm, imagenet)
    keep = dict(zip(dnm.words, result.keep, strict=True))
    assert not keep["umbrella"]
    assert keep["external carotid artery"]
    assert "umbrella" in result.removed["lemma"]
    assert result.counts()["kept"] + result.counts()["removed"] == len(dnm)
    filtered = result.subset(dnm)
    assert len(filtered) == result.counts()["kept"] and "umbrella" not in filtered.words
    assert filtered.words == tuple(dnm.words[i] for i in result.rows)


def test_dalmatian_is_dropped_where_the_corpus_has_it(imagenet):
    """'dalmatian' is not in the dnm corpus (its only sense there would come from adj.pert or noun.animal, both
    excluded); in NegLabel's corpus it is the adjective dalmatian.a.01, which names the class 'Dalmatian'."""
    corpus = load_corpus("neglabel")
    index = corpus.words.index("dalmatian")
    result = wordnet_filter()(corpus.subset([index, corpus.words.index("external carotid artery")]), imagenet)
    assert result.keep.tolist() == [False, True]
    assert result.removed["lemma"] == ("dalmatian",)


@pytest.mark.parametrize("relations", [("lemma", "hyponym", "hypernym"), ("lemma",), ("hyponym",), ("hypernym",),
                                       ("hypernym", "lemma")])
def test_each_relation_switches_on_and_off(hand_checked, imagenet, relations):
    result = wordnet_filter(relations)(hand_checked, imagenet)
    expected = [HAND_CHECKED[w] not in relations for w in hand_checked.words]
    assert result.keep.tolist() == expected
    for relation in relations:
        assert result.removed[relation] == tuple(w for w in hand_checked.words if HAND_CHECKED[w] == relation)
    assert result.no_verdict == ()


def test_wordnet_filter_needs_wordnet_classes(hand_checked):
    no_wnids = LabelSet("mine", ("cat", "dog"), None, "a test")
    with pytest.raises(ValueError, match="has no wnids"):
        wordnet_filter()(hand_checked, no_wnids)


@pytest.mark.parametrize("relations", [(), ("none",), ("synonym",), "lemmas"])
def test_wordnet_filter_refuses_unknown_relations(relations):
    with pytest.raises(ValueError, match="relations must be a non-empty subset"):
        wordnet_filter(relations)


# ---- verdict files ----

def negrefine_lines(*lines: str) -> str:
    """NegRefine's writer ends every judgement line with a space ("... | subcategory \\n")."""
    return "".join(f"{line} \n" for line in lines)


NOUN_FILE = negrefine_lines(
    "external carotid artery | matchstick |",
    "external carotid artery | scabbard |",
    "smooth aster | daisy | subcategory",
    "bolivia | proper noun",
    "bradleys spleenwort | fern |",
    "organ stop | pipe organ | subcategory",
    "deep space | proper noun",  # a noun; its last word is a CSP superclass word, yet it must not touch 'deep'
) + "---------------------------------------------\nn_proper: 2\nn_same: 0\nn_subcatgeory: 2\n"

ADJ_FILE = negrefine_lines(
    "aqueous pattern | website |",
    "aqueous pattern | jellyfish | subcategory",
    "deep view | lakeshore |",
    "yk compliant area | desktop computer |",
)


def corpus_of(rows: list[tuple[str, str, str]]) -> LabelCorpus:
    """A hand-made corpus: (word, part of speech, source word)."""
    words, parts, sources = (tuple(column) for column in zip(*rows, strict=True))
    return LabelCorpus(name="hand", words=words, parts_of_speech=parts, synsets=("",) * len(rows),
                       lexfiles=("",) * len(rows), source_words=sources)


@pytest.fixture
def verdict_dir(tmp_path):
    (tmp_path / "llm_process_noun.txt").write_text(NOUN_FILE, encoding="utf-8")
    (tmp_path / "llm_process_adj.txt").write_text(ADJ_FILE, encoding="utf-8")
    return tmp_path


CORPUS_ROWS = [
    ("external carotid artery", NOUN, "external carotid artery"),  # judged, kept
    ("smooth aster", NOUN, "smooth aster"),  # subcategory of daisy
    ("bolivia", NOUN, "bolivia"),  # proper noun
    ("bradley's spleenwort", NOUN, "bradley's spleenwort"),  # matched after NegRefine's cleaning, kept
    ("organ stop", NOUN, "organ stop"),  # subcategory
    ("aqueous", ADJECTIVE, "aqueous"),  # its phrase "aqueous pattern" was removed (one subcategory line)
    ("deep", ADJECTIVE, "deep"),  # "deep view" kept; the NOUN "deep space" must not match this adjective
    ("y2k compliant", ADJECTIVE, "y2k compliant"),  # cleaned to "yk compliant", phrase kept
    ("umbrella", ADJECTIVE, "umbrella"),  # no verdict
    ("tree", NOUN, "tree"),  # no verdict
    ("aqueous space", ADJECTIVE, "aqueous"),  # a CSP phrase of this project: matched through its adjective
]


def test_verdicts_filter_on_a_negrefine_style_directory(verdict_dir, imagenet):
    result = verdicts_filter(verdict_dir)(corpus_of(CORPUS_ROWS), imagenet)
    assert result.keep.tolist() == [True, False, False, True, False, False, True, True, True, True, False]
    assert result.removed == {"proper noun": ("bolivia",), "the same": (),
                              "subcategory": ("smooth aster", "organ stop", "aqueous", "aqueous space")}
    assert result.no_verdict == ("umbrella", "tree")
    assert result.counts() == {"kept": 6, "removed": 5, "no_verdict": 2, "removed: proper noun": 1,
                               "removed: the same": 0, "removed: subcategory": 4}


def test_a_single_file_matches_only_its_part_of_speech(verdict_dir, imagenet):
    result = verdicts_filter(verdict_dir / "llm_process_noun.txt")(corpus_of(CORPUS_ROWS), imagenet)
    assert result.removed["subcategory"] == ("smooth aster", "organ stop")
    assert set(result.no_verdict) == {"aqueous", "deep", "y2k compliant", "umbrella", "tree", "aqueous space"}


def test_a_file_of_unknown_part_of_speech_matches_both(tmp_path, imagenet):
    path = tmp_path / "my_verdicts.txt"
    path.write_text("aqueous pattern | jellyfish | subcategory\ntree | proper noun\n", encoding="utf-8")
    records = parse_verdicts(path)
    assert records == [Verdict("aqueous pattern", "jellyfish", "subcategory", None),
                       Verdict("tree", None, "proper noun", None)]
    result = verdicts_filter(records)(corpus_of(CORPUS_ROWS), imagenet)
    assert result.removed["subcategory"] == ("aqueous", "aqueous space")
    assert result.removed["proper noun"] == ("tree",)


def test_parse_verdicts_reads_the_fields(verdict_dir):
    records = parse_verdicts(verdict_dir / "llm_process_noun.txt")
    assert len(records) == 7  # the summary lines are skipped
    assert records[2] == Verdict("smooth aster", "daisy", "subcategory", NOUN)
    assert records[3] == Verdict("bolivia", None, "proper noun", NOUN)
    assert records[0].verdict == ""
    assert {r.part_of_speech for r in parse_verdicts(verdict_dir)} == {NOUN, ADJECTIVE}


@pytest.mark.parametrize("text,message", [
    ("tree | oak | maybe\n", "unknown verdict 'maybe'"),
    ("tree\n", "expected 'negative | ID class | verdict'"),
    ("a | b | c | d\n", "expected 'negative | ID class | verdict'"),
    (" | oak | \n", "the negative label is empty"),
    ("---\nn_proper: 0\n", "holds no verdicts"),
])
def test_bad_verdict_files_are_refused(tmp_path, text, message):
    path = tmp_path / "verdicts.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        parse_verdicts(path)


def test_missing_verdict_files_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        parse_verdicts(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError, match="holds none of NegRefine's verdict files"):
        parse_verdicts(tmp_path)
    with pytest.raises(TypeError, match="non-empty iterable of Verdict"):
        verdicts_filter([])


def test_match_key_is_negrefines_cleaning():
    assert match_key("bradley's spleenwort") == "bradleys spleenwort"
    assert match_key('biosafety level 2"') == "biosafety level"
    assert match_key("[Aqueous  Pattern") == "aqueous pattern"
    assert match_key("ribbon-shaped item") == "ribbon-shaped item"


def test_filter_result_checks_its_bookkeeping():
    with pytest.raises(ValueError, match="account for every False"):
        FilterResult("x", np.array([True, False]), {})
    with pytest.raises(ValueError, match="1-D bool array"):
        FilterResult("x", np.array([1, 0]))


# ---- command-line specs ----

def test_parse_filter_spec(verdict_dir, hand_checked, imagenet):
    assert parse_filter_spec("none") is no_filter
    assert no_filter(hand_checked, imagenet).keep.all()
    assert parse_filter_spec("wordnet")(hand_checked, imagenet).name == "wordnet(lemma,hyponym,hypernym)"
    lemma_only = parse_filter_spec("wordnet:lemma")(hand_checked, imagenet)
    assert lemma_only.keep.tolist() == [HAND_CHECKED[w] != "lemma" for w in hand_checked.words]
    from_spec = parse_filter_spec(f"verdicts:{verdict_dir}")(corpus_of(CORPUS_ROWS), imagenet)
    assert from_spec.keep.tolist() == verdicts_filter(verdict_dir)(corpus_of(CORPUS_ROWS), imagenet).keep.tolist()


@pytest.mark.parametrize("spec", ["", "llm", "verdicts", "verdicts:", "none:x", "wordnet:synonym"])
def test_parse_filter_spec_refuses_unknown_specs(spec):
    with pytest.raises(ValueError):
        parse_filter_spec(spec)
