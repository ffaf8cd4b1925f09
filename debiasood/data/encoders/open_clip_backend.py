"""CLIP-like vision-language encoders through open_clip, with weights that never download silently.

References:
- CLIP: Radford et al., "Learning Transferable Visual Models From Natural Language Supervision", ICML 2021.
  https://github.com/openai/CLIP
- open_clip: Ilharco et al., https://github.com/mlfoundations/open_clip (3.3.0 here).

Weights, and what the encoder's ``id`` says about them:

- a pretrained tag (``pretrained='openai'``): ``open_clip:ViT-B-16:openai``. If the tag's file is already in
  the local Hugging Face cache it is loaded from there without touching the network. If not, and
  ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` is set or the hub does not answer within a few seconds, the
  constructor fails at once with :class:`WeightsUnavailableError` saying how to get the file (instead of
  open_clip's ~46 s of retries).
- a local checkpoint (``pretrained='/path/ViT-B-16.pt'``): ``open_clip:ViT-B-16:file-sha256-<12 hex>``, the
  file's content hash (memoised by path, size and mtime, see :func:`debiasood.data.files.file_sha256`). A file
  whose sha256 is the one OpenAI publishes for a tag (the hash is part of OpenAI's download URL) is that tag:
  it gets the tag's id, preprocessing and QuickGELU. A missing file fails at once, before open_clip is even
  imported. Any other file is inspected before open_clip loads it (:func:`describe_checkpoint`: safetensors,
  torch's zip or legacy pickle format, read with ``weights_only``; never a full unpickling): a file that is not
  a checkpoint, or holds a CLIP of another shape, raises :class:`CheckpointError` naming the file, what it seems
  to be, and the open_clip architectures it does fit.
- ``pretrained=None``: random weights, seeded (tests only): ``open_clip:<arch>:random-seed<seed>-torch<ver>``
  (torch's initialisers may change between versions, so the version is part of the name). open_clip's log line
  "No pretrained weights loaded ... initialized randomly" is left out; :attr:`OpenClipEncoder.random_weights`
  says the same, so a caller can tell its users once, in its own words.

``@fp16``/``@bf16`` is appended when the weights are cast to half precision (the default on CUDA), because
the cast changes the features; ``:quick_gelu=<bool>`` when the activation differs from what the weights were
trained with. A custom architecture (``model_cfg``) adds ``+cfg-<12 hex>`` to the architecture name.

Preprocessing is open_clip's evaluation transform for the model and weights (for OpenAI CLIP: bicubic resize
of the short side, centre crop, CLIP's mean/std), exposed as :attr:`OpenClipEncoder.preprocess`. The
official NegLabel/DNM code resizes bilinearly; this encoder does not copy that.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import math
import os
import pickle
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import torch

from debiasood.data.encoders.base import WeightsUnavailableError, check_batch_size, check_texts


class CheckpointError(ValueError):
    """A local checkpoint file is not one, or holds weights of another architecture. The message names the file,
    what it seems to be and the architectures it fits; ``found`` is the architecture read from the file
    (:func:`describe_checkpoint`), or None."""

    def __init__(self, message: str, *, found: dict | None = None) -> None:
        super().__init__(message)
        self.found = found

_CHECKPOINT_SUFFIXES = (".pt", ".pth", ".bin", ".safetensors", ".npz", ".ckpt")
_OFFLINE_VALUES = {"1", "on", "yes", "true"}  # huggingface_hub's own rule for HF_HUB_OFFLINE
_HUB_PROBE_TIMEOUT_S = 3.0
_POPULAR_MODELS = ("ViT-B-16", "ViT-B-32", "ViT-L-14", "ViT-L-14-336", "RN50")
_PRECISIONS = {"cpu": ("fp32", "bf16"), "cuda": ("fp32", "fp16", "bf16")}


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` forbids downloads (read at call time)."""
    return any(os.environ.get(name, "").strip().lower() in _OFFLINE_VALUES
               for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _looks_like_path(pretrained: str) -> bool:
    # open_clip tags are bare identifiers ('openai', 'laion2b_s34b_b88k'); anything path-shaped is a file.
    return ("/" in pretrained or os.sep in pretrained or pretrained.startswith("~")
            or pretrained.lower().endswith(_CHECKPOINT_SUFFIXES) or os.path.exists(pretrained))


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class OpenClipEncoder:
    """Text and image encoder backed by an open_clip model (see the module docstring for weights and ids).

    Parameters: ``model_name`` is an open_clip architecture (``open_clip.list_models()``); ``pretrained`` a
    tag, a local checkpoint path, or None for seeded random weights; ``device`` ``'auto'`` (CUDA if
    available, else CPU) or a torch device string; ``precision`` None (fp16 on CUDA, fp32 on CPU), ``'fp32'``,
    ``'fp16'`` (CUDA only) or ``'bf16'``; ``batch_size`` texts per forward pass and ``image_batch_size`` images
    per pass; ``progress`` shows tqdm bars; ``seed`` seeds random weights; ``quick_gelu`` None follows the
    weights (True for OpenAI's); ``model_cfg`` overrides the architecture (``embed_dim``, ``vision_cfg``,
    ``text_cfg``), e.g. a tiny model for tests; ``cache_root`` is where the weights-hash memo lives;
    ``model_label`` is how error messages name the architecture (default ``model_name``).
    """

    supports_images = True

    def __init__(
        self,
        model_name: str = "ViT-B-16",
        pretrained: str | os.PathLike | None = "openai",
        *,
        device: str | torch.device = "auto",
        precision: str | None = None,
        batch_size: int = 256,
        image_batch_size: int = 64,
        progress: bool = True,
        seed: int = 0,
        quick_gelu: bool | None = None,
        model_cfg: dict | None = None,
        cache_root: str | os.PathLike | None = None,
        model_label: str | None = None,
    ) -> None:
        if not isinstance(model_name, str) or not model_name.strip():
            raise ValueError(f"model_name must be an open_clip architecture name, got {model_name!r}")
        if model_name.startswith(("hf-hub:", "local-dir:")):
            raise ValueError(
                f"model_name={model_name!r}: hub and local-dir schemas are not supported; give a built-in "
                "architecture (e.g. 'ViT-B-16') and pass a local checkpoint file as pretrained=<path>"
            )
        self.batch_size = check_batch_size(batch_size)
        self.image_batch_size = check_batch_size(image_batch_size, "image_batch_size")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed must be an int, got {seed!r}")
        if quick_gelu is not None and not isinstance(quick_gelu, bool):
            raise TypeError(f"quick_gelu must be None or a bool, got {quick_gelu!r}")
        if model_cfg is not None and not isinstance(model_cfg, dict):
            raise TypeError(f"model_cfg must be None or a dict, got {type(model_cfg).__name__}")
        self.progress = bool(progress)
        self.device = _resolve_device(device)
        self.precision = _resolve_precision(precision, self.device)

        # Checks that need no open_clip come first: importing it takes seconds, a missing file should not.
        local_file = None
        if pretrained is not None:
            if isinstance(pretrained, os.PathLike) or _looks_like_path(str(pretrained)):
                local_file = _check_local_file(Path(pretrained).expanduser(), model_name)
            elif not isinstance(pretrained, str) or not pretrained.strip():
                raise ValueError(f"pretrained must be a tag, a checkpoint path or None, got {pretrained!r}")

        import open_clip  # heavy (seconds): only when an encoder is actually built

        arch_cfg = _architecture_config(open_clip, model_name, model_cfg)
        tag_cfg: dict = {}
        download_tag = False  # True: open_clip fetches the tag itself (and applies its preprocessing)
        if local_file is not None:
            sha256 = _file_sha256(local_file, cache_root)
            tag = _openai_tag_of_sha256(open_clip, model_name, sha256)
            if tag is not None:
                weights, tag_cfg = tag, open_clip.get_pretrained_cfg(model_name, tag)
            else:
                weights = f"file-sha256-{sha256[:12]}"
            source = str(local_file)
            if tag is None:
                _check_checkpoint(open_clip, local_file, model_label or model_name, arch_cfg)
        elif pretrained is not None:
            tag_cfg = _check_tag(open_clip, model_name, pretrained)
            cached = _cached_tag_file(tag_cfg)
            weights, source, download_tag = pretrained, cached or pretrained, cached is None
        else:
            weights, source = f"random-seed{seed}-torch{torch.__version__.split('+')[0]}", None

        implied_quick_gelu = bool(tag_cfg.get("quick_gelu", arch_cfg.get("quick_gelu", False)))
        self.quick_gelu = implied_quick_gelu if quick_gelu is None else quick_gelu
        arch = model_name if model_cfg is None else f"{model_name}+cfg-{_short_hash(_canonical(model_cfg))}"
        self.id = f"open_clip:{arch}:{weights}"
        if self.precision != "fp32":
            self.id += f"@{self.precision}"
        if self.quick_gelu != implied_quick_gelu:
            self.id += f":quick_gelu={self.quick_gelu}"

        self.model_name, self.dim = model_name, int(arch_cfg["embed_dim"])
        self.random_weights = pretrained is None
        try:
            self.model = _build_model(
                open_clip, model_name, source, {} if download_tag else tag_cfg, model_cfg or {},
                device=self.device, precision=self.precision, quick_gelu=self.quick_gelu, seed=seed,
            )
        except _LOAD_ERRORS as err:
            if local_file is None:
                raise
            # What the inspection above could not foresee (a TorchScript archive, a conversion open_clip refuses).
            first_line = (str(err).strip().splitlines() or [""])[0][:300]
            raise CheckpointError(
                f"open_clip could not load checkpoint {str(local_file)!r} as {model_label or model_name} "
                f"({type(err).__name__}: {first_line}); the file is {describe_checkpoint(local_file)[0]}"
            ) from err
        self.model.eval()
        preprocess_cfg = open_clip.transform.PreprocessCfg(**self.model.visual.preprocess_cfg)
        self.preprocess = open_clip.transform.image_transform_v2(preprocess_cfg, is_train=False)
        size = preprocess_cfg.size
        self.image_size = (size, size) if isinstance(size, int) else tuple(size)
        self.tokenizer = open_clip.get_tokenizer(
            model_name, context_length=arch_cfg["text_cfg"].get("context_length")
        )

    def __repr__(self) -> str:
        return f"OpenClipEncoder(id={self.id!r}, device={str(self.device)!r}, dim={self.dim})"

    @torch.inference_mode()
    def encode_texts(
        self, texts: Sequence[str], *, batch_size: int | None = None, progress: bool | None = None, raw: bool = False
    ) -> torch.Tensor:
        """Embed ``texts`` (float32, CPU, input order); rows are L2-normalised unless ``raw=True``."""
        texts = check_texts(texts)
        size = self.batch_size if batch_size is None else check_batch_size(batch_size)
        out = []
        for start in _progress(range(0, len(texts), size), self._show(progress), "texts", len(texts), size):
            tokens = self.tokenizer(texts[start:start + size]).to(self.device)
            out.append(self.model.encode_text(tokens).float().cpu())
        features = torch.cat(out)
        return features if raw else torch.nn.functional.normalize(features, dim=-1)

    @torch.inference_mode()
    def encode_images(
        self, images: Any, *, batch_size: int | None = None, progress: bool | None = None
    ) -> torch.Tensor:
        """Embed images: a list of PIL images, a (N, 3, H, W) tensor of preprocessed images, or an iterable of
        preprocessed batches (a DataLoader; an item may be ``(images, labels, ...)``). Float32, CPU, L2-normalised.

        Preprocessed input must come from :attr:`preprocess` (same size, bicubic resize, CLIP mean/std).
        """
        size = self.image_batch_size if batch_size is None else check_batch_size(batch_size)
        out = [self._encode_batch(batch) for batch in _progress(
            self._batches(images, size), self._show(progress), "images", _length(images), size)]
        if not out:
            raise ValueError("images is empty: nothing to encode")
        return torch.nn.functional.normalize(torch.cat(out), dim=-1)

    def _show(self, progress: bool | None) -> bool:
        return self.progress if progress is None else bool(progress)

    def _batches(self, images: Any, size: int) -> Iterable[torch.Tensor]:
        from PIL import Image

        if isinstance(images, Image.Image):
            raise TypeError("images must be a list of PIL images, got a single image: wrap it in a list")
        if isinstance(images, torch.Tensor):
            self._check_pixels(images, "images")
            return images.split(size)
        if isinstance(images, Sequence) and not isinstance(images, str | bytes):
            if images and all(isinstance(image, Image.Image) for image in images):
                return (torch.stack([self.preprocess(image) for image in images[i:i + size]])
                        for i in range(0, len(images), size))
            if images and isinstance(images[0], Image.Image):
                bad = next(i for i, image in enumerate(images) if not isinstance(image, Image.Image))
                raise TypeError(f"images[{bad}] must be a PIL image like the others, got {type(images[bad]).__name__}")
        if isinstance(images, Iterable) and not isinstance(images, str | bytes):
            return (self._check_pixels(_first_tensor(item, i), f"batch {i}") for i, item in enumerate(images))
        raise TypeError(
            f"images must be a list of PIL images, a (N, 3, H, W) tensor or an iterable of such batches, "
            f"got {type(images).__name__}"
        )

    def _check_pixels(self, batch: torch.Tensor, what: str) -> torch.Tensor:
        if batch.ndim != 4 or batch.shape[1] != 3 or tuple(batch.shape[-2:]) != self.image_size:
            raise ValueError(
                f"{what} has shape {tuple(batch.shape)}, expected (N, 3, {self.image_size[0]}, {self.image_size[1]}): "
                "preprocess images with encoder.preprocess (or pass PIL images)"
            )
        if not batch.is_floating_point():
            raise ValueError(f"{what} has dtype {batch.dtype}; preprocessed images are floating point")
        return batch

    def _encode_batch(self, batch: torch.Tensor) -> torch.Tensor:
        dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[self.precision]
        return self.model.encode_image(batch.to(self.device, dtype)).float().cpu()


def _first_tensor(item: Any, index: int) -> torch.Tensor:
    if isinstance(item, list | tuple) and item:
        item = item[0]  # (images, labels, ...) as a DataLoader over a labelled dataset yields
    if not isinstance(item, torch.Tensor):
        raise TypeError(f"batch {index} must be a tensor of preprocessed images (or a tuple starting with one), "
                        f"got {type(item).__name__}")
    return item


def _length(images: Any) -> int | None:
    if isinstance(images, torch.Tensor):
        return images.shape[0]
    try:
        return len(images)
    except TypeError:
        return None


def _progress(iterable: Iterable, show: bool, unit: str, total_items: int | None, size: int) -> Iterable:
    if not show:
        return iterable
    from tqdm import tqdm  # the text bar: tqdm.auto would ask notebooks for ipywidgets

    total = None if total_items is None else -(-total_items // size)
    return tqdm(iterable, total=total, desc=f"encoding {unit} (batches of {size})", unit="batch")


def _resolve_device(device: str | torch.device) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"device must be 'auto' or a torch device such as 'cpu' or 'cuda:0', got {device!r}") from err
    if resolved.type not in _PRECISIONS:
        raise ValueError(f"device type {resolved.type!r} is not supported; use 'cpu' or 'cuda'")
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was asked for but CUDA is not available here; use device='auto' or 'cpu'")
    return resolved


def _resolve_precision(precision: str | None, device: torch.device) -> str:
    if precision is None:
        # OpenAI's CLIP runs in fp16 on GPUs (that is how the published numbers were made); CPUs need fp32.
        return "fp16" if device.type == "cuda" else "fp32"
    allowed = _PRECISIONS[device.type]
    if precision not in allowed:
        raise ValueError(f"precision on {device.type} must be one of {allowed}, got {precision!r}")
    return precision


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _file_sha256(path: Path, cache_root: str | os.PathLike | None) -> str:
    from debiasood.data.files import file_sha256

    return file_sha256(path, root=cache_root)


def _check_local_file(path: Path, model_name: str) -> Path:
    if path.is_file():
        return path
    problem = "is a directory; pass the checkpoint file inside it" if path.is_dir() else "does not exist"
    raise WeightsUnavailableError(
        f"checkpoint {str(path)!r} for {model_name} {problem}. To get weights without internet on this machine, "
        "download the checkpoint on a machine that has it and copy it here, e.g. for OpenAI's ViT-B-16: "
        "'open_clip_model.safetensors' from https://huggingface.co/timm/vit_base_patch16_clip_224.openai or "
        "'ViT-B-16.pt' from https://openaipublic.azureedge.net/clip/models/ (the URL open_clip's "
        "pretrained table lists); then pass pretrained=<path>. On a machine with internet, a tag such as "
        "pretrained='openai' downloads it (with HF_HUB_OFFLINE unset)."
    )


# What torch.load, safetensors and open_clip raise for a file they cannot use as these weights.
_LOAD_ERRORS = (pickle.UnpicklingError, RuntimeError, AssertionError, KeyError, ValueError, TypeError,
                AttributeError, EOFError, StopIteration, OSError, zipfile.BadZipFile)
_ARCHITECTURE_FIELDS = ("embed_dim", "vision", "vision_width", "vision_layers", "patch_size", "text_width",
                        "text_layers")
"""Fields that must agree for weights to load (image size and context length are interpolated by open_clip)."""


def describe_checkpoint(path: str | os.PathLike) -> tuple[str, dict | None]:
    """What a weights file is, in words, and the CLIP architecture of the state dict it holds (or None).

    Reads safetensors headers, torch's zip format (memory-mapped) and legacy pickles with
    ``torch.load(weights_only=True)``, which never runs code from the file; TorchScript archives are named but
    not opened. The architecture (see :func:`config_architecture` for the fields) is read off the shapes of the
    OpenAI/open_clip CLIP keys: ``text_projection``, ``positional_embedding``, ``visual.conv1.weight``, ...
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return "an empty file", None
    with open(path, "rb") as handle:
        head = handle.read(64)
    header_length = int.from_bytes(head[:8], "little")
    if 0 < header_length <= size - 8 and head[8:9] == b"{":
        return _describe_safetensors(path)
    if zipfile.is_zipfile(path):
        return _describe_zip(path)
    if head[:1] == b"\x80":
        return _describe_torch_file(path, "a pickle file (torch's legacy format)")
    text = head.decode("utf-8", "replace")
    if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return f"a text file, not a checkpoint (it starts {text[:40]!r})", None
    return f"not a checkpoint format open_clip reads (its first bytes are {head[:8].hex(' ')})", None


def _describe_safetensors(path: Path) -> tuple[str, dict | None]:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(path, framework="pt") as handle:
            shapes = {name: tuple(handle.get_slice(name).get_shape()) for name in handle.keys()}
    except (OSError, SafetensorError) as err:
        return f"a damaged safetensors file ({err})", None
    return _describe_state_dict("a safetensors file", shapes)


def _describe_zip(path: Path) -> tuple[str, dict | None]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    if any(name.rsplit("/", 1)[-1] == "constants.pkl" for name in names):
        return "a TorchScript archive (the format of OpenAI's original CLIP files)", None
    if any(name.rsplit("/", 1)[-1] == "data.pkl" for name in names):
        return _describe_torch_file(path, "a torch.save file")
    if names and all(name.endswith(".npy") for name in names):
        return "a NumPy .npz archive (open_clip reads those for SigLIP's big_vision weights only)", None
    return f"a zip archive that is not a checkpoint (it holds {', '.join(names[:3]) or 'nothing'})", None


def _describe_torch_file(path: Path, kind: str) -> tuple[str, dict | None]:
    try:
        # mmap: a zip-format checkpoint is mapped, not read, so inspecting a multi-GB file costs little.
        loaded = torch.load(path, map_location="cpu", weights_only=True, mmap=kind == "a torch.save file")
    except pickle.UnpicklingError:
        return (f"{kind} that torch.load(weights_only=True) refuses: it holds Python objects other than tensors "
                "(a training checkpoint, or a pickled model), and unpickling it could run code. Save its "
                "state_dict() with torch.save or safetensors and pass that file"), None
    except (RuntimeError, EOFError, ValueError, OSError) as err:
        return f"{kind} that cannot be read ({type(err).__name__}: {str(err)[:200]})", None
    if isinstance(loaded, dict) and isinstance(loaded.get("state_dict"), dict):
        loaded = loaded["state_dict"]
    if not isinstance(loaded, dict) or not loaded or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        what = "an empty dict" if loaded == {} else f"a {type(loaded).__name__}"
        return f"{kind} holding {what}, not a state dict of tensors", None
    return _describe_state_dict(kind, {name: tuple(value.shape) for name, value in loaded.items()})


def _count_blocks(shapes: dict[str, tuple], prefix: str) -> int:
    return len({name[len(prefix):].split(".", 1)[0] for name in shapes if name.startswith(prefix)})


def _describe_state_dict(kind: str, shapes: dict[str, tuple]) -> tuple[str, dict | None]:
    shapes = {name.removeprefix("module."): shape for name, shape in shapes.items()}
    if "text_projection" not in shapes or "positional_embedding" not in shapes:
        sample = ", ".join(repr(name) for name in list(shapes)[:4])
        return (f"{kind} of {len(shapes)} tensors that are not CLIP weights (no 'text_projection' or "
                f"'positional_embedding'; keys such as {sample})"), None
    found: dict[str, Any] = {
        "embed_dim": shapes["text_projection"][-1], "text_width": shapes["positional_embedding"][-1],
        "context_length": shapes["positional_embedding"][0],
        "text_layers": _count_blocks(shapes, "transformer.resblocks."),
    }
    if "visual.conv1.weight" in shapes and "visual.positional_embedding" in shapes:
        width, _, patch, _ = shapes["visual.conv1.weight"]
        grid = math.isqrt(shapes["visual.positional_embedding"][0] - 1)
        found.update(vision="ViT", vision_width=width, patch_size=patch, image_size=grid * patch,
                     vision_layers=_count_blocks(shapes, "visual.transformer.resblocks."))
    elif "visual.layer1.0.conv1.weight" in shapes:
        found.update(vision="ResNet", vision_width=shapes["visual.layer1.0.conv1.weight"][0], patch_size=None,
                     vision_layers=tuple(_count_blocks(shapes, f"visual.layer{i}.") for i in range(1, 5)))
    else:
        found.update(vision="other", vision_width=None, patch_size=None, vision_layers=None)
    return f"{kind} holding a CLIP state dict ({describe_architecture(found)})", found


def config_architecture(cfg: dict) -> dict:
    """The fields of :func:`describe_checkpoint`'s architecture for an open_clip model config (``embed_dim``,
    ``vision_cfg``, ``text_cfg``)."""
    vision, text = cfg.get("vision_cfg", {}), cfg.get("text_cfg", {})
    layers = vision.get("layers")
    if "timm_model_name" in vision and vision["timm_model_name"]:
        kind = "other"
    else:
        kind = "ResNet" if isinstance(layers, list | tuple) else "ViT"
    return {
        "embed_dim": cfg.get("embed_dim"), "vision": kind,
        "vision_width": vision.get("width") if kind != "other" else None,
        "vision_layers": tuple(layers) if kind == "ResNet" else (layers if kind == "ViT" else None),
        "patch_size": vision.get("patch_size") if kind == "ViT" else None,
        "image_size": vision.get("image_size"), "text_width": text.get("width"), "text_layers": text.get("layers"),
        "context_length": text.get("context_length", 77),
    }


def architecture_mismatches(found: dict, expected: dict) -> list[str]:
    """The fields of :data:`_ARCHITECTURE_FIELDS` on which two architectures differ, as 'name found/expected'."""
    return [f"{name} {found.get(name)} vs {expected.get(name)}" for name in _ARCHITECTURE_FIELDS
            if found.get(name) != expected.get(name)]


def describe_architecture(arch: dict) -> str:
    """One line: embedding width, image tower, text tower."""
    if arch.get("vision") == "ViT":
        image = (f"a ViT image tower of width {arch['vision_width']}, {arch['vision_layers']} layers, patch "
                 f"{arch['patch_size']}, {arch.get('image_size')} px")
    elif arch.get("vision") == "ResNet":
        image = f"a ResNet image tower with blocks {arch['vision_layers']}"
    else:
        image = "an image tower of another kind"
    return (f"embed_dim {arch['embed_dim']}, {image}, a text tower of width {arch['text_width']}, "
            f"{arch['text_layers']} layers, context {arch.get('context_length')}")


def _check_checkpoint(open_clip: Any, path: Path, target: str, arch_cfg: dict) -> None:
    """Refuse a file that is not a checkpoint or holds a CLIP of another shape, naming what it seems to be."""
    kind, found = describe_checkpoint(path)
    if found is None:
        if kind.startswith("a TorchScript archive"):
            return  # open_clip reads those itself; a failure is reported after it tried
        raise CheckpointError(f"checkpoint {str(path)!r} is {kind}; {target} needs CLIP weights (a state dict)")
    expected = config_architecture(arch_cfg)
    if expected["vision"] == "other" or not architecture_mismatches(found, expected):
        return
    fits = [name for name in open_clip.list_models()
            if not architecture_mismatches(found, config_architecture(open_clip.get_model_config(name)))]
    hint = (f"It fits the open_clip architecture(s) {', '.join(fits[:6])}: pass one of those as the model"
            if fits else "No open_clip architecture has these shapes")
    raise CheckpointError(
        f"checkpoint {str(path)!r} does not fit {target}: it is {kind}, while {target} has "
        f"{describe_architecture(expected)}. {hint}.", found=found)


def _architecture_config(open_clip: Any, model_name: str, model_cfg: dict | None) -> dict:
    known = open_clip.list_models()
    if model_name not in known:
        close = difflib.get_close_matches(model_name, known, n=5, cutoff=0.5)
        hint = f"closest: {close}; " if close else ""
        raise ValueError(
            f"unknown open_clip model {model_name!r} ({hint}e.g. {list(_POPULAR_MODELS)}; "
            f"open_clip.list_models() lists all {len(known)})"
        )
    cfg = open_clip.get_model_config(model_name)
    if model_cfg:
        unknown = set(model_cfg) - {"embed_dim", "vision_cfg", "text_cfg", "quick_gelu"}
        if unknown:
            raise ValueError(f"model_cfg may set embed_dim, vision_cfg, text_cfg, quick_gelu; got {sorted(unknown)}")
        cfg.update(model_cfg)
    return cfg


def _check_tag(open_clip: Any, model_name: str, tag: str) -> dict:
    tags = open_clip.list_pretrained_tags_by_model(model_name)
    if tag not in tags:
        raise ValueError(
            f"pretrained={tag!r} is neither a pretrained tag of {model_name} (tags: {tags or 'none'}) nor an "
            "existing checkpoint file"
        )
    cfg = open_clip.get_pretrained_cfg(model_name, tag)
    if _cached_tag_file(cfg) is None:
        _check_hub_reachable(model_name, tag, cfg)
    return cfg


def _hub_file_candidates(cfg: dict) -> tuple[str, list[str]] | None:
    """(repo id, file names open_clip would try, in its order) of a tag on the Hugging Face hub."""
    hub = cfg.get("hf_hub", "")
    if not hub:
        return None
    repo, filename = os.path.split(hub)
    if not filename:
        return repo, ["open_clip_model.safetensors", "open_clip_pytorch_model.bin"]
    if filename.endswith((".bin", ".pth")):
        return repo, [filename[:-4] + ".safetensors", filename]
    return repo, [filename]


def _cached_tag_file(cfg: dict) -> str | None:
    """Path of the tag's weights if they are already on this machine (nothing is downloaded)."""
    if cfg.get("file") and os.path.isfile(cfg["file"]):
        return cfg["file"]
    candidates = _hub_file_candidates(cfg)
    if candidates is not None:
        from huggingface_hub import try_to_load_from_cache

        repo, filenames = candidates
        for filename in filenames:
            found = try_to_load_from_cache(repo, filename)
            if isinstance(found, str) and os.path.isfile(found):
                return found
    if cfg.get("url"):
        # open_clip's own cache for URL downloads.
        path = Path.home() / ".cache" / "clip" / os.path.basename(cfg["url"])
        if path.is_file():
            return str(path)
    return None


