"""Real CLIP evidence: the negative labels that NegLabel's and NegRefine's authors mined with CLIP ViT-B/16.

The project cannot run real CLIP offline, but two sets of negative labels mined with it against the 1,000
ImageNet-1K classes are public, and they are vendored in the package (``debiasood/data/real_negatives/``, each
folder with its LICENSE and a README naming repository, commit and path; the book's method reference,
``method-real-artifacts``, lists them):

- ``neglabel``: NegLabel's published NegMining selection (Jiang et al., ICLR 2024;
  github.com/XueJiang16/NegLabel, Apache-2.0): 8,578 nouns and 1,921 adjectives, published as prompts
  ("the nice {noun}", "This is a {adj} photo") and returned here as bare words.
- ``csp``: CSP's selection as run by NegRefine's first step (NegRefine, Ansari et al., ICCV 2025;
  github.com/ah-ansari/NegRefine, MIT): 7,023 nouns and 1,404 "adjective + superclass word" phrases.
- ``negrefine``: what NegRefine's LLM filter (Qwen2.5-14B-Instruct) kept of ``csp``: 4,998 nouns and 1,372
  phrases. The filter first cleans each label (:func:`negrefine_clean`), so these are cleaned forms.

Also vendored: the filter's per-question log (:func:`load_negrefine_verdicts`) and NegRefine's run log with its
reported AUROC / FPR95 (:func:`load_negrefine_reported`).

Every read checks the file's sha256 against :data:`SHA256` (the sums of the upstream files at the commits in
:data:`SOURCES`), so a damaged or edited copy fails loudly instead of silently shifting a number.
:func:`match_to_corpus` maps a selection onto a :class:`~debiasood.data.corpora.LabelCorpus` (words, synsets,
lexicographer files), which the WordNet audit (:mod:`debiasood.data.real_audit`) and the text-side fidelity
measure (:mod:`debiasood.data.fidelity`) need.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

import numpy as np

from debiasood.core.prompts import CSP_SUPERCLASS_WORDS
from debiasood.data.corpora import ADJECTIVE, NOUN, LabelCorpus

REAL_SELECTIONS = ("neglabel", "csp", "negrefine")


@dataclass(frozen=True)
class RealSource:
    """Where a vendored artifact comes from: repository (host/owner/name), commit, path there, license."""

    repository: str
    commit: str
    path: str
    license: str

    @property
    def short(self) -> str:
        """'github.com/XueJiang16/NegLabel @ 3253db6, Apache-2.0'."""
        return f"{self.repository} @ {self.commit[:7]}, {self.license}"


_NEGLABEL_REPO = ("github.com/XueJiang16/NegLabel", "3253db684075b2db47844676eccdfda40d67a573")
_NEGREFINE_REPO = ("github.com/ah-ansari/NegRefine", "72e4b82d8d48ae298ceabbb3322ac13799cd0c88")

#: Per vendored folder: the upstream repository, commit, path and license.
SOURCES: dict[str, RealSource] = {
    "neglabel": RealSource(*_NEGLABEL_REPO, "selected_neg_labels/selected_neg_labels_in1k_10k.txt", "Apache-2.0"),
    "negrefine": RealSource(*_NEGREFINE_REPO, "output/imagenet/seed_0/", "MIT"),
}

#: sha256 of every vendored file (path relative to ``debiasood/data/real_negatives/``), equal to the upstream
#: files at the commits of :data:`SOURCES`.
SHA256: dict[str, str] = {
    "neglabel/LICENSE": "b52e89b364918149602d3004e62093279198983b50e58c5896d2dfcfbdee82ad",
    "neglabel/selected_neg_labels_in1k_10k.txt": "39e53cb67f07c5e540d532fc9c58c48f8a17d4d6b7c7492dc2896508e072e3e7",
    "negrefine/LICENSE": "a6ff77c5f4f22c9d9ee78b47810aa7120bfa0e91caa1f68c54b808f13df5b208",
    "negrefine/initial_neg_labels_adj.txt": "a9d7818b5e16e3dd1eaf521774c28adc88a6b4b2e23c0dacd35b14cc10339f96",
    "negrefine/initial_neg_labels_noun.txt": "5f23192b0dc01541e9c3ab461832465d66baed81cac5c8d2ea2a9931534acff1",
    "negrefine/llm_process_adj.txt": "69a3f1277a15da7ac903925e90e80b2bd078e4c0c838c02ace5d71a39196aa2e",
    "negrefine/llm_process_noun.txt": "63ece79ffc4dcc72b74baad1ea622305207a629ac98e6242415cfb3520c8221c",
    "negrefine/neg_labels_adj.txt": "1bc70a5f57184de4789ba4b40d5a2aa19c2de0478b1b6eb097ea355449a9cb02",
    "negrefine/neg_labels_noun.txt": "8da271ae424ac06af6cc41395ae0a117d71251fe953c77d653d2cc1920069353",
    "negrefine/result.txt": "219f9cafaefd10901c43910575206eeb024d92fc9370aee6cd8fce8e6ef9e8ad",
}

_BACKBONE = "CLIP ViT-B/16 on ImageNet-1K"
_PROVENANCE = {
    "neglabel": f"real: {_BACKBONE}, mined and published by the NegLabel authors ({SOURCES['neglabel'].short})",
    "csp": f"real: {_BACKBONE}, CSP's mining as run and published by the NegRefine authors "
           f"({SOURCES['negrefine'].short})",
    "negrefine": f"real: {_BACKBONE}, CSP's selection after NegRefine's LLM filter (Qwen2.5-14B-Instruct), "
                 f"published by the NegRefine authors ({SOURCES['negrefine'].short})",
}
_FILES = {  # selection -> (noun file, adjective file), relative to real_negatives/
    "csp": ("negrefine/initial_neg_labels_noun.txt", "negrefine/initial_neg_labels_adj.txt"),
    "negrefine": ("negrefine/neg_labels_noun.txt", "negrefine/neg_labels_adj.txt"),
}


class RealArtifactError(ValueError):
    """A vendored artifact is missing, damaged or not in the expected format."""


def artifact_path(relative: str):
    """The vendored file ``relative`` (e.g. 'negrefine/result.txt') as an importlib.resources Traversable."""
    if relative not in SHA256:
        raise ValueError(f"unknown vendored file {relative!r}; known: {sorted(SHA256)}")
    return resources.files("debiasood.data").joinpath("real_negatives", *relative.split("/"))


def read_artifact(relative: str) -> str:
    """The text of a vendored file, after checking its sha256 against :data:`SHA256`."""
    path = artifact_path(relative)
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise RealArtifactError(f"vendored file real_negatives/{relative} is missing from the installed package: "
                                "reinstall debiasood (the files ship as package data)") from error
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256[relative]:
        raise RealArtifactError(f"vendored file real_negatives/{relative} has sha256 {digest}, expected "
                                f"{SHA256[relative]}: the copy is damaged or was edited; restore it from git "
                                "or reinstall debiasood")
    return data.decode("utf-8")


def _lines(relative: str) -> list[str]:
    """Non-empty lines of a vendored list; an empty line inside the list is a format error."""
    lines = read_artifact(relative).split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise RealArtifactError(f"real_negatives/{relative}, line {number}: empty line")
    return lines


# ---------------------------------------------------------------- the selections


@dataclass(frozen=True)
class RealSelection:
    """Negative labels mined with real CLIP, one entry per published label, nouns first.

    ``words``: the corpus word of each entry (the noun, or the adjective of an adjective phrase);
    ``phrases``: the label as the method embedded it (the word itself for NegLabel and for nouns, the
    "adjective + superclass word" phrase for CSP's and NegRefine's adjectives); ``parts_of_speech``: 'noun' or
    'adj' (:data:`debiasood.core.mining.NOUN` / ``ADJECTIVE``); ``provenance``: a sentence that labels the
    data as real and says who mined and published it; ``source``: repository, commit, path, license.
    """

    name: str
    words: tuple[str, ...]
    phrases: tuple[str, ...]
    parts_of_speech: tuple[str, ...]
    provenance: str
    source: RealSource

    def __len__(self) -> int:
        return len(self.words)

    def counts(self) -> dict[str, int]:
        """Entries per part of speech, e.g. ``{'noun': 8578, 'adj': 1921}``."""
        return {part: self.parts_of_speech.count(part) for part in (NOUN, ADJECTIVE)}


_NEGLABEL_NOUN = re.compile(r"^the nice (?P<word>\S.*)$")
_NEGLABEL_ADJ = re.compile(r"^This is a (?P<word>\S.*) photo$")


def _neglabel() -> RealSelection:
    """NegLabel's prompts stripped back to the word: "the nice {noun}" and "This is a {adj} photo"."""
    relative = "neglabel/selected_neg_labels_in1k_10k.txt"
    words, parts = [], []
    for number, line in enumerate(_lines(relative), start=1):
        noun, adj = _NEGLABEL_NOUN.match(line), _NEGLABEL_ADJ.match(line)
        if noun is None and adj is None:
            raise RealArtifactError(f"real_negatives/{relative}, line {number}: {line!r} is neither "
                                    "'the nice {noun}' nor 'This is a {adj} photo'")
        words.append((noun or adj)["word"])
        parts.append(NOUN if noun else ADJECTIVE)
    source = SOURCES["neglabel"]
    return RealSelection("neglabel", tuple(words), tuple(words), tuple(parts), _PROVENANCE["neglabel"], source)


