"""Heat rejection to outdoors: cooling towers, dry coolers, evaporative coolers.

Every function is a small ``@njit`` kernel with its equation's source in the docstring.
"""

from __future__ import annotations

import math
from collections import namedtuple

from numba import njit

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
        "tower_evaporated_fraction",
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
