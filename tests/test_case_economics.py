"""The business case against a hand-computed example."""

from __future__ import annotations

import math

import pytest

from dcsim.case.economics import annuity_factor, business_case, npv, simple_payback_years

YEAR_S = 365 * 86400


def test_npv_and_payback_by_hand():
    # Capital 100 000 SEK at year 0; saves 30 000 SEK of electricity a year; fixed costs rise
    # 5 000 SEK a year, so the net saving is 25 000 SEK a year for 5 years at 8 %:
    #   year 1: 25 000 / 1.08    = 23 148.15
    #   year 2: 25 000 / 1.08^2  = 21 433.47
    #   year 3: 25 000 / 1.08^3  = 19 845.81
    #   year 4: 25 000 / 1.08^4  = 18 375.75
    #   year 5: 25 000 / 1.08^5  = 17 014.58
    #   sum                       = 99 817.75  ->  NPV = 99 817.75 - 100 000 = -182.25 SEK
    # Simple payback = 100 000 / 25 000 = 4.0 years.
    by_hand = [25000 / 1.08**t for t in range(1, 6)]
    assert [round(x, 2) for x in by_hand] == [23148.15, 21433.47, 19845.81, 18375.75, 17014.58]
    assert round(sum(by_hand) - 100000, 2) == -182.25

    assert annuity_factor(0.08, 5) == pytest.approx(3.99271, abs=1e-5)
    assert npv(100000, 25000, 0.08, 5) == pytest.approx(-182.25, abs=0.01)  # cents of rounding above
    assert simple_payback_years(100000, 25000) == 4.0

    # The same through the case machinery: KPI differences over 73 days (a fifth of a year),
    # scaled to a year: electricity cost -6 000 SEK -> 30 000 SEK/yr saved.
    bc = business_case(
        {"energy_cost_sek": -6000.0, "heat_revenue_sek": 0.0, "carbon_kg": 0.0, "water_m3": 0.0},
        duration_s=73 * 86400, capital_cost_sek=100000, fixed_cost_change_sek_per_year=5000,
        lifetime_years=5, discount_rate=0.08,
    )
    assert bc.energy_cost_saving_sek_per_year == pytest.approx(30000.0, rel=1e-12)
    assert bc.savings_sek_per_year == pytest.approx(25000.0, rel=1e-12)
    assert bc.payback_years == pytest.approx(4.0, rel=1e-12)
    assert bc.npv_sek == pytest.approx(-182.25, abs=0.01)
    flows = bc.cash_flows()
    assert flows[0] == (0, -100000.0, -100000.0, -100000.0)
    assert flows[-1][2] == pytest.approx(25000.0)  # undiscounted: -100 000 + 5 x 25 000
    assert flows[-1][3] == pytest.approx(bc.npv_sek, abs=1e-6)  # discounted cumulative ends at the NPV


def test_carbon_value_and_abatement_cost_by_hand():
    # Same proposal, and it abates 2 000 kg CO2e in 73 days = 10 t/yr. At 500 SEK/t the carbon
    # is worth 5 000 SEK/yr: net saving 30 000 SEK/yr, NPV = -100 000 + 30 000 x 3.99271
    # = 19 781.30 SEK, payback 100 000 / 30 000 = 3.33 years.
    # Abatement cost (no carbon value): capital per year = 100 000 / 3.99271 = 25 045.65;
    # (25 045.65 + 5 000 - 30 000) / 10 t = 4.565 SEK/t.
    bc = business_case(
        {"energy_cost_sek": -6000.0, "heat_revenue_sek": 0.0, "carbon_kg": -2000.0, "water_m3": 0.0},
        duration_s=73 * 86400, capital_cost_sek=100000, fixed_cost_change_sek_per_year=5000,
        lifetime_years=5, discount_rate=0.08, co2_price_sek_per_t=500,
    )
    assert bc.co2_abated_t_per_year == pytest.approx(10.0, rel=1e-12)
    assert bc.carbon_value_sek_per_year == pytest.approx(5000.0, rel=1e-12)
    assert bc.npv_sek == pytest.approx(19781.30, abs=0.01)
    assert bc.payback_years == pytest.approx(10 / 3, rel=1e-12)
    assert bc.abatement_cost_sek_per_t == pytest.approx(4.565, abs=0.001)


def test_heat_revenue_and_water_enter_the_savings():
    bc = business_case(
        {"energy_cost_sek": 1000.0, "heat_revenue_sek": 11000.0, "carbon_kg": 0.0, "water_m3": 100.0},
        duration_s=YEAR_S, capital_cost_sek=0, fixed_cost_change_sek_per_year=0, lifetime_years=1,
        discount_rate=0.0, water_price_sek_per_m3=20,
    )
    # 11 000 heat revenue - 1 000 more electricity - 100 m3 x 20 SEK water = 8 000 SEK/yr
    assert bc.savings_sek_per_year == pytest.approx(8000.0)
    assert bc.npv_sek == pytest.approx(8000.0)  # one year at 0 %
    assert math.isnan(bc.abatement_cost_sek_per_t)  # no CO2 abated: undefined


def test_payback_edge_cases():
    assert simple_payback_years(1000, 0) == math.inf
    assert simple_payback_years(1000, -10) == math.inf
    assert simple_payback_years(0, 10) == 0.0
    assert simple_payback_years(0, 0) == 0.0
    assert simple_payback_years(0, -10) == math.inf
    assert annuity_factor(0.0, 7) == 7.0
