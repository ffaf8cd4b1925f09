"""The ImageNet-1K OOD benchmark on the offline world: mine negatives, score, metrics, one function.

Methods (negatives -> score):

- ``mcm``: no negatives; MCM on the "a photo of a {}" ID prompts (T = 1);
- ``neglabel``: NegLabel's percentile mining -> NegLabel's grouped score;
- ``csp``: CSP's pool (nouns + "adjective + superclass" phrases) and rule (NegLabel's, plus the 0.95
  exclusion) -> NegLabel's score; single prompts instead of CSP's ensembles in this world (see
  :func:`debiasood.world.simulated.benchmark_text_features`);
- ``dnm``: DNM's density selection (paper form, ViT-B/16 quotas, k = 100) -> the clamped DNM score;
- ``dnm-official``: the same negatives -> the official arithmetic (no clamp, the official scale).

Every row says ``world = "simulated"``: these numbers come from :mod:`debiasood.world.simulated`, never from CLIP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from debiasood.core.evaluation import ScoreSettings, evaluate_scores
from debiasood.core.methods import METHODS as CORE_METHODS
from debiasood.core.mining import density_selection

METHODS: dict[str, tuple[str | None, str]] = {name: (m.rule, m.score) for name, m in CORE_METHODS.items()}
"""Benchmark method -> (negative-mining rule or None, score function of :data:`debiasood.core.evaluation.SCORES`)."""


@dataclass
class OfflineSetup:
    """Everything a simulated benchmark needs, built once: see :func:`offline_setup`."""

    encoder: Any  # the text encoder (MiniLM by default)
    world: Any  # debiasood.world.simulated.SemanticWorld
    text: dict[str, np.ndarray]  # debiasood.world.simulated.benchmark_text_features(...)
    corpus: Any  # the LabelCorpus behind text["corpus_features"]
    csp_pool: Any  # the LabelCorpus behind text["csp_features"] (None without CSP)
    store: Any = None  # the FeatureStore used (None: the default store)


def offline_setup(*, encoder: Any = None, corpus: Any = "dnm", corpus_step: int = 1, csp: bool = True,
                  label_sets: Mapping[str, Sequence[str]] | None = None, id_set: str | None = None,
                  params: Any = None, store: Any = None, progress: bool | None = False) -> OfflineSetup:
    """The offline world, its text features and corpora, from the feature store (cold: ~3 minutes on a CPU).

    ``corpus`` is a preset name or a LabelCorpus; ``corpus_step`` > 1 keeps every n-th word (SMOKE runs:
    10 gives ~5.7k words, embedded in ~15 s cold). ``label_sets`` adds or replaces the world's concept sets
    (default: ImageNet-1K and the four OOD sets); ``id_set`` picks the world's ID set among them (the ID
    concepts set the neighbours every image can be confused with). The text features are always those of the
    ImageNet-1K benchmark; other ID sets embed their own prompts (see the held-out notebook). ``store`` is the
    :class:`debiasood.data.feature_store.FeatureStore` (default: ``$DEBIASOOD_CACHE``).
    """
    from debiasood.data.corpora import csp_pool, load_corpus
    from debiasood.data.encoders import SentenceTransformerEncoder
    from debiasood.world.simulated import ID_SET, SemanticWorld, benchmark_label_sets, benchmark_text_features

    if isinstance(corpus_step, bool) or not isinstance(corpus_step, int) or corpus_step < 1:
        raise ValueError(f"corpus_step must be an int >= 1, got {corpus_step!r}")
    encoder = SentenceTransformerEncoder() if encoder is None else encoder
    corpus = load_corpus(corpus) if isinstance(corpus, str) else corpus
    if corpus_step > 1:
        corpus = corpus.subset(range(0, len(corpus), corpus_step), name=f"{corpus.name}[::{corpus_step}]")
    text = benchmark_text_features(encoder, corpus=corpus, csp=csp, store=store, progress=progress)
    sets = {**benchmark_label_sets(), **dict(label_sets or {})}
    world = SemanticWorld.from_encoder(encoder, sets, id_set=id_set or ID_SET, params=params, store=store,
                                       progress=progress)
    return OfflineSetup(encoder, world, text, corpus, csp_pool(corpus) if csp else None, store)


def density_rankings(setup: OfflineSetup, ks: Sequence[int] = (100,), *, form: str = "paper",
                     store: Any = None) -> dict[int, np.ndarray]:
    """DNM's full density ranking of ``setup.corpus`` for each k: corpus rows, best first, nouns then adjectives.

    Each ranking is stored in the feature store once per (encoder, corpus, k, form). The ks not stored yet
    come from ONE exact kNN search for the largest of them (:func:`debiasood.core.mining.density_statistics`):
    ~30 s for the DNM corpus, whatever the number of ks.
    """
    import torch

    from debiasood.core.mining import ADJECTIVE, NOUN, density_statistics, select_densest
    from debiasood.data.feature_store import FeatureKey, FeatureStore

    store = store if store is not None else setup.store
    store = store if store is not None else FeatureStore()
    corpus, features = setup.corpus, np.asarray(setup.text["corpus_features"], dtype=np.float32)
    # "stable-sort": the ranking rule of select_per_part; a ranking stored under another rule must miss.
    keys = {int(k): FeatureKey(encoder_id=setup.encoder.id, kind="ranking",
                               fingerprint=f"density/{form}/k={k}/stable-sort",
                               content_sha256=corpus.fingerprint) for k in ks}
    stored = {k: store.get(key) for k, key in keys.items()}
    missing = [k for k, ranking in stored.items() if ranking is None]
    if missing:
        statistics = density_statistics(features, missing, form=form)
        for k in missing:
            full = select_densest(statistics[k], corpus.parts_of_speech, quotas={NOUN: 1.0, ADJECTIVE: 1.0},
                                  form=form)
            stored[k] = store.get_or_compute(
                keys[k], lambda full=full: torch.from_numpy(full.indices.astype(np.float32)).reshape(-1, 1))
    return {k: ranking.numpy().ravel().astype(np.int64) for k, ranking in stored.items()}


def density_negatives(setup: OfflineSetup, *, k: int = 100, form: str = "paper",
                      quotas: Mapping[str, float] | None = None, store: Any = None) -> np.ndarray:
    """DNM's density selection from ``setup.corpus`` (indices into it), from the cached ranking.

    ``quotas`` (default: ViT-B/16's 23% nouns, 13% adjectives) take the first ``int(quota * n_part)`` of each
    part's ranking (:func:`density_rankings`), exactly what ``density_selection`` with those quotas selects.
    First call ~30 s for the DNM corpus, then instant.
    """
    from debiasood.core.mining import ADJECTIVE, DNM_QUOTAS, NOUN, check_quotas

    quotas = DNM_QUOTAS["ViT-B/16"][0] if quotas is None else quotas
    check_quotas(quotas)
    order = density_rankings(setup, [k], form=form, store=store)[k]
    pos = np.asarray(setup.corpus.parts_of_speech)[order]
    chosen = [order[pos == part][: int((pos == part).sum() * quotas[part])] for part in (NOUN, ADJECTIVE)
              if part in quotas]
    return np.concatenate(chosen)


def method_negatives(text: Mapping[str, np.ndarray], method: str,
                     density_indices: Sequence[int] | None = None) -> np.ndarray | None:
    """The negative-label text features a benchmark method scores with (None for MCM).

    ``text`` is :func:`debiasood.world.simulated.benchmark_text_features`' output; DNM's negatives are the rows
    ``density_indices`` of ``text["corpus_features"]`` (e.g. :func:`density_negatives`).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    rule = METHODS[method][0]
    if rule is None:
        return None
    if rule == "density":
        if density_indices is None:
            raise ValueError(f"method {method!r} needs density_indices (debiasood.world.offline.density_negatives)")
        return np.asarray(text["corpus_features"])[np.asarray(density_indices)]
    key = {"neglabel": "negatives", "csp": "csp_negatives"}[rule]
    if key not in text:
        hint = ": call benchmark_text_features(csp=True)" if rule == "csp" else ""
        raise ValueError(f"method {method!r} needs text[{key!r}]{hint}")
    return np.asarray(text[key])


def simulated_benchmark(
    world: Any,
    text: Mapping[str, np.ndarray],
    words: Sequence[str],
    parts_of_speech: Sequence[str],
    *,
    methods: Sequence[str] = ("mcm", "neglabel", "csp", "dnm"),
    sizes: Mapping[str, int],
    ood_sets: Sequence[str] | None = None,
    seed: int = 0,
    settings: ScoreSettings | None = None,
    bootstrap: int = 0,
    density_indices: Sequence[int] | None = None,
) -> list[dict[str, object]]:
    """Rows of (method, OOD set) metrics on one draw of ``world`` (a :class:`debiasood.world.simulated.SemanticWorld`).

    ``text`` is :func:`debiasood.world.simulated.benchmark_text_features`' output (``id_mcm``, ``id_neglabel``,
    ``corpus_features``, ``negatives``); ``words`` and ``parts_of_speech`` describe the corpus rows.
    ``density_indices`` are DNM's negatives as rows of the corpus (e.g. :func:`density_negatives`, cached);
    by default they are mined here (~30 s for the DNM corpus).
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"unknown method(s) {unknown or list(methods)}; choose from {', '.join(METHODS)}")
    ood_sets = [s for s in world.sets if s != world.id_set] if ood_sets is None else list(ood_sets)
    missing = [s for s in (world.id_set, *ood_sets) if s not in world.sets or s not in sizes]
    if missing or not ood_sets:
        raise ValueError(f"unknown or unsized set(s) {missing or 'none given'}; the world has {', '.join(world.sets)}")
    images = {name: world.images(name, sizes[name], seed=seed).features for name in (world.id_set, *ood_sets)}
    ood = {name: images[name] for name in ood_sets}
    if any(METHODS[m][0] == "density" for m in methods) and density_indices is None:
        density_indices = density_selection(np.asarray(text["corpus_features"], dtype=np.float32), words,
                                            parts_of_speech).indices
    negatives = {}  # by mining rule: dnm and dnm-official share one array
    for method in methods:
        rule = METHODS[method][0]
        if rule is not None and rule not in negatives:
            negatives[rule] = method_negatives(text, method, density_indices)
    rows = []
    for method in methods:
        rule, score = METHODS[method]
        id_text = text["id_mcm"] if method == "mcm" else text["id_neglabel"]
        neg = None if rule is None else world.text(negatives[rule])
        for row in evaluate_scores(images[world.id_set], ood, world.text(id_text), neg, scores=[score],
                                   settings=settings, bootstrap=bootstrap):
            rows.append({"world": "simulated", "method": method, **{k: v for k, v in row.items() if k != "score"}})
    return rows
