"""The options of a zone's grid series (built-in zones and ENTSO-E files), as given, and their
checks: every problem is collected with the option's dotted path, so that one
:class:`~dcsim.errors.InputError` lists them all."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dcsim.errors import Problem

from ..data.prices import TAX_CATEGORIES, TYPICAL, price_year_problem
from ._tables import _network_tariffs, carbon_years, network_operators, tax_years

#: years of the typical profiles (``price_year = "typical"``): published yearly SEK means,
#: monthly and hour-of-day shapes exist for these
TYPICAL_YEARS = tuple(range(2018, 2024))

#: how the zone's carbon intensity varies over the year (``carbon_profile``)
CARBON_PROFILES = ("hourly", "flat")



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


@dataclass(frozen=True)
class _Options:
    """The keyword options of :func:`dcsim.grid.builtin.builtin_grid` (and of an ENTSO-E file,
    which has no ``price_year`` nor ``year``), as given; checked by :func:`_check_values` and
    :func:`_check_combinations`."""

    price_year: int | str | None
    year: int | None
    include_tax: bool
    include_network: bool
    include_power_fee: bool
    price_scale: float
    carbon_scale: float
    tax_category: str
    tax_year: int
    tax_sek_per_kwh: float | None
    network_operator: str | None
    network_sek_per_kwh: float | None
    power_fee_sek_per_kw_month: float | None
    power_fee_sek_per_kw_year: float | None
    carbon_year: int | None
    carbon_profile: str
    carbon_g_per_kwh: float | None
    price_sek_per_kwh: float | None
    options_path: str

    def path(self, name: str) -> str:
        """Dotted path of option ``name`` in error messages."""
        return _opt(self.options_path, name)

    @property
    def typical(self) -> bool:
        """Whether the typical hour-of-day profile is asked for (``price_year = "typical"``)."""
        return isinstance(self.price_year, str) and self.price_year == TYPICAL


def _check_values(o: _Options, zone_name: str, problems: list[Problem]) -> None:
    """Each option on its own: booleans, numbers >= 0, a price year with data (and the typical
    profile's year only with ``price_year = "typical"``), a known tax category and a year with
    a rate in it."""
    _check_bool(problems, o.path("include_tax"), o.include_tax)
    _check_bool(problems, o.path("include_network"), o.include_network)
    _check_bool(problems, o.path("include_power_fee"), o.include_power_fee)
    _check_nonneg(problems, o.path("price_scale"), o.price_scale)
    _check_nonneg(problems, o.path("carbon_scale"), o.carbon_scale)
    for name in ("tax_sek_per_kwh", "network_sek_per_kwh", "carbon_g_per_kwh", "price_sek_per_kwh",
                 "power_fee_sek_per_kw_month", "power_fee_sek_per_kw_year"):
        _check_nonneg(problems, o.path(name), getattr(o, name), allow_none=True)
    _check_price_year(o, zone_name, problems)
    if o.carbon_profile not in CARBON_PROFILES:
        problems.append(Problem(o.path("carbon_profile"), f"must be one of {', '.join(CARBON_PROFILES)}",
                                value=o.carbon_profile))
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


def _check_price_year(o: _Options, zone_name: str, problems: list[Problem]) -> None:
    """``price_year`` (None for a file: its dates are its own) and the typical profile's ``year``."""
    if o.price_year is None:
        return
    why = price_year_problem(o.price_year)
    if why:
        problems.append(Problem(o.path("price_year"), why, value=o.price_year))
        return
    if o.typical:
        if o.year is not None:
            _check_int_in(problems, o.path("year"), o.year, TYPICAL_YEARS, f"typical {zone_name} profile years")
    elif o.year is not None:
        problems.append(Problem(
            o.path("year"),
            f'selects the year of the typical profile, so it needs price_year = "{TYPICAL}"; for real hourly '
            "prices give the year as price_year",
            value=o.year,
        ))


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
    for name in ("power_fee_sek_per_kw_month", "power_fee_sek_per_kw_year"):
        if o.include_power_fee is False and getattr(o, name) is not None:
            problems.append(Problem(o.path(name), "contradicts include_power_fee = false; give one of them",
                                    value=getattr(o, name)))
    if o.carbon_g_per_kwh is not None and o.carbon_profile != "hourly":
        problems.append(Problem(o.path("carbon_profile"), "does not apply with a constant carbon_g_per_kwh; give one "
                                "of them", value=o.carbon_profile))
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
