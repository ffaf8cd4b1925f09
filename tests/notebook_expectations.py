"""Expected ranges of the numbers each notebook records in SMOKE mode (tests/test_notebooks.py).

notebook stem -> {record name: (low, high)}, inclusive. Every number a notebook records needs a range here,
and every range a recorded number: a notebook with no entry, or one that records nothing, fails.
"""

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {
    "01_debiasing_derivation": {
        "placeholder_value": (1.0, 1.0),
    },
}
