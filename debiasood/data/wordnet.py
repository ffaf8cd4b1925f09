"""WordNet 3.0 through nltk, offline from Debian's ``wordnet-base`` or online from ``nltk.download('wordnet')``,
checked before use.

Every label corpus and every ImageNet wnid in this project is WordNet 3.0 (a wnid ``n01440764`` is the noun
synset at byte offset 1440764 of WordNet 3.0's ``data.noun``), so this module only ever loads WordNet 3.0 and
refuses any other version.

Where the data comes from, in this order (:func:`find_wordnet_files`, :func:`locate_wordnet`):

1. nltk's own data path. If ``corpora/wordnet`` (a folder, or ``corpora/wordnet.zip``) is on it (someone ran
   ``python -c "import nltk; nltk.download('wordnet')"``, or set ``NLTK_DATA``), that copy is used.
2. A copy of Debian's database made earlier by this module in ``<data_dir>/corpora/wordnet``.
3. Debian's database in ``/usr/share/wordnet`` (``apt-get install wordnet-base``), copied now.
   nltk cannot read it in place: nltk 3.10 refuses paths outside its data path and refuses symlinks, and the
   Debian package lacks the ``lexnames`` file nltk needs. So the files are COPIED (never linked) into
   ``<data_dir>/corpora/wordnet/``, :data:`LEXNAMES` is written as ``lexnames``, and ``data_dir`` is put on
   ``nltk.data.path``. ``data_dir`` defaults to ``$DEBIASOOD_CACHE/nltk_data``, else
   ``~/.cache/debiasood/nltk_data``.

If none is there, :class:`WordNetNotFoundError` says what to run. Nothing here touches the network.

Integrity (:func:`verify_wordnet_files`): a truncated ``data.noun`` still loads and silently shrinks every
corpus, so the files are checked when copied and every time they are read, and a damaged one raises
:class:`WordNetDamagedError` naming the file and the command that repairs it.

- Known bytes: :data:`DEBIAN_SHA256` holds the sha256 of every file of Debian's ``wordnet-base 1:3.0-37`` (and
  of ``index.sense`` from ``wordnet-sense-index 1:3.0-37``). Files with these sums are WordNet 3.0 as packaged.
- Other copies: the bytes of nltk's download (and of other distributions' packages) are not known here, and
  cannot be looked up offline, so such files get structural checks that any intact WordNet 3.0 passes and a
  cut or shifted file fails (:func:`wordnet_structure_problem`): the number of entries of each data and index
  file is WordNet 3.0's (82,115 noun synsets, 117,798 noun lemmas, ...), every synset's offset in a data file
  is its byte offset (the property wnids rely on), and every file ends with a complete line. The exception and
  count files (``*.exc``, ``cntlist.rev``) are checked for form only. This catches truncation and insertions,
  not a same-length edit inside a line: only the sums do that.
- This module's own copy: at copy time the source is checked (sums, else structure) and the sha256 of every
  copied file is written to ``debiasood-wordnet.json`` inside the copy; every later read compares the files
  with it, so any change to the copy is caught, whatever the source.

A check reads the ~28 MB of files once (about 0.1 s); its result is reused for the rest of the process while
the files' sizes and modification times stay the same. :attr:`WordNetCheck.digest` (over the files' sums)
keys the corpus presets cached on disk (:mod:`debiasood.data.corpora`), so a preset built from one WordNet copy
is never served for another.

The reader is nltk's ``WordNetCorpusReader(root, None)`` (no Open Multilingual WordNet). One nltk 3.10 detail
is overridden: at construction nltk maps the loaded WordNet onto the "wordnet" corpus through ``index.sense``
(only used by multilingual lookups). Debian ships that file in a separate package (``wordnet-sense-index``),
and for WordNet 3.0 the map is the identity anyway, which nltk itself writes as ``None``.

Bulk work (all ~100k noun and adjective synsets, hypernym closures) does not go through nltk's ``Synset``
objects, which parse one line at a time (about 40 s for all nouns and adjectives here). :class:`SynsetTable`
parses the same ``data.noun`` and ``data.adj`` files, read through the nltk reader, in about a second; tests
check it against nltk synset by synset on a sample. The file format is Princeton's ``wndb(5WN)``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

DEBIAN_WORDNET_DIR = Path("/usr/share/wordnet")
WORDNET_VERSION = "3.0"

# The 45 lexicographer files of WordNet 3.0, numbered 00-44, with their syntactic category
# (1 noun, 2 verb, 3 adjective, 4 adverb). Source: Princeton's lexnames(5WN) manual page, shipped by
# wordnet-base as /usr/share/man/man5/lexnames.5WN.gz. The lex_filenum column of data.noun/data.adj only uses
# 00, 01, 03-28 and 44, and tests check every one of them against this table.
LEXNAMES: tuple[tuple[str, int], ...] = (
    ("adj.all", 3), ("adj.pert", 3), ("adv.all", 4), ("noun.Tops", 1), ("noun.act", 1),
    ("noun.animal", 1), ("noun.artifact", 1), ("noun.attribute", 1), ("noun.body", 1), ("noun.cognition", 1),
    ("noun.communication", 1), ("noun.event", 1), ("noun.feeling", 1), ("noun.food", 1), ("noun.group", 1),
    ("noun.location", 1), ("noun.motive", 1), ("noun.object", 1), ("noun.person", 1), ("noun.phenomenon", 1),
    ("noun.plant", 1), ("noun.possession", 1), ("noun.process", 1), ("noun.quantity", 1), ("noun.relation", 1),
    ("noun.shape", 1), ("noun.state", 1), ("noun.substance", 1), ("noun.time", 1), ("verb.body", 2),
    ("verb.change", 2), ("verb.cognition", 2), ("verb.communication", 2), ("verb.competition", 2),
    ("verb.consumption", 2), ("verb.contact", 2), ("verb.creation", 2), ("verb.emotion", 2), ("verb.motion", 2),
    ("verb.perception", 2), ("verb.possession", 2), ("verb.social", 2), ("verb.stative", 2), ("verb.weather", 2),
    ("adj.ppl", 3),
)

# Database files copied from Debian: nltk's reader needs data.*, index.* and *.exc; cntlist.rev holds the
# SemCor tag counts (Lemma.count()). index.sense is copied too when wordnet-sense-index is installed.
_REQUIRED_FILES = tuple(f"{kind}.{pos}" for kind in ("data", "index") for pos in ("noun", "verb", "adj", "adv")) + (
    "noun.exc", "verb.exc", "adj.exc", "adv.exc", "cntlist.rev")
_OPTIONAL_FILES = ("index.sense",)
LEXNAMES_FILE = "lexnames"
MANIFEST_FILE = "debiasood-wordnet.json"
"""Written into this module's copy: the sha256 of every copied file, checked on every read."""

