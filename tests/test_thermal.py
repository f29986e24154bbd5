"""Thermal model (issue 4): closed forms, exact transients, naive twins, scenario behaviour."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import dcsim
import dcsim.scenario
from dcsim.cooling.outputs import N_OUT, OUT_HEAT_PUMP_KW, OUT_PLANT_KW, OUT_UNMET_KW
from dcsim.cooling.plant import plant_step
from dcsim.electrical.chain import E_FIXED_KW, E_HEAT_TO_PLANT_KW, E_LOSSES_KW, N_ELECTRICAL_OUT, electrical_step
from dcsim.engine import build_model, initial_state, server_curve
from dcsim.thermal.ashrae import ASHRAE_ALLOWABLE_MAX_C, ASHRAE_RECOMMENDED_MAX_C, XFACTOR, XFACTOR_INLET_C
from dcsim.thermal.kernels import (
    StepInputs,
    allocate_outputs,
    allocate_rack_accumulators,
    facility_kernel,
)
from dcsim.thermal.racks import RHO_CP_KJ_PER_M3_K
from dcsim.thermal.rc import rack_heat_to_air_kw, room_air_step
from tests.test_server_thermal import written_out

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "lulea-air-1mw.toml"


def scenario(**overrides):
    base = {"simulation.duration": "2d", "it.racks": 4, "it.servers_per_rack": 10}
    base.update(overrides)
    data = dcsim.scenario.resolved_dict(dcsim.load_scenario(REFERENCE, overrides=base))
    return data


def constant(u, **overrides):
    data = scenario(**overrides)
    data["workload"] = {"kind": "constant", "mean_utilization": u}
    return dcsim.load_scenario(data)


def make_inputs(n, util, t_db=None, setpoint=20.0, avail=None):
    """Kernel inputs with dry outdoor air at sea level (w = 0.003 kg/kg) and no heat demand."""
    t_db = np.full(n, 5.0) if t_db is None else np.asarray(t_db, float)
    w = np.full(n, 0.003)
    from dcsim.climate.psychro import wetbulb_c_from_humidity_ratio

    return StepInputs(
        np.asarray(util, float) * np.ones(n), t_db, np.asarray(setpoint, float) * np.ones(n),
        np.ones(n) if avail is None else np.asarray(avail, float), w,
        np.asarray(wetbulb_c_from_humidity_ratio(t_db, w, np.full(n, 101325.0)), float), np.full(n, 101325.0),
        np.zeros(n), np.ones(n),
    )


def run_kernel(sc, n, util, *, t_db=None, setpoint=None, avail=None, state=None, rack_changes=None):
    model = build_model(sc, server_curve(sc.it.server), float(sc.simulation.step))
    if rack_changes:
        model = dataclasses.replace(model, rack=model.rack._replace(**rack_changes))
    inputs = make_inputs(n, util, t_db, sc.room.supply_air_c if setpoint is None else setpoint, avail)
    state = state or initial_state(model.rack, model.hall, float(inputs.utilization[0]),
                                   float(inputs.supply_setpoint_c[0]), model.plant_state0)
    out = allocate_outputs(n)
    acc = allocate_rack_accumulators(len(model.rack.servers))
    facility_kernel(0, n, float(sc.simulation.step), inputs, model.rack, model.hall, model.plant_system, model.plant,
                    model.electrical,
                    state, out, acc)
    return model, state, out, acc


# --------------------------------------------------------------------------- closed forms


def test_single_rack_steady_state_matches_closed_form():
    """T_out = T_in + P / (rho c_p V) for one rack with no recirculation (REFERENCES.md)."""
    sc = constant(0.6, **{"it.racks": 1, "room.recirculation_fraction": 0.0})
    model, state, out, _ = run_kernel(sc, 200, 0.6)
    p_kw = out.it_power_kw[-1]
    flow = out.crah_airflow_m3_s[-1] / (1.0 + model.hall.crah_oversupply)  # the rack's airflow (r = 0)
    t_in = state.inlet_c[0]
    assert t_in == pytest.approx(sc.room.supply_air_c, abs=1e-9)  # no recirculation: inlet = supply
    # in steady state the rack gives the air all its power
    assert state.heat_to_air_kw[0] == pytest.approx(p_kw, rel=1e-9)
    t_out = t_in + state.heat_to_air_kw[0] / (RHO_CP_KJ_PER_M3_K * flow)
    expected = t_in + p_kw * 1000 / (1.2 * 1006 * flow)
    assert t_out == pytest.approx(expected, rel=1e-12)
    # the hot air, mixed with the bypass and the CRAH fan heat, is what returns to the coil
    crah = out.crah_airflow_m3_s[-1]
    t_ret = sc.room.supply_air_c + (p_kw + out.crah_fan_power_kw[-1]) / (RHO_CP_KJ_PER_M3_K * crah)
    assert out.return_air_c[-1] == pytest.approx(t_ret, rel=1e-9)


def test_recirculation_closed_form():
    """T_in = (1 - r) T_sup + r T_out for the rack's own exhaust share r."""
    r = 0.15
    sc = constant(0.5, **{"it.racks": 1, "room.recirculation_fraction": r})
    model, state, out, _ = run_kernel(sc, 200, 0.5)
    t_in = state.inlet_c[0]
    flow = out.crah_airflow_m3_s[-1] / (1.0 + model.hall.crah_oversupply) / (1.0 - r)  # CRAH serves the net demand
    t_out = t_in + state.heat_to_air_kw[0] / (RHO_CP_KJ_PER_M3_K * flow)
    assert t_in == pytest.approx((1 - r) * sc.room.supply_air_c + r * t_out, rel=1e-12)


