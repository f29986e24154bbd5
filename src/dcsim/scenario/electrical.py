"""Scenario sections of the electrical chain: ``electrical.ups.*``, ``electrical.pdu.*``,
``electrical.transformer.*`` and the hall's fixed loads (``dcsim.scenario.schema`` imports
:class:`Electrical`; the physics is in ``dcsim.electrical``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt, model_validator

from .types import FieldError, Section, check_increasing

_Section = Section

__all__ = ["Ups", "Pdu", "Transformer", "Electrical", "Battery", "Generator", "Storage", "BATTERY_POLICIES"]


# ---------------------------------------------------------------------------------------------
# electrical
# ---------------------------------------------------------------------------------------------


#: UPS types whose loss depends on the load (a curve evaluated at each online module's load fraction).
UPS_CURVE_TYPES = ("double-conversion", "eco-mode", "table")
#: The module keys (used only with a curve type).
_UPS_MODULE_KEYS = ("module_kw", "modules", "redundant_modules", "module_control")
#: The walking skeleton's constant UPS efficiency (type "constant" without ``efficiency``).
DEFAULT_UPS_EFFICIENCY = 0.94
#: Redundant UPS modules when not given: N+1, the industry convention for redundant capacity
#: components (Uptime Institute Tier Standard: Topology, Tier II and above). A convention, not a measurement.
DEFAULT_UPS_REDUNDANT_MODULES = 1


class Ups(_Section):
    """Uninterruptible power supply feeding the IT load (dcsim.electrical.chain, dcsim.electrical.ups).

    A UPS of a curve type is a bank of identical modules sharing the load equally; each online
    module runs at the per-module load fraction x = P_out / (n_online module_kw) and its loss
    comes from the curve at x. A file that gives ``efficiency`` without ``type`` keeps the
    original meaning (type "constant"). Keys of one form are empty (None) in the other, so the
    resolved scenario names only what the UPS uses and loads again as it is.
    """

    type: Literal["constant", "double-conversion", "eco-mode", "none", "table"] = Field(
        default="double-conversion",
        description=(
            '"double-conversion" (default) / "eco-mode": loss-curve presets (`dcsim catalog equipment`, their source there); '
            '"constant": `efficiency` at every load (the default when only `efficiency` is given); '
            '"none": no UPS (Boden Type DC One); "table": load_points/efficiency_points.'
        ),
    )
    efficiency: float | None = Field(default=None, gt=0.5, le=1.0, description=(
        f"Constant UPS efficiency (0.5-1] (type \"constant\"; default {DEFAULT_UPS_EFFICIENCY}, the walking skeleton's value)."))
    rated_kw: float | None = Field(default=None, gt=0, description=(
        "UPS capacity the load needs (N, without redundant modules), kW; the load fraction is P_out / rated_kw. Empty: design IT power."))
    load_points: list[float] | None = Field(default=None, description="type \"table\": load fractions (0-1.5], increasing.")
    efficiency_points: list[float] | None = Field(default=None, description="type \"table\": efficiency at those load fractions.")
    feeds_cooling: bool = Field(default=False, description="The cooling plant is on the UPS output too.")
    module_kw: float | None = Field(default=None, gt=0, description=(
        "Rating of one UPS module, kW (curve types). Empty: rated_kw (one module carries the whole load, N = 1)."))
    modules: int | None = Field(default=None, ge=1, le=64, description=(
        "Installed modules (curve types). Empty: ceil(rated_kw / module_kw) + redundant_modules."))
    redundant_modules: int | None = Field(default=None, ge=0, le=16, description=(
        f"Modules beyond those the rated load needs (curve types). Default {DEFAULT_UPS_REDUNDANT_MODULES}: N+1, the "
        "industry convention for redundant capacity components (Uptime Institute Tier Standard, Tier II and above); "
        "2N is modules = 2 N with redundant_modules = N."))
    module_control: Literal["all-online", "eco-staging"] | None = Field(default=None, description=(
        '(curve types) "all-online" (default): every installed module shares the load, the usual arrangement; '
        '"eco-staging": only ceil(P_out / module_kw) modules (at least 1) plus redundant_modules are online, the rest on standby.'))

    @model_validator(mode="before")
    @classmethod
    def _constant_when_only_efficiency(cls, data):
        # the walking skeleton's `electrical.ups.efficiency = 0.94` (no type) keeps meaning a constant UPS;
        # each form's defaults are filled in only for that form
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "efficiency" in data and "type" not in data:
            data["type"] = "constant"
        kind = data.get("type", "double-conversion")
        if kind == "constant":
            data.setdefault("efficiency", DEFAULT_UPS_EFFICIENCY)
        elif isinstance(kind, str) and kind in UPS_CURVE_TYPES:
            data.setdefault("redundant_modules", DEFAULT_UPS_REDUNDANT_MODULES)
            data.setdefault("module_control", "all-online")
        return data

    @model_validator(mode="after")
    def _forms(self) -> Ups:
        if self.type != "constant" and self.efficiency is not None:
            raise FieldError("efficiency", f'is only used with type = "constant" (type is "{self.type}")')
        if self.type not in UPS_CURVE_TYPES:
            for key in _UPS_MODULE_KEYS:
                if getattr(self, key) is not None:
                    raise FieldError(key, f'is only used with a loss-curve type ({", ".join(UPS_CURVE_TYPES)}; type is "{self.type}")')
        elif self.modules is not None and self.modules <= self.redundant_modules:
            raise FieldError(
                "modules",
                f"{self.modules} installed module{'s leave' if self.modules != 1 else ' leaves'} none for the load with "
                f"redundant_modules = {self.redundant_modules} (need at least {self.redundant_modules + 1})",
            )
        if self.type == "table":
            if self.load_points is None or self.efficiency_points is None:
                raise FieldError("load_points", 'type = "table" needs load_points and efficiency_points')
            if len(self.load_points) != len(self.efficiency_points) or len(self.load_points) < 2:
                raise FieldError("efficiency_points", "needs as many values as load_points (at least 2)")
            try:
                check_increasing(self.load_points, "load_points")
            except ValueError as exc:
                raise FieldError("load_points", str(exc)) from None
            if any(x <= 0 or x > 1.5 for x in self.load_points):
                raise FieldError("load_points", "load fractions must be in (0, 1.5]")
            if any(e <= 0.5 or e > 1 for e in self.efficiency_points):
                raise FieldError("efficiency_points", "efficiencies must be in (0.5, 1]")
        elif self.load_points is not None or self.efficiency_points is not None:
            raise FieldError("load_points", 'load_points/efficiency_points are only used with type = "table"')
        return self


class Pdu(_Section):
    """Power distribution units (with transformers): loss = P_r (no_load + load_loss (P/P_r)^2)."""

    no_load_fraction: float = Field(default=0.0, ge=0, le=0.1, description="No-load loss per kW of rating (0 = not modelled; typical 0.005).")
    load_loss_fraction: float = Field(default=0.0, ge=0, le=0.1, description="Load loss at rating per kW of rating (typical 0.01).")
    rated_kw: float | None = Field(default=None, gt=0, description="Rating, kW. Empty: design IT power.")


class Transformer(_Section):
    """MV/LV transformer carrying the whole facility: loss = P_r (no_load + load_loss (S/P_r)^2)."""

    no_load_fraction: float = Field(
        default=0.0, ge=0, le=0.05,
        description="Core loss per kW of rating (0 = not modelled; EU 548/2014 Tier 2, 1000 kVA oil: about 0.0007, recalled).",
    )
    load_loss_fraction: float = Field(
        default=0.0, ge=0, le=0.05, description="Copper loss at rating per kW of rating (same source: about 0.0076, recalled)."
    )
    rated_kw: float | None = Field(default=None, gt=0, description="Rating, kW. Empty: 1.5 x design IT power.")


class Electrical(_Section):
    """The electrical chain: transformer, UPS, PDUs, fixed loads."""

    ups: Ups = Field(default_factory=Ups)
    pdu: Pdu = Field(default_factory=Pdu)
    transformer: Transformer = Field(default_factory=Transformer)
    lighting_kw: float = Field(default=0.0, ge=0, description="Lighting, kW (constant).")
    other_kw: float = Field(default=0.0, ge=0, description="Other constant loads (security, offices), kW.")


# ---------------------------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------------------------

#: Battery dispatch policies (dcsim.electrical.battery, dcsim.electrical.dispatch).
BATTERY_POLICIES = ("none", "peak-shaving", "arbitrage", "carbon-shift", "fcr-d", "ffr")
#: Policies that cycle the battery for money or carbon: they need its wear cost.
_CYCLING_POLICIES = ("peak-shaving", "arbitrage", "carbon-shift")
#: Round-trip efficiency when not given: the mean measured AC-AC round-trip efficiency of the US
#: utility-scale battery fleet in 2019, 82 % (EIA, Today in Energy, 2021-02-12, id=46756, from
#: the fleet's reported monthly charge and discharge).
DEFAULT_ROUND_TRIP_EFFICIENCY = 0.82


class Battery(_Section):
    """The site battery (the UPS battery, or one beside it) between the grid and the load: it
    keeps the UPS reserve for autonomy and may use the energy above it by a policy
    (dcsim.electrical.battery; docs/physics.md, "Storage")."""

    capacity_kwh: float = Field(gt=0, allow_inf_nan=False, description="Usable energy capacity, kWh.")
    power_kw: float = Field(gt=0, allow_inf_nan=False, description="Converter power, charge and discharge, kW (AC).")
    round_trip_efficiency: float = Field(default=DEFAULT_ROUND_TRIP_EFFICIENCY, gt=0.5, le=1.0, description=(
        f"AC-AC round-trip efficiency, (0.5, 1]; split evenly between charging and discharging. Default "
        f"{DEFAULT_ROUND_TRIP_EFFICIENCY}: the measured mean of the US utility-scale battery fleet in 2019 (EIA)."))
    reserve_fraction: float = Field(ge=0, lt=1, description=(
        "Share of the capacity always kept for UPS autonomy, [0, 1): no policy takes the stored energy below it. "
        "No default: the autonomy is the site's design choice (minutes of full IT load)."))
    policy: Literal[BATTERY_POLICIES] = Field(default="none", description=(
        '"none": UPS only (always full); "peak-shaving": hold each month\'s grid import under the lowest target the '
        'battery can keep (or peak_target_kw), against the power fee; "arbitrage": charge in cheap and discharge in '
        'dear hours over windows of horizon_h hours; "carbon-shift": the same on the carbon intensity; "fcr-d": '
        'offer the capacity above the UPS reserve as FCR-D up every hour (Svenska kraftnät\'s limited-energy rules); '
        '"ffr": offer it as FFR at the prices of reserve_price_file (dcsim ships no FFR prices).'))
    horizon_h: int = Field(default=24, ge=1, le=168, description=(
        "arbitrage / carbon-shift: hours of prices (intensities) known ahead, each window planned on them; 24: "
        "the day-ahead market publishes each day's hourly prices the day before."))
    degradation_sek_per_kwh: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Wear cost per kWh discharged, SEK (replacement cost over the lifetime throughput). Needed by the "
        "cycling policies: no measured battery price was found for a default."))
    reserve_price_year: StrictInt = Field(default=2025, ge=2021, le=2025, description=(
        "fcr-d: the year of Svenska kraftnät's hourly FCR-D capacity prices (2021-2025), read onto the simulated "
        "year with the weekdays kept. Default 2025, the latest: prices fell by 80-90 % from 2023 as batteries "
        "entered, so an older year overstates what a battery earns now."))
    reserve_price_file: str | None = Field(default=None, description=(
        "fcr-d / ffr: a CSV of hourly capacity prices (time, price_eur_per_mw_h; an empty price: not procured) "
        "covering the simulated hours, in place of the built-in FCR-D up prices; required for ffr."))
    frequency_file: str | None = Field(default=None, description=(
        "fcr-d: a record of the grid frequency (CSV or Parquet: time, frequency_hz; whole seconds, a constant "
        "step no longer than the simulation step) covering the simulated period: the battery discharges the "
        "offer times the FCR-D up activation (0 at 49.9 Hz, full at 49.5 Hz) and the energy counts as "
        "flex_activated_kwh. Empty: activations not modelled (dcsim ships no frequency record)."))
    peak_target_kw: float | None = Field(default=None, gt=0, allow_inf_nan=False, description=(
        "peak-shaving: a fixed grid-import target, kW. Empty: each month's lowest target the battery can hold "
        "(found on the month's load, i.e. perfect foresight of the site's own load)."))

    @model_validator(mode="after")
    def _policy_keys(self) -> Battery:
        if self.policy in _CYCLING_POLICIES and self.degradation_sek_per_kwh is None:
            raise FieldError("degradation_sek_per_kwh", f"is needed with policy {self.policy!r}: the wear cost per kWh "
                             "discharged, SEK (battery replacement cost / lifetime kWh discharged)")
        if self.policy == "ffr" and self.reserve_price_file is None:
            raise FieldError("reserve_price_file", "is needed with policy 'ffr': dcsim has no FFR prices (none were "
                             "found published); give a CSV of hourly prices (time, price_eur_per_mw_h)")
        if self.frequency_file is not None and self.policy != "fcr-d":
            raise FieldError("frequency_file", f"applies to policy 'fcr-d' only, not {self.policy!r} (FFR's "
                             "activations are not modelled)")
        if self.reserve_price_file is not None and self.policy not in ("fcr-d", "ffr"):
            raise FieldError("reserve_price_file", f"applies to policies 'fcr-d' and 'ffr' only, not {self.policy!r}")
        if self.peak_target_kw is not None and self.policy != "peak-shaving":
            raise FieldError("peak_target_kw", f"applies to policy 'peak-shaving' only, not {self.policy!r}")
        return self


#: Fuels of the standby generator (dcsim.electrical.generator; data/generator_fuels.csv).
GENERATOR_FUELS = ("diesel", "hvo100")


class Generator(_Section):
    """The standby generator: carries the load in a grid outage (after its start delay; the
    battery bridges) and runs a monthly test on the site's load (dcsim.electrical.generator)."""

    power_kw: float = Field(gt=0, allow_inf_nan=False, description="Rating, kW electric.")
    fuel: Literal[GENERATOR_FUELS] = Field(description=(
        '"diesel" (fossil) or "hvo100" (renewable diesel): fuel use per kWh and lifecycle emissions from '
        "`dcsim catalog equipment` (EPA AP-42, Swedish Energy Agency)."))
    fuel_price_sek_per_l: float = Field(ge=0, allow_inf_nan=False, description=(
        "Fuel price, SEK per litre excl. VAT. No default: no published business price was found."))
    fuel_l_per_kwh: float | None = Field(default=None, gt=0, allow_inf_nan=False, description=(
        "Fuel per kWh generated, L/kWh (the set's datasheet). Empty: the fuel's figure (diesel 0.276, HVO100 0.291: "
        "EPA AP-42's average large-engine consumption), constant at every load."))
    start_delay_s: float = Field(default=10.0, ge=0, allow_inf_nan=False, description=(
        "Time from the outage to the set carrying load, s. Default 10: NFPA 110 Type 10."))
    test_minutes_per_month: float = Field(default=30.0, ge=0, le=24 * 60, allow_inf_nan=False, description=(
        "Monthly test run, minutes (first weekday of the month, 10:00 local). Default 30: NFPA 110-2010 8.4.2."))
    test_load_fraction: float = Field(default=0.3, ge=0, le=1, allow_inf_nan=False, description=(
        "Load of the test run as a share of the rating, on the site's load. Default 0.3: NFPA 110-2010 8.4.2."))


class Storage(_Section):
    """Energy storage and standby power at the site: ``[storage.battery]``, ``[storage.generator]``."""

    battery: Battery | None = Field(default=None, description="The site battery; empty: none (no storage).")
    generator: Generator | None = Field(default=None, description="The standby generator; empty: none.")
