"""The compiled facility time loop.

One call advances steps ``[i0, i1)``: time outer, racks inner, no allocation inside the
loop. It composes the small ``@njit`` physics functions of each domain (server power with
inlet-temperature effects, rack thermal mass, recirculation, room air node, CRAH fans,
chiller, pumps, UPS), which inline. The engine calls it chunk by chunk (progress bar) or one
step at a time (event-driven workload); results do not depend on the chunking.

Per step and rack i (u = utilisation, T = temperatures, all exact for inputs held over the step):

1. server power P_i and airflow V_i from the power table at u (or, on the event-driven path,
   the mean of the rack's servers' table powers, each at its own load: ``own_table_power``)
   and the inlet the rack sees over
   the step (its last inlet moved by the change of the supply air, which the kernel iterates
   when the coils cannot hold the setpoint; ``dcsim.thermal.racks``), through the measured
   server model or the EnergyPlus curves (``dcsim.it.server_thermal.server_terms_at_load``),
   throttled above ``it.throttle_inlet_c`` and off for the share of the step after the inlet
   reached ``it.shutdown_inlet_c``, for the servers that are on, plus the rack's
   ``extra_power_kw`` (what off servers draw, transitions);
2. inlet, equipment and outlet temperatures: either the rack's own recirculation share r_i
   (T_in = T_sup + g_i Q_air,i, g_i = r_i / ((1 - r_i) rho c_p V_i)) or, when a
   cross-interference matrix D (K/kW) is given, T_in = T_sup + D Q_air of the previous step
   (abstract heat-flow model, Tang et al.); the rack's thermal mass delivers
   Q_air,i = P_i - C_i dT_e/dt to the air (``dcsim.thermal.rc``);
3. room: the air handlers move (1 + oversupply) x the servers' net demand, at least their
   minimum speed (``dcsim.cooling.crah.crah_operating_point``); the room (return) air node
   takes sum Q_air + CRAH fan heat (less a direct-to-chip loop's share), exchanges heat with the
   building structure and is cooled by coils limited to the plant's available capacity
   (``room_air_step``); the supply air is at setpoint unless capacity is short, when it rises;
4. electrical chain (``dcsim.electrical.chain.electrical_step``, with last step's mechanical
   load): UPS, PDU and transformer losses and fixed loads; the indoor ones are heat the plant
   removes;
5. plant (``dcsim.cooling.plant.plant_step_dispatched``, compiled for the system of the
   ``plant_system`` marker only: :mod:`dcsim.cooling.dispatch`; heat reuse included): it removes the coil heat, the liquid-loop heat and the indoor
   electrical heat; if it cannot remove all the coil heat, the coils are limited to what it can
   and the step is redone from the same plant state, so the heat left behind stays in the
   room air.

Energy balance per step: facility power = heat leaving the site (plant rejection, heat
reused, the outdoor transformer's loss) + d(stored)/dt (rack equipment, room air, building
structure, a chilled-water buffer tank), which the engine checks over the run.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from .._jitcache import njit

from .._numeric import FASTMATH, aligned_full, interp_table, max_value
from ..cooling.crah import crah_operating_point
from ..cooling.outputs import N_OUT, OUT_HEAT_PUMP_KW, OUT_HEAT_REJECTED_KW, OUT_HEAT_REUSED_KW, OUT_PLANT_KW, OUT_SUPPLY_AIR_C, OUT_UNMET_KW
from ..cooling.plant import plant_step_dispatched
from ..cooling.storage import tank_coil_capacity_kw, tank_flows_kw
from ..electrical.chain import (
    E_FIXED_KW,
    E_HEAT_TO_PLANT_KW,
    E_LOSSES_KW,
    E_TRANSFORMER_LOSS_KW,
    N_ELECTRICAL_OUT,
    electrical_step,
)
from ..it.ite import curves_in_effect
from ..it.server_thermal import server_terms_at_load
from .racks import (
    RHO_CP_KJ_PER_M3_K,
    rack_pass_nominal,
    rack_pass_own,
    rack_pass_shared,
    restore_racks,
    safety_pass,
    save_racks,
)
from .rc import room_air_step

RackParams = namedtuple(
    "RackParams",
    [
        "servers",  # float64[R]: servers in each rack
        "servers_on",  # float64[R]: servers powered on (event-driven path updates it)
        "extra_power_kw",  # float64[R]: power beyond on-servers x P(u): off servers, transitions (event path)
        "util_scale",  # float64[R]: rack utilisation relative to the hall series
        "own_table_power",  # bool: the event path gives each rack's table power per server (state.table_power_w)
        "recirculation",  # float64[R]: share of inlet air that is the rack's own exhaust
        "interference_k_per_kw",  # float64[R, R] or [0, 0]: cross-interference matrix D
        "heat_capacity_kj_per_k",  # float64[R]: equipment thermal mass of each rack
        "resistance_k_per_kw",  # float64[R]: equipment-to-air resistance of each rack
        "decay",  # float64[R]: exp(-dt/tau) of each rack's equipment node
        "beta_kw_per_k",  # float64[R]: C (1 - decay)/dt (dcsim.thermal.rc.rack_beta_kw_per_k)
        "load_points",  # float64[K]: server power table, load fraction 0..1
        "power_points_w",  # float64[K]: server power table at the reference inlet, W
        "load_step",  # float: table spacing if uniform, else 0
        "design_cpu_w",  # float: per server (EnergyPlus ITE design split)
        "design_fan_w",  # float: per server
        "design_flow_m3_s",  # float: per server, at flow fraction 1
        "min_flow_fraction",  # float: lowest server fan speed
        "reference_inlet_c",  # float: inlet at which the table was measured
        "cpu_coef",  # 6 floats, CPU power factor curve f_P(u, T_in) (dcsim.it.curves)
        "cpu_limits",  # 6 floats
        "flow_coef",  # 6 floats, airflow factor curve f_V(u, T_in)
        "flow_limits",  # 6 floats
        "fan_coef",  # 4 floats, server fan power vs flow fraction f_F
        "fan_limits",  # 4 floats
        "inlet_effects",  # bool: apply the inlet-temperature curves
        "measured_fans",  # bool: the measured server model (dcsim.it.server_thermal), else EnergyPlus ITE
        "fan_params",  # 8 floats: (f_idle, f_full, T_knee, rise/K, s_max, leakage/K, air share, loop supply °C)
        "idle_w",  # float: table power per server at 0 % load
        "max_w",  # float: table power per server at 100 % load
        "throttle_inlet_c",  # float: inlet above which servers throttle (and at or below which they restart)
        "shutdown_inlet_c",  # float: inlet at which servers switch off
        "throttle_min_performance",  # float: performance left at the shutdown limit
        "recommended_max_c",  # float: ASHRAE recommended upper inlet limit
        "allowable_max_c",  # float: ASHRAE allowable upper limit of the class
    ],
)

HallParams = namedtuple(
    "HallParams",
    [
        "crah_design_flow_m3_s",  # the N duty units' airflow at full speed
        "crah_design_fan_kw",  # their fan power at that flow
        "crah_oversupply",
        "crah_duty_units",  # float: N
        "crah_redundant_units",  # float: installed beyond N
        "crah_min_speed_fraction",
        "crah_staging",  # int: dcsim.cooling.crah.STAGING_*
        "room_heat_capacity_kj_per_k",
        "structure_heat_capacity_kj_per_k",  # floor slab and walls (dcsim.thermal.rc.structure_heat_capacity_kj_per_k)
        "structure_ua_kw_per_k",  # their conductance to the room air
        "buffer_capacity_kj",  # cold a chilled-water buffer tank holds (dcsim.cooling.storage), 0: none
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
        "heat_pump_min_cop",  # float64[n], COP the heat pump must beat to run (1: whenever it can; economic dispatch)
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
        "stored_heat_kw",  # rate of change of energy stored in racks, room air, structure and buffer tank
        "heat_out_kw",  # heat leaving the site: plant rejection + reuse + outdoor transformer loss
        "work_demand",  # server-equivalents of work asked for (servers on x utilisation)
        "work_not_done",  # server-equivalents of it not done: throttled or shut down servers
        "servers_throttled",  # servers running throttled
        "servers_shut_down",  # servers off at their thermal limit
        "supply_iterations",  # rack passes the step took to agree on the supply air (1: no iteration)
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
        "structure_c",  # float64[1]: the building structure's temperature
        "buffer_kj",  # float64[1]: cold left in the chilled-water buffer tank
        "supply_c",  # float64[1]: supply air the coils delivered at the end of the last step
        "lift_k",  # float64[R]: cross-interference inlet lift of this step (zero without a matrix)
        "table_power_w",  # float64[R]: each rack's table power per server at its own load (scratch, or given)
        "plant_state",  # float64[N_STATE]: the plant's modes and timers (dcsim.cooling.control)
        "plant_state_trial",  # float64[N_STATE]: scratch copy for a retried plant step
        "mech_kw",  # float64[1]: last step's plant + CRAH fan power (the UPS may feed it)
        "shutdown",  # float64[R]: 1.0 where a rack's servers are off at their thermal limit
        "saved",  # float64[5, R]: scratch, the rack state at the start of an iterated step
        "iterate",  # float64[2]: 1.0 when the supply air ended the last step off its setpoint; last heat to the coils, kW
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
    return RackAccumulators(aligned_full(racks, 0.0), aligned_full(racks, -np.inf), aligned_full(racks, 0.0),
                            aligned_full(racks, 0.0), aligned_full(racks, 0.0))


#: The supply air of a step is solved to this tolerance (K) when it is off its setpoint.
SUPPLY_TOLERANCE_K = 1e-9
#: At most this many rack passes per step; the step then keeps its last iterate.
MAX_SUPPLY_ITERATIONS = 40


@njit(cache=True, fastmath=False, error_model="numpy")
def next_supply_guess(x, f, x_prev, f_prev, lo, hi, first):
    """The next supply-air iterate of a step (°C), given the residual f = supply(x) - x at x and
    the previous pair: a fixed-point step after the first pass, then the secant, kept strictly
    inside the bracket [lo, hi] of the root (f(lo) > 0 > f(hi)) and bisecting when the secant
    leaves it. The residual falls as x rises (a warmer supply lets the racks give less heat to
    the room; throttling and shutdown only add to that), so the bracket closes on the root."""
    if first:
        cand = x + f
    elif f != f_prev:
        cand = x - f * (x - x_prev) / (f - f_prev)
    else:
        cand = x + f
    if lo < cand < hi:
        return cand
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    return x + 2.0 * f if math.isfinite(cand) else x


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def facility_kernel(i0, i1, dt_s, inputs, rack, hall, plant_system, plant, electrical, state, out, acc):
    """Advance the facility over steps i0..i1-1 (see the module docstring)."""
    n_racks = rack.servers.shape[0]
    use_matrix = rack.interference_k_per_kw.shape[0] == n_racks and n_racks > 0
    own = 0.0 if use_matrix else 1.0  # the racks' own recirculation, or a cross-interference matrix
    # every rack at the hall's utilisation (the trace-driven path)?
    shared_u = n_racks > 0 and not rack.own_table_power
    own_table_power = rack.own_table_power
    for i in range(n_racks):
        shared_u = shared_u and rack.util_scale[i] == rack.util_scale[0]
    # the rack arrays and constants, out of the tuples once per call and not every step (each
    # costs a reference count: about 0.3 us per step in all)
    servers_on = rack.servers_on
    extra_power_kw = rack.extra_power_kw
    util_scale = rack.util_scale
    recirculation = rack.recirculation
    beta_kw_per_k = rack.beta_kw_per_k
    resistance_k_per_kw = rack.resistance_k_per_kw
    decay = rack.decay
    load_points = rack.load_points
    power_points_w = rack.power_points_w
    interference_k_per_kw = rack.interference_k_per_kw
    lift_k = state.lift_k
    table_power_w = state.table_power_w
    inlet_c = state.inlet_c
    equipment_c = state.equipment_c
    heat_to_air_kw = state.heat_to_air_kw
    shutdown = state.shutdown
    saved = state.saved
    energy_kwh = acc.energy_kwh
    max_inlet_c = acc.max_inlet_c
    above_recommended = acc.seconds_above_recommended
    above_allowable = acc.seconds_above_allowable
    xfactor_seconds = acc.xfactor_seconds
    design_flow = rack.design_flow_m3_s
    recommended = rack.recommended_max_c
    allowable = rack.allowable_max_c
    load_step = rack.load_step
    reference_c = rack.reference_inlet_c
    cpu_coef = rack.cpu_coef
    cpu_limits = rack.cpu_limits
    fan_coef = rack.fan_coef
    fan_limits = rack.fan_limits
    fan_params = rack.fan_params
    idle_w = rack.idle_w
    max_w = rack.max_w
    throttle_c = rack.throttle_inlet_c
    shutdown_c = rack.shutdown_inlet_c
    min_perf = rack.throttle_min_performance
    measured = rack.measured_fans and rack.inlet_effects
    design_cpu_w, design_fan_w, flow_coef, flow_limits, min_flow = curves_in_effect(
        rack.inlet_effects, rack.design_cpu_w, rack.design_fan_w, rack.flow_coef, rack.flow_limits,
        rack.min_flow_fraction,
    )
    h = dt_s / 3600.0
    air_share = 1.0 - hall.liquid_share
    # the racks' hottest inlet and whether any is off at its thermal limit, at the start of each
    # step: they choose the rack loop (the loop without limits when no rack is near them)
    inlet_max = max_value(inlet_c)
    any_off = n_racks > 0 and max_value(shutdown) > 0.5
    for t in range(i0, i1):
        full = False
        t_set = inputs.supply_setpoint_c[t]
        supply_prev = state.supply_c[0]
        # the supply air over this step: at its setpoint unless the last step ended off it (coils
        # at their capacity, a plant that cannot reach the setpoint) or the capacity now falls
        # short of the last step's heat (an outage starts); then it is iterated, from the rack
        # state saved at the start of the step
        available = hall.cooling_capacity_kw * inputs.cooling_availability[t]
        # a buffer tank lets the coils take more than the plant has, while its cold lasts
        capacity = tank_coil_capacity_kw(hall.cooling_capacity_kw, available, state.buffer_kj[0], dt_s)
        iterate = state.iterate[0] > 0.5 or capacity < 1.05 * state.iterate[1] + 1e-9
        x = supply_prev if iterate else t_set
        if iterate:
            save_racks(saved, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, shutdown)
        if use_matrix:  # D Q of the previous step, before any rack overwrites its Q
            for i in range(n_racks):
                lift = 0.0
                for j in range(n_racks):
                    lift += interference_k_per_kw[i, j] * heat_to_air_kw[j]
                lift_k[i] = lift
        # with every rack at the hall's load (the trace-driven path) the table power and the load's
        # inlet terms (dcsim.it.server_thermal.server_terms_at_load) are computed once per step;
        # otherwise a first loop looks up each rack's table power (a gather, so apart) and the
        # main loop computes each rack's terms
        u_hall = inputs.utilization[t]
        u_shared = min(u_hall * util_scale[0], 1.0) if shared_u else 1.0
        p_table = interp_table(load_points, load_step, power_points_w, u_shared) if shared_u else 0.0
        terms = server_terms_at_load(measured, u_shared, p_table, idle_w, max_w, reference_c, fan_params,
                                     design_cpu_w, design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits,
                                     fan_coef, fan_limits, min_flow)
        if not shared_u and not own_table_power:  # racks at their own utilisation
            for i in range(n_racks):
                table_power_w[i] = interp_table(load_points, load_step, power_points_w,
                                                min(u_hall * util_scale[i], 1.0))
        x_prev = x
        f_prev = 0.0
        lo = -math.inf
        hi = math.inf
        passes = 0
        for sweep in range(MAX_SUPPLY_ITERATIONS):
            passes += 1
            dx = x - supply_prev
            # every rack over the step in one vectorising loop (dcsim.thermal.racks): at the hall's
            # load with no rack near its limits (checked on the step's start: its hottest inlet,
            # moved by the supply's change, at most the throttling limit, none off), the loop
            # without the throttling and shutdown terms; otherwise the full one, or the racks' own
            # loads. Three loops written out: LLVM did not unswitch one on these flags inside the
            # supply iteration (the shared-load case ran 3x slower)
            if shared_u and not any_off and max(inlet_max, inlet_max + dx) <= throttle_c:
                sums = rack_pass_nominal(
                    u_shared, p_table, terms, x, dx, air_share, own, h, servers_on, extra_power_kw, design_flow,
                    recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c,
                    heat_to_air_kw, energy_kwh, idle_w,
                )
            elif shared_u:
                full = True
                sums = rack_pass_shared(
                    u_shared, p_table, terms, x, dx, air_share, own, h, servers_on, extra_power_kw, design_flow,
                    recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c,
                    heat_to_air_kw, energy_kwh, shutdown, idle_w, throttle_c, shutdown_c, min_perf,
                )
            else:
                full = True
                sums = rack_pass_own(
                    u_hall, util_scale, table_power_w, measured, idle_w, max_w, reference_c, fan_params, design_cpu_w,
                    design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits, min_flow, x, dx,
                    air_share, own, h, servers_on, extra_power_kw, design_flow, recirculation, beta_kw_per_k,
                    resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, shutdown,
                    throttle_c, shutdown_c, min_perf,
                )
            it_kw, it_fan_kw, net_flow, q_air_total, inlet_sum, demand, not_done, n_throttled, n_off = sums
            stored_kw = it_kw - q_air_total  # heat taken up by the rack equipment
            q_liquid = q_air_total * hall.liquid_share
            q_air = q_air_total - q_liquid

            crah_flow, fan_kw, _ = crah_operating_point(
                net_flow * (1.0 + hall.crah_oversupply), hall.crah_design_flow_m3_s, hall.crah_design_fan_kw,
                hall.crah_duty_units, hall.crah_redundant_units, hall.crah_min_speed_fraction, hall.crah_staging,
            )
            heat_in = q_air + fan_kw
            t_room0 = state.room_c[0]
            g = RHO_CP_KJ_PER_M3_K * crah_flow

            # electrical chain with last step's mechanical load (the UPS may carry the cooling):
            # its UPS/PDU losses and fixed loads are heat the plant must remove this step
            elec = out.electrical[t]
            electrical_step(it_kw, state.mech_kw[0], electrical, elec)
            q_aux = elec[E_HEAT_TO_PLANT_KW]

            # room air node with the coils' capacity, then the plant for that coil heat. If the plant
            # cannot deliver the setpoint (free cooling on a warm day, a mode held by its minimum
            # time), the supply it can deliver becomes the room node's target and the step is redone
            # from the same plant state: the room then settles warmer instead of storing heat forever
            t_target = t_set
            t_room1, q_coil, q_structure = room_air_step(
                t_room0, heat_in, crah_flow, t_target, capacity, hall.room_heat_capacity_kj_per_k, dt_s,
                hall.structure_ua_kw_per_k, state.structure_c[0])
            po = out.plant[t]
            t_ret = 0.5 * (t_room0 + t_room1)
            charge_limit = math.inf
            for attempt in range(6):
                for k in range(state.plant_state.shape[0]):
                    state.plant_state_trial[k] = state.plant_state[k]
                # the tank takes the coil heat beyond the plant's capacity, or the plant charges it
                # with what it has to spare (never more than the plant delivered on a first try)
                discharge, charge = tank_flows_kw(q_coil, available, state.buffer_kj[0], hall.buffer_capacity_kj, dt_s)
                charge = min(charge, charge_limit)
                plant_step_dispatched(plant_system, plant, state.plant_state_trial, q_coil - discharge + charge, crah_flow,
                                      t_ret, t_target, q_liquid, q_aux, inputs.outdoor_drybulb_c[t],
                                      inputs.outdoor_humidity_ratio[t], inputs.outdoor_wetbulb_c[t],
                                      inputs.outdoor_pressure_pa[t], inputs.dh_demand_kw[t], inputs.heat_pump_min_cop[t],
                                      dt_s, po)
                if po[OUT_UNMET_KW] <= 1e-9 * (1.0 + q_coil) or attempt == 5:
                    break
                if charge > 0.0:  # the plant has less to spare than its rating (a mode's limit): charge less
                    charge_limit = max(charge - po[OUT_UNMET_KW], 0.0)
                    continue
                t_target = max(po[OUT_SUPPLY_AIR_C], t_target + 1e-6)
                t_room1, q_coil, q_structure = room_air_step(
                    t_room0, heat_in, crah_flow, t_target, capacity, hall.room_heat_capacity_kj_per_k, dt_s,
                    hall.structure_ua_kw_per_k, state.structure_c[0])
                t_ret = 0.5 * (t_room0 + t_room1)
            q_end = min(capacity, g * (t_room1 - t_target))
            supply_end = t_room1 - max(q_end, 0.0) / g
            f = supply_end - x
            if not iterate or abs(f) <= SUPPLY_TOLERANCE_K or sweep == MAX_SUPPLY_ITERATIONS - 1:
                break
            if f > 0.0:
                lo = max(lo, x)
            else:
                hi = min(hi, x)
            x_new = next_supply_guess(x, f, x_prev, f_prev, lo, hi, sweep == 0)
            x_prev = x
            f_prev = f
            x = x_new
            restore_racks(saved, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, shutdown)
        for k in range(state.plant_state.shape[0]):
            state.plant_state[k] = state.plant_state_trial[k]
        safety_pass(dt_s, recommended, allowable, inlet_c, max_inlet_c, above_recommended, above_allowable,
                     xfactor_seconds)
        inlet_max = max_value(inlet_c)
        if full:
            any_off = n_racks > 0 and max_value(shutdown) > 0.5
        # whatever the plant still could not remove (the coil took it from the air, the plant did
        # not take it from the coil) stays in the room air: it warms the room node for the next step
        # and counts as stored there. A room with no heat capacity cannot hold it: it then shows
        # in the run's energy balance instead of being booked as stored
        residual = po[OUT_UNMET_KW]
        if hall.room_heat_capacity_kj_per_k > 0.0:
            t_room1 += residual * dt_s / hall.room_heat_capacity_kj_per_k
            stored_kw += residual
        stored_kw += heat_in - q_coil + discharge - charge  # the tank warms as it discharges
        state.buffer_kj[0] += (charge - discharge) * dt_s
        state.room_c[0] = t_room1
        if hall.structure_heat_capacity_kj_per_k > 0.0:  # the structure takes the step's mean heat
            state.structure_c[0] += q_structure * dt_s / hall.structure_heat_capacity_kj_per_k
        state.supply_c[0] = supply_end
        # the next step iterates its supply if this one ended off the setpoint
        state.iterate[0] = 1.0 if abs(supply_end - t_set) > SUPPLY_TOLERANCE_K else 0.0
        state.iterate[1] = heat_in
        # unmet: cooling missing to hold the setpoint: the heat that would take the supply from
        # what the plant delivered down to the setpoint, or the heat left in the room when the
        # coils ran at their capacity limit, plus anything the plant still could not remove
        unmet = residual
        if t_target > t_set:
            unmet += g * (t_target - t_set)
        elif q_coil >= capacity * (1.0 - 1e-12) - 1e-9 and heat_in > q_coil:
            unmet += heat_in - q_coil

        # a utility-owned heat pump is outside the datacenter's boundary: its electricity is
        # not on the site's chain or meter, and the heat leaving the boundary is what its
        # evaporator takes (delivered heat less that electricity)
        hp_outside_kw = po[OUT_HEAT_PUMP_KW] * plant.heat_reuse.outside_boundary
        mech_kw = po[OUT_PLANT_KW] - hp_outside_kw + fan_kw
        state.mech_kw[0] = mech_kw
        facility_kw = it_kw + mech_kw + elec[E_LOSSES_KW] + elec[E_FIXED_KW]
        # leaving the site: plant rejection and reuse (they include q_aux) + the transformer
        # loss, outdoors; CRAH fan heat is inside q_coil
        heat_out = po[OUT_HEAT_REJECTED_KW] + po[OUT_HEAT_REUSED_KW] - hp_outside_kw + elec[E_TRANSFORMER_LOSS_KW]

        out.it_power_kw[t] = it_kw
        out.it_fan_power_kw[t] = it_fan_kw
        out.crah_fan_power_kw[t] = fan_kw
        out.facility_power_kw[t] = facility_kw
        out.supply_air_c[t] = x
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
        out.work_demand[t] = demand
        out.work_not_done[t] = not_done
        out.servers_throttled[t] = n_throttled
        out.servers_shut_down[t] = n_off
        out.supply_iterations[t] = passes
