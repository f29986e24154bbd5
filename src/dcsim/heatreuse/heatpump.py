"""Heat pump lifting datacenter waste heat to a district-heating (DH) network.

Physics (REFERENCES.md "Heat reuse"):

- heating COP as a Carnot fraction, COP_h = eta(L) * T_h / (T_h - T_c), temperatures in kelvin,
  with T_h = DH supply + approach and T_c = source temperature - approach (5 K approaches, as
  in the REFERENCES.md CoolProp cycle checks); L = T_h - T_c is the temperature lift;
- ``cop_model = "lorenz"``: the same formula with the Lorenz (log-mean) temperatures of the
  sink stream (DH return -> supply) and the source stream (return -> supply of the cooled
  loop), for large glides;
- ``cop_model = "table"``: a user table of COP against lift_k = DH supply - source
  temperature (K, no approaches), interpolated linearly and clamped (``interp_clamped``).

The Carnot fraction falls with the lift, eta(L) = eta_ref - slope (L - L_ref), clamped to
[0.05, 0.95]. Default eta_ref = 0.625 at L_ref = 50 K, slope 0.0017 per K: a two-parameter
fit, made here, to a single-stage R1233zd(E) cycle computed with CoolProp (isentropic
efficiency 0.7, 5 K approaches, 5 K superheat and 5 K subcooling), which also lands inside
every CoolProp range listed in REFERENCES.md (25->70 °C: 3.90; 35->80: 4.01; 45->75: 5.67;
55->80: 6.66; 25->90: 2.86). A constant eta cannot: the 45->75 case needs eta >= 0.623 and
the 25->90 case eta <= 0.611 (tests/test_heatreuse_heatpump.py checks both).

The DH supply temperature follows the outdoor temperature by a piecewise-linear curve. No
published Swedish supply-vs-outdoor curve was found (shared/data/economics/README.md
section 4a); the default joins the sourced bounds: 100 °C at the design outdoor temperature
-15 °C (Stockholm Exergi design temperature; Jokkmokk "100-120 °C on very cold days") and
70 °C from +15 °C (Ei: DH water "between 70 and 120 degrees"), i.e. 85 °C at 0 °C, inside
Jokkmokk's 85-95 °C and Höganäs' 75-90 °C normal operation. Return 55 -> 40 °C on the same
outdoor points (Jokkmokk: return 40-50 K below supply; Stockholm Exergi's 50 °C winter
return threshold). The heat delivered is limited by the DH network's demand (kW, a series
computed by :func:`dcsim.model.dh_demand_kw_series`), the heat pump's evaporator capacity and the heat
in the source stream. When the source is warmer than the sink (no lift) the heat is passed
by a heat exchanger and the heat pump uses no electricity.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from .._jitcache import njit

from .._numeric import clamp, interp_clamped
from ..units import KELVIN_OFFSET

#: Codes of HeatReuseParams.source and .cop_model (floats in the params tuple).
SOURCE_RETURN_AIR = 0
SOURCE_CHILLED_WATER = 1
SOURCE_LIQUID_LOOP = 2
SOURCE_CODES = {"return-air": SOURCE_RETURN_AIR, "chilled-water": SOURCE_CHILLED_WATER, "liquid-loop": SOURCE_LIQUID_LOOP}
COP_CARNOT = 0
COP_LORENZ = 1
COP_TABLE = 2
COP_MODELS = {"carnot": COP_CARNOT, "lorenz": COP_LORENZ, "table": COP_TABLE}

HeatReuseParams = namedtuple(
    "HeatReuseParams",
    [
        "enabled",  # 1.0 on, 0.0 off
        "source",  # SOURCE_* code
        "capacity_kw",  # evaporator duty at full load (heat taken from the datacenter), kW
        "cop_model",  # COP_* code
        "carnot_efficiency",  # eta at the reference lift
        "efficiency_slope_per_k",  # drop of eta per K of lift above the reference lift
        "reference_lift_k",
        "approach_k",  # evaporator and condenser approach, K
        "table_lift_k",  # TABLE_SIZE floats (COP_TABLE): DH supply - source temperature, K
        "table_cop",  # TABLE_SIZE floats
        "dh_outdoor_c",  # TABLE_SIZE floats: outdoor temperature points of the DH curves
        "dh_supply_c",  # TABLE_SIZE floats: DH supply temperature at those points
        "dh_return_c",  # TABLE_SIZE floats: DH return temperature at those points
        "delivery",  # DELIVERY_* code: the line the heat goes into (its temperature is the sink's)
        "heat_pump",  # 1.0: a heat pump lifts when the source is too cold; 0.0: heat exchanger only
        "outside_boundary",  # 1.0: the heat pump is the utility's, its electricity outside the datacenter's boundary
        "min_run_s",  # once started, the compressor runs at least this long unless it physically cannot, s
    ],
)

#: Codes of HeatReuseParams.delivery: heat delivered at the network's supply temperature, or
#: into its return line (preheating the return water: the sink is the return temperature)
DELIVERY_SUPPLY_LINE = 0
DELIVERY_RETURN_LINE = 1
#: (a low-temperature network's supply line is a supply line at that network's temperatures)
DELIVERY_CODES = {"supply-line": DELIVERY_SUPPLY_LINE, "return-line": DELIVERY_RETURN_LINE,
                  "low-temperature-network": DELIVERY_SUPPLY_LINE}

_MIN_ETA = 0.05
_MAX_ETA = 0.95


@njit(cache=True, fastmath=False, error_model="numpy")
def log_mean_k(t_a_k: float, t_b_k: float) -> float:
    """Logarithmic mean of two absolute temperatures (Lorenz mean temperature of a stream
    between them), K: (T_a - T_b) / ln(T_a / T_b); the arithmetic mean when they are equal."""
    if abs(t_a_k - t_b_k) < 1e-9:
        return 0.5 * (t_a_k + t_b_k)
    return (t_a_k - t_b_k) / math.log(t_a_k / t_b_k)


@njit(cache=True, fastmath=False, error_model="numpy")
def carnot_fraction(lift_k: float, eta_ref: float, slope_per_k: float, ref_lift_k: float) -> float:
    """Carnot fraction at a lift: eta_ref - slope (L - L_ref), clamped to [0.05, 0.95]."""
    return clamp(eta_ref - slope_per_k * (lift_k - ref_lift_k), _MIN_ETA, _MAX_ETA)


@njit(cache=True, fastmath=False, error_model="numpy")
def heat_pump_cop(hp, t_source_in_c: float, t_source_out_c: float, t_sink_supply_c: float,
                  t_sink_return_c: float) -> float:
    """Heating COP (heat delivered / electricity) of the heat pump; ``inf`` when no lift is
    needed (source warmer than sink after the approaches: direct heat exchange).

    Carnot: COP = eta(L) T_h / L, T_h = T_sink_supply + a, T_c = T_source_in - a (kelvin);
    Lorenz: T_h, T_c the log-mean temperatures of the sink (return -> supply) and source
    (in -> out) streams, +/- a; table: COP(lift = T_sink_supply - T_source_in) from the user
    table. Source: REFERENCES.md "Heat reuse" (Carnot fraction 0.45-0.6, Lorenz option).
    """
    a = hp.approach_k
    if hp.cop_model == COP_TABLE:
        return interp_clamped(hp.table_lift_k, hp.table_cop, t_sink_supply_c - t_source_in_c)
    if hp.cop_model == COP_LORENZ:
        t_h = log_mean_k(t_sink_supply_c + KELVIN_OFFSET, t_sink_return_c + KELVIN_OFFSET) + a
        t_c = log_mean_k(t_source_in_c + KELVIN_OFFSET, t_source_out_c + KELVIN_OFFSET) - a
    else:
        t_h = t_sink_supply_c + KELVIN_OFFSET + a
        t_c = t_source_in_c + KELVIN_OFFSET - a
    lift = t_h - t_c
    if lift <= 0.0:
        return np.inf
    eta = carnot_fraction(lift, hp.carnot_efficiency, hp.efficiency_slope_per_k, hp.reference_lift_k)
    return eta * t_h / lift


@njit(cache=True, fastmath=False, error_model="numpy")
def dh_temperatures_c(hp, t_outdoor_c: float):
    """(supply, return) temperature of the DH network at an outdoor temperature, °C."""
    return (interp_clamped(hp.dh_outdoor_c, hp.dh_supply_c, t_outdoor_c),
            interp_clamped(hp.dh_outdoor_c, hp.dh_return_c, t_outdoor_c))


@njit(cache=True, fastmath=False, error_model="numpy")
def heatreuse_step(hp, q_available_kw: float, t_source_in_c: float, t_source_out_c: float,
                   t_outdoor_c: float, dh_demand_kw: float, min_cop: float = 1.0):
    """One step of the heat pump.

    Returns ``(q_evaporator_kw, q_delivered_kw, power_kw, cop, t_dh_supply_c)``: the heat
    taken from the datacenter stream (it no longer has to be rejected by the plant), the
    heat delivered to the DH network (= evaporator heat + electricity, first law), the
    heat pump's electricity, its heating COP (``inf`` for direct exchange, 0 when off) and the
    DH supply temperature. Limits: evaporator capacity, heat in the stream, DH demand. The sink
    is the network's supply temperature, or its return temperature for ``delivery``
    return-line; without a heat pump (``heat_pump`` 0) only a source warmer than the sink
    after the approaches delivers (heat exchanger).
    The heat pump does not run when its COP would be <= 1 or <= ``min_cop`` (economic
    dispatch: the COP at which the heat's value pays for its electricity,
    :func:`economic_min_cop`); ``min_cop = inf`` stops direct exchange too.
    """
    t_sup, t_ret = dh_temperatures_c(hp, t_outdoor_c)
    if hp.enabled == 0.0 or q_available_kw <= 0.0 or dh_demand_kw <= 0.0 or hp.capacity_kw <= 0.0:
        return 0.0, 0.0, 0.0, 0.0, t_sup
    if hp.delivery == DELIVERY_RETURN_LINE:  # into the return line: the sink is at the return temperature
        cop = heat_pump_cop(hp, t_source_in_c, t_source_out_c, t_ret, t_ret)
    else:
        cop = heat_pump_cop(hp, t_source_in_c, t_source_out_c, t_sup, t_ret)
    if cop != np.inf and hp.heat_pump == 0.0:  # a heat exchanger alone cannot lift
        return 0.0, 0.0, 0.0, 0.0, t_sup
    q_evap_max = q_available_kw if q_available_kw < hp.capacity_kw else hp.capacity_kw
    if cop == np.inf:
        if min_cop == np.inf:
            return 0.0, 0.0, 0.0, 0.0, t_sup
        q_del = q_evap_max if q_evap_max < dh_demand_kw else dh_demand_kw
        return q_del, q_del, 0.0, cop, t_sup
    if not (cop > 1.0 and cop > min_cop):
        return 0.0, 0.0, 0.0, 0.0, t_sup
    q_del = q_evap_max * cop / (cop - 1.0)
    if q_del > dh_demand_kw:
        q_del = dh_demand_kw
    power = q_del / cop
    return q_del - power, q_del, power, cop, t_sup


def economic_min_cop(electricity_sek_per_kwh, heat_sek_per_kwh, wear_sek_per_kwh_heat=0.0):
    """The heating COP above which a heat pump earns more for its heat than its electricity
    and wear cost, per step (economic dispatch): delivering q costs q / COP x p_el + q x wear
    and earns q x p_heat, so it pays when::

        COP > p_el / (p_heat - wear)

    ``inf`` where the heat earns no more than its wear (nothing pays: not even a heat
    exchanger runs); 1 where electricity is free or paid for (the physical floor). Prices in
    SEK/kWh of electricity and of delivered heat."""
    p_el = np.asarray(electricity_sek_per_kwh, dtype=np.float64)
    margin = np.asarray(heat_sek_per_kwh, dtype=np.float64) - wear_sek_per_kwh_heat
    with np.errstate(divide="ignore", invalid="ignore"):
        cop = np.where(margin > 0.0, p_el / np.where(margin > 0.0, margin, 1.0), np.inf)
    return np.maximum(cop, 1.0)
