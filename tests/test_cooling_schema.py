"""The facility sections (cooling, electrical, heat_reuse): walking-skeleton keys keep working,
cross-field errors name the key, the reference scenarios validate and build."""

import tomllib
from pathlib import Path

import numpy as np
import pytest
from pydantic import Field, ValidationError

from dcsim.cooling.outputs import N_OUT
from dcsim.cooling.plant import SYSTEM_CODES, plant_step
from dcsim.model import build_plant
from dcsim.scenario import facility, schema
from dcsim.scenario.electrical import Electrical
from dcsim.scenario.facility import Cooling, HeatReuse

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FACILITY_FILES = sorted(p for p in SCENARIOS.glob("*.toml")
                        if p.name.split("-")[0] in {"chiller", "dry", "fresh", "indirect", "liquid"})


def _scenario_model():
    """schema.Scenario with the facility sections (the same class once the lead has swapped them in)."""
    if schema.Scenario.model_fields["cooling"].annotation is facility.Cooling:
        return schema.Scenario

    class Scenario(schema.Scenario):
        cooling: facility.Cooling = Field(default_factory=facility.Cooling)
        electrical: facility.Electrical = Field(default_factory=facility.Electrical)
        heat_reuse: facility.HeatReuse = Field(default_factory=facility.HeatReuse)

    return Scenario


def test_walking_skeleton_keys_keep_their_meaning():
    data = {
        "system": "chiller-crah",
        "crah": {"airflow_oversupply_fraction": 0.2, "fan_kw_per_m3_per_s": 0.5},
        "chiller": {"carnot_efficiency": 0.35, "chilled_water_supply_c": 10.0, "coil_approach_k": 6.0,
                    "chilled_water_delta_t_k": 5.0, "evaporator_approach_k": 2.0, "condenser_approach_k": 8.0,
                    "min_condensing_c": 20.0},
        "pumps": {"pressure_rise_kpa": 250.0, "efficiency": 0.8},
        "capacity_kw": 900.0,
        "failures": [{"start": "2025-03-01T00:00:00", "duration": "6h", "available_fraction": 0.5}],
    }
    c = Cooling.model_validate(data)
    assert c.chiller.model == "carnot" and c.chiller.condenser == "air" and not c.economizer.enabled
    assert c.failures[0].duration == 6 * 3600 and c.failures[0].start.tzinfo is not None
    assert Electrical.model_validate({"ups": {"efficiency": 0.96}}).ups.efficiency == 0.96
    assert HeatReuse.model_validate({"enabled": False}).enabled is False
    code, p, _ = build_plant(c, HeatReuse(), 800.0, 70.0)
    ch = p.chiller
    assert code == 0 and ch.mech_capacity_kw == 900.0 and ch.chw_supply_c == 10.0
    # carnot_efficiency is the Carnot fraction at the reference lift (40 K): exact up to rounding
    eta_40 = 40.0 / (ch.carnot_a0_k + ch.carnot_a1 * 40.0 + ch.carnot_a2_per_k * 1600.0)
    assert eta_40 == pytest.approx(0.35, rel=1e-12)
    assert p.pumps.chw_pump_pa == 250e3 and ch.chw_delta_t_k == 5.0
    # the defaults: chilled water follows the supply air, capacity sizing_factor x design heat
    _, p, _ = build_plant(Cooling(), HeatReuse(), 800.0, 70.0, design_heat_kw=900.0)
    assert np.isnan(p.chiller.chw_supply_c) and p.chiller.chw_coil_approach_k == 8.0
    assert p.chiller.mech_capacity_kw == 1.25 * 900.0


@pytest.mark.parametrize("data, path", [
    ({"system": "dry-cooler", "chiller": {"condenser": "water"}}, "cooling.chiller.condenser"),
    ({"economizer": {"enabled": True}}, "cooling.economizer.enabled"),
    ({"system": "fresh-air", "economizer": {"enabled": True}}, "cooling.economizer.enabled"),
    ({"chiller": {"capacity_kw": 0.0}}, "cooling.chiller.capacity_kw"),
    ({"system": "fresh-air", "buffer_tank_m3": 10.0}, "cooling.buffer_tank_m3"),
    ({"system": "indirect-evaporative", "buffer_tank_m3": 10.0}, "cooling.buffer_tank_m3"),
])
def test_inconsistent_cooling_is_refused_naming_the_key(data, path):
    with pytest.raises(ValidationError) as exc:
        Cooling.model_validate(data)
    err = exc.value.errors()[0]["ctx"]["error"]
    assert err.field == path


def test_unknown_curve_and_bad_tables():
    with pytest.raises(ValidationError, match="did you mean"):
        Cooling.model_validate({"chiller": {"model": "eir", "curve": "mcquay-pfh-2124"}})
    with pytest.raises(ValidationError, match="return must be below"):
        HeatReuse(supply_curve_c=[60.0, 50.0], return_curve_c=[65.0, 40.0])
    with pytest.raises(ValidationError, match="12 fractions"):
        HeatReuse(monthly_fraction=[1.0] * 11)
    with pytest.raises(ValidationError, match="cop_table_lift_k and cop_table"):
        HeatReuse(cop_model="table")
    with pytest.raises(ValidationError, match="only used with"):
        HeatReuse(cop_table=[3.0, 2.0], cop_table_lift_k=[30.0, 60.0])
    with pytest.raises(ValueError, match="needs cooling.system = 'liquid'"):
        build_plant(Cooling(), HeatReuse(enabled=True, source="liquid-loop"), 800.0, 70.0)
    with pytest.raises(ValueError, match="chilled-water system"):
        build_plant(Cooling(system="fresh-air"), HeatReuse(enabled=True, source="chilled-water"), 800.0, 70.0)


@pytest.mark.parametrize("path", FACILITY_FILES, ids=[p.stem for p in FACILITY_FILES])
def test_reference_scenarios_validate_and_build(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sc = _scenario_model().model_validate(data)
    assert path.stem.startswith(sc.cooling.system.split("-")[0])
    code, p, state = build_plant(sc.cooling, sc.heat_reuse, 600.0, 60.0,
                                 ashrae_class=sc.room.ashrae_class)
    assert code == SYSTEM_CODES[sc.cooling.system]
    out = np.zeros(N_OUT)
    plant_step(code, p, state, 500.0, 50.0, sc.room.supply_air_c + 8.0, sc.room.supply_air_c, 200.0, 20.0,
               5.0, 0.004, 2.0, 101325.0, 300.0, 60.0, out)
    assert np.all(np.isfinite(out))


def test_every_system_has_a_reference_scenario():
    systems = {tomllib.loads(p.read_text())["cooling"]["system"] for p in FACILITY_FILES}
    assert systems == set(SYSTEM_CODES)
