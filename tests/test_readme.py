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


def _committed(path: str) -> str:
    """The file as committed (``make test`` rebuilds the book first, which rewrites results/ in the tree)."""
    import subprocess

    result = subprocess.run(["git", "show", f"HEAD:{path}"], capture_output=True, text=True, cwd=README.parent)
    return result.stdout if result.returncode == 0 else (README.parent / path).read_text()


def test_readme_shows_the_committed_main_table():
    table = _committed("results/main_benchmark.md")
    text = README.read_text()
    start, end = text.index("<!-- main-table:start -->\n"), text.index("<!-- main-table:end -->")
    assert text[start + len("<!-- main-table:start -->\n"):end] == table, (
        "README's main table differs from results/main_benchmark.md: copy the file between the markers")


def test_the_rebuilt_main_table_reproduces_the_committed_numbers():
    """The book rebuilds results/main_benchmark.md; its simulated numbers must match the committed ones to 0.1
    points. Not exactly: at T = 0.01 many DNM scores round to 1.0 in float32, and features embedded on another
    machine (or thread count) can break those ties differently, moving an FPR95 by a few hundredths."""
    def numbers(table: str) -> list[float]:
        return [float(x) for line in table.splitlines() if "| simulated |" in line
                for x in re.findall(r"\d+\.\d+", line)]

    committed = numbers(_committed("results/main_benchmark.md"))
    rebuilt = numbers((README.parent / "results" / "main_benchmark.md").read_text())
    assert len(committed) == len(rebuilt) > 0
    worst = max(abs(a - b) for a, b in zip(committed, rebuilt, strict=True))
    assert worst <= 0.1, f"the rebuilt main table moved by up to {worst:.2f} points from the committed one"
