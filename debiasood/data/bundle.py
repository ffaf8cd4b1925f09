"""Feature bundles: one on-disk format for everything a chapter needs, from real CLIP or from the simulated world.

A bundle is a folder::

    manifest.json            provenance, text-side metadata, image sets, sha256 of every other file
    text.safetensors         id_mcm, id_neglabel, corpus_features [, csp_features]
    corpus.json              the corpus: words, parts of speech, synsets, lexicographer files [, CSP's pool]
    images/<set>.safetensors features [, labels]  one file per named image set (the ID set and each OOD set)
    images/<set>.json        the image files behind the rows, for real images (optional)

Provenance says which world the features come from (``"real"`` or ``"simulated"``), the encoder (model,
pretrained tag or "random weights", dimension), the prompts, the corpus and its fingerprint, the command that
wrote the bundle, the package version and the UTC time. Every label a chapter prints about its numbers comes
from here, never from hard-coded text.

Why safetensors and a JSON manifest: no pickle (loading a bundle cannot run code), plain bytes numpy can read,
and a manifest a person can read with ``cat``. Every file's sha256 is in the manifest and checked on load, as
the feature store does: a damaged or half-copied bundle is refused with a message naming the file, never used.
Writes go to a temporary folder renamed into place, so a killed writer leaves no half bundle behind.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from debiasood.core.evaluation import Evaluation, MethodInput, Settings, evaluate
from debiasood.core.methods import METHODS, RULES, check_methods, mine
from debiasood.core.mining import density_statistics
from debiasood.data.corpora import LabelCorpus
from debiasood.data.files import sha256_hex

FORMAT = "debiasood-feature-bundle"
FORMAT_VERSION = 1
WORLDS = ("real", "simulated")
_TEXT_TENSORS = ("id_mcm", "id_neglabel", "corpus_features")
_NORM_TOLERANCE = 2e-3


class BundleError(ValueError):
    """A bundle is missing, damaged or inconsistent; the message names the file or field and what to do."""


@dataclass(frozen=True)
class Provenance:
    """Where a bundle's features come from. ``world`` is "real" (an image encoder on real image files) or
    "simulated" (debiasood's offline world); ``pretrained`` is a tag, a checkpoint file or "random weights"."""

    world: str
    model: str
    pretrained: str
    dim: int
    prompts: Mapping[str, str]
    corpus_name: str
    corpus_fingerprint: str
    command: str
    package_version: str
    created_utc: str

    def __post_init__(self) -> None:
        if self.world not in WORLDS:
            raise BundleError(f"provenance.world must be one of {WORLDS}, got {self.world!r}")
        for name in ("model", "pretrained", "corpus_name", "corpus_fingerprint", "command", "created_utc"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise BundleError(f"provenance.{name} must be a non-empty string, got {value!r}")
        if isinstance(self.dim, bool) or not isinstance(self.dim, int) or self.dim < 1:
            raise BundleError(f"provenance.dim must be a positive int, got {self.dim!r}")

    @property
    def label(self) -> str:
        """The label every table and figure built from this bundle carries, e.g.
        ``"real: ViT-B-16 (openai)"`` or ``"simulated: MiniLM world"``."""
        if self.world == "simulated":
            return f"simulated: {self.model} world"
        return f"real: {self.model} ({self.pretrained})"


@dataclass(frozen=True)
class TextSide:
    """The text side of a benchmark, as arrays: ID label features for MCM's and NegLabel's prompts, the candidate
    corpus with its features (NegLabel's prompts), and optionally CSP's pool (corpus nouns + adjective phrases).

    Rows are L2-normalised and share one dimension with the images. ``corpus`` carries words, parts of speech,
    WordNet synsets and lexicographer files (empty strings where a word has none, e.g. a custom corpus).
    ``id_csp`` (optional) are the ID labels under CSP's prompt ensemble, which CSP's rule mines against (when
    absent, NegLabel's ID prompts serve, as in the simulated world). ``fixed_negatives`` maps a rule to a
    selection made elsewhere (corpus rows, in order): a bundle converted from the official DNM dumps holds only
    the negatives the official code selected, so its "density" rule is that fixed selection and the other rules
    are unavailable.
    """

    id_names: tuple[str, ...]
    id_mcm: np.ndarray
    id_neglabel: np.ndarray
    corpus: LabelCorpus
    corpus_features: np.ndarray
    id_wnids: tuple[str, ...] | None = None
    csp_pool: LabelCorpus | None = None
    csp_features: np.ndarray | None = None
    id_csp: np.ndarray | None = None
    fixed_negatives: Mapping[str, tuple[int, ...]] | None = None

    def __post_init__(self) -> None:
        k = len(self.id_names)
        if k == 0:
            raise BundleError("text.id_names is empty: a bundle needs its ID class names")
        _check_rows("text.id_mcm", self.id_mcm, k)
        dim = self.id_mcm.shape[1]
        _check_rows("text.id_neglabel", self.id_neglabel, k, dim)
        _check_rows("text.corpus_features", self.corpus_features, len(self.corpus.words), dim)
        if self.id_wnids is not None and len(self.id_wnids) != k:
            raise BundleError(f"text.id_wnids has {len(self.id_wnids)} entries for {k} ID classes")
        if (self.csp_pool is None) != (self.csp_features is None):
            raise BundleError("text.csp_pool and text.csp_features come together: give both or neither")
        if self.csp_pool is not None:
            _check_rows("text.csp_features", self.csp_features, len(self.csp_pool.words), dim)
        if self.id_csp is not None:
            _check_rows("text.id_csp", self.id_csp, k, dim)
        for rule, rows in (self.fixed_negatives or {}).items():
            if rule not in RULES:
                raise BundleError(f"text.fixed_negatives has the unknown rule {rule!r}; rules are {RULES}")
            if not rows or min(rows) < 0 or max(rows) >= len(self.corpus.words):
                raise BundleError(f"text.fixed_negatives[{rule!r}] must be non-empty corpus rows in "
                                  f"[0, {len(self.corpus.words)})")

    @property
    def dim(self) -> int:
        return int(self.id_mcm.shape[1])

    @property
    def has_wordnet(self) -> bool:
        """True when the ID classes are WordNet synsets (wnids) and the corpus words carry synsets: what the
        false-negative audit needs."""
        return self.id_wnids is not None and all(self.corpus.synsets)


@dataclass(frozen=True)
class ImageSet:
    """Image features of one named set, with ID class labels where known and the image files for real images."""

    features: np.ndarray
    labels: np.ndarray | None = None
    files: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return int(self.features.shape[0])


@dataclass(frozen=True)
class FeatureBundle:
    """Everything a chapter reads: provenance, the text side, and named image sets (``id_set`` among them)."""

    provenance: Provenance
    text: TextSide
    images: Mapping[str, ImageSet]
    id_set: str
    path: Path | None = field(default=None, compare=False)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.id_set not in self.images:
            raise BundleError(f"id_set {self.id_set!r} is not among the image sets {sorted(self.images)}")
        if len(self.images) < 2:
            raise BundleError("a bundle needs the ID image set and at least one OOD image set")
        if self.provenance.dim != self.text.dim:
            raise BundleError(f"provenance.dim is {self.provenance.dim} but the text features have dim "
                              f"{self.text.dim}")
        for name, image_set in self.images.items():
            _check_rows(f"images[{name!r}].features", image_set.features, None, self.text.dim)
            n = len(image_set)
            if image_set.labels is not None:
                labels = np.asarray(image_set.labels)
                if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
                    raise BundleError(f"images[{name!r}].labels must be {n} integer class indices, got "
                                      f"{labels.dtype} {labels.shape}")
                if n and (labels.min() < 0 or labels.max() >= len(self.text.id_names)):
                    raise BundleError(f"images[{name!r}].labels must index the {len(self.text.id_names)} ID "
                                      f"classes, got values in [{labels.min()}, {labels.max()}]")
            if image_set.files is not None and len(image_set.files) != n:
                raise BundleError(f"images[{name!r}].files lists {len(image_set.files)} files for {n} rows")

    @property
    def ood_sets(self) -> tuple[str, ...]:
        return tuple(name for name in self.images if name != self.id_set)

    @property
    def label(self) -> str:
        return self.provenance.label

    def negatives(self, rule: str, settings: Settings | None = None) -> np.ndarray:
        """Indices of the negatives ``rule`` mines from this bundle's text side (corpus rows; CSP: pool rows),
        with ``settings``' mining knobs. The density statistic is computed once per (k, form) and kept."""
        settings = Settings() if settings is None else settings
        text = self.text
        if text.fixed_negatives is not None:
            if rule not in text.fixed_negatives:
                raise BundleError(f"{self.label}: this bundle holds fixed selections for "
                                  f"{sorted(text.fixed_negatives)} only, not for rule {rule!r}")
            return np.asarray(text.fixed_negatives[rule], dtype=np.int64)
        statistic = None
        if rule == "density":
            # Keyed by the corpus features themselves: a bundle made with dataclasses.replace shares this cache.
            key = ("density-statistic", id(text.corpus_features), settings.k, settings.density_form)
            if key not in self._cache:
                self._cache[key] = density_statistics(text.corpus_features, [settings.k],
                                                      form=settings.density_form)[settings.k]
            statistic = self._cache[key]
        if rule == "csp" and text.csp_pool is None:
            raise BundleError(f"{self.label}: this bundle has no CSP pool (text.csp_pool), which rule 'csp' needs")
        pool = text.csp_pool
        id_text = text.id_csp if rule == "csp" and text.id_csp is not None else text.id_neglabel
        return mine(rule, settings, corpus_features=text.corpus_features, words=text.corpus.words,
                    parts_of_speech=text.corpus.parts_of_speech, id_text=id_text,
                    csp_features=text.csp_features, csp_words=None if pool is None else pool.words,
                    csp_parts_of_speech=None if pool is None else pool.parts_of_speech,
                    density_statistic=statistic)

    def negative_features(self, rule: str, settings: Settings | None = None) -> np.ndarray:
        """Features of the negatives of :meth:`negatives`."""
        rows = self.negatives(rule, settings)
        source = self.text.csp_features if rule == "csp" else self.text.corpus_features
        return np.asarray(source)[rows]

    def id_label_set(self) -> Any:
        """The ID classes as a :class:`debiasood.data.label_sets.LabelSet` (with wnids where the bundle has
        them): what a corpus filter (:mod:`debiasood.data.filters`) judges the corpus against."""
        from debiasood.data.label_sets import LabelSet

        wnids = None if self.text.id_wnids is None else tuple(self.text.id_wnids)
        return LabelSet(self.id_set, tuple(self.text.id_names), wnids, self.label)

    def filtered(self, keep: np.ndarray, *, name: str) -> FeatureBundle:
        """This bundle with only the corpus words ``keep`` (a filter's keep-mask, one bool per corpus word) keeps,
        and the entries of CSP's pool they imply (:func:`debiasood.data.filters.pool_keep`): rows are re-used,
        nothing is encoded again, the images are the same. Every rule then mines from what remains (a filter
        runs BEFORE mining, so quotas count the kept words). ``name`` tags the corpus (e.g. the filter's name)."""
        from debiasood.data.filters import pool_keep

        text = self.text
        keep = np.asarray(keep)
        if keep.dtype != bool or keep.shape != (len(text.corpus.words),):
            raise BundleError(f"keep must be a bool array with one entry per corpus word ({len(text.corpus.words)}), "
                              f"got dtype {keep.dtype} and shape {keep.shape}")
        if text.fixed_negatives is not None:
            raise BundleError(f"{self.label}: this bundle holds fixed selections made elsewhere, so its corpus "
                              "cannot be filtered before mining")
        rows = np.flatnonzero(keep)
        if rows.size == 0:
            raise BundleError(f"the filter {name!r} removed every corpus word: nothing is left to mine")
        changes: dict[str, Any] = {"corpus": text.corpus.subset(rows, name=f"{text.corpus.name}|{name}"),
                                   "corpus_features": np.asarray(text.corpus_features)[rows]}
        if text.csp_pool is not None:
            pool_rows = np.flatnonzero(pool_keep(keep, text.corpus, text.csp_pool))
            if pool_rows.size == 0:
                raise BundleError(f"the filter {name!r} removed every entry of CSP's pool: nothing is left to mine")
            changes["csp_pool"] = text.csp_pool.subset(pool_rows, name=f"{text.csp_pool.name}|{name}")
            changes["csp_features"] = np.asarray(text.csp_features)[pool_rows]
        # A fresh _cache: the memo of density statistics belongs to the unfiltered corpus.
        return dataclasses.replace(self, text=dataclasses.replace(text, **changes), _cache={})

    def evaluate(self, methods: Sequence[str], settings: Settings | None = None, *,
                 sets: Sequence[str] | None = None, encode_pair_texts: Any = None) -> Evaluation:
        """Score the image sets (the ID set and ``sets``, default every OOD set) with each method of
        :data:`debiasood.core.methods.METHODS`: one :class:`debiasood.core.evaluation.Evaluation`, labelled
        with this bundle's provenance. ``negrefine`` needs ``encode_pair_texts``: the text encoder that made
        this bundle's text side (its "{p} and {n}" texts are embedded at test time; a
        :class:`debiasood.core.scores.PairFeatureCache` keeps each text once)."""
        settings = Settings() if settings is None else settings
        methods = check_methods(methods)
        sets = list(self.ood_sets if sets is None else sets)
        unknown = [name for name in sets if name not in self.images or name == self.id_set]
        if unknown or not sets:
            raise ValueError(f"sets must name OOD sets of this bundle ({', '.join(self.ood_sets)}), got {sets}")
        inputs = {}
        for method in methods:
            spec = METHODS[method]
            id_text = self.text.id_mcm if spec.id_prompt == "mcm" else self.text.id_neglabel
            negatives = None if spec.rule is None else self.negative_features(spec.rule, settings)
            context = None
            if spec.score == "negrefine":
                if encode_pair_texts is None:
                    raise BundleError(f"method {method!r} needs encode_pair_texts: the text encoder of this "
                                      f"bundle ({self.label}), for NegRefine's '{{p}} and {{n}}' texts")
                pool = self.text.csp_pool if spec.rule == "csp" else self.text.corpus
                rows = self.negatives(spec.rule, settings)
                context = {"id_labels": list(self.text.id_names), "neg_labels": [pool.words[i] for i in rows],
                           "encode_pair_texts": encode_pair_texts}
            inputs[method] = MethodInput(spec.score, id_text, negatives, context)
        images = {name: self.images[name].features for name in (self.id_set, *sets)}
        return evaluate(images, self.id_set, inputs, settings=settings, label=self.label)

    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the bundle to the folder ``path`` (atomically: a temporary folder renamed into place)."""
        from safetensors.numpy import save

        target = Path(path)
        if target.exists() and not overwrite:
            raise BundleError(f"{target} exists; pass overwrite=True (CLI: --overwrite) to replace it")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
        try:
            files: dict[str, bytes] = {}
            text = {name: _f32(getattr(self.text, name)) for name in _TEXT_TENSORS}
            if self.text.csp_features is not None:
                text["csp_features"] = _f32(self.text.csp_features)
            if self.text.id_csp is not None:
                text["id_csp"] = _f32(self.text.id_csp)
            files["text.safetensors"] = save(text)
            corpus = {"corpus": _corpus_json(self.text.corpus),
                      "csp_pool": None if self.text.csp_pool is None else _corpus_json(self.text.csp_pool)}
            files["corpus.json"] = _json_bytes(corpus)
            image_meta = {}
            for name, image_set in self.images.items():
                _check_set_name(name)
                tensors = {"features": _f32(image_set.features)}
                if image_set.labels is not None:
                    tensors["labels"] = np.asarray(image_set.labels, dtype=np.int64)
                files[f"images/{name}.safetensors"] = save(tensors)
                if image_set.files is not None:
                    files[f"images/{name}.json"] = _json_bytes(list(image_set.files))
                image_meta[name] = {"count": len(image_set), "labels": image_set.labels is not None,
                                    "files": image_set.files is not None}
            manifest = {
                "format": FORMAT, "version": FORMAT_VERSION,
                "provenance": {**self.provenance.__dict__, "prompts": dict(self.provenance.prompts)},
                "id_set": self.id_set,
                "text": {"id_names": list(self.text.id_names),
                         "id_wnids": None if self.text.id_wnids is None else list(self.text.id_wnids),
                         "corpus_name": self.text.corpus.name, "corpus_size": len(self.text.corpus.words),
                         "csp_pool": self.text.csp_pool is not None,
                         "fixed_negatives": None if self.text.fixed_negatives is None else
                         {rule: [int(i) for i in rows] for rule, rows in self.text.fixed_negatives.items()}},
                "images": image_meta,
                "files": {name: sha256_hex(data) for name, data in files.items()},
            }
            files["manifest.json"] = _json_bytes(manifest)
            for name, data in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return target


def load_bundle(path: str | os.PathLike) -> FeatureBundle:
    """Read and validate a bundle folder; a :class:`BundleError` names the missing or inconsistent field."""
    from safetensors import SafetensorError
    from safetensors.numpy import load

    root = Path(path)
    manifest_path = root / "manifest.json"
    if not root.is_dir():
        raise BundleError(f"{root} is not a folder: a feature bundle is a folder with a manifest.json "
                          "(write one with `debiasood world export` or `debiasood extract`)")
    if not manifest_path.is_file():
        raise BundleError(f"{root} has no manifest.json: not a feature bundle, or an interrupted copy")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleError(f"{manifest_path} is not valid JSON ({error}); the bundle is damaged") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError(f"{manifest_path} is not a {FORMAT} manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise BundleError(f"{root} has bundle format version {manifest.get('version')!r}; this debiasood reads "
                          f"version {FORMAT_VERSION}: write the bundle again with this version")
    for key in ("provenance", "id_set", "text", "images", "files"):
        if key not in manifest:
            raise BundleError(f"{manifest_path} lacks the field {key!r}")
    blobs = {}
    for name, expected in manifest["files"].items():
        file = root / name
        if not file.is_file():
            raise BundleError(f"{file} is listed in the manifest but missing: the bundle is incomplete")
        data = file.read_bytes()
        if sha256_hex(data) != expected:
            raise BundleError(f"{file} does not match its sha256 in the manifest: the file is damaged or was "
                              "changed after the bundle was written; write the bundle again")
        blobs[name] = data
    for required in ("text.safetensors", "corpus.json"):
        if required not in blobs:
            raise BundleError(f"{manifest_path} lists no {required}")
    try:
        text = load(blobs["text.safetensors"])
        images = {name: load(blobs[f"images/{name}.safetensors"]) for name in manifest["images"]}
    except (SafetensorError, KeyError) as error:
        raise BundleError(f"{root}: unreadable or missing tensor file ({error})") from error
    for name in _TEXT_TENSORS:
        if name not in text:
            raise BundleError(f"{root / 'text.safetensors'} lacks the tensor {name!r}")
    corpora = json.loads(blobs["corpus.json"])
    meta = manifest["text"]
    try:
        provenance = Provenance(**manifest["provenance"])
    except TypeError as error:
        raise BundleError(f"{manifest_path}: provenance fields are wrong ({error})") from error
    text_side = TextSide(
        id_names=tuple(meta["id_names"]), id_mcm=text["id_mcm"], id_neglabel=text["id_neglabel"],
        corpus=_corpus_from_json(corpora["corpus"], "corpus"), corpus_features=text["corpus_features"],
        id_wnids=None if meta.get("id_wnids") is None else tuple(meta["id_wnids"]),
        csp_pool=None if corpora.get("csp_pool") is None else _corpus_from_json(corpora["csp_pool"], "csp_pool"),
        csp_features=text.get("csp_features"), id_csp=text.get("id_csp"),
        fixed_negatives=None if meta.get("fixed_negatives") is None else
        {rule: tuple(rows) for rule, rows in meta["fixed_negatives"].items()},
    )
    image_sets = {}
    for name, info in manifest["images"].items():
        tensors = images[name]
        if "features" not in tensors:
            raise BundleError(f"{root / 'images' / (name + '.safetensors')} lacks the tensor 'features'")
        files = json.loads(blobs[f"images/{name}.json"]) if info.get("files") else None
        image_sets[name] = ImageSet(tensors["features"], tensors.get("labels"),
                                    None if files is None else tuple(files))
    return FeatureBundle(provenance, text_side, image_sets, manifest["id_set"], path=root)


def make_provenance(*, world: str, model: str, pretrained: str, dim: int, prompts: Mapping[str, str],
                    corpus: LabelCorpus, command: Sequence[str] | str) -> Provenance:
    """A :class:`Provenance` stamped with the package version and the current UTC time."""
    from debiasood import __version__

    command = command if isinstance(command, str) else " ".join(command)
    return Provenance(world=world, model=model, pretrained=pretrained, dim=int(dim), prompts=dict(prompts),
                      corpus_name=corpus.name, corpus_fingerprint=corpus.fingerprint, command=command,
                      package_version=__version__, created_utc=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


def _check_rows(name: str, value: Any, rows: int | None, dim: int | None = None) -> None:
    array = np.asarray(value)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.floating):
        raise BundleError(f"{name} must be a 2-D float matrix, got {array.dtype} with shape {array.shape}")
    if rows is not None and array.shape[0] != rows:
        raise BundleError(f"{name} has {array.shape[0]} rows, expected {rows}")
    if dim is not None and array.shape[1] != dim:
        raise BundleError(f"{name} has dimension {array.shape[1]}, expected {dim} (all features of a bundle "
                          "must come from one model)")
    if not np.isfinite(array).all():
        raise BundleError(f"{name} contains NaN or inf")
    if array.shape[0]:
        worst = float(np.abs(np.linalg.norm(array.astype(np.float64), axis=1) - 1).max())
        if worst > _NORM_TOLERANCE:
            raise BundleError(f"{name} rows must be L2-normalised (worst |norm - 1| = {worst:.3g})")


def _check_set_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_." for c in name) or name.startswith("."):
        raise BundleError(f"image set name {name!r} must be letters, digits, '-', '_' or '.' (it names a file)")


def _f32(array: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(array, dtype=np.float32))


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _corpus_json(corpus: LabelCorpus) -> dict[str, Any]:
    return {"name": corpus.name, "words": list(corpus.words), "parts_of_speech": list(corpus.parts_of_speech),
            "synsets": list(corpus.synsets), "lexfiles": list(corpus.lexfiles),
            "source_words": list(corpus.source_words)}


def _corpus_from_json(value: Any, name: str) -> LabelCorpus:
    try:
        return LabelCorpus(value["name"], tuple(value["words"]), tuple(value["parts_of_speech"]),
                           tuple(value["synsets"]), tuple(value["lexfiles"]), tuple(value["source_words"]))
    except (KeyError, TypeError, ValueError) as error:
        raise BundleError(f"corpus.json: the {name} entry is incomplete or inconsistent ({error})") from error
