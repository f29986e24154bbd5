"""GridSeries.sample: step-hold at step midpoints, typical-year wrap, coverage."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from dcsim.errors import InputError
from dcsim.grid import GridSeries, load_grid
from dcsim.grid._calendar import stockholm_utc_offset_s

H = 3600


def _dated(n=6, start="2023-03-01T00:00:00", step_s=H, file=None):
    t = np.datetime64(start, "s") + np.arange(n) * np.timedelta64(step_s, "s")
    price = np.arange(n, dtype=float)
    return GridSeries(
        time_utc=t,
        carbon_g_per_kwh=10.0 * np.arange(n),
        price_sek_per_kwh=price,
        spot_sek_per_kwh=price,
        tax_sek_per_kwh=np.zeros(n),
        network_sek_per_kwh=np.zeros(n),
        zone="custom",
        source="test",
        typical_year=False,
        file=file,
    )


def test_step_hold_within_hour():
    g = _dated()
    # 15-min steps from 00:00: midpoints 00:07:30, 00:22:30, ... -> four steps per hour
    s = g.sample(np.datetime64("2023-03-01T00:00:00"), 900, 12)
    np.testing.assert_array_equal(s.price_sek_per_kwh, np.repeat([0.0, 1.0, 2.0], 4))
    np.testing.assert_array_equal(s.carbon_g_per_kwh, np.repeat([0.0, 10.0, 20.0], 4))


def test_midpoint_decides_the_hour():
    g = _dated()
    # a 1 h step starting at 00:40 has its midpoint at 01:10 -> hour 1 (no interpolation)
    s = g.sample(np.datetime64("2023-03-01T00:40:00"), H, 2)
    np.testing.assert_array_equal(s.price_sek_per_kwh, [1.0, 2.0])
    # odd step: 1 s steps from 00:59:59 -> midpoint 00:59:59.5 is still hour 0
    s = g.sample(np.datetime64("2023-03-01T00:59:59"), 1, 2)
    np.testing.assert_array_equal(s.price_sek_per_kwh, [0.0, 1.0])


def test_coverage_required_for_dated_series():
    g = _dated(file="prices.csv")
    g.sample(np.datetime64("2023-03-01T00:00:00"), 60, 6 * 60)  # exactly covered
    with pytest.raises(InputError) as exc:
        g.sample(np.datetime64("2023-03-01T00:00:00"), 60, 6 * 60 + 1)
    assert "prices.csv" in str(exc.value) and "covers" in str(exc.value)
    with pytest.raises(InputError):
        g.sample(np.datetime64("2023-02-28T23:00:00"), 60, 10)


def test_typical_year_maps_time_of_year():
    g = load_grid("builtin:se3", price_year="typical")
    # 2030-06-15 10:30 UTC reads the profile hour of 15 June 10:00 UTC
    s = g.sample(np.datetime64("2030-06-15T10:00:00"), H, 1)
    hour_of_year = (np.datetime64("2023-06-15T10:00") - np.datetime64("2023-01-01T00:00")) // np.timedelta64(1, "h")
    assert s.price_sek_per_kwh[0] == g.price_sek_per_kwh[hour_of_year]


def test_typical_year_wraps_at_year_end():
    g = load_grid("builtin:se1", price_year="typical")
    # across New Year: 31 Dec 23:00 then 1 Jan 00:00 of the next year
    s = g.sample(np.datetime64("2030-12-31T23:00:00"), H, 2)
    np.testing.assert_array_equal(s.spot_sek_per_kwh, g.spot_sek_per_kwh[[8759, 0]])
    # leap year: 31 December (day 366) wraps to 1 January
    s = g.sample(np.datetime64("2028-12-31T05:00:00"), H, 1)
    assert s.spot_sek_per_kwh[0] == g.spot_sek_per_kwh[5]
    # a full simulated year at 1-min steps hits every profile hour 60 times
    idx = g.index(np.datetime64("2031-01-01T00:00:00"), 60, 365 * 24 * 60)
    assert np.all(np.bincount(idx, minlength=8760) == 60)


def test_sample_returns_all_components():
    g = load_grid("builtin:se2")
    s = g.sample(np.datetime64("2023-01-01T00:00:00"), 60, 120)
    d = s.as_dict()
    assert set(d) == {"carbon_g_per_kwh", "price_sek_per_kwh", "spot_sek_per_kwh", "tax_sek_per_kwh", "network_sek_per_kwh"}
    np.testing.assert_allclose(d["price_sek_per_kwh"], d["spot_sek_per_kwh"] + d["tax_sek_per_kwh"] + d["network_sek_per_kwh"])
    assert all(v.shape == (120,) for v in d.values())


def test_sample_is_deterministic():
    g = load_grid("builtin:se4")
    a = g.sample(np.datetime64("2024-05-01T00:00:00"), 60, 10_000)
    b = g.sample(np.datetime64("2024-05-01T00:00:00"), 60, 10_000)
    assert a.price_sek_per_kwh.tobytes() == b.price_sek_per_kwh.tobytes()


def test_arrays_are_read_only():
    g = load_grid("builtin:se1")
    with pytest.raises(ValueError):
        g.price_sek_per_kwh[0] = 0.0


def test_series_validation():
    with pytest.raises(ValueError, match="spot \\+ tax \\+ network"):
        GridSeries(
            time_utc=np.datetime64("2023-01-01T00", "s") + np.arange(3) * np.timedelta64(H, "s"),
            carbon_g_per_kwh=np.zeros(3),
            price_sek_per_kwh=np.ones(3),
            spot_sek_per_kwh=np.zeros(3),
            tax_sek_per_kwh=np.zeros(3),
            network_sek_per_kwh=np.zeros(3),
            zone="x",
            source="x",
            typical_year=False,
        )


@pytest.mark.parametrize("year", [2018, 2020, 2023, 2024, 2030])
def test_summer_time_rule_matches_tz_database(year):
    t = np.datetime64(f"{year}-01-01T00:00:00", "s") + np.arange(0, 366 * 24) * np.timedelta64(H, "s")
    ours = stockholm_utc_offset_s(t)
    tz = ZoneInfo("Europe/Stockholm")
    ref = np.array(
        [int(datetime.fromtimestamp(int(x), timezone.utc).astimezone(tz).utcoffset().total_seconds()) for x in t.astype(np.int64)]
    )
    np.testing.assert_array_equal(ours, ref)
