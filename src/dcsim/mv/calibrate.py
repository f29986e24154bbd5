"""Calibration of a scenario to a site's meters (``dcsim calibrate``, issue 18).

The listed scenario keys are fitted within their bounds so that the simulation of the meters'
period reproduces the metered channels: bounded nonlinear least squares
(:func:`scipy.optimize.least_squares`, trust-region reflective, forward differences of 0.1 %
of each key's range) on the residuals (simulated - measured) / measured mean of every channel
at the meters' step, so that each channel weighs by its relative error, as CV(RMSE) does.
Several starts (the scenario's own values, then points drawn uniformly in the bounds from
``seed``) guard against a local minimum; the best is kept. Each evaluation is one simulation,
deterministic for a scenario and seed, so the same call gives the same result.

Uncertainty: the covariance of the fitted values from the Jacobian at the optimum,
s^2 (1 + rho) / (1 - rho) (J^T J)^-1 with s^2 = sum r^2 / (m - p) the residual variance (m
residuals, p keys) and rho the residuals' lag-1 autocorrelation pooled over the channels (a
model error that persists from hour to hour carries fewer independent points: the effective
sample size n (1 - rho) / (1 + rho) of Guideline 14), and the 95 % interval +- 1.96 sigma. It
still assumes one variance across the channels (after the normalisation) and a residual
correlation that decays after one interval, so on a real site it is a lower bound: compare the
ends of the starts (calibration.json) as a check; a key whose optimum sits on a bound is
flagged, as its interval is then one-sided. The fit is judged by ASHRAE Guideline 14 (:mod:`dcsim.mv.stats`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import InputError, Problem
from .meters import METER_CHANNELS, Meters
from .stats import fit_statistics, hourly

_FIT_RE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*([^:]+):([^:]+)\s*$")
#: forward-difference step, a share of each key's range
DIFF_STEP = 1e-3
#: z of the two-sided 95 % interval
Z95 = 1.959963984540054


@dataclass(frozen=True)
class FitKey:
    """A scenario key to fit and its bounds."""

    key: str
    low: float
    high: float


def parse_fit(text: str) -> FitKey:
    """``KEY=LOW:HIGH`` (e.g. ``workload.mean_utilization=0.3:0.8``) as a FitKey; InputError
    naming the option otherwise."""
    m = _FIT_RE.match(text)
    low = high = math.nan
    if m:
        try:
            low, high = float(m.group(2)), float(m.group(3))
        except ValueError:
            m = None
    if not m or not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise InputError(Problem("--fit", "expected KEY=LOW:HIGH with finite numbers, LOW < HIGH "
                                          "(e.g. --fit workload.mean_utilization=0.3:0.8)", value=text))
    return FitKey(m.group(1), low, high)


@dataclass
class Calibration:
    """What a calibration found (``save`` writes calibrated.toml, calibration.json and
    residuals.png)."""

    scenario: Any
    fit: list[FitKey]
    values: dict[str, float]
    sigma: dict[str, float]
    at_bound: dict[str, bool]
    statistics: dict[str, dict]
    starts: list[dict]
    runs: int
    meters: Meters
    simulated: dict[str, np.ndarray] = field(default_factory=dict)
    residual_lag1_autocorrelation: float = 0.0

    @property
    def meets_guideline_14(self) -> bool:
        """Every channel meets Guideline 14's hourly limits."""
        return all(s["hourly"]["meets_guideline_14"] is True for s in self.statistics.values())

    def as_dict(self) -> dict:
        return {
            "meters": self.meters.file,
            "period_start_utc": str(np.datetime64(self.meters.start_s, "s")) + "Z",
            "step_s": self.meters.step_s,
            "intervals": self.meters.n,
            "fitted": {k.key: {"value": self.values[k.key], "sigma": self.sigma[k.key],
                               "interval_95": [self.values[k.key] - Z95 * self.sigma[k.key],
                                               self.values[k.key] + Z95 * self.sigma[k.key]],
                               "bounds": [k.low, k.high], "at_bound": self.at_bound[k.key]} for k in self.fit},
            "channels": self.statistics,
            "residual_lag1_autocorrelation": self.residual_lag1_autocorrelation,
            "meets_guideline_14_hourly": self.meets_guideline_14,
            "starts": self.starts,
            "simulations": self.runs,
            "method": "scipy.optimize.least_squares (trf), residuals (simulated - measured) / measured mean; "
                      "sigma from s^2 (1 + rho) / (1 - rho) (J^T J)^-1; ASHRAE Guideline 14-2014 CV(RMSE) and NMBE "
                      "with n - 1",
        }

    def save(self, directory: str | Path) -> Path:
        from ..scenario.load import dump_toml

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        (out / "calibrated.toml").write_text(dump_toml(self.scenario), encoding="utf-8")
        (out / "calibration.json").write_text(json.dumps(_finite(self.as_dict()), indent=2) + "\n", encoding="utf-8")
        _residual_figure(self, out / "residuals.png")
        return out


