"""Goodness of fit of a simulation to meters, as ASHRAE Guideline 14-2014 judges a calibrated
simulation.

For measured values m_i and simulated s_i, i = 1..n, with the measured mean m̄ and p the
number of parameters of the model (Guideline 14's n - p degrees of freedom)::

    CV(RMSE) = 100 x sqrt(sum (m_i - s_i)^2 / (n - p)) / m̄      [%]
    NMBE     = 100 x sum (m_i - s_i) / ((n - p) x m̄)            [%]

(NMBE > 0: the simulation reads low.) A calibrated simulation meets CV(RMSE) <= 30 % and
|NMBE| <= 10 % on hourly data, 15 % and 5 % on monthly data (Guideline 14-2014, the limits
that issue 18 and IPMVP Option D practice cite). dcsim takes p = 1 (the mean): with 8,760
hours n - p and n differ by 0.01 %; on 12 months by 9 %, which the note of a monthly result
should keep in mind.

Hourly values are the clock hour's mean of the intervals (an hour with any interval missing
is left out); monthly values are each calendar month's (UTC) sum of the hours both series have
for a power channel (kWh) and their mean for a temperature.
"""

from __future__ import annotations

import numpy as np

from ..grid.tariffs import hourly_mean_kw

#: (CV(RMSE) %, |NMBE| %) limits of ASHRAE Guideline 14-2014 for a calibrated simulation
G14_LIMITS = {"hourly": (30.0, 10.0), "monthly": (15.0, 5.0)}


def cv_rmse_pct(measured, simulated, p: int = 1) -> float:
    """CV(RMSE), % (module docstring); NaNs in either series are left out."""
    m, s = _paired(measured, simulated)
    n = m.size
    if n - p <= 0 or m.mean() == 0:
        return float("inf")
    return float(100.0 * np.sqrt(((m - s) ** 2).sum() / (n - p)) / m.mean())


def nmbe_pct(measured, simulated, p: int = 1) -> float:
    """NMBE, % (module docstring; > 0 when the simulation reads low); NaNs left out."""
    m, s = _paired(measured, simulated)
    n = m.size
    if n - p <= 0 or m.mean() == 0:
        return float("inf")
    return float(100.0 * (m - s).sum() / ((n - p) * m.mean()))


def _paired(measured, simulated) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(measured, dtype=np.float64)
    s = np.asarray(simulated, dtype=np.float64)
    ok = np.isfinite(m) & np.isfinite(s)
    return m[ok], s[ok]


def hourly(times_s: np.ndarray, values: np.ndarray, step_s: int) -> tuple[np.ndarray, np.ndarray]:
    """(hour starts, hourly means) of interval means on a step dividing an hour, every interval
    of the span present (gaps NaN), by the power fee's clock-hour mean
    (:func:`dcsim.grid.tariffs.hourly_mean_kw`); an hour with any interval missing (NaN) or only
    partly covered is NaN."""
    hour_s, mean, covered_s = hourly_mean_kw(values, int(np.asarray(times_s)[0]), step_s)
    return hour_s, np.where(covered_s == 3600, mean, np.nan)


def monthly(hour_s: np.ndarray, measured: np.ndarray, simulated: np.ndarray, *, energy: bool):
    """Monthly (UTC) values of two hourly series over the hours both have: sums (an energy,
    kWh from kW) or means (a temperature)."""
    ok = np.isfinite(measured) & np.isfinite(simulated)
    month = np.asarray(hour_s, dtype="datetime64[s]").astype("datetime64[M]")
    out_m, out_s = [], []
    for mo in np.unique(month[ok]):
        sel = ok & (month == mo)
        f = np.sum if energy else np.mean
        out_m.append(float(f(measured[sel])))
        out_s.append(float(f(simulated[sel])))
    return np.asarray(out_m), np.asarray(out_s)


def lag1_autocorrelation(residuals) -> float:
    """Lag-1 autocorrelation of a residual series (NaNs break the pairs they touch): the rho
    of Guideline 14's effective number of points n' = n (1 - rho) / (1 + rho)."""
    r = np.asarray(residuals, dtype=np.float64)
    a, b = r[:-1], r[1:]
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return 0.0
    a, b = a[ok] - r[np.isfinite(r)].mean(), b[ok] - r[np.isfinite(r)].mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else 0.0


def fit_statistics(hour_s: np.ndarray, measured_h: np.ndarray, simulated_h: np.ndarray, *, energy: bool,
                   p: int = 1) -> dict:
    """Hourly and monthly CV(RMSE) and NMBE of one channel and whether each meets
    Guideline 14 (:data:`G14_LIMITS`); the hourly residuals' lag-1 autocorrelation (for the
    savings uncertainty of :mod:`dcsim.mv.verify`)."""
    out = {"residual_lag1_autocorrelation": lag1_autocorrelation(np.asarray(measured_h) - np.asarray(simulated_h))}
    mm, ms = monthly(hour_s, measured_h, simulated_h, energy=energy)
    for scale, (m, s) in (("hourly", (measured_h, simulated_h)), ("monthly", (mm, ms))):
        cv, nm = cv_rmse_pct(m, s, p), nmbe_pct(m, s, p)
        lim_cv, lim_nm = G14_LIMITS[scale]
        n = int(np.count_nonzero(np.isfinite(np.asarray(m)) & np.isfinite(np.asarray(s))))
        if not (np.isfinite(cv) and np.isfinite(nm)):  # too few values (n <= p) or a zero mean: not judged
            out[scale] = {"n": n, "cv_rmse_pct": None, "nmbe_pct": None, "meets_guideline_14": None}
            continue
        out[scale] = {"n": n, "cv_rmse_pct": cv, "nmbe_pct": nm,
                      "meets_guideline_14": bool(cv <= lim_cv and abs(nm) <= lim_nm)}
    return out