# --------------------------------------------------------------------------- exact transients


def test_equipment_step_change_follows_the_exponential():
    """A load step: the equipment temperature follows T_inf + (T0 - T_inf) exp(-t/tau) (1e-9)."""
    tau = 300.0
    sc = constant(
        0.2,
        **{"it.racks": 1, "room.recirculation_fraction": 0.0, "it.thermal_time_constant_s": tau,
           "it.inlet_temperature_effects": False},
    )
    model = build_model(sc, server_curve(sc.it.server), 60.0)
    rack = model.rack
    state = initial_state(rack, model.hall, 0.2, sc.room.supply_air_c, model.plant_state0)
    t_e0 = state.equipment_c[0]
    n = 30
    _, state, out, _ = run_kernel(sc, n, 0.9, state=state)  # from steady state at 20 % to 90 %
    c = rack.heat_capacity_kj_per_k[0]
    res = rack.resistance_k_per_kw[0]
    p1 = out.it_power_kw[-1]
    t_in = sc.room.supply_air_c
    t_inf = t_in + p1 * res
    expected = t_inf + (t_e0 - t_inf) * math.exp(-n * 60.0 / tau)
    assert state.equipment_c[0] == pytest.approx(expected, rel=1e-9)
    # the energy the mass took up is exactly the power not yet given to the air
    assert c * (state.equipment_c[0] - t_e0) == pytest.approx(
        (out.it_power_kw - out.heat_to_air_kw).sum() * 60.0, rel=1e-9
    )


def _room_reference(t0, q_in, flow, t_set, cap, c, dt, h_s=0.0, t_s=20.0, substeps=200_000):
    """Independent check of room_air_step: explicit integration with tiny substeps, the
    structure at t_s exchanging h_s (T - t_s)."""
    g = RHO_CP_KJ_PER_M3_K * flow
    h = dt / substeps
    t = t0
    removed = stored = 0.0
    for _ in range(substeps):
        q_coil = min(cap, max(g * (t - t_set), 0.0))
        q_s = h_s * (t - t_s)
        t += (q_in - q_coil - q_s) / c * h
        removed += q_coil * h
        stored += q_s * h
    return t, removed / dt, stored / dt


REGIMES = [
    (30.0, 500.0, 1000.0),  # unsaturated, cooling down to equilibrium
    (30.0, 1500.0, 1000.0),  # starts unsaturated, saturates within the step
    (40.0, 500.0, 1000.0),  # saturated, falls back within the step
    (40.0, 1500.0, 1000.0),  # saturated all step: linear rise
    (28.0, 300.0, 0.0),  # total cooling failure
    (18.0, 500.0, 1000.0),  # below the setpoint: no cooling until it has warmed to it
    (19.9, 1500.0, 1000.0),  # below it, then unsaturated, then saturated within the step
    (15.0, 100.0, 1000.0),  # below it all step: warms at Q_in / C
    (20.5, -200.0, 1000.0),  # heat flowing out of the room (racks colder than the air): the coil
    (21.0, -50.0, 0.0),  # stops at the setpoint; with no capacity it never runs
]


@pytest.mark.parametrize("structure", [(0.0, 20.0), (40.0, 25.0), (40.0, 12.0)],
                         ids=["air-alone", "warm-structure", "cold-structure"])
@pytest.mark.parametrize("t0,q_in,cap", REGIMES)
def test_room_air_node_regimes_against_fine_integration(t0, q_in, cap, structure):
    """Every regime and switch of the room node, with and without the structure (40 kW/K: a
    time constant C/H of 75 s, shorter than the step, so it shapes the step)."""
    flow, t_set, c, dt = 50.0, 20.0, 3000.0, 60.0
    h_s, t_s = structure
    t1, q, q_s = room_air_step(t0, q_in, flow, t_set, cap, c, dt, h_s, t_s)
    t_ref, q_ref, q_s_ref = _room_reference(t0, q_in, flow, t_set, cap, c, dt, h_s, t_s)
    assert t1 == pytest.approx(t_ref, abs=2e-3)  # first-order reference with 200,000 substeps
    assert q == pytest.approx(q_ref, abs=0.05)
    assert q_s == pytest.approx(q_s_ref, abs=0.05)
    assert q >= -1e-9  # a coil does not heat


def test_massless_room_is_in_equilibrium_with_coils_and_structure():
    g = RHO_CP_KJ_PER_M3_K * 50.0
    # coils at work: Q_in = g (T - T_set) + H (T - T_s)
    t, q, q_s = room_air_step(25.0, 500.0, 50.0, 20.0, 1000.0, 0.0, 60.0, 10.0, 22.0)
    assert t == pytest.approx((500.0 + g * 20.0 + 10.0 * 22.0) / (g + 10.0), rel=1e-14)
    # the coil law itself (the step returns the coil heat as the node's balance closure)
    assert q == pytest.approx(g * (t - 20.0), rel=1e-12) and q_s == pytest.approx(10.0 * (t - 22.0), rel=1e-14)
    # coils saturated: the structure takes the rest
    t, q, q_s = room_air_step(25.0, 1500.0, 50.0, 20.0, 1000.0, 0.0, 60.0, 10.0, 22.0)
    assert q == pytest.approx(1000.0, rel=1e-14) and q_s == pytest.approx(500.0, rel=1e-14)
    assert t == pytest.approx(72.0, rel=1e-14)
    # no structure, not enough capacity: no steady state, the coils at their limit
    assert room_air_step(25.0, 1500.0, 50.0, 20.0, 1000.0, 0.0, 60.0, 0.0, 22.0) == (20.0 + 1000.0 / g, 1000.0, 0.0)


