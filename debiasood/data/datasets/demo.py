"""A small generated dataset in the layout of "your own data": ID class folders, a class-names file, OOD folders.

It exists so that the end-to-end pipeline (:mod:`debiasood.app.pipeline`), its notebook and its tests run on real
image files without downloading anything. The images are drawn with PIL, seeded, and mean nothing about real
OOD detection:

- ID: one class folder per coloured shape (a red circle, a blue square, ...), images of the shape at a random
  place, size and rotation on a light background with a little pixel noise;
- OOD: flat folders of images with no shape at all: ``stripes`` (striped textures at random angles and
  colours) and ``clouds`` (smooth colour blobs, a low-resolution random image upsampled bicubically);
- one deliberately broken file in the ID set (a PNG cut in half, as an interrupted copy leaves it), so that
  the pipeline's report of unreadable images has something to show;
- ``class_names.txt`` in the ``<folder> <display name>`` form of
  :func:`debiasood.data.datasets.folders.image_folder_dataset`.

Layout under ``root``::

    id/<class folder>/<class folder>_000.png ...
    class_names.txt
    ood/stripes/stripes_000.png ...
    ood/clouds/clouds_000.png ...
    demo.json            (the settings it was written with; written last)

Every image depends only on (seed, set, index), so the same settings give byte-identical files. A folder that
already holds a demo written with the same settings is reused as it is (its files, and so the feature
cache's dataset fingerprints, stay unchanged); a folder holding anything else is never written into.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEMO_VERSION = 1
"""Bump when the drawing changes: the default folder name and the manifest then change too."""

DEMO_CLASSES: dict[str, tuple[str, tuple[int, int, int]]] = {
    "circle": ("red circle", (210, 40, 40)),
    "square": ("blue square", (40, 70, 210)),
    "triangle": ("green triangle", (40, 160, 60)),
    "star": ("yellow star", (225, 195, 30)),
    "cross": ("purple cross", (130, 50, 170)),
    "ring": ("orange ring", (240, 130, 30)),
}
"""Class folder -> (display name used in the prompts, base RGB colour of the shape)."""

DEMO_OOD_SETS = ("stripes", "clouds")
"""The generated OOD sets (flat folders under ``ood/``)."""

MANIFEST = "demo.json"
CLASS_NAMES_FILE = "class_names.txt"
CORRUPT_CLASS = "circle"
CORRUPT_NAME = "circle_broken.png"
_MIN_SIZE = 16


@dataclass(frozen=True)
class DemoData:
    """Where a generated demo dataset lives, and what it holds.

    ``class_names`` are the display names in sorted class-folder order (the dataset's label order);
    ``corrupt_files`` are paths relative to ``id_root`` of the files that are deliberately unreadable.
    """

    root: Path
    id_root: Path
    class_names_file: Path
    ood_roots: dict[str, Path]
    class_names: tuple[str, ...]
    corrupt_files: tuple[str, ...]
    images_per_class: int
    ood_images: int


def _check_count(name: str, value: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return value


def _settings(classes: Sequence[str], images_per_class: int, ood_sets: Sequence[str], ood_images: int,
              image_size: int, corrupt: bool, seed: int) -> dict:
    import PIL

    return {"version": DEMO_VERSION, "classes": list(classes), "images_per_class": images_per_class,
            "ood_sets": list(ood_sets), "ood_images": ood_images, "image_size": image_size, "corrupt": corrupt,
            "seed": seed, "pillow": PIL.__version__}  # PNG bytes may differ between Pillow versions


def _check_names(name: str, given: Sequence[str], known: Sequence[str]) -> list[str]:
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise ValueError(f"{name} must be a sequence of names from {list(known)}, got {given!r}")
    given = list(given)
    unknown = [item for item in given if item not in known]
    if unknown or not given or len(set(given)) != len(given):
        raise ValueError(f"{name} must be distinct names from {list(known)}, got {given!r}")
    return given


def write_demo_dataset(
    root: str | os.PathLike | None = None,
    *,
    classes: Sequence[str] = tuple(DEMO_CLASSES),
    images_per_class: int = 30,
    ood_sets: Sequence[str] = DEMO_OOD_SETS,
    ood_images: int = 60,
    image_size: int = 64,
    corrupt: bool = True,
    seed: int = 0,
) -> DemoData:
    """Write (or reuse) the demo dataset under ``root`` and say where its parts are.

    ``root`` None: ``<feature-store root>/demo-data/demo-<hash of the settings>``, so that repeated runs
    reuse one copy. An existing ``root`` must be empty or hold a demo written with the same settings;
    anything else is a ValueError (nothing is overwritten). The folder appears complete or not at all: it is
    written next to ``root`` and renamed into place.
    """
    classes = sorted(_check_names("classes", classes, tuple(DEMO_CLASSES)))
    if len(classes) < 2:
        raise ValueError(f"classes must name at least 2 classes (an ID set needs two), got {classes!r}")
    ood_sets = _check_names("ood_sets", ood_sets, DEMO_OOD_SETS)
    _check_count("images_per_class", images_per_class)
    _check_count("ood_images", ood_images)
    _check_count("image_size", image_size, _MIN_SIZE)
    _check_count("seed", seed, 0)
    if not isinstance(corrupt, bool):
        raise ValueError(f"corrupt must be a bool, got {corrupt!r}")
    settings = _settings(classes, images_per_class, ood_sets, ood_images, image_size, corrupt, seed)
    if root is None:
        from debiasood.data.files import default_cache_root

        digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
        root = default_cache_root() / "demo-data" / f"demo-{digest}"
    root = Path(root).expanduser()
    if not _reusable(root, settings):
        _write_atomically(root, settings)
    return _describe(root, settings)


def _reusable(root: Path, settings: dict) -> bool:
    """True when ``root`` holds a demo of these settings; False when it is absent or empty; else ValueError."""
    if not root.exists():
        return False
    if not root.is_dir():
        raise ValueError(f"root {str(root)!r} is a file; give a folder for the demo dataset")
    manifest = root / MANIFEST
    if manifest.is_file():
        try:
            found = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"root {str(root)!r} holds an unreadable {MANIFEST} ({error}); remove the folder "
                             "to write the demo again") from error
        if found == settings:
            return True
        raise ValueError(f"root {str(root)!r} holds a demo dataset written with other settings ({found}); "
                         "remove it or choose another folder")
    if any(root.iterdir()):
        raise ValueError(f"root {str(root)!r} is not empty and holds no demo dataset; the demo is only written "
                         "into an empty or new folder")
    return False


def _write_atomically(root: Path, settings: dict) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.writing-"))
    try:
        _write_files(staging, settings)
        if root.exists():
            root.rmdir()  # empty (checked by _reusable); fails rather than lose files if that changed
        os.replace(staging, root)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (root / MANIFEST).is_file():
            raise
        # Another process put a complete demo in place first; it is checked when it is described.
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not _reusable(root, settings):
        raise RuntimeError(f"the demo dataset at {str(root)!r} is incomplete after writing it")


def _write_files(folder: Path, settings: dict) -> None:
    size, seed = settings["image_size"], settings["seed"]
    names = []
    for label, name in enumerate(settings["classes"]):
        display, colour = DEMO_CLASSES[name]
        names.append(f"{name} {display}")
        target = folder / "id" / name
        target.mkdir(parents=True)
        for i in range(settings["images_per_class"]):
            rng = np.random.default_rng([seed, 0, label, i])
            _save(shape_image(name, colour, size, rng), target / f"{name}_{i:03d}.png")
    if settings["corrupt"]:
        whole = (folder / "id" / CORRUPT_CLASS / f"{CORRUPT_CLASS}_000.png").read_bytes()
        (folder / "id" / CORRUPT_CLASS / CORRUPT_NAME).write_bytes(whole[: len(whole) // 2])
    (folder / CLASS_NAMES_FILE).write_text("\n".join(names) + "\n", encoding="utf-8")
    for s, ood_name in enumerate(settings["ood_sets"]):
        target = folder / "ood" / ood_name
        target.mkdir(parents=True)
        for i in range(settings["ood_images"]):
            rng = np.random.default_rng([seed, 1, s, i])
            draw = stripes_image if ood_name == "stripes" else clouds_image
            _save(draw(size, rng), target / f"{ood_name}_{i:03d}.png")
    # The manifest goes last: a folder with a manifest is complete.
    (folder / MANIFEST).write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _describe(root: Path, settings: dict) -> DemoData:
    corrupt = (f"{CORRUPT_CLASS}/{CORRUPT_NAME}",) if settings["corrupt"] else ()
    return DemoData(
        root=root, id_root=root / "id", class_names_file=root / CLASS_NAMES_FILE,
        ood_roots={name: root / "ood" / name for name in settings["ood_sets"]},
        class_names=tuple(DEMO_CLASSES[name][0] for name in settings["classes"]),
        corrupt_files=corrupt if CORRUPT_CLASS in settings["classes"] else (),
        images_per_class=settings["images_per_class"], ood_images=settings["ood_images"],
    )


def _save(pixels: np.ndarray, path: Path) -> None:
    from PIL import Image

    Image.fromarray(pixels).save(path, format="PNG")


# ------------------------------------------------------------------------------------------------- drawing


def _jitter(colour: Sequence[int], rng: np.random.Generator, amount: int) -> tuple[int, ...]:
    return tuple(int(np.clip(c + rng.integers(-amount, amount + 1), 0, 255)) for c in colour)


def _polygon(name: str, centre: np.ndarray, radius: float, angle: float) -> list[tuple[float, float]]:
    if name == "square":
        unit = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
        points = np.array(unit, float) * 0.75
    elif name == "triangle":
        points = np.array([(np.cos(t), np.sin(t)) for t in np.pi / 2 + 2 * np.pi * np.arange(3) / 3])
    elif name == "star":
        radii = np.tile([1.0, 0.42], 5)
        points = np.array([(r * np.cos(t), r * np.sin(t))
                           for r, t in zip(radii, np.pi / 2 + np.pi * np.arange(10) / 5, strict=True)])
    else:  # cross: a plus sign of arms 0.3 wide
        w = 0.3
        points = np.array([(w, 1), (-w, 1), (-w, w), (-1, w), (-1, -w), (-w, -w), (-w, -1), (w, -1), (w, -w),
                           (1, -w), (1, w), (w, w)])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return [tuple(p) for p in centre + radius * points @ rotation.T]


def _with_noise(image, rng: np.random.Generator) -> np.ndarray:  # noqa: ANN001 (a PIL image)
    pixels = np.asarray(image, dtype=np.int16)
    pixels = pixels + rng.integers(-8, 9, pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def shape_image(name: str, colour: Sequence[int], size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, size, 3) uint8 image of one shape (a key of :data:`DEMO_CLASSES`) on a light background."""
    from PIL import Image, ImageDraw

    if name not in DEMO_CLASSES:
        raise ValueError(f"name must be one of {list(DEMO_CLASSES)}, got {name!r}")
    image = Image.new("RGB", (size, size), _jitter((225, 225, 220), rng, 25))
    draw = ImageDraw.Draw(image)
    radius = size * rng.uniform(0.2, 0.38)
    centre = rng.uniform(radius, size - radius, 2)
    fill = _jitter(colour, rng, 30)
    box = [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius]
    if name == "circle":
        draw.ellipse(box, fill=fill)
    elif name == "ring":
        draw.ellipse(box, outline=fill, width=max(2, int(radius * 0.35)))
    else:
        draw.polygon(_polygon(name, centre, radius, rng.uniform(0, 2 * np.pi)), fill=fill)
    return _with_noise(image, rng)


def stripes_image(size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, size, 3) uint8 striped texture: random angle, period and two random colours."""
    angle, period = rng.uniform(0, np.pi), rng.uniform(size / 10, size / 4)
    y, x = np.mgrid[0:size, 0:size]
    band = np.sin(2 * np.pi * (x * np.cos(angle) + y * np.sin(angle)) / period) > 0
    colours = rng.integers(0, 256, (2, 3))
    return np.where(band[..., None], colours[0], colours[1]).astype(np.uint8)


def clouds_image(size: int, rng: np.random.Generator) -> np.ndarray:
    """A (size, size, 3) uint8 image of smooth colour blobs: a 4x4 random image upsampled bicubically."""
    from PIL import Image

    small = Image.fromarray(rng.integers(0, 256, (4, 4, 3), dtype=np.uint8))
    return _with_noise(small.resize((size, size), Image.Resampling.BICUBIC), rng)


# ------------------------------------------------------------------------------- the benchmark layout

#: Ten ImageNet-1K classes (wnids, in sorted order) for :func:`write_demo_benchmark`: ImageNet-10's, so the
#: generated ID images carry real WordNet synsets and the false-negative audit has something to match.
DEMO_BENCHMARK_WNIDS = ("n01530575", "n01641577", "n02107574", "n02123597", "n02389026", "n02422699",
                        "n03095699", "n03417042", "n04285008", "n04552348")


@dataclass(frozen=True)
class DemoBenchmark:
    """Where :func:`write_demo_benchmark` put the ImageNet validation subset and the OOD root."""

    imagenet_val: Path
    ood_root: Path
    wnids: tuple[str, ...]


def write_demo_benchmark(root: str | os.PathLike, *, wnids: Sequence[str] = DEMO_BENCHMARK_WNIDS,
                         images_per_class: int = 4, ood_images: int = 8, image_size: int = 32,
                         seed: int = 0) -> DemoBenchmark:
    """Generated images in the standard benchmark layouts, so the real pipeline's benchmark path runs offline:
    ``val/<wnid>/`` (a partial ImageNet-1K validation set: each wnid folder gets a different coloured shape) and
    the MOS OOD root (``iNaturalist/``, ``SUN/``, ``Places/`` flat; ``dtd/images/<class>/``) with stripes and
    clouds. The pictures mean nothing: they exercise the code path, never a real result."""
    root = Path(root).expanduser()
    if root.exists() and any(root.iterdir()):
        raise ValueError(f"{str(root)!r} is not empty; write the demo benchmark into a new folder")
    _check_count("images_per_class", images_per_class)
    _check_count("ood_images", ood_images)
    _check_count("image_size", image_size, _MIN_SIZE)
    shapes = list(DEMO_CLASSES)
    for label, wnid in enumerate(wnids):
        name = shapes[label % len(shapes)]
        colour = np.roll(np.array(DEMO_CLASSES[name][1]), label // len(shapes))
        target = root / "val" / wnid
        target.mkdir(parents=True)
        for i in range(images_per_class):
            rng = np.random.default_rng([seed, 2, label, i])
            _save(shape_image(name, colour, image_size, rng), target / f"{wnid}_{i:03d}.png")
    ood_folders = {"iNaturalist": stripes_image, "SUN": clouds_image, "Places": stripes_image,
                   "dtd/images/banded": stripes_image, "dtd/images/blotchy": clouds_image}
    for s, (folder, draw) in enumerate(ood_folders.items()):
        target = root / "ood" / folder
        target.mkdir(parents=True)
        for i in range(ood_images):
            _save(draw(image_size, np.random.default_rng([seed, 3, s, i])), target / f"{s}_{i:03d}.png")
    return DemoBenchmark(root / "val", root / "ood", tuple(wnids))
