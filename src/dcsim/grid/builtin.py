"""Built-in grid series of the Swedish bidding zones SE1-SE4, and of an ENTSO-E price file.

Prices, SEK/kWh excl. VAT: ``price = spot + energy tax + network energy fee``. The spot price
is, by ``price_year``:

an integer year 2016-2023 (default 2023)
    **the real ENTSO-E day-ahead price of every hour of that year** (:mod:`dcsim.grid.hourly`:
    package data ``grid_spot_hourly.parquet``, converted to SEK at the ECB's monthly mean
    EUR/SEK rates), mapped onto the simulated calendar with the weekdays kept
    (:func:`dcsim.grid._calendar.map_onto_year_ms`);
``"typical"``
    a **typical profile built from published yearly, monthly and hour-of-day means, not a
    measured series** (below), of the year ``year`` (2018-2023, default 2023).

A user's ENTSO-E export (:mod:`dcsim.grid.entsoe`) is a zone's spot price too: its bidding zone
(from the header) gets the same tax, network fee and carbon as the built-in zone.

Every other number comes from a table in ``dcsim/data/grid_*.csv`` with its source:

``grid_spot_yearly.csv``
    yearly mean day-ahead spot price per zone, SEK/kWh excl. VAT, 2018-2023
    (https://elpriser24.se/spotpris/).
``grid_spot_monthly.csv``
    monthly means: 2023 in öre/kWh excl. VAT (https://elmarknad.se/?p=5057); 2018-2022 in
    EUR/MWh, computed from ENTSO-E hourly day-ahead prices. Only the shape (month mean over
    annual mean) is used, so the currency cancels apart from month-to-month exchange-rate
    changes (a few per cent).
``grid_spot_hour_of_day.csv``
    mean price per local hour of day (CET/CEST), EUR/MWh, computed from ENTSO-E hourly
    day-ahead prices; only the shape is used.
``grid_carbon_yearly.csv``
    Electricity Maps yearly carbon intensity, gCO2e/kWh, lifecycle, consumption-based,
    2021-2025 (as fetched by The Green Web Foundation's co2.js).
``grid_energy_tax.csv``
    Swedish energy tax on electricity, öre/kWh excl. VAT.
``grid_network_tariffs.csv``
    energy (per-kWh) fees of high-voltage network tariffs, öre/kWh excl. VAT.
``grid_zones.csv``
    the zones and which network tariff each uses by default, and why.

Construction of the typical spot profile (one value per UTC hour of a 365-day year)::

    p(h) = A * m[month(h)] * d[hour(h)] / D[month(h)]

with ``month`` and ``hour`` in Swedish local time, ``m`` the published monthly means,
``d`` the hour-of-day means, ``D[month]`` the mean of ``d`` over that month's hours (so each
month's mean is exactly proportional to ``m``) and ``A`` chosen so that the annual mean
equals the published yearly mean exactly. The monthly means are therefore scaled by a common
factor (for SE1 2023: 0.457 / 0.4558 = 1.0026), because the published yearly and monthly
figures come from different sites and roundings. Its limits: no weekday/weekend difference,
the same hour-of-day shape in every month, no negative or spike prices.

The energy tax is flat, the network energy fee follows the tariff's local time-of-use hours on
the price year's own calendar; the carbon intensity is flat (only yearly zone figures were
found; no hourly or monthly SE-zone series).
"""

from __future__ import annotations

import inspect

import numpy as np

from dcsim.errors import InputError, Problem

from ..data.prices import DEFAULT_PRICE_YEAR, DEFAULT_TAX_CATEGORY, DEFAULT_TAX_YEAR, PRICE_YEARS, TYPICAL
from ._calendar import local_calendar, local_year, map_onto_year_ms
from .carbon import CARBON_SHAPE_YEARS, hourly_carbon_g_per_kwh, hourly_carbon_source
from ._options import TAX_CATEGORIES, TYPICAL_YEARS, _check_combinations, _check_values, _Options
from ._tables import (
    ZoneInfo,
    _carbon_yearly,
    _energy_tax,
    _network_tariffs,
    _spot_hour_of_day,
    _spot_monthly,
    _spot_yearly,
    carbon_years,
    zone_table,
)
from .entsoe import EntsoePrices
from .hourly import builtin_hourly_prices, hourly_source, to_sek_per_kwh
from .series import TYPICAL_YEAR_S, GridSeries
from .tariffs import PowerFee, operator_power_fees, tariff_hours_match

