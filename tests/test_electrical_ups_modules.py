"""UPS module banks (electrical/ups.py): the curve at the per-module load, all-online against
eco-staging, N+1, the located input errors and a whole run at low load."""

from pathlib import Path

import numpy as np
import pytest

import dcsim
from dcsim.electrical.chain import (
    E_UPS_LOAD_FRACTION,
    E_UPS_LOSS_KW,
    E_UPS_MODULE_LOAD_FRACTION,
    E_UPS_MODULES_ONLINE,
    N_ELECTRICAL_OUT,
    electrical_step,
    ups_bank,
)
from dcsim.electrical.ups import ups_module_load_fraction, ups_modules_needed, ups_modules_online
from dcsim.model import build_electrical, ups_presets
from dcsim.scenario.electrical import Electrical, Ups

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _bank(**ups) -> object:
    return build_electrical(Electrical(ups=Ups(**ups)), 1000.0)


def _eta(p_out: float, e) -> float:
    loss, _, _ = ups_bank(p_out, e)
    return p_out / (p_out + loss)


@pytest.mark.parametrize("key", ["double-conversion", "eco-mode"])
@pytest.mark.parametrize("pct", [25, 50, 75, 100])
def test_each_module_runs_at_the_curve_of_its_own_load_fraction(key, pct):
    # 4 modules of 250 kW (N+1 on a 750 kW rating), all online: at a per-module load of pct %, the
    # bank's efficiency is the preset's tabulated efficiency at pct % (equipment_ups.csv; the CSV
    # lists 3 decimals, so 6e-4 as in test_electrical_chain's preset check)
    e = _bank(type=key, rated_kw=750.0, module_kw=250.0)
    assert e.ups_modules == 4.0
    p_out = 4 * 250.0 * pct / 100.0
    loss, n, x = ups_bank(p_out, e)
    assert (n, x) == (4.0, pct / 100.0)
    assert _eta(p_out, e) == pytest.approx(float(ups_presets()[key][f"eta_{pct}pct"]), abs=6e-4)
    # and the same as one module alone at that fraction, bit for bit up to the factor 4
    one = _bank(type=key, rated_kw=250.0, module_kw=250.0, redundant_modules=0)
    assert loss == pytest.approx(4.0 * ups_bank(p_out / 4.0, one)[0], rel=1e-14)


def test_a_table_is_read_at_the_per_module_load_fraction():
    # 3 modules of 200 kW online for 240 kW: x = 0.4, eta = interp(0.4) = 0.9 + (0.4 - 0.25) / 0.25 x 0.04 = 0.924
    e = _bank(type="table", load_points=[0.25, 0.5, 1.0], efficiency_points=[0.90, 0.94, 0.95],
              rated_kw=400.0, module_kw=200.0)
    loss, n, x = ups_bank(240.0, e)
    assert (n, x) == (3.0, 0.4)
    assert _eta(240.0, e) == pytest.approx(0.924, rel=1e-12)  # interpolation is exact up to round-off


# the double-conversion preset: a0, a1, a2 = 0.015, 0.020, 0.005 of a module's rating (equipment_ups.csv)
A0, A1, A2 = 0.015, 0.020, 0.005


def test_all_online_against_eco_staging_at_20_pct_load():
    assert tuple(float(ups_presets()["double-conversion"][k]) for k in
                 ("no_load_fraction", "proportional_fraction", "square_fraction")) == (A0, A1, A2)
    all_on = _bank(module_kw=250.0)  # 1000 kW rating = 4 modules, N+1: 5 installed
    eco = _bank(module_kw=250.0, module_control="eco-staging")
    p_out = 200.0  # 20 % of the rating
    # all online: 5 modules at x = 200 / 1250 = 0.16; loss = 1250 (0.015 + 0.020 x 0.16 + 0.005 x 0.0256)
    #           = 1250 x 0.018328 = 22.91 kW
    assert ups_bank(p_out, all_on) == pytest.approx((22.91, 5.0, 0.16), rel=1e-12)
    # eco-staging: ceil(200 / 250) = 1 module needed + 1 redundant = 2 online at x = 0.4;
    # loss = 500 (0.015 + 0.008 + 0.0008) = 11.9 kW: the standby modules' no-load loss is saved
    assert ups_bank(p_out, eco) == pytest.approx((11.9, 2.0, 0.4), rel=1e-12)


