"""Ablations of DNM in the offline world: which of its two changes does the work, and which knobs matter.

DNM (Peng et al., KDD 2026) changes two things of NegLabel (Jiang et al., ICLR 2024) at once: WHICH negatives
are used (density selection instead of NegLabel's percentile mining) and HOW the score is squashed (the
debiased partition function instead of NegLabel's). This module separates them and varies one knob at a time:

- :class:`Knobs`: every knob of the DNM pipeline, at the official ViT-B/16 defaults
  (method reference: Official settings).
- :class:`AblationBench`: one draw of simulated images plus the text side; :meth:`AblationBench.evaluate`
  mines the negatives a :class:`Knobs` asks for and returns the average FPR95 / AUROC over the OOD sets.
- :func:`factorial` and :func:`factorial_effects`: the 2 x 2 design (negatives x score) over seeds, its
  two main effects and the interaction.
- :func:`sweep` and :func:`sensitivity`: one-at-a-time sweeps around the defaults, and how far each moves the
  metrics.
- :func:`corpus_setup`: the same world with another label corpus (a WordNet preset or common words),
  embedding only the words the current corpus lacks.
- ``plot_*``: the figures (matplotlib Figures not registered with pyplot).

The scores come from :mod:`debiasood.core.scores` and the negatives from :mod:`debiasood.core.mining` /
:func:`debiasood.world.offline.density_negatives`; nothing here re-implements them. Every number this module
produces is SIMULATED (:mod:`debiasood.world.simulated`): every row carries ``world = "simulated"`` and every figure
says so. None of it is a CLIP number.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from debiasood.core.checks import check_fraction, check_int, check_positive
from debiasood.core.metrics import average_metrics, ood_metrics
from debiasood.core.mining import ADJECTIVE, DNM_QUOTAS, NOUN, neglabel_mining
from debiasood.core.partition import partition_negatives
from debiasood.core.scores import (
    DEFAULT_NUM_GROUPS,
    DEFAULT_TAU_NEG,
    DEFAULT_TEMPERATURE,
    dnm_coefficient,
    dnm_score,
    neglabel_score,
    perturbed_positives,
)

NEGATIVES = ("neglabel", "density")
"""Negative-label rules: NegLabel's percentile mining, DNM's density selection."""
SCORES = ("neglabel", "dnm")
"""Score functions: NegLabel's grouped score, DNM's debiased score (clamped, the project default)."""

_DEFAULT_QUOTAS, _DEFAULT_K = DNM_QUOTAS["ViT-B/16"]


@dataclass(frozen=True)
class Knobs:
    """Every knob of the DNM pipeline; the defaults are the official ViT-B/16 settings.

    - ``tau_neg``: assumed share of true negatives among the mined labels (official ``tau_ood``);
    - ``num_groups`` (G) and ``temperature`` (T) of the grouped score;
    - ``k``: neighbours of the density selection; ``noun_quota`` / ``adj_quota``: share of each part of speech
      kept (0 keeps none of that part); ``label_scale`` multiplies both quotas (each capped at 1), which
      scales the number M of mined labels (the issue's L);
    - ``sigma`` and ``num_positive_samples`` (n): DNM's positive samples, each ID label embedding perturbed
      as normalise(z + sigma * eps), n times (:func:`debiasood.core.scores.perturbed_positives`); ``sigma = 0``
      means the ID label embeddings themselves (the official code).
    """

    tau_neg: float = DEFAULT_TAU_NEG
    num_groups: int = DEFAULT_NUM_GROUPS
    temperature: float = DEFAULT_TEMPERATURE
    k: int = _DEFAULT_K
    noun_quota: float = _DEFAULT_QUOTAS[NOUN]
    adj_quota: float = _DEFAULT_QUOTAS[ADJECTIVE]
    label_scale: float = 1.0
    sigma: float = 0.0
    num_positive_samples: int = 1

    def __post_init__(self) -> None:
        check_fraction("tau_neg", self.tau_neg)
        check_int("num_groups", self.num_groups)
        check_positive("temperature", self.temperature)
        check_int("k", self.k)
        for name in ("noun_quota", "adj_quota"):
            check_fraction(name, getattr(self, name), low_open=False)
        if self.noun_quota == 0 and self.adj_quota == 0:
            raise ValueError("noun_quota and adj_quota are both 0: no label would be mined")
        check_positive("label_scale", self.label_scale)
        if not (isinstance(self.sigma, int | float) and math.isfinite(self.sigma) and self.sigma >= 0):
            raise ValueError(f"sigma must be a finite number >= 0, got {self.sigma!r}")
        check_int("num_positive_samples", self.num_positive_samples)

    def quotas(self) -> dict[str, float]:
        """The density selection's quotas: each default quota times ``label_scale``, capped at 1; 0 drops a part."""
        scaled = {NOUN: self.noun_quota * self.label_scale, ADJECTIVE: self.adj_quota * self.label_scale}
        return {part: min(1.0, share) for part, share in scaled.items() if share > 0}


KNOB_NAMES = tuple(f.name for f in dataclasses.fields(Knobs))

#: One-at-a-time grids around the defaults (each includes the default value).
GRIDS: dict[str, tuple[float, ...]] = {
    "tau_neg": (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0),
    "num_groups": (1, 10, 100, 1000),
    "temperature": (0.002, 0.005, 0.01, 0.02, 0.05),
    "k": (10, 25, 50, 100, 200),
    "noun_quota": (0.05, 0.1, 0.23, 0.46),
    "adj_quota": (0.0, 0.05, 0.13, 0.3, 0.6),
    "label_scale": (0.25, 0.5, 1.0, 2.0),
    "sigma": (0.0, 0.003, 0.01, 0.03, 0.1),
    "num_positive_samples": (1, 2, 4),
}

#: Axis labels of the knobs, and which are swept on a log scale.
KNOB_LABELS: dict[str, str] = {
    "tau_neg": r"assumed share of true negatives $\tau_{neg}$",
    "num_groups": "number of groups G",
    "temperature": "temperature T",
    "k": "density kNN k",
    "noun_quota": "noun quota",
    "adj_quota": "adjective quota",
    "label_scale": "number of mined labels M",
    "sigma": r"positives' noise $\sigma$",
    "num_positive_samples": "positive samples per ID label n",
}
_LOG_KNOBS = {"num_groups", "temperature", "k", "label_scale", "num_positive_samples"}


def grid(knob: str, *, coarse: bool = False, upper: float | None = None) -> tuple[float, ...]:
    """The sweep grid of ``knob``; ``coarse`` keeps every other point, the ends and the default (quick SMOKE
    runs); ``upper`` drops the values above it (e.g. more groups than a small corpus has mined labels)."""
    _check_knob(knob)
    values = GRIDS[knob]
    if coarse:
        default = getattr(Knobs(), knob)
        values = tuple(v for i, v in enumerate(values) if i % 2 == 0 or v == default or i == len(values) - 1)
    if upper is not None:
        values = tuple(v for v in values if v <= upper)
        if not values:
            raise ValueError(f"upper={upper!r} is below every {knob} value of the grid {GRIDS[knob]}")
    return values


def _check_knob(knob: str) -> None:
    if knob not in KNOB_NAMES:
        raise ValueError(f"knob {knob!r} is not a Knobs field; choose from {', '.join(KNOB_NAMES)}")


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


@dataclass
class AblationBench:
    """One draw of simulated images and the text side of an :class:`debiasood.world.offline.OfflineSetup`.

    ``id_images`` and ``ood_images`` are world image features (already padded); ``seed`` seeds the draw, the
    partition of the negatives into groups and the positives' noise. Evaluations are memoised per (corpus,
    knobs, negatives, score), so sweeps that share the default point score it once.
    """

    setup: Any
    id_images: np.ndarray
    ood_images: dict[str, np.ndarray]
    seed: int = 0
    store: Any = None
    _memo: dict = field(default_factory=dict, repr=False)

    @classmethod
    def draw(cls, setup: Any, sizes: Mapping[str, int], *, seed: int = 0, store: Any = None) -> AblationBench:
        """Draw ``sizes[name]`` images of the ID set and of every OOD set the world has (and ``sizes`` names)."""
        world = setup.world
        check_int("seed", seed, minimum=0)
        ood_sets = [name for name in world.sets if name != world.id_set]
        missing = [name for name in (world.id_set, *ood_sets) if name not in sizes]
        if missing:
            raise ValueError(f"sizes has no entry for {missing}; give one per set of the world {list(world.sets)}")
        images = {name: world.images(name, sizes[name], seed=seed).features for name in (world.id_set, *ood_sets)}
        return cls(setup, images.pop(world.id_set), images, seed, store)

    def with_setup(self, setup: Any) -> AblationBench:
        """The same images with another text side (e.g. :func:`corpus_setup`); the memo is not shared."""
        if setup.world is not self.setup.world:
            raise ValueError("setup must share this bench's world: the images were drawn from it")
        return AblationBench(setup, self.id_images, self.ood_images, self.seed, self.store)

    def negative_features(self, negatives: str, knobs: Knobs) -> np.ndarray:
        """Text features (unpadded) of the mined labels: NegLabel's selection, or DNM's density selection."""
        from debiasood.world.offline import density_negatives

        _check_choice("negatives", negatives, NEGATIVES)
        if negatives == "neglabel":
            return np.asarray(self.setup.text["negatives"])
        rows = density_negatives(self.setup, k=knobs.k, quotas=knobs.quotas(), store=self.store)
        return np.asarray(self.setup.text["corpus_features"])[rows]

    def _scorer(self, knobs: Knobs, negative_features: np.ndarray, score: str) -> Callable:
        """images -> scores for the given knobs, with ONE partition for ID and every OOD set."""
        world = self.setup.world
        neg = world.text(negative_features)
        groups = partition_negatives(len(neg), knobs.num_groups, self.seed)
        id_text = world.text(self.setup.text["id_neglabel"])
        if score == "neglabel":
            return lambda images: neglabel_score(images, id_text, neg, temperature=knobs.temperature, groups=groups)
        positives = None
        if knobs.sigma > 0:
            positives = world.text(perturbed_positives(np.asarray(self.setup.text["id_neglabel"]), sigma=knobs.sigma,
                                                       num_samples=knobs.num_positive_samples, seed=self.seed))
        return lambda images: dnm_score(images, id_text, neg, tau_neg=knobs.tau_neg, temperature=knobs.temperature,
                                        groups=groups, positives=positives)

    def evaluate(self, knobs: Knobs | None = None, *, negatives: str = "density", score: str = "dnm") -> dict:
        """Average FPR95 and AUROC over the OOD sets (paper convention, percent), per-set FPR95, M and Q."""
        knobs = Knobs() if knobs is None else knobs
        _check_choice("negatives", negatives, NEGATIVES)
        _check_choice("score", score, SCORES)
        if negatives == "neglabel":
            # NegLabel's selection does not depend on the density knobs: share its memo entry.
            knobs = dataclasses.replace(knobs, **{n: getattr(Knobs(), n) for n in
                                                  ("k", "noun_quota", "adj_quota", "label_scale")})
        if score == "neglabel":
            knobs = dataclasses.replace(knobs, **{n: getattr(Knobs(), n) for n in
                                                  ("tau_neg", "sigma", "num_positive_samples")})
        key = (self.setup.corpus.fingerprint, knobs, negatives, score)
        if key not in self._memo:
            features = self.negative_features(negatives, knobs)
            scorer = self._scorer(knobs, features, score)
            # One call over all images: the score's input checks and text stacking run once, not per set.
            sets = [self.id_images, *self.ood_images.values()]
            scores = np.split(np.asarray(scorer(np.concatenate(sets))), np.cumsum([len(x) for x in sets])[:-1])
            per_set = {name: ood_metrics(scores[0], ood) for name, ood in zip(self.ood_images, scores[1:], strict=True)}
            num_negatives = len(features)
            average = average_metrics(per_set)
            group_size = num_negatives // knobs.num_groups
            # The closed form's a (official positives); NegLabel's score is the case a = 1.
            coefficient = (dnm_coefficient(len(self.setup.text["id_neglabel"]), group_size, knobs.tau_neg)
                           if score == "dnm" else 1.0)
            self._memo[key] = {"fpr95": average["fpr95"], "auroc": average["auroc"],
                               **{f"fpr95_{name}": m["fpr95"] for name, m in per_set.items()},
                               "num_negatives": num_negatives, "group_size": group_size, "coefficient": coefficient}
        return dict(self._memo[key])


# ---------------------------------------------------------------- the 2 x 2 design

def factorial(benches: Sequence[AblationBench], *, knobs: Knobs | None = None) -> list[dict[str, Any]]:
    """NegLabel's or DNM's negatives x NegLabel's or DNM's score, on each bench (one image draw per seed).

    Each bench has its own images and partition seed. Rows: world, seed, negatives, score, and
    :meth:`AblationBench.evaluate`'s metrics.
    """
    if not benches:
        raise ValueError("benches is empty: give at least one AblationBench (one per seed)")
    seeds = [bench.seed for bench in benches]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"benches must have distinct seeds, got {seeds}")
    rows = []
    for bench in benches:
        for negatives in NEGATIVES:
            for score in SCORES:
                rows.append({"world": "simulated", "seed": bench.seed, "negatives": negatives, "score": score,
                             **bench.evaluate(knobs, negatives=negatives, score=score)})
    return rows


