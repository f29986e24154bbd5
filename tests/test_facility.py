"""Facility-level behaviour of the coupled engine (issue 5): every cooling system end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.cooling import COOLING_MODES
from dcsim.engine import build_model, initial_state, server_curve
from dcsim.thermal.kernels import allocate_outputs, allocate_rack_accumulators, facility_kernel

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


@pytest.fixture(scope="module")
def year():
    """Full-year results of every reference scenario (about 2 s each)."""
    cache = {}

    def get(name, **overrides):
        key = (name, tuple(sorted(overrides.items())))
        if key not in cache:
            cache[key] = dcsim.simulate(dcsim.load_scenario(ROOT / "scenarios" / f"{name}.toml", overrides=overrides))
        return cache[key]

    return get


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
@pytest.mark.slow  # full simulated years
def test_every_reference_scenario_closes_its_energy_balance(path, year):
    # job workloads run the SimPy path step by step: two weeks show the same balance
    jobs = dcsim.load_scenario(path).workload.kind in ("synthetic", "trace")
    res = year(path.stem, **({"simulation.duration": "14d"} if jobs else {}))
    k = res.kpis
    assert k["energy_balance_rel_error"] < 1e-6  # DESIGN.md quality bar
    assert all(np.isfinite(v) for v in k.values())
    parts = (k["energy_it_kwh"] + k["energy_cooling_kwh"] + k["energy_electrical_losses_kwh"]
             + float(res.timeseries[["fixed_loads_kw", "heat_pump_power_kw"]].sum().sum()))
    assert parts == pytest.approx(k["energy_facility_kwh"], rel=1e-9)  # hourly means x 1 h = energy exactly


@pytest.mark.slow  # full simulated years
def test_boden_like_fresh_air_site_has_a_nordic_pue(year):
    """600 kW, fresh air + adiabatic, no UPS, Luleå climate: REFERENCES.md reports 1.015-1.025."""
    k = year("fresh-air-boden-600kw").kpis
    assert 1.01 < k["pue"] < 1.06


@pytest.mark.slow  # full simulated years
def test_fresh_air_humidifies_rather_than_supplying_dry_air(year):
    """Winter outdoor air holds well under 1 g/kg: the supply must still meet the ASHRAE
    minimum (dew point -12 °C and 8 % RH), which takes humidification water."""
    ts = year("fresh-air-boden-600kw").timeseries
    assert ts.supply_dewpoint_c.min() >= -12.0 - 0.05  # hourly means of a held limit
    assert ts.supply_rh_pct.min() >= 8.0 - 0.05
    winter = ts[ts.index.month.isin([12, 1, 2])]
    assert winter.water_humidification_l_per_h.sum() > 0
    assert (winter.humidifier_power_kw >= 0).all()


@pytest.mark.slow  # full simulated years
def test_fresh_air_lulea_runs_mechanical_cooling_for_few_hours(year):
    res = year("fresh-air-boden-600kw", **{"cooling.chiller.capacity_kw": 800.0})
    modes = res.timeseries.cooling_mode
    mech_hours = float((modes == "mechanical").sum())
    assert mech_hours < 200  # a few summer afternoons in Luleå, not a season
    assert res.kpis["free_cooling_hours"] > 8000


@pytest.mark.slow  # full simulated years
def test_classic_chiller_room_in_stockholm(year):
    """REFERENCES.md: a classic chiller + CRAH room in a temperate climate lands at PUE 1.4-1.7."""
    assert 1.3 <= year("chiller-crah-stockholm-1mw").kpis["pue"] <= 1.7


@pytest.mark.slow  # full simulated years
def test_heat_reuse_raises_facility_energy_and_erf(year):
    off = year("chiller-crah-stockholm-heat-reuse", **{"heat_reuse.enabled": False})
    on = year("chiller-crah-stockholm-heat-reuse")
    assert on.kpis["energy_facility_kwh"] > off.kpis["energy_facility_kwh"]  # the heat pump's electricity
    assert on.kpis["erf"] > off.kpis["erf"] == 0.0
    assert on.kpis["heat_revenue_sek"] > 0
    assert on.kpis["ere"] == pytest.approx((1 - on.kpis["erf"]) * on.kpis["pue"], rel=1e-12)  # ISO/IEC 30134-6


@pytest.mark.slow  # full simulated years
def test_free_cooling_systems_beat_the_chiller_room(year):
    chiller = year("chiller-crah-stockholm-1mw").kpis["pue"]
    assert year("chiller-crah-stockholm-wse").kpis["pue"] < chiller
    assert year("dry-cooler-umea-1mw").kpis["free_cooling_hours"] > 5000


@pytest.mark.slow  # full simulated years
def test_evaporative_systems_use_water_and_report_wue(year):
    k = year("indirect-evaporative-goteborg-1mw").kpis
    assert k["water_m3"] > 0
    assert k["wue_l_per_kwh"] == pytest.approx(k["water_m3"] * 1000 / k["energy_it_kwh"], rel=1e-12)  # 30134-9


@pytest.mark.slow  # full simulated years
def test_cooling_modes_are_named(year):
    ts = year("dry-cooler-umea-1mw").timeseries
    assert set(ts.cooling_mode.cat.categories) == set(COOLING_MODES)
    assert {"free", "mechanical"} <= set(ts.cooling_mode.unique())


@pytest.mark.parametrize("overrides", [
    {},
    # a chiller far below the load and a buffer tank: the plant leaves heat in the coils (its
    # unmet residual) and the tank charges and discharges; both must show in a node's temperature
    {"cooling.chiller.capacity_kw": 30.0, "cooling.buffer_tank_m3": 2.0},
], ids=["sized", "undersized-with-tank"])
def test_stored_heat_equals_the_change_of_node_temperatures(overrides):
    """The storage term of the balance is C dT of the rack, room and structure nodes and the
    tank's change of stored cold, not a residual."""
    sc = dcsim.load_scenario(ROOT / "scenarios" / "lulea-air-1mw.toml",
                             overrides={"simulation.duration": "1d", "it.racks": 5, **overrides})
    m = build_model(sc, server_curve(sc.it.server), 60.0)
    n = 600
    rng = np.random.default_rng(5)
    from dcsim.cooling.plant import OUT_UNMET_KW
    from tests.test_thermal import make_inputs

    inputs = make_inputs(n, rng.uniform(0, 1, n), rng.uniform(-10, 25, n), 20.0, rng.choice([1.0, 0.3], n, p=[0.9, 0.1]))
    st = initial_state(m.rack, m.hall, float(inputs.utilization[0]), 20.0, m.plant_state0)
    e0 = st.equipment_c.copy()
    r0 = st.room_c[0]
    s0 = st.structure_c[0]
    b0 = st.buffer_kj[0]
    out, acc = allocate_outputs(n), allocate_rack_accumulators(5)
    facility_kernel(0, n, 60.0, inputs, m.rack, m.hall, m.plant_system, m.plant, m.electrical, st, out, acc)
    stored_kj = out.stored_heat_kw.sum() * 60.0
    from_nodes = (float(m.rack.heat_capacity_kj_per_k @ (st.equipment_c - e0))
                  + m.hall.room_heat_capacity_kj_per_k * (st.room_c[0] - r0)
                  + m.hall.structure_heat_capacity_kj_per_k * (st.structure_c[0] - s0)
                  - (st.buffer_kj[0] - b0))  # the tank holds cold: heat stored is its loss of cold
    assert m.hall.structure_heat_capacity_kj_per_k > 0 and st.structure_c[0] != s0  # the structure takes part
    if overrides:  # the case exercises what it is for
        assert out.plant[:, OUT_UNMET_KW].max() > 1.0
        assert m.hall.buffer_capacity_kj > 0
    # 1e-9: the sums of 600 steps of float64 terms, against differences of node temperatures
    assert stored_kj == pytest.approx(from_nodes, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("overrides, path, value, fragment", [
    ({"electrical.ups.type": "table", "electrical.ups.load_points": [0.05 * k for k in range(1, 21)],
      "electrical.ups.efficiency_points": [0.9] * 20}, "electrical.ups.load_points", None, "needs 1-16 points"),
    ({"cooling.system": "fresh-air", "heat_reuse.enabled": True, "heat_reuse.source": "chilled-water"},
     "heat_reuse.source", "chilled-water", "needs a chilled-water system"),
])
def test_a_build_error_is_located_at_the_key_it_names(overrides, path, value, fragment):
    # checks only the build can make (the schema has no table-size limit, the system and the
    # heat-reuse source are two sections)
    sc = dcsim.load_scenario(Path(__file__).parent / "fixtures" / "scenarios" / "minimal.toml",
                             overrides={"simulation.duration": "1d", **overrides})
    with pytest.raises(dcsim.InputError) as exc:
        build_model(sc, server_curve(sc.it.server), 60.0)
    (p,) = exc.value.problems
    assert p.path == path and fragment in p.message
    if value is not None:
        assert p.value == value