def _csp_style(name: str) -> RealSelection:
    """Nouns as published; adjective phrases split into phrase and adjective (the last word is CSP's superclass)."""

    noun_file, adj_file = _FILES[name]
    nouns = _lines(noun_file)
    phrases = _lines(adj_file)
    adjectives = []
    for number, phrase in enumerate(phrases, start=1):
        adjective, _, superclass = phrase.rpartition(" ")
        if not adjective or superclass not in CSP_SUPERCLASS_WORDS:
            raise RealArtifactError(f"real_negatives/{adj_file}, line {number}: {phrase!r} does not end in one "
                                    f"of CSP's superclass words {CSP_SUPERCLASS_WORDS}")
        adjectives.append(adjective)
    base = SOURCES["negrefine"]
    source = RealSource(base.repository, base.commit, f"{base.path}{noun_file.split('/')[1]}, "
                        f"{base.path}{adj_file.split('/')[1]}", base.license)
    return RealSelection(name, tuple(nouns) + tuple(adjectives), tuple(nouns) + tuple(phrases),
                         (NOUN,) * len(nouns) + (ADJECTIVE,) * len(phrases), _PROVENANCE[name], source)


@functools.cache
def load_real_selection(name: str) -> RealSelection:
    """One of :data:`REAL_SELECTIONS`: 'neglabel', 'csp' (CSP's selection as run by NegRefine) or 'negrefine'
    (the LLM-filtered subset of 'csp'). Read once per process from the vendored, checksummed files."""
    if name not in REAL_SELECTIONS:
        raise ValueError(f"unknown real selection {name!r}; choose from {REAL_SELECTIONS}")
    return _neglabel() if name == "neglabel" else _csp_style(name)


