"""Before and after: the book's key numbers on the MiniLM world and on the CLIP-like world, side by side.

The book's simulated chapters run on the offline world (:mod:`debiasood.world.simulated`) whose text side is
MiniLM. :mod:`debiasood.world.cliplike` builds the same world on the CLIP-like text side
(:mod:`debiasood.world.text_side`) with its image-side anchors fitted again. Whether the book should switch
depends on how far its findings move, so this module computes the key numbers on both, with the same corpus,
image counts, image seed and settings, through the same code the chapters use:

- the main table's averages over the four OOD sets (FPR95 and AUROC, paper convention, percent) of MCM,
  NegLabel, CSP and DNM (clamped and official arithmetic): :meth:`debiasood.data.bundle.FeatureBundle.evaluate`
  on the world's images drawn as a bundle (:func:`debiasood.world.export.simulated_bundle`); and the zero-shot
  top-1 of the ID images;
- the control verdicts (:func:`debiasood.book.verdicts.control_suite` and :func:`~debiasood.book.verdicts.claims`,
  paired bootstrap intervals of A - B for FPR95 and AUROC): DNM's density negatives against random negatives
  of the same size and part-of-speech split, and against NegLabel's negatives, both under NegLabel's score
  (the negatives-only change); and the clamped DNM score against tau = 1 on DNM's own negatives (the
  score-only change);
- the text side's agreement with real CLIP's selections (:func:`debiasood.data.fidelity.fidelity_rows`);
- the WordNet false-negative share (:func:`debiasood.data.audit.audit_false_negatives`, against ImageNet-1K) of
  each rule's selection, beside the corpus' base rate; and how ID-like each selection is in the text space
  itself: the mean, over its negatives, of the largest cosine to an ID label (NegLabel's ID prompts).

:func:`world_versions` returns both sets of numbers and the rows of the before/after table (columns: part,
quantity, the two worlds' names, change = after - before). Both worlds are SIMULATED; their numbers are never
CLIP's. Run it with ``benchmarks/world_versions.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from debiasood.book.verdicts import (
    DENSITY_NEGLABEL_SCORE,
    DNM_CLAMPED,
    NEGLABEL,
    claims,
    control_suite,
    random_label,
)
from debiasood.core.evaluation import Settings
from debiasood.data.audit import audit_false_negatives
from debiasood.data.fidelity import fidelity_rows
from debiasood.data.label_sets import get_label_set

#: The main table's methods (:data:`debiasood.core.methods.METHODS`) and how the table names them.
MAIN_METHODS: dict[str, str] = {"mcm": "MCM", "neglabel": "NegLabel", "csp": "CSP", "dnm": "DNM (clamped)",
                                "dnm-official": "DNM (official arithmetic)"}
METRIC_LABELS: dict[str, str] = {"fpr95": "FPR95", "auroc": "AUROC"}
#: The fidelity measures shown (columns of :func:`debiasood.data.fidelity.fidelity_rows`).
FIDELITY_MEASURES: tuple[str, ...] = ("AUROC", "Jaccard", "TV distance", "false negatives %")
#: The selections whose false-negative share is shown (NegLabel's and DNM's are corpus rows, CSP's pool rows).
SELECTIONS: dict[str, str] = {"neglabel": "NegLabel's selection", "csp": "CSP's selection (nouns and phrases)",
                              "density": "DNM's density selection"}
#: The column names of the two worlds :func:`world_versions` compares by default.
BEFORE, AFTER = "MiniLM world", "CLIP-like world"


def claim_pairs(random_seeds: Sequence[int]) -> list[tuple[str, str]]:
    """The (A, B) pairs of :func:`debiasood.book.verdicts.claims` shown: density vs random negatives of the same
    size (one per seed) and density vs NegLabel, both under NegLabel's score; clamped DNM vs tau = 1."""
    return [*((DENSITY_NEGLABEL_SCORE, random_label(seed)) for seed in random_seeds),
            (DENSITY_NEGLABEL_SCORE, NEGLABEL), (DNM_CLAMPED, DENSITY_NEGLABEL_SCORE)]


class Claim(NamedTuple):
    """One verdict of :func:`debiasood.book.verdicts.claims`: A - B with its paired interval."""

    difference: float
    low: float
    high: float
    verdict: str

    def __str__(self) -> str:
        return f"{self.difference:+.2f} [{self.low:+.2f}, {self.high:+.2f}] {self.verdict}"


