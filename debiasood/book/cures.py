"""Three cures for false negatives side by side (chapter 08), on any feature bundle.

A false negative is a mined "negative" label that names, or is a kind of, an ID class: images of that class then
score as OOD. Three cures, each judged here on the same images:

1. **DNM's correction** (Peng et al., KDD 2026): keep the false negatives and correct the score for them with
   the assumed share τ of true negatives (the clamped form, :func:`debiasood.core.scores.dnm_score`, and the
   official arithmetic).
2. **NegRefine** (Ansari et al., ICCV 2025): drop the subcategories of ID classes and proper nouns from CSP's
   negatives with an LLM (its published per-pair verdicts, :func:`debiasood.data.filters.verdicts_filter`), and
   score with NegLabel's score plus its multi-matching score (:func:`debiasood.core.scores.negrefine_score`).
3. **A WordNet filter** (this project): drop the corpus words WordNet relates to an ID class before mining
   (:func:`debiasood.data.filters.wordnet_filter`).

:func:`cure_study` scores every combination of {NegLabel's, CSP's, DNM's density} negatives x {no filter, the
WordNet filter, NegRefine's verdicts} x {NegLabel's score, DNM's clamped score, DNM's official arithmetic} on all
images, and NegRefine's score on a stated subset (its multi-matching part embeds "{ID label} and {negative}"
texts at test time: the slow part on a CPU). Every claim has its control and a paired interval
(:class:`debiasood.book.verdicts.PairedContrasts`):

- a filter against a **random drop** of as many words of each part of speech (does it matter WHICH words go?);
- each rule's negatives against **random negatives** of the same size and part-of-speech split;
- DNM's correction against NegLabel's score (τ = 1) on the same negatives, filtered or not.

:func:`tau_study` puts DNM's τ from data beside the official setting: the WordNet audit's estimate (an upper
bound) and a positive-unlabelled one (:mod:`debiasood.core.tau`), each with the score it gives.

Formulas: the book's method reference (``method-negrefine``, ``method-dnm-score``, ``method-false-negatives``).
Every row carries the bundle's provenance label.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from debiasood.book import verdicts
from debiasood.core.checks import check_int
from debiasood.core.controls import counts_by_part, random_negatives
from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.mining import ADJECTIVE, NOUN
from debiasood.core.scores import NEGREFINE_TOP_K
from debiasood.data import reported
from debiasood.data.bundle import FeatureBundle
from debiasood.data.filters import CorpusFilter, FilterResult, no_filter, wordnet_filter

RULES = ("neglabel", "csp", "density")
RULE_LABELS = {"neglabel": "NegLabel's", "csp": "CSP's", "density": "DNM's density"}
FILTERS = ("none", "wordnet", "verdicts")
FILTER_LABELS = {"none": "no filter", "wordnet": "WordNet filter", "verdicts": "NegRefine's verdicts"}
FILTER_PHRASES = {"wordnet": "the WordNet filter", "verdicts": "NegRefine's verdict filter"}
SCORES = ("neglabel", "dnm", "dnm-official")
"""Scores run on every image; NegRefine's runs on the subset (:data:`NEGREFINE_CELLS`)."""
SCORE_LABELS = {"neglabel": "NegLabel's score", "dnm": "DNM (clamped)", "dnm-official": "DNM (official arithmetic)",
                "negrefine": "NegRefine's score"}
NEGREFINE_CELLS = (("csp", "none"), ("csp", "verdicts"), ("density", "none"))
"""(rule, filter) cells NegRefine's score runs on: CSP's negatives (NegRefine's own) unfiltered and under its own
filter, and DNM's density negatives. Each cell embeds its own pair texts at test time (the slow part on a CPU),
so the list is kept short."""
RECIPES = {
    "NegLabel": ("neglabel", "none", "neglabel"),
    "DNM (official arithmetic)": ("density", "none", "dnm-official"),
    "DNM (clamped)": ("density", "none", "dnm"),
    "NegRefine (filter + score)": ("csp", "verdicts", "negrefine"),
    "CSP + WordNet filter": ("csp", "wordnet", "neglabel"),
}
"""The full recipes compared on the subset: (rule, filter, score)."""
METRICS = verdicts.METRICS


def method_name(rule: str, corpus_filter: str, score: str) -> str:
    # " / " between the parts: a "|" would split a Markdown table cell.
    return f"{RULE_LABELS[rule]} / {FILTER_LABELS[corpus_filter]} / {SCORE_LABELS[score]}"


def random_drop_name(rule: str, corpus_filter: str) -> str:
    return (f"{RULE_LABELS[rule]} / random drop, as many words as {FILTER_PHRASES[corpus_filter]} / "
            f"{SCORE_LABELS['neglabel']}")


def random_negatives_name(rule: str, seed: int) -> str:
    return f"random negatives, {RULE_LABELS[rule]} size (seed {seed})"


def random_mean_name(rule: str) -> str:
    return f"random negatives, {RULE_LABELS[rule]} size (mean over seeds)"


# ---------------------------------------------------------------- filters and their controls

def available_filters(bundle: FeatureBundle) -> tuple[dict[str, CorpusFilter], dict[str, str]]:
    """The filters that apply to ``bundle`` (name -> filter) and, for the others, why not (name -> reason).

    The WordNet filter needs ID classes that are WordNet synsets and corpus words with synsets; NegRefine's
    verdicts were written against ImageNet-1K's classes, so they apply when the ID classes are ImageNet-1K
    classes (matched by wnid).
    """
    from debiasood.data.label_sets import get_label_set
    from debiasood.data.real_negatives import negrefine_filter

    filters: dict[str, CorpusFilter] = {"none": no_filter}
    missing: dict[str, str] = {}
    text = bundle.text
    if text.has_wordnet:
        filters["wordnet"] = wordnet_filter()
    else:
        missing["wordnet"] = ("it needs ID classes that are WordNet synsets (wnids) and corpus words with synsets, "
                              f"which these features ({bundle.label}) do not carry")
    imagenet = set(get_label_set("imagenet1k").wnids or ())
    if text.id_wnids is not None and set(text.id_wnids) <= imagenet:
        filters["verdicts"] = negrefine_filter()
    else:
        missing["verdicts"] = ("NegRefine's published verdicts judge words against ImageNet-1K's classes, and these "
                               f"features' ID classes ({bundle.id_set}) are not ImageNet-1K classes")
    return filters, missing


