"""WordNet 3.0 through nltk, offline from Debian's ``wordnet-base`` or online from ``nltk.download('wordnet')``.

Every label corpus and every ImageNet wnid in this project is WordNet 3.0 (a wnid ``n01440764`` is the noun
synset at byte offset 1440764 of WordNet 3.0's ``data.noun``), so this module only ever loads WordNet 3.0 and
refuses any other version.

Where the data comes from, in this order (:func:`locate_wordnet`):

1. nltk's own data path. If ``nltk.data.find('corpora/wordnet')`` succeeds (someone ran
   ``python -c "import nltk; nltk.download('wordnet')"``, or set ``NLTK_DATA``), that copy is used.
2. A copy of Debian's database made earlier by this module in ``<data_dir>/corpora/wordnet``.
3. Debian's database in ``/usr/share/wordnet`` (``apt-get install wordnet-base``), copied now.
   nltk cannot read it in place: nltk 3.10 refuses paths outside its data path and refuses symlinks, and the
   Debian package lacks the ``lexnames`` file nltk needs. So the files are COPIED (never linked) into
   ``<data_dir>/corpora/wordnet/``, :data:`LEXNAMES` is written as ``lexnames``, and ``data_dir`` is put on
   ``nltk.data.path``. ``data_dir`` defaults to ``$DEBIASOOD_CACHE/nltk_data``, else
   ``~/.cache/debiasood/nltk_data``.

If none is there, :class:`WordNetNotFoundError` says what to run. Nothing here touches the network.

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
import os
import shutil
import tempfile
import warnings
from collections import deque
from dataclasses import dataclass
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

INSTALL_HINT = (
    "WordNet 3.0 is not available. Install it in one of two ways:\n"
    "  offline (Debian/Ubuntu):  apt-get install wordnet-base\n"
    "  online (any system):      python -c \"import nltk; nltk.download('wordnet')\"\n"
)


class WordNetNotFoundError(LookupError):
    """Neither nltk's data path nor Debian's wordnet-base holds WordNet 3.0."""


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


@dataclass(frozen=True)
class WordNetLocation:
    """Where WordNet was found: ``root`` (an nltk path pointer) and ``origin`` ("nltk_data" or "debian")."""

    root: object
    origin: str


def _on_nltk_path(directory: Path) -> None:
    import nltk

    entry = str(directory)
    if entry not in nltk.data.path:
        nltk.data.path.insert(0, entry)


def _find_in(paths: list[str]) -> object | None:
    import nltk

    if not paths:
        return None
    try:
        return nltk.data.find("corpora/wordnet", paths=paths)
    except LookupError:
        return None


def _copy_debian(debian_dir: Path, target: Path) -> None:
    """Copy Debian's database and write ``lexnames``; atomic, so concurrent processes never see half a copy."""
    missing = [name for name in _REQUIRED_FILES if not (debian_dir / name).is_file()]
    if missing:
        raise WordNetNotFoundError(f"{debian_dir} lacks {missing}.\n{INSTALL_HINT}")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for name in _REQUIRED_FILES + _OPTIONAL_FILES:
            if (debian_dir / name).is_file():
                shutil.copyfile(debian_dir / name, staging / name)  # a copy, never a link: nltk refuses links
        (staging / "lexnames").write_text(lexnames_text(), encoding="ascii")
        staging.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "lexnames").is_file():  # not another process winning the race: a real failure
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def locate_wordnet(
    data_dir: str | os.PathLike | None = None,
    *,
    debian_dir: str | os.PathLike = DEBIAN_WORDNET_DIR,
    use_nltk_data: bool = True,
) -> WordNetLocation:
    """Find WordNet 3.0 (see the module docstring for the order), copying Debian's files if needed.

    ``data_dir`` is put on ``nltk.data.path`` whenever the Debian copy is used.
    """
    import nltk

    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    data_dir = data_dir.expanduser().resolve()
    if use_nltk_data:
        others = [p for p in nltk.data.path if Path(p).expanduser().resolve() != data_dir]
        root = _find_in(others)
        if root is not None:
            return WordNetLocation(root, "nltk_data")
    target = data_dir / "corpora" / "wordnet"
    if not (target / "lexnames").is_file():
        if target.exists():
            raise WordNetNotFoundError(f"{target} exists but is incomplete (no lexnames): delete it and retry.")
        debian_dir = Path(debian_dir)
        if not (debian_dir / "data.noun").is_file():
            raise WordNetNotFoundError(
                f"WordNet 3.0 was found neither on nltk's data path {list(nltk.data.path)} nor in {debian_dir}.\n"
                + INSTALL_HINT)
        _copy_debian(debian_dir, target)
    _on_nltk_path(data_dir)
    root = _find_in([str(data_dir)])
    if root is None:  # pragma: no cover - nltk refused a directory we just wrote
        raise WordNetNotFoundError(f"nltk does not accept {target}.\n{INSTALL_HINT}")
    return WordNetLocation(root, "debian")


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
