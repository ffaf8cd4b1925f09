"""The false-negative study: audits with their random controls, real CLIP's selections, the corpus filter, the oracle
and its paired comparisons, what WordNet cannot see, notes and figures."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from debiasood.book import false_negatives as fns
from debiasood.core.evaluation import Settings
from debiasood.data.audit import RELATIONS, FalseNegativeAudit, audit_false_negatives
from debiasood.data.bundle import FeatureBundle, ImageSet, Provenance, TextSide
from debiasood.data.corpora import LabelCorpus, load_corpus
from debiasood.data.label_sets import get_label_set
from debiasood.data.real_audit import audit_real_selection

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


# ---------------------------------------------------------------- scores with mined vs oracle negatives


def reference_neglabel(images, id_text, neg, temperature, groups):
    """NegLabel's grouped score in float64 from its formula: (1/G) sum_g S_ID / (S_ID + N_g)."""
    images, id_text, neg = (np.asarray(a, np.float64) for a in (images, id_text, neg))
    s_id = np.exp(images @ id_text.T / temperature).sum(axis=1)
    return np.mean([s_id / (s_id + np.exp(images @ neg[g].T / temperature).sum(axis=1)) for g in groups], axis=0)


def reference_dnm(images, id_text, neg, tau, temperature, groups):
    """DNM's clamped score in float64: positives = the ID labels, E_neg_g clamped at exp(-1/T)."""
    images, id_text, neg = (np.asarray(a, np.float64) for a in (images, id_text, neg))
    exp_id = np.exp(images @ id_text.T / temperature)
    s_id, positive = exp_id.sum(axis=1), exp_id.mean(axis=1)
    terms = []
    for g in groups:
        q = len(g)
        e_neg = np.exp(images @ neg[g].T / temperature).sum(axis=1) / (tau * q) - (1 - tau) / tau * positive
        terms.append(s_id / (s_id + q * np.maximum(e_neg, np.exp(-1 / temperature))))
    return np.mean(terms, axis=0)


@pytest.fixture(scope="module")
def toy_scores():
    rng = np.random.default_rng(7)
    return {"images": {"id": unit(rng, 60, 16), "a": unit(rng, 30, 16), "b": unit(rng, 20, 16)},
            "id_text": unit(rng, 12, 16), "mined": unit(rng, 40, 16), "oracle": unit(rng, 40, 16)}


def compare(t, score="neglabel", settings=None, affected=None, oracle=None):
    return fns.compare_negatives(t["images"], "id", t["id_text"],
                                 {"mined": t["mined"], "oracle": t["oracle"] if oracle is None else oracle},
                                 score=score, negatives_name="toy", settings=settings, label="toy features",
                                 affected=affected)


def test_compare_negatives_matches_the_formula_and_pairs_the_difference(toy_scores):
    t, settings = toy_scores, Settings(num_groups=4, temperature=0.05, seed=2)
    affected = np.arange(60) % 3 == 0
    comp = compare(t, settings=settings, affected=affected)
    groups = settings.groups(40)
    for variant in ("mined", "oracle"):
        for name, images in t["images"].items():
            # The evaluation holds the log-odds (exact ranking); their sigmoid is NegLabel's score.
            np.testing.assert_allclose(1 / (1 + np.exp(-comp.evaluation.scores[variant][name])),
                                       reference_neglabel(images, t["id_text"], t[variant], 0.05, groups), rtol=1e-5)
    delta = comp.id_scores("oracle") - comp.id_scores("mined")
    assert comp.shift("affected") == pytest.approx(delta[affected].mean())
    assert comp.shift("others") == pytest.approx(delta[~affected].mean())
    assert comp.shift("all") == pytest.approx(delta.mean())
    assert comp.ood_scores("mined").shape == (50,)
    assert comp.change("fpr95") == pytest.approx(
        comp.evaluation.metrics("oracle")["average"]["fpr95"] - comp.evaluation.metrics("mined")["average"]["fpr95"])
    rows = comp.rows()
    assert len(rows) == 6 and {row["world"] for row in rows} == {"toy features"}
    claims = comp.claims(num_resamples=50, seed=1)
    assert [row["metric"] for row in claims] == ["fpr95", "auroc"]
    for row in claims:
        assert row["oracle - mined"] == pytest.approx(comp.change(row["metric"]))
        assert row["low"] <= row["high"] and row["world"] == "toy features"
        assert row["verdict"] in ("oracle better", "mined better", "no difference")