def test_cooling_failure_transient_is_linear_while_saturated():
    """Total outage: the room warms at exactly (Q_in) / C while the coils deliver nothing (the
    room air alone: no structure)."""
    sc = constant(0.6, **{"it.inlet_temperature_effects": False, "it.thermal_time_constant_s": 0.0,
                          "it.throttle_inlet_c": 60.0, "it.shutdown_inlet_c": 80.0, "room.construction": "none"})
    n = 6  # the room reaches about 56 °C
    model, state, out, _ = run_kernel(sc, n, 0.6, avail=np.zeros(n))
    c = model.hall.room_heat_capacity_kj_per_k
    q_in = out.heat_to_air_kw[0] + out.crah_fan_power_kw[0]
    room0 = initial_state(model.rack, model.hall, 0.6, sc.room.supply_air_c, model.plant_state0).room_c[0]
    # every kW stays in the room air: the supply follows the room, so nothing is removed
    assert np.abs(out.coil_heat_kw).max() < 1e-9  # zero up to the rounding of q_in - C dT/dt
    assert state.room_c[0] == pytest.approx(room0 + q_in * n * 60.0 / c, rel=1e-9)
    assert out.servers_throttled.max() == 0 and out.servers_shut_down.max() == 0
    assert out.unmet_cooling_kw[0] == pytest.approx(q_in, rel=1e-9)


# --------------------------------------------------------------------------- naive twin


