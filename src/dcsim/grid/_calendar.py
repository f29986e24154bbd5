"""Swedish local time (CET/CEST) for UTC timestamps, without a time-zone database.

Nord Pool day-ahead prices and Swedish grid tariffs are stated in local time (CET, UTC+1;
CEST, UTC+2 in summer). dcsim keeps time in UTC inside, so the built-in profiles convert with
the EU summer-time rule: summer time from the last Sunday of March 01:00 UTC to the last
Sunday of October 01:00 UTC (Directive 2000/84/EC; Sweden has followed this rule since 1996).
Earlier years used other dates and are not supported.
"""

from __future__ import annotations

import numpy as np

#: first year for which the EU rule above holds in Sweden
FIRST_EU_RULE_YEAR = 1996

_HOUR_S = 3600
_DAY_S = 86400


def _last_sunday_01utc_s(year: int, month: int) -> int:
    """Seconds since the epoch of the last Sunday of ``month`` in ``year``, 01:00 UTC."""
    next_month = np.datetime64(f"{year:04d}-{month:02d}", "M") + np.timedelta64(1, "M")
    last_day = next_month.astype("datetime64[D]") - np.timedelta64(1, "D")
    days = int(last_day.astype(np.int64))
    weekday = (days + 3) % 7  # Monday = 0; 1970-01-01 was a Thursday
    sunday = days - (weekday - 6) % 7
    return sunday * _DAY_S + _HOUR_S


def stockholm_utc_offset_s(time_utc: np.ndarray) -> np.ndarray:
    """UTC offset of Swedish local time, in seconds (3600 for CET, 7200 for CEST).

    Parameters
    ----------
    time_utc : numpy.ndarray of datetime64
        UTC instants, years 1996 or later.

    Returns
    -------
    numpy.ndarray of int64, same shape.

    Source: EU summer-time rule, Directive 2000/84/EC (last Sunday of March to last Sunday
    of October, 01:00 UTC).
    """
    t_s = np.asarray(time_utc).astype("datetime64[s]").astype(np.int64)
    years = np.asarray(time_utc).astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    offset_s = np.full(t_s.shape, _HOUR_S, dtype=np.int64)
    for year in np.unique(years):
        if year < FIRST_EU_RULE_YEAR:
            raise ValueError(f"Swedish summer time before {FIRST_EU_RULE_YEAR} is not modelled (year {year})")
        start_s = _last_sunday_01utc_s(int(year), 3)
        end_s = _last_sunday_01utc_s(int(year), 10)
        in_year = years == year
        offset_s[in_year & (t_s >= start_s) & (t_s < end_s)] = 2 * _HOUR_S
    return offset_s


def local_calendar(time_utc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Swedish local month (1-12), hour of day (0-23) and weekday (Monday = 0) of UTC instants.

    Returns
    -------
    month, hour, weekday : numpy.ndarray of int64
    """
    t = np.asarray(time_utc).astype("datetime64[s]")
    local = t + stockholm_utc_offset_s(t).astype("timedelta64[s]")
    month = (local.astype("datetime64[M]") - local.astype("datetime64[Y]")).astype(np.int64) + 1
    day = local.astype("datetime64[D]")
    hour = (local - day).astype("timedelta64[h]").astype(np.int64)
    weekday = (day.astype(np.int64) + 3) % 7
    return month, hour, weekday
