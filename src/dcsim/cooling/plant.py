"""The facility cooling plant: one step function for every cooling system, compiled for the
scenario's system only (:mod:`dcsim.cooling.dispatch`).

Interface (stable; the facility kernel calls :func:`plant_step_dispatched` once per time step)
==================================================================

``code, params, state = dcsim.model.build_plant(cooling, heat_reuse, design_it_kw,
design_crah_flow_m3_s, *, ashrae_class="A1", design_liquid_kw=None)`` (the build layer, the
only code that reads the scenario sections) gives

- ``code``: int, the system (:data:`SYSTEM_CODES`: chiller-crah 0, dry-cooler 1, fresh-air 2,
  indirect-evaporative 3, liquid 4);
- ``params``: a :class:`PlantParams` namedtuple of one parameter tuple per component and
  system (``control``, ``chiller``, ``pumps``, ``tower``, ``dry_cooler``, ``fresh_air``,
  ``indirect_evaporative``, ``liquid``, ``heat_reuse``, ``datasheet_unit``), floats and float
  tuples only;
- ``state``: float64[N_STATE] to carry from step to step (indices ``S_*`` in
  :mod:`dcsim.cooling.control`: active mode, time in mode, supply humidity ratio, number of
  mode changes, and the supply dew point's warm-start cache: vapour pressure and dew point of
  the last step). Copy it for each independent run.

``plant_step(code, params, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c,
q_liquid_kw, q_aux_kw, t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, dt_s, out)`` (``@njit``)
advances one step and writes ``out`` (float64[N_OUT], indices ``OUT_*`` in :mod:`dcsim.cooling.outputs`). Inputs:

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
  (:func:`dcsim.model.dh_demand_kw_series`; 0 when heat reuse is off); ``dt_s``: step.

Energy conservation, every step, every system and mode (tested on random inputs)::

    OUT_HEAT_REJECTED_KW + OUT_HEAT_REUSED_KW
        = OUT_HEAT_REMOVED_KW + OUT_PLANT_KW
    OUT_HEAT_REMOVED_KW = q_coil + q_liquid + q_aux - OUT_UNMET_KW

All plant electricity (compressors, fans, pumps, humidifier, datasheet unit, heat pump) ends
as heat in a stream that leaves to outdoors or to the district-heating network.
``OUT_UNMET_KW`` is load the plant could not remove this step (capacity short, or a mode held
by the minimum mode time while it cannot meet the load): the supply air is then warmer than the setpoint
(``OUT_SUPPLY_AIR_C`` > setpoint). That heat stays in the air and comes back in the next
step's return air, so a room model that feeds the achieved supply temperature back closes the
balance over a run. Load is never dropped silently.

Systems, one module each in :mod:`dcsim.cooling.systems` with its parameters and step
function (equations and sources in docs/physics.md): ``chiller_crah``, ``dry_cooler``,
``liquid`` (on the chilled-water loop of ``chilled_water``), ``fresh_air``,
``indirect_evaporative``. They call the shared components: :mod:`dcsim.cooling.chiller`
(compressors), :mod:`~dcsim.cooling.pumps`, :mod:`~dcsim.cooling.fans`,
:mod:`~dcsim.cooling.heat_rejection` (tower, dry cooler, evaporative coolers),
:mod:`~dcsim.cooling.control` (modes) and :mod:`dcsim.climate.psychro` (moist air).

Heat reuse (``params.heat_reuse``): a heat pump on the return air, the chilled-water return or
the liquid-loop return takes heat before the plant (which then rejects less), lifts it to the
DH supply temperature and delivers evaporator heat + its electricity.

The facility kernel (:func:`dcsim.thermal.kernels.facility_kernel`) calls
:func:`plant_step_dispatched` with the system's marker once per step, with the electrical chain's indoor heat (``E_HEAT_TO_PLANT_KW``) as ``q_aux_kw``; the electrical
parameters travel apart (:func:`dcsim.model.build_electrical`).

Cost: measured 170-450 ns per call on a shared, loaded 2-core machine, 13-16 times one
saturation-pressure evaluation (``_pws``) timed in the same run (0.1-0.3 s per simulated year
at 60 s steps). Parameters are floats and float tuples only (no arrays: see
:mod:`dcsim.model.tables`), so every scenario of one cooling system compiles to one signature;
the facility kernel calls :func:`plant_step_dispatched` with the system's marker
(``model.plant_system``), so each system compiles once, when first used.
"""


