"""WordNet 3.0 loading (Debian copy, nltk data, missing data) and the label corpora built from it."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import random
import re
import shutil
import socket
import zipfile
from pathlib import Path

import nltk
import pytest

from debiasood.data import wordnet
from debiasood.data.corpora import (
    ADJECTIVE,
    NOUN,
    PRESETS,
    LabelCorpus,
    build_corpus,
    common_words_corpus,
    csp_pool,
    load_corpus,
)
from debiasood.data.wordnet import (
    DEBIAN_WORDNET_DIR,
    LEXNAMES,
    WordNetNotFoundError,
    get_wordnet,
    load_wordnet,
    locate_wordnet,
)

needs_debian = pytest.mark.skipif(not (DEBIAN_WORDNET_DIR / "data.noun").is_file(),
                                  reason="Debian's wordnet-base is not installed")
EXCLUDED_BY_NEGLABEL = {"noun.animal", "noun.food"}
EXCLUDED_BY_DNM = EXCLUDED_BY_NEGLABEL | {"noun.person", "noun.quantity", "noun.group", "adj.pert"}


@pytest.fixture(scope="module")
def wn():
    return get_wordnet()  # cached per process: the three corpus test modules share one load


@pytest.fixture(scope="module")
def corpora(wn):
    return {preset: load_corpus(preset) for preset in ("full", "neglabel", "dnm", "csp")}


@pytest.fixture
def no_network(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ---- the lexnames table ----

def test_lexnames_table_has_the_45_standard_files():
    assert len(LEXNAMES) == 45
    assert LEXNAMES[0] == ("adj.all", 3) and LEXNAMES[3] == ("noun.Tops", 1) and LEXNAMES[44] == ("adj.ppl", 3)
    category = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}
    assert all(cat == category[name.split(".")[0]] for name, cat in LEXNAMES)


def test_lexnames_agree_with_the_data_files(wn):
    """Every (lex_filenum, ss_type) in the four data files names a file of the right category."""
    category_of_type = {"n": 1, "v": 2, "a": 3, "s": 3, "r": 4}
    seen = set()
    for suffix in ("noun", "verb", "adj", "adv"):
        with wn.reader.open(f"data.{suffix}") as stream:
            for line in stream.read().splitlines():
                if line and not line.startswith(" "):
                    _, filenum, ss_type = line.split(" ", 3)[:3]
                    seen.add((int(filenum), ss_type))
    for filenum, ss_type in seen:
        assert LEXNAMES[filenum][1] == category_of_type[ss_type], (filenum, ss_type)
    assert {f for f, _ in seen} == set(range(45))


@pytest.mark.skipif(not Path("/usr/share/man/man5/lexnames.5WN.gz").is_file(), reason="no lexnames(5WN) page")
def test_lexnames_agree_with_the_manual_page():
    page = gzip.open("/usr/share/man/man5/lexnames.5WN.gz", "rt").read()
    rows = re.findall(r"^(\d\d)\t(\w+\.\w+)", page, flags=re.MULTILINE)
    assert [(int(n), name) for n, name in rows] == [(i, name) for i, (name, _) in enumerate(LEXNAMES)]


# ---- loading ----

@pytest.mark.slow
@needs_debian
def test_debian_copy_loads_offline(tmp_path, monkeypatch, no_network):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "no_nltk_data")])
    loaded = load_wordnet(tmp_path / "nltk_data")
    assert loaded.origin == "debian"
    root = tmp_path / "nltk_data" / "corpora" / "wordnet"
    for name in ("data.noun", "index.adj", "noun.exc", "lexnames"):
        assert (root / name).is_file() and not (root / name).is_symlink()
    assert str(tmp_path / "nltk_data") in nltk.data.path
    assert loaded.reader.get_version() == "3.0"
    assert loaded.reader.synset_from_pos_and_offset("n", 1440764).name() == "tench.n.01"
    assert loaded.reader.synset("tabby.n.01").lexname() == "noun.animal"
    again = locate_wordnet(tmp_path / "nltk_data")  # the copy is reused, not redone
    assert again.origin == "debian"


@pytest.mark.slow
@needs_debian
def test_wordnet_already_on_nltk_data_path_is_used_first(tmp_path, monkeypatch, no_network):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "empty")])
    locate_wordnet(tmp_path / "prepared", use_nltk_data=False)  # a WordNet as nltk.download would leave it
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "prepared")])
    loaded = load_wordnet(tmp_path / "unused", debian_dir=tmp_path / "no_debian")
    assert loaded.origin == "nltk_data"
    assert str(tmp_path / "prepared") in str(loaded.location.root)
    assert not (tmp_path / "unused").exists()
    assert loaded.reader.synset_from_pos_and_offset("n", 1440764).name() == "tench.n.01"


def test_missing_wordnet_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "empty")])
    with pytest.raises(WordNetNotFoundError) as err:
        load_wordnet(tmp_path / "cache", debian_dir=tmp_path / "no_debian")
    message = str(err.value)
    assert "apt-get install wordnet-base" in message
    assert "python -c \"import nltk; nltk.download('wordnet')\"" in message


def test_incomplete_copy_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "empty")])
    (tmp_path / "cache" / "corpora" / "wordnet").mkdir(parents=True)
    with pytest.raises(WordNetNotFoundError, match="incomplete"):
        locate_wordnet(tmp_path / "cache")


def test_synset_table_matches_nltk(wn):
    table = wn.table
    rng = random.Random(0)
    keys = rng.sample(table.keys("n"), 150) + rng.sample(table.keys("a"), 150)
    for key in keys:
        synset = wn.reader.synset_from_pos_and_offset(key[0], key[1])
        assert table.name(key) == synset.name()
        assert table.lexname[key] == synset.lexname()
        assert table.lemmas[key] == tuple(synset.lemma_names())
        if key[0] == "n":
            expected = {s.offset() for s in synset.hypernyms() + synset.instance_hypernyms()}
            assert set(table.hypernyms[key[1]]) == expected
            assert table.noun_depth[key[1]] == synset.min_depth()
    assert {key[0] for key in keys} == {"n", "a", "s"}


# ---- corpora ----

def test_preset_counts(corpora):
    counts = {name: (len(c), c.counts()) for name, c in corpora.items()}
    assert counts["full"] == (79403, {NOUN: 65397, ADJECTIVE: 14006})
    assert counts["neglabel"] == (70794, {NOUN: 56788, ADJECTIVE: 14006})
    assert counts["dnm"] == (57493, {NOUN: 46446, ADJECTIVE: 11047})
    assert corpora["csp"].words == corpora["dnm"].words
    assert abs(len(corpora["dnm"]) - 56620) / 56620 < 0.02  # the official DNM list (method reference: WordNet corpora)


def test_presets_nest_and_exclude_their_files(corpora):
    full, neglabel, dnm = (set(corpora[p].words) for p in ("full", "neglabel", "dnm"))
    assert dnm < neglabel < full
    assert not set(corpora["neglabel"].lexfiles) & EXCLUDED_BY_NEGLABEL
    assert not set(corpora["dnm"].lexfiles) & EXCLUDED_BY_DNM
    assert EXCLUDED_BY_DNM <= set(corpora["full"].lexfiles)
    assert "noun.person" in set(corpora["neglabel"].lexfiles)


def test_first_lemma_rule(wn, corpora):
    corpus = corpora["full"]
    assert all("_" not in w and w == w.lower() for w in corpus.words)
    assert "ice cream" in corpus.words and "tench" in corpus.words
    assert len(set(corpus.synsets)) == len(corpus)  # one word per synset
    for i in random.Random(1).sample(range(len(corpus)), 300):
        synset = wn.reader.synset(corpus.synsets[i])
        assert corpus.words[i] == synset.lemma_names()[0].lower().replace("_", " ")
        assert corpus.lexfiles[i] == synset.lexname()
        assert corpus.parts_of_speech[i] == (NOUN if synset.pos() == "n" else ADJECTIVE)


def test_duplicates_are_kept_by_the_first_sorted_file(wn, corpora):
    table, corpus = wn.table, corpora["full"]
    files_of_word: dict[str, set[str]] = {}
    for key in table.keys():
        word = table.lemmas[key][0].lower().replace("_", " ")
        files_of_word.setdefault(word, set()).add(table.lexname[key])
    assert set(files_of_word) == set(corpus.words)
    shared = 0
    for word, lexfile in zip(corpus.words, corpus.lexfiles, strict=True):
        assert lexfile == min(files_of_word[word])
        shared += len(files_of_word[word]) > 1
    assert shared > 1000  # the rule matters


def test_file_order_given_does_not_matter(wn, corpora):
    files = list(PRESETS["dnm"])
    random.Random(2).shuffle(files)
    assert build_corpus(files, wordnet=wn, name="dnm").fingerprint == corpora["dnm"].fingerprint
    assert build_corpus(reversed(files), wordnet=wn, name="x").words == corpora["dnm"].words


def test_satellites_count_as_adjectives(corpora):
    corpus = corpora["full"]
    satellites = [i for i, s in enumerate(corpus.synsets) if ".s." in s]
    assert len(satellites) > 5000
    assert {corpus.parts_of_speech[i] for i in satellites} == {ADJECTIVE}


def test_fingerprint_is_stable_and_content_sensitive(corpora):
    dnm = corpora["dnm"]
    assert dnm.fingerprint == "893a138f6197787a950bf9d5f01118ed53cad870f19a03410a5ab35d1271cb96"
    assert dataclasses.replace(dnm, name="renamed").fingerprint == dnm.fingerprint
    changed = dataclasses.replace(dnm, words=("zzz",) + dnm.words[1:], source_words=())
    assert changed.fingerprint != dnm.fingerprint
    swapped = dataclasses.replace(dnm, lexfiles=dnm.lexfiles[1:] + dnm.lexfiles[:1])
    assert swapped.fingerprint != dnm.fingerprint


def test_label_corpus_rejects_bad_columns():
    with pytest.raises(ValueError, match="equal lengths"):
        LabelCorpus("x", ("a", "b"), (NOUN,), ("a.n.01",), ("noun.act",))
    with pytest.raises(ValueError, match="unique"):
        LabelCorpus("x", ("a", "a"), (NOUN, NOUN), ("a.n.01", "a.n.02"), ("noun.act",) * 2)
    with pytest.raises(ValueError, match="parts_of_speech"):
        LabelCorpus("x", ("a",), ("verb",), ("a.v.01",), ("verb.body",))
    with pytest.raises(TypeError, match="tuple"):
        LabelCorpus("x", ["a"], [NOUN], ["a.n.01"], ["noun.act"])


def test_unknown_preset_and_lexfile(wn):
    with pytest.raises(ValueError, match="known presets"):
        load_corpus("wordnet")
    with pytest.raises(ValueError, match="lexicographer files"):
        build_corpus(["verb.body"], wordnet=wn)


def test_part_of_speech_labels_match_mining():
    from debiasood.core.mining import PARTS_OF_SPEECH

    assert (NOUN, ADJECTIVE) == PARTS_OF_SPEECH


def test_csp_pool(corpora):
    dnm = corpora["dnm"]
    pool = csp_pool(dnm, seed=0)
    from debiasood.core.mining import CSP_SUPERCLASS_WORDS

    counts = dnm.counts()
    assert pool.counts() == {NOUN: counts[NOUN], ADJECTIVE: counts[ADJECTIVE] - 1}  # 'deep space' is a noun
    phrases = [i for i, p in enumerate(pool.parts_of_speech) if p == ADJECTIVE]
    for i in phrases[:500]:
        adjective, superclass = pool.words[i].rsplit(" ", 1)
        assert adjective == pool.source_words[i] and superclass in CSP_SUPERCLASS_WORDS
        assert dnm.synsets[dnm.words.index(adjective)] == pool.synsets[i]
    assert csp_pool(dnm, seed=0).fingerprint == pool.fingerprint
    assert csp_pool(dnm, seed=1).fingerprint != pool.fingerprint


def test_common_words(wn):
    result = common_words_corpus(2000, wordnet=wn)
    corpus = result.corpus
    assert len(corpus) + len(result.dropped) + len(result.merged) == 2000
    assert {"the", "and", "was"} <= set(result.dropped)
    assert "states" in result.merged or "years" in corpus.source_words
    by_word = dict(zip(corpus.words, corpus.parts_of_speech, strict=True))
    assert by_word["time"] == NOUN and by_word["good"] == ADJECTIVE
    assert all(w == w.lower() and "_" not in w for w in corpus.words)
    for word, synset in zip(corpus.words[:200], corpus.synsets[:200], strict=True):
        assert word in [name.lower().replace("_", " ") for name in wn.reader.synset(synset).lemma_names()]
    with pytest.raises(ValueError, match="positive int"):
        common_words_corpus(0, wordnet=wn)


def test_presets_are_stored_on_disk_and_a_corrupt_copy_is_rebuilt(tmp_path, monkeypatch):
    from debiasood.data import corpora

    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path))
    built = corpora.build_corpus(corpora.PRESETS["dnm"], wordnet=corpora.get_wordnet(), name="dnm")
    corpora._cached_preset.cache_clear()
    first = corpora.load_corpus("dnm")
    (stored,) = (tmp_path / "corpora").glob("dnm-*.json")
    assert first.fingerprint == built.fingerprint
    corpora._cached_preset.cache_clear()
    assert corpora.load_corpus("dnm").fingerprint == built.fingerprint  # read back from disk
    text = stored.read_text()
    assert '"fern"' in text
    stored.write_text(text.replace('"fern"', '"fem"', 1))  # content no longer matches its hash
    corpora._cached_preset.cache_clear()
    assert corpora.load_corpus("dnm").fingerprint == built.fingerprint
    assert stored.read_text() == text  # rewritten
    stored.write_text("{not json")
    corpora._cached_preset.cache_clear()
    assert corpora.load_corpus("dnm").fingerprint == built.fingerprint
    corpora._cached_preset.cache_clear()


# ---- integrity of the WordNet files ----

@pytest.fixture
def copied(tmp_path, monkeypatch):
    """This project's copy of Debian's files in a fresh data folder (nltk's data path holds no WordNet)."""
    if not (DEBIAN_WORDNET_DIR / "data.noun").is_file():
        pytest.skip("Debian's wordnet-base is not installed")
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "no_nltk_data")])
    location = locate_wordnet(tmp_path / "nltk_data", use_nltk_data=False)
    return location


