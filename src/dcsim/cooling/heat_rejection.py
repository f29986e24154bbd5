"""Heat rejection to outdoors: cooling towers, dry coolers, evaporative coolers.

Every function is a small ``@njit`` kernel with its equation's source in the docstring.
"""

from __future__ import annotations

import math
from collections import namedtuple

from .._jitcache import njit

from ..climate._psychro_scalar import _enthalpy, _ws

#: Latent heat used for evaporated water, J/kg: REFERENCES.md "Cooling plant" gives about
#: 1.47 L per kWh of heat rejected by evaporation, i.e. 3.6e6 / 1.47 = 2.45e6 J/kg (the latent
#: heat of water near 20 °C).
H_FG_J_PER_KG = 2.45e6

#: Cooling tower of a water-cooled chiller plant, and its waterside economiser.
TowerParams = namedtuple(
    "TowerParams",
    [
        "tower_approach_k",
        "tower_min_water_c",  # floor of the condenser water (head pressure)
        "tower_free_min_water_c",  # floor of the water in free cooling
        "tower_design_kw",
        "tower_fan_design_kw",
        "tower_evaporated_fraction",  # explicit share of heat by evaporation; NaN: computed each step
        "tower_freeze_wetbulb_c",  # below this outdoor wet bulb the tower runs dry (freeze protection)
        "tower_drift_fraction",
        "tower_cycles",
        "economizer",  # 1 on
        "wse_hx_approach_k",
    ],
)

