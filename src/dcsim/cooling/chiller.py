"""Chillers and chilled-water pumps."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..units import KELVIN_OFFSET, WATER_CP_J_PER_KG_K, WATER_DENSITY_KG_PER_M3


@njit(cache=True, fastmath=False, error_model="numpy")
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


@njit(cache=True, fastmath=False, error_model="numpy")
def condensing_temperature_c(t_outdoor_c: float, approach_k: float, min_condensing_c: float) -> float:
    """Condensing temperature of an air-cooled condenser: outdoor dry bulb plus the approach,
    held above a floor by head-pressure control, °C."""
    return max(t_outdoor_c + approach_k, min_condensing_c)


@njit(cache=True, fastmath=False, error_model="numpy")
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


# ---------------------------------------------------------------------------------------------
# DOE-2 / EnergyPlus Chiller:Electric:EIR
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def biquadratic(c, x: float, y: float) -> float:
    """c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y (DOE-2 curve; REFERENCES.md "Cooling plant")."""
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


@njit(cache=True, fastmath=False, error_model="numpy")
def _clamp(x: float, lo: float, hi: float) -> float:
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@njit(cache=True, fastmath=False, error_model="numpy")
def eir_chiller(q_kw: float, q_ref_kw: float, cop_ref: float, capft, eirft, eirfplr,
                t_chw_c: float, t_cond_c: float, t_chw_min_c: float, t_chw_max_c: float,
                t_cond_min_c: float, t_cond_max_c: float, plr_min: float, plr_min_unl: float,
                plr_max: float):
    """One DOE-2 EIR chiller asked for ``q_kw`` of cooling.

    Q_avail = Q_ref CAPFT(T_chw, T_cond); PLR1 = min(Q/Q_avail, PLR_max); PLR2 = max(PLR1,
    PLR_min_unloading); cycling ratio CR = min(PLR1/PLR_min, 1);
    P = Q_avail/COP_ref EIRFT(T_chw, T_cond) EIRFPLR(PLR2) CR (EnergyPlus Chiller:Electric:EIR,
    as implemented in Modelica Buildings.Fluid.Chillers.ElectricEIR; REFERENCES.md "Cooling
    plant"). Temperatures are clamped to the curves' validity range. Returns
    ``(q_done_kw, power_kw, q_avail_kw)``; q_done = PLR1 Q_avail <= q_kw (the rest is unmet).
    """
    if q_kw <= 0.0 or q_ref_kw <= 0.0:
        return 0.0, 0.0, 0.0
    x = _clamp(t_chw_c, t_chw_min_c, t_chw_max_c)
    y = _clamp(t_cond_c, t_cond_min_c, t_cond_max_c)
    cap = biquadratic(capft, x, y)
    if cap < 1e-6:
        cap = 1e-6
    q_avail = q_ref_kw * cap
    plr1 = q_kw / q_avail
    if plr1 > plr_max:
        plr1 = plr_max
    plr2 = plr1 if plr1 > plr_min_unl else plr_min_unl
    cr = plr1 / plr_min if plr_min > 0.0 else 1.0
    if cr > 1.0:
        cr = 1.0
    eir_plr = eirfplr[0] + eirfplr[1] * plr2 + eirfplr[2] * plr2 * plr2
    power = q_avail / cop_ref * biquadratic(eirft, x, y) * eir_plr * cr
    return plr1 * q_avail, power, q_avail


@njit(cache=True, fastmath=False, error_model="numpy")
def eir_full_load_cop(cop_ref: float, eirft, eirfplr, t_chw_c: float, t_cond_c: float) -> float:
    """Full-load COP of an EIR chiller: COP_ref / (EIRFT(T_chw, T_cond) EIRFPLR(1)) (no clamping)."""
    return cop_ref / (biquadratic(eirft, t_chw_c, t_cond_c) * (eirfplr[0] + eirfplr[1] + eirfplr[2]))
