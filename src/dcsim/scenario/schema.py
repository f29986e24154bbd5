"""The scenario schema: typed, immutable, units in every name.

Every section forbids unknown keys (so a typo is an error with a suggestion, never a silent
default) and is frozen (a loaded scenario cannot drift). Defaults are chosen so that a
ten-line file runs; each default states where its value comes from.

The dotted keys listed as stable in DESIGN.md section 3 keep their names and meanings.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from ..data.builtin import builtin_name
from ..data.monthly_means import MONTHLY_MEAN_RANGE_C, check_monthly_means
from ..data.prices import (
    DEFAULT_PRICE_YEAR,
    DEFAULT_TAX_CATEGORY,
    DEFAULT_TAX_YEAR,
    PRICE_YEARS,
    TAX_CATEGORIES,
    TYPICAL,
    price_year_problem,
)
from ..units import format_duration
from .electrical import Electrical, Storage
from .facility import Cooling, HeatReuse
from .it import IT
from .types import Duration, FieldError, Section, UtcDatetime


_Section = Section


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
    """Options of the built-in synthetic typical years: the assumptions the monthly normals
    lack, and other monthly means to build the year on. Only with a built-in climate
    (`site.climate = "builtin:<site>"`); refused with a weather file.

    Leave a field empty to use the generator's stated default (docs/physics.md).
    """

    diurnal_range_k: float | None = Field(
        default=None, ge=0, le=30, description="Peak-to-peak daily temperature cycle, K, all year."
    )
    mean_rh_pct: float | None = Field(default=None, gt=0, le=100, description="Mean relative humidity, %, all year.")
    day_to_day_sd_k: float | None = Field(
        default=None, ge=0, le=15, description="Standard deviation of day-to-day temperature anomalies, K."
    )
    monthly_mean_c: list[float] | None = Field(
        default=None,
        description=(
            "12 monthly mean temperatures, °C, January first, in place of the built-in site's SMHI "
            "1991-2020 normals (to run the generator on another station's normals); each within "
            f"{MONTHLY_MEAN_RANGE_C[0]:g}..{MONTHLY_MEAN_RANGE_C[1]:g} °C. Empty: the site's normals."
        ),
    )

    @field_validator("monthly_mean_c")
    @classmethod
    def _twelve_means(cls, value: list[float] | None) -> list[float] | None:
        # the generator's own check (dcsim.data.monthly_means, base layer: the schema imports no physics)
        problems = []
        check_monthly_means(value, problems)
        if problems:
            raise ValueError(problems[0].message)
        return value


class GridOptions(_Section):
    """What the site pays for electricity and which carbon intensity it is charged with
    (dcsim.grid): the price year of a built-in grid, the energy tax, the network operator's
    energy and power fees, constant values and scale factors. Empty fields take the grid's
    stated defaults (`dcsim catalog grids`, docs/physics.md); the grid loader checks what the
    types here cannot (a tax year with a rate, a known operator, options that contradict each
    other) and names every problem at once.
    """

    price_year: int | str | None = Field(
        default=None,
        description=(
            f"Year of the real hourly ENTSO-E day-ahead prices, {PRICE_YEARS[0]}-{PRICE_YEARS[-1]} (each hour of "
            f"that year, converted to SEK at the monthly EUR/SEK rate); \"{TYPICAL}\": the typical profile "
            "built from the published yearly, monthly and hour-of-day means of 2023 instead. A simulated year "
            "other than the price year reads the hour of the same weekday and time nearest to the same date "
            f"(docs/physics.md). Empty: {DEFAULT_PRICE_YEAR} with a built-in grid (written into the resolved scenario)."
        ),
    )

    include_tax: StrictBool | None = Field(default=None, description=(
        "Add the Swedish energy tax (energiskatt) to the price. Empty: true (built-in grids and ENTSO-E files)."))
    tax_category: Literal[TAX_CATEGORIES] | None = Field(default=None, description=(
        f"Energy-tax category: {', '.join(TAX_CATEGORIES)}. Empty: {DEFAULT_TAX_CATEGORY} (data centres pay the "
        "standard rate since 2023-07-01)."))
    tax_year: StrictInt | None = Field(default=None, description=(
        f"Year of the energy-tax rate (standard and reduced-north 2022-2026, datacenter 2017-2022). Empty: "
        f"{DEFAULT_TAX_YEAR}, the rate in force now (36.0 öre/kWh excl. VAT after the cut of 1 January 2026)."))
    tax_sek_per_kwh: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Explicit energy tax, SEK/kWh excl. VAT, in place of the category's rate."))
    include_network: StrictBool | None = Field(default=None, description=(
        "Add the network operator's energy fee per kWh. Empty: true."))
    network_operator: str | None = Field(default=None, description=(
        "Network tariff (`dcsim catalog grids`): its energy fee and power fees. Empty: the zone's default operator."))
    network_sek_per_kwh: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Explicit flat network energy fee, SEK/kWh excl. VAT, in place of the operator's."))
    include_power_fee: StrictBool | None = Field(default=None, description=(
        "Bill the operator's power fees (SEK per kW of each month's or year's highest hourly mean grid import) "
        "on the grid import. Empty: true with a built-in grid or ENTSO-E file."))
    power_fee_sek_per_kw_month: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Explicit power fee, SEK/kW excl. VAT per month, on each local month's highest hourly mean grid import "
        "(pro rata a month's simulated share); replaces the operator's power fees. Any grid."))
    power_fee_sek_per_kw_year: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Explicit power fee, SEK/kW excl. VAT per year, on the year's highest hourly mean grid import; "
        "replaces the operator's power fees (adds to power_fee_sek_per_kw_month). Any grid."))
    price_sek_per_kwh: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Constant all-in price, SEK/kWh excl. VAT, in place of spot, tax and network fees (which must then be "
        "left empty)."))
    carbon_g_per_kwh: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Constant carbon intensity, gCO2e/kWh, in place of the grid's."))
    carbon_year: StrictInt | None = Field(default=None, description=(
        "Year of the zone's published yearly carbon intensity (Electricity Maps, 2021-2025). Empty: the price "
        "year, or the nearest year with a figure."))
    carbon_profile: Literal["hourly", "flat"] | None = Field(default=None, description=(
        '"hourly": the zone\'s yearly carbon intensity shaped hour by hour by the production-based intensity of '
        "Swedish generation (ENTSO-E generation mix 2018/2019, IPCC AR5 lifecycle factors; docs/physics.md), a "
        'scaled profile, not a measured zone series; "flat": the yearly figure in every hour. Empty: hourly '
        "(built-in grids and ENTSO-E files)."))
    price_scale: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Multiplier on every price component, power fees included (sensitivity studies). Empty: 1."))
    carbon_scale: float | None = Field(default=None, ge=0, allow_inf_nan=False, description=(
        "Multiplier on the carbon intensity. Empty: 1."))

    @field_validator("price_year", mode="before")
    @classmethod
    def _price_year(cls, value):
        # the grid loader's own check (dcsim.data.prices, base layer: the schema imports no physics)
        why = None if value is None else price_year_problem(value)
        if why:
            raise ValueError(why)
        return value


class GridOutage(_Section):
    """A loss of the grid supply: from ``start`` for ``duration``."""

    start: UtcDatetime = Field(description="Start of the outage (ISO 8601; UTC if no offset is given).")
    duration: Duration = Field(description="Length of the outage.")


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
    grid_options: GridOptions = Field(default_factory=GridOptions)
    renewable_energy_share: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False, description=(
        "Share of the site's energy covered by guarantees of origin it retires, its own power purchase agreements "
        "or on-site renewables (EU 2024/1364 Annex II: ERES-TOT; the grid's mix does not count), for the "
        "renewable energy factor REF of kpis.json's eu_2024_1364 section. 0: none. It changes no carbon figure "
        "(dcsim's carbon is the grid's, location-based)."))
    grid_outages: list[GridOutage] = Field(default_factory=list, description=(
        "Outages of the grid supply ([[site.grid_outages]] with start and duration): the load is served by the "
        "battery down to empty and the standby generator (storage.*); what neither serves is reported as "
        "unserved_energy_kwh (the hall's shutdown itself is not modelled)."))

    @model_validator(mode="before")
    @classmethod
    def _default_price_year(cls, data):
        """A built-in grid without a price year gets the default one, so that the resolved
        scenario names the prices it ran on (a file keeps none: its dates are its own)."""
        if not isinstance(data, dict) or builtin_name(data.get("grid", "builtin:se1")) is None:
            return data
        options = data.get("grid_options", {})
        if isinstance(options, dict) and options.get("price_year") is None:
            data = {**data, "grid_options": {**options, "price_year": DEFAULT_PRICE_YEAR}}
        return data

    @model_validator(mode="after")
    def _grid_options_need_builtin(self) -> Site:
        if builtin_name(self.grid) is None and self.grid_options.price_year is not None:
            raise FieldError(
                "site.grid_options.price_year",
                f"applies to built-in grids only ('builtin:se1' ... 'builtin:se4'), not to the grid file "
                f"{self.grid!r}, whose dates are its own (an ENTSO-E file of one whole year is read onto the "
                "simulated year as a built-in price year is); remove it or use a built-in grid",
            )
        return self

    @model_validator(mode="after")
    def _synthetic_needs_builtin(self) -> Site:
        if self.climate.strip().casefold().startswith("builtin:"):
            return self
        for key, value in self.synthetic.model_dump().items():
            if value is not None:
                raise FieldError(
                    f"site.synthetic.{key}",
                    f"applies to built-in synthetic climates only ('builtin:<site>'), not to the weather "
                    f"file {self.climate!r}; remove it or use a built-in climate",
                )
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError('unknown time zone; expected an IANA name such as "Europe/Stockholm" or "UTC"')
        return value


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
    recirculation_by_rack: list[Annotated[float, Field(ge=0, lt=0.6)]] | None = Field(
        default=None,
        description="Per-rack recirculation shares (one per rack), for halls with uneven air distribution.",
    )
    interference_matrix: str | None = Field(
        default=None,
        description=(
            "Path to a CSV of the cross-interference matrix D (K of inlet rise of rack i per kW "
            "of heat from rack j; racks x racks, no header): abstract heat-flow model for "
            "rack-level studies. Replaces the recirculation shares."
        ),
    )
    air_volume_m3: float | None = Field(
        default=None,
        gt=0,
        description="Air volume of the hall, for its thermal mass. Empty: 20 m3 per rack (assumption).",
    )
    floor_area_m2: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Floor area of the hall, for the thermal mass of its structure. Empty: 2.5 m2 per rack "
            "(assumption: white space of about 25-40 ft2 = 2.3-3.7 m2 per rack is a common planning figure)."
        ),
    )
    construction: Literal["none", "very-light", "light", "medium", "heavy", "very-heavy"] = Field(
        default="medium",
        description=(
            "Thermal mass class of the structure (floor slab, walls) the room air exchanges heat with: "
            "ISO 13790:2008 Table 12 heat capacity and area per floor area; \"none\": the room air alone. "
            "Default \"medium\" (assumption: a concrete slab under a raised floor, light walls)."
        ),
    )


def _check_weights(value: list[float] | None, n: int | None, what: str) -> None:
    """Relative weights: the expected count, none negative, not all zero (empty passes)."""
    if value is None:
        return
    if n is not None and len(value) != n:
        raise ValueError(f"needs {n} values ({what}), got {len(value)}")
    if any(v < 0 for v in value) or sum(value) <= 0:
        raise ValueError("weights must be >= 0 and not all zero")


class SyntheticJobs(_Section):
    """``workload.kind = "synthetic"``: Poisson job arrivals shaped by daily and weekly profiles.

    The arrival rate is piecewise constant per hour: ``rate = base * daily[local hour] *
    weekly[local weekday]`` with both profiles scaled to mean 1, so ``base`` is the mean rate
    over whole weeks. ``base`` is ``arrivals_per_h`` when given, otherwise the rate whose
    offered load (cores x duration) is ``workload.mean_utilization`` of all cores.
    """

    arrivals_per_h: float | None = Field(
        default=None,
        gt=0,
        description="Mean arrival rate, jobs per hour. Empty: from workload.mean_utilization.",
    )
    daily_profile: list[float] | None = Field(
        default=None, description="24 relative arrival-rate weights for the local hours 0-23 (empty: flat)."
    )
    weekly_profile: list[float] | None = Field(
        default=None, description="7 relative arrival-rate weights for local Monday ... Sunday (empty: flat)."
    )
    cores: list[int] = Field(default=[1, 2, 4, 8], description="Job sizes in cores.")
    cores_weights: list[float] = Field(
        default=[0.4, 0.3, 0.2, 0.1], description="Relative frequency of each job size in `cores`."
    )
    duration_distribution: Literal["exponential", "lognormal", "constant"] = Field(
        default="lognormal", description="Distribution of job run times."
    )
    mean_duration: Duration = Field(default="30min", description="Mean job run time.")
    duration_cv: float = Field(
        default=1.0, gt=0, le=20, description="Coefficient of variation of the run time (lognormal only)."
    )
    batch_fraction: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Share of jobs that are batch: deferrable, with deadline = submission + batch_slack + run time.",
    )
    batch_slack: Duration = Field(default="12h", description="How long a batch job may wait and still meet its deadline.")

    @field_validator("cores")
    @classmethod
    def _positive_cores(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("give at least one job size")
        if any(c < 1 for c in value):
            raise ValueError("job sizes must be >= 1 core")
        return value

    @field_validator("cores_weights")
    @classmethod
    def _cores_weights(cls, value: list[float], info) -> list[float]:
        cores = info.data.get("cores")  # absent if cores itself was invalid
        _check_weights(value, None if cores is None else len(cores), "one weight per job size in cores")
        return value

    @field_validator("daily_profile")
    @classmethod
    def _daily(cls, value: list[float] | None) -> list[float] | None:
        _check_weights(value, 24, "local hours 0-23")
        return value

    @field_validator("weekly_profile")
    @classmethod
    def _weekly(cls, value: list[float] | None) -> list[float] | None:
        _check_weights(value, 7, "local Monday ... Sunday")
        return value


class UtilizationTrace(_Section):
    """``workload.kind = "utilization-trace"``: the hall-mean server utilisation against time,
    e.g. a site's metered load (dcsim.workload.utilization)."""

    path: str | None = Field(default=None, description=(
        "CSV or Parquet: a time column (interval start, ISO 8601 UTC) and the utilisation (0-1) on a constant step covering the simulated period; each step takes the interval holding its midpoint. mean_utilization is not used."))  # noqa: E501
    column: str = Field(default="utilization", min_length=1, description=(
        'Name of the utilisation column (e.g. "cpu_load" in SustainDC\'s files).'))
    step: Duration | None = Field(default=None, description=(
        'For a file without a time column (an index and the utilisation, as SustainDC writes them): the interval of each row, e.g. "1h"; row i is the interval starting at start + i * step, in file order.'))  # noqa: E501
    start: UtcDatetime | None = Field(default=None, description=(
        "With step: when the file's first row starts (ISO 8601, UTC); default simulation.start."))
    per_rack: bool = Field(default=False, description=(
        "One utilisation column per rack, <column>_0 to <column>_<racks - 1> (e.g. utilization_0), each rack following its own; the hall series is their mean."))  # noqa: E501

    @model_validator(mode="after")
    def _check_rows_clock(self):
        if self.start is not None and self.step is None:
            raise FieldError("start", "is only used with step (a file without a time column)")
        return self


