"""SMHI open-data meteorological observations (CSV download of SMHI MetObs).

Licence CC BY 4.0: name SMHI as the source (``Weather.source`` does). One parameter per file:
air temperature is parameter 1 ("Lufttemperatur", momentanvärde, 1 gång/tim), relative
humidity parameter 6 ("Relativ Luftfuktighet"). The file is semicolon-separated, often with a
UTF-8 byte-order mark, and starts with preamble blocks separated by blank lines::

    Stationsnamn;Stationsnummer;Stationsnät;Mäthöjd (meter över marken)
    Luleå-Kallax Flygplats;162860;SMHIs stationsnät;2.0

    Parameternamn;Beskrivning;Enhet
    Lufttemperatur;momentanvärde, 1 gång/tim;degree celsius

    Tidsperiod (fr.o.m);Tidsperiod (t.o.m);Höjd (meter över havet);Latitud (decimalgrader);Longitud (decimalgrader)
    1944-01-01 00:00:00;2020-12-31 23:59:59;16.6;65.5477;22.1231

    Datum;Tid (UTC);Lufttemperatur;Kvalitet;;Tidsutsnitt:
    1985-07-01;00:00:00;10.0;G;;Kvalitetskontrollerade historiska data

Times are UTC. Kvalitet: G = checked and approved, Y = suspect or aggregated from suspect
values (kept, and counted in ``Weather.source``). Older years may hold 3 observations a day
instead of 24: the time step is the most common spacing, and the wider spacing shows up as
gaps. The station position is the last row of the "Tidsperiod" block (the most recent).
Daily-mean files (header ``Från Datum Tid (UTC);...``) are refused: dcsim needs instants.

Relative humidity comes from a second SMHI file (parameter 6) of the same station when given.
Without it, dcsim states and applies an assumption: the dew point equals the minimum
temperature of the 24 hours centred on each time (after FAO-56, Allen et al. 1998,
"Crop evapotranspiration", FAO Irrigation and Drainage Paper 56, ch. 3, eq. 48: in humid
climates T_dew is close to T_min; recalled, not re-read), so RH is 100 % at the daily minimum
and lower during the day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import psychro
from ._parse import (
    DRYBULB_RANGE_C,
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
from .weather import Weather

__all__ = ["read_smhi_csv", "looks_like_smhi_csv"]

_DATA_HEADER = "datum;tid (utc);"
_DAILY_HEADER = "från datum tid (utc);"
_COL_DATE, _COL_TIME, _COL_VALUE, _COL_QUALITY = 1, 2, 3, 4


def looks_like_smhi_csv(head: str) -> bool:
    """True if the start of a file's text looks like an SMHI MetObs CSV download."""
    h = head.lstrip("\ufeff").casefold()
    return h.startswith("stationsnamn;") or _DATA_HEADER in h or _DAILY_HEADER in h


@dataclass
class _SmhiFile:
    path: Path
    station: str
    station_id: str
    parameter: str
    unit: str
    height_m: float
    latitude: float
    longitude: float
    times_s: np.ndarray
    values: np.ndarray
    lines: np.ndarray
    n_suspect: int
    enc_note: str


def _preamble_fields(line: str, *columns: int) -> tuple[str, ...]:
    """The ``columns`` (0-based) of a ;-separated preamble row, stripped; "" for an absent one."""
    f = line.split(";")
    return tuple(f[c].strip() if len(f) > c else "" for c in columns)


