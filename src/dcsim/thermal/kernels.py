"""The compiled facility time loop (trace-driven path).

One call advances steps ``[i0, i1)``: time outer, racks inner, no allocation inside the
loop. It composes the small physics functions of each domain (server power table, air
mixing, CRAH fan, chiller, pumps, UPS), all ``@njit`` so they inline. The engine calls it
chunk by chunk (for the progress bar); results do not depend on the chunking.

Parameters are grouped in namedtuples of floats and arrays (Numba passes them as tuples);
outputs are preallocated arrays, one per quantity, written at index t.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
from numba import njit

from .._numeric import interp_clamped
from ..cooling import MODE_MECHANICAL
from ..cooling.chiller import carnot_cop, condensing_temperature_c, pump_power_kw
from ..cooling.crah import fan_affinity_power_kw
from ..electrical.ups import ups_loss_kw
from .air import air_heat_kw, air_temperature_rise_k, recirculated_inlet_c

RackParams = namedtuple(
    "RackParams",
    [
        "servers",  # float64[R]: servers in each rack
        "util_scale",  # float64[R]: rack utilisation relative to the hall mean
        "airflow_m3_s",  # float64[R]: server airflow of each rack (design, constant)
        "load_points",  # float64[K]: server power table, load fraction 0..1
        "power_points_w",  # float64[K]: server power table, W
        "recirculation",  # float: share of inlet air that is recirculated exhaust
        "recommended_max_c",  # float: ASHRAE recommended upper inlet limit
        "allowable_max_c",  # float: ASHRAE allowable upper inlet limit of the class
    ],
)

PlantParams = namedtuple(
    "PlantParams",
    [
        "crah_design_flow_m3_s",
        "crah_design_fan_kw",
        "crah_oversupply",
        "chw_supply_c",
        "chw_delta_t_k",
        "evaporator_approach_k",
        "condenser_approach_k",
        "min_condensing_c",
        "carnot_efficiency",
        "pump_pressure_rise_pa",
        "pump_efficiency",
        "ups_efficiency",
    ],
)

StepOutputs = namedtuple(
    "StepOutputs",
    [
        "it_power_kw",
        "crah_fan_power_kw",
        "chiller_power_kw",
        "pump_power_kw",
        "ups_loss_kw",
        "facility_power_kw",
        "mean_inlet_c",
        "max_inlet_c",
        "return_air_c",
        "heat_removed_kw",  # from the air side: rho c_p V (T_return - T_supply)
        "heat_rejected_kw",  # to outdoors at the condenser
        "chiller_cop",
        "cooling_mode",  # int8 codes, see dcsim.cooling.COOLING_MODES
    ],
)

RackAccumulators = namedtuple(
    "RackAccumulators",
    [
        "energy_kwh",  # float64[R]
        "max_inlet_c",  # float64[R]
        "seconds_above_recommended",  # float64[R]
        "seconds_above_allowable",  # float64[R]
    ],
)


def allocate_outputs(n: int) -> StepOutputs:
    arrays = [np.zeros(n, dtype=np.float64) for _ in StepOutputs._fields[:-1]]
    return StepOutputs(*arrays, np.zeros(n, dtype=np.int8))


def allocate_rack_accumulators(racks: int) -> RackAccumulators:
    return RackAccumulators(
        np.zeros(racks), np.full(racks, -np.inf), np.zeros(racks), np.zeros(racks)
    )


@njit(cache=True)
def facility_kernel(i0, i1, dt_s, utilization, outdoor_drybulb_c, supply_air_c, rack, plant, out, acc):
    """Advance the facility over steps i0..i1-1 (see module docstring).

    Per step: server power from the table at each rack's utilisation; rack temperature rise
    dT = P/(rho c_p V); inlet with recirculation; CRAH flow = (1 + oversupply) x net server
    air, fan power by the affinity law; return air from mixing the exhausts with the bypass;
    heat removed from the air = rho c_p V_crah (T_ret - T_sup); chilled-water load adds fan
    heat, UPS losses (UPS room cooled by the same loop) and pump heat; chiller power = load /
    COP(T_evap, T_cond(outdoor)); heat rejected = load + chiller power.
    """
    n_racks = rack.servers.shape[0]
    for t in range(i0, i1):
        u_hall = utilization[t]
        t_sup = supply_air_c[t]
        it_kw = 0.0
        net_flow = 0.0
        exhaust_flow_temp = 0.0  # sum of V_i (1 - r) T_out_i
        inlet_sum = 0.0
        inlet_max = -1e300
        r = rack.recirculation
        for i in range(n_racks):
            u = u_hall * rack.util_scale[i]
            if u > 1.0:
                u = 1.0
            p_kw = rack.servers[i] * interp_clamped(rack.load_points, rack.power_points_w, u) / 1000.0
            flow = rack.airflow_m3_s[i]
            rise = air_temperature_rise_k(p_kw, flow)
            t_in = recirculated_inlet_c(t_sup, rise, r)
            t_out = t_in + rise
            it_kw += p_kw
            net_flow += flow * (1.0 - r)
            exhaust_flow_temp += flow * (1.0 - r) * t_out
            inlet_sum += t_in
            if t_in > inlet_max:
                inlet_max = t_in
            acc.energy_kwh[i] += p_kw * dt_s / 3600.0
            if t_in > acc.max_inlet_c[i]:
                acc.max_inlet_c[i] = t_in
            if t_in > rack.recommended_max_c:
                acc.seconds_above_recommended[i] += dt_s
            if t_in > rack.allowable_max_c:
                acc.seconds_above_allowable[i] += dt_s

        crah_flow = net_flow * (1.0 + plant.crah_oversupply)
        bypass_flow = crah_flow - net_flow
        t_ret = (exhaust_flow_temp + bypass_flow * t_sup) / crah_flow
        q_air = air_heat_kw(crah_flow, t_ret - t_sup)
        fan_kw = fan_affinity_power_kw(crah_flow, plant.crah_design_flow_m3_s, plant.crah_design_fan_kw)
        ups_kw = ups_loss_kw(it_kw, plant.ups_efficiency)
        q_coil = q_air + fan_kw
        # pump heat enters the water; the pump moves the whole chilled-water flow
        q_without_pump = q_coil + ups_kw
        pump_kw = pump_power_kw(q_without_pump, plant.chw_delta_t_k, plant.pump_pressure_rise_pa, plant.pump_efficiency)
        q_chw = q_without_pump + pump_kw
        t_evap = plant.chw_supply_c - plant.evaporator_approach_k
        t_cond = condensing_temperature_c(outdoor_drybulb_c[t], plant.condenser_approach_k, plant.min_condensing_c)
        cop = carnot_cop(t_evap, t_cond, plant.carnot_efficiency)
        chiller_kw = q_chw / cop

        out.it_power_kw[t] = it_kw
        out.crah_fan_power_kw[t] = fan_kw
        out.chiller_power_kw[t] = chiller_kw
        out.pump_power_kw[t] = pump_kw
        out.ups_loss_kw[t] = ups_kw
        out.facility_power_kw[t] = it_kw + ups_kw + fan_kw + pump_kw + chiller_kw
        out.mean_inlet_c[t] = inlet_sum / n_racks
        out.max_inlet_c[t] = inlet_max
        out.return_air_c[t] = t_ret
        out.heat_removed_kw[t] = q_air
        out.heat_rejected_kw[t] = q_chw + chiller_kw
        out.chiller_cop[t] = cop
        out.cooling_mode[t] = MODE_MECHANICAL
