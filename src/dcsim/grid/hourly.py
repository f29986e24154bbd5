"""Real hourly day-ahead prices: the built-in zones' years and the conversion to SEK.

The built-in zones SE1-SE4 carry the ENTSO-E day-ahead price of every hour of the Swedish
calendar years 2016-2023 (``dcsim/data/grid_spot_hourly.parquet``, read from the same ENTSO-E
exports as a user's file, by :func:`dcsim.grid.entsoe.read_entsoe_csv`; its source is in the
file and in ``dcsim/data/README.md``).

Prices are EUR/MWh; dcsim works in SEK/kWh excl. VAT::

    spot_sek_per_kwh = eur_per_mwh * rate[month] / 1000

with ``rate[month]`` the mean of the European Central Bank's daily EUR/SEK reference rates over
the local (CET/CEST) calendar month of the delivery hour (``dcsim/data/eur_sek_monthly.csv``,
2016-01 to 2025-12). Nord Pool converts each delivery day at that day's rate; the month mean
reproduces elpriser24.se's published yearly SEK means 2018-2023 within 0.5 %
(``tests/test_grid_hourly.py``).
"""

from __future__ import annotations

import numpy as np

from dcsim.errors import InputError, Problem

from ..data.prices import PRICE_YEARS
from ._calendar import local_time, local_year_bounds_s
from ._tables import _spot_hourly_table, eur_sek_monthly
from .entsoe import EntsoePrices

_KWH_PER_MWH = 1000.0


def builtin_hourly_prices(zone: str, year: int) -> EntsoePrices:
    """The hourly day-ahead prices of built-in ``zone`` (``"SE1"`` ...) in Swedish calendar
    ``year`` (one of :data:`dcsim.data.prices.PRICE_YEARS`), UTC, EUR/MWh: 8,760 hours, 8,784
    in a leap year."""
    if year not in PRICE_YEARS:
        raise ValueError(f"no built-in hourly prices for {year}; years: {PRICE_YEARS[0]}-{PRICE_YEARS[-1]}")
    time_s, zones, _ = _spot_hourly_table()
    start, end = local_year_bounds_s(year)
    sel = (time_s >= start) & (time_s < end)
    return EntsoePrices(
        time_utc=time_s[sel].astype("datetime64[s]"),
        eur_per_mwh=zones[zone][sel],
        zone=zone,
        calendar_year=year,
        file="",
    )


def hourly_source() -> str:
    """Where the built-in hourly prices come from (the package file's metadata)."""
    return _spot_hourly_table()[2]


def local_months(time_utc: np.ndarray) -> np.ndarray:
    """``"YYYY-MM"`` of the Swedish local (CET/CEST) month of each UTC instant."""
    return local_time(time_utc).astype("datetime64[M]").astype(str)


def to_sek_per_kwh(prices: EntsoePrices, *, field_path: str = "site.grid") -> tuple[np.ndarray, str]:
    """The prices in SEK/kWh (monthly EUR/SEK rates, module docstring) and a sentence naming the
    rates used and their source.

    Raises
    ------
    InputError
        When the prices reach months without a rate (a user's file before 2016 or after 2025).
    """
    rate = sek_per_eur_monthly(prices.time_utc, field_path=field_path, file=prices.file or None)
    months = local_months(prices.time_utc)
    note = (
        f"Converted EUR/MWh -> SEK/kWh at the monthly mean EUR/SEK rate of the local delivery month "
        f"({months[0]} to {months[-1]}: {rate.min():.4f}-{rate.max():.4f} SEK/EUR, hour-weighted mean "
        f"{rate.mean():.4f}; {eur_sek_monthly()[1]}; monthly means computed here)."
    )
    return prices.eur_per_mwh * rate / _KWH_PER_MWH, note


def sek_per_eur_monthly(time_utc: np.ndarray, *, field_path: str, file: str | None = None) -> np.ndarray:
    """The EUR/SEK rate (SEK per EUR) of the local (CET/CEST) month of each UTC instant: the
    mean of the ECB's daily reference rates of that month (``eur_sek_monthly.csv``).

    Raises
    ------
    InputError
        At ``field_path`` (and ``file``) when an instant falls in a month without a rate.
    """
    rates, _ = eur_sek_monthly()
    months = local_months(time_utc)
    unique, inverse = np.unique(months, return_inverse=True)
    missing = [m for m in unique if m not in rates]
    if missing:
        raise InputError(Problem(
            field_path,
            f"no EUR/SEK exchange rate for {', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''} "
            f"(the built-in monthly rates cover {min(rates)} to {max(rates)}); give prices within those months",
            file=file,
        ))
    return np.array([rates[m] for m in unique])[inverse]