def _parse_smhi(path: Path, problems: Problems, *, want: str) -> _SmhiFile | None:
    """Parse one SMHI file; ``want`` is "temperature" or "humidity"."""
    text, enc_note = read_text(path)
    lines = text.splitlines()
    station = station_id = parameter = unit = ""
    height = lat = lon = math.nan
    header_line = None
    i = 0
    n = len(lines)
    while i < n:
        low = lines[i].strip().casefold()
        if low.startswith("stationsnamn;") and i + 1 < n:
            station, station_id = _preamble_fields(lines[i + 1], 0, 1)
            i += 2
            continue
        if low.startswith("parameternamn;") and i + 1 < n:
            parameter, unit = _preamble_fields(lines[i + 1], 0, 2)
            i += 2
            continue
        if low.startswith("tidsperiod (fr.o.m)"):
            j = i + 1
            while j < n and lines[j].strip() and not lines[j].casefold().startswith(_DATA_HEADER):
                f = lines[j].split(";")
                if len(f) < 5:
                    problems.add("station position row needs 5 ;-separated fields (from;to;height;"
                                 "latitude;longitude)", line=j + 1, value=lines[j])
                else:
                    height = parse_float(f[2], problems, line=j + 1, column=3, what="station height",
                                         valid=(-500.0, 9000.0), unit="m")
                    lat = parse_float(f[3], problems, line=j + 1, column=4, what="latitude",
                                      valid=(-90.0, 90.0), unit="°")
                    lon = parse_float(f[4], problems, line=j + 1, column=5, what="longitude",
                                      valid=(-180.0, 180.0), unit="°")
                j += 1
            i = j
            continue
        if low.startswith(_DAILY_HEADER):
            problems.add("this is an SMHI daily-mean file; dcsim needs the hourly observations "
                         "(parameter 1 air temperature 'momentanvärde, 1 gång/tim', and "
                         "parameter 6 relative humidity)", line=i + 1, column=1)
            return None
        if low.startswith(_DATA_HEADER):
            header_line = i
            break
        i += 1
    if header_line is None:
        problems.add("not an SMHI observation file: no header line 'Datum;Tid (UTC);...' found")
        return None

    header = lines[header_line].split(";")
    pname = header[2].strip() if len(header) > 2 else ""
    is_rh = "fukt" in pname.casefold()
    is_t = "temperatur" in pname.casefold()
    if want == "temperature" and not is_t:
        hint = " (a humidity file: pass it as humidity_path)" if is_rh else ""
        problems.add(f"expected an air-temperature file (column 3 'Lufttemperatur'){hint}",
                     line=header_line + 1, column=3, value=pname)
        return None
    if want == "humidity" and not is_rh:
        problems.add("expected a relative-humidity file (column 3 'Relativ Luftfuktighet')",
                     line=header_line + 1, column=3, value=pname)
        return None

    valid = RH_RANGE_PCT if want == "humidity" else DRYBULB_RANGE_C
    unit_txt = "%" if want == "humidity" else "°C"
    what = "relative humidity" if want == "humidity" else "air temperature"
    times, values, line_nos = [], [], []
    n_suspect = 0
    for k in range(header_line + 1, n):
        row = lines[k]
        if not row.strip():
            continue
        ln = k + 1
        f = row.split(";")
        if len(f) < 4:
            problems.add(f"expected at least 4 ;-separated fields (Datum;Tid (UTC);value;Kvalitet), "
                         f"got {len(f)}", line=ln, value=row[:60])
            continue
        t = _parse_time(f[0].strip(), f[1].strip())
        if t is None:
            problems.add("date and time must read YYYY-MM-DD;HH:MM:SS (UTC)", line=ln,
                         column=_COL_DATE, value=f"{f[0]};{f[1]}")
            continue
        v = parse_float(f[2], problems, line=ln, column=_COL_VALUE, what=what, valid=valid, unit=unit_txt)
        q = f[3].strip().upper()
        if q == "Y":
            n_suspect += 1
        elif q not in ("G", ""):
            problems.add("Kvalitet must be G (approved) or Y (suspect)", line=ln,
                         column=_COL_QUALITY, value=f[3])
        times.append(t)
        values.append(v)
        line_nos.append(ln)
    if not times:
        problems.add("no data rows after the header", line=header_line + 1)
        return None
    return _SmhiFile(
        path=path, station=station, station_id=station_id, parameter=parameter, unit=unit,
        height_m=height, latitude=lat, longitude=lon,
        times_s=np.array(times, dtype=np.int64), values=np.array(values, dtype=np.float64),
        lines=np.array(line_nos, dtype=np.int64), n_suspect=n_suspect, enc_note=enc_note,
    )


def _parse_time(date: str, time: str) -> int | None:
    try:
        t = np.datetime64(f"{date}T{time}", "s")
    except ValueError:
        return None
    if len(date) != 10 or np.isnat(t):
        return None
    return int(t.astype(np.int64))