# ---------------------------------------------------------------- NegRefine's LLM filter


def negrefine_clean(label: str) -> str | None:
    """NegRefine's cleaning of a label before its LLM filter (``neg_filter._clean_words``, per label): keep only
    letters, '_', '-' and spaces; a result shorter than 3 characters is dropped (None).

    ``"st. john's wort"`` -> ``'st johns wort'``; ``'[cryptogamia'`` -> ``'cryptogamia'``; ``'m3"'`` -> None.
    """
    cleaned = "".join(c for c in label if c.isalpha() or c in "_- ")
    return cleaned if len(cleaned) > 2 else None


VERDICTS = ("", "subcategory", "proper noun", "the same")
"""The filter's verdicts: kept (empty), removed as a subcategory of the ID class, removed as a proper noun
(asked without an ID class), removed as the same word as the ID class (NegRefine's code writes it; these
files hold none)."""


class Verdict(NamedTuple):
    """One question of NegRefine's LLM filter: ``negative`` (cleaned label), ``id_class`` ('' for the
    proper-noun question), ``verdict`` (one of :data:`VERDICTS`) and ``part`` ('noun' or 'adj')."""

    negative: str
    id_class: str
    verdict: str
    part: str


_TOTALS = {"n_proper": "proper noun", "n_same": "the same", "n_subcatgeory": "subcategory"}  # upstream spelling


