"""liquid: a direct-to-chip water loop (supply about 40 °C) rejected by its own dry cooler,
any excess trimmed through the chilled-water plant; the air side is the dry-cooler system
(:mod:`.dry_cooler`). Equations in docs/physics.md."""

from __future__ import annotations

from collections import namedtuple

from ..._jitcache import njit

from ...heatreuse.heatpump import SOURCE_LIQUID_LOOP
from ..fans import fan_power_kw, speed_fraction_clamped
from ..heat_rejection import drycooler_effectiveness
from ..outputs import OUT_FANS_KW, OUT_LIQUID_SUPPLY_C, OUT_PUMPS_KW, reuse_heat
from ..pumps import pump_power_kw
from .dry_cooler import dry_cooler_step

#: The direct-to-chip loop and its dry cooler.
LiquidParams = namedtuple(
    "LiquidParams",
    [
        "liq_supply_c",  # loop supply to the cold plates
        "liq_delta_t_k",
        "liq_cdu_approach_k",  # coolant distribution unit: facility water below the loop supply
        "liq_pump_pa",
        "liq_dc_design_kw",
        "liq_dc_fan_design_kw",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def liquid_loop(p, q_liquid_kw, t_db_c, dh, out):
    """The liquid loop carrying ``q_liquid_kw`` from the chips: its pump, heat reuse on the loop
    return, and its dry cooler (capacity c eps (T_return - T_db), fans by the affinity law on
    its load fraction). Returns (q_trim_kw, rejected_kw, q_reused_kw): heat the dry cooler
    could not take (to the chilled-water plant), heat it rejected, heat the heat pump took."""
    lq = p.liquid
    p_l = pump_power_kw(q_liquid_kw, lq.liq_delta_t_k, lq.liq_pump_pa, p.pumps.pump_efficiency)
    q_l = q_liquid_kw + p_l
    out[OUT_PUMPS_KW] += p_l
    c_l = q_l / lq.liq_delta_t_k
    t_fs = lq.liq_supply_c - lq.liq_cdu_approach_k
    t_fr = t_fs + lq.liq_delta_t_k
    q_e = 0.0
    if p.heat_reuse.source == SOURCE_LIQUID_LOOP:
        q_e = reuse_heat(p.heat_reuse, q_l, lq.liq_supply_c + lq.liq_delta_t_k, lq.liq_supply_c, t_db_c, dh,
                         out)
        q_l -= q_e
        if c_l > 0.0:
            t_fr = t_fs + q_l / c_l
    phi = c_l * lq.liq_delta_t_k / lq.liq_dc_design_kw if lq.liq_dc_design_kw > 0.0 else 1.0
    eps = drycooler_effectiveness(p.dry_cooler.dc_ntu_design, phi)
    q_ldc_max = c_l * eps * (t_fr - t_db_c) if t_fr > t_db_c else 0.0
    q_ldc = q_l if q_l < q_ldc_max else q_ldc_max
    f_ldc = fan_power_kw(lq.liq_dc_fan_design_kw, speed_fraction_clamped(q_ldc / q_ldc_max)) if q_ldc > 0.0 else 0.0
    out[OUT_FANS_KW] += f_ldc
    out[OUT_LIQUID_SUPPLY_C] = lq.liq_supply_c
    return q_l - q_ldc, q_ldc + f_ldc, q_e


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def liquid_step(p, state, q_coil, q_liquid_kw, q_aux, t_return_c, t_target, t_chw, t_db_c, t_wb_c, dh, dt_s,
                out):
    """One step of the liquid system: the liquid loop, then the air side with the loop's excess
    (:func:`dcsim.cooling.systems.dry_cooler.dry_cooler_step`). Returns (unmet_kw, rejected_kw,
    q_mech_kw, q_reused_kw)."""
    q_trim, rejected, q_e = liquid_loop(p, q_liquid_kw, t_db_c, dh, out)
    unmet, rej, q_mech, q_e_air = dry_cooler_step(p, state, q_coil, q_aux, q_trim, t_return_c, t_target, t_chw, t_db_c,
                                                  t_wb_c, dh, dt_s, out)
    return unmet, rejected + rej, q_mech, q_e + q_e_air
