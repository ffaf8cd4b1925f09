"""The false-negative study: audits of selections, the corpus filter, the oracle, score comparisons, figures."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from debiasood.book import false_negatives as fns
from debiasood.core.evaluation import ScoreSettings
from debiasood.core.scores import dnm_score, neglabel_score
from debiasood.data.audit import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.data.corpora import load_corpus
from debiasood.data.label_sets import get_label_set

NONE, LEMMA, HYPONYM, HYPERNYM = (RELATIONS.index(r) for r in ("none", "lemma", "hyponym", "hypernym"))


def fake_audit(relations, id_index=None, corpus="toy"):
    relations = np.asarray(relations, dtype=np.int8)
    if id_index is None:
        id_index = np.where(relations == NONE, -1, np.arange(len(relations)) % 3)
    return FalseNegativeAudit(corpus, "fp", "toyset", relations, np.asarray(id_index, dtype=np.int32), 2, 2000)


def unit(rng, n, d=8):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---------------------------------------------------------------- selections and their audit


def test_audit_selection_counts_relations_like_a_loop():
    relations = [NONE, LEMMA, HYPONYM, NONE, HYPERNYM, HYPERNYM, NONE, LEMMA]
    audit = fake_audit(relations)
    picked = np.array([1, 4, 5, 6, 0])
    result = fns.audit_selection(audit, picked, "rule")
    expected = {name: sum(relations[i] == code for i in picked) for code, name in enumerate(RELATIONS)}
    assert result.counts == expected and result.size == 5
    assert result.false_negatives == 3 and result.share == pytest.approx(0.6)
    assert result.relation_share("hypernym") == pytest.approx(0.4)
    with pytest.raises(ValueError, match="relation must be one of"):
        result.relation_share("synonym")


@pytest.mark.parametrize("indices, message", [
    (np.array([1, 1]), "repeated"), (np.array([9]), "outside"), (np.array([], dtype=int), "non-empty"),
    (np.array([0.5]), "integer"),
])
def test_audit_selection_rejects_bad_indices(indices, message):
    with pytest.raises(ValueError, match=f"indices.*{message}|{message}"):
        fns.audit_selection(fake_audit([NONE] * 5), indices, "rule")


def test_combine_audits_adds_counts_and_draws():
    audit = fake_audit([NONE, LEMMA, NONE, HYPONYM])
    a, b = fns.audit_selection(audit, np.array([0, 1]), "r"), fns.audit_selection(audit, np.array([2, 3]), "r")
    pooled = fns.combine_audits([a, b], "random")
    assert pooled.draws == 2 and pooled.size == 4 and pooled.share == pytest.approx(0.5)
    other = fns.audit_selection(fake_audit([NONE], corpus="other"), np.array([0]), "r")
    with pytest.raises(ValueError, match="different corpora"):
        fns.combine_audits([a, other], "random")
    with pytest.raises(ValueError, match="at least one"):
        fns.combine_audits([], "random")


def test_audit_table_rows_and_tau_check():
    audit = fns.audit_selection(fake_audit([NONE, LEMMA, NONE, NONE]), np.arange(4), "rule")
    (row,) = fns.audit_table([audit], 0.5)
    assert row["false negatives %"] == 25.0 and row["true-negative share"] == 0.75 and row["lemma"] == 1
    with pytest.raises(ValueError, match="tau_neg"):
        fns.audit_table([audit], 1.5)


def test_examples_follow_the_selection_order():
    audit = fake_audit([LEMMA, NONE, LEMMA, HYPONYM], id_index=[0, -1, 1, 1])
    words, names = ["a", "b", "c", "d"], ["cat", "dog"]
    assert fns.examples(audit, words, np.array([2, 3, 0]), names, "lemma", 5) == ["c → dog", "a → cat"]
    assert fns.examples(audit, words, np.array([2, 3, 0]), names, "lemma", 1) == ["c → dog"]
    with pytest.raises(ValueError, match="relation"):
        fns.examples(audit, words, np.array([0]), names, "none", 1)


# ---------------------------------------------------------------- the corpus filter


def test_lexfile_filter_counts_files_and_net_removal():
    files = ["noun.animal", "noun.animal", "noun.artifact", "noun.food", "noun.artifact"]
    full = fake_audit([LEMMA, NONE, HYPONYM, HYPERNYM, NONE])
    filtered = fake_audit([HYPONYM, NONE])  # one animal word came back from another file
    result = fns.lexfile_filter(files, full, filtered, ["noun.animal", "noun.food"])
    assert result.words_in_files == 3 and result.removed_in_files == 2
    assert result.false_negatives_in_files == {"lemma": 1, "hyponym": 0, "hypernym": 1}
    assert result.total_false_negatives == 3 and result.net_removed == 2
    assert result.removed_share == pytest.approx(2 / 3) and result.word_share == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="hold no word"):
        fns.lexfile_filter(files, full, filtered, ["noun.plant"])
    with pytest.raises(ValueError, match="corpus_lexfiles has 2 entries"):
        fns.lexfile_filter(files[:2], full, filtered, ["noun.animal"])


def test_false_negatives_by_lexfile_is_sorted_largest_first():
    files = ["b", "a", "a", "c", "b", "a"]
    audit = fake_audit([LEMMA, LEMMA, HYPONYM, NONE, HYPERNYM, NONE])
    assert list(fns.false_negatives_by_lexfile(files, audit).items()) == [("a", 2), ("b", 2)]


def test_filter_on_real_wordnet_matches_the_presets():
    imagenet = get_label_set("imagenet1k")
    full, neglabel = load_corpus("full"), load_corpus("neglabel")
    full_audit, neglabel_audit = audit_false_negatives(full, imagenet), audit_false_negatives(neglabel, imagenet)
    result = fns.lexfile_filter(full.lexfiles, full_audit, neglabel_audit, ["noun.animal", "noun.food"])
    assert result.filtered_words == len(neglabel)
    assert result.total_words - result.words_in_files < len(neglabel)  # some of their words come back elsewhere
    assert 0 < result.net_removed <= result.removed_in_files  # words can come back under another sense


# ---------------------------------------------------------------- the oracle


def test_ranking_from_criterion_drops_nan_and_sorts_both_ways():
    criterion = np.array([0.3, np.nan, 0.1, 0.9])
    assert fns.ranking_from_criterion(criterion, higher_is_better=False).tolist() == [2, 0, 3]
    assert fns.ranking_from_criterion(criterion, higher_is_better=True).tolist() == [3, 0, 2]
    with pytest.raises(ValueError, match="criterion"):
        fns.ranking_from_criterion(np.zeros((2, 2)), True)


def reference_oracle(selected, ranking, false_negative, pos):
    out, used = list(selected), set(selected)
    for slot, index in enumerate(selected):
        if false_negative[index]:
            replacement = next(j for j in ranking if pos[j] == pos[index] and j not in used and not false_negative[j])
            used.add(replacement)
            out[slot] = replacement
    return out


def test_oracle_replaces_false_negatives_in_place_like_a_loop():
    rng = np.random.default_rng(3)
    pos = np.array(["noun"] * 60 + ["adj"] * 40)
    false_negative = rng.random(100) < 0.2
    ranking = rng.permutation(100)
    selected = np.concatenate([ranking[pos[ranking] == "noun"][:15], ranking[pos[ranking] == "adj"][:8]])
    oracle = fns.oracle_negatives(selected, ranking, false_negative, pos)
    assert oracle.tolist() == reference_oracle(selected.tolist(), ranking.tolist(), false_negative, pos)
    keep = ~false_negative[selected]
    assert np.array_equal(oracle[keep], selected[keep])  # true negatives keep their slots (and groups)
    assert not false_negative[oracle].any() and len(set(oracle.tolist())) == len(oracle)
    assert np.array_equal(pos[oracle], pos[selected])


def test_oracle_fails_when_no_true_negative_is_left():
    pos = ["noun"] * 3
    with pytest.raises(ValueError, match="too few true negatives"):
        fns.oracle_negatives(np.array([0, 1]), np.array([0, 1, 2]), np.array([True, False, True]), pos)
    with pytest.raises(ValueError, match="aligned"):
        fns.oracle_negatives(np.array([0]), np.array([0, 1]), np.array([True, False]), ["noun"] * 3)


# ---------------------------------------------------------------- scores with mined vs oracle negatives


@pytest.fixture(scope="module")
def toy_scores():
    rng = np.random.default_rng(7)
    return {"id": unit(rng, 60, 16), "ood": {"a": unit(rng, 30, 16), "b": unit(rng, 20, 16)},
            "id_text": unit(rng, 12, 16), "mined": unit(rng, 40, 16), "oracle": unit(rng, 40, 16)}


def test_compare_negatives_matches_the_score_functions(toy_scores):
    t, settings = toy_scores, ScoreSettings(num_groups=4, temperature=0.05, seed=2)
    affected = np.arange(60) % 3 == 0
    comp = fns.compare_negatives(t["id"], t["ood"], t["id_text"], {"mined": t["mined"], "oracle": t["oracle"]},
                                 score="neglabel", negatives_name="toy", affected=affected, settings=settings)
    groups = settings.groups(40)
    for variant in ("mined", "oracle"):
        expected = neglabel_score(t["id"], t["id_text"], t[variant], temperature=0.05, groups=groups)
        np.testing.assert_allclose(comp.id_scores[variant], expected, rtol=1e-6)
        expected_b = neglabel_score(t["ood"]["b"], t["id_text"], t[variant], temperature=0.05, groups=groups)
        np.testing.assert_allclose(comp.ood_scores[variant]["b"], expected_b, rtol=1e-6)
    delta = comp.id_scores["oracle"] - comp.id_scores["mined"]
    assert comp.shift("affected") == pytest.approx(delta[affected].mean())
    assert comp.shift("others") == pytest.approx(delta[~affected].mean())
    assert comp.change("fpr95") == pytest.approx(
        comp.metrics["oracle"]["average"]["fpr95"] - comp.metrics["mined"]["average"]["fpr95"])
    assert {row["world"] for row in comp.rows()} == {"simulated"} and len(comp.rows()) == 6


def test_compare_negatives_dnm_and_identical_sets(toy_scores):
    t, settings = toy_scores, ScoreSettings(num_groups=4, temperature=0.05, tau_neg=0.7)
    comp = fns.compare_negatives(t["id"], t["ood"], t["id_text"], {"mined": t["mined"], "oracle": t["mined"]},
                                 score="dnm", negatives_name="same", affected=np.ones(60, bool), settings=settings)
    expected = dnm_score(t["id"], t["id_text"], t["mined"], tau_neg=0.7, temperature=0.05, groups=settings.groups(40))
    np.testing.assert_allclose(comp.id_scores["mined"], expected, rtol=1e-6)
    assert comp.shift("all") == 0 and comp.change("auroc") == 0
    with pytest.raises(ValueError, match="no ID image"):
        comp.shift("others")
    with pytest.raises(ValueError, match="which must be one of"):
        comp.shift("some")


@pytest.mark.parametrize("kwargs, message", [
    ({"score": "mcm"}, "grouped score"),
    ({"negatives": {"mined": None}}, "keys 'mined' and 'oracle'"),
    ({"sizes": (40, 39)}, "same size"),
    ({"affected": np.ones(5, bool)}, "affected must have one entry per ID image"),
    ({"ood": {}}, "ood_images is empty"),
])
def test_compare_negatives_rejects_bad_input(toy_scores, kwargs, message):
    t = toy_scores
    negatives = kwargs.get("negatives") or {"mined": t["mined"][:kwargs.get("sizes", (40, 40))[0]],
                                            "oracle": t["oracle"][:kwargs.get("sizes", (40, 40))[1]]}
    with pytest.raises(ValueError, match=message):
        fns.compare_negatives(t["id"], kwargs.get("ood", t["ood"]), t["id_text"], negatives,
                              score=kwargs.get("score", "neglabel"), negatives_name="x",
                              affected=kwargs.get("affected", np.zeros(60, bool)))


def test_affected_images_are_the_classes_named_by_mined_false_negatives():
    audit = fake_audit([LEMMA, NONE, HYPONYM, HYPERNYM], id_index=[4, -1, 2, 7])
    classes = np.array([4, 2, 7, 1, 4])
    assert fns.affected_images(classes, audit, np.array([0, 1, 2])).tolist() == [True, True, False, False, True]


# ---------------------------------------------------------------- what WordNet cannot see


def test_text_lookalikes_against_brute_force():
    rng = np.random.default_rng(11)
    candidates, ids = unit(rng, 200, 12), unit(rng, 9, 12)
    false_negative = rng.random(200) < 0.1
    look = fns.text_lookalikes(candidates, ids, false_negative, quantile=0.25)
    sims = candidates.astype(np.float64) @ ids.T.astype(np.float64)
    np.testing.assert_allclose(look.max_similarity, sims.max(axis=1), atol=1e-5)
    assert np.array_equal(look.nearest, sims.argmax(axis=1))
    assert look.threshold == pytest.approx(np.quantile(sims.max(axis=1)[false_negative], 0.25), abs=1e-5)
    expected = (look.max_similarity >= look.threshold) & ~false_negative
    assert np.array_equal(look.mask, expected) and look.mask.any()
    assert look.share(np.arange(200)) == pytest.approx(expected.mean())
    first = look.examples([f"w{i}" for i in range(200)], np.arange(200), [f"c{k}" for k in range(9)], 1)[0]
    best = np.flatnonzero(expected)[np.argmax(look.max_similarity[expected])]
    assert first.startswith(f"w{best} → c{look.nearest[best]} (")


@pytest.mark.parametrize("kwargs, message", [
    ({"false_negative": np.zeros(20, bool)}, "marks no word"),
    ({"false_negative": np.ones(3, bool)}, "one entry per candidate"),
    ({"quantile": 0.0}, "quantile"),
    ({"id_features": np.ones((2, 5), np.float32)}, "equal widths"),
])
def test_text_lookalikes_rejects_bad_input(kwargs, message):
    rng = np.random.default_rng(0)
    args = {"candidate_features": unit(rng, 20), "id_features": unit(rng, 3), "false_negative": np.arange(20) < 4,
            **kwargs}
    with pytest.raises(ValueError, match=message):
        fns.text_lookalikes(**args)


def test_name_matches_only_unrelated_words_spelled_like_a_class_name():
    audit = fake_audit([NONE, LEMMA, NONE, NONE])
    words = ["duck", "tabby", "democracy", "Goldfish"]
    assert fns.name_matches(words, audit, ["duck", "tabby cat", "goldfish"]).tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match="words has 2 entries"):
        fns.name_matches(words[:2], audit, ["duck"])


def test_depth_sweep_matches_direct_audits_on_real_wordnet():
    imagenet = get_label_set("imagenet1k")
    corpus = load_corpus("dnm")
    picked = np.array([corpus.words.index(w) for w in ("firearm", "rifle", "boat", "democracy", "cruise ship")])
    sweep = fns.depth_sweep({"rule": (corpus, picked)}, imagenet, [0, 2])
    for position, depth in enumerate([0, 2]):
        audit = audit_false_negatives(corpus, imagenet, max_hypernym_depth=depth)
        assert sweep["rule"][position] == pytest.approx(100 * fns.audit_selection(audit, picked, "r").share)
    assert sweep["rule"][0] < sweep["rule"][1]  # 'firearm' and 'boat' are close hypernyms, not kinds
    with pytest.raises(ValueError, match="depths"):
        fns.depth_sweep({"rule": (corpus, picked)}, imagenet, [-1])


# ---------------------------------------------------------------- figures


def test_figures_are_returned_with_one_panel_each(toy_scores):
    audit = fake_audit([NONE, LEMMA, HYPONYM, HYPERNYM])
    audits = [fns.audit_selection(audit, np.arange(4), "all"), fns.audit_selection(audit, np.array([0, 1]), "half")]
    assert isinstance(fns.plot_false_negative_shares(audits, tau_neg=0.5), Figure)
    fig = fns.plot_lexfile_false_negatives({"noun.artifact": 5, "noun.animal": 3}, ["noun.animal"])
    assert len(fig.axes) == 1
    t = toy_scores
    comp = fns.compare_negatives(t["id"], t["ood"], t["id_text"], {"mined": t["mined"], "oracle": t["oracle"]},
                                 score="neglabel", negatives_name="toy", affected=np.arange(60) < 30,
                                 settings=ScoreSettings(num_groups=4, temperature=0.05))
    assert len(fns.plot_id_score_shift([comp, comp]).axes) == 2
    with pytest.raises(ValueError, match="floor"):
        fns.plot_id_score_shift([comp], floor=2.0)
