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
