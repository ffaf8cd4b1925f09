"""Mining strategies against full-matrix references, determinism, order independence and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from debiasood import csp_adjective_phrases, csp_mining, density_selection, neglabel_mining
from debiasood.core.mining import CSP_SUPERCLASS_WORDS, ensemble_text_features


def unit(rng, n, d):
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def corpus(seed=0, n=120, d=12, adjectives=40):
    rng = np.random.default_rng(seed)
    words = [f"w{i:03d}" for i in range(n)]
    pos = ["noun"] * (n - adjectives) + ["adj"] * adjectives
    return unit(rng, n, d), words, pos


def pick_lowest(values, pos, part, fraction, higher=False):
    """Reference rule: best first by the exact value; equal values in input order; int(n_part * fraction) kept."""
    members = [i for i, p in enumerate(pos) if p == part]
    ranked = sorted(members, key=lambda i: (-values[i] if higher else values[i], i))
    return ranked[: int(len(members) * fraction)]


# ---- NegLabel ----

def test_neglabel_matches_reference():
    feats, words, pos = corpus()
    id_text = unit(np.random.default_rng(9), 30, 12)
    got = neglabel_mining(feats, id_text, words, pos, quotas={"noun": 0.2, "adj": 0.1})
    d = np.quantile(feats @ id_text.T, 0.95, axis=1)  # numpy's default is linear, as torch.quantile
    expected = pick_lowest(d, pos, "noun", 0.2) + pick_lowest(d, pos, "adj", 0.1)
    assert got.indices.tolist() == expected
    assert got.counts == {"noun": 16, "adj": 4}
    np.testing.assert_allclose(got.criterion, d, rtol=1e-12)


# ---- density: paper and official forms ----

def ref_paper_rep(feats, k):
    sq = np.sum((feats[:, None] - feats[None]) ** 2, axis=-1)
    np.fill_diagonal(sq, np.inf)
    return -np.log(np.sort(sq, axis=1)[:, :k].sum(axis=1))


def ref_official_rep(raw, k):
    """The official code's arithmetic on the full matrix (eval_ood_detection.py), in float64."""
    norm = np.linalg.norm(raw, axis=1, keepdims=True)
    unit_raw = raw / norm
    dist = norm - 2 * unit_raw @ unit_raw.T + norm.T
    nearest = np.sort(dist, axis=1)[:, : k + 1]  # topk(-sim, k+1): the k + 1 smallest distances
    return np.log(nearest).mean(axis=1)


BACKENDS = [("torch", np.float64, 1e-10), ("faiss", np.float32, 1e-5)]


@pytest.mark.parametrize("k", [1, 5, 20])
@pytest.mark.parametrize(("backend", "dtype", "rtol"), BACKENDS)
def test_density_paper_form_matches_reference(k, backend, dtype, rtol):
    feats, words, pos = corpus()
    feats = feats.astype(dtype)
    got = density_selection(feats, words, pos, k=k, quotas={"noun": 0.25, "adj": 0.5}, block_rows=17,
                            backend=backend)
    rep = ref_paper_rep(feats.astype(np.float64), k)
    np.testing.assert_allclose(got.criterion, rep, rtol=rtol)
    # The selection rule on the criterion as computed (float32 rounding may reorder values 1e-5 apart).
    rep = got.criterion
    expected = pick_lowest(rep, pos, "noun", 0.25, higher=True) + pick_lowest(rep, pos, "adj", 0.5, higher=True)
    assert got.indices.tolist() == expected and got.higher_is_better


@pytest.mark.parametrize("k", [3, 10])
@pytest.mark.parametrize(("backend", "dtype", "rtol"), BACKENDS)
def test_density_official_form_matches_reference(k, backend, dtype, rtol):
    feats, words, pos = corpus()
    raw = (feats * np.random.default_rng(1).uniform(7, 10, size=(len(feats), 1))).astype(dtype)  # CLIP-like norms
    got = density_selection(raw, words, pos, k=k, form="official", quotas={"noun": 0.23, "adj": 0.13},
                            block_rows=25, backend=backend)
    rep = ref_official_rep(raw.astype(np.float64), k)
    np.testing.assert_allclose(got.criterion, rep, rtol=rtol)
    rep = got.criterion
    expected = pick_lowest(rep, pos, "noun", 0.23) + pick_lowest(rep, pos, "adj", 0.13)
    assert got.indices.tolist() == expected and not got.higher_is_better


