"""fresh-air: direct outdoor air with return-air mixing, humidification (adiabatic or steam) to
the ASHRAE minimum dew point and RH, direct evaporative assist in summer (up to the maximum
dew point and RH), DX trim, or closed dampers with full DX (mechanical). Equations in
docs/physics.md; moist-air states by :mod:`dcsim.climate.psychro` (ASHRAE 2017 ch. 1)."""

from __future__ import annotations

from collections import namedtuple

from ..._jitcache import njit

from ...climate._psychro_scalar import _drybulb_from_enthalpy, _enthalpy, _pws, _w_from_enthalpy, _w_from_pw
from ...units import AIR_CP_J_PER_KG_K
from .. import MODE_EVAPORATIVE, MODE_FREE, MODE_PARTIAL_FREE
from ..chiller import mechanical_cooling
from ..control import S_SUPPLY_W, active_mode, air_side_fallback_mode, mode_rank, select_mode
from ..heat_rejection import direct_evaporative_outlet_c
from ..outputs import (
    OUT_CHILLER_COP,
    OUT_CHILLER_KW,
    OUT_FANS_KW,
    OUT_HUMIDIFIER_KW,
    OUT_MODE,
    OUT_OUTDOOR_AIR_FRACTION,
    OUT_PUMPS_KW,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_HUMIDIFICATION_L,
    reuse_heat,
)

