"""The folder pipeline end to end on generated images with a tiny random-weight open_clip model: the results
match a direct computation written without the pipeline, the cache is hit the second time, unreadable files are
reported, and bad inputs fail with errors that name them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from debiasood.app import pipeline
from debiasood.core import prompts
from debiasood.core.evaluation import ScoreSettings, evaluate_scores
from debiasood.core.mining import csp_mining, density_selection, neglabel_mining
from debiasood.data.corpora import LabelCorpus, csp_pool
from debiasood.data.datasets import DatasetLayoutError, DatasetNotFoundError, UnreadableImageError, image_folder_dataset
from debiasood.data.datasets.demo import write_demo_dataset
from debiasood.data.datasets.folders import UNREADABLE_IMAGE_ERRORS
from debiasood.data.feature_store import FeatureStore

METHODS = ("mcm", "neglabel", "csp", "dnm")
SETTINGS = ScoreSettings(num_groups=5, seed=3)
DENSITY_K = 10


class Counting:
    """Wraps an encoder and counts the texts and images it encodes (same id: same cache entries)."""

    supports_images = True

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.id, self.dim, self.preprocess = inner, inner.id, inner.dim, inner.preprocess
        self.texts = self.images = 0

    def encode_texts(self, texts, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
        self.texts += len(texts)
        return self.inner.encode_texts(texts, **kwargs)

    def encode_images(self, images, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
        self.images += len(images)
        return self.inner.encode_images(images, **kwargs)


def small_corpus(nouns: int = 100, adjectives: int = 50) -> LabelCorpus:
    words = tuple(f"noun{i}" for i in range(nouns)) + tuple(f"adj{i}" for i in range(adjectives))
    pos = ("noun",) * nouns + ("adj",) * adjectives
    return LabelCorpus("test", words, pos, ("x.n.01",) * len(words), ("noun.Tops",) * len(words))


@pytest.fixture(scope="module")
def clip():  # noqa: ANN201
    return pipeline.make_encoder(pipeline.TINY_MODEL, pipeline.RANDOM_WEIGHTS, device="cpu")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "data", classes=["circle", "square", "star"],
                              images_per_class=6, ood_images=8, image_size=32)


@pytest.fixture(scope="module")
def run(clip, demo, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """(first result, second result, counting encoder, counts after the first call)."""
    store = FeatureStore(tmp_path_factory.mktemp("store"))
    counting = Counting(clip)
    kwargs = dict(encoder=counting, methods=METHODS, corpus=small_corpus(), settings=SETTINGS,
                  density_k=DENSITY_K, store=store, on_unreadable="report")
    first = pipeline.evaluate_folders(demo.id_root, demo.ood_roots, demo.class_names_file, **kwargs)
    counts = (counting.texts, counting.images)
    second = pipeline.evaluate_folders(demo.id_root, demo.ood_roots, demo.class_names_file, **kwargs)
    return first, second, counting, counts


def test_rows_cover_every_method_and_set(run, clip) -> None:  # noqa: ANN001
    result = run[0]
    assert [(r["method"], r["ood"]) for r in result.rows] == [
        (m, s) for m in METHODS for s in ("stripes", "clouds", "average")]
    assert {r["encoder"] for r in result.rows} == {clip.id} and result.encoder_id == clip.id
    for row in result.rows:
        for metric in ("fpr95", "auroc", "aupr_in", "aupr_out"):
            assert 0.0 <= row[metric] <= 100.0
    assert result.num_classes == 3 and result.corpus_size == 150
    assert result.metric("dnm", "clouds", "fpr95") == result.rows[10]["fpr95"]
    with pytest.raises(KeyError, match="mcm"):
        result.metric("mcm", "nowhere")
    share = result.dnm_clamp_share(["ID"])
    assert 0.0 <= share <= 1.0 and share == pipeline.dnm_clamp_share(
        result.images["ID"].features, result.id_text["neglabel"], result.negative_features["density"], SETTINGS)
    with pytest.raises(ValueError, match="sets"):
        result.dnm_clamp_share(["nowhere"])


def test_unreadable_file_is_reported_not_fatal(run, demo) -> None:  # noqa: ANN001
    result = run[0]
    assert result.image_rows() == [
        {"set": "ID", "files": 19, "encoded": 18, "skipped": 1},
        {"set": "stripes", "files": 8, "encoded": 8, "skipped": 0},
        {"set": "clouds", "files": 8, "encoded": 8, "skipped": 0}]
    (skipped,) = result.skipped_rows()
    assert skipped["set"] == "ID" and skipped["file"] == demo.corrupt_files[0] and "truncated" in skipped["reason"]


def test_second_call_reads_the_store(run) -> None:  # noqa: ANN001
    first, second, counting, (texts, images) = run
    assert texts > 0 and images == 18 + 16
    assert (counting.texts, counting.images) == (texts, images), "the second call must not run the model"
    assert second.rows == first.rows and second.negatives == first.negatives


def _encode_dataset(clip, dataset) -> torch.Tensor:  # noqa: ANN001
    images = []
    for index in range(len(dataset)):
        try:
            images.append(dataset.open_image(index))
        except UNREADABLE_IMAGE_ERRORS:
            continue
    return clip.encode_images(images)


def _prompted(clip, words, parts, templates: dict, raw_mean: bool = False) -> np.ndarray:  # noqa: ANN001
    """Each word under its part of speech's template; with ``raw_mean``, CSP's rule over all its templates:
    average the raw embeddings, then normalise."""
    out = torch.empty(len(words), clip.dim)
    parts = np.asarray(parts)
    for part, chosen in templates.items():
        rows = np.flatnonzero(parts == part)
        filled = [[t.format(words[i]) for i in rows] for t in (chosen if raw_mean else chosen[:1])]
        if raw_mean:
            mean = torch.stack([clip.encode_texts(texts, raw=True) for texts in filled]).mean(0)
            out[torch.from_numpy(rows)] = torch.nn.functional.normalize(mean, dim=-1)
        else:
            out[torch.from_numpy(rows)] = clip.encode_texts(filled[0])
    return out.numpy()


def test_rows_match_a_direct_computation(run, clip, demo) -> None:  # noqa: ANN001
    """The same numbers from the model, the mining rules and the scores, without the pipeline or the cache."""
    corpus = small_corpus()
    ids = image_folder_dataset(demo.id_root, demo.class_names_file)
    id_images = _encode_dataset(clip, ids)
    ood = {name: _encode_dataset(clip, image_folder_dataset(root)) for name, root in demo.ood_roots.items()}
    names, single = ids.class_names, {"noun": [prompts.NEGLABEL_NOUN_TEMPLATE], "adj": [prompts.NEGLABEL_ADJ_TEMPLATE]}
    id_mcm = _prompted(clip, names, ["noun"] * 3, {"noun": [prompts.MCM_TEMPLATE]})
    id_nl = _prompted(clip, names, ["noun"] * 3, {"noun": [prompts.NEGLABEL_ID_TEMPLATE]})
    id_csp = _prompted(clip, names, ["noun"] * 3, {"noun": prompts.CSP_NOUN_TEMPLATES}, raw_mean=True)
    words = _prompted(clip, corpus.words, corpus.parts_of_speech, single)
    pool = csp_pool(corpus)
    pool_feats = _prompted(clip, pool.words, pool.parts_of_speech,
                           {"noun": prompts.CSP_NOUN_TEMPLATES, "adj": prompts.CSP_ADJ_TEMPLATES}, raw_mean=True)
    negatives = {
        "neglabel": words[neglabel_mining(words, id_nl, corpus.words, corpus.parts_of_speech).indices],
        "csp": pool_feats[csp_mining(pool_feats, id_csp, pool.words, pool.parts_of_speech).indices],
        "dnm": words[density_selection(words, corpus.words, corpus.parts_of_speech, k=DENSITY_K).indices],
    }
    expected = []
    for method, id_text, score in [("mcm", id_mcm, "mcm"), ("neglabel", id_nl, "neglabel"),
                                   ("csp", id_csp, "neglabel"), ("dnm", id_nl, "dnm")]:
        expected += evaluate_scores(id_images, ood, id_text, negatives.get(method), scores=[score], settings=SETTINGS)
    got = run[0].rows
    assert len(got) == len(expected)
    for row, reference in zip(got, expected, strict=True):
        assert row["ood"] == reference["ood"]
        for metric in ("fpr95", "auroc", "aupr_in", "aupr_out"):
            assert row[metric] == pytest.approx(reference[metric], abs=1e-6), (row["method"], row["ood"], metric)
    assert [len(w) for w in run[0].negatives.values()] == [len(negatives[k]) for k in ("neglabel", "csp", "dnm")]


def test_official_density_form_uses_raw_features(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    result = pipeline.evaluate_folders(demo.id_root, demo.ood_roots, demo.class_names_file, encoder=clip,
                                       methods="dnm", corpus=small_corpus(), settings=SETTINGS, density_k=DENSITY_K,
                                       density_form="official", store=FeatureStore(tmp_path), on_unreadable="report")
    corpus = small_corpus()
    raw = _raw_corpus(clip, corpus)
    chosen = density_selection(raw, corpus.words, corpus.parts_of_speech, k=DENSITY_K, form="official")
    assert result.negatives["density"] == chosen.words(corpus.words)


def _raw_corpus(clip, corpus) -> np.ndarray:  # noqa: ANN001
    texts = [(prompts.NEGLABEL_NOUN_TEMPLATE if p == "noun" else prompts.NEGLABEL_ADJ_TEMPLATE).format(w)
             for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True)]
    return clip.encode_texts(texts, raw=True).numpy()


def test_unreadable_modes(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    from debiasood.data.datasets import UnreadableImagesWarning

    data = pipeline.load_folders(demo.id_root, demo.ood_roots, demo.class_names_file)
    store = FeatureStore(tmp_path)
    with pytest.warns(UnreadableImagesWarning, match="circle_broken"):
        warned = pipeline.extract_folder_features(clip, data, store=store, on_unreadable="warn")
    assert pipeline.skipped_rows(warned)[0]["file"] == "circle/circle_broken.png"
    with pytest.raises(UnreadableImageError, match="circle_broken"):
        pipeline.extract_folder_features(clip, data, store=store, on_unreadable="fail")


def test_plot_examples_has_a_row_per_class_and_ood_set(demo) -> None:  # noqa: ANN001
    data = pipeline.load_folders(demo.id_root, demo.ood_roots, demo.class_names_file)
    fig = pipeline.plot_examples(data, per_row=4, title="generated")
    assert len(fig.axes) == (3 + 2) * 4
    assert fig.axes[0].get_ylabel() == "ID: red circle" and fig.axes[-4].get_ylabel() == "OOD: clouds"
    assert sum(len(ax.images) for ax in fig.axes) == 5 * 4  # the broken file is passed over, not drawn


@pytest.mark.parametrize("spec, expected", [
    ("a=/x/one, b=/y", {"a": Path("/x/one"), "b": Path("/y")}),
    ("/data/textures,", {"textures": Path("/data/textures")}),
    (["a=/x", "/y/places"], {"a": Path("/x"), "places": Path("/y/places")}),
    ({"a": "/x"}, {"a": Path("/x")}),
])
def test_parse_ood_roots(spec, expected: dict) -> None:  # noqa: ANN001
    assert pipeline.parse_ood_roots(spec) == expected


@pytest.mark.parametrize("spec", ["", " , ", "average=/x", "a=/x,a=/y", "/x/same,/y/same"])
def test_parse_ood_roots_rejects(spec: str) -> None:
    with pytest.raises(ValueError, match="ood_roots"):
        pipeline.parse_ood_roots(spec)


def test_bad_inputs_name_what_is_wrong(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    def call(**changes):  # noqa: ANN003, ANN202
        kwargs = dict(id_root=demo.id_root, ood_roots=demo.ood_roots, class_names_file=demo.class_names_file,
                      encoder=clip, corpus=small_corpus(), settings=SETTINGS, density_k=DENSITY_K,
                      store=FeatureStore(tmp_path / "store"), on_unreadable="report")
        return pipeline.evaluate_folders(**{**kwargs, **changes})

    with pytest.raises(DatasetNotFoundError, match="id_root"):
        call(id_root=tmp_path / "missing")
    with pytest.raises(DatasetNotFoundError, match=r"ood_roots\['gone'\]"):
        call(ood_roots={"gone": tmp_path / "nothing"})
    with pytest.raises(DatasetNotFoundError, match="class_names_file"):
        call(class_names_file=tmp_path / "names.txt")
    short = tmp_path / "two_names.txt"
    short.write_text("red circle\nblue square\n")
    with pytest.raises(DatasetLayoutError, match="class_names_file .* 2 names but there are 3 class folders"):
        call(class_names_file=short, names_format="lines")
    with pytest.raises(DatasetLayoutError, match="line 1: 'red circle' does not start with a class folder"):
        call(class_names_file=short)
    with pytest.raises(DatasetLayoutError, match="id_root .* at least 2 classes"):
        call(id_root=demo.ood_roots["stripes"], class_names_file=None)
    for changes, argument in [(dict(methods="mcm,dnn"), "methods"), (dict(methods=[]), "methods"),
                              (dict(methods="dnm,dnm"), "methods"), (dict(corpus_step=0), "corpus_step"),
                              (dict(corpus="wiki"), "corpus"), (dict(on_unreadable="ignore"), "on_unreadable"),
                              (dict(density_form="exact"), "density_form"), (dict(density_k=0), "density_k"),
                              (dict(settings={"num_groups": 5}), "settings"), (dict(ood_roots=""), "ood_roots")]:
        with pytest.raises(ValueError, match=argument):
            call(**changes)
    assert not (tmp_path / "store").exists(), "inputs are checked before anything is encoded"
    with pytest.raises(ValueError, match="num_groups=50 exceeds the 22 negatives"):
        call(methods="neglabel", settings=ScoreSettings(num_groups=50))


def test_make_encoder_arguments() -> None:
    with pytest.raises(ValueError, match="pretrained"):
        pipeline.make_encoder(pipeline.TINY_MODEL, "openai")
    with pytest.raises(ValueError, match="pretrained"):
        pipeline.make_encoder("ViT-B-16", "")
    with pytest.raises(ValueError, match="unknown open_clip model"):
        pipeline.make_encoder("ViT-Q-99", pipeline.RANDOM_WEIGHTS)


def test_dnm_clamp_share_matches_a_brute_force_count() -> None:
    """Reference: the debiased estimate of every (image, group) pair in float64 with plain exp (T = 0.05 keeps
    e^(1/T) small), and the clamped dnm_score, which must equal S_ID / (S_ID + Q e^(-1/T)) wherever every group
    is clamped."""
    from debiasood.core.scores import dnm_score

    rng = np.random.default_rng(0)
    unit = lambda n, d: (x := rng.normal(size=(n, d))) / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    images, id_text = unit(40, 8), unit(3, 8)
    negatives = unit(30, 8) - 0.5 * id_text.mean(0)  # leaning away from the ID labels: some pairs clamp, some not
    negatives /= np.linalg.norm(negatives, axis=1, keepdims=True)
    settings = ScoreSettings(temperature=0.05, num_groups=6, tau_neg=0.5, seed=1)
    groups, T, tau = settings.groups(30), settings.temperature, settings.tau_neg
    s_id = np.exp(images @ id_text.T / T).sum(1)
    n_g = np.exp(images @ negatives.T / T)[:, groups].sum(2)
    e_neg = n_g / groups.shape[1] / tau - (1 - tau) / tau * (s_id / 3)[:, None]
    clamped = e_neg < np.exp(-1 / T)
    assert 0 < clamped.mean() < 1, "the reference must exercise both cases"
    assert pipeline.dnm_clamp_share(images, id_text, negatives, settings) == pytest.approx(clamped.mean())
    assert pipeline.dnm_clamp_share(images, id_text, negatives, settings, chunk_rows=7) == pytest.approx(clamped.mean())
    scores = np.asarray(dnm_score(images, id_text, negatives, tau_neg=tau, temperature=T, groups=groups))
    every = clamped.all(1)
    assert every.any()
    expected = s_id / (s_id + groups.shape[1] * np.exp(-1 / T))
    np.testing.assert_allclose(scores[every], expected[every], rtol=1e-9)


# ------------------------------------------------------------------------------ reporting, resume, hazard


class Killed(Counting):
    """Counting, killed (KeyboardInterrupt) at its ``kill_at``-th text call."""

    def __init__(self, inner, kill_at: int | None = None) -> None:  # noqa: ANN001
        super().__init__(inner)
        self.kill_at, self.text_calls = kill_at, 0

    def encode_texts(self, texts, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
        self.text_calls += 1
        if self.text_calls == self.kill_at:
            raise KeyboardInterrupt("simulated kill")
        return super().encode_texts(texts, **kwargs)


def test_text_encoding_killed_mid_way_resumes_to_identical_results(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    kwargs = dict(methods=("neglabel",), corpus=small_corpus(), settings=SETTINGS, on_unreadable="report",
                  checkpoint_every=16)
    data = pipeline.load_folders(demo.id_root, demo.ood_roots, demo.class_names_file)
    uninterrupted = Killed(clip)
    reference = pipeline.evaluate_data(data, encoder=uninterrupted, store=FeatureStore(tmp_path / "a"), **kwargs)
    store = FeatureStore(tmp_path / "b")
    # Text calls: 2 for the class names, then one per chunk of 16 corpus labels: killed in the third chunk.
    with pytest.raises(KeyboardInterrupt, match="simulated kill"):
        pipeline.evaluate_data(data, encoder=Killed(clip, kill_at=5), store=store, **kwargs)
    assert len(list((store.root / "partial" / "text").glob("*/chunk-*.safetensors"))) == 2
    resumed = Killed(clip)
    result = pipeline.evaluate_data(data, encoder=resumed, store=store, **kwargs)
    assert resumed.images == 0, "the image features were stored before the kill"
    assert resumed.texts == uninterrupted.texts - 2 * 3 - 2 * 16, "the class names and two chunks are not encoded again"
    assert result.rows == reference.rows and result.negatives == reference.negatives
    assert not list((store.root / "partial").glob("text/*/*"))


def test_image_checkpoints_follow_checkpoint_every(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    class KilledImages(Counting):
        def encode_images(self, images, **kwargs) -> torch.Tensor:  # noqa: ANN001, ANN003
            if self.images >= 8:
                raise KeyboardInterrupt("simulated kill")
            return super().encode_images(images, **kwargs)

    data = pipeline.load_folders(demo.id_root, demo.ood_roots, demo.class_names_file)
    store = FeatureStore(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        pipeline.evaluate_data(data, encoder=KilledImages(clip), methods="mcm", store=store, batch_size=4,
                               checkpoint_every=4, on_unreadable="report")
    (partial,) = (store.root / "partial" / "image").iterdir()
    # Chunks of 4 files: 4 + 3 readable images (circle_broken.png is the 7th file), then 4 more; then the kill.
    assert partial.name.endswith("-chunk4")
    assert sorted(path.name for path in partial.iterdir()) == [f"chunk-{c:06d}.safetensors" for c in range(3)]


def test_dnm_hazard_reports_the_a_le_0_regime(run) -> None:  # noqa: ANN001
    import dataclasses

    result = run[0]
    k, q, tau = 3, len(result.negatives["density"]) // SETTINGS.num_groups, SETTINGS.tau_neg
    hazard = result.dnm_hazard()
    assert tau - q * (1 - tau) / k <= 0 and hazard is not None
    ood = torch.cat([result.images[name].features for name in ("stripes", "clouds")])
    assert hazard == {"num_classes": k, "group_size": q, "tau_neg": tau,
                      "coefficient": pytest.approx(tau - q * (1 - tau) / k), "safe_tau": pytest.approx(q / (k + q)),
                      "clamped_share_id": pytest.approx(pipeline.dnm_clamp_share(
                          result.images["ID"].features, result.id_text["neglabel"],
                          result.negative_features["density"], SETTINGS)),
                      "clamped_share_ood": pytest.approx(pipeline.dnm_clamp_share(
                          ood, result.id_text["neglabel"], result.negative_features["density"], SETTINGS))}
    safe = dataclasses.replace(result, settings=ScoreSettings(num_groups=5, seed=3, tau_neg=q / (k + q) + 0.01))
    assert safe.dnm_hazard() is None


def test_the_saved_record_holds_the_class_map_and_reads_back(run, demo, tmp_path: Path) -> None:  # noqa: ANN001
    import json

    result = run[0]
    path = result.save(tmp_path / "out" / "result.json")
    record = json.loads(path.read_text())
    assert record == json.loads(json.dumps(result.record()))
    assert [row["folder"] for row in record["classes"]] == ["circle", "square", "star"]
    assert [row["name"] for row in record["classes"]] == list(demo.class_names)
    assert record["rows"] == result.rows and record["skipped"][0]["file"] == demo.corrupt_files[0]


def test_text_stages_count_every_prompt() -> None:
    corpus = small_corpus()
    stages = pipeline.text_stages(["a", "b", "c"], corpus, methods=METHODS)
    pool = csp_pool(corpus)
    pool_nouns = pool.parts_of_speech.count("noun")
    assert [stage.prompts for stage in stages] == [
        3 * (1 + 1 + len(prompts.CSP_NOUN_TEMPLATES)), 150,
        pool_nouns * len(prompts.CSP_NOUN_TEMPLATES) + (len(pool) - pool_nouns) * len(prompts.CSP_ADJ_TEMPLATES)]
    official = pipeline.text_stages(["a", "b"], corpus, methods=["dnm"], density_form="official")
    assert [stage.label for stage in official][-1].endswith("unnormalised (official density)")
    assert pipeline.text_stages(["a", "b"], None, methods=["mcm"])[0].prompts == 4


def test_the_plan_counts_what_the_store_lacks_and_measures_the_model(clip, demo, tmp_path: Path) -> None:  # noqa: ANN001
    data = pipeline.load_folders(demo.id_root, demo.ood_roots, demo.class_names_file)
    stages = pipeline.text_stages(data.id.class_names, small_corpus(), methods=("neglabel",))
    store = FeatureStore(tmp_path)
    plan = pipeline.plan_work(clip, data, stages, store=store)
    assert [row["to_encode"] for row in plan.stages] == [19, 8, 8, 6, 150]
    assert (plan.images_to_encode, plan.prompts_to_encode) == (35, 156)
    assert plan.texts_per_second > 0 and plan.images_per_second > 0
    assert plan.seconds == pytest.approx(156 / plan.texts_per_second + 35 / plan.images_per_second)
    pipeline.evaluate_data(data, encoder=clip, methods=("neglabel",), corpus=small_corpus(), settings=SETTINGS,
                           store=store, on_unreadable="report")
    done = pipeline.plan_work(clip, data, stages, store=store)
    assert (done.images_to_encode, done.prompts_to_encode, done.texts_per_second, done.seconds) == (0, 0, None, 0.0)
    assert pipeline.format_duration(45) == "45 s" and pipeline.format_duration(7300) == "2 h 02 min"
