"""Synthetic typical weather years for the built-in Swedish sites.

Only the monthly mean temperatures are data (SMHI normals 1991-2020, in
``dcsim/data/climate_normals.csv``); everything else in a synthetic year is a stated
assumption. The generator builds, hour by hour for 365 days from 1 January 00:00 UTC:

1. **Seasonal curve.** The smoothest periodic curve (least integrated squared second
   derivative, over 24 harmonics) whose hourly values average exactly to the 12 monthly
   normals: a mean-preserving interpolation, so the curve does not step at month boundaries.
2. **Day-to-day weather.** A seeded AR(1) series of daily anomalies (lag-1 correlation
   :data:`DAY_TO_DAY_LAG1`, standard deviation from :data:`DAY_TO_DAY_SD_K`), made periodic
   over the year and interpolated linearly between days (at 12:00 UTC), so there are no
   jumps at midnight.
3. **Diurnal cycle.** Minimum at 05:00 and maximum at 15:00 local solar time (UTC plus
   longitude/15 h; the equation of time, at most about 16 minutes, is ignored); a half-cosine
   rise over 10 h and a half-cosine fall over 14 h, peak to peak :data:`DIURNAL_RANGE_K`.
4. **Monthly means restored.** The monthly means of the sum of 1-3 are put back onto the
   normals by subtracting a mean-preserving smooth curve through the monthly errors
   (step 1's method), so every month's hourly mean equals its normal to round-off without
   steps at month boundaries. This also removes month-to-month weather anomalies: it is a
   typical year, not a sample of a real one.
5. **Humidity.** Dew point = (temperature without its diurnal cycle) - depression, where the
   depression is a smooth seasonal curve plus a seeded AR(1) daily anomaly
   (:data:`DEWPOINT_DEPRESSION_SD_K`, lag 1 :data:`DEWPOINT_DEPRESSION_LAG1`). The dew point is
   capped at the dry bulb, so RH <= 100 %, and it stays near constant over a day, so RH peaks
   near dawn and dips in the afternoon. The seasonal depression is calibrated month by month
   so that the monthly mean RH equals :data:`MEAN_RH_PCT` (to 0.05 %).
6. **Pressure.** Constant: the standard atmosphere at the station height (ASHRAE 2017 ch. 1
   eq. 3). No weather-driven pressure swings (they change humidity ratios by a few %).

Stated assumptions (not in the normals file; recalled general Nordic climatology, not read
from a source; override with the keyword arguments of :func:`synthetic_year`). Values are
given for mid-January and mid-July (RH: mid-December and mid-June) and follow a cosine in
between; :func:`assumptions_table` lists the resulting monthly values:

========== ====================== ======================= ====================
site       diurnal range, K       day-to-day SD, K        mean RH, %
           (Jan, Jul)             (Jan, Jul)              (Dec max, Jun min)
========== ====================== ======================= ====================
lulea      2.0, 8.0               6.0, 2.5                90, 66
umea       2.5, 8.5               5.5, 2.5                90, 66
stockholm  3.0, 8.0               4.0, 2.5                88, 65
goteborg   3.0, 7.0               3.5, 2.0                88, 70
malmo      3.0, 7.0               3.0, 2.0                88, 71
========== ====================== ======================= ====================

Reasoning:

- *Diurnal range* here is the peak-to-peak amplitude of the mean sun-driven daily cycle, not
  the mean daily max minus min (which also contains passing weather, supplied by step 2).
  Near the Arctic Circle the winter sun is barely up, so the January cycle is weak (about
  2 K at Luleå); in July, with clear nights inland, about 8 K. Coastal Göteborg and Malmö
  have a smaller summer cycle than the inland-influenced northern airports.
- *Day-to-day SD* of daily mean temperature is large in the northern winter, when continental
  and Atlantic air masses alternate (Luleå January means range over some 30 K between years
  and within months), smaller on the milder south-west coast, and about 2-2.5 K everywhere in
  summer. Lag-1 correlation 0.7 is typical for daily mean temperature anomalies at
  mid-latitudes. The SD is that of the AR(1) process: after step 4 removes each month's mean
  anomaly and the daily values are interpolated, the spread of daily means within a month
  comes out about 20 % smaller (Luleå January: about 4.8 K for the nominal 6 K). The AR(1) is Gaussian: the real cold-tail skew of Nordic winters is missing,
  so the coldest hours are milder than in real records.
- *Mean RH* in a Nordic coastal climate is high in winter (cold air, low sun) and lowest in
  late spring and early summer. The values are relative to saturation over ice below 0.01 °C,
  as everywhere in :mod:`dcsim.climate.psychro` (PsychroLib's convention); meteorological
  tables quote RH over water, which reads some 5-15 % lower for the same moisture in frost.
- Dew-point depression day-to-day SD 1.5 K with lag-1 correlation 0.5: humid and dry air
  masses alternate over a few days.

A synthetic year says so: ``Weather.synthetic`` is True and ``Weather.source`` names the
normals, the seed and the assumptions used.
"""

