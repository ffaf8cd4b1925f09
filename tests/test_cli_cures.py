"""The command line's cures for false negatives (issues 14 and 11): --filter and --method negrefine in `evaluate`
(offline world) and `evaluate-folders` / `evaluate --imagenet-val` (tiny random-weight open_clip model on
generated images), `estimate-tau` and `fidelity`, down to their errors.

The offline world here is the real :func:`debiasood.world.offline.offline_setup` over a hashing bag-of-words text
encoder, a few hundred real WordNet words (so the WordNet filter and the audit have real synsets) and a feature
store in a temporary folder; expected values are computed in the tests from the formulas, not read from the code
under test.
"""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

import debiasood.world.simulated as world_module
from debiasood.app import pipeline
from debiasood.app.cli import app
from debiasood.core.mining import ADJECTIVE, NOUN
from debiasood.data.audit import audit_false_negatives
from debiasood.data.corpora import load_corpus
from debiasood.data.feature_store import FeatureStore
from debiasood.data.filters import parse_filter_spec
from debiasood.data.label_sets import get_label_set
from debiasood.world import offline

SIZES = {"imagenet1k": 300, "inaturalist": 60, "sun": 60, "places": 60, "textures": 60}
# Hand-checked against ImageNet-1K in WordNet 3.0 (tests/test_filters.py): umbrella names a class, dinner table and
# maul are kinds of classes, oven is a close hypernym; external carotid artery relates to none.
FALSE_NEGATIVES = ("umbrella", "dinner table", "maul", "oven")
runner = CliRunner()


class HashEncoder:
    """A text encoder for tests: each word is a fixed random direction (seeded by its crc32), a text is their sum."""

    id = "test-hash-words-24"
    dim = 24

    def __init__(self) -> None:
        self.calls = 0

    def encode_texts(self, texts, *, batch_size=None, progress=None, raw=False):  # noqa: ANN001, ANN201
        self.calls += 1
        rows = [sum(np.random.default_rng(zlib.crc32(w.encode())).normal(size=self.dim) for w in t.split())
                for t in texts]
        features = torch.tensor(np.array(rows), dtype=torch.float32)
        return features if raw else torch.nn.functional.normalize(features, dim=-1)


@pytest.fixture(scope="module")
def corpus():
    dnm = load_corpus("dnm")
    rows = sorted(set(range(0, len(dnm), 97)) | {dnm.words.index(w) for w in (*FALSE_NEGATIVES,
                                                                             "external carotid artery")})
    return dnm.subset(rows, name="dnm-test-subset")


@pytest.fixture(scope="module")
def setup(corpus, tmp_path_factory):
    store = FeatureStore(tmp_path_factory.mktemp("store"))
    return offline.offline_setup(encoder=HashEncoder(), corpus=corpus, store=store)


@pytest.fixture
def world(setup, tmp_path, monkeypatch):
    """The CLI's offline world is the test setup; the cache root is a temporary folder."""
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(offline, "offline_setup", lambda **kwargs: setup)
    monkeypatch.setattr(world_module, "SMOKE_SIZES", SIZES)
    return setup


def run(*args: str):  # noqa: ANN201
    return runner.invoke(app, list(args))


def _false_negative_words(corpus) -> set[str]:  # noqa: ANN001
    audit = audit_false_negatives(corpus, get_label_set("imagenet1k"))
    return {w for w, fn in zip(corpus.words, audit.false_negative_mask(), strict=True) if fn}


# ------------------------------------------------------------------------------------ --filter, offline world