def _finite(obj):
    """JSON without NaN or infinity: a non-finite number becomes null."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def period_overrides(meters: Meters, step_s: int) -> dict[str, Any]:
    """The scenario keys that put a run on the meters' period, recorded at their step."""
    if meters.step_s % step_s != 0:
        raise InputError(Problem("simulation.step", f"must divide the meters' step of {meters.step_s} s "
                                 f"({meters.file}) so that each meter interval is whole steps", value=step_s))
    return {"simulation.start": str(np.datetime64(meters.start_s, "s")) + "Z",
            "simulation.duration": f"{meters.n * meters.step_s}s", "simulation.record_step": f"{meters.step_s}s"}


class _Fit:
    """One calibration problem, picklable so that its starts can run in other processes: the
    scenario and the period, the keys and their bounds, the measured channels and their
    scales. ``residuals(u)`` simulates the keys at ``lo + u (high - low)``."""

    def __init__(self, scenario: str, base: dict[str, Any], fit: list[FitKey], measured: dict[str, np.ndarray], n: int):
        self.scenario, self.base, self.fit, self.measured, self.n = scenario, base, list(fit), measured, n
        self.lo = np.array([k.low for k in fit])
        self.span = np.array([k.high - k.low for k in fit])
        self.scale = {c: float(np.nanmean(np.abs(v))) or 1.0 for c, v in measured.items()}
        self.runs = 0
        self.progress: Callable[[int], None] | None = None

    def simulate(self, x: np.ndarray):
        from ..engine import simulate as run
        from ..scenario import load_scenario

        self.runs += 1
        if self.progress is not None:
            self.progress(self.runs)
        sc = load_scenario(self.scenario, overrides={**self.base, **{k.key: float(v) for k, v in zip(self.fit, x)}})
        ts = run(sc).timeseries
        return sc, {c: ts[c].to_numpy(np.float64)[: self.n] for c in self.measured}

    def residuals(self, u: np.ndarray) -> np.ndarray:
        _, sim = self.simulate(self.lo + u * self.span)
        return np.concatenate([((sim[c] - m) / self.scale[c])[np.isfinite(m)] for c, m in self.measured.items()])


def fit_start(problem: _Fit, u0: np.ndarray) -> dict[str, Any]:
    """One start of the least-squares fit (in this process or a worker's)."""
    from scipy.optimize import least_squares

    before = problem.runs
    res = least_squares(problem.residuals, u0, bounds=(0.0, 1.0), method="trf", diff_step=DIFF_STEP, x_scale=1.0)
    return {"u0": u0, "x": res.x, "cost": float(res.cost), "jac": res.jac, "m": int(res.fun.size),
            "simulations": problem.runs - before}


def _run_starts(problem: _Fit, u_starts: list[np.ndarray], workers: int, executor: str, scheduler: str | None):
    """Every start's result, in start order: here, in local processes (spawn, one thread
    each, as a sweep's) or on a Dask cluster. Each start is deterministic, so where it ran
    does not change the result."""
    if workers <= 1 and executor == "local" or len(u_starts) == 1:
        return [fit_start(problem, u0) for u0 in u_starts]
    if executor == "dask":
        from ..sweep.executors import _dask_client

        client, close = _dask_client(workers, scheduler)
        try:
            return client.gather(client.map(fit_start, [problem] * len(u_starts), u_starts, pure=False))
        finally:
            close()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..sweep.executors import pinned_thread_env

    problem.progress = None  # a callback does not cross to other processes
    with pinned_thread_env(), ProcessPoolExecutor(max_workers=min(workers, len(u_starts)),
                                                  mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(fit_start, [problem] * len(u_starts), u_starts))


