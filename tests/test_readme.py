"""The README's code runs as written (with small random embeddings standing in for real ones)."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def unit(rng, n, d):
    x = rng.normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_readme_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python example"
    rng = np.random.default_rng(0)
    namespace = {"id_images": unit(rng, 50, 32), "ood_images": unit(rng, 40, 32),
                 "id_text": unit(rng, 20, 32), "neg_text": unit(rng, 300, 32)}
    exec(compile(blocks[0], str(README), "exec"), namespace)  # noqa: S102 - our own README
    printed = capsys.readouterr().out
    assert all(key in printed for key in ("fpr95", "auroc", "aupr_in", "aupr_out"))


def test_readme_shows_the_current_main_table():
    table = (README.parent / "results" / "main_benchmark.md").read_text()
    text = README.read_text()
    start, end = text.index("<!-- main-table:start -->\n"), text.index("<!-- main-table:end -->")
    assert text[start + len("<!-- main-table:start -->\n"):end] == table, (
        "README's main table differs from results/main_benchmark.md: copy the file between the markers")