def test_filter_setup_drops_the_audited_words_and_quotas_count_what_remains(setup, corpus):
    filtered, result = offline.filter_setup(setup, parse_filter_spec("wordnet"))
    audited = _false_negative_words(corpus)
    assert set(FALSE_NEGATIVES) <= audited
    assert set(filtered.corpus.words) == set(corpus.words) - audited
    counts = filtered.corpus.counts()
    negatives = [filtered.corpus.words[i] for i in filtered.text["negative_indices"]]
    # NegLabel's 15% per part of speech, of the words the filter kept.
    assert len(negatives) == int(0.15 * counts[NOUN]) + int(0.15 * counts[ADJECTIVE])
    assert not set(negatives) & audited
    # The kept rows are the same features, not new ones.
    keep = [corpus.words.index(w) for w in filtered.corpus.words]
    np.testing.assert_array_equal(filtered.text["corpus_features"], setup.text["corpus_features"][keep])
    # CSP's pool loses the nouns the filter drops and the phrases of the adjectives it drops.
    pool_sources = {(p, s) for p, s in zip(filtered.csp_pool.parts_of_speech, filtered.csp_pool.source_words,
                                           strict=True)}
    assert ("adj", "umbrella") not in pool_sources and ("noun", "oven") not in pool_sources
    assert ("noun", "external carotid artery") in pool_sources
    pool_counts = filtered.csp_pool.counts()
    csp = filtered.text["csp_negative_indices"]
    assert len(csp) <= int(0.15 * pool_counts[NOUN]) + int(0.15 * pool_counts[ADJECTIVE])
    assert result.counts()["removed"] == len(audited)


def test_evaluate_with_the_wordnet_filter_prints_its_counts(world, corpus):
    result = run("evaluate", "--sizes", "smoke", "--method", "neglabel,dnm", "--filter", "wordnet:lemma",
                 "--ood", "sun", "--num-groups", "5")
    assert result.exit_code == 0, result.output
    audit = audit_false_negatives(corpus, get_label_set("imagenet1k"))
    lemmas = int(audit.mask("lemma").sum())
    assert f"kept {len(corpus) - lemmas:,} of {len(corpus):,} corpus words before mining, removed {lemmas:,} " \
           f"(lemma {lemmas:,})" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| simulated")]
    assert [row.split(" | ")[1:3] for row in rows] == [[m, s] for m in ("neglabel", "dnm") for s in ("sun", "average")]


def test_filtered_rows_differ_from_unfiltered_ones_only_through_the_negatives(world):
    plain = json.loads(run("evaluate", "--sizes", "smoke", "--method", "mcm,neglabel", "--ood", "sun",
                           "--num-groups", "5", "--format", "json").stdout)
    filtered = json.loads(run("evaluate", "--sizes", "smoke", "--method", "mcm,neglabel", "--ood", "sun",
                              "--num-groups", "5", "--format", "json", "--filter", "wordnet").stdout)
    assert plain[:2] == filtered[:2]  # MCM mines nothing: the filter cannot touch it
    assert plain[2:] != filtered[2:]


def test_evaluate_with_a_verdicts_filter(world, corpus, tmp_path):
    verdicts = tmp_path / "llm_process_noun.txt"
    noun = next(w for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True)
                if p == NOUN and w not in FALSE_NEGATIVES)
    verdicts.write_text(f"oven | dutch oven | subcategory\n{noun} | proper noun\nmaul | hammer | \n"
                        "not in the corpus | tench | the same\n", encoding="utf-8")
    result = run("evaluate", "--sizes", "smoke", "--method", "csp", "--ood", "sun", "--num-groups", "5",
                 "--filter", f"verdicts:{verdicts}", "--format", "csv")
    assert result.exit_code == 0, result.output
    # Removed: oven and the proper noun; maul has a verdict that keeps it; every other noun has none; adjectives
    # cannot match a noun file.
    assert (f"kept {len(corpus) - 2:,} of {len(corpus):,} corpus words before mining, removed 2 (proper noun 1, "
            f"subcategory 1); {len(corpus) - 3:,} of the kept words have no verdict") in result.stderr


# ------------------------------------------------------------------------------- --method negrefine, offline


def _pairs_needed(images: np.ndarray, id_text: np.ndarray, neg_text: np.ndarray, id_names, neg_names) -> set:  # noqa: ANN001
    """The distinct '{p} and {n}' texts of each image's top 5 ID labels x top 5 negatives (plain numpy)."""
    texts = set()
    for x in np.asarray(images, dtype=np.float64):
        top_id = np.argsort(-(id_text @ x), kind="stable")[:5]
        top_neg = np.argsort(-(neg_text @ x), kind="stable")[:5]
        texts |= {f"{id_names[p]} and {neg_names[n]}" for p in top_id for n in top_neg}
    return texts


