"""Small numerical building blocks shared by kernels (tables, interpolation)."""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def interp_clamped(xs, ys, x: float) -> float:
    """Piecewise-linear interpolation of the table (xs, ys) at x, clamped to the end values.

    ``xs`` must be strictly increasing. Linear between points, never rounded to an index
    (REFERENCES.md warns of a simulator that indexed SPECpower tables by rounding).
    Datasheet tables (server power, unit capacity, heat-pump COP) all go through here.
    """
    n = xs.shape[0]
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
