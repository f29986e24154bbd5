"""Network power fees (effektavgift): SEK per kW of a billing period's peak.

Swedish high-voltage network tariffs bill, besides the energy fee per kWh, a fee per kW of the
customer's highest hourly mean power in each month (or year), some of them a second fee on the
highest hourly mean inside the tariff's high-load hours (for example Sundsvall Elnät 2024:
21 SEK/kW/month on the month's peak plus 66 SEK/kW/month on the peak of Jan-Mar and Nov-Dec,
Mon-Fri 06-22 local time). The built-in operators' fees are in ``dcsim/data/grid_power_tariffs.csv``
with their sources; a scenario may give its own (``site.grid_options.power_fee_sek_per_kw_month``,
``power_fee_sek_per_kw_year``).

The rule (:func:`power_fee_sek`), for each fee row::

    fee = rate * sum over billing periods p of  max_{h in p, h matches} P_h  *  covered_p / length_p

with ``P_h`` the mean grid import of clock hour ``h`` (kW; a step longer than an hour is its own
"hour"), the billing periods the Swedish local calendar months (or years), ``covered_p`` the
simulated seconds inside period ``p`` and ``length_p`` the period's length: a run of one week is
billed a week's share of the month's fee, not the whole month's (pro rata; a real bill charges
whole months). Public holidays are not modelled in the high-load hours; fixed fees (SEK/month or
SEK/year whatever the load) are left out, as they change with no design choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._calendar import local_calendar, local_time, local_wall_clock_to_utc_s
from ._tables import _read_table, _time_of_use

_HOUR_S = 3600
PERIODS = ("month", "year")


@dataclass(frozen=True)
class PowerFee:
    """One power-fee component: ``sek_per_kw`` per ``period`` ("month" or "year") on the period's
    highest hourly mean grid import in the matching hours (local months, Mon-Fri only, local
    hours ``[a, b)``; None: all)."""

    component: str
    sek_per_kw: float
    period: str
    months: frozenset[int] | None = None
    weekdays_only: bool = False
    hours: tuple[int, int] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"period must be one of {PERIODS}, got {self.period!r}")
        if not np.isfinite(self.sek_per_kw) or self.sek_per_kw < 0:
            raise ValueError(f"sek_per_kw must be finite and >= 0, got {self.sek_per_kw}")

    def scaled(self, factor: float) -> PowerFee:
        """The same fee with its rate times ``factor``."""
        return PowerFee(self.component, self.sek_per_kw * factor, self.period, self.months,
                        self.weekdays_only, self.hours, self.source)

    def describe(self) -> str:
        """The fee in a few words, e.g. ``66 SEK/kW/month on the peak of months 1,2,3,11,12, Mon-Fri 6-22``."""
        where = []
        if self.months is not None:
            where.append("months " + ",".join(str(m) for m in sorted(self.months)))
        if self.weekdays_only:
            where.append("Mon-Fri")
        if self.hours is not None:
            where.append(f"{self.hours[0]}-{self.hours[1]} local")
        on = f" of {', '.join(where)}" if where else ""
        return f"{self.component}: {self.sek_per_kw:g} SEK/kW/{self.period} on the {self.period}'s hourly peak{on}"


@lru_cache(maxsize=None)
def operator_power_fees() -> dict[str, tuple[PowerFee, ...]]:
    """Network tariff key -> its power fees (``grid_power_tariffs.csv``)."""
    out: dict[str, list[PowerFee]] = {}
    for r in _read_table("grid_power_tariffs.csv"):
        months, weekdays_only, hours = _time_of_use(r, "grid_power_tariffs.csv")
        out.setdefault(r["key"], []).append(PowerFee(
            component=r["component"], sek_per_kw=float(r["sek_per_kw"]), period=r["period"], months=months,
            weekdays_only=weekdays_only, hours=hours, source=r["source"],
        ))
    return {k: tuple(v) for k, v in out.items()}


def hourly_mean_kw(power_kw: np.ndarray, start_s: int, step_s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean of ``power_kw`` (one value per step of ``step_s`` seconds from UTC ``start_s``)
    over each clock hour the run touches.

    Returns
    -------
    hour_start_s, mean_kw, covered_s : numpy.ndarray
        UTC start of each hour (int64 s), the mean power of the steps inside it (kW) and the
        simulated seconds inside it. A step longer than an hour, or one that does not divide an
        hour, is its own block (its start, its value, its length).
    """
    p = np.asarray(power_kw, dtype=np.float64)
    n = p.size
    t = start_s + np.arange(n, dtype=np.int64) * step_s
    if step_s > _HOUR_S or _HOUR_S % step_s:
        return t, p.copy(), np.full(n, step_s, dtype=np.int64)
    hour = t // _HOUR_S
    first = int(hour[0]) if n else 0
    idx = hour - first
    counts = np.bincount(idx)
    keep = counts > 0
    sums = np.bincount(idx, weights=p)
    starts = (first + np.arange(counts.size, dtype=np.int64)) * _HOUR_S
    return starts[keep], sums[keep] / counts[keep], counts[keep] * step_s


