"""The end-to-end model: energy balance, determinism, KPIs, kernel against its naive twin."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import dcsim
import dcsim.scenario
from dcsim.engine import build_model, initial_state, server_curve
from dcsim.results import EXTRA_KPI_NAMES, KPI_NAMES
from dcsim.thermal.kernels import StepInputs, allocate_outputs, allocate_rack_accumulators, facility_kernel

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"


def small(**overrides):
    """The reference scenario cut to 3 days and 6 racks of 10 servers."""
    base = {"simulation.duration": "3d", "it.racks": 6, "it.servers_per_rack": 10}
    base.update(overrides)
    return dcsim.load_scenario(REFERENCE, overrides=base)


def small_constant(utilization, **overrides):
    """As small(), with a constant utilisation instead of the daily profile."""
    data = dcsim.scenario.resolved_dict(small(**overrides))
    data["workload"] = {"kind": "constant", "mean_utilization": utilization}
    return dcsim.load_scenario(data)


@pytest.fixture(scope="module")
def reference_year():
    return dcsim.simulate(dcsim.load_scenario(REFERENCE))


@pytest.mark.slow  # a full simulated year
def test_reference_year_kpis(reference_year):
    res = reference_year
    assert tuple(res.kpis) == KPI_NAMES + EXTRA_KPI_NAMES
    assert all(math.isfinite(v) for v in res.kpis.values())
    assert res.manifest["steps"] == 525_600  # a full year at 1-minute steps
    assert res.kpis["energy_balance_rel_error"] < 1e-6
    assert res.kpis["pue"] > 1.0
    # An air-cooled chiller + CRAH room with no economiser: REFERENCES.md gives 1.4-1.7 for a
    # classic chiller room in a temperate climate; Luleå's cold condenser air pulls it lower.
    assert 1.15 < res.kpis["pue"] < 1.6
    # 100 racks x 40 servers of the IBM x3550 curve at 55 % mean load: 4000 x P(u), P in 156-247 W
    assert 0.6e3 * 8760 < res.kpis["energy_it_kwh"] < 1.0e3 * 8760
    assert len(res.timeseries) == 8760  # hourly records
    assert res.kpis["carbon_kg"] == pytest.approx(
        (res.timeseries.facility_power_kw * res.timeseries.grid_carbon_g_per_kwh).sum() / 1000, rel=1e-3
    )  # hourly means of a product differ from products of hourly means only within the hour


@pytest.mark.slow  # a full simulated year
def test_recorded_timeseries_preserve_energy(reference_year):
    ts = reference_year.timeseries
    # record_step = 1 h: the mean kW of each hour times 1 h is that hour's energy exactly
    assert ts.it_power_kw.sum() == pytest.approx(reference_year.kpis["energy_it_kwh"], rel=1e-12)
    assert ts.facility_power_kw.sum() == pytest.approx(reference_year.kpis["energy_facility_kwh"], rel=1e-12)
    for column in ("outdoor_drybulb_c", "outdoor_rh_pct", "it_power_kw", "cooling_power_kw", "electrical_losses_kw",
                   "facility_power_kw", "supply_air_c", "mean_inlet_c", "max_inlet_c", "cooling_mode",
                   "water_l_per_h", "heat_reused_kw", "grid_carbon_g_per_kwh", "price_sek_per_kwh",
                   "utilization", "servers_on", "queue_length"):
        assert column in ts.columns
    assert str(ts.index.tz) == "UTC"


def test_same_scenario_same_results():
    a = dcsim.simulate(small())
    b = dcsim.simulate(small())
    ka = {k: v for k, v in a.kpis.items() if k != "sim_wall_s"}
    kb = {k: v for k, v in b.kpis.items() if k != "sim_wall_s"}
    assert ka == kb  # bit-identical
    assert a.timeseries.equals(b.timeseries)


def test_seed_changes_the_weather():
    # in July, when the condenser is above its 25 °C floor, weather reaches chiller energy
    july = {"simulation.start": "2025-07-10T00:00:00Z"}
    a = dcsim.simulate(small(**july))
    b = dcsim.simulate(small(**july, **{"simulation.seed": 7}))
    assert not np.array_equal(a.timeseries.outdoor_drybulb_c, b.timeseries.outdoor_drybulb_c)
    assert a.kpis["energy_facility_kwh"] != b.kpis["energy_facility_kwh"]
    assert a.kpis["energy_it_kwh"] == b.kpis["energy_it_kwh"]  # IT load does not depend on weather here


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"room.containment": "hot-aisle", "room.supply_air_c": 27},
        {"constant": 0.0},
        {"constant": 1.0},
        {"it.server": {"idle_w": 0.0, "max_w": 400.0}, "simulation.step": "300s"},
        {"electrical.ups.efficiency": 1.0, "site.climate": "builtin:malmo"},
    ],
)
def test_energy_balance_closes(overrides):
    overrides = dict(overrides)
    sc = small_constant(overrides.pop("constant"), **overrides) if "constant" in overrides else small(**overrides)
    res = dcsim.simulate(sc)
    assert res.kpis["energy_balance_rel_error"] < 1e-6  # DESIGN.md quality bar
    k = res.kpis
    parts = k["energy_it_kwh"] + k["energy_cooling_kwh"] + k["energy_electrical_losses_kwh"]
    assert parts == pytest.approx(k["energy_facility_kwh"], rel=1e-12)  # facility = IT + cooling + losses


def test_it_energy_matches_the_power_curve_exactly():
    # IBM x3550 (2x X5670) SPECpower: 131 W at 30 %, 143 W at 40 % -> 137 W at 35 %
    # (the table holds at its reference inlet; inlet effects are off here)
    sc = small_constant(0.35, **{"it.inlet_temperature_effects": False})
    res = dcsim.simulate(sc)
    servers = sc.it.racks * sc.it.servers_per_rack
    hours = sc.simulation.duration / 3600
    assert res.kpis["energy_it_kwh"] == pytest.approx(servers * 0.137 * hours, rel=1e-9)  # fast-math summation order


def test_containment_lowers_inlet_temperature():
    none = dcsim.simulate(small(**{"room.containment": "none"}))
    hot = dcsim.simulate(small(**{"room.containment": "hot-aisle"}))
    assert hot.kpis["max_inlet_c"] < none.kpis["max_inlet_c"]


def test_warmer_outdoor_air_costs_more_chiller_energy():
    july = {"simulation.start": "2025-07-10T00:00:00Z"}
    cold = dcsim.simulate(small(**july, **{"site.climate": "builtin:lulea"}))
    warm = dcsim.simulate(small(**july, **{"site.climate": "builtin:malmo"}))
    assert warm.kpis["energy_cooling_kwh"] > cold.kpis["energy_cooling_kwh"]


def test_profile_follows_local_hours():
    res = dcsim.simulate(small())
    ts = res.timeseries
    local = ts.index.tz_convert("Europe/Stockholm")
    by_hour = ts.utilization.groupby(local.hour).mean()
    assert by_hour.idxmax() in (10, 11, 12, 13, 14)
    assert by_hour.idxmin() in (2, 3, 4)
    assert ts.utilization.mean() == pytest.approx(0.55, rel=0.01)


def test_chunking_does_not_change_results():
    sc = small()
    m = build_model(sc, server_curve(sc.it.server), 60.0)
    rng = np.random.default_rng(3)
    n = 1000
    t_db = rng.uniform(-20, 30, n)
    inputs = StepInputs(rng.uniform(0, 1, n), t_db, np.full(n, 20.0), rng.uniform(0.5, 1, n), np.full(n, 0.003),
                        t_db - 3.0, np.full(n, 101325.0), np.zeros(n), np.ones(n))
    one, many = allocate_outputs(n), allocate_outputs(n)
    acc1, acc2 = allocate_rack_accumulators(len(m.rack.servers)), allocate_rack_accumulators(len(m.rack.servers))
    s1 = initial_state(m.rack, m.hall, 0.5, 20.0, m.plant_state0)
    s2 = initial_state(m.rack, m.hall, 0.5, 20.0, m.plant_state0)
    facility_kernel(0, n, 60.0, inputs, m.rack, m.hall, m.plant_system, m.plant, m.electrical, s1, one, acc1)
    for i0 in range(0, n, 37):
        facility_kernel(i0, min(n, i0 + 37), 60.0, inputs, m.rack, m.hall, m.plant_system, m.plant, m.electrical, s2, many, acc2)
    for a, b in zip(one, many):
        assert np.array_equal(a, b)
    for a, b in zip(acc1, acc2):
        assert np.array_equal(a, b)


def test_a_non_finite_kpi_stops_the_run_naming_it():
    """The last line of defence: a KPI that came out NaN or inf is a SimulationError (exit 1,
    nothing written), never a kpis.json with NaN in it."""
    import math

    import numpy as np

    from dcsim.engine import check_kpis_finite
    from dcsim.errors import SimulationError

    check_kpis_finite({"pue": 1.2, "erf": 0.0}, 10, np.datetime64("2025-01-01T00:00:00"), 3600)
    with pytest.raises(SimulationError) as err:
        check_kpis_finite({"pue": 1.2, "wue_l_per_kwh": math.nan}, 10, np.datetime64("2025-01-01T00:00:00"), 3600)
    assert "KPI wue_l_per_kwh" in str(err.value) and "step 9" in str(err.value)
