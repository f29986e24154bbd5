"""EnergyPlus weather files (EPW).

Format (EnergyPlus "Auxiliary Programs", chapter "Weather Converter Program", EPW data
dictionary): 8 header lines, the first ``LOCATION,city,state,country,source,WMO,latitude,
longitude,time zone,elevation`` (time zone in hours from UTC, local standard time); line 8
``DATA PERIODS,n,records per hour,...``. Then one comma-separated row per record with 35
fields: 1 year, 2 month, 3 day, 4 hour (1-24, the hour *ending* at that local standard
time), 5 minute, 6 data-source flags, 7 dry bulb °C, 8 dew point °C, 9 relative humidity %,
10 station pressure Pa, then radiation, wind and so on (not read). Missing values are coded
99.9 (dry bulb, dew point), 999 (RH) and 999999 (pressure).

Each value is placed at the end of its hour (hour 1 = 01:00 local standard time) and
converted to UTC with the LOCATION time zone. A file without 29 February (8760 hourly rows, a
TMY-style typical year whose rows come from different years) becomes a periodic typical
year: the year column is ignored and the rows are placed on :data:`TYPICAL_YEAR`. A file
with 29 February is an actual year: the year column is used and ``typical_year`` is False.
"""

from __future__ import annotations

import calendar
import math
from pathlib import Path

import numpy as np

from . import psychro
from ._parse import (
    DEWPOINT_RANGE_C,
    DRYBULB_RANGE_C,
    PRESSURE_RANGE_PA,
    RH_RANGE_PCT,
    Problems,
    Series,
    check_fill_gaps_max_h,
    check_time_axis,
    gap_note,
    parse_float,
    read_text,
    regularize,
)
from .weather import YEAR_S, Weather

__all__ = ["read_epw", "TYPICAL_YEAR"]

#: Calendar year on which the rows of a typical-year EPW are placed (non-leap).
TYPICAL_YEAR = 2025
_N_HEADER = 8
#: 1-based field numbers of the data rows.
_COL_YEAR, _COL_MONTH, _COL_DAY, _COL_HOUR, _COL_MINUTE = 1, 2, 3, 4, 5
_COL_DRYBULB, _COL_DEWPOINT, _COL_RH, _COL_PRESSURE = 7, 8, 9, 10
#: Missing-value codes: a value at or above these is missing.
_MISSING_DRYBULB = 99.9
_MISSING_DEWPOINT = 99.9
_MISSING_RH = 999.0
_MISSING_PRESSURE = 999999.0


def _header_float(fields, col, what, valid, problems, line):
    if len(fields) < col:
        problems.add(f"LOCATION line has no {what} (field {col})", line=line)
        return math.nan
    return parse_float(fields[col - 1], problems, line=line, column=col, what=what, valid=valid, unit="")


def _int_field(fields, col, what, lo, hi, problems, line):
    s = fields[col - 1].strip()
    try:
        v = int(s)
    except ValueError:
        problems.add(f"{what} is not a whole number", line=line, column=col, value=s)
        return None
    if not lo <= v <= hi:
        problems.add(f"{what} outside {lo}..{hi}", line=line, column=col, value=v)
        return None
    return v


