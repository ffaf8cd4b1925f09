"""The encoder contract: texts (and, for vision-language models, images) in, embeddings out.

Everything downstream (mining, scores, the feature store) sees only this protocol, so the same code runs on
CLIP via open_clip, on a text-only sentence encoder, or on a simulated world. The pattern is pytorch-ood's:
encode once, score many ways.

Contract of every encoder:

- ``id`` names the model AND its weights (``'open_clip:ViT-B-16:openai'``,
  ``'open_clip:ViT-B-16:file-sha256-<12 hex>'``, ``'sentence-transformers:all-MiniLM-L6-v2'``). It keys the
  feature cache, so two encoders with the same id must give the same features (up to floating-point noise of
  the device and precision they run at).
- ``dim`` is the embedding width.
- ``encode_texts`` returns a float32 CPU tensor (len(texts), dim), rows L2-normalised, in input order; with
  ``raw=True`` the rows are the model's unnormalised output (DNM's official density form uses raw text norms).
- ``encode_images`` does the same for images; a text-only encoder raises :class:`ImagesNotSupportedError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # torch is only needed for the annotations here; keep importing this module cheap.
    import torch


class ImagesNotSupportedError(NotImplementedError):
    """Raised by text-only encoders when asked to embed images."""


class WeightsUnavailableError(RuntimeError):
    """The requested weights are not on this machine and cannot be fetched now; the message says what to do."""


@runtime_checkable
class Encoder(Protocol):
    """What every encoder of :mod:`debiasood.data.encoders` provides (see the module docstring for the contract)."""

    id: str
    dim: int
    supports_images: bool

    def encode_texts(
        self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool | None = None, raw: bool = False
    ) -> torch.Tensor: ...

    def encode_images(
        self, images: Any, *, batch_size: int | None = None, progress: bool | None = None
    ) -> torch.Tensor: ...


def check_texts(texts: Sequence[str], name: str = "texts") -> list[str]:
    """Return ``texts`` as a list after checking it is a non-empty sequence of non-blank strings.

    A lone string is refused rather than silently split into characters.
    """
    if isinstance(texts, str | bytes):
        raise TypeError(f"{name} must be a list of strings, got a single {type(texts).__name__}: wrap it in a list")
    if not isinstance(texts, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}")
    texts = list(texts)
    if not texts:
        raise ValueError(f"{name} is empty: nothing to encode")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type(text).__name__}: {text!r}")
        if not text.strip():
            raise ValueError(f"{name}[{i}] is blank ({text!r}); an empty label is almost certainly a corpus bug")
    return texts


def check_batch_size(batch_size: int, name: str = "batch_size") -> int:
    """Require a positive int (bools are refused: ``True`` is not a batch size)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"{name} must be a positive int, got {batch_size!r}")
    return batch_size
