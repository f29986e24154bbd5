"""The UTC time axis shared by the weather and the grid series.

Both are sampled at the midpoints of the simulation steps, t_k = start + (k + 0.5) step_s,
k = 0 .. n-1, and a typical year maps each t_k to its time of year: the time since 1 January
00:00 UTC of t_k's own year, modulo 365 days (so 31 December of a leap year reads as
1 January). Times are integer milliseconds, so every midpoint of a whole-second step is exact.
What a series does at those times (interpolate the weather, hold a market price) stays with it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TYPICAL_YEAR_S", "check_steps", "step_midpoints_ms", "time_of_year_ms", "utc_frame"]

#: Length of a typical year, s (365 days, no 29 February).
TYPICAL_YEAR_S = 365 * 86400


def check_steps(step_s, n) -> tuple[int, int]:
    """(step_s, n) as integers; ``ValueError`` unless step_s > 0 and n >= 0 (a programming
    error: the scenario schema checks the user's values)."""
    step_s = int(step_s)
    n = int(n)
    if step_s <= 0:
        raise ValueError(f"step_s must be > 0, got {step_s}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return step_s, n


def step_midpoints_ms(start_ms: np.datetime64, step_s: int, n: int) -> np.ndarray:
    """Midpoints t_k = start + (k + 0.5) step_s of ``n`` steps, datetime64[ms] (exact integers).

    ``start_ms`` is the start of the first step (naive UTC, datetime64[ms]); ``step_s`` and
    ``n`` as returned by :func:`check_steps`.
    """
    k = np.arange(n, dtype=np.int64)
    return start_ms + (k * (1000 * step_s) + 500 * step_s).astype("timedelta64[ms]")


def time_of_year_ms(t_ms: np.ndarray) -> np.ndarray:
    """Milliseconds since 1 January 00:00 UTC of each time's own year, modulo 365 days (int64).

    ``t_ms`` is datetime64[ms]. The modulo folds 31 December of a leap year onto 1 January
    of the 365-day typical year.
    """
    year_start = t_ms.astype("datetime64[Y]").astype("datetime64[ms]")
    ms = (t_ms - year_start).astype(np.int64)
    return np.mod(ms, TYPICAL_YEAR_S * 1000)


def utc_frame(time_utc: np.ndarray, columns: dict[str, np.ndarray]):
    """A pandas DataFrame of ``columns`` on a UTC DatetimeIndex named ``time_utc``."""
    import pandas as pd

    index = pd.DatetimeIndex(time_utc, name="time_utc").tz_localize("UTC")
    return pd.DataFrame(columns, index=index)