def read_epw(path: str | Path, *, fill_gaps_max_h: int = 0) -> Weather:
    """Read an EnergyPlus weather file (EPW) into a :class:`Weather` in UTC.

    Dry bulb (field 7), relative humidity (field 9) and station pressure (field 10) are
    read; where RH is missing but the dew point (field 8) is given, RH is computed from dry
    bulb and dew point (ASHRAE 2017 ch. 1). A missing pressure column (all 999999) is
    replaced by the standard atmosphere at the LOCATION elevation (ASHRAE 2017 ch. 1 eq. 3).

    Parameters
    ----------
    path : str or Path
        The ``.epw`` file.
    fill_gaps_max_h : int
        Fill runs of missing values up to this many hours by linear interpolation (the
        number filled is reported in ``Weather.source``); longer gaps are refused.

    Raises
    ------
    InputError
        Naming file, line and field (column) of every problem found: not an EPW file, bad
        LOCATION line, wrong field count, non-numeric or implausible values (dry bulb
        outside -70..60 °C, RH outside 0..100 %, pressure outside 30-110 kPa), rows out of
        order, gaps longer than ``fill_gaps_max_h``.
    """
    fill_gaps_max_h = check_fill_gaps_max_h(fill_gaps_max_h)
    path = Path(path)
    text, enc_note = read_text(path)
    lines = text.splitlines()
    problems = Problems(path)

    if not lines or not lines[0].startswith("LOCATION"):
        problems.add("not an EPW file: line 1 should start with 'LOCATION,'", line=1, column=1,
                     value=lines[0][:40] if lines else "")
        problems.raise_if_any()
    if len(lines) <= _N_HEADER:
        problems.add(f"EPW file has no data rows after the {_N_HEADER} header lines", line=len(lines))
        problems.raise_if_any()

    loc = lines[0].split(",")
    city = loc[1].strip() if len(loc) > 1 else ""
    state = loc[2].strip() if len(loc) > 2 else ""
    country = loc[3].strip() if len(loc) > 3 else ""
    data_source = loc[4].strip() if len(loc) > 4 else ""
    wmo = loc[5].strip() if len(loc) > 5 else ""
    lat = _header_float(loc, 7, "latitude", (-90.0, 90.0), problems, 1)
    lon = _header_float(loc, 8, "longitude", (-180.0, 180.0), problems, 1)
    tz_h = _header_float(loc, 9, "time zone (hours from UTC)", (-12.0, 14.0), problems, 1)
    elev_m = _header_float(loc, 10, "elevation (m)", (-500.0, 9000.0), problems, 1)

    per_hour = 1
    dp_line = lines[_N_HEADER - 1].split(",")
    if dp_line[0].strip().upper() != "DATA PERIODS":
        problems.add("line 8 should be the 'DATA PERIODS' header line", line=_N_HEADER, column=1,
                     value=dp_line[0][:40])
    elif len(dp_line) > 2:
        v = _int_field(dp_line, 3, "records per hour", 1, 60, problems, _N_HEADER)
        if v is not None:
            if 60 % v:
                problems.add("records per hour must divide 60", line=_N_HEADER, column=3, value=v)
            else:
                per_hour = v

    rows = [(i + 1, ln) for i, ln in enumerate(lines[_N_HEADER:], start=_N_HEADER) if ln.strip()]
    n_rows = len(rows)
    month = np.zeros(n_rows, dtype=np.int64)
    day = np.zeros(n_rows, dtype=np.int64)
    hour = np.zeros(n_rows, dtype=np.int64)
    minute = np.zeros(n_rows, dtype=np.int64)
    year = np.zeros(n_rows, dtype=np.int64)
    t_db = np.full(n_rows, np.nan)
    t_dp = np.full(n_rows, np.nan)
    rh = np.full(n_rows, np.nan)
    p = np.full(n_rows, np.nan)
    line_no = np.array([ln for ln, _ in rows], dtype=np.int64)
    n_fields_first = None
    for r, (ln, row) in enumerate(rows):
        f = row.split(",")
        if n_fields_first is None:
            n_fields_first = len(f)
        if len(f) < _COL_PRESSURE:
            problems.add(
                f"expected 35 comma-separated fields (at least {_COL_PRESSURE}), got {len(f)}", line=ln
            )
            continue
        if len(f) != n_fields_first:
            problems.add(
                f"expected {n_fields_first} comma-separated fields like the first data row "
                f"(line {line_no[0]}), got {len(f)}", line=ln,
            )
        y = _int_field(f, _COL_YEAR, "year", 1000, 3000, problems, ln)
        m = _int_field(f, _COL_MONTH, "month", 1, 12, problems, ln)
        d = _int_field(f, _COL_DAY, "day", 1, 31, problems, ln)
        h = _int_field(f, _COL_HOUR, "hour", 1, 24, problems, ln)
        mi = _int_field(f, _COL_MINUTE, "minute", 0, 60, problems, ln) if per_hour > 1 else 0
        if None not in (y, m, d, h, mi):
            year[r], month[r], day[r], hour[r], minute[r] = y, m, d, h, mi
        v = parse_float(f[_COL_DRYBULB - 1], problems, line=ln, column=_COL_DRYBULB,
                        what="dry bulb", valid=None, unit="°C")
        if v < _MISSING_DRYBULB:
            if DRYBULB_RANGE_C[0] <= v <= DRYBULB_RANGE_C[1]:
                t_db[r] = v
            else:
                problems.add(f"implausible dry bulb: allowed {DRYBULB_RANGE_C[0]:g}..{DRYBULB_RANGE_C[1]:g} °C "
                             f"({_MISSING_DRYBULB:g} = missing)", line=ln, column=_COL_DRYBULB, value=v)
        v = parse_float(f[_COL_DEWPOINT - 1], problems, line=ln, column=_COL_DEWPOINT,
                        what="dew point", valid=None, unit="°C")
        if v < _MISSING_DEWPOINT:
            if DEWPOINT_RANGE_C[0] <= v <= DEWPOINT_RANGE_C[1]:
                t_dp[r] = v
            else:
                problems.add(f"implausible dew point: allowed {DEWPOINT_RANGE_C[0]:g}..{DEWPOINT_RANGE_C[1]:g} °C "
                             f"({_MISSING_DEWPOINT:g} = missing)", line=ln, column=_COL_DEWPOINT, value=v)
        v = parse_float(f[_COL_RH - 1], problems, line=ln, column=_COL_RH,
                        what="relative humidity", valid=None, unit="%")
        if v < _MISSING_RH:
            if RH_RANGE_PCT[0] <= v <= RH_RANGE_PCT[1]:
                rh[r] = v
            else:
                problems.add(f"implausible relative humidity: allowed 0..100 % ({_MISSING_RH:g} = missing)",
                             line=ln, column=_COL_RH, value=v)
        v = parse_float(f[_COL_PRESSURE - 1], problems, line=ln, column=_COL_PRESSURE,
                        what="station pressure", valid=None, unit="Pa")
        if v < _MISSING_PRESSURE:
            if PRESSURE_RANGE_PA[0] <= v <= PRESSURE_RANGE_PA[1]:
                p[r] = v
            else:
                problems.add(f"implausible station pressure: allowed {PRESSURE_RANGE_PA[0]:g}.."
                             f"{PRESSURE_RANGE_PA[1]:g} Pa ({_MISSING_PRESSURE:g} = missing)",
                             line=ln, column=_COL_PRESSURE, value=v)
    problems.raise_if_any()

    # calendar: a typical year unless the file holds 29 February
    has_feb29 = bool(np.any((month == 2) & (day == 29)))
    typical = not has_feb29
    cal_year = np.full(n_rows, TYPICAL_YEAR) if typical else year
    for r in range(n_rows):
        if day[r] > calendar.monthrange(int(cal_year[r]), int(month[r]))[1]:
            problems.add(f"day {day[r]} does not exist in month {month[r]} of {cal_year[r]}",
                         line=int(line_no[r]), column=_COL_DAY, value=int(day[r]))
    problems.raise_if_any()
    dates = (
        (cal_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (month - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    if per_hour == 1:
        offset_s = hour * 3600
    else:
        offset_s = (hour - 1) * 3600 + minute * 60
    local_s = dates.astype("datetime64[s]").astype(np.int64) + offset_s
    times_s = local_s - int(round(tz_h * 3600))

    # RH from the dew point where only RH is missing
    need = np.isnan(rh) & ~np.isnan(t_dp) & ~np.isnan(t_db)
    n_rh_from_dp = int(need.sum())
    if n_rh_from_dp:
        tdp = np.minimum(t_dp[need], t_db[need])
        rh[need] = np.minimum(psychro.rh_pct_from_dewpoint(t_db[need], tdp), 100.0)
    pressure_note = ""
    if np.all(np.isnan(p)):
        if not math.isfinite(elev_m):
            elev_m = 0.0
        p[:] = psychro.standard_atmosphere_pressure_pa(elev_m)
        pressure_note = f"; pressure missing in the file: standard atmosphere at {elev_m:g} m"

    step_s = 3600 // per_hour
    check_time_axis(times_s, line_no, problems, time_column=_COL_HOUR, step_s=step_s)
    problems.raise_if_any()
    if typical:
        n_grid = YEAR_S // step_s
        span = int(times_s[-1] - times_s[0]) + step_s
        if span != YEAR_S:
            problems.add(
                f"a typical-year EPW (no 29 February) must cover 1 January to 31 December; this one "
                f"spans {span / 86400:g} days ({_fmt_rows(n_rows)})", line=int(line_no[-1]),
            )
            problems.raise_if_any()
    else:
        n_grid = int((times_s[-1] - times_s[0]) // step_s) + 1
    series = [
        Series("dry bulb", times_s, t_db, line_no, str(path), _COL_DRYBULB),
        Series("relative humidity", times_s, rh, line_no, str(path), _COL_RH),
        Series("station pressure", times_s, p, line_no, str(path), _COL_PRESSURE),
    ]
    (t_db_g, rh_g, p_g), n_filled = regularize(
        int(times_s[0]), n_grid, step_s, series, problems,
        fill_gaps_max_h=fill_gaps_max_h, periodic=typical, time_column=_COL_HOUR,
    )
    problems.raise_if_any()

    site = ", ".join(x for x in (city, state, country) if x)
    kind = (
        f"typical year (the year column is ignored; rows placed on {TYPICAL_YEAR})"
        if typical
        else "actual year (the file holds 29 February)"
    )
    rh_note = f"; RH computed from the dew point in {n_rh_from_dp} rows" if n_rh_from_dp else ""
    source = (
        f"EPW file {path.name}{enc_note}: {site}, data source {data_source or 'not given'}"
        f"{', WMO ' + wmo if wmo else ''}; {kind}; each value at the end of its local-standard-time "
        f"hour, converted to UTC with time zone {tz_h:+g} h{rh_note}{pressure_note}"
        f"{gap_note(n_filled, fill_gaps_max_h)}"
    )
    return Weather(
        time_utc=(int(times_s[0]) + np.arange(n_grid, dtype=np.int64) * step_s).astype("datetime64[s]"),
        drybulb_c=t_db_g,
        rh_pct=rh_g,
        pressure_pa=p_g,
        site_name=site or path.stem,
        latitude=lat,
        longitude=lon,
        source=source,
        synthetic=False,
        typical_year=typical,
    )


def _fmt_rows(n: int) -> str:
    return f"{n} data row{'s' if n != 1 else ''}"
