"""Cooling towers, dry coolers and evaporative coolers: formulas and plain-Python twins."""

import math

import numpy as np
import pytest

from dcsim.cooling.crah import STAGING_ALL_RUNNING, STAGING_STAGED, crah_fan_power_kw, crah_operating_point
from dcsim.cooling.fans import fan_power_kw, speed_fraction_clamped
from dcsim.cooling.heat_rejection import (
    H_FG_J_PER_KG,
    direct_evaporative_outlet_c,
    drycooler_effectiveness,
    drycooler_leaving_water_c,
    indirect_evaporative_outlet_c,
    ntu_from_effectiveness,
    tower_leaving_water_c,
    tower_water_kg,
)
from tests.conftest import psychrolib_si


def test_evaporation_is_147_litres_per_kwh():
    # REFERENCES.md: about 1.47 L per kWh of heat rejected by evaporation
    evap, drift, blow = tower_water_kg(1.0, 3600.0, 1.0, 0.0, 1e9)
    assert evap == pytest.approx(1.47, rel=2e-3)  # 1.47 is given to 3 digits
    assert drift == 0.0 and blow == pytest.approx(evap / (1e9 - 1.0))


def test_tower_water_matches_twin():
    rng = np.random.default_rng(2)
    for _ in range(300):
        q, dt = rng.uniform(0, 5000), rng.uniform(1, 3600)
        f, d, c = rng.uniform(0.5, 1), rng.uniform(0, 0.05), rng.uniform(1.5, 10)
        e = f * q * 1000 * dt / 2.45e6
        want = (e, d * e, max(e / (c - 1) - d * e, 0.0))
        assert tower_water_kg(q, dt, f, d, c) == pytest.approx(want, rel=1e-13)
    # make-up = E C/(C-1): the blowdown formula keeps the concentration at C cycles
    e, d, b = tower_water_kg(100.0, 60.0, 1.0, 0.01, 5.0)
    assert e + d + b == pytest.approx(e * 5.0 / 4.0, rel=1e-12)
    assert H_FG_J_PER_KG == 2.45e6


def test_tower_leaving_water_and_fans():
    assert tower_leaving_water_c(15.0, 4.0, 12.78) == 19.0
    assert tower_leaving_water_c(2.0, 4.0, 12.78) == 12.78


def test_one_fan_law_with_explicit_clamping():
    # REFERENCES.md "Air side": P = P_ref (V/V_ref)^3; half speed takes 1/8 of design power
    assert fan_power_kw(10.0, 0.5) == pytest.approx(1.25, rel=1e-15)
    # not clamped by itself: an air handler's flow may exceed design (P grows with the cube)
    assert fan_power_kw(10.0, 1.2) == pytest.approx(17.28, rel=1e-15)
    # the callers whose fans stop at top speed clamp explicitly
    assert fan_power_kw(10.0, speed_fraction_clamped(1.7)) == 10.0
    assert fan_power_kw(10.0, speed_fraction_clamped(-1.0)) == 0.0
    assert math.isnan(speed_fraction_clamped(float("nan")))
    # the air handler: affinity law on flow / design flow, nothing without a design flow
    assert crah_fan_power_kw(30.0, 60.0, 40.0) == pytest.approx(5.0, rel=1e-15)
    assert crah_fan_power_kw(30.0, 0.0, 40.0) == 0.0