DEBIAN_PACKAGES = "wordnet-base 1:3.0-37 and wordnet-sense-index 1:3.0-37"
DEBIAN_SHA256: dict[str, str] = {
    "data.noun": "fea17d2f9656611334eac790e5d69e47645fa180c4aa481fb4cd9b3520754ca2",
    "data.verb": "adcf43e35b581e8036d8b5a52d63d9cd3d3b4870b2720d3c03c799df44777bc2",
    "data.adj": "c89120dfc1f046ddff4a631bf9b7e9fa1a36b5e86565a23bf82dbe14f30b88a7",
    "data.adv": "444a63bf3955080ab7524f5079cfc07ff9bc682cb98bdb1db73b0fb9829f1139",
    "index.noun": "a490d99d93d017bf4822fe2f0ffa51fd73911ce271dc7535fade21f8814b5a04",
    "index.verb": "e2ac24816c3a8289dcb72aaa9cf8db81fdf25ec34d792bfc96ac5b7a20c8b4ae",
    "index.adj": "c9865d7b4d1f805bdef82ccdcea5282436e23083e6f6f1b33e716327c4eda810",
    "index.adv": "6f5465ed5758fe9c8a2f7ec17b1300f3aa875756c70ff7cba162f7e71bcf88ea",
    "noun.exc": "2b5d675c380b39ecf595af9fa9d4e7feb1d58c643b0bff08c40ed5bfe41fab7a",
    "verb.exc": "dbbcf9a601b2d77e934e413b91d90e88ec7f933a8b77cfc00602a923b891b42c",
    "adj.exc": "8824cc24bbedd797b9702316b27f07cd4c2b76b629539f0a1276f03926758016",
    "adv.exc": "e7291461b629abfe63301bbe1998cee09fd575ed7107abd7ea9763adb05bf0a8",
    "cntlist.rev": "a198580b8f705fa02797bba8b13e5cbe4a9f9f40cb1697e774c7fc6a5865b035",
    "index.sense": "ce997000ec806318ff1dfadf77d314ac527358e127d7bbe3d1f4e83a1c5c1c2b",
}
"""sha256 of the files of Debian bookworm's wordnet-base 1:3.0-37 (``/usr/share/wordnet``), and of
``index.sense`` from wordnet-sense-index 1:3.0-37, computed from the installed packages."""

