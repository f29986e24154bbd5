"""Scalar psychrometric kernels (ASHRAE Handbook - Fundamentals 2017 ch. 1): every formula of
:mod:`dcsim.climate.psychro`, each written once, one state in and one value out.

The public array functions of :mod:`dcsim.climate.psychro` apply them elementwise, one
compiled loop each; the cooling plant calls them inside the facility kernel, where
Numba inlines them. SI units as in :mod:`dcsim.climate.psychro`. Each is tested against
PsychroLib through the public function that applies it, and the enthalpy trio and the plant's
helpers directly (tests/test_climate_psychro.py, tests/test_cooling_twins.py).
"""

from __future__ import annotations

import math

import numpy as np
from .._jitcache import njit

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
# saturation and vapour pressure
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
    """Saturation vapour pressure p_ws = exp(ln p_ws), Pa, at t_c (°C), over ice at or below
    0.01 °C; ASHRAE 2017 ch. 1 eqs. 5 and 6."""
    return math.exp(_ln_pws(t_c))


@njit(cache=True, fastmath=False, error_model="numpy")
def _pw_from_rh(t_c, rh_pct):
    """Vapour pressure p_w = (RH/100) p_ws(t), Pa, from dry bulb (°C) and relative humidity
    (%); ASHRAE 2017 ch. 1 eq. 24 solved for p_w."""
    return 0.01 * rh_pct * _pws(t_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def _rh_from_pw(t_c, pw):
    """Relative humidity RH = 100 p_w / p_ws(t), %, from dry bulb (°C) and vapour pressure (Pa);
    ASHRAE 2017 ch. 1 eq. 24 (not clipped at 100)."""
    return 100.0 * pw / _pws(t_c)


@njit(cache=True, fastmath=False, error_model="numpy")
def _rh_from_dewpoint(t_c, tdp_c):
    """Relative humidity RH = 100 p_ws(t_d) / p_ws(t), %, from dry bulb and dew point (°C),
    as exp(ln p_ws(t_d) - ln p_ws(t)); ASHRAE 2017 ch. 1 eqs. 5, 6, 24 and 36."""
    return 100.0 * math.exp(_ln_pws(tdp_c) - _ln_pws(t_c))


# ---------------------------------------------------------------------------------------------
# humidity ratio
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_pw(pw, p):
    """Humidity ratio W = 0.621945 p_w / (p - p_w), kg/kg, from vapour pressure and pressure
    (Pa), bounded below by MIN_HUMIDITY_RATIO; ASHRAE 2017 ch. 1 eq. 20."""
    w = _EPSILON * pw / (p - pw)
    return MIN_HUMIDITY_RATIO if w < MIN_HUMIDITY_RATIO else w  # NaN stays NaN


@njit(cache=True, fastmath=False, error_model="numpy")
def _pw_from_w(w, p):
    """Vapour pressure p_w = p W / (0.621945 + W), Pa, from humidity ratio (kg/kg, bounded below
    by MIN_HUMIDITY_RATIO) and pressure (Pa); ASHRAE 2017 ch. 1 eq. 20 solved for p_w."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return p * w / (_EPSILON + w)


@njit(cache=True, fastmath=False, error_model="numpy")
def _ws(t_c, p):
    """Saturation humidity ratio W_s = 0.621945 p_ws / (p - p_ws), kg/kg, at t_c (°C) and p (Pa);
    ASHRAE 2017 ch. 1 eq. 23. At a dew point t_d it is the humidity ratio of the air (eq. 36)."""
    return _w_from_pw(_pws(t_c), p)


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_rh(t_c, rh_pct, p):
    """Humidity ratio, kg/kg, from dry bulb (°C), relative humidity (%) and pressure (Pa):
    p_w from eq. 24, then eq. 20; ASHRAE 2017 ch. 1."""
    return _w_from_pw(_pw_from_rh(t_c, rh_pct), p)


@njit(cache=True, fastmath=False, error_model="numpy")
def _rh_from_w(t_c, w, p):
    """Relative humidity, %, from dry bulb (°C), humidity ratio (kg/kg) and pressure (Pa): p_w
    from eq. 20, then eq. 24; ASHRAE 2017 ch. 1. Not clipped: above saturation RH > 100."""
    return _rh_from_pw(t_c, _pw_from_w(w, p))


# ---------------------------------------------------------------------------------------------
# dew point and wet bulb (iterative)
# ---------------------------------------------------------------------------------------------


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_newton(ln_pw, t_start_c, max_iter):
    """Newton iteration on ln p_ws(t) = ln p_w (ASHRAE 2017 ch. 1 eqs. 5, 6) from ``t_start_c``,
    each iterate held to [-100, 200] °C, until a step is at most 1e-7 K. Returns (t_d, converged);
    after ``max_iter`` steps without converging, the last iterate and False."""
    t = t_start_c
    for _ in range(max_iter):
        t_new = t - (_ln_pws(t) - ln_pw) / _dln_pws(t)
        if t_new < _T_MIN_C:
            t_new = _T_MIN_C
        elif t_new > _T_MAX_C:
            t_new = _T_MAX_C
        if abs(t_new - t) <= _TOL_K:
            return t_new, True
        t = t_new
    return t, False


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_from_pw(pw):
    """Dew point t_d (°C) from vapour pressure (Pa): p_ws(t_d) = p_w (ASHRAE 2017 ch. 1 eq. 36
    with eqs. 5 and 6) solved by Newton iteration on ln p_ws to 1e-7 K, as PsychroLib does,
    instead of the regressions eqs. 37/38."""
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
    return _dewpoint_newton(ln_pw, t, _MAX_ITER)[0]


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_from_w(w, p):
    """Dew point (°C) from humidity ratio (kg/kg) and pressure (Pa): p_w from eq. 20, then
    eq. 36 solved as in :func:`_dewpoint_from_pw`; ASHRAE 2017 ch. 1."""
    return _dewpoint_from_pw(_pw_from_w(w, p))


@njit(cache=True, fastmath=False, error_model="numpy")
def _dewpoint_from_rh(t_c, rh_pct):
    """Dew point (°C) from dry bulb (°C) and relative humidity (%): p_w from eq. 24, bounded
    below by the vapour pressure of MIN_HUMIDITY_RATIO at 101325 Pa (so RH = 0 stays finite),
    then eq. 36 as in :func:`_dewpoint_from_pw`, capped at the dry bulb; ASHRAE 2017 ch. 1."""
    pw_min = _pw_from_w(MIN_HUMIDITY_RATIO, 101325.0)
    pw = _pw_from_rh(t_c, rh_pct)
    td = _dewpoint_from_pw(pw_min if pw < pw_min else pw)  # NaN stays NaN
    return t_c if td > t_c else td


@njit(cache=True, fastmath=False, error_model="numpy")
def _w_from_wetbulb(t_c, twb_c, p):
    """Humidity ratio (kg/kg) from dry bulb, thermodynamic wet bulb t* (°C) and pressure (Pa):
    W = ((2501 - 2.326 t*) W_s* - 1.006 (t - t*)) / (2501 + 1.86 t - 4.186 t*) for t* >= 0 °C
    (eq. 33), W = ((2830 - 0.24 t*) W_s* - 1.006 (t - t*)) / (2830 + 1.86 t - 2.1 t*) below
    (eq. 35), bounded below by MIN_HUMIDITY_RATIO; ASHRAE 2017 ch. 1."""
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
    """Wet bulb (°C) solving eq. 33/35 (ASHRAE 2017 ch. 1) for t* in [dew point, dry bulb].

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


@njit(cache=True, fastmath=False, error_model="numpy")
def _wetbulb(t_c, w, p):
    """Thermodynamic wet bulb (°C) of the state dry bulb (°C), humidity ratio (kg/kg), pressure
    (Pa): its dew point by eqs. 20 and 36, then eq. 33/35 solved by :func:`_wetbulb_from_w`;
    ASHRAE 2017 ch. 1."""
    return _wetbulb_from_w(t_c, w, _dewpoint_from_w(w, p), p)


@njit(cache=True, fastmath=False, error_model="numpy")
def _wetbulb_from_rh(t_c, rh_pct, p):
    """Thermodynamic wet bulb (°C) from dry bulb (°C), relative humidity (%) and pressure (Pa):
    W by eqs. 24 and 20, then as :func:`_wetbulb`; ASHRAE 2017 ch. 1."""
    return _wetbulb(t_c, _w_from_rh(t_c, rh_pct, p), p)


# ---------------------------------------------------------------------------------------------
# enthalpy, specific volume, density
# ---------------------------------------------------------------------------------------------


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


@njit(cache=True, fastmath=False, error_model="numpy")
def _specific_volume(t_c, w, p):
    """Moist-air specific volume v = R_da (t + 273.15) (1 + 1.607858 W) / p, m3 per kg of dry
    air, R_da = 287.042 J/(kg K), p in Pa, W bounded below by MIN_HUMIDITY_RATIO; ASHRAE 2017
    ch. 1 eq. 26."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return _R_DA_J_PER_KG_K * (t_c + _ZERO_C_K) * (1.0 + 1.607858 * w) / p


@njit(cache=True, fastmath=False, error_model="numpy")
def _density(t_c, w, p):
    """Moist-air density rho = (1 + W) / v, kg of moist air per m3, v from
    :func:`_specific_volume`, W bounded below by MIN_HUMIDITY_RATIO; ASHRAE 2017 ch. 1 eq. 11."""
    if w < MIN_HUMIDITY_RATIO:
        w = MIN_HUMIDITY_RATIO
    return (1.0 + w) / _specific_volume(t_c, w, p)
