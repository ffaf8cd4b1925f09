"""Render result rows as Markdown (default), CSV or JSON, for the command line and the README."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence

FORMATS = ("markdown", "csv", "json")


def _cell(value: object, digits: int) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def render(rows: Sequence[Mapping[str, object]], fmt: str = "markdown", *, digits: int = 2) -> str:
    """One table from rows of equal keys. Floats get ``digits`` decimals in Markdown and CSV, full precision in JSON."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    if not rows:
        raise ValueError("nothing to render: no rows")
    columns = list(rows[0])
    if any(list(row) != columns for row in rows):
        raise ValueError("every row must have the same columns, in the same order")
    if fmt == "json":
        return json.dumps([dict(row) for row in rows], indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(row[c], digits) for c in columns] for row in rows])
        return buffer.getvalue().rstrip("\n")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row[c], digits) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def markdown_table(rows: Sequence[Mapping[str, object]], columns: Sequence[str], *, digits: int = 2,
                   exact: Sequence[str] = ("value", "best_value")) -> object:
    """The ``columns`` of ``rows`` as a Markdown table for a notebook: floats rounded to ``digits``, except
    the ``exact`` columns (knob values such as T = 0.003 must not round to 0). Headers are written for readers
    (:func:`header`: "fpr95_low" -> "FPR95 low")."""
    from IPython.display import Markdown

    missing = sorted({c for c in columns for row in rows if c not in row})
    if missing:
        raise ValueError(f"columns {missing} are missing from some rows")
    return Markdown(render([{header(c): f"{row[c]:g}" if c in exact and isinstance(row[c], float) else row[c]
                             for c in columns} for row in rows], "markdown", digits=digits))


_HEADER_WORDS = {"fpr95": "FPR95", "auroc": "AUROC", "num": "number of", "sd": "sd", "id": "ID", "ood": "OOD"}


def header(column: str) -> str:
    """A row key as a table header: underscores become spaces and metric names their usual spelling
    ("fpr95_low" -> "FPR95 low", "would_choose" -> "would choose"); keys with spaces are kept as they are."""
    if " " in column or "_" not in column:
        return _HEADER_WORDS.get(column, column)
    return " ".join(_HEADER_WORDS.get(word, word) for word in column.split("_"))
