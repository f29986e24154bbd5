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

Empty cells are missing values (gaps, see ``fill_gaps_max_h``).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

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
    read_text,
    regularize,
)
from .weather import YEAR_S, Weather

__all__ = ["read_weather_csv"]

_REQUIRED = ("time", "drybulb_c", "rh_pct")
_OPTIONAL = ("pressure_pa",)
_META_KEYS = ("site", "latitude", "longitude", "elevation_m", "typical_year")


def _parse_iso_utc(s: str) -> int | None:
    """Seconds since 1970 UTC of an ISO 8601 time; None if it is not one."""
    try:
        dt = datetime.fromisoformat(s.strip())
    except ValueError:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return int((dt - datetime(1970, 1, 1)).total_seconds())


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
    text, enc_note = read_text(path)
    problems = Problems(path)
    reader = csv.reader(io.StringIO(text, newline=""))

    meta: dict[str, tuple[str, int]] = {}
    header: list[str] | None = None
    header_line = 0
    for row in reader:
        ln = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        first = row[0].lstrip()
        if first.startswith("#"):
            comment = ",".join(row).lstrip()[1:]
            if ":" in comment:
                key, _, value = comment.partition(":")
                key = key.strip().casefold()
                if key in _META_KEYS:
                    meta[key] = (value.strip(), ln)
            continue
        header = [c.strip() for c in row]
        header_line = ln
        break
    if header is None:
        problems.add("no header row: expected columns time, drybulb_c, rh_pct [, pressure_pa]")
        problems.raise_if_any()

    col: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in col:
            problems.add(f"column '{name}' appears twice (also column {col[name] + 1})",
                         line=header_line, column=j + 1)
        elif name:
            col[name] = j
    for name in _REQUIRED:
        if name not in col:
            guess = difflib.get_close_matches(name, list(col), n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            problems.add(f"missing column '{name}' (columns found: {', '.join(header)}){hint}",
                         line=header_line)
    problems.raise_if_any()

    lat = lon = math.nan
    elevation_m = None
    typical = False
    site = path.stem
    if "site" in meta:
        site = meta["site"][0] or site
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

    c_t, c_db, c_rh = col["time"], col["drybulb_c"], col["rh_pct"]
    c_p = col.get("pressure_pa")
    n_cols = len(header)
    times, t_db, rh, p, lines = [], [], [], [], []
    for row in reader:
        ln = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if row[0].lstrip().startswith("#"):
            continue
        if len(row) != n_cols:
            problems.add(f"expected {n_cols} comma-separated fields as in the header (line "
                         f"{header_line}), got {len(row)}", line=ln)
            continue
        t = _parse_iso_utc(row[c_t])
        if t is None:
            problems.add("time is not ISO 8601 (e.g. 2025-01-01T00:00:00Z)", line=ln,
                         column=c_t + 1, value=row[c_t])
            continue
        times.append(t)
        lines.append(ln)
        t_db.append(parse_float(row[c_db], problems, line=ln, column=c_db + 1, what="drybulb_c",
                                valid=DRYBULB_RANGE_C, unit="°C"))
        rh.append(parse_float(row[c_rh], problems, line=ln, column=c_rh + 1, what="rh_pct",
                              valid=RH_RANGE_PCT, unit="%"))
        if c_p is not None:
            p.append(parse_float(row[c_p], problems, line=ln, column=c_p + 1, what="pressure_pa",
                                 valid=PRESSURE_RANGE_PA, unit="Pa"))
    if not times and not problems:
        problems.add("no data rows after the header", line=header_line)
    problems.raise_if_any()

    times_s = np.array(times, dtype=np.int64)
    line_no = np.array(lines, dtype=np.int64)
    step_s = check_time_axis(times_s, line_no, problems, time_column=c_t + 1)
    problems.raise_if_any()
    assert step_s is not None
    t0 = int(times_s[0])
    if typical:
        n_grid = YEAR_S // step_s
        if YEAR_S % step_s or times_s[-1] - t0 >= YEAR_S:
            problems.add(f"typical_year: true needs at most 365 days of data on a step that divides "
                         f"a day; got {(times_s[-1] - t0) / 86400 + step_s / 86400:g} days, step "
                         f"{step_s} s", line=int(line_no[-1]), column=c_t + 1)
            problems.raise_if_any()
    else:
        n_grid = int((times_s[-1] - t0) // step_s) + 1
    series = [
        Series("drybulb_c", times_s, np.array(t_db), line_no, str(path), c_db + 1),
        Series("rh_pct", times_s, np.array(rh), line_no, str(path), c_rh + 1),
    ]
    if c_p is not None:
        series.append(Series("pressure_pa", times_s, np.array(p), line_no, str(path), c_p + 1))
    arrays, n_filled = regularize(t0, n_grid, step_s, series, problems,
                                  fill_gaps_max_h=fill_gaps_max_h, periodic=typical,
                                  time_column=c_t + 1)
    problems.raise_if_any()
    if c_p is not None:
        pressure = arrays[2]
        p_note = "pressure from the file"
    else:
        z = elevation_m if elevation_m is not None else 0.0
        pressure = np.full(n_grid, psychro.standard_atmosphere_pressure_pa(z))
        p_note = (f"no pressure_pa column: standard atmosphere at "
                  f"{'elevation_m = ' + format(z, 'g') + ' m' if elevation_m is not None else 'sea level (101325 Pa)'}")
    source = (f"CSV file {path.name}{enc_note}; {'typical year' if typical else 'measured series'}; "
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