from __future__ import annotations

import csv
import difflib
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from dcsim.errors import InputError, Problem

from . import psychro
from .weather import YEAR_S, Weather

__all__ = [
    "BUILTIN_CLIMATES",
    "DAY_TO_DAY_LAG1",
    "DAY_TO_DAY_SD_K",
    "DEWPOINT_DEPRESSION_LAG1",
    "DEWPOINT_DEPRESSION_SD_K",
    "DIURNAL_RANGE_K",
    "MEAN_RH_PCT",
    "SiteNormals",
    "assumptions_table",
    "normalize_site_key",
    "site_normals",
    "synthetic_year",
]

# --- stated assumptions (see the module docstring for the reasoning) --------------------------

#: Peak-to-peak amplitude of the mean diurnal cycle, K: (mid-January, mid-July). Assumption.
DIURNAL_RANGE_K: dict[str, tuple[float, float]] = {
    "lulea": (2.0, 8.0),
    "umea": (2.5, 8.5),
    "stockholm": (3.0, 8.0),
    "goteborg": (3.0, 7.0),
    "malmo": (3.0, 7.0),
}
#: Standard deviation of day-to-day anomalies of the daily mean temperature, K:
#: (mid-January, mid-July), before monthly means are restored. Assumption.
DAY_TO_DAY_SD_K: dict[str, tuple[float, float]] = {
    "lulea": (6.0, 2.5),
    "umea": (5.5, 2.5),
    "stockholm": (4.0, 2.5),
    "goteborg": (3.5, 2.0),
    "malmo": (3.0, 2.0),
}
#: Monthly mean relative humidity, %: (mid-December maximum, mid-June minimum); RH over ice
#: below 0.01 °C. Assumption.
MEAN_RH_PCT: dict[str, tuple[float, float]] = {
    "lulea": (90.0, 66.0),
    "umea": (90.0, 66.0),
    "stockholm": (88.0, 65.0),
    "goteborg": (88.0, 70.0),
    "malmo": (88.0, 71.0),
}
#: Lag-1 (one day) autocorrelation of daily mean temperature anomalies. Assumption.
DAY_TO_DAY_LAG1 = 0.7
#: Standard deviation (K) and lag-1 autocorrelation of daily dew-point-depression anomalies.
#: Assumption.
DEWPOINT_DEPRESSION_SD_K = 1.5
DEWPOINT_DEPRESSION_LAG1 = 0.5
#: Local solar hours of the diurnal minimum and maximum temperature. Assumption.
DIURNAL_MIN_SOLAR_H = 5.0
DIURNAL_MAX_SOLAR_H = 15.0

