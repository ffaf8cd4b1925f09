"""The package in layers: core < data < world < book < app. Each layer imports only the layers before it, no
module imports a private name of another module, there are no import cycles, and ``import debiasood`` is cheap
(it loads neither torch nor an encoder)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "debiasood"
LAYERS = ("core", "data", "world", "book", "app")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, imported names, line) for every debiasood import in the file, lazy ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("debiasood"):
            found.append((node.module, tuple(alias.name for alias in node.names), node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, (), node.lineno) for alias in node.names if alias.name.startswith("debiasood")]
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def resolve(module: str, names: tuple[str, ...]) -> list[str]:
    """The package modules an import statement loads (``from debiasood.book import nb`` loads book.nb)."""
    targets = [module] if module in MODULES else []
    targets += [f"{module}.{name}" for name in names if f"{module}.{name}" in MODULES]
    return targets


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_sits_in_a_layer():
    loose = [m for m in MODULES if layer(m) is None and m not in ("debiasood", "debiasood.__main__")]
    assert loose == [], f"modules outside core/data/world/book/app: {loose}"


def test_layers_import_only_earlier_layers():
    violations = []
    for module, path in MODULES.items():
        own = layer(module)
        if own is None:
            continue
        for imported, names, line in imports(path):
            for target in resolve(imported, names):
                other = layer(target)
                if other is not None and other > own:
                    violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({LAYERS[own]}) imports "
                                      f"{target} ({LAYERS[other]})")
    assert violations == [], "\n".join(violations)


def test_no_private_names_across_modules():
    violations = []
    for module, path in MODULES.items():
        for imported, names, line in imports(path):
            private = [n for n in names if n.startswith("_") and not n.endswith("__") and imported != module]
            if private:
                violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {private} from {imported}")
    assert violations == [], "\n".join(violations)


def test_no_import_cycles():
    graph = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for imported, names, _ in imports(path):
            for target in resolve(imported, names):
                if target != module and not module.startswith(target + "."):  # a package's own __init__
                    graph[module].add(target)
    # Tarjan's strongly connected components: any component with two or more modules is a cycle.
    index, low, on_stack, stack, cycles, counter = {}, {}, set(), [], [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == [], f"import cycles: {cycles}"


def test_import_debiasood_is_cheap_and_loads_no_encoder():
    code = ("import sys, time; t = time.perf_counter(); import debiasood; elapsed = time.perf_counter() - t; "
            "heavy = sorted(m for m in sys.modules if m in ('torch', 'open_clip', 'sentence_transformers') "
            "or m.startswith('debiasood.data')); print(elapsed); print(heavy)")
    timings = []
    for _ in range(3):  # best of three: a busy machine can stall one start-up
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        elapsed, heavy = out.stdout.splitlines()
        assert heavy == "[]", f"import debiasood loaded {heavy}"
        timings.append(float(elapsed))
    assert min(timings) < 0.5, f"import debiasood took {min(timings):.2f} s (budget 0.5 s)"


def test_the_public_api_resolves_lazily():
    import debiasood

    assert set(debiasood.__all__) <= set(dir(debiasood))
    for name in debiasood.__all__:
        assert getattr(debiasood, name) is not None
    try:
        debiasood.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("an unknown attribute must raise AttributeError")