def _cells(rows: Sequence[Mapping[str, Any]], metric: str) -> dict[Any, dict[tuple[str, str], float]]:
    if not rows:
        raise ValueError("rows is empty: pass factorial()'s rows")
    if any(metric not in row for row in rows):
        raise ValueError(f"metric {metric!r} is missing from some rows")
    by_seed: dict[Any, dict[tuple[str, str], float]] = {}
    for row in rows:
        by_seed.setdefault(row["seed"], {})[(row["negatives"], row["score"])] = float(row[metric])
    needed = {(n, s) for n in NEGATIVES for s in SCORES}
    incomplete = [seed for seed, cells in by_seed.items() if set(cells) != needed]
    if incomplete:
        raise ValueError(f"seeds {incomplete} lack some of the four cells {sorted(needed)}")
    return by_seed


def factorial_effects(rows: Sequence[Mapping[str, Any]], metric: str = "fpr95") -> dict[str, dict[str, Any]]:
    """Main effects and interaction of the 2 x 2 design, per seed, then mean and spread over seeds.

    With y(negatives, score):

    - ``negatives``: mean over the two scores of y(density, s) - y(neglabel, s);
    - ``score``: mean over the two negative sets of y(n, dnm) - y(n, neglabel);
    - ``interaction``: [y(density, dnm) - y(density, neglabel)] - [y(neglabel, dnm) - y(neglabel, neglabel)],
      the difference of differences (how much the score's effect changes with the negatives);
    - ``both``: y(density, dnm) - y(neglabel, neglabel), DNM against NegLabel.

    Returns ``{effect: {"mean", "sd", "per_seed"}}``; ``sd`` is the sample standard deviation over seeds
    (0 with one seed).
    """
    per_seed: dict[str, list[float]] = {"negatives": [], "score": [], "interaction": [], "both": []}
    for cells in _cells(rows, metric).values():
        nl_nl, nl_dnm = cells[("neglabel", "neglabel")], cells[("neglabel", "dnm")]
        d_nl, d_dnm = cells[("density", "neglabel")], cells[("density", "dnm")]
        per_seed["negatives"].append(((d_nl - nl_nl) + (d_dnm - nl_dnm)) / 2)
        per_seed["score"].append(((nl_dnm - nl_nl) + (d_dnm - d_nl)) / 2)
        per_seed["interaction"].append((d_dnm - d_nl) - (nl_dnm - nl_nl))
        per_seed["both"].append(d_dnm - nl_nl)
    return {name: _spread(values) for name, values in per_seed.items()}