def _parse_verdicts(relative: str, part: str) -> tuple[Verdict, ...]:
    """Parse a filter log: "negative | ID class | verdict" or "negative | proper noun" lines, then a dashed
    line and the totals (``n_proper``, ``n_same``, ``n_subcatgeory``), which must equal the parsed counts."""
    lines = _lines(relative)
    verdicts: list[Verdict] = []
    totals: dict[str, int] = {}
    in_totals = False
    for number, line in enumerate(lines, start=1):
        where = f"real_negatives/{relative}, line {number}"
        if re.fullmatch(r"-{10,}", line):
            if in_totals:
                raise RealArtifactError(f"{where}: a second separator line")
            in_totals = True
            continue
        if in_totals:
            match = re.fullmatch(r"(n_\w+): (\d+)", line)
            if match is None or match[1] not in _TOTALS:
                raise RealArtifactError(f"{where}: expected a total 'n_proper: N', 'n_same: N' or "
                                        f"'n_subcatgeory: N', got {line!r}")
            totals[_TOTALS[match[1]]] = int(match[2])
            continue
        # The log writes f"{negative} | {id_class} | {verdict} " (or f"{negative} | proper noun "): split on the
        # whole separator and drop only the trailing space, so a cleaned label like 'biosafety level ' keeps its own.
        fields = line.split(" | ")
        fields[-1] = fields[-1].removesuffix(" ")
        if len(fields) == 2 and fields[0] and fields[1] == "proper noun":
            verdicts.append(Verdict(fields[0], "", "proper noun", part))
        elif len(fields) == 3 and fields[0] and fields[1] and fields[2] in ("", "subcategory", "the same"):
            verdicts.append(Verdict(fields[0], fields[1], fields[2], part))
        else:
            raise RealArtifactError(f"{where}: expected 'negative | ID class | verdict' (verdict empty, "
                                    f"'subcategory' or 'the same') or 'negative | proper noun', got {line!r}")
    if set(totals) != set(_TOTALS.values()):
        raise RealArtifactError(f"real_negatives/{relative}: the totals block is missing or incomplete "
                                f"(found {sorted(totals)})")
    for verdict, expected in totals.items():
        found = sum(v.verdict == verdict for v in verdicts)
        if found != expected:
            raise RealArtifactError(f"real_negatives/{relative}: {found} {verdict!r} verdicts parsed, but the "
                                    f"file's totals say {expected}")
    return tuple(verdicts)


@functools.cache
def _verdicts(part: str) -> tuple[Verdict, ...]:
    return _parse_verdicts(f"negrefine/llm_process_{part}.txt", part)


