"""Built-in grid series (dcsim.grid.builtin): the typical-year profiles (price_year = "typical")
against the published figures, and the options every built-in series takes. The real hourly
price years are tested in test_grid_hourly.py.

Published figures are typed in here from REFERENCES.md and data/economics/README.md of the
project's shared folder (../shared beside the checkout), independent of the package's data tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dcsim.errors import InputError
from dcsim.grid import BUILTIN_GRIDS, load_grid
from dcsim.grid._calendar import local_calendar

# elpriser24.se yearly means 2023, SEK/kWh excl. VAT
YEARLY_2023_SEK_PER_KWH = {"SE1": 0.457, "SE2": 0.457, "SE3": 0.592, "SE4": 0.744}
# Electricity Maps 2023, lifecycle, consumption-based, gCO2e/kWh
CARBON_2023_G_PER_KWH = {"SE1": 16, "SE2": 17, "SE3": 23, "SE4": 40}
# SE1 spot yearly means, SEK/kWh excl. VAT (REFERENCES.md)
SE1_YEARLY_SEK_PER_KWH = {2018: 0.454, 2019: 0.401, 2020: 0.150, 2021: 0.432, 2022: 0.634, 2023: 0.457}
# elmarknad.se monthly means 2023, öre/kWh excl. VAT
MONTHLY_2023_ORE_PER_KWH = {
    "SE1": [70.38, 52.03, 56.49, 66.47, 27.75, 51.61, 37.40, 23.76, 10.89, 17.58, 60.90, 72.59],
    "SE3": [92.58, 82.54, 80.62, 68.70, 38.83, 53.06, 37.65, 36.96, 24.32, 33.07, 82.13, 79.17],
    "SE4": [104.42, 102.79, 91.79, 73.86, 73.38, 103.39, 41.72, 49.54, 51.33, 33.95, 84.71, 80.24],
}
# hour-of-day mean / mean of hourly means, 2023, local time (README table 1c)
HOUR_RATIO_2023 = {
    "SE1": {0: 0.80, 2: 0.74, 3: 0.73, 5: 0.84, 6: 0.97, 7: 1.12, 8: 1.23, 10: 1.15, 12: 1.05, 14: 1.00,
            16: 1.10, 17: 1.17, 18: 1.19, 19: 1.16, 20: 1.09, 22: 0.93},
    "SE3": {0: 0.68, 2: 0.61, 3: 0.61, 5: 0.73, 6: 0.93, 7: 1.24, 8: 1.40, 10: 1.22, 12: 1.05, 14: 0.97,
            16: 1.14, 17: 1.30, 18: 1.35, 19: 1.30, 20: 1.15, 22: 0.85},
    "SE4": {0: 0.72, 2: 0.66, 3: 0.65, 5: 0.78, 6: 1.02, 7: 1.30, 8: 1.37, 10: 1.11, 12: 0.94, 14: 0.88,
            16: 1.05, 17: 1.24, 18: 1.39, 19: 1.40, 20: 1.27, 22: 0.92},
}


#: the typical hour-of-day profile instead of the real hourly prices
TYPICAL = {"price_year": "typical"}


def _local(series) -> pd.DatetimeIndex:
    """Local Swedish time from the tz database, independent of dcsim's own DST rule."""
    return pd.DatetimeIndex(series.time_utc).tz_localize("UTC").tz_convert("Europe/Stockholm")


@pytest.mark.parametrize("zone", ["SE1", "SE2", "SE3", "SE4"])
def test_annual_mean_spot_equals_published_yearly_mean(zone):
    g = load_grid(f"builtin:{zone.lower()}", **TYPICAL)
    assert len(g) == 8760 and g.step_s == 3600 and g.typical_year
    # exact by construction (normalisation); 1e-9 only absorbs float summation
    assert abs(g.spot_sek_per_kwh.mean() - YEARLY_2023_SEK_PER_KWH[zone]) < 1e-9


@pytest.mark.parametrize("year", sorted(SE1_YEARLY_SEK_PER_KWH))
def test_annual_mean_spot_for_each_price_year(year):
    g = load_grid("builtin:se1", year=year, **TYPICAL)
    assert abs(g.spot_sek_per_kwh.mean() - SE1_YEARLY_SEK_PER_KWH[year]) < 1e-9  # exact by construction
    assert str(year) in g.source