def naive_kernel(sc, n, util, t_db, setpoint, avail, rack_changes=None):
    """Plain-Python twin of facility_kernel written from the equations (no Numba, no passes).
    Returns the hall rows per step and the per-rack accumulators.

    The supply air of a step is found here by plain bisection to 1e-12 K (the kernel uses a
    safeguarded secant to 1e-9 K) whenever the kernel's rule says the step is iterated: the last
    step ended off its setpoint, or the capacity falls below 1.05 x the last step's coil heat."""
    dt = float(sc.simulation.step)
    model = build_model(sc, server_curve(sc.it.server), dt)
    if rack_changes:
        model = dataclasses.replace(model, rack=model.rack._replace(**rack_changes))
    rack, hall = model.rack, model.hall
    racks = len(rack.servers)
    matrix = rack.interference_k_per_kw if rack.interference_k_per_kw.shape[0] == racks else None
    energy, max_in, above_rec, above_allow, xf = (np.zeros(racks) for _ in range(5))
    max_in[:] = -np.inf
    st = initial_state(rack, hall, float(util[0]), float(setpoint[0]), model.plant_state0)
    q_prev = list(st.heat_to_air_kw)
    plant_state = model.plant_state0.copy()
    inputs = make_inputs(n, util, t_db, setpoint, avail)
    mech_prev = 0.0
    t_in = list(st.inlet_c)
    t_e = list(st.equipment_c)
    off = [0.0] * racks
    room = float(st.room_c[0])
    structure = float(st.structure_c[0])
    sup = float(st.supply_c[0])
    flag, heat_prev = 0.0, float(st.iterate[1])
    lp, pp = list(rack.load_points), list(rack.power_points_w)
    idle, pmax, t_ref = rack.idle_w, rack.max_w, rack.reference_inlet_c
    air_share = 1.0 - hall.liquid_share

    def biq(c, x, y, lim):
        x = min(max(x, lim[0]), lim[1])
        y = min(max(y, lim[2]), lim[3])
        return min(max(c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y, lim[4]), lim[5])

    def cub(c, x, lim):
        x = min(max(x, lim[0]), lim[1])
        return min(max(c[0] + c[1] * x + c[2] * x * x + c[3] * x ** 3, lim[2]), lim[3])

    def server(u, p_w, temp):
        """(power W, fan power W, flow fraction) of one running, unthrottled server."""
        if not rack.inlet_effects:
            return p_w, 0.0, 1.0
        if rack.measured_fans:  # dcsim.it.server_thermal's equations, written out in its tests
            *params, a, t_loop = rack.fan_params
            return written_out(u, temp, p_w, idle, pmax, air_share=a, loop_c=t_loop, ref_c=t_ref, params=tuple(params),
                               min_flow=rack.min_flow_fraction)
        fv = max(biq(rack.flow_coef, u, temp, rack.flow_limits), rack.min_flow_fraction)
        fv_r = max(biq(rack.flow_coef, u, t_ref, rack.flow_limits), rack.min_flow_fraction)
        fan = rack.design_fan_w * cub(rack.fan_coef, fv, rack.fan_limits)
        fan_r = rack.design_fan_w * cub(rack.fan_coef, fv_r, rack.fan_limits)
        dcpu = rack.design_cpu_w * (biq(rack.cpu_coef, u, temp, rack.cpu_limits)
                                    - biq(rack.cpu_coef, u, t_ref, rack.cpu_limits))
        return max(p_w + dcpu + fan - fan_r, 0.0), fan, fv

    rows = []
    for k in range(n):
        lift = matrix @ np.array(q_prev) if matrix is not None else np.zeros(racks)
        cap = hall.cooling_capacity_kw * avail[k]
        iterate = flag > 0.5 or cap < 1.05 * heat_prev + 1e-9

        def step(x):
            """Everything of step k at supply air x; returns (residual, results)."""
            it = fan_it = q_tot = net = 0.0
            work = {"work_demand": 0.0, "work_not_done": 0.0, "servers_throttled": 0.0, "servers_shut_down": 0.0}
            racks_out = []
            for i in range(racks):
                u = min(util[k] * rack.util_scale[i], 1.0)
                p_w = float(np.interp(u, lp, pp))
                t_est = t_in[i] + (x - sup)
                # off at the start: back on when the air in front is at the throttling limit;
                # running: off for the part of the step after the inlet, linear in time from
                # t_in to t_est, passed the shutdown limit
                if off[i] > 0.5 and sup + lift[i] > rack.throttle_inlet_c:
                    o = 1.0
                elif t_in[i] >= rack.shutdown_inlet_c:
                    o = 1.0
                elif t_est > rack.shutdown_inlet_c:
                    o = (t_est - rack.shutdown_inlet_c) / (t_est - t_in[i])
                else:
                    o = 0.0
                span = rack.shutdown_inlet_c - rack.throttle_inlet_c
                perf = 1 - (1 - rack.throttle_min_performance) * min(max((t_est - rack.throttle_inlet_c) / span, 0), 1)
                pw, fan, fv = server(u, p_w, t_est)
                on = rack.servers_on[i] * (1 - o)  # servers that are off draw what extra_power_kw says
                p = on * (pw - (1 - perf) * max(p_w - idle, 0)) / 1000 + rack.extra_power_kw[i]
                flow = max(on, 0.01) * rack.design_flow_m3_s * fv
                r = rack.recirculation[i]
                c, res, a = rack.heat_capacity_kj_per_k[i], rack.resistance_k_per_kw[i], rack.decay[i]
                # solve the two linear equations of the step for Q and T_in by 2x2 elimination:
                #   Q = P - C (1 - a)/dt (T_in + P R - T_e0);  T_in = T_sup + s r/(1-r) Q/(rho c_p V),
                # s the air's share (no recirculation from off servers), or with a
                # cross-interference matrix T_in = T_sup + (D Q_previous)_i
                g = 0.0 if matrix is not None else air_share * (1 - o) * r / (1 - r) / (RHO_CP_KJ_PER_M3_K * flow)
                m = np.array([[1.0, c * (1 - a) / dt], [-g, 1.0]])
                rhs = np.array([p - c * (1 - a) / dt * (p * res - t_e[i]), x + lift[i]])
                q, tin = np.linalg.solve(m, rhs)
                racks_out.append((tin, tin + p * res + (t_e[i] - tin - p * res) * a, q, o, p))
                it += p
                fan_it += on * fan / 1000
                # work in server-equivalents: asked of every installed server at its load, not done
                # by those off and by the throttled share of those running
                asked = rack.servers_on[i] * u
                work["work_demand"] += asked
                work["work_not_done"] += asked * (1 - (1 - o) * perf)
                work["servers_throttled"] += on if perf < 1 else 0.0
                work["servers_shut_down"] += rack.servers_on[i] * o
                q_tot += q
                net += flow * (1 - r)
            # the air handlers: n units of design flow V_d/N; all installed ones running, or the
            # fewest that carry the demand; none slower than the minimum speed
            demand = net * (1 + hall.crah_oversupply)
            n_dut, n_inst = hall.crah_duty_units, hall.crah_duty_units + hall.crah_redundant_units
            v_unit = hall.crah_design_flow_m3_s / n_dut
            n_run = n_inst if hall.crah_staging == 0 else min(max(math.ceil(demand / v_unit), 1), n_inst)
            speed = max(demand / (n_run * v_unit), hall.crah_min_speed_fraction)
            at_min_speed = demand < n_run * v_unit * hall.crah_min_speed_fraction
            crah = n_run * v_unit * speed
            fan_crah = n_run * (hall.crah_design_fan_kw / n_dut) * speed**3
            q_air = q_tot * air_share
            room1, q_coil, q_struct = room_air_step(room, q_air + fan_crah, crah, setpoint[k], cap,
                                                    hall.room_heat_capacity_kj_per_k, dt,
                                                    hall.structure_ua_kw_per_k, structure)
            g_c = RHO_CP_KJ_PER_M3_K * crah
            sup1 = room1 - max(min(cap, g_c * (room1 - setpoint[k])), 0.0) / g_c
            # the plant and the electrical chain are compiled components with their own twins and
            # tests (tests/test_cooling_*.py): here their plain-Python execution (py_func)
            e = np.zeros(N_ELECTRICAL_OUT)
            electrical_step.py_func(it, mech_prev, model.electrical, e)
            po = np.zeros(N_OUT)
            ps = plant_state.copy()
            plant_step.py_func(model.plant_code, model.plant, ps, q_coil, crah, 0.5 * (room + room1), setpoint[k],
                               q_tot - q_air, e[E_HEAT_TO_PLANT_KW], t_db[k], inputs.outdoor_humidity_ratio[k],
                               inputs.outdoor_wetbulb_c[k], 101325.0, 0.0, dt, po)
            assert po[OUT_UNMET_KW] == 0.0  # the twin covers steps the plant can serve
            return sup1 - x, (racks_out, it, fan_it, fan_crah, room1, q_coil, q_air + fan_crah, sup1, e, po, ps,
                              at_min_speed, q_struct, work)

        x = float(setpoint[k])
        f, result = step(x)
        if iterate and abs(f) > 1e-12:
            lo, hi = x - 10.0, x + 10.0  # a bracket: the residual falls as the supply rises
            while step(lo)[0] < 0:
                lo -= 10.0
            while step(hi)[0] > 0:
                hi += 10.0
            for _ in range(80):
                mid = 0.5 * (lo + hi)
                if step(mid)[0] > 0:
                    lo = mid
                else:
                    hi = mid
            x = 0.5 * (lo + hi)
            f, result = step(x)
        racks_out, it, fan_it, fan_crah, room, q_coil, heat_prev, sup, e, po, plant_state, at_min, q_struct, work = result
        if hall.structure_heat_capacity_kj_per_k > 0:  # the structure takes the step's mean heat
            structure += q_struct * dt / hall.structure_heat_capacity_kj_per_k
        flag = 1.0 if abs(sup - setpoint[k]) > 1e-9 else 0.0
        for i, (tin, te, q, o, p) in enumerate(racks_out):
            t_in[i], t_e[i], q_prev[i], off[i] = tin, te, q, 1.0 if o > 0 else 0.0
            energy[i] += p * dt / 3600
            max_in[i] = max(max_in[i], tin)
            above_rec[i] += dt * (tin > ASHRAE_RECOMMENDED_MAX_C)
            above_allow[i] += dt * (tin > ASHRAE_ALLOWABLE_MAX_C[sc.room.ashrae_class])
            xf[i] += float(np.interp(tin, XFACTOR_INLET_C, XFACTOR)) * dt
        # a utility's heat pump draws outside the site's chain and meter
        mech_prev = po[OUT_PLANT_KW] - po[OUT_HEAT_PUMP_KW] * model.plant.heat_reuse.outside_boundary + fan_crah
        rows.append({
            "it_power_kw": it, "it_fan_power_kw": fan_it, "crah_fan_power_kw": fan_crah, "supply_air_c": x,
            "max_inlet_c": max(t_in), "mean_inlet_c": sum(t_in) / racks, "coil_heat_kw": q_coil,
            "facility_power_kw": it + mech_prev + e[E_LOSSES_KW] + e[E_FIXED_KW], "_at_min_speed": at_min, **work,
        })
    return rows, {"energy_kwh": energy, "max_inlet_c": max_in, "seconds_above_recommended": above_rec,
                  "seconds_above_allowable": above_allow, "xfactor_seconds": xf}


