"""How servers respond to their inlet temperature, from measured servers: fans and leakage (the
default server model, ``it.server_model = "measured"``), throttling and thermal shutdown.

A server's power table (SPECpower or idle/max) is measured at one inlet temperature, the
reference ``T_ref`` (``it.reference_inlet_c``), fans included. What another inlet changes:

- **Fan speed** (relative to the speed at full load and ``T_ref``): flat below a knee inlet
  temperature ``T_k``, where the fans hold their load-dependent speed, then rising linearly as
  the fans hold the components' temperatures, up to the fans' maximum:

      s(u, T) = min(s_ref(u) (1 + k max(T - T_k, 0)) / (1 + k max(T_ref - T_k, 0)), s_max)

  The speed at the reference inlet follows the fans' power at idle and at full load,
  P_fan,ref(u) = (1 - u) f_idle P(0) + u f_full P(1), by the affinity law:
  s_ref(u) = (P_fan,ref(u) / P_fan,ref(1))^(1/3).
- **Fan power** by the cube of speed (affinity law): P_fan = P_fan,ref(1) s^3.
- **Airflow** in proportion to speed: V = V_design s, V_design at full load and ``T_ref``.
- **Leakage**: below the knee the fans do not speed up, so the chips warm with the inlet and
  their leakage rises: the non-fan power grows by a share ``c`` per K of min(T, T_k) above
  T_ref; above the knee the fans hold the chips' temperature and the leakage with it.

P(u, T) = P_table(u) + [P_fan(u, T) - P_fan,ref(u)] + c P_nonfan(u) [min(T, T_k) - min(T_ref, T_k)]

with P_nonfan(u) = P_table(u) - P_fan,ref(u).

**Liquid-cooled servers** (direct-to-chip; a share ``a`` of the heat stays in the air): the fans
move only the residual air, s scaled by ``a`` (airflow in proportion to the air-side heat at the
same temperature rise) and fan power by a^3 (kept above the lowest fan speed); the cold plates
hold the chips at the coolant, so the leakage follows the coolant supply ``T_loop`` for the
liquid-cooled share (1 - a) of the non-fan power and the inlet air for the rest.

Defaults (sources):

- ``f_idle`` = 0.16 and ``f_full`` = 0.11: fans' share of server power idle and active, measured
  on Intel server platforms (R. Steinbrecher, Intel, "Server cooling design optimization for low
  power consumption", Intel Developer Forum 2009, as reported at
  https://www.greenm3.com/gdcblog/2009/9/22/intel-thermal-architects-discusses-server-fan-power-and-heat.html).
- ``T_k`` = 27 °C: the upper end of ASHRAE's recommended inlet range, which servers are designed
  to hold at their idle fan speed, and the sweet spot of 25-27 °C found in two colocation sites
  (V. Coroamă et al., 2025, https://www.arxiv.org/abs/2509.26163; REFERENCES.md "Field
  measurements").
- ``k`` = 0.0183 per K: fitted (least squares, with T_k = 27 °C and the fans at the idle share
  0.16) to the lab measurement of a lightly loaded Dell R410 from 27 to 37 °C inlet: +1 % at
  29 °C, +3 % at 31 °C, +5 % at 33 °C, +8 % at 35 °C, +12 % at 37 °C (GRC,
  http://info.grcooling.com/topic/temperature; REFERENCES.md). The model reproduces that table
  to within 1.35 percentage points (tests/test_server_thermal.py).
- ``s_max`` = 1.6: the fans' top speed relative to their speed at full load and 22.5 °C inlet
  (assumption, not read from a source: server fans at a normal inlet run at about 55-65 % of
  their top speed); fan power at most 1.6^3 = 4.1 times its full-load reference value.
- ``c`` = 0.0015684 per K: the inlet slope of the OpenStudio ITE CPU power curve (REFERENCES.md
  "IT equipment", about +0.16 % of CPU power per K): the one published per-kelvin CPU figure at
  hand, used here for leakage only (it carries no fan term).

With these the hall-wide server power at 50 % load rises about 0.38 % per K of supply air
between 23 and 30 °C for the default server (field: 0.35-0.5 %/K, Coroamă et al. 2025).

The model writes its curves in the form of the EnergyPlus ITE model's (:class:`dcsim.it.ite.CurveTerms`,
clamped polynomials in the inlet temperature), so the facility kernel evaluates both models
through the one function :func:`dcsim.it.ite.ite_power_from_terms_w`; with
``it.server_model = "energyplus"`` it uses the EnergyPlus ITE curves (:mod:`dcsim.it.ite`) instead
(:func:`server_terms_at_load` chooses).

**Throttling and shutdown** (both models): above ``it.throttle_inlet_c`` a server slows down to
protect its components: its performance falls linearly from 1 to ``it.throttle_min_performance``
at ``it.shutdown_inlet_c``, and its dynamic power (above idle) with it; at ``it.shutdown_inlet_c``
it switches off and comes back when its inlet is down at the throttling limit again. The work
not done is reported. Defaults: throttling from 35 °C, the upper allowable limit of ASHRAE class
A2, up to which an A2 server must run at full performance (ASHRAE TC 9.9 Thermal Guidelines,
5th ed.); shutdown at 45 °C, the upper allowable limit of class A4, the highest any class
allows (a server's own thermal trip lies about there; recalled, not read from a datasheet);
performance 0.5 at the shutdown limit (assumption).
"""

