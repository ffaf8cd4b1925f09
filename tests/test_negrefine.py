"""NegRefine's score against a float64 reference written from the formula, plus properties, cache counts, errors.

The reference loops over images, groups and pairs with plain exp (no log space, no vectorisation) and builds each
pair embedding itself from the templates, so it shares no code with :func:`negrefine_components`. The agreement
with NegRefine's own ``src/clip_ood.py`` (run unchanged on random features with a stand-in text encoder) was
measured outside the repository: the official code is not vendored.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from debiasood.core.partition import partition_negatives
from debiasood.core.prompts import CSP_NOUN_TEMPLATES
from debiasood.core.scores import (
    PairFeatureCache,
    neglabel_score,
    negrefine_components,
    negrefine_official_groups,
    negrefine_score,
)

DIM = 24


def unit(rng: np.random.Generator, n: int, d: int = DIM) -> np.ndarray:
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


class BagOfWords:
    """Stand-in text encoder: a fixed random vector per hashed word, summed, plus a shared offset (float64).

    It counts its calls and the texts it saw, so the cache's bookkeeping can be checked from outside.
    """

    def __init__(self, dim: int = DIM, seed: int = 7):
        self.table = np.random.default_rng(seed).normal(size=(101, dim))
        self.calls = 0
        self.seen: list[str] = []

    def vector(self, text: str) -> np.ndarray:
        return sum(self.table[zlib.crc32(w.encode()) % 100 + 1] for w in text.split()) + 0.5 * self.table[0]

    def __call__(self, texts: list[str]) -> torch.Tensor:
        self.calls += 1
        self.seen.extend(texts)
        return torch.from_numpy(np.stack([self.vector(t) for t in texts]))


def labelled_world(seed: int = 0, n: int = 30, k: int = 9, m: int = 230):
    rng = np.random.default_rng(seed)
    id_labels = [f"class{i} kind{i % 4}" for i in range(k)]
    neg_labels = [f"word{j} sort{j % 13}" for j in range(m)]
    return unit(rng, n), unit(rng, k), unit(rng, m), id_labels, neg_labels


# ---- float64 reference, written from the formula (method reference, NegRefine's score) ----

def ref_pair_embedding(encoder: BagOfWords, text: str, templates) -> np.ndarray:
    mean = np.mean([encoder.vector(t.format(text)) for t in templates], axis=0)  # raw mean, then normalise
    return mean / np.linalg.norm(mean)


def ref_negrefine(x, pos, neg, id_labels, neg_labels, groups, encoder, *, k_pos, k_neg, t=0.01, w=2.0,
                  templates=CSP_NOUN_TEMPLATES):
    scores, nls, mms = [], [], []
    for xi in x:
        s = [float(np.dot(xi, p)) for p in pos]
        sn = [float(np.dot(xi, q)) for q in neg]
        s_id = sum(math.exp(v / t) for v in s)
        per_group = []
        for group in groups:
            n_g = sum(math.exp(sn[j] / t) for j in group)
            per_group.append(s_id / (s_id + n_g))
        nl = sum(per_group) / len(per_group)
        top_p = sorted(range(len(s)), key=lambda i: -s[i])[:k_pos]
        top_n = sorted(range(len(sn)), key=lambda j: -sn[j])[:k_neg]
        best = 0.0
        for i in top_p:
            for j in top_n:
                e_pair = math.exp(float(np.dot(xi, ref_pair_embedding(encoder, f"{id_labels[i]} and {neg_labels[j]}",
                                                                       templates))) / t)
                e_neg = math.exp(sn[j] / t)
                best = max(best, e_pair / (e_pair + e_neg))
        nls.append(nl)
        mms.append(best)
        scores.append(nl + w * best)
    return np.array(scores), np.array(nls), np.array(mms)


@pytest.mark.parametrize("k_pos,k_neg,num_groups", [(5, 5, 10), (3, 7, 23), (1, 1, 1), (9, 2, 115)])
def test_matches_float64_reference(k_pos, k_neg, num_groups):
    x, pos, neg, id_labels, neg_labels = labelled_world(k_pos + k_neg)
    groups = partition_negatives(len(neg), num_groups, seed=3)
    encoder = BagOfWords()
    result = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=encoder,
                                  k_pos=k_pos, k_neg=k_neg, groups=groups)
    score, nl, mm = ref_negrefine(x, pos, neg, id_labels, neg_labels, groups, BagOfWords(), k_pos=k_pos, k_neg=k_neg)
    np.testing.assert_allclose(result.neglabel, nl, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.multi_matching, mm, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.score, score, rtol=1e-12, atol=1e-14)
    assert 0 < mm.min() and mm.max() < 1  # the test exercises the multi-matching part, not a saturated one


def test_defaults_are_the_official_settings():
    """w = 2, k_pos = min(5, K), k_neg = 5, T = 0.01, G = 100, the seed-0 partition of the project's rule."""
    x, pos, neg, id_labels, neg_labels = labelled_world(1, k=3, m=250)
    score = negrefine_score(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=BagOfWords())
    expected, _, _ = ref_negrefine(x, pos, neg, id_labels, neg_labels, partition_negatives(250, 100, 0), BagOfWords(),
                                   k_pos=3, k_neg=5)
    np.testing.assert_allclose(score, expected, rtol=1e-12)


