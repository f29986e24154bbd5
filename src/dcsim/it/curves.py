"""EnergyPlus-style performance curves with input and output limits.

EnergyPlus evaluates every performance curve by first clamping each input to the curve's
``Minimum/Maximum Value of x`` (and ``y``), then evaluating the polynomial, then clamping
the result to ``Minimum/Maximum Curve Output`` when those are given (EnergyPlus Engineering
Reference, "Performance Curves"; ``CurveManager::CurveValue``). dcsim reproduces that
exactly so that curves copied from an IDF give the same numbers as EnergyPlus.

Two shapes cover the ITE model:

- :class:`BiquadraticCurve` (``Curve:Biquadratic``):
  ``f(x, y) = c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y``
- :class:`CubicCurve` (``Curve:Cubic``; a ``Curve:Quadratic`` is a cubic with ``c4 = 0``):
  ``f(x) = c1 + c2 x + c3 x^2 + c4 x^3``

The Numba evaluators (:func:`biquadratic_value`, :func:`cubic_value`) take the
coefficients and limits as small float64 arrays so that other kernels can call them
inside compiled loops; the dataclasses pack their fields into those arrays with
:meth:`BiquadraticCurve.arrays` / :meth:`CubicCurve.arrays`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from .._jitcache import njit

from .._numeric import FASTMATH

__all__ = [
    "BiquadraticCurve",
    "CubicCurve",
    "biquadratic_value",
    "biquadratic_at_x",
    "clamped_quadratic_value",
    "cubic_value",
    "clamped_cubic_value",
    "OPENSTUDIO_CPU_POWER_CURVE",
    "OPENSTUDIO_AIRFLOW_CURVE",
    "OPENSTUDIO_FAN_POWER_CURVE",
    "AFFINITY_FAN_POWER_CURVE",
    "CONSTANT_UPS_EFFICIENCY_CURVE",
]

_INF = math.inf


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def biquadratic_value(coef, limits, x, y):
    """Evaluate a ``Curve:Biquadratic`` at one point, with EnergyPlus clamping.

    ``coef`` = (c1..c6); ``limits`` = (x_min, x_max, y_min, y_max, out_min, out_max),
    infinite where a limit is absent. Inputs are clamped first, then the output
    (EnergyPlus Engineering Reference, Performance Curves):
    f = c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y, evaluated as a quadratic in y
    (:func:`biquadratic_at_x`), the form the rack loops use.
    """
    a0, a1, a2, y_min, y_max, out_min, out_max = biquadratic_at_x(coef, limits, x)
    return clamped_quadratic_value(a0, a1, a2, y_min, y_max, out_min, out_max, y)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def cubic_value(coef, limits, x):
    """Evaluate a ``Curve:Cubic`` (or quadratic, ``c4 = 0``) at one point, with clamping.

    ``coef`` = (c1..c4); ``limits`` = (x_min, x_max, out_min, out_max), infinite where
    absent (EnergyPlus Engineering Reference, Performance Curves).
    """
    return clamped_cubic_value(coef[0], coef[1], coef[2], coef[3], limits[0], limits[1], limits[2], limits[3], x)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def clamped_cubic_value(c1, c2, c3, c4, x_min, x_max, out_min, out_max, x):
    """c1 + c2 xc + c3 xc^2 + c4 xc^3 with xc = x clamped to [x_min, x_max], the result
    clamped to [out_min, out_max]: :func:`cubic_value` with its coefficients as scalars."""
    xc = min(max(x, x_min), x_max)
    return min(max(c1 + xc * (c2 + xc * (c3 + xc * c4)), out_min), out_max)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def biquadratic_at_x(coef, limits, x):
    """A ``Curve:Biquadratic`` with its first input fixed, as a clamped quadratic in y.

    Returns ``(a0, a1, a2, y_min, y_max, out_min, out_max)`` such that
    ``clamped_quadratic_value(*that, y) == biquadratic_value(coef, limits, x, y)`` up to
    rounding: with x clamped to its limits, f(x, y) = (c1 + c2 x + c3 x^2) + (c4 + c6 x) y + c5 y^2.
    Rack loops where every rack shares x (utilisation) then cost two multiply-adds per rack.
    """
    xc = min(max(x, limits[0]), limits[1])
    return (
        coef[0] + coef[1] * xc + coef[2] * xc * xc,
        coef[3] + coef[5] * xc,
        coef[4],
        limits[2],
        limits[3],
        limits[4],
        limits[5],
    )


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def clamped_quadratic_value(a0, a1, a2, y_min, y_max, out_min, out_max, y):
    """a0 + a1 yc + a2 yc^2 with yc = y clamped to [y_min, y_max], the result clamped to
    [out_min, out_max] (see :func:`biquadratic_at_x`)."""
    yc = min(max(y, y_min), y_max)
    return min(max(a0 + yc * (a1 + yc * a2), out_min), out_max)


@njit(cache=True, fastmath=False, error_model="numpy")
def _biquadratic_kernel(coef, limits, x, y, out):
    for i in range(x.shape[0]):
        out[i] = biquadratic_value(coef, limits, x[i], y[i])


@njit(cache=True, fastmath=False, error_model="numpy")
def _cubic_kernel(coef, limits, x, out):
    for i in range(x.shape[0]):
        out[i] = cubic_value(coef, limits, x[i])


def _check_limits(pairs: list[tuple[str, float, float]]) -> None:
    problems = []
    for name, lo, hi in pairs:
        if math.isnan(lo) or math.isnan(hi):
            problems.append(f"{name} limits must be numbers, got ({lo}, {hi})")
        elif lo > hi:
            problems.append(f"{name} minimum {lo} is above its maximum {hi}")
    if problems:
        raise ValueError("; ".join(problems))


def _as_float_array(value) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("curve inputs must be finite numbers (no NaN or inf)")
    return arr


@dataclass(frozen=True)
class BiquadraticCurve:
    """EnergyPlus ``Curve:Biquadratic``: ``f(x, y) = c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y``.

    Inputs are clamped to ``[x_min, x_max]`` and ``[y_min, y_max]``, the output to
    ``[out_min, out_max]`` (EnergyPlus Engineering Reference, Performance Curves).
    Leave ``out_min``/``out_max`` infinite where the IDF leaves the output limits blank.
    """

    coefficients: tuple[float, float, float, float, float, float]
    x_min: float = -_INF
    x_max: float = _INF
    y_min: float = -_INF
    y_max: float = _INF
    out_min: float = -_INF
    out_max: float = _INF

    def __post_init__(self) -> None:
        coef = tuple(float(c) for c in self.coefficients)
        if len(coef) != 6 or not all(math.isfinite(c) for c in coef):
            raise ValueError(f"a biquadratic curve needs 6 finite coefficients, got {coef!r}")
        object.__setattr__(self, "coefficients", coef)
        for name in ("x_min", "x_max", "y_min", "y_max", "out_min", "out_max"):
            object.__setattr__(self, name, float(getattr(self, name)))
        _check_limits(
            [
                ("x", self.x_min, self.x_max),
                ("y", self.y_min, self.y_max),
                ("output", self.out_min, self.out_max),
            ]
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(coef[6], limits[6])`` float64 arrays for :func:`biquadratic_value`."""
        limits = (self.x_min, self.x_max, self.y_min, self.y_max, self.out_min, self.out_max)
        return np.array(self.coefficients, dtype=np.float64), np.array(limits, dtype=np.float64)

    def __call__(self, x, y):
        """Evaluate at ``x``, ``y`` (broadcast arrays or scalars); float for scalar inputs."""
        xa, ya = np.broadcast_arrays(_as_float_array(x), _as_float_array(y))
        shape = xa.shape
        xf = np.ascontiguousarray(xa).ravel()
        yf = np.ascontiguousarray(ya).ravel()
        out = np.empty_like(xf)
        coef, limits = self.arrays()
        _biquadratic_kernel(coef, limits, xf, yf, out)
        return float(out[0]) if shape == () else out.reshape(shape)


