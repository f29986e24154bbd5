"""Scenario sections of the facility: ``cooling`` and ``heat_reuse`` (the electrical chain's
are in :mod:`dcsim.scenario.electrical`).

``dcsim.scenario.schema`` imports :class:`Cooling` and :class:`HeatReuse` from here. The keys
of the walking skeleton keep their names and meanings (cooling.system, cooling.crah.*,
cooling.chiller.*, cooling.pumps.*, heat_reuse.enabled); since issue 15 their defaults follow
measured equipment (the chiller's Carnot fraction falls with the lift; the walking skeleton's
constant fraction is cooling.chiller.carnot_fraction = "constant"). Every default says where
its value comes from; "assumption" marks a value chosen here without a published source.
``dcsim.model`` (``build_plant``, ``build_electrical``, ``build_heat_reuse``) turns these
sections into kernel parameters.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from .datasheet import DatasheetUnit
from .heat_reuse import (  # noqa: F401  (re-exported: the section's home until issue 17 outgrew this module)
    DEFAULT_DH_OUTDOOR_C,
    DEFAULT_DH_RETURN_C,
    DEFAULT_DH_SUPPLY_C,
    DEFAULT_HEAT_PRICE_SEK_PER_MWH,
    DEFAULT_MONTHLY_DEMAND_FRACTION,
    HeatReuse,
)
from .types import Duration, FieldError, Section, UtcDatetime
from .types import check_increasing as _increasing

__all__ = [
    "Crah",
    "Chiller",
    "Pumps",
    "CoolingTower",
    "Economizer",
    "DryCooler",
    "FreshAir",
    "IndirectEvaporative",
    "Liquid",
    "CoolingFailure",
    "Cooling",
    "CHILLED_WATER_SYSTEMS",
    "DatasheetUnit",
    "HeatReuse",
]


def _field_error(field: str, message: str) -> ValueError:
    return FieldError(field, message)


_Section = Section
_Duration = Duration
_UtcDatetime = UtcDatetime


# ---------------------------------------------------------------------------------------------
# cooling
# ---------------------------------------------------------------------------------------------


class Crah(_Section):
    """Computer-room air handlers (also the supply fans of fresh-air and indirect units)."""

    airflow_oversupply_fraction: float | None = Field(
        default=None, ge=0, le=5,
        description=(
            "Airflow above the servers' net demand (bypass), as a share of it. Empty: by room.containment, "
            "open aisles 1.5 (60 % of the supply bypassing: Uptime Institute survey of 19 rooms, Sullivan et al. "
            "2004), contained aisles 0.1 (assumption)."
        ),
    )
    fan_kw_per_m3_per_s: float = Field(
        default=0.69,
        gt=0,
        le=5,
        description="Fan power at design flow per m3/s (REFERENCES.md: EC plug fan, about 0.69 kW per m3/s).",
    )
    units: int = Field(
        default=1, ge=1, le=1000,
        description=(
            "Duty air handlers N sharing the hall's design airflow (1: the hall as one equivalent unit). "
            "Fan power at design flow stays fan_kw_per_m3_per_s x design flow in total."
        ),
    )
    redundant_units: int = Field(
        default=0, ge=0, le=100,
        description="Installed units beyond N (N+1: 1). With staging = \"all-running\" they share the flow at lower speed.",
    )
    min_speed_fraction: float = Field(
        default=0.5, ge=0, le=1,
        description=(
            "Lowest fan speed of a running unit, fraction of full speed: below it the units move more air than "
            "the servers draw (bypass). Default: the turndown IECC C403.4.1 (fan control) requires of units that "
            "modulate airflow, minimum speed at most 50 % of full speed: a code-compliant unit reaches it; "
            "many EC fans go lower, so set your units' value."
        ),
    )
    staging: Literal["all-running", "staged"] = Field(
        default="all-running",
        description=(
            '"all-running": every installed unit runs at a shared speed; "staged": the fewest units that carry '
            "the demand run, the rest stand by."
        ),
    )


class Chiller(_Section):
    """Vapour-compression cooling: the chiller of chilled-water systems, the DX trim of
    fresh-air and indirect-evaporative units."""

    model: Literal["carnot", "eir"] = Field(
        default="carnot",
        description=(
            '"carnot": COP = T_evap/(a0 + a1 L + a2 L^2) with L = T_cond - T_evap, a Carnot fraction falling with the '
            "lift as the catalogue machine `curve` shows (its full-load curve fitted over its range), with that "
            'machine\'s part-load curve; "eir": DOE-2 / EnergyPlus Chiller:Electric:EIR curves of the catalogue entry '
            "`curve` (`dcsim catalog equipment`). Both stage `count` equal units (docs/physics.md)."
        ),
    )
    curve: str | None = Field(
        default=None,
        description=(
            'Catalogue curve set (`dcsim catalog equipment`); its condenser type must be `condenser`\'s. Empty: '
            '"ashrae901-2010-air-cooled" for condenser = "air" (ASHRAE 90.1-2010 Appendix G baseline, openstudio-standards), '
            '"mcquay-pfh-2124kw" for "water" (REFERENCES.md, Modelica Buildings data).'
        ),
    )
    condenser: Literal["air", "water"] = Field(
        default="air",
        description=(
            '"air": condensing on outdoor dry bulb (the walking-skeleton plant); "water": cooling tower '
            "(cooling.tower), chiller-crah only."
        ),
    )
    capacity_kw: float | None = Field(
        default=None,
        ge=0,
        description=(
            "Total compressor capacity at the curve's reference point, kW, standby units included. Empty: "
            "cooling.capacity_kw, else cooling.sizing_factor x the design heat. 0: no mechanical cooling (e.g. a "
            "fresh-air site without DX trim)."
        ),
    )
    count: int = Field(
        default=1, ge=1, le=50,
        description=(
            "Equal chillers sharing capacity_kw, staged: only as many run as the load needs, equally loaded. N+1: "
            "count = N + 1 with capacity_kw = (N + 1) x the unit's capacity; the spare stays off until the load needs it."
        ),
    )
    carnot_efficiency: float | None = Field(
        default=None, gt=0, lt=1,
        description=(
            "model carnot: fraction of the Carnot COP at carnot_reference_lift_k; the curve set's lift relation is "
            "scaled to it. Empty: the curve set's own (ASHRAE 90.1-2010 air-cooled baseline: 0.405 at 40 K with the "
            "default approaches)."
        ),
    )
    carnot_fraction: Literal["lift", "constant"] = Field(
        default="lift",
        description=(
            'model carnot: "lift": the fraction falls with the lift as the curve set shows, with its part-load curve; '
            '"constant": the walking-skeleton chiller, COP = carnot_efficiency x T_evap/(T_cond - T_evap) at every lift '
            "and load (Modelica Buildings Carnot examples; kept for comparisons)."
        ),
    )
    carnot_reference_lift_k: float = Field(
        default=40.0, gt=0, le=100,
        description="Lift T_cond - T_evap at which carnot_efficiency applies, K (40 K: about the AHRI 550/590 air-cooled rating point, 6.67 °C water / 35 °C air, with the default approaches).",
    )
    chilled_water_supply_c: float | None = Field(
        default=None,
        ge=0,
        le=30,
        description="Fixed chilled-water (DX coil) supply, °C. Empty: reset with the supply air, coil_approach_k below it.",
    )
    coil_approach_k: float = Field(
        default=8.0, ge=1, le=20, description="Supply air above chilled-water supply when the water follows the air, K."
    )
    chilled_water_delta_t_k: float = Field(default=6.0, gt=0, le=20, description="Chilled-water loop ΔT, K.")
    evaporator_approach_k: float = Field(default=3.0, ge=0, le=15, description="Refrigerant below chilled water, K (model carnot).")
    condenser_approach_k: float = Field(
        default=10.0, ge=0, le=30,
        description="Condensing above outdoor dry bulb (air) or entering condenser water (water), K (model carnot).",
    )
    min_condensing_c: float = Field(
        default=25.0, ge=0, le=60, description="Head-pressure control floor of the condensing temperature, °C (model carnot)."
    )
    condenser_fan_power_ratio: float = Field(
        default=0.0,
        ge=0,
        le=0.2,
        description=(
            "Air-cooled condenser fan power per kW of cooling (EnergyPlus 'Condenser Fan Power Ratio'); "
            "0 when the COP already includes the fans (the air-cooled catalogue curves' do)."
        ),
    )

    @field_validator("curve")
    @classmethod
    def _known_curve(cls, value: str | None) -> str | None:
        from ..data.equipment import get_chiller

        if value is None:
            return value
        try:
            get_chiller(value)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
        return value

    @model_validator(mode="after")
    def _curve_fits_condenser(self) -> Chiller:
        from ..data.equipment import chiller_catalog

        if self.carnot_fraction == "constant" and self.carnot_efficiency is None:
            raise _field_error("carnot_efficiency", 'is needed with carnot_fraction = "constant" (REFERENCES.md: about 0.3)')
        if self.curve is None:
            return self
        cur = chiller_catalog()[self.curve]
        if cur.condenser != self.condenser:
            fitting = sorted(k for k, c in chiller_catalog().items() if c.condenser == self.condenser)
            raise _field_error(
                "curve",
                f"{self.curve!r} is a {cur.condenser}-cooled curve set but cooling.chiller.condenser is "
                f'"{self.condenser}" ({self.condenser}-cooled curve sets: {", ".join(fitting)}; or leave curve empty)',
            )
        return self


class Pumps(_Section):
    """Water pumps: P = Δp V / η (REFERENCES.md: 160-300 kPa, η 0.87)."""

    pressure_rise_kpa: float = Field(default=200.0, ge=0, le=1000, description="Chilled-water loop, kPa.")
    efficiency: float = Field(default=0.87, gt=0, le=1, description="Wire-to-water efficiency of every pump.")
    condenser_pressure_rise_kpa: float = Field(
        default=150.0, ge=0, le=1000,
        description="Condenser-water (tower) or glycol (dry cooler) loop, kPa (inside REFERENCES.md's 160-300 kPa span's lower end; assumption).",
    )
    condenser_delta_t_k: float = Field(
        default=5.56, gt=0, le=20, description="Condenser-water / glycol ΔT, K (10 °F tower range, assumption)."
    )


class CoolingTower(_Section):
    """Open cooling tower of a water-cooled chiller (cooling.chiller.condenser = "water")."""

    approach_k: float = Field(default=4.0, ge=0.5, le=15, description="Cold water above outdoor wet bulb at full fan, K (assumption; typical 3-5 K).")
    min_condenser_water_c: float = Field(
        default=12.78, ge=0, le=40,
        description="Floor of the water sent to the chiller (fan cycling), °C: the McQuay curve's lower limit (REFERENCES.md).",
    )
    min_free_cooling_water_c: float = Field(
        default=4.0, ge=0, le=30, description="Floor of the tower water in economiser operation (freeze protection), °C (assumption)."
    )
    fan_kw_per_kw: float = Field(
        default=0.0133, ge=0, le=0.1,
        description=(
            "Fan power at design heat rejection per kW rejected: ASHRAE 90.1 axial-fan tower minimum 38.2 gpm/hp "
            "at 95/85/75 °F (recalled, not checked here) = 0.0133 kW/kW; part load by the cube law."
        ),
    )
    evaporated_fraction: float | None = Field(
        default=None, ge=0, le=1,
        description=(
            "Share of the rejected heat carried away by evaporation, fixed (1 = all heat by evaporation, "
            "REFERENCES.md 1.47 L/kWh; a dry tower still evaporates nothing). Empty: computed each step from "
            "the air's sensible/latent split, air leaving saturated at the mean water temperature "
            "(docs/physics.md; about 0.8-1.0 in summer, 0.4-0.6 in air at 0-5 °C)."
        ),
    )
    freeze_protection_wetbulb_c: float = Field(
        default=0.0, ge=-50, le=10,
        description=(
            "Below this outdoor wet bulb the tower runs dry (freeze protection): spray water off, heat "
            "rejected sensibly towards the dry bulb, nothing evaporated; free cooling then shows as mode "
            "free-dry. °C; default 0: the freezing point of water, which a wet tower's water approaches "
            "(it tends to the wet bulb). -50 keeps the tower wet all year."
        ),
    )
    drift_fraction: float = Field(
        default=0.01, ge=0, le=0.2, description="Drift as a share of the evaporated water (REFERENCES.md: about 1 %)."
    )
    cycles_of_concentration: float = Field(
        default=5.0, gt=1, le=20, description="Blowdown = evaporation/(cycles - 1) - drift (REFERENCES.md: about 5)."
    )


class Economizer(_Section):
    """Waterside economiser (chiller-crah with a cooling tower): plate heat exchanger between
    tower water and chilled-water return; modes free / partial / mechanical after Stein 2009."""

    enabled: bool = Field(default=False, description="Waterside economiser on (needs cooling.chiller.condenser = \"water\").")
    hx_approach_k: float = Field(default=1.5, ge=0, le=10, description="Plate heat exchanger approach, K (assumption).")


class DryCooler(_Section):
    """Dry cooler (free cooling of the dry-cooler system, and of the liquid loop)."""

    effectiveness: float = Field(
        default=8.0 / 12.0, gt=0, lt=1,
        description=(
            "Water-side effectiveness at design flow and full fan: (entering - leaving)/(entering - T_db) = "
            "(12 - 4)/12 (REFERENCES.md: 12 K entering-water ITD at rated duty, 4 K approach)."
        ),
    )
    fan_power_fraction: float = Field(
        default=0.037, ge=0, le=0.2, description="Fan power at full speed per kW of design duty (REFERENCES.md: about 3.7 %)."
    )
    capacity_kw: float | None = Field(
        default=None, gt=0, description="Design duty, kW. Empty: cooling.sizing_factor x design IT power."
    )
    hx_approach_k: float = Field(default=1.0, ge=0, le=10, description="Glycol-to-chilled-water heat exchanger approach, K (assumption).")


class FreshAir(_Section):
    """Direct outdoor-air cooling with return-air mixing, humidification and evaporative assist."""

    evaporative_effectiveness: float = Field(
        default=0.85, ge=0, lt=1,
        description="Evaporative media: T_out = T_db - eps (T_db - T_wb) (REFERENCES.md: pads 0.7-0.9). 0: no adiabatic assist.",
    )
    relief_fan_kw_per_m3_per_s: float = Field(
        default=0.25, ge=0, le=3,
        description="Relief/exhaust fan power per m3/s of outdoor air (assumption: about 150 Pa at 60 % efficiency).",
    )
    humidifier: Literal["adiabatic", "steam"] = Field(
        default="adiabatic",
        description='"adiabatic": spray/media on the mixed air (water, pump energy only); "steam": electric steam humidifier.',
    )
    steam_kwh_per_kg: float = Field(
        default=0.73, gt=0, le=2,
        description="Electricity per kg of steam: heating water 10 -> 100 °C and evaporating it, 0.73 kWh/kg (steam tables, derived here).",
    )
    adiabatic_pump_kwh_per_kg: float = Field(
        default=0.004, ge=0, le=0.1,
        description=(
            "Pump electricity per kg of water sprayed for humidification or evaporative cooling: a 70 bar "
            "high-pressure fog pump at 50 % efficiency, 7e6 Pa x 1e-3 m3/kg / 0.5 = 0.004 kWh/kg (derived here)."
        ),
    )
    min_dewpoint_c: float | None = Field(default=None, ge=-40, le=20, description="Lowest supply dew point, °C. Empty: -12 (ASHRAE A1-A4).")
    min_rh_pct: float | None = Field(default=None, ge=0, le=60, description="Lowest supply RH, %. Empty: 8 (ASHRAE A1-A4).")
    max_dewpoint_c: float | None = Field(default=None, ge=0, le=30, description="Highest supply dew point, °C. Empty: by room.ashrae_class (A1 17, A2 21, A3/A4 24).")
    max_rh_pct: float | None = Field(default=None, gt=0, le=100, description="Highest supply RH, %. Empty: by class (A1/A2 80, A3 85, A4 90).")


class IndirectEvaporative(_Section):
    """Indirect evaporative cooler: air-to-air heat exchanger, scavenger air wet or dry."""

    dry_effectiveness: float = Field(default=0.65, ge=0, lt=1, description="Dry mode, on outdoor dry bulb (REFERENCES.md: about 0.65).")
    wet_effectiveness: float = Field(default=0.65, ge=0, lt=1, description="Wet mode, on outdoor wet bulb (REFERENCES.md: about 0.65).")
    scavenger_fan_kw_per_m3_per_s: float = Field(
        default=0.6, ge=0, le=3, description="Scavenger-air fan power at full speed per m3/s (assumption: about 360 Pa at 60 %)."
    )
    scavenger_flow_ratio: float = Field(default=1.0, gt=0, le=3, description="Design scavenger flow / design supply flow.")
    cycles_of_concentration: float = Field(default=5.0, gt=1, le=20, description="Bleed = evaporation/(cycles - 1).")


class Liquid(_Section):
    """Direct-to-chip warm-water cooling (cooling.system = "liquid")."""

    share: float = Field(
        default=0.7, ge=0, le=1,
        description="Share of IT heat captured by the cold plates (assumption); the rest goes to the air. Used by the engine.",
    )
    supply_c: float = Field(default=40.0, ge=15, le=60, description="Coolant supply to the cold plates, °C (\"40 °C-ish\" warm water).")
    delta_t_k: float = Field(default=10.0, gt=0, le=30, description="Coolant ΔT across the cold plates, K.")
    cdu_approach_k: float = Field(default=3.0, ge=0, le=15, description="CDU heat exchanger approach, K (assumption).")
    pressure_rise_kpa: float = Field(default=250.0, ge=0, le=1000, description="Loop pump head, kPa (REFERENCES.md pumps 160-300 kPa).")
    dry_cooler_capacity_kw: float | None = Field(
        default=None, gt=0, description="Design duty of the loop's dry cooler, kW. Empty: cooling.sizing_factor x share x design IT."
    )


class CoolingFailure(_Section):
    """A period when the plant delivers only part of its capacity (fans keep running)."""

    start: _UtcDatetime = Field(description="Start of the outage (ISO 8601; UTC if no offset).")
    duration: _Duration = Field(description="Length of the outage.")
    available_fraction: float = Field(default=0.0, ge=0, lt=1, description="Capacity left during the outage.")


#: The systems with a chilled-water loop (buffer tank, datasheet unit).
CHILLED_WATER_SYSTEMS = ("chiller-crah", "dry-cooler", "liquid")


class Cooling(_Section):
    """The cooling plant (dcsim.cooling.plant)."""

    system: Literal["chiller-crah", "dry-cooler", "fresh-air", "indirect-evaporative", "liquid"] = Field(
        default="chiller-crah", description="Cooling system (DESIGN.md section 3)."
    )
    capacity_kw: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Heat the plant can remove, kW. Empty: sizing_factor x the design heat (servers at full load and "
            "27 °C inlet plus fans). Also the default compressor capacity (cooling.chiller.capacity_kw)."
        ),
    )
    failures: list[CoolingFailure] = Field(default_factory=list, description="Outages of the cooling plant.")
    buffer_tank_m3: float = Field(
        default=0.0, ge=0, le=10000,
        description=(
            "Chilled-water buffer tank, m3 (0: none): covers the coils while a failure removes plant capacity, "
            "until its cold (the loop's ΔT over the volume) is used up; charged again with spare capacity. "
            "Chilled-water systems only (chiller-crah, dry-cooler, liquid)."
        ),
    )
    min_mode_time_s: float = Field(
        default=1200.0, ge=0, le=86400,
        description="Minimum time between cooling-mode changes, s (Stein 2009 / Modelica Buildings: 20 min).",
    )
    mode_deadband_k: float = Field(
        default=1.0, ge=0, le=10,
        description="Margin a cheaper mode needs before it is entered, K (Modelica Buildings example: 0.5-1.1 K).",
    )
    sizing_factor: float = Field(
        default=1.25, gt=0, le=5, description="Default capacities = this x design IT power (assumption: 25 % margin)."
    )
    crah: Crah = Field(default_factory=Crah)
    chiller: Chiller = Field(default_factory=Chiller)
    pumps: Pumps = Field(default_factory=Pumps)
    tower: CoolingTower = Field(default_factory=CoolingTower)
    economizer: Economizer = Field(default_factory=Economizer)
    dry_cooler: DryCooler = Field(default_factory=DryCooler)
    fresh_air: FreshAir = Field(default_factory=FreshAir)
    indirect_evaporative: IndirectEvaporative = Field(default_factory=IndirectEvaporative)
    liquid: Liquid = Field(default_factory=Liquid)
    datasheet_unit: DatasheetUnit | None = Field(
        default=None, description="A cooling unit given by its datasheet table (empty: none). Chilled-water systems only."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Cooling:
        if self.datasheet_unit is not None and self.system not in CHILLED_WATER_SYSTEMS:
            raise _field_error(
                "cooling.datasheet_unit",
                f'a datasheet unit sits on the chilled-water return ahead of the chiller; system "{self.system}" has no '
                f"chilled-water loop (allowed with {', '.join(CHILLED_WATER_SYSTEMS)})",
            )
        if self.chiller.condenser == "water" and self.system != "chiller-crah":
            raise _field_error(
                "cooling.chiller.condenser",
                f'"water" (cooling tower) is only modelled for system "chiller-crah", not "{self.system}"',
            )
        if self.economizer.enabled and self.system != "chiller-crah":
            raise _field_error(
                "cooling.economizer.enabled",
                f'the waterside economiser belongs to system "chiller-crah"; "{self.system}" has its own free cooling',
            )
        if self.economizer.enabled and self.chiller.condenser != "water":
            raise _field_error(
                "cooling.economizer.enabled",
                'needs cooling.chiller.condenser = "water" (a cooling tower); for dry-cooler free cooling use system = "dry-cooler"',
            )
        if self.buffer_tank_m3 > 0 and self.system not in CHILLED_WATER_SYSTEMS:
            raise _field_error(
                "cooling.buffer_tank_m3", f'a chilled-water buffer needs a chilled-water loop; system "{self.system}" has none'
            )
        if self.system == "chiller-crah" and self.chiller.capacity_kw == 0 and not self.economizer.enabled:
            raise _field_error("cooling.chiller.capacity_kw", "0 leaves a chiller-crah plant without any cooling")
        return self