__all__ = [
    "DEFAULT_PRICE_YEAR", "DEFAULT_TAX_CATEGORY", "DEFAULT_TAX_YEAR", "PRICE_YEARS", "TAX_CATEGORIES", "TYPICAL",
    "TYPICAL_YEARS", "ZONES", "builtin_grid", "entsoe_grid", "network_fee_sek_per_kwh", "spot_profile_sek_per_kwh",
    "typical_year_time_utc",
]

ZONES = ("SE1", "SE2", "SE3", "SE4")

_ORE_PER_SEK = 100.0
_HOUR_MS = 3_600_000
_HOURS_PER_TYPICAL_YEAR = TYPICAL_YEAR_S // 3600


# ---------------------------------------------------------------------- profile pieces
def typical_year_time_utc(year: int) -> np.ndarray:
    """Hourly UTC interval starts of the 365-day typical year laid on calendar ``year``.

    The first 365 days of ``year`` (for a leap year, 31 December is left out).
    """
    start = np.datetime64(f"{year:04d}-01-01T00:00:00", "s")
    return start + np.arange(_HOURS_PER_TYPICAL_YEAR, dtype=np.int64) * np.timedelta64(3600, "s")


def spot_profile_sek_per_kwh(zone: str, year: int, time_utc: np.ndarray) -> np.ndarray:
    """Typical hourly spot price, SEK/kWh excl. VAT, for the UTC hours ``time_utc``.

    ``yearly mean x monthly shape x hour-of-day shape`` as described in the module docstring;
    the mean over ``time_utc`` equals the published yearly mean of ``zone`` and ``year``
    exactly (to rounding). Sources: ``grid_spot_yearly.csv``, ``grid_spot_monthly.csv``,
    ``grid_spot_hour_of_day.csv``.
    """
    yearly_sek_per_kwh, _ = _spot_yearly()[(zone, year)]
    monthly, _, _ = _spot_monthly()[(zone, year)]
    hourly, _ = _spot_hour_of_day()[(zone, year)]
    month, hour, _ = local_calendar(time_utc)
    month_shape = np.asarray(monthly, dtype=np.float64)
    hour_shape = np.asarray(hourly, dtype=np.float64)
    hour_factor = hour_shape[hour]
    # mean hour-of-day factor over each local month's hours, so each month keeps its mean
    month_idx = month - 1
    sum_in_month = np.bincount(month_idx, weights=hour_factor, minlength=12)
    hours_in_month = np.bincount(month_idx, minlength=12)
    mean_in_month = sum_in_month / np.maximum(hours_in_month, 1)
    raw = month_shape[month_idx] * hour_factor / mean_in_month[month_idx]
    return raw * (yearly_sek_per_kwh / raw.mean())


def network_fee_sek_per_kwh(operator_key: str, time_utc: np.ndarray) -> np.ndarray:
    """Network energy fee, SEK/kWh excl. VAT, of tariff ``operator_key`` at ``time_utc``.

    Time-of-use rows of ``grid_network_tariffs.csv`` are matched in local time (CET/CEST),
    first match wins; public holidays are not modelled. Power and fixed fees are not
    included (they are not per kWh).
    """
    rows = _network_tariffs()[operator_key]
    month, hour, weekday = local_calendar(time_utc)
    fee = np.full(month.shape, np.nan)
    for row in rows:
        match = np.isnan(fee) & tariff_hours_match(row, month, hour, weekday)
        fee[match] = row.energy_ore_per_kwh / _ORE_PER_SEK
    return fee


