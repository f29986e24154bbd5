"""Swedish frequency-reserve capacity prices, FCR-D up, FCR-D down and FCR-N, 2021-2025 (package data).

What they are: Svenska kraftnät's published hourly market results for the frequency
containment reserves ("Primary regulation" in Mimer, https://mimer.svk.se/PrimaryRegulation/DownloadText):
one **capacity price** per product and hour, in **EUR/MW per hour of availability**, i.e. what
1 MW of cleared reserve capacity was paid for being available during that hour, whether or not
it was activated. The series is written by ``tools/build_reserve_prices.py`` into
``dcsim/data/grid_reserve_prices.parquet``, whose metadata names its source
(:func:`reserve_prices_source`): an hourly copy of the Mimer export committed in
``github:kastiskemezys-tech/kkme-website`` @ ``9bcfa75bd0cf6aac19b4c3f194d1f8586bac041f``.

What to keep in mind when using them:

- **Pricing rule changed on 1 February 2024.** Until 31 January 2024 the auctions were
  pay-as-bid and Mimer publishes the *average accepted-bid price* of each hour ("Pay as bid.
  Medelpris per MW publiceras via ... Mimer", svk.se FCR-N page): each provider got its own
  bid, so the figure is what the average accepted bidder got, not a price any bidder was
  assured of. From 1 February 2024 the price is marginal (pay-as-clear: "det högst avropade
  budpriset i upphandlingen kommer att sätta priset för alla avropade bud",
  https://www.svk.se/press-och-nyheter/nyheter/allmanna-nyheter/2024/nu-infors-marginalprissattning-av-frekvenshallningsreserver/).
  svk.se speaks of two marginal prices per product and hour (two auctions); the export has
  one price column per product, and how Mimer combines the two is not stated in it (most hourly
  values from February 2024 are not whole cents, which suggests an average over the two
  auctions; not confirmed).
- **One price for the whole market**: the Swedish bidding zones SE1-SE4 and DK2 (which buys
  through the Swedish market) share one price per product and hour; the export's per-zone
  columns are procured volumes (MW), not prices.
- **Capacity only**: FCR-D (up and down) is paid for the cleared capacity; there is no payment
  for activated energy ("The balance responsible party receives compensation for the cleared
  capacity volume", svk.se, "Questions and answers about reserves", Bidding and trading). FCR-N
  activated energy is settled at the up- or down-regulation price ("Energiersättning: Enligt
  upp- eller nedregleringspris", https://www.svk.se/aktorsportalen/systemdrift-elmarknad/information-om-stodtjanster/fcr-n/),
  which is not in this data.
- **Gaps are NaN**: FCR-D down has no price before 1 January 2022 00:00 CET (its market had
  not opened; Mimer serves zeros there), so the whole of 2021 is NaN; FCR-D up has one hour
  without a price, 2021-12-06T23:00Z (Mimer serves price and volume 0). Every other hour of
  2021-2025 has a price for every product.
- Prices fell steeply as batteries entered: the yearly mean of FCR-D up from 38.4 (2023) to
  6.1 EUR/MW/h (2025), FCR-D down from 70.6 to 5.9, FCR-N from 66.3 to 26.9 (computed from this
  data): use the simulated year's series, not an older year's level.

Times are UTC hour starts. Mimer labels hours by Swedish wall clock; the repeated autumn hour
is labelled "02:00" (CEST, first) and "02:01" (CET, second), read that way by the build tool.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._calendar import local_year_bounds_s
from ._tables import hourly_package_table

#: Products of :func:`reserve_prices_eur_per_mw_h`.
RESERVE_PRODUCTS = ("fcr-d-up", "fcr-d-down", "fcr-n")
#: Swedish calendar years of the built-in reserve prices.
RESERVE_YEARS = (2021, 2022, 2023, 2024, 2025)

_PARQUET = "grid_reserve_prices.parquet"
_COLUMNS = {
    "fcr-d-up": "fcr_d_up_eur_per_mw_h",
    "fcr-d-down": "fcr_d_down_eur_per_mw_h",
    "fcr-n": "fcr_n_eur_per_mw_h",
}


@lru_cache(maxsize=None)
def _reserve_table() -> tuple[np.ndarray, dict[str, np.ndarray], str]:
    """(UTC hour starts as int64 s, {product: EUR/MW per h float64}, source) of
    ``grid_reserve_prices.parquet``, the arrays read-only."""
    time_s, columns, source = hourly_package_table(_PARQUET)
    return time_s, {product: columns[column] for product, column in _COLUMNS.items()}, source


def reserve_prices_eur_per_mw_h(product: str, year: int) -> tuple[np.ndarray, np.ndarray]:
    """The hours of Swedish calendar ``year`` and the capacity price of ``product`` in each.

    Parameters
    ----------
    product : str
        One of :data:`RESERVE_PRODUCTS`: ``"fcr-d-up"``, ``"fcr-d-down"``, ``"fcr-n"``.
    year : int
        One of :data:`RESERVE_YEARS` (2021-2025), a Swedish local calendar year.

    Returns
    -------
    time_utc : numpy.ndarray of datetime64[s]
        UTC start of every hour from 1 January 00:00 CET to 31 December 23:00 CET
        (8,760 hours; 8,784 in 2024).
    price : numpy.ndarray of float64
        Capacity price, EUR/MW per hour of availability (average accepted bid until
        2024-01-31, marginal price from 2024-02-01); NaN where the market had no price
        (FCR-D down in 2021, FCR-D up 2021-12-06T23:00Z). Both arrays are read-only.

    Raises
    ------
    ValueError
        For a product or year without built-in prices.

    Source: Svenska kraftnät, Mimer, Primary regulation (:func:`reserve_prices_source`).
    """
    if product not in _COLUMNS:
        raise ValueError(f"unknown reserve product {product!r}; products: {RESERVE_PRODUCTS}")
    if isinstance(year, bool) or year not in RESERVE_YEARS:
        raise ValueError(f"no built-in reserve prices for {year!r}; years: {RESERVE_YEARS}")
    time_s, prices, _ = _reserve_table()
    start_s, end_s = local_year_bounds_s(int(year))
    i, j = np.searchsorted(time_s, [start_s, end_s])
    time_utc = time_s[i:j].astype("datetime64[s]")
    time_utc.setflags(write=False)
    return time_utc, prices[product][i:j]


def reserve_prices_source() -> str:
    """Where the built-in reserve prices come from (the package file's ``source`` metadata)."""
    return _reserve_table()[2]


#: the price column of a user's reserve price file
RESERVE_PRICE_COLUMN = "price_eur_per_mw_h"


def read_reserve_price_csv(path, *, field_path: str = "storage.battery.reserve_price_file") -> tuple[np.ndarray, np.ndarray]:
    """A user's hourly reserve capacity prices (for FFR, whose prices dcsim does not ship, or
    another FCR-D series): a CSV with ``time`` (the hour's start, ISO 8601 UTC) and
    ``price_eur_per_mw_h`` (EUR/MW per hour of availability, >= 0; an empty cell: no
    procurement that hour, which earns nothing), hourly, complete and in order.

    Returns (UTC hour starts as int64 seconds, prices float64 with NaN where empty).

    Raises
    ------
    InputError
        Missing columns, bad or negative numbers, times out of order, duplicate or missing,
        another step than one hour: all listed with the file, line and column.
    """
    from .._table import Column
    from .readers import TIME, read_dated_column

    price = Column(RESERVE_PRICE_COLUMN, unit="EUR/MW/h", low=0, empty_ok=True, label="reserve price",
                   describe="the capacity price of each hour (empty: not procured)", hint="Add the column.")
    table, t, v = read_dated_column(path, price, what="reserve price file", field_path=field_path, parquet=False)
    if t.size >= 2 and int(t[1] - t[0]) != 3600:
        table.report(1, TIME.name, "the file's step must be one hour (capacity prices are hourly)", str(int(t[1] - t[0])))
    table.problems.raise_if_any()
    return t, v