def calibrate(scenario: str | Path, meters: Meters, fit: list[FitKey], *, channels: list[str] | None = None,
              starts: int = 3, seed: int = 0, overrides: dict[str, Any] | None = None,
              progress: Callable[[int], None] | None = None, workers: int = 1, executor: str = "local",
              scheduler: str | None = None) -> Calibration:
    """Fit the ``fit`` keys of ``scenario`` to ``meters`` (module docstring). ``channels``:
    the meter channels to fit (default every one in the file); ``workers`` > 1 or
    ``executor = "dask"`` run the starts in parallel (local processes or a Dask cluster at
    ``scheduler``) with the same result."""
    from ..scenario import load_scenario

    names = list(meters.channels) if channels is None else channels
    bad = [c for c in names if c not in meters.channels]
    if bad:
        raise InputError(Problem("--channel", f"not in {meters.file}: it has {', '.join(meters.channels)}", value=bad[0]))
    base = dict(overrides or {})
    sc0 = load_scenario(scenario, overrides=base)
    base.update(period_overrides(meters, sc0.simulation.step))
    for k in fit:  # both bounds must be values the key accepts
        for v in (k.low, k.high):
            load_scenario(scenario, overrides={**base, k.key: v})
    measured = {c: meters.channels[c] for c in names}
    problem = _Fit(str(scenario), base, fit, measured, meters.n)
    problem.progress = progress
    lo, span = problem.lo, problem.span
    rng = np.random.default_rng(seed)
    own = []
    for k in fit:
        v = _get(sc0, k.key)
        own.append(min(max(float(v), k.low), k.high) if isinstance(v, (int, float)) else 0.5 * (k.low + k.high))
    u_starts = [np.clip((np.asarray(own) - lo) / span, 0.0, 1.0)] + [rng.uniform(0.0, 1.0, len(fit))
                                                                      for _ in range(max(starts, 1) - 1)]
    results = _run_starts(problem, u_starts, workers, executor, scheduler)
    tried = [{"start": {k.key: float(v) for k, v in zip(fit, lo + r["u0"] * span)},
              "end": {k.key: float(v) for k, v in zip(fit, lo + r["x"] * span)},
              "cost": r["cost"], "simulations": r["simulations"]} for r in results]
    best = min(results, key=lambda r: r["cost"])  # the first of equal costs: start order
    runs = sum(r["simulations"] for r in results) + 1
    scale = problem.scale
    m, p = best["m"], len(fit)
    s2 = 2.0 * best["cost"] / max(m - p, 1)
    x = lo + best["x"] * span
    problem.progress = None
    sc, sim = problem.simulate(x)
    # residuals that persist from one interval to the next carry fewer independent points:
    # the variance grows by (1 + rho) / (1 - rho) (the effective sample size Guideline 14 uses)
    rho = _pooled_lag1([(sim[c] - measured[c]) / scale[c] for c in names])
    cov = s2 * (1.0 + rho) / (1.0 - rho) * np.linalg.pinv(best["jac"].T @ best["jac"])
    sigma = np.sqrt(np.clip(np.diag(cov), 0.0, None)) * span
    stats = {}
    for c in names:
        hs, mh = hourly(meters.times_s, measured[c], meters.step_s)
        _, sh = hourly(meters.times_s, sim[c], meters.step_s)
        stats[c] = fit_statistics(hs, mh, sh, energy=METER_CHANNELS[c][0] == "kW")
    return Calibration(
        scenario=sc, fit=list(fit), values={k.key: float(v) for k, v in zip(fit, x)},
        sigma={k.key: float(s) for k, s in zip(fit, sigma)},
        at_bound={k.key: bool(u <= 1e-6 or u >= 1 - 1e-6) for k, u in zip(fit, best["x"])},
        statistics=stats, starts=tried, runs=runs, meters=meters, simulated=sim, residual_lag1_autocorrelation=rho,
    )


def _pooled_lag1(residuals: list[np.ndarray]) -> float:
    """The lag-1 autocorrelation of the channels' residual series, pooled (0 <= rho <= 0.99:
    a negative value is taken as none)."""
    from .stats import lag1_autocorrelation

    rhos = [lag1_autocorrelation(r) for r in residuals]
    return float(min(max(float(np.mean(rhos)) if rhos else 0.0, 0.0), 0.99))


def _get(sc, dotted: str):
    obj = sc
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
    return obj


def _residual_figure(cal: Calibration, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(cal.statistics)
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 2.4 * len(names)), squeeze=False)
    t = cal.meters.times_s.astype("datetime64[s]")
    for ax, c in zip(axes[:, 0], names):
        ax.plot(t, cal.meters.channels[c], color="#000000", lw=0.7, label="measured")
        ax.plot(t, cal.simulated[c], color="#E69F00", lw=0.7, label="calibrated dcsim")
        st = cal.statistics[c]["hourly"]
        cv = "n/a" if st["cv_rmse_pct"] is None else f"{st['cv_rmse_pct']:.1f} %"
        nm = "n/a" if st["nmbe_pct"] is None else f"{st['nmbe_pct']:+.1f} %"
        ax.set_title(f"{c} ({METER_CHANNELS[c][0]}): hourly CV(RMSE) {cv}, NMBE {nm}", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