WORDNET_30_ENTRIES: dict[str, int] = {
    "data.noun": 82_115, "data.verb": 13_767, "data.adj": 18_156, "data.adv": 3_621,
    "index.noun": 117_798, "index.verb": 11_529, "index.adj": 21_479, "index.adv": 4_481,
    "index.sense": 206_941,
}
"""Entries (lines outside the licence header) of WordNet 3.0's data and index files: its published counts of
synsets (82,115 / 13,767 / 18,156 / 3,621) and of unique strings per part of speech (117,798 / 11,529 /
21,479 / 4,481), and its 206,941 sense keys."""

_FIELDS_PER_LINE = {"noun.exc": 2, "verb.exc": 2, "adj.exc": 2, "adv.exc": 2, "cntlist.rev": 3}  # at least

INSTALL_HINT = (
    "WordNet 3.0 is not available. Install it in one of two ways:\n"
    "  offline (Debian/Ubuntu):  apt-get install wordnet-base\n"
    "  online (any system):      python -c \"import nltk; nltk.download('wordnet')\"\n"
)
REPAIR_COMMAND = "debiasood wordnet --repair"


class WordNetNotFoundError(LookupError):
    """Neither nltk's data path nor Debian's wordnet-base holds WordNet 3.0."""


class WordNetDamagedError(WordNetNotFoundError):
    """A WordNet file is missing, cut short or altered; the message names the file and the repair command."""


def default_data_dir() -> Path:
    """``$DEBIASOOD_CACHE/nltk_data``, else ``~/.cache/debiasood/nltk_data``."""
    cache = os.environ.get("DEBIASOOD_CACHE")
    base = Path(cache).expanduser() if cache else Path.home() / ".cache" / "debiasood"
    return base / "nltk_data"


def lexnames_text() -> str:
    """The ``lexnames`` file nltk reads: ``NN<TAB>name<TAB>category`` per line, numbered from 00."""
    return "".join(f"{i:02d}\t{name}\t{category}\n" for i, (name, category) in enumerate(LEXNAMES))


@functools.cache
def _reader_class() -> type:
    """nltk's reader, minus the identity version map that would need ``index.sense`` (see the module doc).

    Built on first use: importing nltk takes seconds, and ``import debiasood.corpus`` should not.
    """
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class WordNet30Reader(WordNetCorpusReader):
        def map_wn(self, version="wordnet"):
            return None

    return WordNet30Reader


# ---- finding the files (without importing nltk, which costs seconds) ----


def nltk_search_path() -> list[str]:
    """nltk's data path: the live ``nltk.data.path`` when nltk is imported, else the list nltk 3.10 builds at
    import (``NLTK_DATA``, ``~/nltk_data``, under ``sys.prefix``, then the system folders), so that finding a
    copy does not cost importing nltk. A test compares the two."""
    if "nltk.data" in sys.modules:
        return list(sys.modules["nltk.data"].path)
    path = [os.path.expanduser(entry) for entry in os.environ.get("NLTK_DATA", "").split(os.pathsep) if entry]
    if "APPENGINE_RUNTIME" not in os.environ and os.path.expanduser("~/") != "~/":
        path.append(os.path.expanduser("~/nltk_data"))
    path += [os.path.join(sys.prefix, "nltk_data"), os.path.join(sys.prefix, "share", "nltk_data"),
             os.path.join(sys.prefix, "lib", "nltk_data"), "/usr/share/nltk_data", "/usr/local/share/nltk_data",
             "/usr/lib/nltk_data", "/usr/local/lib/nltk_data"]
    return path