class TraceJobs(_Section):
    """``workload.kind = "trace"``: jobs replayed from a CSV or Parquet file.

    Columns (see ``dcsim.workload.trace``): dcsim's own (``submit_time`` or
    ``submit_time_s``, ``duration_s``, ``cores``, optional ``deadline``/``deadline_s``/
    ``slack_s``, ``deferrable``, ``class``, ``cpu_share``) or OpenDC's ``tasks.parquet``
    (``submission_time``, ``duration`` in ms, ``cpu_count``, ``cpu_capacity``, ``deferrable``,
    ``deadline``).
    """

    path: str | None = Field(default=None, description="Path to the trace (.csv or .parquet).")
    align: Literal["time-of-day", "absolute"] = Field(
        default="time-of-day",
        description=(
            "Calendar timestamps: \"time-of-day\" shifts the trace by whole days so that its first day "
            "starts on the simulation's first day; \"absolute\" keeps them. Numeric submit_time_s are "
            "seconds from the simulation start either way."
        ),
    )
    repeat: bool = Field(
        default=False, description="Replay the trace again (period: its span in whole days) until the run ends."
    )
    core_mhz: float | None = Field(
        default=None,
        gt=0,
        description="OpenDC traces: MHz of one core; cpu_capacity / (cpu_count x core_mhz) becomes the job's CPU share.",
    )


