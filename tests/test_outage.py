"""Cooling outages and undersized plants stay physical (issue 15 acceptance): the supply air,
the inlets and the servers' power are solved together within each step, servers throttle and
shut down at their limits, and a run that still leaves the physical range stops with exit 1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dcsim
from dcsim.cli import main
from dcsim.errors import SimulationError

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"
START = pd.Timestamp("2025-01-01T06:00:00Z")
OUTAGE = pd.Timedelta("30min")


def outage_run(step: str, **extra):
    overrides = {"simulation.duration": "12h", "simulation.step": step, "simulation.record_step": step,
                 "cooling.failures": [{"start": START.isoformat(), "duration": "30min", "available_fraction": 0.0}]}
    overrides.update(extra)
    return dcsim.simulate(dcsim.load_scenario(REFERENCE, overrides=overrides))


@pytest.mark.parametrize("step", ["60s", "300s"])
def test_total_outage_heats_monotonically_and_recovers(step):
    """The open-aisle reference hall (its air handlers keep moving the surveyed bypass air and
    add their fan heat) heats about 1.0 K a minute without cooling (1.02 K/min over the first ten
    minutes, measured at 60 s steps, medium construction): its servers throttle above
    35 °C and reach the 45 °C trip near the end of the half hour, and the hall recovers."""
    res = outage_run(step)
    ts = res.timeseries
    k = res.kpis
    assert all(np.isfinite(v) for v in k.values())
    assert k["energy_balance_rel_error"] < 1e-6  # DESIGN.md quality bar
    during = ts.loc[START:START + OUTAGE - pd.Timedelta(step)]
    assert len(during) == OUTAGE // pd.Timedelta(step)
    # heats every step while the servers run (when they shut down, their recirculated exhaust
    # stops and the inlets fall to the room air, by a fraction of a kelvin)
    running = during.loc[:during.index[(during.servers_shut_down > 0).argmax()] - pd.Timedelta(step)] \
        if (during.servers_shut_down > 0).any() else during
    assert len(running) >= 5 and (np.diff(running.mean_inlet_c.to_numpy()) > 0).all()
    before = ts.mean_inlet_c.loc[:START - pd.Timedelta(step)].iloc[-1]
    assert during.mean_inlet_c.max() > before + 15  # some 20 K in half an hour without cooling
    after = ts.loc[START + OUTAGE + pd.Timedelta("2h"):]
    assert abs(after.mean_inlet_c.iloc[0] - before) < 2.0  # back within 2 K two hours after
    # throttling shows above its limit, shutdown where an inlet reached 45 °C
    assert during.servers_throttled.max() > 0 and during.it_work_not_done_pct.max() > 0
    # the trip at 45 °C shows where an inlet reached it (at 60 s steps; at 300 s the hottest step
    # ends at 44.96 °C) and not otherwise
    assert ts.max_inlet_c.max() > 44.0
    assert (ts.servers_shut_down.max() > 0) == (ts.max_inlet_c.max() >= 45.0)
    assert ts.servers_throttled.loc[START + OUTAGE + pd.Timedelta("1h"):].max() == 0
    assert ts.servers_shut_down.loc[START + OUTAGE + pd.Timedelta("1h"):].max() == 0
    assert 0 < k["it_work_not_done_pct"] < 100 and k["unmet_cooling_hours"] > 0
    assert k["max_inlet_c"] < 50.0  # the trip bounds it: a few kelvin of overshoot at most


@pytest.mark.parametrize("step", ["60s", "300s"])
def test_shutdown_shows_when_its_limit_is_crossed(step):
    res = outage_run(step, **{"it.shutdown_inlet_c": 40.0})
    ts = res.timeseries
    assert ts.servers_shut_down.max() > 0
    assert res.kpis["server_hours_shut_down"] > 0
    assert res.kpis["energy_balance_rel_error"] < 1e-6
    # the servers come back once the cooling is back
    assert ts.servers_shut_down.loc[START + OUTAGE + pd.Timedelta("1h"):].max() == 0


def test_plant_at_half_the_load_reports_unmet_cooling():
    data = {"simulation.duration": "2d", "simulation.step": "300s", "cooling.capacity_kw": 300.0}
    res = dcsim.simulate(dcsim.load_scenario(REFERENCE, overrides=data))
    k = res.kpis
    assert all(np.isfinite(v) for v in k.values())
    assert k["unmet_cooling_kwh"] > 0 and k["unmet_cooling_hours"] > 0
    assert k["energy_balance_rel_error"] < 1e-6
    # the servers throttle and trip instead of heating without bound: the 45 °C trip holds the
    # hottest inlet within a few kelvin (45.4 °C measured) ...
    assert 45.0 <= k["max_inlet_c"] < 48.0
    # ... and a plant that removes 300 kW of a hall drawing some 700 kW at its load cannot carry
    # half of its work (77 % not done, measured): the loss shows as work, not as temperature
    assert 50.0 < k["it_work_not_done_pct"] < 100.0 and k["server_hours_shut_down"] > 0


def test_an_unphysical_state_stops_the_run_with_exit_1(tmp_path, capsys, monkeypatch):
    """A kernel output outside the physical range stops the run naming step and quantity; the
    CLI exits 1 and writes nothing."""
    import dcsim.drive as drive

    real = drive.facility_kernel

    def broken(i0, i1, *args):
        real(i0, i1, *args)
        out = args[-2]
        if i0 <= 7 < i1:
            out.max_inlet_c[7] = np.inf

    monkeypatch.setattr(drive, "facility_kernel", broken)
    with pytest.raises(SimulationError) as info:
        dcsim.simulate(dcsim.load_scenario(REFERENCE, overrides={"simulation.duration": "1h"}))
    assert info.value.step == 7 and info.value.quantity == "max_inlet_c"
    out = tmp_path / "run"
    code = main(["run", str(REFERENCE), "-o", str(out), "--set", "simulation.duration=1h"])
    err = capsys.readouterr().err
    assert code == 1
    assert "step 7" in err and "max_inlet_c" in err and "2025-01-01T00:07:00" in err
    assert not out.exists() or not any(out.iterdir())


def test_the_event_driven_path_checks_its_steps_too(monkeypatch):
    """The SimPy workload path advances the kernel one step at a time and checks the outputs
    every ~1 % of the run: a bad value stops it naming the step and quantity as well."""
    import dcsim.drive as drive

    real = drive.facility_kernel

    def broken(i0, i1, *args):
        real(i0, i1, *args)
        if i0 <= 7 < i1:
            args[-2].mean_inlet_c[7] = np.nan

    monkeypatch.setattr(drive, "facility_kernel", broken)  # both paths take the kernel from dcsim.drive
    jobs = ROOT / "scenarios" / "jobs-lulea-batch.toml"
    with pytest.raises(SimulationError) as info:
        dcsim.simulate(dcsim.load_scenario(jobs, overrides={"simulation.duration": "1h", "simulation.step": "60s",
                                                            "simulation.record_step": "60s"}))
    assert info.value.step == 7 and info.value.quantity == "mean_inlet_c"


def test_the_structure_slows_the_heating():
    """The floor slab and walls (ISO 13790 classes) take part of the heat during an outage: the
    heavier the construction, the cooler the room at its end; without them only the room air
    and the racks' equipment store it."""
    rise = {}
    for construction in ("none", "medium", "very-heavy"):
        res = outage_run("60s", **{"room.construction": construction})
        ts = res.timeseries
        assert res.kpis["energy_balance_rel_error"] < 1e-6  # the structure's heat is counted as stored
        before = ts.mean_inlet_c.loc[:START - pd.Timedelta("60s")].iloc[-1]
        rise[construction] = ts.mean_inlet_c.loc[START + OUTAGE - pd.Timedelta("60s")] - before
    assert rise["none"] > rise["medium"] > rise["very-heavy"] > 0


