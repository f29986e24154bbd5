"""The site battery (dcsim.electrical.battery, dcsim.electrical.dispatch, [storage.battery]):
the step against a plain twin, its energy balance, its limits, the policies' promises
(peak shaving lowers the billed peak, arbitrage with perfect foresight never loses money) and a
run's bookkeeping with a battery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.electrical.battery import BatteryParams, hourly_schedule, run_battery
from dcsim.electrical.dispatch import (
    battery_dispatch,
    fcr_d_up_activation,
    fcr_d_up_offer,
    reserve_revenue_sek,
    step_mean_activation,
)
from dcsim.errors import InputError
from dcsim.grid import PowerFee, power_fee_sek
from dcsim.grid.reserves import reserve_prices_eur_per_mw_h

MINIMAL = Path(__file__).parent / "fixtures" / "scenarios" / "minimal.toml"
P = BatteryParams.from_round_trip(400.0, 150.0, 0.81, 0.25)  # eta 0.9 each way; reserve 100 kWh
START = int(np.datetime64("2025-01-06T00:00:00", "s").astype(np.int64))  # a Monday


def _twin(params, request, load, dt_h, e0):
    """The battery step by plain Python: limit the request, move the energy."""
    e, out = e0, []
    for r, L in zip(request, load):
        if r > 0:
            d = max(0.0, min(r, params.power_kw, L, (e - params.reserve_kwh) * params.eta_discharge / dt_h))
            e -= d * dt_h / params.eta_discharge
            out.append((0.0, d, e))
        else:
            c = max(0.0, min(-r, params.power_kw, (params.capacity_kwh - e) / (params.eta_charge * dt_h)))
            e += c * params.eta_charge * dt_h
            out.append((c, 0.0, e))
    return np.array(out)


def test_the_step_kernel_equals_a_plain_twin_and_keeps_its_limits():
    rng = np.random.default_rng(3)
    request = rng.normal(0.0, 120.0, 5000)
    load = 50.0 + 80.0 * rng.random(5000)
    run = run_battery(P, request, load, 300.0)
    twin = _twin(P, request, load, 300.0 / 3600.0, P.capacity_kwh)
    np.testing.assert_allclose(np.c_[run.charge_kw, run.discharge_kw, run.stored_kwh], twin, rtol=1e-13, atol=1e-10)
    assert np.all(run.discharge_kw <= load) and np.all(run.charge_kw <= P.power_kw)  # no export, converter power
    assert run.stored_kwh.min() >= P.reserve_kwh - 1e-9 and run.stored_kwh.max() <= P.capacity_kwh + 1e-9
    # charge - discharge - losses = change of stored energy (to round-off: 1e-9 of the throughput)
    assert run.balance_rel_error(300.0 / 3600.0) < 1e-12


def test_hourly_schedule_matches_the_hand_optimum():
    # two hours, prices 3 then 1 SEK/kWh, the battery full: discharge all 300 kWh above the
    # reserve in hour 0 (300 x 0.9 = 270 kWh delivered), recharge it in hour 1 (300 / 0.9 kWh bought)
    p = BatteryParams.from_round_trip(400.0, 1000.0, 0.81, 0.25)
    plan = hourly_schedule(p, np.array([3.0, 1.0]), np.array([1000.0, 1000.0]), np.array([1000.0, 1000.0]), 2)
    np.testing.assert_allclose(plan, [270.0, -300.0 / 0.9], rtol=1e-7)
    # prices too close for the losses (3 x 0.81 < 2.5): nothing to gain, so nothing done
    plan = hourly_schedule(p, np.array([2.5, 3.0 * 0.81]), np.full(2, 1000.0), np.full(2, 1000.0), 2)
    np.testing.assert_allclose(plan, 0.0, atol=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_arbitrage_with_perfect_foresight_never_loses_money(seed):
    rng = np.random.default_rng(seed)
    n = 7 * 24 * 4  # a week of 15-minute steps
    load = 400.0 + 60.0 * np.sin(np.arange(n) / 20.0) + 20.0 * rng.random(n)
    hourly_price = np.repeat(0.4 + 0.5 * rng.random(7 * 24) ** 3, 4)  # spiky, some hours dear
    fees = (PowerFee("m", 60.0, "month"),)
    run = battery_dispatch("arbitrage", P, load, START, 900, price_sek_per_kwh=hourly_price, fees=fees,
                           discharge_cost_sek_per_kwh=0.05)
    grid = load + run.charge_kw - run.discharge_kw
    h = 0.25
    before = float((load * hourly_price).sum() * h) + sum(power_fee_sek(load, START, 900, fees).values())
    after = (float((grid * hourly_price).sum() * h) + sum(power_fee_sek(grid, START, 900, fees).values())
             + 0.05 * float(run.discharge_kw.sum() * h))
    assert run.discharge_kw.sum() > 0  # it did trade
    assert after <= before + 1e-6  # never a loss (round-off of the LP only)
    assert sum(power_fee_sek(grid, START, 900, fees).values()) <= sum(power_fee_sek(load, START, 900, fees).values()) + 1e-6
    assert run.balance_rel_error(h) < 1e-9 and run.stored_kwh.min() >= P.reserve_kwh - 1e-9


def test_peak_shaving_lowers_the_billed_peak_and_ends_each_month_full():
    n = 14 * 24 * 4
    t_h = np.arange(n) / 4.0
    load = 500.0 + 200.0 * np.exp(-(((t_h % 24.0) - 18.0) ** 2) / 2.0)  # an evening peak of 700 kW
    run = battery_dispatch("peak-shaving", P, load, START, 900)
    grid = load + run.charge_kw - run.discharge_kw
    fee = (PowerFee("m", 60.0, "month"),)
    assert grid.max() < load.max() - 40.0  # the battery takes a real slice off the peak
    assert power_fee_sek(grid, START, 900, fee)["m"] < power_fee_sek(load, START, 900, fee)["m"]
    assert run.stored_kwh[-1] >= P.capacity_kwh - 1e-6  # no month borrows stored energy
    assert run.stored_kwh.min() >= P.reserve_kwh - 1e-9
    # a flat load cannot be shaved without borrowing energy: nothing happens
    flat = battery_dispatch("peak-shaving", P, np.full(n, 500.0), START, 900)
    assert flat.discharge_kw.max() == 0.0


def test_fcr_d_offer_and_revenue_by_hand():
    offer, held = fcr_d_up_offer(P)
    # 300 kWh above the reserve / (20 min x 1.2) = 750 kW > 150 kW converter: 0.1 MW bids -> 100 kW
    assert offer == 100.0 and held == pytest.approx(400.0 - 0.2 * 100.0 / 3.0)
    day0 = int(np.datetime64("2024-12-31T23:00:00", "s").astype(np.int64))  # 1 January 2025 00:00 CET
    revenue, note = reserve_revenue_sek(offer, day0, 3600, 24, 2025)
    t, price = reserve_prices_eur_per_mw_h("fcr-d-up", 2025)
    # 2025 onto 2025: its own hours; the January 2025 ECB mean rate (eur_sek_monthly.csv)
    from dcsim.grid._tables import eur_sek_monthly

    want = 0.1 * float(price[:24].sum()) * eur_sek_monthly()[0]["2025-01"]
    assert revenue == pytest.approx(want, rel=1e-12) and "Mimer" in note
    # a simulated year beyond the exchange-rate table (2026-2027) reads the 2025 hours at their own months' rates
    later = int(np.datetime64("2027-01-05T23:00:00", "s").astype(np.int64))  # Wednesday 6 Jan 2027 00:00 CET
    revenue_later, _ = reserve_revenue_sek(offer, later, 3600, 24, 2025)
    j = int(np.flatnonzero(t == np.datetime64("2025-01-07T23:00:00"))[0])  # Wednesday 8 Jan 2025, 00:00 CET
    assert revenue_later == pytest.approx(0.1 * float(price[j:j + 24].sum()) * eur_sek_monthly()[0]["2025-01"], rel=1e-12)


def test_a_battery_too_small_for_a_reserve_bid_is_refused():
    over = {"simulation.duration": "1d", "simulation.step": "15min", "storage.battery.capacity_kwh": 60.0,
            "storage.battery.power_kw": 30.0, "storage.battery.reserve_fraction": 0.3, "storage.battery.policy": "fcr-d"}
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over))
    assert [p.path for p in err.value.problems] == ["storage.battery.policy"] and "0.1 MW" in str(err.value)


def test_battery_keys_are_checked_with_their_paths():
    with pytest.raises(InputError) as err:
        dcsim.load_scenario(MINIMAL, overrides={"storage.battery.capacity_kwh": 100, "storage.battery.power_kw": 50,
                                                "storage.battery.reserve_fraction": 0.5,
                                                "storage.battery.policy": "arbitrage"})
    assert any(p.path == "storage.battery.degradation_sek_per_kwh" for p in err.value.problems)
    with pytest.raises(InputError) as err:
        dcsim.load_scenario(MINIMAL, overrides={"storage.battery.capacity_kwh": 100, "storage.battery.power_kw": 50})
    assert any(p.path == "storage.battery.reserve_fraction" for p in err.value.problems)


@pytest.mark.parametrize("policy", ["none", "peak-shaving", "arbitrage", "fcr-d"])
def test_a_run_with_a_battery_keeps_its_books(policy):
    over = {"simulation.duration": "3d", "simulation.step": "15min", "simulation.record_step": "15min",
            "storage.battery.capacity_kwh": 600.0, "storage.battery.power_kw": 150.0,  # 0.1 MW FCR-D bid
            "storage.battery.reserve_fraction": 0.3, "storage.battery.policy": policy,
            "site.grid_options.include_power_fee": policy != "arbitrage"}
    if policy in ("peak-shaving", "arbitrage"):
        over["storage.battery.degradation_sek_per_kwh"] = 0.0
    r = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over))
    k, ts = r.kpis, r.timeseries
    assert k["energy_balance_rel_error"] < 1e-6  # the facility's first law, battery losses as heat
    assert k["battery_balance_rel_error"] < 1e-9
    # grid import = the load before the battery + charge - discharge; the facility draw has the losses
    load = ts["facility_power_kw"] - ts["battery_loss_kw"]
    np.testing.assert_allclose(ts["grid_import_kw"], load + ts["battery_charge_kw"] - ts["battery_discharge_kw"],
                               rtol=1e-12, atol=1e-9)
    parts = ("energy_cost_spot_sek", "energy_cost_network_sek", "energy_cost_power_fee_sek", "energy_cost_tax_sek")
    assert sum(k[p] for p in parts) == pytest.approx(k["energy_cost_sek"], rel=1e-15)
    assert (k["flex_revenue_sek"] > 0) == (policy == "fcr-d")
    assert "policy " + policy in r.manifest["storage_source"]


def test_an_outage_is_served_by_the_battery_then_the_generator():
    over = {"simulation.duration": "2d", "simulation.step": "60s", "simulation.record_step": "60s",
            "site.grid_outages": [{"start": "2025-01-01T12:00:00Z", "duration": "8h"}],
            "storage.battery.capacity_kwh": 100.0, "storage.battery.power_kw": 400.0,
            "storage.battery.reserve_fraction": 0.5}
    gen = {"storage.generator.power_kw": 500.0, "storage.generator.fuel": "hvo100",
           "storage.generator.fuel_price_sek_per_l": 20.0}
    battery_only = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over))
    both = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides={**over, **gen}))
    ts, k = both.timeseries, both.kpis
    down = (ts.index >= "2025-01-01T12:00:00Z") & (ts.index < "2025-01-01T20:00:00Z")
    assert np.all(ts["grid_import_kw"][down] == 0.0)
    # the first minute: 10 s without the generator, bridged by the battery (below its reserve: an outage)
    first = int(np.flatnonzero(down)[0])
    assert ts["battery_discharge_kw"].iloc[first] > 0 and ts["generator_power_kw"].iloc[first] > 0
    assert k["unserved_energy_kwh"] == 0.0
    # the load of the outage = generator + battery discharge
    load = ts["facility_power_kw"] - ts["battery_loss_kw"]
    np.testing.assert_allclose((ts["generator_power_kw"] + ts["battery_discharge_kw"])[down], load[down], rtol=1e-12)
    # fuel and lifecycle emissions of what it generated (the outage; no test run in these 2 days:
    # the first weekday of January 2025 is Wednesday 1 January, 10:00 local = 09:00 UTC, inside)
    l_per_kwh, kg_per_l = 0.291, 0.476  # generator_fuels.csv, HVO100
    assert k["generator_fuel_l"] == pytest.approx(k["generator_kwh"] * l_per_kwh, rel=1e-12)
    assert k["generator_fuel_cost_sek"] == pytest.approx(k["generator_fuel_l"] * 20.0, rel=1e-12)
    assert k["carbon_kg"] == pytest.approx(
        float((ts["grid_import_kw"] * ts["grid_carbon_g_per_kwh"]).sum() / 60.0 / 1000.0) + k["generator_fuel_l"] * kg_per_l,
        rel=1e-9)
    test = (ts.index >= "2025-01-01T09:00:00Z") & (ts.index < "2025-01-01T09:30:00Z")
    # NFPA 110 monthly test: 30 % of the rating, on the site's load (the small hall's whole load here)
    np.testing.assert_allclose(ts["generator_power_kw"][test], np.minimum(0.3 * 500.0, load[test]), rtol=1e-12)
    np.testing.assert_allclose(ts["grid_import_kw"][test], load[test] - ts["generator_power_kw"][test], atol=1e-9)
    assert k["battery_balance_rel_error"] < 1e-9 and k["energy_balance_rel_error"] < 1e-6
    # the battery alone (100 kWh, about 90 kWh out) cannot carry 8 h of a hall of about 17 kW:
    # what it cannot serve is reported
    kb = battery_only.kpis
    assert kb["unserved_energy_kwh"] > 0 and kb["unserved_hours"] > 0 and kb["generator_kwh"] == 0.0
    # after the outage it recharges to full (policy none keeps it full)
    assert battery_only.timeseries["battery_stored_kwh"].iloc[-1] == pytest.approx(100.0, rel=1e-12)


def test_generator_and_outage_keys_are_checked_with_their_paths():
    with pytest.raises(InputError) as err:
        dcsim.load_scenario(MINIMAL, overrides={"storage.generator.power_kw": 500.0, "storage.generator.fuel": "coal",
                                                "site.grid_outages": [{"start": "2025-01-01T00:00:00Z"}]})
    paths = {p.path for p in err.value.problems}
    assert "storage.generator.fuel" in paths and "storage.generator.fuel_price_sek_per_l" in paths
    assert any(p.startswith("site.grid_outages") and p.endswith("duration") for p in paths), paths


def test_ffr_at_a_users_hourly_prices(tmp_path):
    prices = tmp_path / "ffr.csv"
    rows = ["time,price_eur_per_mw_h"]
    for h in range(48):
        t = np.datetime64("2025-01-01T00:00:00") + np.timedelta64(h, "h")
        rows.append(f"{t}Z,{'' if h % 24 < 6 else 10.0 + h % 5}")  # not procured 00-06 UTC
    prices.write_text("\n".join(rows) + "\n")
    over = {"simulation.duration": "1d", "simulation.step": "15min", "simulation.record_step": "1h",
            "storage.battery.capacity_kwh": 100.0, "storage.battery.power_kw": 250.0,
            "storage.battery.reserve_fraction": 0.5, "storage.battery.policy": "ffr",
            "storage.battery.reserve_price_file": str(prices)}
    k = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over)).kpis
    from dcsim.grid._tables import eur_sek_monthly

    # 50 kWh above the reserve carry far more than 30 s of 250 kW: the converter sets it, 0.2 MW in 0.1 MW steps
    want = 0.2 * sum(10.0 + h % 5 for h in range(6, 24)) * eur_sek_monthly()[0]["2025-01"]
    assert k["flex_revenue_sek"] == pytest.approx(want, rel=1e-12)
    with pytest.raises(InputError, match="needs? .*reserve_price_file|is needed with policy 'ffr'"):
        dcsim.load_scenario(MINIMAL, overrides={**over, "storage.battery.reserve_price_file": None})
    bad = tmp_path / "bad.csv"
    bad.write_text("time,price_eur_per_mw_h\n2025-01-01T00:00:00Z,5\n2025-01-01T00:00:00Z,-1\n")
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides={**over, "storage.battery.reserve_price_file": str(bad)}))
    text = str(err.value)
    assert "bad.csv" in text and "line 3" in text and "duplicate" in text


# ---------------------------------------------------------------------- FCR-D activations
def test_fcr_d_up_droop_by_hand():
    # no activation at or above 49.9 Hz, linear to full at 49.5 Hz, held full below
    f = np.array([50.05, 49.9, 49.8, 49.7, 49.5, 49.2])
    np.testing.assert_allclose(fcr_d_up_activation(f), [0.0, 0.0, 0.25, 0.5, 1.0, 1.0], atol=1e-12)


def test_step_mean_activation_averages_the_samples_of_each_step():
    t = START + np.arange(0, 900, 10)  # 10-s samples over three 5-minute steps
    f = np.full(t.size, 50.0)
    f[30:45] = 49.7  # half of step 1 at half activation
    f[60:90] = 49.5  # all of step 2 at full
    a = step_mean_activation(t, f, START, 300, 3, file="f.csv", field_path="storage.battery.frequency_file")
    np.testing.assert_allclose(a, [0.0, 0.25, 1.0], atol=1e-12)
    for start, n, step in ((START - 10, 3, 300), (START, 4, 300), (START, 1, 5)):
        with pytest.raises(InputError) as err:  # a record that starts late, ends early or is too coarse
            step_mean_activation(t, f, start, step, n, file="f.csv", field_path="storage.battery.frequency_file")
        assert err.value.problems[0].path == "storage.battery.frequency_file"


def _frequency_csv(path, start_s, hours, dips):
    """A 1-minute frequency record at 50 Hz with dips (start offset min, minutes, Hz)."""
    n = hours * 60
    f = np.full(n, 50.0)
    for at, minutes, hz in dips:
        f[at:at + minutes] = hz
    times = (np.datetime64(start_s, "s") + np.arange(n) * np.timedelta64(60, "s")).astype(str)
    path.write_text("time,frequency_hz\n" + "".join(f"{t}Z,{v}\n" for t, v in zip(times, f)))
    return f


def test_fcr_d_activations_from_a_frequency_record_discharge_and_count(tmp_path):
    day0 = int(np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64))
    # a 10-minute dip to 49.7 Hz (half activation) and a 20-minute one to 49.5 Hz (full)
    f = _frequency_csv(tmp_path / "freq.csv", day0, 24, [(600, 10, 49.7), (900, 20, 49.5)])
    over = {"simulation.duration": "1d", "simulation.step": "60s", "simulation.record_step": "60s",
            "it.racks": 40,  # a load above the 100 kW bid: the battery discharges into it (no export)
            "storage.battery.capacity_kwh": 600.0, "storage.battery.power_kw": 150.0,  # 0.1 MW bid
            "storage.battery.reserve_fraction": 0.3, "storage.battery.policy": "fcr-d",
            "storage.battery.frequency_file": str(tmp_path / "freq.csv")}
    r = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over))
    k, ts = r.kpis, r.timeseries
    # 100 kW x (10 min x 0.5 + 20 min x 1) = 41.67 kWh, all delivered (well above the reserve)
    want = 100.0 * (10 * 0.5 + 20 * 1.0) / 60.0
    assert k["flex_activated_kwh"] == pytest.approx(want, rel=1e-12)  # sums of the same steps
    assert ts["battery_reserve_activated_kw"].sum() / 60.0 == pytest.approx(want, rel=1e-12)
    dip = fcr_d_up_activation(f) > 0
    np.testing.assert_allclose(ts["battery_discharge_kw"][dip], 100.0 * fcr_d_up_activation(f)[dip], rtol=1e-12)
    assert k["battery_balance_rel_error"] < 1e-9 and k["energy_balance_rel_error"] < 1e-6
    # it recharges to the FCR-D set point after, and the stored energy kept above the UPS reserve
    held = fcr_d_up_offer(BatteryParams.from_round_trip(600.0, 150.0, 0.9, 0.3))[1]
    assert ts["battery_stored_kwh"].iloc[-1] == pytest.approx(held, rel=1e-12)
    assert ts["battery_stored_kwh"].min() >= 0.3 * 600.0
    assert "activated energy 41.6667 kWh" in r.manifest["storage_source"]
    # without the record the same run counts none
    plain = {key: v for key, v in over.items() if key != "storage.battery.frequency_file"}
    r0 = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=plain))
    assert r0.kpis["flex_activated_kwh"] == 0.0 and "activated energy not modelled" in r0.manifest["storage_source"]
    # a hall drawing less than the bid cannot deliver it behind the meter: counted as delivered, and said
    small = dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides={**over, "it.racks": 4}))
    assert 0.0 < small.kpis["flex_activated_kwh"] < want
    assert "could not have honoured" in small.manifest["storage_source"]


def test_a_bad_frequency_record_is_refused_with_file_line_and_column(tmp_path):
    bad = tmp_path / "freq.csv"
    bad.write_text("time,frequency_hz\n2025-01-01T00:00:00Z,50.0\n2025-01-01T00:01:00Z,5002\n"
                   "2025-01-01T00:03:00Z,50.0\n")
    over = {"storage.battery.capacity_kwh": 600.0, "storage.battery.power_kw": 150.0,
            "storage.battery.reserve_fraction": 0.3, "storage.battery.policy": "fcr-d",
            "storage.battery.frequency_file": str(bad)}
    with pytest.raises(InputError) as err:
        dcsim.simulate(dcsim.load_scenario(MINIMAL, overrides=over))
    text = str(err.value)
    assert "freq.csv" in text and "line 3" in text and "frequency_hz" in text and "5002" in text
    assert "gap" in text  # both problems listed at once
    with pytest.raises(InputError) as err:  # the key belongs to fcr-d
        dcsim.load_scenario(MINIMAL, overrides={**over, "storage.battery.policy": "none"})
    assert [p.path for p in err.value.problems] == ["storage.battery.frequency_file"]