# ---------------------------------------------------------------------- the builders
def builtin_grid(
    zone: str,
    *,
    price_year: int | str = DEFAULT_PRICE_YEAR,
    year: int | None = None,
    include_tax: bool = True,
    include_network: bool = True,
    include_power_fee: bool = True,
    price_scale: float = 1.0,
    carbon_scale: float = 1.0,
    tax_category: str = DEFAULT_TAX_CATEGORY,
    tax_year: int = DEFAULT_TAX_YEAR,
    tax_sek_per_kwh: float | None = None,
    network_operator: str | None = None,
    network_sek_per_kwh: float | None = None,
    power_fee_sek_per_kw_month: float | None = None,
    power_fee_sek_per_kw_year: float | None = None,
    carbon_year: int | None = None,
    carbon_profile: str = "hourly",
    carbon_g_per_kwh: float | None = None,
    price_sek_per_kwh: float | None = None,
    options_path: str = "",
) -> GridSeries:
    """Grid series of a Swedish bidding zone: real hourly prices of a year, or a typical profile.

    Parameters
    ----------
    zone : str
        ``"SE1"`` ... ``"SE4"`` (case-insensitive).
    price_year : int or "typical"
        2016-2023 (default 2023): the ENTSO-E day-ahead price of every hour of that Swedish
        calendar year (8,760 hours, 8,784 in a leap year), in SEK at the monthly EUR/SEK rates
        (:mod:`dcsim.grid.hourly`); the series is dated and :meth:`GridSeries.sample` maps any
        simulated year onto it with the weekdays kept. ``"typical"``: the typical profile built
        from published means (module docstring), **not a measured series**.
    year : int, optional
        With ``price_year = "typical"`` only: the year of the typical profile, 2018-2023
        (default 2023): its yearly mean, monthly shape and hour-of-day shape, laid on the first
        365 days of that calendar year (for weekday and summer-time rules).
    include_tax : bool
        Add the energy tax (energiskatt) to the price. Default True.
    include_network : bool
        Add the network operator's energy fee. Default True.
    price_scale, carbon_scale : float
        Multipliers (>= 0) applied last: ``price_scale`` to every price component,
        ``carbon_scale`` to the carbon intensity.
    tax_category : {"standard", "reduced-north", "datacenter"}
        ``"standard"`` (default): data centres pay the standard rate since 2023-07-01, when
        the reduced data-centre rate ended (https://bodensenergi.se/elnat/energiskatt).
        ``"reduced-north"``: the lower rate of the listed northern municipalities (Luleå,
        Boden, Umeå ...) for households and service companies; that a data centre qualifies
        is an inference, not stated by a source. ``"datacenter"``: the 0.5 öre/kWh rate of
        2017-2022 (historical).
    tax_year : int
        Year of the tax rate, 2022-2026 (the data-centre rate 2017-2022). Default 2026 (standard
        rate 36.0 öre/kWh excl. VAT, after the cut of 1 January 2026), the rate in force now.
    tax_sek_per_kwh : float, optional
        Explicit energy tax, SEK/kWh excl. VAT; overrides the category and year.
    network_operator : str, optional
        Tariff key in ``grid_network_tariffs.csv``; default per zone in ``grid_zones.csv``.
    network_sek_per_kwh : float, optional
        Explicit flat network energy fee, SEK/kWh excl. VAT; overrides the operator.
    include_power_fee : bool
        Bill the network operator's power fees (SEK per kW of the hourly peak of each month or
        year, ``grid_power_tariffs.csv``) on the grid import. Default True. Not with a constant
        all-in ``price_sek_per_kwh`` (which has no operator).
    power_fee_sek_per_kw_month, power_fee_sek_per_kw_year : float, optional
        Explicit power fees, SEK/kW excl. VAT per month on each local month's highest hourly
        mean import, and per year on the year's; given, they replace the operator's power fees
        (both may be given; they add).
    carbon_year : int, optional
        Year of the Electricity Maps carbon intensity (2021-2025). Default: the price year
        (the typical profile's year) if available, else the nearest available year (said in
        ``source``).
    carbon_profile : {"hourly", "flat"}
        ``"hourly"`` (default): the carbon year's yearly mean shaped hour by hour by the
        production-based intensity of Swedish generation (:func:`hourly_carbon_shape`; 2018 or
        2019, the price year's if it is one of them, else 2019), scaled to the yearly mean.
        ``"flat"``: the yearly mean in every hour.
    carbon_g_per_kwh : float, optional
        Constant carbon intensity, gCO2e/kWh; overrides the built-in value.
    price_sek_per_kwh : float, optional
        Constant all-in price, SEK/kWh excl. VAT; replaces spot, tax and network (the tax and
        network options must then be left out).
    options_path : str
        Dotted prefix naming these options in error messages.

    Returns
    -------
    GridSeries
        Hourly, prices in SEK/kWh excl. VAT; ``calendar_year`` set for real prices,
        ``typical_year=True`` for the typical profile.

    Raises
    ------
    InputError
        For every invalid option, all at once.
    """
    o = _Options(
        price_year=price_year, year=year, include_tax=include_tax, include_network=include_network,
        include_power_fee=include_power_fee, price_scale=price_scale, carbon_scale=carbon_scale,
        tax_category=tax_category, tax_year=tax_year, tax_sek_per_kwh=tax_sek_per_kwh,
        network_operator=network_operator, network_sek_per_kwh=network_sek_per_kwh,
        power_fee_sek_per_kw_month=power_fee_sek_per_kw_month, power_fee_sek_per_kw_year=power_fee_sek_per_kw_year,
        carbon_year=carbon_year, carbon_profile=carbon_profile, carbon_g_per_kwh=carbon_g_per_kwh,
        price_sek_per_kwh=price_sek_per_kwh, options_path=options_path,
    )
    key = str(zone).strip().lower()
    if key.upper() not in ZONES or key not in zone_table():
        raise InputError(Problem(o.path("zone"), f"unknown zone; known: {', '.join(ZONES)}", value=zone))
    return _zone_grid(zone_table()[key], o, None)


