"""The plant step: energy conservation on random inputs for every system and mode, the
minimum time between mode changes, unmet load, heat reuse, and the compiled function against
its plain-Python execution."""

import numpy as np
import pytest

from dcsim.climate.psychro import humidity_ratio_from_rh, wetbulb_c_from_rh
from dcsim.cooling import (
    COOLING_MODES,
    MODE_EVAPORATIVE,
    MODE_FREE,
    MODE_FREE_DRY,
    MODE_FREE_WEIGHT,
    MODE_MECHANICAL,
    MODE_PARTIAL_FREE,
)
from dcsim.cooling.chiller import carnot_cop, condensing_temperature_c
from dcsim.cooling.pumps import pump_power_kw
from dcsim.cooling.control import N_STATE, S_MODE, S_MODE_CHANGES, S_MODE_TIME_S
from dcsim.cooling.heat_rejection import H_FG_J_PER_KG
from dcsim.cooling.outputs import (
    N_OUT,
    OUT_CHILLER_COP,
    OUT_CHILLER_KW,
    OUT_COOLING_KW,
    OUT_DATASHEET_UNIT_HEAT_KW,
    OUT_DATASHEET_UNIT_KW,
    OUT_FANS_KW,
    OUT_FIELDS,
    OUT_FREE_FRACTION,
    OUT_HEAT_PUMP_KW,
    OUT_HEAT_REJECTED_KW,
    OUT_HEAT_REMOVED_KW,
    OUT_HEAT_REUSED_KW,
    OUT_HUMIDIFIER_KW,
    OUT_MODE,
    OUT_PLANT_KW,
    OUT_PUMPS_KW,
    OUT_SUPPLY_AIR_C,
    OUT_UNMET_KW,
    OUT_WATER_BLOWDOWN_L,
    OUT_WATER_DRIFT_L,
    OUT_WATER_EVAPORATION_L,
    OUT_WATER_HUMIDIFICATION_L,
    OUT_WATER_TOTAL_L,
)
from dcsim.cooling.plant import SYSTEM_CODES, plant_step
from dcsim.model import build_plant
from dcsim.scenario.facility import Cooling, HeatReuse

RHO, CP = 1.2, 1006.0
F, E, PF, M, FD = MODE_FREE, MODE_EVAPORATIVE, MODE_PARTIAL_FREE, MODE_MECHANICAL, MODE_FREE_DRY

