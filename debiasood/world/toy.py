"""A seeded toy vision-language world in which every mined label is KNOWN to be a true or a false negative.

Real corpora never say which mined "negative" labels actually name an ID concept, so the debiasing identity
of DNM (method reference: DNM, the model) cannot be checked on CLIP directly. This module builds the smallest
world in which it can: unit vectors in R^D that play the role of CLIP's image and text embeddings, with the
truth attached.

Generative model (every vector is L2-normalised; ``xi`` is fresh noise ~ N(0, I_D / D) for every vector):

- ID class directions mu_1..mu_K: i.i.d. uniform on the unit sphere S^{D-1}. The ID label embeddings ARE
  the class directions: e(y_k) = mu_k.
- Negative (OOD) concept directions nu_1..nu_C: nu_c = normalise(rho * mu_{k(c)} + sqrt(1 - rho^2) * u_c),
  u_c uniform on the sphere and k(c) a uniformly drawn ID class, so each concept has cosine about rho to
  one ID class (rho = ``concept_overlap``; rho = 0: unrelated concepts, larger rho: harder, "near" OOD).
- ID images: x = normalise(kappa_img * mu_y + xi), y uniform over the K classes.
- OOD images: x = normalise(kappa_img * nu_c + xi), c uniform over the C concepts.
- Wild corpus of M labels, the mixture P_wild = tau * P_neg + (1 - tau) * P_pos with a known share tau of
  true negatives: exactly round(tau * M) labels are drawn from
    P_neg: t = normalise(kappa_neg * nu_c + xi), c uniform (kappa_neg = 0: uniform random directions),
  and the rest from
    P_pos: t = normalise(kappa_fn * mu_k + xi), k uniform (false negatives: ID-like labels),
  then the corpus is shuffled, so any group of labels is a sample of the mixture.

A concentration kappa sets how tightly a vector sits around its direction: the cosine to it is about
kappa / sqrt(1 + kappa^2), whatever D, and kappa = 0 is the uniform distribution on the sphere. Because the
noise is ~ N(0, I_D / D), P_pos is exactly the paper's perturbed positives z -> normalise(z + sigma * eps),
eps ~ N(0, I_D), with sigma = 1 / (kappa_fn * sqrt(D)) (:attr:`ToyWorld.false_negative_sigma`), so
``perturbed_positives(world.id_labels, sigma=world.false_negative_sigma)`` samples P_pos without bias.

Two random unit vectors in R^D have a cosine of standard deviation 1 / sqrt(D); CLIP's unrelated
image-text cosines spread much less (about 0.02), so a toy world with D = 128 is scored at a larger
temperature than CLIP's 0.01 to give exp(s / T) a CLIP-like spread.

This is a synthetic, controlled world, not CLIP: it checks algebra and estimators, not benchmark numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ToyWorld:
    """One draw of the toy world. All embeddings are float64, L2-normalised rows of dimension ``dim``."""

    id_labels: np.ndarray  # (K, D) ID label embeddings = the ID class directions mu_k
    negative_directions: np.ndarray  # (C, D) the negative (OOD) concept directions nu_c
    id_images: np.ndarray  # (N_id, D)
    id_image_classes: np.ndarray  # (N_id,) int: the ID class of each ID image
    ood_images: np.ndarray  # (N_ood, D)
    ood_image_concepts: np.ndarray  # (N_ood,) int: the negative concept of each OOD image
    wild_labels: np.ndarray  # (M, D) the mined corpus, shuffled
    wild_is_negative: np.ndarray  # (M,) bool: True for a true negative, False for a false negative
    wild_sources: np.ndarray  # (M,) int: concept index (true negatives) or ID class index (false negatives)
    tau_true: float  # the share of true negatives that was asked for
    image_concentration: float
    negative_concentration: float
    false_negative_concentration: float
    concept_overlap: float
    seed: int

    @property
    def dim(self) -> int:
        return self.id_labels.shape[1]

    @property
    def num_id_classes(self) -> int:
        return self.id_labels.shape[0]

    @property
    def true_negatives(self) -> np.ndarray:
        """The corpus labels drawn from P_neg."""
        return self.wild_labels[self.wild_is_negative]

    @property
    def false_negatives(self) -> np.ndarray:
        """The corpus labels drawn from P_pos (ID-like labels that a miner would wrongly keep)."""
        return self.wild_labels[~self.wild_is_negative]

    @property
    def negative_share(self) -> float:
        """The realised share of true negatives in the corpus: round(tau * M) / M."""
        return float(self.wild_is_negative.mean())

    @property
    def false_negative_sigma(self) -> float:
        """sigma of the paper's perturbed positives that samples P_pos exactly: 1 / (kappa_fn * sqrt(D))."""
        return 1.0 / (self.false_negative_concentration * math.sqrt(self.dim))