from __future__ import annotations

import math
from collections import namedtuple

from .._jitcache import njit

from ..climate._psychro_scalar import _dewpoint_from_pw, _dewpoint_newton, _pw_from_w, _pws
from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3
from .control import S_DEW_C, S_DEW_PW, S_HP_RUN_S, S_SUPPLY_W
from .outputs import (
    N_OUT,
    OUT_CHILLER_KW,
    OUT_COOLING_KW,
    OUT_DATASHEET_UNIT_KW,
    OUT_FANS_KW,
    OUT_FREE_FRACTION,
    OUT_FREE_KW,
    OUT_HEAT_PUMP_COP,
    OUT_HEAT_PUMP_HELD_ON,
    OUT_HEAT_PUMP_KW,
    OUT_HEAT_REJECTED_KW,
    OUT_HEAT_REMOVED_KW,
    OUT_HUMIDIFIER_KW,
    OUT_MECHANICAL_KW,
    OUT_MODE,
    OUT_PLANT_KW,
    OUT_PUMPS_KW,
    OUT_SUPPLY_AIR_C,
    OUT_SUPPLY_DEWPOINT_C,
    OUT_SUPPLY_RH_PCT,
    OUT_SUPPLY_W,
    OUT_UNMET_KW,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_HUMIDIFICATION_L,
    OUT_WATER_TOTAL_L,
)
from .dispatch import (
    SYSTEM_CHILLER_CRAH,
    SYSTEM_DRY_COOLER,
    SYSTEM_FRESH_AIR,
    SYSTEM_INDIRECT_EVAPORATIVE,
    SYSTEM_LIQUID,
    AnySystem,
    system_step,
)

__all__ = [
    "SYSTEM_CODES",
    "SYSTEM_CHILLER_CRAH",
    "SYSTEM_DRY_COOLER",
    "SYSTEM_FRESH_AIR",
    "SYSTEM_INDIRECT_EVAPORATIVE",
    "SYSTEM_LIQUID",
    "PlantParams",
    "plant_step",
]

SYSTEM_CODES = {
    "chiller-crah": SYSTEM_CHILLER_CRAH,
    "dry-cooler": SYSTEM_DRY_COOLER,
    "fresh-air": SYSTEM_FRESH_AIR,
    "indirect-evaporative": SYSTEM_INDIRECT_EVAPORATIVE,
    "liquid": SYSTEM_LIQUID,
}