class JobScheduler(_Section):
    """How queued jobs are placed and whether deferrable jobs are delayed."""

    placement: Literal["first-fit", "best-fit", "spread", "thermal-aware"] = Field(
        default="first-fit",
        description=(
            "FCFS queue with: first-fit (lowest server), best-fit (fullest server that fits: "
            "consolidation), spread (least loaded rack), thermal-aware (coolest rack inlet first)."
        ),
    )
    deferral: Literal["none", "carbon-aware", "price-aware"] = Field(
        default="none",
        description=("Delay deferrable jobs within their slack to the start with the lowest forecast carbon (or energy "
                     "cost) of the job itself: the signal times the power the job adds on the server's curve at the "
                     "hall's planned load (docs/physics.md, \"Deferral on the hourly series\")."),
    )
    forecast_error_pct: float = Field(
        default=0.0, ge=0, le=100, description=("Standard deviation of the seeded relative forecast error, %: one error "
                                                "per clock hour, the resolution of the prices and the carbon series."),
    )
    backfill: bool = Field(
        default=False, description="Let later queued jobs start when the head of the queue does not fit."
    )


class PowerManagement(_Section):
    """Server power states: keep every server on, or switch idle servers off."""

    policy: Literal["always-on", "idle-off"] = Field(
        default="always-on", description="idle-off: switch a server off after idle_timeout, keeping spare_servers idle."
    )
    idle_timeout: Duration = Field(default="10min", description="Idle time before a server is switched off.")
    spare_servers: int = Field(default=0, ge=0, description="Idle servers kept on, ready for new jobs.")
    low_power_state: Literal["off", "sleep"] = Field(
        default="off",
        description="off: boot_s and boot_energy_j of the server model; sleep: sleep_w, sleep_wake_s, wake_energy_j.",
    )


