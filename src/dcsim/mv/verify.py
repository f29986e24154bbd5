"""Verified savings after an installation (``dcsim verify``, IPMVP Option D, issue 18).

Option D (calibrated simulation): the calibrated model of the site before the change (the
case's baseline, written by ``dcsim calibrate``), run on the reporting period's weather and
load, is the adjusted baseline; the saving is what it uses less what the meters measured after
the change, over the intervals the meters have::

    E_save = sum (baseline_i - measured_i) x dt        F = E_save / sum baseline_i x dt

and its uncertainty is ASHRAE Guideline 14-2014's fractional savings uncertainty for a model
with CV(RMSE) ``CV`` on ``n`` calibration points whose residuals have lag-1 autocorrelation
rho, used over ``m`` reporting points (Guideline 14 Annex B, after Reddy and Claridge)::

    dE_save / E_save = t x 1.26 x CV x sqrt((n / n') (1 + 2 / n) / m) / F,   n' = n (1 - rho) / (1 + rho)

with t Student's at the confidence level (two-sided) and n' - 1 degrees of freedom; the
interval of F is F +- t x 1.26 x CV x sqrt(...). (Guideline 14 derived the 1.26 for monthly
data and applies the same form to shorter intervals.) The calibration's CV, n and rho are read
from ``calibration.json`` beside the baseline scenario. What the case predicted for each
proposal, run on the same period, is set beside the measured saving.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, Problem
from .calibrate import _finite, period_overrides
from .meters import Meters

#: two-sided confidence of the savings interval (IPMVP and Guideline 14 report 90 %)
CONFIDENCE = 0.90


def savings_uncertainty(cv: float, n: int, rho: float, m: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the interval of the fractional saving F (module docstring): t x 1.26 x
    CV x sqrt((n / n') (1 + 2 / n) / m). ``cv`` as a fraction (0.05 for 5 %)."""
    from scipy.stats import t as student

    rho = min(max(rho, 0.0), 0.99)  # a negative rho would claim more points than measured
    n_eff = n * (1.0 - rho) / (1.0 + rho)
    dof = max(n_eff - 1.0, 1.0)
    t = float(student.ppf(0.5 + confidence / 2.0, dof))
    return t * 1.26 * cv * math.sqrt((n / n_eff) * (1.0 + 2.0 / n) / m)


def verify(case_path: str | Path, meters: Meters, *, channel: str = "facility_power_kw") -> dict[str, Any]:
    """The verified saving of ``channel`` after the installation (module docstring), with
    what the case's proposals predicted on the same period. InputError when the baseline has
    no calibration.json beside it or the channel is not metered."""
    from ..case import load_case
    from ..engine import simulate

    if channel not in meters.channels:
        raise InputError(Problem("--channel", f"not in {meters.file}: it has {', '.join(meters.channels)}", value=channel))
    probe = load_case(case_path)
    baseline_file = (Path(case_path).resolve().parent / probe.info.baseline).resolve()
    cal_file = baseline_file.parent / "calibration.json"
    if not cal_file.is_file():
        raise InputError(Problem("case.baseline", f"verification needs the calibrated baseline: no calibration.json beside "
                                 f"{baseline_file}; run dcsim calibrate and point the case's baseline at its "
                                 "calibrated.toml", value=probe.info.baseline))
    cal = json.loads(cal_file.read_text(encoding="utf-8"))
    stats = cal.get("channels", {}).get(channel)
    if not stats or stats["hourly"]["cv_rmse_pct"] is None:
        raise InputError(Problem("--channel", f"{cal_file} has no hourly CV(RMSE) of {channel}: calibrate on it first",
                                 value=channel))
    case = load_case(case_path, overrides=period_overrides(meters, probe.baseline.scenario.simulation.step))
    measured = meters.channels[channel]
    ok = np.isfinite(measured)
    dt_h = meters.step_s / 3600.0

    def series(sc) -> np.ndarray:
        return simulate(sc).timeseries[channel].to_numpy(np.float64)[: meters.n]

    base = series(case.baseline.scenario)
    e_base = float(base[ok].sum() * dt_h)
    e_save = float((base[ok] - measured[ok]).sum() * dt_h)
    f = e_save / e_base if e_base > 0 else 0.0
    cv = stats["hourly"]["cv_rmse_pct"] / 100.0
    half = savings_uncertainty(cv, int(stats["hourly"]["n"]), float(stats.get("residual_lag1_autocorrelation", 0.0)),
                               max(int(round(ok.sum() * dt_h)), 1))  # reporting hours, as the calibration's CV is hourly
    predicted = {}
    for v in case.proposals:
        if v.components:  # a plugin component runs in the case runner, not here
            continue
        prop = series(v.scenario)
        e_prop = float(prop[ok].sum() * dt_h)
        predicted[v.name] = {"saving": e_base - e_prop, "fractional_saving": (e_base - e_prop) / e_base if e_base else 0.0}
    unit = "kWh" if channel.endswith("_kw") else "unit x h"
    return _finite({
        "method": "IPMVP Option D (calibrated simulation); ASHRAE Guideline 14-2014 fractional savings uncertainty",
        "meters_after": meters.file,
        "channel": channel,
        "unit": unit,
        "period_start_utc": str(np.datetime64(meters.start_s, "s")) + "Z",
        "intervals": int(ok.sum()),
        "adjusted_baseline": e_base,
        "measured": float(measured[ok].sum() * dt_h),
        "saving": e_save,
        "fractional_saving": f,
        "confidence": CONFIDENCE,
        "fractional_saving_interval": [f - half, f + half],
        "saving_interval": [e_save - half * e_base, e_save + half * e_base],
        "calibration": {"file": str(cal_file), "cv_rmse_pct": stats["hourly"]["cv_rmse_pct"], "n": stats["hourly"]["n"],
                        "residual_lag1_autocorrelation": stats.get("residual_lag1_autocorrelation", 0.0)},
        "predicted": predicted,
    })
