"""Fresh-air cooling: mixing, humidification and evaporative assist against psychrolib."""

import numpy as np
import pytest

from dcsim.cooling import MODE_EVAPORATIVE, MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from dcsim.cooling.outputs import (
    N_OUT,
    OUT_CHILLER_KW,
    OUT_HUMIDIFIER_KW,
    OUT_MODE,
    OUT_OUTDOOR_AIR_FRACTION,
    OUT_SUPPLY_AIR_C,
    OUT_SUPPLY_DEWPOINT_C,
    OUT_SUPPLY_RH_PCT,
    OUT_SUPPLY_W,
    OUT_UNMET_KW,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_HUMIDIFICATION_L,
)
from dcsim.cooling.plant import plant_step
from dcsim.model import build_plant
from dcsim.scenario.facility import Cooling, HeatReuse
from tests.conftest import psychrolib_si

pl = psychrolib_si()
P = 101325.0
RHO, CP = 1.2, 1006.0


def _plant(**fresh_air):
    c = Cooling(system="fresh-air", fresh_air=fresh_air) if fresh_air else Cooling(system="fresh-air")
    return build_plant(c, HeatReuse(), 600.0, 60.0)


def _step(code, p, state, t_db, rh_pct, *, t_set=20.0, t_ret=30.0, flow=50.0, fan_kw=10.0, dt=60.0):
    w = pl.GetHumRatioFromRelHum(t_db, rh_pct / 100, P)
    twb = pl.GetTWetBulbFromRelHum(t_db, rh_pct / 100, P)
    q = RHO * CP * flow * (t_ret - t_set) / 1000 + fan_kw
    out = np.zeros(N_OUT)
    plant_step(code, p, state, q, flow, t_ret, t_set, 0.0, 0.0, t_db, w, twb, P, 0.0, dt, out)
    return out, q, w


def test_nordic_winter_air_needs_humidification_psychrolib():
    # REFERENCES.md "Nordic humidity": -20 °C / 85 % RH holds 0.54 g/kg (dew point -21.7 °C);
    # heated to 20 °C it is 3.8 % RH. Checked with psychrolib (2-digit values in the text).
    w = pl.GetHumRatioFromRelHum(-20.0, 0.85, P)
    assert w * 1000 == pytest.approx(0.54, abs=0.006)
    assert pl.GetTDewPointFromHumRatio(-20.0, w, P) == pytest.approx(-21.7, abs=0.06)
    assert 100 * pl.GetRelHumFromHumRatio(20.0, w, P) == pytest.approx(3.8, abs=0.06)


@pytest.mark.parametrize("humidifier", ["adiabatic", "steam"])
def test_nordic_winter_humidifies_to_the_ashrae_minimum(humidifier):
    code, p, state = _plant(humidifier=humidifier)
    out, q, _ = _step(code, p, state, -20.0, 85.0)
    assert out[OUT_MODE] == MODE_FREE
    assert out[OUT_WATER_HUMIDIFICATION_L] > 0 and out[OUT_HUMIDIFIER_KW] > 0
    # ASHRAE A1-A4 minimum: dew point -12 °C and RH 8 % at the inlet (tolerance: rounding)
    assert out[OUT_SUPPLY_DEWPOINT_C] >= -12.0 - 1e-6
    assert out[OUT_SUPPLY_RH_PCT] >= 8.0 - 1e-6
    assert out[OUT_SUPPLY_AIR_C] == pytest.approx(20.0, abs=1e-9)
    assert out[OUT_UNMET_KW] == 0.0 and out[OUT_CHILLER_KW] == 0.0
    # psychrolib agrees on the reported supply state (its own iterations: 1e-3 K)
    assert pl.GetTDewPointFromHumRatio(20.0, out[OUT_SUPPLY_W], P) == pytest.approx(out[OUT_SUPPLY_DEWPOINT_C], abs=2e-3)
    assert 100 * pl.GetRelHumFromHumRatio(20.0, out[OUT_SUPPLY_W], P) == pytest.approx(out[OUT_SUPPLY_RH_PCT], rel=1e-9)


@pytest.mark.parametrize("t_db, rh, humidifier", [(-20.0, 85.0, "adiabatic"), (-20.0, 85.0, "steam"),
                                                   (-5.0, 60.0, "adiabatic"), (8.0, 70.0, "adiabatic"),
                                                   (14.0, 50.0, "steam")])