def _check_hub_reachable(model_name: str, tag: str, cfg: dict) -> None:
    candidates = _hub_file_candidates(cfg)
    sources = []
    if candidates is not None:
        sources.append(f"https://huggingface.co/{candidates[0]} (file {candidates[1][0]} or {candidates[1][-1]})")
    if cfg.get("url"):
        sources.append(cfg["url"])
    how = (
        f"download the checkpoint on a machine with internet from {' or '.join(sources) or 'its source'}, copy it "
        f"here and pass its path: OpenClipEncoder({model_name!r}, pretrained='/path/to/checkpoint'); or run once "
        "with internet (HF_HUB_OFFLINE unset) to fill the Hugging Face cache"
    )
    if hub_offline():
        raise WeightsUnavailableError(
            f"weights {model_name}:{tag} are not in the local cache and HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE is set, "
            f"so they cannot be downloaded. To get them: {how}."
        )
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co") if candidates else cfg.get("url", "")
    if not _reachable(endpoint):
        raise WeightsUnavailableError(
            f"weights {model_name}:{tag} are not in the local cache and {endpoint} does not answer within "
            f"{_HUB_PROBE_TIMEOUT_S:.0f} s (no internet?). To get them: {how}."
        )


def _reachable(url: str) -> bool:
    """One HEAD request with a short timeout and no retries (urllib honours the *_PROXY variables)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=_HUB_PROBE_TIMEOUT_S):
            return True
    except urllib.error.HTTPError:
        return True  # the server answered (403, 404, ...): the network is there
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _openai_tag_of_sha256(open_clip: Any, model_name: str, sha256: str) -> str | None:
    """The tag of ``model_name`` whose OpenAI download URL carries this sha256, if any."""
    for tag in open_clip.list_pretrained_tags_by_model(model_name):
        url = open_clip.get_pretrained_cfg(model_name, tag).get("url", "")
        if "openaipublic" in url and url.split("/")[-2] == sha256:  # .../clip/models/<sha256>/ViT-B-16.pt
            return tag
    return None


def _is_torchscript_archive(path: str) -> bool:
    # OpenAI's original .pt files are TorchScript archives; torch.load(weights_only=True) refuses them.
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(name.rsplit("/", 1)[-1] == "constants.pkl" for name in archive.namelist())


def _build_model(
    open_clip: Any,
    model_name: str,
    source: str | None,
    tag_cfg: dict,
    overrides: dict,
    *,
    device: torch.device,
    precision: str,
    quick_gelu: bool,
    seed: int,
) -> torch.nn.Module:
    """open_clip.create_model with weights from ``source`` (tag, file or None), seeded when random.

    ``tag_cfg`` is non-empty when a tag's weights are loaded from a local file: its preprocessing (mean, std,
    interpolation, resize mode) is then applied the way open_clip applies it for the tag itself.
    """
    # force_quick_gelu can only switch QuickGELU on (and keeps open_clip's tag check quiet when it is on);
    # the constructor argument also switches it off.
    overrides = {**overrides, "quick_gelu": quick_gelu}
    kwargs: dict[str, Any] = dict(
        pretrained=source, precision=precision, device=device, force_quick_gelu=quick_gelu, **overrides
    )
    if tag_cfg:
        kwargs["force_preprocess_cfg"] = open_clip.transform.merge_preprocess_dict({}, tag_cfg)
    torchscript = source is not None and os.path.isfile(source) and _is_torchscript_archive(source)
    if torchscript:
        # TorchScript archives are not pickles of Python objects; torch.jit.load reads them with its own
        # restricted loader, which torch.load reaches only with weights_only=False.
        kwargs["weights_only"] = False
    with torch.random.fork_rng(devices=[]):
        # Models are initialised on the CPU and then moved, so seeding the CPU generator suffices; fork_rng
        # keeps the caller's global RNG state untouched.
        torch.manual_seed(seed)
        with warnings.catch_warnings() if torchscript else nullcontext(), _without_random_weights_notice():
            if torchscript:
                # Scoped to this call: torch.load's "dispatching to torch.jit.load" notice and torch's
                # deprecation notice for torch.jit.load are about torch's API, not something a user of the
                # encoder can act on. (Tests would catch the day torch.jit.load stops working.)
                warnings.filterwarnings("ignore", message=".*looks like a TorchScript archive", category=UserWarning)
                warnings.filterwarnings("ignore", message="`torch.jit.load` is deprecated", category=FutureWarning)
            model = open_clip.create_model(model_name, **kwargs)
    return model


class _RandomWeightsNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("No pretrained weights loaded")


@contextmanager
def _without_random_weights_notice() -> Iterator[None]:
    """Drop open_clip's "No pretrained weights loaded ... initialized randomly" log line (logged on the root
    logger) for one call: the encoder's ``random_weights`` says it, and callers say it once, with its meaning."""
    root, notice = logging.getLogger(), _RandomWeightsNotice()
    root.addFilter(notice)
    try:
        yield
    finally:
        root.removeFilter(notice)
