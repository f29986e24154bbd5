"""chiller-crah: air handlers on a chilled-water loop, chillers with an air-cooled condenser,
or water-cooled with a cooling tower and an optional waterside economiser (Stein 2009 modes
free / partial-free / mechanical; equations in docs/physics.md)."""

from __future__ import annotations

from numba import njit

from ...heatreuse.heatpump import SOURCE_RETURN_AIR
from ..heat_rejection import tower_leaving_water_c
from ..outputs import reuse_heat
from .chilled_water import air_cooled_rejection, chilled_water_loop, chilled_water_production, write_plant_outputs, tower_rejection


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def chiller_crah_step(p, state, q_coil, q_aux, t_return_c, t_target, t_chw, t_db_c, t_wb_c, dh_demand_kw, dt_s, out):
    """One step of the chiller-crah plant for coil heat ``q_coil`` and other indoor heat
    ``q_aux`` (kW) at chilled-water supply ``t_chw`` (°C). Heat reuse on the return air or the
    chilled water. Returns (unmet_kw, rejected_kw, q_mech_kw, q_reused_kw)."""
    q_e = 0.0
    if p.heat_reuse.source == SOURCE_RETURN_AIR:
        q_e = reuse_heat(p.heat_reuse, q_coil, t_return_c, t_target, t_db_c, dh_demand_kw, out)
    q_chw, c_w, t_ret, q_e_chw = chilled_water_loop(p, q_coil - q_e + q_aux, t_chw, t_db_c, dh_demand_kw, out)
    q_e += q_e_chw  # one source at most: the other term is 0
    tw = p.tower
    water_cooled = p.chiller.condenser_water == 1.0
    has_free = tw.economizer == 1.0
    # waterside economiser: tower water through a plate heat exchanger
    t_free = tower_leaving_water_c(t_wb_c, tw.tower_approach_k, tw.tower_free_min_water_c) + tw.wse_hx_approach_k
    t_cond_src = tower_leaving_water_c(t_wb_c, tw.tower_approach_k, tw.tower_min_water_c) if water_cooled else t_db_c
    mode, q_free, _, q_mech, p_ch, cop, unmet = chilled_water_production(p, state, has_free, t_free, t_cond_src,
                                                                         q_chw, c_w, t_chw, t_ret, dt_s)
    pumps = 0.0
    if water_cooled:
        fans, pumps, rejected = tower_rejection(p, q_free, q_mech, p_ch, dt_s, out)
    else:
        fans, rejected = air_cooled_rejection(p.chiller, q_mech, p_ch)
    write_plant_outputs(out, mode, p_ch, fans, pumps, cop)
    return unmet, rejected, q_mech, q_e