def test_evaluate_negrefine_scores_and_reports_its_pair_texts(world):
    setup = world
    result = run("evaluate", "--sizes", "smoke", "--method", "csp,negrefine", "--ood", "sun,textures",
                 "--num-groups", "5", "--format", "json", "--seed", "3")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["method"], r["ood"]) for r in rows] == [(m, s) for m in ("csp", "negrefine")
                                                      for s in ("sun", "textures", "average")]
    assert all(0 <= r["auroc"] <= 100 for r in rows)
    names = get_label_set("imagenet1k").class_names
    neg_rows = setup.text["csp_negative_indices"]
    world_ = setup.world
    images = np.vstack([world_.images(s, SIZES[s], seed=3).features for s in ("imagenet1k", "sun", "textures")])
    expected = _pairs_needed(images, world_.text(setup.text["id_neglabel"]),
                             world_.text(setup.text["csp_features"][neg_rows]), names,
                             [setup.csp_pool.words[i] for i in neg_rows])
    assert "negrefine scored every image" in result.stderr
    assert f"{len(expected):,} distinct texts x 1 template(s)" in result.stderr


def test_negrefine_images_scores_a_stated_seeded_subset(world):
    result = run("evaluate", "--sizes", "smoke", "--method", "negrefine", "--ood", "sun", "--num-groups", "5",
                 "--negrefine-images", "100")
    assert result.exit_code == 0, result.output
    assert "negrefine scored a seeded subset (seed 0) of the images: imagenet1k 100 of 300, sun 60 of 60" \
        in result.stdout
    again = run("evaluate", "--sizes", "smoke", "--method", "negrefine", "--ood", "sun", "--num-groups", "5",
                "--negrefine-images", "100")
    assert again.stdout.split("\n\nNote:")[0] == result.stdout.split("\n\nNote:")[0]  # seeded
    other = run("evaluate", "--sizes", "smoke", "--method", "negrefine", "--ood", "sun", "--num-groups", "5",
                "--negrefine-images", "100", "--seed", "1")
    assert other.stdout.split("\n\nNote:")[0] != result.stdout.split("\n\nNote:")[0]


def test_image_subset_is_a_seeded_sorted_draw_per_set():
    sizes = {"a": 50, "b": 10, "c": 200}
    subset = offline.image_subset(sizes, 20, seed=4)
    np.testing.assert_array_equal(subset["b"], np.arange(10))
    for name in ("a", "c"):
        rows = subset[name]
        assert len(rows) == 20 and len(set(rows.tolist())) == 20 and (np.diff(rows) > 0).all()
        assert rows.min() >= 0 and rows.max() < sizes[name]
    # A set's draw depends on the seed and its own name only.
    np.testing.assert_array_equal(offline.image_subset({"c": 200}, 20, seed=4)["c"], subset["c"])
    assert not np.array_equal(offline.image_subset(sizes, 20, seed=5)["c"], subset["c"])
    assert {n: len(r) for n, r in offline.image_subset(sizes, None).items()} == sizes
    with pytest.raises(ValueError, match="max_images"):
        offline.image_subset(sizes, 0)


def test_stored_pair_cache_reads_its_batches_back(setup, tmp_path):
    texts = ["tench and mountain", "goldfish and aqueous pattern", "tench and aqueous pattern"]
    first = offline.StoredPairCache(HashEncoder(), ("a photo of a {}.", "a {}."), ensemble="raw_mean",
                                    store=FeatureStore(tmp_path), batch_size=2)
    rows = first.rows(texts)
    assert first.cost() == {"pair_texts": 3, "templates": 2, "batches_encoded": 2, "prompts_encoded": 6,
                            "batches_read": 0}
    # Raw mean over the templates, then normalised: NegRefine's _embed_text_labels.
    encoder = HashEncoder()
    raw = sum(encoder.encode_texts([t.format(x) for x in texts], raw=True) for t in ("a photo of a {}.", "a {}."))
    np.testing.assert_allclose(first.features[rows].numpy(), torch.nn.functional.normalize(raw, dim=-1).numpy(),
                               atol=1e-6)
    second = offline.StoredPairCache(HashEncoder(), ("a photo of a {}.", "a {}."), ensemble="raw_mean",
                                     store=FeatureStore(tmp_path), batch_size=2)
    second.rows(texts)
    assert second.cost()["batches_read"] == 2 and second.cost()["batches_encoded"] == 0
    np.testing.assert_array_equal(second.features.numpy(), first.features.numpy())


# -------------------------------------------------------------------------------------- bad input, offline


