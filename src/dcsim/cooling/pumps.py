"""Water pumps of the cooling loops (chilled water, condenser water or glycol, liquid loop)."""

from __future__ import annotations

from collections import namedtuple

from .._jitcache import njit

from ..units import WATER_CP_J_PER_KG_K, WATER_DENSITY_KG_PER_M3

#: The pumps of a plant: loop pressure rises (Pa), wire-to-water efficiency, condenser dT.
PumpParams = namedtuple(
    "PumpParams",
    [
        "chw_pump_pa",  # chilled-water loop
        "pump_efficiency",  # every pump
        "cond_pump_pa",  # condenser-water / glycol loop
        "cond_delta_t_k",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def pump_power_kw(heat_kw: float, delta_t_k: float, pressure_rise_pa: float, efficiency: float) -> float:
    """Hydraulic pump power for a water loop carrying ``heat_kw`` at ``delta_t_k``.

    P = dp * V / eta with V = Q / (rho_w c_w dT) (REFERENCES.md "Pumps"), kW.
    """
    flow_m3_s = heat_kw * 1000.0 / (WATER_DENSITY_KG_PER_M3 * WATER_CP_J_PER_KG_K * delta_t_k)
    return pressure_rise_pa * flow_m3_s / efficiency / 1000.0
