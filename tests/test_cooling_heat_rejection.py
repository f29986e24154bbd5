"""Cooling towers, dry coolers and evaporative coolers: formulas and plain-Python twins."""

import math

import numpy as np
import pytest

from dcsim.cooling.crah import STAGING_ALL_RUNNING, STAGING_STAGED, crah_operating_point
from dcsim.cooling.fans import fan_power_kw, speed_fraction_clamped
from dcsim.cooling import MODE_FREE, MODE_FREE_DRY, MODE_MECHANICAL, MODE_PARTIAL_FREE
from dcsim.cooling.control import reported_mode
from dcsim.cooling.heat_rejection import (
    H_FG_J_PER_KG,
    tower_evaporated_fraction,
    tower_latent_fraction,
    tower_leaving_air_c,
    tower_runs_dry,
    direct_evaporative_outlet_c,
    drycooler_effectiveness,
    drycooler_leaving_water_c,
    indirect_evaporative_outlet_c,
    ntu_from_effectiveness,
    tower_leaving_water_c,
    tower_water_kg,
)
from dcsim.model import build_plant
from dcsim.scenario.facility import Cooling, HeatReuse
from tests.conftest import psychrolib_si

P_STD_PA = 101325.0
#: The rule of thumb E = 0.00085 x 1.8 x range (K) x water flow (Perry's Chemical Engineers'
#: Handbook, as quoted for cooling towers) as a share of the heat Q = flow c_w range that leaves
#: by evaporation: 0.00085 x 1.8 x h_fg / c_w = 0.8955 (h_fg 2.45 MJ/kg, c_w 4186 J/(kg K)).
RULE_OF_THUMB_SHARE = 0.00085 * 1.8 * 2.45e6 / 4186.0


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
    # one equivalent unit with no minimum speed is the plain affinity law: 40 kW x (30/60)^3
    assert crah_operating_point(30.0, 60.0, 40.0, 1.0, 0.0, 0.0, STAGING_ALL_RUNNING) == (
        30.0, pytest.approx(5.0, rel=1e-15), 1.0)
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


def _latent_fraction_psychrolib(t_db, w_in, t_out):
    """f = h_fg (W_s(T_o) - W_in) / (h(T_o, W_s) - h(T_db, W_in)) written with PsychroLib."""
    pl = psychrolib_si()
    ws = pl.GetSatHumRatio(t_out, P_STD_PA)
    dh = pl.GetMoistAirEnthalpy(t_out, ws) - pl.GetMoistAirEnthalpy(t_db, w_in)
    return 2.45e6 * (ws - w_in) / dh


def test_tower_latent_fraction_against_psychrolib():
    pl = psychrolib_si()
    rng = np.random.default_rng(15)
    for _ in range(200):
        t_db, rh = rng.uniform(-25.0, 35.0), rng.uniform(20.0, 100.0)
        w = pl.GetHumRatioFromRelHum(t_db, rh / 100.0, P_STD_PA)
        t_wb = pl.GetTWetBulbFromHumRatio(t_db, w, P_STD_PA)
        t_out = tower_leaving_air_c(max(t_wb + rng.uniform(2.0, 8.0), rng.uniform(0.0, 13.0)), 5.56)
        got = tower_latent_fraction(t_db, w, t_out, P_STD_PA)
        # the same ASHRAE 2017 ch. 1 equations (23, 30) evaluated by PsychroLib in its own order:
        # equal to round-off; 1e-9 leaves room for the cancellation in h_out - h_in
        assert got == pytest.approx(_latent_fraction_psychrolib(t_db, w, t_out), rel=1e-9)
    # leaving air no richer than the entering air: nothing evaporates (no negative share)
    assert tower_latent_fraction(30.0, 0.03, 20.0, P_STD_PA) == 0.0


def test_leaving_air_at_the_mean_water_temperature():
    assert tower_leaving_air_c(29.4, 5.6) == pytest.approx(32.2, rel=1e-15)