#: Dry cooler (the dry-cooler system, and the liquid loop's NTU at design).
DryCoolerParams = namedtuple(
    "DryCoolerParams",
    [
        "dc_ntu_design",
        "dc_design_kw",
        "dc_fan_design_kw",
        "dc_hx_approach_k",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_leaving_water_c(t_wetbulb_c: float, approach_k: float, floor_c: float) -> float:
    """Cold-water temperature of a cooling tower: wet bulb + approach, held above a floor
    (fan cycling / head-pressure control), °C (REFERENCES.md: waterside economiser uses the
    wet bulb + tower approach)."""
    t = t_wetbulb_c + approach_k
    return t if t > floor_c else floor_c


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_runs_dry(t_wetbulb_c: float, freeze_wetbulb_c: float) -> bool:
    """Freeze protection: the tower runs dry (spray water off, heat rejected sensibly, nothing
    evaporates) when the outdoor wet bulb is below ``freeze_wetbulb_c`` (default 0 °C: the
    freezing point of water, which a wet tower's water approaches at low load since it tends
    to the wet bulb; docs/physics.md)."""
    return t_wetbulb_c < freeze_wetbulb_c


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_leaving_air_c(t_cold_water_c: float, range_k: float) -> float:
    """Air leaving a wet cooling tower, °C: saturated at the mean of the entering (hot) and
    leaving (cold) water, T_a,o = T_cold + range/2 (assumption, docs/physics.md: EnergyPlus's
    SaturatedExit method with its default design air flow gives 33.4 °C where this gives 32.2 °C
    at its rating point, 35 -> 29.4 °C water, 25.6 °C wet bulb)."""
    return t_cold_water_c + 0.5 * range_k


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_latent_fraction(t_drybulb_c: float, w_in: float, t_air_out_c: float, p_pa: float) -> float:
    """Share of a wet tower's heat carried away as latent heat (evaporation), from the air's
    sensible/latent split: the air enters at (T_db, W_in) and leaves saturated at T_a,o, so per
    kg of dry air it takes h_s(T_a,o) - h(T_db, W_in) of heat and W_s(T_a,o) - W_in of water:

        f = h_fg (W_s(T_a,o) - W_in) / (h_s(T_a,o) - h(T_db, W_in))

    (moist-air enthalpy and saturation humidity ratio: ASHRAE 2017 ch. 1 eqs. 23 and 30, the
    project's psychrometrics; h_fg = 2.45 MJ/kg, REFERENCES.md). The evaporated water is then
    E = f Q / h_fg = Q ΔW/Δh, the saturated-exit evaporation of EnergyPlus's cooling towers
    (CondenserLoopTowers.cc, CalculateWaterUseage, "SaturatedExit" mode) with the air flow
    that the energy balance Q = m_a Δh implies. Dimensionless; 0 when the leaving air would
    carry no more enthalpy or water than the entering air; above 1 when hot dry air gives
    sensible heat to the water (evaporation then exceeds Q/h_fg)."""
    ws_out = _ws(t_air_out_c, p_pa)
    dh = _enthalpy(t_air_out_c, ws_out) - _enthalpy(t_drybulb_c, w_in)
    dw = ws_out - w_in
    if dh <= 0.0 or dw <= 0.0:
        return 0.0
    return H_FG_J_PER_KG * dw / dh


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_evaporated_fraction(tw, dry: bool, t_cold_water_c: float, range_k: float, t_drybulb_c: float,
                              w_in: float, p_pa: float) -> float:
    """Share of the tower's heat that leaves by evaporation this step: 0 when it runs dry
    (:func:`tower_runs_dry`), the explicit ``tower_evaporated_fraction`` when one is set (not
    NaN), else :func:`tower_latent_fraction` with the air leaving at
    :func:`tower_leaving_air_c` of the cold water and the tower's range ``range_k`` (the
    condenser loop's constant ΔT). ``tw``: :data:`TowerParams`."""
    if dry:
        return 0.0
    f = tw.tower_evaporated_fraction
    if f == f:
        return f
    return tower_latent_fraction(t_drybulb_c, w_in, tower_leaving_air_c(t_cold_water_c, range_k), p_pa)


@njit(cache=True, fastmath=False, error_model="numpy")
def tower_water_kg(q_rejected_kw: float, dt_s: float, evaporated_fraction: float, drift_fraction: float,
                   cycles_of_concentration: float):
    """Water a cooling tower uses over a step, kg (= L): (evaporation, drift, blowdown).

    Evaporation E = f_evap Q dt / h_fg (about 1.47 L/kWh); drift D = f_drift E; blowdown
    B = E/(C - 1) - D (not below 0) so that make-up = E + D + B = E C/(C - 1) for C cycles of
    concentration (REFERENCES.md "Cooling plant": drift about 1 %, C about 5).
    """
    if q_rejected_kw <= 0.0:
        return 0.0, 0.0, 0.0
    evap = evaporated_fraction * q_rejected_kw * 1000.0 * dt_s / H_FG_J_PER_KG
    drift = drift_fraction * evap
    blow = evap / (cycles_of_concentration - 1.0) - drift if cycles_of_concentration > 1.0 else 0.0
    if blow < 0.0:
        blow = 0.0
    return evap, drift, blow


@njit(cache=True, fastmath=False, error_model="numpy")
def ntu_from_effectiveness(eps: float) -> float:
    """NTU of a heat exchanger whose other stream's capacity rate is much larger (C_r -> 0):
    eps = 1 - exp(-NTU), so NTU = -ln(1 - eps) (Incropera, eps-NTU relations for C_r = 0)."""
    return -math.log(1.0 - eps)


@njit(cache=True, fastmath=False, error_model="numpy")
def drycooler_effectiveness(ntu_design: float, load_fraction: float) -> float:
    """Water-side effectiveness of a dry cooler at full fan speed when its water flow is
    ``load_fraction`` of design (variable flow, constant design dT): NTU = NTU_d / phi,
    eps = 1 - exp(-NTU) (C_r -> 0; REFERENCES.md: entering water - T_db about 12 K and leaving
    approach about 4 K at rated duty give eps_d = 8/12). phi is floored at 0.05."""
    phi = load_fraction if load_fraction > 0.05 else 0.05
    return 1.0 - math.exp(-ntu_design / phi)


@njit(cache=True, fastmath=False, error_model="numpy")
def direct_evaporative_outlet_c(t_drybulb_c: float, t_wetbulb_c: float, effectiveness: float) -> float:
    """Outlet dry bulb of a direct evaporative cooler: T_out = T_db - eps (T_db - T_wb), °C
    (REFERENCES.md "Cooling plant": pad eps about 0.7-0.9)."""
    return t_drybulb_c - effectiveness * (t_drybulb_c - t_wetbulb_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def indirect_evaporative_outlet_c(t_primary_in_c: float, t_secondary_c: float, effectiveness: float) -> float:
    """Primary-air outlet of an indirect (air-to-air) evaporative cooler:
    T_out = T_in - eps (T_in - T_sec), T_sec = outdoor wet bulb (wet mode) or dry bulb (dry
    mode), °C (REFERENCES.md "Cooling plant": indirect eps about 0.65)."""
    return t_primary_in_c - effectiveness * (t_primary_in_c - t_secondary_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def drycooler_leaving_water_c(t_in_c: float, t_drybulb_c: float, effectiveness: float) -> float:
    """Water leaving a dry cooler: T_out = T_in - eps (T_in - T_db) when the air is colder than
    the water, else the water passes unchanged (a dry cooler cannot heat it), °C
    (eps from :func:`drycooler_effectiveness`)."""
    if t_in_c > t_drybulb_c:
        return t_in_c - effectiveness * (t_in_c - t_drybulb_c)
    return t_in_c
