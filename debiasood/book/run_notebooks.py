"""Execute the book's py:percent notebooks with papermill, after validating their parameters.

    python -m debiasood.book.run_notebooks notebooks/02_debiasing_derivation.py -p SMOKE True
    python -m debiasood.book.run_notebooks notebooks/*.py --smoke --output-dir /tmp/out
    python -m debiasood.book.run_notebooks --deps notebooks/03_main_benchmark.py   # a Makefile rule

Each source is converted with jupytext (in memory), its parameters cell is read, and every ``-p NAME VALUE``
is checked against it BEFORE a kernel starts: papermill alone only warns about an unknown parameter and
never about a wrong type. The executed notebook is written to ``<output-dir>/<stem>.ipynb``.

The command line runs the kernel offline (HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1), without MPLBACKEND,
which would otherwise silently drop every figure from the executed notebooks, and without progress bars
(HF_HUB_DISABLE_PROGRESS_BARS=1, TQDM_DISABLE=1): a bar's frames would be printed into the page as text.

``--deps`` prints, for each notebook, a Makefile rule naming the files whose change must re-execute it: its
source, every ``debiasood`` module it imports, directly or through other modules (imports inside functions
included), and the package data next to those modules (:func:`notebook_dependencies`).
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
PACKAGE = "debiasood"
# The environment of every kernel the command line starts (see the module docstring).
KERNEL_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                      "TQDM_DISABLE": "1"}


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


def _module_file(name: str, root: Path) -> Path | None:
    """The file of module ``name`` under ``root`` (``a/b.py`` or ``a/b/__init__.py``), or None."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(tree: ast.AST, module: str | None, is_package: bool) -> set[str]:
    """Every module an AST imports or names, as dotted names; ``module`` resolves relative imports.

    ``import a.b.c`` and ``from a.b import c`` import the packages on the way too (their ``__init__`` runs);
    ``c`` may be a module or a name, and both are returned (the caller keeps the ones that are files). A
    string literal that is exactly a dotted name under the package counts too: ``importlib.import_module``
    targets, such as the lazy public API of ``debiasood/__init__.py``.
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if module is None:
                    continue  # a relative import outside a package (a notebook cell) cannot name ours
                parts = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(f"{PACKAGE}."):
            if all(part.isidentifier() for part in node.value.split(".")):
                names.add(node.value)
    expanded = set()
    for name in names:
        parts = name.split(".")
        expanded.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return {name for name in expanded if name == PACKAGE or name.startswith(f"{PACKAGE}.")}


def notebook_dependencies(source: str | Path, root: str | Path = ".") -> list[Path]:
    """The files whose change must re-execute a notebook, relative to ``root`` (the repository root).

    The notebook's source; every module of the ``debiasood`` package that its code cells import, followed
    through the imports of those modules (at any depth, imports inside functions included, and the parent
    packages' ``__init__``); and the data files (not Python, not caches) in the folders of those modules that
    are not packages of their own, such as the shipped label lists. Over-approximates rather than misses: a
    module imported in a branch that never runs still counts.
    """
    import jupytext

    root = Path(root).resolve()
    source = Path(source)
    notebook = jupytext.read(source)
    pending: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            # IPython magics (%matplotlib, !cmd) are not Python: they import nothing of ours.
            code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
            pending |= _imported_modules(ast.parse(code), None, False)
    files: dict[str, Path] = {}
    while pending:
        name = pending.pop()
        if name in files:
            continue
        path = _module_file(name, root)
        if path is None:
            continue  # a name imported from a module, not a module
        files[name] = path
        pending |= _imported_modules(ast.parse(path.read_text(), str(path)), name, path.name == "__init__.py")
    folders = {path.parent for path in files.values()}
    data = {path for folder in folders for path in folder.rglob("*") if path.is_file()
            and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
            and not any((parent / "__init__.py").is_file() for parent in path.parents
                        if folder in parent.parents)}
    modules = sorted(path.relative_to(root) for path in files.values())
    return [source, *modules, *sorted(path.relative_to(root) for path in data)]


def dependency_rule(source: str | Path, output_dir: str | Path = DEFAULT_OUTPUT_DIR, root: str | Path = ".") -> str:
    """A Makefile rule: the executed notebook (and this rule's own file) depend on :func:`notebook_dependencies`.

    Each dependency also gets an empty rule, so that deleting a module does not stop ``make`` ("no rule to
    make target"): the rule is then simply rewritten.
    """
    stem = Path(source).stem
    target = Path(output_dir) / f"{stem}.ipynb"
    dependencies = [path.as_posix() for path in notebook_dependencies(source, root)]
    lines = [f"# Written by python -m debiasood.book.run_notebooks --deps {Path(source).as_posix()}",
             f"{target.as_posix()} {target.with_suffix('.d').as_posix()}: \\",
             *(f"  {path} \\" for path in dependencies[:-1]), f"  {dependencies[-1]}", "",
             *(f"{path}:" for path in dependencies[1:])]
    return "\n".join(lines) + "\n"


def warm_feature_store() -> None:
    """Compute what every MiniLM chapter reads at its defaults: the offline world's text side and DNM's density
    ranking (``offline_setup()``, ``density_negatives``). ``make`` runs this once, with every core, before it
    runs notebooks side by side on one core each: otherwise the first of them embeds the corpus on one core
    while the others wait for it (the feature store locks an entry while it is written).
    """
    from debiasood.world.offline import density_negatives, offline_setup

    density_negatives(offline_setup())


def _children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's finished children: the kernels, once shut down.

    A notebook's CPU time, unlike its wall time, does not grow when other jobs share the machine; on an idle
    core the two agree for a one-thread run (the run costs of :data:`debiasood.book.nb.RUN_COSTS`).
    """
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m debiasood.book.run_notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="py:percent notebook sources")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR,
                        help=f"where the executed .ipynb files go (default: {DEFAULT_OUTPUT_DIR})")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="override a parameter; VALUE is read as a Python literal (True, 3, 0.5, 'text')")
    parser.add_argument("--smoke", action="store_true", help="shortcut for -p SMOKE True")
    parser.add_argument("--describe", action="store_true",
                        help="print each notebook's parameters as Markdown tables instead of running anything")
    parser.add_argument("--deps", action="store_true",
                        help="print each notebook's Makefile dependency rule instead of running anything")
    parser.add_argument("--warm-store", action="store_true",
                        help="fill the feature store with what the chapters read at their defaults, then stop")
    parser.add_argument("--kernel", default=KERNEL, help=f"Jupyter kernel name (default: {KERNEL})")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Validate every notebook's parameters first, then execute them one by one, printing wall times."""
    from papermill.exceptions import PapermillExecutionError

    args = _arguments(argv)
    if args.warm_store:
        import resource

        os.environ.update(KERNEL_ENVIRONMENT)
        start = time.perf_counter()
        warm_feature_store()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(f"feature store filled: {time.perf_counter() - start:.1f} s wall, "
              f"{usage.ru_utime + usage.ru_stime:.1f} s CPU", flush=True)
        return 0
    if not args.notebooks:
        print("error: name the notebooks to run (or --warm-store)", file=sys.stderr)
        return 2
    if args.describe:
        print(describe(args.notebooks), end="")
        return 0
    if args.deps:
        print("".join(dependency_rule(source, args.output_dir) for source in args.notebooks), end="")
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
    os.environ.update(KERNEL_ENVIRONMENT)
    for source in args.notebooks:
        start, cpu_start = time.perf_counter(), _children_cpu_seconds()
        try:
            output = run_notebook(source, args.output_dir, parameters, kernel=args.kernel)
        except PapermillExecutionError as error:
            print(f"error: {source} failed after {time.perf_counter() - start:.1f} s: {error}", file=sys.stderr)
            return 1
        print(f"{source} -> {output}: {time.perf_counter() - start:.1f} s wall, "
              f"{_children_cpu_seconds() - cpu_start:.1f} s CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