def test_mixing_box_state_against_psychrolib(t_db, rh, humidifier):
    """Rebuild the mixing with psychrolib: x of outdoor air at h_o, W_o mixed with return air
    (supply state + room heat), then humidified (adiabatic: constant h; steam: + its energy),
    must land on the setpoint minus the fan rise with the reported humidity ratio."""
    code, p, state = _plant(humidifier=humidifier)
    flow, t_set, t_ret, fan_kw = 50.0, 20.0, 30.0, 10.0
    out, q, w_o = _step(code, p, state, t_db, rh, t_set=t_set, t_ret=t_ret, flow=flow, fan_kw=fan_kw)
    m = RHO * flow
    x = out[OUT_OUTDOOR_AIR_FRACTION]
    assert 0 < x < 1
    w_s = out[OUT_SUPPLY_W]
    t_c = t_set - fan_kw * 1000 / (m * CP)  # air leaving the unit, before the supply fan
    h_c = pl.GetMoistAirEnthalpy(t_c, w_s)
    h_r = h_c + q * 1000 / m  # room and fan heat
    h_o = pl.GetMoistAirEnthalpy(t_db, w_o)
    h_mix = x * h_o + (1 - x) * h_r
    w_mix = x * w_o + (1 - x) * w_s
    hum_kg_s = out[OUT_WATER_HUMIDIFICATION_L] / 60.0
    assert w_mix + hum_kg_s / m == pytest.approx(w_s, rel=1e-12)  # moisture balance
    e_hum = out[OUT_HUMIDIFIER_KW] * 1000 if humidifier == "steam" else 0.0
    t_after = pl.GetTDryBulbFromEnthalpyAndHumRatio(h_mix + e_hum / m, w_s)
    assert t_after == pytest.approx(t_c, abs=1e-9)
    assert out[OUT_SUPPLY_AIR_C] == pytest.approx(t_set, abs=1e-9)
    assert pl.GetTDewPointFromHumRatio(t_set, w_s, P) >= -12.0 - 2e-3


def test_summer_evaporative_outlet_follows_the_formula():
    # no humidity cap and no DX trim: outlet = T_db - eps (T_db - T_wb) when that is above target
    c = Cooling(system="fresh-air", chiller={"capacity_kw": 0.0},
                fresh_air={"max_rh_pct": 100.0, "max_dewpoint_c": 30.0})
    code, p, state = build_plant(c, HeatReuse(), 600.0, 60.0)
    t_db, rh = 32.0, 25.0
    twb = pl.GetTWetBulbFromRelHum(t_db, rh / 100, P)
    out, q, w = _step(code, p, state, t_db, rh, t_set=18.0, t_ret=28.0, fan_kw=0.0)
    t_e = t_db - 0.85 * (t_db - twb)
    assert out[OUT_MODE] == MODE_EVAPORATIVE
    assert out[OUT_SUPPLY_AIR_C] == pytest.approx(t_e, abs=1e-9)
    assert out[OUT_UNMET_KW] > 0  # above the 18 °C setpoint: reported, not dropped
    assert out[OUT_UNMET_KW] == pytest.approx(RHO * 50 * (pl.GetMoistAirEnthalpy(t_e, out[OUT_SUPPLY_W])
                                                          - pl.GetMoistAirEnthalpy(18.0, out[OUT_SUPPLY_W])) / 1000, rel=1e-9)
    # the evaporated water moved the state along a line of constant enthalpy
    assert pl.GetMoistAirEnthalpy(t_e, out[OUT_SUPPLY_W]) == pytest.approx(pl.GetMoistAirEnthalpy(t_db, w), rel=1e-12)
    assert out[OUT_WATER_EVAPORATION_L] == pytest.approx(RHO * 50 * (out[OUT_SUPPLY_W] - w) * 60, rel=1e-12)


def test_evaporative_assist_meets_a_reachable_setpoint_and_respects_humidity_cap():
    code, p, state = _plant()
    out, _, _ = _step(code, p, state, 27.0, 30.0, t_set=22.0, t_ret=34.0)
    assert out[OUT_MODE] == MODE_EVAPORATIVE
    assert out[OUT_SUPPLY_AIR_C] == pytest.approx(22.0, abs=1e-9) and out[OUT_UNMET_KW] == 0.0
    assert out[OUT_SUPPLY_RH_PCT] <= 80.0 + 1e-9 and out[OUT_SUPPLY_DEWPOINT_C] <= 17.0 + 1e-9


def test_hot_day_uses_dx_trim_and_humid_day_closes_the_dampers():
    code, p, state = _plant()
    out, _, _ = _step(code, p, state, 30.0, 30.0, t_set=20.0, t_ret=38.0)  # RH cap stops the pads at ~20.8 °C
    assert out[OUT_MODE] == MODE_PARTIAL_FREE
    assert out[OUT_CHILLER_KW] > 0 and out[OUT_UNMET_KW] == pytest.approx(0.0, abs=1e-9)
    code, p, state = _plant()
    out, _, _ = _step(code, p, state, 24.0, 95.0)  # dew point ~23 °C > A1 maximum 17 °C
    assert out[OUT_MODE] == MODE_MECHANICAL
    assert out[OUT_OUTDOOR_AIR_FRACTION] == 0.0 and out[OUT_CHILLER_KW] > 0
