"""Text-side fidelity on synthetic text sides where the answer is known, and against independent computations."""

import collections
import hashlib

import numpy as np
import pytest

from debiasood.data.corpora import load_corpus
from debiasood.data.fidelity import fidelity_rows, synset_hash_split, text_side_fidelity
from debiasood.data.label_sets import get_label_set
from debiasood.data.real_negatives import load_real_selection

N_POS, N_NEG, N_ADJ_POS, N_ADJ_NEG = 30, 170, 6, 34  # 30 = 15% of 200 nouns, 6 = 15% of 40 adjectives


@pytest.fixture(scope="module")
def words():
    """Real WordNet words of the DNM corpus (so in both real universes): nouns that both real CLIP rules
    selected, nouns neither did, and adjectives NegLabel selected or not."""
    corpus = load_corpus("dnm")
    neglabel, csp = load_real_selection("neglabel"), load_real_selection("csp")
    real_nl = set(neglabel.words)
    real_csp = {w for w, p in zip(csp.words, csp.parts_of_speech, strict=True) if p == "noun"}
    id_names = set(get_label_set("imagenet1k").class_names)
    rows = {"pos": [], "neg": [], "adj_pos": [], "adj_neg": []}
    for i, (w, p) in enumerate(zip(corpus.words, corpus.parts_of_speech, strict=True)):
        if w in id_names:
            continue
        if p == "noun":
            key = "pos" if (w in real_nl and w in real_csp) else "neg" if (w not in real_nl and w not in real_csp) \
                else None
        else:
            key = "adj_pos" if w in real_nl else "adj_neg"
        if key:
            rows[key].append(i)
    rng = np.random.default_rng(0)
    pick = {k: rng.choice(v, size=n, replace=False) for k, v, n in
            zip(rows, rows.values(), (N_POS, N_NEG, N_ADJ_POS, N_ADJ_NEG), strict=True)}
    order = np.concatenate([pick["pos"], pick["neg"], pick["adj_pos"], pick["adj_neg"]])
    return corpus.subset(order.tolist(), name="synthetic")


def _features(n_rows, low_rows, dim=16, k=20, seed=0):
    """Unit vectors: ID labels near +e0; the rows in ``low_rows`` near -e0 (lowest cosines), the rest near +e0."""
    rng = np.random.default_rng(seed)
    e0 = np.zeros(dim)
    e0[0] = 1
    unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    id_features = unit(3 * e0 + 0.3 * rng.standard_normal((k, dim)))
    sign = np.where(np.isin(np.arange(n_rows), low_rows), -1.0, 1.0)[:, None]
    candidates = unit(sign * 3 * e0 + 0.3 * rng.standard_normal((n_rows, dim)))
    return candidates.astype(np.float32), id_features.astype(np.float32)


def _run(corpus, candidates, id_features, **kwargs):
    return text_side_fidelity(corpus.words, corpus.parts_of_speech, corpus.lexfiles, corpus.synsets, candidates,
                              id_features, **kwargs)


def _real_mask(corpus):
    return np.array([i < N_POS or N_POS + N_NEG <= i < N_POS + N_NEG + N_ADJ_POS for i in range(len(corpus))])


def test_a_text_side_that_ranks_the_real_words_first_agrees_perfectly(words):
    real = _real_mask(words)
    candidates, id_features = _features(len(words), np.flatnonzero(real))
    false_negative = np.zeros(len(words), dtype=bool)
    false_negative[[0, 1, 50]] = True  # two real words, one other
    result = _run(words, candidates, id_features, false_negative=false_negative)
    nl = result.neglabel
    assert (nl.universe, nl.real_selected, nl.selected) == (len(words), N_POS + N_ADJ_POS, N_POS + N_ADJ_POS)
    assert nl.auroc == 1.0 and nl.jaccard == 1.0 and nl.tv_distance == pytest.approx(0.0, abs=1e-12)
    assert nl.fn_share == nl.real_fn_share == pytest.approx(2 / (N_POS + N_ADJ_POS))
    csp = result.csp
    assert (csp.universe, csp.real_selected) == (N_POS + N_NEG, N_POS)
    assert csp.auroc == 1.0 and csp.jaccard == 1.0 and csp.tv_distance == pytest.approx(0.0, abs=1e-12)
    assert [row["rule"] for row in result.table()] == ["neglabel", "csp nouns"]


def test_a_reversed_text_side_disagrees_completely(words):
    others = np.flatnonzero(~_real_mask(words))
    candidates, id_features = _features(len(words), others)
    result = _run(words, candidates, id_features, false_negative=np.zeros(len(words), dtype=bool))
    assert result.neglabel.auroc == 0.0 and result.neglabel.jaccard == 0.0
    assert result.csp.auroc == 0.0 and result.csp.jaccard == 0.0


