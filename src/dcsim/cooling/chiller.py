"""Chillers and chilled-water pumps."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..units import KELVIN_OFFSET, WATER_CP_J_PER_KG_K, WATER_DENSITY_KG_PER_M3


@njit(cache=True)
def carnot_cop(t_evap_c: float, t_cond_c: float, carnot_efficiency: float) -> float:
    """Cooling COP of a chiller as a fraction of the Carnot COP.

    COP = eta * T_evap / (T_cond - T_evap), temperatures in kelvin (REFERENCES.md "Cooling
    plant", Carnot-fraction chiller; eta about 0.3 in the Modelica Buildings examples).
    The lift is floored at 1 K so the COP stays finite; callers floor the condensing
    temperature (head-pressure control) well above that.
    """
    t_evap_k = t_evap_c + KELVIN_OFFSET
    lift_k = max(t_cond_c - t_evap_c, 1.0)
    return carnot_efficiency * t_evap_k / lift_k


@njit(cache=True)
def condensing_temperature_c(t_outdoor_c: float, approach_k: float, min_condensing_c: float) -> float:
    """Condensing temperature of an air-cooled condenser: outdoor dry bulb plus the approach,
    held above a floor by head-pressure control, °C."""
    return max(t_outdoor_c + approach_k, min_condensing_c)


@njit(cache=True)
def pump_power_kw(heat_kw: float, delta_t_k: float, pressure_rise_pa: float, efficiency: float) -> float:
    """Hydraulic pump power for a water loop carrying ``heat_kw`` at ``delta_t_k``.

    P = dp * V / eta with V = Q / (rho_w c_w dT) (REFERENCES.md "Pumps"), kW.
    """
    flow_m3_s = heat_kw * 1000.0 / (WATER_DENSITY_KG_PER_M3 * WATER_CP_J_PER_KG_K * delta_t_k)
    return pressure_rise_pa * flow_m3_s / efficiency / 1000.0


def chiller_carnot_cop(t_evap_c, t_cond_c, carnot_efficiency=0.3):
    """Vectorised :func:`carnot_cop` for arrays or scalars (°C in, dimensionless COP out)."""
    t_evap = np.asarray(t_evap_c, dtype=np.float64)
    t_cond = np.asarray(t_cond_c, dtype=np.float64)
    lift = np.maximum(t_cond - t_evap, 1.0)
    return carnot_efficiency * (t_evap + KELVIN_OFFSET) / lift
