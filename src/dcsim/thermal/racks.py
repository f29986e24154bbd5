"""The racks' part of the facility step: compiled loops over the racks of a hall.

Each loop advances every rack over one step in registers (``_rack_update`` / ``_rack_step``, inlined) and returns
the hall sums; the thermal-safety accumulators are a loop of their own (``safety_pass``). Three
rack loops, written out so each stays a simple loop LLVM vectorises:

- ``rack_pass_nominal``: every rack at the hall's load and no rack near its throttling limit
  nor off at its thermal limit (checked per pass by the kernel): ``_rack_step`` with full
  performance and nothing off, without the shutdown and throttling functions, whose results
  would be those constants (the common case: most steps of most runs);
- ``rack_pass_shared``: every rack at the hall's load, with throttling and shutdown;
- ``rack_pass_own``: racks at their own load (the event-driven path), each with its own terms.

Arrays come as arguments rather than inside the parameter tuples (taking an array out of a
tuple costs a reference count, per call).
"""

from __future__ import annotations

from .._jitcache import njit

from .._numeric import FASTMATH, interp_table
from ..it.ite import curves_in_effect, inlet_adjustment_from_terms_w
from ..it.server_thermal import server_terms_at_load, shutdown_share, throttle_performance
from ..units import AIR_CP_J_PER_KG_K, AIR_DENSITY_KG_PER_M3
from .ashrae import xfactor_relative_failure_rate
from .rc import rack_heat_to_air_kw

