"""The cooling plant's kernel parameters from the scenario's ``cooling`` and ``heat_reuse``
sections: one builder per component and system, assembled by :func:`build_plant` into
:data:`dcsim.cooling.plant.PlantParams` (the kernel's interface is documented in
:mod:`dcsim.cooling.plant`)."""

from __future__ import annotations

import numpy as np

from ..climate._psychro_scalar import _pws, _w_from_pw
from ..cooling.chiller import ChillerParams, fit_lift_terms
from ..cooling.control import N_STATE, ControlParams
from ..cooling.datasheet_unit import DatasheetUnitParams
from ..cooling.heat_rejection import DryCoolerParams, TowerParams, ntu_from_effectiveness
from ..cooling.plant import SYSTEM_CHILLER_CRAH, SYSTEM_CODES, SYSTEM_LIQUID, PlantParams
from ..cooling.pumps import PumpParams
from ..cooling.systems.fresh_air import FreshAirParams
from ..cooling.systems.indirect_evaporative import IndirectEvaporativeParams
from ..cooling.systems.liquid import LiquidParams
from ..data.equipment import chiller_curve_key, get_chiller
from ..thermal.ashrae import ashrae_humidity_limits
from .heat_reuse import build_heat_reuse
from .tables import float_tuple, pad_table

def carnot_lift_terms(ch, cur) -> tuple[float, float, float]:
    """(a0_k, a1, a2_per_k) of the Carnot-form chiller (:func:`dcsim.cooling.chiller.lift_cop`):
    the catalogue curve set ``cur`` fitted at full load over its range with the scenario's
    approaches and condensing floor (:func:`dcsim.cooling.chiller.fit_lift_terms`), scaled so
    the Carnot fraction at ``carnot_reference_lift_k`` is ``carnot_efficiency`` when given;
    ``carnot_fraction = "constant"``: (0, 1/carnot_efficiency, 0)."""
    if ch.carnot_fraction == "constant":
        return 0.0, 1.0 / float(ch.carnot_efficiency), 0.0
    a0, a1, a2 = fit_lift_terms(cur.cop_ref, cur.eirft, cur.eirfplr, (cur.t_chw_min_c, cur.t_chw_max_c),
                                (cur.t_cond_min_c, cur.t_cond_max_c), float(ch.evaporator_approach_k),
                                float(ch.condenser_approach_k), float(ch.min_condensing_c))
    if ch.carnot_efficiency is not None:
        lift = float(ch.carnot_reference_lift_k)
        eta_fit = lift / (a0 + a1 * lift + a2 * lift * lift)
        k = eta_fit / float(ch.carnot_efficiency)
        a0, a1, a2 = a0 * k, a1 * k, a2 * k
    return a0, a1, a2


def build_chiller(ch, mech_capacity_kw: float) -> ChillerParams:
    """ChillerParams from ``cooling.chiller``: the curve set from the equipment catalogue (the
    condenser type's default when ``curve`` is empty). Model "eir" uses its curves; model
    "carnot" its lift relation (:func:`carnot_lift_terms`) and its part-load curve, with the
    capacity the nameplate (PLR at most 1)."""
    cur = get_chiller(chiller_curve_key(ch.curve, ch.condenser))
    eir = ch.model == "eir"
    a0, a1, a2 = carnot_lift_terms(ch, cur) if not eir else (0.0, 1.0, 0.0)
    # the constant fraction is the walking-skeleton chiller: the same COP at every load
    eirfplr, plr_min, plr_min_unl = ((0.0, 1.0, 0.0), 0.0, 0.0) if ch.carnot_fraction == "constant" and not eir else (
        cur.eirfplr, cur.plr_min, cur.plr_min_unloading)
    return ChillerParams(
        mech_capacity_kw=float(mech_capacity_kw),
        chiller_model=1.0 if eir else 0.0,
        condenser_water=1.0 if ch.condenser == "water" else 0.0,
        chiller_count=float(ch.count),
        carnot_a0_k=float(a0),
        carnot_a1=float(a1),
        carnot_a2_per_k=float(a2),
        chw_supply_c=float("nan") if ch.chilled_water_supply_c is None else float(ch.chilled_water_supply_c),
        chw_coil_approach_k=float(ch.coil_approach_k),
        chw_delta_t_k=float(ch.chilled_water_delta_t_k),
        evaporator_approach_k=float(ch.evaporator_approach_k),
        condenser_approach_k=float(ch.condenser_approach_k),
        min_condensing_c=float(ch.min_condensing_c),
        condenser_fan_power_ratio=float(ch.condenser_fan_power_ratio),
        eir_cop_ref=float(cur.cop_ref), eir_capft=float_tuple(cur.capft), eir_eirft=float_tuple(cur.eirft),
        eir_eirfplr=float_tuple(eirfplr), eir_t_chw_min_c=float(cur.t_chw_min_c),
        eir_t_chw_max_c=float(cur.t_chw_max_c), eir_t_cond_min_c=float(cur.t_cond_min_c),
        eir_t_cond_max_c=float(cur.t_cond_max_c), eir_plr_min=float(plr_min),
        eir_plr_min_unl=float(plr_min_unl), eir_plr_max=float(cur.plr_max) if eir else 1.0,
    )


