"""Plain CSV weather files.

Comma-separated with a header row naming the columns (any order, extra columns ignored):

- ``time``: ISO 8601 time, UTC (``2025-01-01T00:00:00Z``, ``2025-01-01 00:00``; a time with
  an explicit offset such as ``+01:00`` is converted to UTC; a time without one is UTC);
- ``drybulb_c``: dry bulb, °C;
- ``rh_pct``: relative humidity, %;
- ``pressure_pa`` (optional): barometric pressure, Pa. Without it: the standard atmosphere
  at ``elevation_m`` (below), or at sea level (101325 Pa), stated in ``Weather.source``.

Lines starting with ``#`` before the header are comments; comments of the form ``# key: value``
set metadata: ``site``, ``latitude``, ``longitude`` (degrees), ``elevation_m`` and
``typical_year`` (``true`` for a periodic 365-day typical year). Example::

    # site: Luleå test mast
    # latitude: 65.54
    # longitude: 22.12
    time,drybulb_c,rh_pct
    2025-01-01T00:00:00Z,-8.4,88
    2025-01-01T01:00:00Z,-8.9,89

Empty cells are missing values (gaps, see ``fill_gaps_max_h``). Column names are matched
case-insensitively; the file is read as :mod:`dcsim._table` reads every table (UTF-8, else
Windows-1252, which ``Weather.source`` then says).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .._table import Column, read_csv
from . import psychro
from ._parse import (
    DRYBULB_RANGE_C,
    PRESSURE_RANGE_PA,
    RH_RANGE_PCT,
    Problems,
    Series,
    check_fill_gaps_max_h,
    check_time_axis,
    gap_note,
    parse_float,
    regularize,
)
from .weather import YEAR_S, Weather

__all__ = ["read_weather_csv"]

#: The columns; an empty value is a gap (filled or refused by ``fill_gaps_max_h``).
COLUMNS = [
    Column("time", kind="time", example="2025-01-01T00:00:00Z"),
    Column("drybulb_c", unit="°C", low=DRYBULB_RANGE_C[0], high=DRYBULB_RANGE_C[1], label="dry bulb", empty_ok=True),
    Column("rh_pct", unit="%", low=RH_RANGE_PCT[0], high=RH_RANGE_PCT[1], label="relative humidity", empty_ok=True),
    Column("pressure_pa", unit="Pa", low=PRESSURE_RANGE_PA[0], high=PRESSURE_RANGE_PA[1], label="pressure",
           empty_ok=True, required=False),
]
_META_KEYS = ("site", "latitude", "longitude", "elevation_m", "typical_year")


def read_weather_csv(path: str | Path, *, fill_gaps_max_h: int = 0) -> Weather:
    """Read a plain CSV weather file (columns ``time``, ``drybulb_c``, ``rh_pct``, optional
    ``pressure_pa``; see the module docstring) into a :class:`Weather`.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    fill_gaps_max_h : int
        Fill runs of missing values up to this many hours by linear interpolation; longer
        gaps are refused. The count of filled time steps is reported in ``Weather.source``.

    Raises
    ------
    InputError
        Naming file, line and column: missing or duplicated columns (with a suggestion),
        wrong number of fields, a time that is not ISO 8601, non-numeric or implausible
        values (dry bulb outside -70..60 °C, RH outside 0..100 %, pressure outside
        30-110 kPa), duplicate or irregular times, gaps longer than ``fill_gaps_max_h``.
    """
    fill_gaps_max_h = check_fill_gaps_max_h(fill_gaps_max_h)
    path = Path(path)
    problems = Problems(path)
    table = read_csv(path, problems, fallback="cp1252", expect=COLUMNS)
    meta: dict[str, tuple[str, int]] = {}
    for line, comment in table.comments:
        key, colon, value = comment.partition(":")
        if colon and key.strip().casefold() in _META_KEYS:
            meta[key.strip().casefold()] = (value.strip(), line)
    if not table.require(COLUMNS):
        problems.raise_if_any()
    site, lat, lon, elevation_m, typical = _metadata(meta, path.stem, problems)
    v = table.read(COLUMNS)
    timed = ~np.isnan(v["time"])  # rows whose time is not one are reported and left out
    if not timed.any() and not problems:
        problems.add("no data rows after the header", line=table.header_line)
    problems.raise_if_any()

    c_t = table.column_number("time")
    times_s = v["time"][timed].astype(np.int64)
    line_no = table.lines[timed]
    step_s = check_time_axis(times_s, line_no, problems, time_column=c_t)
    problems.raise_if_any()
    assert step_s is not None
    t0 = int(times_s[0])
    if typical:
        n_grid = YEAR_S // step_s
        if YEAR_S % step_s or times_s[-1] - t0 >= YEAR_S:
            problems.add(f"typical_year: true needs at most 365 days of data on a step that divides "
                         f"a day; got {(times_s[-1] - t0) / 86400 + step_s / 86400:g} days, step "
                         f"{step_s} s", line=int(line_no[-1]), column=c_t)
            problems.raise_if_any()
    else:
        n_grid = int((times_s[-1] - t0) // step_s) + 1
    names = ["drybulb_c", "rh_pct"] + (["pressure_pa"] if "pressure_pa" in v else [])
    series = [Series(name, times_s, v[name][timed], line_no, str(path), table.column_number(name)) for name in names]
    arrays, n_filled = regularize(t0, n_grid, step_s, series, problems,
                                  fill_gaps_max_h=fill_gaps_max_h, periodic=typical,
                                  time_column=c_t)
    problems.raise_if_any()
    if "pressure_pa" in v:
        pressure = arrays[2]
        p_note = "pressure from the file"
    else:
        z = elevation_m if elevation_m is not None else 0.0
        pressure = np.full(n_grid, psychro.standard_atmosphere_pressure_pa(z))
        p_note = (f"no pressure_pa column: standard atmosphere at "
                  f"{'elevation_m = ' + format(z, 'g') + ' m' if elevation_m is not None else 'sea level (101325 Pa)'}")
    source = (f"CSV file {path.name}{table.note}; {'typical year' if typical else 'measured series'}; "
              f"{p_note}{gap_note(n_filled, fill_gaps_max_h)}")
    return Weather(
        time_utc=(t0 + np.arange(n_grid, dtype=np.int64) * step_s).astype("datetime64[s]"),
        drybulb_c=arrays[0],
        rh_pct=arrays[1],
        pressure_pa=pressure,
        site_name=site,
        latitude=lat,
        longitude=lon,
        source=source,
        synthetic=False,
        typical_year=typical,
    )


def _metadata(meta: dict[str, tuple[str, int]], default_site: str, problems: Problems):
    """(site, latitude, longitude, elevation_m or None, typical_year) from ``# key: value`` comments."""
    lat = lon = math.nan
    elevation_m = None
    typical = False
    site = (meta["site"][0] if "site" in meta else "") or default_site
    for key, valid in (("latitude", (-90.0, 90.0)), ("longitude", (-180.0, 180.0)),
                       ("elevation_m", (-500.0, 9000.0))):
        if key in meta:
            v = parse_float(meta[key][0], problems, line=meta[key][1], column=1, what=key,
                            valid=valid, unit="")
            if key == "latitude":
                lat = v
            elif key == "longitude":
                lon = v
            elif math.isfinite(v):
                elevation_m = v
    if "typical_year" in meta:
        v = meta["typical_year"][0].casefold()
        if v in ("true", "yes", "1"):
            typical = True
        elif v not in ("false", "no", "0"):
            problems.add("typical_year must be true or false", line=meta["typical_year"][1],
                         column=1, value=meta["typical_year"][0])
    return site, lat, lon, elevation_m, typical
