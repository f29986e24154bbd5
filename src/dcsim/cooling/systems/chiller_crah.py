"""chiller-crah: air handlers on a chilled-water loop, chillers with an air-cooled condenser,
or water-cooled with a cooling tower and an optional waterside economiser (Stein 2009 modes
free / partial-free / mechanical, and free-dry when the tower runs dry for freeze protection;
equations in docs/physics.md)."""

from __future__ import annotations

from ..._jitcache import njit

from ...heatreuse.heatpump import SOURCE_RETURN_AIR
from .. import MODE_MECHANICAL
from ..control import reported_mode
from ..datasheet_unit import datasheet_unit_mode
from ..heat_rejection import tower_leaving_water_c, tower_runs_dry
from ..outputs import reuse_heat
from .chilled_water import air_cooled_rejection, chilled_water_loop, chilled_water_production, write_plant_outputs, tower_rejection


@njit(cache=True, fastmath=False, error_model="numpy", inline="always")
def chiller_crah_step(p, state, q_coil, q_aux, t_return_c, t_target, t_chw, t_db_c, w_out, t_wb_c, p_pa, dh,
                      dt_s, out):
    """One step of the chiller-crah plant for coil heat ``q_coil`` and other indoor heat
    ``q_aux`` (kW) at chilled-water supply ``t_chw`` (°C), outdoor air at dry bulb ``t_db_c``,
    humidity ratio ``w_out``, wet bulb ``t_wb_c``, pressure ``p_pa``. Heat reuse on the return
    air or the chilled water. A water-cooled plant's tower runs dry below its freeze-protection
    wet bulb (:func:`dcsim.cooling.heat_rejection.tower_runs_dry`): it then cools its water
    towards the dry bulb instead of the wet bulb, with the same approach and floors, and
    evaporates nothing. A datasheet unit (``cooling.datasheet_unit``) takes what the economiser
    left ahead of the chillers. Returns (unmet_kw, rejected_kw, q_mech_kw, q_reused_kw)."""
    q_e = 0.0
    if p.heat_reuse.source == SOURCE_RETURN_AIR:
        q_e = reuse_heat(p.heat_reuse, q_coil, t_return_c, t_target, t_db_c, dh, out)
    q_chw, c_w, t_ret, q_e_chw = chilled_water_loop(p, q_coil - q_e + q_aux, t_chw, t_db_c, dh, out)
    q_e += q_e_chw  # one source at most: the other term is 0
    tw = p.tower
    water_cooled = p.chiller.condenser_water == 1.0
    has_free = tw.economizer == 1.0
    dry = water_cooled and tower_runs_dry(t_wb_c, tw.tower_freeze_wetbulb_c)
    t_air = t_db_c if dry else t_wb_c  # what the tower cools its water towards
    # waterside economiser: tower water through a plate heat exchanger
    t_tower_free = tower_leaving_water_c(t_air, tw.tower_approach_k, tw.tower_free_min_water_c)
    t_free = t_tower_free + tw.wse_hx_approach_k
    t_cond_src = tower_leaving_water_c(t_air, tw.tower_approach_k, tw.tower_min_water_c) if water_cooled else t_db_c
    mode, q_free, _, q_unit, p_unit, q_mech, p_ch, cop, unmet = chilled_water_production(
        p, state, has_free, t_free, t_cond_src, q_chw, c_w, t_chw, t_ret, t_db_c, t_wb_c, dt_s, out)
    pumps = 0.0
    if water_cooled:
        # the tower's cold water: at the condenser floor when only the chillers use it
        t_cold = t_cond_src if mode == MODE_MECHANICAL else t_tower_free
        fans, pumps, rejected = tower_rejection(p, q_free, q_mech, p_ch, dry, t_cold, t_db_c, w_out, p_pa, dt_s, out)
    else:
        fans, rejected = air_cooled_rejection(p.chiller, q_mech, p_ch)
    rejected += q_unit + p_unit  # the datasheet unit's heat and electricity, to outdoor air
    shown = datasheet_unit_mode(p.datasheet_unit, reported_mode(mode, dry), q_unit, q_mech)
    write_plant_outputs(out, shown, p_ch, fans, pumps, cop)
    return unmet, rejected, q_mech, q_e