def test_compare_negatives_dnm_and_identical_sets(toy_scores):
    t, settings = toy_scores, Settings(num_groups=4, temperature=0.05, tau_neg=0.7)
    comp = compare(t, score="dnm", settings=settings, affected=np.ones(60, bool), oracle=t["mined"])
    expected = reference_dnm(t["images"]["id"], t["id_text"], t["mined"], 0.7, 0.05, settings.groups(40))
    np.testing.assert_allclose(comp.id_scores("mined"), expected, rtol=1e-5)
    assert comp.shift("all") == 0 and comp.change("auroc") == 0
    assert all(row["verdict"] == "no difference" and row["oracle - mined"] == 0
               for row in comp.claims(num_resamples=20))
    with pytest.raises(ValueError, match="no ID image"):
        comp.shift("others")
    with pytest.raises(ValueError, match="which must be one of"):
        comp.shift("some")
    without_labels = compare(t, settings=settings)
    assert without_labels.affected is None
    with pytest.raises(ValueError, match="no class labels"):
        without_labels.shift("affected")


@pytest.mark.parametrize("kwargs, message", [
    ({"score": "mcm"}, "grouped score"),
    ({"negatives": {"mined": None}}, "keys 'mined' and 'oracle'"),
    ({"sizes": (40, 39)}, "same size"),
    ({"affected": np.ones(5, bool)}, "affected must have one entry per ID image"),
    ({"images": {"id": None}}, "at least one OOD set"),
])
def test_compare_negatives_rejects_bad_input(toy_scores, kwargs, message):
    t = toy_scores
    sizes = kwargs.get("sizes", (40, 40))
    negatives = kwargs.get("negatives") or {"mined": t["mined"][:sizes[0]], "oracle": t["oracle"][:sizes[1]]}
    with pytest.raises(ValueError, match=message):
        fns.compare_negatives(kwargs.get("images", t["images"]), "id", t["id_text"], negatives,
                              score=kwargs.get("score", "neglabel"), negatives_name="x",
                              affected=kwargs.get("affected"))


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


# ---------------------------------------------------------------- the random control


def enumerated_pmf(population, draws):
    """The false-negative count of a uniform draw per part, by enumerating every draw (small cases only)."""
    per_part = []
    for part, n in draws.items():
        size, positives = population[part]
        counts = np.zeros(n + 1)
        for subset in itertools.combinations(range(size), n):
            counts[sum(i < positives for i in subset)] += 1
        per_part.append(counts / math.comb(size, n))
    total = np.zeros(sum(draws.values()) + 1)
    for combo in itertools.product(*(range(len(p)) for p in per_part)):
        total[sum(combo)] += np.prod([p[c] for p, c in zip(per_part, combo, strict=True)])
    return total


def test_random_control_matches_an_enumeration_of_every_draw():
    population, draws = {"noun": (9, 4), "adj": (6, 1)}, {"noun": 5, "adj": 3}
    control = fns.random_control(population, draws, level=0.8)
    reference = enumerated_pmf(population, draws)
    np.testing.assert_allclose(control.pmf, reference[:len(control.pmf)], atol=1e-12)
    assert reference[len(control.pmf):].sum() == pytest.approx(0)  # the support ends at min(n, K) per part
    assert control.mean_share == pytest.approx(np.dot(np.arange(len(reference)), reference) / 8)
    cdf = np.cumsum(reference)
    assert control.low == int(np.argmax(cdf >= 0.1 - 1e-12)) and control.high == int(np.argmax(cdf >= 0.9 - 1e-12))
    assert control.low > 0, "the case must leave room below the range"
    assert control.verdict(control.low - 1) == "fewer than random"
    assert control.verdict(control.high + 1) == "more than random"
    assert control.verdict(control.low) == "as random"