@dataclass(frozen=True)
class WordNetFiles:
    """Where WordNet's database files are: a ``folder``, or a ``zip_file`` (nltk's ``wordnet.zip``, members
    under ``wordnet/``). ``origin`` is "nltk_data" or "debian" (this module's copy of Debian's files);
    ``data_dir`` is the nltk data folder that holds ``corpora/``."""

    origin: str
    data_dir: Path
    folder: Path | None = None
    zip_file: Path | None = None

    def __str__(self) -> str:
        return str(self.folder) if self.folder is not None else f"{self.zip_file} (wordnet/ inside it)"

    def where(self, name: str) -> str:
        """A path for messages."""
        return str(self.folder / name) if self.folder is not None else f"{self.zip_file}:wordnet/{name}"

    def read(self, name: str) -> bytes | None:
        """The file's bytes, or None when it is not there."""
        if self.folder is not None:
            path = self.folder / name
            return path.read_bytes() if path.is_file() else None
        with zipfile.ZipFile(self.zip_file) as archive:
            try:
                return archive.read(f"wordnet/{name}")
            except KeyError:
                return None

    def stamp(self) -> tuple:
        """Sizes and modification times of the files (or of the zip): changes whenever a file does."""
        if self.folder is None:
            stat = self.zip_file.stat()
            return (str(self.zip_file), stat.st_size, stat.st_mtime_ns)
        stats = []
        for name in (*_REQUIRED_FILES, *_OPTIONAL_FILES, LEXNAMES_FILE, MANIFEST_FILE):
            try:
                stat = (self.folder / name).stat()
            except FileNotFoundError:
                stats.append((name, None))
                continue
            stats.append((name, stat.st_size, stat.st_mtime_ns))
        return (str(self.folder), *stats)


def find_wordnet_files(
    data_dir: str | os.PathLike | None = None,
    *,
    use_nltk_data: bool = True,
    search_path: list[str] | None = None,
) -> WordNetFiles | None:
    """Where WordNet is, in the order of the module docstring, without importing nltk or copying anything;
    None when it is in neither place (:func:`locate_wordnet` then copies Debian's files).

    On nltk's data path (``search_path``, default :func:`nltk_search_path`, minus ``data_dir``) folders come
    before zip files, as in ``nltk.data.find``. ``<data_dir>/corpora/wordnet`` counts once it has its
    ``lexnames`` file (the last file a copy writes); a folder without it is reported as damaged.
    """
    data_dir = _resolved_data_dir(data_dir)
    if use_nltk_data:
        others = [Path(p).expanduser() for p in (nltk_search_path() if search_path is None else search_path)]
        others = [p for p in others if p.resolve() != data_dir]
        for entry in others:
            if (entry / "corpora" / "wordnet").is_dir():
                return WordNetFiles("nltk_data", entry, folder=entry / "corpora" / "wordnet")
        for entry in others:
            if (entry / "corpora" / "wordnet.zip").is_file():
                return WordNetFiles("nltk_data", entry, zip_file=entry / "corpora" / "wordnet.zip")
    target = data_dir / "corpora" / "wordnet"
    if (target / LEXNAMES_FILE).is_file():
        return WordNetFiles("debian", data_dir, folder=target)
    if target.exists():
        raise WordNetDamagedError(
            f"{target} exists but is incomplete (no {LEXNAMES_FILE}: an interrupted copy?). Repair: "
            f"{REPAIR_COMMAND} (or delete the folder and run again)")
    return None


def _resolved_data_dir(data_dir: str | os.PathLike | None) -> Path:
    return (Path(data_dir) if data_dir is not None else default_data_dir()).expanduser().resolve()


# ---- checking the files ----


@dataclass(frozen=True)
class WordNetCheck:
    """What :func:`verify_wordnet_files` found: the sha256 of every file, and how they were checked
    (``method``: "sha256 of Debian's packages", "sha256 recorded when copied" or "structure of WordNet 3.0")."""

    files: dict[str, str] = field(hash=False)
    method: str

    @property
    def digest(self) -> str:
        """sha256 over the files' names and sums: names WordNet's content."""
        return hashlib.sha256(json.dumps(sorted(self.files.items())).encode()).hexdigest()