def _check_count(name: str, value: int, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_concentration(name: str, value: float, *, strictly_positive: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (value > 0 if strictly_positive else value >= 0)
    if not ok:
        bound = "> 0" if strictly_positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound} (a concentration), got {value!r}")


def random_directions(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    """``count`` i.i.d. uniform unit vectors in R^dim (normalised standard Gaussians), float64."""
    gaussian = rng.standard_normal((count, dim))
    return gaussian / np.linalg.norm(gaussian, axis=1, keepdims=True)


def around(rng: np.random.Generator, directions: np.ndarray, concentration: float) -> np.ndarray:
    """One sample per row: normalise(concentration * direction + xi), xi ~ N(0, I_D / D).

    The cosine to the direction is about concentration / sqrt(1 + concentration^2); concentration = 0 gives
    the uniform distribution on the sphere.
    """
    _check_concentration("concentration", concentration)
    noise = rng.standard_normal(directions.shape) / math.sqrt(directions.shape[1])
    points = concentration * directions + noise
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def make_toy_world(
    *,
    num_id_classes: int = 100,
    num_negative_concepts: int = 50,
    dim: int = 128,
    num_wild_labels: int = 12_000,
    tau_true: float = 0.5,
    num_id_images: int = 1_000,
    num_ood_images: int = 1_000,
    image_concentration: float = 0.5,
    negative_concentration: float = 1.0,
    false_negative_concentration: float = 3.0,
    concept_overlap: float = 0.5,
    seed: int = 0,
) -> ToyWorld:
    """Draw a toy world (see the module docstring for the generative model). Deterministic given ``seed``.

    ``tau_true`` is the share of TRUE negatives in the wild corpus (the official code's ``tau_ood``), in
    (0, 1]: exactly round(tau_true * num_wild_labels) labels are true negatives, and at least one label of
    each kind must result unless tau_true = 1. ``false_negative_concentration`` must be > 0 (a false negative
    is ID-like by definition); the other concentrations may be 0 (uniform directions).
    """
    for name, value in [("num_id_classes", num_id_classes), ("num_negative_concepts", num_negative_concepts),
                        ("num_wild_labels", num_wild_labels), ("num_id_images", num_id_images),
                        ("num_ood_images", num_ood_images)]:
        _check_count(name, value)
    _check_count("dim", dim, minimum=2)
    if not (isinstance(tau_true, int | float) and not isinstance(tau_true, bool) and 0 < tau_true <= 1):
        raise ValueError(f"tau_true (share of true negatives) must lie in (0, 1], got {tau_true!r}")
    _check_concentration("image_concentration", image_concentration)
    _check_concentration("negative_concentration", negative_concentration)
    _check_concentration("false_negative_concentration", false_negative_concentration, strictly_positive=True)
    if not (isinstance(concept_overlap, int | float) and not isinstance(concept_overlap, bool)
            and 0 <= concept_overlap < 1):
        raise ValueError(f"concept_overlap (cosine of each negative concept to an ID class) must lie in [0, 1), "
                         f"got {concept_overlap!r}")
    if not (isinstance(seed, int | np.integer) and not isinstance(seed, bool) and seed >= 0):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    num_negatives = round(tau_true * num_wild_labels)
    if num_negatives == 0 or (tau_true < 1 and num_negatives == num_wild_labels):
        raise ValueError(
            f"tau_true={tau_true} with num_wild_labels={num_wild_labels} gives {num_negatives} true negatives "
            f"and {num_wild_labels - num_negatives} false negatives: use more wild labels so both kinds occur"
        )

    rng = np.random.default_rng(seed)
    id_labels = random_directions(rng, num_id_classes, dim)
    nearest_id = rng.integers(0, num_id_classes, num_negative_concepts)
    negative_directions = (concept_overlap * id_labels[nearest_id]
                           + math.sqrt(1 - concept_overlap**2) * random_directions(rng, num_negative_concepts, dim))
    negative_directions /= np.linalg.norm(negative_directions, axis=1, keepdims=True)

    id_classes = rng.integers(0, num_id_classes, num_id_images)
    id_images = around(rng, id_labels[id_classes], image_concentration)
    ood_concepts = rng.integers(0, num_negative_concepts, num_ood_images)
    ood_images = around(rng, negative_directions[ood_concepts], image_concentration)

    neg_sources = rng.integers(0, num_negative_concepts, num_negatives)
    true_negatives = around(rng, negative_directions[neg_sources], negative_concentration)
    pos_sources = rng.integers(0, num_id_classes, num_wild_labels - num_negatives)
    false_negatives = around(rng, id_labels[pos_sources], false_negative_concentration)

    order = rng.permutation(num_wild_labels)
    is_negative = np.concatenate([np.ones(num_negatives, bool), np.zeros(num_wild_labels - num_negatives, bool)])
    return ToyWorld(
        id_labels=id_labels,
        negative_directions=negative_directions,
        id_images=id_images,
        id_image_classes=id_classes,
        ood_images=ood_images,
        ood_image_concepts=ood_concepts,
        wild_labels=np.concatenate([true_negatives, false_negatives])[order],
        wild_is_negative=is_negative[order],
        wild_sources=np.concatenate([neg_sources, pos_sources])[order],
        tau_true=float(tau_true),
        image_concentration=float(image_concentration),
        negative_concentration=float(negative_concentration),
        false_negative_concentration=float(false_negative_concentration),
        concept_overlap=float(concept_overlap),
        seed=int(seed),
    )
