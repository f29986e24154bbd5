"""The import rule of docs/architecture.md ("Layers"), enforced on the source.

Every ``import`` in src/dcsim (also the ones inside functions) is read with ``ast``; a module
may import its own layer or a lower one, never a higher one; the physics layer imports neither
pydantic nor scenario code, the schema imports no physics; and the packages form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "dcsim"

#: Layers, lowest first: (name, module prefixes). A module belongs to the longest prefix that
#: matches its dotted name.
LAYERS = (
    ("base", ("dcsim._numeric", "dcsim._version", "dcsim._cells", "dcsim._jitcache", "dcsim._table", "dcsim.units", "dcsim._outdir",
              "dcsim.errors", "dcsim.data", "dcsim._timeaxis")),
    ("physics", ("dcsim.climate", "dcsim.grid", "dcsim.it", "dcsim.thermal", "dcsim.cooling", "dcsim.electrical",
                 "dcsim.heatreuse", "dcsim.workload")),
    ("schema", ("dcsim.scenario.types", "dcsim.scenario.it", "dcsim.scenario.facility", "dcsim.scenario.heat_reuse",
                "dcsim.scenario.electrical", "dcsim.scenario.datasheet", "dcsim.scenario.schema")),
    ("inputs", ("dcsim.scenario",)),
    ("model", ("dcsim.model",)),
    ("run", ("dcsim.engine", "dcsim.drive", "dcsim.results", "dcsim.eu_reporting")),
    ("application", ("dcsim.case", "dcsim.sweep", "dcsim.report", "dcsim.plugins", "dcsim.mv")),
    ("interface", ("dcsim.cli", "dcsim._entry", "dcsim.__main__", "dcsim.warm", "dcsim")),  # "dcsim": the package's __init__ only
)
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
#: What each layer may not import even though it is lower or equal (beyond the ordering).
FORBIDDEN = {
    "physics": ("pydantic",),
    "schema": LAYERS[1][1],  # physics is lower, yet the schema may not import it
    "base": ("pydantic",),
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str | None:
    best, best_len = None, -1
    for name, prefixes in LAYERS:
        for p in prefixes:
            if (module == p or (p != "dcsim" and module.startswith(p + "."))) and len(p) > best_len:
                best, best_len = name, len(p)
    return best


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a source file."""
    return imports_in(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def imports_in(text: str, module: str, is_pkg: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the source ``text`` of ``module``."""
    tree = ast.parse(text)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # "from . import x" / "from pkg import module": name the module when it is one
            for a in node.names:
                sub = f"{target}.{a.name}"
                if (SRC / Path(*sub.split("."))).with_suffix(".py").exists() or (SRC / Path(*sub.split("."))).is_dir():
                    out.append((node.lineno, sub))
                else:
                    out.append((node.lineno, target))
    return out


def _sources():
    return sorted(PACKAGE.rglob("*.py"))


def _violations() -> list[str]:
    problems = []
    for path in _sources():
        mod = _module_name(path)
        layer = layer_of(mod)
        if layer is None:
            problems.append(f"{mod}: in no layer (add it to LAYERS in tests/test_import_rules.py and the docs)")
            continue
        for line, target in imports_of(path):
            where = f"{path.relative_to(SRC.parent)}:{line}"
            for bad in FORBIDDEN.get(layer, ()):
                if target == bad or target.startswith(bad + "."):
                    problems.append(f"{where}: {layer} module {mod} imports {target}")
            if not target.startswith("dcsim"):
                continue
            t_layer = layer_of(target)
            if t_layer is not None and RANK[t_layer] > RANK[layer]:
                problems.append(f"{where}: {mod} ({layer}) imports {target} ({t_layer}, a higher layer)")
    return problems


def _package(mod: str) -> str:
    parts = mod.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else mod


def package_cycles() -> list[list[str]]:
    """Cycles in the graph of dcsim's subpackages (dcsim.cooling -> dcsim.heatreuse ...)."""
    graph: dict[str, set[str]] = {}
    for path in _sources():
        src = _package(_module_name(path))
        for _, target in imports_of(path):
            if target.startswith("dcsim.") and _package(target) != src:
                graph.setdefault(src, set()).add(_package(target))
    return cycles_in(graph)


def cycles_in(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first search meets in a directed graph {node: successors}."""
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_no_import_from_a_higher_layer():
    problems = _violations()
    assert not problems, "\n".join(problems)


def test_no_import_cycles_between_packages():
    cycles = package_cycles()
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_rule_catches_a_violation():
    """The checker itself finds an upward import (not a test that cannot fail)."""
    assert layer_of("dcsim.cooling.plant") == "physics" and layer_of("dcsim.scenario.schema") == "schema"
    assert layer_of("dcsim.scenario.load") == "inputs" and layer_of("dcsim") == "interface"
    found = imports_in("from ..model import build_plant\nimport pydantic\n", "dcsim.cooling.plant")
    assert found == [(1, "dcsim.model"), (2, "pydantic")]
    assert RANK[layer_of("dcsim.model")] > RANK[layer_of("dcsim.cooling.plant")]
    # a new package is in no layer until it is given one (it is not the interface's "dcsim")
    assert layer_of("dcsim.newpkg.x") is None and layer_of("dcsim.cli") == "interface"
    assert cycles_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles_in({"a": {"b"}, "b": {"c"}, "d": {"a", "c"}}) == []
