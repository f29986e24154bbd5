"""Numerical building blocks of the synthetic typical years (:mod:`dcsim.climate.synthetic`).

No climate in here: mean-preserving seasonal interpolation, periodic AR(1) series, a
skewness transform, daily-to-hourly interpolation, the diurnal shape and the dew-point
calibration. The assumptions they are used with are stated in :mod:`dcsim.climate.synthetic`
(the check of given monthly means is :func:`dcsim.data.monthly_means.check_monthly_means`).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import psychro
from .weather import YEAR_S

__all__ = [
    "annual_cosine",
    "calibrate_dewpoint",
    "cosine_season",
    "daily_to_hourly",
    "diurnal_shape",
    "lognormal_sigma",
    "mean_preserving_operator",
    "monthly_mean",
    "periodic_ar1",
    "skewed",
]

_N_HARMONICS = 24
_BLEND_DAYS = 30


def annual_cosine(day: np.ndarray, peak_day: float) -> np.ndarray:
    """cos(2 pi (day - peak_day) / 365): +1 at ``peak_day`` (day of year), -1 half a year later."""
    return np.cos(2.0 * np.pi * (day - peak_day) / 365.0)


def cosine_season(jan_or_dec: float, jul_or_jun: float, day: np.ndarray, peak_day: float) -> np.ndarray:
    """``jan_or_dec`` at ``peak_day`` (day of year), ``jul_or_jun`` half a year later, cosine
    between (:func:`annual_cosine`)."""
    c = 0.5 * (1.0 + annual_cosine(day, peak_day))
    return jul_or_jun + (jan_or_dec - jul_or_jun) * c


def monthly_mean(values: np.ndarray, month_idx: np.ndarray) -> np.ndarray:
    return np.bincount(month_idx, weights=values, minlength=12) / np.bincount(month_idx, minlength=12)


@lru_cache(maxsize=8)
def mean_preserving_operator(year: int) -> tuple[np.ndarray, np.ndarray]:
    """(L, month index) for the 8760 hours from 1 January of ``year``.

    ``L`` (8760 x 12) maps 12 monthly means b to the hourly curve c = L b that minimises
    the roughness sum_k k^4 (a_k^2 + b_k^2) of its Fourier series (up to 24 harmonics of the
    365-day period; a periodic-spline-like penalty) subject to the exact constraint that its
    hourly values average to b in every month: c = B W^-1 M^T (M W^-1 M^T)^-1 b with
    M = A B, A the monthly averaging matrix, B the harmonic basis and W the penalty weights.
    """
    n = YEAR_S // 3600
    t = np.datetime64(f"{year}-01-01T00:00", "h") + np.arange(n)
    month_idx = (t.astype("datetime64[M]").astype(np.int64) % 12).astype(np.intp)
    x = 2.0 * np.pi * np.arange(n) / n
    cols = [np.ones(n)]
    weights = [1e-6]  # the mean is fixed by the constraints; a tiny weight keeps W invertible
    for k in range(1, _N_HARMONICS + 1):
        cols += [np.cos(k * x), np.sin(k * x)]
        weights += [float(k) ** 4] * 2
    basis = np.stack(cols, axis=1)  # (n, 2K+1)
    counts = np.bincount(month_idx, minlength=12).astype(np.float64)
    m = np.stack([basis[month_idx == j].sum(axis=0) / counts[j] for j in range(12)])  # (12, 2K+1)
    w_inv = 1.0 / np.asarray(weights)
    gram = (m * w_inv) @ m.T  # M W^-1 M^T, (12, 12)
    coef = np.linalg.solve(gram, m * w_inv).T  # W^-1 M^T (M W^-1 M^T)^-1, (2K+1, 12)
    op = basis @ coef
    # iterative refinement: make the hourly monthly means of op @ b equal b to round-off
    avg = np.zeros((12, n))
    avg[month_idx, np.arange(n)] = 1.0 / counts[month_idx]
    for _ in range(3):
        op = op + op @ (np.eye(12) - avg @ op)
    op.setflags(write=False)
    month_idx.setflags(write=False)
    return op, month_idx


def periodic_ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) of length ``n`` made periodic (x[n-1] leads into x[0]).

    The last :data:`_BLEND_DAYS` values are cross-faded (variance-preserving cos/sin weights)
    into the values that precede x[0] in the same AR(1) realisation.
    """
    m = n + _BLEND_DAYS
    e = rng.standard_normal(m)
    x = np.empty(m)
    x[0] = e[0]
    s = math.sqrt(1.0 - phi * phi)
    for i in range(1, m):
        x[i] = phi * x[i - 1] + s * e[i]
    y = x[_BLEND_DAYS:].copy()
    theta = (np.arange(_BLEND_DAYS) + 1.0) / (_BLEND_DAYS + 1.0) * (0.5 * np.pi)
    y[-_BLEND_DAYS:] = np.cos(theta) * y[-_BLEND_DAYS:] + np.sin(theta) * x[:_BLEND_DAYS]
    return y