def wordnet_structure_problem(name: str, data: bytes) -> str | None:
    """What is wrong with ``data`` as WordNet 3.0's file ``name`` (see the module docstring), or None.

    Data files: entry count, every synset's offset equal to its byte offset, a final newline. Index files
    (and ``index.sense``): entry count and a final newline. ``lexnames``: the 45 files of :data:`LEXNAMES`.
    Exception and count files: a final newline and at least 2 (3 for ``cntlist.rev``) fields per line.
    """
    if not data:
        return "it is empty"
    if not data.endswith(b"\n"):
        return "its last line is incomplete (the file was cut short)"
    if name == LEXNAMES_FILE:
        rows = [line.split() for line in data.decode("ascii", "replace").splitlines()]
        expected = [[f"{i:02d}", lexname, str(category)] for i, (lexname, category) in enumerate(LEXNAMES)]
        return None if rows == expected else "it does not list WordNet 3.0's 45 lexicographer files"
    lines = data.split(b"\n")[:-1]
    if name in WORDNET_30_ENTRIES:
        entries, offset = 0, 0
        for line in lines:
            if not line.startswith(b"  "):  # the licence header lines start with two spaces
                entries += 1
                if name.startswith("data.") and not line.startswith(b"%08d " % offset):
                    return (f"the synset at byte {offset} says it is at {line[:8].decode('ascii', 'replace')!r} (bytes "
                            "were removed or inserted before it)")
            offset += len(line) + 1
        if entries != WORDNET_30_ENTRIES[name]:
            return (f"it holds {entries:,} entries where WordNet 3.0 has {WORDNET_30_ENTRIES[name]:,} (cut short, or "
                    "another WordNet version)")
        return None
    short = next((number for number, line in enumerate(lines, 1) if len(line.split()) < _FIELDS_PER_LINE[name]), None)
    return None if short is None else f"line {short} has fewer than {_FIELDS_PER_LINE[name]} fields"


def _repair_hint(files: WordNetFiles) -> str:
    if files.origin == "debian":
        return (f"Repair: {REPAIR_COMMAND} (copies the files again from {DEBIAN_WORDNET_DIR}; or delete "
                f"{files.folder} and run again)")
    return ("Repair: python -c \"import nltk; nltk.download('wordnet', download_dir="
            f"'{files.data_dir}', force=True)\" (needs internet), or delete {files} to use Debian's copy")


def _damaged(files: WordNetFiles, name: str, problem: str) -> WordNetDamagedError:
    return WordNetDamagedError(f"WordNet file {files.where(name)} is damaged: {problem}. A damaged WordNet silently "
                               f"changes every corpus built from it, so it is not used. {_repair_hint(files)}")


def _check_source(files: WordNetFiles, names: list[str]) -> WordNetCheck:
    """Known sums where they match, structural checks for every other file."""
    sums, structural = {}, False
    for name in names:
        data = files.read(name)
        if data is None:
            if name in _REQUIRED_FILES or name == LEXNAMES_FILE:
                raise _damaged(files, name, "the file is missing")
            continue
        sums[name] = hashlib.sha256(data).hexdigest()
        if sums[name] != DEBIAN_SHA256.get(name):
            problem = wordnet_structure_problem(name, data)
            if problem is not None:
                raise _damaged(files, name, problem)
            structural |= name != LEXNAMES_FILE  # lexnames is written by us: it has no Debian sum
    return WordNetCheck(sums, "structure of WordNet 3.0" if structural else f"sha256 of Debian's {DEBIAN_PACKAGES}")


def _check_against_manifest(files: WordNetFiles, manifest: dict) -> WordNetCheck:
    sums = {}
    for name, expected in manifest["files"].items():
        data = files.read(name)
        if data is None:
            raise _damaged(files, name, "the file is missing")
        sums[name] = hashlib.sha256(data).hexdigest()
        if sums[name] != expected:
            size = f"{len(data):,} bytes; sha256 {sums[name][:12]}... where the copy recorded {expected[:12]}..."
            raise _damaged(files, name, f"it changed since it was copied ({size})")
    return WordNetCheck(sums, "sha256 recorded when copied")


def _read_manifest(files: WordNetFiles) -> dict | None:
    raw = files.read(MANIFEST_FILE) if files.origin == "debian" else None
    if raw is None:
        return None
    try:
        manifest = json.loads(raw)
        if not isinstance(manifest.get("files"), dict) or not set(_REQUIRED_FILES) <= manifest["files"].keys():
            raise ValueError("it does not list every required file")
    except (ValueError, AttributeError) as err:
        raise _damaged(files, MANIFEST_FILE, f"the record of the copied files is unreadable ({err})") from err
    return manifest


def _write_manifest(folder: Path, check: WordNetCheck) -> None:
    from debiasood.data.files import atomic_write_bytes

    record = {"files": check.files, "source_check": check.method}
    atomic_write_bytes(folder / MANIFEST_FILE, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())


_verified: dict[tuple, WordNetCheck] = {}  # stamp -> check, for this process