def test_evaporation_agrees_with_energyplus_saturated_exit_at_its_rating_point():
    """EnergyPlus (CondenserLoopTowers.cc, CalculateWaterUseage, Evaporation Loss Mode
    "SaturatedExit", its default): leaving air enthalpy h_o = h_s(T_wb) + Q/m_a, saturated at
    T_sat(h_o); evaporation m_a (q_o - q_i) in specific humidities. Computed here with PsychroLib
    at the CoolingTower:VariableSpeed:Merkel rating point (water 35 -> 29.4 °C, air 35 °C dry
    bulb / 25.6 °C wet bulb) with its default air flow, 2.76316e-5 m3/s per W of nominal capacity,
    and heat rejected 1.25 x nominal (its sizing ratio; EnergyPlus Input Output Reference)."""
    pl = psychrolib_si()
    w_in = pl.GetHumRatioFromTWetBulb(35.0, 25.6, P_STD_PA)
    q_w = 1.25  # heat rejected per W of nominal capacity
    m_a = 2.76316e-5 * pl.GetMoistAirDensity(35.0, w_in, P_STD_PA)  # kg/s per W of nominal capacity
    h_out = pl.GetSatAirEnthalpy(25.6, P_STD_PA) + q_w / m_a
    lo, hi = 20.0, 50.0
    for _ in range(100):  # T_sat(h_out) by bisection
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if pl.GetSatAirEnthalpy(mid, P_STD_PA) < h_out else (lo, mid)
    w_out = pl.GetSatHumRatio(0.5 * (lo + hi), P_STD_PA)
    evap_energyplus = m_a * (w_out / (1.0 + w_out) - w_in / (1.0 + w_in))  # kg/s per W of nominal
    f = tower_latent_fraction(35.0, w_in, tower_leaving_air_c(29.4, 5.6), P_STD_PA)
    evap = f * q_w / H_FG_J_PER_KG
    # 10 %: EnergyPlus's exit air is 33.4 °C from its default air flow, here the mean water
    # 32.2 °C; it also mixes specific humidities with enthalpies per kg of dry air (measured: +8.5 %)
    assert evap == pytest.approx(evap_energyplus, rel=0.10)


@pytest.mark.parametrize("t_db, rh", [(20.0, 60.0), (25.0, 50.0)])
def test_summer_share_agrees_with_the_rule_of_thumb(t_db, rh):
    pl = psychrolib_si()
    w = pl.GetHumRatioFromRelHum(t_db, rh / 100.0, P_STD_PA)
    t_cold = pl.GetTWetBulbFromHumRatio(t_db, w, P_STD_PA) + 4.0  # the default 4 K approach
    f = tower_latent_fraction(t_db, w, tower_leaving_air_c(t_cold, 5.56), P_STD_PA)
    # 10 %: the rule is one two-digit coefficient for typical summer duty, while the sensible
    # share moves with the air's dryness (EnergyPlus lists typical loss factors 0.15-0.27 %/K)
    assert f == pytest.approx(RULE_OF_THUMB_SHARE, rel=0.10)


def test_share_falls_in_cold_weather():
    """At 80 % RH and the default approach and floors (4 °C below free cooling's wet bulb
    + approach), the share of heat leaving by evaporation rises with the air temperature: in
    winter the air warms by 7-22 K in the tower (0 to -15 °C) and a large part of the heat leaves sensibly."""
    pl = psychrolib_si()
    shares = []
    for t_db in np.arange(-15.0, 31.0, 5.0):
        w = pl.GetHumRatioFromRelHum(float(t_db), 0.8, P_STD_PA)
        t_wb = pl.GetTWetBulbFromHumRatio(float(t_db), w, P_STD_PA)
        shares.append(tower_latent_fraction(float(t_db), w, tower_leaving_air_c(max(t_wb + 4.0, 4.0), 5.56), P_STD_PA))
    assert np.all(np.diff(shares) > 0)
    # computed: 0.37 at -15 °C, 0.52 at 0 °C, 0.78-0.85 at 20-30 °C. At and below 0 °C more
    # than 45 % of the heat leaves sensibly; in summer evaporation carries more than 3/4
    assert max(shares[:4]) < 0.55 and min(shares[7:]) > 0.75


def test_evaporated_fraction_override_and_dry_tower():
    _, p, _ = build_plant(Cooling(chiller={"condenser": "water"}), HeatReuse(), 900.0, 80.0)
    tw = p.tower
    assert math.isnan(tw.tower_evaporated_fraction) and tw.tower_freeze_wetbulb_c == 0.0
    w = 0.008
    f = tower_evaporated_fraction(tw, False, 20.0, 5.56, 24.0, w, P_STD_PA)
    assert f == tower_latent_fraction(24.0, w, tower_leaving_air_c(20.0, 5.56), P_STD_PA)
    assert tower_evaporated_fraction(tw, True, 20.0, 5.56, 24.0, w, P_STD_PA) == 0.0
    _, p1, _ = build_plant(Cooling(chiller={"condenser": "water"}, tower={"evaporated_fraction": 1.0}),
                           HeatReuse(), 900.0, 80.0)
    assert tower_evaporated_fraction(p1.tower, False, 20.0, 5.56, 24.0, w, P_STD_PA) == 1.0  # the old behaviour
    assert tower_evaporated_fraction(p1.tower, True, 20.0, 5.56, 24.0, w, P_STD_PA) == 0.0


def test_freeze_protection_limit_and_mode():
    assert tower_runs_dry(-0.1, 0.0) and not tower_runs_dry(0.0, 0.0) and not tower_runs_dry(5.0, 0.0)
    assert reported_mode(MODE_FREE, True) == MODE_FREE_DRY and reported_mode(MODE_FREE, False) == MODE_FREE
    # with compressors running the mode says so; the dry tower evaporates nothing either way
    assert reported_mode(MODE_MECHANICAL, True) == MODE_MECHANICAL
    assert reported_mode(MODE_PARTIAL_FREE, True) == MODE_PARTIAL_FREE
