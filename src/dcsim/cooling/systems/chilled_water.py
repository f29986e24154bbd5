"""The chilled-water loop shared by the chiller-crah, dry-cooler and liquid systems.

A system step calls, in this order:

1. :func:`chilled_water_loop`: the loop's pump on the load, and heat reuse on the
   chilled-water return (``heat_reuse.source = "chilled-water"``), giving the load the plant
   must produce, the loop's capacity rate and its return temperature;
2. its own free-cooling source (waterside economiser on a tower, or a dry cooler) as a
   temperature the loop could be cooled to for free;
3. :func:`chilled_water_production`: mode choice (free, partial-free, mechanical; Stein 2009),
   the datasheet unit on what the free cooling left
   (:func:`dcsim.cooling.datasheet_unit.datasheet_unit_step`) and the compressors
   (:func:`dcsim.cooling.chiller.mechanical_cooling`) on the rest;
4. its heat rejection (:func:`tower_rejection` or :func:`air_cooled_rejection`, plus the dry
   cooler of the dry-cooler system, plus the datasheet unit's heat and electricity), and its
   reported mode (:func:`dcsim.cooling.datasheet_unit.datasheet_unit_mode`).
"""

from __future__ import annotations

from ..._jitcache import njit

from ...heatreuse.heatpump import SOURCE_CHILLED_WATER
from .. import MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from ..chiller import mechanical_cooling
from ..control import active_mode, select_mode
from ..datasheet_unit import datasheet_unit_step
from ..fans import fan_power_kw, speed_fraction_clamped
from ..heat_rejection import tower_evaporated_fraction, tower_water_kg
from ..outputs import (
    OUT_CHILLER_COP,
    OUT_CHILLER_KW,
    OUT_DATASHEET_UNIT_HEAT_KW,
    OUT_DATASHEET_UNIT_KW,
    OUT_FANS_KW,
    OUT_MODE,
    OUT_PUMPS_KW,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_EVAPORATION_L,
    reuse_heat,
)
from ..pumps import pump_power_kw


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def chilled_water_loop(p, q_loop_kw, t_chw_c, t_db_c, dh, out):
    """The chilled-water loop carrying ``q_loop_kw`` (coil heat, other heat, liquid trim) at
    supply ``t_chw_c``: the pump's power (:func:`dcsim.cooling.pumps.pump_power_kw`, its heat
    into the water) and heat reuse on the return. Returns (q_chw_kw, c_w_kw_per_k, t_ret_c,
    q_reused_kw): load left for the plant, capacity rate, return temperature and the heat the
    heat pump took (0 unless heat reuse draws on the chilled water)."""
    pu = p.pumps
    dt_k = p.chiller.chw_delta_t_k
    p_chw = pump_power_kw(q_loop_kw, dt_k, pu.chw_pump_pa, pu.pump_efficiency)
    out[OUT_PUMPS_KW] += p_chw
    q_chw = q_loop_kw + p_chw
    c_w = q_chw / dt_k
    t_ret = t_chw_c + dt_k
    q_e = 0.0
    if p.heat_reuse.source == SOURCE_CHILLED_WATER:
        q_e = reuse_heat(p.heat_reuse, q_chw, t_ret, t_chw_c, t_db_c, dh, out)
        q_chw -= q_e
        if c_w > 0.0:
            t_ret = t_chw_c + q_chw / c_w
    return q_chw, c_w, t_ret, q_e


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def chilled_water_production(p, state, has_free, t_free_c, t_condenser_source_c, q_chw, c_w, t_s, t_ret, t_db_c,
                             t_wb_c, dt_s, out):
    """Mode, datasheet unit and compressors of a chilled-water plant whose free cooling could
    bring the loop to ``t_free_c``. The candidate mode is free when t_free <= t_s - deadband,
    partial-free when t_free < t_ret - deadband, else mechanical; the active mode is kept while
    it still works (:func:`dcsim.cooling.control.select_mode`). The datasheet unit
    (``cooling.datasheet_unit``, :func:`dcsim.cooling.datasheet_unit.datasheet_unit_step`, at
    outdoor ``t_db_c`` / ``t_wb_c``) takes the load the free cooling left, in any mode; the
    compressors carry the rest unless the mode is free. Writes the unit's power, heat and water
    to ``out``. Returns (mode, q_free_kw, q_free_max_kw, q_unit_kw, unit_kw, q_mech_kw,
    compressor_kw, cop, unmet_kw)."""
    q_free_max = c_w * (t_ret - t_free_c) if t_ret > t_free_c else 0.0
    db = p.control.mode_deadband_k
    has_mech = p.chiller.mech_capacity_kw > 0.0
    if not has_free:
        cand = MODE_MECHANICAL
    elif not has_mech:
        cand = MODE_FREE
    elif t_free_c <= t_s - db:
        cand = MODE_FREE
    elif t_free_c < t_ret - db:
        cand = MODE_PARTIAL_FREE
    else:
        cand = MODE_MECHANICAL
    cur = active_mode(state, has_free, False, has_free and has_mech, has_mech)
    if cur == MODE_FREE:
        cur_ok = has_free and t_free_c <= t_s
    elif cur == MODE_PARTIAL_FREE:
        cur_ok = has_free and has_mech and t_free_c < t_ret
    else:
        cur_ok = has_mech
    mode = select_mode(state, cand, cur_ok, dt_s, p.control.min_mode_time_s)

    q_free = 0.0
    if mode == MODE_FREE or mode == MODE_PARTIAL_FREE:
        q_free = q_chw if q_chw < q_free_max else q_free_max
    q_unit, p_unit, w_unit = datasheet_unit_step(p.datasheet_unit, q_chw - q_free, t_db_c, t_wb_c, dt_s)
    out[OUT_DATASHEET_UNIT_KW] = p_unit
    out[OUT_DATASHEET_UNIT_HEAT_KW] = q_unit
    out[OUT_WATER_EVAPORATION_L] += w_unit
    q_req = q_chw - q_free - q_unit if mode != MODE_FREE else 0.0
    q_mech, p_ch, cop = mechanical_cooling(p.chiller, q_req, t_s, t_condenser_source_c)
    unmet = q_chw - q_free - q_unit - q_mech
    if unmet < 0.0:
        unmet = 0.0
    return mode, q_free, q_free_max, q_unit, p_unit, q_mech, p_ch, cop, unmet


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def tower_rejection(p, q_free, q_mech, p_ch, dry, t_cold_water_c, t_db_c, w_out, p_pa, dt_s, out):
    """Condenser-water pump, cooling-tower fans (affinity law on the tower's load fraction,
    :func:`dcsim.cooling.fans.fan_power_kw`) and tower water for the economiser's and the
    chillers' heat: the share that evaporates from the air's sensible/latent split
    (:func:`dcsim.cooling.heat_rejection.tower_evaporated_fraction`, nothing when the tower
    runs dry: ``dry``) with the tower's water leaving at ``t_cold_water_c`` and the condenser
    loop's ΔT as its range, outdoor air (``t_db_c``, ``w_out``, ``p_pa``) entering; then
    evaporation, drift and blowdown (:func:`dcsim.cooling.heat_rejection.tower_water_kg`).
    Returns (fans_kw, pumps_kw, rejected_kw)."""
    tw = p.tower
    pu = p.pumps
    q_cond = q_free + q_mech + p_ch
    p_cw = pump_power_kw(q_cond, pu.cond_delta_t_k, pu.cond_pump_pa, pu.pump_efficiency)
    q_tower = q_cond + p_cw
    frac = q_tower / tw.tower_design_kw if tw.tower_design_kw > 0.0 else 1.0
    fans = fan_power_kw(tw.tower_fan_design_kw, speed_fraction_clamped(frac))
    f_evap = tower_evaporated_fraction(tw, dry, t_cold_water_c, pu.cond_delta_t_k, t_db_c, w_out, p_pa)
    evap, drift, blow = tower_water_kg(q_tower, dt_s, f_evap, tw.tower_drift_fraction, tw.tower_cycles)
    out[OUT_WATER_EVAPORATION_L] += evap
    out[OUT_WATER_DRIFT_L] += drift
    out[OUT_WATER_BLOWDOWN_L] += blow
    return fans, p_cw, q_tower + fans


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def air_cooled_rejection(ch, q_mech, p_ch):
    """Air-cooled condenser: fans at ``condenser_fan_power_ratio`` W per W of cooling (EnergyPlus
    'Condenser Fan Power Ratio'). Returns (fans_kw, rejected_kw)."""
    fans = ch.condenser_fan_power_ratio * q_mech
    return fans, q_mech + p_ch + fans


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def write_plant_outputs(out, mode, compressor_kw, fans_kw, pumps_kw, cop):
    """Write a chilled-water plant's mode, compressor COP, and add its compressor, fan and pump
    power to what the step wrote before (liquid loop, loop pump)."""
    out[OUT_MODE] = mode
    out[OUT_CHILLER_KW] += compressor_kw
    out[OUT_FANS_KW] += fans_kw
    out[OUT_PUMPS_KW] += pumps_kw
    out[OUT_CHILLER_COP] = cop