def entsoe_grid(prices: EntsoePrices, *, field_path: str = "site.grid", options_path: str = "",
                **options) -> GridSeries:
    """Grid series of a user's ENTSO-E day-ahead price file (:func:`dcsim.grid.entsoe.read_entsoe_csv`):
    its hourly spot price in SEK, with the energy tax, network fee and carbon of its bidding
    zone as for the built-in zone (the options of :func:`builtin_grid` except ``price_year`` and
    ``year``: the file's dates are its own). A file of one whole Swedish calendar year is mapped
    onto the simulated year like a built-in price year; any other span must cover the
    simulated period.

    Raises
    ------
    InputError
        A zone other than SE1-SE4 (dcsim has their taxes, network fees and carbon only), months
        without an exchange rate, invalid options.
    """
    key = prices.zone.strip().lower()
    if prices.zone.upper() not in ZONES or key not in zone_table():
        raise InputError(Problem(
            field_path, f"the ENTSO-E file's bidding zone {prices.zone!r} is not one dcsim has energy tax, network "
            f"fees and carbon intensity for ({', '.join(ZONES)}); give a grid CSV with time, carbon_g_per_kwh and "
            "price_sek_per_kwh instead", file=prices.file, line=1,
        ))
    o = _Options(price_year=None, year=None, options_path=options_path, **{**_file_option_defaults(), **options})
    return _zone_grid(zone_table()[key], o, prices, field_path=field_path)


def _file_option_defaults() -> dict:
    """The defaults of :func:`builtin_grid`'s options that apply to a file too (all but the
    price year, the typical profile's year and the error path): read from its signature, so
    that a file and a built-in zone cannot get different defaults."""
    skip = ("price_year", "year", "options_path")
    return {name: p.default for name, p in inspect.signature(builtin_grid).parameters.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in skip}


