"""simulated_benchmark on a small fake world, and the CLI's evaluate command wired to it."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import debiasood.world.simulated as world_module
from debiasood.app.cli import app
from debiasood.core.evaluation import ScoreSettings
from debiasood.world.offline import simulated_benchmark
from debiasood.world.simulated import SemanticWorld

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
                               methods=("mcm", "neglabel", "dnm"), settings=ScoreSettings(num_groups=10))
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


def _fake_setup(fake, monkeypatch):
    from debiasood.data.corpora import LabelCorpus
    from debiasood.world import offline as benchmark

    world, text, words, pos = fake
    corpus = LabelCorpus("fake", tuple(words), tuple(pos), tuple(words), tuple("noun.x" for _ in words))
    setup = benchmark.OfflineSetup(None, world, {**text, "csp_negatives": text["corpus_features"][50:250]}, corpus,
                                   corpus)
    monkeypatch.setattr(benchmark, "offline_setup", lambda **kwargs: setup)
    monkeypatch.setattr(benchmark, "density_negatives", lambda s: np.arange(0, 360, 2))
    monkeypatch.setattr(world_module, "SMOKE_SIZES", SIZES)
    return setup


def test_cli_evaluate_runs_the_benchmark(fake, monkeypatch):
    _fake_setup(fake, monkeypatch)
    runner = CliRunner()
    result = runner.invoke(app, ["evaluate", "--sizes", "smoke", "--method", "neglabel,csp,dnm", "--ood", "places",
                                 "--num-groups", "10", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["method"], r["ood"]) for r in rows] == [("neglabel", "places"), ("neglabel", "average"),
                                                      ("csp", "places"), ("csp", "average"),
                                                      ("dnm", "places"), ("dnm", "average")]
    assert {r["world"] for r in rows} == {"simulated"}
    bad = runner.invoke(app, ["evaluate", "--id", "cifar10"])
    assert bad.exit_code == 2 and "calibrated on imagenet1k only" in bad.output
    bad = runner.invoke(app, ["evaluate", "--sizes", "smoke", "--method", "clipn"])
    assert bad.exit_code == 2 and "unknown method" in bad.output


def test_csp_and_official_dnm_rows(fake):
    world, text, words, pos = fake
    text = {**text, "csp_negatives": text["corpus_features"][100:300]}
    rows = simulated_benchmark(world, text, words, pos, sizes=SIZES, ood_sets=["sun"], methods=["csp", "dnm-official"],
                               settings=ScoreSettings(num_groups=10))
    assert [(r["method"], r["ood"]) for r in rows] == [("csp", "sun"), ("csp", "average"), ("dnm-official", "sun"),
                                                      ("dnm-official", "average")]
    # CSP is NegLabel's score on another negative set: giving it NegLabel's negatives gives NegLabel's rows.
    same = {**text, "csp_negatives": text["negatives"]}
    csp = simulated_benchmark(world, same, words, pos, sizes=SIZES, ood_sets=["sun"], methods=["csp"],
                              settings=ScoreSettings(num_groups=10))
    neglabel = simulated_benchmark(world, same, words, pos, sizes=SIZES, ood_sets=["sun"], methods=["neglabel"],
                                   settings=ScoreSettings(num_groups=10))
    assert [r["fpr95"] for r in csp] == [r["fpr95"] for r in neglabel]


@pytest.mark.parametrize("quotas", [None, {"noun": 0.1, "adj": 0.5}, {"adj": 0.3}])
def test_density_negatives_match_density_selection_and_are_cached(fake, tmp_path, quotas):
    from debiasood.core.mining import density_selection
    from debiasood.data.corpora import LabelCorpus
    from debiasood.data.feature_store import FeatureStore
    from debiasood.world.offline import OfflineSetup, density_negatives

    world, text, words, pos = fake
    corpus = LabelCorpus("fake", tuple(words), tuple(pos), tuple(words), tuple("noun.x" for _ in words))
    setup = OfflineSetup(type("E", (), {"id": "fake-encoder"})(), world, text, corpus, None)
    store = FeatureStore(tmp_path)
    got = density_negatives(setup, k=5, quotas=quotas, store=store)
    expected = density_selection(text["corpus_features"], words, pos, k=5, quotas=quotas).indices
    np.testing.assert_array_equal(got, expected)
    assert len(list(tmp_path.rglob("*.safetensors"))) == 1
    setup.text = {**text, "corpus_features": np.zeros_like(text["corpus_features"])}  # a hit never recomputes
    np.testing.assert_array_equal(density_negatives(setup, k=5, quotas=quotas, store=store), expected)
    with pytest.raises(ValueError, match="quotas"):
        density_negatives(setup, k=5, quotas={"verb": 0.5}, store=store)


def test_cli_negatives_lists_and_audits_each_rule(monkeypatch):
    from debiasood.data.corpora import csp_pool, load_corpus
    from debiasood.world import offline as benchmark

    rng = np.random.default_rng(0)
    corpus = load_corpus("dnm").subset(range(0, 57_000, 190))
    pool = csp_pool(corpus)
    text = {"id_neglabel": unit(rng, 1000), "corpus_features": unit(rng, len(corpus)).astype(np.float32),
            "csp_features": unit(rng, len(pool)).astype(np.float32)}
    setup = benchmark.OfflineSetup(None, None, text, corpus, pool)
    monkeypatch.setattr(benchmark, "offline_setup", lambda **kwargs: setup)
    monkeypatch.setattr(benchmark, "density_negatives", lambda s: np.arange(0, len(corpus), 4))
    result = CliRunner().invoke(app, ["negatives", "--show", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary, _, listed = result.output.partition("\n\n")
    rows = {r["rule"]: r for r in json.loads(summary)}
    counts = corpus.counts()
    assert rows["neglabel"]["selected"] == int(0.15 * counts["noun"]) + int(0.15 * counts["adj"])
    assert rows["density"]["selected"] == len(range(0, len(corpus), 4))
    for row in rows.values():
        assert row["clean"] + row["lemmas"] + row["hyponyms"] + row["hypernyms"] == row["selected"]
    assert {(r["rule"], r["pos"]) for r in json.loads(listed)} == {(r, p) for r in rows for p in ("noun", "adj")}
    bad = CliRunner().invoke(app, ["negatives", "--rule", "random"])
    assert bad.exit_code == 2 and "unknown --rule" in bad.output


def test_density_rankings_serve_several_k_from_one_search(fake, tmp_path, monkeypatch):
    from debiasood.core import mining
    from debiasood.data.corpora import LabelCorpus
    from debiasood.data.feature_store import FeatureStore
    from debiasood.world.offline import OfflineSetup, density_rankings

    world, text, words, pos = fake
    corpus = LabelCorpus("fake", tuple(words), tuple(pos), tuple(words), tuple("noun.x" for _ in words))
    setup = OfflineSetup(type("E", (), {"id": "fake-encoder"})(), world, text, corpus, None, FeatureStore(tmp_path))
    full = {"noun": 1.0, "adj": 1.0}
    expected = {k: mining.density_selection(text["corpus_features"], words, pos, k=k, quotas=full).indices
                for k in (3, 10, 25)}
    searches = []
    real = mining.density_statistics
    monkeypatch.setattr(mining, "density_statistics", lambda *a, **kw: searches.append(a[1]) or real(*a, **kw))
    rankings = density_rankings(setup, [3, 10, 25])
    assert searches == [[3, 10, 25]]  # one kNN search for every k
    for k, ranking in rankings.items():
        np.testing.assert_array_equal(ranking, expected[k])
    density_rankings(setup, [10, 25])
    assert searches == [[3, 10, 25]]  # stored: no new search
    density_rankings(setup, [10, 40])
    assert searches == [[3, 10, 25], [40]]  # only the missing k
