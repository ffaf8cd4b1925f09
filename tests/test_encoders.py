"""Tests of the encoders: open_clip end to end on a tiny random model, the MiniLM text encoder, the prompts.

The open_clip model is a tiny custom ViT (32x32 images, 2 layers, 32-dim embeddings, ~3M parameters) with
seeded random weights, so everything runs offline in seconds; real CLIP weights are never needed here.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from debiasood.core import prompts
from debiasood.data.encoders import (
    Encoder,
    ImagesNotSupportedError,
    OpenClipEncoder,
    SentenceTransformerEncoder,
    WeightsUnavailableError,
    open_clip_backend,
)

TINY_CFG = dict(
    embed_dim=32,
    vision_cfg=dict(image_size=32, layers=2, width=64, patch_size=8, head_width=32),
    text_cfg=dict(context_length=77, vocab_size=49408, width=64, heads=2, layers=2),
)
TEXTS = ["a photo of a cat", "a photo of a dog", "a photo of a cat"]


def tiny(pretrained=None, tmp: Path | None = None, **kwargs) -> OpenClipEncoder:  # noqa: ANN001
    return OpenClipEncoder("ViT-B-32", pretrained, model_cfg=TINY_CFG, progress=False, cache_root=tmp, **kwargs)


@pytest.fixture(scope="module")
def clip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clip-cache")


@pytest.fixture(scope="module")
def clip(clip_cache: Path) -> OpenClipEncoder:
    return tiny(tmp=clip_cache)


@pytest.fixture(scope="module")
def images() -> list:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((48, 40)).convert("RGB")
    return [
        Image.new("RGB", (32, 32), (255, 0, 0)),
        Image.new("RGB", (20, 30), (0, 255, 0)),
        Image.new("RGB", (64, 32), (0, 0, 255)),
        gradient,
    ]


def is_unit(x: torch.Tensor) -> bool:
    return torch.allclose(x.norm(dim=1), torch.ones(x.shape[0]), atol=1e-5)


# ----------------------------------------------------------------------------------------------- open_clip


def test_clip_id_and_protocol(clip: OpenClipEncoder) -> None:
    assert isinstance(clip, Encoder)
    assert clip.supports_images and clip.dim == 32
    assert clip.id.startswith("open_clip:ViT-B-32+cfg-") and ":random-seed0-torch" in clip.id
    assert clip.device.type == "cpu" and clip.precision == "fp32"


def test_clip_texts(clip: OpenClipEncoder) -> None:
    out = clip.encode_texts(TEXTS)
    assert out.shape == (3, 32) and out.dtype == torch.float32 and out.device.type == "cpu"
    assert is_unit(out)
    assert torch.equal(out[0], out[2]) and not torch.allclose(out[0], out[1])
    assert torch.allclose(clip.encode_texts(TEXTS, batch_size=1), out, atol=1e-5)
    raw = clip.encode_texts(TEXTS, raw=True)
    assert not is_unit(raw)
    assert torch.allclose(torch.nn.functional.normalize(raw, dim=-1), out, atol=1e-6)


def test_clip_images(clip: OpenClipEncoder, images: list) -> None:
    out = clip.encode_images(images)
    assert out.shape == (4, 32) and out.dtype == torch.float32 and is_unit(out)
    assert torch.equal(clip.encode_images(images), out), "encoding must be deterministic"
    assert torch.allclose(clip.encode_images(images, batch_size=1), out, atol=1e-5)
    assert len({tuple(row.tolist()) for row in out}) == 4, "different images must give different features"
    # Preprocessed forms give the same features: a tensor, and a DataLoader-like iterable of (images, labels).
    pixels = torch.stack([clip.preprocess(image) for image in images])
    assert pixels.shape == (4, 3, 32, 32)
    assert torch.allclose(clip.encode_images(pixels), out, atol=1e-6)
    loader = [(pixels[:3], torch.zeros(3)), (pixels[3:], torch.zeros(1))]
    assert torch.allclose(clip.encode_images(loader), out, atol=1e-6)
    assert torch.allclose(clip.encode_images(iter([pixels[:2], pixels[2:]])), out, atol=1e-6)


def test_clip_preprocess_is_clips_bicubic_transform(clip: OpenClipEncoder) -> None:
    from torchvision.transforms import CenterCrop, InterpolationMode, Normalize, Resize

    steps = clip.preprocess.transforms
    resize = next(step for step in steps if isinstance(step, Resize))
    assert resize.interpolation == InterpolationMode.BICUBIC
    assert any(isinstance(step, CenterCrop) for step in steps)
    normalize = next(step for step in steps if isinstance(step, Normalize))
    assert normalize.mean == pytest.approx((0.48145466, 0.4578275, 0.40821073))


def test_clip_random_weights_are_seeded(clip: OpenClipEncoder, clip_cache: Path) -> None:
    state = torch.random.get_rng_state()
    same, other = tiny(tmp=clip_cache, seed=0), tiny(tmp=clip_cache, seed=1)
    assert torch.equal(torch.random.get_rng_state(), state), "building an encoder must not move the global RNG"
    assert same.id == clip.id and other.id != clip.id and "random-seed1" in other.id
    assert torch.equal(same.encode_texts(TEXTS), clip.encode_texts(TEXTS))
    assert not torch.allclose(other.encode_texts(TEXTS), clip.encode_texts(TEXTS))


def test_clip_local_file_weights(clip: OpenClipEncoder, images: list, tmp_path: Path) -> None:
    checkpoint = tmp_path / "tiny.pt"
    torch.save(clip.model.state_dict(), checkpoint)
    loaded = tiny(str(checkpoint), tmp=tmp_path)
    sha = hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    assert loaded.id == f"open_clip:{clip.id.split(':')[1]}:file-sha256-{sha[:12]}"
    assert torch.equal(loaded.encode_texts(TEXTS), clip.encode_texts(TEXTS))
    assert torch.equal(loaded.encode_images(images), clip.encode_images(images))
    assert len(list((tmp_path / "file-hashes").iterdir())) == 1  # the hash is memoised for the next build
    # safetensors checkpoints and pathlib paths work too.
    from safetensors.torch import save_file

    safe = tmp_path / "tiny.safetensors"
    save_file({k: v.contiguous() for k, v in clip.model.state_dict().items()}, safe)
    assert torch.equal(tiny(safe, tmp=tmp_path).encode_texts(TEXTS), clip.encode_texts(TEXTS))


def _torchscript_archive(state: dict, path: Path) -> None:
    """A TorchScript archive laid out like OpenAI's CLIP .pt files (their state_dict plus three scalars)."""
    root = torch.nn.Module()
    for name, value in {**state, "input_resolution": torch.tensor(32), "context_length": torch.tensor(77),
                        "vocab_size": torch.tensor(49408)}.items():
        *parents, leaf = name.split(".")
        node = root
        for part in parents:
            if not hasattr(node, part):
                node.add_module(part, torch.nn.Module())
            node = getattr(node, part)
        node.register_buffer(leaf, value.clone())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.(script|save)` is deprecated", category=FutureWarning)
        torch.jit.save(torch.jit.script(root), str(path))


def test_clip_openai_style_torchscript_checkpoint(clip: OpenClipEncoder, tmp_path: Path) -> None:
    checkpoint = tmp_path / "ViT-tiny.pt"
    _torchscript_archive(clip.model.state_dict(), checkpoint)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # loading must not spray torch's internal notices at the user
        loaded = tiny(checkpoint, tmp=tmp_path)
    assert torch.equal(loaded.encode_texts(TEXTS), clip.encode_texts(TEXTS))


def test_openai_checkpoint_is_recognised_by_its_published_hash() -> None:
    sha = "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f"
    fake_open_clip = SimpleNamespace(
        list_pretrained_tags_by_model=lambda model: ["openai", "laion2b"],
        get_pretrained_cfg=lambda model, tag: {
            "openai": {"url": f"https://openaipublic.azureedge.net/clip/models/{sha}/ViT-B-16.pt"},
            "laion2b": {"hf_hub": "laion/x/"},
        }[tag],
    )
    assert open_clip_backend._openai_tag_of_sha256(fake_open_clip, "ViT-B-16", sha) == "openai"
    assert open_clip_backend._openai_tag_of_sha256(fake_open_clip, "ViT-B-16", "0" * 64) is None


def test_clip_quick_gelu_is_part_of_the_id(clip: OpenClipEncoder, clip_cache: Path) -> None:
    quick = tiny(tmp=clip_cache, quick_gelu=True)
    assert quick.id == clip.id + ":quick_gelu=True"
    assert not torch.allclose(quick.encode_texts(TEXTS), clip.encode_texts(TEXTS))


def test_clip_tag_from_local_hub_cache_offline(
    clip: OpenClipEncoder, images: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tag whose file is in the Hugging Face cache loads offline, as the tag (id, QuickGELU, preprocessing)."""
    import huggingface_hub.constants
    from safetensors.torch import save_file

    snapshot = tmp_path / "hub" / "models--timm--vit_base_patch32_clip_224.openai" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text("abc123")
    save_file({k: v.contiguous() for k, v in clip.model.state_dict().items()}, snapshot / "open_clip_model.safetensors")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cached = tiny("openai", tmp=tmp_path)
    assert cached.id == clip.id.replace(clip.id.split(":")[2], "openai")
    assert cached.quick_gelu, "OpenAI weights were trained with QuickGELU"
    same_weights = tiny(snapshot / "open_clip_model.safetensors", tmp=tmp_path, quick_gelu=True)
    assert torch.equal(cached.encode_images(images), same_weights.encode_images(images))
    assert torch.equal(cached.encode_texts(TEXTS), same_weights.encode_texts(TEXTS))


def test_clip_offline_tag_fails_at_once(clip: OpenClipEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    # open_clip is already imported (by the fixture), so this times the check itself, not the import.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(open_clip_backend, "_cached_tag_file", lambda cfg: None)  # whatever this machine holds
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError) as error:
        OpenClipEncoder("ViT-B-16", "openai", progress=False)
    assert time.perf_counter() - start < 2.0
    message = str(error.value)
    assert "HF_HUB_OFFLINE" in message and "pretrained='/path/to/checkpoint'" in message
    assert "huggingface.co/timm/vit_base_patch16_clip_224.openai" in message and "openaipublic" in message


def test_clip_unreachable_hub_fails_at_once(clip: OpenClipEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: the connection is refused at once
    monkeypatch.setattr(open_clip_backend, "_cached_tag_file", lambda cfg: None)
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError, match="does not answer.*no internet"):
        OpenClipEncoder("ViT-B-16", "openai", progress=False)
    assert time.perf_counter() - start < 5.0


def test_clip_missing_local_file_fails_at_once(tmp_path: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError, match=r"does not exist.*download the checkpoint.*pretrained="):
        OpenClipEncoder("ViT-B-16", str(tmp_path / "nowhere" / "ViT-B-16.pt"))
    with pytest.raises(WeightsUnavailableError, match="is a directory"):
        OpenClipEncoder("ViT-B-16", tmp_path)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(model_name="ViT-B-61", pretrained=None), ValueError, r"unknown open_clip model.*ViT-B-16.*list_models"),
        (dict(model_name="hf-hub:org/repo", pretrained=None), ValueError, "schemas are not supported"),
        (dict(model_name="ViT-B-16", pretrained="openai_v2"), ValueError, r"neither a pretrained tag.*'openai'"),
        (dict(model_name="ViT-B-16", pretrained=""), ValueError, "pretrained must be"),
        (dict(model_name="ViT-B-16", pretrained=None, device="tpu"), ValueError, "device"),
        (dict(model_name="ViT-B-16", pretrained=None, device="cpu", precision="fp16"), ValueError, "precision"),
        (dict(model_name="ViT-B-16", pretrained=None, batch_size=0), ValueError, "batch_size"),
        (dict(model_name="ViT-B-16", pretrained=None, seed=1.5), TypeError, "seed"),
        (dict(model_name="ViT-B-32", pretrained=None, model_cfg=dict(depth=2)), ValueError, "model_cfg may set"),
    ],
)
def test_clip_bad_construction(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        OpenClipEncoder(progress=False, **kwargs)


def test_clip_bad_inputs(clip: OpenClipEncoder, images: list) -> None:
    with pytest.raises(ValueError, match="texts is empty"):
        clip.encode_texts([])
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        clip.encode_texts(["a cat", None])
    with pytest.raises(TypeError, match="single str"):
        clip.encode_texts("a cat")
    with pytest.raises(ValueError, match=r"texts\[0\] is blank"):
        clip.encode_texts([" "])
    with pytest.raises(ValueError, match="batch_size"):
        clip.encode_texts(["a cat"], batch_size=-1)
    with pytest.raises(ValueError, match="images is empty"):
        clip.encode_images([])
    with pytest.raises(TypeError, match="single image"):
        clip.encode_images(images[0])
    with pytest.raises(TypeError, match=r"images\[1\] must be a PIL image"):
        clip.encode_images([images[0], "not an image"])
    with pytest.raises(ValueError, match=r"expected \(N, 3, 32, 32\).*encoder.preprocess"):
        clip.encode_images(torch.zeros(2, 3, 224, 224))
    with pytest.raises(TypeError, match="batch 0 must be a tensor"):
        clip.encode_images([[1, 2, 3]])
    with pytest.raises(TypeError, match="images must be"):
        clip.encode_images(42)


# ----------------------------------------------------------------------------------------------- MiniLM


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(progress=False)


def test_minilm_semantics(minilm: SentenceTransformerEncoder) -> None:
    assert isinstance(minilm, Encoder) and not minilm.supports_images
    assert minilm.id == "sentence-transformers:all-MiniLM-L6-v2" and minilm.dim == 384
    cat, kitten, carburetor = minilm.encode_texts(["cat", "kitten", "carburetor"])
    assert float(cat @ kitten) > float(cat @ carburetor) + 0.2
    out = minilm.encode_texts(["cat", "kitten"])
    assert out.shape == (2, 384) and out.dtype == torch.float32 and is_unit(out)


def test_minilm_raw_is_before_normalize(minilm: SentenceTransformerEncoder) -> None:
    raw = minilm.encode_texts(["cat", "kitten"], raw=True)
    assert (raw.norm(dim=1) > 2).all(), "raw MiniLM output is the mean-pooled embedding, not unit norm"
    assert torch.allclose(torch.nn.functional.normalize(raw, dim=-1), minilm.encode_texts(["cat", "kitten"]),
                          atol=1e-5)


def test_minilm_bad_input(minilm: SentenceTransformerEncoder, tmp_path: Path) -> None:
    with pytest.raises(ImagesNotSupportedError, match="text-only"):
        minilm.encode_images([])
    assert issubclass(ImagesNotSupportedError, NotImplementedError)
    with pytest.raises(ValueError, match="texts is empty"):
        minilm.encode_texts([])
    with pytest.raises(TypeError, match=r"texts\[0\] must be a str"):
        minilm.encode_texts([b"cat"])
    with pytest.raises(ValueError, match="needs model_id"):
        SentenceTransformerEncoder(tmp_path)
    with pytest.raises(FileNotFoundError, match="not a sentence-transformers model directory"):
        SentenceTransformerEncoder(tmp_path, model_id="sentence-transformers:mine")


# ----------------------------------------------------------------------------------------------- prompts


def test_clip_templates_match_open_clip() -> None:
    import open_clip

    assert len(prompts.CLIP_IMAGENET_TEMPLATES) == 80
    assert list(prompts.CLIP_IMAGENET_TEMPLATES) == [t("{}") for t in open_clip.OPENAI_IMAGENET_TEMPLATES]


def test_method_templates() -> None:
    assert len(prompts.CSP_NOUN_TEMPLATES) == 8 and len(prompts.CSP_ADJ_TEMPLATES) == 4
    assert len(prompts.CSP_SKETCH_NOUN_TEMPLATES) == 10
    assert prompts.NEGLABEL_ID_TEMPLATE == prompts.NEGLABEL_NOUN_TEMPLATE == "the nice {}"
    assert prompts.fill(prompts.NEGLABEL_ADJ_TEMPLATE, "red") == "This is a red photo"
    assert prompts.fill(prompts.MCM_TEMPLATE, "tench") == "a photo of a tench"
    for template in (*prompts.CLIP_IMAGENET_TEMPLATES, *prompts.CSP_SKETCH_NOUN_TEMPLATES, *prompts.CSP_ADJ_TEMPLATES):
        prompts.check_template(template)


def test_fill() -> None:
    assert prompts.fill("the nice {}", "a {curly} word") == "the nice a {curly} word"
    for bad in ("no slot", "{} and {}", "{0}", "{name}", "{:>5}", "{"):
        with pytest.raises(ValueError, match="prompt template"):
            prompts.fill(bad, "cat")
    with pytest.raises(TypeError, match="label must be a str"):
        prompts.fill("{}", 3)
    with pytest.raises(TypeError, match="template must be a str"):
        prompts.fill(None, "cat")


# ------------------------------------------------------------------------------------- checkpoints, notices


def _clip_shaped(path: Path, *, embed: int, text_width: int, text_layers: int, context: int, vision_width: int,
                 vision_layers: int, patch: int, image: int) -> Path:
    """A safetensors file with the keys and shapes of an OpenAI/open_clip CLIP state dict (small tensors stand in
    for the many per-layer weights: only the shapes read by the inspection matter)."""
    from safetensors.torch import save_file

    tensors = {"text_projection": torch.zeros(text_width, embed),
               "positional_embedding": torch.zeros(context, text_width),
               "visual.conv1.weight": torch.zeros(vision_width, 3, patch, patch),
               "visual.positional_embedding": torch.zeros((image // patch) ** 2 + 1, vision_width)}
    tensors |= {f"transformer.resblocks.{i}.ln_1.weight": torch.zeros(1) for i in range(text_layers)}
    tensors |= {f"visual.transformer.resblocks.{i}.ln_1.weight": torch.zeros(1) for i in range(vision_layers)}
    save_file(tensors, path)
    return path


def test_a_checkpoint_of_another_architecture_names_what_it_fits(tmp_path: Path) -> None:
    vit_b16 = _clip_shaped(tmp_path / "b16.safetensors", embed=512, text_width=512, text_layers=12, context=77,
                           vision_width=768, vision_layers=12, patch=16, image=224)
    kind, found = open_clip_backend.describe_checkpoint(vit_b16)
    assert found == {"embed_dim": 512, "text_width": 512, "context_length": 77, "text_layers": 12, "vision": "ViT",
                     "vision_width": 768, "patch_size": 16, "image_size": 224, "vision_layers": 12}
    assert kind.startswith("a safetensors file holding a CLIP state dict")
    with pytest.raises(open_clip_backend.CheckpointError, match="does not fit ViT-B-32") as error:
        OpenClipEncoder("ViT-B-32", vit_b16, cache_root=tmp_path, progress=False)
    message = str(error.value)
    assert "patch 16" in message and "patch 32" in message and "ViT-B-16" in message
    assert error.value.found == found and isinstance(error.value, ValueError)


@pytest.mark.parametrize(("content", "kind"), [
    (b"", "an empty file"),
    (b"\x13\x37" * 100, "not a checkpoint format open_clip reads (its first bytes are 13 37 13 37"),
    (b"model weights go here\n", "a text file, not a checkpoint (it starts 'model weights go here\\n')"),
    (torch.zeros(3), "a torch.save file holding a Tensor, not a state dict of tensors"),
    ({}, "a torch.save file holding an empty dict"),
    ({"fc.weight": torch.zeros(2, 2)}, "a torch.save file of 1 tensors that are not CLIP weights"),
    ({"epoch": 3, "optimizer": SimpleNamespace(lr=0.1)}, "torch.load(weights_only=True) refuses"),
])
def test_what_a_file_that_is_no_checkpoint_is_said_to_be(tmp_path: Path, content: object, kind: str) -> None:
    path = tmp_path / "weights.pt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        torch.save(content, path)
    described, found = open_clip_backend.describe_checkpoint(path)
    assert kind in described and found is None
    with pytest.raises(open_clip_backend.CheckpointError, match=re.escape(f"checkpoint {str(path)!r} is")):
        tiny(path, tmp=tmp_path)


def test_random_weights_are_said_once_by_the_caller_not_by_open_clip(caplog: pytest.LogCaptureFixture,
                                                                     clip_cache: Path, tmp_path: Path) -> None:
    with caplog.at_level(logging.INFO):
        encoder = tiny(tmp=clip_cache)
    assert encoder.random_weights
    assert not [record for record in caplog.records if "No pretrained weights" in record.getMessage()]
    checkpoint = tmp_path / "tiny.pt"
    torch.save(encoder.model.state_dict(), checkpoint)
    assert not tiny(checkpoint, tmp=tmp_path).random_weights
    assert not logging.getLogger().filters, "the filter is removed after the build"
