"""Servers against their inlet temperature (issue 15): the measured fan and leakage model, its
field checks, throttling and shutdown, liquid-cooled servers (dcsim.it.server_thermal)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dcsim
import dcsim.scenario
from dcsim.it.server_thermal import (
    FAN_KNEE_INLET_C,
    FAN_MAX_SPEED,
    FAN_SHARE_FULL_LOAD,
    FAN_SHARE_IDLE,
    FAN_SPEED_RISE_PER_K,
    LEAKAGE_PER_K,
    fan_reference_power_w,
    measured_server_power_w,
    shutdown_share,
    throttle_performance,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"

# GRC's lab test of a lightly loaded 2009 Dell R410 (REFERENCES.md "Field measurements";
# http://info.grcooling.com/topic/temperature, table 1): inlet °C -> W
GRC_R410 = {27.0: 137.7, 29.0: 139.4, 31.0: 141.5, 33.0: 144.05, 35.0: 148.4, 37.0: 154.0}

DEFAULTS = (FAN_SHARE_IDLE, FAN_SHARE_FULL_LOAD, FAN_KNEE_INLET_C, FAN_SPEED_RISE_PER_K, FAN_MAX_SPEED, LEAKAGE_PER_K)


def power(u, t_in, table_w, idle_w, max_w, air_share=1.0, loop_c=40.0, params=DEFAULTS, ref_c=22.5, min_flow=0.1):
    return measured_server_power_w(u, t_in, table_w, idle_w, max_w, ref_c, *params, air_share, loop_c, min_flow)


def written_out(u, t_in, table_w, idle_w, max_w, air_share=1.0, loop_c=40.0, ref_c=22.5, params=DEFAULTS,
                min_flow=0.1):
    """The module docstring's equations, written out independently of the CurveTerms form:
    (server power W, fan power W, fan speed fraction) of one running, unthrottled server. The
    kernel's naive twin (tests/test_thermal.py) runs its servers through this too."""
    f_idle, f_full, knee, k, s_max, c = params
    fan_ref = (1 - u) * f_idle * idle_w + u * f_full * max_w
    s_ref = (fan_ref / (f_full * max_w)) ** (1 / 3)
    s = min(s_ref * air_share * (1 + k * max(t_in - knee, 0)) / (1 + k * max(ref_c - knee, 0)), s_max)
    s = max(s, min_flow)
    nonfan = max(table_w - fan_ref, 0.0)
    leak = c * air_share * (min(t_in, knee) - min(ref_c, knee)) + c * (1 - air_share) * (loop_c - ref_c)
    fan = f_full * max_w * s ** 3
    return max(nonfan * (1 + leak) + fan, 0.0), fan, s


