"""The WordNet audit of the real CLIP selections and the book's tables, checked against an independent audit.

The reference here walks WordNet with nltk's own synset relations (no project audit code) for the matched
words only, and the LLM side is rebuilt from the kept-label files rather than from the filter log.
"""

import collections
import math

import numpy as np
import pytest

from debiasood.book.real_evidence import REAL, REPORTED, RealEvidence, real_evidence
from debiasood.data.audit import audit_false_negatives
from debiasood.data.corpora import load_corpus
from debiasood.data.label_sets import get_label_set
from debiasood.data.real_audit import audit_real_selection, negrefine_agreement
from debiasood.data.real_negatives import load_real_selection, match_to_corpus, negrefine_clean
from debiasood.data.wordnet import get_wordnet

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def evidence() -> RealEvidence:
    return real_evidence()


@pytest.fixture(scope="module")
def reference_relation():
    """word synset name -> relation, straight from nltk: the rules of the book's method reference."""
    reader = get_wordnet().reader
    ids = [reader.synset_from_pos_and_offset("n", int(w[1:])) for w in get_label_set("imagenet1k").wnids]
    id_names = {s.name() for s in ids}
    id_lemmas = {name.lower().replace("_", " ") for s in ids for name in s.lemma_names()}
    down = lambda s: s.hyponyms() + s.instance_hyponyms()  # noqa: E731
    up = lambda s: s.hypernyms() + s.instance_hypernyms()  # noqa: E731
    below = {h.name() for s in ids for h in s.closure(down)}
    close_above = set()
    for s in ids:
        frontier = [s]
        for _ in range(2):
            frontier = [h for f in frontier for h in up(f)]
            close_above |= {h.name() for h in frontier if len(list(h.closure(down))) <= 2000}

    def relation(word: str, synset: str) -> str:
        if synset in id_names or word in id_lemmas:
            return "lemma"
        if synset in below:
            return "hyponym"
        if synset in close_above:
            return "hypernym"
        return "none"

    return relation


def _reference_counts(name, preset, relation):
    corpus = load_corpus(preset)
    rows = match_to_corpus(load_real_selection(name), corpus).indices
    return collections.Counter(relation(corpus.words[i], corpus.synsets[i]) for i in rows), corpus, rows


def test_neglabel_real_audit_matches_an_independent_wordnet_walk(evidence, reference_relation):
    counts, _, rows = _reference_counts("neglabel", "neglabel", reference_relation)
    audit = evidence.audits["neglabel"]
    assert audit.matched() == len(rows) == 10459
    for relation in ("lemma", "hyponym", "hypernym"):
        assert audit.false_negatives(None, relation) == counts[relation], relation
    # The documented measurement: 289 false negatives (52 lemma, 236 hyponym, 1 close hypernym), 2.76%.
    assert (counts["lemma"], counts["hyponym"], counts["hypernym"]) == (52, 236, 1)
    assert audit.share() == pytest.approx(289 / 10459)


def test_csp_nouns_real_audit_matches_an_independent_wordnet_walk(evidence, reference_relation):
    selection = load_real_selection("csp")
    corpus = load_corpus("csp")
    match = match_to_corpus(selection, corpus)
    nouns = match.rows[(match.rows >= 0) & (np.asarray(selection.parts_of_speech) == "noun")]
    fn = sum(reference_relation(corpus.words[i], corpus.synsets[i]) != "none" for i in nouns)
    audit = evidence.audits["csp"]
    assert audit.matched("noun") == len(nouns) == 7003
    assert audit.false_negatives("noun") == fn == 112  # 1.60%, as documented
    assert audit.share("noun") == pytest.approx(fn / len(nouns))


def test_documented_false_negatives_of_neglabels_real_selection(evidence):
    audit = evidence.audits["neglabel"]
    examples = " ".join(" ".join(v) for v in audit.examples.values())
    corpus = load_corpus("neglabel")
    rows = set(audit.match.indices.tolist())
    wordnet = get_wordnet().reader
    id_lemmas = {n.lower().replace("_", " ") for w in get_label_set("imagenet1k").wnids
                 for n in wordnet.synset_from_pos_and_offset("n", int(w[1:])).lemma_names()}
    for word in ("dalmatian", "umbrella", "maltese", "capuchin", "greenhouse"):
        assert corpus.words.index(word) in rows, f"{word!r} is in NegLabel's real selection"
        assert word in id_lemmas, f"{word!r} names an ImageNet-1K synset"
    assert "yellow lady's slipper" in audit.id_names and "rain barrel" in audit.id_names
    assert "cortinarius violaceus → agaric" in examples