def load_negrefine_verdicts(part: str | None = None) -> list[Verdict]:
    """Every question of NegRefine's LLM filter, in log order: nouns, then adjective phrases (or one ``part``).

    A negative is removed by its first non-empty verdict; a kept negative has an empty verdict for each of
    the (up to 10) ID classes it was asked about. Malformed lines raise :class:`RealArtifactError` naming the
    file and line.
    """
    if part not in (None, NOUN, ADJECTIVE):
        raise ValueError(f"part must be None, {NOUN!r} or {ADJECTIVE!r}, got {part!r}")
    parts = (NOUN, ADJECTIVE) if part is None else (part,)
    return [verdict for p in parts for verdict in _verdicts(p)]


def negrefine_removals(part: str | None = None) -> dict[str, Verdict]:
    """The negatives NegRefine's filter removed, each with the verdict that removed it (cleaned labels)."""
    removed: dict[str, Verdict] = {}
    for verdict in load_negrefine_verdicts(part):
        if verdict.verdict:
            if verdict.negative in removed:
                raise RealArtifactError(f"NegRefine's filter log removes {verdict.negative!r} twice")
            removed[verdict.negative] = verdict
    return removed


def negrefine_filter() -> Any:
    """NegRefine's published LLM filter as a corpus filter (:func:`debiasood.data.filters.verdicts_filter` over the
    vendored, checksum-checked logs of :func:`load_negrefine_verdicts`): drops the words it judged a subcategory
    of an ImageNet-1K class, the same word, or a proper noun."""
    from debiasood.data.filters import Verdict as FileVerdict
    from debiasood.data.filters import verdicts_filter

    records = [FileVerdict(v.negative, v.id_class or None, v.verdict, v.part) for v in load_negrefine_verdicts()]
    return verdicts_filter(records, name="negrefine-verdicts")


# ---------------------------------------------------------------- NegRefine's reported results

#: The run log's dataset names -> the project's names (the four MOS sets) or a readable name.
REPORTED_DATASETS = {"inaturalist": "inaturalist", "sun": "sun", "places": "places", "texture": "textures",
                     "open_image": "openimage-o", "clean": "clean", "ninco": "ninco"}


def load_negrefine_reported() -> dict[str, object]:
    """NegRefine's own results from its run log (``result.txt``): per dataset, FPR95 and AUROC in percent.

    REPORTED numbers of the authors' run (CLIP ViT-B/16, ImageNet-1K ID, seed 0), not measured here. Returns
    ``{'label': 'reported', 'provenance': ..., 'source': RealSource, 'id_set': 'imagenet1k',
    'metrics': {dataset: {'fpr95': %, 'auroc': %}}}`` with the datasets in the log's order and named as in
    :data:`REPORTED_DATASETS` ('textures', 'openimage-o', ...).
    """
    relative = "negrefine/result.txt"
    lines = read_artifact(relative).splitlines()  # a log: blank lines are part of its layout
    listed = re.search(r"ood_dataset_name_list=\[([^\]]*)\]", lines[0])
    if listed is None:
        raise RealArtifactError(f"real_negatives/{relative}, line 1: no ood_dataset_name_list in {lines[0]!r}")
    expected = [name.strip().strip("'") for name in listed[1].split(",")]
    metrics: dict[str, dict[str, float]] = {}
    current = None
    for number, line in enumerate(lines, start=1):
        header = re.fullmatch(r"-+ (\w+) -+", line)
        if header:
            current = header[1]
            continue
        result = re.fullmatch(r"score0\s+auroc: ([0-9.]+)\s+fpr: ([0-9.]+)", line)
        if result:
            if current not in REPORTED_DATASETS or REPORTED_DATASETS[current] in metrics:
                raise RealArtifactError(f"real_negatives/{relative}, line {number}: a result for "
                                        f"{current!r}, which is unknown or repeated")
            metrics[REPORTED_DATASETS[current]] = {"fpr95": 100 * float(result[2]), "auroc": 100 * float(result[1])}
    missing = [name for name in expected if REPORTED_DATASETS.get(name) not in metrics]
    if missing:
        raise RealArtifactError(f"real_negatives/{relative}: no result for {missing}")
    return {"label": "reported",
            "provenance": f"reported: NegRefine's run log, {_BACKBONE} (seed 0), by the NegRefine authors "
                          f"({SOURCES['negrefine'].short})",
            "source": RealSource(*_NEGREFINE_REPO, f"{SOURCES['negrefine'].path}result.txt", "MIT"),
            "id_set": "imagenet1k", "metrics": metrics}