def random_drop(result: FilterResult, parts_of_speech: Sequence[str], seed: int) -> FilterResult:
    """The control of a filter: drop as many words of each part of speech as ``result`` dropped, at random
    (seeded). A filter that beats its random drop helps because of WHICH words it removes."""
    parts = np.asarray(parts_of_speech)
    if parts.shape != result.keep.shape:
        raise ValueError(f"parts_of_speech has {parts.size} entries for a filter result over {result.keep.size} words")
    rng = np.random.default_rng([int(seed), 8])
    keep = np.ones(parts.size, dtype=bool)
    for part in np.unique(parts):
        rows = np.flatnonzero(parts == part)
        dropped = int((~result.keep[rows]).sum())
        keep[rng.choice(rows, dropped, replace=False)] = False
    removed = tuple(str(i) for i in np.flatnonzero(~keep))  # rows, not words: a control has no reasons
    return FilterResult(f"random-drop({result.name})", keep, {"random": removed})


# ---------------------------------------------------------------- the study

@dataclass
class Selection:
    """What one (rule, filter) cell mined: its features, words, counts and WordNet false-negative share."""

    rule: str
    corpus_filter: str
    rows: np.ndarray
    features: np.ndarray
    words: tuple[str, ...]
    counts: dict[str, int]
    false_negatives: int | None = None  # WordNet-related to an ID class (None: no WordNet)

    @property
    def false_negative_share(self) -> float | None:
        return None if self.false_negatives is None else 100 * self.false_negatives / len(self.rows)


@dataclass
class CureStudy:
    """Every cell of the comparison and its controls, scored on one bundle's images, with paired intervals.

    ``result`` holds every method on all images; ``subset`` (None when NegRefine's score could not run) the
    NegRefine cells and the same cells under the other scores, on ``subset_sizes`` images per set.
    """

    label: str
    settings: Settings
    result: Evaluation
    contrasts: verdicts.PairedContrasts
    filters: dict[str, FilterResult]
    random_filters: dict[str, FilterResult]
    selections: dict[tuple[str, str], Selection]
    rules: tuple[str, ...]
    random_seeds: tuple[int, ...]
    skipped: dict[str, str] = field(default_factory=dict)
    subset: Evaluation | None = None
    subset_contrasts: verdicts.PairedContrasts | None = None
    subset_sizes: dict[str, int] = field(default_factory=dict)
    negrefine_cost: dict[str, Any] = field(default_factory=dict)

    @property
    def filter_names(self) -> tuple[str, ...]:
        return tuple(f for f in FILTERS if f in self.filters)

    # -- tables

    def filter_rows(self) -> list[dict[str, Any]]:
        """What each filter removed from the corpus, by reason."""
        rows = []
        for name, result in self.filters.items():
            counts = result.counts()
            reasons = ", ".join(f"{k.split(': ', 1)[1]} {v:,}"
                                for k, v in counts.items() if k.startswith("removed: ") and v)
            rows.append({"world": self.label, "filter": FILTER_LABELS[name], "kept": counts["kept"],
                         "removed": counts["removed"], "by reason": reasons or "-",
                         "without a verdict": counts["no_verdict"] if name == "verdicts" else "-"})
        return rows

    def selection_rows(self) -> list[dict[str, Any]]:
        """Each (rule, filter) cell's mined negatives: size, nouns / adjectives, WordNet false-negative share."""
        rows = []
        for (rule, name), selection in self.selections.items():
            share = selection.false_negative_share
            rows.append({"world": self.label, "negatives": RULE_LABELS[rule], "filter": FILTER_LABELS[name],
                         "mined": len(selection.rows), "nouns": selection.counts.get(NOUN, 0),
                         "adjectives": selection.counts.get(ADJECTIVE, 0),
                         "WordNet false negatives (%)": "-" if share is None else share})
        return rows

    def cell_rows(self) -> list[dict[str, Any]]:
        """Every (rule, filter, score) cell on all images, with percentile intervals of its average."""
        rows = []
        for (rule, name) in self.selections:
            for score in SCORES:
                method = method_name(rule, name, score)
                row = {"world": self.label, "negatives": RULE_LABELS[rule], "filter": FILTER_LABELS[name],
                       "score": SCORE_LABELS[score]}
                for metric in METRICS:
                    row[metric] = self.contrasts.value(method, metric)
                    row[f"{metric}_low"], row[f"{metric}_high"] = self.contrasts.interval(method, metric)
                rows.append(row)
        return rows

    def _compact(self, contrasts: verdicts.PairedContrasts, question: str, a: str, b: str) -> dict[str, Any]:
        claim = {row["metric"]: row for row in contrasts.claim(a, b)}
        row = {"world": self.label, "question": question, "A": a, "B": b}
        for metric in METRICS:
            c = claim[metric]
            row.update({f"{metric} A - B": c["A - B"], f"{metric} low": c["low"], f"{metric} high": c["high"],
                        f"{metric} verdict": c["verdict"]})
        return row

    def filter_claims(self) -> list[dict[str, Any]]:
        """Does a filter help, and because of which words? Per rule and filter: filtered vs unfiltered, and
        filtered vs a random drop of the same size (both under NegLabel's score)."""
        rows = []
        for rule in self.rules:
            for name in self.filter_names:
                if name == "none":
                    continue
                filtered = method_name(rule, name, "neglabel")
                rows.append(self._compact(self.contrasts, "filter vs none", filtered,
                                          method_name(rule, "none", "neglabel")))
                rows.append(self._compact(self.contrasts, "filter vs random drop", filtered,
                                          random_drop_name(rule, name)))
        return rows

    def negatives_claims(self) -> list[dict[str, Any]]:
        """Each rule's (unfiltered) negatives against random negatives of its size and part-of-speech split."""
        return [self._compact(self.contrasts, "negatives vs random", method_name(rule, "none", "neglabel"),
                              random_mean_name(rule)) for rule in self.rules]

    def correction_claims(self) -> list[dict[str, Any]]:
        """Does DNM's correction add anything, before and after filtering? DNM's score (clamped, official) against
        NegLabel's score (τ = 1) on the same negatives, per rule and filter."""
        rows = []
        for rule in self.rules:
            for name in self.filter_names:
                for score in ("dnm", "dnm-official"):
                    rows.append(self._compact(self.contrasts, f"{SCORE_LABELS[score]} vs NegLabel's score",
                                              method_name(rule, name, score), method_name(rule, name, "neglabel")))
        return rows

    def negrefine_claims(self) -> list[dict[str, Any]]:
        """On the subset: NegRefine's score against NegLabel's on the same negatives, and the full recipes
        against NegLabel and DNM as published."""
        if self.subset_contrasts is None:
            return []
        rows = []
        for rule, name in NEGREFINE_CELLS:
            if (rule, name) in self.selections:
                rows.append(self._compact(self.subset_contrasts, "NegRefine's score vs NegLabel's",
                                          method_name(rule, name, "negrefine"), method_name(rule, name, "neglabel")))
        recipes = self.recipes()
        negrefine = "NegRefine (filter + score)"
        for a, b in ((negrefine, "NegLabel"), (negrefine, "DNM (official arithmetic)"),
                     ("CSP + WordNet filter", "NegLabel"), ("DNM (clamped)", "NegLabel")):
            if a in recipes and b in recipes:
                rows.append(self._compact(self.subset_contrasts, "recipe vs recipe", recipes[a], recipes[b]))
        return rows

    def recipes(self) -> dict[str, str]:
        """The full recipes this study could score on the subset: name -> method name."""
        if self.subset is None:
            return {}
        return {name: method_name(*cell) for name, cell in RECIPES.items()
                if method_name(*cell) in self.subset.scores}

    def recipe_rows(self) -> list[dict[str, Any]]:
        """The full recipes on the subset: per-set FPR95 / AUROC and the average, with intervals."""
        rows = []
        for name, method in self.recipes().items():
            metrics = self.subset.metrics(method)
            row: dict[str, Any] = {"world": self.label, "recipe": name}
            for ood in self.subset.ood_sets:
                row[f"{ood} fpr95"] = metrics[ood]["fpr95"]
            for metric in METRICS:
                row[metric] = self.subset_contrasts.value(method, metric)
                row[f"{metric}_low"], row[f"{metric}_high"] = self.subset_contrasts.interval(method, metric)
            rows.append(row)
        return rows

    # -- recorded values

    def claim_value(self, rows: Sequence[Mapping[str, Any]], a: str, b: str, metric: str) -> dict[str, Any]:
        for row in rows:
            if row["A"] == a and row["B"] == b:
                return {"value": row[f"{metric} A - B"], "low": row[f"{metric} low"], "high": row[f"{metric} high"],
                        "verdict": row[f"{metric} verdict"]}
        raise KeyError(f"no claim {a!r} vs {b!r}")


