"""The ENTSO-E day-ahead price export (dcsim.grid.entsoe): the 32 shared files, the summer-time
rows, malformed files refused with file, line and column, and the file as a scenario's grid.

The UTC hours are checked against pandas' time-zone database (Europe/Stockholm), independent of
dcsim's own summer-time rule; the yearly means against the shared economics table, read here.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dcsim.errors import InputError
from dcsim.grid import load_grid, read_entsoe_csv

from tests.conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
ENTSOE = "data/economics/hourly_prices_entsoe"
SHARED_FILES = [f"{zone}_{year}_entsoe.csv" for zone in ("SE1", "SE2", "SE3", "SE4") for year in range(2016, 2024)]
HEADER = '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|SE3"'


def _label(start: pd.Timestamp) -> str:
    end = start + pd.Timedelta(hours=1)  # one hour on the clock
    return f"{start:%d.%m.%Y %H:%M} - {end:%d.%m.%Y %H:%M}"


def export_rows(first_day: str, days: int) -> list[str]:
    """The rows of an ENTSO-E export of ``days`` local days from ``first_day``, written as the
    platform writes them (from pandas' tz database): the skipped spring hour as an empty row, the
    repeated autumn hour twice; the price of the k-th real hour is 10 + k/4 EUR/MWh (k = 3: -5)."""
    tz = "Europe/Stockholm"
    start = pd.Timestamp(first_day).tz_localize(tz)
    end = (pd.Timestamp(first_day) + pd.Timedelta(days=days)).tz_localize(tz)
    hours = pd.date_range(start.tz_convert("UTC"), end.tz_convert("UTC"), freq="h", inclusive="left")
    rows, previous = [], None
    for k, t in enumerate(hours):
        local = t.tz_convert(tz).tz_localize(None)
        if previous is not None and local - previous == pd.Timedelta(hours=2):  # spring: the clock skips an hour
            rows.append(f'"{_label(previous + pd.Timedelta(hours=1))}","",""')
        price = -5.0 if k == 3 else 10 + k / 4
        rows.append(f'"{_label(local)}","{price:.2f}","EUR"')
        previous = local
    return rows


def write_export(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "SE3_entsoe.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shared files


@pytest.mark.parametrize("name", SHARED_FILES)
def test_every_shared_file_loads_as_the_utc_hours_of_its_local_year(name):
    path = shared_path(f"{ENTSOE}/{name}", f"reading the ENTSO-E export {name}")
    zone, year = name.split("_")[0], int(name.split("_")[1])
    prices = read_entsoe_csv(path)
    n = 8784 if year % 4 == 0 else 8760
    assert prices.zone == zone and prices.calendar_year == year and prices.time_utc.size == n
    # the local calendar year, 1 January 00:00 CET to the next, as UTC hours from the tz database
    local_year = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz="Europe/Stockholm", inclusive="left")
    expected = local_year.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[s]")
    np.testing.assert_array_equal(prices.time_utc, expected)
    # the values in file order: every row with a price, the repeated autumn hour twice
    with path.open(encoding="utf-8") as f:
        cells = [row[1] for row in list(csv.reader(f))[1:]]
    np.testing.assert_array_equal(prices.eur_per_mwh, [float(c) for c in cells if c])
    assert len(prices.spring_rows) == 1 and len(prices.autumn_rows) == 2


def test_yearly_means_equal_the_published_eur_per_mwh():
    table = shared_path("data/economics/spot_price_yearly.csv", "the check of the yearly EUR/MWh means")
    with table.open(encoding="utf-8") as f:
        published = {(r["zone"], int(r["year"])): float(r["price"]) for r in csv.DictReader(f) if r["unit"] == "EUR/MWh"}
    for name in SHARED_FILES:
        zone, year = name.split("_")[0], int(name.split("_")[1])
        prices = read_entsoe_csv(shared_path(f"{ENTSOE}/{name}", "the check of the yearly EUR/MWh means"))
        # published to 0.01 EUR/MWh (rounding: 0.005); SE3 2016 is 29.2355, published 29.23 (the README: 29.24)
        assert abs(prices.eur_per_mwh.mean() - published[(zone, year)]) <= 0.01, (name, prices.eur_per_mwh.mean())


# --------------------------------------------------------------------------- summer time


def test_spring_forward_row_is_dropped_and_the_day_has_23_hours(tmp_path):
    rows = export_rows("2023-03-25", 2)
    assert rows[24 + 2] == '"26.03.2023 02:00 - 26.03.2023 03:00","",""'  # as the platform writes it
    prices = read_entsoe_csv(write_export(tmp_path, rows))
    assert prices.spring_rows == (1 + 24 + 3,)  # header, 25 March, then the third row of 26 March
    assert prices.time_utc.size == 47 and prices.calendar_year is None  # two days, one of 23 hours
    assert np.all(np.diff(prices.time_utc.astype(np.int64)) == 3600)
    assert prices.time_utc[0] == np.datetime64("2023-03-24T23:00")  # 00:00 CET
    # 26 March: 01:00 CET is 00:00 UTC, 03:00 CEST is 01:00 UTC (the next row)
    i = int(np.flatnonzero(prices.time_utc == np.datetime64("2023-03-26T00:00"))[0])
    assert prices.eur_per_mwh[i + 1] == float(rows[24 + 3].split('","')[1])


def test_repeated_autumn_hour_is_first_cest_then_cet(tmp_path):
    rows = export_rows("2023-10-28", 2)
    assert rows[24 + 2].split(",")[0] == rows[24 + 3].split(",")[0] == '"29.10.2023 02:00 - 29.10.2023 03:00"'
    prices = read_entsoe_csv(write_export(tmp_path, rows))
    assert prices.autumn_rows == (1 + 24 + 3, 1 + 24 + 4)
    assert prices.time_utc.size == 49 and np.all(np.diff(prices.time_utc.astype(np.int64)) == 3600)
    at = {str(t): v for t, v in zip(prices.time_utc, prices.eur_per_mwh)}
    assert at["2023-10-29T00:00:00"] == float(rows[24 + 2].split('","')[1])  # 02:00 CEST
    assert at["2023-10-29T01:00:00"] == float(rows[24 + 3].split('","')[1])  # 02:00 CET
    assert -5.0 in prices.eur_per_mwh  # negative prices are kept


# --------------------------------------------------------------------------- malformed files


def _replace(rows: list[str], i: int, text: str) -> list[str]:
    return rows[:i] + [text] + rows[i + 1:]


MALFORMED = {
    # name: (rows -> rows or (header, rows), line, column, words in the message)
    "missing column": (lambda r: ('"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","BZN|SE3"', [x.rsplit(",", 1)[0] for x in r]),
                       1, None, "missing column 'Currency'"),
    "bad number": (lambda r: _replace(r, 5, '"28.10.2023 05:00 - 28.10.2023 06:00","12,5x","EUR"'), 7, 2, "not a number"),
    "n/e": (lambda r: _replace(r, 5, '"28.10.2023 05:00 - 28.10.2023 06:00","n/e","EUR"'), 7, 2, "not a number"),
    "hour label out of range": (lambda r: _replace(r, 5, '"28.10.2023 25:00 - 28.10.2023 26:00","12.5","EUR"'), 7, 1,
                                "not a valid"),
    "interval not one hour": (lambda r: _replace(r, 5, '"28.10.2023 05:00 - 28.10.2023 07:00","12.5","EUR"'), 7, 1,
                              "must be one hour"),
    "not a label": (lambda r: _replace(r, 5, '"2023-10-28T05:00Z","12.5","EUR"'), 7, 1, "not an interval label"),
    "hour missing": (lambda r: r[:5] + r[6:], 7, 1, "1 hour(s) missing"),
    "hour repeated": (lambda r: r[:6] + [r[5]] + r[6:], 8, 1, "repeats"),
    "autumn hour once": (lambda r: r[:24 + 3] + r[24 + 4:], 1 + 24 + 4, 1, "1 hour(s) missing"),
    "empty price": (lambda r: _replace(r, 5, '"28.10.2023 05:00 - 28.10.2023 06:00","",""'), 7, 2, "missing price"),
    "other currency": (lambda r: _replace(r, 5, '"28.10.2023 05:00 - 28.10.2023 06:00","12.5","SEK"'), 7, 3,
                       'currency must be "EUR"'),
    "no zone label": (lambda r: ('"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency"', r), 1, 4, "BZN|<zone>"),
    "before 1996": (lambda r: _replace(r, 0, '"28.10.1995 00:00 - 28.10.1995 01:00","12.5","EUR"'), 2, 1,
                    "summer-time rule was another"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_refused_with_file_line_and_column(tmp_path, case):
    change, line, column, words = MALFORMED[case]
    changed = change(export_rows("2023-10-28", 2))
    header, rows = changed if isinstance(changed, tuple) else (HEADER, changed)
    path = write_export(tmp_path, rows, header)
    with pytest.raises(InputError) as info:
        read_entsoe_csv(path)
    problem = info.value.problems[0]
    assert (problem.file, problem.line, problem.column) == (str(path), line, column), info.value
    assert words in problem.message and problem.path == "site.grid"


def test_a_price_in_the_skipped_spring_hour_is_refused(tmp_path):
    rows = export_rows("2023-03-25", 2)
    rows[24 + 2] = '"26.03.2023 02:00 - 26.03.2023 03:00","40.00","EUR"'
    with pytest.raises(InputError) as info:
        read_entsoe_csv(write_export(tmp_path, rows))
    (p,) = info.value.problems
    assert (p.line, p.column) == (1 + 24 + 3, 2) and "does not exist in CET/CEST" in p.message


def test_every_problem_is_listed_in_file_order(tmp_path):
    rows = export_rows("2023-10-28", 2)
    rows[30] = '"29.10.2023 04:00 - 29.10.2023 05:00","x","EUR"'
    rows[5] = '"28.10.2023 05:00 - 28.10.2023 07:00","12.5","EUR"'
    with pytest.raises(InputError) as info:
        read_entsoe_csv(write_export(tmp_path, rows))
    assert [(p.line, p.column) for p in info.value.problems] == [(7, 1), (32, 2)]


def test_a_malformed_file_exits_2_through_the_cli(tmp_path):
    rows = _replace(export_rows("2023-10-28", 2), 5, '"28.10.2023 05:00 - 28.10.2023 06:00","abc","EUR"')
    grid = write_export(tmp_path, rows)
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'[simulation]\nstart = 2023-10-28T00:00:00Z\nduration = "1d"\nstep = "1h"\n'
                        f'[site]\ngrid = "{grid.name}"\n[it]\nracks = 1\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dcsim", "run", str(scenario), "-o", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"{grid}, line 7, column 2: site.grid: column 'Day-ahead Price [EUR/MWh]': not a number" in proc.stderr


# --------------------------------------------------------------------------- the file as the site's grid


def test_an_entsoe_file_is_its_zones_spot_price_with_tax_and_network(tmp_path):
    path = write_export(tmp_path, export_rows("2023-10-28", 2))
    g = load_grid(str(path))
    builtin = load_grid("builtin:se3")
    assert g.zone == "SE3" and not g.typical_year and g.calendar_year is None and len(g) == 49
    # the zone's tax and network fee, as for the built-in zone
    np.testing.assert_array_equal(g.tax_sek_per_kwh, builtin.tax_sek_per_kwh[: len(g)])
    np.testing.assert_array_equal(g.network_sek_per_kwh, builtin.network_sek_per_kwh[: len(g)])
    # 10 EUR/MWh at October 2023's mean ECB rate, 11.64724 SEK/EUR (eur_sek_monthly.csv); exact but for rounding
    assert g.spot_sek_per_kwh[0] == pytest.approx(10.0 * 11.64724 / 1000, rel=1e-12)
    assert "ENTSO-E day-ahead price file" in g.source and "first CEST, then CET" in g.source
    s = g.sample(np.datetime64("2023-10-29T00:00"), 1800, 4)  # half-hour steps: each hour held
    np.testing.assert_array_equal(s.spot_sek_per_kwh, g.spot_sek_per_kwh[[26, 26, 27, 27]])  # from 27 Oct 22:00Z
    with pytest.raises(InputError, match="covers 2023-10-27T22:00:00Z to 2023-10-29T23:00:00Z"):
        g.sample(np.datetime64("2025-01-01T00:00"), 3600, 2)  # two days: a dated series, not a year
    g2 = load_grid(str(path), include_network=False, tax_category="reduced-north")
    assert np.all(g2.network_sek_per_kwh == 0) and g2.tax_sek_per_kwh[0] == pytest.approx(0.264)  # reduced-north 2026


def test_price_year_is_refused_with_an_entsoe_file_and_other_zones_are_refused(tmp_path):
    path = write_export(tmp_path, export_rows("2023-10-28", 2))
    with pytest.raises(InputError) as info:
        load_grid(str(path), price_year=2020, options_path="site.grid_options")
    (p,) = info.value.problems
    assert p.path == "site.grid_options.price_year" and "an ENTSO-E file's dates are its own" in p.message
    other = write_export(tmp_path, export_rows("2023-10-28", 2), header=HEADER.replace("SE3", "NO1"), name="no1.csv")
    with pytest.raises(InputError, match="bidding zone 'NO1' is not one dcsim has"):
        load_grid(str(other))


def test_an_entsoe_file_of_a_whole_year_is_the_built_in_price_year():
    path = shared_path(f"{ENTSOE}/SE3_2019_entsoe.csv", "the comparison of an ENTSO-E file with the built-in 2019")
    g = load_grid(str(path))
    builtin = load_grid("builtin:se3", price_year=2019)
    assert g.calendar_year == 2019 and g.file == str(path)
    for name in ("spot_sek_per_kwh", "tax_sek_per_kwh", "network_sek_per_kwh", "price_sek_per_kwh", "carbon_g_per_kwh"):
        np.testing.assert_array_equal(getattr(g, name), getattr(builtin, name))  # the same data, the same rules
    start = np.datetime64("2025-01-01T00:00")  # read onto another year by the same rule
    np.testing.assert_array_equal(g.sample(start, 3600, 8760).price_sek_per_kwh,
                                  builtin.sample(start, 3600, 8760).price_sek_per_kwh)


def test_local_year_is_the_swedish_calendar_year():
    """A partial file's default data year is the Swedish year of its first hour: 1 January
    00:00 CET is 31 December 23:00 UTC (the UTC year would name the year before)."""
    from dcsim.grid._calendar import local_year

    t = int(np.datetime64("2022-12-31T23:00:00", "s").astype(np.int64))
    assert local_year(t) == 2023 and local_year(t - 3600) == 2022
