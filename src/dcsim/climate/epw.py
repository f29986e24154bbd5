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
from dataclasses import dataclass
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


#: The measured fields read from each data row: (1-based field, name in messages, unit,
#: plausible range, missing-value code).
_MEASURED = (
    (_COL_DRYBULB, "dry bulb", "°C", DRYBULB_RANGE_C, _MISSING_DRYBULB),
    (_COL_DEWPOINT, "dew point", "°C", DEWPOINT_RANGE_C, _MISSING_DEWPOINT),
    (_COL_RH, "relative humidity", "%", RH_RANGE_PCT, _MISSING_RH),
    (_COL_PRESSURE, "station pressure", "Pa", PRESSURE_RANGE_PA, _MISSING_PRESSURE),
)


def _header_float(fields, col, what, valid, problems, line):
    """Number in field ``col`` (1-based) of a header line; NaN and a problem if absent or invalid."""
    if len(fields) < col:
        problems.add(f"LOCATION line has no {what} (field {col})", line=line)
        return math.nan
    return parse_float(fields[col - 1], problems, line=line, column=col, what=what, valid=valid, unit="")


def _int_field(fields, col, what, lo, hi, problems, line):
    """Whole number in field ``col`` (1-based) within ``lo..hi``; None and a problem if not."""
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


@dataclass(frozen=True)
class _Location:
    """The LOCATION header line (line 1): site names, position, time zone (h from UTC), elevation (m)."""

    city: str
    state: str
    country: str
    data_source: str
    wmo: str
    latitude: float
    longitude: float
    tz_h: float
    elevation_m: float


@dataclass(frozen=True)
class _Rows:
    """The data rows as columns: file line, calendar fields and the measured values (NaN = missing)."""

    line_no: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    minute: np.ndarray
    t_db: np.ndarray
    t_dp: np.ndarray
    rh: np.ndarray
    p: np.ndarray

    def __len__(self) -> int:
        return int(self.line_no.size)


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

    _check_layout(lines, problems)
    loc = _parse_location(lines[0], problems)
    per_hour = _records_per_hour(lines[_N_HEADER - 1], problems)
    rows = _parse_rows(lines, per_hour, problems)
    problems.raise_if_any()

    typical = not bool(np.any((rows.month == 2) & (rows.day == 29)))  # a typical year unless 29 February
    times_s = _times_utc_s(rows, typical, per_hour, loc.tz_h, problems)
    n_rh_from_dp = _fill_rh_from_dewpoint(rows)
    pressure_note = _fill_missing_pressure(rows.p, loc.elevation_m)

    step_s = 3600 // per_hour
    check_time_axis(times_s, rows.line_no, problems, time_column=_COL_HOUR, step_s=step_s)
    problems.raise_if_any()
    n_grid = _grid_length(times_s, step_s, typical, rows, problems)
    series = [
        Series("dry bulb", times_s, rows.t_db, rows.line_no, str(path), _COL_DRYBULB),
        Series("relative humidity", times_s, rows.rh, rows.line_no, str(path), _COL_RH),
        Series("station pressure", times_s, rows.p, rows.line_no, str(path), _COL_PRESSURE),
    ]
    (t_db_g, rh_g, p_g), n_filled = regularize(
        int(times_s[0]), n_grid, step_s, series, problems,
        fill_gaps_max_h=fill_gaps_max_h, periodic=typical, time_column=_COL_HOUR,
    )
    problems.raise_if_any()

    site = ", ".join(x for x in (loc.city, loc.state, loc.country) if x)
    rh_note = f"; RH computed from the dew point in {n_rh_from_dp} rows" if n_rh_from_dp else ""
    notes = rh_note + pressure_note + gap_note(n_filled, fill_gaps_max_h)
    return Weather(
        time_utc=(int(times_s[0]) + np.arange(n_grid, dtype=np.int64) * step_s).astype("datetime64[s]"),
        drybulb_c=t_db_g,
        rh_pct=rh_g,
        pressure_pa=p_g,
        site_name=site or path.stem,
        latitude=loc.latitude,
        longitude=loc.longitude,
        source=_source_text(path, enc_note, site, loc, typical, notes),
        synthetic=False,
        typical_year=typical,
    )


def _check_layout(lines: list[str], problems: Problems) -> None:
    """Refuse a file whose line 1 is not a LOCATION line, or that has no data rows after the
    :data:`_N_HEADER` header lines (raises at once: nothing else can be read)."""
    if not lines or not lines[0].startswith("LOCATION"):
        problems.add("not an EPW file: line 1 should start with 'LOCATION,'", line=1, column=1,
                     value=lines[0][:40] if lines else "")
        problems.raise_if_any()
    if len(lines) <= _N_HEADER:
        problems.add(f"EPW file has no data rows after the {_N_HEADER} header lines", line=len(lines))
        problems.raise_if_any()


