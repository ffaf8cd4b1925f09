"""Expected ranges of the numbers each notebook records in SMOKE mode (tests/test_notebooks.py).

Each notebook has its own file tests/expectations/<notebook stem>.py defining
``EXPECTATIONS = {"<stem>": {record name: (low, high)}}`` (inclusive). Every number a notebook records needs
a range, and every range a recorded number: a notebook with no entry, or one that records nothing, fails.
"""

import importlib.util
from pathlib import Path

EXPECTATIONS: dict[str, dict[str, tuple[float, float]]] = {}
for _path in sorted((Path(__file__).parent / "expectations").glob("[0-9][0-9]_*.py")):
    _spec = importlib.util.spec_from_file_location(f"expectations_{_path.stem}", _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    if set(_module.EXPECTATIONS) != {_path.stem}:
        raise ValueError(f"{_path} must define EXPECTATIONS for {_path.stem!r} only")
    EXPECTATIONS.update(_module.EXPECTATIONS)
