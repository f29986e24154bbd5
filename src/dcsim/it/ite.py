"""Air-cooled IT equipment whose power and airflow depend on load and inlet temperature.

This is the EnergyPlus ``ElectricEquipment:ITE:AirCooled`` model (EnergyPlus Engineering
Reference, "Electric Equipment ITE Air Cooled"; ``InternalHeatGains::CalcZoneITEq``),
reproduced equation for equation so that dcsim matches EnergyPlus's hourly output
(see ``tests/test_it_energyplus.py``). Per unit and time step, with x the CPU loading
fraction, T_in the air inlet temperature (C) and s the operating fraction (EnergyPlus'
"Design Power Input Schedule"):

    P_cpu   = max(P_cpu,design  s f_cpu(x, T_in), 0)
    f_V     = max(f_flow(x, T_in), 0)
    V       = V_design s f_V                                  (m3/s at inlet density)
    P_fan   = max(P_fan,design  s f_fan(f_V), 0)
    PLR     = (P_cpu + P_fan) / P_design
    P_ups   = (P_cpu + P_fan) max(1 - eta_design f_ups(PLR), 0)
    m       = V rho(p, T_in, W)
    T_out   = T_in + (P_cpu + P_fan) / (m c_p(W))              (T_out = T_in when m = 0)

with the design split of EnergyPlus: P_design = P_cpu,design + P_fan,design,
P_fan,design = F_fan P_design (F_fan = "Design Fan Power Input Fraction"),
V_design = (flow per W) P_design. Every curve clamps its inputs and output to its limits
(:mod:`dcsim.it.curves`). Air properties are EnergyPlus' psychrometric functions:

    rho = p / (287.0 (T + 273.15) (1 + 1.6077687 max(W, 1e-5)))    (PsyRhoAirFnPbTdbW)
    c_p = 1004.84 + 1858.95 max(W, 1e-5)                            (PsyCpAirFnW)

EnergyPlus evaluates ``rho`` at the site's *standard* barometric pressure (98934 Pa at
201 m for Chicago O'Hare), not the weather file's hourly pressure: pass that as
``pressure_pa`` to match it. Not reproduced: EnergyPlus zeroes an object's flow below
0.001 m3/s (a per-object numerical threshold); dcsim keeps any positive flow.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from .._jitcache import njit

from .._numeric import FASTMATH, interp_table
from .curves import (
    AFFINITY_FAN_POWER_CURVE,
    CONSTANT_UPS_EFFICIENCY_CURVE,
    OPENSTUDIO_AIRFLOW_CURVE,
    OPENSTUDIO_CPU_POWER_CURVE,
    BiquadraticCurve,
    CubicCurve,
    biquadratic_at_x,
    clamped_cubic_value,
    clamped_quadratic_value,
    cubic_value,
)

__all__ = [
    "ITEAirCooledSpec",
    "ITEAirCooledResult",
    "ite_aircooled",
    "ite_aircooled_kernel",
    "ite_aircooled_point",
    "air_density_kg_per_m3",
    "air_cp_j_per_kg_k",
    "STANDARD_PRESSURE_PA",
]

#: Sea-level standard pressure (Pa); EnergyPlus uses the site's standard pressure instead.
STANDARD_PRESSURE_PA = 101325.0
_R_AIR_J_PER_KG_K = 287.0  # EnergyPlus Psychrometrics, PsyRhoAirFnPbTdbW
_KELVIN = 273.15


@njit(cache=True, fastmath=False, error_model="numpy")
def air_density_kg_per_m3(pressure_pa, drybulb_c, humidity_ratio):
    """Moist-air density (kg/m3): rho = p / (287.0 (T + 273.15) (1 + 1.6077687 max(W, 1e-5))).

    Source: EnergyPlus ``Psychrometrics::PsyRhoAirFnPbTdbW``.
    """
    w = max(humidity_ratio, 1.0e-5)
    return pressure_pa / (_R_AIR_J_PER_KG_K * (drybulb_c + _KELVIN) * (1.0 + 1.6077687 * w))


@njit(cache=True, fastmath=False, error_model="numpy")
def air_cp_j_per_kg_k(humidity_ratio):
    """Moist-air specific heat (J/(kg K)): c_p = 1004.84 + 1858.95 max(W, 1e-5).

    Source: EnergyPlus ``Psychrometrics::PsyCpAirFnW``.
    """
    return 1.00484e3 + max(humidity_ratio, 1.0e-5) * 1.85895e3


CurveTerms = namedtuple(
    "CurveTerms",
    [
        # CPU power curve f_P(u, T) at this load, as a clamped quadratic in T (biquadratic_at_x)
        "cpu_a0", "cpu_a1", "cpu_a2", "cpu_t_min_c", "cpu_t_max_c", "cpu_out_min", "cpu_out_max",
        # airflow curve f_V(u, T) at this load, likewise
        "flow_a0", "flow_a1", "flow_a2", "flow_t_min_c", "flow_t_max_c", "flow_out_min", "flow_out_max",
        # fan power curve f_F(flow fraction), a clamped cubic
        "fan_c1", "fan_c2", "fan_c3", "fan_c4", "fan_x_min", "fan_x_max", "fan_out_min", "fan_out_max",
        "min_flow_fraction",
        "design_cpu_w",
        "design_fan_w",
    ],
)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def curve_terms_at_load(u, design_cpu_w, design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef,
                        fan_limits, min_flow_fraction):
    """The ITE curves at CPU load ``u`` (a :class:`CurveTerms`): f_P(u, T) and f_V(u, T) as
    clamped quadratics in the inlet T (:func:`~dcsim.it.curves.biquadratic_at_x`), the fan
    curve f_F, the lowest flow fraction and the design CPU and fan power (W) they scale.
    Evaluated at an inlet by :func:`ite_power_from_terms_w`."""
    cpu = biquadratic_at_x(cpu_coef, cpu_limits, u)
    flow = biquadratic_at_x(flow_coef, flow_limits, u)
    return CurveTerms(
        cpu[0], cpu[1], cpu[2], cpu[3], cpu[4], cpu[5], cpu[6],
        flow[0], flow[1], flow[2], flow[3], flow[4], flow[5], flow[6],
        fan_coef[0], fan_coef[1], fan_coef[2], fan_coef[3], fan_limits[0], fan_limits[1], fan_limits[2],
        fan_limits[3],
        min_flow_fraction, design_cpu_w, design_fan_w,
    )


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def ite_power_from_terms_w(inlet_c, c):
    """CPU power (W), fan power (W) and airflow fraction at inlet ``inlet_c`` (C) from the
    load's :class:`CurveTerms` ``c``, the EnergyPlus ITE curves (module docstring):

        P_cpu = P_cpu,d f_P(u, T_in);  f_V = max(f_V(u, T_in), f_min);  P_fan = P_fan,d f_F(f_V)

    (EnergyPlus Engineering Reference, ElectricEquipment:ITE:AirCooled; f_min = 0 there).
    Branch-free, so rack loops vectorise. The one place the ITE curves are evaluated:
    :func:`ite_aircooled_point` and :func:`inlet_adjustment_from_terms_w` both go through it."""
    cpu_w = c.design_cpu_w * clamped_quadratic_value(c.cpu_a0, c.cpu_a1, c.cpu_a2, c.cpu_t_min_c, c.cpu_t_max_c,
                                                     c.cpu_out_min, c.cpu_out_max, inlet_c)
    fv = max(clamped_quadratic_value(c.flow_a0, c.flow_a1, c.flow_a2, c.flow_t_min_c, c.flow_t_max_c,
                                     c.flow_out_min, c.flow_out_max, inlet_c), c.min_flow_fraction)
    fan_w = c.design_fan_w * clamped_cubic_value(c.fan_c1, c.fan_c2, c.fan_c3, c.fan_c4, c.fan_x_min, c.fan_x_max,
                                                 c.fan_out_min, c.fan_out_max, fv)
    return cpu_w, fan_w, fv


@njit(cache=True, fastmath=False, error_model="numpy")
def ite_aircooled_point(cpu_load, inlet_c, operating_fraction, design_cpu_w, design_fan_w, design_flow_m3_per_s,
                        design_total_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits,
                        design_ups_efficiency, ups_coef, ups_limits, pressure_pa, humidity_ratio):
    """One unit at one time step of the EnergyPlus ITE air-cooled model (module docstring).

    Returns ``(cpu_w, fan_w, ups_w, airflow_m3_per_s, mass_flow_kg_per_s, outlet_c)``.
    For use inside other compiled loops; Python code calls :func:`ite_aircooled`. The curves
    go through :func:`ite_power_from_terms_w` with the design powers scaled by the operating
    fraction s and no lowest flow fraction (f_min = 0: EnergyPlus' max(f_V, 0)).
    """
    s = operating_fraction
    curves = curve_terms_at_load(cpu_load, design_cpu_w * s, design_fan_w * s, cpu_coef, cpu_limits, flow_coef,
                                 flow_limits, fan_coef, fan_limits, 0.0)
    cpu_w, fan_w, flow_frac = ite_power_from_terms_w(inlet_c, curves)
    cpu_w = max(cpu_w, 0.0)
    fan_w = max(fan_w, 0.0)
    flow = design_flow_m3_per_s * s * flow_frac
    it_w = cpu_w + fan_w
    plr = it_w / design_total_w if design_total_w > 0.0 else 0.0
    ups_w = it_w * max(1.0 - design_ups_efficiency * cubic_value(ups_coef, ups_limits, plr), 0.0)
    mdot = flow * air_density_kg_per_m3(pressure_pa, inlet_c, humidity_ratio)
    if mdot > 0.0:
        outlet_c = inlet_c + it_w / (mdot * air_cp_j_per_kg_k(humidity_ratio))
    else:
        outlet_c = inlet_c
    return cpu_w, fan_w, ups_w, flow, mdot, outlet_c


@njit(cache=True, fastmath=False, error_model="numpy")
def ite_aircooled_kernel(cpu_load, inlet_c, operating_fraction, design_cpu_w, design_fan_w, design_flow_m3_per_s,
                         design_total_w, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits,
                         design_ups_efficiency, ups_coef, ups_limits, pressure_pa, humidity_ratio, out_cpu_w,
                         out_fan_w, out_ups_w, out_airflow_m3_per_s, out_mass_flow_kg_per_s, out_outlet_c):
    """EnergyPlus ITE air-cooled model over time (outer) and units (inner); no allocation.

    Shapes: ``cpu_load``, ``inlet_c``, ``operating_fraction`` and every ``out_*`` are
    (n_time, n_units); ``design_*_w`` and ``design_flow_m3_per_s`` are (n_units,);
    ``pressure_pa`` and ``humidity_ratio`` are (n_time,); the curve arrays come from
    :meth:`BiquadraticCurve.arrays` / :meth:`CubicCurve.arrays`. Equations: module
    docstring (EnergyPlus ``ElectricEquipment:ITE:AirCooled``).
    """
    n_time, n_units = cpu_load.shape
    for t in range(n_time):
        p = pressure_pa[t]
        w = humidity_ratio[t]
        for j in range(n_units):
            cpu_w, fan_w, ups_w, flow, mdot, outlet_c = ite_aircooled_point(
                cpu_load[t, j], inlet_c[t, j], operating_fraction[t, j], design_cpu_w[j], design_fan_w[j],
                design_flow_m3_per_s[j], design_total_w[j], cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef,
                fan_limits, design_ups_efficiency, ups_coef, ups_limits, p, w,
            )
            out_cpu_w[t, j] = cpu_w
            out_fan_w[t, j] = fan_w
            out_ups_w[t, j] = ups_w
            out_airflow_m3_per_s[t, j] = flow
            out_mass_flow_kg_per_s[t, j] = mdot
            out_outlet_c[t, j] = outlet_c


@dataclass(frozen=True)
class ITEAirCooledSpec:
    """Design data and curves of one air-cooled IT unit (a server, a rack or a room).

    Field names follow EnergyPlus ``ElectricEquipment:ITE:AirCooled``:

    - ``design_power_w``: design power input per unit, CPU + fans (EnergyPlus "Watts per
      Unit"), measured at full load and ``design_inlet_c``.
    - ``design_fan_fraction``: "Design Fan Power Input Fraction": the fans' share of
      ``design_power_w`` (P_fan,design = F P_design, P_cpu,design = (1 - F) P_design;
      EnergyPlus eio for the 1ZoneDataCenterCRAC example: 50 kW = 30 kW CPU + 20 kW fans
      at F = 0.4). Default 0.4 as in the EnergyPlus example files and OpenStudio measures.
    - ``design_airflow_m3_per_s_per_w``: "Design Fan Air Flow Rate per Power Input";
      default 0.0001 m3/s per W (0.1 m3/s per kW; about 8.3 K rise at design).
    - ``design_inlet_c``: "Design Entering Air Temperature"; default 22.5 C, where the
      OpenStudio curves equal 1.
    - ``cpu_power_curve``, ``airflow_curve``: f(x, T_in); default OpenStudio curves.
    - ``fan_power_curve``: f(flow fraction); default the fan affinity law f = x^3.
      EnergyPlus takes any curve here; OpenStudio's default is linear
      (:data:`~dcsim.it.curves.OPENSTUDIO_FAN_POWER_CURVE`).
    - ``design_ups_efficiency`` and ``ups_efficiency_curve`` (f(PLR)): "Design Electric
      Power Supply Efficiency" and its part-load curve. Default 1.0 and constant, i.e. no
      power-supply loss inside the IT model: dcsim's electrical chain
      (:mod:`dcsim.electrical`) models UPS losses, and counting them twice must be avoided.
    """

    design_power_w: float
    design_fan_fraction: float = 0.4
    design_airflow_m3_per_s_per_w: float = 1.0e-4
    design_inlet_c: float = 22.5
    cpu_power_curve: BiquadraticCurve = OPENSTUDIO_CPU_POWER_CURVE
    airflow_curve: BiquadraticCurve = OPENSTUDIO_AIRFLOW_CURVE
    fan_power_curve: CubicCurve = AFFINITY_FAN_POWER_CURVE
    design_ups_efficiency: float = 1.0
    ups_efficiency_curve: CubicCurve = CONSTANT_UPS_EFFICIENCY_CURVE

    def __post_init__(self) -> None:
        problems = []

        def number(name: str) -> float:
            value = float(getattr(self, name))
            object.__setattr__(self, name, value)
            if not math.isfinite(value):
                problems.append(f"{name} must be finite, got {value!r}")
            return value

        if number("design_power_w") <= 0.0:
            problems.append("design_power_w must be > 0 W")
        f = number("design_fan_fraction")
        if not 0.0 <= f <= 1.0:
            problems.append("design_fan_fraction must lie in [0, 1]")
        if number("design_airflow_m3_per_s_per_w") <= 0.0:
            problems.append("design_airflow_m3_per_s_per_w must be > 0")
        number("design_inlet_c")
        eta = number("design_ups_efficiency")
        if not 0.0 < eta <= 1.0:
            problems.append("design_ups_efficiency must lie in (0, 1]")
        for name, kind in (
            ("cpu_power_curve", BiquadraticCurve),
            ("airflow_curve", BiquadraticCurve),
            ("fan_power_curve", CubicCurve),
            ("ups_efficiency_curve", CubicCurve),
        ):
            if not isinstance(getattr(self, name), kind):
                problems.append(f"{name} must be a {kind.__name__}")
        if problems:
            raise ValueError("invalid ITE spec: " + "; ".join(problems))

    @property
    def design_cpu_w(self) -> float:
        """Design CPU power (W) = (1 - design_fan_fraction) design_power_w."""
        return (1.0 - self.design_fan_fraction) * self.design_power_w

    @property
    def design_fan_w(self) -> float:
        """Design fan power (W) = design_fan_fraction design_power_w."""
        return self.design_fan_fraction * self.design_power_w

    @property
    def design_airflow_m3_per_s(self) -> float:
        """Design airflow (m3/s) = design_airflow_m3_per_s_per_w design_power_w."""
        return self.design_airflow_m3_per_s_per_w * self.design_power_w


class ITEAirCooledResult(NamedTuple):
    """Outputs of :func:`ite_aircooled`, each shaped like the ``cpu_load`` input.

    The heat the units give to the room air is always ``cpu_w + fan_w`` (plus ``ups_w``
    where the power supply sits in the room), also when a curve drives the airflow to
    zero: then ``outlet_c`` equals the inlet temperature, as in EnergyPlus, and only the
    power (not ``m c_p (T_out - T_in)``) carries the energy balance.
    """

    cpu_w: np.ndarray
    fan_w: np.ndarray
    ups_w: np.ndarray
    airflow_m3_per_s: np.ndarray
    mass_flow_kg_per_s: np.ndarray
    outlet_c: np.ndarray


def _finite(name: str, arr: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers (no NaN or inf)")
    return np.ascontiguousarray(arr)


def _load_grid(load: np.ndarray) -> np.ndarray:
    """``cpu_load`` as a checked (n_time, n_units) grid: a scalar is 1 x 1, (n_time,) one unit."""
    if load.ndim > 2:
        raise ValueError("cpu_load must be a scalar, (n_time,) or (n_time, n_units)")
    grid = load.reshape(load.shape[0] if load.ndim >= 1 else 1, -1)
    _finite("cpu_load", grid)
    if np.any(grid < 0.0):
        raise ValueError("cpu_load must be >= 0")
    return np.ascontiguousarray(grid)


def _on_grid(name: str, value, shape: tuple, grid_shape: tuple) -> np.ndarray:
    """``value`` broadcast to ``cpu_load``'s ``shape``, as its (n_time, n_units) ``grid_shape``."""
    arr = np.asarray(value, dtype=np.float64)
    try:
        arr = np.broadcast_to(arr, shape).reshape(grid_shape)
    except ValueError as exc:
        raise ValueError(f"{name} of shape {arr.shape} does not broadcast to cpu_load's shape {shape}") from exc
    return _finite(name, arr)


def _per_step(name: str, value, n_time: int) -> np.ndarray:
    """``value`` (a scalar or one per time step) as (n_time,)."""
    arr = np.asarray(value, dtype=np.float64)
    try:
        arr = np.broadcast_to(arr, (n_time,))
    except ValueError as exc:
        raise ValueError(f"{name} must be a scalar or have {n_time} values (one per time step)") from exc
    return _finite(name, arr)


def _design_power_per_unit(spec: ITEAirCooledSpec, design_power_w, n_units: int) -> np.ndarray:
    """Design power (W) of each unit: ``design_power_w`` (scalar or (n_units,)) or the spec's."""
    total = np.asarray(spec.design_power_w if design_power_w is None else design_power_w, dtype=np.float64)
    try:
        total = np.ascontiguousarray(np.broadcast_to(total, (n_units,)))
    except ValueError as exc:
        raise ValueError(f"design_power_w must be a scalar or have {n_units} values (one per unit)") from exc
    _finite("design_power_w", total)
    if np.any(total <= 0.0):
        raise ValueError("design_power_w must be > 0 W")
    return total


def _run_ite_kernel(spec: ITEAirCooledSpec, load, inlet_c, operating_fraction, pressure_pa, humidity_ratio,
                    design_total_w) -> list[np.ndarray]:
    """:func:`ite_aircooled_kernel` on checked grids; its six (n_time, n_units) outputs."""
    cpu_coef, cpu_lim = spec.cpu_power_curve.arrays()
    flow_coef, flow_lim = spec.airflow_curve.arrays()
    fan_coef, fan_lim = spec.fan_power_curve.arrays()
    ups_coef, ups_lim = spec.ups_efficiency_curve.arrays()
    outs = [np.empty(load.shape, dtype=np.float64) for _ in range(6)]
    ite_aircooled_kernel(
        load, inlet_c, operating_fraction,
        (1.0 - spec.design_fan_fraction) * design_total_w,  # design CPU power (W)
        spec.design_fan_fraction * design_total_w,  # design fan power (W)
        spec.design_airflow_m3_per_s_per_w * design_total_w,  # design airflow (m3/s)
        design_total_w, cpu_coef, cpu_lim, flow_coef, flow_lim, fan_coef, fan_lim,
        spec.design_ups_efficiency, ups_coef, ups_lim, pressure_pa, humidity_ratio, *outs,
    )
    return outs


def ite_aircooled(
    spec: ITEAirCooledSpec,
    cpu_load,
    inlet_c,
    *,
    operating_fraction=1.0,
    pressure_pa=STANDARD_PRESSURE_PA,
    humidity_ratio_kg_per_kg=0.0,
    design_power_w=None,
) -> ITEAirCooledResult:
    """CPU, fan and power-supply (UPS) power, airflow and outlet temperature of IT units.

    EnergyPlus ``ElectricEquipment:ITE:AirCooled`` (EnergyPlus Engineering Reference;
    equations in the :mod:`dcsim.it.ite` module docstring): power and airflow depend on the
    CPU loading and the inlet air temperature through clamped curves; outlet
    T_out = T_in + (P_cpu + P_fan) / (V rho c_p).

    Parameters
    ----------
    spec : ITEAirCooledSpec
        Design values and curves, shared by all units.
    cpu_load : array_like
        CPU loading fraction x (>= 0; the curves clamp it to their x range): a scalar,
        (n_time,) for one unit, or (n_time, n_units).
    inlet_c : array_like
        Air inlet temperature (C), broadcast to ``cpu_load``'s shape.
    operating_fraction : array_like, default 1.0
        EnergyPlus' "Design Power Input Schedule" value (>= 0), e.g. the fraction of a
        rack's servers that are powered; broadcast to ``cpu_load``'s shape.
    pressure_pa : array_like, default 101325
        Barometric pressure for the air density, scalar or (n_time,). EnergyPlus uses the
        site's standard pressure (98934 Pa at 201 m).
    humidity_ratio_kg_per_kg : array_like, default 0.0
        Inlet humidity ratio (kg water per kg dry air), scalar or (n_time,); 0 means dry
        air (EnergyPlus floors it at 1e-5).
    design_power_w : array_like, optional
        Per-unit design power (n_units,) overriding ``spec.design_power_w`` (same fan
        fraction and airflow per W).

    Returns
    -------
    ITEAirCooledResult
        ``cpu_w``, ``fan_w``, ``ups_w`` (W), ``airflow_m3_per_s`` (at inlet density),
        ``mass_flow_kg_per_s`` and ``outlet_c``, each of ``cpu_load``'s shape.
    """
    if not isinstance(spec, ITEAirCooledSpec):
        raise TypeError("spec must be an ITEAirCooledSpec")
    load = np.asarray(cpu_load, dtype=np.float64)
    grid = _load_grid(load)
    n_time, n_units = grid.shape
    t_in = _on_grid("inlet_c", inlet_c, load.shape, grid.shape)
    op = _on_grid("operating_fraction", operating_fraction, load.shape, grid.shape)
    if np.any(op < 0.0):
        raise ValueError("operating_fraction must be >= 0")
    p = _per_step("pressure_pa", pressure_pa, n_time)
    if np.any(p <= 0.0):
        raise ValueError("pressure_pa must be > 0")
    w = _per_step("humidity_ratio_kg_per_kg", humidity_ratio_kg_per_kg, n_time)
    if np.any(w < 0.0):
        raise ValueError("humidity_ratio_kg_per_kg must be >= 0")
    total = _design_power_per_unit(spec, design_power_w, n_units)
    outs = _run_ite_kernel(spec, grid, t_in, op, p, w, total)
    if load.ndim == 0:
        return ITEAirCooledResult(*(float(o[0, 0]) for o in outs))
    return ITEAirCooledResult(*(o.reshape(load.shape) for o in outs))


#: :class:`CurveTerms` at a load and the power P_cpu,d f_P(u, T_ref) + P_fan,d f_F(f_V(u, T_ref))
#: at the reference inlet, where the server's power table holds.
InletTerms = namedtuple("InletTerms", ["curves", "reference_w"])


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def inlet_terms_at_load(u, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef,
                        flow_limits, fan_coef, fan_limits, min_flow_fraction):
    """Everything of :func:`inlet_adjustment_w` that depends on the load u only (an
    :class:`InletTerms`: the curves at u and their power at the reference inlet): computed
    once per step for racks that share a utilisation, it leaves two clamped quadratics and a
    cubic per rack (:func:`inlet_adjustment_from_terms_w`)."""
    curves = curve_terms_at_load(u, design_cpu_w, design_fan_w, cpu_coef, cpu_limits, flow_coef, flow_limits,
                                 fan_coef, fan_limits, min_flow_fraction)
    cpu_ref, fan_ref, _ = ite_power_from_terms_w(reference_inlet_c, curves)
    return InletTerms(curves, cpu_ref + fan_ref)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def inlet_adjustment_from_terms_w(inlet_c, k):
    """:func:`inlet_adjustment_w` at inlet ``inlet_c`` from the load's :class:`InletTerms` ``k``:
    returns (delta_w, fan_w, flow_fraction). Branch-free, so rack loops vectorise."""
    cpu_w, fan_w, fv = ite_power_from_terms_w(inlet_c, k.curves)
    return cpu_w + fan_w - k.reference_w, fan_w, fv


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def inlet_adjustment_w(u, inlet_c, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef,
                       flow_limits, fan_coef, fan_limits, min_flow_fraction):
    """What the inlet temperature adds to a server's tabulated power, with its fan power and
    airflow fraction: returns (delta_w, fan_w, flow_fraction).

    A server's power table (SPECpower or idle/max) holds at the reference inlet temperature
    (22.5 °C, where the OpenStudio ITE curves equal 1 at full load). The EnergyPlus ITE curves
    give what a different inlet changes:

        P(u, T) = P_table(u) + P_cpu,d [f_P(u, T) - f_P(u, T_ref)]
                  + P_fan,d [f_F(f_V(u, T)) - f_F(f_V(u, T_ref))]
        flow fraction = max(f_V(u, T), f_min)

    (EnergyPlus Engineering Reference, ElectricEquipment:ITE:AirCooled; REFERENCES.md "IT
    equipment"). f_min is the fans' lowest speed: the OpenStudio airflow curve reaches zero at
    low load and cold inlet, which no real server fan does. Evaluated as
    :func:`inlet_terms_at_load` then :func:`inlet_adjustment_from_terms_w`.
    """
    terms = inlet_terms_at_load(
        u, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef,
        fan_limits, min_flow_fraction,
    )
    return inlet_adjustment_from_terms_w(inlet_c, terms)


# With inlet-temperature effects off the same equations run with no CPU or fan design power to
# adjust and an airflow curve that is 1 everywhere (see curves_in_effect)
_FLAT_BIQUADRATIC = (1.0, 0.0, 0.0, 0.0, 0.0, 0.0)
_NO_LIMITS_6 = (-math.inf, math.inf, -math.inf, math.inf, -math.inf, math.inf)


@njit(cache=True, fastmath=False, error_model="numpy")
def curves_in_effect(inlet_effects, design_cpu_w, design_fan_w, flow_coef, flow_limits, min_flow_fraction):
    """The (design_cpu_w, design_fan_w, flow_coef, flow_limits, min_flow_fraction) that
    :func:`inlet_terms_at_load` should use: as given, or, with ``inlet_effects`` false, no CPU
    or fan design power and a flat airflow fraction of 1, so that
    :func:`inlet_adjustment_from_terms_w` returns (0, 0, 1) at any load and inlet: the table
    power, no fan power beyond it, design airflow. Coefficients and limits as float tuples."""
    if inlet_effects:
        return design_cpu_w, design_fan_w, flow_coef, flow_limits, min_flow_fraction
    return 0.0, 0.0, _FLAT_BIQUADRATIC, _NO_LIMITS_6, 0.0


@njit(cache=True, fastmath=False, error_model="numpy")
def server_power_at_inlet(u, inlet_c, load_points, power_points_w, load_step, design_cpu_w, design_fan_w,
                          reference_inlet_c, cpu_coef, cpu_limits, flow_coef, flow_limits, fan_coef, fan_limits,
                          min_flow_fraction, inlet_effects):
    """Power (W), fan power (W) and airflow fraction of one server with a measured power table
    at inlet temperature ``inlet_c`` (see :func:`inlet_adjustment_w`). With ``inlet_effects``
    false the table power holds at any inlet and the airflow stays at its design value.
    Scalar reference; the facility kernel runs the same term functions
    (:func:`inlet_terms_at_load`, :func:`inlet_adjustment_from_terms_w`) in branch-free rack loops.
    """
    p_table = interp_table(load_points, load_step, power_points_w, u)
    if not inlet_effects:
        return p_table, 0.0, 1.0
    delta, fan_w, fv = inlet_adjustment_w(
        u, inlet_c, design_cpu_w, design_fan_w, reference_inlet_c, cpu_coef, cpu_limits, flow_coef, flow_limits,
        fan_coef, fan_limits, min_flow_fraction,
    )
    return max(p_table + delta, 0.0), fan_w, fv
