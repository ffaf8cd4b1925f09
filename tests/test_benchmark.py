"""simulated_benchmark on a small fake world, and the CLI's evaluate command wired to it."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import debiasood.world as world_module
from debiasood.benchmark import simulated_benchmark
from debiasood.cli import app
from debiasood.evaluate import ScoreSettings
from debiasood.world import SemanticWorld

SIZES = {"imagenet1k": 400, "inaturalist": 100, "sun": 100, "places": 100, "textures": 100}


def unit(rng, n, d=24):
    x = rng.normal(size=(n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def fake():
    rng = np.random.default_rng(1)
    ids = unit(rng, 30)
    concepts = {"imagenet1k": ids, **{name: unit(rng, 6) for name in ("inaturalist", "sun", "places", "textures")}}
    corpus = np.vstack([unit(rng, 300), concepts["sun"][rng.integers(0, 6, 60)] + 0.3 * unit(rng, 60)])
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    text = {"id_mcm": ids, "id_neglabel": ids, "corpus_features": corpus.astype(np.float32),
            "negatives": corpus[:200]}
    words = [f"w{i}" for i in range(len(corpus))]
    pos = ["noun"] * 300 + ["adj"] * 60
    return SemanticWorld(concepts), text, words, pos


def test_rows_are_labelled_simulated_and_complete(fake):
    world, text, words, pos = fake
    rows = simulated_benchmark(world, text, words, pos, sizes=SIZES, ood_sets=["sun", "textures"],
                               settings=ScoreSettings(num_groups=10))
    assert {r["world"] for r in rows} == {"simulated"}
    assert [(r["method"], r["ood"]) for r in rows] == [
        (m, o) for m in ("mcm", "neglabel", "dnm") for o in ("sun", "textures", "average")]
    assert all(0 <= r["auroc"] <= 100 for r in rows)


@pytest.mark.parametrize(("kwargs", "match"), [({"methods": ["clipn"]}, "unknown method"),
                                                ({"methods": ["csp"]}, "needs text\\['csp_negatives'\\]"),
                                                ({"ood_sets": ["mnist"]}, "unknown or unsized")])
def test_bad_input(fake, kwargs, match):
    world, text, words, pos = fake
    with pytest.raises(ValueError, match=match):
        simulated_benchmark(world, text, words, pos, sizes=SIZES, **kwargs)


def test_cli_evaluate_runs_the_benchmark(fake, monkeypatch):
    world, text, words, pos = fake
    monkeypatch.setattr(world_module, "benchmark_text_features", lambda encoder, progress=False: text)
    monkeypatch.setattr(world_module.SemanticWorld, "from_encoder", classmethod(lambda cls, enc, progress=False: world))
    monkeypatch.setattr(world_module, "SMOKE_SIZES", SIZES)
    monkeypatch.setattr("debiasood.encoders.SentenceTransformerEncoder", lambda: None)
    monkeypatch.setattr("debiasood.corpus.load_corpus",
                        lambda preset: type("C", (), {"words": words, "parts_of_speech": pos})())
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", "--sizes", "smoke", "--method", "neglabel,dnm", "--ood", "places",
                                 "--num-groups", "10", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["method"], r["ood"]) for r in rows] == [("neglabel", "places"), ("neglabel", "average"),
                                                      ("dnm", "places"), ("dnm", "average")]
    bad = runner.invoke(app, ["evaluate", "--id", "cifar10"])
    assert bad.exit_code == 2 and "calibrated on imagenet1k only" in bad.output