def test_n_plus_1_with_4_modules_at_50_pct_load():
    # 4 x 250 kW with one redundant: N = 3 carries the 750 kW rating; 50 % load = 375 kW
    e = _bank(rated_kw=750.0, module_kw=250.0, modules=4)
    out = np.zeros(N_ELECTRICAL_OUT)
    electrical_step(375.0, 0.0, e, out)  # no PDU loss by default: UPS output = IT
    # all four share it: x = 375 / 1000 = 0.375; loss = 1000 (0.015 + 0.0075 + 0.005 x 0.140625) = 23.203125 kW
    assert out[E_UPS_LOSS_KW] == pytest.approx(23.203125, rel=1e-12)
    assert (out[E_UPS_MODULES_ONLINE], out[E_UPS_MODULE_LOAD_FRACTION], out[E_UPS_LOAD_FRACTION]) == (4.0, 0.375, 0.5)
    # eco-staging: ceil(1.5) = 2 needed + 1 = 3 online at x = 0.5; loss = 750 (0.015 + 0.01 + 0.00125) = 19.6875 kW
    eco = _bank(rated_kw=750.0, module_kw=250.0, modules=4, module_control="eco-staging")
    assert ups_bank(375.0, eco) == pytest.approx((19.6875, 3.0, 0.5), rel=1e-12)


def test_staging_counts():
    # min(max(ceil(P / P_m), 1) + r, installed), or every installed module
    assert ups_modules_online(0.0, 250.0, 5.0, 1.0, 1.0) == 2.0  # one module stays on at no load
    assert ups_modules_online(250.0, 250.0, 5.0, 1.0, 1.0) == 2.0  # exactly one module's rating
    assert ups_modules_online(250.1, 250.0, 5.0, 1.0, 1.0) == 3.0
    # 1000.0000000000002 kW (a round-off above four modules' 1000 kW: 4.000000000000001 modules) needs 4,
    # as the installed count below takes it (one rounding for both, ups_modules_needed)
    assert ups_modules_needed(1000.0000000000002, 250.0) == 4.0
    assert ups_modules_online(1000.0000000000002, 250.0, 6.0, 1.0, 1.0) == 5.0
    assert ups_modules_online(1200.0, 250.0, 5.0, 1.0, 1.0) == 5.0  # redundancy used up: never more than installed
    assert ups_modules_online(10.0, 250.0, 5.0, 1.0, 0.0) == 5.0
    assert ups_module_load_fraction(300.0, 250.0, 2.0) == 0.6
    # no UPS: no module, no loss
    assert ups_bank(300.0, build_electrical(Electrical(ups=Ups(type="none")), 1000.0)) == (0.0, 0.0, 0.0)


def test_default_modules_follow_the_rating():
    # module = the whole rating, + 1 redundant; 1000 kW in 300 kW modules needs 4 (+1)
    assert (_bank().ups_module_kw, _bank().ups_modules) == (1000.0, 2.0)
    assert _bank(module_kw=300.0).ups_modules == 5.0
    assert _bank(module_kw=250.0, redundant_modules=0).ups_modules == 4.0  # no round-off fifth module
    assert _bank(rated_kw=1000.0000000000002, module_kw=250.0, redundant_modules=0).ups_modules == 4.0
    assert _bank(module_kw=250.0, redundant_modules=4, modules=8).ups_modules == 8.0  # 2N


def _problems(tmp_path, text, build=False):
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(dcsim.InputError) as info:
        sc = dcsim.load_scenario(path)
        if build:
            from dcsim.engine import build_model, server_curve
            build_model(sc, server_curve(sc.it.server), 60.0)
    return {p.path: p for p in info.value.problems}


HEAD = 'name = "m"\n[simulation]\nduration = "1d"\n[it]\nracks = 4\n'  # 5 lines, [electrical.ups] on line 6


