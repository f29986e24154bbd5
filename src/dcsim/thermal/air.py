"""Air-side heat transport in the white space."""

from __future__ import annotations

from .._jitcache import njit

from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3

# Recirculation share of rack inlet air by containment. Assumptions (no published value in
# REFERENCES.md fits a generic hall): open aisles recirculate about a tenth of the inlet air,
# containment cuts it to a few per cent. Scenario key room.recirculation_fraction overrides.
RECIRCULATION_BY_CONTAINMENT = {"none": 0.10, "cold-aisle": 0.03, "hot-aisle": 0.02}

# Air the air handlers move beyond the servers' net demand (bypass), as a share of that demand,
# by containment, when cooling.crah.airflow_oversupply_fraction is empty. Open aisles: 1.5, i.e.
# 60 % of the supply bypassing the equipment, the average of 19 computer rooms measured by the
# Uptime Institute (Sullivan, Strong, Brill, "Reducing Bypass Airflow Is Essential for
# Eliminating Computer Room Hot Spots", 2004: more than 15,000 measurements, 40 % of the cold
# air reaching the equipment). Contained aisles: 0.1, an assumption (no survey at hand; a
# contained aisle leaks through gaps and doors).
OVERSUPPLY_BY_CONTAINMENT = {"none": 1.5, "cold-aisle": 0.1, "hot-aisle": 0.1}


@njit(cache=True, fastmath=False, error_model="numpy")
def air_heat_kw(flow_m3_s: float, delta_t_k: float) -> float:
    """Heat carried by an air stream: Q = rho c_p V dT, kW (REFERENCES.md "Air side")."""
    return AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K * flow_m3_s * delta_t_k / 1000.0
