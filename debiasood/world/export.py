"""The simulated world as a feature bundle: the same format a real CLIP extraction writes.

:func:`simulated_bundle` draws the world's images and takes its text side (in the world's joint space: the text
features with the modality-gap coordinate appended, :meth:`debiasood.world.simulated.SemanticWorld.text`), so a
chapter that reads a bundle runs unchanged on the simulated world or on real features. The provenance says
``world = "simulated"``: numbers computed from such a bundle are never CLIP numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from debiasood.core import prompts
from debiasood.data.bundle import FeatureBundle, ImageSet, TextSide, make_provenance
from debiasood.data.label_sets import get_label_set


def simulated_bundle(setup: Any, sizes: Mapping[str, int], *, seed: int = 0,
                     id_names: Sequence[str] | None = None, id_wnids: Sequence[str] | None = None,
                     command: Sequence[str] | str = "debiasood.world.export.simulated_bundle") -> FeatureBundle:
    """A :class:`FeatureBundle` from an :class:`debiasood.world.offline.OfflineSetup` (the world, its text
    features and corpora): ``sizes[set]`` images of the world's ID set and of each OOD set named in ``sizes``,
    drawn with ``seed``. ID images carry their class labels. The ID class names and wnids default to the
    world's ID label set (:func:`debiasood.data.label_sets.get_label_set`)."""
    world = setup.world
    if world.id_set not in sizes:
        raise ValueError(f"sizes must include the world's ID set {world.id_set!r}, got {sorted(sizes)}")
    unknown = sorted(set(sizes) - set(world.sets))
    if unknown:
        raise ValueError(f"sizes names sets the world does not have: {unknown}; it has {sorted(world.sets)}")
    text = setup.text
    if id_names is None:
        label_set = get_label_set(world.id_set)
        id_names, id_wnids = label_set.class_names, label_set.wnids
    csp = setup.csp_pool is not None and "csp_features" in text
    text_side = TextSide(
        id_names=tuple(id_names), id_mcm=world.text(text["id_mcm"]),
        id_neglabel=world.text(text["id_neglabel"]), corpus=setup.corpus,
        corpus_features=world.text(text["corpus_features"]),
        id_wnids=None if id_wnids is None else tuple(id_wnids),
        csp_pool=setup.csp_pool if csp else None, csp_features=world.text(text["csp_features"]) if csp else None,
    )
    images = {}
    for name in (world.id_set, *(s for s in sizes if s != world.id_set)):
        drawn = world.images(name, sizes[name], seed=seed)
        images[name] = ImageSet(drawn.features, drawn.classes if name == world.id_set else None)
    encoder_name = getattr(setup.encoder, "id", type(setup.encoder).__name__)
    provenance = make_provenance(
        world="simulated", model=str(encoder_name), pretrained="simulated images (no image encoder)",
        dim=text_side.dim, corpus=setup.corpus, command=command,
        prompts={"mcm": prompts.MCM_TEMPLATE, "neglabel_id": prompts.NEGLABEL_ID_TEMPLATE,
                 "neglabel_noun": prompts.NEGLABEL_NOUN_TEMPLATE, "neglabel_adj": prompts.NEGLABEL_ADJ_TEMPLATE})
    return FeatureBundle(provenance, text_side, images, world.id_set)