@dataclass(frozen=True)
class WorldNumbers:
    """The key numbers of one world (see the module doc); percentages except counts."""

    name: str  # the column name, e.g. "MiniLM world"
    label: str  # the bundle's provenance label, e.g. "simulated: sentence-transformers:all-MiniLM-L6-v2 world"
    params: Any  # debiasood.world.simulated.WorldParams
    top1: float  # zero-shot top-1 of the ID images (%)
    main: Mapping[str, Mapping[str, float]]  # method -> {"fpr95": average, "auroc": average}
    claims: Sequence[Mapping[str, object]]  # rows of debiasood.book.verdicts.claims
    fidelity: Sequence[Mapping[str, object]]  # rows of debiasood.data.fidelity.fidelity_rows
    false_negatives: Mapping[str, tuple[int, int]]  # "corpus" and each of SELECTIONS -> (false negatives, size)
    id_similarity: Mapping[str, float]  # each of SELECTIONS -> mean over its negatives of the largest ID cosine

    def quantities(self) -> dict[tuple[str, str], float | Claim]:
        """{(part, quantity): value}, in table order: floats, and :class:`Claim` for the control verdicts."""
        out: dict[tuple[str, str], float | Claim] = {}
        for parameter in ("confusion", "overlap", "align_min"):
            out["world", f"parameter {parameter}"] = float(getattr(self.params, parameter))
        out["world", "zero-shot top-1 (%)"] = self.top1
        for method, label in MAIN_METHODS.items():
            for metric, metric_label in METRIC_LABELS.items():
                out["main table", f"{label}: average {metric_label}"] = self.main[method][metric]
        for row in self.claims:
            out["controls", f"{row['A']} - {row['B']}: {METRIC_LABELS[row['metric']]}"] = Claim(
                float(row["A - B"]), float(row["low"]), float(row["high"]), str(row["verdict"]))
        for row in self.fidelity:
            for measure in FIDELITY_MEASURES:
                out["fidelity to real CLIP", f"{row['rule']}, {row['words']}: {measure}"] = float(row[measure])
        for key, (count, size) in self.false_negatives.items():
            what = "corpus (base rate)" if key == "corpus" else SELECTIONS[key]
            out["negatives mined", f"{what}: WordNet false negatives (%)"] = 100 * count / size
        for key, value in self.id_similarity.items():
            out["negatives mined", f"{SELECTIONS[key]}: mean largest cosine to an ID label"] = value
        return out


def false_negative_counts(setup: Any, selections: Mapping[str, np.ndarray]) -> dict[str, tuple[int, int]]:
    """(WordNet false negatives, size) of the corpus and of each selection (``selections``: rule -> rows of the
    corpus, or of CSP's pool for ``"csp"``), audited against ImageNet-1K (the book's ``method-false-negatives``)."""
    label_set = get_label_set("imagenet1k")
    corpus_mask = audit_false_negatives(setup.corpus, label_set).false_negative_mask()
    out = {"corpus": (int(corpus_mask.sum()), int(corpus_mask.size))}
    for rule, rows in selections.items():
        if rule not in SELECTIONS:
            raise ValueError(f"unknown selection {rule!r}; choose from {', '.join(SELECTIONS)}")
        if rule == "csp":
            if setup.csp_pool is None:
                raise ValueError("the CSP selection needs the setup's CSP pool: build it with csp=True")
            mask = audit_false_negatives(setup.csp_pool, label_set).false_negative_mask()
        else:
            mask = corpus_mask
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            raise ValueError(f"selection {rule!r} is empty")
        out[rule] = (int(mask[rows].sum()), int(rows.size))
    return out


def largest_id_cosine(negatives: np.ndarray, id_text: np.ndarray, *, block_rows: int = 4096) -> float:
    """Mean over the negatives (unit rows) of each one's largest cosine to an ID label (unit rows), in row blocks:
    near 1 when the selection holds near-duplicates of ID labels, which every ID image then also matches."""
    negatives = np.asarray(negatives, dtype=np.float64)
    id_text = np.asarray(id_text, dtype=np.float64)
    if negatives.ndim != 2 or id_text.ndim != 2 or negatives.shape[1] != id_text.shape[1] or not len(negatives):
        raise ValueError(f"negatives and id_text must be non-empty matrices of one width, got shapes "
                         f"{negatives.shape} and {id_text.shape}")
    largest = np.concatenate([(negatives[start:start + block_rows] @ id_text.T).max(axis=1)
                              for start in range(0, len(negatives), block_rows)])
    return float(largest.mean())


