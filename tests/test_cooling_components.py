"""The compiled pieces the cooling systems are made of, each against its formula (REFERENCES.md
"Cooling plant", "Pumps", "Air side"; docs/physics.md), written out here independently of
the code: the plant-level tests (test_cooling_plant.py) check the whole step's energy balance,
these check each piece the step calls."""

import math

import numpy as np
import pytest

from dcsim._numeric import clamp
from dcsim.cooling import MODE_EVAPORATIVE, MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from dcsim.cooling.control import S_MODE, active_mode, air_side_fallback_mode, mode_available
from dcsim.cooling.heat_rejection import H_FG_J_PER_KG, tower_latent_fraction
from dcsim.cooling.outputs import (
    N_OUT,
    OUT_CHILLER_COP,
    OUT_CHILLER_KW,
    OUT_FANS_KW,
    OUT_HEAT_PUMP_EVAPORATOR_KW,
    OUT_HEAT_REUSED_KW,
    OUT_LIQUID_SUPPLY_C,
    OUT_MODE,
    OUT_PUMPS_KW,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_EVAPORATION_L,
    reuse_heat,
)
from dcsim.cooling.pumps import pump_power_kw
from dcsim.cooling.systems.chilled_water import (
    air_cooled_rejection,
    chilled_water_loop,
    chilled_water_production,
    tower_rejection,
    write_plant_outputs,
)
from dcsim.cooling.systems.liquid import liquid_loop
from dcsim.heatreuse import heatreuse_step
from dcsim.model import build_plant
from dcsim.scenario.facility import Cooling, HeatReuse
from dcsim.units import WATER_CP_J_PER_KG_K, WATER_DENSITY_KG_PER_M3


def _pump_kw(q_kw, dt_k, dp_pa, eta):
    """P = dp V / eta, V = Q / (rho c dT) (REFERENCES.md "Pumps")."""
    return dp_pa * (q_kw * 1000.0 / (WATER_DENSITY_KG_PER_M3 * WATER_CP_J_PER_KG_K * dt_k)) / eta / 1000.0


def test_clamp():
    assert clamp(-1.0, 0.0, 1.0) == 0.0 and clamp(2.0, 0.0, 1.0) == 1.0 and clamp(0.3, 0.0, 1.0) == 0.3
    assert math.isnan(clamp(float("nan"), 0.0, 1.0))


def test_pump_power_at_the_references_pressure():
    # REFERENCES.md: P = dp V / eta at 200 kPa, eta 0.87. 1 MW at 6 K moves
    # 1e6 / (998 * 4186 * 6) = 0.03989 m3/s, so P = 200e3 * 0.03989 / 0.87 = 9.171 kW (by hand)
    assert pump_power_kw(1000.0, 6.0, 200e3, 0.87) == pytest.approx(_pump_kw(1000.0, 6.0, 200e3, 0.87), rel=1e-15)
    assert pump_power_kw(1000.0, 6.0, 200e3, 0.87) == pytest.approx(9.171, abs=1e-3)


@pytest.mark.parametrize("mode, chw, air", [
    (MODE_FREE, (True, False, True), (True, True, True)),
    (MODE_EVAPORATIVE, (False, False, False), (False, True, True)),
    (MODE_PARTIAL_FREE, (True, False, False), (False, True, False)),
    (MODE_MECHANICAL, (True, True, False), (False, True, False)),
])
def test_mode_availability(mode, chw, air):
    # chilled-water plant with/without economiser and compressors: (free+mech, mech only, free only)
    got_chw = tuple(mode_available(mode, f, False, f and m, m) for f, m in ((True, True), (False, True), (True, False)))
    # air-side unit: (no media, no compressors), (media and compressors), (media, no compressors)
    got_air = tuple(mode_available(mode, True, e, m, m) for e, m in ((False, False), (True, True), (True, False)))
    assert got_chw == chw
    assert got_air == air


