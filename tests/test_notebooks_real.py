"""Every chapter runs on REAL features: a bundle written by `debiasood extract` with a random-weight tiny open_clip
model on generated images (ten ImageNet classes, so the WordNet audit has synsets to match), in the SMOKE profile.

Each executed page must say "real" with that model, and nothing on it may say "simulated": its labels come from
the bundle's provenance, and the sections that study the simulated world are skipped with a note.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
LABEL = "real: tiny (random weights)"


@pytest.fixture(scope="module")
def tiny_bundle(tmp_path_factory):
    from debiasood.data.datasets.demo import write_demo_benchmark

    root = tmp_path_factory.mktemp("real")
    demo = write_demo_benchmark(root / "images")
    env = {**os.environ, "DEBIASOOD_CACHE": str(root / "cache"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "debiasood", "extract", str(root / "bundle"), "--imagenet-val", str(demo.imagenet_val),
         "--ood-root", str(demo.ood_root), "--partial-imagenet", "--model", "tiny", "--pretrained", "random",
         "--device", "cpu", "--corpus-step", "20", "--num-workers", "0"],
        capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "bundle"


#: Chapters whose topic is the simulated world itself: their prose describes it by name; their OUTPUTS (every
#: number, table, caption and note computed from the features) must still never say simulated.
WORLD_CHAPTERS = ("07_simulated_world",)


def page_text(notebook: Path, *, prose: bool = True) -> str:
    """What a reader of the executed page sees: Markdown cells (with ``prose``) and every text output."""
    cells = json.loads(notebook.read_text())["cells"]
    parts = []
    for cell in cells:
        if cell["cell_type"] == "markdown" and prose:
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for mime in ("text/markdown", "text/plain", "text/html"):
                parts.append("".join(output.get("data", {}).get(mime, "")))
    return "\n".join(parts)


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_chapter_runs_on_a_real_bundle_and_says_so(source, tiny_bundle, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run(
        [sys.executable, "-m", "debiasood.book.run_notebooks", str(source), "--smoke", "-p", "FEATURES",
         str(tiny_bundle), "--output-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT,
        env={**environment, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    assert result.returncode == 0, f"{source.name} failed on a real bundle:\n{result.stderr[-5000:]}"
    text = page_text(tmp_path / f"{source.stem}.ipynb", prose=source.stem not in WORLD_CHAPTERS)
    assert LABEL in text, f"{source.name} never names its features ({LABEL!r})"
    found = sorted({m.group(0) for m in re.finditer(r"[^\n]{0,60}\bsimulated\b[^\n]{0,60}", text, re.IGNORECASE)})
    assert not found, f"{source.name} says 'simulated' on a page built from real features: {found[:5]}"
