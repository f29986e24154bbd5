"""Electrical chain: UPS (constant, presets, table, none; module banks), PDU, transformer, fixed loads."""

import math

import numpy as np
import pytest
from pydantic import ValidationError

from dcsim.electrical.chain import (
    E_FACILITY_KW,
    E_FIXED_KW,
    E_HEAT_TO_PLANT_KW,
    E_LOSSES_KW,
    E_PDU_LOSS_KW,
    E_TRANSFORMER_LOSS_KW,
    E_UPS_LOAD_FRACTION,
    E_UPS_LOSS_KW,
    N_ELECTRICAL_OUT,
    converter_loss_kw,
    electrical_losses_kw,
    electrical_step,
)
from dcsim.model import build_electrical, ups_presets
from dcsim.electrical.ups import ups_loss_kw
from dcsim.scenario.electrical import Electrical, Pdu, Transformer, Ups


def _twin(it, mech, sec, design):
    """Plain-Python twin of electrical_step written from the module docstring."""
    u = sec.ups
    pr = sec.pdu.rated_kw or design
    pdu = pr * (sec.pdu.no_load_fraction + sec.pdu.load_loss_fraction * (it / pr) ** 2)
    out = it + pdu + (mech if u.feeds_cooling else 0.0)
    ur = u.rated_kw or design
    # module bank (electrical/ups.py docstring): modules of module_kw (default the rating), installed
    # = ceil(rated / module) + redundant unless given; online = all, or (eco-staging) the needed + redundant;
    # a count at most 1e-9 above a whole number is that number (ups_modules_needed)
    if u.type in ("double-conversion", "eco-mode", "table"):
        mk = u.module_kw or ur
        installed = u.modules or max(math.ceil(ur / mk - 1e-9), 1) + u.redundant_modules
        online = installed
        if u.module_control == "eco-staging":
            online = min(max(math.ceil(out / mk - 1e-9), 1) + u.redundant_modules, installed)
        x = out / (online * mk)
    if u.type == "constant":
        ups = out * (1 / u.efficiency - 1)
    elif u.type == "none":
        ups = 0.0
    elif u.type == "table":
        eta = np.interp(x, u.load_points, u.efficiency_points)
        ups = out * (1 / eta - 1)
    else:
        r = ups_presets()[u.type]
        ups = online * mk * (float(r["no_load_fraction"]) + float(r["proportional_fraction"]) * x + float(r["square_fraction"]) * x * x)
    fixed = sec.lighting_kw + sec.other_kw
    s = it + mech + pdu + ups + fixed
    tr_r = sec.transformer.rated_kw or 1.5 * design
    tr = tr_r * (sec.transformer.no_load_fraction + sec.transformer.load_loss_fraction * (s / tr_r) ** 2)
    return ups, pdu, tr, fixed


SECTIONS = [
    Electrical(),
    Electrical(ups=Ups(efficiency=0.94)),
    Electrical(ups=Ups(type="double-conversion", module_kw=200.0, module_control="eco-staging", redundant_modules=2)),
    Electrical(ups=Ups(type="eco-mode", rated_kw=900.0, module_kw=300.0, modules=6, redundant_modules=3)),
    Electrical(ups=Ups(type="double-conversion")),
    Electrical(ups=Ups(type="eco-mode", feeds_cooling=True), lighting_kw=5.0),
    Electrical(ups=Ups(type="none")),
    Electrical(ups=Ups(type="table", load_points=[0.1, 0.5, 1.0], efficiency_points=[0.85, 0.95, 0.96]),
               pdu=Pdu(no_load_fraction=0.005, load_loss_fraction=0.01),
               transformer=Transformer(no_load_fraction=0.001, load_loss_fraction=0.008), other_kw=3.0),
]


