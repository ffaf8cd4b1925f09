"""Render environment.yml (for conda users) from pyproject.toml, the single source of truth for dependencies.

    python -m debiasood.app.envfile --write   # regenerate environment.yml
    python -m debiasood.app.envfile --check   # exit 1 if environment.yml is out of date

The conda environment holds Python 3.11 and pip; pip installs every pinned dependency of the project and of
its ``book`` and ``dev`` extras, then the project itself in editable mode.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = ("book", "dev")


def pinned_requirements(pyproject: dict) -> list[str]:
    """The project's dependencies and those of its extras, in order; each must be pinned with ``==``."""
    project = pyproject["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS:
        requirements += project["optional-dependencies"][extra]
    unpinned = [requirement for requirement in requirements if "==" not in requirement]
    if unpinned:
        raise ValueError(f"pyproject.toml has unpinned dependencies {unpinned}; pin each with ==")
    return list(dict.fromkeys(requirements))


def render(pyproject_path: Path = ROOT / "pyproject.toml") -> str:
    """The text of environment.yml for the given pyproject.toml."""
    pyproject = tomllib.loads(pyproject_path.read_text())
    python = pyproject["project"]["requires-python"].removeprefix("==").removesuffix(".*")
    lines = [
        "# Generated from pyproject.toml by `python -m debiasood.app.envfile --write`: do not edit by hand.",
        f"name: {pyproject['project']['name']}",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={python}",
        "  - pip",
        "  - pip:",
        *(f"      - {requirement}" for requirement in pinned_requirements(pyproject)),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write or check environment.yml; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m debiasood.app.envfile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write environment.yml")
    mode.add_argument("--check", action="store_true", help="fail if environment.yml is out of date")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    parser.add_argument("--output", type=Path, default=ROOT / "environment.yml")
    args = parser.parse_args(argv)

    expected = render(args.pyproject)
    if args.write:
        args.output.write_text(expected)
        return 0
    if not args.output.exists() or args.output.read_text() != expected:
        print(f"{args.output} is out of date with {args.pyproject}: run `python -m debiasood.app.envfile --write`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
