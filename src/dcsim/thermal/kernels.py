"""The compiled facility time loop.

One call advances steps ``[i0, i1)``: time outer, racks inner, no allocation inside the
loop. It composes the small ``@njit`` physics functions of each domain (server power with
inlet-temperature effects, rack thermal mass, recirculation, room air node, CRAH fans,
chiller, pumps, UPS), which inline. The engine calls it chunk by chunk (progress bar) or one
step at a time (event-driven workload); results do not depend on the chunking.

Per step and rack i (u = utilisation, T = temperatures, all exact for inputs held over the step):

1. server power P_i and airflow V_i from the power table at u and the rack's inlet
   temperature of the previous step (``dcsim.it.ite.server_power_at_inlet``); servers that
   are off draw ``off_w``;
2. inlet, equipment and outlet temperatures: either the rack's own recirculation share r_i
   (T_in = T_sup + g_i Q_air,i, g_i = r_i / ((1 - r_i) rho c_p V_i)) or, when a
   cross-interference matrix D (K/kW) is given, T_in = T_sup + D Q_air of the previous step
   (abstract heat-flow model, Tang et al.); the rack's thermal mass delivers
   Q_air,i = P_i - C_i dT_e/dt to the air (``dcsim.thermal.rc``);
3. room: CRAH airflow = (1 + oversupply) x the servers' net demand; the room (return) air
   node takes sum Q_air + CRAH fan heat (less a direct-to-chip loop's share) and is cooled by
   coils limited to the plant's available capacity (``room_air_step``); the supply air is at
   setpoint unless capacity is short, when it rises;
4. electrical chain (``dcsim.electrical.chain.electrical_step``, with last step's mechanical
   load): UPS, PDU and transformer losses and fixed loads; the indoor ones are heat the plant
   removes;
5. plant (``dcsim.cooling.plant.plant_step``, one compiled function for every cooling system,
   heat reuse included): it removes the coil heat, the liquid-loop heat and the indoor
   electrical heat; if it cannot remove all the coil heat, the coils are limited to what it can
   and the step is redone from the same plant state, so the heat left behind stays in the
   room air.

Energy balance per step: facility power = heat leaving the site (plant rejection, heat
reused, the outdoor transformer's loss) + d(stored)/dt (rack equipment and room air), which the
engine checks over the run.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from .._numeric import FASTMATH, interp_clamped, interp_uniform
from ..cooling.crah import fan_affinity_power_kw
from ..cooling.plant import (
    N_OUT,
    OUT_HEAT_REJECTED_KW,
    OUT_HEAT_REUSED_KW,
    OUT_PLANT_KW,
    OUT_SUPPLY_AIR_C,
    OUT_UNMET_KW,
    plant_step,
)
from ..electrical.chain import (
    E_FIXED_KW,
    E_HEAT_TO_PLANT_KW,
    E_LOSSES_KW,
    E_TRANSFORMER_LOSS_KW,
    N_ELECTRICAL_OUT,
    electrical_step,
)
from ..it.ite import (
    inlet_adjustment_given_reference_w,
    inlet_adjustment_w,
    inlet_reference_w,
    server_power_at_inlet,
)
from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3
from .rc import rack_heat_to_air_kw, room_air_step

RHO_CP_KJ_PER_M3_K = AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K / 1000.0

RackParams = namedtuple(
    "RackParams",
    [
        "servers",  # float64[R]: servers in each rack
        "servers_on",  # float64[R]: servers powered on (event-driven path updates it)
        "extra_power_kw",  # float64[R]: power beyond on-servers x P(u): transitions, standby (event path)
        "util_scale",  # float64[R]: rack utilisation relative to the hall series
        "recirculation",  # float64[R]: share of inlet air that is the rack's own exhaust
        "interference_k_per_kw",  # float64[R, R] or [0, 0]: cross-interference matrix D
        "heat_capacity_kj_per_k",  # float64[R]: equipment thermal mass of each rack
        "resistance_k_per_kw",  # float64[R]: equipment-to-air resistance of each rack
        "decay",  # float64[R]: exp(-dt/tau) of each rack's equipment node
        "load_points",  # float64[K]: server power table, load fraction 0..1
        "power_points_w",  # float64[K]: server power table at the reference inlet, W
        "load_step",  # float: table spacing if uniform, else 0
        "off_w",  # float: power of a server that is off, W
        "design_cpu_w",  # float: per server (EnergyPlus ITE design split)
        "design_fan_w",  # float: per server
        "design_flow_m3_s",  # float: per server, at flow fraction 1
        "min_flow_fraction",  # float: lowest server fan speed
        "reference_inlet_c",  # float: inlet at which the table was measured
        "cpu_coef",  # float64[6], CPU power factor curve f_P(u, T_in)
        "cpu_limits",  # float64[6]
        "flow_coef",  # float64[6], airflow factor curve f_V(u, T_in)
        "flow_limits",  # float64[6]
        "fan_coef",  # float64[4], server fan power vs flow fraction f_F
        "fan_limits",  # float64[4]
        "inlet_effects",  # bool: apply the inlet-temperature curves
        "recommended_max_c",  # float: ASHRAE recommended upper inlet limit
        "allowable_max_c",  # float: ASHRAE allowable upper limit of the class
        "xfactor_t0_c",  # float: first temperature of the X-factor table
        "xfactor_dt_k",  # float: spacing of the X-factor table
        "xfactor",  # float64[M]: relative failure rate (1 at 20 °C)
    ],
)

HallParams = namedtuple(
    "HallParams",
    [
        "crah_design_flow_m3_s",
        "crah_design_fan_kw",
        "crah_oversupply",
        "room_heat_capacity_kj_per_k",
        "cooling_capacity_kw",  # heat the coils can take at full availability
        "liquid_share",  # share of rack heat taken by a direct-to-chip loop (cooling.system = liquid)
    ],
)

StepInputs = namedtuple(
    "StepInputs",
    [
        "utilization",  # float64[n], hall utilisation series (x util_scale per rack)
        "outdoor_drybulb_c",  # float64[n]
        "supply_setpoint_c",  # float64[n]
        "cooling_availability",  # float64[n], share of the plant's capacity available (0-1)
        "outdoor_humidity_ratio",  # float64[n], kg/kg
        "outdoor_wetbulb_c",  # float64[n]
        "outdoor_pressure_pa",  # float64[n]
        "dh_demand_kw",  # float64[n], heat the district-heating network takes (0 without reuse)
    ],
)

StepOutputs = namedtuple(
    "StepOutputs",
    [
        "it_power_kw",
        "it_fan_power_kw",
        "crah_fan_power_kw",
        "facility_power_kw",
        "supply_air_c",
        "mean_inlet_c",
        "max_inlet_c",
        "return_air_c",
        "crah_airflow_m3_s",
        "heat_to_air_kw",  # what the racks gave the air (after their thermal mass)
        "liquid_heat_kw",  # what the racks gave a direct-to-chip loop
        "coil_heat_kw",  # mean heat the air handlers took out of the room air
        "unmet_cooling_kw",  # heat left in the room for lack of cooling
        "stored_heat_kw",  # rate of change of energy stored in racks and room air
        "heat_out_kw",  # heat leaving the site: plant rejection + reuse + outdoor transformer loss
        "plant",  # float64[n, N_OUT]: every plant_step output (dcsim.cooling.plant.OUT_FIELDS)
        "electrical",  # float64[n, N_ELECTRICAL_OUT]: the electrical chain (dcsim.electrical.chain)
    ],
)

ThermalState = namedtuple(
    "ThermalState",
    [
        "inlet_c",  # float64[R]: each rack's inlet temperature at the end of the last step
        "equipment_c",  # float64[R]: each rack's equipment temperature
        "heat_to_air_kw",  # float64[R]: last step's Q_air (cross-interference uses it)
        "room_c",  # float64[1]: room (return) air node
        "supply_c",  # float64[1]: supply air the coils delivered at the end of the last step
        "lift_k",  # float64[R]: scratch, cross-interference inlet lift of this step
        "power_kw",  # float64[R]: scratch, rack power of this step
        "fan_kw",  # float64[R]: scratch, server fan power of this step
        "flow_m3_s",  # float64[R]: scratch, rack airflow of this step
        "plant_state",  # float64[N_STATE]: the plant's modes and timers (dcsim.cooling.control)
        "plant_state_trial",  # float64[N_STATE]: scratch copy for a retried plant step
        "mech_kw",  # float64[1]: last step's plant + CRAH fan power (the UPS may feed it)
    ],
)

RackAccumulators = namedtuple(
    "RackAccumulators",
    [
        "energy_kwh",  # float64[R]
        "max_inlet_c",  # float64[R]
        "seconds_above_recommended",  # float64[R]
        "seconds_above_allowable",  # float64[R]
        "xfactor_seconds",  # float64[R]: integral of the X-factor over time
    ],
)


def allocate_outputs(n: int) -> StepOutputs:
    arrays = [np.zeros(n, dtype=np.float64) for _ in StepOutputs._fields[:-2]]
    return StepOutputs(*arrays, np.zeros((n, N_OUT)), np.zeros((n, N_ELECTRICAL_OUT)))


def allocate_rack_accumulators(racks: int) -> RackAccumulators:
    return RackAccumulators(np.zeros(racks), np.full(racks, -np.inf), np.zeros(racks), np.zeros(racks), np.zeros(racks))


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _rack_power(i, u, t_in, rack):
    """Power (kW), server fan power (kW) and airflow (m3/s) of rack i (Python-callable twin of
    the power pass, used for design values and the initial state)."""
    p_w, fan_w, fv = server_power_at_inlet(
        u, t_in, rack.load_points, rack.power_points_w, rack.load_step, rack.design_cpu_w, rack.design_fan_w,
        rack.reference_inlet_c, rack.cpu_coef, rack.cpu_limits, rack.flow_coef, rack.flow_limits, rack.fan_coef,
        rack.fan_limits, rack.min_flow_fraction, rack.inlet_effects,
    )
    on = rack.servers_on[i]
    off = rack.servers[i] - on
    # servers that are off move no air; a rack with every server off keeps a trickle so its
    # (tiny) heat still has somewhere to go
    power = (on * p_w + off * rack.off_w) / 1000.0 + rack.extra_power_kw[i]
    return power, on * fan_w / 1000.0, max(on, 0.01) * rack.design_flow_m3_s * fv


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _power_pass(u_hall, util_scale, servers, servers_on, extra_power_kw, inlet_c, load_points, power_points_w, load_step, off_w,
                design_cpu_w, design_fan_w, design_flow_m3_s, reference_inlet_c, cpu_coef, cpu_limits, flow_coef,
                flow_limits, fan_coef, fan_limits, min_flow_fraction, inlet_effects, power_kw, fan_kw, flow_m3_s):
    """Pass 1 over racks: server power, fan power and airflow at last step's inlet temperature.

    The branches on the table kind and on inlet effects sit outside the rack loops so each
    loop is branch-free and vectorises."""
    n = servers.shape[0]
    if load_step > 0.0:  # table power at each rack's utilisation
        for i in range(n):
            power_kw[i] = interp_uniform(load_points[0], load_step, power_points_w, min(u_hall * util_scale[i], 1.0))
    else:
        for i in range(n):
            power_kw[i] = interp_clamped(load_points, power_points_w, min(u_hall * util_scale[i], 1.0))
    shared_u = True  # every rack at the same utilisation (the trace-driven path)
    for i in range(n):
        shared_u = shared_u and util_scale[i] == util_scale[0]
    if inlet_effects and shared_u and n > 0:
        u = min(u_hall * util_scale[0], 1.0)
        cpu_ref, fan_ref = inlet_reference_w(
            u, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef, flow_limits,
            fan_coef, fan_limits, min_flow_fraction,
        )
        for i in range(n):
            delta, fan_w, fv = inlet_adjustment_given_reference_w(
                u, inlet_c[i], cpu_ref, fan_ref, design_cpu_w, design_fan_w, cpu_coef, cpu_limits, flow_coef,
                flow_limits, fan_coef, fan_limits, min_flow_fraction,
            )
            on = servers_on[i]
            power_kw[i] = (on * max(power_kw[i] + delta, 0.0) + (servers[i] - on) * off_w) * 0.001 + extra_power_kw[i]
            fan_kw[i] = on * fan_w * 0.001
            flow_m3_s[i] = max(on, 0.01) * design_flow_m3_s * fv
    elif inlet_effects:
        for i in range(n):
            u = min(u_hall * util_scale[i], 1.0)
            delta, fan_w, fv = inlet_adjustment_w(
                u, inlet_c[i], design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef,
                flow_limits, fan_coef, fan_limits, min_flow_fraction,
            )
            on = servers_on[i]
            power_kw[i] = (on * max(power_kw[i] + delta, 0.0) + (servers[i] - on) * off_w) * 0.001 + extra_power_kw[i]
            fan_kw[i] = on * fan_w * 0.001
            flow_m3_s[i] = max(on, 0.01) * design_flow_m3_s * fv
    else:
        for i in range(n):
            on = servers_on[i]
            power_kw[i] = (on * power_kw[i] + (servers[i] - on) * off_w) * 0.001 + extra_power_kw[i]
            fan_kw[i] = 0.0
            flow_m3_s[i] = max(on, 0.01) * design_flow_m3_s


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _thermal_pass(t_sup, dt_s, use_matrix, recirculation, lift_k, heat_capacity_kj_per_k, resistance_k_per_kw,
                  decay, air_share, power_kw, flow_m3_s, equipment_c, inlet_c, heat_to_air_kw):
    """Pass 2 over racks: heat leaving each rack's thermal mass (to air, and to a liquid loop
    for the share 1 - air_share), inlet and equipment temperatures (exact exponential step,
    dcsim.thermal.rc). ``heat_to_air_kw`` gets the rack's total heat output."""
    n = power_kw.shape[0]
    if use_matrix:  # inlet lift from the cross-interference matrix, computed before this pass
        for i in range(n):
            q_air, t_in, t_e = rack_heat_to_air_kw(
                power_kw[i], t_sup + lift_k[i], equipment_c[i], heat_capacity_kj_per_k[i], resistance_k_per_kw[i],
                decay[i], dt_s, 0.0,
            )
            heat_to_air_kw[i] = q_air
            inlet_c[i] = t_in
            equipment_c[i] = t_e
    else:  # the rack's own recirculated exhaust
        for i in range(n):
            r = recirculation[i]
            gain = air_share * r / ((1.0 - r) * RHO_CP_KJ_PER_M3_K * flow_m3_s[i])
            q_air, t_in, t_e = rack_heat_to_air_kw(
                power_kw[i], t_sup, equipment_c[i], heat_capacity_kj_per_k[i], resistance_k_per_kw[i], decay[i], dt_s,
                gain,
            )
            heat_to_air_kw[i] = q_air
            inlet_c[i] = t_in
            equipment_c[i] = t_e


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _hall_sums(dt_s, power_kw, fan_kw, heat_to_air_kw, flow_m3_s, recirculation, inlet_c, recommended_max_c,
               allowable_max_c, xfactor_t0_c, xfactor_dt_k, xfactor, energy_kwh, max_inlet_c,
               seconds_above_recommended, seconds_above_allowable, xfactor_seconds):
    """Pass 3 over racks: the hall totals (IT power, server fans, heat to air, net airflow,
    inlet sum and maximum), and per rack its energy, hottest inlet, time above the ASHRAE
    envelopes and X-factor-weighted time. Reassociated so the reductions vectorise."""
    h = dt_s / 3600.0
    it_kw = 0.0
    it_fan_kw = 0.0
    q_air = 0.0
    net_flow = 0.0
    inlet_sum = 0.0
    inlet_max = -1e300
    for i in range(power_kw.shape[0]):
        t_in = inlet_c[i]
        p = power_kw[i]
        it_kw += p
        it_fan_kw += fan_kw[i]
        q_air += heat_to_air_kw[i]
        net_flow += flow_m3_s[i] * (1.0 - recirculation[i])
        inlet_sum += t_in
        inlet_max = max(inlet_max, t_in)
        energy_kwh[i] += p * h
        max_inlet_c[i] = max(max_inlet_c[i], t_in)
        if t_in > recommended_max_c:
            seconds_above_recommended[i] += dt_s
        if t_in > allowable_max_c:
            seconds_above_allowable[i] += dt_s
        xfactor_seconds[i] += interp_uniform(xfactor_t0_c, xfactor_dt_k, xfactor, t_in) * dt_s
    return it_kw, it_fan_kw, q_air, net_flow, inlet_sum, inlet_max


