"""Chillers, issue 15: air-cooled curve sets and their condenser type, the Carnot form with a
fraction falling with lift, part load and staging (N+1) against REFERENCES.md and a plain-Python
reference."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from dcsim.cooling.chiller import biquadratic, lift_cop, mechanical_cooling
from dcsim.data.equipment import DEFAULT_CHILLER_CURVE, chiller_catalog, get_chiller
from dcsim.errors import InputError
from dcsim.model import build_plant
from dcsim.model.plant import build_chiller
from dcsim.scenario import load_scenario
from dcsim.scenario.facility import Chiller, Cooling, HeatReuse

K = 273.15
ASHRAE = get_chiller("ashrae901-2010-air-cooled")
YORK = get_chiller("york-ycal0033ee-101kw")
MQ = get_chiller("mcquay-pfh-2124kw")


def _full_load_cop(c, x, y):
    """Full-load COP of a DOE-2 curve set: COP_ref / (EIRFT EIRFPLR(1)) (EnergyPlus Chiller:Electric:EIR)."""
    return c.cop_ref / (biquadratic(np.asarray(c.eirft), x, y) * sum(c.eirfplr))


# --- catalogue --------------------------------------------------------------------------------

def test_every_curve_set_states_its_condenser_and_both_kinds_exist():
    cat = chiller_catalog()
    assert {c.condenser for c in cat.values()} == {"air", "water"}
    assert get_chiller(DEFAULT_CHILLER_CURVE["air"]).condenser == "air"
    assert get_chiller(DEFAULT_CHILLER_CURVE["water"]).condenser == "water"
    for c in cat.values():
        assert c.t_chw_min_c < c.t_chw_max_c and c.t_cond_min_c < c.t_cond_max_c and c.source


def test_ashrae_air_cooled_curves_give_the_90_1_minimum_at_the_ahri_point():
    # 90.1-2010 minimum full-load EER 9.562 Btu/Wh = 2.802 W/W at 6.67 °C water / 35 °C air; the
    # curves are normalised there to 2e-4 (CAPFT 1.0002, EIRFT 0.9999), EIRFPLR(1) = 0.999: 0.2 %
    assert _full_load_cop(ASHRAE, 6.67, 35.0) == pytest.approx(9.562 / 3.41214, rel=2e-3)
    assert biquadratic(np.asarray(ASHRAE.capft), 6.67, 35.0) == pytest.approx(1.0, abs=1e-3)
    # an air-cooled machine: COP falls steeply with the outdoor air, 4.85 -> 1.76 over the range
    cops = [_full_load_cop(ASHRAE, 7.5, y) for y in np.linspace(12.7, 51.67, 20)]
    assert np.all(np.diff(cops) < 0) and cops[0] / cops[-1] > 2.5


def test_york_record_cop_at_its_reference_point():
    # Modelica Buildings record: COP_nominal 3.1 at 6.67/35 °C; its EIRFT is 1.021 there (as
    # published), so the curve's own full-load COP is 3.1/1.021, to the record's 4 digits
    assert _full_load_cop(YORK, 6.67, 35.0) == pytest.approx(3.1 / 1.0208, rel=1e-3)


# --- condenser type checked at validation ------------------------------------------------------

@pytest.mark.parametrize("data, curve_kind", [
    ({"model": "eir", "curve": "mcquay-pfh-2124kw", "condenser": "air"}, "water"),
    ({"model": "carnot", "curve": "mcquay-wsc-471kw"}, "water"),
    ({"model": "eir", "curve": "ashrae901-2010-air-cooled", "condenser": "water"}, "air"),
])
def test_curve_on_the_other_condenser_is_refused_naming_the_key(data, curve_kind):
    with pytest.raises(ValidationError) as exc:
        Chiller.model_validate(data)
    err = exc.value.errors()[0]["ctx"]["error"]
    assert err.field == "curve"
    other = "air" if curve_kind == "water" else "water"
    assert f"{curve_kind}-cooled curve set" in str(err) and f'condenser is "{other}"' in str(err)


def test_mismatch_is_located_in_the_file_and_exit_2(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('name = "x"\n[simulation]\nduration = "1d"\n[cooling.chiller]\nmodel = "eir"\n'
                 'curve = "mcquay-pfh-2124kw"\n')
    with pytest.raises(InputError) as info:
        load_scenario(f)
    (p,) = info.value.problems
    assert p.path == "cooling.chiller.curve" and p.line == 6 and p.value == "mcquay-pfh-2124kw"
    assert "water-cooled" in p.message and '"air"' in p.message and "ashrae901-2010-air-cooled" in p.message
    proc = subprocess.run([sys.executable, "-m", "dcsim", "validate", str(f)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cooling.chiller.curve" in proc.stderr and "s.toml, line 6" in proc.stderr


def test_constant_fraction_needs_its_value():
    with pytest.raises(ValidationError) as exc:
        Chiller.model_validate({"carnot_fraction": "constant"})
    assert exc.value.errors()[0]["ctx"]["error"].field == "carnot_efficiency"


def test_default_curve_follows_the_condenser():
    # empty curve: the condenser type's default, so an air-cooled EIR chiller is no longer the
    # water-cooled McQuay (issue 15: July COP 8.4 against 4.25)
    air = build_chiller(Chiller(model="eir"), 1000.0)
    water = build_chiller(Chiller(model="eir", condenser="water"), 1000.0)
    assert air.eir_cop_ref == ASHRAE.cop_ref and water.eir_cop_ref == MQ.cop_ref


# --- the Carnot form fitted to the curves --------------------------------------------------------

def _carnot(ch, x, y):
    p = build_chiller(ch, 1000.0)
    q, power, cop = mechanical_cooling(p, 1000.0, x, y)
    assert q == pytest.approx(1000.0)
    return cop


@pytest.mark.parametrize("key, max_err, rms_err", [
    # three physical terms against a six-coefficient biquadratic; the 90.1 curve flattens at low
    # outdoor air more than any Carnot form with a 25 °C condensing floor: 12 % at worst, 4 % rms
    ("ashrae901-2010-air-cooled", 0.13, 0.04),
    ("york-ycal0033ee-101kw", 0.07, 0.02),
    # water-cooled: the 10 K condenser approach overstates the lift, the fit absorbs it
    ("mcquay-pfh-2124kw", 0.15, 0.05),
])
def test_carnot_form_reproduces_its_curve_set_over_the_range(key, max_err, rms_err):
    c = get_chiller(key)
    ch = Chiller(curve=key, condenser=c.condenser)
    errs = []
    for x in np.linspace(c.t_chw_min_c, c.t_chw_max_c, 6):
        for y in np.linspace(c.t_cond_min_c, c.t_cond_max_c, 12):
            errs.append(_carnot(ch, x, y) / _full_load_cop(c, x, y) - 1.0)
    errs = np.abs(errs)
    assert errs.max() < max_err and np.sqrt(np.mean(errs**2)) < rms_err


def test_carnot_fraction_falls_with_lift_below_the_rating_point():
    p = build_chiller(Chiller(), 1000.0)
    eta = [lift / (p.carnot_a0_k + p.carnot_a1 * lift + p.carnot_a2_per_k * lift**2) for lift in (10, 20, 30, 40)]
    assert np.all(np.diff(eta) > 0)
    # the ASHRAE curve's own fraction at 7.5 °C water, 23.8 / 12.7 °C air (lifts 28.3 / 20.2 K
    # with the 25 °C floor): 0.413 / 0.318 (docs/physics.md table); the fit follows within 0.03
    assert eta[1] == pytest.approx(0.36, abs=0.03)


def test_warmer_chilled_water_no_longer_doubles_the_cop():
    # issue 15: the constant fraction 0.3 gave 4.6 -> 9.4 from 10 to 19 °C water (condensing at the
    # 25 °C floor); the fitted form gives about 1.4x, bounded by its fixed losses
    old = Chiller(carnot_fraction="constant", carnot_efficiency=0.3)
    # the two-figure values 4.6 and 9.4 fix their ratio to about 2 %
    assert _carnot(old, 19.0, 0.0) / _carnot(old, 10.0, 0.0) == pytest.approx(9.4 / 4.6, rel=0.02)
    new = Chiller()
    ratio = _carnot(new, 19.0, 0.0) / _carnot(new, 10.0, 0.0)
    assert 1.2 < ratio < 1.6
    # inside the curve's range, warmer water helps about as much as the curve says: 5 -> 10 °C at
    # 23.8 °C air, curve +11.9 %, form +18.0 %: two points each within the fit's 4 % rms, so
    # their ratio within about 2 x 4 %
    curve = _full_load_cop(ASHRAE, 10.0, 23.8) / _full_load_cop(ASHRAE, 5.0, 23.8)
    assert _carnot(new, 10.0, 23.8) / _carnot(new, 5.0, 23.8) == pytest.approx(curve, rel=0.08)


def test_carnot_efficiency_scales_the_fitted_relation():
    a = build_chiller(Chiller(), 1000.0)
    b = build_chiller(Chiller(carnot_efficiency=0.3), 1000.0)
    eta40 = 40 / (a.carnot_a0_k + a.carnot_a1 * 40 + a.carnot_a2_per_k * 1600)
    for t_cond in (20.0, 35.0, 50.0):
        ra = lift_cop(5.0, t_cond, a.carnot_a0_k, a.carnot_a1, a.carnot_a2_per_k)
        rb = lift_cop(5.0, t_cond, b.carnot_a0_k, b.carnot_a1, b.carnot_a2_per_k)
        assert rb / ra == pytest.approx(0.3 / eta40, rel=1e-12)  # one factor at every lift


def test_carnot_part_load_follows_the_curve_sets_eirfplr():
    # EIRFPLR of the ASHRAE air-cooled set {0.141, 0.655, 0.203}: COP(PLR) = COP_full PLR / EIRFPLR(PLR)
    p = build_chiller(Chiller(), 1000.0)
    _, _, full = mechanical_cooling(p, 1000.0, 8.0, 30.0)
    for plr in (0.3, 0.5, 0.8):
        _, _, cop = mechanical_cooling(p, plr * 1000.0, 8.0, 30.0)
        f = 0.141 + 0.655 * plr + 0.203 * plr**2
        assert cop == pytest.approx(full * plr / f * (0.141 + 0.655 + 0.203), rel=1e-12)
    # below the minimum unloading ratio 0.2 the unit holds its PLR 0.2 power and cycles below PLR_min 0.1
    _, p05, _ = mechanical_cooling(p, 50.0, 8.0, 30.0)
    _, p10, _ = mechanical_cooling(p, 100.0, 8.0, 30.0)
    assert p05 == pytest.approx(0.5 * p10, rel=1e-12)


# --- staging and N+1 against REFERENCES.md and a plain-Python reference --------------------------

def _staging_reference(q, n, unit_kw, t_chw, t_cond, c=MQ):
    """Plain-Python staging of equal EIR chillers: the fewest units whose available capacity
    covers q, equally loaded (EnergyPlus UniformPLR), each by the DOE-2 EIR equations."""
    x = min(max(t_chw, c.t_chw_min_c), c.t_chw_max_c)
    y = min(max(t_cond, c.t_cond_min_c), c.t_cond_max_c)
    bq = lambda k: k[0] + k[1] * x + k[2] * x * x + k[3] * y + k[4] * y * y + k[5] * x * y  # noqa: E731
    avail = unit_kw * bq(c.capft)
    n_on = next((m for m in range(1, n + 1) if m * avail >= q * (1 - 1e-12)), n)
    plr = min(q / n_on / avail, c.plr_max)
    f = c.eirfplr[0] + c.eirfplr[1] * max(plr, c.plr_min_unloading) + c.eirfplr[2] * max(plr, c.plr_min_unloading) ** 2
    power = n_on * avail / c.cop_ref * bq(c.eirft) * f * min(plr / c.plr_min, 1.0)
    return n_on * plr * avail, power, n_on


def _plant(count, unit_kw=2124.0):
    c = Cooling(chiller={"model": "eir", "condenser": "water", "count": count, "capacity_kw": count * unit_kw})
    _, p, _ = build_plant(c, HeatReuse(), 3000.0, 100.0)
    return p.chiller


@pytest.mark.parametrize("t_cond, cop_ref", [(12.8, 7.46), (20.0, 6.37), (23.9, 5.92), (29.4, 5.40)])
def test_staged_plant_gives_the_mcquay_full_load_cops(t_cond, cop_ref):
    # REFERENCES.md "Cooling plant": full-load COP at 8.89 °C; three units at full load each, or
    # two of a 2+1 plant at full load (the third off): the same COP. 2-3 significant figures: 0.5 %
    avail = 2124.0 * biquadratic(np.asarray(MQ.capft), 8.89, t_cond)
    for count, running in ((3, 3), (3, 2), (1, 1)):
        q, power, cop = mechanical_cooling(_plant(count), running * avail, 8.89, t_cond)
        assert q == pytest.approx(running * avail, rel=1e-12)
        assert cop == pytest.approx(cop_ref, rel=5e-3)


def test_staged_plant_gives_the_mcquay_part_load_cop():
    # REFERENCES.md: 7.80 at PLR 0.5 and 23.9 °C (0.5 %, as above). Half a unit's load on a
    # two-unit plant: one unit runs at PLR 0.5, the other stays off
    avail = 2124.0 * biquadratic(np.asarray(MQ.capft), 8.89, 23.9)
    _, _, cop_one = mechanical_cooling(_plant(2), 0.5 * avail, 8.89, 23.9)
    assert cop_one == pytest.approx(7.80, rel=5e-3)
    # 1.5 units' worth on a 2-unit plant: both run at PLR 0.75
    q, power, _ = mechanical_cooling(_plant(2), 1.5 * avail, 8.89, 23.9)
    _, p_one, _ = mechanical_cooling(_plant(1), 0.75 * avail, 8.89, 23.9)
    assert power == pytest.approx(2 * p_one, rel=1e-12)


def test_n_plus_one_spare_does_not_run():
    # a 2+1 plant and a 2-unit plant of the same units give the same power for any load two
    # units cover: the spare stays off (rounding only)
    avail = 2124.0 * biquadratic(np.asarray(MQ.capft), 7.0, 25.0)
    for frac in (0.05, 0.3, 0.99, 1.4, 2.0):
        got3 = mechanical_cooling(_plant(3), frac * avail, 7.0, 25.0)
        got2 = mechanical_cooling(_plant(2), frac * avail, 7.0, 25.0)
        assert got3 == pytest.approx(got2, rel=1e-12)
    # past two units' capacity the spare starts, and three share the load
    q3, p3, _ = mechanical_cooling(_plant(3), 2.4 * avail, 7.0, 25.0)
    _, p1, _ = mechanical_cooling(_plant(1), 0.8 * avail, 7.0, 25.0)
    assert q3 == pytest.approx(2.4 * avail) and p3 == pytest.approx(3 * p1, rel=1e-12)


def test_staging_matches_the_plain_python_reference():
    rng = np.random.default_rng(15)
    for _ in range(300):
        n = int(rng.integers(1, 6))
        q = rng.uniform(1.0, 1.2 * n * 2124.0)
        t_chw, t_cond = rng.uniform(4, 12), rng.uniform(8, 34)
        q_ref, p_ref, _ = _staging_reference(q, n, 2124.0, t_chw, t_cond)
        got = mechanical_cooling(_plant(n), q, t_chw, t_cond)
        # the same equations in another order: rounding only
        assert got[0] == pytest.approx(q_ref, rel=1e-12) and got[1] == pytest.approx(p_ref, rel=1e-12)


def test_new_keys_are_checked_with_their_dotted_paths(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('name = "x"\n[simulation]\nduration = "1d"\n[cooling.chiller]\ncarnot_fraction = "linear"\n'
                 'carnot_reference_lift_k = 0\ncarnot_efficiency = 1.2\n')
    with pytest.raises(InputError) as info:
        load_scenario(f)
    found = {p.path: p for p in info.value.problems}
    assert set(found) == {"cooling.chiller.carnot_fraction", "cooling.chiller.carnot_reference_lift_k",
                          "cooling.chiller.carnot_efficiency"}
    assert found["cooling.chiller.carnot_fraction"].line == 5 and "'lift' or 'constant'" in found[
        "cooling.chiller.carnot_fraction"].message
    assert found["cooling.chiller.carnot_reference_lift_k"].line == 6
