"""Synthetic typical years: monthly normals reproduced, determinism, humidity, diurnal cycle."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from dcsim.climate import BUILTIN_CLIMATES, psychro, synthetic_year
from dcsim.climate.synthetic import (
    MEAN_RH_PCT,
    assumptions_table,
    normalize_site_key,
    site_normals,
)
from dcsim.errors import InputError

SITES = ["lulea", "umea", "stockholm", "goteborg", "malmo"]
SHARED_NORMALS = "data/climate/swedish_monthly_normals.csv"  # in the shared folder (tests/conftest.py)


def _months(w):
    return w.time_utc.astype("datetime64[M]").astype(np.int64) % 12


def _monthly_means(values, months):
    return np.array([values[months == m].mean() for m in range(12)])


def _solar_hour(w):
    hours_utc = (w.time_utc.astype("datetime64[h]").astype(np.int64)) % 24
    return np.floor(np.mod(hours_utc + w.longitude / 15.0, 24.0)).astype(int)


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("seed", [0, 1, 42, 2025])
def test_monthly_means_reproduce_the_normals(site, seed):
    w = synthetic_year(site, seed=seed)
    got = _monthly_means(w.drybulb_c, _months(w))
    want = np.array(site_normals(site).t_mean_c)
    # the brief's bar is 0.3 °C; the generator restores monthly means exactly (round-off)
    np.testing.assert_allclose(got, want, atol=0.3)
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_lulea_january_and_july():
    w = synthetic_year("lulea", seed=7)
    m = _monthly_means(w.drybulb_c, _months(w))
    # REFERENCES.md: Luleå Jan -8.5 °C, Jul 16.3 °C (SMHI 1991-2020); exact up to round-off
    assert m[0] == pytest.approx(-8.5, abs=1e-9)
    assert m[6] == pytest.approx(16.3, abs=1e-9)


@pytest.mark.parametrize("site", SITES)
def test_same_seed_is_bit_identical_and_independent_of_global_state(site):
    # (the humidity range of every site: test_humidity_is_physical_and_matches_the_stated_assumption)
    np.random.seed(1)
    a = synthetic_year(site, seed=5)
    np.random.seed(99)
    _ = np.random.random(10)
    b = synthetic_year(site, seed=5)
    for name in ("drybulb_c", "rh_pct", "pressure_pa"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = synthetic_year(site, seed=6)
    assert not np.array_equal(a.drybulb_c, c.drybulb_c)
    assert not np.array_equal(a.rh_pct, c.rh_pct)


@pytest.mark.parametrize("site", SITES)
def test_humidity_is_physical_and_matches_the_stated_assumption(site):
    w = synthetic_year(site, seed=3)
    assert np.all(w.rh_pct > 0.0) and np.all(w.rh_pct <= 100.0)
    assert np.all(w.dewpoint_c <= w.drybulb_c + 1e-9)  # 1e-9 K: round-off
    table = assumptions_table(site)
    got = _monthly_means(w.rh_pct, _months(w))
    # calibrated to 0.05 % RH per month
    np.testing.assert_allclose(got, table["mean_rh_pct"].to_numpy(), atol=0.05)
    # Nordic coastal climate: winter RH high, late-spring/summer RH lower
    assert got[11] > 85.0 and got[0] > 85.0 and got[5] < 75.0
    assert MEAN_RH_PCT[site][0] > MEAN_RH_PCT[site][1]


def test_diurnal_cycle_peaks_in_the_afternoon():
    w = synthetic_year("stockholm", seed=11)
    months = _months(w)
    hour = _solar_hour(w)
    jul = months == 6
    profile = np.array([w.drybulb_c[jul & (hour == h)].mean() for h in range(24)])
    # maximum near 15, minimum near 05 local solar time (one hour either way: month-mean noise)
    assert 14 <= int(np.argmax(profile)) <= 16
    assert 4 <= int(np.argmin(profile)) <= 6
    # RH peaks near dawn (dew point nearly constant over the day)
    rh_profile = np.array([w.rh_pct[jul & (hour == h)].mean() for h in range(24)])
    assert 2 <= int(np.argmax(rh_profile)) <= 7


def test_no_jumps_and_a_smooth_seasonal_curve():
    w = synthetic_year("lulea", seed=2)
    # hourly changes stay small: no steps at midnight or at month boundaries
    assert np.max(np.abs(np.diff(w.drybulb_c))) < 3.0
    calm = synthetic_year("lulea", seed=2, diurnal_range_k=0.0, day_to_day_sd_k=0.0)
    # without weather and diurnal cycle only the seasonal curve is left: changes of at most
    # about 0.3 K per day (the steepest spring warming)
    assert np.max(np.abs(np.diff(calm.drybulb_c))) < 0.02
    # it is the same for every seed
    np.testing.assert_array_equal(
        calm.drybulb_c, synthetic_year("lulea", seed=3, diurnal_range_k=0.0, day_to_day_sd_k=0.0).drybulb_c
    )


def test_overrides_apply():
    w = synthetic_year("malmo", seed=1, mean_rh_pct=75.0, diurnal_range_k=10.0, day_to_day_sd_k=0.0)
    months = _months(w)
    # calibrated to 0.05 % RH per month
    np.testing.assert_allclose(_monthly_means(w.rh_pct, months), 75.0, atol=0.05)
    days = w.drybulb_c.reshape(365, 24)
    # with no day-to-day weather, each day's max - min is the diurnal range (10 K) minus
    # hourly sampling and the slow seasonal drift: between 9.5 and 10.5 K
    ranges = days.max(axis=1) - days.min(axis=1)
    assert np.all((ranges > 9.5) & (ranges < 10.5))
    assert "mean_rh_pct=75" in w.source and "diurnal_range_k=10" in w.source


def test_bad_overrides_are_input_errors():
    with pytest.raises(InputError) as err:
        synthetic_year("malmo", seed=1, mean_rh_pct=0.0, diurnal_range_k=-1.0, day_to_day_sd_k="x")
    assert set(err.value.paths) == {"mean_rh_pct", "diurnal_range_k", "day_to_day_sd_k"}


def test_lulea_rarely_above_30_c():
    # REFERENCES.md: in Luleå, above 30 °C occurred for under 24 hours in total since 1961
    for seed in range(5):
        w = synthetic_year("lulea", seed=seed)
        assert np.count_nonzero(w.drybulb_c > 30.0) < 24


def test_metadata_and_site_names():
    w = synthetic_year("Luleå", seed=42)
    assert w.synthetic and w.typical_year
    assert len(w) == 8760 and w.step_s == 3600
    assert w.time_utc[0] == np.datetime64("2025-01-01T00:00:00")
    assert w.site_name == "Luleå"
    assert w.latitude == pytest.approx(65.543) and w.longitude == pytest.approx(22.124)
    assert "synthetic" in w.source and "SMHI 1991-2020" in w.source and "seed 42" in w.source
    # standard atmosphere at the station height, 19.9 m (ASHRAE eq. 3; round-off only)
    np.testing.assert_allclose(w.pressure_pa, psychro.standard_atmosphere_pressure_pa(19.9), rtol=1e-12)
    for name, key in [("Luleå", "lulea"), ("UMEÅ", "umea"), ("Göteborg", "goteborg"),
                      ("gothenburg", "goteborg"), ("Malmö", "malmo"), (" Stockholm ", "stockholm")]:
        assert normalize_site_key(name) == key
    assert set(BUILTIN_CLIMATES) == set(SITES)
    assert all("SMHI" in text for text in BUILTIN_CLIMATES.values())


def test_unknown_site_suggests_a_name():
    with pytest.raises(InputError) as err:
        synthetic_year("lulee", seed=1)
    msg = str(err.value)
    assert "did you mean 'lulea'" in msg and "stockholm" in msg


def test_leap_year_calendar():
    w = synthetic_year("goteborg", seed=1, year=2024)
    assert len(w) == 8760 and w.time_utc[-1] == np.datetime64("2024-12-30T23:00:00")
    got = _monthly_means(w.drybulb_c, _months(w))
    # months follow 2024's calendar (29 February); exact up to round-off
    np.testing.assert_allclose(got, site_normals("goteborg").t_mean_c, atol=1e-9)
    s = w.sample(np.datetime64("2024-12-31T00:00"), 3600, 24)
    assert np.all(np.isfinite(s.drybulb_c))


def test_packaged_normals_equal_the_shared_data(shared_file):
    normals = shared_file(SHARED_NORMALS, "the check of the packaged SMHI normals against the shared copy")
    rows = list(csv.DictReader(normals.open(encoding="utf-8")))
    for r in rows:
        n = site_normals(r["site"])
        assert n.t_mean_c[int(r["month"]) - 1] == float(r["t_mean_c"]), (r["site"], r["month"])


# --- extremes and persistence (issue 15), checked against the real Stockholm year -----------

IWEC_STOCKHOLM = "data/weather/SWE_Stockholm.Arlanda.024600_IWEC.epw"  # shared folder, not packaged


@pytest.fixture(scope="module")
def iwec_stockholm(shared_file):
    from dcsim.climate import read_epw

    path = shared_file(IWEC_STOCKHOLM, "the check of the synthetic Stockholm year against the IWEC year")
    w = read_epw(path)
    return w, _monthly_means(w.drybulb_c, _months(w))


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_synthetic_stockholm_has_the_extremes_of_the_iwec_year(iwec_stockholm, seed):
    # The built-in normals are the city station (annual mean 7.9 °C), the IWEC file is Arlanda
    # airport (6.5 °C): the year is generated with the IWEC year's own monthly means, so the
    # shape of the distribution is compared, not its level.
    real, means = iwec_stockholm
    syn = synthetic_year("stockholm", seed=seed, monthly_mean_c=means)
    t_real, t_syn = real.drybulb_c, syn.drybulb_c
    # the given means are kept exactly (round-off)
    np.testing.assert_allclose(_monthly_means(t_syn, _months(syn)), means, atol=1e-9)
    # 3 K (issue 15's bar): the spread of the 1st/99th percentile between seeds is about
    # +-2 K (-12.8..-8.4 and 22.6..25.5 °C over seeds 0-19), and the IWEC year is one sample
    assert abs(np.percentile(t_syn, 1) - np.percentile(t_real, 1)) < 3.0
    assert abs(np.percentile(t_syn, 99) - np.percentile(t_real, 99)) < 3.0
    # 15 % (issue 15's bar): hours below 0 °C vary by about +-8 % between seeds (1984..2340
    # against the IWEC year's 2147)
    below_real, below_syn = np.count_nonzero(t_real < 0.0), np.count_nonzero(t_syn < 0.0)
    assert abs(below_syn / below_real - 1.0) < 0.15
    # 5 K (issue 15's bar): the coldest hour of one year is the most variable figure (-20.5
    # to -12.4 °C over seeds 0-19 against -17.0); the Gaussian generator before issue 15 gave
    # about -11 °C and fails this
    assert abs(t_syn.min() - t_real.min()) < 5.0


def test_given_monthly_means_are_kept_bit_identical_per_seed_and_humidity_is_physical():
    means = [-30.0, -25.0, -12.0, 0.0, 8.0, 20.0, 35.0, 30.0, 15.0, 5.0, -5.0, -20.0]
    a = synthetic_year("malmo", seed=9, monthly_mean_c=means)
    b = synthetic_year("malmo", seed=9, monthly_mean_c=np.array(means))
    for name in ("drybulb_c", "rh_pct", "pressure_pa"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.drybulb_c, synthetic_year("malmo", seed=10, monthly_mean_c=means).drybulb_c)
    # exact up to round-off: step 4 restores every month's mean
    np.testing.assert_allclose(_monthly_means(a.drybulb_c, _months(a)), means, atol=1e-9)
    assert np.all(a.rh_pct > 0.0) and np.all(a.rh_pct <= 100.0)
    assert np.all(np.isfinite(a.drybulb_c)) and np.all(a.dewpoint_c <= a.drybulb_c + 1e-9)  # round-off
    assert "given monthly means" in a.source and "seed 9" in a.source
    table = assumptions_table("malmo", monthly_mean_c=means)
    np.testing.assert_array_equal(table["t_mean_c"].to_numpy(), means)


@pytest.mark.parametrize(
    "value,fragment",
    [
        ([1.0] * 11, "got 11 values"),
        ([1.0] * 11 + [float("nan")], "dec nan"),
        ([1.0] * 11 + [float("inf")], "dec inf"),
        ([55.0] + [1.0] * 11, "jan 55"),
        ([1.0] * 11 + ["x"], "not all are numbers"),
        ("warm", "must be a list"),
    ],
)
def test_bad_monthly_means_are_input_errors(value, fragment):
    with pytest.raises(InputError) as err:
        synthetic_year("stockholm", seed=1, monthly_mean_c=value)
    assert err.value.paths == ["monthly_mean_c"]
    assert fragment in str(err.value) and "[-50, 40]" in str(err.value)


def test_skew_transform_has_the_stated_moments():
    from dcsim.climate._seasonal import lognormal_sigma, skewed

    # lognormal skewness (e^(s^2) + 2) sqrt(e^(s^2) - 1), inverted: round-off after Newton
    for g in (0.1, 0.6, 0.9, 2.0):
        s2 = lognormal_sigma(np.array(g)) ** 2
        assert (math.exp(s2) + 2.0) * math.sqrt(math.expm1(s2)) == pytest.approx(g, rel=1e-12)
    z = np.random.default_rng(0).standard_normal(2_000_000)
    for g in (-0.9, -0.3, 0.2):
        x = skewed(z, np.full(z.size, g))
        sk = np.mean((x - x.mean()) ** 3) / x.std() ** 3
        # 2e6 samples: standard error of the mean 7e-4, of the variance about 1.5e-3, of the
        # skewness about 3e-3 (more for heavier tails); 5-10x those
        assert abs(x.mean()) < 5e-3 and abs(x.var() - 1.0) < 2e-2 and abs(sk - g) < 3e-2
        assert np.all(np.diff(x[np.argsort(z)]) >= 0.0)  # increasing in z: spells keep their order
    np.testing.assert_array_equal(skewed(z[:10], np.zeros(10)), z[:10])  # Gaussian limit


def test_winters_have_a_cold_tail_and_clear_cold_nights():
    # pooled over 10 seeds of Luleå (assumed January skewness -0.9): the within-month daily
    # anomalies of December-February are skewed cold (a Gaussian generator gives about 0,
    # with a pooled standard error near 0.1), and the coldest days have a wider diurnal
    # cycle than the mildest (clear-sky factor, 0.4..1.6)
    anomalies, cold_range, mild_range = [], [], []
    for seed in range(10):
        w = synthetic_year("lulea", seed=seed)
        days = w.drybulb_c.reshape(365, 24)
        month = _months(w).reshape(365, 24)[:, 0]
        daily = days.mean(axis=1)
        anomaly = daily - _monthly_means(daily, month)[month]
        winter = np.isin(month, [11, 0, 1])
        a, span = anomaly[winter], np.ptp(days, axis=1)[winter]
        anomalies.append(a)
        cold_range.append(span[a <= np.percentile(a, 10)].mean())
        mild_range.append(span[a >= np.percentile(a, 90)].mean())
    a = np.concatenate(anomalies)
    assert np.mean((a - a.mean()) ** 3) / a.std() ** 3 < -0.3
    assert np.mean(cold_range) > 1.3 * np.mean(mild_range)