def test_random_text_side_against_independent_formulas(words):
    rng = np.random.default_rng(3)
    candidates = rng.standard_normal((len(words), 8))
    candidates /= np.linalg.norm(candidates, axis=1, keepdims=True)
    id_features = rng.standard_normal((50, 8))
    id_features /= np.linalg.norm(id_features, axis=1, keepdims=True)
    false_negative = rng.random(len(words)) < 0.2
    result = _run(words, candidates, id_features, false_negative=false_negative).neglabel

    real = _real_mask(words)
    d = np.quantile(candidates @ id_features.T, 0.95, axis=1)  # NegLabel's criterion, lower = selected
    pos, neg = d[real], d[~real]
    auroc = ((pos[:, None] < neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()) / (pos.size * neg.size)
    assert result.auroc == pytest.approx(auroc, abs=1e-6)

    parts = np.asarray(words.parts_of_speech)
    mine, top = set(), set()
    for part, n_real, quota in (("noun", N_POS, 0.15), ("adj", N_ADJ_POS, 0.15)):
        members = np.flatnonzero(parts == part)
        ranked = members[np.argsort(d[members], kind="stable")]
        top |= set(ranked[:n_real].tolist())
        mine |= set(ranked[:int(quota * len(members))].tolist())
    truth = set(np.flatnonzero(real).tolist())
    assert result.jaccard == pytest.approx(len(top & truth) / len(top | truth))
    files = np.asarray(words.lexfiles)
    p = collections.Counter(files[sorted(mine)].tolist())
    q = collections.Counter(files[sorted(truth)].tolist())
    tv = 0.5 * sum(abs(p[f] / len(mine) - q[f] / len(truth)) for f in set(p) | set(q))
    assert result.tv_distance == pytest.approx(tv)
    assert result.fn_share == pytest.approx(false_negative[sorted(mine)].mean())
    assert result.real_fn_share == pytest.approx(false_negative[sorted(truth)].mean())


def test_words_subset_restricts_the_evaluation_not_the_mining(words):
    real = _real_mask(words)
    candidates, id_features = _features(len(words), np.flatnonzero(real))
    half = synset_hash_split(words.synsets, seed=1)
    fn = np.zeros(len(words), dtype=bool)
    full = _run(words, candidates, id_features, false_negative=fn)
    part = _run(words, candidates, id_features, false_negative=fn, words_subset=half, subset_name="fit")
    assert part.words == "fit" and full.words == "all"
    assert part.neglabel.universe == int(half.sum())
    assert part.neglabel.real_selected == int((real & half).sum())
    assert part.neglabel.selected == int((real & half).sum())  # the selection is the full corpus' one
    assert part.neglabel.auroc == 1.0


def test_synset_hash_split_is_a_stable_documented_hash():
    synsets = load_corpus("dnm").synsets
    mask = synset_hash_split(synsets, seed=0)
    for synset, side in list(zip(synsets, mask, strict=True))[:50]:
        expected = int.from_bytes(hashlib.sha256(f"0:{synset}".encode()).digest()[:8], "big") % 2 == 0
        assert side == expected
    assert 0.49 < mask.mean() < 0.51
    assert (synset_hash_split(synsets[::-1], seed=0) == mask[::-1]).all()  # order does not matter
    assert (synset_hash_split(["a.n.01", "a.n.01"], seed=5)[0] == synset_hash_split(["a.n.01"], seed=5)).all()
    assert (synset_hash_split(synsets, seed=1) != mask).mean() > 0.4  # another seed, another split
    with pytest.raises(ValueError, match="seed"):
        synset_hash_split(synsets, seed=-1)
    with pytest.raises(TypeError, match="sequence"):
        synset_hash_split("tabby.n.01")


def test_bad_input_is_refused(words):
    candidates, id_features = _features(len(words), np.flatnonzero(_real_mask(words)))
    with pytest.raises(ValueError, match="one row per corpus word"):
        _run(words, candidates[:-1], id_features)
    with pytest.raises(ValueError, match="words_subset must be a boolean mask"):
        _run(words, candidates, id_features, words_subset=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="together"):
        _run(words, candidates, id_features, csp_features=candidates)
    with pytest.raises(ValueError, match="real selected words"):
        # a subset without any real word: AUROC is undefined
        _run(words, candidates, id_features, words_subset=~_real_mask(words))
    with pytest.raises(ValueError, match="corpus_features"):
        fidelity_rows({}, words)


def test_fidelity_rows_with_a_pool_and_halves(words):
    real = _real_mask(words)
    candidates, id_features = _features(len(words), np.flatnonzero(real))
    nouns = [i for i, p in enumerate(words.parts_of_speech) if p == "noun"]
    pool = words.subset(nouns, name="pool")
    text = {"corpus_features": candidates, "id_neglabel": id_features, "csp_features": candidates[nouns]}
    rows = fidelity_rows(text, words, pool, split_seed=0)
    assert [r["words"] for r in rows] == ["all", "all", "fit half (seed 0)", "fit half (seed 0)",
                                          "held-out half (seed 0)", "held-out half (seed 0)"]
    assert all(r["AUROC"] == 1.0 for r in rows)
    assert rows[2]["shared words"] + rows[4]["shared words"] == rows[0]["shared words"]
