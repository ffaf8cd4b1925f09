"""Bad input never gives a wrong answer on the command line, and a newcomer can follow what it does.

Each test drives ``debiasood`` in-process (typer's CliRunner) on generated images with the tiny random-weight
open_clip model: class-names files (a misspelt folder, a byte-order mark, duplicate names), a damaged WordNet,
bad checkpoints, an unusable cache folder, and what the command shows: help, the plan, one bar per stage,
the DNM hazard beside its rows, notes about skipped and ignored files.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from debiasood.app import cli, pipeline
from debiasood.app.cli import app
from debiasood.data.datasets.demo import write_demo_dataset
from debiasood.data.wordnet import DEBIAN_WORDNET_DIR

runner = CliRunner()
README = Path(__file__).resolve().parents[1] / "README.md"
EXPECTED_CLASSES = [{"label": 0, "folder": "circle", "name": "red circle"},
                    {"label": 1, "folder": "square", "name": "green square"},
                    {"label": 2, "folder": "triangle", "name": "blue triangle"}]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return write_demo_dataset(tmp_path_factory.mktemp("demo") / "data", classes=["circle", "square", "triangle"],
                              images_per_class=3, ood_images=3, image_size=32)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def evaluate(demo, *args: str, model: str = "tiny", pretrained: str = "random"):  # noqa: ANN001, ANN201
    return runner.invoke(app, ["evaluate-folders", "--id-root", str(demo.id_root),
                               "--ood", f"stripes={demo.ood_roots['stripes']}", "--model", model,
                               "--pretrained", pretrained, "--device", "cpu", *args])


def names_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "names.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


# ------------------------------------------------------------------------------------------------ class names


def test_a_misspelt_folder_is_exit_2_naming_the_line(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    names = names_file(tmp_path, "triangle blue triangle\ncircle red circle\nsquarre green square\n")
    result = evaluate(demo, "--class-names", str(names), "--method", "mcm")
    assert result.exit_code == 2, result.output
    assert "line 3: 'squarre green square' does not start with a class folder name" in result.output
    assert str(names) in result.output and "did you mean 'square'" in result.output
    assert "Traceback" not in result.output and "| encoder |" not in result.output


def test_a_byte_order_mark_is_tolerated_and_the_map_is_printed_and_saved(  # noqa: ANN001
        demo, tmp_path: Path, cache: Path) -> None:
    names = names_file(tmp_path, "\ufefftriangle blue triangle\r\ncircle red circle\r\nsquare green square\r\n"
                                 .encode())
    saved = tmp_path / "results.json"
    result = evaluate(demo, "--class-names", str(names), "--method", "mcm", "--format", "json", "--save", str(saved))
    assert result.exit_code == 0, result.output
    for row in EXPECTED_CLASSES:
        assert f"| {row['label']} | {row['folder']} | {row['name']} |" in result.stderr
    record = json.loads(saved.read_text())
    assert record["classes"] == EXPECTED_CLASSES
    assert record["rows"] == json.loads(result.stdout)
    assert record["encoder"] == record["rows"][0]["encoder"] and record["settings"]["num_groups"] == 100


def test_one_name_per_line_must_be_asked_for(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    names = names_file(tmp_path, "red circle\ngreen square\nblue triangle\n")
    assert evaluate(demo, "--class-names", str(names), "--method", "mcm").exit_code == 2
    result = evaluate(demo, "--class-names", str(names), "--names-format", "lines", "--method", "mcm")
    assert result.exit_code == 0, result.output
    assert "| 1 | square | green square |" in result.stderr


def test_duplicate_class_names_are_exit_2_naming_the_classes(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    names = names_file(tmp_path, "thing\nThing\nother\n")
    result = evaluate(demo, "--class-names", str(names), "--names-format", "lines", "--method", "mcm")
    assert result.exit_code == 2, result.output
    assert "class names must be distinct" in result.output and "'thing' names folders 'circle', 'square'" in \
        result.output


# ---------------------------------------------------------------------------------------------------- WordNet


@pytest.fixture
def own_wordnet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """A fresh cache folder whose WordNet is this project's copy (nltk's data path holds none); the process-wide
    caches are emptied before and after, so no other test sees this copy."""
    import nltk

    from debiasood.data import corpora, wordnet

    if not (DEBIAN_WORDNET_DIR / "data.noun").is_file():
        pytest.skip("Debian's wordnet-base is not installed")
    monkeypatch.setenv("DEBIASOOD_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path / "no_nltk_data")])

    def forget() -> None:
        wordnet.get_wordnet.cache_clear()
        corpora._cached_preset.cache_clear()
        wordnet._verified.clear()

    forget()
    yield tmp_path / "cache" / "nltk_data" / "corpora" / "wordnet"
    forget()


def test_a_damaged_wordnet_is_exit_2_naming_the_file_and_the_repair(own_wordnet: Path) -> None:
    first = runner.invoke(app, ["wordnet", "--format", "json"])  # the first use copies Debian's files
    assert first.exit_code == 0, first.output
    rows = {row["file"]: row for row in json.loads(first.stdout)}
    assert rows["data.noun"]["debian_sha256"] == "same" and rows["lexnames"]["debian_sha256"] == "-"
    data_noun = own_wordnet / "data.noun"
    data_noun.write_bytes(data_noun.read_bytes()[:-3_000_000])  # the damage: 3 MB cut off
    for command in (["corpus", "--preset", "dnm"], ["wordnet"]):
        damaged = runner.invoke(app, command)
        assert damaged.exit_code == 2, damaged.output
        assert f"WordNet file {data_noun} is damaged" in damaged.output
        assert "debiasood wordnet --repair" in damaged.output and "Traceback" not in damaged.output
    repaired = runner.invoke(app, ["wordnet", "--repair", "--format", "json"])
    assert repaired.exit_code == 0, repaired.output
    assert data_noun.read_bytes() == (DEBIAN_WORDNET_DIR / "data.noun").read_bytes()
    assert json.loads(repaired.stdout) == json.loads(first.stdout)


# ------------------------------------------------------------------------------------------------ checkpoints


def test_a_garbage_checkpoint_is_exit_2_saying_what_the_file_is(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(np.random.default_rng(0).bytes(4096))
    result = evaluate(demo, "--method", "mcm", model="ViT-B-32", pretrained=str(garbage))
    assert result.exit_code == 2, result.output
    assert f"checkpoint {str(garbage)!r} is not a checkpoint format" in result.output
    assert "Traceback" not in result.output
    text = tmp_path / "notes.pt"
    text.write_text("these are my notes\n")
    result = evaluate(demo, "--method", "mcm", model="ViT-B-32", pretrained=str(text))
    assert result.exit_code == 2 and "a text file, not a checkpoint" in result.output


def test_a_checkpoint_of_another_architecture_is_exit_2_naming_what_it_fits(  # noqa: ANN001
        demo, tmp_path: Path, cache: Path) -> None:
    tiny = pipeline.make_encoder(pipeline.TINY_MODEL, pipeline.RANDOM_WEIGHTS, device="cpu")
    checkpoint = tmp_path / "tiny_sd.pt"
    torch.save(tiny.model.state_dict(), checkpoint)
    result = evaluate(demo, "--method", "mcm", model="ViT-B-32", pretrained=str(checkpoint))
    assert result.exit_code == 2, result.output
    assert f"checkpoint {str(checkpoint)!r} does not fit ViT-B-32" in result.output
    assert "embed_dim 32" in result.output and "embed_dim 512" in result.output
    assert "--model tiny" in result.output and "Traceback" not in result.output
    works = evaluate(demo, "--method", "mcm", model="tiny", pretrained=str(checkpoint))
    assert works.exit_code == 0, works.output
    assert "random weights" not in works.stderr


# ------------------------------------------------------------------------------------------------ cache folder


@pytest.mark.parametrize("command", [["corpus"], ["wordnet"], ["evaluate", "--sizes", "smoke"],
                                     ["evaluate-folders", "--id-root", "/nonexistent", "--ood", "a=/nonexistent"]])
def test_an_unusable_cache_folder_is_one_message_naming_the_variable(command: list[str], tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    for value, problem in [(a_file, "points at a file, not a folder"),
                           (a_file / "cache", "cannot be created or written to (Not a directory)")]:
        monkeypatch.setenv("DEBIASOOD_CACHE", str(value))
        result = runner.invoke(app, command)
        assert result.exit_code == 2, result.output
        assert f"DEBIASOOD_CACHE={str(value)!r}" in result.output and problem in result.output
        assert "Traceback" not in result.output and result.output.count("error:") == 1
    assert runner.invoke(app, [command[0], "--help"]).exit_code == 0, "help needs no cache"


# ---------------------------------------------------------------------------------------------- help, README


def test_help_shows_the_cpu_path_and_real_flags() -> None:
    top = runner.invoke(app, ["--help"]).output
    assert "--model tiny --pretrained random" in top
    folders = runner.invoke(app, ["evaluate-folders", "--help"]).output
    for text in ("--model tiny --pretrained random", "'tiny'", "--corpus-step", "--checkpoint-every",
                 "--names-format <pairs|lines>", "--on-unreadable <warn|fail>", "--save"):
        assert text in folders, text
    commands = re.findall(r"^  ([a-z-]+)\s{2,}", top.split("Commands:")[1], flags=re.MULTILINE)
    assert "evaluate-folders" in commands and "wordnet" in commands
    for command in commands:
        shown = runner.invoke(app, [command, "--help"]).output
        assert "<bool>" not in shown and "Example" in shown, command
    evaluate = runner.invoke(app, ["evaluate", "--help"]).output
    assert "--allow-pickle / --no-allow-pickle" in runner.invoke(app, ["score-dumps", "--help"]).output
    assert "--corpus-step" in evaluate and "--checkpoint-every" in evaluate


def test_on_unreadable_accepts_exactly_what_its_help_lists(demo, cache: Path) -> None:  # noqa: ANN001
    result = evaluate(demo, "--method", "mcm", "--on-unreadable", "report")
    assert result.exit_code == 2 and "'report' is not one of 'warn', 'fail'" in result.output


def test_readme_command_line_block_shows_the_cpu_path() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), flags=re.S)
    (commands,) = [block for block in blocks if "debiasood label-sets" in block]
    assert "--model tiny --pretrained random" in commands and "--corpus-step" in commands


# ----------------------------------------------------------------------------------------- plan and progress


def test_the_plan_the_stages_and_the_random_weights_note(demo, cache: Path) -> None:  # noqa: ANN001
    arguments = ["--class-names", str(demo.class_names_file), "--method", "mcm,neglabel,dnm", "--corpus-step", "400",
                 "--num-groups", "5"]
    result = evaluate(demo, *arguments)
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "No pretrained weights loaded" not in result.output, "open_clip's line is replaced by our note"
    assert err.count("the model has random weights") == 1 and "say nothing about OOD detection" in err
    assert err.index("ID classes:") < err.index("plan (") < err.index("[1/6]")
    assert re.search(r"to encode: 13 images and [\d,]+ prompts; measured [\d.]+ prompts/s, [\d.]+ images/s on cpu: "
                     r"about \d+ s", err), err
    # One labelled bar per stage, numbered over all of them: 2 image sets, class names, corpus, mining, scoring.
    for number, stage in enumerate(["images: ID (10 files)", "images: stripes (3 files)", "text: 3 class names",
                                    "corpus words, NegLabel's prompts", "mining: density, neglabel",
                                    "scoring: mcm, neglabel, dnm"], start=1):
        assert re.search(rf"\[{number}/6\] [^\n\r]*{re.escape(stage)}", err), stage
    assert "worker processes in total" not in result.output  # torch's warning about too many loader workers
    again = evaluate(demo, *arguments)
    assert "everything is in the feature store: no model runs" in again.stderr
    assert "[1/6] images: ID (10 files): read from the feature store" in again.stderr
    assert again.stdout == result.stdout


def test_a_long_plan_suggests_a_corpus_step_and_a_gpu(capsys: pytest.CaptureFixture) -> None:
    plan = pipeline.Plan("open_clip:ViT-B-16:openai", "cpu", [{"stage": "x", "work": "1 prompts", "to_encode": 1}],
                         images_to_encode=34, prompts_to_encode=520_000, texts_per_second=15.0,
                         images_per_second=3.3)
    cli._show_plan(plan)
    err = capsys.readouterr().err
    step = math.ceil(520_000 / 15.0 / 600)
    assert f"about {pipeline.format_duration(520_000 / 15 + 34 / 3.3)}" in err and "9 h 38 min" in err
    assert f"--corpus-step {step} keeps one corpus word in {step}" in err and "--device cuda" in err


def test_default_loader_workers_fit_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for cpus, expected in [(1, 0), (2, 1), (3, 2), (5, 4), (64, 4)]:
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        assert pipeline.default_num_workers() == expected
        options = cli._pipeline_options("mcm", 1, 0.5, 100, 0.01, 0, "tiny", "random", "cpu", 64, None,
                                        cli.OnUnreadable.warn, 0, 1000)
        assert options["num_workers"] == expected and options["on_unreadable"] == "report"


# ---------------------------------------------------------------------------------------------------- notes


def test_the_dnm_hazard_is_said_beside_the_dnm_rows(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    saved = tmp_path / "results.json"
    result = evaluate(demo, "--class-names", str(demo.class_names_file), "--method", "mcm,dnm", "--corpus-step",
                      "400", "--num-groups", "5", "--save", str(saved))
    assert result.exit_code == 0, result.output
    record = json.loads(saved.read_text())
    k, q, tau = 3, len(record["negatives"]["density"]) // 5, 0.5
    assert tau - q * (1 - tau) / k <= 0, "the test needs the a <= 0 regime"
    hazard = record["dnm_hazard"]
    assert hazard["coefficient"] == pytest.approx(tau - q * (1 - tau) / k)
    assert hazard["safe_tau"] == pytest.approx(q / (k + q)) and 0 <= hazard["clamped_share_id"] <= 1
    out = result.stdout
    note = out[out.index("Note: DNM's official arithmetic is unsafe"):]
    assert out.index("| dnm | average |") < out.index("Note: DNM's"), "the note follows the table"
    assert f"K = 3 ID classes, Q = {q} negatives per group" in note and f"Q/(K + Q) = {q / (k + q):.3f}" in note
    assert f"clamps {100 * hazard['clamped_share_id']:.1f}% of the ID" in note
    safe = evaluate(demo, "--class-names", str(demo.class_names_file), "--method", "dnm", "--corpus-step", "400",
                    "--num-groups", "5", "--tau-neg", "0.99")
    assert safe.exit_code == 0 and "Note: DNM" not in safe.output


def test_files_that_are_not_images_get_a_note(demo, tmp_path: Path, cache: Path) -> None:  # noqa: ANN001
    root = tmp_path / "id"
    shutil.copytree(demo.id_root, root)
    Image.new("RGB", (8, 8), (200, 30, 30)).save(root / "circle" / "animated.gif")
    result = runner.invoke(app, ["evaluate-folders", "--id-root", str(root), "--ood",
                                 f"stripes={demo.ood_roots['stripes']}", "--model", "tiny", "--pretrained", "random",
                                 "--method", "mcm"])
    assert result.exit_code == 0, result.output
    assert "note: ID: circle/animated.gif is not read (only .jpg" in result.stderr


def test_bootstrap_intervals_cover_the_average_rows(demo, cache: Path) -> None:  # noqa: ANN001
    result = evaluate(demo, "--method", "mcm", "--bootstrap", "20", "--format", "json", "--ood",
                      f"clouds={demo.ood_roots['clouds']}")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    (average,) = [row for row in rows if row["ood"] == "average"]
    for metric in ("fpr95", "auroc", "aupr_in", "aupr_out"):
        low, high = average[f"{metric}_low"], average[f"{metric}_high"]
        assert math.isfinite(low) and math.isfinite(high) and low <= high, metric