@pytest.mark.parametrize("sec", SECTIONS)
def test_electrical_step_matches_twin(sec):
    design = 800.0
    e = build_electrical(sec, design)
    out = np.zeros(N_ELECTRICAL_OUT)
    rng = np.random.default_rng(5)
    for _ in range(200):
        it, mech = rng.uniform(0, 1000), rng.uniform(0, 400)
        total = electrical_step(it, mech, e, out)
        ups, pdu, tr, fixed = _twin(it, mech, sec, design)
        assert out[E_UPS_LOSS_KW] == pytest.approx(ups, rel=1e-12, abs=1e-12)
        assert out[E_PDU_LOSS_KW] == pytest.approx(pdu, rel=1e-12, abs=1e-12)
        assert out[E_TRANSFORMER_LOSS_KW] == pytest.approx(tr, rel=1e-12, abs=1e-12)
        assert out[E_FIXED_KW] == fixed
        assert total == out[E_LOSSES_KW] == pytest.approx(ups + pdu + tr, rel=1e-12, abs=1e-12)
        # the same compiled chain (dcsim.electrical.chain._chain) under both: bit for bit, whatever was
        # compiled first (tests/test_numeric.py::test_every_compiled_function_states_its_float_flags)
        assert electrical_losses_kw(it, mech, e) == total
        # energy: grid input = loads + losses; heat indoors = UPS + PDU + fixed loads
        assert out[E_FACILITY_KW] == pytest.approx(it + mech + fixed + total, rel=1e-13)
        assert out[E_HEAT_TO_PLANT_KW] == pytest.approx(ups + pdu + fixed, rel=1e-13)
        assert out[E_UPS_LOAD_FRACTION] >= 0


def test_efficiency_alone_is_still_the_walking_skeleton_constant_ups():
    # a file that gives only electrical.ups.efficiency (no type) keeps its original meaning
    assert Ups(efficiency=0.94).type == "constant"
    e = build_electrical(Electrical(ups=Ups(efficiency=0.94)), 1000.0)
    for it in (0.0, 300.0, 987.6):
        assert electrical_losses_kw(it, 500.0, e) == ups_loss_kw(it, 0.94)


def test_default_ups_is_the_double_conversion_curve_in_n_plus_1():
    # one module of the whole rating plus one redundant (1+1), both online
    e = build_electrical(Electrical(), 1000.0)
    assert (Ups().type, Ups().module_control) == ("double-conversion", "all-online")
    assert (e.ups_module_kw, e.ups_modules, e.ups_redundant_modules, e.ups_eco_staging) == (1000.0, 2.0, 1.0, 0.0)


@pytest.mark.parametrize("key", ["double-conversion", "eco-mode"])
def test_presets_reproduce_their_tabulated_efficiencies(key):
    row = ups_presets()[key]
    e = build_electrical(Electrical(ups=Ups(type=key, redundant_modules=0)), 100.0)  # one module: x = P / 100 kW
    for pct in (25, 50, 75, 100):
        loss = electrical_losses_kw(float(pct), 0.0, e)
        # the CSV lists the efficiencies to 3 decimals
        assert pct / (pct + loss) == pytest.approx(float(row[f"eta_{pct}pct"]), abs=6e-4)
    assert row["source"]


def test_efficiency_falls_at_low_load_and_none_has_no_loss():
    e = build_electrical(Electrical(ups=Ups(type="double-conversion", redundant_modules=0)), 1000.0)
    eff = [p / (p + electrical_losses_kw(p, 0.0, e)) for p in (100.0, 250.0, 500.0, 1000.0)]
    assert np.all(np.diff(eff) > 0)
    assert electrical_losses_kw(500.0, 100.0, build_electrical(Electrical(ups=Ups(type="none")), 1000.0)) == 0.0
    assert converter_loss_kw(10.0, 0.0, 0.1, 0.1, 0.1) == 0.0


def test_ups_section_validation():
    with pytest.raises(ValidationError, match="only used with type"):
        Ups(type="eco-mode", efficiency=0.97)
    with pytest.raises(ValidationError, match="needs load_points"):
        Ups(type="table")
    with pytest.raises(ValidationError, match="strictly increasing"):
        Ups(type="table", load_points=[0.5, 0.2], efficiency_points=[0.9, 0.9])
    with pytest.raises(ValidationError):
        Ups(type="flywheel")
    assert Ups(efficiency=0.96).efficiency == 0.96


def test_ups_loss_at_an_efficiency():
    # REFERENCES.md "IT equipment": P_loss = P (1/eta - 1); 100 kW through a 94 % UPS loses 6.38 kW
    assert ups_loss_kw(100.0, 0.94) == pytest.approx(100.0 * (1.0 / 0.94 - 1.0), rel=1e-15)
    assert ups_loss_kw(100.0, 0.94) == pytest.approx(6.383, abs=1e-3)
    assert ups_loss_kw(0.0, 0.9) == 0.0 and ups_loss_kw(50.0, 1.0) == 0.0
