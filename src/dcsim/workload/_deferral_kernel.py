"""The compiled core of :meth:`dcsim.workload.schedulers.Deferral.choose`: the cost of every
candidate start of a deferrable job and the cheapest one that fits.

One call per deferrable job (the price-aware case's hall defers about 1.2 million a year). The
NumPy version this replaces built eight to twelve temporary arrays per job and took about
90 us per job, half the CPU time of a year of the price-aware case; this one allocates nothing
(the caller hands in a scratch buffer) and gives the same start, bit for bit: the
interpolation below is NumPy's (``numpy.interp``: the same slope formula, the same handling of
a query on a knot and beyond the ends), and the sums run in NumPy's order
(``tests/test_workload_deferral.py`` compares it with the NumPy version on random jobs).
"""

from __future__ import annotations

import math

from .._jitcache import njit


@njit(cache=True, fastmath=False, error_model="numpy")
def interp_like_numpy(x, xp, fp):
    """``numpy.interp(x, xp, fp)`` for one value, with NumPy's arithmetic: ``fp[0]`` below
    ``xp[0]``, ``fp[-1]`` from ``xp[-1]`` on, ``fp[j]`` on a knot, else
    ``slope (x - xp[j]) + fp[j]`` with ``slope = (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])``.
    ``xp`` increasing."""
    n = xp.shape[0]
    if x > xp[n - 1]:
        return fp[n - 1]
    if x < xp[0]:
        return fp[0]
    lo = 0
    hi = n - 1
    while hi - lo > 1:  # xp[lo] <= x < xp[hi], or x == xp[n - 1]
        mid = (lo + hi) >> 1
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    if xp[hi] <= x:
        lo = hi
    if lo == n - 1 or xp[lo] == x:
        return fp[lo]
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    r = slope * (x - xp[lo]) + fp[lo]
    if r != r:  # NumPy's fallback for a non-finite slope
        r = slope * (x - xp[lo + 1]) + fp[lo + 1]
        if r != r and fp[lo] == fp[lo + 1]:
            r = fp[lo]
    return r


@njit(cache=True, fastmath=False, error_model="numpy")
def _interp_on_steps(x, first, m, step, g):
    """:func:`interp_like_numpy` on the knots ``(first + k) step``, k = 0..m, values ``g[k]``:
    the knot found from ``x / step`` and corrected by comparison, so that it is the one a
    search of the knots would find."""
    top = (first + m) * step
    if x > top:
        return g[m]
    if x < first * step:
        return g[0]
    k = int(math.floor(x / step)) - first
    if k < 0:
        k = 0
    if k > m:
        k = m
    while k > 0 and (first + k) * step > x:
        k -= 1
    while k < m and (first + k + 1) * step <= x:
        k += 1
    xk = (first + k) * step
    if k == m or xk == x:
        return g[k]
    slope = (g[k + 1] - g[k]) / ((first + k + 1) * step - xk)
    r = slope * (x - xk) + g[k]
    if r != r:
        r = slope * (x - (first + k + 1) * step) + g[k + 1]
        if r != r and g[k] == g[k + 1]:
            r = g[k]
    return r


@njit(cache=True, fastmath=False, error_model="numpy")
def deferral_start(t, duration_s, cores, limit_cores, base_cores, j0, j1, w, jt, wt, step, f, x_all, f_all, booked,
                   weighted, xs, ys, servers, total_cores, g):
    """The chosen start (s) of a job submitted at ``t`` that runs ``duration_s`` on ``cores``:
    the candidate (``t``, then every step boundary ``j step`` for j0 <= j <= j1) with the
    lowest cost whose run keeps the booked cores plus its own within ``limit_cores``; ``t``
    unless a later one costs strictly less (relative 1e-12). ``w`` steps a run starting on a
    boundary covers, ``jt`` the step of ``t``, ``wt`` the steps a start at ``t`` covers.

    Cost: the signal's integral over the run from its cumulative table (``x_all``, ``f_all``),
    or with ``weighted`` the signal times the hall power the job adds (W) on each step,
    ``servers (P((n + k)/total) - P(n/total))`` with n = booked + ``base_cores`` and the
    power curve (``xs``, ``ys``), integrated over the run (``g``: scratch, at least
    j1 + w + 2 - jt + 1 long). ``booked`` must reach step j1 + w + 1. See
    :class:`dcsim.workload.schedulers.Deferral` for the model."""
    n = f.shape[0]
    n_cand = j1 - j0 + 2
    if weighted:
        j_end = j1 + w + 1
        m = j_end - jt
        g[0] = 0.0
        acc = 0.0
        for k in range(m):
            nj = booked[jt + k] + base_cores
            dp = servers * (interp_like_numpy((nj + cores) / total_cores, xs, ys)
                            - interp_like_numpy(nj / total_cores, xs, ys))
            acc += f[min(jt + k, n - 1)] * dp
            g[k + 1] = acc * step
    limited = limit_cores < math.inf
    best = 0.0
    best_i = 0
    cost0 = 0.0
    for i in range(n_cand):
        x = t if i == 0 else (j0 + i - 1) * step
        if weighted:
            c = _interp_on_steps(x + duration_s, jt, m, step, g) - _interp_on_steps(x, jt, m, step, g)
        else:
            c = interp_like_numpy(x + duration_s, x_all, f_all) - interp_like_numpy(x, x_all, f_all)
        if limited:
            lo = jt if i == 0 else j0 + i - 1
            span = wt if i == 0 else w
            peak = booked[lo]
            for j in range(lo + 1, lo + span):
                if booked[j] > peak:
                    peak = booked[j]
            if peak + cores > limit_cores:
                c = math.inf
        if i == 0:
            cost0 = c
            best = c
        elif c < best:  # the first of equal costs, as numpy.argmin
            best = c
            best_i = i
    if best_i == 0 or not best < cost0 * (1.0 - 1e-12):
        return t
    return (j0 + best_i - 1) * step
