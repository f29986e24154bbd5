"""A full trace-driven year: ``dcsim.simulate`` of the reference scenario.

100 racks, 525,600 one-minute steps: weather and grid sampling, the compiled facility loop,
KPIs and the hourly timeseries. Unit: simulated years per hour of CPU.
"""

from __future__ import annotations

import pytest

import dcsim


@pytest.mark.slow  # a full simulated year
def test_bench_simulate_reference_year(perf, reference_scenario):
    sc = dcsim.load_scenario(reference_scenario)
    assert sc.simulation.duration == 365 * 86400

    res = perf.run(lambda: dcsim.simulate(sc), work=1, unit="simulated years/h", scale=3600.0, calibration="numeric")
    perf.benchmark.extra_info["rack_steps_per_year"] = sc.it.racks * 525_600

    k = res.kpis
    assert k["energy_balance_rel_error"] < 1e-6
    assert len(res.timeseries) == 8760
    assert k["energy_facility_kwh"] > k["energy_it_kwh"] > 0.0
    assert 1.0 < k["pue"] < 3.0
