"""The scenario's ``heat_reuse`` section: the heat pump (or heat exchanger) to district
heating, its dispatch, delivery, price, ownership and boundary (docs/physics.md, "Heat reuse").
:mod:`dcsim.scenario.facility` re-exports :class:`HeatReuse`; ``dcsim.model.build_heat_reuse``
turns it into kernel parameters."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from .types import FieldError, Section
from .types import check_increasing as _increasing

__all__ = ["HeatReuse"]

#: DH supply/return curve against outdoor temperature (the sources are in dcsim.heatreuse.heatpump's docstring).
DEFAULT_DH_OUTDOOR_C = (-15.0, 15.0)
DEFAULT_DH_SUPPLY_C = (100.0, 70.0)
DEFAULT_DH_RETURN_C = (55.0, 40.0)

#: Monthly DH demand shape, Jan..Dec, as a fraction of the winter maximum: the monthly
#: energy-price steps of Umeå Energi's "Rörlig" tariff 2023 (141.9 Dec-Feb, 105.3 Mar/Nov,
#: 88.7 Apr/Oct, 55.4 May/Sep, 27.7 Jun-Aug öre/kWh excl. VAT; shared/data/economics,
#: district_heating.csv) divided by the winter price. A proxy (derived here): the utility's
#: price follows its marginal production cost, which follows the heat demand.
DEFAULT_MONTHLY_DEMAND_FRACTION = (1.0, 1.0, 0.742, 0.625, 0.390, 0.195, 0.195, 0.195, 0.390, 0.625, 0.742, 1.0)

#: Price paid for delivered heat, SEK/MWh: Stockholm Exergi Open District Heating, about
#: 2.0 MSEK per MW delivered most of the year (stockholmexergi.se FAQ, district_heating.csv),
#: / 8760 h = 228 SEK/MWh (derived here, a lower bound of the hourly average).
DEFAULT_HEAT_PRICE_SEK_PER_MWH = 228.0


def _field_error(field: str, message: str) -> ValueError:
    return FieldError(field, message)


# ---------------------------------------------------------------------------------------------
# heat reuse
# ---------------------------------------------------------------------------------------------


class HeatReuse(Section):
    """Heat pump lifting waste heat to district heating (dcsim.heatreuse)."""

    enabled: bool = Field(default=False, description="Heat pump to district heating on or off.")
    source: Literal["auto", "return-air", "chilled-water", "liquid-loop"] = Field(
        default="auto",
        description='Waste-heat stream. "auto": liquid loop (liquid), chilled-water return (chiller-crah, dry-cooler), else return air.',
    )
    capacity_kw: float | None = Field(
        default=None, gt=0, description="Heat taken from the datacenter at full load (evaporator duty), kW. Empty: design IT power."
    )
    cop_model: Literal["carnot", "lorenz", "table"] = Field(
        default="carnot", description="COP from a Carnot fraction (isothermal temperatures), Lorenz mean temperatures, or a table."
    )
    carnot_efficiency: float = Field(
        default=0.625, gt=0, lt=1,
        description="Carnot fraction at reference_lift_k (fit to a CoolProp R1233zd(E) cycle; REFERENCES.md ranges; docs/physics.md).",
    )
    carnot_efficiency_slope_per_k: float = Field(
        default=0.0017, ge=0, le=0.02, description="Drop of the Carnot fraction per K of lift above reference_lift_k (same fit)."
    )
    reference_lift_k: float = Field(default=50.0, gt=0, le=150, description="Lift at which carnot_efficiency applies, K.")
    approach_k: float = Field(default=5.0, ge=0, le=20, description="Evaporator and condenser approach, K (REFERENCES.md: 5 K).")
    cop_table_lift_k: list[float] | None = Field(
        default=None, description='cop_model = "table": lifts, K (DH supply minus source temperature), increasing.'
    )
    cop_table: list[float] | None = Field(default=None, description='cop_model = "table": heating COP at those lifts.')
    supply_curve_outdoor_c: list[float] = Field(
        default=list(DEFAULT_DH_OUTDOOR_C), description="Outdoor temperatures of the DH supply/return curves, °C, increasing."
    )
    supply_curve_c: list[float] = Field(
        default=list(DEFAULT_DH_SUPPLY_C),
        description="DH supply temperature at those points, °C (Ei 70-120 °C; Jokkmokk 100 °C+ on very cold days; design -15 °C).",
    )
    return_curve_c: list[float] = Field(
        default=list(DEFAULT_DH_RETURN_C),
        description="DH return temperature at those points, °C (Jokkmokk: 40-50 K below supply; used by cop_model lorenz).",
    )
    demand_kw: float | None = Field(
        default=None, gt=0, description="Most heat the DH network takes, kW. Empty: design IT power."
    )
    demand_profile: Literal["constant", "monthly", "outdoor"] = Field(
        default="monthly", description="Seasonal shape of the DH demand (fractions of demand_kw)."
    )
    monthly_fraction: list[float] = Field(
        default=list(DEFAULT_MONTHLY_DEMAND_FRACTION),
        description="demand_profile monthly: Jan..Dec fractions (default: Umeå Energi 2023 monthly price steps / winter price; a proxy).",
    )
    outdoor_points_c: list[float] = Field(default=[-15.0, 5.0, 15.0], description="demand_profile outdoor: outdoor temperatures, °C.")
    outdoor_fraction: list[float] = Field(
        default=[1.0, 1.0, 0.2], description="demand_profile outdoor: fractions at those temperatures (assumption)."
    )
    delivery: Literal["supply-line", "return-line", "low-temperature-network"] = Field(default="supply-line", description=(
        '"supply-line": the heat goes in at the network\'s supply temperature (supply_curve_c); "return-line": it '
        "preheats the return line, so the sink is the return temperature (return_curve_c): a warm source passes "
        "it by heat exchanger, the heat pump lifts only to the return. What the utility pays for return-line heat "
        'is the contract\'s (price_sek_per_mwh). "low-temperature-network": a low-temperature network\'s supply '
        "line, whose temperatures the scenario must give (supply_curve_c and return_curve_c: no published Swedish "
        "curve was found); a source warm enough passes its heat by heat exchanger."))
    heat_pump: bool = Field(default=True, description=(
        "A heat pump lifts the heat when the source is too cold for the sink. false: a heat exchanger only, which "
        "delivers only while the source (less the approach) is warmer than the sink (plus the approach)."))
    dispatch: Literal["always", "demand", "economic"] = Field(default="demand", description=(
        '"always": the heat pump runs at its capacity whenever its COP exceeds 1, the network taking all of it '
        '(demand_kw and demand_profile are not used); "demand": it follows the network\'s demand whenever its COP '
        'exceeds 1; "economic": that demand, only in '
        "steps where the heat's value pays for its electricity (the site's price that step: spot, network energy "
        "fee and tax) plus wear_sek_per_mwh, i.e. COP > price / (heat price - wear). The cooling the heat pump "
        "saves the plant and the power fee are not weighed."))
    min_run_time_s: float = Field(default=0.0, ge=0, le=86400, allow_inf_nan=False, description=(
        "economic dispatch: once started, the heat pump's compressor runs at least this long, s, at a loss if "
        "need be (steps flagged heat_pump_held_on), unless it physically cannot (no heat, no demand, COP <= 1). "
        "0: none. Give the compressor maker's figure (anti-short-cycle times are minutes)."))
    wear_sek_per_mwh: float = Field(default=0.0, ge=0, allow_inf_nan=False, description=(
        "economic dispatch: heat-pump wear and maintenance per MWh of heat delivered, SEK. Default 0: not "
        "counted (no measured figure was found); give the maintenance contract's."))
    price_model: Literal["flat", "monthly", "outdoor", "file"] = Field(default="flat", description=(
        '"flat": price_sek_per_mwh every hour; "monthly": a contract\'s price per local month '
        '(price_monthly_sek_per_mwh); "outdoor": a price against the outdoor temperature (price_outdoor_points_c, '
        'price_outdoor_sek_per_mwh), as Open District Heating pays; "file": a dated series (price_file). Open '
        "District Heating's own price table is not published, so dcsim has no built-in one."))
    price_monthly_sek_per_mwh: list[float] | None = Field(default=None, description=(
        'price_model "monthly": 12 prices for delivered heat, SEK/MWh, January to December (site time zone).'))
    price_file: str | None = Field(default=None, description=(
        'price_model "file": a CSV of the price paid for delivered heat (time, ISO 8601 UTC; price_sek_per_mwh '
        ">= 0) on a constant step, covering the simulated period; each step takes the value of the interval "
        "holding its midpoint."))
    price_outdoor_points_c: list[float] | None = Field(default=None, description=(
        'price_model "outdoor": outdoor temperatures, °C, increasing (at least 2).'))
    price_outdoor_sek_per_mwh: list[float] | None = Field(default=None, description=(
        'price_model "outdoor": the price paid for delivered heat at those temperatures, SEK/MWh (>= 0); linear '
        "between them, constant beyond."))
    price_sek_per_mwh: float = Field(
        default=DEFAULT_HEAT_PRICE_SEK_PER_MWH, ge=0,
        description="Paid for delivered heat, SEK/MWh (Stockholm Open District Heating ~2.0 MSEK per MW-year / 8760 h).",
    )
    ownership: Literal["operator", "utility"] = Field(default="operator", description=(
        '"operator": the datacenter owns and runs the heat pump, inside its boundary (the heat pump\'s electricity '
        "is on its meter, bill, PUE and carbon) and sells the delivered heat at the heat price; \"utility\": the "
        "district-heating utility owns and runs it outside the datacenter's boundary (its electricity is the "
        "utility's) and buys the heat taken at the source at source_price_sek_per_mwh. ERF and ERE count the heat "
        "crossing the datacenter's boundary either way (ISO/IEC 30134-6)."))
    source_price_sek_per_mwh: float | None = Field(default=None, allow_inf_nan=False, description=(
        'ownership "utility": what the utility pays the datacenter per MWh of heat taken at the source (the '
        "evaporator's heat), SEK/MWh; 0 for heat given in exchange for free cooling (Stockholm Data Parks' offer); "
        "negative when the datacenter pays for the cooling the utility's heat pump gives (cooling as a service). "
        "No default: a contract's figure."))

    @model_validator(mode="after")
    def _tables(self) -> HeatReuse:
        pairs = (
            ("supply_curve_c", self.supply_curve_outdoor_c, self.supply_curve_c),
            ("return_curve_c", self.supply_curve_outdoor_c, self.return_curve_c),
            ("outdoor_fraction", self.outdoor_points_c, self.outdoor_fraction),
        )
        for name, xs, ys in pairs:
            if len(xs) != len(ys) or len(xs) < 1:
                raise _field_error(name, f"needs one value per point ({len(xs)}), got {len(ys)}")
        for name, xs in (("supply_curve_outdoor_c", self.supply_curve_outdoor_c), ("outdoor_points_c", self.outdoor_points_c)):
            try:
                _increasing(xs, name)
            except ValueError as exc:
                raise _field_error(name, str(exc)) from None
        if any(r >= s for r, s in zip(self.return_curve_c, self.supply_curve_c)):
            raise _field_error("return_curve_c", "DH return must be below DH supply at every point")
        if len(self.monthly_fraction) != 12 or any(f < 0 or f > 1 for f in self.monthly_fraction):
            raise _field_error("monthly_fraction", "needs 12 fractions in [0, 1] (Jan..Dec)")
        if any(f < 0 or f > 1 for f in self.outdoor_fraction):
            raise _field_error("outdoor_fraction", "fractions must be in [0, 1]")
        prices = self.price_monthly_sek_per_mwh
        if self.price_model == "monthly":
            if prices is None or len(prices) != 12 or not all(math.isfinite(p) and p >= 0 for p in prices):
                raise _field_error("price_monthly_sek_per_mwh", 'price_model "monthly" needs 12 finite prices >= 0 '
                                   "(SEK/MWh, January to December)")
        elif prices is not None:
            raise _field_error("price_monthly_sek_per_mwh", 'is only used with price_model "monthly"')
        xs, ys = self.price_outdoor_points_c, self.price_outdoor_sek_per_mwh
        if self.price_model == "outdoor":
            if xs is None or ys is None or len(xs) != len(ys) or len(xs) < 2:
                raise _field_error("price_outdoor_sek_per_mwh", 'price_model "outdoor" needs price_outdoor_points_c and '
                                   "as many price_outdoor_sek_per_mwh (at least 2)")
            try:
                _increasing(xs, "price_outdoor_points_c")
            except ValueError as exc:
                raise _field_error("price_outdoor_points_c", str(exc)) from None
            if not all(math.isfinite(p) and p >= 0 for p in ys):
                raise _field_error("price_outdoor_sek_per_mwh", "prices must be finite and >= 0 (SEK/MWh)")
        elif xs is not None or ys is not None:
            raise _field_error("price_outdoor_points_c" if xs is not None else "price_outdoor_sek_per_mwh",
                               'is only used with price_model "outdoor"')
        if self.price_model == "file" and not self.price_file:
            raise _field_error("price_file", 'price_model "file" needs a price_file (time, price_sek_per_mwh)')
        if self.price_model != "file" and self.price_file is not None:
            raise _field_error("price_file", 'is only used with price_model "file"')
        if self.delivery == "low-temperature-network":
            missing = [k for k in ("supply_curve_c", "return_curve_c") if k not in self.model_fields_set]
            if missing:
                raise _field_error(missing[0], 'delivery "low-temperature-network" needs the network\'s own supply and '
                                   "return temperatures against supply_curve_outdoor_c (the defaults are a "
                                   "high-temperature network's, 100 -> 70 °C)")
        if self.min_run_time_s > 0 and self.dispatch != "economic":
            raise _field_error("min_run_time_s", 'is only used with dispatch "economic" (the others never stop the '
                               "heat pump for the price)")
        if self.ownership == "utility" and self.source_price_sek_per_mwh is None:
            raise _field_error("source_price_sek_per_mwh", 'ownership "utility" needs the price the utility pays for '
                               "the heat at the source, SEK/MWh (0: heat for free cooling; negative: the datacenter "
                               "pays for the cooling)")
        if self.ownership == "operator" and self.source_price_sek_per_mwh is not None:
            raise _field_error("source_price_sek_per_mwh", 'is only used with ownership "utility"')
        if self.cop_model == "table":
            if self.cop_table_lift_k is None or self.cop_table is None:
                raise _field_error("cop_table", 'cop_model = "table" needs cop_table_lift_k and cop_table')
            if len(self.cop_table_lift_k) != len(self.cop_table) or len(self.cop_table) < 2:
                raise _field_error("cop_table", "needs as many values as cop_table_lift_k (at least 2)")
            try:
                _increasing(self.cop_table_lift_k, "cop_table_lift_k")
            except ValueError as exc:
                raise _field_error("cop_table_lift_k", str(exc)) from None
            if any(c <= 1 for c in self.cop_table):
                raise _field_error("cop_table", "heating COPs must be > 1")
        elif self.cop_table is not None or self.cop_table_lift_k is not None:
            raise _field_error("cop_table", 'cop_table/cop_table_lift_k are only used with cop_model = "table"')
        return self
