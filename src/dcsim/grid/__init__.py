"""Grid carbon intensity and electricity price for a site.

Entry point: :func:`load_grid` takes the scenario's ``site.grid`` value,

- ``"builtin:se1"`` ... ``"builtin:se4"`` (case-insensitive): a Swedish bidding zone, with the
  real hourly ENTSO-E day-ahead prices of ``price_year`` (2016-2023, default 2023) or, with
  ``price_year = "typical"``, a typical profile built from published yearly/monthly/hour-of-day
  means (see :mod:`dcsim.grid.builtin`);
- a path to an ENTSO-E day-ahead price export (``.csv`` whose header starts with ``MTU``,
  :mod:`dcsim.grid.entsoe`): the zone's hourly spot price, with tax, network fee and carbon as
  for the built-in zone;
- a path to a ``.csv`` or ``.parquet`` file of a dated series (see :mod:`dcsim.grid.readers`),

and returns a :class:`GridSeries`, which :meth:`GridSeries.sample` turns into per-step arrays.

Prices are SEK/kWh excl. VAT: ``price = spot + energy tax + network energy fee``. Carbon
intensity is gCO2e/kWh.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path
from typing import Any

from dcsim.errors import InputError, Problem

from ..data.builtin import BUILTIN_PREFIX, builtin_name
from ._options import _check_nonneg, _not_with_constant_price, _opt
from ._tables import network_operators, zone_table
from .builtin import (
    DEFAULT_PRICE_YEAR,
    DEFAULT_TAX_CATEGORY,
    DEFAULT_TAX_YEAR,
    PRICE_YEARS,
    TAX_CATEGORIES,
    TYPICAL,
    TYPICAL_YEARS,
    builtin_grid,
    entsoe_grid,
)
from .entsoe import is_entsoe_header, read_entsoe_csv
from .readers import read_grid_csv, read_grid_parquet
from .series import TYPICAL_YEAR_S, GridSample, GridSeries
from .tariffs import PowerFee, operator_power_fees, power_fee_sek

__all__ = [
    "BUILTIN_GRIDS",
    "DEFAULT_PRICE_YEAR",
    "DEFAULT_TAX_CATEGORY",
    "DEFAULT_TAX_YEAR",
    "GRID_OPTIONS",
    "GridSample",
    "GridSeries",
    "PowerFee",
    "PRICE_YEARS",
    "TAX_CATEGORIES",
    "TYPICAL",
    "TYPICAL_YEARS",
    "TYPICAL_YEAR_S",
    "builtin_grid",
    "entsoe_grid",
    "load_grid",
    "operator_power_fees",
    "power_fee_sek",
    "network_operators",
    "read_entsoe_csv",
    "read_grid_csv",
    "read_grid_parquet",
]


def _builtin_catalogue() -> dict[str, str]:
    out = {}
    for key, info in zone_table().items():
        out[key] = (
            f"Sweden bidding zone {info.zone}, {info.region}: real hourly ENTSO-E day-ahead prices "
            f"{PRICE_YEARS[0]}-{PRICE_YEARS[-1]} (price_year, default {DEFAULT_PRICE_YEAR}) or a typical profile "
            f"from published means (price_year = \"{TYPICAL}\"); carbon: Electricity Maps' yearly zone figure "
            "shaped hour by hour by the ENTSO-E generation mix of Sweden (a scaled profile, not a measured zone "
            "series; carbon_profile = \"flat\" for the yearly figure); energy tax, network energy and power fees"
        )
    return out


#: built-in grid names (``"se1"`` ..., used as ``"builtin:se1"``) -> one-line description, for
#: ``dcsim catalog grids`` (same convention as ``dcsim.climate.BUILTIN_CLIMATES``)
BUILTIN_GRIDS: dict[str, str] = _builtin_catalogue()

#: options accepted by :func:`load_grid`: name -> (applies to grid files too, description). An
#: ENTSO-E file takes every option but ``price_year`` (its tax, network fee and carbon are its zone's).
GRID_OPTIONS: dict[str, tuple[bool, str]] = {
    "price_year": (False, f"{PRICE_YEARS[0]}-{PRICE_YEARS[-1]} (real hourly prices) or \"{TYPICAL}\" "
                          f"(default {DEFAULT_PRICE_YEAR}; built-in grids only)"),
    "price_scale": (True, "multiplier (>= 0) on every price component"),
    "carbon_scale": (True, "multiplier (>= 0) on the carbon intensity"),
    "include_tax": (False, "add the energy tax (default true)"),
    "include_network": (False, "add the network operator's energy fee (default true)"),
    "include_power_fee": (False, "bill the network operator's power fee (SEK/kW of the hourly peak; default true)"),
    "tax_category": (False, f"one of {', '.join(TAX_CATEGORIES)} (default {DEFAULT_TAX_CATEGORY})"),
    "tax_year": (False, f"year of the energy-tax rate (default {DEFAULT_TAX_YEAR})"),
    "tax_sek_per_kwh": (False, "explicit energy tax, SEK/kWh"),
    "network_operator": (False, "network tariff key (default per zone)"),
    "network_sek_per_kwh": (False, "explicit network energy fee, SEK/kWh"),
    "power_fee_sek_per_kw_month": (True, "explicit power fee, SEK/kW per month on each month's hourly peak"),
    "power_fee_sek_per_kw_year": (True, "explicit power fee, SEK/kW per year on the year's hourly peak"),
    "carbon_year": (False, "year of the carbon intensity (default: the price year or nearest)"),
    "carbon_profile": (False, "hourly (the yearly mean shaped by the hourly generation mix; default) or flat"),
}

#: the explicit power-fee options and their billing periods
_POWER_FEE_OPTIONS = {"power_fee_sek_per_kw_month": "month", "power_fee_sek_per_kw_year": "year"}

_PRICE_PARTS = ("include_tax", "include_network", "include_power_fee", "tax_category", "tax_year", "tax_sek_per_kwh",
                "network_operator", "network_sek_per_kwh")


def load_grid(
    spec: str,
    *,
    year: int | None = None,
    base_dir: Path | str | None = None,
    carbon_g_per_kwh: float | None = None,
    price_sek_per_kwh: float | None = None,
    field_path: str = "site.grid",
    options_path: str = "",
    **options: Any,
) -> GridSeries:
    """Load the grid series named by a scenario's ``site.grid``.

    Parameters
    ----------
    spec : str
        ``"builtin:se1"`` ... ``"builtin:se4"`` (case-insensitive), or a path to a ``.csv`` or
        ``.parquet`` file (an ENTSO-E export or a grid series); a relative path is taken
        relative to ``base_dir``.
    year : int, optional
        Year of a built-in typical profile, 2018-2023 (default 2023), with the option
        ``price_year = "typical"`` only. Not used for files, whose dates are their own.
    base_dir : Path, optional
        Directory of the scenario file, for relative paths (default: the working directory).
    carbon_g_per_kwh : float, optional
        Constant carbon intensity, gCO2e/kWh. Overrides the built-in value or the file's
        column (which may then be absent).
    price_sek_per_kwh : float, optional
        Constant all-in price, SEK/kWh excl. VAT. Overrides the built-in price (spot, tax and
        network) or the file's column (which may then be absent).
    field_path : str
        Dotted scenario key of ``spec``, named in error messages.
    options_path : str
        Dotted prefix of the options, named in error messages.
    **options
        See :data:`GRID_OPTIONS`: ``price_scale``, ``carbon_scale`` (all grids);
        ``price_year`` (built-in grids only: 2016-2023, default 2023, or ``"typical"``);
        ``include_tax``, ``include_network``, ``tax_category``, ``tax_year``,
        ``tax_sek_per_kwh``, ``network_operator``, ``network_sek_per_kwh``, ``carbon_year``
        (built-in grids and ENTSO-E files; see :func:`dcsim.grid.builtin.builtin_grid` for the
        defaults and their sources).

    Returns
    -------
    GridSeries

    Raises
    ------
    InputError
        Unknown built-in (with a "did you mean"), missing or malformed file, unknown or
        invalid option; every problem found is listed.
    """
    if not isinstance(spec, (str, Path)) or not str(spec).strip():
        raise InputError(
            Problem(field_path, "must be 'builtin:se1' ... 'builtin:se4' or a path to a .csv or .parquet file", value=spec)
        )
    problems = _unknown_options(options, options_path)
    text = str(spec).strip()
    name = builtin_name(text)
    if name is not None:
        return _load_builtin(
            spec, name.casefold(), problems, year=year, carbon_g_per_kwh=carbon_g_per_kwh,
            price_sek_per_kwh=price_sek_per_kwh, field_path=field_path, options_path=options_path, options=options,
        )
    return _load_file(
        spec, text, problems, base_dir=base_dir, carbon_g_per_kwh=carbon_g_per_kwh,
        price_sek_per_kwh=price_sek_per_kwh, field_path=field_path, options_path=options_path, options=options,
    )


def _unknown_options(options: dict[str, Any], options_path: str) -> list[Problem]:
    """A problem for every option name not in :data:`GRID_OPTIONS`, with a "did you mean"."""
    problems = []
    for name in options:
        if name not in GRID_OPTIONS:
            close = difflib.get_close_matches(name, list(GRID_OPTIONS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(_opt(options_path, name), f"unknown grid option{hint or '.'} Known: {', '.join(GRID_OPTIONS)}")
            )
    return problems


def _load_builtin(spec, key: str, problems: list[Problem], *, year, carbon_g_per_kwh, price_sek_per_kwh,
                  field_path: str, options_path: str, options: dict[str, Any]) -> GridSeries:
    """The built-in profile ``key`` (``"se1"`` ...) by :func:`builtin_grid`; its problems are
    reported together with ``problems`` (those found so far), each once."""
    if key not in BUILTIN_GRIDS:
        close = difflib.get_close_matches(key, list(BUILTIN_GRIDS), n=1, cutoff=0.5)
        hint = f"did you mean '{BUILTIN_PREFIX}{close[0]}'? " if close else ""
        known = ", ".join(f"{BUILTIN_PREFIX}{k}" for k in BUILTIN_GRIDS)
        problems.append(Problem(field_path, f"unknown built-in grid; {hint}Known: {known}", value=spec))
    if price_sek_per_kwh is not None:
        problems += [_not_with_constant_price(_opt(options_path, name), options[name])
                     for name in _PRICE_PARTS if name in options]
    if key not in BUILTIN_GRIDS:
        raise InputError(problems)
    kwargs = {k: v for k, v in options.items() if k in GRID_OPTIONS}
    try:
        series = builtin_grid(
            key,
            year=year,
            carbon_g_per_kwh=carbon_g_per_kwh,
            price_sek_per_kwh=price_sek_per_kwh,
            options_path=options_path,
            **kwargs,
        )
    except InputError as exc:  # report the option problems found here together with these
        seen = {(p.path, p.message) for p in problems}
        problems += [p for p in exc.problems if (p.path, p.message) not in seen]
    if problems:
        raise InputError(problems)
    return series


def _load_file(spec, text: str, problems: list[Problem], *, base_dir, carbon_g_per_kwh, price_sek_per_kwh,
               field_path: str, options_path: str, options: dict[str, Any]) -> GridSeries:
    """The grid file ``text`` (relative to ``base_dir``) by its reader, then scaled; refuses the
    built-in-only options, a missing file or another type than .csv/.parquet, and bad scales,
    all together with ``problems`` (those found so far). An ENTSO-E export goes to
    :func:`_load_entsoe`."""
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    problems += _file_problems(path, text, spec, field_path)
    entsoe = not problems and path.suffix.lower() == ".csv" and is_entsoe_header(_first_line(path))
    for name in options:
        if name in GRID_OPTIONS and not GRID_OPTIONS[name][0] and not (entsoe and name != "price_year"):
            why = ("an ENTSO-E file's dates are its own" if entsoe
                   else "a grid file's price is taken as the all-in price")
            problems.append(Problem(_opt(options_path, name), f"applies to built-in grids only; {why}",
                                    value=options[name]))
    if entsoe:
        if price_sek_per_kwh is not None:
            problems += [_not_with_constant_price(_opt(options_path, name), options[name])
                         for name in _PRICE_PARTS if name in options]
        if problems:
            raise InputError(problems)
        prices = read_entsoe_csv(path, field_path=field_path)
        return entsoe_grid(prices, field_path=field_path, options_path=options_path,
                           carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, **options)
    scales = {name: options.get(name, 1.0) for name in ("price_scale", "carbon_scale")}
    for name, value in scales.items():
        _check_nonneg(problems, _opt(options_path, name), value)
    fees = {name: options[name] for name in _POWER_FEE_OPTIONS if options.get(name) is not None}
    for name, value in fees.items():
        _check_nonneg(problems, _opt(options_path, name), value)
    if problems:
        raise InputError(problems)
    reader = read_grid_csv if path.suffix.lower() == ".csv" else read_grid_parquet
    series = reader(
        path, carbon_g_per_kwh=carbon_g_per_kwh, price_sek_per_kwh=price_sek_per_kwh, field_path=field_path
    )
    if fees:  # a grid file's price is all-in per kWh; a power fee is billed on its peaks besides
        own = tuple(PowerFee(f"power fee per {_POWER_FEE_OPTIONS[name]} (scenario)", float(v), _POWER_FEE_OPTIONS[name])
                    for name, v in fees.items())
        series = dataclasses.replace(
            series, power_fees=own,
            source=f"{series.source} Power fee: {'; '.join(f.describe() for f in own)}, given in the scenario.",
        )
    return series.scaled(price_scale=float(scales["price_scale"]), carbon_scale=float(scales["carbon_scale"]))


def _first_line(path: Path) -> str:
    """The first line of a text file that is not blank or a comment ("" if none or unreadable)."""
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as f:
            for line in f:
                if line.strip() and not line.lstrip().startswith("#"):
                    return line
    except OSError:
        return ""
    return ""


def _file_problems(path: Path, text: str, spec, field_path: str) -> list[Problem]:
    """The problem of a grid file that is not there (with a hint: a built-in name without its
    prefix, or a directory) or not .csv/.parquet/.pq; none if it can be read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        hint = ""
        if text.lower() in BUILTIN_GRIDS:
            hint = f" Did you mean '{BUILTIN_PREFIX}{text.lower()}'?"
        elif path.exists():
            hint = " It is a directory."
        return [
            Problem(
                field_path,
                f"grid file not found: {path}.{hint} Give 'builtin:se1' ... 'builtin:se4' or an existing "
                ".csv or .parquet file",
                value=spec,
            )
        ]
    if suffix not in (".csv", ".parquet", ".pq"):
        return [
            Problem(field_path, f"unsupported grid file type {suffix or '(none)'!r}; use .csv or .parquet", value=spec)
        ]
    return []
