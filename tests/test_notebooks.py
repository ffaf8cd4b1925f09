"""Every notebook runs in SMOKE mode and records numbers in their expected ranges; parameters are validated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from notebook_expectations import EXPECTATIONS

from debiasood.book import nb, run_notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


@pytest.mark.notebook
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_records_expected_numbers(source, tmp_path):
    expected = EXPECTATIONS.get(source.stem)
    assert expected, f"add the expected ranges of {source.stem}'s records to tests/notebook_expectations.py"
    environment = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run(
        [sys.executable, "-m", "debiasood.book.run_notebooks", str(source), "--smoke", "--output-dir", str(tmp_path)],
        capture_output=True, text=True, env={**environment, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        cwd=ROOT)
    assert result.returncode == 0, f"{source.name} failed in SMOKE mode:\n{result.stderr[-5000:]}"

    records = nb.read_records(tmp_path / f"{source.stem}.ipynb")
    assert records, f"{source.name} recorded nothing: record its key numbers with nb.record"
    assert set(records) == set(expected), (
        f"recorded {sorted(records)} but tests/notebook_expectations.py expects {sorted(expected)}")
    outside = {name: (records[name], (low, high)) for name, (low, high) in expected.items()
               if not (isinstance(records[name], int | float) and low <= records[name] <= high)}
    assert not outside, f"records outside their expected ranges (value, (low, high)): {outside}"


def test_every_notebook_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    parsed = yaml.safe_load(toc)
    chapters = parsed.get("chapters", []) + [c for part in parsed.get("parts", []) for c in part["chapters"]]
    files = {chapter["file"] for chapter in chapters}
    missing = [source.name for source in NOTEBOOKS if f"book/generated/{source.stem}" not in files]
    assert not missing, f"add book/generated/<stem> of {missing} to _toc.yml"


# --- parameter validation -------------------------------------------------------------------------------

PARAMETERS_CELL = "SMOKE = False\nSEED = 0\nTAU = 0.5\nNAME = 'wordnet'\n"


def _write_notebook(folder: Path, parameters_tag: bool = True) -> Path:
    tag = ' tags=["parameters"]' if parameters_tag else ""
    source = folder / "99_demo.py"
    source.write_text(f"# %%{tag}\n{PARAMETERS_CELL}\n# %%\nprint(SEED)\n")
    return source


def test_check_parameters_defaults_and_injected_override():
    assert nb.check_parameters([PARAMETERS_CELL]) == {"SMOKE": False, "SEED": 0, "TAU": 0.5, "NAME": "wordnet"}
    injected = "# Parameters\nSMOKE = True\nTAU = 1\n"
    assert nb.check_parameters(["", PARAMETERS_CELL, injected, "x = 1"])["SMOKE"] is True


@pytest.mark.parametrize("injected, message", [
    ("SMOKY = True", "unknown notebook parameter"),
    ("SMOKE = 1", "should be a bool"),
    ("SEED = True", "should be a int"),
    ("SEED = 0.5", "should be a int"),
    ("NAME = 3", "should be a str"),
])
def test_check_parameters_rejects_unknown_or_mistyped(injected, message):
    with pytest.raises(ValueError, match=message):
        nb.check_parameters([PARAMETERS_CELL, f"# Parameters\n{injected}\n"])


def test_validate_overrides_accepts_an_int_for_a_float():
    nb.validate_overrides({"TAU": 0.5}, {"TAU": 1})


@pytest.mark.parametrize("text, value", [("True", True), ("3", 3), ("0.5", 0.5), ("'x y'", "x y"),
                                         ("wordnet", "wordnet"), ("a b", "a b")])
def test_parse_value(text, value):
    assert run_notebooks.parse_value(text) == value
    assert type(run_notebooks.parse_value(text)) is type(value)


@pytest.mark.parametrize("parameters, message", [
    ({"SEDE": 1}, "unknown notebook parameter"),
    ({"SMOKE": 1}, "should be a bool"),
    ({"SEED": True}, "should be a int"),
    ({"SEED": "zero"}, "should be a int"),
])
def test_run_notebook_validates_before_running(tmp_path, parameters, message):
    source = _write_notebook(tmp_path)
    with pytest.raises(ValueError, match=message):
        run_notebooks.run_notebook(source, tmp_path / "out", parameters)
    assert not (tmp_path / "out").exists(), "nothing may be written or run before validation"


def test_command_line_rejects_bad_parameters_before_any_notebook_runs(tmp_path, capsys):
    good, bad = _write_notebook(tmp_path), tmp_path / "98_other.py"
    bad.write_text('# %% tags=["parameters"]\nSEED = 0\n')
    assert run_notebooks.main([str(good), str(bad), "--smoke", "--output-dir", str(tmp_path / "out")]) == 2
    assert "unknown notebook parameter(s) ['SMOKE']" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert run_notebooks.main([str(good), "-p", "SEED", "True", "--output-dir", str(tmp_path / "out")]) == 2


def test_parameters_cell_must_be_tagged(tmp_path):
    with pytest.raises(ValueError, match='tagged "parameters"'):
        run_notebooks.read_notebook(_write_notebook(tmp_path, parameters_tag=False))


def test_every_parameter_is_explained_and_described():
    from debiasood.book.run_notebooks import describe, read_notebook

    for source in NOTEBOOKS:
        notebook, defaults = read_notebook(source)
        missing = sorted(set(defaults) - set(nb.parameter_comments(notebook)))
        assert not missing, f"{source.name}: add a `# comment` after parameter(s) {missing}"
    table = describe(NOTEBOOKS)
    assert all(f"### `{source.name}`" in table for source in NOTEBOOKS)


def test_parameter_comments_are_read_per_line(tmp_path):
    import jupytext

    source = tmp_path / "99_demo.py"
    source.write_text('# %% tags=["parameters"]\nSMOKE = False  # quick run\nSEED = 0\nNAME = "a # b"  # the name\n')
    comments = nb.parameter_comments(jupytext.read(source))
    assert comments == {"SMOKE": "quick run", "NAME": "the name"}


def test_describe_escapes_html_in_comments(tmp_path):
    from debiasood.book.run_notebooks import describe

    source = tmp_path / "99_demo.py"
    source.write_text('# %% tags=["parameters"]\nROOT = ""  # images as <root>/<class>/<image> | flat\n')
    row = describe([source]).splitlines()[-1]
    assert "&lt;root&gt;/&lt;class&gt;/&lt;image&gt; &#124; flat" in row and "<image>" not in row


# --- the SMOKE profile --------------------------------------------------------------------------------------

SMOKE_PROFILE = {"SEED": 7, "TAU": 0.25}


def test_smoke_profile_applies_only_when_smoke_is_on():
    assert nb.check_parameters([PARAMETERS_CELL], smoke=SMOKE_PROFILE) == {
        "SMOKE": False, "SEED": 0, "TAU": 0.5, "NAME": "wordnet"}
    on = nb.check_parameters([PARAMETERS_CELL, "# Parameters\nSMOKE = True\n"], smoke=SMOKE_PROFILE)
    assert on == {"SMOKE": True, "SEED": 7, "TAU": 0.25, "NAME": "wordnet"}


def test_an_explicit_parameter_wins_over_the_smoke_profile():
    injected = "# Parameters\nSMOKE = True\nSEED = 3\n"
    assert nb.check_parameters([PARAMETERS_CELL, injected], smoke=SMOKE_PROFILE)["SEED"] == 3


@pytest.mark.parametrize("profile, message", [
    ({"SEEDS": 1}, "smoke profile is invalid: unknown notebook parameter"),
    ({"SEED": 0.5}, "smoke profile is invalid: parameter SEED=0.5 should be a int"),
])
def test_a_bad_smoke_profile_is_an_error(profile, message):
    with pytest.raises(ValueError, match=message):
        nb.check_parameters([PARAMETERS_CELL], smoke=profile)


def test_a_smoke_profile_needs_a_smoke_parameter():
    with pytest.raises(ValueError, match="needs a SMOKE parameter"):
        nb.check_parameters(["SEED = 0\n"], smoke={"SEED": 1})


# --- the page skeleton: title, claim, cost, overview, then the knobs ---------------------------------------

@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda path: path.stem)
def test_page_opens_with_title_claim_and_cost_then_the_knobs(source):
    import jupytext

    cells = jupytext.read(source).cells
    header = cells[0]
    assert header.cell_type == "markdown" and header.source.startswith("# "), "the page must open with its H1"
    claim, cost = header.source.find("**Claim.**"), header.source.find(f"{{glue:md}}`{nb.RUN_COST_KEY}:myst`")
    assert 0 < claim < cost, "the H1 must be followed by the **Claim.** and then the run-cost line"
    first_code = next(i for i, cell in enumerate(cells) if cell.cell_type == "code")
    assert "parameters" in cells[first_code].metadata.get("tags", []), "the first code cell must be the parameters"
    assert "The knobs to change" in cells[first_code - 1].source, "introduce the parameters as the knobs to change"
    check = cells[first_code + 1]
    assert "hide-input" in check.metadata.get("tags", []), "hide the parameter check from the reader"
    assert "nb.check_parameters(smoke=" in check.source and f'nb.glue_run_cost("{source.stem}")' in check.source
    assert "from debiasood.book import nb" not in "".join(cell.source for cell in cells[:first_code])


# --- run costs, tables and records ---------------------------------------------------------------------------

def test_every_notebook_has_a_measured_run_cost():
    assert set(nb.RUN_COSTS) == {source.stem for source in NOTEBOOKS}
    for stem, cost in nb.RUN_COSTS.items():
        assert 0 < cost.warm_minutes <= cost.cold_minutes, f"{stem}: measure its warm and cold run times"
        assert cost.needs, f"{stem}: say what the run needs"
    line = nb.run_cost_line("02_debiasing_derivation")
    warm = nb.RUN_COSTS["02_debiasing_derivation"].warm_minutes
    assert f"{warm:.1f} CPU-minutes" in line and nb.RUN_COSTS_MEASURED in line
    with pytest.raises(KeyError, match="no measured run cost"):
        nb.run_cost_line("99_missing")


def test_table_wraps_one_pipe_table_under_a_caption():
    markdown = nb.table("| a | b |\n|---|---|\n| 1 | 2 |", "Simulated world (MiniLM), not CLIP.")
    assert markdown.data == "```{table} Simulated world (MiniLM), not CLIP.\n| a | b |\n|---|---|\n| 1 | 2 |\n```"
    with pytest.raises(ValueError, match="one Markdown pipe table"):
        nb.table("no table here", "caption")
    with pytest.raises(ValueError, match="one-line caption"):
        nb.table("| a |\n|---|\n| 1 |", " ")


def test_read_records_skips_the_run_cost_line(tmp_path):
    def glued(name, data):
        return {"output_type": "display_data", "data": data,
                "metadata": {"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}}}

    prefix = "application/papermill.record/"
    cells = [{"cell_type": "code", "outputs": [
        glued(nb.RUN_COST_KEY, {prefix + "text/markdown": "**What it costs**", prefix + "text/plain": "<Markdown>"}),
        glued("fpr95", {prefix + "text/plain": "12.5"})]}]
    path = tmp_path / "run.ipynb"
    path.write_text(json.dumps({"cells": cells}))
    assert nb.read_records(path) == {"fpr95": 12.5}


# --- what re-executes a notebook -------------------------------------------------------------------------------

def _package(root: Path) -> Path:
    """A small package named like ours: a notebook imports `a`; `a` imports `b` inside a function (relative),
    `b` names `d` for importlib; `c` is never imported; `sub/` is a subpackage of its own with data."""
    files = {
        "debiasood/__init__.py": "",
        "debiasood/book/__init__.py": "",
        "debiasood/book/a.py": "def f():\n    from . import b\n    return b\n",
        "debiasood/book/b.py": "import importlib\nimportlib.import_module('debiasood.d')\nimport numpy\n",
        "debiasood/book/c.py": "",
        "debiasood/d.py": "",
        "debiasood/book/lists/words.txt": "tench\n",
        "debiasood/sub/__init__.py": "",
        "debiasood/sub/table.csv": "x\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    source = root / "notebooks" / "01_demo.py"
    source.parent.mkdir()
    source.write_text('# %% tags=["parameters"]\nSMOKE = False\n\n# %%\n%matplotlib inline\n'
                      "from debiasood.book.a import f\nimport json\n")
    return source


def test_notebook_dependencies_follow_imports_transitively(tmp_path):
    source = _package(tmp_path)
    found = {path.as_posix() for path in run_notebooks.notebook_dependencies(source, tmp_path)}
    assert found == {source.as_posix(), "debiasood/__init__.py", "debiasood/book/__init__.py", "debiasood/book/a.py",
                     "debiasood/book/b.py", "debiasood/d.py", "debiasood/book/lists/words.txt"}


def test_dependency_rule_is_a_makefile_rule(tmp_path):
    source = _package(tmp_path)
    rule = run_notebooks.dependency_rule(source, "book/generated", tmp_path).splitlines()
    assert rule[1] == "book/generated/01_demo.ipynb book/generated/01_demo.d: \\"
    assert rule[2] == f"  {source.as_posix()} \\" and "  debiasood/d.py \\" in rule
    assert "debiasood/book/a.py:" in rule, "every dependency needs an empty rule (a deleted module is no error)"


def test_a_chapter_module_re_executes_only_its_notebook():
    """Touching one chapter's back-end module must not re-execute the other chapters."""
    chapters = {"01_false_negatives": "false_negatives", "02_debiasing_derivation": "derivation",
                "03_main_benchmark": "main_benchmark", "04_ablations": "ablations",
                "05_held_out_generalisation": "held_out", "07_simulated_world": "simulated_world"}
    dependencies = {source.stem: {path.as_posix() for path in run_notebooks.notebook_dependencies(source, ROOT)}
                    for source in NOTEBOOKS}
    for stem, module in chapters.items():
        using = sorted(other for other, files in dependencies.items() if f"debiasood/book/{module}.py" in files)
        assert using == [stem], f"debiasood/book/{module}.py re-executes {using}, not only {stem}"