#: Allowed ranges of the keyword overrides of :func:`synthetic_year`.
_OVERRIDE_RANGES = {
    "diurnal_range_k": (0.0, 30.0),
    "mean_rh_pct": (0.0, 100.0),  # lower bound exclusive
    "day_to_day_sd_k": (0.0, 15.0),
}
_ALIASES = {"gothenburg": "goteborg", "gbg": "goteborg", "sthlm": "stockholm", "kallax": "lulea"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_N_HARMONICS = 24
_BLEND_DAYS = 30


@dataclass(frozen=True)
class SiteNormals:
    """One built-in site: SMHI station and its 1991-2020 monthly mean temperatures."""

    key: str
    site: str
    station: str
    smhi_station_id: int
    latitude: float
    longitude: float
    elevation_m: float
    t_mean_c: tuple[float, ...]  # 12 monthly means, °C
    t_mean_annual_c: float
    period: str
    source: str


@lru_cache(maxsize=1)
def _load_normals() -> dict[str, SiteNormals]:
    text = resources.files("dcsim.data").joinpath("climate_normals.csv").read_text("utf-8")
    out = {}
    for row in csv.DictReader(text.splitlines()):
        out[row["key"]] = SiteNormals(
            key=row["key"],
            site=row["site"],
            station=row["station"],
            smhi_station_id=int(row["smhi_station_id"]),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            elevation_m=float(row["elevation_m"]),
            t_mean_c=tuple(float(row[f"t_mean_{m}_c"]) for m in _MONTHS),
            t_mean_annual_c=float(row["t_mean_annual_c"]),
            period=row["period"],
            source=row["source"],
        )
    return out


def _describe(n: SiteNormals) -> str:
    return (
        f"{n.site}, {n.station} (SMHI {n.smhi_station_id}), {n.latitude:.2f} N {n.longitude:.2f} E, "
        f"{n.elevation_m:g} m: synthetic typical year from SMHI {n.period} monthly normals "
        f"(annual mean {n.t_mean_annual_c:.1f} °C, January {n.t_mean_c[0]:.1f}, July {n.t_mean_c[6]:.1f})"
    )


#: Built-in climates: key -> one-line description (for ``dcsim catalog climates``).
BUILTIN_CLIMATES: dict[str, str] = {k: _describe(v) for k, v in _load_normals().items()}


def normalize_site_key(name: str) -> str:
    """Lower-case ASCII key of a site name: ``"Luleå"`` -> ``"lulea"``, ``"Göteborg"`` -> ``"goteborg"``."""
    s = unicodedata.normalize("NFKD", str(name).strip().casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace(" ", "").replace("-", "").replace("_", "")
    return _ALIASES.get(s, s)


def _unknown_site(name: str, path: str) -> InputError:
    allowed = sorted(BUILTIN_CLIMATES)
    guess = difflib.get_close_matches(normalize_site_key(name), allowed, n=1, cutoff=0.5)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    return InputError(
        Problem(path, f"unknown built-in climate; allowed: {', '.join(allowed)}{hint}", value=name)
    )


def site_normals(site: str) -> SiteNormals:
    """The built-in normals of ``site`` (any spelling accepted by :func:`normalize_site_key`)."""
    normals = _load_normals()
    key = normalize_site_key(site)
    if key not in normals:
        raise _unknown_site(site, "site.climate")
    return normals[key]


# --- seasonal interpolation helpers -------------------------------------------------------------


def _cosine_season(jan_or_dec: float, jul_or_jun: float, day: np.ndarray, peak_day: float) -> np.ndarray:
    """``jan_or_dec`` at ``peak_day`` (day of year), ``jul_or_jun`` half a year later, cosine between."""
    c = 0.5 * (1.0 + np.cos(2.0 * np.pi * (day - peak_day) / 365.0))
    return jul_or_jun + (jan_or_dec - jul_or_jun) * c


_MID_JAN_DAY = 14.5  # day of year (0-based, fractional) of mid-January
_MID_DEC_DAY = 348.5  # mid-December


def _monthly_mean(values: np.ndarray, month_idx: np.ndarray) -> np.ndarray:
    return np.bincount(month_idx, weights=values, minlength=12) / np.bincount(month_idx, minlength=12)


@lru_cache(maxsize=8)
def _mean_preserving_operator(year: int) -> tuple[np.ndarray, np.ndarray]:
    """(L, month index) for the 8760 hours from 1 January of ``year``.

    ``L`` (8760 x 12) maps 12 monthly means b to the hourly curve c = L b that minimises
    the roughness sum_k k^4 (a_k^2 + b_k^2) of its Fourier series (up to 24 harmonics of the
    365-day period; a periodic-spline-like penalty) subject to the exact constraint that its
    hourly values average to b in every month: c = B W^-1 M^T (M W^-1 M^T)^-1 b with
    M = A B, A the monthly averaging matrix, B the harmonic basis and W the penalty weights.
    """
    n = YEAR_S // 3600
    t = np.datetime64(f"{year}-01-01T00:00", "h") + np.arange(n)
    month_idx = (t.astype("datetime64[M]").astype(np.int64) % 12).astype(np.intp)
    x = 2.0 * np.pi * np.arange(n) / n
    cols = [np.ones(n)]
    weights = [1e-6]  # the mean is fixed by the constraints; a tiny weight keeps W invertible
    for k in range(1, _N_HARMONICS + 1):
        cols += [np.cos(k * x), np.sin(k * x)]
        weights += [float(k) ** 4] * 2
    basis = np.stack(cols, axis=1)  # (n, 2K+1)
    counts = np.bincount(month_idx, minlength=12).astype(np.float64)
    m = np.stack([basis[month_idx == j].sum(axis=0) / counts[j] for j in range(12)])  # (12, 2K+1)
    w_inv = 1.0 / np.asarray(weights)
    gram = (m * w_inv) @ m.T  # M W^-1 M^T, (12, 12)
    coef = np.linalg.solve(gram, m * w_inv).T  # W^-1 M^T (M W^-1 M^T)^-1, (2K+1, 12)
    op = basis @ coef
    # iterative refinement: make the hourly monthly means of op @ b equal b to round-off
    avg = np.zeros((12, n))
    avg[month_idx, np.arange(n)] = 1.0 / counts[month_idx]
    for _ in range(3):
        op = op + op @ (np.eye(12) - avg @ op)
    op.setflags(write=False)
    month_idx.setflags(write=False)
    return op, month_idx


def _periodic_ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) of length ``n`` made periodic (x[n-1] leads into x[0]).

    The last :data:`_BLEND_DAYS` values are cross-faded (variance-preserving cos/sin weights)
    into the values that precede x[0] in the same AR(1) realisation.
    """
    m = n + _BLEND_DAYS
    e = rng.standard_normal(m)
    x = np.empty(m)
    x[0] = e[0]
    s = math.sqrt(1.0 - phi * phi)
    for i in range(1, m):
        x[i] = phi * x[i - 1] + s * e[i]
    y = x[_BLEND_DAYS:].copy()
    theta = (np.arange(_BLEND_DAYS) + 1.0) / (_BLEND_DAYS + 1.0) * (0.5 * np.pi)
    y[-_BLEND_DAYS:] = np.cos(theta) * y[-_BLEND_DAYS:] + np.sin(theta) * x[:_BLEND_DAYS]
    return y


def _daily_to_hourly(daily: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Daily values placed at 12:00 UTC, interpolated linearly (periodic) to the given hours."""
    day_centres_s = (np.arange(daily.size) * 86400.0) + 43200.0
    return np.interp(hours * 3600.0, day_centres_s, daily, period=YEAR_S)


def _diurnal_shape(solar_h: np.ndarray) -> np.ndarray:
    """Zero-mean diurnal shape in [-0.5, 0.5]: min at 05, max at 15 local solar time.

    Half-cosine rise over the 10 h from minimum to maximum, half-cosine fall over the other
    14 h; both halves average to zero, continuous with continuous slope.
    """
    rise_h = DIURNAL_MAX_SOLAR_H - DIURNAL_MIN_SOLAR_H
    x = np.mod(solar_h - DIURNAL_MIN_SOLAR_H, 24.0)
    return np.where(
        x < rise_h,
        -0.5 * np.cos(np.pi * x / rise_h),
        0.5 * np.cos(np.pi * (x - rise_h) / (24.0 - rise_h)),
    )


# --- the generator -----------------------------------------------------------------------------


def _check_override(name: str, value, problems: list[Problem]) -> float | None:
    if value is None:
        return None
    lo, hi = _OVERRIDE_RANGES[name]
    try:
        v = float(value)
    except (TypeError, ValueError):
        problems.append(Problem(name, "must be a number", value=value))
        return None
    lo_open = name == "mean_rh_pct"
    if not ((lo < v if lo_open else lo <= v) and v <= hi):
        problems.append(
            Problem(name, f"must be within {'(' if lo_open else '['}{lo:g}, {hi:g}]", value=value)
        )
        return None
    return v


def assumptions_table(
    site: str,
    *,
    diurnal_range_k: float | None = None,
    mean_rh_pct: float | None = None,
    day_to_day_sd_k: float | None = None,
):
    """Monthly values the generator uses for ``site``, as a pandas DataFrame.

    Columns: ``month``, ``t_mean_c`` (SMHI normal, data), ``diurnal_range_k``,
    ``day_to_day_sd_k``, ``mean_rh_pct`` (assumptions, at mid-month, or the overrides).
    """
    import pandas as pd

    n = site_normals(site)
    mid = np.array([14.5, 44.0, 73.5, 104.0, 134.5, 165.0, 195.5, 226.5, 257.0, 287.5, 318.0, 348.5])
    return pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "t_mean_c": np.array(n.t_mean_c),
            "diurnal_range_k": _season_or_override(diurnal_range_k, DIURNAL_RANGE_K[n.key], mid, _MID_JAN_DAY),
            "day_to_day_sd_k": _season_or_override(day_to_day_sd_k, DAY_TO_DAY_SD_K[n.key], mid, _MID_JAN_DAY),
            "mean_rh_pct": _season_or_override(mean_rh_pct, MEAN_RH_PCT[n.key], mid, _MID_DEC_DAY),
        }
    )