def _density_rows(variant: FeatureBundle, settings: Settings, setup: Any) -> np.ndarray:
    """DNM's density selection of a (filtered) bundle: from the feature store when the offline world is behind
    it (one kNN search per corpus, ever), else computed (and memoised by the bundle)."""
    if setup is None:
        return variant.negatives("density", settings)
    from debiasood.world.offline import density_negatives

    # The filtered corpus has its own fingerprint, so its ranking is stored apart from the full corpus'.
    filtered = replace(setup, corpus=variant.text.corpus,
                       text=dict(setup.text, corpus_features=variant.text.corpus_features))
    return np.asarray(density_negatives(filtered, k=settings.k, form=settings.density_form,
                                        quotas=settings.density_quotas()), dtype=np.int64)


def _filtered_density(bundle: FeatureBundle, settings: Settings, setup: Any,
                      variants: Mapping[str, tuple[FeatureBundle, np.ndarray]]) -> dict[str, np.ndarray]:
    """DNM's density selection on every filtered variant (name -> (filtered bundle, keep-mask over the bundle's
    corpus)), from ONE kNN search over the whole corpus (:func:`debiasood.core.mining.subset_density_statistics`)
    instead of one per variant; with the offline world the rankings are stored, so a rerun searches nothing."""
    from debiasood.core.mining import select_densest, subset_density_statistics

    if not variants:
        return {}
    if settings.density_form != "paper":  # the exact subset search is written for the paper form
        return {name: _density_rows(variant, settings, setup) for name, (variant, _) in variants.items()}
    if setup is not None:
        from debiasood.world.offline import store_subset_rankings

        store_subset_rankings(setup, {name: (variant.text.corpus, keep) for name, (variant, keep) in variants.items()},
                              settings.k)
        return {name: _density_rows(variant, settings, setup) for name, (variant, _) in variants.items()}
    statistics = subset_density_statistics(bundle.text.corpus_features, [keep for _, keep in variants.values()],
                                           settings.k)
    return {name: np.asarray(select_densest(statistic, variant.text.corpus.parts_of_speech,
                                            quotas=settings.density_quotas(), form="paper").indices, dtype=np.int64)
            for (name, (variant, _)), statistic in zip(variants.items(), statistics, strict=True)}


def _select(variant: FeatureBundle, rule: str, settings: Settings, setup: Any,
            density: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, Any]:
    """Rows, features and the word list (corpus or CSP pool) of ``rule``'s negatives on ``variant`` (``density``:
    the density selection when it was computed beforehand)."""
    text = variant.text
    if rule == "density":
        rows = _density_rows(variant, settings, setup) if density is None else density
    else:
        rows = np.asarray(variant.negatives(rule, settings), dtype=np.int64)
    words = text.csp_pool if rule == "csp" else text.corpus
    features = np.asarray(text.csp_features if rule == "csp" else text.corpus_features)[rows]
    return rows, features, words


def _false_negative_mask(words: Any, label_set: Any) -> np.ndarray:
    from debiasood.data.audit import audit_false_negatives

    audit = audit_false_negatives(words, label_set)
    return audit.mask("lemma") | audit.mask("hyponym") | audit.mask("hypernym")


