"""Computer-room air handlers (CRAH): the hall's units, their staging and minimum speed."""

from __future__ import annotations

import math

from .._jitcache import njit

from .fans import fan_power_kw

#: cooling.crah.staging codes
STAGING_ALL_RUNNING = 0
STAGING_STAGED = 1
STAGING_CODES = {"all-running": STAGING_ALL_RUNNING, "staged": STAGING_STAGED}


@njit(cache=True, fastmath=False, error_model="numpy")
def crah_units_running(demand_flow_m3_s: float, unit_flow_m3_s: float, installed_units: float, staging: int) -> float:
    """How many of the ``installed_units`` air handlers run for a demanded airflow.

    "all-running" (``STAGING_ALL_RUNNING``): every installed unit, redundant ones included, at a
    shared reduced speed: by the cube law n units at V/n each draw (N/n)^2 of N units' power, the
    reason halls with variable-speed fans run their spare units.
    "staged" (``STAGING_STAGED``): the fewest units whose design flow ``unit_flow_m3_s`` covers the
    demand, at least one and at most the installed count (redundant units stand by)."""
    if staging == STAGING_STAGED:
        n = math.ceil(demand_flow_m3_s / unit_flow_m3_s - 1e-12)
        return float(min(max(n, 1.0), installed_units))
    return installed_units


@njit(cache=True, fastmath=False, error_model="numpy")
def crah_operating_point(demand_flow_m3_s: float, design_flow_m3_s: float, design_power_kw: float,
                         duty_units: float, redundant_units: float, min_speed_fraction: float, staging: int):
    """The air handlers' airflow (m3/s), fan power (kW) and units running for a demanded airflow.

    The hall's design flow ``design_flow_m3_s`` and fan power ``design_power_kw`` are those of its
    ``duty_units`` (N) units at full speed; ``redundant_units`` more are installed (N+1: 1). The
    running units n (:func:`crah_units_running`) share the demand at speed
    s = max(V_demand / (n V_unit), s_min) with V_unit = V_design / N: a fan does not turn slower
    than its minimum speed ``min_speed_fraction``, so at low demand the units move more air than
    the servers draw and the surplus bypasses them (it mixes into the return air). Fan power
    n P_unit s^3 with P_unit = P_design / N (:func:`dcsim.cooling.fans.fan_power_kw`, the affinity
    law of REFERENCES.md "Air side"); not clamped above s = 1, since the flow follows the
    servers'. A hall with no design flow moves the demand with no fan power.
    Returns (flow_m3_s, fan_kw, units_running)."""
    if design_flow_m3_s <= 0.0 or duty_units <= 0.0:
        return demand_flow_m3_s, 0.0, 0.0
    unit_flow = design_flow_m3_s / duty_units
    n = crah_units_running(demand_flow_m3_s, unit_flow, duty_units + redundant_units, staging)
    speed = max(demand_flow_m3_s / (n * unit_flow), min_speed_fraction)
    return n * unit_flow * speed, n * fan_power_kw(design_power_kw / duty_units, speed), n