def test_active_mode_forgets_an_impossible_mode():
    state = np.array([float(MODE_PARTIAL_FREE), 0.0, 0.0, 0.0, 0.0, 0.0])
    assert active_mode(state, True, False, False, False) == MODE_PARTIAL_FREE  # returns the old code
    assert state[S_MODE] == -1.0  # ...and select_mode will take the candidate
    state[S_MODE] = MODE_FREE
    assert active_mode(state, True, False, False, False) == MODE_FREE and state[S_MODE] == MODE_FREE


def _plant(**cooling):
    return build_plant(Cooling(**cooling), HeatReuse(), 900.0, 80.0)


def test_tower_rejection_by_its_formulas():
    code, p, _ = _plant(chiller={"condenser": "water"}, economizer={"enabled": True})
    tw, pu = p.tower, p.pumps
    out = np.zeros(N_OUT)
    # wet tower: water leaving at 20 °C, outdoor air 24 °C at 8 g/kg
    fans, pumps, rejected = tower_rejection(p, 100.0, 200.0, 50.0, False, 20.0, 24.0, 0.008, 101325.0, 60.0, out)
    q_cond = 350.0
    p_cw = _pump_kw(q_cond, pu.cond_delta_t_k, pu.cond_pump_pa, pu.pump_efficiency)
    q_tower = q_cond + p_cw
    frac = min(q_tower / tw.tower_design_kw, 1.0)
    assert pumps == pytest.approx(p_cw, rel=1e-14)
    assert fans == pytest.approx(tw.tower_fan_design_kw * frac**3, rel=1e-14)  # affinity law
    assert rejected == pytest.approx(q_tower + fans, rel=1e-14)
    # water: E = f Q dt / h_fg with f the latent share of air leaving saturated at the mean water
    # temperature 20 + 5.56/2 °C (docs/physics.md), drift f_d E, blowdown E/(C-1) - D
    f = tower_latent_fraction(24.0, 0.008, 20.0 + 0.5 * pu.cond_delta_t_k, 101325.0)
    evap = f * q_tower * 1000.0 * 60.0 / H_FG_J_PER_KG
    assert out[OUT_WATER_EVAPORATION_L] == pytest.approx(evap, rel=1e-14)
    assert out[OUT_WATER_DRIFT_L] == pytest.approx(tw.tower_drift_fraction * evap, rel=1e-14)
    blow = evap / (tw.tower_cycles - 1.0) - tw.tower_drift_fraction * evap
    assert out[OUT_WATER_BLOWDOWN_L] == pytest.approx(blow, rel=1e-14)
    # dry (freeze protection): the same fans, pumps and heat, no water
    out_dry = np.zeros(N_OUT)
    dry = tower_rejection(p, 100.0, 200.0, 50.0, True, 20.0, 24.0, 0.008, 101325.0, 60.0, out_dry)
    assert dry == (fans, pumps, rejected)
    assert out_dry[OUT_WATER_EVAPORATION_L] == out_dry[OUT_WATER_DRIFT_L] == out_dry[OUT_WATER_BLOWDOWN_L] == 0.0


def test_air_cooled_rejection():
    _, p, _ = _plant(chiller={"condenser_fan_power_ratio": 0.05})
    fans, rejected = air_cooled_rejection(p.chiller, 400.0, 100.0)
    assert fans == pytest.approx(20.0, rel=1e-15) and rejected == pytest.approx(520.0, rel=1e-15)


def test_chilled_water_loop_pump_and_heat_reuse():
    _, p, _ = _plant()
    out = np.zeros(N_OUT)
    q, c_w, t_ret, q_e = chilled_water_loop(p, 500.0, 12.0, 5.0, (0.0, 1.0), out)
    dt_k = p.chiller.chw_delta_t_k
    pump = _pump_kw(500.0, dt_k, p.pumps.chw_pump_pa, p.pumps.pump_efficiency)
    assert out[OUT_PUMPS_KW] == pytest.approx(pump, rel=1e-14)  # the pump's heat goes into the water
    assert q == pytest.approx(500.0 + pump, rel=1e-14) and c_w == pytest.approx(q / dt_k, rel=1e-14)
    assert t_ret == 12.0 + dt_k and q_e == 0.0
    # heat reuse on the chilled-water return takes its evaporator heat out of the loop
    _, p, _ = build_plant(Cooling(), HeatReuse(enabled=True, capacity_kw=200.0), 900.0, 80.0)
    out = np.zeros(N_OUT)
    q2, c_w2, t_ret2, q_e2 = chilled_water_loop(p, 500.0, 12.0, -5.0, (1e6, 1.0), out)
    assert 0.0 < q_e2 <= 200.0 and q_e2 == out[OUT_HEAT_PUMP_EVAPORATOR_KW]
    assert q2 == pytest.approx(q - q_e2, rel=1e-14) and t_ret2 == pytest.approx(12.0 + q2 / c_w2, rel=1e-14)


