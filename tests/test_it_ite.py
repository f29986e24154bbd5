"""EnergyPlus-style curves and the ITE air-cooled model (dcsim.it.curves, dcsim.it.ite)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsim.it import (
    AFFINITY_FAN_POWER_CURVE,
    OPENSTUDIO_AIRFLOW_CURVE,
    OPENSTUDIO_CPU_POWER_CURVE,
    OPENSTUDIO_FAN_POWER_CURVE,
    BiquadraticCurve,
    CubicCurve,
    ITEAirCooledSpec,
    air_cp_j_per_kg_k,
    air_density_kg_per_m3,
    ite_aircooled,
)

RNG_SEED = 777


# ---------------------------------------------------------------------------------------
# OpenStudio default curves against hand-computed values
# ---------------------------------------------------------------------------------------
# f_P = -0.035289 + 1.0 x + 0.0015684 y ; f_V = -1.025 + 0.9 x + 0.05 y  (x in [0, 1.5], y in [-10, 99])
CPU_POINTS = [
    # (x, T_in, hand value)
    (1.0, 22.5, 1.0),  # normalised: -0.035289 + 1 + 0.035289
    (0.5, 30.0, 0.511763),  # -0.035289 + 0.5 + 0.047052
    (1.0, 35.0, 1.019605),  # -0.035289 + 1 + 0.054894
    (0.25, 18.0, 0.2429422),  # -0.035289 + 0.25 + 0.0282312
    (0.0, 15.0, -0.011763),  # no output limits on the OpenStudio curve: negative
    (2.0, 22.5, 1.5),  # x clamped to 1.5: -0.035289 + 1.5 + 0.035289
    (1.0, -20.0, 0.949027),  # y clamped to -10: -0.035289 + 1 - 0.015684
]
FLOW_POINTS = [
    (1.0, 22.5, 1.0),  # -1.025 + 0.9 + 1.125
    (0.5, 30.0, 0.925),  # -1.025 + 0.45 + 1.5
    (1.0, 27.5, 1.25),  # -1.025 + 0.9 + 1.375
    (0.0, 22.5, 0.1),  # -1.025 + 0 + 1.125
    (2.0, 22.5, 1.45),  # x clamped to 1.5
    (1.0, 120.0, 4.825),  # y clamped to 99: -1.025 + 0.9 + 4.95
    (0.0, 10.0, -0.525),  # negative; the ITE model floors the flow fraction at 0
]


@pytest.mark.parametrize("x, t_in, expected", CPU_POINTS)
def test_openstudio_cpu_curve_hand_values(x, t_in, expected):
    assert OPENSTUDIO_CPU_POWER_CURVE(x, t_in) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("x, t_in, expected", FLOW_POINTS)
def test_openstudio_airflow_curve_hand_values(x, t_in, expected):
    assert OPENSTUDIO_AIRFLOW_CURVE(x, t_in) == pytest.approx(expected, abs=1e-12)


def test_curve_sensitivities_per_kelvin_match_references():
    # REFERENCES.md: about +0.16 % of design CPU power and about +5 % airflow per K
    d_cpu = OPENSTUDIO_CPU_POWER_CURVE(1.0, 23.5) - OPENSTUDIO_CPU_POWER_CURVE(1.0, 22.5)
    d_flow = OPENSTUDIO_AIRFLOW_CURVE(1.0, 23.5) - OPENSTUDIO_AIRFLOW_CURVE(1.0, 22.5)
    assert d_cpu == pytest.approx(0.0015684, rel=1e-9)
    assert d_flow == pytest.approx(0.05, rel=1e-9)


def test_fan_curves_and_output_clamping():
    assert OPENSTUDIO_FAN_POWER_CURVE(0.7) == pytest.approx(0.7)
    assert AFFINITY_FAN_POWER_CURVE(0.5) == pytest.approx(0.125)
    assert AFFINITY_FAN_POWER_CURVE(-0.3) == 0.0  # x clamped to its minimum 0
    q = CubicCurve.quadratic(0.5, 1.0, -0.2, x_min=0.0, x_max=1.0, out_min=0.6, out_max=1.2)
    assert q.coefficients == (0.5, 1.0, -0.2, 0.0)
    assert q(0.0) == 0.6  # 0.5 raised to the output minimum
    assert q(0.5) == pytest.approx(0.95)  # 0.5 + 0.5 - 0.05
    assert q(3.0) == pytest.approx(1.2)  # x clamped to 1 -> 1.3, then output clamped to 1.2
    b = BiquadraticCurve((0, 0, 0, 0, 0, 1.0), out_min=-1.0, out_max=1.0)
    np.testing.assert_array_equal(b([0.5, 2.0, -3.0], [1.0, 2.0, 1.0]), [0.5, 1.0, -1.0])


def test_curves_validate():
    with pytest.raises(ValueError, match="6 finite"):
        BiquadraticCurve((1.0, 2.0))
    with pytest.raises(ValueError, match="above its maximum"):
        CubicCurve((0, 1, 0, 0), x_min=2.0, x_max=1.0)
    with pytest.raises(ValueError, match="finite"):
        OPENSTUDIO_CPU_POWER_CURVE(math.nan, 20.0)


def twin_biquadratic(c, lim, x, y):
    x = min(max(x, lim[0]), lim[1])
    y = min(max(y, lim[2]), lim[3])
    v = c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y
    return min(max(v, lim[4]), lim[5])


def twin_cubic(c, lim, x):
    x = min(max(x, lim[0]), lim[1])
    v = c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3
    return min(max(v, lim[2]), lim[3])


def random_biquadratic(rng):
    lo_x, lo_y = rng.uniform(-1, 0.5), rng.uniform(-20, 10)
    return BiquadraticCurve(
        tuple(rng.normal(0, 1, 6) * [1, 1, 0.5, 0.05, 0.001, 0.01]),
        x_min=lo_x,
        x_max=lo_x + rng.uniform(0.5, 2),
        y_min=lo_y,
        y_max=lo_y + rng.uniform(5, 50),
        out_min=rng.choice([-math.inf, rng.uniform(-1, 0)]),
        out_max=rng.choice([math.inf, rng.uniform(1, 3)]),
    )


def random_cubic(rng):
    return CubicCurve(
        tuple(rng.normal(0, 1, 4)),
        x_min=rng.uniform(-0.5, 0.2),
        x_max=rng.uniform(0.8, 3.0),
        out_min=rng.choice([-math.inf, rng.uniform(-1, 0.2)]),
        out_max=rng.choice([math.inf, rng.uniform(1, 4)]),
    )


def test_curve_kernels_match_twins_on_random_inputs():
    rng = np.random.default_rng(RNG_SEED)
    for _ in range(30):
        b = random_biquadratic(rng)
        c = random_cubic(rng)
        x = rng.uniform(-2, 4, 300)
        y = rng.uniform(-40, 80, 300)
        bl = (b.x_min, b.x_max, b.y_min, b.y_max, b.out_min, b.out_max)
        cl = (c.x_min, c.x_max, c.out_min, c.out_max)
        # rtol 1e-12: same polynomial, Horner vs expanded powers
        np.testing.assert_allclose(
            b(x, y), [twin_biquadratic(b.coefficients, bl, a, d) for a, d in zip(x, y)], rtol=1e-12, atol=1e-12
        )
        np.testing.assert_allclose(c(x), [twin_cubic(c.coefficients, cl, a) for a in x], rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------------
# ITE model: pure-Python twin
# ---------------------------------------------------------------------------------------
def twin_ite(spec, design_total, x, t_in, s, p, w):
    def lim(b):
        return (b.x_min, b.x_max, b.y_min, b.y_max, b.out_min, b.out_max)

    def clim(c):
        return (c.x_min, c.x_max, c.out_min, c.out_max)

    cpu_curve, flow_curve, fan_curve, ups_curve = (
        spec.cpu_power_curve,
        spec.airflow_curve,
        spec.fan_power_curve,
        spec.ups_efficiency_curve,
    )
    design_cpu = (1 - spec.design_fan_fraction) * design_total
    design_fan = spec.design_fan_fraction * design_total
    design_flow = spec.design_airflow_m3_per_s_per_w * design_total
    cpu = max(design_cpu * s * twin_biquadratic(cpu_curve.coefficients, lim(cpu_curve), x, t_in), 0.0)
    ff = max(twin_biquadratic(flow_curve.coefficients, lim(flow_curve), x, t_in), 0.0)
    flow = design_flow * s * ff
    fan = max(design_fan * s * twin_cubic(fan_curve.coefficients, clim(fan_curve), ff), 0.0)
    plr = (cpu + fan) / design_total
    eta = spec.design_ups_efficiency * twin_cubic(ups_curve.coefficients, clim(ups_curve), plr)
    ups = (cpu + fan) * max(1 - eta, 0.0)
    ww = max(w, 1e-5)
    rho = p / (287.0 * (t_in + 273.15) * (1 + 1.6077687 * ww))
    cp = 1004.84 + 1858.95 * ww
    mdot = flow * rho
    t_out = t_in + (cpu + fan) / (mdot * cp) if mdot > 0 else t_in
    return cpu, fan, ups, flow, mdot, t_out


def test_ite_kernel_matches_twin_on_random_inputs():
    rng = np.random.default_rng(RNG_SEED + 1)
    for trial in range(12):
        spec = ITEAirCooledSpec(
            design_power_w=rng.uniform(200, 60000),
            design_fan_fraction=rng.uniform(0, 0.6),
            design_airflow_m3_per_s_per_w=rng.uniform(5e-5, 2e-4),
            design_inlet_c=rng.uniform(15, 27),
            cpu_power_curve=OPENSTUDIO_CPU_POWER_CURVE if trial % 2 else random_biquadratic(rng),
            airflow_curve=OPENSTUDIO_AIRFLOW_CURVE if trial % 3 else random_biquadratic(rng),
            fan_power_curve=random_cubic(rng),
            design_ups_efficiency=rng.uniform(0.85, 1.0),
            ups_efficiency_curve=random_cubic(rng),
        )
        n_t, n_u = 17, 5
        x = rng.uniform(0, 1.6, (n_t, n_u))
        t_in = rng.uniform(5, 45, (n_t, n_u))
        s = rng.uniform(0, 1, (n_t, n_u))
        s[0, 0] = 0.0  # nothing operating: zero flow, outlet = inlet
        p = rng.uniform(85000, 103000, n_t)
        w = rng.uniform(0, 0.015, n_t)
        design = rng.uniform(100, 1000, n_u)
        res = ite_aircooled(
            spec, x, t_in, operating_fraction=s, pressure_pa=p, humidity_ratio_kg_per_kg=w, design_power_w=design
        )
        for t in range(n_t):
            for j in range(n_u):
                twin = twin_ite(spec, design[j], x[t, j], t_in[t, j], s[t, j], p[t], w[t])
                got = [r[t, j] for r in res]
                # rtol 1e-12: same equations, operation order only
                np.testing.assert_allclose(got, twin, rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    x=st.floats(0.0, 1.5),
    t_in=st.floats(10.0, 40.0),
    s=st.floats(0.05, 1.0),
    w=st.floats(0.0, 0.02),
)
def test_ite_outlet_closes_the_energy_balance(x, t_in, s, w):
    spec = ITEAirCooledSpec(10000.0, fan_power_curve=OPENSTUDIO_FAN_POWER_CURVE)
    r = ite_aircooled(spec, x, t_in, operating_fraction=s, humidity_ratio_kg_per_kg=w)
    if r.mass_flow_kg_per_s == 0.0:  # curve gives no flow (cold inlet, low load): T_out = T_in
        assert r.outlet_c == t_in
        return
    heat_w = r.mass_flow_kg_per_s * air_cp_j_per_kg_k(w) * (r.outlet_c - t_in)
    # energy balance: all CPU and fan power leaves in the air stream (rel 1e-9, fp only)
    assert heat_w == pytest.approx(r.cpu_w + r.fan_w, rel=1e-9, abs=1e-9)
    assert r.airflow_m3_per_s * air_density_kg_per_m3(101325.0, t_in, w) == pytest.approx(
        r.mass_flow_kg_per_s, rel=1e-12
    )


def test_ite_design_point_and_design_split():
    spec = ITEAirCooledSpec(50000.0)
    # EnergyPlus design split: fan = F P_design, CPU = (1 - F) P_design; flow = 1e-4 m3/s per W
    assert (spec.design_cpu_w, spec.design_fan_w) == (30000.0, 20000.0)
    assert spec.design_airflow_m3_per_s == pytest.approx(5.0)
    r = ite_aircooled(spec, 1.0, 22.5)
    assert r.cpu_w == pytest.approx(30000.0, rel=1e-12)  # curves equal 1 at (1, 22.5 C)
    assert r.fan_w == pytest.approx(20000.0, rel=1e-12)
    assert r.airflow_m3_per_s == pytest.approx(5.0, rel=1e-12)
    assert r.ups_w == 0.0  # default: power-supply losses belong to dcsim.electrical
    # dry air at 22.5 C, 101325 Pa: rho = 101325/(287 * 295.65 * (1 + 1.6077687e-5)), cp = 1004.8586
    rho = 101325.0 / (287.0 * 295.65 * (1 + 1.6077687e-5))
    assert r.outlet_c == pytest.approx(22.5 + 50000.0 / (5.0 * rho * (1004.84 + 1.85895e-2)), rel=1e-12)


def test_ite_fan_affinity_default_and_inlet_sensitivity():
    spec = ITEAirCooledSpec(1000.0)
    warm = ite_aircooled(spec, 1.0, 24.5)
    # +2 K: flow fraction 1.1, fan power 1.1^3 of design (affinity law), CPU +2 x 0.15684 %
    assert warm.airflow_m3_per_s == pytest.approx(0.1 * 1.1, rel=1e-12)
    assert warm.fan_w == pytest.approx(400.0 * 1.1**3, rel=1e-12)
    assert warm.cpu_w == pytest.approx(600.0 * (1 + 2 * 0.0015684), rel=1e-12)


def test_ite_idle_with_openstudio_curves_clamps_at_zero():
    spec = ITEAirCooledSpec(1000.0)
    r = ite_aircooled(spec, np.array([0.0, 0.0]), np.array([15.0, 10.0]))
    # f_P(0, 15) < 0 and f_V(0, 10) < 0: EnergyPlus floors CPU power and flow at 0
    np.testing.assert_array_equal(r.cpu_w, [0.0, 0.0])
    assert r.airflow_m3_per_s[1] == 0.0 and r.fan_w[1] == 0.0
    assert r.outlet_c[1] == 10.0  # no flow: outlet = inlet


def test_ite_ups_loss_uses_part_load_ratio():
    # eta(PLR) = 0.9 * (0.8 + 0.2 PLR): at full design load PLR = 1 -> eta 0.9
    curve = CubicCurve.quadratic(0.8, 0.2, 0.0, x_min=0.0, x_max=1.5)
    spec = ITEAirCooledSpec(
        1000.0, design_ups_efficiency=0.9, ups_efficiency_curve=curve, fan_power_curve=OPENSTUDIO_FAN_POWER_CURVE
    )
    r = ite_aircooled(spec, 1.0, 22.5)
    assert r.ups_w == pytest.approx(1000.0 * (1 - 0.9), rel=1e-12)
    # x = 0.5 at 22.5 C: CPU 600 (0.5 - 0.035289 + 0.035289) = 300 W; flow fraction 0.55 -> fan 220 W
    r = ite_aircooled(spec, 0.5, 22.5)
    it_w = 300.0 + 400.0 * 0.55
    assert r.cpu_w + r.fan_w == pytest.approx(it_w, rel=1e-12)
    plr = it_w / 1000.0
    assert r.ups_w == pytest.approx(it_w * (1 - 0.9 * (0.8 + 0.2 * plr)), rel=1e-12)


def test_ite_shapes_and_validation():
    spec = ITEAirCooledSpec(500.0)
    r1 = ite_aircooled(spec, np.full(4, 0.5), 25.0)
    assert r1.cpu_w.shape == (4,)
    r2 = ite_aircooled(spec, np.full((4, 3), 0.5), np.full((4, 1), 25.0), operating_fraction=np.ones(3))
    assert r2.cpu_w.shape == (4, 3)
    np.testing.assert_allclose(r2.cpu_w[:, 0], r1.cpu_w, rtol=0)
    assert isinstance(ite_aircooled(spec, 0.5, 25.0).outlet_c, float)
    with pytest.raises(ValueError, match="inlet_c"):
        ite_aircooled(spec, np.full((4, 3), 0.5), np.full(4, 25.0))
    with pytest.raises(ValueError, match="cpu_load"):
        ite_aircooled(spec, -0.1, 25.0)
    with pytest.raises(ValueError, match="pressure_pa"):
        ite_aircooled(spec, np.full(4, 0.5), 25.0, pressure_pa=np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        ite_aircooled(spec, 0.5, math.nan)
    with pytest.raises(ValueError, match="design_fan_fraction"):
        ITEAirCooledSpec(500.0, design_fan_fraction=1.5)
