"""Compiled functions the facility kernel runs, each checked on its own against its formula or
an independent model (the whole-run twins are in test_thermal.py, the cooling pieces in
test_cooling_components.py)."""

import math

import numpy as np
import pytest

from dcsim.electrical.chain import UPS_COEFFICIENTS, UPS_CONSTANT, UPS_NONE, UPS_TABLE, ups_bank
from dcsim.heatreuse.heatpump import carnot_fraction, log_mean_k
from dcsim.it.curves import AFFINITY_FAN_POWER_CURVE, OPENSTUDIO_AIRFLOW_CURVE, OPENSTUDIO_CPU_POWER_CURVE
from dcsim.it.ite import (
    curves_in_effect,
    inlet_adjustment_from_terms_w,
    inlet_terms_at_load,
    server_power_at_inlet,
)
from dcsim.model import build_electrical, pad_table
from dcsim.scenario.electrical import Electrical, Ups
from dcsim.thermal.air import air_heat_kw
from dcsim.thermal.rc import rc_step_c

CPU_C, CPU_L = (tuple(float(v) for v in a) for a in OPENSTUDIO_CPU_POWER_CURVE.arrays())
FLOW_C, FLOW_L = (tuple(float(v) for v in a) for a in OPENSTUDIO_AIRFLOW_CURVE.arrays())
FAN_C, FAN_L = (tuple(float(v) for v in a) for a in AFFINITY_FAN_POWER_CURVE.arrays())


def test_air_heat_and_rc_step():
    # Q = rho c_p V dT (REFERENCES.md "Air side": rho 1.2 kg/m3, c_p 1006 J/(kg K))
    assert air_heat_kw(2.0, 10.0) == pytest.approx(1.2 * 1006.0 * 2.0 * 10.0 / 1000.0, rel=1e-15)
    # exact first-order step T(t+dt) = T_inf + (T - T_inf) exp(-dt/tau)
    assert rc_step_c(30.0, 20.0, math.exp(-60.0 / 600.0)) == pytest.approx(20.0 + 10.0 * math.exp(-0.1), rel=1e-15)


def test_lorenz_mean_and_carnot_fraction():
    assert log_mean_k(330.0, 310.0) == pytest.approx((330.0 - 310.0) / math.log(330.0 / 310.0), rel=1e-15)
    assert log_mean_k(300.0, 300.0) == 300.0
    # eta(L) = eta_ref - slope (L - L_ref), held to [0.05, 0.95] (heatreuse.heatpump docstring)
    assert carnot_fraction(60.0, 0.625, 0.0017, 50.0) == pytest.approx(0.625 - 0.017, rel=1e-15)
    assert carnot_fraction(1000.0, 0.625, 0.0017, 50.0) == 0.05
    assert carnot_fraction(-1000.0, 0.625, 0.0017, 50.0) == 0.95


@pytest.mark.parametrize("kind", ["constant", "double-conversion", "eco-mode", "table", "none"])
def test_ups_bank_loss_for_each_kind(kind):
    extra = {"load_points": [0.25, 0.5, 1.0], "efficiency_points": [0.9, 0.94, 0.95]} if kind == "table" else {}
    e = build_electrical(Electrical(ups=Ups(type=kind, **extra)), 1000.0)
    for p_out in (0.0, 120.0, 500.0, 1000.0):
        got, _, _ = ups_bank(p_out, e)  # what the chain (_chain) runs
        if e.ups_kind == UPS_NONE:
            want = 0.0
        elif e.ups_kind == UPS_CONSTANT:
            want = p_out * (1.0 / e.ups_efficiency - 1.0)  # REFERENCES.md: P (1/eta - 1)
        elif e.ups_kind == UPS_COEFFICIENTS:  # Schneider WP108 per module: n P_m (a0 + a1 x + a2 x^2), x = P / (n P_m)
            n = e.ups_modules  # all online (the default module_control)
            x = p_out / (n * e.ups_module_kw)
            want = n * e.ups_module_kw * (e.ups_no_load + e.ups_proportional * x + e.ups_square * x * x)
        else:
            assert e.ups_kind == UPS_TABLE
            eta = float(np.interp(p_out / (e.ups_modules * e.ups_module_kw), [0.25, 0.5, 1.0], [0.9, 0.94, 0.95]))
            want = p_out * (1.0 / eta - 1.0)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


def _point_w(u, t_in, cpu_w, fan_w):
    """CPU + fan power of the EnergyPlus ITE equations written out here with the curve objects'
    own evaluation (dcsim.it.curves, a code path apart from the kernel's clamped-quadratic
    terms): P = P_cpu f_P(u, T) + P_fan f_F(max(f_V(u, T), 0))."""
    flow = max(OPENSTUDIO_AIRFLOW_CURVE(u, t_in), 0.0)
    fan = fan_w * AFFINITY_FAN_POWER_CURVE(flow)
    return cpu_w * OPENSTUDIO_CPU_POWER_CURVE(u, t_in) + fan, fan


@pytest.mark.parametrize("u", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("t_in", [15.0, 22.5, 27.0, 35.0])
def test_kernel_inlet_adjustment_is_the_energyplus_model_difference(u, t_in):
    # what the kernel adds to the table power at an inlet = the EnergyPlus ITE equations' power
    # there minus their power at the reference inlet 22.5 °C (inlet_adjustment_w's equation)
    cpu_w, fan_w = 180.0, 20.0
    k = inlet_terms_at_load(u, cpu_w, fan_w, 22.5, CPU_C, CPU_L, FLOW_C, FLOW_L, FAN_C, FAN_L, 0.0)
    delta, fan, fv = inlet_adjustment_from_terms_w(t_in, k)
    p_in, fan_in = _point_w(u, t_in, cpu_w, fan_w)
    p_ref, _ = _point_w(u, 22.5, cpu_w, fan_w)
    assert delta == pytest.approx(p_in - p_ref, rel=1e-9, abs=1e-9)  # FASTMATH may reassociate: 1e-9
    assert fan == pytest.approx(fan_in, rel=1e-9, abs=1e-12)
    # the scalar reference adds it to the table power
    lp, pp = np.array([0.0, 1.0]), np.array([100.0, 300.0])
    p, _, _ = server_power_at_inlet(u, t_in, lp, pp, 1.0, cpu_w, fan_w, 22.5, CPU_C, CPU_L, FLOW_C, FLOW_L, FAN_C, FAN_L,
                                    0.0, True)
    assert p == pytest.approx(max(100.0 + 200.0 * u + delta, 0.0), rel=1e-9)


def test_inlet_effects_off_leaves_the_table_power():
    cpu_w, fan_w, flow_c, flow_l, f_min = curves_in_effect(False, 180.0, 20.0, FLOW_C, FLOW_L, 0.3)
    k = inlet_terms_at_load(0.7, cpu_w, fan_w, 22.5, CPU_C, CPU_L, flow_c, flow_l, FAN_C, FAN_L, f_min)
    for t_in in (10.0, 22.5, 40.0):
        assert inlet_adjustment_from_terms_w(t_in, k) == (0.0, 0.0, 1.0)
    assert curves_in_effect(True, 180.0, 20.0, FLOW_C, FLOW_L, 0.3) == (180.0, 20.0, FLOW_C, FLOW_L, 0.3)


def test_pad_table_keeps_the_values_interp_sees():
    xs, ys = pad_table([0.0, 1.0], [2.0, 3.0])
    assert len(xs) == len(ys) == 16 and xs[:2] == (0.0, 1.0) and set(ys[1:]) == {3.0}
