"""Example dcsim components (see docs/plugins.md in dcsim).

Each class is registered in ``pyproject.toml`` under ``[project.entry-points."dcsim.components"]``.
A component declares the dcsim versions it works with (``requires_dcsim``), a ``title``, an
optional pydantic ``params_model`` and implements ``scenario_patch`` (parameter provider)
and/or ``postprocess`` (changes a run through :class:`dcsim.plugins.RunView`). Everything it
needs from dcsim comes from :mod:`dcsim.plugins`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from dcsim.plugins import Component, RunView

__version__ = "0.1.0"

#: The dcsim versions these components are written for: dcsim refuses to load them into others.
REQUIRES_DCSIM = ">=0.1,<1"


# --------------------------------------------------------------------------- on-site solar


class SolarParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    peak_kw: float = Field(gt=0, description="Installed PV peak power, kWp.")
    latitude_deg: float = Field(default=65.58, ge=-90, le=90, description="Site latitude (default Luleå).")
    longitude_deg: float = Field(default=22.15, ge=-180, le=180, description="Site longitude (default Luleå).")
    clearness: float = Field(default=0.55, gt=0, le=1, description="Mean share of clear-sky irradiance reaching the panels.")
    performance_ratio: float = Field(default=0.8, gt=0, le=1, description="Inverter, wiring and soiling losses.")
    temp_coeff_per_k: float = Field(default=0.004, ge=0, le=0.01, description="Power loss per K of cell above 25 °C.")


def solar_elevation_sin(times_utc: pd.DatetimeIndex, lat_deg: float, lon_deg: float) -> np.ndarray:
    """Sine of the sun's elevation (NOAA low-precision formulas: declination and equation of time
    from the day of year; about 0.5° accurate), clipped at 0 below the horizon."""
    doy = times_utc.dayofyear.to_numpy()
    hour = times_utc.hour.to_numpy() + times_utc.minute.to_numpy() / 60.0
    g = 2.0 * np.pi / 365.0 * (doy - 1 + (hour - 12) / 24.0)
    decl = (0.006918 - 0.399912 * np.cos(g) + 0.070257 * np.sin(g) - 0.006758 * np.cos(2 * g)
            + 0.000907 * np.sin(2 * g) - 0.002697 * np.cos(3 * g) + 0.00148 * np.sin(3 * g))
    eqt = 229.18 * (0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g) - 0.014615 * np.cos(2 * g)
                    - 0.040849 * np.sin(2 * g))
    solar_time_min = hour * 60.0 + eqt + 4.0 * lon_deg
    hour_angle = np.radians(solar_time_min / 4.0 - 180.0)
    lat = np.radians(lat_deg)
    s = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)
    return np.clip(s, 0.0, 1.0)


class OnsiteSolar(Component):
    """On-site PV whose output the facility uses (post-processing).

    Irradiance on the panels: Haurwitz clear-sky GHI = 1098 sin(h) exp(-0.057 / sin(h)) W/m2 at
    each row's mid-time, times a clearness factor (the weather files carry no irradiance).
    PV power = peak x GHI / 1000 x performance ratio x (1 - coeff x (T_cell - 25)), with
    T_cell = T_air + 25 K x GHI / 800. Illustrative, not a PV design tool.
    """

    requires_dcsim = REQUIRES_DCSIM
    title = "On-site solar PV (example plugin)"
    params_model = SolarParams

    def describe(self, params: SolarParams) -> str:
        return f"{params.peak_kw:g} kWp PV at {params.latitude_deg:.2f}° N, clearness {params.clearness:g}"

    def postprocess(self, run: RunView, params: SolarParams) -> None:
        ts = run.timeseries
        mid = ts.index + pd.Timedelta(hours=run.record_step_h / 2)
        s = solar_elevation_sin(mid, params.latitude_deg, params.longitude_deg)
        with np.errstate(divide="ignore"):
            ghi = np.where(s > 0.01, 1098.0 * s * np.exp(-0.057 / np.maximum(s, 1e-3)), 0.0) * params.clearness
        t_cell = ts["outdoor_drybulb_c"].to_numpy() + 25.0 * ghi / 800.0
        derate = 1.0 - params.temp_coeff_per_k * np.maximum(t_cell - 25.0, 0.0)
        pv_kw = params.peak_kw * ghi / 1000.0 * params.performance_ratio * derate
        run.add_onsite_generation(pv_kw)
        run.note(f"solar: {pv_kw.sum() * run.record_step_h / 1000.0:.1f} MWh generated (seed {run.seed})")


# --------------------------------------------------------------------------- vendor UPS


#: A vendor's catalogue (illustrative numbers).
UPS_MODELS = {
    "EcoUPS 600": 0.962,
    "EcoUPS 1200": 0.968,
    "EcoUPS 1200 eco": 0.988,
}


class VendorUpsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: Literal["EcoUPS 600", "EcoUPS 1200", "EcoUPS 1200 eco"] = Field(description="UPS model and mode.")


class VendorUps(Component):
    """A UPS chosen by model name from the vendor's catalogue (parameter provider)."""

    requires_dcsim = REQUIRES_DCSIM
    title = "Vendor UPS catalogue (example plugin)"
    params_model = VendorUpsParams

    def describe(self, params: VendorUpsParams) -> str:
        return f"{params.model}: efficiency {UPS_MODELS[params.model]:.3f}"

    def scenario_patch(self, params: VendorUpsParams, scenario) -> dict:
        return {"electrical.ups.efficiency": UPS_MODELS[params.model]}


# --------------------------------------------------------------------------- tariff


class TariffParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day_surcharge_sek_per_kwh: float = Field(ge=0, description="Added on weekdays 06-22 local time.")
    night_discount_sek_per_kwh: float = Field(default=0.0, ge=0, description="Taken off at other times.")
    timezone: str = "Europe/Stockholm"


class TimeOfUseTariff(Component):
    """A time-of-use electricity contract on top of the scenario's price (post-processing)."""

    requires_dcsim = REQUIRES_DCSIM
    title = "Time-of-use tariff (example plugin)"
    params_model = TariffParams

    def postprocess(self, run: RunView, params: TariffParams) -> None:
        local = run.timeseries.index.tz_convert(params.timezone)
        day = (local.dayofweek < 5) & (local.hour >= 6) & (local.hour < 22)
        price = run.timeseries["price_sek_per_kwh"].to_numpy()
        new = np.where(day, price + params.day_surcharge_sek_per_kwh, price - params.night_discount_sek_per_kwh)
        run.set_price(new)
