"""indirect-evaporative: an air-to-air heat exchanger between the return air and outdoor
(scavenger) air, dry (free) or with the scavenger side wetted (evaporative), DX trim
(partial-free) or DX alone (mechanical). Equations in docs/physics.md."""

from __future__ import annotations

from collections import namedtuple

from ..._jitcache import njit

from .. import MODE_EVAPORATIVE, MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from ..chiller import mechanical_cooling
from ..control import active_mode, air_side_fallback_mode, select_mode
from ..fans import fan_power_kw, speed_fraction_clamped
from ..heat_rejection import H_FG_J_PER_KG, indirect_evaporative_outlet_c
from ..outputs import (
    OUT_CHILLER_COP,
    OUT_CHILLER_KW,
    OUT_FANS_KW,
    OUT_MODE,
    OUT_PUMPS_KW,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_EVAPORATION_L,
    reuse_heat,
)

#: The indirect evaporative unit: heat-exchanger effectiveness dry and wet, scavenger fans,
#: spray water.
IndirectEvaporativeParams = namedtuple(
    "IndirectEvaporativeParams",
    [
        "iec_eps_dry",
        "iec_eps_wet",
        "iec_fan_design_kw",
        "iec_cycles",  # cycles of concentration of the spray water
        "adiabatic_pump_j_per_kg",  # spray pump electricity per kg of water evaporated
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def _iec_mode(p, state, q, t_target, t_pi, t_wb_c, t_out_dry, t_out_wet, dt_s):
    """Cheapest mode that holds the setpoint with the deadband's margin, kept while the active
    one still holds it (:func:`dcsim.cooling.control.select_mode`)."""
    e_w = p.indirect_evaporative.iec_eps_wet
    has_mech = p.chiller.mech_capacity_kw > 0.0
    db = p.control.mode_deadband_k
    if q <= 0.0 or t_out_dry <= t_target - db:
        cand = MODE_FREE
    elif e_w > 0.0 and t_out_wet <= t_target - db:
        cand = MODE_EVAPORATIVE
    elif has_mech and t_wb_c < t_pi - db:
        cand = MODE_PARTIAL_FREE
    else:
        cand = air_side_fallback_mode(e_w > 0.0, has_mech)
    cur = active_mode(state, True, e_w > 0.0, has_mech, has_mech)
    if cur == MODE_FREE:
        cur_ok = q <= 0.0 or t_out_dry <= t_target
    elif cur == MODE_EVAPORATIVE:
        cur_ok = q <= 0.0 or t_out_dry <= t_target or (e_w > 0.0 and t_out_wet <= t_target)
    elif cur == MODE_PARTIAL_FREE:
        cur_ok = has_mech and t_wb_c < t_pi
    else:
        cur_ok = has_mech
    return select_mode(state, cand, cur_ok, dt_s, p.control.min_mode_time_s)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def indirect_evaporative_step(p, state, q_coil, q_aux, mcp, t_return_c, t_target, t_chw, t_db_c, t_wb_c, dh,
                              dt_s, out):
    """One step of the indirect evaporative unit (air capacity rate ``mcp`` kW/K). The primary
    air leaves the exchanger at T_in - eps (T_in - T_sec), T_sec the outdoor dry bulb (dry) or
    wet bulb (wet) (:func:`dcsim.cooling.heat_rejection.indirect_evaporative_outlet_c`); the
    water evaporated carries the wet mode's heat (h_fg). Heat reuse on the return air.
    Returns (unmet_kw, rejected_kw, q_mech_kw, q_reused_kw)."""
    iec = p.indirect_evaporative
    q_e = reuse_heat(p.heat_reuse, q_coil, t_return_c, t_target, t_db_c, dh, out)
    q = q_coil - q_e
    t_pi = t_target + q / mcp
    e_d = iec.iec_eps_dry
    e_w = iec.iec_eps_wet
    q_dry_max = mcp * e_d * (t_pi - t_db_c) if t_pi > t_db_c else 0.0
    q_wet_max = mcp * e_w * (t_pi - t_wb_c) if t_pi > t_wb_c else 0.0
    t_out_dry = indirect_evaporative_outlet_c(t_pi, t_db_c, e_d)
    t_out_wet = indirect_evaporative_outlet_c(t_pi, t_wb_c, e_w)
    mode = _iec_mode(p, state, q, t_target, t_pi, t_wb_c, t_out_dry, t_out_wet, dt_s)
    q_hx = 0.0
    evap = 0.0
    frac = 0.0
    if mode != MODE_MECHANICAL:
        if q <= q_dry_max or mode == MODE_FREE or e_w <= 0.0:
            q_hx = q if q < q_dry_max else q_dry_max
            frac = q_hx / q_dry_max if q_dry_max > 0.0 else 0.0
        else:
            q_hx = q if q < q_wet_max else q_wet_max
            frac = q_hx / q_wet_max if q_wet_max > 0.0 else 0.0
            evap = q_hx * 1000.0 / H_FG_J_PER_KG
    q_dx_req = q - q_hx if (mode == MODE_PARTIAL_FREE or mode == MODE_MECHANICAL) else 0.0
    q_mech, p_dx, cop = mechanical_cooling(p.chiller, q_dx_req, t_chw, t_db_c)
    unmet = q - q_hx - q_mech
    if unmet < 0.0:
        unmet = 0.0
    fan = fan_power_kw(iec.iec_fan_design_kw, speed_fraction_clamped(frac))
    pump = iec.adiabatic_pump_j_per_kg * evap / 1000.0
    blow = evap / (iec.iec_cycles - 1.0) if iec.iec_cycles > 1.0 else 0.0
    rejected = q_hx + fan + pump + q_mech + p_dx + q_aux
    out[OUT_MODE] = mode
    out[OUT_CHILLER_KW] += p_dx
    out[OUT_CHILLER_COP] = cop
    out[OUT_FANS_KW] += fan
    out[OUT_PUMPS_KW] += pump
    out[OUT_WATER_EVAPORATION_L] += evap * dt_s
    out[OUT_WATER_BLOWDOWN_L] += blow * dt_s
    return unmet, rejected, q_mech, q_e
