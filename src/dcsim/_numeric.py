"""Small numerical building blocks shared by kernels (tables, interpolation, reductions)."""

from __future__ import annotations

import numpy as np
from . import _jitcache  # noqa: F401 - installs the cache locator first
from numba import literal_unroll, njit, types
from numba.extending import intrinsic

# Fast-math without the no-NaN/no-Inf assumptions (curve limits may be infinite): lets LLVM
# reassociate and vectorise loops over racks. Results stay deterministic for a given machine
# and build; they may differ in the last bits from a strict evaluation.
#
# Every @njit function in dcsim states both ``fastmath`` (FASTMATH or False) and ``error_model``:
# Numba compiles a function that leaves them unset with the flags of whichever caller compiles
# it first (numba/numba#7168), keeps that one version per signature and caches it on disk, so
# results would depend on compile order (tests/test_numeric.py checks every dispatcher).
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}


@njit(cache=True, fastmath=False, error_model="numpy")
def clamp(x: float, lo: float, hi: float) -> float:
    """x held to [lo, hi]; NaN stays NaN (the chiller curves' validity range, the heat pump's
    Carnot fraction, a fan's speed fraction)."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@njit(cache=True, fastmath=False, error_model="numpy")
def interp_clamped(xs, ys, x: float) -> float:
    """Piecewise-linear interpolation of the table (xs, ys) at x, clamped to the end values.

    ``xs`` must be strictly increasing. Linear between points, never rounded to an index
    (REFERENCES.md warns of a simulator that indexed SPECpower tables by rounding).
    Datasheet tables (server power, unit capacity, heat-pump COP) all go through here.
    ``xs`` and ``ys`` may be 1-D arrays or tuples of floats (the plant keeps its tables in
    tuples: no reference counting in compiled code, see dcsim.model.tables).
    """
    n = len(xs)
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    lo = 0
    hi = n - 1
    while hi - lo > 1:  # bisection: O(log n) for long tables, 3-4 steps for SPECpower
        mid = (lo + hi) >> 1
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    w = (x - xs[lo]) / (xs[hi] - xs[lo])
    return ys[lo] + w * (ys[hi] - ys[lo])


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def interp_uniform(x0: float, dx: float, ys, x: float) -> float:
    """Piecewise-linear interpolation in a table sampled every ``dx`` from ``x0``, clamped.

    The same result as :func:`interp_clamped` on a uniform grid, found by direct indexing
    (floor, never rounding) instead of bisection; SPECpower tables are uniform.
    """
    n = ys.shape[0]
    s = (x - x0) / dx
    if s <= 0.0:
        return ys[0]
    if s >= n - 1:
        return ys[n - 1]
    i = int(s)
    w = s - i
    return ys[i] + w * (ys[i + 1] - ys[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def interp_table(xs, dx: float, ys, x: float) -> float:
    """:func:`interp_clamped` of the table (xs, ys) at x, by :func:`interp_uniform` when the
    table is uniform: ``dx`` is :func:`uniform_step` of ``xs`` (0 if it is not uniform)."""
    if dx > 0.0:
        return interp_uniform(xs[0], dx, ys, x)
    return interp_clamped(xs, ys, x)


SIMD_ALIGN_BYTES = 64  # a cache line, and one AVX-512 register


def aligned(values) -> np.ndarray:
    """A float64 copy of ``values`` (1-D) whose data starts on a 64-byte boundary.

    The rack loops load and store whole SIMD registers; an array that starts mid cache line
    makes every such access straddle two lines. NumPy guarantees only 16 bytes, so which arrays
    happened to be aligned varied from run to run: the facility kernel took 3.8 ns per
    rack-step with its per-rack arrays 64-byte aligned and 4.2 ns with them 8 or 16 bytes off
    (1,000 racks, this machine), the bare RC loop of the benchmarks 0.089 against 0.119 ns.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("aligned() takes a 1-D array")
    n = values.shape[0]
    pad = SIMD_ALIGN_BYTES // 8
    buf = np.empty(n + pad, dtype=np.float64)
    start = (-buf.ctypes.data % SIMD_ALIGN_BYTES) // 8
    out = buf[start:start + n]
    out[...] = values
    return out


