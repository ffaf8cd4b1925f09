"""environment.yml is generated from pyproject.toml (the single source of truth) and must agree with it."""

import shutil
from pathlib import Path

import pytest

from debiasood.app import envfile

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_is_current():
    assert envfile.main(["--check"]) == 0, "environment.yml is stale: run `python -m debiasood.app.envfile --write`"


def test_check_fails_on_a_stale_file(tmp_path):
    pyproject = shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    output = tmp_path / "environment.yml"
    assert envfile.main(["--check", "--pyproject", str(pyproject), "--output", str(output)]) == 1
    assert envfile.main(["--write", "--pyproject", str(pyproject), "--output", str(output)]) == 0
    assert envfile.main(["--check", "--pyproject", str(pyproject), "--output", str(output)]) == 0
    output.write_text(output.read_text().replace("numpy==", "numpy>="))
    assert envfile.main(["--check", "--pyproject", str(pyproject), "--output", str(output)]) == 1


def test_every_pinned_dependency_and_the_project_are_listed():
    text = envfile.render()
    for requirement in ("torch==", "jupyter-book==", "playwright==", "- -e ."):
        assert requirement in text


def test_unpinned_dependency_is_rejected():
    pyproject = {"project": {"dependencies": ["numpy>=2"], "optional-dependencies": {"book": [], "dev": []}}}
    with pytest.raises(ValueError, match="unpinned"):
        envfile.pinned_requirements(pyproject)
