"""Notebook helpers: parameter validation, recorded numbers, and papermill execution.

Every notebook of the book follows one skeleton (see CONVENTIONS.md):

1. a first code cell tagged ``parameters`` with UPPER_SNAKE assignments of literals;
2. ``nb.check_parameters()`` right after it: papermill only WARNS about unknown parameters, so this makes
   a misspelled or mistyped parameter an error;
3. ``nb.record(name, value)`` for each key number (a myst-nb glue, so prose quotes it as ``{glue:text}``);
4. ``nb.finish([...names])`` at the end: fails if a number is missing or not finite.

:func:`read_records` reads the numbers back from an executed notebook, for the tests.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_RECORDED: dict[str, Any] = {}

# papermill starts the cell it injects with this comment.
_PAPERMILL_MARKER = "# Parameters"


def _literal_assignments(source: str, where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"the {where} cell may hold only `NAME = literal` assignments, found: "
                             f"{ast.get_source_segment(source, node)!r}")
        try:
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError as error:
            raise ValueError(f"parameter {node.targets[0].id} in the {where} cell is not a literal") from error
    return values


def _same_kind(default: Any, given: Any) -> bool:
    if isinstance(default, bool) or isinstance(given, bool):
        return isinstance(default, bool) and isinstance(given, bool)
    if isinstance(default, float):
        return isinstance(given, int | float)
    return isinstance(given, type(default))


def validate_overrides(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Raise ValueError for an override that names no parameter or has the wrong type."""
    unknown = sorted(set(overrides) - set(defaults))
    if unknown:
        raise ValueError(f"unknown notebook parameter(s) {unknown}; this notebook takes {sorted(defaults)}")
    for name, value in overrides.items():
        if not _same_kind(defaults[name], value):
            raise ValueError(f"parameter {name}={value!r} should be a {type(defaults[name]).__name__} "
                             f"like its default {defaults[name]!r}")


def check_parameters(history: list[str] | None = None) -> dict[str, Any]:
    """Validate papermill's injected parameters against the notebook's parameters cell.

    Reads IPython's input history (``In``): the first executed cell is the parameters cell, and the cell
    papermill injects starts with ``# Parameters``. Returns the effective parameters.
    """
    if history is None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise RuntimeError("check_parameters() needs an IPython kernel, or pass the cell sources as history")
        history = list(shell.user_ns["In"])
    cells = [cell for cell in history if cell.strip()]
    if not cells:
        raise ValueError("no executed cells found: the parameters cell must run first")
    defaults = _literal_assignments(cells[0], "parameters")
    injected = [c for c in cells[1:] if c.lstrip().startswith(_PAPERMILL_MARKER)]
    overrides = _literal_assignments(injected[-1], "injected parameters") if injected else {}
    validate_overrides(defaults, overrides)
    return {**defaults, **overrides}


def record(name: str, value: Any) -> Any:
    """Record a key number: glue it for the prose (``{glue:text}`name` ``) and keep it for :func:`finish`."""
    from myst_nb import glue

    if isinstance(value, bool) or not isinstance(value, int | float | str):
        value = float(value)  # numpy scalars and 0-d tensors become plain floats
    _RECORDED[name] = value
    glue(name, value, display=False)
    return value


def finish(expected: Iterable[str]) -> dict[str, Any]:
    """Fail unless every expected number was recorded and is finite; return the recorded numbers."""
    expected = list(expected)
    missing = [name for name in expected if name not in _RECORDED]
    if missing:
        raise RuntimeError(f"the notebook did not record {missing}")
    bad = [name for name in expected
           if isinstance(_RECORDED[name], float) and not math.isfinite(_RECORDED[name])]
    if bad:
        raise RuntimeError(f"recorded numbers are not finite: {bad}")
    return {name: _RECORDED[name] for name in expected}


def read_records(executed_notebook: str | Path) -> dict[str, Any]:
    """The numbers a notebook recorded with :func:`record`, read from its executed .ipynb."""
    notebook = json.loads(Path(executed_notebook).read_text())
    records: dict[str, Any] = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            if "name" in scrapbook:
                # glue(..., display=False) stores its text under "application/papermill.record/text/plain".
                text = output["data"][scrapbook.get("mime_prefix", "") + "text/plain"]
                records[scrapbook["name"]] = ast.literal_eval(text)
    return records


def parameter_comments(notebook: Any) -> dict[str, str]:
    """The comment after each parameter of the parameters cell (``NAME = 1  # what it does``), by name."""
    import io
    import tokenize

    notebook_parameters(notebook)  # the same checks: a tagged first cell of literal assignments
    source = next(cell for cell in notebook.cells if cell.cell_type == "code").source
    comments: dict[str, str] = {}
    line_names = {node.lineno: node.targets[0].id for node in ast.parse(source).body}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and token.start[0] in line_names:
            comments[line_names[token.start[0]]] = token.string.lstrip("#").strip()
    return comments


def notebook_parameters(notebook: Any) -> dict[str, Any]:
    """The defaults of a notebook's parameters cell, read without running it.

    ``notebook`` is an nbformat notebook (e.g. from ``jupytext.read``). Its first code cell must be tagged
    ``parameters`` and hold only ``NAME = literal`` assignments, the cell :func:`check_parameters` reads.
    """
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not code_cells or "parameters" not in code_cells[0].metadata.get("tags", []):
        raise ValueError('the first code cell of a notebook must be tagged "parameters" '
                         '(py:percent: `# %% tags=["parameters"]`)')
    return _literal_assignments(code_cells[0].source, "parameters")
