"""Real features as a bundle: image folders and an open_clip model in, a feature bundle out (``debiasood extract``).

The text side is embedded with the official prompts (MCM's "a photo of a {}", NegLabel's "the nice {}" and
"This is a {} photo" for the corpus, CSP's ensembles for its pool), the images of every set through the
feature store (resumable, unreadable images skipped and reported), and the result is one bundle
(:mod:`debiasood.data.bundle`) that every chapter of the book reads with ``FEATURES=<folder>``.

Several processes: run it under ``torchrun --nproc_per_node=N`` (torch.distributed; NCCL on GPUs, gloo on
CPUs). Each rank encodes its share of every image set's chunks
(:func:`debiasood.data.datasets.extract.encode_image_shard`); rank 0 then assembles them, embeds the text side
and writes the bundle. The bundle is identical to a single-process run's: batches never cross a chunk boundary,
so every image is encoded in the same batch whichever process encodes it. The feature store must be on a
filesystem every process sees.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from debiasood.app.pipeline import FolderData, extract_folder_features, folder_text_features, image_stage_label
from debiasood.data.bundle import FeatureBundle, ImageSet, TextSide, make_provenance

#: What a bundle from real images holds: every method's text side (MCM, NegLabel, CSP, DNM).
BUNDLE_METHODS = ("mcm", "neglabel", "csp", "dnm")


@dataclass(frozen=True)
class Distributed:
    """This process's place in a ``torchrun`` job (rank 0 of 1 when run alone) and the job's barrier."""

    rank: int = 0
    world_size: int = 1
    barrier: Callable[[], None] = lambda: None

    @property
    def leader(self) -> bool:
        return self.rank == 0


def distributed_from_environment(*, timeout_hours: float = 24.0) -> Distributed:
    """Join the ``torchrun`` job described by ``RANK`` / ``WORLD_SIZE`` (NCCL when CUDA is available, else gloo),
    or return a single-process :class:`Distributed` when those variables are absent. The barrier's timeout is
    long because rank 0 embeds the text side (hours on a CPU for a large corpus) while the others wait."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Distributed()
    import torch
    import torch.distributed as dist

    if not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend=backend, timeout=datetime.timedelta(hours=timeout_hours))
    return Distributed(dist.get_rank(), dist.get_world_size(), dist.barrier)


def extract_bundle(
    encoder: Any,
    data: FolderData,
    corpus: Any,
    out: str | os.PathLike,
    *,
    model: str,
    pretrained: str,
    id_set: str = "id",
    methods: Sequence[str] = BUNDLE_METHODS,
    store: Any = None,
    batch_size: int = 64,
    num_workers: int = 0,
    on_unreadable: str = "warn",
    chunk_size: int = 1000,
    checkpoint_every: int | None = None,
    overwrite: bool = False,
    progress: bool = False,
    distributed: Distributed | None = None,
    command: Sequence[str] | str | None = None,
) -> FeatureBundle | None:
    """Encode ``data`` (ID and OOD image folders) and ``corpus`` with ``encoder`` and write the bundle to ``out``.

    ``id_set`` names the ID image set in the bundle (the OOD sets keep their names). Returns the bundle on rank 0
    and None on the other ranks of a ``torchrun`` job (``distributed``, default: single process).
    """
    from debiasood.data.datasets.extract import encode_image_shard

    distributed = Distributed() if distributed is None else distributed
    target = Path(out).expanduser()
    if target.exists() and not overwrite:
        raise ValueError(f"{target} exists; pass overwrite=True (command line: --overwrite) to replace it")
    if id_set in data.ood:
        raise ValueError(f"id_set {id_set!r} is also the name of an OOD set; choose another name")
    if distributed.world_size > 1:
        for name, dataset in data.datasets.items():
            encode_image_shard(encoder, dataset, store, rank=distributed.rank, world_size=distributed.world_size,
                               batch_size=batch_size, num_workers=num_workers,
                               fail_fast=on_unreadable == "fail", progress=progress, chunk_size=chunk_size,
                               label=f"rank {distributed.rank}: {image_stage_label(name, dataset)}")
        distributed.barrier()  # every chunk of every set is on disk
    bundle = None
    if distributed.leader:
        images = extract_folder_features(encoder, data, store=store, batch_size=batch_size, num_workers=num_workers,
                                         on_unreadable=on_unreadable, progress=progress, chunk_size=chunk_size)
        text = folder_text_features(encoder, data.id.class_names, corpus, methods=methods, store=store,
                                    progress=progress, checkpoint_every=checkpoint_every)
        bundle = _bundle(data, images, text, corpus, model=model, pretrained=pretrained, id_set=id_set,
                         dim=encoder.dim, command=command if command is not None else sys.argv)
        bundle.save(target, overwrite=overwrite)
    distributed.barrier()  # the other ranks return once the bundle is written
    return bundle


def _bundle(data: FolderData, images: dict, text: Any, corpus: Any, *, model: str, pretrained: str, id_set: str,
            dim: int, command: Sequence[str] | str) -> FeatureBundle:
    from debiasood.core import prompts

    sets = {}
    for name, features in images.items():
        dataset = data.datasets[name]
        files = tuple(dataset.files[i] for i in features.kept)
        labels = np.asarray(features.labels) if name == "ID" else None
        sets[id_set if name == "ID" else name] = ImageSet(features.features.numpy(), labels, files)
    text_side = TextSide(
        id_names=tuple(data.id.class_names), id_mcm=text.id["mcm"], id_neglabel=text.id["neglabel"],
        corpus=text.corpus if text.corpus is not None else corpus,
        corpus_features=text.corpus_features, id_wnids=data.id.wnids,
        csp_pool=text.pool, csp_features=text.pool_features, id_csp=text.id.get("csp"),
    )
    weights = "random weights" if str(pretrained) == "random" else str(pretrained)
    provenance = make_provenance(
        world="real", model=model, pretrained=weights, dim=dim, corpus=text_side.corpus, command=command,
        prompts={"mcm": prompts.MCM_TEMPLATE, "neglabel_id": prompts.NEGLABEL_ID_TEMPLATE,
                 "neglabel_noun": prompts.NEGLABEL_NOUN_TEMPLATE, "neglabel_adj": prompts.NEGLABEL_ADJ_TEMPLATE,
                 "csp_noun": " | ".join(prompts.CSP_NOUN_TEMPLATES),
                 "csp_adj": " | ".join(prompts.CSP_ADJ_TEMPLATES)})
    return FeatureBundle(provenance, text_side, sets, id_set)