def as_nltk_copy(folder: Path, target: Path) -> wordnet.WordNetFiles:
    """The files as nltk.download would leave them (no record of sums), under ``target/corpora/wordnet``."""
    shutil.copytree(folder, target / "corpora" / "wordnet")
    (target / "corpora" / "wordnet" / wordnet.MANIFEST_FILE).unlink()
    return wordnet.WordNetFiles("nltk_data", target, folder=target / "corpora" / "wordnet")


@needs_debian
def test_known_sums_are_those_of_the_installed_debian_files():
    checked = 0
    for name, expected in wordnet.DEBIAN_SHA256.items():
        if (DEBIAN_WORDNET_DIR / name).is_file():  # index.sense comes with wordnet-sense-index, if installed
            assert hashlib.sha256((DEBIAN_WORDNET_DIR / name).read_bytes()).hexdigest() == expected, name
            checked += 1
    assert checked >= 13


@pytest.mark.skipif(not Path("/usr/share/man/man7/wnstats.7WN.gz").is_file(), reason="no wnstats(7WN) page")
def test_entry_counts_are_wordnet_30s_published_statistics():
    page = gzip.open("/usr/share/man/man7/wnstats.7WN.gz", "rt").read().split(".SS Polysemy")[0]  # first table
    rows = dict(re.findall(r"^(Noun|Verb|Adjective|Adverb|Totals)/(\d+/\d+/\d+)$", page, flags=re.MULTILINE))
    for pos, suffix in (("Noun", "noun"), ("Verb", "verb"), ("Adjective", "adj"), ("Adverb", "adv")):
        strings, synsets, _ = map(int, rows[pos].split("/"))
        assert wordnet.WORDNET_30_ENTRIES[f"index.{suffix}"] == strings
        assert wordnet.WORDNET_30_ENTRIES[f"data.{suffix}"] == synsets
    assert wordnet.WORDNET_30_ENTRIES["index.sense"] == int(rows["Totals"].split("/")[2])  # word-sense pairs


