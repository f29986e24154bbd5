"""Built-in typical-year grid profiles for the Swedish bidding zones SE1-SE4.

The profiles are **typical profiles built from published yearly, monthly and hour-of-day
means, not measured series**. Every number comes from a table in ``dcsim/data/grid_*.csv``
with its source:

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

Construction of the spot profile (one value per UTC hour of a 365-day year)::

    p(h) = A * m[month(h)] * d[hour(h)] / D[month(h)]

with ``month`` and ``hour`` in Swedish local time, ``m`` the published monthly means,
``d`` the hour-of-day means, ``D[month]`` the mean of ``d`` over that month's hours (so each
month's mean is exactly proportional to ``m``) and ``A`` chosen so that the annual mean
equals the published yearly mean exactly. The monthly means are therefore scaled by a common
factor (for SE1 2023: 0.457 / 0.4558 = 1.0026), because the published yearly and monthly
figures come from different sites and roundings.

Limits: no weekday/weekend difference (high-load vs low-load ratios are published but not
used), the same hour-of-day shape in every month, no negative or spike prices, and a flat
carbon intensity (only yearly zone figures were found; no hourly or monthly SE-zone series).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dcsim.errors import InputError, Problem

from ._calendar import local_calendar
from ._tables import (
    ZoneInfo,
    _carbon_yearly,
    _energy_tax,
    _network_tariffs,
    _spot_hour_of_day,
    _spot_monthly,
    _spot_yearly,
    carbon_years,
    network_operators,
    tax_years,
    zone_table,
)
from .series import TYPICAL_YEAR_S, GridSeries

ZONES = ("SE1", "SE2", "SE3", "SE4")

#: price years for which yearly SEK means and monthly and hour-of-day shapes exist
PRICE_YEARS = tuple(range(2018, 2024))

DEFAULT_PRICE_YEAR = 2023

#: energy-tax category used by default: data centres pay the standard rate since 2023-07-01
DEFAULT_TAX_CATEGORY = "standard"

#: energy-tax year used by default: 2024, the first full calendar year under the standard
#: rate for data centres (2023 mixes 0.5 öre/kWh until 30 June with the standard rate after)
DEFAULT_TAX_YEAR = 2024

TAX_CATEGORIES = ("standard", "reduced-north", "datacenter")

_ORE_PER_SEK = 100.0
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
        match = np.isnan(fee)
        if row.months is not None:
            match &= np.isin(month, sorted(row.months))
        if row.weekdays_only:
            match &= weekday < 5
        if row.hours is not None:
            match &= (hour >= row.hours[0]) & (hour < row.hours[1])
        fee[match] = row.energy_ore_per_kwh / _ORE_PER_SEK
    return fee


# ---------------------------------------------------------------------- validation
def _is_real(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _check_bool(problems, path, value):
    if not isinstance(value, (bool, np.bool_)):
        problems.append(Problem(path, "must be true or false", value=value))


def _check_nonneg(problems, path, value, *, allow_none=False):
    if value is None and allow_none:
        return
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) < 0:
        problems.append(Problem(path, "must be a finite number >= 0", value=value))


def _check_int_in(problems, path, value, allowed, what):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        problems.append(Problem(path, f"must be an integer year; {what}: {_ranges(allowed)}", value=value))
        return False
    if int(value) not in allowed:
        problems.append(Problem(path, f"no data for this year; {what}: {_ranges(allowed)}", value=value))
        return False
    return True


def _ranges(years) -> str:
    years = sorted(years)
    if not years:
        return "none"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def _opt(options_path: str, name: str) -> str:
    """Dotted path of option ``name`` under ``options_path`` (just the name without a prefix)."""
    return f"{options_path}.{name}" if options_path else name


def _not_with_constant_price(path: str, value) -> Problem:
    """The problem of a price part (tax, network) given together with a constant all-in price."""
    return Problem(path, "does not apply when a constant all-in price_sek_per_kwh is given; give one of them", value=value)


# ---------------------------------------------------------------------- the builder
def builtin_grid(
    zone: str,
    *,
    year: int = DEFAULT_PRICE_YEAR,
    include_tax: bool = True,
    include_network: bool = True,
    price_scale: float = 1.0,
    carbon_scale: float = 1.0,
    tax_category: str = DEFAULT_TAX_CATEGORY,
    tax_year: int = DEFAULT_TAX_YEAR,
    tax_sek_per_kwh: float | None = None,
    network_operator: str | None = None,
    network_sek_per_kwh: float | None = None,
    carbon_year: int | None = None,
    carbon_g_per_kwh: float | None = None,
    price_sek_per_kwh: float | None = None,
    options_path: str = "",
) -> GridSeries:
    """Typical-year grid profile of a Swedish bidding zone.

    Built from published yearly, monthly and hour-of-day means (see the module docstring);
    **not a measured series**.

    Parameters
    ----------
    zone : str
        ``"SE1"`` ... ``"SE4"`` (case-insensitive).
    year : int
        Spot-price year, 2018-2023: its yearly mean, monthly shape and hour-of-day shape are
        used. The profile is laid on the first 365 days of that calendar year (for weekday
        and summer-time rules).
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
        Year of the tax rate. Default 2024 (standard rate 42.8 öre/kWh excl. VAT), the first
        full calendar year in which data centres paid the standard rate.
    tax_sek_per_kwh : float, optional
        Explicit energy tax, SEK/kWh excl. VAT; overrides the category and year.
    network_operator : str, optional
        Tariff key in ``grid_network_tariffs.csv``; default per zone in ``grid_zones.csv``.
    network_sek_per_kwh : float, optional
        Explicit flat network energy fee, SEK/kWh excl. VAT; overrides the operator.
    carbon_year : int, optional
        Year of the Electricity Maps carbon intensity (2021-2025). Default: ``year`` if
        available, else the nearest available year (said in ``source``).
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
        Hourly, ``typical_year=True``, prices in SEK/kWh excl. VAT.

    Raises
    ------
    InputError
        For every invalid option, all at once.
    """
    o = _Options(
        year=year, include_tax=include_tax, include_network=include_network, price_scale=price_scale,
        carbon_scale=carbon_scale, tax_category=tax_category, tax_year=tax_year, tax_sek_per_kwh=tax_sek_per_kwh,
        network_operator=network_operator, network_sek_per_kwh=network_sek_per_kwh, carbon_year=carbon_year,
        carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, options_path=options_path,
    )
    key = str(zone).strip().lower()
    zones = zone_table()
    if key.upper() not in ZONES or key not in zones:
        raise InputError(Problem(o.path("zone"), f"unknown zone; known: {', '.join(ZONES)}", value=zone))
    info = zones[key]
    operator_key = info.default_network_operator if network_operator is None else network_operator
    problems: list[Problem] = []
    _check_values(o, info.zone, problems)
    _check_combinations(o, operator_key, info.zone, problems)
    if problems:
        raise InputError(problems)

    time_utc = typical_year_time_utc(int(year))
    n = time_utc.size
    notes = [_profile_note(info, int(year))]
    if price_sek_per_kwh is not None:
        spot, tax, network = np.full(n, float(price_sek_per_kwh)), np.zeros(n), np.zeros(n)
        notes.append(f"Price: constant {float(price_sek_per_kwh):g} SEK/kWh all-in, given in the scenario.")
    else:
        spot = _spot_price(info.zone, int(year), time_utc, notes)
        tax = _energy_tax_price(o, n, notes)
        network = _network_price(o, info, operator_key, time_utc, notes)
    carbon = _carbon_intensity(o, info.zone, n, notes)
    series = GridSeries(
        time_utc=time_utc,
        carbon_g_per_kwh=carbon,
        price_sek_per_kwh=spot + tax + network,
        spot_sek_per_kwh=spot,
        tax_sek_per_kwh=tax,
        network_sek_per_kwh=network,
        zone=info.zone,
        source=" ".join(notes),
        typical_year=True,
    )
    return series.scaled(price_scale=float(price_scale), carbon_scale=float(carbon_scale))


@dataclass(frozen=True)
class _Options:
    """The keyword options of :func:`builtin_grid`, as given (checked by :func:`_check_values`
    and :func:`_check_combinations`)."""

    year: int
    include_tax: bool
    include_network: bool
    price_scale: float
    carbon_scale: float
    tax_category: str
    tax_year: int
    tax_sek_per_kwh: float | None
    network_operator: str | None
    network_sek_per_kwh: float | None
    carbon_year: int | None
    carbon_g_per_kwh: float | None
    price_sek_per_kwh: float | None
    options_path: str

    def path(self, name: str) -> str:
        """Dotted path of option ``name`` in error messages."""
        return _opt(self.options_path, name)


def _check_values(o: _Options, zone_name: str, problems: list[Problem]) -> None:
    """Each option on its own: booleans, numbers >= 0, a price year with data, a known tax
    category and a year with a rate in it."""
    _check_bool(problems, o.path("include_tax"), o.include_tax)
    _check_bool(problems, o.path("include_network"), o.include_network)
    _check_nonneg(problems, o.path("price_scale"), o.price_scale)
    _check_nonneg(problems, o.path("carbon_scale"), o.carbon_scale)
    for name in ("tax_sek_per_kwh", "network_sek_per_kwh", "carbon_g_per_kwh", "price_sek_per_kwh"):
        _check_nonneg(problems, o.path(name), getattr(o, name), allow_none=True)
    _check_int_in(problems, o.path("year"), o.year, PRICE_YEARS, f"built-in {zone_name} price years")
    if o.tax_category not in TAX_CATEGORIES:
        problems.append(
            Problem(o.path("tax_category"), f"must be one of {', '.join(TAX_CATEGORIES)}", value=o.tax_category)
        )
    else:
        _check_int_in(
            problems,
            o.path("tax_year"),
            o.tax_year,
            tax_years(o.tax_category),
            f"years with a {o.tax_category!r} energy-tax rate"
            + (" (the data-centre rate ended 2023-07-01)" if o.tax_category == "datacenter" else ""),
        )


def _check_combinations(o: _Options, operator_key: str, zone_name: str, problems: list[Problem]) -> None:
    """Options that contradict each other (an explicit tax or network fee that is switched off,
    price parts beside a constant all-in price), an unknown network tariff and a carbon year
    without data."""
    if o.include_tax is False and o.tax_sek_per_kwh is not None:
        problems.append(
            Problem(o.path("tax_sek_per_kwh"), "contradicts include_tax = false; give one of them", value=o.tax_sek_per_kwh)
        )
    if o.include_network is False and o.network_sek_per_kwh is not None:
        problems.append(
            Problem(
                o.path("network_sek_per_kwh"),
                "contradicts include_network = false; give one of them",
                value=o.network_sek_per_kwh,
            )
        )
    if o.price_sek_per_kwh is not None:
        for name in ("tax_sek_per_kwh", "network_sek_per_kwh", "network_operator"):
            if getattr(o, name) is not None:
                problems.append(_not_with_constant_price(o.path(name), getattr(o, name)))
    if operator_key not in _network_tariffs():
        problems.append(
            Problem(
                o.path("network_operator"),
                f"unknown network tariff; known: {', '.join(network_operators())}",
                value=o.network_operator,
            )
        )
    if o.carbon_year is not None:
        _check_int_in(problems, o.path("carbon_year"), o.carbon_year, carbon_years(zone_name), f"{zone_name} carbon years")


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
        f"{fees} ore/kWh ({rows[0].source}){reason}. Power (SEK/kW) and fixed fees are not per kWh "
        "and not included."
    )
    return network_fee_sek_per_kwh(operator_key, time_utc)


def _carbon_intensity(o: _Options, zone_name: str, n: int, notes: list[str]) -> np.ndarray:
    """Carbon intensity, gCO2e/kWh, flat over the ``n`` hours: the explicit value or the
    Electricity Maps yearly mean of the carbon year (default the price year, else the nearest
    year with data); its source goes to ``notes``."""
    if o.carbon_g_per_kwh is not None:
        notes.append(f"Carbon: constant {float(o.carbon_g_per_kwh):g} gCO2e/kWh, given in the scenario.")
        return np.full(n, float(o.carbon_g_per_kwh))
    available = carbon_years(zone_name)
    year = int(o.year)
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
    notes.append(
        f"Carbon: {value:g} gCO2e/kWh, Electricity Maps {c_year} yearly mean{c_note}, {basis} ({c_src}); "
        "flat over the year because only a yearly figure is published here (no hourly or monthly "
        "zone series found)."
    )
    return np.full(n, value)