# (label, cooling section, heat reuse section, modes the system can be in)
CONFIGS = [
    ("chiller-crah air carnot", Cooling(), HeatReuse(), {M}),
    ("chiller-crah water eir wse", Cooling(chiller={"model": "eir", "condenser": "water", "count": 3},
                                           economizer={"enabled": True}), HeatReuse(enabled=True), {F, PF, M, FD}),
    ("chiller-crah water carnot wse hr-air", Cooling(chiller={"condenser": "water"}, economizer={"enabled": True}),
     HeatReuse(enabled=True, source="return-air", cop_model="lorenz"), {F, PF, M, FD}),
    ("chiller-crah water wet all year", Cooling(chiller={"condenser": "water"}, economizer={"enabled": True},
                                                tower={"freeze_protection_wetbulb_c": -50.0, "evaporated_fraction": 1.0}),
     HeatReuse(), {F, PF, M}),
    ("chiller-crah water no wse", Cooling(chiller={"condenser": "water"}), HeatReuse(), {M}),
    ("chiller-crah small chiller", Cooling(chiller={"capacity_kw": 150.0}), HeatReuse(), {M}),
    ("dry-cooler", Cooling(system="dry-cooler"), HeatReuse(), {F, PF, M}),
    ("dry-cooler eir hr", Cooling(system="dry-cooler", chiller={"model": "eir", "curve": "york-ycal0033ee-101kw",
                                                                "condenser_fan_power_ratio": 0.02}),
     HeatReuse(enabled=True, demand_profile="constant"), {F, PF, M}),
    ("fresh-air adiabatic", Cooling(system="fresh-air"), HeatReuse(), {F, E, PF, M}),
    ("fresh-air steam hr", Cooling(system="fresh-air", fresh_air={"humidifier": "steam"}),
     HeatReuse(enabled=True), {F, E, PF, M}),
    ("fresh-air no dx", Cooling(system="fresh-air", chiller={"capacity_kw": 0.0}), HeatReuse(), {F, E}),
    ("fresh-air no pads", Cooling(system="fresh-air", fresh_air={"evaporative_effectiveness": 0.0}), HeatReuse(), {F, PF, M}),
    ("indirect-evaporative", Cooling(system="indirect-evaporative"), HeatReuse(), {F, E, PF, M}),
    ("indirect-evaporative eir hr", Cooling(system="indirect-evaporative", chiller={"model": "eir"}),
     HeatReuse(enabled=True, cop_model="table", cop_table_lift_k=[20, 60], cop_table=[6.0, 2.5]), {F, E, PF, M}),
    ("liquid", Cooling(system="liquid"), HeatReuse(), {F, PF, M}),
    ("liquid hr-loop", Cooling(system="liquid", liquid={"supply_c": 30.0}), HeatReuse(enabled=True), {F, PF, M}),
    ("liquid hr-chw", Cooling(system="liquid"), HeatReuse(enabled=True, source="chilled-water"), {F, PF, M}),
    # a datasheet unit ahead of the chiller: evaporative when it carries what the free cooling
    # left with the chiller off (wet unit), free when dry; partial-free when the chiller trims
    ("dry-cooler datasheet unit wet", Cooling(system="dry-cooler", datasheet_unit=dict(
        against="outdoor_wetbulb_c", outdoor_c=[-30, 10, 16], capacity_kw=[400, 300, 0], power_kw=[10, 12, 12],
        water_l_per_kwh=0.8, units=2)), HeatReuse(), {F, E, PF, M}),
    ("chiller-crah water wse datasheet unit dry", Cooling(chiller={"condenser": "water"}, economizer={"enabled": True},
                                                          datasheet_unit=dict(outdoor_c=[0, 25], capacity_kw=[300, 100],
                                                                              power_kw=[8, 8])),
     HeatReuse(enabled=True), {F, PF, M, FD}),
    ("liquid datasheet unit", Cooling(system="liquid", datasheet_unit=dict(
        outdoor_c=[-10, 25], capacity_kw=[200, 0], power_kw=[5, 5], water_l_per_kwh=1.0)), HeatReuse(), {F, E, PF, M}),
]


def _inputs(rng, n):
    t_db = rng.uniform(-30, 38, n)
    rh = rng.uniform(5, 100, n)
    p = 101325.0 * rng.uniform(0.95, 1.03, n)
    w = humidity_ratio_from_rh(t_db, rh, p)
    twb = wetbulb_c_from_rh(t_db, rh, p)
    flow = rng.uniform(5, 120, n)
    t_set = rng.uniform(15, 27, n)
    t_ret = t_set + rng.uniform(0, 15, n)
    q_air = RHO * CP * flow * (t_ret - t_set) / 1000
    q_coil = q_air + rng.uniform(0, 0.05, n) * q_air
    q_liq = np.where(rng.random(n) < 0.8, rng.uniform(0, 900, n), 0.0)
    q_aux = rng.uniform(0, 80, n)
    dh = rng.uniform(0, 1500, n)
    return t_db, w, twb, p, flow, t_set, t_ret, q_coil, q_liq, q_aux, dh


def _random_state(rng, state0):
    s = state0.copy()
    s[S_MODE] = float(rng.choice([-1, 0, 1, 2, 3]))
    s[S_MODE_TIME_S] = rng.uniform(0, 2500)
    s[2] = rng.uniform(0.0008, 0.014)
    return s