def cure_study(
    bundle: FeatureBundle,
    settings: Settings | None = None,
    *,
    setup: Any = None,
    random_seeds: Sequence[int] = (0, 1, 2),
    num_resamples: int = 1000,
    seed: int = 0,
    pair_encoder: Callable[[list[str]], Any] | None = None,
    negrefine_images: int = 200,
    progress: Callable[[str], None] | None = None,
) -> CureStudy:
    """Score every (rule, filter, score) cell and its controls on ``bundle``'s images (see the module doc).

    ``setup`` is the offline world behind a simulated bundle (density rankings then come from the feature
    store). ``pair_encoder`` embeds NegRefine's pair texts (:func:`pair_encoder`); None skips NegRefine's score.
    ``negrefine_images`` caps the images per set NegRefine's cells are scored on (drawn with ``seed``).
    """
    settings = Settings() if settings is None else settings
    seeds = tuple(int(s) for s in random_seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"random_seeds must be distinct and at least one, got {list(random_seeds)}")
    check_int("num_resamples", num_resamples, minimum=2)
    check_int("negrefine_images", negrefine_images)
    say = progress or (lambda message: None)
    filters, skipped = available_filters(bundle)
    rules = tuple(r for r in RULES if r != "csp" or bundle.text.csp_pool is not None)
    if "csp" not in rules:
        skipped["csp"] = f"these features ({bundle.label}) carry no CSP pool (text.csp_pool)"
    label_set = bundle.id_label_set()
    corpus = bundle.text.corpus
    results = {name: f(corpus, label_set) for name, f in filters.items()}
    drops = {name: random_drop(result, corpus.parts_of_speech, seed) for name, result in results.items()
             if name != "none"}
    variants = {name: bundle if name == "none" else bundle.filtered(result.keep, name=result.name)
                for name, result in results.items()}
    drop_variants = {name: bundle.filtered(result.keep, name=result.name) for name, result in drops.items()}
    density = _filtered_density(bundle, settings, setup, {
        **{("filter", n): (v, results[n].keep) for n, v in variants.items() if n != "none"},
        **{("drop", n): (v, drops[n].keep) for n, v in drop_variants.items()}}) if "density" in rules else {}

    audit_masks: dict[tuple[str, str], np.ndarray] = {}
    if bundle.text.has_wordnet:
        say("auditing the corpus with WordNet")
        for name, variant in variants.items():
            audit_masks[(name, "corpus")] = _false_negative_mask(variant.text.corpus, label_set)
            if variant.text.csp_pool is not None:
                audit_masks[(name, "pool")] = _false_negative_mask(variant.text.csp_pool, label_set)

    inputs: dict[str, MethodInput] = {}
    selections: dict[tuple[str, str], Selection] = {}
    id_text = bundle.text.id_neglabel
    for name, variant in variants.items():
        for rule in rules:
            say(f"mining: {RULE_LABELS[rule]} negatives, {FILTER_LABELS[name]}")
            rows, features, words = _select(variant, rule, settings, setup, density.get(("filter", name)))
            mask = audit_masks.get((name, "pool" if rule == "csp" else "corpus"))
            selections[(rule, name)] = Selection(
                rule, name, rows, features, tuple(words.words[i] for i in rows),
                counts_by_part(words.parts_of_speech, rows),
                None if mask is None else int(mask[rows].sum()))
            for score in SCORES:
                inputs[method_name(rule, name, score)] = MethodInput(score, id_text, features)
    for name, variant in drop_variants.items():
        for rule in rules:
            say(f"mining: {RULE_LABELS[rule]} negatives, random drop of as many words as {FILTER_PHRASES[name]}")
            inputs[random_drop_name(rule, name)] = MethodInput(
                "neglabel", id_text, _select(variant, rule, settings, setup, density.get(("drop", name)))[1])
    for rule in rules:
        selection = selections[(rule, "none")]
        words = bundle.text.csp_pool if rule == "csp" else corpus
        source = np.asarray(bundle.text.csp_features if rule == "csp" else bundle.text.corpus_features)
        for s in seeds:
            rows = random_negatives(words.parts_of_speech, selection.counts, s)
            inputs[random_negatives_name(rule, s)] = MethodInput("neglabel", id_text, source[rows])

    say(f"scoring {len(inputs)} methods on every image")
    images = {name: bundle.images[name].features for name in (bundle.id_set, *bundle.ood_sets)}
    result = evaluate(images, bundle.id_set, inputs, settings=settings, label=bundle.label)
    means = {random_mean_name(rule): [random_negatives_name(rule, s) for s in seeds] for rule in rules}
    contrasts = verdicts.PairedContrasts(result, means, num_resamples=num_resamples, seed=seed)
    study = CureStudy(bundle.label, settings, result, contrasts, results, drops, selections, rules, seeds,
                      skipped)
    if pair_encoder is None:
        study.skipped["negrefine"] = "no text encoder for NegRefine's pair texts"
        return study
    _negrefine_subset(study, bundle, images, pair_encoder, negrefine_images, seed, num_resamples, say)
    return study