def world_numbers(name: str, setup: Any, *, sizes: Mapping[str, int], seed: int = 0, settings: Settings | None = None,
                  random_seeds: Sequence[int] = (0, 1, 2), num_resamples: int = 1000) -> WorldNumbers:
    """The key numbers of one offline world (an :class:`debiasood.world.offline.OfflineSetup`): its images
    (``sizes`` per set, drawn with ``seed``) as a feature bundle, then everything through the chapters' code.

    ``settings`` default to the official ViT-B/16 ImageNet-1K settings (tau = 0.5, DNM quotas 23% / 13%, k = 100);
    the bootstrap of the control verdicts uses ``num_resamples`` resamples seeded with ``settings.seed``.
    """
    from debiasood.world.export import simulated_bundle

    settings = Settings.official() if settings is None else settings
    bundle = simulated_bundle(setup, sizes, seed=seed, command="debiasood.book.world_versions")
    main = bundle.evaluate(tuple(MAIN_METHODS), settings)
    averages = {m: {k: float(main.metrics(m)["average"][k]) for k in METRIC_LABELS} for m in MAIN_METHODS}
    id_images = bundle.images[bundle.id_set]
    predicted = (np.asarray(id_images.features) @ np.asarray(bundle.text.id_mcm).T).argmax(axis=1)
    top1 = 100 * float((predicted == id_images.labels).mean())
    suite = control_suite(bundle, settings, random_seeds=random_seeds)
    verdicts = claims(suite, claim_pairs(random_seeds), num_resamples=num_resamples, seed=settings.seed)
    fidelity = fidelity_rows(setup.text, setup.corpus, setup.csp_pool)
    counts = false_negative_counts(setup, {rule: bundle.negatives(rule, settings) for rule in SELECTIONS})
    similarity = {rule: largest_id_cosine(bundle.negative_features(rule, settings), bundle.text.id_neglabel)
                  for rule in SELECTIONS}
    return WorldNumbers(name, bundle.label, setup.world.params, top1, averages, tuple(verdicts), tuple(fidelity),
                        counts, similarity)


def before_after_rows(before: WorldNumbers, after: WorldNumbers) -> list[dict[str, object]]:
    """The before/after table: one row per quantity with ``part``, ``quantity``, ``before.name``,
    ``after.name`` and ``change`` (after - before; for a control verdict, the change of A - B and whether the
    verdict changed). Both worlds must have the same quantities (same methods, seeds and word sets)."""
    if before.name == after.name:
        raise ValueError(f"the two worlds need different names (the table's columns), both are {before.name!r}")
    a, b = before.quantities(), after.quantities()
    if list(a) != list(b):
        only = sorted(set(a) ^ set(b))
        raise ValueError(f"the two worlds were measured on different quantities (e.g. {only[:3]}): use the same "
                         "random seeds, corpus and settings for both")
    rows = []
    for (part, quantity), old in a.items():
        new = b[part, quantity]
        if isinstance(old, Claim):
            same = "same verdict" if old.verdict == new.verdict else "VERDICT CHANGED"
            change: object = f"{new.difference - old.difference:+.2f} ({same})"
            cells: tuple[object, object] = (str(old), str(new))
        else:
            change, cells = new - old, (old, new)
        rows.append({"part": part, "quantity": quantity, before.name: cells[0], after.name: cells[1],
                     "change": change})
    return rows


@dataclass(frozen=True)
class WorldVersions:
    """:func:`world_versions`' result: both worlds' numbers and the before/after rows."""

    before: WorldNumbers
    after: WorldNumbers
    rows: list[dict[str, object]]


def world_versions(*, sizes: Mapping[str, int] | None = None, seed: int = 0, settings: Settings | None = None,
                   corpus_step: int = 1, random_seeds: Sequence[int] = (0, 1, 2), num_resamples: int = 1000,
                   store: Any = None, setups: Mapping[str, Callable[..., Any]] | None = None) -> WorldVersions:
    """The key numbers on the MiniLM world (:func:`debiasood.world.offline.offline_setup`, its fitted
    parameters) and on the CLIP-like world (:func:`debiasood.world.cliplike.cliplike_setup`), with the same
    corpus (``corpus_step``), image counts (``sizes``, default the calibration sizes: 10,000 ID and 2,000 per
    OOD set), image ``seed``, settings and feature ``store``; and the before/after rows.

    ``setups`` replaces the two worlds: ``{name: factory}`` with two entries, each factory taking
    ``offline_setup``'s keyword arguments (``corpus_step``, ``store``). Cold feature store: ~4 minutes per
    text side on a quiet 2-core CPU; warm, the density kNN (~30 s per world) and the bootstrap dominate.
    """
    from debiasood.world.cliplike import cliplike_setup
    from debiasood.world.offline import offline_setup
    from debiasood.world.simulated import CALIBRATION_SIZES

    setups = {BEFORE: offline_setup, AFTER: cliplike_setup} if setups is None else dict(setups)
    if len(setups) != 2:
        raise ValueError(f"setups must name exactly two worlds (before, after), got {list(setups)}")
    sizes = dict(CALIBRATION_SIZES if sizes is None else sizes)
    numbers = [world_numbers(name, factory(corpus_step=corpus_step, store=store), sizes=sizes, seed=seed,
                             settings=settings, random_seeds=random_seeds, num_resamples=num_resamples)
               for name, factory in setups.items()]
    return WorldVersions(numbers[0], numbers[1], before_after_rows(numbers[0], numbers[1]))
