"""Numerical building blocks of the kernels (dcsim._numeric) against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from dcsim._numeric import (
    hinge_form,
    hinge_value,
    interp_clamped,
    interp_table,
    interp_uniform,
    max_value,
    uniform_step,
)
from dcsim.thermal.ashrae import XFACTOR, XFACTOR_DT_K, XFACTOR_INLET_C, XFACTOR_T0_C


@pytest.mark.parametrize(
    "values",
    [
        [3.0],
        [-5.0, -7.0, -1.5],
        [-0.0, -1.0],
        [0.0, -0.0],
        [-np.inf, -np.inf],
        [1.0, np.inf, -np.inf],
        list(np.random.default_rng(1).normal(0.0, 30.0, 1001)),
        list(-np.random.default_rng(2).uniform(1.0, 2.0, 64)),
        [5e-324, -5e-324, 0.0],  # subnormals keep their order
    ],
)
def test_max_value_is_numpys_max(values):
    a = np.array(values)
    assert max_value(a) == np.max(a)


def test_max_value_edge_cases():
    assert max_value(np.zeros(0)) == -np.inf
    assert np.isnan(max_value(np.array([1.0, np.nan, 2.0])))  # a broken inlet is not hidden
    # IEEE total order: +0.0 above -0.0, whichever comes first (NumPy may return either)
    assert not np.signbit(max_value(np.array([0.0, -0.0]))) and not np.signbit(max_value(np.array([-0.0, 0.0])))


def test_hinge_form_equals_linear_interpolation():
    xs = XFACTOR_INLET_C
    c, lo, hi, hinges = hinge_form(xs, XFACTOR)
    assert (lo, hi) == (xs[0], xs[-1])
    assert len(hinges) < XFACTOR.size - 1  # equal slopes (40-45 °C) need no hinge
    x = np.concatenate([xs, np.random.default_rng(3).uniform(0.0, 60.0, 2000), [-40.0, 100.0]])
    got = np.array([hinge_value(c, lo, hi, hinges, v) for v in x])
    expected = np.interp(x, xs, XFACTOR)
    # a telescoping sum of 9 hinges of magnitude <= 1: rounding only
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13)
    # and the table lookups it replaces agree too
    assert all(interp_uniform(XFACTOR_T0_C, XFACTOR_DT_K, XFACTOR, v) == pytest.approx(e, abs=1e-15)
               for v, e in zip(x, expected))
    assert all(interp_clamped(xs, XFACTOR, v) == pytest.approx(e, abs=1e-15) for v, e in zip(x, expected))
    # interp_table picks the uniform lookup when told the spacing, bisection otherwise
    dx = uniform_step(xs)
    assert dx == XFACTOR_DT_K
    assert all(interp_table(xs, dx, XFACTOR, v) == interp_uniform(XFACTOR_T0_C, dx, XFACTOR, v) for v in x)
    assert all(interp_table(xs, 0.0, XFACTOR, v) == interp_clamped(xs, XFACTOR, v) for v in x)


def test_hinge_form_irregular_table():
    xs = np.array([0.0, 1.0, 1.5, 4.0])
    ys = np.array([2.0, -1.0, 3.0, 3.0])
    form = hinge_form(xs, ys)
    x = np.linspace(-1.0, 5.0, 601)
    np.testing.assert_allclose([hinge_value(*form, v) for v in x], np.interp(x, xs, ys), rtol=0, atol=1e-13)


@pytest.mark.parametrize("xs, ys", [([0.0], [1.0]), ([0.0, 0.0], [1.0, 2.0]), ([0.0, 1.0], [1.0])])
def test_hinge_form_rejects_bad_tables(xs, ys):
    with pytest.raises(ValueError, match="strictly increasing"):
        hinge_form(xs, ys)


@pytest.mark.parametrize("n", [1, 7, 1000])
def test_aligned_arrays_start_on_a_cache_line(n):
    from dcsim._numeric import SIMD_ALIGN_BYTES, aligned, aligned_full

    values = np.arange(n, dtype=float) * 0.5
    a = aligned(values)
    assert a.ctypes.data % SIMD_ALIGN_BYTES == 0 and a.flags.c_contiguous and a.flags.writeable
    np.testing.assert_array_equal(a, values)
    b = aligned_full(n, -np.inf)
    assert b.ctypes.data % SIMD_ALIGN_BYTES == 0 and b.shape == (n,) and np.all(b == -np.inf)
    with pytest.raises(ValueError, match="1-D"):
        aligned(np.zeros((2, 2)))
    assert aligned(np.zeros(0)).shape == (0,)  # an empty array has no data to align


def _dcsim_dispatchers():
    import importlib
    import pkgutil

    from numba.core.registry import CPUDispatcher

    import dcsim

    found = {}
    for info in pkgutil.walk_packages(dcsim.__path__, "dcsim."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    return found


def test_every_compiled_function_states_its_float_flags():
    """A function that leaves fastmath or error_model unset is compiled with the flags of the
    caller that compiles it first (numba/numba#7168), one version per signature, cached on disk:
    a fast-math kernel compiled first made the plant and the electrical chain fast-math too, and
    a run's last bits depended on what had been compiled before (see dcsim._numeric.FASTMATH)."""
    dispatchers = _dcsim_dispatchers()
    assert len(dispatchers) > 50
    unset = sorted(name for name, d in dispatchers.items()
                   if "fastmath" not in d.targetoptions or "error_model" not in d.targetoptions)
    assert not unset, f"state fastmath= and error_model= in @njit of: {unset}"
