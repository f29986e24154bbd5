"""Scenario sections of the IT: ``it.*`` (servers, their power tables, the EnergyPlus ITE
curves, the measured fan model, throttling and shutdown). ``dcsim.scenario.schema`` imports
:class:`IT`; the physics is in ``dcsim.it``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .types import FieldError, Section

_Section = Section

__all__ = ["ServerTable", "ItePowerCurves", "ServerFans", "IT"]


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


class ItePowerCurves(_Section):
    """Inlet-temperature curves of the EnergyPlus ITE model (biquadratic in CPU load x and
    inlet temperature y: c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y). Defaults: the
    OpenStudio curves in REFERENCES.md."""

    cpu_power: list[float] = Field(
        default=[-0.035289, 1.0, 0.0, 0.0015684, 0.0, 0.0],
        min_length=6, max_length=6, description="CPU power factor f_P(x, T_in).",
    )
    airflow: list[float] = Field(
        default=[-1.025, 0.9, 0.0, 0.05, 0.0, 0.0],
        min_length=6, max_length=6, description="Server airflow factor f_V(x, T_in).",
    )
    fan_power: Literal["linear", "cubic"] = Field(
        default="linear",
        description="Server fan power against flow fraction: OpenStudio's default (linear) or the affinity law (cubic).",
    )


class ServerFans(_Section):
    """The measured server model (``it.server_model = "measured"``, dcsim.it.server_thermal):
    fan share, fan speed against inlet temperature, leakage. Defaults with their sources in
    docs/physics.md and the module docstring."""

    share_idle: float = Field(
        default=0.16, ge=0, lt=1,
        description="Fans' share of server power at idle and the reference inlet (Steinbrecher, Intel IDF 2009).",
    )
    share_full_load: float = Field(
        default=0.11, ge=0, lt=1,
        description="Fans' share of server power at full load and the reference inlet (Steinbrecher, Intel IDF 2009).",
    )
    knee_inlet_c: float = Field(
        default=27.0, ge=10, le=45,
        description="Inlet temperature above which the fans speed up, °C (ASHRAE recommended upper limit; "
        "Coroamă et al. 2025 sweet spot 25-27 °C).",
    )
    speed_rise_per_k: float = Field(
        default=0.0183, ge=0, le=0.5,
        description="Fan speed rise per K above the knee, share of the speed at the knee (fitted to GRC's Dell R410 test).",
    )
    max_speed: float = Field(
        default=1.6, ge=1, le=5,
        description="Top fan speed over the speed at full load and the reference inlet (assumption).",
    )
    leakage_per_k: float = Field(
        default=0.0015684, ge=0, le=0.05,
        description="Rise of the non-fan server power per K of inlet below the knee (OpenStudio ITE CPU curve slope).",
    )


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
            "Server design airflow per kW of maximum server power, at full load and the 27 °C knee "
            "(0.1 m3/s per kW: about 8.3 K across the servers). Not yet from a measurement: the EnergyPlus "
            "ITE value (REFERENCES.md); trade rules of thumb quote about 11 K (0.075 m3/s per kW) for rack "
            "servers. Set your servers' value (their ASHRAE thermal report gives the airflow)."
        ),
    )
    inlet_temperature_effects: bool = Field(
        default=True,
        description="Let server power, airflow and fan power follow the inlet temperature (it.server_model).",
    )
    server_model: Literal["measured", "energyplus"] = Field(
        default="measured",
        description=(
            'How servers respond to their inlet: "measured" (fan share, knee and cube law from measured servers, '
            'it.fans) or "energyplus" (the EnergyPlus ITE curves it.curves with it.fan_power_fraction; for '
            "cross-checks with EnergyPlus)."
        ),
    )
    fans: ServerFans = Field(default_factory=ServerFans)
    fan_power_fraction: float = Field(
        default=0.4,
        ge=0,
        lt=1,
        description=(
            "server_model = \"energyplus\": server fans' share of design power (EnergyPlus ITE 'Design Fan Power "
            "Input Fraction'; 0.4 in its example files, not a measured server)."
        ),
    )
    min_airflow_fraction: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="Lowest server fan speed as a share of design airflow (assumption: fans never stop).",
    )
    reference_inlet_c: float = Field(
        default=22.5, ge=10, le=35,
        description="Inlet temperature at which the power table holds (the OpenStudio curves' reference).",
    )
    curves: ItePowerCurves = Field(default_factory=ItePowerCurves)
    frequency_fraction: float = Field(
        default=1.0,
        ge=0.3,
        le=1.0,
        description=(
            "DVFS: CPU frequency as a fraction of nominal. Dynamic power scales with f^3 (voltage "
            "following frequency), throughput with f, so the same work keeps the servers busier."
        ),
    )
    power_cap_w: float | None = Field(
        default=None, gt=0, description="Power cap per server, W: work beyond the cap's utilisation is not served."
    )
    thermal_time_constant_s: float = Field(
        default=300.0,
        ge=0,
        le=7200,
        description="Time constant of a server's thermal mass (Erden, Khalifa & Schmidt 2013: several minutes); 0: massless.",
    )
    heat_capacity_kj_per_k_per_server: float = Field(
        default=15.0,
        ge=0,
        le=1000,
        description="Heat capacity of one server (assumption: about 25 kg of steel, aluminium and copper).",
    )
    throttle_inlet_c: float = Field(
        default=35.0, ge=15, le=60,
        description=(
            "Inlet above which servers throttle (and at or below which they restart after a shutdown), °C "
            "(ASHRAE class A2 allowable upper limit, up to which an A2 server runs at full performance)."
        ),
    )
    shutdown_inlet_c: float = Field(
        default=45.0, ge=15, le=80,
        description="Inlet at which servers switch off, °C (ASHRAE class A4 allowable upper limit; recalled trip point).",
    )
    throttle_min_performance: float = Field(
        default=0.5, gt=0, le=1,
        description="Share of full performance a throttled server keeps at the shutdown limit (assumption).",
    )

    @model_validator(mode="after")
    def _model_keys(self) -> IT:
        if self.shutdown_inlet_c <= self.throttle_inlet_c:
            raise FieldError("shutdown_inlet_c", f"must be above it.throttle_inlet_c ({self.throttle_inlet_c} °C)")
        # keys of the other model may stand at their defaults (a resolved scenario writes every
        # key) but not be changed: they would have no effect
        other = ("fan_power_fraction", "curves") if self.server_model == "measured" else ("fans",)
        for key in other:
            if key in self.model_fields_set and getattr(self, key) != type(self).model_fields[key].get_default(
                    call_default_factory=True):
                if key == "fans":
                    raise FieldError(key, 'belongs to it.server_model = "measured"; the EnergyPlus model uses it.curves')
                raise FieldError(key, 'belongs to it.server_model = "energyplus"; the measured model uses it.fans')
        return self
