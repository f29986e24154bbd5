"""Real hourly prices of the built-in zones (dcsim.grid.hourly): the package data against the
shared ENTSO-E files, the conversion to SEK against published SEK means, the mapping of any
simulated year onto the price year, and `site.grid_options.price_year` end to end."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

import dcsim
from dcsim.errors import InputError
from dcsim.grid import PRICE_YEARS, load_grid, read_entsoe_csv
from dcsim.grid._calendar import map_onto_year_ms
from dcsim.grid._tables import _spot_hourly_table, eur_sek_monthly
from dcsim.grid.hourly import builtin_hourly_prices

from tests.conftest import ROOT, shared_path

ZONES = ("SE1", "SE2", "SE3", "SE4")
H = 3600
MS_PER_DAY = 86_400_000


def _published(unit_prefix: str) -> dict[tuple[str, int], float]:
    path = shared_path("data/economics/spot_price_yearly.csv", "the check against the published yearly means")
    with path.open(encoding="utf-8") as f:
        return {(r["zone"], int(r["year"])): float(r["price"]) for r in csv.DictReader(f)
                if r["unit"].startswith(unit_prefix)}


# --------------------------------------------------------------------------- the package data


def test_package_data_holds_every_hour_of_each_zone_and_year():
    assert PRICE_YEARS == tuple(range(2016, 2024))
    for zone in ZONES:
        for year in PRICE_YEARS:
            p = builtin_hourly_prices(zone, year)
            local = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz="Europe/Stockholm", inclusive="left")
            assert p.time_utc.size == (8784 if year % 4 == 0 else 8760) == local.size
            np.testing.assert_array_equal(p.time_utc, local.tz_convert("UTC").tz_localize(None).to_numpy())
            assert np.all(np.isfinite(p.eur_per_mwh))
    assert "ENTSO-E" in _spot_hourly_table()[2] and "8aee07950d4db55196db0a362dc5d2b862e5456d" in _spot_hourly_table()[2]


@pytest.mark.parametrize("zone", ZONES)
def test_package_data_equals_what_the_reader_gives_from_the_shared_files(zone):
    for year in PRICE_YEARS:
        path = shared_path(f"data/economics/hourly_prices_entsoe/{zone}_{year}_entsoe.csv",
                           "the check of the package data against the ENTSO-E exports")
        from_file = read_entsoe_csv(path)
        packaged = builtin_hourly_prices(zone, year)
        np.testing.assert_array_equal(packaged.time_utc, from_file.time_utc)
        np.testing.assert_array_equal(packaged.eur_per_mwh, from_file.eur_per_mwh)  # exact: two decimals as hundredths


def test_exchange_rates_name_their_source_and_cover_2016_to_2025():
    rates, source = eur_sek_monthly()
    assert list(rates) == [f"{y}-{m:02d}" for y in range(2016, 2026) for m in range(1, 13)]
    assert "European Central Bank" in source and "d7eb46486f99f323cd8e3bae9eb8aa98a8d8f726" in source
    yearly = {y: np.mean([rates[f"{y}-{m:02d}"] for m in range(1, 13)]) for y in range(2016, 2024)}
    # the mean of monthly means is within 0.3 % of the ECB's yearly mean of daily rates (9.4689 in 2016 ...
    # 11.4788 in 2023, computed from the same file): months have 19-23 publication days
    for year, ecb in {2016: 9.4689, 2019: 10.5891, 2022: 10.6296, 2023: 11.4788}.items():
        assert yearly[year] == pytest.approx(ecb, rel=0.003)


def test_sek_means_reproduce_the_published_sek_per_kwh():
    published = _published("SEK")
    for (zone, year), sek_per_kwh in published.items():
        g = load_grid(f"builtin:{zone.lower()}", price_year=year)
        # elpriser24 rounds to 0.001 SEK/kWh and Nord Pool converts each day at its own rate, dcsim at
        # the month's mean ECB rate: 0.3 % in 2023 (all four zones low), 0.5 % allowed
        assert abs(g.spot_sek_per_kwh.mean() - sek_per_kwh) <= 0.0005 + 0.005 * sek_per_kwh, (zone, year)


def test_built_in_series_is_the_price_year_with_tax_and_network_on_top():
    g = load_grid("builtin:se3", price_year=2022)
    p = builtin_hourly_prices("SE3", 2022)
    assert g.calendar_year == 2022 and not g.typical_year and len(g) == 8760
    rates, _ = eur_sek_monthly()
    jan = np.datetime64("2022-01-15T12:00")
    i = int(np.flatnonzero(g.time_utc == jan)[0])
    assert g.spot_sek_per_kwh[i] == pytest.approx(p.eur_per_mwh[i] * rates["2022-01"] / 1000, rel=1e-12)
    # the rate is the local delivery month's: 31 January 23:00 UTC is 1 February 00:00 CET
    edge = int(np.flatnonzero(g.time_utc == np.datetime64("2022-01-31T23:00"))[0])
    assert rates["2022-02"] != rates["2022-01"]
    assert g.spot_sek_per_kwh[edge] == pytest.approx(p.eur_per_mwh[edge] * rates["2022-02"] / 1000, rel=1e-12)
    # the tax and the network energy fee of the typical profile, unchanged
    typical = load_grid("builtin:se3", price_year="typical")
    assert np.all(g.tax_sek_per_kwh == typical.tax_sek_per_kwh[0])
    np.testing.assert_allclose(g.price_sek_per_kwh, g.spot_sek_per_kwh + g.tax_sek_per_kwh + g.network_sek_per_kwh,
                               rtol=0, atol=1e-12)
    assert "real hourly ENTSO-E day-ahead prices of 2022" in g.source and "European Central Bank" in g.source


def test_leap_price_year_has_8784_hours():
    g = load_grid("builtin:se1", price_year=2020)
    assert len(g) == 8784 and g.time_utc[0] == np.datetime64("2019-12-31T23:00")


# --------------------------------------------------------------------------- another simulated year


def test_the_price_year_maps_onto_itself():
    t = np.arange(np.datetime64("2022-12-31T23:30"), np.datetime64("2023-12-31T23:00"), np.timedelta64(1, "h"))
    t_ms = t.astype("datetime64[ms]")
    np.testing.assert_array_equal(map_onto_year_ms(t_ms, 2023), t_ms.astype(np.int64))


@pytest.mark.parametrize("sim_year, price_year", [(2025, 2023), (2024, 2023), (2025, 2020), (2016, 2023), (2030, 2017)])
def test_another_year_keeps_weekday_and_time_within_three_days(sim_year, price_year):
    # every hour midpoint of the simulated year, 8,784 of them in a leap year
    t = np.arange(np.datetime64(f"{sim_year}-01-01T00:30"), np.datetime64(f"{sim_year + 1}-01-01T00:30"),
                  np.timedelta64(1, "h")).astype("datetime64[ms]")
    mapped = map_onto_year_ms(t, price_year)
    g = load_grid("builtin:se2", price_year=price_year)
    start, end = g.time_utc[0].astype(np.int64) * 1000, (g.time_utc[-1].astype(np.int64) + H) * 1000
    assert np.all((mapped >= start) & (mapped < end))
    shift = t.astype(np.int64) - mapped
    assert np.all(shift % (7 * MS_PER_DAY) == 0)  # whole weeks: same weekday, same time of day (UTC)
    # the same date within 3 days, but at the year's ends, where the 52-week wrap applies
    same_date = np.datetime64(f"{price_year}-01-01", "ms").astype(np.int64) - np.datetime64(f"{sim_year}-01-01",
                                                                                              "ms").astype(np.int64)
    off = np.abs((t.astype(np.int64) + same_date) - mapped)
    inner = (t >= np.datetime64(f"{sim_year}-01-05")) & (t < np.datetime64(f"{sim_year}-12-27"))
    assert np.all(off[inner] <= 3 * MS_PER_DAY)
    # consecutive hours read consecutive price hours except where the rule wraps (at most twice a year)
    assert np.count_nonzero(np.diff(mapped) != H * 1000) <= 2


def test_simulated_2025_reads_2023_hour_of_the_same_weekday():
    g = load_grid("builtin:se3")  # price year 2023
    s = g.sample(np.datetime64("2025-03-05T00:00"), H, 24)  # Wednesday 5 March 2025
    i = int(np.flatnonzero(g.time_utc == np.datetime64("2023-03-08T00:00"))[0])  # Wednesday 8 March 2023
    np.testing.assert_array_equal(s.spot_sek_per_kwh, g.spot_sek_per_kwh[i:i + 24])


# --------------------------------------------------------------------------- the scenario key


@pytest.mark.parametrize("value, words", [
    (2015, 'no hourly prices for this year; must be an integer year 2016-2023 or "typical"'),
    (2024, 'no hourly prices for this year'),
    ("2019", 'must be an integer year 2016-2023 or "typical"'),
    ("Typical", 'must be an integer year 2016-2023 or "typical"'),
    (2019.0, 'must be an integer year 2016-2023 or "typical"'),
])
def test_invalid_price_year_is_refused_with_its_path_and_the_allowed_values(tmp_path, value, words):
    path = tmp_path / "s.toml"
    written = f'"{value}"' if isinstance(value, str) else str(value)
    path.write_text(f'[site]\ngrid = "builtin:se3"\n[site.grid_options]\nprice_year = {written}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        dcsim.load_scenario(path)
    (p,) = info.value.problems
    assert p.path == "site.grid_options.price_year" and p.line == 4 and words in p.message


def test_price_year_is_refused_with_a_grid_file(tmp_path):
    grid = tmp_path / "g.csv"
    grid.write_text("time,carbon_g_per_kwh,price_sek_per_kwh\n2025-01-01T00:00Z,10,1\n2025-01-01T01:00Z,10,1\n")
    path = tmp_path / "s.toml"
    path.write_text('[site]\ngrid = "g.csv"\n[site.grid_options]\nprice_year = 2020\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        dcsim.load_scenario(path)
    (p,) = info.value.problems
    assert p.path == "site.grid_options.price_year" and "applies to built-in grids only" in p.message
    sc = dcsim.load_scenario(path, overrides={"site.grid_options.price_year": None})
    assert sc.site.grid_options.price_year is None  # a file keeps none


def test_default_price_year_is_written_into_the_resolved_scenario():
    sc = dcsim.load_scenario(ROOT / "tests" / "fixtures" / "scenarios" / "minimal.toml")
    assert sc.site.grid_options.price_year == 2023
    assert "price_year = 2023" in dcsim.scenario.dump_toml(sc)


def test_price_year_end_to_end_in_a_short_run():
    base = ROOT / "tests" / "fixtures" / "scenarios" / "minimal.toml"
    over = {"simulation.start": "2025-01-13T00:00:00Z", "simulation.duration": "3d", "simulation.step": "15min",
            "simulation.record_step": "15min", "site.grid": "builtin:se3", "site.grid_options.carbon_profile": "flat"}
    runs = {y: dcsim.simulate(dcsim.load_scenario(base, overrides={**over, "site.grid_options.price_year": y}))
            for y in (2022, "typical")}
    real, typical = runs[2022], runs["typical"]
    price = real.timeseries["price_sek_per_kwh"].to_numpy()
    hourly = price.reshape(-1, 4)
    assert np.all(hourly == hourly[:, :1])  # a market price holds over its hour
    # varies hour to hour like the real series: the 72 hours read 2022's hours of the same weekdays
    g = load_grid("builtin:se3", price_year=2022)
    i = int(np.flatnonzero(g.time_utc == np.datetime64("2022-01-10T00:00"))[0])  # Monday 10 Jan 2022, 3 days off
    np.testing.assert_array_equal(hourly[:, 0], g.price_sek_per_kwh[i:i + 72])
    assert np.unique(hourly[:, 0]).size > 60
    # energy_cost_sek = sum of grid import x price over the steps (record step = physics step)
    # + the power fee on the peaks; the grid import is the facility's draw (no storage)
    ts = real.timeseries
    np.testing.assert_array_equal(ts["grid_import_kw"], ts["facility_power_kw"])
    cost = float((ts["facility_power_kw"] * ts["price_sek_per_kwh"]).sum() * 0.25)
    k = real.kpis
    assert k["energy_cost_sek"] == pytest.approx(cost + k["energy_cost_power_fee_sek"], rel=1e-12)  # summation order
    parts = ("energy_cost_spot_sek", "energy_cost_network_sek", "energy_cost_power_fee_sek", "energy_cost_tax_sek")
    assert sum(k[p] for p in parts) == pytest.approx(k["energy_cost_sek"], rel=1e-15)
    # Sundsvall Elnät (SE3's default is Karlsborgs Energi: 539 SEK/kW/year on the year's peak, 3 of 365 days)
    share = 3 * 86400 / (365 * 86400)
    assert k["energy_cost_power_fee_sek"] == pytest.approx(539 * k["peak_grid_kw"] * share, rel=1e-12)
    # the physics does not see the price: energy to the last bit, cost not
    for kpi in ("energy_facility_kwh", "energy_it_kwh", "pue", "water_m3"):
        assert real.kpis[kpi] == typical.kpis[kpi]
    # the carbon year follows the price year (as before): Electricity Maps SE3 2022, 25 g, vs 2023, 23 g
    assert real.kpis["carbon_kg"] == pytest.approx(typical.kpis["carbon_kg"] * 25 / 23, rel=1e-12)
    assert real.kpis["energy_cost_sek"] != typical.kpis["energy_cost_sek"]
    assert "2022" in real.manifest["grid_source"] and "typical profile" in typical.manifest["grid_source"]
