"""Psychrometrics of moist air, vectorised with Numba.

SI units throughout: temperatures in °C (``_c``), pressures in Pa (``_pa``), relative humidity
in percent (``_pct``, 0-100), humidity ratio in kg of water vapour per kg of dry air
(``humidity_ratio``), enthalpy in J per kg of dry air.

Source: ASHRAE Handbook - Fundamentals (2017), chapter 1 "Psychrometrics", the same equations
that PsychroLib (Meyer and Thevenard, 2019, https://github.com/psychrometrics/psychrolib)
implements. Like PsychroLib:

- saturation vapour pressure switches from the ice to the water formula at the triple point
  of water (0.01 °C), not at 0 °C, so the curve is continuous and invertible. Below 0.01 °C
  relative humidity is therefore relative to saturation over ice;
- humidity ratios are bounded below by :data:`MIN_HUMIDITY_RATIO` (1e-7 kg/kg) so that dew
  points stay finite for bone-dry air;
- dew point is found by Newton iteration on ln(p_ws), wet bulb by solving the psychrometric
  equation (eqs. 33 and 35). Iterations here stop at 1e-7 K, tighter than PsychroLib's 1e-3 K,
  except where eqs. 33 and 35 disagree at 0 °C (see ``_wetbulb_from_w``).

Every formula is written once, as a scalar ``@njit`` function in
:mod:`dcsim.climate._psychro_scalar` (the cooling plant calls the same functions inside its
kernel). Every public function here accepts scalars or NumPy arrays (broadcast against each
other), validates them, allocates the output and applies one scalar function elementwise with
:func:`_apply`, through that function's compiled loop (cached on disk like every dcsim kernel,
see :mod:`dcsim._jitcache`). Scalars in give a float out. NaN in gives
NaN out; a division by zero gives inf or NaN, without a warning (Numba's ``numpy`` error model).
"""

from __future__ import annotations

import math

import numpy as np
from .._jitcache import njit

__all__ = [
    "MIN_HUMIDITY_RATIO",
    "drybulb_c_from_enthalpy",
    "dewpoint_c_from_humidity_ratio",
    "dewpoint_c_from_rh",
    "dewpoint_c_from_vapor_pressure",
    "humidity_ratio_from_dewpoint",
    "humidity_ratio_from_rh",
    "humidity_ratio_from_vapor_pressure",
    "humidity_ratio_from_wetbulb",
    "moist_air_density_kg_per_m3",
    "moist_air_enthalpy_j_per_kg",
    "moist_air_specific_volume_m3_per_kg",
    "rh_from_humidity_ratio",
    "rh_pct_from_dewpoint",
    "rh_pct_from_humidity_ratio",
    "saturation_humidity_ratio",
    "saturation_vapor_pressure_pa",
    "standard_atmosphere_pressure_pa",
    "vapor_pressure_pa_from_humidity_ratio",
    "wetbulb_c_from_humidity_ratio",
    "wetbulb_c_from_rh",
]

# the scalar kernels the public functions apply (the cooling plant imports them from
# dcsim.climate._psychro_scalar itself)
from ._psychro_scalar import (
    _T_MAX_C, _T_MIN_C, MIN_HUMIDITY_RATIO, _density, _dewpoint_from_pw, _dewpoint_from_rh, _dewpoint_from_w,
    _drybulb_from_enthalpy,
    _enthalpy, _ln_pws, _pw_from_w, _pws, _rh_from_dewpoint, _rh_from_pw, _rh_from_w, _specific_volume, _w_from_pw,
    _w_from_rh, _w_from_wetbulb, _wetbulb, _wetbulb_from_rh, _wetbulb_from_w, _ws,
)

# ---------------------------------------------------------------------------------------------
# applying a scalar kernel to arrays
# ---------------------------------------------------------------------------------------------