@pytest.mark.parametrize("u", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("t_in", [15.0, 22.5, 27.0, 31.0, 45.0, 70.0])
@pytest.mark.parametrize("air_share", [1.0, 0.3])
def test_measured_model_is_its_equations(u, t_in, air_share):
    table = 66.0 + (247.0 - 66.0) * u
    got = power(u, t_in, table, 66.0, 247.0, air_share=air_share)
    want = written_out(u, t_in, table, 66.0, 247.0, air_share=air_share)
    # the same equations in another arrangement (clamped polynomials): rounding only
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_reference_inlet_gives_the_table_power():
    for u in np.linspace(0, 1, 11):
        table = 66.0 + 181.0 * u**0.8
        p, fan, _ = power(u, 22.5, table, 66.0, 247.0)
        assert p == pytest.approx(table, rel=1e-12)  # the table was measured there, fans included
        assert fan == pytest.approx(fan_reference_power_w(u, 66.0, 247.0, FAN_SHARE_IDLE, FAN_SHARE_FULL_LOAD),
                                    rel=1e-12)
    # below the knee the fans hold their speed
    assert power(0.5, 15.0, 150.0, 66.0, 247.0)[1] == pytest.approx(power(0.5, 27.0, 150.0, 66.0, 247.0)[1], rel=1e-12)


def test_grc_lab_server_is_reproduced():
    """The lightly loaded R410 of GRC's test (fans near their idle share), 27 to 37 °C inlet."""
    p27 = GRC_R410[27.0]
    for t_in, measured_w in GRC_R410.items():
        model = power(0.0, t_in, p27, p27, p27 / 0.6, ref_c=27.0)[0]
        # k was fitted to this table with the knee and the idle fan share fixed: 1.35 points is
        # the fit's largest residual (at 37 °C), the scatter of a one-server test
        assert 100 * (model / p27 - 1) == pytest.approx(100 * (measured_w / p27 - 1), abs=1.4), t_in


def hall(supply_c, **extra):
    overrides = {"simulation.duration": "1d", "simulation.step": "300s", "room.supply_air_c": supply_c, "it.racks": 10}
    overrides.update(extra)
    data = dcsim.scenario.resolved_dict(dcsim.load_scenario(REFERENCE, overrides=overrides))
    data["workload"] = {"kind": "constant", "mean_utilization": 0.5}
    return dcsim.simulate(dcsim.load_scenario(data))


def test_hall_wide_sensitivity_matches_the_field():
    """Hall-wide server power between 23 and 30 °C supply air at 50 % load (issue 15
    acceptance): field 0.35-0.5 %/K in two colocation sites (Coroamă et al. 2025)."""
    e23 = hall(23.0).kpis["energy_it_kwh"]
    e30 = hall(30.0).kpis["energy_it_kwh"]
    per_k = 100 * (e30 / e23 - 1) / 7
    # the defaults land inside the two sites' measured range (stricter than the issue's
    # acceptance band of 0.2-0.8 %/K, which allows for other servers and loads)
    assert 0.35 <= per_k <= 0.5


def test_fans_are_a_field_share_of_it_energy():
    """Server fans 5-15 % of IT energy with the defaults (Steinbrecher: 11 % active, 16 % idle),
    not the 33-38 % of the EnergyPlus example's 0.4 design fraction."""
    r = hall(20.0)
    share = r.kpis["energy_it_fans_kwh"] / r.kpis["energy_it_kwh"]
    assert 0.05 < share < 0.15
    ep = hall(20.0, **{"it.server_model": "energyplus"})
    assert ep.kpis["energy_it_fans_kwh"] / ep.kpis["energy_it_kwh"] > 0.3  # the preset keeps its split


def test_throttling_and_shutdown_functions():
    assert throttle_performance(30.0, 35.0, 45.0, 0.5) == 1.0
    assert throttle_performance(40.0, 35.0, 45.0, 0.5) == pytest.approx(0.75, rel=1e-15)
    assert throttle_performance(60.0, 35.0, 45.0, 0.5) == 0.5
    # hysteresis: a running server stops at the limit; an off one restarts on the air in front
    # running, inlet below the limit all step: on
    assert shutdown_share(0.0, 40.0, 44.9, 44.9, 45.0, 35.0) == (0.0, 0.0)
    # running, the inlet crosses 45 at 3/4 of the step (from 42 to 46): off the last quarter
    assert shutdown_share(0.0, 42.0, 46.0, 30.0, 45.0, 35.0) == (0.25, 1.0)
    # running, already at the limit: off all step
    assert shutdown_share(0.0, 45.0, 44.0, 30.0, 45.0, 35.0) == (1.0, 1.0)
    # off, the air in front still above the restart limit: off all step
    assert shutdown_share(1.0, 50.0, 50.0, 36.0, 45.0, 35.0) == (1.0, 1.0)
    # off, front air back at the restart limit: on again (and may trip again in the same step)
    assert shutdown_share(1.0, 36.0, 34.0, 35.0, 45.0, 35.0) == (0.0, 0.0)
    assert shutdown_share(1.0, 44.0, 48.0, 35.0, 45.0, 35.0) == (0.75, 1.0)


def test_model_keys_of_the_other_model_are_refused():
    with pytest.raises(dcsim.InputError) as info:
        dcsim.load_scenario(REFERENCE, overrides={"it.fan_power_fraction": 0.2})
    assert info.value.problems[0].path == "it.fan_power_fraction"
    assert "energyplus" in info.value.problems[0].message
    with pytest.raises(dcsim.InputError) as info:
        dcsim.load_scenario(REFERENCE, overrides={"it.server_model": "energyplus", "it.fans.share_idle": 0.2})
    assert info.value.problems[0].path == "it.fans"
    with pytest.raises(dcsim.InputError) as info:
        dcsim.load_scenario(REFERENCE, overrides={"it.throttle_inlet_c": 40.0, "it.shutdown_inlet_c": 40.0})
    assert info.value.problems[0].path == "it.shutdown_inlet_c"
    # a resolved scenario writes every key at its default: it loads again
    sc = dcsim.load_scenario(REFERENCE)
    again = dcsim.load_scenario(dcsim.scenario.resolved_dict(sc))
    assert again.it == sc.it


def test_liquid_cooled_servers_keep_only_the_air_share_of_fans_and_airflow():
    """Issue 15 acceptance: with 70 % of the heat in the liquid loop, server fans below 5 % of
    IT energy (default: fan power scales with the cube of the residual air share, 0.3^3 of an
    air-cooled server's) and less air-handler airflow than the same hall cooled by air."""
    days = {"simulation.duration": "3d", "simulation.step": "300s", "simulation.record_step": "1h"}
    liquid = dcsim.simulate(dcsim.load_scenario(ROOT / "scenarios" / "liquid-lulea-1mw-heat-reuse.toml", overrides=days))
    air = dcsim.simulate(dcsim.load_scenario(ROOT / "scenarios" / "lulea-air-1mw.toml", overrides=days))
    k = liquid.kpis
    assert k["energy_it_fans_kwh"] / k["energy_it_kwh"] < 0.05  # measured: 0.35 %
    # both halls: 100 racks of 40 servers, 8+1 air handlers
    assert liquid.timeseries.crah_airflow_m3_s.mean() < air.timeseries.crah_airflow_m3_s.mean()
