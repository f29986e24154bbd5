"""Deferral: the choice of a start for deferrable jobs (``Deferral.choose``), energy-weighted,
under a core limit, on a year of 5-minute price steps with 12 hours of slack: what every batch
job of the price-aware scheduling case costs. The reference in the same rounds is the NumPy
version the compiled choice replaced (tests/_deferral_reference.py), on the same jobs.
"""

from __future__ import annotations

import numpy as np

from dcsim.workload.schedulers import Deferral
from tests import _deferral_reference as numpy_version

STEP_S = 300.0
STEPS = 105_120  # a year of 5-minute steps
JOBS = 2_000
SLACK_S = 12 * 3600.0
CURVE = (np.array([0.0, 0.3, 0.7, 1.0]), np.array([120.0, 210.0, 300.0, 380.0]))  # W per server


def _jobs():
    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0.0, 0.95 * STEPS * STEP_S, JOBS))
    return t, rng.uniform(120.0, 4 * 3600.0, JOBS), rng.integers(1, 9, JOBS).astype(float)


def _deferral():
    price = 0.5 + 0.4 * np.sin(np.arange(STEPS) * 2 * np.pi / 288) + np.random.default_rng(3).uniform(0, 0.2, STEPS)
    return Deferral(price, STEP_S, power_curve=CURVE, servers=400, total_cores=6400)


def choose_all(choose):
    """Every job's start through ``choose(d, t, latest, duration, cores, limit, base)``, each
    committed as the engine does, on a fresh Deferral."""
    d = _deferral()
    t, dur, cores = _jobs()
    starts = np.empty(JOBS)
    for i in range(JOBS):
        s = choose(d, t[i], t[i] + SLACK_S, dur[i], cores[i], 4000.0, 2400.0)
        if s > t[i]:
            d.commit(s, dur[i], cores[i])
        starts[i] = s
    return starts


def test_bench_deferral_choice(perf):
    """Starts chosen per second. Unit: jobs/s."""
    starts = perf.run(
        lambda: choose_all(lambda d, *a: d.choose(*a)),
        work=JOBS,
        unit="jobs/s",
        calibration="python",
        references={"numpy_version": (lambda: choose_all(numpy_version.choose), JOBS)},
    )
    want = perf.reference_results.get("numpy_version")
    if want is None:
        want = choose_all(numpy_version.choose)
    np.testing.assert_array_equal(starts, want)  # the same starts, bit for bit
    assert (starts > _jobs()[0]).sum() > JOBS // 10  # the prices move a good share of the jobs