def _parse_location(line: str, problems: Problems) -> _Location:
    """The LOCATION line ``LOCATION,city,state,country,source,WMO,latitude,longitude,time zone,
    elevation``: names may be absent (empty), numbers are checked (latitude -90..90°,
    longitude -180..180°, time zone -12..14 h from UTC, elevation -500..9000 m)."""
    loc = line.split(",")

    def name(i: int) -> str:
        return loc[i].strip() if len(loc) > i else ""

    return _Location(
        city=name(1),
        state=name(2),
        country=name(3),
        data_source=name(4),
        wmo=name(5),
        latitude=_header_float(loc, 7, "latitude", (-90.0, 90.0), problems, 1),
        longitude=_header_float(loc, 8, "longitude", (-180.0, 180.0), problems, 1),
        tz_h=_header_float(loc, 9, "time zone (hours from UTC)", (-12.0, 14.0), problems, 1),
        elevation_m=_header_float(loc, 10, "elevation (m)", (-500.0, 9000.0), problems, 1),
    )


def _records_per_hour(line: str, problems: Problems) -> int:
    """Records per hour from the ``DATA PERIODS,n,records per hour,...`` line (line 8): 1..60
    and a divisor of 60; 1 where it is not given or not valid (the problem is recorded)."""
    dp_line = line.split(",")
    if dp_line[0].strip().upper() != "DATA PERIODS":
        problems.add("line 8 should be the 'DATA PERIODS' header line", line=_N_HEADER, column=1,
                     value=dp_line[0][:40])
    elif len(dp_line) > 2:
        v = _int_field(dp_line, 3, "records per hour", 1, 60, problems, _N_HEADER)
        if v is not None:
            if 60 % v:
                problems.add("records per hour must divide 60", line=_N_HEADER, column=3, value=v)
            else:
                return v
    return 1


def _parse_rows(lines: list[str], per_hour: int, problems: Problems) -> _Rows:
    """Every non-blank line after the header as one record (see :func:`_parse_row`)."""
    numbered = [(i + 1, ln) for i, ln in enumerate(lines[_N_HEADER:], start=_N_HEADER) if ln.strip()]
    n_rows = len(numbered)
    rows = _Rows(
        line_no=np.array([ln for ln, _ in numbered], dtype=np.int64),
        **{k: np.zeros(n_rows, dtype=np.int64) for k in ("year", "month", "day", "hour", "minute")},
        **{k: np.full(n_rows, np.nan) for k in ("t_db", "t_dp", "rh", "p")},
    )
    n_fields_first = None
    for r, (ln, row) in enumerate(numbered):
        f = row.split(",")
        if n_fields_first is None:
            n_fields_first = len(f)
        _parse_row(f, r, ln, n_fields_first, per_hour, rows, problems)
    return rows


def _parse_row(f: list[str], r: int, ln: int, n_fields_first: int, per_hour: int, rows: _Rows,
               problems: Problems) -> None:
    """Record ``r`` (file line ``ln``, split into fields ``f``) into ``rows``: the field count
    (at least up to the pressure, and that of the first data row), the calendar fields (minute
    only when there are several records per hour) and the four measured values."""
    if len(f) < _COL_PRESSURE:
        problems.add(f"expected 35 comma-separated fields (at least {_COL_PRESSURE}), got {len(f)}", line=ln)
        return
    if len(f) != n_fields_first:
        problems.add(
            f"expected {n_fields_first} comma-separated fields like the first data row "
            f"(line {rows.line_no[0]}), got {len(f)}", line=ln,
        )
    y = _int_field(f, _COL_YEAR, "year", 1000, 3000, problems, ln)
    m = _int_field(f, _COL_MONTH, "month", 1, 12, problems, ln)
    d = _int_field(f, _COL_DAY, "day", 1, 31, problems, ln)
    h = _int_field(f, _COL_HOUR, "hour", 1, 24, problems, ln)
    mi = _int_field(f, _COL_MINUTE, "minute", 0, 60, problems, ln) if per_hour > 1 else 0
    if None not in (y, m, d, h, mi):
        rows.year[r], rows.month[r], rows.day[r], rows.hour[r], rows.minute[r] = y, m, d, h, mi
    for out, (col, what, unit, valid, missing) in zip((rows.t_db, rows.t_dp, rows.rh, rows.p), _MEASURED):
        out[r] = _measured_value(f[col - 1], col, what, unit, valid, missing, problems, ln)