@pytest.mark.parametrize("zone", ["SE1", "SE3", "SE4"])
def test_monthly_means_reproduce_published_2023_shape(zone):
    g = load_grid(f"builtin:{zone.lower()}", **TYPICAL)
    month = _local(g).month.to_numpy()
    published = np.asarray(MONTHLY_2023_ORE_PER_KWH[zone])
    n_hours = np.bincount(month - 1, minlength=12)
    published_shape = published / (published * n_hours).sum() * n_hours.sum()
    spot = g.spot_sek_per_kwh
    got_shape = np.array([spot[month == m].mean() for m in range(1, 13)]) / spot.mean()
    # the profile keeps each local month's mean exactly proportional to the published one
    np.testing.assert_allclose(got_shape, published_shape, rtol=1e-9)


@pytest.mark.parametrize("zone", ["SE1", "SE3", "SE4"])
def test_hour_of_day_shape_matches_published_ratios(zone):
    g = load_grid(f"builtin:{zone.lower()}", **TYPICAL)
    hour = _local(g).hour.to_numpy()
    by_hour = np.array([g.spot_sek_per_kwh[hour == h].mean() for h in range(24)])
    ratio = by_hour / by_hour.mean()
    for h, published in HOUR_RATIO_2023[zone].items():
        # published ratios are rounded to 0.01; summer-time days shift a few hours by one
        assert abs(ratio[h] - published) < 0.008, (h, ratio[h], published)


@pytest.mark.parametrize("zone", ["SE1", "SE2", "SE3", "SE4"])
def test_hour_of_day_peaks_morning_and_evening(zone):
    g = load_grid(f"builtin:{zone.lower()}", **TYPICAL)
    hour = _local(g).hour.to_numpy()
    by_hour = np.array([g.spot_sek_per_kwh[hour == h].mean() for h in range(24)])
    morning_peak = int(np.argmax(by_hour[:13]))
    evening_peak = 13 + int(np.argmax(by_hour[13:]))
    assert morning_peak in (7, 8, 9)  # published: morning peak 08-09
    assert evening_peak in (17, 18, 19, 20)  # published: evening peak 17-20
    assert int(np.argmin(by_hour)) in (2, 3, 4)  # published: minimum at 03-04
    # local midday dip between the two peaks
    assert by_hour[13:15].mean() < by_hour[morning_peak] and by_hour[13:15].mean() < by_hour[evening_peak]


def test_profile_max_over_min_hour_matches_published_ratio():
    g = load_grid("builtin:se1", **TYPICAL)
    hour = _local(g).hour.to_numpy()
    by_hour = np.array([g.spot_sek_per_kwh[hour == h].mean() for h in range(24)])
    # published SE1 2023 max-hour/min-hour 1.68 (spot_price_peak_offpeak.csv); 2 % for rounding
    assert by_hour.max() / by_hour.min() == pytest.approx(1.68, rel=0.02)


@pytest.mark.parametrize("zone", ["SE1", "SE2", "SE3", "SE4"])
def test_flat_carbon_is_the_electricity_maps_2023_figure(zone):
    g = load_grid(f"builtin:{zone.lower()}", carbon_profile="flat")
    assert np.all(g.carbon_g_per_kwh == CARBON_2023_G_PER_KWH[zone])
    assert "flat" in g.source and "Electricity Maps" in g.source


@pytest.mark.parametrize("zone", ["SE1", "SE2", "SE3", "SE4"])
def test_hourly_carbon_keeps_the_zone_level_and_the_hours_of_the_generation_mix(zone):
    from dcsim.grid.builtin import hourly_carbon_shape
    from dcsim.grid.carbon import hourly_carbon_g_per_kwh

    g = load_grid(f"builtin:{zone.lower()}")  # price year 2023, hourly carbon by default
    c = g.carbon_g_per_kwh
    # 2019's hours read onto 2023's calendar repeat or skip a day or two at the year's ends
    # (whole-week mapping), so the yearly mean is the published figure to within 0.1 %
    assert c.mean() == pytest.approx(CARBON_2023_G_PER_KWH[zone], rel=1e-3)
    shape_t, shape = hourly_carbon_g_per_kwh(2019)
    scale = CARBON_2023_G_PER_KWH[zone] / shape.mean()
    np.testing.assert_allclose(c, hourly_carbon_shape(g.time_utc, 2019) * scale, rtol=1e-15)
    # Monday 2023-01-09 00:00 CET reads Monday 2019-01-07 00:00 CET (whole weeks, the same weekday and hour)
    i = int(np.flatnonzero(g.time_utc == np.datetime64("2023-01-08T23:00"))[0])
    j = int(np.flatnonzero(shape_t == np.datetime64("2019-01-06T23:00"))[0])
    assert c[i] == pytest.approx(shape[j] * scale, rel=1e-15)
    # it varies: the 5th-95th percentile spread of Swedish generation (about 23-39 g around 30 g in 2019)
    p5, p95 = np.percentile(c, [5, 95])
    assert p95 / p5 > 1.5 and np.all(c > 0)
    assert "hourly, a scaled profile, not a measured zone series" in g.source


