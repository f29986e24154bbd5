"""The scenario schema: typed, immutable, units in every name.

Every section forbids unknown keys (so a typo is an error with a suggestion, never a silent
default) and is frozen (a loaded scenario cannot drift). Defaults are chosen so that a
ten-line file runs; each default states where its value comes from.

The dotted keys listed as stable in DESIGN.md section 3 keep their names and meanings.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..units import DURATION_HELP, format_duration, parse_duration_s


class FieldError(ValueError):
    """Raised by a cross-field validator to name the field at fault (relative to its section),
    so the error path points at the key the user must change."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


Duration = Annotated[
    int,
    BeforeValidator(parse_duration_s),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(s|sec|min|m|h|d|w)\s*$"},
                {"type": "integer", "exclusiveMinimum": 0},
            ],
            "description": DURATION_HELP,
        }
    ),
]
"""A duration: written as ``"60s"``/``"1h"``/``"365d"``, held as whole seconds."""


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class Simulation(_Section):
    """Time span and resolution of a run."""

    start: UtcDatetime = Field(
        default=datetime(2025, 1, 1, tzinfo=timezone.utc),
        description="Start of the simulated period (ISO 8601; UTC if no offset is given).",
    )
    duration: Duration = Field(default="365d", description="Length of the simulated period.")
    step: Duration = Field(default="60s", description="Physics time step.")
    record_step: Duration = Field(
        default="1h",
        description=(
            "Resolution of timeseries.parquet: each row aggregates whole physics steps "
            "(power and temperature means, maxima for max_ columns). KPIs always use every step."
        ),
    )
    seed: int = Field(default=42, ge=0, description="Seed for every random process in the run.")

    @model_validator(mode="after")
    def _steps_fit(self) -> Simulation:
        if self.duration % self.step:
            raise FieldError("duration", f"must be a whole number of steps of {format_duration(self.step)}")
        if self.record_step % self.step:
            raise FieldError("record_step", f"must be a whole number of steps of {format_duration(self.step)}")
        if self.duration // self.step > 20_000_000:
            raise FieldError("step", "gives more than 20 million steps: use a longer step or a shorter duration")
        return self


class SyntheticClimate(_Section):
    """Assumptions of the built-in synthetic typical years that the monthly normals lack.

    Leave a field empty to use the generator's stated default (docs/physics.md).
    """

    diurnal_range_k: float | None = Field(default=None, ge=0, le=30)
    mean_rh_pct: float | None = Field(default=None, gt=0, le=100)
    day_to_day_sd_k: float | None = Field(default=None, ge=0, le=15)


class Site(_Section):
    """Where the datacenter stands: weather and electricity grid."""

    name: str | None = Field(default=None, description="Free text shown in reports.")
    climate: str = Field(
        default="builtin:lulea",
        description='"builtin:<site>" (see `dcsim catalog climates`) or a path to an EPW, SMHI CSV or CSV file.',
    )
    grid: str = Field(
        default="builtin:se1",
        description='"builtin:se1" ... "builtin:se4" or a path to a CSV/Parquet of carbon intensity and price.',
    )
    timezone: str = Field(
        default="Europe/Stockholm", description="IANA time zone of local time (daily profiles, reports)."
    )
    synthetic: SyntheticClimate = Field(default_factory=SyntheticClimate)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError('unknown time zone; expected an IANA name such as "Europe/Stockholm" or "UTC"')
        return value


