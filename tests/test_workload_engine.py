"""The SimPy workload coupled to the physics (issue 6): scenario-level behaviour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dcsim
import dcsim.scenario

ROOT = Path(__file__).resolve().parents[1]


def hall(workload: dict, **overrides) -> dcsim.Scenario:
    """A small hall (8 racks x 10 servers of 16 cores) for two days, with a job workload."""
    base = {"simulation.duration": "2d", "it.racks": 8, "it.servers_per_rack": 10}
    base.update(overrides)
    data = dcsim.scenario.resolved_dict(dcsim.load_scenario(ROOT / "scenarios" / "lulea-air-1mw.toml", overrides=base))
    data["workload"] = workload
    return dcsim.load_scenario(data)


def test_job_kpis_and_series_are_reported():
    res = dcsim.simulate(hall({"kind": "synthetic", "mean_utilization": 0.5}))
    k = res.kpis
    assert k["jobs_completed"] > 1000
    assert k["energy_balance_rel_error"] < 1e-6  # DESIGN.md quality bar, event-driven path too
    ts = res.timeseries
    assert ts.utilization.mean() == pytest.approx(0.5, abs=0.08)  # offered load, Poisson noise
    assert (ts.servers_on == 80).all()  # always-on
    assert {"queue_length", "servers_on", "utilization"} <= set(ts.columns)


def test_it_power_is_the_sum_of_each_servers_curve_power():
    """The physics draws each rack's servers at their own loads on the managed curve (DVFS here),
    not the curve at the rack's mean load: without inlet effects, IT power per step equals the
    workload's servers_on x table_power_w, replayed here from the same seed."""
    from dcsim.model.it import managed_curve, server_curve, server_spec
    from dcsim.workload import WorkloadSimulation

    load = {"kind": "synthetic", "mean_utilization": 0.45,
            "synthetic": {"cores": [1, 4, 16], "cores_weights": [5, 3, 1], "mean_duration": "40min"}}
    sc = hall(load, **{"simulation.duration": "6h", "simulation.record_step": "1min", "it.inlet_temperature_effects": False,
                       "it.frequency_fraction": 0.8})
    res = dcsim.simulate(sc)
    curve, _ = managed_curve(server_curve(sc.it.server), sc.it.frequency_fraction, sc.it.power_cap_w)
    sim = WorkloadSimulation.from_scenario(sc, server=server_spec(sc.it.server),
                                           power_curve=(curve.load_points, curve.power_points_w))
    want = np.array([float(o.servers_on @ o.table_power_w) / 1000.0 for o in (sim.advance(k) for k in range(sim.n_steps))])
    # the same sums, in another order: float round-off
    np.testing.assert_allclose(res.timeseries.it_power_kw.to_numpy(), want, rtol=1e-9)
    assert res.kpis["energy_balance_rel_error"] < 1e-6


def test_same_seed_same_results():
    a = dcsim.simulate(hall({"kind": "synthetic", "mean_utilization": 0.4}, **{"simulation.duration": "1d"}))
    b = dcsim.simulate(hall({"kind": "synthetic", "mean_utilization": 0.4}, **{"simulation.duration": "1d"}))
    assert {k: v for k, v in a.kpis.items() if k != "sim_wall_s"} == {k: v for k, v in b.kpis.items() if k != "sim_wall_s"}


def test_switching_idle_servers_off_saves_energy_and_costs_waiting():
    """At low load, idle-off lowers IT energy and raises the waiting time (boot delays)."""
    load = {"kind": "synthetic", "mean_utilization": 0.15}
    on = dcsim.simulate(hall(load))
    off = dcsim.simulate(hall({**load, "power_management": {"policy": "idle-off", "idle_timeout": "5min"}}))
    assert off.kpis["energy_it_kwh"] < 0.9 * on.kpis["energy_it_kwh"]
    assert off.kpis["wait_mean_s"] > on.kpis["wait_mean_s"]
    assert off.timeseries.servers_on.mean() < on.timeseries.servers_on.mean()
    assert off.kpis["energy_balance_rel_error"] < 1e-6


def test_carbon_aware_deferral_lowers_carbon_without_missing_deadlines(tmp_path):
    """A grid whose carbon intensity swings daily: deferring batch jobs into its clean hours."""
    hours = pd.date_range("2024-12-31T00:00Z", "2025-01-05T00:00Z", freq="1h")
    carbon = 100 + 80 * np.sin(2 * np.pi * hours.hour / 24)
    grid = tmp_path / "grid.csv"
    pd.DataFrame({"time": hours.strftime("%Y-%m-%dT%H:%M:%SZ"), "carbon_g_per_kwh": carbon,
                  "price_sek_per_kwh": 1.0}).to_csv(grid, index=False)
    jobs = {"kind": "synthetic", "mean_utilization": 0.3, "synthetic": {"batch_fraction": 0.8, "batch_slack": "12h"}}
    plain = dcsim.simulate(hall(jobs, **{"site.grid": str(grid)}))
    aware = dcsim.simulate(hall({**jobs, "scheduler": {"deferral": "carbon-aware"}}, **{"site.grid": str(grid)}))
    assert aware.kpis["carbon_kg"] < plain.kpis["carbon_kg"]
    assert aware.kpis["deadline_miss_rate"] == 0.0
    assert aware.kpis["jobs_completed"] >= 0.95 * plain.kpis["jobs_completed"]  # the last deferred jobs may end after the run


def test_thermal_aware_placement_lowers_the_hottest_inlet(tmp_path):
    """Uneven recirculation in the abstract heat-flow model (T_in = T_sup + D Q, Tang et al.):
    four racks take back a large share of their own heat. Thermal-aware placement (coolest
    inlet first) keeps load off them; spread loads them like the rest."""
    d = np.diag([0.05] * 4 + [1.0] * 4)  # K of inlet rise per kW of the rack's own heat (racks of 1-2.5 kW)
    matrix = tmp_path / "d.csv"
    matrix.write_text("\n".join(",".join(f"{v:g}" for v in row) for row in d) + "\n")
    uneven = {"room.interference_matrix": str(matrix)}
    load = {"kind": "synthetic", "mean_utilization": 0.4}
    spread = dcsim.simulate(hall({**load, "scheduler": {"placement": "spread"}}, **uneven))
    aware = dcsim.simulate(hall({**load, "scheduler": {"placement": "thermal-aware"}}, **uneven))
    assert aware.kpis["max_inlet_c"] < spread.kpis["max_inlet_c"] - 0.3  # idle racks still give 1 kW
    assert aware.kpis["jobs_completed"] == pytest.approx(spread.kpis["jobs_completed"], rel=0.01)  # equal load


def test_trace_workload_runs_the_sample_trace():
    res = dcsim.simulate(hall({"kind": "trace", "trace": {"path": str(ROOT / "scenarios" / "data" / "sample_jobs.parquet")}},
                              **{"simulation.duration": "1d"}))
    assert res.kpis["jobs_completed"] > 0
    assert res.kpis["energy_balance_rel_error"] < 1e-6


def test_missing_trace_file_is_an_input_error(tmp_path):
    with pytest.raises(dcsim.InputError) as info:
        hall({"kind": "trace", "trace": {"path": str(tmp_path / "nope.parquet")}})
    assert "workload.trace.path" in info.value.paths
