"""Synthetic job arrivals: a Poisson process whose rate follows daily and weekly profiles.

The rate is piecewise constant over UTC hours: ``lambda_h = base * d[local hour] *
w[local weekday]`` with the daily weights ``d`` (24) and weekly weights ``w`` (7) each scaled to
mean 1, so ``base`` is the mean rate over whole weeks. Within each hour the number of arrivals
is Poisson(``lambda_h`` x hour length) and their times are uniform: exactly a
non-homogeneous Poisson process with that piecewise-constant intensity (a homogeneous one when
both profiles are flat).

Every random number comes from ``numpy.random.default_rng(seed)`` (no global state), drawn in
a fixed order (counts, times, sizes, run times, classes), so a seed gives the same jobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .jobs import BATCH, INTERACTIVE, Jobs

HOUR_S = 3600


@dataclass(frozen=True)
class SyntheticSpec:
    """Everything the generator needs (the scenario's ``workload.synthetic`` in plain values).

    ``arrivals_per_h = None`` derives the rate from ``mean_utilization`` of
    ``total_cores``: ``base = mean_utilization * total_cores / E[cores * duration]``.
    """

    cores: tuple[int, ...] = (1, 2, 4, 8)
    cores_weights: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1)
    duration_distribution: str = "lognormal"
    mean_duration_s: float = 1800.0
    duration_cv: float = 1.0
    batch_fraction: float = 0.3
    batch_slack_s: float = 12 * HOUR_S
    arrivals_per_h: float | None = None
    mean_utilization: float = 0.5
    daily_profile: tuple[float, ...] | None = None
    weekly_profile: tuple[float, ...] | None = None

    @classmethod
    def from_config(cls, workload) -> SyntheticSpec:
        """From a scenario ``Workload`` section (``dcsim.scenario.schema.Workload``)."""
        s = workload.synthetic
        return cls(
            cores=tuple(int(c) for c in s.cores),
            cores_weights=tuple(float(w) for w in s.cores_weights),
            duration_distribution=s.duration_distribution,
            mean_duration_s=float(s.mean_duration),
            duration_cv=float(s.duration_cv),
            batch_fraction=float(s.batch_fraction),
            batch_slack_s=float(s.batch_slack),
            arrivals_per_h=None if s.arrivals_per_h is None else float(s.arrivals_per_h),
            mean_utilization=float(workload.mean_utilization),
            daily_profile=None if s.daily_profile is None else tuple(s.daily_profile),
            weekly_profile=None if s.weekly_profile is None else tuple(s.weekly_profile),
        )

    def size_probabilities(self) -> np.ndarray:
        w = np.asarray(self.cores_weights, dtype=np.float64)
        return w / w.sum()

    def mean_core_seconds(self) -> float:
        """E[cores x duration] of one job (sizes and run times are drawn independently)."""
        return float(np.dot(self.size_probabilities(), self.cores)) * self.mean_duration_s

    def base_rate_per_s(self, total_cores: int) -> float:
        """Mean arrival rate over whole weeks, jobs/s."""
        if self.arrivals_per_h is not None:
            return self.arrivals_per_h / HOUR_S
        return self.mean_utilization * total_cores / self.mean_core_seconds()


def _normalised(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64)
    if w.size != n or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"a profile needs {n} weights >= 0, not all zero")
    return w / w.mean()


def hourly_rates_per_s(
    spec: SyntheticSpec, *, total_cores: int, start_epoch_s: float, horizon_s: float, timezone: str = "UTC"
) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges (s from the simulation start) and the arrival rate in each bin, jobs/s.

    Bins are UTC hours clipped to ``[0, horizon_s)``; the profiles are read at each bin's
    local hour and weekday (``timezone``, IANA name) at its midpoint.
    """
    base = spec.base_rate_per_s(total_cores)
    first = math.floor(start_epoch_s / HOUR_S) * HOUR_S
    n_bins = max(1, math.ceil((start_epoch_s + horizon_s - first) / HOUR_S))
    edges_epoch = first + HOUR_S * np.arange(n_bins + 1, dtype=np.float64)
    edges = np.clip(edges_epoch - start_epoch_s, 0.0, horizon_s)
    daily = _normalised(spec.daily_profile, 24)
    weekly = _normalised(spec.weekly_profile, 7)
    if spec.daily_profile is None and spec.weekly_profile is None:
        return edges, np.full(n_bins, base)
    import pandas as pd

    mid = pd.to_datetime(first + HOUR_S * (np.arange(n_bins) + 0.5), unit="s", utc=True).tz_convert(timezone)
    hour = mid.hour.to_numpy()
    weekday = mid.day_of_week.to_numpy()  # Monday = 0
    return edges, base * daily[hour] * weekly[weekday]


def _durations(spec: SyntheticSpec, rng: np.random.Generator, n: int) -> np.ndarray:
    mean = spec.mean_duration_s
    kind = spec.duration_distribution
    if kind == "constant":
        return np.full(n, mean)
    if kind == "exponential":
        d = rng.exponential(mean, n)
    elif kind == "lognormal":
        sigma2 = math.log1p(spec.duration_cv**2)
        mu = math.log(mean) - sigma2 / 2.0
        d = rng.lognormal(mu, math.sqrt(sigma2), n)
    else:
        raise ValueError(f"unknown duration distribution {kind!r}; use exponential, lognormal or constant")
    # a run time of exactly 0 s (probability ~0) would be invalid: keep it positive
    return np.maximum(d, 1e-6)


def generate_jobs(
    spec: SyntheticSpec,
    *,
    total_cores: int,
    horizon_s: float,
    seed=0,
    start_epoch_s: float = 0.0,
    timezone: str = "UTC",
) -> Jobs:
    """Jobs arriving in ``[0, horizon_s)`` (s from the simulation start).

    ``seed`` is anything ``numpy.random.default_rng`` accepts (an int or a SeedSequence).
    """
    rng = np.random.default_rng(seed)
    edges, rate = hourly_rates_per_s(
        spec, total_cores=total_cores, start_epoch_s=start_epoch_s, horizon_s=horizon_s, timezone=timezone
    )
    widths = np.diff(edges)
    counts = rng.poisson(rate * widths)
    n = int(counts.sum())
    submit = np.repeat(edges[:-1], counts) + rng.random(n) * np.repeat(widths, counts)
    submit.sort()
    cores = np.asarray(spec.cores, dtype=np.int32)[rng.choice(len(spec.cores), size=n, p=spec.size_probabilities())]
    duration = _durations(spec, rng, n)
    batch = rng.random(n) < spec.batch_fraction
    deadline = np.where(batch, submit + spec.batch_slack_s + duration, np.inf)
    return Jobs(
        submit_s=submit,
        duration_s=duration,
        cores=cores,
        cpu_share=np.ones(n),
        deadline_s=deadline,
        deferrable=batch,
        job_class=np.where(batch, BATCH, INTERACTIVE).astype(np.int8),
    )