def official_permutation(num_negatives: int, num_groups: int) -> np.ndarray:
    """NegRefine's _grouping, as written there: drop M mod G first, then torch.manual_seed(0); randperm."""
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(0)
        kept = num_negatives - num_negatives % num_groups
        return torch.randperm(kept).reshape(num_groups, -1).numpy()
    finally:
        torch.random.set_rng_state(state)


@pytest.mark.parametrize("m,g", [(230, 100), (1037, 100), (60, 7), (12000, 100)])
def test_official_groups_are_the_official_permutation(m, g):
    np.testing.assert_array_equal(negrefine_official_groups(m, g), official_permutation(m, g))
    # the last M mod G negatives (the last adjectives in the official list order) are never in a group
    assert negrefine_official_groups(m, g).max() < m - m % g


def test_official_mode_uses_the_official_partition_and_top_k_over_all_negatives():
    x, pos, neg, id_labels, neg_labels = labelled_world(2, m=237)
    # The official partition leaves out the last 37 negatives; make 5 of them the nearest negatives of the
    # first 5 images, so the top-k must look beyond the groups, as the official code's does.
    neg[-5:] = x[:5]
    groups = official_permutation(237, 100)
    result = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels,
                                  encode_pair_texts=BagOfWords(), official=True)
    score, _, _ = ref_negrefine(x, pos, neg, id_labels, neg_labels, groups, BagOfWords(), k_pos=5, k_neg=5)
    np.testing.assert_allclose(result.score, score, rtol=1e-12)


def test_mm_weight_zero_is_neglabel():
    x, pos, neg, id_labels, neg_labels = labelled_world(3)
    groups = partition_negatives(len(neg), 17, seed=1)
    ours = negrefine_score(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=BagOfWords(),
                           mm_weight=0.0, groups=groups)
    np.testing.assert_allclose(ours, neglabel_score(x, pos, neg, groups=groups), rtol=1e-13)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), step=st.floats(0.05, 2.0))
def test_monotone_in_id_similarity(seed, step):
    """Moving the image's nearest ID label towards it raises NegLabel's part and leaves the multi-matching part
    alone (K = k_pos, so the pairs cannot change): the score never falls. (The nearest label dominates S_ID; a
    far one's exp(s/T) is below float64's resolution of S_ID at T = 0.01.)"""
    x, pos, neg, id_labels, neg_labels = labelled_world(seed, n=1, k=5, m=120)
    label = int(np.argmax(pos @ x[0]))
    kwargs = dict(id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=BagOfWords(), num_groups=12)
    before = negrefine_components(x, pos, neg, **kwargs)
    closer = pos.copy()
    closer[label] = closer[label] + step * x[0]
    closer[label] /= np.linalg.norm(closer[label])
    after = negrefine_components(x, closer, neg, **kwargs)
    assert after.neglabel[0] > before.neglabel[0]
    assert after.multi_matching[0] == before.multi_matching[0]
    assert after.score[0] >= before.score[0]


