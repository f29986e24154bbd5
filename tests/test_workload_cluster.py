"""Cluster free-capacity indexes and placement policies, checked against brute-force scans."""

from __future__ import annotations

import numpy as np
import pytest

from dcsim.workload import PLACEMENTS, Cluster, PlacementPolicy, register_placement
from dcsim.workload.cluster import ON
from dcsim.workload.schedulers import Deferral, placement_policy

from tests._deferral_reference import energy_cost


def brute_select(cl: Cluster, name: str, k: int, inlet: np.ndarray) -> int:
    S = cl.servers_per_rack
    fits = [s for s in range(cl.n_servers) if cl.state[s] == ON and cl.free[s] >= k]
    if not fits:
        return -1
    if name == "first-fit":
        return min(fits)
    if name == "best-fit":
        return min(fits, key=lambda s: (cl.free[s], s))
    racks = sorted({s // S for s in fits})
    rack_free = {r: sum(cl.free[s] for s in range(r * S, (r + 1) * S) if cl.state[s] == ON) for r in racks}
    in_rack = lambda r: [s for s in fits if s // S == r]  # noqa: E731
    if name == "spread":
        r = min(racks, key=lambda r: (-rack_free[r], r))
        return min(in_rack(r), key=lambda s: (-cl.free[s], s))
    if name == "thermal-aware":
        r = min(racks, key=lambda r: (inlet[r], r))
        return min(in_rack(r), key=lambda s: (cl.free[s], s))
    raise AssertionError(name)


@pytest.mark.parametrize("cores", [1, 4, 16])
@pytest.mark.parametrize("name", ["first-fit", "best-fit", "spread", "thermal-aware"])
def test_policies_match_brute_force_under_random_operations(name, cores):
    rng = np.random.default_rng(cores * 7 + len(name))
    R, S = 5, 4
    cl = Cluster(R, S, cores, rack_level=PLACEMENTS[name].rack_level)
    policy = placement_policy(name, cl)
    inlet = rng.uniform(18, 30, R)
    policy.set_inlet(inlet)
    running: list[tuple[int, int]] = []
    booting: list[int] = []
    for step in range(1500):
        op = rng.random()
        if op < 0.45:
            k = int(rng.integers(1, cores + 1))
            want = brute_select(cl, name, k, inlet)
            got = policy.select(k)
            assert got == want, (step, k, got, want)
            if got >= 0:
                cl.allocate(got, k)
                running.append((got, k))
        elif op < 0.8 and running:
            s, k = running.pop(int(rng.integers(len(running))))
            cl.release(s, k)
        elif op < 0.88:
            idle = [s for s in range(cl.n_servers) if cl.state[s] == ON and cl.free[s] == cores]
            if idle:
                cl.power_off(idle[int(rng.integers(len(idle)))])
        elif op < 0.94 and cl.n_off:
            r = policy.boot_rack()
            assert cl.n_off_rack[r] > 0
            booting.append(cl.begin_boot(r))
        elif booting:
            cl.power_on(booting.pop(0))
        if op > 0.97:
            inlet = rng.uniform(18, 30, R)
            policy.set_inlet(inlet)
        if step % 50 == 0:
            cl.check()
    cl.check()


def test_best_fit_consolidates_and_spread_balances():
    cl = Cluster(2, 2, 8)
    bf = placement_policy("best-fit", cl)
    cl.allocate(3, 5)  # server 3 has 3 free
    assert bf.select(2) == 3  # the fullest server that fits
    assert bf.select(4) == 0  # 3 free is not enough
    cl2 = Cluster(3, 2, 8, rack_level=True)
    sp = placement_policy("spread", cl2)
    placed = []
    for _ in range(3):
        s = sp.select(1)
        cl2.allocate(s, 1)
        placed.append(s // 2)
    assert sorted(placed) == [0, 1, 2]  # one job per rack before any rack gets a second


def test_thermal_aware_uses_coolest_rack_that_fits_and_boots_there():
    cl = Cluster(3, 2, 4, rack_level=True)
    th = placement_policy("thermal-aware", cl)
    th.set_inlet(np.array([25.0, 19.0, 22.0]))
    assert th.select(1) // 2 == 1
    cl.allocate(2, 4)
    cl.allocate(3, 4)  # rack 1 full
    assert th.select(1) // 2 == 2
    for s in (0, 1, 4, 5):
        cl.power_off(s)
    assert th.boot_rack() == 2  # coolest rack with an off server


def test_index_heaps_stay_bounded():
    cl = Cluster(1, 4, 2)
    for _ in range(1000):
        cl.allocate(0, 1)
        cl.release(0, 1)
    assert all(len(h) <= 4 for h in cl.gheap)
    cl.check()


def test_power_state_errors():
    cl = Cluster(1, 2, 2)
    cl.allocate(0, 1)
    with pytest.raises(RuntimeError):
        cl.power_off(0)
    with pytest.raises(RuntimeError):
        cl.power_on(1)
    with pytest.raises(ValueError):
        placement_policy("worst-fit", cl)
    with pytest.raises(ValueError):
        placement_policy("spread", cl)  # needs rack-level indexes


def test_register_custom_placement():
    @register_placement("test-last-fit")
    class LastFit(PlacementPolicy):
        def select(self, k):
            c = self.cluster
            fits = [s for s in range(c.n_servers) if c.free[s] >= k]
            return max(fits) if fits else -1

    try:
        cl = Cluster(1, 3, 2)
        assert placement_policy("test-last-fit", cl).select(1) == 2
    finally:
        del PLACEMENTS["test-last-fit"]


def test_deferral_picks_the_cheapest_window_and_prefers_now_on_ties():
    signal = np.array([5.0, 5.0, 1.0, 1.0, 5.0, 5.0])  # per 10 s step
    d = Deferral(signal, 10.0)
    assert d.choose(3.0, 60.0, 20.0) == 20.0  # [20, 40] is the low window
    assert d.choose(3.0, 15.0, 20.0) == 10.0  # latest start 15 s: 10 s is best allowed
    assert d.choose(3.0, 3.0, 20.0) == 3.0  # no slack
    flat = Deferral(np.full(6, 2.0), 10.0)
    assert flat.choose(3.0, 50.0, 10.0) == 3.0  # nothing to gain: start now
    assert d.integral(0.0, 25.0) == pytest.approx(5 * 10 + 5 * 10 + 1 * 5)
    assert d.integral(60.0, 80.0) == pytest.approx(5.0 * 20)  # beyond the series: last value holds


def _job_energy_cost(signal, booked, base, k, start, dur, step, curve, servers, total):
    """Naive twin of the energy-weighted deferral cost: sum over 1-s slices of the signal
    times the hall power the job adds on its step (Deferral's class docstring)."""
    xs, ys = curve
    cost = 0.0
    for t in np.arange(start, start + dur, 1.0):
        j = int(t // step)
        n = booked[j] + base
        dp = servers * (np.interp((n + k) / total, xs, ys) - np.interp(n / total, xs, ys))
        cost += signal[min(j, len(signal) - 1)] * dp * 1.0
    return cost


def test_energy_weighted_deferral_prices_the_jobs_added_power():
    """On a curve that steepens with load a job stays out of a slightly cleaner hour the
    deferred jobs already fill; on a straight line it moves there as the plain signal says."""
    step = 10.0
    signal = np.array([1.0, 0.9, 0.9, 1.0])
    convex = (np.array([0.0, 0.5, 1.0]), np.array([0.0, 10.0, 40.0]))  # W per server
    d = Deferral(signal, step, power_curve=convex, servers=2, total_cores=4)
    d.commit(10.0, 10.0, 2)  # another deferred job holds 2 of the 4 cores on step 1
    # now: the hall goes 0 -> 2 cores, +2 x 10 W at 1.0; step 1: 2 -> 4 cores, +2 x 30 W at 0.9;
    # step 2: 0 -> 2 cores at 0.9 (the cheapest)
    assert d.choose(0.0, 20.0, 10.0, cores=2) == 20.0
    assert d.choose(0.0, 10.0, 10.0, cores=2) == 0.0  # step 2 out of reach: stay, not step 1
    plain = Deferral(signal, step)
    plain.commit(10.0, 10.0, 2)
    assert plain.choose(0.0, 10.0, 10.0, cores=2) == 10.0
    line = Deferral(signal, step, power_curve=(np.array([0.0, 1.0]), np.array([5.0, 45.0])), servers=2, total_cores=4)
    line.commit(10.0, 10.0, 2)
    assert line.choose(0.0, 10.0, 10.0, cores=2) == 10.0
    # the cost against its naive twin, for a start inside a step and a run over three steps
    # with cores already running (base) and a booking; 1-s slices of 10-s steps are exact here
    d.commit(20.0, 15.0, 1)
    booked = d.booked_cores
    cand = np.array([3.0, 10.0, 20.0])
    got = energy_cost(d, cand, 17.0, 1, 1.0, 0, 5)  # the NumPy twin the compiled choice is checked against
    want = [_job_energy_cost(signal, booked, 1.0, 1, c, 17.0, step, convex, 2, 4) for c in cand]
    assert got == pytest.approx(want, rel=1e-12)  # same sums in another order: round-off only