#: Parameters of the plant: one tuple per component and system (every system's tuple is
#: present whatever the system, so that every scenario of a system compiles to one signature).
PlantParams = namedtuple(
    "PlantParams",
    [
        "control",  # dcsim.cooling.control.ControlParams
        "chiller",  # dcsim.cooling.chiller.ChillerParams (chillers, DX trim)
        "pumps",  # dcsim.cooling.pumps.PumpParams
        "tower",  # dcsim.cooling.heat_rejection.TowerParams (and waterside economiser)
        "dry_cooler",  # dcsim.cooling.heat_rejection.DryCoolerParams
        "fresh_air",  # dcsim.cooling.systems.fresh_air.FreshAirParams
        "indirect_evaporative",  # dcsim.cooling.systems.indirect_evaporative.IndirectEvaporativeParams
        "liquid",  # dcsim.cooling.systems.liquid.LiquidParams
        "heat_reuse",  # dcsim.heatreuse.HeatReuseParams
        "datasheet_unit",  # dcsim.cooling.datasheet_unit.DatasheetUnitParams (chilled-water systems)
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_cached(state, pw):
    """Dew point of vapour pressure pw (°C) by dcsim.climate.psychro's Newton iteration
    (:func:`~dcsim.climate._psychro_scalar._dewpoint_newton`), warm-started from the previous step's
    (state cache), falling back to the cold-started solver if it has not converged in 8 steps."""
    if pw == state[S_DEW_PW]:
        return state[S_DEW_C]
    td = 0.0
    ok = False
    if state[S_DEW_PW] > 0.0:
        td, ok = _dewpoint_newton(math.log(pw), state[S_DEW_C], 8)
    if not ok:
        td = _dewpoint_from_pw(pw)
    state[S_DEW_PW] = pw
    state[S_DEW_C] = td
    return td


@njit(cache=True, fastmath=False, error_model="numpy")
def _totals(p_pa, state, t_supply, w_supply, unmet, q_coil, q_liq, q_aux, q_mech, q_e, rejected, out):
    """Sums, supply-air humidity and the heat balance of a step from what the system wrote."""
    cooling = (out[OUT_CHILLER_KW] + out[OUT_FANS_KW] + out[OUT_PUMPS_KW] + out[OUT_HUMIDIFIER_KW]
               + out[OUT_DATASHEET_UNIT_KW])
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


@njit(cache=True, fastmath=False, error_model="numpy")
def plant_step(code, p, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c, q_liquid_kw, q_aux_kw,
               t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, dt_s, out):
    """Advance the cooling plant (and heat reuse) one step; see the module docstring. The heat
    pump runs whenever its COP exceeds 1 (:func:`plant_step_dispatched` with ``min_cop`` 1)."""
    return plant_step_dispatched(AnySystem(code), p, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c, q_liquid_kw,
                                 q_aux_kw, t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, 1.0, dt_s, out)


@njit(cache=True, fastmath=False, error_model="numpy")
def plant_step_dispatched(system, p, state, q_coil_kw, crah_flow_m3_s, t_return_c, t_supply_set_c, q_liquid_kw,
                          q_aux_kw, t_db_c, w_out, t_wb_c, p_pa, dh_demand_kw, hp_min_cop, dt_s, out):
    """:func:`plant_step` for ``system``, a marker of :mod:`dcsim.cooling.dispatch` (its class
    decides which system's step is compiled: :func:`~dcsim.cooling.dispatch.system_marker`
    compiles only that system's, ``AnySystem(code)`` all five), with the heat pump's
    dispatch: it runs only where its COP exceeds
    ``hp_min_cop`` (:func:`dcsim.heatreuse.heatpump.economic_min_cop`; 1: whenever it can).
    A compressor that has run for less than ``heat_reuse.min_run_s`` since it started keeps
    running (its threshold drops to 1) as long as it physically can (heat, demand, COP > 1);
    a step it runs at a loss only for that is flagged ``heat_pump_held_on``. Direct exchange
    has no compressor to protect."""
    for i in range(N_OUT):
        out[i] = 0.0
    q_coil = q_coil_kw if q_coil_kw > 0.0 else 0.0
    q_aux = q_aux_kw if q_aux_kw > 0.0 else 0.0
    q_liq = q_liquid_kw if q_liquid_kw > 0.0 else 0.0
    if system.code != SYSTEM_LIQUID:
        q_aux += q_liq
        q_liq = 0.0
    m = AIR_DENSITY_KG_PER_M3 * crah_flow_m3_s
    if m < 1e-6:
        m = 1e-6
    mcp = m * AIR_CP_J_PER_KG_K / 1000.0  # kW/K
    fan_rise = q_coil / mcp - (t_return_c - t_supply_set_c)
    if fan_rise < 0.0:
        fan_rise = 0.0
    t_target = t_supply_set_c - fan_rise
    ch = p.chiller
    t_chw = ch.chw_supply_c if ch.chw_supply_c == ch.chw_supply_c else t_supply_set_c - ch.chw_coil_approach_k
    run_s = state[S_HP_RUN_S]
    held = run_s > 0.0 and run_s < p.heat_reuse.min_run_s and hp_min_cop > 1.0
    dh = (dh_demand_kw if p.heat_reuse.enabled != 0.0 else 0.0, 1.0 if held else hp_min_cop)
    unmet, rejected, q_mech, q_e, t_supply, w_supply = system_step(
        system, p, state, q_coil, q_aux, q_liq, crah_flow_m3_s, m, mcp, t_return_c, t_target, t_supply_set_c, t_chw,
        t_db_c, w_out, t_wb_c, p_pa, state[S_SUPPLY_W], dh, dt_s, out)
    if AIR_DENSITY_KG_PER_M3 * crah_flow_m3_s < 1e-3:
        t_supply = t_supply_set_c  # no air moves: nothing to warm (unmet stays reported)
    compressor_on = out[OUT_HEAT_PUMP_KW] > 0.0
    state[S_HP_RUN_S] = run_s + dt_s if compressor_on else 0.0
    if held and compressor_on and not out[OUT_HEAT_PUMP_COP] > hp_min_cop:
        out[OUT_HEAT_PUMP_HELD_ON] = 1.0
    _totals(p_pa, state, t_supply, w_supply, unmet, q_coil, q_liq, q_aux, q_mech, q_e, rejected, out)
    return out[OUT_MODE]
