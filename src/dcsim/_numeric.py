"""Small numerical building blocks shared by kernels (tables, interpolation)."""

from __future__ import annotations

from numba import njit

# Fast-math without the no-NaN/no-Inf assumptions (curve limits may be infinite): lets LLVM
# reassociate and vectorise loops over racks. Results stay deterministic for a given machine
# and build; they may differ in the last bits from a strict evaluation.
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}


@njit(cache=True)
def interp_clamped(xs, ys, x: float) -> float:
    """Piecewise-linear interpolation of the table (xs, ys) at x, clamped to the end values.

    ``xs`` must be strictly increasing. Linear between points, never rounded to an index
    (REFERENCES.md warns of a simulator that indexed SPECpower tables by rounding).
    Datasheet tables (server power, unit capacity, heat-pump COP) all go through here.
    ``xs`` and ``ys`` may be 1-D arrays or tuples of floats (the plant keeps its tables in
    tuples: no reference counting in compiled code, see dcsim.cooling.tables).
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
    (floor, never rounding) instead of bisection; SPECpower tables and the ASHRAE X-factor
    table are uniform.
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


def uniform_step(xs) -> float:
    """The spacing of ``xs`` if it is uniform (to 1e-12 relative), else 0."""
    import numpy as np

    xs = np.asarray(xs, dtype=np.float64)
    if xs.size < 2:
        return 0.0
    d = np.diff(xs)
    return float(d[0]) if np.allclose(d, d[0], rtol=1e-12, atol=0.0) and d[0] > 0 else 0.0