def synthetic_year(
    site: str,
    *,
    seed: int,
    year: int = 2025,
    diurnal_range_k: float | None = None,
    mean_rh_pct: float | None = None,
    day_to_day_sd_k: float | None = None,
) -> Weather:
    """Synthetic typical weather year for a built-in Swedish site, hourly for 365 days.

    The monthly mean temperatures equal the SMHI 1991-2020 normals (to round-off); the
    diurnal cycle, day-to-day variability and humidity are stated assumptions (module
    docstring: method, values and reasoning). Deterministic for a given ``seed``
    (``numpy.random.default_rng(seed)``, no global state).

    Parameters
    ----------
    site : str
        ``"lulea"``, ``"umea"``, ``"stockholm"``, ``"goteborg"`` or ``"malmo"`` (``"Luleå"``,
        ``"Göteborg"``, ``"gothenburg"`` ... accepted).
    seed : int
        Random seed of the day-to-day weather.
    year : int
        Calendar year of the time stamps (1 January 00:00 UTC + 8760 hours). In a leap year
        the series ends on 30 December and months follow that year's calendar.
    diurnal_range_k : float, optional
        Peak-to-peak amplitude of the mean diurnal cycle, K, all year (default: per-site
        seasonal assumption :data:`DIURNAL_RANGE_K`). 0..30.
    mean_rh_pct : float, optional
        Monthly mean relative humidity, %, every month (default :data:`MEAN_RH_PCT`). Above
        0, at most 100 (100 = saturated all year).
    day_to_day_sd_k : float, optional
        Standard deviation of daily mean temperature anomalies, K, all year (default
        :data:`DAY_TO_DAY_SD_K`). 0..15.

    Returns
    -------
    Weather
        ``synthetic=True``, ``typical_year=True``; ``source`` names the data, seed and
        assumptions.

    Raises
    ------
    InputError
        Unknown site (with the allowed names) or an override out of range.
    """
    n = site_normals(site)
    seed, year, over = _checked_arguments(seed, year, diurnal_range_k, mean_rh_pct, day_to_day_sd_k)
    op, month_idx = _mean_preserving_operator(year)
    n_h = op.shape[0]
    hours = np.arange(n_h, dtype=np.float64)
    rng = np.random.default_rng(seed)  # drawn in order: day-to-day temperature, then depression
    base_c, drybulb_c = _drybulb_c(n, over, op, month_idx, hours, rng)
    dewpoint_c, rh_pct = _humidity(n, over, base_c, drybulb_c, op, month_idx, hours, rng)
    pressure_pa = float(psychro.standard_atmosphere_pressure_pa(n.elevation_m))
    return Weather(
        time_utc=np.datetime64(f"{year}-01-01T00:00:00", "s") + np.arange(n_h) * np.timedelta64(3600, "s"),
        drybulb_c=drybulb_c,
        rh_pct=rh_pct,
        pressure_pa=np.full(n_h, pressure_pa),
        site_name=n.site,
        latitude=n.latitude,
        longitude=n.longitude,
        source=_source_text(n, seed, over),
        synthetic=True,
        typical_year=True,
    )