# ---------------------------------------------------------------- matching onto a corpus


@dataclass(frozen=True, eq=False)
class CorpusMatch:
    """A real selection mapped onto a corpus: ``rows[i]`` is the corpus row of entry i, or -1 if unmatched.

    ``by_cleaning``: entries matched through NegRefine's cleaning rather than verbatim.
    ``part_mismatches``: matched entries whose corpus word has the other part of speech (the word is kept:
    the corpus' de-duplication gave it to another file than the method's own word lists did).
    """

    selection: str
    corpus: str
    rows: np.ndarray
    by_cleaning: int
    part_mismatches: int
    unmatched_words: tuple[str, ...]

    @property
    def matched(self) -> np.ndarray:
        """Boolean mask over the selection's entries."""
        return self.rows >= 0

    @property
    def indices(self) -> np.ndarray:
        """Corpus rows of the matched entries, in the selection's order."""
        return self.rows[self.rows >= 0]

    @property
    def n_matched(self) -> int:
        return int((self.rows >= 0).sum())

    def summary(self) -> dict[str, object]:
        return {"selection": self.selection, "corpus": self.corpus, "entries": len(self.rows),
                "matched": self.n_matched, "unmatched": len(self.rows) - self.n_matched,
                "matched by cleaning": self.by_cleaning, "part-of-speech mismatches": self.part_mismatches}


def match_to_corpus(selection: RealSelection, corpus: LabelCorpus) -> CorpusMatch:
    """Map each entry's word onto ``corpus`` (e.g. ``load_corpus('neglabel')``).

    Rule: the word verbatim; otherwise, for 'negrefine' only (whose labels NegRefine cleaned, see
    :func:`negrefine_clean`), the one corpus word that cleans to the same form, if exactly one does. Words
    that are not in the corpus stay unmatched: the methods' own WordNet lists are not WordNet 3.0's
    first-lemma lists exactly (NegLabel's holds e.g. 'selangor' and 'mount rainier national park', which
    WordNet 3.0 does not). Two entries never share a corpus row (a repeat is left unmatched).
    """
    if not isinstance(selection, RealSelection):
        raise TypeError(f"selection must be a RealSelection (load_real_selection(...)), got {type(selection)}")
    if not isinstance(corpus, LabelCorpus):
        raise TypeError(f"corpus must be a LabelCorpus (debiasood.data.corpora.load_corpus(...)), got {type(corpus)}")
    row_of = {word: i for i, word in enumerate(corpus.words)}
    cleaned_rows: dict[str, list[int]] = {}
    if selection.name == "negrefine":
        for i, word in enumerate(corpus.words):
            key = negrefine_clean(word)
            if key is not None:
                cleaned_rows.setdefault(key, []).append(i)
    rows = np.full(len(selection), -1, dtype=np.int64)
    taken: set[int] = set()
    by_cleaning = mismatches = 0
    for i, (word, part) in enumerate(zip(selection.words, selection.parts_of_speech, strict=True)):
        row = row_of.get(word)
        cleaned = False
        if row is None and len(cleaned_rows.get(word, ())) == 1:
            row, cleaned = cleaned_rows[word][0], True
        if row is None or row in taken:
            continue
        taken.add(row)
        rows[i] = row
        by_cleaning += cleaned
        mismatches += corpus.parts_of_speech[row] != part
    unmatched = tuple(w for w, r in zip(selection.words, rows, strict=True) if r < 0)
    return CorpusMatch(selection.name, corpus.name, rows, by_cleaning, mismatches, unmatched)