@needs_debian
def test_intact_files_pass_the_structural_checks():
    for name in wordnet._REQUIRED_FILES:
        data = (DEBIAN_WORDNET_DIR / name).read_bytes()
        assert wordnet.wordnet_structure_problem(name, data) is None, name
        if name.startswith("data."):  # the property the offset check relies on, counted independently here
            offsets = [match.start() for match in re.finditer(rb"^\d{8} ", data, flags=re.MULTILINE)]
            assert all(data[at:at + 8] == b"%08d" % at for at in offsets)
    assert wordnet.wordnet_structure_problem("lexnames", wordnet.lexnames_text().encode()) is None


@needs_debian
@pytest.mark.parametrize(("name", "damage", "problem"), [
    ("data.noun", lambda b: b[:-3_000_000], "last line is incomplete"),
    ("data.noun", lambda b: b[:b.rindex(b"\n", 0, len(b) - 3_000_000) + 1], "where WordNet 3.0 has 82,115"),
    ("data.noun", lambda b: b.replace(b"entity", b"entityx", 1), "bytes were removed or inserted"),
    ("index.adj", lambda b: b[:b.index(b"\n", len(b) // 2) + 1], "entries where WordNet 3.0 has 21,479"),
    ("noun.exc", lambda b: b + b"lonelyword\n", "fewer than 2 fields"),
    ("lexnames", lambda b: b.replace(b"noun.animal", b"noun.animals"), "45 lexicographer files"),
    ("verb.exc", lambda b: b"", "empty"),
])
def test_damage_is_named_in_a_copy_without_known_sums(copied, tmp_path, name, damage, problem):
    files = as_nltk_copy(copied.files.folder, tmp_path / "nltk_like")
    assert wordnet.verify_wordnet_files(files).method == f"sha256 of Debian's {wordnet.DEBIAN_PACKAGES}"
    path = files.folder / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(wordnet.WordNetDamagedError, match=re.escape(problem)) as error:
        wordnet.verify_wordnet_files(files)
    assert str(path) in str(error.value)
    assert "nltk.download('wordnet', download_dir=" in str(error.value)


@needs_debian
def test_other_bytes_that_keep_wordnets_structure_are_accepted_as_such(copied, tmp_path):
    files = as_nltk_copy(copied.files.folder, tmp_path / "nltk_like")
    data_noun = files.folder / "data.noun"
    data = data_noun.read_bytes()
    data_noun.write_bytes(data.replace(b"entity", b"Entity", 1))  # same length: offsets and counts unchanged
    check = wordnet.verify_wordnet_files(files)
    assert check.method == "structure of WordNet 3.0"
    assert check.digest != copied.check.digest, "the digest follows the content"


@needs_debian
def test_this_projects_copy_is_compared_with_the_sums_it_recorded(copied):
    folder = copied.files.folder
    record = json.loads((folder / wordnet.MANIFEST_FILE).read_text())
    assert record["files"]["data.noun"] == wordnet.DEBIAN_SHA256["data.noun"]
    assert record["files"]["lexnames"] == hashlib.sha256(wordnet.lexnames_text().encode()).hexdigest()
    data = (folder / "data.noun").read_bytes()
    (folder / "data.noun").write_bytes(data.replace(b"entity", b"Entity", 1))  # passes structure, not the sum
    with pytest.raises(wordnet.WordNetDamagedError, match="changed since it was copied") as error:
        load_wordnet(copied.files.data_dir, use_nltk_data=False)
    assert "debiasood wordnet --repair" in str(error.value)
    check = wordnet.repair_wordnet(copied.files.data_dir)
    assert (folder / "data.noun").read_bytes() == data and check.digest == copied.check.digest
    assert load_wordnet(copied.files.data_dir, use_nltk_data=False).location.check.method == \
        "sha256 recorded when copied"


@needs_debian
def test_a_copy_made_before_the_record_gets_one(copied):
    folder = copied.files.folder
    (folder / wordnet.MANIFEST_FILE).unlink()
    wordnet._verified.clear()
    check = wordnet.verify_wordnet_files(copied.files)
    assert check.method.startswith("sha256 of Debian's") and (folder / wordnet.MANIFEST_FILE).is_file()
    assert wordnet.verify_wordnet_files(copied.files) is check, "answered from memory while the files are unchanged"
    wordnet._verified.clear()
    again = wordnet.verify_wordnet_files(copied.files)
    assert again.method == "sha256 recorded when copied" and again.digest == check.digest


@needs_debian
def test_damaged_debian_files_are_never_copied(tmp_path, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "no_nltk_data")])
    debian = tmp_path / "debian"
    shutil.copytree(DEBIAN_WORDNET_DIR, debian, ignore=shutil.ignore_patterns("bin", "pixmaps", "wnres"))
    (debian / "data.adj").write_bytes((debian / "data.adj").read_bytes()[:100_000])
    with pytest.raises(wordnet.WordNetDamagedError, match="apt-get install --reinstall wordnet-base"):
        locate_wordnet(tmp_path / "nltk_data", debian_dir=debian, use_nltk_data=False)
    assert not (tmp_path / "nltk_data" / "corpora" / "wordnet").exists()


@needs_debian
def test_a_zipped_nltk_copy_is_found_and_checked(copied, tmp_path):
    zipped = tmp_path / "zipped" / "corpora" / "wordnet.zip"
    zipped.parent.mkdir(parents=True)
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in copied.files.folder.iterdir():
            if path.name != wordnet.MANIFEST_FILE:
                archive.write(path, f"wordnet/{path.name}")
    folder_copy = as_nltk_copy(copied.files.folder, tmp_path / "unzipped")
    search = [str(tmp_path / "zipped"), str(tmp_path / "unzipped")]
    assert wordnet.find_wordnet_files(tmp_path / "own", search_path=search) == folder_copy, "folders before zips"
    found = wordnet.find_wordnet_files(tmp_path / "own", search_path=search[:1])
    assert found.zip_file == zipped and found.origin == "nltk_data"
    assert wordnet.verify_wordnet_files(found).digest == wordnet.verify_wordnet_files(folder_copy).digest


def test_nltk_search_path_is_nltks_own(tmp_path):
    """The list used to find WordNet without importing nltk is the one nltk builds at import."""
    import os
    import subprocess
    import sys

    code = ("import json, debiasood.data.wordnet as w, sys; before = w.nltk_search_path(); "
            "assert 'nltk' not in sys.modules; import nltk; print(json.dumps([before, nltk.data.path]))")
    env = {**os.environ, "NLTK_DATA": f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    ours, nltks = json.loads(out)
    assert ours == nltks and ours[:2] == [str(tmp_path / "a"), str(tmp_path / "b")]


def test_presets_are_keyed_by_wordnets_content(tmp_path, monkeypatch):
    """A preset built from one WordNet is never served for another: the stored file's name follows the digest."""
    from debiasood.data import corpora

    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path))
    digest = {"value": "a" * 64}
    built = []
    tiny = LabelCorpus("dnm", ("tabby",), (NOUN,), ("tabby.n.01",), ("noun.animal",))
    fake_wordnet = type("W", (), {"location": property(lambda self: type("L", (), {
        "check": wordnet.WordNetCheck({}, "test")})())})()
    monkeypatch.setattr(corpora, "get_wordnet", lambda: fake_wordnet)
    monkeypatch.setattr(wordnet.WordNetCheck, "digest", property(lambda self: digest["value"]))
    monkeypatch.setattr(wordnet, "find_wordnet_files", lambda: wordnet.WordNetFiles("debian", tmp_path))
    monkeypatch.setattr(wordnet, "verify_wordnet_files", lambda files: wordnet.WordNetCheck({}, "test"))
    monkeypatch.setattr(corpora, "build_corpus", lambda *args, **kwargs: built.append(1) or tiny)

    def load():
        corpora._cached_preset.cache_clear()
        return corpora.load_corpus("dnm")

    try:
        assert load().words == ("tabby",) and len(built) == 1
        assert load().words == ("tabby",) and len(built) == 1, "same WordNet: read back from disk"
        assert corpora.preset_cache_path("dnm", "a" * 64).is_file()
        digest["value"] = "b" * 64
        load()
        assert len(built) == 2, "another WordNet: built again, not served from the first one's file"
        assert corpora.preset_cache_path("dnm", "a" * 64) != corpora.preset_cache_path("dnm", "b" * 64)
    finally:
        corpora._cached_preset.cache_clear()