from __future__ import annotations

import math

from .._jitcache import njit

from .._numeric import FASTMATH
from .ite import CurveTerms, InletTerms, inlet_terms_at_load, ite_power_from_terms_w

#: Fans' share of server power at idle and at full load (Steinbrecher, Intel IDF 2009).
FAN_SHARE_IDLE = 0.16
FAN_SHARE_FULL_LOAD = 0.11
#: Inlet temperature above which server fans speed up, °C (ASHRAE recommended upper limit;
#: Coroamă et al. 2025 sweet spot 25-27 °C).
FAN_KNEE_INLET_C = 27.0
#: Fan speed rise per K above the knee, share of the speed at the knee (fitted to GRC's R410 test).
FAN_SPEED_RISE_PER_K = 0.0183
#: Top fan speed over the speed at full load and the reference inlet (assumption).
FAN_MAX_SPEED = 1.6
#: Leakage: rise of the non-fan power per K of chip temperature (OpenStudio CPU curve slope).
LEAKAGE_PER_K = 0.0015684

_INF = math.inf


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def fan_reference_power_w(u, idle_w, max_w, share_idle, share_full):
    """Server fan power at load ``u`` and the reference inlet, W:
    P_fan,ref(u) = (1 - u) f_idle P(0) + u f_full P(1) (module docstring)."""
    return (1.0 - u) * share_idle * idle_w + u * share_full * max_w


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def measured_terms_at_load(u, table_w, idle_w, max_w, reference_inlet_c, share_idle, share_full, knee_c,
                           rise_per_k, max_speed, leakage_per_k, air_share, loop_supply_c, min_flow_fraction):
    """The measured server model at load ``u`` (table power ``table_w``, W, idle and full-load
    table power ``idle_w``, ``max_w``) as an :class:`~dcsim.it.ite.InletTerms`: the
    :class:`~dcsim.it.ite.CurveTerms` of the module docstring's equations and, as the reference
    power, the table power itself (the air-cooled server at the reference inlet).

    - CPU (non-fan) power factor: 1 + c_air (min(T, T_k) - min(T_ref, T_k)) + c (1 - a)(T_loop - T_ref)
      on P_nonfan(u), with c_air = c a (the leakage of the share the air cools);
    - airflow fraction (fan speed): s_ref(u) a (1 + k (max(T, T_k) - T_k)) / (1 + k max(T_ref - T_k, 0)),
      at most s_max;
    - fan power: P_fan,ref(1) s^3.

    ``air_share`` a is 1 for air-cooled servers; ``loop_supply_c`` only matters when a < 1.
    """
    fan_ref_u = fan_reference_power_w(u, idle_w, max_w, share_idle, share_full)
    fan_full = share_full * max_w
    s_ref = (fan_ref_u / fan_full) ** (1.0 / 3.0) if fan_full > 0.0 else 0.0
    s_ref = s_ref / (1.0 + rise_per_k * max(reference_inlet_c - knee_c, 0.0))
    nonfan_w = max(table_w - fan_ref_u, 0.0)
    c_air = leakage_per_k * air_share
    cpu_a0 = 1.0 - c_air * min(reference_inlet_c, knee_c) + leakage_per_k * (1.0 - air_share) * (
        loop_supply_c - reference_inlet_c)
    s0 = s_ref * air_share
    curves = CurveTerms(
        cpu_a0, c_air, 0.0, -_INF, knee_c, 0.0, _INF,
        s0 * (1.0 - rise_per_k * knee_c), s0 * rise_per_k, 0.0, knee_c, _INF, 0.0, max_speed,
        0.0, 0.0, 0.0, 1.0, 0.0, _INF, 0.0, _INF,
        min_flow_fraction, nonfan_w, fan_full,
    )
    return InletTerms(curves, table_w)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def measured_server_power_w(u, inlet_c, table_w, idle_w, max_w, reference_inlet_c, share_idle, share_full,
                            knee_c, rise_per_k, max_speed, leakage_per_k, air_share, loop_supply_c,
                            min_flow_fraction):
    """Power (W), fan power (W) and airflow fraction of one server of the measured model at load
    ``u`` and inlet ``inlet_c`` (°C): scalar reference of what the facility kernel computes
    (:func:`measured_terms_at_load` then :func:`dcsim.it.ite.ite_power_from_terms_w`)."""
    k = measured_terms_at_load(u, table_w, idle_w, max_w, reference_inlet_c, share_idle, share_full, knee_c,
                               rise_per_k, max_speed, leakage_per_k, air_share, loop_supply_c, min_flow_fraction)
    cpu_w, fan_w, fv = ite_power_from_terms_w(inlet_c, k.curves)
    return max(cpu_w + fan_w, 0.0), fan_w, fv


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def server_terms_at_load(measured, u, table_w, idle_w, max_w, reference_inlet_c, fan_params, design_cpu_w,
                         design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits,
                         min_flow_fraction):
    """The :class:`~dcsim.it.ite.InletTerms` of a server at load ``u`` for either model: the measured
    one (``measured`` true; ``fan_params`` = (f_idle, f_full, T_k, k, s_max, c, a, T_loop), see
    :func:`measured_terms_at_load`) or the EnergyPlus ITE curves
    (:func:`dcsim.it.ite.inlet_terms_at_load`, with the design split and curves given, already
    through :func:`dcsim.it.ite.curves_in_effect`)."""
    if measured:
        return measured_terms_at_load(u, table_w, idle_w, max_w, reference_inlet_c, fan_params[0], fan_params[1],
                                      fan_params[2], fan_params[3], fan_params[4], fan_params[5], fan_params[6],
                                      fan_params[7], min_flow_fraction)
    return inlet_terms_at_load(u, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef,
                               flow_limits, fan_coef, fan_limits, min_flow_fraction)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def throttle_performance(inlet_c, throttle_c, shutdown_c, min_performance):
    """Share of full performance a server keeps at inlet ``inlet_c`` (°C): 1 up to ``throttle_c``,
    falling linearly to ``min_performance`` at ``shutdown_c`` (module docstring). Branch-free."""
    x = (inlet_c - throttle_c) / (shutdown_c - throttle_c)
    return 1.0 - (1.0 - min_performance) * min(max(x, 0.0), 1.0)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def shutdown_share(off, inlet_start_c, inlet_end_c, front_c, shutdown_c, restart_c):
    """Thermal shutdown over one step with hysteresis: (share of the step the servers are off,
    their state at its end: 1.0 off, 0.0 running).

    Servers off at the start (``off`` > 0.5) come back when the air in front of them,
    ``front_c``, is at or below ``restart_c`` (an off server draws none of its own exhaust back);
    otherwise they stay off the whole step. Running servers trip when the inlet reaches
    ``shutdown_c``: with the inlet moving from ``inlet_start_c`` to ``inlet_end_c`` over the step,
    taken as linear in time, they are off for the share after the crossing,
    (T_end - T_shutdown) / (T_end - T_start) held to [0, 1] (1 if the step starts at or above
    the limit). The share is continuous in the end-of-step inlet, so a kernel that iterates the
    step's supply air converges through a trip instead of jumping over it. Selects, so rack
    loops vectorise."""
    running = 1.0 if off <= 0.5 or front_c <= restart_c else 0.0
    rise = max(inlet_end_c - inlet_start_c, 1e-12)
    crossed = min(max((inlet_end_c - shutdown_c) / rise, 0.0), 1.0)
    tripped = 1.0 if inlet_start_c >= shutdown_c else crossed
    share = running * tripped + (1.0 - running)
    return share, 1.0 if share > 0.0 else 0.0
