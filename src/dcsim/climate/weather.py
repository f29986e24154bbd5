"""Outdoor weather series and their resampling to the simulation time step.

A :class:`Weather` holds one site's outdoor air on a regular time grid (usually hourly), in
UTC. :meth:`Weather.sample` evaluates it at the midpoints of the simulation steps, by linear
interpolation in time of the dry bulb, the dew point and the pressure, and recomputes the
humidity ratio, relative humidity and wet bulb from them (ASHRAE 2017 psychrometrics, see
:mod:`dcsim.climate.psychro`). Interpolating the dew point, not the relative humidity, keeps
the air physical: a dew point at or below the dry bulb at both ends of an interval stays at
or below it in between, so RH never exceeds 100 %.

A typical year (``typical_year=True``, e.g. an EPW TMY file or a synthetic year) is periodic:
a simulated time maps to its time of year, the seconds since 1 January 00:00 UTC of its own
year modulo 365 days, and interpolation wraps across the year boundary. In a leap year,
31 December maps onto 1 January (the typical year has no 29 February, so the calendar shifts
by one day from March on). The stored values of a typical year are 365 days on a regular
grid; their times of year are counted from 1 January of the year holding the middle value.
A measured series (``typical_year=False``) must cover the simulated period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from dcsim._timeaxis import TYPICAL_YEAR_S, check_steps, step_midpoints_ms, time_of_year_ms, utc_frame
from dcsim.errors import InputError, Problem

from . import psychro

__all__ = ["Weather", "WeatherSample", "YEAR_S"]

#: Length of a typical year, s (365 days).
YEAR_S = TYPICAL_YEAR_S


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class WeatherSample:
    """Outdoor air at the midpoints of ``n`` simulation steps (float64 arrays of length n).

    Attributes
    ----------
    drybulb_c : dry-bulb temperature, °C
    rh_pct : relative humidity, % (over ice below 0.01 °C, as in PsychroLib)
    pressure_pa : barometric pressure, Pa
    humidity_ratio_kg_per_kg : kg water vapour per kg dry air
    dewpoint_c : dew point (frost point below 0.01 °C), °C
    wetbulb_c : thermodynamic wet bulb, °C
    """

    drybulb_c: np.ndarray
    rh_pct: np.ndarray
    pressure_pa: np.ndarray
    humidity_ratio_kg_per_kg: np.ndarray
    dewpoint_c: np.ndarray
    wetbulb_c: np.ndarray

    def __len__(self) -> int:
        return int(self.drybulb_c.size)


@dataclass(frozen=True, eq=False)
class Weather:
    """Outdoor air at one site on a regular time grid in UTC.

    Attributes
    ----------
    time_utc : numpy.ndarray of datetime64[s]
        Time stamps, UTC, strictly increasing with a constant step. Each value is the state
        of the air at that instant (EPW values are placed at the end of their hour).
    drybulb_c, rh_pct, pressure_pa : numpy.ndarray of float64
        Dry bulb (°C), relative humidity (%, 0-100) and barometric pressure (Pa).
    site_name : str
    latitude, longitude : float
        Degrees north and east (WGS84); NaN when the file does not say.
    source : str
        Where the data came from, in words, including any assumption or gap filling.
    synthetic : bool
        True for generated (not measured) weather.
    typical_year : bool
        True for a periodic typical year of exactly 365 days.

    The arrays are copied and made read-only. Malformed arrays raise ``ValueError`` (a
    programming error: the readers turn bad files into :class:`~dcsim.errors.InputError`).
    """

    time_utc: np.ndarray
    drybulb_c: np.ndarray
    rh_pct: np.ndarray
    pressure_pa: np.ndarray
    site_name: str
    latitude: float
    longitude: float
    source: str
    synthetic: bool = False
    typical_year: bool = False
    _dewpoint_c: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        t = np.array(self.time_utc, dtype="datetime64[s]").reshape(-1)
        n = t.size
        arrays = {}
        for name in ("drybulb_c", "rh_pct", "pressure_pa"):
            a = np.array(getattr(self, name), dtype=np.float64)
            if a.ndim == 0:
                a = np.full(n, float(a))
            if a.shape != (n,):
                raise ValueError(f"Weather.{name} has shape {a.shape}, expected ({n},) like time_utc")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"Weather.{name} has {np.count_nonzero(~np.isfinite(a))} non-finite values")
            arrays[name] = a
        if n < 2:
            raise ValueError("Weather needs at least 2 time stamps")
        if np.isnat(t).any():
            raise ValueError("Weather.time_utc contains NaT")
        dt = np.diff(t.astype(np.int64))
        if dt[0] <= 0 or np.any(dt != dt[0]):
            raise ValueError("Weather.time_utc must be strictly increasing with a constant step")
        rh = arrays["rh_pct"]
        if np.any(rh < 0.0) or np.any(rh > 100.0):
            raise ValueError("Weather.rh_pct must be within [0, 100]")
        if np.any(arrays["pressure_pa"] <= 0.0):
            raise ValueError("Weather.pressure_pa must be positive")
        if np.any(arrays["drybulb_c"] < -100.0) or np.any(arrays["drybulb_c"] > 100.0):
            raise ValueError("Weather.drybulb_c must be within [-100, 100] °C")
        if self.typical_year and n * int(dt[0]) != YEAR_S:
            raise ValueError(
                f"a typical year needs exactly 365 days of data, got {n} values x {int(dt[0])} s"
            )
        object.__setattr__(self, "time_utc", _readonly(t))
        for name, a in arrays.items():
            object.__setattr__(self, name, _readonly(a))
        object.__setattr__(self, "latitude", float(self.latitude))
        object.__setattr__(self, "longitude", float(self.longitude))
        dp = psychro.dewpoint_c_from_rh(arrays["drybulb_c"], rh)
        object.__setattr__(self, "_dewpoint_c", _readonly(dp))

    # -- simple properties ------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.time_utc.size)

    @property
    def step_s(self) -> int:
        """Time step of the series, s."""
        return int((self.time_utc[1] - self.time_utc[0]) / np.timedelta64(1, "s"))

    @property
    def dewpoint_c(self) -> np.ndarray:
        """Dew point of the stored values, °C (from dry bulb and RH, ASHRAE 2017 ch. 1)."""
        return self._dewpoint_c

    def __repr__(self) -> str:
        kind = "typical year" if self.typical_year else "series"
        syn = ", synthetic" if self.synthetic else ""
        return (
            f"Weather({self.site_name!r}, {len(self)} values every {self.step_s} s, "
            f"{self.time_utc[0]} .. {self.time_utc[-1]} UTC, {kind}{syn})"
        )

    def to_frame(self):
        """The stored values as a pandas DataFrame with a UTC DatetimeIndex."""
        return utc_frame(
            self.time_utc,
            {
                "drybulb_c": self.drybulb_c,
                "rh_pct": self.rh_pct,
                "pressure_pa": self.pressure_pa,
                "dewpoint_c": self.dewpoint_c,
            },
        )

    # -- resampling ---------------------------------------------------------------------------

    def sample(self, start: np.datetime64, step_s: int, n: int) -> WeatherSample:
        """Outdoor air at the midpoints t_k = start + (k + 0.5) step_s, k = 0 .. n-1.

        Dry bulb, dew point and pressure are interpolated linearly in time; humidity ratio,
        RH and wet bulb are recomputed from them (ASHRAE Handbook - Fundamentals 2017 ch. 1).
        For a typical year, t_k maps to its time of year (periodic, 365 days); otherwise the
        midpoints must lie within the data, extended by half a data step at each end (each
        value stands for its own step), else :class:`~dcsim.errors.InputError`.

        Parameters
        ----------
        start : numpy.datetime64 or datetime.datetime
            Start of the first step, UTC (a naive time is taken as UTC; a time-zone-aware
            ``datetime`` or ``pandas.Timestamp`` is converted to UTC).
        step_s : int
            Simulation step, s (> 0).
        n : int
            Number of steps (>= 0).
        """
        step_s, n = check_steps(step_s, n)
        start_ms = _as_utc_ms(start)
        if np.isnat(start_ms):
            raise ValueError("start is NaT")
        t_mid = step_midpoints_ms(start_ms, step_s, n)
        if self.typical_year:
            x = time_of_year_ms(t_mid).astype(np.float64) / 1000.0
            xp = self._data_time_of_year_s()
            order = np.argsort(xp, kind="stable")
            xp = xp[order]
            t_c = np.interp(x, xp, self.drybulb_c[order], period=YEAR_S)
            dp_c = np.interp(x, xp, self._dewpoint_c[order], period=YEAR_S)
            p_pa = np.interp(x, xp, self.pressure_pa[order], period=YEAR_S)
        else:
            t0 = self.time_utc[0].astype("datetime64[ms]")
            x = (t_mid - t0).astype(np.int64) / 1000.0
            xp = (self.time_utc.astype("datetime64[ms]") - t0).astype(np.int64) / 1000.0
            if n:
                half = 0.5 * self.step_s
                lo, hi = xp[0] - half, xp[-1] + half
                if x[0] < lo or x[-1] > hi:
                    self._raise_not_covered(start_ms, step_s, n)
            t_c = np.interp(x, xp, self.drybulb_c)
            dp_c = np.interp(x, xp, self._dewpoint_c)
            p_pa = np.interp(x, xp, self.pressure_pa)
        np.minimum(dp_c, t_c, out=dp_c)  # already true by linearity; guards round-off
        w, rh, twb = psychro._state_from_dewpoint(t_c, dp_c, p_pa)
        return WeatherSample(
            drybulb_c=t_c,
            rh_pct=rh,
            pressure_pa=p_pa,
            humidity_ratio_kg_per_kg=w,
            dewpoint_c=dp_c,
            wetbulb_c=twb,
        )

    def _data_time_of_year_s(self) -> np.ndarray:
        """Time of year (s, modulo 365 days) of the stored values of a typical year.

        Measured from 1 January of the year that holds the middle value, so that a 365-day
        series that spills into the neighbouring years (an EPW file shifted from local time
        to UTC) maps onto 365 distinct, evenly spaced times of year.
        """
        t_ms = self.time_utc.astype("datetime64[ms]")
        ref = t_ms[t_ms.size // 2].astype("datetime64[Y]").astype("datetime64[ms]")
        ms = (t_ms - ref).astype(np.int64)
        return np.mod(ms, YEAR_S * 1000).astype(np.float64) / 1000.0

    def _raise_not_covered(self, start_ms, step_s: int, n: int) -> None:
        end = start_ms + np.timedelta64(n * step_s * 1000, "ms")
        have_lo = self.time_utc[0] - np.timedelta64(self.step_s // 2, "s")
        have_hi = self.time_utc[-1] + np.timedelta64(self.step_s - self.step_s // 2, "s")
        gaps = []
        if start_ms < have_lo:
            gaps.append(f"{np.datetime_as_string(start_ms, unit='s')} to {have_lo} UTC")
        if end > have_hi:
            gaps.append(f"{have_hi} to {np.datetime_as_string(end, unit='s')} UTC")
        raise InputError(
            Problem(
                "",
                f"weather data '{self.site_name}' cover {self.time_utc[0]} to {self.time_utc[-1]} "
                f"UTC, but the simulation runs {np.datetime_as_string(start_ms, unit='s')} to "
                f"{np.datetime_as_string(end, unit='s')} UTC: no data for "
                + " and ".join(gaps)
                + ". Shorten or move the simulated period, or use a typical-year file "
                f"(source: {self.source})",
            )
        )


def _as_utc_ms(start) -> np.datetime64:
    """``start`` as a naive UTC datetime64[ms]."""
    if isinstance(start, datetime) and start.tzinfo is not None:
        start = start.astimezone(timezone.utc).replace(tzinfo=None)
    return np.datetime64(start, "ms")
