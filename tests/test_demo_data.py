"""The generated demo dataset: layout, class names, the broken file, determinism, reuse and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from debiasood.data.datasets import image_folder_dataset
from debiasood.data.datasets.demo import (
    CLASS_NAMES_FILE,
    DEMO_CLASSES,
    DEMO_OOD_SETS,
    MANIFEST,
    shape_image,
    write_demo_dataset,
)
from debiasood.data.datasets.folders import UNREADABLE_IMAGE_ERRORS

SMALL = dict(images_per_class=3, ood_images=4, image_size=32)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "data", **SMALL)


def _files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_layout_counts_and_class_names(demo) -> None:  # noqa: ANN001
    folders = sorted(DEMO_CLASSES)
    assert sorted(p.name for p in demo.id_root.iterdir()) == folders
    dataset = image_folder_dataset(demo.id_root, demo.class_names_file)
    assert dataset.class_names == demo.class_names == tuple(DEMO_CLASSES[f][0] for f in folders)
    assert len(dataset) == len(folders) * SMALL["images_per_class"] + 1  # + the broken file
    lines = demo.class_names_file.read_text().splitlines()
    assert lines == [f"{f} {DEMO_CLASSES[f][0]}" for f in folders]
    assert set(demo.ood_roots) == set(DEMO_OOD_SETS)
    for name, root in demo.ood_roots.items():
        ood = image_folder_dataset(root, name=name)
        assert len(ood) == SMALL["ood_images"] and ood.layout == "flat folder of images"
    assert json.loads((demo.root / MANIFEST).read_text())["images_per_class"] == SMALL["images_per_class"]


def test_exactly_the_broken_file_is_unreadable(demo) -> None:  # noqa: ANN001
    dataset = image_folder_dataset(demo.id_root)
    unreadable = []
    for index in range(len(dataset)):
        try:
            image = dataset.open_image(index)
        except UNREADABLE_IMAGE_ERRORS:
            unreadable.append(dataset.files[index])
            continue
        assert image.size == (SMALL["image_size"], SMALL["image_size"])
    assert unreadable == list(demo.corrupt_files) == ["circle/circle_broken.png"]


def test_classes_look_like_their_names(demo) -> None:  # noqa: ANN001
    from PIL import Image

    def mean_colour(folder: str) -> np.ndarray:
        files = sorted((demo.id_root / folder).glob(f"{folder}_[0-9]*.png"))
        return np.mean([np.asarray(Image.open(f), float).reshape(-1, 3).mean(0) for f in files], axis=0)

    red, blue = mean_colour("circle"), mean_colour("square")
    assert red[0] > red[2] and blue[2] > blue[0]


def test_same_settings_give_the_same_bytes_and_are_reused(demo, tmp_path: Path) -> None:  # noqa: ANN001
    again = write_demo_dataset(tmp_path / "other", **SMALL)
    assert _files(again.root) == _files(demo.root)
    stamps = {p: p.stat().st_mtime_ns for p in demo.root.rglob("*.png")}
    reused = write_demo_dataset(demo.root, **SMALL)
    assert reused == demo
    assert {p: p.stat().st_mtime_ns for p in demo.root.rglob("*.png")} == stamps, "a matching demo is not rewritten"


def test_default_root_is_in_the_cache_and_named_by_the_settings(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path))
    first = write_demo_dataset(**SMALL)
    other = write_demo_dataset(**{**SMALL, "seed": 1})
    assert first.root.parent == tmp_path / "demo-data" and first.root.name.startswith("demo-")
    assert other.root != first.root
    assert not list((tmp_path / "demo-data").glob(".*")), "no staging folder may be left behind"


def test_refuses_foreign_or_different_folders(demo, tmp_path: Path) -> None:  # noqa: ANN001
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty"):
        write_demo_dataset(foreign, **SMALL)
    assert _files(foreign) == {"notes.txt": b"keep me"}
    with pytest.raises(ValueError, match="other settings"):
        write_demo_dataset(demo.root, **{**SMALL, "ood_images": 5})
    with pytest.raises(ValueError, match="is a file"):
        write_demo_dataset(foreign / "notes.txt", **SMALL)


def test_without_corruption_every_file_reads(tmp_path: Path) -> None:
    clean = write_demo_dataset(tmp_path / "clean", classes=["circle", "star"], corrupt=False, **SMALL)
    assert clean.corrupt_files == () and clean.class_names == ("red circle", "yellow star")
    assert not (clean.root / CLASS_NAMES_FILE).read_text().count("cross")
    assert not list(clean.id_root.rglob("*broken*"))


@pytest.mark.parametrize("kwargs, argument", [
    (dict(images_per_class=0), "images_per_class"),
    (dict(ood_images=-1), "ood_images"),
    (dict(image_size=8), "image_size"),
    (dict(seed=-1), "seed"),
    (dict(classes=["hexagon", "circle"]), "classes"),
    (dict(classes=["circle"]), "classes"),
    (dict(classes="circle"), "classes"),
    (dict(ood_sets=["noise"]), "ood_sets"),
    (dict(corrupt="yes"), "corrupt"),
])
def test_bad_arguments_name_the_argument(tmp_path: Path, kwargs: dict, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        write_demo_dataset(tmp_path / "x", **{**SMALL, **kwargs})
    assert not (tmp_path / "x").exists()


def test_shape_image_refuses_unknown_shapes() -> None:
    with pytest.raises(ValueError, match="name"):
        shape_image("hexagon", (0, 0, 0), 32, np.random.default_rng(0))