def _spread(values: Sequence[float]) -> dict[str, Any]:
    array = np.asarray(values, dtype=np.float64)
    return {"mean": float(array.mean()), "sd": float(array.std(ddof=1)) if len(array) > 1 else 0.0,
            "per_seed": [float(v) for v in array]}


def factorial_table(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The four cells with mean and sd over seeds of the average FPR95 and AUROC."""
    fpr, auroc = _cells(rows, "fpr95"), _cells(rows, "auroc")
    table = []
    for negatives in NEGATIVES:
        for score in SCORES:
            f = _spread([cells[(negatives, score)] for cells in fpr.values()])
            a = _spread([cells[(negatives, score)] for cells in auroc.values()])
            table.append({"world": "simulated", "negatives": negatives, "score": score, "seeds": len(fpr),
                          "fpr95": f["mean"], "fpr95_sd": f["sd"], "auroc": a["mean"], "auroc_sd": a["sd"]})
    return table


def effects_table(effects: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """One row per effect from ``{metric: factorial_effects(rows, metric)}``: mean and sd of each metric."""
    if not effects:
        raise ValueError("effects is empty: pass {metric: factorial_effects(rows, metric)}")
    names = list(next(iter(effects.values())))
    return [{"world": "simulated", "effect": name,
             **{f"{metric}_{stat}": effects[metric][name][stat] for metric in effects for stat in ("mean", "sd")}}
            for name in names]


# ---------------------------------------------------------------- one-at-a-time sweeps

def sweep(bench: AblationBench, knob: str, values: Sequence[float], *, base: Knobs | None = None,
          negatives: str = "density", score: str = "dnm") -> list[dict[str, Any]]:
    """Evaluate ``bench`` with ``knob`` set to each of ``values`` and every other knob at ``base``."""
    _check_knob(knob)
    if not values:
        raise ValueError(f"values is empty: give the {knob} values to sweep")
    base = Knobs() if base is None else base
    default = getattr(base, knob)
    if knob == "k" and negatives == "density":
        from debiasood.world.offline import density_rankings

        # One kNN search for the largest k serves every k of the grid (the rankings are then stored).
        density_rankings(bench.setup, [int(v) for v in values], store=bench.store)
    rows = []
    for value in values:
        knobs = dataclasses.replace(base, **{knob: type(default)(value)})
        rows.append({"world": "simulated", "knob": knob, "value": value, "default": value == default,
                     **bench.evaluate(knobs, negatives=negatives, score=score)})
    return rows


def sensitivity(sweeps: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """How far each sweep moves the average metrics: range (max - min) over its grid, and its best value.

    Sorted by FPR95 range, largest first.
    """
    table = []
    for knob, rows in sweeps.items():
        if not rows:
            raise ValueError(f"sweep {knob!r} has no rows")
        fpr = np.array([row["fpr95"] for row in rows])
        auroc = np.array([row["auroc"] for row in rows])
        defaults = [row for row in rows if row["default"]]
        best = rows[int(np.argmin(fpr))]
        table.append({"world": "simulated", "knob": knob, "values": len(rows),
                      "fpr95_default": defaults[0]["fpr95"] if defaults else float("nan"),
                      "fpr95_best": float(fpr.min()), "best_value": best["value"],
                      "fpr95_range": float(fpr.max() - fpr.min()), "auroc_range": float(auroc.max() - auroc.min())})
    return sorted(table, key=lambda row: -row["fpr95_range"])


def side_by_side(rows: Sequence[Mapping[str, Any]], reference: Sequence[Mapping[str, Any]],
                 prefix: str = "neglabel") -> list[dict[str, Any]]:
    """Sweep ``rows`` with the metrics of ``reference`` (the same knob values) as ``<prefix>_fpr95/_auroc``."""
    if [r["value"] for r in rows] != [r["value"] for r in reference]:
        raise ValueError("rows and reference must sweep the same values in the same order")
    return [{**row, f"{prefix}_fpr95": ref["fpr95"], f"{prefix}_auroc": ref["auroc"]}
            for row, ref in zip(rows, reference, strict=True)]


# ---------------------------------------------------------------- other corpora

def ablation_corpora(presets: Sequence[str] = ("dnm", "neglabel", "full"), *, common_words: int = 20_000,
                     step: int = 1) -> dict[str, Any]:
    """The corpora of the corpus ablation: WordNet presets and the ``common_words`` most frequent English words.

    ``step`` > 1 keeps every ``step``-th word of each WordNet preset (as
    :func:`debiasood.world.offline.offline_setup` does with ``corpus_step``, so the ``dnm`` preset matches a SMOKE
    setup's corpus); the common-words corpus is sized by ``common_words`` alone. Keys name the corpora.
    """
    from debiasood.data.corpora import common_words_corpus, load_corpus

    check_int("step", step)
    check_int("common_words", common_words)
    if not presets:
        raise ValueError("presets is empty: name at least one WordNet preset")
    corpora = {}
    for preset in presets:
        corpus = load_corpus(preset)
        if step > 1:
            corpus = corpus.subset(range(0, len(corpus), step), name=f"{corpus.name}[::{step}]")
        corpora[f"WordNet {preset}"] = corpus
    corpora[f"common words ({common_words:,})"] = common_words_corpus(common_words).corpus
    return corpora


def corpus_features(setup: Any, corpus: Any, *, references: Sequence[Any] = (), store: Any = None,
                    progress: bool | None = False) -> np.ndarray:
    """NegLabel-prompt features of ``corpus``, as :func:`debiasood.world.simulated.benchmark_text_features` builds them.

    A (word, part of speech) pair that ``setup.corpus`` or one of the ``references`` (other setups, e.g. from
    :func:`corpus_setup`) already has reuses that row (same prompt, same embedding); only the others are
    encoded, by part of speech ("the nice {}" for nouns, "This is a {} photo" for adjectives), through the
    feature store.
    """
    from debiasood.core import prompts
    from debiasood.data.feature_store import cached_text_features

    known: dict[tuple[str, str], np.ndarray] = {}
    for source in (setup, *references):
        rows = np.asarray(source.text["corpus_features"], dtype=np.float32)
        for i, pair in enumerate(zip(source.corpus.words, source.corpus.parts_of_speech, strict=True)):
            known.setdefault(pair, rows[i])
    dim = np.asarray(setup.text["corpus_features"]).shape[1]
    features = np.zeros((len(corpus), dim), dtype=np.float32)
    pairs = list(zip(corpus.words, corpus.parts_of_speech, strict=True))
    reused = np.array([pair in known for pair in pairs], dtype=bool)
    if reused.any():
        features[reused] = np.stack([known[pair] for pair, r in zip(pairs, reused, strict=True) if r])
    pos = np.asarray(corpus.parts_of_speech)
    for part, template in ((NOUN, prompts.NEGLABEL_NOUN_TEMPLATE), (ADJECTIVE, prompts.NEGLABEL_ADJ_TEMPLATE)):
        missing = np.flatnonzero(~reused & (pos == part))
        if missing.size:
            words = [corpus.words[i] for i in missing]
            features[missing] = cached_text_features(setup.encoder, words, template, corpus.fingerprint, store=store,
                                                     progress=progress).numpy()
    return features


def corpus_setup(setup: Any, corpus: Any, *, references: Sequence[Any] = (), store: Any = None,
                 progress: bool | None = False) -> Any:
    """``setup`` with another label corpus: its features (:func:`corpus_features`) and NegLabel's selection."""
    features = corpus_features(setup, corpus, references=references, store=store, progress=progress)
    chosen = neglabel_mining(features, setup.text["id_neglabel"], list(corpus.words), list(corpus.parts_of_speech))
    text = {**setup.text, "corpus_features": features, "negatives": features[np.asarray(chosen.indices)]}
    text = {key: value for key, value in text.items() if not key.startswith("csp")}
    return dataclasses.replace(setup, corpus=corpus, text=text, csp_pool=None)


def corpus_rows(bench: AblationBench, corpora: Mapping[str, Any], *, knobs: Knobs | None = None,
                store: Any = None) -> list[dict[str, Any]]:
    """NegLabel (its mining and score) and DNM (density negatives, DNM score) on each corpus, same images.

    The corpora are embedded largest first, each reusing the rows of those before it, so nested presets
    (``dnm`` in ``neglabel`` in ``full``) encode only the largest one's extra words.
    """
    setups = {}
    for name in sorted(corpora, key=lambda n: -len(corpora[n])):
        if corpora[name].fingerprint != bench.setup.corpus.fingerprint:
            setups[name] = corpus_setup(bench.setup, corpora[name], references=list(setups.values()), store=store)
    rows = []
    for name, corpus in corpora.items():
        other = bench.with_setup(setups[name]) if name in setups else bench
        counts = corpus.counts()
        for method, negatives, score in (("NegLabel", "neglabel", "neglabel"), ("DNM", "density", "dnm")):
            rows.append({"world": "simulated", "corpus": name, "words": len(corpus), "nouns": counts[NOUN],
                         "adjectives": counts[ADJECTIVE], "method": method,
                         **other.evaluate(knobs, negatives=negatives, score=score)})
    return rows


# ---------------------------------------------------------------- tables and figures

def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, digits: int = 2,
                   exact: Sequence[str] = ("value", "best_value")) -> Any:
    """The ``columns`` of ``rows`` as a Markdown table for a notebook: floats rounded to ``digits``, except
    the ``exact`` columns (knob values such as T = 0.003 must not round to 0)."""
    from IPython.display import Markdown

    from debiasood.book.tables import render

    missing = sorted({c for c in columns for row in rows if c not in row})
    if missing:
        raise ValueError(f"columns {missing} are missing from some rows")
    return Markdown(render([{c: f"{row[c]:g}" if c in exact and isinstance(row[c], float) else row[c]
                             for c in columns} for row in rows], "markdown", digits=digits))


_SCORE_STYLE = {"neglabel": ("tab:blue", "o", "NegLabel score"), "dnm": ("tab:red", "s", "DNM score")}
_METRICS = (("fpr95", "average FPR95 (%)"), ("auroc", "average AUROC (%)"))


def plot_factorial(table: Sequence[Mapping[str, Any]]) -> Figure:
    """Interaction plot of :func:`factorial_table`: metric against the negatives, one line per score."""
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    x = np.arange(len(NEGATIVES))
    for axis, (metric, label) in zip(axes, _METRICS, strict=True):
        for score in SCORES:
            color, marker, name = _SCORE_STYLE[score]
            cells = {row["negatives"]: row for row in table if row["score"] == score}
            axis.errorbar(x, [cells[n][metric] for n in NEGATIVES], yerr=[cells[n][f"{metric}_sd"] for n in NEGATIVES],
                          color=color, marker=marker, capsize=3, label=name)
        axis.set_xticks(x, ["NegLabel's mining", "density selection"])
        axis.set_xlim(-0.4, 1.4)
        axis.set_ylabel(label)
        axis.set_xlabel("negatives")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"Negatives x score, simulated world (mean ± sd over {table[0]['seeds']} draws)", fontsize=10)
    return fig


