"""Swedish local time (CET/CEST) for UTC timestamps, without a time-zone database.

Nord Pool day-ahead prices and Swedish grid tariffs are stated in local time (CET, UTC+1;
CEST, UTC+2 in summer). dcsim keeps time in UTC inside, so the built-in profiles convert with
the EU summer-time rule: summer time from the last Sunday of March 01:00 UTC to the last
Sunday of October 01:00 UTC (Directive 2000/84/EC; Sweden has followed this rule since 1996).
Earlier years used other dates and are not supported.

The same rule read backwards turns the local wall-clock labels of market data into UTC
(:func:`local_hour_to_utc_s`), and :func:`map_onto_year_ms` reads one calendar year of real
prices onto any simulated year with the weekdays kept.
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


def local_time(time_utc: np.ndarray) -> np.ndarray:
    """Swedish local (CET/CEST) wall-clock time of UTC instants, ``datetime64[s]``."""
    t = np.asarray(time_utc).astype("datetime64[s]")
    return t + stockholm_utc_offset_s(t).astype("timedelta64[s]")


def local_calendar(time_utc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Swedish local month (1-12), hour of day (0-23) and weekday (Monday = 0) of UTC instants.

    Returns
    -------
    month, hour, weekday : numpy.ndarray of int64
    """
    local = local_time(time_utc)
    month = (local.astype("datetime64[M]") - local.astype("datetime64[Y]")).astype(np.int64) + 1
    day = local.astype("datetime64[D]")
    hour = (local - day).astype("timedelta64[h]").astype(np.int64)
    weekday = (day.astype(np.int64) + 3) % 7
    return month, hour, weekday


def local_hour_to_utc_s(local_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The UTC instants a Swedish wall-clock time can stand for.

    Parameters
    ----------
    local_s : numpy.ndarray of int64
        Wall-clock times in seconds since 1970-01-01 00:00 of the local clock (read as if UTC).

    Returns
    -------
    cet_utc_s, cet_ok, cest_ok : numpy.ndarray
        ``cet_utc_s = local_s - 3600`` (the instant if the clock showed CET; the CEST instant
        is one hour earlier) and whether each reading is real. Both are real in the autumn
        hour that repeats (last Sunday of October, 02:00-03:00: first CEST, then CET); neither
        in the spring hour that is skipped (last Sunday of March, 02:00-03:00).

    Source: EU summer-time rule, Directive 2000/84/EC (as :func:`stockholm_utc_offset_s`).
    """
    local_s = np.asarray(local_s, dtype=np.int64)
    cet = local_s - _HOUR_S
    cest = local_s - 2 * _HOUR_S
    cet_ok = stockholm_utc_offset_s(cet.astype("datetime64[s]")) == _HOUR_S
    cest_ok = stockholm_utc_offset_s(cest.astype("datetime64[s]")) == 2 * _HOUR_S
    return cet, cet_ok, cest_ok


def local_wall_clock_to_utc_s(local_s: np.ndarray) -> np.ndarray:
    """UTC seconds of Swedish wall-clock times that the clock shows exactly once (any time but
    the skipped spring hour and the repeated autumn hour, 02:00-03:00 on the last Sundays of
    March and October: midnights, 10:00): :func:`local_hour_to_utc_s`'s one real reading."""
    cet, cet_ok, cest_ok = local_hour_to_utc_s(local_s)
    if not np.all(cet_ok ^ cest_ok):
        raise ValueError("a wall-clock time in the summer-time change hour is skipped or repeated")
    return np.where(cet_ok, cet, cet - _HOUR_S)


def local_year(t_utc_s) -> int:
    """The Swedish calendar year of the instant ``t_utc_s`` (UTC seconds). Near the turn of the
    year Sweden keeps CET, UTC+1: 31 December 23:00 UTC is already 1 January."""
    return int((np.int64(t_utc_s) + _HOUR_S).astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64)) + 1970


def local_year_bounds_s(year: int) -> tuple[int, int]:
    """UTC seconds of the start and end of Swedish calendar ``year``: 1 January 00:00 CET of
    ``year`` and of ``year + 1`` (23:00 UTC the day before)."""
    start = int(np.datetime64(f"{year:04d}-01-01", "s").astype(np.int64)) - _HOUR_S
    end = int(np.datetime64(f"{year + 1:04d}-01-01", "s").astype(np.int64)) - _HOUR_S
    return start, end


#: The wrap of :func:`map_onto_year_ms`: 52 weeks, so a wrapped time keeps its weekday.
_WRAP_MS = 364 * _DAY_S * 1000


def map_onto_year_ms(t_ms: np.ndarray, year: int) -> np.ndarray:
    """Times of any year mapped onto Swedish calendar ``year`` with the weekdays kept.

    The rule, for each time ``t`` (integer ms since 1970 UTC): take its own year ``Y`` in CET
    (UTC+1, the year the local clock shows outside summer time); shift ``t`` by the whole
    number of weeks nearest to the days from 1 January of ``year`` to 1 January of ``Y``, so
    that ``t`` lands on the same weekday and local hour (summer time aside) within 3 days of
    the same date in ``year``; a time that falls before or after ``year`` (its first or last
    days, and 31 December of a leap year onto a common one) moves by 52 weeks (364 days) to
    the other end of ``year``, keeping its weekday. ``Y == year`` maps every time onto itself.

    Why weekdays: day-ahead prices follow the working week (weekend and holiday prices are
    lower; Svenska kraftnät's high-load hours are Mon-Fri 06-22), and so do the network
    tariffs' time-of-use hours and the workloads' weekly profiles, which run on the simulated
    calendar; a shift of at most 3 days moves the seasons by no more than that. Holidays
    come along with their dates in ``year`` (shifted by at most 3 days). Summer time starts
    and ends on Sundays, so it stays aligned in most years; where the last Sunday of March or
    October falls a week apart, the local hours of that week are one hour apart.

    Returns
    -------
    numpy.ndarray of int64: ms since 1970 UTC, inside :func:`local_year_bounds_s` of ``year``.
    """
    t = np.asarray(t_ms).astype("datetime64[ms]").astype(np.int64)
    own_year = (t + 1000 * _HOUR_S).astype("datetime64[ms]").astype("datetime64[Y]")
    days = own_year.astype("datetime64[D]").astype(np.int64) - np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64)
    weeks = (days + 3) // 7  # nearest whole number of weeks: days = 7 weeks + r, |r| <= 3
    mapped = t - weeks * (7 * _DAY_S * 1000)
    start_s, end_s = local_year_bounds_s(year)
    mapped = np.where(mapped < 1000 * start_s, mapped + _WRAP_MS, mapped)
    mapped = np.where(mapped >= 1000 * end_s, mapped - _WRAP_MS, mapped)
    return mapped