def verify_wordnet_files(files: WordNetFiles) -> WordNetCheck:
    """Check WordNet's files (module docstring), or raise :class:`WordNetDamagedError` naming the damaged file
    and the repair command. This module's copy is compared with the sums recorded when it was made (a copy made
    before such records existed is checked like any other copy, then gets its record)."""
    stamp = files.stamp()
    if stamp in _verified:
        return _verified[stamp]
    manifest = _read_manifest(files)
    if manifest is not None:
        check = _check_against_manifest(files, manifest)
    else:
        present = [n for n in _OPTIONAL_FILES if files.read(n) is not None]
        check = _check_source(files, [*_REQUIRED_FILES, *present, LEXNAMES_FILE])
        if files.origin == "debian":
            _write_manifest(files.folder, check)
            stamp = files.stamp()
    _verified[stamp] = check
    return check


# ---- copying Debian's files ----


def _copy_debian(debian_dir: Path, target: Path) -> WordNetCheck:
    """Check Debian's files, copy them and write ``lexnames`` and the record of sums; atomic (a staging folder
    renamed into place), so concurrent processes never see half a copy. Returns the copy's check."""
    missing = [name for name in _REQUIRED_FILES if not (debian_dir / name).is_file()]
    if missing:
        raise WordNetNotFoundError(f"{debian_dir} lacks {missing}.\n{INSTALL_HINT}")
    source = WordNetFiles("debian-source", debian_dir, folder=debian_dir)
    present = [name for name in _OPTIONAL_FILES if (debian_dir / name).is_file()]
    try:
        source_check = _check_source(source, [*_REQUIRED_FILES, *present])
    except WordNetDamagedError as err:
        raise WordNetDamagedError(f"{err}. Debian's own files are damaged: reinstall them with "
                                  "apt-get install --reinstall wordnet-base") from err
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for name in (*_REQUIRED_FILES, *present):
            shutil.copyfile(debian_dir / name, staging / name)  # a copy, never a link: nltk refuses links
        (staging / LEXNAMES_FILE).write_text(lexnames_text(), encoding="ascii")
        copied = WordNetFiles("debian", target.parent.parent, folder=staging)
        check = _check_against_manifest(copied, {"files": source_check.files})  # the copy is the source, byte for byte
        check = WordNetCheck({**check.files, LEXNAMES_FILE: hashlib.sha256(lexnames_text().encode()).hexdigest()},
                             source_check.method)
        _write_manifest(staging, check)
        staging.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:
            if not (target / LEXNAMES_FILE).is_file():  # not another process winning the race: a real failure
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return check


def repair_wordnet(
    data_dir: str | os.PathLike | None = None, *, debian_dir: str | os.PathLike = DEBIAN_WORDNET_DIR
) -> WordNetCheck:
    """Replace this module's copy in ``<data_dir>/corpora/wordnet`` by a fresh, checked copy of Debian's files
    (what ``debiasood wordnet --repair`` runs). Other processes should not be reading WordNet meanwhile."""
    data_dir = _resolved_data_dir(data_dir)
    debian_dir = Path(debian_dir)
    if not (debian_dir / "data.noun").is_file():
        raise WordNetNotFoundError(f"there is nothing to copy: {debian_dir} holds no WordNet.\n{INSTALL_HINT}")
    target = data_dir / "corpora" / "wordnet"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging_root = Path(tempfile.mkdtemp(prefix=".wordnet-repair-", dir=target.parent))  # same file system
    try:
        fresh = staging_root / "wordnet"
        check = _copy_debian(debian_dir, fresh)
        if target.exists():
            target.rename(staging_root / "damaged")
        fresh.rename(target)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    _verified.clear()
    get_wordnet.cache_clear()
    return check


# ---- locating and loading ----


@dataclass(frozen=True)
class WordNetLocation:
    """Where WordNet was found: ``root`` (an nltk path pointer), ``origin`` ("nltk_data" or "debian"), the
    ``files`` and how they passed their ``check``."""

    root: object
    origin: str
    files: WordNetFiles | None = None
    check: WordNetCheck | None = None


def _on_nltk_path(directory: Path) -> None:
    import nltk

    entry = str(directory)
    if entry not in nltk.data.path:
        nltk.data.path.insert(0, entry)