def _rack_variant(variant, rng, racks):
    """Rack parameters that send the kernel down each of its rack loops."""
    if variant == "shared-load":  # every rack at the hall's utilisation (the trace path)
        return {}
    if variant == "own-load":  # racks at their own utilisation, some servers off (the event path)
        return {"util_scale": rng.uniform(0.3, 1.6, racks), "servers_on": np.array([10.0, 7.0, 0.0, 10.0, 3.0]),
                "extra_power_kw": rng.uniform(0.0, 0.2, racks)}
    if variant == "no-inlet-effects":
        return {"inlet_effects": False}
    if variant == "matrix":  # cross-interference matrix, shared utilisation
        return {"interference_k_per_kw": rng.uniform(0.0, 0.05, (racks, racks))}
    if variant == "energyplus":  # the EnergyPlus ITE curves instead of the measured server model
        return {"measured_fans": False}
    if variant == "throttled":  # inlets above the throttling limit, none at the shutdown limit
        return {"throttle_inlet_c": 21.0, "shutdown_inlet_c": 200.0}
    if variant == "shutdown":  # servers off at their limit, back on when the air in front is cool again
        return {"throttle_inlet_c": 22.0, "shutdown_inlet_c": 28.0}
    if variant in CRAH_VARIANTS:  # the hall's air handlers change; EnergyPlus servers, whose airflow
        return {"measured_fans": False}  # follows their load, so the units' minimum speed binds at times
    if variant == "matrix-own-load":
        return {"interference_k_per_kw": rng.uniform(0.0, 0.05, (racks, racks)),
                "util_scale": rng.uniform(0.3, 1.6, racks)}
    raise AssertionError(variant)


#: air handlers: 4+1 units all running, and 3+2 staged units, with minimum speeds high enough
#: to bind at low load
CRAH_VARIANTS = {
    "crah-all-running": {"cooling.crah.units": 4, "cooling.crah.redundant_units": 1, "cooling.crah.min_speed_fraction": 0.6},
    "crah-staged": {"cooling.crah.units": 3, "cooling.crah.redundant_units": 2, "cooling.crah.min_speed_fraction": 0.9,
                    "cooling.crah.staging": "staged"},
}


@pytest.mark.parametrize("variant", ["shared-load", "own-load", "no-inlet-effects", "energyplus", "throttled", "shutdown",
                                     "matrix",
                                     "matrix-own-load", *CRAH_VARIANTS])
