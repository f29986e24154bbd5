"""KPI definitions on a hand-computed case (ISO/IEC 30134, REFERENCES.md "Metrics")."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from dcsim.results import EXTRA_KPI_NAMES, KPI_NAMES, compute_kpis, peak_hourly_kw, record_timeseries


def two_hours():
    """Two one-hour steps, numbers chosen so every KPI can be worked out by hand."""
    cols = {
        "it_power_kw": np.array([100.0, 300.0]),  # E_IT = 400 kWh
        "cooling_power_kw": np.array([20.0, 60.0]),  # 80 kWh
        "electrical_losses_kw": np.array([5.0, 15.0]),  # 20 kWh
        "facility_power_kw": np.array([125.0, 375.0]),  # E_total = 500 kWh
        "heat_reused_kw": np.array([50.0, 50.0]),  # 100 kWh
        "heat_delivered_kw": np.array([50.0, 50.0]),  # the operator's heat pump: all of it crosses the boundary
        "heat_pump_power_kw": np.array([10.0, 10.0]),  # 20 kWh (in cooling_power_kw's neighbour, the plant)
        "water_l_per_h": np.array([100.0, 300.0]),  # 400 L
        "grid_carbon_g_per_kwh": np.array([20.0, 40.0]),  # 125*20 + 375*40 g = 17.5 kg
        "price_sek_per_kwh": np.array([1.0, 2.0]),  # 125 + 750 = 875 SEK
        "grid_import_kw": np.array([125.0, 375.0]),  # what the site buys: the draw (no storage)
        "spot_sek_per_kwh": np.array([0.5, 1.5]),  # 62.5 + 562.5 = 625 SEK
        "tax_sek_per_kwh": np.array([0.4, 0.4]),  # 200 SEK
        "network_sek_per_kwh": np.array([0.1, 0.1]),  # 50 SEK
        "cooling_mode": np.array([2, 1], dtype=np.int8),  # free, partial: 1.5 free-cooling hours
        "max_inlet_c": np.array([22.0, 28.0]),
        "heat_rejected_kw": np.array([75.0, 325.0]),  # 400 kWh out + 100 reused = 500 in
        "stored_heat_kw": np.array([0.0, 0.0]),
        "it_fan_power_kw": np.array([10.0, 30.0]),
        "unmet_cooling_kw": np.array([0.0, 0.0]),
        "servers_shut_down": np.array([0.0, 4.0]),  # 4 server-hours
        "condensation_risk": np.array([0, 1], dtype=np.int8),  # 1 hour
        "heat_pump_uneconomic": np.array([1, 0], dtype=np.int8),  # 1 hour held off
        "heat_pump_held_on": np.array([0, 1], dtype=np.int8),  # 1 hour run at a loss for its minimum run time
        "work_demand": np.array([10.0, 30.0]),  # server-equivalents asked for
        "work_not_done": np.array([0.0, 6.0]),  # 6 of 40: 15 % not done
    }
    racks = SimpleNamespace(
        seconds_above_recommended=np.array([0.0, 3600.0]), seconds_above_allowable=np.array([0.0, 0.0]),
        xfactor_seconds=np.array([3600.0 * 1.0 + 3600 * 1.13, 3600.0 * 1.13 + 3600 * 1.37]),
    )
    return cols, racks


def test_kpis_from_their_definitions():
    cols, racks = two_hours()
    k = compute_kpis(cols, dt_s=3600.0, step_s=3600, racks=racks, heat_price_sek_per_mwh=500.0)
    assert tuple(k) == KPI_NAMES + EXTRA_KPI_NAMES
    assert k["energy_it_kwh"] == 400.0
    assert k["energy_facility_kwh"] == 500.0
    assert k["pue"] == 500 / 400  # 30134-2: E_total / E_IT
    assert k["ppue_cooling"] == (400 + 80) / 400  # (E_IT + E_cooling) / E_IT
    assert k["erf"] == 100 / 500  # 30134-6: E_reused / E_total
    assert k["ere"] == pytest.approx((500 - 100) / 400, rel=1e-15)  # (E_total - E_reused) / E_IT
    assert k["ere"] == pytest.approx((1 - k["erf"]) * k["pue"], rel=1e-15)
    assert k["water_m3"] == 0.4
    assert k["wue_l_per_kwh"] == 400 / 400  # 30134-9: site litres / E_IT
    assert k["carbon_kg"] == pytest.approx(17.5, rel=1e-15)
    assert k["cue_kg_per_kwh"] == pytest.approx(17.5 / 400, rel=1e-15)  # 30134-8
    assert k["energy_cost_sek"] == 875.0
    assert (k["energy_cost_spot_sek"], k["energy_cost_tax_sek"], k["energy_cost_network_sek"]) == (625.0, 200.0, 50.0)
    assert k["energy_cost_power_fee_sek"] == 0.0 and k["peak_grid_kw"] == 375.0
    k2 = compute_kpis(cols, dt_s=3600.0, step_s=3600, racks=racks, power_fee_sek=120.0)
    assert k2["energy_cost_sek"] == 995.0 and k2["energy_cost_power_fee_sek"] == 120.0  # the parts sum to the bill
    assert k["heat_revenue_sek"] == pytest.approx(100 * 500 / 1000, rel=1e-15)
    assert k["peak_facility_kw"] == 375.0
    assert k["max_inlet_c"] == 28.0
    assert k["rack_hours_above_recommended"] == 1.0
    assert k["free_cooling_hours"] == 1.5
    assert k["energy_balance_rel_error"] == 0.0
    assert k["xfactor_failure_rate"] == pytest.approx((1.0 + 1.13 + 1.13 + 1.37) / 4, rel=1e-15)
    assert k["server_hours_shut_down"] == 4.0
    assert k["condensation_risk_hours"] == 1.0
    assert k["heat_pump_uneconomic_hours"] == 1.0
    assert (k["heat_delivered_kwh"], k["energy_heat_pump_kwh"]) == (100.0, 20.0)
    assert k["ppue_heat_reuse"] == (400 + 20) / 400  # 30134-2 pPUE of a subsystem: (E_IT + E_sub) / E_IT
    assert k["heat_pump_inside_boundary"] == 1.0
    assert k["heat_pump_held_on_hours"] == 1.0
    assert k["unmet_cooling_hours"] == 0.0
    assert k["it_work_not_done_pct"] == pytest.approx(15.0, rel=1e-15)


def test_unmet_steps_are_not_free_cooling():
    cols, racks = two_hours()
    cols["unmet_cooling_kw"] = np.array([50.0, 1e-4])  # 50 kW unmet; 0.1 W is round-off (< 1e-6 x 1000 kW)
    k = compute_kpis(cols, dt_s=3600.0, step_s=3600, racks=racks)
    assert k["unmet_cooling_hours"] == 1.0
    assert k["free_cooling_hours"] == 0.5  # only the met partial-free hour


def test_kpis_that_do_not_apply_are_zero_not_missing():
    cols, racks = two_hours()
    for name in ("it_power_kw", "facility_power_kw", "heat_reused_kw", "water_l_per_h"):
        cols[name] = np.zeros(2)
    k = compute_kpis(cols, dt_s=3600.0, step_s=3600, racks=racks)
    for name in ("pue", "ppue_cooling", "wue_l_per_kwh", "cue_kg_per_kwh", "erf", "ere", "energy_balance_rel_error"):
        assert k[name] == 0.0 and np.isfinite(k[name]), name


def test_peak_grid_is_the_highest_whole_hour_mean():
    p = np.array([100.0, 100.0, 100.0, 900.0, 200.0, 200.0, 200.0, 200.0, 700.0])  # 15-min steps
    t0 = int(np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64))
    assert peak_hourly_kw(p[:8], t0, 900) == 300.0  # hour 1: 1200/4; the 900 kW quarter is not the peak
    assert peak_hourly_kw(p, t0, 900) == 700.0  # a last hour the run ends inside: the mean of its steps
    assert peak_hourly_kw(p, t0, 7200) == 900.0  # steps longer than an hour count one by one
    assert peak_hourly_kw(np.array([]), t0, 900) == 0.0
    # clock hours, not hours from the run's start: from 00:30 the first clock hour holds two steps
    assert peak_hourly_kw(p[:8], t0 + 1800, 900) == (100.0 + 900.0 + 200.0 + 200.0) / 4


def test_record_timeseries_aggregates_whole_intervals():
    cols = {"it_power_kw": np.arange(6.0), "max_inlet_c": np.array([1.0, 5, 2, 3, 9, 4]),
            "cooling_mode": np.array([0, 2, 2, 1, 1, 0], dtype=np.int8)}
    ts = record_timeseries(cols, start=np.datetime64("2025-01-01T00:00:00"), step_s=600, record_step_s=1800)
    assert list(ts.it_power_kw) == [1.0, 4.0]  # means of 0,1,2 and 3,4,5
    assert list(ts.max_inlet_c) == [5.0, 9.0]  # maxima
    assert list(ts.cooling_mode) == ["free", "partial-free"]  # the mode of most of the interval
    assert str(ts.index[1]) == "2025-01-01 00:30:00+00:00"


def test_work_not_done_is_a_ratio_of_sums_in_rows_and_kpi():
    """A busy step that loses half its work and an idle one that loses all of its little work:
    the interval lost (5 + 0.1) / (10 + 0.1) of what was asked, not the mean of 50 % and 100 %."""
    demand, not_done = np.array([10.0, 0.1, 4.0, 0.0]), np.array([5.0, 0.1, 0.0, 0.0])
    cols = {"it_power_kw": np.ones(4), "work_not_done": not_done, "work_demand": demand}
    ts = record_timeseries(cols, start=np.datetime64("2025-01-01T00:00:00"), step_s=600, record_step_s=1200)
    assert list(ts.it_work_not_done_pct) == pytest.approx([100.0 * 5.1 / 10.1, 0.0], rel=1e-15)
    assert list(ts.columns) == ["it_power_kw", "it_work_not_done_pct"]  # the ratio in its inputs' place
