"""The datasheet cooling unit in the plant (cooling.datasheet_unit): its step against hand
values, its mode, a short summer run of the Luleå dry-cooler hall with and without it, and
the section's checks naming the key at fault."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.cooling import MODE_EVAPORATIVE, MODE_FREE, MODE_FREE_DRY, MODE_MECHANICAL, MODE_PARTIAL_FREE
from dcsim.cooling.datasheet_unit import datasheet_unit_mode, datasheet_unit_step
from dcsim.errors import InputError
from dcsim.model.plant import build_datasheet_unit
from dcsim.model.tables import TABLE_SIZE
from dcsim.scenario.datasheet import MAX_POINTS, DatasheetUnit

ROOT = Path(__file__).resolve().parents[1]
DRY_COOLER = ROOT / "scenarios" / "lulea-dry-cooler-1mw.toml"

#: One unit: 300 kW and 10 kW at 0 °C, 200 kW and 12 kW at 10 °C, nothing (14 kW) at 20 °C.
UNIT = dict(outdoor_c=[0.0, 10.0, 20.0], capacity_kw=[300.0, 200.0, 0.0], power_kw=[10.0, 12.0, 14.0], units=2,
            water_l_per_kwh=0.8)


def _params(**changes):
    return build_datasheet_unit(DatasheetUnit(**{**UNIT, **changes}))


def test_unit_step_against_hand_values():
    du = _params()
    step = datasheet_unit_step
    # 5 °C: capacity 2 x 250 = 500 kW, power at full duty 2 x 11 = 22 kW; 300 kW of load left
    # -> all of it, 22 x 300/500 = 13.2 kW, 0.8 L/kWh x 300 kW x 60 s / 3600 = 4.0 L
    q, p, w = step(du, 300.0, 5.0, -50.0, 60.0)
    assert (q, p, w) == pytest.approx((300.0, 13.2, 4.0), rel=1e-14)  # a few roundings
    # more load than capacity: the unit at full duty, 500 kW for 22 kW, 0.8 x 500 / 60 L
    assert step(du, 800.0, 5.0, -50.0, 60.0) == pytest.approx((500.0, 22.0, 0.8 * 500.0 / 60.0), rel=1e-14)
    # below the table: clamped to its first point, 600 kW for 20 kW; 150 kW -> 20 x 150/600 = 5 kW
    assert step(du, 150.0, -5.0, -50.0, 3600.0) == pytest.approx((150.0, 5.0, 120.0), rel=1e-14)
    # above the table (and at its last point) there is no capacity: the unit draws nothing
    assert step(du, 150.0, 25.0, -50.0, 60.0) == (0.0, 0.0, 0.0)
    assert step(du, 150.0, 20.0, -50.0, 60.0) == (0.0, 0.0, 0.0)
    # no load left (or a negative round-off residual): nothing
    assert step(du, 0.0, 5.0, -50.0, 60.0) == (0.0, 0.0, 0.0)
    assert step(du, -1e-12, 5.0, -50.0, 60.0) == (0.0, 0.0, 0.0)
    # a table against the wet bulb reads the wet bulb (5 °C) whatever the dry bulb
    wet = _params(against="outdoor_wetbulb_c")
    assert step(wet, 300.0, 99.0, 5.0, 60.0) == pytest.approx((300.0, 13.2, 4.0), rel=1e-14)
    # a dry unit evaporates nothing; no unit at all does nothing
    assert step(_params(water_l_per_kwh=0.0), 300.0, 5.0, 0.0, 60.0)[2] == 0.0
    assert step(build_datasheet_unit(None), 300.0, 5.0, 0.0, 60.0) == (0.0, 0.0, 0.0)


def test_unit_tables_are_padded_and_scaled_by_units():
    du = _params()
    assert len(du.du_outdoor_c) == len(du.du_capacity_kw) == len(du.du_power_kw) == TABLE_SIZE
    assert du.du_capacity_kw[:3] == (600.0, 400.0, 0.0) and du.du_power_kw[:3] == (20.0, 24.0, 28.0)
    assert du.du_installed == 1.0 and du.du_wetbulb == 0.0 and du.du_water_l_per_kwh == 0.8
    # the schema's limit is the build layer's table size (the schema may not import it)
    assert MAX_POINTS == TABLE_SIZE


@pytest.mark.parametrize("mode, q_unit, q_mech, water, want", [
    (MODE_MECHANICAL, 0.0, 500.0, 0.8, MODE_MECHANICAL),  # the unit idle: the plant's mode
    (MODE_PARTIAL_FREE, 0.0, 100.0, 0.8, MODE_PARTIAL_FREE),
    (MODE_MECHANICAL, 200.0, 300.0, 0.8, MODE_PARTIAL_FREE),  # the unit pre-cools, the chiller trims
    (MODE_PARTIAL_FREE, 200.0, 300.0, 0.0, MODE_PARTIAL_FREE),
    (MODE_MECHANICAL, 200.0, 0.0, 0.8, MODE_EVAPORATIVE),  # the chiller off, water evaporated
    (MODE_PARTIAL_FREE, 200.0, 0.0, 0.8, MODE_EVAPORATIVE),
    (MODE_FREE, 200.0, 0.0, 0.8, MODE_EVAPORATIVE),
    (MODE_MECHANICAL, 200.0, 0.0, 0.0, MODE_FREE),  # the chiller off, a dry unit
    (MODE_FREE_DRY, 200.0, 0.0, 0.0, MODE_FREE_DRY),  # ... behind a dry tower's economiser
])
def test_unit_mode(mode, q_unit, q_mech, water, want):
    assert datasheet_unit_mode(_params(water_l_per_kwh=water), mode, q_unit, q_mech) == want


#: Rows at the physics step, so that each row's mode is its step's.
SUMMER = {"simulation.start": "2025-07-01T00:00:00Z", "simulation.duration": "3d", "simulation.record_step": "60s"}
#: The example case's unit (scenarios/cases/evaporative-free-cooling.toml), two of them.
EVAP = {"name": "EvapCool 600", "units": 2, "against": "outdoor_wetbulb_c",
        "outdoor_c": [-30.0, 4.0, 8.0, 10.0, 12.0, 14.0, 16.0],
        "capacity_kw": [600.0, 600.0, 520.0, 400.0, 260.0, 110.0, 0.0],
        "power_kw": [18.0, 18.0, 20.0, 21.0, 22.0, 22.0, 22.0], "water_l_per_kwh": 0.8}


@pytest.fixture(scope="module")
def summer_runs():
    """Three July days in Luleå (the chiller runs: the dry cooler alone cannot cool the water
    to 12 °C), without and with the unit."""
    without = dcsim.simulate(dcsim.load_scenario(DRY_COOLER, overrides=SUMMER))
    with_unit = dcsim.simulate(dcsim.load_scenario(DRY_COOLER, overrides={**SUMMER, "cooling.datasheet_unit": EVAP}))
    return without, with_unit


def test_summer_run_with_the_unit(summer_runs):
    r0, r1 = summer_runs
    k0, k1 = r0.kpis, r1.kpis
    ts0, ts1 = r0.timeseries, r1.timeseries
    h = 1.0 / 60.0  # one-minute rows: kW x h = kWh
    # without the unit its columns are there, and zero
    assert (ts0["datasheet_unit_power_kw"] == 0).all() and (ts0["datasheet_unit_heat_kw"] == 0).all()
    chiller0, chiller1 = ts0["chiller_power_kw"].sum() * h, ts1["chiller_power_kw"].sum() * h
    unit_kwh, unit_heat = ts1["datasheet_unit_power_kw"].sum() * h, ts1["datasheet_unit_heat_kw"].sum() * h
    assert chiller0 > 1000.0  # the baseline's chiller works in these days (measured: 7,746 kWh)
    assert chiller1 < 0.5 * chiller0  # the unit takes most of its load (measured: 1,884 kWh)
    assert unit_kwh > 0.0 and unit_heat > 10.0 * unit_kwh  # about 15 kW per MW removed
    # the unit's power is in cooling_power_kw and facility_power_kw (rel 1e-9: hourly means of
    # the same step values, summed in another order)
    parts = ts1[["crah_fan_power_kw", "chiller_power_kw", "heat_rejection_fan_power_kw", "pump_power_kw",
                 "humidifier_power_kw", "datasheet_unit_power_kw"]].sum(axis=1)
    np.testing.assert_allclose(ts1["cooling_power_kw"], parts, rtol=1e-9)
    total = (k1["energy_it_kwh"] + k1["energy_cooling_kwh"] + k1["energy_electrical_losses_kwh"]
             + float(ts1[["fixed_loads_kw", "heat_pump_power_kw"]].sum().sum()) * h)
    assert total == pytest.approx(k1["energy_facility_kwh"], rel=1e-9)
    assert k1["energy_facility_kwh"] < k0["energy_facility_kwh"] and k1["pue"] < k0["pue"]
    # its water is the site's (the dry-cooler system evaporates nothing else), 0.8 L per kWh
    # removed (rel 1e-9: the KPI sums steps, the heat column hourly means)
    assert k0["water_m3"] == 0.0
    assert k1["water_m3"] == pytest.approx(0.8 * unit_heat / 1000.0, rel=1e-9)
    np.testing.assert_allclose(ts1["water_evaporation_l_per_h"], 0.8 * ts1["datasheet_unit_heat_kw"], rtol=1e-9,
                               atol=1e-9)
    # the first law over the run, with the unit's heat and electricity leaving outdoors
    assert k1["energy_balance_rel_error"] < 1e-6 and k0["energy_balance_rel_error"] < 1e-6
    # the same hall: IT and inlets do not move (the supply air holds its setpoint either way)
    assert k1["energy_it_kwh"] == k0["energy_it_kwh"]
    assert k1["max_inlet_c"] == pytest.approx(k0["max_inlet_c"], abs=1e-6)
    # hours the unit carries with the chiller off are evaporative, and count as free cooling
    modes = ts1["cooling_mode"]
    assert (modes == "evaporative").any()
    assert (ts1.loc[modes == "evaporative", "chiller_power_kw"] == 0).all()
    assert k1["free_cooling_hours"] > k0["free_cooling_hours"]


def _scenario(tmp_path, unit_toml: str, system: str = "dry-cooler") -> Path:
    path = tmp_path / "s.toml"
    path.write_text(textwrap.dedent(f"""\
        name = "unit"
        [simulation]
        duration = "1d"
        [cooling]
        system = "{system}"
        [cooling.datasheet_unit]
        """) + textwrap.dedent(unit_toml), encoding="utf-8")
    return path


def _problem(path: Path):
    with pytest.raises(InputError) as info:
        dcsim.load_scenario(path)
    (p,) = info.value.problems
    return p


GOOD = "outdoor_c = [0, 10]\ncapacity_kw = [100, 50]\npower_kw = [3, 3]\n"


@pytest.mark.parametrize("table, path, fragment", [
    ("outdoor_c = [0, 10, 10]\ncapacity_kw = [1, 1, 1]\npower_kw = [1, 1, 1]\n", "outdoor_c", "strictly increasing"),
    ("outdoor_c = [5, 0]\ncapacity_kw = [1, 1]\npower_kw = [1, 1]\n", "outdoor_c", "point 1 (0) is not above point 0 (5)"),
    ("outdoor_c = [0, 10]\ncapacity_kw = [1, 1, 1]\npower_kw = [1, 1]\n", "capacity_kw",
     "capacity_kw has 3 values but outdoor_c has 2"),
    ("outdoor_c = [0, 10]\ncapacity_kw = [1, 1]\npower_kw = [1]\n", "power_kw", "power_kw has 1 values"),
    # NaN and inf are refused by the schema at the list item (every section refuses them)
    ("outdoor_c = [0, 10]\ncapacity_kw = [1, 1]\npower_kw = [1, nan]\n", "power_kw.1", "finite"),
    ("outdoor_c = [0, nan]\ncapacity_kw = [1, 1]\npower_kw = [1, 1]\n", "outdoor_c.1", "finite"),
    ("outdoor_c = [0, 10]\ncapacity_kw = [1, inf]\npower_kw = [1, 1]\n", "capacity_kw.1", "finite"),
    ("outdoor_c = [0, 10]\ncapacity_kw = [1, -1]\npower_kw = [1, 1]\n", "capacity_kw", ">= 0"),
    ("outdoor_c = [0]\ncapacity_kw = [1]\npower_kw = [1]\n", "outdoor_c", "needs 2 to 16 points"),
    (f"outdoor_c = {list(range(17))}\ncapacity_kw = {[1] * 17}\npower_kw = {[1] * 17}\n", "outdoor_c",
     "needs 2 to 16 points"),
    ("outdoor_c = [0, 10]\npower_kw = [1, 1]\n", "capacity_kw", "missing capacity_kw"),
    (GOOD + 'table_file = "unit.csv"\n', "table_file", "not both"),
    (GOOD + "units = 0\n", "units", "greater than or equal to 1"),
    (GOOD + 'against = "outdoor_c"\n', "against", "outdoor_wetbulb_c"),
    (GOOD + "colour = 1\n", "colour", "allowed here: against"),
])
def test_bad_tables_are_refused_at_their_key(tmp_path, table, path, fragment):
    p = _problem(_scenario(tmp_path, table))
    assert p.path == f"cooling.datasheet_unit.{path}", p.format()
    assert fragment in p.message, p.message
    assert p.file == str(tmp_path / "s.toml") and p.line is not None and p.line >= 6  # in the unit's table


@pytest.mark.parametrize("system", ["fresh-air", "indirect-evaporative"])
def test_the_unit_needs_a_chilled_water_system(tmp_path, system):
    p = _problem(_scenario(tmp_path, GOOD, system=system))
    assert p.path == "cooling.datasheet_unit"
    assert f'system "{system}" has no chilled-water loop' in p.message
    assert "chiller-crah, dry-cooler, liquid" in p.message


@pytest.mark.parametrize("system", ["chiller-crah", "dry-cooler", "liquid"])
def test_the_unit_is_allowed_on_chilled_water_systems(tmp_path, system):
    sc = dcsim.load_scenario(_scenario(tmp_path, GOOD, system=system))
    assert sc.cooling.datasheet_unit.capacity_kw == [100, 50]
    assert dcsim.load_scenario(DRY_COOLER).cooling.datasheet_unit is None  # default: none


def test_table_file_is_read_relative_to_the_scenario_and_checked(tmp_path):
    (tmp_path / "unit.csv").write_text("# a datasheet\noutdoor_c,capacity_kw,power_kw\n0,100,3\n10,50,3\n",
                                       encoding="utf-8")
    sc = dcsim.load_scenario(_scenario(tmp_path, 'table_file = "unit.csv"\nunits = 3\n'))
    du = sc.cooling.datasheet_unit
    assert (du.outdoor_c, du.capacity_kw, du.power_kw, du.units, du.table_file) == ([0, 10], [100, 50], [3, 3], 3, None)
    # the resolved scenario holds the table inline: it loads again without the file
    (tmp_path / "unit.csv").unlink()
    again = dcsim.load_scenario(dcsim.scenario.load.resolved_dict(sc))
    assert again.cooling.datasheet_unit == du
    (tmp_path / "bad.csv").write_text("outdoor_c,capacity_kw,power_kw\n0,100,3\n10,-5,3\n", encoding="utf-8")
    p = _problem(_scenario(tmp_path, 'table_file = "bad.csv"\n'))
    assert p.path == "cooling.datasheet_unit.table_file"
    assert "bad.csv" in p.message and "line 3" in p.message and "capacity must be >= 0" in p.message
    p = _problem(_scenario(tmp_path, 'table_file = "nope.csv"\n'))
    assert p.path == "cooling.datasheet_unit.table_file" and "not found" in p.message