def test_random_control_agrees_with_seeded_draws():
    from debiasood.core.controls import random_negatives

    rng = np.random.default_rng(0)
    parts = np.array(["noun"] * 700 + ["adj"] * 300)
    false_negative = np.concatenate([rng.random(700) < 0.08, rng.random(300) < 0.01])
    draws = {"noun": 120, "adj": 40}
    control = fns.random_control(fns.population_by_part(parts, false_negative), draws)
    counts = [false_negative[random_negatives(parts, draws, seed)].sum() for seed in range(2000)]
    assert np.mean(counts) / 160 == pytest.approx(control.mean_share, abs=0.002)
    inside = np.mean([control.low <= c <= control.high for c in counts])
    assert 0.93 <= inside <= 0.99  # a central 95% range of a discrete count covers at least 95%


def test_population_by_part_and_bad_controls():
    parts = ["noun", "adj", "noun", "noun"]
    assert fns.population_by_part(parts, np.array([True, True, False, True])) == {"noun": (3, 2), "adj": (1, 1)}
    with pytest.raises(ValueError, match="aligned"):
        fns.population_by_part(parts, np.array([True]))
    with pytest.raises(ValueError, match="lacks"):
        fns.random_control({"noun": (3, 1)}, {"adj": 1})
    with pytest.raises(ValueError, match="cannot yield"):
        fns.random_control({"noun": (3, 1)}, {"noun": 4})
    with pytest.raises(ValueError, match="at least one word"):
        fns.random_control({"noun": (3, 1)}, {"noun": 0})
    with pytest.raises(ValueError, match="level"):
        fns.random_control({"noun": (3, 1)}, {"noun": 1}, level=1.0)


def toy_corpus(parts, lexfiles):
    n = len(parts)
    return LabelCorpus("toy", tuple(f"w{i}" for i in range(n)), tuple(parts), ("",) * n, tuple(lexfiles))


def test_audit_rule_counts_controls_and_plant_shares():
    parts = ["noun"] * 6 + ["adj"] * 4
    lexfiles = ["noun.plant", "noun.plant", "noun.artifact", "noun.plant", "noun.act", "noun.act"] + ["adj.all"] * 4
    relations = [LEMMA, NONE, HYPONYM, NONE, NONE, NONE, LEMMA, NONE, NONE, NONE]
    audit, corpus = fake_audit(relations), toy_corpus(parts, lexfiles)
    picked = np.array([0, 1, 4, 6, 7])
    rule = fns.audit_rule(audit, corpus, picked, "rule", source="toy features", seeds=range(3))
    assert rule.audit.false_negatives == 2 and rule.base_rate == pytest.approx(0.3)
    assert rule.control.draws == {"noun": 3, "adj": 2}
    assert rule.control.population == {"noun": (6, 2), "adj": (4, 1)}
    assert rule.plant_share == pytest.approx(2 / 3) and rule.corpus_plant_share == pytest.approx(3 / 6)
    assert rule.random.draws == 3 and rule.random.size == 15
    assert rule.verdict == rule.control.verdict(2)
    (row,) = fns.rule_rows([rule])
    assert row["false negatives %"] == pytest.approx(40) and row["corpus base rate %"] == pytest.approx(30)
    assert row["data"] == "toy features" and row["vs random"] == rule.verdict
    (draws,) = fns.random_draw_rows([rule])
    assert draws["draws"] == 3 and draws["words per draw"] == 5
    with pytest.raises(ValueError, match="seeds is empty"):
        fns.audit_rule(audit, corpus, picked, "rule", source="x", seeds=[])
    with pytest.raises(ValueError, match="covers 10 words"):
        fns.audit_rule(audit, toy_corpus(parts[:4], lexfiles[:4]), np.array([0]), "rule", source="x", seeds=[0])


