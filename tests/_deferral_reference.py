"""The NumPy implementation of Deferral.choose that the compiled one replaced (issue 20):
the naive twin the kernel is compared with, bit for bit (tests/test_workload_deferral.py)."""

from __future__ import annotations

import math

import numpy as np


def energy_cost(d, cand, duration_s, cores, base_cores, jt, j_end):
    """The signal times the job's added hall power (W), integrated over each candidate's run."""
    xs, ys, servers, total = d._curve
    step = d.step_s
    b = d._booked(j_end + 1)[jt:j_end]
    n_j = b + base_cores
    dp = servers * (np.interp((n_j + cores) / total, xs, ys) - np.interp(n_j / total, xs, ys))
    f = d._f[np.minimum(np.arange(jt, j_end), d.n - 1)]
    x = np.arange(jt, j_end + 1) * step
    g = np.concatenate(([0.0], np.cumsum(f * dp) * step))
    return np.interp(cand + duration_s, x, g) - np.interp(cand, x, g)


def choose(d, t, latest_start, duration_s, cores=0.0, limit_cores=math.inf, base_cores=0.0):
    """Deferral.choose as NumPy array code."""
    if not latest_start > t:
        return t
    step = d.step_s
    j0 = math.floor(t / step) + 1
    j1 = min(math.floor(latest_start / step), d.n)
    if j1 < j0:
        return t
    cand = np.empty(j1 - j0 + 2)
    cand[0] = t
    cand[1:] = np.arange(j0, j1 + 1) * step
    w = max(1, math.ceil(duration_s / step))
    jt = math.floor(t / step)
    if d._curve is not None:
        cost = energy_cost(d, cand, duration_s, cores, base_cores, jt, j1 + w + 1)
    else:
        cost = d.integral(cand, cand + duration_s)
    if limit_cores < math.inf:
        wt = max(1, math.ceil((t + duration_s) / step) - jt)
        b = d._booked(j1 + w + 1)
        peak = np.empty(cand.size)
        peak[0] = b[jt: jt + wt].max()
        peak[1:] = np.lib.stride_tricks.sliding_window_view(b[j0: j1 + w], w).max(axis=1)
        cost[peak + cores > limit_cores] = np.inf
    i = int(np.argmin(cost))
    if i == 0 or not cost[i] < cost[0] * (1.0 - 1e-12):
        return t
    return float(cand[i])
