"""Real hourly prices of the built-in zones (dcsim.grid.hourly): the package data against the
shared ENTSO-E files, and the exchange rates."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from dcsim.data.prices import PRICE_YEARS
from dcsim.grid.entsoe import read_entsoe_csv
from dcsim.grid._calendar import map_onto_year_ms
from dcsim.grid._tables import _spot_hourly_table, eur_sek_monthly
from dcsim.grid.hourly import builtin_hourly_prices

from tests.conftest import shared_path

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


def test_package_yearly_means_equal_the_published_eur_per_mwh():
    published = _published("EUR")
    for zone in ZONES:
        for year in PRICE_YEARS:
            mean = builtin_hourly_prices(zone, year).eur_per_mwh.mean()
            # published to 0.01 EUR/MWh; the largest gap is SE3 2016, 29.2355 published as 29.23
            assert abs(mean - published[(zone, year)]) <= 0.01, (zone, year, mean)


def test_exchange_rates_name_their_source_and_cover_2016_to_2025():
    rates, source = eur_sek_monthly()
    assert list(rates) == [f"{y}-{m:02d}" for y in range(2016, 2026) for m in range(1, 13)]
    assert "European Central Bank" in source and "d7eb46486f99f323cd8e3bae9eb8aa98a8d8f726" in source
    yearly = {y: np.mean([rates[f"{y}-{m:02d}"] for m in range(1, 13)]) for y in range(2016, 2024)}
    # the mean of monthly means is within 0.3 % of the ECB's yearly mean of daily rates (9.4689 in 2016 ...
    # 11.4788 in 2023, computed from the same file): months have 19-23 publication days
    for year, ecb in {2016: 9.4689, 2019: 10.5891, 2022: 10.6296, 2023: 11.4788}.items():
        assert yearly[year] == pytest.approx(ecb, rel=0.003)


def _days(ms) -> np.ndarray:
    return np.asarray(ms, dtype=np.int64) // MS_PER_DAY


def test_the_price_year_maps_onto_itself():
    t = np.arange(np.datetime64("2022-12-31T23:30"), np.datetime64("2023-12-31T23:00"), np.timedelta64(1, "h"))
    t_ms = t.astype("datetime64[ms]")
    np.testing.assert_array_equal(map_onto_year_ms(t_ms, 2023), t_ms.astype(np.int64))