def test_noun_share_counts_nouns_only():
    assert fns.noun_share(["noun.plant", "adj.all", "noun.act"], ["noun", "adj", "noun"], np.array([0, 1, 2])) == 0.5
    assert fns.noun_share(["noun.plant", "adj.all"], ["noun", "adj"], np.array([1])) == 0.0


@pytest.fixture(scope="module")
def real_neglabel():
    return audit_real_selection("neglabel", n_examples=2)


def test_real_neglabel_selection_holds_false_negatives_at_the_random_rate(real_neglabel):
    """The chapter's REAL claim, from the vendored selection and an independent count of its corpus."""
    rule = fns.real_rule_audit(real_neglabel)
    corpus = load_corpus("neglabel")
    audit = audit_false_negatives(corpus, get_label_set("imagenet1k"))
    fn, parts = audit.false_negative_mask(), np.asarray(corpus.parts_of_speech)
    expected = sum(real_neglabel.matched(p) * fn[parts == p].mean() for p in ("noun", "adj")) / real_neglabel.matched()
    assert rule.control.mean_share == pytest.approx(expected)
    assert rule.audit.false_negatives == 289 and rule.audit.size == 10459 and rule.source == fns.REAL
    assert rule.verdict == "as random"
    assert rule.plant_share == pytest.approx(real_neglabel.lexfile_shares("noun")["noun.plant"][0])
    (tau_row,) = fns.true_negative_rows([rule], 0.5, num_bootstrap=200)
    assert tau_row["tau* (WordNet)"] == pytest.approx(1 - 289 / 10459)
    assert tau_row["tau* low"] <= tau_row["tau* (WordNet)"] <= tau_row["tau* high"]
    assert tau_row["bias factor (tau - tau*) / tau"] == pytest.approx((0.5 - (1 - 289 / 10459)) / 0.5)


def test_comparison_rows_put_real_beside_the_features(real_neglabel):
    real = fns.real_rule_audit(real_neglabel)
    parts, lexfiles = ["noun"] * 4, ["noun.plant"] * 2 + ["noun.act"] * 2
    features = fns.audit_rule(fake_audit([LEMMA, NONE, NONE, NONE]), toy_corpus(parts, lexfiles), np.array([0, 2]),
                              "NegLabel", source="toy features", seeds=[0])
    rows = fns.comparison_rows({"NegLabel": real, "CSP": real}, {"NegLabel": features})
    assert [row["data"] for row in rows] == [fns.REAL, "toy features"]
    assert rows[1]["false negatives %"] == 50 and rows[1]["noun.plant % of the nouns"] == 50
    assert rows[1]["share / random expectation"] == pytest.approx(0.5 / 0.25)
    with pytest.raises(ValueError, match="no rule in common"):
        fns.comparison_rows({"CSP": real}, {"NegLabel": features})


# ---------------------------------------------------------------- the features: notes and label sets


def toy_bundle(world="simulated", pretrained="simulated images (no image encoder)", wnids=("n01440764",)):
    rng = np.random.default_rng(3)
    corpus = toy_corpus(["noun"] * 3, ["noun.plant"] * 3)
    text = TextSide(id_names=("tench",), id_mcm=unit(rng, 1), id_neglabel=unit(rng, 1), corpus=corpus,
                    corpus_features=unit(rng, 3), id_wnids=wnids)
    provenance = Provenance(world, "toy-encoder", pretrained, 8, {}, "toy", "fp", "made by a test", "0", "now")
    return FeatureBundle(provenance, text, {"imagenet1k": ImageSet(unit(rng, 4)), "sun": ImageSet(unit(rng, 2))},
                         "imagenet1k")


