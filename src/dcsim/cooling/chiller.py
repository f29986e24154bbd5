"""Chillers: the Carnot-form model with a fraction falling with lift, the DOE-2 / EnergyPlus EIR
model, their shared part-load and cycling law, and the staged compressor plant
(:func:`mechanical_cooling`) every cooling system calls."""

from __future__ import annotations

import itertools
import math
from collections import namedtuple

import numpy as np
from .._jitcache import njit

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
def lift_cop(t_evap_c: float, t_cond_c: float, a0_k: float, a1: float, a2_per_k: float) -> float:
    """Full-load cooling COP of a chiller whose Carnot fraction depends on the lift.

    COP = T_evap / (a0 + a1 L + a2 L^2), L = T_cond - T_evap (kelvin; L floored at 1 K as in
    :func:`carnot_cop`), i.e. a Carnot fraction eta(L) = L / (a0 + a1 L + a2 L^2). The form is
    the Carnot limit (a1 = 1, a0 = a2 = 0) plus losses that do not shrink with the lift (a0:
    fans, drive, controls; they make eta fall as the lift falls and bound the COP at
    T_evap/a0) and losses growing with it (a2); after the Gordon-Ng "universal" chiller model
    (Gordon & Ng, Cool Thermodynamics, 2000; recalled). a0 = a2 = 0 gives the constant
    fraction 1/a1. The coefficients come from a machine's published curves
    (:func:`fit_lift_terms`; docs/physics.md "Chillers").
    """
    t_evap_k = t_evap_c + KELVIN_OFFSET
    lift_k = max(t_cond_c - t_evap_c, 1.0)
    return t_evap_k / (a0_k + (a1 + a2_per_k * lift_k) * lift_k)