class Workload(_Section):
    """What the IT does: a utilisation level (constant or with a daily shape), or jobs
    (synthetic or from a trace) scheduled on the servers."""

    kind: Literal["constant", "profile", "utilization-trace", "synthetic", "trace"] = Field(
        default="constant",
        description='"constant", "profile", "utilization-trace" (utilisation given), "synthetic" or "trace" (jobs scheduled).',
    )
    mean_utilization: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description=(
            "Mean server utilisation in [0, 1]; kind = \"synthetic\": the offered load (cores x run time) "
            "as a share of all cores, unless synthetic.arrivals_per_h is given."
        ),
    )
    daily_profile: list[float] | None = Field(
        default=None,
        description=(
            "kind = \"profile\": 24 relative weights for the local hours 0-23; scaled so that their "
            "mean is mean_utilization."
        ),
    )
    cores_per_server: int = Field(
        default=16,
        ge=1,
        le=1024,
        description="kind = \"synthetic\" or \"trace\": cores per server (assumption; the power tables do not give it).",
    )
    synthetic: SyntheticJobs = Field(default_factory=SyntheticJobs)
    trace: TraceJobs = Field(default_factory=TraceJobs)
    utilization_trace: UtilizationTrace = Field(default_factory=UtilizationTrace)
    scheduler: JobScheduler = Field(default_factory=JobScheduler)
    power_management: PowerManagement = Field(default_factory=PowerManagement)

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
                    f"{peak:.3f} > 1, which no server can run; this profile allows a mean of at most "
                    f"{math.floor(sum(p) / 24 / max(p) * 1000) / 1000:.3f}; lower the mean, flatten the profile, "
                    'or use kind = "synthetic" (--set workload.kind=synthetic --unset workload.daily_profile)',
                )
        elif self.daily_profile is not None:
            raise FieldError("daily_profile", 'is only used with kind = "profile"')
        if self.kind == "utilization-trace" and not self.utilization_trace.path:
            raise FieldError("workload.utilization_trace.path", 'is required with kind = "utilization-trace" (time, utilization)')
        if self.kind != "utilization-trace" and self.utilization_trace.path is not None:
            raise FieldError("workload.utilization_trace.path", 'is only used with kind = "utilization-trace"')
        if self.kind == "synthetic":
            too_big = [c for c in self.synthetic.cores if c > self.cores_per_server]
            if too_big:
                raise FieldError(
                    "workload.synthetic.cores",
                    f"job sizes {too_big} exceed cores_per_server ({self.cores_per_server}); a job runs on one server",
                )
        if self.kind == "trace" and not self.trace.path:
            raise FieldError("workload.trace.path", 'is required with kind = "trace" (a .csv or .parquet file of jobs)')
        return self