#: The fresh-air unit: evaporative media, relief fans, humidifier and the humidity envelope.
FreshAirParams = namedtuple(
    "FreshAirParams",
    [
        "fa_evap_effectiveness",
        "fa_relief_kw_per_m3_s",
        "fa_steam_j_per_kg",  # electricity per kg of steam; 0 = adiabatic humidifier
        "adiabatic_pump_j_per_kg",  # pump electricity per kg of water sprayed/evaporated
        "min_dewpoint_c",
        "min_rh_pct",
        "max_dewpoint_c",
        "max_rh_pct",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def ashrae_humidity_bounds(fa, t_supply_c, p_pa):
    """(W_lo, W_hi) at the supply: W_lo = max(W(min dew point), W(min RH at supply)),
    W_hi = min(W(max dew point), W(max RH at supply)), kg/kg (ASHRAE TC9.9 envelopes;
    W from vapour pressure by ASHRAE 2017 ch. 1 eq. 20)."""
    pws = _pws(t_supply_c)
    w_lo = _w_from_pw(_pws(fa.min_dewpoint_c), p_pa)
    w_rh = _w_from_pw(0.01 * fa.min_rh_pct * pws, p_pa)
    if w_rh > w_lo:
        w_lo = w_rh
    w_hi = _w_from_pw(_pws(fa.max_dewpoint_c), p_pa)
    w_rh = _w_from_pw(0.01 * fa.max_rh_pct * pws, p_pa)
    if w_rh < w_hi:
        w_hi = w_rh
    return w_lo, w_hi


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _evaporated_state(h_o, t_o, w_o, t_wb, t_target_c, w_lo, w_hi, eps):
    """Outdoor air cooled along its constant-enthalpy line by evaporative media to
    T_db - eps (T_db - T_wb) (:func:`dcsim.cooling.heat_rejection.direct_evaporative_outlet_c`),
    not below the target or past W_hi. Returns (t_e, w_e)."""
    t_e = direct_evaporative_outlet_c(t_o, t_wb, eps)
    t_hi = _drybulb_from_enthalpy(h_o, w_hi)
    if t_e < t_hi:
        t_e = t_hi
    if t_e < t_target_c:
        t_e = t_target_c
    if t_e > t_o:
        t_e = t_o
    w_e = _w_from_enthalpy(h_o, t_e)
    if w_e < w_o:
        w_e = w_o
    if w_e < w_lo:
        w_e = w_lo
    return t_e, w_e


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def fresh_air_state(level, m, q_kw, t_target_c, t_o, w_o, t_wb, w_lo, w_hi, eps, e_steam, w_prev):
    """State of the air leaving a fresh-air unit's mixing box, humidifier and evaporative
    media (before any DX trim), for a capability level 0 free, 1 evaporative, 2 partial,
    3 mechanical (dampers closed): the levels are :func:`dcsim.cooling.control.mode_rank`.

    Quasi-steady moisture balance (no moisture sources in the room, return W = supply W):
    with outdoor-air fraction x > 0 the supply humidity ratio is W_o, or the minimum W_lo
    after humidifying the outdoor air. Energy balance of mixing box + room (enthalpy h per kg
    of dry air, m dry-air flow, q room and fan heat): x h_c = x h_o + (1 - x) q/m + E/m with E
    the steam humidifier's energy, so x = (q/m) / (h_c - h_o - e dW + q/m) (ASHRAE 2017 ch. 1
    eqs. 30 and 43-45, mixing of two streams). When outdoor air is too warm for mixing
    (denominator <= q/m) the unit runs on 100 % outdoor air, cooled along its constant-enthalpy
    line by evaporative media (:func:`_evaporated_state`).

    Returns (x, W_c, h_nominal, h_before_trim, evaporated_kg_s, humidifier_kg_s,
    humidifier_w): h_nominal = h(t_target, W_c) is the state that holds the setpoint.
    """
    if level == 3 or q_kw <= 0.0:
        h_nom = _enthalpy(t_target_c, w_prev)
        if level == 3:
            return 0.0, w_prev, h_nom, h_nom + q_kw * 1000.0 / m, 0.0, 0.0, 0.0
        return 0.0, w_prev, h_nom, h_nom, 0.0, 0.0, 0.0
    h_o = _enthalpy(t_o, w_o)
    w_c = w_o if w_o >= w_lo else w_lo
    dw = w_c - w_o
    h_nom = _enthalpy(t_target_c, w_c)
    qm = q_kw * 1000.0 / m
    d = h_nom - h_o - e_steam * dw
    if d > 0.0:
        x = qm / (d + qm)
        hum = m * x * dw
        return x, w_c, h_nom, h_nom, 0.0, hum, hum * e_steam
    if level >= 1 and eps > 0.0:
        d_ad = h_nom - h_o
        if d_ad > 0.0:  # the steam's energy was too much: humidify adiabatically on the pads
            x = qm / (d_ad + qm)
            return x, w_c, h_nom, h_nom, m * x * dw, 0.0, 0.0
        _, w_e = _evaporated_state(h_o, t_o, w_o, t_wb, t_target_c, w_lo, w_hi, eps)
        h_nom = _enthalpy(t_target_c, w_e)
        return 1.0, w_e, h_nom, h_o, m * (w_e - w_o), 0.0, 0.0
    return 1.0, w_c, h_nom, h_o + e_steam * dw, 0.0, m * dw, m * dw * e_steam


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def fresh_air_level_holds(level, margin_k, m, q_kw, t_target_c, t_o, w_o, t_wb, w_lo, w_hi, eps, e_steam, has_mech):
    """Can capability ``level`` (see :func:`fresh_air_state`) hold t_target - margin without
    breaking the humidity limits?"""
    if level == 3:
        return has_mech
    if w_o > w_hi:
        return False
    if q_kw <= 0.0:
        return True
    h_o = _enthalpy(t_o, w_o)
    w_c = w_o if w_o >= w_lo else w_lo
    dw = w_c - w_o
    h_n = _enthalpy(t_target_c - margin_k, w_c)
    if level == 0:
        return h_n - h_o - e_steam * dw > 0.0
    if level == 1:
        if eps <= 0.0:
            return False
        if h_n - h_o > 0.0:
            return True
        t_e = direct_evaporative_outlet_c(t_o, t_wb, eps)
        t_hi = _drybulb_from_enthalpy(h_o, w_hi)
        if t_e < t_hi:
            t_e = t_hi
        return t_e <= t_target_c - margin_k
    # partial: outdoor air (after evaporative media) is worth cooling instead of return air
    if not has_mech:
        return False
    h_r = _enthalpy(t_target_c, w_c) + q_kw * 1000.0 / m
    return h_o < h_r - margin_k * AIR_CP_J_PER_KG_K


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _fresh_air_mode(p, state, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, dt_s):
    """The cheapest level that holds the setpoint with the deadband's margin, kept while the
    active one still holds it (:func:`dcsim.cooling.control.select_mode`)."""
    fa = p.fresh_air
    eps = fa.fa_evap_effectiveness
    e_st = fa.fa_steam_j_per_kg
    has_mech = p.chiller.mech_capacity_kw > 0.0
    db = p.control.mode_deadband_k
    if fresh_air_level_holds(0, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
        cand = MODE_FREE
    elif fresh_air_level_holds(1, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
        cand = MODE_EVAPORATIVE
    elif fresh_air_level_holds(2, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
        cand = MODE_PARTIAL_FREE
    else:
        cand = air_side_fallback_mode(eps > 0.0, has_mech)
    cur = active_mode(state, True, eps > 0.0, has_mech, has_mech)
    cur_ok = cur >= 0 and fresh_air_level_holds(mode_rank(cur), 0.0, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi,
                                                eps, e_st, has_mech)
    return select_mode(state, cand, cur_ok, dt_s, p.control.min_mode_time_s)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def fresh_air_step(p, state, q_coil, q_aux, crah_flow_m3_s, m, t_return_c, t_target, t_supply_set_c, t_chw, t_db_c, w_out,
                   t_wb_c, p_pa, dh, dt_s, out):
    """One step of the fresh-air unit (dry-air flow ``m`` kg/s). Heat reuse on the return air.
    Returns (unmet_kw, rejected_kw, q_mech_kw, q_reused_kw, t_supply_c, w_supply)."""
    fa = p.fresh_air
    q_e = reuse_heat(p.heat_reuse, q_coil, t_return_c, t_target, t_db_c, dh, out)
    q = q_coil - q_e
    w_lo, w_hi = ashrae_humidity_bounds(fa, t_supply_set_c, p_pa)
    mode = _fresh_air_mode(p, state, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, dt_s)
    level = mode_rank(mode)
    e_st = fa.fa_steam_j_per_kg
    x, w_c, h_nom, h_pre, evap, hum, hum_w = fresh_air_state(level, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi,
                                                              fa.fa_evap_effectiveness, e_st, state[S_SUPPLY_W])
    q_dx_req = 0.0
    if level >= 2:
        q_dx_req = m * (h_pre - h_nom) / 1000.0
        if q_dx_req < 0.0:
            q_dx_req = 0.0
    q_mech, p_dx, cop = mechanical_cooling(p.chiller, q_dx_req, t_chw, t_db_c)
    unmet = m * (h_pre - h_nom) / 1000.0 - q_mech if level >= 2 else m * (h_pre - h_nom) / 1000.0
    if unmet < 0.0:
        unmet = 0.0
    h_act = h_pre - q_mech * 1000.0 / m
    t_supply = t_supply_set_c + (_drybulb_from_enthalpy(h_act, w_c) - t_target)
    relief = fa.fa_relief_kw_per_m3_s * x * crah_flow_m3_s
    pad_pump = fa.adiabatic_pump_j_per_kg * evap / 1000.0
    if e_st > 0.0:
        hum_kw = hum_w / 1000.0
        hum_pump = 0.0
    else:
        hum_kw = fa.adiabatic_pump_j_per_kg * hum / 1000.0
        hum_pump = hum_kw
    exhaust = x * (m * (h_nom - _enthalpy(t_db_c, w_out)) / 1000.0 + q)
    rejected = exhaust + q_mech + p_dx + relief + pad_pump + hum_pump + q_aux
    out[OUT_MODE] = mode
    out[OUT_CHILLER_KW] += p_dx
    out[OUT_CHILLER_COP] = cop
    out[OUT_FANS_KW] += relief
    out[OUT_PUMPS_KW] += pad_pump
    out[OUT_HUMIDIFIER_KW] += hum_kw
    out[OUT_WATER_EVAPORATION_L] += evap * dt_s
    out[OUT_WATER_HUMIDIFICATION_L] += hum * dt_s
    out[OUT_OUTDOOR_AIR_FRACTION] = x
    state[S_SUPPLY_W] = w_c
    return unmet, rejected, q_mech, q_e, t_supply, w_c