def test_invariant_to_the_order_of_id_labels():
    x, pos, neg, id_labels, neg_labels = labelled_world(4)
    order = np.random.default_rng(0).permutation(len(pos))
    a = negrefine_score(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=BagOfWords(),
                        num_groups=10)
    b = negrefine_score(x, pos[order], neg, id_labels=[id_labels[i] for i in order], neg_labels=neg_labels,
                        encode_pair_texts=BagOfWords(), num_groups=10)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_id_images_score_higher_than_ood_images():
    rng = np.random.default_rng(8)
    _, pos, neg, id_labels, neg_labels = labelled_world(8, k=20, m=400)

    def near(anchors):
        noisy = anchors + 0.3 * unit(rng, len(anchors))
        return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)

    id_images = near(pos[rng.integers(0, 20, 60)])
    ood_images = near(neg[rng.integers(0, 400, 60)])
    cache = PairFeatureCache(BagOfWords())
    kwargs = dict(id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=cache, num_groups=40)
    s_id, s_ood = negrefine_score(id_images, pos, neg, **kwargs), negrefine_score(ood_images, pos, neg, **kwargs)
    auroc = (s_id[:, None] > s_ood[None, :]).mean()
    assert auroc > 0.95


def test_no_overflow_where_float32_exp_would():
    """cos(x, t) near 1 at T = 0.01 overflows exp in float32 (the official arithmetic); here it stays finite."""
    encoder = BagOfWords()
    id_labels, neg_labels = ["cat", "dog"], ["rock", "cloud", "river", "sand", "tree"]
    pair = ref_pair_embedding(encoder, "cat and rock", CSP_NOUN_TEMPLATES)
    rng = np.random.default_rng(0)
    x = np.stack([pair, -pair]).astype(np.float32)
    pos, neg = unit(rng, 2).astype(np.float32), unit(rng, 5).astype(np.float32)
    pos[0] = x[0]
    with np.errstate(over="ignore"):  # the official float32 arithmetic, here only to show that it overflows
        assert np.isinf(np.exp(np.float32(100.0) * x[0] @ x[0]))
    for temperature in (0.01, 0.001):
        result = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels,
                                      encode_pair_texts=lambda t: encoder(t).float(), num_groups=1,
                                      temperature=temperature)
        assert np.isfinite(result.score).all()
        assert result.multi_matching[0] == pytest.approx(1.0)


def test_chunking_and_tensor_inputs_give_the_same_scores():
    x, pos, neg, id_labels, neg_labels = labelled_world(5)
    kwargs = dict(id_labels=id_labels, neg_labels=neg_labels, num_groups=10)
    full = negrefine_score(x, pos, neg, encode_pair_texts=BagOfWords(), **kwargs)
    one = negrefine_score(x, pos, neg, encode_pair_texts=BagOfWords(), chunk_size=1, **kwargs)
    tensor = negrefine_score(torch.from_numpy(x), torch.from_numpy(pos), torch.from_numpy(neg),
                             encode_pair_texts=BagOfWords(), **kwargs)
    np.testing.assert_allclose(one, full, rtol=1e-13)
    assert isinstance(tensor, torch.Tensor)
    np.testing.assert_allclose(tensor.numpy(), full, rtol=1e-13)


# ---- the pair cache: each distinct text encoded once, in batches ----

def reference_pair_texts(x, pos, neg, id_labels, neg_labels, k_pos=5, k_neg=5) -> set[str]:
    texts = set()
    for xi in x:
        top_p = np.argsort(-(pos @ xi), kind="stable")[:k_pos]
        top_n = np.argsort(-(neg @ xi), kind="stable")[:k_neg]
        texts.update(f"{id_labels[i]} and {neg_labels[j]}" for i in top_p for j in top_n)
    return texts


def test_cache_counts_unique_pairs_and_encoder_calls():
    x, pos, neg, id_labels, neg_labels = labelled_world(6, n=40)
    encoder = BagOfWords()
    cache = PairFeatureCache(encoder, batch_size=64)
    first = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=cache,
                                 num_groups=10)
    expected = reference_pair_texts(x, pos, neg, id_labels, neg_labels)
    batches = math.ceil(len(expected) / 64)
    assert first.cost.pair_lookups == 40 * 25
    assert first.cost.unique_pair_texts == first.cost.new_pair_texts == len(expected) == len(cache)
    assert first.cost.encoder_calls == encoder.calls == batches * len(CSP_NOUN_TEMPLATES)
    assert first.cost.prompts_encoded == len(encoder.seen) == len(expected) * len(CSP_NOUN_TEMPLATES)
    assert set(encoder.seen) == {t.format(p) for p in expected for t in CSP_NOUN_TEMPLATES}
    assert len(set(encoder.seen)) == len(encoder.seen)  # no prompt encoded twice
    # The same images again (e.g. the ID set scored for a second OOD set): nothing new to encode.
    again = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=cache,
                                 num_groups=10)
    assert again.cost.new_pair_texts == again.cost.encoder_calls == again.cost.prompts_encoded == 0
    assert again.cost.unique_pair_texts == len(expected)
    np.testing.assert_array_equal(again.score, first.score)
    # Half of the images: a subset of the pairs, all cached.
    half = negrefine_components(x[:20], pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=cache,
                                num_groups=10)
    assert half.cost.new_pair_texts == 0 and half.cost.unique_pair_texts < len(expected)
    np.testing.assert_allclose(half.score, first.score[:20], rtol=1e-13)


