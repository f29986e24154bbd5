"""dcsim._jitcache: a cached compiled function is recompiled when any dcsim source changes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import dcsim._jitcache as jitcache
from dcsim.thermal import kernels

CALLEE = """
from numba import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def g(x):
    return x + {addend}
"""

CALLER = """
from numba import njit

from .callee import g


@njit(cache=True, fastmath=False, error_model="numpy")
def f(x):
    return 2.0 * g(x)
"""

SCRIPT = """
import pathlib, sys
sys.path.insert(0, {root!r})
from numba.core import caching
import dcsim._jitcache as j
j.PACKAGE_DIR = pathlib.Path({pkg!r}).resolve()  # the toy package stands in for dcsim
j._stamp.cache_clear()
if not {with_locator}:
    j._impl_class()._locator_classes.remove(j.PackageStampLocator)
from toypkg.caller import f
print(f(1.0))
"""


def _run(tmp_path, cache, with_locator):
    script = SCRIPT.format(root=str(tmp_path), pkg=str(tmp_path / "toypkg"), with_locator=with_locator)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / cache))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return float(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # four fresh interpreters compiling, about 6 s
def test_a_cached_caller_follows_an_edit_of_its_callee(tmp_path):
    """Numba keys a cached function on its own file: f's cache (caller.py unchanged) keeps the
    code of g that LLVM inlined into it. With the locator, an edit anywhere in the package
    recompiles. Each run is a fresh process reading the on-disk cache."""
    pkg = tmp_path / "toypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "caller.py").write_text(textwrap.dedent(CALLER))
    (pkg / "callee.py").write_text(textwrap.dedent(CALLEE.format(addend="1.0")))
    assert _run(tmp_path, "with", True) == 4.0 and _run(tmp_path, "without", False) == 4.0
    (pkg / "callee.py").write_text(textwrap.dedent(CALLEE.format(addend="2.0")))
    assert _run(tmp_path, "with", True) == 6.0
    # what the locator prevents: Numba alone serves the stale inlined callee
    assert _run(tmp_path, "without", False) == 4.0


def test_package_stamp_covers_every_source_file(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    first = jitcache.package_source_stamp(tmp_path)
    assert jitcache.package_source_stamp(tmp_path) == first  # deterministic
    (tmp_path / "sub" / "b.py").write_text("y = 3\n")
    second = jitcache.package_source_stamp(tmp_path)
    assert second != first
    (tmp_path / "sub" / "c.py").write_text("")
    assert jitcache.package_source_stamp(tmp_path) != second  # a new file counts too


def test_dcsim_functions_use_the_package_stamp():
    locator = kernels.facility_kernel._cache._impl.locator
    assert isinstance(locator, jitcache.PackageStampLocator)
    assert locator.get_source_stamp()[1] == jitcache.package_source_stamp(jitcache.PACKAGE_DIR)
    assert jitcache.install()  # idempotent: still in place, not inserted twice
    classes = jitcache._impl_class()._locator_classes
    assert classes.count(jitcache.PackageStampLocator) == 1 and classes[0] is jitcache.PackageStampLocator


def _dcsim_dispatchers() -> dict[str, int]:
    """Every compiled dcsim function loaded so far, with how many type signatures it holds
    (compiled or loaded from the cache in this process)."""
    from numba.core.registry import CPUDispatcher

    found = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("dcsim") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == name:
                found[f"{name}.{attr}"] = len(value.signatures)
    return found


@pytest.mark.slow  # a one-day run of each shipped scenario
def test_the_reference_run_and_warm_compile_what_every_shipped_scenario_needs():
    """What `make demo` leaves in the cache serves the runs a user types next (issue 19): after
    a run of the reference scenario and ``python -m dcsim.warm`` (the reference's hour once per
    cooling system) no shipped scenario, whatever its cooling system, workload or climate,
    needs a compiled function or a type signature those runs did not already have. Counted in
    signatures, not seconds, so the test holds with a warm or a cold cache."""
    import glob

    import dcsim
    from dcsim.warm import warm

    root = os.path.join(os.path.dirname(__file__), "..", "scenarios")
    day = {"simulation.duration": "1d"}
    reference = os.path.join(root, "lulea-air-1mw.toml")
    dcsim.simulate(dcsim.load_scenario(reference, overrides=day))
    warm(reference)
    after_reference = _dcsim_dispatchers()
    assert len(after_reference) > 50  # the scan sees the model's functions
    for path in sorted(glob.glob(os.path.join(root, "*.toml"))):
        dcsim.simulate(dcsim.load_scenario(path, overrides=day))
        now = _dcsim_dispatchers()
        new = {k: v for k, v in now.items() if v > after_reference.get(k, 0)}
        assert new == {}, f"{os.path.basename(path)} compiled beyond the reference run: {new}"


def test_compile_on_a_fresh_stack_compiles_in_its_own_thread_for_the_callers_types(monkeypatch):
    """The facility kernel is compiled in a new thread (a fresh CPython frame stack: no chunk
    thrash) for exactly the types the engine then calls it with, so the call compiles nothing."""
    import threading

    import numpy as np
    from numba import njit

    @njit
    def scaled_sum(x, k):
        return (x * k).sum()

    monkeypatch.setattr(jitcache, "needs_compile", lambda d, args=None: True)  # an uncached function: always cold
    seen = []
    real = scaled_sum.compile
    monkeypatch.setattr(scaled_sum, "compile", lambda sig: (seen.append(threading.current_thread().name), real(sig))[1])
    x = np.arange(4.0)
    jitcache.compile_on_a_fresh_stack(scaled_sum, (x, 2))
    assert seen == ["dcsim-compile"] and len(scaled_sum.signatures) == 1
    assert scaled_sum(x, 2) == 12.0 and len(scaled_sum.signatures) == 1  # the call found it compiled

    @njit
    def broken(x):
        return x.no_such_attribute

    with pytest.raises(Exception, match="no_such_attribute"):  # a typing error reaches the caller
        jitcache.compile_on_a_fresh_stack(broken, (x,))
    monkeypatch.setattr(jitcache, "needs_compile", lambda d, args=None: False)
    jitcache.compile_on_a_fresh_stack(broken, (x,))  # in the cache: nothing to do, nothing raised