@dataclass(frozen=True)
class CubicCurve:
    """EnergyPlus ``Curve:Cubic``: ``f(x) = c1 + c2 x + c3 x^2 + c4 x^3``.

    A ``Curve:Quadratic`` is the same with ``c4 = 0`` (see :meth:`quadratic`). The input is
    clamped to ``[x_min, x_max]``, the output to ``[out_min, out_max]`` (EnergyPlus
    Engineering Reference, Performance Curves).
    """

    coefficients: tuple[float, float, float, float]
    x_min: float = -_INF
    x_max: float = _INF
    out_min: float = -_INF
    out_max: float = _INF

    def __post_init__(self) -> None:
        coef = tuple(float(c) for c in self.coefficients)
        if len(coef) != 4 or not all(math.isfinite(c) for c in coef):
            raise ValueError(f"a cubic curve needs 4 finite coefficients, got {coef!r}")
        object.__setattr__(self, "coefficients", coef)
        for name in ("x_min", "x_max", "out_min", "out_max"):
            object.__setattr__(self, name, float(getattr(self, name)))
        _check_limits([("x", self.x_min, self.x_max), ("output", self.out_min, self.out_max)])

    @classmethod
    def quadratic(
        cls,
        c1: float,
        c2: float,
        c3: float,
        *,
        x_min: float = -_INF,
        x_max: float = _INF,
        out_min: float = -_INF,
        out_max: float = _INF,
    ) -> CubicCurve:
        """EnergyPlus ``Curve:Quadratic`` ``c1 + c2 x + c3 x^2`` as a cubic with ``c4 = 0``."""
        return cls((c1, c2, c3, 0.0), x_min=x_min, x_max=x_max, out_min=out_min, out_max=out_max)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(coef[4], limits[4])`` float64 arrays for :func:`cubic_value`."""
        limits = (self.x_min, self.x_max, self.out_min, self.out_max)
        return np.array(self.coefficients, dtype=np.float64), np.array(limits, dtype=np.float64)

    def __call__(self, x):
        """Evaluate at ``x`` (array or scalar); float for a scalar input."""
        xa = _as_float_array(x)
        shape = xa.shape
        xf = np.ascontiguousarray(xa).ravel()
        out = np.empty_like(xf)
        coef, limits = self.arrays()
        _cubic_kernel(coef, limits, xf, out)
        return float(out[0]) if shape == () else out.reshape(shape)


# OpenStudio defaults for ElectricEquipment:ITE:AirCooled (OpenStudio
# ElectricEquipmentITEAirCooledDefinition default constructor; its stated reference:
# "Comparative Study of High Ambient Inlet Temperature Effects on the Performance of Air vs.
# Liquid Cooled IT Equipment"). Normalised to 1 at x = 1 (full CPU load), y = 22.5 C inlet.

#: CPU power factor f_P(x, T_in) = -0.035289 + 1.0 x + 0.0015684 T_in (x in [0, 1.5], T in [-10, 99]).
OPENSTUDIO_CPU_POWER_CURVE = BiquadraticCurve(
    (-0.035289, 1.0, 0.0, 0.0015684, 0.0, 0.0), x_min=0.0, x_max=1.5, y_min=-10.0, y_max=99.0
)
#: Airflow factor f_V(x, T_in) = -1.025 + 0.9 x + 0.05 T_in (x in [0, 1.5], T in [-10, 99]).
OPENSTUDIO_AIRFLOW_CURVE = BiquadraticCurve(
    (-1.025, 0.9, 0.0, 0.05, 0.0, 0.0), x_min=0.0, x_max=1.5, y_min=-10.0, y_max=99.0
)
#: OpenStudio's default fan power curve: linear in flow fraction, f_F = x (x in [0, 99]).
OPENSTUDIO_FAN_POWER_CURVE = CubicCurve((0.0, 1.0, 0.0, 0.0), x_min=0.0, x_max=99.0)
#: Fan affinity law, f_F = x^3 (power scales with the cube of flow at a fixed system curve).
AFFINITY_FAN_POWER_CURVE = CubicCurve((0.0, 0.0, 0.0, 1.0), x_min=0.0, x_max=99.0)
#: UPS efficiency multiplier that does not depend on part-load ratio (f = 1).
CONSTANT_UPS_EFFICIENCY_CURVE = CubicCurve((1.0, 0.0, 0.0, 0.0), x_min=0.0, x_max=99.0)