def locate_wordnet(
    data_dir: str | os.PathLike | None = None,
    *,
    debian_dir: str | os.PathLike = DEBIAN_WORDNET_DIR,
    use_nltk_data: bool = True,
) -> WordNetLocation:
    """Find WordNet 3.0 (see the module docstring for the order), copying Debian's files if needed, and check
    it (:func:`verify_wordnet_files`). ``data_dir`` is put on ``nltk.data.path`` whenever the Debian copy is used.
    """
    import nltk

    data_dir = _resolved_data_dir(data_dir)
    files = find_wordnet_files(data_dir, use_nltk_data=use_nltk_data, search_path=list(nltk.data.path))
    if files is None:
        debian_dir = Path(debian_dir)
        if not (debian_dir / "data.noun").is_file():
            raise WordNetNotFoundError(
                f"WordNet 3.0 was found neither on nltk's data path {list(nltk.data.path)} nor in {debian_dir}.\n"
                + INSTALL_HINT)
        _copy_debian(debian_dir, data_dir / "corpora" / "wordnet")
        files = WordNetFiles("debian", data_dir, folder=data_dir / "corpora" / "wordnet")
    check = verify_wordnet_files(files)
    if files.origin == "debian":
        _on_nltk_path(data_dir)
    root = nltk.data.find("corpora/wordnet", paths=[str(files.data_dir)])
    return WordNetLocation(root, files.origin, files, check)


@dataclass(frozen=True, eq=False)
class WordNet:
    """A loaded WordNet 3.0: nltk's ``reader``, where it came from, and the fast :class:`SynsetTable`."""

    reader: WordNetCorpusReader
    location: WordNetLocation

    @property
    def origin(self) -> str:
        return self.location.origin

    @cached_property
    def table(self) -> SynsetTable:
        return SynsetTable.from_reader(self.reader)


def load_wordnet(
    data_dir: str | os.PathLike | None = None,
    *,
    debian_dir: str | os.PathLike = DEBIAN_WORDNET_DIR,
    use_nltk_data: bool = True,
) -> WordNet:
    """Load WordNet 3.0 with nltk (a few seconds). Use :func:`get_wordnet` for the shared, cached instance."""
    location = locate_wordnet(data_dir, debian_dir=debian_dir, use_nltk_data=use_nltk_data)
    with warnings.catch_warnings():
        # Passing omw_reader=None is deliberate (no multilingual data offline); nltk warns about it every time.
        warnings.filterwarnings("ignore", message="The multilingual functions are not available", category=UserWarning)
        reader = _reader_class()(location.root, None)
    version = reader.get_version()
    if version != WORDNET_VERSION:
        raise WordNetNotFoundError(
            f"{location.root} holds WordNet {version}, but ImageNet wnids and the official word lists are "
            f"WordNet {WORDNET_VERSION}.\n{INSTALL_HINT}")
    return WordNet(reader, location)


@functools.cache
def get_wordnet() -> WordNet:
    """The process-wide WordNet 3.0, loaded once with the default locations."""
    return load_wordnet()


# ---- fast table of noun and adjective synsets ----

_POS_FILES = (("noun", "n"), ("adj", "a"))