def _measured_value(text: str, col: int, what: str, unit: str, valid: tuple[float, float],
                    missing: float, problems: Problems, ln: int) -> float:
    """One measured field: NaN when empty, not a number or at/above the ``missing`` code (a gap);
    NaN and a problem when outside the plausible range ``valid``."""
    v = parse_float(text, problems, line=ln, column=col, what=what, valid=None, unit=unit)
    if not v < missing:
        return math.nan
    if valid[0] <= v <= valid[1]:
        return v
    problems.add(f"implausible {what}: allowed {valid[0]:g}..{valid[1]:g} {unit} ({missing:g} = missing)",
                 line=ln, column=col, value=v)
    return math.nan


def _times_utc_s(rows: _Rows, typical: bool, per_hour: int, tz_h: float, problems: Problems) -> np.ndarray:
    """UTC time of each record, s since the epoch.

    The calendar year is :data:`TYPICAL_YEAR` for a typical year, else the year column; a day
    that does not exist in its month is refused. Hourly records stand at the end of their hour
    (hour h -> h:00 local standard time); sub-hourly ones at (h - 1):minute. UTC = local
    standard time - time zone (h)."""
    cal_year = np.full(len(rows), TYPICAL_YEAR) if typical else rows.year
    for r in range(len(rows)):
        if rows.day[r] > calendar.monthrange(int(cal_year[r]), int(rows.month[r]))[1]:
            problems.add(f"day {rows.day[r]} does not exist in month {rows.month[r]} of {cal_year[r]}",
                         line=int(rows.line_no[r]), column=_COL_DAY, value=int(rows.day[r]))
    problems.raise_if_any()
    dates = (
        (cal_year - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        + (rows.month - 1).astype("timedelta64[M]")
    ).astype("datetime64[D]") + (rows.day - 1).astype("timedelta64[D]")
    if per_hour == 1:
        offset_s = rows.hour * 3600
    else:
        offset_s = (rows.hour - 1) * 3600 + rows.minute * 60
    local_s = dates.astype("datetime64[s]").astype(np.int64) + offset_s
    return local_s - int(round(tz_h * 3600))


def _fill_rh_from_dewpoint(rows: _Rows) -> int:
    """Fill RH (in place) where only RH is missing, from dry bulb and dew point (the dew point
    capped at the dry bulb, RH at 100 %; ASHRAE 2017 ch. 1 eqs. 5/6); the number of rows filled."""
    need = np.isnan(rows.rh) & ~np.isnan(rows.t_dp) & ~np.isnan(rows.t_db)
    n_rh_from_dp = int(need.sum())
    if n_rh_from_dp:
        tdp = np.minimum(rows.t_dp[need], rows.t_db[need])
        rows.rh[need] = np.minimum(psychro.rh_pct_from_dewpoint(rows.t_db[need], tdp), 100.0)
    return n_rh_from_dp


def _fill_missing_pressure(p_pa: np.ndarray, elev_m: float) -> str:
    """A pressure column missing throughout becomes (in place) the standard atmosphere at the
    elevation (0 m if not given; ASHRAE 2017 ch. 1 eq. 3); the note for the source ("" if not)."""
    if not np.all(np.isnan(p_pa)):
        return ""
    if not math.isfinite(elev_m):
        elev_m = 0.0
    p_pa[:] = psychro.standard_atmosphere_pressure_pa(elev_m)
    return f"; pressure missing in the file: standard atmosphere at {elev_m:g} m"


def _grid_length(times_s: np.ndarray, step_s: int, typical: bool, rows: _Rows, problems: Problems) -> int:
    """Number of values on the regular grid: a typical year must span exactly 365 days; an
    actual year runs from its first to its last record."""
    if not typical:
        return int((times_s[-1] - times_s[0]) // step_s) + 1
    span = int(times_s[-1] - times_s[0]) + step_s
    if span != YEAR_S:
        problems.add(
            f"a typical-year EPW (no 29 February) must cover 1 January to 31 December; this one "
            f"spans {span / 86400:g} days ({_fmt_rows(len(rows))})", line=int(rows.line_no[-1]),
        )
        problems.raise_if_any()
    return YEAR_S // step_s


def _source_text(path: Path, enc_note: str, site: str, loc: _Location, typical: bool, notes: str) -> str:
    """``Weather.source``: file, site, data source, calendar kind, time convention and ``notes``."""
    kind = (
        f"typical year (the year column is ignored; rows placed on {TYPICAL_YEAR})"
        if typical
        else "actual year (the file holds 29 February)"
    )
    return (
        f"EPW file {path.name}{enc_note}: {site}, data source {loc.data_source or 'not given'}"
        f"{', WMO ' + loc.wmo if loc.wmo else ''}; {kind}; each value at the end of its local-standard-time "
        f"hour, converted to UTC with time zone {loc.tz_h:+g} h{notes}"
    )


def _fmt_rows(n: int) -> str:
    return f"{n} data row{'s' if n != 1 else ''}"
