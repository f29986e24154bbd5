"""The facility cooling plant: one compiled step function for every cooling system.

Interface (stable; the facility kernel calls it once per time step)
==================================================================

``code, params, state = build_plant(cooling, electrical, heat_reuse, design_it_kw,
design_crah_flow_m3_s, *, ashrae_class="A1", design_liquid_kw=None)`` (Python) validates and
converts the scenario sections (``dcsim.scenario.facility``) into

- ``code``: int, the system (:data:`SYSTEM_CODES`: chiller-crah 0, dry-cooler 1, fresh-air 2,
  indirect-evaporative 3, liquid 4);
- ``params``: a :class:`PlantParams` namedtuple of floats and float64 arrays, with the nested
  ``params.heat_reuse`` (:class:`dcsim.heatreuse.HeatReuseParams`) and ``params.electrical``
  (:class:`dcsim.electrical.chain.ElectricalParams`);
- ``state``: float64[N_STATE] to carry from step to step (indices ``S_*`` in
  :mod:`dcsim.cooling.control`: active mode, time in mode, supply humidity ratio, number of
  mode changes). Copy it for each independent run.

``plant_step(code, params, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c,
q_liquid_kw, q_aux_kw, t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, dt_s, out)`` (``@njit``)
advances one step and writes ``out`` (float64[N_OUT], indices ``OUT_*`` below). Inputs:

- ``q_coil_kw``: sensible heat the air handlers must take out of the air stream to deliver
  ``t_supply_set_c``: rho c_p V (t_return - t_supply_set) + air-handler fan heat (>= 0);
- ``crah_flow_m3_s``: air-handler flow (rho = 1.2 kg/m3, c_p = 1006 J/(kg K), as in
  ``dcsim.units``); ``t_return_c``: air entering the air handlers (before their fans);
  the fan temperature rise is taken as q_coil/(m c_p) - (t_return - t_supply_set);
- ``q_liquid_kw``: heat into the direct-to-chip water loop (system ``liquid``; other systems
  add it to ``q_aux_kw``); ``q_aux_kw``: other heat the plant must remove, e.g. UPS/PDU losses
  and lighting (``E_HEAT_TO_PLANT_KW`` of the electrical chain). Chilled-water systems take it
  into the chilled-water loop; air-side systems (fresh-air, indirect-evaporative) vent it;
- outdoor dry bulb ``t_db_c``, humidity ratio ``w_out`` (kg/kg), wet bulb ``t_wb_c``,
  pressure ``p_pa``;
- ``dh_demand_kw``: heat the district-heating network takes this step
  (:func:`dcsim.heatreuse.dh_demand_kw_series`; 0 when heat reuse is off); ``dt_s``: step.

Energy conservation, every step, every system and mode (tested on random inputs)::

    OUT_HEAT_REJECTED_KW + OUT_HEAT_REUSED_KW
        = OUT_HEAT_REMOVED_KW + OUT_PLANT_KW
    OUT_HEAT_REMOVED_KW = q_coil + q_liquid + q_aux - OUT_UNMET_KW

All plant electricity (compressors, fans, pumps, humidifier, heat pump) ends as heat in a
stream that leaves to outdoors or to the district-heating network. ``OUT_UNMET_KW`` is load
the plant could not remove this step (capacity short, or a mode held by the minimum mode time
while it cannot meet the load): the supply air is then warmer than the setpoint
(``OUT_SUPPLY_AIR_C`` > setpoint). That heat stays in the air and comes back in the next
step's return air, so a room model that feeds the achieved supply temperature back closes the
balance over a run. Load is never dropped silently.

Systems (issue 5 item 3; equations and sources in docs/physics.md):

- chiller-crah: chilled-water loop (pumps P = dp V / eta), chiller (Carnot fraction or DOE-2
  EIR curves, e.g. McQuay PFH 2124 kW), air-cooled condenser (the original walking-skeleton
  behaviour) or water-cooled with a cooling tower (evaporation, drift, blowdown) and an
  optional waterside economiser (Stein 2009 modes free / partial / mechanical);
- dry-cooler: the same loop, a dry cooler in series on the chilled-water return ahead of an
  air-cooled chiller: free, partial and mechanical modes;
- fresh-air: direct outdoor air with return-air mixing, humidification (adiabatic or steam)
  to the ASHRAE minimum dew point and RH, direct evaporative assist in summer (up to the
  maximum dew point and RH), DX trim, or closed dampers with full DX (mechanical);
- indirect-evaporative: air-to-air heat exchanger, dry (free) and wet (evaporative) modes,
  DX trim (partial) or DX alone (mechanical);
- liquid: direct-to-chip loop (supply ~40 °C) rejected by its own dry cooler, excess trimmed
  through the chilled-water plant; the air side is the dry-cooler system.

Heat reuse (``params.heat_reuse``): a heat pump on the return air, the chilled-water return or
the liquid-loop return takes heat before the plant (which then rejects less), lifts it to the
DH supply temperature and delivers evaporator heat + its electricity.

Integration with the facility kernel (one way to do it)
-------------------------------------------------------
- ``build_plant(..., design_it_kw=IT at full load, design_crah_flow_m3_s=design CRAH flow,
  ashrae_class=room.ashrae_class, design_heat_kw=the engine's design heat)`` once; copy
  ``state`` per run. ``params.electrical`` feeds :func:`dcsim.electrical.chain.electrical_step`.
- Per step: ``electrical_step(it_kw, mech_kw_prev, params.electrical, e_out)`` gives the UPS/PDU
  and lighting heat (``E_HEAT_TO_PLANT_KW`` -> ``q_aux_kw``); ``plant_step(...)``; then
  ``electrical_step(it_kw, OUT_PLANT_KW + CRAH fans, ...)`` for the losses and the facility
  power (``E_FACILITY_KW``; add the transformer loss to heat rejected).
- Room node: pass the coil heat that would hold the setpoint; the coil takes
  ``q_coil - OUT_UNMET_KW`` and the unmet heat stays in the room air (stored).
- ``liquid``: ``q_liquid_kw = cooling.liquid.share`` x the servers' heat, the rest to the air.
- Heat reuse: ``dh_demand_kw`` from :func:`dcsim.heatreuse.dh_demand_kw_series` (zeros when
  off); facility energy includes ``OUT_HEAT_PUMP_KW``; ``heat_reused_kw = OUT_HEAT_REUSED_KW``.
- Columns: ``cooling_mode = OUT_MODE`` (codes :data:`dcsim.cooling.COOLING_MODES`),
  ``water_l_per_h = OUT_WATER_TOTAL_L * 3600 / dt``; ``free_cooling_hours`` from
  :data:`dcsim.cooling.MODE_FREE_WEIGHT` by mode, or the exact share ``OUT_FREE_FRACTION``.

Cost: measured 170-450 ns per call on a shared, loaded 2-core machine, 13-16 times one
saturation-pressure evaluation (``_pws``) timed in the same run (0.1-0.3 s per simulated year
at 60 s steps); one cold compile about 12 s. Parameters are floats and float tuples only
(no arrays: see :mod:`dcsim.cooling.tables`), so every scenario compiles to one signature.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit

from ..climate.psychro import _dewpoint_from_pw, _dln_pws, _ln_pws, _pw_from_w, _pws, _w_from_pw
from ..electrical.chain import ElectricalParams, build_electrical
from ..heatreuse.heatpump import (
    COP_MODELS,
    SOURCE_CHILLED_WATER,
    SOURCE_CODES,
    SOURCE_LIQUID_LOOP,
    SOURCE_RETURN_AIR,
    HeatReuseParams,
    disabled_heat_reuse_params,
    heatreuse_step,
)
from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3
from . import MODE_EVAPORATIVE, MODE_FREE, MODE_MECHANICAL, MODE_PARTIAL_FREE
from .chiller import biquadratic, carnot_cop, condensing_temperature_c, eir_chiller, pump_power_kw
from .control import N_STATE, S_DEW_C, S_DEW_PW, S_MODE, S_MODE_CHANGES, S_MODE_TIME_S, S_SUPPLY_W, select_mode
from .tables import float_tuple, pad_table
from .heat_rejection import (
    H_FG_J_PER_KG,
    cube_law_fan_kw,
    drycooler_effectiveness,
    ntu_from_effectiveness,
    tower_leaving_water_c,
    tower_water_kg,
)

__all__ = [
    "SYSTEM_CODES",
    "SYSTEM_CHILLER_CRAH",
    "SYSTEM_DRY_COOLER",
    "SYSTEM_FRESH_AIR",
    "SYSTEM_INDIRECT_EVAPORATIVE",
    "SYSTEM_LIQUID",
    "PlantParams",
    "OUT_FIELDS",
    "N_OUT",
    "N_STATE",
    "build_plant",
    "plant_step",
    "ashrae_humidity_limits",
]

SYSTEM_CHILLER_CRAH = 0
SYSTEM_DRY_COOLER = 1
SYSTEM_FRESH_AIR = 2
SYSTEM_INDIRECT_EVAPORATIVE = 3
SYSTEM_LIQUID = 4
SYSTEM_CODES = {
    "chiller-crah": SYSTEM_CHILLER_CRAH,
    "dry-cooler": SYSTEM_DRY_COOLER,
    "fresh-air": SYSTEM_FRESH_AIR,
    "indirect-evaporative": SYSTEM_INDIRECT_EVAPORATIVE,
    "liquid": SYSTEM_LIQUID,
}

#: Names of the plant_step outputs, in index order (OUT_<NAME upper> constants below).
OUT_FIELDS = (
    "cooling_mode",  # mode code (dcsim.cooling.COOLING_MODES)
    "chiller_power_kw",  # compressors: chillers, DX trim
    "heat_rejection_fan_kw",  # tower, dry-cooler, condenser, scavenger and relief fans
    "pump_power_kw",  # chilled-water, condenser/glycol, liquid-loop and evaporative-pad pumps
    "humidifier_power_kw",  # steam humidifier, or the pump of an adiabatic humidifier
    "heat_pump_power_kw",  # heat-reuse heat pump
    "cooling_power_kw",  # chiller + fans + pumps + humidifier (not CRAH fans, not heat pump)
    "plant_power_kw",  # cooling_power + heat pump: all electricity of this function
    "water_evaporation_l",  # over the step (tower, evaporative pads, wet heat exchanger)
    "water_drift_l",
    "water_blowdown_l",
    "water_humidification_l",
    "water_total_l",
    "supply_air_c",  # achieved (>= setpoint when short of capacity)
    "supply_humidity_ratio",  # kg/kg
    "supply_dewpoint_c",
    "supply_rh_pct",
    "liquid_supply_c",  # liquid loop supply to the chips (liquid system), else 0
    "unmet_kw",
    "heat_removed_kw",  # q_coil + q_liquid + q_aux - unmet
    "mechanical_cooling_kw",  # heat removed by compressors
    "free_cooling_kw",  # heat removed with neither compressors nor heat pump
    "free_fraction",  # free_cooling / heat_removed (0 with no load)
    "chiller_cop",  # cooling COP of the compressors this step (0 when off)
    "outdoor_air_fraction",  # fresh-air share of the supply air (fresh-air system)
    "heat_rejected_kw",  # to outdoors
    "heat_reused_kw",  # delivered to district heating (evaporator heat + heat pump power)
    "heat_pump_cop",  # heating COP (0 off; 99 when passed by heat exchanger without lift)
    "heat_available_kw",  # heat in the reuse source stream (also when heat reuse is off)
    "heat_source_c",  # temperature of that stream
    "dh_supply_c",  # district-heating supply temperature
    "heat_pump_evaporator_kw",  # heat the heat pump takes from the datacenter
)
N_OUT = len(OUT_FIELDS)
(
    OUT_MODE,
    OUT_CHILLER_KW,
    OUT_FANS_KW,
    OUT_PUMPS_KW,
    OUT_HUMIDIFIER_KW,
    OUT_HEAT_PUMP_KW,
    OUT_COOLING_KW,
    OUT_PLANT_KW,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_HUMIDIFICATION_L,
    OUT_WATER_TOTAL_L,
    OUT_SUPPLY_AIR_C,
    OUT_SUPPLY_W,
    OUT_SUPPLY_DEWPOINT_C,
    OUT_SUPPLY_RH_PCT,
    OUT_LIQUID_SUPPLY_C,
    OUT_UNMET_KW,
    OUT_HEAT_REMOVED_KW,
    OUT_MECHANICAL_KW,
    OUT_FREE_KW,
    OUT_FREE_FRACTION,
    OUT_CHILLER_COP,
    OUT_OUTDOOR_AIR_FRACTION,
    OUT_HEAT_REJECTED_KW,
    OUT_HEAT_REUSED_KW,
    OUT_HEAT_PUMP_COP,
    OUT_HEAT_AVAILABLE_KW,
    OUT_HEAT_SOURCE_C,
    OUT_DH_SUPPLY_C,
    OUT_HEAT_PUMP_EVAPORATOR_KW,
) = range(N_OUT)

PlantParams = namedtuple(
    "PlantParams",
    [
        # control
        "min_mode_time_s",
        "mode_deadband_k",
        "mech_capacity_kw",  # compressor capacity at the curve's reference point (0: none)
        # chiller / DX
        "chiller_model",  # 0 Carnot fraction, 1 DOE-2 EIR
        "condenser_water",  # 1 water-cooled (tower), 0 air-cooled
        "chiller_count",
        "carnot_efficiency",
        "chw_supply_c",  # fixed chilled-water (DX coil) supply, or NaN: follows the supply air
        "chw_coil_approach_k",  # supply air above chilled water when it follows the air
        "chw_delta_t_k",
        "evaporator_approach_k",
        "condenser_approach_k",
        "min_condensing_c",
        "condenser_fan_power_ratio",  # air-cooled condenser fans, W per W of cooling
        "eir_cop_ref",
        "eir_capft",  # 6 floats
        "eir_eirft",  # 6 floats
        "eir_eirfplr",  # 3 floats
        "eir_t_chw_min_c",
        "eir_t_chw_max_c",
        "eir_t_cond_min_c",
        "eir_t_cond_max_c",
        "eir_plr_min",
        "eir_plr_min_unl",
        "eir_plr_max",
        # pumps
        "chw_pump_pa",
        "pump_efficiency",
        "cond_pump_pa",  # condenser-water / glycol loop
        "cond_delta_t_k",
        # cooling tower and waterside economiser
        "tower_approach_k",
        "tower_min_water_c",
        "tower_free_min_water_c",
        "tower_design_kw",
        "tower_fan_design_kw",
        "tower_evaporated_fraction",
        "tower_drift_fraction",
        "tower_cycles",
        "economizer",  # 1 on
        "wse_hx_approach_k",
        # dry cooler (dry-cooler and liquid air side)
        "dc_ntu_design",
        "dc_design_kw",
        "dc_fan_design_kw",
        "dc_hx_approach_k",
        # fresh air
        "fa_evap_effectiveness",
        "fa_relief_kw_per_m3_s",
        "fa_steam_j_per_kg",  # electricity per kg of steam; 0 = adiabatic humidifier
        "adiabatic_pump_j_per_kg",  # pump electricity per kg of water sprayed/evaporated
        "min_dewpoint_c",
        "min_rh_pct",
        "max_dewpoint_c",
        "max_rh_pct",
        # indirect evaporative
        "iec_eps_dry",
        "iec_eps_wet",
        "iec_fan_design_kw",
        "iec_cycles",
        # liquid
        "liq_supply_c",
        "liq_delta_t_k",
        "liq_cdu_approach_k",
        "liq_pump_pa",
        "liq_dc_design_kw",
        "liq_dc_fan_design_kw",
        # nested
        "heat_reuse",  # HeatReuseParams
        "electrical",  # ElectricalParams
    ],
)

_CP = AIR_CP_J_PER_KG_K
_RHO = AIR_DENSITY_KG_PER_M3
_H_VAP0 = 2501000.0  # J/kg, ASHRAE 2017 ch. 1 eq. 30 (as dcsim.climate.psychro)
_CP_VAP = 1860.0  # J/(kg K), same
_COP_DIRECT = 99.0


# ---------------------------------------------------------------------------------------------
# moist-air enthalpy (ASHRAE Handbook - Fundamentals 2017 ch. 1 eq. 30, J per kg dry air)
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def moist_enthalpy(t_c, w):
    """h = 1006 t + W (2 501 000 + 1860 t), J/kg dry air (ASHRAE 2017 ch. 1 eq. 30)."""
    return _CP * t_c + w * (_H_VAP0 + _CP_VAP * t_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def drybulb_from_enthalpy(h, w):
    """Dry bulb from enthalpy and humidity ratio (eq. 30 solved for t), °C."""
    return (h - _H_VAP0 * w) / (_CP + _CP_VAP * w)


@njit(cache=True, fastmath=False, error_model="numpy")
def humidity_ratio_from_enthalpy(h, t_c):
    """Humidity ratio on the line of constant enthalpy h at dry bulb t (eq. 30 for W), kg/kg."""
    return (h - _CP * t_c) / (_H_VAP0 + _CP_VAP * t_c)


# ---------------------------------------------------------------------------------------------
# shared pieces
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def mechanical_cooling(p, q_kw, t_chw_c, t_condenser_source_c):
    """Compressor cooling asked for ``q_kw`` at chilled-water (or DX coil) supply ``t_chw_c``;
    condenser on ``t_condenser_source_c`` (entering condenser water, or outdoor dry bulb for
    air-cooled units). Returns (q_done, power, cop).

    Carnot: COP = eta T_evap / (T_cond - T_evap), T_evap = chilled-water supply - approach,
    T_cond = max(source + approach, floor); capacity ``mech_capacity_kw``. EIR: ``chiller_count``
    equal chillers sharing the load, staged on when the running ones would exceed their
    available capacity; each by :func:`dcsim.cooling.chiller.eir_chiller`.
    """
    if q_kw <= 0.0 or p.mech_capacity_kw <= 0.0:
        return 0.0, 0.0, 0.0
    if p.chiller_model == 0.0:
        t_evap = t_chw_c - p.evaporator_approach_k
        t_cond = condensing_temperature_c(t_condenser_source_c, p.condenser_approach_k, p.min_condensing_c)
        cop = carnot_cop(t_evap, t_cond, p.carnot_efficiency)
        q = q_kw if q_kw < p.mech_capacity_kw else p.mech_capacity_kw
        return q, q / cop, cop
    n = p.chiller_count
    q_ref_each = p.mech_capacity_kw / n
    x = t_chw_c
    x = p.eir_t_chw_min_c if x < p.eir_t_chw_min_c else (p.eir_t_chw_max_c if x > p.eir_t_chw_max_c else x)
    y = t_condenser_source_c
    y = p.eir_t_cond_min_c if y < p.eir_t_cond_min_c else (p.eir_t_cond_max_c if y > p.eir_t_cond_max_c else y)
    cap = biquadratic(p.eir_capft, x, y)
    if cap < 1e-6:
        cap = 1e-6
    n_on = math.ceil(q_kw / (q_ref_each * cap) - 1e-12)
    if n_on < 1:
        n_on = 1
    if n_on > n:
        n_on = n
    q_done, power, _ = eir_chiller(q_kw / n_on, q_ref_each, p.eir_cop_ref, p.eir_capft, p.eir_eirft, p.eir_eirfplr,
                                   t_chw_c, t_condenser_source_c, p.eir_t_chw_min_c, p.eir_t_chw_max_c,
                                   p.eir_t_cond_min_c, p.eir_t_cond_max_c, p.eir_plr_min, p.eir_plr_min_unl,
                                   p.eir_plr_max)
    q_done *= n_on
    power *= n_on
    return q_done, power, (q_done / power if power > 0.0 else 0.0)


@njit(cache=True, fastmath=False, error_model="numpy")
def _heat_reuse(p, q_available_kw, t_in_c, t_out_c, t_db_c, dh_demand_kw, out):
    """Run the heat pump on a source stream; write the heat-reuse outputs; return the heat
    it takes from the stream (kW)."""
    q_e, q_del, w, cop, t_sup = heatreuse_step(p.heat_reuse, q_available_kw, t_in_c, t_out_c, t_db_c, dh_demand_kw)
    out[OUT_HEAT_AVAILABLE_KW] = q_available_kw
    out[OUT_HEAT_SOURCE_C] = t_in_c
    out[OUT_HEAT_REUSED_KW] = q_del
    out[OUT_HEAT_PUMP_KW] = w
    out[OUT_HEAT_PUMP_COP] = cop if cop < _COP_DIRECT else _COP_DIRECT
    out[OUT_DH_SUPPLY_C] = t_sup
    out[OUT_HEAT_PUMP_EVAPORATOR_KW] = q_e
    return q_e


@njit(cache=True, fastmath=False, error_model="numpy")
def _chw_mode_valid(mode, has_free, has_mech):
    if mode == MODE_FREE:
        return has_free
    if mode == MODE_PARTIAL_FREE:
        return has_free and has_mech
    if mode == MODE_MECHANICAL:
        return has_mech
    return False


@njit(cache=True, fastmath=False, error_model="numpy")
def _air_mode_valid(mode, has_evap, has_mech):
    """Modes of the fresh-air and indirect-evaporative units."""
    if mode == MODE_FREE:
        return True
    if mode == MODE_EVAPORATIVE:
        return has_evap
    return has_mech


@njit(cache=True, fastmath=False, error_model="numpy")
def _chilled_water_plant(p, state, code, q_chw, c_w, t_s, t_ret, t_db, t_wb, dt_s, out):
    """Chilled-water production for chiller-crah (code 0) and dry-cooler/liquid (codes 1, 4).

    ``q_chw`` load on the loop (kW), ``c_w`` loop capacity rate (kW/K), ``t_s`` supply
    setpoint and ``t_ret`` return temperature of the loop. Chooses the mode, runs economiser
    or dry cooler and chiller, writes power, water and mode outputs; returns
    (unmet_kw, heat_rejected_kw, q_mechanical_kw).
    """
    water_cooled = code == 0 and p.condenser_water == 1.0
    if code == 0:
        has_free = p.economizer == 1.0
        t_free = tower_leaving_water_c(t_wb, p.tower_approach_k, p.tower_free_min_water_c) + p.wse_hx_approach_k
    else:
        has_free = True
        phi = c_w * p.chw_delta_t_k / p.dc_design_kw if p.dc_design_kw > 0.0 else 1.0
        eps = drycooler_effectiveness(p.dc_ntu_design, phi)
        if t_ret > t_db:
            t_free = t_ret - eps * (t_ret - t_db) + p.dc_hx_approach_k
        else:
            t_free = t_ret + p.dc_hx_approach_k
    q_free_max = c_w * (t_ret - t_free) if t_ret > t_free else 0.0

    db = p.mode_deadband_k
    has_mech = p.mech_capacity_kw > 0.0
    if not has_free:
        cand = MODE_MECHANICAL
    elif not has_mech:
        cand = MODE_FREE
    elif t_free <= t_s - db:
        cand = MODE_FREE
    elif t_free < t_ret - db:
        cand = MODE_PARTIAL_FREE
    else:
        cand = MODE_MECHANICAL
    cur = int(state[S_MODE])
    if cur >= 0 and not _chw_mode_valid(cur, has_free, has_mech):
        state[S_MODE] = -1.0  # a state this plant cannot be in: take the candidate at once
    if cur == MODE_FREE:
        cur_ok = has_free and t_free <= t_s
    elif cur == MODE_PARTIAL_FREE:
        cur_ok = has_free and has_mech and t_free < t_ret
    else:
        cur_ok = has_mech
    mode = select_mode(state, cand, cur_ok, dt_s, p.min_mode_time_s)

    q_free = 0.0
    if mode == MODE_FREE or mode == MODE_PARTIAL_FREE:
        q_free = q_chw if q_chw < q_free_max else q_free_max
    q_req = q_chw - q_free if mode != MODE_FREE else 0.0
    t_cond_src = tower_leaving_water_c(t_wb, p.tower_approach_k, p.tower_min_water_c) if water_cooled else t_db
    q_mech, p_ch, cop = mechanical_cooling(p, q_req, t_s, t_cond_src)
    unmet = q_chw - q_free - q_mech
    if unmet < 0.0:
        unmet = 0.0

    fans = 0.0
    pumps = 0.0
    if water_cooled:
        q_cond = q_free + q_mech + p_ch
        p_cw = pump_power_kw(q_cond, p.cond_delta_t_k, p.cond_pump_pa, p.pump_efficiency)
        q_tower = q_cond + p_cw
        frac = q_tower / p.tower_design_kw if p.tower_design_kw > 0.0 else 1.0
        fans = cube_law_fan_kw(p.tower_fan_design_kw, frac)
        pumps = p_cw
        evap, drift, blow = tower_water_kg(q_tower, dt_s, p.tower_evaporated_fraction, p.tower_drift_fraction, p.tower_cycles)
        out[OUT_WATER_EVAPORATION_L] += evap
        out[OUT_WATER_DRIFT_L] += drift
        out[OUT_WATER_BLOWDOWN_L] += blow
        rejected = q_tower + fans
    else:
        fans = p.condenser_fan_power_ratio * q_mech
        rejected = q_mech + p_ch + fans
        if q_free > 0.0:  # dry cooler (code 0 has no air-side free cooling: q_free is 0 there)
            p_gly = pump_power_kw(q_free, p.cond_delta_t_k, p.cond_pump_pa, p.pump_efficiency)
            f_dc = cube_law_fan_kw(p.dc_fan_design_kw, q_free / q_free_max)
            pumps += p_gly
            fans += f_dc
            rejected += q_free + p_gly + f_dc
    out[OUT_MODE] = mode
    out[OUT_CHILLER_KW] += p_ch
    out[OUT_FANS_KW] += fans
    out[OUT_PUMPS_KW] += pumps
    out[OUT_CHILLER_COP] = cop
    return unmet, rejected, q_mech


# ---------------------------------------------------------------------------------------------
# fresh air
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def fresh_air_state(level, m, q_kw, t_target_c, t_o, w_o, t_wb, w_lo, w_hi, eps, e_steam, w_prev):
    """State of the air leaving a fresh-air unit's mixing box, humidifier and evaporative
    media (before any DX trim), for a capability level 0 free, 1 evaporative, 2 partial,
    3 mechanical (dampers closed).

    Quasi-steady moisture balance (no moisture sources in the room, return W = supply W):
    with outdoor-air fraction x > 0 the supply humidity ratio is W_o, or the minimum W_lo
    after humidifying the outdoor air. Energy balance of mixing box + room (enthalpy h per kg
    of dry air, m dry-air flow, q room and fan heat): x h_c = x h_o + (1 - x) q/m + E/m with E
    the steam humidifier's energy, so x = (q/m) / (h_c - h_o - e dW + q/m) (ASHRAE 2017 ch. 1
    eqs. 30 and 43-45, mixing of two streams). When outdoor air is too warm for mixing
    (denominator <= q/m) the unit runs on 100 % outdoor air, cooled along its constant-enthalpy
    line by evaporative media to T_db - eps (T_db - T_wb), not below the target or past W_hi.

    Returns (x, W_c, h_nominal, h_before_trim, evaporated_kg_s, humidifier_kg_s,
    humidifier_w): h_nominal = h(t_target, W_c) is the state that holds the setpoint.
    """
    if level == 3 or q_kw <= 0.0:
        h_nom = moist_enthalpy(t_target_c, w_prev)
        if level == 3:
            return 0.0, w_prev, h_nom, h_nom + q_kw * 1000.0 / m, 0.0, 0.0, 0.0
        return 0.0, w_prev, h_nom, h_nom, 0.0, 0.0, 0.0
    h_o = moist_enthalpy(t_o, w_o)
    w_c = w_o if w_o >= w_lo else w_lo
    dw = w_c - w_o
    h_nom = moist_enthalpy(t_target_c, w_c)
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
        t_e = t_o - eps * (t_o - t_wb)
        t_hi = drybulb_from_enthalpy(h_o, w_hi)
        if t_e < t_hi:
            t_e = t_hi
        if t_e < t_target_c:
            t_e = t_target_c
        if t_e > t_o:
            t_e = t_o
        w_e = humidity_ratio_from_enthalpy(h_o, t_e)
        if w_e < w_o:
            w_e = w_o
        if w_e < w_lo:
            w_e = w_lo
        h_nom = moist_enthalpy(t_target_c, w_e)
        return 1.0, w_e, h_nom, h_o, m * (w_e - w_o), 0.0, 0.0
    return 1.0, w_c, h_nom, h_o + e_steam * dw, 0.0, m * dw, m * dw * e_steam


@njit(cache=True, fastmath=False, error_model="numpy")
def _fa_ok(level, margin_k, m, q_kw, t_target_c, t_o, w_o, t_wb, w_lo, w_hi, eps, e_steam, has_mech):
    """Can capability ``level`` hold t_target - margin without breaking the humidity limits?"""
    if level == 3:
        return has_mech
    if w_o > w_hi:
        return False
    if q_kw <= 0.0:
        return True
    h_o = moist_enthalpy(t_o, w_o)
    w_c = w_o if w_o >= w_lo else w_lo
    dw = w_c - w_o
    h_n = moist_enthalpy(t_target_c - margin_k, w_c)
    if level == 0:
        return h_n - h_o - e_steam * dw > 0.0
    if level == 1:
        if eps <= 0.0:
            return False
        if h_n - h_o > 0.0:
            return True
        t_e = t_o - eps * (t_o - t_wb)
        t_hi = drybulb_from_enthalpy(h_o, w_hi)
        if t_e < t_hi:
            t_e = t_hi
        return t_e <= t_target_c - margin_k
    # partial: outdoor air (after evaporative media) is worth cooling instead of return air
    if not has_mech:
        return False
    h_r = moist_enthalpy(t_target_c, w_c) + q_kw * 1000.0 / m
    return h_o < h_r - margin_k * _CP


@njit(cache=True, fastmath=False, error_model="numpy")
def _level_of(mode):
    if mode == MODE_FREE:
        return 0
    if mode == MODE_EVAPORATIVE:
        return 1
    if mode == MODE_PARTIAL_FREE:
        return 2
    return 3


@njit(cache=True, fastmath=False, error_model="numpy")
def ashrae_humidity_bounds(p, t_supply_c, p_pa):
    """(W_lo, W_hi) at the supply: W_lo = max(W(min dew point), W(min RH at supply)),
    W_hi = min(W(max dew point), W(max RH at supply)), kg/kg (ASHRAE TC9.9 envelopes)."""
    pws = _pws(t_supply_c)
    w_lo = _w_from_pw(_pws(p.min_dewpoint_c), p_pa)
    w_rh = _w_from_pw(0.01 * p.min_rh_pct * pws, p_pa)
    if w_rh > w_lo:
        w_lo = w_rh
    w_hi = _w_from_pw(_pws(p.max_dewpoint_c), p_pa)
    w_rh = _w_from_pw(0.01 * p.max_rh_pct * pws, p_pa)
    if w_rh < w_hi:
        w_hi = w_rh
    return w_lo, w_hi


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_cached(state, pw):
    """Dew point of vapour pressure pw (°C) by dcsim.climate.psychro, warm-started from the
    previous step's (state cache): Newton on ln p_ws(T) = ln p_w (ASHRAE 2017 ch. 1 eqs. 5, 6)
    to 1e-7 K, falling back to the cold-started solver if it has not converged in 8 steps."""
    if pw == state[S_DEW_PW]:
        return state[S_DEW_C]
    td = 0.0
    ok = False
    if state[S_DEW_PW] > 0.0:
        ln_pw = math.log(pw)
        td = state[S_DEW_C]
        for _ in range(8):
            d = (_ln_pws(td) - ln_pw) / _dln_pws(td)
            td -= d
            if abs(d) <= 1e-7:
                ok = True
                break
    if not ok:
        td = _dewpoint_from_pw(pw)
    state[S_DEW_PW] = pw
    state[S_DEW_C] = td
    return td


# ---------------------------------------------------------------------------------------------
# the step
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def plant_step(code, p, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c, q_liquid_kw, q_aux_kw,
               t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, dt_s, out):
    """Advance the cooling plant (and heat reuse) one step; see the module docstring."""
    for i in range(N_OUT):
        out[i] = 0.0
    q_coil = q_coil_kw if q_coil_kw > 0.0 else 0.0
    q_aux = q_aux_kw if q_aux_kw > 0.0 else 0.0
    q_liq = q_liquid_kw if q_liquid_kw > 0.0 else 0.0
    if code != 4:
        q_aux += q_liq
        q_liq = 0.0
    m = _RHO * crah_flow_m3_s
    if m < 1e-6:
        m = 1e-6
    mcp = m * _CP / 1000.0  # kW/K
    fan_rise = q_coil / mcp - (t_return_c - t_supply_set_c)
    if fan_rise < 0.0:
        fan_rise = 0.0
    t_target = t_supply_set_c - fan_rise
    t_chw = p.chw_supply_c if p.chw_supply_c == p.chw_supply_c else t_supply_set_c - p.chw_coil_approach_k
    src = p.heat_reuse.source
    hr = p.heat_reuse.enabled != 0.0

    unmet = 0.0
    rejected = 0.0
    q_mech = 0.0
    q_e = 0.0
    w_supply = state[S_SUPPLY_W]
    t_supply = t_supply_set_c

    if code == 0 or code == 1 or code == 4:
        # --- chilled-water systems --------------------------------------------------------
        if src == SOURCE_RETURN_AIR:
            q_e = _heat_reuse(p, q_coil, t_return_c, t_target, t_db_c, dh_demand_kw if hr else 0.0, out)
        q_trim = 0.0
        if code == 4:
            p_l = pump_power_kw(q_liq, p.liq_delta_t_k, p.liq_pump_pa, p.pump_efficiency)
            q_l = q_liq + p_l
            out[OUT_PUMPS_KW] += p_l
            c_l = q_l / p.liq_delta_t_k
            t_fs = p.liq_supply_c - p.liq_cdu_approach_k
            t_fr = t_fs + p.liq_delta_t_k
            if src == SOURCE_LIQUID_LOOP:
                q_e = _heat_reuse(p, q_l, p.liq_supply_c + p.liq_delta_t_k, p.liq_supply_c, t_db_c,
                                  dh_demand_kw if hr else 0.0, out)
                q_l -= q_e
                if c_l > 0.0:
                    t_fr = t_fs + q_l / c_l
            phi = c_l * p.liq_delta_t_k / p.liq_dc_design_kw if p.liq_dc_design_kw > 0.0 else 1.0
            eps = drycooler_effectiveness(p.dc_ntu_design, phi)
            q_ldc_max = c_l * eps * (t_fr - t_db_c) if t_fr > t_db_c else 0.0
            q_ldc = q_l if q_l < q_ldc_max else q_ldc_max
            f_ldc = cube_law_fan_kw(p.liq_dc_fan_design_kw, q_ldc / q_ldc_max) if q_ldc > 0.0 else 0.0
            out[OUT_FANS_KW] += f_ldc
            rejected += q_ldc + f_ldc
            q_trim = q_l - q_ldc
            out[OUT_LIQUID_SUPPLY_C] = p.liq_supply_c
        q_chw0 = q_coil - (q_e if src == SOURCE_RETURN_AIR else 0.0) + q_aux + q_trim
        p_chw = pump_power_kw(q_chw0, p.chw_delta_t_k, p.chw_pump_pa, p.pump_efficiency)
        out[OUT_PUMPS_KW] += p_chw
        q_chw = q_chw0 + p_chw
        c_w = q_chw / p.chw_delta_t_k
        t_ret = t_chw + p.chw_delta_t_k
        if src == SOURCE_CHILLED_WATER:
            q_e = _heat_reuse(p, q_chw, t_ret, t_chw, t_db_c, dh_demand_kw if hr else 0.0, out)
            q_chw -= q_e
            if c_w > 0.0:
                t_ret = t_chw + q_chw / c_w
        unmet, rej, q_mech = _chilled_water_plant(p, state, code, q_chw, c_w, t_chw, t_ret, t_db_c, t_wb_c, dt_s, out)
        rejected += rej
        t_supply = t_supply_set_c + unmet / mcp

    elif code == 2:
        # --- fresh air --------------------------------------------------------------------
        q_e = _heat_reuse(p, q_coil, t_return_c, t_target, t_db_c, dh_demand_kw if hr else 0.0, out)
        q = q_coil - q_e
        w_lo, w_hi = ashrae_humidity_bounds(p, t_supply_set_c, p_pa)
        eps = p.fa_evap_effectiveness
        e_st = p.fa_steam_j_per_kg
        has_mech = p.mech_capacity_kw > 0.0
        db = p.mode_deadband_k
        w_prev = state[S_SUPPLY_W]
        if _fa_ok(0, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
            cand = MODE_FREE
        elif _fa_ok(1, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
            cand = MODE_EVAPORATIVE
        elif _fa_ok(2, db, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps, e_st, has_mech):
            cand = MODE_PARTIAL_FREE
        elif has_mech:
            cand = MODE_MECHANICAL
        else:
            cand = MODE_EVAPORATIVE if eps > 0.0 else MODE_FREE
        cur = int(state[S_MODE])
        if cur >= 0 and not _air_mode_valid(cur, eps > 0.0, has_mech):
            state[S_MODE] = -1.0
        cur_ok = cur >= 0 and _fa_ok(_level_of(cur), 0.0, m, q, t_target, t_db_c, w_out, t_wb_c, w_lo, w_hi, eps,
                                     e_st, has_mech)
        mode = select_mode(state, cand, cur_ok, dt_s, p.min_mode_time_s)
        level = _level_of(mode)
        x, w_c, h_nom, h_pre, evap, hum, hum_w = fresh_air_state(level, m, q, t_target, t_db_c, w_out, t_wb_c,
                                                                  w_lo, w_hi, eps, e_st, w_prev)
        q_dx_req = 0.0
        if level >= 2:
            q_dx_req = m * (h_pre - h_nom) / 1000.0
            if q_dx_req < 0.0:
                q_dx_req = 0.0
        q_mech, p_dx, cop = mechanical_cooling(p, q_dx_req, t_chw, t_db_c)
        unmet = m * (h_pre - h_nom) / 1000.0 - q_mech if level >= 2 else m * (h_pre - h_nom) / 1000.0
        if unmet < 0.0:
            unmet = 0.0
        h_act = h_pre - q_mech * 1000.0 / m
        t_supply = t_supply_set_c + (drybulb_from_enthalpy(h_act, w_c) - t_target)
        relief = p.fa_relief_kw_per_m3_s * x * crah_flow_m3_s
        pad_pump = p.adiabatic_pump_j_per_kg * evap / 1000.0
        if e_st > 0.0:
            hum_kw = hum_w / 1000.0
            hum_pump = 0.0
        else:
            hum_kw = p.adiabatic_pump_j_per_kg * hum / 1000.0
            hum_pump = hum_kw
        exhaust = x * (m * (h_nom - moist_enthalpy(t_db_c, w_out)) / 1000.0 + q)
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
        w_supply = w_c
        state[S_SUPPLY_W] = w_c

    else:
        # --- indirect evaporative ---------------------------------------------------------
        q_e = _heat_reuse(p, q_coil, t_return_c, t_target, t_db_c, dh_demand_kw if hr else 0.0, out)
        q = q_coil - q_e
        t_pi = t_target + q / mcp
        e_d = p.iec_eps_dry
        e_w = p.iec_eps_wet
        q_dry_max = mcp * e_d * (t_pi - t_db_c) if t_pi > t_db_c else 0.0
        q_wet_max = mcp * e_w * (t_pi - t_wb_c) if t_pi > t_wb_c else 0.0
        has_mech = p.mech_capacity_kw > 0.0
        db = p.mode_deadband_k
        t_out_dry = t_pi - e_d * (t_pi - t_db_c)
        t_out_wet = t_pi - e_w * (t_pi - t_wb_c)
        if q <= 0.0 or t_out_dry <= t_target - db:
            cand = MODE_FREE
        elif e_w > 0.0 and t_out_wet <= t_target - db:
            cand = MODE_EVAPORATIVE
        elif has_mech and t_wb_c < t_pi - db:
            cand = MODE_PARTIAL_FREE
        elif has_mech:
            cand = MODE_MECHANICAL
        else:
            cand = MODE_EVAPORATIVE if e_w > 0.0 else MODE_FREE
        cur = int(state[S_MODE])
        if cur >= 0 and not _air_mode_valid(cur, e_w > 0.0, has_mech):
            state[S_MODE] = -1.0
        if cur == MODE_FREE:
            cur_ok = q <= 0.0 or t_out_dry <= t_target
        elif cur == MODE_EVAPORATIVE:
            cur_ok = q <= 0.0 or t_out_dry <= t_target or (e_w > 0.0 and t_out_wet <= t_target)
        elif cur == MODE_PARTIAL_FREE:
            cur_ok = has_mech and t_wb_c < t_pi
        else:
            cur_ok = has_mech
        mode = select_mode(state, cand, cur_ok, dt_s, p.min_mode_time_s)
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
        q_mech, p_dx, cop = mechanical_cooling(p, q_dx_req, t_chw, t_db_c)
        unmet = q - q_hx - q_mech
        if unmet < 0.0:
            unmet = 0.0
        fan = cube_law_fan_kw(p.iec_fan_design_kw, frac)
        pump = p.adiabatic_pump_j_per_kg * evap / 1000.0
        blow = evap / (p.iec_cycles - 1.0) if p.iec_cycles > 1.0 else 0.0
        rejected = q_hx + fan + pump + q_mech + p_dx + q_aux
        t_supply = t_supply_set_c + unmet / mcp
        out[OUT_MODE] = mode
        out[OUT_CHILLER_KW] += p_dx
        out[OUT_CHILLER_COP] = cop
        out[OUT_FANS_KW] += fan
        out[OUT_PUMPS_KW] += pump
        out[OUT_WATER_EVAPORATION_L] += evap * dt_s
        out[OUT_WATER_BLOWDOWN_L] += blow * dt_s

    if _RHO * crah_flow_m3_s < 1e-3:
        t_supply = t_supply_set_c  # no air moves: nothing to warm (unmet stays reported)

    # --- totals -----------------------------------------------------------------------------
    cooling = out[OUT_CHILLER_KW] + out[OUT_FANS_KW] + out[OUT_PUMPS_KW] + out[OUT_HUMIDIFIER_KW]
    out[OUT_COOLING_KW] = cooling
    out[OUT_PLANT_KW] = cooling + out[OUT_HEAT_PUMP_KW]
    out[OUT_WATER_TOTAL_L] = (out[OUT_WATER_EVAPORATION_L] + out[OUT_WATER_DRIFT_L] + out[OUT_WATER_BLOWDOWN_L]
                              + out[OUT_WATER_HUMIDIFICATION_L])
    out[OUT_SUPPLY_AIR_C] = t_supply
    out[OUT_SUPPLY_W] = w_supply
    pw = _pw_from_w(w_supply, p_pa)
    out[OUT_SUPPLY_DEWPOINT_C] = _dewpoint_cached(state, pw)
    out[OUT_SUPPLY_RH_PCT] = 100.0 * pw / _pws(t_supply)
    out[OUT_UNMET_KW] = unmet
    removed = q_coil + q_liq + q_aux - unmet
    out[OUT_HEAT_REMOVED_KW] = removed
    out[OUT_MECHANICAL_KW] = q_mech
    free = removed - q_mech - q_e
    if free < 0.0:
        free = 0.0
    out[OUT_FREE_KW] = free
    out[OUT_FREE_FRACTION] = free / removed if removed > 1e-12 else 0.0
    out[OUT_HEAT_REJECTED_KW] = rejected
    return out[OUT_MODE]


# ---------------------------------------------------------------------------------------------
# Python side
# ---------------------------------------------------------------------------------------------

#: ASHRAE TC9.9 (Thermal Guidelines, 5th ed.) allowable humidity per class (REFERENCES.md):
#: (min dew point °C, min RH %, max dew point °C, max RH %).
ASHRAE_HUMIDITY = {
    "A1": (-12.0, 8.0, 17.0, 80.0),
    "A2": (-12.0, 8.0, 21.0, 80.0),
    "A3": (-12.0, 8.0, 24.0, 85.0),
    "A4": (-12.0, 8.0, 24.0, 90.0),
}


def ashrae_humidity_limits(ashrae_class: str) -> tuple[float, float, float, float]:
    """(min dew point °C, min RH %, max dew point °C, max RH %) of an ASHRAE class A1-A4."""
    return ASHRAE_HUMIDITY[ashrae_class]


def build_heat_reuse(section, code: int, design_it_kw: float) -> HeatReuseParams:
    """HeatReuseParams from the scenario's ``heat_reuse`` section for a system ``code``."""
    if section is None or not section.enabled:
        base = disabled_heat_reuse_params()
        src = SOURCE_LIQUID_LOOP if code == SYSTEM_LIQUID else (
            SOURCE_CHILLED_WATER if code in (SYSTEM_CHILLER_CRAH, SYSTEM_DRY_COOLER) else SOURCE_RETURN_AIR)
        return base._replace(source=float(src))
    source = section.source
    if source == "auto":
        source = ("liquid-loop" if code == SYSTEM_LIQUID else
                  "chilled-water" if code in (SYSTEM_CHILLER_CRAH, SYSTEM_DRY_COOLER) else "return-air")
    if source == "chilled-water" and code in (SYSTEM_FRESH_AIR, SYSTEM_INDIRECT_EVAPORATIVE):
        raise ValueError("heat_reuse.source = 'chilled-water' needs a chilled-water system (chiller-crah, dry-cooler, liquid)")
    if source == "liquid-loop" and code != SYSTEM_LIQUID:
        raise ValueError("heat_reuse.source = 'liquid-loop' needs cooling.system = 'liquid'")
    lift, cop = pad_table(section.cop_table_lift_k if section.cop_table_lift_k is not None else [0.0, 1.0],
                          section.cop_table if section.cop_table is not None else [1.0, 1.0], "heat_reuse.cop_table")
    xs, sup = pad_table(section.supply_curve_outdoor_c, section.supply_curve_c, "heat_reuse.supply_curve_c")
    _, ret = pad_table(section.supply_curve_outdoor_c, section.return_curve_c, "heat_reuse.return_curve_c")
    return HeatReuseParams(
        enabled=1.0,
        source=float(SOURCE_CODES[source]),
        capacity_kw=float(section.capacity_kw) if section.capacity_kw is not None else float(design_it_kw),
        cop_model=float(COP_MODELS[section.cop_model]),
        carnot_efficiency=float(section.carnot_efficiency),
        efficiency_slope_per_k=float(section.carnot_efficiency_slope_per_k),
        reference_lift_k=float(section.reference_lift_k),
        approach_k=float(section.approach_k),
        table_lift_k=lift,
        table_cop=cop,
        dh_outdoor_c=xs,
        dh_supply_c=sup,
        dh_return_c=ret,
    )


