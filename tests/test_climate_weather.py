"""Weather: validation and resampling to step midpoints (linear in time, periodic typical years)."""

from __future__ import annotations

import numpy as np
import pytest

from dcsim.climate import Weather, WeatherSample, psychro, synthetic_year
from dcsim.errors import InputError

H = np.timedelta64(3600, "s")


def _weather(t_c, rh_pct, *, start="2025-01-01T00:00", step_s=3600, typical=False, p_pa=101325.0):
    n = len(t_c)
    return Weather(
        time_utc=np.datetime64(start, "s") + np.arange(n) * np.timedelta64(step_s, "s"),
        drybulb_c=np.asarray(t_c, dtype=float),
        rh_pct=np.asarray(rh_pct, dtype=float),
        pressure_pa=np.full(n, p_pa),
        site_name="test",
        latitude=60.0,
        longitude=18.0,
        source="hand-made test series",
        typical_year=typical,
    )


def _year_ramp(start="2025-01-01T00:00"):
    """Typical year whose dry bulb equals the hour index (0 .. 8759), RH 50 %."""
    n = 8760
    return _weather(np.arange(n, dtype=float) / 100.0, np.full(n, 50.0), start=start, typical=True)


def test_sample_is_linear_at_midpoints():
    w = _weather([0.0, 10.0, 20.0, 30.0], [50.0] * 4)
    s = w.sample(np.datetime64("2025-01-01T00:00"), 3600, 3)
    assert isinstance(s, WeatherSample) and len(s) == 3
    # midpoints 00:30, 01:30, 02:30 of a linear ramp; exact up to round-off
    np.testing.assert_allclose(s.drybulb_c, [5.0, 15.0, 25.0], atol=1e-12)
    s = w.sample(np.datetime64("2025-01-01T00:00"), 60, 3)
    # minute steps: midpoints 0.5, 1.5, 2.5 min -> 10 K/h * t
    np.testing.assert_allclose(s.drybulb_c, np.array([0.5, 1.5, 2.5]) * 10.0 / 60.0, atol=1e-12)


def test_sample_is_psychrometrically_consistent():
    w = _weather([-5.0, 0.0, 8.0, 20.0], [95.0, 80.0, 60.0, 40.0], p_pa=98000.0)
    s = w.sample(np.datetime64("2025-01-01T00:00"), 600, 18)
    w_ref = psychro.humidity_ratio_from_dewpoint(s.dewpoint_c, s.pressure_pa)
    # the sample's W, RH and wet bulb come from its own dry bulb and dew point (round-off only)
    np.testing.assert_allclose(s.humidity_ratio_kg_per_kg, w_ref, rtol=1e-12)
    np.testing.assert_allclose(s.rh_pct, psychro.rh_pct_from_humidity_ratio(s.drybulb_c, w_ref, s.pressure_pa), rtol=1e-10)
    np.testing.assert_allclose(s.wetbulb_c, psychro.wetbulb_c_from_humidity_ratio(s.drybulb_c, w_ref, s.pressure_pa), atol=1e-6)
    np.testing.assert_array_equal(s.pressure_pa, 98000.0)


def test_interpolation_never_supersaturates():
    # saturated at both ends: interpolating W linearly would exceed saturation at the midpoint
    w = _weather([0.0, 20.0], [100.0, 100.0])
    s = w.sample(np.datetime64("2025-01-01T00:00"), 360, 10)
    w_sat = psychro.saturation_humidity_ratio(s.drybulb_c, s.pressure_pa)
    assert np.all(s.rh_pct <= 100.0)
    # the humidity ratio stays at or below saturation (1e-12 relative: round-off)
    assert np.all(s.humidity_ratio_kg_per_kg <= w_sat * (1 + 1e-12))
    np.testing.assert_allclose(s.dewpoint_c, s.drybulb_c, atol=1e-6)  # saturated: T_d = T


def test_typical_year_wraps_across_new_year():
    w = _year_ramp()
    # 31 Dec 23:00 .. 1 Jan 00:00 of another year: midpoint 23:30 halfway between the last
    # value (87.59) and the first (0.0)
    s = w.sample(np.datetime64("2031-12-31T23:00"), 3600, 2)
    # linear interpolation across the periodic boundary (round-off only)
    np.testing.assert_allclose(s.drybulb_c, [87.59 / 2.0, 0.005], atol=1e-9)


def test_typical_year_maps_by_time_of_year_and_leap_years_shift():
    w = _year_ramp()
    a = w.sample(np.datetime64("2025-03-01T00:00"), 3600, 24)
    b = w.sample(np.datetime64("2019-03-01T00:00"), 3600, 24)
    np.testing.assert_array_equal(a.drybulb_c, b.drybulb_c)
    # in a leap year 1 March is one day later in the year: it reads the typical 2 March
    c = w.sample(np.datetime64("2024-03-01T00:00"), 3600, 24)
    d = w.sample(np.datetime64("2025-03-02T00:00"), 3600, 24)
    np.testing.assert_array_equal(c.drybulb_c, d.drybulb_c)
    # and 31 December of a leap year wraps onto 1 January
    e = w.sample(np.datetime64("2024-12-31T00:00"), 3600, 24)
    f = w.sample(np.datetime64("2025-01-01T00:00"), 3600, 24)
    np.testing.assert_array_equal(e.drybulb_c, f.drybulb_c)


