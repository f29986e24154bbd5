"""Datasheet tables: interpolation, checks, and the built-in component datasheet-cooling-unit,
which puts a cooling.datasheet_unit into a proposal's scenario (the unit's physics and the
section's checks: tests/test_datasheet_unit.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

import dcsim
from dcsim.case import load_case
from dcsim.case.datasheet import HeatPumpTable, interp2_clamped, interp_clamped_many
from dcsim.scenario.datasheet import DatasheetUnit

SCEN = Path(__file__).parent / "fixtures" / "scenarios"


def test_one_dimensional_table_is_linear_and_clamped():
    xs = np.array([0.0, 10.0, 20.0])
    ys = np.array([100.0, 50.0, 0.0])
    got = interp_clamped_many(xs, ys, np.array([-5.0, 0.0, 2.5, 10.0, 15.0, 25.0]))
    assert got.tolist() == [100.0, 100.0, 87.5, 50.0, 25.0, 0.0]


def test_heat_pump_grid_is_bilinear_and_clamped():
    hp = HeatPumpTable(source_c=[20, 40], sink_c=[60, 80], cop=[[4.0, 6.0], [3.0, 4.0]])
    # corners, edges and the centre by hand: centre = mean of the four corners = 4.25
    assert hp.cop_at([20, 40, 30, 30, 30], [60, 60, 60, 80, 70]).tolist() == [4.0, 6.0, 5.0, 3.5, 4.25]
    assert hp.cop_at([0, 99], [0, 99]).tolist() == [4.0, 4.0]  # clamped to the corners
    z = np.array([[4.0, 6.0], [3.0, 4.0]])
    assert interp2_clamped(np.array([20.0, 40.0]), np.array([60.0, 80.0]), z, 25.0, 65.0) == pytest.approx(
        0.75 * (0.75 * 4 + 0.25 * 6) + 0.25 * (0.75 * 3 + 0.25 * 4))


def test_tables_are_checked():
    with pytest.raises(ValidationError, match="strictly increasing"):
        DatasheetUnit(outdoor_c=[0, 0], capacity_kw=[1, 1], power_kw=[1, 1])
    with pytest.raises(ValidationError, match="has 1 values"):
        DatasheetUnit(outdoor_c=[0, 1], capacity_kw=[1], power_kw=[1, 1])
    with pytest.raises(ValidationError, match=">= 0"):
        DatasheetUnit(outdoor_c=[0, 1], capacity_kw=[1, -1], power_kw=[1, 1])
    with pytest.raises(ValidationError, match="at least 1"):
        HeatPumpTable(source_c=[1, 2], sink_c=[3, 4], cop=[[0.5, 2], [2, 2]])
    with pytest.raises(ValidationError, match="needs 2 rows"):
        HeatPumpTable(source_c=[1, 2], sink_c=[3, 4], cop=[[2, 2]])


def test_cooling_unit_table_from_csv(tmp_path):
    (tmp_path / "unit.csv").write_text("outdoor_c,capacity_kw,power_kw\n-10,100,5\n10,50,5\n20,0,5\n")
    t = DatasheetUnit.model_validate({"table_file": "unit.csv", "units": 2}, context={"base_dir": tmp_path})
    # read into the section (one unit's table; the build layer multiplies by units)
    assert t.outdoor_c == [-10, 10, 20] and t.capacity_kw == [100, 50, 0] and t.power_kw == [5, 5, 5]
    assert t.table_file is None and t.units == 2
    with pytest.raises(ValidationError, match="not found"):
        DatasheetUnit.model_validate({"table_file": "nope.csv"}, context={"base_dir": tmp_path})


def _case(tmp_path, params: str, replications: int = 1) -> Path:
    path = tmp_path / "unit.toml"
    path.write_text(textwrap.dedent(f"""
        [case]
        name = "unit"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [assumptions]
        replications = {replications}
        water_price_sek_per_m3 = 20
        [[proposals]]
        name = "unit"
        capital_cost_sek = 10000
        lifetime_years = 10
        [[proposals.components]]
        use = "datasheet-cooling-unit"
        params = {params}
        """))
    return path


def test_the_component_sets_the_unit_on_the_proposals_scenario(tmp_path):
    (tmp_path / "unit.csv").write_text("outdoor_c,capacity_kw,power_kw\n-40,500,2\n30,500,2\n")
    case = load_case(_case(tmp_path, '{ table_file = "unit.csv", units = 2, water_l_per_kwh = 1.0 }'))
    base, prop = case.variants
    assert base.scenario.cooling.datasheet_unit is None
    du = prop.scenario.cooling.datasheet_unit
    # the table read from the case's folder, inline in the scenario (its hash follows the content)
    assert (du.outdoor_c, du.capacity_kw, du.power_kw, du.units) == ([-40, 30], [500, 500], [2, 2], 2)
    assert du.table_file is None and du.water_l_per_kwh == 1.0
    assert prop.patch["cooling.datasheet_unit.capacity_kw"] == [500, 500]
    (comp,) = prop.components
    assert comp.has_patch and not comp.has_postprocess  # a scenario patch, nothing after the physics


def test_datasheet_unit_takes_the_chiller_load_and_keeps_the_energy_balance(tmp_path):
    big = "{ outdoor_c = [-40, 30], capacity_kw = [1000, 1000], power_kw = [1, 1], water_l_per_kwh = 1.0 }"
    result = dcsim.run_case(_case(tmp_path, big))
    base, prop = result.outcomes
    k0, k1 = base.kpis[0], prop.kpis[0]
    ts0, ts1 = base.first.timeseries, prop.first.timeseries
    h = 1.0  # hourly records
    chiller_kwh = (ts0["chiller_power_kw"] + ts0["heat_rejection_fan_power_kw"]).sum() * h
    unit_kwh = ts1["datasheet_unit_power_kw"].sum() * h
    assert chiller_kwh > 0 and (ts1["chiller_power_kw"] == 0).all()  # the unit covers every step
    assert (ts1["cooling_mode"] == "evaporative").all()  # chiller off, the unit evaporates water
    # the same hall, loop and air handlers: the chiller's electricity is replaced by the unit's
    # (rel 1e-9: sums of the same hourly means in another order)
    assert k1["energy_facility_kwh"] == pytest.approx(k0["energy_facility_kwh"] - chiller_kwh + unit_kwh, rel=1e-9)
    assert k1["energy_cooling_kwh"] == pytest.approx(k0["energy_cooling_kwh"] - chiller_kwh + unit_kwh, rel=1e-9)
    assert k1["energy_balance_rel_error"] < 1e-9  # the unit's heat and electricity leave outdoors
    assert k1["free_cooling_hours"] == pytest.approx(48.0)  # two days, all evaporative
    heat = ts1["datasheet_unit_heat_kw"].sum() * h
    assert k1["water_m3"] == pytest.approx(heat / 1000.0, rel=1e-9)  # 1 L per kWh, nothing else uses water
    assert k1["energy_it_kwh"] == k0["energy_it_kwh"] and k1["max_inlet_c"] == k0["max_inlet_c"]
    bc = result.business["unit"]
    assert bc.water_cost_change_sek_per_year == pytest.approx(k1["water_m3"] * 365 / 2 * 20)
    assert result.runs_simulated == 2  # another scenario: the proposal is simulated, not post-processed
    assert not prop.notes


def test_datasheet_unit_without_capacity_changes_nothing(tmp_path):
    none = "{ outdoor_c = [-40, 30], capacity_kw = [0, 0], power_kw = [5, 5] }"
    result = dcsim.run_case(_case(tmp_path, none, replications=2))
    for k, d in result.differences["unit"].items():
        if k == "sim_wall_s":
            continue  # another simulation's wall time
        assert (d.mean, d.p05, d.p95) == (0.0, 0.0, 0.0), k


def test_the_component_is_refused_on_a_plant_without_chilled_water(tmp_path):
    path = tmp_path / "unit.toml"
    path.write_text(textwrap.dedent(f"""
        [case]
        name = "unit"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [case.baseline_patch]
        "cooling.system" = "fresh-air"
        [[proposals]]
        name = "unit"
        capital_cost_sek = 1
        lifetime_years = 1
        [[proposals.components]]
        use = "datasheet-cooling-unit"
        params = {{ outdoor_c = [0, 10], capacity_kw = [5, 5], power_kw = [1, 1] }}
        """))
    with pytest.raises(dcsim.InputError) as info:
        load_case(path)
    (p,) = info.value.problems
    assert p.path == "proposals[0].components[0]" and p.line == 11  # the component's table
    assert "the component provides cooling.datasheet_unit" in p.message
    assert 'system "fresh-air" has no chilled-water loop' in p.message


def test_a_patch_names_a_table_file_relative_to_the_case(tmp_path):
    (tmp_path / "unit.csv").write_text("outdoor_c,capacity_kw,power_kw\n-40,50,1\n30,50,1\n")
    path = tmp_path / "unit.toml"
    path.write_text(textwrap.dedent(f"""
        [case]
        name = "unit"
        baseline = "{(SCEN / 'minimal.toml').as_posix()}"
        [[proposals]]
        name = "unit"
        capital_cost_sek = 1
        lifetime_years = 1
        [proposals.patch]
        "cooling.datasheet_unit.table_file" = "unit.csv"
        """))
    (_, prop) = load_case(path).variants  # the baseline's folder has no unit.csv
    assert prop.scenario.cooling.datasheet_unit.capacity_kw == [50, 50]
