"""The business case of a proposal: savings, payback, NPV, CO2 abated and its cost.

Conventions (the report states them too):

* Differences are proposal minus baseline over the simulated period, scaled to a year by
  ``365 d / duration`` (exactly 1 for a 365-day run).
* Yearly savings (SEK/yr) = electricity cost saved + change in heat revenue + change in
  flexibility revenue (a battery's reserve capacity) - change in battery wear - change in
  standby-generator fuel - change in fixed
  costs - extra water x water price + CO2 abated x CO2 price (prices are optional assumptions,
  0 by default).
* Simple payback = capital cost / yearly savings; infinite when the savings are not
  positive; 0 without capital cost and with savings of at least 0.
* NPV = -capital + savings x A(r, n), with the annuity factor
  A(r, n) = sum over t = 1..n of (1 + r)^-t = (1 - (1 + r)^-n) / r, and A(0, n) = n:
  savings arrive at the end of each year of the lifetime n, capital at year 0.
* CO2 abated (t/yr) = -(change in carbon_kg) / 1000, yearly.
* Abatement cost (SEK/t) = net yearly cost of the proposal without any CO2 value, per tonne
  abated: (capital / A(r, n) + fixed cost change + water cost change - electricity saved
  - heat revenue gained) / CO2 abated. Negative means it saves money while it abates; undefined (NaN) when it
  abates nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

YEAR_S = 365 * 86400


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 SEK a year for ``years`` years at ``rate``: sum of (1+r)^-t, t=1..n."""
    if years <= 0:
        return 0.0
    if rate == 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** -years) / rate


def npv(capital_sek: float, yearly_sek: float, rate: float, years: int) -> float:
    """Net present value: -capital at year 0 plus ``yearly_sek`` at the end of years 1..n."""
    return -capital_sek + yearly_sek * annuity_factor(rate, years)


def simple_payback_years(capital_sek: float, yearly_sek: float) -> float:
    """Capital / yearly savings: infinite if the savings are not positive (nothing is ever paid
    back), 0 without capital and with savings >= 0 (nothing to pay back)."""
    if capital_sek == 0 and yearly_sek >= 0:
        return 0.0
    if yearly_sek <= 0:
        return math.inf
    return capital_sek / yearly_sek


def annual_factor(duration_s: int) -> float:
    """Factor that scales a simulated period's sums to a year (365 days)."""
    return YEAR_S / duration_s


@dataclass(frozen=True)
class BusinessCase:
    """The money side of one proposal, in SEK and tonnes per year unless named otherwise."""

    capital_cost_sek: float
    fixed_cost_change_sek_per_year: float
    lifetime_years: int
    discount_rate: float
    co2_price_sek_per_t: float
    energy_cost_saving_sek_per_year: float
    heat_revenue_change_sek_per_year: float
    co2_abated_t_per_year: float
    water_cost_change_sek_per_year: float = 0.0
    flex_revenue_change_sek_per_year: float = 0.0
    battery_wear_change_sek_per_year: float = 0.0
    generator_fuel_change_sek_per_year: float = 0.0

    @property
    def carbon_value_sek_per_year(self) -> float:
        return self.co2_abated_t_per_year * self.co2_price_sek_per_t

    @property
    def savings_sek_per_year(self) -> float:
        return (
            self.energy_cost_saving_sek_per_year
            + self.heat_revenue_change_sek_per_year
            + self.flex_revenue_change_sek_per_year
            - self.battery_wear_change_sek_per_year
            - self.generator_fuel_change_sek_per_year
            - self.fixed_cost_change_sek_per_year
            - self.water_cost_change_sek_per_year
            + self.carbon_value_sek_per_year
        )

    @property
    def annuity(self) -> float:
        return annuity_factor(self.discount_rate, self.lifetime_years)

    @property
    def payback_years(self) -> float:
        return simple_payback_years(self.capital_cost_sek, self.savings_sek_per_year)

    @property
    def npv_sek(self) -> float:
        return npv(self.capital_cost_sek, self.savings_sek_per_year, self.discount_rate, self.lifetime_years)

    @property
    def abatement_cost_sek_per_t(self) -> float:
        if self.co2_abated_t_per_year <= 0:
            return math.nan
        net_cost = (
            self.capital_cost_sek / self.annuity
            + self.fixed_cost_change_sek_per_year
            + self.water_cost_change_sek_per_year
            - self.energy_cost_saving_sek_per_year
            - self.heat_revenue_change_sek_per_year
            - self.flex_revenue_change_sek_per_year
            + self.battery_wear_change_sek_per_year
            + self.generator_fuel_change_sek_per_year
        )
        return net_cost / self.co2_abated_t_per_year

    def cash_flows(self) -> list[tuple[int, float, float, float]]:
        """(year, cash flow, cumulative, cumulative discounted) for years 0..lifetime."""
        rows = []
        cum = cum_disc = 0.0
        for year in range(self.lifetime_years + 1):
            flow = -self.capital_cost_sek if year == 0 else self.savings_sek_per_year
            cum += flow
            cum_disc += flow / (1.0 + self.discount_rate) ** year
            rows.append((year, flow, cum, cum_disc))
        return rows

    def as_columns(self) -> dict[str, float]:
        """The comparison.csv economics columns."""
        return {
            "savings_sek_per_year": self.savings_sek_per_year,
            "payback_years": self.payback_years,
            "npv_sek": self.npv_sek,
            "co2_abated_t_per_year": self.co2_abated_t_per_year,
            "abatement_cost_sek_per_t": self.abatement_cost_sek_per_t,
        }


def business_case(
    delta_kpis: dict[str, float],
    *,
    duration_s: int,
    capital_cost_sek: float,
    fixed_cost_change_sek_per_year: float,
    lifetime_years: int,
    discount_rate: float,
    co2_price_sek_per_t: float = 0.0,
    water_price_sek_per_m3: float = 0.0,
) -> BusinessCase:
    """The business case from KPI differences (proposal minus baseline) over ``duration_s``."""
    f = annual_factor(duration_s)
    return BusinessCase(
        capital_cost_sek=capital_cost_sek,
        fixed_cost_change_sek_per_year=fixed_cost_change_sek_per_year,
        lifetime_years=lifetime_years,
        discount_rate=discount_rate,
        co2_price_sek_per_t=co2_price_sek_per_t,
        energy_cost_saving_sek_per_year=-delta_kpis["energy_cost_sek"] * f,
        heat_revenue_change_sek_per_year=delta_kpis["heat_revenue_sek"] * f,
        co2_abated_t_per_year=-delta_kpis["carbon_kg"] * f / 1000.0,
        water_cost_change_sek_per_year=delta_kpis["water_m3"] * f * water_price_sek_per_m3,
        # a run recorded before the battery KPIs existed has none (0)
        flex_revenue_change_sek_per_year=delta_kpis.get("flex_revenue_sek", 0.0) * f,
        battery_wear_change_sek_per_year=delta_kpis.get("battery_degradation_cost_sek", 0.0) * f,
        generator_fuel_change_sek_per_year=delta_kpis.get("generator_fuel_cost_sek", 0.0) * f,
    )