def build_plant(cooling, electrical, heat_reuse, design_it_kw: float, design_crah_flow_m3_s: float, *,
                ashrae_class: str = "A1", design_heat_kw: float | None = None, design_liquid_kw: float | None = None,
                initial_dewpoint_c: float = 8.0, pressure_pa: float = 101325.0):
    """(code, PlantParams, state0) from the scenario sections (see the module docstring).

    ``design_it_kw``: IT power at full load (sizes the UPS, PDUs, heat pump and DH demand);
    ``design_heat_kw``: the design cooling load (default design_it_kw; the engine's design heat,
    servers at full load plus fans). Compressor capacity is ``cooling.chiller.capacity_kw``,
    else ``cooling.capacity_kw``, else ``cooling.sizing_factor`` x design heat; heat
    rejection (tower, dry cooler) is sized on the same design load;
    ``design_crah_flow_m3_s``: air-handler design flow (sizes scavenger fans);
    ``design_liquid_kw``: design heat into the liquid loop (default ``cooling.liquid.share`` x
    design IT); ``initial_dewpoint_c``: room humidity at the start (closed-loop systems keep
    it; default 8 °C, inside the ASHRAE recommended range).
    """
    from .catalog import get_chiller

    if design_it_kw <= 0:
        raise ValueError("design_it_kw must be > 0")
    if design_crah_flow_m3_s < 0:
        raise ValueError("design_crah_flow_m3_s must be >= 0")
    c = cooling
    code = SYSTEM_CODES[c.system]
    ch = c.chiller
    heat = float(design_heat_kw) if design_heat_kw is not None else float(design_it_kw)
    design_load = float(c.capacity_kw) if c.capacity_kw is not None else c.sizing_factor * heat
    mech_cap = float(ch.capacity_kw) if ch.capacity_kw is not None else design_load
    if code == SYSTEM_CHILLER_CRAH and c.economizer.enabled and ch.condenser != "water":
        raise ValueError("cooling.economizer needs cooling.chiller.condenser = 'water' (use cooling.system = 'dry-cooler' for air)")
    if ch.condenser == "water" and code != SYSTEM_CHILLER_CRAH:
        raise ValueError("cooling.chiller.condenser = 'water' is only modelled for cooling.system = 'chiller-crah'")
    if ch.model == "eir":
        cur = get_chiller(ch.curve)
        eir = dict(eir_cop_ref=cur.cop_ref, eir_capft=float_tuple(cur.capft), eir_eirft=float_tuple(cur.eirft),
                   eir_eirfplr=float_tuple(cur.eirfplr), eir_t_chw_min_c=cur.t_chw_min_c, eir_t_chw_max_c=cur.t_chw_max_c,
                   eir_t_cond_min_c=cur.t_cond_min_c, eir_t_cond_max_c=cur.t_cond_max_c, eir_plr_min=cur.plr_min,
                   eir_plr_min_unl=cur.plr_min_unloading, eir_plr_max=cur.plr_max)
    else:
        eir = dict(eir_cop_ref=1.0, eir_capft=float_tuple([1, 0, 0, 0, 0, 0]), eir_eirft=float_tuple([1, 0, 0, 0, 0, 0]),
                   eir_eirfplr=float_tuple([0, 1, 0]), eir_t_chw_min_c=-50.0, eir_t_chw_max_c=50.0, eir_t_cond_min_c=-50.0,
                   eir_t_cond_max_c=80.0, eir_plr_min=0.0, eir_plr_min_unl=0.0, eir_plr_max=1.0)
    tw = c.tower
    tower_design = 1.2 * max(mech_cap, design_load)
    dc = c.dry_cooler
    dc_design = float(dc.capacity_kw) if dc.capacity_kw is not None else design_load
    fa = c.fresh_air
    lim = ashrae_humidity_limits(ashrae_class)
    iec = c.indirect_evaporative
    liq = c.liquid
    if design_liquid_kw is None:
        design_liquid_kw = liq.share * float(design_it_kw) if code == SYSTEM_LIQUID else 0.0
    liq_dc_design = (float(liq.dry_cooler_capacity_kw) if liq.dry_cooler_capacity_kw is not None
                     else c.sizing_factor * float(design_liquid_kw))
    params = PlantParams(
        min_mode_time_s=float(c.min_mode_time_s),
        mode_deadband_k=float(c.mode_deadband_k),
        mech_capacity_kw=mech_cap,
        chiller_model=1.0 if ch.model == "eir" else 0.0,
        condenser_water=1.0 if ch.condenser == "water" else 0.0,
        chiller_count=float(ch.count),
        carnot_efficiency=float(ch.carnot_efficiency),
        chw_supply_c=float("nan") if ch.chilled_water_supply_c is None else float(ch.chilled_water_supply_c),
        chw_coil_approach_k=float(ch.coil_approach_k),
        chw_delta_t_k=float(ch.chilled_water_delta_t_k),
        evaporator_approach_k=float(ch.evaporator_approach_k),
        condenser_approach_k=float(ch.condenser_approach_k),
        min_condensing_c=float(ch.min_condensing_c),
        condenser_fan_power_ratio=float(ch.condenser_fan_power_ratio),
        **{k: (float(v) if not isinstance(v, tuple) else v) for k, v in eir.items()},
        chw_pump_pa=float(c.pumps.pressure_rise_kpa) * 1000.0,
        pump_efficiency=float(c.pumps.efficiency),
        cond_pump_pa=float(c.pumps.condenser_pressure_rise_kpa) * 1000.0,
        cond_delta_t_k=float(c.pumps.condenser_delta_t_k),
        tower_approach_k=float(tw.approach_k),
        tower_min_water_c=float(tw.min_condenser_water_c),
        tower_free_min_water_c=float(tw.min_free_cooling_water_c),
        tower_design_kw=tower_design,
        tower_fan_design_kw=float(tw.fan_kw_per_kw) * tower_design,
        tower_evaporated_fraction=float(tw.evaporated_fraction),
        tower_drift_fraction=float(tw.drift_fraction),
        tower_cycles=float(tw.cycles_of_concentration),
        economizer=1.0 if c.economizer.enabled else 0.0,
        wse_hx_approach_k=float(c.economizer.hx_approach_k),
        dc_ntu_design=float(ntu_from_effectiveness(dc.effectiveness)),
        dc_design_kw=dc_design,
        dc_fan_design_kw=float(dc.fan_power_fraction) * dc_design,
        dc_hx_approach_k=float(dc.hx_approach_k),
        fa_evap_effectiveness=float(fa.evaporative_effectiveness),
        fa_relief_kw_per_m3_s=float(fa.relief_fan_kw_per_m3_per_s),
        fa_steam_j_per_kg=float(fa.steam_kwh_per_kg) * 3.6e6 if fa.humidifier == "steam" else 0.0,
        adiabatic_pump_j_per_kg=float(fa.adiabatic_pump_kwh_per_kg) * 3.6e6,
        min_dewpoint_c=float(fa.min_dewpoint_c if fa.min_dewpoint_c is not None else lim[0]),
        min_rh_pct=float(fa.min_rh_pct if fa.min_rh_pct is not None else lim[1]),
        max_dewpoint_c=float(fa.max_dewpoint_c if fa.max_dewpoint_c is not None else lim[2]),
        max_rh_pct=float(fa.max_rh_pct if fa.max_rh_pct is not None else lim[3]),
        iec_eps_dry=float(iec.dry_effectiveness),
        iec_eps_wet=float(iec.wet_effectiveness),
        iec_fan_design_kw=float(iec.scavenger_fan_kw_per_m3_per_s) * float(iec.scavenger_flow_ratio) * float(design_crah_flow_m3_s),
        iec_cycles=float(iec.cycles_of_concentration),
        liq_supply_c=float(liq.supply_c),
        liq_delta_t_k=float(liq.delta_t_k),
        liq_cdu_approach_k=float(liq.cdu_approach_k),
        liq_pump_pa=float(liq.pressure_rise_kpa) * 1000.0,
        liq_dc_design_kw=liq_dc_design,
        liq_dc_fan_design_kw=float(dc.fan_power_fraction) * liq_dc_design,
        heat_reuse=build_heat_reuse(heat_reuse, code, design_it_kw),
        electrical=build_electrical(electrical, design_it_kw),
    )
    w0 = float(_w_from_pw(_pws(initial_dewpoint_c), pressure_pa))
    state = np.array([-1.0, 1e30, w0, 0.0, -1.0, 0.0])
    assert state.shape[0] == N_STATE
    return code, params, state


def outputs_as_dict(out: np.ndarray) -> dict[str, float]:
    """{field name: value} of one plant_step output array (for tests and debugging)."""
    return {name: float(out[i]) for i, name in enumerate(OUT_FIELDS)}


__all__ += ["outputs_as_dict", "moist_enthalpy", "fresh_air_state", "mechanical_cooling", "ElectricalParams",
            "S_MODE", "S_MODE_TIME_S", "S_SUPPLY_W", "S_MODE_CHANGES"]
