"""Notebook helpers: parameter validation, the SMOKE profile, run costs, tables and recorded numbers.

Every notebook of the book follows one skeleton:

1. a Markdown cell with the H1 title, the one-sentence claim, the page's run cost
   (``{glue:md}`run_cost:myst```, glued by :func:`glue_run_cost`) and an overview;
2. a short Markdown cell introducing the knobs to change, then the first code cell, tagged ``parameters``,
   with UPPER_SNAKE assignments of literals;
3. a cell tagged ``hide-input`` right after it:
   ``globals().update(nb.check_parameters(smoke={...}))`` and ``nb.glue_run_cost("<stem>")``. papermill
   only WARNS about unknown parameters, so this makes a misspelled or mistyped parameter an error, and it
   applies the SMOKE profile out of the reader's way;
4. ``nb.record(name, value)`` for each key number (a myst-nb glue, so prose quotes it as ``{glue:text}``);
5. ``nb.finish([...names])`` at the end: fails if a number is missing or not finite.

:func:`read_records` reads the numbers back from an executed notebook, for the tests.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_RECORDED: dict[str, Any] = {}

#: The glue key of the run-cost line (a Markdown glue, not a recorded number).
RUN_COST_KEY = "run_cost"


@dataclass(frozen=True)
class RunCost:
    """What one notebook costs at its default parameters: CPU minutes warm and cold, and what it needs.

    CPU minutes (user + system time of the run and its kernel, one BLAS thread) are what a page costs
    whatever else the machine is doing; on an idle core they are its wall time.
    """

    warm_minutes: float  # the feature store already holds every feature the page reads
    cold_minutes: float  # an empty feature store ($DEBIASOOD_CACHE): the page computes its features first
    needs: str  # Markdown: what the run reads or computes besides the package


#: Where and how :data:`RUN_COSTS` were measured (shown on every page with the numbers).
RUN_COSTS_MEASURED = "on one core of the project's 2-core CPU; `run_notebooks` prints each run's CPU time"

#: CPU minutes an empty feature store costs before the MiniLM chapters can start: the offline world's text side
#: (the 57,493-word DNM corpus, CSP's phrases, the ID prompts) and DNM's density ranking. Measured once, on one
#: core: 327.8 s of a cold run of notebook 03 up to its first use of them.
STORE_FILL_MINUTES = 5.5

_STORE = ("the feature store (`$DEBIASOOD_CACHE`; when it is empty, MiniLM first embeds the DNM corpus, CSP's "
          "phrases and the ID prompts on the CPU)")

#: CPU minutes (user + system, kernel included) of each notebook at its default parameters, executed with
#: ``python -m debiasood.book.run_notebooks`` and ``OMP_NUM_THREADS=1``, as ``make`` runs it, on 2026-12-01 on a
#: quiet machine, during a cold ``make book`` (after its store step, which filled the features every MiniLM chapter
#: shares). Warm: the store holds everything the page reads; for 04 and 08, whose extra features are their own
#: (04's corpora; 08's filtered corpora's density rankings and NegRefine's pair texts), measured again on the then
#: warm store; for the others the cold-build run, whose own features were already stored. Cold: from an empty store,
#: the warm time plus :data:`STORE_FILL_MINUTES` (04 and 08: their measured cold-build run plus it; 08's again after
#: its filtered corpora came to share one kNN search, on a store holding only the shared features).
RUN_COSTS: dict[str, RunCost] = {
    "01_false_negatives": RunCost(1.1, 1.1 + STORE_FILL_MINUTES, f"{_STORE}, WordNet 3.0; no GPU, no network"),
    "02_debiasing_derivation": RunCost(0.8, 0.8 + STORE_FILL_MINUTES,
                                       f"nothing for its toy world; {_STORE} for the section on the features; no GPU"),
    "03_main_benchmark": RunCost(7.2, 7.2 + STORE_FILL_MINUTES, f"{_STORE}, WordNet 3.0; no GPU, no network"),
    "04_ablations": RunCost(1.7, 5.5 + STORE_FILL_MINUTES, f"{_STORE}, and MiniLM embeddings of the `full` and "
                                                           "common-words corpora, WordNet 3.0; no GPU, no network"),
    "05_held_out_generalisation": RunCost(4.3, 4.3 + STORE_FILL_MINUTES, f"{_STORE}, and MiniLM embeddings of the "
                                                                         "transfer label sets; no GPU, no network"),
    "06_your_own_data": RunCost(0.2, 0.2, "open_clip's tiny architecture with random weights (nothing is "
                                          "downloaded), generated images, the feature store; no GPU"),
    "07_simulated_world": RunCost(0.8, 0.8 + STORE_FILL_MINUTES, f"{_STORE}, WordNet 3.0; no GPU, no network"),
    "08_three_cures": RunCost(1.3, 4.0 + STORE_FILL_MINUTES, f"{_STORE}, WordNet 3.0, and the density rankings of "
                                                             "the filtered corpora and MiniLM embeddings of "
                                                             "NegRefine's pair texts; no GPU, no network"),
}


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


def check_parameters(history: list[str] | None = None, *, smoke: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validate papermill's injected parameters against the notebook's parameters cell; apply the SMOKE profile.

    Reads IPython's input history (``In``): the first executed cell is the parameters cell, and the cell
    papermill injects starts with ``# Parameters``. ``smoke`` is the notebook's quick profile: the values that
    replace the defaults when the effective ``SMOKE`` is true. It is checked like an override (every name a
    parameter, every value of its default's type), and a parameter injected explicitly wins over it, so
    ``-p SMOKE True -p SEED 3`` runs the quick profile with seed 3. Returns the effective parameters; a
    notebook applies them with ``globals().update(...)``.
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
    effective = {**defaults, **overrides}
    if smoke:
        if "SMOKE" not in defaults:
            raise ValueError("check_parameters(smoke=...) needs a SMOKE parameter in the parameters cell")
        try:
            validate_overrides(defaults, smoke)
        except ValueError as error:
            raise ValueError(f"the smoke profile is invalid: {error}") from error
        if effective["SMOKE"]:
            effective.update({name: value for name, value in smoke.items() if name not in overrides})
    return effective


def run_cost_line(stem: str) -> str:
    """The Markdown line that says what the notebook ``stem`` costs to run (from :data:`RUN_COSTS`)."""
    if stem not in RUN_COSTS:
        raise KeyError(f"no measured run cost for notebook {stem!r}: measure it (see README, build times) and "
                       f"add it to debiasood.book.nb.RUN_COSTS (known: {sorted(RUN_COSTS)})")
    cost = RUN_COSTS[stem]
    return (f"**What it costs to run.** At the default parameters, {cost.warm_minutes:.1f} CPU-minutes with a warm "
            f"feature store and {cost.cold_minutes:.1f} from an empty one ({RUN_COSTS_MEASURED}). "
            f"Needs {cost.needs}. `SMOKE = True` runs in under a minute.")


def glue_run_cost(stem: str) -> None:
    """Glue the run-cost line of notebook ``stem`` for its header (``{glue:md}`run_cost:myst```). Returns None, so
    the cell that calls it last shows nothing (the line is on the page once, under the claim)."""
    from IPython.display import Markdown
    from myst_nb import glue

    line = run_cost_line(stem)
    glue(RUN_COST_KEY, Markdown(line), display=False)


def table(markdown: Any, caption: str) -> Any:
    """A Markdown table under a numbered caption (a MyST ``{table}`` directive), as an IPython Markdown object.

    ``markdown`` is one pipe table (a string, or an IPython ``Markdown`` object). The caption should say which
    world and which model the numbers come from; the notebooks render text/markdown outputs as MyST
    (``nb_render_markdown_format: myst`` in ``_config.yml``), so the directive becomes an HTML table.
    """
    from IPython.display import Markdown

    text = str(getattr(markdown, "data", markdown)).strip()
    lines = text.splitlines()
    if len(lines) < 2 or not all(line.startswith("|") for line in lines) or "---" not in lines[1]:
        raise ValueError(f"table() needs one Markdown pipe table (header, |---| line, rows), got {text[:80]!r}")
    if not caption.strip() or "\n" in caption:
        raise ValueError("table() needs a one-line caption naming the world and the model")
    return Markdown(f"```{{table}} {caption.strip()}\n{text}\n```")


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
            if "name" in scrapbook and scrapbook["name"] != RUN_COST_KEY:
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