RHO_CP_KJ_PER_M3_K = AIR_DENSITY_KG_PER_M3 * AIR_CP_J_PER_KG_K / 1000.0


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rack_power_at_inlet(i, u, t_in, rack):
    """Power (kW), server fan power (kW) and airflow (m3/s) of rack i at load ``u`` and inlet
    ``t_in`` with every on-server running (no throttling): the power part of
    :func:`_rack_update` through the same term functions, for design values and the initial
    state."""
    design_cpu_w, design_fan_w, flow_coef, flow_limits, min_flow = curves_in_effect(
        rack.inlet_effects, rack.design_cpu_w, rack.design_fan_w, rack.flow_coef, rack.flow_limits,
        rack.min_flow_fraction,
    )
    p_table = interp_table(rack.load_points, rack.load_step, rack.power_points_w, u)
    k = server_terms_at_load(rack.measured_fans and rack.inlet_effects, u, p_table, rack.idle_w, rack.max_w,
                             rack.reference_inlet_c, rack.fan_params, design_cpu_w, design_fan_w, rack.cpu_coef,
                             rack.cpu_limits, flow_coef, flow_limits, rack.fan_coef, rack.fan_limits, min_flow)
    delta, fan_w, fv = inlet_adjustment_from_terms_w(t_in, k)
    on = rack.servers_on[i]
    # servers that are off move no air; a rack with every server off keeps a trickle so its
    # (tiny) heat still has somewhere to go
    power = on * max(p_table + delta, 0.0) / 1000.0 + rack.extra_power_kw[i]
    return power, on * fan_w / 1000.0, max(on, 0.01) * rack.design_flow_m3_s * fv


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _rack_update(i, u, p_table_w, k, t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw,
                 design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c,
                 equipment_c, heat_to_air_kw, energy_kwh, shutdown, idle_w, throttle_c, shutdown_c, min_performance):
    """One rack over one step (LLVM inlines it into the rack loops).

    The servers see the inlet ``T_est = T_in,0 + dx``: the rack's inlet at the start of the step
    moved by the change ``dx`` of the supply air over it (the supply at the end of this step, which
    the kernel iterates, minus the last step's), so the hall-level coupling of supply air, inlets
    and power is solved within the step while the rack's own recirculated lift, a weak coupling,
    keeps its last value. Shutdown with hysteresis over the step from ``T_in,0`` to ``T_est``
    (restart on the front air at its start: last supply plus lift) and throttling at ``T_est``
    (:func:`dcsim.it.server_thermal.shutdown_share`, :func:`~dcsim.it.server_thermal.throttle_performance`),
    then :func:`_rack_step` with that off share and performance. Returns what
    :func:`_rack_step` returns.
    """
    t_est = inlet_c[i] + dx
    off, off_end = shutdown_share(shutdown[i], inlet_c[i], t_est, t_supply_c - dx + lift_k[i], shutdown_c,
                                  throttle_c)
    shutdown[i] = off_end
    perf = throttle_performance(t_est, throttle_c, shutdown_c, min_performance)
    return _rack_step(i, u, p_table_w, k, t_est, t_supply_c, off, perf, air_share, own_recirculation, h, servers_on,
                      extra_power_kw, design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay,
                      lift_k, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, idle_w)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _rack_step(i, u, p_table_w, k, t_est, t_supply_c, off, perf, air_share, own_recirculation, h, servers_on,
               extra_power_kw, design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k,
               inlet_c, equipment_c, heat_to_air_kw, energy_kwh, idle_w):
    """The rack's physics over one step at inlet ``t_est`` with the share ``off`` of its servers
    off at their thermal limit and the performance ``perf`` the others keep (the dynamic power
    above idle ``idle_w`` scales with it): server power, fan power and airflow (table power
    ``p_table_w`` at the rack's load ``u`` plus the inlet terms ``k`` of that load,
    :func:`dcsim.it.ite.inlet_adjustment_from_terms_w`); then the heat the rack's thermal mass
    delivers and its new inlet and equipment temperatures (:func:`dcsim.thermal.rc.rack_heat_to_air_kw`)
    with the cross-interference lift ``lift_k`` (zero without a matrix) and, when
    ``own_recirculation`` is 1.0 (0.0 with a matrix), the rack's own recirculated exhaust; and the
    rack's energy. Returns (power_kw, server_fan_kw, net_flow_m3_s, Q_kw, T_in_c, work_demand,
    work_not_done, servers_throttled, servers_shut_down), work in server-equivalents.

    Branch-free so the loops vectorise; arrays come as arguments rather than inside the
    parameter tuples (taking an array out of a tuple inside the loop costs a reference count).
    """
    delta, fan_w, fv = inlet_adjustment_from_terms_w(t_est, k)
    on = servers_on[i]
    running = on * (1.0 - off)
    server_w = max(p_table_w + delta, 0.0) - (1.0 - perf) * max(p_table_w - idle_w, 0.0)
    power = running * server_w * 0.001 + extra_power_kw[i]
    # servers that are off move no air; a rack with every server off keeps a trickle so its
    # (tiny) heat still has somewhere to go
    flow = max(running, 0.01) * design_flow_m3_s * fv
    r = recirculation[i]
    # share r of the inlet is the rack's exhaust, warmed by the air's share of Q; with a matrix
    # the lift replaces it (recirculated share 0, through-flow 1 kW/K: any positive value);
    # off servers recirculate none
    q, t_in, t_e = rack_heat_to_air_kw(
        power, t_supply_c + lift_k[i], equipment_c[i], beta_kw_per_k[i], resistance_k_per_kw[i], decay[i],
        own_recirculation * air_share * r * (1.0 - off),
        own_recirculation * (1.0 - r) * RHO_CP_KJ_PER_M3_K * flow + (1.0 - own_recirculation),
    )
    heat_to_air_kw[i] = q
    inlet_c[i] = t_in
    equipment_c[i] = t_e
    energy_kwh[i] += power * h
    demand = on * u
    return (power, running * fan_w * 0.001, flow * (1.0 - r), q, t_in, demand, demand * (1.0 - (1.0 - off) * perf),
            running if perf < 1.0 else 0.0, on * off)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rack_pass_nominal(u, p_table_w, k, t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw,
                      design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c,
                      equipment_c, heat_to_air_kw, energy_kwh, idle_w):
    """Every rack at the hall's load ``u`` (table power ``p_table_w``, terms ``k``), none off and
    none throttled (the kernel checked the step's hottest inlet against the throttling limit):
    :func:`_rack_step` with off share 0 and full performance, without the shutdown and
    throttling functions and the shutdown state. Returns the hall sums (IT kW, server fan kW,
    net airflow m3/s, heat to air kW, sum of inlets, work asked for, work not done, servers
    throttled, servers shut down); the last three are 0."""
    it_kw = it_fan_kw = net_flow = q_air = inlet_sum = demand = 0.0
    for i in range(servers_on.shape[0]):
        p_r, f_r, v_r, q_r, t_r, d_r, _, _, _ = _rack_step(
            i, u, p_table_w, k, inlet_c[i] + dx, t_supply_c, 0.0, 1.0, air_share, own_recirculation, h, servers_on,
            extra_power_kw, design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k,
            inlet_c, equipment_c, heat_to_air_kw, energy_kwh, idle_w,
        )
        it_kw += p_r
        it_fan_kw += f_r
        net_flow += v_r
        q_air += q_r
        inlet_sum += t_r
        demand += d_r
    return it_kw, it_fan_kw, net_flow, q_air, inlet_sum, demand, 0.0, 0.0, 0.0


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rack_pass_shared(u, p_table_w, k, t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw,
                     design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c,
                     equipment_c, heat_to_air_kw, energy_kwh, shutdown, idle_w, throttle_c, shutdown_c,
                     min_performance):
    """Every rack at the hall's load ``u`` with throttling and shutdown (:func:`_rack_update`).
    Returns the hall sums of :func:`rack_pass_nominal`."""
    it_kw = it_fan_kw = net_flow = q_air = inlet_sum = demand = not_done = n_throttled = n_off = 0.0
    for i in range(servers_on.shape[0]):
        p_r, f_r, v_r, q_r, t_r, d_r, l_r, th_r, off_r = _rack_update(
            i, u, p_table_w, k, t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw,
            design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c,
            heat_to_air_kw, energy_kwh, shutdown, idle_w, throttle_c, shutdown_c, min_performance,
        )
        it_kw += p_r
        it_fan_kw += f_r
        net_flow += v_r
        q_air += q_r
        inlet_sum += t_r
        demand += d_r
        not_done += l_r
        n_throttled += th_r
        n_off += off_r
    return it_kw, it_fan_kw, net_flow, q_air, inlet_sum, demand, not_done, n_throttled, n_off


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rack_pass_own(u_hall, util_scale, table_power_w, measured, idle_w, max_w, reference_c, fan_params, design_cpu_w,
                  design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits, min_flow,
                  t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw, design_flow_m3_s,
                  recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c,
                  heat_to_air_kw, energy_kwh, shutdown, throttle_c, shutdown_c, min_performance):
    """Racks at their own load ``u_hall`` x ``util_scale`` (table power ``table_power_w``),
    each with the terms of its load (:func:`dcsim.it.server_thermal.server_terms_at_load`).
    Returns the hall sums of :func:`rack_pass_nominal`."""
    it_kw = it_fan_kw = net_flow = q_air = inlet_sum = demand = not_done = n_throttled = n_off = 0.0
    for i in range(servers_on.shape[0]):
        u_i = min(u_hall * util_scale[i], 1.0)
        p_i = table_power_w[i]
        k_i = server_terms_at_load(measured, u_i, p_i, idle_w, max_w, reference_c, fan_params, design_cpu_w,
                                   design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits,
                                   min_flow)
        p_r, f_r, v_r, q_r, t_r, d_r, l_r, th_r, off_r = _rack_update(
            i, u_i, p_i, k_i, t_supply_c, dx, air_share, own_recirculation, h, servers_on, extra_power_kw,
            design_flow_m3_s, recirculation, beta_kw_per_k, resistance_k_per_kw, decay, lift_k, inlet_c, equipment_c,
            heat_to_air_kw, energy_kwh, shutdown, idle_w, throttle_c, shutdown_c, min_performance,
        )
        it_kw += p_r
        it_fan_kw += f_r
        net_flow += v_r
        q_air += q_r
        inlet_sum += t_r
        demand += d_r
        not_done += l_r
        n_throttled += th_r
        n_off += off_r
    return it_kw, it_fan_kw, net_flow, q_air, inlet_sum, demand, not_done, n_throttled, n_off


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def safety_pass(dt_s, recommended_max_c, allowable_max_c, inlet_c, max_inlet_c, seconds_above_recommended,
                 seconds_above_allowable, xfactor_seconds):
    """The racks' thermal-safety accumulators after a step that ended at inlets ``inlet_c``:
    highest inlet, time above the recommended and the allowable limit, and the X-factor
    integral (:func:`dcsim.thermal.ashrae.xfactor_relative_failure_rate` x dt).

    A loop apart from the rack update: together, the X-factor's constants and the curve terms
    did not fit the vector registers, and the spilled ones reloaded for every 8 racks made the
    loop 10-15 % slower. Selects, not branches around a store, so it vectorises.
    """
    for i in range(inlet_c.shape[0]):
        t_in = inlet_c[i]
        max_inlet_c[i] = max(max_inlet_c[i], t_in)
        seconds_above_recommended[i] += dt_s if t_in > recommended_max_c else 0.0
        seconds_above_allowable[i] += dt_s if t_in > allowable_max_c else 0.0
        xfactor_seconds[i] += dt_s * xfactor_relative_failure_rate(t_in)




@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def save_racks(saved, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, shutdown):
    for i in range(inlet_c.shape[0]):
        saved[0, i] = inlet_c[i]
        saved[1, i] = equipment_c[i]
        saved[2, i] = heat_to_air_kw[i]
        saved[3, i] = energy_kwh[i]
        saved[4, i] = shutdown[i]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def restore_racks(saved, inlet_c, equipment_c, heat_to_air_kw, energy_kwh, shutdown):
    for i in range(inlet_c.shape[0]):
        inlet_c[i] = saved[0, i]
        equipment_c[i] = saved[1, i]
        heat_to_air_kw[i] = saved[2, i]
        energy_kwh[i] = saved[3, i]
        shutdown[i] = saved[4, i]