def fit_lift_terms(cop_ref: float, eirft, eirfplr, t_chw_range_c, t_cond_range_c, evaporator_approach_k: float,
                   condenser_approach_k: float, min_condensing_c: float, n_chw: int = 11, n_cond: int = 21):
    """(a0_k, a1, a2_per_k) of :func:`lift_cop` fitted to a DOE-2 EIR curve set at full load.

    Over an ``n_chw`` x ``n_cond`` grid of the curves' validity range (leaving chilled water x,
    entering condenser fluid y) the full-load COP is COP_ref / (EIRFT(x, y) EIRFPLR(1)); the
    refrigerant temperatures are those :func:`mechanical_cooling` uses, T_evap = x - evaporator
    approach and T_cond = max(y + condenser approach, floor). T_evap/COP - L = a0 + (a1 - 1) L +
    a2 L^2 is fitted by least squares relative to T_evap/COP (so every grid point weighs by its
    relative COP error) with a0, a1 - 1, a2 >= 0, so the result never beats Carnot and the COP
    rises monotonically as the lift falls (exact non-negative least squares: every subset of
    free terms is solved and the best feasible one kept). Plain Python, run by the build layer.
    """
    x, y = np.meshgrid(np.linspace(t_chw_range_c[0], t_chw_range_c[1], n_chw),
                       np.linspace(t_cond_range_c[0], t_cond_range_c[1], n_cond))
    x, y = x.ravel(), y.ravel()
    e = np.asarray(eirft, dtype=np.float64)
    eir_t = e[0] + e[1] * x + e[2] * x * x + e[3] * y + e[4] * y * y + e[5] * x * y
    cop = cop_ref / (eir_t * (eirfplr[0] + eirfplr[1] + eirfplr[2]))
    t_evap = x - evaporator_approach_k
    lift = np.maximum(np.maximum(y + condenser_approach_k, min_condensing_c) - t_evap, 1.0)
    z = (t_evap + KELVIN_OFFSET) / cop
    w = 1.0 / z
    m = np.column_stack([np.ones_like(lift), lift, lift * lift])
    r = z - lift
    best, best_res = np.zeros(3), math.inf
    for k in range(1, 4):
        for cols in itertools.combinations(range(3), k):
            sol = np.linalg.lstsq(m[:, cols] * w[:, None], r * w, rcond=None)[0]
            if np.any(sol < 0.0):
                continue
            b = np.zeros(3)
            b[list(cols)] = sol
            res = float(np.sum(((m @ b - r) * w) ** 2))
            if res < best_res:
                best, best_res = b, res
    return float(best[0]), float(best[1] + 1.0), float(best[2])


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
def part_load_power_kw(q_kw: float, q_avail_kw: float, eir_full: float, eirfplr, plr_min: float, plr_min_unl: float,
                       plr_max: float):
    """Cooling done and electric power of one chiller asked for ``q_kw`` with ``q_avail_kw``
    available and full-load electric input ratio ``eir_full`` (kW/kW).

    PLR1 = min(Q/Q_avail, PLR_max); PLR2 = max(PLR1, PLR_min_unloading); cycling ratio
    CR = min(PLR1/PLR_min, 1); P = Q_avail EIR_full EIRFPLR(PLR2) CR, EIRFPLR = c1 + c2 PLR +
    c3 PLR^2 (EnergyPlus Chiller:Electric:EIR, as in Modelica Buildings.Fluid.Chillers.ElectricEIR;
    REFERENCES.md "Cooling plant"). Returns ``(q_done_kw, power_kw)``, q_done = PLR1 Q_avail
    (``q_kw`` itself when not capped).
    """
    plr1 = q_kw / q_avail_kw
    q_done = q_kw  # exactly what was asked (PLR1 Q_avail would round it) unless capped
    if plr1 > plr_max:
        plr1 = plr_max
        q_done = plr_max * q_avail_kw
    plr2 = plr1 if plr1 > plr_min_unl else plr_min_unl
    cr = plr1 / plr_min if plr_min > 0.0 else 1.0
    if cr > 1.0:
        cr = 1.0
    eir_plr = eirfplr[0] + eirfplr[1] * plr2 + eirfplr[2] * plr2 * plr2
    return q_done, q_avail_kw * eir_full * eir_plr * cr


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
    plant"; the part-load law is :func:`part_load_power_kw`). Temperatures are clamped to the
    curves' validity range. Returns ``(q_done_kw, power_kw, q_avail_kw)``; q_done = PLR1 Q_avail
    <= q_kw (the rest is unmet).
    """
    if q_kw <= 0.0 or q_ref_kw <= 0.0:
        return 0.0, 0.0, 0.0
    x = clamp(t_chw_c, t_chw_min_c, t_chw_max_c)
    y = clamp(t_cond_c, t_cond_min_c, t_cond_max_c)
    q_avail = q_ref_kw * eir_capacity_fraction(capft, x, y)
    q_done, power = part_load_power_kw(q_kw, q_avail, biquadratic(eirft, x, y) / cop_ref, eirfplr, plr_min,
                                       plr_min_unl, plr_max)
    return q_done, power, q_avail


# ---------------------------------------------------------------------------------------------
# the compressor plant of a cooling system
# ---------------------------------------------------------------------------------------------

#: Compressor plant of a cooling system (chillers, or the DX trim of an air-side unit).
ChillerParams = namedtuple(
    "ChillerParams",
    [
        "mech_capacity_kw",  # compressor capacity at the curve's reference point (0: none)
        "chiller_model",  # 0 Carnot form (lift_cop), 1 DOE-2 EIR
        "condenser_water",  # 1 water-cooled (tower), 0 air-cooled
        "chiller_count",  # equal units, staged
        "carnot_a0_k",  # lift_cop terms (model 0): COP = T_evap / (a0 + a1 L + a2 L^2)
        "carnot_a1",
        "carnot_a2_per_k",
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
        "eir_eirfplr",  # 3 floats; the part-load curve of both models
        "eir_t_chw_min_c",
        "eir_t_chw_max_c",
        "eir_t_cond_min_c",
        "eir_t_cond_max_c",
        "eir_plr_min",  # part-load limits of both models (Carnot: plr_max 1, capacity = nameplate)
        "eir_plr_min_unl",
        "eir_plr_max",
    ],
)


@njit(cache=True, fastmath=False, error_model="numpy")
def mechanical_cooling(ch, q_kw, t_chw_c, t_condenser_source_c):
    """Compressor cooling asked for ``q_kw`` at chilled-water (or DX coil) supply ``t_chw_c``;
    condenser on ``t_condenser_source_c`` (entering condenser water, or outdoor dry bulb for
    air-cooled units); ``ch`` a :data:`ChillerParams`. Returns (q_done_kw, power_kw, cop).

    ``chiller_count`` equal units of ``mech_capacity_kw / count`` each; n_on = ceil(Q / Q_avail
    per unit), at least 1 and at most count, run equally loaded (EnergyPlus "UniformPLR"
    operation: all running units at one PLR, the next one staged on when they would exceed
    their available capacity), each by :func:`part_load_power_kw`; units not needed stay off
    (the spare of an N+1 plant). Carnot form: available capacity the nameplate, full-load
    EIR = 1/:func:`lift_cop` at T_evap = chilled water - approach, T_cond = max(source +
    approach, floor) (:func:`condensing_temperature_c`). EIR: Q_avail = Q_ref CAPFT and
    EIR = EIRFT/COP_ref at the clamped temperatures (:func:`eir_chiller`).
    """
    if q_kw <= 0.0 or ch.mech_capacity_kw <= 0.0:
        return 0.0, 0.0, 0.0
    n = ch.chiller_count
    q_ref_each = ch.mech_capacity_kw / n
    if ch.chiller_model == 0.0:
        cap = 1.0
    else:
        x = clamp(t_chw_c, ch.eir_t_chw_min_c, ch.eir_t_chw_max_c)
        y = clamp(t_condenser_source_c, ch.eir_t_cond_min_c, ch.eir_t_cond_max_c)
        cap = eir_capacity_fraction(ch.eir_capft, x, y)
    n_on = math.ceil(q_kw / (q_ref_each * cap) - 1e-12)
    if n_on < 1:
        n_on = 1
    if n_on > n:
        n_on = n
    q_each = q_kw / n_on
    if ch.chiller_model == 0.0:
        t_evap = t_chw_c - ch.evaporator_approach_k
        t_cond = condensing_temperature_c(t_condenser_source_c, ch.condenser_approach_k, ch.min_condensing_c)
        eir_full = 1.0 / lift_cop(t_evap, t_cond, ch.carnot_a0_k, ch.carnot_a1, ch.carnot_a2_per_k)
        q_done, power = part_load_power_kw(q_each, q_ref_each, eir_full, ch.eir_eirfplr, ch.eir_plr_min,
                                           ch.eir_plr_min_unl, ch.eir_plr_max)
    else:
        q_done, power, _ = eir_chiller(q_each, q_ref_each, ch.eir_cop_ref, ch.eir_capft, ch.eir_eirft,
                                       ch.eir_eirfplr, t_chw_c, t_condenser_source_c, ch.eir_t_chw_min_c,
                                       ch.eir_t_chw_max_c, ch.eir_t_cond_min_c, ch.eir_t_cond_max_c, ch.eir_plr_min,
                                       ch.eir_plr_min_unl, ch.eir_plr_max)
    q_done = q_kw if q_done == q_each else q_done * n_on  # all of it unless capped: no rounding
    power *= n_on
    return q_done, power, (q_done / power if power > 0.0 else 0.0)
