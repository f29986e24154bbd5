"""The price years and tax defaults of the built-in grids (data, no physics): which years of
real hourly day-ahead prices the package holds (``grid_spot_hourly.parquet``), the defaults, the
energy-tax categories and the check of a ``site.grid_options.price_year`` value, shared by the
scenario schema and the grid loader so that both accept the same values."""

from __future__ import annotations

from numbers import Integral

__all__ = ["DEFAULT_PRICE_YEAR", "DEFAULT_TAX_CATEGORY", "DEFAULT_TAX_YEAR", "PRICE_YEARS", "TAX_CATEGORIES", "TYPICAL",
           "price_year_problem"]

#: Years of real hourly ENTSO-E day-ahead prices in the package data (Swedish calendar years)
PRICE_YEARS = tuple(range(2016, 2024))

#: The default price year: the latest full year in the package data
DEFAULT_PRICE_YEAR = 2023

#: Energy-tax categories of ``grid_energy_tax.csv`` (``site.grid_options.tax_category``)
TAX_CATEGORIES = ("standard", "reduced-north", "datacenter")

#: energy-tax category used by default: data centres pay the standard rate since 2023-07-01
DEFAULT_TAX_CATEGORY = "standard"

#: energy-tax year used by default: 2026, the rate in force now (36.0 öre/kWh excl. VAT after
#: the cut of 1 January 2026), which a case's business case pays from here on; earlier years
#: (2022-2025) by ``tax_year``
DEFAULT_TAX_YEAR = 2026

#: The price-year value that selects the typical hour-of-day profiles instead
TYPICAL = "typical"


def allowed_text() -> str:
    """What a price year may be, for messages."""
    return f'an integer year {PRICE_YEARS[0]}-{PRICE_YEARS[-1]} or "{TYPICAL}"'


def price_year_problem(value: object) -> str | None:
    """Why ``value`` is not a price year (None if it is one): an integer year in
    :data:`PRICE_YEARS` or the text ``"typical"``."""
    if isinstance(value, str) and value == TYPICAL:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        return f"must be {allowed_text()}"
    if value not in PRICE_YEARS:
        return f"no hourly prices for this year; must be {allowed_text()}"
    return None