@dataclass(frozen=True, eq=False)
class SynsetTable:
    """Every noun and adjective synset of WordNet 3.0, parsed once from ``data.noun`` and ``data.adj``.

    Keys are ``(pos, offset)`` with pos 'n', 'a' or 's' (satellite adjective). Per synset: its lexicographer
    file, its lemma names (as in the data file, underscores kept, adjective markers such as "(p)" removed),
    and for nouns its hypernyms (pointers '@' and '@i', i.e. class and instance hypernyms, as nltk's
    ``hypernyms() + instance_hypernyms()``). Synset names are nltk's, e.g. 'tabby.n.01'.
    """

    lexname: dict[tuple[str, int], str]
    lemmas: dict[tuple[str, int], tuple[str, ...]]
    hypernyms: dict[int, tuple[int, ...]]
    _offsets_of_lemma: dict[str, dict[str, list[int]]]

    @classmethod
    def from_reader(cls, reader: WordNetCorpusReader) -> SynsetTable:
        lexnames = [name for name, _ in LEXNAMES]
        lexname, lemmas, hypernyms = {}, {}, {}
        for suffix, _ in _POS_FILES:
            with reader.open(f"data.{suffix}") as stream:
                text = stream.read()
            for line in text.splitlines():
                if not line or line.startswith(" "):  # the licence header lines start with two spaces
                    continue
                fields = line.split(" | ", 1)[0].split()
                offset, pos = int(fields[0]), fields[2]
                n_words = int(fields[3], 16)
                names = tuple(_strip_marker(fields[4 + 2 * i]) for i in range(n_words))
                key = (pos, offset)
                lexname[key] = lexnames[int(fields[1])]
                lemmas[key] = names
                if pos == "n":
                    at = 4 + 2 * n_words
                    n_pointers = int(fields[at])
                    parents = [int(fields[at + 2 + 4 * i]) for i in range(n_pointers)
                               if fields[at + 1 + 4 * i] in ("@", "@i")]
                    hypernyms[offset] = tuple(parents)
        # nltk's map from lemma to synset offsets per POS, in sense order; it names synsets with it.
        return cls(lexname, lemmas, hypernyms, reader._lemma_pos_offset_map)

    def __len__(self) -> int:
        return len(self.lexname)

    def keys(self, pos: str | None = None) -> list[tuple[str, int]]:
        """Synset keys in file order (offset order); ``pos`` 'n' or 'a' (adjectives include satellites)."""
        if pos is None:
            return list(self.lexname)
        wanted = {"n": ("n",), "a": ("a", "s")}[pos]
        return [key for key in self.lexname if key[0] in wanted]

    def name(self, key: tuple[str, int]) -> str:
        """nltk's synset name: first lemma lowercased, pos, sense number of that lemma (e.g. 'tabby.n.01')."""
        pos, offset = key
        lemma = self.lemmas[key][0].lower()
        return f"{lemma}.{pos}.{self._offsets_of_lemma[lemma][pos].index(offset) + 1:02d}"

    @cached_property
    def key_of_name(self) -> dict[str, tuple[str, int]]:
        return {self.name(key): key for key in self.lexname}

    @cached_property
    def hyponyms(self) -> dict[int, tuple[int, ...]]:
        """Inverse of :attr:`hypernyms` (class and instance hyponyms), noun offsets only."""
        children: dict[int, list[int]] = {}
        for child, parents in self.hypernyms.items():
            for parent in parents:
                children.setdefault(parent, []).append(child)
        return {parent: tuple(kids) for parent, kids in children.items()}

    @cached_property
    def noun_depth(self) -> dict[int, int]:
        """Shortest hypernym distance of every noun to a root (entity.n.01 has 0), as nltk's ``min_depth()``."""
        depth = {offset: 0 for offset, parents in self.hypernyms.items() if not parents}
        queue = deque(depth)
        while queue:
            offset = queue.popleft()
            for child in self.hyponyms.get(offset, ()):
                if child not in depth:
                    depth[child] = depth[offset] + 1
                    queue.append(child)
        return depth

    def hyponym_closure(self, offsets) -> set[int]:
        """All nouns below ``offsets`` at any depth (the offsets themselves excluded unless reached again)."""
        seen: set[int] = set()
        stack = [child for offset in offsets for child in self.hyponyms.get(offset, ())]
        while stack:
            offset = stack.pop()
            if offset not in seen:
                seen.add(offset)
                stack.extend(self.hyponyms.get(offset, ()))
        return seen

    def hypernyms_within(self, offsets, levels: int) -> dict[int, int]:
        """Nouns 1..``levels`` hypernym steps above ``offsets``, each with its smallest number of steps."""
        found: dict[int, int] = {}
        frontier = set(offsets)
        for step in range(1, levels + 1):
            frontier = {parent for offset in frontier for parent in self.hypernyms.get(offset, ())}
            for offset in frontier:
                found.setdefault(offset, step)
        return found


def _strip_marker(word: str) -> str:
    """Drop an adjective's syntactic marker, e.g. 'galore(ip)' -> 'galore' (wndb(5WN), as nltk does)."""
    return word[: word.index("(")] if word.endswith(")") and "(" in word else word


def wnid_to_key(wnid: str) -> tuple[str, int]:
    """'n01440764' -> ('n', 1440764). ImageNet wnids are WordNet 3.0 noun offsets."""
    if len(wnid) != 9 or wnid[0] != "n" or not wnid[1:].isdigit():
        raise ValueError(f"a wnid is 'n' followed by 8 digits (e.g. 'n01440764'), got {wnid!r}")
    return "n", int(wnid[1:])


def key_to_wnid(key: tuple[str, int]) -> str:
    pos, offset = key
    if pos != "n":
        raise ValueError(f"only noun synsets have wnids, got pos {pos!r}")
    return f"n{offset:08d}"
