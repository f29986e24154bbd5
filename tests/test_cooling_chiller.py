"""Chillers: DOE-2 EIR curves (McQuay PFH 2124 kW), Carnot fraction, staging, capacity."""

import math

import numpy as np
import pytest

from dcsim.data.equipment import chiller_catalog, equipment_catalog, get_chiller
from dcsim.cooling.chiller import biquadratic, carnot_cop, eir_capacity_fraction, eir_chiller

MQ = get_chiller("mcquay-pfh-2124kw")


def _arr(x):
    return np.asarray(x, dtype=np.float64)


def _eir(q, q_ref, t_chw, t_cond, c=MQ):
    return eir_chiller(q, q_ref, c.cop_ref, _arr(c.capft), _arr(c.eirft), _arr(c.eirfplr), t_chw, t_cond,
                       c.t_chw_min_c, c.t_chw_max_c, c.t_cond_min_c, c.t_cond_max_c, c.plr_min,
                       c.plr_min_unloading, c.plr_max)


def _eir_twin(q, q_ref, t_chw, t_cond, c=MQ):
    """Plain-Python twin written from EnergyPlus Chiller:Electric:EIR / Modelica ElectricEIR."""
    x = min(max(t_chw, c.t_chw_min_c), c.t_chw_max_c)
    y = min(max(t_cond, c.t_cond_min_c), c.t_cond_max_c)
    bq = lambda k: k[0] + k[1] * x + k[2] * x * x + k[3] * y + k[4] * y * y + k[5] * x * y  # noqa: E731
    q_av = q_ref * max(bq(c.capft), 1e-6)
    plr1 = min(q / q_av, c.plr_max)
    plr2 = max(plr1, c.plr_min_unloading)
    cr = min(plr1 / c.plr_min, 1.0)
    p = q_av / c.cop_ref * bq(c.eirft) * (c.eirfplr[0] + c.eirfplr[1] * plr2 + c.eirfplr[2] * plr2**2) * cr
    return plr1 * q_av, p


@pytest.mark.parametrize(
    "t_cond, cop_ref",
    [(12.8, 7.46), (20.0, 6.37), (23.9, 5.92), (29.4, 5.40)],
)
def test_mcquay_full_load_cop_matches_references(t_cond, cop_ref):
    # REFERENCES.md "Cooling plant": full-load COP at 8.89 °C chilled water; values given to 2-3
    # significant figures, so 0.5 % is the acceptance tolerance.
    q_ref = 2124.0
    q_av = q_ref * biquadratic(_arr(MQ.capft), 8.89, t_cond)
    q, p, _ = _eir(q_av, q_ref, 8.89, t_cond)
    assert q / p == pytest.approx(cop_ref, rel=5e-3)


def test_mcquay_part_load_cop_matches_references():
    # REFERENCES.md: 7.80 at PLR 0.5 and 23.9 °C condenser (0.5 % tolerance as above)
    q_av = 2124.0 * biquadratic(_arr(MQ.capft), 8.89, 23.9)
    q, p, _ = _eir(0.5 * q_av, 2124.0, 8.89, 23.9)
    assert q / p == pytest.approx(7.80, rel=5e-3)


def test_eir_chiller_matches_python_twin_on_random_inputs():
    rng = np.random.default_rng(1)
    for c in chiller_catalog().values():
        for _ in range(200):
            q_ref = rng.uniform(50, 3000)
            q = rng.uniform(0.001, 1.3) * q_ref
            t_chw = rng.uniform(2, 16)
            t_cond = rng.uniform(5, 40)
            got = _eir(q, q_ref, t_chw, t_cond, c)
            want = _eir_twin(q, q_ref, t_chw, t_cond, c)
            # same arithmetic in another order: agreement to rounding
            assert got[0] == pytest.approx(want[0], rel=1e-12)
            assert got[1] == pytest.approx(want[1], rel=1e-12)


def test_chiller_cop_falls_as_condenser_warms():
    t = np.linspace(12.8, 29.4, 30)
    cops = []
    for tc in t:
        q_av = 2124.0 * biquadratic(_arr(MQ.capft), 8.89, tc)
        q, p, _ = _eir(0.8 * q_av, 2124.0, 8.89, tc)
        cops.append(q / p)
    assert np.all(np.diff(cops) < 0)
    carnot = [carnot_cop(6.0, tc + 5.0, 0.3) for tc in t]
    assert np.all(np.diff(carnot) < 0)


def test_carnot_cop_formula():
    # COP = eta T_evap / (T_cond - T_evap) in kelvin (REFERENCES.md), exact arithmetic
    assert carnot_cop(9.0, 35.0, 0.3) == pytest.approx(0.3 * (9.0 + 273.15) / 26.0, rel=1e-15)


def test_eir_load_above_capacity_is_not_dropped():
    q_av = 2124.0 * biquadratic(_arr(MQ.capft), 8.89, 29.44)
    q, p, avail = _eir(2.0 * q_av, 2124.0, 8.89, 29.44)
    assert avail == pytest.approx(q_av)
    assert q == pytest.approx(MQ.plr_max * q_av)  # the rest is unmet for the caller
    assert q < 2.0 * q_av


def test_eir_cycling_below_minimum_part_load():
    q_av = 2124.0 * biquadratic(_arr(MQ.capft), 8.89, 23.9)
    _, p_min, _ = _eir(MQ.plr_min * q_av, 2124.0, 8.89, 23.9)
    _, p_half, _ = _eir(0.5 * MQ.plr_min * q_av, 2124.0, 8.89, 23.9)
    # cycling ratio: half the load at PLR_min/2 takes half the power at PLR_min
    assert p_half == pytest.approx(0.5 * p_min, rel=1e-12)


def test_catalogue_rows_and_unknown_name():
    cat = chiller_catalog()
    assert "mcquay-pfh-2124kw" in cat
    for c in cat.values():
        assert c.source and len(c.capft) == 6 and len(c.eirft) == 6 and len(c.eirfplr) == 3
        # every curve set is normalised near its reference point (CAPFT ~ 1 there); the York
        # YCAL0033EE record gives 1.049 at its own 6.67/35 °C point as published, hence 5 %
        assert biquadratic(_arr(c.capft), c.t_chw_ref_c, c.t_cond_ref_c) == pytest.approx(1.0, abs=0.05)
    with pytest.raises(KeyError, match="did you mean"):
        get_chiller("mcquay-pfh-2124")
    kinds = {r["kind"] for r in equipment_catalog()}
    assert kinds == {"chiller", "ups", "generator fuel"}
    assert math.isfinite(MQ.cop_ref)


def test_eir_capacity_fraction_is_capft_floored():
    # CAPFT is about 1 at the reference point (EnergyPlus EIR curves, REFERENCES.md); the McQuay
    # curve is a regression fit and gives 1.005 at its own reference point, hence 1 %
    assert eir_capacity_fraction(_arr(MQ.capft), MQ.t_chw_ref_c, MQ.t_cond_ref_c) == pytest.approx(1.0, abs=1e-2)
    assert eir_capacity_fraction((-1.0, 0.0, 0.0, 0.0, 0.0, 0.0), 7.0, 30.0) == 1e-6
    assert math.isnan(eir_capacity_fraction((float("nan"),) + (0.0,) * 5, 7.0, 30.0))
