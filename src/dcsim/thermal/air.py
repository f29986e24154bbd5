"""Air-side heat transport in the white space."""

from __future__ import annotations

from numba import njit

from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3

# Recirculation share of rack inlet air by containment. Assumptions (no published value in
# REFERENCES.md fits a generic hall): open aisles recirculate about a tenth of the inlet air,
# containment cuts it to a few per cent. Scenario key room.recirculation_fraction overrides.
RECIRCULATION_BY_CONTAINMENT = {"none": 0.10, "cold-aisle": 0.03, "hot-aisle": 0.02}


@njit(cache=True, fastmath=False, error_model="numpy")
def air_temperature_rise_k(heat_kw: float, flow_m3_s: float) -> float:
    """Temperature rise of an air stream taking up ``heat_kw``: dT = Q / (rho c_p V), K.

    REFERENCES.md "Air side" (rho 1.2 kg/m3, c_p 1006 J/(kg K)).
    """
    return heat_kw * 1000.0 / (AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K * flow_m3_s)


@njit(cache=True, fastmath=False, error_model="numpy")
def air_heat_kw(flow_m3_s: float, delta_t_k: float) -> float:
    """Heat carried by an air stream: Q = rho c_p V dT, kW (inverse of air_temperature_rise_k)."""
    return AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K * flow_m3_s * delta_t_k / 1000.0


@njit(cache=True, fastmath=False, error_model="numpy")
def recirculated_inlet_c(supply_c: float, rack_rise_k: float, recirculation: float) -> float:
    """Rack inlet temperature when a share ``r`` of the inlet air is the rack's own exhaust.

    T_in = (1 - r) T_sup + r T_out with T_out = T_in + dT (EnergyPlus per-rack form,
    REFERENCES.md "Air side"); solved for T_in: T_in = T_sup + r dT / (1 - r), °C.
    """
    return supply_c + recirculation * rack_rise_k / (1.0 - recirculation)
