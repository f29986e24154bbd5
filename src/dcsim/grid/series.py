"""The grid series: carbon intensity and electricity price over time.

A :class:`GridSeries` holds one value per interval of a constant step (hourly for the
built-in zones, the file's own step for user files). It is one of three kinds: a typical
365-day year (read at each time's time of year), one Swedish calendar year of real values
(read with the weekdays kept, :func:`dcsim.grid._calendar.map_onto_year_ms`), or a dated series
that must cover the simulated period. Each row is the interval that *starts*
at its ``time_utc`` (the convention of ENTSO-E and Nord Pool market time units). Prices are
products of whole market intervals, so :meth:`GridSeries.sample` holds each value over its
interval (step-hold) and never interpolates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dcsim._timeaxis import TYPICAL_YEAR_S, check_steps, step_midpoints_ms, time_of_year_ms, utc_frame
from dcsim.errors import InputError, Problem

from ._calendar import local_year_bounds_s, map_onto_year_ms
from .tariffs import PowerFee, power_fee_sek

_PRICE_COMPONENT_ATOL_SEK_PER_KWH = 1e-9
#: The value columns of a grid series and of its samples, in table order.
_COLUMNS = ("carbon_g_per_kwh", "price_sek_per_kwh", "spot_sek_per_kwh", "tax_sek_per_kwh", "network_sek_per_kwh")


def _as_float_array(name: str, values) -> np.ndarray:
    arr = np.array(values, dtype=np.float64, copy=True)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    arr.setflags(write=False)
    return arr


def _to_seconds(t) -> int:
    """Seconds since the epoch of a datetime64 (or anything ``numpy.datetime64`` accepts)."""
    t64 = np.datetime64(t)
    t_s = t64.astype("datetime64[s]")
    if t_s.astype(t64.dtype) != t64:
        raise ValueError(f"start must be a whole second, got {t64}")
    return int(t_s.astype(np.int64))


def _iso(t_s: int | np.integer) -> str:
    return f"{np.datetime64(int(t_s), 's')}Z"


@dataclass(frozen=True)
class GridSample:
    """Grid values at the midpoints of simulation steps (what :meth:`GridSeries.sample` returns).

    All arrays have one value per step, float64. Prices in SEK/kWh excl. VAT, carbon in
    gCO2e/kWh.
    """

    carbon_g_per_kwh: np.ndarray
    price_sek_per_kwh: np.ndarray
    spot_sek_per_kwh: np.ndarray
    tax_sek_per_kwh: np.ndarray
    network_sek_per_kwh: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        """The arrays by their column names."""
        return {name: getattr(self, name) for name in _COLUMNS}


@dataclass(frozen=True, eq=False)
class GridSeries:
    """Carbon intensity and electricity price of the grid feeding a site.

    Attributes
    ----------
    time_utc : numpy.ndarray of datetime64[s]
        Start of each interval, UTC, constant step (hourly for the built-in profiles).
    carbon_g_per_kwh : numpy.ndarray of float64
        Carbon intensity of the electricity drawn, gCO2e/kWh.
    price_sek_per_kwh : numpy.ndarray of float64
        Price the site pays per kWh, SEK/kWh excl. VAT: ``spot + tax + network``.
    spot_sek_per_kwh, tax_sek_per_kwh, network_sek_per_kwh : numpy.ndarray of float64
        The components of ``price_sek_per_kwh``: day-ahead spot price, energy tax
        (energiskatt) and the network operator's energy fee, SEK/kWh excl. VAT. For a user
        file or a constant price the whole price is in ``spot_sek_per_kwh`` and the other two
        are zero (the file's price is taken as the all-in price).
    zone : str
        Bidding zone (``"SE1"`` ... ``"SE4"``) or ``"custom"`` for a user series.
    source : str
        Human-readable provenance: the sources of every number and how the series was built.
    typical_year : bool
        True for a 365-day typical profile: :meth:`sample` maps any date to its time of year.
        False for a dated series.
    file : str or None
        The file read, for error messages.
    calendar_year : int or None
        For a dated series that covers exactly one Swedish calendar year (1 January 00:00 CET
        to the next: the built-in price years, an ENTSO-E file of one year): that year, onto
        which :meth:`sample` maps any simulated year with the weekdays kept. None: a dated
        series must cover the simulated period.
    power_fees : tuple of dcsim.grid.tariffs.PowerFee
        The network power fees (SEK per kW of a month's or year's hourly peak), billed on the
        grid import by :meth:`power_fee_sek`; empty: none. They are not per kWh and not part of
        ``price_sek_per_kwh``; fixed fees are not modelled.

    Arrays are read-only copies.
    """

    time_utc: np.ndarray
    carbon_g_per_kwh: np.ndarray
    price_sek_per_kwh: np.ndarray
    spot_sek_per_kwh: np.ndarray
    tax_sek_per_kwh: np.ndarray
    network_sek_per_kwh: np.ndarray
    zone: str
    source: str
    typical_year: bool
    file: str | None = field(default=None)
    calendar_year: int | None = field(default=None)
    power_fees: tuple[PowerFee, ...] = field(default=())

    def __post_init__(self) -> None:
        t = np.array(self.time_utc, dtype="datetime64[s]", copy=True)
        if t.ndim != 1 or t.size < 2:
            raise ValueError("time_utc must be one-dimensional with at least two entries")
        t.setflags(write=False)
        object.__setattr__(self, "time_utc", t)
        n = t.size
        for name in _COLUMNS:
            arr = _as_float_array(name, getattr(self, name))
            if arr.size != n:
                raise ValueError(f"{name} has {arr.size} values but time_utc has {n}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{name} holds non-finite values")
            object.__setattr__(self, name, arr)
        if np.any(self.carbon_g_per_kwh < 0):
            raise ValueError("carbon_g_per_kwh must be >= 0")
        total = self.spot_sek_per_kwh + self.tax_sek_per_kwh + self.network_sek_per_kwh
        if not np.allclose(total, self.price_sek_per_kwh, rtol=0.0, atol=_PRICE_COMPONENT_ATOL_SEK_PER_KWH):
            raise ValueError("price_sek_per_kwh must equal spot + tax + network")
        steps = np.diff(t.astype(np.int64))
        if steps[0] <= 0 or np.any(steps != steps[0]):
            raise ValueError("time_utc must increase by a constant step")
        if self.typical_year:
            t0 = t[0]
            if t0 != t0.astype("datetime64[Y]").astype("datetime64[s]"):
                raise ValueError("a typical-year series must start on 1 January 00:00 UTC")
            if int(steps[0]) * n != TYPICAL_YEAR_S:
                raise ValueError("a typical-year series must span exactly 365 days")
        if self.calendar_year is not None:
            if self.typical_year:
                raise ValueError("a series is either a typical year or a calendar year")
            start_s, end_s = local_year_bounds_s(int(self.calendar_year))
            if int(t[0].astype(np.int64)) != start_s or int(t[-1].astype(np.int64)) + int(steps[0]) != end_s:
                raise ValueError(f"a calendar-year series must span the Swedish year {self.calendar_year} exactly")

    # ------------------------------------------------------------------ properties
    @property
    def step_s(self) -> int:
        """Length of one interval, seconds."""
        return int(self.time_utc[1].astype(np.int64) - self.time_utc[0].astype(np.int64))

    @property
    def start_utc(self) -> np.datetime64:
        """Start of the first interval (UTC)."""
        return self.time_utc[0]

    @property
    def end_utc(self) -> np.datetime64:
        """End of the last interval (UTC, exclusive)."""
        return self.time_utc[-1] + np.timedelta64(self.step_s, "s")

    def __len__(self) -> int:
        return int(self.time_utc.size)

    # ------------------------------------------------------------------ sampling
    def index(self, start, step_s: int, n: int, *, field_path: str = "site.grid") -> np.ndarray:
        """Row of this series that holds each simulation step's midpoint.

        Step ``k`` covers ``[start + k*step_s, start + (k+1)*step_s)``; its midpoint
        ``t_k = start + (k + 0.5)*step_s`` falls in exactly one interval of this series, whose
        row is returned (step-hold: a market price holds over its whole interval).

        For a typical year ``t_k`` is mapped to its time of year: seconds since 1 January
        00:00 UTC of ``t_k``'s own year, modulo 365 days (so 31 December of a leap year reads
        1 January). For a calendar year ``t_k`` is mapped onto that year with the weekdays
        kept (:func:`dcsim.grid._calendar.map_onto_year_ms`; a simulated time inside the year
        reads its own hour). Any other dated series must cover every ``t_k``, else
        :class:`InputError`.

        Parameters
        ----------
        start : numpy.datetime64
            Start of the first simulation step, UTC, whole seconds.
        step_s : int
            Simulation step, seconds (> 0).
        n : int
            Number of steps (>= 0).
        field_path : str
            Dotted scenario key named in a coverage error.

        Returns
        -------
        numpy.ndarray of int64, length ``n``.
        """
        step_s, n = check_steps(step_s, n)
        start_s = _to_seconds(start)
        t_mid = step_midpoints_ms(np.datetime64(start_s, "s").astype("datetime64[ms]"), step_s, n)
        step_ms = 1000 * self.step_s
        if self.typical_year:
            return time_of_year_ms(t_mid) // step_ms
        t0_s = int(self.time_utc[0].astype(np.int64))
        if self.calendar_year is not None:
            return (map_onto_year_ms(t_mid, int(self.calendar_year)) - 1000 * t0_s) // step_ms
        idx = (t_mid.astype(np.int64) - 1000 * t0_s) // step_ms
        if n and (idx[0] < 0 or idx[-1] >= len(self)):
            end_s = start_s + n * step_s
            where = f" {self.file}" if self.file else ""
            raise InputError(
                Problem(
                    field_path,
                    f"the grid series{where} covers {_iso(t0_s)} to {_iso(t0_s + len(self) * self.step_s)} "
                    f"but the simulation runs from {_iso(start_s)} to {_iso(end_s)}; give a series that "
                    "covers the simulated period, or a built-in typical year",
                    file=self.file,
                )
            )
        return idx

    def sample(self, start, step_s: int, n: int, *, field_path: str = "site.grid") -> GridSample:
        """Grid values at simulation-step midpoints ``t_k = start + (k + 0.5)*step_s``.

        Step-hold: each step gets the value of the interval holding its midpoint (see
        :meth:`index` for the time-of-year mapping of typical years and the coverage rule).

        Returns
        -------
        GridSample
            ``n`` values of carbon intensity (gCO2e/kWh) and of the price and its components
            (SEK/kWh excl. VAT).
        """
        idx = self.index(start, step_s, n, field_path=field_path)
        return GridSample(**{name: getattr(self, name)[idx] for name in _COLUMNS})

    # ------------------------------------------------------------------ export
    def to_frame(self):
        """The series as a pandas DataFrame with a UTC DatetimeIndex named ``time_utc``."""
        return utc_frame(self.time_utc, {name: getattr(self, name) for name in _COLUMNS})

    def scaled(self, *, price_scale: float = 1.0, carbon_scale: float = 1.0) -> "GridSeries":
        """A copy with every price component multiplied by ``price_scale`` and carbon by
        ``carbon_scale`` (sensitivity studies). The source text records the factors."""
        if price_scale == 1.0 and carbon_scale == 1.0:
            return self
        notes = []
        if price_scale != 1.0:
            notes.append(f"all price components x {price_scale:g}")
        if carbon_scale != 1.0:
            notes.append(f"carbon x {carbon_scale:g}")
        return GridSeries(
            time_utc=self.time_utc,
            carbon_g_per_kwh=self.carbon_g_per_kwh * carbon_scale,
            price_sek_per_kwh=self.price_sek_per_kwh * price_scale,
            spot_sek_per_kwh=self.spot_sek_per_kwh * price_scale,
            tax_sek_per_kwh=self.tax_sek_per_kwh * price_scale,
            network_sek_per_kwh=self.network_sek_per_kwh * price_scale,
            zone=self.zone,
            source=f"{self.source} Scaled: {', '.join(notes)}.",
            typical_year=self.typical_year,
            file=self.file,
            calendar_year=self.calendar_year,
            power_fees=tuple(f.scaled(price_scale) for f in self.power_fees),
        )

    # ------------------------------------------------------------------ power fees
    def power_fee_sek(self, grid_kw: np.ndarray, start, step_s: int) -> dict[str, float]:
        """The power fees of a grid import ``grid_kw`` (kW per simulation step of ``step_s``
        seconds from ``start``), SEK by component (:func:`dcsim.grid.tariffs.power_fee_sek`)."""
        return power_fee_sek(grid_kw, _to_seconds(start), int(step_s), self.power_fees)