@pytest.mark.parametrize("t_free, want_mode", [(5.0, MODE_FREE), (15.0, MODE_PARTIAL_FREE), (30.0, MODE_MECHANICAL)])
def test_chilled_water_production_modes_and_balance(t_free, want_mode):
    _, p, state = _plant()
    q_chw, t_s, t_ret = 600.0, 12.0, 18.0
    c_w = q_chw / (t_ret - t_s)
    out = np.zeros(N_OUT)
    mode, q_free, q_free_max, q_unit, p_unit, q_mech, p_ch, cop, unmet = chilled_water_production(
        p, state, True, t_free, 20.0, q_chw, c_w, t_s, t_ret, 20.0, 15.0, 60.0, out)
    assert mode == want_mode
    assert q_unit == p_unit == 0.0 and not out.any()  # no cooling.datasheet_unit: nothing from it
    assert q_free_max == pytest.approx(max(c_w * (t_ret - t_free), 0.0), rel=1e-14)
    assert q_free == pytest.approx(min(q_chw, q_free_max) if mode != MODE_MECHANICAL else 0.0, rel=1e-14)
    assert q_free + q_mech + unmet == pytest.approx(q_chw, rel=1e-12)  # nothing dropped
    assert (p_ch > 0) == (q_mech > 0) and (cop == pytest.approx(q_mech / p_ch) if p_ch > 0 else cop == 0.0)


def test_liquid_loop_dry_cooler_and_trim():
    _, p, _ = build_plant(Cooling(system="liquid"), HeatReuse(), 900.0, 80.0)
    lq = p.liquid
    out = np.zeros(N_OUT)
    q_trim, rejected, q_e = liquid_loop(p, 300.0, 10.0, (0.0, 1.0), out)
    p_l = _pump_kw(300.0, lq.liq_delta_t_k, lq.liq_pump_pa, p.pumps.pump_efficiency)
    q_l = 300.0 + p_l
    c_l = q_l / lq.liq_delta_t_k
    t_fr = lq.liq_supply_c - lq.liq_cdu_approach_k + lq.liq_delta_t_k
    phi = c_l * lq.liq_delta_t_k / lq.liq_dc_design_kw
    eps = 1.0 - math.exp(-p.dry_cooler.dc_ntu_design / max(phi, 0.05))  # eps-NTU, C_r -> 0
    q_dc = min(q_l, c_l * eps * (t_fr - 10.0))
    fan = lq.liq_dc_fan_design_kw * min(q_dc / (c_l * eps * (t_fr - 10.0)), 1.0) ** 3
    assert out[OUT_PUMPS_KW] == pytest.approx(p_l, rel=1e-14) and out[OUT_LIQUID_SUPPLY_C] == lq.liq_supply_c
    assert q_trim == pytest.approx(q_l - q_dc, abs=1e-9) and rejected == pytest.approx(q_dc + fan, rel=1e-12)
    assert out[OUT_FANS_KW] == pytest.approx(fan, rel=1e-12) and q_e == 0.0
    # on a hot day the dry cooler cannot take it all: the rest trims through the chilled water
    out = np.zeros(N_OUT)
    q_trim_hot, _, _ = liquid_loop(p, 300.0, t_fr - 1.0, (0.0, 1.0), out)
    assert q_trim_hot > q_trim