@pytest.mark.parametrize("ups_lines, path, line, fragment", [
    ('modules = 1\n', "electrical.ups.modules", 7, "leaves none for the load with redundant_modules = 1"),
    ('type = "double-conversion"\nmodules = 3\nredundant_modules = 3\n', "electrical.ups.modules", 8, "need at least 4"),
    ('module_control = "sometimes"\n', "electrical.ups.module_control", 7, "eco-staging"),
    ('module_kw = -250\n', "electrical.ups.module_kw", 7, "greater than 0"),
    ('redundant_modules = 1.5\n', "electrical.ups.redundant_modules", 7, "integer"),
    ('efficiency = 0.95\nmodules = 3\n', "electrical.ups.modules", 8, 'only used with a loss-curve type'),
    ('type = "none"\nmodule_control = "eco-staging"\n', "electrical.ups.module_control", 8, 'type is "none"'),
    ('modulez = 3\n', "electrical.ups.modulez", 7, "modules"),
])
def test_invalid_module_keys_are_located(tmp_path, ups_lines, path, line, fragment):
    found = _problems(tmp_path, HEAD + "[electrical.ups]\n" + ups_lines)
    assert list(found) == [path]
    assert found[path].line == line and found[path].file == str(tmp_path / "s.toml")
    assert fragment in found[path].message


def test_too_few_modules_for_the_rating_is_a_build_error_at_modules(tmp_path):
    found = _problems(tmp_path, HEAD + "[electrical.ups]\nrated_kw = 1000\nmodule_kw = 250\nmodules = 4\n", build=True)
    (p,) = found.values()
    assert p.path == "electrical.ups.modules" and p.value == 4
    assert "carry 750 kW, below the rated load of 1000 kW" in p.message and "install at least 5" in p.message


def _flat(name: str, u: float, **overrides) -> dict:
    # flat utilisation: the daily profile's 24 weights all 1 (scaled to the mean); two days is
    # enough for the electrical chain, which has no memory
    sc = dcsim.load_scenario(SCENARIOS / f"{name}.toml", overrides={
        "simulation.duration": "2d", "workload.daily_profile": [1.0] * 24, "workload.mean_utilization": u, **overrides})
    return dcsim.simulate(sc)


def test_lulea_air_pue_at_20_pct_load_rises_against_the_constant_ups():
    runs = {u: _flat("lulea-air-1mw", u) for u in (0.2, 0.55, 0.9)}
    before = _flat("lulea-air-1mw", 0.2, **{"electrical.ups.type": "constant"})  # today's 94 % at every load
    assert runs[0.2].kpis["pue"] > before.kpis["pue"]
    # the UPS loss per kWh of IT falls with the load (the modules' no-load loss is spread over more IT)
    share = {u: r.kpis["energy_electrical_losses_kwh"] / r.kpis["energy_it_kwh"] for u, r in runs.items()}
    assert share[0.2] > share[0.55] > share[0.9]
    # and the run reports the modules: 1 + 1 of the design IT rating, both online, each carrying half
    # the UPS output, which is the IT power (no PDU loss by default, the cooling not on the UPS):
    # x = P_IT / (2 P_design), about 0.24 here; 1e-12: the hourly rows are means of per-step values
    from dcsim.engine import build_model, server_curve
    sc = dcsim.load_scenario(SCENARIOS / "lulea-air-1mw.toml")
    design_kw = build_model(sc, server_curve(sc.it.server), 60.0).design_it_kw
    ts = runs[0.2].timeseries
    assert (ts["ups_modules_online"] == 2.0).all()
    np.testing.assert_allclose(ts["ups_module_load_fraction"], ts["it_power_kw"] / (2.0 * design_kw), rtol=1e-12)
    # the balance closes to round-off (7e-16 in this run)
    assert runs[0.2].kpis["energy_balance_rel_error"] < 1e-12


@pytest.mark.parametrize("ups", [{}, {"type": "double-conversion", "module_kw": 250.0, "module_control": "eco-staging"},
                                 {"efficiency": 0.96}, {"type": "constant"}, {"type": "none"},
                                 {"type": "table", "load_points": [0.2, 1.0], "efficiency_points": [0.9, 0.95]}])
def test_the_resolved_scenario_loads_again(tmp_path, ups):
    # the resolved file fills in only the keys of the UPS's own form (a double-conversion scenario's
    # resolved file used to carry efficiency = 0.94, which its own check then refused)
    from dcsim.scenario.load import dump_toml
    sc = dcsim.load_scenario({"electrical": {"ups": ups}})
    path = tmp_path / "resolved.toml"
    path.write_text(dump_toml(sc))
    assert dcsim.load_scenario(path) == sc
    u = sc.electrical.ups
    assert (u.efficiency is not None) == (u.type == "constant")
    assert (u.redundant_modules is not None) == (u.type in ("double-conversion", "eco-mode", "table"))
    if u.type == "constant":
        assert u.efficiency == ups.get("efficiency", 0.94)