def test_repeated_label_names_share_one_pair_text():
    x, pos, neg, _, _ = labelled_world(7, k=4, m=30)
    encoder = BagOfWords()
    result = negrefine_components(x, pos, neg, id_labels=["same"] * 4, neg_labels=["other"] * 30,
                                  encode_pair_texts=encoder, k_pos=4, num_groups=3)
    assert result.cost.unique_pair_texts == 1 and result.cost.new_pair_texts == 1
    assert len(encoder.seen) == len(CSP_NOUN_TEMPLATES)


def test_cache_without_templates_uses_the_encoder_output():
    x, pos, neg, id_labels, neg_labels = labelled_world(9)
    encoder = BagOfWords()
    cache = PairFeatureCache(encoder, templates=None)
    result = negrefine_components(x, pos, neg, id_labels=id_labels, neg_labels=neg_labels, encode_pair_texts=cache,
                                  num_groups=10)
    _, _, mm = ref_negrefine(x, pos, neg, id_labels, neg_labels, partition_negatives(len(neg), 10), BagOfWords(),
                             k_pos=5, k_neg=5, templates=("{}",))
    np.testing.assert_allclose(result.multi_matching, mm, rtol=1e-12)
    assert result.cost.prompts_encoded == result.cost.unique_pair_texts


# ---- bad input ----

def call(**overrides):
    x, pos, neg, id_labels, neg_labels = labelled_world(0, n=4, k=6, m=40)
    kwargs = dict(image_features=x, id_text_features=pos, neg_text_features=neg, id_labels=id_labels,
                  neg_labels=neg_labels, encode_pair_texts=BagOfWords(), num_groups=4)
    kwargs.update(overrides)
    args = [kwargs.pop(k) for k in ("image_features", "id_text_features", "neg_text_features")]
    return negrefine_components(*args, **kwargs)


@pytest.mark.parametrize("overrides,message", [
    (dict(k_pos=7), "k_pos=7 exceeds the number of ID labels"),
    (dict(k_neg=41), "k_neg=41 exceeds the number of negative labels"),
    (dict(k_neg=0), "k_neg must be an integer >= 1"),
    (dict(id_labels=["a"] * 5), "id_labels has 5 labels"),
    (dict(neg_labels="word"), "neg_labels must be a list of strings"),
    (dict(id_labels=["a", "b", "c", "", "e", "f"]), r"id_labels\[3\] must be a non-blank string"),
    (dict(mm_weight=-1.0), "mm_weight must be a finite number >= 0"),
    (dict(mm_weight=float("nan")), "mm_weight must be a finite number >= 0"),
    (dict(image_features=np.zeros((0, DIM))), "image_features is empty"),
    (dict(image_features=np.full((2, DIM), np.nan)), "image_features contains NaN"),
    (dict(neg_text_features=unit(np.random.default_rng(0), 40, DIM + 1)), "neg_text_features has embedding dim"),
    (dict(encode_pair_texts=lambda t: torch.ones(len(t) + 1, DIM)), r"encode_texts returned shape"),
    (dict(encode_pair_texts=lambda t: torch.ones(len(t), DIM + 2)), "pair text embeddings have dim"),
    (dict(encode_pair_texts=lambda t: torch.full((len(t), DIM), float("nan"))), "pair text features contains NaN"),
    (dict(official=True, groups=np.arange(40).reshape(4, 10)), "do not pass groups as well"),
    (dict(num_groups=41), "num_groups=41 exceeds the number of negatives"),
])
def test_bad_input_is_refused(overrides, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(**overrides)


def test_encoder_must_be_callable():
    with pytest.raises(TypeError, match="encode_texts must be a callable"):
        call(encode_pair_texts="ViT-B-16")