def lognormal_sigma(skew: np.ndarray) -> np.ndarray:
    """Shape sigma of the lognormal distribution whose skewness is ``|skew|``.

    Skewness of a lognormal: (e^(s^2) + 2) sqrt(e^(s^2) - 1); with u = e^(s^2) - 1 this is
    (u + 3)^2 u = skew^2, a cubic increasing and convex in u >= 0, solved by Newton from
    u = skew^2 / 9 (right of the root, so the iteration falls monotonically onto it).
    """
    g2 = np.asarray(skew, dtype=np.float64) ** 2
    u = g2 / 9.0
    for _ in range(60):
        u = u - (u * (u + 3.0) ** 2 - g2) / (3.0 * u * u + 12.0 * u + 9.0)
    return np.sqrt(np.log1p(np.maximum(u, 0.0)))


def skewed(z: np.ndarray, skew: np.ndarray) -> np.ndarray:
    """Standard-normal ``z`` mapped to zero mean, unit variance and skewness ``skew``.

    A standardised lognormal, mirrored for negative skew, increasing in ``z`` (so the day
    order of cold and warm spells is kept): X = sign(g) (e^(s sign(g) z) - e^(s^2/2)) /
    sqrt(e^(s^2) (e^(s^2) - 1)), s from :func:`lognormal_sigma`. Bounded on the mild side
    (at e^(s^2/2) / sqrt(...) standard deviations), unbounded on the skewed side. |skew| below
    1e-6 leaves ``z`` unchanged (the Gaussian limit).
    """
    skew = np.broadcast_to(np.asarray(skew, dtype=np.float64), z.shape)
    sign = np.where(skew < 0.0, -1.0, 1.0)
    sig = lognormal_sigma(skew)
    gauss = sig < 1e-6
    s_safe = np.where(gauss, 1.0, sig)
    e2 = np.exp(s_safe * s_safe)
    x = sign * (np.exp(s_safe * sign * z) - np.sqrt(e2)) / np.sqrt(e2 * (e2 - 1.0))
    return np.where(gauss, z, x)


def daily_to_hourly(daily: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Daily values placed at 12:00 UTC, interpolated linearly (periodic) to the given hours."""
    day_centres_s = (np.arange(daily.size) * 86400.0) + 43200.0
    return np.interp(hours * 3600.0, day_centres_s, daily, period=YEAR_S)


def calibrate_dewpoint(base_c, drybulb_c, dep_noise_k, target_rh_pct, op, month_idx):
    """Dew point (capped at the dry bulb) whose RH averages to ``target_rh_pct`` each month.

    Depression D(t) = op @ d_m (smooth, mean-preserving curve through monthly values d_m);
    dew point = min(base - D + noise, dry bulb). d_m is found by a diagonal Newton iteration
    on the monthly mean RH (a monotonic function of d_m), to 0.05 % RH.
    """
    t_month = monthly_mean(base_c, month_idx)
    # start from the depression that gives the target RH at the monthly mean temperature
    d_m = t_month - psychro.dewpoint_c_from_rh(t_month, target_rh_pct)
    drybulb_c = np.ascontiguousarray(drybulb_c)

    def monthly_rh(d):
        dp = np.clip(base_c - op @ d + dep_noise_k, -90.0, drybulb_c)
        rh = np.minimum(psychro.rh_pct_from_dewpoint(drybulb_c, dp), 100.0)
        return dp, rh, monthly_mean(rh, month_idx)

    if np.all(target_rh_pct >= 99.99):  # saturated: dew point = dry bulb
        return drybulb_c.copy(), np.full(drybulb_c.size, 100.0)
    for _ in range(50):
        dp, rh, mean_rh = monthly_rh(d_m)
        err = mean_rh - target_rh_pct
        if np.max(np.abs(err)) < 0.05:
            break
        _, _, mean_rh_2 = monthly_rh(d_m + 0.25)
        slope = (mean_rh_2 - mean_rh) / 0.25  # d(mean RH)/d(depression) < 0
        slope = np.minimum(slope, -0.5)
        d_m = d_m - np.clip(err / slope, -5.0, 5.0)
    return dp, rh


def diurnal_shape(solar_h: np.ndarray, min_h: float, max_h: float) -> np.ndarray:
    """Zero-mean diurnal shape in [-0.5, 0.5]: min at ``min_h``, max at ``max_h`` solar time.

    Half-cosine rise over the hours from minimum to maximum, half-cosine fall over the rest
    of the day; both halves average to zero, continuous with continuous slope.
    """
    rise_h = max_h - min_h
    x = np.mod(solar_h - min_h, 24.0)
    return np.where(
        x < rise_h,
        -0.5 * np.cos(np.pi * x / rise_h),
        0.5 * np.cos(np.pi * (x - rise_h) / (24.0 - rise_h)),
    )