def _zone_grid(info: ZoneInfo, o: _Options, file_prices: EntsoePrices | None, *,
               field_path: str = "site.grid") -> GridSeries:
    """The series of zone ``info``: the spot price of ``file_prices`` (a user's ENTSO-E file),
    else of the built-in price year or typical profile that ``o`` asks for, plus tax, network
    fee and carbon."""
    operator_key = info.default_network_operator if o.network_operator is None else o.network_operator
    problems: list[Problem] = []
    _check_values(o, info.zone, problems)
    _check_combinations(o, operator_key, info.zone, problems)
    if problems:
        raise InputError(problems)

    notes: list[str] = []
    if o.typical:
        data_year = DEFAULT_PRICE_YEAR if o.year is None else int(o.year)
        time_utc, prices = typical_year_time_utc(data_year), None
        notes.append(_profile_note(info, data_year))
    else:
        prices = file_prices if file_prices is not None else builtin_hourly_prices(info.zone, int(o.price_year))
        time_utc = prices.time_utc
        data_year = prices.calendar_year or local_year(time_utc[0].astype("datetime64[s]").astype(np.int64))
        notes.append(_hourly_note(info, prices))
    n = time_utc.size
    if o.price_sek_per_kwh is not None:
        spot, tax, network = np.full(n, float(o.price_sek_per_kwh)), np.zeros(n), np.zeros(n)
        notes.append(f"Price: constant {float(o.price_sek_per_kwh):g} SEK/kWh all-in, given in the scenario.")
    else:
        if prices is None:
            spot = _spot_price(info.zone, data_year, time_utc, notes)
        else:
            spot, fx_note = to_sek_per_kwh(prices, field_path=field_path)
            notes.append(fx_note)
        tax = _energy_tax_price(o, n, notes)
        network = _network_price(o, info, operator_key, time_utc, notes)
    fees = _power_fees(o, info, operator_key, notes)
    carbon = _carbon_intensity(o, info.zone, data_year, time_utc, notes)
    series = GridSeries(
        time_utc=time_utc,
        carbon_g_per_kwh=carbon,
        price_sek_per_kwh=spot + tax + network,
        spot_sek_per_kwh=spot,
        tax_sek_per_kwh=tax,
        network_sek_per_kwh=network,
        zone=info.zone,
        source=" ".join(notes),
        typical_year=o.typical,
        calendar_year=None if prices is None else prices.calendar_year,
        file=(prices.file or None) if prices is not None else None,
        power_fees=fees,
    )
    return series.scaled(price_scale=float(o.price_scale), carbon_scale=float(o.carbon_scale))


def _hourly_note(info: ZoneInfo, prices: EntsoePrices) -> str:
    """The first sentences of the source text of real hourly prices: whose, which hours, how
    the simulated calendar reads them."""
    t0, t1 = prices.time_utc[0], prices.time_utc[-1] + np.timedelta64(3600, "s")
    span = f"{prices.time_utc.size} hours, {t0}Z to {t1}Z"
    if prices.file:
        dst = (f"; spring-forward row dropped (line {', '.join(map(str, prices.spring_rows))})" if prices.spring_rows
               else "")
        if prices.autumn_rows:
            dst += f"; repeated autumn hour (lines {', '.join(map(str, prices.autumn_rows))}): first CEST, then CET"
        head = (f"ENTSO-E day-ahead price file {prices.file} - bidding zone {info.zone}, {info.region}: real hourly "
                f"prices ({span}; local CET/CEST labels converted to UTC{dst}).")
    else:
        head = (f"builtin:{info.key} - Swedish bidding zone {info.zone}, {info.region}: real hourly ENTSO-E day-ahead "
                f"prices of {prices.calendar_year} ({span}; {hourly_source()}).")
    if prices.calendar_year is not None:
        how = (f" A simulated year other than {prices.calendar_year} reads the hour of the same weekday and time "
               "nearest to the same date (whole weeks, at most 3 days away; 52 weeks wrapped at the year's ends).")
    else:
        how = " A dated series: the simulated period must lie inside it."
    return head + how + " Prices SEK/kWh excl. VAT."


def _profile_note(info: ZoneInfo, year: int) -> str:
    """The first sentence of the source text: which zone, how the profile is built, on which calendar."""
    return (
        f"builtin:{info.key} - Swedish bidding zone {info.zone}, {info.region}: typical profile built from "
        "published yearly/monthly/hour-of-day means, not a measured series; one 365-day year, hourly, "
        f"laid on the calendar of {year} (local time CET/CEST converted to UTC). Prices SEK/kWh excl. VAT."
    )


