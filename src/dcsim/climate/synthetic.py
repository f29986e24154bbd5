"""Synthetic typical weather years for the built-in Swedish sites.

Only the monthly mean temperatures are data (SMHI normals 1991-2020, in
``dcsim/data/climate_normals.csv``); everything else in a synthetic year is a stated
assumption. The generator builds, hour by hour for 365 days from 1 January 00:00 UTC:

1. **Seasonal curve.** The smoothest periodic curve (least integrated squared second
   derivative, over 24 harmonics) whose hourly values average exactly to the 12 monthly
   normals: a mean-preserving interpolation, so the curve does not step at month boundaries.
2. **Day-to-day weather.** A seeded standard-normal series z of daily values (at 12:00 UTC),
   the sum of a fast AR(1) (lag-1 correlation :data:`DAY_TO_DAY_FAST_LAG1`) and a slow one
   (:data:`DAY_TO_DAY_SLOW_LAG1`, share :data:`DAY_TO_DAY_SLOW_SHARE` of the variance), each
   made periodic over the year. Each day's anomaly is SD x g(z), with g a standardised
   lognormal (zero mean, unit variance, skewness :data:`DAY_TO_DAY_SKEW`; mirrored when the
   skewness is negative) that is increasing in z, so spells keep their order and length but
   the cold tail of winter and the warm tail of summer are longer than the mild side. SD from
   :data:`DAY_TO_DAY_SD_K`. The daily values are interpolated linearly in time, so there are
   no jumps at midnight.
3. **Diurnal cycle.** Minimum at 05:00 and maximum at 15:00 local solar time (UTC plus
   longitude/15 h; the equation of time, at most about 16 minutes, is ignored); a half-cosine
   rise over 10 h and a half-cosine fall over 14 h, peak to peak :data:`DIURNAL_RANGE_K`
   (lowest at the December solstice, highest at the June solstice) times a clear-sky factor
   1 + :data:`CLEAR_SKY_DIURNAL_GAIN` tanh(-c z), c the seasonal cosine (+1 mid-January, -1
   mid-July): a cold winter day and a warm summer day are clear days with a wider cycle, a
   mild winter day and a cool summer day cloudy ones with a narrower cycle (the factor
   averages to 1, lies in 0.4..1.6, and is 1 when ``day_to_day_sd_k`` = 0, a year with no
   weather).
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
from a source, except where the Stockholm Arlanda check below says otherwise; override the
first three with the keyword arguments of :func:`synthetic_year`). Values are given for
mid-January and mid-July (diurnal range: the December and June solstices; RH: mid-December
and mid-June) and follow a cosine in between; :func:`assumptions_table` lists the resulting
monthly values:

========== ================= ================= ================= ==================
site       diurnal range, K  day-to-day SD, K  day-to-day skew   mean RH, %
           (Dec, Jun)        (Jan, Jul)        (Jan, Jul)        (Dec max, Jun min)
========== ================= ================= ================= ==================
lulea      2.0, 8.0          7.5, 2.8          -0.9, +0.2        90, 66
umea       2.5, 8.5          6.9, 2.8          -0.9, +0.2        90, 66
stockholm  3.0, 8.0          5.0, 3.1          -0.7, +0.2        88, 65
goteborg   3.0, 7.0          4.4, 2.5          -0.6, +0.2        88, 70
malmo      3.0, 7.0          3.8, 2.5          -0.6, +0.2        88, 71
========== ================= ================= ================= ==================

All sites: fast lag-1 correlation 0.6, slow 0.9, slow share 0.4 (lag-1 correlation of the
sum 0.72); clear-sky gain 0.6.

Reasoning:

- *Diurnal range* here is the peak-to-peak amplitude of the mean sun-driven daily cycle, not
  the mean daily max minus min (which also contains passing weather, supplied by step 2).
  Near the Arctic Circle the winter sun is barely up, so the winter cycle is weak (about
  2 K at Luleå); in summer, with clear nights inland, about 8 K. Coastal Göteborg and Malmö
  have a smaller summer cycle than the inland-influenced northern airports. It follows the
  sun, so it peaks at the June solstice, not in July with the temperature (the Arlanda year
  has its widest daily ranges in May, 10.5 K, and June, 8.8 K, against 7.8 K in July).
- *Day-to-day SD* of daily mean temperature is large in the northern winter, when continental
  and Atlantic air masses alternate (Luleå January means range over some 30 K between years
  and within months), smaller on the milder south-west coast, and about 2.5-3 K everywhere in
  summer (least on the coasts, where the sea damps hot afternoons). The SD is that of the
  process before step 4: after step 4 removes each month's mean anomaly and the daily values
  are interpolated, the spread of daily means within a month comes out about 25-30 % smaller
  (Luleå January: 5.5 K for the nominal 7.5 K, the SD of the 31 daily means averaged over
  seeds 0-19 of 2025). The values before issue 15 (6.0, 5.5,
  4.0, 3.5, 3.0 K in January; 2.5, 2.5, 2.5, 2.0, 2.0 K in July) were nominal values without
  that loss: the Arlanda check found the within-month spread a fifth too small in winter and
  summer, so all sites' SDs were raised by a quarter (the loss comes from the method, not the
  site), the northern coastal airports' July value by a tenth only, so that Luleå stays
  about as rarely above 30 °C as observed (REFERENCES.md: under 24 hours in total since 1961;
  the generator gives about 0.5 h a year, averaged over seeds 0-19 of 2025).
- *Skewness*: Nordic winter temperatures have a long cold tail: mild Atlantic air is held
  near 0 °C by the sea and melting snow, while clear, calm nights under a continental or
  Arctic high over snow cool without such a floor, for days on end. The tail is stronger in
  the continental north than on the south-west coast. Summer anomalies are skewed weakly the
  other way (heat waves under blocking highs). Recalled climatology; the Arlanda year's
  daily anomalies have skewness -0.42 in December-February and +0.13 in June-August.
- *Persistence*: passing fronts give a fast component (lag-1 correlation 0.6, e-folding
  about 2 days); blocking highs, which bring the cold spells and heat waves, a slow one
  (0.9, about 9.5 days). A single AR(1) with 0.7 (the generator before issue 15) had the
  same lag-1 correlation and no long spells. After step 4, which removes the month-scale
  part, the synthetic Stockholm year's daily anomalies have lag-1, 2, 3 day correlations of
  0.77, 0.50, 0.32 (seeds 0-19 of 2025) against 0.72, 0.45, 0.35 in the Arlanda year; at 5 days 0.09
  against 0.28: step 4 shortens the longest spells, which a typical year cannot avoid.
- *Clear-sky diurnal factor*: on clear days the diurnal cycle is wider (radiative cooling at
  night, sun by day), and clear days are the cold ones in winter and the warm ones in
  summer; the coldest hours of a Nordic winter are clear-night hours well below the day's
  mean (Arlanda: coldest hour -17.0 °C on a day of mean -12.1 °C). Gain 0.6: assumption,
  checked below.
- *Mean RH* in a Nordic coastal climate is high in winter (cold air, low sun) and lowest in
  late spring and early summer. The values are relative to saturation over ice below 0.01 °C,
  as everywhere in :mod:`dcsim.climate.psychro` (PsychroLib's convention); meteorological
  tables quote RH over water, which reads some 5-15 % lower for the same moisture in frost.
- Dew-point depression day-to-day SD 1.5 K with lag-1 correlation 0.5: humid and dry air
  masses alternate over a few days.

**Check against the real Stockholm year** (``tests/test_climate_synthetic.py``). The ASHRAE
IWEC typical year of Stockholm Arlanda (WMO 024600; shared data, not packaged: its licence
reserves ASHRAE's rights) has annual mean 6.5 °C, coldest hour -17.0 °C, 1st/99th
percentiles -10.8/24.0 °C, 2147 hours below 0 °C, warmest hour 27.1 °C. Its header gives the
multi-year ASHRAE 2009 design conditions -17.8 °C (99.6 %) and 27.1 °C (0.4 %) and the mean
annual extremes -19.5 °C and 29.3 °C. The built-in normals are the city station (7.9 °C), so
the check generates Stockholm with the IWEC year's own monthly means
(``monthly_mean_c``) and compares the shape. Over seeds 0-19: coldest hour -15.2 °C (-20.5
to -12.4), 1st percentile -10.5 (-12.8 to -8.4), 99th 24.0 (22.6 to 25.5), hours below 0 °C
2149 (1984 to 2340), warmest hour 29.0 (26.4 to 32.9), 0.4/99.6 percentiles -12.3/25.7
against the IWEC year's -12.8/25.5. Before issue 15 the same check gave a coldest hour of
about -11 °C, a 1st percentile of -8.4 and a 99th of 22.4 (seeds 0-7). The variability
parameters of Stockholm are thus checked against Arlanda, an inland airport; the city
station, damped by the sea and the town, would be somewhat milder in its cold nights, so the
built-in Stockholm year errs on the cold side. The other sites have no such check.

A synthetic year says so: ``Weather.synthetic`` is True and ``Weather.source`` names the
normals (or the given monthly means), the seed and the assumptions used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# the allowed range of ``monthly_mean_c`` (with its source) and its check, shared with the scenario schema
from dcsim.data.monthly_means import MONTHLY_MEAN_RANGE_C
from dcsim.data.monthly_means import check_monthly_means as _check_monthly_means
from dcsim.errors import InputError, Problem

from . import psychro
from .sites import BUILTIN_CLIMATES, SiteNormals, _unknown_site, normalize_site_key, site_normals  # noqa: F401 - re-exported
from ._seasonal import annual_cosine as _annual_cosine
from ._seasonal import calibrate_dewpoint as _calibrate_dewpoint
from ._seasonal import cosine_season as _cosine_season
from ._seasonal import daily_to_hourly as _daily_to_hourly
from ._seasonal import diurnal_shape as _diurnal_shape
from ._seasonal import mean_preserving_operator as _mean_preserving_operator
from ._seasonal import monthly_mean as _monthly_mean
from ._seasonal import periodic_ar1 as _periodic_ar1
from ._seasonal import skewed as _skewed
from .weather import YEAR_S, Weather

__all__ = [
    "BUILTIN_CLIMATES",
    "CLEAR_SKY_DIURNAL_GAIN",
    "DAY_TO_DAY_FAST_LAG1",
    "DAY_TO_DAY_SD_K",
    "DAY_TO_DAY_SKEW",
    "DAY_TO_DAY_SLOW_LAG1",
    "DAY_TO_DAY_SLOW_SHARE",
    "DEWPOINT_DEPRESSION_LAG1",
    "DEWPOINT_DEPRESSION_SD_K",
    "DIURNAL_RANGE_K",
    "MEAN_RH_PCT",
    "MONTHLY_MEAN_RANGE_C",
    "SiteNormals",
    "assumptions_table",
    "normalize_site_key",
    "site_normals",
    "synthetic_year",
]

# --- stated assumptions (see the module docstring for the reasoning) --------------------------

#: Peak-to-peak amplitude of the mean diurnal cycle, K: (December solstice, June solstice).
#: Assumption.
DIURNAL_RANGE_K: dict[str, tuple[float, float]] = {
    "lulea": (2.0, 8.0),
    "umea": (2.5, 8.5),
    "stockholm": (3.0, 8.0),
    "goteborg": (3.0, 7.0),
    "malmo": (3.0, 7.0),
}
#: Standard deviation of day-to-day anomalies of the daily mean temperature, K:
#: (mid-January, mid-July), before monthly means are restored. Assumption (the winter values
#: raised by a quarter in issue 15 after the Stockholm Arlanda check, module docstring).
DAY_TO_DAY_SD_K: dict[str, tuple[float, float]] = {
    "lulea": (7.5, 2.8),
    "umea": (6.9, 2.8),
    "stockholm": (5.0, 3.1),
    "goteborg": (4.4, 2.5),
    "malmo": (3.8, 2.5),
}
#: Skewness of the daily mean temperature anomalies: (mid-January, mid-July). Negative in
#: winter (cold spells: a long cold tail, mild Atlantic air capped near 0 °C), positive in
#: summer (heat waves). Assumption (recalled climatology, module docstring).
DAY_TO_DAY_SKEW: dict[str, tuple[float, float]] = {
    "lulea": (-0.9, 0.2),
    "umea": (-0.9, 0.2),
    "stockholm": (-0.7, 0.2),
    "goteborg": (-0.6, 0.2),
    "malmo": (-0.6, 0.2),
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
#: Persistence of daily mean temperature anomalies: the sum of a fast AR(1) (lag-1
#: correlation :data:`DAY_TO_DAY_FAST_LAG1`, passing fronts, e-folding about 2 days) and a slow
#: one (:data:`DAY_TO_DAY_SLOW_LAG1`, blocking highs, e-folding about 9.5 days) that carries
#: the share :data:`DAY_TO_DAY_SLOW_SHARE` of the variance. Assumption (module docstring).
DAY_TO_DAY_FAST_LAG1 = 0.6
DAY_TO_DAY_SLOW_LAG1 = 0.9
DAY_TO_DAY_SLOW_SHARE = 0.4
#: Clear-sky coupling of the diurnal cycle: a day's diurnal range is the mean range times
#: 1 + gain tanh(s), s the day's standardised anomaly signed towards clear sky (cold in
#: winter, warm in summer, by the seasonal cosine). Assumption (module docstring).
CLEAR_SKY_DIURNAL_GAIN = 0.6
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
# --- seasonal constants --------------------------------------------------------------------------

_MID_JAN_DAY = 14.5  # day of year (0-based, fractional) of mid-January
_MID_DEC_DAY = 348.5  # mid-December
_DEC_SOLSTICE_DAY = 354.5  # 21 December, noon: least insolation


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
    monthly_mean_c=None,
):
    """Monthly values the generator uses for ``site``, as a pandas DataFrame.

    Columns: ``month``, ``t_mean_c`` (SMHI normal, data, or ``monthly_mean_c``),
    ``diurnal_range_k``, ``day_to_day_sd_k``, ``day_to_day_skew``, ``mean_rh_pct``
    (assumptions, at mid-month, or the overrides).
    """
    import pandas as pd

    n = site_normals(site)
    _, _, over = _checked_arguments(0, 2025, diurnal_range_k, mean_rh_pct, day_to_day_sd_k, monthly_mean_c)
    mid = np.array([14.5, 44.0, 73.5, 104.0, 134.5, 165.0, 195.5, 226.5, 257.0, 287.5, 318.0, 348.5])
    return pd.DataFrame(
        {
            "month": np.arange(1, 13),
            "t_mean_c": np.array(n.t_mean_c if over.monthly_mean_c is None else over.monthly_mean_c),
            "diurnal_range_k": _season_or_override(over.diurnal_range_k, DIURNAL_RANGE_K[n.key], mid,
                                                  _DEC_SOLSTICE_DAY),
            "day_to_day_sd_k": _season_or_override(over.day_to_day_sd_k, DAY_TO_DAY_SD_K[n.key], mid, _MID_JAN_DAY),
            "day_to_day_skew": _cosine_season(*DAY_TO_DAY_SKEW[n.key], mid, _MID_JAN_DAY),
            "mean_rh_pct": _season_or_override(over.mean_rh_pct, MEAN_RH_PCT[n.key], mid, _MID_DEC_DAY),
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
    monthly_mean_c=None,
) -> Weather:
    """Synthetic typical weather year for a built-in Swedish site, hourly for 365 days.

    The monthly mean temperatures equal the SMHI 1991-2020 normals, or ``monthly_mean_c``
    (to round-off); the diurnal cycle, day-to-day variability and humidity are stated
    assumptions (module
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
    monthly_mean_c : sequence of 12 floats, optional
        Monthly mean temperatures, °C, January first, in place of the site's SMHI normals
        (to test the generator on another station's normals); each finite, within
        :data:`MONTHLY_MEAN_RANGE_C`. The site's other assumptions stay.

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
    seed, year, over = _checked_arguments(seed, year, diurnal_range_k, mean_rh_pct, day_to_day_sd_k,
                                          monthly_mean_c)
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
    monthly_mean_c: tuple[float, ...] | None = None


def _checked_arguments(seed, year, diurnal_range_k, mean_rh_pct, day_to_day_sd_k,
                       monthly_mean_c=None) -> tuple[int, int, _Overrides]:
    """(seed, year, overrides) of :func:`synthetic_year`, or one InputError listing every bad
    one: overrides within :data:`_OVERRIDE_RANGES`, monthly means 12 finite values within
    :data:`MONTHLY_MEAN_RANGE_C`, seed >= 0, year 1900..2200."""
    problems: list[Problem] = []
    over = _Overrides(
        diurnal_range_k=_check_override("diurnal_range_k", diurnal_range_k, problems),
        mean_rh_pct=_check_override("mean_rh_pct", mean_rh_pct, problems),
        day_to_day_sd_k=_check_override("day_to_day_sd_k", day_to_day_sd_k, problems),
        monthly_mean_c=_check_monthly_means(monthly_mean_c, problems),
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
    normals = np.asarray(n.t_mean_c if over.monthly_mean_c is None else over.monthly_mean_c)
    # 1. seasonal curve through the monthly normals
    seasonal = op @ normals
    # 2. day-to-day anomalies: fast + slow AR(1), skewed, at each day's 12:00 UTC
    n_days = YEAR_S // 86400
    noon = np.arange(n_days) + 0.5
    fast = _periodic_ar1(rng, n_days, DAY_TO_DAY_FAST_LAG1)
    slow = _periodic_ar1(rng, n_days, DAY_TO_DAY_SLOW_LAG1)
    z_t = math.sqrt(1.0 - DAY_TO_DAY_SLOW_SHARE) * fast + math.sqrt(DAY_TO_DAY_SLOW_SHARE) * slow
    sd = _season_or_override(over.day_to_day_sd_k, DAY_TO_DAY_SD_K[n.key], noon, _MID_JAN_DAY)
    skew = _cosine_season(*DAY_TO_DAY_SKEW[n.key], noon, _MID_JAN_DAY)
    anomaly = _daily_to_hourly(sd * _skewed(z_t, skew), hours)
    # 3. diurnal cycle in local solar time, wider on clear days (cold in winter, warm in summer)
    dr = _season_or_override(over.diurnal_range_k, DIURNAL_RANGE_K[n.key], day, _DEC_SOLSTICE_DAY)
    if over.day_to_day_sd_k == 0.0:  # no weather: every day has the mean cycle
        clear_sky = np.ones(hours.size)
    else:
        winter = _annual_cosine(noon, _MID_JAN_DAY)  # +1 mid-January, -1 mid-July
        clear_sky = _daily_to_hourly(1.0 + CLEAR_SKY_DIURNAL_GAIN * np.tanh(-winter * z_t), hours)
    solar_h = np.mod(hours + n.longitude / 15.0, 24.0)
    diurnal = dr * clear_sky * _diurnal_shape(solar_h, DIURNAL_MIN_SOLAR_H, DIURNAL_MAX_SOLAR_H)
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
    if over.monthly_mean_c is not None:
        means = (
            "given monthly means (" + ", ".join(f"{v:g}" for v in over.monthly_mean_c) + " °C) in place of "
            f"the SMHI {n.period} normals of {n.station} (SMHI {n.smhi_station_id})"
        )
    else:
        means = f"SMHI {n.period} monthly normals ({n.station}, SMHI {n.smhi_station_id})"
    return (
        f"synthetic typical year for {n.site} from {means}, seed {seed} (synthetic, not measured); "
        f"{assumed} as stated in dcsim.climate.synthetic; pressure: standard atmosphere at "
        f"{n.elevation_m:g} m"
    )