def test_write_plant_outputs_adds_to_what_is_there():
    out = np.zeros(N_OUT)
    out[OUT_FANS_KW], out[OUT_PUMPS_KW] = 1.0, 2.0
    write_plant_outputs(out, MODE_PARTIAL_FREE, 10.0, 3.0, 4.0, 5.5)
    assert (out[OUT_MODE], out[OUT_CHILLER_KW], out[OUT_FANS_KW], out[OUT_PUMPS_KW], out[OUT_CHILLER_COP]) == (
        MODE_PARTIAL_FREE, 10.0, 4.0, 6.0, 5.5)


def test_reuse_heat_writes_the_heat_pump_outputs():
    from dcsim.cooling.outputs import (
        COP_DIRECT,
        OUT_DH_SUPPLY_C,
        OUT_HEAT_AVAILABLE_KW,
        OUT_HEAT_PUMP_COP,
        OUT_HEAT_PUMP_KW,
        OUT_HEAT_SOURCE_C,
    )

    _, p, _ = build_plant(Cooling(), HeatReuse(enabled=True, capacity_kw=300.0), 900.0, 80.0)
    for t_in, t_db in ((30.0, 0.0), (120.0, 10.0)):  # a lift, and a source hotter than the DH supply
        out = np.zeros(N_OUT)
        q_e = reuse_heat(p.heat_reuse, 400.0, t_in, t_in - 6.0, t_db, (1e6, 1.0), out)
        q_ev, q_del, w, cop, t_sup = heatreuse_step(p.heat_reuse, 400.0, t_in, t_in - 6.0, t_db, 1e6)
        assert q_e == q_ev == out[OUT_HEAT_PUMP_EVAPORATOR_KW] and out[OUT_HEAT_REUSED_KW] == q_del
        assert out[OUT_HEAT_PUMP_KW] == w and out[OUT_DH_SUPPLY_C] == t_sup
        assert out[OUT_HEAT_AVAILABLE_KW] == 400.0 and out[OUT_HEAT_SOURCE_C] == t_in
        assert out[OUT_HEAT_PUMP_COP] == min(cop, COP_DIRECT)
    assert w == 0.0 and cop > COP_DIRECT and out[OUT_HEAT_PUMP_COP] == COP_DIRECT  # passed by heat exchanger


def test_air_side_fallback_mode():
    assert air_side_fallback_mode(True, True) == MODE_MECHANICAL
    assert air_side_fallback_mode(True, False) == MODE_EVAPORATIVE
    assert air_side_fallback_mode(False, False) == MODE_FREE


def test_fresh_air_mixing_closes_the_energy_and_moisture_balance():
    """Mixing box + room, quasi-steady (fresh_air_state's docstring, ASHRAE 2017 ch. 1 eqs. 30,
    43-45): x h_o + (1 - x)(h_nom + q/m) + E/m = h_nom, supply W = max(W_o, W_lo)."""
    from dcsim.climate._psychro_scalar import _enthalpy
    from dcsim.cooling.systems.fresh_air import fresh_air_state

    m, q = 60.0, 400.0  # kg/s dry air, kW of room and fan heat
    for t_o, w_o, w_lo, e_steam in ((-10.0, 0.0012, 0.0020, 0.0), (-10.0, 0.0012, 0.0020, 2.9e6), (5.0, 0.004, 0.002, 0.0)):
        x, w_c, h_nom, h_pre, evap, hum, hum_w = fresh_air_state(0, m, q, 18.0, t_o, w_o, t_o - 2.0, w_lo, 0.012, 0.8,
                                                                  e_steam, 0.006)
        assert w_c == max(w_o, w_lo) and h_nom == _enthalpy(18.0, w_c) and h_pre == h_nom
        h_o = _enthalpy(t_o, w_o)
        lhs = x * h_o + (1.0 - x) * (h_nom + q * 1000.0 / m) + hum_w / m
        assert lhs == pytest.approx(h_nom, rel=1e-12)
        assert hum == pytest.approx(m * x * (w_c - w_o), rel=1e-12) and evap == 0.0
        assert hum_w == pytest.approx(hum * e_steam, rel=1e-12)