@pytest.mark.parametrize(("args", "message"), [
    (("--filter", "llm"), "unknown filter spec 'llm'"),
    (("--filter", "wordnet:synonym"), "relations must be a non-empty subset"),
    (("--filter", "verdicts:/nonexistent/verdicts.txt"), "/nonexistent/verdicts.txt does not exist"),
    (("--method", "negrefine,clipn"), "unknown method(s) ['clipn']"),
    (("--negrefine-images", "-1"), "'--negrefine-images'"),
])
def test_evaluate_bad_cure_arguments_exit_2(world, args, message):
    result = run("evaluate", "--sizes", "smoke", "--ood", "sun", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_negrefine_with_too_few_negatives_exits_2(world, tmp_path):
    # A verdict file that removes all but a handful of the nouns (and a noun file keeps every adjective).
    kept = 20
    nouns = [w for w, p in zip(world.corpus.words, world.corpus.parts_of_speech, strict=True) if p == NOUN]
    adjectives = [w for w, p in zip(world.corpus.words, world.corpus.parts_of_speech, strict=True) if p == ADJECTIVE]
    lines = [f"{w} | proper noun" for w in nouns[kept:]]
    (tmp_path / "v.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("\n".join(f"{w} | proper noun" for w in adjectives) + "\n", encoding="utf-8")
    both = tmp_path / "both"
    both.mkdir()
    (both / "llm_process_noun.txt").write_text((tmp_path / "v.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (both / "llm_process_adj.txt").write_text((tmp_path / "a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("evaluate", "--sizes", "smoke", "--ood", "sun", "--method", "negrefine", "--num-groups", "1",
                 "--filter", f"verdicts:{both}")
    assert result.exit_code == 2, result.output
    assert "NegRefine needs at least 5 negatives" in result.output and "but CSP's rule mined" in result.output


# ------------------------------------------------------------------------------------------ estimate-tau


def _density_words(setup, quotas, k):  # noqa: ANN001, ANN202
    from debiasood.core.mining import density_selection

    features = np.hstack([setup.text["corpus_features"], np.zeros((len(setup.corpus), 1))])
    return density_selection(features.astype(np.float32), setup.corpus.words, setup.corpus.parts_of_speech, k=k,
                             quotas=quotas).indices


@pytest.mark.parametrize(("backbone", "official", "quotas", "k"), [
    ("ViT-B/16", 0.5, {NOUN: 0.23, ADJECTIVE: 0.13}, 100),
    ("ViT-B-32", 0.12, {NOUN: 0.25, ADJECTIVE: 0.13}, 10),
])
def test_estimate_tau_on_the_offline_world(world, backbone, official, quotas, k):
    result = run("estimate-tau", "--backbone", backbone, "--bootstrap", "0", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["estimate"] for r in rows] == ["official setting", "WordNet audit (lemma, hyponym, hypernym)",
                                             "positive-unlabelled (best bin estimation)"]
    assert rows[0]["tau"] == official and rows[0]["would_choose"] == official
    mined = _density_words(world, quotas, k)
    assert {r["mined"] for r in rows} == {len(mined)}
    audited = _false_negative_words(world.corpus)
    share = sum(world.corpus.words[i] in audited for i in mined) / len(mined)
    assert rows[1]["tau"] == pytest.approx(1 - share) and rows[1]["low"] == rows[1]["high"] == rows[1]["tau"]
    for row in rows[1:]:
        nearest = min((0.12, 0.5, 1.0), key=lambda v: (abs(v - row["tau"]), v))
        assert row["would_choose"] == nearest and row["same_as_official"] == (nearest == official)
        assert 0 <= row["tau"] <= 1
    assert "SIMULATED" in result.stderr


def test_estimate_tau_reads_a_bundle_and_skips_the_audit_without_wnids(world, tmp_path):
    from debiasood.world.export import simulated_bundle

    names = [f"class {i}" for i in range(1000)]
    simulated_bundle(world, SIZES, id_names=names).save(tmp_path / "plain")
    result = run("estimate-tau", "--features", str(tmp_path / "plain"), "--backbone", "RN50", "--rule", "neglabel",
                 "--bootstrap", "20")
    assert result.exit_code == 0, result.output
    assert "| official setting | 0.500 |" in result.stdout and "positive-unlabelled" in result.stdout
    assert "WordNet audit (" not in result.stdout and "no WordNet audit" in result.stdout
    low, tau, high = (float(result.stdout.split("positive-unlabelled (best bin estimation) | ")[1].split(" | ")[i])
                      for i in (1, 0, 2))
    assert low <= tau <= high


@pytest.mark.parametrize(("args", "message"), [
    (("--rule", "random"), "unknown --rule 'random'"),
    (("--backbone", "tiny"), "--backbone"),
    (("--id-set", "imagenet-a"), "other ID sets need a feature bundle"),
    (("--features", "/nonexistent/bundle"), "/nonexistent/bundle is not a folder"),
    (("--sizes", "huge"), "--sizes must be"),
])
def test_estimate_tau_bad_input_exits_2(world, args, message):
    result = run("estimate-tau", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


# ---------------------------------------------------------------------------------------------- fidelity


def test_fidelity_prints_the_library_rows(world):
    from debiasood.data.fidelity import fidelity_rows

    result = run("fidelity", "--split-seed", "2", "--csp-percentile", "0.95", "--format", "json")
    assert result.exit_code == 0, result.output
    expected = fidelity_rows(world.text, world.corpus, world.csp_pool, split_seed=2, csp_percentile=0.95)
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    assert {r["words"] for r in expected} == {"all", "fit half (seed 2)", "held-out half (seed 2)"}
    assert "SIMULATED" in result.stderr and "real CLIP" in result.stderr


def test_fidelity_text_side_choice_and_options_reach_the_setup(world, monkeypatch):
    from debiasood.world.text_side import ClipLikeTextEncoder

    seen = {}
    monkeypatch.setattr(offline, "offline_setup", lambda **kwargs: seen.update(kwargs) or world)
    assert run("fidelity", "--text-side", "clip-like", "--corpus", "neglabel", "--corpus-step", "7").exit_code == 0
    assert isinstance(seen["encoder"], ClipLikeTextEncoder)
    assert (seen["corpus"], seen["corpus_step"]) == ("neglabel", 7)
    assert run("fidelity").exit_code == 0 and seen["encoder"] is None
    bad = run("fidelity", "--text-side", "clip")
    assert bad.exit_code == 2 and "clip-like" in bad.output
    bad = run("fidelity", "--csp-percentile", "1.5")
    assert bad.exit_code == 2 and "csp_percentile" in bad.output


# ------------------------------------------------------------------------------------ the real pipeline


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN201
    from debiasood.data.datasets.demo import write_demo_dataset

    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "data", classes=["circle", "square", "star"],
                              images_per_class=5, ood_images=6, image_size=32)


TINY = ("--model", pipeline.TINY_MODEL, "--pretrained", pipeline.RANDOM_WEIGHTS, "--device", "cpu",
        "--num-workers", "0")


def test_evaluate_folders_with_a_verdicts_filter_and_negrefine(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    corpus = load_corpus("dnm").subset(range(0, 57_493, 400))
    removed = [w for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True) if p == NOUN][:3]
    verdicts = tmp_path / "llm_process_noun.txt"  # NegRefine's name: its verdicts are about nouns
    verdicts.write_text("".join(f"{w} | red circle | subcategory\n" for w in removed), encoding="utf-8")
    ood = [f"--ood={name}={path}" for name, path in demo.ood_roots.items()]
    args = ["evaluate-folders", "--id-root", str(demo.id_root), "--class-names", str(demo.class_names_file), *ood,
            *TINY, "--method", "csp,negrefine", "--corpus-step", "400", "--num-groups", "2", "--filter",
            f"verdicts:{verdicts}", "--negrefine-images", "8", "--format", "json"]
    result = runner.invoke(app, [*args, "--save", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["method"], r["ood"]) for r in rows] == [(m, s) for m in ("csp", "negrefine")
                                                      for s in (*demo.ood_roots, "average")]
    record = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    assert record["corpus_filter"]["removed: subcategory"] == 3 and record["corpus_filter"]["kept"] == len(corpus) - 3
    assert not set(record["negatives"]["csp"]) & set(removed)
    # The 15 readable ID images (a 16th file is broken) are capped at 8; the OOD sets have 6 each.
    assert record["negrefine"]["scored"] == {"ID": 8, **{name: 6 for name in demo.ood_roots}}
    cost = record["negrefine"]["cost"]
    assert cost["templates"] == 8 and cost["prompts_encoded"] == 8 * cost["pair_texts"] > 0
    assert "NegRefine's pair texts: at most" in result.stderr  # the plan's bound
    # The same run again reads every pair text from the feature store.
    again = runner.invoke(app, [*args, "--save", str(tmp_path / "again.json")])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == rows
    cost = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["negrefine"]["cost"]
    assert cost["batches_encoded"] == 0 and cost["batches_read"] >= 1


def test_evaluate_imagenet_val_with_the_wordnet_filter(tmp_path, monkeypatch):
    from debiasood.data.datasets.demo import write_demo_benchmark

    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    bench = write_demo_benchmark(tmp_path / "bench", images_per_class=2, ood_images=3)
    result = runner.invoke(app, [
        "evaluate", "--imagenet-val", str(bench.imagenet_val), "--ood-root", str(bench.ood_root), "--partial-imagenet",
        "--ood", "sun,textures", *TINY, "--method", "neglabel,negrefine", "--corpus-step", "400", "--num-groups", "2",
        "--filter", "wordnet", "--negrefine-images", "4", "--save", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    corpus = load_corpus("dnm").subset(range(0, 57_493, 400))
    audited = _false_negative_words(corpus)
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert record["corpus_filter"]["removed"] == len(audited) > 0
    kept = [p for w, p in zip(corpus.words, corpus.parts_of_speech, strict=True) if w not in audited]
    assert len(record["negatives"]["neglabel"]) == int(0.15 * kept.count(NOUN)) + int(0.15 * kept.count(ADJECTIVE))
    assert not set(record["negatives"]["neglabel"]) & audited
    assert record["negrefine"]["scored"] == {"ID": 4, "sun": 3, "textures": 4}
    assert f"kept {len(kept):,} of {len(corpus):,} corpus words" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--filter", "wordnet"), "needs ID classes that are WordNet synsets"),
    (("--filter", "verdicts:/nonexistent/v.txt"), "/nonexistent/v.txt does not exist"),
    (("--filter", "bananas"), "unknown filter spec 'bananas'"),
    (("--method", "negrefine", "--corpus-step", "2000", "--num-groups", "1"), "NegRefine needs at least 5 negatives"),
])
def test_evaluate_folders_bad_cure_arguments_exit_2(demo, tmp_path, monkeypatch, args, message):
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    ood = [f"--ood={name}={path}" for name, path in demo.ood_roots.items()]
    result = runner.invoke(app, ["evaluate-folders", "--id-root", str(demo.id_root), *ood, *TINY,
                                 "--corpus-step", "400", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize("command", ["estimate-tau", "fidelity"])
def test_new_commands_have_help_with_examples(command):
    shown = run(command, "--help").output
    assert shown and "Example" in shown and "<bool>" not in shown


def test_pool_keep_follows_the_corpus_and_refuses_another_pool(corpus):
    from debiasood.data.corpora import csp_pool
    from debiasood.data.filters import pool_keep

    pool = csp_pool(corpus)
    keep = np.array([w not in FALSE_NEGATIVES for w in corpus.words])
    kept = pool_keep(keep, corpus, pool)
    expected = [source not in FALSE_NEGATIVES for source in pool.source_words]  # a phrase follows its adjective
    np.testing.assert_array_equal(kept, expected)
    other = csp_pool(load_corpus("dnm").subset(range(1, 57_493, 501)))
    with pytest.raises(ValueError, match="csp_pool"):
        pool_keep(keep, corpus, other)
    with pytest.raises(ValueError, match="one entry per corpus word"):
        pool_keep(keep[:-1], corpus, pool)


def test_readme_lines_of_the_new_flags_use_existing_flags():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```bash\n(.*?)```", readme, flags=re.S) if "debiasood label-sets" in b]
    lines = [line.split("#")[0] for line in block.splitlines()
             if re.search(r"--filter|negrefine|estimate-tau|fidelity", line)]
    assert len(lines) >= 5
    for line in lines:
        command = line.split()[1]
        shown = run(command, "--help").output
        for flag in re.findall(r"(--[a-z-]+)", line):
            assert flag in shown, (command, flag)