class ServerTable(_Section):
    """An inline server power curve: either ``idle_w`` and ``max_w`` (linear) or an
    11-point SPECpower table ``power_w`` at 0, 10, ..., 100 % load."""

    name: str = Field(default="custom", description="Label for reports.")
    idle_w: float | None = Field(default=None, ge=0, description="Power at 0 % load, W.")
    max_w: float | None = Field(default=None, gt=0, description="Power at 100 % load, W.")
    power_w: list[float] | None = Field(
        default=None, description="SPECpower table: 11 values in W at 0, 10, ..., 100 % load."
    )

    @model_validator(mode="after")
    def _one_form(self) -> ServerTable:
        if self.power_w is not None:
            if self.idle_w is not None or self.max_w is not None:
                raise FieldError("power_w", "give either power_w (an 11-point table) or idle_w and max_w, not both")
            if len(self.power_w) != 11:
                raise FieldError("power_w", f"needs 11 values (0, 10, ..., 100 % load), got {len(self.power_w)}")
            if any(p < 0 for p in self.power_w):
                raise FieldError("power_w", "values must be >= 0 W")
        else:
            if self.idle_w is None or self.max_w is None:
                missing = "idle_w" if self.idle_w is None else "max_w"
                raise FieldError(missing, "give idle_w and max_w (linear curve) or power_w (11-point SPECpower table)")
            if self.max_w < self.idle_w:
                raise FieldError("max_w", f"must be >= idle_w ({self.idle_w} W)")
        return self


class IT(_Section):
    """The IT equipment: racks of identical servers."""

    racks: int = Field(default=50, ge=1, le=100_000, description="Number of racks.")
    servers_per_rack: int = Field(default=20, ge=1, le=1000, description="Servers in each rack.")
    server: str | ServerTable = Field(
        default="ibm-x3550-x5670",
        description="A catalogue name (`dcsim catalog servers`) or an inline power table.",
    )
    airflow_m3_per_s_per_kw: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description=(
            "Server airflow per kW of maximum server power (REFERENCES.md: 0.1 m3/s per kW gives "
            "about 8.3 K across the servers at full load)."
        ),
    )


class Room(_Section):
    """The white space: air distribution and the thermal envelope it must hold."""

    containment: Literal["none", "cold-aisle", "hot-aisle"] = Field(
        default="none", description="Aisle containment; sets the default recirculation."
    )
    supply_air_c: float = Field(default=20.0, ge=5, le=40, description="CRAH supply-air setpoint, °C.")
    ashrae_class: Literal["A1", "A2", "A3", "A4"] = Field(
        default="A1", description="ASHRAE TC9.9 allowable class the inlets are judged against."
    )
    recirculation_fraction: float | None = Field(
        default=None,
        ge=0,
        lt=0.6,
        description=(
            "Share of rack inlet air that is recirculated exhaust. Empty: by containment "
            "(none 0.10, cold-aisle 0.03, hot-aisle 0.02; assumptions, see docs/physics.md)."
        ),
    )


class Crah(_Section):
    """Computer-room air handlers."""

    airflow_oversupply_fraction: float = Field(
        default=0.1, ge=0, le=1, description="CRAH airflow above the servers' net demand (bypass)."
    )
    fan_kw_per_m3_per_s: float = Field(
        default=0.69,
        gt=0,
        le=5,
        description="Fan power at design flow per m3/s (REFERENCES.md: EC plug fan, about 0.69 kW per m3/s).",
    )


class Chiller(_Section):
    """Vapour-compression chiller rejecting heat to outdoor air (Carnot-fraction model)."""

    carnot_efficiency: float = Field(
        default=0.3, gt=0, lt=1, description="Fraction of Carnot COP achieved (REFERENCES.md: about 0.3)."
    )
    chilled_water_supply_c: float = Field(default=12.0, ge=0, le=30, description="Chilled-water supply, °C.")
    chilled_water_delta_t_k: float = Field(default=6.0, gt=0, le=20, description="Chilled-water loop ΔT, K.")
    evaporator_approach_k: float = Field(default=3.0, ge=0, le=15, description="Refrigerant below chilled water, K.")
    condenser_approach_k: float = Field(default=10.0, ge=0, le=30, description="Condensing above outdoor dry bulb, K.")
    min_condensing_c: float = Field(
        default=25.0, ge=0, le=60, description="Head-pressure control floor of the condensing temperature, °C."
    )


