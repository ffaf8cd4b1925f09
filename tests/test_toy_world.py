"""Tests of the toy vision-language world: determinism, shapes, the mixture share, the generative model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from debiasood import perturbed_positives
from debiasood.world.toy import ToyWorld, around, make_toy_world, random_directions

SMALL = {"num_id_classes": 20, "num_negative_concepts": 10, "dim": 64, "num_wild_labels": 2_000,
         "num_id_images": 200, "num_ood_images": 150}

ARRAY_FIELDS = ["id_labels", "negative_directions", "id_images", "id_image_classes", "ood_images",
                "ood_image_concepts", "wild_labels", "wild_is_negative", "wild_sources"]


@pytest.fixture(scope="module")
def world() -> ToyWorld:
    return make_toy_world(**SMALL, tau_true=0.3, seed=7)


def test_same_seed_gives_the_same_world(world):
    again = make_toy_world(**SMALL, tau_true=0.3, seed=7)
    for name in ARRAY_FIELDS:
        np.testing.assert_array_equal(getattr(world, name), getattr(again, name), err_msg=name)


def test_other_seed_gives_another_world(world):
    other = make_toy_world(**SMALL, tau_true=0.3, seed=8)
    assert not np.allclose(world.wild_labels, other.wild_labels)
    assert not np.allclose(world.id_labels, other.id_labels)


def test_shapes_and_dtypes(world):
    k, c, d, m = SMALL["num_id_classes"], SMALL["num_negative_concepts"], SMALL["dim"], SMALL["num_wild_labels"]
    assert world.id_labels.shape == (k, d)
    assert world.negative_directions.shape == (c, d)
    assert world.id_images.shape == (SMALL["num_id_images"], d)
    assert world.ood_images.shape == (SMALL["num_ood_images"], d)
    assert world.wild_labels.shape == (m, d)
    assert world.wild_is_negative.shape == world.wild_sources.shape == (m,)
    assert world.wild_is_negative.dtype == bool
    assert world.dim == d and world.num_id_classes == k
    assert world.true_negatives.shape[0] + world.false_negatives.shape[0] == m


def test_every_embedding_is_unit_norm(world):
    for name in ["id_labels", "negative_directions", "id_images", "ood_images", "wild_labels"]:
        np.testing.assert_allclose(np.linalg.norm(getattr(world, name), axis=1), 1.0, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("tau", [0.05, 0.3, 0.5, 0.87, 1.0])
def test_the_share_of_true_negatives_is_the_one_asked_for(tau):
    world = make_toy_world(**SMALL, tau_true=tau, seed=1)
    assert world.wild_is_negative.sum() == round(tau * SMALL["num_wild_labels"])
    assert world.negative_share == pytest.approx(tau, abs=0.5 / SMALL["num_wild_labels"])
    assert world.tau_true == tau


def test_the_corpus_is_shuffled(world):
    # Any group of consecutive labels must be a sample of the mixture, not a block of one kind.
    first_half = world.wild_is_negative[: world.wild_is_negative.size // 2].mean()
    assert abs(first_half - world.negative_share) < 0.05


def test_sources_index_the_right_directions(world):
    neg, pos = world.wild_is_negative, ~world.wild_is_negative
    assert world.wild_sources[neg].max() < SMALL["num_negative_concepts"]
    assert world.wild_sources[pos].max() < SMALL["num_id_classes"]
    # A label is closest to its own source direction: cosine about kappa / sqrt(1 + kappa^2).
    fn_cos = np.einsum("ij,ij->i", world.false_negatives, world.id_labels[world.wild_sources[pos]])
    kappa = world.false_negative_concentration
    assert fn_cos.mean() == pytest.approx(kappa / math.sqrt(1 + kappa**2), abs=0.02)
    tn_cos = np.einsum("ij,ij->i", world.true_negatives, world.negative_directions[world.wild_sources[neg]])
    kappa = world.negative_concentration
    assert tn_cos.mean() == pytest.approx(kappa / math.sqrt(1 + kappa**2), abs=0.03)


def test_id_images_sit_closest_to_their_own_class(world):
    predicted = np.argmax(world.id_images @ world.id_labels.T, axis=1)
    assert (predicted == world.id_image_classes).mean() > 0.95


def test_concept_overlap_sets_the_cosine_of_negative_concepts_to_the_id_classes():
    for rho in [0.0, 0.6]:
        world = make_toy_world(**{**SMALL, "dim": 256, "num_negative_concepts": 200}, concept_overlap=rho, seed=2)
        nearest = (world.negative_directions @ world.id_labels.T).max(axis=1)
        # rho = 0: the max of 20 cosines of random unit vectors, ~ 2 / sqrt(256); rho = 0.6: about rho.
        expected = 0.6 if rho else 2 / math.sqrt(256)
        assert nearest.mean() == pytest.approx(expected, abs=0.05)


def test_false_negative_sigma_makes_perturbed_positives_sample_p_pos(world):
    samples = perturbed_positives(world.id_labels, sigma=world.false_negative_sigma, num_samples=50, seed=3)
    sample_cos = np.einsum("ij,ij->i", samples, np.tile(world.id_labels, (50, 1)))
    pos = ~world.wild_is_negative
    fn_cos = np.einsum("ij,ij->i", world.false_negatives, world.id_labels[world.wild_sources[pos]])
    assert sample_cos.mean() == pytest.approx(fn_cos.mean(), abs=0.005)
    assert sample_cos.std() == pytest.approx(fn_cos.std(), rel=0.15)


def test_tau_one_has_no_false_negatives():
    world = make_toy_world(**SMALL, tau_true=1.0)
    assert world.wild_is_negative.all()
    assert world.false_negatives.shape[0] == 0


def test_around_with_zero_concentration_is_uniform():
    rng = np.random.default_rng(0)
    direction = np.tile(random_directions(rng, 1, 32), (5000, 1))
    cos = np.einsum("ij,ij->i", around(rng, direction, 0.0), direction)
    assert abs(cos.mean()) < 4 / math.sqrt(32 * 5000)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tau_true": 0.0}, "tau_true"),
        ({"tau_true": 1.5}, "tau_true"),
        ({"tau_true": -0.2}, "tau_true"),
        ({"tau_true": float("nan")}, "tau_true"),
        ({"tau_true": True}, "tau_true"),
        ({"num_id_classes": 0}, "num_id_classes"),
        ({"num_wild_labels": 2.5}, "num_wild_labels"),
        ({"dim": 1}, "dim"),
        ({"image_concentration": -1.0}, "image_concentration"),
        ({"negative_concentration": float("inf")}, "negative_concentration"),
        ({"false_negative_concentration": 0.0}, "false_negative_concentration"),
        ({"concept_overlap": 1.0}, "concept_overlap"),
        ({"concept_overlap": -0.1}, "concept_overlap"),
        ({"seed": -1}, "seed"),
        ({"num_wild_labels": 3, "tau_true": 0.1}, "both kinds"),
        ({"num_wild_labels": 3, "tau_true": 0.9}, "both kinds"),
    ],
)
def test_bad_inputs_raise_a_helpful_value_error(overrides, message):
    with pytest.raises(ValueError, match=message):
        make_toy_world(**{**SMALL, **overrides})
