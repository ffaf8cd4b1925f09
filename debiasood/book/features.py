"""What a chapter runs on: the ``FEATURES`` parameter of every notebook.

``FEATURES = "simulated"`` (the default, so ``make book`` stays offline) builds the offline simulated world and
draws its images as a feature bundle; any other value is the path of a feature bundle folder
(:mod:`debiasood.data.bundle`), for example one written by ``debiasood extract`` from real images with a real
CLIP. Either way the chapter gets a :class:`ChapterFeatures`: the bundle (the one thing every analysis reads),
and, for the simulated world only, the world itself for the sections that study the world.

Every label a chapter shows about its numbers comes from the bundle's provenance
(:attr:`ChapterFeatures.label`), never from hard-coded text. A section that needs what the features lack (the
world's internals for a real bundle, WordNet synsets for a custom dataset's class names) calls
:meth:`ChapterFeatures.requires`, which shows a note saying what is missing and returns False; the section is
then skipped, never crashed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from debiasood.data.bundle import FeatureBundle, load_bundle

SIMULATED = "simulated"

#: What a section may need, and how to say that the features lack it.
NEEDS = {
    "world": "the offline world itself (its generator, parameters and calibration), and these features are "
             "{label}",
    "wordnet": "WordNet synsets for the ID classes (wnids) and for the corpus words, which the false-negative "
               "audit needs; these features ({label}) do not carry them",
    "csp": "CSP's candidate pool (corpus nouns and adjective phrases with their features); these features "
           "({label}) do not carry it",
    "labels": "class labels of the ID images; these features ({label}) do not carry them",
}


@dataclass
class ChapterFeatures:
    """The features a chapter runs on: ``bundle`` always; ``setup`` (the offline world) only when simulated."""

    bundle: FeatureBundle
    setup: Any = None  # debiasood.world.offline.OfflineSetup for FEATURES = "simulated", else None

    @property
    def simulated(self) -> bool:
        return self.bundle.provenance.world == "simulated"

    @property
    def label(self) -> str:
        """``"simulated: ... world"`` or ``"real: <model> (<weights>)"``: the label of every number shown."""
        return self.bundle.label

    @property
    def world(self) -> str:
        return self.bundle.provenance.world

    def has(self, need: str) -> bool:
        """Whether the features carry what ``need`` (a key of :data:`NEEDS`) names."""
        if need not in NEEDS:
            raise ValueError(f"unknown need {need!r}; choose from {', '.join(NEEDS)}")
        if need == "world":
            return self.setup is not None
        if need == "wordnet":
            return self.bundle.text.has_wordnet
        if need == "csp":
            return self.bundle.text.csp_pool is not None
        return self.bundle.images[self.bundle.id_set].labels is not None

    def missing_note(self, *needs: str, section: str) -> str | None:
        """The Markdown note saying why ``section`` is skipped, or None when every need is met."""
        missing = [need for need in needs if not self.has(need)]
        if not missing:
            return None
        reasons = "; ".join(NEEDS[need].format(label=self.label) for need in missing)
        return f"```{{note}}\n**Skipped: {section}.** This section needs {reasons}.\n```"

    def requires(self, *needs: str, section: str) -> bool:
        """True when every need is met; otherwise shows :meth:`missing_note` and returns False, so the notebook
        skips the section instead of crashing."""
        note = self.missing_note(*needs, section=section)
        if note is None:
            return True
        from IPython.display import Markdown, display

        display(Markdown(note))
        return False


def load_features(features: str, *, sizes: Mapping[str, int] | None = None, seed: int = 0, corpus_step: int = 1,
                  csp: bool = True, store: Any = None, progress: bool | None = False) -> ChapterFeatures:
    """``"simulated"``: the offline world (:func:`debiasood.world.offline.offline_setup`) with ``sizes`` images
    per set drawn with ``seed`` (default: the benchmark sizes); otherwise ``features`` is a bundle folder."""
    if not isinstance(features, str) or not features.strip():
        raise ValueError(f"FEATURES must be 'simulated' or the path of a feature bundle folder, got {features!r}")
    if features != SIMULATED:
        path = Path(features).expanduser()
        if not path.exists():
            raise ValueError(f"FEATURES={features!r}: no such folder. Use 'simulated', or write a bundle with "
                             "`debiasood extract` (real images) or `debiasood world export` (the simulated world)")
        return ChapterFeatures(load_bundle(path))
    from debiasood.world.export import simulated_bundle
    from debiasood.world.offline import offline_setup
    from debiasood.world.simulated import BENCHMARK_SIZES

    setup = offline_setup(corpus_step=corpus_step, csp=csp, store=store, progress=progress)
    sizes = dict(BENCHMARK_SIZES if sizes is None else sizes)
    return ChapterFeatures(simulated_bundle(setup, sizes, seed=seed, command="FEATURES='simulated'"), setup)
