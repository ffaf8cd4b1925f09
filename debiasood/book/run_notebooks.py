"""Execute the book's py:percent notebooks with papermill, after validating their parameters.

    python -m debiasood.book.run_notebooks notebooks/02_debiasing_derivation.py -p SMOKE True
    python -m debiasood.book.run_notebooks notebooks/*.py --smoke --output-dir /tmp/out

Each source is converted with jupytext (in memory), its parameters cell is read, and every ``-p NAME VALUE``
is checked against it BEFORE a kernel starts: papermill alone only warns about an unknown parameter and
never about a wrong type. The executed notebook is written to ``<output-dir>/<stem>.ipynb``.

The command line runs the kernel offline (HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1) and without MPLBACKEND,
which would otherwise silently drop every figure from the executed notebooks.
"""

from __future__ import annotations

import argparse
import ast
import html
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from debiasood.book import nb

KERNEL = "debiasood"
DEFAULT_OUTPUT_DIR = Path("book/generated")


def parse_value(text: str) -> Any:
    """A command-line parameter value: a Python literal (``True``, ``3``, ``0.5``, ``'x'``), else the text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def read_notebook(source: str | Path) -> tuple[Any, dict[str, Any]]:
    """The notebook converted from a py:percent source, and the defaults of its parameters cell."""
    import jupytext

    notebook = jupytext.read(source)
    return notebook, nb.notebook_parameters(notebook)


def run_notebook(source: str | Path, output_dir: str | Path, parameters: Mapping[str, Any] | None = None,
                 kernel: str = KERNEL) -> Path:
    """Validate ``parameters`` against the notebook's parameters cell, then execute it; return the output.

    Raises ValueError for an unknown or mistyped parameter without starting a kernel. The converted
    notebook is written to the output path and executed there in place (papermill records its input path
    in the notebook's metadata, so it must be a file), with the source's folder as working directory.
    """
    import jupytext
    import papermill

    source = Path(source)
    parameters = dict(parameters or {})
    notebook, defaults = read_notebook(source)
    nb.validate_overrides(defaults, parameters)
    output = Path(output_dir) / f"{source.stem}.ipynb"
    output.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, output)
    papermill.execute_notebook(output, output, parameters=parameters, kernel_name=kernel,
                               cwd=source.resolve().parent, progress_bar=False)
    return output


def describe(sources: Sequence[str | Path]) -> str:
    """Markdown: for each notebook, a table of its parameters (name, default, the comment that explains it)."""
    parts = []
    for source in sources:
        notebook, defaults = read_notebook(source)
        comments = nb.parameter_comments(notebook)
        # Escaped: a comment such as "<root>/<class>/<image>" would otherwise be raw HTML (an <img> tag).
        rows = [f"| `{name}` | `{value!r}` | {html.escape(comments.get(name, '')).replace('|', '&#124;')} |"
                for name, value in defaults.items()]
        parts.append("\n".join([f"### `{Path(source).name}`", "", "| parameter | default | meaning |",
                                "|---|---|---|", *rows]))
    return "\n\n".join(parts) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m debiasood.book.run_notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path, help="py:percent notebook sources")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
                        help=f"where the executed .ipynb files go (default: {DEFAULT_OUTPUT_DIR})")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="override a parameter; VALUE is read as a Python literal (True, 3, 0.5, 'text')")
    parser.add_argument("--smoke", action="store_true", help="shortcut for -p SMOKE True")
    parser.add_argument("--describe", action="store_true",
                        help="print each notebook's parameters as Markdown tables instead of running anything")
    parser.add_argument("--kernel", default=KERNEL, help=f"Jupyter kernel name (default: {KERNEL})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Validate every notebook's parameters first, then execute them one by one, printing wall times."""
    from papermill.exceptions import PapermillExecutionError

    args = _arguments(argv)
    if args.describe:
        print(describe(args.notebooks), end="")
        return 0
    parameters = {name: parse_value(value) for name, value in args.parameter}
    if args.smoke:
        parameters["SMOKE"] = True
    for source in args.notebooks:
        try:
            nb.validate_overrides(read_notebook(source)[1], parameters)
        except ValueError as error:
            print(f"error: {source}: {error}", file=sys.stderr)
            return 2

    os.environ.pop("MPLBACKEND", None)
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    for source in args.notebooks:
        start = time.perf_counter()
        try:
            output = run_notebook(source, args.output_dir, parameters, kernel=args.kernel)
        except PapermillExecutionError as error:
            print(f"error: {source} failed after {time.perf_counter() - start:.1f} s: {error}", file=sys.stderr)
            return 1
        print(f"{source} -> {output}: {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