@pytest.mark.parametrize("seed", [1, 2])
def test_kernel_matches_naive_twin_on_random_inputs(seed, variant):
    rng = np.random.default_rng(seed)
    sc = constant(0.5, **{"it.racks": 5, "room.recirculation_by_rack": list(rng.uniform(0.0, 0.3, 5)),
                          "cooling.capacity_kw": 60.0, "room.ashrae_class": "A2", **CRAH_VARIANTS.get(variant, {})})
    n = 120
    util = rng.uniform(0, 1, n)
    t_db = rng.uniform(-30, 35, n)
    setpoint = rng.uniform(16, 27, n)
    avail = rng.choice([1.0, 0.5, 0.0], size=n, p=[0.8, 0.1, 0.1])
    changes = _rack_variant(variant, rng, 5)
    _, _, out, acc = run_kernel(sc, n, util, t_db=t_db, setpoint=setpoint, avail=avail, rack_changes=changes)
    expected, expected_acc = naive_kernel(sc, n, util, t_db, setpoint, avail, rack_changes=changes)
    for k, row in enumerate(expected):
        for name, value in row.items():
            if name.startswith("_"):  # the twin's own bookkeeping
                continue
            # same equations, other order and fast-math reassociation; the supply air of the
            # iterated steps solved to 1e-9 K against the twin's 1e-12: rounding and that tolerance
            assert getattr(out, name)[k] == pytest.approx(value, rel=1e-7, abs=1e-7), (k, name)
    for name, value in expected_acc.items():
        # the X-factor is summed as hinges (no table lookup): rounding again
        np.testing.assert_allclose(getattr(acc, name), value, rtol=1e-7, atol=1e-7, err_msg=name)
    # the inputs reach above the recommended envelope, so that accumulator is exercised too, and
    # some steps are iterated (outages), with several passes
    if variant != "shutdown":  # (there the servers go off before their inlets pass 27 °C)
        assert expected_acc["seconds_above_recommended"].sum() > 0
    assert out.supply_iterations.max() >= 3
    if variant == "throttled":
        assert out.servers_throttled.max() > 0
    if variant == "shutdown":  # servers go off and come back within the run
        off = out.servers_shut_down
        assert off.max() > 0 and np.any((off[:-1] > 0) & (off[1:] < off[:-1]))
    if variant in CRAH_VARIANTS:  # the minimum speed binds in some steps, not in all
        assert 0 < sum(r["_at_min_speed"] for r in expected) < len(expected)


def test_interference_matrix_matches_the_abstract_heat_flow_model(tmp_path):
    """With D given, the steady inlet is T_sup + D Q (Tang, Gupta, Varsamopoulos)."""
    d = np.array([[0.0, 0.02, 0.0], [0.01, 0.0, 0.01], [0.0, 0.03, 0.0]])
    path = tmp_path / "d.csv"
    path.write_text("\n".join(",".join(str(v) for v in row) for row in d) + "\n")
    sc = constant(0.7, **{"it.racks": 3, "room.interference_matrix": str(path)})
    _, state, out, _ = run_kernel(sc, 300, 0.7)
    expected = sc.room.supply_air_c + d @ state.heat_to_air_kw
    np.testing.assert_allclose(state.inlet_c, expected, rtol=1e-9)
    assert out.max_inlet_c[-1] == pytest.approx(expected.max(), rel=1e-9)


def test_interference_matrix_errors_name_file_and_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("0,0.1\n0.1,x\n")
    with pytest.raises(dcsim.InputError) as info:
        dcsim.simulate(constant(0.5, **{"it.racks": 3, "room.interference_matrix": str(path)}))
    text = info.value.format()
    assert "line 2" in text and "column 2" in text and "needs 3 columns" in text and "needs 3 rows" in text


# --------------------------------------------------------------------------- scenario behaviour


def test_warmer_supply_air_raises_server_power_and_lowers_chiller_power():
    """Raising room.supply_air_c from 18 to 27 °C (REFERENCES.md ITE curves; chilled water follows)."""
    cold = dcsim.simulate(constant(0.6, **{"room.supply_air_c": 18}))
    warm = dcsim.simulate(constant(0.6, **{"room.supply_air_c": 27}))
    assert warm.kpis["energy_it_fans_kwh"] > cold.kpis["energy_it_fans_kwh"]
    cpu = lambda r: r.kpis["energy_it_kwh"] - r.kpis["energy_it_fans_kwh"]  # noqa: E731
    assert cpu(warm) > cpu(cold)
    assert warm.timeseries.chiller_power_kw.mean() < cold.timeseries.chiller_power_kw.mean()


def test_step_length_does_not_change_it_energy():
    """The same hall at 60 s and 300 s steps: IT energy within 0.5 % (issue 4)."""
    a = dcsim.simulate(dcsim.load_scenario(scenario(**{"simulation.step": "60s"})))
    b = dcsim.simulate(dcsim.load_scenario(scenario(**{"simulation.step": "300s"})))
    assert b.kpis["energy_it_kwh"] == pytest.approx(a.kpis["energy_it_kwh"], rel=5e-3)


@pytest.mark.parametrize(
    "overrides",
    [
        {"it.thermal_time_constant_s": 0.0},
        {"it.thermal_time_constant_s": 1800.0, "simulation.step": "300s"},
        {"it.inlet_temperature_effects": False, "room.containment": "hot-aisle"},
        {"it.server_model": "energyplus", "it.curves.fan_power": "cubic", "room.supply_air_c": 27},
        {"room.supply_air_c": 30, "it.throttle_inlet_c": 31.0},
    ],
)
def test_energy_balance_closes_with_thermal_mass(overrides):
    res = dcsim.simulate(dcsim.load_scenario(scenario(**overrides)))
    assert res.kpis["energy_balance_rel_error"] < 1e-6  # DESIGN.md quality bar


def test_rack_table_and_xfactor():
    data = scenario(**{"room.supply_air_c": 27, "room.containment": "none"})
    res = dcsim.simulate(dcsim.load_scenario(data))
    racks = res.racks
    assert list(racks.columns) == ["rack", "energy_kwh", "max_inlet_c", "hours_above_recommended",
                                   "hours_above_allowable", "xfactor_failure_rate"]
    assert racks.energy_kwh.sum() == pytest.approx(res.kpis["energy_it_kwh"], rel=1e-9)
    # inlets just above 27 °C: every rack-hour is above the recommended envelope, X-factor about 1.3
    assert res.kpis["rack_hours_above_recommended"] == pytest.approx(4 * 48, rel=1e-9)
    assert 1.3 < res.kpis["xfactor_failure_rate"] < 1.42
    assert res.kpis["xfactor_failure_rate"] == pytest.approx(racks.xfactor_failure_rate.mean(), rel=1e-12)


