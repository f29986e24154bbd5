"""Scalar psychrometric kernels (ASHRAE Handbook - Fundamentals 2017 ch. 1), one value in, one
out: the functions the array kernels of :mod:`dcsim.climate.psychro` loop over and that the
cooling plant calls inside the facility kernel (Numba inlines them). SI units as in
:mod:`dcsim.climate.psychro`; each is tested against PsychroLib through the array functions
that call it, and the enthalpy trio directly (tests/test_climate_psychro.py).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..units import AIR_CP_J_PER_KG_K

#: Lower bound on the humidity ratio, kg/kg (PsychroLib ``MIN_HUM_RATIO``).
MIN_HUMIDITY_RATIO = 1e-7
#: Ratio of the molar masses of water vapour and dry air, ASHRAE 2017 ch. 1 eq. 20.
_EPSILON = 0.621945
#: 0 °C in kelvin.
_ZERO_C_K = 273.15
#: Triple point of water, °C: the ice/water switch of eqs. 5 and 6 (as in PsychroLib).
_TRIPLE_POINT_C = 0.01
#: Freezing point, °C: the ice/water switch of the wet-bulb equations 33/35.
_FREEZING_C = 0.0
#: Gas constant of dry air, J/(kg K), ASHRAE 2017 ch. 1 (PsychroLib ``R_DA_SI``).
_R_DA_J_PER_KG_K = 287.042
#: Range of validity of eqs. 5 and 6, °C.
_T_MIN_C = -100.0
_T_MAX_C = 200.0
#: Convergence tolerance of the iterative solvers, K.
_TOL_K = 1e-7
_MAX_ITER = 100
#: PsychroLib's tolerance in SI units, K (used only to mirror its wet-bulb root choice).
_PSYCHROLIB_TOL_K = 1e-3


# ---------------------------------------------------------------------------------------------
# scalar kernels (inlined by LLVM into the loops below)
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def _ln_pws(t_c):
    """ln of saturation vapour pressure (Pa) at t_c (°C); ASHRAE 2017 ch. 1 eqs. 5 (ice) and 6."""
    t_k = t_c + _ZERO_C_K
    if t_c <= _TRIPLE_POINT_C:
        return (
            -5.6745359e03 / t_k
            + 6.3925247
            - 9.677843e-03 * t_k
            + 6.2215701e-07 * t_k * t_k
            + 2.0747825e-09 * t_k * t_k * t_k
            - 9.484024e-13 * t_k * t_k * t_k * t_k
            + 4.1635019 * math.log(t_k)
        )
    return (
        -5.8002206e03 / t_k
        + 1.3914993
        - 4.8640239e-02 * t_k
        + 4.1764768e-05 * t_k * t_k
        - 1.4452093e-08 * t_k * t_k * t_k
        + 6.5459673 * math.log(t_k)
    )


@njit(cache=True, fastmath=False, error_model="numpy")
def _dln_pws(t_c):
    """d ln(p_ws) / dT, 1/K: derivative of eqs. 5 and 6."""
    t_k = t_c + _ZERO_C_K
    if t_c <= _TRIPLE_POINT_C:
        return (
            5.6745359e03 / (t_k * t_k)
            - 9.677843e-03
            + 2.0 * 6.2215701e-07 * t_k
            + 3.0 * 2.0747825e-09 * t_k * t_k
            - 4.0 * 9.484024e-13 * t_k * t_k * t_k
            + 4.1635019 / t_k
        )
    return (
        5.8002206e03 / (t_k * t_k)
        - 4.8640239e-02
        + 2.0 * 4.1764768e-05 * t_k
        - 3.0 * 1.4452093e-08 * t_k * t_k
        + 6.5459673 / t_k
    )


@njit(cache=True, fastmath=False, error_model="numpy")
def _pws(t_c):
    return math.exp(_ln_pws(t_c))


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_pw(pw, p):
    """Humidity ratio from vapour pressure, eq. 20, bounded below by MIN_HUMIDITY_RATIO."""
    w = _EPSILON * pw / (p - pw)
    return MIN_HUMIDITY_RATIO if w < MIN_HUMIDITY_RATIO else w  # NaN stays NaN


@njit(cache=True, fastmath=False, error_model="numpy")
def _pw_from_w(w, p):
    """Vapour pressure from humidity ratio, eq. 20 solved for p_w."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return p * w / (_EPSILON + w)


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_from_pw(pw):
    """Dew point (°C) from vapour pressure (Pa): Newton on ln p_ws(T) = ln p_w (eqs. 5, 6)."""
    if pw != pw:
        return np.nan
    ln_pw = math.log(pw)
    # first guess: Magnus formula over water (close enough for Newton to converge in 2-4 steps)
    g = math.log(pw / 611.2)
    t = 243.12 * g / (17.62 - g)
    if t < _T_MIN_C:
        t = _T_MIN_C
    elif t > _T_MAX_C:
        t = _T_MAX_C
    for _ in range(_MAX_ITER):
        t_new = t - (_ln_pws(t) - ln_pw) / _dln_pws(t)
        if t_new < _T_MIN_C:
            t_new = _T_MIN_C
        elif t_new > _T_MAX_C:
            t_new = _T_MAX_C
        if abs(t_new - t) <= _TOL_K:
            return t_new
        t = t_new
    return t


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_wetbulb(t_c, twb_c, p):
    """Humidity ratio from dry and wet bulb, eq. 33 (wet bulb >= 0 °C) and eq. 35 (below)."""
    pws = _pws(twb_c)
    ws = _EPSILON * pws / (p - pws)
    if twb_c >= _FREEZING_C:
        w = ((2501.0 - 2.326 * twb_c) * ws - 1.006 * (t_c - twb_c)) / (
            2501.0 + 1.86 * t_c - 4.186 * twb_c
        )
    else:
        w = ((2830.0 - 0.24 * twb_c) * ws - 1.006 * (t_c - twb_c)) / (
            2830.0 + 1.86 * t_c - 2.1 * twb_c
        )
    return MIN_HUMIDITY_RATIO if w < MIN_HUMIDITY_RATIO else w  # NaN stays NaN