def tariff_hours_match(fee, month: np.ndarray, hour: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """Which hours (local month, hour of day, weekday Monday = 0) fall in a tariff row's hours:
    its ``months`` (None: all), ``weekdays_only`` and local ``hours`` [a, b) (None: all); for a
    power fee and a network energy-fee row alike."""
    match = np.ones(month.shape, dtype=bool)
    if fee.months is not None:
        match &= np.isin(month, sorted(fee.months))
    if fee.weekdays_only:
        match &= weekday < 5
    if fee.hours is not None:
        match &= (hour >= fee.hours[0]) & (hour < fee.hours[1])
    return match


def _period_keys(hour_start_s: np.ndarray, period: str) -> np.ndarray:
    """Local calendar month (``datetime64[M]``) or year of each hour, as int64 codes."""
    local = local_time(hour_start_s.astype("datetime64[s]"))
    return local.astype("datetime64[M]" if period == "month" else "datetime64[Y]").astype(np.int64)


def _period_length_s(keys: np.ndarray, period: str) -> np.ndarray:
    """Seconds in each local month or year ``keys`` (codes of :func:`_period_keys`); the
    summer-time hour lost in March and won in October are counted (CET/CEST bounds)."""
    unit = "M" if period == "month" else "Y"
    start = keys.astype(f"datetime64[{unit}]").astype("datetime64[s]")
    end = (keys + 1).astype(f"datetime64[{unit}]").astype("datetime64[s]")
    utc = local_wall_clock_to_utc_s  # local midnights are never skipped nor repeated
    return (utc(end.astype(np.int64)) - utc(start.astype(np.int64))).astype(np.float64)


def power_fee_sek(power_kw: np.ndarray, start_s: int, step_s: int, fees: tuple[PowerFee, ...]) -> dict[str, float]:
    """Power fees of the grid import ``power_kw`` (kW per step), SEK excl. VAT, by component.

    The rule of the module docstring: each fee's rate times the highest hourly mean import in
    its matching hours of each billing period, pro rata the period's simulated share.

    Parameters
    ----------
    power_kw : numpy.ndarray
        Grid import, kW, one value per simulation step (>= 0 is not required: an export hour
        simply does not set a peak).
    start_s : int
        UTC start of the first step, seconds since the epoch.
    step_s : int
        Step length, seconds.
    fees : tuple of PowerFee

    Returns
    -------
    dict
        component name -> SEK (0 for a fee whose hours the run never reaches).
    """
    out = {f.component: 0.0 for f in fees}
    if not fees or np.asarray(power_kw).size == 0:
        return out
    hour_s, mean_kw, covered_s = hourly_mean_kw(power_kw, int(start_s), int(step_s))
    month, hour, weekday = local_calendar(hour_s.astype("datetime64[s]"))
    for fee in fees:
        match = tariff_hours_match(fee, month, hour, weekday)
        keys = _period_keys(hour_s, fee.period)
        periods, inverse = np.unique(keys, return_inverse=True)
        peak = np.full(periods.size, -np.inf)
        np.maximum.at(peak, inverse[match], mean_kw[match])
        peak = np.where(np.isfinite(peak), np.maximum(peak, 0.0), 0.0)
        covered = np.bincount(inverse, weights=covered_s.astype(np.float64), minlength=periods.size)
        share = covered / _period_length_s(periods, fee.period)
        out[fee.component] += float(fee.sek_per_kw * (peak * share).sum())
    return out


def fee_peak_caps_kw(hour_start_s: np.ndarray, mean_kw: np.ndarray, fees: tuple[PowerFee, ...]) -> np.ndarray:
    """For each hour, the lowest of the billed peaks (kW) of the fees whose hours it is in: the
    import an hour may reach without raising any power fee of its billing periods (``inf`` for
    an hour no fee bills). ``mean_kw`` is the hourly mean import the peaks are taken from."""
    cap = np.full(hour_start_s.size, np.inf)
    if not fees or hour_start_s.size == 0:
        return cap
    month, hour, weekday = local_calendar(hour_start_s.astype("datetime64[s]"))
    for fee in fees:
        match = tariff_hours_match(fee, month, hour, weekday)
        _, inverse = np.unique(_period_keys(hour_start_s, fee.period), return_inverse=True)
        peak = np.full(inverse.max() + 1, -np.inf)
        np.maximum.at(peak, inverse[match], mean_kw[match])
        cap = np.where(match, np.minimum(cap, peak[inverse]), cap)
    return cap