@pytest.mark.parametrize("label, cooling, heat_reuse, modes", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_energy_is_conserved_every_step_on_random_inputs(label, cooling, heat_reuse, modes):
    code, params, state0 = build_plant(cooling, heat_reuse, 900.0, 80.0)
    rng = np.random.default_rng(abs(hash(label)) % 2**32)
    n = 3000
    t_db, w, twb, p, flow, t_set, t_ret, q_coil, q_liq, q_aux, dh = _inputs(rng, n)
    out = np.zeros(N_OUT)
    seen = set()
    for i in range(n):
        s = _random_state(rng, state0)
        plant_step(code, params, s, q_coil[i], flow[i], t_ret[i], t_set[i], q_liq[i], q_aux[i], t_db[i], w[i],
                   twb[i], p[i], dh[i], 60.0, out)
        seen.add(int(out[OUT_MODE]))
        q_in = q_coil[i] + q_liq[i] + q_aux[i]
        lhs = out[OUT_HEAT_REJECTED_KW] + out[OUT_HEAT_REUSED_KW]
        rhs = q_in - out[OUT_UNMET_KW] + out[OUT_PLANT_KW]
        # first law per step, to rounding (brief: 1e-9 relative)
        assert abs(lhs - rhs) <= 1e-9 * max(1.0, q_in + out[OUT_PLANT_KW]), (i, lhs, rhs)
        assert out[OUT_HEAT_REMOVED_KW] == pytest.approx(q_in - out[OUT_UNMET_KW], rel=1e-12, abs=1e-9)
        assert out[OUT_PLANT_KW] == pytest.approx(out[OUT_COOLING_KW] + out[OUT_HEAT_PUMP_KW], rel=1e-12)
        assert out[OUT_COOLING_KW] == pytest.approx(
            out[OUT_CHILLER_KW] + out[OUT_FANS_KW] + out[OUT_PUMPS_KW] + out[OUT_HUMIDIFIER_KW]
            + out[OUT_DATASHEET_UNIT_KW], rel=1e-12)
        for k in (OUT_CHILLER_KW, OUT_FANS_KW, OUT_PUMPS_KW, OUT_HUMIDIFIER_KW, OUT_HEAT_PUMP_KW, OUT_UNMET_KW,
                  OUT_DATASHEET_UNIT_KW, OUT_DATASHEET_UNIT_HEAT_KW,
                  OUT_WATER_EVAPORATION_L, OUT_WATER_DRIFT_L, OUT_WATER_BLOWDOWN_L, OUT_WATER_HUMIDIFICATION_L,
                  OUT_HEAT_REUSED_KW):
            assert out[k] >= -1e-9, (OUT_FIELDS[k], out[k])
        # heat rejected is >= 0, except in a fresh-air step where warm outdoor air enters uncooled:
        # the excess over the setpoint is booked as unmet (it comes back in the next return air)
        if code == SYSTEM_CODES["fresh-air"]:
            assert out[OUT_HEAT_REJECTED_KW] + out[OUT_UNMET_KW] >= -1e-9
        else:
            assert out[OUT_HEAT_REJECTED_KW] >= -1e-9
        assert out[OUT_WATER_TOTAL_L] == pytest.approx(out[OUT_WATER_EVAPORATION_L] + out[OUT_WATER_DRIFT_L]
                                                       + out[OUT_WATER_BLOWDOWN_L] + out[OUT_WATER_HUMIDIFICATION_L])
        assert 0.0 <= out[OUT_FREE_FRACTION] <= 1.0 + 1e-12
        # never colder than the setpoint; warmer only with unmet load
        assert out[OUT_SUPPLY_AIR_C] >= t_set[i] - 1e-9
        if out[OUT_UNMET_KW] == 0.0:
            assert out[OUT_SUPPLY_AIR_C] == pytest.approx(t_set[i], abs=1e-9)
        if out[OUT_CHILLER_KW] > 0:
            assert out[OUT_CHILLER_COP] > 0
        assert np.all(np.isfinite(out))
    assert seen == modes


def test_walking_skeleton_plant_is_reproduced():
    """chiller-crah with the default sections and the constant Carnot fraction 0.3 = the original
    facility_kernel arithmetic (since issue 15 the default fraction falls with the lift)."""
    code, p, state = build_plant(Cooling(chiller={"carnot_fraction": "constant", "carnot_efficiency": 0.3}), HeatReuse(),
                                 988.0, 90.0)
    rng = np.random.default_rng(7)
    out = np.zeros(N_OUT)
    for _ in range(200):
        q_coil, ups = rng.uniform(0, 1000), rng.uniform(0, 70)
        t_db = rng.uniform(-30, 35)
        plant_step(code, p, state, q_coil, 80.0, 28.0, 20.0, 0.0, ups, t_db, 0.003, t_db - 3, 101325.0, 0.0, 60.0, out)
        pump = pump_power_kw(q_coil + ups, 6.0, 200e3, 0.87)
        q_chw = q_coil + ups + pump
        cop = carnot_cop(12.0 - 3.0, condensing_temperature_c(t_db, 10.0, 25.0), 0.3)
        assert out[OUT_PUMPS_KW] == pump
        assert out[OUT_CHILLER_KW] == pytest.approx(q_chw / cop, rel=1e-15)
        assert out[OUT_HEAT_REJECTED_KW] == pytest.approx(q_chw + q_chw / cop, rel=1e-15)
        assert out[OUT_MODE] == MODE_MECHANICAL and out[OUT_FANS_KW] == 0.0 and out[OUT_WATER_TOTAL_L] == 0.0


def test_short_capacity_is_reported_as_unmet_and_warms_the_supply():
    code, p, state = build_plant(Cooling(chiller={"capacity_kw": 300.0}), HeatReuse(), 988.0, 90.0)
    out = np.zeros(N_OUT)
    flow, t_set = 80.0, 20.0
    q_coil = RHO * CP * flow * 10.0 / 1000
    plant_step(code, p, state, q_coil, flow, 30.0, t_set, 0.0, 0.0, 25.0, 0.01, 18.0, 101325.0, 0.0, 60.0, out)
    pump = pump_power_kw(q_coil, 6.0, 200e3, 0.87)
    assert out[OUT_UNMET_KW] == pytest.approx(q_coil + pump - 300.0, rel=1e-12)
    assert out[OUT_SUPPLY_AIR_C] == pytest.approx(t_set + out[OUT_UNMET_KW] / (RHO * CP * flow / 1000), rel=1e-12)


def _weather_wave(n, mean, amp, period_steps, rh=70.0):
    k = np.arange(n)
    t_db = mean + amp * np.sin(2 * np.pi * k / period_steps)
    p = np.full(n, 101325.0)
    return t_db, humidity_ratio_from_rh(t_db, np.full(n, rh), p), wetbulb_c_from_rh(t_db, np.full(n, rh), p)


@pytest.mark.parametrize("system, extra, mean", [
    ("chiller-crah", {"chiller": {"condenser": "water"}, "economizer": {"enabled": True}}, 8.0),
    ("dry-cooler", {}, 6.0),
    ("fresh-air", {}, 20.0),
    ("indirect-evaporative", {}, 22.0),
    ("liquid", {}, 6.0),
])
@pytest.mark.parametrize("min_time", [0.0, 1200.0])
def test_minimum_time_between_mode_changes(system, extra, mean, min_time):
    c = Cooling(system=system, min_mode_time_s=min_time, mode_deadband_k=0.3, **extra)
    code, p, state = build_plant(c, HeatReuse(), 800.0, 70.0)
    n, dt = 3000, 60.0
    t_db, w, twb = _weather_wave(n, mean, 9.0, 37)
    out = np.zeros(N_OUT)
    modes = np.empty(n, dtype=int)
    flow = 60.0
    q = RHO * CP * flow * 11.0 / 1000
    for i in range(n):
        plant_step(code, p, state, q, flow, 31.0, 20.0, 300.0, 20.0, t_db[i], w[i], twb[i], 101325.0, 0.0, dt, out)
        # free-dry is free cooling with the tower dry (freeze protection): the same control mode
        modes[i] = MODE_FREE if out[OUT_MODE] == MODE_FREE_DRY else int(out[OUT_MODE])
    changes = np.flatnonzero(np.diff(modes)) + 1
    assert len(changes) == state[S_MODE_CHANGES]
    assert len(changes) >= 2  # the wave does move the plant between modes
    if min_time > 0:
        assert np.all(np.diff(changes) * dt >= min_time)
    else:
        assert len(changes) > 2 * 3000 // 37  # no dwell: follows every swing (hysteresis only)


def test_heat_reuse_takes_heat_off_the_plant():
    rng = np.random.default_rng(9)
    for system in ("chiller-crah", "dry-cooler", "fresh-air", "indirect-evaporative", "liquid"):
        off = build_plant(Cooling(system=system), HeatReuse(), 800.0, 70.0)
        on = build_plant(Cooling(system=system), HeatReuse(enabled=True), 800.0, 70.0)
        o0, o1 = np.zeros(N_OUT), np.zeros(N_OUT)
        for _ in range(50):
            args = (600.0, 60.0, 28.0, 20.0, 300.0, 20.0, rng.uniform(-20, 10), 0.002, -5.0, 101325.0, 400.0, 60.0)
            plant_step(off[0], off[1], off[2].copy(), *args, o0)
            plant_step(on[0], on[1], on[2].copy(), *args, o1)
            assert o1[OUT_HEAT_REUSED_KW] > 0 and o0[OUT_HEAT_REUSED_KW] == 0
            assert o1[OUT_HEAT_REJECTED_KW] < o0[OUT_HEAT_REJECTED_KW]
            assert o1[OUT_PLANT_KW] > o0[OUT_PLANT_KW] - o0[OUT_COOLING_KW]  # heat pump electricity counted
            assert o1[OUT_HEAT_REUSED_KW] <= 400.0 + 1e-9  # DH demand respected


def test_tower_water_and_free_cooling_with_waterside_economiser():
    c = Cooling(chiller={"model": "eir", "condenser": "water"}, economizer={"enabled": True})
    code, p, state = build_plant(c, HeatReuse(), 1000.0, 90.0)
    out = np.zeros(N_OUT)
    # 4 °C, 80 % RH (wet bulb 2.6 °C), above the freeze-protection limit (0 °C): free cooling, wet tower
    p4 = np.array([101325.0])
    w4, wb4 = humidity_ratio_from_rh(np.array([4.0]), np.array([80.0]), p4)[0], wetbulb_c_from_rh(
        np.array([4.0]), np.array([80.0]), p4)[0]
    plant_step(code, p, state, 800.0, 80.0, 28.0, 20.0, 0.0, 0.0, 4.0, w4, wb4, 101325.0, 0.0, 60.0, out)
    assert out[OUT_MODE] == MODE_FREE and out[OUT_CHILLER_KW] == 0.0 and out[OUT_FREE_FRACTION] == pytest.approx(1.0)
    assert out[OUT_WATER_EVAPORATION_L] > 0 and out[OUT_WATER_DRIFT_L] > 0 and out[OUT_WATER_BLOWDOWN_L] > 0
    # in cold air only part of the heat leaves by evaporation (sensible/latent split; computed 0.59
    # of the heat rejected, against about 0.9 in summer and 1 for the old all-year assumption)
    assert out[OUT_WATER_EVAPORATION_L] < 0.7 * out[OUT_HEAT_REJECTED_KW] * 60.0 * 1000.0 / H_FG_J_PER_KG
    # wet bulb -6 °C: the tower runs dry (freeze protection), its own mode, no water
    state1 = build_plant(c, HeatReuse(), 1000.0, 90.0)[2]
    plant_step(code, p, state1, 800.0, 80.0, 28.0, 20.0, 0.0, 0.0, -5.0, 0.002, -6.0, 101325.0, 0.0, 60.0, out)
    assert out[OUT_MODE] == MODE_FREE_DRY and out[OUT_CHILLER_KW] == 0.0 and out[OUT_FREE_FRACTION] == pytest.approx(1.0)
    assert out[OUT_WATER_TOTAL_L] == 0.0
    # the old all-year wet tower with the limit moved below the weather
    c_wet = Cooling(chiller={"model": "eir", "condenser": "water"}, economizer={"enabled": True},
                    tower={"freeze_protection_wetbulb_c": -50.0})
    code_w, p_w, state_w = build_plant(c_wet, HeatReuse(), 1000.0, 90.0)
    plant_step(code_w, p_w, state_w, 800.0, 80.0, 28.0, 20.0, 0.0, 0.0, -5.0, 0.002, -6.0, 101325.0, 0.0, 60.0, out)
    assert out[OUT_MODE] == MODE_FREE and out[OUT_WATER_EVAPORATION_L] > 0
    # no economiser: the chillers carry the load, the dry tower still evaporates nothing
    c_mech = Cooling(chiller={"model": "eir", "condenser": "water"})
    code_m, p_m, state_m = build_plant(c_mech, HeatReuse(), 1000.0, 90.0)
    plant_step(code_m, p_m, state_m, 800.0, 80.0, 28.0, 20.0, 0.0, 0.0, -5.0, 0.002, -6.0, 101325.0, 0.0, 60.0, out)
    assert out[OUT_MODE] == MODE_MECHANICAL and out[OUT_CHILLER_KW] > 0 and out[OUT_WATER_TOTAL_L] == 0.0
    state2 = build_plant(c, HeatReuse(), 1000.0, 90.0)[2]
    plant_step(code, p, state2, 800.0, 80.0, 28.0, 20.0, 0.0, 0.0, 30.0, 0.015, 23.0, 101325.0, 0.0, 60.0, out)
    assert out[OUT_MODE] == MODE_MECHANICAL and 4.0 < out[OUT_CHILLER_COP] < 9.0


def _twin_steps(rng, n):
    """For every configuration, ``n`` random steps: (label, code, params, two equal states, two
    zeroed outputs, the step's inputs q_coil .. dh_demand) for comparing two ways to run it."""
    for label, cooling, hr, _ in CONFIGS:
        code, params, state0 = build_plant(cooling, hr, 900.0, 80.0)
        args = _inputs(rng, n)
        for i in range(n):
            s1 = _random_state(rng, state0)
            t_db, w, twb, p, flow, t_set, t_ret, q_coil, q_liq, q_aux, dh = (a[i] for a in args)
            yield (label, code, params, s1, s1.copy(), np.zeros(N_OUT), np.zeros(N_OUT),
                   (q_coil, flow, t_ret, t_set, q_liq, q_aux, t_db, w, twb, p, dh))


def test_compiled_step_equals_python_execution():
    """plant_step run by Numba and by the Python interpreter (py_func) agree on random inputs."""
    for label, code, params, s1, s2, o1, o2, a in _twin_steps(np.random.default_rng(11), 40):
        plant_step(code, params, s1, *a, 60.0, o1)
        plant_step.py_func(code, params, s2, *a, 60.0, o2)
        np.testing.assert_allclose(o1, o2, rtol=1e-12, atol=1e-12, err_msg=label)
        np.testing.assert_array_equal(s1, s2, err_msg=label)


@pytest.mark.slow  # compiles the plant step once per system marker (about 2 s each)
def test_a_systems_marker_compiles_the_same_step_as_the_run_time_choice():
    """plant_step_dispatched with a system's own marker (what the facility kernel gets:
    only that system compiled) gives bit for bit what the all-systems step chosen at run time
    by the integer code gives, on random inputs, for every configuration."""
    from dcsim.cooling.dispatch import SYSTEM_MARKERS, system_marker
    from dcsim.cooling.plant import plant_step_dispatched

    assert {c: type(system_marker(c)) for c in SYSTEM_CODES.values()} == SYSTEM_MARKERS
    with pytest.raises(ValueError, match="unknown cooling-system code 9"):
        system_marker(9)
    for label, code, params, s1, s2, o1, o2, a in _twin_steps(np.random.default_rng(5), 200):
        plant_step(code, params, s1, *a, 60.0, o1)
        plant_step_dispatched(system_marker(code), params, s2, *a, 1.0, 60.0, o2)
        np.testing.assert_array_equal(o1, o2, err_msg=label)
        np.testing.assert_array_equal(s1, s2, err_msg=label)


def test_interface_constants():
    assert len(OUT_FIELDS) == N_OUT and N_STATE == 7
    assert set(SYSTEM_CODES) == {"chiller-crah", "dry-cooler", "fresh-air", "indirect-evaporative", "liquid"}
    assert COOLING_MODES[:3] == ("mechanical", "partial-free", "free")  # the walking skeleton's codes
    assert COOLING_MODES[MODE_EVAPORATIVE] == "evaporative"
    assert COOLING_MODES[MODE_FREE_DRY] == "free-dry" and MODE_FREE_WEIGHT[MODE_FREE_DRY] == 1.0
    assert len(MODE_FREE_WEIGHT) == len(COOLING_MODES)


@pytest.mark.parametrize("system", sorted(SYSTEM_CODES))
def test_no_airflow_and_no_load_stay_finite(system):
    code, p, state = build_plant(Cooling(system=system, chiller={"capacity_kw": 50.0}), HeatReuse(enabled=True), 500.0,
                                 40.0)
    out = np.zeros(N_OUT)
    for q_coil, flow, q_liq in ((0.0, 0.0, 0.0), (0.0, 0.0, 400.0), (0.0, 30.0, 0.0)):
        plant_step(code, p, state, q_coil, flow, 20.0, 20.0, q_liq, 0.0, 30.0, 0.015, 24.0, 101325.0, 100.0, 60.0, out)
        assert np.all(np.isfinite(out))
        assert out[OUT_SUPPLY_AIR_C] == 20.0 or out[OUT_UNMET_KW] > 0
        lhs = out[OUT_HEAT_REJECTED_KW] + out[OUT_HEAT_REUSED_KW]
        assert lhs == pytest.approx(q_liq - out[OUT_UNMET_KW] + out[OUT_PLANT_KW], abs=1e-9)