@njit(cache=True, fastmath=False, error_model="numpy")
def _wetbulb_from_w(t_c, w, tdp_c, p):
    """Wet bulb (°C) solving eq. 33/35 for t* in [dew point, dry bulb].

    Eqs. 33 and 35 do not join at 0 °C, so near a wet bulb of 0 °C the equation can have two
    roots or none. To pick the same root as PsychroLib, the bracket is first bisected exactly
    as PsychroLib does (to its 0.001 K tolerance) while it straddles 0 °C; once it no longer
    does, the remaining bracket holds one root, refined by regula falsi (Illinois variant).
    """
    if t_c != t_c or w != w or tdp_c != tdp_c:
        return np.nan
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    lo = tdp_c if tdp_c < t_c else t_c
    hi = t_c
    # phase 1: PsychroLib's bisection while the bracket straddles the discontinuity at 0 °C
    while lo < _FREEZING_C <= hi:
        if hi - lo <= _PSYCHROLIB_TOL_K:
            return 0.5 * (lo + hi)
        mid = 0.5 * (lo + hi)
        if _w_from_wetbulb(t_c, mid, p) > w:
            hi = mid
        else:
            lo = mid
    # phase 2: one root in [lo, hi]
    f_lo = _w_from_wetbulb(t_c, lo, p) - w
    f_hi = _w_from_wetbulb(t_c, hi, p) - w
    if f_lo >= 0.0:
        return lo
    if f_hi <= 0.0:
        return hi
    side = 0
    x = 0.5 * (lo + hi)
    for _ in range(_MAX_ITER):
        x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        f_x = _w_from_wetbulb(t_c, x, p) - w
        if f_x > 0.0:
            hi = x
            f_hi = f_x
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo = x
            f_lo = f_x
            if side == -1:
                f_hi *= 0.5
            side = -1
        if hi - lo <= _TOL_K or f_x == 0.0:
            break
    return x




#: Moist-air enthalpy constants, ASHRAE 2017 ch. 1 eq. 30: dry-air c_p (as dcsim.units), latent
#: heat of vaporisation at 0 °C and c_p of water vapour.
_CP_DA_J_PER_KG_K = AIR_CP_J_PER_KG_K
_H_G0_J_PER_KG = 2501000.0
_CP_V_J_PER_KG_K = 1860.0


@njit(cache=True, fastmath=False, error_model="numpy")
def _enthalpy(t_c, w):
    """Moist-air enthalpy h = 1006 t + W (2 501 000 + 1860 t), J/kg dry air (ASHRAE 2017
    ch. 1 eq. 30); W bounded below by MIN_HUMIDITY_RATIO."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return _CP_DA_J_PER_KG_K * t_c + w * (_H_G0_J_PER_KG + _CP_V_J_PER_KG_K * t_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def _drybulb_from_enthalpy(h, w):
    """Dry bulb from enthalpy (J/kg) and humidity ratio: eq. 30 solved for t, °C."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return (h - _H_G0_J_PER_KG * w) / (_CP_DA_J_PER_KG_K + _CP_V_J_PER_KG_K * w)


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_enthalpy(h, t_c):
    """Humidity ratio on the line of constant enthalpy h (J/kg) at dry bulb t: eq. 30 solved
    for W, kg/kg (not bounded: a state below the bound has no such W)."""
    return (h - _CP_DA_J_PER_KG_K * t_c) / (_H_G0_J_PER_KG + _CP_V_J_PER_KG_K * t_c)
