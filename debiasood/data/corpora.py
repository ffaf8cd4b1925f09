"""Label corpora: the "wild" candidate words that negative labels are mined from, built from WordNet 3.0.

The rule (method reference: corpora), shared by NegLabel, CSP and DNM's official word lists: ONE word per synset, the
synset's first lemma name, lowercased, underscores turned into spaces. Satellite adjectives ('s') count as
adjectives. Each word keeps its part of speech ("noun"/"adj"), its synset name (e.g. 'tabby.n.01') and its
lexicographer file, which the false-negative audit and the ablations need.

De-duplication: the lexicographer files are visited in SORTED order of their names (the official code used
the filesystem listing order, which differs between machines), synsets within a file in offset order, and the
first file (then the first synset) that yields a word keeps it.

Presets (:data:`PRESETS`):

- ``full``: every noun and adjective file (26 noun files and adj.all, adj.pert, adj.ppl).
- ``neglabel``: ``full`` without noun.animal and noun.food (NegLabel, Jiang et al. ICLR 2024).
- ``dnm``: ``neglabel`` without noun.person, noun.quantity, noun.group and adj.pert (DNM's official default,
  also CSP's base corpus).
- ``csp``: ``dnm``'s words. CSP's pool adds "adjective + superclass word" phrases: :func:`csp_pool`.

Measured on WordNet 3.0 (Debian wordnet-base 1:3.0-37; the same database as nltk's 'wordnet' package):

========  ======  ======  ======
preset    total   nouns   adjs
========  ======  ======  ======
full      79,403  65,397  14,006
neglabel  70,794  56,788  14,006
dnm       57,493  46,446  11,047
========  ======  ======  ======

The official DNM corpus has 56,620 words; the first-lemma rule gives 57,493 (873 more, 1.5%). The method reference has
the comparison with the official files: Jaccard 0.978 over the whole DNM corpus and 0.96-1.00 per noun file,
with adj.all differing most (the regenerated list keeps most satellite adjectives). The difference is not the
de-duplication order (sorting only decides WHICH file keeps a shared word, not how many words survive) but the
official lists' own curation, which no rule applied to WordNet 3.0 reproduces exactly. Taking every lemma
instead of the first would nearly double the corpus.

The "common words" corpus (DNM's corpus ablation) is :func:`common_words_corpus`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from debiasood.data.wordnet import WordNet, get_wordnet

NOUN, ADJECTIVE = "noun", "adj"  # the part-of-speech labels of debiasood.core.mining
_PART_OF_POS = {"n": NOUN, "a": ADJECTIVE, "s": ADJECTIVE}

NOUN_LEXFILES = (
    "noun.Tops", "noun.act", "noun.animal", "noun.artifact", "noun.attribute", "noun.body", "noun.cognition",
    "noun.communication", "noun.event", "noun.feeling", "noun.food", "noun.group", "noun.location",
    "noun.motive", "noun.object", "noun.person", "noun.phenomenon", "noun.plant", "noun.possession",
    "noun.process", "noun.quantity", "noun.relation", "noun.shape", "noun.state", "noun.substance",
    "noun.time",
)
ADJECTIVE_LEXFILES = ("adj.all", "adj.pert", "adj.ppl")

_FULL = NOUN_LEXFILES + ADJECTIVE_LEXFILES
_NEGLABEL = tuple(f for f in _FULL if f not in ("noun.animal", "noun.food"))
_DNM = tuple(f for f in _NEGLABEL if f not in ("noun.person", "noun.quantity", "noun.group", "adj.pert"))

#: Lexicographer files of each preset (sorted; the build sorts again whatever it is given).
PRESETS: dict[str, tuple[str, ...]] = {
    "full": tuple(sorted(_FULL)),
    "neglabel": tuple(sorted(_NEGLABEL)),
    "dnm": tuple(sorted(_DNM)),
    "csp": tuple(sorted(_DNM)),
}


@dataclass(frozen=True)
class LabelCorpus:
    """Candidate labels with, per word, its part of speech, WordNet synset and lexicographer file.

    ``source_words`` is the word each entry was made from: the word itself for WordNet presets, the wordfreq
    word for :func:`common_words_corpus`, the adjective for a CSP phrase. ``name`` is not part of the
    fingerprint: two corpora with the same content share cached features.
    """

    name: str
    words: tuple[str, ...]
    parts_of_speech: tuple[str, ...]
    synsets: tuple[str, ...]
    lexfiles: tuple[str, ...]
    source_words: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if not self.source_words:
            object.__setattr__(self, "source_words", self.words)
        columns = ("words", "parts_of_speech", "synsets", "lexfiles", "source_words")
        lengths = {c: len(getattr(self, c)) for c in columns}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"LabelCorpus columns must have equal lengths, got {lengths}")
        for c in columns:
            if not isinstance(getattr(self, c), tuple):
                raise TypeError(f"LabelCorpus.{c} must be a tuple")
        bad = set(self.parts_of_speech) - {NOUN, ADJECTIVE}
        if bad:
            raise ValueError(f"parts_of_speech must be {NOUN!r} or {ADJECTIVE!r}, got {sorted(bad)}")
        if len(set(self.words)) != len(self.words):
            raise ValueError("LabelCorpus words must be unique")

    def __len__(self) -> int:
        return len(self.words)

    @functools.cached_property
    def fingerprint(self) -> str:
        """sha256 of the content (every column, in order): a key for cached text features."""
        payload = json.dumps(
            ["debiasood.LabelCorpus/1", self.words, self.parts_of_speech, self.synsets, self.lexfiles,
             self.source_words], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def subset(self, indices: Sequence[int], *, name: str | None = None) -> LabelCorpus:
        """The entries at ``indices`` (in that order), e.g. a quick SMOKE corpus: ``corpus.subset(range(0, n, 10))``."""
        rows = [int(i) for i in indices]
        if not rows:
            raise ValueError("a corpus subset needs at least one index")
        if min(rows) < -len(self) or max(rows) >= len(self):
            raise IndexError(f"corpus subset index out of range for {len(self)} words")
        pick = lambda column: tuple(column[i] for i in rows)  # noqa: E731
        return LabelCorpus(name=name or f"{self.name}[subset of {len(rows)}]", words=pick(self.words),
                           parts_of_speech=pick(self.parts_of_speech), synsets=pick(self.synsets),
                           lexfiles=pick(self.lexfiles), source_words=pick(self.source_words))

    def counts(self) -> dict[str, int]:
        """Number of words per part of speech, e.g. ``{'noun': 46446, 'adj': 11047}``."""
        return {part: self.parts_of_speech.count(part) for part in (NOUN, ADJECTIVE)}

    def lexfile_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for lexfile in self.lexfiles:
            counts[lexfile] = counts.get(lexfile, 0) + 1
        return dict(sorted(counts.items()))


def first_lemma_word(lemma_name: str) -> str:
    """The corpus form of a lemma name: lowercased, underscores to spaces ('Tinca_tinca' -> 'tinca tinca')."""
    return lemma_name.lower().replace("_", " ")


def build_corpus(lexfiles: Iterable[str], *, wordnet: WordNet | None = None, name: str = "custom") -> LabelCorpus:
    """One word per synset (its first lemma) from the given lexicographer files, de-duplicated in sorted order.

    Only noun and adjective files are accepted. The order ``lexfiles`` come in does not matter.
    """
    files = sorted(set(lexfiles))
    unknown = [f for f in files if f not in _FULL]
    if unknown or not files:
        raise ValueError(
            f"lexfiles must be noun/adjective lexicographer files from {list(_FULL)}, got {unknown or files}")
    table = (wordnet or get_wordnet()).table
    by_file: dict[str, list[tuple[str, int]]] = {f: [] for f in files}
    for key in table.keys():  # offset order within each data file
        lexfile = table.lexname[key]
        if lexfile in by_file:
            by_file[lexfile].append(key)
    seen: set[str] = set()
    words, parts, synsets, kept_files = [], [], [], []
    for lexfile in files:
        for key in by_file[lexfile]:
            word = first_lemma_word(table.lemmas[key][0])
            if word in seen:
                continue
            seen.add(word)
            words.append(word)
            parts.append(_PART_OF_POS[key[0]])
            synsets.append(table.name(key))
            kept_files.append(lexfile)
    return LabelCorpus(name, tuple(words), tuple(parts), tuple(synsets), tuple(kept_files))


def load_corpus(preset: str, *, wordnet: WordNet | None = None) -> LabelCorpus:
    """A named preset (see :data:`PRESETS`); cached per process for the default WordNet."""
    if preset not in PRESETS:
        raise ValueError(f"unknown corpus preset {preset!r}; known presets: {sorted(PRESETS)}")
    if wordnet is None:
        return _cached_preset(preset)
    return build_corpus(PRESETS[preset], wordnet=wordnet, name=preset)


_COLUMNS = ("words", "parts_of_speech", "synsets", "lexfiles", "source_words")
_DISK_FORMAT = "debiasood.corpus-preset/2"  # bump when build_corpus' rule or the key changes


def preset_cache_path(preset: str, wordnet_digest: str) -> Path:
    """Where :func:`load_corpus` stores a built preset: keyed by the preset's files, the build rule's version and
    the content of the WordNet it was built from (:attr:`debiasood.data.wordnet.WordNetCheck.digest`)."""
    from debiasood.data.files import default_cache_root

    key = hashlib.sha256(json.dumps([_DISK_FORMAT, PRESETS[preset], wordnet_digest]).encode()).hexdigest()[:16]
    return default_cache_root() / "corpora" / f"{preset}-{key}.json"


@functools.cache
def _cached_preset(preset: str) -> LabelCorpus:
    """A preset built once per machine: parsing WordNet with nltk costs ~10 s of CPU in every process.

    The built corpus is stored as JSON in the feature store's folder (:func:`preset_cache_path`). The key
    includes WordNet's content, so a preset built from one copy is never served for another (a repaired
    WordNet, say, rebuilds it). The WordNet files are found and checked without importing nltk (~3 s), so a
    hit costs reading and hashing them (~0.1 s); damaged files raise
    :class:`~debiasood.data.wordnet.WordNetDamagedError` even on a hit. The stored content hash is checked on
    reading; anything unusable is rebuilt and rewritten.
    """
    from debiasood.data.files import atomic_write_bytes
    from debiasood.data.wordnet import find_wordnet_files, verify_wordnet_files

    files = find_wordnet_files()  # None before the first copy of Debian's files: get_wordnet() makes it
    digest = verify_wordnet_files(files).digest if files is not None else get_wordnet().location.check.digest
    path = preset_cache_path(preset, digest)
    if path.is_file():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            corpus = LabelCorpus(preset, *(tuple(stored[c]) for c in _COLUMNS))
            if corpus.fingerprint == stored["fingerprint"]:
                return corpus
        except (ValueError, KeyError, TypeError):
            pass  # unreadable or inconsistent: rebuilt and rewritten below
    wordnet = get_wordnet()
    corpus = build_corpus(PRESETS[preset], wordnet=wordnet, name=preset)
    payload = {"fingerprint": corpus.fingerprint, **{c: list(getattr(corpus, c)) for c in _COLUMNS}}
    atomic_write_bytes(preset_cache_path(preset, wordnet.location.check.digest),
                       json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return corpus


def csp_pool(corpus: LabelCorpus | None = None, *, seed: int = 0) -> LabelCorpus:
    """CSP's candidate pool: the corpus' nouns, then one "adjective + superclass word" phrase per adjective.

    Phrases come from :func:`debiasood.core.mining.csp_adjective_phrases` (a seeded draw per adjective). A phrase
    keeps its adjective's synset and lexicographer file, and the adjective itself in ``source_words``. A
    phrase that equals one of the corpus' nouns is left out (the noun stays): with the ``csp`` preset and
    seed 0 that is 1 phrase of 11,047 ('deep space'). Defaults to the ``csp`` preset.
    """
    from debiasood.core.mining import csp_adjective_phrases  # imports torch; only needed here

    corpus = corpus if corpus is not None else load_corpus("csp")
    nouns = [i for i, p in enumerate(corpus.parts_of_speech) if p == NOUN]
    adjs = [i for i, p in enumerate(corpus.parts_of_speech) if p == ADJECTIVE]
    noun_words = {corpus.words[i] for i in nouns}
    phrases = csp_adjective_phrases([corpus.words[i] for i in adjs], seed=seed)
    kept = [(i, phrase) for i, phrase in zip(adjs, phrases, strict=True) if phrase not in noun_words]
    order = nouns + [i for i, _ in kept]
    return LabelCorpus(
        name=f"{corpus.name}+csp-phrases(seed={seed})",
        words=tuple(corpus.words[i] for i in nouns) + tuple(phrase for _, phrase in kept),
        parts_of_speech=tuple(corpus.parts_of_speech[i] for i in order),
        synsets=tuple(corpus.synsets[i] for i in order),
        lexfiles=tuple(corpus.lexfiles[i] for i in order),
        source_words=tuple(corpus.source_words[i] for i in order),
    )


class CommonWords(NamedTuple):
    """:func:`common_words_corpus`'s result: the corpus, the words WordNet does not know as noun or adjective,
    and the words folded into an earlier word with the same WordNet base form."""

    corpus: LabelCorpus
    dropped: tuple[str, ...]
    merged: tuple[str, ...]


def common_words_corpus(n: int, *, wordnet: WordNet | None = None) -> CommonWords:
    """The ``n`` most frequent English words (``wordfreq.top_n_list('en', n)``) as a label corpus.

    For DNM's corpus ablation ("common words" instead of WordNet). Rule, per word in frequency order:

    1. For each part of speech (noun, verb, adjective, adverb), the word's WordNet base form by nltk's
       ``morphy`` ('years' -> 'year', 'was' -> verb 'be'), scored by its SemCor tag count (``cntlist.rev``,
       summed over senses; adjectives include satellites); a POS without a base form scores -1.
    2. The best-scoring POS wins, ties going to noun, then adjective, verb, adverb. The word is kept only if
       a noun or an adjective wins. Otherwise it is dropped (reported in ``dropped``): words WordNet does not
       know as noun or adjective ('the', 'and'), and words whose verb or adverb use dominates ('was', 'so').
       Homographs that WordNet lists only as nouns stay ('a' as the vitamin, 'it' as information technology).
    3. The label is the base form (lowercased, underscores to spaces); its synset is that base form's first
       (most frequent) sense in the winning POS; ``source_words`` keeps the wordfreq word.
    4. A label already taken by a more frequent word is skipped (reported in ``merged``): 'states' -> 'state'.

    Measured with wordfreq 3.1.1 and n = 20,000: 10,036 labels (7,877 nouns, 2,159 adjectives), 7,594 dropped,
    2,370 merged. The DNM paper does not state the size of its common-words corpus.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise ValueError(f"n must be a positive int, got {n!r}")
    import wordfreq  # loads its frequency tables; only needed here

    wn = wordnet or get_wordnet()
    table, reader = wn.table, wn.reader
    tag_counts = _tag_counts(reader)
    preference = {"n": 3, "a": 2, "v": 1, "r": 0}
    seen: set[str] = set()
    dropped, merged = [], []
    rows: list[tuple[str, str, str, str, str]] = []
    for word in wordfreq.top_n_list("en", n):
        form = word.replace(" ", "_")
        bases = {p: reader.morphy(form, p) for p in preference}
        scores = {p: (tag_counts.get((b.lower(), p), 0) if b is not None else -1) for p, b in bases.items()}
        pos = max(preference, key=lambda p: (scores[p], preference[p]))
        if pos not in ("n", "a") or bases[pos] is None:
            dropped.append(word)
            continue
        base = bases[pos]
        label = first_lemma_word(base)
        if label in seen:
            merged.append(word)
            continue
        seen.add(label)
        offsets = reader._lemma_pos_offset_map[base.lower()]  # nltk's lemma -> offsets map, in sense order
        key = ("n", offsets["n"][0]) if pos == "n" else _first_adjective(offsets)
        rows.append((label, _PART_OF_POS[key[0]], table.name(key), table.lexname[key], word))
    columns = tuple(zip(*rows, strict=True)) if rows else ((),) * 5
    corpus = LabelCorpus(f"common-words-{n}", *columns)
    return CommonWords(corpus, tuple(dropped), tuple(merged))


def _first_adjective(offsets: dict[str, list[int]]) -> tuple[str, int]:
    """First adjective sense of a lemma: nltk lists heads and satellites together under 'a' (index.adj order)
    and the satellites again under 's'."""
    offset = offsets["a"][0]
    return ("s" if offset in offsets.get("s", ()) else "a"), offset


def _tag_counts(reader) -> dict[tuple[str, str], int]:
    """SemCor tag counts per (lemma, pos) from ``cntlist.rev`` (lines: sense_key sense_number tag_cnt);
    pos 'n', 'v', 'a' (adjectives and satellites) or 'r'."""
    with reader.open("cntlist.rev") as stream:
        text = stream.read()
    counts: dict[tuple[str, str], int] = {}
    for line in text.splitlines():
        key, _, count = line.split()
        lemma, lex_sense = key.split("%", 1)
        pos = "nvara"[int(lex_sense.split(":", 1)[0]) - 1]
        counts[(lemma, pos)] = counts.get((lemma, pos), 0) + int(count)
    return counts
