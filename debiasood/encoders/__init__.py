"""Encoders: texts (and images) in, embeddings out, behind one small protocol (:class:`Encoder`).

- :mod:`debiasood.encoders.prompts`: the prompt templates of MCM, NegLabel, CSP and CLIP, with sources.
"""

from debiasood.encoders.base import (
    Encoder,
    ImagesNotSupportedError,
    WeightsUnavailableError,
    check_texts,
)
from debiasood.encoders.prompts import fill

__all__ = [
    "Encoder",
    "ImagesNotSupportedError",
    "WeightsUnavailableError",
    "check_texts",
    "fill",
]