def test_xfactor_matches_the_ashrae_table():
    """REFERENCES.md "ASHRAE": 0.72 at 15 °C, 1.00 at 20 °C, 1.76 at 45 °C (read) and the
    recalled points between; linear between points, held at the ends."""
    from dcsim.thermal.ashrae import xfactor_relative_failure_rate

    published = {15.0: 0.72, 17.5: 0.87, 20.0: 1.00, 22.5: 1.13, 25.0: 1.24, 27.5: 1.34, 30.0: 1.42, 32.5: 1.48,
                 35.0: 1.55, 37.5: 1.61, 40.0: 1.66, 42.5: 1.71, 45.0: 1.76}
    # the compiled hinge sum, reassociated under fast-math, against the table: rounding only
    for t_c, x in published.items():
        assert xfactor_relative_failure_rate(t_c) == pytest.approx(x, abs=1e-13)
    t = np.random.default_rng(5).uniform(-10.0, 70.0, 500)
    got = np.array([xfactor_relative_failure_rate(v) for v in t])
    np.testing.assert_allclose(got, np.interp(t, XFACTOR_INLET_C, list(published.values())), rtol=0, atol=1e-13)
    assert xfactor_relative_failure_rate(21.25) == pytest.approx(1.065, abs=1e-13)  # midpoint of 20 and 22.5 °C


def test_rack_heat_to_air_massless_limit():
    # no thermal mass (beta = 0): all the power leaves at once; half recirculated per unit of
    # through-flow heat capacity: T_in = T_sup + 0.5 Q / 1 kW/K
    q, t_in, t_e = rack_heat_to_air_kw(10.0, 20.0, 50.0, 0.0, 0.0, 0.0, 0.5, 1.0)
    assert q == 10.0 and t_in == 25.0


# --------------------------------------------------------------------------- power management


def test_dvfs_scales_dynamic_power_with_f_cubed():
    """f = 0.8 at demanded u = 0.5: busy 0.625, P = P_idle + (P(0.625) - P_idle) 0.8^3."""
    sc = constant(0.5, **{"it.frequency_fraction": 0.8, "it.inlet_temperature_effects": False})
    res = dcsim.simulate(sc)
    table = [66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247]  # IBM x3550 X5670, REFERENCES.md
    p_busy = float(np.interp(0.625, np.linspace(0, 1, 11), table))
    p = 66 + (p_busy - 66) * 0.8**3
    servers, hours = sc.it.racks * sc.it.servers_per_rack, sc.simulation.duration / 3600
    assert res.kpis["energy_it_kwh"] == pytest.approx(servers * p / 1000 * hours, rel=1e-9)
    assert res.kpis["it_work_shortfall_pct"] == 0.0  # 0.5 of nominal fits in 0.8
    busy = dcsim.simulate(constant(0.9, **{"it.frequency_fraction": 0.8}))
    assert busy.kpis["it_work_shortfall_pct"] == pytest.approx(100 * 0.1 / 0.9, rel=1e-9)


def test_power_cap_limits_power_and_reports_unserved_work():
    """A 200 W cap on a server that draws 211 W at 80 %: u_cap = 0.7 + (200-191)/(211-191) 0.1."""
    sc = constant(0.9, **{"it.power_cap_w": 200.0, "it.inlet_temperature_effects": False})
    res = dcsim.simulate(sc)
    servers, hours = sc.it.racks * sc.it.servers_per_rack, sc.simulation.duration / 3600
    assert res.kpis["energy_it_kwh"] == pytest.approx(servers * 0.200 * hours, rel=1e-9)
    u_cap = 0.7 + 9 / 20 * 0.1
    assert res.kpis["it_work_shortfall_pct"] == pytest.approx(100 * (0.9 - u_cap) / 0.9, rel=1e-9)
    under = dcsim.simulate(constant(0.5, **{"it.power_cap_w": 200.0, "it.inlet_temperature_effects": False}))
    assert under.kpis["it_work_shortfall_pct"] == 0.0