@njit(cache=True)
def facility_kernel(i0, i1, dt_s, inputs, rack, hall, plant_code, plant, state, out, acc):
    """Advance the facility over steps i0..i1-1 (see the module docstring)."""
    n_racks = rack.servers.shape[0]
    use_matrix = rack.interference_k_per_kw.shape[0] == n_racks and n_racks > 0
    for t in range(i0, i1):
        t_set = inputs.supply_setpoint_c[t]
        t_sup = state.supply_c[0]
        if use_matrix:  # D Q of the previous step, before any rack overwrites its Q
            for i in range(n_racks):
                lift = 0.0
                for j in range(n_racks):
                    lift += rack.interference_k_per_kw[i, j] * state.heat_to_air_kw[j]
                state.lift_k[i] = lift
        _power_pass(
            inputs.utilization[t], rack.util_scale, rack.servers, rack.servers_on, rack.extra_power_kw, state.inlet_c,
            rack.load_points,
            rack.power_points_w, rack.load_step, rack.off_w, rack.design_cpu_w, rack.design_fan_w,
            rack.design_flow_m3_s, rack.reference_inlet_c, rack.cpu_coef, rack.cpu_limits, rack.flow_coef,
            rack.flow_limits, rack.fan_coef, rack.fan_limits, rack.min_flow_fraction, rack.inlet_effects,
            state.power_kw, state.fan_kw, state.flow_m3_s,
        )
        air_share = 1.0 - hall.liquid_share
        _thermal_pass(
            t_sup, dt_s, use_matrix, rack.recirculation, state.lift_k, rack.heat_capacity_kj_per_k,
            rack.resistance_k_per_kw, rack.decay, air_share, state.power_kw, state.flow_m3_s, state.equipment_c,
            state.inlet_c, state.heat_to_air_kw,
        )
        it_kw, it_fan_kw, q_air_total, net_flow, inlet_sum, inlet_max = _hall_sums(
            dt_s, state.power_kw, state.fan_kw, state.heat_to_air_kw, state.flow_m3_s, rack.recirculation, state.inlet_c,
            rack.recommended_max_c, rack.allowable_max_c, rack.xfactor_t0_c, rack.xfactor_dt_k, rack.xfactor,
            acc.energy_kwh, acc.max_inlet_c, acc.seconds_above_recommended, acc.seconds_above_allowable,
            acc.xfactor_seconds,
        )
        stored_kw = it_kw - q_air_total  # heat taken up by the rack equipment
        q_liquid = q_air_total * hall.liquid_share
        q_air = q_air_total - q_liquid

        crah_flow = net_flow * (1.0 + hall.crah_oversupply)
        fan_kw = fan_affinity_power_kw(crah_flow, hall.crah_design_flow_m3_s, hall.crah_design_fan_kw)
        heat_in = q_air + fan_kw
        capacity = hall.cooling_capacity_kw * inputs.cooling_availability[t]
        t_room0 = state.room_c[0]
        g = RHO_CP_KJ_PER_M3_K * crah_flow

        # electrical chain with last step's mechanical load (the UPS may carry the cooling):
        # its UPS/PDU losses and fixed loads are heat the plant must remove this step
        elec = out.electrical[t]
        electrical_step(it_kw, state.mech_kw[0], plant.electrical, elec)
        q_aux = elec[E_HEAT_TO_PLANT_KW]

        # room air node with the coils' capacity, then the plant for that coil heat. If the plant
        # cannot deliver the setpoint (free cooling on a warm day, a mode held by its minimum
        # time), the supply it can deliver becomes the room node's target and the step is redone
        # from the same plant state: the room then settles warmer instead of storing heat forever
        t_target = t_set
        t_room1, q_coil = room_air_step(t_room0, heat_in, crah_flow, t_target, capacity, hall.room_heat_capacity_kj_per_k, dt_s)
        po = out.plant[t]
        t_ret = 0.5 * (t_room0 + t_room1)
        for attempt in range(6):
            for k in range(state.plant_state.shape[0]):
                state.plant_state_trial[k] = state.plant_state[k]
            plant_step(plant_code, plant, state.plant_state_trial, q_coil, crah_flow, t_ret, t_target,
                       q_liquid, q_aux, inputs.outdoor_drybulb_c[t], inputs.outdoor_humidity_ratio[t],
                       inputs.outdoor_wetbulb_c[t], inputs.outdoor_pressure_pa[t], inputs.dh_demand_kw[t], dt_s, po)
            if po[OUT_UNMET_KW] <= 1e-9 * (1.0 + q_coil) or attempt == 5:
                break
            t_target = max(po[OUT_SUPPLY_AIR_C], t_target + 1e-6)
            t_room1, q_coil = room_air_step(t_room0, heat_in, crah_flow, t_target, capacity,
                                            hall.room_heat_capacity_kj_per_k, dt_s)
            t_ret = 0.5 * (t_room0 + t_room1)
        for k in range(state.plant_state.shape[0]):
            state.plant_state[k] = state.plant_state_trial[k]
        # whatever the plant still could not remove stays in the room air (counted as stored)
        residual = po[OUT_UNMET_KW]
        stored_kw += heat_in - q_coil + residual
        state.room_c[0] = t_room1
        q_end = min(capacity, g * (t_room1 - t_target))
        state.supply_c[0] = t_room1 - max(q_end, 0.0) / g
        # unmet: cooling missing to hold the setpoint: the heat that would take the supply from
        # what the plant delivered down to the setpoint, or the heat left in the room when the
        # coils ran at their capacity limit, plus anything the plant still could not remove
        unmet = residual
        if t_target > t_set:
            unmet += g * (t_target - t_set)
        elif q_coil >= capacity * (1.0 - 1e-12) - 1e-9 and heat_in > q_coil:
            unmet += heat_in - q_coil

        mech_kw = po[OUT_PLANT_KW] + fan_kw
        state.mech_kw[0] = mech_kw
        facility_kw = it_kw + mech_kw + elec[E_LOSSES_KW] + elec[E_FIXED_KW]
        # leaving the site: plant rejection and reuse (they include q_aux) + the transformer
        # loss, outdoors; CRAH fan heat is inside q_coil
        heat_out = po[OUT_HEAT_REJECTED_KW] + po[OUT_HEAT_REUSED_KW] + elec[E_TRANSFORMER_LOSS_KW]

        out.it_power_kw[t] = it_kw
        out.it_fan_power_kw[t] = it_fan_kw
        out.crah_fan_power_kw[t] = fan_kw
        out.facility_power_kw[t] = facility_kw
        out.supply_air_c[t] = t_sup
        out.mean_inlet_c[t] = inlet_sum / n_racks
        out.max_inlet_c[t] = inlet_max
        out.return_air_c[t] = t_ret
        out.crah_airflow_m3_s[t] = crah_flow
        out.heat_to_air_kw[t] = q_air
        out.liquid_heat_kw[t] = q_liquid
        out.coil_heat_kw[t] = q_coil
        out.unmet_cooling_kw[t] = unmet
        out.stored_heat_kw[t] = stored_kw
        out.heat_out_kw[t] = heat_out
