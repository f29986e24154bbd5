"""Swedish frequency-reserve capacity prices (dcsim.grid.reserves): the calendar of each year,
the yearly means, the gaps, the repeated autumn hour, and the package file against the build
tool's output from the source files."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from dcsim.grid._calendar import local_year_bounds_s
from dcsim.grid.reserves import (
    RESERVE_PRODUCTS,
    RESERVE_YEARS,
    reserve_prices_eur_per_mw_h,
    reserve_prices_source,
)

from tests.conftest import ROOT

H = 3600
SOURCE_ENV = "DCSIM_RESERVE_SOURCE"
PACKAGE_FILE = ROOT / "src" / "dcsim" / "data" / "grid_reserve_prices.parquet"

#: Hour-weighted means over each Swedish local calendar year, EUR/MW per h (FCR-D up 2021: over
#: the 8,759 hours with a price), computed once with pandas from the source files
#: se-fcr-{2020..2025}.ndjson.gz (kkme-website @ 9bcfa75), the hours placed with pandas'
#: Europe/Stockholm zone, independently of the build tool. Rounded to two decimals they are
#: the figures of notes/research-flex.md, section 1a.
MEANS = {
    "fcr-d-up": {2021: 44.8593, 2022: 63.1667, 2023: 38.4483, 2024: 10.4681, 2025: 6.0730},
    "fcr-d-down": {2022: 32.0986, 2023: 70.5979, 2024: 26.9739, 2025: 5.9212},
    "fcr-n": {2021: 37.6178, 2022: 64.8533, 2023: 66.2628, 2024: 47.5885, 2025: 26.8895},
}


def _utc(stamp: str) -> np.datetime64:
    return np.datetime64(stamp, "s")


def _price_at(product: str, stamp: str) -> float:
    t = _utc(stamp)
    year = int(str((t + np.timedelta64(H, "s")).astype("datetime64[Y]")))
    time_utc, price = reserve_prices_eur_per_mw_h(product, year)
    (k,) = np.flatnonzero(time_utc == t)
    return float(price[k])


def _tool():
    spec = importlib.util.spec_from_file_location("build_reserve_prices", ROOT / "tools" / "build_reserve_prices.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- calendar


@pytest.mark.parametrize("product", RESERVE_PRODUCTS)
@pytest.mark.parametrize("year", RESERVE_YEARS)
def test_each_year_has_every_hour_of_the_swedish_local_year(product, year):
    time_utc, price = reserve_prices_eur_per_mw_h(product, year)
    start, end = local_year_bounds_s(year)
    s = time_utc.astype(np.int64)
    assert time_utc.dtype == np.dtype("datetime64[s]") and price.dtype == np.float64
    assert time_utc.size == price.size == (8784 if year == 2024 else 8760)
    assert np.all(np.diff(s) == H) and s[0] == start and s[-1] + H == end
    assert not time_utc.flags.writeable and not price.flags.writeable


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("product,year", [(p, y) for p, by_year in MEANS.items() for y in by_year])
def test_yearly_means_equal_an_independent_pandas_computation(product, year):
    _, price = reserve_prices_eur_per_mw_h(product, year)
    assert np.nanmean(price) == pytest.approx(MEANS[product][year], abs=1e-4)


def test_fcr_d_down_has_no_price_before_its_market_opened_on_1_january_2022():
    _, price_2021 = reserve_prices_eur_per_mw_h("fcr-d-down", 2021)
    assert np.all(np.isnan(price_2021))
    for year in RESERVE_YEARS[1:]:
        _, price = reserve_prices_eur_per_mw_h("fcr-d-down", year)
        assert np.all(np.isfinite(price)), year
    time_2022, _ = reserve_prices_eur_per_mw_h("fcr-d-down", 2022)
    assert time_2022[0] == _utc("2021-12-31T23:00:00")  # 2022-01-01 00:00 CET


def test_the_only_other_gap_is_one_fcr_d_up_hour_in_december_2021():
    for product in ("fcr-d-up", "fcr-n"):
        for year in RESERVE_YEARS:
            time_utc, price = reserve_prices_eur_per_mw_h(product, year)
            gaps = time_utc[np.isnan(price)]
            expected = [_utc("2021-12-06T23:00:00")] if (product, year) == ("fcr-d-up", 2021) else []
            assert list(gaps) == expected, (product, year)


def test_prices_are_the_source_values_on_the_hours_of_mimer_labels():
    # se-fcr-2020.ndjson.gz, "2021-01-01 00:00:00" (CET): the first hour of local 2021
    assert _price_at("fcr-d-up", "2020-12-31T23:00:00") == 20.324006234337215
    assert _price_at("fcr-n", "2020-12-31T23:00:00") == 20.249435166666668
    # se-fcr-2021.ndjson.gz, the repeated autumn hour: Mimer's "2021-10-31 02:00:00" is the
    # first (CEST, 00:00Z), "02:01:00" the second (CET, 01:00Z)
    assert _price_at("fcr-d-up", "2021-10-31T00:00:00") == pytest.approx(33.864054, abs=1e-6)
    assert _price_at("fcr-d-up", "2021-10-31T01:00:00") == pytest.approx(32.072057, abs=1e-6)
    assert _price_at("fcr-n", "2021-10-31T01:00:00") == pytest.approx(44.281559, abs=1e-6)


def test_source_names_mimer_the_repository_and_the_pricing_rule():
    source = reserve_prices_source()
    for part in ("Svenska kraftnät", "https://mimer.svk.se/PrimaryRegulation/DownloadText",
                 "kastiskemezys-tech/kkme-website @ 9bcfa75bd0cf6aac19b4c3f194d1f8586bac041f",
                 "se-fcr-{2020..2025}.ndjson.gz", "pay-as-bid until 2024-01-31", "2024-02-01"):
        assert part in source


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("product,year", [("fcr-d", 2023), ("FCR-D-up", 2023), ("ffr", 2023),
                                          ("fcr-d-up", 2020), ("fcr-d-up", 2026), ("fcr-n", True)])
def test_unknown_product_or_year_raises(product, year):
    with pytest.raises(ValueError):
        reserve_prices_eur_per_mw_h(product, year)


# --------------------------------------------------------------------------- the package file


def _source_dir() -> Path:
    folder = os.environ.get(SOURCE_ENV)
    if not folder:
        pytest.skip(f"${SOURCE_ENV} not set (a folder of se-fcr-2020..2025.ndjson.gz, extracted from "
                    "github:kastiskemezys-tech/kkme-website as in tools/build_reserve_prices.py): the check "
                    "of grid_reserve_prices.parquet against the build tool's output is skipped")
    path = Path(folder)
    if not (path / "se-fcr-2025.ndjson.gz").is_file():
        pytest.skip(f"${SOURCE_ENV}={folder} holds no se-fcr-2025.ndjson.gz: the check of "
                    "grid_reserve_prices.parquet against the build tool's output is skipped")
    return path


def test_package_file_equals_what_the_tool_builds_from_the_source(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tool = _tool()
    table, _ = tool.reserve_table(_source_dir())
    package = pq.read_table(PACKAGE_FILE)
    assert package.column_names == table.column_names
    for name in table.column_names[1:]:
        np.testing.assert_array_equal(package.column(name).to_numpy(), table.column(name).to_numpy())
    seconds = pa.timestamp("s", tz="UTC")
    np.testing.assert_array_equal(package.column("time_utc").cast(seconds).cast(pa.int64()).to_numpy(),
                                  table.column("time_utc").cast(seconds).cast(pa.int64()).to_numpy())
    assert package.schema.metadata[b"source"] == table.schema.metadata[b"source"]
    # deterministic: two writes give the same bytes
    a, b = tool.write_table(table, tmp_path / "a.parquet"), tool.write_table(table, tmp_path / "b.parquet")
    assert a.read_bytes() == b.read_bytes()


def _row(product: str, local: str, period_start: str, price: float | None) -> dict:
    end = str(np.datetime64(period_start.removesuffix("Z"), "s") + np.timedelta64(H, "s")) + "Z"
    return {"product": product, "period_start": period_start, "period_end": end, "price": price,
            "extra": {"local_timestamp": local}}


def test_tool_reads_the_repeated_autumn_labels_and_refuses_an_off_label():
    tool = _tool()
    rows = [_row("FCR-N", "2021-10-31 01:00:00", "2021-10-30T23:00:00Z", 1.0),
            _row("FCR-N", "2021-10-31 02:00:00", "2021-10-31T01:00:00Z", 2.0),  # as the repository has it
            _row("FCR-N", "2021-10-31 02:01:00", "2021-10-31T01:01:00Z", 3.0),
            _row("FCR-N", "2021-10-31 03:00:00", "2021-10-31T02:00:00Z", 4.0)]
    utc, corrected = tool.utc_hours(rows)
    assert list(utc.astype("datetime64[s]").astype(str)) == [
        "2021-10-30T23:00:00", "2021-10-31T00:00:00", "2021-10-31T01:00:00", "2021-10-31T02:00:00"]
    assert corrected == 2
    with pytest.raises(SystemExit):  # "02:01" on a day without a repeated hour
        tool.utc_hours([_row("FCR-N", "2021-10-30 02:01:00", "2021-10-30T00:01:00Z", 1.0)])
    with pytest.raises(SystemExit):  # the skipped spring hour
        tool.utc_hours([_row("FCR-N", "2021-03-28 02:00:00", "2021-03-28T01:00:00Z", 1.0)])


def test_tool_refuses_a_year_with_more_than_1_percent_of_the_hours_missing():
    tool = _tool()
    start, _ = local_year_bounds_s(2021)
    hours = np.arange(start, local_year_bounds_s(2025)[1], H)
    rows, utc = [], []
    for product in tool.PRODUCTS:
        keep = hours if product != "FCR-D-up" else np.delete(hours, np.arange(100, 200))  # 100 h of 2021 gone
        rows += [{"product": product, "price": None if product == "FCR-D-down" and t < start + 8760 * H else 1.0}
                 for t in keep]
        utc.append(keep)
    with pytest.raises(SystemExit, match="FCR-D-up 2021: 100 of 8760"):
        tool.price_columns(rows, np.concatenate(utc))
