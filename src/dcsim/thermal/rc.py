"""Lumped thermal masses integrated exactly over a time step.

Two nodes exist in the white space: each rack's equipment (servers, heat sinks, chassis) and
the room air (the hot side of the hall that the air handlers draw from). Both obey
C dT/dt = (gain) - (loss linear in T); with inputs held constant over a step the solution is
the exponential T(t + dt) = T_inf + (T - T_inf) exp(-dt/tau) (REFERENCES.md "Air side",
thermal mass after Erden, Khalifa & Schmidt 2013). Energy is conserved exactly: what a node
delivers over the step is its input minus C (T_end - T_start).
"""

from __future__ import annotations

import math

from numba import njit

from .._numeric import FASTMATH
from .air import air_heat_kw


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rc_step_c(t_c: float, t_inf_c: float, decay: float) -> float:
    """Exact RC step: T(t+dt) = T_inf + (T - T_inf) a, with a = exp(-dt/tau), °C."""
    return t_inf_c + (t_c - t_inf_c) * decay


def rc_decay(dt_s: float, tau_s: float) -> float:
    """a = exp(-dt/tau); 0 for a massless node (tau = 0)."""
    return math.exp(-dt_s / tau_s) if tau_s > 0 else 0.0


def rack_beta_kw_per_k(heat_capacity_kj_per_k, decay, dt_s):
    """beta = C (1 - a) / dt (kW/K): what a rack's equipment node gives up over one step per
    kelvin of its initial excess temperature (see :func:`rack_heat_to_air_kw`). ``decay`` is
    a = exp(-dt/tau) for the same ``dt_s``; scalars or arrays."""
    return heat_capacity_kj_per_k * (1.0 - decay) / dt_s


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rack_heat_to_air_kw(power_kw, t_supply_c, t_equipment_c, beta_kw_per_k, resistance_k_per_kw, decay,
                        recirculated_share, through_flow_kw_per_k):
    """Mean heat a rack delivers over one step, with its equipment thermal mass and its own
    recirculated exhaust. Returns (Q_kw, T_in_c, T_e1_c).

    Equipment node: C dT_e/dt = P - (T_e - T_in)/R, exact over the step with T_in and P held:
    T_e1 = T_in + P R + (T_e0 - T_in - P R) a, a = exp(-dt/tau) (``decay``). Heat delivered
    Q = P - C (T_e1 - T_e0)/dt = P - beta (T_in + P R - T_e0), beta = C (1 - a)/dt
    (:func:`rack_beta_kw_per_k`). The inlet mixes supply air with the rack's own exhaust:
    T_in = T_sup + s Q / G, with s = ``recirculated_share`` (the recirculated fraction r times
    the share of Q that goes to air) and G = ``through_flow_kw_per_k`` = (1 - r) rho c_p V, the
    supply air passing through (the EnergyPlus per-rack form T_in = (1 - r) T_sup + r T_out,
    REFERENCES.md "Air side"). Solving the
    two linear equations, with num = P - beta (T_sup + P R - T_e0):

        Q = num G / (G + beta s),   T_in = T_sup + s num / (G + beta s)

    One division, no branch: rack loops vectorise. s = 0 is no recirculation (T_in = T_sup);
    a massless rack has beta = 0 (Q = P).
    """
    num = power_kw - beta_kw_per_k * (t_supply_c + power_kw * resistance_k_per_kw - t_equipment_c)
    inv = 1.0 / (through_flow_kw_per_k + beta_kw_per_k * recirculated_share)
    q = num * through_flow_kw_per_k * inv
    t_in = t_supply_c + recirculated_share * num * inv
    t_e1 = rc_step_c(t_equipment_c, t_in + power_kw * resistance_k_per_kw, decay)
    return q, t_in, t_e1


@njit(cache=True, fastmath=False, error_model="numpy")
def room_air_step(t_room_c, heat_in_kw, flow_m3_s, t_set_c, capacity_kw, heat_capacity_kj_per_k, dt_s):
    """Room (return) air node cooled by air handlers of limited capacity, exact over one step.

    C dT/dt = Q_in - Q_coil with Q_coil = min(Q_cap, max(rho c_p V (T - T_set), 0)): below the
    capacity limit the coil holds the supply at its setpoint and T relaxes exponentially to
    T_eq = T_set + Q_in/(rho c_p V) with tau = C/(rho c_p V); at the limit the coil removes
    Q_cap and T moves linearly at (Q_in - Q_cap)/C; a room colder than the setpoint (the target
    a plant could deliver lies above it, as after an outage with every server off) gets no
    cooling, since a cooling coil does not heat, and warms linearly at Q_in/C. The switches
    between the regimes inside a step are found exactly. Returns (T_end_c, mean coil heat over
    the step in kW). A massless room (C = 0) is in equilibrium every step.
    """
    g = air_heat_kw(flow_m3_s, 1.0)  # rho c_p V, kW/K
    t_sat = t_set_c + capacity_kw / g  # the coil is saturated above this room temperature
    t_eq = t_set_c + heat_in_kw / g
    if heat_capacity_kj_per_k <= 0.0:
        if t_eq <= t_sat:
            return t_eq, heat_in_kw
        # no storage and not enough capacity: the room cannot reach a steady state
        return t_sat, capacity_kw
    c = heat_capacity_kj_per_k
    tau = c / g
    t = t_room_c
    remaining = dt_s
    # at most three regimes in one step (off -> unsaturated -> saturated, or the reverse):
    # advance to the next boundary or to the end of the step
    for _ in range(4):
        if remaining <= 0.0:
            break
        if t < t_set_c or (t == t_set_c and heat_in_kw < 0.0):
            # coil off: linear at Q_in / C, up to the setpoint
            t_cross = (t_set_c - t) * c / heat_in_kw if heat_in_kw > 0.0 else math.inf
            if t_cross >= remaining:
                t = t + heat_in_kw / c * remaining
                remaining = 0.0
            else:
                remaining -= t_cross
                t = t_set_c
        elif t < t_sat or (t == t_sat and t_eq <= t_sat):
            # unsaturated: exponential towards t_eq, until t_sat (t_eq above it) or the setpoint
            # (t_eq below it, heat flowing out of the room) is crossed
            bound = t_sat if t_eq > t_sat else (t_set_c if t_eq < t_set_c else t_eq)
            t_cross = tau * math.log((t_eq - t) / (t_eq - bound)) if bound != t_eq else math.inf
            if t_cross >= remaining:
                t = t_eq + (t - t_eq) * math.exp(-remaining / tau)
                remaining = 0.0
            else:
                remaining -= t_cross
                t = bound
        else:
            # saturated: linear at (Q_in - Q_cap) / C, until the temperature falls back to t_sat
            rate = (heat_in_kw - capacity_kw) / c
            t_cross = (t_sat - t) / rate if rate < 0.0 else math.inf
            if t_cross >= remaining:
                t = t + rate * remaining
                remaining = 0.0
            else:
                remaining -= t_cross
                t = t_sat
    q_coil = heat_in_kw - c * (t - t_room_c) / dt_s
    return t, q_coil
