"""Size limits of docs/architecture.md ("Layers"): no source file over 600 lines, no function
over 120 lines except the facility kernel's time loop (a loop body split across calls would
cost the kernel its registers)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dcsim"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 120
#: The time loops, allowed longer: (module path relative to src/dcsim, function name).
TIME_LOOPS = {("thermal/kernels.py", "facility_kernel")}


def test_no_source_file_over_600_lines():
    long = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES]
    assert not long, "\n".join(long)


def test_no_function_over_120_lines_but_the_time_loops():
    long = []
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES and (rel, node.name) not in TIME_LOOPS:
                    long.append(f"{rel}:{node.lineno} {node.name}: {n} lines")
    assert not long, "\n".join(long)