def build_pumps(pumps) -> PumpParams:
    """PumpParams from ``cooling.pumps`` (kPa to Pa)."""
    return PumpParams(
        chw_pump_pa=float(pumps.pressure_rise_kpa) * 1000.0,
        pump_efficiency=float(pumps.efficiency),
        cond_pump_pa=float(pumps.condenser_pressure_rise_kpa) * 1000.0,
        cond_delta_t_k=float(pumps.condenser_delta_t_k),
    )


def build_tower(tw, economizer, design_kw: float) -> TowerParams:
    """TowerParams from ``cooling.tower`` and ``cooling.economizer``; fans sized on ``design_kw``.
    An empty ``evaporated_fraction`` becomes NaN: the kernel computes the share each step."""
    return TowerParams(
        tower_approach_k=float(tw.approach_k),
        tower_min_water_c=float(tw.min_condenser_water_c),
        tower_free_min_water_c=float(tw.min_free_cooling_water_c),
        tower_design_kw=float(design_kw),
        tower_fan_design_kw=float(tw.fan_kw_per_kw) * design_kw,
        tower_evaporated_fraction=float("nan") if tw.evaporated_fraction is None else float(tw.evaporated_fraction),
        tower_freeze_wetbulb_c=float(tw.freeze_protection_wetbulb_c),
        tower_drift_fraction=float(tw.drift_fraction),
        tower_cycles=float(tw.cycles_of_concentration),
        economizer=1.0 if economizer.enabled else 0.0,
        wse_hx_approach_k=float(economizer.hx_approach_k),
    )


def build_dry_cooler(dc, design_load_kw: float) -> DryCoolerParams:
    """DryCoolerParams from ``cooling.dry_cooler`` (capacity defaults to the design load)."""
    design = float(dc.capacity_kw) if dc.capacity_kw is not None else design_load_kw
    return DryCoolerParams(
        dc_ntu_design=float(ntu_from_effectiveness(dc.effectiveness)),
        dc_design_kw=design,
        dc_fan_design_kw=float(dc.fan_power_fraction) * design,
        dc_hx_approach_k=float(dc.hx_approach_k),
    )


def build_fresh_air(fa, ashrae_class: str) -> FreshAirParams:
    """FreshAirParams from ``cooling.fresh_air``; humidity limits default to the ASHRAE class's."""
    lim = ashrae_humidity_limits(ashrae_class)
    return FreshAirParams(
        fa_evap_effectiveness=float(fa.evaporative_effectiveness),
        fa_relief_kw_per_m3_s=float(fa.relief_fan_kw_per_m3_per_s),
        fa_steam_j_per_kg=float(fa.steam_kwh_per_kg) * 3.6e6 if fa.humidifier == "steam" else 0.0,
        adiabatic_pump_j_per_kg=float(fa.adiabatic_pump_kwh_per_kg) * 3.6e6,
        min_dewpoint_c=float(fa.min_dewpoint_c if fa.min_dewpoint_c is not None else lim[0]),
        min_rh_pct=float(fa.min_rh_pct if fa.min_rh_pct is not None else lim[1]),
        max_dewpoint_c=float(fa.max_dewpoint_c if fa.max_dewpoint_c is not None else lim[2]),
        max_rh_pct=float(fa.max_rh_pct if fa.max_rh_pct is not None else lim[3]),
    )


def build_indirect_evaporative(iec, fa, design_crah_flow_m3_s: float) -> IndirectEvaporativeParams:
    """IndirectEvaporativeParams from ``cooling.indirect_evaporative`` (scavenger fans sized on
    the air handlers' design flow; spray pump energy from ``cooling.fresh_air``)."""
    return IndirectEvaporativeParams(
        iec_eps_dry=float(iec.dry_effectiveness),
        iec_eps_wet=float(iec.wet_effectiveness),
        iec_fan_design_kw=float(iec.scavenger_fan_kw_per_m3_per_s) * float(iec.scavenger_flow_ratio)
        * float(design_crah_flow_m3_s),
        iec_cycles=float(iec.cycles_of_concentration),
        adiabatic_pump_j_per_kg=float(fa.adiabatic_pump_kwh_per_kg) * 3.6e6,
    )


def build_liquid(liq, dc, sizing_factor: float, design_liquid_kw: float) -> LiquidParams:
    """LiquidParams from ``cooling.liquid``; its dry cooler defaults to ``sizing_factor`` x the
    design liquid heat, fans at the dry cooler's power fraction."""
    design = (float(liq.dry_cooler_capacity_kw) if liq.dry_cooler_capacity_kw is not None
              else sizing_factor * float(design_liquid_kw))
    return LiquidParams(
        liq_supply_c=float(liq.supply_c),
        liq_delta_t_k=float(liq.delta_t_k),
        liq_cdu_approach_k=float(liq.cdu_approach_k),
        liq_pump_pa=float(liq.pressure_rise_kpa) * 1000.0,
        liq_dc_design_kw=design,
        liq_dc_fan_design_kw=float(dc.fan_power_fraction) * design,
    )