def test_crah_units_share_the_flow_and_keep_their_minimum_speed():
    # 4 duty units of 15 m3/s and 10 kW each at full speed, 1 redundant: 60 m3/s, 40 kW design
    args = (60.0, 40.0, 4.0, 1.0)
    # all five run at 36/75 = 0.48 of full speed: 5 x 10 x 0.48^3 kW
    flow, fan, n = crah_operating_point(36.0, *args, 0.3, STAGING_ALL_RUNNING)
    assert (flow, n) == (36.0, 5.0) and fan == pytest.approx(5 * 10 * 0.48**3, rel=1e-15)
    # N+1 all running at design demand: (N/(N+1))^2 of the N units' power (cube law)
    _, fan, _ = crah_operating_point(60.0, *args, 0.3, STAGING_ALL_RUNNING)
    assert fan == pytest.approx(40.0 * (4 / 5) ** 2, rel=1e-15)
    # below the minimum speed: 5 units at 0.3 move 22.5 m3/s although 9 are asked for
    flow, fan, n = crah_operating_point(9.0, *args, 0.3, STAGING_ALL_RUNNING)
    assert flow == pytest.approx(22.5, rel=1e-15) and fan == pytest.approx(5 * 10 * 0.3**3, rel=1e-15)
    # staged: 36 m3/s needs ceil(36/15) = 3 units at 0.8; 9 m3/s one unit at 0.6; a demand of
    # exactly two units' flow runs two; beyond all five, five (faster than design)
    flow, fan, n = crah_operating_point(36.0, *args, 0.3, STAGING_STAGED)
    assert (flow, n) == (36.0, 3.0) and fan == pytest.approx(3 * 10 * 0.8**3, rel=1e-15)
    assert crah_operating_point(9.0, *args, 0.3, STAGING_STAGED)[2] == 1.0
    assert crah_operating_point(30.0, *args, 0.3, STAGING_STAGED)[2] == 2.0
    flow, fan, n = crah_operating_point(90.0, *args, 0.3, STAGING_STAGED)
    assert (flow, n) == (90.0, 5.0) and fan == pytest.approx(5 * 10 * 1.2**3, rel=1e-15)
    # the old single equivalent unit with no minimum speed is the plain affinity law
    assert crah_operating_point(30.0, 60.0, 40.0, 1.0, 0.0, 0.0, STAGING_ALL_RUNNING)[1] == pytest.approx(
        crah_fan_power_kw(30.0, 60.0, 40.0), rel=1e-15)
    # no design flow: the demand moves, no fan power
    assert crah_operating_point(30.0, 0.0, 40.0, 1.0, 0.0, 0.3, STAGING_ALL_RUNNING) == (30.0, 0.0, 0.0)


def test_drycooler_leaving_water():
    # T_out = T_in - eps (T_in - T_db) (eps-NTU with C_r -> 0); warmer air leaves water unchanged
    assert drycooler_leaving_water_c(30.0, 10.0, 2.0 / 3.0) == pytest.approx(30.0 - 20.0 * 2.0 / 3.0, rel=1e-15)
    assert drycooler_leaving_water_c(20.0, 25.0, 0.9) == 20.0


def test_drycooler_effectiveness_design_point_and_part_load():
    ntu = ntu_from_effectiveness(8.0 / 12.0)
    # REFERENCES.md: 12 K entering ITD and 4 K approach at rated duty -> eps = 2/3 at design
    assert drycooler_effectiveness(ntu, 1.0) == pytest.approx(2.0 / 3.0, rel=1e-14)
    # lower water flow at part load: closer approach (eps-NTU with C_r -> 0)
    assert drycooler_effectiveness(ntu, 0.5) == pytest.approx(1 - math.exp(-2 * ntu), rel=1e-14)
    assert drycooler_effectiveness(ntu, 0.5) > drycooler_effectiveness(ntu, 1.0)


@pytest.mark.parametrize("t_db, rh", [(30.0, 40.0), (25.0, 60.0), (18.0, 20.0)])
def test_direct_evaporative_outlet_by_formula(t_db, rh):
    pl = psychrolib_si()
    t_wb = pl.GetTWetBulbFromRelHum(t_db, rh / 100, 101325.0)
    eps = 0.85
    # REFERENCES.md: T_out = T_db - eps (T_db - T_wb); exact formula
    assert direct_evaporative_outlet_c(t_db, t_wb, eps) == pytest.approx(t_db - eps * (t_db - t_wb), abs=1e-12)
    assert t_wb < direct_evaporative_outlet_c(t_db, t_wb, eps) < t_db


def test_indirect_evaporative_outlet_by_formula():
    assert indirect_evaporative_outlet_c(35.0, 15.0, 0.65) == pytest.approx(35.0 - 0.65 * 20.0, abs=1e-12)
