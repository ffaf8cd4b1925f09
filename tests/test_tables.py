"""Table rendering for the command line."""

import json

import pytest

from debiasood.book.tables import render

ROWS = [{"method": "dnm", "fpr95": 16.9, "n": 3}, {"method": "mcm", "fpr95": float("nan"), "n": 4}]


def test_markdown_csv_json():
    assert render(ROWS).splitlines() == ["| method | fpr95 | n |", "|---|---|---|",
                                         "| dnm | 16.90 | 3 |", "| mcm | nan | 4 |"]
    assert render(ROWS, "csv", digits=1).splitlines() == ["method,fpr95,n", "dnm,16.9,3", "mcm,nan,4"]
    assert json.loads(render(ROWS[:1], "json")) == [{"method": "dnm", "fpr95": 16.9, "n": 3}]


@pytest.mark.parametrize(("rows", "fmt", "match"), [(ROWS, "html", "format"), ([], "csv", "no rows"),
                                                     ([{"a": 1}, {"b": 2}], "csv", "same columns")])
def test_bad_input(rows, fmt, match):
    with pytest.raises(ValueError, match=match):
        render(rows, fmt)


def test_table_headers_are_written_for_readers():
    from debiasood.book.tables import header, markdown_table

    assert header("fpr95_low") == "FPR95 low" and header("auroc") == "AUROC"
    assert header("would_choose") == "would choose" and header("num_negatives") == "number of negatives"
    assert header("ID at the maximum (%)") == "ID at the maximum (%)"  # already a header
    table = markdown_table([{"fpr95_low": 1.234, "A - B": 2.0}], ["fpr95_low", "A - B"]).data
    assert table.splitlines()[0] == "| FPR95 low | A - B |" and "1.23" in table
