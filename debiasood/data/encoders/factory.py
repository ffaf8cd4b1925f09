"""Build an encoder from its name and weights: what a command line, a bundle's provenance or a chapter names.

:func:`make_encoder` gives an :class:`~debiasood.data.encoders.OpenClipEncoder` for an open_clip architecture (or the
project's one-layer test architecture, :data:`TINY_MODEL`) with a weights tag, a local checkpoint file, or seeded
random weights (:data:`RANDOM_WEIGHTS`). Nothing is downloaded: a tag missing from the local cache fails at once
offline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

TINY_MODEL = "tiny"
"""``model`` name of the tiny test architecture (an open_clip ViT-B-32 with :data:`TINY_MODEL_CFG`)."""

TINY_MODEL_CFG = dict(
    embed_dim=32,
    vision_cfg=dict(image_size=32, layers=1, width=32, patch_size=8, head_width=16),
    text_cfg=dict(context_length=16, vocab_size=49408, width=32, heads=2, layers=1),
)
"""32x32 images, one transformer layer per tower, 32-dim embeddings; prompts are cut at 16 tokens."""

RANDOM_WEIGHTS = "random"
"""``pretrained`` value for seeded random weights (no file, no download)."""


def make_encoder(
    model: str = "ViT-B-16",
    pretrained: str | os.PathLike = "openai",
    *,
    device: str = "auto",
    precision: str | None = None,
    seed: int = 0,
    batch_size: int = 256,
    image_batch_size: int = 64,
    progress: bool = False,
) -> Any:
    """An :class:`~debiasood.data.encoders.OpenClipEncoder`: ``model`` an open_clip architecture or ``"tiny"``,
    ``pretrained`` a tag (``"openai"``), a local checkpoint file, or ``"random"`` (seeded by ``seed``).

    A tag that is not in the local Hugging Face cache fails at once offline
    (:class:`~debiasood.data.encoders.WeightsUnavailableError`).
    """
    from debiasood.data.encoders import OpenClipEncoder

    if not isinstance(pretrained, str | os.PathLike) or not str(pretrained).strip():
        raise ValueError(f"pretrained must be a tag, a checkpoint path or {RANDOM_WEIGHTS!r}, got {pretrained!r}")
    from debiasood.data.encoders.open_clip_backend import (
        CheckpointError,
        architecture_mismatches,
        config_architecture,
    )

    weights = None if pretrained == RANDOM_WEIGHTS else pretrained
    name, cfg = ("ViT-B-32", TINY_MODEL_CFG) if model == TINY_MODEL else (model, None)
    if model == TINY_MODEL and weights is not None and not Path(weights).expanduser().is_file():
        raise ValueError(f"model={TINY_MODEL!r} has no published weights: pretrained must be {RANDOM_WEIGHTS!r} "
                         f"or a checkpoint file of that architecture, got {pretrained!r}")
    try:
        return OpenClipEncoder(name, weights, device=device, precision=precision, seed=seed, batch_size=batch_size,
                               image_batch_size=image_batch_size, progress=progress, model_cfg=cfg,
                               model_label=f"model={TINY_MODEL!r}" if model == TINY_MODEL else None)
    except CheckpointError as err:
        if model == TINY_MODEL or err.found is None or architecture_mismatches(err.found,
                                                                             config_architecture(TINY_MODEL_CFG)):
            raise
        raise CheckpointError(f"{err} It is the shape of this project's tiny test model: use model={TINY_MODEL!r} "
                              f"(command line: --model {TINY_MODEL})", found=err.found) from err