# One cached loop per scalar kernel (a few ms to load in a new process; NumPy ufuncs built with
# numba.vectorize over the same scalars gave the same bits but cost 0.2-0.5 s more per
# `dcsim run`, since Numba builds a ufunc's loop wrapper anew in every process).
@njit(cache=True, fastmath=False, error_model="numpy")
def _k_pws(a, out):
    for i in range(out.size):
        out[i] = _pws(a[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_dewpoint_from_pw(a, out):
    for i in range(out.size):
        out[i] = _dewpoint_from_pw(a[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_ws(a, b, out):
    for i in range(out.size):
        out[i] = _ws(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_w_from_pw(a, b, out):
    for i in range(out.size):
        out[i] = _w_from_pw(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_pw_from_w(a, b, out):
    for i in range(out.size):
        out[i] = _pw_from_w(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_dewpoint_from_w(a, b, out):
    for i in range(out.size):
        out[i] = _dewpoint_from_w(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_dewpoint_from_rh(a, b, out):
    for i in range(out.size):
        out[i] = _dewpoint_from_rh(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_rh_from_dewpoint(a, b, out):
    for i in range(out.size):
        out[i] = _rh_from_dewpoint(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_enthalpy(a, b, out):
    for i in range(out.size):
        out[i] = _enthalpy(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_drybulb_from_enthalpy(a, b, out):
    for i in range(out.size):
        out[i] = _drybulb_from_enthalpy(a[i], b[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_w_from_rh(a, b, c, out):
    for i in range(out.size):
        out[i] = _w_from_rh(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_rh_from_w(a, b, c, out):
    for i in range(out.size):
        out[i] = _rh_from_w(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_w_from_wetbulb(a, b, c, out):
    for i in range(out.size):
        out[i] = _w_from_wetbulb(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_wetbulb(a, b, c, out):
    for i in range(out.size):
        out[i] = _wetbulb(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_wetbulb_from_rh(a, b, c, out):
    for i in range(out.size):
        out[i] = _wetbulb_from_rh(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_specific_volume(a, b, c, out):
    for i in range(out.size):
        out[i] = _specific_volume(a[i], b[i], c[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_density(a, b, c, out):
    for i in range(out.size):
        out[i] = _density(a[i], b[i], c[i])


_LOOPS = {
    _pws: _k_pws,
    _dewpoint_from_pw: _k_dewpoint_from_pw,
    _ws: _k_ws,
    _w_from_pw: _k_w_from_pw,
    _pw_from_w: _k_pw_from_w,
    _dewpoint_from_w: _k_dewpoint_from_w,
    _dewpoint_from_rh: _k_dewpoint_from_rh,
    _rh_from_dewpoint: _k_rh_from_dewpoint,
    _enthalpy: _k_enthalpy,
    _drybulb_from_enthalpy: _k_drybulb_from_enthalpy,
    _w_from_rh: _k_w_from_rh,
    _rh_from_w: _k_rh_from_w,
    _w_from_wetbulb: _k_w_from_wetbulb,
    _wetbulb: _k_wetbulb,
    _wetbulb_from_rh: _k_wetbulb_from_rh,
    _specific_volume: _k_specific_volume,
    _density: _k_density,
}


def _apply(scalar, out, *arrays):
    """Write ``scalar`` applied to the 1-D float64 ``arrays`` (equal length) into ``out``, by
    its compiled loop (``error_model="numpy"``: a division by zero gives inf or NaN, no error)."""
    _LOOPS[scalar](*arrays, out)


@njit(cache=True, fastmath=False, error_model="numpy")
def _k_state_from_dewpoint(t_c, tdp_c, p, w_out, rh_out, twb_out):
    """Humidity ratio, RH (%) and wet bulb from dry bulb, dew point (<= dry bulb) and pressure:
    the weather sample's three outputs in one loop, sharing p_ws(t_d)."""
    for i in range(t_c.size):
        pw = _pws(tdp_c[i])
        w = _w_from_pw(pw, p[i])
        w_out[i] = w
        rh = _rh_from_pw(t_c[i], pw)
        rh_out[i] = 100.0 if rh > 100.0 else rh
        twb_out[i] = _wetbulb_from_w(t_c[i], w, tdp_c[i], p[i])


# ---------------------------------------------------------------------------------------------
# input handling of the public wrappers
# ---------------------------------------------------------------------------------------------


def _prepare(names, *values):
    """Broadcast the inputs to writable contiguous 1-D float64 arrays and allocate ``out``.

    Arrays that already have the common shape are used as they are (no copy) when they are
    writable float64 and contiguous; the others are copied, so the checks and the loops see
    flat arrays of one length.
    """
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays))
        raise ValueError(f"input shapes do not broadcast: {shapes}") from None
    flat = []
    for a in arrays:
        if a.shape == shape and a.flags.c_contiguous and a.flags.writeable:
            flat.append(a.reshape(-1))
        else:
            b = np.empty(shape, dtype=np.float64)
            b[...] = a
            flat.append(b.reshape(-1))
    scalar = all(a.ndim == 0 for a in arrays)
    return shape, scalar, flat, np.empty(flat[0].size, dtype=np.float64)


def _finish(out, shape, scalar):
    if scalar:
        return float(out[0])
    return out.reshape(shape)


def _evaluate(scalar, inputs, *checks, between=None):
    """Apply the scalar kernel ``scalar`` to the inputs of a public function.

    ``inputs`` maps each parameter name to its value, in the order of ``scalar``'s arguments.
    They are broadcast and flattened (:func:`_prepare`), each is checked by its entry of
    ``checks`` (a function of the name and the flat array, or None for no check), in order,
    then ``between`` (a function of all the flat arrays, for a condition between inputs).
    Returns a float for scalar inputs, else an array of the broadcast shape.
    """
    names = tuple(inputs)
    shape, scalar_in, flat, out = _prepare(names, *inputs.values())
    for name, a, check in zip(names, flat, checks):
        if check is not None:
            check(name, a)
    if between is not None:
        between(*flat)
    _apply(scalar, out, *flat)
    return _finish(out, shape, scalar_in)


def _check_range(name, a, lo, hi, *, lo_open=False):
    bad = (a <= lo if lo_open else a < lo) | (a > hi)
    if np.any(bad):
        v = a[np.argmax(bad)]
        bracket = "(" if lo_open else "["
        raise ValueError(f"{name} outside {bracket}{lo}, {hi}]: {v!r}")


def _check_t(name, a):
    _check_range(name, a, _T_MIN_C, _T_MAX_C)


def _check_p(name, a):
    _check_range(name, a, 0.0, 2.0e7, lo_open=True)


def _check_rh(name, a):
    _check_range(name, a, 0.0, 100.0)


def _check_w(name, a):
    _check_range(name, a, 0.0, 10.0)


def _check_pw_of_dewpoint(name, a):
    """A vapour pressure whose dew point lies in the range of eqs. 5 and 6."""
    _check_range(name, a, math.exp(_ln_pws(_T_MIN_C)), math.exp(_ln_pws(_T_MAX_C)))


def _check_pw_below_p(pw, p):
    if np.any(pw < 0.0) or np.any(pw >= p):
        raise ValueError("vapor_pressure_pa must be in [0, pressure_pa)")


def _check_wetbulb_below_drybulb(t, twb, p):
    if np.any(twb > t):
        raise ValueError("wetbulb_c must not exceed t_c")


# ---------------------------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------------------------


def saturation_vapor_pressure_pa(t_c):
    """Saturation vapour pressure of water, Pa.

    ln p_ws = C1/T + C2 + C3 T + C4 T^2 + C5 T^3 + C6 T^4 + C7 ln T over ice (T <= 0.01 °C),
    ln p_ws = C8/T + C9 + C10 T + C11 T^2 + C12 T^3 + C13 ln T over water, T in K.
    Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eqs. 5 and 6 (Hyland and Wexler 1983),
    switched at the triple point as in PsychroLib. Valid -100..200 °C.

    Parameters
    ----------
    t_c : array_like
        Temperature, °C.

    Returns
    -------
    numpy.ndarray or float
        Saturation vapour pressure, Pa (over ice below 0.01 °C).
    """
    return _evaluate(_pws, {"t_c": t_c}, _check_t)


def saturation_humidity_ratio(t_c, pressure_pa):
    """Humidity ratio of saturated air, kg/kg.

    W_s = 0.621945 p_ws / (p - p_ws). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1
    eq. 23 with eqs. 5/6 for p_ws.

    Parameters
    ----------
    t_c : array_like
        Dry-bulb temperature, °C.
    pressure_pa : array_like
        Atmospheric pressure, Pa.
    """
    return _evaluate(_ws, {"t_c": t_c, "pressure_pa": pressure_pa}, _check_t, _check_p)


def humidity_ratio_from_vapor_pressure(vapor_pressure_pa, pressure_pa):
    """Humidity ratio, kg/kg, from the partial pressure of water vapour.

    W = 0.621945 p_w / (p - p_w). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 20.

    Parameters
    ----------
    vapor_pressure_pa : array_like
        Partial pressure of water vapour, Pa.
    pressure_pa : array_like
        Atmospheric pressure, Pa.
    """
    return _evaluate(_w_from_pw, {"vapor_pressure_pa": vapor_pressure_pa, "pressure_pa": pressure_pa},
                     None, _check_p, between=_check_pw_below_p)


def vapor_pressure_pa_from_humidity_ratio(humidity_ratio, pressure_pa):
    """Partial pressure of water vapour, Pa, from the humidity ratio (kg/kg).

    p_w = p W / (0.621945 + W). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eq. 20
    solved for p_w.
    """
    return _evaluate(_pw_from_w, {"humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa}, _check_w, _check_p)


def humidity_ratio_from_rh(t_c, rh_pct, pressure_pa):
    """Humidity ratio, kg/kg, from dry bulb, relative humidity and pressure.

    p_w = (RH/100) p_ws(t) (ASHRAE 2017 ch. 1 eq. 24), then W = 0.621945 p_w / (p - p_w)
    (eq. 20). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1.

    Parameters
    ----------
    t_c : array_like
        Dry-bulb temperature, °C.
    rh_pct : array_like
        Relative humidity, % (0-100; over ice below 0.01 °C).
    pressure_pa : array_like
        Atmospheric pressure, Pa.
    """
    return _evaluate(_w_from_rh, {"t_c": t_c, "rh_pct": rh_pct, "pressure_pa": pressure_pa},
                     _check_t, _check_rh, _check_p)


def rh_pct_from_humidity_ratio(t_c, humidity_ratio, pressure_pa):
    """Relative humidity, %, from dry bulb, humidity ratio (kg/kg) and pressure.

    RH = 100 p_w / p_ws(t) with p_w from eq. 20. Source: ASHRAE Handbook - Fundamentals (2017)
    ch. 1 eqs. 20 and 24. Not clipped: a humidity ratio above saturation gives RH > 100.
    """
    return _evaluate(_rh_from_w, {"t_c": t_c, "humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa},
                     _check_t, _check_w, _check_p)


#: Alias of :func:`rh_pct_from_humidity_ratio` (the result is in percent).
rh_from_humidity_ratio = rh_pct_from_humidity_ratio


def dewpoint_c_from_vapor_pressure(vapor_pressure_pa):
    """Dew point (frost point below 0.01 °C), °C, from the vapour pressure (Pa).

    Solves p_ws(T_d) = p_w (ASHRAE 2017 ch. 1 eqs. 5/6 and 36) by Newton iteration on
    ln p_ws, as PsychroLib does, instead of the less accurate regressions eqs. 37/38.
    """
    return _evaluate(_dewpoint_from_pw, {"vapor_pressure_pa": vapor_pressure_pa}, _check_pw_of_dewpoint)


def dewpoint_c_from_humidity_ratio(humidity_ratio, pressure_pa):
    """Dew point, °C, from the humidity ratio (kg/kg) and pressure (Pa).

    p_w from eq. 20, then p_ws(T_d) = p_w solved by Newton iteration. Source: ASHRAE Handbook -
    Fundamentals (2017) ch. 1 eqs. 5, 6, 20 and 36.
    """
    return _evaluate(_dewpoint_from_w, {"humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa},
                     _check_w, _check_p)


def dewpoint_c_from_rh(t_c, rh_pct):
    """Dew point, °C, from dry bulb (°C) and relative humidity (%).

    p_w = (RH/100) p_ws(t), then p_ws(T_d) = p_w; the vapour pressure is bounded below by the
    one of :data:`MIN_HUMIDITY_RATIO` at 101325 Pa (so RH = 0 gives about -87 °C, not -inf)
    and the result is capped at the dry bulb. Source: ASHRAE Handbook - Fundamentals (2017)
    ch. 1 eqs. 5, 6, 24 and 36.
    """
    return _evaluate(_dewpoint_from_rh, {"t_c": t_c, "rh_pct": rh_pct}, _check_t, _check_rh)


def humidity_ratio_from_dewpoint(dewpoint_c, pressure_pa):
    """Humidity ratio, kg/kg, from dew point (°C) and pressure (Pa).

    W = 0.621945 p_ws(T_d) / (p - p_ws(T_d)). Source: ASHRAE Handbook - Fundamentals (2017)
    ch. 1 eqs. 20 and 36.
    """
    return _evaluate(_ws, {"dewpoint_c": dewpoint_c, "pressure_pa": pressure_pa}, _check_t, _check_p)


def rh_pct_from_dewpoint(t_c, dewpoint_c):
    """Relative humidity, %, from dry bulb and dew point (°C): RH = 100 p_ws(T_d) / p_ws(t).

    Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eqs. 5, 6, 24 and 36.
    """
    return _evaluate(_rh_from_dewpoint, {"t_c": t_c, "dewpoint_c": dewpoint_c}, _check_t, _check_t)


def humidity_ratio_from_wetbulb(t_c, wetbulb_c, pressure_pa):
    """Humidity ratio, kg/kg, from dry bulb, thermodynamic wet bulb (°C) and pressure (Pa).

    W = ((2501 - 2.326 t*) W_s* - 1.006 (t - t*)) / (2501 + 1.86 t - 4.186 t*) for t* >= 0 °C
    (eq. 33); W = ((2830 - 0.24 t*) W_s* - 1.006 (t - t*)) / (2830 + 1.86 t - 2.1 t*) below
    (eq. 35). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eqs. 33 and 35.
    """
    return _evaluate(_w_from_wetbulb, {"t_c": t_c, "wetbulb_c": wetbulb_c, "pressure_pa": pressure_pa},
                     _check_t, _check_t, _check_p, between=_check_wetbulb_below_drybulb)


def wetbulb_c_from_humidity_ratio(t_c, humidity_ratio, pressure_pa):
    """Thermodynamic wet-bulb temperature, °C, from dry bulb, humidity ratio and pressure.

    Solves eq. 33 (eq. 35 below 0 °C) for t* between the dew point and the dry bulb, by
    regula falsi to 1e-7 K (PsychroLib's bisection, 1e-3 K, where the bracket straddles the
    0 °C seam of the two equations, so that the same root is chosen). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eqs. 33, 35.
    """
    return _evaluate(_wetbulb, {"t_c": t_c, "humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa},
                     _check_t, _check_w, _check_p)


def wetbulb_c_from_rh(t_c, rh_pct, pressure_pa):
    """Thermodynamic wet-bulb temperature, °C, from dry bulb, relative humidity and pressure.

    W from RH (eqs. 20, 24), then eq. 33/35 solved for t* (iterative, see
    :func:`wetbulb_c_from_humidity_ratio`). Source: ASHRAE Handbook - Fundamentals (2017) ch. 1.
    """
    return _evaluate(_wetbulb_from_rh, {"t_c": t_c, "rh_pct": rh_pct, "pressure_pa": pressure_pa},
                     _check_t, _check_rh, _check_p)


def moist_air_enthalpy_j_per_kg(t_c, humidity_ratio):
    """Moist air specific enthalpy, J per kg of dry air.

    h = 1.006 t + W (2501 + 1.86 t), in kJ/kg, times 1000. Source: ASHRAE Handbook -
    Fundamentals (2017) ch. 1 eq. 30.
    """
    return _evaluate(_enthalpy, {"t_c": t_c, "humidity_ratio": humidity_ratio}, None, _check_w)


def drybulb_c_from_enthalpy(enthalpy_j_per_kg, humidity_ratio):
    """Dry bulb, °C, from moist air enthalpy (J/kg dry air) and humidity ratio (kg/kg).

    t = (h/1000 - 2501 W) / (1.006 + 1.86 W). Source: ASHRAE Handbook - Fundamentals (2017)
    ch. 1 eq. 30 solved for t.
    """
    return _evaluate(_drybulb_from_enthalpy, {"enthalpy_j_per_kg": enthalpy_j_per_kg, "humidity_ratio": humidity_ratio},
                     None, _check_w)


def moist_air_specific_volume_m3_per_kg(t_c, humidity_ratio, pressure_pa):
    """Moist air specific volume, m3 per kg of dry air.

    v = R_da (t + 273.15) (1 + 1.607858 W) / p, R_da = 287.042 J/(kg K). Source: ASHRAE
    Handbook - Fundamentals (2017) ch. 1 eq. 26.
    """
    return _evaluate(_specific_volume, {"t_c": t_c, "humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa},
                     None, _check_w, _check_p)


def moist_air_density_kg_per_m3(t_c, humidity_ratio, pressure_pa):
    """Moist air density, kg of moist air per m3: rho = (1 + W) / v.

    Source: ASHRAE Handbook - Fundamentals (2017) ch. 1 eqs. 11 and 26.
    """
    return _evaluate(_density, {"t_c": t_c, "humidity_ratio": humidity_ratio, "pressure_pa": pressure_pa},
                     None, _check_w, _check_p)


def standard_atmosphere_pressure_pa(altitude_m):
    """Standard-atmosphere barometric pressure, Pa, at an altitude above sea level (m).

    p = 101325 (1 - 2.25577e-5 Z)^5.2559. Source: ASHRAE Handbook - Fundamentals (2017) ch. 1
    eq. 3. Plain NumPy (no loop needed).
    """
    z = np.asarray(altitude_m, dtype=np.float64)
    if np.any(z < -500.0) or np.any(z > 11000.0):
        raise ValueError("altitude_m outside [-500, 11000] m (range of eq. 3)")
    p = 101325.0 * (1.0 - 2.25577e-5 * z) ** 5.2559
    return float(p) if z.ndim == 0 else p


def _state_from_dewpoint(t_c: np.ndarray, dewpoint_c: np.ndarray, pressure_pa: np.ndarray):
    """(humidity ratio, RH %, wet bulb °C) for 1-D float64 arrays of equal length (internal)."""
    n = t_c.size
    w = np.empty(n)
    rh = np.empty(n)
    twb = np.empty(n)
    _k_state_from_dewpoint(
        np.ascontiguousarray(t_c, dtype=np.float64),
        np.ascontiguousarray(dewpoint_c, dtype=np.float64),
        np.ascontiguousarray(pressure_pa, dtype=np.float64),
        w,
        rh,
        twb,
    )
    return w, rh, twb