def test_source_says_typical_not_measured():
    g = load_grid("builtin:se1", **TYPICAL)
    assert "typical profile built from published yearly/monthly/hour-of-day means, not a measured series" in g.source
    assert g.zone == "SE1"


def test_default_price_components():
    # tax: standard rate 2026, 36.0 öre/kWh after the cut of 1 January 2026 (data centres pay
    # the standard rate since 2023-07-01)
    expected_network = {"SE1": 0.039, "SE2": 0.039, "SE3": 0.095, "SE4": 0.068}
    for zone, fee in expected_network.items():
        g = load_grid(f"builtin:{zone.lower()}", **TYPICAL)
        np.testing.assert_allclose(g.tax_sek_per_kwh, 0.360, rtol=0, atol=1e-12)
        np.testing.assert_allclose(g.network_sek_per_kwh, fee, rtol=0, atol=1e-12)
        np.testing.assert_allclose(
            g.price_sek_per_kwh, g.spot_sek_per_kwh + g.tax_sek_per_kwh + g.network_sek_per_kwh, atol=1e-12
        )
        assert g.price_sek_per_kwh.mean() == pytest.approx(YEARLY_2023_SEK_PER_KWH[zone] + 0.360 + fee, abs=1e-9)


def test_include_tax_and_network_switches():
    g = load_grid("builtin:se1", include_tax=False, include_network=False)
    assert np.all(g.tax_sek_per_kwh == 0) and np.all(g.network_sek_per_kwh == 0)
    np.testing.assert_array_equal(g.price_sek_per_kwh, g.spot_sek_per_kwh)


def test_tax_options():
    north = load_grid("builtin:se1", tax_category="reduced-north", tax_year=2024)
    assert north.tax_sek_per_kwh[0] == pytest.approx(0.332, abs=1e-12)
    assert "inference" in north.source
    old = load_grid("builtin:se1", tax_category="datacenter", tax_year=2022)
    assert old.tax_sek_per_kwh[0] == pytest.approx(0.005, abs=1e-12)
    explicit = load_grid("builtin:se1", tax_sek_per_kwh=0.1)
    assert explicit.tax_sek_per_kwh[0] == 0.1
    with pytest.raises(InputError, match="data-centre rate ended 2023-07-01"):
        load_grid("builtin:se1", tax_category="datacenter", tax_year=2024)


def test_time_of_use_network_tariff():
    g = load_grid("builtin:se3", network_operator="lerum-energi-2024")
    month, hour, weekday = local_calendar(g.time_utc)
    high = np.isin(month, [11, 12, 1, 2, 3]) & (weekday < 5) & (hour >= 6) & (hour < 22)
    assert np.all(g.network_sek_per_kwh[high] == pytest.approx(0.1708))
    assert np.all(g.network_sek_per_kwh[~high] == pytest.approx(0.1428))


def test_scales_and_constants():
    base = load_grid("builtin:se2")
    g = load_grid("builtin:se2", price_scale=1.5, carbon_scale=2.0)
    np.testing.assert_allclose(g.price_sek_per_kwh, 1.5 * base.price_sek_per_kwh, rtol=1e-12)
    np.testing.assert_allclose(g.tax_sek_per_kwh, 1.5 * base.tax_sek_per_kwh, rtol=1e-12)
    np.testing.assert_allclose(g.carbon_g_per_kwh, 2.0 * base.carbon_g_per_kwh, rtol=1e-15)
    c = load_grid("builtin:se2", carbon_g_per_kwh=50.0, price_sek_per_kwh=1.2)
    assert np.all(c.carbon_g_per_kwh == 50.0) and np.all(c.price_sek_per_kwh == 1.2)
    assert np.all(c.tax_sek_per_kwh == 0)