@dataclass(frozen=True)
class _Overrides:
    """The checked keyword overrides of :func:`synthetic_year` (None: the site's assumption)."""

    diurnal_range_k: float | None
    mean_rh_pct: float | None
    day_to_day_sd_k: float | None


def _checked_arguments(seed, year, diurnal_range_k, mean_rh_pct, day_to_day_sd_k) -> tuple[int, int, _Overrides]:
    """(seed, year, overrides) of :func:`synthetic_year`, or one InputError listing every bad
    one: overrides within :data:`_OVERRIDE_RANGES`, seed >= 0, year 1900..2200."""
    problems: list[Problem] = []
    over = _Overrides(
        diurnal_range_k=_check_override("diurnal_range_k", diurnal_range_k, problems),
        mean_rh_pct=_check_override("mean_rh_pct", mean_rh_pct, problems),
        day_to_day_sd_k=_check_override("day_to_day_sd_k", day_to_day_sd_k, problems),
    )
    try:
        seed = int(seed)
        if seed < 0:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("seed", "must be a non-negative integer", value=seed))
    try:
        year = int(year)
        if not 1900 <= year <= 2200:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(Problem("year", "must be an integer year within 1900..2200", value=year))
    if problems:
        raise InputError(problems)
    return seed, year, over


def _season_or_override(override: float | None, jan_jul: tuple[float, float], day: np.ndarray,
                        peak_day: float) -> np.ndarray:
    """``override`` at every ``day`` if given, else the site's seasonal cosine through ``jan_jul``."""
    if override is not None:
        return np.full(day.size, override)
    return _cosine_season(jan_jul[0], jan_jul[1], day, peak_day)


