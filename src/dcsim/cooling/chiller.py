"""Chillers: the Carnot-fraction model, the DOE-2 / EnergyPlus EIR model, and the staged
compressor plant (:func:`mechanical_cooling`) every cooling system calls."""

from __future__ import annotations

import math
from collections import namedtuple

from numba import njit

from .._numeric import clamp
from ..units import KELVIN_OFFSET


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


# ---------------------------------------------------------------------------------------------
# DOE-2 / EnergyPlus Chiller:Electric:EIR
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def biquadratic(c, x: float, y: float) -> float:
    """c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y (DOE-2 curve; REFERENCES.md "Cooling plant")."""
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


@njit(cache=True, fastmath=False, error_model="numpy")
def eir_capacity_fraction(capft, t_chw_c: float, t_cond_c: float) -> float:
    """Available capacity over the reference capacity, CAPFT(T_chw, T_cond), floored at 1e-6
    so a curve evaluated far outside its data cannot give a zero or negative capacity
    (EnergyPlus Chiller:Electric:EIR; temperatures already clamped to the curve's range)."""
    cap = biquadratic(capft, t_chw_c, t_cond_c)
    if cap < 1e-6:
        return 1e-6
    return cap


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
    x = clamp(t_chw_c, t_chw_min_c, t_chw_max_c)
    y = clamp(t_cond_c, t_cond_min_c, t_cond_max_c)
    cap = eir_capacity_fraction(capft, x, y)
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


# ---------------------------------------------------------------------------------------------
# the compressor plant of a cooling system
# ---------------------------------------------------------------------------------------------

#: Compressor plant of a cooling system (chillers, or the DX trim of an air-side unit).
ChillerParams = namedtuple(
    "ChillerParams",
    [
        "mech_capacity_kw",  # compressor capacity at the curve's reference point (0: none)
        "chiller_model",  # 0 Carnot fraction, 1 DOE-2 EIR
        "condenser_water",  # 1 water-cooled (tower), 0 air-cooled
        "chiller_count",
        "carnot_efficiency",
        "chw_supply_c",  # fixed chilled-water (DX coil) supply, or NaN: follows the supply air
        "chw_coil_approach_k",  # supply air above chilled water when it follows the air
        "chw_delta_t_k",
        "evaporator_approach_k",
        "condenser_approach_k",
        "min_condensing_c",
        "condenser_fan_power_ratio",  # air-cooled condenser fans, W per W of cooling
        "eir_cop_ref",
        "eir_capft",  # 6 floats
        "eir_eirft",  # 6 floats
        "eir_eirfplr",  # 3 floats
        "eir_t_chw_min_c",
        "eir_t_chw_max_c",
        "eir_t_cond_min_c",
        "eir_t_cond_max_c",
        "eir_plr_min",
        "eir_plr_min_unl",
        "eir_plr_max",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def mechanical_cooling(ch, q_kw, t_chw_c, t_condenser_source_c):
    """Compressor cooling asked for ``q_kw`` at chilled-water (or DX coil) supply ``t_chw_c``;
    condenser on ``t_condenser_source_c`` (entering condenser water, or outdoor dry bulb for
    air-cooled units); ``ch`` a :data:`ChillerParams`. Returns (q_done_kw, power_kw, cop).

    Carnot: COP = eta T_evap / (T_cond - T_evap), T_evap = chilled-water supply - approach,
    T_cond = max(source + approach, floor) (:func:`carnot_cop`,
    :func:`condensing_temperature_c`); capacity ``mech_capacity_kw``. EIR: ``chiller_count``
    equal chillers sharing the load, staged on when the running ones would exceed their
    available capacity (:func:`eir_capacity_fraction`); each by :func:`eir_chiller`.
    """
    if q_kw <= 0.0 or ch.mech_capacity_kw <= 0.0:
        return 0.0, 0.0, 0.0
    if ch.chiller_model == 0.0:
        t_evap = t_chw_c - ch.evaporator_approach_k
        t_cond = condensing_temperature_c(t_condenser_source_c, ch.condenser_approach_k, ch.min_condensing_c)
        cop = carnot_cop(t_evap, t_cond, ch.carnot_efficiency)
        q = q_kw if q_kw < ch.mech_capacity_kw else ch.mech_capacity_kw
        return q, q / cop, cop
    n = ch.chiller_count
    q_ref_each = ch.mech_capacity_kw / n
    x = clamp(t_chw_c, ch.eir_t_chw_min_c, ch.eir_t_chw_max_c)
    y = clamp(t_condenser_source_c, ch.eir_t_cond_min_c, ch.eir_t_cond_max_c)
    cap = eir_capacity_fraction(ch.eir_capft, x, y)
    n_on = math.ceil(q_kw / (q_ref_each * cap) - 1e-12)
    if n_on < 1:
        n_on = 1
    if n_on > n:
        n_on = n
    q_done, power, _ = eir_chiller(q_kw / n_on, q_ref_each, ch.eir_cop_ref, ch.eir_capft, ch.eir_eirft, ch.eir_eirfplr,
                                   t_chw_c, t_condenser_source_c, ch.eir_t_chw_min_c, ch.eir_t_chw_max_c,
                                   ch.eir_t_cond_min_c, ch.eir_t_cond_max_c, ch.eir_plr_min, ch.eir_plr_min_unl,
                                   ch.eir_plr_max)
    q_done *= n_on
    power *= n_on
    return q_done, power, (q_done / power if power > 0.0 else 0.0)
