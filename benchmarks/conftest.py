"""Fixtures shared by every benchmark suite (see README.md, "Adding a benchmark").

- ``perf``: the measuring harness (``_perf.Perf``) around pytest-benchmark's ``benchmark``;
- ``repo_root``, ``reference_scenario``, ``tiny_scenario``: paths;
- ``dcsim_subprocess``: runs ``python -m ...`` in a fresh interpreter with a chosen
  ``NUMBA_CACHE_DIR`` (cold start and compile-time benchmarks);
- ``numba_caches``: a warm Numba cache directory for the session, and empty ones on demand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from _perf import Perf
from _turns import turns

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "gated: uses the perf fixture, so benchmarks/gate.py compares its ratio")
    config.addinivalue_line(
        "markers", "subprocess_rounds: each round runs in fresh child processes (the gate's later passes skip it)"
    )
    turns.start()  # under the paired gate: wait for this process's first turn (_turns.py)


def pytest_collection_finish(session):
    turns.collected([item.name for item in session.items])


def pytest_unconfigure(config):
    turns.done()


def pytest_collection_modifyitems(config, items):
    # the gate (make bench) runs `-m gated`: the benchmarks that report a calibrated ratio
    for item in items:
        if "perf" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gated)


@pytest.fixture
def perf(benchmark) -> Perf:
    return Perf(benchmark)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def reference_scenario() -> Path:
    """The reference scenario: 100 racks, one year at 60 s steps (525,600 steps)."""
    return ROOT / "scenarios" / "lulea-air-1mw.toml"


@pytest.fixture(scope="session")
def tiny_scenario() -> Path:
    """A one-day, two-rack scenario: what a cold start costs without the simulation."""
    return BENCH_DIR / "scenarios" / "tiny.toml"


def run_python(args: list[str], *, numba_cache_dir: Path, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``sys.executable *args`` in a fresh process with its own Numba cache directory.

    Fails the test (with the process's stderr) on a non-zero exit.
    """
    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = str(numba_cache_dir)
    proc = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc


@pytest.fixture(scope="session")
def dcsim_subprocess():
    return run_python


class NumbaCaches:
    """Numba cache directories for subprocess benchmarks.

    ``empty()`` gives a new empty directory (removed at session end). ``warm`` is a directory
    that holds the compiled kernels of a ``dcsim run`` of the tiny scenario: the no-cache
    cold-start benchmark hands over the directory of its last run (``offer_warm``); if it did
    not run, the first use of ``warm`` fills one with a run of its own.
    """

    def __init__(self, tiny: Path):
        self._tiny = tiny
        self._root = Path(tempfile.mkdtemp(prefix="dcsim-bench-numba-"))
        self._n = 0
        self._warm: Path | None = None

    def empty(self) -> Path:
        self._n += 1
        d = self._root / f"cache-{self._n}"
        d.mkdir()
        return d

    def offer_warm(self, directory: Path) -> None:
        if any(directory.rglob("*.nbi")):
            self._warm = directory

    @property
    def warm(self) -> Path:
        if self._warm is None:
            d = self.empty()
            out = self._root / "warm-out"
            run_python(["-m", "dcsim", "run", str(self._tiny), "-o", str(out), "--quiet"], numba_cache_dir=d)
            self._warm = d
        return self._warm

    def cleanup(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


@pytest.fixture(scope="session")
def numba_caches(tiny_scenario):
    caches = NumbaCaches(tiny_scenario)
    yield caches
    caches.cleanup()
