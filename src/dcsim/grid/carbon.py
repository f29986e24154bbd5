"""Hourly carbon intensity of Swedish electricity generation, 2018 and 2019 (package data).

What it is: the **production-based**, **country-level**, **lifecycle** carbon intensity of the
electricity generated in Sweden, gCO2e/kWh, hour by hour: each hour's ENTSO-E generation per
production type (Transparency Platform, "Actual Generation per Production Type", country SE)
weighted with a lifecycle emission factor per type (:func:`carbon_intensity_g_per_kwh`; the
factors and their sources are in ``dcsim/data/grid_emission_factors.csv``). It is **not** a
consumption-based (flow-traced) intensity: imports and exports are not in the data, and there
is no split by bidding zone (SE1-SE4). The series is written by ``tools/build_carbon_data.py``
into ``dcsim/data/grid_carbon_hourly.parquet``, whose metadata names its source
(:func:`hourly_carbon_source`).

Intended use: the *shape* of the hours within a year. The built-in zones carry published
yearly means (Electricity Maps, consumption-based, ``dcsim/data/grid_carbon_yearly.csv``);
each zone's hourly series is meant to be this series scaled so that its yearly mean equals
the zone's published figure. This module only provides the series; the scaling belongs to
the built-in grid profiles.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data.equipment import equipment_rows
from ._calendar import local_year_bounds_s
from ._tables import hourly_package_table

#: Swedish calendar years of the built-in hourly carbon intensity.
CARBON_SHAPE_YEARS = (2018, 2019)

_FACTORS_CSV = "grid_emission_factors.csv"
_HOURLY_PARQUET = "grid_carbon_hourly.parquet"


@lru_cache(maxsize=None)
def emission_factors() -> dict[str, tuple[float, str]]:
    """Lifecycle emission factor of each ENTSO-E production type, gCO2e/kWh, and its source:
    ``{"Nuclear": (12.0, "Schlömer et al. 2014, ..."), ...}`` (``grid_emission_factors.csv``)."""
    return {r["production_type"]: (float(r["g_co2e_per_kwh"]), r["source"]) for r in equipment_rows(_FACTORS_CSV)}


def carbon_intensity_g_per_kwh(generation_mw: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Production-weighted carbon intensity of each hour, gCO2e/kWh::

        I(h) = sum_k P_k(h) * f_k / sum_k P_k(h)

    with ``P_k(h)`` the mean generation of production type ``k`` in hour ``h`` (MW; over one
    hour, MWh) and ``f_k`` its lifecycle emission factor (gCO2e/kWh, e.g. the medians of
    Schlömer et al. 2014, IPCC AR5 WG3 Annex III, Table A.III.2). The unit of ``P`` cancels:
    the result is the emission of the hour's generation per kWh generated.

    Parameters
    ----------
    generation_mw : numpy.ndarray, shape (hours, types)
        Mean generation per hour and production type, MW, non-negative, each hour's sum > 0.
    factors : numpy.ndarray, shape (types,)
        Emission factor of each type, gCO2e/kWh, in the order of the columns.

    Returns
    -------
    numpy.ndarray of float64, shape (hours,)

    Raises
    ------
    ValueError
        On shapes that do not match, negative or non-finite generation, or an hour without any.
    """
    p = np.asarray(generation_mw, dtype=np.float64)
    f = np.asarray(factors, dtype=np.float64)
    if p.ndim != 2 or f.ndim != 1 or p.shape[1] != f.size:
        raise ValueError(f"generation_mw (hours, types) {p.shape} and factors (types,) {f.shape} do not match")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("generation_mw must be finite and non-negative")
    total_mw = p.sum(axis=1)
    if np.any(total_mw <= 0):
        raise ValueError(f"no generation in {int(np.sum(total_mw <= 0))} hour(s)")
    return (p * f).sum(axis=1) / total_mw


@lru_cache(maxsize=None)
def _hourly_table() -> tuple[np.ndarray, np.ndarray, str]:
    """(UTC hour starts as int64 s, gCO2e/kWh float64, source) of ``grid_carbon_hourly.parquet``,
    both arrays read-only."""
    time_s, columns, source = hourly_package_table(_HOURLY_PARQUET)
    return time_s, columns["carbon_g_per_kwh"], source


def hourly_carbon_g_per_kwh(year: int) -> tuple[np.ndarray, np.ndarray]:
    """The hours of Swedish calendar ``year`` (one of :data:`CARBON_SHAPE_YEARS`) and their
    production-based carbon intensity.

    Returns
    -------
    time_utc : numpy.ndarray of datetime64[s]
        UTC start of every hour from 1 January 00:00 CET to 31 December 23:00 CET (8,760).
    carbon_g_per_kwh : numpy.ndarray of float64
        gCO2e/kWh. Both arrays are read-only.
    """
    if year not in CARBON_SHAPE_YEARS:
        raise ValueError(f"no built-in hourly carbon intensity for {year}; years: {CARBON_SHAPE_YEARS}")
    time_s, g_per_kwh, _ = _hourly_table()
    start_s, end_s = local_year_bounds_s(year)
    i, j = np.searchsorted(time_s, [start_s, end_s])
    time_utc = time_s[i:j].astype("datetime64[s]")
    time_utc.setflags(write=False)
    return time_utc, g_per_kwh[i:j]


def hourly_carbon_source() -> str:
    """Where the built-in hourly carbon intensity comes from (the package file's metadata)."""
    return _hourly_table()[2]
