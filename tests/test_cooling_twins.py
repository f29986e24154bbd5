"""Small compiled plant functions against plain-Python twins written from their equations."""

import math

import numpy as np
import pytest

from dcsim.climate._psychro_scalar import _dewpoint_from_pw, _drybulb_from_enthalpy, _enthalpy, _w_from_enthalpy
from dcsim.data.equipment import chiller_curve_key, get_chiller
from dcsim.cooling.chiller import mechanical_cooling
from dcsim.cooling.plant import _dewpoint_cached
from dcsim.cooling.systems.fresh_air import ashrae_humidity_bounds
from dcsim.heatreuse import heatreuse_step
from dcsim.model import build_plant
from dcsim.scenario.facility import Cooling, HeatReuse
from tests.conftest import psychrolib_si

pl = psychrolib_si()


def test_moist_air_enthalpy_against_psychrolib():
    rng = np.random.default_rng(12)
    for _ in range(200):
        t, w = rng.uniform(-30, 45), rng.uniform(1e-4, 0.03)
        h = _enthalpy(t, w)
        assert h == pytest.approx(pl.GetMoistAirEnthalpy(t, w), rel=1e-12)
        assert _drybulb_from_enthalpy(h, w) == pytest.approx(pl.GetTDryBulbFromEnthalpyAndHumRatio(h, w), abs=1e-10)
        assert _w_from_enthalpy(h, t) == pytest.approx(w, rel=1e-10)


@pytest.mark.parametrize("cls", ["A1", "A2", "A3", "A4"])
def test_humidity_bounds_against_psychrolib(cls):
    _, p, _ = build_plant(Cooling(system="fresh-air"), HeatReuse(), 500.0, 50.0, ashrae_class=cls)
    lim = {"A1": (17, 80), "A2": (21, 80), "A3": (24, 85), "A4": (24, 90)}[cls]
    for t_sup in (15.0, 20.0, 27.0):
        lo, hi = ashrae_humidity_bounds(p.fresh_air, t_sup, 101325.0)
        want_lo = max(pl.GetHumRatioFromTDewPoint(-12.0, 101325.0), pl.GetHumRatioFromRelHum(t_sup, 0.08, 101325.0))
        want_hi = min(pl.GetHumRatioFromTDewPoint(lim[0], 101325.0), pl.GetHumRatioFromRelHum(t_sup, lim[1] / 100, 101325.0))
        assert lo == pytest.approx(want_lo, rel=1e-9) and hi == pytest.approx(want_hi, rel=1e-9)


def test_warm_started_dewpoint_equals_the_psychro_solver():
    state = np.array([-1.0, 1e30, 0.0, 0.0, -1.0, 0.0])
    rng = np.random.default_rng(13)
    pws = rng.uniform(10.0, 4000.0, 500)
    for pw in np.concatenate([pws, np.sort(pws), [611.0, 611.2, 611.3, 612.0]]):
        assert _dewpoint_cached(state, pw) == pytest.approx(_dewpoint_from_pw(pw), abs=2e-7)


def _mech_twin(p, cur, q, t_chw, t_cond, constant=False):
    """Plain-Python twin of mechanical_cooling: staged equal units, Carnot form (the lift terms
    from the build layer, tested in test_cooling_chiller.py) or DOE-2 EIR; part load by the
    curve set's EIRFPLR and limits (Carnot: PLR at most 1; constant fraction: none)."""
    if q <= 0 or p.mech_capacity_kw <= 0:
        return 0.0, 0.0, 0.0
    each = p.mech_capacity_kw / p.chiller_count
    c, plr_min, plr_unl, plr_max = cur.eirfplr, cur.plr_min, cur.plr_min_unloading, cur.plr_max
    if p.chiller_model == 0.0:
        plr_max = 1.0
        if constant:
            c, plr_min, plr_unl = (0.0, 1.0, 0.0), 0.0, 0.0
        t_evap = t_chw - p.evaporator_approach_k
        lift = max(max(t_cond + p.condenser_approach_k, p.min_condensing_c) - t_evap, 1.0)
        eir = (p.carnot_a0_k + p.carnot_a1 * lift + p.carnot_a2_per_k * lift**2) / (t_evap + 273.15)
        avail = each
    else:
        x = min(max(t_chw, cur.t_chw_min_c), cur.t_chw_max_c)
        y = min(max(t_cond, cur.t_cond_min_c), cur.t_cond_max_c)
        bq = lambda c: c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y  # noqa: E731
        avail = each * max(bq(cur.capft), 1e-6)
        eir = bq(cur.eirft) / cur.cop_ref
    n_on = int(min(max(math.ceil(q / avail - 1e-12), 1), p.chiller_count))
    plr1 = min(q / n_on / avail, plr_max)
    plr2 = max(plr1, plr_unl)
    cr = min(plr1 / plr_min, 1.0) if plr_min > 0 else 1.0
    power = n_on * avail * eir * (c[0] + c[1] * plr2 + c[2] * plr2**2) * cr
    qd = n_on * plr1 * avail
    return qd, power, qd / power


@pytest.mark.parametrize("chiller", [{}, {"model": "eir", "count": 3}, {"model": "eir", "curve": "mcquay-wsc-471kw", "count": 1,
                                                                          "condenser": "water"},
                                     {"capacity_kw": 200.0}, {"count": 3, "carnot_efficiency": 0.4},
                                     {"carnot_fraction": "constant", "carnot_efficiency": 0.3}])
def test_mechanical_cooling_matches_twin(chiller):
    c = Cooling(chiller=chiller)
    _, p, _ = build_plant(c, HeatReuse(), 900.0, 80.0)
    cur = get_chiller(chiller_curve_key(c.chiller.curve, c.chiller.condenser))
    rng = np.random.default_rng(14)
    for _ in range(300):
        q, t_chw, t_cond = rng.uniform(0, 1500), rng.uniform(4, 18), rng.uniform(-10, 40)
        got = mechanical_cooling(p.chiller, q, t_chw, t_cond)
        want = _mech_twin(p.chiller, cur, q, t_chw, t_cond, c.chiller.carnot_fraction == "constant")
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_heatreuse_step_matches_twin():
    _, p, _ = build_plant(Cooling(), HeatReuse(enabled=True, capacity_kw=400.0), 900.0, 80.0)
    hp = p.heat_reuse
    rng = np.random.default_rng(15)
    for _ in range(300):
        q_av, t_in, t_db, dem = rng.uniform(0, 900), rng.uniform(10, 60), rng.uniform(-30, 30), rng.uniform(0, 800)
        t_sup = float(np.interp(t_db, [-15, 15], [100, 70]))
        th, tc = t_sup + 5 + 273.15, t_in - 5 + 273.15
        cop = (0.625 - 0.0017 * ((th - tc) - 50)) * th / (th - tc)
        q_e_max = min(q_av, 400.0)
        q_del = min(q_e_max * cop / (cop - 1), dem) if q_av > 0 and dem > 0 else 0.0
        w = q_del / cop
        got = heatreuse_step(hp, q_av, t_in, t_in - 6, t_db, dem)
        assert got[1] == pytest.approx(q_del, rel=1e-12, abs=1e-12)
        assert got[2] == pytest.approx(w, rel=1e-12, abs=1e-12)
        assert got[0] == pytest.approx(q_del - w, rel=1e-12, abs=1e-9)
        assert got[4] == pytest.approx(t_sup, rel=1e-14)
