"""The vendored real CLIP artifacts: checksums, packaging, parsing, matching onto corpora."""

import hashlib
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest

from debiasood.data import real_negatives as rn
from debiasood.data.corpora import LabelCorpus, load_corpus

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "debiasood" / "data" / "real_negatives"


def _raw_lines(relative: str) -> list[str]:
    return (VENDORED / relative).read_text(encoding="utf-8").splitlines()


def test_every_vendored_file_has_its_upstream_sha256():
    on_disk = sorted(str(p.relative_to(VENDORED)) for p in VENDORED.rglob("*") if p.is_file()
                     and p.name != "README.md")
    assert on_disk == sorted(rn.SHA256), "every vendored file (README aside) must have a sum in SHA256"
    for relative, expected in rn.SHA256.items():
        assert hashlib.sha256((VENDORED / relative).read_bytes()).hexdigest() == expected, relative


def test_each_folder_ships_license_and_readme_naming_its_source():
    for folder, source in rn.SOURCES.items():
        assert (VENDORED / folder / "LICENSE").is_file()
        readme = (VENDORED / folder / "README.md").read_text(encoding="utf-8")
        for fact in (source.repository, source.commit, source.path, source.license):
            assert fact in readme, (folder, fact)
    assert "Apache License" in (VENDORED / "neglabel" / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in (VENDORED / "negrefine" / "LICENSE").read_text(encoding="utf-8")


def test_package_data_globs_ship_every_vendored_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["debiasood.data"]
    for path in VENDORED.rglob("*"):
        if path.is_file():
            relative = str(path.relative_to(VENDORED.parent))
            assert any(fnmatch(relative, g) for g in globs), f"{relative} would not be packaged"


def test_a_damaged_copy_is_refused(monkeypatch, tmp_path):
    damaged = tmp_path / "real_negatives" / "negrefine"
    damaged.mkdir(parents=True)
    (damaged / "result.txt").write_bytes((VENDORED / "negrefine" / "result.txt").read_bytes() + b" ")
    monkeypatch.setattr(rn, "artifact_path", lambda relative: tmp_path / "real_negatives" / relative)
    with pytest.raises(rn.RealArtifactError, match="sha256"):
        rn.load_negrefine_reported()
    with pytest.raises(rn.RealArtifactError, match="missing"):
        rn.read_artifact("negrefine/neg_labels_noun.txt")


def test_neglabel_prompts_become_bare_words():
    lines = _raw_lines("neglabel/selected_neg_labels_in1k_10k.txt")
    selection = rn.load_real_selection("neglabel")
    nouns = [line.removeprefix("the nice ") for line in lines if line.startswith("the nice ")]
    adjectives = [line[len("This is a "):-len(" photo")] for line in lines if line.startswith("This is a ")]
    assert selection.counts() == {"noun": 8578, "adj": 1921}  # the file's documented make-up
    assert list(selection.words) == nouns + adjectives
    assert selection.phrases == selection.words
    assert selection.words[0] == "yellow clintonia" and selection.words[-1] == "treble"
    assert not any(w.startswith(("the nice", "This is")) or w.endswith(" photo") for w in selection.words)
    assert selection.provenance.startswith("real: CLIP ViT-B/16")
    assert "NegLabel" in selection.provenance and "3253db6" in selection.provenance
    assert selection.source.license == "Apache-2.0"


def test_csp_phrases_keep_phrase_and_adjective():
    selection = rn.load_real_selection("csp")
    assert selection.counts() == {"noun": 7023, "adj": 1404}
    nouns = _raw_lines("negrefine/initial_neg_labels_noun.txt")
    phrases = _raw_lines("negrefine/initial_neg_labels_adj.txt")
    assert list(selection.phrases) == nouns + phrases
    for word, phrase, part in zip(selection.words, selection.phrases, selection.parts_of_speech, strict=True):
        if part == "adj":
            assert phrase.split(" ")[-1] in {"environment", "space", "object", "scene", "place", "item", "area",
                                             "view", "thing", "pattern", "structure", "landscape", "vista",
                                             "creature"}
            assert f"{word} {phrase.split(' ')[-1]}" == phrase
        else:
            assert word == phrase
    assert "NegRefine" in selection.provenance and "MIT" in selection.provenance


def test_unknown_selection_is_refused():
    with pytest.raises(ValueError, match="neglabel"):
        rn.load_real_selection("clip")


def test_negrefine_clean_follows_the_filters_rule():
    assert rn.negrefine_clean("st. john's wort") == "st johns wort"
    assert rn.negrefine_clean("[cryptogamia") == "cryptogamia"
    assert rn.negrefine_clean('m3"') is None
    assert rn.negrefine_clean("well-known_word") == "well-known_word"


def test_filter_log_agrees_with_the_kept_lists():
    """Three files, one story: cleaned CSP labels minus the log's removals are exactly NegRefine's kept labels."""
    csp, kept = rn.load_real_selection("csp"), rn.load_real_selection("negrefine")
    for part, removed_count in (("noun", 1748 + 275), ("adj", 32)):  # the totals printed in the logs
        cleaned = {rn.negrefine_clean(p) for p, q in zip(csp.phrases, csp.parts_of_speech, strict=True) if q == part}
        cleaned.discard(None)
        judged = {v.negative for v in rn.load_negrefine_verdicts(part)}
        removed = rn.negrefine_removals(part)
        assert judged == cleaned
        assert len(removed) == removed_count
        assert cleaned - set(removed) == {p for p, q in zip(kept.phrases, kept.parts_of_speech, strict=True)
                                          if q == part}


def test_verdict_lines_are_parsed_field_by_field():
    verdicts = rn.load_negrefine_verdicts("noun")
    raw = _raw_lines("negrefine/llm_process_noun.txt")
    assert len(verdicts) == len(raw) - 4  # the dashed line and three totals
    assert verdicts[0] == rn.Verdict("external carotid artery", "matchstick", "", "noun")
    assert rn.Verdict("genus ginkgo", "", "proper noun", "noun") in verdicts
    assert {v.verdict for v in rn.load_negrefine_verdicts()} <= set(rn.VERDICTS)
    with pytest.raises(ValueError, match="part"):
        rn.load_negrefine_verdicts("verb")


@pytest.mark.parametrize("bad_line", ["white currant | Beagle | maybe ", "white currant", "a | b | c | d "])
def test_a_malformed_verdict_line_names_file_and_line(monkeypatch, bad_line):
    text = f"white currant | Beagle | \n{bad_line}\n---------------------------------------------\n" \
           "n_proper: 0\nn_same: 0\nn_subcatgeory: 0\n"
    monkeypatch.setattr(rn, "read_artifact", lambda relative: text)
    rn._verdicts.cache_clear()
    try:
        with pytest.raises(rn.RealArtifactError, match=r"llm_process_noun\.txt, line 2"):
            rn.load_negrefine_verdicts("noun")
    finally:
        rn._verdicts.cache_clear()


def test_verdict_totals_must_match(monkeypatch):
    text = "x | proper noun \n----------------\nn_proper: 2\nn_same: 0\nn_subcatgeory: 0\n"
    monkeypatch.setattr(rn, "read_artifact", lambda relative: text)
    rn._verdicts.cache_clear()
    try:
        with pytest.raises(rn.RealArtifactError, match="totals say 2"):
            rn.load_negrefine_verdicts("adj")
    finally:
        rn._verdicts.cache_clear()


def test_reported_results_are_negrefines_log_in_percent():
    reported = rn.load_negrefine_reported()
    assert reported["label"] == "reported" and reported["provenance"].startswith("reported:")
    # NegRefine's ImageNet-1K results as printed in its run log (FPR95 / AUROC, %).
    expected = {"inaturalist": (1.51, 99.57), "sun": (22.93, 94.64), "places": (39.10, 90.42),
                "textures": (21.15, 94.69), "openimage-o": (24.03, 95.02), "clean": (33.04, 90.70),
                "ninco": (62.11, 81.90)}
    assert set(reported["metrics"]) == set(expected)
    for name, (fpr, auroc) in expected.items():
        assert reported["metrics"][name]["fpr95"] == pytest.approx(fpr, abs=0.005)
        assert reported["metrics"][name]["auroc"] == pytest.approx(auroc, abs=0.005)


def _toy_corpus(words, parts):
    n = len(words)
    return LabelCorpus("toy", tuple(words), tuple(parts), ("",) * n, ("noun.plant",) * n)


def test_match_to_corpus_on_a_small_corpus():
    selection = rn.RealSelection("negrefine", ("st johns wort", "fern", "fern", "gone", "bright"),
                                 ("st johns wort", "fern", "fern", "gone", "bright landscape"),
                                 ("noun", "noun", "noun", "noun", "adj"), "real: test", rn.SOURCES["negrefine"])
    corpus = _toy_corpus(["bright", "fern", "st. john's wort"], ["noun", "noun", "noun"])
    match = rn.match_to_corpus(selection, corpus)
    assert match.rows.tolist() == [2, 1, -1, -1, 0]  # cleaned match, verbatim, repeat, absent, verbatim
    assert match.by_cleaning == 1 and match.part_mismatches == 1 and match.n_matched == 3
    assert match.unmatched_words == ("fern", "gone")
    assert match.indices.tolist() == [2, 1, 0]
    # Only NegRefine's labels were cleaned: the same word under another name stays unmatched.
    other = rn.RealSelection("csp", *[getattr(selection, f) for f in ("words", "phrases", "parts_of_speech")],
                             "real: test", rn.SOURCES["negrefine"])
    assert rn.match_to_corpus(other, corpus).rows[0] == -1


def test_match_to_corpus_refuses_wrong_types():
    with pytest.raises(TypeError, match="RealSelection"):
        rn.match_to_corpus(("a",), _toy_corpus(["a"], ["noun"]))
    with pytest.raises(TypeError, match="LabelCorpus"):
        rn.match_to_corpus(rn.load_real_selection("neglabel"), ["a"])


@pytest.mark.slow
def test_real_selections_match_their_native_corpora():
    neglabel = rn.match_to_corpus(rn.load_real_selection("neglabel"), load_corpus("neglabel"))
    assert neglabel.n_matched == 10459  # of 10,499: WordNet 3.0 lacks e.g. 'selangor', 'mount rainier national park'
    assert {"selangor", "mount rainier national park"} <= set(neglabel.unmatched_words)
    csp_corpus = load_corpus("csp")
    csp = rn.match_to_corpus(rn.load_real_selection("csp"), csp_corpus)
    assert int((csp.matched & (np.asarray(rn.load_real_selection("csp").parts_of_speech) == "noun")).sum()) == 7003
    words = set(csp_corpus.words)
    assert all((w in words) == (r >= 0) for w, r in zip(rn.load_real_selection("csp").words, csp.rows, strict=True))