def test_base_rate_is_the_corpus_share(evidence, reference_relation):
    audit = evidence.audits["neglabel"]
    corpus = load_corpus("neglabel")
    sample = range(0, len(corpus), 7)  # an independent estimate on every 7th word
    share = np.mean([reference_relation(corpus.words[i], corpus.synsets[i]) != "none" for i in sample])
    assert audit.base_rate() == pytest.approx(share, abs=0.004)
    assert audit.base_rate() == pytest.approx(0.0281, abs=0.00005)  # documented: 2.81%


def test_lexfile_shares_count_the_matched_words(evidence):
    for name, preset in (("neglabel", "neglabel"), ("csp", "csp")):
        corpus = load_corpus(preset)
        rows = evidence.audits[name].match.indices
        counts = collections.Counter(corpus.lexfiles[i] for i in rows)
        shares = evidence.audits[name].lexfile_shares()
        assert shares["noun.plant"][0] == pytest.approx(counts["noun.plant"] / len(rows))
        assert shares["noun.plant"][1] == pytest.approx(corpus.lexfiles.count("noun.plant") / len(corpus))
        assert sum(s for s, _ in shares.values()) == pytest.approx(1.0)
        assert next(iter(shares)) == "noun.plant"  # plants lead both real selections
    nouns = evidence.audits["csp"].lexfile_shares("noun")
    assert nouns["noun.plant"][0] == pytest.approx(0.565, abs=0.005)  # documented: ~57% of CSP's nouns


def test_llm_agreement_rebuilt_from_the_kept_lists(evidence, reference_relation):
    csp, kept = load_real_selection("csp"), load_real_selection("negrefine")
    kept_nouns = {p for p, q in zip(kept.phrases, kept.parts_of_speech, strict=True) if q == "noun"}
    corpus = load_corpus("csp")
    match = match_to_corpus(csp, corpus)
    table = collections.Counter()
    for phrase, part, row in zip(csp.phrases, csp.parts_of_speech, match.rows, strict=True):
        if part == "noun" and row >= 0:
            removed = negrefine_clean(phrase) not in kept_nouns
            table[(removed, reference_relation(corpus.words[row], corpus.synsets[row]) != "none")] += 1
    agreement = evidence.agreement
    for removed in (False, True):
        for fn in (False, True):
            assert agreement.count("noun", removed, fn) == table[(removed, fn)]
    assert agreement.recall("noun") == pytest.approx(table[(True, True)] / (table[(True, True)] + table[(False, True)]))
    assert 0.85 < agreement.recall("noun") < 0.9  # most WordNet false negatives are among the removed words
    assert agreement.false_negative_share("noun", True) > 10 * agreement.false_negative_share("noun", False)


def test_tables_and_numbers_are_labelled_real(evidence):
    tables = evidence.tables()
    assert set(tables) == {"audit", "examples", "lexfiles", "agreement", "removals", "reported"}
    for name, rows in (("audit", evidence.audit_rows()), ("lexfiles", evidence.lexfile_rows()),
                       ("agreement", evidence.agreement_rows()), ("examples", evidence.example_rows())):
        assert rows and all(row["data"] == REAL for row in rows), name
        assert REAL in tables[name] and tables[name].startswith("| data |")
    assert all(row["data"] == REPORTED for row in evidence.reported_rows())
    numbers = evidence.numbers()
    assert all(isinstance(v, int) or math.isfinite(v) for v in numbers.values())
    assert numbers["real_fn_share_neglabel"] == 2.76 and numbers["real_base_rate_neglabel"] == 2.81
    assert numbers["real_fn_share_nouns_csp"] == 1.60 and numbers["real_fn_neglabel"] == 289
    first = evidence.audit_rows()[0]
    assert (first["lemma"], first["hyponym"], first["hypernym"], first["matched"]) == (52, 236, 1, 10459)


def test_audit_refuses_bad_input():
    with pytest.raises(ValueError, match="unknown real selection"):
        audit_real_selection("clip")
    with pytest.raises(ValueError, match="n_examples"):
        audit_real_selection("neglabel", n_examples=-1)
    corpus = load_corpus("csp")
    with pytest.raises(ValueError, match="audit is of corpus"):
        audit_real_selection("neglabel", corpus=load_corpus("neglabel"),
                             audit=audit_false_negatives(corpus, get_label_set("imagenet1k")))
    with pytest.raises(ValueError, match="part"):
        negrefine_agreement().count("verb")