@pytest.mark.slow  # compiles the kernel anew, about 3 s
def test_rack_loop_compiles_to_vector_code():
    """The rack loops must vectorise: a Numba IR-inlined helper, an indexed table lookup, a
    branch around a store or Python's division error model each turned one back into scalar
    code before (4x slower, docs/architecture.md). Compiles each of dcsim.thermal.racks' loops
    afresh (the cached code cannot be inspected) and looks for SIMD double vectors in its
    optimised LLVM IR; on any machine with SIMD units LLVM emits at least <2 x double> for a
    loop's division (rack_heat_to_air_kw's in every loop)."""
    import re

    from numba import njit

    from dcsim._numeric import FASTMATH, interp_table
    from dcsim.it.ite import curves_in_effect
    from dcsim.it.server_thermal import server_terms_at_load
    from dcsim.thermal import kernels, racks

    def fresh(fn):
        return njit(cache=False, fastmath=FASTMATH, error_model="numpy")(fn.py_func)

    def vector_division(compiled, name):
        ir = "\n".join(compiled.inspect_llvm().values())
        widths = {int(w) for w in re.findall(r"fdiv [a-z ]*<(\d+) x double>", ir)}
        assert widths and max(widths) >= 2, f"{name}'s rack loop did not vectorise"

    sc = constant(0.5, **{"it.racks": 64})
    model = build_model(sc, server_curve(sc.it.server), float(sc.simulation.step))
    rk = model.rack
    state = initial_state(rk, model.hall, 0.5, 20.0, model.plant_state0)
    acc = allocate_rack_accumulators(64)
    cpu_w, fan_w, flow_coef, flow_limits, min_flow = curves_in_effect(
        rk.inlet_effects, rk.design_cpu_w, rk.design_fan_w, rk.flow_coef, rk.flow_limits, rk.min_flow_fraction)
    measured = rk.measured_fans and rk.inlet_effects
    p_table = interp_table(rk.load_points, rk.load_step, rk.power_points_w, 0.5)
    curve = (rk.idle_w, rk.max_w, rk.reference_inlet_c, rk.fan_params, cpu_w, fan_w, rk.cpu_coef, rk.cpu_limits,
             flow_coef, flow_limits, rk.fan_coef, rk.fan_limits, min_flow)
    terms = server_terms_at_load(measured, 0.5, p_table, *curve)
    common = (20.0, 0.0, 1.0, 1.0, 1.0 / 60.0, rk.servers_on, rk.extra_power_kw, rk.design_flow_m3_s, rk.recirculation,
              rk.beta_kw_per_k, rk.resistance_k_per_kw, rk.decay, state.lift_k, state.inlet_c, state.equipment_c,
              state.heat_to_air_kw, acc.energy_kwh)
    limits = (rk.throttle_inlet_c, rk.shutdown_inlet_c, rk.throttle_min_performance)
    passes = {
        "rack_pass_nominal": (0.5, p_table, terms, *common, rk.idle_w),
        "rack_pass_shared": (0.5, p_table, terms, *common, state.shutdown, rk.idle_w, *limits),
        "rack_pass_own": (0.5, rk.util_scale, state.table_power_w, measured, *curve, *common, state.shutdown, *limits),
    }
    for name, args in passes.items():
        compiled = fresh(getattr(racks, name))
        compiled(*args)
        vector_division(compiled, name)
        # the decorator the test copies must be the loop's own
        assert getattr(racks, name).targetoptions == kernels.facility_kernel.targetoptions, name
    assert kernels.facility_kernel.targetoptions.get("fastmath") == FASTMATH
    assert kernels.facility_kernel.targetoptions.get("error_model") == "numpy"

    # the thermal-safety loop too: its compares and the X-factor on vectors
    fresh_pass = fresh(racks.safety_pass)
    fresh_pass(60.0, 27.0, 32.0, state.inlet_c, acc.max_inlet_c, acc.seconds_above_recommended,
               acc.seconds_above_allowable, acc.xfactor_seconds)
    ir = "\n".join(fresh_pass.inspect_llvm().values())
    assert re.search(r"fcmp [a-z ]*<\d+ x double>", ir), "safety_pass's compares did not vectorise"
    assert re.search(r"fmul [a-z ]*<\d+ x double>", ir), "safety_pass's X-factor did not vectorise"
    assert racks.safety_pass.targetoptions == kernels.facility_kernel.targetoptions


def test_structure_from_the_iso_13790_classes():
    from dcsim.thermal.rc import structure_conductance_kw_per_k, structure_heat_capacity_kj_per_k

    # ISO 13790:2008 Table 12: medium 165,000 J/(m2 K) per floor area, A_m = 2.5 A_f
    assert structure_heat_capacity_kj_per_k(100.0, "medium") == pytest.approx(16_500.0, rel=1e-15)
    assert structure_heat_capacity_kj_per_k(100.0, "very-heavy") == pytest.approx(37_000.0, rel=1e-15)
    # air -> surfaces (3.45 W/(m2 K) x 4.5 A_f) in series with surfaces -> mass (9.1 x A_m)
    h_is, h_ms = 3.45 * 4.5 * 100.0, 9.1 * 3.0 * 100.0
    assert structure_conductance_kw_per_k(100.0, "heavy") == pytest.approx(h_is * h_ms / (h_is + h_ms) / 1000, rel=1e-14)
    assert structure_heat_capacity_kj_per_k(100.0, "none") == 0.0 == structure_conductance_kw_per_k(100.0, "none")


def test_buffer_tank_discharges_in_an_outage_and_is_charged_again():
    """Kernel level: with no plant capacity the coils still take heat while the tank has cold;
    once the plant is back its spare capacity fills the tank again; the tank's heat is stored
    heat, so facility power = heat out + stored in every step."""
    sc = constant(0.5, **{"cooling.buffer_tank_m3": 0.02})
    n = 240
    avail = np.ones(n)
    avail[10:14] = 0.0  # four minutes without plant: the tank (0.02 m3, 501 kJ) lasts about one
    model, state, out, _ = run_kernel(sc, n, 0.5, avail=avail)
    from dcsim.cooling.storage import tank_capacity_kj  # its formula: tests/test_outage.py

    assert model.hall.buffer_capacity_kj == tank_capacity_kj(0.02, 6.0)  # the build passes the loop's 6 K
    assert 3.0 < out.coil_heat_kw[9] < 12.0  # the hall's coil heat: about 8 kW
    assert out.coil_heat_kw[10] > 0.0  # the tank cools while the plant is out
    assert out.coil_heat_kw[13] < 1e-9  # ... until its cold is used up
    assert state.buffer_kj[0] == pytest.approx(model.hall.buffer_capacity_kj, rel=1e-12)  # full again
    balance = out.facility_power_kw - out.heat_out_kw - out.stored_heat_kw
    assert np.abs(balance).max() < 1e-6 * out.facility_power_kw.max()
