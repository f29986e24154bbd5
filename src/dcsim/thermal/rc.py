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

from .._jitcache import njit

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
def _relaxed_c(t, a, b, dt):
    """T after ``dt`` of dT/dt = a - b T (b >= 0): exponential towards a/b, or linear."""
    if b > 0.0:
        t_inf = a / b
        return t_inf + (t - t_inf) * math.exp(-b * dt)
    return t + a * dt


@njit(cache=True, fastmath=False, error_model="numpy")
def _time_to_c(t, a, b, bound):
    """Time dT/dt = a - b T takes from ``t`` to ``bound``; inf if it never gets there."""
    if b > 0.0:
        t_inf = a / b
        if (bound - t) * (t_inf - t) > 0.0 and abs(bound - t) < abs(t_inf - t):
            return math.log((t - t_inf) / (bound - t_inf)) / b
        return math.inf
    if a != 0.0 and (bound - t) / a > 0.0:
        return (bound - t) / a
    return math.inf


@njit(cache=True, fastmath=False, error_model="numpy")
def _integral_c(t, a, b, dt):
    """Integral of T over ``dt`` of dT/dt = a - b T from ``t``, K s."""
    if b > 0.0:
        t_inf = a / b
        return t_inf * dt + (t - t_inf) * (1.0 - math.exp(-b * dt)) / b
    return t * dt + 0.5 * a * dt * dt


@njit(cache=True, fastmath=False, error_model="numpy")
def room_air_step(t_room_c, heat_in_kw, flow_m3_s, t_set_c, capacity_kw, heat_capacity_kj_per_k, dt_s,
                  structure_ua_kw_per_k, t_structure_c):
    """Room (return) air node cooled by air handlers of limited capacity and exchanging heat with
    the building structure, exact over one step. Returns (T_end_c, mean coil heat, mean heat into
    the structure), kW.

    C dT/dt = Q_in - Q_coil(T) - H (T - T_s), Q_coil = min(Q_cap, max(rho c_p V (T - T_set), 0)),
    with the structure (floor slab, walls: :func:`structure_conductance_kw_per_k`) at T_s, held
    over the step (its heat capacity is some 20 times the air's; the caller moves it by the mean
    heat it took). In each regime the equation is dT/dt = a - b T, so T relaxes exponentially
    (or moves linearly when b = 0) towards its equilibrium:

    - coils at work (T_set <= T <= T_sat = T_set + Q_cap/(rho c_p V)): the supply is at its
      setpoint, b = (rho c_p V + H)/C, equilibrium (Q_in + rho c_p V T_set + H T_s)/(rho c_p V + H);
    - coils at their capacity (T > T_sat): b = H/C, Q_coil = Q_cap;
    - a room colder than the setpoint (the target a plant could deliver lies above it, as after an
      outage with every server off) gets no cooling, since a cooling coil does not heat: b = H/C.

    The switches between the regimes inside a step are found exactly (at most three segments).
    The mean structure heat is H (mean T - T_s) over the step's exact T(t), the mean coil heat
    what closes the air node's balance, so energy is conserved to round-off. H = 0 is the room air
    alone; a massless room (C = 0) is in equilibrium every step.
    """
    g = air_heat_kw(flow_m3_s, 1.0)  # rho c_p V, kW/K
    h = structure_ua_kw_per_k
    t_sat = t_set_c + capacity_kw / g  # the coil is saturated above this room temperature
    if heat_capacity_kj_per_k <= 0.0:
        t = (heat_in_kw + g * t_set_c + h * t_structure_c) / (g + h)
        if t > t_sat:
            if h <= 0.0:  # no storage and not enough capacity: the room cannot reach a steady state
                return t_sat, capacity_kw, 0.0
            t = t_structure_c + (heat_in_kw - capacity_kw) / h
        elif t < t_set_c:
            t = t_structure_c + heat_in_kw / h if h > 0.0 else t_set_c
        q_s = h * (t - t_structure_c)
        return t, heat_in_kw - q_s, q_s
    c = heat_capacity_kj_per_k
    # dT/dt = a - b T in each regime
    a_off = (heat_in_kw + h * t_structure_c) / c
    b_off = h / c
    a_on = (heat_in_kw + g * t_set_c + h * t_structure_c) / c
    b_on = (g + h) / c
    a_sat = (heat_in_kw - capacity_kw + h * t_structure_c) / c
    t = t_room_c
    remaining = dt_s
    area = 0.0  # integral of T over the step, K s
    for _ in range(4):
        if remaining <= 0.0:
            break
        if t > t_sat or (t == t_sat and a_sat - b_off * t > 0.0):
            a, b, lower, upper = a_sat, b_off, t_sat, math.inf
        elif t < t_set_c or (t == t_set_c and a_on - b_on * t < 0.0):
            a, b, lower, upper = a_off, b_off, -math.inf, t_set_c
        else:
            a, b, lower, upper = a_on, b_on, t_set_c, t_sat
        rising = a - b * t > 0.0
        bound = upper if rising else lower
        seg = _time_to_c(t, a, b, bound) if math.isfinite(bound) else math.inf
        if seg >= remaining:
            area += _integral_c(t, a, b, remaining)
            t = _relaxed_c(t, a, b, remaining)
            remaining = 0.0
        else:
            area += _integral_c(t, a, b, seg)
            remaining -= seg
            t = bound
    q_s = h * (area / dt_s - t_structure_c)
    q_coil = heat_in_kw - q_s - c * (t - t_room_c) / dt_s
    return t, q_coil, q_s


def structure_heat_capacity_kj_per_k(floor_area_m2: float, construction: str) -> float:
    """Internal heat capacity of the building structure, kJ/K: C_m = kappa_m A_f with the
    ISO 13790:2008 (12.3.1.2, Table 12) class values per floor area, J/(m2 K): very light 80,000,
    light 110,000, medium 165,000, heavy 260,000, very heavy 370,000 (0 for "none")."""
    return STRUCTURE_CLASSES[construction][0] * floor_area_m2 / 1000.0


def structure_conductance_kw_per_k(floor_area_m2: float, construction: str) -> float:
    """Conductance between room air and structure, kW/K: ISO 13790's 5R1C path air -> surfaces
    -> mass in series, H_is = h_is A_t (h_is = 3.45 W/(m2 K), A_t = 4.5 A_f) and
    H_ms = h_ms A_m (h_ms = 9.1 W/(m2 K), A_m = 2.5 A_f for the lighter classes, 3.0 heavy,
    3.5 very heavy; ISO 13790:2008 7.2.2, 12.2.2, Table 12); 0 for "none". A windowless hall:
    the surface node's other links (windows, solar gains) are left out."""
    factor = STRUCTURE_CLASSES[construction][1]
    if factor <= 0.0:
        return 0.0
    h_is = 3.45 * 4.5 * floor_area_m2
    h_ms = 9.1 * factor * floor_area_m2
    return 1.0 / (1.0 / h_is + 1.0 / h_ms) / 1000.0


#: ISO 13790:2008 Table 12: (kappa_m per floor area J/(m2 K), A_m / A_f) by construction class
STRUCTURE_CLASSES = {
    "none": (0.0, 0.0),
    "very-light": (80_000.0, 2.5),
    "light": (110_000.0, 2.5),
    "medium": (165_000.0, 2.5),
    "heavy": (260_000.0, 3.0),
    "very-heavy": (370_000.0, 3.5),
}
