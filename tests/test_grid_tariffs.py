"""Network power fees (dcsim.grid.tariffs): the hourly peak, the billing periods, pro rata, and
the options that choose them; checked against a plain loop over hours and hand-computed bills."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from dcsim.errors import InputError
from dcsim.grid import PowerFee, load_grid, operator_power_fees, power_fee_sek
from dcsim.grid._calendar import local_year_bounds_s
from dcsim.grid.tariffs import hourly_mean_kw

STOCKHOLM = ZoneInfo("Europe/Stockholm")  # an independent calendar: the IANA database, not dcsim's rule
SUNDSVALL = operator_power_fees()["sundsvall-elnat-2024"]


def _s(iso: str) -> int:
    return int(np.datetime64(iso, "s").astype(np.int64))


def _naive_fee(power_kw, start_s, step_s, fees):
    """The bill by a plain loop: hourly means by clock hour, local calendar from zoneinfo, the
    peak per local month/year among matching hours, pro rata the seconds simulated."""
    hours: dict[int, list[float]] = {}
    for k, p in enumerate(power_kw):
        t = start_s + k * step_s
        hours.setdefault(t // 3600, []).append(p)
    out = {}
    for fee in fees:
        peaks: dict[tuple, float] = {}
        covered: dict[tuple, float] = {}
        for h, values in hours.items():
            local = dt.datetime.fromtimestamp(h * 3600, STOCKHOLM)
            key = (local.year, local.month) if fee.period == "month" else (local.year,)
            covered[key] = covered.get(key, 0.0) + len(values) * step_s
            ok = (fee.months is None or local.month in fee.months) and (not fee.weekdays_only or local.weekday() < 5)
            ok = ok and (fee.hours is None or fee.hours[0] <= local.hour < fee.hours[1])
            if ok:
                peaks[key] = max(peaks.get(key, 0.0), sum(values) / len(values))
        total = 0.0
        for key, sec in covered.items():
            if fee.period == "month":
                y, m = key
                a = dt.datetime(y, m, 1, tzinfo=STOCKHOLM)
                b = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=STOCKHOLM)
            else:
                a = dt.datetime(key[0], 1, 1, tzinfo=STOCKHOLM)
                b = dt.datetime(key[0] + 1, 1, 1, tzinfo=STOCKHOLM)
            length = b.timestamp() - a.timestamp()
            total += fee.sek_per_kw * peaks.get(key, 0.0) * sec / length
        out[fee.component] = total
    return out


def test_a_constant_load_over_the_swedish_year_pays_twelve_months_exactly():
    # Sundsvall Elnät 2024: 21 SEK/kW/month on every month's peak + 66 SEK/kW/month on the
    # peak of the five high-load months (grid_power_tariffs.csv)
    start, end = local_year_bounds_s(2025)
    p = np.full((end - start) // 900, 1000.0)
    fee = power_fee_sek(p, start, 900, SUNDSVALL)
    # exact but for the float sum of twelve shares of 1 (each month wholly simulated)
    assert fee["subscription power fee (all year)"] == pytest.approx(21 * 12 * 1000.0, rel=1e-12)
    assert fee["high-load supplement"] == pytest.approx(66 * 5 * 1000.0, rel=1e-12)


def test_one_week_in_july_pays_its_share_of_the_month_and_no_high_load_fee():
    start = _s("2025-07-06T22:00:00")  # Monday 7 July 00:00 CEST
    p = np.full(7 * 24, 500.0)
    fee = power_fee_sek(p, start, 3600, SUNDSVALL)
    assert fee["subscription power fee (all year)"] == pytest.approx(21 * 500.0 * 7 * 24 / (31 * 24), rel=1e-12)
    assert fee["high-load supplement"] == 0.0  # July is not a high-load month


def test_only_the_matching_hours_set_the_high_load_peak():
    start = _s("2025-01-05T23:00:00")  # Monday 6 January 00:00 CET
    p = np.full(7 * 24, 100.0)
    p[5 * 24 + 12] = 900.0  # Saturday noon: sets the month's peak, not the high-load peak
    p[1 * 24 + 23] = 400.0  # Tuesday 23:00 local: outside 06-22
    p[2 * 24 + 10] = 250.0  # Wednesday 10:00 local: inside
    share = 7 * 24 / (31 * 24)
    fee = power_fee_sek(p, start, 3600, SUNDSVALL)
    assert fee["subscription power fee (all year)"] == pytest.approx(21 * 900.0 * share, rel=1e-12)
    assert fee["high-load supplement"] == pytest.approx(66 * 250.0 * share, rel=1e-12)


def test_the_peak_is_the_hourly_mean_not_a_step_value():
    start = _s("2025-03-03T00:00:00")
    p = np.full(4 * 24, 100.0)  # 15-minute steps over one day
    p[40] = 500.0  # one quarter hour at 500 kW: the hour's mean is 200 kW
    fee = power_fee_sek(p, start, 900, (PowerFee("x", 10.0, "month"),))
    assert fee["x"] == pytest.approx(10.0 * 200.0 * 86400 / (743 * 3600), rel=1e-12)  # March: 743 local hours


@pytest.mark.parametrize("step_s, start", [(900, "2025-03-29T10:07:30"), (3600, "2024-10-20T00:00:00"),
                                           (600, "2025-12-20T05:00:00"), (7200, "2025-01-01T00:00:00")])
def test_power_fees_equal_a_plain_loop_over_hours(step_s, start):
    rng = np.random.default_rng(7)
    n = (40 * 86400) // step_s  # 40 days: two or three billing months, a summer-time change in two cases
    p = 800.0 + 300.0 * rng.random(n)
    fees = SUNDSVALL + operator_power_fees()["lerum-energi-2024"]
    got = power_fee_sek(p, _s(start), step_s, fees)
    want = _naive_fee(p, _s(start), step_s, fees)
    for name in want:
        assert got[name] == pytest.approx(want[name], rel=1e-12), name  # same sums in another order


def test_hourly_means_of_steps_that_start_inside_an_hour():
    start = _s("2025-01-01T00:30:00")
    hour_s, mean_kw, covered_s = hourly_mean_kw(np.array([1.0, 3.0, 5.0, 7.0]), start, 1800)
    np.testing.assert_array_equal(hour_s, [_s("2025-01-01T00:00:00"), _s("2025-01-01T01:00:00"), _s("2025-01-01T02:00:00")])
    np.testing.assert_array_equal(mean_kw, [1.0, 4.0, 7.0])
    np.testing.assert_array_equal(covered_s, [1800, 3600, 1800])


def test_grid_options_choose_the_power_fees():
    assert load_grid("builtin:se1").power_fees == SUNDSVALL  # the zone's default operator
    assert load_grid("builtin:se1", include_power_fee=False).power_fees == ()
    own = load_grid("builtin:se3", power_fee_sek_per_kw_month=40.0).power_fees
    assert [(f.sek_per_kw, f.period) for f in own] == [(40.0, "month")]
    assert load_grid("builtin:se1", price_scale=2.0).power_fees[0].sek_per_kw == 42.0
    assert load_grid("builtin:se1", price_year="typical").power_fees == SUNDSVALL
    assert "Power fee: subscription power fee (all year): 21 SEK/kW/month" in load_grid("builtin:se1").source


def test_power_fee_options_that_contradict_are_refused_with_their_paths():
    with pytest.raises(InputError) as err:
        load_grid("builtin:se1", options_path="site.grid_options", include_power_fee=False,
                  power_fee_sek_per_kw_year=-1.0)
    paths = {p.path for p in err.value.problems}
    assert paths == {"site.grid_options.power_fee_sek_per_kw_year"}
    msgs = " ".join(p.message for p in err.value.problems)
    assert ">= 0" in msgs and "contradicts include_power_fee = false" in msgs
    with pytest.raises(InputError) as err:
        load_grid("builtin:se1", options_path="o", price_sek_per_kwh=1.0, include_power_fee=True)
    assert [p.path for p in err.value.problems] == ["o.include_power_fee"]


def test_a_grid_file_takes_an_explicit_power_fee(tmp_path):
    path = tmp_path / "grid.csv"
    rows = ["time,carbon_g_per_kwh,price_sek_per_kwh"]
    rows += [f"2025-01-{d:02d}T{h:02d}:00:00Z,20,1.0" for d in range(1, 32) for h in range(24)]
    path.write_text("\n".join(rows) + "\n")
    g = load_grid(str(path), power_fee_sek_per_kw_year=500.0)
    assert [(f.sek_per_kw, f.period) for f in g.power_fees] == [(500.0, "year")]
    assert load_grid(str(path)).power_fees == ()
    with pytest.raises(InputError, match="applies to built-in grids only"):
        load_grid(str(path), include_power_fee=True)


def test_scenario_keys_reach_the_bill():
    import dcsim

    base = Path(__file__).parent / "fixtures" / "scenarios" / "minimal.toml"
    over = {"simulation.duration": "2d", "simulation.step": "15min", "simulation.record_step": "15min"}
    runs = {
        name: dcsim.simulate(dcsim.load_scenario(base, overrides={**over, **extra}))
        for name, extra in {
            "default": {},
            "no_fee": {"site.grid_options.include_power_fee": False, "site.grid_options.tax_year": 2024},
            "own": {"site.grid_options.power_fee_sek_per_kw_month": 100.0},
        }.items()
    }
    k = runs["default"].kpis
    parts = ("energy_cost_spot_sek", "energy_cost_network_sek", "energy_cost_power_fee_sek", "energy_cost_tax_sek")
    assert sum(k[p] for p in parts) == pytest.approx(k["energy_cost_sek"], rel=1e-15)
    assert k["energy_cost_power_fee_sek"] > 0  # SE1: Sundsvall Elnät's fees by default
    n = runs["no_fee"].kpis
    assert n["energy_cost_power_fee_sek"] == 0.0
    assert n["energy_cost_tax_sek"] == pytest.approx(k["energy_cost_tax_sek"] * 42.8 / 36.0, rel=1e-12)  # 2024 vs 2026
    o = runs["own"].kpis
    share = 2 * 86400 / (31 * 86400)  # two days of January 2025 (the run starts 2025-01-01 00:00 UTC)
    assert o["energy_cost_power_fee_sek"] == pytest.approx(100.0 * o["peak_grid_kw"] * share, rel=1e-12)