def plot_sweep(rows: Sequence[Mapping[str, Any]], *, reference: Any = None, x: str = "value") -> Figure:
    """Average FPR95 and AUROC of DNM against one knob; the default is marked.

    ``reference`` is NegLabel (its mining and score) on the same images: a mapping of metrics draws a dotted
    line, a list of sweep rows over the same knob a dotted curve. ``x`` picks the row field on the x axis.
    """
    if not rows:
        raise ValueError("rows is empty: pass sweep()'s rows")
    knob = rows[0]["knob"]
    fig = Figure(figsize=(8, 2.6), layout="constrained")
    axes = fig.subplots(1, 2)
    xs = np.array([row[x] for row in rows], dtype=float)
    for axis, (metric, label) in zip(axes, _METRICS, strict=True):
        axis.plot(xs, [row[metric] for row in rows], marker="o", ms=4, color="tab:red", label="DNM")
        if isinstance(reference, Mapping):
            axis.axhline(reference[metric], color="tab:blue", ls=":", lw=1.2, label="NegLabel")
        elif reference is not None:
            axis.plot([row[x] for row in reference], [row[metric] for row in reference], marker="o", ms=3,
                      color="tab:blue", ls=":", label="NegLabel")
        for row in rows:
            if row["default"]:
                axis.axvline(row[x], color="grey", ls="--", lw=1, label="official default")
        if knob in _LOG_KNOBS and np.all(xs > 0):
            axis.set_xscale("log")
            axis.xaxis.set_minor_formatter(NullFormatter())  # minor labels (3x10^3, 4x10^3) would overlap
        elif knob == "sigma":
            axis.set_xscale("symlog", linthresh=min(xs[xs > 0], default=1.0))
        axis.set_xlabel("number of mined labels M" if x == "num_negatives" else KNOB_LABELS[knob])
        axis.set_ylabel(label)
    axes[0].legend(fontsize=7)
    fig.suptitle(f"One-at-a-time sweep of {knob}, simulated world", fontsize=10)
    return fig