class Pumps(_Section):
    """Chilled-water pumps: P = Δp V / η (REFERENCES.md: 160-300 kPa, η 0.87)."""

    pressure_rise_kpa: float = Field(default=200.0, ge=0, le=1000)
    efficiency: float = Field(default=0.87, gt=0, le=1)


class Cooling(_Section):
    """The cooling plant."""

    system: Literal["chiller-crah"] = Field(
        default="chiller-crah", description="Cooling system; more systems follow (DESIGN.md)."
    )
    crah: Crah = Field(default_factory=Crah)
    chiller: Chiller = Field(default_factory=Chiller)
    pumps: Pumps = Field(default_factory=Pumps)


class Ups(_Section):
    """Uninterruptible power supply feeding the IT load."""

    efficiency: float = Field(default=0.94, gt=0.5, le=1.0, description="Constant UPS efficiency (0-1].")


class Electrical(_Section):
    ups: Ups = Field(default_factory=Ups)


class HeatReuse(_Section):
    enabled: Literal[False] = Field(
        default=False,
        description="Heat pump to district heating. Not yet modelled in this version: only false is accepted.",
    )


class Workload(_Section):
    """What the IT does: a utilisation level, constant or with a daily shape."""

    kind: Literal["constant", "profile"] = Field(
        default="constant", description='"constant" or "profile" (jobs and traces follow, DESIGN.md).'
    )
    mean_utilization: float = Field(default=0.5, ge=0, le=1, description="Mean server utilisation in [0, 1].")
    daily_profile: list[float] | None = Field(
        default=None,
        description=(
            "kind = \"profile\": 24 relative weights for the local hours 0-23; scaled so that their "
            "mean is mean_utilization."
        ),
    )

    @model_validator(mode="after")
    def _profile(self) -> Workload:
        if self.kind == "profile":
            p = self.daily_profile
            if p is None:
                raise FieldError("daily_profile", 'is required with kind = "profile" (24 weights for local hours 0-23)')
            if len(p) != 24:
                raise FieldError("daily_profile", f"needs 24 values (local hours 0-23), got {len(p)}")
            if any(x < 0 for x in p) or sum(p) <= 0:
                raise FieldError("daily_profile", "weights must be >= 0 and not all zero")
            peak = max(p) / (sum(p) / 24) * self.mean_utilization
            if peak > 1 + 1e-12:
                raise FieldError(
                    "daily_profile",
                    f"daily_profile scaled to mean_utilization {self.mean_utilization} peaks at "
                    f"{peak:.3f} > 1; lower the mean or flatten the profile",
                )
        elif self.daily_profile is not None:
            raise FieldError("daily_profile", 'is only used with kind = "profile"')
        return self


class Scenario(_Section):
    """One datacenter on one site with one workload."""

    name: str = Field(default="scenario", description="Short name used in outputs.")
    description: str = Field(default="", description="Free text.")
    simulation: Simulation = Field(default_factory=Simulation)
    site: Site = Field(default_factory=Site)
    it: IT = Field(default_factory=IT)
    room: Room = Field(default_factory=Room)
    cooling: Cooling = Field(default_factory=Cooling)
    electrical: Electrical = Field(default_factory=Electrical)
    heat_reuse: HeatReuse = Field(default_factory=HeatReuse)
    workload: Workload = Field(default_factory=Workload)

    @model_validator(mode="after")
    def _chilled_water_can_cool_supply_air(self) -> Scenario:
        if self.cooling.chiller.chilled_water_supply_c >= self.room.supply_air_c:
            raise FieldError(
                "cooling.chiller.chilled_water_supply_c",
                f"cooling.chiller.chilled_water_supply_c ({self.cooling.chiller.chilled_water_supply_c} °C) "
                f"must be below room.supply_air_c ({self.room.supply_air_c} °C) for the coil to cool the air"
            )
        return self