def _negrefine_subset(study: CureStudy, bundle: FeatureBundle, images: Mapping[str, np.ndarray], pair_encoder: Any,
                      max_images: int, seed: int, num_resamples: int, say: Callable[[str], None]) -> None:
    from debiasood.world.offline import image_subset

    picks = image_subset({name: len(x) for name, x in images.items()}, max_images, seed)
    subset_images = {name: np.asarray(x)[picks[name]] for name, x in images.items()}
    study.subset_sizes = {name: len(x) for name, x in subset_images.items()}
    inputs: dict[str, MethodInput] = {}
    id_text = bundle.text.id_neglabel
    cells = [cell for cell in NEGREFINE_CELLS if cell in study.selections]
    for rule, name in cells:
        selection = study.selections[(rule, name)]
        if len(selection.rows) < NEGREFINE_TOP_K:
            study.skipped[f"negrefine {rule}/{name}"] = (f"{len(selection.rows)} negatives, fewer than NegRefine's "
                                                         f"top {NEGREFINE_TOP_K}")
            continue
        context = {"id_labels": list(bundle.text.id_names), "neg_labels": list(selection.words),
                   "encode_pair_texts": pair_encoder}
        inputs[method_name(rule, name, "negrefine")] = MethodInput("negrefine", id_text, selection.features, context)
        for score in SCORES:
            inputs[method_name(rule, name, score)] = MethodInput(score, id_text, selection.features)
    for cell in RECIPES.values():
        method = method_name(*cell)
        if method not in inputs and cell[:2] in study.selections and cell[2] != "negrefine":
            inputs[method] = MethodInput(cell[2], id_text, study.selections[cell[:2]].features)
    say(f"NegRefine's score on {sum(study.subset_sizes.values()):,} images ({len(cells)} cells)")
    # The cache may be shared with earlier runs: count the texts THIS study added, whatever kind of cache it is.
    before = len(pair_encoder) if hasattr(pair_encoder, "__len__") else None
    subset = evaluate(subset_images, bundle.id_set, inputs, settings=study.settings, label=bundle.label)
    study.subset = subset
    study.subset_contrasts = verdicts.PairedContrasts(subset, num_resamples=num_resamples, seed=seed)
    cost = getattr(pair_encoder, "cost", None)
    study.negrefine_cost = dict(cost()) if callable(cost) else {}
    if before is not None:
        study.negrefine_cost["pair_texts"] = len(pair_encoder) - before


# ---------------------------------------------------------------- tables

PIVOT_COLUMNS = tuple(f"{SCORE_LABELS[score]} {metric}" for metric in METRICS for score in SCORES)
"""Columns of :func:`cell_pivot` after (negatives, filter): each score's average FPR95, then each one's AUROC."""

CLAIM_COLUMNS = ("question", "A", "B", "FPR95 A - B (95% interval)", "FPR95", "AUROC A - B (95% interval)", "AUROC")
"""Columns of :func:`claim_table`."""


def cell_pivot(study: CureStudy) -> list[dict[str, Any]]:
    """One row per (rule, filter) with every score's average FPR95 and AUROC side by side."""
    rows = []
    for rule, name in study.selections:
        row: dict[str, Any] = {"world": study.label, "negatives": RULE_LABELS[rule], "filter": FILTER_LABELS[name]}
        for metric in METRICS:
            for score in SCORES:
                row[f"{SCORE_LABELS[score]} {metric}"] = study.contrasts.value(method_name(rule, name, score), metric)
        rows.append(row)
    return rows


