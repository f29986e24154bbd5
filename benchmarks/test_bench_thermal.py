"""The compiled facility kernel (thermal + plant + UPS per step), against a bare RC loop.

The reference scenario scaled to 1,000 racks, 4,800 one-minute steps per round (4.8 million
rack-steps), with the kernel arguments exactly as the engine builds them
(``_kernel_args.capture_kernel_call``). The reference loop is the cheapest loop a thermal
kernel could be: ``T = T_inf + (T - T_inf) * a`` per rack and step, compiled the same way and
timed in the same rounds, so ``time_per_unit_vs_bare_rc_loop`` says how many bare loops one
facility-kernel rack-step costs (issue 4 target: <= 40).
"""

from __future__ import annotations

import numpy as np
from numba import njit

import dcsim
from dcsim._numeric import aligned
from _kernel_args import capture_kernel_call

RACKS = 1_000
HOURS = 80
STEPS = HOURS * 60  # at the reference scenario's 60 s step
T_INF_C = 20.0


@njit(cache=True)
def bare_rc_loop(temp_c, t_inf_c, decay, steps):
    """The reference: first-order RC relaxation of every rack, explicit, no physics."""
    n = temp_c.shape[0]
    for _ in range(steps):
        for i in range(n):
            temp_c[i] = t_inf_c + (temp_c[i] - t_inf_c) * decay[i]
    return temp_c


def _reset(temp_c, t0_c):
    temp_c[...] = t0_c
    return temp_c


def test_bench_thermal_kernel(perf, reference_scenario):
    """facility_kernel over 1,000 racks x 4,800 steps in one call. Unit: rack-steps/s."""
    sc = dcsim.load_scenario(reference_scenario, overrides={"it.racks": RACKS, "simulation.duration": f"{HOURS}h"})
    call = capture_kernel_call(sc)
    assert call.n_steps == STEPS and call.racks == RACKS

    def run():
        call.run()
        return call

    rng = np.random.default_rng(3)
    t0_c = rng.uniform(18.0, 45.0, RACKS)
    # cache-line aligned like the engine's rack arrays: misaligned, the bare loop runs 25 % slower
    # and its figure then depends on where NumPy happened to put the arrays
    decay = aligned(np.exp(-60.0 / rng.uniform(300.0, 3000.0, RACKS)))  # a = exp(-dt / RC)
    temp_c = aligned(t0_c)  # the loop's state, reset to t0_c in place before each run

    perf.run(
        run,
        work=RACKS * STEPS,
        unit="rack-steps/s",
        calibration="numeric",
        setup=call.reset,
        references={"bare_rc_loop": (lambda: bare_rc_loop(_reset(temp_c, t0_c), T_INF_C, decay, STEPS), RACKS * STEPS)},
    )
    if perf.enabled:
        perf.benchmark.extra_info["targets"] = ">= 1e8 rack-steps/s and <= 40x bare_rc_loop per rack-step (issue 4)"

    # Invariants. Every rack-step's energy is booked twice, per rack and for the hall ...
    out, acc = call.outputs, call.accumulators
    it_kwh = float(out.it_power_kw.sum()) * call.dt_s / 3600.0
    assert it_kwh > 0.0 and np.all(out.it_power_kw > 0.0)
    assert np.isclose(acc.energy_kwh.sum(), it_kwh, rtol=1e-9, atol=0.0)
    # ... one call over all steps gives what the engine's chunked run gives, energy conserved.
    res = dcsim.simulate(sc)
    assert np.isclose(res.kpis["energy_it_kwh"], it_kwh, rtol=1e-9, atol=0.0)
    assert res.kpis["energy_balance_rel_error"] < 1e-6
    # ... and the reference did its work: T_n = T_inf + (T_0 - T_inf) a^n.
    bare = perf.reference_results["bare_rc_loop"]
    np.testing.assert_allclose(bare, T_INF_C + (t0_c - T_INF_C) * decay**STEPS, rtol=1e-9)
