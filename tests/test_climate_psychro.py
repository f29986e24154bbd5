"""Psychrometrics against PsychroLib (SI) and the Nordic humidity example of REFERENCES.md."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dcsim.climate import psychro as ps
from tests.conftest import psychrolib_si

pl = psychrolib_si()

P_PA = 101325.0
# grid of -40..45 °C and 1..100 % RH
_T, _RH = np.meshgrid(np.arange(-40.0, 45.5, 1.0), np.arange(1.0, 100.5, 1.0))
T_C = _T.ravel()
RH_PCT = _RH.ravel()


def _ref(fn, *cols):
    return np.array([fn(*args) for args in zip(*cols)])


def test_saturation_vapor_pressure_matches_psychrolib():
    got = ps.saturation_vapor_pressure_pa(T_C)
    ref = _ref(pl.GetSatVapPres, T_C)
    # same closed-form equations (ASHRAE eqs. 5/6): only floating-point round-off differs
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_humidity_ratio_from_rh_matches_psychrolib():
    got = ps.humidity_ratio_from_rh(T_C, RH_PCT, P_PA)
    ref = _ref(lambda t, rh: pl.GetHumRatioFromRelHum(t, rh / 100.0, P_PA), T_C, RH_PCT)
    # closed form (eqs. 20, 24): round-off only
    np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_rh_from_humidity_ratio_matches_psychrolib_and_round_trips():
    w = ps.humidity_ratio_from_rh(T_C, RH_PCT, P_PA)
    got = ps.rh_pct_from_humidity_ratio(T_C, w, P_PA)
    ref = 100.0 * _ref(lambda t, wi: pl.GetRelHumFromHumRatio(t, wi, P_PA), T_C, w)
    # closed form: round-off only
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    # the inverse of humidity_ratio_from_rh: round-off only
    np.testing.assert_allclose(got, RH_PCT, rtol=1e-12)
    assert ps.rh_from_humidity_ratio is ps.rh_pct_from_humidity_ratio


def test_dewpoint_matches_psychrolib():
    w = ps.humidity_ratio_from_rh(T_C, RH_PCT, P_PA)
    got_w = ps.dewpoint_c_from_humidity_ratio(w, P_PA)
    ref_w = _ref(lambda t, wi: pl.GetTDewPointFromHumRatio(t, wi, P_PA), T_C, w)
    # PsychroLib stops its Newton iteration at 1e-3 K, ours at 1e-7 K
    np.testing.assert_allclose(got_w, ref_w, atol=1e-3, rtol=0)
    got_rh = ps.dewpoint_c_from_rh(T_C, RH_PCT)
    ref_rh = _ref(lambda t, rh: pl.GetTDewPointFromRelHum(t, rh / 100.0), T_C, RH_PCT)
    # same Newton tolerance difference
    np.testing.assert_allclose(got_rh, ref_rh, atol=1e-3, rtol=0)


def test_wetbulb_matches_psychrolib():
    got = ps.wetbulb_c_from_rh(T_C, RH_PCT, P_PA)
    ref = _ref(lambda t, rh: pl.GetTWetBulbFromRelHum(t, rh / 100.0, P_PA), T_C, RH_PCT)
    # PsychroLib bisects to a 1e-3 K bracket and returns its midpoint: within 0.5e-3 K of ours
    np.testing.assert_allclose(got, ref, atol=1e-3, rtol=0)
    w = ps.humidity_ratio_from_rh(T_C, RH_PCT, P_PA)
    got_w = ps.wetbulb_c_from_humidity_ratio(T_C, w, P_PA)
    # the same solver reached through W: identical up to round-off in W
    np.testing.assert_allclose(got_w, got, atol=1e-6, rtol=0)


def test_humidity_ratio_from_wetbulb_matches_psychrolib():
    twb = _ref(lambda t, rh: pl.GetTWetBulbFromRelHum(t, rh / 100.0, P_PA), T_C, RH_PCT)
    got = ps.humidity_ratio_from_wetbulb(T_C, twb, P_PA)
    ref = _ref(lambda t, tw: pl.GetHumRatioFromTWetBulb(t, tw, P_PA), T_C, twb)
    # closed form (eqs. 33/35): round-off only
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-15)


def test_moist_air_properties_match_psychrolib():
    w = ps.humidity_ratio_from_rh(T_C, RH_PCT, P_PA)
    h = ps.moist_air_enthalpy_j_per_kg(T_C, w)
    # closed form (eq. 30): round-off only
    np.testing.assert_allclose(h, _ref(pl.GetMoistAirEnthalpy, T_C, w), rtol=1e-12, atol=1e-9)
    # exact inverse of eq. 30: round-off only
    np.testing.assert_allclose(ps.drybulb_c_from_enthalpy(h, w), T_C, atol=1e-9)
    v = ps.moist_air_specific_volume_m3_per_kg(T_C, w, P_PA)
    # closed form (eq. 26): round-off only
    np.testing.assert_allclose(v, _ref(lambda t, wi: pl.GetMoistAirVolume(t, wi, P_PA), T_C, w), rtol=1e-12)
    rho = ps.moist_air_density_kg_per_m3(T_C, w, P_PA)
    # closed form (eqs. 11, 26): round-off only
    np.testing.assert_allclose(rho, _ref(lambda t, wi: pl.GetMoistAirDensity(t, wi, P_PA), T_C, w), rtol=1e-12)
    ws = ps.saturation_humidity_ratio(T_C, P_PA)
    # closed form: round-off only
    np.testing.assert_allclose(ws, _ref(lambda t: pl.GetSatHumRatio(t, P_PA), T_C), rtol=1e-12)


@pytest.mark.parametrize("z_m", [0.0, 19.9, 500.0, 2000.0])
def test_standard_atmosphere_matches_psychrolib(z_m):
    # closed form (eq. 3): round-off only
    assert ps.standard_atmosphere_pressure_pa(z_m) == pytest.approx(pl.GetStandardAtmPressure(z_m), rel=1e-12)


def test_nordic_winter_example_from_references():
    """-20 °C / 85 % RH holds 0.54 g/kg, dew point -21.7 °C; heated to 20 °C it is 3.8 % RH."""
    w = ps.humidity_ratio_from_rh(-20.0, 85.0, P_PA)
    # REFERENCES.md gives two significant digits (0.54 g/kg)
    assert w * 1000.0 == pytest.approx(0.54, abs=0.005)
    # REFERENCES.md gives one decimal (-21.7 °C)
    assert ps.dewpoint_c_from_rh(-20.0, 85.0) == pytest.approx(-21.7, abs=0.05)
    # heating keeps W; REFERENCES.md gives 3.8 % (ours 3.75, which rounds to 3.8)
    assert ps.rh_pct_from_humidity_ratio(20.0, w, P_PA) == pytest.approx(3.8, abs=0.05)


def test_scalar_in_float_out_and_shapes_kept():
    assert isinstance(ps.saturation_vapor_pressure_pa(20.0), float)
    t = np.linspace(-10, 30, 12).reshape(3, 4)
    out = ps.humidity_ratio_from_rh(t, 50.0, P_PA)
    assert out.shape == (3, 4)
    # broadcasting a column of pressures against a row of temperatures
    out = ps.humidity_ratio_from_rh(np.array([0.0, 10.0, 20.0]), 50.0, np.array([[90000.0], [101325.0]]))
    assert out.shape == (2, 3)
    assert out[0, 2] > out[1, 2]  # lower pressure, more vapour per kg dry air


def test_read_only_and_non_contiguous_inputs():
    base = np.linspace(-10, 30, 40)
    ro = base.copy()
    ro.setflags(write=False)
    ref = ps.wetbulb_c_from_rh(base, 60.0, P_PA)
    np.testing.assert_array_equal(ps.wetbulb_c_from_rh(ro, 60.0, P_PA), ref)
    np.testing.assert_array_equal(ps.wetbulb_c_from_rh(base[::2], 60.0, P_PA), ref[::2])
    assert ro.flags.writeable is False  # inputs are never modified


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="broadcast"):
        ps.humidity_ratio_from_rh(np.zeros(3), np.zeros(4), P_PA)
    with pytest.raises(ValueError, match="rh_pct"):
        ps.humidity_ratio_from_rh(20.0, 101.0, P_PA)
    with pytest.raises(ValueError, match="t_c"):
        ps.saturation_vapor_pressure_pa(-150.0)
    with pytest.raises(ValueError, match="pressure_pa"):
        ps.humidity_ratio_from_rh(20.0, 50.0, 0.0)
    with pytest.raises(ValueError, match="wetbulb"):
        ps.humidity_ratio_from_wetbulb(10.0, 12.0, P_PA)


def test_nan_propagates():
    out = ps.wetbulb_c_from_rh(np.array([np.nan, 10.0]), np.array([50.0, np.nan]), P_PA)
    assert np.isnan(out).all()
    assert np.isnan(ps.dewpoint_c_from_rh(np.nan, 50.0))
    assert np.isnan(ps.dewpoint_c_from_rh(10.0, np.nan))
    assert np.isnan(ps.humidity_ratio_from_rh(10.0, np.nan, P_PA))


def test_bone_dry_air_is_bounded_not_infinite():
    td = ps.dewpoint_c_from_rh(20.0, 0.0)
    assert -100.0 < td < -80.0  # bounded by MIN_HUMIDITY_RATIO = 1e-7 kg/kg
    assert np.isfinite(ps.wetbulb_c_from_rh(20.0, 0.0, P_PA))


def test_one_year_at_one_minute_steps():
    """525,600 values (a year at 1-minute steps) run through the kernels."""
    rng = np.random.default_rng(0)
    t = rng.uniform(-35.0, 35.0, 525_600)
    rh = rng.uniform(5.0, 100.0, 525_600)
    twb = ps.wetbulb_c_from_rh(t, rh, P_PA)
    tdp = ps.dewpoint_c_from_rh(t, rh)
    assert twb.shape == (525_600,)
    # wet bulb lies between dew point and dry bulb (1e-9 K: solver round-off)
    assert np.all(twb <= t + 1e-9) and np.all(twb >= tdp - 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    t_c=st.floats(-50.0, 60.0),  # with RH >= 2 %, W stays above the 1e-7 kg/kg lower bound
    rh_pct=st.floats(2.0, 100.0),
    p_pa=st.floats(60_000.0, 108_000.0),
)
def test_properties(t_c, rh_pct, p_pa):
    w = ps.humidity_ratio_from_rh(t_c, rh_pct, p_pa)
    # RH -> W -> RH is exact up to round-off
    assert ps.rh_pct_from_humidity_ratio(t_c, w, p_pa) == pytest.approx(rh_pct, rel=1e-10)
    tdp = ps.dewpoint_c_from_humidity_ratio(w, p_pa)
    # dew point at or below dry bulb (1e-6 K: Newton tolerance)
    assert tdp <= t_c + 1e-6
    # the humidity ratio at the dew point is W again (Newton tolerance 1e-7 K -> 1e-6 relative)
    assert ps.humidity_ratio_from_dewpoint(tdp, p_pa) == pytest.approx(w, rel=1e-6)
    twb = ps.wetbulb_c_from_rh(t_c, rh_pct, p_pa)
    # dew point <= wet bulb <= dry bulb (1e-3 K: PsychroLib-style bisection at the 0 °C seam)
    assert tdp - 1e-3 <= twb <= t_c + 1e-9


# ---------------------------------------------------------------------------------------------
# the array functions apply the scalar kernels that the cooling plant inlines
# ---------------------------------------------------------------------------------------------

_N = 400
_rng = np.random.default_rng(14)
_STATES = {
    "t": _rng.uniform(-60.0, 60.0, _N),
    "rh": _rng.uniform(0.0, 100.0, _N),
    "p": _rng.uniform(50_000.0, 110_000.0, _N),
    "w": _rng.uniform(0.0, 0.05, _N),
    "h": _rng.uniform(-1e5, 2e5, _N),
}
_STATES["below_t"] = np.maximum(_STATES["t"] - _rng.uniform(0.0, 20.0, _N), -100.0)  # dew point, wet bulb
_STATES["pw"] = _rng.uniform(0.001, 0.9, _N) * _STATES["p"]
for _k, _col in enumerate(_STATES.values()):
    _col[_k::37] = np.nan  # NaN in a different place in each input

_CASES = [  # public function, the scalar kernel it applies, its inputs
    (ps.saturation_vapor_pressure_pa, ps._pws, ("t",)),
    (ps.saturation_humidity_ratio, ps._ws, ("t", "p")),
    (ps.humidity_ratio_from_vapor_pressure, ps._w_from_pw, ("pw", "p")),
    (ps.vapor_pressure_pa_from_humidity_ratio, ps._pw_from_w, ("w", "p")),
    (ps.humidity_ratio_from_rh, ps._w_from_rh, ("t", "rh", "p")),
    (ps.rh_pct_from_humidity_ratio, ps._rh_from_w, ("t", "w", "p")),
    (ps.dewpoint_c_from_vapor_pressure, ps._dewpoint_from_pw, ("pw",)),
    (ps.dewpoint_c_from_humidity_ratio, ps._dewpoint_from_w, ("w", "p")),
    (ps.dewpoint_c_from_rh, ps._dewpoint_from_rh, ("t", "rh")),
    (ps.humidity_ratio_from_dewpoint, ps._ws, ("below_t", "p")),
    (ps.rh_pct_from_dewpoint, ps._rh_from_dewpoint, ("t", "below_t")),
    (ps.humidity_ratio_from_wetbulb, ps._w_from_wetbulb, ("t", "below_t", "p")),
    (ps.wetbulb_c_from_humidity_ratio, ps._wetbulb, ("t", "w", "p")),
    (ps.wetbulb_c_from_rh, ps._wetbulb_from_rh, ("t", "rh", "p")),
    (ps.moist_air_enthalpy_j_per_kg, ps._enthalpy, ("t", "w")),
    (ps.drybulb_c_from_enthalpy, ps._drybulb_from_enthalpy, ("h", "w")),
    (ps.moist_air_specific_volume_m3_per_kg, ps._specific_volume, ("t", "w", "p")),
    (ps.moist_air_density_kg_per_m3, ps._density, ("t", "w", "p")),
]


@pytest.mark.parametrize("public, scalar, inputs", _CASES, ids=[c[0].__name__ for c in _CASES])
def test_public_function_is_its_scalar_kernel_to_the_bit(public, scalar, inputs):
    """The compiled loop gives, bit for bit, what the scalar kernel gives called state by state
    (the code the cooling plant inlines), NaN in giving NaN out."""
    cols = [_STATES[k] for k in inputs]
    got = public(*cols)
    expected = np.array([scalar(*state) for state in zip(*cols)])
    assert got.dtype == np.float64 and got.shape == (_N,)
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))
    nan_in = np.isnan(np.vstack(cols)).any(axis=0)
    assert nan_in.sum() >= len(inputs) * (_N // 37) and np.isnan(got[nan_in]).all()
    assert np.isfinite(got[~nan_in]).all()


def test_weather_state_kernel_agrees_with_the_public_functions():
    t, td, p = (np.ascontiguousarray(_STATES[k][:300]) for k in ("t", "below_t", "p"))
    ok = ~np.isnan(t + td + p)
    t, td, p = t[ok], td[ok], p[ok]
    w, rh, twb = ps._state_from_dewpoint(t, td, p)
    # the same formula (eqs. 20, 23, 36): to the bit
    np.testing.assert_array_equal(w, ps.humidity_ratio_from_dewpoint(td, p))
    # p_ws(t_d) / p_ws(t) against exp(ln p_ws(t_d) - ln p_ws(t)): round-off only
    np.testing.assert_allclose(rh, np.minimum(ps.rh_pct_from_dewpoint(t, td), 100.0), rtol=1e-12)
    # given dew point against the one solved from W (Newton, 1e-7 K): within the solver tolerances
    np.testing.assert_allclose(twb, ps.wetbulb_c_from_humidity_ratio(t, w, p), rtol=0, atol=1e-6)


def test_division_by_zero_gives_inf_without_warning_or_error():
    """Numba's numpy error model (inf, no exception) and no floating-point warning from the
    compiled loop, whatever the caller's NumPy error state."""
    t = np.array([20.0, 60.0, 100.0])
    p_ws = ps.saturation_vapor_pressure_pa(t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            w_s = ps.saturation_humidity_ratio(t, p_ws)  # eq. 23 with p - p_ws = 0
            v = ps.moist_air_specific_volume_m3_per_kg(t, 0.01, 5e-324)  # overflow to inf
    assert np.isposinf(w_s).all() and np.isposinf(v).all()


def test_every_applied_scalar_has_its_compiled_loop():
    """Each public function's scalar kernel runs through its own cached @njit loop (whose float
    flags tests/test_numeric.py checks with every other dcsim dispatcher)."""
    for public, scalar, _ in _CASES:
        loop = ps._LOOPS[scalar]
        assert loop.targetoptions["fastmath"] is False, public.__name__
        assert loop.py_func.__code__.co_argcount == scalar.py_func.__code__.co_argcount + 1, public.__name__


def test_dewpoint_newton_is_the_solver_and_reports_convergence():
    """The one Newton iteration on ln p_ws (cold-started by _dewpoint_from_pw, warm-started by
    the plant's supply-air dew point): from any start it lands on the same root to its 1e-7 K."""
    import math

    from dcsim.climate._psychro_scalar import _dewpoint_from_pw, _dewpoint_newton

    for pw in (50.0, 611.2, 1500.0, 4000.0):
        td = _dewpoint_from_pw(pw)
        for start in (td - 3.0, td + 0.5, td):
            t, ok = _dewpoint_newton(math.log(pw), start, 100)
            assert ok and abs(t - td) <= 2e-7
        t, ok = _dewpoint_newton(math.log(pw), td + 40.0, 1)  # one step from far away: not there yet
        assert not ok