def test_a_chilled_water_buffer_bridges_the_first_minutes_of_an_outage():
    """A 20 m3 tank holds 20 x 4.177 MJ/(m3 K) x 6 K = 501 MJ of cold: about 12 minutes of the
    hall's ~670 kW of coil heat (11 whole minutes at the setpoint, measured). Over those minutes the coils keep the supply at its setpoint,
    then the room heats as without a tank (the recharge: tests/test_thermal.py)."""
    from dcsim.cooling.storage import tank_capacity_kj

    assert tank_capacity_kj(20.0, 6.0) == pytest.approx(20.0 * 998.0 * 4.186 * 6.0, rel=1e-15)
    res = outage_run("60s", **{"cooling.buffer_tank_m3": 20.0})
    plain = outage_run("60s")
    ts, ts0 = res.timeseries, plain.timeseries
    assert res.kpis["energy_balance_rel_error"] < 1e-6  # the tank's heat counted as stored
    before = ts.mean_inlet_c.loc[:START - pd.Timedelta("60s")].iloc[-1]
    bridged = ts.loc[START:START + pd.Timedelta("9min")]
    assert (bridged.supply_air_c - 20.0).abs().max() < 1e-6  # at the setpoint while the tank lasts
    assert (bridged.mean_inlet_c - before).abs().max() < 0.5  # rounding of the record, no heating
    assert ts.supply_air_c.loc[START + pd.Timedelta("15min")] > 25.0  # then it is used up
    assert ts.max_inlet_c.max() < ts0.max_inlet_c.max() - 3.0  # a shorter heating: lower peak


def test_tank_flows_by_hand():
    from dcsim.cooling.storage import tank_coil_capacity_kw, tank_flows_kw

    # 600 kW asked, 100 kW of plant: the tank gives 500 kW while it has 500 kW x 60 s
    assert tank_coil_capacity_kw(1000.0, 100.0, 30_000.0, 60.0) == 600.0
    assert tank_flows_kw(600.0, 100.0, 30_000.0, 50_000.0, 60.0) == (500.0, 0.0)
    assert tank_flows_kw(600.0, 100.0, 6_000.0, 50_000.0, 60.0) == (100.0, 0.0)  # 6 MJ: 100 kW for 60 s
    # spare capacity charges it, up to full
    assert tank_flows_kw(300.0, 1000.0, 20_000.0, 50_000.0, 60.0) == (0.0, 500.0)
    assert tank_flows_kw(300.0, 1000.0, 49_400.0, 50_000.0, 60.0) == (0.0, pytest.approx(10.0, rel=1e-12))
    # no tank: nothing changes
    assert tank_coil_capacity_kw(1000.0, 100.0, 0.0, 60.0) == 100.0
    assert tank_flows_kw(600.0, 100.0, 0.0, 0.0, 60.0) == (0.0, 0.0)
