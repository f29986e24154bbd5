"""The compiled deferral choice (dcsim.workload._deferral_kernel) against the NumPy version it
replaced (tests/_deferral_reference.py): the same start, bit for bit, on random jobs."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from dcsim.workload._deferral_kernel import interp_like_numpy
from dcsim.workload.schedulers import Deferral

from tests import _deferral_reference as reference


def test_interpolation_is_numpys_to_the_bit():
    """On knots, between them, beyond both ends, on a table with repeated values and a steep
    step: numpy.interp's value exactly (the choice compares costs to 1e-12)."""
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(2, 12))
        xp = np.cumsum(rng.uniform(0.01, 3.0, n)) - 2.0
        fp = rng.choice([0.0, 1.0, 7.5], n) if rng.random() < 0.3 else rng.normal(0, 100, n)
        xs = np.concatenate((xp, rng.uniform(xp[0] - 1, xp[-1] + 1, 20), [xp[0] - 5, xp[-1] + 5]))
        for x in xs:
            assert interp_like_numpy(x, xp, fp) == np.interp(x, xp, fp), (x, xp, fp)


def _random_deferral(rng, weighted):
    n = int(rng.integers(3, 60))
    step = float(rng.choice([10.0, 60.0, 300.0, 3600.0]))
    signal = rng.uniform(0.2, 2.0, n) if rng.random() < 0.8 else np.round(rng.uniform(0, 3, n))  # ties too
    if weighted:
        xs = np.array([0.0, 0.3, 0.7, 1.0])
        ys = np.sort(rng.uniform(50, 400, 4))
        return Deferral(signal, step, power_curve=(xs, ys), servers=int(rng.integers(1, 50)),
                        total_cores=int(rng.integers(8, 400)))
    return Deferral(signal, step)


@pytest.mark.parametrize("weighted", [False, True], ids=["signal", "energy-weighted"])
def test_compiled_choice_equals_the_numpy_one(weighted):
    """Random submissions, slacks (none, within a step, past the series' end), run times,
    core limits and bookings: every start equals the NumPy version's, and the bookings they
    make stay equal too (each choice is committed in both)."""
    rng = np.random.default_rng(11 if weighted else 12)
    checked = deferred = 0
    for _ in range(40):
        d = _random_deferral(rng, weighted)
        twin = copy.deepcopy(d)  # the same signal and bookings, for the NumPy version
        span = d.n * d.step_s
        for _ in range(60):
            t = float(rng.uniform(0, span * 1.1))
            if rng.random() < 0.2:
                t = math.floor(t / d.step_s) * d.step_s  # on a boundary
            latest = t + float(rng.choice([0.0, rng.uniform(0, d.step_s), rng.uniform(0, span)]))
            dur = float(rng.uniform(1.0, 4 * d.step_s))
            cores = float(rng.integers(1, 9))
            limit = math.inf if rng.random() < 0.4 else float(rng.integers(4, 40))
            base = float(rng.integers(0, 20))
            got = d.choose(t, latest, dur, cores, limit, base)
            want = reference.choose(twin, t, latest, dur, cores, limit, base)
            assert got == want, (t, latest, dur, cores, limit, base)
            checked += 1
            if got != t:
                deferred += 1
                d.commit(got, dur, cores)
                twin.commit(want, dur, cores)
        np.testing.assert_array_equal(d.booked_cores[: twin.booked_cores.size], twin.booked_cores[: d.booked_cores.size])
    assert checked == 2400 and deferred > 200  # the comparison covers choices that move a job