def plot_corpora(rows: Sequence[Mapping[str, Any]]) -> Figure:
    """Grouped bars of :func:`corpus_rows`: NegLabel and DNM on each corpus."""
    fig = Figure(figsize=(8, 3), layout="constrained")
    axes = fig.subplots(1, 2)
    names = list(dict.fromkeys(row["corpus"] for row in rows))
    x = np.arange(len(names))
    for axis, (metric, label) in zip(axes, _METRICS, strict=True):
        for offset, (method, score) in zip((-0.2, 0.2), (("NegLabel", "neglabel"), ("DNM", "dnm")), strict=True):
            values = [next(r[metric] for r in rows if r["corpus"] == n and r["method"] == method) for n in names]
            axis.bar(x + offset, values, width=0.4, color=_SCORE_STYLE[score][0], label=method)
        axis.set_xticks(x, [n.replace(" (", "\n(").replace("WordNet ", "WordNet\n") for n in names], fontsize=8)
        axis.set_ylabel(label)
        low = min(r[metric] for r in rows)
        axis.set_ylim(0 if metric == "fpr95" else max(0, low - 5), None)
    axes[0].legend(fontsize=8)
    fig.suptitle("Label corpus, simulated world", fontsize=10)
    return fig


def plot_sensitivity(table: Sequence[Mapping[str, Any]], *, noise: Mapping[str, float] | None = None) -> Figure:
    """Horizontal bars: how far each knob's sweep moves the average FPR95 and AUROC.

    ``noise`` ({"fpr95": sd, "auroc": sd}, e.g. the draw-to-draw sd of the default) draws a dashed line at
    that size on each panel, to tell effects from noise.
    """
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    knobs = [row["knob"] for row in table][::-1]
    y = np.arange(len(knobs))
    for axis, (metric, label) in zip(axes, (("fpr95", "FPR95 range (points)"), ("auroc", "AUROC range (points)")),
                                     strict=True):
        values = {row["knob"]: row[f"{metric}_range"] for row in table}
        axis.barh(y, [values[k] for k in knobs], color="tab:gray")
        if noise is not None:
            axis.axvline(noise[metric], color="black", ls="--", lw=1, label="draw-to-draw sd")
            axis.legend(fontsize=7)
        if metric == "fpr95":
            axis.set_xscale("symlog", linthresh=1.0)  # the temperature's range dwarfs the others
        axis.set_xlabel(label)
    axes[0].set_yticks(y, knobs, fontsize=8)
    fig.suptitle("Sensitivity over each sweep's grid, simulated world", fontsize=10)
    return fig