def test_notes_come_from_the_provenance():
    simulated, real = toy_bundle(), toy_bundle("real", "random weights")
    assert "simulated: toy-encoder world" in fns.features_note(simulated)
    note = fns.features_note(real)
    assert "real: toy-encoder (random weights)" in note and "simulated" not in note and "Random weights" in note
    assert "3 words without WordNet synsets" in note
    assert "simulated" not in fns.features_note(toy_bundle("real", "openai"))
    assert fns.world_gap_note(real) is None and fns.world_scores_note(real) is None
    assert "toy-encoder" in fns.world_gap_note(simulated) and "not from CLIP" in fns.world_scores_note(simulated)


def test_label_set_of_needs_wnids():
    labels = fns.label_set_of(toy_bundle())
    assert labels.class_names == ("tench",) and labels.wnids == ("n01440764",) and labels.name == "imagenet1k"
    with pytest.raises(ValueError, match="no WordNet ids"):
        fns.label_set_of(toy_bundle(wnids=None))



# ---------------------------------------------------------------- figures


def test_figures_are_returned_with_one_panel_each(toy_scores, real_neglabel):
    parts, lexfiles = ["noun"] * 4, ["noun.plant"] * 4
    rule = fns.audit_rule(fake_audit([NONE, LEMMA, HYPONYM, HYPERNYM]), toy_corpus(parts, lexfiles),
                          np.arange(4), "all", source="toy features", seeds=[0])
    fig = fns.plot_false_negative_shares([fns.real_rule_audit(real_neglabel), rule], tau=0.5)
    assert isinstance(fig, Figure) and "toy features" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="empty"):
        fns.plot_false_negative_shares([])
    fig = fns.plot_lexfile_false_negatives({"noun.artifact": 5, "noun.animal": 3}, ["noun.animal"])
    assert len(fig.axes) == 1
    comp = compare(toy_scores, settings=Settings(num_groups=4, temperature=0.05), affected=np.arange(60) < 30)
    fig = fns.plot_id_score_shift([comp, comp])
    assert len(fig.axes) == 2 and fig.get_suptitle() == "toy features"
    with pytest.raises(ValueError, match="floor"):
        fns.plot_id_score_shift([comp], floor=2.0)
    with pytest.raises(ValueError, match="affected ID image"):
        fns.plot_id_score_shift([compare(toy_scores, settings=Settings(num_groups=4))])


# ---------------------------------------------------------------- the published run


def test_the_published_run_records_its_expected_numbers():
    """The default run (``make book`` writes it to book/generated) against DEFAULT_EXPECTATIONS, when it is newer
    than the page and its back-end (otherwise there is nothing current to check)."""
    import importlib.util
    from pathlib import Path

    from debiasood.book import nb, real_evidence

    root = Path(__file__).resolve().parents[1]
    executed = root / "book" / "generated" / "01_false_negatives.ipynb"
    sources = [root / "notebooks" / "01_false_negatives.py", Path(fns.__file__), Path(real_evidence.__file__)]
    if not executed.exists() or executed.stat().st_mtime < max(path.stat().st_mtime for path in sources):
        pytest.skip("book/generated/01_false_negatives.ipynb is missing or older than its sources: run `make book`")
    spec = importlib.util.spec_from_file_location("expectations_01", root / "tests" / "expectations" /
                                                  "01_false_negatives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.DEFAULT_EXPECTATIONS["01_false_negatives"]
    records = nb.read_records(executed)
    assert set(records) == set(expected)
    outside = {name: (records[name], bounds) for name, bounds in expected.items()
               if not bounds[0] <= records[name] <= bounds[1]}
    assert not outside, f"records outside their expected ranges (value, (low, high)): {outside}"
