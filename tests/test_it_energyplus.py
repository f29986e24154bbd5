"""Validation of the ITE air-cooled model against a full-year EnergyPlus run.

Reference: EnergyPlus 25.2 running ``1ZoneDataCenterCRAC_wApproachTemp`` for a year in
Chicago (data/energyplus/1zone-crac in the shared folder beside the checkout, README there;
skipped, saying so, where it is missing). EnergyPlus' own hourly CPU loading schedule and
ITE inlet temperature are fed to :func:`dcsim.it.ite_aircooled` with the curves and design
values read from the run's summary JSON (copied from the IDF), and dcsim's CPU, fan and UPS
power, airflow and outlet temperature are compared with EnergyPlus' hourly output and annual
totals.

Expected agreement: the ITE equations are linear in the hourly inputs in this file (no
curve limit is reached), so hourly means of EnergyPlus' 10-minute values satisfy them
exactly; the only error left is the CSV's rounding to 5 significant digits (inputs and
outputs), a few 1e-5 relative. Annual totals are compared with the unrounded totals in
the JSON.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from dcsim.it import BiquadraticCurve, CubicCurve, ITEAirCooledSpec, ite_aircooled
from tests.conftest import psychrolib_si

_REL = "data/energyplus/1zone-crac"  # in the shared folder (tests/conftest.py)
_OBJECT = "Data Center Servers"
#: Site standard barometric pressure at 201 m (EnergyPlus eio, README): EnergyPlus computes
#: the ITE air density with it, not with the weather file's hourly pressure.
_SITE_STANDARD_PRESSURE_PA = 98934.0


def _biquadratic(curve: dict) -> BiquadraticCurve:
    assert curve["type"] == "Curve:Biquadratic"
    c, lim = curve["coefficients"], curve["limits_and_units"]
    return BiquadraticCurve(
        (
            c["Coefficient1 Constant"],
            c["Coefficient2 x"],
            c["Coefficient3 x**2"],
            c["Coefficient4 y"],
            c["Coefficient5 y**2"],
            c["Coefficient6 x*y"],
        ),
        x_min=lim["Minimum Value of x"],
        x_max=lim["Maximum Value of x"],
        y_min=lim["Minimum Value of y"],
        y_max=lim["Maximum Value of y"],
        out_min=lim.get("Minimum Curve Output", -math.inf),
        out_max=lim.get("Maximum Curve Output", math.inf),
    )


def _quadratic(curve: dict) -> CubicCurve:
    assert curve["type"] == "Curve:Quadratic"
    c, lim = curve["coefficients"], curve["limits_and_units"]
    return CubicCurve.quadratic(
        c["Coefficient1 Constant"],
        c["Coefficient2 x"],
        c["Coefficient3 x**2"],
        x_min=lim["Minimum Value of x"],
        x_max=lim["Maximum Value of x"],
        out_min=lim.get("Minimum Curve Output", -math.inf),
        out_max=lim.get("Maximum Curve Output", math.inf),
    )


@pytest.fixture(scope="module")
def run(shared_file):
    skipped = "the validation of the ITE model against a year of EnergyPlus"
    summary = json.loads(shared_file(f"{_REL}/1zone_crac_summary.json", skipped).read_text(encoding="utf-8"))
    hourly = pd.read_csv(shared_file(f"{_REL}/1zone_crac_hourly.csv", skipped))
    assert len(hourly) == 8760

    params = summary["ite_design_parameters"][_OBJECT]
    curves = params["curves"]
    assert params["design_power_input_calculation_method"] == "Watts/Unit"
    spec = ITEAirCooledSpec(
        design_power_w=params["watts_per_unit_W"],
        design_fan_fraction=params["design_fan_power_input_fraction"],
        design_airflow_m3_per_s_per_w=params["design_fan_air_flow_rate_per_power_input_m3_per_s_per_W"],
        design_inlet_c=params["design_entering_air_temperature_C"],
        cpu_power_curve=_biquadratic(curves["cpu_power_fn_of_loading_and_inlet_temp"]),
        airflow_curve=_biquadratic(curves["air_flow_fn_of_loading_and_inlet_temp"]),
        fan_power_curve=_quadratic(curves["fan_power_fn_of_flow_fraction"]),
        design_ups_efficiency=params["design_electric_power_supply_efficiency"],
        ups_efficiency_curve=_quadratic(curves["ups_efficiency_fn_of_part_load_ratio"]),
    )
    n_units = int(params["number_of_units"])

    load = hourly["cpu_loading_schedule_frac"].to_numpy()
    inlet = hourly["ite_air_inlet_drybulb_C"].to_numpy()
    operating = hourly["operation_schedule_frac"].to_numpy()
    psychrolib = psychrolib_si()
    humidity_ratio = np.array(
        [
            psychrolib.GetHumRatioFromTDewPoint(td, _SITE_STANDARD_PRESSURE_PA)
            for td in hourly["ite_air_inlet_dewpoint_C"].to_numpy()
        ]
    )

    def grid(a):  # the object's units side by side: (hours, units)
        return np.repeat(a[:, None], n_units, axis=1)

    res = ite_aircooled(
        spec,
        grid(load),
        grid(inlet),
        operating_fraction=grid(operating),
        pressure_pa=_SITE_STANDARD_PRESSURE_PA,
        humidity_ratio_kg_per_kg=humidity_ratio,
    )
    at_design = ite_aircooled(
        spec,
        grid(load),
        np.full((len(load), n_units), spec.design_inlet_c),
        operating_fraction=grid(operating),
    )
    return {
        "spec": spec,
        "n_units": n_units,
        "summary": summary,
        "hourly": hourly,
        "res": res,
        "at_design": at_design,
        "inlet": inlet,
    }


def _max_rel(ours: np.ndarray, ref: np.ndarray) -> float:
    return float(np.max(np.abs(ours - ref) / np.abs(ref)))


def test_design_split_matches_energyplus_eio(run):
    spec, n = run["spec"], run["n_units"]
    # eio: design power input 50000 W = design CPU 30000 W + design fan 20000 W; design flow 5.0 m3/s
    assert spec.design_power_w * n == pytest.approx(50000.0, rel=1e-12)
    assert spec.design_cpu_w * n == pytest.approx(30000.0, rel=1e-12)
    assert spec.design_fan_w * n == pytest.approx(20000.0, rel=1e-12)
    assert spec.design_airflow_m3_per_s * n == pytest.approx(5.0, rel=1e-12)


@pytest.mark.parametrize(
    "field, column",
    [("cpu_w", "ite_cpu_elec_W"), ("fan_w", "ite_fan_elec_W"), ("ups_w", "ite_ups_elec_W")],
)
def test_hourly_power_matches_energyplus(run, field, column):
    ours = getattr(run["res"], field).sum(axis=1)
    ref = run["hourly"][column].to_numpy()
    err = _max_rel(ours, ref)
    # brief's tolerance: 0.5 % per hour
    assert err < 5e-3, f"{field}: max hourly relative error {err:.3e}"
    # what the data allows: 5-significant-digit rounding of inputs and outputs (a few 1e-5)
    assert err < 2e-4, f"{field}: max hourly relative error {err:.3e}"


@pytest.mark.parametrize(
    "field, key",
    [("cpu_w", "ite_cpu"), ("fan_w", "ite_fan"), ("ups_w", "ite_ups")],
)
def test_annual_energy_matches_energyplus(run, field, key):
    ours_kwh = getattr(run["res"], field).sum() / 1000.0  # hourly-mean W over 1 h -> Wh
    ref_kwh = run["summary"]["annual_totals_kWh"][key]  # unrounded engine totals
    err = abs(ours_kwh / ref_kwh - 1.0)
    assert err < 1e-3, f"{key}: annual relative error {err:.3e}"  # brief's tolerance: 0.1 %
    assert err < 1e-6, f"{key}: annual relative error {err:.3e}"  # rounding averages out


def test_hourly_power_at_design_inlet_matches_energyplus(run):
    for field, column in (("cpu_w", "ite_cpu_elec_at_design_inlet_W"), ("fan_w", "ite_fan_elec_at_design_inlet_W")):
        ours = getattr(run["at_design"], field).sum(axis=1)
        ref = run["hourly"][column].to_numpy()
        assert _max_rel(ours, ref) < 1e-4, field  # 5-significant-digit rounding of the output


def test_hourly_airflow_matches_energyplus(run):
    ours = run["res"].airflow_m3_per_s.sum(axis=1)
    ref = run["hourly"]["ite_air_vol_flow_current_density_m3_per_s"].to_numpy()
    assert _max_rel(ours, ref) < 2e-4  # rounding of inputs and output
    mass = run["res"].mass_flow_kg_per_s.sum(axis=1)
    # density from hourly-mean T_in and W (from the rounded inlet dew point): measured 4.5e-4
    assert _max_rel(mass, run["hourly"]["ite_air_mass_flow_kg_per_s"].to_numpy()) < 1e-3


def test_hourly_outlet_temperature_matches_energyplus(run):
    ours = run["res"].outlet_c[:, 0]
    ref = run["hourly"]["ite_air_outlet_drybulb_C"].to_numpy()
    err = np.abs(ours - ref)
    # T_out is nonlinear (power / flow), so the hourly mean of 10-minute values differs
    # slightly from T_out of hourly means; measured max 0.0026 K
    assert err.max() < 0.01, f"max outlet error {err.max():.4f} K"
    assert abs(float(np.mean(ours - ref))) < 1e-3
