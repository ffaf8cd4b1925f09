"""Every notebook runs in SMOKE mode and records numbers in their expected ranges; parameters are validated."""

from __future__ import annotations

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
