"""The code base passes ruff with the project's settings (pyproject.toml [tool.ruff]), and cites what it ships."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "debiasood", "tests", "benchmarks", "notebooks"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# The internal notes the project was written from are not part of it: every citation points at the book's
# method reference instead. The name is split so that this file does not cite it either.
INTERNAL_NOTES = "SPEC" + ".md"


def _project_files() -> list[Path]:
    """Every file of the project: tracked, or new and not ignored (what the next commit may add)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], capture_output=True,
                            text=True, cwd=ROOT, check=True).stdout.splitlines()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_no_file_cites_the_internal_notes():
    citing = []
    for path in _project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (images) cite nothing
        citing += [f"{path.relative_to(ROOT)}:{number}" for number, line in enumerate(text.splitlines(), 1)
                   if INTERNAL_NOTES in line]
    assert not citing, f"cite the book's method reference (book/method_reference.md) instead of {INTERNAL_NOTES}: " \
                       f"{citing}"


def test_every_chapter_links_the_method_reference():
    reference = (ROOT / "book" / "method_reference.md").read_text()
    anchors = set(re.findall(r"^\(([\w-]+)\)=$", reference, flags=re.MULTILINE))
    assert "book/method_reference" in (ROOT / "_toc.yml").read_text(), "add book/method_reference to _toc.yml"
    for source in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")):
        cited = set(re.findall(r"\{ref\}`(method-[\w-]+)`", source.read_text()))
        assert cited, f"{source.name} does not link the method reference ({{ref}}`method-...`)"
        assert cited <= anchors, f"{source.name} cites sections the method reference lacks: {cited - anchors}"