def claim_table(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Claim rows (:meth:`CureStudy.filter_claims` and the like) in a compact, readable form: each difference
    with its interval in one cell, and the verdict in words (A better, B better, no difference)."""
    out = []
    for row in rows:
        item = {"world": row["world"], "question": row["question"], "A": row["A"], "B": row["B"]}
        for metric, title in (("fpr95", "FPR95"), ("auroc", "AUROC")):
            item[f"{title} A - B (95% interval)"] = (f"{row[f'{metric} A - B']:+.2f} ({row[f'{metric} low']:+.2f} "
                                                     f"to {row[f'{metric} high']:+.2f})")
            item[title] = row[f"{metric} verdict"]
        out.append(item)
    return out


def tau_records(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """The τ comparison as recorded numbers: each estimate's τ, interval, the official setting it would choose,
    and the score's average FPR95 / AUROC at it (keys ``tau_<official|audit|pu>_*``)."""
    keys = {"official setting": "official", "WordNet audit (upper bound)": "audit",
            "positive-unlabelled (best bin estimation)": "pu"}
    out: dict[str, float] = {}
    for row in rows:
        key = keys.get(str(row["estimate"]))
        if key is None:
            raise ValueError(f"unknown tau estimate {row['estimate']!r}; known: {sorted(keys)}")
        for field_name in ("tau", "low", "high", "would_choose", "fpr95", "auroc", "fpr95 vs official"):
            out[f"tau_{key}_{field_name.replace(' ', '_')}"] = float(row[field_name])
    return out


# ---------------------------------------------------------------- the figure

_SHORT_RULES = {"neglabel": "NegLabel's", "csp": "CSP's", "density": "density"}


def claim_figure_rows(study: CureStudy) -> list[tuple[str, str, dict[str, dict[str, float]]]]:
    """The claims the figure draws, as (group, label, {metric: {value, low, high}}): each filter against no
    filter and against its random drop, and DNM's clamped correction against NegLabel's score, per rule."""
    rows = []
    filters, corrections = study.filter_claims(), study.correction_claims()
    for rule in study.rules:
        for name in study.filter_names:
            if name != "none":
                for question, b in (("vs no filter", method_name(rule, "none", "neglabel")),
                                    ("vs random drop", random_drop_name(rule, name))):
                    values = {m: study.claim_value(filters, method_name(rule, name, "neglabel"), b, m)
                              for m in METRICS}
                    rows.append(("filters", f"{_SHORT_RULES[rule]}: {FILTER_LABELS[name]} {question}", values))
        for name in study.filter_names:
            values = {m: study.claim_value(corrections, method_name(rule, name, "dnm"),
                                           method_name(rule, name, "neglabel"), m) for m in METRICS}
            rows.append(("correction", f"{_SHORT_RULES[rule]}, {FILTER_LABELS[name]}: DNM clamped vs tau = 1",
                         values))
    return rows


def plot_claims(study: CureStudy) -> Figure:
    """Every filter claim and every correction claim as a paired 95% interval on the difference A - B of the
    average FPR95 (left; below 0 = A better) and AUROC (right; above 0 = A better), titled with the features."""
    rows = claim_figure_rows(study)
    if not rows:
        raise ValueError("the study has no claims to draw")
    fig = Figure(figsize=(9, 0.28 * len(rows) + 1.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(rows))[::-1]
    colors = {"filters": "tab:blue", "correction": "tab:red"}
    for axis, (metric, title) in zip(axes, (("fpr95", "FPR95, A - B (lower: A better)"),
                                            ("auroc", "AUROC, A - B (higher: A better)")), strict=True):
        for yi, (group, _, values) in zip(y, rows, strict=True):
            c = values[metric]
            axis.errorbar([c["value"]], [yi], xerr=[[c["value"] - c["low"]], [c["high"] - c["value"]]], fmt="o",
                          ms=3.5, color=colors[group], capsize=2)
        axis.axvline(0, color="0.5", lw=0.8, ls="--")
        axis.set_xlabel(title, fontsize=9)
    axes[0].set_yticks(y, [label for _, label, _ in rows], fontsize=7.5)
    fig.suptitle(f"Filters (blue) and DNM's correction (red), paired 95% intervals: {study.label}", fontsize=9.5)
    return fig


# ---------------------------------------------------------------- the pair-text encoder

def pair_encoder(bundle: FeatureBundle, setup: Any = None, *, store: Any = None) -> tuple[Any, str]:
    """The encoder of NegRefine's "{p} and {n}" texts for ``bundle``, and a note on what it is.

    The offline world: its own text encoder through the feature store
    (:func:`debiasood.world.offline.negrefine_context`'s cache). A real bundle: the open_clip model its provenance
    names, rebuilt (seeded random weights for a test bundle, the local cache for a hub tag), with CSP's eight noun
    templates as NegRefine's code; returns (None, reason) when the weights cannot be loaded offline.
    """
    from debiasood.world.offline import StoredPairCache

    if setup is not None:
        from debiasood.core.prompts import NEGLABEL_ID_TEMPLATE

        cache = StoredPairCache(setup.encoder, NEGLABEL_ID_TEMPLATE, store=store if store is not None else setup.store,
                                pad=setup.world.text)
        return cache, "the offline world's text encoder, one prompt per pair text ('the nice {}')"
    provenance = bundle.provenance
    if provenance.world != "real":
        return None, (f"these features ({bundle.label}) were exported without their text encoder; run the chapter "
                      "with FEATURES='simulated' for the offline world's")
    from debiasood.core.prompts import CSP_NOUN_TEMPLATES
    from debiasood.data.encoders import CheckpointError, WeightsUnavailableError
    from debiasood.data.encoders.factory import RANDOM_WEIGHTS, make_encoder

    weights = RANDOM_WEIGHTS if provenance.pretrained == "random weights" else provenance.pretrained
    try:
        encoder = make_encoder(provenance.model, weights, progress=False)
    except (WeightsUnavailableError, CheckpointError, FileNotFoundError, ValueError) as error:
        return None, f"the text encoder of {bundle.label} could not be rebuilt offline ({error})"
    cache = StoredPairCache(encoder, CSP_NOUN_TEMPLATES, ensemble="raw_mean", store=store)
    return cache, f"{provenance.model} ({provenance.pretrained}), CSP's {len(CSP_NOUN_TEMPLATES)} noun templates"


# ---------------------------------------------------------------- tau from data

def tau_study(study: CureStudy, bundle: FeatureBundle, *, official: float, num_bootstrap: int = 1000,
              seed: int = 0) -> tuple[list[dict[str, Any]], Evaluation, verdicts.PairedContrasts]:
    """τ-hat for DNM's (unfiltered) density negatives beside the official τ, and DNM's clamped score at each.

    Returns the comparison rows (:func:`debiasood.core.tau.tau_comparison_rows`, plus each setting's average
    FPR95 / AUROC with its paired difference to the official τ) and the evaluation behind them.
    """
    from debiasood.core.tau import tau_comparison_rows, tau_from_false_negatives, tau_from_image_affinity

    selection = study.selections[("density", "none")]
    estimates = []
    if selection.false_negatives is not None:
        marks = np.zeros(len(selection.rows), dtype=bool)
        marks[: selection.false_negatives] = True  # only the count matters to the estimate
        estimates.append(replace(tau_from_false_negatives(marks, num_bootstrap=num_bootstrap, seed=seed),
                                 method="WordNet audit (upper bound)"))
    estimates.append(tau_from_image_affinity(bundle.text.id_neglabel, selection.features,
                                             bundle.images[bundle.id_set].features, num_bootstrap=num_bootstrap,
                                             seed=seed))
    rows = tau_comparison_rows(estimates, official)
    settings = study.settings
    images = {name: bundle.images[name].features for name in (bundle.id_set, *bundle.ood_sets)}
    result = Evaluation(bundle.id_set, bundle.ood_sets, label=bundle.label, convention=settings.convention)
    names = []
    for row in rows:
        tau = min(1.0, max(float(row["tau"]), 1e-6))
        name = f"DNM (clamped), tau = {tau:.3f} ({row['estimate']})"
        one = evaluate(images, bundle.id_set, {name: MethodInput("dnm", bundle.text.id_neglabel, selection.features)},
                       settings=replace(settings, tau_neg=tau), label=bundle.label)
        result.add(name, one.scores[name])
        names.append(name)
    contrasts = verdicts.PairedContrasts(result, num_resamples=max(2, num_bootstrap), seed=seed)
    for row, name in zip(rows, names, strict=True):
        row["world"] = bundle.label
        for metric in METRICS:
            row[metric] = contrasts.value(name, metric)
        if name != names[0]:
            claim = {c["metric"]: c for c in contrasts.claim(name, names[0])}
            row["fpr95 vs official"] = claim["fpr95"]["A - B"]
            row["fpr95 low"], row["fpr95 high"] = claim["fpr95"]["low"], claim["fpr95"]["high"]
        else:
            row["fpr95 vs official"] = row["fpr95 low"] = row["fpr95 high"] = 0.0
    return rows, result, contrasts


# ---------------------------------------------------------------- reported numbers beside ours

def reported_rows(study: CureStudy) -> list[dict[str, Any]]:
    """NegRefine's, NegLabel's and DNM's reported per-set numbers (CLIP ViT-B/16) beside this study's recipes on
    the subset, per OOD set that both have; reported rows are labelled reported."""
    rows = []
    for method, name in (("negrefine", "NegRefine"), ("neglabel", "NegLabel"), ("dnm", "DNM")):
        row: dict[str, Any] = {"world": reported.LABEL, "recipe": name}
        for ood in reported.OOD_SETS:
            value = reported.fpr95(method, ood)
            row[f"{ood} fpr95"] = "-" if value is None else value
        rows.append(row)
    for recipe in study.recipe_rows():
        row = {"world": recipe["world"], "recipe": recipe["recipe"]}
        for ood in reported.OOD_SETS:
            row[f"{ood} fpr95"] = recipe.get(f"{ood} fpr95", "-")
        rows.append(row)
    return rows


# ---------------------------------------------------------------- the answer, from the numbers

def _fmt(c: Mapping[str, Any]) -> str:
    return f"{c['value']:+.2f} ({c['low']:+.2f} to {c['high']:+.2f})"


def _rules_text(rules: Sequence[str]) -> str:
    names = [f"{RULE_LABELS[r]}" for r in rules]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{joined} negatives"


def _overall(fpr95: str, auroc: str) -> str:
    """One phrase for a change judged on both metrics, naming the metric ("A better": the change improves it)."""
    words = {"A better": "better", "B better": "worse", "no difference": "no difference"}
    if fpr95 == auroc:
        return "no measurable difference on either metric" if fpr95 == "no difference" else \
            f"{words[fpr95]} on both metrics"
    return f"{words[fpr95]} on FPR95, {words[auroc]} on AUROC"


def _rules_where(claims: Mapping[str, Mapping[str, Any]], verdict: str) -> list[str]:
    return [rule for rule, claim in claims.items() if claim["verdict"] == verdict]


def _clear(claims: Mapping[str, Mapping[str, Any]], metric: str) -> str:
    """Which rules a change clearly helps or hurts on ``metric``, in words."""
    better, worse = _rules_where(claims, "A better"), _rules_where(claims, "B better")
    parts = ([f"better for {_rules_text(better)}"] if better else []) + \
        ([f"worse for {_rules_text(worse)}"] if worse else [])
    return ", ".join(parts) if parts else f"no clear {metric} difference for any rule"


def _verdicts_of(rows: Sequence[Mapping[str, Any]], metric: str, question: str | None = None,
                 a_suffix: str | None = None) -> list[str]:
    return [row[f"{metric} verdict"] for row in rows if (question is None or row["question"] == question)
            and (a_suffix is None or row["A"].endswith(a_suffix))]


def _in_short(study: CureStudy) -> str:
    """The bottom line, from the verdict counts: does any filter lower FPR95, what does each cure cost, and does
    DNM's clamped correction lower FPR95 once a filter has removed the false negatives."""
    filters, corrections = study.filter_claims(), study.correction_claims()
    lowered = [FILTER_PHRASES[name] for name in study.filter_names if name != "none"
               and "A better" in _verdicts_of([r for r in filters if f" / {FILTER_LABELS[name]} / " in r["A"]],
                                              "fpr95", "filter vs none")]
    first = (f"{' and '.join(lowered)} lower FPR95 for at least one rule" if lowered else
             "no filter lowers FPR95 measurably for any rule")
    filtered = [r for r in corrections if r["A"].endswith(SCORE_LABELS["dnm"]) and " / no filter / " not in r["A"]]
    fpr, auroc = _verdicts_of(filtered, "fpr95"), _verdicts_of(filtered, "auroc")
    if "A better" in fpr:
        second = (f"DNM's clamped correction still lowers FPR95 in {fpr.count('A better')} of {len(fpr)} filtered "
                  "cells")
    else:
        second = f"DNM's clamped correction lowers FPR95 in none of the {len(fpr)} filtered cells"
    cost = (f" and costs AUROC in {auroc.count('B better')} of them" if "B better" in auroc else "")
    return (f"**In short**, on these features: {first}; once a filter has removed the false negatives, {second}"
            f"{cost}. The details, each with its paired interval:")


def answer(study: CureStudy, tau_rows: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The chapter's answer, every clause chosen by a recorded verdict and every number from the study: how many
    false negatives each rule mines, what each filter does (against no filter and against a random drop of as
    many words, on FPR95 and AUROC), whether the rules beat random negatives, whether DNM's correction adds
    anything before and after filtering, NegRefine's recipe on its subset, and which tau the data would choose
    (``tau_rows``: :func:`tau_study`'s rows)."""
    filters, corrections, negatives = study.filter_claims(), study.correction_claims(), study.negatives_claims()
    corpus_size = len(study.filters["none"].keep)
    sentences = [_in_short(study)]
    shares = {rule: study.selections[(rule, "none")].false_negative_share for rule in study.rules}
    if all(v is not None for v in shares.values()):
        sentences.append("**The damage.** WordNet marks " + ", ".join(
            f"{shares[r]:.2f}% of {RULE_LABELS[r]} negatives" for r in study.rules)
            + " as false negatives before any filter (the WordNet filter leaves none, by construction).")
    for name in study.filter_names:
        if name == "none":
            continue
        removed = study.filters[name].counts()["removed"]
        claims = {m: {r: study.claim_value(filters, method_name(r, name, "neglabel"),
                                            method_name(r, "none", "neglabel"), m) for r in study.rules}
                  for m in METRICS}
        drops = {m: {r: study.claim_value(filters, method_name(r, name, "neglabel"), random_drop_name(r, name), m)
                     for r in study.rules} for m in METRICS}
        values = [c["value"] for c in claims["fpr95"].values()]
        sentences.append(
            f"**{FILTER_PHRASES[name][0].upper()}{FILTER_PHRASES[name][1:]}** drops {removed:,} of {corpus_size:,} "
            f"corpus words ({100 * removed / corpus_size:.1f}%). Against no filter it moves the average FPR95 by "
            f"{min(values):+.2f} to {max(values):+.2f} points across the rules ({_clear(claims['fpr95'], 'FPR95')}; "
            f"AUROC: {_clear(claims['auroc'], 'AUROC')}); against a random drop of as many words, FPR95: "
            f"{_clear(drops['fpr95'], 'FPR95')}, AUROC: {_clear(drops['auroc'], 'AUROC')}.")
    rand = {m: {rule: study.claim_value(negatives, method_name(rule, "none", "neglabel"), random_mean_name(rule), m)
                for rule in study.rules} for m in METRICS}
    sentences.append("**The rules against random negatives** of their own size: FPR95 " + ", ".join(
        f"{RULE_LABELS[r]} {_fmt(rand['fpr95'][r])}" for r in study.rules)
        + f" ({_clear(rand['fpr95'], 'FPR95')}).")
    for score, title in (("dnm", "DNM's clamped correction"), ("dnm-official", "The official arithmetic")):
        per_filter = []
        for name in study.filter_names:
            c = {m: {r: study.claim_value(corrections, method_name(r, name, score), method_name(r, name, "neglabel"),
                                          m) for r in study.rules} for m in METRICS}
            fpr = [v["value"] for v in c["fpr95"].values()]
            auroc = [v["value"] for v in c["auroc"].values()]
            per_filter.append(f"{FILTER_LABELS[name]}: FPR95 {min(fpr):+.2f} to {max(fpr):+.2f} "
                              f"({_clear(c['fpr95'], 'FPR95')}), AUROC {min(auroc):+.2f} to {max(auroc):+.2f} "
                              f"({_clear(c['auroc'], 'AUROC')})")
        sentences.append(f"**{title}** against NegLabel's score on the same negatives, across the rules: "
                         + "; ".join(per_filter) + ".")
    recipes = study.recipes()
    if study.subset_contrasts is not None and "NegRefine (filter + score)" in recipes:
        rows = study.negrefine_claims()
        images = sum(study.subset_sizes.values())
        parts = []
        for other in ("NegLabel", "DNM (official arithmetic)"):
            if other in recipes:
                c = {m: study.claim_value(rows, recipes["NegRefine (filter + score)"], recipes[other], m)
                     for m in METRICS}
                parts.append(f"against {other} FPR95 {_fmt(c['fpr95'])}, AUROC {_fmt(c['auroc'])}: "
                             f"{_overall(c['fpr95']['verdict'], c['auroc']['verdict'])}")
        sentences.append(f"**NegRefine's recipe** (its verdicts and its score), on only {images:,} images, so with "
                         "wide intervals: " + "; ".join(parts) + f". Its score embedded "
                         f"{study.negrefine_cost.get('pair_texts', 0):,} pair texts at test time, a cost the other "
                         "cures do not have.")
    else:
        sentences.append(f"NegRefine's score was not run: {study.skipped.get('negrefine', 'see above')}.")
    if tau_rows:
        official = next(row for row in tau_rows if row["estimate"] == "official setting")
        estimates = [row for row in tau_rows if row is not official]
        sentences.append("**τ from data**: " + ", ".join(
            f"{row['estimate']} {row['tau']:.3f} (would choose {row['would_choose']:g})" for row in estimates)
            + f", against the official {official['tau']:g}; DNM's clamped score at each moves FPR95 by "
            + ", ".join(f"{row['fpr95 vs official']:+.2f}" for row in estimates) + " points against the official τ.")
    # The bottom line as a paragraph, the details as a list (one item per question).
    return sentences[0] + "\n\n" + "\n".join(f"- {sentence}" for sentence in sentences[1:])


def recorded_values(study: CureStudy) -> dict[str, float]:
    """The numbers the chapter's prose and tests read (glued): each claim's A - B and verdict code (+1 A better,
    0 no difference, -1 B better), the selections' sizes and WordNet false-negative shares, the filters' counts
    and NegRefine's subset and cost."""
    codes = {"A better": 1, "no difference": 0, "B better": -1}
    out: dict[str, float] = {}

    def put(key: str, rows: Sequence[Mapping[str, Any]], a: str, b: str) -> None:
        # The value and the verdict: the intervals are in the page's tables, and the verdict reads them.
        for metric in METRICS:
            c = study.claim_value(rows, a, b, metric)
            out[f"{key}_{metric}"] = float(c["value"])
            out[f"{key}_{metric}_verdict"] = codes[c["verdict"]]

    filters, corrections, negatives = study.filter_claims(), study.correction_claims(), study.negatives_claims()
    for rule in study.rules:
        put(f"{rule}_vs_random", negatives, method_name(rule, "none", "neglabel"), random_mean_name(rule))
        for name in study.filter_names:
            selection = study.selections[(rule, name)]
            out[f"mined_{rule}_{name}"] = len(selection.rows)
            if selection.false_negative_share is not None:
                out[f"fn_share_{rule}_{name}"] = selection.false_negative_share
            put(f"dnm_vs_neglabel_{rule}_{name}", corrections, method_name(rule, name, "dnm"),
                method_name(rule, name, "neglabel"))
            put(f"official_vs_neglabel_{rule}_{name}", corrections, method_name(rule, name, "dnm-official"),
                method_name(rule, name, "neglabel"))
            if name == "none":
                continue
            put(f"{name}_vs_none_{rule}", filters, method_name(rule, name, "neglabel"),
                method_name(rule, "none", "neglabel"))
            put(f"{name}_vs_drop_{rule}", filters, method_name(rule, name, "neglabel"), random_drop_name(rule, name))
    for name, result in study.filters.items():
        out[f"removed_{name}"] = result.counts()["removed"]
    if study.subset_contrasts is not None:
        rows = study.negrefine_claims()
        recipes = study.recipes()
        for a, b, key in (("NegRefine (filter + score)", "NegLabel", "negrefine_vs_neglabel"),
                          ("NegRefine (filter + score)", "DNM (official arithmetic)", "negrefine_vs_dnm")):
            if a in recipes and b in recipes:
                put(key, rows, recipes[a], recipes[b])
        if method_name("csp", "verdicts", "negrefine") in study.subset.scores:
            put("negrefine_score_on_verdicts", rows, method_name("csp", "verdicts", "negrefine"),
                method_name("csp", "verdicts", "neglabel"))
    out["negrefine_images"] = sum(study.subset_sizes.values())
    out["negrefine_per_set"] = min(study.subset_sizes.values(), default=0)
    out["negrefine_pair_texts"] = study.negrefine_cost.get("pair_texts", 0)
    return {k: v for k, v in out.items() if not (isinstance(v, float) and math.isnan(v))}


__all__ = ["CureStudy", "FILTERS", "RULES", "SCORES", "Selection", "answer", "available_filters", "cure_study",
           "method_name", "pair_encoder", "random_drop", "recorded_values", "reported_rows", "tau_study"]