@pytest.mark.parametrize("form", ["paper", "official"])
def test_backends_agree_on_float32(form):
    feats, words, pos = corpus(n=300)
    feats = (feats * (8.0 if form == "official" else 1.0)).astype(np.float32)
    feats[5] = feats[4]  # a duplicate: faiss may rank it before self
    a = density_selection(feats, words, pos, k=6, form=form, backend="torch")
    b = density_selection(feats, words, pos, k=6, form=form, backend="faiss")
    np.testing.assert_allclose(a.criterion, b.criterion, rtol=1e-5)
    assert len(set(a.indices) ^ set(b.indices)) <= 2


def test_density_finds_the_dense_cluster():
    rng = np.random.default_rng(0)
    centre = unit(rng, 1, 16)
    dense = centre + 0.05 * rng.normal(size=(20, 16))
    feats = np.vstack([dense / np.linalg.norm(dense, axis=1, keepdims=True), unit(rng, 80, 16)])
    words = [f"w{i}" for i in range(100)]
    got = density_selection(feats, words, ["noun"] * 100, k=5, quotas={"noun": 0.2})
    assert set(got.indices.tolist()) == set(range(20))


def test_official_form_rejects_unit_norm_features():
    feats, words, pos = corpus()
    with pytest.raises(ValueError, match="raw, unnormalised"):
        density_selection(feats, words, pos, k=3, form="official")


# ---- determinism and order independence ----

@given(seed=st.integers(0, 500))
@settings(max_examples=15, deadline=None)
def test_selection_follows_the_words_not_their_rows(seed):
    """Without exact ties, permuting the input rows permutes nothing in the selected words or their order."""
    feats, words, pos = corpus(seed, n=60)
    id_text = unit(np.random.default_rng(seed + 1), 10, 12)
    order = np.random.default_rng(seed + 2).permutation(len(words))
    shuffled = (feats[order], [words[i] for i in order], [pos[i] for i in order])
    for mine in (lambda f, w, p: density_selection(f, w, p, k=4, quotas={"noun": 0.3, "adj": 0.3}),
                 lambda f, w, p: neglabel_mining(f, id_text, w, p),
                 lambda f, w, p: csp_mining(f, id_text, w, p)):
        assert mine(*shuffled).words(shuffled[1]) == mine(feats, words, pos).words(words)


def test_exactly_equal_criteria_keep_input_order():
    """The one tie rule: a stable sort. Two words with one embedding are kept in corpus order, both ways."""
    feats, words, pos = corpus(3, n=40, adjectives=0)
    id_text = unit(np.random.default_rng(4), 10, 12)
    best = int(np.argmin(np.quantile(feats @ id_text.T, 0.95, axis=1)))
    feats[[best, 7 if best != 7 else 8]] = feats[best]
    twin = 7 if best != 7 else 8
    first, second = sorted([best, twin])
    selected = neglabel_mining(feats, id_text, words, pos, quotas={"noun": 0.05}).indices.tolist()
    assert selected[:2] == [first, second]
    swapped = list(words)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    again = neglabel_mining(feats, id_text, swapped, pos, quotas={"noun": 0.05})
    assert again.words(swapped)[:2] == [swapped[first], swapped[second]]


def test_torch_and_float32_inputs():
    feats, words, pos = corpus()
    a = density_selection(feats, words, pos, k=5)
    b = density_selection(torch.from_numpy(feats).float(), words, pos, k=5)
    assert len(set(a.indices) ^ set(b.indices)) <= 2  # float32 rounding may swap a borderline pair


# ---- CSP ----

def test_csp_phrases_are_seeded_and_order_free():
    adjectives = ["red", "quiet", "wooden", "vast"]
    phrases = csp_adjective_phrases(adjectives, seed=0)
    assert all(p.split(" ", 1)[0] == a and p.split(" ", 1)[1] in CSP_SUPERCLASS_WORDS
               for p, a in zip(phrases, adjectives, strict=True))
    assert csp_adjective_phrases(adjectives[::-1], seed=0) == phrases[::-1]
    assert csp_adjective_phrases(["quiet"], seed=0) == [phrases[1]]
    drawn = {csp_adjective_phrases([f"a{i}"], seed=0)[0].split()[1] for i in range(300)}
    assert drawn == set(CSP_SUPERCLASS_WORDS)  # every superclass word is reachable
    assert csp_adjective_phrases(adjectives, seed=1) != phrases


