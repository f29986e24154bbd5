"""The standby generator (diesel or HVO100): when it runs, what it burns and emits.

It runs in two kinds of steps (:func:`generator_output_kw`):

- **Outages** of the grid (``site.grid_outages``): it starts ``start_delay_s`` after the outage
  begins (NFPA 110 Type 10: 10 s; the battery bridges the start) and carries the load up to
  its rating; the battery covers the rest, down to empty; what neither covers is not served.
- **Monthly test runs**: NFPA 110-2010 section 8.4.2 asks a diesel set to be exercised at least
  monthly for at least 30 minutes at no less than 30 % of its nameplate kW (quoted in
  secondary sources; the standard is paywalled). dcsim runs the test on the site's load (the
  set feeds part of the hall, so the grid import falls by its output) on the first weekday
  of each local month from 10:00 local time; an outage that month does not replace it.

Fuel: ``fuel_l_per_kwh`` per kWh generated, constant (a part-load curve from an acceptable
source was not found; engines burn more per kWh at part load), from ``generator_fuels.csv``
with its sources: diesel 0.276 L/kWh (EPA AP-42's average brake-specific fuel consumption,
7000 Btu/hp-h, over 35.9 MJ/L), HVO100 0.291 L/kWh (the same engine efficiency over 34.0 MJ/L);
emissions, lifecycle as the grid's carbon intensity: diesel 3.414, HVO100 0.476 kg CO2e/L
(Swedish Energy Agency, fuels delivered 2016).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data.equipment import equipment_rows
from ..grid._calendar import local_time, local_wall_clock_to_utc_s

GENERATOR_FUELS = ("diesel", "hvo100")
_HOUR_S = 3600
_TEST_HOUR_LOCAL = 10


@lru_cache(maxsize=None)
def generator_fuels() -> dict[str, tuple[float, float, str]]:
    """Fuel -> (litres per kWh generated, lifecycle kg CO2e per litre, source) from
    ``generator_fuels.csv``."""
    return {r["fuel"]: (float(r["fuel_l_per_kwh"]), float(r["lifecycle_kg_co2e_per_l"]), r["source"])
            for r in equipment_rows("generator_fuels.csv")}


def _monthly_test_starts_s(start_s: int, end_s: int) -> np.ndarray:
    """UTC starts of the monthly test runs inside [start_s, end_s): the first weekday
    (Monday-Friday) of each local month, 10:00 local time."""
    first = local_time(np.array([start_s], dtype="datetime64[s]"))[0].astype("datetime64[M]")
    last = local_time(np.array([end_s], dtype="datetime64[s]"))[0].astype("datetime64[M]")
    out = []
    for month in np.arange(first, last + np.timedelta64(1, "M")):
        day = month.astype("datetime64[D]")
        while (int(day.astype(np.int64)) + 3) % 7 >= 5:  # Saturday or Sunday
            day += np.timedelta64(1, "D")
        local_s = int(day.astype("datetime64[s]").astype(np.int64)) + _TEST_HOUR_LOCAL * _HOUR_S
        t = int(local_wall_clock_to_utc_s(np.array([local_s]))[0])
        if start_s <= t < end_s:
            out.append(t)
    return np.array(out, dtype=np.int64)


def generator_output_kw(load_kw: np.ndarray, outage: np.ndarray, start_s: int, step_s: int, power_kw: float, *,
                        start_delay_s: float, test_minutes: float, test_load_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """The generator's mean output per step, kW: (in outages, in test runs).

    In an outage step it carries ``min(power_kw, load)`` times the share of the step after its
    start (the first step of an outage loses ``start_delay_s``). A test run delivers
    ``test_load_fraction x power_kw`` (at most the load) for ``test_minutes``, spread over the
    steps it overlaps; none in outage steps.
    """
    load = np.asarray(load_kw, dtype=np.float64)
    down = np.asarray(outage, dtype=bool)
    n = load.size
    share = down.astype(np.float64)
    first = down & ~np.r_[False, down[:-1]]
    share[first] = max(0.0, 1.0 - float(start_delay_s) / step_s)
    outage_kw = np.minimum(power_kw, load) * share
    test_kw = np.zeros(n)
    t0 = start_s + np.arange(n, dtype=np.int64) * step_s
    for ts in _monthly_test_starts_s(start_s, start_s + n * step_s):
        te = ts + test_minutes * 60.0
        overlap = np.clip(np.minimum(t0 + step_s, te) - np.maximum(t0, ts), 0.0, None) / step_s
        test_kw += np.minimum(test_load_fraction * power_kw, load) * overlap
    test_kw[down] = 0.0
    return outage_kw, test_kw