def _spot_price(zone_name: str, year: int, time_utc: np.ndarray, notes: list[str]) -> np.ndarray:
    """Typical hourly spot price, SEK/kWh (:func:`spot_profile_sek_per_kwh`); its sources go to ``notes``."""
    y_sek, y_src = _spot_yearly()[(zone_name, year)]
    _, m_unit, m_src = _spot_monthly()[(zone_name, year)]
    _, h_src = _spot_hour_of_day()[(zone_name, year)]
    notes.append(
        f"Spot: {year} yearly mean {y_sek:g} SEK/kWh ({y_src}) x {year} monthly shape "
        f"({m_unit}; {m_src}) x {year} hour-of-day shape (local time; {h_src}); normalised so the "
        "annual mean equals the yearly mean exactly; no weekday effect, no negative prices."
    )
    return spot_profile_sek_per_kwh(zone_name, year, time_utc)


#: Why each energy-tax category applies (or may) to a data centre, for the source text.
_TAX_CATEGORY_REASON = {
    "standard": "data centres pay the standard rate since the reduced data-centre rate ended "
    "2023-07-01 (https://bodensenergi.se/elnat/energiskatt)",
    "reduced-north": "reduced rate of the northern municipalities; that a data centre "
    "qualifies is an inference, not stated by a source",
    "datacenter": "historical data-centre rate, 2017-01-01 to 2023-06-30",
}


def _energy_tax_price(o: _Options, n: int, notes: list[str]) -> np.ndarray:
    """Energy tax, SEK/kWh, flat over the ``n`` hours: the explicit value, the category's rate
    of the tax year (``grid_energy_tax.csv``) or zero when not included; its source goes to ``notes``."""
    if not o.include_tax:
        notes.append("Energy tax: not included.")
        return np.zeros(n)
    if o.tax_sek_per_kwh is not None:
        tax_value = float(o.tax_sek_per_kwh)
        notes.append(f"Energy tax: {tax_value:g} SEK/kWh given in the scenario.")
    else:
        ore, t_src = _energy_tax()[(o.tax_category, int(o.tax_year))]
        tax_value = ore / _ORE_PER_SEK
        notes.append(
            f"Energy tax: {tax_value:g} SEK/kWh, {o.tax_category} rate {int(o.tax_year)} ({t_src}); "
            f"{_TAX_CATEGORY_REASON[o.tax_category]}."
        )
    return np.full(n, tax_value)


def _network_price(o: _Options, info: ZoneInfo, operator_key: str, time_utc: np.ndarray,
                   notes: list[str]) -> np.ndarray:
    """Network energy fee, SEK/kWh, at ``time_utc``: the explicit flat value, the tariff of
    ``operator_key`` (:func:`network_fee_sek_per_kwh`) or zero when not included; its source
    goes to ``notes``."""
    if not o.include_network:
        notes.append("Network energy fee: not included.")
        return np.zeros(time_utc.size)
    if o.network_sek_per_kwh is not None:
        notes.append(f"Network energy fee: {float(o.network_sek_per_kwh):g} SEK/kWh given in the scenario.")
        return np.full(time_utc.size, float(o.network_sek_per_kwh))
    rows = _network_tariffs()[operator_key]
    fees = "/".join(f"{r.energy_ore_per_kwh:g}" for r in rows)
    reason = f"; zone default because {info.default_network_reason}" if o.network_operator is None else ""
    notes.append(
        f"Network energy fee: {rows[0].operator} ({rows[0].zone}, {rows[0].voltage}, {rows[0].year}) "
        f"{fees} ore/kWh ({rows[0].source}){reason}."
    )
    return network_fee_sek_per_kwh(operator_key, time_utc)


def _power_fees(o: _Options, info: ZoneInfo, operator_key: str, notes: list[str]) -> tuple[PowerFee, ...]:
    """The power fees billed on the grid import: the scenario's own (per month, per year), else
    the operator's (``grid_power_tariffs.csv``), none when not included or with a constant
    all-in price; their source goes to ``notes``."""
    own = []
    if o.power_fee_sek_per_kw_month is not None:
        own.append(PowerFee("power fee (scenario)", float(o.power_fee_sek_per_kw_month), "month"))
    if o.power_fee_sek_per_kw_year is not None:
        own.append(PowerFee("yearly power fee (scenario)", float(o.power_fee_sek_per_kw_year), "year"))
    if own:
        notes.append("Power fee: " + "; ".join(f.describe() for f in own) + ", given in the scenario.")
        return tuple(own)
    if not o.include_power_fee or o.price_sek_per_kwh is not None:
        notes.append("Power fee: not included.")
        return ()
    fees = operator_power_fees().get(operator_key, ())
    if not fees:
        notes.append(f"Power fee: none published for {operator_key}.")
        return ()
    notes.append(
        f"Power fee: {'; '.join(f.describe() for f in fees)} ({fees[0].source}; pro rata a period's simulated "
        "share; fixed fees not included)."
    )
    return fees