def test_csp_never_selects_near_copies_of_id_labels():
    feats, words, pos = corpus(n=80, adjectives=0)
    id_text = unit(np.random.default_rng(5), 40, 12)
    # Candidate 0 nearly equals ID label 0 but is far from the rest: NegLabel's 95th percentile ignores that.
    far = -id_text[1:].mean(axis=0)
    feats[0] = id_text[0] * 0.97 + far / np.linalg.norm(far) * 0.24
    feats[0] /= np.linalg.norm(feats[0])
    assert feats[0] @ id_text[0] > 0.95
    quotas = {"noun": 0.5}
    assert 0 in neglabel_mining(feats, id_text, words, pos, quotas=quotas).indices
    csp = csp_mining(feats, id_text, words, pos, quotas=quotas)
    assert 0 not in csp.indices and csp.criterion[0] == 1.0  # the official code's sentinel: it sorts last
    assert csp.counts == {"noun": int(80 * 0.5)}  # the official quota counts ALL candidates of the part
    deviation = csp_mining(feats, id_text, words, pos, quotas=quotas, quota_base="eligible")
    assert 0 not in deviation.indices and np.isnan(deviation.criterion[0])
    assert deviation.counts == {"noun": int(79 * 0.5)}


def test_ensemble_averages_templates_then_renormalises():
    table = {"a x": [1.0, 0.0], "b x": [0.0, 1.0], "a y": [1.0, 0.0], "b y": [1.0, 0.0]}

    def encode(texts):
        return torch.tensor([table[t] for t in texts])

    out = ensemble_text_features(encode, ["x", "y"], ["a {}", "b {}"])
    np.testing.assert_allclose(out.numpy(), [[2 ** -0.5, 2 ** -0.5], [1.0, 0.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="slot"):
        ensemble_text_features(encode, ["x"], ["no slot"])


# ---- bad input ----

@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda f, w, p: density_selection(f, w[:-1], p), "one word"),
        (lambda f, w, p: density_selection(f, ["same"] * len(w), p), "unique"),
        (lambda f, w, p: density_selection(f, w, ["verb"] * len(w)), "parts_of_speech"),
        (lambda f, w, p: density_selection(f, w, p, k=len(w)), "k="),
        (lambda f, w, p: density_selection(f, w, p, k=0), "k must"),
        (lambda f, w, p: density_selection(f, w, p, form="cosine"), "form"),
        (lambda f, w, p: density_selection(f, w, p, backend="annoy"), "backend"),
        (lambda f, w, p: density_selection(f, w, p, quotas={"noun": 1.5}), "quotas"),
        (lambda f, w, p: density_selection(f, w, p, quotas={"verb": 0.5}), "quotas"),
        (lambda f, w, p: density_selection(f, w, p, block_rows=0), "block_rows"),
        (lambda f, w, p: density_selection(f * np.nan, w, p), "NaN"),
        (lambda f, w, p: neglabel_mining(f, f[:3, :5], w, p), "embedding dim"),
        (lambda f, w, p: neglabel_mining(f, f[:3], w, p, percentile=0), "percentile"),
        (lambda f, w, p: csp_mining(f, f[:3], w, p, max_id_similarity=2), "max_id_similarity"),
        (lambda f, w, p: csp_mining(f, f[:3], w, p, quota_base="some"), "quota_base"),
    ],
)
def test_bad_input(call, match):
    feats, words, pos = corpus()
    with pytest.raises(ValueError, match=match):
        call(feats, words, pos)


def test_subset_density_statistics_match_a_search_on_each_subset():
    from debiasood.core.mining import density_statistics, subset_density_statistics

    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    masks = [rng.random(600) > 0.1, rng.random(600) > 0.3, np.ones(600, dtype=bool)]
    for backend in ("torch", "faiss"):
        got = subset_density_statistics(x, masks, 15, backend=backend, block_rows=128)
        for mask, statistic in zip(masks, got, strict=True):
            expected = density_statistics(x[mask], [15], backend=backend)[15]
            np.testing.assert_allclose(statistic, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="keeps 10 candidates"):
        subset_density_statistics(x, [np.arange(600) < 10], 15)
    with pytest.raises(ValueError, match="bool array"):
        subset_density_statistics(x, [np.ones(5, dtype=bool)], 15)
    with pytest.raises(ValueError, match="keeps is empty"):
        subset_density_statistics(x, [], 15)