def test_carbon_year_follows_price_year_or_nearest():
    flat = {"carbon_profile": "flat"}
    assert load_grid("builtin:se4", price_year=2021, **flat).carbon_g_per_kwh[0] == 51  # Electricity Maps 2021
    for options in ({"price_year": 2019}, {"year": 2019, **TYPICAL}):
        g = load_grid("builtin:se4", **options, **flat)
        assert g.carbon_g_per_kwh[0] == 51 and "nearest year used" in g.source
    assert load_grid("builtin:se4", **TYPICAL, **flat).carbon_g_per_kwh[0] == 40  # the typical profile's year, 2023
    assert load_grid("builtin:se4", carbon_year=2024, **flat).carbon_g_per_kwh[0] == 39
    # hourly: the price year 2019 has its own generation mix, scaled to the 2021 figure
    g = load_grid("builtin:se4", price_year=2019)
    assert g.carbon_g_per_kwh.mean() == pytest.approx(51.0, rel=1e-12)  # its own year: the mean exactly
    assert "in 2019" in g.source


def test_carbon_profile_is_checked():
    with pytest.raises(InputError) as err:
        load_grid("builtin:se1", options_path="o", carbon_profile="monthly")
    assert [p.path for p in err.value.problems] == ["o.carbon_profile"]
    with pytest.raises(InputError, match="does not apply with a constant carbon_g_per_kwh"):
        load_grid("builtin:se1", carbon_profile="flat", carbon_g_per_kwh=10.0)


def test_leap_price_year_is_first_365_days():
    g = load_grid("builtin:se3", year=2020, **TYPICAL)
    assert len(g) == 8760 and g.time_utc[0] == np.datetime64("2020-01-01T00:00:00")
    assert abs(g.spot_sek_per_kwh.mean() - 0.221) < 1e-9  # exact by construction


def test_deterministic():
    a = load_grid("builtin:se3")
    b = load_grid("builtin:se3")
    for name in ("carbon_g_per_kwh", "price_sek_per_kwh", "spot_sek_per_kwh", "tax_sek_per_kwh", "network_sek_per_kwh"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes()
    assert a.source == b.source


def test_case_insensitive_and_catalogue():
    assert load_grid("BUILTIN:SE1").zone == "SE1"
    # bare names, used as "builtin:<name>" (the convention of scenario validation and `dcsim catalog`)
    assert set(BUILTIN_GRIDS) == {"se1", "se2", "se3", "se4"}
    assert all("real hourly ENTSO-E day-ahead prices 2016-2023" in d and '"typical"' in d for d in BUILTIN_GRIDS.values())


def test_unknown_builtin_did_you_mean():
    with pytest.raises(InputError) as exc:
        load_grid("builtin:se5")
    assert "did you mean 'builtin:se" in str(exc.value)
    assert exc.value.paths == ["site.grid"]


def test_invalid_options_all_reported():
    with pytest.raises(InputError) as exc:
        load_grid("builtin:se1", price_year=2015, price_scale=-1, include_tax="yes", network_operator="vattenfall",
                  pric_scale=2)
    text = str(exc.value)
    assert '2016-2023 or "typical"' in text
    assert "did you mean 'price_scale'" in text
    paths = set(exc.value.paths)
    assert {"price_year", "price_scale", "include_tax", "network_operator", "pric_scale"} <= paths


def test_typical_year_option_needs_the_typical_profile():
    with pytest.raises(InputError) as exc:
        load_grid("builtin:se1", year=2019)  # the typical profile's year, without price_year = "typical"
    assert exc.value.paths == ["year"] and 'price_year = "typical"' in str(exc.value)
    with pytest.raises(InputError, match="typical SE1 profile years: 2018-2023"):
        load_grid("builtin:se1", year=2016, **TYPICAL)


def test_constant_price_conflicts_with_tax_options():
    with pytest.raises(InputError, match="constant all-in price"):
        load_grid("builtin:se1", price_sek_per_kwh=1.0, include_tax=True)


def test_options_path_prefix():
    with pytest.raises(InputError) as exc:
        load_grid("builtin:se1", options_path="site.grid_options", price_scale=float("nan"))
    assert exc.value.paths == ["site.grid_options.price_scale"]