def test_typical_year_stored_across_the_year_boundary():
    """A year shifted to UTC (like an EPW west of Greenwich) still maps onto 365 days."""
    w = _year_ramp(start="2025-01-01T07:00")
    s = w.sample(np.datetime64("2025-01-01T07:00"), 3600, 1)
    # 07:30 lies between the first two stored values (0.00 and 0.01)
    assert s.drybulb_c[0] == pytest.approx(0.005, abs=1e-9)  # round-off only
    s = w.sample(np.datetime64("2025-01-01T05:00"), 3600, 1)
    # 05:30 lies between the last two stored values (2026-01-01 05:00 and 06:00)
    assert s.drybulb_c[0] == pytest.approx(87.585, abs=1e-9)  # round-off only
    w2 = _year_ramp(start="2024-12-31T22:00")  # east of Greenwich, spilling into a leap year
    s = w2.sample(np.datetime64("2025-12-31T22:00"), 3600, 1)
    assert s.drybulb_c[0] == pytest.approx(0.005, abs=1e-9)  # round-off only


def test_measured_series_must_cover_the_period():
    w = _weather([1.0, 2.0, 3.0], [50.0] * 3, start="2025-06-01T00:00")
    # half a data step beyond each end is accepted (each value stands for its own hour)
    s = w.sample(np.datetime64("2025-06-01T00:00"), 3600, 3)
    np.testing.assert_allclose(s.drybulb_c, [1.5, 2.5, 3.0], atol=1e-12)
    with pytest.raises(InputError) as err:
        w.sample(np.datetime64("2025-06-01T00:00"), 3600, 5)
    msg = str(err.value)
    assert "2025-06-01T02:00:00" in msg and "no data for" in msg and "2025-06-01T05:00:00" in msg
    with pytest.raises(InputError, match="no data for 2025-05-31"):
        w.sample(np.datetime64("2025-05-31T00:00"), 3600, 24)


def test_year_at_one_minute_steps():
    w = synthetic_year("stockholm", seed=1)
    s = w.sample(np.datetime64("2025-01-01T00:00"), 60, 525_600)
    assert len(s) == 525_600
    for name in ("drybulb_c", "rh_pct", "pressure_pa", "humidity_ratio_kg_per_kg", "dewpoint_c", "wetbulb_c"):
        assert np.all(np.isfinite(getattr(s, name))), name
    assert np.all((s.rh_pct > 0) & (s.rh_pct <= 100))
    # the 1-minute mean equals the hourly mean up to the half-hour shift of the midpoints
    assert s.drybulb_c.mean() == pytest.approx(w.drybulb_c.mean(), abs=0.01)


def test_weather_validates_and_freezes_its_arrays():
    w = _weather([1.0, 2.0], [50.0, 60.0])
    assert not w.drybulb_c.flags.writeable and not w.time_utc.flags.writeable
    assert w.step_s == 3600 and len(w) == 2
    assert w.time_utc.dtype == np.dtype("datetime64[s]")
    with pytest.raises(ValueError, match="constant step"):
        Weather(np.array(["2025-01-01T00", "2025-01-01T01", "2025-01-01T03"], dtype="datetime64[s]"),
                [1.0, 2.0, 3.0], [50.0] * 3, 101325.0, "x", 0.0, 0.0, "test")
    with pytest.raises(ValueError, match="shape"):
        _weather([1.0, 2.0], [50.0])
    with pytest.raises(ValueError, match="rh_pct"):
        _weather([1.0, 2.0], [50.0, 101.0])
    with pytest.raises(ValueError, match="365 days"):
        _weather([1.0, 2.0], [50.0, 50.0], typical=True)
    frame = w.to_frame()
    assert list(frame.columns) == ["drybulb_c", "rh_pct", "pressure_pa", "dewpoint_c"]
    assert str(frame.index.tz) == "UTC"


def test_sample_accepts_aware_datetimes():
    import datetime as dt

    w = _weather([0.0, 10.0, 20.0, 30.0], [50.0] * 4)
    cet = dt.timezone(dt.timedelta(hours=1))
    s = w.sample(dt.datetime(2025, 1, 1, 1, 0, tzinfo=cet), 3600, 2)  # 00:00 UTC
    np.testing.assert_allclose(s.drybulb_c, [5.0, 15.0], atol=1e-12)  # round-off only


def test_weather_pickles():
    import pickle

    w = synthetic_year("umea", seed=1)
    w2 = pickle.loads(pickle.dumps(w))
    np.testing.assert_array_equal(w2.drybulb_c, w.drybulb_c)
    np.testing.assert_array_equal(w2.dewpoint_c, w.dewpoint_c)
    assert w2.source == w.source and w2.typical_year


def test_sample_rejects_bad_arguments():
    w = _weather([1.0, 2.0], [50.0, 60.0])
    with pytest.raises(ValueError):
        w.sample(np.datetime64("2025-01-01T00:00"), 0, 1)
    with pytest.raises(ValueError):
        w.sample(np.datetime64("2025-01-01T00:00"), 60, -1)
    assert len(w.sample(np.datetime64("2025-01-01T00:00"), 60, 0)) == 0