def aligned_full(n: int, value: float) -> np.ndarray:
    """:func:`aligned` array of ``n`` copies of ``value``."""
    return aligned(np.full(n, value, dtype=np.float64))


def uniform_step(xs) -> float:
    """The spacing of ``xs`` if it is uniform (to 1e-12 relative), else 0."""
    xs = np.asarray(xs, dtype=np.float64)
    if xs.size < 2:
        return 0.0
    d = np.diff(xs)
    return float(d[0]) if np.allclose(d, d[0], rtol=1e-12, atol=0.0) and d[0] > 0 else 0.0


def hinge_form(xs, ys) -> tuple[float, float, float, tuple[tuple[float, float], ...]]:
    """The piecewise-linear table (xs, ys), clamped at its ends, as a sum of hinges.

    For x_0 <= x <= x_{n-1}, linear interpolation equals

        f(x) = c + sum_k d_k max(x, x_k),   k = 0 .. n-2,

    with s_k = (y_{k+1} - y_k) / (x_{k+1} - x_k), d_k = s_k - s_{k-1} (s_{-1} = 0) and
    c = y_0 - sum_k d_k x_k: each hinge adds the change of slope at its knot (a telescoping
    sum). Knots where the slope does not change (to 1e-12 of the steepest slope) are dropped. Returns (c, x_0, x_{n-1},
    ((x_k, d_k), ...)) for :func:`hinge_value`. Unlike an indexed lookup, the sum needs no
    gather, so a rack loop evaluating it vectorises (the ASHRAE X-factor table per rack and step).
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    if xs.ndim != 1 or xs.shape != ys.shape or xs.size < 2 or np.any(np.diff(xs) <= 0):
        raise ValueError("hinge_form needs two or more points with strictly increasing x")
    slopes = np.diff(ys) / np.diff(xs)
    changes = np.diff(slopes, prepend=0.0)
    # a change that is only the rounding of equal slopes is no change (1e-12 of the steepest)
    negligible = 1e-12 * float(np.max(np.abs(slopes)))
    hinges = tuple((float(x), float(d)) for x, d in zip(xs[:-1], changes) if abs(d) > negligible)
    c = float(ys[0] - sum(d * x for x, d in hinges))
    return c, float(xs[0]), float(xs[-1]), hinges


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def hinge_value(c, x_min, x_max, hinges, x):
    """Evaluate :func:`hinge_form`'s representation at x (clamped to [x_min, x_max]): the
    same value as linear interpolation in the table, to rounding. ``hinges`` is a tuple of
    (knot, slope change) pairs, so the sum unrolls at compile time."""
    xc = min(max(x, x_min), x_max)
    v = c
    for knot_slope in literal_unroll(hinges):  # straight-line code: no switch on a tuple index
        v += knot_slope[1] * max(xc, knot_slope[0])
    return v


@intrinsic
def _int64_bits_as_float64(typingctx, bits):
    """Reinterpret an int64's bits as a float64 (no conversion)."""
    if not isinstance(bits, types.Integer) or bits.bitwidth != 64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return types.float64(bits), codegen


_MAGNITUDE_BITS = 0x7FFFFFFFFFFFFFFF


@njit(cache=True, fastmath=False, error_model="numpy")
def max_value(values):
    """The largest element of a float64 array (-inf if empty; NaN if any element is NaN).

    A plain ``m = max(m, v)`` loop does not vectorise without the no-NaN fast-math flag; here
    each value's IEEE bit pattern b becomes the signed integer b ^ ((b >> 63) & 0x7FF..F),
    whose order is the floating-point order (negative values have their magnitude bits
    flipped; NaN sorts above +inf), and an integer maximum vectorises. Exact: the winner's
    bits are transformed back.
    """
    bits = values.view(np.int64)
    best = np.int64(-0x7FF0000000000001)  # the key of -inf
    for i in range(bits.shape[0]):
        b = bits[i]
        best = max(best, b ^ ((b >> 63) & _MAGNITUDE_BITS))
    return _int64_bits_as_float64(best ^ ((best >> 63) & _MAGNITUDE_BITS))
