"""Fixed calibration workloads: what "one unit of this machine, right now" costs.

Every benchmark divides its throughput by the throughput of one of these, measured in the
same test, interleaved with its own rounds (see ``_perf.py``). The quotient (the *ratio* the
gate compares) survives a slower machine, a throttled CPU or a busy neighbour much better
than a throughput alone. The workloads are fixed: never change their size or code without
running ``make bench-update`` in the same commit, because every baseline ratio depends on them.

- ``numeric``: a compiled Numba loop over 1,000 "racks" x 15,000 "steps" with the same mix
  as the facility kernel (array loads and stores, multiply-adds, a division and a running
  sum and maximum that form dependency chains, a data-dependent branch). For compiled
  kernels and NumPy-heavy code.
- ``python``: pure interpreter work (arithmetic, dict updates, string formatting, a sort)
  for code that spends its time in CPython: scenario loading and validation, and later the
  SimPy event loop.
- ``compile``: Numba compiling a small fixed function from source (no cache): Numba's
  typing passes in Python plus LLVM, allocation-heavy; for compile time and cold starts
  without a cache.
- ``memory``: allocating, filling and combining fresh 64 MB NumPy arrays (page faults, memory
  bandwidth); for whole-simulation runs that allocate and write year-long arrays.
- ``process``: a fresh interpreter importing a fixed set of standard-library modules and
  NumPy (process creation, dynamic loading, unmarshalling, page cache); for cold starts.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from numba import njit

NUMERIC_RACKS = 1_000
NUMERIC_STEPS = 15_000
#: Work done by one call of :func:`numeric_calibration`, in "calibration operations".
NUMERIC_WORK = NUMERIC_RACKS * NUMERIC_STEPS

PYTHON_ITEMS = 120_000
#: Work done by one call of :func:`python_calibration`, in "calibration operations".
PYTHON_WORK = PYTHON_ITEMS


@njit(cache=True)
def _numeric_loop(x, y, steps):
    n = x.shape[0]
    total = 0.0
    for t in range(steps):
        a = 0.999 - 1e-8 * t
        s = 0.0
        m = -1e300
        for i in range(n):
            v = y[i] + (x[i] - y[i]) * a
            if v > 40.0:
                v = 40.0
            x[i] = v
            s += v / (1.0 + v * v)
            if v > m:
                m = v
        total += s + 1e-3 * m
    return total


_X0 = np.linspace(15.0, 45.0, NUMERIC_RACKS)
_Y0 = np.linspace(18.0, 22.0, NUMERIC_RACKS)


def numeric_calibration() -> float:
    """One unit of the numeric calibration (about 20-30 ms on a 2020s x86 core)."""
    return _numeric_loop(_X0.copy(), _Y0, NUMERIC_STEPS)


def python_calibration() -> int:
    """One unit of the interpreter calibration (about 25 ms on a 2020s x86 core).

    Integer keys only: the cost of str hashing depends on the per-process hash seed
    (PYTHONHASHSEED), which would make this figure differ from one process to the next.
    """
    counts: dict[int, int] = {}
    labels: list[str] = []
    acc = 0
    for i in range(PYTHON_ITEMS):
        key = (i * 7919) % 1021
        counts[key] = counts.get(key, 0) + i
        if i % 7 == 0:
            labels.append(f"rack-{key}.{i % 13}")
        acc += key & 15
    labels.sort()
    return acc + len(counts) + len(labels)


_COMPILE_SOURCE = """
def calibration_kernel(x, y, n):
    s = 0.0
    m = -1e300
    for i in range(n):
        v = x[i % x.shape[0]] * 1.5 + y
        if v > 2.0:
            s += v / (1.0 + v)
        else:
            s -= v * v
        if v > m:
            m = v
    return s + m
"""
_COMPILE_X = np.linspace(0.0, 2.0, 8)


def compile_calibration() -> float:
    """Compile one fixed small function with Numba (a fresh function object: no cache)."""
    namespace: dict = {}
    exec(_COMPILE_SOURCE, namespace)
    return njit(cache=False)(namespace["calibration_kernel"])(_COMPILE_X, 0.5, 16)


MEMORY_VALUES = 8_000_000  # 64 MB of float64: above glibc's largest mmap threshold (32 MB)


def memory_calibration() -> float:
    """Allocate, fill and combine two fresh 64 MB arrays: page faults and memory bandwidth."""
    a = np.empty(MEMORY_VALUES)
    a.fill(1.5)
    b = a * 2.0 + 1.0
    return float(b[::4096].sum())


PROCESS_IMPORTS = "import argparse, asyncio, decimal, email.parser, http.client, json, unittest, xml.dom.minidom, numpy"


def process_calibration() -> None:
    """Start a fresh interpreter that imports a fixed set of modules (CPU time of the child)."""
    subprocess.run([sys.executable, "-c", PROCESS_IMPORTS], check=True)


#: name -> (function, work per call, unit)
CALIBRATIONS = {
    "numeric": (numeric_calibration, NUMERIC_WORK, "numeric calibration ops/s"),
    "python": (python_calibration, PYTHON_WORK, "python calibration ops/s"),
    "compile": (compile_calibration, 1, "calibration compiles/s"),
    "process": (process_calibration, 1, "calibration processes/s"),
    "memory": (memory_calibration, MEMORY_VALUES, "memory calibration values/s"),
}
