"""dry-cooler: air handlers on a chilled-water loop whose return passes a dry cooler in series
ahead of an air-cooled chiller: free, partial-free and mechanical modes (equations in
docs/physics.md). Also the air side of the liquid system (:mod:`.liquid`)."""

from __future__ import annotations

from ..._jitcache import njit

from ...heatreuse.heatpump import SOURCE_RETURN_AIR
from ..datasheet_unit import datasheet_unit_mode
from ..fans import fan_power_kw, speed_fraction_clamped
from ..heat_rejection import drycooler_effectiveness, drycooler_leaving_water_c
from ..outputs import reuse_heat
from ..pumps import pump_power_kw
from .chilled_water import air_cooled_rejection, chilled_water_loop, chilled_water_production, write_plant_outputs


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def dry_cooler_step(p, state, q_coil, q_aux, q_trim, t_return_c, t_target, t_chw, t_db_c, t_wb_c, dh, dt_s,
                    out):
    """One step of the dry-cooler plant for coil heat ``q_coil``, other indoor heat ``q_aux``
    and ``q_trim``, heat a liquid loop passes on (kW; 0 for the dry-cooler system), at
    chilled-water supply ``t_chw`` (°C), outdoor dry bulb ``t_db_c`` and wet bulb ``t_wb_c``.
    A datasheet unit (``cooling.datasheet_unit``) takes what the dry cooler left ahead of the
    chiller. Returns (unmet_kw, rejected_kw, q_mech_kw, q_reused_kw)."""
    q_e = 0.0
    if p.heat_reuse.source == SOURCE_RETURN_AIR:
        q_e = reuse_heat(p.heat_reuse, q_coil, t_return_c, t_target, t_db_c, dh, out)
    q_chw, c_w, t_ret, q_e_chw = chilled_water_loop(p, q_coil - q_e + q_aux + q_trim, t_chw, t_db_c, dh,
                                                    out)
    q_e += q_e_chw  # one source at most: the other term is 0
    dc = p.dry_cooler
    phi = c_w * p.chiller.chw_delta_t_k / dc.dc_design_kw if dc.dc_design_kw > 0.0 else 1.0
    eps = drycooler_effectiveness(dc.dc_ntu_design, phi)
    t_free = drycooler_leaving_water_c(t_ret, t_db_c, eps) + dc.dc_hx_approach_k
    mode, q_free, q_free_max, q_unit, p_unit, q_mech, p_ch, cop, unmet = chilled_water_production(
        p, state, True, t_free, t_db_c, q_chw, c_w, t_chw, t_ret, t_db_c, t_wb_c, dt_s, out)
    fans, rejected = air_cooled_rejection(p.chiller, q_mech, p_ch)
    rejected += q_unit + p_unit  # the datasheet unit's heat and electricity, to outdoor air
    pumps = 0.0
    if q_free > 0.0:  # the dry cooler's glycol pump and fans
        pu = p.pumps
        p_gly = pump_power_kw(q_free, pu.cond_delta_t_k, pu.cond_pump_pa, pu.pump_efficiency)
        f_dc = fan_power_kw(dc.dc_fan_design_kw, speed_fraction_clamped(q_free / q_free_max))
        pumps += p_gly
        fans += f_dc
        rejected += q_free + p_gly + f_dc
    write_plant_outputs(out, datasheet_unit_mode(p.datasheet_unit, mode, q_unit, q_mech), p_ch, fans, pumps, cop)
    return unmet, rejected, q_mech, q_e
