"""The ImageNet-1K OOD benchmark on the offline world: mine negatives, score, metrics, one function.

Methods (negatives -> score):

- ``mcm``: no negatives; MCM on the "a photo of a {}" ID prompts (T = 1);
- ``neglabel``: NegLabel's percentile mining -> NegLabel's grouped score;
- ``csp``: CSP's pool (nouns + "adjective + superclass" phrases) and rule (NegLabel's, plus the 0.95
  exclusion) -> NegLabel's score; single prompts instead of CSP's ensembles in this world (see
  :func:`debiasood.world.simulated.benchmark_text_features`);
- ``dnm``: DNM's density selection (paper form, ViT-B/16 quotas, k = 100) -> the clamped DNM score;
- ``dnm-official``: the same negatives -> the official arithmetic (no clamp, the official scale);
- ``negrefine``: CSP's negatives -> NegRefine's score (NegLabel's + 2 x multi-matching), whose "{p} and {n}"
  texts are embedded at scoring time by the world's text encoder (:func:`negrefine_context`).

A filter (:mod:`debiasood.data.filters`) applies to the corpus before any rule mines (:func:`filter_setup`), so a
rule's quotas count the words that remain.

Every row says ``world = "simulated"``: these numbers come from :mod:`debiasood.world.simulated`, never from CLIP.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from debiasood.core.evaluation import MethodInput, ScoreSettings, evaluate
from debiasood.core.methods import METHODS as CORE_METHODS
from debiasood.core.methods import check_methods
from debiasood.core.mining import csp_mining, density_selection, neglabel_mining
from debiasood.core.scores import NEGREFINE_TOP_K, PairFeatureCache

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


def store_subset_rankings(setup: OfflineSetup, subsets: Mapping[str, tuple[Any, np.ndarray]], k: int = 100, *,
                          store: Any = None) -> None:
    """Store DNM's paper-form density ranking of several filtered corpora of ``setup.corpus`` at once.

    ``subsets`` maps a name to (the filtered corpus, its keep-mask over ``setup.corpus``). Rankings already stored
    (under each filtered corpus' fingerprint, as :func:`density_rankings` keys them) are left alone; the others
    come from ONE kNN search over the whole corpus (:func:`debiasood.core.mining.subset_density_statistics`), not
    one per corpus. :func:`density_negatives` of a setup holding a filtered corpus then reads them back.
    """
    import torch

    from debiasood.core.mining import ADJECTIVE, NOUN, select_densest, subset_density_statistics
    from debiasood.data.feature_store import FeatureKey, FeatureStore

    store = store if store is not None else setup.store
    store = store if store is not None else FeatureStore()
    fingerprint = f"density/paper/k={k}/stable-sort"  # as density_rankings keys them: the same entries
    keys = {name: FeatureKey(encoder_id=setup.encoder.id, kind="ranking", fingerprint=fingerprint,
                             content_sha256=corpus.fingerprint) for name, (corpus, _) in subsets.items()}
    missing = [name for name, key in keys.items() if not store.contains(key)]
    if not missing:
        return
    features = np.asarray(setup.text["corpus_features"], dtype=np.float32)
    statistics = subset_density_statistics(features, [subsets[name][1] for name in missing], k)
    for name, statistic in zip(missing, statistics, strict=True):
        full = select_densest(statistic, subsets[name][0].parts_of_speech, quotas={NOUN: 1.0, ADJECTIVE: 1.0},
                              form="paper")
        store.get_or_compute(keys[name],
                             lambda full=full: torch.from_numpy(full.indices.astype(np.float32)).reshape(-1, 1))


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


def filter_setup(setup: OfflineSetup, corpus_filter: Callable[..., Any],
                 label_set: Any = None) -> tuple[OfflineSetup, Any]:
    """``setup`` with a filter applied to its corpus before any mining, and the filter's
    :class:`~debiasood.data.filters.FilterResult`.

    ``corpus_filter`` is a filter of :mod:`debiasood.data.filters` (e.g. ``parse_filter_spec("wordnet")``), judged
    against ``label_set`` (default: ImageNet-1K, the world's ID set). The kept rows of the corpus features, and
    of CSP's pool (:func:`debiasood.data.filters.pool_keep`: a phrase follows its adjective), are re-used, not
    re-encoded. NegLabel's and CSP's selections are mined again from the kept words, so their 15% quotas count
    what remains; :func:`density_negatives` of the returned setup ranks the kept words among themselves (its kNN
    sees only them), stored under the filtered corpus' fingerprint.
    """
    from debiasood.data.filters import pool_keep
    from debiasood.data.label_sets import get_label_set
    from debiasood.world.simulated import ID_SET

    label_set = get_label_set(ID_SET) if label_set is None else label_set
    result = corpus_filter(setup.corpus, label_set)
    corpus = result.subset(setup.corpus)
    features = np.asarray(setup.text["corpus_features"])[result.rows]
    id_text = setup.text["id_neglabel"]
    text = dict(setup.text, corpus_features=features)
    chosen = neglabel_mining(features, id_text, list(corpus.words), list(corpus.parts_of_speech))
    text["negative_indices"] = np.asarray(chosen.indices)
    text["negatives"] = features[text["negative_indices"]]
    pool = setup.csp_pool
    if pool is not None:
        rows = np.flatnonzero(pool_keep(result.keep, setup.corpus, pool))
        if rows.size == 0:
            raise ValueError(f"the filter {result.name} leaves nothing of CSP's pool")
        pool = pool.subset(rows, name=f"{pool.name}|{result.name}")
        text["csp_features"] = np.asarray(setup.text["csp_features"])[rows]
        chosen = csp_mining(text["csp_features"], id_text, list(pool.words), list(pool.parts_of_speech))
        text["csp_negative_indices"] = np.asarray(chosen.indices)
        text["csp_negatives"] = text["csp_features"][text["csp_negative_indices"]]
    return replace(setup, text=text, corpus=corpus, csp_pool=pool), result


PAIR_TEXTS_FINGERPRINT = "negrefine-pair-texts"
PAIR_BATCH = 1024  # pair texts per store entry (times the templates per encoder pass)


class StoredPairCache(PairFeatureCache):
    """NegRefine's pair-text cache (:class:`debiasood.core.scores.PairFeatureCache`) with the feature store behind
    it: each batch of new "{p} and {n}" texts is embedded by ``encoder`` under ``templates``, combined by
    ``ensemble`` exactly as :func:`debiasood.data.feature_store.cached_text_features` does ("raw_mean": average
    the raw embeddings, then normalise, as NegRefine's ``_embed_text_labels``), and stored, so a rerun on the
    same images and negatives reads its batches back instead of encoding them. ``pad`` maps the embeddings into
    the images' space (the offline world's ``world.text``). :meth:`cost` says what the run cost.
    """

    def __init__(self, encoder: Any, templates: str | Sequence[str], *, ensemble: str = "normalized_mean",
                 store: Any = None, pad: Callable[[np.ndarray], np.ndarray] | None = None,
                 batch_size: int = PAIR_BATCH) -> None:
        from debiasood.data.feature_store import FeatureStore

        super().__init__(self._stored, templates=None, batch_size=batch_size)
        self.encoder = encoder
        self.prompt_templates = (templates,) if isinstance(templates, str) else tuple(templates)
        self.ensemble = ensemble
        self.store = FeatureStore() if store is None else store
        self.pad = pad
        self.batches_read = 0
        self.batches_encoded = 0
        self.prompts_sent = 0  # template-filled prompts the encoder embedded (stored batches not counted)

    def _stored(self, texts: list[str]) -> np.ndarray:
        from debiasood.data.feature_store import cached_text_features, text_feature_key

        key = text_feature_key(self.encoder.id, texts, self.prompt_templates, PAIR_TEXTS_FINGERPRINT,
                               ensemble=self.ensemble)
        if self.store.contains(key):
            self.batches_read += 1
        else:
            self.batches_encoded += 1
            self.prompts_sent += len(texts) * len(self.prompt_templates)
        features = cached_text_features(self.encoder, texts, self.prompt_templates, PAIR_TEXTS_FINGERPRINT,
                                        store=self.store, ensemble=self.ensemble, progress=False).numpy()
        return features if self.pad is None else self.pad(features)

    def cost(self) -> dict[str, int]:
        """Distinct pair texts embedded so far, templates per text, batches encoded (and the prompts they sent
        to the encoder) and batches read from the feature store."""
        return {"pair_texts": len(self), "templates": len(self.prompt_templates),
                "batches_encoded": self.batches_encoded, "prompts_encoded": self.prompts_sent,
                "batches_read": self.batches_read}


def negrefine_context(setup: OfflineSetup, *, store: Any = None) -> dict[str, object]:
    """What NegRefine's score needs in the offline world (:data:`debiasood.core.evaluation.SCORE_CONTEXT`): the
    ImageNet-1K class names, the words of CSP's negatives (rows ``text["csp_negative_indices"]`` of
    ``setup.csp_pool``) and a :class:`StoredPairCache` over the world's text encoder, padded by ``world.text``.

    The pair texts get the prompt this world gives ID labels and nouns, "the nice {}", where NegRefine's code
    uses CSP's eight noun templates: the world embeds CSP's labels with NegLabel's single prompts instead of
    CSP's ensembles (:func:`debiasood.world.simulated.benchmark_text_features` says why), and a pair text is
    compared with its negative's embedding, so both follow one rule (and a pair costs one prompt, not eight).
    """
    from debiasood.core.prompts import NEGLABEL_ID_TEMPLATE
    from debiasood.world.simulated import ID_SET, benchmark_label_sets

    if setup.csp_pool is None or "csp_negative_indices" not in setup.text:
        raise ValueError("NegRefine scores CSP's negatives: build the setup with offline_setup(csp=True)")
    words = [setup.csp_pool.words[i] for i in setup.text["csp_negative_indices"]]
    cache = StoredPairCache(setup.encoder, NEGLABEL_ID_TEMPLATE, store=store if store is not None else setup.store,
                            pad=setup.world.text)
    return {"id_labels": list(benchmark_label_sets()[ID_SET]), "neg_labels": words, "encode_pair_texts": cache}


def check_negrefine_negatives(count: int, where: str = "CSP's rule") -> None:
    """NegRefine's multi-matching part takes each image's top 5 negatives (``k_neg``): fewer is an error saying so."""
    if count < NEGREFINE_TOP_K:
        raise ValueError(f"NegRefine needs at least {NEGREFINE_TOP_K} negatives (its multi-matching pairs each image's "
                         f"top {NEGREFINE_TOP_K} ID labels with its top {NEGREFINE_TOP_K} negatives), but {where} "
                         f"mined {count}: use a larger corpus (a smaller corpus step) or a milder filter")


def image_subset(sizes: Mapping[str, int], max_images: int | None, seed: int = 0) -> dict[str, np.ndarray]:
    """Rows a capped method scores in each named image set: every row of a set with at most ``max_images``,
    else ``max_images`` rows drawn without replacement, in increasing order (None: no cap). Each set's draw
    depends only on (``seed``, its name), not on the other sets."""
    if max_images is not None and (isinstance(max_images, bool) or not isinstance(max_images, int) or max_images < 1):
        raise ValueError(f"max_images must be None (every image) or an int >= 1, got {max_images!r}")
    out = {}
    for name, size in sizes.items():
        if max_images is None or size <= max_images:
            out[name] = np.arange(size)
        else:
            rng = np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])
            out[name] = np.sort(rng.choice(size, max_images, replace=False))
    return out


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
    negrefine: Mapping[str, object] | None = None,
    negrefine_images: int | None = None,
) -> list[dict[str, object]]:
    """Rows of (method, OOD set) metrics on one draw of ``world`` (a :class:`debiasood.world.simulated.SemanticWorld`).

    ``text`` is :func:`debiasood.world.simulated.benchmark_text_features`' output (``id_mcm``, ``id_neglabel``,
    ``corpus_features``, ``negatives``); ``words`` and ``parts_of_speech`` describe the corpus rows.
    ``density_indices`` are DNM's negatives as rows of the corpus (e.g. :func:`density_negatives`, cached);
    by default they are mined here (~30 s for the DNM corpus). ``negrefine`` is NegRefine's context
    (:func:`negrefine_context`), needed for the method ``negrefine``; its pair texts are embedded at scoring
    time, which is slow on a CPU, so ``negrefine_images`` caps the images it scores per set (a seeded subset,
    :func:`image_subset` with ``seed``; the other methods score every image).
    """
    methods = check_methods(methods)
    settings = ScoreSettings() if settings is None else settings
    ood_sets = [s for s in world.sets if s != world.id_set] if ood_sets is None else list(ood_sets)
    missing = [s for s in (world.id_set, *ood_sets) if s not in world.sets or s not in sizes]
    if missing or not ood_sets:
        raise ValueError(f"unknown or unsized set(s) {missing or 'none given'}; the world has {', '.join(world.sets)}")
    if "negrefine" in methods and negrefine is None:
        raise ValueError("method 'negrefine' needs negrefine=negrefine_context(setup): its label names and the "
                         "text encoder of its pair texts")
    images = {name: world.images(name, sizes[name], seed=seed).features for name in (world.id_set, *ood_sets)}
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
        spec = CORE_METHODS[method]
        scored, context = images, None
        if spec.score == "negrefine":
            check_negrefine_negatives(len(negatives[spec.rule]))
            context = negrefine
            chosen = image_subset({name: len(f) for name, f in images.items()}, negrefine_images, seed)
            scored = {name: features[chosen[name]] for name, features in images.items()}
        id_text = text["id_mcm"] if spec.id_prompt == "mcm" else text["id_neglabel"]
        neg = None if spec.rule is None else world.text(negatives[spec.rule])
        result = evaluate(scored, world.id_set, {method: MethodInput(spec.score, world.text(id_text), neg, context)},
                          settings=settings)
        rows += [{"world": "simulated", **row} for row in result.rows(bootstrap=bootstrap, seed=settings.seed)]
    return rows
