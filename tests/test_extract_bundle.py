"""`debiasood extract`: image folders to a real feature bundle, alone and under torchrun (2 gloo processes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from debiasood.app.cli import app
from debiasood.data.bundle import load_bundle
from debiasood.data.datasets.demo import write_demo_benchmark

TINY = ["--model", "tiny", "--pretrained", "random", "--device", "cpu", "--corpus-step", "400", "--num-workers", "0",
        "--batch-size", "4", "--checkpoint-every", "6"]


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory):
    return write_demo_benchmark(tmp_path_factory.mktemp("bench") / "data", images_per_class=3, ood_images=5)


def _extract(out, benchmark, cache, extra=()):
    env = {**os.environ, "DEBIASOOD_CACHE": str(cache)}
    result = CliRunner(env=env).invoke(app, [
        "extract", str(out), "--imagenet-val", str(benchmark.imagenet_val), "--ood-root", str(benchmark.ood_root),
        "--partial-imagenet", *TINY, *extra])
    assert result.exit_code == 0, result.output
    return result


def test_extract_writes_a_real_bundle_that_evaluates(benchmark, tmp_path):
    result = _extract(tmp_path / "bundle", benchmark, tmp_path / "cache")
    assert "bundle written to" in result.stderr and "real: tiny (random weights)" in result.stdout
    bundle = load_bundle(tmp_path / "bundle")
    assert bundle.provenance.world == "real" and bundle.id_set == "imagenet1k"
    assert bundle.ood_sets == ("inaturalist", "sun", "places", "textures")
    assert len(bundle.images["imagenet1k"]) == 30 and len(bundle.images["textures"]) == 10
    assert bundle.text.has_wordnet and bundle.text.csp_pool is not None and bundle.text.id_csp is not None
    # Image labels are ImageNet-1K indices of the ten generated classes; files are listed per row.
    labels = bundle.images["imagenet1k"].labels
    assert len(set(labels.tolist())) == 10 and bundle.images["imagenet1k"].files[0].endswith(".png")
    evaluation = bundle.evaluate(["mcm", "neglabel", "csp", "dnm"], settings=_small_settings())
    assert {row["world"] for row in evaluation.rows()} == {"real: tiny (random weights)"}
    info = CliRunner().invoke(app, ["bundle", str(tmp_path / "bundle"), "--format", "json"])
    assert info.exit_code == 0 and '"real"' in info.stdout


def _small_settings():
    from debiasood.core.evaluation import Settings

    return Settings(num_groups=5, k=5)


def test_extract_refuses_bad_combinations(benchmark, tmp_path):
    runner = CliRunner(env={**os.environ, "DEBIASOOD_CACHE": str(tmp_path / "cache")})
    neither = runner.invoke(app, ["extract", str(tmp_path / "b"), *TINY])
    assert neither.exit_code == 2 and "either --imagenet-val" in neither.output
    half = runner.invoke(app, ["extract", str(tmp_path / "b"), "--imagenet-val", str(benchmark.imagenet_val), *TINY])
    assert half.exit_code == 2 and "--ood-root" in half.output
    (tmp_path / "exists").mkdir()
    taken = runner.invoke(app, ["extract", str(tmp_path / "exists"), "--imagenet-val", str(benchmark.imagenet_val),
                                "--ood-root", str(benchmark.ood_root), "--partial-imagenet", *TINY])
    assert taken.exit_code == 2 and "--overwrite" in taken.output


@pytest.mark.slow
def test_torchrun_with_two_gloo_processes_gives_the_single_process_bundle(benchmark, tmp_path):
    torchrun = shutil.which("torchrun", path=os.path.dirname(sys.executable))
    assert torchrun, "torchrun ships with torch"
    _extract(tmp_path / "single", benchmark, tmp_path / "cache-single")
    env = {**os.environ, "DEBIASOOD_CACHE": str(tmp_path / "cache-multi"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [torchrun, "--nproc_per_node=2", "--standalone", "-m", "debiasood", "extract", str(tmp_path / "multi"),
         "--imagenet-val", str(benchmark.imagenet_val), "--ood-root", str(benchmark.ood_root), "--partial-imagenet",
         *TINY], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "rank 1:" in done.stderr  # the second process encoded its share of the chunks
    single, multi = load_bundle(tmp_path / "single"), load_bundle(tmp_path / "multi")
    for name in single.images:
        np.testing.assert_array_equal(multi.images[name].features, single.images[name].features)
        assert multi.images[name].files == single.images[name].files
    for field in ("id_mcm", "id_neglabel", "corpus_features", "csp_features", "id_csp"):
        np.testing.assert_array_equal(getattr(multi.text, field), getattr(single.text, field))
    assert multi.text.corpus == single.text.corpus