def _drybulb_c(n: SiteNormals, over: _Overrides, op: np.ndarray, month_idx: np.ndarray, hours: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Steps 1-4 of the module docstring: (dry bulb without its diurnal cycle, dry bulb), °C,
    hourly; every month's mean equals its SMHI normal. Draws the day-to-day AR(1) from ``rng``."""
    day = hours / 24.0  # fractional day of year (UTC)
    normals = np.asarray(n.t_mean_c)
    # 1. seasonal curve through the monthly normals
    seasonal = op @ normals
    # 2. day-to-day anomalies
    sd = _season_or_override(over.day_to_day_sd_k, DAY_TO_DAY_SD_K[n.key], day, _MID_JAN_DAY)
    z_t = _periodic_ar1(rng, YEAR_S // 86400, DAY_TO_DAY_LAG1)
    anomaly = sd * _daily_to_hourly(z_t, hours)
    # 3. diurnal cycle in local solar time
    dr = _season_or_override(over.diurnal_range_k, DIURNAL_RANGE_K[n.key], day, _MID_JAN_DAY)
    solar_h = np.mod(hours + n.longitude / 15.0, 24.0)
    diurnal = dr * _diurnal_shape(solar_h)
    # 4. restore the monthly means without steps
    base = seasonal + anomaly
    base = base - op @ (_monthly_mean(base + diurnal, month_idx) - normals)
    return base, base + diurnal


def _humidity(n: SiteNormals, over: _Overrides, base_c: np.ndarray, drybulb_c: np.ndarray, op: np.ndarray,
              month_idx: np.ndarray, hours: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Step 5 of the module docstring: (dew point °C, RH %), the dew point a calibrated seasonal
    depression below the daily-scale curve ``base_c``. Draws the depression AR(1) from ``rng``."""
    target_rh = (
        np.full(12, over.mean_rh_pct)
        if over.mean_rh_pct is not None
        else assumptions_table(n.key)["mean_rh_pct"].to_numpy()
    )
    z_d = _periodic_ar1(rng, YEAR_S // 86400, DEWPOINT_DEPRESSION_LAG1)
    dep_noise = DEWPOINT_DEPRESSION_SD_K * _daily_to_hourly(z_d, hours)
    return _calibrate_dewpoint(base_c, drybulb_c, dep_noise, target_rh, op, month_idx)


def _source_text(n: SiteNormals, seed: int, over: _Overrides) -> str:
    """``Weather.source`` of a synthetic year: normals, station, seed and the overrides used."""
    given = []
    if over.diurnal_range_k is not None:
        given.append(f"diurnal_range_k={over.diurnal_range_k:g}")
    if over.mean_rh_pct is not None:
        given.append(f"mean_rh_pct={over.mean_rh_pct:g}")
    if over.day_to_day_sd_k is not None:
        given.append(f"day_to_day_sd_k={over.day_to_day_sd_k:g}")
    assumed = (
        "overrides " + ", ".join(given) + "; other assumptions"
        if given
        else "assumed diurnal range, day-to-day variability and humidity"
    )
    return (
        f"synthetic typical year for {n.site} from SMHI {n.period} monthly normals "
        f"({n.station}, SMHI {n.smhi_station_id}), seed {seed} (synthetic, not measured); "
        f"{assumed} as stated in dcsim.climate.synthetic; pressure: standard atmosphere at "
        f"{n.elevation_m:g} m"
    )


def _calibrate_dewpoint(base_c, drybulb_c, dep_noise_k, target_rh_pct, op, month_idx):
    """Dew point (capped at the dry bulb) whose RH averages to ``target_rh_pct`` each month.

    Depression D(t) = op @ d_m (smooth, mean-preserving curve through monthly values d_m);
    dew point = min(base - D + noise, dry bulb). d_m is found by a diagonal Newton iteration
    on the monthly mean RH (a monotonic function of d_m), to 0.05 % RH.
    """
    t_month = _monthly_mean(base_c, month_idx)
    # start from the depression that gives the target RH at the monthly mean temperature
    d_m = t_month - psychro.dewpoint_c_from_rh(t_month, target_rh_pct)
    drybulb_c = np.ascontiguousarray(drybulb_c)

    def monthly_rh(d):
        dp = np.clip(base_c - op @ d + dep_noise_k, -90.0, drybulb_c)
        rh = np.minimum(psychro.rh_pct_from_dewpoint(drybulb_c, dp), 100.0)
        return dp, rh, _monthly_mean(rh, month_idx)

    if np.all(target_rh_pct >= 99.99):  # saturated: dew point = dry bulb
        return drybulb_c.copy(), np.full(drybulb_c.size, 100.0)
    for _ in range(50):
        dp, rh, mean_rh = monthly_rh(d_m)
        err = mean_rh - target_rh_pct
        if np.max(np.abs(err)) < 0.05:
            break
        _, _, mean_rh_2 = monthly_rh(d_m + 0.25)
        slope = (mean_rh_2 - mean_rh) / 0.25  # d(mean RH)/d(depression) < 0
        slope = np.minimum(slope, -0.5)
        d_m = d_m - np.clip(err / slope, -5.0, 5.0)
    return dp, rh
