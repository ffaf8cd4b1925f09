"""The command line, run in-process with typer's CliRunner."""

import json

import pytest
from typer.testing import CliRunner

from debiasood.app.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("command", ["label-sets", "corpus", "audit", "evaluate", "score-dumps"])
def test_every_command_has_help_with_examples(command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Example" in result.output


def test_label_sets_csv():
    result = run("label-sets", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0] == "name,classes,wnids,stand_in,source"
    assert any(line.startswith("imagenet1k,1000,True,") for line in lines)


def test_corpus_counts_match_the_preset():
    result = run("corpus", "--preset", "dnm", "--format", "json", "--show", "2")
    assert result.exit_code == 0
    counts, sample = result.output.split("\n\n")
    assert json.loads(counts)[-1] == {"pos": "total", "words": 57493}
    assert len(json.loads(sample)) == 2


def test_audit_counts_relations():
    result = run("audit", "--id", "imagenet10", "--preset", "dnm", "--format", "json", "--examples", "2")
    assert result.exit_code == 0
    rows = {row["relation"]: row for row in json.loads(result.output)}
    assert set(rows) == {"none", "lemma", "hyponym", "hypernym"}
    assert sum(row["words"] for row in rows.values()) == 57493
    assert rows["lemma"]["words"] > 0 and rows["lemma"]["examples"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("corpus", "--preset", "wordnet"), "unknown --preset"),
     (("corpus", "--by", "synset"), "--by"),
     (("audit", "--id", "cifar10"), "no wnids"),
     (("audit", "--id", "imagenet-2k"), "unknown label set")],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output


def test_score_dumps_on_synthetic_official_dumps(tmp_path):
    from test_official_dumps import image_dump, text_dump

    images, texts = image_dump(tmp_path), text_dump(tmp_path)
    result = run("score-dumps", str(images), str(texts), "--num-groups", "10", "--format", "json",
                 "--scores", "neglabel,dnm-official")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["score"], r["ood"]) for r in rows] == [
        (s, o) for s in ("neglabel", "dnm-official") for o in ("inaturalist", "sun", "places", "textures", "average")]
    bad = run("score-dumps", str(images), str(texts), "--num-groups", "10", "--scores", "energy")
    assert bad.exit_code == 2 and "unknown score" in bad.output
    missing = run("score-dumps", str(tmp_path / "nope.pth"), str(texts))
    assert missing.exit_code == 2 and "nope.pth" in missing.output


def test_python_dash_m_runs_the_command_line():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "debiasood", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "negatives" in result.stdout and "evaluate" in result.stdout