def carbon_shape_year(year: int) -> int:
    """The year of the hourly generation mix whose shape a price year's carbon follows: the
    year itself if the package has its mix (2018, 2019), else the latest year that has one."""
    return year if year in CARBON_SHAPE_YEARS else CARBON_SHAPE_YEARS[-1]


def hourly_carbon_shape(time_utc: np.ndarray, shape_year: int) -> np.ndarray:
    """The production-based hourly intensity of Swedish generation in ``shape_year``
    (:func:`dcsim.grid.carbon.hourly_carbon_g_per_kwh`, gCO2e/kWh) read at the hours
    ``time_utc`` (interval starts, any year) with the weekdays kept: each hour's midpoint is
    mapped onto ``shape_year`` by :func:`dcsim.grid._calendar.map_onto_year_ms`, the rule that
    reads a price year onto a simulated year, so prices and carbon keep their hours together."""
    shape_time, shape = hourly_carbon_g_per_kwh(shape_year)
    t0_ms = 1000 * int(shape_time[0].astype(np.int64))
    mid_ms = time_utc.astype("datetime64[s]").astype(np.int64) * 1000 + _HOUR_MS // 2
    idx = (map_onto_year_ms(mid_ms, shape_year) - t0_ms) // _HOUR_MS
    return shape[idx]


def _carbon_intensity(o: _Options, zone_name: str, year: int, time_utc: np.ndarray, notes: list[str]) -> np.ndarray:
    """Carbon intensity, gCO2e/kWh, at the hours ``time_utc``: the explicit constant, or the
    Electricity Maps yearly mean of the carbon year (default ``year``, the prices' year, else
    the nearest year with data), flat (``carbon_profile = "flat"``) or shaped hour by hour
    (``"hourly"``, the default): the production-based hourly intensity of Swedish generation
    (:func:`hourly_carbon_shape`) times the zone's yearly mean over that series' own yearly
    mean, so the zone keeps its published level and gets the hours' variation. Its source goes
    to ``notes``."""
    n = time_utc.size
    if o.carbon_g_per_kwh is not None:
        notes.append(f"Carbon: constant {float(o.carbon_g_per_kwh):g} gCO2e/kWh, given in the scenario.")
        return np.full(n, float(o.carbon_g_per_kwh))
    available = carbon_years(zone_name)
    if o.carbon_year is not None:
        c_year = int(o.carbon_year)
        c_note = ""
    elif year in available:
        c_year = year
        c_note = ""
    else:
        c_year = min(available, key=lambda y: (abs(y - year), y))
        c_note = f" (no {zone_name} value for {year}; nearest year used)"
    value, basis, c_src = _carbon_yearly()[(zone_name, c_year)]
    level = f"Electricity Maps {c_year} yearly mean {value:g} gCO2e/kWh{c_note}, {basis} ({c_src})"
    if o.carbon_profile == "flat":
        notes.append(f"Carbon: {level}; flat over the year (carbon_profile = \"flat\").")
        return np.full(n, value)
    shape_year = carbon_shape_year(year)
    _, shape = hourly_carbon_g_per_kwh(shape_year)
    scale = value / float(shape.mean())
    notes.append(
        f"Carbon: hourly, a scaled profile, not a measured zone series: the production-based lifecycle intensity of "
        f"Swedish generation hour by hour in {shape_year} (mean {shape.mean():.1f} gCO2e/kWh; {hourly_carbon_source()}) "
        f"x {scale:.4f}, so that its yearly mean equals the {level}; the hours of {shape_year} are read onto the "
        "series' calendar with the weekdays kept. Country-level generation, no imports or exports, no zone split."
    )
    return hourly_carbon_shape(time_utc, shape_year) * scale