#: Most jobs a synthetic workload may generate (a year of a 1 MW hall as jobs is about 35 million).
MAX_SYNTHETIC_JOBS = 50_000_000


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
    storage: Storage = Field(default_factory=Storage)

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        by_rack = self.room.recirculation_by_rack
        if by_rack is not None and len(by_rack) != self.it.racks:
            raise FieldError(
                "room.recirculation_by_rack", f"needs one value per rack ({self.it.racks} racks), got {len(by_rack)}"
            )
        chw = self.cooling.chiller.chilled_water_supply_c
        if chw is not None and chw >= self.room.supply_air_c:
            raise FieldError(
                "cooling.chiller.chilled_water_supply_c",
                f"cooling.chiller.chilled_water_supply_c ({chw} °C) "
                f"must be below room.supply_air_c ({self.room.supply_air_c} °C) for the coil to cool the air"
            )
        rate = self.workload.synthetic.arrivals_per_h
        if self.workload.kind == "synthetic" and rate is not None:
            jobs = rate * self.simulation.duration / 3600.0
            if jobs > MAX_SYNTHETIC_JOBS:
                raise FieldError(
                    "workload.synthetic.arrivals_per_h",
                    f"{rate:g} jobs/h over {format_duration(self.simulation.duration)} is about {jobs:.3g} jobs; at most "
                    f"{MAX_SYNTHETIC_JOBS:,} are simulated; lower the rate or the duration, or use kind = "
                    '"profile" or "utilization-trace" for the load alone')
        return self
