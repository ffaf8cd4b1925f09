"""The command line over the real pipeline: evaluate-folders end to end (tiny random-weight open_clip model on
generated images) and evaluate's real-data mode, down to its errors."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from debiasood.app import pipeline
from debiasood.app.cli import app
from debiasood.data.datasets import UnreadableImagesWarning
from debiasood.data.datasets.demo import write_demo_dataset


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "data", classes=["circle", "square", "star"],
                              images_per_class=5, ood_images=6, image_size=32)


def test_evaluate_folders_prints_rows_and_reports_skipped_images_once(demo, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    ood = [f"--ood={name}={path}" for name, path in demo.ood_roots.items()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, [
            "evaluate-folders", "--id-root", str(demo.id_root), "--class-names", str(demo.class_names_file), *ood,
            "--model", pipeline.TINY_MODEL, "--pretrained", pipeline.RANDOM_WEIGHTS, "--device", "cpu",
            "--method", "mcm,neglabel,dnm", "--corpus-step", "400", "--num-groups", "5", "--num-workers", "0",
            "--format", "json"])
    assert result.exit_code == 0, result.output
    # Reported once, in the command's words, not also as a Python warning that points at a Python argument.
    assert not [w for w in caught if issubclass(w.category, UnreadableImagesWarning)]
    assert result.stderr.count("circle_broken") == 1 and "skipped 1 unreadable image" in result.stderr
    assert "--on-unreadable fail" in result.stderr and "fail_fast" not in result.stderr
    rows = json.loads(result.stdout)
    sets = [*demo.ood_roots, "average"]
    assert [(r["method"], r["ood"]) for r in rows] == [(m, s) for m in ("mcm", "neglabel", "dnm") for s in sets]
    assert all(0 <= r["auroc"] <= 100 for r in rows)


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ood", "x=/nonexistent/ood"], "id_root"),
    (["--ood", "x=/nonexistent/ood", "--method", "clipn"], "methods must be"),
    (["--ood", "noequals"], "folder 'noequals' does not exist"),
])
def test_evaluate_folders_bad_input(demo, arguments, message) -> None:  # noqa: ANN001
    root = "/nonexistent/id" if message == "id_root" else str(demo.id_root)
    result = CliRunner().invoke(app, ["evaluate-folders", "--id-root", root, "--pretrained", "random",
                                      "--model", "tiny", *arguments])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_evaluate_real_mode_needs_both_folders_and_names_a_missing_one(tmp_path) -> None:  # noqa: ANN001
    runner = CliRunner()
    half = runner.invoke(app, ["evaluate", "--imagenet-val", str(tmp_path)])
    assert half.exit_code == 2 and "needs both --imagenet-val and --ood-root" in half.output
    missing = runner.invoke(app, ["evaluate", "--imagenet-val", str(tmp_path / "val"), "--ood-root", str(tmp_path),
                                  "--pretrained", "random", "--model", "tiny"])
    assert missing.exit_code == 2 and str(tmp_path / "val") in missing.output


def test_benchmark_folders_reads_the_standard_layouts(tmp_path) -> None:  # noqa: ANN001
    from debiasood.data.label_sets import imagenet1k_wnids

    rng = np.random.default_rng(0)

    def image(path):  # noqa: ANN001, ANN202
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 255, (8, 8, 3), dtype=np.uint8)).save(path)

    for wnid in imagenet1k_wnids()[:3]:
        image(tmp_path / "val" / wnid / "a.JPEG")
    image(tmp_path / "ood" / "SUN" / "images" / "s.jpg")
    image(tmp_path / "ood" / "dtd" / "images" / "banded" / "t.jpg")
    data = pipeline.benchmark_folders(tmp_path / "val", tmp_path / "ood", "sun,textures", complete=False)
    assert len(data.id) == 3 and len(data.id.class_names) == 1000
    assert {name: len(d) for name, d in data.ood.items()} == {"sun": 1, "textures": 1}
    with pytest.raises(ValueError, match="50,000|complete|all"):
        pipeline.benchmark_folders(tmp_path / "val", tmp_path / "ood", "sun")
    with pytest.raises(ValueError, match="unknown OOD dataset"):
        pipeline.benchmark_folders(tmp_path / "val", tmp_path / "ood", "mnist", complete=False)