def build_datasheet_unit(du) -> DatasheetUnitParams:
    """DatasheetUnitParams from ``cooling.datasheet_unit`` (None: no unit): the one unit's
    capacity and power tables times ``units``, padded to :data:`dcsim.model.tables.TABLE_SIZE`."""
    if du is None:
        xs, zeros = pad_table([0.0], [0.0])
        return DatasheetUnitParams(du_installed=0.0, du_wetbulb=0.0, du_outdoor_c=xs, du_capacity_kw=zeros,
                                   du_power_kw=zeros, du_water_l_per_kwh=0.0)
    n = float(du.units)
    xs, cap = pad_table(du.outdoor_c, [n * float(v) for v in du.capacity_kw], "cooling.datasheet_unit.capacity_kw")
    _, power = pad_table(du.outdoor_c, [n * float(v) for v in du.power_kw], "cooling.datasheet_unit.power_kw")
    return DatasheetUnitParams(
        du_installed=1.0,
        du_wetbulb=1.0 if du.against == "outdoor_wetbulb_c" else 0.0,
        du_outdoor_c=xs,
        du_capacity_kw=cap,
        du_power_kw=power,
        du_water_l_per_kwh=float(du.water_l_per_kwh),
    )


def _check_condenser(c, code: int) -> None:
    ch = c.chiller
    if code == SYSTEM_CHILLER_CRAH and c.economizer.enabled and ch.condenser != "water":
        raise ValueError("cooling.economizer needs cooling.chiller.condenser = 'water' (use cooling.system = 'dry-cooler' for air)")
    if ch.condenser == "water" and code != SYSTEM_CHILLER_CRAH:
        raise ValueError("cooling.chiller.condenser = 'water' is only modelled for cooling.system = 'chiller-crah'")


def build_plant(cooling, heat_reuse, design_it_kw: float, design_crah_flow_m3_s: float, *,
                ashrae_class: str = "A1", design_heat_kw: float | None = None, design_liquid_kw: float | None = None,
                initial_dewpoint_c: float = 8.0, pressure_pa: float = 101325.0):
    """(code, PlantParams, state0) from the scenario sections (see :mod:`dcsim.cooling.plant`).

    ``design_it_kw``: IT power at full load (sizes the heat pump); ``design_heat_kw``: the
    design cooling load (default design_it_kw; the engine's design heat, servers at full load
    plus fans). Compressor capacity is ``cooling.chiller.capacity_kw``, else
    ``cooling.capacity_kw``, else ``cooling.sizing_factor`` x design heat; heat rejection
    (tower, dry cooler) is sized on the same design load; ``design_crah_flow_m3_s``:
    air-handler design flow (sizes scavenger fans); ``design_liquid_kw``: design heat into the
    liquid loop (default ``cooling.liquid.share`` x design IT); ``initial_dewpoint_c``: room
    humidity at the start (closed-loop systems keep it; default 8 °C, inside the ASHRAE
    recommended range). ValueError for a combination the plant does not model.
    """
    if design_it_kw <= 0:
        raise ValueError("design_it_kw must be > 0")
    if design_crah_flow_m3_s < 0:
        raise ValueError("design_crah_flow_m3_s must be >= 0")
    c = cooling
    code = SYSTEM_CODES[c.system]
    _check_condenser(c, code)
    heat = float(design_heat_kw) if design_heat_kw is not None else float(design_it_kw)
    design_load = float(c.capacity_kw) if c.capacity_kw is not None else c.sizing_factor * heat
    mech_cap = float(c.chiller.capacity_kw) if c.chiller.capacity_kw is not None else design_load
    if design_liquid_kw is None:
        design_liquid_kw = c.liquid.share * float(design_it_kw) if code == SYSTEM_LIQUID else 0.0
    params = PlantParams(
        control=ControlParams(min_mode_time_s=float(c.min_mode_time_s), mode_deadband_k=float(c.mode_deadband_k)),
        chiller=build_chiller(c.chiller, mech_cap),
        pumps=build_pumps(c.pumps),
        tower=build_tower(c.tower, c.economizer, 1.2 * max(mech_cap, design_load)),
        dry_cooler=build_dry_cooler(c.dry_cooler, design_load),
        fresh_air=build_fresh_air(c.fresh_air, ashrae_class),
        indirect_evaporative=build_indirect_evaporative(c.indirect_evaporative, c.fresh_air, design_crah_flow_m3_s),
        liquid=build_liquid(c.liquid, c.dry_cooler, c.sizing_factor, design_liquid_kw),
        heat_reuse=build_heat_reuse(heat_reuse, code, design_it_kw),
        datasheet_unit=build_datasheet_unit(c.datasheet_unit),
    )
    w0 = float(_w_from_pw(_pws(initial_dewpoint_c), pressure_pa))
    state = np.array([-1.0, 1e30, w0, 0.0, -1.0, 0.0, 0.0])
    assert state.shape[0] == N_STATE
    return code, params, state