def read_smhi_csv(path: str | Path, humidity_path: str | Path | None = None, *,
                  fill_gaps_max_h: int = 0) -> Weather:
    """Read SMHI open-data air temperature (and optionally relative humidity) into a Weather.

    Parameters
    ----------
    path : str or Path
        SMHI MetObs CSV of parameter 1, air temperature (hourly instants, UTC).
    humidity_path : str or Path, optional
        SMHI MetObs CSV of parameter 6, relative humidity, same station. Without it the dew
        point is assumed equal to the 24-hour running minimum temperature (FAO-56 eq. 48;
        stated in ``Weather.source``).
    fill_gaps_max_h : int
        Fill runs of missing values up to this many hours by linear interpolation; longer
        gaps are refused. The count of filled time steps is reported in ``Weather.source``.

    Pressure is the standard atmosphere at the station height from the file (ASHRAE 2017
    ch. 1 eq. 3). ``typical_year`` and ``synthetic`` are False.

    Raises
    ------
    InputError
        Naming file, line and column: not an SMHI file, daily-mean file, wrong field count,
        bad date, non-numeric or implausible value, duplicate or irregular times, gaps.
    """
    fill_gaps_max_h = check_fill_gaps_max_h(fill_gaps_max_h)
    path = Path(path)
    problems = Problems(path)
    temp = _parse_smhi(path, problems, want="temperature")
    hum = None
    if humidity_path is not None:
        hprob = problems.for_file(humidity_path)
        hum = _parse_smhi(Path(humidity_path), hprob, want="humidity")
    problems.raise_if_any()
    assert temp is not None

    step_s = check_time_axis(temp.times_s, temp.lines, problems, time_column=_COL_TIME)
    if hum is not None:
        check_time_axis(hum.times_s, hum.lines, hprob, time_column=_COL_TIME)
    problems.raise_if_any()
    assert step_s is not None

    t0 = int(temp.times_s[0])
    n_grid = int((temp.times_s[-1] - t0) // step_s) + 1
    series = [Series("air temperature", temp.times_s, temp.values, temp.lines, str(path), _COL_VALUE)]
    if hum is not None:
        series.append(Series("relative humidity", hum.times_s, hum.values, hum.lines,
                             str(hum.path), _COL_VALUE))
    arrays, n_filled = regularize(t0, n_grid, step_s, series, problems,
                                  fill_gaps_max_h=fill_gaps_max_h, periodic=False,
                                  time_column=_COL_TIME)
    problems.raise_if_any()
    t_db = arrays[0]
    if hum is not None:
        rh = arrays[1]
        rh_note = f"RH from {hum.path.name} (SMHI {hum.parameter or 'relative humidity'})"
        rh_note += _suspect_note(hum.n_suspect)
    else:
        rh = _rh_assumed_from_tmin(t_db, step_s)
        rh_note = ("RH not measured: assumed dew point = minimum temperature of the centred 24 h "
                   "(FAO-56 eq. 48 assumption)")
    height = temp.height_m if math.isfinite(temp.height_m) else 0.0
    pressure = psychro.standard_atmosphere_pressure_pa(height)
    suspect = _suspect_note(temp.n_suspect)
    source = (
        f"SMHI open data (CC BY 4.0), {path.name}{temp.enc_note}: {temp.parameter or 'Lufttemperatur'} "
        f"at {temp.station or 'unnamed station'} (SMHI {temp.station_id or '?'}){suspect}; "
        f"{rh_note}; pressure: standard atmosphere at {height:g} m"
        f"{gap_note(n_filled, fill_gaps_max_h)}"
    )
    return Weather(
        time_utc=(t0 + np.arange(n_grid, dtype=np.int64) * step_s).astype("datetime64[s]"),
        drybulb_c=t_db,
        rh_pct=rh,
        pressure_pa=np.full(n_grid, pressure),
        site_name=temp.station or path.stem,
        latitude=temp.latitude,
        longitude=temp.longitude,
        source=source,
        synthetic=False,
        typical_year=False,
    )


def _suspect_note(n: int) -> str:
    if not n:
        return ""
    return f", {n} value{'s' if n != 1 else ''} flagged Y (suspect) kept"


def _rh_assumed_from_tmin(t_db: np.ndarray, step_s: int) -> np.ndarray:
    """RH (%) with the dew point set to the centred 24-hour running minimum temperature.

    After FAO-56 (Allen et al. 1998) ch. 3 eq. 48, e_a = e°(T_min), for humid climates.
    Windows are truncated at the ends of the series.
    """
    half = max(1, (12 * 3600) // step_s)
    n = t_db.size
    padded = np.concatenate([np.full(half, np.inf), t_db, np.full(half, np.inf)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    t_min = windows.min(axis=1)[:n]
    return np.minimum(psychro.rh_pct_from_dewpoint(t_db, np.minimum(t_min, t_db)), 100.0)
